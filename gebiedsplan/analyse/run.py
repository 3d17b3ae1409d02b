"""One call from a gemeente to its analysis results: network, accessibility, aggregates, gaps,
who was analysed, the completeness of the facility layers, the buurt of every facility and the
green shares."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import geopandas as gpd
import pandas as pd

from gebiedsplan.analyse.bereikbaarheid import aggregate_bereikbaarheid, compute_bereikbaarheid
from gebiedsplan.analyse.capaciteit import compute_toegang
from gebiedsplan.analyse.groen import Groenaandeel, compute_groen
from gebiedsplan.analyse.hiaatsommen import buurt_tree, buurtcodes, need_per_buurt
from gebiedsplan.analyse.hiaten import compute_gap_table, compute_hiaten
from gebiedsplan.analyse.volledigheid import (
    compute_volledigheid,
    layer_status,
    unattached_facilities,
)
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
    #: completeness of the facility layer per category
    #: (:func:`gebiedsplan.analyse.volledigheid.compute_volledigheid`)
    volledigheid: pd.DataFrame | None = None
    #: the facilities too far from the network to take part, by name
    #: (:func:`gebiedsplan.analyse.volledigheid.unattached_facilities`)
    niet_aangesloten: pd.DataFrame | None = None
    #: demand and E2SFCA accessibility of every demand point per category with a capacity norm,
    #: ``vraag_<categorie>`` and ``toegang_<categorie>``
    #: (:func:`gebiedsplan.analyse.capaciteit.compute_toegang`; aligned to ``bereik``): what the
    #: gap tables average into ``toegang_per_1000``
    toegang: pd.DataFrame | None = None
    #: the pins of residents counted per area and category, ``{"wijk"|"buurt"|"gebied": table}``
    #: (:func:`gebiedsplan.analyse.inbreng.compute_signalen`); None without a layer inbreng
    signalen: dict[str, pd.DataFrame] | None = None
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
    """Accessibility per demand point, aggregated per buurt and wijk, the gap tables, the
    completeness of the facility layers, the buurt of every facility and the green shares
    (:func:`gebiedsplan.analyse.groen.compute_groen`).

    Residents who cannot be analysed (too far from the network, on a small disconnected piece
    of it, or outside ``wijken``) are counted apart in every table, never as outside the norm;
    an area with too few analysed residents gets no gap score, with the reason
    (:mod:`gebiedsplan.analyse.hiaten`).

    Parameters
    ----------
    gemeente
        A loaded gemeente with layers ``vraagpunten`` and ``netwerk``.
    categorieen
        Categories to analyse; default all with a norm.
    wijken
        Only the residents of these wijken (wijkcodes), e.g. where the network is complete;
        facilities anywhere in the gemeente still count. The gap tables per wijk and per buurt
        hold only these wijken; a gebied that reaches beyond them counts its other residents
        as not analysed (``bereik`` lists them with ``geanalyseerd`` False). Default all wijken.
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
    >>> analyse.hiaten["dekking"].unique().tolist(), len(analyse.niet_aangesloten)
    (['volledig'], 0)
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
    alle_vraagpunten = vraagpunten = gemeente.vraagpunten
    wijklaag = gemeente.wijken
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
    # target group and need per buurt, once per category for every table
    behoefte = {
        c: need_per_buurt(gemeente.buurten, gemeente.gezondheid, gemeente.normen[c])
        for c in gekozen
    }
    # capacity within reach (E2SFCA) of the analysed points, on the same network and snap
    toegang = compute_toegang(
        vraagpunten,
        voorzieningen,
        netwerk,
        gemeente.normen,
        gemeente.buurten,
        categorieen=gekozen,
        gezondheid=gemeente.gezondheid,
        geanalyseerd=bereik["geanalyseerd"],
        vraag_koppeling=vraag_koppeling,
        behoefte=behoefte,
    )
    if len(vraagpunten) < len(alle_vraagpunten):
        bereik = _outside_selection(bereik, alle_vraagpunten.index)
        toegang = _outside_selection_toegang(toegang, alle_vraagpunten.index)
    vraagpunten = alle_vraagpunten
    per_buurt = aggregate_bereikbaarheid(bereik, vraagpunten, groep="buurtcode")
    wijkcode = vraagpunten["buurtcode"].map(gemeente.buurten["wijkcode"])
    per_wijk = aggregate_bereikbaarheid(bereik, vraagpunten, groep=wijkcode.rename("wijkcode"))
    catalogus = load_catalogus()
    categorieen_ = catalogus.categorieen
    volledigheid = compute_volledigheid(
        voorzieningen, float(vraagpunten["inwoners"].sum()), categorieen=gekozen
    )
    status = layer_status(volledigheid)
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
        volledigheid=status,
        toegang=toegang,
        behoefte=behoefte,
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
        volledigheid=status,
        toegang=toegang,
        behoefte=behoefte,
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
        volledigheid=volledigheid,
        niet_aangesloten=unattached_facilities(
            voorzieningen,
            netwerk,
            categorieen=gekozen,
            max_snap_m=MAX_SNAP_M,
            labels={c: k.label for c, k in categorieen_.items()},
        ),
        toegang=toegang,
        signalen=compute_signalen_niveaus(gemeente),
        cache={"vraag_koppeling": vraag_koppeling},
    )


def compute_signalen_niveaus(gemeente: Gemeente) -> dict[str, pd.DataFrame] | None:
    """The pins of ``gemeente.inbreng`` per wijk, buurt and (with gebieden) gebied
    (:func:`gebiedsplan.analyse.inbreng.compute_signalen`); None without a layer inbreng.

    Examples
    --------
    >>> import gebiedsplan as gp
    >>> signalen = compute_signalen_niveaus(gp.demo_gemeente())  # the demo's wijkavond
    >>> signalen["wijk"].loc[("WK999903", "bibliotheek"), "signalen_mist"]
    np.int64(2)
    """
    from gebiedsplan.analyse.inbreng import compute_signalen

    if gemeente.inbreng is None:
        return None
    niveaus = {
        niveau: compute_signalen(gemeente.inbreng, gemeente.buurten, niveau=niveau)
        for niveau in ("wijk", "buurt")
    }
    if gemeente.gebieden:
        niveaus["gebied"] = compute_signalen(
            gemeente.inbreng, gemeente.buurten, niveau="gebied", gebieden=gemeente.gebieden
        )
    return niveaus


def count_dekking(analyse: Analyse) -> pd.Series:
    """Who the analysis covered, for the whole gemeente: ``inwoners`` (all residents),
    ``geanalyseerd``, and of the others ``los_van_netwerk`` (further than the snap distance
    from the network), ``klein_netwerkdeel`` (on a small disconnected piece of it) and
    ``buiten_selectie`` (outside the wijken chosen with ``run_analyse(wijken=...)``).

    Examples
    --------
    >>> from gebiedsplan.importeren import demo_gemeente
    >>> count_dekking(run_analyse(demo_gemeente())).to_dict()  # doctest: +NORMALIZE_WHITESPACE
    {'inwoners': 51382, 'geanalyseerd': 51382, 'los_van_netwerk': 0, 'klein_netwerkdeel': 0,
     'buiten_selectie': 0}
    """
    per_wijk = analyse.per_wijk
    eerste = per_wijk.index.get_level_values("categorie")[0]
    rijen = per_wijk[per_wijk.index.get_level_values("categorie") == eerste]
    som = {
        "inwoners": int(rijen["inwoners"].sum()),
        "geanalyseerd": int(rijen["inwoners_geanalyseerd"].sum()),
        "los_van_netwerk": int(rijen["inwoners_los_van_netwerk"].sum()),
        "klein_netwerkdeel": int(rijen["inwoners_klein_netwerkdeel"].sum()),
    }
    som["buiten_selectie"] = (
        som["inwoners"] - som["geanalyseerd"] - som["los_van_netwerk"] - som["klein_netwerkdeel"]
    )
    return pd.Series(som, name="inwoners", dtype="int64")


def _outside_selection_toegang(toegang: pd.DataFrame, index: pd.Index) -> pd.DataFrame:
    """``toegang`` of the chosen demand points extended to all of ``index``: the others have
    no demand and no accessibility."""
    uit = toegang.reindex(index)
    vraag = [k for k in uit.columns if k.startswith("vraag_")]
    uit[vraag] = uit[vraag].fillna(0.0)
    return uit


def _outside_selection(bereik: pd.DataFrame, index: pd.Index) -> pd.DataFrame:
    """``bereik`` of the chosen demand points extended to all of ``index``: the others are not
    analysed (not attached, no distances, no counts)."""
    uit = bereik.reindex(index)
    for k in ("los_van_netwerk", "klein_netwerkdeel", "geanalyseerd"):
        uit[k] = uit[k].fillna(False).astype(bool)
    return uit
