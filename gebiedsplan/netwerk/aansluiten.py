"""Attaching points to the street network: snapping, facilities as leaves, demand-point entries.

Snapping
--------
:func:`snap_to_edges` projects points onto the nearest segment of a
:class:`~gebiedsplan.netwerk.graaf.Netwerk` (a grid of the segments' straight parts searched by
the compiled kernel of :mod:`~gebiedsplan.netwerk._snapkern`, with GEOS' arithmetic, so the
distances and positions of ``shapely.distance`` and ``line_locate_point``): a point enters the graph at both ends of that segment with the partial
lengths, plus its straight-line snap distance, which is part of every route. Points further than
``max_snap_m`` (default :data:`MAX_SNAP_M`) from any segment are flagged (``los``), never
silently attached: they get no distance. :func:`snap` is the plain nearest-node snap (KD-tree).

Facilities and demand points
----------------------------
:func:`insert_punten` adds points (facilities) to the graph as nodes of their own: the segment
gets a node at the projection, the facility a leaf node at the snap distance from it. Demand
points are not inserted; they use :func:`ingangen`: entry nodes and offsets at both ends of their
piece of segment (between split nodes), on a one-way segment only at the forward end. That is
exact also when a demand point and a facility lie on the same segment. :func:`connect_points`
does all of it for a layer of demand points and one of facilities and returns an
:class:`Aansluiting`, which the searches of :mod:`gebiedsplan.netwerk.zoeken` take;
:func:`build_aansluiting` makes one from snap results already known.

The straight line from a point to its projection (the snap distance) is part of every route
by default: a walker crosses it. With ``snap_meetellen=False`` it is not: distances run from
the projection of the one point over the network to the projection of the other, as CBS
Nabijheid measures "over de weg" (an address is projected perpendicularly on the road network
and the distance is measured from that point; see :mod:`gebiedsplan.analyse.vergelijk`). The
snap distance is still reported (``Aansluiting.vraag_snap_m``, ``vz_snap_m``) and points further
than ``max_snap_m`` are still flagged.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

import geopandas as gpd
import numpy as np
import shapely
from scipy.spatial import cKDTree

from gebiedsplan import settings
from gebiedsplan._validate import check_projected, check_same_crs
from gebiedsplan.errors import GebiedsplanError
from gebiedsplan.netwerk.graaf import Netwerk, append_edges, compute_rek

log = logging.getLogger(__name__)

#: Points further than this from any street segment are not attached to it (flagged instead);
#: the default is ``settings.max_snap_m``.
MAX_SNAP_M = settings.max_snap_m


def _punt_geoms(punten: gpd.GeoSeries | gpd.GeoDataFrame) -> np.ndarray:
    geoms = punten.geometry if isinstance(punten, gpd.GeoDataFrame) else punten
    arr = np.asarray(geoms.to_numpy())
    if len(arr) and (shapely.is_missing(arr).any() or (shapely.get_type_id(arr) != 0).any()):
        raise GebiedsplanError(
            "Snappen vraagt puntgeometrie, één punt per rij; zet vlakken om met "
            ".representative_point()."
        )
    return arr


def _punt_xy(punten: gpd.GeoSeries | gpd.GeoDataFrame) -> np.ndarray:
    return shapely.get_coordinates(_punt_geoms(punten))


def snap(
    netwerk: Netwerk, punten: gpd.GeoSeries | gpd.GeoDataFrame
) -> tuple[np.ndarray, np.ndarray]:
    """Snap points to their nearest network node (KD-tree).

    Returns
    -------
    (knopen, afstand_m)
        Row of the nearest node and the straight-line snap distance in metres, per point.

    Examples
    --------
    >>> from gebiedsplan.bronnen.demo import build_demo
    >>> from gebiedsplan.netwerk.graaf import compile_netwerk
    >>> demo = build_demo()
    >>> knopen, afstand = snap(compile_netwerk(demo.netwerk), demo.voorzieningen)
    >>> bool(afstand.max() < 100)
    True
    """
    xy = _punt_xy(punten)
    if len(xy) == 0:
        return np.empty(0, dtype=np.int64), np.empty(0)
    afstand, knopen = cKDTree(netwerk.xy).query(xy)
    return knopen.astype(np.int64), afstand


@dataclass(frozen=True)
class Koppeling:
    """Where points meet the network (result of :func:`snap_to_edges`).

    Attributes
    ----------
    kant
        Segment index per point (into ``Netwerk.kant_*``); -1 where the point is ``los``.
    fractie
        Position of the projection along the segment geometry, 0 at ``van_knoop``, 1 at
        ``naar_knoop``.
    afstand_m
        Straight-line distance from the point to the segment (also for ``los`` points).
    los
        True where that distance exceeds ``max_snap_m``: the point is not attached.
    """

    kant: np.ndarray
    fractie: np.ndarray
    afstand_m: np.ndarray
    los: np.ndarray


def with_segments(netwerk: Netwerk) -> Netwerk:
    """Segments for snapping: a network compiled from arrays gets straight lines between its
    nodes; one built by hand from a matrix gets them from its matrix entries.

    Examples
    --------
    >>> from gebiedsplan.netwerk.graaf import compile_arrays
    >>> net = compile_arrays(np.array([[0., 0.], [100., 0.]]), np.array([0]), np.array([1]),
    ...     np.array([100.]))
    >>> with_segments(net).kant_geometrie[0].wkt
    'LINESTRING (0 0, 100 0)'
    """
    if netwerk.kant_geometrie is not None:
        return netwerk
    if netwerk.kant_van is not None and netwerk.kant_naar is not None:
        geoms = shapely.linestrings(
            np.stack([netwerk.xy[netwerk.kant_van], netwerk.xy[netwerk.kant_naar]], axis=1)
        )
        return replace(netwerk, kant_geometrie=np.asarray(geoms))
    coo = netwerk.graaf.tocoo()
    a, b, w = np.asarray(coo.row), np.asarray(coo.col), np.asarray(coo.data)
    gespiegeld = netwerk.graaf_terug is netwerk.graaf
    if gespiegeld:
        keep = a < b
        a, b, w = a[keep], b[keep], w[keep]
    geoms = shapely.linestrings(np.stack([netwerk.xy[a], netwerk.xy[b]], axis=1))
    return replace(
        netwerk,
        kant_van=a.astype(np.int64),
        kant_naar=b.astype(np.int64),
        kant_lengte_m=w,
        kant_eenrichting=np.full(len(a), not gespiegeld),
        kant_geometrie=np.asarray(geoms),
    )


@dataclass(frozen=True)
class _Snapindex:
    """The straight parts of a network's segments on a grid, for snapping (:func:`snap_to_edges`).

    ``a``/``b``: ends of every straight part (vertex to vertex) of every segment, in segment
    order; ``kant``: its segment; ``twee_punten``: per segment, whether it is one straight
    line; ``raster``: the grid of :func:`gebiedsplan.netwerk._snapkern.build_raster`.
    """

    a: np.ndarray
    b: np.ndarray
    kant: np.ndarray
    twee_punten: np.ndarray
    raster: tuple[np.ndarray, np.ndarray, float, float, float, int, int]


def _build_snapindex(segmenten: np.ndarray) -> _Snapindex:
    from gebiedsplan.netwerk._snapkern import build_raster

    xy, wie = shapely.get_coordinates(segmenten, return_index=True)
    zelfde = wie[1:] == wie[:-1]
    a = np.ascontiguousarray(xy[:-1][zelfde])
    b = np.ascontiguousarray(xy[1:][zelfde])
    kant = wie[:-1][zelfde].astype(np.int64)
    twee_punten = np.bincount(kant, minlength=len(segmenten)) == 1
    raster = (
        build_raster(a, b)
        if len(a)
        else (np.zeros(2, np.int64), np.zeros(0, np.int64), 0.0, 0.0, 1.0, 1, 1)
    )
    return _Snapindex(a, b, kant, twee_punten, raster)


def _fractie_recht(xy: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``line_locate_point(normalized=True)`` on straight lines, GEOS' arithmetic
    (``LengthIndexOfPoint``: projection factor clamped to the segment, times its length, over
    its length); NaN for a line of length 0, as GEOS."""
    px, py = xy[:, 0], xy[:, 1]
    ax, ay, bx, by = a[:, 0], a[:, 1], b[:, 0], b[:, 1]
    dx, dy = bx - ax, by - ay
    len2 = dx * dx + dy * dy
    lengte = np.sqrt((ax - bx) * (ax - bx) + (ay - by) * (ay - by))
    with np.errstate(invalid="ignore", divide="ignore"):
        r = ((px - ax) * dx + (py - ay) * dy) / len2
        r = np.where((px == ax) & (py == ay), 0.0, np.where((px == bx) & (py == by), 1.0, r))
        maat = np.where(r <= 0.0, 0.0, np.where(r <= 1.0, r * lengte, lengte))
        return maat / lengte


_laatste_index: list[tuple[np.ndarray, _Snapindex]] = []


def _snapindex(segmenten: np.ndarray) -> _Snapindex:
    """The snapping index of a network's segments; the last one is kept, so repeated snapping
    onto the same network (scenarios, the benchmark) does not rebuild it. The entry is read
    once, so a thread that replaces it in between cannot hand over another network's index."""
    laatste = _laatste_index[0] if _laatste_index else None
    if laatste is not None and laatste[0] is segmenten:
        return laatste[1]
    index = _build_snapindex(segmenten)
    _laatste_index[:] = [(segmenten, index)]
    return index


def _nearest(segmenten: np.ndarray, xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Nearest segment of every point and the distance to it, exact (GEOS' arithmetic; among
    equally near segments the lowest index): :func:`gebiedsplan.netwerk._snapkern.dichtstbij`,
    the points taken cell by cell (neighbours search the same cells: several times faster than
    in input order)."""
    from gebiedsplan.netwerk._kernels import dichtstbij

    index = _snapindex(segmenten)
    _, _, x0, y0, cel, nx, ny = index.raster
    cx = np.clip((xy[:, 0] - x0) // cel, 0, nx - 1)
    cy = np.clip((xy[:, 1] - y0) // cel, 0, ny - 1)
    volgorde = np.argsort(cy * nx + cx, kind="stable")
    kant = np.empty(len(xy), dtype=np.int64)
    afstand = np.empty(len(xy))
    kant[volgorde], afstand[volgorde] = dichtstbij(
        np.ascontiguousarray(xy[volgorde], dtype=np.float64),
        index.a,
        index.b,
        index.kant,
        *index.raster,
    )
    return kant, afstand


def snap_to_edges(
    netwerk: Netwerk,
    punten: gpd.GeoSeries | gpd.GeoDataFrame,
    *,
    max_snap_m: float,
) -> Koppeling:
    """Project points onto their nearest segment; flag points further than ``max_snap_m``.

    The nearest segment comes from a grid of the segments' straight parts, built once per
    network, searched by a compiled kernel (:mod:`gebiedsplan.netwerk._snapkern`) with GEOS'
    distance arithmetic: distances and positions are the numbers shapely gives
    (``shapely.distance``, ``line_locate_point``, the latter computed directly on straight
    segments). Among equally near segments the lowest index wins.

    Examples
    --------
    >>> from gebiedsplan.bronnen.demo import build_demo
    >>> from gebiedsplan.netwerk.graaf import compile_netwerk
    >>> demo = build_demo()
    >>> kop = snap_to_edges(compile_netwerk(demo.netwerk), demo.voorzieningen, max_snap_m=250)
    >>> bool(kop.los.any()), bool(kop.afstand_m.max() < 100)
    (False, True)
    """
    netwerk = with_segments(netwerk)
    assert netwerk.kant_geometrie is not None
    pts = _punt_geoms(punten)
    xy = shapely.get_coordinates(pts)
    n = len(xy)
    fractie = np.zeros(n)
    if n == 0:
        return Koppeling(
            np.full(0, -1, dtype=np.int64), fractie, np.full(0, np.inf), np.zeros(0, dtype=bool)
        )
    kant, afstand = _nearest(netwerk.kant_geometrie, xy)
    los = ~(afstand <= max_snap_m)
    if los.any():
        log.debug("%d punten verder dan %.0f m van het netwerk", int(los.sum()), max_snap_m)
    kant[los] = -1
    vast = np.flatnonzero(~los)
    index = _snapindex(netwerk.kant_geometrie)
    recht = index.twee_punten[kant[vast]]
    if recht.any():
        # a straight segment is its only part: ends from the index (first part of the segment)
        eerste = np.searchsorted(index.kant, kant[vast[recht]])
        fractie[vast[recht]] = _fractie_recht(xy[vast[recht]], index.a[eerste], index.b[eerste])
    if (~recht).any():
        krom = vast[~recht]
        fractie[krom] = shapely.line_locate_point(
            netwerk.kant_geometrie[kant[krom]], pts[krom], normalized=True
        )
    fractie = np.nan_to_num(fractie, nan=0.0)  # zero-length segments
    return Koppeling(kant=kant, fractie=np.clip(fractie, 0.0, 1.0), afstand_m=afstand, los=los)


@dataclass(frozen=True)
class Invoeging:
    """A network with points inserted as leaf nodes (result of :func:`insert_punten`).

    Attributes
    ----------
    netwerk
        The grown network (original rows first, then split nodes, then leaves).
    blad
        Leaf row per inserted point; -1 where the point is ``los``.
    split_kant, split_fractie, split_rij
        The split nodes, sorted by segment and position: segment, position and row.
    """

    netwerk: Netwerk
    blad: np.ndarray
    split_kant: np.ndarray
    split_fractie: np.ndarray
    split_rij: np.ndarray


def insert_punten(
    netwerk: Netwerk, koppeling: Koppeling, xy: np.ndarray, *, snap_meetellen: bool = True
) -> Invoeging:
    """Insert points (facilities) into the graph: a node at each projection, a leaf per point.

    The segment is split at the projections (pieces of ``fractie × lengte_m``; one-way segments
    stay one-way); the original segment stays too (a parallel path of the same length). Each
    point becomes a leaf joined to its projection node by an edge of its snap distance, so a
    route to the point includes the snap distance and several points at one place are
    separate leaves. With ``snap_meetellen=False`` the leaf lies at the projection itself, on
    an edge of length 0 (the route ends where the point meets the street). Points flagged
    ``los`` are not inserted.

    Parameters
    ----------
    netwerk
        Compiled network.
    koppeling
        :func:`snap_to_edges` of the points.
    xy
        Coordinates of the points (n × 2).
    snap_meetellen
        Whether the snap distance is part of a route to the point (default) or not.

    Examples
    --------
    >>> from gebiedsplan.netwerk.graaf import compile_arrays
    >>> net = compile_arrays(np.array([[0., 0.], [100., 0.]]), np.array([0]), np.array([1]),
    ...     np.array([100.]))
    >>> kop = Koppeling(np.array([0, 0]), np.array([0.5, 0.5]), np.array([3., 7.]),
    ...     np.zeros(2, bool))
    >>> inv = insert_punten(net, kop, np.array([[50., 3.], [50., -7.]]))
    >>> inv.netwerk.n_knopen, inv.blad.tolist()  # 2 nodes + 1 split node + 2 leaves
    (5, [3, 4])
    """
    netwerk = with_segments(netwerk)
    assert netwerk.kant_van is not None and netwerk.kant_naar is not None
    assert netwerk.kant_lengte_m is not None and netwerk.kant_eenrichting is not None
    assert netwerk.kant_geometrie is not None
    n0 = netwerk.n_knopen
    vast = np.flatnonzero(~koppeling.los)
    kant = koppeling.kant[vast]
    fr = koppeling.fractie[vast]
    # one split node per (segment, position)
    if len(vast):
        paren, hang_i = np.unique(
            np.column_stack([kant.astype(float), fr]), axis=0, return_inverse=True
        )
        s_kant = paren[:, 0].astype(np.int64)
        s_fr = paren[:, 1]
    else:
        hang_i = np.empty(0, dtype=np.int64)
        s_kant = np.empty(0, dtype=np.int64)
        s_fr = np.empty(0)
    n_split = len(s_kant)
    s_rij = n0 + np.arange(n_split)
    hang = s_rij[np.asarray(hang_i).ravel()]
    blad = np.full(len(koppeling.kant), -1, dtype=np.int64)
    blad[vast] = n0 + n_split + np.arange(len(vast))
    n = n0 + n_split + len(vast)

    s_xy = (
        shapely.get_coordinates(
            shapely.line_interpolate_point(netwerk.kant_geometrie[s_kant], s_fr, normalized=True)
        )
        if n_split
        else np.empty((0, 2))
    )
    blad_xy = np.asarray(xy, dtype=float)[vast] if snap_meetellen else s_xy[hang - n0]
    xy_all = np.concatenate([netwerk.xy, s_xy, blad_xy.reshape(-1, 2)])

    # pieces along each split segment: van -> s1 -> ... -> sk -> naar
    L = netwerk.kant_lengte_m[s_kant]
    nieuw_seg = np.ones(n_split, dtype=bool)
    nieuw_seg[1:] = s_kant[1:] != s_kant[:-1]
    laatste = np.ones(n_split, dtype=bool)
    laatste[:-1] = nieuw_seg[1:]
    vorige_rij = np.where(nieuw_seg, netwerk.kant_van[s_kant], np.r_[-1, s_rij[:-1]])
    vorige_fr = np.where(nieuw_seg, 0.0, np.r_[0.0, s_fr[:-1]])
    a_list = [vorige_rij, s_rij[laatste]]
    b_list = [s_rij, netwerk.kant_naar[s_kant[laatste]]]
    w_list = [(s_fr - vorige_fr) * L, (1.0 - s_fr[laatste]) * L[laatste]]
    een = np.concatenate(
        [netwerk.kant_eenrichting[s_kant], netwerk.kant_eenrichting[s_kant[laatste]]]
    )
    pa, pb, pw = np.concatenate(a_list), np.concatenate(b_list), np.concatenate(w_list)
    pw = np.maximum(pw, 0.0)
    # leaves: both directions
    la, lb = hang, blad[vast]
    lw = koppeling.afstand_m[vast] if snap_meetellen else np.zeros(len(vast))
    a = np.concatenate([pa, pb[~een], la, lb])
    b = np.concatenate([pb, pa[~een], lb, la])
    w = np.concatenate([pw, pw[~een], lw, lw])
    graaf = append_edges(netwerk.graaf, n, a, b, w)
    terug = None
    if netwerk.terug is not None:
        terug = append_edges(netwerk.terug, n, b, a, w)
    rek = max(netwerk.rek, compute_rek(xy_all, a, b, w))
    grown = replace(
        netwerk,
        xy=xy_all,
        graaf=graaf,
        terug=terug,
        rek=rek,
        knoop_ids=np.concatenate([netwerk.knoop_ids, np.full(n - n0, -1)]),
    )
    return Invoeging(
        netwerk=grown, blad=blad, split_kant=s_kant, split_fractie=s_fr, split_rij=s_rij
    )


def ingangen(
    invoeging: Invoeging | Netwerk, koppeling: Koppeling, *, snap_meetellen: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """Entry nodes of points into a (grown) network and the distance to each, snap included
    (unless ``snap_meetellen=False``: then from the projection on).

    A point on a two-way segment enters at both ends of its piece (between split nodes), a
    point on a one-way segment only at the forward end. Points flagged ``los`` get no entry.

    Returns
    -------
    (rijen, afstand_m)
        Arrays (n × 2): entry rows (-1 for none) and the distance from the point to each entry.

    Examples
    --------
    >>> from gebiedsplan.netwerk.graaf import compile_arrays
    >>> net = compile_arrays(np.array([[0., 0.], [100., 0.]]), np.array([0]), np.array([1]),
    ...     np.array([100.]))
    >>> kop = Koppeling(np.array([0]), np.array([0.25]), np.array([4.]), np.zeros(1, bool))
    >>> rijen, afstand = ingangen(net, kop)
    >>> afstand.tolist()  # 4 m to the street, then 25 m back or 75 m on
    [[29.0, 79.0]]
    >>> ingangen(net, kop, snap_meetellen=False)[1].tolist()
    [[25.0, 75.0]]
    """
    if isinstance(invoeging, Netwerk):
        net = with_segments(invoeging)
        invoeging = Invoeging(
            net, np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0), np.empty(0, np.int64)
        )
    net = invoeging.netwerk
    assert net.kant_van is not None and net.kant_naar is not None
    assert net.kant_lengte_m is not None and net.kant_eenrichting is not None
    n = len(koppeling.kant)
    rijen = np.full((n, 2), -1, dtype=np.int64)
    afstand = np.full((n, 2), np.inf)
    vast = np.flatnonzero(~koppeling.los)
    if len(vast) == 0:
        return rijen, afstand
    k = koppeling.kant[vast]
    t = koppeling.fractie[vast]
    L = net.kant_lengte_m[k]
    links_rij = net.kant_van[k].copy()
    links_fr = np.zeros(len(k))
    rechts_rij = net.kant_naar[k].copy()
    rechts_fr = np.ones(len(k))
    sk, sf, sr = invoeging.split_kant, invoeging.split_fractie, invoeging.split_rij
    if len(sk):
        # only points on a split segment get other ends; exact search per segment there:
        # key = dense segment rank * 2 + position (position in [0, 1])
        segs = np.unique(sk)
        gesplitst = np.zeros(len(net.kant_van), dtype=bool)
        gesplitst[segs] = True
        op = np.flatnonzero(gesplitst[k])
        s_sleutel = np.searchsorted(segs, sk) * 2.0 + sf
        r = np.searchsorted(segs, k[op])
        # the first split at or after t: a point at the very place of a facility on a one-way
        # segment (an address geocoded to the same spot) enters there, not only past it
        pos = np.searchsorted(s_sleutel, r * 2.0 + t[op], side="left")
        na_ok = pos < len(sk)
        na_ok[na_ok] = sk[pos[na_ok]] == k[op[na_ok]]
        rechts_rij[op[na_ok]] = sr[pos[na_ok]]
        rechts_fr[op[na_ok]] = sf[pos[na_ok]]
        voor = pos - 1
        voor_ok = voor >= 0
        voor_ok[voor_ok] = sk[voor[voor_ok]] == k[op[voor_ok]]
        links_rij[op[voor_ok]] = sr[voor[voor_ok]]
        links_fr[op[voor_ok]] = sf[voor[voor_ok]]
    snapd = koppeling.afstand_m[vast] if snap_meetellen else np.zeros(len(vast))
    een = net.kant_eenrichting[k]
    rijen[vast, 1] = rechts_rij
    afstand[vast, 1] = snapd + np.maximum(rechts_fr - t, 0.0) * L
    twee = vast[~een]
    rijen[twee, 0] = links_rij[~een]
    afstand[twee, 0] = snapd[~een] + np.maximum(t - links_fr, 0.0)[~een] * L[~een]
    return rijen, afstand


@dataclass(frozen=True)
class Aansluiting:
    """Demand points and facilities attached to one network (result of :func:`connect_points`).

    Attributes
    ----------
    netwerk
        The network with the facilities inserted as leaf nodes.
    vraag_rij, vraag_afstand_m
        Entry rows (n × 2, -1 for none) and distances of the demand points.
    vraag_snap_m, vraag_los
        Snap distance of every demand point and whether it is flagged (not attached).
    blad
        Leaf row of every facility (-1 where flagged).
    vz_snap_m, vz_los
        Snap distance and flag of every facility.
    """

    netwerk: Netwerk
    vraag_rij: np.ndarray
    vraag_afstand_m: np.ndarray
    vraag_snap_m: np.ndarray
    vraag_los: np.ndarray
    blad: np.ndarray
    vz_snap_m: np.ndarray
    vz_los: np.ndarray


def connect_points(
    vraagpunten: gpd.GeoDataFrame,
    voorzieningen: gpd.GeoDataFrame,
    netwerk: Netwerk,
    *,
    max_snap_m: float = MAX_SNAP_M,
    vraag_koppeling: Koppeling | None = None,
    snap_meetellen: bool = True,
) -> Aansluiting:
    """Attach demand points and facilities to the network (snap, insert, entries).

    Flagged points (further than ``max_snap_m`` from any segment) are logged (INFO) with their
    number (and inhabitants, for demand points) and not attached; the analyses report them
    (residents "niet geanalyseerd", facilities by name in ``Analyse.niet_aangesloten``). ``vraag_koppeling``: the demand
    points' snap (:func:`snap_to_edges` on ``netwerk`` with ``max_snap_m``) when it is already
    known; then only the facilities are snapped. ``snap_meetellen``: whether the straight lines
    from the points to the network are part of the distances (default; module docstring).

    Examples
    --------
    >>> from gebiedsplan.bronnen.demo import build_demo
    >>> from gebiedsplan.netwerk.graaf import compile_netwerk
    >>> demo = build_demo()
    >>> a = connect_points(demo.vraagpunten, demo.voorzieningen, compile_netwerk(demo.netwerk))
    >>> int(a.vraag_los.sum()), int((a.blad >= 0).sum()) == len(demo.voorzieningen)
    (0, True)
    """
    check_projected(vraagpunten, wat="Laag vraagpunten")
    check_same_crs(vraagpunten, voorzieningen, wat_a="Laag vraagpunten", wat_b="laag voorzieningen")
    netwerk = with_segments(netwerk)
    nv = len(voorzieningen)
    if vraag_koppeling is not None:
        if len(vraag_koppeling.kant) != len(vraagpunten):
            raise GebiedsplanError(
                f"vraag_koppeling hoort bij {len(vraag_koppeling.kant)} vraagpunten, niet bij "
                f"{len(vraagpunten)}; bereken hem opnieuw met snap_to_edges."
            )
        vz_kop = snap_to_edges(netwerk, voorzieningen.geometry, max_snap_m=max_snap_m)
        vp_kop = vraag_koppeling
    else:
        # one projection for both layers (one tree, one pass in Hilbert order)
        beide = gpd.GeoSeries(
            np.concatenate([voorzieningen.geometry.to_numpy(), vraagpunten.geometry.to_numpy()]),
            crs=vraagpunten.crs,
        )
        kop = snap_to_edges(netwerk, beide, max_snap_m=max_snap_m)
        vz_kop = Koppeling(kop.kant[:nv], kop.fractie[:nv], kop.afstand_m[:nv], kop.los[:nv])
        vp_kop = Koppeling(kop.kant[nv:], kop.fractie[nv:], kop.afstand_m[nv:], kop.los[nv:])
    if vz_kop.los.any():
        log.info(
            "%d voorzieningen liggen verder dan %.0f m van het netwerk en doen niet mee: %s",
            int(vz_kop.los.sum()),
            max_snap_m,
            ", ".join(voorzieningen.index[vz_kop.los].astype(str)[:10]),
        )
    vz_xy = shapely.get_coordinates(np.asarray(voorzieningen.geometry.to_numpy()))
    if vp_kop.los.any():
        inwoners = (
            int(vraagpunten["inwoners"].to_numpy()[vp_kop.los].sum())
            if "inwoners" in vraagpunten.columns
            else 0
        )
        log.info(
            "%d vraagpunten (%d inwoners) liggen verder dan %.0f m van het netwerk en worden "
            "niet geanalyseerd",
            int(vp_kop.los.sum()),
            inwoners,
            max_snap_m,
        )
    return build_aansluiting(netwerk, vz_kop, vz_xy, vp_kop, snap_meetellen=snap_meetellen)


def build_aansluiting(
    netwerk: Netwerk,
    vz_koppeling: Koppeling,
    vz_xy: np.ndarray,
    vraag_koppeling: Koppeling,
    *,
    snap_meetellen: bool = True,
) -> Aansluiting:
    """An :class:`Aansluiting` from snap results (:func:`snap_to_edges`).

    The facilities are inserted as leaves (:func:`insert_punten`), the demand
    points get their entries (:func:`ingangen`); ``snap_meetellen`` as in
    :func:`connect_points`.
    """
    netwerk = with_segments(netwerk)
    invoeging = insert_punten(netwerk, vz_koppeling, vz_xy, snap_meetellen=snap_meetellen)
    rij, afstand = ingangen(invoeging, vraag_koppeling, snap_meetellen=snap_meetellen)
    return Aansluiting(
        netwerk=invoeging.netwerk,
        vraag_rij=rij,
        vraag_afstand_m=afstand,
        vraag_snap_m=vraag_koppeling.afstand_m,
        vraag_los=vraag_koppeling.los,
        blad=invoeging.blad,
        vz_snap_m=vz_koppeling.afstand_m,
        vz_los=vz_koppeling.los,
    )


__all__ = [
    "MAX_SNAP_M",
    "Aansluiting",
    "Invoeging",
    "Koppeling",
    "build_aansluiting",
    "connect_points",
    "ingangen",
    "insert_punten",
    "snap",
    "snap_to_edges",
    "with_segments",
]
