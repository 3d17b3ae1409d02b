"""Self-contained pages: every text from data made safe (:func:`escape_tekst`), the vendored
JavaScript and CSS inlined (:func:`inline_static`), and the ``<meta name="gebiedsplan:...">``
tags the index reads (:func:`meta_html`, :func:`read_page_meta`).

A published page (:func:`publish_html`) opens from disk without a server and without
internet: the libraries a map uses are vendored in ``gebiedsplan/publiceren/_static/``
(versions and licences in its README); only the background tiles (images) come from PDOK or
OpenStreetMap when online.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import re
from html.parser import HTMLParser
from pathlib import Path

from gebiedsplan.errors import GebiedsplanError

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
    "inbreng": "Inbrengkaart (wijkavond)",
    "verandering": "Veranderingskaart (trend)",
    "rapport": "Gebiedsplan (rapport)",
}


_JS_TEKENS = str.maketrans(
    {"`": "&#96;", "$": "&#36;", "{": "&#123;", "}": "&#125;", "\\": "&#92;"}
)

#: Invisible characters that make text show differently from what it is: the bidi controls
#: (LRE, RLE, PDF, LRO, RLO U+202A-U+202E; LRI, RLI, FSI, PDI U+2066-U+2069; LRM, RLM U+200E/F;
#: ALM U+061C) and the zero-width characters (ZWSP, ZWNJ, ZWJ U+200B-U+200D; word joiner
#: U+2060; BOM/ZWNBSP U+FEFF). The line and paragraph separators U+2028/U+2029 become a space.
ONZICHTBAAR = re.compile("[\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]")
_REGELSCHEIDING = re.compile("[\u2028\u2029]")


def zichtbare_tekst(waarde: object) -> str:
    """Text from data as it may be published: the bidi-control and zero-width characters of
    :data:`ONZICHTBAAR` removed (a right-to-left override would show a name reversed, a
    zero-width space would hide a word from a search), U+2028/U+2029 as a space. Not escaped:
    for a page use :func:`escape_tekst`; Excel cells use this.

    Examples
    --------
    >>> zichtbare_tekst("Huis\u202eDe Hoek\u202c")
    'HuisDe Hoek'
    >>> zichtbare_tekst("vrouwen\u200bopvang\ufeff")
    'vrouwenopvang'
    """
    tekst = str(waarde)
    return _REGELSCHEIDING.sub(" ", ONZICHTBAAR.sub("", tekst))


def escape_tekst(waarde: object) -> str:
    """Text from data made safe for a page: invisible bidi-control and zero-width characters
    removed (:func:`zichtbare_tekst`), HTML-escaped (``< > & " '``), and safe inside the
    JavaScript template literals folium puts tooltips in (backtick, ``$``, braces and backslash
    as character references, which the browser shows as the characters themselves).

    Examples
    --------
    >>> escape_tekst('<script>alert("x")</script>')
    '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'
    >>> escape_tekst("`${1+1}` C:\\\\u")
    '&#96;&#36;&#123;1+1&#125;&#96; C:&#92;u'
    >>> escape_tekst("Buurthuis \u202eLAVIL\u202c")
    'Buurthuis LAVIL'
    """
    return html.escape(zichtbare_tekst(waarde)).translate(_JS_TEKENS)


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
            "gebiedsplan/publiceren/_static hoort in het pakket)."
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


def static_js(naam: str) -> str:
    """A script of ``_static`` (vendored or gebiedsplan's own) as it may be inlined in a
    ``<script>`` element: ``</script`` and ``<!--`` escaped; a missing file is an error that
    says to reinstall."""
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
        return f"<script>/* {naam} (gebiedsplan/_static) */\n{static_js(naam)}\n</script>"

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
            + ". Zet die bibliotheek (zelfde versie, met licentie) in gebiedsplan/publiceren/_static en "
            "voeg haar adres toe aan gebiedsplan.publiceren.pagina.BIBLIOTHEKEN."
        )
    return uit


def meta_html(
    *,
    titel: str,
    soort: str,
    gemeente: str,
    peildatum: str = "",
    opgehaald: str = "",
    synthetisch: str = "",
) -> str:
    """The ``<meta name="gebiedsplan:...">`` tags :func:`write_index` reads from a page.

    ``peildatum``: what moment the page's data describe ("2018 t/m 2025"); ``opgehaald``: when
    they were downloaded or imported; ``synthetisch``: ``"ja"`` for a page of made-up data
    only (the demo), else the fictitious layers and sources it shows, else empty (see
    :func:`gebiedsplan.publiceren.herkomst.pagina_meta`).

    Examples
    --------
    >>> meta_html(titel="Kaart <1>", soort="hiaten", gemeente="Rivierstad")  # doctest: +NORMALIZE_WHITESPACE
    '<meta name="gebiedsplan:titel" content="Kaart &lt;1&gt;">\\n<meta name="gebiedsplan:soort"
    content="hiaten">\\n<meta name="gebiedsplan:gemeente" content="Rivierstad">'
    """
    velden = {
        "titel": titel,
        "soort": soort,
        "gemeente": gemeente,
        "peildatum": peildatum,
        "opgehaald": opgehaald,
        "synthetisch": synthetisch,
    }
    return "\n".join(
        f'<meta name="gebiedsplan:{k}" content="{escape_tekst(v)}">' for k, v in velden.items() if v
    )


def publish_html(pagina: str, *, datum: dt.date | None = None) -> str:
    """A page as it is published: libraries inlined (:func:`inline_static`), ``lang="nl"``,
    the publication date as ``<meta name="gebiedsplan:gepubliceerd">``, and no invisible
    bidi-control or zero-width character anywhere (:data:`ONZICHTBAAR`; every text from data
    has already lost them in :func:`escape_tekst`, this is the last check).

    Examples
    --------
    >>> import datetime as dt
    >>> uit = publish_html("<html><head></head><body></body></html>", datum=dt.date(2026, 3, 1))
    >>> uit
    '<html lang="nl"><head><meta name="gebiedsplan:gepubliceerd" content="2026-03-01"></head><body></body></html>'
    """
    uit = zichtbare_tekst(inline_static(pagina))
    uit = re.sub(r"<html(?![^>]*\blang=)", '<html lang="nl"', uit, count=1, flags=re.IGNORECASE)
    dag = (datum or dt.date.today()).isoformat()
    stempel = f'<meta name="gebiedsplan:gepubliceerd" content="{dag}">'
    uit = re.sub(
        r'<meta name="gebiedsplan:gepubliceerd" content="[^"]*">\n?', "", uit, flags=re.IGNORECASE
    )
    return re.sub(r"<head>", f"<head>{stempel}", uit, count=1, flags=re.IGNORECASE)


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
    the ``<title>`` and the file date where a tag is missing). A page written before
    ``peildatum`` existed has its ``gegevens`` (the import dates) as ``opgehaald``."""
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
    meta.setdefault("peildatum", "")
    meta.setdefault("opgehaald", meta.get("gegevens", ""))  # pages before peildatum existed
    meta["bestand"] = pad.name
    return meta
