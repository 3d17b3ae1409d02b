"""The shared CBS StatLine client: stems, paging, region codes, CBS codes for missing figures."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import responses
from responses import matchers

from gebiedsplan import settings
from gebiedsplan._validate import check_gemeentecode
from gebiedsplan.bronnen import _statline
from gebiedsplan.bronnen._statline import (
    get_rows,
    in_gemeente,
    parse_getallen,
    region_filter,
    resolve_kolommen,
    resolve_stems,
    sentinels_to_missing,
    strip_code,
)
from gebiedsplan.errors import BronError

FIXTURES = Path(__file__).resolve().parent / "fixtures"
KWB = "https://opendata.cbs.nl/ODataApi/odata/85984NED"


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


# --- stems ---------------------------------------------------------------------------------


def test_stems_resolve_for_two_table_versions():
    stems = ["AantalInwoners", "k_65JaarOfOuder", "HuishoudensTotaal", "GemiddeldInkomenPerInwoner"]
    nieuw = resolve_stems(fixture("cbs/85984NED_DataProperties.json")["value"], stems)
    oud = resolve_stems(fixture("cbs/85318NED_DataProperties.json")["value"], stems)
    assert nieuw == {
        "AantalInwoners": "AantalInwoners_5",
        "k_65JaarOfOuder": "k_65JaarOfOuder_12",
        "HuishoudensTotaal": "HuishoudensTotaal_29",
        "GemiddeldInkomenPerInwoner": "GemiddeldInkomenPerInwoner_78",
    }
    assert oud["HuishoudensTotaal"] == "HuishoudensTotaal_28"
    assert oud["GemiddeldInkomenPerInwoner"] == "GemiddeldInkomenPerInwoner_72"
    assert oud["AantalInwoners"] == "AantalInwoners_5"


def test_missing_stems_are_named_with_the_table():
    props = fixture("cbs/85984NED_DataProperties.json")["value"]
    with pytest.raises(BronError) as fout:
        resolve_stems(
            props, ["AantalInwoners", "Bevolkingsgroei", "Woningvoorraad"], tabel="85984NED"
        )
    tekst = str(fout.value)
    assert "85984NED" in tekst
    assert "Bevolkingsgroei" in tekst and "Woningvoorraad" in tekst
    assert "AantalInwoners_5" in tekst  # what the table does have
    assert resolve_stems(props, ["Bevolkingsgroei"], verplicht=False) == {}


def test_topic_groups_are_not_columns():
    props = fixture("cbs/85984NED_DataProperties.json")["value"]
    assert resolve_stems(props, ["Bevolking"], verplicht=False) == {}


def test_alternative_stems_first_found_wins():
    props = fixture("rivm/50150NED_DataProperties.json")["value"]
    gevonden = resolve_kolommen(
        props,
        {
            "ervaren_gezondheid_goed": ["ErvarenGezondheidGoedZeerGoed", "GoedErvarenGezondheid"],
            "ernstig_eenzaam": ["ErnstigZeerErnstigEenzaam", "SterkEenzaam"],
            "roker": ["Roker"],
        },
    )
    assert gevonden == {
        "ervaren_gezondheid_goed": "GoedErvarenGezondheid_4",
        "ernstig_eenzaam": "SterkEenzaam_26",
    }
    with pytest.raises(BronError, match="Roker"):
        resolve_kolommen(props, {"roker": ["Roker"]}, verplicht=("roker",))


def test_prefixed_keys_of_an_exporter():
    kolommen = ["buurtcode", "kwb24_AantalInwoners_5", "kwb24_k_0Tot15Jaar_8"]
    assert resolve_stems(kolommen, ["AantalInwoners", "k_0Tot15Jaar"], voorvoegsel="kwb24_") == {
        "AantalInwoners": "kwb24_AantalInwoners_5",
        "k_0Tot15Jaar": "kwb24_k_0Tot15Jaar_8",
    }


# --- region codes and numbers --------------------------------------------------------------


def test_region_codes_are_stripped_and_filtered():
    assert strip_code("BU02020101  ") == "BU02020101"
    assert strip_code("GM0202    ") == "GM0202"
    codes = pd.Series(["GM0202", "WK020201", "BU02020101", "GM02021", "BU03630000", None])
    assert in_gemeente(codes, "GM0202").tolist() == [True, True, True, False, False, False]
    assert region_filter("GM0202") == (
        "startswith(WijkenEnBuurten,'GM0202') or startswith(WijkenEnBuurten,'WK0202') "
        "or startswith(WijkenEnBuurten,'BU0202')"
    )


@pytest.mark.parametrize("code", ["0202", "GM202", "Arnhem", "gm0202", ""])
def test_wrong_gemeentecode_is_named(code):
    with pytest.raises(BronError) as fout:
        check_gemeentecode(code)
    assert repr(code) in str(fout.value)
    assert "GMdddd" in str(fout.value)


def test_cbs_codes_for_missing_become_missing_not_numbers():
    frame = pd.DataFrame(
        {
            "aantal": [1605, -99999999, -99997, 0],
            "saldo": [-5.0, 3.0, -99995.0, 1.0],
            "t": list("abcd"),
        }
    )
    uit = sentinels_to_missing(frame)
    assert uit["aantal"].isna().tolist() == [False, True, True, False]
    assert uit["aantal"].iloc[0] == 1605 and uit["aantal"].iloc[3] == 0
    assert uit["saldo"].tolist()[:2] == [-5.0, 3.0]  # an ordinary negative number stays
    assert np.isnan(uit["saldo"].iloc[2])
    assert uit["t"].tolist() == list("abcd")


def test_parse_getallen_reports_every_bad_value():
    frame = pd.DataFrame({"a": ["1", ".", "2,5", ""], "b": ["x1", "3", "veel", "4"]})
    with pytest.raises(BronError) as fout:
        parse_getallen(frame, ["a", "b"], bron="test.csv")
    tekst = str(fout.value)
    assert "test.csv" in tekst and "kolom 'b'" in tekst
    assert "rij 2 ('x1')" in tekst and "rij 4 ('veel')" in tekst
    assert "kolom 'a'" not in tekst
    goed = parse_getallen(frame[["a"]], ["a"], bron="test.csv")["a"]
    assert goed.iloc[0] == 1.0 and goed.iloc[2] == 2.5
    assert goed.isna().tolist() == [False, True, False, True]


# --- paging --------------------------------------------------------------------------------


def test_rows_follow_odata_nextlink(dienst):
    filter_ = region_filter("GM0202")
    dienst.add(
        responses.GET,
        f"{KWB}/TypedDataSet",
        json=fixture("cbs/85984NED_TypedDataSet_p1.json"),
        match=[
            matchers.query_param_matcher({"$filter": filter_, "$top": "10000"}, strict_match=False)
        ],
    )
    dienst.add(
        responses.GET,
        fixture("cbs/85984NED_TypedDataSet_p1.json")["odata.nextLink"],
        json=fixture("cbs/85984NED_TypedDataSet_p2.json"),
    )
    rows = get_rows("85984NED", host="opendata", filter=filter_, select=["WijkenEnBuurten"])
    assert [strip_code(r["WijkenEnBuurten"]) for r in rows] == [
        "GM0202",
        "WK020201",
        "BU02020100",
        "BU02020101",
        "BU02020338",
    ]
    assert rows[0]["WijkenEnBuurten"] == "GM0202    "  # as the service pads it
    assert len(dienst.calls) == 2


def test_rows_page_with_skip_past_the_cap(dienst, monkeypatch):
    monkeypatch.setattr(_statline, "MAX_RIJEN", 2)
    dienst.add(
        responses.GET,
        f"{KWB}/TypedDataSet",
        json=fixture("cbs/85984NED_TypedDataSet_skip1.json"),
        match=[matchers.query_param_matcher({"$format": "json", "$top": "2"})],
    )
    dienst.add(
        responses.GET,
        f"{KWB}/TypedDataSet",
        json=fixture("cbs/85984NED_TypedDataSet_skip2.json"),
        match=[matchers.query_param_matcher({"$format": "json", "$top": "2", "$skip": "2"})],
    )
    rows = get_rows("85984NED", host="opendata")
    assert [r["AantalInwoners_5"] for r in rows] == [167632, 7465, 1605]


def test_second_request_comes_from_the_cache(dienst, monkeypatch):
    dienst.add(
        responses.GET,
        f"{KWB}/TypedDataSet",
        json=fixture("cbs/85984NED_TypedDataSet_p2.json"),
    )
    eerste = get_rows("85984NED", host="opendata", filter="x")
    monkeypatch.setattr(settings, "alleen_cache", True)
    tweede = get_rows("85984NED", host="opendata", filter="x")
    assert tweede == eerste
    assert len(dienst.calls) == 1
    with pytest.raises(BronError, match="alleen_cache"):
        get_rows("85984NED", host="opendata", filter="iets anders")


def test_a_next_link_back_to_a_page_already_read_is_an_error(dienst):
    p1 = fixture("cbs/85984NED_TypedDataSet_p1.json")
    dienst.add(responses.GET, f"{KWB}/TypedDataSet", json=p1)
    dienst.add(
        responses.GET,
        p1["odata.nextLink"],
        json={"value": [], "odata.nextLink": p1["odata.nextLink"]},
    )
    with pytest.raises(BronError, match="verwijst steeds naar dezelfde pagina"):
        get_rows("85984NED", host="opendata", filter="x")
    assert len(dienst.calls) == 2


def test_answer_without_value_is_an_error(dienst):
    dienst.add(responses.GET, f"{KWB}/DataProperties", json={"odata.error": {"code": ""}})
    with pytest.raises(BronError, match="value"):
        _statline.get_properties("85984NED", host="opendata")


def test_parse_getallen_refuses_ambiguous_values_and_follows_a_declared_notation():
    """2.000 is two thousand or two: refused with the file's row (after rows were left out),
    never read as 2; with the notation declared it is read as declared."""
    from gebiedsplan._getallen import Notatie

    frame = pd.DataFrame({"a": ["1605", "2.000", "4606.0", "1.234,5"]}).iloc[1:]
    with pytest.raises(BronError) as fout:
        parse_getallen(frame, ["a"], bron="kwb.csv")
    tekst = str(fout.value)
    assert (
        "kolom 'a', rij 3 ('2.000') is dubbelzinnig: 2000 met een punt tussen duizendtallen"
        in tekst
    )
    assert "--getallen punt" in tekst and "'4606.0'" not in tekst and "'1.234,5'" not in tekst
    nl = Notatie(",", ".")
    goed = frame.iloc[[0, 2]]
    assert parse_getallen(goed, ["a"], bron="kwb.csv", notatie=nl)["a"].tolist() == [2000.0, 1234.5]
    with pytest.raises(BronError, match=r"rij 4 \('4606.0'\) past niet bij de notatie"):
        parse_getallen(frame, ["a"], bron="kwb.csv", notatie=nl)


# --- the fixtures follow the live service ---------------------------------------------------


def test_key_suffixes_drift_between_revisions_of_one_table():
    """85984NED before and since its March 2025 revision (five topics added before the income
    block): the income key moved from _78 to _83, the stem finds both."""
    stems = [
        "AantalInwoners",
        "HuishoudensTotaal",
        "GemiddeldInkomenPerInwoner",
        "AfstandTotSchool",
    ]
    oud = resolve_stems(fixture("cbs/85984NED_DataProperties.json")["value"], stems)
    nieuw = resolve_stems(fixture("cbs/85984NED_DataProperties_2025-03.json")["value"], stems)
    assert oud == {
        "AantalInwoners": "AantalInwoners_5",
        "HuishoudensTotaal": "HuishoudensTotaal_29",
        "GemiddeldInkomenPerInwoner": "GemiddeldInkomenPerInwoner_78",
        "AfstandTotSchool": "AfstandTotSchool_115",
    }
    assert nieuw == {
        "AantalInwoners": "AantalInwoners_5",
        "HuishoudensTotaal": "HuishoudensTotaal_29",
        "GemiddeldInkomenPerInwoner": "GemiddeldInkomenPerInwoner_83",
        "AfstandTotSchool": "AfstandTotSchool_120",
    }


@pytest.mark.parametrize(
    "naam",
    [
        "cbs/85984NED_DataProperties.json",
        "cbs/85984NED_DataProperties_2025-03.json",
        "cbs/85318NED_DataProperties.json",
        "cbs/85830NED_DataProperties.json",
        "rivm/50150NED_DataProperties.json",
    ],
)
def test_recorded_dataproperties_are_typed_like_the_live_service(naam, real_responses):
    """Every recorded DataProperties answer has the envelope, and its entries the fields the
    live service gives an entry of that type (the real 85984NED answer): the region dimension
    GeoDetail with an integer MapYear, text columns Topic with Datatype String, topic groups
    with an empty Key."""
    echt = json.loads(
        (real_responses / "cbs" / "85984NED_DataProperties_value.json").read_text(encoding="utf-8")
    )
    velden = {e["Type"]: set(e) for e in echt}
    opgenomen = fixture(naam)
    assert opgenomen["odata.metadata"].endswith("$metadata#Cbs.OData.WebAPI.DataProperties")
    for entry in opgenomen["value"]:
        if entry["Type"] in velden:
            assert set(entry) == velden[entry["Type"]], (naam, entry["Key"])
            assert entry["odata.type"] == f"Cbs.OData.{entry['Type']}"
    per_key = {e["Key"]: e for e in opgenomen["value"]}
    regio = per_key["WijkenEnBuurten"]
    assert regio["Type"] == "GeoDetail" and isinstance(regio["MapYear"], int)
    assert all(e["Key"] == "" for e in opgenomen["value"] if e["Type"] == "TopicGroup")
    for key in ("Gemeentenaam_1", "SoortRegio_2", "Codering_3"):
        assert (per_key[key]["Type"], per_key[key]["Datatype"]) == ("Topic", "String")
    assert {e["Default"] for e in opgenomen["value"] if e["Type"] == "Topic"} == {"Impossible"}


@pytest.mark.parametrize(
    "naam",
    [
        "cbs/85984NED_TypedDataSet_p1.json",
        "cbs/85984NED_TypedDataSet_2025-03.json",
        "cbs/85830NED_TypedDataSet.json",
        "rivm/50150NED_TypedDataSet.json",
    ],
)
def test_recorded_region_codes_are_padded_to_ten_like_the_service(naam):
    """The live service pads WijkenEnBuurten keys to 10 characters ('GM1680    ' in the
    DefaultSelection of the real 85984NED TableInfos)."""
    rijen = fixture(naam)["value"]
    assert rijen and all(len(r["WijkenEnBuurten"]) == 10 for r in rijen)
    assert any(r["WijkenEnBuurten"].endswith(" ") for r in rijen)
