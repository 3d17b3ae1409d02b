"""Property tests: the engine against a brute-force reference on random small graphs.

The reference builds its own graph in networkx: every street is cut at every facility and
demand point on it, points hang on their own nodes at their snap distance, one-way streets only
run forward, and all distances come from plain Dijkstra per demand point. Points are given as
(street, position, snap distance), so which street a point belongs to is never in doubt.
"""

from __future__ import annotations

import contextlib

import networkx as nx
import numpy as np
import pytest
import shapely
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from gebiedsplan.analyse.capaciteit import gauss, stap, two_step, zones
from gebiedsplan.netwerk import zoeken as bereikbaarheid
from gebiedsplan.netwerk.aansluiten import (
    Koppeling,
    build_aansluiting,
    snap_to_edges,
    with_segments,
)
from gebiedsplan.netwerk.graaf import compile_arrays
from gebiedsplan.netwerk.zoeken import (
    count_per_point,
    iter_pairs,
    nearest_per_point,
    shortest_to_nearest,
)

PROFIEL = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def scenario(draw, *, gericht: bool = False):
    n = draw(st.integers(2, 9))
    xy = (
        np.array(
            draw(
                st.lists(st.tuples(st.integers(0, 10), st.integers(0, 10)), min_size=n, max_size=n)
            ),
            dtype=float,
        )
        * 100.0
    )
    m = draw(st.integers(1, 14))
    kanten = draw(
        st.lists(
            st.tuples(st.integers(0, n - 1), st.integers(0, n - 1), st.floats(1.0, 1.5)),
            min_size=m,
            max_size=m,
        )
    )
    kanten = [(a, b, f) for a, b, f in kanten if a != b]
    assume(kanten)
    van = np.array([a for a, _, _ in kanten])
    naar = np.array([b for _, b, _ in kanten])
    koorde = np.hypot(*(xy[van] - xy[naar]).T)
    lengte = koorde * np.array([f for _, _, f in kanten])  # 0 where two nodes share a place
    een = (
        np.array(draw(st.lists(st.booleans(), min_size=len(van), max_size=len(van))))
        if gericht
        else np.zeros(len(van), dtype=bool)
    )

    def punten(k_min: int, k_max: int):
        k = draw(st.integers(k_min, k_max))
        return (
            np.array(draw(st.lists(st.integers(0, len(van) - 1), min_size=k, max_size=k)), int),
            np.array(
                draw(st.lists(st.sampled_from([0.0, 0.25, 0.5, 0.9, 1.0]), min_size=k, max_size=k))
            ),
            np.array(draw(st.lists(st.floats(0, 60), min_size=k, max_size=k))),
        )

    vz = punten(0, 5)
    vp = punten(1, 6)
    categorie = np.array(
        draw(st.lists(st.sampled_from("ab"), min_size=len(vz[0]), max_size=len(vz[0])))
    )
    return xy, van, naar, lengte, een, vz, vp, categorie


@contextlib.contextmanager
def _vensters(aan: bool):
    """Force bounded searches through the window code (small graphs otherwise skip it)."""
    oud = bereikbaarheid.KLEIN_GRAAF
    bereikbaarheid.KLEIN_GRAAF = 0 if aan else oud
    try:
        yield
    finally:
        bereikbaarheid.KLEIN_GRAAF = oud


def _reference(xy, van, naar, lengte, een, vz, vp) -> np.ndarray:
    """Distance matrix facility x demand point, brute force."""
    G = nx.MultiDiGraph()
    G.add_nodes_from(range(len(xy)))
    op_kant: dict[int, list[tuple[float, object]]] = {}
    for j, (k, t, _) in enumerate(zip(*vz, strict=True)):
        op_kant.setdefault(int(k), []).append((float(t), ("fk", j)))
    for i, (k, t, _) in enumerate(zip(*vp, strict=True)):
        op_kant.setdefault(int(k), []).append((float(t), ("pk", i)))
    for k, (a, b, w, e) in enumerate(zip(van, naar, lengte, een, strict=True)):
        # at one place a demand point lies before a facility: on a one-way street an address at
        # the very spot of a facility reaches it (distance 0 along the street)
        keten = (
            [(0.0, int(a))]
            + sorted(op_kant.get(k, []), key=lambda p: (p[0], p[1][0] == "fk"))
            + [(1.0, int(b))]
        )
        for (t0, u), (t1, v) in zip(keten[:-1], keten[1:], strict=True):
            G.add_edge(u, v, weight=(t1 - t0) * w)
            if not e:
                G.add_edge(v, u, weight=(t1 - t0) * w)
    for j, s in enumerate(vz[2]):
        G.add_edge(("fk", j), ("f", j), weight=float(s))
        G.add_edge(("f", j), ("fk", j), weight=float(s))
    for i, s in enumerate(vp[2]):
        G.add_edge(("p", i), ("pk", i), weight=float(s))
    D = np.full((len(vz[0]), len(vp[0])), np.inf)
    for i in range(len(vp[0])):
        d = nx.single_source_dijkstra_path_length(G, ("p", i))
        for j in range(len(vz[0])):
            D[j, i] = d.get(("f", j), np.inf)
    return D


def _ours(xy, van, naar, lengte, een, vz, vp):
    net = compile_arrays(xy, van, naar, lengte, eenrichting=een)
    net = with_segments(net)
    # compile_arrays keeps the segments in input order
    vz_kop = Koppeling(vz[0], vz[1], vz[2], np.zeros(len(vz[0]), bool))
    vp_kop = Koppeling(vp[0], vp[1], vp[2], np.zeros(len(vp[0]), bool))
    vz_xy = (
        shapely.get_coordinates(
            shapely.line_interpolate_point(net.kant_geometrie[vz[0]], vz[1], normalized=True)
        )
        if len(vz[0])
        else np.empty((0, 2))
    )
    return build_aansluiting(net, vz_kop, vz_xy, vp_kop)


@PROFIEL
@given(scenario(gericht=True))
def test_nearest_matches_brute_force(s):
    xy, van, naar, lengte, een, vz, vp, categorie = s
    D = _reference(xy, van, naar, lengte, een, vz, vp)
    a = _ours(xy, van, naar, lengte, een, vz, vp)
    for c in "ab":
        ons = nearest_per_point(a, categorie == c)
        ref = (
            D[categorie == c].min(axis=0) if (categorie == c).any() else np.full(D.shape[1], np.inf)
        )
        np.testing.assert_array_equal(np.isnan(ons), ~np.isfinite(ref))  # unreachable explicit
        ok = np.isfinite(ref)
        np.testing.assert_allclose(ons[ok], ref[ok], rtol=0, atol=1e-6)


@PROFIEL
@given(
    scenario(gericht=True),
    st.lists(st.sampled_from([50.0, 120.0, 300.0, 700.0]), min_size=1, max_size=3, unique=True),
    st.sampled_from(["voorzieningen", "vraagpunten"]),
)
def test_counts_match_brute_force(s, stralen, vanaf):
    xy, van, naar, lengte, een, vz, vp, categorie = s
    D = _reference(xy, van, naar, lengte, een, vz, vp)
    assume(not np.any(np.abs(D[np.isfinite(D)][:, None] - np.array(stralen)) < 1e-6))
    a = _ours(xy, van, naar, lengte, een, vz, vp)
    tel = count_per_point(a, categorie, {"a": stralen, "b": stralen[:1]}, vanaf=vanaf)
    for (c, r), ons in tel.items():
        ref = np.count_nonzero(D[categorie == c] <= r, axis=0)
        np.testing.assert_array_equal(ons, ref)


@PROFIEL
@given(scenario(gericht=False), st.sampled_from(["stap", "zones", "gauss"]), st.booleans())
def test_2sfca_matches_brute_force_and_conserves_supply(s, soort, vensters):
    xy, van, naar, lengte, een, vz, vp, categorie = s
    D = _reference(xy, van, naar, lengte, een, vz, vp)
    gewicht = {"stap": stap(400), "zones": zones({150: 1.0, 400: 0.5}), "gauss": gauss(400)}[soort]
    assume(not np.any(np.abs(D[np.isfinite(D)][:, None] - np.array([150.0, 400.0])) < 1e-6))
    rng = np.random.default_rng(len(vp[0]))
    aanbod = rng.uniform(1, 10, len(vz[0]))
    vraag = rng.uniform(0.5, 5, len(vp[0]))
    a = _ours(xy, van, naar, lengte, een, vz, vp)
    with _vensters(vensters):
        toegang, vraag_bij, ratio = two_step(a, aanbod, vraag, gewicht=gewicht)
    W = gewicht(D)
    ref_bij = (W * vraag).sum(axis=1)
    np.testing.assert_allclose(vraag_bij, ref_bij, atol=1e-9)
    ref_ratio = np.where(ref_bij > 0, aanbod / np.where(ref_bij > 0, ref_bij, 1), np.nan)
    np.testing.assert_allclose(ratio, ref_ratio, atol=1e-9)
    ref_toegang = (W * np.nan_to_num(ref_ratio)[:, None]).sum(axis=0)
    np.testing.assert_allclose(toegang, ref_toegang, atol=1e-9)
    # supply conservation: sum_i V_i A_i == sum of the supply of facilities with demand in reach
    assert (vraag * toegang).sum() == pytest.approx(aanbod[ref_bij > 0].sum(), abs=1e-9)


@PROFIEL
@given(scenario(gericht=True), st.sampled_from(["voorzieningen", "vraagpunten"]), st.booleans())
def test_searches_from_facilities_or_from_points_match_brute_force(s, vanaf, vensters):
    xy, van, naar, lengte, een, vz, vp, categorie = s
    assume(len(vz[0]) > 0)
    a = _ours(xy, van, naar, lengte, een, vz, vp)
    D = _reference(xy, van, naar, lengte, een, vz, vp)
    gevonden = np.full(D.shape, np.inf)
    with _vensters(vensters):
        blokken = list(iter_pairs(a, np.ones(len(vz[0]), bool), max_m=500.0, vanaf=vanaf))
    for v, p, dm in blokken:
        gevonden[np.ix_(v, p)] = np.minimum(gevonden[np.ix_(v, p)], dm)
    binnen = D <= 500.0
    np.testing.assert_allclose(gevonden[binnen], D[binnen], atol=1e-6)
    assert np.isinf(gevonden[~binnen & (D > 500.0 + 1e-6)]).all()


@PROFIEL
@given(
    scenario(gericht=True),
    st.lists(st.floats(0, 5000, allow_nan=False), min_size=1, max_size=4),
)
def test_compiled_searches_equal_dijkstra(s, offsets):
    # offsets far apart (up to 5 km on streets of at most ~1 km) make sources enter late; blocks
    # of 2 and 8 nodes make every search cross blocks, running ahead 0 m, 100 m or forever
    from gebiedsplan.netwerk._kern import blokken_dijkstra
    from gebiedsplan.netwerk.zoeken import _csr_arrays

    xy, van, naar, lengte, een, _, _, _ = s
    net = compile_arrays(xy, van, naar, lengte, eenrichting=een)
    bronnen = np.arange(len(offsets)) % net.n_knopen
    offset = np.array(offsets)
    a = shortest_to_nearest(net.graaf_terug, bronnen, offset, methode="dijkstra")
    for methode in ("bucket", "blok"):
        b = shortest_to_nearest(net.graaf_terug, bronnen, offset, methode=methode)
        np.testing.assert_array_equal(a, b)
    for shift, venster in ((1, 0.0), (3, 100.0), (1, 1e12)):
        c = blokken_dijkstra(*_csr_arrays(net.graaf_terug), bronnen, offset, shift, venster)
        np.testing.assert_array_equal(a, c)


@PROFIEL
@given(
    scenario(),
    st.lists(st.tuples(st.floats(-100, 1100), st.floats(-100, 1100)), min_size=1, max_size=6),
)
def test_snap_finds_the_nearest_segment(s, pts):
    xy, van, naar, lengte, een, *_ = s
    net = with_segments(compile_arrays(xy, van, naar, lengte))
    punten = shapely.points(np.array(pts))
    import geopandas as gpd

    kop = snap_to_edges(net, gpd.GeoSeries(punten, crs="EPSG:28992"), max_snap_m=300)
    afstanden = shapely.distance(punten[:, None], net.kant_geometrie[None, :])
    np.testing.assert_allclose(kop.afstand_m, afstanden.min(axis=1), atol=1e-6)
    np.testing.assert_array_equal(kop.los, afstanden.min(axis=1) > 300)
    vast = ~kop.los
    projectie = shapely.line_interpolate_point(
        net.kant_geometrie[kop.kant[vast]], kop.fractie[vast], normalized=True
    )
    np.testing.assert_allclose(
        shapely.distance(punten[vast], projectie), kop.afstand_m[vast], atol=1e-6
    )


@PROFIEL
@given(scenario(gericht=True), st.integers(1, 6))
def test_node_counts_match_dense_dijkstra(s, k):
    from scipy.sparse.csgraph import dijkstra

    from gebiedsplan.netwerk.zoeken import count_within

    xy, van, naar, lengte, een, *_ = s
    net = compile_arrays(xy, van, naar, lengte, eenrichting=een)
    bronnen = np.arange(k) % net.n_knopen
    stralen = [100.0, 450.0]
    # distance from every node to each source: searches on the reversed graph
    afst = dijkstra(net.graaf_terug, directed=True, indices=bronnen)
    assume(not np.any(np.abs(afst[np.isfinite(afst)][:, None] - np.array(stralen)) < 1e-6))
    tel = count_within(net, bronnen, stralen_m=stralen)
    for i, r in enumerate(stralen):
        np.testing.assert_array_equal(tel[i], np.count_nonzero(afst <= r, axis=0))
