"""Input files made from the demo gemeente (GM9999), for the cases of numbers, codes,
geometry and scenarios: each helper writes a good file into the working folder's ``invoer/``
with one thing broken, as the case says."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

import geopandas as gpd
import shapely
import yaml
from harnas import Werkmap

from gebiedsplan.bronnen.demo import DemoGemeente, build_demo

#: StatLine keys of the kerncijfers columns the demo buurten have.
KERNCIJFERS = {
    "aantal_inwoners": "AantalInwoners_5",
    "aantal_huishoudens": "HuishoudensTotaal_29",
    "inwoners_0_tot_15_jaar": "k_0Tot15Jaar_8",
    "inwoners_15_tot_25_jaar": "k_15Tot25Jaar_9",
    "inwoners_25_tot_45_jaar": "k_25Tot45Jaar_10",
    "inwoners_45_tot_65_jaar": "k_45Tot65Jaar_11",
    "inwoners_65_jaar_en_ouder": "k_65JaarOfOuder_12",
}
#: A point in the demo gemeente (Oude Stad) in RD, and the same in degrees.
PUNT_RD = (171_800.0, 492_800.0)


@cache
def demo() -> DemoGemeente:
    return build_demo()


def wijken() -> gpd.GeoDataFrame:
    return demo().wijken.copy()


def buurten() -> gpd.GeoDataFrame:
    return demo().buurten.copy()


def in_graden(x: float, y: float) -> tuple[float, float]:
    """An RD point as (lon, lat)."""
    punt = gpd.GeoSeries([shapely.Point(x, y)], crs="EPSG:28992").to_crs("EPSG:4326").iloc[0]
    return punt.x, punt.y


def wissel(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The frame with x and y of every coordinate swapped (CRS unchanged)."""
    uit = frame.copy()
    uit.geometry = uit.geometry.transform(lambda c: c[:, ::-1])
    return uit


def schrijf_lagen(
    werkmap: Werkmap,
    naam: str,
    lagen: Mapping[str, gpd.GeoDataFrame],
    *,
    driver: str = "GPKG",
) -> Path:
    """Layers (indexed by code) into one file of ``invoer/``; a GeoJSON holds one layer named
    after the file."""
    pad = werkmap.pad / "invoer" / naam
    pad.parent.mkdir(parents=True, exist_ok=True)
    for laag, frame in lagen.items():
        frame.reset_index().to_file(pad, layer=laag, driver=driver)
    return pad


def grenzen(
    werkmap: Werkmap,
    *,
    wijken_: gpd.GeoDataFrame | None = None,
    buurten_: gpd.GeoDataFrame | None = None,
    alleen: Sequence[str] = ("wijken", "buurten"),
    naam: str = "grenzen_2024.gpkg",
) -> Path:
    """A Wijk- en Buurtkaart GeoPackage of the demo (layers ``wijken`` and ``buurten``)."""
    lagen = {
        "wijken": wijken_ if wijken_ is not None else wijken(),
        "buurten": buurten_ if buurten_ is not None else buurten(),
    }
    return schrijf_lagen(werkmap, naam, {k: v for k, v in lagen.items() if k in alleen})


def tabel_tekst(kop: Sequence[str], rijen: Sequence[Sequence[Any]], *, sep: str = ",") -> str:
    uit = io.StringIO()
    schrijver = csv.writer(uit, delimiter=sep, lineterminator="\n")
    schrijver.writerow(kop)
    schrijver.writerows(rijen)
    return uit.getvalue()


def kerncijfers(
    werkmap: Werkmap,
    wijzig: Mapping[tuple[str, str], str] = {},
    *,
    sep: str = ",",
    naam: str = "kerncijfers_2024.csv",
) -> Path:
    """The demo buurten's figures as a CSV saved from StatLine (code column ``buurtcode``,
    StatLine keys), with ``wijzig[(buurtcode, key)]`` written as given."""
    b = buurten()
    kop = ["buurtcode", *KERNCIJFERS.values(), "GemiddeldeHuishoudensgrootte_33"]
    rijen = []
    for code, rij in b.iterrows():
        waarden = [str(int(rij[k])) for k in KERNCIJFERS]
        grootte = rij["aantal_inwoners"] / rij["aantal_huishoudens"]
        waarden.append(f"{grootte:.1f}" if sep == "," else f"{grootte:.1f}".replace(".", ","))
        cellen = [str(code), *waarden]
        for i, key in enumerate(kop):
            if (code, key) in wijzig:
                cellen[i] = wijzig[(code, key)]
        rijen.append(cellen)
    return werkmap.bestand(naam, tabel_tekst(kop, rijen, sep=sep))


def gezondheid(
    werkmap: Werkmap,
    wijzig: Mapping[tuple[str, str], str] = {},
    *,
    sep: str = ",",
    naam: str = "gezondheid_2020.csv",
) -> Path:
    """A RIVM Gezondheidsmonitor CSV for the demo buurten (18+), StatLine columns."""
    kop = [
        "Leeftijd",
        "Marges",
        "WijkenEnBuurten",
        "Perioden",
        "Eenzaam_28",
        "MoeiteMetRondkomen_38",
    ]
    rijen = []
    for i, code in enumerate(buurten().index):
        cellen = [
            "20300",
            "MW00000",
            f"{code}  ",
            "2020JJ00",
            f"{40 + i % 10}.5",
            f"{10 + i % 7}.2",
        ]
        if sep == ";":
            cellen = [c.replace(".", ",") for c in cellen]
        for j, key in enumerate(kop):
            if (code, key) in wijzig:
                cellen[j] = wijzig[(code, key)]
        rijen.append(cellen)
    return werkmap.bestand(naam, tabel_tekst(kop, rijen, sep=sep))


#: The koppeling of the accommodaties register below.
KOPPELING_IAB: dict[str, Any] = {
    "laag": "accommodaties",
    "kolommen": {
        "id": "Nummer",
        "naam": "Naam",
        "functies": "Functies",
        "eigenaar": "Eigenaar",
        "bvo_m2": "BVO (m2)",
        "capaciteit": "Capaciteit",
        "bezetting": "Bezetting",
        "status": "Status",
    },
    "waarden": {"status": {"In gebruik": "in_gebruik"}},
    "locatie": {"x": "X", "y": "Y", "crs": "auto"},
    "herkomst": {"bron": "IAB-register Rivierstad (test)", "peildatum": "2025-01-01"},
}
KOP_IAB = [
    "Nummer",
    "Naam",
    "Functies",
    "Eigenaar",
    "BVO (m2)",
    "Capaciteit",
    "Bezetting",
    "Status",
    "X",
    "Y",
]


def register(
    werkmap: Werkmap,
    wijzig: Mapping[tuple[int, str], Any] = {},
    *,
    koppeling: Mapping[str, Any] | None = None,
    sep: str = ";",
) -> tuple[Path, Path]:
    """An IAB register of three accommodations in the demo gemeente (rows 2-4, decimal comma
    in Bezetting) and its koppeling; ``wijzig[(row, column)]`` as written."""
    rijen = [
        [
            "T-1",
            "Buurthuis Test Noord",
            "ontmoeting",
            "Gemeente",
            "640",
            "160",
            "0,72",
            "In gebruik",
            171800,
            492800,
        ],
        [
            "T-2",
            "Wijkcentrum Test",
            "ontmoeting, welzijn",
            "Gemeente",
            "1200",
            "300",
            "0,81",
            "In gebruik",
            172500,
            493200,
        ],
        [
            "T-3",
            "Sporthal Test",
            "sport",
            "Gemeente",
            "1850",
            "",
            "0,55",
            "In gebruik",
            173400,
            492100,
        ],
    ]
    for (rij, kolom), waarde in wijzig.items():
        rijen[rij - 2][KOP_IAB.index(kolom)] = waarde
    csv_pad = werkmap.bestand("iab_register.csv", tabel_tekst(KOP_IAB, rijen, sep=sep))
    spec = dict(koppeling if koppeling is not None else KOPPELING_IAB)
    yml = werkmap.bestand(
        "iab_koppeling.yml", yaml.safe_dump(spec, allow_unicode=True, sort_keys=False)
    )
    return csv_pad, yml


def poi(
    werkmap: Werkmap,
    punten: Sequence[tuple[float, float]],
    *,
    crs: str | None,
    naam: str = "poi.geojson",
) -> Path:
    """A point file of libraries (column ``category``, as OSM-derived POI files have it)."""
    frame = gpd.GeoDataFrame(
        {
            "category": ["library"] * len(punten),
            "name": [f"Bieb {i + 1}" for i in range(len(punten))],
        },
        geometry=[shapely.Point(p) for p in punten],
        crs=crs,
    )
    return schrijf_lagen(werkmap, naam, {naam.split(".")[0]: frame}, driver="GeoJSON")


def wegen(
    werkmap: Werkmap,
    maak: Callable[[gpd.GeoDataFrame], gpd.GeoDataFrame] = lambda f: f,
    *,
    naam: str = "wegen.gpkg",
) -> Path:
    """A Geofabrik-style roads layer (``fclass``) of a few demo streets, passed through ``maak``."""
    lijnen = [
        shapely.LineString([(171_200 + 300 * i, 492_000), (171_200 + 300 * i, 493_900)])
        for i in range(6)
    ] + [
        shapely.LineString([(171_100, 492_100 + 400 * j), (174_500, 492_100 + 400 * j)])
        for j in range(4)
    ]
    frame = gpd.GeoDataFrame(
        {
            "fclass": ["residential"] * len(lijnen),
            "name": [f"Straat {i}" for i in range(len(lijnen))],
        },
        geometry=lijnen,
        crs="EPSG:28992",
    )
    return schrijf_lagen(werkmap, naam, {"roads": maak(frame)})


def scenario(werkmap: Werkmap, stappen: str, *, naam: str = "scenario.yml") -> Path:
    """A scenario of the demo gemeente with these steps (YAML text, indented as a list)."""
    tekst = f"scenario: test\ngemeente: demo\nomschrijving: Een scenario met een fout.\nstappen:\n{stappen}"
    return werkmap.bestand(naam, tekst)


def verschuif(frame: gpd.GeoDataFrame, dx: float, dy: float) -> gpd.GeoDataFrame:
    uit = frame.copy()
    uit.geometry = uit.geometry.translate(dx, dy)
    return uit
