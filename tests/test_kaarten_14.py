"""Issue 14 on the maps and the report: the colour key of the facility categories, the category
switch, the view on the analysed area beside the panels, capacity and equity in the tooltips and
the report, the report's scenario maps, no negative zeros.

Maps are read as HTML (BeautifulSoup) and through the data embedded in their script; what the
switch and the fitted view do in a browser is tested in test_browser.py.
"""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from bs4 import BeautifulSoup

from gebiedsplan import _tekst
from gebiedsplan.analyse.run import run_analyse
from gebiedsplan.catalogus import kolom_info, load_catalogus
from gebiedsplan.gemeente import effective_voorzieningen
from gebiedsplan.kaarten import (
    make_bereik_kaart,
    make_gebied_kaart,
    make_kaart,
    make_scenario_kaart,
    make_voorzieningen_kaart,
)
from gebiedsplan.kaarten.lagen import ZONDER_CLUSTERS_ZOOM
from gebiedsplan.kaarten.opbouw import bounds_wgs84, zoom_voor
from gebiedsplan.publiceren.opmaak import SCENARIO_KLEUREN
from gebiedsplan.rapport import make_rapport
from gebiedsplan.rapport.voorzieningen import TOEGANG_KOLOMMEN

REPO = Path(__file__).resolve().parents[1]

# --------------------------------------------------------------------------------------------
# reading a rendered map
# --------------------------------------------------------------------------------------------


def _punten(page: str) -> list[dict]:
    """Every marker layer: its features, options (colour, shape, category) and parent layer."""
    decoder = json.JSONDecoder()
    uit = []
    for m in re.finditer(r"var (punten_[0-9a-f]+)_data = ", page):
        data, einde = decoder.raw_decode(page, m.end())
        o = re.search(r"var opties = ", page[einde:])
        assert o
        opties, _ = decoder.raw_decode(page, einde + o.end())
        ouder = re.search(r"\{ (\w+)\.addLayer\(m\); \}", page[einde:])
        assert ouder
        uit.append({"data": data, "opties": opties, "ouder": ouder.group(1)})
    return uit


def _wissel(page: str) -> tuple[dict[str, str], dict[str, str]]:
    """The category switch: choropleth variable -> category, category -> facility layer."""
    vlakken = dict(re.findall(r'vlakken\[L\.stamp\((\w+)\)\] = "([a-z0-9_]+)";', page))
    punten = dict(re.findall(r'punten\["([a-z0-9_]+)"\] = (\w+);', page))
    return vlakken, punten


def _gegroepeerd(page: str, groep: str) -> dict[str, str]:
    m = re.search(rf'"{re.escape(groep)}"\s*:\s*\{{(.*?)\}}', page, re.S)
    assert m, groep
    return dict(re.findall(r'"([^"]+)"\s*:\s*(feature_group_[0-9a-f]+)', m.group(1)))


def _beeld(page: str) -> list[list[float]]:
    m = re.search(r"var grenzen = (\[\[.*?\]\]);", page)
    assert m, "geen passend beeld op de kaart"
    return json.loads(m.group(1))


def _tooltips(page: str) -> dict[str, dict]:
    """Choropleth variable -> {'features', 'aliases', 'fields'}."""
    decoder = json.JSONDecoder()
    uit = {}
    for m in re.finditer(r"(geo_json_[0-9a-f]+)_add\(", page):
        data, _ = decoder.raw_decode(page, m.end())
        laag = re.search(rf"{m.group(1)}\.addTo\((feature_group_[0-9a-f]+)\)", page)
        a = re.search(
            rf"{m.group(1)}\.bindTooltip\(.*?let fields = (\[.*?\]);.*?let aliases = (\[.*?\]);",
            page,
            re.S,
        )
        if laag and a:
            uit[laag.group(1)] = {
                "features": data["features"],
                "fields": json.loads(a.group(1)),
                "aliases": json.loads(a.group(2)),
            }
    return uit


@pytest.fixture(scope="module")
def kaart(gemeente, analyse) -> str:
    return (
        make_kaart(gemeente, analyse.hiaten, volledigheid=analyse.volledigheid).get_root().render()
    )


@pytest.fixture(scope="module")
def scenario(gemeente, analyse):
    from gebiedsplan.analyse.scenario import compare_scenario, load_scenario

    return compare_scenario(
        analyse, load_scenario(REPO / "wijken" / "scenarios" / "demo_havenkwartier.yml", gemeente)
    )


@pytest.fixture(scope="module")
def kaarten(gemeente, analyse, scenario, kaart) -> dict[str, str]:
    from gebiedsplan.analyse.voorzieningbereik import compute_voorzieningbereik

    vz = gemeente.voorzieningen
    bereik = compute_voorzieningbereik(
        gemeente, vz.index[vz["naam"] == "Wijkcentrum De Markt"][0], netwerk=analyse.netwerk
    )
    return {
        "hiaten": kaart,
        "gebied": make_gebied_kaart(gemeente, analyse, "Havenkwartier").get_root().render(),
        "voorzieningen": make_voorzieningen_kaart(gemeente).get_root().render(),
        "scenario": make_scenario_kaart(gemeente, scenario.verschil).get_root().render(),
        "bereik": make_bereik_kaart(gemeente, bereik).get_root().render(),
    }


# --------------------------------------------------------------------------------------------
# the key and the markers' categories
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("soort", ["hiaten", "gebied", "voorzieningen", "scenario", "bereik"])
def test_sleutel_met_dezelfde_kleuren_als_de_markers(kaarten, soort):
    page = kaarten[soort]
    catalogus = load_catalogus()
    sleutel = BeautifulSoup(page, "html.parser").find(id="gebiedsplan-sleutel")
    assert sleutel is not None, soort
    assert sleutel.find("b").get_text() == "Voorzieningen"
    in_sleutel = {
        d["data-categorie"]: (d.get_text(), d.find("span")["style"])
        for d in sleutel.find_all("div", attrs={"data-categorie": True})
    }
    lagen = [p for p in _punten(page) if p["opties"]["categorie"]]
    # bereik: the chosen facility has its own layer as well; the key lists each category once
    assert {p["opties"]["categorie"] for p in lagen} == set(in_sleutel)
    for p in lagen:
        cat = p["opties"]["categorie"]
        tekst, stijl = in_sleutel[cat]
        assert tekst.startswith(catalogus.categorieen[cat].label + " ("), (soort, tekst)
        assert stijl == f"background:{p['opties']['kleur']}"
        assert p["opties"]["kleur"] == catalogus.categorieen[cat].kleur
    if soort in ("hiaten", "gebied", "voorzieningen"):  # the maps that draw accommodations
        assert "Accommodatie (IAB)" in sleutel.get_text()


def test_elke_marker_draagt_zijn_categorie(kaart, gemeente):
    alle = effective_voorzieningen(gemeente)
    punten = [p for p in _punten(kaart) if p["opties"]["vorm"] == "gp-punt"]
    # the residents' pins (the demo's wijkavond) are dots of no facility category
    pins = [p for p in punten if not p["opties"].get("categorie")]
    assert pins and all(f["id"] not in alle.index for p in pins for f in p["data"]["features"])
    lagen = [p for p in punten if p["opties"].get("categorie")]
    assert len(lagen) >= 8
    for p in lagen:
        ids = [f["id"] for f in p["data"]["features"]]
        assert set(alle.loc[ids, "categorie"]) == {p["opties"]["categorie"]}
    # the JS writes it on every dot, and the cluster icons carry it too
    assert "' data-categorie=\"' + opties.categorie + '\"'" in kaart
    assert 'data-categorie=\\"huisarts\\"' in kaart or '<div data-categorie="huisarts"' in kaart


def test_categoriewissel_koppelt_elke_choropleet_aan_de_voorzieningen_ervan(kaart):
    vlakken, punten = _wissel(kaart)
    catalogus = load_catalogus()
    gegroepeerd = _gegroepeerd(kaart, "Hiaat per voorziening")
    huisarts = next(v for k, v in gegroepeerd.items() if k.startswith("Huisarts"))
    assert vlakken[huisarts] == "huisarts"
    assert set(vlakken.values()) <= set(catalogus.categorieen)
    assert len(vlakken) == len(gegroepeerd)
    # every category's facilities are one layer, and that layer holds only its markers
    per_ouder = {p["ouder"]: p["opties"]["categorie"] for p in _punten(kaart)}
    for cat, laag in punten.items():
        assert per_ouder[laag] == cat
    # the switch: choosing a choropleth shows its category and removes the others; "alle"
    # brings back the first view
    assert "var aan = gekozen === null ? begin[c] : c === gekozen;" in kaart
    assert "kaart.removeLayer(punten[c])" in kaart
    assert BeautifulSoup(kaart, "html.parser").find(id="gebiedsplan-alle").get_text() == (
        "alle voorzieningen tonen"
    )


def test_kaart_zonder_choropleten_heeft_sleutel_maar_geen_wissel(kaarten):
    page = kaarten["voorzieningen"]
    assert _wissel(page) == ({}, {})
    assert BeautifulSoup(page, "html.parser").find(id="gebiedsplan-alle") is None


# --------------------------------------------------------------------------------------------
# the view: the analysed area, beside the panels, no clusters at that zoom
# --------------------------------------------------------------------------------------------


def test_kaart_opent_op_de_geanalyseerde_wijken(gemeente, analyse, kaart):
    assert _beeld(kaart) == bounds_wgs84(gemeente.wijken)
    gekozen = ["WK999901", "WK999902"]
    deel = run_analyse(gemeente, wijken=gekozen, netwerk=analyse.netwerk)
    page = make_kaart(gemeente, deel.hiaten).get_root().render()
    beeld = _beeld(page)
    assert beeld == bounds_wgs84(gemeente.wijken.loc[gekozen])
    assert beeld != bounds_wgs84(gemeente.wijken)
    # the view is fitted with padding from the panels (left, right, top), not by folium alone
    assert "paddingTopLeft: [m.links, boven]" in page
    # clusters break up at the zoom the map opens at
    zoom = min(max(zoom_voor(beeld), ZONDER_CLUSTERS_ZOOM[0]), ZONDER_CLUSTERS_ZOOM[1])
    opties = re.findall(r'"disableClusteringAtZoom": (\d+)', page)
    assert opties and set(opties) == {str(zoom)}


def test_kaart_opent_op_volledig_geanalyseerde_wijken(gemeente, zonder_netwerk_oeverwijk):
    zonder, analyse = zonder_netwerk_oeverwijk
    page = make_kaart(zonder, analyse.hiaten).get_root().render()
    volledig = analyse.hiaten.index.get_level_values("wijkcode")[
        (analyse.hiaten["dekking"] == "volledig").to_numpy()
    ]
    assert "WK999904" not in set(volledig)
    assert _beeld(page) == bounds_wgs84(gemeente.wijken.loc[sorted(set(volledig))])


def test_gebiedstabel_is_inklapbaar_en_het_beeld_houdt_er_rekening_mee(kaarten):
    page = kaarten["gebied"]
    tabel = BeautifulSoup(page, "html.parser").find(id="gebiedsplan-tabel")
    assert tabel.name == "details" and tabel.has_attr("open")
    assert "#gebiedsplan-tabel" in page.split("PassendBeeld")[-1] or "#gebiedsplan-tabel," in page
    assert "tabel.open = false" in page


# --------------------------------------------------------------------------------------------
# capacity and equity in the tooltips
# --------------------------------------------------------------------------------------------


def _met_toegang(hiaten: pd.DataFrame) -> pd.DataFrame:
    t = hiaten.drop(
        columns=[
            c
            for c in ("toegang_per_1000", "toegang_verhouding", "gini_afstand", "palma_afstand")
            if c in hiaten.columns
        ]
    ).copy()
    cat = t.index.get_level_values("categorie")
    huisarts = (cat == "huisarts").astype(float)
    rang = np.arange(len(t), dtype=float)
    t["toegang_per_1000"] = np.where(cat == "huisarts", 0.5 + rang / 100, np.nan)
    t["toegang_verhouding"] = np.where(cat == "huisarts", 0.25 + rang / 100, np.nan)
    t["gini_afstand"] = 0.2 + 0.001 * rang
    t["palma_afstand"] = np.where(huisarts > 0, np.nan, 1.5)
    return t


def test_capaciteit_en_gelijkheid_in_de_tooltips(gemeente, analyse):
    tabel = _met_toegang(analyse.hiaten)
    page = make_kaart(gemeente, tabel).get_root().render()
    lagen = _tooltips(page)
    gegroepeerd = _gegroepeerd(page, "Hiaat per voorziening")
    huisarts = lagen[next(v for k, v in gegroepeerd.items() if k.startswith("Huisarts"))]
    sport = lagen[next(v for k, v in gegroepeerd.items() if k.startswith("Sport"))]
    assert "Capaciteit binnen bereik per 1.000 (doelgroep)" in huisarts["aliases"]
    assert "Gini loopafstand" in huisarts["aliases"]
    # palma is missing for huisarts everywhere: no row of dashes
    assert "Palma loopafstand" not in huisarts["aliases"]
    assert "Capaciteit binnen bereik per 1.000 (doelgroep)" not in sport["aliases"]
    assert "Palma loopafstand" in sport["aliases"]
    rij = tabel.xs("huisarts", level="categorie")
    for f in huisarts["features"]:
        code = f["properties"]["code"]
        verwacht = (
            f"{_tekst.getal(rij.loc[code, 'toegang_per_1000'], 2)} "
            f"{rij.loc[code, 'capaciteit_eenheid']} "
            f"({_tekst.procent(rij.loc[code, 'toegang_verhouding'])} van de norm)"
        )
        assert f["properties"]["toegang"] == verwacht
        assert f["properties"]["gini"] == _tekst.getal(rij.loc[code, "gini_afstand"], 2)
    assert "nan" not in json.dumps([f["properties"] for f in huisarts["features"]]).lower()


def test_zonder_capaciteitskolommen_geen_extra_regels(gemeente, analyse):
    tabel = analyse.hiaten.drop(
        columns=[
            c
            for c in ("toegang_per_1000", "toegang_verhouding", "gini_afstand", "palma_afstand")
            if c in analyse.hiaten.columns
        ]
    )
    page = make_kaart(gemeente, tabel).get_root().render()
    for laag in _tooltips(page).values():
        assert not {"toegang", "gini", "palma"} & set(laag["fields"])


# --------------------------------------------------------------------------------------------
# numbers
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("waarde", "decimalen", "tekst"),
    [
        (-0.0, 0, "0"),
        (-0.0, 2, "0,00"),
        (-0.004, 2, "0,00"),
        (-0.49, 0, "0"),
        (-0.5, 0, "0"),  # rounds half to even: 0, never "-0"
        (-0.6, 0, "-1"),
        (np.float64(-0.0), 1, "0,0"),
        (-1234.56, 1, "-1.234,6"),
    ],
)
def test_getal_zonder_min_nul(waarde, decimalen, tekst):
    assert _tekst.getal(waarde, decimalen) == tekst


def test_procent_zonder_min_nul():
    assert _tekst.procent(-0.0001) == "0%"
    assert _tekst.procent(-0.0001, 1) == "0,0%"


# --------------------------------------------------------------------------------------------
# the report
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def rapport(gemeente, analyse, scenario) -> str:
    tabel = analyse.hiaten_gebied
    assert tabel is not None
    met = _met_toegang(tabel)
    return make_rapport(
        gemeente,
        dataclasses.replace(analyse, hiaten_gebied=met),
        "Havenkwartier",
        scenario=scenario,
        kaart=False,
    )


def test_rapport_scenariokaarten(rapport, scenario, gemeente):
    soup = BeautifulSoup(rapport, "html.parser")
    blok = soup.find(id="scenario").find(id="scenario-kaarten")
    assert blok is not None
    figuren = blok.select("figure.kaartje")
    assert [f.figcaption.get_text() for f in figuren][0] == "Alle voorzieningen samen"
    assert 2 <= len(figuren) <= 3
    som = (
        scenario.verschil["inwoners_buiten_norm_verschil"]
        .astype(float)
        .groupby(level="wijkcode")
        .sum()
    )
    vlakken = [p for p in figuren[0].select("svg path[fill]") if p["fill"] != "none"]
    assert len(figuren[0].select('svg path[fill="none"]')) == 1  # the gebied's outline
    titels = {p.title.get_text().split(" (")[0]: p for p in vlakken}
    havenkwartier = gemeente.wijken.loc["WK999903", "wijknaam"]
    pad = titels[havenkwartier]
    assert pad["fill"] in SCENARIO_KLEUREN[4:]  # more residents outside the norm: red side
    assert f"{_tekst.getal(abs(som['WK999903']))} meer inwoners buiten de norm" in pad.title.text
    assert {p["fill"] for p in vlakken} <= set(SCENARIO_KLEUREN)
    assert len(vlakken) >= 4
    # every map has its own legend, from "more" to "fewer"
    for f in figuren:
        regels = [li.get_text() for li in f.select("ul.legenda li")]
        assert len(regels) == 7 and regels[3] == "geen verandering"
    assert figuren[0].svg["aria-label"].startswith("Verschil in inwoners buiten de norm per wijk")


def test_rapport_zonder_min_nul(rapport):
    tekst = BeautifulSoup(rapport, "html.parser").get_text(" ")
    assert not re.search(r"(?<![\w,.])[-−]0(?:,0+)?(?![\d.,])", tekst), re.findall(
        r".{30}[-−]0(?:,0+)?(?![\d.,]).{10}", tekst
    )
    assert "+0 " not in tekst and "nan" not in tekst.lower().split()


def test_rapport_onderschrift_boven_de_tabel(rapport):
    soup = BeautifulSoup(rapport, "html.parser")
    for figuur in soup.select("figure.tabel"):
        kinderen = [k.name for k in figuur.find_all(recursive=False)]
        if "figcaption" in kinderen:
            assert kinderen.index("figcaption") < kinderen.index("table")
    css = soup.find("style").get_text()
    assert "figure.kort, figure.kaartje" in css and "break-inside: avoid" in css


def test_rapport_capaciteit_binnen_bereik(rapport):
    soup = BeautifulSoup(rapport, "html.parser")
    tabel = soup.find(id="tabel-toegang")
    assert tabel is not None
    koppen = [th.get_text() for th in tabel.select("thead th")]
    kolommen = ["toegang_per_1000", "toegang_verhouding", "gini_afstand", "palma_afstand"]
    assert koppen == [
        "Voorziening",
        "Eenheid",
        *(getattr(kolom_info(k), "kop", TOEGANG_KOLOMMEN[k][0]) for k in kolommen),
    ]
    huisarts = tabel.find("tr", attrs={"data-sleutel": "huisarts"})
    cellen = [td.get_text() for td in huisarts.find_all("td")]
    assert cellen[2].startswith("0,") and cellen[3].endswith("%")
    assert cellen[5] == "–"  # palma missing for huisarts: the report's dash
    assert "nan" not in tabel.get_text().lower()
