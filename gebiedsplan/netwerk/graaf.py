"""Street networks compiled to arrays (CSR) for shortest paths.

Compiling
---------
:func:`compile_netwerk` turns the ``netwerk`` layer (one row per street segment between numbered
nodes) into a :class:`Netwerk`: node coordinates, a CSR matrix of edge lengths in metres, and
the segments themselves (for snapping, :mod:`gebiedsplan.netwerk.aansluiten`). The travel mode decides
which segments take part and whether one-way streets are respected:

- ``lopen`` and ``fietsen``: every street in both directions (walking and cycling against
  one-way traffic is common in Dutch towns; a gemeente that wants otherwise filters the layer);
- ``auto``: CBS-like car network (as CBS Nabijheid measures distance "over de weg"): only paved
  public car roads, one-way streets (column ``eenrichting``) only from ``van_knoop`` to
  ``naar_knoop``.

Mode filtering reads OSM tags when the layer carries them (``highway`` or the Geofabrik
``fclass``, and ``surface``, ``access``) through the catalogue table
``lagen/catalogus/modus_wegen.csv`` (:func:`gebiedsplan.catalogus.load_modus_wegen`); a layer
without tags is used as given (logged).

Nodes are stored in an order chosen for memory locality: along a Hilbert curve of their
coordinates (``volgorde="hilbert"``, default), by reverse Cuthill-McKee (``"rcm"``) or as given
(``"invoer"``). Shortest-path searches touch neighbouring rows together; on a 1M-node street
grid with OSM-like (unordered) ids, scipy's Dijkstra runs about 30% faster on the Hilbert order
(``benchmarks/resultaten``). On large networks (above :data:`NUMPY_TOT` edges) the order and the
CSR are built by the compiled kernels of :mod:`gebiedsplan.netwerk._bouw` in a few linear passes
instead of general sorts, to exactly the same arrays: a 10M-node network in seconds
(``benchmarks/bench_compileren.py``). The compiled arrays can be saved beside the layer store as an
``.npz`` keyed by a hash of the edges (``cache_map=``), written atomically, so a run does not
rebuild them. The file carries its format version and a checksum of its arrays: a file that is
damaged (truncated, changed) or of an older format is detected, rebuilt with a warning, and
never stops a run; nor does a cache folder that cannot be written.

Attaching points
----------------
Snapping points onto the segments, inserting facilities as leaf nodes and the entries of demand
points are in :mod:`gebiedsplan.netwerk.aansluiten`, which builds on this module.

Exact pruning
-------------
Bounded searches only look at nodes within a Euclidean window around their sources. This is
exact because no path of network length ``L`` leaves the disc of radius ``rek * L`` around its
start, where ``rek = max(1, max(chord / length))`` over all edges (``Netwerk.rek``; 1 for real
street geometry, whose length is never shorter than the straight line between its ends). An edge
of length 0 between two different places makes ``rek`` infinite and turns pruning off.
"""

from __future__ import annotations

import hashlib
import logging
import zipfile
import zlib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.sparse import csr_array
from scipy.sparse.csgraph import reverse_cuthill_mckee

from gebiedsplan._io import atomic_path, clean_stale
from gebiedsplan._validate import check_projected
from gebiedsplan.catalogus import MODI, WEGSLEUTELS, ModusWegen, load_modus_wegen
from gebiedsplan.errors import GebiedsplanError

log = logging.getLogger(__name__)

Modus = Literal["lopen", "fietsen", "auto"]
Volgorde = Literal["hilbert", "rcm", "invoer"]

#: Bumped when the saved format changes; part of the cache key. 2: with a checksum.
_VERSIE = 2


@dataclass(frozen=True)
class Netwerk:
    """A compiled street network.

    Attributes
    ----------
    xy
        Node coordinates (n × 2, metres, EPSG:28992), one row per node.
    graaf
        CSR matrix (n × n) of edge lengths in metres, row = from, column = to. For ``lopen`` and
        ``fietsen`` it is symmetric. Zero-length edges are explicit entries; parallel edges keep
        the shortest length.
    knoop_ids
        The original node id of every row.
    terug
        The transpose of ``graaf`` when the network has one-way edges, else ``None`` (use
        :attr:`graaf_terug`).
    kant_van, kant_naar, kant_lengte_m, kant_eenrichting, kant_geometrie
        The segments as given (rows of their end nodes, length, one-way, LineString), used for
        snapping. ``None`` for a network built by hand from a matrix.
    modus
        Travel mode it was compiled for.
    rek
        Pruning factor (module docstring): no path of length L leaves the disc of radius rek × L.
    sleutel
        Hash of the edges and options it was compiled from (the cache key).
    """

    xy: np.ndarray
    graaf: csr_array
    knoop_ids: np.ndarray
    terug: csr_array | None = None
    kant_van: np.ndarray | None = None
    kant_naar: np.ndarray | None = None
    kant_lengte_m: np.ndarray | None = None
    kant_eenrichting: np.ndarray | None = None
    kant_geometrie: np.ndarray | None = field(default=None, repr=False)
    modus: str = "lopen"
    rek: float = 1.0
    sleutel: str = ""

    @property
    def n_knopen(self) -> int:
        """Number of nodes."""
        return int(self.xy.shape[0])

    @property
    def gericht(self) -> bool:
        """Whether some edges are one-way."""
        return self.terug is not None

    @property
    def graaf_terug(self) -> csr_array:
        """The reversed graph (searches *towards* a set of nodes run on it)."""
        return self.graaf if self.terug is None else self.terug


# --------------------------------------------------------------------------- mode selection


def _tag(wegen: pd.DataFrame, *namen: str) -> pd.Series | None:
    for naam in namen:
        if naam in wegen.columns:
            return wegen[naam].astype("object").where(wegen[naam].notna(), None)
    return None


def _split_waarden(waarde: Any) -> list[str]:
    """The separate values of one OSM tag: osmnx lists and ``;``-separated multi-values split.

    Missing values (``None``, NaN, empty strings) give an empty list.

    Examples
    --------
    >>> _split_waarden("footway; cycleway"), _split_waarden(["residential", "service"])
    (['footway', 'cycleway'], ['residential', 'service'])
    >>> _split_waarden(None), _split_waarden(float("nan")), _split_waarden("")
    ([], [], [])
    """
    delen = list(waarde) if isinstance(waarde, list | tuple | np.ndarray) else [waarde]
    waarden: list[str] = []
    for deel in delen:
        if deel is None or (pd.api.types.is_scalar(deel) and pd.isna(deel)):
            continue
        waarden += [w.strip() for w in str(deel).split(";") if w.strip()]
    return waarden


def _mag(tag: pd.Series, sleutel: str, modus: str, regels: ModusWegen) -> np.ndarray:
    """Per road: may ``modus`` use it by its tag ``sleutel``? Any allowed value suffices."""
    oordelen: dict[Any, bool] = {}
    uitkomst = np.empty(len(tag), dtype=bool)
    for i, waarde in enumerate(tag.to_numpy(dtype=object)):
        sleutelwaarde = tuple(waarde) if isinstance(waarde, list | np.ndarray) else waarde
        oordeel = oordelen.get(sleutelwaarde)
        if oordeel is None:
            delen = _split_waarden(waarde)
            oordeel = (
                any(regels.toegestaan(sleutel, deel, modus=modus) for deel in delen)
                if delen
                else regels.toegestaan(sleutel, None, modus=modus)
            )
            oordelen[sleutelwaarde] = oordeel
        uitkomst[i] = oordeel
    return uitkomst


def select_modus(wegen: gpd.GeoDataFrame, *, modus: str) -> gpd.GeoDataFrame:
    """The segments of a ``netwerk`` layer a travel mode may use (module docstring).

    OSM tags are read when present: ``highway`` (or Geofabrik ``fclass``), ``surface`` and
    ``access``, and judged by the catalogue table ``lagen/catalogus/modus_wegen.csv``
    (:func:`gebiedsplan.catalogus.load_modus_wegen`): a segment takes part when every tag it
    has allows the mode; a value the table does not list, or a missing tag, follows the key's
    ``*`` row. Without a ``highway``/``fclass`` column the layer is returned whole (logged for
    ``auto``, which then cannot tell car roads apart).

    A tag with several values (a list, as osmnx writes for an edge merged from ways that
    disagree, or an OSM multi-value such as ``footway;cycleway``) is judged per value and
    **allows the mode when any of its values does**. An osmnx network was downloaded per
    travel mode, so every way in a merged edge already passed that mode's filter; requiring
    all values would cut such edges (a cycleway with a short footway bridge) out of the network
    they belong to.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> wegen = gpd.GeoDataFrame({"highway": ["residential", "footway", "track", "footway;cycleway"],
    ...     "surface": [None, None, "gravel", None]},
    ...     geometry=[shapely.LineString([(0, 0), (1, 0)])] * 4, crs="EPSG:28992")
    >>> select_modus(wegen, modus="auto")["highway"].tolist()
    ['residential']
    >>> select_modus(wegen, modus="fietsen")["highway"].tolist()
    ['residential', 'track', 'footway;cycleway']
    >>> len(select_modus(wegen, modus="lopen"))
    4
    """
    if modus not in MODI:
        raise GebiedsplanError(f"Onbekende modus '{modus}'; kies uit {', '.join(MODI)}.")
    highway = _tag(wegen, "highway", "fclass")
    if highway is None:
        if modus == "auto":
            log.warning(
                "Laag netwerk heeft geen kolom highway of fclass: alle %d wegen tellen mee voor "
                "de auto (geen selectie van verharde autowegen mogelijk)",
                len(wegen),
            )
        return wegen
    regels = load_modus_wegen()
    keep = np.ones(len(wegen), dtype=bool)
    for sleutel in WEGSLEUTELS:
        tag = highway if sleutel == "highway" else _tag(wegen, sleutel)
        if tag is not None:
            keep &= _mag(tag, sleutel, modus, regels)
    uit = int((~keep).sum())
    if uit:
        log.info("Modus %s: %d van %d wegen doen niet mee", modus, uit, len(wegen))
    return wegen[keep]


# --------------------------------------------------------------------------- node order

#: Up to this many points (Hilbert order) or edges (CSR, transpose, rek) numpy does the work;
#: above it the compiled kernels of :mod:`gebiedsplan.netwerk._bouw`. Both give the same
#: arrays; on a gemeente's network numpy takes milliseconds, so a fresh install does not
#: compile kernels for it, while a national network (10M nodes) compiles in seconds, not a
#: minute of general sorts.
NUMPY_TOT = 100_000


def hilbert_index(xy: np.ndarray, *, bits: int = 16) -> np.ndarray:
    """Position of every point along a Hilbert curve over the bounding box (``2**bits`` cells a side).

    The square of side ``span`` (the larger extent of the points) from their lower left corner
    is cut into ``2**bits`` cells a side; a point lies in cell ``min(int((x - x_min) / span *
    2**bits), 2**bits - 1)`` (and likewise for y) and gets that cell's place along the curve
    (int64, ``0 <= h < 4**bits``). Above :data:`NUMPY_TOT` points a compiled kernel does it
    point by point (:func:`gebiedsplan.netwerk._bouw.hilbert_posities`).

    Examples
    --------
    >>> hilbert_index(np.array([[0, 0], [0, 1], [1, 1], [1, 0]]), bits=1).tolist()
    [0, 1, 2, 3]
    >>> hilbert_index(np.array([[0., 0.], [3., 0.], [3., 3.], [0., 3.], [1.4, 1.6]]), bits=2).tolist()
    [0, 15, 10, 5, 7]
    """
    xy = np.ascontiguousarray(xy, dtype=float)
    if len(xy) == 0:
        return np.empty(0, dtype=np.int64)
    # per column: numpy reduces an (n, 2) array along axis 0 some 25x slower
    lo = np.array([xy[:, 0].min(), xy[:, 1].min()])
    hi = np.array([xy[:, 0].max(), xy[:, 1].max()])
    span = max(float((hi - lo).max()), 1e-9)
    if len(xy) > NUMPY_TOT:
        from gebiedsplan.netwerk._bouw import hilbert_tabel
        from gebiedsplan.netwerk._kernels import hilbert_posities

        return hilbert_posities(
            xy, float(lo[0]), float(lo[1]), span, int(bits), hilbert_tabel(1), hilbert_tabel(4)
        )
    n = 1 << bits
    q = np.minimum(((xy - lo) / span * n).astype(np.int64), n - 1)
    x, y = q[:, 0].copy(), q[:, 1].copy()
    d = np.zeros(len(xy), dtype=np.int64)
    s = n >> 1
    while s > 0:
        rx = (x & s) > 0
        ry = (y & s) > 0
        d += s * s * ((3 * rx.astype(np.int64)) ^ ry.astype(np.int64))
        flip = ~ry & rx
        x = np.where(flip, (n - 1) ^ x, x)
        y = np.where(flip, (n - 1) ^ y, y)
        swap = ~ry
        x, y = np.where(swap, y, x), np.where(swap, x, y)
        s >>= 1
    return d


def hilbert_volgorde(xy: np.ndarray, *, bits: int = 16) -> np.ndarray:
    """The points in Hilbert order: ``np.argsort(hilbert_index(xy, bits=bits), kind="stable")``
    (above :data:`NUMPY_TOT` points by a radix sort,
    :func:`gebiedsplan.netwerk._bouw.stabiel_argsort`).

    Examples
    --------
    >>> hilbert_volgorde(np.array([[1., 0.], [0., 0.], [1., 1.], [0., 1.], [0., 0.]]), bits=1).tolist()
    [1, 4, 3, 2, 0]
    """
    h = hilbert_index(xy, bits=bits)
    if len(h) > NUMPY_TOT:
        from gebiedsplan.netwerk._kernels import stabiel_argsort

        return stabiel_argsort(h, 2 * int(bits))
    return np.argsort(h, kind="stable")


def _volgorde(xy: np.ndarray, a: np.ndarray, b: np.ndarray, volgorde: str) -> np.ndarray:
    """Permutation: position -> old row."""
    n = len(xy)
    if volgorde == "hilbert":
        return hilbert_volgorde(xy)
    if volgorde == "rcm":
        g = csr_array((np.ones(2 * len(a)), (np.r_[a, b], np.r_[b, a])), shape=(n, n))
        return np.asarray(reverse_cuthill_mckee(g, symmetric_mode=True), dtype=np.int64)
    if volgorde == "invoer":
        return np.arange(n)
    raise GebiedsplanError(f"Onbekende volgorde '{volgorde}'; kies hilbert, rcm of invoer.")


# --------------------------------------------------------------------------- CSR helpers


def _idx_dtype(n: int, nnz: int) -> type[np.signedinteger[Any]]:
    """int32 indices where they fit (as scipy would choose), else int64."""
    return np.int32 if max(n, nnz) < 2**31 - 1 else np.int64


def _check_rijen(naam: str, x: np.ndarray, n: int) -> None:
    if len(x) and (int(x.min()) < 0 or int(x.max()) >= n):
        raise GebiedsplanError(
            f"Kanten naar knopen buiten de graaf: {naam} loopt van {int(x.min())} tot "
            f"{int(x.max())}, verwacht 0 tot {n - 1}; geef knoopposities (rijen), geen knoop-ids."
        )


def _csr(
    a: np.ndarray, b: np.ndarray, w: np.ndarray, n: int, *, terug: np.ndarray, dedupe: bool
) -> csr_array:
    """CSR of the edges a -> b and, where ``terug`` (empty for none), b -> a, in that order
    (:func:`csr_from_edges`); rows in range, checked by the caller."""
    ruimte = len(a) + (int(np.count_nonzero(terug)) if len(terug) else 0)
    if ruimte <= NUMPY_TOT:
        if len(terug):
            a, b, w = np.r_[a, b[terug]], np.r_[b, a[terug]], np.r_[w, w[terug]]
        keep = a != b
        a, b, w = a[keep], b[keep], w[keep]
        if dedupe and len(a):
            order = np.lexsort((w, b, a))
            a, b, w = a[order], b[order], w[order]
            first = np.ones(len(a), dtype=bool)
            first[1:] = (a[1:] != a[:-1]) | (b[1:] != b[:-1])
            a, b, w = a[first], b[first], w[first]
        else:
            order = np.argsort(a, kind="stable")
            a, b, w = a[order], b[order], w[order]
        indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(a, minlength=n), out=indptr[1:])
        idx_dtype = _idx_dtype(n, len(a))
        return csr_array(
            (w, b.astype(idx_dtype), indptr.astype(idx_dtype)), shape=(n, n), copy=False
        )
    from gebiedsplan.netwerk._kernels import csr_rijen

    buffer = np.empty(ruimte, dtype=_idx_dtype(n, ruimte))
    indptr, data, nnz = csr_rijen(a, b, w, terug, n, dedupe, buffer)
    idx_dtype = _idx_dtype(n, nnz)
    indices = buffer[:nnz].astype(idx_dtype, copy=False)
    if nnz < len(buffer):  # self-loops or parallel edges left out: free the rest
        indices, data = indices.copy(), data[:nnz].copy()
    return csr_array(
        (data, indices, indptr.astype(idx_dtype, copy=False)), shape=(n, n), copy=False
    )


def csr_from_edges(
    a: np.ndarray, b: np.ndarray, w: np.ndarray, n: int, *, dedupe: bool = True
) -> csr_array:
    """CSR (n × n) from directed edges a -> b with length w; parallel edges keep the shortest.

    Unlike scipy's COO conversion this never sums parallel edges and keeps explicit zeros
    (zero-length edges). Self-loops are dropped: they never shorten a path. Every row is sorted
    by column; of parallel edges the shortest is kept (NaN only when all are NaN). With
    ``dedupe=False`` parallel edges all stay and every row keeps the order of the edges given.
    Indices are int32 where they fit. Above :data:`NUMPY_TOT` edges a compiled kernel builds
    the rows by a counting sort and sorts within each row
    (:func:`gebiedsplan.netwerk._bouw.csr_rijen`) instead of sorting all edges.

    Raises
    ------
    GebiedsplanError
        ``a``, ``b`` and ``w`` differ in length, or an edge ends outside ``0 .. n - 1``.

    Examples
    --------
    >>> g = csr_from_edges(np.array([0, 0, 1]), np.array([1, 1, 1]), np.array([5., 3., 9.]), 2)
    >>> g.toarray().tolist()
    [[0.0, 3.0], [0.0, 0.0]]
    >>> g = csr_from_edges(np.array([1, 0, 1]), np.array([2, 2, 0]), np.array([1., 2., 0.]), 3)
    >>> g.indptr.tolist(), g.indices.tolist(), g.data.tolist()
    ([0, 1, 3, 3], [2, 0, 2], [2.0, 0.0, 1.0])
    """
    a = np.asarray(a, dtype=np.int64)
    b = np.asarray(b, dtype=np.int64)
    w = np.asarray(w, dtype=float)
    if not (len(a) == len(b) == len(w)):
        raise GebiedsplanError(
            f"Kanten ongelijk lang: {len(a)} begin-, {len(b)} eindknopen en {len(w)} lengtes; "
            "geef per kant een begin, een eind en een lengte."
        )
    _check_rijen("a", a, n)
    _check_rijen("b", b, n)
    return _csr(a, b, w, n, terug=np.zeros(0, dtype=bool), dedupe=dedupe)


def append_edges(g: csr_array, n: int, a: np.ndarray, b: np.ndarray, w: np.ndarray) -> csr_array:
    """``g`` grown to n × n with extra directed edges, without re-sorting the existing rows."""
    n_oud = g.shape[0]
    deg_oud = np.zeros(n, dtype=np.int64)
    deg_oud[:n_oud] = np.diff(g.indptr)
    extra = np.bincount(a, minlength=n).astype(np.int64)
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(deg_oud + extra, out=indptr[1:])
    nnz = int(indptr[-1])
    idx_dtype = _idx_dtype(n, nnz)
    indices = np.empty(nnz, dtype=idx_dtype)
    data = np.empty(nnz)
    rij = np.repeat(np.arange(n_oud), deg_oud[:n_oud])
    pos = indptr[rij] + (np.arange(g.nnz) - np.asarray(g.indptr)[rij])
    indices[pos] = g.indices
    data[pos] = g.data
    order = np.argsort(a, kind="stable")
    a, b, w = a[order], b[order], w[order]
    start = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(extra, out=start[1:])
    rank = np.arange(len(a)) - start[a]
    pos = indptr[a] + deg_oud[a] + rank
    indices[pos] = b
    data[pos] = w
    return csr_array((data, indices, indptr.astype(idx_dtype)), shape=(n, n), copy=False)


def _transpose(g: csr_array) -> csr_array:
    """The transpose of ``g`` (self-loops left out), each row in the order of the rows it came
    from: sorted by column (above :data:`NUMPY_TOT` edges by a counting sort,
    :func:`gebiedsplan.netwerk._bouw.transponeer`)."""
    n = g.shape[0]
    if g.nnz <= NUMPY_TOT:
        coo = g.tocoo()
        return _csr(
            np.asarray(coo.col, dtype=np.int64),
            np.asarray(coo.row, dtype=np.int64),
            np.asarray(coo.data, dtype=float),
            n,
            terug=np.zeros(0, dtype=bool),
            dedupe=False,
        )
    from gebiedsplan.netwerk._kernels import transponeer

    buffer = np.empty(g.nnz, dtype=_idx_dtype(n, g.nnz))
    indptr, data, nnz = transponeer(
        np.asarray(g.indptr), np.asarray(g.indices), np.asarray(g.data, dtype=float), n, buffer
    )
    idx_dtype = _idx_dtype(n, nnz)
    indices = buffer[:nnz].astype(idx_dtype, copy=False)
    if nnz < len(buffer):
        indices = indices.copy()
    return csr_array(
        (data, indices, indptr.astype(idx_dtype, copy=False)), shape=(n, n), copy=False
    )


def compute_rek(xy: np.ndarray, a: np.ndarray, b: np.ndarray, w: np.ndarray) -> float:
    """max(1, max chord/length) over edges; inf when a zero-length edge joins two places.

    Examples
    --------
    >>> xy = np.array([[0., 0.], [3., 4.], [3., 4.]])
    >>> compute_rek(xy, np.array([0, 1]), np.array([1, 2]), np.array([4., 0.]))
    1.25
    >>> compute_rek(xy, np.array([0]), np.array([1]), np.array([0.]))
    inf
    """
    if len(a) == 0:
        return 1.0
    if len(a) <= NUMPY_TOT:
        koorde = np.hypot(*(xy[a] - xy[b]).T)
        tol = 1e-6 * np.maximum(1.0, koorde)
        if np.any((w <= 0) & (koorde > tol)):
            return float("inf")
        pos = w > 0
        if not pos.any():
            return 1.0
        return max(1.0, float(np.max(koorde[pos] / w[pos])))
    from gebiedsplan.netwerk._kernels import rek_grootheden

    xy = np.ascontiguousarray(xy, dtype=float)
    a = np.asarray(a, dtype=np.int64)
    b = np.asarray(b, dtype=np.int64)
    _check_rijen("a", a, len(xy))
    _check_rijen("b", b, len(xy))
    nul, positief, grootste, nan = rek_grootheden(xy, a, b, np.asarray(w, dtype=float))
    if nul:
        return float("inf")
    if not positief or nan:  # as max(1.0, nan) is 1.0
        return 1.0
    return max(1.0, float(grootste))


# --------------------------------------------------------------------------- compiling


def _sleutel(wegen: gpd.GeoDataFrame, modus: str, volgorde: str, eenrichting: np.ndarray) -> str:
    h = hashlib.blake2b(digest_size=16)
    h.update(f"v{_VERSIE}|{modus}|{volgorde}|{len(wegen)}".encode())
    for kolom in ("van_knoop", "naar_knoop"):
        h.update(np.ascontiguousarray(wegen[kolom].to_numpy(dtype=np.int64)).tobytes())
    h.update(np.ascontiguousarray(wegen["lengte_m"].to_numpy(dtype=float)).tobytes())
    h.update(np.ascontiguousarray(eenrichting).tobytes())
    h.update(np.ascontiguousarray(shapely.get_coordinates(wegen.geometry.to_numpy())).tobytes())
    return h.hexdigest()


def _check_wegen(wegen: gpd.GeoDataFrame) -> None:
    check_projected(wegen, wat="Laag netwerk")
    missing = [k for k in ("van_knoop", "naar_knoop", "lengte_m") if k not in wegen.columns]
    if missing:
        raise GebiedsplanError(
            f"Laag netwerk mist kolom {', '.join(missing)}; verwacht van_knoop, naar_knoop, "
            "lengte_m en LineString-geometrie (zie lagen/catalogus/lagen.yml)."
        )
    if len(wegen) == 0:
        raise GebiedsplanError(
            "Laag netwerk is leeg; zonder wegen geen afstanden over het netwerk."
        )
    lengte = pd.to_numeric(wegen["lengte_m"], errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(lengte) | (lengte < 0)
    geoms = wegen.geometry.to_numpy()
    geen_lijn = shapely.is_missing(geoms) | (shapely.get_type_id(geoms) != 1)
    problems = []
    if bad.any():
        problems.append(
            f"lengte_m ontbreekt of is negatief in {int(bad.sum())} rijen "
            f"(bv. {', '.join(map(str, wegen.index[bad][:5]))})"
        )
    if geen_lijn.any():
        problems.append(
            f"geen LineString-geometrie in {int(geen_lijn.sum())} rijen "
            f"(bv. {', '.join(map(str, wegen.index[geen_lijn][:5]))}); splits MultiLineStrings met "
            ".explode(ignore_index=True)"
        )
    if problems:
        raise GebiedsplanError("Laag netwerk is niet bruikbaar: " + "; ".join(problems))


def compile_netwerk(
    wegen: gpd.GeoDataFrame,
    *,
    modus: str = "lopen",
    volgorde: str = "hilbert",
    cache_map: str | Path | None = None,
) -> Netwerk:
    """Compile a ``netwerk`` layer (segments between numbered nodes) to a :class:`Netwerk`.

    Parameters
    ----------
    wegen
        Layer ``netwerk``: ``van_knoop``, ``naar_knoop``, ``lengte_m``, LineString geometry from
        the ``van_knoop`` end to the ``naar_knoop`` end; optional ``eenrichting`` (bool: only
        from van_knoop to naar_knoop, used for ``auto``) and OSM tags for :func:`select_modus`.
    modus
        ``lopen`` (default), ``fietsen`` or ``auto`` (module docstring).
    volgorde
        Node order: ``hilbert`` (default), ``rcm`` or ``invoer``.
    cache_map
        Folder (e.g. :attr:`gebiedsplan.gemeente.Gemeente.netwerk_map`, beside the layer store)
        where the compiled arrays are kept as ``netwerk_<modus>_<hash>.npz``; a later call with
        the same edges loads them instead of compiling; a file of other edges is replaced. A
        damaged or outdated file is rebuilt (with a warning); when the folder cannot be written
        the network is used without being kept (with a warning).

    Returns
    -------
    Netwerk

    Examples
    --------
    >>> from gebiedsplan.bronnen.demo import build_demo
    >>> net = compile_netwerk(build_demo().netwerk)
    >>> net.n_knopen, net.gericht, net.rek
    (1145, False, 1.0)
    """
    _check_wegen(wegen)
    wegen = select_modus(wegen, modus=modus)
    if len(wegen) == 0:
        raise GebiedsplanError(f"Geen enkele weg in laag netwerk is bruikbaar voor modus {modus}.")
    if modus == "auto" and "eenrichting" in wegen.columns:
        eenrichting = wegen["eenrichting"].fillna(False).to_numpy(dtype=bool)
    else:
        if modus == "auto":
            log.warning(
                "Laag netwerk heeft geen kolom eenrichting: voor de auto tellen alle wegen in "
                "beide richtingen"
            )
        eenrichting = np.zeros(len(wegen), dtype=bool)
    sleutel = _sleutel(wegen, modus, volgorde, eenrichting)
    pad = Path(cache_map) / f"netwerk_{modus}_{sleutel}.npz" if cache_map is not None else None
    if pad is not None and pad.parent.is_dir():
        clean_stale(pad.parent)  # what a killed run left
    if pad is not None and pad.is_file():
        try:
            net = _open_netwerk(pad)
        except GebiedsplanError as exc:
            log.warning("%s Het netwerk wordt opnieuw gecompileerd en het bestand vervangen.", exc)
        else:
            if net.sleutel == sleutel:
                log.info("Netwerk %s geladen uit %s", modus, pad)
                return net
            log.warning(
                "Netwerkbestand %s hoort bij andere wegen dan laag netwerk (sleutel %s, verwacht "
                "%s); het netwerk wordt opnieuw gecompileerd en het bestand vervangen.",
                pad,
                net.sleutel,
                sleutel,
            )
    net = _compile(wegen, modus=modus, volgorde=volgorde, eenrichting=eenrichting, sleutel=sleutel)
    if pad is not None:
        _bewaar(net, pad)
    return net


def _bewaar(net: Netwerk, pad: Path) -> None:
    """Keep a compiled network in the cache folder and remove the files of earlier versions of
    the layer; a cache that cannot be written is a warning, never a stop."""
    try:
        save_netwerk(net, pad)
    except (GebiedsplanError, OSError) as exc:
        log.warning(
            "Het gecompileerde netwerk is niet bewaard (%s); de analyse gaat door, de volgende "
            "run compileert het opnieuw.",
            exc,
        )
        return
    for oud in pad.parent.glob(f"netwerk_{net.modus}_*.npz"):  # of earlier versions of the layer
        if oud != pad:
            oud.unlink(missing_ok=True)


def _compile(
    wegen: gpd.GeoDataFrame, *, modus: str, volgorde: str, eenrichting: np.ndarray, sleutel: str
) -> Netwerk:
    u = wegen["van_knoop"].to_numpy(dtype=np.int64)
    v = wegen["naar_knoop"].to_numpy(dtype=np.int64)
    lengte = pd.to_numeric(wegen["lengte_m"]).to_numpy(dtype=float)
    geoms = np.asarray(wegen.geometry.to_numpy())
    start = shapely.get_coordinates(shapely.get_point(geoms, 0))
    end = shapely.get_coordinates(shapely.get_point(geoms, -1))
    knoop_ids, inverse = np.unique(np.concatenate([u, v]), return_inverse=True)
    inverse = inverse.ravel()
    xy = np.empty((len(knoop_ids), 2))
    xy[inverse[len(u) :]] = end
    xy[inverse[: len(u)]] = start
    net = compile_arrays(
        xy,
        inverse[: len(u)],
        inverse[len(u) :],
        lengte,
        knoop_ids=knoop_ids,
        eenrichting=eenrichting,
        modus=modus,
        volgorde=volgorde,
    )
    return replace(net, kant_geometrie=geoms, sleutel=sleutel)


def compile_arrays(
    xy: np.ndarray,
    van: np.ndarray,
    naar: np.ndarray,
    lengte_m: np.ndarray,
    *,
    knoop_ids: np.ndarray | None = None,
    eenrichting: np.ndarray | None = None,
    modus: str = "lopen",
    volgorde: str = "hilbert",
) -> Netwerk:
    """Compile a network given as arrays: node coordinates and edges between node positions.

    The array twin of :func:`compile_netwerk` for large synthetic or pre-processed graphs: no
    segment geometry is kept (snapping then uses straight segments between the nodes,
    :func:`gebiedsplan.netwerk.aansluiten.with_segments`).

    Parameters
    ----------
    xy
        Node coordinates (n × 2, metres).
    van, naar
        Edge ends as positions in ``xy``.
    lengte_m
        Edge lengths.
    knoop_ids
        Original node ids (default the positions).
    eenrichting
        One-way flags (only ``van`` -> ``naar``); default none.
    modus, volgorde
        As in :func:`compile_netwerk`.

    Examples
    --------
    >>> net = compile_arrays(np.array([[0., 0.], [100., 0.], [100., 50.]]),
    ...     np.array([0, 1]), np.array([1, 2]), np.array([100., 50.]))
    >>> net.n_knopen, net.graaf.nnz
    (3, 4)
    """
    xy = np.asarray(xy, dtype=float)
    n = len(xy)
    ui = np.asarray(van, dtype=np.int64)
    vi = np.asarray(naar, dtype=np.int64)
    lengte = np.asarray(lengte_m, dtype=float)
    een = np.zeros(len(ui), dtype=bool) if eenrichting is None else np.asarray(eenrichting, bool)
    ids = np.arange(n) if knoop_ids is None else np.asarray(knoop_ids)
    if not (len(ui) == len(vi) == len(lengte) == len(een)):
        raise GebiedsplanError(
            f"Kanten ongelijk lang: {len(ui)} van, {len(vi)} naar, {len(lengte)} lengte_m en "
            f"{len(een)} eenrichting; geef voor elke kant één waarde van elk."
        )
    perm = _volgorde(xy, ui, vi, volgorde)  # position -> old row
    rang = np.empty(n, dtype=np.int64)
    rang[perm] = np.arange(n)
    xy, ids = np.take(xy, perm, axis=0), ids[perm]  # take: twice as fast as xy[perm] on rows
    ur, vr = rang[ui], rang[vi]
    # both directions of the two-way streets, without concatenating the edges twice
    graaf = _csr(ur, vr, lengte, n, terug=~een, dedupe=True)
    rek = compute_rek(xy, ur, vr, lengte)
    if not np.isfinite(rek):
        log.warning(
            "Netwerk heeft wegen met lengte 0 tussen verschillende plaatsen; begrensde "
            "zoektochten kunnen niet snoeien en zijn trager"
        )
    return Netwerk(
        xy=xy,
        graaf=graaf,
        knoop_ids=ids,
        terug=_transpose(graaf) if een.any() else None,
        kant_van=ur,
        kant_naar=vr,
        kant_lengte_m=lengte,
        kant_eenrichting=een,
        kant_geometrie=None,
        modus=modus,
        rek=rek,
    )


# --------------------------------------------------------------------------- saving


def _controlesom(arrays: dict[str, Any]) -> str:
    """Checksum of the arrays of a saved network (name, type, shape and bytes of each)."""
    h = hashlib.blake2b(digest_size=16)
    for naam in sorted(arrays):
        if naam == "controle":
            continue
        a = np.ascontiguousarray(arrays[naam])
        h.update(f"{naam}|{a.dtype.str}|{a.shape}|".encode())
        h.update(a.tobytes())
    return h.hexdigest()


def save_netwerk(netwerk: Netwerk, path: str | Path) -> Path:
    """Write a compiled network to an ``.npz`` file, atomically, with its format version and a
    checksum of its arrays (:func:`load_netwerk` checks both).

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from gebiedsplan.bronnen.demo import build_demo
    >>> net = compile_netwerk(build_demo().netwerk)
    >>> pad = save_netwerk(net, Path(tempfile.mkdtemp()) / "netwerk.npz")
    >>> load_netwerk(pad).graaf.nnz == net.graaf.nnz
    True
    """
    path = Path(path)
    arrays: dict[str, Any] = {
        "versie": np.array(_VERSIE),
        "xy": netwerk.xy,
        "indptr": netwerk.graaf.indptr,
        "indices": netwerk.graaf.indices,
        "data": netwerk.graaf.data,
        "knoop_ids": netwerk.knoop_ids,
        "modus": np.array(netwerk.modus),
        "rek": np.array(netwerk.rek),
        "sleutel": np.array(netwerk.sleutel),
    }
    if netwerk.kant_van is not None:
        arrays |= {
            "kant_van": netwerk.kant_van,
            "kant_naar": netwerk.kant_naar,
            "kant_lengte_m": netwerk.kant_lengte_m,
            "kant_eenrichting": netwerk.kant_eenrichting,
        }
    if netwerk.kant_geometrie is not None:
        geoms = netwerk.kant_geometrie
        arrays |= {
            "kant_coords": shapely.get_coordinates(geoms),
            "kant_n": shapely.get_num_coordinates(geoms),
        }
    arrays["controle"] = np.array(_controlesom(arrays))
    # a cache, not an output of the run: it lands at once, also inside an atomic_batch
    with atomic_path(path, suffix=".npz", batch=False) as tmp, tmp.open("wb") as f:
        np.savez(f, **arrays)
    log.info("Netwerk %s opgeslagen in %s", netwerk.modus, path)
    return path


def _open_netwerk(path: Path) -> Netwerk:
    """Read a saved network; a :class:`GebiedsplanError` saying what is wrong with the file
    (damaged, truncated, of an older format) when it cannot be used."""
    try:
        with np.load(path, allow_pickle=False) as z:
            arrays = {naam: z[naam] for naam in z.files}
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, KeyError) as exc:
        raise GebiedsplanError(
            f"Netwerkbestand {path} is beschadigd of onvolledig ({type(exc).__name__}: {exc})."
        ) from None
    versie = int(arrays["versie"]) if "versie" in arrays and arrays["versie"].size == 1 else 0
    if versie != _VERSIE:
        raise GebiedsplanError(
            f"Netwerkbestand {path} heeft een oudere indeling (formaatversie {versie}, nu "
            f"{_VERSIE})."
        )
    if "controle" not in arrays or str(arrays["controle"]) != _controlesom(arrays):
        raise GebiedsplanError(f"Netwerkbestand {path} is beschadigd (de controlesom klopt niet).")
    try:
        n = len(arrays["knoop_ids"])
        graaf = csr_array((arrays["data"], arrays["indices"], arrays["indptr"]), shape=(n, n))
        kanten: dict[str, Any] = {}
        if "kant_van" in arrays:
            kanten = {
                naam: arrays[naam]
                for naam in ("kant_van", "kant_naar", "kant_lengte_m", "kant_eenrichting")
            }
        if "kant_coords" in arrays:
            geoms = shapely.linestrings(
                arrays["kant_coords"],
                indices=np.repeat(np.arange(len(arrays["kant_n"])), arrays["kant_n"]),
            )
            kanten["kant_geometrie"] = np.asarray(geoms)
        eenrichting = kanten.get("kant_eenrichting")
        return Netwerk(
            xy=arrays["xy"],
            graaf=graaf,
            knoop_ids=arrays["knoop_ids"],
            terug=_transpose(graaf) if eenrichting is not None and eenrichting.any() else None,
            modus=str(arrays["modus"]),
            rek=float(arrays["rek"]),
            sleutel=str(arrays["sleutel"]),
            **kanten,
        )
    except (KeyError, ValueError, TypeError) as exc:
        raise GebiedsplanError(
            f"Netwerkbestand {path} is onvolledig ({type(exc).__name__}: {exc})."
        ) from None


def load_netwerk(path: str | Path) -> Netwerk:
    """Read a network written by :func:`save_netwerk`.

    Raises
    ------
    GebiedsplanError
        The file is damaged (truncated, changed: its checksum does not match) or of an older
        format. :func:`compile_netwerk` with ``cache_map=`` rebuilds such a file by itself.
    """
    path = Path(path)
    try:
        return _open_netwerk(path)
    except GebiedsplanError as exc:
        raise GebiedsplanError(
            f"{str(exc).rstrip('.')}; verwijder het bestand, compile_netwerk(wegen, "
            "cache_map=...) maakt het opnieuw."
        ) from None


def component_sizes(netwerk: Netwerk) -> np.ndarray:
    """Number of nodes in the (weakly) connected component of every node.

    Examples
    --------
    >>> from gebiedsplan.bronnen.demo import build_demo
    >>> sizes = component_sizes(compile_netwerk(build_demo().netwerk))
    >>> int(sizes.min()) == int(sizes.max()) == 1145
    True
    """
    from scipy.sparse.csgraph import connected_components

    _, labels = connected_components(netwerk.graaf, directed=True, connection="weak")
    return np.bincount(labels)[labels]


@dataclass(frozen=True)
class Kernbereik:
    """Which nodes can reach the core of a network, and be reached from it (result of
    :func:`compute_kernbereik`). The core is the largest strongly connected component: from
    every node of it every other node of it can be reached.

    Attributes
    ----------
    kern
        Per node: in the core.
    naar_kern
        Per node: the core can be reached from it (so can everything the core reaches).
    uit_kern
        Per node: it can be reached from the core.
    """

    kern: np.ndarray
    naar_kern: np.ndarray
    uit_kern: np.ndarray

    @property
    def afgesneden(self) -> np.ndarray:
        """Per node: cannot reach the core, or cannot be reached from it (a one-way stub at the
        edge of an extract, a piece of network not joined to the rest)."""
        return ~(self.naar_kern & self.uit_kern)


def compute_kernbereik(netwerk: Netwerk) -> Kernbereik:
    """Which nodes reach the core (the largest strongly connected component) and which are
    reached from it.

    On a network without one-way streets the core is the largest connected piece and both
    answers are "in it". With one-way streets a node can lie on a stub that leads out of the
    core and not back (the end of a one-way street cut by the edge of an extract): a route from
    there reaches nothing; a node that only leads into the core cannot be reached. Two
    breadth-first searches from one node of the core (forward, and on the reversed graph)
    answer both for every node, since every node of the core reaches every other.

    Examples
    --------
    >>> # 0 <-> 1 <-> 2 two-way, 2 -> 3 one-way: 3 is reached from the core but reaches nothing
    >>> net = compile_arrays(np.array([[0., 0.], [1., 0.], [2., 0.], [3., 0.]]),
    ...     np.array([0, 1, 2]), np.array([1, 2, 3]), np.array([1., 1., 1.]),
    ...     eenrichting=np.array([False, False, True]), volgorde="invoer")
    >>> k = compute_kernbereik(net)
    >>> k.kern.tolist(), k.naar_kern.tolist(), k.afgesneden.tolist()
    ([True, True, True, False], [True, True, True, False], [False, False, False, True])
    """
    from scipy.sparse.csgraph import breadth_first_order, connected_components

    n = netwerk.n_knopen
    kern = np.zeros(n, dtype=bool)
    naar = np.zeros(n, dtype=bool)
    uit = np.zeros(n, dtype=bool)
    if n == 0:
        return Kernbereik(kern, naar, uit)
    _, labels = connected_components(netwerk.graaf, directed=True, connection="strong")
    grootste = int(np.argmax(np.bincount(labels)))
    kern[labels == grootste] = True
    begin = int(np.flatnonzero(kern)[0])
    uit[breadth_first_order(netwerk.graaf, begin, directed=True, return_predecessors=False)] = True
    naar[
        breadth_first_order(netwerk.graaf_terug, begin, directed=True, return_predecessors=False)
    ] = True
    return Kernbereik(kern, naar, uit)


__all__ = [
    "MODI",
    "Kernbereik",
    "Netwerk",
    "compile_arrays",
    "compile_netwerk",
    "component_sizes",
    "compute_kernbereik",
    "csr_from_edges",
    "hilbert_index",
    "hilbert_volgorde",
    "load_netwerk",
    "save_netwerk",
    "select_modus",
]
