"""Publishing (gebiedsplan.publiceren.profiel): the profile, suppression, escaping, self-contained pages
and the index of maps/.

The hostile-name test feeds names with ``<script>``, quotes, ``onerror=``, backticks, ``${...}``,
``</script>`` and backslashes into every text a map takes from data, renders every kind of map
and checks the raw HTML; ``tests/test_browser.py`` opens the same pages in Chromium.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import shutil
import subprocess
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from bs4 import BeautifulSoup

from gebiedsplan import kaarten
from gebiedsplan.errors import GebiedsplanError
from gebiedsplan.publiceren.index import write_index
from gebiedsplan.publiceren.pagina import (
    BIBLIOTHEKEN,
    LEAFLET_CSS,
    LEAFLET_JS,
    MARKERCLUSTER_JS,
    STATIC_DIR,
    escape_tekst,
    inline_static,
    publish_html,
    read_page_meta,
    zichtbare_tekst,
)
from gebiedsplan.publiceren.profiel import (
    Publicatieprofiel,
    hidden_categories,
    load_publicatieprofiel,
    publishable_accommodaties,
    publishable_voorzieningen,
    suppress_gezondheid,
)

REPO = Path(__file__).resolve().parents[1]

#: Payloads that would run or break the page if a text from data were not escaped.
VIJANDIG = {
    "script": "<script>alert(1)</script>",
    "quote": '" onerror="alert(2)',
    "img": "<img src=x onerror=alert(3)>",
    "backtick": "Huis `De Hoek`",
    "template": "${alert(4)}",
    "einde": "</script><script>alert(5)</script>",
    "backslash": "C:\\users\\x41 \\u{zz}",
    "enkel": "'; alert(6); '",
}


# --------------------------------------------------------------------------- escaping


@pytest.mark.parametrize("naam", list(VIJANDIG))
def test_escape_tekst_laat_geen_werkende_tekens_over(naam):
    uit = escape_tekst(VIJANDIG[naam])
    for teken in "<>\"'`$\\{}":
        assert teken not in uit, (naam, teken, uit)
    # the browser shows the original text again
    assert BeautifulSoup(f"<p>{uit}</p>", "html.parser").get_text() == VIJANDIG[naam]


ONZICHTBARE_TEKENS = (
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
    "\u200b\u200c\u200d\u2060\ufeff"
)


@pytest.mark.parametrize("teken", list(ONZICHTBARE_TEKENS), ids=lambda t: f"U+{ord(t):04X}")
def test_escape_tekst_haalt_bidi_en_nulbreedte_weg(teken):
    naam = f"Huis{teken}De Hoek{teken}<b>"
    assert escape_tekst(naam) == "HuisDe Hoek&lt;b&gt;"
    assert zichtbare_tekst(naam) == "HuisDe Hoek<b>"
    assert teken not in publish_html(f"<html><head></head><body>{teken}x</body></html>")
    assert zichtbare_tekst("a\u2028b\u2029c") == "a b c"


# --------------------------------------------------------------------------- the profile


def test_standaardprofiel_uit_catalogus():
    profiel = load_publicatieprofiel()
    assert profiel.min_inwoners_gezondheid == 100
    assert profiel.verberg_categorieen == frozenset()
    assert "vrouwenopvang" in profiel.verberg_namen
    assert "opvang" in profiel.bron.lower()
    # sensitive categories of categorieen.yml are always hidden, whatever the profile says
    assert hidden_categories(profiel) == {"opvang"}
    assert hidden_categories(Publicatieprofiel()) == {"opvang"}


def test_profiel_noemt_alle_fouten_tegelijk(tmp_path):
    pad = tmp_path / "publicatie.yml"
    pad.write_text(
        "min_inwoners_gezondheid: -5\n"
        "verberg_categorieen: [sport, zwembad]\n"
        "verberg_namen: ['(open']\n"
        "kleur: rood\n",
        encoding="utf-8",
    )
    with pytest.raises(GebiedsplanError) as fout:
        load_publicatieprofiel(pad)
    tekst = str(fout.value)
    assert str(pad) in tekst
    assert "onbekend veld kleur" in tekst
    assert "min_inwoners_gezondheid moet een geheel getal van 0 of meer zijn" in tekst
    assert "onbekende categorie 'zwembad'" in tekst
    assert "'(open' is geen reguliere expressie" in tekst
    assert tekst.count("\n  - ") == 4


def test_eigen_profiel_verbergt_extra_categorie(tmp_path):
    pad = tmp_path / "p.yml"
    pad.write_text("min_inwoners_gezondheid: 250\nverberg_categorieen: [speelplek]\n")
    profiel = load_publicatieprofiel(pad)
    assert profiel.min_inwoners_gezondheid == 250
    assert hidden_categories(profiel) == {"opvang", "speelplek"}


def _punten(rijen: list[dict]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        rijen, geometry=[shapely.Point(i, 0) for i in range(len(rijen))], crs="EPSG:28992"
    ).set_index("id")


def test_gevoelige_en_gekoppelde_locaties_worden_niet_gepubliceerd():
    accommodaties = _punten(
        [
            {"id": "a1", "naam": "Wijkcentrum Noord", "functies": "ontmoeting;welzijn"},
            {"id": "a2", "naam": "Pand Oost", "functies": "ontmoeting; opvang"},
            {"id": "a3", "naam": "Blijf van m'n Lijf Zuid", "functies": "welzijn"},
        ]
    )
    voorzieningen = _punten(
        [
            {"id": "v1", "naam": "Buurthuis", "categorie": "ontmoeting", "accommodatie_id": "a1"},
            {"id": "v2", "naam": "Huiskamer", "categorie": "ontmoeting", "accommodatie_id": "a2"},
            {"id": "v3", "naam": "De Haven", "categorie": "opvang", "accommodatie_id": None},
            {"id": "v4", "naam": "Kinderopvang 't Ukkie", "categorie": "kinderopvang"},
            {"id": "v5", "naam": "BESCHERMD  WONEN de Linde", "categorie": "welzijn"},
            {"id": "v6", "naam": "Inloop", "categorie": "welzijn", "accommodatie_id": "a3"},
        ]
    )
    profiel = load_publicatieprofiel()
    assert list(publishable_accommodaties(accommodaties, profiel=profiel).index) == ["a1"]
    publiek = publishable_voorzieningen(voorzieningen, profiel=profiel, accommodaties=accommodaties)
    # v2/v6: in a hidden accommodation; v3: sensitive category; v5: sensitive name.
    # 'Kinderopvang' contains 'opvang' but is no sensitive site.
    assert list(publiek.index) == ["v1", "v4"]


#: Free-text functions as registers (and stores imported before the vocabulary) have them.
GEVOELIGE_FUNCTIES = [
    "Buurthuis, vrouwenopvang",
    "Buurthuis; VROUWENOPVANG",
    "VROUWENOPVANG,Buurthuis",
    "beschermd  wonen",
    "Beschermd-Wonen / Wijkteam",
    "ontmoeting;beschermd_wonen",
    "Blijf-van-m'n-lijfhuis",
    "blijf van m\u2019n lijf",
    "Maatschappelijke  Opvang",
    "nachtopvang",
    "Sporthal, AZC",
    "asielzoekerscentrum",
    "vrouwen\u200bopvang",
    "begeleid wonen",
    "tijdelijke crisisopvang",  # an unknown phrase with a sensitive word
    "ontmoeting;opvang",
]
GEWONE_FUNCTIES = [
    "ontmoeting;welzijn",
    "Buurthuis, Wijkteam, CJG",
    "buitenschoolse opvang",
    "Kinderopvang",
    "onderwijs",
    "",
]


@pytest.mark.parametrize("functies", GEVOELIGE_FUNCTIES)
def test_gevoelige_functie_overal_in_de_lijst_verbergt_de_accommodatie(functies):
    accommodaties = _punten(
        [
            {"id": "a1", "naam": "Pand", "functies": functies, "eigenaar": "gemeente"},
            {"id": "a2", "naam": "Buurthuis", "functies": "ontmoeting", "eigenaar": "gemeente"},
        ]
    )
    voorzieningen = _punten(
        [
            {"id": "v1", "naam": "Inloop", "categorie": "welzijn", "accommodatie_id": "a1"},
            {"id": "v2", "naam": "Inloop", "categorie": "welzijn", "accommodatie_id": "a2"},
        ]
    )
    profiel = load_publicatieprofiel()
    assert list(publishable_accommodaties(accommodaties, profiel=profiel).index) == ["a2"]
    publiek = publishable_voorzieningen(voorzieningen, profiel=profiel, accommodaties=accommodaties)
    assert list(publiek.index) == ["v2"]


@pytest.mark.parametrize("functies", GEWONE_FUNCTIES)
def test_gewone_functies_blijven_zichtbaar(functies):
    accommodaties = _punten(
        [{"id": "a1", "naam": "Pand", "functies": functies, "eigenaar": "gemeente"}]
    )
    assert list(publishable_accommodaties(accommodaties).index) == ["a1"]


def test_gevoelige_woorden_in_naam_eigenaar_en_subcategorie():
    accommodaties = _punten(
        [
            {"id": "a1", "naam": "AZC De Haven", "functies": "ontmoeting", "eigenaar": "COA"},
            {
                "id": "a2",
                "naam": "Pand",
                "functies": "ontmoeting",
                "eigenaar": "Stichting Vrouwenopvang Rivierland",
            },
            {"id": "a3", "naam": "Vrouwenopvanghuis", "functies": "welzijn", "eigenaar": "x"},
            {
                "id": "a4",
                "naam": "BSO De Vlinder (buitenschoolse opvang)",
                "functies": "kinderopvang",
                "eigenaar": "Jazzclub Noord",
            },
        ]
    )
    assert list(publishable_accommodaties(accommodaties).index) == ["a4"]
    voorzieningen = _punten(
        [
            {"id": "v1", "naam": "De Linde", "categorie": "welzijn", "subcategorie": "Nachtopvang"},
            {"id": "v2", "naam": "Opvang De Brug", "categorie": "welzijn"},
            {"id": "v3", "naam": "De Eik", "categorie": "welzijn", "subcategorie": "wijkteam"},
            {"id": "v4", "naam": "Gastouderopvang Zon", "categorie": "kinderopvang"},
        ]
    )
    assert list(publishable_voorzieningen(voorzieningen).index) == ["v3", "v4"]


def test_woordenlijst_van_functies():
    """Every sensitive word the issue names is a sensitive function, in any spelling; every
    category is a function of its own name; a function word means one function only."""
    from gebiedsplan.catalogus import load_catalogus

    functies = load_catalogus().functies
    for woord in (
        "vrouwenopvang",
        "Blijf-van-mijn-lijfhuis",
        "maatschappelijke opvang",
        "NACHTOPVANG",
        "beschermd wonen",
        "Begeleid-Wonen",
        "azc",
        "Asielzoekerscentrum",
        "opvang",
        "daklozenopvang",
        "crisisopvang",
        "blijf van m\u2019n lijf",
    ):
        functie = functies.zoek(woord)
        assert functie is not None and functie.gevoelig, woord
        assert functie.categorie == "opvang" and functie.bron, woord
    assert functies.zoek("Buurthuis").naam == functies.zoek("wijk-centrum").naam == "ontmoeting"
    assert functies.zoek("BSO").naam == "kinderopvang"
    assert functies.zoek("onderwijs").categorie is None
    categorieen = load_catalogus().categorieen
    for code, categorie in categorieen.items():
        assert functies.functies[code].categorie == code
        assert functies.functies[code].gevoelig == categorie.gevoelig
    gevoelig = {n for n, f in functies.functies.items() if f.gevoelig}
    assert gevoelig == {
        "opvang",
        "vrouwenopvang",
        "maatschappelijke_opvang",
        "beschermd_wonen",
        "asielopvang",
    }
    assert functies.lees("Buurthuis; VROUWENOPVANG, Repetitiezaal") == (
        ["ontmoeting", "vrouwenopvang"],
        ["Repetitiezaal"],
    )


def test_woordenlijst_weigert_een_woord_bij_twee_functies(tmp_path):
    from gebiedsplan import settings
    from gebiedsplan.catalogus import load_catalogus

    shutil.copytree(settings.catalogus_dir, tmp_path / "cat")
    pad = tmp_path / "cat" / "functies.yml"
    pad.write_text(
        pad.read_text(encoding="utf-8")
        + "extra:\n  label: Extra\n  woorden: [Wijk-Centrum]\n"
        + "stil:\n  label: Stil\n  categorie: opvang\n  woorden: [stiltehuis]\n",
        encoding="utf-8",
    )
    with pytest.raises(GebiedsplanError) as fout:
        load_catalogus(tmp_path / "cat")
    tekst = str(fout.value)
    assert "het woord 'Wijk-Centrum' staat bij functie 'ontmoeting' en bij 'extra'" in tekst
    assert "functie 'stil' hoort bij de gevoelige categorie 'opvang'; zet gevoelig: true" in tekst


def test_onderdrukking_met_getallen_uit_de_hand():
    """Minimum 100: a buurt of 99 is suppressed, of 100 not; 65+ counts the 65+ residents;
    an unknown population is suppressed; a wijk uses the wijken layer, else its buurten."""
    buurten = pd.DataFrame(
        {
            "wijkcode": ["WK1", "WK1", "WK1", "WK2", "WK2"],
            "aantal_inwoners": [99, 100, 2500, np.nan, 60],
            "inwoners_65_jaar_en_ouder": [10, 20, 99, np.nan, 30],
        },
        index=["BU1", "BU2", "BU3", "BU4", "BU5"],
    )
    wijken = pd.DataFrame({"aantal_inwoners": [2699, np.nan]}, index=["WK1", "WK2"])
    gez = pd.DataFrame(
        {
            "code": ["BU1", "BU2", "BU3", "BU4", "BU3", "BU2", "WK1", "WK2", "GM1", "BU5"],
            "indicator": "eenzaam",
            "leeftijd": ["18+", "18+", "18+", "18+", "65+", "65+", "18+", "18+", "18+", "18+"],
            "waarde": [51.5, 47.2, 44.0, 39.9, 61.0, np.nan, 45.1, 50.0, 46.0, 48.8],
            "marge_onder": [40.0, 40.1, 41.0, 30.0, 55.0, np.nan, 43.0, 45.0, 44.0, 40.0],
        }
    )
    uit = suppress_gezondheid(gez, buurten, wijken=wijken, profiel=Publicatieprofiel())
    assert uit["publicatie"].tolist() == [
        "onderdrukt",  # BU1: 99 residents
        "gepubliceerd",  # BU2: exactly 100
        "gepubliceerd",  # BU3: 2500
        "onderdrukt",  # BU4: unknown
        "onderdrukt",  # BU3 65+: 99 residents of 65+
        "onderdrukt",  # BU2 65+: 20 (and no value at the source either)
        "gepubliceerd",  # WK1: 2699 from the wijken layer
        "onderdrukt",  # WK2: wijken layer unknown, its buurten: 60 known
        "gepubliceerd",  # GM1: sum of known buurten 2759
        "onderdrukt",  # BU5: 60
    ]
    assert uit["inwoners"].tolist()[:3] == [99, 100, 2500]
    assert uit["inwoners"].iloc[7] == 60 and uit["inwoners"].iloc[8] == 2759
    onderdrukt = uit["publicatie"] == "onderdrukt"
    assert uit.loc[onderdrukt, "waarde"].isna().all()
    assert uit.loc[onderdrukt, "marge_onder"].isna().all()
    assert uit.loc[~onderdrukt, "waarde"].tolist() == [47.2, 44.0, 45.1, 46.0]
    # the input is not changed
    assert gez["waarde"].iloc[0] == 51.5
    # a missing value of a large area is 'niet gepubliceerd' (by the source), not suppressed
    gez2 = pd.DataFrame({"code": ["BU3"], "indicator": "eenzaam", "waarde": [np.nan]})
    assert suppress_gezondheid(gez2, buurten, profiel=Publicatieprofiel())[
        "publicatie"
    ].tolist() == ["niet gepubliceerd"]
    # a stricter profile suppresses more
    streng = suppress_gezondheid(
        gez, buurten, wijken=wijken, profiel=Publicatieprofiel(min_inwoners_gezondheid=2600)
    )
    assert streng.loc[streng["publicatie"] == "gepubliceerd", "code"].tolist() == ["WK1", "GM1"]


def test_gezondheidskaart_toont_onderdrukte_waarden_niet(gemeente):
    """Buurt BU99990101 made small (80 residents): its values leave the page; others stay."""
    buurten = gemeente.buurten.copy()
    buurten.loc["BU99990101", "aantal_inwoners"] = 80
    klein = dataclasses.replace(gemeente, buurten=buurten)
    waarden = gemeente.gezondheid[gemeente.gezondheid["code"] == "BU99990101"]["waarde"]
    assert waarden.notna().all() and len(waarden) == 8  # published by the (synthetic) source
    kaart = kaarten.make_gezondheid_kaart(klein)
    pagina = kaart.get_root().render()
    lagen = _geojson_lagen(pagina)
    assert len(lagen) == 8 + 1  # one per indicator, plus the gebieden outlines
    gezien = 0
    for data in lagen.values():
        for f in data["features"]:
            p = f["properties"]
            if p.get("code") != "BU99990101":
                continue
            gezien += 1
            assert p["waarde"] is None
            assert p["waarde_tekst"] == "onderdrukt (minder dan 100 inwoners)"
            assert p["_kleur"] == kaarten.GEEN_WAARDE_KLEUR
            assert set(p) == {"naam", "code", "waarde", "waarde_tekst", "_kleur"}
    assert gezien == 8
    # the values of that buurt are nowhere in the page: each value occurs exactly as often
    # as other buurten have it in the layer
    alle = [f["properties"].get("waarde") for d in lagen.values() for f in d["features"]]
    anderen = gemeente.gezondheid[gemeente.gezondheid["code"] != "BU99990101"]["waarde"]
    for w in waarden:
        assert alle.count(float(w)) == int((anderen == w).sum()), w
    # with the original population the same buurt is published
    origineel = _geojson_lagen(kaarten.make_gezondheid_kaart(gemeente).get_root().render())
    eerste = next(iter(origineel.values()))
    f = next(f for f in eerste["features"] if f["properties"]["code"] == "BU99990101")
    assert f["properties"]["waarde"] == pytest.approx(float(waarden.iloc[0]))


def _zonder_bibliotheken(pagina: str) -> str:
    return re.sub(
        r"<script>/\* [^*]+ \(gebiedsplan/_static\) \*/.*?</script>", "", pagina, flags=re.S
    )


def _geojson_lagen(pagina: str) -> dict[str, dict]:
    decoder = json.JSONDecoder()
    lagen = {}
    for m in re.finditer(r"(geo_json_[0-9a-f]+)_add\(", pagina):
        data, _ = decoder.raw_decode(pagina, m.end())
        lagen[m.group(1)] = data
    return lagen


# --------------------------------------------------------------------------- self-contained pages


def test_inline_static_vervangt_cdn_door_meegeleverde_bestanden():
    pagina = (
        f'<html><head><script src="{LEAFLET_JS}"></script>\n'
        f'<link rel="stylesheet" href="{LEAFLET_CSS}"/></head><body></body></html>'
    )
    uit = inline_static(pagina)
    soup = BeautifulSoup(uit, "html.parser")
    assert not soup.find_all("script", src=True) and not soup.find_all("link")
    leaflet = (STATIC_DIR / "leaflet" / "leaflet.js").read_text(encoding="utf-8")
    assert leaflet.split("\n")[0] in uit  # the licence header of Leaflet 1.9.3
    assert 't.version="1.9.3"' in uit
    # the images of leaflet.css (layer control icon) are data URIs, nothing relative is left
    assert "url(images/" not in uit
    assert "url(data:image/png;base64," in uit
    assert "sourceMappingURL" not in uit
    assert len(soup.find_all("script")) == 1 and len(soup.find_all("style")) == 1


def test_inline_static_weigert_onbekende_bibliotheek():
    pagina = (
        '<script src="https://code.jquery.com/jquery-3.7.1.min.js"></script>'
        '<link rel="stylesheet" href="//cdn.example.org/x.css"/>'
    )
    with pytest.raises(GebiedsplanError) as fout:
        inline_static(pagina)
    tekst = str(fout.value)
    assert "https://code.jquery.com/jquery-3.7.1.min.js" in tekst
    assert "//cdn.example.org/x.css" in tekst
    assert "gebiedsplan/publiceren/_static" in tekst and "BIBLIOTHEKEN" in tekst


def test_meegeleverde_bestanden_met_licentie_en_readme():
    for naam in BIBLIOTHEKEN.values():
        assert (STATIC_DIR / naam).is_file(), naam
    licenties = {p.parent.name for p in STATIC_DIR.rglob("*LICEN*")}
    assert licenties == {"leaflet", "leaflet.markercluster", "leaflet-groupedlayercontrol"}
    readme = (STATIC_DIR / "README.md").read_text(encoding="utf-8")
    for pakket, versie in (
        ("leaflet", "1.9.3"),
        ("leaflet.markercluster", "1.1.0"),
        ("leaflet-groupedlayercontrol", "0.6.1"),
    ):
        assert re.search(rf"\| {re.escape(pakket)} \| {versie} \|", readme), pakket
    # no library contains the end of a script element (it is inlined in one)
    for naam in BIBLIOTHEKEN.values():
        assert "</script" not in (STATIC_DIR / naam).read_text(encoding="utf-8").lower()
    assert MARKERCLUSTER_JS in BIBLIOTHEKEN


def test_publish_html_zet_taal_en_datum():
    uit = publish_html(
        "<!DOCTYPE html>\n<html>\n<head>\n<title>x</title></head><body></body></html>",
        datum=dt.date(2026, 3, 1),
    )
    soup = BeautifulSoup(uit, "html.parser")
    assert soup.html["lang"] == "nl"
    assert soup.find("meta", attrs={"name": "gebiedsplan:gepubliceerd"})["content"] == "2026-03-01"
    # publishing again replaces the date, never adds a second one
    opnieuw = publish_html(uit, datum=dt.date(2026, 4, 2))
    assert opnieuw.count("gebiedsplan:gepubliceerd") == 1 and "2026-04-02" in opnieuw


# --------------------------------------------------------------------------- maps/index.html


def _pagina(
    titel: str, soort: str, gemeente: str, datum: str, *, synthetisch="", oud=False
) -> str:
    synth = f'<meta name="gebiedsplan:synthetisch" content="{synthetisch}">' if synthetisch else ""
    datums = (  # a page written before peildatum existed had only 'gegevens' (import dates)
        '<meta name="gebiedsplan:gegevens" content="2024-01-01">'
        if oud
        else '<meta name="gebiedsplan:peildatum" content="2020 t/m 2024">'
        '<meta name="gebiedsplan:opgehaald" content="2026-01-05">'
    )
    return (
        f'<!DOCTYPE html><html><head><meta name="gebiedsplan:gepubliceerd" content="{datum}">'
        f'<meta name="gebiedsplan:titel" content="{escape_tekst(titel)}">'
        f'<meta name="gebiedsplan:soort" content="{soort}">'
        f'<meta name="gebiedsplan:gemeente" content="{escape_tekst(gemeente)}">'
        f"{datums}{synth}"
        f"<title>{escape_tekst(titel)}</title></head><body></body></html>"
    )


def test_index_noemt_elke_pagina_met_datum(tmp_path):
    (tmp_path / "hiaten_GM0202.html").write_text(
        _pagina(
            "Hiaten Arnhem",
            "hiaten",
            "Arnhem",
            "2026-02-01",
            synthetisch="voorzieningen: Voorbeeldregister (fictief)",
        ),
        encoding="utf-8",
    )
    (tmp_path / "rapport_rijnpark.html").write_text(
        _pagina("Gebiedsplan Rijnpark", "rapport", "Arnhem", "2026-03-15", oud=True),
        encoding="utf-8",
    )
    (tmp_path / "demo.html").write_text(
        _pagina("Hiaten Rivierstad", "hiaten", "Rivierstad", "2026-02-01", synthetisch="ja"),
        encoding="utf-8",
    )
    (tmp_path / "oud.html").write_text("<html><head><title>Oude kaart</title></head></html>")
    (tmp_path / "notities.txt").write_text("geen pagina")
    pad = write_index(tmp_path)
    assert pad == tmp_path / "index.html"
    soup = BeautifulSoup(pad.read_text(encoding="utf-8"), "html.parser")
    assert soup.html["lang"] == "nl"
    assert [th.get_text() for th in soup.find_all("th")] == [
        "Titel",
        "Soort",
        "Gemeente",
        "Gegevens van",
        "Opgehaald/geïmporteerd",
        "Gepubliceerd",
    ]
    rijen = [
        [td.get_text(" ", strip=True) for td in tr.find_all("td")]
        for tr in soup.tbody.find_all("tr")
    ]
    oud_datum = dt.date.fromtimestamp((tmp_path / "oud.html").stat().st_mtime).isoformat()
    assert rijen == [
        ["Oude kaart", "pagina", "", "", "", oud_datum],  # no meta: title and file date
        # a page from before peildatum: its import dates under "opgehaald", no reference date
        ["Gebiedsplan Rijnpark", "Gebiedsplan (rapport)", "Arnhem", "", "2024-01-01", "2026-03-15"],
        [  # a real gemeente with a fictitious layer: that layer and source named, not synthetic
            "Hiaten Arnhem fictief: voorzieningen: Voorbeeldregister (fictief)",
            "Hiatenkaart",
            "Arnhem",
            "2020 t/m 2024",
            "2026-01-05",
            "2026-02-01",
        ],
        [
            "Hiaten Rivierstad synthetisch",
            "Hiatenkaart",
            "Rivierstad",
            "2020 t/m 2024",
            "2026-01-05",
            "2026-02-01",
        ],
    ]
    links = [a["href"] for a in soup.find_all("a")]
    assert links == ["oud.html", "rapport_rijnpark.html", "hiaten_GM0202.html", "demo.html"]
    # self-contained: no scripts, no external resources
    assert not soup.find_all("script") and not soup.find_all("link")
    # writing again does not list the index itself
    write_index(tmp_path)
    assert "index.html" not in pad.read_text(encoding="utf-8")


def test_index_escapet_titels_uit_gegevens(tmp_path):
    titel = VIJANDIG["script"] + VIJANDIG["img"]
    (tmp_path / "kaart.html").write_text(
        _pagina(titel, "hiaten", VIJANDIG["quote"], "2026-01-01"), encoding="utf-8"
    )
    assert read_page_meta(tmp_path / "kaart.html")["titel"] == titel
    tekst = write_index(tmp_path).read_text(encoding="utf-8")
    soup = BeautifulSoup(tekst, "html.parser")
    assert not soup.find_all("script") and not soup.find_all("img")
    assert not any(el.has_attr("onerror") for el in soup.find_all(True))
    cellen = [td.get_text() for td in soup.find_all("td")]
    assert cellen[0] == titel and cellen[2] == VIJANDIG["quote"]


# --------------------------------------------------------------------------- hostile names


def _vijandige_gemeente(gemeente):
    """The demo with hostile texts in every place a map takes text from data."""
    vz = gemeente.voorzieningen.copy()
    namen = iter(VIJANDIG.values())
    for categorie in ("ontmoeting", "huisarts", "basisschool", "sport", "welzijn", "bibliotheek"):
        i = vz.index[vz["categorie"] == categorie][0]
        vz.loc[i, "naam"] = next(namen)
    vz.loc[vz.index[vz["categorie"] == "kinderopvang"][0], "subcategorie"] = VIJANDIG["einde"]
    vz.loc[vz.index[vz["categorie"] == "jeugd_en_gezin"][0], "bron"] = VIJANDIG["backslash"]
    acc = gemeente.accommodaties.copy()
    acc.loc["acc001", "naam"] = VIJANDIG["img"] + VIJANDIG["template"]
    acc.loc["acc002", "eigenaar"] = VIJANDIG["quote"]
    wijken = gemeente.wijken.copy()
    wijken.loc["WK999901", "wijknaam"] = VIJANDIG["script"]
    wijken.loc["WK999904", "wijknaam"] = VIJANDIG["backtick"] + VIJANDIG["template"]
    buurten = gemeente.buurten.copy()
    buurten.loc["BU99990101", "buurtnaam"] = VIJANDIG["einde"]
    gebieden = dict(gemeente.gebieden)
    g = gebieden.pop("Pilot Noord")
    gebieden[VIJANDIG["quote"]] = dataclasses.replace(
        g, naam=VIJANDIG["quote"], soort=VIJANDIG["backslash"]
    )
    return dataclasses.replace(
        gemeente,
        naam=VIJANDIG["enkel"] + VIJANDIG["script"],
        voorzieningen=vz,
        accommodaties=acc,
        wijken=wijken,
        buurten=buurten,
        gebieden=gebieden,
    )


@pytest.fixture(scope="module")
def vijandige_paginas(gemeente, analyse):
    """Every kind of map of the hostile demo, as published HTML."""
    from gebiedsplan.analyse.run import run_analyse
    from gebiedsplan.analyse.scenario import compare_scenario, load_scenario
    from gebiedsplan.analyse.voorzieningbereik import compute_voorzieningbereik

    vijandig = _vijandige_gemeente(gemeente)
    basis = run_analyse(vijandig, netwerk=analyse.netwerk)
    verschil = compare_scenario(
        basis, load_scenario(REPO / "wijken" / "scenarios" / "demo_sluit_havenhuis.yml", vijandig)
    ).verschil
    vz_id = vijandig.voorzieningen.index[vijandig.voorzieningen["naam"] == VIJANDIG["script"]][0]
    return {
        "hiaten": kaarten.make_kaart(vijandig, basis.hiaten),
        "gebied": kaarten.make_gebied_kaart(vijandig, basis, "Havenkwartier"),
        "gezondheid": kaarten.make_gezondheid_kaart(vijandig),
        "groen": kaarten.make_groen_kaart(vijandig, basis.groen),
        "voorzieningen": kaarten.make_voorzieningen_kaart(vijandig),
        "bereik": kaarten.make_bereik_kaart(
            vijandig, compute_voorzieningbereik(vijandig, vz_id, netwerk=analyse.netwerk)
        ),
        "scenario": kaarten.make_scenario_kaart(vijandig, verschil),
    }


def _scripts(pagina: str) -> list[str]:
    return [s.string or "" for s in BeautifulSoup(pagina, "html.parser").find_all("script")]


def test_vijandige_namen_breken_de_pagina_niet(vijandige_paginas, tmp_path):
    for soort, kaart in vijandige_paginas.items():
        pad = kaarten.save_kaart(kaart, tmp_path / f"{soort}.html")
        pagina = pad.read_text(encoding="utf-8")
        kaal = _zonder_bibliotheken(pagina)
        for naam, tekst in VIJANDIG.items():
            assert tekst not in kaal, (soort, naam)
        for stuk in ("alert(1)</script>", "<img src=x", 'onerror="alert', "${alert", "`De Hoek`"):
            assert stuk not in kaal, (soort, stuk)
        soup = BeautifulSoup(pagina, "html.parser")
        # no element from data: only our own scripts, no img, no event handlers
        assert not soup.find_all("img"), soort
        assert not any(a.startswith("on") for el in soup.find_all(True) for a in el.attrs), soort
        assert not any(s.strip() in ("alert(1)", "alert(5)") for s in _scripts(pagina)), soort
        # the hostile gemeente name (or facility name) is the title, shown as plain text
        if soort != "gebied":
            assert VIJANDIG["script"] in soup.title.get_text(), soort


def test_vijandige_namen_staan_geescaped_in_de_gegevens(vijandige_paginas):
    pagina = vijandige_paginas["hiaten"].get_root().render()
    punten = _punten_lagen(pagina)
    namen = {f["properties"]["naam"] for data in punten.values() for f in data["features"]}
    assert escape_tekst(VIJANDIG["script"]) in namen
    assert escape_tekst(VIJANDIG["template"]) in namen
    popups = " ".join(
        f["properties"]["popup"] for data in punten.values() for f in data["features"]
    )
    assert escape_tekst(VIJANDIG["einde"]) in popups  # the subcategorie
    assert f"Bron: {escape_tekst(VIJANDIG['backslash'])}" in popups
    assert f"Eigenaar: {escape_tekst(VIJANDIG['quote'])}" in popups
    wijken = {
        f["properties"]["code"]: f["properties"]["naam"]
        for data in _geojson_lagen(pagina).values()
        for f in data["features"]
        if "code" in f["properties"]
    }
    assert wijken["WK999901"] == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert wijken["WK999904"] == "Huis &#96;De Hoek&#96;&#36;&#123;alert(4)&#125;"
    soup = BeautifulSoup(pagina, "html.parser")
    assert (
        soup.title.get_text()
        == f"Hiaten sociale basis - {VIJANDIG['enkel']}{VIJANDIG['script']} (synthetisch)"
    )


@pytest.mark.skipif(
    shutil.which("node") is None, reason="node ontbreekt (syntaxcontrole van de scripts)"
)
def test_scripts_van_vijandige_paginas_zijn_geldig_javascript(vijandige_paginas, tmp_path):
    """Every inline script of every map parses (node --check): no name broke a string or a
    template literal, so no script of the page is lost."""
    for soort, kaart in vijandige_paginas.items():
        for i, script in enumerate(_scripts(kaart.get_root().render())):
            if not script.strip():
                continue
            pad = tmp_path / f"{soort}_{i}.js"
            pad.write_text(script, encoding="utf-8")
            uitslag = subprocess.run(
                ["node", "--check", str(pad)], capture_output=True, text=True, timeout=30
            )
            assert uitslag.returncode == 0, (soort, i, uitslag.stderr[:500])


def _punten_lagen(pagina: str) -> dict[str, dict]:
    decoder = json.JSONDecoder()
    return {
        m.group(1): decoder.raw_decode(pagina, m.end())[0]
        for m in re.finditer(r"var (punten_[0-9a-f]+)_data = ", pagina)
    }
