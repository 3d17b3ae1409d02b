"""One call from a gemeente to its analysis results: network, accessibility, aggregates, gaps,
the buurt of every facility and the green shares."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import geopandas as gpd
import pandas as pd

from gebiedsplan.analyse.bereikbaarheid import aggregate_bereikbaarheid, compute_bereikbaarheid
from gebiedsplan.analyse.groen import Groenaandeel, compute_groen
from gebiedsplan.analyse.hiaatsommen import buurt_tree, buurtcodes
from gebiedsplan.analyse.hiaten import compute_gap_table, compute_hiaten
from gebiedsplan.catalogus import load_catalogus
from gebiedsplan.errors import GemeenteError
from gebiedsplan.gemeente import Gemeente, effective_voorzieningen
from gebiedsplan.netwerk.aansluiten import MAX_SNAP_M, snap_to_edges, with_segments
from gebiedsplan.netwerk.graaf import Netwerk, compile_netwerk

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Analyse:
    """Results of :func:`run_analyse` for one gemeente."""

    gemeente: Gemeente
    netwerk: Netwerk
    bereik: pd.DataFrame
    per_buurt: pd.DataFrame
    per_wijk: pd.DataFrame
    hiaten: pd.DataFrame
    hiaten_buurt: pd.DataFrame | None
    hiaten_gebied: pd.DataFrame | None
    #: the facilities that counted (:func:`gebiedsplan.gemeente.effective_voorzieningen`)
    voorzieningen: gpd.GeoDataFrame | None = None
    #: the buurtcode of every facility of ``voorzieningen`` (aligned to it), by the rule of the
    #: gap tables: a facility on the border of two buurten lies in the first of them in the
    #: buurten layer; None outside every buurt
    voorziening_buurt: pd.Series | None = None
    #: the buurtcode of every IAB accommodation of ``gemeente.accommodaties`` (aligned to it;
    #: a polygon by its representative point), by the same rule; None without accommodations
    accommodatie_buurt: pd.Series | None = None
    #: the green share per wijk, buurt and gebied (:func:`gebiedsplan.analyse.groen.compute_groen`)
    groen: Groenaandeel | None = None
    #: intermediate results kept for scenarios (e.g. the demand points' snap to the network)
    cache: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)


def analysed_categories(gemeente: Gemeente) -> list[str]:
    """Categories with a norm that may be analysed (sensitive categories without a norm are not)."""
    return [c for c in load_catalogus().categorieen if c in gemeente.normen]


def run_analyse(
    gemeente: Gemeente,
    *,
    categorieen: Iterable[str] | None = None,
    wijken: Iterable[str] | None = None,
    netwerk: Netwerk | None = None,
) -> Analyse:
    """Accessibility per demand point, aggregated per buurt and wijk, the gap tables, the buurt
    of every facility and the green shares (:func:`gebiedsplan.analyse.groen.compute_groen`).

    Parameters
    ----------
    gemeente
        A loaded gemeente with layers ``vraagpunten`` and ``netwerk``.
    categorieen
        Categories to analyse; default all with a norm.
    wijken
        Only the residents of these wijken (wijkcodes), e.g. where the network is complete;
        facilities anywhere in the gemeente still count. Default all wijken.
    netwerk
        The compiled network, to reuse it (scenarios); default compiled from the gemeente.

    Returns
    -------
    Analyse

    Examples
    --------
    >>> from gebiedsplan.importeren import demo_gemeente
    >>> analyse = run_analyse(demo_gemeente())
    >>> analyse.hiaten.index.names
    FrozenList(['wijkcode', 'categorie'])
    >>> analyse.voorziening_buurt.loc["vz0001"], round(float(analyse.groen.per_wijk.mean()), 2)
    ('BU99990102', 0.25)
    """
    missing = [naam for naam in ("vraagpunten", "netwerk") if getattr(gemeente, naam) is None]
    if missing:
        raise GemeenteError(
            f"Gemeente {gemeente.code} mist laag {', '.join(missing)}; bereikbaarheid vraagt "
            "vraagpunten (adressen met inwoners) en een wegennetwerk."
        )
    assert gemeente.vraagpunten is not None and gemeente.netwerk is not None
    if netwerk is None:  # compiled once, kept beside the layer store
        netwerk = compile_netwerk(gemeente.netwerk, cache_map=gemeente.netwerk_map)
    gekozen = list(categorieen) if categorieen is not None else analysed_categories(gemeente)
    vraagpunten, wijklaag = gemeente.vraagpunten, gemeente.wijken
    if wijken is not None:
        codes = list(wijken)
        onbekend = [c for c in codes if c not in gemeente.wijken.index]
        if onbekend:
            raise GemeenteError(
                f"Onbekende wijk {', '.join(onbekend)} in gemeente {gemeente.code}; "
                f"bekend zijn onder meer {', '.join(gemeente.wijken.index[:5])}"
            )
        buurten = gemeente.buurten.index[gemeente.buurten["wijkcode"].isin(codes)]
        vraagpunten = vraagpunten[vraagpunten["buurtcode"].isin(buurten)]
        wijklaag = gemeente.wijken.loc[codes]
    voorzieningen = effective_voorzieningen(gemeente)
    # the demand points' snap is kept: scenarios on this baseline reuse it
    netwerk = with_segments(netwerk)
    vraag_koppeling = snap_to_edges(netwerk, vraagpunten.geometry, max_snap_m=MAX_SNAP_M)
    bereik = compute_bereikbaarheid(
        vraagpunten,
        voorzieningen,
        netwerk,
        gemeente.normen,
        categorieen=gekozen,
        vraag_koppeling=vraag_koppeling,
    )
    per_buurt = aggregate_bereikbaarheid(bereik, vraagpunten, groep="buurtcode")
    wijkcode = vraagpunten["buurtcode"].map(gemeente.buurten["wijkcode"])
    per_wijk = aggregate_bereikbaarheid(bereik, vraagpunten, groep=wijkcode.rename("wijkcode"))
    categorieen_ = load_catalogus().categorieen
    hiaten = compute_hiaten(
        bereik,
        vraagpunten,
        gemeente.buurten,
        wijklaag,
        voorzieningen,
        gemeente.normen,
        categorieen_,
        gezondheid=gemeente.gezondheid,
        per_buurt=per_buurt,
    )
    gekozen_buurten = gemeente.buurten.index[gemeente.buurten["wijkcode"].isin(wijklaag.index)]
    # the same layers and per-buurt sums for every level; only the areas differ
    gap_table = partial(
        compute_gap_table,
        bereik,
        vraagpunten,
        gemeente.buurten,
        voorzieningen,
        gemeente.normen,
        categorieen_,
        gezondheid=gemeente.gezondheid,
        per_buurt=per_buurt,
    )
    hiaten_buurt = gap_table(
        {b: [b] for b in gekozen_buurten},
        namen=gemeente.buurten["buurtnaam"].to_dict(),
        sleutel="buurtcode",
        naamkolom="buurtnaam",
    )
    hiaten_gebied = (
        gap_table(
            {naam: list(g.buurten) for naam, g in gemeente.gebieden.items()},
            sleutel="gebied",
            naamkolom="soort",
            namen={naam: g.soort for naam, g in gemeente.gebieden.items()},
        )
        if gemeente.gebieden
        else None
    )
    # the buurt of every facility and accommodation, for products that list them per area
    boom = buurt_tree(gemeente.buurten)
    accommodaties = gemeente.accommodaties
    return Analyse(
        gemeente,
        netwerk,
        bereik,
        per_buurt,
        per_wijk,
        hiaten,
        hiaten_buurt,
        hiaten_gebied,
        voorzieningen=voorzieningen,
        voorziening_buurt=buurtcodes(voorzieningen.geometry, gemeente.buurten, boom),
        accommodatie_buurt=(
            buurtcodes(accommodaties.geometry.representative_point(), gemeente.buurten, boom)
            if accommodaties is not None
            else None
        ),
        groen=compute_groen(gemeente),
        cache={"vraag_koppeling": vraag_koppeling},
    )
