"""The one reader of numbers written as text (gebiedsplan._getallen): a declared notation is
followed, an undeclared value is read the one way it can be read, and a value two notations
read differently is refused; never a silently wrong number."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gebiedsplan._getallen import AUTO, Notatie, notatie_uit, parse_getal, parse_getallen
from gebiedsplan.errors import GebiedsplanError

NL = Notatie(",", ".")
PUNT = Notatie(".", None)
INTERNATIONAAL = Notatie(".", ",")


@pytest.mark.parametrize(
    ("tekst", "verwacht"),
    [
        ("12,5", 12.5),
        ("4606.0", 4606.0),
        ("1.234,5", 1234.5),
        ("1,234.5", 1234.5),
        ("1.234.567", 1234567.0),
        ("0,720", 0.72),  # 0,720 is never a thousands-grouped number
        ("0.250", 0.25),
        ("1 234", 1234.0),
        ("1\u00a0234,5", 1234.5),  # a no-break space as Excel writes it
        ("\u22125", -5.0),  # the minus sign
        ("1e5", 100000.0),
        ("-3", -3.0),
        (",5", 0.5),
        (7, 7.0),  # numbers from Excel cells are taken as they are
        (2.5, 2.5),
    ],
)
def test_eenduidige_waarden_worden_gelezen(tekst, verwacht):
    assert parse_getal(tekst) == (verwacht, None)


@pytest.mark.parametrize(
    ("tekst", "groot", "klein"),
    [
        ("2.000", "2000", "2"),
        ("1.250", "1250", "1,25"),
        ("12,345", "12345", "12,345"),
        ("100.000", "100000", "100"),
    ],
)
def test_dubbelzinnige_waarden_worden_geweigerd(tekst, groot, klein):
    getal, probleem = parse_getal(tekst)
    assert getal is None
    assert probleem.startswith("is dubbelzinnig: ")
    assert (
        f"is {groot} bedoeld, schrijf het zonder scheiding tussen duizendtallen ({groot})"
        in probleem
    )
    assert f"is {klein} bedoeld" in probleem


@pytest.mark.parametrize("tekst", ["", "  ", None, float("nan")])
def test_leeg_is_geen_probleem(tekst):
    assert parse_getal(tekst) == (None, None)


@pytest.mark.parametrize("tekst", ["veel", "12.", "1.2.3", "1,2,3", "12,5%", "inf", True])
def test_geen_getal(tekst):
    assert parse_getal(tekst) == (None, "is geen getal")


def test_opgegeven_notatie_wordt_gevolgd():
    assert parse_getal("2.000", NL) == (2000.0, None)
    assert parse_getal("1.250", PUNT) == (1.25, None)
    assert parse_getal("12,345", INTERNATIONAAL) == (12345.0, None)
    assert parse_getal("1250", NL) == (1250.0, None)  # ungrouped numbers fit every notation
    getal, probleem = parse_getal("1,5", Notatie(".", None, opgeven="geef --getallen"))
    assert getal is None
    assert probleem == (
        "past niet bij de notatie van deze bron (decimaalteken punt, geen scheiding tussen "
        "duizendtallen); schrijf het getal in die notatie, of pas de notatie aan (geef --getallen)"
    )
    assert parse_getal("12.34.5", NL) == (None, "is geen getal")
    assert parse_getal("1.23", NL)[1].startswith("past niet")  # groups of three, or none


def test_kolom_met_problemen_per_positie():
    getallen, problemen = parse_getallen(["1605", "", "2.000", "x"])
    assert getallen[0] == 1605.0 and list(problemen) == [2, 3]
    assert problemen[3] == "is geen getal"


@pytest.mark.parametrize(
    ("spec", "decimaal", "duizendtal"),
    [
        ("nl", ",", "."),
        ("punt", ".", None),
        ("KOMMA", ",", None),
        ("internationaal", ".", ","),
        ({"decimaal": ",", "duizendtal": "."}, ",", "."),
        ({"decimaal": "."}, ".", None),
        ({"decimaal": ",", "duizendtal": "geen"}, ",", None),
        ({"decimaal": ",", "duizendtal": " "}, ",", " "),
    ],
)
def test_notatie_uit(spec, decimaal, duizendtal):
    notatie = notatie_uit(spec, waar="x.yml")
    assert (notatie.decimaal, notatie.duizendtal) == (decimaal, duizendtal)
    assert notatie_uit(None, waar="x").auto


@pytest.mark.parametrize(
    ("spec", "woorden"),
    [
        ("engels", "onbekende notatie van getallen 'engels'"),
        ({"decimaal": ",", "duizendtal": ","}, "moeten verschillen"),
        ({"decimaal": ";"}, "geen notatie"),
        ({"decimaal": ",", "scheiding": "."}, "onbekend veld scheiding"),
        (3, "geen notatie"),
    ],
)
def test_notatie_uit_weigert(spec, woorden):
    with pytest.raises(GebiedsplanError, match=woorden) as info:
        notatie_uit(spec, waar="koppeling.yml, regel 4")
    assert str(info.value).startswith("koppeling.yml, regel 4: ")


def _nl(waarde: Decimal, groep: bool) -> str:
    teken = "-" if waarde < 0 else ""
    geheel, _, deel = f"{abs(waarde):f}".partition(".")
    if groep:
        geheel = f"{int(geheel):,}".replace(",", ".")
    return teken + geheel + ("," + deel if deel else "")


def _int(waarde: Decimal, groep: bool) -> str:
    tekst = f"{waarde:,f}" if groep else f"{waarde:f}"
    return tekst


getallen = st.decimals(
    min_value=-10_000_000, max_value=10_000_000, places=3, allow_nan=False, allow_infinity=False
)


@given(getallen, st.booleans(), st.booleans())
def test_nooit_een_stil_verkeerd_getal(waarde, groep, nederlands):
    """Any number written the Dutch or the international way is read as itself by its own
    notation, and undeclared it is read as itself or refused: never as another number."""
    waarde = waarde.normalize() if waarde == waarde.to_integral() else waarde
    tekst = _nl(waarde, groep) if nederlands else _int(waarde, groep)
    eigen = NL if nederlands else INTERNATIONAAL
    assert parse_getal(tekst, eigen)[0] == pytest.approx(float(waarde))
    getal, probleem = parse_getal(tekst)
    assert (getal is None and probleem.startswith("is dubbelzinnig")) or getal == pytest.approx(
        float(waarde)
    )


def test_auto_is_de_standaard():
    assert AUTO.auto and AUTO.tekst() == "niet opgegeven"
    assert NL.tekst() == "decimaalteken komma, punt tussen duizendtallen"
