"""The engine: street networks compiled to arrays, points attached to them, and exact searches.

- :mod:`~gebiedsplan.netwerk.graaf`: the ``netwerk`` layer compiled to a :class:`Netwerk`
  (node order along a Hilbert curve, CSR arrays of edge lengths, roads per travel mode), kept
  beside the layer store;
- :mod:`~gebiedsplan.netwerk.aansluiten`: demand points and facilities attached to the network
  (perpendicular snap, facilities as leaf nodes, points too far away flagged);
- :mod:`~gebiedsplan.netwerk.zoeken`: nearest distances (multi-source delta-stepping), counts
  within radii (one bounded search per facility) and pairs within a distance;
- :mod:`~gebiedsplan.netwerk.bereik`: the streets within reach of one place;
- :mod:`~gebiedsplan.netwerk._kern`: the compiled (numba) kernels of those searches.

The engine knows nothing of norms, categories or gemeenten: it takes geometry and arrays and
returns distances and counts; :mod:`gebiedsplan.analyse` gives them their meaning.
"""

from __future__ import annotations

from gebiedsplan.netwerk.aansluiten import (
    MAX_SNAP_M,
    Aansluiting,
    Koppeling,
    connect_points,
    snap_to_edges,
    with_segments,
)
from gebiedsplan.netwerk.bereik import compute_bereik
from gebiedsplan.netwerk.graaf import (
    Kernbereik,
    Netwerk,
    compile_netwerk,
    component_sizes,
    compute_kernbereik,
    csr_from_edges,
    load_netwerk,
    save_netwerk,
    select_modus,
)
from gebiedsplan.netwerk.zoeken import (
    count_per_point,
    count_within,
    distance_to_nearest,
    iter_pairs,
    nearest_per_point,
)

__all__ = [
    "MAX_SNAP_M",
    "Aansluiting",
    "Kernbereik",
    "Koppeling",
    "Netwerk",
    "compile_netwerk",
    "component_sizes",
    "compute_bereik",
    "compute_kernbereik",
    "connect_points",
    "count_per_point",
    "count_within",
    "csr_from_edges",
    "distance_to_nearest",
    "iter_pairs",
    "load_netwerk",
    "nearest_per_point",
    "save_netwerk",
    "select_modus",
    "snap_to_edges",
    "with_segments",
]
