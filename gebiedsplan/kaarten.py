"""Interactive maps (folium) of the gaps in the sociale basis, in Dutch.

Maps draw what the analyses computed; they never compute gaps themselves. Geometry goes to
EPSG:4326 here, at the very last step. Sensitive facility categories (``gevoelig: true`` in
``lagen/catalogus/categorieen.yml``: opvang, beschermd wonen) never appear on a map, and every
text that comes from data is HTML-escaped.
"""

from __future__ import annotations

import html
import json
import logging
from pathlib import Path

import branca.colormap as cm
import folium
import geopandas as gpd
import pandas as pd
import xyzservices
from branca.element import Element, Figure, MacroElement
from folium.plugins import GroupedLayerControl
from jinja2 import Template

from gebiedsplan import settings
from gebiedsplan.catalogus import load_catalogus
from gebiedsplan.gemeente import Gemeente, effective_voorzieningen
from gebiedsplan.store import atomic_path

log = logging.getLogger(__name__)

#: Colour scale of the gap score, shared by every category so maps can be compared.
HIAAT_KLEUREN = ["#1a9850", "#a6d96a", "#fee08b", "#fc8d59", "#d73027"]
HIAAT_GRENZEN = [0, 10, 25, 50, 75, 100]
#: Networks up to this many segments are drawn (for orientation; real networks stay off the map).
MAX_WEGEN_OP_KAART = 20_000


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


_JS_TEKENS = str.maketrans({"`": "&#96;", "$": "&#36;", "{": "&#123;", "}": "&#125;"})


def _tekst(waarde: object) -> str:
    """Text from data made safe for the page: HTML-escaped, and safe inside the JavaScript
    template literals folium puts popups and tooltips in (backtick, ``$``, braces as entities)."""
    return html.escape(str(waarde)).translate(_JS_TEKENS)


def attributie(gemeente: Gemeente) -> str:
    """Short provenance line for the map's attribution: every source and every licence once.

    The full provenance of every layer (source, date, licence, query) is in the
    "Bronnen en datums" panel of the map (:func:`bronnen_html`).
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


def bronnen_html(gemeente: Gemeente) -> str:
    """A collapsible "Bronnen" panel with the full provenance of every layer."""
    regels = "".join(
        f"<li><b>{_tekst(naam)}</b>: {_tekst(h.tekst())}"
        + (f"<br><small>{_tekst(h.query)}</small>" if h.query else "")
        + "</li>"
        for naam, h in gemeente.herkomst.items()
    )
    return (
        '<details id="gebiedsplan-bronnen" style="position: fixed; top: 92px; left: 60px;'
        " z-index: 1000; background: rgba(255,255,255,0.95); padding: 4px 10px;"
        " border-radius: 4px; box-shadow: 0 1px 4px rgba(0,0,0,0.3); font-family: sans-serif;"
        ' font-size: 12px; max-width: 45%; max-height: 50%; overflow: auto;">'
        f"<summary>Bronnen en datums</summary><ul style='padding-left: 16px;'>{regels}</ul>"
        "</details>"
    )


def _pct(v: float) -> str:
    return "-" if pd.isna(v) else f"{100 * v:.0f}%"


def _m(v: float) -> str:
    return "onbereikbaar" if pd.isna(v) else f"{v:,.0f} m".replace(",", ".")


def _titel_html(titel: str, ondertitel: str) -> str:
    return (
        '<div id="gebiedsplan-titel" style="position: fixed; top: 10px; left: 60px; z-index: 1000;'
        " background: rgba(255,255,255,0.92); padding: 6px 12px; border-radius: 4px;"
        ' box-shadow: 0 1px 4px rgba(0,0,0,0.3); font-family: sans-serif; max-width: 60%;">'
        f'<div style="font-size: 16px; font-weight: bold;">{_tekst(titel)}</div>'
        f'<div style="font-size: 12px;">{_tekst(ondertitel)}</div></div>'
    )


def _wijk_features(
    wijken: gpd.GeoDataFrame, hiaten: pd.DataFrame, categorie: str
) -> gpd.GeoDataFrame:
    rij = hiaten.xs(categorie, level="categorie").reindex(wijken.index)
    berekend = wijken.index.isin(hiaten.index.get_level_values("wijkcode"))

    def score_tekst(v: float, ja: bool) -> str:
        if not ja:
            return "niet berekend"
        return "geen inwoners" if pd.isna(v) else f"{v:.0f}"

    return gpd.GeoDataFrame(
        {
            "wijk": [_tekst(str(n)) for n in wijken["wijknaam"]],
            "wijkcode": list(wijken.index),
            "aantal": rij["aantal_voorzieningen"].fillna(0).astype(int).astype(str).to_numpy(),
            "binnen_norm": [_pct(v) for v in rij["aandeel_binnen_norm"]],
            "afstand": [_m(v) for v in rij["gem_afstand_m"]],
            "buiten_norm": [
                "-" if pd.isna(v) else f"{int(v):,}".replace(",", ".")
                for v in rij["inwoners_buiten_norm"]
            ],
            "score": [None if pd.isna(v) else round(float(v), 1) for v in rij["hiaatscore"]],
            "score_tekst": [
                score_tekst(v, ja) for v, ja in zip(rij["hiaatscore"], berekend, strict=True)
            ],
        },
        geometry=wijken.geometry.to_numpy(),
        crs=wijken.crs,
    ).to_crs(settings.kaart_crs)


def make_kaart(gemeente: Gemeente, hiaten: pd.DataFrame, *, titel: str | None = None) -> folium.Map:
    """Map of a gemeente: a wijk choropleth of the gap per category (switchable), facilities by
    category with Dutch popups, the named gebieden, a legend and the provenance of every layer.

    Parameters
    ----------
    gemeente
        The loaded gemeente.
    hiaten
        Gap table from :func:`gebiedsplan.hiaten.compute_hiaten`.
    titel
        Map title; default "Hiaten sociale basis - <gemeente>".

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
    catalogus = load_catalogus()
    titel = titel or f"Hiaten sociale basis - {gemeente.titel}"
    wijken = gemeente.wijken
    minx, miny, maxx, maxy = wijken.to_crs(settings.kaart_crs).total_bounds
    kaart = folium.Map(tiles=None, control_scale=True, prefer_canvas=True)
    kaart.fit_bounds([[miny, minx], [maxy, maxx]])
    folium.TileLayer(
        xyzservices.providers.query_name(settings.achtergrond),
        name="Achtergrondkaart (PDOK BRT)",
    ).add_to(kaart)
    folium.TileLayer(
        xyzservices.providers.query_name(settings.achtergrond_reserve),
        name="OpenStreetMap (reserve)",
        show=False,
    ).add_to(kaart)

    schaal = cm.StepColormap(
        HIAAT_KLEUREN,
        index=HIAAT_GRENZEN,
        vmin=0,
        vmax=100,
        caption="Hiaatscore (0 = doel gehaald, 100 = niemand binnen norm)",
    )
    categorieen = [c for c in catalogus.categorieen if c in set(hiaten.index.get_level_values(1))]
    vlakken = []
    for i, categorie in enumerate(categorieen):
        label = catalogus.categorieen[categorie].label
        norm = gemeente.normen[categorie]
        groep = folium.FeatureGroup(name=f"{label} (norm {norm.max_afstand_m:.0f} m)", show=i == 0)
        features = _wijk_features(wijken, hiaten, categorie)
        folium.GeoJson(
            features.__geo_interface__,
            name=label,
            style_function=lambda f, s=schaal: {
                "fillColor": "#bdbdbd"
                if f["properties"]["score"] is None
                else s(f["properties"]["score"]),
                "color": "#333333",
                "weight": 1.5,
                "fillOpacity": 0.6,
            },
            highlight_function=lambda f: {"weight": 3, "fillOpacity": 0.75},
            tooltip=folium.GeoJsonTooltip(
                fields=[
                    "wijk",
                    "wijkcode",
                    "aantal",
                    "binnen_norm",
                    "afstand",
                    "buiten_norm",
                    "score_tekst",
                ],
                aliases=[
                    "Wijk",
                    "Wijkcode",
                    f"{label} in de wijk",
                    f"Inwoners binnen {norm.max_afstand_m:.0f} m",
                    "Gem. loopafstand",
                    "Inwoners buiten de norm",
                    "Hiaatscore",
                ],
                sticky=True,
            ),
        ).add_to(groep)
        groep.add_to(kaart)
        vlakken.append(groep)
    schaal.add_to(kaart)

    punten = effective_voorzieningen(gemeente).to_crs(settings.kaart_crs)
    for categorie, cat in catalogus.categorieen.items():
        if cat.gevoelig:
            continue  # never published: opvang, beschermd wonen
        deze = punten[punten["categorie"] == categorie]
        if deze.empty:
            continue
        groep = folium.FeatureGroup(
            name=f"Voorzieningen: {cat.label} ({len(deze)})",
            show=categorie not in ("speelplek", "groen"),
        )
        for _, v in deze.iterrows():
            regels = [f"<b>{_tekst(str(v['naam']))}</b>", _tekst(cat.label)]
            if isinstance(v.get("subcategorie"), str):
                regels.append(_tekst(v["subcategorie"]))
            regels.append(f"Bron: {_tekst(str(v['bron']))}")
            folium.CircleMarker(
                location=[v.geometry.y, v.geometry.x],
                radius=5,
                color="#222222",
                weight=1,
                fill=True,
                fill_color=cat.kleur,
                fill_opacity=0.9,
                popup=folium.Popup("<br>".join(regels), max_width=260),
                tooltip=_tekst(str(v["naam"])),
            ).add_to(groep)
        groep.add_to(kaart)

    if gemeente.gebieden:
        groep = folium.FeatureGroup(name="Gebieden", show=True)
        for gebied in gemeente.gebieden.values():
            vorm = gpd.GeoSeries([gebied.geometrie], crs=settings.crs).to_crs(settings.kaart_crs)
            tekst = f"{gebied.naam} ({gebied.soort})" + (
                " - grens bij benadering" if gebied.benadering else ""
            )
            folium.GeoJson(
                json.loads(vorm.to_json()),
                style_function=lambda f: {
                    "color": "#08306b",
                    "weight": 3,
                    "dashArray": "6 4",
                    "fillOpacity": 0,
                },
                tooltip=_tekst(tekst),
            ).add_to(groep)
        groep.add_to(kaart)

    if gemeente.netwerk is not None and len(gemeente.netwerk) <= MAX_WEGEN_OP_KAART:
        wegen = gemeente.netwerk[["geometry"]].to_crs(settings.kaart_crs)
        groep = folium.FeatureGroup(name="Wegennet (lopen)", show=gemeente.synthetisch)
        folium.GeoJson(
            json.loads(wegen.geometry.to_json()),
            style_function=lambda f: {"color": "#737373", "weight": 1, "opacity": 0.6},
        ).add_to(groep)
        groep.add_to(kaart)

    kaart.add_child(_Attributie(_tekst(attributie(gemeente))))
    ondertitel = "Loopafstand over het wegennet tot de dichtstbijzijnde voorziening, per wijk. " + (
        gemeente.synthetisch_tekst() or ""
    )
    pagina = kaart.get_root()
    assert isinstance(pagina, Figure)
    pagina.html.add_child(Element(_titel_html(titel, ondertitel)))
    pagina.html.add_child(Element(bronnen_html(gemeente)))
    pagina.header.add_child(Element(f"<title>{_tekst(titel)}</title>"))
    folium.LayerControl(collapsed=True).add_to(kaart)
    GroupedLayerControl(
        {"Hiaat per voorziening": vlakken}, exclusive_groups=True, collapsed=False
    ).add_to(kaart)
    return kaart


def save_kaart(kaart: folium.Map, pad: str | Path) -> Path:
    """Write a map as one self-contained HTML file, atomically."""
    pad = Path(pad)
    with atomic_path(pad) as tmp:
        kaart.save(str(tmp))
    log.info("Kaart geschreven: %s", pad)
    return pad
