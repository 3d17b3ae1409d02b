"""Compiling a network: the compiled kernels (netwerk/_bouw.py) give exactly the arrays of the numpy
code they replace on large networks.

The reference below is the numpy code of ``graaf.py`` before issue 16, copied unchanged: Hilbert
positions by whole-array passes, its stable argsort, the CSR by ``np.lexsort``, the transpose and
``rek``. The library takes the kernels above ``graaf.NUMPY_TOT`` points or edges; the tests set it
to 0 (``kernels`` fixture) so that small random graphs go through them, with what makes the rules
matter: parallel edges (shortest kept, ties, NaN), self-loops, zero lengths, one-way edges, isolated
nodes, points on the same spot (ties in the Hilbert order), a node with many edges (the merge sort).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from scipy.sparse import csr_array
from scipy.sparse.csgraph import reverse_cuthill_mckee

from gebiedsplan.errors import GebiedsplanError
from gebiedsplan.netwerk import graaf
from gebiedsplan.netwerk._bouw import hilbert_tabel, stabiel_argsort
from gebiedsplan.netwerk.graaf import (
    _transpose,
    compile_arrays,
    compile_netwerk,
    compute_rek,
    csr_from_edges,
    hilbert_index,
    hilbert_volgorde,
)

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"


# --------------------------------------------------------------------------- the reference


def ref_hilbert_index(xy: np.ndarray, *, bits: int = 16) -> np.ndarray:
    xy = np.asarray(xy, dtype=float)
    if len(xy) == 0:
        return np.empty(0, dtype=np.int64)
    lo = xy.min(axis=0)
    span = max(float((xy.max(axis=0) - lo).max()), 1e-9)
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


def ref_volgorde(xy: np.ndarray, a: np.ndarray, b: np.ndarray, volgorde: str) -> np.ndarray:
    n = len(xy)
    if volgorde == "hilbert":
        return np.argsort(ref_hilbert_index(xy), kind="stable")
    if volgorde == "rcm":
        g = csr_array((np.ones(2 * len(a)), (np.r_[a, b], np.r_[b, a])), shape=(n, n))
        return np.asarray(reverse_cuthill_mckee(g, symmetric_mode=True), dtype=np.int64)
    return np.arange(n)


def ref_csr_from_edges(
    a: np.ndarray, b: np.ndarray, w: np.ndarray, n: int, *, dedupe: bool = True
) -> csr_array:
    a = np.asarray(a, dtype=np.int64)
    b = np.asarray(b, dtype=np.int64)
    w = np.asarray(w, dtype=float)
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
    idx_dtype = np.int32 if max(n, len(a)) < 2**31 - 1 else np.int64
    return csr_array((w, b.astype(idx_dtype), indptr.astype(idx_dtype)), shape=(n, n), copy=False)


def ref_transpose(g: csr_array) -> csr_array:
    coo = g.tocoo()
    return ref_csr_from_edges(
        np.asarray(coo.col), np.asarray(coo.row), np.asarray(coo.data), g.shape[0], dedupe=False
    )


def ref_compute_rek(xy: np.ndarray, a: np.ndarray, b: np.ndarray, w: np.ndarray) -> float:
    if len(a) == 0:
        return 1.0
    koorde = np.hypot(*(xy[a] - xy[b]).T)
    tol = 1e-6 * np.maximum(1.0, koorde)
    if np.any((w <= 0) & (koorde > tol)):
        return float("inf")
    pos = w > 0
    if not pos.any():
        return 1.0
    return max(1.0, float(np.max(koorde[pos] / w[pos])))


def ref_compile_arrays(
    xy, van, naar, lengte_m, *, knoop_ids=None, eenrichting=None, volgorde="hilbert"
):
    """The arrays the old ``compile_arrays`` put in a Netwerk."""
    xy = np.asarray(xy, dtype=float)
    n = len(xy)
    ui = np.asarray(van, dtype=np.int64)
    vi = np.asarray(naar, dtype=np.int64)
    lengte = np.asarray(lengte_m, dtype=float)
    een = np.zeros(len(ui), dtype=bool) if eenrichting is None else np.asarray(eenrichting, bool)
    ids = np.arange(n) if knoop_ids is None else np.asarray(knoop_ids)
    perm = ref_volgorde(xy, ui, vi, volgorde)
    rang = np.empty(n, dtype=np.int64)
    rang[perm] = np.arange(n)
    xy, ids = xy[perm], ids[perm]
    ur, vr = rang[ui], rang[vi]
    twee = ~een
    g = ref_csr_from_edges(
        np.concatenate([ur, vr[twee]]),
        np.concatenate([vr, ur[twee]]),
        np.concatenate([lengte, lengte[twee]]),
        n,
    )
    return {
        "xy": xy,
        "graaf": g,
        "knoop_ids": ids,
        "terug": ref_transpose(g) if een.any() else None,
        "kant_van": ur,
        "kant_naar": vr,
        "kant_lengte_m": lengte,
        "kant_eenrichting": een,
        "rek": ref_compute_rek(xy, ur, vr, lengte),
    }


# --------------------------------------------------------------------------- helpers


@pytest.fixture
def kernels(monkeypatch):
    """Every size goes through the compiled kernels."""
    monkeypatch.setattr(graaf, "NUMPY_TOT", 0)


def assert_csr_identiek(g: csr_array | None, ref: csr_array | None) -> None:
    if ref is None:
        assert g is None
        return
    assert g is not None
    assert g.shape == ref.shape
    for deel in ("indptr", "indices", "data"):
        x, y = np.asarray(getattr(g, deel)), np.asarray(getattr(ref, deel))
        assert x.dtype == y.dtype, deel
        # bit for bit: -0.0 and 0.0, NaN and NaN told apart as stored
        assert x.shape == y.shape and x.tobytes() == y.tobytes(), deel


def random_graaf(seed: int, n: int = 300, m: int = 900):
    """Edges with every case the CSR rules decide: parallel edges of different and equal
    lengths (also -0.0 against 0.0), self-loops, zero lengths, one-way flags, isolated nodes,
    several nodes on one spot, one node with many edges."""
    rng = np.random.default_rng(seed)
    xy = rng.uniform(0, 1000, (n, 2)) + rng.uniform(-1e5, 1e5, 2)
    xy[rng.choice(n, n // 10, replace=False)] = xy[0]  # on one spot: ties in the Hilbert order
    actief = rng.choice(n, int(n * 0.8), replace=False)  # the rest stays isolated
    a = rng.choice(actief, m)
    b = rng.choice(actief, m)
    w = np.round(rng.uniform(0, 50, m), 1)  # rounded: equal lengths happen
    k = m // 5  # parallel copies
    kopie = rng.choice(m, k)
    a = np.r_[a, a[kopie], b[kopie]]
    b = np.r_[b, b[kopie], a[kopie]]
    w = np.r_[w, np.where(rng.random(k) < 0.5, w[kopie], w[kopie] + 1), w[kopie] * 2]
    lus = rng.choice(len(a), 20)
    b[lus] = a[lus]  # self-loops
    w[rng.choice(len(w), 30)] = 0.0
    w[rng.choice(len(w), 10)] = -0.0
    hub = actief[1]  # many edges at one node: rows longer than the insertion sort's
    veel = rng.choice(actief, 120)
    a = np.r_[a, np.full(120, hub), veel]
    b = np.r_[b, veel, np.full(120, hub)]
    w = np.r_[w, np.round(rng.uniform(0, 5, 240))]
    een = rng.random(len(a)) < 0.2
    return xy, a, b, w, een


# --------------------------------------------------------------------------- Hilbert order


@pytest.mark.parametrize("bits", [1, 2, 3, 4, 5, 7, 8, 9, 13, 16, 17, 20, 31])
def test_hilbert_kernel_equals_reference(kernels, bits):
    rng = np.random.default_rng(bits)
    xy = np.r_[
        rng.uniform(-3e5, 3e5, (2000, 2)),
        rng.integers(0, 40, (500, 2)).astype(float),  # whole numbers: on cell borders
        np.zeros((3, 2)),
    ]
    np.testing.assert_array_equal(hilbert_index(xy, bits=bits), ref_hilbert_index(xy, bits=bits))


def test_hilbert_kernel_equals_reference_in_awkward_boxes(kernels):
    rng = np.random.default_rng(5)
    for xy in (
        np.array([[1.0, 2.0]]),  # one point: span 1e-9
        np.full((5, 2), 7.0),  # all on one spot
        np.c_[rng.uniform(0, 1e-7, 50), rng.uniform(0, 1e6, 50)],  # a thin strip
        np.c_[np.arange(100.0), np.zeros(100)],  # a line
    ):
        np.testing.assert_array_equal(hilbert_index(xy), ref_hilbert_index(xy))
    assert hilbert_index(np.empty((0, 2))).dtype == np.int64


def test_hilbert_tabel_holds_one_level_of_the_curve():
    # state 0, no reflection or swap: the four quadrants in curve order (0,0) (0,1) (1,1) (1,0)
    eerste = hilbert_tabel(1)[0]
    assert (eerste >> 2).tolist() == [0, 1, 3, 2]
    # after (0, 0) the cell is swapped (state 1), after (1, 0) reflected and swapped (state 3)
    assert (eerste & 3).tolist() == [1, 0, 3, 0]


@pytest.mark.parametrize("bits", [1, 8, 16, 17, 31])
def test_hilbert_volgorde_is_the_stable_argsort(kernels, bits):
    rng = np.random.default_rng(bits)
    xy = rng.integers(0, 30, (5000, 2)).astype(float)  # many points per cell: ties
    np.testing.assert_array_equal(
        hilbert_volgorde(xy, bits=bits), np.argsort(ref_hilbert_index(xy, bits=bits), kind="stable")
    )


@pytest.mark.parametrize("bits", [1, 2, 15, 16, 17, 32, 40, 62])
def test_radix_argsort_is_numpys_stable_argsort(bits):
    rng = np.random.default_rng(bits)
    sleutel = rng.integers(0, 2**bits, 20_000, dtype=np.int64)
    sleutel[::7] = sleutel[0]  # duplicates
    np.testing.assert_array_equal(
        stabiel_argsort(sleutel, bits), np.argsort(sleutel, kind="stable")
    )
    assert stabiel_argsort(np.zeros(0, dtype=np.int64), 16).tolist() == []
    assert stabiel_argsort(np.array([5], dtype=np.int64), 16).tolist() == [0]


# --------------------------------------------------------------------------- CSR


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("dedupe", [True, False])
def test_csr_kernel_equals_reference(kernels, seed, dedupe):
    xy, a, b, w, _ = random_graaf(seed)
    n = len(xy)
    assert_csr_identiek(
        csr_from_edges(a, b, w, n, dedupe=dedupe), ref_csr_from_edges(a, b, w, n, dedupe=dedupe)
    )


def test_csr_kernel_keeps_the_first_of_equal_lengths_and_nan_last(kernels):
    a = np.array([0, 0, 0, 0, 1, 1, 1, 2, 2])
    b = np.array([1, 1, 1, 1, 2, 2, 2, 0, 0])
    w = np.array([np.nan, 0.0, -0.0, 3.0, np.nan, np.nan, 4.0, -0.0, 0.0])
    g = csr_from_edges(a, b, w, 3)
    assert_csr_identiek(g, ref_csr_from_edges(a, b, w, 3))
    # row 0: 0.0 came before -0.0, row 2: -0.0 came first; NaN only when nothing else
    assert np.signbit(g.data).tolist() == [False, False, True]
    g = csr_from_edges(np.array([0, 0]), np.array([1, 1]), np.array([np.nan, np.nan]), 2)
    assert np.isnan(g.data).tolist() == [True]


def test_csr_kernel_sorts_a_long_row_stably(kernels):
    rng = np.random.default_rng(0)
    k = 5000  # one node with thousands of edges (a hub in a synthetic graph)
    a = np.zeros(k, dtype=np.int64)
    b = rng.integers(1, 300, k)
    w = rng.choice([0.0, -0.0, 1.0, 2.0], k)  # ties told apart by sign: stable or not shows
    for dedupe in (True, False):
        assert_csr_identiek(
            csr_from_edges(a, b, w, 300, dedupe=dedupe),
            ref_csr_from_edges(a, b, w, 300, dedupe=dedupe),
        )


def test_csr_of_no_edges_and_only_self_loops(kernels):
    for a in (np.zeros(0, dtype=np.int64), np.array([2, 2])):
        w = np.ones(len(a))
        assert_csr_identiek(csr_from_edges(a, a, w, 4), ref_csr_from_edges(a, a, w, 4))


@pytest.mark.parametrize("seed", range(4))
def test_transpose_kernel_equals_reference(kernels, seed):
    xy, a, b, w, _ = random_graaf(seed)
    for dedupe in (True, False):  # rows sorted, and rows in the order given
        g = ref_csr_from_edges(a, b, w, len(xy), dedupe=dedupe)
        assert_csr_identiek(_transpose(g), ref_transpose(g))


def test_edges_outside_the_graph_are_refused():
    with pytest.raises(GebiedsplanError, match="buiten de graaf.*verwacht 0 tot 2"):
        csr_from_edges(np.array([0, 3]), np.array([1, 1]), np.array([1.0, 1.0]), 3)
    with pytest.raises(GebiedsplanError, match="buiten de graaf"):
        csr_from_edges(np.array([0, 1]), np.array([-1, 1]), np.array([1.0, 1.0]), 3)
    with pytest.raises(GebiedsplanError, match="ongelijk lang"):
        csr_from_edges(np.array([0, 1]), np.array([1]), np.array([1.0, 1.0]), 3)
    with pytest.raises(GebiedsplanError, match="ongelijk lang.*eenrichting"):
        compile_arrays(
            np.zeros((3, 2)),
            np.array([0]),
            np.array([1]),
            np.array([1.0]),
            eenrichting=np.array([True, False]),
        )


# --------------------------------------------------------------------------- rek


@pytest.mark.parametrize("seed", range(4))
def test_rek_kernel_equals_reference(kernels, seed):
    xy, a, b, w, _ = random_graaf(seed)
    w = np.abs(w) + 1.0  # no zero lengths: a finite rek
    w[::5] = np.hypot(*(xy[a[::5]] - xy[b[::5]]).T) * 0.9  # some chords longer than the edge
    assert compute_rek(xy, a, b, w) == ref_compute_rek(xy, a, b, w) > 1.0


def test_rek_kernel_in_the_corner_cases(kernels):
    xy = np.array([[0.0, 0.0], [3.0, 4.0], [3.0, 4.0 + 1e-9]])
    gevallen = [
        (np.array([0]), np.array([1]), np.array([0.0])),  # zero length between places: inf
        (np.array([1]), np.array([2]), np.array([0.0])),  # zero length on one spot: 1
        (np.array([0, 1]), np.array([1, 2]), np.array([2.5, 0.0])),  # 5 / 2.5
        (np.array([0, 0]), np.array([1, 1]), np.array([np.nan, 5.0])),  # NaN length ignored
        (np.array([0]), np.array([1]), np.array([-1.0])),  # negative: as zero
    ]
    for a, b, w in gevallen:
        assert compute_rek(xy, a, b, w) == ref_compute_rek(xy, a, b, w)
    assert [compute_rek(xy, *g) for g in gevallen] == [float("inf"), 1.0, 2.0, 1.0, float("inf")]


# --------------------------------------------------------------------------- whole networks


def assert_netwerk_is_reference(net, ref) -> None:
    for naam in ("xy", "knoop_ids", "kant_van", "kant_naar", "kant_lengte_m", "kant_eenrichting"):
        x, y = getattr(net, naam), ref[naam]
        assert x.dtype == y.dtype and x.shape == y.shape and x.tobytes() == y.tobytes(), naam
    assert_csr_identiek(net.graaf, ref["graaf"])
    assert_csr_identiek(net.terug, ref["terug"])
    assert net.rek == ref["rek"]


@pytest.mark.parametrize("pad", ["kernels", "numpy"])
@pytest.mark.parametrize("volgorde", ["hilbert", "invoer", "rcm"])
@pytest.mark.parametrize("seed", range(3))
def test_compile_arrays_equals_reference(monkeypatch, pad, volgorde, seed):
    if pad == "kernels":
        monkeypatch.setattr(graaf, "NUMPY_TOT", 0)
    xy, a, b, w, een = random_graaf(seed)
    ids = np.random.default_rng(seed).permutation(len(xy)) + 10_000
    for eenrichting in (None, een):
        net = compile_arrays(xy, a, b, w, knoop_ids=ids, eenrichting=eenrichting, volgorde=volgorde)
        ref = ref_compile_arrays(
            xy, a, b, w, knoop_ids=ids, eenrichting=eenrichting, volgorde=volgorde
        )
        assert_netwerk_is_reference(net, ref)


def test_street_graph_compiles_to_the_reference(kernels):
    sys.path.insert(0, str(BENCH))
    from grafen import street_graph

    g = street_graph(20_000, seed=4)
    een = np.random.default_rng(0).random(len(g.van)) < 0.1
    for eenrichting in (None, een):
        net = compile_arrays(
            g.xy, g.van, g.naar, g.lengte_m, knoop_ids=g.ids, eenrichting=eenrichting
        )
        ref = ref_compile_arrays(
            g.xy, g.van, g.naar, g.lengte_m, knoop_ids=g.ids, eenrichting=eenrichting
        )
        assert_netwerk_is_reference(net, ref)


@pytest.mark.parametrize("modus", ["lopen", "auto"])
@pytest.mark.parametrize("pad", ["kernels", "numpy"])
def test_demo_network_compiles_to_the_same_arrays(monkeypatch, demo, modus, pad):
    """The demo's layer through compile_netwerk against the reference on the arrays
    compile_netwerk hands to compile_arrays (node coordinates and edges from the layer)."""
    if pad == "kernels":
        monkeypatch.setattr(graaf, "NUMPY_TOT", 0)
    gegeven = {}
    echt = graaf.compile_arrays

    def onthoud(*args, **kwargs):
        gegeven.update(args=args, kwargs=kwargs)
        return echt(*args, **kwargs)

    monkeypatch.setattr(graaf, "compile_arrays", onthoud)
    wegen = demo.netwerk.copy()
    if modus == "auto":  # one-way streets: a transpose too
        wegen["eenrichting"] = np.arange(len(wegen)) % 7 == 0
    net = compile_netwerk(wegen, modus=modus)
    kwargs = {k: v for k, v in gegeven["kwargs"].items() if k != "modus"}
    ref = ref_compile_arrays(*gegeven["args"], **kwargs)
    assert_netwerk_is_reference(net, ref)
    assert net.n_knopen == 1145
    assert (modus == "auto") == (net.terug is not None)
