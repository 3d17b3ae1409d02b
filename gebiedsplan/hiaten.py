"""Gaps (hiaten): per wijk and category, how far the sociale basis falls short of the norm.

Gap score
---------
For wijk *w* and category *c* with norm distance ``max_afstand_m`` and target coverage
``doeldekking`` (``lagen/catalogus/normen.yml``, overridable per gemeente)::

    aandeel_binnen_norm = inwoners within max_afstand_m over the network / inwoners of the wijk
    hiaatscore          = 100 * max(0, doeldekking - aandeel_binnen_norm) / doeldekking

so 0 means the target is met and 100 means nobody in the wijk lives within the norm. Inhabitants
who cannot reach any facility of the category count as outside the norm (and are reported in
``inwoners_onbereikbaar``). The overview is ranked by ``hiaatscore``, then by
``inwoners_buiten_norm`` (more people affected ranks higher); ``rang`` 1 is the largest gap.
Wijken without inhabitants get no score.
"""

from __future__ import annotations

from collections.abc import Mapping

import geopandas as gpd
import numpy as np
import pandas as pd

from gebiedsplan.bereikbaarheid import aggregate_bereikbaarheid, categories_of
from gebiedsplan.catalogus import Categorie, Norm

#: Column order of the gap table.
HIAAT_KOLOMMEN = [
    "wijknaam",
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
    "rang",
]


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


def count_per_wijk(voorzieningen: gpd.GeoDataFrame, wijken: gpd.GeoDataFrame) -> pd.DataFrame:
    """Number of facilities per wijk and category (facilities located inside the wijk)."""
    vlakken = wijken[["geometry"]].rename_axis("wijkcode")
    joined = gpd.sjoin(
        voorzieningen[["categorie", "geometry"]], vlakken, how="inner", predicate="within"
    )
    counts = joined.groupby(["wijkcode", "categorie"]).size().rename("aantal_voorzieningen")
    return counts.to_frame()


def compute_hiaten(
    bereik: pd.DataFrame,
    vraagpunten: gpd.GeoDataFrame,
    buurten: gpd.GeoDataFrame,
    wijken: gpd.GeoDataFrame,
    voorzieningen: gpd.GeoDataFrame,
    normen: Mapping[str, Norm],
    categorieen: Mapping[str, Categorie],
) -> pd.DataFrame:
    """The gap table: one row per wijk x category, ranked (see the module docstring for formulas).

    Parameters
    ----------
    bereik
        Result of :func:`gebiedsplan.bereikbaarheid.compute_bereikbaarheid`.
    vraagpunten, buurten, wijken, voorzieningen
        Layers of the gemeente.
    normen
        Norms per category (``Gemeente.normen``).
    categorieen
        The category vocabulary (labels).

    Returns
    -------
    pandas.DataFrame
        Indexed by (``wijkcode``, ``categorie``) with the columns of :data:`HIAAT_KOLOMMEN`.

    Examples
    --------
    >>> from gebiedsplan.analyse import run_analyse
    >>> from gebiedsplan.bronnen.demo import demo_gemeente
    >>> hiaten = run_analyse(demo_gemeente()).hiaten
    >>> grootste = hiaten.sort_values("rang").iloc[0]
    >>> grootste["wijknaam"], grootste["categorie_label"], round(grootste["hiaatscore"])
    ('Oeverwijk', 'Park / groen', 100)
    """
    wijkcode = vraagpunten["buurtcode"].map(buurten["wijkcode"]).rename("wijkcode")
    tabel = aggregate_bereikbaarheid(bereik, vraagpunten, groep=wijkcode)
    # wijken without demand points still get a row per category
    volledig = pd.MultiIndex.from_product(
        [wijken.index, categories_of(bereik)], names=["wijkcode", "categorie"]
    )
    tabel = tabel.reindex(volledig)
    for kolom_ in (
        "inwoners",
        "inwoners_onbereikbaar",
        "inwoners_binnen_norm",
        "inwoners_buiten_norm",
    ):
        tabel[kolom_] = tabel[kolom_].fillna(0).astype("int64")
    aantallen = count_per_wijk(voorzieningen, wijken).reindex(volledig)
    tabel["aantal_voorzieningen"] = aantallen["aantal_voorzieningen"].fillna(0).astype("int64")
    cats = tabel.index.get_level_values("categorie")
    tabel["wijknaam"] = (
        wijken["wijknaam"].reindex(tabel.index.get_level_values("wijkcode")).to_numpy()
    )
    tabel["categorie_label"] = [categorieen[c].label for c in cats]
    tabel["norm_afstand_m"] = [float(normen[c].max_afstand_m) for c in cats]
    tabel["doeldekking"] = [float(normen[c].doeldekking) for c in cats]
    tabel["hiaatscore"] = gap_score(tabel["aandeel_binnen_norm"], tabel["doeldekking"])
    order = tabel.reset_index().sort_values(
        ["hiaatscore", "inwoners_buiten_norm", "wijkcode", "categorie"],
        ascending=[False, False, True, True],
        na_position="last",
    )
    rang = pd.Series(
        np.arange(1, len(order) + 1),
        index=pd.MultiIndex.from_frame(order[["wijkcode", "categorie"]]),
    )
    tabel["rang"] = rang.reindex(tabel.index).to_numpy()
    tabel.loc[tabel["hiaatscore"].isna(), "rang"] = pd.NA
    tabel["rang"] = tabel["rang"].astype("Int64")
    return tabel[HIAAT_KOLOMMEN]


def worst_per_category(hiaten: pd.DataFrame) -> pd.DataFrame:
    """Per category the wijk with the largest gap (for summaries)."""
    ranked = hiaten.dropna(subset=["hiaatscore"]).sort_values("rang")
    return ranked.groupby(level="categorie", sort=False).head(1).sort_values("rang")
