"""Signals of residents per area and category, and whether they agree with the measure.

The pins of the layer ``inbreng`` (:mod:`gebiedsplan.bronnen.inbreng`) are counted per wijk,
buurt or gebied and category (:func:`compute_signalen`) and joined into a gap table
(:func:`join_signalen`), which adds ``signaal_vs_meting``:

- ``bevestigt``: residents say mostly *mist* or *knelpunt* (more of those than *goed*) and the
  hiaatscore is 25 or more: the measure and the residents see the same gap;
- ``tegenstrijdig``: residents say mostly *mist*/*knelpunt*, at least one *mist*, and the
  hiaatscore is below 10 (the measure sees no gap, residents miss something), or residents say
  mostly *goed* and the hiaatscore is 50 or more (the measure sees a large gap, residents are
  content);
- ``""`` otherwise: no pins, as many positive as negative pins, only remarks without a
  judgement, no hiaatscore, or a score between the thresholds.

A pin on the border of two buurten counts in the first of them (the gap tables' rule); a buurt
in two gebieden counts in both. Category ``anders`` is counted but has no row in a gap table.
"""

from __future__ import annotations

from collections.abc import Mapping

import geopandas as gpd
import numpy as np
import pandas as pd

from gebiedsplan.analyse.hiaatsommen import buurt_tree, buurtcodes
from gebiedsplan.errors import GebiedsplanError

#: The count columns, in order.
SIGNAAL_KOLOMMEN = ("signalen", "signalen_mist", "signalen_goed", "signalen_knelpunt")
#: Thresholds of :func:`signaal_vs_meting` (hiaatscore, 0-100).
BEVESTIGT_VANAF = 25.0
TEGENSTRIJDIG_MIST_ONDER = 10.0
TEGENSTRIJDIG_GOED_VANAF = 50.0

_SLEUTEL = {"wijk": "wijkcode", "buurt": "buurtcode", "gebied": "gebied"}


def compute_signalen(
    inbreng: gpd.GeoDataFrame,
    buurten: gpd.GeoDataFrame,
    *,
    niveau: str = "wijk",
    gebieden: Mapping[str, object] | None = None,
) -> pd.DataFrame:
    """Count the pins per area and category: ``signalen`` and per judgement
    ``signalen_mist``, ``signalen_goed``, ``signalen_knelpunt``.

    Parameters
    ----------
    inbreng
        The layer ``inbreng`` (points, EPSG:28992).
    buurten
        Buurt polygons indexed by buurtcode with column ``wijkcode``.
    niveau
        ``"wijk"``, ``"buurt"`` or ``"gebied"``.
    gebieden
        ``{naam: Gebied}`` (:attr:`gebiedsplan.gemeente.Gemeente.gebieden`), for ``gebied``.

    Returns
    -------
    pandas.DataFrame
        Indexed by (``wijkcode``|``buurtcode``|``gebied``, ``categorie``); only areas and
        categories with pins (:func:`join_signalen` fills the zeros). Pins outside every buurt
        are not counted.

    Examples
    --------
    >>> import geopandas as gpd, shapely, gebiedsplan as gp
    >>> g = gp.demo_gemeente()
    >>> punt = g.buurten.geometry.iloc[0].representative_point()
    >>> pins = gpd.GeoDataFrame({"categorie": ["huisarts", "huisarts"],
    ...     "oordeel": ["mist", None]}, geometry=[punt, punt], crs="EPSG:28992")
    >>> compute_signalen(pins, g.buurten, niveau="wijk").reset_index().to_dict("records")
    [{'wijkcode': 'WK999901', 'categorie': 'huisarts', 'signalen': 2, 'signalen_mist': 1, 'signalen_goed': 0, 'signalen_knelpunt': 0}]
    """
    if niveau not in _SLEUTEL:
        raise GebiedsplanError(
            f"Niveau {niveau!r} voor de signalen van inbreng is onbekend; gebruik wijk, buurt "
            "of gebied."
        )
    if inbreng.crs is None or buurten.crs is None or inbreng.crs != buurten.crs:
        raise GebiedsplanError(
            f"Inbreng ({inbreng.crs}) en buurten ({buurten.crs}) hebben niet hetzelfde "
            "coördinatenstelsel; breng beide naar EPSG:28992 (to_crs)."
        )
    sleutel = _SLEUTEL[niveau]
    buurt = buurtcodes(inbreng.geometry, buurten, buurt_tree(buurten))
    oordeel = inbreng["oordeel"].astype("object") if "oordeel" in inbreng else None
    pins = pd.DataFrame(
        {
            "buurtcode": buurt.to_numpy(),
            "categorie": inbreng["categorie"].to_numpy(),
            "oordeel": oordeel.to_numpy() if oordeel is not None else None,
        }
    ).dropna(subset=["buurtcode"])
    if niveau == "wijk":
        pins[sleutel] = pins["buurtcode"].map(buurten["wijkcode"])
    elif niveau == "gebied":
        leden = [
            (naam, b) for naam, g in (gebieden or {}).items() for b in getattr(g, "buurten", ())
        ]
        koppel = pd.DataFrame(leden, columns=["gebied", "buurtcode"])
        pins = pins.merge(koppel, on="buurtcode", how="inner")
    for soort in ("mist", "goed", "knelpunt"):
        pins[f"signalen_{soort}"] = (pins["oordeel"] == soort).astype(np.int64)
    pins["signalen"] = np.int64(1)
    tabel = pins.groupby([sleutel, "categorie"])[list(SIGNAAL_KOLOMMEN)].sum().astype(np.int64)
    return tabel


def signaal_vs_meting(tabel: pd.DataFrame) -> pd.Series:
    """``bevestigt``, ``tegenstrijdig`` or ``""`` per row of a gap table with signal columns
    (rules in the module docstring).

    Examples
    --------
    >>> t = pd.DataFrame({"hiaatscore": [30.0, 5.0, 60.0, 30.0], "signalen_mist": [1, 2, 0, 0],
    ...     "signalen_knelpunt": [0, 0, 0, 0], "signalen_goed": [0, 0, 3, 0]})
    >>> signaal_vs_meting(t).tolist()
    ['bevestigt', 'tegenstrijdig', 'tegenstrijdig', '']
    """
    score = pd.to_numeric(tabel["hiaatscore"], errors="coerce")
    negatief = tabel["signalen_mist"] + tabel["signalen_knelpunt"]
    goed = tabel["signalen_goed"]
    zegt_mist = negatief > goed
    zegt_goed = goed > negatief
    bevestigt = zegt_mist & (score >= BEVESTIGT_VANAF)
    tegen = (zegt_mist & (tabel["signalen_mist"] > 0) & (score < TEGENSTRIJDIG_MIST_ONDER)) | (
        zegt_goed & (score >= TEGENSTRIJDIG_GOED_VANAF)
    )
    uitkomst = np.where(bevestigt, "bevestigt", np.where(tegen, "tegenstrijdig", ""))
    return pd.Series(uitkomst, index=tabel.index, name="signaal_vs_meting", dtype=object)


def join_signalen(hiaten: pd.DataFrame, signalen: pd.DataFrame) -> pd.DataFrame:
    """The gap table with the signal columns (0 where an area and category had no pin) and
    ``signaal_vs_meting``; the existing columns are untouched.

    Examples
    --------
    >>> import geopandas as gpd, gebiedsplan as gp
    >>> g = gp.demo_gemeente(); a = gp.run_analyse(g)
    >>> leeg = compute_signalen(g.buurten.iloc[:0].assign(categorie=[], oordeel=[]),
    ...     g.buurten, niveau="wijk")
    >>> t = join_signalen(a.hiaten, leeg)
    >>> int(t["signalen"].sum()), list(t.columns[-2:])
    (0, ['signalen_knelpunt', 'signaal_vs_meting'])
    """
    tellingen = signalen.reindex(hiaten.index).fillna(0).astype(np.int64)
    tabel = hiaten.join(tellingen[list(SIGNAAL_KOLOMMEN)])
    return tabel.assign(signaal_vs_meting=signaal_vs_meting(tabel))
