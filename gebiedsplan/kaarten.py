"""Interactive maps (folium) for people: gaps, a gebied, health, green, facilities, reach, scenarios.

Every map is built by the same few helpers (:func:`_start`, the layer helpers, :func:`_finish`):
a PDOK BRT-Achtergrondkaart background with OpenStreetMap as fallback, a title panel, a
"Bronnen en datums" panel with the provenance of every layer, Dutch legends, tooltips and
popups, a layer control, and ``<meta name="gebiedsplan:...">`` tags for the index of
``maps/`` (:func:`gebiedsplan.publiceren.write_index`).

Maps draw what the analyses computed; they never compute gaps themselves. Two figures are
derived here because no analysis module provides them yet: the green share per wijk/buurt
(:func:`compute_groen_aandeel`, zonal means of the 10 m raster) and the network reach of one
facility (:func:`compute_bereik`). Geometry goes to EPSG:4326 at the very last step.

Publishing rules (:mod:`gebiedsplan.publiceren`) apply to every map: hidden categories and
sites never reach the page, small areas' health values are suppressed, and every text that
comes from data is escaped. Markers are CSS dots (no icon font), popups are set by Leaflet
itself (no jQuery), legends are HTML (no d3), so a saved map (:func:`save_kaart`) needs only
Leaflet and two Leaflet plugins, which are inlined: one HTML file that opens without a server.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import rasterio
import rasterio.features
import rasterio.windows
import shapely
import shapely.ops
import xyzservices
from affine import Affine
from branca.element import Element, Figure, MacroElement
from folium.plugins import GroupedLayerControl, MarkerCluster
from jinja2 import Template
from scipy.sparse.csgraph import dijkstra

from gebiedsplan import publiceren, settings
from gebiedsplan._errors import CRSError, GebiedsplanError, GemeenteError
from gebiedsplan.bereikbaarheid import MAX_SNAP_M, connect_points, nearest_per_point
from gebiedsplan.catalogus import load_catalogus
from gebiedsplan.gemeente import Gemeente, effective_voorzieningen
from gebiedsplan.netwerk import (
    Netwerk,
    compile_netwerk,
    insert_punten,
    snap_to_edges,
    with_segments,
)
from gebiedsplan.publiceren import (
    NIET_GEPUBLICEERD,
    ONDERDRUKT,
    Publicatieprofiel,
    escape_tekst,
    load_publicatieprofiel,
    publishable_accommodaties,
    publishable_voorzieningen,
    suppress_gezondheid,
)
from gebiedsplan.store import atomic_path

log = logging.getLogger(__name__)

#: Colour scale of the gap score, shared by every category so maps can be compared.
HIAAT_KLEUREN = ["#1a9850", "#a6d96a", "#fee08b", "#fc8d59", "#d73027"]
HIAAT_GRENZEN = [0, 10, 25, 50, 75, 100]
#: Areas without a value (no residents, suppressed, not computed).
GEEN_WAARDE_KLEUR = "#d9d9d9"
#: Health indicators: five classes from favourable to unfavourable.
GEZONDHEID_KLEUREN = ["#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"]
#: Green share (%): class bounds and colours.
GROEN_GRENZEN = [0, 10, 20, 30, 45, 100]
GROEN_KLEUREN = ["#f7fcf5", "#c7e9c0", "#74c476", "#31a354", "#006d2c"]
#: Scenario differences: blue = fewer residents outside the norm, red = more.
SCENARIO_KLEUREN = ["#2166ac", "#67a9cf", "#d1e5f0", "#f7f7f7", "#fddbc7", "#ef8a62", "#b2182b"]
#: Colour of the network reach of a facility.
BEREIK_KLEUR = "#08519c"
#: Networks up to this many segments are drawn (for orientation; real networks stay off the map).
MAX_WEGEN_OP_KAART = 20_000
#: Categories whose markers are off at start (many small points).
UIT_BIJ_START = ("speelplek", "groen")

_KLEUR = re.compile(r"^#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?$")
_STATUS = {
    "in_gebruik": "in gebruik",
    "leegstand": "leegstand",
    "gepland": "gepland",
    "gesloten": "gesloten",
}
_tekst = escape_tekst  # short name used throughout


# --------------------------------------------------------------------------- page elements


class _Attributie(MacroElement):
    """Adds a line (provenance) to the map's attribution control."""

    _template = Template(
        """{% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.attributionControl.addAttribution({{ this.tekst|tojson }});
        {% endmacro %}"""
    )

    def __init__(self, tekst: str) -> None:
        super().__init__()
        self._name = "Attributie"
        self.tekst = tekst


class _Bediening(MacroElement):
    """Zoom buttons with Dutch titles and a metric scale bar."""

    _template = Template(
        """{% macro script(this, kwargs) %}
        L.control.zoom({zoomInTitle: "Inzoomen", zoomOutTitle: "Uitzoomen"})
            .addTo({{ this._parent.get_name() }});
        L.control.scale({imperial: false}).addTo({{ this._parent.get_name() }});
        {% endmacro %}"""
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "Bediening"


class _Punten(MacroElement):
    """Point markers (CSS dots) with a popup and a tooltip, made in the browser from embedded
    GeoJSON (properties ``popup`` and ``naam``, already escaped) and added to the parent layer
    (a marker cluster or a feature group)."""

    _template = Template(
        """{% macro script(this, kwargs) %}
        var {{ this.get_name() }}_data = {{ this.data|tojson }};
        (function () {
            var opties = {{ this.opties|tojson }};
            var html = '<span class="' + opties.vorm + '" style="background:' + opties.kleur
                + '"></span>';
            L.geoJSON({{ this.get_name() }}_data, {
                pointToLayer: function (f, ll) {
                    return L.marker(ll, {icon: L.divIcon(
                        {className: "gp-icoon", html: html, iconSize: [14, 14]})});
                },
                onEachFeature: function (f, laag) {
                    laag.bindPopup(f.properties.popup, {maxWidth: 300});
                    laag.bindTooltip(f.properties.naam);
                }
            }).eachLayer(function (m) { {{ this._parent.get_name() }}.addLayer(m); });
        })();
        {% endmacro %}"""
    )

    def __init__(self, data: dict[str, Any], *, kleur: str, vorm: str = "gp-punt") -> None:
        super().__init__()
        self._name = "Punten"
        self.data = data
        self.opties = {"kleur": _veilige_kleur(kleur), "vorm": vorm}


class _LegendaWissel(MacroElement):
    """Shows each legend only while its layer is on the map."""

    _template = Template(
        """{% macro script(this, kwargs) %}
        (function () {
            var kaart = {{ this._parent.get_name() }};
            var paren = [{% for id, groep in this.paren %}[{{ id|tojson }}, {{ groep }}],{% endfor %}];
            function wissel() {
                paren.forEach(function (p) {
                    var el = document.getElementById(p[0]);
                    if (el) { el.style.display = kaart.hasLayer(p[1]) ? "" : "none"; }
                });
            }
            kaart.on("layeradd layerremove", wissel);
            wissel();
        })();
        {% endmacro %}"""
    )

    def __init__(self, paren: list[tuple[str, str]]) -> None:
        super().__init__()
        self._name = "LegendaWissel"
        self.paren = paren


_CSS = """<style>
.gp-icoon { background: none; border: none; }
.gp-punt, .gp-vierkant { display: block; width: 12px; height: 12px; border: 1px solid #222;
  box-sizing: border-box; }
.gp-punt { border-radius: 50%; }
.gp-vierkant { width: 14px; height: 14px; border-width: 2px; }
.gp-cluster { background: rgba(255, 255, 255, 0.6); border-radius: 50%; }
.gp-cluster div { width: 28px; height: 28px; margin: 4px; border-radius: 50%;
  text-align: center; font: bold 12px/28px sans-serif; color: #fff;
  text-shadow: 0 0 2px #000; }
.gp-paneel { position: fixed; z-index: 1000; background: rgba(255, 255, 255, 0.95);
  padding: 6px 10px; border-radius: 4px; box-shadow: 0 1px 4px rgba(0, 0, 0, 0.3);
  font-family: sans-serif; font-size: 12px; }
#gebiedsplan-legenda { bottom: 40px; left: 10px; max-width: 280px; max-height: 45%;
  overflow: auto; }
#gebiedsplan-legenda .gp-legenda + .gp-legenda { margin-top: 6px; }
.gp-legenda b { display: block; margin-bottom: 3px; }
.gp-legenda i { display: inline-block; width: 14px; height: 10px; margin-right: 6px;
  border: 1px solid #999; vertical-align: middle; }
#gebiedsplan-tabel table { border-collapse: collapse; }
#gebiedsplan-tabel th, #gebiedsplan-tabel td { padding: 1px 6px; text-align: right;
  border-bottom: 1px solid #eee; }
#gebiedsplan-tabel th:first-child, #gebiedsplan-tabel td:first-child { text-align: left; }
.leaflet-container { font-family: sans-serif; }
.leaflet-control-layers { font-size: 13px; }
.leaflet-container .leaflet-control-attribution { font-size: 11px; max-width: 55%; }
</style>"""


def _veilige_kleur(kleur: str) -> str:
    """A colour from the catalogue (data) as it may go into a style: ``#rgb`` or ``#rrggbb``."""
    if isinstance(kleur, str) and _KLEUR.match(kleur):
        return kleur
    log.warning("Kleur %r is geen #rrggbb-kleur; grijs gebruikt", kleur)
    return "#737373"


# --------------------------------------------------------------------------- formatting


def _getal(v: float | None, decimalen: int = 0) -> str:
    """Dutch number: 51.382 and 12,5."""
    if v is None or pd.isna(v):
        return "-"
    tekst = f"{float(v):,.{decimalen}f}"
    return tekst.replace(",", "_").replace(".", ",").replace("_", ".")


def _pct(v: float | None, decimalen: int = 0) -> str:
    return "-" if v is None or pd.isna(v) else f"{_getal(100 * float(v), decimalen)}%"


def _m(v: float) -> str:
    return "onbereikbaar" if pd.isna(v) else f"{_getal(v)} m"


def _klasse(waarde: float | None, grenzen: Sequence[float], kleuren: Sequence[str]) -> str:
    if waarde is None or pd.isna(waarde):
        return GEEN_WAARDE_KLEUR
    i = int(np.searchsorted(np.asarray(grenzen[1:-1], dtype=float), float(waarde), side="right"))
    return kleuren[min(max(i, 0), len(kleuren) - 1)]


def _bounds(geometrie: shapely.Geometry | gpd.GeoSeries | gpd.GeoDataFrame) -> list[list[float]]:
    reeks = (
        geometrie.geometry
        if isinstance(geometrie, gpd.GeoDataFrame)
        else geometrie
        if isinstance(geometrie, gpd.GeoSeries)
        else gpd.GeoSeries([geometrie], crs=settings.crs)
    )
    minx, miny, maxx, maxy = reeks.to_crs(settings.kaart_crs).total_bounds
    return [[float(miny), float(minx)], [float(maxy), float(maxx)]]


def _wgs84(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The frame in the map CRS (WGS84), coordinates rounded to 6 decimals (about 0.1 m):
    the last step before the page, and it keeps the embedded GeoJSON small."""
    uit = frame.to_crs(settings.kaart_crs)
    uit.geometry = shapely.transform(uit.geometry.to_numpy(), lambda xy: np.round(xy, 6))
    return uit


def _gegevensdatum(gemeente: Gemeente) -> str:
    datums = sorted({h.datum for h in gemeente.herkomst.values() if h.datum})
    if not datums:
        return ""
    return datums[0] if len(datums) == 1 else f"{datums[0]} t/m {datums[-1]}"


# --------------------------------------------------------------------------- provenance


def attributie(gemeente: Gemeente) -> str:
    """Short provenance line for the map's attribution: every source and every licence once.

    The full provenance of every layer (source, date, licence, query) is in the
    "Bronnen en datums" panel of the map (:func:`bronnen_html`).

    Examples
    --------
    >>> from gebiedsplan.bronnen.demo import demo_gemeente
    >>> attributie(demo_gemeente())
    'gebiedsplan | Bronnen: gebiedsplan demo-generator. Licenties: CC0 1.0 (synthetische data). SYNTHETISCHE GEGEVENS.'
    """
    bronnen: dict[str, None] = {}
    licenties: dict[str, None] = {}
    for h in gemeente.herkomst.values():
        if h.bron.startswith("gebiedsplan:"):
            continue  # derived by gebiedsplan from the other layers, whose sources are named
        for deel in h.bron.split("; "):
            bronnen[deel.split(" (")[0]] = None
        for licentie in h.licentie.split("; "):
            licenties[licentie] = None
    synthetisch = " SYNTHETISCHE GEGEVENS." if gemeente.synthetisch else ""
    return (
        f"gebiedsplan | Bronnen: {', '.join(bronnen)}. Licenties: {'; '.join(licenties)}."
        f"{synthetisch}"
    )


def bronnen_html(gemeente: Gemeente, *, profiel: Publicatieprofiel | None = None) -> str:
    """A collapsible "Bronnen en datums" panel with the full provenance of every layer and,
    when given, the publishing rules that were applied."""
    regels = "".join(
        f"<li><b>{_tekst(naam)}</b>: {_tekst(h.tekst())}"
        + (f"<br><small>{_tekst(h.query)}</small>" if h.query else "")
        + "</li>"
        for naam, h in gemeente.herkomst.items()
    )
    regel = (
        f"<p style='max-width: 40em;'><b>Publicatieregels</b>: {_tekst(profiel.bron)}</p>"
        if profiel is not None and profiel.bron
        else ""
    )
    return (
        '<details id="gebiedsplan-bronnen" class="gp-paneel" style="top: 92px; left: 60px;'
        ' max-width: 45%; max-height: 50%; overflow: auto;">'
        f"<summary>Bronnen en datums</summary><ul style='padding-left: 16px;'>{regels}</ul>"
        f"{regel}</details>"
    )


def _titel_html(titel: str, ondertitel: str) -> str:
    return (
        '<div id="gebiedsplan-titel" class="gp-paneel" style="top: 10px; left: 60px;'
        ' max-width: 60%; font-size: 12px;">'
        f'<div style="font-size: 16px; font-weight: bold;">{_tekst(titel)}</div>'
        f"<div>{_tekst(ondertitel)}</div></div>"
    )


def legenda_html(
    titel: str, klassen: Sequence[tuple[str, str]], *, id_: str, toelichting: str = ""
) -> str:
    """One legend: a title and (colour, Dutch text) per class.

    Examples
    --------
    >>> legenda_html("Hiaatscore", [("#1a9850", "0 - 10")], id_="l1")
    '<div class="gp-legenda" id="l1"><b>Hiaatscore</b><div><i style="background:#1a9850"></i>0 - 10</div></div>'
    """
    regels = "".join(
        f'<div><i style="background:{_veilige_kleur(kleur)}"></i>{_tekst(tekst)}</div>'
        for kleur, tekst in klassen
    )
    extra = f"<small>{_tekst(toelichting)}</small>" if toelichting else ""
    return f'<div class="gp-legenda" id="{_tekst(id_)}"><b>{_tekst(titel)}</b>{regels}{extra}</div>'


# --------------------------------------------------------------------------- the shared builder


@dataclass
class _Opbouw:
    """A map while it is built: the folium map, its switchable choropleths and legends."""

    kaart: folium.Map
    gemeente: Gemeente
    profiel: Publicatieprofiel
    groepen: dict[str, list[folium.FeatureGroup]] = field(default_factory=dict)
    legendas: list[tuple[str, folium.FeatureGroup | None]] = field(default_factory=list)


def _start(
    gemeente: Gemeente,
    *,
    titel: str,
    ondertitel: str,
    soort: str,
    grenzen: list[list[float]],
    profiel: Publicatieprofiel | None,
) -> _Opbouw:
    """A new map: background tiles, title, sources panel, meta tags, only the libraries used."""
    profiel = profiel if profiel is not None else load_publicatieprofiel()
    kaart = folium.Map(tiles=None, control_scale=False, zoom_control=False, prefer_canvas=True)
    # only Leaflet itself: no jQuery, Bootstrap or icon fonts (see the module docstring)
    kaart.default_js = [("leaflet", publiceren.LEAFLET_JS)]
    kaart.default_css = [("leaflet_css", publiceren.LEAFLET_CSS)]
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
    kaart.add_child(_Bediening())
    waarschuwing = gemeente.synthetisch_tekst()
    ondertitel = f"{ondertitel} {waarschuwing}" if waarschuwing else ondertitel
    pagina = kaart.get_root()
    assert isinstance(pagina, Figure)
    pagina.header.add_child(Element(f"<title>{_tekst(titel)}</title>"), name="titel")
    pagina.header.add_child(
        Element(
            publiceren.meta_html(
                titel=titel,
                soort=soort,
                gemeente=gemeente.titel,
                gegevens=_gegevensdatum(gemeente),
                synthetisch=gemeente.synthetisch,
            )
        ),
        name="meta",
    )
    pagina.header.add_child(Element(_CSS), name="gebiedsplan_css")
    pagina.html.add_child(Element(_titel_html(titel, ondertitel.strip())))
    pagina.html.add_child(Element(bronnen_html(gemeente, profiel=profiel)))
    return _Opbouw(kaart, gemeente, profiel)


def _finish(opbouw: _Opbouw) -> folium.Map:
    """Attribution, legends, layer controls."""
    kaart = opbouw.kaart
    kaart.add_child(_Attributie(_tekst(attributie(opbouw.gemeente))))
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
            {_tekst(k): v for k, v in opbouw.groepen.items()},
            exclusive_groups=True,
            collapsed=False,
        )
        bediening.default_js = [("groupedlayercontrol", publiceren.GROUPEDLAYERCONTROL_JS)]
        bediening.default_css = [("groupedlayercontrol_css", publiceren.GROUPEDLAYERCONTROL_CSS)]
        bediening.add_to(kaart)
    paren = []
    for legenda, groep in opbouw.legendas:
        if groep is not None:
            m = re.search(r'id="([^"]+)"', legenda)
            assert m, legenda
            paren.append((m.group(1), groep.get_name()))
    if paren:
        kaart.add_child(_LegendaWissel(paren))
    return kaart


def _choropleet(
    opbouw: _Opbouw,
    vlakken: gpd.GeoDataFrame,
    *,
    naam: str,
    velden: Mapping[str, str],
    groep: str | None = None,
    show: bool = True,
    legenda: str | None = None,
) -> folium.FeatureGroup:
    """A polygon layer coloured by its ``_kleur`` property, with a Dutch tooltip of ``velden``
    (property -> label). String properties must be escaped already."""
    laag = folium.FeatureGroup(name=_tekst(naam), show=show)
    data = _wgs84(vlakken)
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
            fields=list(velden), aliases=[_tekst(a) for a in velden.values()], sticky=True
        ),
    ).add_to(laag)
    laag.add_to(opbouw.kaart)
    if groep is not None:
        opbouw.groepen.setdefault(groep, []).append(laag)
    if legenda is not None:
        opbouw.legendas.append((legenda, laag if groep is not None else None))
    return laag


def _omtrek(
    opbouw: _Opbouw,
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
    laag = folium.FeatureGroup(name=_tekst(naam), show=show)
    reeks = vlakken.geometry if isinstance(vlakken, gpd.GeoDataFrame) else vlakken
    frame = _wgs84(
        gpd.GeoDataFrame(
            {"tekst": [_tekst(t) for t in tooltips] if tooltips else [""] * len(reeks)},
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


def _cluster_functie(kleur: str) -> str:
    kleur = _veilige_kleur(kleur)
    return (
        "function (cluster) { return L.divIcon({html: '<div style=\"background:"
        + kleur
        + "\">' + cluster.getChildCount() + '</div>', className: 'gp-cluster', "
        "iconSize: L.point(36, 36)}); }"
    )


def _punten_data(frame: gpd.GeoDataFrame, popups: Sequence[str], namen: Sequence[str]) -> dict:
    punten = frame.geometry.to_crs(settings.kaart_crs)
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": _tekst(i),
                "geometry": {"type": "Point", "coordinates": [round(p.x, 7), round(p.y, 7)]},
                "properties": {"popup": popup, "naam": naam},
            }
            for i, p, popup, naam in zip(frame.index, punten, popups, namen, strict=True)
        ],
    }


def _voorziening_popup(v: pd.Series, label: str) -> str:
    regels = [f"<b>{_tekst(v['naam'])}</b>", _tekst(label)]
    if isinstance(v.get("subcategorie"), str) and v["subcategorie"]:
        regels.append(_tekst(v["subcategorie"]))
    capaciteit = v.get("capaciteit")
    if capaciteit is not None and pd.notna(capaciteit):
        regels.append(f"Capaciteit: {_getal(capaciteit)}")
    regels.append(f"Bron: {_tekst(v['bron'])}")
    return "<br>".join(regels)


def _voorzieningen(
    opbouw: _Opbouw, *, binnen: shapely.Geometry | None = None, cluster: bool = True
) -> dict[str, int]:
    """Facilities that may be published, one (clustered) layer per category. Returns the
    number shown per category."""
    gemeente, profiel = opbouw.gemeente, opbouw.profiel
    catalogus = load_catalogus()
    punten = publishable_voorzieningen(
        effective_voorzieningen(gemeente), profiel=profiel, accommodaties=gemeente.accommodaties
    )
    if binnen is not None:
        punten = punten[punten.intersects(binnen)]
    verborgen = publiceren.hidden_categories(profiel)
    getoond: dict[str, int] = {}
    for categorie, cat in catalogus.categorieen.items():
        deze = punten[punten["categorie"] == categorie]
        if categorie in verborgen or deze.empty:
            continue
        naam = f"Voorzieningen: {cat.label} ({len(deze)})"
        houder: folium.FeatureGroup | MarkerCluster
        if cluster:
            houder = MarkerCluster(
                name=_tekst(naam),
                show=categorie not in UIT_BIJ_START,
                icon_create_function=_cluster_functie(cat.kleur),
                options={"maxClusterRadius": 40, "showCoverageOnHover": False},
            )
            houder.default_js = [("markerclusterjs", publiceren.MARKERCLUSTER_JS)]
            houder.default_css = [
                ("markerclustercss", publiceren.MARKERCLUSTER_CSS),
                ("markerclusterdefaultcss", publiceren.MARKERCLUSTER_DEFAULT_CSS),
            ]
        else:
            houder = folium.FeatureGroup(name=_tekst(naam), show=categorie not in UIT_BIJ_START)
        popups = [_voorziening_popup(v, cat.label) for _, v in deze.iterrows()]
        houder.add_child(
            _Punten(_punten_data(deze, popups, [_tekst(n) for n in deze["naam"]]), kleur=cat.kleur)
        )
        houder.add_to(opbouw.kaart)
        getoond[categorie] = len(deze)
    return getoond


def _accommodatie_popup(a: pd.Series, labels: Mapping[str, str]) -> str:
    functies = [
        labels.get(f.strip(), f.strip())
        for f in str(a["functies"]).replace(",", ";").split(";")
        if f.strip()
    ]
    regels = [
        f"<b>{_tekst(a['naam'])}</b>",
        "Accommodatie (IAB)",
        f"Functies: {_tekst(', '.join(functies))}",
        f"Status: {_tekst(_STATUS.get(str(a['status']), a['status']))}",
        f"Eigenaar: {_tekst(a['eigenaar'])}",
        f"Bruto vloeroppervlak: {_getal(a['bvo_m2'])} m²",
        f"Capaciteit: {_getal(a.get('capaciteit'))}",
        f"Bezetting: {_pct(a.get('bezetting'))}",
    ]
    return "<br>".join(regels)


def _accommodaties(opbouw: _Opbouw, *, binnen: shapely.Geometry | None = None) -> int:
    """IAB accommodations that may be published, with capacity and occupancy in the popup."""
    accommodaties = opbouw.gemeente.accommodaties
    if accommodaties is None or accommodaties.empty:
        return 0
    acc = publishable_accommodaties(accommodaties, profiel=opbouw.profiel)
    if binnen is not None:
        acc = acc[acc.intersects(binnen)]
    if acc.empty:
        return 0
    punten = acc.copy()
    punten.geometry = [
        g if g.geom_type == "Point" else g.representative_point() for g in acc.geometry
    ]
    labels = {c: cat.label for c, cat in load_catalogus().categorieen.items()}
    laag = folium.FeatureGroup(name=_tekst(f"Accommodaties (IAB) ({len(acc)})"), show=True)
    popups = [_accommodatie_popup(a, labels) for _, a in acc.iterrows()]
    laag.add_child(
        _Punten(
            _punten_data(punten, popups, [_tekst(n) for n in acc["naam"]]),
            kleur="#ffffff",
            vorm="gp-vierkant",
        )
    )
    laag.add_to(opbouw.kaart)
    return len(acc)


def _gebieden(opbouw: _Opbouw, *, alleen: str | None = None) -> None:
    gebieden = opbouw.gemeente.gebieden
    if alleen is not None:
        gebieden = {alleen: gebieden[alleen]}
    if not gebieden:
        return
    teksten = [
        f"{g.naam} ({g.soort})" + (" - grens bij benadering" if g.benadering else "")
        for g in gebieden.values()
    ]
    _omtrek(
        opbouw,
        gpd.GeoSeries([g.geometrie for g in gebieden.values()], crs=settings.crs),
        naam="Gebieden" if alleen is None else f"Gebied {alleen}",
        tooltips=teksten,
    )


def _wegen(opbouw: _Opbouw) -> None:
    """The walking network, for orientation: one simplified multi-line (small in the page)."""
    netwerk = opbouw.gemeente.netwerk
    if netwerk is None or len(netwerk) > MAX_WEGEN_OP_KAART:
        return
    lijnen = shapely.get_parts(shapely.simplify(netwerk.geometry.to_numpy(), 1.0))
    wegen = _wgs84(
        gpd.GeoDataFrame(geometry=[shapely.multilinestrings(list(lijnen))], crs=netwerk.crs)
    )
    laag = folium.FeatureGroup(name="Wegennet (lopen)", show=opbouw.gemeente.synthetisch)
    folium.GeoJson(
        wegen.__geo_interface__,
        style_function=lambda f: {"color": "#737373", "weight": 1, "opacity": 0.6},
    ).add_to(laag)
    laag.add_to(opbouw.kaart)


def _hiaat_legenda(id_: str = "legenda-hiaat") -> str:
    klassen = [
        (k, f"{a} - {b}")
        for k, a, b in zip(HIAAT_KLEUREN, HIAAT_GRENZEN[:-1], HIAAT_GRENZEN[1:], strict=True)
    ]
    return legenda_html(
        "Hiaatscore",
        [*klassen, (GEEN_WAARDE_KLEUR, "geen inwoners of niet berekend")],
        id_=id_,
        toelichting="0 = doel gehaald, 100 = niemand binnen de norm",
    )


def _gap_features(
    vlakken: gpd.GeoDataFrame,
    tabel: pd.DataFrame,
    categorie: str,
    *,
    sleutel: str,
    naamkolom: str,
) -> gpd.GeoDataFrame:
    """Polygons with the gap figures of one category (escaped text, a colour per score)."""
    rij = tabel.xs(categorie, level="categorie").reindex(vlakken.index)
    berekend = vlakken.index.isin(tabel.index.get_level_values(sleutel))

    def score_tekst(v: float, ja: bool) -> str:
        if not ja:
            return "niet berekend"
        return "geen inwoners" if pd.isna(v) else f"{v:.0f}"

    scores = [None if pd.isna(v) else round(float(v), 1) for v in rij["hiaatscore"]]
    return gpd.GeoDataFrame(
        {
            "naam": [_tekst(n) for n in vlakken[naamkolom]],
            "code": [_tekst(c) for c in vlakken.index],
            "aantal": rij["aantal_voorzieningen"].fillna(0).astype(int).astype(str).to_numpy(),
            "binnen_norm": [_pct(v) for v in rij["aandeel_binnen_norm"]],
            "afstand": [_m(v) for v in rij["gem_afstand_m"]],
            "buiten_norm": ["-" if pd.isna(v) else _getal(v) for v in rij["inwoners_buiten_norm"]],
            "score": scores,
            "score_tekst": [
                score_tekst(v, ja) for v, ja in zip(rij["hiaatscore"], berekend, strict=True)
            ],
            "_kleur": [_klasse(s, HIAAT_GRENZEN, HIAAT_KLEUREN) for s in scores],
        },
        geometry=vlakken.geometry.to_numpy(),
        crs=vlakken.crs,
    )


def _gap_layers(
    opbouw: _Opbouw,
    vlakken: gpd.GeoDataFrame,
    tabel: pd.DataFrame,
    *,
    sleutel: str,
    naamkolom: str,
    gebiedsnaam: str,
    groep: str,
) -> None:
    catalogus = load_catalogus()
    aanwezig = set(tabel.index.get_level_values("categorie"))
    verborgen = publiceren.hidden_categories(opbouw.profiel)
    categorieen = [c for c in catalogus.categorieen if c in aanwezig and c not in verborgen]
    for i, categorie in enumerate(categorieen):
        label = catalogus.categorieen[categorie].label
        norm = opbouw.gemeente.normen[categorie]
        _choropleet(
            opbouw,
            _gap_features(vlakken, tabel, categorie, sleutel=sleutel, naamkolom=naamkolom),
            naam=f"{label} (norm {norm.max_afstand_m:.0f} m)",
            velden={
                "naam": gebiedsnaam,
                "code": f"{gebiedsnaam}code",
                "aantal": f"{label} in de {gebiedsnaam.lower()}",
                "binnen_norm": f"Inwoners binnen {norm.max_afstand_m:.0f} m",
                "afstand": "Gem. loopafstand",
                "buiten_norm": "Inwoners buiten de norm",
                "score_tekst": "Hiaatscore",
            },
            groep=groep,
            show=i == 0,
        )
    opbouw.legendas.append((_hiaat_legenda(), None))


# --------------------------------------------------------------------------- the maps


def make_kaart(
    gemeente: Gemeente,
    hiaten: pd.DataFrame,
    *,
    titel: str | None = None,
    profiel: Publicatieprofiel | None = None,
) -> folium.Map:
    """Map of a gemeente: a wijk choropleth of the gap per category (switchable), facilities by
    category (clustered), IAB accommodations with capacity, the named gebieden, a legend and
    the provenance of every layer.

    Parameters
    ----------
    gemeente
        The loaded gemeente.
    hiaten
        Gap table from :func:`gebiedsplan.hiaten.compute_hiaten`.
    titel
        Map title; default "Hiaten sociale basis - <gemeente>".
    profiel
        Publishing profile; default :func:`gebiedsplan.publiceren.load_publicatieprofiel`.

    Returns
    -------
    folium.Map

    Examples
    --------
    >>> from gebiedsplan.analyse import run_analyse
    >>> from gebiedsplan.bronnen.demo import demo_gemeente
    >>> analyse = run_analyse(demo_gemeente())
    >>> kaart = make_kaart(analyse.gemeente, analyse.hiaten)
    >>> "synthetisch" in kaart.get_root().render()
    True
    """
    titel = titel or f"Hiaten sociale basis - {gemeente.titel}"
    opbouw = _start(
        gemeente,
        titel=titel,
        ondertitel="Loopafstand over het wegennet tot de dichtstbijzijnde voorziening, per wijk.",
        soort="hiaten",
        grenzen=_bounds(gemeente.wijken),
        profiel=profiel,
    )
    _gap_layers(
        opbouw,
        gemeente.wijken,
        hiaten,
        sleutel="wijkcode",
        naamkolom="wijknaam",
        gebiedsnaam="Wijk",
        groep="Hiaat per voorziening",
    )
    _voorzieningen(opbouw)
    _accommodaties(opbouw)
    _gebieden(opbouw)
    _wegen(opbouw)
    return _finish(opbouw)


def _gebied_tabel(tabel: pd.DataFrame, verborgen: frozenset[str]) -> str:
    """The gap table of one gebied (rows: categories) as a small HTML table."""
    kop = (
        "<tr><th>Voorziening</th><th>Aantal</th><th>Binnen norm</th><th>Buiten norm</th>"
        "<th>Hiaatscore</th><th>Capaciteitstekort</th></tr>"
    )
    regels = []
    for categorie, r in tabel.iterrows():
        if categorie in verborgen:
            continue
        tekort = r.get("capaciteitstekort")
        eenheid = r.get("capaciteit_eenheid")
        tekort_tekst = (
            "-"
            if tekort is None or pd.isna(tekort)
            else f"{_getal(tekort)} {eenheid}"
            if isinstance(eenheid, str)
            else _getal(tekort)
        )
        regels.append(
            f"<tr><td>{_tekst(r['categorie_label'])}</td>"
            f"<td>{_getal(r['aantal_voorzieningen'])}</td>"
            f"<td>{_pct(r['aandeel_binnen_norm'])}</td>"
            f"<td>{_getal(r['inwoners_buiten_norm'])}</td>"
            f"<td>{_getal(r['hiaatscore'])}</td><td>{_tekst(tekort_tekst)}</td></tr>"
        )
    return f"<table>{kop}{''.join(regels)}</table>"


def make_gebied_kaart(
    gemeente: Gemeente,
    analyse: Any,
    gebied: str,
    *,
    titel: str | None = None,
    profiel: Publicatieprofiel | None = None,
) -> folium.Map:
    """Map of one gebied (Rijnpark, a pilot area): zoomed to it, its outline, the gap per
    category per buurt (``analyse.hiaten_buurt``), the gap table of the gebied
    (``analyse.hiaten_gebied``) in a panel, facilities and accommodations in and around it.

    Parameters
    ----------
    gemeente
        The loaded gemeente.
    analyse
        :class:`gebiedsplan.analyse.Analyse` of the gemeente.
    gebied
        Name of a gebied of the gemeente file.
    titel
        Map title; default "<gebied> - hiaten per buurt".
    profiel
        Publishing profile.

    Raises
    ------
    GemeenteError
        When the gebied is unknown or the analysis has no gap table for it.

    Examples
    --------
    >>> from gebiedsplan.analyse import run_analyse
    >>> from gebiedsplan.bronnen.demo import demo_gemeente
    >>> analyse = run_analyse(demo_gemeente())
    >>> kaart = make_gebied_kaart(analyse.gemeente, analyse, "Havenkwartier")
    >>> "Havenkwartier - hiaten per buurt" in kaart.get_root().render()
    True
    """
    problemen = []
    if gebied not in gemeente.gebieden:
        problemen.append(
            f"gebied '{gebied}' staat niet in het gemeentebestand; bekend: "
            f"{', '.join(gemeente.gebieden) or 'geen'}"
        )
    tabel = analyse.hiaten_gebied
    if tabel is None or gebied not in set(tabel.index.get_level_values(0)):
        problemen.append(
            f"de analyse heeft geen hiatentabel voor gebied '{gebied}' (hiaten_gebied); draai "
            "run_analyse opnieuw nadat het gebied in het gemeentebestand staat"
        )
    if problemen:
        raise GemeenteError(
            f"Gebiedskaart voor '{gebied}' ({gemeente.titel}) niet gemaakt:\n  - "
            + "\n  - ".join(problemen)
        )
    g = gemeente.gebieden[gebied]
    buurten = gemeente.buurten.loc[list(g.buurten)]
    omgeving = g.geometrie.buffer(500)
    opbouw = _start(
        gemeente,
        titel=titel or f"{gebied} - hiaten per buurt",
        ondertitel=(
            f"{g.naam} ({g.soort}), {len(buurten)} buurten. Loopafstand over het wegennet tot de "
            "dichtstbijzijnde voorziening, per buurt."
        ),
        soort="gebied",
        grenzen=_bounds(g.geometrie.union(shapely.union_all(buurten.geometry.to_numpy()))),
        profiel=profiel,
    )
    _gap_layers(
        opbouw,
        buurten,
        analyse.hiaten_buurt,
        sleutel="buurtcode",
        naamkolom="buurtnaam",
        gebiedsnaam="Buurt",
        groep="Hiaat per voorziening (buurten)",
    )
    _voorzieningen(opbouw, binnen=omgeving)
    _accommodaties(opbouw, binnen=omgeving)
    _gebieden(opbouw, alleen=gebied)
    if gemeente.plannen is not None and "gebied" in gemeente.plannen.columns:
        plannen = gemeente.plannen[gemeente.plannen["gebied"] == gebied]
        if not plannen.empty:
            per_fase = plannen.groupby(["fase", "jaar_gereed"])["woningen"].sum()
            tekst = "Woningbouw: " + "; ".join(
                f"{f} (gereed {j}): {_getal(n)} woningen" for (f, j), n in per_fase.items()
            )
            _omtrek(
                opbouw,
                gpd.GeoSeries([shapely.union_all(plannen.geometry.to_numpy())], crs=settings.crs),
                naam="Woningbouwplannen",
                tooltips=[tekst],
                kleur="#7a0177",
                dik=2,
                streep="2 4",
            )
    verborgen = publiceren.hidden_categories(opbouw.profiel)
    pagina = opbouw.kaart.get_root()
    assert isinstance(pagina, Figure)
    pagina.html.add_child(
        Element(
            '<details id="gebiedsplan-tabel" class="gp-paneel" open style="top: 130px;'
            ' left: 60px; max-height: 40%; overflow: auto;">'
            f"<summary>Hiaten in {_tekst(gebied)}</summary>"
            f"{_gebied_tabel(tabel.xs(gebied, level=0), verborgen)}</details>"
        )
    )
    return _finish(opbouw)


def _indicator_labels() -> dict[str, str]:
    from gebiedsplan.bronnen._statline import load_cbs_config

    spec = load_cbs_config().get("gezondheid", {}).get("indicatoren", {})
    return {k: str(v.get("label", k)) for k, v in spec.items()}


def _indicator_richting() -> dict[str, int]:
    """+1: a higher value is unfavourable (eenzaam), -1: favourable (ervaren gezondheid goed)."""
    from gebiedsplan.profielen import profiel_config

    zorgvraag = profiel_config().get("zorgvraag", {}) or {}
    return {k: int(v.get("richting", 1)) for k, v in zorgvraag.items()}


def _klassegrenzen(waarden: pd.Series, n: int = 5) -> list[float]:
    """Class bounds at the quantiles of the published values (rounded to one decimal)."""
    geldig = waarden.dropna().astype(float)
    if geldig.empty:
        return [0.0, 1.0]
    grenzen = sorted({round(float(q), 1) for q in geldig.quantile(np.linspace(0, 1, n + 1))})
    if len(grenzen) == 1:
        grenzen.append(grenzen[0] + 0.1)
    return grenzen


def make_gezondheid_kaart(
    gemeente: Gemeente,
    *,
    indicatoren: Sequence[str] | None = None,
    niveau: str = "buurt",
    leeftijd: str = "18+",
    titel: str | None = None,
    profiel: Publicatieprofiel | None = None,
) -> folium.Map:
    """Choropleth of health indicators (``gezondheid`` layer), one switchable layer each.

    Values of areas under the profile's minimum population are suppressed before they reach
    the page (:func:`gebiedsplan.publiceren.suppress_gezondheid`) and shown grey as
    "onderdrukt"; values the source does not publish as "niet gepubliceerd".

    Parameters
    ----------
    gemeente
        The loaded gemeente, with a ``gezondheid`` layer.
    indicatoren
        Indicators to show; default every indicator of the layer.
    niveau
        ``buurt`` or ``wijk``.
    leeftijd
        Age group of the indicators: ``18+`` or ``65+``.
    titel, profiel
        Map title; publishing profile.

    Examples
    --------
    >>> from gebiedsplan.bronnen.demo import demo_gemeente
    >>> kaart = make_gezondheid_kaart(demo_gemeente())
    >>> "onderdrukt" in kaart.get_root().render()
    True
    """
    if gemeente.gezondheid is None or gemeente.gezondheid.empty:
        raise GemeenteError(
            f"Gemeente {gemeente.code} heeft geen laag gezondheid; haal die op met "
            "'gebiedsplan ophalen' of importeer het RIVM-bestand."
        )
    if niveau not in ("buurt", "wijk"):
        raise GebiedsplanError(f"niveau moet 'buurt' of 'wijk' zijn, niet '{niveau}'")
    vlakken = gemeente.buurten if niveau == "buurt" else gemeente.wijken
    naamkolom = "buurtnaam" if niveau == "buurt" else "wijknaam"
    profiel = profiel if profiel is not None else load_publicatieprofiel()
    opbouw = _start(
        gemeente,
        titel=titel or f"Gezondheid per {niveau} - {gemeente.titel}",
        ondertitel=(
            f"Gezondheidsmonitor (RIVM/GGD), {leeftijd}, per {niveau}. Waarden van gebieden met "
            "minder dan "
            f"{profiel.min_inwoners_gezondheid} inwoners "
            "worden niet getoond."
        ),
        soort="gezondheid",
        grenzen=_bounds(vlakken),
        profiel=profiel,
    )
    minimum = opbouw.profiel.min_inwoners_gezondheid
    gez = suppress_gezondheid(
        gemeente.gezondheid, gemeente.buurten, wijken=gemeente.wijken, profiel=opbouw.profiel
    )
    voorvoegsel = "BU" if niveau == "buurt" else "WK"
    gez = gez[gez["code"].astype(str).str.startswith(voorvoegsel)]
    if "leeftijd" in gez.columns:
        gez = gez[gez["leeftijd"].fillna("18+") == leeftijd]
    labels, richting = _indicator_labels(), _indicator_richting()
    beschikbaar = list(dict.fromkeys(gez["indicator"]))
    if not beschikbaar:
        raise GebiedsplanError(
            f"De laag gezondheid van gemeente {gemeente.code} heeft geen cijfers per {niveau} "
            f"voor {leeftijd}; kies een ander niveau of een andere leeftijd."
        )
    gekozen = list(indicatoren) if indicatoren is not None else beschikbaar
    if onbekend := [i for i in gekozen if i not in beschikbaar]:
        raise GebiedsplanError(
            f"Indicator {', '.join(onbekend)} staat niet in de laag gezondheid ({leeftijd}, "
            f"{niveau}); beschikbaar: {', '.join(beschikbaar) or 'geen'}"
        )
    for i, indicator in enumerate(gekozen):
        rijen = gez[gez["indicator"] == indicator]
        rijen = (
            rijen[rijen["jaar"] == rijen["jaar"].max()].drop_duplicates("code").set_index("code")
        )
        rijen = rijen.reindex(vlakken.index)
        label = labels.get(indicator, indicator.replace("_", " ").capitalize())
        jaar = int(gez.loc[gez["indicator"] == indicator, "jaar"].max())
        grenzen = _klassegrenzen(rijen["waarde"])
        kleuren = GEZONDHEID_KLEUREN[: len(grenzen) - 1]
        if richting.get(indicator, 1) < 0:
            kleuren = kleuren[::-1]
        eenheid = next((e for e in rijen["eenheid"].dropna() if isinstance(e, str)), "%")
        status = rijen["publicatie"].fillna(NIET_GEPUBLICEERD)
        waarden = [None if pd.isna(v) else float(v) for v in rijen["waarde"]]
        teksten = [
            f"{_getal(v, 1)}%"
            if s == "gepubliceerd" and v is not None
            else f"{ONDERDRUKT} (minder dan {minimum} inwoners)"
            if s == ONDERDRUKT
            else f"{NIET_GEPUBLICEERD} door de bron"
            for v, s in zip(waarden, status, strict=True)
        ]
        frame = gpd.GeoDataFrame(
            {
                "naam": [_tekst(n) for n in vlakken[naamkolom]],
                "code": [_tekst(c) for c in vlakken.index],
                "waarde": waarden,
                "waarde_tekst": teksten,
                "_kleur": [_klasse(v, grenzen, kleuren) for v in waarden],
            },
            geometry=vlakken.geometry.to_numpy(),
            crs=vlakken.crs,
        )
        legenda_id = f"legenda-gezondheid-{i}"
        legenda = legenda_html(
            f"{label} ({jaar})",
            [
                *(
                    (k, f"{_getal(a, 1)} - {_getal(b, 1)}%")
                    for k, a, b in zip(kleuren, grenzen[:-1], grenzen[1:], strict=True)
                ),
                (GEEN_WAARDE_KLEUR, f"{ONDERDRUKT} of {NIET_GEPUBLICEERD}"),
            ],
            id_=legenda_id,
            toelichting=f"Rood = ongunstig. {eenheid}.",
        )
        _choropleet(
            opbouw,
            frame,
            naam=f"{label} ({jaar})",
            velden={
                "naam": niveau.capitalize(),
                "code": f"{niveau.capitalize()}code",
                "waarde_tekst": label,
            },
            groep="Gezondheid",
            show=i == 0,
            legenda=legenda,
        )
    _gebieden(opbouw)
    return _finish(opbouw)


def compute_groen_aandeel(vlakken: gpd.GeoDataFrame, raster: str | Path) -> pd.Series:
    """Mean green share (0-1) of each polygon: the mean of the raster cells whose centre lies
    inside it (zonal mean; cells without a value are left out).

    Parameters
    ----------
    vlakken
        Polygons (wijken, buurten) in EPSG:28992; they should not overlap (a cell counts for
        the last polygon that covers it).
    raster
        Green-share GeoTIFF (0-1) in EPSG:28992, e.g. ``gemeente.groen_raster``.

    Returns
    -------
    pandas.Series
        ``groen_aandeel`` per polygon, aligned to ``vlakken``; missing where no cell centre
        falls inside.

    Raises
    ------
    CRSError
        When the polygons or the raster are not in EPSG:28992.

    Examples
    --------
    >>> from gebiedsplan.bronnen.demo import demo_gemeente
    >>> g = demo_gemeente()
    >>> aandeel = compute_groen_aandeel(g.wijken, g.groen_raster)
    >>> bool(((aandeel > 0) & (aandeel < 1)).all())
    True
    """
    if vlakken.crs is None or not vlakken.crs.equals(settings.crs):
        raise CRSError(
            f"Vlakken voor het groenaandeel staan in {vlakken.crs}, niet in {settings.crs}; "
            f"gebruik to_crs('{settings.crs}')."
        )
    n = len(vlakken)
    with rasterio.open(raster) as bron:
        if bron.crs is None or bron.crs.to_epsg() != 28992:
            raise CRSError(
                f"Groenraster {raster} staat in {bron.crs}, niet in {settings.crs}; lees het in "
                "met gebiedsplan.bronnen.raster.read_groen_raster (dat herprojecteert)."
            )
        t = bron.transform
        if t.b != 0 or t.d != 0 or t.a <= 0 or t.e >= 0:
            raise GebiedsplanError(
                f"Groenraster {raster} is gedraaid of gespiegeld; schrijf het noord-boven weg "
                "(gebiedsplan.bronnen.raster.read_groen_raster)."
            )
        minx, miny, maxx, maxy = vlakken.total_bounds
        kol0 = max(0, math.floor((minx - t.c) / t.a))
        kol1 = min(bron.width, math.ceil((maxx - t.c) / t.a))
        rij0 = max(0, math.floor((maxy - t.f) / t.e))
        rij1 = min(bron.height, math.ceil((miny - t.f) / t.e))
        venster = rasterio.windows.Window(kol0, rij0, max(0, kol1 - kol0), max(0, rij1 - rij0))
        waarden = bron.read(1, window=venster, masked=True).astype(float).filled(np.nan)
        transform = Affine(t.a, 0.0, t.c + kol0 * t.a, 0.0, t.e, t.f + rij0 * t.e)
    if waarden.size == 0:
        return pd.Series(np.nan, index=vlakken.index, name="groen_aandeel")
    labels = rasterio.features.rasterize(
        ((g, i + 1) for i, g in enumerate(vlakken.geometry) if g is not None and not g.is_empty),
        out_shape=waarden.shape,
        transform=transform,
        fill=0,
        dtype="int32",
    )
    geldig = (labels > 0) & np.isfinite(waarden)
    som = np.bincount(labels[geldig], weights=waarden[geldig], minlength=n + 1)[1:]
    aantal = np.bincount(labels[geldig], minlength=n + 1)[1:]
    with np.errstate(invalid="ignore", divide="ignore"):
        gemiddeld = np.where(aantal > 0, som / np.maximum(aantal, 1), np.nan)
    return pd.Series(gemiddeld, index=vlakken.index, name="groen_aandeel")


def make_groen_kaart(
    gemeente: Gemeente, *, titel: str | None = None, profiel: Publicatieprofiel | None = None
) -> folium.Map:
    """Choropleth of the green share per wijk and per buurt (switchable), from the 10 m
    green raster of the gemeente (:func:`compute_groen_aandeel`).

    Examples
    --------
    >>> from gebiedsplan.bronnen.demo import demo_gemeente
    >>> kaart = make_groen_kaart(demo_gemeente())
    >>> "Groen per wijk" in kaart.get_root().render()
    True
    """
    if gemeente.groen_raster is None:
        raise GemeenteError(
            f"Gemeente {gemeente.code} heeft geen groenraster (<opslag>_groen_10m.tif); maak het "
            "met 'gebiedsplan importeer --groen' (groenvlakken) of een NDVI-bestand."
        )
    opbouw = _start(
        gemeente,
        titel=titel or f"Groen per wijk en buurt - {gemeente.titel}",
        ondertitel="Aandeel groen (bomen, gras, struiken) van het oppervlak, uit een raster van 10 m.",
        soort="groen",
        grenzen=_bounds(gemeente.wijken),
        profiel=profiel,
    )
    klassen = [
        (k, f"{a} - {b}%")
        for k, a, b in zip(GROEN_KLEUREN, GROEN_GRENZEN[:-1], GROEN_GRENZEN[1:], strict=True)
    ]
    opbouw.legendas.append(
        (
            legenda_html(
                "Aandeel groen",
                [*klassen, (GEEN_WAARDE_KLEUR, "geen gegevens")],
                id_="legenda-groen",
            ),
            None,
        )
    )
    for i, (niveau, vlakken, naamkolom) in enumerate(
        (("wijk", gemeente.wijken, "wijknaam"), ("buurt", gemeente.buurten, "buurtnaam"))
    ):
        aandeel = compute_groen_aandeel(vlakken, gemeente.groen_raster)
        procent = [None if pd.isna(v) else round(100 * float(v), 1) for v in aandeel]
        frame = gpd.GeoDataFrame(
            {
                "naam": [_tekst(n) for n in vlakken[naamkolom]],
                "code": [_tekst(c) for c in vlakken.index],
                "groen": procent,
                "groen_tekst": [
                    "geen gegevens" if p is None else f"{_getal(p, 1)}%" for p in procent
                ],
                "_kleur": [_klasse(p, GROEN_GRENZEN, GROEN_KLEUREN) for p in procent],
            },
            geometry=vlakken.geometry.to_numpy(),
            crs=vlakken.crs,
        )
        _choropleet(
            opbouw,
            frame,
            naam=f"Groen per {niveau}",
            velden={
                "naam": niveau.capitalize(),
                "code": f"{niveau.capitalize()}code",
                "groen_tekst": "Aandeel groen",
            },
            groep="Groen",
            show=i == 0,
        )
    if gemeente.groen is not None and 0 < len(gemeente.groen) <= MAX_WEGEN_OP_KAART:
        _omtrek(
            opbouw,
            gemeente.groen,
            naam="Groenvlakken",
            kleur="#00441b",
            dik=1,
            streep=None,
            show=False,
        )
    _gebieden(opbouw)
    return _finish(opbouw)


def make_voorzieningen_kaart(
    gemeente: Gemeente, *, titel: str | None = None, profiel: Publicatieprofiel | None = None
) -> folium.Map:
    """Facilities by category (clustered markers) and IAB accommodations with capacity and
    occupancy, over the wijk outlines.

    Examples
    --------
    >>> from gebiedsplan.bronnen.demo import demo_gemeente
    >>> kaart = make_voorzieningen_kaart(demo_gemeente())
    >>> "Accommodaties (IAB)" in kaart.get_root().render()
    True
    """
    opbouw = _start(
        gemeente,
        titel=titel or f"Voorzieningen en accommodaties - {gemeente.titel}",
        ondertitel="Voorzieningen van de sociale basis per categorie en maatschappelijke accommodaties.",
        soort="voorzieningen",
        grenzen=_bounds(gemeente.wijken),
        profiel=profiel,
    )
    _omtrek(
        opbouw,
        gemeente.wijken,
        naam="Wijken",
        tooltips=list(gemeente.wijken["wijknaam"]),
        kleur="#525252",
        dik=1.5,
        streep=None,
    )
    _voorzieningen(opbouw)
    _accommodaties(opbouw)
    _gebieden(opbouw)
    return _finish(opbouw)


def compute_bereik(
    netwerk: Netwerk,
    punt: shapely.Point,
    *,
    max_afstand_m: float,
    max_snap_m: float = MAX_SNAP_M,
) -> gpd.GeoDataFrame:
    """The network within ``max_afstand_m`` of a point: every street piece from which the
    point is reached over the network within that distance (snap distance included).

    The point is attached to its nearest segment as a facility is in the accessibility
    analysis (:func:`gebiedsplan.netwerk.insert_punten`); one Dijkstra search with a
    ``limit`` (scipy) runs towards it. A segment is reached from a node at distance ``d``
    over ``max_afstand_m - d`` metres from that node (both ways on a two-way segment, only
    up to the node on a one-way segment); the pieces of all such nodes are merged.

    Parameters
    ----------
    netwerk
        Compiled network (:func:`gebiedsplan.netwerk.compile_netwerk`).
    punt
        The facility, in EPSG:28992.
    max_afstand_m
        The distance (the norm of its category).
    max_snap_m
        A point further from the network is not attached.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per reached piece: ``kant`` (segment index, -1 for the line from the point
        to the network), ``van_m`` and ``tot_m`` (position along the segment), ``lengte_m``;
        EPSG:28992.

    Raises
    ------
    GebiedsplanError
        When the point lies further than ``max_snap_m`` from the network.

    Examples
    --------
    >>> import numpy as np, shapely
    >>> from gebiedsplan.netwerk import compile_arrays
    >>> net = compile_arrays(np.array([[0., 0.], [100., 0.], [200., 0.]]), np.array([0, 1]),
    ...     np.array([1, 2]), np.array([100., 100.]))
    >>> stukken = compute_bereik(net, shapely.Point(50, 10), max_afstand_m=110)
    >>> round(float(stukken["lengte_m"].sum()), 1)  # 10 m to the street, 100 + 50 m along it
    160.0
    """
    net = with_segments(netwerk)
    assert net.kant_van is not None and net.kant_naar is not None
    assert net.kant_lengte_m is not None and net.kant_geometrie is not None
    assert net.kant_eenrichting is not None
    kop = snap_to_edges(net, gpd.GeoSeries([punt], crs=settings.crs), max_snap_m=max_snap_m)
    if kop.los[0]:
        raise GebiedsplanError(
            f"Het punt ({punt.x:.0f}, {punt.y:.0f}) ligt {kop.afstand_m[0]:.0f} m van het "
            f"wegennet, verder dan {max_snap_m:.0f} m: het bereik is niet te bepalen. Controleer "
            "of het netwerk dit deel van de gemeente dekt."
        )
    inv = insert_punten(net, kop, np.array([[punt.x, punt.y]]))
    blad = int(inv.blad[0])
    afstand = np.asarray(
        dijkstra(inv.netwerk.graaf_terug, directed=True, indices=blad, limit=max_afstand_m)
    )
    # sources of reach along each original segment: (segment, position in m, remaining m)
    n0 = net.n_knopen
    rest = max_afstand_m - afstand[:n0]
    kanten = np.arange(len(net.kant_van))
    L = np.asarray(net.kant_lengte_m, dtype=float)
    bron_kant = [kanten, kanten]
    bron_pos = [np.zeros(len(kanten)), L]
    bron_rest = [rest[net.kant_van], rest[net.kant_naar]]
    if len(inv.split_kant):
        bron_kant.append(inv.split_kant)
        bron_pos.append(inv.split_fractie * L[inv.split_kant])
        bron_rest.append(max_afstand_m - afstand[inv.split_rij])
    k = np.concatenate(bron_kant)
    pos = np.concatenate(bron_pos)
    r = np.concatenate(bron_rest)
    bereikt = np.isfinite(r) & (r >= 0)
    k, pos, r = k[bereikt], pos[bereikt], r[bereikt]
    rijen: list[dict[str, Any]] = []
    for kant in np.unique(k):
        deze = k == kant
        lengte = L[kant]
        eenrichting = bool(net.kant_eenrichting[kant])
        stukken = sorted(
            (max(0.0, p - q), min(lengte, p if eenrichting else p + q))
            for p, q in zip(pos[deze], r[deze], strict=True)
        )
        samen: list[list[float]] = []
        for a, b in stukken:
            if samen and a <= samen[-1][1] + 1e-9:
                samen[-1][1] = max(samen[-1][1], b)
            else:
                samen.append([a, b])
        geometrie = net.kant_geometrie[kant]
        for a, b in samen:
            if b - a < 0.01 or lengte <= 0:
                continue
            rijen.append(
                {
                    "kant": int(kant),
                    "van_m": a,
                    "tot_m": b,
                    "lengte_m": b - a,
                    "geometry": shapely.ops.substring(
                        geometrie, a / lengte, b / lengte, normalized=True
                    ),
                }
            )
    snap = float(kop.afstand_m[0])
    if 0 < snap <= max_afstand_m:
        kant = int(kop.kant[0])
        projectie = shapely.line_interpolate_point(
            net.kant_geometrie[kant], float(kop.fractie[0]), normalized=True
        )
        rijen.append(
            {
                "kant": -1,
                "van_m": 0.0,
                "tot_m": snap,
                "lengte_m": snap,
                "geometry": shapely.LineString([punt, projectie]),
            }
        )
    kolommen = ["kant", "van_m", "tot_m", "lengte_m", "geometry"]
    return gpd.GeoDataFrame(
        rijen if rijen else {c: [] for c in kolommen}, columns=kolommen, crs=settings.crs
    )


def make_bereik_kaart(
    gemeente: Gemeente,
    voorziening_id: str,
    *,
    netwerk: Netwerk | None = None,
    max_afstand_m: float | None = None,
    titel: str | None = None,
    profiel: Publicatieprofiel | None = None,
) -> folium.Map:
    """The reach of one facility: the streets from which it is within its norm over the
    network (:func:`compute_bereik`), an outline of that area, and the residents inside.

    Parameters
    ----------
    gemeente
        The loaded gemeente, with a ``netwerk`` layer (and ``vraagpunten`` for the residents).
    voorziening_id
        Index of the facility in ``effective_voorzieningen(gemeente)`` (a facility, or an
        accommodation's function such as ``acc001:ontmoeting``).
    netwerk
        The compiled network, to reuse it (``analyse.netwerk``); default compiled here.
    max_afstand_m
        Distance; default the norm of the facility's category.
    titel, profiel
        Map title; publishing profile.

    Raises
    ------
    GebiedsplanError
        When the facility is unknown, may not be published, has no norm and no distance was
        given, or lies off the network.

    Examples
    --------
    >>> from gebiedsplan.bronnen.demo import demo_gemeente
    >>> g = demo_gemeente()
    >>> vz = g.voorzieningen[g.voorzieningen["naam"] == "Wijkcentrum De Markt"].index[0]
    >>> kaart = make_bereik_kaart(g, vz)
    >>> "Bereik van Wijkcentrum De Markt" in kaart.get_root().render()
    True
    """
    alle = effective_voorzieningen(gemeente)
    profiel = profiel if profiel is not None else load_publicatieprofiel()
    if voorziening_id not in alle.index:
        raise GebiedsplanError(
            f"Voorziening '{voorziening_id}' bestaat niet in gemeente {gemeente.code}; "
            f"bijvoorbeeld: {', '.join(map(str, alle.index[:5]))}"
        )
    publiek = publishable_voorzieningen(alle, profiel=profiel, accommodaties=gemeente.accommodaties)
    if voorziening_id not in publiek.index:
        raise GebiedsplanError(
            f"Voorziening '{voorziening_id}' wordt volgens het publicatieprofiel niet "
            "gepubliceerd (gevoelige locatie); er wordt geen kaart van gemaakt."
        )
    if gemeente.netwerk is None and netwerk is None:
        raise GemeenteError(
            f"Gemeente {gemeente.code} heeft geen wegennetwerk; het bereik gaat over het netwerk."
        )
    vz = alle.loc[voorziening_id]
    categorie = str(vz["categorie"])
    cat = load_catalogus().categorieen[categorie]
    if max_afstand_m is None:
        if categorie not in gemeente.normen:
            raise GebiedsplanError(
                f"Categorie '{categorie}' heeft geen norm; geef max_afstand_m op."
            )
        max_afstand_m = float(gemeente.normen[categorie].max_afstand_m)
    netwerk = netwerk if netwerk is not None else compile_netwerk(gemeente.netwerk)
    punt = vz.geometry
    stukken = compute_bereik(netwerk, punt, max_afstand_m=max_afstand_m)
    inwoners_binnen: int | None = None
    if gemeente.vraagpunten is not None:
        aansluiting = connect_points(gemeente.vraagpunten, alle.loc[[voorziening_id]], netwerk)
        afstand = nearest_per_point(aansluiting, np.array([True]))
        binnen = np.nan_to_num(afstand, nan=np.inf) <= max_afstand_m
        inwoners_binnen = int(gemeente.vraagpunten["inwoners"].to_numpy()[binnen].sum())
    naam = str(vz["naam"])
    vlak = (
        shapely.concave_hull(shapely.union_all(stukken.geometry.to_numpy()), ratio=0.3).buffer(15)
        if len(stukken)
        else punt.buffer(max_afstand_m / 10)
    )
    opbouw = _start(
        gemeente,
        titel=titel or f"Bereik van {naam}",
        ondertitel=(
            f"{cat.label}: straten vanwaar {naam} binnen {_getal(max_afstand_m)} m lopen over het "
            "wegennet ligt."
            + (
                f" {_getal(inwoners_binnen)} inwoners wonen binnen die afstand."
                if inwoners_binnen is not None
                else ""
            )
        ),
        soort="bereik",
        grenzen=_bounds(vlak.buffer(100)),
        profiel=profiel,
    )
    lengte = float(stukken["lengte_m"].sum())
    gebied = gpd.GeoDataFrame(
        {
            "tekst": [
                _tekst(
                    f"Bereikbaar gebied (benadering): binnen {_getal(max_afstand_m)} m van {naam}"
                    + (
                        f"; {_getal(inwoners_binnen)} inwoners"
                        if inwoners_binnen is not None
                        else ""
                    )
                )
            ],
            "_kleur": [BEREIK_KLEUR],
        },
        geometry=[vlak],
        crs=settings.crs,
    )
    laag = folium.FeatureGroup(name="Bereikbaar gebied (benadering)", show=True)
    folium.GeoJson(
        _wgs84(gebied).__geo_interface__,
        style_function=lambda f: {
            "fillColor": BEREIK_KLEUR,
            "color": BEREIK_KLEUR,
            "weight": 1,
            "fillOpacity": 0.12,
        },
        tooltip=folium.GeoJsonTooltip(fields=["tekst"], labels=False),
    ).add_to(laag)
    laag.add_to(opbouw.kaart)
    straten = gpd.GeoDataFrame(
        {"lengte_m": stukken["lengte_m"].round(1).to_numpy()},
        geometry=stukken.geometry.to_numpy(),
        crs=settings.crs,
    )
    laag = folium.FeatureGroup(
        name=_tekst(f"Straten binnen {_getal(max_afstand_m)} m ({_getal(lengte / 1000, 1)} km)"),
        show=True,
    )
    folium.GeoJson(
        _wgs84(straten).__geo_interface__,
        style_function=lambda f: {"color": BEREIK_KLEUR, "weight": 4, "opacity": 0.85},
    ).add_to(laag)
    laag.add_to(opbouw.kaart)
    opbouw.legendas.append(
        (
            legenda_html(
                f"Bereik binnen {_getal(max_afstand_m)} m",
                [(BEREIK_KLEUR, "straat binnen bereik"), (cat.kleur, naam)],
                id_="legenda-bereik",
                toelichting=f"{_getal(lengte / 1000, 1)} km straat bereikt",
            ),
            None,
        )
    )
    gekozen = folium.FeatureGroup(name=_tekst(naam), show=True)
    gekozen.add_child(
        _Punten(
            _punten_data(
                alle.loc[[voorziening_id]],
                [_voorziening_popup(vz, cat.label)],
                [_tekst(naam)],
            ),
            kleur=cat.kleur,
        )
    )
    gekozen.add_to(opbouw.kaart)
    _voorzieningen(opbouw, binnen=vlak.buffer(max_afstand_m))
    _gebieden(opbouw)
    return _finish(opbouw)


def _scenario_grenzen(maximum: float) -> list[float]:
    """Class bounds for differences up to ``maximum``: 7 classes, "no change" in the middle,
    steps of a round size (1, 2, 2.5 or 5 x 10^k, about a third of the maximum) either side.

    Examples
    --------
    >>> _scenario_grenzen(1104)
    [-1500.0, -1000.0, -500.0, -0.5, 0.5, 500.0, 1000.0, 1500.0]
    """
    doel = max(float(maximum), 3.0) / 3
    macht = 10 ** math.floor(math.log10(doel))
    stap = float(next(f * macht for f in (1, 2, 2.5, 5, 10) if f * macht >= doel))
    return [-3 * stap, -2 * stap, -stap, -0.5, 0.5, stap, 2 * stap, 3 * stap]


def make_scenario_kaart(
    gemeente: Gemeente,
    verschil: pd.DataFrame,
    *,
    titel: str | None = None,
    profiel: Publicatieprofiel | None = None,
) -> folium.Map:
    """Map of a scenario's difference per wijk: residents outside the norm, scenario minus
    baseline, one switchable layer per category that changed (red = more residents outside
    the norm, blue = fewer).

    Parameters
    ----------
    gemeente
        The gemeente the scenario was run on (the baseline).
    verschil
        ``compare_scenario(...).verschil`` (index ``wijkcode``, ``categorie``).
    titel, profiel
        Map title; publishing profile.

    Examples
    --------
    >>> from gebiedsplan.analyse import run_analyse
    >>> from gebiedsplan.bronnen.demo import demo_gemeente
    >>> from gebiedsplan.scenario import compare_scenario, load_scenario
    >>> g = demo_gemeente()
    >>> r = compare_scenario(run_analyse(g),
    ...     load_scenario("wijken/scenarios/demo_sluit_havenhuis.yml", g))
    >>> kaart = make_scenario_kaart(g, r.verschil)
    >>> "meer inwoners buiten de norm" in kaart.get_root().render()
    True
    """
    nodig = {"inwoners_buiten_norm_verschil", "inwoners_buiten_norm_basis"}
    if missend := sorted(nodig - set(verschil.columns)):
        raise GebiedsplanError(
            f"verschil mist kolom {', '.join(missend)}; geef compare_scenario(...).verschil"
        )
    opbouw = _start(
        gemeente,
        titel=titel or f"Scenario: verschil per wijk - {gemeente.titel}",
        ondertitel="Verschil in inwoners buiten de norm per wijk: scenario min huidige situatie.",
        soort="scenario",
        grenzen=_bounds(gemeente.wijken),
        profiel=profiel,
    )
    catalogus = load_catalogus()
    verborgen = publiceren.hidden_categories(opbouw.profiel)
    veranderd = set(verschil.index.get_level_values("categorie"))
    categorieen = [c for c in catalogus.categorieen if c in veranderd and c not in verborgen]
    waarden = verschil["inwoners_buiten_norm_verschil"].astype(float)
    grenzen = _scenario_grenzen(float(waarden.abs().max()) if len(waarden) else 1.0)
    stap, dubbel = _getal(grenzen[5]), _getal(grenzen[6])
    klassen = [
        (SCENARIO_KLEUREN[6], f"+{dubbel} of meer"),
        (SCENARIO_KLEUREN[5], f"+{stap} tot +{dubbel}"),
        (SCENARIO_KLEUREN[4], f"+1 tot +{stap}"),
        (SCENARIO_KLEUREN[3], "geen verandering"),
        (SCENARIO_KLEUREN[2], f"-1 tot -{stap}"),
        (SCENARIO_KLEUREN[1], f"-{stap} tot -{dubbel}"),
        (SCENARIO_KLEUREN[0], f"-{dubbel} of meer"),
    ]
    opbouw.legendas.append(
        (
            legenda_html(
                "Verschil in inwoners buiten de norm",
                klassen,
                id_="legenda-scenario",
                toelichting=(
                    "rood: meer inwoners buiten de norm; blauw: minder inwoners buiten de norm"
                ),
            ),
            None,
        )
    )
    wijken = gemeente.wijken
    for i, categorie in enumerate(categorieen):
        label = catalogus.categorieen[categorie].label
        deel = verschil.xs(categorie, level="categorie").reindex(wijken.index)
        v = deel["inwoners_buiten_norm_verschil"].astype(float)
        gewijzigd = v.notna()
        v = v.fillna(0.0)
        frame = gpd.GeoDataFrame(
            {
                "naam": [_tekst(n) for n in wijken["wijknaam"]],
                "code": [_tekst(c) for c in wijken.index],
                "verschil": [round(float(x)) for x in v],
                "verschil_tekst": [
                    "geen verandering"
                    if not g or x == 0
                    else f"{_getal(abs(x))} {'meer' if x > 0 else 'minder'} inwoners buiten de norm"
                    for x, g in zip(v, gewijzigd, strict=True)
                ],
                "basis": [
                    "-" if pd.isna(x) else _getal(x) for x in deel["inwoners_buiten_norm_basis"]
                ],
                "scenario": [
                    "-" if pd.isna(x) else _getal(x)
                    for x in deel.get(
                        "inwoners_buiten_norm_scenario", pd.Series(np.nan, index=deel.index)
                    )
                ],
                "_kleur": [_klasse(x, grenzen, SCENARIO_KLEUREN) for x in v],
            },
            geometry=wijken.geometry.to_numpy(),
            crs=wijken.crs,
        )
        _choropleet(
            opbouw,
            frame,
            naam=label,
            velden={
                "naam": "Wijk",
                "code": "Wijkcode",
                "verschil_tekst": "Verschil",
                "basis": "Buiten de norm nu",
                "scenario": "Buiten de norm in het scenario",
            },
            groep="Verschil per voorziening",
            show=i == 0,
        )
    if not categorieen:
        log.warning("Het scenario verandert niets dat op de kaart kan: lege scenariokaart")
    _voorzieningen(opbouw)
    _gebieden(opbouw)
    return _finish(opbouw)


# --------------------------------------------------------------------------- writing


def render_kaart(kaart: folium.Map, *, datum: dt.date | None = None) -> str:
    """The map as one self-contained HTML page: libraries inlined, ``lang="nl"``, publication
    date ``datum`` (default today) in ``<meta name="gebiedsplan:gepubliceerd">``
    (:func:`gebiedsplan.publiceren.publish_html`).

    Examples
    --------
    >>> from gebiedsplan.bronnen.demo import demo_gemeente
    >>> pagina = render_kaart(make_voorzieningen_kaart(demo_gemeente()))
    >>> "<script src=" in pagina
    False
    """
    return publiceren.publish_html(kaart.get_root().render(), datum=datum)


def save_kaart(kaart: folium.Map, pad: str | Path, *, datum: dt.date | None = None) -> Path:
    """Write a map as one self-contained HTML file (:func:`render_kaart`), atomically.

    The file opens without a server and without internet (then without background tiles).
    Run :func:`gebiedsplan.publiceren.write_index` on its folder to list it in ``index.html``.
    """
    pad = Path(pad)
    pagina = render_kaart(kaart, datum=datum)
    with atomic_path(pad) as tmp:
        tmp.write_text(pagina, encoding="utf-8")
    log.info("Kaart geschreven: %s (%.0f kB)", pad, pad.stat().st_size / 1000)
    return pad
