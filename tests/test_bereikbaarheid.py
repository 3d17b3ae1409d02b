"""Accessibility on hand-made graphs with hand-computed answers, and on the demo's river."""

from __future__ import annotations

import logging

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import pytest
import shapely

from gebiedsplan.analyse.bereikbaarheid import aggregate_bereikbaarheid, compute_bereikbaarheid
from gebiedsplan.bronnen import demo as demo_module
from gebiedsplan.catalogus import Norm
from gebiedsplan.errors import CRSError, GebiedsplanError
from gebiedsplan.netwerk.aansluiten import snap
from gebiedsplan.netwerk.graaf import compile_netwerk
from gebiedsplan.netwerk.zoeken import count_within, count_within_groups, distance_to_nearest

# node: (x, y)
NODES = {
    0: (0, 0),
    1: (100, 0),
    2: (200, 0),
    3: (200, 100),
    4: (0, 100),
    5: (1000, 1000),
    6: (1100, 1000),  # a separate component
    7: (200, 0),  # same place as node 2, joined by a zero-length edge
}
# (u, v, lengte_m); 4-3 is a winding street: 500 m although the ends are 200 m apart
EDGES = [(0, 1, 100), (1, 2, 100), (2, 3, 100), (0, 4, 100), (4, 3, 500), (5, 6, 100), (2, 7, 0)]


def _wegen() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "id": [f"w{i}" for i in range(len(EDGES))],
            "van_knoop": [u for u, _, _ in EDGES],
            "naar_knoop": [v for _, v, _ in EDGES],
            "lengte_m": [float(w) for _, _, w in EDGES],
        },
        geometry=[shapely.LineString([NODES[u], NODES[v]]) for u, v, _ in EDGES],
        crs="EPSG:28992",
    ).set_index("id")


def _punten(xy: list[tuple[float, float]], **cols: list) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        cols,
        geometry=[shapely.Point(p) for p in xy],
        crs="EPSG:28992",
        index=pd.Index([f"p{i}" for i in range(len(xy))], name="id"),
    )


NORMEN = {
    "huisarts": Norm("huisarts", 350, 0.9, "test", "test"),
    "ontmoeting": Norm("ontmoeting", 250, 0.9, "test", "test"),
    "bibliotheek": Norm("bibliotheek", 1000, 0.9, "test", "test"),
}


def test_distance_to_nearest_by_hand():
    net = compile_netwerk(_wegen())
    row = {knoop: i for i, knoop in enumerate(net.knoop_ids)}
    # facility on node 3 with a 10 m snap distance
    dist = distance_to_nearest(net, np.array([row[3]]), np.array([10.0]))
    expected = {0: 310, 1: 210, 2: 110, 3: 10, 4: 410, 7: 110}
    for knoop, afstand in expected.items():
        assert dist[row[knoop]] == pytest.approx(afstand)
    assert np.isinf(dist[row[5]]) and np.isinf(dist[row[6]])


def test_several_sources_on_one_node_take_the_smallest_offset():
    net = compile_netwerk(_wegen())
    row = {knoop: i for i, knoop in enumerate(net.knoop_ids)}
    dist = distance_to_nearest(net, np.array([row[1], row[1]]), np.array([40.0, 5.0]))
    assert dist[row[0]] == pytest.approx(105)


def test_parallel_edges_keep_the_shortest():
    wegen = pd.concat(
        [_wegen(), _wegen().iloc[[0]].assign(lengte_m=60.0).rename(index={"w0": "x"})]
    )
    net = compile_netwerk(gpd.GeoDataFrame(wegen, crs="EPSG:28992"))
    row = {knoop: i for i, knoop in enumerate(net.knoop_ids)}
    assert distance_to_nearest(net, np.array([row[1]]))[row[0]] == pytest.approx(60)


def test_compute_bereikbaarheid_by_hand():
    net = compile_netwerk(_wegen())
    vraag = _punten(
        [(0, -30), (0, 100), (1000, 1010), (5000, 5000)],
        inwoners=[2, 3, 4, 5],
        buurtcode=["BU00000001"] * 4,
    )
    voorz = _punten(
        [(210, 100), (200, 100), (200, 0)],
        categorie=["huisarts", "huisarts", "ontmoeting"],
        naam=["a", "b", "c"],
    )
    bereik = compute_bereikbaarheid(vraag, voorz, net, NORMEN, max_snap_m=250)
    huisarts = bereik["afstand_huisarts_m"]
    # p0: 30 snap + 0-1-2-3 (300) + facility b at snap 0
    assert huisarts["p0"] == pytest.approx(330)
    # p1: on node 4: via 0-1-2-3 (400) beats the 500 m street
    assert huisarts["p1"] == pytest.approx(400)
    # p2: other component: unreachable, never 0
    assert np.isnan(huisarts["p2"])
    # p3: 5 km from any node: not attached
    assert np.isnan(huisarts["p3"])
    assert bereik["binnen_norm_huisarts"].tolist() == [True, False, pd.NA, pd.NA]
    # zero-length edge 2-7 is an edge: ontmoeting at (200, 0) snaps to node 2 or 7, both 200 m away
    assert bereik["afstand_ontmoeting_m"]["p0"] == pytest.approx(230)
    # an empty category: everybody unreachable, explicitly
    assert bereik["afstand_bibliotheek_m"].isna().all()


def test_facility_exactly_at_the_norm_counts_as_within():
    net = compile_netwerk(_wegen())
    vraag = _punten([(0, 0)], inwoners=[1], buurtcode=["BU00000001"])
    voorz = _punten([(200, 100)], categorie=["huisarts"], naam=["a"])
    normen = {"huisarts": Norm("huisarts", 300, 0.9, "test", "test")}
    bereik = compute_bereikbaarheid(vraag, voorz, net, normen)
    assert bereik["afstand_huisarts_m"].iloc[0] == pytest.approx(300)
    assert bool(bereik["binnen_norm_huisarts"].iloc[0]) is True


def test_aggregation_is_population_weighted():
    bereik = pd.DataFrame(
        {
            "afstand_huisarts_m": [100.0, 300.0, np.nan, 800.0],
            "binnen_norm_huisarts": pd.array([True, True, pd.NA, False], dtype="boolean"),
        },
        index=pd.Index(["a", "b", "c", "d"], name="id"),
    )
    vraag = pd.DataFrame(
        {"inwoners": [1, 3, 2, 10], "buurtcode": ["BU1", "BU1", "BU1", "BU2"]},
        index=bereik.index,
    )
    tabel = aggregate_bereikbaarheid(bereik, vraag, groep="buurtcode")
    bu1 = tabel.loc[("BU1", "huisarts")]
    # (1*100 + 3*300) / (1 + 3) = 250, not the unweighted 200; the unreachable point is left out
    assert bu1["gem_afstand_m"] == pytest.approx(250)
    assert bu1["inwoners"] == 6
    assert bu1["inwoners_onbereikbaar"] == 2
    assert bu1["inwoners_binnen_norm"] == 4
    assert bu1["inwoners_buiten_norm"] == 2  # the unreachable count as outside
    assert bu1["aandeel_binnen_norm"] == pytest.approx(4 / 6)
    bu2 = tabel.loc[("BU2", "huisarts")]
    assert bu2["gem_afstand_m"] == pytest.approx(800)
    assert bu2["aandeel_binnen_norm"] == 0


def test_metric_functions_refuse_geographic_input():
    net = compile_netwerk(_wegen())
    vraag = _punten([(0, 0)], inwoners=[1], buurtcode=["BU00000001"]).to_crs("EPSG:4326")
    voorz = _punten([(200, 100)], categorie=["huisarts"], naam=["a"])
    with pytest.raises(CRSError, match="to_crs"):
        compute_bereikbaarheid(vraag, voorz, net, NORMEN)


@pytest.fixture(scope="module")
def demo_net(demo):
    return demo, compile_netwerk(demo.netwerk)


def _node_at(net, x: float, y: float) -> int:
    knoop, afstand = snap(net, gpd.GeoSeries([shapely.Point(x, y)], crs="EPSG:28992"))
    assert afstand[0] < 1
    return int(knoop[0])


def test_river_makes_network_distance_exceed_straight_line(demo_net):
    _, net = demo_net
    x0, y0 = demo_module.X0, demo_module.Y0
    # across the river half-way between the bridges (x = 900 and 2700): 200 m as the crow flies
    zuid = _node_at(net, x0 + 1800, y0 + 1400)
    noord = _node_at(net, x0 + 1800, y0 + 1600)
    over_de_rivier = distance_to_nearest(net, np.array([noord]))[zuid]
    assert over_de_rivier >= 900 + 200 + 900  # to a bridge, over it, and back
    # across at a bridge: the network follows the straight line
    zuid_brug = _node_at(net, x0 + 900, y0 + 1400)
    noord_brug = _node_at(net, x0 + 900, y0 + 1600)
    assert distance_to_nearest(net, np.array([noord_brug]))[zuid_brug] == pytest.approx(200)


def test_demo_distances_match_networkx(demo_net):
    demo, net = demo_net
    graph = nx.Graph()
    for (u, v), w in zip(zip(*net.graaf.nonzero(), strict=True), net.graaf.data, strict=True):
        graph.add_edge(int(u), int(v), weight=float(w))
    huisartsen = demo.voorzieningen[demo.voorzieningen["categorie"] == "huisarts"]
    knopen, snap_m = snap(net, huisartsen)
    graph.add_node("bron")
    for k, s in zip(knopen, snap_m, strict=True):
        if not graph.has_edge("bron", int(k)) or graph["bron"][int(k)]["weight"] > s:
            graph.add_edge("bron", int(k), weight=float(s))
    reference = nx.single_source_dijkstra_path_length(graph, "bron")
    ours = distance_to_nearest(net, knopen, snap_m)
    expected = np.array([reference.get(i, np.inf) for i in range(net.n_knopen)])
    np.testing.assert_allclose(ours, expected, rtol=0, atol=1e-6)


# ---------------------------------------------------------------- counts, edge cases, methods


def test_count_within_by_hand():
    net = compile_netwerk(_wegen())
    row = {knoop: i for i, knoop in enumerate(net.knoop_ids)}
    # facility on node 3 with a 10 m snap distance: node 2 at 110, node 1 at 210, node 0 at
    # 310, node 4 at 410 (0-1-2-3 beats the 500 m street), node 7 at 110, 5 and 6 unreachable
    tel = count_within(
        net, np.array([row[3]]), stralen_m=[110, 310, 1000], bron_afstand_m=np.array([10.0])
    )
    per_knoop = {k: tel[:, row[k]].tolist() for k in NODES}
    assert per_knoop[3] == [1, 1, 1]
    assert per_knoop[2] == [1, 1, 1] and per_knoop[7] == [1, 1, 1]  # exactly at 110: counts
    assert per_knoop[1] == [0, 1, 1] and per_knoop[0] == [0, 1, 1]
    assert per_knoop[4] == [0, 0, 1]
    assert per_knoop[5] == [0, 0, 0] and per_knoop[6] == [0, 0, 0]


def test_several_facilities_on_one_node_each_count():
    net = compile_netwerk(_wegen())
    row = {knoop: i for i, knoop in enumerate(net.knoop_ids)}
    tel = count_within(net, np.array([row[1], row[1], row[1]]), stralen_m=[100])[0]
    assert tel[row[0]] == 3 and tel[row[2]] == 3 and tel[row[3]] == 0


def test_count_groups_match_separate_counts(demo):
    net = compile_netwerk(demo.netwerk)
    rng = np.random.default_rng(4)
    bronnen = rng.choice(net.n_knopen, 30)
    groepen = np.array(["a", "b", "c"])[rng.integers(0, 3, 30)]
    samen = count_within_groups(net, bronnen, groepen, stralen_m=[300, 800])
    for g in "abc":
        apart = count_within(net, bronnen[groepen == g], stralen_m=[300, 800])
        np.testing.assert_array_equal(samen[g], apart)


def test_compute_bereikbaarheid_counts_and_flags_by_hand(caplog):
    net = compile_netwerk(_wegen())
    vraag = _punten(
        [(0, -30), (0, 100), (1000, 1010), (5000, 5000)],
        inwoners=[2, 3, 4, 5],
        buurtcode=["BU00000001"] * 4,
    )
    voorz = _punten(
        [(210, 100), (200, 100), (200, 0), (200, 0)],
        categorie=["huisarts", "huisarts", "ontmoeting", "ontmoeting"],
        naam=["a", "b", "c", "d"],
    )
    # the far point is logged (INFO: the analyses report who was not analysed)
    with caplog.at_level(logging.INFO, logger="gebiedsplan"):
        bereik = compute_bereikbaarheid(vraag, voorz, net, NORMEN, stralen_m=[330, 345])
    assert "1 vraagpunten (5 inwoners)" in caplog.text
    assert "niet geanalyseerd" in caplog.text
    assert "bibliotheek" in caplog.text  # the empty category is named
    # p0: huisarts b at 330 (exactly at the radius: counts), a at 340
    assert bereik["aantal_huisarts_330m"].tolist()[:2] == [1, 0]
    assert bereik["aantal_huisarts_345m"].tolist()[:2] == [2, 0]
    # two ontmoeting facilities at one place: both count (p0 is 230 m away)
    assert bereik["aantal_ontmoeting_330m"].iloc[0] == 2
    # other component: nothing within reach is a true 0; the far point is missing, not 0
    assert bereik["aantal_huisarts_345m"].iloc[2] == 0
    assert pd.isna(bereik["aantal_huisarts_345m"].iloc[3])
    assert bereik["los_van_netwerk"].tolist() == [False, False, False, True]
    assert bereik["snap_afstand_m"].iloc[3] == pytest.approx(np.hypot(5000 - 1100, 5000 - 1000))
    # an empty category: distance missing, counts 0 for attached points
    assert bereik["afstand_bibliotheek_m"].isna().all()
    assert bereik["aantal_bibliotheek_330m"].tolist()[:3] == [0, 0, 0]


def test_counts_at_the_norm_by_default(demo):
    from gebiedsplan.catalogus import load_catalogus

    normen = load_catalogus().normen
    bereik = compute_bereikbaarheid(
        demo.vraagpunten,
        demo.voorzieningen,
        compile_netwerk(demo.netwerk),
        normen,
        categorieen=["speelplek", "huisarts"],
    )
    assert {"aantal_speelplek_300m", "aantal_huisarts_1000m"} <= set(bereik.columns)
    # within the norm <=> at least one facility within the norm distance
    binnen = bereik["binnen_norm_speelplek"].to_numpy(dtype=bool, na_value=False)
    assert ((bereik["aantal_speelplek_300m"] > 0).to_numpy() == binnen).all()


def test_demo_points_match_networkx_with_points_as_nodes(demo):
    """Independent check of snapping, entries and leaves on the demo: networkx on a graph in
    which every street is cut at every demand point and facility."""
    from gebiedsplan.netwerk.aansluiten import snap_to_edges

    net = compile_netwerk(demo.netwerk)
    vraag = demo.vraagpunten.iloc[::20]
    huisarts = demo.voorzieningen[demo.voorzieningen["categorie"] == "huisarts"]
    bereik = compute_bereikbaarheid(
        vraag, huisarts, net, {"huisarts": Norm("huisarts", 1000, 0.9, "t", "t")}
    )
    kv = snap_to_edges(net, huisarts, max_snap_m=250)
    kp = snap_to_edges(net, vraag, max_snap_m=250)
    graph = nx.Graph()
    for u, v, w in zip(net.kant_van, net.kant_naar, net.kant_lengte_m, strict=True):
        graph.add_edge(int(u), int(v), weight=float(w))
    op: dict[int, list] = {}
    for naam, kop in (("f", kv), ("p", kp)):
        for i, (k, t) in enumerate(zip(kop.kant, kop.fractie, strict=True)):
            op.setdefault(int(k), []).append((float(t), (naam, i)))
    for k, punten in op.items():
        u, v, w = int(net.kant_van[k]), int(net.kant_naar[k]), float(net.kant_lengte_m[k])
        keten = [(0.0, u), *sorted(punten), (1.0, v)]
        for (t0, a), (t1, b) in zip(keten[:-1], keten[1:], strict=True):
            graph.add_edge(
                ("k", a) if isinstance(a, tuple) else a,
                ("k", b) if isinstance(b, tuple) else b,
                weight=(t1 - t0) * w,
            )
    for i, s in enumerate(kv.afstand_m):
        graph.add_edge(("k", ("f", i)), "bron", weight=float(s))
    ref = nx.single_source_dijkstra_path_length(graph, "bron")
    verwacht = [ref[("k", ("p", i))] + s for i, s in enumerate(kp.afstand_m)]
    np.testing.assert_allclose(bereik["afstand_huisarts_m"], verwacht, rtol=0, atol=1e-6)


def test_searching_from_points_or_facilities_gives_the_same_counts(demo):
    from gebiedsplan.netwerk.aansluiten import connect_points
    from gebiedsplan.netwerk.zoeken import iter_pairs

    net = compile_netwerk(demo.netwerk)
    a = connect_points(demo.vraagpunten, demo.voorzieningen, net)
    alle = np.ones(len(demo.voorzieningen), dtype=bool)
    tellingen = []
    for vanaf in ("voorzieningen", "vraagpunten"):
        tel = np.zeros(len(demo.vraagpunten), dtype=np.int64)
        for _, punten, dm in iter_pairs(a, alle, max_m=600.0, vanaf=vanaf):
            tel[punten] += np.count_nonzero(dm <= 600.0, axis=0)
        tellingen.append(tel)
    np.testing.assert_array_equal(tellingen[0], tellingen[1])
    assert tellingen[0].sum() > 0


@pytest.mark.parametrize("methode", ["bucket", "blok"])
def test_compiled_searches_give_dijkstra_distances(demo, methode):
    from gebiedsplan.netwerk.zoeken import shortest_to_nearest

    net = compile_netwerk(demo.netwerk)
    bronnen = np.array([3, 400, 900])
    offset = np.array([0.0, 12.5, 40.0])
    a = shortest_to_nearest(net.graaf, bronnen, offset, methode="dijkstra")
    b = shortest_to_nearest(net.graaf, bronnen, offset, methode=methode)
    np.testing.assert_array_equal(a, b)  # the same sums in the same order: bit for bit
    with pytest.raises(GebiedsplanError, match="methode"):
        shortest_to_nearest(net.graaf, bronnen, methode="a*")  # type: ignore[arg-type]


@pytest.mark.parametrize("methode", ["bucket", "blok"])
def test_compiled_searches_on_a_grid_of_equal_streets(methode):
    """Equal lengths make many equally short paths; a node must still be expanded once per
    improvement, not once per path (that would blow up exponentially)."""
    from gebiedsplan.netwerk.graaf import compile_arrays
    from gebiedsplan.netwerk.zoeken import shortest_to_nearest

    n = 40
    ys, xs = np.divmod(np.arange(n * n), n)
    idx = np.arange(n * n).reshape(n, n)
    van = np.r_[idx[:, :-1].ravel(), idx[:-1, :].ravel()]
    naar = np.r_[idx[:, 1:].ravel(), idx[1:, :].ravel()]
    net = compile_arrays(np.column_stack([xs, ys]) * 100.0, van, naar, np.full(len(van), 100.0))
    hoek = int(np.flatnonzero((net.xy == 0).all(axis=1))[0])
    d = shortest_to_nearest(net.graaf, np.array([hoek]), methode=methode)
    # Manhattan distance from the corner
    np.testing.assert_array_equal(d, net.xy.sum(axis=1))


def _lijn_met_late_bron():
    """A line of 50 nodes 10 m apart; sources in the middle (two neighbours) and at the far end
    with an offset far beyond the longest street: (graph, row per node id, sources, offsets,
    scipy's distances)."""
    from gebiedsplan.netwerk.graaf import compile_arrays
    from gebiedsplan.netwerk.zoeken import shortest_to_nearest

    xy = np.column_stack([np.arange(50) * 10.0, np.zeros(50)])
    net = compile_arrays(xy, np.arange(49), np.arange(1, 50), np.full(49, 10.0))
    rij = {k: i for i, k in enumerate(net.knoop_ids.tolist())}
    bronnen = np.array([rij[25], rij[49]])
    offset = np.array([0.0, 10_000.0])
    ref = shortest_to_nearest(net.graaf, bronnen, offset, methode="dijkstra")
    # the far end is reached from the middle (240 m), not at its own source's 10 km
    assert ref[rij[49]] == 240.0 and ref[rij[0]] == 250.0
    return net.graaf, bronnen, offset, ref


def test_bucket_search_grows_its_bucket_lists_and_takes_late_sources():
    """Too few entries for the bucket lists: the search is repeated with more, same answer.
    A source whose offset lies far beyond the longest street enters when its bucket comes up."""
    from gebiedsplan.netwerk._kern import delta_stappen
    from gebiedsplan.netwerk.zoeken import _bucket_search, shortest_to_nearest

    g, bronnen, offset, ref = _lijn_met_late_bron()
    _, ok = delta_stappen(g.indptr, g.indices, g.data, bronnen, offset, 5.0, 1)
    assert not ok
    np.testing.assert_array_equal(_bucket_search(g, bronnen, offset, breedte_m=5.0), ref)
    with pytest.raises(GebiedsplanError, match=">= 0"):
        shortest_to_nearest(g, bronnen, np.array([0.0, -1.0]))


@pytest.mark.parametrize("shift", [0, 1, 3, 12])
@pytest.mark.parametrize("venster", [0.0, 25.0, 1e9])
def test_block_search_with_any_block_size_and_late_sources(shift, venster):
    """Blocks of 1 to 4096 nodes, switching at once or never: the same distances."""
    from gebiedsplan.netwerk._kern import blokken_dijkstra
    from gebiedsplan.netwerk.zoeken import _csr_arrays

    g, bronnen, offset, ref = _lijn_met_late_bron()
    np.testing.assert_array_equal(
        blokken_dijkstra(*_csr_arrays(g), bronnen, offset, shift, venster), ref
    )


def test_a_small_piece_of_network_is_not_analysed():
    """Point p2 lies on the separate street 5-6: 100 m of the 1,000 m of streets (10%). Below a
    threshold of 20% it is a small piece: p2 is not analysed, and never counts as outside the
    norm; at 1% (the catalogue's) it is analysed and simply reaches nothing."""
    net = compile_netwerk(_wegen())
    vraag = _punten(
        [(0, -30), (0, 100), (1000, 1010), (5000, 5000)],
        inwoners=[2, 3, 4, 5],
        buurtcode=["BU00000001"] * 4,
    )
    voorz = _punten([(200, 100)], categorie=["huisarts"], naam=["b"])
    normen = {"huisarts": NORMEN["huisarts"]}
    klein = compute_bereikbaarheid(vraag, voorz, net, normen, min_aandeel_netwerkdeel=0.2)
    assert klein["klein_netwerkdeel"].tolist() == [False, False, True, False]
    assert klein["los_van_netwerk"].tolist() == [False, False, False, True]
    assert klein["geanalyseerd"].tolist() == [True, True, False, False]
    tabel = aggregate_bereikbaarheid(klein, vraag, groep="buurtcode").iloc[0]
    assert tabel["inwoners"] == 14 and tabel["inwoners_geanalyseerd"] == 5
    assert tabel["inwoners_los_van_netwerk"] == 5 and tabel["inwoners_klein_netwerkdeel"] == 4
    # p0 is within 350 m (330), p1 not (400): 3 of the 5 analysed are outside, nobody else
    assert tabel["inwoners_binnen_norm"] == 2 and tabel["inwoners_buiten_norm"] == 3
    assert tabel["inwoners_onbereikbaar"] == 0
    assert tabel["aandeel_binnen_norm"] == pytest.approx(2 / 5)
    # the catalogue's 1%: the 10% piece is a real part of the network, p2 reaches no huisarts
    gewoon = compute_bereikbaarheid(vraag, voorz, net, normen)
    assert gewoon["geanalyseerd"].tolist() == [True, True, True, False]
    tabel = aggregate_bereikbaarheid(gewoon, vraag, groep="buurtcode").iloc[0]
    assert tabel["inwoners_geanalyseerd"] == 9 and tabel["inwoners_onbereikbaar"] == 4
    assert tabel["inwoners_buiten_norm"] == 7  # the unreachable analysed count as outside
    # the largest piece always counts, whatever the threshold
    alles = compute_bereikbaarheid(vraag, voorz, net, normen, min_aandeel_netwerkdeel=1.0)
    assert alles["geanalyseerd"].tolist() == [True, True, False, False]
