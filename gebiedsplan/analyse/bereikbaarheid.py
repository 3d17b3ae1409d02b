"""Accessibility (bereikbaarheid) of the residents: per demand point the network distance to
the nearest facility of every category and the number within the norm
(:func:`compute_bereikbaarheid`), aggregated per area weighted by residents
(:func:`aggregate_bereikbaarheid`).

Who was analysed
----------------
A demand point is *geanalyseerd* when it is attached to the network (at most
``settings.max_snap_m`` from a street) on a part of the network that is not a small
disconnected piece: a weakly connected component with less than ``min_aandeel_netwerkdeel`` of
the network's street length (``lagen/catalogus/volledigheid.yml``; the largest component always
counts). Residents who were not analysed are never counted as outside the norm: the aggregates
and gap tables count them apart (``inwoners_geanalyseerd``). An analysed resident who reaches no
facility of a category is *onbereikbaar* for it, which is an answer (outside the norm).

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
from scipy.sparse.csgraph import connected_components

from gebiedsplan._validate import check_projected, check_same_crs
from gebiedsplan.analyse._kolommen import kolom
from gebiedsplan.catalogus import Norm, load_volledigheid
from gebiedsplan.errors import GebiedsplanError
from gebiedsplan.netwerk.aansluiten import MAX_SNAP_M, Aansluiting, Koppeling, connect_points
from gebiedsplan.netwerk.graaf import Netwerk
from gebiedsplan.netwerk.zoeken import count_per_point, nearest_per_point

log = logging.getLogger(__name__)

#: The columns of :func:`compute_bereikbaarheid` that say who was analysed, per demand point.
DEKKING_KOLOMMEN = ["snap_afstand_m", "los_van_netwerk", "klein_netwerkdeel", "geanalyseerd"]


def small_component(aansluiting: Aansluiting, *, min_aandeel: float) -> np.ndarray:
    """Per demand point: is it attached to a small disconnected piece of the network?

    A piece (weakly connected component) is small when it holds less than ``min_aandeel`` of
    the network's total street length; the largest piece never is. Points not attached are
    False (they are ``los``, see :func:`gebiedsplan.netwerk.aansluiten.connect_points`).

    Examples
    --------
    >>> from gebiedsplan.bronnen.demo import build_demo
    >>> from gebiedsplan.netwerk.aansluiten import connect_points
    >>> from gebiedsplan.netwerk.graaf import compile_netwerk
    >>> demo = build_demo()
    >>> a = connect_points(demo.vraagpunten, demo.voorzieningen, compile_netwerk(demo.netwerk))
    >>> int(small_component(a, min_aandeel=0.01).sum())  # one connected street network
    0
    """
    net = aansluiting.netwerk
    n = len(aansluiting.vraag_los)
    if net.kant_van is None or net.kant_lengte_m is None or n == 0:
        return np.zeros(n, dtype=bool)
    _, label = connected_components(net.graaf, directed=True, connection="weak")
    lengte = np.bincount(
        label[net.kant_van], weights=net.kant_lengte_m, minlength=int(label.max()) + 1
    )
    totaal = float(lengte.sum())
    klein = lengte < min_aandeel * totaal if totaal > 0 else np.zeros(len(lengte), dtype=bool)
    klein[int(np.argmax(lengte))] = False
    # every attached point has an entry at the forward end of its piece of segment
    ingang = aansluiting.vraag_rij[:, 1]
    uit = np.zeros(n, dtype=bool)
    vast = ~aansluiting.vraag_los & (ingang >= 0)
    uit[vast] = klein[label[ingang[vast]]]
    return uit


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
    min_aandeel_netwerkdeel: float | None = None,
) -> pd.DataFrame:
    """Network distance from every demand point to the nearest facility of each category,
    and the number of facilities within given radii; which points were analysed (module
    docstring).

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
        points are not analysed, the facilities are left out (both logged).
    stralen_m
        Radii for the counts: ``"norm"`` (default) counts within each category's norm distance,
        a list counts within each radius for every category, ``None`` counts nothing.
    vraag_koppeling
        The demand points' snap when already known (see :func:`gebiedsplan.netwerk.aansluiten.connect_points`).
    min_aandeel_netwerkdeel
        Points on a disconnected piece of network with less than this share of the street
        length are not analysed (:func:`small_component`); default from
        ``lagen/catalogus/volledigheid.yml``.

    Returns
    -------
    pandas.DataFrame
        Indexed like ``vraagpunten``: :data:`DEKKING_KOLOMMEN` (``snap_afstand_m``,
        ``los_van_netwerk``, ``klein_netwerkdeel`` and ``geanalyseerd``: attached and not on a
        small piece); per category ``afstand_<categorie>_m`` (float, missing when unreachable),
        ``binnen_norm_<categorie>`` (boolean, missing when unreachable) and per radius
        ``aantal_<categorie>_<straal>m`` (integer, missing for points not attached to the
        network). Distances and counts are those of the network as given, also for points
        that are not analysed; the aggregates leave those points out.

    Examples
    --------
    >>> from gebiedsplan.bronnen.demo import build_demo
    >>> from gebiedsplan.catalogus import load_catalogus
    >>> from gebiedsplan.netwerk.graaf import compile_netwerk
    >>> demo = build_demo()
    >>> bereik = compute_bereikbaarheid(demo.vraagpunten, demo.voorzieningen,
    ...     compile_netwerk(demo.netwerk), load_catalogus().normen, categorieen=["huisarts"])
    >>> list(bereik.columns)  # doctest: +NORMALIZE_WHITESPACE
    ['snap_afstand_m', 'los_van_netwerk', 'klein_netwerkdeel', 'geanalyseerd',
     'afstand_huisarts_m', 'binnen_norm_huisarts', 'aantal_huisarts_1000m']
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
    if min_aandeel_netwerkdeel is None:
        min_aandeel_netwerkdeel = load_volledigheid().min_aandeel_netwerkdeel
    klein = small_component(aansl, min_aandeel=min_aandeel_netwerkdeel)
    if klein.any():
        log.info(
            "%d vraagpunten liggen aan een klein los netwerkdeel (minder dan %s van de "
            "straatlengte) en worden niet geanalyseerd",
            int(klein.sum()),
            f"{min_aandeel_netwerkdeel:.0%}",
        )
    result = pd.DataFrame(
        {
            "snap_afstand_m": aansl.vraag_snap_m,
            "los_van_netwerk": los,
            "klein_netwerkdeel": klein,
            "geanalyseerd": ~los & ~klein,
        },
        index=vraagpunten.index,
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
    - ``inwoners_geanalyseerd``: those of the points that were analysed (column
      ``geanalyseerd`` of ``bereik``; every point when the column is absent), and of the others
      ``inwoners_los_van_netwerk`` (too far from the network), ``inwoners_klein_netwerkdeel``
      (on a small disconnected piece) and the rest (left out of the analysis, e.g. outside the
      chosen wijken);
    - ``inwoners_onbereikbaar``: analysed inhabitants without any reachable facility of the
      category;
    - ``gem_afstand_m``: population-weighted mean distance, sum(inwoners x afstand) / sum(inwoners),
      over the analysed points that reach a facility;
    - ``inwoners_binnen_norm`` (analysed, within the norm) and ``inwoners_buiten_norm``
      (= inwoners_geanalyseerd - binnen: the unreachable count as outside, the residents not
      analysed do not);
    - ``aandeel_binnen_norm`` = inwoners_binnen_norm / inwoners_geanalyseerd (missing when an
      area has no analysed residents).

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

    def vlag(naam: str, standaard: bool) -> np.ndarray:
        if naam not in bereik.columns:
            return np.full(len(bereik), standaard)
        return bereik[naam].to_numpy(dtype=bool, na_value=False)

    geanalyseerd = vlag("geanalyseerd", True)
    tot = np.bincount(groep_nr, weights=inwoners, minlength=ng)
    dekking = {
        k: np.bincount(groep_nr, weights=np.where(v, inwoners, 0.0), minlength=ng)
        for k, v in (
            ("inwoners_geanalyseerd", geanalyseerd),
            ("inwoners_los_van_netwerk", vlag("los_van_netwerk", False)),
            ("inwoners_klein_netwerkdeel", vlag("klein_netwerkdeel", False)),
        )
    }
    frames = []
    for cat in categories_of(bereik):
        afstand = bereik[kolom("afstand", cat, eenheid="m")].to_numpy(dtype=float, na_value=np.nan)
        binnen = geanalyseerd & (
            bereik[kolom("binnen_norm", cat)].fillna(False).to_numpy(dtype=bool, na_value=False)
        )
        bereikbaar = geanalyseerd & ~np.isnan(afstand)
        ber = np.bincount(groep_nr, weights=np.where(bereikbaar, inwoners, 0.0), minlength=ng)
        gew = np.bincount(
            groep_nr,
            weights=np.where(bereikbaar, inwoners * np.nan_to_num(afstand), 0.0),
            minlength=ng,
        )
        bin_ = np.bincount(groep_nr, weights=np.where(binnen, inwoners, 0.0), minlength=ng)
        out = pd.DataFrame(index=pd.Index(uniek, name=None))
        out["inwoners"] = np.round(tot).astype("int64")
        for k, v in dekking.items():
            out[k] = np.round(v).astype("int64")
        out["inwoners_onbereikbaar"] = np.round(dekking["inwoners_geanalyseerd"] - ber).astype(
            "int64"
        )
        with np.errstate(invalid="ignore", divide="ignore"):
            out["gem_afstand_m"] = np.where(ber > 0, gew / np.where(ber > 0, ber, 1), np.nan)
            out["inwoners_binnen_norm"] = np.round(bin_).astype("int64")
            out["inwoners_buiten_norm"] = out["inwoners_geanalyseerd"] - out["inwoners_binnen_norm"]
            out["aandeel_binnen_norm"] = out["inwoners_binnen_norm"] / out[
                "inwoners_geanalyseerd"
            ].replace(0, np.nan)
        out["categorie"] = cat
        frames.append(out)
    result = pd.concat(frames)
    result.index.name = codes.name if isinstance(codes.name, str) else "code"
    return result.set_index("categorie", append=True).sort_index()
