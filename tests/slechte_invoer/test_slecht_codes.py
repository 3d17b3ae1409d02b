"""Codes and referential integrity (issue 12, part 3): buurt -> wijk -> gemeente and the
gebieden of the gemeente file are checked at import, against the layers of this run and
those already in the store, before anything is written."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from demo_bestanden import buurten, grenzen, wijken
from harnas import Werkmap, weigert

IMPORTEER = ["importeer", "--gemeente", "GM9999", "--jaar", "2024"]
BREED = {"COLUMNS": "1000"}


@dataclass(frozen=True)
class Geval:
    id: str
    maak: Callable[[Werkmap], list[str | Path]]
    noemt: list[str] = field(default_factory=list)


def _grenzen(**kwargs: object) -> Callable[[Werkmap], list[str | Path]]:
    def maak(w: Werkmap) -> list[str | Path]:
        return [*IMPORTEER, "--grenzen", grenzen(w, **kwargs)]  # type: ignore[arg-type]

    return maak


def _buurten_met(code: str, **velden: object):
    b = buurten()
    for kolom, waarde in velden.items():
        b.loc[code, kolom] = waarde
    return b


def _hernoemd(oud: str, nieuw: str, **velden: object):
    b = buurten().rename(index={oud: nieuw})
    for kolom, waarde in velden.items():
        b.loc[nieuw, kolom] = waarde
    return b


GEVALLEN = [
    Geval(
        "onbekende-wijkcode",
        _grenzen(buurten_=_hernoemd("BU99990201", "BU99990701", wijkcode="WK999907")),
        [
            "grenzen_2024.gpkg",
            "wijkcode bestaat niet in laag wijken voor buurt BU99990701 (wijkcode WK999907)",
            "importeer wijken en buurten van dezelfde indeling",
            "er is niets geschreven",
        ],
    ),
    Geval(
        "alleen-buurten-past-niet-bij-opgeslagen-wijken",
        _grenzen(
            buurten_=_hernoemd("BU99990201", "BU99990701", wijkcode="WK999907"), alleen=("buurten",)
        ),
        [
            "grenzen_2024.gpkg",
            "BU99990701 (wijkcode WK999907)",
            "laag wijken in de laagopslag",
            "GM9999.gpkg",
        ],
    ),
    Geval(
        "alleen-wijken-laat-opgeslagen-buurten-zonder-wijk",
        _grenzen(wijken_=wijken().drop(index="WK999906"), alleen=("wijken",)),
        [
            "laag buurten in de laagopslag",
            "GM9999.gpkg",
            "(wijkcode WK999906)",
            "grenzen_2024.gpkg",
        ],
    ),
    Geval(
        "wijkcode-past-niet-bij-buurtcode",
        _grenzen(buurten_=_buurten_met("BU99990101", wijkcode="WK999902")),
        [
            "grenzen_2024.gpkg",
            "de wijkcode past niet bij de buurtcode voor BU99990101 "
            "(wijkcode WK999902, volgens de buurtcode WK999901)",
        ],
    ),
    Geval(
        "buurt-van-een-andere-gemeente",
        _grenzen(buurten_=_hernoemd("BU99990101", "BU03630101", wijkcode="WK036301")),
        [
            "grenzen_2024.gpkg",
            "BU03630101 hoort volgens de code bij een andere gemeente dan GM9999",
            "importeer alleen de wijken en buurten van deze gemeente",
        ],
    ),
    Geval(
        "wijk-van-een-andere-gemeente",
        _grenzen(wijken_=wijken().rename(index={"WK999906": "WK036306"})),
        [
            "grenzen_2024.gpkg",
            "laag wijken: WK036306 hoort volgens de code bij een andere gemeente",
        ],
    ),
    Geval(
        "buurtcode-verkeerde-vorm",
        _grenzen(buurten_=buurten().rename(index={"BU99990101": "BU9999011"})),
        ["grenzen_2024.gpkg", "sleutel 'buurtcode' heeft niet de vorm", "BU9999011"],
    ),
    Geval(
        "buurtcode-dubbel",
        _grenzen(buurten_=buurten().rename(index={"BU99990102": "BU99990101"})),
        ["grenzen_2024.gpkg", "sleutel 'buurtcode' is niet uniek", "BU99990101"],
    ),
    Geval(
        "gebied-noemt-verdwenen-buurt",
        _grenzen(buurten_=buurten().drop(index="BU99990401")),
        [
            "demo.yml, regel",
            "gebied 'Pilot Zuid' noemt buurt 'BU99990401'",
            "die niet in de laag buurten staat",
        ],
    ),
    Geval(
        "gebied-noemt-verdwenen-wijk",
        _grenzen(
            wijken_=wijken().drop(index="WK999902"),
            buurten_=buurten()[buurten()["wijkcode"] != "WK999902"],
        ),
        ["demo.yml, regel", "gebied 'Pilot Noord' noemt wijk 'WK999902'"],
    ),
]


@pytest.mark.parametrize("geval", GEVALLEN, ids=[g.id for g in GEVALLEN])
def test_slechte_code(werkmap, geval):
    args = geval.maak(werkmap)
    voor = werkmap.toestand()
    weigert(werkmap.run(args, env=BREED), noemt=geval.noemt)
    werkmap.onveranderd(voor)
