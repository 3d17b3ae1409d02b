"""The layer store: GeoPackage round trip with provenance, and atomic, all-or-nothing writes."""

from __future__ import annotations

import errno
import os
import re
from dataclasses import replace
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
from geopandas.testing import assert_geodataframe_equal
from pandas.testing import assert_frame_equal

import gebiedsplan.store as store
from gebiedsplan._io import atomic_batch, current_path
from gebiedsplan._validate import validate_laag
from gebiedsplan.bronnen import Herkomst, combine_herkomst
from gebiedsplan.bronnen.demo import HERKOMST, WIJKAVOND
from gebiedsplan.errors import GebiedsplanError, SchemaError, StoreError
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
    "kerncijfers_jaren",
    "buurten_indeling",
    "inbreng",
    "voorzieningen_jaren",
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
        # the demo's wijkavond is its own source, like every meeting (bron "Inbreng <naam>")
        verwacht = (
            HERKOMST
            if naam != "inbreng"
            else replace(HERKOMST, bron=f"Inbreng {WIJKAVOND[0]}", peildatum=WIJKAVOND[1])
        )
        assert herkomst[naam] == verwacht, naam
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


@pytest.mark.parametrize(
    ("nummer", "woorden"),
    [
        (errno.ENOSPC, ["de schijf is vol", "Maak ruimte vrij"]),
        (errno.EROFS, ["alleen-lezen", "schrijfbaar"]),
        (errno.EACCES, ["geen schrijfrechten op", "chmod u+w"]),
        (errno.EFBIG, ["groter dan is toegestaan", "Hef de grens op"]),
    ],
    ids=["vol", "alleen-lezen", "geen-rechten", "te-groot"],
)
def test_write_failures_are_dutch_messages_naming_the_folder(
    demo, tmp_path, monkeypatch, nummer, woorden
):
    """A full disk, a read-only folder, missing rights or a size limit: a GebiedsplanError that
    names the file, its folder and the fix; the earlier store unchanged, no temporary file."""
    target = save_lagen(tmp_path / "GM9999.gpkg", small_layers(demo), small_herkomst())
    before = target.read_bytes()

    def weigert(frame, pad, **kwargs):
        raise OSError(nummer, os.strerror(nummer), str(pad))

    monkeypatch.setattr(store.pyogrio, "write_dataframe", weigert)
    with pytest.raises(GebiedsplanError) as info:
        save_lagen(target, small_layers(demo), small_herkomst())
    assert str(info.value).startswith(f"Kan GM9999.gpkg niet schrijven in {tmp_path}: ")
    for woord in woorden:
        assert woord in str(info.value)
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["GM9999.gpkg"]


def test_a_batch_lands_together_or_not_at_all(demo, tmp_path):
    """Two stores written in one atomic_batch: when the second fails, the first keeps its old
    content too; when both succeed, both are new."""
    eerste = save_lagen(tmp_path / "a.gpkg", small_layers(demo), small_herkomst())
    voor = eerste.read_bytes()
    with pytest.raises(SchemaError), atomic_batch():
        save_lagen(eerste, {"wijken": demo.wijken}, {"wijken": HERKOMST})
        save_lagen(tmp_path / "b.gpkg", {"buurten": bad_buurten(demo)}, {"buurten": HERKOMST})
    assert eerste.read_bytes() == voor
    assert [p.name for p in tmp_path.iterdir()] == ["a.gpkg"]
    with atomic_batch():
        save_lagen(eerste, {"wijken": demo.wijken}, {"wijken": HERKOMST})
        assert sorted(load_lagen(current_path(eerste))[0]) == ["wijken"]  # readable in the run
        assert sorted(load_lagen(eerste)[0]) == ["buurten", "wijken"]  # not landed yet
        save_lagen(tmp_path / "b.gpkg", {"buurten": demo.buurten}, {"buurten": HERKOMST})
    assert sorted(load_lagen(eerste)[0]) == ["wijken"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.gpkg", "b.gpkg"]


@pytest.mark.skipif(os.name != "posix", reason="whether a process runs is asked on POSIX")
def test_temporary_files_of_a_killed_write_are_removed_by_the_next(demo, tmp_path):
    """What a killed process left beside the store (its temporary store and SQLite journal) is
    removed when the store is written again; a hidden file of someone else stays."""
    import subprocess
    import sys

    dood = subprocess.Popen([sys.executable, "-c", "pass"])
    dood.wait()
    resten = [
        tmp_path / f".GM9999.gpkg.{dood.pid}-abcd1234.gpkg",
        tmp_path / f".GM9999.gpkg.{dood.pid}-abcd1234.gpkg-journal",
    ]
    for pad in resten:
        pad.write_bytes(b"half")
    (tmp_path / ".mijn_notities.gpkg").write_bytes(b"van iemand")
    save_lagen(tmp_path / "GM9999.gpkg", small_layers(demo), small_herkomst())
    assert sorted(p.name for p in tmp_path.iterdir()) == [".mijn_notities.gpkg", "GM9999.gpkg"]


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


# --- provenance: reference date, indeling, sources of a layer -------------------------------


def test_store_written_before_peildatum_still_loads(demo, tmp_path):
    """Metadata of an older store (no peildatum, indeling or delen) loads with those empty."""
    path = tmp_path / "oud.gpkg"
    oud = {"bron": "PDOK", "datum": "2025-03-14", "licentie": "CC BY 4.0", "query": "q"}
    oud["synthetisch"] = "False"
    pyogrio.write_dataframe(
        demo.wijken.reset_index(), path, layer="wijken", driver="GPKG", metadata=oud
    )
    _, herkomst = load_lagen(path)
    assert herkomst["wijken"] == Herkomst("PDOK", "2025-03-14", "CC BY 4.0", query="q")
    assert (herkomst["wijken"].peildatum, herkomst["wijken"].indeling) == ("", "")
    assert herkomst["wijken"].delen == ()


def test_dates_and_sources_of_a_layer_round_trip(demo, tmp_path):
    grenzen = Herkomst(
        "CBS Wijk- en Buurtkaart 2022", "2026-12-02", "CC BY 4.0", peildatum="2022", indeling="2022"
    )
    kern = Herkomst(
        "CBS Kerncijfers 2024", "2026-12-02", "CC BY 4.0", peildatum="2024-01-01", indeling="2024"
    )
    herkomst = combine_herkomst([grenzen, kern])
    path = save_lagen(tmp_path / "GM9999.gpkg", {"buurten": demo.buurten}, {"buurten": herkomst})
    _, terug = load_lagen(path)
    assert terug["buurten"] == herkomst
    assert terug["buurten"].per_bron() == (grenzen, kern)
    meta = pyogrio.read_info(path, layer="buurten")["layer_metadata"]
    assert meta["peildatum"] == "2022; 2024-01-01" and meta["indeling"] == "2022; 2024"


# --- adding a source never silently removes another -------------------------------------------


OSM = Herkomst("OpenStreetMap (poi.geojson)", "2026-12-02", "ODbL 1.0", peildatum="2025")
REGISTER = Herkomst("Register (fictief)", "2025-01-01", "CC0", synthetisch=True, peildatum="2025")


def _twee_bronnen(demo):
    """The demo's facilities split in two sources: the first 20 'OSM', the rest 'register'."""
    voorz = demo.voorzieningen.copy()
    return voorz.iloc[:20], voorz.iloc[20:]


@pytest.fixture
def opslag_met_osm(demo, tmp_path):
    osm, _ = _twee_bronnen(demo)
    path = tmp_path / "GM9999.gpkg"
    save_lagen(path, small_layers(demo), small_herkomst())
    store.update_lagen(path, {"voorzieningen": osm}, {"voorzieningen": OSM})
    return path


def test_adding_a_register_keeps_the_osm_rows(demo, opslag_met_osm):
    osm, register = _twee_bronnen(demo)
    verslag = store.update_lagen(
        opslag_met_osm, {"voorzieningen": register}, {"voorzieningen": REGISTER}
    )
    lagen, herkomst = load_lagen(opslag_met_osm)
    voorz = lagen["voorzieningen"]
    assert len(voorz) == len(demo.voorzieningen)
    assert sorted(voorz.index) == sorted(demo.voorzieningen.index)
    # every row names its source: exactly the bron of its part
    assert (voorz.loc[osm.index, "bron"] == OSM.bron).all()
    assert (voorz.loc[register.index, "bron"] == REGISTER.bron).all()
    assert herkomst["voorzieningen"].per_bron() == (OSM, REGISTER)
    assert herkomst["voorzieningen"].synthetisch  # the layer holds made-up rows ...
    assert not herkomst["wijken"].delen  # ... and the other layers are untouched
    rijen = verslag.tellingen.set_index(["laag", "bron"])
    assert rijen.loc[("voorzieningen", OSM.bron)].tolist() == [20, 20, "behouden"]
    assert rijen.loc[("voorzieningen", REGISTER.bron)].tolist() == [0, len(register), "toegevoegd"]
    assert rijen.loc[("wijken", HERKOMST.bron)].tolist() == [6, 6, "ongewijzigd"]
    assert verslag.pad == opslag_met_osm and Path(verslag) == opslag_met_osm


def test_importing_a_source_again_replaces_only_its_rows(demo, opslag_met_osm):
    _, register = _twee_bronnen(demo)
    store.update_lagen(opslag_met_osm, {"voorzieningen": register}, {"voorzieningen": REGISTER})
    kleiner = register.iloc[:3]  # the register now has three rows
    verslag = store.update_lagen(
        opslag_met_osm, {"voorzieningen": kleiner}, {"voorzieningen": REGISTER}
    )
    voorz = load_lagen(opslag_met_osm)[0]["voorzieningen"]
    assert voorz["bron"].value_counts().to_dict() == {OSM.bron: 20, REGISTER.bron: 3}
    rijen = verslag.tellingen.set_index(["laag", "bron"])
    assert rijen.loc[("voorzieningen", OSM.bron)].tolist() == [20, 20, "behouden"]
    assert rijen.loc[("voorzieningen", REGISTER.bron)].tolist() == [len(register), 3, "vervangen"]


def test_vervang_replaces_the_whole_layer_and_says_so(demo, opslag_met_osm):
    _, register = _twee_bronnen(demo)
    verslag = store.update_lagen(
        opslag_met_osm,
        {"voorzieningen": register},
        {"voorzieningen": REGISTER},
        vervang=["voorzieningen"],
    )
    lagen, herkomst = load_lagen(opslag_met_osm)
    assert sorted(lagen["voorzieningen"].index) == sorted(register.index)
    assert herkomst["voorzieningen"] == REGISTER
    rijen = verslag.tellingen.set_index(["laag", "bron"])
    assert rijen.loc[("voorzieningen", OSM.bron)].tolist() == [20, 0, "weg (laag vervangen)"]
    assert rijen.loc[("voorzieningen", REGISTER.bron)].tolist() == [
        0,
        len(register),
        "laag vervangen",
    ]


def test_layers_of_one_source_are_replaced_whole_and_say_so(demo, opslag_met_osm):
    nieuw = Herkomst("CBS Wijk- en Buurtkaart 2024", "2026-12-02", "CC BY 4.0", indeling="2024")
    verslag = store.update_lagen(
        opslag_met_osm, {"wijken": demo.wijken.iloc[:4]}, {"wijken": nieuw}
    )
    assert len(load_lagen(opslag_met_osm)[0]["wijken"]) == 4
    wijken = verslag.tellingen[verslag.tellingen["laag"] == "wijken"]
    assert wijken[["bron", "voor", "na", "actie"]].to_dict("records") == [
        {"bron": HERKOMST.bron, "voor": 6, "na": 0, "actie": "weg (laag vervangen)"},
        {"bron": nieuw.bron, "voor": 0, "na": 4, "actie": "laag vervangen"},
    ]


def test_same_id_in_a_kept_and_a_new_source_writes_nothing(demo, opslag_met_osm):
    osm, _ = _twee_bronnen(demo)
    voor = opslag_met_osm.read_bytes()
    with pytest.raises(StoreError, match=r"dezelfde id .*--vervang voorzieningen"):
        store.update_lagen(opslag_met_osm, {"voorzieningen": osm}, {"voorzieningen": REGISTER})
    assert opslag_met_osm.read_bytes() == voor


def test_vervang_of_a_layer_not_given_writes_nothing(demo, opslag_met_osm):
    voor = opslag_met_osm.read_bytes()
    with pytest.raises(StoreError, match="Vervangen gevraagd voor laag netwerk"):
        store.update_lagen(
            opslag_met_osm, {"wijken": demo.wijken}, {"wijken": HERKOMST}, vervang=["netwerk"]
        )
    assert opslag_met_osm.read_bytes() == voor


def test_a_second_source_of_the_same_kind_is_kept_and_said(demo, opslag_met_osm, caplog):
    """A newer OSM file beside the older one: both stay (nothing is removed silently), and the
    log says how to replace the old one."""
    _, nieuw = _twee_bronnen(demo)
    nieuwer = Herkomst("OpenStreetMap (poi_2026.geojson)", "2026-12-02", "ODbL 1.0")
    with caplog.at_level("WARNING", logger="gebiedsplan.store"):
        verslag = store.update_lagen(
            opslag_met_osm, {"voorzieningen": nieuw}, {"voorzieningen": nieuwer}
        )
    assert "de rijen van OpenStreetMap (poi.geojson) blijven staan" in caplog.text
    assert "--vervang voorzieningen" in caplog.text
    acties = verslag.tellingen.set_index("bron")["actie"]
    assert (acties[OSM.bron], acties[nieuwer.bron]) == ("behouden", "toegevoegd")
