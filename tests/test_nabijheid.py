"""CBS Nabijheid (issue 13, part 5/6): the StatLine table per year, its CSV twin, the columns
afstand_tot_* of the Wijk- en Buurtkaart, and the layer ``nabijheid`` through importeer,
ophalen, the store and ``Gemeente.nabijheid``. Answers are recorded in tests/fixtures/cbs and
tests/fixtures/pdok (see their README)."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import responses
from responses import matchers
from shapely.geometry import box
from typer.testing import CliRunner

from gebiedsplan import settings
from gebiedsplan._validate import validate_laag
from gebiedsplan.bronnen import Herkomst, Laag, pdok
from gebiedsplan.bronnen import nabijheid as nb
from gebiedsplan.bronnen._statline import resolve_kolommen
from gebiedsplan.bronnen.nabijheid import (
    fetch_nabijheid,
    nabijheid_jaar,
    nabijheid_tabel,
    read_nabijheid,
)
from gebiedsplan.catalogus import load_catalogus
from gebiedsplan.errors import BronError

FIXTURES = Path(__file__).resolve().parent / "fixtures"
NAB = "https://opendata.cbs.nl/ODataApi/odata/85830NED"
PDOK_2024 = "https://api.pdok.nl/cbs/wijken-en-buurten-2024/ogc/v1/collections"
ARNHEM_FILTER = (
    "startswith(WijkenEnBuurten,'GM0202') or startswith(WijkenEnBuurten,'WK0202') "
    "or startswith(WijkenEnBuurten,'BU0202')"
)
CATEGORIEEN = ["huisarts", "supermarkt", "kinderopvang", "basisschool"]


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


def registreer_2023(dienst) -> None:
    dienst.add(responses.GET, f"{NAB}/TableInfos", json=fixture("cbs/85830NED_TableInfos.json"))
    dienst.add(
        responses.GET, f"{NAB}/DataProperties", json=fixture("cbs/85830NED_DataProperties.json")
    )
    dienst.add(
        responses.GET,
        f"{NAB}/TypedDataSet",
        json=fixture("cbs/85830NED_TypedDataSet.json"),
        match=[matchers.query_param_matcher({"$filter": ARNHEM_FILTER}, strict_match=False)],
    )


# --- the tables per year ---------------------------------------------------------------------


def test_tables_per_year_and_the_most_recent_year():
    assert nabijheid_tabel(2022) == "85560NED"
    assert nabijheid_tabel(2023) == "85830NED"
    assert nabijheid_tabel(2024) == "86134NED"
    assert nabijheid_jaar(2025) == 2024 and nabijheid_jaar(2018) == 2017
    with pytest.raises(BronError) as fout:
        nabijheid_tabel(2018)
    assert "2018" in str(fout.value) and "2017, 2019" in str(fout.value)
    assert "nabijheid.tabellen in lagen/catalogus/cbs.yml" in str(fout.value)
    with pytest.raises(BronError, match="Geen tabel Nabijheid voorzieningen van 2010"):
        nabijheid_jaar(2010)


def test_every_category_is_in_the_vocabulary():
    """The contract with vergelijk-cbs: the categories of the layer are those of categorieen.yml
    (kinderdagverblijf is kinderopvang)."""
    from gebiedsplan.catalogus import load_cbs_config

    categorieen = load_cbs_config()["nabijheid"]["categorieen"]
    assert list(categorieen) == CATEGORIEEN
    assert set(categorieen) <= set(load_catalogus().categorieen)


# --- StatLine online ---------------------------------------------------------------------------


def test_fetch_nabijheid_long_format_by_stem_and_topic_group(dienst):
    registreer_2023(dienst)
    laag = fetch_nabijheid("GM0202", jaar=2023)
    data = laag.data
    assert laag.naam == "nabijheid"
    assert data.index.name == "id"
    # GM + WK + 3 buurten, 4 categories each
    assert len(data) == 5 * 4
    assert data["categorie"].unique().tolist() == CATEGORIEEN
    assert data.loc["BU02020100:huisarts:2023", "afstand_km"] == 0.3
    assert data.loc["GM0202:supermarkt:2023", "afstand_km"] == 0.7
    # AfstandTotSchool is there twice (basis- and voortgezet onderwijs): the topic group decides
    assert data.loc["BU02020100:basisschool:2023", "kolom"] == "AfstandTotSchool_60"
    # suppressed (null) stays missing, never 0
    assert np.isnan(data.loc["BU02020101:kinderopvang:2023", "afstand_km"])
    assert data.loc[data["code"] == "BU02020338", "afstand_km"].isna().all()
    assert (data["jaar"] == 2023).all() and (data["bron"] == data["bron"].iloc[0]).all()
    # provenance: table, title and revision, 1 January, the indeling of the codes (MapYear)
    h = laag.herkomst
    assert "85830NED" in h.bron and "85830NED/TypedDataSet" in h.query
    assert "herzien 2025-03-27" in h.query and "Nabijheid voorzieningen" in h.query
    assert (h.peildatum, h.indeling) == ("2023-01-01", "2023")
    assert h.licentie == "CC BY 4.0 (CBS)"
    # only the four distances are asked for
    select = dienst.calls[-1].request.params["$select"].split(",")
    assert select == [
        "WijkenEnBuurten",
        "AfstandTotHuisartsenpraktijk_5",
        "AfstandTotGroteSupermarkt_24",
        "AfstandTotKinderdagverblijf_52",
        "AfstandTotSchool_60",
    ]
    validate_laag(data, "nabijheid")


def test_fetch_refuses_a_table_that_is_no_nabijheid_table(dienst):
    info = fixture("cbs/85830NED_TableInfos.json")
    info["value"][0]["Title"] = "Kerncijfers wijken en buurten 2023"
    dienst.add(responses.GET, f"{NAB}/TableInfos", json=info)
    with pytest.raises(BronError) as fout:
        fetch_nabijheid("GM0202", jaar=2023)
    assert "'Kerncijfers wijken en buurten 2023', geen tabel 'Nabijheid voorzieningen'" in str(
        fout.value
    )
    assert "nabijheid.tabellen[2023]" in str(fout.value)


def test_fetch_gemeente_without_rows_and_year_without_table(dienst):
    with pytest.raises(BronError, match="geen tabel Nabijheid voorzieningen bekend voor 2018"):
        fetch_nabijheid("GM0202", jaar=2018)
    with pytest.raises(BronError, match="GMdddd"):
        fetch_nabijheid("Arnhem", jaar=2023)
    assert len(dienst.calls) == 0
    dienst.add(responses.GET, f"{NAB}/TableInfos", json=fixture("cbs/85830NED_TableInfos.json"))
    dienst.add(
        responses.GET, f"{NAB}/DataProperties", json=fixture("cbs/85830NED_DataProperties.json")
    )
    dienst.add(responses.GET, f"{NAB}/TypedDataSet", json={"odata.metadata": "", "value": []})
    with pytest.raises(BronError, match="geen nabijheidscijfers voor gemeente GM0999"):
        fetch_nabijheid("GM0999", jaar=2023)


def test_topic_group_decides_between_schools_whatever_the_order():
    """Voortgezet onderwijs listed first: still the basisonderwijs key, by its group; a CSV
    header (no groups) takes the lowest number."""
    props = fixture("cbs/85830NED_DataProperties.json")["value"]
    omgekeerd = list(reversed(props))
    stems = {"basisschool": ["AfstandTotSchool"]}
    groepen = {"basisschool": "Basisonderwijs"}
    assert resolve_kolommen(omgekeerd, stems, groepen=groepen) == {
        "basisschool": "AfstandTotSchool_60"
    }
    kop = ["WijkenEnBuurten", "AfstandTotSchool_64", "AfstandTotSchool_60"]
    assert resolve_kolommen(kop, stems, groepen=groepen) == {"basisschool": "AfstandTotSchool_60"}


# --- the CSV twin ------------------------------------------------------------------------------


def test_read_statline_csv_quoted_padded_and_dots():
    laag = read_nabijheid(
        FIXTURES / "cbs" / "85830NED_TypedDataSet_GM0202.csv", gemeentecode="GM0202", jaar=2023
    )
    data = laag.data
    assert sorted(data["code"].unique()) == [
        "BU02020100",
        "BU02020101",
        "BU02020338",
        "GM0202",
        "WK020201",
    ]
    assert data.loc["WK020201:huisarts:2023", "afstand_km"] == 0.4
    # the first AfstandTotSchool (60), not voortgezet onderwijs (64)
    assert data.loc["GM0202:basisschool:2023", "afstand_km"] == 0.6
    assert data.loc["GM0202:basisschool:2023", "kolom"] == "AfstandTotSchool_60"
    assert np.isnan(data.loc["BU02020101:kinderopvang:2023", "afstand_km"])  # "       ."
    assert data.loc[data["code"] == "BU02020338", "afstand_km"].isna().all()
    h = laag.herkomst
    assert "85830NED, bestand 85830NED_TypedDataSet_GM0202.csv" in h.bron
    assert (h.peildatum, h.indeling) == ("2023-01-01", "2023")
    assert "indeling 2023 aangenomen" in h.query


def test_csv_and_service_give_the_same_layer(dienst):
    registreer_2023(dienst)
    online = fetch_nabijheid("GM0202", jaar=2023).data
    bestand = read_nabijheid(
        FIXTURES / "cbs" / "85830NED_TypedDataSet_GM0202.csv", gemeentecode="GM0202", jaar=2023
    ).data
    kolommen = ["code", "categorie", "jaar", "afstand_km", "kolom"]
    pd.testing.assert_frame_equal(online[kolommen], bestand[kolommen])


def test_dutch_decimal_commas_and_declared_notation(tmp_path):
    csv = tmp_path / "nabijheid_2023.csv"
    csv.write_text(
        "WijkenEnBuurten;AfstandTotHuisartsenpraktijk_5;AfstandTotGroteSupermarkt_24\n"
        "BU99990101;0,6;1,2\nBU99990102;.;\n",
        encoding="utf-8",
    )
    data = read_nabijheid(csv, gemeentecode="GM9999", jaar=2023).data
    assert data["afstand_km"].tolist()[:2] == [0.6, 1.2]
    assert data["afstand_km"].isna().tolist() == [False, False, True, True]
    assert sorted(data["categorie"].unique()) == ["huisarts", "supermarkt"]


def test_file_name_of_another_year_is_said(tmp_path, caplog):
    csv = tmp_path / "nabijheid_2022.csv"
    csv.write_text("code,AfstandTotHuisartsenpraktijk_5\nBU99990101,0.6\n", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="gebiedsplan.bronnen.nabijheid"):
        laag = read_nabijheid(csv, gemeentecode="GM9999", jaar=2023)
    assert "de bestandsnaam noemt 2022, gelezen als Nabijheid 2023" in caplog.text
    assert laag.data.index.tolist() == ["BU99990101:huisarts:2023"]


# --- the Wijk- en Buurtkaart ---------------------------------------------------------------------


def test_kaart_columns_from_the_pdok_ogc_api(dienst):
    dienst.add(
        responses.GET,
        f"{PDOK_2024}/wijken/items",
        json=fixture("pdok/wijken_GM0202.json"),
    )
    dienst.add(
        responses.GET,
        f"{PDOK_2024}/buurten/items",
        json=fixture("pdok/buurten_GM0202_nabijheid.json"),
    )
    lagen = pdok.fetch_wijken_buurten("GM0202", jaar=2024)
    assert "afstand_tot_huisartsenpraktijk" in lagen["buurten"].data.columns
    laag = pdok.nabijheid_uit_kaart(lagen, gemeentecode="GM0202")
    assert laag is not None
    data = laag.data
    # the wijken page has no distances; the land buurten do (the water polygon is left out)
    assert sorted(data["code"].unique()) == ["BU02020100", "BU02020101", "BU02020102", "BU02020338"]
    assert data.loc["BU02020100:supermarkt:2024", "afstand_km"] == 0.2
    assert data.loc["BU02020100:basisschool:2024", "kolom"] == "afstand_tot_school"
    # -99997 (geheim) is missing, never a negative distance or 0
    assert np.isnan(data.loc["BU02020101:kinderopvang:2024", "afstand_km"])
    assert data.loc[data["code"] == "BU02020338", "afstand_km"].isna().all()
    assert (data["jaar"] == 2024).all()
    h = laag.herkomst
    assert h.bron.startswith("CBS Nabijheid in de Wijk- en Buurtkaart 2024")
    assert (h.peildatum, h.indeling) == ("2024", "2024")
    assert "collections/buurten/items" in h.query and "afstand_tot_*" in h.query


def test_kaart_without_distances_gives_none(dienst):
    dienst.add(responses.GET, f"{PDOK_2024}/wijken/items", json=fixture("pdok/wijken_GM0202.json"))
    p1 = fixture("pdok/buurten_GM0202_p1.json")
    dienst.add(responses.GET, f"{PDOK_2024}/buurten/items", json=p1)
    volgende = next(link["href"] for link in p1["links"] if link["rel"] == "next")
    dienst.add(responses.GET, volgende.split("?")[0], json=fixture("pdok/buurten_GM0202_p2.json"))
    lagen = pdok.fetch_wijken_buurten("GM0202", jaar=2024)
    assert pdok.nabijheid_uit_kaart(lagen, gemeentecode="GM0202") is None


def test_kaart_geopackage_with_kwb_names(tmp_path):
    """The file twin of the kaart: a GeoPackage whose buurten carry the distances (here with the
    KWB spreadsheet names g_afs_*)."""
    buurten = gpd.GeoDataFrame(
        {
            "buurtcode": ["BU99990101", "BU99990102"],
            "buurtnaam": ["Noord", "Zuid"],
            "gemeentecode": ["GM9999", "GM9999"],
            "jaarcode": [2023, 2023],
            "aantal_inwoners": [1200, 800],
            "g_afs_hp": [0.8, -99997.0],
            "g_afs_gs": [1.1, 2.5],
        },
        geometry=[box(172000, 492000, 172500, 492500), box(172500, 492000, 173000, 492500)],
        crs="EPSG:28992",
    )
    pad = tmp_path / "wijkenbuurten_2023.gpkg"
    buurten.to_file(pad, layer="buurten")
    lagen = pdok.read_wijken_buurten(pad, gemeentecode="GM9999", jaar=2024)
    laag = pdok.nabijheid_uit_kaart(lagen, gemeentecode="GM9999")
    assert laag is not None
    assert laag.data.index.tolist() == [
        "BU99990101:huisarts:2023",
        "BU99990101:supermarkt:2023",
        "BU99990102:huisarts:2023",
        "BU99990102:supermarkt:2023",
    ]
    assert laag.data["afstand_km"].tolist()[:2] == [0.8, 1.1]
    assert np.isnan(laag.data["afstand_km"].iloc[2])
    assert laag.herkomst.indeling == "2023"  # from the kaart's jaarcode, not --jaar


# --- importeer, ophalen, the store, the gemeente ------------------------------------------------


def _nabijheid_csv(tmp_path: Path) -> Path:
    from gebiedsplan.bronnen.demo import build_demo

    demo = build_demo()
    regels = [
        "WijkenEnBuurten;AfstandTotHuisartsenpraktijk_5;AfstandTotGroteSupermarkt_24;"
        "AfstandTotKinderdagverblijf_52;AfstandTotSchool_60;AfstandTotSchool_64"
    ]
    for i, code in enumerate(demo.buurten.index):
        waarde = "." if i == 0 else f"{0.3 + 0.1 * (i % 5):.1f}"
        regels.append(f"{code};{waarde};1.2;0.4;0.5;2.8")
    pad = tmp_path / "nabijheid_2023.csv"
    pad.write_text("\n".join(regels) + "\n", encoding="utf-8")
    return pad


def test_importeer_nabijheid_into_the_store_and_the_gemeente(tmp_path, demo_opslag):
    """importeer --nabijheid: the layer in the store with its provenance, Gemeente.nabijheid."""
    import gebiedsplan as gp
    from gebiedsplan.cli import app
    from gebiedsplan.store import load_lagen

    opslag = tmp_path / "GM9999.gpkg"
    shutil.copy(demo_opslag, opslag)
    tif = demo_opslag.with_name(f"{demo_opslag.stem}_groen_10m.tif")
    shutil.copy(tif, opslag.with_name(tif.name))
    csv = _nabijheid_csv(tmp_path)
    uit = CliRunner().invoke(
        app,
        [
            "importeer",
            "--gemeente",
            "GM9999",
            "--jaar",
            "2024",
            "--nabijheid",
            str(csv),
            "--nabijheid-jaar",
            "2023",
            "--opslag",
            str(opslag),
        ],
    )
    assert uit.exit_code == 0, uit.output
    assert "nabijheid" in uit.output
    lagen, herkomst = load_lagen(opslag, lagen=["nabijheid"])
    data = lagen["nabijheid"]
    assert len(data) == 4 * len(data["code"].unique())
    eerste = data["code"].iloc[0]
    assert np.isnan(data.loc[f"{eerste}:huisarts:2023", "afstand_km"])  # '.' stays missing
    assert data.loc[f"{eerste}:supermarkt:2023", "afstand_km"] == 1.2
    assert (herkomst["nabijheid"].peildatum, herkomst["nabijheid"].indeling) == (
        "2023-01-01",
        "2023",
    )
    assert "bestand nabijheid_2023.csv" in herkomst["nabijheid"].bron
    gemeente = gp.load_gemeente("demo", opslag=opslag)
    assert gemeente.nabijheid is not None
    assert set(gemeente.nabijheid.columns) >= {"code", "categorie", "jaar", "afstand_km", "bron"}
    assert gemeente.herkomst["nabijheid"].peildatum == "2023-01-01"


def test_import_files_takes_the_kaart_columns_when_no_file_is_given(tmp_path):
    from gebiedsplan.importeren import import_files

    wijken = gpd.GeoDataFrame(
        {"wijkcode": ["WK999901"], "wijknaam": ["Noord"], "gemeentecode": ["GM9999"]},
        geometry=[box(172000, 492000, 173000, 492500)],
        crs="EPSG:28992",
    )
    buurten = gpd.GeoDataFrame(
        {
            "buurtcode": ["BU99990101"],
            "buurtnaam": ["Noord"],
            "gemeentecode": ["GM9999"],
            "aantal_inwoners": [1200],
            "afstand_tot_huisartsenpraktijk": [0.8],
            "afstand_tot_school": [-99997],
        },
        geometry=[box(172000, 492000, 172500, 492500)],
        crs="EPSG:28992",
    )
    pad = tmp_path / "wijkenbuurten_2023.gpkg"
    wijken.to_file(pad, layer="wijken")
    buurten.to_file(pad, layer="buurten")
    invoer = import_files("GM9999", jaar=2023, grenzen=[pad])
    laag = invoer.lagen["nabijheid"]
    assert laag.data["afstand_km"].tolist()[0] == 0.8
    assert np.isnan(laag.data.loc["BU99990101:basisschool:2023", "afstand_km"])
    # a file given wins over the kaart
    csv = tmp_path / "nabijheid_2023.csv"
    csv.write_text("code,AfstandTotHuisartsenpraktijk_5\nBU99990101,0.9\n", encoding="utf-8")
    invoer = import_files("GM9999", jaar=2023, grenzen=[pad], nabijheid=csv)
    assert invoer.lagen["nabijheid"].data["afstand_km"].tolist() == [0.9]


def test_ophalen_takes_the_kaart_else_statline_and_never_fails_on_it(monkeypatch, caplog):
    """fetch_online: the kaart's columns first; else the StatLine table of the most recent year
    at or before --jaar; a table that cannot be fetched is a warning, not a failure; a synthetic
    gemeente is not asked for."""
    from gebiedsplan import importeren
    from gebiedsplan.importeren import Invoer

    wijken = gpd.GeoDataFrame(
        {"wijknaam": ["Centrum"], "gemeentecode": ["GM0202"]},
        index=pd.Index(["WK020201"], name="wijkcode"),
        geometry=[box(190000, 443000, 191000, 444000)],
        crs="EPSG:28992",
    )
    echt = Herkomst(
        "CBS Wijk- en Buurtkaart 2024 (PDOK OGC API)",
        "2025-01-15",
        "CC BY 4.0",
        indeling="2024",
        peildatum="2024",
    )
    gevraagd: list[tuple[str, int]] = []

    def fake_fetch(code, *, jaar):
        gevraagd.append((code, jaar))
        raise BronError("CBS StatLine niet bereikbaar (test)")

    monkeypatch.setattr(nb, "fetch_nabijheid", fake_fetch)
    invoer = Invoer("GM0202")
    invoer.add(Laag("wijken", wijken, echt))
    with caplog.at_level(logging.WARNING, logger="gebiedsplan.importeren"):
        importeren._nabijheid_online(invoer, jaar=2025, nabijheid_jaar=None)
    assert gevraagd == [("GM0202", 2024)]
    assert "nabijheid" not in invoer.lagen
    assert "CBS Nabijheid niet opgehaald (CBS StatLine niet bereikbaar (test))" in caplog.text
    assert "importeer --nabijheid" in caplog.text

    kaart = wijken.assign(afstand_tot_huisartsenpraktijk=[0.5])
    invoer = Invoer("GM0202")
    invoer.add(Laag("wijken", kaart, echt))
    importeren._nabijheid_online(invoer, jaar=2025, nabijheid_jaar=None)
    assert invoer.lagen["nabijheid"].data.index.tolist() == ["WK020201:huisarts:2024"]
    assert gevraagd == [("GM0202", 2024)]  # not asked again

    synthetisch = Herkomst("demo", "2025-01-01", "-", synthetisch=True)
    invoer = Invoer("GM0202")
    invoer.add(Laag("wijken", wijken, synthetisch))
    importeren._nabijheid_online(invoer, jaar=2024, nabijheid_jaar=None)
    assert "nabijheid" not in invoer.lagen and len(gevraagd) == 1


def test_layer_schema_contract():
    """What vergelijk-cbs relies on: columns, types, key, km, never 0 for missing."""
    schema = load_catalogus().lagen["nabijheid"]
    assert schema.sleutel == "id"
    kolommen = schema.kolommen
    assert {k: kolommen[k].type for k in ("code", "categorie", "jaar", "afstand_km", "bron")} == {
        "code": "str",
        "categorie": "str",
        "jaar": "int",
        "afstand_km": "float",
        "bron": "str",
    }
    assert kolommen["afstand_km"].leeg and kolommen["afstand_km"].min == 0
    assert kolommen["categorie"].vocabulaire == "categorieen"
