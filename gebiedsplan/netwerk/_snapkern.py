"""Compiled kernel (numba) for snapping: the nearest segment of every point, exact.

The straight parts of a network's segments (vertex to vertex) are registered in the cells of a
regular grid that their bounding boxes touch (:func:`build_raster`, numpy). A point searches
rings of cells around its own cell, nearest ring first, and stops when the best part found is
nearer than the edge of the square searched: every part not yet seen lies outside it
(:func:`dichtstbij`). Distances use the arithmetic of GEOS ``Distance::pointToSegment``, so they
are the numbers ``shapely.distance`` gives; among equally near segments the lowest index wins.
A point far outside the network costs rings of empty cells, each a constant.

The kernel is compiled on first use and cached like those of :mod:`gebiedsplan.netwerk._kern`
(:mod:`gebiedsplan.netwerk._numba_cache`).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from gebiedsplan.netwerk._numba_cache import install

install()  # where numba caches the kernel below: before @njit(cache=True) runs


def build_raster(
    a: np.ndarray, b: np.ndarray
) -> tuple[np.ndarray, np.ndarray, float, float, float, int, int]:
    """The grid of straight parts ``a``-``b`` (n × 2 each): cell size the mean
    spacing of the parts, each part in every cell its bounding box touches.

    Returns
    -------
    (begin, delen, x0, y0, cel_m, nx, ny)
        CSR of the cells (row ``iy * nx + ix``): ``delen[begin[c]:begin[c + 1]]`` are the parts
        in cell ``c``, ascending; the grid's origin, cell size and shape.

    Examples
    --------
    >>> begin, delen, x0, y0, cel, nx, ny = build_raster(
    ...     np.array([[0.0, 0.0], [0.0, 0.0]]), np.array([[100.0, 0.0], [0.0, 100.0]]))
    >>> int(begin[-1]) >= 2
    True
    """
    n = len(a)
    lo = np.minimum(a, b)
    hi = np.maximum(a, b)
    x0, y0 = float(lo[:, 0].min()), float(lo[:, 1].min())
    w = max(float(hi[:, 0].max()) - x0, 1.0)
    h = max(float(hi[:, 1].max()) - y0, 1.0)
    cel = max(math.sqrt(w * h / max(n, 1)), 1e-3)
    nx = int(w // cel) + 1
    ny = int(h // cel) + 1
    ix0 = np.clip(((lo[:, 0] - x0) // cel).astype(np.int64), 0, nx - 1)
    ix1 = np.clip(((hi[:, 0] - x0) // cel).astype(np.int64), 0, nx - 1)
    iy0 = np.clip(((lo[:, 1] - y0) // cel).astype(np.int64), 0, ny - 1)
    iy1 = np.clip(((hi[:, 1] - y0) // cel).astype(np.int64), 0, ny - 1)
    breed = ix1 - ix0 + 1
    aantal = breed * (iy1 - iy0 + 1)
    deel = np.repeat(np.arange(n, dtype=np.int64), aantal)
    k = np.arange(len(deel)) - np.repeat(np.cumsum(aantal) - aantal, aantal)
    cx = ix0[deel] + k % breed[deel]
    cy = iy0[deel] + k // breed[deel]
    cellen = cy * nx + cx
    volgorde = np.lexsort((deel, cellen))
    begin = np.zeros(nx * ny + 1, dtype=np.int64)
    np.cumsum(np.bincount(cellen, minlength=nx * ny), out=begin[1:])
    return begin, deel[volgorde], x0, y0, cel, nx, ny


@njit(cache=True, nogil=True, inline="always")
def _afstand(
    px: float, py: float, ax: float, ay: float, bx: float, by: float
) -> float:  # pragma: no cover - compiled
    # GEOS Distance::pointToSegment, operation for operation
    if ax == bx and ay == by:
        return math.sqrt((px - ax) * (px - ax) + (py - ay) * (py - ay))
    len2 = (bx - ax) * (bx - ax) + (by - ay) * (by - ay)
    r = ((px - ax) * (bx - ax) + (py - ay) * (by - ay)) / len2
    if r <= 0.0:
        return math.sqrt((px - ax) * (px - ax) + (py - ay) * (py - ay))
    if r >= 1.0:
        return math.sqrt((px - bx) * (px - bx) + (py - by) * (py - by))
    s = ((ay - py) * (bx - ax) - (ax - px) * (by - ay)) / len2
    return abs(s) * math.sqrt(len2)


@njit(cache=True, nogil=True)
def dichtstbij(
    xy: np.ndarray,
    a: np.ndarray,
    b: np.ndarray,
    kant: np.ndarray,
    begin: np.ndarray,
    delen: np.ndarray,
    x0: float,
    y0: float,
    cel: float,
    nx: int,
    ny: int,
) -> tuple[np.ndarray, np.ndarray]:  # pragma: no cover - compiled
    """Nearest segment (``kant`` of the nearest part) and its distance for every point."""
    n = xy.shape[0]
    uit_kant = np.full(n, -1, dtype=np.int64)
    uit_d = np.full(n, np.inf)
    if delen.shape[0] == 0:
        return uit_kant, uit_d
    for i in range(n):
        px = xy[i, 0]
        py = xy[i, 1]
        cx = int(math.floor((px - x0) / cel))
        cy = int(math.floor((py - y0) / cel))
        beste = np.inf
        beste_kant = -1
        r = 0
        while True:
            j0 = max(cy - r, 0)
            j1 = min(cy + r, ny - 1)
            i0 = max(cx - r, 0)
            i1 = min(cx + r, nx - 1)
            if j0 <= j1 and i0 <= i1:
                for j in range(j0, j1 + 1):
                    rand_rij = j == cy - r or j == cy + r
                    ii = i0
                    while ii <= i1:
                        if not rand_rij and ii != cx - r and ii != cx + r:
                            # inside the square: only its left and right edge are new
                            ii = cx + r if cx + r <= i1 else i1 + 1
                            continue
                        c = j * nx + ii
                        for q in range(begin[c], begin[c + 1]):
                            d = delen[q]
                            afst = _afstand(px, py, a[d, 0], a[d, 1], b[d, 0], b[d, 1])
                            if afst < beste or (afst == beste and kant[d] < beste_kant):
                                beste = afst
                                beste_kant = kant[d]
                        ii += 1
            # every part not yet seen lies outside the square of cells cx-r..cx+r, cy-r..cy+r
            grens = min(
                px - (x0 + (cx - r) * cel),
                (x0 + (cx + r + 1) * cel) - px,
                py - (y0 + (cy - r) * cel),
                (y0 + (cy + r + 1) * cel) - py,
            )
            if beste < grens - 1e-7:  # margin: cells are cut by rounding
                break
            if cx - r <= 0 and cy - r <= 0 and cx + r >= nx - 1 and cy + r >= ny - 1:
                break  # the whole grid searched
            r += 1
        uit_kant[i] = beste_kant
        uit_d[i] = beste
    return uit_kant, uit_d
