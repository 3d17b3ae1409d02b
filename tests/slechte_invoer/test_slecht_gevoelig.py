"""Sensitive sites in every published product (issue 12, part 1).

One IAB accommodation register (CSV), a second one (Excel) and a facility register linked to
them go into the demo store through ``gebiedsplan importeer``; then every product is made through
the command line: the facility map, the gebied map, the hiaten map with its Excel, CSV and
GeoPackage (``analyse``), the gebied Excel (``hiaten --niveau gebied``), a scenario that opens a
new opvang and re-opens a closed sensitive site (scenario map, scenario Excel, the report with
its scenario section), and the index. The commands run once per module (they take seconds);
each case is one row of the registers, with its own name and coordinates, and checks

- that the store holds the row with its functions as the vocabulary's names (it still counts in
  the analysis),
- that no file written under ``maps/`` or ``uitvoer/`` shows it: not its name, not its RD
  coordinates (as text, or as doubles in a GeoPackage), not its WGS84 coordinates at map
  precision (a pair of numbers within about a metre, either order, as Leaflet and GeoJSON write
  them).

Control rows of the same registers must appear on the maps and in the report, and the layer
counts grow by the shown rows only, so no case passes because nothing was drawn. These commands
succeed (exit 0); the refusals at the end (an unknown function word, a koppeling that turns a
sensitive word into a public function, a reach map of a sensitive site) use the harness's
``weigert`` and leave everything unchanged.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import re
import shutil
import struct
import zipfile
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import openpyxl
import pyproj
import pytest
from harnas import Werkmap, slaagt, weigert

KOP = ["Nummer", "Naam", "Functies", "Eigenaar", "BVO", "Status", "X", "Y"]
VZ_KOP = ["Nummer", "Naam", "Soort", "Accommodatie", "X", "Y"]
KOPPELING = """\
laag: accommodaties
kolommen: {id: Nummer, naam: Naam, functies: Functies, eigenaar: Eigenaar, bvo_m2: BVO,
  status: Status}
waarden:
  status: {In gebruik: in_gebruik, Gesloten: gesloten}
{extra}lijst: {functies: ","}
locatie: {x: X, y: Y, crs: EPSG:28992}
herkomst: {bron: IAB-register test, peildatum: "2025-01-01"}
"""
VZ_KOPPELING = """\
laag: voorzieningen
kolommen: {id: Nummer, naam: Naam, categorie: Soort, accommodatie_id: Accommodatie}
waarden:
  categorie: {Inloop: welzijn, Buurthuis: ontmoeting}
vast: {bron: Welzijnsregister test}
locatie: {x: X, y: Y, crs: EPSG:28992}
"""
#: A local word of the gemeente, translated in its koppeling.
EIGEN_WOORD = "  functies: {Het Baken: beschermd_wonen}\n"
IMPORT = ["importeer", "--gemeente", "GM9999", "--jaar", "2024"]

_NAAR_WGS84 = pyproj.Transformer.from_crs("EPSG:28992", "EPSG:4326", always_xy=True)
_PAAR = re.compile(r"(-?\d{1,3}\.\d{4,})\s*,\s*(-?\d{1,3}\.\d{4,})")


def _xy(i: int) -> tuple[int, int]:
    """A point of its own in the Havenkwartier (x 174000-174600, y 492560-493990): no two
    rows share an x or a y."""
    return 174031 + 19 * i, 492637 + 29 * i + 301 * (i % 3)


@dataclass(frozen=True)
class Geval:
    """One register row: an accommodation (``soort`` iab or excel) or a facility (vz)."""

    id: str
    naam: str
    functies: str  # for a facility: its Soort
    #: the stored functies (accommodations) or categorie (facilities)
    opgeslagen: str
    soort: str = "iab"
    eigenaar: str = "gemeente"
    status: str = "In gebruik"
    accommodatie: str = ""
    verborgen: bool = True


GEVALLEN = [
    Geval(
        "vrouwenopvang-achteraan",
        "Huize Een",
        "Buurthuis, vrouwenopvang",
        "ontmoeting;vrouwenopvang",
    ),
    Geval(
        "hoofdletters-vooraan-puntkomma",
        "Huize Twee",
        "VROUWENOPVANG; Buurthuis",
        "vrouwenopvang;ontmoeting",
    ),
    Geval("beschermd-wonen-dubbele-spatie", "Huize Drie", "beschermd  wonen", "beschermd_wonen"),
    Geval(
        "koppelteken-en-schuine-streep",
        "Huize Vier",
        "Wijkteam / Beschermd-Wonen",
        "welzijn;beschermd_wonen",
    ),
    Geval("blijf-van-mijn-lijfhuis", "Huize Vijf", "Blijf-van-m'n-lijfhuis", "vrouwenopvang"),
    Geval(
        "krul-apostrof-midden",
        "Huize Zes",
        "Wijkcentrum, blijf van m\u2019n lijf, CJG",
        "ontmoeting;vrouwenopvang;jeugd_en_gezin",
    ),
    Geval(
        "maatschappelijke-opvang-excel",
        "Huize Zeven",
        "Wijkcentrum, Maatschappelijke  Opvang",
        "ontmoeting;maatschappelijke_opvang",
        soort="excel",
    ),
    Geval(
        "nachtopvang-excel", "Huize Acht", "NACHTOPVANG", "maatschappelijke_opvang", soort="excel"
    ),
    Geval("azc", "Huize Negen", "Sporthal, AZC", "sport;asielopvang"),
    Geval("asielzoekerscentrum", "Huize Tien", "asielzoekerscentrum", "asielopvang"),
    Geval(
        "nulbreedte-in-het-woord",
        "Huize Elf",
        "Buurthuis, vrouwen\u200bopvang\u202c",
        "ontmoeting;vrouwenopvang",
    ),
    Geval(
        "eigen-woord-via-koppeling",
        "Huize Twaalf",
        "Buurthuis, Het Baken",
        "ontmoeting;beschermd_wonen",
    ),
    Geval("kaal-opvang", "Huize Dertien", "Buurthuis,Opvang", "ontmoeting;opvang"),
    Geval("begeleid-wonen", "Huize Veertien", "begeleid wonen", "beschermd_wonen"),
    Geval(
        "gevoelige-eigenaar",
        "Huize Vijftien",
        "Buurthuis",
        "ontmoeting",
        eigenaar="Stichting Vrouwenopvang Rivierland",
    ),
    Geval("gevoelige-naam", "AZC De Haven", "Buurthuis", "ontmoeting"),
    Geval(
        "gesloten-en-in-scenario-heropend",
        "Huize Zestien",
        "Buurthuis, beschermd wonen",
        "ontmoeting;beschermd_wonen",
        status="Gesloten",
    ),
    Geval(
        "voorziening-in-gevoelige-accommodatie",
        "Inloop Verborgenhof",
        "Inloop",
        "welzijn",
        soort="vz",
        accommodatie="vrouwenopvang-achteraan",
    ),
    Geval(
        "voorzieningenregister-soort-vrouwenopvang",
        "Het Schuilhuis",
        "Vrouwenopvang",
        "opvang",
        soort="vz",
    ),
    # controls: shown everywhere
    Geval("controle-buurthuis", "Wijkpost Zichtbaar", "Buurthuis", "ontmoeting", verborgen=False),
    Geval(
        "controle-bso",
        "Wijkpost Kindertijd",
        "Buitenschoolse opvang",
        "kinderopvang",
        verborgen=False,
    ),
    Geval(
        "controle-excel",
        "Wijkpost Rekenblad",
        "Wijkteam",
        "welzijn",
        soort="excel",
        verborgen=False,
    ),
    Geval(
        "controle-voorziening",
        "Inloop Openbaarhof",
        "Inloop",
        "welzijn",
        soort="vz",
        verborgen=False,
    ),
]
NUMMER = {g.id: f"R-{i + 1}" for i, g in enumerate(GEVALLEN)}
PLEK = {g.id: _xy(i) for i, g in enumerate(GEVALLEN)}
VERBORGEN = [g for g in GEVALLEN if g.verborgen]
ZICHTBAAR = [g for g in GEVALLEN if not g.verborgen]

#: A scenario that opens a new opvang and re-opens the closed beschermd-wonen site.
NIEUW = ("Opvang Geheimhof", 174207, 493133)
SCENARIO = f"""\
scenario: open-geheim
gemeente: demo
omschrijving: Twee locaties gaan open (test).
stappen:
  - open: {{naam: {NIEUW[0]}, functies: [ontmoeting, opvang], x: {NIEUW[1]}, y: {NIEUW[2]}}}
  - open: {{accommodatie: {NUMMER["gesloten-en-in-scenario-heropend"]}}}
"""


def _csv(rijen: list[list[object]], kop: list[str]) -> str:
    uit = io.StringIO()
    csv.writer(uit, delimiter=";", lineterminator="\n").writerows([kop, *rijen])
    return uit.getvalue()


def _rij(g: Geval) -> list[object]:
    x, y = PLEK[g.id]
    if g.soort == "vz":
        acc = NUMMER[g.accommodatie] if g.accommodatie else ""
        return [NUMMER[g.id], g.naam, g.functies, acc, x, y]
    return [NUMMER[g.id], g.naam, g.functies, g.eigenaar, 400, g.status, x, y]


def _relatief(werkmap: Werkmap, args: list[str | Path]) -> list[str]:
    """Paths relative to the working folder (where commands run): short paths in messages."""
    return [str(a.relative_to(werkmap.pad)) if isinstance(a, Path) else a for a in args]


def _registers(werkmap: Werkmap, gevallen: list[Geval], *, extra: str = EIGEN_WOORD) -> list[str]:
    """The registers of ``gevallen`` (CSV, Excel, facilities) with their koppelingen, written
    into ``invoer/``; the importeer arguments."""
    koppeling = werkmap.bestand("iab.yml", KOPPELING.replace("{extra}", extra))
    args: list[str | Path] = list(IMPORT)
    iab = [_rij(g) for g in gevallen if g.soort == "iab"]
    args += ["--register", werkmap.bestand("iab.csv", _csv(iab, KOP)), "--koppeling", koppeling]
    excel = [_rij(g) for g in gevallen if g.soort == "excel"]
    if excel:
        wb = openpyxl.Workbook()
        for rij in [KOP, *excel]:
            wb.active.append(rij)
        pad = werkmap.pad / "invoer" / "iab_excel.xlsx"
        wb.save(pad)
        args += ["--register", pad, "--koppeling", koppeling]
    vz = [_rij(g) for g in gevallen if g.soort == "vz"]
    if vz:
        args += [
            "--register", werkmap.bestand("vz.csv", _csv(vz, VZ_KOP)),
            "--koppeling", werkmap.bestand("vz.yml", VZ_KOPPELING),
        ]  # fmt: skip
    return _relatief(werkmap, args)


@pytest.fixture(scope="module")
def producten(_sjabloon: Path, tmp_path_factory: pytest.TempPathFactory) -> Werkmap:
    """The demo folder with the registers imported and every product made, once."""
    pad = tmp_path_factory.mktemp("gevoelig") / "werk"
    shutil.copytree(_sjabloon, pad)
    werkmap = Werkmap(pad)
    slaagt(werkmap.run(_registers(werkmap, GEVALLEN)))
    scenario = werkmap.bestand("open_geheim.yml", SCENARIO)
    for args in (
        ["kaart", "demo", "--soort", "voorzieningen"],
        ["kaart", "demo", "--soort", "gebied", "--gebied", "Havenkwartier"],
        ["analyse", "demo"],
        ["hiaten", "demo", "--niveau", "gebied"],
        ["kaart", "demo", "--soort", "scenario", "--scenario", scenario],
        ["scenario", scenario],
        ["rapport", "demo", "--gebied", "Havenkwartier", "--geen-pdf", "--scenario", scenario],
    ):
        slaagt(werkmap.run(_relatief(werkmap, args)))
    return werkmap


def _tekst_van(pad: Path) -> str:
    """What a written file says, for searching: an Excel workbook as the XML of its parts,
    anything else as its bytes decoded leniently."""
    if pad.suffix == ".xlsx":
        with zipfile.ZipFile(pad) as z:
            return "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
    return pad.read_bytes().decode("utf-8", "replace")


def _rd_in(tekst: str, waarde: int) -> bool:
    return re.search(rf"(?<![\d.]){waarde}(?:[.,]\d+)?(?!\d)", tekst) is not None


def _wgs84_in(tekst: str, x: float, y: float) -> bool:
    lon, lat = _NAAR_WGS84.transform(x, y)
    for a, b in _PAAR.findall(tekst):
        for p, q in ((float(a), float(b)), (float(b), float(a))):
            if abs(p - lon) < 5e-6 and abs(q - lat) < 5e-6:  # 5 decimals or more: ~0.4 m
                return True
    return False


def sporen(werkmap: Werkmap, naam: str, x: int, y: int) -> list[str]:
    """Every written file (maps/, uitvoer/) that shows the site: its name, its RD coordinates
    (text, or as doubles in a GeoPackage) or its WGS84 coordinates at map precision."""
    gevonden = []
    for map_ in ("maps", "uitvoer"):
        for pad in sorted((werkmap.pad / map_).rglob("*")):
            if not pad.is_file():
                continue
            tekst, ruw = _tekst_van(pad), pad.read_bytes()
            waarom = []
            if naam in tekst or naam.encode() in ruw:
                waarom.append("naam")
            if _rd_in(tekst, x) and _rd_in(tekst, y):
                waarom.append("RD")
            # as doubles (a GeoPackage geometry or attribute): both coordinates, since a public
            # site may share one of them (a demo park entrance lies at the same x)
            if any(
                struct.pack(f"{o}d", float(x)) in ruw and struct.pack(f"{o}d", float(y)) in ruw
                for o in "<>"
            ):
                waarom.append("RD als getal")
            if _wgs84_in(tekst, x, y):
                waarom.append("WGS84")
            if waarom:
                gevonden.append(f"{pad.relative_to(werkmap.pad)} ({', '.join(waarom)})")
    return gevonden


def _pagina(werkmap: Werkmap, naam: str) -> str:
    return (werkmap.pad / "maps" / naam).read_text(encoding="utf-8")


def _opgeslagen(werkmap: Werkmap, g: Geval) -> str:
    laag = "voorzieningen" if g.soort == "vz" else "accommodaties"
    kolom = "categorie" if g.soort == "vz" else "functies"
    return str(gpd.read_file(werkmap.store, layer=laag).set_index("id").loc[NUMMER[g.id], kolom])


@pytest.mark.parametrize("geval", VERBORGEN, ids=[g.id for g in VERBORGEN])
def test_gevoelige_locatie_in_geen_enkel_product(producten, geval):
    assert _opgeslagen(producten, geval) == geval.opgeslagen
    assert sporen(producten, geval.naam, *PLEK[geval.id]) == []


@pytest.mark.parametrize("geval", ZICHTBAAR, ids=[g.id for g in ZICHTBAAR])
def test_controle_staat_op_kaart_en_in_rapport(producten, geval):
    assert _opgeslagen(producten, geval) == geval.opgeslagen
    for pagina in (
        "voorzieningen_GM9999.html",
        "gebied_GM9999_havenkwartier.html",
        "hiaten_GM9999.html",
        "gebiedsplan_GM9999_havenkwartier_scenario_open_geheim.html",
    ):
        tekst = _pagina(producten, pagina)
        assert geval.naam in tekst, pagina
        if not pagina.startswith("gebiedsplan_"):  # the report draws SVG, no degrees
            assert _wgs84_in(tekst, *PLEK[geval.id]), pagina


def test_tellingen_alleen_van_wat_getoond_wordt(producten, _sjabloon):
    """The layer counts of the hiaten map grow by the shown rows only: the accommodations (3
    shown, 17 hidden) and the meeting places (2 shown: a control and the meeting room of the
    Excel control is welzijn; every hidden Buurthuis adds none). The scenario and the index
    name nothing either."""
    voor = (_sjabloon / "maps" / "hiaten_GM9999.html").read_text(encoding="utf-8")
    na = _pagina(producten, "hiaten_GM9999.html")

    def telling(laag: str, pagina: str) -> int:
        return int(re.findall(rf"{re.escape(laag)} \((\d+)", pagina)[0])

    acc = sum(1 for g in ZICHTBAAR if g.soort != "vz")
    assert telling("Accommodaties (IAB)", na) == telling("Accommodaties (IAB)", voor) + acc
    ontmoeting = "Voorzieningen: Ontmoeting / buurthuis"
    assert telling(ontmoeting, na) == telling(ontmoeting, voor) + 1  # Wijkpost Zichtbaar
    assert sporen(producten, *NIEUW) == []
    rapport = _pagina(producten, "gebiedsplan_GM9999_havenkwartier_scenario_open_geheim.html")
    assert "Scenario: open-geheim" in rapport
    assert (producten.pad / "uitvoer" / "scenario_open_geheim_GM9999.xlsx").exists()
    assert (producten.pad / "uitvoer" / "hiaten_GM9999_gebied.xlsx").exists()
    index = _pagina(producten, "index.html")
    for pagina in (
        "voorzieningen_GM9999.html",
        "gebied_GM9999_havenkwartier.html",
        "scenario_GM9999_open_geheim.html",
        "gebiedsplan_GM9999_havenkwartier_scenario_open_geheim.html",
    ):
        assert pagina in index


# --------------------------------------------------------------------------- refusals


@dataclass(frozen=True)
class Weigering:
    id: str
    functies: str
    koppeling_extra: str
    noemt: tuple[str, ...]


WEIGERINGEN = [
    Weigering(
        "onbekend-functiewoord",
        "Buurthuis, Repetitiezaal",
        "",
        ("invoer/iab.csv", "kolom 'Functies' (functies)",
         "onbekende functie 'Repetitiezaal' in rij 2", "waarden: functies:", "invoer/iab.yml",
         "lagen/catalogus/functies.yml", "gevoelige functie"),
    ),
    Weigering(
        "onbekend-woord-met-gevoelig-woord",
        "tijdelijke nachtopvang; Buurthuis",
        "",
        ("onbekende functie 'tijdelijke nachtopvang' (bevat een woord voor een gevoelige "
         "functie) in rij 2", "invoer/iab.csv"),
    ),
    Weigering(
        "koppeling-maakt-gevoelig-woord-openbaar",
        "Buurthuis, Vrouwenopvang",
        "  functies: {Vrouwenopvang: ontmoeting}\n",
        ("invoer/iab.yml, regel 6", "'Vrouwenopvang' is een gevoelige functie",
         "mag niet 'ontmoeting' worden",
         "vrouwenopvang, maatschappelijke_opvang, beschermd_wonen, asielopvang"),
    ),
    Weigering(
        "koppeling-naar-onbekende-functie",
        "Buurthuis",
        "  functies: {Buurthuis: buurtwerk}\n",
        ("invoer/iab.yml, regel 6", "'Buurthuis' wordt 'buurtwerk'",
         "geen functie van lagen/catalogus/functies.yml"),
    ),
]  # fmt: skip


@pytest.mark.parametrize("geval", WEIGERINGEN, ids=[g.id for g in WEIGERINGEN])
def test_functie_die_niet_gepubliceerd_kan_worden_geweigerd(werkmap, geval):
    voor = werkmap.toestand()
    rij = dataclasses.replace(GEVALLEN[0], functies=geval.functies)
    args = _registers(werkmap, [rij, GEVALLEN[-4]], extra=geval.koppeling_extra)
    weigert(werkmap.run(args), noemt=geval.noemt)
    werkmap.onveranderd(voor)


def test_bereikkaart_van_gevoelige_locatie_geweigerd(werkmap):
    slaagt(werkmap.run(_registers(werkmap, [GEVALLEN[0], GEVALLEN[-4]])))
    voor = werkmap.toestand()
    voorziening = f"{NUMMER[GEVALLEN[0].id]}:ontmoeting"
    uit = werkmap.run(["kaart", "demo", "--soort", "bereik", "--voorziening", voorziening])
    weigert(uit, noemt=[voorziening, "niet gepubliceerd", "gevoelige locatie"])
    werkmap.onveranderd(voor)
    assert GEVALLEN[0].naam not in uit.tekst
