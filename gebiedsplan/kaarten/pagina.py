"""The fixed parts of every map page: Leaflet page elements (attribution line, Dutch zoom and
scale controls, CSS-dot markers, legends that follow their layer), the CSS, and the HTML
panels for the title, the sources and dates, and the legends.

Every text that comes from data is escaped (:func:`gebiedsplan.publiceren.pagina.escape_tekst`),
and every colour from data is checked (:func:`veilige_kleur`) before it reaches the page.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from typing import Any

from branca.element import MacroElement
from jinja2 import Template

from gebiedsplan.gemeente import Gemeente
from gebiedsplan.publiceren.herkomst import fictieve_delen, kies_lagen, waarschuwing
from gebiedsplan.publiceren.pagina import escape_tekst
from gebiedsplan.publiceren.profiel import Publicatieprofiel

log = logging.getLogger(__name__)

_KLEUR = re.compile(r"^#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?$")
_CODE = re.compile(r"^[a-z0-9_]+$")


class Attributie(MacroElement):
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


class Bediening(MacroElement):
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


class Punten(MacroElement):
    """Point markers (CSS dots) with a popup and a tooltip, made in the browser from embedded
    GeoJSON (properties ``popup`` and ``naam``, already escaped) and added to the parent layer
    (a marker cluster or a feature group). With ``categorie`` every dot carries it as
    ``data-categorie`` (the category switch and the tests count by it)."""

    _template = Template(
        """{% macro script(this, kwargs) %}
        var {{ this.get_name() }}_data = {{ this.data|tojson }};
        (function () {
            var opties = {{ this.opties|tojson }};
            var html = '<span class="' + opties.vorm + '" style="background:' + opties.kleur
                + '"' + (opties.categorie ? ' data-categorie="' + opties.categorie + '"' : '')
                + '></span>';
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

    def __init__(
        self,
        data: dict[str, Any],
        *,
        kleur: str,
        vorm: str = "gp-punt",
        categorie: str | None = None,
    ) -> None:
        super().__init__()
        self._name = "Punten"
        self.data = data
        self.opties = {
            "kleur": veilige_kleur(kleur),
            "vorm": vorm,
            "categorie": veilige_code(categorie) if categorie is not None else "",
        }


class CategorieWissel(MacroElement):
    """The category switch of a map with a choropleth per category: choosing a category's
    choropleth (in the layer control) shows that category's facility layer and takes the
    others off the map; the key's button "alle voorzieningen" brings back the first view.
    The key (:func:`sleutel_html`) fades the categories that are off.

    ``vlakken``: (folium variable of a choropleth layer, category); ``punten``: (category,
    folium variable of its facility layer)."""

    _template = Template(
        """{% macro script(this, kwargs) %}
        (function () {
            var kaart = {{ this._parent.get_name() }};
            var vlakken = {};
            {% for laag, cat in this.vlakken %}vlakken[L.stamp({{ laag }})] = {{ cat|tojson }};
            {% endfor %}
            var punten = {};
            {% for cat, laag in this.punten %}punten[{{ cat|tojson }}] = {{ laag }};
            {% endfor %}
            var begin = {};
            Object.keys(punten).forEach(function (c) { begin[c] = kaart.hasLayer(punten[c]); });
            var sleutel = document.getElementById("gebiedsplan-sleutel");
            function bij() {
                if (!sleutel) { return; }
                sleutel.querySelectorAll("[data-categorie]").forEach(function (el) {
                    var c = el.getAttribute("data-categorie");
                    if (punten[c]) { el.classList.toggle("gp-uit", !kaart.hasLayer(punten[c])); }
                });
            }
            function toon(gekozen) {
                Object.keys(punten).forEach(function (c) {
                    var aan = gekozen === null ? begin[c] : c === gekozen;
                    if (aan && !kaart.hasLayer(punten[c])) { kaart.addLayer(punten[c]); }
                    if (!aan && kaart.hasLayer(punten[c])) { kaart.removeLayer(punten[c]); }
                });
                if (sleutel) {
                    sleutel.setAttribute("data-gekozen", gekozen === null ? "alle" : gekozen);
                }
                bij();
            }
            kaart.on("layeradd", function (e) {
                var c = vlakken[L.stamp(e.layer)];
                if (c !== undefined && punten[c]) { toon(c); }
            });
            kaart.on("layeradd layerremove", bij);
            var knop = document.getElementById("gebiedsplan-alle");
            if (knop) { knop.addEventListener("click", function () { toon(null); }); }
            window.gebiedsplanToonCategorie = toon;
            bij();
        })();
        {% endmacro %}"""
    )

    def __init__(self, vlakken: list[tuple[str, str]], punten: list[tuple[str, str]]) -> None:
        super().__init__()
        self._name = "CategorieWissel"
        self.vlakken = vlakken
        self.punten = punten


class PassendBeeld(MacroElement):
    """Fits the view to ``grenzen`` in the part of the map the panels leave free: padding on
    the left as wide as the panels there (legend, gebied table, sources), on the right as the
    layer controls and the facility key, on top as the title. When less than 30% of the width
    would stay free, the gebied table folds up first, then the padding shrinks. The facility key
    is first lifted above the attribution line."""

    _template = Template(
        """{% macro script(this, kwargs) %}
        (function () {
            var kaart = {{ this._parent.get_name() }};
            var grenzen = {{ this.grenzen|tojson }};
            function rand(sel, kant, b) {
                var m = 10;
                document.querySelectorAll(sel).forEach(function (el) {
                    var r = el.getBoundingClientRect();
                    if (!r.width || !r.height || getComputedStyle(el).display === "none") {
                        return;
                    }
                    m = Math.max(m, (kant === "links" ? r.right - b.left
                        : kant === "rechts" ? b.right - r.left : r.bottom - b.top) + 10);
                });
                return m;
            }
            function maten() {
                var b = kaart.getContainer().getBoundingClientRect();
                return {
                    b: b,
                    links: rand("#gebiedsplan-legenda, #gebiedsplan-tabel, #gebiedsplan-bronnen",
                        "links", b),
                    rechts: rand(".leaflet-right.leaflet-top .leaflet-control, #gebiedsplan-sleutel",
                        "rechts", b),
                    boven: rand("#gebiedsplan-titel", "boven", b)
                };
            }
            // the key sits above the attribution line, however many lines that takes
            var sleutel = document.getElementById("gebiedsplan-sleutel");
            var bron = kaart.getContainer().querySelector(".leaflet-control-attribution");
            if (sleutel && bron) {
                sleutel.style.bottom = (bron.getBoundingClientRect().height + 8) + "px";
            }
            var m = maten();
            var tabel = document.getElementById("gebiedsplan-tabel");
            if (tabel && m.b.width - m.links - m.rechts < 0.3 * m.b.width) {
                tabel.open = false;
                m = maten();
            }
            var vrij = m.b.width - m.links - m.rechts;
            if (vrij < 0.3 * m.b.width) {
                var f = 0.7 * m.b.width / (m.links + m.rechts);
                m.links *= f;
                m.rechts *= f;
            }
            var boven = Math.min(m.boven, 0.4 * m.b.height);
            kaart.fitBounds(grenzen, {paddingTopLeft: [m.links, boven],
                paddingBottomRight: [m.rechts, 10], animate: false});
            window.gebiedsplanBeeld = {links: m.links, rechts: m.rechts, boven: boven,
                grenzen: grenzen};
        })();
        {% endmacro %}"""
    )

    def __init__(self, grenzen: list[list[float]]) -> None:
        super().__init__()
        self._name = "PassendBeeld"
        self.grenzen = grenzen


class LegendaWissel(MacroElement):
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


KAART_CSS = """<style>
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
#gebiedsplan-sleutel { bottom: 28px; right: 10px; max-width: 240px; max-height: 40%;
  overflow: auto; }
#gebiedsplan-sleutel > div { white-space: nowrap; line-height: 16px; }
#gebiedsplan-sleutel .gp-punt, #gebiedsplan-sleutel .gp-vierkant { display: inline-block;
  vertical-align: middle; margin-right: 6px; }
#gebiedsplan-sleutel .gp-uit { opacity: 0.35; }
#gebiedsplan-sleutel small { display: block; max-width: 220px; white-space: normal;
  margin-top: 4px; }
#gebiedsplan-sleutel button { margin-top: 4px; font-size: 12px; }
.leaflet-container { font-family: sans-serif; }
.leaflet-control-layers { font-size: 13px; }
.leaflet-control-layers-expanded { max-width: 250px; }
.leaflet-control-layers-expanded label { white-space: normal; line-height: 1.25; }
.leaflet-container .leaflet-control-attribution { font-size: 11px; max-width: 55%; }
</style>"""


def veilige_kleur(kleur: str) -> str:
    """A colour from the catalogue (data) as it may go into a style: ``#rgb`` or ``#rrggbb``."""
    if isinstance(kleur, str) and _KLEUR.match(kleur):
        return kleur
    log.warning("Kleur %r is geen #rrggbb-kleur; grijs gebruikt", kleur)
    return "#737373"


def veilige_code(code: str) -> str:
    """A category code (data) as it may go into an attribute: lower-case letters, digits, ``_``.

    Examples
    --------
    >>> veilige_code("huisarts"), veilige_code('x" onclick="y')
    ('huisarts', 'onbekend')
    """
    if isinstance(code, str) and _CODE.match(code):
        return code
    log.warning("Categorie %r is geen code van kleine letters; 'onbekend' gebruikt", code)
    return "onbekend"


def sleutel_html(
    items: Sequence[tuple[str, str, str, int]], *, accommodaties: int = 0, wissel: bool = False
) -> str:
    """The key of the facility categories (bottom right): per category ``(code, label,
    colour, count)`` a dot in the marker's colour, and the IAB accommodations' square. With
    ``wissel`` (a map with a category switch, :class:`CategorieWissel`) a line says what is
    shown and a button brings back all facilities.

    Examples
    --------
    >>> html = sleutel_html([("huisarts", "Huisarts", "#e31a1c", 12)])
    >>> 'data-categorie="huisarts"' in html and "Huisarts (12)" in html
    True
    """
    regels = "".join(
        f'<div data-categorie="{veilige_code(code)}"><span class="gp-punt" '
        f'style="background:{veilige_kleur(kleur)}"></span>{escape_tekst(label)} ({n})</div>'
        for code, label, kleur, n in items
    )
    if accommodaties:
        regels += (
            '<div><span class="gp-vierkant" style="background:#ffffff"></span>'
            f"Accommodatie (IAB) ({accommodaties})</div>"
        )
    uitleg = (
        '<small class="gp-wissel-uitleg">Kies rechtsboven een voorziening: alleen die '
        "voorzieningen staan dan op de kaart.</small>"
        '<button id="gebiedsplan-alle" type="button">alle voorzieningen tonen</button>'
        if wissel
        else ""
    )
    return (
        '<div id="gebiedsplan-sleutel" class="gp-paneel gp-legenda" data-gekozen="alle">'
        f"<b>Voorzieningen</b>{regels}{uitleg}</div>"
    )


def attributie(gemeente: Gemeente, *, lagen: Iterable[str] | None = None) -> str:
    """Short provenance line for the map's attribution: every source and every licence of
    ``lagen`` (default every layer) once, and which of them are made up.

    The full provenance of every layer (source, dates, licence, query) is in the
    "Bronnen en datums" panel of the map (:func:`bronnen_html`).

    Examples
    --------
    >>> from gebiedsplan.importeren import demo_gemeente
    >>> attributie(demo_gemeente())
    'gebiedsplan | Bronnen: gebiedsplan demo-generator, Inbreng Wijkavond Havenkwartier. Licenties: CC0 1.0 (synthetische data). SYNTHETISCHE GEGEVENS.'
    """
    herkomst = kies_lagen(gemeente.herkomst, lagen)
    bronnen: dict[str, None] = {}
    licenties: dict[str, None] = {}
    for h in herkomst.values():
        for deel in h.per_bron():
            if deel.bron.startswith("gebiedsplan:"):
                continue  # derived by gebiedsplan from the other layers, whose sources are named
            bronnen[deel.bron.split(" (")[0]] = None
            licenties[deel.licentie] = None
    teken = waarschuwing(herkomst)
    return f"gebiedsplan | Bronnen: {', '.join(bronnen)}. Licenties: {'; '.join(licenties)}." + (
        f" {teken}" if teken else ""
    )


def _bron_regel(tekst: str, query: str, *, fictief: bool) -> str:
    """One source in the panel: made-up sources of a real gemeente marked "fictief"."""
    teken = "<b>fictief</b>: " if fictief else ""
    bevraging = f"<br><small>{escape_tekst(query)}</small>" if query else ""
    return f"{teken}{escape_tekst(tekst)}{bevraging}"


def bronnen_html(
    gemeente: Gemeente,
    *,
    profiel: Publicatieprofiel | None = None,
    lagen: Iterable[str] | None = None,
) -> str:
    """A collapsible "Bronnen en datums" panel with the full provenance of every layer of
    ``lagen`` (default all), per source: the moment the data describe, the indeling, the
    import date, the licence and the query; and, when given, the publishing rules applied."""
    herkomst = kies_lagen(gemeente.herkomst, lagen)
    fictief = fictieve_delen(herkomst)
    regels = ""
    for naam, h in herkomst.items():
        delen = [
            _bron_regel(d.tekst(), d.query, fictief=(naam, d) in fictief) for d in h.per_bron()
        ]
        if len(delen) == 1:
            regels += f"<li><b>{escape_tekst(naam)}</b>: {delen[0]}</li>"
        else:
            binnen = "".join(f"<li>{d}</li>" for d in delen)
            regels += (
                f"<li><b>{escape_tekst(naam)}</b> ({len(delen)} bronnen):<ul>{binnen}</ul></li>"
            )
    regel = (
        f"<p style='max-width: 40em;'><b>Publicatieregels</b>: {escape_tekst(profiel.bron)}</p>"
        if profiel is not None and profiel.bron
        else ""
    )
    return (
        '<details id="gebiedsplan-bronnen" class="gp-paneel" style="top: 92px; left: 60px;'
        ' max-width: 45%; max-height: 50%; overflow: auto;">'
        f"<summary>Bronnen en datums</summary><ul style='padding-left: 16px;'>{regels}</ul>"
        f"{regel}</details>"
    )


def titel_html(titel: str, ondertitel: str) -> str:
    return (
        '<div id="gebiedsplan-titel" class="gp-paneel" style="top: 10px; left: 60px;'
        ' max-width: 60%; font-size: 12px;">'
        f'<div style="font-size: 16px; font-weight: bold;">{escape_tekst(titel)}</div>'
        f"<div>{escape_tekst(ondertitel)}</div></div>"
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
        f'<div><i style="background:{veilige_kleur(kleur)}"></i>{escape_tekst(tekst)}</div>'
        for kleur, tekst in klassen
    )
    extra = f"<small>{escape_tekst(toelichting)}</small>" if toelichting else ""
    return f'<div class="gp-legenda" id="{escape_tekst(id_)}"><b>{escape_tekst(titel)}</b>{regels}{extra}</div>'
