"""CBS Kerncijfers wijken en buurten: StatLine loader, CSV twin and the join onto boundaries."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import responses
from responses import matchers
from shapely.geometry import box

from gebiedsplan import settings
from gebiedsplan.bronnen.cbs import (
    Kerncijfers,
    fetch_kerncijfers,
    join_kerncijfers,
    read_kerncijfers,
)
from gebiedsplan.bronnen.pdok import read_wijken_buurten
from gebiedsplan.errors import BronError, GebiedsplanError

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "cbs"
KWB = "https://opendata.cbs.nl/ODataApi/odata/85984NED"
ARNHEM_FILTER = (
    "startswith(WijkenEnBuurten,'GM0202') or startswith(WijkenEnBuurten,'WK0202') "
    "or startswith(WijkenEnBuurten,'BU0202')"
)


def fixture(naam: str) -> dict:
    return json.loads((FIXTURES / naam).read_text(encoding="utf-8"))


@pytest.fixture
def dienst(tmp_path, monkeypatch):
    """No network: answers come from registered fixtures; a fresh cache per test."""
    monkeypatch.setattr(settings, "cache_dir", tmp_path / "cache")
    monkeypatch.setattr(settings, "cache", True)
    monkeypatch.setattr(settings, "alleen_cache", False)
    with responses.RequestsMock() as rsps:
        yield rsps


def registreer_2024(dienst) -> None:
    p1 = fixture("85984NED_TypedDataSet_p1.json")
    dienst.add(responses.GET, f"{KWB}/DataProperties", json=fixture("85984NED_DataProperties.json"))
    dienst.add(
        responses.GET,
        f"{KWB}/TypedDataSet",
        json=p1,
        match=[matchers.query_param_matcher({"$filter": ARNHEM_FILTER}, strict_match=False)],
    )
    dienst.add(responses.GET, p1["odata.nextLink"], json=fixture("85984NED_TypedDataSet_p2.json"))


# --- online --------------------------------------------------------------------------------


def test_fetch_kerncijfers_resolves_stems_pages_and_strips_codes(dienst):
    registreer_2024(dienst)
    kern = fetch_kerncijfers("GM0202", jaar=2024)
    data = kern.data
    assert list(data.index) == ["GM0202", "WK020201", "BU02020100", "BU02020101", "BU02020338"]
    assert data.index.name == "code"
    assert data.loc["GM0202", "aantal_inwoners"] == 167_632
    assert data.loc["WK020201", "aantal_inwoners"] == 7465
    assert data.loc["BU02020100", "inwoners_65_jaar_en_ouder"] == 190
    assert data.loc["BU02020101", "inwoners_45_tot_65_jaar"] == 445
    assert data.loc["BU02020100", "aantal_huishoudens"] == 1085
    assert data.loc["BU02020101", "gemiddelde_huishoudensgrootte"] == 1.4
    assert data.loc["BU02020338"].isna().all()  # suppressed stays missing
    assert data["gemiddeld_inkomen_per_inwoner"].isna().all()
    assert str(data["aantal_inwoners"].dtype) == "Int64"
    assert kern.kolommen["aantal_huishoudens"] == "HuishoudensTotaal_29"
    assert kern.kolommen["gemiddeld_inkomen_per_inwoner"] == "GemiddeldInkomenPerInwoner_78"
    assert (kern.tabel, kern.jaar) == ("85984NED", 2024)
    assert "85984NED" in kern.herkomst.bron and "85984NED" in kern.herkomst.query
    # the population on 1 January of the Kerncijfers year, codes of that year's indeling
    assert (kern.herkomst.peildatum, kern.herkomst.indeling) == ("2024-01-01", "2024")
    assert len(dienst.calls) == 3


def test_fetch_after_the_march_2025_revision_same_figures_other_key(dienst):
    """The table revised (income key _78 -> _83): the same rows come back by stem."""
    dienst.add(
        responses.GET, f"{KWB}/DataProperties", json=fixture("85984NED_DataProperties_2025-03.json")
    )
    dienst.add(
        responses.GET, f"{KWB}/TypedDataSet", json=fixture("85984NED_TypedDataSet_2025-03.json")
    )
    kern = fetch_kerncijfers("GM0202", jaar=2024)
    assert kern.kolommen["gemiddeld_inkomen_per_inwoner"] == "GemiddeldInkomenPerInwoner_83"
    assert "GemiddeldInkomenPerInwoner_83" in dienst.calls[-1].request.params["$select"]
    assert kern.data.loc["GM0202", "aantal_inwoners"] == 167_632
    assert kern.data.loc["BU02020101", "inwoners_45_tot_65_jaar"] == 445
    assert kern.data.loc["BU02020338"].isna().all()


def test_indeling_comes_from_the_mapyear_of_the_table(dienst, caplog):
    """MapYear (an integer in the live service) is the indeling of the codes; a table whose
    codes follow another year than asked is said, and its own year kept."""
    props = fixture("85984NED_DataProperties.json")
    regio = next(e for e in props["value"] if e["Key"] == "WijkenEnBuurten")
    regio["MapYear"] = 2023
    p1 = fixture("85984NED_TypedDataSet_p1.json")
    dienst.add(responses.GET, f"{KWB}/DataProperties", json=props)
    dienst.add(responses.GET, f"{KWB}/TypedDataSet", json=p1)
    dienst.add(responses.GET, p1["odata.nextLink"], json=fixture("85984NED_TypedDataSet_p2.json"))
    with caplog.at_level(logging.WARNING, logger="gebiedsplan.bronnen.cbs"):
        kern = fetch_kerncijfers("GM0202", jaar=2024)
    assert (kern.herkomst.peildatum, kern.herkomst.indeling) == ("2024-01-01", "2023")
    assert "de gebiedscodes volgen de indeling van 2023, niet van 2024" in caplog.text


def test_year_without_table_names_the_years_that_exist(dienst):
    with pytest.raises(BronError) as fout:
        fetch_kerncijfers("GM0202", jaar=2010)
    tekst = str(fout.value)
    assert "2010" in tekst and "2019" in tekst and "2025" in tekst
    assert len(dienst.calls) == 0


def test_fetch_wrong_gemeentecode(dienst):
    with pytest.raises(BronError, match="GMdddd"):
        fetch_kerncijfers("Arnhem", jaar=2024)
    dienst.add(responses.GET, f"{KWB}/DataProperties", json=fixture("85984NED_DataProperties.json"))
    dienst.add(responses.GET, f"{KWB}/TypedDataSet", json={"odata.metadata": "", "value": []})
    with pytest.raises(BronError, match="geen rijen voor gemeente GM0999"):
        fetch_kerncijfers("GM0999", jaar=2024)


# --- file twin -----------------------------------------------------------------------------


def test_read_statline_csv_with_semicolons_and_dots(tmp_path):
    csv = tmp_path / "kwb2022.csv"
    csv.write_text(
        "ID;WijkenEnBuurten;AantalInwoners_5;k_65JaarOfOuder_12;HuishoudensTotaal_28;"
        "GemiddeldeHuishoudensgrootte_32\n"
        "1;GM9999    ;4200;900;1900;2,2\n"
        "2;BU99990101;1200;310;530;2,3\n"
        "3;BU99990102;.;.;.;.\n"
        "4;BU03630000;5;0;3;1,7\n",
        encoding="utf-8",
    )
    kern = read_kerncijfers(csv, gemeentecode="GM9999", jaar=2022)
    assert list(kern.data.index) == ["GM9999", "BU99990101", "BU99990102"]
    assert kern.data.loc["BU99990101", "aantal_huishoudens"] == 530
    assert kern.data.loc["GM9999", "gemiddelde_huishoudensgrootte"] == 2.2
    assert kern.data.loc["BU99990102"].isna().all()
    assert kern.kolommen["aantal_huishoudens"] == "HuishoudensTotaal_28"
    assert kern.tabel == "85318NED"
    assert (kern.herkomst.peildatum, kern.herkomst.indeling) == ("2022-01-01", "2022")


def test_file_name_of_another_year_than_asked_is_said(tmp_path, caplog):
    csv = tmp_path / "kwb2023.csv"
    csv.write_text("buurtcode,AantalInwoners_5\nBU99990101,1200\n", encoding="utf-8")
    with caplog.at_level("WARNING", logger="gebiedsplan.bronnen.cbs"):
        kern = read_kerncijfers(csv, gemeentecode="GM9999", jaar=2024)
    assert "de bestandsnaam noemt 2023, gelezen als Kerncijfers 2024 (--jaar)" in caplog.text
    assert kern.herkomst.peildatum == "2024-01-01"


def test_read_csv_problems_are_named(tmp_path):
    zonder = tmp_path / "zonder.csv"
    zonder.write_text("code,Bevolkingsdichtheid_34\nGM9999,1715\n", encoding="utf-8")
    with pytest.raises(BronError, match="AantalInwoners"):
        read_kerncijfers(zonder, gemeentecode="GM9999", jaar=2024)
    geen_code = tmp_path / "geen_code.csv"
    geen_code.write_text("naam,AantalInwoners_5\nNoord,1\n", encoding="utf-8")
    with pytest.raises(BronError, match="gebiedscode"):
        read_kerncijfers(geen_code, gemeentecode="GM9999", jaar=2024)
    rommel = tmp_path / "rommel.csv"
    rommel.write_text("code,AantalInwoners_5\nGM9999,veel\n", encoding="utf-8")
    with pytest.raises(BronError, match=r"rij 2 \('veel'\)"):
        read_kerncijfers(rommel, gemeentecode="GM9999", jaar=2024)


def test_thousands_dot_is_never_read_as_a_decimal_point(tmp_path):
    """Issue 12: 2.000 inhabitants was read as 2. Undeclared it is refused naming file, row and
    column; declared (--getallen nl) it is 2000."""
    csv = tmp_path / "kwb2024.csv"
    csv.write_text(
        "buurtcode;AantalInwoners_5;HuishoudensTotaal_29\nBU99990101;2.000;900\n",
        encoding="utf-8",
    )
    with pytest.raises(BronError) as fout:
        read_kerncijfers(csv, gemeentecode="GM9999", jaar=2024)
    assert "kwb2024.csv" in str(fout.value)
    assert "kolom 'AantalInwoners_5', rij 2 ('2.000') is dubbelzinnig" in str(fout.value)
    kern = read_kerncijfers(csv, gemeentecode="GM9999", jaar=2024, getallen="nl")
    assert kern.data.loc["BU99990101", "aantal_inwoners"] == 2000


def test_implausible_figures_name_the_row_and_the_column(tmp_path):
    csv = tmp_path / "kwb2024.csv"
    csv.write_text(
        "buurtcode,AantalInwoners_5,HuishoudensTotaal_29,k_65JaarOfOuder_12\n"
        "BU99990101,1200,530,300\nBU99990102,20,40,5\nBU99990103,-5,0,0\n",
        encoding="utf-8",
    )
    with pytest.raises(BronError) as fout:
        read_kerncijfers(csv, gemeentecode="GM9999", jaar=2024)
    tekst = str(fout.value)
    assert tekst.startswith("kwb2024.csv: 2 problemen in de kerncijfers")
    assert "kolom 'AantalInwoners_5' (aantal_inwoners) kleiner dan 0" in tekst
    assert "rij 4 (BU99990103): -5" in tekst
    assert (
        "kolom 'HuishoudensTotaal_29' (aantal_huishoudens) is groter dan 'AantalInwoners_5' "
        "(aantal_inwoners) in rij 3 (BU99990102) (40 > 20); een huishouden telt minstens één "
        "inwoner"
    ) in tekst


def test_join_fills_by_code_and_warns_for_codes_without_figures(caplog):
    buurten = gpd.GeoDataFrame(
        {
            "buurtnaam": ["Noord", "Zuid", "Oost"],
            "aantal_inwoners": pd.array([1, 2, 3], dtype="Int64"),
        },
        index=pd.Index(["BU99990101", "BU99990102", "BU99990103"], name="buurtcode"),
        geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1), box(2, 0, 3, 1)],
        crs="EPSG:28992",
    )
    kern = pd.DataFrame(
        {
            "aantal_inwoners": pd.array([1200, pd.NA], dtype="Int64"),
            "inwoners_65_jaar_en_ouder": pd.array([310, pd.NA], dtype="Int64"),
        },
        index=pd.Index(["BU99990101", "BU99990102"], name="code"),
    )
    with caplog.at_level(logging.WARNING, logger="gebiedsplan.bronnen.cbs"):
        uit = join_kerncijfers(buurten, kern)
    assert uit["aantal_inwoners"].tolist()[0] == 1200
    assert uit["aantal_inwoners"].isna().tolist() == [
        False,
        True,
        True,
    ]  # never 0, never the old 2/3
    assert str(uit["aantal_inwoners"].dtype) == "Int64"
    assert "BU99990102" in caplog.text and "BU99990103" in caplog.text
    assert buurten["aantal_inwoners"].tolist() == [1, 2, 3]  # input untouched
    with pytest.raises(GebiedsplanError, match="buurtcode"):
        join_kerncijfers(buurten.reset_index(), kern)


# --- real Arnhem files ---------------------------------------------------------------------


def test_arnhem_kerncijfers_csv_sums_and_agree_with_the_boundary_file(arnhem_data):
    kern = read_kerncijfers(
        arnhem_data / "cbs_kwb2024_arnhem_buurten_basis.csv", gemeentecode="GM0202", jaar=2024
    )
    assert isinstance(kern, Kerncijfers)
    assert (kern.herkomst.peildatum, kern.herkomst.indeling) == ("2024-01-01", "2024")
    assert len(kern.data) == 82 and "BU02020338" not in kern.data.index
    assert int(kern.data["aantal_inwoners"].sum()) == 167_470
    ruw = pd.read_csv(arnhem_data / "cbs_kwb2024_arnhem_buurten_basis.csv")
    assert int(kern.data["inwoners_65_jaar_en_ouder"].sum()) == int(ruw["k_65JaarOfOuder_12"].sum())
    assert int(kern.data["aantal_huishoudens"].sum()) == int(ruw["HuishoudensTotaal_29"].sum())

    wijken_kern = read_kerncijfers(
        arnhem_data / "cbs_kwb2024_arnhem_wijken_basis.csv", gemeentecode="GM0202", jaar=2024
    )
    assert wijken_kern.data.loc["GM0202", "aantal_inwoners"] == 167_632
    wk = wijken_kern.data.loc[wijken_kern.data.index.str.startswith("WK"), "aantal_inwoners"]
    assert len(wk) == 24 and int(wk.sum()) == 167_630

    lagen = read_wijken_buurten(
        {
            "wijken": arnhem_data / "arnhem_wijken_2024_generalised.gpkg",
            "buurten": arnhem_data / "arnhem_buurten_2022_generalised.gpkg",
        },
        gemeentecode="GM0202",
        jaar=2024,
    )
    buurten = join_kerncijfers(lagen["buurten"].data, kern)
    assert len(buurten) == 83
    assert int(buurten["aantal_inwoners"].sum()) == 167_470
    assert pd.isna(buurten.loc["BU02020338", "aantal_inwoners"])
    # the CSV and the boundary file carry the same CBS figures, buurt by buurt
    gpkg = gpd.read_file(arnhem_data / "arnhem_buurten_2022_generalised.gpkg").set_index(
        "buurtcode"
    )
    pd.testing.assert_series_equal(
        buurten["aantal_inwoners"].astype("float64"),
        gpkg["kwb24_AantalInwoners_5"].reindex(buurten.index),
        check_names=False,
    )
    wijken = join_kerncijfers(lagen["wijken"].data, wijken_kern)
    assert int(wijken["aantal_inwoners"].sum()) == 167_630
    assert wijken.loc["WK020224", "aantal_inwoners"] == 15_705
