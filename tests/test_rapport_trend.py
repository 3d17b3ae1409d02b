"""Trend lines in the report's profile section: charts (inline SVG) with the re-estimated years
marked, a compact table, and one line when there is no trend (issue 15)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from typer.testing import CliRunner

from gebiedsplan.analyse.trend import rapport_trends
from gebiedsplan.cli import app
from gebiedsplan.errors import GebiedsplanError
from gebiedsplan.rapport.pagina import make_rapport, save_rapport

DATUM = dt.date(2026, 5, 20)
GEBIED = "Pilot Noord"  # WK999901 (buurt BU99990190 split in 2022) and WK999902 (unchanged)
INDICATOREN = [
    "aantal_inwoners",
    "inwoners_65_jaar_en_ouder",
    "aantal_huishoudens",
    "gemiddeld_inkomen_per_inwoner",
]


def nl(n: float, decimalen: int = 0) -> str:
    """A Dutch number written out by hand: 1.234,5."""
    heel, _, deel = f"{n:.{decimalen}f}".partition(".")
    heel = f"{int(heel):,}".replace(",", ".")
    return heel + (f",{deel}" if deel else "")


@pytest.fixture(scope="module")
def noord(gemeente, analyse):
    html = make_rapport(
        gemeente,
        analyse,
        GEBIED,
        datum=DATUM,
        kaart=False,
        trends=rapport_trends(gemeente, GEBIED),
    )
    return html, BeautifulSoup(html, "html.parser")


def _rijen(soup: BeautifulSoup) -> dict[str, list[str]]:
    tabel = soup.find("table", id="tabel-trend")
    assert tabel is not None
    return {
        tr["data-sleutel"]: [td.get_text() for td in tr.find_all("td")]
        for tr in tabel.tbody.find_all("tr")
        if tr.has_attr("data-sleutel")
    }


def test_a_chart_per_indicator_in_the_profile_section(noord):
    _, soup = noord
    profiel = soup.find("section", id="profiel")
    figuren = profiel.select("figure.trendgrafiek")
    assert [f["id"] for f in figuren] == [f"trend-{i}" for i in INDICATOREN]
    for figuur in figuren:
        svg = figuur.find("svg")
        assert svg is not None and svg["role"] == "img"
        assert len(svg.find_all("polyline")) == 2  # one line per wijk
    koppen = [h.get_text() for h in profiel.find_all("h3")]
    assert koppen.index("Ontwikkeling over de jaren") < koppen.index("Gezondheid (18+)")


def test_re_estimated_years_are_marked_for_the_split_wijk_only(noord):
    _, soup = noord
    svg = soup.find("figure", id="trend-aantal_inwoners").find("svg")
    herschat = [c.title.get_text() for c in svg.find_all("circle", class_="herschat")]
    assert len(herschat) == 3
    assert all(t.startswith("Oude Stad (WK999901), 20") for t in herschat)
    assert [t.split(", ")[1][:4] for t in herschat] == ["2019", "2020", "2021"]
    assert all(t.endswith("(herschat na grenswijziging)") for t in herschat)
    gewoon = [
        c.title.get_text() for c in svg.find_all("circle") if "herschat" not in c.get("class", [])
    ]
    assert len(gewoon) == 3 + 6  # WK999901 from 2022 on, WK999902 every year
    assert not any("WK999902" in t and "herschat" in t for t in herschat + gewoon)
    # the legend and the caption say what the open dot means
    figuur = soup.find("figure", id="trend-aantal_inwoners")
    assert "herschat na grenswijziging" in figuur.find("ul").get_text()
    tekst = soup.find("section", id="profiel").get_text(" ")
    assert "herschat na grenswijziging" in tekst
    assert "Oude Stad (WK999901) 2019, 2020, 2021" in tekst


def test_chart_points_follow_the_figures(noord, gemeente):
    """The line of a rising wijk goes up (smaller y) and every point names its figure."""
    _, soup = noord
    svg = soup.find("figure", id="trend-aantal_inwoners").find("svg")
    oude_stad = svg.find_all("polyline")[0]
    ys = [float(p.split(",")[1]) for p in oude_stad["points"].split()]
    assert len(ys) == 6 and ys == sorted(ys, reverse=True)
    # WK999902 kept its buurten: its figure of 2024 is the sum of its buurten in the layer
    kern = gemeente.kerncijfers_jaren
    som = kern[
        (kern["jaar"] == 2024)
        & (kern["indicator"] == "aantal_inwoners")
        & kern["buurtcode"].str.startswith("BU999902")
    ]["waarde"].sum()
    titels = [c.title.get_text() for c in svg.find_all("circle")]
    assert f"Molenwijk (WK999902), 2024: {nl(som)}" in titels


def test_table_years_as_columns_with_marks_change_and_direction(noord, gemeente):
    _, soup = noord
    tabel = soup.find("table", id="tabel-trend")
    koppen = [th.get_text() for th in tabel.find_all("th")]
    assert koppen == [
        "Kenmerk",
        "Wijk",
        "2019",
        "2020",
        "2021",
        "2022",
        "2023",
        "2024",
        "Verandering",
        "Richting",
    ]
    rijen = _rijen(soup)
    assert set(rijen) == {f"{i}:{w}" for i in INDICATOREN for w in ("WK999901", "WK999902")}
    oud = rijen["aantal_inwoners:WK999901"]
    assert [c.endswith("*") for c in oud[2:8]] == [True] * 3 + [False] * 3
    assert not any(c.endswith("*") for c in rijen["aantal_inwoners:WK999902"][2:8])
    # the figures by hand from the layer: WK999902 kept its buurten
    kern = gemeente.kerncijfers_jaren
    molen = kern[kern["buurtcode"].str.startswith("BU999902")]
    per_jaar = molen[molen["indicator"] == "aantal_inwoners"].groupby("jaar")["waarde"].sum()
    rij = rijen["aantal_inwoners:WK999902"]
    assert rij[2:8] == [nl(per_jaar[j]) for j in range(2019, 2025)]
    verschil = per_jaar[2024] - per_jaar[2019]
    pct = 100 * verschil / per_jaar[2019]
    assert rij[8] == f"+{nl(verschil)} (+{nl(pct, 1)}%)"
    assert rij[9] == "stijgt"
    # an average has one decimal
    assert re.fullmatch(r"\d+,\d\*?", rijen["gemiddeld_inkomen_per_inwoner:WK999902"][2])
    assert "herschat na grenswijziging" in tabel.find_previous("figcaption").get_text()


def test_wijken_without_boundary_change_have_no_marks(gemeente, analyse):
    soup = BeautifulSoup(
        make_rapport(
            gemeente,
            analyse,
            "Havenkwartier",
            datum=DATUM,
            kaart=False,
            trends=rapport_trends(gemeente, "Havenkwartier"),
        ),
        "html.parser",
    )
    assert soup.select("figure.trendgrafiek")
    assert soup.select("circle.herschat") == []
    assert "Geen grenswijzigingen in deze wijken" in soup.find("section", id="profiel").get_text()
    assert not any(c.get_text().endswith("*") for c in soup.select("#tabel-trend td"))


def _profiel_tekst(gemeente, analyse, trends) -> tuple[str, BeautifulSoup]:
    soup = BeautifulSoup(
        make_rapport(gemeente, analyse, GEBIED, datum=DATUM, kaart=False, trends=trends),
        "html.parser",
    )
    return soup.find("section", id="profiel").get_text(" "), soup


def test_without_kerncijfers_jaren_one_line(gemeente, analyse):
    zonder = dataclasses.replace(gemeente, kerncijfers_jaren=None)
    assert rapport_trends(zonder, GEBIED) == {}
    tekst, soup = _profiel_tekst(zonder, analyse, rapport_trends(zonder, GEBIED))
    assert "Geen trendlijnen: de laagopslag van Rivierstad (synthetisch) heeft geen " in tekst
    assert "kerncijfers van meer jaren (laag kerncijfers_jaren)" in tekst
    assert soup.select("figure.trendgrafiek") == [] and soup.find(id="tabel-trend") is None


def test_one_year_only_one_line(gemeente, analyse):
    kern = gemeente.kerncijfers_jaren
    een = dataclasses.replace(gemeente, kerncijfers_jaren=kern[kern["jaar"] == 2024])
    trends = rapport_trends(een, GEBIED)
    assert trends and all(t.attrs["jaren"] == ["2024"] for t in trends.values())
    tekst, soup = _profiel_tekst(een, analyse, trends)
    assert "Geen trendlijnen: laag kerncijfers_jaren heeft alleen cijfers van 2024" in tekst
    assert soup.select("figure.trendgrafiek") == []


def test_indicators_missing_from_the_layer_are_skipped(gemeente):
    kern = gemeente.kerncijfers_jaren
    zonder_65 = dataclasses.replace(
        gemeente, kerncijfers_jaren=kern[kern["indicator"] != "inwoners_65_jaar_en_ouder"]
    )
    assert "inwoners_65_jaar_en_ouder" not in rapport_trends(zonder_65, GEBIED)
    # an average without its weights cannot be drawn either
    zonder_inw = dataclasses.replace(
        gemeente, kerncijfers_jaren=kern[kern["indicator"] != "aantal_inwoners"]
    )
    assert list(rapport_trends(zonder_inw, GEBIED)) == [
        "inwoners_65_jaar_en_ouder",
        "aantal_huishoudens",
    ]


def test_without_trends_argument_the_report_is_as_before(gemeente, analyse):
    tekst, _ = _profiel_tekst(gemeente, analyse, None)
    assert "Ontwikkeling over de jaren" not in tekst


def test_bad_input_is_a_dutch_error(gemeente, analyse):
    with pytest.raises(
        GebiedsplanError, match="geen trendtabel; geef de uitkomst van rapport_trends"
    ):
        make_rapport(gemeente, analyse, GEBIED, kaart=False, trends={"aantal_inwoners": "x"})  # type: ignore[dict-item]
    with pytest.raises(GebiedsplanError, match="Gebied 'Nergens' staat niet"):
        rapport_trends(gemeente, "Nergens")
    with pytest.raises(GebiedsplanError, match="onbekend voor trends"):
        rapport_trends(gemeente, GEBIED, indicatoren=["zwembaden"])


def test_cli_rapport_has_the_trend_lines(demo_opslag, tmp_path):
    result = CliRunner().invoke(
        app,
        [
            "rapport",
            "demo",
            "--gebied",
            "pilot noord",
            "--opslag",
            str(demo_opslag),
            "--kaarten",
            str(tmp_path),
            "--geen-pdf",
        ],
    )
    assert result.exit_code == 0, result.output
    (pad,) = tmp_path.glob("gebiedsplan_GM9999_*.html")
    soup = BeautifulSoup(pad.read_text(encoding="utf-8"), "html.parser")
    assert len(soup.select("#profiel figure.trendgrafiek")) == 4
    assert len(soup.select("#trend-aantal_inwoners circle.herschat")) == 3


@pytest.mark.slow
def test_trend_lines_render_in_chromium(noord, tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright ontbreekt")
    from gebiedsplan.rapport.pdf import find_chromium

    chromium = find_chromium()
    if chromium is None:
        pytest.skip("geen Chromium (apt-get install chromium)")
    html, _ = noord
    pad = save_rapport(html, tmp_path / "rapport_trend.html")
    fouten: list[str] = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        pagina = browser.new_page(viewport={"width": 900, "height": 1200})
        pagina.on("pageerror", lambda e: fouten.append(f"script: {e}"))
        pagina.goto(Path(pad).resolve().as_uri(), wait_until="load")
        grafieken = pagina.locator(".trendgrafieken")
        doos = grafieken.bounding_box()
        assert doos is not None and doos["height"] > 200  # drawn, not collapsed
        svg = pagina.locator("#trend-aantal_inwoners svg").bounding_box()
        assert svg is not None and 250 < svg["width"] < 500  # two charts side by side
        schot = tmp_path / "rapport_trend.png"
        pagina.locator("#profiel").screenshot(path=str(schot))
        browser.close()
    assert fouten == []
    assert schot.stat().st_size > 20_000
    if doel := os.environ.get("GEBIEDSPLAN_SCREENSHOTS"):
        Path(doel).mkdir(parents=True, exist_ok=True)
        shutil.copy(schot, Path(doel) / "rapport_trend.png")
