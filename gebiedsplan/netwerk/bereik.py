"""The reach of one facility over the network: the street pieces from which it lies within a
given walking distance (snap distance included)."""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np
import shapely
import shapely.ops
from scipy.sparse.csgraph import dijkstra

from gebiedsplan import settings
from gebiedsplan.errors import GebiedsplanError
from gebiedsplan.netwerk.aansluiten import (
    MAX_SNAP_M,
    insert_punten,
    snap_to_edges,
    with_segments,
)
from gebiedsplan.netwerk.graaf import Netwerk

__all__ = ["compute_bereik"]


def compute_bereik(
    netwerk: Netwerk,
    punt: shapely.Point,
    *,
    max_afstand_m: float,
    max_snap_m: float = MAX_SNAP_M,
) -> gpd.GeoDataFrame:
    """The network within ``max_afstand_m`` of a point: every street piece from which the
    point is reached over the network within that distance (snap distance included).

    The point is attached to its nearest segment as a facility is in the accessibility
    analysis (:func:`gebiedsplan.netwerk.aansluiten.insert_punten`); one Dijkstra search with a
    ``limit`` (scipy) runs towards it. A segment is reached from a node at distance ``d``
    over ``max_afstand_m - d`` metres from that node (both ways on a two-way segment, only
    up to the node on a one-way segment); the pieces of all such nodes are merged.

    Parameters
    ----------
    netwerk
        Compiled network (:func:`gebiedsplan.netwerk.graaf.compile_netwerk`).
    punt
        The facility, in EPSG:28992.
    max_afstand_m
        The distance (the norm of its category).
    max_snap_m
        A point further from the network is not attached.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per reached piece: ``kant`` (segment index, -1 for the line from the point
        to the network), ``van_m`` and ``tot_m`` (position along the segment), ``lengte_m``;
        EPSG:28992.

    Raises
    ------
    GebiedsplanError
        When the point lies further than ``max_snap_m`` from the network.

    Examples
    --------
    >>> import numpy as np, shapely
    >>> from gebiedsplan.netwerk.graaf import compile_arrays
    >>> net = compile_arrays(np.array([[0., 0.], [100., 0.], [200., 0.]]), np.array([0, 1]),
    ...     np.array([1, 2]), np.array([100., 100.]))
    >>> stukken = compute_bereik(net, shapely.Point(50, 10), max_afstand_m=110)
    >>> round(float(stukken["lengte_m"].sum()), 1)  # 10 m to the street, 100 + 50 m along it
    160.0
    """
    net = with_segments(netwerk)
    assert net.kant_van is not None and net.kant_naar is not None
    assert net.kant_lengte_m is not None and net.kant_geometrie is not None
    assert net.kant_eenrichting is not None
    kop = snap_to_edges(net, gpd.GeoSeries([punt], crs=settings.crs), max_snap_m=max_snap_m)
    if kop.los[0]:
        raise GebiedsplanError(
            f"Het punt ({punt.x:.0f}, {punt.y:.0f}) ligt {kop.afstand_m[0]:.0f} m van het "
            f"wegennet, verder dan {max_snap_m:.0f} m: het bereik is niet te bepalen. Controleer "
            "of het netwerk dit deel van de gemeente dekt."
        )
    inv = insert_punten(net, kop, np.array([[punt.x, punt.y]]))
    blad = int(inv.blad[0])
    afstand = np.asarray(
        dijkstra(inv.netwerk.graaf_terug, directed=True, indices=blad, limit=max_afstand_m)
    )
    # sources of reach along each original segment: (segment, position in m, remaining m)
    n0 = net.n_knopen
    rest = max_afstand_m - afstand[:n0]
    kanten = np.arange(len(net.kant_van))
    L = np.asarray(net.kant_lengte_m, dtype=float)
    bron_kant = [kanten, kanten]
    bron_pos = [np.zeros(len(kanten)), L]
    bron_rest = [rest[net.kant_van], rest[net.kant_naar]]
    if len(inv.split_kant):
        bron_kant.append(inv.split_kant)
        bron_pos.append(inv.split_fractie * L[inv.split_kant])
        bron_rest.append(max_afstand_m - afstand[inv.split_rij])
    k = np.concatenate(bron_kant)
    pos = np.concatenate(bron_pos)
    r = np.concatenate(bron_rest)
    bereikt = np.isfinite(r) & (r >= 0)
    k, pos, r = k[bereikt], pos[bereikt], r[bereikt]
    rijen: list[dict[str, Any]] = []
    for kant in np.unique(k):
        deze = k == kant
        lengte = L[kant]
        eenrichting = bool(net.kant_eenrichting[kant])
        stukken = sorted(
            (max(0.0, p - q), min(lengte, p if eenrichting else p + q))
            for p, q in zip(pos[deze], r[deze], strict=True)
        )
        samen: list[list[float]] = []
        for a, b in stukken:
            if samen and a <= samen[-1][1] + 1e-9:
                samen[-1][1] = max(samen[-1][1], b)
            else:
                samen.append([a, b])
        geometrie = net.kant_geometrie[kant]
        for a, b in samen:
            if b - a < 0.01 or lengte <= 0:
                continue
            rijen.append(
                {
                    "kant": int(kant),
                    "van_m": a,
                    "tot_m": b,
                    "lengte_m": b - a,
                    "geometry": shapely.ops.substring(
                        geometrie, a / lengte, b / lengte, normalized=True
                    ),
                }
            )
    snap = float(kop.afstand_m[0])
    if 0 < snap <= max_afstand_m:
        kant = int(kop.kant[0])
        projectie = shapely.line_interpolate_point(
            net.kant_geometrie[kant], float(kop.fractie[0]), normalized=True
        )
        rijen.append(
            {
                "kant": -1,
                "van_m": 0.0,
                "tot_m": snap,
                "lengte_m": snap,
                "geometry": shapely.LineString([punt, projectie]),
            }
        )
    kolommen = ["kant", "van_m", "tot_m", "lengte_m", "geometry"]
    return gpd.GeoDataFrame(
        rijen if rijen else {c: [] for c in kolommen}, columns=kolommen, crs=settings.crs
    )
