"""Publishing: what a published map or report may show, and how it is written to ``maps/``.

The publishing profile (:class:`Publicatieprofiel`, defaults in
``lagen/catalogus/publicatie.yml``) is applied by every map before anything reaches the page:

- facilities of hidden categories never appear: every category marked ``gevoelig: true`` in
  ``categorieen.yml`` (opvang, beschermd wonen; these can never be shown) plus the profile's
  ``verberg_categorieen``. Not as a marker, not in a popup, not in the embedded GeoJSON, and not
  as a count: the maps show counts per category only for categories that are not hidden (the
  gap tables only have categories with a norm, and hidden categories have none). An IAB
  accommodation with a hidden function is hidden as a whole, and so is every facility linked
  to it (``accommodatie_id``). Names matching ``verberg_namen`` are hidden whatever their
  category, as a safety net for sites a source files under another category. Where a hidden
  site offers a function of a shown category (a meeting room in an opvang), the gap tables
  still count it (the analysis is not a publication), so a count may be one higher than the
  markers shown; it never says which site it is.
- health values of an area with fewer residents than ``min_inwoners_gezondheid`` (for 65+
  indicators: 65+ residents), or with an unknown number, are replaced by "onderdrukt"
  (:func:`suppress_gezondheid`); the number itself is dropped, not just hidden.

Every text that comes from data (names from OpenStreetMap, a municipal Excel file, a gemeente
file) is made safe with :func:`escape_tekst` before it is put into a page.

A published page is self-contained (:func:`publish_html`): the JavaScript and CSS libraries a
map uses are vendored in ``gebiedsplan/_static/`` (versions and licences in its README) and
inlined, so the page opens from disk without a server and without internet; only the
background tiles (images) come from PDOK or OpenStreetMap when online. :func:`write_index`
writes ``maps/index.html``, the list of what was published, with dates, from the
``<meta name="gebiedsplan:...">`` tags of every page (:func:`meta_html`).
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import yaml

from gebiedsplan import settings
from gebiedsplan._errors import GebiedsplanError
from gebiedsplan.catalogus import load_catalogus
from gebiedsplan.store import atomic_path

log = logging.getLogger(__name__)

#: Text shown instead of a health value that the profile suppresses.
ONDERDRUKT = "onderdrukt"
#: Text shown where the source publishes no value (RIVM suppresses small areas itself).
NIET_GEPUBLICEERD = "niet gepubliceerd"
#: Vendored JavaScript and CSS (see ``_static/README.md``).
STATIC_DIR = Path(__file__).resolve().parent / "_static"

#: CDN addresses the maps link to (as folium does) and the vendored files of the same version
#: that replace them in a published page.
LEAFLET_JS = "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js"
LEAFLET_CSS = "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css"
MARKERCLUSTER_JS = (
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.1.0/leaflet.markercluster.js"
)
MARKERCLUSTER_CSS = (
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.1.0/MarkerCluster.css"
)
MARKERCLUSTER_DEFAULT_CSS = (
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.1.0/MarkerCluster.Default.css"
)
GROUPEDLAYERCONTROL_JS = "https://cdnjs.cloudflare.com/ajax/libs/leaflet-groupedlayercontrol/0.6.1/leaflet.groupedlayercontrol.min.js"
GROUPEDLAYERCONTROL_CSS = "https://cdnjs.cloudflare.com/ajax/libs/leaflet-groupedlayercontrol/0.6.1/leaflet.groupedlayercontrol.min.css"
BIBLIOTHEKEN: dict[str, str] = {
    LEAFLET_JS: "leaflet/leaflet.js",
    LEAFLET_CSS: "leaflet/leaflet.css",
    MARKERCLUSTER_JS: "leaflet.markercluster/leaflet.markercluster.js",
    MARKERCLUSTER_CSS: "leaflet.markercluster/MarkerCluster.css",
    MARKERCLUSTER_DEFAULT_CSS: "leaflet.markercluster/MarkerCluster.Default.css",
    GROUPEDLAYERCONTROL_JS: "leaflet-groupedlayercontrol/leaflet.groupedlayercontrol.min.js",
    GROUPEDLAYERCONTROL_CSS: "leaflet-groupedlayercontrol/leaflet.groupedlayercontrol.min.css",
}

#: Kinds of published pages (``gebiedsplan:soort``) and how the index names them.
SOORTEN = {
    "hiaten": "Hiatenkaart",
    "gebied": "Gebiedskaart",
    "gezondheid": "Gezondheidskaart",
    "groen": "Groenkaart",
    "voorzieningen": "Voorzieningenkaart",
    "bereik": "Bereikkaart",
    "scenario": "Scenariokaart",
    "rapport": "Gebiedsplan (rapport)",
}

_JS_TEKENS = str.maketrans(
    {"`": "&#96;", "$": "&#36;", "{": "&#123;", "}": "&#125;", "\\": "&#92;"}
)


def escape_tekst(waarde: object) -> str:
    """Text from data made safe for a page: HTML-escaped (``< > & " '``), and safe inside the
    JavaScript template literals folium puts tooltips in (backtick, ``$``, braces and backslash
    as character references, which the browser shows as the characters themselves).

    Examples
    --------
    >>> escape_tekst('<script>alert("x")</script>')
    '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'
    >>> escape_tekst("`${1+1}` C:\\\\u")
    '&#96;&#36;&#123;1+1&#125;&#96; C:&#92;u'
    """
    return html.escape(str(waarde)).translate(_JS_TEKENS)


# --------------------------------------------------------------------------- the profile


@dataclass(frozen=True)
class Publicatieprofiel:
    """What published products leave out. Read it with :func:`load_publicatieprofiel`.

    Attributes
    ----------
    min_inwoners_gezondheid
        Health values of areas with fewer residents than this are suppressed.
    verberg_categorieen
        Categories never shown, besides the sensitive ones of the catalogue (always hidden,
        see :func:`hidden_categories`).
    verberg_namen
        Regular expressions (case-insensitive) on names of facilities and accommodations that
        are never shown.
    bron
        Why, in Dutch.
    """

    min_inwoners_gezondheid: int = 100
    verberg_categorieen: frozenset[str] = frozenset()
    verberg_namen: tuple[str, ...] = ()
    bron: str = ""


def load_publicatieprofiel(pad: str | Path | None = None) -> Publicatieprofiel:
    """Read a publishing profile (default ``publicatie.yml`` in the layer catalogue).

    Raises
    ------
    GebiedsplanError
        Naming every problem of the file at once: unknown fields or categories, a minimum
        that is not a whole number of 0 or more, a name pattern that is no regular expression.

    Examples
    --------
    >>> profiel = load_publicatieprofiel()
    >>> profiel.min_inwoners_gezondheid
    100
    >>> sorted(hidden_categories(profiel))
    ['opvang']
    """
    pad = Path(pad) if pad is not None else Path(settings.catalogus_dir) / "publicatie.yml"
    try:
        with pad.open(encoding="utf-8") as f:
            raw = yaml.safe_load(f) or {}
    except FileNotFoundError:
        raise GebiedsplanError(
            f"Publicatieprofiel {pad} bestaat niet; maak het naar het voorbeeld van "
            "lagen/catalogus/publicatie.yml."
        ) from None
    except yaml.YAMLError as exc:
        raise GebiedsplanError(f"Publicatieprofiel {pad} is geen geldige YAML: {exc}") from None
    if not isinstance(raw, Mapping):
        raise GebiedsplanError(
            f"Publicatieprofiel {pad}: verwacht velden min_inwoners_gezondheid, "
            "verberg_categorieen, verberg_namen, bron"
        )
    problemen: list[str] = []
    velden = {"min_inwoners_gezondheid", "verberg_categorieen", "verberg_namen", "bron"}
    if onbekend := sorted(set(raw) - velden):
        problemen.append(
            f"onbekend veld {', '.join(onbekend)}; toegestaan: {', '.join(sorted(velden))}"
        )
    minimum = raw.get("min_inwoners_gezondheid", 100)
    if not isinstance(minimum, int) or isinstance(minimum, bool) or minimum < 0:
        problemen.append(
            f"min_inwoners_gezondheid moet een geheel getal van 0 of meer zijn (gekregen: "
            f"{minimum!r})"
        )
    categorieen = load_catalogus().categorieen
    verberg = raw.get("verberg_categorieen") or []
    if not isinstance(verberg, list):
        problemen.append("verberg_categorieen moet een lijst van categorieën zijn")
        verberg = []
    for c in verberg:
        if c not in categorieen:
            problemen.append(
                f"verberg_categorieen: onbekende categorie '{c}'; bekend: {', '.join(categorieen)}"
            )
    namen = raw.get("verberg_namen") or []
    if not isinstance(namen, list):
        problemen.append("verberg_namen moet een lijst van reguliere expressies zijn")
        namen = []
    for patroon in namen:
        try:
            re.compile(str(patroon))
        except re.error as exc:
            problemen.append(f"verberg_namen: '{patroon}' is geen reguliere expressie: {exc}")
    if problemen:
        raise GebiedsplanError(
            f"Publicatieprofiel {pad} niet gelezen:\n  - " + "\n  - ".join(problemen)
        )
    return Publicatieprofiel(
        min_inwoners_gezondheid=int(minimum),
        verberg_categorieen=frozenset(str(c) for c in verberg),
        verberg_namen=tuple(str(p) for p in namen),
        bron=str(raw.get("bron", "")).strip(),
    )


def _profiel(profiel: Publicatieprofiel | None) -> Publicatieprofiel:
    return profiel if profiel is not None else load_publicatieprofiel()


def hidden_categories(profiel: Publicatieprofiel | None = None) -> frozenset[str]:
    """Categories never shown: the sensitive ones of the catalogue plus the profile's.

    Examples
    --------
    >>> sorted(hidden_categories(Publicatieprofiel(verberg_categorieen=frozenset({"sport"}))))
    ['opvang', 'sport']
    """
    profiel = _profiel(profiel)
    gevoelig = {c for c, cat in load_catalogus().categorieen.items() if cat.gevoelig}
    return frozenset(gevoelig | set(profiel.verberg_categorieen))


def _name_hidden(namen: pd.Series, profiel: Publicatieprofiel) -> np.ndarray:
    if not profiel.verberg_namen or namen.empty:
        return np.zeros(len(namen), dtype=bool)
    patroon = "|".join(f"(?:{p})" for p in profiel.verberg_namen)
    return np.array(namen.astype(str).str.contains(patroon, case=False, regex=True), dtype=bool)


def _functies(waarde: object) -> set[str]:
    return {f.strip() for f in str(waarde).replace(",", ";").split(";") if f.strip()}


def publishable_accommodaties(
    accommodaties: gpd.GeoDataFrame, *, profiel: Publicatieprofiel | None = None
) -> gpd.GeoDataFrame:
    """The accommodations a published product may show: none with a hidden function or a
    hidden name.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> acc = gpd.GeoDataFrame({"naam": ["Wijkcentrum", "Pand Oost"],
    ...     "functies": ["ontmoeting;welzijn", "ontmoeting;opvang"]},
    ...     geometry=[shapely.Point(0, 0)] * 2, crs="EPSG:28992", index=["a1", "a2"])
    >>> list(publishable_accommodaties(acc).index)
    ['a1']
    """
    profiel = _profiel(profiel)
    verborgen = hidden_categories(profiel)
    functie = np.array([bool(_functies(f) & verborgen) for f in accommodaties["functies"]])
    weg = functie | _name_hidden(accommodaties["naam"], profiel)
    if weg.any():
        log.info("%d accommodaties niet gepubliceerd (publicatieprofiel)", int(weg.sum()))
    return accommodaties[~weg]


def publishable_voorzieningen(
    voorzieningen: gpd.GeoDataFrame,
    *,
    profiel: Publicatieprofiel | None = None,
    accommodaties: gpd.GeoDataFrame | None = None,
) -> gpd.GeoDataFrame:
    """The facilities a published product may show.

    Left out: hidden categories (:func:`hidden_categories`), names matching the profile's
    ``verberg_namen``, and facilities linked (``accommodatie_id``) to an accommodation that is
    not publishable (:func:`publishable_accommodaties`).

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> vz = gpd.GeoDataFrame({"naam": ["Buurthuis", "De Haven", "Vrouwenopvang Noord"],
    ...     "categorie": ["ontmoeting", "opvang", "welzijn"]},
    ...     geometry=[shapely.Point(0, 0)] * 3, crs="EPSG:28992", index=["v1", "v2", "v3"])
    >>> list(publishable_voorzieningen(vz).index)
    ['v1']
    """
    profiel = _profiel(profiel)
    weg = np.array(voorzieningen["categorie"].isin(list(hidden_categories(profiel))), dtype=bool)
    weg |= _name_hidden(voorzieningen["naam"], profiel)
    if accommodaties is not None and "accommodatie_id" in voorzieningen.columns:
        toegestaan = publishable_accommodaties(accommodaties, profiel=profiel).index
        verborgen = set(accommodaties.index.astype(str)) - set(toegestaan.astype(str))
        weg |= np.array(voorzieningen["accommodatie_id"].isin(list(verborgen)), dtype=bool)
    if weg.any():
        log.info("%d voorzieningen niet gepubliceerd (publicatieprofiel)", int(weg.sum()))
    return voorzieningen[~weg]


def _residents(
    code: str, leeftijd: str, buurten: pd.DataFrame, wijken: pd.DataFrame | None
) -> float:
    kolom = "aantal_inwoners"
    if leeftijd == "65+" and "inwoners_65_jaar_en_ouder" in buurten.columns:
        kolom = "inwoners_65_jaar_en_ouder"
    getallen = pd.to_numeric(buurten[kolom], errors="coerce").astype(float)
    if code.startswith("BU"):
        return float(getallen.get(code, np.nan))
    if code.startswith("WK"):
        if kolom == "aantal_inwoners" and wijken is not None and "aantal_inwoners" in wijken:
            wijk = pd.to_numeric(wijken["aantal_inwoners"], errors="coerce").astype(float)
            if pd.notna(wijk.get(code, np.nan)):
                return float(wijk[code])
        deel = getallen[buurten["wijkcode"] == code]
        return float(deel.sum()) if len(deel) and deel.notna().any() else np.nan
    if code.startswith("GM"):
        return float(getallen.sum()) if getallen.notna().any() else np.nan
    return np.nan


def suppress_gezondheid(
    gezondheid: pd.DataFrame,
    buurten: pd.DataFrame,
    *,
    wijken: pd.DataFrame | None = None,
    profiel: Publicatieprofiel | None = None,
) -> pd.DataFrame:
    """The ``gezondheid`` layer as it may be published.

    A value of an area with fewer residents than ``profiel.min_inwoners_gezondheid`` (65+
    residents for a ``65+`` indicator), or whose number of residents is unknown, is removed
    (``waarde`` and the margins become missing) and marked ``onderdrukt``. Residents of a
    buurt come from the buurten layer, of a wijk from the wijken layer (else the sum of its
    buurten), of the gemeente from the sum of all buurten.

    Returns
    -------
    pandas.DataFrame
        A copy with the added columns ``inwoners`` (the count the rule used) and
        ``publicatie``: ``gepubliceerd``, ``onderdrukt`` (:data:`ONDERDRUKT`) or
        ``niet gepubliceerd`` (:data:`NIET_GEPUBLICEERD`: the source has no value).

    Examples
    --------
    >>> import pandas as pd
    >>> buurten = pd.DataFrame({"aantal_inwoners": [40, 2500], "wijkcode": ["WK1", "WK1"]},
    ...     index=["BU1", "BU2"])
    >>> gez = pd.DataFrame({"code": ["BU1", "BU2", "WK1"], "indicator": "eenzaam",
    ...     "waarde": [61.0, 44.0, None]})
    >>> uit = suppress_gezondheid(gez, buurten, profiel=Publicatieprofiel())
    >>> uit[["waarde", "publicatie"]].to_numpy().tolist()
    [[nan, 'onderdrukt'], [44.0, 'gepubliceerd'], [nan, 'niet gepubliceerd']]
    """
    profiel = _profiel(profiel)
    uit = gezondheid.copy()
    leeftijd = (
        uit["leeftijd"].fillna("18+").astype(str)
        if "leeftijd" in uit.columns
        else pd.Series("18+", index=uit.index)
    )
    inwoners = np.array(
        [
            _residents(str(c), str(lft), buurten, wijken)
            for c, lft in zip(uit["code"], leeftijd, strict=True)
        ]
    )
    te_klein = ~(inwoners >= profiel.min_inwoners_gezondheid)  # NaN (unknown) counts as small
    waarde = pd.to_numeric(uit["waarde"], errors="coerce").astype(float)
    uit["waarde"] = waarde.where(~te_klein)
    for marge in ("marge_onder", "marge_boven"):
        if marge in uit.columns:
            uit[marge] = pd.to_numeric(uit[marge], errors="coerce").astype(float).where(~te_klein)
    uit["inwoners"] = inwoners
    uit["publicatie"] = np.where(
        te_klein, ONDERDRUKT, np.where(waarde.isna(), NIET_GEPUBLICEERD, "gepubliceerd")
    )
    if te_klein.any():
        log.info(
            "%d gezondheidswaarden onderdrukt (minder dan %d inwoners)",
            int((te_klein & waarde.notna().to_numpy()).sum()),
            profiel.min_inwoners_gezondheid,
        )
    return uit


# --------------------------------------------------------------------------- self-contained pages


_SCRIPT_SRC = re.compile(
    r"<script\b[^>]*?\bsrc\s*=\s*[\"']([^\"']+)[\"'][^>]*>\s*</script\s*>", re.IGNORECASE
)
_LINK_HREF = re.compile(
    r"<link\b(?=[^>]*\brel\s*=\s*[\"']?stylesheet)[^>]*?\bhref\s*=\s*[\"']([^\"']+)[\"'][^>]*>",
    re.IGNORECASE,
)
_EXTERN = re.compile(
    r"<(?:script|link|img|iframe)\b[^>]*?\b(?:src|href)\s*=\s*[\"']?((?:https?:)?//[^\"'\s>]+)",
    re.IGNORECASE,
)
_CSS_URL = re.compile(r"url\(\s*([\"']?)(?!data:|#|https?:|//)([^\"')]+)\1\s*\)")
_SOURCEMAP = re.compile(r"^\s*(?://|/\*)# sourceMappingURL=.*$", re.MULTILINE)
_MIME = {".png": "image/png", ".svg": "image/svg+xml", ".gif": "image/gif"}


def _static_tekst(naam: str) -> str:
    pad = STATIC_DIR / naam
    try:
        tekst = pad.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise GebiedsplanError(
            f"Meegeleverd bestand {pad} ontbreekt; installeer gebiedsplan opnieuw (de map "
            "gebiedsplan/_static hoort in het pakket)."
        ) from None
    return _SOURCEMAP.sub("", tekst)


def _css(naam: str) -> str:
    """A vendored stylesheet with its images (``url(images/...)``) as data URIs."""
    map_ = (STATIC_DIR / naam).parent

    def data_uri(m: re.Match[str]) -> str:
        pad = map_ / m.group(2)
        if not pad.is_file():
            return m.group(0)
        mime = _MIME.get(pad.suffix.lower(), "application/octet-stream")
        return f"url(data:{mime};base64,{base64.b64encode(pad.read_bytes()).decode('ascii')})"

    tekst = _CSS_URL.sub(data_uri, _static_tekst(naam))
    return re.sub(r"</style", r"<\\/style", tekst, flags=re.IGNORECASE)


def _js(naam: str) -> str:
    tekst = _static_tekst(naam)
    tekst = re.sub(r"</script", r"<\\/script", tekst, flags=re.IGNORECASE)
    return tekst.replace("<!--", "<\\!--")


def inline_static(pagina: str) -> str:
    """Replace every ``<script src>`` and stylesheet ``<link>`` of a known library by its
    vendored copy, inline.

    Raises
    ------
    GebiedsplanError
        When the page still loads something from the internet (a script, stylesheet, image
        or frame with an ``http(s)://`` address): every such address is named, with the fix.

    Examples
    --------
    >>> pagina = f'<head><script src="{LEAFLET_JS}"></script></head>'
    >>> uit = inline_static(pagina)
    >>> "<script src=" in uit, 'version="1.9.3"' in uit
    (False, True)
    """

    def script(m: re.Match[str]) -> str:
        naam = BIBLIOTHEKEN.get(m.group(1))
        if naam is None:
            return m.group(0)
        return f"<script>/* {naam} (gebiedsplan/_static) */\n{_js(naam)}\n</script>"

    def stylesheet(m: re.Match[str]) -> str:
        naam = BIBLIOTHEKEN.get(m.group(1))
        if naam is None:
            return m.group(0)
        return f"<style>/* {naam} (gebiedsplan/_static) */\n{_css(naam)}\n</style>"

    uit = _LINK_HREF.sub(stylesheet, _SCRIPT_SRC.sub(script, pagina))
    extern = sorted(set(_EXTERN.findall(uit)))
    if extern:
        raise GebiedsplanError(
            "De pagina laadt nog bestanden van internet en is dus niet zelfstandig: "
            + ", ".join(extern)
            + ". Zet die bibliotheek (zelfde versie, met licentie) in gebiedsplan/_static en "
            "voeg haar adres toe aan gebiedsplan.publiceren.BIBLIOTHEKEN."
        )
    return uit


def meta_html(
    *,
    titel: str,
    soort: str,
    gemeente: str,
    gegevens: str = "",
    synthetisch: bool = False,
) -> str:
    """The ``<meta name="gebiedsplan:...">`` tags :func:`write_index` reads from a page.

    Examples
    --------
    >>> meta_html(titel="Kaart <1>", soort="hiaten", gemeente="Rivierstad")  # doctest: +NORMALIZE_WHITESPACE
    '<meta name="gebiedsplan:titel" content="Kaart &lt;1&gt;">\\n<meta name="gebiedsplan:soort"
    content="hiaten">\\n<meta name="gebiedsplan:gemeente" content="Rivierstad">'
    """
    velden = {"titel": titel, "soort": soort, "gemeente": gemeente, "gegevens": gegevens}
    if synthetisch:
        velden["synthetisch"] = "ja"
    return "\n".join(
        f'<meta name="gebiedsplan:{k}" content="{escape_tekst(v)}">' for k, v in velden.items() if v
    )


def publish_html(pagina: str, *, datum: dt.date | None = None) -> str:
    """A page as it is published: libraries inlined (:func:`inline_static`), ``lang="nl"``,
    and the publication date as ``<meta name="gebiedsplan:gepubliceerd">``.

    Examples
    --------
    >>> import datetime as dt
    >>> uit = publish_html("<html><head></head><body></body></html>", datum=dt.date(2026, 3, 1))
    >>> uit
    '<html lang="nl"><head><meta name="gebiedsplan:gepubliceerd" content="2026-03-01"></head><body></body></html>'
    """
    uit = inline_static(pagina)
    uit = re.sub(r"<html(?![^>]*\blang=)", '<html lang="nl"', uit, count=1, flags=re.IGNORECASE)
    dag = (datum or dt.date.today()).isoformat()
    stempel = f'<meta name="gebiedsplan:gepubliceerd" content="{dag}">'
    uit = re.sub(
        r'<meta name="gebiedsplan:gepubliceerd" content="[^"]*">\n?', "", uit, flags=re.IGNORECASE
    )
    return re.sub(r"<head>", f"<head>{stempel}", uit, count=1, flags=re.IGNORECASE)


# --------------------------------------------------------------------------- the index


class _Kop(HTMLParser):
    """Reads ``<title>`` and the ``gebiedsplan:`` meta tags of a page's head."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.titel = ""
        self._in_titel = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        naam = a.get("name") or ""
        if tag == "meta" and naam.startswith("gebiedsplan:"):
            self.meta[naam.removeprefix("gebiedsplan:")] = a.get("content") or ""
        self._in_titel = tag == "title"

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_titel = False

    def handle_data(self, data: str) -> None:
        if self._in_titel:
            self.titel += data


def read_page_meta(pad: str | Path) -> dict[str, str]:
    """Title, kind, gemeente and dates of a published page (its ``gebiedsplan:`` meta tags;
    the ``<title>`` and the file date where a tag is missing)."""
    pad = Path(pad)
    tekst = pad.read_text(encoding="utf-8", errors="replace")
    einde = re.search(r"</head\s*>", tekst, re.IGNORECASE)
    kop = _Kop()
    kop.feed(tekst[: einde.start()] if einde else tekst[:200_000])
    meta = dict(kop.meta)
    meta.setdefault("titel", kop.titel.strip() or pad.stem)
    meta.setdefault("gepubliceerd", dt.date.fromtimestamp(pad.stat().st_mtime).isoformat())
    meta.setdefault("soort", "")
    meta.setdefault("gemeente", "")
    meta.setdefault("gegevens", "")
    meta["bestand"] = pad.name
    return meta


def _index_html(rijen: Iterable[Mapping[str, Any]], *, titel: str) -> str:
    regels = []
    for r in rijen:
        soort = SOORTEN.get(r["soort"], r["soort"] or "pagina")
        label = " <span class='synth'>synthetisch</span>" if r.get("synthetisch") == "ja" else ""
        regels.append(
            "<tr>"
            f'<td><a href="{html.escape(r["bestand"])}">{escape_tekst(r["titel"])}</a>{label}</td>'
            f"<td>{escape_tekst(soort)}</td><td>{escape_tekst(r['gemeente'])}</td>"
            f"<td>{escape_tekst(r['gegevens'])}</td><td>{escape_tekst(r['gepubliceerd'])}</td>"
            "</tr>"
        )
    leeg = "<p>Er is nog niets gepubliceerd.</p>" if not regels else ""
    return f"""<!DOCTYPE html>
<html lang="nl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape_tekst(titel)}</title>
<style>
body {{ font-family: sans-serif; margin: 2em; color: #222; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ text-align: left; padding: 6px 10px; border-bottom: 1px solid #ddd; }}
th {{ background: #f0f0f0; }}
.synth {{ font-size: 80%; background: #fee08b; padding: 1px 5px; border-radius: 3px; }}
</style>
</head>
<body>
<h1>{escape_tekst(titel)}</h1>
<p>Kaarten en rapporten van gebiedsplan. Elke pagina werkt zonder server; alleen de
achtergrondkaart komt van internet.</p>
{leeg}<table>
<thead><tr><th>Titel</th><th>Soort</th><th>Gemeente</th><th>Gegevens</th><th>Gepubliceerd</th></tr></thead>
<tbody>
{chr(10).join(regels)}
</tbody>
</table>
</body>
</html>
"""


def write_index(
    maps_dir: str | Path | None = None, *, titel: str = "Gepubliceerde kaarten"
) -> Path:
    """Write ``index.html`` in the maps folder: every published page with its title, kind,
    gemeente, data date and publication date (newest first).

    The facts come from the ``<meta name="gebiedsplan:...">`` tags of every page
    (``titel``, ``soort``, ``gemeente``, ``gegevens``, ``gepubliceerd``, ``synthetisch``;
    see :func:`meta_html` and :func:`publish_html`), else from ``<title>`` and the file date.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> map_ = Path(tempfile.mkdtemp())
    >>> _ = (map_ / "a.html").write_text('<html><head><meta name="gebiedsplan:titel" '
    ...     'content="Hiaten Rivierstad"></head></html>', encoding="utf-8")
    >>> "Hiaten Rivierstad" in write_index(map_).read_text(encoding="utf-8")
    True
    """
    map_ = Path(maps_dir if maps_dir is not None else settings.maps_dir)
    map_.mkdir(parents=True, exist_ok=True)
    paginas = sorted(p for p in map_.glob("*.html") if p.name != "index.html")
    rijen = [read_page_meta(p) for p in paginas]
    rijen.sort(key=lambda r: r["titel"])
    rijen.sort(key=lambda r: r["gepubliceerd"], reverse=True)
    doel = map_ / "index.html"
    with atomic_path(doel) as tmp:
        tmp.write_text(_index_html(rijen, titel=titel), encoding="utf-8")
    log.info("Index geschreven: %s (%d pagina's)", doel, len(rijen))
    return doel
