"""The additive sums behind every gap table, shared openly by :mod:`gebiedsplan.analyse.hiaten`
and the incremental scenario answer (:mod:`gebiedsplan.analyse._scenario_incrementeel`).

Every figure of a gap table is a sum over the buurten of an area (:func:`membership`, areas x
buurten): reach per buurt (:func:`reach_per_buurt`), facilities and their capacity per buurt
(:func:`facility_buurt`, :func:`facilities_per_buurt`), target group and need per buurt
(:func:`target_group`, :func:`need_index`, :func:`need_per_buurt`). :func:`gap_figures` turns
the sums of any set of areas into the table's columns, and :func:`ranks` orders them, so a
scenario can recompute only the rows it changed and get the numbers a full run would.
The formulas are in :mod:`gebiedsplan.analyse.hiaten`.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.sparse import csr_array

from gebiedsplan._tekst import getal, procent
from gebiedsplan.analyse.gelijkheid import gini_palma
from gebiedsplan.catalogus import Norm, load_volledigheid
from gebiedsplan.netwerk.aansluiten import MAX_SNAP_M

log = logging.getLogger(__name__)

#: The additive figures per buurt of one category (:func:`reach_per_buurt`).
SOMMEN = [
    "inwoners",
    "inwoners_geanalyseerd",
    "inwoners_los_van_netwerk",
    "inwoners_klein_netwerkdeel",
    "inwoners_bereikbaar",
    "gewogen_afstand",
    "inwoners_binnen_norm",
]

#: Values of the gap tables' column ``dekking``: every resident analysed, or at least the
#: threshold share (``volledig``), fewer (``onvolledig``), none (``geen netwerk``).
DEKKING = ("volledig", "onvolledig", "geen netwerk")


def need_index(
    buurten: pd.DataFrame, gezondheid: pd.DataFrame | None, gewichten: Mapping[str, float]
) -> pd.Series:
    """Need index per buurt from health indicators (formula in the module docstring).

    Examples
    --------
    >>> import pandas as pd
    >>> b = pd.DataFrame({"aantal_inwoners": [100, 300]}, index=["BU1", "BU2"])
    >>> g = pd.DataFrame({"code": ["BU1", "BU2"], "indicator": "eenzaam", "jaar": 2024,
    ...     "waarde": [60.0, 40.0]})
    >>> need_index(b, g, {"eenzaam": 0.5}).round(3).tolist()  # mean = 45
    [1.167, 0.944]
    """
    index = pd.Series(1.0, index=buurten.index, name="behoefte_index")
    if gezondheid is None or not gewichten:
        return index
    rijen = gezondheid[gezondheid["indicator"].isin(list(gewichten))]
    if "leeftijd" in rijen.columns:
        rijen = rijen[rijen["leeftijd"].fillna("18+") == "18+"]
    if rijen.empty:
        log.warning("Geen gezondheidscijfers voor %s: behoefte-index 1", ", ".join(gewichten))
        return index
    rijen = rijen[rijen["jaar"] == rijen["jaar"].max()]
    waarden = rijen.pivot_table(index="code", columns="indicator", values="waarde", aggfunc="mean")
    inwoners = pd.to_numeric(buurten["aantal_inwoners"], errors="coerce").astype(float)
    for indicator, gewicht in gewichten.items():
        if indicator not in waarden.columns:
            log.warning("Indicator %s ontbreekt in de laag gezondheid: telt niet mee", indicator)
            continue
        x = waarden[indicator].reindex(buurten.index).astype(float)
        geldig = x.notna() & inwoners.notna()
        gemiddeld = float((x[geldig] * inwoners[geldig]).sum() / inwoners[geldig].sum())
        if gemiddeld > 0:
            index = index + (gewicht * (x / gemiddeld - 1)).fillna(0.0)
    return index.clip(0.5, 2.0)


def target_group(buurten: pd.DataFrame, doelgroep: Mapping[str, float]) -> pd.Series:
    """Residents of the target group per buurt (missing bands: the gemeente's share, logged)."""
    inwoners = pd.to_numeric(buurten["aantal_inwoners"], errors="coerce").astype(float)
    if not doelgroep:
        return inwoners.rename("doelgroep")
    groep = pd.Series(0.0, index=buurten.index)
    bekend = pd.Series(True, index=buurten.index)
    for band, aandeel in doelgroep.items():
        waarde = (
            pd.to_numeric(buurten[band], errors="coerce").astype(float)
            if band in buurten.columns
            else pd.Series(np.nan, index=buurten.index)
        )
        bekend &= waarde.notna()
        groep = groep + aandeel * waarde.fillna(0.0)
    geldig = bekend & inwoners.notna() & (inwoners > 0)
    if not geldig.any():
        log.warning("Geen leeftijdsgegevens voor %s: doelgroep onbekend", ", ".join(doelgroep))
        return pd.Series(np.nan, index=buurten.index, name="doelgroep")
    if not bekend.all():
        deel = float(groep[geldig].sum() / inwoners[geldig].sum())
        groep = groep.where(bekend, inwoners * deel)
    return groep.where(inwoners.notna()).rename("doelgroep")


def membership(gebieden: Mapping[str, Sequence[str]], buurtcodes: pd.Index) -> csr_array:
    """Areas x buurten 0/1 matrix."""
    positie = {code: i for i, code in enumerate(buurtcodes)}
    rijen, kolommen = [], []
    for r, codes in enumerate(gebieden.values()):
        for code in codes:
            if code in positie:
                rijen.append(r)
                kolommen.append(positie[code])
    return csr_array(
        (np.ones(len(rijen)), (rijen, kolommen)), shape=(len(gebieden), len(buurtcodes))
    )


def buurt_tree(buurten: gpd.GeoDataFrame) -> shapely.STRtree:
    """Spatial index of the buurt polygons (for :func:`facility_buurt`)."""
    return shapely.STRtree(np.asarray(buurten.geometry.to_numpy()))


def facility_buurt(punten: np.ndarray, boom: shapely.STRtree) -> np.ndarray:
    """Position of the buurt every facility lies in, -1 outside every buurt. ``punten``: the
    facilities' geometries. A facility exactly on the border of two buurten (streets often are
    buurt borders) belongs to the first of them in the buurten layer, never to none or both."""
    positie = np.full(len(punten), -1, dtype=np.int64)
    punt, buurt = boom.query(punten, predicate="intersects")
    if len(punt):
        volgorde = np.lexsort((buurt, punt))
        punt, buurt = punt[volgorde], buurt[volgorde]
        eerst = np.r_[True, punt[1:] != punt[:-1]]
        positie[punt[eerst]] = buurt[eerst]
    return positie


def capacity(voorzieningen: pd.DataFrame) -> np.ndarray:
    """Capacity of every facility as floats (NaN: unknown)."""
    if "capaciteit" not in voorzieningen.columns:
        return np.full(len(voorzieningen), np.nan)
    waarde = pd.to_numeric(voorzieningen["capaciteit"], errors="coerce")
    return waarde.to_numpy(dtype=float, na_value=np.nan)


def facilities_per_buurt(
    buurt: np.ndarray, capaciteit: np.ndarray, n: int
) -> dict[str, np.ndarray]:
    """Per buurt the number of facilities, their known capacity and how many have none.

    ``buurt``: buurt position of every facility of one category (-1: outside every buurt).
    """
    binnen = buurt >= 0
    b, cap = buurt[binnen], capaciteit[binnen]
    onbekend = np.isnan(cap)
    return {
        "aantal": np.bincount(b, minlength=n).astype(float),
        "capaciteit": np.bincount(b, weights=np.where(onbekend, 0.0, cap), minlength=n),
        "onbekend": np.bincount(b, weights=onbekend.astype(float), minlength=n),
    }


def reach_per_buurt(rijen: pd.DataFrame, buurt: np.ndarray, n: int) -> dict[str, np.ndarray]:
    """The additive figures (:data:`SOMMEN`) per buurt of one category.

    ``rijen``: rows of :func:`gebiedsplan.analyse.bereikbaarheid.aggregate_bereikbaarheid` per buurt for
    one category; ``buurt``: their buurt positions (-1: not a buurt of the table). Buurten
    without rows get 0.
    """
    inwoners = rijen["inwoners"].to_numpy()
    geanalyseerd = (
        rijen["inwoners_geanalyseerd"].to_numpy()
        if "inwoners_geanalyseerd" in rijen.columns
        else inwoners
    )
    bereikbaar = geanalyseerd - rijen["inwoners_onbereikbaar"].to_numpy()
    afstand = rijen["gem_afstand_m"].to_numpy(dtype=float)
    nul = np.zeros(len(rijen), dtype=np.int64)
    waarden = {
        "inwoners": inwoners,
        "inwoners_geanalyseerd": geanalyseerd,
        **{
            k: rijen[k].to_numpy() if k in rijen.columns else nul
            for k in ("inwoners_los_van_netwerk", "inwoners_klein_netwerkdeel")
        },
        "inwoners_bereikbaar": bereikbaar,
        "gewogen_afstand": np.where(np.isnan(afstand), 0.0, afstand) * bereikbaar,
        "inwoners_binnen_norm": rijen["inwoners_binnen_norm"].to_numpy(),
    }
    binnen = buurt >= 0
    uit = {}
    for k, v in waarden.items():
        vector = np.zeros(n)
        vector[buurt[binnen]] = v[binnen]
        uit[k] = vector
    return uit


def need_per_buurt(
    buurten: pd.DataFrame, gezondheid: pd.DataFrame | None, norm: Norm
) -> tuple[np.ndarray, np.ndarray]:
    """Per buurt the target group and the need-weighted target group (missing: 0)."""
    doelgroep = target_group(buurten, norm.doelgroep)
    behoefte = need_index(buurten, gezondheid, norm.behoefte)
    return (
        doelgroep.fillna(0).to_numpy(dtype=float),
        (doelgroep * behoefte).fillna(0).to_numpy(dtype=float),
    )


def gap_score_array(aandeel_binnen_norm: np.ndarray, doeldekking: float | np.ndarray) -> np.ndarray:
    tekort = doeldekking - aandeel_binnen_norm
    return 100 * np.where(tekort < 0, 0.0, tekort) / doeldekking


def coverage(
    inwoners: np.ndarray,
    geanalyseerd: np.ndarray,
    los: np.ndarray,
    klein: np.ndarray,
    *,
    min_geanalyseerd: float,
) -> tuple[np.ndarray, np.ndarray]:
    """``dekking`` and ``reden`` of areas from their residents: all, analysed, too far from the
    network (``los``), on a small piece of network (``klein``); the rest was left out of the
    analysis (outside the chosen wijken).

    ``volledig`` when at least ``min_geanalyseerd`` of the residents were analysed (an area
    without residents too: its reason is "geen inwoners"), ``geen netwerk`` when none were,
    ``onvolledig`` otherwise; the reason says who was not analysed and that the score is
    withheld, empty where the score is given.

    Examples
    --------
    >>> d, r = coverage(np.array([100, 100, 70, 0]), np.array([95, 50, 0, 0]),
    ...     np.array([5, 40, 70, 0]), np.array([0, 10, 0, 0]), min_geanalyseerd=0.9)
    >>> d.tolist()
    ['volledig', 'onvolledig', 'geen netwerk', 'volledig']
    >>> r[1]  # doctest: +NORMALIZE_WHITESPACE
    '50% van de inwoners niet geanalyseerd (40 verder dan 250 m van het wegennet, 10 aan een
     klein los stuk wegennet); minder dan 90% geanalyseerd, daarom geen hiaatscore'
    >>> r[2], r[3]
    ('niet geanalyseerd: alle 70 inwoners wonen verder dan 250 m van het wegennet; daarom geen hiaatscore', 'geen inwoners')
    """
    n = len(inwoners)
    dekking = np.full(n, DEKKING[0], dtype=object)
    reden = np.full(n, "", dtype=object)
    with np.errstate(invalid="ignore", divide="ignore"):
        aandeel = np.where(inwoners > 0, geanalyseerd / np.maximum(inwoners, 1), 1.0)
    dekking[(aandeel < min_geanalyseerd) & (geanalyseerd > 0)] = DEKKING[1]
    dekking[(geanalyseerd <= 0) & (inwoners > 0)] = DEKKING[2]
    reden[inwoners <= 0] = "geen inwoners"
    overig = inwoners - geanalyseerd - los - klein
    for i in np.flatnonzero(dekking != DEKKING[0]):
        delen = [
            (los[i], f"verder dan {MAX_SNAP_M:.0f} m van het wegennet"),
            (klein[i], "aan een klein los stuk wegennet"),
            (overig[i], "buiten de gekozen wijken"),
        ]
        delen = [(int(k), tekst) for k, tekst in delen if k > 0]
        if dekking[i] == DEKKING[2] and len(delen) == 1:
            reden[i] = (
                f"niet geanalyseerd: alle {getal(inwoners[i])} inwoners wonen {delen[0][1]}; "
                "daarom geen hiaatscore"
            )
            continue
        uitleg = ", ".join(f"{getal(k)} {tekst}" for k, tekst in delen)
        reden[i] = f"{procent(1 - aandeel[i])} van de inwoners niet geanalyseerd ({uitleg}); " + (
            "daarom geen hiaatscore"
            if dekking[i] == DEKKING[2]
            else f"minder dan {procent(min_geanalyseerd)} geanalyseerd, daarom geen hiaatscore"
        )
    return dekking, reden


def gap_figures(
    m: csr_array,
    bereik: Mapping[str, np.ndarray],
    voorzieningen: Mapping[str, np.ndarray],
    behoefte: tuple[np.ndarray, np.ndarray],
    norm: Norm,
    *,
    min_geanalyseerd: float | None = None,
) -> dict[str, np.ndarray]:
    """The columns of the gap table of one category for the areas of ``m``.

    ``bereik``: :func:`reach_per_buurt`, ``voorzieningen``: :func:`facilities_per_buurt`,
    ``behoefte``: :func:`need_per_buurt`. Every figure of an area is a sum over its buurten,
    so any subset of the areas (rows of ``m``) gets the same numbers as the whole table.
    Shares and the gap score refer to the analysed residents; the score is withheld (NaN)
    where fewer than ``min_geanalyseerd`` of them were analysed (:func:`coverage`; default
    from ``lagen/catalogus/volledigheid.yml``).
    """
    if min_geanalyseerd is None:
        min_geanalyseerd = load_volledigheid().min_aandeel_geanalyseerd
    som = {k: m @ bereik[k] for k in SOMMEN}
    inwoners = np.rint(som["inwoners"]).astype("int64")
    geanalyseerd = np.rint(som["inwoners_geanalyseerd"]).astype("int64")
    binnen = np.rint(som["inwoners_binnen_norm"]).astype("int64")
    bereikbaar = som["inwoners_bereikbaar"]
    doel_sum = m @ behoefte[0]
    gewogen_sum = m @ behoefte[1]
    with np.errstate(invalid="ignore", divide="ignore"):
        gem_afstand = np.where(bereikbaar > 0, som["gewogen_afstand"] / bereikbaar, np.nan)
        aandeel = np.where(geanalyseerd > 0, binnen / geanalyseerd, np.nan)
        aandeel_geanalyseerd = np.where(inwoners > 0, geanalyseerd / inwoners, np.nan)
        behoefte_index = np.where(doel_sum > 0, gewogen_sum / doel_sum, np.nan)
    dekking, reden = coverage(
        inwoners,
        geanalyseerd,
        np.rint(som["inwoners_los_van_netwerk"]).astype("int64"),
        np.rint(som["inwoners_klein_netwerkdeel"]).astype("int64"),
        min_geanalyseerd=min_geanalyseerd,
    )
    score = gap_score_array(aandeel, float(norm.doeldekking))
    uit = {
        "inwoners": inwoners,
        "inwoners_geanalyseerd": geanalyseerd,
        "aandeel_geanalyseerd": aandeel_geanalyseerd,
        "dekking": dekking,
        "reden": reden,
        "inwoners_onbereikbaar": np.rint(som["inwoners_geanalyseerd"] - bereikbaar).astype("int64"),
        "gem_afstand_m": gem_afstand,
        "aandeel_binnen_norm": aandeel,
        "behoefte_index": behoefte_index,
        "inwoners_buiten_norm": geanalyseerd - binnen,
        "aantal_voorzieningen": (m @ voorzieningen["aantal"]).astype("int64"),
        "doelgroep": doel_sum,
        "hiaatscore": np.where(dekking == DEKKING[0], score, np.nan),
    }
    if norm.capaciteit is not None:
        benodigd = gewogen_sum * norm.capaciteit.per_1000 / 1000
        aanwezig = m @ voorzieningen["capaciteit"]
        tekort = benodigd - aanwezig
        uit["benodigde_capaciteit"] = benodigd
        uit["aanwezige_capaciteit"] = aanwezig
        uit["capaciteit_onbekend"] = (m @ voorzieningen["onbekend"]).astype("int64")
        uit["capaciteitstekort"] = np.where(tekort < 0, 0.0, tekort)
    else:
        for k in ("benodigde_capaciteit", "aanwezige_capaciteit", "capaciteitstekort"):
            uit[k] = np.full(m.shape[0], np.nan)
        uit["capaciteit_onbekend"] = np.zeros(m.shape[0], dtype="int64")
    return uit


def name_order(index: pd.Index) -> np.ndarray:
    """Place of every row when the rows are sorted by area code, then category (the two levels
    of ``index``)."""
    code = [pd.factorize(index.get_level_values(i), sort=True)[0] for i in (0, 1)]
    volgorde = np.lexsort((code[1], code[0]))
    plek = np.empty(len(index), dtype=np.int64)
    plek[volgorde] = np.arange(len(index))
    return plek


def ranks(
    hiaatscore: np.ndarray, inwoners_buiten_norm: np.ndarray, naam_plek: np.ndarray
) -> pd.api.extensions.ExtensionArray:
    """``rang`` (see :func:`rerank`) from the columns; ``naam_plek`` from :func:`name_order`."""
    volgorde = np.lexsort((naam_plek, -inwoners_buiten_norm, -hiaatscore))
    rang = np.empty(len(volgorde), dtype=np.int64)
    rang[volgorde] = np.arange(1, len(volgorde) + 1)
    uit = pd.array(rang, dtype="Int64")
    uit[np.isnan(hiaatscore)] = pd.NA
    return uit


def buurtcodes(
    punten: gpd.GeoSeries, buurten: gpd.GeoDataFrame, boom: shapely.STRtree
) -> pd.Series:
    """The buurtcode of every point by the gap tables' rule
    (:func:`gebiedsplan.analyse.hiaatsommen.facility_buurt`); None outside every buurt."""
    codes = np.full(len(punten), None, dtype=object)
    if len(punten):
        positie = facility_buurt(np.asarray(punten.to_numpy()), boom)
        binnen = positie >= 0
        codes[binnen] = buurten.index.to_numpy()[positie[binnen]]
    return pd.Series(codes, index=punten.index, name="buurtcode", dtype=object)


# --------------------------------------------------------------------------- capacity in reach, equity


def points_per_area(m: csr_array, punt_buurt: np.ndarray) -> list[np.ndarray]:
    """The demand points of every area of ``m`` (positions, by buurt in the order of ``m``, then
    in point order). ``punt_buurt``: buurt position of every point (-1: none of the buurten).

    Examples
    --------
    >>> m = membership({"A": ["b1", "b2"], "B": ["b2"]}, pd.Index(["b1", "b2"]))
    >>> [p.tolist() for p in points_per_area(m, np.array([1, 0, 1, -1]))]
    [[1, 0, 2], [0, 2]]
    """
    b = np.asarray(punt_buurt, dtype=np.int64)
    volgorde = np.argsort(b, kind="stable")
    start = np.searchsorted(b[volgorde], np.arange(m.shape[1] + 1))
    m = csr_array(m)
    uit = []
    for r in range(m.shape[0]):
        kolommen = m.indices[m.indptr[r] : m.indptr[r + 1]]
        delen = [volgorde[start[k] : start[k + 1]] for k in kolommen]
        uit.append(np.concatenate(delen) if delen else np.empty(0, dtype=np.int64))
    return uit


def access_figures(
    m: csr_array,
    vraag: np.ndarray,
    toegang: np.ndarray | None,
    punt_buurt: np.ndarray,
    norm: Norm,
) -> dict[str, np.ndarray]:
    """``toegang_per_1000`` and ``toegang_verhouding`` of the areas of ``m`` (formulas in
    :mod:`gebiedsplan.analyse.hiaten`) from the demand ``V_i`` and accessibility ``A_i`` of every
    demand point (:func:`gebiedsplan.analyse.capaciteit.compute_toegang`): the demand-weighted
    mean of ``A_i`` over the area's points with an ``A_i``, times 1,000. Missing without a
    capacity norm, without ``toegang`` and where the area has no such demand.

    Examples
    --------
    >>> from gebiedsplan.catalogus import Capaciteitsnorm, Norm
    >>> norm = Norm("huisarts", 1000, 0.9, "", "", capaciteit=Capaciteitsnorm(0.5, "fte", "", ""))
    >>> m = membership({"A": ["b1"], "B": ["b2"]}, pd.Index(["b1", "b2"]))
    >>> f = access_figures(m, np.array([2.0, 6.0, 5.0]), np.array([0.001, 0.0005, np.nan]),
    ...     np.array([0, 0, 1]), norm)
    >>> f["toegang_per_1000"].round(3).tolist(), f["toegang_verhouding"].round(3).tolist()
    ([0.625, nan], [1.25, nan])
    """
    n = m.shape[0]
    leeg = {"toegang_per_1000": np.full(n, np.nan), "toegang_verhouding": np.full(n, np.nan)}
    if norm.capaciteit is None or toegang is None:
        return leeg
    a = np.asarray(toegang, dtype=float)
    v = np.asarray(vraag, dtype=float)
    b = np.asarray(punt_buurt, dtype=np.int64)
    mee = np.isfinite(a) & (b >= 0)
    som_v = np.bincount(b[mee], weights=v[mee], minlength=m.shape[1]).astype(float)
    som_va = np.bincount(b[mee], weights=v[mee] * a[mee], minlength=m.shape[1]).astype(float)
    gebied_v, gebied_va = m @ som_v, m @ som_va
    with np.errstate(invalid="ignore", divide="ignore"):
        per_1000 = np.where(gebied_v > 0, 1000 * gebied_va / gebied_v, np.nan)
    return {
        "toegang_per_1000": per_1000,
        "toegang_verhouding": per_1000 / float(norm.capaciteit.per_1000),
    }


def equity_figures(
    punten: Sequence[np.ndarray], afstand_m: np.ndarray, inwoners: np.ndarray
) -> dict[str, np.ndarray]:
    """``gini_afstand`` and ``palma_afstand`` of every area (:mod:`gebiedsplan.analyse.gelijkheid`)
    over its points (``punten``: :func:`points_per_area`) that have a distance, weighted by
    residents. ``afstand_m``: missing for points not analysed and for points that reach no
    facility, so neither counts.

    Examples
    --------
    >>> f = equity_figures([np.array([0, 1]), np.array([2]), np.array([], dtype=int)],
    ...     np.array([100.0, 300.0, 50.0]), np.array([1.0, 1.0, 4.0]))
    >>> f["gini_afstand"].round(3).tolist(), f["palma_afstand"].round(3).tolist()
    ([0.25, 0.0, nan], [0.75, 0.25, nan])
    """
    x = np.asarray(afstand_m, dtype=float)
    w = np.asarray(inwoners, dtype=float)
    g = np.full(len(punten), np.nan)
    p = np.full(len(punten), np.nan)
    for i, pos in enumerate(punten):
        xi, wi = x[pos], w[pos]
        keep = np.isfinite(xi) & (wi > 0)
        if keep.any():
            g[i], p[i] = gini_palma(xi[keep], wi[keep])
    return {"gini_afstand": g, "palma_afstand": p}
