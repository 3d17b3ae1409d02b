"""Scenarios (issue 12, parts 2 and 3): numbers are YAML numbers (never text, never ``2.000``
for two thousand), homes stay within the gemeente's current stock, steps lie in the gemeente
and name what exists; every problem with its line, nothing written."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from demo_bestanden import PUNT_RD, in_graden, scenario
from harnas import weigert

BREED = {"COLUMNS": "1000"}
LON, LAT = in_graden(*PUNT_RD)


@dataclass(frozen=True)
class Geval:
    id: str
    stappen: str
    noemt: list[str] = field(default_factory=list)


def _bouw(woningen: str, **extra: str) -> str:
    velden = "".join(f"\n              {k}: {v}" for k, v in extra.items())
    return (
        "  - woningbouw:\n"
        "      gebied: Havenkwartier\n"
        "      fasen:\n"
        "        - fase: fase 1\n"
        "          gereed: 2030\n"
        f"          woningen: {woningen}{velden.replace('              ', '          ')}\n"
    )


def _open(x: float, y: float) -> str:
    return (
        "  - open:\n"
        "      naam: Huiskamer Test\n"
        "      functies: [ontmoeting]\n"
        f"      x: {x}\n"
        f"      y: {y}\n"
    )


GEVALLEN = [
    Geval(
        "biljoen-woningen",
        _bouw("1000000000000"),
        [
            "scenario.yml",
            "regel 5",
            "het scenario bouwt 1.000.000.000.000 woningen",
            "huishoudens in de buurten",
            "geen plausibel programma",
            "Controleer de aantallen",
        ],
    ),
    Geval(
        "meer-woningen-dan-de-gemeente-heeft",
        _bouw("{sociale huur: 20000, koop: 20000}"),
        ["scenario.yml", "het scenario bouwt 40.000 woningen, meer dan de"],
    ),
    Geval(
        "negatieve-woningen",
        _bouw("-50"),
        ["scenario.yml", "regel 10: woningen mag niet kleiner zijn dan 0 (gekregen: -50)"],
    ),
    Geval(
        "woningen-als-tekst",
        _bouw('"2.000"'),
        [
            "scenario.yml",
            "regel 10: woningen moet een getal zijn (gekregen: '2.000')",
            "dit is tekst, geen getal",
            "zonder scheiding tussen duizendtallen",
        ],
    ),
    Geval(
        "woningen-met-punt-als-duizendtal",
        _bouw("2.000"),
        [
            "scenario.yml",
            "regel 10: woningen moet een geheel getal zijn",
            "2.000 is 2 en niet tweeduizend: schrijf 2000",
        ],
    ),
    Geval(
        "woningen-met-komma",
        _bouw("2,5"),
        ["scenario.yml", "regel 10", "(gekregen: '2,5')", "dit is tekst, geen getal"],
    ),
    Geval(
        "aandeel-als-percentage",
        _bouw("2400", aandeel_sociale_huur="40"),
        ["scenario.yml", "aandeel_sociale_huur is een aandeel 0-1"],
    ),
    Geval(
        "onbekende-accommodatie",
        "  - sluit: {accommodatie: acc999}\n",
        ["scenario.yml", "regel 5: onbekende accommodatie 'acc999'", "acc001"],
    ),
    Geval(
        "onbekend-woningtype",
        _bouw("{villa: 300}"),
        ["scenario.yml", "regel 10: onbekend woningtype 'villa'", "bekend:"],
    ),
    Geval(
        "stap-buiten-de-gemeente",
        _open(196000, 308000),
        [
            "scenario.yml",
            "regel 8: punt (196000, 308000) ligt buiten de gemeente",
            "binnen de wijken van de gemeente",
        ],
    ),
    Geval(
        "stap-in-graden",
        _open(round(LON, 5), round(LAT, 5)),
        [
            "scenario.yml",
            "regel 8",
            "zijn lengte- en breedtegraden",
            "RD-coördinaten in meters",
            "EPSG:28992",
        ],
    ),
    Geval(
        "stap-x-y-verwisseld",
        _open(PUNT_RD[1], PUNT_RD[0]),
        ["scenario.yml", "regel 8: x en y lijken verwisseld", "schrijf x: 171800, y: 492800"],
    ),
    Geval(
        "capaciteit-als-tekst",
        "  - capaciteit: {accommodatie: acc001, capaciteit: veel}\n",
        ["scenario.yml", "regel 5: capaciteit moet een getal zijn (gekregen: 'veel')"],
    ),
    Geval(
        "gebied-bestaat-niet",
        _bouw("100").replace("Havenkwartier", "Atlantis"),
        ["scenario.yml", "regel 6: gebied 'Atlantis' bestaat niet in gemeente GM9999"],
    ),
]


@pytest.mark.parametrize("geval", GEVALLEN, ids=[g.id for g in GEVALLEN])
def test_slecht_scenario(werkmap, geval):
    pad = scenario(werkmap, geval.stappen)
    voor = werkmap.toestand()
    weigert(werkmap.run(["scenario", pad], env=BREED), noemt=geval.noemt)
    werkmap.onveranderd(voor)
