"""Answers the live services gave (``../shared/data/real_responses``, see its SOURCES.md) fed
through the real loader code: the HTTP layer is replaced by ``responses`` serving the file as
the service's answer, everything after it (paging, envelope, stems, typing, padded codes,
checks) is the loaders' own. Skipped when the folder is absent.

Where a file lacks what the service sends around it, the test adds exactly that and says so:
the 85984NED files were saved by ``cbsodata``, which keeps only the ``value`` list, so the
OData envelope (``odata.metadata`` + ``value``) is put back around it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import responses

from gebiedsplan import settings
from gebiedsplan.bronnen import _statline
from gebiedsplan.bronnen import nabijheid as nb
from gebiedsplan.bronnen._statline import (
    get_properties,
    get_rows,
    get_tabelinfo,
    get_table,
    herzien_op,
    in_gemeente,
    indeling_van,
    resolve_kolommen,
    resolve_stems,
    strip_code,
)
from gebiedsplan.bronnen.cbs import fetch_kerncijfers
from gebiedsplan.bronnen.locatieserver import LOCATIESERVER_URL, geocode_adres, zoek_adres
from gebiedsplan.catalogus import load_cbs_config
from gebiedsplan.errors import BronError

FIXTURES = Path(__file__).resolve().parent / "fixtures"
ODATA = "https://opendata.cbs.nl/ODataApi/odata"
KWB = f"{ODATA}/85984NED"
META = "https://opendata.cbs.nl/ODataApi/OData/85984NED/$metadata#Cbs.OData.WebAPI.{wat}"


def lees(pad: Path) -> Any:
    return json.loads(pad.read_text(encoding="utf-8"))


def envelop(lijst: list[dict[str, Any]], wat: str) -> dict[str, Any]:
    """The OData envelope cbsodata dropped when it saved the answer."""
    return {"odata.metadata": META.format(wat=wat), "value": lijst}


@pytest.fixture
def dienst(tmp_path, monkeypatch):
    """No network: only the registered answers; a fresh cache per test."""
    monkeypatch.setattr(settings, "cache_dir", tmp_path / "cache")
    monkeypatch.setattr(settings, "cache", True)
    monkeypatch.setattr(settings, "alleen_cache", False)
    with responses.RequestsMock() as rsps:
        yield rsps


@pytest.fixture
def cbs_echt(real_responses: Path) -> Path:
    return real_responses / "cbs"


# --- 85984NED: DataProperties and TableInfos of the March 2025 revision ------------------------


def test_real_dataproperties_are_typed_as_the_service_types_them(dienst, cbs_echt):
    echt = lees(cbs_echt / "85984NED_DataProperties_value.json")
    dienst.add(responses.GET, f"{KWB}/DataProperties", json=envelop(echt, "DataProperties"))
    props = get_properties("85984NED", host="opendata")
    assert len(props) == 172 == len(echt)
    typen = {e["Type"] for e in props}
    assert typen == {"GeoDetail", "TopicGroup", "Topic"}
    groepen = [e for e in props if e["Type"] == "TopicGroup"]
    assert groepen and all(e["Key"] == "" for e in groepen)
    # a topic group is no column, whatever its title
    assert resolve_stems(props, ["Bevolking", "Regioaanduiding", ""], verplicht=False) == {}
    # the region dimension: GeoDetail with an integer MapYear, the indeling of its codes
    regio = next(e for e in props if e["Key"] == "WijkenEnBuurten")
    assert regio["Type"] == "GeoDetail" and regio["MapYear"] == 2024
    assert indeling_van(props, "WijkenEnBuurten") == "2024"
    # text columns are topics with Datatype String, found by stem like any other
    tekst = resolve_stems(props, ["Gemeentenaam", "SoortRegio", "Codering"])
    assert tekst == {
        "Gemeentenaam": "Gemeentenaam_1",
        "SoortRegio": "SoortRegio_2",
        "Codering": "Codering_3",
    }
    per_key = {e["Key"]: e for e in props}
    assert {per_key[k]["Datatype"] for k in tekst.values()} == {"String"}
    assert per_key["AantalInwoners_5"]["Default"] == "Impossible"
    assert per_key["AantalInwoners_5"]["PresentationType"] == "Absolute"


def test_real_dataproperties_resolve_every_kerncijfers_column_by_stem(cbs_echt):
    props = lees(cbs_echt / "85984NED_DataProperties_value.json")
    spec = load_cbs_config()["kerncijfers"]["kolommen"]
    kolommen = resolve_kolommen(
        props, {naam: list(s["stam"]) for naam, s in spec.items()}, tabel="85984NED"
    )
    assert kolommen == {
        "aantal_inwoners": "AantalInwoners_5",
        "inwoners_0_tot_15_jaar": "k_0Tot15Jaar_8",
        "inwoners_15_tot_25_jaar": "k_15Tot25Jaar_9",
        "inwoners_25_tot_45_jaar": "k_25Tot45Jaar_10",
        "inwoners_45_tot_65_jaar": "k_45Tot65Jaar_11",
        "inwoners_65_jaar_en_ouder": "k_65JaarOfOuder_12",
        "aantal_huishoudens": "HuishoudensTotaal_29",
        "gemiddelde_huishoudensgrootte": "GemiddeldeHuishoudensgrootte_33",
        # since the March 2025 revision; _78 before (tests/fixtures/cbs shows both)
        "gemiddeld_inkomen_per_inwoner": "GemiddeldInkomenPerInwoner_83",
    }
    # the Kerncijfers carry the Nabijheid distances too; AfstandTotSchool by its topic group
    cfg = load_cbs_config()["nabijheid"]["categorieen"]
    afstanden = resolve_kolommen(
        props,
        {cat: list(s["stam"]) for cat, s in cfg.items()},
        groepen={cat: s["groep"] for cat, s in cfg.items() if s.get("groep")},
    )
    assert afstanden == {
        "huisarts": "AfstandTotHuisartsenpraktijk_117",
        "supermarkt": "AfstandTotGroteSupermarkt_118",
        "kinderopvang": "AfstandTotKinderdagverblijf_119",
        "basisschool": "AfstandTotSchool_120",
    }
    assert {e["Unit"] for e in props if e["Key"] in afstanden.values()} == {"km"}


def test_fetch_kerncijfers_on_the_real_dataproperties(dienst, cbs_echt):
    """The loader end to end on the real DataProperties: the $select names the _83 key, the
    recorded rows of that revision come back by stem, the indeling from MapYear."""
    echt = lees(cbs_echt / "85984NED_DataProperties_value.json")
    dienst.add(responses.GET, f"{KWB}/DataProperties", json=envelop(echt, "DataProperties"))
    dienst.add(
        responses.GET,
        f"{KWB}/TypedDataSet",
        json=lees(FIXTURES / "cbs" / "85984NED_TypedDataSet_2025-03.json"),
    )
    kern = fetch_kerncijfers("GM0202", jaar=2024)
    gevraagd = dienst.calls[-1].request.params["$select"].split(",")
    assert "GemiddeldInkomenPerInwoner_83" in gevraagd
    assert not any(k.endswith("_78") for k in gevraagd)
    assert kern.kolommen["gemiddeld_inkomen_per_inwoner"] == "GemiddeldInkomenPerInwoner_83"
    assert kern.data.loc["GM0202", "aantal_inwoners"] == 167_632
    assert (kern.herkomst.peildatum, kern.herkomst.indeling) == ("2024-01-01", "2024")


def test_real_tableinfos(dienst, cbs_echt):
    echt = lees(cbs_echt / "85984NED_TableInfos_value.json")
    dienst.add(responses.GET, f"{KWB}/TableInfos", json=envelop(echt, "TableInfos"))
    info = get_tabelinfo("85984NED", host="opendata")
    assert info["Identifier"] == "85984NED" and info["Period"] == "2024"
    assert info["Title"] == "Kerncijfers wijken en buurten 2024"
    assert herzien_op(info) == "2025-03-27"  # the revision that moved income to _83
    # its default selection shows the padding of the region codes: 10 characters
    assert "WijkenEnBuurten eq 'GM1680    '" in info["DefaultSelection"]


def test_a_kerncijfers_table_is_refused_as_nabijheid(dienst, cbs_echt, monkeypatch):
    """A wrong table id in cbs.yml (here the real Kerncijfers) is caught by its TableInfos."""
    echt = lees(cbs_echt / "85984NED_TableInfos_value.json")
    dienst.add(responses.GET, f"{KWB}/TableInfos", json=envelop(echt, "TableInfos"))
    monkeypatch.setattr(nb, "nabijheid_tabel", lambda jaar: "85984NED")
    with pytest.raises(BronError) as fout:
        nb.fetch_nabijheid("GM0202", jaar=2024)
    assert "CBS-tabel 85984NED is 'Kerncijfers wijken en buurten 2024', geen tabel" in str(
        fout.value
    )
    assert len(dienst.calls) == 1


# --- 84489NED: a complete raw TypedDataSet ---------------------------------------------------


def test_real_typed_dataset_envelope_and_padded_codes(dienst, cbs_echt):
    echt = lees(cbs_echt / "84489NED_TypedDataSet.json")
    assert set(echt) == {"odata.metadata", "value"}
    dienst.add(responses.GET, f"{ODATA}/84489NED/TypedDataSet", json=echt)
    rows = get_rows("84489NED", host="opendata")
    assert len(rows) == 2500 and len(dienst.calls) == 1  # one page, no nextLink, under the cap
    assert rows[0]["Code_3"] == "GM0141    "  # as the service pads it
    assert rows[0]["Woonplaatsen"] == "WP1925"  # dimension keys of full width: no padding
    codes = pd.Series([r["Code_3"] for r in rows]).map(strip_code)
    assert codes.iloc[0] == "GM0141" and codes.str.len().eq(6).all()
    assert int(in_gemeente(codes, "GM0141").sum()) == sum(
        1 for r in rows if r["Code_3"].strip() == "GM0141"
    )
    assert strip_code(rows[0]["Naam_2"]) == "Almelo"


def test_real_typed_dataset_through_get_table(dienst, cbs_echt):
    dienst.add(
        responses.GET,
        f"{ODATA}/84489NED/TypedDataSet",
        json=lees(cbs_echt / "84489NED_TypedDataSet.json"),
    )
    frame, herkomst = get_table(
        "84489NED",
        host="opendata",
        select=["Woonplaatsen", "Naam_2", "Code_3"],
        bron="Woonplaatsen in Nederland 2020",
        licentie="CC BY 4.0 (CBS)",
    )
    assert list(frame.columns) == ["Woonplaatsen", "Naam_2", "Code_3"]
    assert len(frame) == 2500
    assert "84489NED/TypedDataSet" in herkomst.query and "%24select=" in herkomst.query
    per_gemeente = frame["Code_3"].map(strip_code).value_counts()
    assert per_gemeente["GM0141"] >= 1 and per_gemeente.index.str.fullmatch(r"GM\d{4}").all()


def test_a_full_real_page_is_paged_past_with_skip(dienst, cbs_echt, monkeypatch):
    """With the cap below the page size, the next request is the same one with $skip."""
    echt = lees(cbs_echt / "84489NED_TypedDataSet.json")
    monkeypatch.setattr(_statline, "MAX_RIJEN", 2500)
    dienst.add(responses.GET, f"{ODATA}/84489NED/TypedDataSet", json=echt)
    dienst.add(
        responses.GET,
        f"{ODATA}/84489NED/TypedDataSet",
        json={"odata.metadata": echt["odata.metadata"], "value": []},
    )
    rows = get_rows("84489NED", host="opendata", filter="x")
    assert len(rows) == 2500
    assert dienst.calls[1].request.params["$skip"] == "2500"


# --- PDOK Locatieserver ----------------------------------------------------------------------


@pytest.fixture
def locatieserver(real_responses: Path, tmp_path, monkeypatch):
    """Serve one real answer per question; the question is the loader's (not checked here)."""
    monkeypatch.setattr(settings, "cache_dir", tmp_path / "cache")
    monkeypatch.setattr(settings, "cache", True)
    monkeypatch.setattr(settings, "alleen_cache", False)
    map_ = real_responses / "locatieserver"

    def serveer(naam: str) -> responses.RequestsMock:
        mock = responses.RequestsMock()
        mock.start()
        mock.add(
            responses.GET,
            LOCATIESERVER_URL,
            body=(map_ / naam).read_text(encoding="utf-8"),
            content_type="application/json",
        )
        return mock

    gestart: list[responses.RequestsMock] = []

    def maak(naam: str) -> responses.RequestsMock:
        for oud in gestart:
            oud.stop()
            oud.reset()
        gestart.append(serveer(naam))
        return gestart[-1]

    yield maak
    for mock in gestart:
        mock.stop()
        mock.reset()


def test_real_address_hit(locatieserver):
    mock = locatieserver("free_adres_1118CP_202.json")
    x, y, naam, score = geocode_adres("Evert van de Beekstraat", 202, "1118 CP", "Schiphol")
    assert (x, y) == (111396.536, 479739.602)  # centroide_rd, RD metres
    assert naam == "Evert van de Beekstraat 202, 1118CP Schiphol"
    assert score == pytest.approx(23.428492)
    assert len(mock.calls) == 1


def test_real_postcode_hit_is_not_an_address(locatieserver):
    locatieserver("free_postcode_1118CP.json")
    resultaat = zoek_adres("Evert van de Beekstraat", 202, "1118CP", "Schiphol")
    assert resultaat.x is None
    assert "geen adres maar een postcode" in resultaat.probleem
    assert "Evert van de Beekstraat, 1118CP Schiphol" in resultaat.probleem


@pytest.mark.parametrize("bestand", ["free_leeg_XXXXAB.json", "free_leeg_XXXXAB_1.json"])
def test_real_empty_answers(locatieserver, bestand):
    locatieserver(bestand)
    resultaat = zoek_adres("Nergensstraat", 1, "9999AB", "Nergens")
    assert resultaat.x is None and "niet gevonden" in resultaat.probleem
    with pytest.raises(BronError, match="niet gevonden"):
        geocode_adres("Nergensstraat", 1, "9999AB", "Nergens")
