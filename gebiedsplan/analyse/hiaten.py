"""Gaps (hiaten): per wijk, buurt or gebied and category, how far the sociale basis falls short.

Every table has one row per area x category. Areas are made of buurten (a wijk, a buurt, or a
named gebied of the gemeente file), so every figure is a sum over the area's buurten.

Coverage and gap score
----------------------
With norm distance ``max_afstand_m`` and target coverage ``doeldekking`` of the category
(``lagen/catalogus/normen.yml``, overridable per gemeente)::

    aandeel_binnen_norm = analysed residents within max_afstand_m over the network
                          / analysed residents
    hiaatscore          = 100 * max(0, doeldekking - aandeel_binnen_norm) / doeldekking

0 means the target is met, 100 that nobody in the area lives within the norm. Analysed
residents who cannot reach any facility of the category count as outside the norm (and are
reported in ``inwoners_onbereikbaar``). ``rang`` orders the scored rows by ``hiaatscore``, then
by ``inwoners_buiten_norm`` (more people affected ranks higher); 1 is the largest gap. Areas
without residents get no score and no rank.

Coverage
--------
``inwoners`` are all residents of the area, ``inwoners_geanalyseerd`` those the analysis could
reach over the network (:mod:`gebiedsplan.analyse.bereikbaarheid`: not further than the snap
distance from it, not on a small disconnected piece of it, inside the chosen wijken), and
``aandeel_geanalyseerd`` their share. ``dekking`` is ``volledig`` when at least
``min_aandeel_geanalyseerd`` (``lagen/catalogus/volledigheid.yml``, 90%) was analysed,
``onvolledig`` below it and ``geen netwerk`` when nobody was; where it is not ``volledig``,
``hiaatscore`` and ``rang`` are withheld, never computed from the rest, and ``reden`` says why
(:func:`gebiedsplan.analyse.hiaatsommen.coverage`). ``laag_volledigheid`` says whether the
category's facility layer looks complete (:mod:`gebiedsplan.analyse.volledigheid`).

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

Capacity within reach (E2SFCA)
------------------------------
``aanwezige_capaciteit`` counts what lies inside the area; residents also use what lies just
across its border. Per demand point *i* (analysed residents only), with demand
``V_i`` = its residents x the need-weighted target group per resident of its buurt (as in
``benodigde_capaciteit``), facility capacity ``S_j`` (known capacities only) and the
distance-decay weight ``W(d)`` of the category (``verval`` in ``normen.yml``: by default the
norm distance in three equal zones weighted 1, 0.68 and 0.22, Luo & Qi 2009)::

    R_j                = S_j / sum_i V_i W(d_ij)          (capacity per unit of demand in reach)
    A_i                = sum_j R_j W(d_ij)
    toegang_per_1000   = 1000 x sum_i V_i A_i / sum_i V_i  (over the area's points)
    toegang_verhouding = toegang_per_1000 / capaciteit.per_1000 of the norm

in ``capaciteit_eenheid`` per 1,000 of the need-weighted target group; ``toegang_verhouding``
1 means the norm's capacity is within reach, 0.5 half of it. Supply is conserved: ``sum_i V_i
A_i`` over all points is the capacity of the facilities with demand in reach. Missing for
categories without a capacity norm or without any facility of known capacity, and for areas
without analysed demand (:mod:`gebiedsplan.analyse.capaciteit`).

Equity of distances
-------------------
``gini_afstand`` and ``palma_afstand`` (:mod:`gebiedsplan.analyse.gelijkheid`) describe how
unequal the walking distances to the nearest facility are among the area's analysed residents
who reach one (weighted by residents): Gini 0 when everybody walks the same distance, towards 1
when a few walk nearly all of it; Palma the share of person-metres walked by the farthest 10%
over the share of the nearest 40% (0.25 when everybody walks the same distance).

Unlike ``hiaatscore`` these four columns are given for every area with analysed residents, also
where ``dekking`` is ``onvolledig``: they describe the analysed residents. :func:`rank_by` orders
by them, the rows with full coverage first.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Literal

import geopandas as gpd
import numpy as np
import pandas as pd
from scipy.sparse import csr_array

from gebiedsplan.analyse._kolommen import kolom
from gebiedsplan.analyse.bereikbaarheid import aggregate_bereikbaarheid, categories_of
from gebiedsplan.analyse.hiaatsommen import (
    DEKKING,
    access_figures,
    buurt_tree,
    capacity,
    equity_figures,
    facilities_per_buurt,
    facility_buurt,
    gap_figures,
    membership,
    name_order,
    need_per_buurt,
    points_per_area,
    ranks,
    reach_per_buurt,
)
from gebiedsplan.analyse.volledigheid import compute_volledigheid, layer_status
from gebiedsplan.catalogus import Categorie, Norm
from gebiedsplan.errors import GebiedsplanError

log = logging.getLogger(__name__)

#: Column order of the gap tables (after the area's name column).
HIAAT_KOLOMMEN = [
    "categorie_label",
    "laag_volledigheid",
    "aantal_voorzieningen",
    "inwoners",
    "inwoners_geanalyseerd",
    "aandeel_geanalyseerd",
    "dekking",
    "gem_afstand_m",
    "norm_afstand_m",
    "doeldekking",
    "aandeel_binnen_norm",
    "inwoners_buiten_norm",
    "inwoners_onbereikbaar",
    "hiaatscore",
    "reden",
    "doelgroep",
    "behoefte_index",
    "capaciteit_eenheid",
    "benodigde_capaciteit",
    "aanwezige_capaciteit",
    "capaciteit_onbekend",
    "capaciteitstekort",
    "toegang_per_1000",
    "toegang_verhouding",
    "gini_afstand",
    "palma_afstand",
    "rang",
]

#: The orders of :func:`rank_by`.
Maat = Literal["hiaat", "capaciteit", "gelijkheid"]


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
    volledigheid: Mapping[str, str] | None = None,
    toegang: pd.DataFrame | None = None,
    behoefte: Mapping[str, tuple[np.ndarray, np.ndarray]] | None = None,
) -> pd.DataFrame:
    """The gap table for any areas made of buurten (see the module docstring for formulas).

    Parameters
    ----------
    bereik
        Result of :func:`gebiedsplan.analyse.bereikbaarheid.compute_bereikbaarheid`.
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
    volledigheid
        ``laag_volledigheid`` per category (:func:`gebiedsplan.analyse.volledigheid.layer_status`
        of :func:`~gebiedsplan.analyse.volledigheid.compute_volledigheid`); default computed
        from ``voorzieningen`` and the residents of ``vraagpunten``.
    toegang
        Demand and accessibility of every demand point
        (:func:`gebiedsplan.analyse.capaciteit.compute_toegang`, as ``Analyse.toegang``): it needs
        the network, so without it ``toegang_per_1000`` and ``toegang_verhouding`` stay missing.
    behoefte
        Target group and need-weighted target group per buurt for every category
        (:func:`gebiedsplan.analyse.hiaatsommen.need_per_buurt`) when already computed: the same
        for every level.

    Returns
    -------
    pandas.DataFrame
        Indexed by (``sleutel``, ``categorie``): ``naamkolom`` and :data:`HIAAT_KOLOMMEN`.

    Examples
    --------
    >>> from gebiedsplan.analyse.run import run_analyse
    >>> from gebiedsplan.importeren import demo_gemeente
    >>> a = run_analyse(demo_gemeente())
    >>> rij = a.hiaten_gebied.loc[("Havenkwartier", "huisarts")]
    >>> rij["capaciteit_eenheid"], round(float(rij["toegang_verhouding"]), 2)
    ('fte huisarts', 0.31)
    """
    cats = categories_of(bereik)
    if per_buurt is None:
        per_buurt = aggregate_bereikbaarheid(bereik, vraagpunten, groep="buurtcode")
    if volledigheid is None:
        volledigheid = layer_status(
            compute_volledigheid(
                voorzieningen,
                float(vraagpunten["inwoners"].sum()),
                categorieen=cats,
            )
        )
    n = len(buurten)
    m = membership(gebieden, buurten.index)
    codes = list(gebieden)
    rij_buurt = buurten.index.get_indexer(per_buurt.index.get_level_values(0))
    rij_categorie = per_buurt.index.get_level_values("categorie")
    vz_buurt = facility_buurt(np.asarray(voorzieningen.geometry.to_numpy()), buurt_tree(buurten))
    vz_categorie = voorzieningen["categorie"].to_numpy()
    capaciteit = capacity(voorzieningen)
    punt_buurt, inwoners, geanalyseerd = point_figures(bereik, vraagpunten, buurten)
    punten = points_per_area(m, punt_buurt)
    frames = []
    for cat in cats:
        norm = normen[cat]
        rijen = np.asarray(rij_categorie == cat)
        mask = vz_categorie == cat
        figures = gap_figures(
            m,
            reach_per_buurt(per_buurt[rijen], rij_buurt[rijen], n),
            facilities_per_buurt(vz_buurt[mask], capaciteit[mask], n),
            need_per_buurt(buurten, gezondheid, norm)
            if behoefte is None or cat not in behoefte
            else behoefte[cat],
            norm,
        )
        figures |= access_and_equity(
            m, punten, punt_buurt, inwoners, geanalyseerd, bereik, toegang, cat, norm
        )
        t = pd.DataFrame(figures, index=pd.Index(codes, name=sleutel))
        t["capaciteit_eenheid"] = norm.capaciteit.eenheid if norm.capaciteit is not None else None
        t["categorie"] = cat
        t["categorie_label"] = categorieen[cat].label
        t["laag_volledigheid"] = volledigheid.get(cat, "geen verwachting")
        t["norm_afstand_m"] = float(norm.max_afstand_m)
        t["doeldekking"] = float(norm.doeldekking)
        frames.append(t)
    tabel = pd.concat(frames).set_index("categorie", append=True)
    tabel.insert(0, naamkolom, [(namen or {}).get(c, c) for c in tabel.index.get_level_values(0)])
    tabel["rang"] = pd.NA
    return rerank(tabel)[[naamkolom, *HIAAT_KOLOMMEN]]


def point_figures(
    bereik: pd.DataFrame, vraagpunten: pd.DataFrame, buurten: pd.DataFrame
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per demand point of ``bereik``: its buurt position in ``buurten`` (-1: none), residents
    and whether it was analysed."""
    punt_buurt = buurten.index.get_indexer(pd.Index(vraagpunten["buurtcode"].reindex(bereik.index)))
    inwoners = pd.to_numeric(vraagpunten["inwoners"].reindex(bereik.index), errors="coerce")
    geanalyseerd = (
        bereik["geanalyseerd"].to_numpy(dtype=bool, na_value=False)
        if "geanalyseerd" in bereik.columns
        else np.ones(len(bereik), dtype=bool)
    )
    return (
        np.asarray(punt_buurt, dtype=np.int64),
        inwoners.to_numpy(dtype=float, na_value=np.nan),
        geanalyseerd,
    )


def access_and_equity(
    m: csr_array,
    punten: Sequence[np.ndarray],
    punt_buurt: np.ndarray,
    inwoners: np.ndarray,
    geanalyseerd: np.ndarray,
    bereik: pd.DataFrame,
    toegang: pd.DataFrame | None,
    categorie: str,
    norm: Norm,
) -> dict[str, np.ndarray]:
    """``toegang_per_1000``, ``toegang_verhouding``, ``gini_afstand`` and ``palma_afstand`` of
    one category for the areas of ``m`` (``punten``: their demand points,
    :func:`gebiedsplan.analyse.hiaatsommen.points_per_area`; the arrays from
    :func:`point_figures`; ``toegang`` aligned with ``bereik``). Shared with the incremental
    scenario answer, so both give the same numbers."""
    afstand = bereik[kolom("afstand", categorie, eenheid="m")].to_numpy(
        dtype=float, na_value=np.nan
    )
    uit = equity_figures(punten, np.where(geanalyseerd, afstand, np.nan), inwoners)
    a_kolom, v_kolom = kolom("toegang", categorie), kolom("vraag", categorie)
    if toegang is not None and a_kolom in toegang.columns:
        deel = toegang.reindex(bereik.index)
        a = deel[a_kolom].to_numpy(dtype=float, na_value=np.nan)
        v = deel[v_kolom].to_numpy(dtype=float, na_value=np.nan)
        uit |= access_figures(m, v, np.where(geanalyseerd, a, np.nan), punt_buurt, norm)
    else:
        uit |= access_figures(m, np.zeros(len(bereik)), None, punt_buurt, norm)
    return uit


def rank_by(tabel: pd.DataFrame, maat: Maat = "hiaat") -> pd.DataFrame:
    """The rows of a gap table in the order of one measure, the most pressing first.

    - ``hiaat``: by ``rang`` (largest ``hiaatscore`` first, then most residents outside the
      norm); rows without a rank after;
    - ``capaciteit``: lowest ``toegang_verhouding`` first (least capacity within reach for the
      need), then the larger need-weighted target group, among the rows with a value and
      ``dekking`` ``volledig``; then the rest;
    - ``gelijkheid``: highest ``gini_afstand`` first (most unequal walking distances), then
      the most analysed residents, among the rows with a value and ``dekking`` ``volledig``;
      then the rest.

    Ties and the rest keep the order of area code, then category. The table itself is returned
    reordered, with no column added or changed.

    Parameters
    ----------
    tabel
        A gap table (:func:`compute_gap_table`), or part of one with the columns the measure
        needs.
    maat
        ``"hiaat"``, ``"capaciteit"`` or ``"gelijkheid"``.

    Examples
    --------
    >>> from gebiedsplan.analyse.run import run_analyse
    >>> from gebiedsplan.importeren import demo_gemeente
    >>> hiaten = run_analyse(demo_gemeente()).hiaten
    >>> eerste = rank_by(hiaten, "capaciteit").iloc[0]
    >>> eerste["wijknaam"], eerste["categorie_label"], round(float(eerste["toegang_verhouding"]), 2)
    ('Oude Stad', 'Kinderopvang', 0.04)
    >>> eerste = rank_by(hiaten, "gelijkheid").iloc[0]
    >>> eerste["wijknaam"], eerste["categorie_label"], round(float(eerste["gini_afstand"]), 2)
    ('Oude Stad', 'Ontmoeting / buurthuis', 0.33)
    """
    kolommen = {
        "hiaat": ["rang"],
        "capaciteit": ["toegang_verhouding", "dekking"],
        "gelijkheid": ["gini_afstand", "dekking"],
    }
    if maat not in kolommen:
        raise GebiedsplanError(
            f"Onbekende maat '{maat}' om hiaten te ordenen; kies hiaat, capaciteit of gelijkheid."
        )
    ontbreekt = [k for k in kolommen[maat] if k not in tabel.columns]
    if ontbreekt:
        raise GebiedsplanError(
            f"De hiatentabel mist kolom {', '.join(ontbreekt)} om op {maat} te ordenen; "
            "bereken hem opnieuw met run_analyse."
        )
    naam = name_order(tabel.index)
    if maat == "hiaat":
        rang = tabel["rang"].to_numpy(dtype=float, na_value=np.nan)
        volgorde = np.lexsort((naam, np.nan_to_num(rang, nan=np.inf), np.isnan(rang)))
        return tabel.iloc[volgorde]
    waarde = tabel[kolommen[maat][0]].to_numpy(dtype=float, na_value=np.nan)
    mee = np.isfinite(waarde) & (tabel["dekking"].to_numpy() == DEKKING[0])
    if maat == "capaciteit":
        sleutel = np.where(mee, waarde, 0.0)
        tweede = -_kolom_of_nul(tabel, "doelgroep")
    else:
        sleutel = np.where(mee, -waarde, 0.0)
        tweede = -_kolom_of_nul(tabel, "inwoners_geanalyseerd")
    volgorde = np.lexsort((naam, np.where(mee, tweede, 0.0), sleutel, ~mee))
    return tabel.iloc[volgorde]


def _kolom_of_nul(tabel: pd.DataFrame, naam: str) -> np.ndarray:
    if naam not in tabel.columns:
        return np.zeros(len(tabel))
    return np.nan_to_num(tabel[naam].to_numpy(dtype=float, na_value=np.nan))


def rerank(tabel: pd.DataFrame) -> pd.DataFrame:
    """``rang`` over the whole table: largest ``hiaatscore`` first, then most residents outside
    the norm, then by area code and category; rows without a score (no residents, or withheld
    for coverage) get none, so the ranks run 1..n over the scored rows."""
    tabel = tabel.copy()
    tabel["rang"] = ranks(
        tabel["hiaatscore"].to_numpy(dtype=float, na_value=np.nan),
        tabel["inwoners_buiten_norm"].to_numpy(dtype=np.int64),
        name_order(tabel.index),
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
    volledigheid: Mapping[str, str] | None = None,
    toegang: pd.DataFrame | None = None,
    behoefte: Mapping[str, tuple[np.ndarray, np.ndarray]] | None = None,
) -> pd.DataFrame:
    """The gap table per wijk x category (see :func:`compute_gap_table`, also for
    ``gezondheid``, ``per_buurt``, ``volledigheid``, ``toegang`` and ``behoefte``).

    Examples
    --------
    >>> from gebiedsplan.analyse.run import run_analyse
    >>> from gebiedsplan.importeren import demo_gemeente
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
        volledigheid=volledigheid,
        toegang=toegang,
        behoefte=behoefte,
    )


def summarize_dekking(tabel: pd.DataFrame) -> pd.DataFrame:
    """Who was analysed, per area of a gap table (one row per area: coverage is the same for
    every category): ``inwoners``, ``inwoners_geanalyseerd``, ``aandeel_geanalyseerd``,
    ``dekking`` and ``reden``.

    Examples
    --------
    >>> from gebiedsplan.analyse.run import run_analyse
    >>> from gebiedsplan.importeren import demo_gemeente
    >>> dekking = summarize_dekking(run_analyse(demo_gemeente()).hiaten)
    >>> dekking["dekking"].value_counts().to_dict()
    {'volledig': 6}
    """
    kolommen = ["inwoners", "inwoners_geanalyseerd", "aandeel_geanalyseerd", "dekking", "reden"]
    eerste = tabel[kolommen].groupby(level=0, sort=False).first()
    assert set(eerste["dekking"]) <= set(DEKKING)
    return eerste


def worst_per_category(hiaten: pd.DataFrame) -> pd.DataFrame:
    """Per category the area with the largest gap (for summaries)."""
    ranked = hiaten.dropna(subset=["hiaatscore"]).sort_values("rang")
    return ranked.groupby(level="categorie", sort=False).head(1).sort_values("rang")


def sociale_basis_profiel(hiaten: pd.DataFrame, code: str) -> pd.DataFrame:
    """The ranked overview of one area (its "sociale basis profiel"): every category, the
    largest gap first.

    Examples
    --------
    >>> from gebiedsplan.analyse.run import run_analyse
    >>> from gebiedsplan.importeren import demo_gemeente
    >>> profiel = sociale_basis_profiel(run_analyse(demo_gemeente()).hiaten, "WK999906")
    >>> profiel.index[0]
    'huisarts'
    """
    deel = hiaten.xs(code, level=0)
    assert isinstance(deel, pd.DataFrame)
    return deel.sort_values(by=["hiaatscore", "inwoners_buiten_norm"], ascending=False)
