"""Synthetic street-like graphs for the benchmarks, built deterministically from a seed.

A jittered square grid (spacing 50 m, each node moved up to 10 m), 10% of the grid streets
removed, 5% of the blocks crossed by a diagonal, every edge 0-20% longer than the straight line
(streets bend). Node ids are a seeded permutation of the positions: like OSM ids they carry no
spatial order, so the compiled node order (Hilbert curve) is measured against the input order.
The graph keeps its small disconnected pieces, as real networks do.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Graaf:
    """A synthetic graph: node ids and coordinates, edges between node positions."""

    ids: np.ndarray
    xy: np.ndarray
    van: np.ndarray
    naar: np.ndarray
    lengte_m: np.ndarray

    @property
    def n_knopen(self) -> int:
        return len(self.xy)


def street_graph(n_knopen: int, *, seed: int = 0, spacing_m: float = 50.0) -> Graaf:
    """A street-like graph of about ``n_knopen`` nodes (a square grid of that size).

    Built with whole-array steps that avoid general sorts and row gathers (10M nodes in a few
    seconds); the graph for a seed is the same as it always was.
    """
    side = int(round(np.sqrt(n_knopen)))
    rng = np.random.default_rng(seed)
    n = side * side
    gy, gx = np.divmod(np.arange(n), side)
    jitter = rng.uniform(-0.2 * spacing_m, 0.2 * spacing_m, (n, 2))
    xy = np.empty((n, 2))
    xy[:, 0] = gx * spacing_m
    xy[:, 1] = gy * spacing_m
    xy += jitter
    xy += (150_000.0, 400_000.0)
    del gx, gy, jitter
    # grid streets: first every horizontal pair (row by row), then every vertical pair
    idx = np.arange(n).reshape(side, side)
    h = (side - 1) * side
    straten = np.empty((2 * h, 2), dtype=np.int64)
    straten[:h, 0] = idx[:, :-1].ravel()
    straten[:h, 1] = straten[:h, 0] + 1
    straten[h:, 0] = np.arange(h)
    straten[h:, 1] = straten[h:, 0] + side
    straten = straten[rng.random(len(straten)) > 0.10]
    diag = np.empty(((side - 1) ** 2, 2), dtype=np.int64)
    diag[:, 0] = idx[:-1, :-1].ravel()
    diag[:, 1] = diag[:, 0] + side + 1
    diag = diag[rng.random(len(diag)) < 0.05]
    e = np.concatenate([straten, diag])
    del straten, diag, idx
    van, naar = np.ascontiguousarray(e[:, 0]), np.ascontiguousarray(e[:, 1])
    del e
    dx = np.take(xy[:, 0], van) - np.take(xy[:, 0], naar)
    dy = np.take(xy[:, 1], van) - np.take(xy[:, 1], naar)
    lengte = np.hypot(dx, dy)
    del dx, dy
    lengte *= rng.uniform(1.0, 1.2, len(lengte))
    perm = rng.permutation(n)
    # input order = id order, as a graph read from OSM would be; ids = perm + 1_000_000, so the
    # id order is the inverse permutation and the sorted ids are consecutive
    order = np.empty(n, dtype=np.int64)
    order[perm] = np.arange(n)
    ids = np.arange(n, dtype=np.int64) + 1_000_000
    # node at grid position g now sits at position perm[g]
    return Graaf(
        ids=ids,
        xy=np.take(xy, order, axis=0),
        van=np.take(perm, van),
        naar=np.take(perm, naar),
        lengte_m=lengte,
    )


def pick_nodes(graaf: Graaf, k: int, *, seed: int) -> np.ndarray:
    """``k`` distinct node positions, seeded."""
    return np.sort(np.random.default_rng(seed).choice(graaf.n_knopen, k, replace=False))
