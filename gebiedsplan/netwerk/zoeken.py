"""Accessibility (bereikbaarheid): network distance to the nearest facility and counts within a radius.

Method
------
The searches run on an :class:`~gebiedsplan.netwerk.aansluiten.Aansluiting`: demand points and
facilities attached to the network by :func:`gebiedsplan.netwerk.aansluiten.connect_points` (snap
distance counted in every route, facilities as leaf nodes, demand points entering at the ends of
their piece of segment, points further than ``max_snap_m`` flagged; see
:mod:`gebiedsplan.netwerk.aansluiten`). Flagged points get no distance.

*Nearest distance*, per category: one multi-source shortest-path run from all facilities of the
category (on the reversed graph, so one-way streets count in the direction of travel to the
facility). Up to :data:`BLOKKEN_VANAF` nodes the network fits in the processor's cache and the
search is compiled delta-stepping (:func:`gebiedsplan.netwerk._kern.delta_stappen`: buckets of
:func:`bucket_m` metres, label-correcting inside a bucket, so exact). A bigger network is searched
block by block (:func:`gebiedsplan.netwerk._kern.blokken_dijkstra`: blocks of :data:`BLOK` nodes,
compact pieces of the map in Hilbert order, each with its own heap; label-correcting where a
block runs ahead, so exact): one wave front at a time per piece of map instead of a cache miss per
node, 2x faster on a national network. scipy's Dijkstra (``min_only=True``) stays available as
``methode="dijkstra"`` and is the reference in the tests.
A point that reaches no facility (another component, an empty category, a flagged point) gets a
missing distance: never 0 and never a huge number.

*Counts within a radius* (several radii in one pass): one bounded search per facility, up to
the largest radius, in the compiled kernel :func:`gebiedsplan.netwerk._kern.tel_binnen` (numba;
distance buckets of :func:`bucket_m` metres, label-correcting inside a bucket, so exact): scratch
arrays are reset through the nodes a search touched, so a search costs what it reaches and
memory is O(nodes + counts), never facilities × nodes. When the facilities outnumber the demand
points' entry nodes the searches run from the demand points instead. A facility exactly at the
radius counts (``<=``); several facilities on one node each count.

*Pairs within a distance* (:func:`iter_pairs`, for 2SFCA and location choice, which need the
distances themselves): batches of up to :data:`PER_BLOK` nearby facilities search only the
nodes inside their bounding box grown by ``rek × max distance`` (exact, see
:mod:`gebiedsplan.netwerk.graaf`) with scipy's Dijkstra and a ``limit``; memory is bounded by the
batch (facilities × window nodes).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping, Sequence
from typing import Literal

import numpy as np
import pandas as pd
from scipy.sparse import csr_array
from scipy.sparse.csgraph import dijkstra

from gebiedsplan.errors import GebiedsplanError
from gebiedsplan.netwerk.aansluiten import Aansluiting
from gebiedsplan.netwerk.graaf import Netwerk, hilbert_index

log = logging.getLogger(__name__)

#: Nodes per block of the nearest-distance search (a power of two): a block's arrays fit in the
#: processor's cache.
BLOK = 4096
#: How far (metres) a block of that search runs ahead of the next block before switching.
VOORUIT_M = 1000.0
#: From this many nodes on, the nearest-distance search runs block by block; a smaller network
#: fits in the processor's cache, where delta-stepping's buckets beat the blocks' heaps.
BLOKKEN_VANAF = 400_000
#: Facilities per batch of bounded searches.
PER_BLOK = 32
#: Batches whose searches over the whole graph need at most this many distances
#: (sources × nodes) skip the windows.
KLEIN_GRAAF = 200_000


# --------------------------------------------------------------------------- nearest distance


def bucket_m(graaf: csr_array) -> float:
    """Bucket width of the bounded searches: half the median edge length (metres).

    Examples
    --------
    >>> from gebiedsplan.netwerk.graaf import csr_from_edges
    >>> bucket_m(csr_from_edges(np.array([0, 1]), np.array([1, 2]), np.array([10., 30.]), 3))
    10.0
    """
    data = np.asarray(graaf.data)
    stap = max(1, len(data) // 10_000)  # any width is exact; a sample sets a good one
    sample = data[::stap]
    sample = sample[(sample > 0) & np.isfinite(sample)]
    return 0.5 * float(np.median(sample)) if len(sample) else 1.0


def _csr_arrays(graaf: csr_array) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """indptr, indices, data of a CSR graph in the kernels' dtypes (int32 where it fits, so one
    compiled version of each kernel serves every graph; no copy when already so)."""
    it = np.int32 if graaf.nnz < 2**31 - 1 else np.int64
    return (
        np.asarray(graaf.indptr, dtype=it),
        np.asarray(graaf.indices, dtype=it),
        np.asarray(graaf.data, dtype=np.float64),
    )


def _bucket_search(
    graaf: csr_array, bronnen: np.ndarray, offset: np.ndarray, *, breedte_m: float
) -> np.ndarray:
    """Multi-source shortest distances by delta-stepping (:func:`gebiedsplan.netwerk._kern.delta_stappen`)."""
    from gebiedsplan.netwerk._kernels import delta_stappen

    volgorde = np.argsort(offset, kind="stable")
    capaciteit = graaf.nnz + len(bronnen) + 1
    while True:
        dist, ok = delta_stappen(
            *_csr_arrays(graaf),
            np.asarray(bronnen[volgorde], dtype=np.int64),
            np.asarray(offset[volgorde], dtype=np.float64),
            float(breedte_m),
            int(capaciteit),
        )
        if ok:
            return np.asarray(dist)
        capaciteit *= 2


def _blok_search(graaf: csr_array, bronnen: np.ndarray, offset: np.ndarray) -> np.ndarray:
    """Multi-source shortest distances block by block (:func:`gebiedsplan.netwerk._kern.blokken_dijkstra`)."""
    from gebiedsplan.netwerk._kernels import blokken_dijkstra

    if graaf.shape[0] >= 2**31:
        raise GebiedsplanError(
            f"Een netwerk van {graaf.shape[0]:,} knopen is te groot (hoogstens 2^31); deel het "
            "op, bijvoorbeeld per provincie (gebiedsplan landelijk)."
        )
    return np.asarray(
        blokken_dijkstra(
            *_csr_arrays(graaf),
            np.asarray(bronnen, dtype=np.int64),
            np.asarray(offset, dtype=np.float64),
            int(BLOK).bit_length() - 1,
            float(VOORUIT_M),
        )
    )


def shortest_to_nearest(
    graaf: csr_array,
    bronnen: np.ndarray,
    offset: np.ndarray | None = None,
    *,
    methode: Literal["auto", "dijkstra", "bucket", "blok"] = "auto",
) -> np.ndarray:
    """Distance from the sources to every node over a CSR graph (row -> column), nearest source.

    Parameters
    ----------
    graaf
        CSR matrix of edge lengths (explicit zeros are edges).
    bronnen
        Source rows; repeats allowed.
    offset
        Distance already travelled at each source (default 0).
    methode
        ``auto`` (the default): ``bucket`` below :data:`BLOKKEN_VANAF` nodes, else ``blok``.
        ``bucket``: compiled delta-stepping; ``blok``: the compiled search block by block (see
        the module's docstring); ``dijkstra``: scipy's, kept as the reference. All are exact.

    Returns
    -------
    numpy.ndarray
        Distance per node; ``inf`` where no source reaches it.

    Examples
    --------
    >>> from gebiedsplan.netwerk.graaf import csr_from_edges
    >>> g = csr_from_edges(np.array([0, 1, 1, 2]), np.array([1, 0, 2, 1]),
    ...     np.array([100., 100., 50., 50.]), 3)
    >>> shortest_to_nearest(g, np.array([2]), np.array([10.])).tolist()
    [160.0, 60.0, 10.0]
    >>> shortest_to_nearest(g, np.array([2]), np.array([10.]), methode="blok").tolist()
    [160.0, 60.0, 10.0]
    """
    n = graaf.shape[0]
    bronnen = np.asarray(bronnen, dtype=np.int64)
    if len(bronnen) == 0:
        return np.full(n, np.inf)
    off = np.zeros(len(bronnen)) if offset is None else np.asarray(offset, dtype=float)
    if not (np.isfinite(off) & (off >= 0)).all():
        raise GebiedsplanError("Afstanden bij de bronnen moeten eindig en >= 0 zijn.")
    if methode == "auto":
        methode = "blok" if n >= BLOKKEN_VANAF else "bucket"
    if methode == "blok":
        return _blok_search(graaf, bronnen, off)
    if methode == "bucket":
        return _bucket_search(graaf, bronnen, off, breedte_m=bucket_m(graaf))
    if methode != "dijkstra":
        raise GebiedsplanError(
            f"Onbekende methode '{methode}'; kies auto, dijkstra, bucket of blok."
        )
    if not off.any():
        return np.asarray(dijkstra(graaf, directed=True, indices=np.unique(bronnen), min_only=True))
    # one virtual node (row n) with an edge to every source; a node with several sources keeps
    # the smallest offset
    best = pd.Series(off).groupby(bronnen).min()
    indptr = np.append(graaf.indptr, graaf.indptr[-1] + len(best))
    indices = np.concatenate([graaf.indices, best.index.to_numpy(dtype=graaf.indices.dtype)])
    data = np.concatenate([graaf.data, best.to_numpy(dtype=float)])
    augmented = csr_array((data, indices, indptr), shape=(n + 1, n + 1))
    return np.asarray(dijkstra(augmented, directed=True, indices=n, min_only=True))[:n]


def distance_to_nearest(
    netwerk: Netwerk, bron_knopen: np.ndarray, bron_afstand_m: np.ndarray | None = None
) -> np.ndarray:
    """Network distance from every node to the nearest of several sources (facilities).

    One multi-source search; on a network with one-way streets it runs on the reversed graph,
    so the distance is the one travelled *to* the source.

    Parameters
    ----------
    netwerk
        Compiled network.
    bron_knopen
        Node rows of the sources; repeats allowed.
    bron_afstand_m
        Extra distance at each source (its snap distance); default 0.

    Returns
    -------
    numpy.ndarray
        Distance per node in metres; ``inf`` where no source is reachable.

    Examples
    --------
    >>> from scipy.sparse import csr_array
    >>> from gebiedsplan.netwerk.graaf import Netwerk
    >>> # a path 0 -100- 1 -50- 2
    >>> g = csr_array(([100., 100., 50., 50.], ([0, 1, 1, 2], [1, 0, 2, 1])), shape=(3, 3))
    >>> net = Netwerk(xy=np.zeros((3, 2)), graaf=g, knoop_ids=np.arange(3))
    >>> distance_to_nearest(net, np.array([2]), np.array([10.]))
    array([160.,  60.,  10.])
    """
    return shortest_to_nearest(netwerk.graaf_terug, bron_knopen, bron_afstand_m)


# --------------------------------------------------------------------------- bounded searches


class _Raster:
    """Grid index of node coordinates for window queries (cells of ``cel`` metres)."""

    def __init__(self, xy: np.ndarray, cel: float) -> None:
        self.cel = cel
        self.o = xy.min(axis=0)
        c = np.floor((xy - self.o) / cel).astype(np.int64)
        self.nx = int(c[:, 0].max()) + 1
        self.ny = int(c[:, 1].max()) + 1
        cid = c[:, 1] * self.nx + c[:, 0]
        self.order = np.argsort(cid, kind="stable")
        self.start = np.searchsorted(cid[self.order], np.arange(self.nx * self.ny + 1))

    def window(self, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
        c0 = np.clip(np.floor((lo - self.o) / self.cel).astype(np.int64), 0, None)
        c1 = np.minimum(
            np.floor((hi - self.o) / self.cel).astype(np.int64), [self.nx - 1, self.ny - 1]
        )
        if (c1 < c0).any():
            return np.empty(0, dtype=np.int64)
        rows = np.arange(c0[1], c1[1] + 1)
        a = self.start[rows * self.nx + c0[0]]
        b = self.start[rows * self.nx + c1[0] + 1]
        lens = b - a
        idx = np.repeat(a + lens - np.cumsum(lens), lens) + np.arange(int(lens.sum()))
        return np.sort(self.order[idx])


def _sub_csr(graaf: csr_array, S: np.ndarray, loc: np.ndarray) -> csr_array:
    """The subgraph induced by rows ``S`` (``loc`` maps a row to its place in ``S``, else -1).

    Explicit zeros (zero-length edges) are kept. scipy's indexing (C++) is faster on small
    graphs, but its column selection costs O(all nodes) per call; above 200,000 nodes the
    numpy version, O(edges of S), is used.
    """
    if graaf.shape[0] <= 200_000:
        return graaf[S][:, S]
    indptr = graaf.indptr
    starts = indptr[S].astype(np.int64)
    lens = indptr[S + 1] - starts
    pos = np.repeat(starts + lens - np.cumsum(lens), lens) + np.arange(int(lens.sum()))
    cols = loc[graaf.indices[pos]]
    keep = cols >= 0
    rows = np.repeat(np.arange(len(S)), lens)[keep]
    ip = np.zeros(len(S) + 1, dtype=np.int32)
    np.cumsum(np.bincount(rows, minlength=len(S)), out=ip[1:])
    return csr_array(
        (graaf.data[pos][keep], cols[keep].astype(np.int32), ip), shape=(len(S), len(S))
    )


def _blokken(
    graaf: csr_array,
    xy: np.ndarray,
    rek: float,
    zoek_rij: np.ndarray,
    zoek_off: np.ndarray,
    doel_rij: np.ndarray | None,
    doel_off: np.ndarray | None,
    max_m: float,
    *,
    per_blok: int = PER_BLOK,
) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Distances within ``max_m`` from searchers to targets, batch by batch.

    Searchers and targets are given by up to two entry rows (-1 for none) and the distance to
    each entry. Yields ``(zoekers, doelen, dm)`` with ``dm[i, j]`` the distance from searcher
    ``zoekers[i]`` to target ``doelen[j]`` along ``graaf``; entries above ``max_m`` are ``inf``
    (pairs not yielded are further than ``max_m`` apart). ``doel_rij=None`` makes every node a
    target at distance 0 (``doelen`` are node rows).
    """
    n = graaf.shape[0]
    eerste = np.where(zoek_rij[:, 0] >= 0, zoek_rij[:, 0], zoek_rij[:, 1])
    actief = np.flatnonzero((eerste >= 0) & (np.min(zoek_off, axis=1) <= max_m))
    if len(actief) == 0 or n == 0:
        return
    R = rek * max_m
    anker = xy[eerste[actief]]
    # batches: places on a grid of tiles, at most per_blok searchers each, Hilbert order inside
    lo, hi = anker.min(axis=0), anker.max(axis=0)
    oppervlak = max(float(np.prod(np.maximum(hi - lo, 1.0))), 1.0)
    # small graphs: one search over the whole graph per batch beats cutting windows
    klein = n * min(len(actief), per_blok) <= KLEIN_GRAAF
    if np.isfinite(R) and not klein:
        tegel = float(np.clip(np.sqrt(oppervlak * per_blok / len(actief)), R / 2, 4 * R))
        raster: _Raster | None = _Raster(xy, max(R / 2, 1.0))
    else:
        tegel = float(np.max(hi - lo)) + 1.0
        raster = None
    sleutel = np.floor((anker - lo) / tegel).astype(np.int64)
    volgorde = np.lexsort((hilbert_index(anker), sleutel[:, 0], sleutel[:, 1]))
    ks = sleutel[volgorde]
    nieuw = np.ones(len(volgorde), dtype=bool)
    nieuw[1:] = np.any(ks[1:] != ks[:-1], axis=1)
    groep = np.cumsum(nieuw) - 1
    rang = np.arange(len(volgorde)) - np.flatnonzero(nieuw)[groep]
    nieuw |= rang % per_blok == 0
    grenzen = np.flatnonzero(nieuw)
    if doel_rij is not None:
        assert doel_off is not None
        inv_ptr, inv_doel, _ = _inverse_ingangen(doel_rij, doel_off, n)
    enkel = bool((zoek_rij[actief, 1] < 0).all())
    loc = np.full(n, -1, dtype=np.int64)
    for blok in np.split(actief[volgorde], grenzen[1:]):
        ent = zoek_rij[blok]
        ent_xy = xy[ent[ent >= 0]]
        if raster is None:
            S = np.arange(n)
        else:
            S = raster.window(ent_xy.min(axis=0) - R, ent_xy.max(axis=0) + R)
        m = len(S)
        loc[S] = np.arange(m)
        sub = graaf if raster is None else _sub_csr(graaf, S, loc)
        blok = blok[np.argsort(loc[np.maximum(zoek_rij[blok, 0], 0)], kind="stable")]
        ent = zoek_rij[blok]
        ent_loc = np.where(ent >= 0, loc[np.maximum(ent, 0)], -1)
        uniek, inv = np.unique(ent_loc[ent_loc >= 0], return_inverse=True)
        off = zoek_off[blok]
        limiet = max_m - float(np.min(off))
        D = np.atleast_2d(dijkstra(sub, directed=True, indices=uniek, limit=limiet))
        if enkel:  # one entry per searcher: rows of D, no second entry to compare
            r0 = inv.ravel()
            Ds = D if len(r0) == len(uniek) and (r0 == np.arange(len(r0))).all() else D[r0]
            if off[:, 0].any():
                Ds = Ds + off[:, :1]
        else:
            D = np.vstack([D, np.full((1, m), np.inf)])
            ri = np.full(ent.shape, len(uniek), dtype=np.int64)
            ri[ent_loc >= 0] = inv.ravel()
            Ds = np.minimum(D[ri[:, 0]] + off[:, :1], D[ri[:, 1]] + off[:, 1:])
        if doel_rij is None:
            dm, doelen = Ds, S
        else:
            assert doel_off is not None
            # only targets entering at a node some searcher reached
            bereikt = np.flatnonzero(np.isfinite(Ds).any(axis=0))
            plek = np.full(m, len(bereikt), dtype=np.int64)  # window node -> column
            plek[bereikt] = np.arange(len(bereikt))
            knopen = S[bereikt]
            starts, ends = inv_ptr[knopen], inv_ptr[knopen + 1]
            lens = ends - starts
            pos = np.repeat(starts + lens - np.cumsum(lens), lens) + np.arange(int(lens.sum()))
            doelen = np.unique(inv_doel[pos])
            Dr = np.hstack([Ds[:, bereikt], np.full((len(blok), 1), np.inf)])
            dr = doel_rij[doelen]
            lokaal = np.where(dr >= 0, loc[np.maximum(dr, 0)], -1)
            tl = np.where(lokaal >= 0, plek[np.maximum(lokaal, 0)], len(bereikt))
            do = doel_off[doelen]
            dm = np.minimum(Dr[:, tl[:, 0]] + do[:, 0], Dr[:, tl[:, 1]] + do[:, 1])
        loc[S] = -1
        if len(doelen) == 0:
            continue
        if doel_rij is not None or not enkel or off[:, 0].any():
            dm[dm > max_m] = np.inf  # (bare node targets from one entry at 0 are within limit)
        yield blok, doelen, dm


def count_within(
    netwerk: Netwerk,
    bron_knopen: np.ndarray,
    *,
    stralen_m: Sequence[float],
    bron_afstand_m: np.ndarray | None = None,
) -> np.ndarray:
    """Number of sources within each radius of every node (distance from the node to the source).

    Parameters
    ----------
    netwerk
        Compiled network.
    bron_knopen
        Node rows of the sources (facilities); each counts, also several on one node.
    stralen_m
        Radii in metres; all in one pass (bounded by the largest).
    bron_afstand_m
        Extra distance at each source (its snap distance); default 0.

    Returns
    -------
    numpy.ndarray
        ``int32`` array (len(stralen_m) × n_knopen).

    Examples
    --------
    >>> from gebiedsplan.netwerk.graaf import Netwerk, csr_from_edges
    >>> # a path 0 -100- 1 -50- 2, sources on node 2 twice and on node 0
    >>> g = csr_from_edges(np.array([0, 1, 1, 2]), np.array([1, 0, 2, 1]),
    ...     np.array([100., 100., 50., 50.]), 3)
    >>> net = Netwerk(xy=np.array([[0., 0.], [100., 0.], [150., 0.]]), graaf=g,
    ...     knoop_ids=np.arange(3))
    >>> count_within(net, np.array([2, 2, 0]), stralen_m=[50, 150]).tolist()
    [[1, 2, 2], [3, 3, 3]]
    """
    bronnen = np.asarray(bron_knopen, dtype=np.int64)
    uit = count_within_groups(
        netwerk,
        bronnen,
        np.zeros(len(bronnen), dtype=np.int64),
        stralen_m=stralen_m,
        bron_afstand_m=bron_afstand_m,
    )
    return uit.get(0, np.zeros((len(stralen_m), netwerk.n_knopen), dtype=np.int32))


def count_within_groups(
    netwerk: Netwerk,
    bron_knopen: np.ndarray,
    groepen: np.ndarray,
    *,
    stralen_m: Sequence[float],
    bron_afstand_m: np.ndarray | None = None,
) -> dict[object, np.ndarray]:
    """:func:`count_within` for several source sets (e.g. categories) in one pass.

    One pass shares the subgraph windows and the Python work between the groups, which is
    several times faster than one call per group on large networks.

    Returns
    -------
    dict
        ``{groep: int32 array (len(stralen_m) × n_knopen)}`` for every group that has sources.

    Examples
    --------
    >>> from gebiedsplan.netwerk.graaf import Netwerk, csr_from_edges
    >>> g = csr_from_edges(np.array([0, 1, 1, 2]), np.array([1, 0, 2, 1]),
    ...     np.array([100., 100., 50., 50.]), 3)
    >>> net = Netwerk(xy=np.array([[0., 0.], [100., 0.], [150., 0.]]), graaf=g,
    ...     knoop_ids=np.arange(3))
    >>> uit = count_within_groups(net, np.array([2, 0]), np.array(["a", "b"]), stralen_m=[100])
    >>> uit["a"].tolist(), uit["b"].tolist()
    ([[0, 1, 1]], [[1, 1, 0]])
    """
    n = netwerk.n_knopen
    stralen = _stralen(stralen_m)
    bronnen = np.asarray(bron_knopen, dtype=np.int64)
    labels, code = np.unique(np.asarray(groepen), return_inverse=True)
    code = code.ravel().astype(np.int64)
    tellingen = np.zeros((len(labels), len(stralen), n), dtype=np.int32)
    if len(bronnen) and len(stralen):
        off = (
            np.zeros(len(bronnen)) if bron_afstand_m is None else np.asarray(bron_afstand_m, float)
        )
        # node order is Hilbert order: searches in that order reuse the cache
        volgorde = np.argsort(bronnen, kind="stable")
        zoek_rij = np.column_stack([bronnen[volgorde], np.full(len(bronnen), -1)])
        zoek_off = np.column_stack([off[volgorde], np.full(len(bronnen), np.inf)])
        _tel(
            netwerk.graaf_terug,
            zoek_rij,
            zoek_off,
            code[volgorde],
            None,
            np.empty(0, np.int64),
            stralen,
            tellingen,
            per_zoeker=False,
        )
    terug = np.argsort(np.argsort(np.asarray(stralen_m, dtype=float), kind="stable"))
    if (terug == np.arange(len(terug))).all():  # radii given in order: views, no copies
        return {lab: tellingen[i] for i, lab in enumerate(labels.tolist())}
    return {lab: tellingen[i][terug] for i, lab in enumerate(labels.tolist())}


def _stralen(stralen_m: Sequence[float]) -> np.ndarray:
    """Radii sorted ascending, checked (the kernel stops at the last)."""
    stralen = np.asarray(stralen_m, dtype=float).ravel()
    if not (np.isfinite(stralen) & (stralen >= 0)).all():
        raise GebiedsplanError(
            f"Stralen moeten eindige getallen >= 0 zijn, niet {stralen.tolist()}."
        )
    return np.sort(stralen)


def _inverse_ingangen(rij: np.ndarray, off: np.ndarray, n: int) -> tuple[np.ndarray, ...]:
    """Per node the points entering there: (indptr over nodes, point ids, entry distances)."""
    from gebiedsplan.netwerk._kernels import per_knoop

    return tuple(
        per_knoop(
            np.ascontiguousarray(rij, dtype=np.int64),
            np.ascontiguousarray(off, dtype=np.float64),
            int(n),
        )
    )


def _tel(
    graaf: csr_array,
    zoek_rij: np.ndarray,
    zoek_off: np.ndarray,
    zoek_groep: np.ndarray,
    doelen: tuple[np.ndarray, np.ndarray] | None,
    doel_groep: np.ndarray,
    stralen: np.ndarray,
    tellingen: np.ndarray,
    *,
    per_zoeker: bool,
) -> None:
    """Run :func:`gebiedsplan.netwerk._kern.tel_binnen` (see there); ``doelen=None``: nodes are targets,
    else ``(entry rows, entry distances)`` of the targets (n × 2, -1 for none)."""
    from gebiedsplan.netwerk._kernels import tel_binnen

    n = graaf.shape[0]
    if doelen is None:
        ptr, ids, off = np.zeros(1, np.int64), np.empty(0, np.int64), np.empty(0)
    else:
        ptr, ids, off = _inverse_ingangen(doelen[0], doelen[1], n)
    tel_binnen(
        *_csr_arrays(graaf),
        np.ascontiguousarray(zoek_rij, dtype=np.int64),
        np.ascontiguousarray(zoek_off, dtype=float),
        np.ascontiguousarray(zoek_groep, dtype=np.int64),
        ptr,
        ids,
        off,
        np.ascontiguousarray(doel_groep, dtype=np.int64),
        doelen is None,
        per_zoeker,
        stralen,
        bucket_m(graaf),
        tellingen,
    )


# --------------------------------------------------------------------------- per demand point


def nearest_per_point(aansluiting: Aansluiting, voorziening: np.ndarray) -> np.ndarray:
    """Distance from every demand point to the nearest of the selected facilities (NaN: none).

    Parameters
    ----------
    aansluiting
        Result of :func:`gebiedsplan.netwerk.aansluiten.connect_points`.
    voorziening
        Boolean mask or positions of the facilities to consider.

    Examples
    --------
    >>> from gebiedsplan.netwerk.aansluiten import connect_points
    >>> from gebiedsplan.bronnen.demo import build_demo
    >>> from gebiedsplan.netwerk.graaf import compile_netwerk
    >>> demo = build_demo()
    >>> a = connect_points(demo.vraagpunten, demo.voorzieningen, compile_netwerk(demo.netwerk))
    >>> d = nearest_per_point(a, (demo.voorzieningen["categorie"] == "huisarts").to_numpy())
    >>> bool(np.nanmax(d) > np.nanmin(d) > 0)
    True
    """
    net = aansluiting.netwerk
    blad = aansluiting.blad[voorziening]
    blad = blad[blad >= 0]
    afstand = per_point(aansluiting, shortest_to_nearest(net.graaf_terug, blad))
    afstand[~np.isfinite(afstand)] = np.nan
    return afstand


def per_point(aansluiting: Aansluiting, per_knoop: np.ndarray) -> np.ndarray:
    """Distance of every demand point from distances per node of ``aansluiting.netwerk``: the
    smaller over its (up to two) entries of node distance + entry distance; ``inf`` where no
    entry is reached or the point is not attached."""
    d = np.append(np.asarray(per_knoop, dtype=float), np.inf)
    rij = np.where(aansluiting.vraag_rij >= 0, aansluiting.vraag_rij, len(d) - 1)
    off = aansluiting.vraag_afstand_m
    return np.minimum(d[rij[:, 0]] + off[:, 0], d[rij[:, 1]] + off[:, 1])


def iter_pairs(
    aansluiting: Aansluiting,
    voorziening: np.ndarray,
    *,
    max_m: float,
    vanaf: Literal["auto", "voorzieningen", "vraagpunten"] = "auto",
) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """All (facility, demand point) pairs within ``max_m``, batch by batch.

    Yields ``(voorzieningen, vraagpunten, dm)``: positions of the facilities and demand points of
    the batch and ``dm[i, j]``, the distance from demand point ``j`` to facility ``i`` (``inf``
    above ``max_m``). Searches start at the facilities, or at the demand points when the
    facilities outnumber the points' entry nodes (``vanaf="auto"``; then ``dm`` is still
    facility × point). Memory is bounded by one batch.

    Examples
    --------
    >>> from gebiedsplan.netwerk.aansluiten import connect_points
    >>> from gebiedsplan.bronnen.demo import build_demo
    >>> from gebiedsplan.netwerk.graaf import compile_netwerk
    >>> demo = build_demo()
    >>> a = connect_points(demo.vraagpunten, demo.voorzieningen, compile_netwerk(demo.netwerk))
    >>> paren = sum(int(np.isfinite(dm).sum())
    ...     for _, _, dm in iter_pairs(a, np.ones(len(demo.voorzieningen), bool), max_m=300.0))
    >>> paren > 0
    True
    """
    net = aansluiting.netwerk
    keuze = np.asarray(voorziening)
    pos = np.flatnonzero(keuze) if keuze.dtype == bool else keuze.astype(np.int64)
    pos = pos[aansluiting.blad[pos] >= 0]
    if len(pos) == 0:
        return
    blad = aansluiting.blad[pos]
    vz_rij = np.column_stack([blad, np.full(len(blad), -1)])
    vz_off = np.column_stack([np.zeros(len(blad)), np.full(len(blad), np.inf)])
    vrij, voff = aansluiting.vraag_rij, aansluiting.vraag_afstand_m
    n_ingangen = len(np.unique(vrij[vrij >= 0]))
    if vanaf == "voorzieningen" or (vanaf == "auto" and len(np.unique(blad)) <= n_ingangen):
        for z, d, dm in _blokken(
            net.graaf_terug, net.xy, net.rek, vz_rij, vz_off, vrij, voff, max_m
        ):
            yield pos[z], d, dm
    else:
        for z, d, dm in _blokken(net.graaf, net.xy, net.rek, vrij, voff, vz_rij, vz_off, max_m):
            yield pos[d], z, dm.T


def count_per_point(
    aansluiting: Aansluiting,
    categorie: np.ndarray,
    stralen: Mapping[str, Sequence[float]],
    *,
    vanaf: Literal["auto", "voorzieningen", "vraagpunten"] = "auto",
) -> dict[tuple[str, float], np.ndarray]:
    """Per category and radius the number of facilities within reach of every demand point.

    Parameters
    ----------
    aansluiting
        Result of :func:`gebiedsplan.netwerk.aansluiten.connect_points`.
    categorie
        Category of every facility.
    stralen
        ``{categorie: radii}``.
    vanaf
        Where the searches start: at the facilities, or at the demand points; ``auto`` picks
        the side with fewer distinct start nodes (the answer is the same).

    Returns
    -------
    dict
        ``{(categorie, straal): counts}`` with an ``int64`` count per demand point (0 for flagged
        points; the caller marks those missing).

    Examples
    --------
    >>> from gebiedsplan.netwerk.aansluiten import connect_points
    >>> from gebiedsplan.bronnen.demo import build_demo
    >>> from gebiedsplan.netwerk.graaf import compile_netwerk
    >>> demo = build_demo()
    >>> a = connect_points(demo.vraagpunten, demo.voorzieningen, compile_netwerk(demo.netwerk))
    >>> tel = count_per_point(a, demo.voorzieningen["categorie"].to_numpy(),
    ...     {"speelplek": [100, 300]})
    >>> bool((tel[("speelplek", 100.0)] <= tel[("speelplek", 300.0)]).all())
    True
    """
    n = len(aansluiting.vraag_rij)
    paren = [(str(c), float(r)) for c, rs in stralen.items() for r in rs]
    uit = {p: np.zeros(n, dtype=np.int64) for p in paren}
    categorie = np.asarray(categorie).astype(str)
    cats = sorted({c for c, _ in paren})
    code = {c: i for i, c in enumerate(cats)}
    cat_code = np.array([code.get(c, -1) for c in categorie], dtype=np.int64)
    mee = (cat_code >= 0) & (aansluiting.blad >= 0)
    if not paren or not mee.any():
        return uit
    radii = np.unique(_stralen([r for _, r in paren]))
    net = aansluiting.netwerk
    blad, cc = aansluiting.blad[mee], cat_code[mee]
    vz_rij = np.column_stack([blad, np.full(len(blad), -1)])
    vz_off = np.column_stack([np.zeros(len(blad)), np.full(len(blad), np.inf)])
    vrij, voff = aansluiting.vraag_rij, aansluiting.vraag_afstand_m
    tellingen = np.zeros((len(cats), len(radii), n), dtype=np.int32)
    if vanaf not in ("auto", "voorzieningen", "vraagpunten"):
        raise GebiedsplanError(
            f"vanaf moet auto, voorzieningen of vraagpunten zijn, niet {vanaf!r}."
        )
    if vanaf == "voorzieningen" or (
        vanaf == "auto"
        and np.count_nonzero(np.bincount(blad, minlength=net.n_knopen))
        <= np.count_nonzero(np.bincount(vrij[vrij >= 0], minlength=net.n_knopen))
    ):
        # from the facilities (reversed graph: distance from the point to the facility)
        v = np.argsort(blad, kind="stable")
        _tel(
            net.graaf_terug,
            vz_rij[v],
            vz_off[v],
            cc[v],
            (vrij, voff),
            np.empty(0, np.int64),
            radii,
            tellingen,
            per_zoeker=False,
        )
    else:
        # facilities outnumber the points' entry nodes: search from the points instead
        eerste = np.where(vrij[:, 0] >= 0, vrij[:, 0], vrij[:, 1])
        v = np.argsort(eerste, kind="stable")
        per_punt = np.zeros_like(tellingen)
        _tel(
            net.graaf,
            vrij[v],
            voff[v],
            np.zeros(n, np.int64),
            (vz_rij, vz_off),
            cc,
            radii,
            per_punt,
            per_zoeker=True,
        )
        tellingen[:, :, v] = per_punt
    for c, r in paren:
        uit[(c, r)] = tellingen[code[c], int(np.searchsorted(radii, r))].astype(np.int64)
    return uit


# --------------------------------------------------------------------------- the analysis
