"""A country from real files: streets, residents, facilities and boundaries as one :class:`Land`.

:func:`build_land_uit_bestanden` reads the national (or provincial) files once, with the readers
the gemeente import uses, and gives the arrays a national run (:func:`run_landelijk`)
partitions by spatial index:

- **streets** (:func:`read_straten`): a national ``.osm.pbf`` (Geofabrik
  ``netherlands-latest.osm.pbf``, 1.3 GB) is *streamed* with pyosmium in two passes, never turned
  into OSM XML or an osmnx graph: the ways that pass osmnx's way filter for the modus (the one
  rule of :func:`gebiedsplan.bronnen.osm.netwerk.wegfilter`, also used by ``read_netwerk``) and
  their node refs (pass 1), the coordinates of exactly those nodes (pass 2), projected to
  EPSG:28992 in one vectorised pyproj call. Everything is numpy arrays: about 40 bytes per node
  ref, so the Netherlands (some 30 million refs of walkable ways) fits in a few GB. A road
  GeoPackage works too: the store's ``netwerk`` layer, or Geofabrik roads through
  :func:`~gebiedsplan.bronnen.osm.netwerk.read_netwerk`.
- **residents**: the BAG (``bag-light.gpkg``, :func:`gebiedsplan.bronnen.bag.read_adressen`)
  read once, the CBS inhabitants of every buurt spread over its dwellings by
  :func:`gebiedsplan.bronnen.vraag.choose_vraagpunten`; without a BAG the same fallback as the
  gemeente import (points spread over the buurt). The provenance says which.
- **facilities**: OSM files and POI files through
  :func:`gebiedsplan.bronnen.osm.read_voorzieningen` (its categories), each point with its
  category (areas by their representative point, as the analyses do).
- **boundaries**: the CBS Wijk- en Buurtkaart through
  :func:`gebiedsplan.bronnen.pdok.read_wijken_buurten`, the kerncijfers through
  :func:`gebiedsplan.bronnen.cbs.read_kerncijfers`, for all gemeenten at once; a gemeente is
  the union of its wijken (as in the gemeente import).

Streets keep their shape
------------------------
By default (``knopen="kruisingen"``) only the nodes osmnx keeps when it simplifies a graph are
nodes (crossings and dead ends: nodes with other than two neighbours), and every street keeps
the points in between as its *shape* (:attr:`Land.kant_vorm_xy`): a national run snaps
residents and facilities onto the real, curved line, with the engine's own attach code, so it
snaps, measures and counts exactly as a gemeente's own analysis of the same streets. With
``knopen="vormpunten"`` every shape point is a node of its own and every street a straight
line: the same answers, on a graph with several times more nodes (for comparison, and for tools
that want straight edges).

Small pieces of network
-----------------------
A gemeente import keeps only the largest connected part of its road network, so a resident
beside a stray piece (a path behind a fence, a car park's lanes) snaps onto the main network.
A country cannot keep only its largest part (islands have roads of their own), so the
converter drops every connected piece with less than ``min_netwerkdeel_m`` of street together
(:data:`~gebiedsplan.landelijk.land.MIN_NETWERKDEEL_M`, 1 km; :func:`remove_kleine_delen`),
once, on the whole network it read, before any gemeente is cut out: the answer cannot depend
on the partitioning. The provenance says how many pieces and km were dropped.
"""

from __future__ import annotations

import logging
import time
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.sparse import coo_array
from scipy.sparse.csgraph import connected_components

from gebiedsplan._io import check_bestand
from gebiedsplan.errors import BronError, GebiedsplanError
from gebiedsplan.landelijk.land import (
    MIN_NETWERKDEEL_M,
    Land,
    lijn_lengte_m,
    select_vormen,
    vormen_van_lijnen,
)

log = logging.getLogger(__name__)

#: How streets become nodes and edges (module docstring); the first is the default.
KNOPEN = ("kruisingen", "vormpunten")
#: File names that are OSM files (streamed), the rest are GIS vector files.
_OSM_EINDEN = (".osm.pbf", ".pbf", ".osm", ".osm.bz2", ".osm.gz")


@dataclass(frozen=True)
class Straten:
    """A street network as arrays (result of :func:`read_straten`).

    Attributes
    ----------
    knoop_id
        Id of every node: the OSM node id for OSM files, else a number from 0.
    knoop_xy
        Node coordinates (n × 2, EPSG:28992 metres).
    kant_van, kant_naar
        The ends of every street (positions in ``knoop_xy``); a street appears once.
    kant_lengte_m
        Its length along the real line (sum of its projected segments).
    bron
        The file, how it was read, and its date, for the provenance.
    kant_vorm_ptr, kant_vorm_xy
        The streets' shape points, as :attr:`Land.kant_vorm_ptr` and :attr:`Land.kant_vorm_xy`
        (None: every street straight, as with ``knopen="vormpunten"``).
    """

    knoop_id: np.ndarray
    knoop_xy: np.ndarray
    kant_van: np.ndarray
    kant_naar: np.ndarray
    kant_lengte_m: np.ndarray
    bron: str
    kant_vorm_ptr: np.ndarray | None = None
    kant_vorm_xy: np.ndarray | None = None

    @property
    def lengte_km(self) -> float:
        """Total street length."""
        return float(self.kant_lengte_m.sum()) / 1000.0


def _is_osm(path: Path) -> bool:
    return path.name.lower().endswith(_OSM_EINDEN)


def _check_knopen(knopen: str) -> None:
    if knopen not in KNOPEN:
        raise GebiedsplanError(
            f"knopen={knopen!r} bestaat niet; kies {' of '.join(KNOPEN)} (kruisingen: knopen "
            "op kruisingen, de straten houden hun vorm; vormpunten: elk vormpunt een knoop)."
        )


# --------------------------------------------------------------------------- OSM, streamed


def _osm_fout(path: Path, exc: Exception) -> BronError:
    return BronError(
        f"Bestand {path} is niet te lezen als OSM-bestand ({exc}). Verwacht een .osm.pbf-"
        "uittreksel, bv. netherlands-latest.osm.pbf van download.geofabrik.de; download het "
        "opnieuw als het afgebroken is."
    )


def stream_osm_wegen(
    path: str | Path, *, modus: str = "lopen"
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Stream the ways of ``modus`` from an OSM file: node refs and their coordinates.

    Two passes with pyosmium, nothing but arrays kept: (1) the ways with a ``highway`` tag that
    pass :func:`~gebiedsplan.bronnen.osm.netwerk.wegfilter`, their node refs; (2) the
    locations of exactly those nodes (an id filter in libosmium, so the other hundreds of
    millions of nodes never reach Python).

    Returns
    -------
    refs
        The node ids of every way, one after the other (int64).
    ptr
        ``refs[ptr[i]:ptr[i + 1]]`` are the nodes of way ``i``.
    knoop_id
        The distinct node ids that were found, sorted.
    lonlat
        Their longitude and latitude (n × 2).

    Raises
    ------
    BronError
        The file is missing, not an OSM file, or has no ways for the modus.
    """
    import osmium

    from gebiedsplan.bronnen.osm.netwerk import wegfilter

    path = check_bestand(path, wat="OSM-bestand")
    houden = wegfilter(modus)
    refs = array("q")
    ptr = array("q", [0])
    n_wegen = 0
    try:
        wegen = osmium.FileProcessor(str(path), osmium.osm.WAY).with_filter(
            osmium.filter.KeyFilter("highway")
        )
        w: Any  # an osmium.osm.Way (the processor reads ways only)
        for w in wegen:
            n_wegen += 1
            if houden(w.tags):  # a TagList answers .get() like a dict, without copying
                refs.extend([n.ref for n in w.nodes])
                ptr.append(len(refs))
    except RuntimeError as exc:
        raise _osm_fout(path, exc) from None
    if len(ptr) == 1:
        raise BronError(
            f"Bestand {path}: geen wegen voor {modus} ({n_wegen} wegen met een highway-tag, "
            "geen die door het osmnx-wegfilter komt). Is het een OSM-uittreksel met wegen?"
        )
    r = np.frombuffer(refs, dtype=np.int64)
    gezocht = np.unique(r)
    ids = array("q")
    lon = array("d")
    lat = array("d")
    try:
        knopen = osmium.FileProcessor(str(path), osmium.osm.NODE).with_filter(
            osmium.filter.IdFilter(gezocht)
        )
        n: Any  # an osmium.osm.Node
        for n in knopen:
            loc = n.location
            if loc.valid():
                ids.append(n.id)
                lon.append(loc.lon)
                lat.append(loc.lat)
    except RuntimeError as exc:
        raise _osm_fout(path, exc) from None
    knoop_id = np.frombuffer(ids, dtype=np.int64)
    orde = np.argsort(knoop_id, kind="stable")
    lonlat = np.column_stack([np.frombuffer(lon), np.frombuffer(lat)])[orde]
    log.info(
        "%s: %d wegen voor %s, %d knoopverwijzingen, %d van %d knopen gevonden",
        path.name,
        len(ptr) - 1,
        modus,
        len(r),
        len(knoop_id),
        len(gezocht),
    )
    return r, np.frombuffer(ptr, dtype=np.int64), knoop_id[orde], lonlat


def _segmenten(
    refs: np.ndarray, ptr: np.ndarray, knoop_id: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The straight pieces of all ways as pairs of node positions, each piece once (two ways
    over the same nodes are one street), without pieces touching a node the file lacks."""
    pos = np.searchsorted(knoop_id, refs)
    pos = np.minimum(pos, max(len(knoop_id) - 1, 0))
    gevonden = (knoop_id[pos] == refs) if len(knoop_id) else np.zeros(len(refs), dtype=bool)
    if not gevonden.all():
        log.warning(
            "%d knoopverwijzingen van wegen staan niet in het bestand (een uittreksel zonder "
            "complete wegen?); de stukken weg ernaar zijn weggelaten",
            int((~gevonden).sum()),
        )
    binnen = np.ones(len(refs), dtype=bool)  # piece i -> i+1 inside one way
    binnen[ptr[1:-1] - 1] = False
    binnen[-1] = False
    i = np.flatnonzero(binnen & gevonden & np.r_[gevonden[1:], False])
    a, b = pos[i], pos[i + 1]
    a, b = a[a != b], b[a != b]
    paar = np.unique(np.column_stack([np.minimum(a, b), np.maximum(a, b)]), axis=0)
    return paar[:, 0], paar[:, 1]


def _ketens(
    van: np.ndarray, naar: np.ndarray, n_knopen: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Chains of pieces through nodes with exactly two neighbours: per piece its chain, per
    chain its number of ends at other nodes (2, or 0 for an isolated ring), the chains' end
    nodes and end pieces, sorted by chain, and the pairs of pieces meeting at a through
    node."""
    m = len(van)
    knoop = np.concatenate([van, naar])
    kant = np.concatenate([np.arange(m), np.arange(m)])
    graad = np.bincount(knoop, minlength=n_knopen)
    door = graad == 2  # pieces are distinct pairs: two pieces = two distinct neighbours
    orde = np.argsort(knoop, kind="stable")
    k_sorted, e_sorted = knoop[orde], kant[orde]
    is_door = door[k_sorted]
    paren = e_sorted[is_door].reshape(-1, 2)  # the two pieces at every through node
    buren = coo_array(
        (np.ones(len(paren)), (paren[:, 0], paren[:, 1])), shape=(max(m, 1), max(m, 1))
    )
    n_ketens, label = connected_components(buren, directed=False)
    label = label[:m]
    eind_kant, eind_knoop = e_sorted[~is_door], k_sorted[~is_door]
    eind_label = label[eind_kant]
    o = np.argsort(eind_label, kind="stable")
    aantal = np.bincount(eind_label, minlength=n_ketens)
    if not np.isin(aantal, (0, 2)).all():  # pragma: no cover - a chain has two ends or none
        raise GebiedsplanError("Interne fout: een straat met een ander aantal einden dan twee.")
    return label, aantal, eind_label[o], eind_knoop[o], eind_kant[o], paren


def simplify_segmenten(
    van: np.ndarray, naar: np.ndarray, lengte: np.ndarray, n_knopen: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Join straight pieces into streets between the nodes osmnx keeps when it simplifies.

    A node is kept when it has other than two distinct neighbours (a crossing, a dead end);
    the pieces through the other nodes are joined and their lengths added. An isolated ring
    (a closed footway with no kept node) is left out, as ``osmnx.simplify_graph`` does.

    Examples
    --------
    >>> van, naar = np.array([0, 1, 1]), np.array([1, 2, 3])  # 0-1, then 1 forks to 2 and 3
    >>> simplify_segmenten(van, naar, np.array([1.0, 2.0, 3.0]), 4)[2].tolist()
    [1.0, 2.0, 3.0]
    >>> simplify_segmenten(np.array([0, 1]), np.array([1, 2]), np.array([1.0, 2.0]), 3)
    (array([0]), array([2]), array([3.]))
    """
    label, aantal, eind_label, eind_knoop, _, _ = _ketens(van, naar, n_knopen)
    som = np.bincount(label, weights=lengte, minlength=len(aantal))
    met = np.flatnonzero(aantal == 2)
    start = np.searchsorted(eind_label, met)
    return eind_knoop[start], eind_knoop[start + 1], som[met]


def simplify_met_vorm(
    van: np.ndarray, naar: np.ndarray, lengte: np.ndarray, n_knopen: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """:func:`simplify_segmenten`, and the nodes every street passes on its way (its shape).

    Returns
    -------
    van, naar, lengte
        As :func:`simplify_segmenten` (the same streets in the same order).
    vorm_ptr, vorm_knoop
        ``vorm_knoop[vorm_ptr[i]:vorm_ptr[i + 1]]`` are the nodes street ``i`` passes from
        ``van[i]`` to ``naar[i]``, in order.

    Examples
    --------
    >>> van, naar = np.array([2, 1, 0]), np.array([3, 2, 1])  # 0-1-2-3, pieces out of order
    >>> u, v, w, ptr, vorm = simplify_met_vorm(van, naar, np.array([1.0, 2.0, 3.0]), 4)
    >>> (int(u[0]), int(v[0])), w.tolist(), vorm.tolist()
    ((0, 3), [6.0], [1, 2])
    """
    from scipy.sparse.csgraph import depth_first_order

    m = len(van)
    label, aantal, eind_label, eind_knoop, eind_kant, paren = _ketens(van, naar, n_knopen)
    som = np.bincount(label, weights=lengte, minlength=len(aantal))
    met = np.flatnonzero(aantal == 2)
    start = np.searchsorted(eind_label, met)
    # walk every chain from its first end: the pieces as a graph (two pieces meet at a through
    # node: every chain a path of pieces), the chains tied into one path (the last piece of
    # each to the first of the next) behind a root; a depth-first walk from the root goes
    # down that path piece by piece (no node has more than two neighbours: linear time)
    eerst, laatst = eind_kant[start], eind_kant[start + 1]
    a = np.concatenate([paren[:, 0], [m], laatst[:-1]])
    b = np.concatenate([paren[:, 1], eerst[:1], eerst[1:]])
    buren = coo_array((np.ones(len(a)), (a, b)), shape=(m + 1, m + 1)).tocsr()
    orde = depth_first_order(buren, m, directed=False, return_predecessors=False)[1:]
    rang = np.searchsorted(met, label[orde])
    stukken = orde[np.argsort(rang, kind="stable")]
    rang = np.sort(rang, kind="stable")
    p, q = stukken[:-1], stukken[1:]
    zelfde = rang[:-1] == rang[1:]
    gedeeld = np.where((van[p] == van[q]) | (van[p] == naar[q]), van[p], naar[p])
    ptr = np.zeros(len(met) + 1, dtype=np.int64)
    np.cumsum(np.bincount(rang[:-1][zelfde], minlength=len(met)), out=ptr[1:])
    return eind_knoop[start], eind_knoop[start + 1], som[met], ptr, gedeeld[zelfde]


def _zonder_ringen(
    van: np.ndarray, naar: np.ndarray, n_knopen: int
) -> tuple[np.ndarray, np.ndarray]:
    """The pieces without the isolated rings (osmnx leaves them out)."""
    label, aantal, _, _, _, _ = _ketens(van, naar, n_knopen)
    houden = aantal[label] == 2
    return van[houden], naar[houden]


def _projecteer(lonlat: np.ndarray) -> np.ndarray:
    from pyproj import Transformer

    t = Transformer.from_crs("EPSG:4326", "EPSG:28992", always_xy=True)
    x, y = t.transform(lonlat[:, 0], lonlat[:, 1])
    return np.column_stack([np.asarray(x, dtype=float), np.asarray(y, dtype=float)])


def _compact(
    ids: np.ndarray, xy: np.ndarray, van: np.ndarray, naar: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Only the nodes that streets use, renumbered."""
    gebruikt, inv = np.unique(np.concatenate([van, naar]), return_inverse=True)
    inv = inv.ravel()
    return ids[gebruikt], xy[gebruikt], inv[: len(van)], inv[len(van) :]


def _uit_osm(path: Path, *, modus: str, knopen: str) -> Straten:
    from gebiedsplan.bronnen.osm.bestanden import open_bestand

    begin = time.perf_counter()
    refs, ptr, knoop_id, lonlat = stream_osm_wegen(path, modus=modus)
    xy = _projecteer(lonlat)
    van, naar = _segmenten(refs, ptr, knoop_id)
    vorm_ptr = vorm_xy = None
    if knopen == "kruisingen":
        lengte = np.hypot(*(xy[van] - xy[naar]).T)
        van, naar, lengte, vorm_ptr, vorm_knoop = simplify_met_vorm(
            van, naar, lengte, len(knoop_id)
        )
        vorm_xy = xy[vorm_knoop]
    else:
        van, naar = _zonder_ringen(van, naar, len(knoop_id))
        lengte = np.hypot(*(xy[van] - xy[naar]).T)
    ids, xy, van, naar = _compact(knoop_id, xy, van, naar)
    herkomst = open_bestand(path).herkomst(
        f"bestand {path.name} gestroomd (pyosmium); osmnx-wegfilter {modus}; knopen: {knopen}"
    )
    log.info(
        "%s: %d knopen, %d straten, %d vormpunten, %.0f km in %.1f s",
        path.name,
        len(xy),
        len(van),
        0 if vorm_xy is None else len(vorm_xy),
        lengte.sum() / 1000,
        time.perf_counter() - begin,
    )
    return Straten(ids, xy, van, naar, lengte, _herkomst_tekst(herkomst), vorm_ptr, vorm_xy)


def _herkomst_tekst(herkomst: Any) -> str:
    return f"{herkomst.bron}, peildatum {herkomst.peildatum} ({herkomst.query})"


# --------------------------------------------------------------------------- road layers


def straten_uit_netwerk(netwerk: gpd.GeoDataFrame, *, knopen: str = "kruisingen") -> Straten:
    """The arrays of a ``netwerk`` layer (``van_knoop``, ``naar_knoop``, ``lengte_m``,
    LineStrings in EPSG:28992): with ``knopen="kruisingen"`` (default) the line ends are the
    nodes and the lines' inner points their shape (the lines exactly as drawn); with
    ``"vormpunten"`` every shape point a node of its own line (the layer's topology
    unchanged), each piece's length its share of ``lengte_m``.

    Examples
    --------
    >>> from shapely import LineString
    >>> net = gpd.GeoDataFrame({"van_knoop": [1], "naar_knoop": [2], "lengte_m": [200.0]},
    ...     geometry=[LineString([(0, 0), (100, 0), (100, 100)])], crs="EPSG:28992")
    >>> s = straten_uit_netwerk(net, knopen="vormpunten")
    >>> len(s.knoop_xy), s.kant_lengte_m.tolist()
    (3, [100.0, 100.0])
    >>> s = straten_uit_netwerk(net)
    >>> len(s.knoop_xy), s.kant_lengte_m.tolist(), s.kant_vorm_xy.tolist()
    (2, [200.0], [[100.0, 0.0]])
    """
    _check_knopen(knopen)
    if netwerk.crs is None or netwerk.crs.to_epsg() != 28992:
        netwerk = netwerk.to_crs("EPSG:28992")
    geoms = np.asarray(netwerk.geometry.to_numpy())
    u = netwerk["van_knoop"].to_numpy(dtype=np.int64)
    v = netwerk["naar_knoop"].to_numpy(dtype=np.int64)
    lengte_m = pd.to_numeric(netwerk["lengte_m"]).to_numpy(dtype=float)
    ids, inv = np.unique(np.concatenate([u, v]), return_inverse=True)
    inv = inv.ravel()
    n, m = len(ids), len(u)
    xy = np.empty((n, 2))
    xy[inv[m:]] = shapely.get_coordinates(shapely.get_point(geoms, -1))
    xy[inv[:m]] = shapely.get_coordinates(shapely.get_point(geoms, 0))
    if knopen == "kruisingen":
        vorm_ptr, vorm_xy = vormen_van_lijnen(geoms)
        return Straten(ids, xy, inv[:m], inv[m:], lengte_m, "netwerk", vorm_ptr, vorm_xy)
    coords, lijn = shapely.get_coordinates(geoms, return_index=True)
    aantal = np.bincount(lijn, minlength=m)
    eerste = np.cumsum(aantal) - aantal
    laatste = eerste + aantal - 1
    # node of every vertex: the line's end nodes at its ends, a new node for every other one
    knoop = np.full(len(coords), -1, dtype=np.int64)
    binnen = np.ones(len(coords), dtype=bool)
    binnen[eerste] = False
    binnen[laatste] = False
    knoop[binnen] = n + np.arange(int(binnen.sum()))
    knoop[laatste] = inv[m:]
    knoop[eerste] = inv[:m]
    alle_xy = np.concatenate([xy, coords[binnen]])
    alle_ids = np.concatenate([ids, -1 - np.arange(int(binnen.sum()))])
    stuk = np.ones(len(coords), dtype=bool)
    stuk[laatste] = False
    i = np.flatnonzero(stuk)
    a, b = knoop[i], knoop[i + 1]
    recht = np.hypot(*(coords[i + 1] - coords[i]).T)
    geo = np.bincount(lijn[i], weights=recht, minlength=m)
    schaal = np.where(geo > 0, lengte_m / np.where(geo > 0, geo, 1.0), 1.0)
    lengte = recht * schaal[lijn[i]]
    nul = geo[lijn[i]] == 0  # a line without length: one piece carries lengte_m
    lengte[nul] = lengte_m[lijn[i]][nul] / np.maximum(aantal[lijn[i]][nul] - 1, 1)
    return Straten(alle_ids, alle_xy, a, b, lengte, "netwerk")


def _uit_vector(
    path: Path,
    *,
    modus: str,
    knopen: str,
    laag: str | None,
    grootste_component: bool,
    gebied: shapely.Geometry | None,
) -> Straten:
    import pyogrio

    from gebiedsplan.bronnen.osm.netwerk import read_netwerk

    try:
        lagen = [str(r[0]) for r in pyogrio.list_layers(path)]
    except Exception as exc:  # pyogrio raises DataSourceError and friends
        raise BronError(
            f"Bestand {path} is geen OSM-bestand en geen leesbaar GIS-bestand ({exc}). Verwacht "
            "een .osm.pbf (Geofabrik) of een GeoPackage met wegen (laag netwerk of roads)."
        ) from None
    naam = laag or ("netwerk" if "netwerk" in lagen else None)
    velden: list[str] = []
    if naam is not None and naam in lagen:
        velden = [str(v) for v in pyogrio.read_info(path, layer=naam).get("fields", [])]
    if {"van_knoop", "naar_knoop", "lengte_m"} <= set(velden):
        netwerk = gpd.read_file(path, layer=naam, engine="pyogrio")
        if netwerk.crs is None:
            raise BronError(
                f"Bestand {path} (laag {naam}) heeft geen CRS; zet het op EPSG:28992 (QGIS)."
            )
        if gebied is not None:
            netwerk = netwerk.to_crs("EPSG:28992")
            netwerk = netwerk[shapely.intersects(np.asarray(netwerk.geometry.to_numpy()), gebied)]
        query = f"bestand {path.name}, laag {naam} (netwerk van de laagopslag)"
    else:
        gelezen = read_netwerk(
            path, modus=modus, grootste_component=grootste_component, gebied=gebied, laag=laag
        )
        netwerk = gelezen.data
        query = _herkomst_tekst(gelezen.herkomst)
    s = straten_uit_netwerk(netwerk, knopen=knopen)
    return replace(s, bron=f"{query}; knopen: {knopen}")


def read_straten(
    path: str | Path,
    *,
    modus: str = "lopen",
    knopen: str = "kruisingen",
    laag: str | None = None,
    grootste_component: bool = False,
    gebied: shapely.Geometry | None = None,
) -> Straten:
    """The street network of a country or province as arrays, for a :class:`Land`.

    Parameters
    ----------
    path
        A ``.osm.pbf`` (or ``.osm``): streamed (:func:`stream_osm_wegen`), the whole file. Or a
        GeoPackage: a layer with ``van_knoop``, ``naar_knoop``, ``lengte_m`` (the store's
        ``netwerk`` layer), or Geofabrik roads (``fclass``) through
        :func:`~gebiedsplan.bronnen.osm.netwerk.read_netwerk`.
    modus
        ``lopen``, ``fietsen`` or ``auto``: the osmnx way filter (OSM) or the road classes of
        ``modus_wegen.csv`` (Geofabrik). One-way streets are not kept: a national run walks.
    knopen
        ``kruisingen`` (default: nodes at crossings and dead ends, every street with its shape
        points) or ``vormpunten`` (every shape point a node); module docstring.
    laag
        Layer of a GeoPackage.
    grootste_component
        GeoPackage roads only: keep the largest connected part, as the gemeente import does
        (for a country leave it off: islands are parts of their own;
        :func:`build_land_uit_bestanden` drops small parts by their length).
    gebied
        GeoPackage only: the lines that intersect this area (EPSG:28992).

    Returns
    -------
    Straten

    Raises
    ------
    BronError
        The file is missing or unreadable, or holds no streets for the modus.
    """
    _check_knopen(knopen)
    path = check_bestand(path, wat="Wegenbestand")
    if _is_osm(path):
        if laag is not None or gebied is not None or grootste_component:
            raise GebiedsplanError(
                f"{path.name}: een OSM-bestand wordt helemaal gelezen; laag, gebied en "
                "grootste_component gelden alleen voor een GeoPackage met wegen. Maak een "
                "kleiner uittreksel met osmium extract."
            )
        return _uit_osm(path, modus=modus, knopen=knopen)
    return _uit_vector(
        path,
        modus=modus,
        knopen=knopen,
        laag=laag,
        grootste_component=grootste_component,
        gebied=gebied,
    )


def remove_kleine_delen(
    straten: Straten, *, min_netwerkdeel_m: float = MIN_NETWERKDEEL_M
) -> Straten:
    """The streets without the connected pieces of less than ``min_netwerkdeel_m`` of street
    (module docstring); the provenance says how many pieces and km were dropped.

    Examples
    --------
    >>> xy = np.array([[0., 0.], [900., 0.], [1800., 0.], [0., 500.], [300., 500.]])
    >>> s = Straten(np.arange(5), xy, np.array([0, 1, 3]), np.array([1, 2, 4]),
    ...     np.array([900., 900., 300.]), "test")
    >>> k = remove_kleine_delen(s)
    >>> len(k.knoop_xy), k.kant_lengte_m.tolist(), k.bron
    (3, [900.0, 900.0], 'test; kleine netwerkdelen weggelaten: 1 (0.3 km straat, elk minder dan 1000 m)')
    """
    n, m = len(straten.knoop_xy), len(straten.kant_van)
    if m == 0:
        return straten
    graaf = coo_array((np.ones(m), (straten.kant_van, straten.kant_naar)), shape=(n, n))
    n_delen, label = connected_components(graaf, directed=False)
    deel = label[straten.kant_van]
    delen_m = np.bincount(deel, weights=straten.kant_lengte_m, minlength=n_delen)
    gebruikt = np.zeros(n_delen, dtype=bool)
    gebruikt[deel] = True
    klein = gebruikt & (delen_m < min_netwerkdeel_m)
    if not klein.any():
        return replace(
            straten,
            bron=f"{straten.bron}; geen kleine netwerkdelen (minder dan "
            f"{min_netwerkdeel_m:g} m straat)",
        )
    houden = np.flatnonzero(~klein[deel])
    weg_km = float(delen_m[klein].sum()) / 1000.0
    if len(houden) == 0:
        raise BronError(
            f"{straten.bron}: geen straat over: alle {int(klein.sum())} netwerkdelen hebben minder "
            f"dan {min_netwerkdeel_m:g} m straat (samen {weg_km:.1f} km). Neem een groter "
            "wegenbestand, of een kleinere min_netwerkdeel_m."
        )
    log.info(
        "%d kleine netwerkdelen weggelaten (elk minder dan %.0f m straat, samen %.1f km van "
        "%.1f km)",
        int(klein.sum()),
        min_netwerkdeel_m,
        weg_km,
        straten.lengte_km,
    )
    ids, xy, van, naar = _compact(
        straten.knoop_id, straten.knoop_xy, straten.kant_van[houden], straten.kant_naar[houden]
    )
    vorm_ptr, vorm_xy = select_vormen(straten.kant_vorm_ptr, straten.kant_vorm_xy, houden)
    return Straten(
        ids,
        xy,
        van,
        naar,
        straten.kant_lengte_m[houden],
        f"{straten.bron}; kleine netwerkdelen weggelaten: {int(klein.sum())} "
        f"({weg_km:.1f} km straat, elk minder dan {min_netwerkdeel_m:g} m)",
        vorm_ptr,
        vorm_xy,
    )


# --------------------------------------------------------------------------- areas, people


def _gemeenten_uit_wijken(wijken: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """A gemeente is the union of its wijken (as :func:`gebiedsplan.importeren.gemeente_vlak`)."""
    naam = wijken["gemeentenaam"] if "gemeentenaam" in wijken.columns else None
    codes = wijken["gemeentecode"].astype(str)
    vlakken = {
        code: shapely.union_all(np.asarray(wijken.geometry.to_numpy())[(codes == code).to_numpy()])
        for code in sorted(codes.unique())
    }
    namen = (
        naam.groupby(codes).first().reindex(list(vlakken)).fillna("").astype(str).to_numpy()
        if naam is not None
        else np.array([""] * len(vlakken))
    )
    return gpd.GeoDataFrame(
        {"gemeentenaam": namen},
        geometry=list(vlakken.values()),
        index=pd.Index(list(vlakken), name="gemeentecode"),
        crs="EPSG:28992",
    )


def _punten(gdf: gpd.GeoDataFrame) -> np.ndarray:
    geoms = np.asarray(gdf.geometry.to_numpy())
    punt = shapely.get_type_id(geoms) == 0
    geoms = np.where(punt, geoms, shapely.point_on_surface(geoms))
    return shapely.get_coordinates(geoms)


@dataclass(frozen=True)
class LandBestanden:
    """The files of a national run (:func:`build_land_uit_bestanden`).

    Attributes
    ----------
    wegen
        Streets: ``.osm.pbf`` or road GeoPackage (:func:`read_straten`).
    grenzen
        CBS Wijk- en Buurtkaart: one GeoPackage (``wijkenbuurten_2024.gpkg``) or the wijken and
        buurten files.
    kerncijfers
        CBS Kerncijfers wijken en buurten CSV(s) (the inhabitants per buurt); may be empty when
        the buurten carry ``aantal_inwoners`` (the PDOK kaart does).
    adressen
        BAG GeoPackage (``bag-light.gpkg``); None: inhabitants spread over the buurt.
    voorzieningen
        OSM or POI files (:func:`gebiedsplan.bronnen.osm.read_voorzieningen`).
    jaar
        Year of the boundaries and kerncijfers.
    """

    wegen: Path
    grenzen: tuple[Path, ...]
    kerncijfers: tuple[Path, ...] = ()
    adressen: Path | None = None
    voorzieningen: tuple[Path, ...] = ()
    jaar: int = 2024


def _read_gebieden(
    bestanden: LandBestanden, gemeenten: Sequence[str] | None
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, list[str]]:
    from gebiedsplan.bronnen import cbs, pdok

    pad: Path | list[Path] = (
        bestanden.grenzen[0] if len(bestanden.grenzen) == 1 else list(bestanden.grenzen)
    )
    lagen = pdok.read_wijken_buurten(pad, gemeentecode=gemeenten, jaar=bestanden.jaar)
    ontbreekt = [n for n in ("wijken", "buurten") if n not in lagen]
    if ontbreekt:
        raise BronError(
            f"{', '.join(map(str, bestanden.grenzen))}: laag {' en '.join(ontbreekt)} ontbreekt; "
            "een landelijke run heeft wijken en buurten nodig (de Wijk- en Buurtkaart van CBS)."
        )
    wijken, buurten = lagen["wijken"].data, lagen["buurten"].data
    bron = [lagen["buurten"].herkomst.bron]
    for p in bestanden.kerncijfers:
        k = cbs.read_kerncijfers(p, gemeentecode=gemeenten, jaar=bestanden.jaar)
        if k.data.index.astype(str).str.startswith("BU").any():
            buurten = cbs.join_kerncijfers(buurten, k)
            bron.append(k.herkomst.bron)
    return wijken, buurten, bron


def _selectie(
    gemeenten: gpd.GeoDataFrame, codes: Sequence[str] | None, reik_m: float
) -> tuple[shapely.Geometry | None, shapely.Geometry | None]:
    """The area of the chosen gemeenten and that area grown by ``reik_m`` (None: all)."""
    from gebiedsplan.landelijk.partities import buffer_ruim

    if codes is None:
        return None, None
    vlak = shapely.union_all(np.asarray(gemeenten.geometry.to_numpy()))
    return vlak, buffer_ruim(vlak, reik_m)


def build_land_uit_bestanden(
    bestanden: LandBestanden,
    *,
    gemeenten: Iterable[str] | None = None,
    modus: str = "lopen",
    knopen: str = "kruisingen",
    grootste_component: bool = False,
    buffer_m: float | None = None,
    min_netwerkdeel_m: float = MIN_NETWERKDEEL_M,
) -> Land:
    """A :class:`Land` from real files (module docstring): every file read once.

    Parameters
    ----------
    bestanden
        The files (:class:`LandBestanden`).
    gemeenten
        Only these gemeenten (CBS codes, e.g. a province): their areas and residents, and the
        streets and facilities within reach of their border (buffer plus twice the snap
        distance, :mod:`gebiedsplan.landelijk.partities`); default every gemeente in the
        boundary file.
    modus, knopen, grootste_component
        As in :func:`read_straten`.
    buffer_m
        Border buffer the selection must serve (default the walking one of
        ``grensbuffer.yml``).
    min_netwerkdeel_m
        Connected pieces of the network with less street are left out (module docstring;
        :func:`remove_kleine_delen`), on the whole network read, before the gemeenten are
        cut out.

    Returns
    -------
    Land
        ``synthetisch`` False, ``bron`` naming every file, its year, and how the residents were
        placed.

    Raises
    ------
    GebiedsplanError
        A file is missing or unreadable, a layer or column is missing (named, with the fix).
    """
    from gebiedsplan.bronnen import bag, vraag
    from gebiedsplan.bronnen.osm.voorzieningen import read_voorzieningen
    from gebiedsplan.catalogus import load_catalogus, load_grensbuffer
    from gebiedsplan.settings import max_snap_m

    _check_knopen(knopen)
    for pad in (
        bestanden.wegen,
        *bestanden.grenzen,
        *bestanden.kerncijfers,
        *bestanden.voorzieningen,
        *([bestanden.adressen] if bestanden.adressen else []),
    ):
        check_bestand(pad)
    codes = None if gemeenten is None else sorted(dict.fromkeys(str(g) for g in gemeenten))
    wijken, buurten, bronnen = _read_gebieden(bestanden, codes)
    gm = _gemeenten_uit_wijken(wijken)
    buffer = float(load_grensbuffer()["lopen"] if buffer_m is None else buffer_m)
    reik_m = buffer + 3 * float(max_snap_m)
    vlak, reik = _selectie(gm, codes, reik_m)

    # residents: CBS inhabitants per buurt over the BAG dwellings (or spread over the buurt)
    adressen = None
    if bestanden.adressen is not None:
        adressen = bag.read_adressen(bestanden.adressen, gebied=vlak)
        bronnen.append(f"{adressen.herkomst.bron}, peildatum {adressen.herkomst.peildatum}")
    punten = vraag.choose_vraagpunten(
        adressen=adressen.data if adressen is not None else None, buurten=buurten
    )
    methode = str(punten.attrs.get("methode", ""))
    if adressen is None:
        bronnen.append(
            f"vraagpunten: terugval zonder BAG, inwoners verdeeld over de buurt ({methode})"
        )
    else:
        bronnen.append(f"vraagpunten: {methode} (CBS-inwoners over BAG-woonadressen)")
    xy = shapely.get_coordinates(np.asarray(punten.geometry.to_numpy()))
    codes_bu = punten["buurtcode"].astype(str).to_numpy()
    vraagpunten = pd.DataFrame(
        {
            "x": xy[:, 0],
            "y": xy[:, 1],
            "inwoners": pd.to_numeric(punten["inwoners"]).to_numpy(dtype=np.int64),
            "buurtcode": pd.Categorical(codes_bu, categories=buurten.index.astype(str)),
        }
    )
    vraagpunten["wijkcode"] = pd.Categorical(
        buurten["wijkcode"].astype(str).reindex(codes_bu).to_numpy(),
        categories=wijken.index.astype(str),
    )
    vraagpunten["gemeentecode"] = pd.Categorical(
        buurten["gemeentecode"].astype(str).reindex(codes_bu).to_numpy(),
        categories=gm.index.astype(str),
    )

    # facilities
    delen = []
    for p in bestanden.voorzieningen:
        laag = read_voorzieningen(p, gebied=reik)
        vz = laag.data
        if len(vz):
            vxy = _punten(vz)
            delen.append(
                pd.DataFrame(
                    {
                        "x": vxy[:, 0],
                        "y": vxy[:, 1],
                        "categorie": vz["categorie"].astype(str).to_numpy(),
                        "naam": vz["naam"].astype(object).to_numpy()
                        if "naam" in vz.columns
                        else None,
                    }
                )
            )
        bronnen.append(laag.herkomst.bron)
    voorzieningen = (
        pd.concat(delen, ignore_index=True)
        if delen
        else pd.DataFrame({"x": [], "y": [], "categorie": [], "naam": []})
    )
    # sensitive sites (opvang, beschermd wonen) have no norm and their location is never
    # published: a national land, a file that travels, does not carry them
    gevoelig = [c for c, cat in load_catalogus().categorieen.items() if cat.gevoelig]
    weg = voorzieningen["categorie"].isin(gevoelig).to_numpy(dtype=bool)
    if weg.any():
        log.info(
            "%d gevoelige voorzieningen (%s) niet in het land: geen norm, en hun ligging wordt "
            "nooit gepubliceerd",
            int(weg.sum()),
            ", ".join(gevoelig),
        )
        voorzieningen = voorzieningen.loc[~weg].reset_index(drop=True)
    voorzieningen["categorie"] = pd.Categorical(voorzieningen["categorie"])

    # streets, within reach of the chosen gemeenten
    straten = remove_kleine_delen(
        read_straten(
            bestanden.wegen,
            modus=modus,
            knopen=knopen,
            grootste_component=grootste_component,
        ),
        min_netwerkdeel_m=min_netwerkdeel_m,
    )
    knoop_xy, van, naar, lengte = (
        straten.knoop_xy,
        straten.kant_van,
        straten.kant_naar,
        straten.kant_lengte_m,
    )
    vorm_ptr, vorm_xy = straten.kant_vorm_ptr, straten.kant_vorm_xy
    if reik is not None:
        shapely.prepare(reik)
        binnen = shapely.contains_xy(reik, knoop_xy[:, 0], knoop_xy[:, 1])
        houden = binnen[van] | binnen[naar]
        # a long street can reach a partition with both ends outside: its midpoint decides (a
        # street, curved or not, lies within half its reach of the middle of its ends)
        reik_lengte = np.maximum(lengte, lijn_lengte_m(knoop_xy, van, naar, vorm_ptr, vorm_xy))
        lang = np.flatnonzero(~houden & (reik_lengte > 200.0))
        mid = 0.5 * (knoop_xy[van[lang]] + knoop_xy[naar[lang]])
        houden[lang] = shapely.dwithin(shapely.points(mid), vlak, reik_m + reik_lengte[lang] / 2)
        rijen = np.flatnonzero(houden)
        _, knoop_xy, van, naar = _compact(straten.knoop_id, knoop_xy, van[rijen], naar[rijen])
        lengte = lengte[rijen]
        vorm_ptr, vorm_xy = select_vormen(vorm_ptr, vorm_xy, rijen)
    bronnen.insert(0, straten.bron)
    log.info(
        "Land uit bestanden: %d gemeenten, %d buurten, %d knopen, %d straten (%d vormpunten), "
        "%d vraagpunten, %d voorzieningen",
        len(gm),
        len(buurten),
        len(knoop_xy),
        len(van),
        0 if vorm_xy is None else len(vorm_xy),
        len(vraagpunten),
        len(voorzieningen),
    )
    return Land(
        gemeenten=gm,
        wijken=wijken[["wijknaam", "gemeentecode", "geometry"]]
        if "wijknaam" in wijken.columns
        else wijken[["gemeentecode", "geometry"]],
        buurten=buurten[
            [
                k
                for k in ("buurtnaam", "wijkcode", "gemeentecode", "aantal_inwoners", "geometry")
                if k in buurten.columns
            ]
        ],
        knoop_xy=knoop_xy,
        kant_van=van,
        kant_naar=naar,
        kant_lengte_m=lengte,
        vraagpunten=vraagpunten,
        voorzieningen=voorzieningen,
        synthetisch=False,
        bron="; ".join(bronnen),
        kant_vorm_ptr=vorm_ptr,
        kant_vorm_xy=vorm_xy,
    )


__all__ = [
    "KNOPEN",
    "LandBestanden",
    "Straten",
    "build_land_uit_bestanden",
    "read_straten",
    "remove_kleine_delen",
    "simplify_met_vorm",
    "simplify_segmenten",
    "straten_uit_netwerk",
    "stream_osm_wegen",
]
