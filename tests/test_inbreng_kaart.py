"""The participation map of a wijkavond (``gebiedsplan kaart --soort inbreng``): the page as
HTML (form, categories, privacy, export format in the JS) and in a real browser (pins by
clicking, a reload, the GeoJSON export, a CSV of paper forms, hostile texts stay text)."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from gebiedsplan import kaarten
from gebiedsplan.catalogus import load_catalogus
from gebiedsplan.errors import GebiedsplanError
from gebiedsplan.gemeente import effective_voorzieningen
from gebiedsplan.kaarten.inbreng import MAX_TEKST_TEKENS, inbreng_categorieen
from gebiedsplan.kaarten.opbouw import bounds_wgs84
from gebiedsplan.publiceren.pagina import STATIC_DIR, read_page_meta
from gebiedsplan.publiceren.profiel import publishable_voorzieningen

BIJEENKOMST = "Wijkavond Havenkwartier"
DATUM = dt.date(2026, 3, 12)
VIJANDIG = '<img src=x onerror=alert(1)>"><script>alert(2)</script>'


class _Velden(HTMLParser):
    """Every element with an id, its tag and attributes; the options of the category select."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: dict[str, tuple[str, dict[str, str | None]]] = {}
        self.opties: list[tuple[str | None, str]] = []
        self.radios: list[str | None] = []
        self._select: str | None = None
        self._optie: str | None = None
        self._tekst = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids[str(a["id"])] = (tag, a)
        if tag == "select":
            self._select = a.get("id")
        if tag == "option" and self._select == "gebiedsplan-inbreng-categorie":
            self._optie, self._tekst = a.get("value"), ""
        if tag == "input" and a.get("type") == "radio" and a.get("name") == "oordeel":
            self.radios.append(a.get("value"))

    def handle_endtag(self, tag: str) -> None:
        if tag == "option" and self._optie is not None:
            self.opties.append((self._optie, self._tekst))
            self._optie = None
        if tag == "select":
            self._select = None

    def handle_data(self, data: str) -> None:
        if self._optie is not None:
            self._tekst += data


@pytest.fixture(scope="module")
def pagina_pad(gemeente, tmp_path_factory) -> Path:
    kaart = kaarten.make_inbreng_kaart(
        gemeente, bijeenkomst=BIJEENKOMST, gebied="Havenkwartier", datum=DATUM
    )
    return kaarten.save_kaart(kaart, tmp_path_factory.mktemp("inbreng") / "inbreng.html")


@pytest.fixture(scope="module")
def html(pagina_pad) -> str:
    return pagina_pad.read_text(encoding="utf-8")


def test_formulier_en_knoppen(html):
    p = _Velden()
    p.feed(html)
    for veld in (
        "gebiedsplan-inbreng-formulier",
        "gebiedsplan-inbreng-categorie",
        "gebiedsplan-inbreng-tekst",
        "gebiedsplan-inbreng-teller",
        "gebiedsplan-inbreng-opslaan",
        "gebiedsplan-inbreng-annuleer",
        "gebiedsplan-inbreng-export",
        "gebiedsplan-inbreng-csvknop",
        "gebiedsplan-inbreng-csv",
        "gebiedsplan-inbreng-datum",
        "gebiedsplan-inbreng-lijst",
        "gebiedsplan-inbreng-fouten",
    ):
        assert veld in p.ids, veld
    tag, attrs = p.ids["gebiedsplan-inbreng-tekst"]
    assert tag == "textarea" and attrs["maxlength"] == str(MAX_TEKST_TEKENS) == "280"
    assert p.ids["gebiedsplan-inbreng-csv"][1]["type"] == "file"
    assert p.ids["gebiedsplan-inbreng-datum"][1]["value"] == "2026-03-12"
    assert p.radios == ["", "mist", "goed", "knelpunt"]
    assert "Exporteer (GeoJSON)" in html and "CSV inlezen" in html
    assert ">Opslaan<" in html and ">Annuleren<" in html
    # no personal data asked: no field for a name, e-mail or phone; a visible note says so
    namen = " ".join(p.ids).lower()
    for woord in ("naam", "mail", "telefoon", "phone"):
        assert woord not in namen
    assert not re.search(r'type="(?:email|tel)"', html)
    assert "Schrijf geen namen, e-mailadressen of telefoonnummers" in html


def test_categorieen_uit_de_catalogus_zonder_gevoelige(html):
    p = _Velden()
    p.feed(html)
    cat = load_catalogus().categorieen
    codes = [c for c, _ in p.opties]
    assert codes[-1] == "anders"
    assert codes == [c for c, _ in inbreng_categorieen()]
    for code, label in p.opties[:-1]:
        assert label == cat[str(code)].label
    gevoelig = {c for c, v in cat.items() if v.gevoelig}
    assert gevoelig and not gevoelig & set(codes)
    assert len(codes) == len(cat) - len(gevoelig) + 1


def test_geen_gevoelige_locaties_en_synthetisch(html, gemeente):
    alle = effective_voorzieningen(gemeente)
    publiek = publishable_voorzieningen(alle, accommodaties=gemeente.accommodaties)
    verborgen = alle.loc[~alle.index.isin(publiek.index), "naam"]
    assert len(verborgen) > 0
    for naam in verborgen:
        assert str(naam) not in html, naam
    assert str(publiek["naam"].iloc[0]) in html  # facilities for orientation are drawn
    assert "synthetisch" in html
    assert 'id="gebiedsplan-bronnen"' in html
    for wijk in gemeente.wijken["wijknaam"]:
        assert json.dumps(str(wijk)) in html  # wijk names as labels


def test_exportformaat_en_zelfstandig(html, pagina_pad):
    js = (STATIC_DIR / "inbreng.js").read_text(encoding="utf-8")
    for vast in (
        'type: "FeatureCollection"',
        'soort: "inbreng"',
        "versie: 1",
        "gemeentecode: cfg.gemeentecode",
        "bijeenkomst: cfg.bijeenkomst",
        "coordinates: [rond(p.lon), rond(p.lat)]",
        "toFixed(6)",
        "localStorage",
        "a.download",
        "new Blob(",
    ):
        assert vast in js, vast
        assert vast in html, vast
    for verboden in (
        "innerHTML",
        "outerHTML",
        "insertAdjacentHTML",
        "document.write",
        "fetch(",
        "XMLHttpRequest",
    ):
        assert verboden not in js, verboden
    assert '"gemeentecode": "GM9999"' in html and json.dumps(BIJEENKOMST) in html
    assert "<script src=" not in html
    meta = read_page_meta(pagina_pad)
    assert meta["soort"] == "inbreng"


def test_onbekend_gebied_en_lege_bijeenkomst(gemeente):
    with pytest.raises(GebiedsplanError, match="Gebied 'Nergens' bestaat niet"):
        kaarten.make_inbreng_kaart(gemeente, gebied="Nergens")
    with pytest.raises(GebiedsplanError, match="--bijeenkomst is leeg"):
        kaarten.make_inbreng_kaart(gemeente, bijeenkomst="  ")


def test_cli_schrijft_kaart_en_index(tmp_path, demo_opslag):
    from typer.testing import CliRunner

    from gebiedsplan.cli import app

    uit = CliRunner().invoke(
        app,
        [
            "kaart",
            "demo",
            "--soort",
            "inbreng",
            "--bijeenkomst",
            BIJEENKOMST,
            "--gebied",
            "havenkwartier",
            "--opslag",
            str(demo_opslag),  # the demo's store of this test run, not one in the working folder
            "--kaarten",
            str(tmp_path),
        ],
    )
    assert uit.exit_code == 0, uit.output
    pad = tmp_path / "inbreng_GM9999_wijkavond_havenkwartier.html"
    assert pad.is_file()
    assert "Inbrengkaart (wijkavond)" in (tmp_path / "index.html").read_text(encoding="utf-8")
    fout = CliRunner().invoke(
        app, ["kaart", "demo", "--soort", "groen", "--bijeenkomst", "x", "--kaarten", str(tmp_path)]
    )
    assert fout.exit_code != 0 and "--bijeenkomst hoort bij --soort inbreng" in fout.output


# --- in a real browser ---------------------------------------------------------------------


def _chromium() -> str | None:
    from gebiedsplan.rapport.pdf import find_chromium  # the lookup the PDF of the report uses

    return find_chromium()


TEGELHOSTS = ("service.pdok.nl", "tile.openstreetmap.org")


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright ontbreekt")
    chromium = _chromium()
    if chromium is None:
        pytest.skip("geen Chromium (apt-get install chromium)")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
        yield b
        b.close()


def _screenshot(pagina, tmp_path: Path, naam: str) -> None:
    pad = tmp_path / naam
    pagina.screenshot(path=str(pad))
    if doel := os.environ.get("GEBIEDSPLAN_SCREENSHOTS"):
        Path(doel).mkdir(parents=True, exist_ok=True)
        shutil.copy(pad, Path(doel) / naam)
    assert pad.stat().st_size > 5_000


def _open(browser, pad: Path):
    context = browser.new_context(viewport={"width": 1280, "height": 860}, accept_downloads=True)
    pagina = context.new_page()
    fouten: list[str] = []
    dialogen: list[str] = []
    extern: list[str] = []
    pagina.on(
        "console",
        lambda m: (
            fouten.append(m.text)
            if m.type == "error" and not m.text.startswith("Failed to load resource")
            else None
        ),
    )  # the refused tiles log "Failed to load resource"; everything else counts
    pagina.on("pageerror", lambda e: fouten.append(str(e)))

    def dialoog(d):
        dialogen.append(d.message)
        d.dismiss()

    pagina.on("dialog", dialoog)

    def verkeer(route):
        url = route.request.url
        if url.startswith(("file://", "data:", "about:", "blob:")):
            return route.continue_()
        host = url.split("/")[2] if "://" in url else url
        if host.endswith(TEGELHOSTS):
            return route.abort()  # no background: the map must stay usable
        extern.append(url)
        return route.abort()

    pagina.route("**/*", verkeer)
    pagina.goto(pad.resolve().as_uri(), wait_until="load")
    pagina.wait_for_timeout(200)
    return context, pagina, fouten, dialogen, extern


def _vrije_plek(pagina, x_deel: float, y_deel: float) -> tuple[float, float]:
    """A point of the map at (fraction of width, fraction of height) where a click reaches
    the map itself (not a panel or a marker)."""
    return pagina.evaluate(
        """([fx, fy]) => {
        const b = document.querySelector('.leaflet-container').getBoundingClientRect();
        for (let d = 0; d < 200; d += 7) {
            for (const [dx, dy] of [[d, 0], [-d, 0], [0, d], [0, -d]]) {
                const x = b.left + b.width * fx + dx, y = b.top + b.height * fy + dy;
                const el = document.elementFromPoint(x, y);
                if (el && (el.classList.contains('leaflet-container') || el.tagName === 'CANVAS'
                    || el.classList.contains('leaflet-tile') || el.tagName === 'path')) {
                    return [x, y];
                }
            }
        }
        throw new Error('geen vrije plek');
    }""",
        [x_deel, y_deel],
    )


def _zet_punt(pagina, plek, *, categorie: str, tekst: str, oordeel: str | None) -> None:
    pagina.mouse.click(*plek)
    formulier = pagina.locator("#gebiedsplan-inbreng-formulier")
    formulier.wait_for(state="visible")
    pagina.select_option("#gebiedsplan-inbreng-categorie", categorie)
    pagina.fill("#gebiedsplan-inbreng-tekst", tekst)
    assert pagina.inner_text("#gebiedsplan-inbreng-teller") == f"{len(tekst)} / 280"
    if oordeel:
        pagina.check(f"#gebiedsplan-inbreng-formulier input[name=oordeel][value={oordeel}]")
    pagina.click("#gebiedsplan-inbreng-opslaan")
    formulier.wait_for(state="hidden")


@pytest.mark.slow
def test_punten_zetten_herladen_en_exporteren(browser, pagina_pad, tmp_path, demo_opslag):
    context, pagina, fouten, dialogen, extern = _open(browser, pagina_pad)
    try:
        _zet_punt(
            pagina,
            _vrije_plek(pagina, 0.40, 0.45),  # inside the gemeente (the map opens on
            categorie="huisarts",  # Havenkwartier at its east border; further right is outside)
            tekst="Geen huisarts meer in de buurt sinds de sluiting.",
            oordeel="mist",
        )
        _zet_punt(
            pagina, _vrije_plek(pagina, 0.45, 0.6), categorie="anders", tekst=VIJANDIG, oordeel=None
        )
        assert pagina.locator("#gebiedsplan-inbreng-lijst > li").count() == 2
        _screenshot(pagina, tmp_path, "inbreng_punten.png")
        pagina.reload(wait_until="load")
        pagina.wait_for_timeout(200)
        lijst = pagina.locator("#gebiedsplan-inbreng-lijst > li")
        assert lijst.count() == 2
        assert pagina.locator(".gp-inbreng-punt").count() == 2
        assert VIJANDIG in lijst.nth(1).inner_text()
        assert (
            pagina.locator(
                "#gebiedsplan-inbreng-lijst img, #gebiedsplan-inbreng-lijst script"
            ).count()
            == 0
        )
        # the popup shows the hostile text as text too
        pagina.evaluate(
            "() => document.querySelectorAll('.gp-inbreng-punt')[1].closest('.leaflet-marker-icon').click()"
        )
        pagina.locator(".leaflet-popup-content").wait_for()
        assert VIJANDIG in pagina.inner_text(".leaflet-popup-content")
        assert pagina.locator(".leaflet-popup-content img").count() == 0
        pagina.fill("#gebiedsplan-inbreng-datum", "2026-03-14")
        pagina.dispatch_event("#gebiedsplan-inbreng-datum", "change")
        with pagina.expect_download() as wacht:
            pagina.click("#gebiedsplan-inbreng-export")
        download = wacht.value
        assert download.suggested_filename.endswith(".geojson")
        data = json.loads(Path(download.path()).read_text(encoding="utf-8"))
        assert data["type"] == "FeatureCollection"
        assert data["gebiedsplan"] == {
            "soort": "inbreng",
            "versie": 1,
            "gemeentecode": "GM9999",
            "bijeenkomst": BIJEENKOMST,
            "datum": "2026-03-14",
        }
        eerste, tweede = data["features"]
        for f in (eerste, tweede):
            assert f["type"] == "Feature" and f["geometry"]["type"] == "Point"
            lon, lat = f["geometry"]["coordinates"]
            assert 3 < lon < 8 and 50 < lat < 54  # lon, lat in the Netherlands
            assert round(lon, 6) == lon and round(lat, 6) == lat
            assert set(f["properties"]) == {"categorie", "tekst", "oordeel", "tijd"}
            dt.datetime.fromisoformat(f["properties"]["tijd"].replace("Z", "+00:00"))
        assert eerste["properties"]["categorie"] == "huisarts"
        assert eerste["properties"]["oordeel"] == "mist"
        assert tweede["properties"] == {
            "categorie": "anders",
            "tekst": VIJANDIG,
            "oordeel": None,
            "tijd": tweede["properties"]["tijd"],
        }
        # the exported file goes through 'importeer --inbreng' into a copy of the demo store, and
        # the gap table of 'analyse' shows the huisarts pin as a signal in its wijk
        bestand = tmp_path / download.suggested_filename  # as a browser saves it
        download.save_as(bestand)
        _importeer_en_analyseer(bestand, demo_opslag, tmp_path)
        # delete one
        lijst.nth(0).get_by_role("button", name="Verwijder").click()
        assert lijst.count() == 1
        assert fouten == [] and dialogen == [] and extern == []
    finally:
        context.close()


def _importeer_en_analyseer(bestand: Path, demo_opslag: Path, tmp_path: Path) -> None:
    import shutil

    import pandas as pd
    from typer.testing import CliRunner

    from gebiedsplan.cli import app

    opslag = tmp_path / "store"
    opslag.mkdir()
    for deel in demo_opslag.parent.iterdir():
        if deel.is_file():
            shutil.copy2(deel, opslag / deel.name)
    runner = CliRunner()
    gpkg = str(opslag / demo_opslag.name)

    def signalen(uit: Path) -> pd.DataFrame:
        result = runner.invoke(
            app,
            ["analyse", "demo", "--opslag", gpkg, "--uitvoer", str(uit), "--kaarten",
             str(tmp_path / "maps")],
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        tabel = pd.read_csv(uit / "hiaten_GM9999.csv", sep=";", decimal=",", encoding="utf-8-sig")
        return tabel.set_index(["wijkcode", "categorie"])[["signalen", "signalen_mist"]]

    voor = signalen(tmp_path / "voor")  # the demo may bring pins of its own wijkavond
    result = runner.invoke(
        app,
        ["importeer", "--gemeente", "GM9999", "--jaar", "2024", "--inbreng", str(bestand),
         "--opslag", gpkg],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "2 spelden" in " ".join(result.output.split())
    erbij = signalen(tmp_path / "uitvoer") - voor
    erbij = erbij[(erbij != 0).any(axis=1)].reset_index()
    # the 'anders' pin has no row in the gap table; the huisarts pin is one 'mist' signal
    assert erbij[["categorie", "signalen", "signalen_mist"]].values.tolist() == [["huisarts", 1, 1]]


@pytest.mark.slow
def test_csv_van_papieren_formulieren(browser, pagina_pad, gemeente, tmp_path):
    context, pagina, fouten, dialogen, extern = _open(browser, pagina_pad)
    try:
        (zuid, west), (noord, oost) = bounds_wgs84(gemeente.wijken)
        lat, lon = (zuid + noord) / 2, (west + oost) / 2
        csv = tmp_path / "formulieren.csv"
        csv.write_text(
            "Categorie;Tekst;Oordeel;lat;lon\n"
            f"HUISARTS;Wachttijd is lang;knelpunt;{lat:.5f};{lon:.5f}\n"
            f"onbekend;Iets;mist;{lat};{lon}\n"
            f'Ontmoeting / buurthuis;"Fijn buurthuis; veel te doen";goed;{lat};{lon}\n'
            f"anders;{VIJANDIG};;{str(lat).replace('.', ',')};{str(lon).replace('.', ',')}\n",
            encoding="utf-8",
        )
        pagina.set_input_files("#gebiedsplan-inbreng-csv", str(csv))
        pagina.locator("#gebiedsplan-inbreng-fouten > li").first.wait_for()
        foutregels = pagina.locator("#gebiedsplan-inbreng-fouten > li").all_inner_texts()
        assert len(foutregels) == 1
        assert "regel 3" in foutregels[0] and "onbekend" in foutregels[0]
        lijst = pagina.locator("#gebiedsplan-inbreng-lijst > li")
        assert lijst.count() == 3
        teksten = lijst.all_inner_texts()
        assert "Fijn buurthuis; veel te doen" in teksten[1]
        assert VIJANDIG in teksten[2]
        assert "3 punten ingelezen, 1 regels overgeslagen" in pagina.inner_text(
            "#gebiedsplan-inbreng-melding"
        )
        _screenshot(pagina, tmp_path, "inbreng_csv.png")
        assert fouten == [] and dialogen == [] and extern == []
    finally:
        context.close()


# --- a pin outside the gemeente ----------------------------------------------------------------


def _cfg(html: str) -> dict:
    m = re.search(r"window\.gebiedsplanInbreng\(\w+, ", html)
    assert m, "geen gebiedsplanInbreng(...) in de pagina"
    cfg, _ = json.JSONDecoder().raw_decode(html, m.end())
    return cfg


def test_pagina_kent_de_omtrek_van_de_gemeente(html, gemeente):
    import geopandas as gpd
    import shapely

    cfg = _cfg(html)
    assert cfg["gemeentenaam"] == gemeente.naam
    delen = [shapely.Polygon(vlak[0], vlak[1:]) for vlak in cfg["omtrek"]]
    omtrek = gpd.GeoSeries([shapely.union_all(delen)], crs=4326).to_crs(gemeente.wijken.crs)[0]
    echt = shapely.union_all(gemeente.wijken.geometry.to_numpy())  # as importeer --inbreng checks
    assert omtrek.symmetric_difference(echt).area < 0.001 * echt.area
    assert omtrek.hausdorff_distance(echt) < 3  # simplified by 2 m, rounded to 0.1 m
    js = (STATIC_DIR / "inbreng.js").read_text(encoding="utf-8")
    assert "Deze speld ligt buiten de gemeente" in js and "verplaats hem" in js
    assert "verwijder hem" in js


def _scherm(pagina, lat: float, lon: float) -> tuple[float, float]:
    """The page coordinates of (lat, lon) on the Leaflet map (folium's global map_...)."""
    return tuple(
        pagina.evaluate(
            """([lat, lon]) => {
            const naam = Object.keys(window).find(
                k => k.startsWith('map_') && window[k] instanceof L.Map);
            const kaart = window[naam];
            const p = kaart.latLngToContainerPoint([lat, lon]);
            const b = kaart.getContainer().getBoundingClientRect();
            return [b.left + p.x, b.top + p.y];
        }""",
            [lat, lon],
        )
    )


@pytest.mark.slow
def test_speld_buiten_de_gemeente(browser, pagina_pad, gemeente, tmp_path):
    """A pin dropped east of the gemeente (the page opens on Havenkwartier at its east border)
    is marked and named; dragged inside, the warning goes; a CSV row outside likewise."""
    context, pagina, fouten, dialogen, extern = _open(browser, pagina_pad)
    try:
        (zuid, west), (noord, oost) = bounds_wgs84(gemeente.wijken)
        plek = _scherm(pagina, (zuid + noord) / 2, oost + 0.002)  # about 140 m outside
        breedte = pagina.viewport_size["width"]
        assert 0 < plek[0] < breedte - 330  # left of the side panel: a click on the map
        pagina.mouse.click(*plek)
        formulier = pagina.locator("#gebiedsplan-inbreng-formulier")
        formulier.wait_for(state="visible")
        waarschuwing = pagina.locator("#gebiedsplan-inbreng-formbuiten")
        assert waarschuwing.is_visible()
        tekst = waarschuwing.inner_text()
        assert tekst.startswith(f"Deze speld ligt buiten de gemeente {gemeente.naam};")
        assert "verplaats hem" in tekst and "verwijder hem" in tekst
        pagina.fill("#gebiedsplan-inbreng-tekst", "Hier mist een bankje")
        pagina.click("#gebiedsplan-inbreng-opslaan")
        formulier.wait_for(state="hidden")
        lijst = pagina.locator("#gebiedsplan-inbreng-lijst > li")
        assert lijst.count() == 1
        assert "Deze speld ligt buiten de gemeente" in lijst.first.inner_text()
        assert pagina.locator(".gp-inbreng-punt.gp-inbreng-buiten").count() == 1
        assert pagina.inner_text("#gebiedsplan-inbreng-buiten").startswith(
            "1 speld ligt buiten de gemeente"
        )
        _screenshot(pagina, tmp_path, "inbreng_buiten.png")
        # an inside pin gets no warning
        _zet_punt(
            pagina, _vrije_plek(pagina, 0.40, 0.45), categorie="huisarts", tekst="Te ver",
            oordeel="mist",
        )  # fmt: skip
        assert lijst.count() == 2
        assert "buiten de gemeente" not in lijst.nth(1).inner_text()
        assert pagina.locator(".gp-inbreng-buiten").count() == 1
        # export: the file has both, the page says import would refuse it
        with pagina.expect_download():
            pagina.click("#gebiedsplan-inbreng-export")
        assert "1 buiten de gemeente" in pagina.inner_text("#gebiedsplan-inbreng-melding")
        # drag the outside pin into the gemeente: the warning goes, the new place is kept
        speld = pagina.locator(".gp-inbreng-punt.gp-inbreng-buiten").bounding_box()
        x, y = speld["x"] + speld["width"] / 2, speld["y"] + speld["height"] / 2
        doel = _scherm(pagina, (zuid + noord) / 2, oost - 0.004)
        pagina.mouse.move(x, y)
        pagina.mouse.down()
        pagina.mouse.move((x + doel[0]) / 2, (y + doel[1]) / 2, steps=5)
        pagina.mouse.move(*doel, steps=5)
        pagina.mouse.up()
        pagina.wait_for_timeout(200)
        assert pagina.locator(".gp-inbreng-buiten").count() == 0
        assert pagina.inner_text("#gebiedsplan-inbreng-buiten") == ""
        assert "buiten de gemeente" not in pagina.inner_text("#gebiedsplan-inbreng-lijst")
        pagina.reload(wait_until="load")
        pagina.wait_for_timeout(200)
        punten = pagina.evaluate(
            "() => JSON.parse(localStorage.getItem(Object.keys(localStorage)"
            ".find(k => k.startsWith('gebiedsplan-inbreng:')))).punten"
        )
        assert west < punten[0]["lon"] < oost  # moved, and kept
        # a CSV row east of the gemeente (near enough not to be taken for swapped lat/lon)
        lat = (zuid + noord) / 2
        csv = tmp_path / "formulieren.csv"
        csv.write_text(
            "categorie;tekst;oordeel;lat;lon\n"
            f"huisarts;Binnen;mist;{lat:.6f};{(west + oost) / 2:.6f}\n"
            f"huisarts;Buiten;mist;{lat:.6f};{oost + 0.01:.6f}\n",
            encoding="utf-8",
        )
        pagina.set_input_files("#gebiedsplan-inbreng-csv", str(csv))
        melding = pagina.locator("#gebiedsplan-inbreng-melding")
        melding.filter(has_text="ingelezen").wait_for()
        assert "2 punten ingelezen, 0 regels overgeslagen." in melding.inner_text()
        assert "1 ingelezen speld ligt buiten de gemeente" in melding.inner_text()
        teksten = pagina.locator("#gebiedsplan-inbreng-lijst > li").all_inner_texts()
        assert len(teksten) == 4
        assert "buiten de gemeente" not in teksten[2]
        assert "Buiten" in teksten[3] and "Deze speld ligt buiten de gemeente" in teksten[3]
        _screenshot(pagina, tmp_path, "inbreng_csv_buiten.png")
        assert fouten == [] and dialogen == [] and extern == []
    finally:
        context.close()
