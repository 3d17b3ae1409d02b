"""Wijken and buurten from the CBS Wijk- en Buurtkaart: PDOK OGC API and the GeoPackage twin."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import responses
from responses import matchers
from shapely.geometry import box

from gebiedsplan import settings
from gebiedsplan.bronnen import pdok
from gebiedsplan.bronnen.pdok import RD_CRS, fetch_wijken_buurten, read_wijken_buurten
from gebiedsplan.errors import BronError

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "pdok"
BASIS = "https://api.pdok.nl/cbs/wijken-en-buurten-2024/ogc/v1"


def fixture(naam: str) -> dict:
    return json.loads((FIXTURES / naam).read_text(encoding="utf-8"))


def next_href(pagina: dict) -> str:
    return next(link["href"] for link in pagina["links"] if link["rel"] == "next")


@pytest.fixture
def dienst(tmp_path, monkeypatch):
    """No network: answers come from registered fixtures; a fresh cache per test."""
    monkeypatch.setattr(settings, "cache_dir", tmp_path / "cache")
    monkeypatch.setattr(settings, "cache", True)
    monkeypatch.setattr(settings, "alleen_cache", False)
    monkeypatch.setattr(pdok, "PAGINA", 2)
    with responses.RequestsMock() as rsps:
        yield rsps


def eerste_pagina(collectie: str, gemeentecode: str) -> list:
    return [
        matchers.query_param_matcher(
            {"f": "json", "crs": RD_CRS, "gemeentecode": gemeentecode, "limit": "2"}
        )
    ]


# --- online --------------------------------------------------------------------------------


def test_fetch_pages_drops_water_and_sentinels(dienst):
    p1 = fixture("buurten_GM0202_p1.json")
    dienst.add(
        responses.GET,
        f"{BASIS}/collections/wijken/items",
        json=fixture("wijken_GM0202.json"),
        match=eerste_pagina("wijken", "GM0202"),
    )
    dienst.add(
        responses.GET,
        f"{BASIS}/collections/buurten/items",
        json=p1,
        match=eerste_pagina("buurten", "GM0202"),
    )
    dienst.add(responses.GET, next_href(p1), json=fixture("buurten_GM0202_p2.json"))

    lagen = fetch_wijken_buurten("GM0202", jaar=2024)

    buurten = lagen["buurten"].data
    assert buurten.crs.to_epsg() == 28992
    # both pages, the water-only polygon of BU02020102 left out
    assert sorted(buurten.index) == ["BU02020100", "BU02020101", "BU02020102", "BU02020338"]
    assert buurten.loc["BU02020102", "geometry"].area == pytest.approx(500 * 200)
    assert buurten.loc["BU02020102", "aantal_inwoners"] == 1400
    assert buurten.loc["BU02020100", "aantal_inwoners"] == 1605
    assert buurten.loc["BU02020100", "aantal_huishoudens"] == 1085
    assert buurten.loc["BU02020101", "gemiddelde_huishoudensgrootte"] == 1.4
    # -99999999 and -99997 are CBS codes, never numbers
    assert pd.isna(buurten.loc["BU02020338", "aantal_inwoners"])
    assert buurten["gemiddeld_inkomen_per_inwoner"].isna().all()
    assert (buurten["aantal_inwoners"].dropna() >= 0).all()
    assert buurten.loc["BU02020101", "wijkcode"] == "WK020201"
    assert buurten.loc["BU02020101", "percentage_personen_65_jaar_en_ouder"] == 17  # extra kept

    wijken = lagen["wijken"].data
    assert wijken.loc["WK020201", "wijknaam"] == "Centrum"
    assert wijken.loc["WK020202", "aantal_inwoners"] == 6880
    assert wijken["aantal_huishoudens"].isna().all()

    herkomst = lagen["buurten"].herkomst
    assert "2024" in herkomst.bron and "PDOK" in herkomst.bron
    assert (herkomst.peildatum, herkomst.indeling) == ("2024", "2024")  # the service's year
    assert "gemeentecode=GM0202" in herkomst.query and "28992" in herkomst.query
    assert "CC BY 4.0" in herkomst.licentie
    assert len(dienst.calls) == 3


def test_fetch_wrong_gemeentecode_form(dienst):
    with pytest.raises(BronError, match="'0202'.*GMdddd"):
        fetch_wijken_buurten("0202", jaar=2024)
    assert len(dienst.calls) == 0


def test_fetch_gemeentecode_without_rows(dienst):
    dienst.add(
        responses.GET,
        f"{BASIS}/collections/wijken/items",
        json=fixture("wijken_leeg.json"),
        match=eerste_pagina("wijken", "GM0999"),
    )
    with pytest.raises(BronError, match="geen wijken voor gemeentecode GM0999"):
        fetch_wijken_buurten("GM0999", jaar=2024)


def test_fetch_unknown_year(dienst):
    with pytest.raises(BronError) as fout:
        fetch_wijken_buurten("GM0202", jaar=2015)
    assert "2015" in str(fout.value) and "2022" in str(fout.value)


def test_fetch_refuses_lon_lat(dienst):
    pagina = fixture("wijken_GM0202.json")
    for feature in pagina["features"]:
        feature["geometry"] = {
            "type": "Polygon",
            "coordinates": [[[5.9, 51.98], [5.91, 51.98], [5.91, 51.99], [5.9, 51.98]]],
        }
    dienst.add(responses.GET, f"{BASIS}/collections/wijken/items", json=pagina)
    with pytest.raises(BronError, match="lengte-/breedtegraden"):
        fetch_wijken_buurten("GM0202", jaar=2024)


# --- file twin -----------------------------------------------------------------------------


def _vak(x0: float, y0: float, x1: float, y1: float):
    """A box in the test grid, placed in the Netherlands in RD (boundaries must lie there)."""
    return box(172_000 + x0, 492_000 + y0, 172_000 + x1, 492_000 + y1)


@pytest.fixture
def gpkg(tmp_path) -> Path:
    """A small Wijk- en Buurtkaart GeoPackage: two gemeenten, a water buurt, CBS codes."""
    wijken = gpd.GeoDataFrame(
        {
            "wijkcode": ["WK999901", "WK999801"],
            "wijknaam": ["Noord", "Elders"],
            "gemeentecode": ["GM9999", "GM9998"],
            "water": ["NEE", "NEE"],
            "aantal_inwoners": [2500, 800],
            "jaar": [2023, 2023],
        },
        geometry=[_vak(0, 0, 1000, 1000), _vak(5000, 0, 6000, 1000)],
        crs="EPSG:28992",
    )
    buurten = gpd.GeoDataFrame(
        {
            "buurtcode": ["BU99990101", "BU99990102", "BU99990103", "BU99980101"],
            "buurtnaam": ["Dorp", "Plas", "Veld", "Elders"],
            "gemeentecode": ["GM9999", "GM9999", "GM9999", "GM9998"],
            "water": ["NEE", "JA", "NEE", "NEE"],
            "aantal_inwoners": [2500, -99999999, -99997, 800],
            "gemiddelde_huishoudsgrootte": [2.3, -99999999.0, -99997.0, 2.0],
            "jaar": [2023, 2023, 2023, 2023],
        },
        geometry=[
            _vak(0, 0, 500, 1000),
            _vak(500, 0, 700, 1000),
            _vak(700, 0, 1000, 1000),
            _vak(5000, 0, 6000, 1000),
        ],
        crs="EPSG:28992",
    )
    pad = tmp_path / "wijkenbuurten_2023_v1.gpkg"
    wijken.to_file(pad, layer="wijken")
    buurten.to_file(pad, layer="buurten")
    return pad


def test_read_geopackage_filters_gemeente_water_and_codes(gpkg):
    lagen = read_wijken_buurten(gpkg, gemeentecode="GM9999")
    buurten = lagen["buurten"].data
    assert list(buurten.index) == ["BU99990101", "BU99990103"]  # water and GM9998 left out
    assert buurten.loc["BU99990101", "aantal_inwoners"] == 2500
    assert pd.isna(buurten.loc["BU99990103", "aantal_inwoners"])
    assert pd.isna(buurten.loc["BU99990103", "gemiddelde_huishoudensgrootte"])
    assert list(buurten["wijkcode"]) == ["WK999901", "WK999901"]  # derived from the buurtcode
    assert list(lagen["wijken"].data.index) == ["WK999901"]
    assert "2023" in lagen["wijken"].herkomst.bron  # from the jaar column
    assert gpkg.name in lagen["wijken"].herkomst.bron


# --- the indeling year: from the data, the file name, or assumed (said) -------------------


def test_indeling_year_comes_from_the_jaar_column_before_the_run_year(gpkg):
    lagen = read_wijken_buurten(gpkg, gemeentecode="GM9999", jaar=2024)
    h = lagen["buurten"].herkomst
    assert (h.indeling, h.peildatum) == ("2023", "2023")
    assert "Buurtkaart 2023" in h.bron and "indeling 2023 uit kolom jaar" in h.query


def test_indeling_year_from_the_file_name_not_the_run_year(gpkg, tmp_path, caplog):
    """A 2022 buurt file imported with --jaar 2024 is indeling 2022, never 'Buurtkaart 2024'."""
    pad = tmp_path / "arnhem_buurten_2022_generalised.gpkg"
    gpd.read_file(gpkg, layer="buurten").drop(columns="jaar").to_file(pad, layer="buurten")
    with caplog.at_level("INFO", logger="gebiedsplan.bronnen.pdok"):
        h = read_wijken_buurten(pad, gemeentecode="GM9999", jaar=2024)["buurten"].herkomst
    assert (h.indeling, h.peildatum) == ("2022", "2022")
    assert h.bron == f"CBS Wijk- en Buurtkaart 2022 (bestand {pad.name})"
    assert "indeling 2022 uit de bestandsnaam" in h.query
    assert "volgens indeling 2022 (jaar in de bestandsnaam)" in caplog.text


def test_indeling_year_assumed_from_the_run_year_with_a_warning(gpkg, tmp_path, caplog):
    pad = tmp_path / "buurten.gpkg"  # no year column, no year in the name
    gpd.read_file(gpkg, layer="buurten").drop(columns="jaar").to_file(pad, layer="buurten")
    with caplog.at_level("WARNING", logger="gebiedsplan.bronnen.pdok"):
        h = read_wijken_buurten(pad, gemeentecode="GM9999", jaar=2024)["buurten"].herkomst
    assert (h.indeling, h.peildatum) == ("2024", "2024")
    assert "indeling 2024 aangenomen (jaar van de import)" in h.query
    assert "aangenomen: 2024, het jaar van de import (--jaar)" in caplog.text
    with caplog.at_level("WARNING", logger="gebiedsplan.bronnen.pdok"):
        onbekend = read_wijken_buurten(pad, gemeentecode="GM9999")["buurten"].herkomst
    assert onbekend.indeling == "" and "(jaar onbekend)" in onbekend.bron
    assert "indeling van de buurten is, is onbekend" in caplog.text


def test_read_wrong_gemeentecode_names_it_and_what_is_there(gpkg):
    with pytest.raises(BronError) as fout:
        read_wijken_buurten(gpkg, gemeentecode="GM0202")
    assert "GM0202" in str(fout.value) and "GM9998, GM9999" in str(fout.value)
    with pytest.raises(BronError, match="GMdddd"):
        read_wijken_buurten(gpkg, gemeentecode="9999")


def test_read_dict_of_files_with_other_layer_names(gpkg, tmp_path):
    los = tmp_path / "mijn_buurten.gpkg"
    gpd.read_file(gpkg, layer="buurten").to_file(los, layer="export_2023")
    lagen = read_wijken_buurten({"buurten": los}, gemeentecode="GM9999", jaar=2023)
    assert list(lagen) == ["buurten"]
    assert len(lagen["buurten"].data) == 2
    with pytest.raises(BronError, match="Onbekende laag 'gemeenten'"):
        read_wijken_buurten({"gemeenten": los}, gemeentecode="GM9999")
    with pytest.raises(BronError, match="Geen laag 'wijken' of 'buurten'"):
        read_wijken_buurten(los, gemeentecode="GM9999")
    with pytest.raises(BronError, match="bestaat niet"):
        read_wijken_buurten(tmp_path / "weg.gpkg", gemeentecode="GM9999")


# --- real Arnhem files ---------------------------------------------------------------------


def test_arnhem_wijken_and_buurten(arnhem_data):
    lagen = read_wijken_buurten(
        [
            arnhem_data / "arnhem_wijken_2024_generalised.gpkg",
            arnhem_data / "arnhem_buurten_2022_generalised.gpkg",
        ],
        gemeentecode="GM0202",
    )
    wijken, buurten = lagen["wijken"].data, lagen["buurten"].data
    assert len(wijken) == 24 and len(buurten) == 83
    assert wijken.index[0] == "WK020201" and buurten.index.name == "buurtcode"
    assert set(buurten["wijkcode"]) == set(wijken.index)
    assert (buurten["gemeentecode"] == "GM0202").all()
    # kwb24_AantalInwoners_5 (CBS 85984NED, behind the exporter's prefix) -> aantal_inwoners
    assert int(buurten["aantal_inwoners"].sum()) == 167_470
    assert int(buurten["aantal_inwoners"].notna().sum()) == 82
    assert pd.isna(buurten.loc["BU02020338", "aantal_inwoners"])  # missing, never 0
    assert int(buurten["inwoners_65_jaar_en_ouder"].sum()) == int(
        gpd.read_file(arnhem_data / "arnhem_buurten_2022_generalised.gpkg")[
            "kwb24_k_65JaarOfOuder_12"
        ].sum()
    )
    assert int(wijken["aantal_inwoners"].sum()) == 167_630
    assert wijken.loc["WK020201", "aantal_inwoners"] == 7465
    # each file has its own indeling, from its name: buurten 2022, wijken 2024
    assert lagen["buurten"].herkomst.indeling == "2022"
    assert lagen["wijken"].herkomst.indeling == "2024"
