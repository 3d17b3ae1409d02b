"""Published maps and a report in a real browser: headless Chromium through Playwright.

Every page is opened from disk with the network cut off: a request for a background tile gets
an empty image (tiles are the only thing a published page may fetch), every other request is
refused and recorded. A page passes when it renders, logs no console error, raises no
JavaScript error, opens no dialog (``alert``) and asked for nothing but tiles. Screenshots go
to the test's temporary folder, and also to ``$GEBIEDSPLAN_SCREENSHOTS`` when that is set
(e.g. ``maps/``).

Skips when Playwright or a Chromium executable (Debian's ``chromium``) is absent; Playwright's
own browser download is never used.
"""

from __future__ import annotations

import base64
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from gebiedsplan import kaarten, rapport
from gebiedsplan.publiceren.pagina import escape_tekst

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright ontbreekt")


def _chromium() -> str | None:
    from gebiedsplan.rapport.pdf import find_chromium  # the lookup the PDF of the report uses

    return find_chromium()


CHROMIUM = _chromium()
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(CHROMIUM is None, reason="geen Chromium (apt-get install chromium)"),
]

ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: Hosts of the background tiles (PDOK BRT, OpenStreetMap).
TEGELHOSTS = ("service.pdok.nl", "tile.openstreetmap.org")
LEEG_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)


@dataclass
class Bezoek:
    """One page opened in the browser, and what happened."""

    pagina: object
    fouten: list[str] = field(default_factory=list)
    dialogen: list[str] = field(default_factory=list)
    tegels: list[str] = field(default_factory=list)
    extern: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def _open(browser, pad: Path) -> Bezoek:
    pagina = browser.new_page(viewport={"width": 1280, "height": 860})
    bezoek = Bezoek(pagina)
    pagina.on(
        "console",
        lambda m: bezoek.fouten.append(f"console: {m.text}") if m.type == "error" else None,
    )
    pagina.on("pageerror", lambda e: bezoek.fouten.append(f"script: {e}"))

    def dialoog(d):
        bezoek.dialogen.append(f"{d.type}: {d.message}")
        d.dismiss()

    pagina.on("dialog", dialoog)

    def verkeer(route):
        url = route.request.url
        if url.startswith(("file://", "data:", "about:")):
            return route.continue_()
        host = url.split("/")[2] if "://" in url else url
        if host.endswith(TEGELHOSTS):
            bezoek.tegels.append(url)
            return route.fulfill(status=200, content_type="image/png", body=LEEG_PNG)
        bezoek.extern.append(url)
        return route.abort()

    pagina.route("**/*", verkeer)
    pagina.goto(pad.resolve().as_uri(), wait_until="load")
    pagina.wait_for_timeout(100)
    return bezoek


def _screenshot(bezoek: Bezoek, pad: Path, *, naam: str) -> Path:
    bezoek.pagina.screenshot(path=str(pad))
    if doel := os.environ.get("GEBIEDSPLAN_SCREENSHOTS"):
        Path(doel).mkdir(parents=True, exist_ok=True)
        shutil.copy(pad, Path(doel) / naam)
    assert pad.stat().st_size > 5_000  # a rendered page, not an empty image
    return pad


def _schoon(bezoek: Bezoek) -> None:
    assert bezoek.fouten == []
    assert bezoek.dialogen == []
    assert bezoek.extern == [], "de pagina vroeg meer dan achtergrondtegels op"


def test_kaart_rendert_zonder_fouten_en_zonder_internet(browser, gemeente, analyse, tmp_path):
    pad = kaarten.save_kaart(kaarten.make_kaart(gemeente, analyse.hiaten), tmp_path / "hiaten.html")
    bezoek = _open(browser, pad)
    p = bezoek.pagina
    _schoon(bezoek)
    assert bezoek.tegels and all("service.pdok.nl/brt/achtergrondkaart" in u for u in bezoek.tegels)
    assert p.title() == "Hiaten sociale basis - Rivierstad (synthetisch)"
    # the map is drawn: a Leaflet container with its canvas, clusters and markers, controls
    assert p.locator(".leaflet-container").count() == 1
    assert p.locator("canvas.leaflet-zoom-animated").count() >= 1
    assert p.locator(".gp-cluster").count() + p.locator(".gp-punt").count() > 20
    assert p.locator(".gp-vierkant").count() >= 1  # accommodations
    assert p.locator(".leaflet-control-layers-group-name").first.inner_text() == (
        "Hiaat per voorziening"
    )
    assert p.locator("#legenda-hiaat").is_visible()
    assert p.get_by_title("Inzoomen").count() == 1
    # the map's own numbers reached the canvas: one filled wijk per choropleth feature
    n = p.evaluate(
        """() => { let n = 0; Object.keys(window).filter(k => /^geo_json_/.test(k) &&
            !/_(add|styler|highlighter|onEachFeature|pointToLayer)$/.test(k))
            .forEach(k => { if (window[k].getLayers) n += window[k].getLayers().length; });
            return n; }"""
    )
    assert n >= 10 * 6  # 10 categories x 6 wijken (+ gebieden and network)
    # switching the choropleth and opening the sources panel work without errors
    p.get_by_label("Huisarts (norm 1000 m)").check()
    p.locator("#gebiedsplan-bronnen summary").click()
    p.wait_for_timeout(200)
    _schoon(bezoek)
    # one line per layer the gap map draws from (kaarten.opbouw.KAARTLAGEN["hiaten"]), the
    # demo's wijkavond (inbreng) among them
    assert p.locator("#gebiedsplan-bronnen li").count() == 8
    _screenshot(bezoek, tmp_path / "kaart.png", naam="browser_kaart.png")
    p.close()


#: Opens every popup and tooltip of every layer (also those in clusters and hidden layers),
#: so every text from data is put into the page the way Leaflet does it (innerHTML).
ALLES_OPENEN = """() => {
    const kaart = window[Object.keys(window).find(k => /^map_[0-9a-f]+$/.test(k))];
    const groepen = Object.keys(window)
        .filter(k => /^(feature_group|marker_cluster)_[0-9a-f]+$/.test(k)).map(k => window[k]);
    groepen.forEach(g => { if (!kaart.hasLayer(g)) { kaart.addLayer(g); } });
    const bladeren = [];
    // a tooltip bound to a GeoJSON layer serves each of its features (content(feature layer))
    const loop = (l, tip) => {
        const t = (l.getTooltip && l.getTooltip()) || tip;
        if (l.getLayers) { l.getLayers().forEach(k => loop(k, t)); } else { bladeren.push([l, t]); }
    };
    groepen.forEach(g => loop(g, null));
    let n = 0;
    const plek = l => l.getLatLng ? l.getLatLng() : l.getBounds().getCenter();
    bladeren.forEach(([l, t]) => {
        const p = l.getPopup && l.getPopup();
        if (p) { L.popup().setLatLng(plek(l)).setContent(p.getContent()).openOn(kaart); n++; }
        if (t) {
            const c = t.getContent();
            L.tooltip({permanent: true}).setLatLng(plek(l))
                .setContent(typeof c === "function" ? c(l) : c).addTo(kaart);
            n++;
        }
    });
    return n;
}"""


#: Opens the popup of the marker whose tooltip is the given (escaped) name.
EEN_OPENEN = """naam => {
    const kaart = window[Object.keys(window).find(k => /^map_[0-9a-f]+$/.test(k))];
    for (const k of Object.keys(window).filter(k => /^marker_cluster_[0-9a-f]+$/.test(k))) {
        for (const m of window[k].getLayers()) {
            if (m.getTooltip() && m.getTooltip().getContent() === naam) {
                kaart.setView(m.getLatLng(), 16, {animate: false});
                L.popup().setLatLng(m.getLatLng()).setContent(m.getPopup().getContent()).openOn(kaart);
                return true;
            }
        }
    }
    return false;
}"""


def test_vijandige_namen_voeren_niets_uit(browser, gemeente, analyse, tmp_path):
    """The hostile texts of tests/test_publiceren.py in every kind of map: opening every popup
    and tooltip runs nothing, logs no error, and shows the texts literally."""
    from test_publiceren import VIJANDIG, _vijandige_gemeente

    from gebiedsplan.analyse.run import run_analyse
    from gebiedsplan.analyse.voorzieningbereik import compute_voorzieningbereik

    vijandig = _vijandige_gemeente(gemeente)
    basis = run_analyse(vijandig, netwerk=analyse.netwerk)
    vz = vijandig.voorzieningen
    vz_id = vz.index[vz["naam"] == VIJANDIG["script"]][0]
    paginas = {
        "hiaten": kaarten.make_kaart(vijandig, basis.hiaten),
        "gebied": kaarten.make_gebied_kaart(vijandig, basis, "Havenkwartier"),
        "bereik": kaarten.make_bereik_kaart(
            vijandig, compute_voorzieningbereik(vijandig, vz_id, netwerk=analyse.netwerk)
        ),
        "gezondheid": kaarten.make_gezondheid_kaart(vijandig),
    }
    for soort, kaart in paginas.items():
        pad = kaarten.save_kaart(kaart, tmp_path / f"{soort}.html")
        bezoek = _open(browser, pad)
        p = bezoek.pagina
        if soort == "hiaten":  # one popup with a hostile name, for the screenshot
            assert p.evaluate(EEN_OPENEN, escape_tekst(VIJANDIG["script"]))
            p.wait_for_timeout(100)
            popup = p.locator(".leaflet-popup-content").inner_text()
            assert popup.startswith(VIJANDIG["script"] + "\nOntmoeting / buurthuis")
            _screenshot(bezoek, tmp_path / f"{soort}.png", naam="browser_vijandig.png")
        geopend = p.evaluate(ALLES_OPENEN)
        p.wait_for_timeout(100)
        assert geopend > 5, soort
        _schoon(bezoek)
        tekst = p.evaluate("() => document.body.innerText")
        if soort in ("hiaten", "bereik"):
            for naam in ("script", "img", "template", "einde"):
                assert VIJANDIG[naam] in tekst, (soort, naam)
        if soort != "gebied":
            assert VIJANDIG["script"] in p.title()
        # nothing from data became an element
        assert p.evaluate("() => document.querySelectorAll('img[src=\"x\"]').length") == 0
        p.close()


def test_rapport_opent_zonder_fouten(browser, gemeente, analyse, tmp_path):
    pagina = rapport.make_rapport(gemeente, analyse, "Havenkwartier")
    pad = rapport.save_rapport(pagina, tmp_path / "rapport_havenkwartier.html")
    bezoek = _open(browser, Path(pad))
    p = bezoek.pagina
    p.wait_for_timeout(300)
    _schoon(bezoek)
    assert "Havenkwartier" in p.title()
    assert "Havenkwartier" in p.evaluate("() => document.body.innerText")
    _screenshot(bezoek, tmp_path / "rapport.png", naam="browser_rapport.png")
    # the interactive map inside the report renders too
    kaartframes = [f for f in p.frames if f.locator(".leaflet-container").count() == 1]
    if kaartframes:
        kaartframes[0].locator(".leaflet-container").scroll_into_view_if_needed()
        p.wait_for_timeout(300)
        _schoon(bezoek)
        _screenshot(bezoek, tmp_path / "rapport_kaart.png", naam="browser_rapport_kaart.png")
    p.close()


#: Markers on the map by category (dots and cluster icons carry ``data-categorie``).
MARKERS_PER_CATEGORIE = """() => { const n = {};
    document.querySelectorAll('.leaflet-marker-pane [data-categorie]').forEach(e => {
        const c = e.getAttribute('data-categorie'); n[c] = (n[c] || 0) + 1; });
    return n; }"""

#: The fitted area in pixels and the rectangles of the panels that may not cover it.
OVERLAP = """() => {
    const kaart = window[Object.keys(window).find(k => /^map_[0-9a-f]+$/.test(k))];
    const g = window.gebiedsplanBeeld.grenzen;
    const a = kaart.latLngToContainerPoint(L.latLng(g[1][0], g[0][1]));
    const b = kaart.latLngToContainerPoint(L.latLng(g[0][0], g[1][1]));
    const vlak = {left: a.x, top: a.y, right: b.x, bottom: b.y};
    const panelen = [...document.querySelectorAll(
        '#gebiedsplan-tabel, #gebiedsplan-legenda, #gebiedsplan-sleutel, #gebiedsplan-titel, '
        + '.leaflet-right.leaflet-top .leaflet-control')]
        .filter(e => getComputedStyle(e).display !== 'none')
        .map(e => { const r = e.getBoundingClientRect();
            return {id: e.id || e.className, left: r.left, top: r.top, right: r.right,
                    bottom: r.bottom}; });
    const over = panelen.filter(r => r.left < vlak.right - 1 && r.right > vlak.left + 1
        && r.top < vlak.bottom - 1 && r.bottom > vlak.top + 1).map(r => r.id);
    return {vlak: vlak, over: over, zoom: kaart.getZoom()};
}"""


def test_sleutel_en_categoriewissel(browser, gemeente, analyse, tmp_path):
    """The key of the facility categories is visible; choosing "Huisarts" leaves only the
    huisartsen on the map (the others fade in the key), "alle voorzieningen tonen" brings them
    back; the analysed area lies beside the panels, its facilities as dots (no clusters)."""
    pad = kaarten.save_kaart(
        kaarten.make_kaart(gemeente, analyse.hiaten, volledigheid=analyse.volledigheid),
        tmp_path / "hiaten.html",
    )
    bezoek = _open(browser, pad)
    p = bezoek.pagina
    _schoon(bezoek)
    sleutel = p.locator("#gebiedsplan-sleutel")
    assert sleutel.is_visible()
    assert sleutel.locator("[data-categorie='huisarts']").inner_text() == "Huisarts (9)"
    begin = p.evaluate(MARKERS_PER_CATEGORIE)
    assert len(begin) >= 6 and begin["huisarts"] == 9
    assert p.locator(".gp-cluster").count() == 0  # the gemeente in view: every facility a dot
    assert p.evaluate(OVERLAP)["over"] == []
    _screenshot(bezoek, tmp_path / "sleutel.png", naam="browser_sleutel.png")

    p.get_by_label("Huisarts (norm 1000 m)").check()
    p.wait_for_timeout(300)
    assert p.evaluate(MARKERS_PER_CATEGORIE) == {"huisarts": 9}
    assert sleutel.locator("[data-categorie='huisarts']").get_attribute("class") in (None, "")
    assert "gp-uit" in sleutel.locator("[data-categorie='basisschool']").get_attribute("class")
    assert p.locator(".gp-vierkant").count() >= 1  # accommodations stay
    _screenshot(bezoek, tmp_path / "huisarts.png", naam="browser_huisarts.png")

    p.get_by_label("Basisschool (norm 1000 m)").check()
    p.wait_for_timeout(300)
    assert set(p.evaluate(MARKERS_PER_CATEGORIE)) == {"basisschool"}
    p.locator("#gebiedsplan-alle").click()
    p.wait_for_timeout(300)
    assert p.evaluate(MARKERS_PER_CATEGORIE) == begin
    _schoon(bezoek)
    p.close()


def test_panelen_bedekken_het_gebied_niet(browser, gemeente, analyse, tmp_path):
    """The gebied map opens with its table panel open beside the gebied, not over it; on a
    narrow screen the table folds up rather than cover the gebied. The gap map of one wijk
    opens on it, closer than the map of the gemeente."""
    from gebiedsplan.analyse.run import run_analyse

    pad = kaarten.save_kaart(
        kaarten.make_gebied_kaart(gemeente, analyse, "Havenkwartier"), tmp_path / "gebied.html"
    )
    bezoek = _open(browser, pad)
    p = bezoek.pagina
    _schoon(bezoek)
    assert p.locator("#gebiedsplan-tabel table").is_visible()
    assert p.evaluate(OVERLAP)["over"] == []
    _screenshot(bezoek, tmp_path / "gebied.png", naam="browser_gebied_paneel.png")
    p.close()

    smal = browser.new_page(viewport={"width": 900, "height": 700})
    smal.goto(pad.resolve().as_uri(), wait_until="load")
    smal.wait_for_timeout(200)
    assert smal.evaluate(OVERLAP)["over"] == []
    smal.close()

    deel = run_analyse(gemeente, wijken=["WK999901"], netwerk=analyse.netwerk)
    heel = _open(
        browser,
        kaarten.save_kaart(kaarten.make_kaart(gemeente, analyse.hiaten), tmp_path / "a.html"),
    )
    zoom_heel = heel.pagina.evaluate(OVERLAP)["zoom"]
    heel.pagina.close()
    bezoek = _open(
        browser, kaarten.save_kaart(kaarten.make_kaart(gemeente, deel.hiaten), tmp_path / "b.html")
    )
    uitkomst = bezoek.pagina.evaluate(OVERLAP)
    assert uitkomst["over"] == [] and uitkomst["zoom"] > zoom_heel
    assert bezoek.pagina.locator(".gp-cluster").count() == 0
    _screenshot(bezoek, tmp_path / "wijken.png", naam="browser_wijken.png")
    bezoek.pagina.close()
