"""Numbers (issue 12, part 2 and 3): ``2.000``, ``1.250`` and friends are never read as 2 or
1,25; a value that two notations read differently is refused, a declared notation is
followed; counts are whole and not negative, a household has a member, a percentage lies in
0-100, a share in 0-1. In kerncijfers, registers and health figures, through ``importeer``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from demo_bestanden import KOPPELING_IAB, gezondheid, grenzen, kerncijfers, register
from harnas import Werkmap, slaagt, weigert

from gebiedsplan.store import load_lagen

B1, B2 = "BU99990101", "BU99990102"
IMPORTEER = ["importeer", "--gemeente", "GM9999", "--jaar", "2024"]
#: A wide terminal: long paths of the temporary folder are not wrapped inside a file name.
BREED = {"COLUMNS": "1000"}


@dataclass(frozen=True)
class Geval:
    id: str
    maak: Callable[[Werkmap], list[str | Path]]
    noemt: list[str] = field(default_factory=list)


def _kern(
    wijzig: dict[tuple[str, str], str], *extra: str, sep: str = ","
) -> Callable[[Werkmap], list[str | Path]]:
    def maak(w: Werkmap) -> list[str | Path]:
        return [
            *IMPORTEER,
            "--grenzen",
            grenzen(w),
            "--kerncijfers",
            kerncijfers(w, wijzig, sep=sep),
            *extra,
        ]

    return maak


def _gez(
    wijzig: dict[tuple[str, str], str], *, sep: str = ","
) -> Callable[[Werkmap], list[str | Path]]:
    def maak(w: Werkmap) -> list[str | Path]:
        return [
            *IMPORTEER,
            "--gezondheid",
            gezondheid(w, wijzig, sep=sep),
            "--gezondheid-jaar",
            "2020",
        ]

    return maak


def _reg(
    wijzig: dict[tuple[int, str], str], **koppeling: object
) -> Callable[[Werkmap], list[str | Path]]:
    def maak(w: Werkmap) -> list[str | Path]:
        pad, yml = register(w, wijzig, koppeling={**KOPPELING_IAB, **koppeling})
        return [*IMPORTEER, "--register", pad, "--koppeling", yml]

    return maak


GEVALLEN = [
    # --- kerncijfers (CSV saved from StatLine; row 1 is the header, B1 on row 2, B2 on row 3)
    Geval(
        "kerncijfers-2.000-inwoners",
        _kern({(B2, "AantalInwoners_5"): "2.000"}),
        [
            "kerncijfers_2024.csv",
            "kolom 'AantalInwoners_5', rij 3",
            "'2.000'",
            "dubbelzinnig",
            "2000",
            "--getallen",
        ],
    ),
    Geval(
        "kerncijfers-1.234-inwoners",
        _kern({(B1, "AantalInwoners_5"): "1.234"}),
        ["kerncijfers_2024.csv", "kolom 'AantalInwoners_5', rij 2", "1234", "--getallen nl"],
    ),
    Geval(
        "kerncijfers-12,345-puntkomma",
        _kern({(B1, "HuishoudensTotaal_29"): "12,345"}, sep=";"),
        [
            "kerncijfers_2024.csv",
            "kolom 'HuishoudensTotaal_29', rij 2",
            "'12,345'",
            "dubbelzinnig",
            "12345",
        ],
    ),
    Geval(
        "kerncijfers-komma-bij-opgegeven-punt",
        _kern({(B1, "GemiddeldeHuishoudensgrootte_33"): "1,5"}, "--getallen", "punt", sep=";"),
        [
            "kerncijfers_2024.csv",
            "kolom 'GemiddeldeHuishoudensgrootte_33', rij 2",
            "'1,5'",
            "past niet bij de notatie",
            "decimaalteken punt",
            "--getallen",
        ],
    ),
    Geval(
        "kerncijfers-nl-getal-bij-opgegeven-punt",
        _kern({(B2, "AantalInwoners_5"): "1.234,5"}, "--getallen", "punt", sep=";"),
        ["kerncijfers_2024.csv", "rij 3", "'1.234,5'", "past niet bij de notatie"],
    ),
    Geval(
        "kerncijfers-onbekende-notatie",
        _kern({}, "--getallen", "engels"),
        ["onbekende notatie van getallen 'engels'", "nl", "punt"],
    ),
    Geval(
        "kerncijfers-negatief-aantal",
        _kern({(B2, "AantalInwoners_5"): "-40"}),
        [
            "kerncijfers_2024.csv",
            "kolom 'AantalInwoners_5' (aantal_inwoners) kleiner dan 0",
            f"rij 3 ({B2})",
        ],
    ),
    Geval(
        "kerncijfers-half-inwoner",
        _kern({(B1, "AantalInwoners_5"): "1803.5"}),
        ["kerncijfers_2024.csv", "geen geheel getal", f"rij 2 ({B1})", "AantalInwoners_5"],
    ),
    Geval(
        "kerncijfers-meer-huishoudens-dan-inwoners",
        _kern({(B2, "HuishoudensTotaal_29"): "99999"}),
        [
            "kerncijfers_2024.csv",
            "'HuishoudensTotaal_29' (aantal_huishoudens) is groter dan "
            "'AantalInwoners_5' (aantal_inwoners)",
            f"rij 3 ({B2})",
            "een huishouden telt minstens één inwoner",
        ],
    ),
    Geval(
        "kerncijfers-leeftijdsgroep-groter-dan-totaal",
        _kern({(B1, "k_65JaarOfOuder_12"): "5000"}),
        ["kerncijfers_2024.csv", "'k_65JaarOfOuder_12'", f"rij 2 ({B1})", "deel van de inwoners"],
    ),
    # --- RIVM Gezondheidsmonitor (percentages)
    Geval(
        "gezondheid-150-procent",
        _gez({(B2, "Eenzaam_28"): "150"}),
        [
            "gezondheid_2020.csv",
            "kolom 'Eenzaam_28' (eenzaam)",
            "buiten 0-100",
            "rij 3 (150)",
            "percentages",
        ],
    ),
    Geval(
        "gezondheid-negatief-percentage",
        _gez({(B1, "MoeiteMetRondkomen_38"): "-3.5"}),
        ["gezondheid_2020.csv", "MoeiteMetRondkomen_38", "rij 2 (-3.5)", "0-100"],
    ),
    Geval(
        "gezondheid-dubbelzinnig",
        _gez({(B1, "Eenzaam_28"): "51,234"}, sep=";"),
        ["gezondheid_2020.csv", "kolom 'Eenzaam_28', rij 2", "'51,234'", "dubbelzinnig"],
    ),
    # --- registers (koppeling declares the notation, or not)
    Geval(
        "register-bvo-1.250",
        _reg({(3, "BVO (m2)"): "1.250"}),
        [
            "iab_register.csv",
            "kolom 'BVO (m2)' (bvo_m2): '1.250' in rij 3",
            "dubbelzinnig",
            "1250",
            "getallen: {decimaal: ',', duizendtal: '.'}",
            "iab_koppeling.yml",
        ],
    ),
    Geval(
        "register-bezetting-als-percentage",
        _reg({(2, "Bezetting"): "72"}),
        [
            "iab_register.csv",
            "kolom 'Bezetting' (bezetting): groter dan 1",
            "rij 2",
            "aandeel 0-1, geen percentage",
        ],
    ),
    Geval(
        "register-negatieve-capaciteit",
        _reg({(4, "Capaciteit"): "-10"}),
        ["iab_register.csv", "kolom 'Capaciteit' (capaciteit): kleiner dan 0 in rij 4"],
    ),
    Geval(
        "register-nl-getal-bij-opgegeven-punt",
        _reg({(2, "BVO (m2)"): "1.250,5"}, getallen={"decimaal": "."}),
        [
            "iab_register.csv",
            "'1.250,5' in rij 2 past niet bij de notatie",
            "decimaalteken punt, geen scheiding tussen duizendtallen",
            "iab_koppeling.yml",
        ],
    ),
    Geval(
        "register-notatie-zelfde-tekens",
        _reg({}, getallen={"decimaal": ",", "duizendtal": ","}),
        ["iab_koppeling.yml, regel", "decimaalteken en duizendtal-scheiding moeten verschillen"],
    ),
    Geval(
        "register-coordinaat-met-duizendtal",
        _reg({(2, "X"): "171.800"}),
        ["iab_register.csv", "x/y ('X'/'Y'): '171.800' in rij 2 is dubbelzinnig", "171800"],
    ),
]


@pytest.mark.parametrize("geval", GEVALLEN, ids=[g.id for g in GEVALLEN])
def test_slecht_getal(werkmap, geval):
    args = geval.maak(werkmap)
    voor = werkmap.toestand()
    weigert(werkmap.run(args, env=BREED), noemt=geval.noemt)
    werkmap.onveranderd(voor)


def test_opgegeven_notatie_leest_duizendtallen(werkmap):
    """The same 2.000 that is refused undeclared is 2000 with ``--getallen nl``; a register
    with ``getallen: {decimaal: ',', duizendtal: '.'}`` reads 1.250 as 1250."""
    uit = werkmap.run(
        _kern({(B2, "AantalInwoners_5"): "2.000"}, "--getallen", "nl", sep=";")(werkmap)
    )
    slaagt(uit)
    buurten = load_lagen(werkmap.store, lagen=["buurten"])[0]["buurten"]
    assert buurten.loc[B2, "aantal_inwoners"] == 2000
    pad, yml = register(
        werkmap,
        {(3, "BVO (m2)"): "1.250"},
        koppeling={**KOPPELING_IAB, "getallen": {"decimaal": ",", "duizendtal": "."}},
    )
    slaagt(werkmap.run([*IMPORTEER, "--register", pad, "--koppeling", yml]))
    acc = load_lagen(werkmap.store, lagen=["accommodaties"])[0]["accommodaties"]
    assert acc.loc["T-2", "bvo_m2"] == 1250.0
    assert acc.loc["T-1", "bezetting"] == pytest.approx(0.72)
