"""The maps (gebiedsplan.kaarten): content, privacy, provenance, legends, writing.

Maps are rendered from the demo gemeente Rivierstad and inspected as HTML (BeautifulSoup) and
through the GeoJSON, point data, layer controls and legends embedded in their script. The
analyses these maps draw are tested on their own in test_bereik.py (the reach of a facility)
and test_groen.py (the green share).
"""

from __future__ import annotations

import dataclasses
import html
import json
import re
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import yaml
from bs4 import BeautifulSoup

from gebiedsplan import settings
from gebiedsplan.analyse.groen import compute_groen, compute_groen_aandeel
from gebiedsplan.analyse.voorzieningbereik import compute_voorzieningbereik
from gebiedsplan.bronnen import Herkomst, combine_herkomst
from gebiedsplan.errors import GebiedsplanError, GemeenteError
from gebiedsplan.gemeente import effective_voorzieningen
from gebiedsplan.kaarten import (
    GEEN_WAARDE_KLEUR,
    HIAAT_KLEUREN,
    SCENARIO_KLEUREN,
    check_publishable_voorziening,
    make_bereik_kaart,
    make_gebied_kaart,
    make_gezondheid_kaart,
    make_groen_kaart,
    make_kaart,
    make_scenario_kaart,
    make_voorzieningen_kaart,
    save_kaart,
)
from gebiedsplan.kaarten.opbouw import KAARTLAGEN
from gebiedsplan.netwerk.aansluiten import connect_points
from gebiedsplan.netwerk.bereik import compute_bereik
from gebiedsplan.netwerk.zoeken import count_per_point
from gebiedsplan.publiceren.index import write_index
from gebiedsplan.publiceren.pagina import read_page_meta
from gebiedsplan.publiceren.profiel import Publicatieprofiel

REPO = Path(__file__).resolve().parents[1]

WIJKEN = {
    "WK999901": "Oude Stad",
    "WK999902": "Molenwijk",
    "WK999903": "Havenkwartier",
    "WK999904": "Oeverwijk",
    "WK999905": "Zuiderveld",
    "WK999906": "Beekdal",
}
GEVOELIGE_NAMEN = ("Maatschappelijke opvang De Haven", "Beschermd wonen Zuiderveld")
GEBIEDEN = {
    "Havenkwartier": "ontwikkelgebied",
    "Pilot Noord": "wijknetwerk-pilot",
    "Pilot Zuid": "wijknetwerk-pilot",
}


# --------------------------------------------------------------------------------------------
# reading a rendered map
# --------------------------------------------------------------------------------------------


def _geojson_lagen(page: str) -> dict[str, dict]:
    """Every GeoJSON object embedded in the page, by the folium variable name it is added to."""
    decoder = json.JSONDecoder()
    lagen = {}
    for m in re.finditer(r"(geo_json_[0-9a-f]+)_add\(", page):
        data, _ = decoder.raw_decode(page, m.end())
        lagen[m.group(1)] = data
    return lagen


def _punten_lagen(page: str) -> dict[str, tuple[dict, str]]:
    """Every point layer (markers): variable -> (GeoJSON, variable of the layer it is added to)."""
    decoder = json.JSONDecoder()
    uit = {}
    for m in re.finditer(r"var (punten_[0-9a-f]+)_data = ", page):
        data, einde = decoder.raw_decode(page, m.end())
        ouder = re.search(r"\{ (\w+)\.addLayer\(m\); \}", page[einde:])
        assert ouder, m.group(1)
        uit[m.group(1)] = (data, ouder.group(1))
    return uit


def _overlays(page: str) -> dict[str, str]:
    """Layer name -> variable, of the normal layer control."""
    m = re.search(r"overlays\s*:\s*\{(.*?)\n\s*\},", page, re.S)
    assert m, "geen overlays in de lagenknop"
    return {json.loads(k): v for k, v in re.findall(r'("[^"]*")\s*:\s*(\w+),', m.group(1))}


def _gegroepeerde_lagen(page: str, groep: str) -> dict[str, str]:
    """Layer name -> feature group variable, of one group of the grouped layer control."""
    m = re.search(rf'"{re.escape(groep)}"\s*:\s*\{{(.*?)\}}', page, re.S)
    assert m, f"geen groep '{groep}' in de lagenknop"
    return dict(re.findall(r'"([^"]+)"\s*:\s*(feature_group_[0-9a-f]+)', m.group(1)))


def _lagen_per_groep(page: str, groep: str) -> dict[str, dict]:
    """Choropleth layer name (as in the grouped control) -> {'geojson', 'aliases'}."""
    groepen = _gegroepeerde_lagen(page, groep)
    per_groep = {}
    for var, data in _geojson_lagen(page).items():
        m = re.search(rf"{var}\.addTo\((feature_group_[0-9a-f]+)\)", page)
        assert m, f"{var} is aan geen laag toegevoegd"
        a = re.search(rf"{var}\.bindTooltip\(.*?let aliases = (\[.*?\]);", page, re.S)
        per_groep[m.group(1)] = {"geojson": data, "aliases": json.loads(a.group(1)) if a else None}
    return {naam: per_groep[g] for naam, g in groepen.items()}


def _legenda(page: str, id_: str) -> list[str]:
    el = BeautifulSoup(page, "html.parser").find(id=id_)
    assert el is not None, id_
    return [d.get_text() for d in el.find_all("div")]


# --------------------------------------------------------------------------------------------
# fixtures (module scope: each map is rendered once)
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def kaart_html(gemeente, analyse) -> str:
    return make_kaart(gemeente, analyse.hiaten).get_root().render()


@pytest.fixture(scope="module")
def soup(kaart_html) -> BeautifulSoup:
    return BeautifulSoup(kaart_html, "html.parser")


@pytest.fixture(scope="module")
def categorieen_yml() -> dict:
    """The category vocabulary read straight from the catalogue file (not via the package)."""
    with open(REPO / "lagen" / "catalogus" / "categorieen.yml", encoding="utf-8") as f:
        return yaml.safe_load(f)


@pytest.fixture(scope="module")
def geanalyseerd(categorieen_yml) -> dict[str, str]:
    """Non-sensitive categories with a norm (code -> Dutch label), in catalogue order; a
    category without a norm (supermarkt, outside the sociale basis) is never analysed."""
    normen = set(_raw_yaml_normen())
    return {
        c: v["label"]
        for c, v in categorieen_yml.items()
        if not v.get("gevoelig", False) and c in normen
    }


def _raw_yaml_normen() -> dict:
    with open(REPO / "lagen" / "catalogus" / "normen.yml", encoding="utf-8") as f:
        return yaml.safe_load(f)


@pytest.fixture(scope="module")
def choropleten(kaart_html) -> dict[str, dict]:
    return _lagen_per_groep(kaart_html, "Hiaat per voorziening")


@pytest.fixture(scope="module")
def markers(kaart_html) -> list[dict]:
    """Every marker feature of the gap map, with the name of the layer it is in."""
    namen = {v: k for k, v in _overlays(kaart_html).items()}
    return [
        {**f, "laag": namen[ouder]}
        for data, ouder in _punten_lagen(kaart_html).values()
        for f in data["features"]
    ]


def _zonder_regels(page: str) -> str:
    """The page without the publishing rules of the sources panel (which name 'opvang')."""
    return re.sub(r"<p[^>]*><b>Publicatieregels</b>:.*?</p>", "", page, flags=re.S)


def _attributie(page: str) -> str:
    teksten = [json.loads(t) for t in re.findall(r"addAttribution\((\".*?\")\);", page)]
    assert len(teksten) == 1, teksten
    return teksten[0]


# --------------------------------------------------------------------------------------------
# choropleth of the gaps
# --------------------------------------------------------------------------------------------


def test_een_choropleet_per_geanalyseerde_categorie_met_nederlandse_labels(
    choropleten, geanalyseerd, gemeente, analyse
):
    assert len(geanalyseerd) == 10
    # a facility layer that looks incomplete says so in its name (the demo's kinderopvang:
    # 8 for 51,382 inhabitants, under half the national rate)
    status = analyse.hiaten.groupby(level="categorie")["laag_volledigheid"].first()
    assert set(status[status == "mogelijk onvolledig"].index) == {"kinderopvang"}
    verwacht = {
        f"{label} (norm {gemeente.normen[c].max_afstand_m:.0f} m)"
        + (" - laag mogelijk onvolledig" if status[c] == "mogelijk onvolledig" else "")
        for c, label in geanalyseerd.items()
    }
    assert set(choropleten) == verwacht
    # the local norm of wijken/demo.yml (600 m instead of the catalogue's) is in the layer name
    assert "Ontmoeting / buurthuis (norm 600 m)" in choropleten
    assert "Huisarts (norm 1000 m)" in choropleten
    assert "Park / groen (norm 300 m)" in choropleten


def test_choropleet_tooltips_zijn_nederlands(choropleten, geanalyseerd):
    labels = set(geanalyseerd.values())
    for naam, laag in choropleten.items():
        aliases = laag["aliases"]
        assert aliases[:2] == ["Wijk", "Wijkcode"], naam
        assert aliases[-1] == "Hiaatscore", naam
        assert aliases[2].endswith(" in de wijk") and aliases[2][: -len(" in de wijk")] in labels
        assert aliases[3].startswith("Inwoners binnen ") and aliases[4] == "Gem. loopafstand"
        assert naam.startswith(aliases[2][: -len(" in de wijk")])


def test_elke_wijk_staat_in_elke_choropleet(choropleten):
    for naam, laag in choropleten.items():
        features = laag["geojson"]["features"]
        gevonden = {f["properties"]["code"]: f["properties"]["naam"] for f in features}
        assert gevonden == WIJKEN, naam
        for f in features:
            assert f["geometry"]["type"] == "Polygon"
            lon, lat = f["geometry"]["coordinates"][0][0]
            # drawn in WGS84 (Flevoland), not in RD metres, rounded to 6 decimals
            assert 5.0 < lon < 6.5 and 52.0 < lat < 53.0
            assert lon == round(lon, 6)


def test_choropleet_waarden_en_kleuren_komen_uit_de_hiatentabel(choropleten, geanalyseerd, analyse):
    hiaten = analyse.hiaten
    grenzen = [(0, 10), (10, 25), (25, 50), (50, 75), (75, 100.01)]
    for categorie, label in geanalyseerd.items():
        (laag,) = [v for k, v in choropleten.items() if k.startswith(f"{label} (norm ")]
        for f in laag["geojson"]["features"]:
            p = f["properties"]
            rij = hiaten.loc[(p["code"], categorie)]
            if pd.isna(rij["hiaatscore"]):
                assert p["score"] is None and p["score_tekst"] == "geen inwoners"
                assert p["_kleur"] == GEEN_WAARDE_KLEUR
            else:
                score = round(float(rij["hiaatscore"]), 1)
                assert p["score"] == pytest.approx(score)
                assert p["score_tekst"] == f"{rij['hiaatscore']:.0f}"
                klasse = next(i for i, (a, b) in enumerate(grenzen) if a <= score < b)
                assert p["_kleur"] == HIAAT_KLEUREN[klasse]
            assert p["aantal"] == str(int(rij["aantal_voorzieningen"]))


def test_bekende_hiaten_van_de_demo_zichtbaar(choropleten):
    """Oeverwijk has no meeting place: its ontmoeting score on the map is high (>= 75, red)."""
    laag = choropleten["Ontmoeting / buurthuis (norm 600 m)"]
    oever = next(f for f in laag["geojson"]["features"] if f["properties"]["code"] == "WK999904")
    assert oever["properties"]["aantal"] == "0"
    assert oever["properties"]["score"] >= 75
    assert oever["properties"]["_kleur"] == "#d73027"


def test_legenda_is_nederlands(kaart_html):
    assert _legenda(kaart_html, "legenda-hiaat") == [
        "0 - 10",
        "10 - 25",
        "25 - 50",
        "50 - 75",
        "75 - 100",
        # withheld scores are grey too, and the legend says why an area can have none
        "geen hiaatscore: te weinig inwoners geanalyseerd (niet geanalyseerd = verder dan 250 m "
        "van het wegennet of aan een los stuk ervan; reden in de tooltip), geen inwoners of "
        "niet berekend",
    ]
    el = BeautifulSoup(kaart_html, "html.parser").find(id="legenda-hiaat")
    assert el.b.get_text() == "Hiaatscore"
    assert el.small.get_text() == (
        "0 = doel gehaald, 100 = niemand binnen de norm; over de geanalyseerde inwoners, alleen "
        "waar minstens 90% van de inwoners is geanalyseerd"
    )
    # no branca/d3 legend, no English
    assert "d3.min.js" not in kaart_html and "legend" not in el.get_text().lower()


# --------------------------------------------------------------------------------------------
# facilities: all non-sensitive ones, clustered by category; none of the sensitive ones
# --------------------------------------------------------------------------------------------


def test_alle_niet_gevoelige_voorzieningen_geclusterd_per_categorie(
    kaart_html, gemeente, categorieen_yml, markers
):
    gevoelig = {c for c, v in categorieen_yml.items() if v.get("gevoelig", False)}
    vz = effective_voorzieningen(gemeente)  # the layer plus the functions of accommodations
    assert len(vz) == len(gemeente.voorzieningen) + 13
    publiek = vz[~vz["categorie"].isin(gevoelig)]
    assert len(publiek) == len(vz) - 2  # the demo has two sensitive facilities
    punten = [m for m in markers if m["laag"].startswith("Voorzieningen: ")]
    assert sorted(m["id"] for m in punten) == sorted(publiek.index)
    assert {m["properties"]["naam"] for m in punten} == {html.escape(n) for n in publiek["naam"]}
    # one layer per category, named with its Dutch label and count, each a marker cluster
    overlays = _overlays(kaart_html)
    buiten = publiek.groupby("categorie")["buiten_gemeente"].sum()
    for categorie, n in publiek["categorie"].value_counts().items():
        waarvan = f", waarvan {buiten[categorie]} buiten de gemeente" if buiten[categorie] else ""
        naam = f"Voorzieningen: {categorieen_yml[categorie]['label']} ({n}{waarvan})"
        assert naam in overlays, naam
        assert re.search(rf"var {overlays[naam]} = L\.markerClusterGroup\(", kaart_html)
        assert sum(m["laag"] == naam for m in punten) == n
    assert buiten.sum() == 1  # the library of the neighbouring village
    # playgrounds and parks are off at start, the others on
    for naam, var in overlays.items():
        if naam.startswith("Voorzieningen: "):
            aan = f"{var}.addTo(map_" in kaart_html
            assert aan == (
                not naam.startswith(("Voorzieningen: Speelplek", "Voorzieningen: Park"))
            ), naam


def test_popup_van_een_voorziening(markers, gemeente):
    markt = next(m for m in markers if m["properties"]["naam"] == "Wijkcentrum De Markt")
    rij = gemeente.voorzieningen[gemeente.voorzieningen["naam"] == "Wijkcentrum De Markt"]
    assert markt["id"] == rij.index[0]
    assert markt["properties"]["popup"].split("<br>")[:2] == [
        "<b>Wijkcentrum De Markt</b>",
        "Ontmoeting / buurthuis",
    ]
    lon, lat = markt["geometry"]["coordinates"]
    p = rij.to_crs(settings.kaart_crs).geometry.iloc[0]
    assert lon == pytest.approx(p.x, abs=1e-6) and lat == pytest.approx(p.y, abs=1e-6)


def test_geen_gevoelige_voorziening_op_de_kaart(kaart_html, gemeente, markers):
    kaart_html = _zonder_regels(kaart_html)
    vz = gemeente.voorzieningen
    opvang = vz[vz["categorie"] == "opvang"]
    assert sorted(opvang["naam"]) == sorted(GEVOELIGE_NAMEN)  # the test data are what we think
    for naam in GEVOELIGE_NAMEN:
        assert naam not in kaart_html
        assert html.escape(naam) not in kaart_html
    assert "Opvang / beschermd wonen" not in kaart_html
    assert "maatschappelijke opvang" not in kaart_html.lower()
    # and no marker at their location either
    punten = opvang.to_crs(settings.kaart_crs)
    for p in punten.geometry:
        assert not any(
            abs(m["geometry"]["coordinates"][1] - p.y) < 1e-5
            and abs(m["geometry"]["coordinates"][0] - p.x) < 1e-5
            for m in markers
        )


def test_accommodaties_met_capaciteit_en_bezetting(markers, gemeente):
    acc = [m for m in markers if m["laag"] == "Accommodaties (IAB) (19)"]
    assert sorted(m["id"] for m in acc) == sorted(gemeente.accommodaties.index)
    markt = next(m for m in acc if m["id"] == "acc001")
    assert markt["properties"]["popup"].split("<br>") == [
        "<b>Wijkcentrum De Markt</b>",
        "Accommodatie (IAB)",
        "Functies: Ontmoeting / buurthuis, Welzijn / wijkteam",
        "Status: in gebruik",
        "Eigenaar: gemeente",
        "Bruto vloeroppervlak: 1.700 m²",
        "Capaciteit: 425",
        "Bezetting: 74%",
    ]
    leeg = next(m for m in acc if m["id"] == "acc018")
    assert "Status: leegstand" in leeg["properties"]["popup"]
    assert "Capaciteit: -" in leeg["properties"]["popup"]


def test_accommodatie_met_gevoelige_functie_verdwijnt_met_alles_wat_erbij_hoort(gemeente, analyse):
    """acc003 (Buurthuis De Molen) also houses opvang: the building, its functions and the
    facilities linked to it leave the map; the other accommodations stay."""
    acc = gemeente.accommodaties.copy()
    acc.loc["acc003", "functies"] = "ontmoeting;welzijn;opvang"
    vz = gemeente.voorzieningen.copy()
    gekoppeld = vz.index[vz["accommodatie_id"] == "acc003"]
    assert len(gekoppeld) == 1
    gewijzigd = dataclasses.replace(gemeente, accommodaties=acc)
    page = make_kaart(gewijzigd, analyse.hiaten).get_root().render()
    ids = {f["id"] for data, _ in _punten_lagen(page).values() for f in data["features"]}
    assert "acc003" not in ids and "acc003:welzijn" not in ids
    assert gekoppeld[0] not in ids
    assert "Buurthuis De Molen" not in page
    assert {"acc001", "acc002", "acc004"} <= ids
    assert "Accommodaties (IAB) (18)" in _overlays(page)


def test_eigen_profiel_verbergt_een_categorie(gemeente, analyse):
    page = (
        make_kaart(
            gemeente,
            analyse.hiaten,
            profiel=Publicatieprofiel(verberg_categorieen=frozenset({"huisarts"})),
        )
        .get_root()
        .render()
    )
    assert not [k for k in _overlays(page) if k.startswith("Voorzieningen: Huisarts")]
    assert "Huisarts (norm 1000 m)" not in _gegroepeerde_lagen(page, "Hiaat per voorziening")
    assert "Huisarts Kerkstraat" not in page


# --------------------------------------------------------------------------------------------
# title, synthetic label, provenance, background, controls
# --------------------------------------------------------------------------------------------


def test_synthetisch_in_titel_en_titelvak(soup):
    assert soup.title.get_text() == "Hiaten sociale basis - Rivierstad (synthetisch)"
    tekst = soup.find(id="gebiedsplan-titel").get_text(" ", strip=True)
    assert "Hiaten sociale basis - Rivierstad (synthetisch)" in tekst
    assert "Synthetische demogegevens, geen echte situatie." in tekst


def test_metagegevens_voor_de_index(soup):
    meta = {
        m["name"]: m["content"]
        for m in soup.find_all("meta")
        if m.get("name", "").startswith("gebiedsplan:")
    }
    assert meta == {
        "gebiedsplan:titel": "Hiaten sociale basis - Rivierstad (synthetisch)",
        "gebiedsplan:soort": "hiaten",
        "gebiedsplan:gemeente": "Rivierstad (synthetisch)",
        "gebiedsplan:peildatum": "2026",
        "gebiedsplan:opgehaald": "2026-01-01",
        "gebiedsplan:synthetisch": "ja",
    }


def test_attributie_noemt_herkomst_en_synthetisch(kaart_html):
    tekst = _attributie(kaart_html)
    assert "SYNTHETISCHE GEGEVENS" in tekst
    assert "gebiedsplan demo-generator" in tekst
    assert "CC0" in tekst


def test_bronnenpaneel_noemt_elke_laag_met_datum_en_de_publicatieregels(kaart_html, gemeente):
    paneel = BeautifulSoup(kaart_html, "html.parser").find("details", id="gebiedsplan-bronnen")
    assert paneel is not None and paneel.summary.get_text() == "Bronnen en datums"
    regels = [li.get_text(" ") for li in paneel.find_all("li")]
    # every layer the gap map draws from that the demo has (not groen or plannen), one source
    # each; the demo's wijkavond (inbreng) among them
    getekend = [laag for laag in KAARTLAGEN["hiaten"] if laag in gemeente.herkomst]
    assert "inbreng" in getekend and len(getekend) == len(KAARTLAGEN["hiaten"])
    assert sorted(r.split(":")[0].strip() for r in regels) == sorted(getekend)
    for laag in ("wijken", "voorzieningen", "vraagpunten", "netwerk"):
        regel = next(r for r in regels if r.startswith(laag))
        assert (
            "gebiedsplan demo-generator (synthetisch), gegevens van 2026-01-01, "
            "opgehaald 2026-01-01, CC0"
        ) in regel
    assert paneel.p.get_text().startswith("Publicatieregels: Opvang")


def _tegellagen(page: str) -> dict[str, dict[str, str]]:
    """Tile layer variable -> {'url', 'attribution'}."""
    lagen = {}
    for m in re.finditer(
        r"var (tile_layer_[0-9a-f]+) = L\.tileLayer\(\s*(\".*?\"),\s*\{(.*?)\n\}", page, re.S
    ):
        attr = re.search(r'"attribution"\s*:\s*(".*?(?<!\\)")', m.group(3))
        lagen[m.group(1)] = {
            "url": json.loads(m.group(2)),
            "attribution": json.loads(attr.group(1)) if attr else "",
        }
    return lagen


def test_achtergrond_pdok_brt_met_osm_als_reserve(kaart_html):
    m = re.search(r"base_layers\s*:\s*\{(.*?)\}", kaart_html, re.S)
    assert m
    basis = dict(re.findall(r'"([^"]+)"\s*:\s*(tile_layer_[0-9a-f]+)', m.group(1)))
    assert set(basis) == {"Achtergrondkaart (PDOK BRT)", "OpenStreetMap (reserve)"}
    tegels = _tegellagen(kaart_html)
    pdok = tegels[basis["Achtergrondkaart (PDOK BRT)"]]
    osm = tegels[basis["OpenStreetMap (reserve)"]]
    assert pdok["url"].startswith("https://service.pdok.nl/brt/achtergrondkaart/")
    assert "{z}/{x}/{y}" in pdok["url"]
    assert "Kadaster" in pdok["attribution"]
    assert re.match(r"https://([abc{}s.]*)?tile\.openstreetmap\.org/", osm["url"])
    assert "OpenStreetMap" in osm["attribution"]
    assert f"{basis['Achtergrondkaart (PDOK BRT)']}.addTo(" in kaart_html
    assert f"{basis['OpenStreetMap (reserve)']}.addTo(" not in kaart_html


def test_bediening_in_het_nederlands(kaart_html):
    assert 'zoomInTitle: "Inzoomen", zoomOutTitle: "Uitzoomen"' in kaart_html
    assert "L.control.scale({imperial: false})" in kaart_html
    assert '"zoomControl": false' in kaart_html  # Leaflet's English zoom buttons are off


def test_gebieden_op_de_kaart(kaart_html):
    for naam, soort in GEBIEDEN.items():
        assert f"{naam} ({soort})" in kaart_html, naam
    assert "Gebieden" in _overlays(kaart_html)


# --------------------------------------------------------------------------------------------
# the other kinds of map
# --------------------------------------------------------------------------------------------


def test_gebiedskaart_havenkwartier(gemeente, analyse):
    page = make_gebied_kaart(gemeente, analyse, "Havenkwartier").get_root().render()
    soup = BeautifulSoup(page, "html.parser")
    assert soup.title.get_text() == "Havenkwartier - hiaten per buurt"
    lagen = _lagen_per_groep(page, "Hiaat per voorziening (buurten)")
    assert len(lagen) == 10
    buurten = ["BU99990302", "BU99990303", "BU99990304"]  # the buurten of the plan area
    laag = lagen["Ontmoeting / buurthuis (norm 600 m)"]
    assert laag["aliases"][:3] == ["Buurt", "Buurtcode", "Ontmoeting / buurthuis in de buurt"]
    for f in laag["geojson"]["features"]:
        p = f["properties"]
        assert p["code"] in buurten
        rij = analyse.hiaten_buurt.loc[(p["code"], "ontmoeting")]
        assert p["score"] == pytest.approx(round(float(rij["hiaatscore"]), 1))
        assert p["naam"] == gemeente.buurten.loc[p["code"], "buurtnaam"]
    assert len(laag["geojson"]["features"]) == 3
    # the gap table of the gebied, as analyse.hiaten_gebied has it
    tabel = soup.find(id="gebiedsplan-tabel")
    assert tabel.summary.get_text() == "Hiaten in Havenkwartier"
    rijen = [[td.get_text() for td in tr.find_all("td")] for tr in tabel.find_all("tr")[1:]]
    assert len(rijen) == 10
    gebied = analyse.hiaten_gebied.xs("Havenkwartier", level=0)
    ontmoeting = gebied.loc["ontmoeting"]
    assert rijen[0] == [
        "Ontmoeting / buurthuis",
        str(int(ontmoeting["aantal_voorzieningen"])),
        f"{100 * ontmoeting['aandeel_binnen_norm']:.0f}%",
        str(int(ontmoeting["inwoners_buiten_norm"])),
        f"{ontmoeting['hiaatscore']:.0f}",
        "-",
    ]
    assert rijen[0][3] == "358" and rijen[0][4] == "98"  # the figures of the demo
    huisarts = next(r for r in rijen if r[0] == "Huisarts")
    tekort = gebied.loc["huisarts", "capaciteitstekort"]
    assert huisarts[5] == f"{tekort:.0f} {gebied.loc['huisarts', 'capaciteit_eenheid']}"
    # outline and housing plans
    assert "Gebied Havenkwartier" in _overlays(page)
    assert (
        "Woningbouw: fase 1 (gereed 2030): 2.400 woningen; fase 2 (gereed 2040): 4.600 woningen"
        in page
    )
    # zoomed to the gebied, not the whole gemeente
    m = re.search(
        r"fitBounds\(\s*\[\[([-0-9.]+),\s*([-0-9.]+)\],\s*\[([-0-9.]+),\s*([-0-9.]+)\]\]", page
    )
    zuid, west, noord, oost = (float(x) for x in m.groups())
    vlak = gpd.GeoSeries([gemeente.gebieden["Havenkwartier"].geometrie], crs=settings.crs)
    minx, miny, maxx, maxy = vlak.to_crs(settings.kaart_crs).total_bounds
    assert west <= minx and oost >= maxx and zuid <= miny and noord >= maxy
    assert oost - west < 0.05  # a few km, the gemeente is wider


def test_gebiedskaart_onbekend_gebied(gemeente, analyse):
    with pytest.raises(
        GemeenteError,
        match="gebied 'Rijnpark' staat niet in het gemeentebestand; bekend: Havenkwartier, Pilot Noord, Pilot Zuid",
    ):
        make_gebied_kaart(gemeente, analyse, "Rijnpark")


def test_gezondheidskaart(gemeente):
    page = make_gezondheid_kaart(gemeente).get_root().render()
    lagen = _lagen_per_groep(page, "Gezondheid")
    assert set(lagen) == {
        "Ervaren gezondheid goed of zeer goed (2024)",
        "Eenzaam (2024)",
        "Ernstig of zeer ernstig eenzaam (2024)",
        "Moeite met rondkomen (2024)",
        "Overgewicht (2024)",
        "Een of meer langdurige aandoeningen (2024)",
        "Hoog risico op angststoornis of depressie (2024)",
        "Mantelzorger (2024)",
    }
    gez = gemeente.gezondheid
    for indicator, naam, slecht in (
        ("eenzaam", "Eenzaam (2024)", "max"),
        ("ervaren_gezondheid_goed", "Ervaren gezondheid goed of zeer goed (2024)", "min"),
    ):
        features = {
            f["properties"]["code"]: f["properties"] for f in lagen[naam]["geojson"]["features"]
        }
        assert len(features) == 26
        bron = gez[gez["indicator"] == indicator].set_index("code")["waarde"]
        for code, w in bron.items():
            p = features[code]
            if pd.isna(w):  # the demo leaves buurten under 200 residents out, as RIVM
                assert p["waarde"] is None
                assert p["waarde_tekst"] == "niet gepubliceerd door de bron"
            else:
                assert p["waarde"] == pytest.approx(w)
                assert p["waarde_tekst"] == f"{w:.1f}%".replace(".", ",")
        # red is unfavourable: most lonely, least healthy
        ergste = bron.idxmax() if slecht == "max" else bron.idxmin()
        beste = bron.idxmin() if slecht == "max" else bron.idxmax()
        assert features[ergste]["_kleur"] == "#bd0026"
        assert features[beste]["_kleur"] == "#ffffb2"
    # one legend per indicator, shown only while its layer is on
    wissel = re.search(r"var paren = \[(.*?)\];", page).group(1)
    paren = dict(re.findall(r'\["([^"]+)", (feature_group_[0-9a-f]+)\]', wissel))
    groepen = _gegroepeerde_lagen(page, "Gezondheid")
    assert sorted(paren.values()) == sorted(groepen.values())
    eenzaam = next(k for k, v in paren.items() if v == groepen["Eenzaam (2024)"])
    assert _legenda(page, eenzaam)[-1] == "onderdrukt of niet gepubliceerd"


def test_gezondheidskaart_zonder_laag_of_indicator(gemeente):
    with pytest.raises(GebiedsplanError, match="Indicator roken staat niet in de laag gezondheid"):
        make_gezondheid_kaart(gemeente, indicatoren=["roken"])
    with pytest.raises(GebiedsplanError, match="heeft geen cijfers per wijk voor 18\\+"):
        make_gezondheid_kaart(gemeente, niveau="wijk")  # the demo has buurt figures only
    with pytest.raises(GemeenteError, match="heeft geen laag gezondheid"):
        make_gezondheid_kaart(dataclasses.replace(gemeente, gezondheid=None))


def test_groenkaart(gemeente, analyse):
    page = make_groen_kaart(gemeente, analyse.groen).get_root().render()
    lagen = _lagen_per_groep(page, "Groen")
    assert set(lagen) == {"Groen per wijk", "Groen per buurt"}
    # the map shows the zonal means of the raster (computed here on their own)
    for niveau, vlakken, aantal in (
        ("wijk", gemeente.wijken, 6),
        ("buurt", gemeente.buurten, 26),
    ):
        aandeel = compute_groen_aandeel(vlakken, gemeente.groen_raster)
        features = lagen[f"Groen per {niveau}"]["geojson"]["features"]
        assert len(features) == aantal
        for f in features:
            p = f["properties"]
            assert p["groen"] == pytest.approx(round(100 * aandeel[p["code"]], 1))
            assert p["groen_tekst"] == f"{100 * aandeel[p['code']]:.1f}%".replace(".", ",")
    assert _legenda(page, "legenda-groen")[0] == "0 - 10%"
    zonder = dataclasses.replace(gemeente, groen_raster=None)
    with pytest.raises(GemeenteError, match="GM9999 heeft geen groenraster"):
        make_groen_kaart(zonder, compute_groen(zonder))


def test_voorzieningenkaart(gemeente):
    page = make_voorzieningen_kaart(gemeente).get_root().render()
    overlays = _overlays(page)
    assert "Wijken" in overlays and "Accommodaties (IAB) (19)" in overlays
    assert "Voorzieningen: Huisarts (9)" in overlays
    assert "Opvang" not in _zonder_regels(page) and "opvang De Haven" not in page


# --------------------------------------------------------------------------------------------
# reach of one facility
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bereik(gemeente, analyse):
    vz = gemeente.voorzieningen
    vz_id = vz.index[vz["naam"] == "Wijkcentrum De Markt"][0]
    resultaat = compute_voorzieningbereik(gemeente, vz_id, netwerk=analyse.netwerk)
    page = make_bereik_kaart(gemeente, resultaat).get_root().render()
    return vz_id, page


def test_bereikkaart_toont_de_berekende_straten_en_inwoners(bereik, gemeente, analyse):
    vz_id, page = bereik
    punt = gemeente.voorzieningen.loc[vz_id].geometry
    stukken = compute_bereik(analyse.netwerk, punt, max_afstand_m=600)  # local norm of the demo
    overlays = _overlays(page)
    km = f"{stukken['lengte_m'].sum() / 1000:.1f}".replace(".", ",")
    naam = f"Straten binnen 600 m ({km} km)"
    assert naam in overlays
    (lijnen,) = [
        d
        for var, d in _geojson_lagen(page).items()
        if re.search(rf"{var}\.addTo\({overlays[naam]}\)", page)
    ]
    assert len(lijnen["features"]) == len(stukken)
    assert sum(f["properties"]["lengte_m"] for f in lijnen["features"]) == pytest.approx(
        float(stukken["lengte_m"].sum()), abs=0.1 * len(stukken)
    )
    # residents within 600 m: the same as a bounded count from this one facility
    enkel = gemeente.voorzieningen.loc[[vz_id]]
    a = connect_points(gemeente.vraagpunten, enkel, analyse.netwerk)
    tel = count_per_point(a, enkel["categorie"].to_numpy(), {"ontmoeting": [600.0]})
    inwoners = int(
        gemeente.vraagpunten["inwoners"].to_numpy()[tel[("ontmoeting", 600.0)] > 0].sum()
    )
    assert inwoners > 0
    tekst = f"{inwoners:,} inwoners wonen binnen die afstand".replace(",", ".")
    assert tekst in BeautifulSoup(page, "html.parser").find(id="gebiedsplan-titel").get_text()
    assert "Bereikbaar gebied (benadering)" in overlays
    assert "Wijkcentrum De Markt" in overlays


def test_bereikkaart_weigert_gevoelige_en_onbekende_voorziening(gemeente, analyse):
    opvang = gemeente.voorzieningen.index[gemeente.voorzieningen["categorie"] == "opvang"][0]
    # the analysis may compute the reach of a sensitive site; no map publishes it
    resultaat = compute_voorzieningbereik(
        gemeente, opvang, netwerk=analyse.netwerk, max_afstand_m=500
    )
    with pytest.raises(GebiedsplanError, match="niet gepubliceerd"):
        make_bereik_kaart(gemeente, resultaat)
    with pytest.raises(GebiedsplanError, match="niet gepubliceerd"):
        check_publishable_voorziening(gemeente, opvang)
    with pytest.raises(GebiedsplanError, match="bestaat niet in gemeente GM9999"):
        check_publishable_voorziening(gemeente, "vz9999")
    # a reach of a facility of another gemeente is not drawn on this one
    ander = dataclasses.replace(resultaat, voorziening_id="vz9999")
    with pytest.raises(GebiedsplanError, match="bestaat niet in gemeente GM9999"):
        make_bereik_kaart(gemeente, ander)


# --------------------------------------------------------------------------------------------
# scenario difference
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def scenario(gemeente, analyse):
    from gebiedsplan.analyse.scenario import compare_scenario, load_scenario

    verschil = compare_scenario(
        analyse, load_scenario(REPO / "wijken" / "scenarios" / "demo_sluit_havenhuis.yml", gemeente)
    ).verschil
    return verschil, make_scenario_kaart(gemeente, verschil).get_root().render()


def test_scenariokaart(scenario):
    verschil, page = scenario
    lagen = _lagen_per_groep(page, "Verschil per voorziening")
    assert set(lagen) == {"Ontmoeting / buurthuis", "Welzijn / wijkteam"}
    features = {
        f["properties"]["code"]: f["properties"]
        for f in lagen["Ontmoeting / buurthuis"]["geojson"]["features"]
    }
    assert len(features) == 6
    deel = verschil.xs("ontmoeting", level="categorie")
    for code, p in features.items():
        if code in deel.index:
            assert p["verschil"] == round(deel.loc[code, "inwoners_buiten_norm_verschil"])
        else:
            assert p["verschil"] == 0 and p["verschil_tekst"] == "geen verandering"
            assert p["_kleur"] == SCENARIO_KLEUREN[3]
    # closing the Havenhuis: 1.104 more outside the norm in Havenkwartier (classes of 500)
    haven = features["WK999903"]
    assert haven["verschil"] == 1104
    assert haven["verschil_tekst"] == "1.104 meer inwoners buiten de norm"
    assert haven["basis"] == "1.143" and haven["scenario"] == "2.247"
    assert haven["_kleur"] == SCENARIO_KLEUREN[6]
    assert features["WK999902"]["_kleur"] == SCENARIO_KLEUREN[4]  # +154
    assert _legenda(page, "legenda-scenario") == [
        "+1.000 of meer",
        "+500 tot +1.000",
        "+1 tot +500",
        "geen verandering",
        "-1 tot -500",
        "-500 tot -1.000",
        "-1.000 of meer",
    ]
    toelichting = BeautifulSoup(page, "html.parser").find(id="legenda-scenario").small.get_text()
    assert (
        toelichting == "rood: meer inwoners buiten de norm; blauw: minder inwoners buiten de norm"
    )


# --------------------------------------------------------------------------------------------
# writing: one self-contained file per map, and the index
# --------------------------------------------------------------------------------------------


def test_save_kaart_schrijft_een_zelfstandig_bestand(gemeente, analyse, tmp_path):
    doel = tmp_path / "kaarten" / "hiaten_GM9999.html"  # folder does not exist yet
    pad = save_kaart(make_kaart(gemeente, analyse.hiaten), doel)
    assert Path(pad) == doel and [p.name for p in doel.parent.iterdir()] == ["hiaten_GM9999.html"]
    tekst = doel.read_text(encoding="utf-8")
    assert tekst.lstrip().lower().startswith("<!doctype html>")
    soup = BeautifulSoup(tekst, "html.parser")
    assert soup.html["lang"] == "nl"
    assert soup.title.get_text() == "Hiaten sociale basis - Rivierstad (synthetisch)"
    # nothing is loaded from the internet: no script or stylesheet with an address
    assert not soup.find_all("script", src=True)
    assert not soup.find_all("link", href=True)
    assert not re.search(r"<(script|link)[^>]+(src|href)=[\"']?(https?:)?//", tekst)
    # the libraries are inline, once each; nothing the map does not use
    assert tekst.count('t.version="1.9.3"') == 1  # Leaflet
    assert tekst.count("L.MarkerClusterGroup=L.FeatureGroup.extend") == 1
    assert tekst.count("L.Control.GroupedLayers") >= 1
    for weg in ("jquery", "bootstrap", "fontawesome", "awesome-markers", "d3.min"):
        assert weg not in tekst.lower(), weg
    assert len(tekst.encode("utf-8")) < 1_000_000  # the demo map, all layers: about 0.5 MB
    meta = read_page_meta(doel)
    assert (
        meta["soort"] == "hiaten"
        and meta["gepubliceerd"] == pd.Timestamp.today().date().isoformat()
    )


def test_save_kaart_laat_bij_fout_het_oude_bestand_staan(gemeente, analyse, tmp_path, monkeypatch):
    kaart = make_kaart(gemeente, analyse.hiaten)
    doel = tmp_path / "hiaten_GM9999.html"
    doel.write_text("oude kaart", encoding="utf-8")
    echt = Path.write_text

    def kapot(self, data, *args, **kwargs):
        echt(self, data[:100], *args, **kwargs)
        raise OSError("schijf vol")

    monkeypatch.setattr(Path, "write_text", kapot)
    with pytest.raises(OSError, match="schijf vol"):
        save_kaart(kaart, doel)
    monkeypatch.undo()
    assert doel.read_text(encoding="utf-8") == "oude kaart"
    assert [p.name for p in tmp_path.iterdir()] == ["hiaten_GM9999.html"]


def test_index_van_gepubliceerde_kaarten(gemeente, analyse, scenario, tmp_path):
    save_kaart(make_kaart(gemeente, analyse.hiaten), tmp_path / "hiaten.html")
    save_kaart(make_groen_kaart(gemeente, analyse.groen), tmp_path / "groen.html")
    save_kaart(make_scenario_kaart(gemeente, scenario[0]), tmp_path / "scenario.html")
    soup = BeautifulSoup(write_index(tmp_path).read_text(encoding="utf-8"), "html.parser")
    rijen = {
        tr.a["href"]: [td.get_text(" ", strip=True) for td in tr.find_all("td")]
        for tr in soup.tbody.find_all("tr")
    }
    vandaag = pd.Timestamp.today().date().isoformat()
    assert rijen == {
        "groen.html": [
            "Groen per wijk en buurt - Rivierstad (synthetisch) synthetisch",
            "Groenkaart",
            "Rivierstad (synthetisch)",
            "2026",
            "2026-01-01",
            vandaag,
        ],
        "hiaten.html": [
            "Hiaten sociale basis - Rivierstad (synthetisch) synthetisch",
            "Hiatenkaart",
            "Rivierstad (synthetisch)",
            "2026",
            "2026-01-01",
            vandaag,
        ],
        "scenario.html": [
            "Scenario: verschil per wijk - Rivierstad (synthetisch) synthetisch",
            "Scenariokaart",
            "Rivierstad (synthetisch)",
            "2026",
            "2026-01-01",
            vandaag,
        ],
    }


# --------------------------------------------------------------------------------------------
# provenance of a real gemeente with one fictitious register: the layer is named, not the gemeente
# --------------------------------------------------------------------------------------------

ECHT = Herkomst("CBS Wijk- en Buurtkaart 2022", "2026-12-02", "CC BY 4.0", peildatum="2022")
OSM = Herkomst("OpenStreetMap (poi_2025.geojson)", "2026-12-02", "ODbL 1.0", peildatum="2025")
FICTIEF = Herkomst(
    "Voorbeeldregister Teststad (fictief)", "2025-01-01", "CC0", synthetisch=True, peildatum="2025"
)


@pytest.fixture(scope="module")
def echte_gemeente(gemeente):
    """The demo's layers with real-looking provenance, but for one fictitious facility register."""
    herkomst = {naam: ECHT for naam in gemeente.herkomst}
    herkomst["voorzieningen"] = combine_herkomst([OSM, FICTIEF])
    return dataclasses.replace(gemeente, naam="Teststad", herkomst=herkomst, synthetisch=False)


def test_map_of_real_layers_is_not_called_synthetic(echte_gemeente, tmp_path):
    assert echte_gemeente.titel == "Teststad"
    pad = save_kaart(make_gezondheid_kaart(echte_gemeente), tmp_path / "gezondheid.html")
    pagina = pad.read_text(encoding="utf-8")
    assert "synthetisch" not in pagina.lower() and "fictie" not in pagina.lower()
    soup = BeautifulSoup(pagina, "html.parser")
    paneel = soup.find("details", id="gebiedsplan-bronnen")
    lagen = [li.b.get_text() for li in paneel.ul.find_all("li", recursive=False)]
    assert lagen == ["wijken", "buurten", "gezondheid"]  # the layers this map draws from
    assert "Voorbeeldregister" not in _attributie(pagina)
    meta = read_page_meta(pad)
    assert "synthetisch" not in meta and meta["peildatum"] == "2022"


def test_demo_health_map_stays_synthetic(gemeente, tmp_path):
    pad = save_kaart(make_gezondheid_kaart(gemeente), tmp_path / "gezondheid.html")
    soup = BeautifulSoup(pad.read_text(encoding="utf-8"), "html.parser")
    assert soup.title.get_text() == "Gezondheid per buurt - Rivierstad (synthetisch)"
    titelvak = soup.find(id="gebiedsplan-titel").get_text(" ")
    assert "Synthetische demogegevens, geen echte situatie." in titelvak
    assert _attributie(pad.read_text(encoding="utf-8")).endswith("SYNTHETISCHE GEGEVENS.")
    assert read_page_meta(pad)["synthetisch"] == "ja"


def test_map_with_the_fictitious_register_names_that_layer_and_source(
    echte_gemeente, analyse, tmp_path
):
    pad = save_kaart(make_kaart(echte_gemeente, analyse.hiaten), tmp_path / "hiaten.html")
    pagina = pad.read_text(encoding="utf-8")
    soup = BeautifulSoup(pagina, "html.parser")
    assert soup.title.get_text() == "Hiaten sociale basis - Teststad"
    titelvak = soup.find(id="gebiedsplan-titel").get_text(" ")
    assert (
        "Let op: fictieve gegevens in laag voorzieningen (bron: Voorbeeldregister Teststad "
        "(fictief)); de andere bronnen zijn echt."
    ) in titelvak
    attributie = _attributie(pagina)
    assert attributie.endswith(
        "FICTIEVE GEGEVENS: voorzieningen (Voorbeeldregister Teststad (fictief))."
    )
    assert "SYNTHETISCH" not in attributie
    # the sources panel: both sources of the facilities with their dates, the register marked
    paneel = soup.find("details", id="gebiedsplan-bronnen")
    voorz = next(
        li for li in paneel.ul.find_all("li", recursive=False) if li.b.get_text() == "voorzieningen"
    )
    delen = [li.get_text(" ", strip=True) for li in voorz.ul.find_all("li")]
    assert delen[0].startswith(
        "OpenStreetMap (poi_2025.geojson), gegevens van 2025, opgehaald 2026-12-02"
    )
    assert delen[1].startswith("fictief : Voorbeeldregister Teststad (fictief), gegevens van 2025")
    meta = read_page_meta(pad)
    assert meta["synthetisch"] == "voorzieningen: Voorbeeldregister Teststad (fictief)"
    assert (meta["peildatum"], meta["opgehaald"]) == ("2022 t/m 2025", "2025-01-01 t/m 2026-12-02")
    # the index: the health map unmarked, the gap map with the fictitious layer named
    save_kaart(make_gezondheid_kaart(echte_gemeente), tmp_path / "gezondheid.html")
    index = BeautifulSoup(write_index(tmp_path).read_text(encoding="utf-8"), "html.parser")
    rijen = {
        tr.a["href"]: [td.get_text(" ", strip=True) for td in tr.find_all("td")]
        for tr in index.tbody.find_all("tr")
    }
    assert rijen["gezondheid.html"][0] == "Gezondheid per buurt - Teststad"
    assert rijen["gezondheid.html"][3:5] == ["2022", "2026-12-02"]
    assert rijen["hiaten.html"][0] == (
        "Hiaten sociale basis - Teststad fictief: voorzieningen: Voorbeeldregister Teststad (fictief)"
    )
    assert "synthetisch" not in index.tbody.get_text()


# --------------------------------------------------------------------------------------------
# coverage and completeness on the gap map
# --------------------------------------------------------------------------------------------


def test_withheld_wijk_is_grey_and_says_why(zonder_netwerk_oeverwijk):
    gemeente, zonder = zonder_netwerk_oeverwijk
    pagina = (
        make_kaart(gemeente, zonder.hiaten, volledigheid=zonder.volledigheid).get_root().render()
    )
    lagen = _lagen_per_groep(pagina, "Hiaat per voorziening")
    reden = zonder.hiaten.loc[("WK999904", "huisarts"), "reden"]
    for naam, laag in lagen.items():
        # (capacity and equity, where the gap table has them, come between these two)
        assert laag["aliases"][-1] == "Hiaatscore", naam
        assert laag["aliases"][6] == "Inwoners geanalyseerd", naam
        per_wijk = {f["properties"]["code"]: f["properties"] for f in laag["geojson"]["features"]}
        oever = per_wijk["WK999904"]
        assert oever["score"] is None and oever["_kleur"] == "#d9d9d9"
        assert oever["score_tekst"] == f"geen: {reden}"
        assert oever["geanalyseerd"] == "0 (0%)"
        assert per_wijk["WK999903"]["score"] is not None
    # the legend names the thin layer with its count, expected count and source
    assert _legenda(pagina, "legenda-volledigheid") == [
        "Kinderopvang: 8 in de gemeente, verwacht ca. 27, mogelijk onvolledig onder 13 "
        "(DUO Landelijk Register Kinderopvang en Ministerie van SZW 2022)"
    ]
    assert "Kinderopvang (norm 1000 m) - laag mogelijk onvolledig" in lagen


def test_gebied_map_panel_says_why_there_is_no_score(zonder_netwerk_oeverwijk):
    gemeente, zonder = zonder_netwerk_oeverwijk
    pagina = make_gebied_kaart(gemeente, zonder, "Pilot Zuid").get_root().render()
    paneel = BeautifulSoup(pagina, "html.parser").find(id="gebiedsplan-tabel")
    tekst = " ".join(paneel.get_text(" ").split())
    reden = zonder.hiaten_gebied.loc[("Pilot Zuid", "huisarts"), "reden"]
    assert f"Geen hiaatscore: {reden}." in tekst
    assert "* voorzieningenlaag mogelijk onvolledig" in tekst
    scores = [tr.find_all("td")[4].get_text() for tr in paneel.find_all("tr")[1:]]
    assert set(scores) == {"geen"}
