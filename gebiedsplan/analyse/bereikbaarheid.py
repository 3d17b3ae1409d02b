"""Accessibility (bereikbaarheid) of the residents: per demand point the network distance to
the nearest facility of every category and the number within the norm
(:func:`compute_bereikbaarheid`), aggregated per area weighted by residents
(:func:`aggregate_bereikbaarheid`).

The searches themselves are the engine's (:mod:`gebiedsplan.netwerk.zoeken`); this module
applies the norms of the catalogue and names the result columns (:func:`kolom`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Literal

import geopandas as gpd
import numpy as np
import pandas as pd

from gebiedsplan._validate import check_projected, check_same_crs
from gebiedsplan.analyse._kolommen import kolom
from gebiedsplan.catalogus import Norm
from gebiedsplan.errors import GebiedsplanError
from gebiedsplan.netwerk.aansluiten import MAX_SNAP_M, Koppeling, connect_points
from gebiedsplan.netwerk.graaf import Netwerk
from gebiedsplan.netwerk.zoeken import count_per_point, nearest_per_point

log = logging.getLogger(__name__)


def compute_bereikbaarheid(
    vraagpunten: gpd.GeoDataFrame,
    voorzieningen: gpd.GeoDataFrame,
    netwerk: Netwerk,
    normen: Mapping[str, Norm],
    *,
    categorieen: Iterable[str] | None = None,
    max_snap_m: float = MAX_SNAP_M,
    stralen_m: Iterable[float] | Literal["norm"] | None = "norm",
    vraag_koppeling: Koppeling | None = None,
) -> pd.DataFrame:
    """Network distance from every demand point to the nearest facility of each category,
    and the number of facilities within given radii.

    Parameters
    ----------
    vraagpunten
        Layer ``vraagpunten`` (points with ``inwoners``), EPSG:28992.
    voorzieningen
        Layer ``voorzieningen`` (points with ``categorie``), same CRS.
    netwerk
        Compiled network (:func:`gebiedsplan.netwerk.graaf.compile_netwerk`).
    normen
        Norm per category (``Gemeente.normen``); ``max_afstand_m`` decides ``binnen_norm_*``.
    categorieen
        Categories to compute; default every category with a norm.
    max_snap_m
        Demand points or facilities further than this from the network are not attached: the
        points count as unreachable, the facilities are left out (both logged).
    stralen_m
        Radii for the counts: ``"norm"`` (default) counts within each category's norm distance,
        a list counts within each radius for every category, ``None`` counts nothing.
    vraag_koppeling
        The demand points' snap when already known (see :func:`gebiedsplan.netwerk.aansluiten.connect_points`).

    Returns
    -------
    pandas.DataFrame
        Indexed like ``vraagpunten``: ``snap_afstand_m`` and ``los_van_netwerk``; per category
        ``afstand_<categorie>_m`` (float, missing when unreachable), ``binnen_norm_<categorie>``
        (boolean, missing when unreachable) and per radius ``aantal_<categorie>_<straal>m``
        (integer, missing for points not attached to the network).

    Examples
    --------
    >>> from gebiedsplan.bronnen.demo import build_demo
    >>> from gebiedsplan.catalogus import load_catalogus
    >>> from gebiedsplan.netwerk.graaf import compile_netwerk
    >>> demo = build_demo()
    >>> bereik = compute_bereikbaarheid(demo.vraagpunten, demo.voorzieningen,
    ...     compile_netwerk(demo.netwerk), load_catalogus().normen, categorieen=["huisarts"])
    >>> list(bereik.columns)  # doctest: +NORMALIZE_WHITESPACE
    ['snap_afstand_m', 'los_van_netwerk', 'afstand_huisarts_m', 'binnen_norm_huisarts',
     'aantal_huisarts_1000m']
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
    if "categorie" not in voorzieningen.columns:
        raise GebiedsplanError("Laag voorzieningen mist kolom 'categorie'.")
    if stralen_m == "norm":
        stralen = {c: [float(normen[c].max_afstand_m)] for c in gekozen}
    elif stralen_m is None:
        stralen = {}
    else:
        rs = sorted({float(r) for r in stralen_m})
        stralen = {c: rs for c in gekozen}
    alle_cat = voorzieningen["categorie"].astype(str).to_numpy()
    mee = np.isin(alle_cat, gekozen)
    vz = voorzieningen[mee]
    categorie = alle_cat[mee]
    aansl = connect_points(
        vraagpunten, vz, netwerk, max_snap_m=max_snap_m, vraag_koppeling=vraag_koppeling
    )
    los = aansl.vraag_los
    result = pd.DataFrame(
        {"snap_afstand_m": aansl.vraag_snap_m, "los_van_netwerk": los}, index=vraagpunten.index
    )
    tellingen = count_per_point(aansl, categorie, stralen)
    kolommen: dict[str, object] = {}
    for cat in gekozen:
        keep = categorie == cat
        if not (keep & (aansl.blad >= 0)).any():
            log.warning(
                "Categorie %s heeft geen voorzieningen: iedereen telt als onbereikbaar", cat
            )
        afstand = nearest_per_point(aansl, keep)
        binnen = pd.array(afstand <= normen[cat].max_afstand_m, dtype="boolean")
        binnen[np.isnan(afstand)] = pd.NA
        kolommen[kolom("afstand", cat, eenheid="m")] = afstand
        kolommen[kolom("binnen_norm", cat)] = binnen
        for r in stralen.get(cat, []):
            aantal = pd.array(tellingen[(cat, r)], dtype="Int64")
            aantal[los] = pd.NA
            kolommen[kolom("aantal", cat, eenheid=f"{r:g}m")] = aantal
    return pd.concat([result, pd.DataFrame(kolommen, index=vraagpunten.index)], axis=1)


def categories_of(bereik: pd.DataFrame) -> list[str]:
    """The categories present in a result of :func:`compute_bereikbaarheid`.

    Examples
    --------
    >>> categories_of(pd.DataFrame(columns=["snap_afstand_m", "afstand_huisarts_m"]))
    ['huisarts']
    """
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

    Examples
    --------
    >>> bereik = pd.DataFrame({"afstand_huisarts_m": [100.0, 300.0],
    ...     "binnen_norm_huisarts": pd.array([True, True], dtype="boolean")}, index=["a", "b"])
    >>> vraag = pd.DataFrame({"inwoners": [1, 3], "buurtcode": ["BU1", "BU1"]}, index=["a", "b"])
    >>> float(aggregate_bereikbaarheid(bereik, vraag, groep="buurtcode")["gem_afstand_m"].iloc[0])
    250.0
    """
    codes = vraagpunten[groep] if isinstance(groep, str) else groep
    codes = codes.reindex(bereik.index)
    if codes.isna().any():
        raise GebiedsplanError(
            f"{int(codes.isna().sum())} vraagpunten hebben geen gebiedscode om op te tellen."
        )
    inwoners = vraagpunten["inwoners"].reindex(bereik.index).astype(float).to_numpy()
    groep_nr, uniek = pd.factorize(codes, sort=True)
    ng = len(uniek)
    frames = []
    for cat in categories_of(bereik):
        afstand = bereik[kolom("afstand", cat, eenheid="m")].to_numpy(dtype=float, na_value=np.nan)
        binnen = (
            bereik[kolom("binnen_norm", cat)].fillna(False).to_numpy(dtype=bool, na_value=False)
        )
        bereikbaar = ~np.isnan(afstand)
        tot = np.bincount(groep_nr, weights=inwoners, minlength=ng)
        ber = np.bincount(groep_nr, weights=np.where(bereikbaar, inwoners, 0.0), minlength=ng)
        gew = np.bincount(
            groep_nr,
            weights=np.where(bereikbaar, inwoners * np.nan_to_num(afstand), 0.0),
            minlength=ng,
        )
        bin_ = np.bincount(groep_nr, weights=np.where(binnen, inwoners, 0.0), minlength=ng)
        out = pd.DataFrame(index=pd.Index(uniek, name=None))
        out["inwoners"] = np.round(tot).astype("int64")
        out["inwoners_onbereikbaar"] = np.round(tot - ber).astype("int64")
        with np.errstate(invalid="ignore", divide="ignore"):
            out["gem_afstand_m"] = np.where(ber > 0, gew / np.where(ber > 0, ber, 1), np.nan)
            out["inwoners_binnen_norm"] = np.round(bin_).astype("int64")
            out["inwoners_buiten_norm"] = out["inwoners"] - out["inwoners_binnen_norm"]
            out["aandeel_binnen_norm"] = out["inwoners_binnen_norm"] / out["inwoners"].replace(
                0, np.nan
            )
        out["categorie"] = cat
        frames.append(out)
    result = pd.concat(frames)
    result.index.name = codes.name if isinstance(codes.name, str) else "code"
    return result.set_index("categorie", append=True).sort_index()
