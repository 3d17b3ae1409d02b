"""Snapping (:func:`gebiedsplan.netwerk.aansluiten.snap_to_edges`) gives GEOS' numbers, exactly.

The grid kernel (:mod:`gebiedsplan.netwerk._snapkern`) replaced GEOS' ``STRtree.query_nearest``;
these tests hold it to GEOS on networks with bent segments, zero-length parts, duplicate
segments, points on nodes and on segments, and points far outside the network: the same
distance bit for bit (``shapely.distance``), the same position (``line_locate_point``), and
among equally near segments the lowest index (checked by brute force).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely

from gebiedsplan.netwerk.aansluiten import Koppeling, _nearest, snap_to_edges, with_segments
from gebiedsplan.netwerk.graaf import compile_arrays


def _net(rng: np.random.Generator, n: int = 300):
    xy = rng.uniform(0, 2000, (n, 2)).round(1)  # rounded: shared x/y values, exact ties
    van = rng.integers(0, n, 2 * n)
    naar = (van + rng.integers(1, 6, 2 * n)) % n
    lengte = np.hypot(*(xy[van] - xy[naar]).T) + 1.0
    net = with_segments(compile_arrays(xy, van, naar, lengte))
    # bend some segments (polylines of 3-5 vertices), make one of zero length, duplicate one
    geoms = net.kant_geometrie.copy()
    for k in range(0, len(geoms), 7):
        a, b = shapely.get_coordinates(geoms[k])[[0, -1]]
        tussen = a + np.linspace(0, 1, rng.integers(3, 6))[1:-1, None] * (b - a)
        tussen += rng.normal(0, 30, tussen.shape)
        geoms[k] = shapely.linestrings(np.vstack([a, tussen, b]))
    p = shapely.get_coordinates(geoms[3])[0]
    geoms[3] = shapely.linestrings([p, p])
    geoms[5] = geoms[4]
    from dataclasses import replace

    return replace(net, kant_geometrie=geoms)


def _punten(rng: np.random.Generator, net) -> np.ndarray:
    knopen = net.xy[rng.integers(0, len(net.xy), 200)]
    op_lijn = shapely.get_coordinates(
        shapely.line_interpolate_point(
            net.kant_geometrie[:200], rng.uniform(0, 1, 200), normalized=True
        )
    )
    binnen = rng.uniform(0, 2000, (2000, 2))
    ver = rng.uniform(-20_000, 22_000, (300, 2))
    return np.vstack([knopen, op_lijn, binnen, ver])


def _geos(segmenten: np.ndarray, xy: np.ndarray) -> np.ndarray:
    boom = shapely.STRtree(segmenten)
    (pi, _), d = boom.query_nearest(shapely.points(xy), return_distance=True, all_matches=False)
    afstand = np.empty(len(xy))
    afstand[pi] = d
    return afstand


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_zelfde_afstand_als_geos_en_laagste_index_bij_gelijke_afstand(seed: int) -> None:
    rng = np.random.default_rng(seed)
    net = _net(rng)
    xy = _punten(rng, net)
    kant, afstand = _nearest(net.kant_geometrie, xy)
    assert np.array_equal(afstand, _geos(net.kant_geometrie, xy))
    # brute force: every point against every segment, GEOS' distance
    alle = shapely.distance(net.kant_geometrie[None, :], shapely.points(xy)[:, None])
    assert np.array_equal(afstand, alle.min(axis=1))
    laagste = np.argmax(alle == alle.min(axis=1, keepdims=True), axis=1)
    assert np.array_equal(kant, laagste)
    assert (alle == afstand[:, None]).sum(axis=1).max() > 1  # the data do hold ties


@pytest.mark.parametrize("seed", [4, 5])
def test_positie_is_line_locate_point(seed: int) -> None:
    rng = np.random.default_rng(seed)
    net = _net(rng)
    xy = _punten(rng, net)
    kop = snap_to_edges(net, gpd.GeoSeries(shapely.points(xy), crs="EPSG:28992"), max_snap_m=250)
    assert isinstance(kop, Koppeling)
    vast = ~kop.los
    assert kop.los.sum() > 0 and vast.sum() > 0
    verwacht = shapely.line_locate_point(
        net.kant_geometrie[kop.kant[vast]], shapely.points(xy[vast]), normalized=True
    )
    verwacht = np.clip(np.nan_to_num(verwacht, nan=0.0), 0.0, 1.0)
    assert np.array_equal(kop.fractie[vast], verwacht)
    assert np.array_equal(kop.los, ~(kop.afstand_m <= 250))
    assert (kop.kant[kop.los] == -1).all()


def test_lege_invoer_en_een_segment() -> None:
    net = with_segments(
        compile_arrays(
            np.array([[0.0, 0.0], [100.0, 0.0]]), np.array([0]), np.array([1]), np.array([100.0])
        )
    )
    leeg = snap_to_edges(net, gpd.GeoSeries([], crs="EPSG:28992"), max_snap_m=10)
    assert len(leeg.kant) == 0
    kop = snap_to_edges(
        net,
        gpd.GeoSeries(shapely.points([[25.0, 3.0], [-4.0, 3.0], [50.0, 500.0]]), crs="EPSG:28992"),
        max_snap_m=10,
    )
    assert kop.kant.tolist() == [0, 0, -1]
    assert kop.afstand_m.tolist() == [3.0, 5.0, 500.0]
    assert kop.fractie.tolist() == [0.25, 0.0, 0.0]
