"""Trend lines in the report's profile section: how the wijken of the gebied changed over the
years (CBS key figures, every year in the current buurt boundaries).

The report draws what :func:`gebiedsplan.analyse.trend.rapport_trends` (per indicator
:func:`~gebiedsplan.analyse.trend.compute_trend`) returned, computed by the caller: a small
line chart per indicator (inline SVG drawn by the template, one line per wijk; a year whose
figure was carried from an older indeling is an open dot, "herschat na grenswijziging") and one
compact table (years as columns, the change and its direction; a re-estimated figure has a *).
Without trends (no layer ``kerncijfers_jaren``, or one year only) one line says so.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from gebiedsplan.catalogus import kolom_info
from gebiedsplan.errors import GebiedsplanError
from gebiedsplan.gemeente import Gemeente
from gebiedsplan.kaarten.trend import HERSCHAT_KLEUR
from gebiedsplan.rapport.delen import LEEG, Sectie, Tabel, getal, kort

__all__ = ["Trendgrafiek", "add_trend", "make_trendgrafiek"]

#: Line colours of the wijken in a chart, in order (the first as in the trend chart of
#: :mod:`gebiedsplan.kaarten.trend`).
WIJK_KLEUREN = ("#1f4e79", "#e08214", "#4d9221", "#8073ac", "#b2182b", "#35978f")
#: Size of a chart in SVG units (the width of half an A4 column) and its margins.
BREEDTE, HOOGTE = 320.0, 150.0
_LINKS, _RECHTS, _BOVEN, _ONDER = 46.0, 10.0, 8.0, 20.0
#: The mark of a re-estimated figure in the table.
HERSCHAT_TEKEN = "*"


@dataclass(frozen=True)
class Trendgrafiek:
    """A line chart as the template draws it (inline SVG; every text escaped there)."""

    id: str
    titel: str
    viewbox: str
    #: one per wijk: ``punten`` ("x,y x,y ..."), ``kleur``, ``titel``
    lijnen: Sequence[Mapping[str, str]]
    #: one per figure: ``x``, ``y``, ``kleur``, ``titel``, ``herschat`` ("ja"/"nee")
    punten: Sequence[Mapping[str, str]]
    #: grid lines and labels of the y axis: ``y``, ``tekst``
    yas: Sequence[Mapping[str, str]]
    #: labels of the x axis: ``x``, ``tekst``
    xas: Sequence[Mapping[str, str]]
    #: (colour, wijk) per line
    legenda: Sequence[tuple[str, str]]
    links: str = str(_LINKS)
    rechts: str = str(BREEDTE - _RECHTS)
    onder: str = str(HOOGTE - _ONDER)
    #: stroke of the open dot of a re-estimated figure (as in the trend chart)
    herschat_kleur: str = HERSCHAT_KLEUR


def _stap(span: float) -> float:
    """A round step (1, 2, 2,5 or 5 x 10^n) that puts about three lines on ``span``."""
    ruw = span / 3
    macht = 10 ** math.floor(math.log10(ruw))
    return next(f * macht for f in (1, 2, 2.5, 5, 10) if f * macht >= ruw)


def _decimalen(tabel: pd.DataFrame) -> int:
    return 1 if tabel.attrs.get("soort") == "gemiddelde" else 0


def make_trendgrafiek(tabel: pd.DataFrame, *, id_: str) -> Trendgrafiek:
    """A line chart of a trend table (:func:`gebiedsplan.analyse.trend.compute_trend`): one line
    per row, re-estimated years as open dots. The y axis fits the figures (it need not start at
    0); the table beside it has the numbers.

    Examples
    --------
    >>> import gebiedsplan as gp
    >>> from gebiedsplan.analyse.trend import compute_trend
    >>> t = compute_trend(gp.demo_gemeente(), "aantal_inwoners", wijken=["WK999901"])
    >>> g = make_trendgrafiek(t, id_="trend-aantal_inwoners")
    >>> [p["herschat"] for p in g.punten]
    ['ja', 'ja', 'ja', 'nee', 'nee', 'nee']
    >>> [x["tekst"] for x in g.xas][:2]
    ['2019', '2020']
    """
    jaren = list(tabel.attrs["jaren"])
    herschat = tabel.attrs["herschat"]
    waarden = tabel[jaren].astype(float)
    decimalen = _decimalen(tabel)
    geldig = waarden.to_numpy()[np.isfinite(waarden.to_numpy())]
    laag, hoog = (float(geldig.min()), float(geldig.max())) if geldig.size else (0.0, 1.0)
    if hoog - laag < 1e-9:
        laag, hoog = laag - max(abs(laag) * 0.05, 1.0), hoog + max(abs(hoog) * 0.05, 1.0)
    stap = _stap(hoog - laag)
    onder_as, boven_as = math.floor(laag / stap) * stap, math.ceil(hoog / stap) * stap
    breed = BREEDTE - _LINKS - _RECHTS
    hoogte = HOOGTE - _BOVEN - _ONDER

    def x(i: int) -> float:
        return _LINKS + (breed * i / (len(jaren) - 1) if len(jaren) > 1 else breed / 2)

    def y(v: float) -> float:
        return _BOVEN + hoogte * (boven_as - v) / (boven_as - onder_as)

    yas = [
        {"y": f"{y(v):.1f}", "tekst": kort(round(v, 2))}
        for v in np.arange(onder_as, boven_as + stap / 2, stap)
    ]
    xas = [{"x": f"{x(i):.1f}", "tekst": jaar} for i, jaar in enumerate(jaren)]
    label = str(tabel.attrs.get("label", tabel.attrs.get("indicator", "")))
    lijnen, punten, legenda = [], [], []
    for n, (code, rij) in enumerate(waarden.iterrows()):
        kleur = WIJK_KLEUREN[n % len(WIJK_KLEUREN)]
        naam = f"{tabel.at[code, 'naam']!s} ({code!s})"
        stukken = [(i, float(v)) for i, v in enumerate(rij) if pd.notna(v)]
        lijnen.append(
            {
                "punten": " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in stukken),
                "kleur": kleur,
                "titel": naam,
            }
        )
        for i, v in stukken:
            geschat = bool(herschat.loc[code, jaren[i]]) if code in herschat.index else False
            punten.append(
                {
                    "x": f"{x(i):.1f}",
                    "y": f"{y(v):.1f}",
                    "kleur": kleur,
                    "titel": f"{naam}, {jaren[i]}: {getal(v, decimalen)}"
                    + (" (herschat na grenswijziging)" if geschat else ""),
                    "herschat": "ja" if geschat else "nee",
                }
            )
        legenda.append((kleur, naam))
    return Trendgrafiek(
        id=id_,
        titel=f"{label}, {jaren[0]}-{jaren[-1]}" if len(jaren) > 1 else label,
        viewbox=f"0 0 {BREEDTE:.0f} {HOOGTE:.0f}",
        lijnen=lijnen,
        punten=punten,
        yas=yas,
        xas=xas,
        legenda=legenda,
    )


def _check(trends: Mapping[str, pd.DataFrame]) -> None:
    fout = [
        str(naam)
        for naam, tabel in trends.items()
        if not isinstance(tabel, pd.DataFrame)
        or not {"jaren", "herschat"} <= set(tabel.attrs)
        or "naam" not in tabel.columns
    ]
    if fout:
        raise GebiedsplanError(
            f"Trends voor het rapport: {', '.join(fout)} is geen trendtabel; geef de uitkomst "
            "van rapport_trends(gemeente, gebied) (gebiedsplan.analyse.trend) of compute_trend."
        )


def _kop(kolom: str, standaard: str) -> str:
    info = kolom_info(kolom, context="trend")
    return info.kop if info is not None else standaard


def _verandering(rij: pd.Series, decimalen: int) -> str:
    if pd.isna(rij["verandering"]):
        return LEEG
    teken = "+" if rij["verandering"] > 0 else ""
    tekst = f"{teken}{getal(rij['verandering'], decimalen)}"
    if pd.notna(rij["verandering_pct"]):
        pteken = "+" if rij["verandering_pct"] > 0 else ""
        tekst += f" ({pteken}{getal(rij['verandering_pct'], 1)}%)"
    return tekst


def add_trend(
    sectie: Sectie,
    trends: Mapping[str, pd.DataFrame],
    gemeente: Gemeente,
    *,
    gebied: str,
) -> None:
    """Add the trend lines of the wijken of ``gebied`` to the profile section: a chart per
    indicator with at least two years and one table of all; without trends one line that says
    why (no layer ``kerncijfers_jaren``, no figures of these indicators, or one year only).

    Parameters
    ----------
    sectie
        The profile section (:func:`gebiedsplan.rapport.profiel.profile_section`).
    trends
        ``{indicator: trend table}`` of :func:`gebiedsplan.analyse.trend.rapport_trends`.
    gemeente
        The gemeente (its ``kerncijfers_jaren`` says why there is no trend).
    gebied
        Name of the gebied, for the text.

    Raises
    ------
    GebiedsplanError
        A value of ``trends`` that is no trend table.

    Examples
    --------
    >>> import gebiedsplan as gp
    >>> from gebiedsplan.analyse.trend import rapport_trends
    >>> g = gp.demo_gemeente()
    >>> s = Sectie("profiel", "Profiel")
    >>> add_trend(s, rapport_trends(g, "Pilot Noord"), g, gebied="Pilot Noord")
    >>> [soort for soort, _ in s.blokken]
    ['kop', 'tekst', 'trendgrafieken', 'tekst', 'tabel']
    """
    _check(trends)
    sectie.kop("Ontwikkeling over de jaren")
    kern = gemeente.kerncijfers_jaren
    if not trends:
        if kern is None or kern.empty:
            sectie.tekst(
                f"Geen trendlijnen: de laagopslag van {gemeente.titel} heeft geen kerncijfers van "
                "meer jaren (laag kerncijfers_jaren); de cijfers hierboven zijn van één jaar."
            )
        else:
            sectie.tekst(
                "Geen trendlijnen: laag kerncijfers_jaren heeft geen cijfers van inwoners, 65+, "
                "huishoudens of inkomen (lagen/catalogus/trend.yml, lijst rapport)."
            )
        return
    met_lijn = {n: t for n, t in trends.items() if len(t.attrs["jaren"]) >= 2 and not t.empty}
    if not met_lijn:
        jaren = sorted({j for t in trends.values() for j in t.attrs["jaren"]})
        sectie.tekst(
            f"Geen trendlijnen: laag kerncijfers_jaren heeft alleen cijfers van "
            f"{', '.join(jaren) or 'geen enkel jaar'}; een trend vraagt minstens twee jaren."
        )
        return
    eerste = next(iter(met_lijn.values()))
    jaren = list(eerste.attrs["jaren"])
    wijken = [f"{eerste.at[c, 'naam']!s} ({c!s})" for c in eerste.index]
    sectie.tekst(
        f"Hoe de {'wijk' if len(wijken) == 1 else 'wijken'} waarin {gebied} ligt "
        f"({', '.join(wijken)}) zich ontwikkelde{'n' if len(wijken) > 1 else ''} van "
        f"{jaren[0]} tot {jaren[-1]}: CBS-kerncijfers, elk jaar in de huidige buurtgrenzen. "
        "Een wijk telt helemaal mee, ook als het gebied er een deel van is. De as van een "
        "grafiek begint niet bij nul; de tabel eronder geeft de cijfers."
    )
    sectie.blokken.append(
        (
            "trendgrafieken",
            [make_trendgrafiek(t, id_=f"trend-{n}") for n, t in met_lijn.items()],
        )
    )
    herschat = sorted(
        {
            (str(t.at[c, "naam"]), str(c), str(t.at[c, "herschat_jaren"]))
            for t in met_lijn.values()
            for c in t.index
            if t.at[c, "herschat_jaren"]
        }
    )
    if herschat:
        sectie.tekst(
            "Open rondje en * in de tabel: herschat na grenswijziging. Het cijfer komt uit een "
            "oudere CBS-buurtindeling en is naar de huidige buurten omgerekend naar waar de "
            "inwoners wonen (adressen): een schatting, geen CBS-cijfer. Herschat: "
            + "; ".join(f"{naam} ({code}) {wanneer}" for naam, code, wanneer in herschat)
            + "."
        )
    else:
        sectie.tekst("Geen grenswijzigingen in deze wijken: alle cijfers zijn van CBS zelf.")
    alle_jaren = sorted({j for t in met_lijn.values() for j in t.attrs["jaren"]})
    rijen, sleutels = [], []
    for naam, tabel in met_lijn.items():
        decimalen = _decimalen(tabel)
        label = str(tabel.attrs.get("label", naam))
        geschat = tabel.attrs["herschat"]
        for code, rij in tabel.iterrows():
            cellen = [label, f"{rij['naam']} ({code})"]
            for jaar in alle_jaren:
                waarde = rij.get(jaar, np.nan)
                merk = jaar in geschat.columns and code in geschat.index and geschat.at[code, jaar]
                cellen.append(
                    getal(waarde, decimalen) + (HERSCHAT_TEKEN if merk and pd.notna(waarde) else "")
                )
            cellen += [_verandering(rij, decimalen), str(rij["richting"])]
            rijen.append(cellen)
            sleutels.append(f"{naam}:{code}")
    sectie.tabel(
        Tabel(
            "tabel-trend",
            [
                "Kenmerk",
                "Wijk",
                *alle_jaren,
                _kop("verandering", "Verandering"),
                _kop("richting", "Richting"),
            ],
            rijen,
            frozenset(range(2, 3 + len(alle_jaren))),
            sleutels,
            onderschrift=(
                f"Per wijk, {alle_jaren[0]}-{alle_jaren[-1]}; verandering van het eerste tot het "
                f"laatste jaar. {HERSCHAT_TEKEN} herschat na grenswijziging."
            ),
        )
    )
