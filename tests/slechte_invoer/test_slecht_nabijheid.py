"""CBS Nabijheid (issue 13): a CSV saved from StatLine through ``importeer --nabijheid``. An
empty file, another table, numbers that could be two values, distances in metres, codes that
are no CBS codes, another gemeente or a code twice are refused, naming the file, the row (the
header is row 1) and the column, with the fix; the store and the outputs stay as they were."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest
from demo_bestanden import buurten, kerncijfers, tabel_tekst
from harnas import Werkmap, slaagt, weigert

from gebiedsplan.store import load_lagen

IMPORTEER = ["importeer", "--gemeente", "GM9999", "--jaar", "2024", "--nabijheid-jaar", "2023"]
#: A wide terminal: long paths of the temporary folder are not wrapped inside a file name.
BREED = {"COLUMNS": "1000"}
KOP = [
    "ID",
    "WijkenEnBuurten",
    "AfstandTotHuisartsenpraktijk_5",
    "AfstandTotGroteSupermarkt_24",
    "AfstandTotKinderdagverblijf_52",
    "AfstandTotSchool_60",
    "AfstandTotSchool_64",
]
NAAM = "nabijheid_2023.csv"


def nabijheid(
    werkmap: Werkmap,
    wijzig: Mapping[tuple[int, str], str] = {},
    *,
    sep: str = ";",
    kop: list[str] | None = None,
    codes: list[str] | None = None,
) -> Path:
    """The demo buurten's distances as a CSV saved from StatLine (``;``, decimal point, '.' for
    a suppressed figure); ``wijzig[(rij, key)]`` written as given (rij 2 is the first buurt)."""
    kolommen = kop or KOP
    rijen = []
    for i, code in enumerate(codes or list(buurten().index)):
        cellen = [str(i + 1), code, f"{0.3 + 0.1 * (i % 7):.1f}", "0.9", ".", "0.5", "2.4"]
        for j, key in enumerate(kolommen):
            if (i + 2, key) in wijzig:
                cellen[j] = wijzig[(i + 2, key)]
        rijen.append(cellen[: len(kolommen)])
    return werkmap.bestand(NAAM, tabel_tekst(kolommen, rijen, sep=sep))


@dataclass(frozen=True)
class Geval:
    id: str
    maak: Callable[[Werkmap], list[str | Path]]
    noemt: list[str] = field(default_factory=list)


def _met(
    wijzig: Mapping[tuple[int, str], str] = {}, *extra: str, **kwargs: object
) -> Callable[[Werkmap], list[str | Path]]:
    def maak(w: Werkmap) -> list[str | Path]:
        return [*IMPORTEER, "--nabijheid", nabijheid(w, wijzig, **kwargs), *extra]  # type: ignore[arg-type]

    return maak


def _bestand(inhoud: str) -> Callable[[Werkmap], list[str | Path]]:
    def maak(w: Werkmap) -> list[str | Path]:
        return [*IMPORTEER, "--nabijheid", w.bestand(NAAM, inhoud)]

    return maak


def _kerncijfers_als_nabijheid(w: Werkmap) -> list[str | Path]:
    return [*IMPORTEER, "--nabijheid", kerncijfers(w, naam=NAAM)]


B1 = buurten().index[0]

GEVALLEN = [
    Geval("leeg-bestand", _bestand(""), [NAAM, "leeg"]),
    Geval(
        "alleen-kopregel",
        _bestand(";".join(KOP) + "\n"),
        [NAAM, "alleen een kopregel", "geen rijen"],
    ),
    Geval(
        "verkeerde-tabel-kerncijfers",
        _kerncijfers_als_nabijheid,
        [
            NAAM,
            "geen van de afstanden van CBS Nabijheid gevonden",
            "AfstandTotHuisartsenpraktijk",
            "Nabijheid voorzieningen; afstand locatie, wijk- en buurtcijfers",
            "lagen/catalogus/cbs.yml",
        ],
    ),
    Geval(
        "geen-codekolom",
        _met(kop=["ID", "Regio", *KOP[2:]]),
        [NAAM, "geen kolom met de gebiedscode", "WijkenEnBuurten", "Regio"],
    ),
    Geval(
        "dubbelzinnig-1.250",
        _met({(3, "AfstandTotGroteSupermarkt_24"): "1.250"}),
        [
            NAAM,
            "kolom 'AfstandTotGroteSupermarkt_24', rij 3",
            "'1.250'",
            "dubbelzinnig",
            "--getallen",
        ],
    ),
    Geval(
        "komma-bij-opgegeven-punt",
        _met({(2, "AfstandTotSchool_60"): "0,5"}, "--getallen", "punt"),
        [NAAM, "kolom 'AfstandTotSchool_60', rij 2", "'0,5'", "past niet bij de notatie"],
    ),
    Geval(
        "geen-getal",
        _met({(4, "AfstandTotHuisartsenpraktijk_5"): "ver weg"}),
        [NAAM, "kolom 'AfstandTotHuisartsenpraktijk_5', rij 4", "'ver weg'"],
    ),
    Geval(
        "afstand-in-meters",
        _met({(2, "AfstandTotHuisartsenpraktijk_5"): "650"}),
        [
            NAAM,
            "kolom 'AfstandTotHuisartsenpraktijk_5' (huisarts): buiten 0-100 km in rij 2 (650)",
            "meters",
        ],
    ),
    Geval(
        "negatieve-afstand",
        _met({(3, "AfstandTotKinderdagverblijf_52"): "-0.4"}),
        [NAAM, "kolom 'AfstandTotKinderdagverblijf_52' (kinderopvang)", "rij 3 (-0.4)"],
    ),
    Geval(
        "onbekende-codes",
        _met({(2, "WijkenEnBuurten"): "BU999901", (4, "WijkenEnBuurten"): "Noord"}),
        [
            NAAM,
            "onbekende gebiedscode in kolom 'WijkenEnBuurten'",
            "rij 2 ('BU999901')",
            "rij 4 ('Noord')",
            "BU + 8",
        ],
    ),
    Geval(
        "andere-gemeente",
        _met(codes=["GM0202", "WK020201", "BU02020100", "BU02020101"]),
        [NAAM, "geen nabijheidscijfers voor gemeente GM9999", "in deze bron: GM0202"],
    ),
    Geval(
        "code-twee-keer",
        _met({(3, "WijkenEnBuurten"): B1}),
        [NAAM, "gebiedscode meer dan eens", f"{B1} (rij 2)", f"{B1} (rij 3)", "één jaar"],
    ),
]


@pytest.mark.parametrize("geval", GEVALLEN, ids=[g.id for g in GEVALLEN])
def test_slecht_nabijheid(werkmap, geval):
    args = geval.maak(werkmap)
    voor = werkmap.toestand()
    weigert(werkmap.run(args, env=BREED), noemt=geval.noemt)
    werkmap.onveranderd(voor)


def test_goede_nabijheid_wordt_ingelezen(werkmap):
    """The same file unbroken is read: every case above fails only on what it breaks. A
    suppressed figure ('.') stays missing; '1,2' (saved again by Excel) is 1.2, undeclared."""
    slaagt(werkmap.run([*IMPORTEER, "--nabijheid", nabijheid(werkmap)], env=BREED))
    data = load_lagen(werkmap.store, lagen=["nabijheid"])[0]["nabijheid"]
    assert len(data) == 4 * len(buurten())
    assert data.loc[f"{B1}:huisarts:2023", "afstand_km"] == 0.3
    assert np.isnan(data.loc[f"{B1}:kinderopvang:2023", "afstand_km"])
    assert data.loc[f"{B1}:basisschool:2023", "afstand_km"] == 0.5  # _60, not _64
    komma = nabijheid(werkmap, {(2, "AfstandTotGroteSupermarkt_24"): "1,2"})
    slaagt(werkmap.run([*IMPORTEER, "--nabijheid", komma], env=BREED))
    data = load_lagen(werkmap.store, lagen=["nabijheid"])[0]["nabijheid"]
    assert data.loc[f"{B1}:supermarkt:2023", "afstand_km"] == 1.2
