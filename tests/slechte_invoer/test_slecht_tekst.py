"""Hostile text in published files (issue 12, part 6).

Wijk and buurt names (through a boundary file, ``importeer --grenzen``), facility names and a
source name (through a register), a gemeente and gebied name (through a gemeente file) and
candidate names (``locatie --kandidaten``) carry formula prefixes (``=``, ``+``, ``-``, ``@``),
bidi-control and zero-width characters, or a script. Every command that writes a workbook or a
page runs once per module, through the command line, and succeeds (exit 0); each case is one
hostile name, and checks where it ends up:

- every Excel workbook written holds no formula: a cell whose text starts with a formula
  character is a text cell with Excel's quote prefix, and the name is there as written (minus
  invisible characters);
- no published page (maps, report, index) and no workbook holds a bidi-control or zero-width
  character, while the visible part of the name is on the page;
- a script in a name is shown as text, never as an element;
- the CSV for programs keeps a wijk name as data, exactly as it came (the documented choice).
"""

from __future__ import annotations

import re
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import openpyxl
import pytest
import shapely
import yaml
from bs4 import BeautifulSoup
from harnas import REPO, Werkmap, slaagt

#: Bidi controls and zero-width characters that must not reach a published file.
ONZICHTBAAR = re.compile("[\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]")
FORMULETEKENS = ("=", "+", "-", "@")
SCENARIO = REPO / "wijken" / "scenarios" / "demo_sluit_havenhuis.yml"
GEMEENTE = "-Rivier\u200bstad <script>alert('gm')</script>"
GEBIED = "=Haven\u202ekwartier"


@dataclass(frozen=True)
class Naam:
    id: str
    tekst: str
    #: what a page shows (escaped as the page has it, '&' not JSON-escaped)
    zichtbaar: str
    #: the cell's text, where it differs from what the page shows
    cel: str = ""
    #: where it comes from: a wijk or buurt (code) of the boundary file, or a facility (id)
    code: str = ""


def _lees(pagina: str) -> str:
    """A page with the JSON escape folium writes for '&' undone (its data are HTML-escaped)."""
    return pagina.replace("\\u0026", "&")


GEBIEDSNAMEN = [
    Naam(
        "wijk-formule-is",
        '=HYPERLINK("http://x.invalid/","Noordhoek")',
        "=HYPERLINK(&quot;http://x.invalid/&quot;,&quot;Noordhoek&quot;)",
        '=HYPERLINK("http://x.invalid/","Noordhoek")',
        code="WK999901",
    ),
    Naam("wijk-formule-plus", "+31 Oosthoek", "+31 Oosthoek", code="WK999902"),
    Naam("wijk-formule-min", "-Zuidhoek", "-Zuidhoek", code="WK999903"),
    Naam("wijk-formule-apenstaart", "@SOM(Westhoek)", "@SOM(Westhoek)", code="WK999904"),
    Naam(
        "wijk-formule-commando",
        "=cmd|' /C calc'!A0 Middenhoek",
        "=cmd|&#x27; /C calc&#x27;!A0 Middenhoek",
        "=cmd|' /C calc'!A0 Middenhoek",
        code="WK999905",
    ),
    Naam("wijk-bidi-override", "Rand\u202eKEOH\u202c", "RandKEOH", code="WK999906"),
    Naam("buurt-bidi-isolaten", "\u2067Buurt Een\u2069\u200e\u061c", "Buurt Een",
         code="BU99990101"),
    Naam("buurt-nulbreedte", "Buurt\u200b Twee\u2060\ufeff\u200d", "Buurt Twee",
         code="BU99990102"),
]  # fmt: skip

VOORZIENINGNAMEN = [
    Naam("vz-formule", '=HYPERLINK("http://x.invalid/","Zuidhoek")', "=HYPERLINK(&quot;http"),
    Naam("vz-script", "<script>alert('vz')</script>", "&lt;script&gt;alert(&#x27;vz&#x27;)"),
    Naam("vz-afbeelding", "<img src=x onerror=alert('vz')>", "&lt;img src=x onerror=alert("),
    Naam("vz-sjabloon", "`${alert('sjabloon')}`", "&#96;&#36;&#123;alert(&#x27;sjabloon"),
    Naam("vz-bidi", "Zuid\u202eKEOH\u202c\u2066x\u2069", "ZuidKEOHx"),
    Naam("vz-nulbreedte", "@Noord\u200bhoek\ufeff\u200c", "@Noordhoek"),
]
VZ_KOPPELING = """\
laag: voorzieningen
kolommen: {id: Nummer, naam: Naam, categorie: Soort}
waarden:
  categorie: {Buurthuis: ontmoeting}
vast: {bron: '=HYPERLINK("http://x.invalid/","bron")'}
locatie: {x: X, y: Y, crs: EPSG:28992}
herkomst: {bron: "+Register\u202e test", peildatum: "2025-01-01"}
"""
KANDIDATEN = ['=HYPERLINK("http://x.invalid/","kandidaat")', "+Kand\u202eidaat\u202c"]


def _register(werkmap: Werkmap) -> Path:
    regels = ["Nummer;Naam;Soort;X;Y"]
    for i, naam in enumerate(VOORZIENINGNAMEN):
        tekst = naam.tekst.replace('"', '""')
        regels.append(f'V-{i + 1};"{tekst}";Buurthuis;{174111 + 37 * i};{492677 + 41 * i}')
    return werkmap.bestand("vz.csv", "\n".join(regels) + "\n")


def _grenzen(werkmap: Werkmap) -> Path:
    """The demo's Wijk- en Buurtkaart (GeoPackage, layers wijken and buurten) with the hostile
    wijk and buurt names."""
    wijken = gpd.read_file(werkmap.store, layer="wijken")
    buurten = gpd.read_file(werkmap.store, layer="buurten")
    for naam in GEBIEDSNAMEN:
        if naam.code.startswith("WK"):
            wijken.loc[wijken["wijkcode"] == naam.code, "wijknaam"] = naam.tekst
        else:
            buurten.loc[buurten["buurtcode"] == naam.code, "buurtnaam"] = naam.tekst
    pad = werkmap.pad / "invoer" / "wijkenbuurten_2024.gpkg"
    wijken.to_file(pad, layer="wijken")
    buurten.to_file(pad, layer="buurten")
    return pad


def _gemeentebestand(werkmap: Werkmap) -> Path:
    data = yaml.safe_load((REPO / "wijken" / "demo.yml").read_text(encoding="utf-8"))
    data["naam"] = GEMEENTE
    assert data["gebieden"][0]["naam"] == "Havenkwartier"
    data["gebieden"][0]["naam"] = GEBIED
    return werkmap.bestand("vijandig.yml", yaml.safe_dump(data, allow_unicode=True))


@pytest.fixture(scope="module")
def vijandig(_sjabloon: Path, tmp_path_factory: pytest.TempPathFactory) -> Werkmap:
    """The demo with every hostile name imported, and every product made, once."""
    pad = tmp_path_factory.mktemp("tekst") / "werk"
    shutil.copytree(_sjabloon, pad)
    werkmap = Werkmap(pad)
    (pad / "invoer").mkdir()
    kand = pad / "invoer" / "kandidaten.gpkg"
    gpd.GeoDataFrame(
        {"naam": KANDIDATEN},
        geometry=[shapely.Point(174000, 493300), shapely.Point(173600, 493700)],
        crs="EPSG:28992",
    ).to_file(kand)
    invoer = {
        "grenzen": _grenzen(werkmap),
        "register": _register(werkmap),
        "koppeling": werkmap.bestand("vz.yml", VZ_KOPPELING),
        "gemeente": _gemeentebestand(werkmap),
    }
    rel = {k: str(v.relative_to(pad)) for k, v in invoer.items()}
    gemeente = rel["gemeente"]
    for args in (
        ["importeer", "--gemeente", "GM9999", "--jaar", "2024", "--grenzen", rel["grenzen"],
         "--register", rel["register"], "--koppeling", rel["koppeling"]],
        ["analyse", gemeente],
        ["hiaten", gemeente, "--niveau", "wijk"],
        ["hiaten", gemeente, "--niveau", "gebied"],
        ["scenario", str(SCENARIO), "--gemeente", gemeente],
        ["locatie", gemeente, "--categorie", "ontmoeting", "--kandidaten",
         str(kand.relative_to(pad))],
        ["kaart", gemeente, "--soort", "voorzieningen"],
        ["kaart", gemeente, "--soort", "gezondheid"],
        ["kaart", gemeente, "--soort", "gebied", "--gebied", GEBIED],
        ["rapport", gemeente, "--gebied", GEBIED, "--geen-pdf"],
        ["rapport", gemeente, "--gebied", "Pilot Noord", "--geen-pdf"],
    ):  # fmt: skip
        slaagt(werkmap.run(args))
    return werkmap


def _cellen(werkmap: Werkmap) -> list[tuple[str, openpyxl.cell.cell.Cell]]:
    cellen = []
    for pad in sorted((werkmap.pad / "uitvoer").glob("*.xlsx")):
        for blad in openpyxl.load_workbook(pad).worksheets:
            for rij in blad.iter_rows():
                cellen += [(f"{pad.name}/{blad.title}!{c.coordinate}", c) for c in rij]
    return cellen


def _pagina(werkmap: Werkmap, naam: str) -> str:
    return _lees((werkmap.pad / "maps" / naam).read_text(encoding="utf-8"))


def _zonder_bibliotheken(pagina: str) -> str:
    """A page without the vendored libraries (they contain '<script' in their own code)."""
    return re.sub(
        r"<(script|style)>/\* [^*]+ \(gebiedsplan/_static\) \*/.*?</\1>", "", pagina, flags=re.S
    )


def test_elke_excel_zonder_formule_en_zonder_onzichtbare_tekens(vijandig):
    werkbladen = {p.name for p in (vijandig.pad / "uitvoer").glob("*.xlsx")}
    assert werkbladen == {
        "hiaten_GM9999.xlsx",
        "hiaten_GM9999_wijk.xlsx",
        "hiaten_GM9999_gebied.xlsx",
        "scenario_sluit_havenhuis_GM9999.xlsx",
        "locatie_GM9999_ontmoeting_kandidaten_1.xlsx",
    }
    teksten = {}
    for waar, cel in _cellen(vijandig):
        assert cel.data_type != "f", (waar, cel.value)
        if isinstance(cel.value, str):
            teksten.setdefault(cel.value, waar)
            assert not ONZICHTBAAR.search(cel.value), (waar, cel.value)
            if cel.value.startswith(FORMULETEKENS):
                assert cel.data_type == "s" and cel.quotePrefix, (waar, cel.value)
    for pad in (vijandig.pad / "uitvoer").glob("*.xlsx"):  # the raw XML: no formula element
        with zipfile.ZipFile(pad) as z:
            for deel in z.namelist():
                if deel.startswith("xl/worksheets/"):
                    assert "<f>" not in z.read(deel).decode("utf-8"), (pad.name, deel)
    # the gebied (sheet 'Hiaten per gebied'), the candidates, the source (every 'Bronnen')
    for tekst in ("=Havenkwartier", KANDIDATEN[0], "+Kandidaat", "+Register test"):
        assert tekst in teksten, tekst


def test_elke_pagina_zonder_onzichtbare_tekens_en_zonder_elementen_uit_gegevens(vijandig):
    paginas = sorted((vijandig.pad / "maps").glob("*.html"))
    assert {"index.html", "voorzieningen_GM9999.html", "gezondheid_GM9999.html"} <= {
        p.name for p in paginas
    }
    assert len(paginas) == 7
    for pad in paginas:
        pagina = pad.read_text(encoding="utf-8")
        assert not ONZICHTBAAR.search(pagina), (pad.name, ONZICHTBAAR.findall(pagina)[:5])
        kaal = _zonder_bibliotheken(pagina)
        for stuk in ("<script>alert", "<img src=x"):
            assert stuk not in kaal, (pad.name, stuk)
        if not pad.name.startswith("gebiedsplan_"):  # maps: names go into JS template literals
            for stuk in ("${alert", "`$"):
                assert stuk not in kaal, (pad.name, stuk)
        soup = BeautifulSoup(pagina, "html.parser")
        assert not soup.find_all("img"), pad.name
        assert not any(a.startswith("on") for el in soup.find_all(True) for a in el.attrs)
    index = _pagina(vijandig, "index.html")
    assert "-Rivierstad &lt;script&gt;alert(&#x27;gm&#x27;)&lt;/script&gt;" in index
    rapport = next((vijandig.pad / "maps").glob("gebiedsplan_GM9999_haven*.html"))
    soup = BeautifulSoup(rapport.read_text(encoding="utf-8"), "html.parser")
    assert soup.title is not None and "=Havenkwartier" in soup.title.get_text()
    assert "<script>alert('gm')</script>" in soup.get_text()  # shown as text


@pytest.mark.parametrize("naam", GEBIEDSNAMEN, ids=[n.id for n in GEBIEDSNAMEN])
def test_wijk_of_buurtnaam_uit_grenzenbestand(vijandig, naam):
    """As a text cell in the hiaten workbook (per wijk or per buurt), visible on the map that
    shows it, and unchanged in the CSV (wijk names)."""
    cel = naam.cel or naam.zichtbaar
    gevonden = [c for _, c in _cellen(vijandig) if c.value == cel]
    assert gevonden
    assert all(c.data_type == "s" for c in gevonden)
    assert all(c.quotePrefix == cel.startswith(FORMULETEKENS) for c in gevonden)
    kaart = "hiaten_GM9999.html" if naam.code.startswith("WK") else "gezondheid_GM9999.html"
    assert naam.zichtbaar in _pagina(vijandig, kaart)
    if naam.code.startswith("WK"):
        # the Dutch CSV (default) is opened by Excel: visible text, a formula neutralised
        csv = (vijandig.pad / "uitvoer" / "hiaten_GM9999.csv").read_text(encoding="utf-8-sig")
        tekst = ("'" if cel.startswith(FORMULETEKENS) else "") + cel
        assert tekst.replace('"', '""') in csv
    else:
        assert naam.zichtbaar in _pagina(vijandig, "gebiedsplan_GM9999_pilot_noord.html")


@pytest.mark.parametrize("naam", VOORZIENINGNAMEN, ids=[n.id for n in VOORZIENINGNAMEN])
def test_voorzieningnaam_uit_register(vijandig, naam):
    """Shown as text (escaped, without invisible characters) in the popup and the tooltip of
    the facility map."""
    kaart = _pagina(vijandig, "voorzieningen_GM9999.html")
    assert kaart.count(naam.zichtbaar) >= 2
