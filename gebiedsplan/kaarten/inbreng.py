"""The participation map for a wijkavond (:func:`make_inbreng_kaart`): participants click on
the map and leave a pin with a category, a short text and an optional judgement ("mist",
"goed", "knelpunt").

The pins stay in the browser (``localStorage``, keyed by gemeente and bijeenkomst), are listed
in a side panel, survive a reload and leave the page only through the button
"Exporteer (GeoJSON)" (format: :data:`EXPORT_FORMAAT`) that ``gebiedsplan importeer --inbreng``
reads. A facilitator reads pins typed in from paper forms with "CSV inlezen" (columns
:data:`CSV_KOLOMMEN`). The page knows the outline of the gemeente (:func:`gemeente_omtrek`,
simplified, in WGS84): a pin dropped or read outside it is marked and named in Dutch ("Deze
speld ligt buiten de gemeente ...; verplaats hem of verwijder hem", as ``importeer --inbreng``
would refuse it); a pin is moved by dragging it. The page needs no server and no internet: Leaflet and
``_static/inbreng.js`` are inlined; wijk boundaries, wijk names and the publishable facilities
are drawn for orientation when the background tiles do not load. No personal data is asked
for, and everything a participant types is shown as text (``textContent``), never as HTML.

Import it from :mod:`gebiedsplan.kaarten`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import folium
import geopandas as gpd
import shapely
from branca.element import Element, Figure, MacroElement
from jinja2 import Template

from gebiedsplan import settings
from gebiedsplan.catalogus import load_catalogus
from gebiedsplan.errors import GebiedsplanError
from gebiedsplan.gemeente import Gemeente
from gebiedsplan.kaarten.lagen import add_voorzieningen
from gebiedsplan.kaarten.opbouw import add_omtrek, bounds_wgs84, finish_kaart, start_kaart, to_wgs84
from gebiedsplan.publiceren.pagina import escape_tekst, static_js
from gebiedsplan.publiceren.profiel import Publicatieprofiel, hidden_categories

#: The judgements a participant may give (or none).
OORDELEN = ("mist", "goed", "knelpunt")

#: Maximum length of a participant's text, in characters.
MAX_TEKST_TEKENS = 280

#: The columns of a CSV of paper forms (header required, ``;`` or ``,``).
CSV_KOLOMMEN = ("categorie", "tekst", "oordeel", "lat", "lon")

#: The export's fixed header (``gebiedsplan`` member of the FeatureCollection).
EXPORT_FORMAAT = {"soort": "inbreng", "versie": 1}

#: The layers the map draws from (provenance panel).
INBRENG_LAGEN = ("wijken", "voorzieningen")

#: Simplification of the gemeente outline on the page (m): a pin closer to the border than
#: this may be judged otherwise than by ``importeer --inbreng`` (which uses the full outline).
OMTREK_TOLERANTIE_M = 2.0

_STATIC_JS = "inbreng.js"

INBRENG_CSS = """<style>
#gebiedsplan-inbreng { position: relative; top: auto; left: auto; width: 290px;
  max-height: calc(100vh - 330px); overflow: auto; }
#gebiedsplan-inbreng h3 { margin: 0 0 4px; font-size: 14px; }
#gebiedsplan-inbreng .gp-knoppen button { margin: 2px 4px 2px 0; }
#gebiedsplan-inbreng-lijst { padding-left: 18px; margin: 4px 0; }
#gebiedsplan-inbreng-lijst li { margin-bottom: 4px; }
#gebiedsplan-inbreng-lijst button { font-size: 11px; }
#gebiedsplan-inbreng-fouten { color: #b30000; padding-left: 18px; margin: 4px 0; }
.gp-inbreng-tekst { white-space: pre-wrap; overflow-wrap: anywhere; }
.gp-privacy { color: #7a4b00; background: #fff4d6; padding: 3px 5px; border-radius: 3px; }
#gebiedsplan-inbreng-formulier { top: 90px; left: 50%; transform: translateX(-50%);
  width: 300px; z-index: 1001; }
#gebiedsplan-inbreng-formulier label { display: block; margin-top: 5px; }
#gebiedsplan-inbreng-formulier textarea, #gebiedsplan-inbreng-formulier select { width: 100%;
  box-sizing: border-box; }
#gebiedsplan-inbreng-formulier .gp-oordeel label { display: inline-block; margin-right: 8px;
  white-space: nowrap; }
.gp-fout { color: #b30000; }
.gp-wijklabel { pointer-events: none; }
.gp-wijknaam { display: inline-block; transform: translate(-50%, -50%); white-space: nowrap;
  font: bold 11px sans-serif; color: #333; text-shadow: 0 0 3px #fff, 0 0 3px #fff; }
.gp-icoon .gp-inbreng-punt { display: block; width: 14px; height: 14px;
  border: 3px solid #111; border-radius: 50% 50% 50% 0; transform: rotate(-45deg); }
.gp-icoon .gp-inbreng-punt.gp-inbreng-buiten { border: 3px dashed #b30000;
  outline: 2px solid #fff; }
.gp-buiten { color: #b30000; background: #fdecea; padding: 3px 5px; border-radius: 3px;
  margin: 3px 0; }
#gebiedsplan-inbreng-buiten:empty { display: none; }
</style>"""


class InbrengPaneel(MacroElement):
    """Puts the side panel in a Leaflet control at the top right, before the view is fitted
    (so the view leaves it free); clicks in it do not reach the map."""

    _template = Template(
        """{% macro script(this, kwargs) %}
        (function () {
            var el = document.getElementById("gebiedsplan-inbreng");
            var paneel = L.control({position: "topright"});
            paneel.onAdd = function () {
                L.DomEvent.disableClickPropagation(el);
                L.DomEvent.disableScrollPropagation(el);
                el.classList.add("leaflet-control");
                return el;
            };
            paneel.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}"""
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "InbrengPaneel"


class InbrengStart(MacroElement):
    """Starts ``inbreng.js`` on the map with its configuration (JSON)."""

    _template = Template(
        """{% macro script(this, kwargs) %}
        window.gebiedsplanInbreng({{ this._parent.get_name() }}, {{ this.cfg|tojson }});
        {% endmacro %}"""
    )

    def __init__(self, cfg: dict[str, Any]) -> None:
        super().__init__()
        self._name = "InbrengStart"
        self.cfg = cfg


def _script() -> str:
    return f"<script>/* {_STATIC_JS} (gebiedsplan/_static) */\n{static_js(_STATIC_JS)}\n</script>"


def inbreng_categorieen(profiel: Publicatieprofiel | None = None) -> list[tuple[str, str]]:
    """The categories a participant can choose: (code, label) of the category vocabulary,
    without the categories the publishing profile hides, then ``("anders", "anders")``.

    Examples
    --------
    >>> cats = inbreng_categorieen()
    >>> cats[0], cats[-1]
    (('ontmoeting', 'Ontmoeting / buurthuis'), ('anders', 'anders'))
    >>> "opvang" in dict(cats)
    False
    """
    verborgen = hidden_categories(profiel)
    cats = [
        (c.code, c.label)
        for c in load_catalogus().categorieen.values()
        if c.code not in verborgen and not c.gevoelig
    ]
    return [*cats, ("anders", "anders")]


def _paneel_html(*, bijeenkomst: str, datum: dt.date, categorieen: list[tuple[str, str]]) -> str:
    opties = "".join(
        f'<option value="{escape_tekst(c)}">{escape_tekst(lab)}</option>' for c, lab in categorieen
    )
    oordelen = "".join(
        f'<label><input type="radio" name="oordeel" value="{o}"> {o}</label>' for o in OORDELEN
    )
    privacy = (
        '<p class="gp-privacy">Schrijf geen namen, e-mailadressen of telefoonnummers in de '
        "tekst. De punten blijven in deze browser tot u ze exporteert.</p>"
    )
    paneel = f"""<div id="gebiedsplan-inbreng" class="gp-paneel">
<h3>Inbreng: {escape_tekst(bijeenkomst)}</h3>
<label>Datum van de bijeenkomst <input type="date" id="gebiedsplan-inbreng-datum"
 value="{datum.isoformat()}"></label>
<p>Klik op de kaart om een punt toe te voegen; sleep een punt om het te verplaatsen.
Punten: <b id="gebiedsplan-inbreng-aantal">0</b></p>
<div id="gebiedsplan-inbreng-buiten" class="gp-buiten" role="alert"></div>
{privacy}
<div class="gp-knoppen">
<button type="button" id="gebiedsplan-inbreng-export">Exporteer (GeoJSON)</button>
<button type="button" id="gebiedsplan-inbreng-csvknop">CSV inlezen</button>
<input type="file" id="gebiedsplan-inbreng-csv" accept=".csv,text/csv" hidden>
</div>
<div id="gebiedsplan-inbreng-melding" role="status"></div>
<ul id="gebiedsplan-inbreng-fouten"></ul>
<ol id="gebiedsplan-inbreng-lijst"></ol>
</div>"""
    formulier = f"""<form id="gebiedsplan-inbreng-formulier" class="gp-paneel" hidden>
<b>Nieuw punt</b>
<label for="gebiedsplan-inbreng-categorie">Categorie</label>
<select id="gebiedsplan-inbreng-categorie" name="categorie">{opties}</select>
<label for="gebiedsplan-inbreng-tekst">Korte tekst (max. {MAX_TEKST_TEKENS} tekens)</label>
<textarea id="gebiedsplan-inbreng-tekst" name="tekst" rows="4" maxlength="{MAX_TEKST_TEKENS}"
 required></textarea>
<small id="gebiedsplan-inbreng-teller">0 / {MAX_TEKST_TEKENS}</small>
{privacy}
<div class="gp-oordeel">Oordeel (niet verplicht):
<label><input type="radio" name="oordeel" value="" checked> geen</label>{oordelen}</div>
<div id="gebiedsplan-inbreng-formbuiten" class="gp-buiten" hidden></div>
<div id="gebiedsplan-inbreng-formfout" class="gp-fout" role="alert"></div>
<button type="submit" id="gebiedsplan-inbreng-opslaan">Opslaan</button>
<button type="button" id="gebiedsplan-inbreng-annuleer">Annuleren</button>
</form>"""
    return paneel + formulier


def gemeente_omtrek(
    gemeente: Gemeente, *, tolerantie_m: float = OMTREK_TOLERANTIE_M
) -> list[list[list[list[float]]]]:
    """The outline of the gemeente as the participation page checks pins against it: the
    union of its wijken (as ``importeer --inbreng`` checks them), simplified by
    ``tolerantie_m``, in WGS84, as GeoJSON MultiPolygon coordinates (per polygon its rings,
    outer ring first, then holes; ``[lon, lat]`` rounded to 6 decimals).

    Examples
    --------
    >>> from gebiedsplan.importeren import demo_gemeente
    >>> omtrek = gemeente_omtrek(demo_gemeente())
    >>> len(omtrek), omtrek[0][0][0] == omtrek[0][0][-1]
    (1, True)
    """
    vlak = shapely.union_all(gemeente.wijken.geometry.to_numpy())
    if tolerantie_m > 0:
        vlak = vlak.simplify(tolerantie_m, preserve_topology=True)
    wgs = gpd.GeoSeries([vlak], crs=gemeente.wijken.crs).to_crs(settings.kaart_crs).iloc[0]
    delen = [d for d in shapely.get_parts(wgs) if isinstance(d, shapely.Polygon) and not d.is_empty]

    def ring(r: shapely.LinearRing) -> list[list[float]]:
        return [[round(x, 6), round(y, 6)] for x, y, *_ in r.coords]

    return [[ring(d.exterior), *(ring(g) for g in d.interiors)] for d in delen]


def make_inbreng_kaart(
    gemeente: Gemeente,
    *,
    bijeenkomst: str | None = None,
    gebied: str | None = None,
    datum: dt.date | None = None,
    titel: str | None = None,
    profiel: Publicatieprofiel | None = None,
) -> folium.Map:
    """A map on which participants of a wijkavond drop pins (see the module docstring).

    Parameters
    ----------
    gemeente
        The loaded gemeente.
    bijeenkomst
        Name of the meeting (default "Wijkavond" or "Wijkavond <gebied>"); with the gemeente
        code it keys the pins in the browser and goes into the export.
    gebied
        A gebied of the gemeente file: the map opens on it and draws its outline.
    datum
        Day of the meeting (default today); editable on the page.
    titel, profiel
        Map title; publishing profile (sensitive facilities and hidden categories never
        reach the page).

    Raises
    ------
    GebiedsplanError
        When ``gebied`` is not a gebied of the gemeente file, or ``bijeenkomst`` is empty.

    Examples
    --------
    >>> from gebiedsplan.importeren import demo_gemeente
    >>> kaart = make_inbreng_kaart(demo_gemeente(), bijeenkomst="Wijkavond Havenkwartier")
    >>> pagina = kaart.get_root().render()
    >>> "Exporteer (GeoJSON)" in pagina, "CSV inlezen" in pagina
    (True, True)
    """
    if gebied is not None and gebied not in gemeente.gebieden:
        raise GebiedsplanError(
            f"Gebied '{gebied}' bestaat niet in gemeente {gemeente.code}; bekend: "
            f"{', '.join(gemeente.gebieden) or '-'}."
        )
    naam = (bijeenkomst if bijeenkomst is not None else f"Wijkavond {gebied or ''}").strip()
    if not naam:
        raise GebiedsplanError(
            "--bijeenkomst is leeg; geef de naam van de bijeenkomst, bv. 'Wijkavond Havenkwartier'."
        )
    datum = datum or dt.date.today()
    if gebied is not None:
        import geopandas as gpd

        vlak = gpd.GeoSeries([gemeente.gebieden[gebied].geometrie], crs=gemeente.wijken.crs)
        grenzen = bounds_wgs84(vlak)
    else:
        grenzen = bounds_wgs84(gemeente.wijken)
    opbouw = start_kaart(
        gemeente,
        titel=titel or f"Inbreng {naam} - {gemeente.titel}",
        ondertitel=(
            "Klik op de kaart en laat weten wat er mist, wat goed gaat of waar het knelt. "
            "De punten blijven in deze browser tot ze geëxporteerd worden."
        ),
        soort="inbreng",
        grenzen=grenzen,
        profiel=profiel,
        lagen=INBRENG_LAGEN,
    )
    add_omtrek(
        opbouw,
        gemeente.wijken,
        naam="Wijken",
        tooltips=list(gemeente.wijken["wijknaam"]),
        kleur="#525252",
        dik=1.5,
        streep=None,
    )
    if gebied is not None:
        add_omtrek(opbouw, vlak, naam=f"Gebied {gebied}", tooltips=[gebied], kleur="#08306b", dik=3)
    add_voorzieningen(opbouw)
    pagina = opbouw.kaart.get_root()
    assert isinstance(pagina, Figure)
    categorieen = inbreng_categorieen(opbouw.profiel)
    pagina.header.add_child(Element(INBRENG_CSS), name="inbreng_css")
    pagina.html.add_child(
        Element(_paneel_html(bijeenkomst=naam, datum=datum, categorieen=categorieen))
    )
    opbouw.kaart.add_child(InbrengPaneel())
    kaart = finish_kaart(opbouw)
    pagina.html.add_child(Element("{% raw %}" + _script() + "{% endraw %}"))
    punten = to_wgs84(gemeente.wijken[["wijknaam", "geometry"]].copy())
    punten["geometry"] = punten.geometry.representative_point()
    cfg = {
        "gemeentecode": gemeente.code,
        "gemeentenaam": gemeente.naam,
        "omtrek": gemeente_omtrek(gemeente),
        "bijeenkomst": naam,
        "datum": datum.isoformat(),
        "grenzen": bounds_wgs84(gemeente.wijken),
        "categorieen": [{"code": c, "label": lab} for c, lab in categorieen if c != "anders"],
        "wijken": [
            {"naam": str(n), "lat": round(p.y, 6), "lon": round(p.x, 6)}
            for n, p in zip(punten["wijknaam"], punten.geometry, strict=True)
        ],
    }
    kaart.add_child(InbrengStart(cfg))
    return kaart
