"""The trend products: the chart of small multiples (one line per wijk or buurt over the
years, :func:`draw_trend`, :func:`save_trend`) and the map "Verandering sinds ..." (the change
per wijk or buurt since a chosen year, :func:`make_verandering_kaart`).

Both draw a table of :func:`gebiedsplan.analyse.trend.compute_trend` as it is. The chart: one
panel per area, the years whose figure was carried from an older indeling (a boundary change)
marked with an open dot and named in the legend. The map: a diverging colour scale centred on
0 (orange: down, purple: up, the classes from the data, grey: no figures), switchable between
the change in % and in absolute numbers, and a tooltip with both years' figures, the change
and "herschat" on a figure carried from an older indeling.
"""

from __future__ import annotations

import logging
import math
from pathlib import Path
from typing import cast

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter, MaxNLocator

from gebiedsplan._io import atomic_batch, atomic_path
from gebiedsplan._tekst import getal
from gebiedsplan.errors import GebiedsplanError
from gebiedsplan.gemeente import Gemeente
from gebiedsplan.kaarten.opbouw import add_choropleet, bounds_wgs84, finish_kaart, start_kaart
from gebiedsplan.kaarten.pagina import legenda_html
from gebiedsplan.publiceren.opmaak import GEEN_WAARDE_KLEUR
from gebiedsplan.publiceren.pagina import escape_tekst
from gebiedsplan.publiceren.profiel import Publicatieprofiel

log = logging.getLogger(__name__)

LIJN_KLEUR = "#1f4e79"
HERSCHAT_KLEUR = "#c0504d"


def draw_trend(tabel: pd.DataFrame, *, titel: str, onderschrift: str | None = None) -> Figure:
    """Small multiples of a trend table: one panel per row, re-estimated years as open dots.

    Every panel has its own y axis, so the course of a small wijk shows beside a large one.

    Parameters
    ----------
    tabel
        :func:`gebiedsplan.analyse.trend.compute_trend` (its ``attrs`` name the years and the
        re-estimated cells).
    titel
        Dutch title above the panels.
    onderschrift
        A second title line, e.g. the warning that the data is synthetic.

    Examples
    --------
    >>> import gebiedsplan as gp
    >>> from gebiedsplan.analyse.trend import compute_trend
    >>> fig = draw_trend(compute_trend(gp.demo_gemeente(), "aantal_inwoners"), titel="Inwoners")
    >>> len(fig.axes)
    6
    """
    jaren = list(tabel.attrs.get("jaren") or [])
    if not jaren or tabel.empty:
        raise GebiedsplanError("De trendtabel is leeg: geen gebieden of geen jaren om te tekenen.")
    herschat = tabel.attrs.get("herschat")
    n = len(tabel)
    kolommen = min(3, n)
    rijen = math.ceil(n / kolommen)
    fig = Figure(figsize=(3.4 * kolommen, 2.5 * rijen + 0.9), layout="constrained")
    FigureCanvasAgg(fig)
    # every panel its own y axis: the course of each area shows, so read the numbers
    assen = fig.subplots(rijen, kolommen, squeeze=False).ravel()
    x = [int(j) for j in jaren]
    waarden = tabel[jaren].astype(float)
    for as_, (code, rij) in zip(assen, waarden.iterrows(), strict=False):
        as_.plot(x, rij.to_numpy(), color=LIJN_KLEUR, marker="o", markersize=4, linewidth=1.6)
        if herschat is not None and code in herschat.index:
            mask = herschat.loc[code, jaren].to_numpy(dtype=bool)
            as_.plot(
                [j for j, m in zip(x, mask, strict=True) if m],
                rij.to_numpy()[mask],
                linestyle="none",
                marker="o",
                markersize=7,
                markerfacecolor="white",
                markeredgecolor=HERSCHAT_KLEUR,
                markeredgewidth=1.5,
            )
        as_.set_title(f"{tabel.at[code, 'naam']!s} ({code!s})", fontsize=9)
        as_.set_xticks(x, [str(j) for j in x], fontsize=7)
        as_.tick_params(axis="y", labelsize=7)
        if tabel.attrs.get("soort") == "aantal":  # whole numbers: no tick label twice
            as_.yaxis.set_major_locator(MaxNLocator(integer=True))
        as_.yaxis.set_major_formatter(FuncFormatter(lambda v, _: getal(v)))
        as_.grid(True, color="#dddddd", linewidth=0.6)
    for as_ in assen[n:]:
        as_.set_visible(False)
    fig.suptitle(f"{titel}\n{onderschrift}" if onderschrift else titel, fontsize=11)
    fig.legend(
        handles=[
            Line2D([], [], color=LIJN_KLEUR, marker="o", markersize=4, label="cijfer van dat jaar"),
            Line2D(
                [],
                [],
                linestyle="none",
                marker="o",
                markerfacecolor="white",
                markeredgecolor=HERSCHAT_KLEUR,
                label="herschat naar de huidige buurtgrenzen (grenswijziging)",
            ),
        ],
        loc="outside lower center",
        ncols=2,
        fontsize=8,
        frameon=False,
    )
    return fig


def save_trend(
    tabel: pd.DataFrame,
    map_: str | Path,
    *,
    naam: str,
    titel: str,
    onderschrift: str | None = None,
) -> dict[str, Path]:
    """Write the trend chart as ``<naam>.svg`` and ``<naam>.png`` into ``map_``, both or none.

    Examples
    --------
    >>> import tempfile, gebiedsplan as gp
    >>> from gebiedsplan.analyse.trend import compute_trend
    >>> t = compute_trend(gp.demo_gemeente(), "aantal_inwoners")
    >>> sorted(save_trend(t, tempfile.mkdtemp(), naam="trend", titel="Inwoners"))
    ['png', 'svg']
    """
    map_ = Path(map_)
    fig = draw_trend(tabel, titel=titel, onderschrift=onderschrift)
    paden = {"svg": map_ / f"{naam}.svg", "png": map_ / f"{naam}.png"}
    with atomic_batch():
        for formaat, pad in paden.items():
            with atomic_path(pad) as tmp, open(tmp, "wb") as f:
                fig.savefig(
                    f,
                    format=formaat,
                    dpi=150,
                    metadata={"Creator": "gebiedsplan"}
                    if formaat == "svg"
                    else {"Software": "gebiedsplan"},
                )
    log.info("Trendgrafiek geschreven: %s", ", ".join(str(p) for p in paden.values()))
    return paden


# --- the map "Verandering sinds ..." -------------------------------------------------------------

#: Diverging colours of a change, from a strong fall to a strong rise (ColorBrewer PuOr): orange
#: down, purple up, near-white "gelijk". Neither side reads as good or bad.
VERANDERING_KLEUREN = ["#b35806", "#f1a340", "#fee0b6", "#f7f7f7", "#d8daeb", "#998ec3", "#542788"]
#: The layers a change map speaks of (its sources panel, attribution and warning).
VERANDERING_LAGEN = ("wijken", "buurten", "kerncijfers_jaren", "buurten_indeling", "vraagpunten")
#: The attrs of a trend table the map needs (:func:`gebiedsplan.analyse.trend.compute_trend`).
_TREND_ATTRS = ("jaren", "sinds", "niveau", "label", "soort", "herschat")


def verandering_stap(maximum: float, *, gelijk: float) -> float:
    """The class width of a change map: a round number (1, 2, 2,5 or 5 x 10^k) of at least a
    third of the largest change (three classes each side cover the data) and more than the
    band ``gelijk`` around 0.

    Examples
    --------
    >>> verandering_stap(575, gelijk=0.5), verandering_stap(7.0, gelijk=0.5)
    (200.0, 2.5)
    >>> verandering_stap(0.3, gelijk=0.05), verandering_stap(0.0, gelijk=0.5)
    (0.1, 1.0)
    """
    doel = max(float(maximum) / 3 if np.isfinite(maximum) else 0.0, 2 * gelijk)
    macht = 10.0 ** math.floor(math.log10(doel))
    return float(next(round(f * macht, 12) for f in (1, 2, 2.5, 5, 10) if f * macht >= doel))


def _decimalen(waarde: float) -> int:
    """The decimals that show a class bound exactly (at most 3)."""
    return next((d for d in range(4) if round(waarde, d) == round(waarde, 6)), 3)


def verandering_klassen(
    stap: float, *, gelijk: float, eenheid: str = "", gelijk_tekst: str | None = None
) -> list[tuple[str, str]]:
    """The legend of a change map, from the largest rise to the largest fall: (colour, Dutch
    text) of :data:`VERANDERING_KLEUREN`, then "geen gegevens". ``gelijk_tekst`` names the
    middle class (default "gelijk (minder dan <gelijk>)").

    Examples
    --------
    >>> [t for _, t in verandering_klassen(2.5, gelijk=0.5, eenheid="%")][:4]
    ['+5% of meer', '+2,5% tot +5%', 'tot +2,5%', 'gelijk (minder dan 0,5%)']
    """

    def t(x: float) -> str:
        return f"{getal(x, _decimalen(x))}{eenheid}"

    k = VERANDERING_KLEUREN
    return [
        (k[6], f"+{t(2 * stap)} of meer"),
        (k[5], f"+{t(stap)} tot +{t(2 * stap)}"),
        (k[4], f"tot +{t(stap)}"),
        (k[3], gelijk_tekst or f"gelijk (minder dan {t(gelijk)})"),
        (k[2], f"tot -{t(stap)}"),
        (k[1], f"-{t(stap)} tot -{t(2 * stap)}"),
        (k[0], f"-{t(2 * stap)} of meer"),
        (GEEN_WAARDE_KLEUR, "geen gegevens"),
    ]


def verandering_kleur(waarde: float, stap: float, *, gelijk: float) -> str:
    """The colour of a change: "gelijk" when smaller than ``gelijk`` either way (as the trend
    table's ``richting``), else one of three classes of width ``stap`` on its side; grey when
    missing.

    Examples
    --------
    >>> verandering_kleur(0.4, 2.5, gelijk=0.5) == VERANDERING_KLEUREN[3]
    True
    >>> verandering_kleur(-6.0, 2.5, gelijk=0.5) == VERANDERING_KLEUREN[0]
    True
    >>> verandering_kleur(float("nan"), 2.5, gelijk=0.5) == GEEN_WAARDE_KLEUR
    True
    """
    if waarde is None or pd.isna(waarde):
        return GEEN_WAARDE_KLEUR
    grootte = abs(float(waarde))
    if grootte < gelijk:
        return VERANDERING_KLEUREN[3]
    stappen = 1 if grootte < stap else 2 if grootte < 2 * stap else 3
    return VERANDERING_KLEUREN[3 + stappen if waarde > 0 else 3 - stappen]


def met_teken(waarde: float, decimalen: int, eenheid: str = "") -> str:
    """A change as Dutch text with its sign (``+456``, ``-3,5%``, ``0``); "geen gegevens"
    when missing. The map's tooltips and the trend command's table use it.

    Examples
    --------
    >>> met_teken(456.0, 0), met_teken(-3.5, 1, "%"), met_teken(0.2, 0), met_teken(float("nan"), 0)
    ('+456', '-3,5%', '0', 'geen gegevens')
    """
    if pd.isna(waarde):
        return "geen gegevens"
    tekst = getal(waarde, decimalen)
    return f"{'+' if tekst not in ('0', '0,0') and waarde > 0 else ''}{tekst}{eenheid}"


def make_verandering_kaart(
    gemeente: Gemeente,
    trend: pd.DataFrame,
    *,
    titel: str | None = None,
    profiel: Publicatieprofiel | None = None,
) -> folium.Map:
    """Map of the change of one indicator per wijk or buurt since a year ("Verandering sinds
    2019: Inwoners per wijk"): two switchable layers, the change in % of the first year and in
    absolute numbers, each coloured on a diverging scale centred on 0 (:func:`verandering_kleur`,
    classes from the data: :func:`verandering_stap`), areas without both figures grey ("geen
    gegevens"). The tooltip gives the name, both years' figures (marked "herschat" when carried
    from an older indeling, a boundary change), the change and its direction.

    Parameters
    ----------
    gemeente
        The gemeente of the trend.
    trend
        :func:`gebiedsplan.analyse.trend.compute_trend` as it is (its ``attrs`` name the years,
        ``sinds``, the level and the re-estimated cells; its ``verandering`` columns run from
        ``sinds`` to the last year).
    titel
        Map title; default "Verandering sinds <sinds>: <label> per <niveau>".
    profiel
        Publishing profile.

    Raises
    ------
    GebiedsplanError
        When ``trend`` is not a trend table, is empty, has one year only, or names areas the
        gemeente lacks.

    Examples
    --------
    >>> import gebiedsplan as gp
    >>> from gebiedsplan.analyse.trend import compute_trend
    >>> g = gp.demo_gemeente()
    >>> kaart = make_verandering_kaart(g, compute_trend(g, "aantal_inwoners", sinds=2019))
    >>> "Verandering sinds 2019: Inwoners per wijk" in kaart.get_root().render()
    True
    """
    ontbreekt = [a for a in _TREND_ATTRS if a not in trend.attrs]
    kolommen = {"naam", "verandering", "verandering_pct", "richting"}
    if ontbreekt or (kolommen - set(trend.columns)):
        raise GebiedsplanError(
            "De veranderingskaart vraagt een trendtabel zoals compute_trend(...) hem geeft; "
            f"deze mist {', '.join([*ontbreekt, *sorted(kolommen - set(trend.columns))])}."
        )
    if trend.empty:
        raise GebiedsplanError("De trendtabel is leeg: geen gebieden om op de kaart te zetten.")
    jaren = [str(j) for j in trend.attrs["jaren"]]
    sinds, laatste = str(trend.attrs["sinds"]), jaren[-1]
    if sinds == laatste:
        raise GebiedsplanError(
            f"Geen veranderingskaart: de cijfers van {trend.attrs['label']} hebben alleen "
            f"{laatste} (laag kerncijfers_jaren); een verandering vraagt een tweede jaar. "
            "Importeer een ouder jaar (gebiedsplan importeer --jaar ... --grenzen ...)."
        )
    niveau = str(trend.attrs["niveau"])
    label = str(trend.attrs["label"])
    vlakken = gemeente.wijken if niveau == "wijk" else gemeente.buurten
    onbekend = [str(c) for c in trend.index if c not in vlakken.index]
    if onbekend:
        raise GebiedsplanError(
            f"De trendtabel noemt {niveau}en die {gemeente.titel} niet heeft "
            f"({', '.join(onbekend[:5])}); maak de trend opnieuw met compute_trend op deze "
            "gemeente."
        )
    decimalen = 0 if trend.attrs["soort"] == "aantal" else 1
    drempel = float(trend.attrs.get("drempel_pct", 0.5))
    gelijk_abs = 0.5 * 10.0**-decimalen  # rounds to no change
    # an indicator in % (health: "Eenzaam (% 65+)") changes in percentage points, which show
    # first; a % of a % would confuse
    punten = "%" in label
    herschat = trend.attrs["herschat"]
    telling = trend.attrs.get("laag") == "voorzieningen_jaren"  # counted snapshots: exact
    opbouw = start_kaart(
        gemeente,
        titel=titel or f"Verandering sinds {sinds}: {label} per {niveau}",
        ondertitel=(
            f"{label} per {niveau}: {laatste} min {sinds}, "
            f"{'in procentpunten en in %' if punten else 'in % en absoluut'}. "
            + (
                "Momentopnamen van de voorzieningen, geteld in de huidige buurten."
                if telling
                else "Alle jaren in de huidige buurtgrenzen; 'herschat': een cijfer uit een "
                "oudere buurtindeling, naar de adressen in de huidige buurten gebracht."
            )
        ),
        soort="verandering",
        grenzen=bounds_wgs84(vlakken.geometry.loc[list(trend.index)]),
        profiel=profiel,
        lagen=[n for n in VERANDERING_LAGEN if n in gemeente.herkomst],
    )

    def cijfer(code: object, jaar: str) -> str:
        waarde = float(cast(float, trend.at[code, jaar]))
        if pd.isna(waarde):
            return "geen gegevens"
        tekst = getal(waarde, decimalen)
        if code in herschat.index and jaar in herschat.columns and herschat.at[code, jaar]:
            tekst += " (herschat: grenswijziging)"
        return tekst

    pct = trend["verandering_pct"].astype(float)
    absoluut = trend["verandering"].astype(float)
    gebied = "Wijk" if niveau == "wijk" else "Buurt"
    frame_basis = {
        "naam": [escape_tekst(n) for n in trend["naam"].fillna("")],
        "code": [escape_tekst(c) for c in trend.index],
        "begin": [escape_tekst(cijfer(c, sinds)) for c in trend.index],
        "eind": [escape_tekst(cijfer(c, laatste)) for c in trend.index],
        "verandering": [
            "geen gegevens"
            if pd.isna(a)
            else f"{met_teken(a, decimalen, ' %-punt' if punten else '')} ({met_teken(p, 1, '%')})"
            if pd.notna(p)
            else met_teken(a, decimalen, " %-punt" if punten else "")
            for a, p in zip(absoluut, pct, strict=True)
        ],
        "richting": [
            "geen gegevens" if r == "onbekend" else escape_tekst(r) for r in trend["richting"]
        ],
    }
    velden = {
        "naam": gebied,
        "code": f"{gebied}code",
        "begin": f"{label} {sinds}",
        "eind": f"{label} {laatste}",
        "verandering": f"Verandering {sinds}-{laatste}",
        "richting": "Richting",
    }
    uitleg = "oranje: gedaald, paars: gestegen." + (
        ""
        if telling
        else " Herschat: cijfer uit een oudere buurtindeling (grenswijziging), naar de "
        "adressen in de huidige buurten gebracht."
    )
    relatief = ("pct", f"Verandering in % ({sinds}-{laatste})", pct, drempel, "%", None)
    absoluut_laag = (
        "abs",
        f"Verandering in procentpunten ({sinds}-{laatste})"
        if punten
        else f"Verandering absoluut ({sinds}-{laatste})",
        absoluut,
        gelijk_abs,
        " %-punt" if punten else "",
        "geen verandering" if trend.attrs["soort"] == "aantal" else None,
    )
    lagen = (absoluut_laag, relatief) if punten else (relatief, absoluut_laag)
    geometrie = vlakken.geometry.loc[list(trend.index)].to_numpy()
    for i, (sleutel, naam, waarden, gelijk, eenheid, gelijk_tekst) in enumerate(lagen):
        eindig = waarden[np.isfinite(waarden)]
        stap = verandering_stap(float(eindig.abs().max()) if len(eindig) else 0.0, gelijk=gelijk)
        frame = gpd.GeoDataFrame(
            {
                **frame_basis,
                "_kleur": [verandering_kleur(w, stap, gelijk=gelijk) for w in waarden],
            },
            geometry=geometrie,
            crs=vlakken.crs,
        )
        add_choropleet(
            opbouw,
            frame,
            naam=naam,
            velden=velden,
            groep=f"Verandering sinds {sinds}",
            show=i == 0,
            legenda=legenda_html(
                naam,
                verandering_klassen(
                    stap, gelijk=gelijk, eenheid=eenheid, gelijk_tekst=gelijk_tekst
                ),
                id_=f"legenda-verandering-{sleutel}",
                toelichting=uitleg,
            ),
        )
    log.info(
        "Veranderingskaart %s sinds %s: %d %sen, %d zonder cijfers",
        trend.attrs.get("indicator", label),
        sinds,
        len(trend),
        niveau,
        int(absoluut.isna().sum()),
    )
    return finish_kaart(opbouw)
