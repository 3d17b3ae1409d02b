"""Compiled kernels (numba) that build a network's arrays: Hilbert order, CSR rows, transpose.

Compiling a 10M-node national network with numpy alone spends its time in general sorts:
``np.lexsort`` over the ~37M directed edges to group and deduplicate them, a stable argsort of
the Hilbert positions, and sixteen whole-array passes of ``np.where`` for those positions, each
with its int64 temporaries. The kernels here do the same work in a few linear passes:

- :func:`hilbert_posities`: the Hilbert position of every point, point by point (no
  temporaries), four levels of the curve at a time from a table (:func:`hilbert_tabel`);
- :func:`stabiel_argsort`: a stable LSD radix sort of those positions (16 bits a pass), the
  permutation ``np.argsort(..., kind="stable")`` gives;
- :func:`csr_rijen`: a counting sort of the edges into rows (``bincount`` + ``cumsum``), then per
  row a stable sort by target (insertion sort: street nodes have a handful of edges; a
  bottom-up merge sort for rows longer than :data:`KORTE_RIJ`) and the shortest of parallel
  edges;
- :func:`transponeer`: the transpose of a CSR by a counting sort over its columns;
- :func:`rek_grootheden`: the largest chord / length ratio over the edges, edge by edge.

Each gives exactly what the numpy code gives (the same permutation, the same CSR arrays, the
same floats), which ``tests/test_compileren.py`` checks. :mod:`gebiedsplan.netwerk.graaf` calls
them above :data:`gebiedsplan.netwerk.graaf.NUMPY_TOT` points or edges and keeps numpy below
it, so compiling a gemeente's network in a fresh install compiles no kernels. They are
compiled on first use and cached by numba in the same folder as those of
:mod:`gebiedsplan.netwerk._kern` (:mod:`gebiedsplan.netwerk._numba_cache`).
"""

from __future__ import annotations

import functools
import math

import numpy as np
from numba import njit

from gebiedsplan.netwerk._numba_cache import install

install()  # where numba caches the kernels below, as for _kern: before the first @njit

#: Rows up to this many edges are sorted by insertion, longer ones by a stable merge sort.
KORTE_RIJ = 32


@functools.cache
def hilbert_tabel(c: int) -> np.ndarray:
    """The Hilbert curve ``c`` levels at a time, as a table (4 × 4**c, int64).

    The curve of :func:`hilbert_posities` walks from the largest quadrant down; at every level
    the bits ``(rx, ry)`` of the cell give the digit ``(3 * rx) ^ ry`` and the cell is then
    reflected (both coordinates complemented, when ``rx == 1, ry == 0``) and swapped (when
    ``ry == 0``). Reflection and swap commute, so what has been done to the lower bits is one of
    four states ``2 * reflected + swapped``. Entry ``[state, X * 2**c + Y]`` for the next ``c``
    bits ``X`` and ``Y`` of a cell holds ``digits << 2 | next state``.

    Examples
    --------
    >>> (hilbert_tabel(1)[0] >> 2).tolist()  # cells (0, 0), (0, 1), (1, 0), (1, 1)
    [0, 1, 3, 2]
    """
    m = 1 << c
    tabel = np.empty((4, m * m), dtype=np.int64)
    for toestand in range(4):
        gespiegeld, gewisseld = toestand >> 1, toestand & 1
        for bx in range(m):
            for by in range(m):
                x, y = (by, bx) if gewisseld else (bx, by)
                if gespiegeld:
                    x, y = (m - 1) ^ x, (m - 1) ^ y
                r, s = gespiegeld, gewisseld
                d = 0
                for k in range(c - 1, -1, -1):
                    rx, ry = (x >> k) & 1, (y >> k) & 1
                    d += ((3 * rx) ^ ry) << (2 * k)
                    if ry == 0:
                        if rx == 1:
                            x, y = (m - 1) ^ x, (m - 1) ^ y
                            r ^= 1
                        x, y = y, x
                        s ^= 1
                tabel[toestand, bx * m + by] = (d << 2) | (r << 1) | s
    return tabel


@njit(cache=True, nogil=True)
def hilbert_posities(
    xy: np.ndarray,
    lo_x: float,
    lo_y: float,
    span: float,
    bits: int,
    tabel1: np.ndarray,
    tabel4: np.ndarray,
) -> np.ndarray:
    """Position along a Hilbert curve of ``2**bits`` cells a side of every point (n × 2).

    The same arithmetic as the whole-array version it replaced, per point: the cell is
    ``min(int((x - lo) / span * 2**bits), 2**bits - 1)``; its place along the curve is read
    four levels at a time from ``tabel4`` (``hilbert_tabel(4)``), the ``bits % 4`` top levels
    from ``tabel1`` (``hilbert_tabel(1)``).
    """
    n = 1 << bits
    los = bits % 4
    uit = np.empty(xy.shape[0], dtype=np.int64)
    for i in range(xy.shape[0]):
        x = min(int((xy[i, 0] - lo_x) / span * n), n - 1)
        y = min(int((xy[i, 1] - lo_y) / span * n), n - 1)
        d = 0
        toestand = 0
        for k in range(bits - 1, bits - 1 - los, -1):
            e = tabel1[toestand, (((x >> k) & 1) << 1) | ((y >> k) & 1)]
            d = (d << 2) | (e >> 2)
            toestand = e & 3
        for k in range(bits - los - 4, -1, -4):
            e = tabel4[toestand, (((x >> k) & 15) << 4) | ((y >> k) & 15)]
            d = (d << 8) | (e >> 2)
            toestand = e & 3
        uit[i] = d
    return uit


@njit(cache=True, nogil=True)
def stabiel_argsort(sleutel: np.ndarray, bits: int) -> np.ndarray:
    """The stable argsort of non-negative int64 keys below ``2**bits``: LSD radix, 16 bits a pass.

    The first pass reads the keys in place; later passes carry the keys along with the
    positions (three arrays as long as the keys for two passes, the Hilbert positions' case).
    """
    m = sleutel.shape[0]
    if m < 2:
        return np.arange(m)
    passes = max(1, (bits + 15) // 16)
    teller = np.empty(1 << 16, dtype=np.int64)
    volgorde = np.empty(m, dtype=np.int64)
    sleutels = sleutel  # read only, until a pass has written its own copy
    nieuw_v = np.empty(m, dtype=np.int64) if passes > 1 else volgorde
    nieuw_s = np.empty(m, dtype=np.int64) if passes > 1 else sleutel
    for p in range(passes):
        shift = 16 * p
        for c in range(1 << 16):
            teller[c] = 0
        for i in range(m):
            teller[(sleutels[i] >> shift) & 0xFFFF] += 1
        som = 0
        for c in range(1 << 16):
            k = teller[c]
            teller[c] = som
            som += k
        laatste = p == passes - 1
        for i in range(m):
            c = (sleutels[i] >> shift) & 0xFFFF
            j = teller[c]
            teller[c] = j + 1
            nieuw_v[j] = i if p == 0 else volgorde[i]
            if not laatste:
                nieuw_s[j] = sleutels[i]
        if laatste:
            return nieuw_v
        if p == 0:  # from now on two buffers each, used in turn
            volgorde, nieuw_v = nieuw_v, volgorde
            sleutels = nieuw_s
            nieuw_s = np.empty(m, dtype=np.int64) if passes > 2 else nieuw_s
        else:
            volgorde, nieuw_v = nieuw_v, volgorde
            sleutels, nieuw_s = nieuw_s, sleutels
    return volgorde


@njit(cache=True, nogil=True, inline="always")
def _kortste_eerst(v: float, beste: float) -> bool:
    """Whether length ``v`` replaces ``beste``: shorter, or ``beste`` is NaN and ``v`` is not
    (sorted by length, NaN comes last; among equals the first given stays)."""
    return v < beste or (beste != beste and v == v)


@njit(cache=True, nogil=True)
def _invoegsorteer(indices: np.ndarray, data: np.ndarray, begin: int, eind: int) -> None:
    """Sort ``indices[begin:eind]`` (and ``data`` alike) stably by insertion: short rows."""
    for i in range(begin + 1, eind):
        c = indices[i]
        v = data[i]
        j = i - 1
        while j >= begin and indices[j] > c:
            indices[j + 1] = indices[j]
            data[j + 1] = data[j]
            j -= 1
        indices[j + 1] = c
        data[j + 1] = v


@njit(cache=True, nogil=True)
def _samenvoegsorteer(indices: np.ndarray, data: np.ndarray, begin: int, eind: int) -> None:
    """Sort ``indices[begin:eind]`` (and ``data`` alike) stably by a bottom-up merge sort: long
    rows (a node with hundreds of edges), where insertion would take quadratic time."""
    m = eind - begin
    bron_i = np.empty(m, dtype=indices.dtype)
    bron_d = np.empty(m, dtype=np.float64)
    doel_i = np.empty(m, dtype=indices.dtype)
    doel_d = np.empty(m, dtype=np.float64)
    for k in range(m):
        bron_i[k] = indices[begin + k]
        bron_d[k] = data[begin + k]
    breedte = 1
    while breedte < m:
        links = 0
        while links < m:
            midden = links + breedte if links + breedte < m else m
            rechts = links + 2 * breedte if links + 2 * breedte < m else m
            i = links
            j = midden
            for k in range(links, rechts):
                if i < midden and (j >= rechts or bron_i[i] <= bron_i[j]):
                    doel_i[k] = bron_i[i]
                    doel_d[k] = bron_d[i]
                    i += 1
                else:
                    doel_i[k] = bron_i[j]
                    doel_d[k] = bron_d[j]
                    j += 1
            links += 2 * breedte
        for k in range(m):
            bron_i[k] = doel_i[k]
            bron_d[k] = doel_d[k]
        breedte *= 2
    for k in range(m):
        indices[begin + k] = bron_i[k]
        data[begin + k] = bron_d[k]


@njit(cache=True, nogil=True)
def csr_rijen(
    a: np.ndarray,
    b: np.ndarray,
    w: np.ndarray,
    terug: np.ndarray,
    n: int,
    dedupe: bool,
    indices: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, int]:
    """Rows of a CSR from directed edges ``a -> b`` (plus ``b -> a`` where ``terug``), self-loops left out.

    Edges enter their row in the order given (first all ``a -> b``, then the ``b -> a``). With
    ``dedupe`` each row is then sorted by target, stably, and of parallel edges the shortest is
    kept (NaN counts as longest; of equal lengths the first given): the rows ``np.lexsort((w, b,
    a))`` followed by "first of every (a, b)" gives. Without ``dedupe`` rows keep the order given.

    Parameters
    ----------
    a, b, w
        Edge ends (row positions, int64) and lengths.
    terug
        Per edge: add ``b -> a`` too; an empty array for none.
    n
        Number of rows.
    dedupe
        Sort rows by target and keep the shortest of parallel edges.
    indices
        Output buffer for the targets (int32 or int64), at least as long as the edges entered.

    Returns
    -------
    indptr, data, nnz
        Row pointers (int64, n + 1), lengths, and the number of entries in ``indices[:nnz]``
        and ``data[:nnz]``.
    """
    m = a.shape[0]
    met_terug = terug.shape[0] > 0
    indptr = np.zeros(n + 1, dtype=np.int64)
    for i in range(m):
        if a[i] != b[i]:
            indptr[a[i] + 1] += 1
            if met_terug and terug[i]:
                indptr[b[i] + 1] += 1
    for r in range(n):
        indptr[r + 1] += indptr[r]
    totaal = indptr[n]
    data = np.empty(totaal, dtype=np.float64)
    pos = np.empty(n, dtype=np.int64)  # next free place per row (no slices: they compile slowly)
    for r in range(n):
        pos[r] = indptr[r]
    for i in range(m):
        if a[i] != b[i]:
            j = pos[a[i]]
            indices[j] = b[i]
            data[j] = w[i]
            pos[a[i]] = j + 1
    if met_terug:
        for i in range(m):
            if terug[i] and a[i] != b[i]:
                j = pos[b[i]]
                indices[j] = a[i]
                data[j] = w[i]
                pos[b[i]] = j + 1
    if not dedupe:
        return indptr, data, totaal
    schrijf = 0
    begin = indptr[0]
    for r in range(n):
        eind = indptr[r + 1]
        if eind - begin > KORTE_RIJ:
            _samenvoegsorteer(indices, data, begin, eind)
        else:
            _invoegsorteer(indices, data, begin, eind)
        i = begin
        while i < eind:
            c = indices[i]
            beste = data[i]
            i += 1
            while i < eind and indices[i] == c:
                if _kortste_eerst(data[i], beste):
                    beste = data[i]
                i += 1
            indices[schrijf] = c
            data[schrijf] = beste
            schrijf += 1
        begin = eind
        indptr[r + 1] = schrijf
    return indptr, data, schrijf


@njit(cache=True, nogil=True)
def transponeer(
    indptr: np.ndarray, indices: np.ndarray, data: np.ndarray, n: int, uit_indices: np.ndarray
) -> tuple[np.ndarray, np.ndarray, int]:
    """The transpose of an n × n CSR, self-loops left out; every row in the order of the rows it
    came from (a counting sort over the columns, as a stable sort of the entries by column).

    Returns the row pointers (int64), the lengths and the number of entries written to
    ``uit_indices`` (a buffer as long as ``indices``).
    """
    uit_ptr = np.zeros(n + 1, dtype=np.int64)
    for r in range(n):
        for k in range(indptr[r], indptr[r + 1]):
            if indices[k] != r:
                uit_ptr[indices[k] + 1] += 1
    for r in range(n):
        uit_ptr[r + 1] += uit_ptr[r]
    nnz = uit_ptr[n]
    uit_data = np.empty(nnz, dtype=np.float64)
    pos = np.empty(n, dtype=np.int64)
    for r in range(n):
        pos[r] = uit_ptr[r]
    for r in range(n):
        for k in range(indptr[r], indptr[r + 1]):
            c = indices[k]
            if c != r:
                j = pos[c]
                uit_indices[j] = r
                uit_data[j] = data[k]
                pos[c] = j + 1
    return uit_ptr, uit_data, nnz


@njit(cache=True, nogil=True)
def rek_grootheden(
    xy: np.ndarray, a: np.ndarray, b: np.ndarray, w: np.ndarray
) -> tuple[bool, bool, float, bool]:
    """Per edge the chord ``hypot(xy[a] - xy[b])`` against its length ``w``.

    Returns whether some edge of length ``<= 0`` joins two places (chord above ``1e-6 *
    max(1, chord)``), whether some edge has a positive length, the largest ``chord / w`` over
    those, and whether one of those ratios is NaN.
    """
    nul_tussen_plaatsen = False
    positief = False
    grootste = -np.inf
    nan = False
    for i in range(a.shape[0]):
        koorde = math.hypot(xy[a[i], 0] - xy[b[i], 0], xy[a[i], 1] - xy[b[i], 1])
        if w[i] <= 0.0:
            if koorde > 1e-6 * max(1.0, koorde):
                nul_tussen_plaatsen = True
        elif w[i] > 0.0:
            positief = True
            q = koorde / w[i]
            if q != q:
                nan = True
            elif q > grootste:
                grootste = q
    return nul_tussen_plaatsen, positief, grootste, nan
