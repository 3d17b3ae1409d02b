"""The layer store: GeoPackage round trip with provenance, and atomic, all-or-nothing writes."""

from __future__ import annotations

import re

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
from geopandas.testing import assert_geodataframe_equal
from pandas.testing import assert_frame_equal

import gebiedsplan.store as store
from gebiedsplan._validate import validate_laag
from gebiedsplan.bronnen import Herkomst
from gebiedsplan.bronnen.demo import HERKOMST
from gebiedsplan.errors import SchemaError, StoreError
from gebiedsplan.store import load_lagen, save_lagen

ALLE_LAGEN = (
    "wijken",
    "buurten",
    "voorzieningen",
    "accommodaties",
    "groen",
    "gezondheid",
    "vraagpunten",
    "netwerk",
    "plannen",
)


def assert_layer_equal(left, right, **kwargs):
    if isinstance(right, gpd.GeoDataFrame):
        assert isinstance(left, gpd.GeoDataFrame)
        assert_geodataframe_equal(left, right, check_crs=True, **kwargs)
    else:
        assert not isinstance(left, gpd.GeoDataFrame)
        assert_frame_equal(left, right, **kwargs)


def small_layers(demo):
    """wijken and buurten of the demo (copies), enough for fast write tests."""
    return {"wijken": demo.wijken.copy(), "buurten": demo.buurten.copy()}


def small_herkomst():
    return {"wijken": HERKOMST, "buurten": HERKOMST}


def bad_buurten(demo):
    buurten = demo.buurten.copy()
    buurten.loc["BU99990101", "aantal_inwoners"] = -1
    return buurten


# --- round trip -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def geladen(demo_opslag):
    return load_lagen(demo_opslag)


def test_store_holds_every_demo_layer(geladen):
    lagen, herkomst = geladen
    assert set(lagen) == set(ALLE_LAGEN)
    assert set(herkomst) == set(ALLE_LAGEN)


@pytest.mark.parametrize("naam", ALLE_LAGEN)
def test_round_trip_equals_validated_layer_strictly(demo, geladen, naam):
    # Strict (dtypes, column order, CRS, index) against what save_lagen validated and wrote:
    # the store must give back exactly the validated frame.
    lagen, _ = geladen
    assert_layer_equal(lagen[naam], validate_laag(demo.lagen[naam], naam))


@pytest.mark.parametrize("naam", ALLE_LAGEN)
def test_round_trip_keeps_the_demo_values(demo, geladen, naam):
    # Against the raw demo frame we cannot be strict about dtypes or column order: validation
    # turns int64 into nullable Int64 and bool into boolean, and puts schema columns first.
    # Missing values in object columns are None in the demo and NaN after the round trip,
    # so those are normalised to NaN first. Values, index, geometry and CRS must be the same.
    lagen, _ = geladen
    raw = demo.lagen[naam].copy()
    for col in raw.columns:
        if raw[col].dtype == object:
            raw[col] = raw[col].astype("str").where(raw[col].notna())
    assert list(lagen[naam].index) == list(raw.index)
    assert_layer_equal(lagen[naam], raw, check_dtype=False, check_like=True)


def test_round_trip_keeps_crs_and_row_counts(demo, geladen):
    lagen, _ = geladen
    assert lagen["buurten"].crs.to_epsg() == 28992
    assert len(lagen["buurten"]) == 26
    assert len(lagen["vraagpunten"]) == len(demo.vraagpunten)


def test_demo_provenance_round_trips(geladen):
    _, herkomst = geladen
    for naam in ALLE_LAGEN:
        assert herkomst[naam] == HERKOMST, naam
        assert herkomst[naam].synthetisch is True


@pytest.mark.parametrize("synthetisch", [True, False])
def test_provenance_round_trips(demo, tmp_path, synthetisch):
    herkomst = Herkomst(
        bron="PDOK CBS Wijk- en Buurtkaart 2024",
        datum="2025-03-14",
        licentie="CC BY 4.0",
        query="https://service.pdok.nl/cbs/wijkenbuurten/2024/wfs?typeName=wijken&filter='GM0202'",
        synthetisch=synthetisch,
    )
    path = save_lagen(tmp_path / "GM0202.gpkg", {"wijken": demo.wijken}, {"wijken": herkomst})
    _, terug = load_lagen(path)
    assert terug == {"wijken": herkomst}
    assert terug["wijken"].synthetisch is synthetisch
    assert ("(synthetisch)" in terug["wijken"].tekst()) is synthetisch


def test_load_only_requested_layers(demo_opslag):
    lagen, herkomst = load_lagen(demo_opslag, lagen=["wijken", "gezondheid"])
    assert set(lagen) == set(herkomst) == {"wijken", "gezondheid"}
    assert type(lagen["gezondheid"]) is pd.DataFrame


def test_load_absent_layer_names_it(demo, tmp_path):
    path = save_lagen(tmp_path / "s.gpkg", {"wijken": demo.wijken}, {"wijken": HERKOMST})
    with pytest.raises(StoreError, match=r"Laag buurten ontbreekt in .*aanwezig: wijken"):
        load_lagen(path, lagen=["wijken", "buurten"])


# --- atomic writes ------------------------------------------------------------------------------


def test_schema_error_writes_nothing(demo, tmp_path):
    lagen = small_layers(demo)
    lagen["buurten"] = bad_buurten(demo)
    target = tmp_path / "GM9999.gpkg"
    with pytest.raises(
        SchemaError, match=re.escape("waarde kleiner dan 0 in rij 1 (buurtcode=BU99990101)")
    ):
        save_lagen(target, lagen, small_herkomst())
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []


def test_schema_error_leaves_existing_store_byte_identical(demo, tmp_path):
    target = save_lagen(tmp_path / "GM9999.gpkg", small_layers(demo), small_herkomst())
    before = target.read_bytes()
    lagen = small_layers(demo)
    lagen["buurten"] = bad_buurten(demo)
    with pytest.raises(SchemaError):
        save_lagen(target, lagen, small_herkomst())
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["GM9999.gpkg"]


@pytest.fixture
def write_fails_after_first_layer(monkeypatch):
    """Make pyogrio.write_dataframe, as called by gebiedsplan.store, fail on the second layer."""
    real = pyogrio.write_dataframe
    calls = []

    def flaky(*args, **kwargs):
        calls.append(kwargs.get("layer"))
        if len(calls) > 1:
            raise OSError("schijf vol (gesimuleerd)")
        return real(*args, **kwargs)

    monkeypatch.setattr(store.pyogrio, "write_dataframe", flaky)
    return calls


def test_interrupted_write_leaves_no_target_and_no_temp_file(
    demo, tmp_path, write_fails_after_first_layer
):
    target = tmp_path / "GM9999.gpkg"
    with pytest.raises(OSError, match="schijf vol"):
        save_lagen(target, small_layers(demo), small_herkomst())
    assert write_fails_after_first_layer == ["wijken", "buurten"]  # the first layer was written
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []


def test_interrupted_write_keeps_existing_store(demo, tmp_path, monkeypatch):
    target = save_lagen(tmp_path / "GM9999.gpkg", small_layers(demo), small_herkomst())
    before = target.read_bytes()
    real = pyogrio.write_dataframe
    calls = []

    def flaky(*args, **kwargs):
        calls.append(kwargs.get("layer"))
        if len(calls) > 1:
            raise OSError("schijf vol (gesimuleerd)")
        return real(*args, **kwargs)

    monkeypatch.setattr(store.pyogrio, "write_dataframe", flaky)
    with pytest.raises(OSError):
        save_lagen(target, small_layers(demo), small_herkomst())
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["GM9999.gpkg"]


# --- errors -----------------------------------------------------------------------------------


def test_missing_herkomst_is_a_store_error_naming_the_layer(demo, tmp_path):
    target = tmp_path / "GM9999.gpkg"
    with pytest.raises(StoreError, match=r"Geen herkomst opgegeven voor laag buurten;"):
        save_lagen(target, small_layers(demo), {"wijken": HERKOMST})
    assert list(tmp_path.iterdir()) == []


def test_layer_without_provenance_metadata_is_a_store_error(demo, tmp_path):
    path = tmp_path / "vreemd.gpkg"
    pyogrio.write_dataframe(demo.wijken.reset_index(), path, layer="wijken", driver="GPKG")
    with pytest.raises(
        StoreError, match=r"laag 'wijken' heeft geen herkomst \(bron, datum, licentie\)"
    ):
        load_lagen(path)


def test_load_missing_store_says_how_to_make_one(tmp_path):
    with pytest.raises(StoreError, match="gebiedsplan demo") as info:
        load_lagen(tmp_path / "GM0000.gpkg")
    assert "GM0000.gpkg" in str(info.value)
    assert "bestaat niet" in str(info.value)


def test_load_non_geopackage_is_a_store_error(tmp_path):
    path = tmp_path / "kapot.gpkg"
    path.write_text("dit is geen GeoPackage", encoding="utf-8")
    with pytest.raises(StoreError, match="geen leesbare GeoPackage"):
        load_lagen(path)


@pytest.mark.parametrize(
    "bederf, verwacht",
    [
        (lambda w: w.set_crs(None, allow_override=True), "heeft geen CRS"),
        (lambda w: w.set_geometry([None, *w.geometry.iloc[1:]]), "geometrie ontbreekt of is leeg"),
        (lambda w: w.rename(index={"WK999902": "WK999901"}), "niet uniek"),
    ],
    ids=["zonder-crs", "lege-geometrie", "dubbele-sleutel"],
)
def test_bad_input_writes_nothing(demo, tmp_path, bederf, verwacht):
    lagen = small_layers(demo)
    lagen["wijken"] = bederf(lagen["wijken"])
    target = tmp_path / "GM9999.gpkg"
    with pytest.raises(ValueError, match=verwacht):
        save_lagen(target, lagen, small_herkomst())
    assert list(tmp_path.iterdir()) == []


def test_problems_of_several_layers_are_reported_together(demo, tmp_path):
    lagen = small_layers(demo)
    lagen["wijken"] = lagen["wijken"].assign(wijknaam=None)
    lagen["buurten"] = bad_buurten(demo)
    target = tmp_path / "GM9999.gpkg"
    with pytest.raises(StoreError) as info:
        save_lagen(target, lagen, small_herkomst())
    message = str(info.value)
    assert "2 lagen niet opgeslagen" in message
    assert "Laag 'wijken'" in message and "kolom 'wijknaam': ontbrekende waarde" in message
    assert "Laag 'buurten'" in message and "waarde kleiner dan 0" in message
    assert list(tmp_path.iterdir()) == []
