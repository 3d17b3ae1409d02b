"""The interactive gap map (gebiedsplan.kaarten): content, privacy, provenance, escaping, writing.

The map HTML is rendered once per module from the demo gemeente Rivierstad and inspected as
HTML (BeautifulSoup) and through the GeoJSON, layer controls and markers embedded in its script.
"""

from __future__ import annotations

import dataclasses
import html
import json
import re
from pathlib import Path

import pandas as pd
import pytest
import yaml
from bs4 import BeautifulSoup

from gebiedsplan import settings
from gebiedsplan.gemeente import effective_voorzieningen
from gebiedsplan.kaarten import make_kaart, save_kaart

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
# fixtures (module scope: the demo is built, analysed and rendered once)
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
    """Non-sensitive categories (code -> Dutch label), in catalogue order."""
    return {c: v["label"] for c, v in categorieen_yml.items() if not v.get("gevoelig", False)}


def _geojson_lagen(page: str) -> dict[str, dict]:
    """Every GeoJSON object embedded in the page, by the folium variable name it is added to."""
    decoder = json.JSONDecoder()
    lagen = {}
    for m in re.finditer(r"(geo_json_[0-9a-f]+)_add\(", page):
        data, _ = decoder.raw_decode(page, m.end())
        lagen[m.group(1)] = data
    return lagen


def _gegroepeerde_lagen(page: str) -> dict[str, str]:
    """Layer name -> feature group variable, of the 'Hiaat per voorziening' grouped control."""
    m = re.search(r'"Hiaat per voorziening"\s*:\s*\{(.*?)\}', page, re.S)
    assert m, "geen groep 'Hiaat per voorziening' in de lagenknop"
    return dict(re.findall(r'"([^"]+)"\s*:\s*(feature_group_[0-9a-f]+)', m.group(1)))


@pytest.fixture(scope="module")
def choropleten(kaart_html) -> dict[str, dict]:
    """Choropleth layer name (as in the grouped control) -> {'geojson', 'aliases'}."""
    groepen = _gegroepeerde_lagen(kaart_html)
    per_groep = {}
    for var, data in _geojson_lagen(kaart_html).items():
        m = re.search(rf"{var}\.addTo\((feature_group_[0-9a-f]+)\)", kaart_html)
        assert m, f"{var} is aan geen laag toegevoegd"
        a = re.search(rf"{var}\.bindTooltip\(.*?let aliases = (\[.*?\]);", kaart_html, re.S)
        per_groep[m.group(1)] = {"geojson": data, "aliases": json.loads(a.group(1)) if a else None}
    return {naam: per_groep[groep] for naam, groep in groepen.items()}


@pytest.fixture(scope="module")
def markers(kaart_html) -> list[tuple[float, float]]:
    return [
        (float(lat), float(lon))
        for lat, lon in re.findall(
            r"L\.circleMarker\(\s*\[\s*([-0-9.eE]+)\s*,\s*([-0-9.eE]+)\s*\]", kaart_html
        )
    ]


def _attributie(page: str) -> str:
    teksten = [json.loads(t) for t in re.findall(r"addAttribution\((\".*?\")\);", page)]
    assert len(teksten) == 1, teksten
    return teksten[0]


# --------------------------------------------------------------------------------------------
# choropleth of the gaps
# --------------------------------------------------------------------------------------------


def test_een_choropleet_per_geanalyseerde_categorie_met_nederlandse_labels(
    choropleten, geanalyseerd, gemeente
):
    assert len(geanalyseerd) == 10
    verwacht = {
        f"{label} (norm {gemeente.normen[c].max_afstand_m:.0f} m)"
        for c, label in geanalyseerd.items()
    }
    assert set(choropleten) == verwacht
    assert len(choropleten) == 10
    # the local norm of wijken/demo.yml (600 m instead of the catalogue's) is in the layer name
    assert "Ontmoeting / buurthuis (norm 600 m)" in choropleten
    assert "Huisarts (norm 1000 m)" in choropleten
    assert "Park / groen (norm 300 m)" in choropleten


def test_choropleet_tooltips_zijn_nederlands(choropleten, geanalyseerd):
    labels = set(geanalyseerd.values())
    for naam, laag in choropleten.items():
        aliases = laag["aliases"]
        assert aliases is not None, naam
        assert aliases[:2] == ["Wijk", "Wijkcode"], naam
        assert aliases[-1] == "Hiaatscore", naam
        assert aliases[2].endswith(" in de wijk") and aliases[2][: -len(" in de wijk")] in labels
        assert naam.startswith(aliases[2][: -len(" in de wijk")])


def test_elke_wijk_staat_in_elke_choropleet(choropleten):
    for naam, laag in choropleten.items():
        features = laag["geojson"]["features"]
        gevonden = {f["properties"]["wijkcode"]: f["properties"]["wijk"] for f in features}
        assert len(features) == 6, naam
        assert gevonden == WIJKEN, naam
        for f in features:
            assert f["geometry"]["type"] == "Polygon"
            lon, lat = f["geometry"]["coordinates"][0][0]
            # drawn in WGS84 (Flevoland), not in RD metres
            assert 5.0 < lon < 6.5 and 52.0 < lat < 53.0


def test_choropleet_waarden_komen_uit_de_hiatentabel(choropleten, geanalyseerd, analyse):
    hiaten = analyse.hiaten
    for categorie, label in geanalyseerd.items():
        (laag,) = [v for k, v in choropleten.items() if k.startswith(f"{label} (norm ")]
        for f in laag["geojson"]["features"]:
            p = f["properties"]
            rij = hiaten.loc[(p["wijkcode"], categorie)]
            if pd.isna(rij["hiaatscore"]):
                assert p["score"] is None and p["score_tekst"] == "geen inwoners"
            else:
                assert p["score"] == pytest.approx(round(float(rij["hiaatscore"]), 1))
                assert p["score_tekst"] == f"{rij['hiaatscore']:.0f}"
            assert p["aantal"] == str(int(rij["aantal_voorzieningen"]))


def test_bekende_hiaten_van_de_demo_zichtbaar(choropleten):
    """Oeverwijk has no meeting place: its ontmoeting score on the map is high (>= 75, red)."""
    laag = choropleten["Ontmoeting / buurthuis (norm 600 m)"]
    oever = next(
        f for f in laag["geojson"]["features"] if f["properties"]["wijkcode"] == "WK999904"
    )
    assert oever["properties"]["aantal"] == "0"
    assert oever["properties"]["score"] >= 75


# --------------------------------------------------------------------------------------------
# facilities: all non-sensitive ones, none of the sensitive ones
# --------------------------------------------------------------------------------------------


def test_alle_niet_gevoelige_voorzieningen_op_de_kaart(
    kaart_html, gemeente, categorieen_yml, markers
):
    gevoelig = {c for c, v in categorieen_yml.items() if v.get("gevoelig", False)}
    vz = effective_voorzieningen(gemeente)  # the layer plus the functions of accommodations
    assert len(vz) == len(gemeente.voorzieningen) + 13
    publiek = vz[~vz["categorie"].isin(gevoelig)]
    assert len(publiek) == len(vz) - 2  # the demo has two sensitive facilities
    for naam in publiek["naam"].unique():
        assert f"<b>{html.escape(naam)}</b>" in kaart_html, naam
    assert len(markers) == len(publiek)


def test_geen_gevoelige_voorziening_op_de_kaart(kaart_html, gemeente, markers):
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
        assert not any(abs(lat - p.y) < 1e-6 and abs(lon - p.x) < 1e-6 for lat, lon in markers)


# --------------------------------------------------------------------------------------------
# title, synthetic label, provenance, background
# --------------------------------------------------------------------------------------------


def test_synthetisch_in_titel(soup):
    assert soup.title is not None
    assert "synthetisch" in soup.title.get_text().lower()
    assert soup.title.get_text() == "Hiaten sociale basis - Rivierstad (synthetisch)"


def test_synthetisch_in_titelvak(soup):
    vak = soup.find(id="gebiedsplan-titel")
    assert vak is not None
    tekst = vak.get_text(" ", strip=True)
    assert "Hiaten sociale basis - Rivierstad (synthetisch)" in tekst
    assert "Synthetische demogegevens, geen echte situatie." in tekst


def test_attributie_noemt_herkomst_en_synthetisch(kaart_html):
    tekst = _attributie(kaart_html)
    assert "synthetisch" in tekst.lower()
    assert "SYNTHETISCHE GEGEVENS" in tekst
    assert "gebiedsplan demo-generator" in tekst
    assert "CC0" in tekst


def test_bronnenpaneel_noemt_elke_laag_met_datum(kaart_html):
    paneel = BeautifulSoup(kaart_html, "html.parser").find("details", id="gebiedsplan-bronnen")
    assert paneel is not None and paneel.summary.get_text() == "Bronnen en datums"
    regels = [li.get_text(" ") for li in paneel.find_all("li")]
    assert len(regels) == 9  # every layer of the demo store
    for laag in ("wijken", "voorzieningen", "vraagpunten", "netwerk"):
        regel = next(r for r in regels if r.startswith(laag))
        assert "gebiedsplan demo-generator (synthetisch), 2026-01-01, CC0" in regel


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
    # PDOK is on at start, OpenStreetMap only when chosen
    assert f"{basis['Achtergrondkaart (PDOK BRT)']}.addTo(" in kaart_html
    assert f"{basis['OpenStreetMap (reserve)']}.addTo(" not in kaart_html


def test_gebieden_op_de_kaart(kaart_html):
    for naam, soort in GEBIEDEN.items():
        assert f"{naam} ({soort})" in kaart_html, naam
    assert '"Gebieden" : feature_group_' in kaart_html


# --------------------------------------------------------------------------------------------
# hostile data
# --------------------------------------------------------------------------------------------


def _met_namen(gemeente, namen: dict[str, str]):
    """The gemeente with some (non-sensitive) facilities renamed; the original is not changed."""
    vz = gemeente.voorzieningen.copy()
    for oud, nieuw in namen.items():
        assert (vz["naam"] == oud).sum() == 1, oud
        vz.loc[vz["naam"] == oud, "naam"] = nieuw
    return dataclasses.replace(gemeente, voorzieningen=vz)


def test_vijandige_namen_worden_geescaped(gemeente, analyse):
    vijandig = _met_namen(
        gemeente,
        {
            "Wijkcentrum De Markt": "<script>alert(1)</script>",
            "Huisarts Kerkstraat": '" onerror="x',
        },
    )
    page = make_kaart(vijandig, analyse.hiaten).get_root().render()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert '" onerror="x' not in page
    assert "&quot; onerror=&quot;x" in page
    scripts = BeautifulSoup(page, "html.parser").find_all("script")
    assert not any((s.string or "").strip() == "alert(1)" for s in scripts)
    # the original gemeente is untouched
    assert "Wijkcentrum De Markt" in set(gemeente.voorzieningen["naam"])


def test_naam_met_dollar_accolade_voert_geen_code_uit(gemeente, analyse):
    """Popups and tooltips go into JavaScript template literals (`...`) in folium's output: a
    name containing ``${...}`` must not be evaluated as JavaScript when the page loads."""
    vijandig = _met_namen(gemeente, {"Buurthuis De Linde": "${alert(document.cookie)}"})
    page = make_kaart(vijandig, analyse.hiaten).get_root().render()
    assert "${alert(document.cookie)}" not in page


def test_naam_met_backtick_breekt_niet_uit_templateliteral(gemeente, analyse):
    """A backtick in a name must not end folium's JavaScript template literal (tooltip)."""
    vijandig = _met_namen(gemeente, {"Huisarts Lindenlaan": "Huisarts `De Hoek`"})
    page = make_kaart(vijandig, analyse.hiaten).get_root().render()
    assert "`De Hoek`" not in page


# --------------------------------------------------------------------------------------------
# writing
# --------------------------------------------------------------------------------------------


def test_save_kaart_schrijft_atomair(gemeente, analyse, tmp_path):
    kaart = make_kaart(gemeente, analyse.hiaten)
    doel = tmp_path / "kaarten" / "hiaten_GM9999.html"  # folder does not exist yet
    pad = save_kaart(kaart, doel)
    assert Path(pad) == doel
    assert doel.is_file()
    tekst = doel.read_text(encoding="utf-8")
    assert tekst.lstrip().lower().startswith("<!doctype html>")
    assert "<title>Hiaten sociale basis - Rivierstad (synthetisch)</title>" in tekst
    assert [p.name for p in doel.parent.iterdir()] == ["hiaten_GM9999.html"]
    assert not list(doel.parent.glob(".hiaten*"))

    # overwriting leaves one file too
    save_kaart(kaart, doel)
    assert [p.name for p in doel.parent.iterdir()] == ["hiaten_GM9999.html"]


def test_save_kaart_laat_bij_fout_het_oude_bestand_staan(gemeente, analyse, tmp_path):
    kaart = make_kaart(gemeente, analyse.hiaten)
    doel = tmp_path / "hiaten_GM9999.html"
    doel.write_text("oude kaart", encoding="utf-8")

    def kapot(pad, *args, **kwargs):
        Path(pad).write_text("half", encoding="utf-8")
        raise OSError("schijf vol")

    kaart.save = kapot
    with pytest.raises(OSError, match="schijf vol"):
        save_kaart(kaart, doel)
    assert doel.read_text(encoding="utf-8") == "oude kaart"
    assert [p.name for p in tmp_path.iterdir()] == ["hiaten_GM9999.html"]
    assert not list(tmp_path.glob(".hiaten*"))
