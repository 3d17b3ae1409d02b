"""Files that are empty, short, long, in a wrong encoding, of another kind, missing, or a folder
(issue 12, parts 4 and 7): every one is refused through the command line with a Dutch message
that names the file (and the row where there is one) and the fix, exit code 1 (a refusal, not
an unexpected error), no traceback, and the store and earlier outputs unchanged.

One table per kind of input: kerncijfers and health CSVs, registers (CSV and Excel) with their
koppeling, boundaries, street networks, POI and green files, scenarios and gemeente files, and
the candidate sites of ``locatie --kandidaten``. Each case gives the files it writes into the
working folder's ``invoer/``, the command, and the words the message must name.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import openpyxl
import pytest
import shapely
from harnas import REPO, Werkmap, weigert

#: Exit code of a refusal (gebiedsplan.cli.CODE_FOUT); an unexpected error would be 3.
FOUT = 1
IMPORT = ["importeer", "--gemeente", "GM9999", "--jaar", "2024"]
#: Ready-made contents of a file; a callable builds the file itself (bytes of a binary format).
Inhoud = str | bytes | Callable[[Path], None]

KERN_KOP = "buurtcode;AantalInwoners_5;k_65JaarOfOuder_12\n"
GEZONDHEID_KOP = "Leeftijd;Marges;WijkenEnBuurten;Perioden;Eenzaam_28\n"
KOPPELING = (
    "laag: voorzieningen\nprefix: welzijn\nkolommen: {naam: Naam, categorie: Soort}\n"
    "waarden: {categorie: {Buurthuis: ontmoeting}}\nlocatie: {x: X, y: Y, crs: EPSG:28992}\n"
    "herkomst: {bron: Welzijnsregister (test), synthetisch: true}\n"
)
REGISTER_KOP = "Naam;Soort;X;Y\n"
#: Where the demo gemeente lies (RD): a good register row and a good candidate site.
GOEDE_RIJ = "Huiskamer Oost;Buurthuis;172500;492500\n"
PUNT = (172_500.0, 492_500.0)


def _map(pad: Path) -> None:
    pad.mkdir()


def _xlsx(rijen: list[list[object]]) -> Callable[[Path], None]:
    def schrijf(pad: Path) -> None:
        wb = openpyxl.Workbook()
        for rij in rijen:
            wb.active.append(rij)
        wb.save(pad)

    return schrijf


def _geo(
    geometrieen: list[shapely.Geometry | None], *, crs: str | None = "EPSG:28992"
) -> Callable[[Path], None]:
    def schrijf(pad: Path) -> None:
        frame = gpd.GeoDataFrame(
            {"naam": [f"plek {i + 1}" for i in range(len(geometrieen))]},
            geometry=gpd.GeoSeries(geometrieen),
            crs=crs,
        )
        driver = "GeoJSON" if pad.suffix == ".geojson" else "GPKG"
        with warnings.catch_warnings():  # "'crs' was not provided": that is the case
            warnings.simplefilter("ignore", UserWarning)
            frame.to_file(pad, driver=driver, layer=pad.stem)

    return schrijf


@dataclass(frozen=True)
class Geval:
    """One bad input: the files it writes (``None``: the file is absent), the command (``{x}``
    is the path of file ``x`` in ``invoer/``), and the words the message must name."""

    id: str
    bestanden: dict[str, Inhoud | None]
    opdracht: list[str]
    noemt: list[str] = field(default_factory=list)


def _args(werkmap: Werkmap, geval: Geval) -> list[str]:
    paden = {}
    for naam, inhoud in geval.bestanden.items():
        pad = werkmap.pad / "invoer" / naam
        pad.parent.mkdir(parents=True, exist_ok=True)
        if callable(inhoud):
            inhoud(pad)
        elif inhoud is not None:
            werkmap.bestand(naam, inhoud)
        paden[naam] = str(Path("invoer") / naam)
    args = []
    for arg in geval.opdracht:
        for naam, pad in paden.items():
            arg = arg.replace(f"{{{naam}}}", pad)
        args.append(arg)
    return args


def _geval_draaien(werkmap: Werkmap, geval: Geval) -> None:
    args = _args(werkmap, geval)
    voor = werkmap.toestand()
    uit = werkmap.run(args)
    weigert(uit, noemt=geval.noemt, code=FOUT)
    werkmap.onveranderd(voor)


def _kern(inhoud: Inhoud | None, *noemt: str) -> list[object]:
    return [{"k.csv": inhoud}, [*IMPORT, "--kerncijfers", "{k.csv}"], ["invoer/k.csv", *noemt]]


def _gez(inhoud: Inhoud | None, *noemt: str) -> list[object]:
    return [{"g.csv": inhoud}, [*IMPORT, "--gezondheid", "{g.csv}"], ["invoer/g.csv", *noemt]]


def _reg(naam: str, inhoud: Inhoud | None, *noemt: str) -> list[object]:
    return [
        {naam: inhoud, "koppeling.yml": KOPPELING},
        [*IMPORT, "--register", f"{{{naam}}}", "--koppeling", "{koppeling.yml}"],
        [f"invoer/{naam}", *noemt],
    ]


# --------------------------------------------------------------------------------------------
# statistics: kerncijfers (CBS) and the Gezondheidsmonitor (RIVM)
# --------------------------------------------------------------------------------------------

STATISTIEK = [
    Geval("kerncijfers-leeg", *_kern(b"", "leeg (0 bytes)", "exporteer het opnieuw")),
    Geval(
        "kerncijfers-alleen-kop",
        *_kern(KERN_KOP, "alleen een kopregel", "geen rijen eronder", "exporteer het opnieuw"),
    ),
    Geval(
        "kerncijfers-korte-rij",
        *_kern(
            KERN_KOP + "BU99990101;1200;310\nBU99990102;900\n",
            "rij 3 heeft 2 cellen",
            "de kopregel 3 kolommen",
            "Controleer die rijen",
        ),
    ),
    Geval(
        "kerncijfers-lange-rij",
        *_kern(
            KERN_KOP + "BU99990101;1200;310;12;8\n",
            "rij 2 heeft 5 cellen",
            "de kopregel 3 kolommen",
            "zonder aanhalingstekens",
        ),
    ),
    Geval(
        "kerncijfers-latin1",
        *_kern(
            (KERN_KOP.strip() + ";naam\nBU99990101;1200;310;Café\n").encode("latin-1"),
            "rij 2",
            "geen UTF-8",
            "Sla het bestand op als UTF-8",
        ),
    ),
    Geval(
        "kerncijfers-utf16",
        *_kern((KERN_KOP + "BU99990101;1200;310\n").encode("utf-16"), "geen UTF-8", "CSV UTF-8"),
    ),
    Geval("kerncijfers-ontbreekt", *_kern(None, "bestaat niet", "Controleer de naam")),
    Geval("kerncijfers-is-een-map", *_kern(_map, "is een map, geen bestand")),
    Geval(
        "kerncijfers-zonder-grenzen",
        {"k.csv": KERN_KOP + "BU99990101;1200;310\n"},
        [*IMPORT, "--kerncijfers", "{k.csv}"],
        ["kerncijfers", "geef ook --grenzen"],
    ),
    Geval("gezondheid-leeg", *_gez(b"", "leeg (0 bytes)")),
    Geval("gezondheid-alleen-kop", *_gez(GEZONDHEID_KOP, "alleen een kopregel")),
    Geval(
        "gezondheid-korte-rij",
        *_gez(
            GEZONDHEID_KOP + "20300;MW00000;BU99990101;2024JJ00\n",
            "rij 2 heeft 4 cellen",
            "de kopregel 5 kolommen",
        ),
    ),
]

# --------------------------------------------------------------------------------------------
# registers (CSV and Excel) and their koppeling
# --------------------------------------------------------------------------------------------

REGISTERS = [
    Geval("register-csv-leeg", *_reg("r.csv", b"", "leeg (0 bytes)")),
    Geval(
        "register-csv-alleen-kop",
        *_reg("r.csv", REGISTER_KOP, "geen rijen onder de kopregel (rij 1)"),
    ),
    Geval(
        "register-korte-rij",
        *_reg(
            "r.csv",
            REGISTER_KOP + GOEDE_RIJ + "Huiskamer West;Buurthuis;172400\n",
            "rij 3 heeft 3 cellen",
            "de kopregel 4 kolommen",
            "Vul de ontbrekende cellen aan",
        ),
    ),
    Geval(
        "register-lange-rij",
        *_reg(
            "r.csv",
            REGISTER_KOP + "Huiskamer; Oost;Buurthuis;172500;492500\n",
            "rij 2 heeft 5 cellen",
            "tussen aanhalingstekens",
        ),
    ),
    Geval(
        "register-geen-tekst",
        *_reg("r.csv", b"PK\x03\x04\x00\x00binair\x00", "nul-bytes", "CSV UTF-8"),
    ),
    Geval(
        "register-geen-windows-1252",
        *_reg(
            "r.csv",
            REGISTER_KOP.encode() + b"Huis\x81kamer;Buurthuis;172500;492500\n",
            "rij 2",
            "geen tekst in UTF-8 of Windows-1252",
        ),
    ),
    Geval("register-xlsx-leeg", *_reg("r.xlsx", b"", "leeg (0 bytes)")),
    Geval(
        "register-xlsx-geen-excel",
        *_reg(
            "r.xlsx",
            "Naam;Soort\nHuiskamer;Buurthuis\n",
            "geen leesbaar Excel-bestand",
            "sla het op als Excel-werkmap",
        ),
    ),
    Geval(
        "register-xlsx-alleen-kop",
        *_reg("r.xlsx", _xlsx([["Naam", "Soort", "X", "Y"]]), "geen rijen onder de kopregel"),
    ),
    Geval("register-ontbreekt", *_reg("r.csv", None, "bestaat niet")),
    Geval(
        "koppeling-leeg",
        {"r.csv": REGISTER_KOP + GOEDE_RIJ, "koppeling.yml": b""},
        [*IMPORT, "--register", "{r.csv}", "--koppeling", "{koppeling.yml}"],
        ["invoer/koppeling.yml", "verwacht velden"],
    ),
    Geval(
        "koppeling-is-een-map",
        {"r.csv": REGISTER_KOP + GOEDE_RIJ, "koppeling.yml": _map},
        [*IMPORT, "--register", "{r.csv}", "--koppeling", "{koppeling.yml}"],
        ["invoer/koppeling.yml", "is een map, geen bestand"],
    ),
]

# --------------------------------------------------------------------------------------------
# GIS files: boundaries, street network, facilities (POI), green
# --------------------------------------------------------------------------------------------

GIS = [
    Geval(
        "grenzen-leeg",
        {"g.gpkg": b""},
        [*IMPORT, "--grenzen", "{g.gpkg}"],
        ["Grenzenbestand invoer/g.gpkg", "leeg (0 bytes)"],
    ),
    Geval(
        "grenzen-geen-geopackage",
        {"g.gpkg": "dit is geen GeoPackage\n"},
        [*IMPORT, "--grenzen", "{g.gpkg}"],
        ["invoer/g.gpkg", "geen leesbaar GIS-bestand", "Wijk- en Buurtkaart"],
    ),
    Geval(
        "grenzen-is-een-map",
        {"g.gpkg": _map},
        [*IMPORT, "--grenzen", "{g.gpkg}"],
        ["invoer/g.gpkg", "is een map, geen bestand"],
    ),
    Geval(
        "grenzen-ontbreekt",
        {"g.gpkg": None},
        [*IMPORT, "--grenzen", "{g.gpkg}"],
        ["invoer/g.gpkg", "bestaat niet"],
    ),
    Geval(
        "netwerk-osm-leeg",
        {"n.osm": b""},
        [*IMPORT, "--netwerk", "{n.osm}"],
        ["invoer/n.osm", "leeg (0 bytes)"],
    ),
    Geval(
        "netwerk-pbf-kapot",
        {"n.osm.pbf": b"\x00\x00\x00\x0dgeen pbf maar ruis" * 4},
        [*IMPORT, "--netwerk", "{n.osm.pbf}"],
        ["invoer/n.osm.pbf", "niet te lezen als OSM PBF", "download.geofabrik.de"],
    ),
    Geval(
        "netwerk-gpkg-geen-geopackage",
        {"n.gpkg": b"SQLite format 3\x00 maar kapot"},
        [*IMPORT, "--netwerk", "{n.gpkg}"],
        ["invoer/n.gpkg", "geen leesbaar GIS-bestand"],
    ),
    Geval(
        "poi-leeg",
        {"p.geojson": b""},
        [*IMPORT, "--voorzieningen", "{p.geojson}"],
        ["invoer/p.geojson", "leeg (0 bytes)"],
    ),
    Geval(
        "poi-zonder-objecten",
        {"p.geojson": '{"type": "FeatureCollection", "features": []}'},
        [*IMPORT, "--voorzieningen", "{p.geojson}"],
        ["invoer/p.geojson", "category"],
    ),
    Geval(
        "groen-leeg",
        {"gr.geojson": b""},
        [*IMPORT, "--groen", "{gr.geojson}"],
        ["invoer/gr.geojson", "leeg (0 bytes)"],
    ),
    Geval(
        "groenraster-leeg",
        {"r.tif": b""},
        [*IMPORT, "--groen-raster", "{r.tif}"],
        ["invoer/r.tif", "geen leesbaar rasterbestand"],
    ),
]

# --------------------------------------------------------------------------------------------
# YAML: scenarios and gemeente files
# --------------------------------------------------------------------------------------------

YAML = [
    Geval(
        "scenario-leeg",
        {"s.yml": b""},
        ["scenario", "{s.yml}", "--gemeente", "demo"],
        ["invoer/s.yml", "verwacht velden"],
    ),
    Geval(
        "scenario-ontbreekt",
        {"s.yml": None},
        ["scenario", "{s.yml}", "--gemeente", "demo"],
        ["invoer/s.yml", "bestaat niet"],
    ),
    Geval(
        "scenario-is-een-map",
        {"s.yml": _map},
        ["scenario", "{s.yml}", "--gemeente", "demo"],
        ["invoer/s.yml", "is een map, geen bestand"],
    ),
    Geval(
        "scenario-latin1",
        {"s.yml": "scenario: café\nstappen: []\n".encode("latin-1")},
        ["scenario", "{s.yml}", "--gemeente", "demo"],
        ["invoer/s.yml, regel 1", "geen UTF-8-tekst", "Sla het bestand op als UTF-8"],
    ),
    Geval(
        "gemeentebestand-is-een-map",
        {"g.yml": _map},
        ["analyse", "{g.yml}"],
        ["invoer/g.yml", "is een map, geen bestand"],
    ),
    Geval(
        "gemeentebestand-leeg",
        {"g.yml": b""},
        ["analyse", "{g.yml}"],
        ["invoer/g.yml", "verwacht velden"],
    ),
]

# --------------------------------------------------------------------------------------------
# locatie --kandidaten
# --------------------------------------------------------------------------------------------

LOCATIE = ["locatie", "demo", "--categorie", "ontmoeting", "--kandidaten"]
KANDIDATEN = [
    Geval(
        "kandidaten-ontbreekt",
        {"k.gpkg": None},
        [*LOCATIE, "{k.gpkg}"],
        ["Kandidatenbestand invoer/k.gpkg", "bestaat niet"],
    ),
    Geval(
        "kandidaten-geen-geodata",
        {"k.gpkg": "x;y\n172500;492500\n"},
        [*LOCATIE, "{k.gpkg}"],
        ["Kandidatenbestand invoer/k.gpkg", "geen leesbaar GIS-bestand", "met punten"],
    ),
    Geval(
        "kandidaten-leeg",
        {"k.geojson": b""},
        [*LOCATIE, "{k.geojson}"],
        ["Kandidatenbestand invoer/k.geojson", "leeg (0 bytes)"],
    ),
    Geval(
        "kandidaten-zonder-objecten",
        {"k.geojson": '{"type": "FeatureCollection", "features": []}'},
        [*LOCATIE, "{k.geojson}"],
        ["invoer/k.geojson", "geen kandidaten (0 objecten)"],
    ),
    Geval(
        "kandidaten-geen-punten",
        {"k.gpkg": _geo([shapely.Point(PUNT), shapely.LineString([PUNT, (172_600, 492_600)])])},
        [*LOCATIE, "{k.gpkg}"],
        [
            "invoer/k.gpkg",
            "1 van de 2 objecten zijn geen punt",
            "object 2 (LineString)",
            "Centroïden",
        ],
    ),
    Geval(
        "kandidaten-lege-geometrie",
        {"k.gpkg": _geo([shapely.Point(PUNT), None])},
        [*LOCATIE, "{k.gpkg}"],
        ["invoer/k.gpkg", "object 2 (leeg)"],
    ),
    Geval(
        "kandidaten-zonder-geometrie",
        {"k.csv": "naam,x,y\nplek,172500,492500\n"},
        [*LOCATIE, "{k.csv}"],
        ["Kandidatenbestand invoer/k.csv", "heeft geen geometrie"],
    ),
    Geval(
        "kandidaten-zonder-crs",
        {"k.gpkg": _geo([shapely.Point(PUNT)], crs=None)},
        [*LOCATIE, "{k.gpkg}"],
        ["Kandidatenbestand invoer/k.gpkg", "heeft geen CRS", "EPSG:28992"],
    ),
    Geval(
        "kandidaten-is-een-map",
        {"k.gpkg": _map},
        [*LOCATIE, "{k.gpkg}"],
        ["Kandidatenbestand invoer/k.gpkg", "is een map, geen bestand"],
    ),
]

GEVALLEN = [*STATISTIEK, *REGISTERS, *GIS, *YAML, *KANDIDATEN]


@pytest.mark.parametrize("geval", GEVALLEN, ids=[g.id for g in GEVALLEN])
def test_slecht_bestand(werkmap: Werkmap, geval: Geval) -> None:
    _geval_draaien(werkmap, geval)


def test_de_gevallen_zijn_uniek_en_noemen_iets() -> None:
    ids = [g.id for g in GEVALLEN]
    assert len(ids) == len(set(ids))
    assert all(g.noemt for g in GEVALLEN)
    assert len(GEVALLEN) >= 40


def test_een_goede_kandidaat_wordt_gelezen(werkmap: Werkmap) -> None:
    """The candidate reader refuses what it must and no more: one good point is used."""
    (werkmap.pad / "invoer").mkdir()
    _geo([shapely.Point(PUNT)])(werkmap.pad / "invoer" / "k.gpkg")
    uit = werkmap.run([*LOCATIE, "invoer/k.gpkg", "--uitvoer", "nieuw"])
    assert uit.code == 0, uit.tekst
    assert "kandidaat1" in uit.platte_tekst
    assert (werkmap.pad / "nieuw" / "locatie_GM9999_ontmoeting_k_1.xlsx").is_file()


def test_demo_bestanden_in_de_repository_blijven_leesbaar() -> None:
    """The example registers of the repository pass the row-length check (a guard against a
    check that refuses good files)."""
    from gebiedsplan.bronnen.register.tabel import read_table

    for pad in sorted((REPO / "wijken" / "registers").glob("*.csv")):
        kop, rijen = read_table(pad, None)
        assert kop and rijen, pad
