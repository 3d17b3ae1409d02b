"""The report's section "Wat bewoners zeggen": residents' pins beside the measure
(bevestigt / tegenstrijdig), their texts escaped, sensitive pins left out (issue 15)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import shutil
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from bs4 import BeautifulSoup

import gebiedsplan as gp
from gebiedsplan.analyse.inbreng import join_signalen
from gebiedsplan.bronnen.inbreng import read_inbreng
from gebiedsplan.errors import GebiedsplanError
from gebiedsplan.rapport.pagina import make_rapport, save_rapport

DATUM = dt.date(2026, 5, 20)
GEBIED = "Pilot Noord"  # wijken WK999901 and WK999902
VIJANDIG = "<img src=x onerror=alert(1)>"


def _lonlat(gemeente, wijkcode: str, dx_m: float) -> list[float]:
    punt = gemeente.wijken.geometry[wijkcode].representative_point()
    punt = shapely.Point(punt.x + dx_m, punt.y)
    assert gemeente.wijken.geometry[wijkcode].contains(punt)
    wgs = gpd.GeoSeries([punt], crs="EPSG:28992").to_crs("EPSG:4326").iloc[0]
    return [wgs.x, wgs.y]


#: (wijk, metres east of its representative point, categorie, tekst, oordeel)
PINS = [
    ("WK999901", 0, "huisarts", "Te ver weg, twee bussen nemen", "mist"),
    ("WK999901", 5, "huisarts", "Geen plek bij de huisarts", "mist"),
    ("WK999901", 10, "groen", "Nergens een park om te wandelen", "mist"),
    ("WK999901", 15, "groen", "Alleen stenen hier", "knelpunt"),
    ("WK999901", 20, "ontmoeting", VIJANDIG, "mist"),
    ("WK999901", 25, "anders", "De vrouwenopvang hier is vol", "mist"),
    ("WK999902", 0, "opvang", "Zonnehuis heeft plek nodig", "mist"),
    ("WK999902", 5, "anders", "Bankje bij de molen", None),
    ("WK999903", 0, "huisarts", "Ver weg in de haven", "mist"),  # not in Pilot Noord
]


@pytest.fixture(scope="module")
def met_inbreng(gemeente, tmp_path_factory):
    """The demo gemeente with the pins of PINS (one meeting, read as the import does) and its
    analysis; the demo's own inbreng (if any) is replaced."""
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": _lonlat(gemeente, w, dx)},
            "properties": {
                "categorie": c,
                "tekst": t,
                "oordeel": o,
                "tijd": "2026-05-12T19:47:00+02:00",
            },
        }
        for w, dx, c, t, o in PINS
    ]
    bestand = tmp_path_factory.mktemp("inbreng") / "wijkavond.geojson"
    bestand.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "gebiedsplan": {
                    "soort": "inbreng",
                    "gemeentecode": "GM9999",
                    "bijeenkomst": "Wijkavond Noordoever",
                    "datum": "2026-05-12",
                },
                "features": features,
            }
        ),
        encoding="utf-8",
    )
    vlak = shapely.union_all(gemeente.wijken.geometry.to_numpy())
    laag = read_inbreng(bestand, gemeentecode="GM9999", gemeente_vlak=vlak)
    g = dataclasses.replace(gemeente, inbreng=laag.data)
    return g, gp.run_analyse(g)


def _signalen(analyse):
    """The gap table per gebied with the signal columns, as the CLI passes it."""
    return join_signalen(analyse.hiaten_gebied, analyse.signalen["gebied"])


@pytest.fixture(scope="module")
def rapport(met_inbreng):
    g, a = met_inbreng
    html = make_rapport(g, a, GEBIED, datum=DATUM, kaart=False, signalen=_signalen(a))
    return html, BeautifulSoup(html, "html.parser")


def _rijen(soup: BeautifulSoup, tabel_id: str) -> dict[str, list[str]]:
    tabel = soup.find("table", id=tabel_id)
    assert tabel is not None, tabel_id
    return {
        tr["data-sleutel"].removeprefix("signaal:"): [td.get_text() for td in tr.find_all("td")]
        for tr in tabel.tbody.find_all("tr")
        if tr.has_attr("data-sleutel")
    }


def test_section_follows_the_gaps_and_is_in_the_contents(rapport):
    _, soup = rapport
    ids = [s["id"] for s in soup.find_all("section")]
    assert ids[ids.index("hiaten") + 1] == "inbreng"
    sectie = soup.find("section", id="inbreng")
    assert sectie.h2.get_text() == "Wat bewoners zeggen"
    assert "#inbreng" in [a["href"] for a in soup.select("nav.inhoud a")]
    assert soup.find(id="inbreng-noot") is None  # no "how to collect" line when there are pins


def test_meetings_and_counts_are_those_of_the_gebied(rapport, met_inbreng):
    _, soup = rapport
    # Pilot Noord holds the 8 pins of WK999901/02; the opvang pin is hidden: 7 remain
    assert _rijen(soup, "tabel-bijeenkomsten") == {
        "Wijkavond Noordoever": ["Wijkavond Noordoever", "12 mei 2026", "7"]
    }
    rijen = _rijen(soup, "tabel-signalen")
    assert set(rijen) == {"huisarts", "groen", "ontmoeting", "anders"}
    # spelden, mist, knelpunt, goed: counted by hand from PINS
    assert rijen["huisarts"][1:5] == ["2", "2", "0", "0"]
    assert rijen["groen"][1:5] == ["2", "1", "1", "0"]
    assert rijen["ontmoeting"][1:5] == ["1", "1", "0", "0"]
    assert rijen["anders"][1:5] == ["2", "1", "0", "0"]
    assert sum(int(r[1]) for r in rijen.values()) == 7
    # the measure beside it is the gap table's
    _, a = met_inbreng
    tabel = a.hiaten_gebied.xs(GEBIED, level=0)
    assert rijen["huisarts"][5] == f"{tabel.at['huisarts', 'hiaatscore']:.0f}"
    assert rijen["groen"][6] == f"{100 * tabel.at['groen', 'aandeel_binnen_norm']:.0f}%"
    assert rijen["anders"][5:] == ["–", "–", "–"]  # no measure for 'anders'


def test_bevestigt_and_tegenstrijdig_in_words_and_colour(rapport, met_inbreng):
    _, soup = rapport
    _, a = met_inbreng
    tabel = a.hiaten_gebied.xs(GEBIED, level=0)
    # the premises: residents miss a huisarts where the measure sees none, and green where
    # the measure sees a gap
    assert tabel.at["huisarts", "hiaatscore"] < 10
    assert tabel.at["groen", "hiaatscore"] >= 25
    cellen = {
        tr["data-sleutel"].removeprefix("signaal:"): tr.find_all("td")[-1]
        for tr in soup.find("table", id="tabel-signalen").tbody.find_all("tr")
        if tr.has_attr("data-sleutel")
    }
    assert cellen["huisarts"].get_text() == "tegenstrijdig"
    assert "signaal-tegenstrijdig" in cellen["huisarts"]["class"]
    assert cellen["groen"].get_text() == "bevestigt"
    assert "signaal-bevestigt" in cellen["groen"]["class"]
    assert not any(c.startswith("signaal-") for c in cellen["anders"]["class"])
    # conflicts first; each coloured row says what to do
    volgorde = list(cellen)
    assert volgorde[0] == "huisarts" and volgorde[-1] == "anders"
    uitleg = {
        tr["data-toelichting"].removeprefix("signaal:"): tr.get_text()
        for tr in soup.find("table", id="tabel-signalen").find_all("tr", class_="toelichting")
    }
    assert "de meting ziet geen hiaat" in uitleg["huisarts"]
    assert "vraag bewoners" in uitleg["huisarts"]
    assert "hetzelfde hiaat" in uitleg["groen"]
    css = soup.find("style").get_text()
    assert "td.signaal-tegenstrijdig" in css and "td.signaal-bevestigt" in css


def test_texts_grouped_by_category_and_escaped(rapport):
    html, soup = rapport
    sectie = soup.find("section", id="inbreng")
    groepen = {
        g["data-categorie"]: [q.get_text() for q in g.find_all("q")]
        for g in sectie.select(".inbreng-groep")
    }
    assert groepen["huisarts"] == ["Te ver weg, twee bussen nemen", "Geen plek bij de huisarts"]
    assert groepen["groen"] == ["Nergens een park om te wandelen", "Alleen stenen hier"]
    assert groepen["ontmoeting"] == [VIJANDIG]  # shown as text
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<img" not in html and soup.find("img") is None


def test_sensitive_pins_and_pin_details_never_appear(rapport):
    html, soup = rapport
    sectie = soup.find("section", id="inbreng")
    groepen = {g["data-categorie"]: g.get_text() for g in sectie.select(".inbreng-groep")}
    assert "opvang" not in groepen  # a hidden category: no texts ...
    assert "opvang" not in _rijen(soup, "tabel-signalen")  # ... and no row
    assert "Zonnehuis" not in html
    assert "vrouwenopvang" not in html.lower()  # a text naming a sensitive site
    assert groepen["anders"].count("Bankje bij de molen") == 1
    assert "Ver weg in de haven" not in html  # a pin of another gebied
    assert "19:47" not in html and "T19" not in html  # never the time of a pin


def test_static_map_of_the_pins_without_their_texts(rapport):
    _, soup = rapport
    sectie = soup.find("section", id="inbreng")
    svg = sectie.find("figure", class_="kaartje").find("svg")
    stippen = svg.find_all("circle")
    # the 7 pins of the gebied less the one whose text names a sensitive site
    assert len(stippen) == 6
    titels = sorted(c.title.get_text() for c in stippen)
    assert titels == sorted(
        [
            "Huisarts: mist",
            "Huisarts: mist",
            "Park / groen: mist",
            "Park / groen: knelpunt",
            "Ontmoeting / buurthuis: mist",
            "Anders: zonder oordeel",
        ]
    )
    assert {c["fill"] for c in stippen if c.title.get_text().endswith(": mist")} == {"#d7301f"}
    assert "afgerond op 50 m" in sectie.get_text()


def test_without_inbreng_one_line_says_how_to_collect_it(gemeente, analyse):
    zonder = dataclasses.replace(gemeente, inbreng=None)
    soup = BeautifulSoup(
        make_rapport(
            zonder,
            dataclasses.replace(analyse, signalen=None),
            GEBIED,
            datum=DATUM,
            kaart=False,
        ),
        "html.parser",
    )
    assert soup.find("section", id="inbreng") is None
    noot = soup.find("section", id="hiaten").find(id="inbreng-noot")
    assert noot is not None
    tekst = noot.get_text()
    assert "Nog geen inbreng van bewoners voor Pilot Noord" in tekst
    assert 'gebiedsplan kaart demo --soort inbreng --gebied "Pilot Noord"' in tekst
    assert "gebiedsplan importeer --gemeente GM9999 --inbreng" in tekst


def test_pins_only_elsewhere_give_the_note(met_inbreng):
    """Pilot Zuid (wijken 4 and 5) has none of the pins: the note, not the section."""
    g, a = met_inbreng
    soup = BeautifulSoup(
        make_rapport(g, a, "Pilot Zuid", datum=DATUM, kaart=False, signalen=_signalen(a)),
        "html.parser",
    )
    assert soup.find("section", id="inbreng") is None
    assert (
        "Nog geen inbreng van bewoners voor Pilot Zuid" in soup.find(id="inbreng-noot").get_text()
    )


def test_without_the_joined_table_the_comparison_column_is_left_out(met_inbreng):
    """make_rapport without ``signalen``: the section with counts and measure, no verdict."""
    g, a = met_inbreng
    soup = BeautifulSoup(make_rapport(g, a, GEBIED, datum=DATUM, kaart=False), "html.parser")
    tabel = soup.find("table", id="tabel-signalen")
    koppen = [th.get_text() for th in tabel.find_all("th")]
    assert koppen[-1] == "Aandeel binnen norm" and len(koppen) == 7
    assert "tegenstrijdig" not in tabel.get_text() and "bevestigt" not in tabel.get_text()
    assert _rijen(soup, "tabel-signalen")["huisarts"][1:5] == ["2", "2", "0", "0"]


def test_a_wrong_signal_table_is_refused_before_any_work(met_inbreng):
    g, a = met_inbreng
    with pytest.raises(GebiedsplanError, match="signalen mist de kolommen signalen"):
        make_rapport(g, a, GEBIED, kaart=False, signalen=a.hiaten_gebied)
    with pytest.raises(GebiedsplanError, match="join_signalen"):
        make_rapport(g, a, GEBIED, kaart=False, signalen={"x": 1})  # type: ignore[arg-type]


# --------------------------------------------------------------------------- in a browser


def _chromium() -> str | None:
    from gebiedsplan.rapport.pdf import find_chromium

    return find_chromium()


@pytest.mark.slow
@pytest.mark.skipif(_chromium() is None, reason="geen Chromium (apt-get install chromium)")
def test_section_renders_in_chromium_without_running_resident_text(rapport, tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright ontbreekt")
    html, _ = rapport
    pad = save_rapport(html, tmp_path / "rapport_inbreng.html")
    fouten: list[str] = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=_chromium(), args=["--no-sandbox"])
        pagina = browser.new_page(viewport={"width": 900, "height": 1200})
        pagina.on("pageerror", lambda e: fouten.append(f"script: {e}"))
        pagina.on("dialog", lambda d: (fouten.append(f"dialoog: {d.message}"), d.dismiss()))
        pagina.route(
            "**/*",
            lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort(),
        )
        pagina.goto(Path(pad).resolve().as_uri(), wait_until="load")
        sectie = pagina.locator("#inbreng")
        assert "tegenstrijdig" in sectie.inner_text()
        assert VIJANDIG in sectie.inner_text()  # the hostile text, visible as text
        kleur = pagina.locator("td.signaal-tegenstrijdig").evaluate(
            "e => getComputedStyle(e).backgroundColor"
        )
        assert kleur not in ("rgba(0, 0, 0, 0)", "transparent")
        schot = tmp_path / "rapport_inbreng.png"
        sectie.screenshot(path=str(schot))
        browser.close()
    assert fouten == []
    assert schot.stat().st_size > 20_000
    if doel := os.environ.get("GEBIEDSPLAN_SCREENSHOTS"):
        Path(doel).mkdir(parents=True, exist_ok=True)
        shutil.copy(schot, Path(doel) / "rapport_inbreng.png")
