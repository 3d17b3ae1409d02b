"""Street networks compiled to arrays (CSR) for shortest paths, and snapping points onto them."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.sparse import csr_array
from scipy.spatial import cKDTree

from gebiedsplan._errors import CRSError, GebiedsplanError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Netwerk:
    """A compiled, undirected walking network.

    Attributes
    ----------
    xy
        Node coordinates (n × 2, metres, EPSG:28992).
    graaf
        Symmetric CSR matrix of edge lengths in metres; zero-length edges are explicit entries.
    knoop_ids
        The original node id of every row.
    """

    xy: np.ndarray
    graaf: csr_array
    knoop_ids: np.ndarray

    @property
    def n_knopen(self) -> int:
        return int(self.xy.shape[0])


def check_projected(frame: gpd.GeoDataFrame | gpd.GeoSeries, *, wat: str) -> None:
    """Raise when a layer is not in a projected CRS in metres (metric functions need one)."""
    crs = frame.crs
    if crs is None or not crs.is_projected:
        raise CRSError(
            f"{wat} heeft CRS {crs}; afstanden vragen een geprojecteerd CRS in meters. "
            "Zet de laag om met .to_crs('EPSG:28992')."
        )


def check_same_crs(a: gpd.GeoDataFrame, b: gpd.GeoDataFrame, *, wat_a: str, wat_b: str) -> None:
    """Raise naming both CRSs when two layers differ (never reproject silently)."""
    if a.crs != b.crs:
        raise CRSError(
            f"{wat_a} heeft CRS {a.crs}, {wat_b} heeft CRS {b.crs}. Breng ze eerst in hetzelfde "
            "CRS, bv. met .to_crs('EPSG:28992')."
        )


def compile_netwerk(wegen: gpd.GeoDataFrame) -> Netwerk:
    """Compile a ``netwerk`` layer (line segments between numbered nodes) to a CSR graph.

    Node coordinates are taken from the segment ends. Parallel edges keep the shortest length;
    zero-length edges are kept as explicit zero entries (scipy treats them as edges).

    Parameters
    ----------
    wegen
        Layer ``netwerk``: columns ``van_knoop``, ``naar_knoop``, ``lengte_m``; LineString geometry.

    Returns
    -------
    Netwerk

    Examples
    --------
    >>> from gebiedsplan.bronnen.demo import build_demo
    >>> net = compile_netwerk(build_demo().netwerk)
    >>> net.n_knopen
    1109
    """
    check_projected(wegen, wat="Laag netwerk")
    if len(wegen) == 0:
        raise GebiedsplanError(
            "Laag netwerk is leeg; zonder wegen geen afstanden over het netwerk."
        )
    u = wegen["van_knoop"].to_numpy(dtype=np.int64)
    v = wegen["naar_knoop"].to_numpy(dtype=np.int64)
    lengte = wegen["lengte_m"].to_numpy(dtype=float)
    geoms = wegen.geometry.to_numpy()
    start = shapely.get_coordinates(shapely.get_point(geoms, 0))
    end = shapely.get_coordinates(shapely.get_point(geoms, -1))

    knoop_ids, inverse = np.unique(np.concatenate([u, v]), return_inverse=True)
    n = len(knoop_ids)
    xy = np.empty((n, 2))
    xy[inverse[: len(u)]] = start
    xy[inverse[len(u) :]] = end
    ui, vi = inverse[: len(u)], inverse[len(u) :]

    pairs = pd.DataFrame(
        {
            "a": np.concatenate([ui, vi]),
            "b": np.concatenate([vi, ui]),
            "w": np.concatenate([lengte, lengte]),
        }
    )
    pairs = pairs[pairs["a"] != pairs["b"]]  # self-loops never shorten a path
    pairs = pairs.groupby(["a", "b"], sort=True)["w"].min().reset_index()
    a = pairs["a"].to_numpy()
    indptr = np.searchsorted(a, np.arange(n + 1))
    graaf = csr_array((pairs["w"].to_numpy(), pairs["b"].to_numpy(), indptr), shape=(n, n))
    return Netwerk(xy=xy, graaf=graaf, knoop_ids=knoop_ids)


def snap(
    netwerk: Netwerk, punten: gpd.GeoSeries | gpd.GeoDataFrame
) -> tuple[np.ndarray, np.ndarray]:
    """Snap points to their nearest network node.

    Returns
    -------
    (knopen, afstand_m)
        Row index of the nearest node and the straight-line snap distance in metres, per point.

    Examples
    --------
    >>> from gebiedsplan.bronnen.demo import build_demo
    >>> demo = build_demo()
    >>> knopen, afstand = snap(compile_netwerk(demo.netwerk), demo.voorzieningen)
    >>> bool(afstand.max() < 100)
    True
    """
    geoms = punten.geometry if isinstance(punten, gpd.GeoDataFrame) else punten
    xy = shapely.get_coordinates(geoms.to_numpy())
    if len(xy) != len(geoms):
        raise GebiedsplanError("Snappen vraagt puntgeometrie, één punt per rij.")
    if len(xy) == 0:
        return np.empty(0, dtype=np.int64), np.empty(0)
    afstand, knopen = cKDTree(netwerk.xy).query(xy)
    return knopen.astype(np.int64), afstand
