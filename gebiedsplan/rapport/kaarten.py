"""The maps of the report: static gap maps of a gebied as inline SVG (buurten coloured by gap
score on the folium maps' scale, :mod:`gebiedsplan.publiceren.opmaak`; the gebied's outline, the
facilities of one category) and the interactive folium map as one self-contained HTML
document."""

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

from gebiedsplan import settings
from gebiedsplan.errors import GebiedsplanError
from gebiedsplan.gemeente import Gebied, Gemeente
from gebiedsplan.publiceren.opmaak import HIAAT_GRENZEN, HIAAT_KLEUREN, klasse
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


def interactive_map(gemeente: Gemeente, analyse: Analyse, gebied: Gebied) -> str:
    """The folium map of the gemeente, zoomed to the gebied, as one HTML document."""
    from gebiedsplan.kaarten import make_kaart, save_kaart

    kaart = make_kaart(
        gemeente,
        analyse.hiaten,
        titel=f"Hiaten sociale basis - {gebied.naam}",
        volledigheid=analyse.volledigheid,
    )
    minx, miny, maxx, maxy = (
        gpd.GeoSeries([gebied.geometrie], crs=settings.crs).to_crs(settings.kaart_crs).total_bounds
    )
    kaart.fit_bounds([[miny, minx], [maxy, maxx]])
    with tempfile.TemporaryDirectory(prefix="gebiedsplan-kaart-") as map_:
        pagina = save_kaart(kaart, Path(map_) / "kaart.html").read_text(encoding="utf-8")
    try:
        return inline_static(pagina)
    except GebiedsplanError as exc:
        log.warning(
            "De interactieve kaart in het rapport laadt nog bestanden van internet: %s", exc
        )
        return pagina
