"""The shared map builder: the colour scales of the maps (the gap score's, shared with the
report, is in :mod:`gebiedsplan.publiceren.opmaak` with the Dutch numbers), and the steps every map takes:
:func:`start_kaart` (background tiles, title, sources panel, meta tags), choropleth and outline
layers (:func:`add_choropleet`, :func:`add_omtrek`), and :func:`finish_kaart` (attribution, legends,
layer controls).

A map is an :class:`Opbouw` while it is built. Geometry goes to the map CRS (EPSG:4326) at
the very last step (:func:`to_wgs84`, :func:`bounds_wgs84`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import xyzservices
from branca.element import Element, Figure
from folium.plugins import GroupedLayerControl

from gebiedsplan import settings
from gebiedsplan._tekst import getal
from gebiedsplan.gemeente import Gemeente
from gebiedsplan.kaarten.pagina import (
    KAART_CSS,
    Attributie,
    Bediening,
    CategorieWissel,
    LegendaWissel,
    PassendBeeld,
    attributie,
    bronnen_html,
    sleutel_html,
    titel_html,
)
from gebiedsplan.publiceren import opmaak
from gebiedsplan.publiceren.herkomst import pagina_meta
from gebiedsplan.publiceren.pagina import (
    GROUPEDLAYERCONTROL_CSS,
    GROUPEDLAYERCONTROL_JS,
    LEAFLET_CSS,
    LEAFLET_JS,
    escape_tekst,
    meta_html,
)
from gebiedsplan.publiceren.profiel import Publicatieprofiel, load_publicatieprofiel

# The gap score's scale (HIAAT_KLEUREN, HIAAT_GRENZEN) and GEEN_WAARDE_KLEUR are in _opmaak,
# shared with the report.
#: Health indicators: five classes from favourable to unfavourable.
GEZONDHEID_KLEUREN = ["#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"]
#: Green share (%): class bounds and colours.
GROEN_GRENZEN = [0, 10, 20, 30, 45, 100]
GROEN_KLEUREN = ["#f7fcf5", "#c7e9c0", "#74c476", "#31a354", "#006d2c"]
#: Scenario differences (shared with the report's scenario map): in _opmaak.
SCENARIO_KLEUREN = opmaak.SCENARIO_KLEUREN
#: Colour of the network reach of a facility.
BEREIK_KLEUR = "#08519c"


def afstand_tekst(v: float) -> str:
    return "onbereikbaar" if pd.isna(v) else f"{getal(v)} m"


def bounds_wgs84(
    geometrie: shapely.Geometry | gpd.GeoSeries | gpd.GeoDataFrame,
) -> list[list[float]]:
    reeks = (
        geometrie.geometry
        if isinstance(geometrie, gpd.GeoDataFrame)
        else geometrie
        if isinstance(geometrie, gpd.GeoSeries)
        else gpd.GeoSeries([geometrie], crs=settings.crs)
    )
    minx, miny, maxx, maxy = reeks.to_crs(settings.kaart_crs).total_bounds
    return [[float(miny), float(minx)], [float(maxy), float(maxx)]]


def to_wgs84(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The frame in the map CRS (WGS84), coordinates rounded to 6 decimals (about 0.1 m):
    the last step before the page, and it keeps the embedded GeoJSON small."""
    uit = frame.to_crs(settings.kaart_crs)
    uit.geometry = shapely.transform(uit.geometry.to_numpy(), lambda xy: np.round(xy, 6))
    return uit


#: The layers each kind of map draws from: its "Bronnen en datums" panel, attribution, warning
#: and index entry speak of these only, so a map of real layers is not called synthetic
#: because another layer of the gemeente is fictitious. A kind not listed: every layer.
KAARTLAGEN: dict[str, tuple[str, ...]] = {
    "hiaten": (
        "wijken",
        "buurten",
        "vraagpunten",
        "netwerk",
        "voorzieningen",
        "accommodaties",
        "gezondheid",
        "inbreng",
    ),
    "gebied": (
        "wijken",
        "buurten",
        "vraagpunten",
        "netwerk",
        "voorzieningen",
        "accommodaties",
        "gezondheid",
        "plannen",
    ),
    "scenario": (
        "wijken",
        "buurten",
        "vraagpunten",
        "netwerk",
        "voorzieningen",
        "accommodaties",
        "gezondheid",
        "plannen",
    ),
    "gezondheid": ("wijken", "buurten", "gezondheid"),
    "groen": ("wijken", "buurten", "groen"),
    "voorzieningen": ("wijken", "voorzieningen", "accommodaties"),
    "bereik": ("wijken", "buurten", "vraagpunten", "netwerk", "voorzieningen"),
}


@dataclass
class Opbouw:
    """A map while it is built: the folium map, its switchable choropleths and legends."""

    kaart: folium.Map
    gemeente: Gemeente
    profiel: Publicatieprofiel
    groepen: dict[str, list[folium.FeatureGroup]] = field(default_factory=dict)
    legendas: list[tuple[str, folium.FeatureGroup | None]] = field(default_factory=list)
    #: The layers the map draws from (:data:`KAARTLAGEN`); None: every layer.
    lagen: tuple[str, ...] | None = None
    #: The view the map opens on (south-west, north-east in WGS84), fitted to the free part
    #: of the map by :class:`~gebiedsplan.kaarten.pagina.PassendBeeld`.
    grenzen: list[list[float]] = field(default_factory=list)
    #: Facility layers drawn: category -> (label, colour, count, folium variable of the layer).
    voorzieningen: dict[str, tuple[str, str, int, str]] = field(default_factory=dict)
    #: IAB accommodations drawn.
    accommodaties: int = 0
    #: Choropleths per category: (folium variable of the layer, category).
    categorie_vlakken: list[tuple[str, str]] = field(default_factory=list)


def start_kaart(
    gemeente: Gemeente,
    *,
    titel: str,
    ondertitel: str,
    soort: str,
    grenzen: list[list[float]],
    profiel: Publicatieprofiel | None,
    lagen: Sequence[str] | None = None,
) -> Opbouw:
    """A new map: background tiles, title, sources panel, meta tags, only the libraries used.

    The provenance on the map (sources panel, attribution, warning, meta tags) covers
    ``lagen``, default the layers :data:`KAARTLAGEN` lists for ``soort``.
    """
    gebruikt = tuple(lagen) if lagen is not None else KAARTLAGEN.get(soort)
    profiel = profiel if profiel is not None else load_publicatieprofiel()
    kaart = folium.Map(tiles=None, control_scale=False, zoom_control=False, prefer_canvas=True)
    # only Leaflet itself: no jQuery, Bootstrap or icon fonts (see the module docstring)
    kaart.default_js = [("leaflet", LEAFLET_JS)]
    kaart.default_css = [("leaflet_css", LEAFLET_CSS)]
    kaart.fit_bounds(grenzen)
    folium.TileLayer(
        xyzservices.providers.query_name(settings.achtergrond),
        name="Achtergrondkaart (PDOK BRT)",
    ).add_to(kaart)
    folium.TileLayer(
        xyzservices.providers.query_name(settings.achtergrond_reserve),
        name="OpenStreetMap (reserve)",
        show=False,
    ).add_to(kaart)
    kaart.add_child(Bediening())
    waarschuwing = gemeente.synthetisch_tekst(lagen=gebruikt)
    ondertitel = f"{ondertitel} {waarschuwing}" if waarschuwing else ondertitel
    pagina = kaart.get_root()
    assert isinstance(pagina, Figure)
    pagina.header.add_child(Element(f"<title>{escape_tekst(titel)}</title>"), name="titel")
    pagina.header.add_child(
        Element(
            meta_html(
                titel=titel,
                soort=soort,
                gemeente=gemeente.titel,
                **pagina_meta(gemeente.herkomst, lagen=gebruikt),
            )
        ),
        name="meta",
    )
    pagina.header.add_child(Element(KAART_CSS), name="gebiedsplan_css")
    pagina.html.add_child(Element(titel_html(titel, ondertitel.strip())))
    pagina.html.add_child(Element(bronnen_html(gemeente, profiel=profiel, lagen=gebruikt)))
    return Opbouw(kaart, gemeente, profiel, lagen=gebruikt, grenzen=grenzen)


def zoom_voor(grenzen: list[list[float]], *, breedte_px: int = 600, hoogte_px: int = 450) -> int:
    """The Leaflet zoom level at which ``grenzen`` (WGS84) fit in ``breedte_px`` by
    ``hoogte_px`` pixels (rounded down: the map opens at this zoom or closer).

    Examples
    --------
    >>> zoom_voor([[51.95, 5.85], [52.0, 5.95]])
    12
    """
    (zuid, west), (noord, oost) = grenzen
    dx = max(oost - west, 1e-6) / 360

    def y(lat: float) -> float:
        s = math.sin(math.radians(lat))
        return 0.5 - math.log((1 + s) / (1 - s)) / (4 * math.pi)

    dy = max(y(zuid) - y(noord), 1e-6)
    zoom = min(math.log2(breedte_px / (256 * dx)), math.log2(hoogte_px / (256 * dy)))
    return max(0, min(18, math.floor(zoom)))


def finish_kaart(opbouw: Opbouw) -> folium.Map:
    """Attribution, legends, the key of the facility categories, layer controls, the
    category switch (when the map has choropleths per category and facilities) and the view
    fitted to the part of the map the panels leave free."""
    kaart = opbouw.kaart
    kaart.add_child(Attributie(escape_tekst(attributie(opbouw.gemeente, lagen=opbouw.lagen))))
    wissel = bool(opbouw.voorzieningen) and any(
        c in opbouw.voorzieningen for _, c in opbouw.categorie_vlakken
    )
    if opbouw.voorzieningen or opbouw.accommodaties:
        pagina = kaart.get_root()
        assert isinstance(pagina, Figure)
        items = [(c, lab, kl, n) for c, (lab, kl, n, _) in opbouw.voorzieningen.items()]
        pagina.html.add_child(
            Element(sleutel_html(items, accommodaties=opbouw.accommodaties, wissel=wissel))
        )
    if opbouw.legendas:
        pagina = kaart.get_root()
        assert isinstance(pagina, Figure)
        inhoud = "".join(h for h, _ in opbouw.legendas)
        pagina.html.add_child(
            Element(f'<div id="gebiedsplan-legenda" class="gp-paneel">{inhoud}</div>')
        )
    folium.LayerControl(collapsed=True).add_to(kaart)
    if opbouw.groepen:
        bediening = GroupedLayerControl(
            {escape_tekst(k): v for k, v in opbouw.groepen.items()},
            exclusive_groups=True,
            collapsed=False,
        )
        bediening.default_js = [("groupedlayercontrol", GROUPEDLAYERCONTROL_JS)]
        bediening.default_css = [("groupedlayercontrol_css", GROUPEDLAYERCONTROL_CSS)]
        bediening.add_to(kaart)
    paren = []
    for legenda, groep in opbouw.legendas:
        if groep is not None:
            m = re.search(r'id="([^"]+)"', legenda)
            assert m, legenda
            paren.append((m.group(1), groep.get_name()))
    if paren:
        kaart.add_child(LegendaWissel(paren))
    if wissel:
        kaart.add_child(
            CategorieWissel(
                [(laag, c) for laag, c in opbouw.categorie_vlakken if c in opbouw.voorzieningen],
                [(c, laag) for c, (*_, laag) in opbouw.voorzieningen.items()],
            )
        )
    if opbouw.grenzen:
        kaart.add_child(PassendBeeld(opbouw.grenzen))
    return kaart


def add_choropleet(
    opbouw: Opbouw,
    vlakken: gpd.GeoDataFrame,
    *,
    naam: str,
    velden: Mapping[str, str],
    groep: str | None = None,
    show: bool = True,
    legenda: str | None = None,
    categorie: str | None = None,
) -> folium.FeatureGroup:
    """A polygon layer coloured by its ``_kleur`` property, with a Dutch tooltip of ``velden``
    (property -> label). String properties must be escaped already. A layer of one facility
    ``categorie`` drives the category switch (choosing it shows only that category's
    facilities)."""
    laag = folium.FeatureGroup(name=escape_tekst(naam), show=show)
    data = to_wgs84(vlakken)
    folium.GeoJson(
        data.__geo_interface__,
        style_function=lambda f: {
            "fillColor": f["properties"]["_kleur"],
            "color": "#333333",
            "weight": 1.2,
            "fillOpacity": 0.65,
        },
        highlight_function=lambda f: {"weight": 3, "fillOpacity": 0.8},
        tooltip=folium.GeoJsonTooltip(
            fields=list(velden), aliases=[escape_tekst(a) for a in velden.values()], sticky=True
        ),
    ).add_to(laag)
    laag.add_to(opbouw.kaart)
    if groep is not None:
        opbouw.groepen.setdefault(groep, []).append(laag)
    if legenda is not None:
        opbouw.legendas.append((legenda, laag if groep is not None else None))
    if categorie is not None:
        opbouw.categorie_vlakken.append((laag.get_name(), categorie))
    return laag


def add_omtrek(
    opbouw: Opbouw,
    vlakken: gpd.GeoSeries | gpd.GeoDataFrame,
    *,
    naam: str,
    tooltips: Sequence[str] | None = None,
    kleur: str = "#08306b",
    dik: float = 3,
    streep: str | None = "6 4",
    show: bool = True,
) -> folium.FeatureGroup:
    """Outlines (no fill), each with an optional tooltip (text from data: escaped here)."""
    laag = folium.FeatureGroup(name=escape_tekst(naam), show=show)
    reeks = vlakken.geometry if isinstance(vlakken, gpd.GeoDataFrame) else vlakken
    frame = to_wgs84(
        gpd.GeoDataFrame(
            {"tekst": [escape_tekst(t) for t in tooltips] if tooltips else [""] * len(reeks)},
            geometry=reeks.to_numpy(),
            crs=reeks.crs,
        )
    )
    stijl = {"color": kleur, "weight": dik, "fillOpacity": 0, "dashArray": streep}
    folium.GeoJson(
        frame.__geo_interface__,
        style_function=lambda f, s=stijl: s,
        tooltip=folium.GeoJsonTooltip(fields=["tekst"], labels=False) if tooltips else None,
    ).add_to(laag)
    laag.add_to(opbouw.kaart)
    return laag
