"""Accessibility (bereikbaarheid): walking distance over the network to the nearest facility.

Method
------
Demand points and facilities are snapped to their nearest network node; the straight-line snap
distance is added at both ends. Per category one shortest-path run answers every demand point:
a virtual source node is joined to every facility node with the facility's snap distance as
edge weight, and a single Dijkstra run from it (``scipy.sparse.csgraph.dijkstra``) gives each
node its distance to the nearest facility. A demand point that cannot reach any facility of a
category (another network component, no facility at all, or further than ``max_snap_m`` from
the network) gets a missing distance and counts as *onbereikbaar*; it is never given 0 or a huge
number.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping

import geopandas as gpd
import numpy as np
import pandas as pd
from scipy.sparse import csr_array
from scipy.sparse.csgraph import dijkstra

from gebiedsplan._errors import GebiedsplanError
from gebiedsplan._kolommen import kolom
from gebiedsplan.catalogus import Norm
from gebiedsplan.netwerk import Netwerk, check_projected, check_same_crs, snap

log = logging.getLogger(__name__)

#: Points further than this from any network node are not attached to it (flagged instead).
MAX_SNAP_M = 250.0


def distance_to_nearest(
    netwerk: Netwerk, bron_knopen: np.ndarray, bron_afstand_m: np.ndarray | None = None
) -> np.ndarray:
    """Network distance from every node to the nearest of several sources, in one Dijkstra run.

    Parameters
    ----------
    netwerk
        Compiled network.
    bron_knopen
        Node rows of the sources (facilities); repeats allowed.
    bron_afstand_m
        Extra distance at each source (its snap distance); default 0.

    Returns
    -------
    numpy.ndarray
        Distance per node in metres; ``inf`` where no source is reachable.

    Examples
    --------
    >>> import numpy as np
    >>> from scipy.sparse import csr_array
    >>> from gebiedsplan.netwerk import Netwerk
    >>> # a path 0 -100- 1 -50- 2
    >>> g = csr_array(([100., 100., 50., 50.], ([0, 1, 1, 2], [1, 0, 2, 1])), shape=(3, 3))
    >>> net = Netwerk(xy=np.zeros((3, 2)), graaf=g, knoop_ids=np.arange(3))
    >>> distance_to_nearest(net, np.array([2]), np.array([10.]))
    array([160.,  60.,  10.])
    """
    n = netwerk.n_knopen
    bron_knopen = np.asarray(bron_knopen, dtype=np.int64)
    if len(bron_knopen) == 0:
        return np.full(n, np.inf)
    offset = np.zeros(len(bron_knopen)) if bron_afstand_m is None else np.asarray(bron_afstand_m)
    # one virtual node (row n) with an edge to every source node; several sources on one node
    # keep the smallest offset
    best = pd.Series(offset).groupby(bron_knopen).min()
    g = netwerk.graaf
    indptr = np.append(g.indptr, g.indptr[-1] + len(best))
    indices = np.concatenate([g.indices, best.index.to_numpy(dtype=g.indices.dtype)])
    data = np.concatenate([g.data, best.to_numpy(dtype=float)])
    augmented = csr_array((data, indices, indptr), shape=(n + 1, n + 1))
    dist = dijkstra(augmented, directed=True, indices=n)
    return np.asarray(dist[:n])


def compute_bereikbaarheid(
    vraagpunten: gpd.GeoDataFrame,
    voorzieningen: gpd.GeoDataFrame,
    netwerk: Netwerk,
    normen: Mapping[str, Norm],
    *,
    categorieen: Iterable[str] | None = None,
    max_snap_m: float = MAX_SNAP_M,
) -> pd.DataFrame:
    """Walking distance from every demand point to the nearest facility of each category.

    Parameters
    ----------
    vraagpunten
        Layer ``vraagpunten`` (points with ``inwoners``), EPSG:28992.
    voorzieningen
        Layer ``voorzieningen`` (points with ``categorie``), same CRS.
    netwerk
        Compiled walking network (:func:`gebiedsplan.netwerk.compile_netwerk`).
    normen
        Norm per category (``Gemeente.normen``); ``max_afstand_m`` decides ``binnen_norm_*``.
    categorieen
        Categories to compute; default every category with a norm.
    max_snap_m
        Demand points or facilities further than this from the network are not attached: the
        points count as unreachable, the facilities are left out (both logged).

    Returns
    -------
    pandas.DataFrame
        Indexed like ``vraagpunten``: ``snap_afstand_m``, and per category
        ``afstand_<categorie>_m`` (float, missing when unreachable) and
        ``binnen_norm_<categorie>`` (boolean, missing when unreachable).

    Examples
    --------
    >>> from gebiedsplan.bronnen.demo import build_demo
    >>> from gebiedsplan.catalogus import load_catalogus
    >>> from gebiedsplan.netwerk import compile_netwerk
    >>> demo = build_demo()
    >>> bereik = compute_bereikbaarheid(demo.vraagpunten, demo.voorzieningen,
    ...     compile_netwerk(demo.netwerk), load_catalogus().normen, categorieen=["huisarts"])
    >>> list(bereik.columns)
    ['snap_afstand_m', 'afstand_huisarts_m', 'binnen_norm_huisarts']
    """
    check_projected(vraagpunten, wat="Laag vraagpunten")
    check_same_crs(vraagpunten, voorzieningen, wat_a="Laag vraagpunten", wat_b="laag voorzieningen")
    gekozen = list(categorieen) if categorieen is not None else list(normen)
    unknown = [c for c in gekozen if c not in normen]
    if unknown:
        raise GebiedsplanError(
            f"Geen norm voor categorie {', '.join(unknown)}; normen bestaan voor "
            f"{', '.join(normen)}. Voeg ze toe in lagen/catalogus/normen.yml of wijken/<gemeente>.yml."
        )
    punt_knoop, punt_snap = snap(netwerk, vraagpunten)
    los = punt_snap > max_snap_m
    if los.any():
        log.warning(
            "%d vraagpunten (%d inwoners) liggen verder dan %.0f m van het netwerk en tellen als "
            "onbereikbaar",
            los.sum(),
            vraagpunten["inwoners"].to_numpy()[los].sum(),
            max_snap_m,
        )
    vz_knoop, vz_snap = snap(netwerk, voorzieningen)
    vz_los = vz_snap > max_snap_m
    if vz_los.any():
        log.warning(
            "%d voorzieningen liggen verder dan %.0f m van het netwerk en doen niet mee: %s",
            vz_los.sum(),
            max_snap_m,
            ", ".join(voorzieningen.index[vz_los].astype(str)[:10]),
        )
    result = pd.DataFrame({"snap_afstand_m": punt_snap}, index=vraagpunten.index)
    categorie = voorzieningen["categorie"].to_numpy()
    for cat in gekozen:
        keep = (categorie == cat) & ~vz_los
        if not keep.any():
            log.warning(
                "Categorie %s heeft geen voorzieningen: iedereen telt als onbereikbaar", cat
            )
        per_knoop = distance_to_nearest(netwerk, vz_knoop[keep], vz_snap[keep])
        afstand = per_knoop[punt_knoop] + punt_snap
        afstand[los | ~np.isfinite(afstand)] = np.nan
        binnen = pd.array(afstand <= normen[cat].max_afstand_m, dtype="boolean")
        binnen[np.isnan(afstand)] = pd.NA
        result[kolom("afstand", cat, eenheid="m")] = afstand
        result[kolom("binnen_norm", cat)] = binnen
    return result


def categories_of(bereik: pd.DataFrame) -> list[str]:
    """The categories present in a result of :func:`compute_bereikbaarheid`."""
    return [c[len("afstand_") : -len("_m")] for c in bereik.columns if c.startswith("afstand_")]


def aggregate_bereikbaarheid(
    bereik: pd.DataFrame, vraagpunten: pd.DataFrame, *, groep: str | pd.Series
) -> pd.DataFrame:
    """Aggregate point accessibility to areas, weighting every point by its inhabitants.

    Per area and category:

    - ``inwoners``: all inhabitants of the area's demand points;
    - ``inwoners_onbereikbaar``: inhabitants without any reachable facility of the category;
    - ``gem_afstand_m``: population-weighted mean distance, sum(inwoners x afstand) / sum(inwoners),
      over the reachable points only;
    - ``inwoners_binnen_norm`` and ``inwoners_buiten_norm`` (= inwoners - binnen, so the
      unreachable count as outside);
    - ``aandeel_binnen_norm`` = inwoners_binnen_norm / inwoners (missing when an area has none).

    Parameters
    ----------
    bereik
        Result of :func:`compute_bereikbaarheid`.
    vraagpunten
        The demand points (``inwoners``), same index.
    groep
        Column of ``vraagpunten`` (e.g. ``"buurtcode"``) or a Series aligned with it giving the
        area of every point (e.g. the wijkcode).

    Returns
    -------
    pandas.DataFrame
        Indexed by (area code, ``categorie``).
    """
    codes = vraagpunten[groep] if isinstance(groep, str) else groep
    codes = codes.reindex(bereik.index)
    if codes.isna().any():
        raise GebiedsplanError(
            f"{int(codes.isna().sum())} vraagpunten hebben geen gebiedscode om op te tellen."
        )
    inwoners = vraagpunten["inwoners"].reindex(bereik.index).astype(float)
    frames = []
    for cat in categories_of(bereik):
        afstand = bereik[kolom("afstand", cat, eenheid="m")]
        binnen = bereik[kolom("binnen_norm", cat)].fillna(False).astype(bool)
        bereikbaar = afstand.notna()
        parts = (
            pd.DataFrame(
                {
                    "inwoners": inwoners,
                    "inwoners_bereikbaar": inwoners.where(bereikbaar, 0.0),
                    "gewogen_afstand": (inwoners * afstand).where(bereikbaar, 0.0),
                    "inwoners_binnen_norm": inwoners.where(binnen, 0.0),
                }
            )
            .groupby(codes.to_numpy())
            .sum()
        )
        out = pd.DataFrame(index=parts.index)
        out["inwoners"] = parts["inwoners"].round().astype("int64")
        out["inwoners_onbereikbaar"] = (
            (parts["inwoners"] - parts["inwoners_bereikbaar"]).round().astype("int64")
        )
        with np.errstate(invalid="ignore", divide="ignore"):
            out["gem_afstand_m"] = parts["gewogen_afstand"] / parts["inwoners_bereikbaar"].replace(
                0, np.nan
            )
            out["inwoners_binnen_norm"] = parts["inwoners_binnen_norm"].round().astype("int64")
            out["inwoners_buiten_norm"] = out["inwoners"] - out["inwoners_binnen_norm"]
            out["aandeel_binnen_norm"] = out["inwoners_binnen_norm"] / out["inwoners"].replace(
                0, np.nan
            )
        out["categorie"] = cat
        frames.append(out)
    result = pd.concat(frames)
    result.index.name = codes.name if isinstance(codes.name, str) else "code"
    return result.set_index("categorie", append=True).sort_index()
