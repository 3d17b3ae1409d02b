"""The gebiedsplan report: sections, numbers equal to the analysis, privacy, sources, A4 PDF."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import rasterio
import rasterio.mask
import shapely
from bs4 import BeautifulSoup

from gebiedsplan import settings
from gebiedsplan.analyse.groen import compute_groen
from gebiedsplan.analyse.run import run_analyse
from gebiedsplan.analyse.scenario import compare_scenario, load_scenario
from gebiedsplan.bronnen import Herkomst, combine_herkomst
from gebiedsplan.errors import GebiedsplanError
from gebiedsplan.gemeente import Gebied
from gebiedsplan.publiceren.opmaak import indicator_labels
from gebiedsplan.publiceren.profiel import Publicatieprofiel
from gebiedsplan.rapport import pdf as rapport_pdf
from gebiedsplan.rapport.delen import MAX_RIJEN
from gebiedsplan.rapport.pagina import make_rapport, save_rapport
from gebiedsplan.rapport.pdf import save_rapport_pdf

REPO = Path(__file__).resolve().parents[1]
DATUM = dt.date(2026, 1, 5)
SECTIES = ["profiel", "groen", "aanwezig", "nodig", "hiaten", "inbreng", "scenario", "bronnen"]


def nl(n: float, decimalen: int = 0) -> str:
    """Dutch number as a person writes it: 1.234,5 (independent of the report's own _getal)."""
    heel, _, deel = f"{n:.{decimalen}f}".partition(".")
    teken = "-" if heel.startswith("-") else ""
    heel = heel.lstrip("-")
    groepen = []
    while len(heel) > 3:
        groepen.insert(0, heel[-3:])
        heel = heel[:-3]
    groepen.insert(0, heel)
    return teken + ".".join(groepen) + (f",{deel}" if deel else "")


def rows(soup: BeautifulSoup, tabel_id: str) -> dict[str, list[str]]:
    """Rows of a report table by their ``data-sleutel``: the cell texts."""
    tabel = soup.find("table", id=tabel_id)
    assert tabel is not None, f"tabel {tabel_id} ontbreekt"
    return {
        tr["data-sleutel"]: [td.get_text() for td in tr.find_all("td")]
        for tr in tabel.find("tbody").find_all("tr")
        if tr.has_attr("data-sleutel")
    }


@pytest.fixture(scope="module")
def scenario_resultaat(gemeente, analyse):
    return compare_scenario(
        analyse, load_scenario(REPO / "wijken" / "scenarios" / "demo_havenkwartier.yml", gemeente)
    )


@pytest.fixture(scope="module")
def haven(gemeente, analyse, scenario_resultaat):
    """Report of the development area Havenkwartier with a scenario and the interactive map."""
    html = make_rapport(
        gemeente, analyse, "Havenkwartier", scenario=scenario_resultaat, datum=DATUM
    )
    return html, BeautifulSoup(html, "html.parser")


@pytest.fixture(scope="module")
def zuid(gemeente, analyse):
    html = make_rapport(gemeente, analyse, "Pilot Zuid", datum=DATUM, kaart=False)
    return html, BeautifulSoup(html, "html.parser")


# --------------------------------------------------------------------------- structure


def test_every_section_is_there_with_a_table_of_contents(haven):
    _, soup = haven
    assert [s["id"] for s in soup.find_all("section")] == SECTIES
    links = [a["href"] for a in soup.select("nav.inhoud a")]
    assert links == [f"#{s}" for s in SECTIES]
    koppen = {s["id"]: s.find("h2").get_text() for s in soup.find_all("section")}
    assert koppen["scenario"] == "Scenario: havenkwartier-2040"
    assert koppen["bronnen"] == "Bronnen en datums"


def test_title_page_names_gemeente_gebied_date_and_warns_for_synthetic_data(haven, gemeente):
    _, soup = haven
    assert soup.find("h1").get_text() == "Havenkwartier"
    assert soup.find("html")["lang"] == "nl"
    assert soup.find(id="synthetisch").get_text() == gemeente.synthetisch_tekst()
    kenmerken = dict(
        zip(
            [dt_.get_text() for dt_ in soup.select("dl.kenmerken dt")],
            [dd.get_text() for dd in soup.select("dl.kenmerken dd")],
            strict=True,
        )
    )
    assert kenmerken["Gemeente"] == "Rivierstad (synthetisch) (GM9999)"
    assert kenmerken["Datum"] == "5 januari 2026"
    assert kenmerken["Buurten"] == "BU99990302, BU99990303, BU99990304"
    assert "plangrens" in kenmerken["Let op"]  # a polygon gebied: figures are its buurten'
    meta = {m["name"]: m["content"] for m in soup.find_all("meta") if m.get("name")}
    assert meta["gebiedsplan:soort"] == "rapport"
    assert meta["gebiedsplan:gepubliceerd"] == "2026-01-05"
    assert meta["gebiedsplan:synthetisch"] == "ja"


def test_real_gemeente_with_a_fictitious_register_names_that_layer(gemeente, analyse):
    echt = Herkomst("CBS Wijk- en Buurtkaart 2022", "2026-12-02", "CC BY 4.0", peildatum="2022")
    osm = Herkomst("OpenStreetMap (poi_2025.geojson)", "2026-12-02", "ODbL 1.0", peildatum="2025")
    fictief = Herkomst(
        "Voorbeeldregister Teststad (fictief)", "2025-01-01", "CC0", synthetisch=True
    )
    herkomst = {naam: echt for naam in gemeente.herkomst}
    herkomst["voorzieningen"] = combine_herkomst([osm, fictief])
    echte = dataclasses.replace(gemeente, naam="Teststad", herkomst=herkomst, synthetisch=False)
    groen = dataclasses.replace(analyse.groen, herkomst=echt)  # a real green raster too
    soup = BeautifulSoup(
        make_rapport(
            echte,
            dataclasses.replace(analyse, groen=groen),
            "Pilot Zuid",
            datum=DATUM,
            kaart=False,
        ),
        "html.parser",
    )
    banner = (
        "Let op: fictieve gegevens in laag voorzieningen (bron: Voorbeeldregister Teststad "
        "(fictief)); de andere bronnen zijn echt."
    )
    assert soup.find(id="synthetisch").get_text() == banner
    assert soup.find("h1").find_next("p", class_="ondertitel").get_text() == "Teststad"
    bronnen = soup.find("section", id="bronnen")
    assert (
        "Fictief (verzonnen voorbeeldgegevens, geen echte situatie): laag voorzieningen, bron "
        "Voorbeeldregister Teststad (fictief). De andere bronnen zijn echt."
    ) in bronnen.get_text()
    rijen = rows(soup, "tabel-bronnen")
    assert rijen["voorzieningen:1"][1:3] == ["OpenStreetMap (poi_2025.geojson)", "2025"]
    assert rijen["voorzieningen:2"][1] == "Voorbeeldregister Teststad (fictief)"
    assert rijen["voorzieningen:2"][-1] == "ja" and rijen["wijken"][-1] == "nee"
    koppen = [th.get_text() for th in bronnen.find("table", id="tabel-bronnen").find_all("th")]
    assert koppen[-1] == "Synthetisch"  # the column says "nee" for every real source
    tabel = bronnen.find("table", id="tabel-bronnen").tbody.get_text().lower()
    assert "synthetisch" not in tabel  # no source is called synthetic (the demo's norms are)
    meta = {m["name"]: m["content"] for m in soup.find_all("meta") if m.get("name")}
    assert meta["gebiedsplan:synthetisch"] == "voorzieningen: Voorbeeldregister Teststad (fictief)"
    assert meta["gebiedsplan:peildatum"] == "2022 t/m 2025"


def test_section_without_scenario_is_left_out(zuid):
    _, soup = zuid
    assert [s["id"] for s in soup.find_all("section")] == [s for s in SECTIES if s != "scenario"]
    assert soup.find("iframe") is None  # kaart=False


def test_print_css_is_a4_with_page_breaks_and_inline(haven):
    html, soup = haven
    css = soup.find("style").get_text()
    assert re.search(r"@page\s*{\s*size:\s*A4", css)
    assert ".hoofdstuk { break-before: page; }" in css
    assert "tr, td, th { break-inside: avoid; }" in css
    assert "thead { display: table-header-group; }" in css


def test_page_is_self_contained_outside_the_map(haven):
    html, soup = haven
    for tag in soup.find_all(["script", "link", "img"]):
        adres = tag.get("src") or tag.get("href") or ""
        assert not adres.startswith(("http", "//")), tag
    assert soup.find_all("script") == []  # the report itself runs no script
    kaart = soup.find("iframe", id="kaart")
    inhoud = kaart["srcdoc"]
    assert "L.map(" in inhoud and "Havenkwartier" in inhoud
    assert not re.search(r"<script[^>]+src=[\"']https?:", inhoud)  # leaflet inlined


# --------------------------------------------------------------------------- numbers


def test_inhabitants_are_the_sum_of_the_buurten_and_equal_the_analysis(haven, gemeente, analyse):
    _, soup = haven
    codes = ["BU99990302", "BU99990303", "BU99990304"]
    assert list(gemeente.gebieden["Havenkwartier"].buurten) == codes
    bevolking = rows(soup, "tabel-bevolking")
    assert bevolking["aantal_inwoners"][1] == "363"  # 126 + 108 + 129
    assert int(gemeente.buurten.loc[codes, "aantal_inwoners"].sum()) == 363
    assert analyse.hiaten_gebied.loc[("Havenkwartier", "huisarts"), "inwoners"] == 363
    assert bevolking["aantal_huishoudens"][1] == "279"  # 97 + 83 + 99
    assert bevolking["huishoudensgrootte"][1] == "1,30"  # 363 / 279
    buurten = rows(soup, "tabel-buurten")
    assert [buurten[c][3] for c in codes] == ["126", "108", "129"]
    leeftijd = rows(soup, "tabel-leeftijd")
    assert leeftijd["inwoners_0_tot_15_jaar"][1:3] == ["42", "12%"]  # 16 + 13 + 13 of 363
    assert leeftijd["inwoners_65_jaar_en_ouder"][1:3] == ["51", "14%"]  # 19 + 18 + 14


def test_gap_table_equals_hiaten_gebied_ranked(haven, analyse):
    _, soup = haven
    verwacht = analyse.hiaten_gebied.xs("Havenkwartier", level=0)
    tabel = rows(soup, "tabel-hiaten")
    assert set(tabel) == set(verwacht.index)
    for cat, rij in verwacht.iterrows():
        cellen = tabel[cat]
        assert cellen[1] == rij["categorie_label"]
        assert cellen[6] == nl(rij["inwoners_buiten_norm"])
        assert cellen[8] == nl(rij["hiaatscore"])
    volgorde = list(tabel)
    scores = verwacht.loc[volgorde, "hiaatscore"].to_numpy()
    assert (np.diff(scores) <= 0).all()  # largest gap first
    assert [tabel[c][0] for c in volgorde] == [str(i) for i in range(1, len(volgorde) + 1)]
    # nobody of the 363 lives within 1,500 m of a CJG: score 100
    assert tabel["jeugd_en_gezin"][6:] == ["363", "3.178", "100"]


def test_needed_capacity_equals_the_gap_table(haven, analyse):
    _, soup = haven
    nodig = rows(soup, "tabel-nodig")
    verwacht = analyse.hiaten_gebied.xs("Havenkwartier", level=0)
    met_norm = verwacht[verwacht["capaciteit_eenheid"].notna()]
    assert set(nodig) == set(met_norm.index) == {"huisarts", "basisschool", "kinderopvang"}
    for cat, rij in met_norm.iterrows():
        assert nodig[cat][4] == nl(rij["benodigde_capaciteit"], 1)
        assert nodig[cat][5] == nl(rij["aanwezige_capaciteit"], 1)
        assert nodig[cat][6] == nl(rij["capaciteitstekort"], 1)
    # basisschool: 0.53 of the 42 children aged 0-15 = 22.26 places, none present
    assert nodig["basisschool"][2:] == ["22", "1,00", "22,3", "0,0", "22,3"]


def test_present_facilities_are_counted_like_the_gap_table(zuid, gemeente, analyse):
    _, soup = zuid
    aanwezig = rows(soup, "tabel-aanwezig")
    verwacht = analyse.hiaten_gebied.xs("Pilot Zuid", level=0)["aantal_voorzieningen"]
    for cat, n in verwacht.items():
        assert aanwezig[cat][1] == str(n)
    # by hand: the points inside the six buurten of Pilot Zuid
    vlak = shapely.union_all(
        gemeente.buurten.loc[list(gemeente.gebieden["Pilot Zuid"].buurten)].geometry
    )
    scholen = gemeente.voorzieningen[gemeente.voorzieningen["categorie"] == "basisschool"]
    assert aanwezig["basisschool"][1] == str(int(scholen.within(vlak).sum())) == "7"
    namen = set(aanwezig["basisschool"][2].split(", "))
    assert namen == set(scholen.loc[scholen.within(vlak), "naam"])


def _first_buurt(punt: shapely.Point, buurten: gpd.GeoDataFrame) -> str | None:
    """The gap table's rule by hand: the first buurt of the layer the point touches."""
    for code, vlak in zip(buurten.index, buurten.geometry, strict=True):
        if vlak.intersects(punt):
            return str(code)
    return None


def test_every_facility_lies_in_the_buurt_of_the_gap_table(gemeente, analyse):
    """analyse.voorziening_buurt: a facility on the border of two buurten lies in the first of
    them in the buurten layer, one outside every buurt in none; the gap table per buurt counts
    exactly these facilities, and accommodations follow the same rule."""
    buurten = gemeente.buurten
    a_code, b_code = "BU99990401", "BU99990402"
    a, b = buurten.loc[a_code, "geometry"], buurten.loc[b_code, "geometry"]
    gedeeld = sorted(set(a.exterior.coords) & set(b.exterior.coords))
    assert gedeeld, "the two buurten share a vertex"
    grens = shapely.Point(gedeeld[0])
    assert a.intersects(grens) and b.intersects(grens)
    buiten = shapely.Point(buurten.total_bounds[0] - 5_000, buurten.total_bounds[1])
    vz = gemeente.voorzieningen.copy()
    scholen = vz.index[vz["categorie"] == "basisschool"]
    vz.loc[scholen[0], "geometry"] = grens
    vz.loc[scholen[1], "geometry"] = buiten
    g = dataclasses.replace(gemeente, voorzieningen=vz)
    a_ = run_analyse(g, netwerk=analyse.netwerk)
    buurt = a_.voorziening_buurt
    assert buurt.name == "buurtcode" and buurt.index.equals(a_.voorzieningen.index)
    assert buurt[scholen[0]] == a_code and buurt[scholen[1]] is None
    verwacht = [_first_buurt(p, buurten) for p in a_.voorzieningen.geometry]
    assert buurt.tolist() == verwacht
    # the gap table per buurt counts the same facilities
    telling = pd.crosstab(buurt.dropna(), a_.voorzieningen.loc[buurt.notna(), "categorie"])
    tabel = a_.hiaten_buurt["aantal_voorzieningen"]
    for (code, cat), n in tabel.items():
        assert n == (telling.at[code, cat] if code in telling.index and cat in telling else 0)
    assert telling.at[a_code, "basisschool"] >= 1
    # accommodations: by their representative point
    acc = gemeente.accommodaties
    assert a_.accommodatie_buurt.index.equals(acc.index)
    assert a_.accommodatie_buurt.tolist() == [
        _first_buurt(p, buurten) for p in acc.geometry.representative_point()
    ]


def test_scenario_tables_equal_the_comparison(haven, scenario_resultaat, analyse):
    _, soup = haven
    gebied = rows(soup, "tabel-scenario-gebied")
    na = scenario_resultaat.analyse.hiaten_gebied.xs("Havenkwartier", level=0)
    voor = analyse.hiaten_gebied.xs("Havenkwartier", level=0)
    for cat in voor.index:
        assert gebied[cat][1] == (
            f"{nl(voor.loc[cat, 'inwoners_buiten_norm'])} → "
            f"{nl(na.loc[cat, 'inwoners_buiten_norm'])}"
        )
    # fte huisarts needed, now and in 2040 (homes 6,35 + opvang 750 x 0,4255 / 1.000 = 6,67)
    assert gebied["huisarts"][3] == "0,2 → 6,7"
    assert gebied["sport"][3] == "–"  # no capacity norm
    wijken = rows(soup, "tabel-scenario-wijken")
    verschil = scenario_resultaat.verschil
    assert list(wijken) == [f"{w}:{c}" for w, c in verschil.index[:MAX_RIJEN]]
    eerste = verschil.iloc[0]
    assert wijken[list(wijken)[0]][2] == "+" + nl(eerste["inwoners_verschil"])
    # wijken of the gebied are emphasised
    nadruk = soup.find("table", id="tabel-scenario-wijken").select("tr.nadruk")
    assert {tr["data-sleutel"].split(":")[0] for tr in nadruk} == {"WK999903"}


def test_a_scenario_not_yet_computed_is_refused_naming_compare_scenario(gemeente, analyse):
    """The report draws a scenario's result; computing it is the analysis' job."""
    scenario = load_scenario(REPO / "wijken" / "scenarios" / "demo_havenkwartier.yml", gemeente)
    with pytest.raises(GebiedsplanError) as fout:
        make_rapport(gemeente, analyse, "Havenkwartier", scenario=scenario, kaart=False)
    tekst = str(fout.value)
    assert (
        "scenario moet een doorgerekend scenario zijn (een ScenarioResultaat), niet Scenario"
        in tekst
    )
    assert (
        "reken het eerst door met compare_scenario(analyse, load_scenario(bestand, gemeente))"
        in tekst
    )


def test_green_share_from_the_raster_and_public_green(zuid, gemeente):
    _, soup = zuid
    groen = rows(soup, "tabel-groen")
    vlak = shapely.union_all(
        gemeente.buurten.loc[list(gemeente.gebieden["Pilot Zuid"].buurten)].geometry
    )
    with rasterio.open(gemeente.groen_raster) as bron:
        cellen, _ = rasterio.mask.mask(bron, [vlak], crop=True, filled=False)
    assert groen["aandeel_groen"][1] == f"{100 * float(cellen.mean()):.0f}%"
    openbaar = gemeente.groen[gemeente.groen["openbaar"].astype(bool)]
    m2 = gpd.clip(openbaar, vlak).area.sum()
    assert groen["groen_m2"][1] == nl(m2)
    assert groen["groen_m2"][2] == nl(openbaar.area.sum()) == "531.468"
    inwoners = gemeente.buurten.loc[
        list(gemeente.gebieden["Pilot Zuid"].buurten), "aantal_inwoners"
    ].sum()
    assert groen["groen_per_inwoner"][1] == nl(m2 / inwoners, 1)


def test_green_share_is_the_analysis_result(haven, analyse, gemeente):
    """The report draws the green shares and the raster's provenance run_analyse carries."""
    _, soup = haven
    groen = rows(soup, "tabel-groen")
    assert groen["aandeel_groen"][1:] == [
        f"{100 * analyse.groen.per_gebied['Havenkwartier']:.0f}%",
        f"{100 * analyse.groen.totaal:.0f}%",
    ]
    assert groen["aandeel_groen"][1:] == ["18%", "25%"]
    bronnen = rows(soup, "tabel-bronnen")
    h = analyse.groen.herkomst
    assert bronnen["groen (raster)"] == [
        "groen (raster)",
        h.bron,
        h.peildatum,
        "-",
        h.datum,
        h.licentie,
        "ja",
    ]
    bevraging = soup.find("tr", attrs={"data-toelichting": "groen (raster)"}).get_text()
    assert bevraging == f"Bevraging: {h.query}"


def test_without_a_green_raster_the_report_says_so(gemeente, analyse):
    zonder = dataclasses.replace(gemeente, groen_raster=None)
    a = dataclasses.replace(analyse, gemeente=zonder, groen=compute_groen(zonder))
    soup = BeautifulSoup(make_rapport(zonder, a, "Pilot Zuid", kaart=False), "html.parser")
    sectie = soup.find("section", id="groen").get_text()
    assert "Geen groenraster: het aandeel groen is niet berekend." in sectie
    assert "aandeel_groen" not in rows(soup, "tabel-groen")
    assert "groen (raster)" not in rows(soup, "tabel-bronnen")
    # an analysis without green shares or facility buurten (not from run_analyse) is refused
    with pytest.raises(GebiedsplanError, match="maak haar met run_analyse"):
        make_rapport(gemeente, dataclasses.replace(analyse, groen=None), "Pilot Zuid")
    with pytest.raises(GebiedsplanError, match="maak haar met run_analyse"):
        make_rapport(gemeente, dataclasses.replace(analyse, voorziening_buurt=None), "Pilot Zuid")


def test_provenance_row_for_every_layer(haven, gemeente):
    _, soup = haven
    bronnen = rows(soup, "tabel-bronnen")
    assert set(bronnen) == set(gemeente.herkomst) | {"groen (raster)"}
    koppen = [th.get_text() for th in soup.find("table", id="tabel-bronnen").find_all("th")]
    for laag, h in gemeente.herkomst.items():
        rij = dict(zip(koppen, bronnen[laag], strict=True))
        assert (rij["Bron"], rij["Opgehaald/geïmporteerd"], rij["Licentie"]) == (
            h.bron,
            h.datum,
            h.licentie,
        )
        # the demo describes 1 January 2026; its wijkavond was held on its own day
        assert (
            rij["Gegevens van"]
            == h.peildatum
            == ("2026-10-14" if laag == "inbreng" else "2026-01-01")
        )
        assert rij["Synthetisch"] == "ja"
        bevraging = soup.find("tr", attrs={"data-toelichting": laag}).get_text()
        assert bevraging == f"Bevraging: {h.query}"
    normen = rows(soup, "tabel-normen")
    assert normen["ontmoeting"][1] == "600 m"  # the demo's own norm overrides the catalogue
    assert normen["huisarts"][3] == "0,43 fte huisarts per 1.000"


# --------------------------------------------------------------------------- privacy


def test_health_of_small_buurten_is_suppressed_and_left_out_of_the_gebied(gemeente, analyse):
    profiel = Publicatieprofiel(min_inwoners_gezondheid=2400)
    soup = BeautifulSoup(
        make_rapport(gemeente, analyse, "Pilot Zuid", profiel=profiel, kaart=False),
        "html.parser",
    )
    klein = {"BU99990401": 2306, "BU99990501": 2014, "BU99990502": 1706}
    groot = {"BU99990402": 2543, "BU99990403": 2465, "BU99990404": 2494}
    gez = gemeente.gezondheid.set_index(["code", "indicator"])["waarde"]
    per_buurt = {**rows(soup, "tabel-gezondheid-buurten")}
    for code, cellen in rows(soup, "tabel-gezondheid-buurten-2").items():
        per_buurt[code] = per_buurt[code] + cellen[2:]
    for code in klein:
        assert set(per_buurt[code][2:]) == {"onderdrukt"}
        rij = soup.find("table", id="tabel-gezondheid-buurten").find(
            "tr", attrs={"data-sleutel": code}
        )
        assert len(rij.find_all("td", class_="onderdrukt")) == 4  # shown as suppressed
    for code in groot:
        assert "onderdrukt" not in per_buurt[code]
    # the gebied: weighted mean over the three large buurten only
    samen = rows(soup, "tabel-gezondheid")
    for indicator in ("eenzaam", "langdurige_aandoening"):
        waarde = sum(gez[(c, indicator)] * n for c, n in groot.items()) / sum(groot.values())
        assert samen[indicator][1] == nl(waarde, 1)
    # the suppressed values are nowhere on the page
    for code in klein:
        cellen = [td.get_text() for td in soup.select(f'tr[data-sleutel="{code}"] td')]
        for indicator in gez.loc[code].index:
            assert nl(gez[(code, indicator)], 1) not in cellen
    assert "minder dan 2.400 inwoners" in soup.get_text()


def test_health_labels_as_on_the_maps_and_a_broken_catalogue_raises(zuid, tmp_path, monkeypatch):
    """The report labels the indicators from cbs.yml with the maps' function; a catalogue it
    cannot read is an error naming the file, not a table of bare indicator names."""
    _, soup = zuid
    assert rows(soup, "tabel-gezondheid")["eenzaam"][0] == indicator_labels()["eenzaam"]
    assert indicator_labels()["eenzaam"] == "Eenzaam"
    (tmp_path / "cbs.yml").write_text("gezondheid: {}\n", encoding="utf-8")
    monkeypatch.setattr(settings, "catalogus_dir", tmp_path)
    with pytest.raises(GebiedsplanError, match="cbs.yml"):
        indicator_labels()


def test_default_profile_suppresses_a_buurt_under_100_residents(gemeente, analyse):
    buurten = gemeente.buurten.copy()
    buurten.loc["BU99990401", "aantal_inwoners"] = 80
    klein = dataclasses.replace(gemeente, buurten=buurten)
    soup = BeautifulSoup(make_rapport(klein, analyse, "Pilot Zuid", kaart=False), "html.parser")
    cellen = rows(soup, "tabel-gezondheid-buurten")
    assert cellen["BU99990401"][1:] == ["80", *["onderdrukt"] * 4]
    assert "onderdrukt" not in cellen["BU99990402"]


def test_gebied_value_suppressed_when_too_few_residents_remain(gemeente, analyse, haven):
    soup = BeautifulSoup(
        make_rapport(
            gemeente,
            analyse,
            "Pilot Zuid",
            profiel=Publicatieprofiel(min_inwoners_gezondheid=2600),
            kaart=False,
        ),
        "html.parser",
    )
    assert {c[1] for c in rows(soup, "tabel-gezondheid").values()} == {"onderdrukt"}
    # Havenkwartier: the source itself has no values for its small buurten
    _, haven_soup = haven
    assert {c[1] for c in rows(haven_soup, "tabel-gezondheid").values()} == {"niet gepubliceerd"}


@pytest.fixture(scope="module")
def met_opvang(gemeente, analyse):
    """A gebied around the two sensitive sites of the demo, one facility with a hostile name."""
    codes = ("BU99990301", "BU99990504")
    vlak = shapely.union_all(gemeente.buurten.loc[list(codes)].geometry)
    voorzieningen = gemeente.voorzieningen.copy()
    in_301 = voorzieningen.within(gemeente.buurten.loc["BU99990301", "geometry"])
    gewoon = voorzieningen.index[in_301 & (voorzieningen["categorie"] == "speelplek")][0]
    voorzieningen.loc[gewoon, "naam"] = '<img src=x onerror="alert(1)">Speeltuin'
    g = dataclasses.replace(
        gemeente,
        voorzieningen=voorzieningen,
        gebieden={"Test": Gebied("Test", "test", codes, vlak)},
    )
    a = run_analyse(g, netwerk=analyse.netwerk)
    html = make_rapport(g, a, "Test", kaart=True)
    return g, a, html, BeautifulSoup(html, "html.parser")


def test_sensitive_facilities_never_appear(met_opvang, gemeente):
    g, a, html, soup = met_opvang
    opvang = gemeente.voorzieningen[gemeente.voorzieningen["categorie"] == "opvang"]
    assert len(opvang) == 2
    for naam in opvang["naam"]:
        assert naam not in html  # not in the lists, not in the map's data
    assert "Opvang / beschermd wonen" not in html
    for tabel in soup.find_all("table"):
        sleutels = {tr.get("data-sleutel") for tr in tabel.find_all("tr")}
        assert "opvang" not in sleutels
    # both sites lie in the gebied: the analysis has them, the report does not
    assert a.hiaten_gebied is not None and "opvang" not in a.hiaten_gebied.index.get_level_values(1)


def test_hostile_names_are_text_not_markup(met_opvang):
    _, _, html, soup = met_opvang
    assert soup.find("img") is None  # outside the map frame nothing became an element
    aanwezig = rows(soup, "tabel-aanwezig")
    assert '<img src=x onerror="alert(1)">Speeltuin' in aanwezig["speelplek"][2]
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;Speeltuin" in html
    frame = BeautifulSoup(soup.find("iframe", id="kaart")["srcdoc"], "html.parser")
    assert not frame.find_all(attrs={"onerror": True})


# --------------------------------------------------------------------------- errors


def test_unknown_gebied_wrong_scenario_and_other_gemeente_reported_together(gemeente, analyse):
    andere = dataclasses.replace(analyse, gemeente=dataclasses.replace(gemeente, code="GM0001"))
    with pytest.raises(GebiedsplanError) as fout:
        make_rapport(gemeente, andere, "Rijnpark", scenario="sluit het havenhuis")
    tekst = str(fout.value)
    assert "gebied 'Rijnpark' staat niet in het gemeentebestand" in tekst
    assert "Havenkwartier, Pilot Noord, Pilot Zuid" in tekst  # the known gebieden
    assert "gemeente GM0001, niet van GM9999" in tekst
    assert "scenario moet een doorgerekend scenario zijn (een ScenarioResultaat), niet str" in tekst


def test_analysis_without_the_gebied_says_how_to_fix(gemeente, analyse):
    zonder = dataclasses.replace(analyse, hiaten_gebied=None)
    with pytest.raises(GebiedsplanError, match="draai run_analyse opnieuw"):
        make_rapport(gemeente, zonder, "Havenkwartier")


# --------------------------------------------------------------------------- files


def test_save_rapport_writes_the_page(haven, tmp_path):
    html, _ = haven
    pad = save_rapport(html, tmp_path / "maps" / "havenkwartier.html")
    assert pad.read_text(encoding="utf-8") == html
    assert [p.name for p in pad.parent.iterdir()] == ["havenkwartier.html"]  # no temp left


def test_pdf_without_chromium_is_a_dutch_error(monkeypatch, tmp_path):
    pagina = save_rapport("<p>x</p>", tmp_path / "r.html")
    monkeypatch.setattr(rapport_pdf, "find_chromium", lambda: None)
    with pytest.raises(GebiedsplanError, match="Geen Chromium gevonden"):
        save_rapport_pdf(pagina, tmp_path / "r.pdf")
    assert not (tmp_path / "r.pdf").exists()
    with pytest.raises(GebiedsplanError, match="bestaat niet"):
        save_rapport_pdf(tmp_path / "weg.html", tmp_path / "r.pdf")


@pytest.mark.slow
@pytest.mark.skipif(rapport_pdf.find_chromium() is None, reason="Chromium ontbreekt")
def test_pdf_is_a4(zuid, tmp_path):
    html, soup = zuid
    pagina = save_rapport(html, tmp_path / "zuid.html")
    pdf = save_rapport_pdf(pagina, tmp_path / "zuid.pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    kaders = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf)
    assert kaders
    for breedte, hoogte in kaders:  # A4 = 210 x 297 mm = 595.3 x 841.9 pt
        assert abs(float(breedte) - 595.3) < 1.5 and abs(float(hoogte) - 841.9) < 1.5
    # title page plus one page or more per section
    assert len(kaders) >= len(soup.find_all("section")) + 1


# --------------------------------------------------------------------------- Arnhem


def test_report_on_real_arnhem_files(tmp_path, arnhem_bestanden, arnhem_data):
    import gebiedsplan.importeren as importeren
    from gebiedsplan.gemeente import load_gemeente

    invoer = importeren.import_files("GM0202", jaar=2024, **arnhem_bestanden)
    gpkg = importeren.write_invoer(invoer, opslag=tmp_path)
    gemeente = load_gemeente(REPO / "wijken" / "arnhem.yml", opslag=gpkg)
    netwerk_wijken = ["WK020206", "WK020207", "WK020209", "WK020212"]
    analyse = run_analyse(gemeente, wijken=netwerk_wijken)
    soup = BeautifulSoup(
        make_rapport(gemeente, analyse, "Noordwest-Arnhem", kaart=False), "html.parser"
    )
    # residents straight from the CBS file: the 22 buurten of the six wijken
    cbs = pd.read_csv(arnhem_data / "cbs_kwb2024_arnhem_buurten_basis.csv")
    wijken_nw = ("0206", "0207", "0212", "0213", "0214", "0215")
    nw = cbs[cbs["buurtcode"].str[4:8].isin(wijken_nw)]
    assert len(nw) == 22
    assert rows(soup, "tabel-bevolking")["aantal_inwoners"][1] == nl(nw["AantalInwoners_5"].sum())
    assert nl(nw["AantalInwoners_5"].sum()) == "28.480"
    # Sonsbeek/Zijpendaal has 25 residents: its health figures are suppressed
    assert rows(soup, "tabel-gezondheid-buurten")["BU02021269"][1:] == ["25"] + ["onderdrukt"] * 4
    # three of the six wijken lie outside the road network: the report says so
    buiten = nw[nw["buurtcode"].str[4:8].isin(("0213", "0214", "0215"))]
    tekst = soup.find("section", id="hiaten").get_text()
    assert (
        f"{len(buiten)} van de 22 buurten van het gebied "
        f"({nl(buiten['AantalInwoners_5'].sum())} inwoners) vallen buiten de analyse"
    ) in tekst
    # provenance names the real sources
    bronnen = rows(soup, "tabel-bronnen")
    assert "CBS Wijk- en Buurtkaart 2022" in bronnen["buurten:1"][1]
    assert "CBS Kerncijfers wijken en buurten 2024" in bronnen["buurten:2"][1]
    assert "RIVM" in bronnen["gezondheid"][1]
    # what moment the data describe, and the indeling (Gegevens van, Indeling), per source
    assert bronnen["buurten:1"][2:4] == ["2022", "2022"]
    assert bronnen["wijken:1"][2:4] == ["2024", "2024"]
    assert bronnen["buurten:2"][2:4] == ["2024-01-01", "2024"]
    assert bronnen["gezondheid"][2:4] == ["2020", "2020"]
    assert [bronnen["voorzieningen:1"][-1], bronnen["voorzieningen:2"][-1]] == ["nee", "ja"]
    # the fictitious registers by name; the real sources are not called synthetic
    assert soup.find(id="synthetisch").get_text() == (
        "Let op: fictieve gegevens in laag accommodaties (bron: Voorbeeld IAB-register Arnhem "
        "(fictief)) en laag voorzieningen (bron: Voorbeeldregister voorzieningen Arnhem "
        "(fictief)); de andere bronnen zijn echt."
    )
    assert (
        "Fictief (verzonnen voorbeeldgegevens, geen echte situatie): laag accommodaties, bron "
        "Voorbeeld IAB-register Arnhem (fictief); laag voorzieningen, bron Voorbeeldregister "
        "voorzieningen Arnhem (fictief). De andere bronnen zijn echt."
    ) in soup.find("section", id="bronnen").get_text()
    assert "(synthetisch)" not in soup.find("header").get_text()


# --------------------------------------------------------------------------------------------
# coverage: a gebied whose residents the network does not reach
# --------------------------------------------------------------------------------------------


def test_report_says_who_was_not_analysed_and_gives_no_score(zonder_netwerk_oeverwijk):
    gemeente, zonder = zonder_netwerk_oeverwijk
    # Pilot Zuid: the four buurten of Oeverwijk (no network) and two of Zuiderveld
    rij = zonder.hiaten_gebied.loc[("Pilot Zuid", "huisarts")]
    assert rij["dekking"] == "onvolledig"
    soup = BeautifulSoup(make_rapport(gemeente, zonder, "Pilot Zuid", kaart=False), "html.parser")
    sectie = soup.find("section", id="hiaten")
    tekst = " ".join(sectie.get_text(" ").split())
    assert (
        f"Van de {nl(rij['inwoners'])} inwoners van het gebied zijn er "
        f"{nl(rij['inwoners_geanalyseerd'])} geanalyseerd"
    ) in tekst
    assert "daarom geen hiaatscore" in tekst
    assert (
        "Dit gebied heeft geen hiaatscore: te weinig van zijn inwoners zijn geanalyseerd" in tekst
    )
    # no rank and no score in the table, never a 100 for residents nobody could reach
    tabel = rows(soup, "tabel-hiaten")
    assert {cellen[0] for cellen in tabel.values()} == {"–"}
    assert {cellen[8] for cellen in tabel.values()} == {"–"}
    assert {cellen[6] for cellen in tabel.values()} == {"–"}  # nobody counted outside
    # the buurten of Oeverwijk are named with their reason
    for code in ("BU99990401", "BU99990404"):
        assert f"({code}): niet geanalyseerd: alle" in tekst
    # the thin layer of the demo is named with its range and source
    assert "Voorzieningenlaag mogelijk onvolledig" in tekst
    assert "Kinderopvang: 8 in de gemeente" in tekst and "DUO Landelijk Register" in tekst
    # no static gap maps where there are no scores
    assert not soup.select(".kaartjes svg")
