"""Compiling networks: modes, one-way streets, node order, saving, snapping, inserting points."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from scipy.sparse.csgraph import connected_components

from gebiedsplan import settings
from gebiedsplan.bronnen.osm.tags import fclass_per_modus
from gebiedsplan.catalogus import load_modus_wegen
from gebiedsplan.errors import CRSError, GebiedsplanError
from gebiedsplan.netwerk import graaf as netwerk_module
from gebiedsplan.netwerk.aansluiten import (
    Koppeling,
    build_aansluiting,
    ingangen,
    insert_punten,
    snap_to_edges,
)
from gebiedsplan.netwerk.graaf import (
    compile_arrays,
    compile_netwerk,
    hilbert_index,
    load_netwerk,
    save_netwerk,
    select_modus,
)
from gebiedsplan.netwerk.zoeken import distance_to_nearest, nearest_per_point

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"


def _laag(rows, coords, **extra) -> gpd.GeoDataFrame:
    """rows: (van, naar, lengte_m); coords: node -> (x, y)."""
    return gpd.GeoDataFrame(
        {
            "van_knoop": [u for u, _, _ in rows],
            "naar_knoop": [v for _, v, _ in rows],
            "lengte_m": [float(w) for _, _, w in rows],
            **extra,
        },
        geometry=[shapely.LineString([coords[u], coords[v]]) for u, v, _ in rows],
        index=pd.Index([f"w{i}" for i in range(len(rows))], name="id"),
        crs="EPSG:28992",
    )


def _rij(net, knoop: int) -> int:
    return int(np.flatnonzero(net.knoop_ids == knoop)[0])


def test_demo_compiles_symmetric_with_exact_pruning_factor(demo):
    net = compile_netwerk(demo.netwerk)
    assert net.n_knopen == 1145  # Rivierstad's grid and the streets of the neighbouring village
    assert not net.gericht
    assert (net.graaf != net.graaf.T).nnz == 0
    assert net.rek == 1.0  # demo lengths are the straight lines
    assert len(net.sleutel) == 32


def test_parallel_edges_keep_shortest_self_loops_dropped_zero_length_kept():
    coords = {0: (0, 0), 1: (100, 0), 2: (100, 0)}
    net = compile_netwerk(_laag([(0, 1, 100), (0, 1, 60), (1, 1, 5), (1, 2, 0)], coords))
    g = net.graaf
    a, b, c = _rij(net, 0), _rij(net, 1), _rij(net, 2)
    assert g[a, b] == 60 and g[b, a] == 60
    assert g.diagonal().sum() == 0 and g[b, b] == 0
    # the zero-length edge is an explicit entry: node 2 is reached at the distance of node 1
    assert g.nnz == 4
    d = distance_to_nearest(net, np.array([a]))
    assert d[c] == 60.0


def test_node_order_does_not_change_distances(demo):
    nets = {v: compile_netwerk(demo.netwerk, volgorde=v) for v in ("hilbert", "rcm", "invoer")}
    bron = int(demo.netwerk["van_knoop"].iloc[0])
    per_id = {}
    for v, net in nets.items():
        d = distance_to_nearest(net, np.array([_rij(net, bron)]))
        per_id[v] = pd.Series(d, index=net.knoop_ids).sort_index()
    pd.testing.assert_series_equal(per_id["hilbert"], per_id["invoer"])
    pd.testing.assert_series_equal(per_id["rcm"], per_id["invoer"])


def test_hilbert_index_walks_a_grid_cell_by_cell():
    xs, ys = np.meshgrid(np.arange(8), np.arange(8))
    xy = np.column_stack([xs.ravel(), ys.ravel()]).astype(float)
    h = hilbert_index(xy, bits=3)
    assert sorted(h.tolist()) == list(range(64))
    pad = xy[np.argsort(h)]
    assert (np.abs(np.diff(pad, axis=0)).sum(axis=1) == 1).all()  # every step to a neighbour


def test_hilbert_order_brings_edge_ends_close_in_memory():
    sys.path.insert(0, str(BENCH))
    from grafen import street_graph

    g = street_graph(10_000)
    gap = {}
    for volgorde in ("invoer", "hilbert"):
        net = compile_arrays(g.xy, g.van, g.naar, g.lengte_m, volgorde=volgorde)
        coo = net.graaf.tocoo()
        gap[volgorde] = float(np.median(np.abs(coo.row - coo.col)))
    # OSM-like ids carry no spatial order: neighbours are ~n/3 rows apart; on the curve, close
    assert gap["invoer"] > 2000
    assert gap["hilbert"] < 150


def test_car_mode_selects_paved_roads_and_respects_one_way(caplog):
    coords = {0: (0, 0), 1: (100, 0), 2: (100, 100), 3: (0, 100)}
    wegen = _laag(
        [(0, 1, 100), (1, 2, 100), (2, 0, 150), (2, 3, 100), (3, 0, 100)],
        coords,
        highway=["residential", "residential", "footway", "track", "service"],
        surface=[None, None, None, "gravel", None],
        eenrichting=[True, False, False, False, False],
    )
    auto = compile_netwerk(wegen, modus="auto")
    assert auto.gericht and auto.n_knopen == 3  # footway, gravel track and service road left out
    a, b = _rij(auto, 0), _rij(auto, 1)
    # from 0 to 1 with the one-way street; from 1 back to 0 impossible by car
    assert distance_to_nearest(auto, np.array([b]))[a] == 100.0
    assert np.isinf(distance_to_nearest(auto, np.array([a]))[b])
    lopen = compile_netwerk(wegen, modus="lopen")
    a, b = _rij(lopen, 0), _rij(lopen, 1)
    assert not lopen.gericht and lopen.n_knopen == 4
    assert distance_to_nearest(lopen, np.array([a]))[b] == 100.0
    # without tags a car network cannot be selected: said in the log
    with caplog.at_level(logging.WARNING, logger="gebiedsplan.netwerk.graaf"):
        compile_netwerk(wegen[["van_knoop", "naar_knoop", "lengte_m", "geometry"]], modus="auto")
    assert "highway" in caplog.text and "eenrichting" in caplog.text


def test_geofabrik_fclass_and_grades():
    wegen = gpd.GeoDataFrame(
        {"fclass": ["track_grade2", "footway", "residential", "motorway"]},
        geometry=[shapely.LineString([(0, 0), (1, 0)])] * 4,
        crs="EPSG:28992",
    )
    assert select_modus(wegen, modus="auto")["fclass"].tolist() == ["residential", "motorway"]
    assert select_modus(wegen, modus="lopen")["fclass"].tolist() == [
        "track_grade2",
        "footway",
        "residential",
    ]
    assert select_modus(wegen, modus="fietsen")["fclass"].tolist() == [
        "track_grade2",
        "residential",
    ]
    with pytest.raises(GebiedsplanError, match="modus"):
        select_modus(wegen, modus="vliegen")


def _lijnen(n: int, **tags) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        tags,
        geometry=[shapely.LineString([(0, 0), (1, 0)])] * n,
        index=pd.Index([chr(ord("a") + i) for i in range(n)], name="id"),
        crs="EPSG:28992",
    )


def test_multi_values_allow_a_mode_when_any_value_does():
    wegen = _lijnen(
        11,
        highway=[
            "footway;cycleway",  # a: OSM multi-value
            ["footway", "cycleway"],  # b: osmnx list of a merged edge
            ["steps", "footway"],  # c: nothing for bikes or cars
            "residential; service",  # d: spaces around the separator
            ["service", "residential"],  # e: order does not matter
            "motorway;footway",  # f: one value per mode is enough
            ["track_grade4", "bridleway"],  # g: walkable track, nothing for bikes
            None,  # h: no tag: the * row (walk and bike, no car)
            "residential",  # i: closed by every access value
            "residential",  # j: one paved part keeps it in the car network
            "residential",  # k: open by one access value
        ],
        access=[None] * 8 + [["private", "no"], None, "private;yes"],
        surface=[None] * 9 + [["asphalt", "gravel"], None],
    )
    kept = {m: select_modus(wegen, modus=m).index.tolist() for m in ("lopen", "fietsen", "auto")}
    assert kept == {
        "lopen": ["a", "b", "c", "d", "e", "f", "g", "h", "j", "k"],
        "fietsen": ["a", "b", "d", "e", "h", "j", "k"],
        "auto": ["d", "e", "f", "j", "k"],
    }


def test_single_values_follow_the_catalogue_table():
    wegen = _lijnen(
        9,
        highway=[
            "bridleway",  # a: no foot or bicycle by default (OSM access defaults)
            "unknown",  # b: Geofabrik's unknown road type
            "track_grade4",  # c: walkable, not for bikes
            "corridor",  # d: walking only
            "elevator",  # e: not listed: the * row
            "trunk",  # f: Dutch autoweg
            "service",  # g: not for the car (CBS Nabijheid, osmnx drive)
            "construction",  # h: not usable yet
            "road",  # i: unclassified OSM road, but unpaved: no car
        ],
        surface=[None, None, None, None, None, None, None, None, "gravel"],
    )
    kept = {m: select_modus(wegen, modus=m).index.tolist() for m in ("lopen", "fietsen", "auto")}
    assert kept == {
        "lopen": ["c", "d", "e", "g", "i"],
        "fietsen": ["e", "g", "i"],
        "auto": ["f"],
    }


@pytest.mark.parametrize("modus", ["lopen", "fietsen", "auto"])
def test_one_table_for_geofabrik_reader_and_select_modus(modus):
    wegen = load_modus_wegen()
    alle = sorted(wegen.waarden("highway"))
    gekozen = set(select_modus(_lijnen(len(alle), fclass=alle), modus=modus)["fclass"])
    toegestaan, bekend = fclass_per_modus(modus)
    assert gekozen == toegestaan == wegen.waarden("highway", modus=modus)
    assert bekend == set(alle)


def test_car_roads_are_the_public_car_road_types():
    assert load_modus_wegen().waarden("highway", modus="auto") == {
        "motorway",
        "motorway_link",
        "trunk",
        "trunk_link",
        "primary",
        "primary_link",
        "secondary",
        "secondary_link",
        "tertiary",
        "tertiary_link",
        "unclassified",
        "residential",
        "living_street",
        "road",
    }


def test_bad_road_table_names_file_line_and_column(tmp_path):
    tekst = (settings.catalogus_dir / "modus_wegen.csv").read_text(encoding="utf-8")
    regels = tekst.splitlines()
    footway = next(i for i, r in enumerate(regels, 1) if r.startswith("highway,footway,"))
    tekst = tekst.replace("highway,footway,ja,nee,nee", "highway,footway,ja,misschien,nee")
    tekst = tekst.replace("surface,*,", "surface,asphalt,")
    tekst += "hihgway,cycleway,ja,ja,nee,typfout\nhighway,steps,ja,nee,nee,dubbel\n"
    n = len(regels)
    (tmp_path / "modus_wegen.csv").write_text(tekst, encoding="utf-8")
    with pytest.raises(GebiedsplanError) as fout:
        load_modus_wegen(tmp_path)
    bericht = str(fout.value)
    assert str(tmp_path / "modus_wegen.csv") in bericht and "4 problemen" in bericht
    assert (
        f"modus_wegen.csv regel {footway} (highway=footway), kolom fietsen: 'misschien'; "
        "verwacht ja of nee"
    ) in bericht
    assert f"modus_wegen.csv regel {n + 1}, kolom sleutel: 'hihgway'" in bericht
    assert f"modus_wegen.csv regel {n + 2}: highway=steps staat ook op regel" in bericht
    assert "geen regel surface,*" in bericht

    kop = tmp_path / "kop"
    kop.mkdir()
    (kop / "modus_wegen.csv").write_text(
        "# commentaar\nsleutel,waarde,lopen,auto\n", encoding="utf-8"
    )
    with pytest.raises(GebiedsplanError, match=r"regel 2 \(kopregel\): kolom fietsen, toelichting"):
        load_modus_wegen(kop)


def test_bad_layers_are_refused_with_the_fix():
    coords = {0: (0, 0), 1: (100, 0)}
    wegen = _laag([(0, 1, 100)], coords)
    with pytest.raises(GebiedsplanError, match="lengte_m"):
        compile_netwerk(wegen.drop(columns="lengte_m"))
    with pytest.raises(CRSError, match="to_crs"):
        compile_netwerk(wegen.to_crs("EPSG:4326"))
    with pytest.raises(GebiedsplanError, match="negatief"):
        compile_netwerk(wegen.assign(lengte_m=-1.0))
    with pytest.raises(GebiedsplanError, match="leeg"):
        compile_netwerk(wegen.iloc[:0])


def test_save_load_and_cache(tmp_path, demo, monkeypatch):
    net = compile_netwerk(demo.netwerk, cache_map=tmp_path)
    bestanden = list(tmp_path.glob("netwerk_lopen_*.npz"))
    assert len(bestanden) == 1 and net.sleutel in bestanden[0].name

    def niet_compileren(*args, **kwargs):
        raise AssertionError("had uit de opslag moeten komen")

    monkeypatch.setattr(netwerk_module, "_compile", niet_compileren)
    geladen = compile_netwerk(demo.netwerk, cache_map=tmp_path)
    assert geladen.sleutel == net.sleutel
    assert (geladen.graaf != net.graaf).nnz == 0
    np.testing.assert_array_equal(geladen.knoop_ids, net.knoop_ids)
    assert shapely.equals(geladen.kant_geometrie, net.kant_geometrie).all()
    # other edges, other key: compiled again, and the file of the old edges replaced
    monkeypatch.undo()
    anders = compile_netwerk(demo.netwerk.iloc[:-1], cache_map=tmp_path)
    assert anders.sleutel != net.sleutel
    assert [p.name for p in tmp_path.glob("netwerk_lopen_*.npz")] == [
        f"netwerk_lopen_{anders.sleutel}.npz"
    ]
    # a broken file says what to do
    kapot = tmp_path / "kapot.npz"
    kapot.write_bytes(b"geen npz")
    with pytest.raises(GebiedsplanError, match="verwijder"):
        load_netwerk(kapot)
    assert load_netwerk(save_netwerk(net, tmp_path / "n.npz")).n_knopen == 1145


def _herschrijf(pad, **wijzig):
    """The arrays of a saved network with some replaced (``None``: removed), saved again."""
    with np.load(pad) as z:
        arrays = {k: z[k] for k in z.files}
    for naam, waarde in wijzig.items():
        if waarde is None:
            del arrays[naam]
        else:
            arrays[naam] = waarde(arrays[naam]) if callable(waarde) else waarde
    with pad.open("wb") as f:
        np.savez(f, **arrays)


@pytest.mark.parametrize(
    ("bederf", "reden"),
    [
        (lambda p: p.write_bytes(p.read_bytes()[: p.stat().st_size // 2]), "onvolledig"),
        (lambda p: p.write_bytes(b""), "onvolledig"),
        (lambda p: _herschrijf(p, versie=np.array(1), controle=None), "formaatversie 1, nu 2"),
        (lambda p: _herschrijf(p, xy=lambda a: a + 1.0), "de controlesom klopt niet"),
        (lambda p: _herschrijf(p, controle=None), "de controlesom klopt niet"),
    ],
    ids=["afgekapt", "leeg", "oude-versie", "veranderd", "zonder-controlesom"],
)
def test_a_damaged_cache_file_is_rebuilt_with_a_warning(tmp_path, demo, caplog, bederf, reden):
    net = compile_netwerk(demo.netwerk, cache_map=tmp_path)
    (pad,) = tmp_path.glob("netwerk_lopen_*.npz")
    bederf(pad)
    with pytest.raises(GebiedsplanError, match=f"{pad.name}.*{reden}.*verwijder het bestand"):
        load_netwerk(pad)
    with caplog.at_level(logging.WARNING, logger="gebiedsplan.netwerk.graaf"):
        opnieuw = compile_netwerk(demo.netwerk, cache_map=tmp_path)
    (melding,) = [r.getMessage() for r in caplog.records]
    assert melding.startswith(f"Netwerkbestand {pad} ") and reden in melding
    assert melding.endswith("Het netwerk wordt opnieuw gecompileerd en het bestand vervangen.")
    assert (opnieuw.graaf != net.graaf).nnz == 0
    assert [p.name for p in tmp_path.iterdir()] == [pad.name]
    assert (load_netwerk(pad).graaf != net.graaf).nnz == 0  # the file is whole again


def test_a_cache_folder_that_cannot_be_written_is_a_warning(tmp_path, demo, caplog):
    """A cache that cannot be kept (here: the folder is a file) never stops the compile."""
    (tmp_path / "cache").write_text("geen map")
    with caplog.at_level(logging.WARNING, logger="gebiedsplan.netwerk.graaf"):
        net = compile_netwerk(demo.netwerk, cache_map=tmp_path / "cache")
    assert net.n_knopen == 1145
    (melding,) = [r.getMessage() for r in caplog.records]
    assert melding.startswith("Het gecompileerde netwerk is niet bewaard (")
    assert "de volgende run compileert het opnieuw" in melding


def test_snap_projects_onto_segments_and_flags_far_points():
    coords = {0: (0, 0), 1: (100, 0), 2: (100, 100)}
    wegen = gpd.GeoDataFrame(
        {"van_knoop": [0], "naar_knoop": [2], "lengte_m": [200.0]},
        geometry=[shapely.LineString([coords[0], coords[1], coords[2]])],  # a bend
        crs="EPSG:28992",
    )
    net = compile_netwerk(wegen)
    punten = gpd.GeoSeries(
        [shapely.Point(30, 20), shapely.Point(110, 50), shapely.Point(30, 500)], crs="EPSG:28992"
    )
    kop = snap_to_edges(net, punten, max_snap_m=250)
    assert kop.kant[:2].tolist() == [0, 0] and kop.kant[2] == -1
    np.testing.assert_allclose(kop.fractie[:2], [30 / 200, 150 / 200])
    np.testing.assert_allclose(kop.afstand_m, [20, 10, np.hypot(70, 400)])  # far: reported
    assert kop.los.tolist() == [False, False, True]
    rij, afstand = ingangen(net, kop)
    # along the bend with the layer's length: 0.75 * 200 from node 0, 0.25 * 200 to node 2
    assert afstand[1].tolist() == [10 + 150, 10 + 50]
    assert rij[2].tolist() == [-1, -1]


def _lijn(een: bool):
    coords = {0: (0, 0), 1: (100, 0)}
    return compile_netwerk(
        _laag([(0, 1, 100)], coords, eenrichting=[een]), modus="auto" if een else "lopen"
    )


def test_point_and_facility_on_one_segment_meet_directly():
    net = _lijn(False)
    vz = Koppeling(np.array([0]), np.array([0.5]), np.array([10.0]), np.array([False]))
    vp = Koppeling(np.array([0, 0]), np.array([0.2, 0.9]), np.array([5.0, 0.0]), np.zeros(2, bool))
    a = build_aansluiting(net, vz, np.array([[50.0, 10.0]]), vp)
    # 5 m to the street, 30 m along it, 10 m to the facility; not via a node
    np.testing.assert_allclose(nearest_per_point(a, np.array([True])), [45.0, 50.0])


def test_one_way_segment_cannot_be_walked_back_by_car():
    net = _lijn(True)
    vz = Koppeling(np.array([0]), np.array([0.5]), np.array([0.0]), np.array([False]))
    vp = Koppeling(np.array([0, 0]), np.array([0.2, 0.9]), np.zeros(2), np.zeros(2, bool))
    a = build_aansluiting(net, vz, np.array([[50.0, 0.0]]), vp)
    d = nearest_per_point(a, np.array([True]))
    assert d[0] == pytest.approx(30.0)
    assert np.isnan(d[1])  # past the facility on a one-way street, no way back: explicit


def test_insert_shares_a_split_node_and_keeps_leaves_apart():
    net = _lijn(False)
    vz = Koppeling(
        np.array([0, 0, 0]), np.array([0.5, 0.5, 1.0]), np.array([3.0, 7.0, 0.0]), np.zeros(3, bool)
    )
    inv = insert_punten(net, vz, np.array([[50.0, 3], [50, -7], [100, 0]]))
    assert inv.split_fractie.tolist() == [0.5, 1.0]  # two places, two split nodes
    assert len(set(inv.blad.tolist())) == 3  # every facility its own leaf
    assert inv.netwerk.n_knopen == 2 + 2 + 3


def test_arnhem_geofabrik_roads_compile_per_mode(arnhem_data):
    roads = gpd.read_file(
        arnhem_data / "osm_geofabrik2018_arnhem_noord_centrum.gpkg", layer="roads"
    )
    geoms = roads.geometry.to_numpy()
    ends = np.round(
        np.r_[
            shapely.get_coordinates(shapely.get_point(geoms, 0)),
            shapely.get_coordinates(shapely.get_point(geoms, -1)),
        ],
        1,
    )
    _, knoop = np.unique(ends, axis=0, return_inverse=True)
    knoop = knoop.ravel()
    wegen = roads.assign(
        van_knoop=knoop[: len(roads)],
        naar_knoop=knoop[len(roads) :],
        lengte_m=shapely.length(geoms),
    )
    lopen = compile_netwerk(wegen, modus="lopen")
    auto = compile_netwerk(wegen, modus="auto")
    # SOURCES.md: 3 732 roads, 191 km; car roads (unclassified 783, residential 381, tertiary
    # 205, primary 171, secondary 105, primary_link 4) are 1 649 of them
    assert len(lopen.kant_van) == 3732
    assert lopen.kant_lengte_m.sum() / 1000 == pytest.approx(191.15, abs=0.01)
    assert len(auto.kant_van) == 1649
    assert auto.kant_lengte_m.sum() / 1000 == pytest.approx(94.68, abs=0.01)
    assert lopen.rek == pytest.approx(1.0)  # lengths from the geometry: pruning is exact
    _, labels = connected_components(lopen.graaf, directed=False)
    grootste = np.bincount(labels).max() / lopen.n_knopen
    assert grootste > 0.9
