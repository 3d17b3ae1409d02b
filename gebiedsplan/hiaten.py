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


def _facility_buurt(voorzieningen: gpd.GeoDataFrame, buurten: gpd.GeoDataFrame) -> pd.Series:
    """Buurtcode of every facility (the buurt it lies in; none outside every buurt)."""
    vlakken = buurten[["geometry"]].rename_axis("buurtcode")
    joined = gpd.sjoin(voorzieningen[["geometry"]], vlakken, how="left", predicate="within")
    return joined["buurtcode"].groupby(level=0).first().reindex(voorzieningen.index)


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
    per_buurt = per_buurt.assign(
        inwoners_bereikbaar=per_buurt["inwoners"] - per_buurt["inwoners_onbereikbaar"],
        gewogen_afstand=(
            per_buurt["gem_afstand_m"].fillna(0)
            * (per_buurt["inwoners"] - per_buurt["inwoners_onbereikbaar"])
        ),
    )
    m = _membership(gebieden, buurten.index)
    codes = list(gebieden)
    vz_buurt = _facility_buurt(voorzieningen, buurten)
    frames = []
    for cat in cats:
        norm = normen[cat]
        deel = per_buurt.xs(cat, level="categorie").reindex(buurten.index)
        som = {k: m @ deel[k].fillna(0).to_numpy(dtype=float) for k in _SOMMEN}
        mask = (voorzieningen["categorie"] == cat).to_numpy()
        in_buurt = vz_buurt[mask]
        aantal = in_buurt.value_counts().reindex(buurten.index, fill_value=0)
        cap = pd.to_numeric(
            voorzieningen.loc[mask, "capaciteit"]
            if "capaciteit" in voorzieningen.columns
            else pd.Series(np.nan, index=in_buurt.index),
            errors="coerce",
        )
        cap_per_buurt = cap.groupby(in_buurt).sum().reindex(buurten.index, fill_value=0.0)
        onbekend = cap.isna().groupby(in_buurt).sum().reindex(buurten.index, fill_value=0)
        doelgroep = target_group(buurten, norm.doelgroep)
        behoefte = need_index(buurten, gezondheid, norm.behoefte)
        gewogen = (doelgroep * behoefte).fillna(0).to_numpy()
        doel_sum = m @ doelgroep.fillna(0).to_numpy()
        gewogen_sum = m @ gewogen
        t = pd.DataFrame(index=pd.Index(codes, name=sleutel))
        t["inwoners"] = np.rint(som["inwoners"]).astype("int64")
        binnen = np.rint(som["inwoners_binnen_norm"]).astype("int64")
        bereikbaar = som["inwoners_bereikbaar"]
        t["inwoners_onbereikbaar"] = np.rint(som["inwoners"] - bereikbaar).astype("int64")
        with np.errstate(invalid="ignore", divide="ignore"):
            t["gem_afstand_m"] = np.where(
                bereikbaar > 0, som["gewogen_afstand"] / bereikbaar, np.nan
            )
            t["aandeel_binnen_norm"] = np.where(t["inwoners"] > 0, binnen / t["inwoners"], np.nan)
            t["behoefte_index"] = np.where(doel_sum > 0, gewogen_sum / doel_sum, np.nan)
        t["inwoners_buiten_norm"] = t["inwoners"] - binnen
        t["aantal_voorzieningen"] = (m @ aantal.to_numpy(dtype=float)).astype("int64")
        t["doelgroep"] = doel_sum
        if norm.capaciteit is not None:
            t["capaciteit_eenheid"] = norm.capaciteit.eenheid
            t["benodigde_capaciteit"] = gewogen_sum * norm.capaciteit.per_1000 / 1000
            t["aanwezige_capaciteit"] = m @ cap_per_buurt.to_numpy(dtype=float)
            t["capaciteit_onbekend"] = (m @ onbekend.to_numpy(dtype=float)).astype("int64")
            t["capaciteitstekort"] = (t["benodigde_capaciteit"] - t["aanwezige_capaciteit"]).clip(
                lower=0
            )
        else:
            t["capaciteit_eenheid"] = None
            for k in ("benodigde_capaciteit", "aanwezige_capaciteit", "capaciteitstekort"):
                t[k] = np.nan
            t["capaciteit_onbekend"] = 0
        t["categorie"] = cat
        t["categorie_label"] = categorieen[cat].label
        t["norm_afstand_m"] = float(norm.max_afstand_m)
        t["doeldekking"] = float(norm.doeldekking)
        frames.append(t)
    tabel = pd.concat(frames).set_index("categorie", append=True)
    tabel["hiaatscore"] = gap_score(tabel["aandeel_binnen_norm"], tabel["doeldekking"])
    tabel.insert(0, naamkolom, [(namen or {}).get(c, c) for c in tabel.index.get_level_values(0)])
    tabel["rang"] = pd.NA
    return rerank(tabel)[[naamkolom, *HIAAT_KOLOMMEN]]


def rerank(tabel: pd.DataFrame) -> pd.DataFrame:
    """``rang`` over the whole table: largest ``hiaatscore`` first, then most residents outside
    the norm; areas without a score get none."""
    sleutel = str(tabel.index.names[0])
    volgorde = tabel.reset_index().sort_values(
        ["hiaatscore", "inwoners_buiten_norm", sleutel, "categorie"],
        ascending=[False, False, True, True],
        na_position="last",
    )
    rang = pd.Series(
        np.arange(1, len(volgorde) + 1),
        index=pd.MultiIndex.from_frame(volgorde[[sleutel, "categorie"]]),
    )
    tabel = tabel.copy()
    tabel["rang"] = pd.array(rang.reindex(tabel.index).to_numpy(), dtype="Int64")
    tabel.loc[tabel["hiaatscore"].isna(), "rang"] = pd.NA
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
) -> pd.DataFrame:
    """The gap table per wijk x category (see :func:`compute_gap_table`).

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
