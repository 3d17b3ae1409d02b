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
    """A street-like graph of about ``n_knopen`` nodes (a square grid of that size)."""
    side = int(round(np.sqrt(n_knopen)))
    rng = np.random.default_rng(seed)
    n = side * side
    gy, gx = np.divmod(np.arange(n), side)
    jitter = rng.uniform(-0.2 * spacing_m, 0.2 * spacing_m, (n, 2))
    xy = np.column_stack([gx * spacing_m, gy * spacing_m]) + jitter + (150_000.0, 400_000.0)
    idx = np.arange(n).reshape(side, side)
    straten = np.concatenate(
        [
            np.column_stack([idx[:, :-1].ravel(), idx[:, 1:].ravel()]),
            np.column_stack([idx[:-1, :].ravel(), idx[1:, :].ravel()]),
        ]
    )
    straten = straten[rng.random(len(straten)) > 0.10]
    diag = np.column_stack([idx[:-1, :-1].ravel(), idx[1:, 1:].ravel()])
    diag = diag[rng.random(len(diag)) < 0.05]
    e = np.concatenate([straten, diag])
    lengte = np.hypot(*(xy[e[:, 0]] - xy[e[:, 1]]).T) * rng.uniform(1.0, 1.2, len(e))
    ids = rng.permutation(n).astype(np.int64) + 1_000_000
    # input order = id order, as a graph read from OSM would be
    order = np.argsort(ids)
    pos = np.empty(n, dtype=np.int64)
    pos[order] = np.arange(n)
    return Graaf(ids=ids[order], xy=xy[order], van=pos[e[:, 0]], naar=pos[e[:, 1]], lengte_m=lengte)


def pick_nodes(graaf: Graaf, k: int, *, seed: int) -> np.ndarray:
    """``k`` distinct node positions, seeded."""
    return np.sort(np.random.default_rng(seed).choice(graaf.n_knopen, k, replace=False))
