"""Gaps (hiaten): per wijk, buurt or gebied and category, how far the sociale basis falls short.

Every table has one row per area x category. Areas are made of buurten (a wijk, a buurt, or a
named gebied of the gemeente file), so every figure is a sum over the area's buurten.

Coverage and gap score
----------------------
With norm distance ``max_afstand_m`` and target coverage ``doeldekking`` of the category
(``lagen/catalogus/normen.yml``, overridable per gemeente)::

    aandeel_binnen_norm = residents within max_afstand_m over the network / residents
    hiaatscore          = 100 * max(0, doeldekking - aandeel_binnen_norm) / doeldekking

0 means the target is met, 100 that nobody in the area lives within the norm. Residents who
cannot reach any facility of the category count as outside the norm (and are reported in
``inwoners_onbereikbaar``). ``rang`` orders the table by ``hiaatscore``, then by
``inwoners_buiten_norm`` (more people affected ranks higher); 1 is the largest gap. Areas
without residents get no score and no rank.

Capacity and need
-----------------
Where the category has a capacity norm (``capaciteit.per_1000`` per 1,000 of its target group)::

    doelgroep             = sum over the age bands of the norm: share x residents of the band
                            (all residents when the norm names no target group)
    behoefte_index (buurt)= clip(1 + sum_i w_i x (x_i / mean_i - 1), 0.5, 2)
                            x_i: health indicator i of the buurt (18+), mean_i: its
                            population-weighted mean over the gemeente, w_i: the norm's weight;
                            a buurt without a value for i adds nothing for i
    benodigde_capaciteit  = sum over buurten of doelgroep x per_1000 / 1000 x behoefte_index
    aanwezige_capaciteit  = sum of the capacity of the category's facilities inside the area
    capaciteitstekort     = max(0, benodigde - aanwezige)

``behoefte_index`` of an area is its need-weighted target group over its plain target group.
Facilities without a known capacity are counted in ``capaciteit_onbekend``; then the present
capacity is a lower bound and the shortfall an upper bound.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.sparse import csr_array

from gebiedsplan.bereikbaarheid import aggregate_bereikbaarheid, categories_of
from gebiedsplan.catalogus import Categorie, Norm

log = logging.getLogger(__name__)

#: Column order of the gap tables (after the area's name column).
HIAAT_KOLOMMEN = [
    "categorie_label",
    "aantal_voorzieningen",
    "inwoners",
    "gem_afstand_m",
    "norm_afstand_m",
    "doeldekking",
    "aandeel_binnen_norm",
    "inwoners_buiten_norm",
    "inwoners_onbereikbaar",
    "hiaatscore",
    "doelgroep",
    "behoefte_index",
    "capaciteit_eenheid",
    "benodigde_capaciteit",
    "aanwezige_capaciteit",
    "capaciteit_onbekend",
    "capaciteitstekort",
    "rang",
]
_SOMMEN = ["inwoners", "inwoners_bereikbaar", "gewogen_afstand", "inwoners_binnen_norm"]


def gap_score(aandeel_binnen_norm: pd.Series, doeldekking: pd.Series) -> pd.Series:
    """``100 * max(0, doeldekking - aandeel) / doeldekking``; missing where the share is missing.

    Examples
    --------
    >>> import pandas as pd
    >>> gap_score(pd.Series([0.45, 0.95, 0.0]), pd.Series([0.9, 0.9, 0.9])).round(1).tolist()
    [50.0, 0.0, 100.0]
    """
    tekort = (doeldekking - aandeel_binnen_norm).clip(lower=0)
    return (100 * tekort / doeldekking).rename("hiaatscore")


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


def _membership(gebieden: Mapping[str, Sequence[str]], buurtcodes: pd.Index) -> csr_array:
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


def _buurt_tree(buurten: gpd.GeoDataFrame) -> shapely.STRtree:
    """Spatial index of the buurt polygons (for :func:`_facility_buurt`)."""
    return shapely.STRtree(np.asarray(buurten.geometry.to_numpy()))


def _facility_buurt(punten: np.ndarray, boom: shapely.STRtree) -> np.ndarray:
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


def _capacity(voorzieningen: pd.DataFrame) -> np.ndarray:
    """Capacity of every facility as floats (NaN: unknown)."""
    if "capaciteit" not in voorzieningen.columns:
        return np.full(len(voorzieningen), np.nan)
    waarde = pd.to_numeric(voorzieningen["capaciteit"], errors="coerce")
    return waarde.to_numpy(dtype=float, na_value=np.nan)


def _facilities_per_buurt(
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


def _reach_per_buurt(rijen: pd.DataFrame, buurt: np.ndarray, n: int) -> dict[str, np.ndarray]:
    """The additive figures (:data:`_SOMMEN`) per buurt of one category.

    ``rijen``: rows of :func:`gebiedsplan.bereikbaarheid.aggregate_bereikbaarheid` per buurt for
    one category; ``buurt``: their buurt positions (-1: not a buurt of the table). Buurten
    without rows get 0.
    """
    inwoners = rijen["inwoners"].to_numpy()
    bereikbaar = inwoners - rijen["inwoners_onbereikbaar"].to_numpy()
    afstand = rijen["gem_afstand_m"].to_numpy(dtype=float)
    waarden = {
        "inwoners": inwoners,
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


def _need_per_buurt(
    buurten: pd.DataFrame, gezondheid: pd.DataFrame | None, norm: Norm
) -> tuple[np.ndarray, np.ndarray]:
    """Per buurt the target group and the need-weighted target group (missing: 0)."""
    doelgroep = target_group(buurten, norm.doelgroep)
    behoefte = need_index(buurten, gezondheid, norm.behoefte)
    return (
        doelgroep.fillna(0).to_numpy(dtype=float),
        (doelgroep * behoefte).fillna(0).to_numpy(dtype=float),
    )


def _gap_score(aandeel_binnen_norm: np.ndarray, doeldekking: float | np.ndarray) -> np.ndarray:
    tekort = doeldekking - aandeel_binnen_norm
    return 100 * np.where(tekort < 0, 0.0, tekort) / doeldekking


def _gap_figures(
    m: csr_array,
    bereik: Mapping[str, np.ndarray],
    voorzieningen: Mapping[str, np.ndarray],
    behoefte: tuple[np.ndarray, np.ndarray],
    norm: Norm,
) -> dict[str, np.ndarray]:
    """The numeric columns of the gap table of one category for the areas of ``m``.

    ``bereik``: :func:`_reach_per_buurt`, ``voorzieningen``: :func:`_facilities_per_buurt`,
    ``behoefte``: :func:`_need_per_buurt`. Every figure of an area is a sum over its buurten,
    so any subset of the areas (rows of ``m``) gets the same numbers as the whole table.
    """
    som = {k: m @ bereik[k] for k in _SOMMEN}
    inwoners = np.rint(som["inwoners"]).astype("int64")
    binnen = np.rint(som["inwoners_binnen_norm"]).astype("int64")
    bereikbaar = som["inwoners_bereikbaar"]
    doel_sum = m @ behoefte[0]
    gewogen_sum = m @ behoefte[1]
    with np.errstate(invalid="ignore", divide="ignore"):
        gem_afstand = np.where(bereikbaar > 0, som["gewogen_afstand"] / bereikbaar, np.nan)
        aandeel = np.where(inwoners > 0, binnen / inwoners, np.nan)
        behoefte_index = np.where(doel_sum > 0, gewogen_sum / doel_sum, np.nan)
    uit = {
        "inwoners": inwoners,
        "inwoners_onbereikbaar": np.rint(som["inwoners"] - bereikbaar).astype("int64"),
        "gem_afstand_m": gem_afstand,
        "aandeel_binnen_norm": aandeel,
        "behoefte_index": behoefte_index,
        "inwoners_buiten_norm": inwoners - binnen,
        "aantal_voorzieningen": (m @ voorzieningen["aantal"]).astype("int64"),
        "doelgroep": doel_sum,
        "hiaatscore": _gap_score(aandeel, float(norm.doeldekking)),
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


def compute_gap_table(
    bereik: pd.DataFrame,
    vraagpunten: gpd.GeoDataFrame,
    buurten: gpd.GeoDataFrame,
    voorzieningen: gpd.GeoDataFrame,
    normen: Mapping[str, Norm],
    categorieen: Mapping[str, Categorie],
    gebieden: Mapping[str, Sequence[str]],
    *,
    namen: Mapping[str, str] | None = None,
    sleutel: str = "gebied",
    naamkolom: str = "naam",
    gezondheid: pd.DataFrame | None = None,
    per_buurt: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The gap table for any areas made of buurten (see the module docstring for formulas).

    Parameters
    ----------
    bereik
        Result of :func:`gebiedsplan.bereikbaarheid.compute_bereikbaarheid`.
    vraagpunten, buurten, voorzieningen
        Layers of the gemeente (``voorzieningen``: the facilities that count, e.g.
        :func:`gebiedsplan.gemeente.effective_voorzieningen`).
    normen, categorieen
        Norms and vocabulary.
    gebieden
        ``{area code: buurtcodes}``.
    namen
        ``{area code: name}`` for the name column.
    sleutel, naamkolom
        Names of the area index level and the name column (``wijkcode``/``wijknaam``, ...).
    gezondheid
        The ``gezondheid`` layer for the need index; without it the index is 1.
    per_buurt
        ``aggregate_bereikbaarheid(bereik, vraagpunten, groep="buurtcode")`` when already
        computed (it is the expensive step; the areas are sums of buurten).

    Returns
    -------
    pandas.DataFrame
        Indexed by (``sleutel``, ``categorie``): ``naamkolom`` and :data:`HIAAT_KOLOMMEN`.
    """
    cats = categories_of(bereik)
    if per_buurt is None:
        per_buurt = aggregate_bereikbaarheid(bereik, vraagpunten, groep="buurtcode")
    n = len(buurten)
    m = _membership(gebieden, buurten.index)
    codes = list(gebieden)
    rij_buurt = buurten.index.get_indexer(per_buurt.index.get_level_values(0))
    rij_categorie = per_buurt.index.get_level_values("categorie")
    vz_buurt = _facility_buurt(np.asarray(voorzieningen.geometry.to_numpy()), _buurt_tree(buurten))
    vz_categorie = voorzieningen["categorie"].to_numpy()
    capaciteit = _capacity(voorzieningen)
    frames = []
    for cat in cats:
        norm = normen[cat]
        rijen = np.asarray(rij_categorie == cat)
        mask = vz_categorie == cat
        figures = _gap_figures(
            m,
            _reach_per_buurt(per_buurt[rijen], rij_buurt[rijen], n),
            _facilities_per_buurt(vz_buurt[mask], capaciteit[mask], n),
            _need_per_buurt(buurten, gezondheid, norm),
            norm,
        )
        t = pd.DataFrame(figures, index=pd.Index(codes, name=sleutel))
        t["capaciteit_eenheid"] = norm.capaciteit.eenheid if norm.capaciteit is not None else None
        t["categorie"] = cat
        t["categorie_label"] = categorieen[cat].label
        t["norm_afstand_m"] = float(norm.max_afstand_m)
        t["doeldekking"] = float(norm.doeldekking)
        frames.append(t)
    tabel = pd.concat(frames).set_index("categorie", append=True)
    tabel.insert(0, naamkolom, [(namen or {}).get(c, c) for c in tabel.index.get_level_values(0)])
    tabel["rang"] = pd.NA
    return rerank(tabel)[[naamkolom, *HIAAT_KOLOMMEN]]


def _name_order(index: pd.Index) -> np.ndarray:
    """Place of every row when the rows are sorted by area code, then category (the two levels
    of ``index``)."""
    code = [pd.factorize(index.get_level_values(i), sort=True)[0] for i in (0, 1)]
    volgorde = np.lexsort((code[1], code[0]))
    plek = np.empty(len(index), dtype=np.int64)
    plek[volgorde] = np.arange(len(index))
    return plek


def _ranks(
    hiaatscore: np.ndarray, inwoners_buiten_norm: np.ndarray, naam_plek: np.ndarray
) -> pd.api.extensions.ExtensionArray:
    """``rang`` (see :func:`rerank`) from the columns; ``naam_plek`` from :func:`_name_order`."""
    volgorde = np.lexsort((naam_plek, -inwoners_buiten_norm, -hiaatscore))
    rang = np.empty(len(volgorde), dtype=np.int64)
    rang[volgorde] = np.arange(1, len(volgorde) + 1)
    uit = pd.array(rang, dtype="Int64")
    uit[np.isnan(hiaatscore)] = pd.NA
    return uit


def rerank(tabel: pd.DataFrame) -> pd.DataFrame:
    """``rang`` over the whole table: largest ``hiaatscore`` first, then most residents outside
    the norm, then by area code and category; areas without a score get none."""
    tabel = tabel.copy()
    tabel["rang"] = _ranks(
        tabel["hiaatscore"].to_numpy(dtype=float, na_value=np.nan),
        tabel["inwoners_buiten_norm"].to_numpy(dtype=np.int64),
        _name_order(tabel.index),
    )
    return tabel


def compute_hiaten(
    bereik: pd.DataFrame,
    vraagpunten: gpd.GeoDataFrame,
    buurten: gpd.GeoDataFrame,
    wijken: gpd.GeoDataFrame,
    voorzieningen: gpd.GeoDataFrame,
    normen: Mapping[str, Norm],
    categorieen: Mapping[str, Categorie],
    *,
    gezondheid: pd.DataFrame | None = None,
    per_buurt: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The gap table per wijk x category (see :func:`compute_gap_table`, also for
    ``gezondheid`` and ``per_buurt``).

    Examples
    --------
    >>> from gebiedsplan.analyse import run_analyse
    >>> from gebiedsplan.bronnen.demo import demo_gemeente
    >>> hiaten = run_analyse(demo_gemeente()).hiaten
    >>> grootste = hiaten.sort_values("rang").iloc[0]
    >>> grootste["wijknaam"], grootste["categorie_label"], round(grootste["hiaatscore"])
    ('Oeverwijk', 'Park / groen', 100)
    """
    gebieden = {w: list(buurten.index[buurten["wijkcode"] == w]) for w in wijken.index}
    return compute_gap_table(
        bereik,
        vraagpunten,
        buurten,
        voorzieningen,
        normen,
        categorieen,
        gebieden,
        namen=wijken["wijknaam"].to_dict(),
        sleutel="wijkcode",
        naamkolom="wijknaam",
        gezondheid=gezondheid,
        per_buurt=per_buurt,
    )


def worst_per_category(hiaten: pd.DataFrame) -> pd.DataFrame:
    """Per category the area with the largest gap (for summaries)."""
    ranked = hiaten.dropna(subset=["hiaatscore"]).sort_values("rang")
    return ranked.groupby(level="categorie", sort=False).head(1).sort_values("rang")


def sociale_basis_profiel(hiaten: pd.DataFrame, code: str) -> pd.DataFrame:
    """The ranked overview of one area (its "sociale basis profiel"): every category, the
    largest gap first.

    Examples
    --------
    >>> from gebiedsplan.analyse import run_analyse
    >>> from gebiedsplan.bronnen.demo import demo_gemeente
    >>> profiel = sociale_basis_profiel(run_analyse(demo_gemeente()).hiaten, "WK999906")
    >>> profiel.index[0]
    'huisarts'
    """
    deel = hiaten.xs(code, level=0)
    assert isinstance(deel, pd.DataFrame)
    return deel.sort_values(by=["hiaatscore", "inwoners_buiten_norm"], ascending=False)
