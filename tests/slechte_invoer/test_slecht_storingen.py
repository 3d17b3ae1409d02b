"""Faults while writing (issue 12, parts 4, 5 and 7): a process killed during ``importeer``, a
full disk, read-only folders and folders without rights, a damaged compiled-network cache, and
an error that is nobody's input (a bug).

- **Refusals** (a table): the disk fills up at a chosen file, or a folder cannot be written,
  during ``demo``, ``analyse``, ``importeer``, ``kaart``, ``rapport``, ``hiaten``, ``scenario``
  and ``locatie``. As root ``chmod`` does not stop writes, so the fault is put in process where
  the package writes (the temporary file of :func:`gebiedsplan._io.atomic_path`, the HTML and
  Excel writers, GDAL), and for ``demo`` and ``analyse`` for real in a subprocess with
  ``ulimit -f``.
  Each case asserts exit code 1, a message naming the file or folder and the fix, no
  traceback, the store and earlier outputs byte for byte unchanged (also when the tables were
  already written when the map failed: outputs land together) and no temporary file left.
- **The kill test**: ``gebiedsplan importeer`` is killed (SIGKILL) at 11 moments; after each
  the store loads, a re-run succeeds and no temporary file remains.
- **The network cache**: a truncated, an outdated and a changed file are rebuilt with a
  warning; a cache folder that cannot be written never stops a run.
- **An unexpected error** is "Onverwachte fout" with exit code 3 and no traceback, also in a
  real process; with ``GEBIEDSPLAN_DEBUG=1`` the exception comes out.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyogrio
import pytest
from harnas import REPO, Werkmap, slaagt, weigert

import gebiedsplan as gp
import gebiedsplan.analyse.run
from gebiedsplan.netwerk.graaf import load_netwerk

#: Exit codes of the CLI: a refusal, and an unexpected error (gebiedsplan.cli).
FOUT, ONVERWACHT = 1, 3
IMPORT = ["importeer", "--gemeente", "GM9999", "--jaar", "2024"]
SCENARIO = REPO / "wijken" / "scenarios" / "demo_sluit_havenhuis.yml"
KOPPELING = (
    "laag: voorzieningen\nprefix: welzijn\nkolommen: {naam: Naam, categorie: Soort}\n"
    "waarden: {categorie: {Buurthuis: ontmoeting}}\nlocatie: {x: X, y: Y, crs: EPSG:28992}\n"
    "herkomst: {bron: Welzijnsregister (test), synthetisch: true}\n"
)


#: ulimit, SIGXFSZ, fork, SIGKILL and asking whether a process runs are POSIX.
ALLEEN_POSIX = pytest.mark.skipif(os.name != "posix", reason="ulimit, fork en SIGKILL: POSIX")


def _register(werkmap: Werkmap, *, rijen: int = 200) -> list[str]:
    """A welzijn register of ``rijen`` meeting places inside the demo gemeente, and the
    arguments that import it."""
    rng = np.random.default_rng(12)
    xy = rng.uniform((171_500, 491_500), (174_000, 493_500), size=(rijen, 2))
    tekst = "Naam;Soort;X;Y\n" + "".join(
        f"Huiskamer {i + 1};Buurthuis;{x:.1f};{y:.1f}\n" for i, (x, y) in enumerate(xy)
    )
    register = werkmap.bestand("welzijn.csv", tekst)
    koppeling = werkmap.bestand("welzijn.yml", KOPPELING)
    return [*IMPORT, "--register", str(register), "--koppeling", str(koppeling)]


# --------------------------------------------------------------------------------------------
# faults put where the package writes
# --------------------------------------------------------------------------------------------


def _os_fout(nummer: int, pad: object) -> OSError:
    return OSError(nummer, os.strerror(nummer), str(pad))


def _is_tijdelijk_van(pad: Path, naam: str) -> bool:
    """Whether ``pad`` is the temporary file atomic_path writes for target ``naam``."""
    return pad.name.startswith(f".{naam}.")


def vol_bij_html(naam: str) -> Callable[[pytest.MonkeyPatch, Werkmap], None]:
    """The disk is full when the page ``naam`` (a map, a report, the index) is written."""

    def storing(mp: pytest.MonkeyPatch, werkmap: Werkmap) -> None:
        for methode in ("write_text", "write_bytes"):
            echt = getattr(Path, methode)

            def schrijf(self: Path, *args: object, _echt: Callable = echt, **kw: object) -> int:
                if _is_tijdelijk_van(self, naam):
                    raise _os_fout(errno.ENOSPC, self)
                return _echt(self, *args, **kw)

            mp.setattr(Path, methode, schrijf)

    return storing


def vol_bij_excel(naam: str) -> Callable[[pytest.MonkeyPatch, Werkmap], None]:
    """The disk is full when the workbook ``naam`` is saved (openpyxl's save)."""
    import openpyxl

    def storing(mp: pytest.MonkeyPatch, werkmap: Werkmap) -> None:
        echt = openpyxl.Workbook.save

        def save(self: openpyxl.Workbook, bestand: object) -> None:
            pad = Path(getattr(bestand, "name", bestand))  # a path or an open file
            if _is_tijdelijk_van(pad, naam):
                raise _os_fout(errno.ENOSPC, pad)
            echt(self, bestand)

        mp.setattr(openpyxl.Workbook, "save", save)

    return storing


def vol_bij_gdal(naam: str) -> Callable[[pytest.MonkeyPatch, Werkmap], None]:
    """The disk is full when GDAL writes the GeoPackage ``naam``: GDAL says only "Failed to
    commit transaction" (as it does on a real full disk); the folder has no space left."""

    def storing(mp: pytest.MonkeyPatch, werkmap: Werkmap) -> None:
        echt_schrijven, echt_gebruik = pyogrio.write_dataframe, shutil.disk_usage

        def write_dataframe(frame: object, pad: object, *args: object, **kw: object) -> None:
            if _is_tijdelijk_van(Path(str(pad)), naam):
                Path(str(pad)).write_bytes(b"SQLite format 3\x00half")  # GDAL had begun
                raise pyogrio.errors.DataSourceError("Failed to commit transaction")
            echt_schrijven(frame, pad, *args, **kw)

        def disk_usage(pad: object) -> object:
            uit = echt_gebruik(pad)
            if Path(str(pad)).resolve().is_relative_to(werkmap.pad.resolve()):
                return type(uit)(uit.total, uit.total - 4096, 4096)
            return uit

        mp.setattr(pyogrio, "write_dataframe", write_dataframe)
        mp.setattr(shutil, "disk_usage", disk_usage)

    return storing


def dicht(map_: str, nummer: int) -> Callable[[pytest.MonkeyPatch, Werkmap], None]:
    """Folder ``map_`` of the working folder cannot be written (``EROFS``: a read-only disk,
    ``EACCES``: no rights): creating a file or folder in it fails, as the operating system
    would (root is not stopped by chmod, so the fault is put in the calls that create them)."""

    def storing(mp: pytest.MonkeyPatch, werkmap: Werkmap) -> None:
        doel = (werkmap.pad / map_).resolve()
        echt_stemp, echt_dtemp = tempfile.mkstemp, tempfile.mkdtemp

        def binnen(dir: object) -> bool:
            return dir is not None and Path(str(dir)).resolve() == doel

        def mkstemp(*args: object, **kw: object) -> object:
            if binnen(kw.get("dir")):
                raise _os_fout(nummer, doel / "x")
            return echt_stemp(*args, **kw)

        def mkdtemp(*args: object, **kw: object) -> object:
            if binnen(kw.get("dir")):
                raise _os_fout(nummer, doel / "x")
            return echt_dtemp(*args, **kw)

        mp.setattr(tempfile, "mkstemp", mkstemp)
        mp.setattr(tempfile, "mkdtemp", mkdtemp)

    return storing


@dataclass(frozen=True)
class Storing:
    """A command that meets a fault; ``opdracht`` may name the werkmap's register import
    (``REGISTER``); the words the message must name."""

    id: str
    opdracht: list[str]
    storing: Callable[[pytest.MonkeyPatch, Werkmap], None]
    noemt: list[str] = field(default_factory=list)


REGISTER = ["<register>"]
RAPPORT = ["rapport", "demo", "--gebied", "Havenkwartier", "--geen-pdf"]
KAART = ["kaart", "demo", "--soort", "voorzieningen"]
VOL = ["de schijf is vol", "Maak ruimte vrij", "kies een andere map"]
ALLEEN_LEZEN = ["alleen-lezen", "schrijfbaar"]

STORINGEN = [
    # a full disk at the last file of a run: nothing of the run lands
    Storing(
        "demo-schijf-vol-bij-de-kaart",
        ["demo"],
        vol_bij_html("hiaten_GM9999.html"),
        ["hiaten_GM9999.html", "in maps", *VOL],
    ),
    Storing(
        "demo-schijf-vol-bij-de-opslag",
        ["demo"],
        vol_bij_gdal("GM9999.gpkg"),
        ["GM9999.gpkg", "in lagen/store", *VOL],
    ),
    Storing(
        "analyse-schijf-vol-bij-de-kaart",
        ["analyse", "demo"],
        vol_bij_html("hiaten_GM9999.html"),
        ["hiaten_GM9999.html", "in maps", *VOL],
    ),
    Storing(
        "analyse-schijf-vol-bij-de-index",
        ["analyse", "demo"],
        vol_bij_html("index.html"),
        ["index.html", "in maps", *VOL],
    ),
    Storing(
        "analyse-schijf-vol-bij-de-excel",
        ["analyse", "demo"],
        vol_bij_excel("hiaten_GM9999.xlsx"),
        ["hiaten_GM9999.xlsx", "in uitvoer", *VOL],
    ),
    Storing(
        "importeer-schijf-vol",
        REGISTER,
        vol_bij_gdal("GM9999.gpkg"),
        ["GM9999.gpkg", "in lagen/store", *VOL],
    ),
    Storing(
        "kaart-schijf-vol-bij-de-index",
        KAART,
        vol_bij_html("index.html"),
        ["index.html", "in maps", *VOL],
    ),
    Storing(
        "rapport-schijf-vol-bij-het-rapport",
        RAPPORT,
        vol_bij_html("gebiedsplan_GM9999_havenkwartier.html"),
        ["gebiedsplan_GM9999_havenkwartier.html", "in maps", *VOL],
    ),
    Storing(
        "rapport-schijf-vol-bij-de-index",
        RAPPORT,
        vol_bij_html("index.html"),
        ["index.html", "in maps", *VOL],
    ),
    Storing(
        "hiaten-schijf-vol",
        ["hiaten", "demo"],
        vol_bij_excel("hiaten_GM9999_wijk.xlsx"),
        ["hiaten_GM9999_wijk.xlsx", "in uitvoer", *VOL],
    ),
    Storing(
        "locatie-schijf-vol",
        ["locatie", "demo", "--categorie", "ontmoeting", "--gebied", "Havenkwartier"],
        vol_bij_excel("locatie_GM9999_ontmoeting_havenkwartier_1.xlsx"),
        ["locatie_GM9999_ontmoeting_havenkwartier_1.xlsx", "in uitvoer", *VOL],
    ),
    # folders that cannot be written
    Storing(
        "importeer-opslag-alleen-lezen",
        REGISTER,
        dicht("lagen/store", errno.EROFS),
        ["GM9999.gpkg", "in lagen/store", *ALLEEN_LEZEN],
    ),
    Storing(
        "demo-opslag-alleen-lezen",
        ["demo"],
        dicht("lagen/store", errno.EROFS),
        ["in lagen/store", *ALLEEN_LEZEN],
    ),
    Storing(
        "kaart-maps-alleen-lezen",
        KAART,
        dicht("maps", errno.EROFS),
        ["voorzieningen_GM9999.html", "in maps", *ALLEEN_LEZEN],
    ),
    Storing(
        "rapport-maps-alleen-lezen",
        RAPPORT,
        dicht("maps", errno.EROFS),
        ["in maps", *ALLEEN_LEZEN],
    ),
    Storing(
        "analyse-maps-geen-rechten",
        ["analyse", "demo"],
        dicht("maps", errno.EACCES),
        ["hiaten_GM9999.html", "geen schrijfrechten op maps", "chmod u+w maps"],
    ),
    Storing(
        "hiaten-uitvoer-geen-rechten",
        ["hiaten", "demo"],
        dicht("uitvoer", errno.EACCES),
        ["hiaten_GM9999_wijk.xlsx", "geen schrijfrechten op uitvoer"],
    ),
    Storing(
        "scenario-uitvoer-alleen-lezen",
        ["scenario", str(SCENARIO), "--gemeente", "demo"],
        dicht("uitvoer", errno.EROFS),
        ["in uitvoer", *ALLEEN_LEZEN],
    ),
]


@pytest.mark.parametrize("geval", STORINGEN, ids=[g.id for g in STORINGEN])
def test_storing_bij_schrijven(werkmap: Werkmap, geval: Storing) -> None:
    args = _register(werkmap) if geval.opdracht == REGISTER else geval.opdracht
    voor = werkmap.toestand()
    with pytest.MonkeyPatch.context() as mp:
        geval.storing(mp, werkmap)
        uit = werkmap.run(args)
    weigert(uit, noemt=geval.noemt, code=FOUT)
    werkmap.onveranderd(voor)


# --------------------------------------------------------------------------------------------
# a real full disk: ulimit -f in a subprocess
# --------------------------------------------------------------------------------------------


def _bestandsgrens(grens: int) -> Callable[[], None]:
    import resource

    def instellen() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # then a write fails with EFBIG
        resource.setrlimit(resource.RLIMIT_FSIZE, (grens, grens))

    return instellen


ULIMIT = [
    # the store (3.7 MB) is the first and largest file of the demo
    pytest.param(["demo"], 1_000_000, ["GM9999.gpkg", "in lagen/store"], id="demo"),
    # the CSV (10 kB) fits, the workbook does not: the CSV must not land alone
    pytest.param(["analyse", "demo"], 20_000, ["hiaten_GM9999.xlsx", "in uitvoer"], id="analyse"),
]


@pytest.mark.slow  # real processes
@ALLEEN_POSIX
@pytest.mark.parametrize(("opdracht", "grens", "noemt"), ULIMIT)
def test_schijf_vol_met_ulimit(
    werkmap: Werkmap, opdracht: list[str], grens: int, noemt: list[str]
) -> None:
    args = _register(werkmap) if opdracht == REGISTER else opdracht
    voor = werkmap.toestand()
    uit = werkmap.run_proces(args, preexec_fn=_bestandsgrens(grens))
    weigert(uit, noemt=[*noemt, "groter dan is toegestaan", "Hef de grens op"], code=FOUT)
    werkmap.onveranderd(voor)


# --------------------------------------------------------------------------------------------
# the compiled-network cache
# --------------------------------------------------------------------------------------------


def _cache(werkmap: Werkmap) -> Path:
    (pad,) = (werkmap.pad / "lagen" / "store" / "GM9999_netwerk").glob("netwerk_lopen_*.npz")
    return pad


def _afkappen(pad: Path) -> None:
    pad.write_bytes(pad.read_bytes()[: pad.stat().st_size // 2])


def _oude_versie(pad: Path) -> None:
    with np.load(pad) as z:
        arrays = {k: z[k] for k in z.files}
    arrays["versie"] = np.array(1)
    del arrays["controle"]
    with pad.open("wb") as f:
        np.savez(f, **arrays)


def _veranderd(pad: Path) -> None:
    """A valid npz whose numbers were changed after the checksum was taken."""
    with np.load(pad) as z:
        arrays = {k: z[k] for k in z.files}
    arrays["data"] = arrays["data"] * 2
    with pad.open("wb") as f:
        np.savez(f, **arrays)


@pytest.mark.parametrize(
    ("bederf", "noemt"),
    [
        pytest.param(_afkappen, "is beschadigd of onvolledig", id="afgekapt"),
        pytest.param(_oude_versie, "oudere indeling (formaatversie 1, nu 2)", id="oude-versie"),
        pytest.param(_veranderd, "is beschadigd (de controlesom klopt niet)", id="veranderd"),
    ],
)
def test_kapot_netwerkbestand_wordt_herbouwd(
    werkmap: Werkmap, bederf: Callable[[Path], None], noemt: str
) -> None:
    pad = _cache(werkmap)
    goed = load_netwerk(pad)
    bederf(pad)
    uit = werkmap.run(["analyse", "demo"])
    slaagt(uit)
    assert noemt in uit.platte_tekst
    assert "opnieuw gecompileerd en het bestand vervangen" in uit.platte_tekst
    assert pad.name in "".join(uit.tekst.split())  # a long name may be folded over lines
    herbouwd = load_netwerk(_cache(werkmap))  # checksum and version right again
    assert _cache(werkmap) == pad and (herbouwd.graaf != goed.graaf).nnz == 0
    assert werkmap.tijdelijke_bestanden() == []


def test_netwerkmap_die_niet_beschreven_kan_worden_stopt_geen_run(werkmap: Werkmap) -> None:
    pad = _cache(werkmap)
    _afkappen(pad)
    kapot = pad.read_bytes()
    with pytest.MonkeyPatch.context() as mp:
        dicht("lagen/store/GM9999_netwerk", errno.EROFS)(mp, werkmap)
        uit = werkmap.run(["analyse", "demo"])
    slaagt(uit)
    assert "is beschadigd of onvolledig" in uit.platte_tekst
    assert "Het gecompileerde netwerk is niet bewaard" in uit.platte_tekst
    assert "alleen-lezen" in uit.platte_tekst
    assert pad.read_bytes() == kapot  # untouched; the next run tries again
    assert (werkmap.pad / "maps" / "hiaten_GM9999.html").is_file()


# --------------------------------------------------------------------------------------------
# temporary files of killed runs
# --------------------------------------------------------------------------------------------


def _dood_pid() -> int:
    """The id of a process that has ended (and been reaped)."""
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid


@ALLEEN_POSIX  # elsewhere a process cannot be asked: files older than a minute
def test_tijdelijke_bestanden_van_afgebroken_runs_worden_opgeruimd(werkmap: Werkmap) -> None:
    dood = _dood_pid()
    oud = time.time() - 3600
    achtergelaten = [
        werkmap.pad / "uitvoer" / f".hiaten_GM9999.csv.{dood}-ab12cd34.csv",
        werkmap.pad / "maps" / f".hiaten_GM9999.html.{dood}-zz99yy88.html",
        werkmap.pad / "maps" / ".hiaten_GM9999.html.q1w2e3r4.html",  # a name of before, old
    ]
    blijven = [
        werkmap.pad / "uitvoer" / ".notities.csv",  # the user's own hidden file
        werkmap.pad / "uitvoer" / f".hiaten_GM9999.csv.{os.getpid()}-ab12cd34.csv",  # a live run
        werkmap.pad / "maps" / ".kaart.html.a1b2c3d4.html",  # a name of before, but new
    ]
    for pad in achtergelaten + blijven:
        pad.write_text("half", encoding="utf-8")
    os.utime(achtergelaten[2], (oud, oud))
    uit = werkmap.run(["analyse", "demo"])
    slaagt(uit)
    assert not any(p.exists() for p in achtergelaten)
    assert all(p.exists() for p in blijven)
    assert "Opgeruimd in uitvoer: 1 tijdelijk bestand van een eerder afgebroken run" in (
        uit.platte_tekst
    )
    assert "Opgeruimd in maps: 2 tijdelijke bestanden" in uit.platte_tekst


# --------------------------------------------------------------------------------------------
# an error that is nobody's input
# --------------------------------------------------------------------------------------------


def _fout_in_de_analyse(*args: object, **kw: object) -> None:
    raise KeyError("wijkcode")


def test_onverwachte_fout_zonder_traceback(werkmap: Werkmap, monkeypatch: pytest.MonkeyPatch):
    voor = werkmap.toestand()
    monkeypatch.setattr(gebiedsplan.analyse.run, "run_analyse", _fout_in_de_analyse)
    uit = werkmap.run(["analyse", "demo"])
    weigert(
        uit,
        noemt=["Onverwachte fout: KeyError: 'wijkcode'", "Meld het", "GEBIEDSPLAN_DEBUG=1"],
        code=ONVERWACHT,
    )
    werkmap.onveranderd(voor)
    # with the debug switch the exception itself comes out
    uit = werkmap.run(["analyse", "demo"], env={"GEBIEDSPLAN_DEBUG": "1"})
    assert isinstance(uit.uitzondering, KeyError)


#: ``gebiedsplan`` with a bug put in: loading a gemeente raises a KeyError.
MET_EEN_FOUT = (
    "import gebiedsplan.gemeente as g\n"
    "def kapot(*a, **k):\n"
    "    raise KeyError('wijkcode')\n"
    "g.load_gemeente = kapot\n"
    "from gebiedsplan.cli import main\n"
    "main()\n"
)


def _proces(werkmap: Werkmap, code: str, args: list[str], **env: str) -> tuple[int, str]:
    p = subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=werkmap.pad,
        env={**os.environ, "COLUMNS": "200", **env},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    return p.returncode, p.stdout + p.stderr


@pytest.mark.slow  # a real process
def test_onverwachte_fout_in_een_echt_proces(werkmap: Werkmap) -> None:
    code, tekst = _proces(werkmap, MET_EEN_FOUT, ["analyse", "demo"])
    assert code == ONVERWACHT, tekst
    assert "Traceback" not in tekst and "Onverwachte fout: KeyError: 'wijkcode'" in tekst


# --------------------------------------------------------------------------------------------
# the kill test
# --------------------------------------------------------------------------------------------

#: A process that imports gebiedsplan once and then runs each command it is sent in a fork of
#: itself: a real process (``gebiedsplan.cli.main``, as the console script) that can be killed,
#: without paying the imports for every kill. It tells the child's id, waits for "ruim" before
#: it reaps the child (so the id is not reused while the test may still kill it), then tells
#: the child's exit status.
ZYGOTE = r"""
import json, os, sys
import gebiedsplan.cli

for regel in sys.stdin:
    opdracht = json.loads(regel)
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            os.chdir(opdracht["map"])
            fd = os.open(opdracht["log"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            os.dup2(fd, 1)
            os.dup2(fd, 2)
            sys.argv = ["gebiedsplan", *opdracht["args"]]
            gebiedsplan.cli.main()
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        except BaseException:
            code = 99
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    print(pid, flush=True)
    sys.stdin.readline()
    print(os.waitpid(pid, 0)[1], flush=True)
"""


class Zygote:
    def __init__(self) -> None:
        omgeving = {**os.environ, "COLUMNS": "200", "OMP_NUM_THREADS": "1"}
        omgeving |= {"OPENBLAS_NUM_THREADS": "1", "NUMBA_NUM_THREADS": "1"}
        self.p = subprocess.Popen(
            [sys.executable, "-c", ZYGOTE],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=omgeving,
        )

    def start(self, map_: Path, args: list[str], log: Path) -> int:
        assert self.p.stdin and self.p.stdout
        opdracht = {"map": str(map_), "args": args, "log": str(log)}
        self.p.stdin.write(json.dumps(opdracht) + "\n")
        self.p.stdin.flush()
        return int(self.p.stdout.readline())

    def ruim(self) -> int:
        """Reap the child; its wait status."""
        assert self.p.stdin and self.p.stdout
        self.p.stdin.write("ruim\n")
        self.p.stdin.flush()
        return int(self.p.stdout.readline())

    def stop(self) -> None:
        if self.p.stdin:
            self.p.stdin.close()
        self.p.wait(timeout=30)


def _beeindigd(pid: int) -> bool:
    """Whether the child has ended (a zombie, not yet reaped); False where /proc is absent."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[-1].split()[0] == "Z"


def _tijdelijk_in(store: Path) -> list[Path]:
    return [p for p in store.parent.iterdir() if p.name.startswith(f".{store.name}.")]


#: The moments of the kill test: a share of the time a whole run takes (measured first), or an
#: event in the store folder (the temporary store appears, has grown past a size in bytes,
#: SQLite's journal stands beside it).
MOMENTEN: list[tuple[str, float]] = [
    ("deel", 0.0),
    ("deel", 0.1),
    ("deel", 0.25),
    ("deel", 0.4),
    ("deel", 0.55),
    ("deel", 0.7),
    ("tijdelijk", 0),
    ("tijdelijk", 64_000),
    ("tijdelijk", 512_000),
    ("tijdelijk", 3_000_000),
    ("journaal", 0),
]


def _zover(soort: str, waarde: float, store: Path, sinds_s: float) -> bool:
    if soort == "deel":
        return sinds_s >= waarde
    for pad in _tijdelijk_in(store):
        if soort == "journaal" and pad.name.endswith("-journal"):
            return True
        if soort == "tijdelijk" and pad.suffix == ".gpkg":
            try:
                if pad.stat().st_size >= waarde:
                    return True
            except FileNotFoundError:
                continue
    return False


@pytest.mark.slow  # 11 killed processes
@ALLEEN_POSIX
def test_kill_tijdens_importeer(werkmap: Werkmap) -> None:
    """SIGKILL of ``gebiedsplan importeer`` (a register into the demo store) at 11 moments:
    before anything is read, while the store and the register are read and checked, and while
    the new store is written (just begun, growing, nearly complete, with SQLite's journal beside
    it). After every kill the store loads, a re-run succeeds and no temporary file remains; at
    least 10 of the 11 kills must have hit a running process."""
    args = _register(werkmap)
    store = werkmap.store
    tif = store.with_name("GM9999_groen_10m.tif")
    tif_voor = tif.read_bytes()
    logs = werkmap.pad.parent / "logs"
    logs.mkdir()
    zygote = Zygote()
    gedood = []
    try:
        zygote.start(werkmap.pad, args, logs / "heel.log")  # returns when the imports are done
        begin = time.perf_counter()
        assert zygote.ruim() == 0, (logs / "heel.log").read_text()
        duur_s = time.perf_counter() - begin  # one whole run, without the imports
        for i, (soort, waarde) in enumerate(MOMENTEN):
            log = logs / f"kill_{i}.log"
            drempel = waarde * duur_s if soort == "deel" else waarde
            begin = time.perf_counter()
            pid = zygote.start(werkmap.pad, args, log)
            while not _zover(soort, drempel, store, time.perf_counter() - begin):
                if _beeindigd(pid) or time.perf_counter() - begin > 60:
                    break  # the moment never came: the kill below hits no running process
                time.sleep(0.001)
            os.kill(pid, signal.SIGKILL)  # a zombie until reaped: the id cannot be reused
            status = zygote.ruim()
            if os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL:
                gedood.append((soort, waarde))
            # the store still loads, a re-run succeeds, nothing temporary remains
            assert len(gp.load_gemeente("demo", opslag=store).buurten) == 26, (soort, waarde)
            slaagt(werkmap.run(args))
            assert werkmap.tijdelijke_bestanden() == [], (soort, waarde)
            assert [p.name for p in store.parent.iterdir() if p.name.startswith(".")] == []
            assert tif.read_bytes() == tif_voor
    finally:
        zygote.stop()
    assert len(gedood) >= 10, f"maar {len(gedood)} processen echt gedood: {gedood}"
    voorzieningen = gp.load_lagen(store, lagen=["voorzieningen"])[0]["voorzieningen"]
    assert (voorzieningen["bron"] == "Welzijnsregister (test)").sum() == 200
