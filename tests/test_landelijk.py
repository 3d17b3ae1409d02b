"""National runs (gebiedsplan.landelijk): the synthetic country, partitions with their border
buffer, the run on Dask, the flags where the buffer cuts an answer, and ``gebiedsplan landelijk``.

The reference is the whole-country run (one partition holding everything) and, below it, the
engine's own analysis (``compute_bereikbaarheid``) on the whole national network. Nothing is
timed here (benchmarks/bench_landelijk.py does that).
"""

from __future__ import annotations

import dataclasses
import re
import subprocess
import sys

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely
from typer.testing import CliRunner

from gebiedsplan.analyse.bereikbaarheid import aggregate_bereikbaarheid, compute_bereikbaarheid
from gebiedsplan.catalogus import load_catalogus
from gebiedsplan.cli import app
from gebiedsplan.errors import GebiedsplanError
from gebiedsplan.landelijk.land import build_land, read_land, write_land
from gebiedsplan.landelijk.partities import (
    build_verdeling,
    load_verdeling,
    per_gemeente,
    rand_afstand_m,
    select_partitie,
)
from gebiedsplan.landelijk.rekenen import Instellingen
from gebiedsplan.landelijk.uitvoeren import instellingen_voor, run_landelijk, write_landelijk
from gebiedsplan.netwerk.graaf import compile_arrays

distributed = pytest.importorskip("distributed")

CATEGORIEEN = list(load_catalogus().normen)
runner = CliRunner()


@pytest.fixture(scope="module")
def land():
    """Six gemeenten of 3 x 3 km, streets every 100 m: about 5,500 nodes and 4,400 addresses."""
    return build_land(2, 3, gemeente_m=3000, straat_m=100, seed=7)


@pytest.fixture(scope="module")
def inst():
    return instellingen_voor(per_vraagpunt=True)


@pytest.fixture(scope="module")
def heel(land, inst):
    """The whole-country run: one partition with everything."""
    return run_landelijk(land, instellingen=inst, heel=True, workers=0)


@pytest.fixture(scope="module")
def gedeeld(land, inst):
    """Partitioned per gemeente, in this process (no Dask)."""
    return run_landelijk(land, instellingen=inst, workers=0)


def _kolommen(cat: str, inst: Instellingen) -> list[str]:
    return [f"afstand_{cat}_m", f"binnen_norm_{cat}"] + [
        f"aantal_{cat}_{r:g}m" for r in inst.stralen_m
    ]


# ------------------------------------------------------------------------------ synthetic country


def test_land_has_cbs_codes_nested_and_residents_in_their_buurt(land):
    assert len(land.gemeenten) == 6 and len(land.wijken) == 24 and len(land.buurten) == 96
    assert all(re.fullmatch(r"GM\d{4}", c) for c in land.gemeenten.index)
    assert all(re.fullmatch(r"WK\d{6}", c) for c in land.wijken.index)
    assert all(re.fullmatch(r"BU\d{8}", c) for c in land.buurten.index)
    assert (land.buurten["wijkcode"].str[2:8] == land.buurten.index.str[2:8]).all()
    vp = land.vraagpunten
    vlak = land.buurten.geometry.reindex(vp["buurtcode"].astype(str)).to_numpy()
    punten = shapely.points(vp[["x", "y"]].to_numpy())
    assert shapely.covers(vlak, punten).all()
    assert (
        vp["wijkcode"].astype(str) == vp["buurtcode"].astype(str).str[:8].str.replace("BU", "WK")
    ).all()
    # flats: several addresses at one spot, so origins can be deduplicated
    assert vp.duplicated(["x", "y"]).sum() > 100
    assert set(land.voorzieningen["categorie"]) == set(CATEGORIEEN)


def test_land_has_facilities_just_across_borders(land):
    x0 = land.gemeenten.total_bounds[0]
    x = land.voorzieningen["x"].to_numpy()
    grens = x0 + 3000.0
    assert ((np.abs(x - grens) < 150) & (x > grens)).sum() >= 1
    assert ((np.abs(x - grens) < 150) & (x < grens)).sum() >= 1


def test_land_is_deterministic_and_refuses_impossible_sizes():
    a = build_land(1, 2, gemeente_m=2000, straat_m=100, seed=3)
    b = build_land(1, 2, gemeente_m=2000, straat_m=100, seed=3)
    c = build_land(1, 2, gemeente_m=2000, straat_m=100, seed=4)
    assert np.array_equal(a.knoop_xy, b.knoop_xy) and a.voorzieningen.equals(b.voorzieningen)
    assert not np.array_equal(a.knoop_xy, c.knoop_xy)
    with pytest.raises(GebiedsplanError, match="1 tot 1998 gemeenten"):
        build_land(0, 2)
    with pytest.raises(GebiedsplanError, match="straat_m"):
        build_land(1, 1, gemeente_m=1000, straat_m=400)


# ------------------------------------------------------------------------------ partitions


def test_partition_holds_every_street_and_facility_its_buffer_needs(land):
    """Brute force over all streets: every street within B + 2 x snap of the gemeente and every
    facility within B + snap of it is in the partition (the margins of partities.py)."""
    v = build_verdeling(land)
    B, s = 800.0, 250.0
    for p in per_gemeente(v, ["GM8001", "GM8005"]):
        sel = select_partitie(v, p, buffer_m=B, max_snap_m=s)
        vlak = p.geometrie
        lijnen = shapely.linestrings(
            np.stack([v.knoop_xy[v.kant_van], v.knoop_xy[v.kant_naar]], axis=1)
        )
        nodig = np.flatnonzero(shapely.dwithin(lijnen, vlak, B + 2 * s))
        assert np.isin(nodig, sel.kanten).all()
        assert len(sel.kanten) < len(v.kant_van)  # a partition, not the country
        vz_nodig = np.flatnonzero(shapely.dwithin(shapely.points(v.vz_xy), vlak, B + s))
        assert np.isin(vz_nodig, sel.voorzieningen).all()
        gm = list(v.gemeente_codes).index(p.naam)
        assert len(sel.vraagpunten) == v.vp_gm_ptr[gm + 1] - v.vp_gm_ptr[gm]
        assert (np.diff(v.vp_id[sel.vraagpunten]) > 0).all()  # national order


def test_rand_afstand_is_a_lower_bound_of_the_distance_to_the_buffer_edge():
    vlak = shapely.Polygon([(0, 0), (3000, 0), (3000, 1000), (1000, 1000), (1000, 3000), (0, 3000)])
    rng = np.random.default_rng(0)
    xy = rng.uniform(-500, 3500, (300, 2))
    rand = rand_afstand_m(vlak, xy, buffer_m=2000)
    # shapely's buffer cuts its round corners by at most 2000 * (1 - cos(pi / 256)) = 0.15 m
    echte_rand = shapely.boundary(shapely.buffer(vlak, 2000, quad_segs=64))
    echt = shapely.distance(shapely.points(xy), echte_rand)
    assert (rand <= echt + 0.2).all()
    assert (
        rand > echt - 1
    ).sum() > 100  # and a close one: equal where the nearest edge is straight


# ------------------------------------------------------------------------------ the same answer


def test_whole_country_run_equals_the_engine_on_the_whole_network(land, heel, inst):
    """One partition with everything gives what compute_bereikbaarheid gives on the national
    network for every address (after deduplicating the spots), to the last bit."""
    net = compile_arrays(land.knoop_xy, land.kant_van, land.kant_naar, land.kant_lengte_m)
    vp = land.vraagpunten
    vraag = gpd.GeoDataFrame(
        {"inwoners": vp["inwoners"]},
        geometry=shapely.points(vp[["x", "y"]].to_numpy()),
        crs="EPSG:28992",
    )
    vz = land.voorzieningen
    vzg = gpd.GeoDataFrame(
        {"categorie": vz["categorie"].astype(str)},
        geometry=shapely.points(vz[["x", "y"]].to_numpy()),
        crs="EPSG:28992",
    )
    ref = compute_bereikbaarheid(
        vraag, vzg, net, inst.normen, stralen_m=inst.stralen_m, min_aandeel_netwerkdeel=0.0
    )
    ons = heel.vraagpunten
    assert ons.index.tolist() == list(range(len(vp)))
    for cat in CATEGORIEEN:
        for k in _kolommen(cat, inst):
            pd.testing.assert_series_equal(
                ons[k], ref[k].set_axis(ons.index), check_exact=True, check_names=False
            )
    assert (ons["los_van_netwerk"] == ref["los_van_netwerk"].to_numpy()).all()


def test_national_tables_are_the_analysis_aggregates_plus_counts_and_flags(heel, land, inst):
    """aggregate_landelijk gives aggregate_bereikbaarheid's figures, to the last bit."""
    vraag = heel.vraagpunten
    for groep, tabel in (("buurtcode", heel.buurten), ("gemeentecode", heel.gemeenten)):
        ref = aggregate_bereikbaarheid(vraag, vraag, groep=groep)
        pd.testing.assert_frame_equal(tabel[ref.columns], ref, check_exact=True)
        assert tabel.index.names == [groep, "categorie"]
    # the mean count by hand for one buurt
    buurt = vraag["buurtcode"].iloc[0]
    deel = vraag[(vraag["buurtcode"] == buurt) & vraag["geanalyseerd"]]
    verwacht = (deel["inwoners"] * deel["aantal_huisarts_1000m"]).sum() / deel["inwoners"].sum()
    assert heel.buurten.loc[(buurt, "huisarts"), "gem_aantal_1000m"] == pytest.approx(verwacht)
    buiten = deel.loc[deel["buiten_buffer_bibliotheek"], "inwoners"].sum()
    assert heel.buurten.loc[(buurt, "bibliotheek"), "inwoners_buiten_buffer"] == buiten


def _vergelijk_met_heel(uitslag, heel, inst, *, schone_gebieden: bool = True) -> int:
    """Per resident: unflagged answers equal the whole-country run exactly; flagged distances
    are upper bounds. Per area: tables equal where no resident is flagged. Returns how many
    resident answers differ from the whole-country run."""
    p, h = uitslag.vraagpunten, heel.vraagpunten
    assert p.index.equals(h.index)
    for k in ("los_van_netwerk", "klein_netwerkdeel", "geanalyseerd", "snap_afstand_m"):
        pd.testing.assert_series_equal(p[k], h[k], check_exact=True)
    verschil = 0
    for cat in inst.categorieen:
        vlag = p[f"buiten_buffer_{cat}"].to_numpy(dtype=bool)
        for k in _kolommen(cat, inst):
            a, b = p[k], h[k]
            gelijk = (a == b).fillna(False).to_numpy(dtype=bool) | (a.isna() & b.isna()).to_numpy()
            assert gelijk[~vlag].all(), (cat, k, p.index[~vlag & ~gelijk][:5].tolist())
            verschil += int((~gelijk).sum())
        a = p[f"afstand_{cat}_m"].to_numpy()
        b = h[f"afstand_{cat}_m"].to_numpy()
        gevonden = vlag & ~np.isnan(a)
        assert (a[gevonden] >= b[gevonden]).all()
    for niveau in ("buurten", "wijken", "gemeenten"):
        tp, th = uitslag.tabel(niveau), heel.tabel(niveau)
        assert tp.index.equals(th.index)
        schoon = tp["inwoners_buiten_buffer"].eq(0).to_numpy()
        assert schoon.sum() > 0 or not schone_gebieden
        pd.testing.assert_frame_equal(tp[schoon], th[schoon], check_exact=True)
        if inst.buffer_m >= max(inst.normen[c].max_afstand_m for c in inst.categorieen):
            # whether a resident is within the norm is exact everywhere, flagged or not
            pd.testing.assert_series_equal(tp["aandeel_binnen_norm"], th["aandeel_binnen_norm"])
    return verschil


def test_partitioned_in_process_equals_whole(gedeeld, heel, inst):
    _vergelijk_met_heel(gedeeld, heel, inst)
    assert len(gedeeld.partities) == 6
    # every resident in exactly one partition
    assert gedeeld.partities["vraagpunten"].sum() == len(heel.vraagpunten)
    # deduplicated spots: fewer searches than addresses
    assert (gedeeld.partities["plekken"] < gedeeld.partities["vraagpunten"]).all()


@pytest.mark.parametrize("n_workers", [1, 2, 4])
def test_partitioned_on_dask_equals_whole_for_any_number_of_workers(
    land, inst, heel, gedeeld, n_workers
):
    with (
        distributed.LocalCluster(
            n_workers=n_workers, threads_per_worker=1, processes=False, dashboard_address=":0"
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        uitslag = run_landelijk(land, instellingen=inst, client=client)
        # workers on this machine map the arrays from files; the workers' cache is emptied
        assert client.run(lambda: load_verdeling.cache_info().currsize) == dict.fromkeys(
            client.scheduler_info()["workers"], 0
        )
    assert uitslag.workers == n_workers
    _vergelijk_met_heel(uitslag, heel, inst)
    for niveau in ("buurten", "wijken", "gemeenten"):
        pd.testing.assert_frame_equal(
            uitslag.tabel(niveau), gedeeld.tabel(niveau), check_exact=True
        )
    pd.testing.assert_frame_equal(uitslag.vraagpunten, gedeeld.vraagpunten, check_exact=True)


def test_workers_on_other_machines_get_the_arrays_sent(land, inst, gedeeld, monkeypatch):
    """No shared files for workers elsewhere: the arrays are scattered, same tables."""
    from gebiedsplan.landelijk import uitvoeren

    monkeypatch.setattr(uitvoeren, "_alle_workers_hier", lambda client: False)
    monkeypatch.setattr(uitvoeren, "save_verdeling", None)  # would fail if used
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0"
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        uitslag = run_landelijk(land, instellingen=inst, client=client)
    for niveau in ("buurten", "wijken", "gemeenten"):
        pd.testing.assert_frame_equal(
            uitslag.tabel(niveau), gedeeld.tabel(niveau), check_exact=True
        )


def test_a_small_buffer_flags_exactly_the_answers_it_could_cut(land):
    """With a 1 km buffer partitions miss facilities: those answers differ from the whole
    country, and every one of them is flagged; the flags are exactly the residents whose true
    distance reaches the buffer edge, or whose count radius does."""
    inst = instellingen_voor(buffer_m=1000, min_netwerkdeel_m=400, per_vraagpunt=True)
    heel = run_landelijk(land, instellingen=inst, heel=True, workers=0)
    klein = run_landelijk(land, instellingen=inst, workers=0)
    assert _vergelijk_met_heel(klein, heel, inst) > 0  # the buffer does cut answers
    p, h = klein.vraagpunten, heel.vraagpunten
    rand = p["rand_afstand_m"].to_numpy()
    geanalyseerd = p["geanalyseerd"].to_numpy(dtype=bool)
    for cat in inst.categorieen:
        echt = h[f"afstand_{cat}_m"].to_numpy()
        with np.errstate(invalid="ignore"):
            verwacht = geanalyseerd & (~(echt < rand) | (max(inst.stralen_m) >= rand))
        assert np.array_equal(p[f"buiten_buffer_{cat}"].to_numpy(dtype=bool), verwacht), cat
    assert (p["buiten_buffer"] == p.filter(like="buiten_buffer_").any(axis=1)).all()


def test_residents_far_from_the_only_library_are_flagged_not_wrong(land):
    """One library in the whole country, in the corner of GM8001: in the partitions of the
    far gemeenten it is out of reach, so their residents are flagged (and counted per
    area), while the whole-country run finds it."""
    vz = land.voorzieningen
    bieb = vz[vz["categorie"] == "bibliotheek"]
    x0, y0 = land.gemeenten.total_bounds[:2]
    hoek = np.hypot(bieb["x"] - x0, bieb["y"] - y0).idxmin()
    enig = vz[(vz["categorie"] != "bibliotheek") | (vz.index == hoek)].reset_index(drop=True)
    from dataclasses import replace

    land1 = replace(land, voorzieningen=enig)
    inst = instellingen_voor(categorieen=["bibliotheek"], per_vraagpunt=True)
    heel = run_landelijk(land1, instellingen=inst, heel=True, workers=0)
    deel = run_landelijk(land1, instellingen=inst, workers=0)
    ver = deel.vraagpunten["gemeentecode"] == "GM8006"  # the opposite corner
    assert ver.sum() > 0
    assert deel.vraagpunten.loc[ver, "afstand_bibliotheek_m"].isna().all()
    assert heel.vraagpunten.loc[ver, "afstand_bibliotheek_m"].notna().all()
    geanalyseerd = deel.vraagpunten.loc[ver, "geanalyseerd"]
    assert deel.vraagpunten.loc[ver, "buiten_buffer_bibliotheek"].eq(geanalyseerd).all()
    rij = deel.gemeenten.loc[("GM8006", "bibliotheek")]
    assert rij["inwoners_buiten_buffer"] == rij["inwoners_geanalyseerd"] > 0
    _vergelijk_met_heel(deel, heel, inst, schone_gebieden=False)


def test_small_pieces_of_network_are_small_in_every_partitioning(land):
    """Two islands of street west of the country, with residents of GM8001: one of 300 m
    (a small piece: not analysed) and one of 1,200 m (analysed, reaching no facility: flagged,
    since a partition cannot know that nothing lies beyond its buffer)."""
    from dataclasses import replace

    x0, y0 = land.gemeenten.total_bounds[:2]
    n = land.n_knopen
    eiland = np.array(
        [[x0 - 400, y0 + 500], [x0 - 400, y0 + 650], [x0 - 400, y0 + 800]]
        + [[x0 - 400, y0 + 1500 + 300 * k] for k in range(5)]
    )
    van = np.array([n, n + 1, n + 3, n + 4, n + 5, n + 6])
    naar = van + 1
    bewoners = pd.DataFrame(
        {
            "x": [x0 - 420.0] * 4,
            "y": [y0 + 600.0, y0 + 700.0, y0 + 1700.0, y0 + 2500.0],
            "inwoners": [2, 3, 4, 5],
            "buurtcode": "BU80010101",
            "wijkcode": "WK800101",
            "gemeentecode": "GM8001",
        }
    )
    vp = pd.concat(
        [
            land.vraagpunten.astype({"buurtcode": str, "wijkcode": str, "gemeentecode": str}),
            bewoners,
        ],
        ignore_index=True,
    )
    land2 = replace(
        land,
        knoop_xy=np.concatenate([land.knoop_xy, eiland]),
        kant_van=np.concatenate([land.kant_van, van]),
        kant_naar=np.concatenate([land.kant_naar, naar]),
        kant_lengte_m=np.concatenate(
            [land.kant_lengte_m, [150.0, 150.0, 300.0, 300.0, 300.0, 300.0]]
        ),
        vraagpunten=vp,
    )
    inst = instellingen_voor(categorieen=["huisarts"], per_vraagpunt=True)
    heel = run_landelijk(land2, instellingen=inst, heel=True, workers=0)
    deel = run_landelijk(land2, instellingen=inst, workers=0)
    _vergelijk_met_heel(deel, heel, inst)
    nieuw = deel.vraagpunten.iloc[-4:]
    assert nieuw["klein_netwerkdeel"].tolist() == [True, True, False, False]
    assert nieuw["geanalyseerd"].tolist() == [False, False, True, True]
    assert nieuw["afstand_huisarts_m"].isna().all()
    assert nieuw["buiten_buffer_huisarts"].tolist() == [False, False, True, True]
    rij = deel.buurten.loc[("BU80010101", "huisarts")]
    assert rij["inwoners_klein_netwerkdeel"] == 5


def test_options_a_partition_cannot_answer_are_refused():
    with pytest.raises(GebiedsplanError, match="Grensbuffer 600 m is te klein"):
        instellingen_voor(buffer_m=600)
    with pytest.raises(GebiedsplanError, match="Geen norm voor categorie zwembad"):
        instellingen_voor(categorieen=["zwembad"])


def test_unknown_gemeente_is_named(land):
    with pytest.raises(GebiedsplanError, match="GM0363"):
        run_landelijk(land, gemeenten=["GM0363"], workers=0)


# ------------------------------------------------------------------------------ output and CLI


def test_a_country_read_from_a_file_gives_the_same_tables(tmp_path, land, gedeeld, monkeypatch):
    """The file route (--invoer): write_land, then ``gebiedsplan landelijk --invoer``."""
    pad = write_land(land, tmp_path / "land.gpkg")
    terug = read_land(pad)
    assert terug.synthetisch and "synthetisch land" in terug.bron
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(
        app, ["landelijk", "--invoer", str(pad), "--workers", "0", "--uitvoer", "uit"]
    )
    assert result.exit_code == 0, result.output
    buurten = pd.read_parquet(tmp_path / "uit" / "landelijk_buurten.parquet")
    pd.testing.assert_frame_equal(
        buurten.set_index(["buurtcode", "categorie"]), gedeeld.buurten, check_exact=True
    )


def test_addresses_without_buurtcode_get_the_buurt_they_lie_in(tmp_path):
    klein = build_land(1, 2, gemeente_m=2000, straat_m=100)
    pad = write_land(klein, tmp_path / "land.gpkg")
    adressen = gpd.read_file(pad, layer="vraagpunten")
    adressen.drop(columns=["buurtcode", "wijkcode", "gemeentecode"]).to_file(
        pad, layer="vraagpunten", driver="GPKG"
    )
    terug = read_land(pad)
    assert terug.vraagpunten["buurtcode"].astype(str).tolist() == (
        klein.vraagpunten["buurtcode"].astype(str).tolist()
    )
    assert (
        terug.vraagpunten["gemeentecode"] == klein.vraagpunten["gemeentecode"].astype(str)
    ).all()
    with pytest.raises(GebiedsplanError, match="laag wegen ontbreekt"):
        leeg = tmp_path / "zonder_wegen.gpkg"
        adressen.to_file(leeg, layer="vraagpunten", driver="GPKG")
        read_land(leeg)


def test_write_landelijk_geopackage_and_parquet(tmp_path, land, gedeeld):
    paden = write_landelijk(gedeeld, land, tmp_path)
    namen = {p.name for p in paden}
    assert {"landelijk.gpkg", "landelijk_buurten.parquet", "landelijk_vraagpunten.parquet"} <= namen
    lagen = dict(pyogrio.list_layers(tmp_path / "landelijk.gpkg"))
    assert set(lagen) == {"buurten", "wijken", "gemeenten"}
    buurten = gpd.read_file(tmp_path / "landelijk.gpkg", layer="buurten")
    assert len(buurten) == 96 and buurten.crs.to_epsg() == 28992
    assert {
        "gem_afstand_huisarts_m",
        "gem_aantal_huisarts_1000m",
        "inwoners_buiten_buffer_bibliotheek",
    } <= set(buurten.columns)
    meta = pyogrio.read_info(tmp_path / "landelijk.gpkg", layer="gemeenten")["layer_metadata"]
    assert meta["synthetisch"] == "ja" and meta["grensbuffer_m"] == "2000"
    lang = pd.read_parquet(tmp_path / "landelijk_wijken.parquet")
    assert len(lang) == 24 * len(CATEGORIEEN)
    terug = lang.set_index(["wijkcode", "categorie"])
    pd.testing.assert_frame_equal(terug, gedeeld.wijken, check_exact=True)


def test_a_category_without_any_facility_is_left_out_not_a_gap(land, tmp_path):
    """An empty layer says nothing about the residents: no rows of zeros, but named."""
    zonder = dataclasses.replace(
        land, voorzieningen=land.voorzieningen[land.voorzieningen["categorie"] != "huisarts"]
    )
    meldingen: list[str] = []
    inst = instellingen_voor(categorieen=["huisarts", "bibliotheek"])
    res = run_landelijk(zonder, instellingen=inst, workers=0, melding=meldingen.append)
    assert res.niet_berekend == ("huisarts",)
    assert set(res.gemeenten.index.get_level_values("categorie")) == {"bibliotheek"}
    assert any("Niet berekend: huisarts" in m and "geen hiaat" in m for m in meldingen)
    write_landelijk(res, zonder, tmp_path)
    meta = pyogrio.read_info(tmp_path / "landelijk.gpkg", layer="buurten")["layer_metadata"]
    assert meta["niet_berekend"].startswith("huisarts (geen enkele voorziening")
    with pytest.raises(GebiedsplanError, match="geen enkele voorziening van huisarts"):
        run_landelijk(zonder, instellingen=instellingen_voor(categorieen=["huisarts"]), workers=0)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="VmHWM is Linux")
def test_worker_peak_memory_is_its_own_not_its_parents():
    """A worker started by a process that once held a lot must not report that peak."""
    kind = (
        "import resource; from gebiedsplan.landelijk.rekenen import piek_mb; "
        "print(piek_mb(), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)"
    )
    ouder = (
        "import os, sys; import numpy as np; a = np.ones(400 * 2**20 // 8); "
        f"os.execv(sys.executable, [sys.executable, '-c', {kind!r}])"
    )
    uit = subprocess.run(
        [sys.executable, "-c", ouder], capture_output=True, text=True, check=True
    ).stdout.split()
    eigen, geerfd = float(uit[0]), float(uit[1])
    assert geerfd > 400 > eigen


def test_cli_landelijk_on_an_existing_scheduler(tmp_path, monkeypatch):
    """``gebiedsplan landelijk --scheduler`` against a LocalCluster started here: the tables
    equal a run in this process."""
    monkeypatch.chdir(tmp_path)
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0"
    ) as cluster:
        result = runner.invoke(
            app,
            [
                "landelijk",
                "--synthetisch",
                "2",
                "--categorieen",
                "huisarts,bibliotheek",
                "--scheduler",
                cluster.scheduler_address,
                "--uitvoer",
                "uit",
            ],
        )
    assert result.exit_code == 0, result.output
    tekst = " ".join(result.output.split())
    assert "2 workers" in tekst and "4 partities" in tekst and "synthetisch" in tekst
    assert (tmp_path / "uit" / "landelijk.gpkg").is_file()
    gemeenten = pd.read_parquet(tmp_path / "uit" / "landelijk_gemeenten.parquet")
    land = build_land(2, 2)
    ref = run_landelijk(
        land, instellingen=instellingen_voor(categorieen=["huisarts", "bibliotheek"]), workers=0
    )
    pd.testing.assert_frame_equal(
        gemeenten.set_index(["gemeentecode", "categorie"]), ref.gemeenten, check_exact=True
    )


def test_cli_landelijk_refuses_in_dutch(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["landelijk"])
    assert result.exit_code == 1
    assert "--synthetisch" in result.output and "--invoer" in result.output
    result = runner.invoke(app, ["landelijk", "--synthetisch", "2", "--categorieen", "zwembad"])
    assert result.exit_code == 1 and "Geen norm voor categorie zwembad" in result.output
    monkeypatch.setattr("gebiedsplan.landelijk.uitvoeren.VERBINDEN_S", 1)
    result = runner.invoke(
        app, ["landelijk", "--synthetisch", "1", "--scheduler", "tcp://127.0.0.1:9"]
    )
    tekst = " ".join(result.output.split())
    assert result.exit_code == 1, tekst
    assert "Geen Dask-scheduler bereikbaar op tcp://127.0.0.1:9" in tekst
    assert "Timed out" not in tekst and "Traceback" not in tekst


# ------------------------------------------------------------------------------ curved streets


@pytest.fixture(scope="module")
def krom_land():
    """The country of ``land`` with every street bent (one shape point each), plus a hairpin:
    a street from two crossings in GM8003 that bends 6 km west into GM8001 and back, with a
    resident and a library beside its tip. Its ends lie far outside GM8001's buffer; only its
    line comes near: a partition that chose streets by their ends would miss it."""
    from dataclasses import replace

    krom = build_land(2, 3, gemeente_m=3000, straat_m=100, seed=7, bochten=True)
    x0, y0 = krom.gemeenten.total_bounds[:2]
    xy = krom.knoop_xy
    a = int(np.argmin(np.hypot(xy[:, 0] - (x0 + 7000), xy[:, 1] - (y0 + 1400))))
    b = int(np.argmin(np.hypot(xy[:, 0] - (x0 + 7000), xy[:, 1] - (y0 + 1600))))
    tip = np.array([[x0 + 520.0, y0 + 1450.0], [x0 + 520.0, y0 + 1550.0]])
    lijn = shapely.LineString(np.vstack([xy[a], tip, xy[b]]))
    assert krom.kant_vorm_ptr is not None and krom.kant_vorm_xy is not None
    vp = krom.vraagpunten.astype({"buurtcode": str, "wijkcode": str, "gemeentecode": str})
    bij_tip = pd.DataFrame(
        {
            "x": [x0 + 519.0],
            "y": [y0 + 1480.0],
            "inwoners": [7],
            "buurtcode": "BU80010101",
            "wijkcode": "WK800101",
            "gemeentecode": "GM8001",
        }
    )
    vz = krom.voorzieningen.astype({"categorie": str})
    bieb = pd.DataFrame(
        {"x": [x0 + 521.5], "y": [y0 + 1530.0], "categorie": ["bibliotheek"], "naam": ["tip"]}
    )
    return replace(
        krom,
        kant_van=np.append(krom.kant_van, a),
        kant_naar=np.append(krom.kant_naar, b),
        kant_lengte_m=np.append(krom.kant_lengte_m, lijn.length),
        kant_vorm_ptr=np.append(krom.kant_vorm_ptr, krom.kant_vorm_ptr[-1] + 2),
        kant_vorm_xy=np.vstack([krom.kant_vorm_xy, tip]),
        vraagpunten=pd.concat([vp, bij_tip], ignore_index=True),
        voorzieningen=pd.concat([vz, bieb], ignore_index=True).astype({"categorie": "category"}),
    )


@pytest.fixture(scope="module")
def krom_heel(krom_land, inst):
    return run_landelijk(krom_land, instellingen=inst, heel=True, workers=0)


def test_bent_streets_are_as_long_as_their_lines_and_change_the_snapping(land, heel, krom_land):
    from gebiedsplan.landelijk.land import kant_lijnen, lijn_lengte_m

    m = len(land.kant_van)
    assert krom_land.n_vormpunten == m + 2
    lijnen = kant_lijnen(
        krom_land.knoop_xy,
        krom_land.kant_van,
        krom_land.kant_naar,
        krom_land.kant_vorm_ptr,
        krom_land.kant_vorm_xy,
    )
    np.testing.assert_allclose(shapely.length(lijnen), krom_land.kant_lengte_m, rtol=1e-12)
    np.testing.assert_allclose(
        lijn_lengte_m(
            krom_land.knoop_xy,
            krom_land.kant_van,
            krom_land.kant_naar,
            krom_land.kant_vorm_ptr,
            krom_land.kant_vorm_xy,
        ),
        shapely.length(lijnen),
        rtol=1e-12,
    )
    # the same streets and people as the straight country: only the lines differ
    np.testing.assert_array_equal(krom_land.kant_lengte_m[:m], land.kant_lengte_m)
    pd.testing.assert_frame_equal(
        krom_land.vraagpunten.iloc[: len(land.vraagpunten)][["x", "y", "inwoners"]],
        land.vraagpunten[["x", "y", "inwoners"]],
    )


def test_partition_holds_every_curved_street_its_buffer_needs(krom_land):
    """Brute force over the real lines: every street whose line comes within B + 2 x snap of
    the gemeente is in the partition, the hairpin too (its ends are 6 km away)."""
    from gebiedsplan.landelijk.land import kant_lijnen

    v = build_verdeling(krom_land)
    B, s = 800.0, 250.0
    lijnen = kant_lijnen(v.knoop_xy, v.kant_van, v.kant_naar, v.kant_vorm_ptr, v.kant_vorm_xy)
    haarspeld = int(np.argmax(v.kant_lengte_m))
    assert v.kant_lengte_m[haarspeld] > 12_000
    for p in per_gemeente(v, ["GM8001", "GM8002", "GM8005"]):
        sel = select_partitie(v, p, buffer_m=B, max_snap_m=s)
        vlak = p.geometrie
        nodig = np.flatnonzero(shapely.dwithin(lijnen, vlak, B + 2 * s))
        assert np.isin(nodig, sel.kanten).all()
        assert len(sel.kanten) < len(v.kant_van)
        einden = shapely.points(v.knoop_xy[[v.kant_van[haarspeld], v.kant_naar[haarspeld]]])
        if p.naam == "GM8001":
            assert haarspeld in nodig and haarspeld in sel.kanten
            assert (shapely.distance(einden, vlak) > B + 2 * s + 2500).all()


def test_snapping_onto_curves_equals_the_engine_on_the_same_lines(krom_land, krom_heel, heel, inst):
    """The whole-country run on curved streets gives what a gemeente's own analysis gives:
    compile_netwerk on the same LineStrings, connect_points through compute_bereikbaarheid,
    for every address, to the last bit."""
    from gebiedsplan.landelijk.land import kant_lijnen
    from gebiedsplan.netwerk.graaf import compile_netwerk

    k = krom_land
    netwerk = gpd.GeoDataFrame(
        {"van_knoop": k.kant_van, "naar_knoop": k.kant_naar, "lengte_m": k.kant_lengte_m},
        geometry=kant_lijnen(k.knoop_xy, k.kant_van, k.kant_naar, k.kant_vorm_ptr, k.kant_vorm_xy),
        crs="EPSG:28992",
    )
    vp, vz = k.vraagpunten, k.voorzieningen
    vraag = gpd.GeoDataFrame(
        {"inwoners": vp["inwoners"]},
        geometry=shapely.points(vp[["x", "y"]].to_numpy()),
        crs="EPSG:28992",
    )
    vzg = gpd.GeoDataFrame(
        {"categorie": vz["categorie"].astype(str)},
        geometry=shapely.points(vz[["x", "y"]].to_numpy()),
        crs="EPSG:28992",
    )
    ref = compute_bereikbaarheid(
        vraag,
        vzg,
        compile_netwerk(netwerk),
        inst.normen,
        stralen_m=inst.stralen_m,
        min_aandeel_netwerkdeel=0.0,
    )
    ons = krom_heel.vraagpunten
    assert ons.index.tolist() == list(range(len(vp)))
    for kolom in ("snap_afstand_m", "los_van_netwerk"):
        np.testing.assert_array_equal(ons[kolom].to_numpy(), ref[kolom].to_numpy())
    for cat in CATEGORIEEN:
        for kolom in _kolommen(cat, inst):
            pd.testing.assert_series_equal(
                ons[kolom], ref[kolom].set_axis(ons.index), check_exact=True, check_names=False
            )
    # teeth: the bends move many residents' snaps, and the one at the hairpin's tip walks
    # along it to the library 50 m on
    recht = heel.vraagpunten["snap_afstand_m"].to_numpy()
    krom = ons["snap_afstand_m"].to_numpy()[: len(recht)]
    assert (np.abs(krom - recht) > 1.0).mean() > 0.3
    tip = ons.iloc[-1]
    assert tip["snap_afstand_m"] == pytest.approx(1.0, abs=0.01)
    assert 50 < tip["afstand_bibliotheek_m"] < 56 and not tip["buiten_buffer_bibliotheek"]


def test_curved_partitioned_equals_whole_in_process_and_on_dask(krom_land, krom_heel, inst):
    deel = run_landelijk(krom_land, instellingen=inst, workers=0)
    _vergelijk_met_heel(deel, krom_heel, inst)
    tip = deel.vraagpunten.iloc[-1]
    assert 50 < tip["afstand_bibliotheek_m"] < 56 and not tip["buiten_buffer_bibliotheek"]
    for n_workers in (1, 2):
        with (
            distributed.LocalCluster(
                n_workers=n_workers, threads_per_worker=1, processes=False, dashboard_address=":0"
            ) as cluster,
            distributed.Client(cluster) as client,
        ):
            uitslag = run_landelijk(krom_land, instellingen=inst, client=client)
        assert uitslag.workers == n_workers
        pd.testing.assert_frame_equal(uitslag.vraagpunten, deel.vraagpunten, check_exact=True)
        for niveau in ("buurten", "wijken", "gemeenten"):
            pd.testing.assert_frame_equal(
                uitslag.tabel(niveau), deel.tabel(niveau), check_exact=True
            )


def test_write_and_read_land_keep_the_shapes(tmp_path, krom_land, krom_heel, inst):
    terug = read_land(write_land(krom_land, tmp_path / "krom.gpkg"))
    assert terug.kant_vorm_ptr is not None and terug.kant_vorm_xy is not None
    assert krom_land.kant_vorm_ptr is not None
    np.testing.assert_array_equal(terug.kant_vorm_ptr, krom_land.kant_vorm_ptr)
    np.testing.assert_array_equal(terug.kant_vorm_xy, krom_land.kant_vorm_xy)
    np.testing.assert_array_equal(
        terug.knoop_xy[terug.kant_van], krom_land.knoop_xy[krom_land.kant_van]
    )
    weer = run_landelijk(terug, instellingen=inst, heel=True, workers=0)
    pd.testing.assert_frame_equal(weer.buurten, krom_heel.buurten, check_exact=True)
    # a land of straight streets stays without shapes
    recht = read_land(
        write_land(build_land(1, 2, gemeente_m=2000, straat_m=100), tmp_path / "r.gpkg")
    )
    assert recht.kant_vorm_ptr is None and recht.n_vormpunten == 0


def test_a_land_with_shapes_that_do_not_fit_its_streets_is_refused(krom_land):
    from dataclasses import replace

    with pytest.raises(GebiedsplanError, match="kant_vorm_ptr heeft .* waarden voor"):
        replace(krom_land, kant_van=krom_land.kant_van[:-1])
    with pytest.raises(GebiedsplanError, match="samen, of geen van beide"):
        replace(krom_land, kant_vorm_xy=None)


def test_shape_points_as_nodes_give_the_same_answers(krom_land, krom_heel, inst):
    """Every shape point a node of its own (vormpunten_als_knopen, as knopen="vormpunten"
    reads a file): a larger graph, the same snaps, distances and tables (to rounding: the
    pieces' lengths add up in another order)."""
    from gebiedsplan.landelijk.land import vormpunten_als_knopen

    vol = vormpunten_als_knopen(krom_land)
    assert vol.n_knopen == krom_land.n_knopen + krom_land.n_vormpunten
    uit = run_landelijk(vol, instellingen=inst, workers=0)
    p, h = uit.vraagpunten, krom_heel.vraagpunten
    for k in ("los_van_netwerk", "klein_netwerkdeel", "geanalyseerd"):
        pd.testing.assert_series_equal(p[k], h[k])
    np.testing.assert_allclose(p["snap_afstand_m"], h["snap_afstand_m"], rtol=1e-12, atol=1e-9)
    for cat in inst.categorieen:
        vlag = p[f"buiten_buffer_{cat}"].to_numpy(dtype=bool)
        np.testing.assert_allclose(
            p[f"afstand_{cat}_m"].to_numpy(dtype=float)[~vlag],
            h[f"afstand_{cat}_m"].to_numpy(dtype=float)[~vlag],
            rtol=1e-9,
        )
    schoon = uit.buurten["inwoners_buiten_buffer"].eq(0).to_numpy()
    assert schoon.sum() > 0
    pd.testing.assert_frame_equal(
        uit.buurten[schoon], krom_heel.buurten[schoon], rtol=1e-9, check_dtype=False
    )


def test_streets_shorter_than_their_lines_are_warned_about(krom_land, caplog):
    from dataclasses import replace

    korter = krom_land.kant_lengte_m.copy()
    korter[:3] *= 0.9
    with caplog.at_level("WARNING", logger="gebiedsplan.landelijk.partities"):
        build_verdeling(krom_land)
        assert "korter" not in caplog.text
        build_verdeling(replace(krom_land, kant_lengte_m=korter))
    assert "3 straten zijn korter (lengte_m) dan hun lijn" in caplog.text
