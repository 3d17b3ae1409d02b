"""Bad BAG address files (``importeer --adressen``) and CBS 100 m grids (``--raster``), issue 13:
every one refused through the command line with a Dutch message that names the file and what is
wrong, exit code 1, no traceback, the store and earlier outputs unchanged (the harness).

The working folder holds the demo store (GM9999, buurten near RD 171000-174600, 491000-494000),
so the files are read against its buurten.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pyproj
import pytest
import shapely
from harnas import Werkmap, weigert

FOUT = 1
IMPORT = ["importeer", "--gemeente", "GM9999", "--jaar", "2024"]
IN_GEBRUIK = "Verblijfsobject in gebruik"
#: Points inside the demo gemeente (RD) and inside Arnhem (another gemeente).
DEMO = [(172_500.0, 492_500.0), (173_100.0, 493_200.0), (171_800.0, 491_600.0)]
ARNHEM = [(190_900.0, 443_700.0), (191_000.0, 443_800.0)]
Inhoud = str | bytes | Callable[[Path], None]


def _schrijf(frame: gpd.GeoDataFrame, pad: Path) -> None:
    driver = "GeoJSON" if pad.suffix == ".geojson" else "GPKG"
    with warnings.catch_warnings():  # "'crs' was not provided": that is the case
        warnings.simplefilter("ignore", UserWarning)
        frame.to_file(pad, driver=driver, layer=pad.stem)


def _adressen(
    punten: list[tuple[float, float]],
    *,
    gebruiksdoel: str = "woonfunctie",
    status: str = IN_GEBRUIK,
    crs: str | None = "EPSG:28992",
    zonder: tuple[str, ...] = (),
    bronhouder: str = "9999",
) -> Callable[[Path], None]:
    """A BAG file in the layout of bag-light.gpkg (layer named after the file)."""

    def schrijf(pad: Path) -> None:
        kolommen = {
            "identificatie": [f"{bronhouder}01000000{i:04d}" for i in range(len(punten))],
            "gebruiksdoel": gebruiksdoel,
            "status": status,
            "bronhouder_identificatie": bronhouder,
        }
        frame = gpd.GeoDataFrame(
            {k: v for k, v in kolommen.items() if k not in zonder},
            geometry=[shapely.Point(p) for p in punten],
            crs=crs,
        )
        _schrijf(frame, pad)

    return schrijf


def _in_wgs84(punten: list[tuple[float, float]], *, wissel: bool) -> list[tuple[float, float]]:
    """The RD points as longitude/latitude (or latitude/longitude, ``wissel``)."""
    naar = pyproj.Transformer.from_crs("EPSG:28992", "EPSG:4326", always_xy=True)
    uit = [naar.transform(x, y) for x, y in punten]
    return [(b, lengte) for lengte, b in uit] if wissel else uit


def _raster(
    waarden: list[int], *, kolom: str = "aantal_inwoners", x0: float = 172_000, y0: float = 492_000
) -> Callable[[Path], None]:
    """A CBS 100 m grid file: one row of cells from (x0, y0)."""

    def schrijf(pad: Path) -> None:
        cellen = [
            shapely.box(x0 + 100 * i, y0, x0 + 100 * (i + 1), y0 + 100) for i in range(len(waarden))
        ]
        frame = gpd.GeoDataFrame(
            {
                "crs28992res100m": [
                    f"E{int(x0) // 100 + i:04d}N{int(y0) // 100:04d}" for i in range(len(waarden))
                ],
                kolom: waarden,
            },
            geometry=cellen,
            crs="EPSG:28992",
        )
        _schrijf(frame, pad)

    return schrijf


@dataclass(frozen=True)
class Geval:
    """One bad input: the files it writes, the command (``{x}`` is the path of file ``x``) and
    the words the message must name."""

    id: str
    bestanden: dict[str, Inhoud]
    opdracht: list[str]
    noemt: list[str] = field(default_factory=list)


def _a(naam: str, inhoud: Inhoud, *noemt: str) -> Geval:
    return Geval(
        f"adressen-{Path(naam).stem}",
        {naam: inhoud},
        [*IMPORT, "--adressen", f"{{{naam}}}"],
        [f"invoer/{naam}", *noemt],
    )


def _r(naam: str, inhoud: Inhoud, *noemt: str) -> Geval:
    return Geval(
        f"raster-{Path(naam).stem}",
        {naam: inhoud},
        [*IMPORT, "--raster", f"{{{naam}}}"],
        [f"invoer/{naam}", *noemt],
    )


GEVALLEN = [
    _a("leeg.gpkg", b"", "Adressenbestand", "leeg (0 bytes)"),
    _a(
        "geen_gis.gpkg",
        "identificatie;gebruiksdoel\n1;woonfunctie\n",
        "geen leesbaar GIS-bestand",
        "bag-light.gpkg",
    ),
    _a(
        "zonder_woonfunctie.gpkg",
        _adressen(DEMO, gebruiksdoel="kantoorfunctie"),
        "geen verblijfsobject met gebruiksdoel woonfunctie",
        "3 zonder woonfunctie",
    ),
    _a(
        "niet_in_gebruik.gpkg",
        _adressen(DEMO, status="Verblijfsobject gevormd"),
        "geen verblijfsobject met gebruiksdoel woonfunctie",
        "3 niet in gebruik (Verblijfsobject gevormd)",
    ),
    _a(
        "zonder_kolom.gpkg",
        _adressen(DEMO, zonder=("gebruiksdoel",)),
        "kolom gebruiksdoel ontbreekt",
        "identificatie, status",
    ),
    _a(
        "andere_gemeente.gpkg",
        _adressen(ARNHEM, bronhouder="0202"),
        "geen enkel woonadres ligt in de gemeente",
        "(190900, 443700) en (191000, 443800) in RD",
        "GM0202",
        "een andere gemeente",
    ),
    _a(
        "assen_verwisseld.geojson",
        _adressen(_in_wgs84(DEMO, wissel=True), crs="EPSG:4326"),
        "lengte- en breedtegraad zijn verwisseld",
        "wissel x en y",
    ),
    _a(
        "rd_als_graden.geojson",
        _adressen(DEMO, crs="EPSG:4326"),
        "zijn RD-meters",
        "set_crs('EPSG:28992', allow_override=True)",
    ),
    _a(
        "graden_als_rd.gpkg",
        _adressen(_in_wgs84(DEMO, wissel=False), crs="EPSG:28992"),
        "zijn lengte- en breedtegraden",
        "set_crs('EPSG:4326', allow_override=True)",
    ),
    _a("zonder_crs.gpkg", _adressen(DEMO, crs=None), "geen CRS", "gebiedsplan raadt dat niet"),
    _r("leeg.gpkg", b"", "Rasterbestand", "leeg (0 bytes)"),
    _r(
        "alleen_geheim.gpkg",
        _raster([-99997, -99997, -99997]),
        "alle 3 cellen in de gemeente zijn geheim",
        "nooit als 0",
        "laat --raster weg",
    ),
    _r(
        "zonder_inwoners.gpkg",
        _raster([35, 20], kolom="aantal_woningen"),
        "geen kolom met het aantal inwoners per cel",
        "aantal_woningen",
    ),
    _r(
        "ander_gebied.gpkg",
        _raster([35, 20], x0=190_000, y0=443_000),
        "geen cel van het 100m-raster ligt in de gemeente",
    ),
]


@pytest.mark.parametrize("geval", GEVALLEN, ids=[g.id for g in GEVALLEN])
def test_slecht_adres_of_raster(werkmap: Werkmap, geval: Geval) -> None:
    (werkmap.pad / "invoer").mkdir(exist_ok=True)
    paden = {}
    for naam, inhoud in geval.bestanden.items():
        pad = werkmap.pad / "invoer" / naam
        if callable(inhoud):
            inhoud(pad)
        else:
            werkmap.bestand(naam, inhoud)
        paden[naam] = str(Path("invoer") / naam)
    args = []
    for arg in geval.opdracht:
        for naam, pad in paden.items():
            arg = arg.replace(f"{{{naam}}}", pad)
        args.append(arg)
    voor = werkmap.toestand()
    uit = werkmap.run(args)
    weigert(uit, noemt=geval.noemt, code=FOUT)
    werkmap.onveranderd(voor)


def test_adressen_zonder_buurten_worden_geweigerd(werkmap: Werkmap) -> None:
    """--adressen into a store that does not exist yet: the inhabitants per buurt are missing."""
    (werkmap.pad / "invoer").mkdir(exist_ok=True)
    _adressen(DEMO)(werkmap.pad / "invoer" / "a.gpkg")
    voor = werkmap.toestand()
    uit = werkmap.run([*IMPORT, "--adressen", "invoer/a.gpkg", "--opslag", "elders/GM9999.gpkg"])
    weigert(uit, noemt=["wijk- en buurtgrenzen nodig"], code=FOUT)
    werkmap.onveranderd(voor)
    assert not (werkmap.pad / "elders").exists()


def test_een_goed_adressenbestand_wordt_gelezen(werkmap: Werkmap) -> None:
    """The checks refuse what they must and no more: three good addresses become the demand
    points of their buurten, the method on the command line."""
    (werkmap.pad / "invoer").mkdir(exist_ok=True)
    _adressen(DEMO)(werkmap.pad / "invoer" / "a.gpkg")
    uit = werkmap.run([*IMPORT, "--adressen", "invoer/a.gpkg"])
    assert uit.code == 0, uit.tekst
    assert "Vraagpunten (methode adressen): 3 adressen in 3 buurten" in uit.platte_tekst


def test_de_gevallen_zijn_uniek_en_noemen_iets() -> None:
    ids = [g.id for g in GEVALLEN]
    assert len(ids) == len(set(ids))
    assert all(len(g.noemt) >= 2 for g in GEVALLEN)
