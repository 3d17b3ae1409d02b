"""The harness of the bad-input suite (issue 12): every case runs through the command line the way
a user meets it, in a working folder that already holds a good store and earlier outputs.

A case passes when the command

- exits with a non-zero code,
- prints a Dutch message that names what it must name (file, layer, row, column, the fix),
- shows no Python traceback (in process: no exception escapes the CLI),
- leaves the store and every earlier output byte for byte as they were,
- and leaves no temporary file behind.

Use it as::

    def test_x(werkmap):
        voor = werkmap.toestand()
        uit = werkmap.run(["importeer", "--gemeente", "GM9999", ...])
        weigert(uit, noemt=["kerncijfers.csv", "rij 3", "kolom aantal_inwoners"])
        werkmap.onveranderd(voor)

``werkmap.run`` runs in process (CliRunner, fast); ``werkmap.run_proces`` runs ``python -m
gebiedsplan.cli`` as a subprocess (for kills, ``ulimit -f`` and real tracebacks).
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gebiedsplan.cli import app

REPO = Path(__file__).resolve().parents[2]
#: Folders of a working folder whose files must survive a refused command unchanged.
BEWAAKT = ("lagen/store", "maps", "uitvoer")
#: Names of temporary files the package writes beside a target (gebiedsplan._io.atomic_path).
TIJDELIJK = re.compile(r"^\..*\.(tmp|gpkg|csv|xlsx|html|tif|npz|pdf|json)$|\.tmp$|~$")

_runner = CliRunner()


@dataclass(frozen=True)
class Uitkomst:
    """What a command did: exit code, everything it printed, and an exception that escaped."""

    code: int
    tekst: str
    uitzondering: BaseException | None = None

    @property
    def platte_tekst(self) -> str:
        """The output with rich's box drawing removed and all white space (line wraps) folded."""
        zonder = re.sub(r"[│┃╭╮╰╯─━┏┓┗┛┡┩└┘┌┐╇┳┻╋]", " ", self.tekst)
        return " ".join(zonder.split())


def weigert(uitkomst: Uitkomst, *, noemt: Sequence[str] = (), code: int | None = None) -> None:
    """Assert a clean refusal: non-zero exit, no traceback, and every word of ``noemt`` in the
    message (compared with folded white space, case-sensitive)."""
    tekst = uitkomst.platte_tekst
    assert uitkomst.code != 0, f"exit 0, verwacht een weigering:\n{uitkomst.tekst}"
    if code is not None:
        assert uitkomst.code == code, (uitkomst.code, uitkomst.tekst)
    assert "Traceback" not in uitkomst.tekst, uitkomst.tekst
    assert uitkomst.uitzondering is None or isinstance(uitkomst.uitzondering, SystemExit), (
        f"uitzondering ontsnapt uit de CLI: {uitkomst.uitzondering!r}\n{uitkomst.tekst}"
    )
    ontbreekt = [w for w in noemt if " ".join(w.split()) not in tekst]
    assert not ontbreekt, f"de melding noemt {ontbreekt} niet:\n{uitkomst.tekst}"


def slaagt(uitkomst: Uitkomst) -> None:
    """Assert a command succeeded (for set-up steps and re-runs after a failure)."""
    assert uitkomst.code == 0 and uitkomst.uitzondering is None, uitkomst.tekst


@dataclass
class Werkmap:
    """A working folder with the demo store (``lagen/store/GM9999.gpkg`` and its raster and
    compiled network) and the outputs of ``gebiedsplan demo`` (``maps/``, ``uitvoer/``)."""

    pad: Path

    @property
    def store(self) -> Path:
        return self.pad / "lagen" / "store" / "GM9999.gpkg"

    def bestand(self, naam: str, inhoud: str | bytes) -> Path:
        """Write a file into the working folder's ``invoer/`` (not guarded) and return its path."""
        pad = self.pad / "invoer" / naam
        pad.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(inhoud, bytes):
            pad.write_bytes(inhoud)
        else:
            pad.write_text(inhoud, encoding="utf-8")
        return pad

    def toestand(self) -> dict[str, str]:
        """sha256 of every file in the guarded folders, by relative path."""
        uit = {}
        for map_ in BEWAAKT:
            for f in sorted((self.pad / map_).rglob("*")):
                if f.is_file():
                    uit[str(f.relative_to(self.pad))] = hashlib.sha256(f.read_bytes()).hexdigest()
        return uit

    def tijdelijke_bestanden(self) -> list[str]:
        """Temporary files left anywhere in the working folder."""
        return sorted(
            str(f.relative_to(self.pad))
            for f in self.pad.rglob("*")
            if f.is_file() and TIJDELIJK.search(f.name) and not f.name.startswith(".gitkeep")
        )

    def onveranderd(self, voor: dict[str, str]) -> None:
        """Assert the guarded folders are exactly as in ``voor`` and no temporary file remains."""
        na = self.toestand()
        veranderd = sorted(k for k in voor.keys() & na.keys() if voor[k] != na[k])
        weg = sorted(voor.keys() - na.keys())
        nieuw = sorted(na.keys() - voor.keys())
        assert not (veranderd or weg or nieuw), (
            f"veranderd: {veranderd}; verdwenen: {weg}; nieuw: {nieuw}"
        )
        assert self.tijdelijke_bestanden() == []

    def run(self, args: Sequence[str | Path], *, env: dict[str, str] | None = None) -> Uitkomst:
        """``gebiedsplan <args>`` in process (CliRunner), in this folder."""
        oud = Path.cwd()
        wortel = logging.getLogger()
        handlers, niveau = list(wortel.handlers), wortel.level
        os.chdir(self.pad)
        try:
            with pytest.MonkeyPatch.context() as mp:
                for k, v in (env or {}).items():
                    mp.setenv(k, v)
                r = _runner.invoke(app, [str(a) for a in args])
        finally:
            os.chdir(oud)
            # the CLI configures the root logger; leave it as it was for what runs next
            wortel.handlers[:] = handlers
            wortel.setLevel(niveau)
        uitzondering = r.exception if not isinstance(r.exception, SystemExit) else None
        return Uitkomst(r.exit_code, r.output, uitzondering)

    def run_proces(
        self,
        args: Sequence[str | Path],
        *,
        env: dict[str, str] | None = None,
        preexec_fn: Callable[[], None] | None = None,
        timeout_s: float = 300,
    ) -> Uitkomst:
        """``python -m gebiedsplan.cli <args>`` as a subprocess in this folder."""
        omgeving = {**os.environ, "COLUMNS": "200", **(env or {})}
        p = subprocess.run(
            [sys.executable, "-m", "gebiedsplan.cli", *map(str, args)],
            cwd=self.pad,
            env=omgeving,
            capture_output=True,
            text=True,
            timeout=timeout_s,
            preexec_fn=preexec_fn,
            check=False,
        )
        return Uitkomst(p.returncode, p.stdout + p.stderr)
