"""Equity (gelijkheid) of accessibility per wijk: who meets the norm, and how unequal distances are.

All measures weight every demand point by its inhabitants, so a point with 40 residents counts as
40 residents at that distance. With distances ``x_i`` and weights ``w_i`` (``W = sum w_i``,
``mu = sum w_i x_i / W``):

- ``aandeel_binnen_norm = sum(w_i [x_i <= norm]) / W_all``, where ``W_all`` includes analysed
  residents who cannot reach any facility (they do not meet the norm), but not the residents
  the analysis could not reach over the network (column ``geanalyseerd`` of ``bereik``, see
  :mod:`gebiedsplan.analyse.bereikbaarheid`): they are counted in ``inwoners`` only;
- Gini of distances (0: everybody travels the same distance, towards 1: a few travel all of it)::

      G = sum_i sum_j w_i w_j |x_i - x_j| / (2 W² mu)

  computed in O(n log n) from the sorted distances with cumulative weights ``C_i``:
  ``G = sum_i w_i x_i (2 C_i - w_i - W) / (W² mu)``;
- Palma ratio of distances: the share of all person-metres travelled by the 10% of residents
  with the longest distances, divided by the share travelled by the 40% with the shortest,
  ``(1 - L(0.9)) / L(0.4)`` on the population-weighted Lorenz curve ``L`` (linear within a
  point's residents, so a point can be split at the 40% and 90% marks). Equal distances for
  everybody give 0.1 / 0.4 = 0.25; 1 means the farthest tenth together travel as much as the
  nearest four tenths; it is infinite when the nearest 40% travel 0 m.

Gini and Palma are over analysed residents who can reach a facility; those who cannot are
reported in ``inwoners_onbereikbaar``. Both are missing when no resident (or only distance 0)
is left.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

import numpy as np
import pandas as pd

from gebiedsplan.analyse._kolommen import kolom
from gebiedsplan.analyse.bereikbaarheid import categories_of
from gebiedsplan.catalogus import Norm
from gebiedsplan.errors import GebiedsplanError

log = logging.getLogger(__name__)


def _geldig(waarden: np.ndarray, gewichten: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    x = np.asarray(waarden, dtype=float)
    w = np.asarray(gewichten, dtype=float)
    if x.shape != w.shape:
        raise GebiedsplanError("Waarden en gewichten moeten even lang zijn.")
    if (w < 0).any() or (x[np.isfinite(x)] < 0).any():
        raise GebiedsplanError("Afstanden en gewichten mogen niet negatief zijn.")
    keep = np.isfinite(x) & (w > 0)
    return x[keep], w[keep]


def gini(waarden: np.ndarray, gewichten: np.ndarray) -> float:
    """Population-weighted Gini coefficient of non-negative values (module docstring).

    Missing or infinite values are left out. NaN when nothing is left or the mean is 0.

    Examples
    --------
    >>> gini(np.array([100.0, 100.0]), np.array([1.0, 3.0]))
    0.0
    >>> round(gini(np.array([0.0, 100.0]), np.array([1.0, 1.0])), 3)
    0.5
    """
    x, w = _geldig(waarden, gewichten)
    if len(x) == 0:
        return float("nan")
    order = np.argsort(x, kind="stable")
    x, w = x[order], w[order]
    W = w.sum()
    mu = float((w * x).sum() / W)
    if mu == 0:
        return float("nan")
    c = np.cumsum(w)
    return float((w * x * (2 * c - w - W)).sum() / (W * W * mu))


def lorenz(waarden: np.ndarray, gewichten: np.ndarray, p: np.ndarray) -> np.ndarray:
    """Population-weighted Lorenz curve ``L(p)``: share of the total held by the lowest share p.

    Examples
    --------
    >>> lorenz(np.array([1.0, 3.0]), np.array([1.0, 1.0]), np.array([0.5, 0.75])).tolist()
    [0.25, 0.625]
    """
    x, w = _geldig(waarden, gewichten)
    order = np.argsort(x, kind="stable")
    x, w = x[order], w[order]
    P = np.concatenate([[0.0], np.cumsum(w) / w.sum()])
    totaal = (w * x).sum()
    L = np.concatenate([[0.0], np.cumsum(w * x) / totaal]) if totaal > 0 else P * 0
    return np.interp(np.asarray(p, dtype=float), P, L)


def palma(waarden: np.ndarray, gewichten: np.ndarray) -> float:
    """Palma ratio ``(1 - L(0.9)) / L(0.4)`` of distances (module docstring).

    Examples
    --------
    >>> # ten residents at 1..10 km: the farthest tenth travel 10 of 55, the nearest four 10
    >>> round(palma(np.arange(1.0, 11.0), np.ones(10)), 6)
    1.0
    """
    x, w = _geldig(waarden, gewichten)
    if len(x) == 0 or (w * x).sum() == 0:
        return float("nan")
    laag, hoog = lorenz(x, w, np.array([0.4, 0.9]))
    return float("inf") if laag == 0 else float((1 - hoog) / laag)


def gini_palma(waarden: np.ndarray, gewichten: np.ndarray) -> tuple[float, float]:
    """:func:`gini` and :func:`palma` of the same values with one sort (for many areas).

    Examples
    --------
    >>> x, w = np.arange(1.0, 11.0), np.ones(10)
    >>> g, p = gini_palma(x, w)
    >>> bool(np.isclose(g, gini(x, w)) and np.isclose(p, palma(x, w)))
    True
    """
    x, w = _geldig(waarden, gewichten)
    if len(x) == 0:
        return float("nan"), float("nan")
    order = np.argsort(x, kind="stable")
    x, w = x[order], w[order]
    wx = w * x
    totaal = float(wx.sum())
    if totaal == 0:
        return float("nan"), float("nan")
    c = np.cumsum(w)
    W = float(c[-1])
    g = float((wx * (2 * c - w - W)).sum() / (W * totaal))
    P = np.concatenate([[0.0], c / W])
    L = np.concatenate([[0.0], np.cumsum(wx) / totaal])
    laag, hoog = np.interp([0.4, 0.9], P, L)
    return g, float("inf") if laag == 0 else float((1 - hoog) / laag)


def compute_gelijkheid(
    bereik: pd.DataFrame,
    vraagpunten: pd.DataFrame,
    normen: Mapping[str, Norm],
    *,
    groep: str | pd.Series,
) -> pd.DataFrame:
    """Equity per area and category: share meeting the norm, Gini and Palma of distances.

    Parameters
    ----------
    bereik
        Result of :func:`gebiedsplan.analyse.bereikbaarheid.compute_bereikbaarheid`.
    vraagpunten
        Demand points (``inwoners``), same index.
    normen
        Norm per category (``max_afstand_m``).
    groep
        Column of ``vraagpunten`` or a Series aligned with it giving the area of every point
        (e.g. the wijkcode).

    Returns
    -------
    pandas.DataFrame
        Indexed by (area, ``categorie``): ``inwoners`` (all), ``inwoners_geanalyseerd``,
        ``inwoners_onbereikbaar``, ``aandeel_binnen_norm``, ``gini_afstand``, ``palma_afstand``.

    Examples
    --------
    >>> bereik = pd.DataFrame({"afstand_huisarts_m": [100.0, 300.0, np.nan]},
    ...     index=["a", "b", "c"])
    >>> vraag = pd.DataFrame({"inwoners": [1, 1, 2], "wijkcode": "WK1"}, index=bereik.index)
    >>> from gebiedsplan.catalogus import Norm
    >>> t = compute_gelijkheid(bereik, vraag, {"huisarts": Norm("huisarts", 200, 0.9, "", "")},
    ...     groep="wijkcode")
    >>> rij = t.loc[("WK1", "huisarts")]
    >>> int(rij["inwoners"]), float(rij["aandeel_binnen_norm"]), float(rij["gini_afstand"])
    (4, 0.25, 0.25)
    """
    codes = vraagpunten[groep] if isinstance(groep, str) else groep
    codes = codes.reindex(bereik.index)
    if codes.isna().any():
        raise GebiedsplanError(
            f"{int(codes.isna().sum())} vraagpunten hebben geen gebiedscode om op te tellen."
        )
    inwoners = (
        pd.to_numeric(vraagpunten["inwoners"], errors="coerce")
        .reindex(bereik.index)
        .to_numpy(dtype=float, na_value=np.nan)
    )
    geanalyseerd = (
        bereik["geanalyseerd"].to_numpy(dtype=bool, na_value=False)
        if "geanalyseerd" in bereik.columns
        else np.ones(len(bereik), dtype=bool)
    )
    nummer, gebieden = pd.factorize(codes, sort=True)
    rijen = []
    for cat in categories_of(bereik):
        if cat not in normen:
            raise GebiedsplanError(f"Geen norm voor categorie {cat}.")
        norm = float(normen[cat].max_afstand_m)
        afstand = bereik[kolom("afstand", cat, eenheid="m")].to_numpy(dtype=float, na_value=np.nan)
        for g, gebied in enumerate(gebieden):
            alle = nummer == g
            sel = alle & geanalyseerd
            x, w = afstand[sel], inwoners[sel]
            totaal = float(np.nansum(w))
            bereikbaar = np.isfinite(x)
            rijen.append(
                {
                    "gebied": gebied,
                    "categorie": cat,
                    "inwoners": int(round(float(np.nansum(inwoners[alle])))),
                    "inwoners_geanalyseerd": int(round(totaal)),
                    "inwoners_onbereikbaar": int(round(float(w[~bereikbaar].sum()))),
                    "aandeel_binnen_norm": (
                        float(w[bereikbaar & (np.nan_to_num(x, nan=np.inf) <= norm)].sum()) / totaal
                        if totaal > 0
                        else np.nan
                    ),
                    "gini_afstand": gini(x, w),
                    "palma_afstand": palma(x, w),
                }
            )
    tabel = pd.DataFrame(rijen)
    naam = codes.name if isinstance(codes.name, str) else "code"
    return tabel.rename(columns={"gebied": naam}).set_index([naam, "categorie"]).sort_index()
