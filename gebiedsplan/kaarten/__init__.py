"""Interactive maps (folium) for people: gaps, a gebied, health, green, facilities, reach, scenarios.

This is the public module of the maps: import every map function, :func:`render_kaart`,
:func:`save_kaart` and the colour scales from here (see ``__all__``). The maps are built in
modules with one job each:

- :mod:`gebiedsplan.kaarten.hiaten`: gaps per wijk, per buurt of a gebied, and a scenario's
  difference per wijk;
- :mod:`gebiedsplan.kaarten.gezondheid_groen`: health indicators and the green share;
- :mod:`gebiedsplan.kaarten.voorzieningen`: facilities, and the reach of one facility;
- :mod:`gebiedsplan.kaarten.inbreng`: the participation map of a wijkavond (pins kept in
  the browser, exported as GeoJSON);
- :mod:`gebiedsplan.kaarten.trend`: a trend over the years: the small-multiples chart
  (PNG/SVG) and the map "Verandering sinds ..." per wijk or buurt;
- :mod:`gebiedsplan.kaarten.vergelijking`: the comparison with CBS Nabijheid: the difference
  map per buurt and the scatter plots (PNG);
- :mod:`gebiedsplan.kaarten.lagen`: layers these maps share (facilities, accommodations,
  gebieden, the walking network, gap choropleths);
- :mod:`gebiedsplan.kaarten.opbouw`: the shared builder (``start_kaart``, choropleth and
  outline layers, ``finish_kaart``), the colour scales and Dutch formatting;
- :mod:`gebiedsplan.kaarten.pagina`: page elements, CSS, and the title, sources and legend
  panels (:func:`attributie`, :func:`bronnen_html`, :func:`legenda_html`).

Every map is built by the same few helpers: a PDOK BRT-Achtergrondkaart background with
OpenStreetMap as fallback, a title panel, a "Bronnen en datums" panel with the provenance of
every layer, Dutch legends, a colour key of the facility categories (the markers' colours),
tooltips and popups, a layer control, a view fitted to the area of the map in the part the
panels leave free, and
``<meta name="gebiedsplan:...">`` tags for the index of ``maps/``
(:func:`gebiedsplan.publiceren.index.write_index`).

On a map with a choropleth per category (gaps, a gebied, a scenario) choosing a category shows
only that category's facilities; the key's button brings all back.

Maps draw what the analyses returned; they compute nothing themselves: the gap tables of
:class:`~gebiedsplan.analyse.run.Analyse`, its green shares
(:class:`~gebiedsplan.analyse.groen.Groenaandeel`), the reach of one facility
(:class:`~gebiedsplan.analyse.voorzieningbereik.Voorzieningbereik`) and a scenario's difference.
Geometry goes to EPSG:4326 at the very last step.

Publishing rules (:mod:`gebiedsplan.publiceren.profiel`) apply to every map: hidden categories and
sites never reach the page, small areas' health values are suppressed, and every text that
comes from data is escaped. Markers are CSS dots (no icon font), popups are set by Leaflet
itself (no jQuery), legends are HTML (no d3), so a saved map (:func:`save_kaart`) needs only
Leaflet and two Leaflet plugins, which are inlined: one HTML file that opens without a server.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from gebiedsplan._io import atomic_path
from gebiedsplan._lui import lui
from gebiedsplan.publiceren.pagina import publish_html

if TYPE_CHECKING:
    import folium

    from gebiedsplan.kaarten.gezondheid_groen import make_gezondheid_kaart, make_groen_kaart
    from gebiedsplan.kaarten.hiaten import make_gebied_kaart, make_kaart, make_scenario_kaart
    from gebiedsplan.kaarten.inbreng import make_inbreng_kaart
    from gebiedsplan.kaarten.lagen import MAX_WEGEN_OP_KAART, UIT_BIJ_START
    from gebiedsplan.kaarten.opbouw import (
        BEREIK_KLEUR,
        GEZONDHEID_KLEUREN,
        GROEN_GRENZEN,
        GROEN_KLEUREN,
        SCENARIO_KLEUREN,
    )
    from gebiedsplan.kaarten.pagina import attributie, bronnen_html, legenda_html
    from gebiedsplan.kaarten.trend import draw_trend, make_verandering_kaart, save_trend
    from gebiedsplan.kaarten.vergelijking import (
        draw_spreidingsdiagram,
        make_vergelijking_kaart,
        save_spreidingsdiagrammen,
    )
    from gebiedsplan.kaarten.voorzieningen import (
        check_publishable_voorziening,
        make_bereik_kaart,
        make_voorzieningen_kaart,
    )
    from gebiedsplan.publiceren.opmaak import GEEN_WAARDE_KLEUR, HIAAT_GRENZEN, HIAAT_KLEUREN

#: Where each public name lives: imported from there on first use (:func:`__getattr__`), so
#: importing one module of this package does not import all of them.
_WAAR: dict[str, str] = {
    "BEREIK_KLEUR": "gebiedsplan.kaarten.opbouw",
    "GEEN_WAARDE_KLEUR": "gebiedsplan.publiceren.opmaak",
    "GEZONDHEID_KLEUREN": "gebiedsplan.kaarten.opbouw",
    "GROEN_GRENZEN": "gebiedsplan.kaarten.opbouw",
    "GROEN_KLEUREN": "gebiedsplan.kaarten.opbouw",
    "HIAAT_GRENZEN": "gebiedsplan.publiceren.opmaak",
    "HIAAT_KLEUREN": "gebiedsplan.publiceren.opmaak",
    "MAX_WEGEN_OP_KAART": "gebiedsplan.kaarten.lagen",
    "SCENARIO_KLEUREN": "gebiedsplan.kaarten.opbouw",
    "UIT_BIJ_START": "gebiedsplan.kaarten.lagen",
    "attributie": "gebiedsplan.kaarten.pagina",
    "bronnen_html": "gebiedsplan.kaarten.pagina",
    "check_publishable_voorziening": "gebiedsplan.kaarten.voorzieningen",
    "draw_spreidingsdiagram": "gebiedsplan.kaarten.vergelijking",
    "draw_trend": "gebiedsplan.kaarten.trend",
    "legenda_html": "gebiedsplan.kaarten.pagina",
    "make_bereik_kaart": "gebiedsplan.kaarten.voorzieningen",
    "make_gebied_kaart": "gebiedsplan.kaarten.hiaten",
    "make_gezondheid_kaart": "gebiedsplan.kaarten.gezondheid_groen",
    "make_groen_kaart": "gebiedsplan.kaarten.gezondheid_groen",
    "make_inbreng_kaart": "gebiedsplan.kaarten.inbreng",
    "make_kaart": "gebiedsplan.kaarten.hiaten",
    "make_scenario_kaart": "gebiedsplan.kaarten.hiaten",
    "make_verandering_kaart": "gebiedsplan.kaarten.trend",
    "make_vergelijking_kaart": "gebiedsplan.kaarten.vergelijking",
    "make_voorzieningen_kaart": "gebiedsplan.kaarten.voorzieningen",
    "save_spreidingsdiagrammen": "gebiedsplan.kaarten.vergelijking",
    "save_trend": "gebiedsplan.kaarten.trend",
}

__all__ = [
    "BEREIK_KLEUR",
    "GEEN_WAARDE_KLEUR",
    "GEZONDHEID_KLEUREN",
    "GROEN_GRENZEN",
    "GROEN_KLEUREN",
    "HIAAT_GRENZEN",
    "HIAAT_KLEUREN",
    "MAX_WEGEN_OP_KAART",
    "SCENARIO_KLEUREN",
    "UIT_BIJ_START",
    "attributie",
    "bronnen_html",
    "check_publishable_voorziening",
    "draw_spreidingsdiagram",
    "draw_trend",
    "legenda_html",
    "make_bereik_kaart",
    "make_gebied_kaart",
    "make_gezondheid_kaart",
    "make_groen_kaart",
    "make_inbreng_kaart",
    "make_kaart",
    "make_scenario_kaart",
    "make_verandering_kaart",
    "make_vergelijking_kaart",
    "make_voorzieningen_kaart",
    "render_kaart",
    "save_kaart",
    "save_spreidingsdiagrammen",
    "save_trend",
]

log = logging.getLogger(__name__)


def render_kaart(kaart: folium.Map, *, datum: dt.date | None = None) -> str:
    """The map as one self-contained HTML page: libraries inlined, ``lang="nl"``, publication
    date ``datum`` (default today) in ``<meta name="gebiedsplan:gepubliceerd">``
    (:func:`gebiedsplan.publiceren.pagina.publish_html`).

    Examples
    --------
    >>> from gebiedsplan.importeren import demo_gemeente
    >>> from gebiedsplan.kaarten import make_voorzieningen_kaart
    >>> pagina = render_kaart(make_voorzieningen_kaart(demo_gemeente()))
    >>> "<script src=" in pagina
    False
    """
    return publish_html(kaart.get_root().render(), datum=datum)


def save_kaart(kaart: folium.Map, pad: str | Path, *, datum: dt.date | None = None) -> Path:
    """Write a map as one self-contained HTML file (:func:`render_kaart`), atomically.

    The file opens without a server and without internet (then without background tiles).
    Run :func:`gebiedsplan.publiceren.index.write_index` on its folder to list it in ``index.html``.
    Inside :func:`gebiedsplan._io.atomic_batch` the file lands with the other files of the run;
    a full disk or a read-only folder raises a :class:`~gebiedsplan.errors.GebiedsplanError`
    naming the folder and the fix.
    """
    pad = Path(pad)
    pagina = render_kaart(kaart, datum=datum)
    with atomic_path(pad) as tmp:
        tmp.write_text(pagina, encoding="utf-8")
    log.info("Kaart geschreven: %s (%.0f kB)", pad, len(pagina.encode("utf-8")) / 1000)
    return pad


__getattr__, __dir__ = lui(__name__, _WAAR, __all__)
