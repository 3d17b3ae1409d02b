"""The maps of the report: static gap maps of a gebied as inline SVG (buurten coloured by gap
score on the folium maps' scale, :mod:`gebiedsplan.publiceren.opmaak`; the gebied's outline, the
facilities of one category), static maps of a scenario's change per wijk, and the interactive
folium map as one self-contained HTML document."""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gebiedsplan.errors import GebiedsplanError
from gebiedsplan.gemeente import Gebied, Gemeente
from gebiedsplan.publiceren.opmaak import (
    HIAAT_GRENZEN,
    HIAAT_KLEUREN,
    SCENARIO_KLEUREN,
    klasse,
    scenario_grenzen,
    scenario_klassen,
)
from gebiedsplan.publiceren.pagina import inline_static
from gebiedsplan.rapport.delen import getal

if TYPE_CHECKING:
    from gebiedsplan.analyse.run import Analyse

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Kaartje:
    """A static map as inline SVG: buurten coloured by gap score, the gebied, facilities."""

    titel: str
    viewbox: str
    vlakken: Sequence[Mapping[str, str]]
    gebied: str
    punten: Sequence[Mapping[str, str]]
    straal: str
    #: What the colours show (the SVG's accessible name, before the title).
    beschrijving: str = "Hiaatscore per buurt"
    #: A legend of this map alone (colour, Dutch text); empty: the legend under all maps.
    legenda: Sequence[tuple[str, str]] = ()


def _svg_pad(geometrie: shapely.Geometry, minx: float, maxy: float) -> str:
    delen = []
    for deel in shapely.get_parts(geometrie):
        if deel.geom_type == "MultiPolygon":
            delen.append(_svg_pad(deel, minx, maxy))
            continue
        if deel.geom_type != "Polygon" or deel.is_empty:
            continue
        for ring in (deel.exterior, *deel.interiors):
            xy = np.asarray(ring.coords)[:-1]
            punten = " ".join(f"{x - minx:.0f},{maxy - y:.0f}" for x, y in xy)
            delen.append(f"M{punten}Z")
    return "".join(delen)


def make_kaartje(
    gemeente: Gemeente,
    gebied: Gebied,
    vlak: shapely.Geometry,
    hiaten_buurt: pd.DataFrame,
    voorzieningen: gpd.GeoDataFrame,
    categorie: str,
    label: str,
) -> Kaartje:
    """The static gap map of one category around a gebied: the buurten near ``vlak`` (the
    gebied's buurten together) coloured by their gap score in ``hiaten_buurt``, the outline of
    the gebied, and the facilities of the category (``voorzieningen``: publishable ones)."""
    minx, miny, maxx, maxy = vlak.bounds
    marge = max(0.1 * max(maxx - minx, maxy - miny), 200.0)
    minx, miny, maxx, maxy = minx - marge, miny - marge, maxx + marge, maxy + marge
    span = max(maxx - minx, maxy - miny)
    tolerantie = max(1.0, span / 800)
    kader = shapely.box(minx, miny, maxx, maxy)
    buurten = gemeente.buurten[gemeente.buurten.intersects(kader)]
    deze_rijen = (
        hiaten_buurt.xs(categorie, level="categorie")
        if categorie in hiaten_buurt.index.get_level_values("categorie")
        else pd.DataFrame({"hiaatscore": pd.Series(dtype=float)})
    )
    scores = deze_rijen["hiaatscore"]
    redenen = deze_rijen["reden"] if "reden" in deze_rijen.columns else pd.Series(dtype=object)
    vlakken = []
    for code, rij in buurten.iterrows():
        vorm = shapely.clip_by_rect(rij.geometry.simplify(tolerantie), minx, miny, maxx, maxy)
        d = _svg_pad(vorm, minx, maxy)
        if not d:
            continue
        score = scores.get(code, np.nan)
        reden = redenen.get(code, "")
        tekst = (
            f"{rij['buurtnaam']} ({code}): hiaatscore {getal(score)}"
            if pd.notna(score)
            else f"{rij['buurtnaam']} ({code}): geen hiaatscore ({reden})"
            if isinstance(reden, str) and reden
            else f"{rij['buurtnaam']} ({code}): niet berekend"
        )
        vlakken.append(
            {"d": d, "kleur": klasse(score, HIAAT_GRENZEN, HIAAT_KLEUREN), "titel": tekst}
        )
    punten = []
    deze = voorzieningen[voorzieningen["categorie"] == categorie]
    deze = deze[deze.intersects(kader)]
    for _, v in deze.iterrows():
        punten.append(
            {
                "x": f"{v.geometry.x - minx:.0f}",
                "y": f"{maxy - v.geometry.y:.0f}",
                "titel": str(v["naam"]),
            }
        )
    return Kaartje(
        titel=label,
        viewbox=f"0 0 {maxx - minx:.0f} {maxy - miny:.0f}",
        vlakken=vlakken,
        gebied=_svg_pad(gebied.geometrie.simplify(tolerantie), minx, maxy),
        punten=punten,
        straal=f"{span / 110:.0f}",
    )


#: Static scenario maps: the sum over the categories, and this many categories that change most.
MAX_SCENARIO_KAARTJES = 2


def _verschil_tekst(v: float) -> str:
    n = round(float(v))
    if n == 0:
        return "geen verandering"
    return f"{getal(abs(n))} {'meer' if n > 0 else 'minder'} inwoners buiten de norm"


def _wijk_kaartje(
    gemeente: Gemeente,
    gebied: Gebied,
    kader: tuple[float, float, float, float],
    per_wijk: pd.Series,
    titel: str,
) -> Kaartje:
    grenzen = scenario_grenzen(float(per_wijk.abs().max()) if len(per_wijk) else 1.0)
    minx, miny, maxx, maxy = kader
    span = max(maxx - minx, maxy - miny)
    tolerantie = max(1.0, span / 800)
    wijken = gemeente.wijken[gemeente.wijken.intersects(shapely.box(*kader))]
    vlakken = []
    for code, rij in wijken.iterrows():
        vorm = shapely.clip_by_rect(rij.geometry.simplify(tolerantie), minx, miny, maxx, maxy)
        d = _svg_pad(vorm, minx, maxy)
        if not d:
            continue
        v = float(per_wijk.get(code, 0.0))
        vlakken.append(
            {
                "d": d,
                "kleur": klasse(v, grenzen, SCENARIO_KLEUREN),
                "titel": f"{rij['wijknaam']} ({code}): {_verschil_tekst(v)}",
            }
        )
    return Kaartje(
        titel=titel,
        viewbox=f"0 0 {maxx - minx:.0f} {maxy - miny:.0f}",
        vlakken=vlakken,
        gebied=_svg_pad(gebied.geometrie.simplify(tolerantie), minx, maxy),
        punten=[],
        straal="0",
        beschrijving="Verschil in inwoners buiten de norm per wijk",
        legenda=scenario_klassen(grenzen),
    )


def make_scenario_kaartjes(
    gemeente: Gemeente,
    gebied: Gebied,
    verschil: pd.DataFrame,
    *,
    verborgen: frozenset[str] | set[str] = frozenset(),
) -> list[Kaartje]:
    """Static maps of what a scenario changes per wijk: the residents outside the norm,
    scenario minus now, summed over the categories (a resident counts once per category), and
    for the :data:`MAX_SCENARIO_KAARTJES` categories that change most; each with the legend
    (colour, Dutch text) of its own scale (:func:`gebiedsplan.publiceren.opmaak.scenario_grenzen`:
    red = more residents outside the norm, blue = fewer). The frame holds the wijken that
    change and the gebied.

    ``verschil`` is ``compare_scenario(...).verschil`` (index ``wijkcode``, ``categorie``;
    column ``inwoners_buiten_norm_verschil``); categories in ``verborgen`` are left out. No
    change at all: no maps.

    Raises
    ------
    GebiedsplanError
        When ``verschil`` lacks the index levels or the column.

    Examples
    --------
    >>> from gebiedsplan import demo_gemeente, run_analyse
    >>> from gebiedsplan.analyse.scenario import compare_scenario, load_scenario
    >>> g = demo_gemeente()
    >>> r = compare_scenario(run_analyse(g),
    ...     load_scenario("wijken/scenarios/demo_havenkwartier.yml", g))
    >>> kaartjes = make_scenario_kaartjes(g, g.gebieden["Havenkwartier"], r.verschil)
    >>> kaartjes[0].titel, kaartjes[0].legenda[3][1]
    ('Alle voorzieningen samen', 'geen verandering')
    """
    kolom = "inwoners_buiten_norm_verschil"
    if kolom not in verschil.columns or list(verschil.index.names) != ["wijkcode", "categorie"]:
        raise GebiedsplanError(
            f"Scenariokaart voor het rapport: verschil heeft index (wijkcode, categorie) en "
            f"kolom {kolom} nodig, kreeg index {list(verschil.index.names)} en kolommen "
            f"{', '.join(map(str, verschil.columns[:8]))}; geef compare_scenario(...).verschil"
        )
    cat = verschil.index.get_level_values("categorie")
    waarden = verschil.loc[~cat.isin(list(verborgen)), kolom].astype(float).fillna(0.0)
    if waarden.empty or not (waarden.round() != 0).any():
        return []
    labels = (
        verschil["categorie_label"].groupby(level="categorie").first()
        if "categorie_label" in verschil.columns
        else pd.Series(dtype=object)
    )
    per_categorie = waarden.abs().groupby(level="categorie").sum().sort_values(ascending=False)
    reeksen = [("Alle voorzieningen samen", waarden.groupby(level="wijkcode").sum())]
    for c in per_categorie[per_categorie >= 0.5].index[:MAX_SCENARIO_KAARTJES]:
        reeksen.append((str(labels.get(c, c)), waarden.xs(c, level="categorie")))
    gewijzigd = [c for _, r in reeksen for c in r.index[r.round() != 0]]
    vlak = shapely.union_all(
        [gebied.geometrie, *gemeente.wijken.geometry[gemeente.wijken.index.isin(gewijzigd)]]
    )
    minx, miny, maxx, maxy = vlak.bounds
    marge = max(0.05 * max(maxx - minx, maxy - miny), 200.0)
    kader = (minx - marge, miny - marge, maxx + marge, maxy + marge)
    return [_wijk_kaartje(gemeente, gebied, kader, r, t) for t, r in reeksen]


def interactive_map(gemeente: Gemeente, analyse: Analyse, gebied: Gebied) -> str:
    """The folium map of the gemeente, opening on the gebied, as one HTML document."""
    from gebiedsplan.kaarten import make_kaart, save_kaart

    kaart = make_kaart(
        gemeente,
        analyse.hiaten,
        titel=f"Hiaten sociale basis - {gebied.naam}",
        volledigheid=analyse.volledigheid,
        beeld=gebied.geometrie,
    )
    with tempfile.TemporaryDirectory(prefix="gebiedsplan-kaart-") as map_:
        pagina = save_kaart(kaart, Path(map_) / "kaart.html").read_text(encoding="utf-8")
    try:
        return inline_static(pagina)
    except GebiedsplanError as exc:
        log.warning(
            "De interactieve kaart in het rapport laadt nog bestanden van internet: %s", exc
        )
        return pagina
