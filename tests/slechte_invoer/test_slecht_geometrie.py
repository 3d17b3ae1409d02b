"""Geometry, CRS and axes (issue 12, part 3): coordinates after reprojection lie in the
Netherlands and at the gemeente; swapped latitude/longitude, RD metres labelled as degrees,
degrees labelled as RD each get their own fix; empty, invalid and CRS-less geometry is
refused. For boundaries, registers, POI files, networks and candidate locations."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from demo_bestanden import (
    KOPPELING_IAB,
    PUNT_RD,
    buurten,
    in_graden,
    poi,
    register,
    schrijf_lagen,
    verschuif,
    wegen,
    wissel,
)
from harnas import Werkmap, weigert

IMPORTEER = ["importeer", "--gemeente", "GM9999", "--jaar", "2024"]
BREED = {"COLUMNS": "1000"}
LON, LAT = in_graden(*PUNT_RD)
#: Vaals, in the Netherlands but far from the demo gemeente (RD).
ELDERS_RD = (196_000.0, 308_000.0)


@dataclass(frozen=True)
class Geval:
    id: str
    maak: Callable[[Werkmap], list[str | Path]]
    noemt: list[str] = field(default_factory=list)


def _buurtbestand(maak: Callable[[gpd.GeoDataFrame], gpd.GeoDataFrame], *, driver: str = "GeoJSON"):
    """Only the buurten, changed by ``maak``, in a file of their own (the wijken stay stored)."""

    def bestand(w: Werkmap) -> list[str | Path]:
        naam = "buurten.geojson" if driver == "GeoJSON" else "buurten.gpkg"
        pad = schrijf_lagen(w, naam, {"buurten": maak(buurten())}, driver=driver)
        return [*IMPORTEER, "--grenzen", pad]

    return bestand


def _shapefile_zonder_crs(w: Werkmap) -> list[str | Path]:
    pad = w.pad / "invoer" / "buurten.shp"
    pad.parent.mkdir(parents=True, exist_ok=True)
    buurten().reset_index().to_file(pad, layer="buurten")
    pad.with_suffix(".prj").unlink()
    return [*IMPORTEER, "--grenzen", pad]


def _leeg(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    uit = frame.copy()
    uit.loc["BU99990102", "geometry"] = shapely.Polygon()
    return uit


def _strik(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    uit = frame.copy()
    x0, y0, x1, y1 = uit.loc["BU99990101", "geometry"].bounds
    uit.loc["BU99990101", "geometry"] = shapely.Polygon([(x0, y0), (x1, y1), (x1, y0), (x0, y1)])
    return uit


def _reg(
    wijzig: dict[tuple[int, str], object], **koppeling: object
) -> Callable[[Werkmap], list[str | Path]]:
    def maak(w: Werkmap) -> list[str | Path]:
        pad, yml = register(w, wijzig, koppeling={**KOPPELING_IAB, **koppeling})
        return [*IMPORTEER, "--register", pad, "--koppeling", yml]

    return maak


def _poi(punten: list[tuple[float, float]], crs: str) -> Callable[[Werkmap], list[str | Path]]:
    def maak(w: Werkmap) -> list[str | Path]:
        return [*IMPORTEER, "--voorzieningen", poi(w, punten, crs=crs)]

    return maak


def _wegen(maak_wegen: Callable[[gpd.GeoDataFrame], gpd.GeoDataFrame]):
    def maak(w: Werkmap) -> list[str | Path]:
        return [*IMPORTEER, "--netwerk", wegen(w, maak_wegen), "--netwerk-laag", "roads"]

    return maak


def _kandidaten(punten: list[tuple[float, float]], crs: str):
    def maak(w: Werkmap) -> list[str | Path]:
        frame = gpd.GeoDataFrame(
            {"naam": [f"Plek {i + 1}" for i in range(len(punten))]},
            geometry=[shapely.Point(p) for p in punten],
            crs=crs,
        )
        pad = schrijf_lagen(w, "kandidaten.gpkg", {"kandidaten": frame})
        return ["locatie", "demo", "--categorie", "ontmoeting", "--kandidaten", pad]

    return maak


WISSEL_GRADEN = "gdf.geometry.transform(lambda c: c[:, ::-1])"
GEVALLEN = [
    # --- boundaries
    Geval(
        "grenzen-lat-lon-verwisseld",
        _buurtbestand(lambda b: wissel(b.to_crs("EPSG:4326"))),
        [
            "buurten.geojson",
            "lengte- en breedtegraad zijn verwisseld in rij 1 (buurtcode=BU99990101)",
            WISSEL_GRADEN,
            "lengtegraad als x",
        ],
    ),
    Geval(
        "grenzen-rd-als-wgs84",
        _buurtbestand(lambda b: b.set_crs("EPSG:4326", allow_override=True)),
        [
            "buurten.geojson",
            "zijn RD-meters",
            "het bestand zegt EPSG:4326 (graden)",
            "set_crs('EPSG:28992', allow_override=True)",
        ],
    ),
    Geval(
        "grenzen-graden-als-rd",
        _buurtbestand(
            lambda b: b.to_crs("EPSG:4326").set_crs("EPSG:28992", allow_override=True),
            driver="GPKG",
        ),
        [
            "buurten.gpkg",
            "zijn lengte- en breedtegraden",
            "het bestand zegt EPSG:28992",
            "set_crs('EPSG:4326', allow_override=True)",
        ],
    ),
    Geval(
        "grenzen-rd-x-y-verwisseld",
        _buurtbestand(wissel, driver="GPKG"),
        ["buurten.gpkg", "x en y zijn verwisseld in rij 1 (buurtcode=BU99990101)", WISSEL_GRADEN],
    ),
    Geval(
        "grenzen-buiten-nederland",
        _buurtbestand(lambda b: verschuif(b.to_crs("EPSG:4326"), -3.5, -3.2)),
        ["buurten.geojson", "ligt buiten Nederland", "Controleer de coördinaten en het CRS"],
    ),
    Geval(
        "grenzen-buiten-de-gemeente",
        _buurtbestand(lambda b: verschuif(b, 20_000, -60_000), driver="GPKG"),
        ["buurten.gpkg", "ligt buiten de wijken van de gemeente", "laag wijken in de laagopslag"],
    ),
    Geval(
        "grenzen-lege-geometrie",
        _buurtbestand(_leeg, driver="GPKG"),
        ["buurten.gpkg", "geometrie ontbreekt of is leeg in rij 2 (buurtcode=BU99990102)"],
    ),
    Geval(
        "grenzen-ongeldige-geometrie",
        _buurtbestand(_strik, driver="GPKG"),
        ["buurten.gpkg", "ongeldige geometrie in rij 1 (buurtcode=BU99990101)", "make_valid()"],
    ),
    Geval(
        "grenzen-zonder-crs",
        _shapefile_zonder_crs,
        ["buurten.shp", "geen coördinatenstelsel (CRS)", "EPSG:28992"],
    ),
    # --- registers (x/y columns)
    Geval(
        "register-lat-lon-verwisseld",
        _reg({(2, "X"): f"{LAT:.6f}", (2, "Y"): f"{LON:.6f}"}),
        [
            "iab_register.csv",
            "lengte- en breedtegraad lijken verwisseld in rij 2",
            "zet in de koppeling x: Y, y: X",
        ],
    ),
    Geval(
        "register-rd-met-crs-wgs84",
        _reg({}, locatie={"x": "X", "y": "Y", "crs": "EPSG:4326"}),
        [
            "iab_register.csv",
            "de koppeling zegt crs EPSG:4326",
            "RD-coördinaten in meters",
            "zet crs: EPSG:28992",
        ],
    ),
    Geval(
        "register-buiten-de-gemeente",
        _reg({(3, "X"): ELDERS_RD[0], (3, "Y"): ELDERS_RD[1]}),
        [
            "iab_register.csv",
            "rij 3 (Wijkcentrum Test) ligt buiten de gemeente",
            "RD 196000, 308000",
        ],
    ),
    # --- POI files
    Geval(
        "poi-lat-lon-verwisseld",
        _poi([(LAT, LON)], "EPSG:4326"),
        ["poi.geojson", "lengte- en breedtegraad zijn verwisseld in rij 1", WISSEL_GRADEN],
    ),
    Geval(
        "poi-rd-als-wgs84",
        _poi([PUNT_RD], "EPSG:4326"),
        ["poi.geojson", "zijn RD-meters", "set_crs('EPSG:28992', allow_override=True)"],
    ),
    Geval(
        "poi-van-een-andere-plek",
        _poi([ELDERS_RD], "EPSG:28992"),
        [
            "poi.geojson",
            "geen enkel object ligt in of bij de gemeente",
            "Is dit het bestand van deze gemeente?",
        ],
    ),
    # --- networks
    Geval(
        "netwerk-rd-als-wgs84",
        _wegen(lambda f: f.set_crs("EPSG:4326", allow_override=True)),
        ["wegen.gpkg", "zijn RD-meters", "EPSG:4326 (graden)", "set_crs('EPSG:28992'"],
    ),
    Geval(
        "netwerk-x-y-verwisseld",
        _wegen(wissel),
        ["wegen.gpkg", "x en y zijn verwisseld", WISSEL_GRADEN],
    ),
    Geval(
        "netwerk-van-een-andere-plek",
        _wegen(lambda f: verschuif(f, 24_000, -184_000)),
        ["wegen.gpkg", "geen enkel object ligt in of bij de gemeente"],
    ),
    # --- candidate locations (the coordinate part; missing/unreadable files: test_slecht_bestanden)
    Geval(
        "kandidaten-lat-lon-verwisseld",
        _kandidaten([(LAT, LON)], "EPSG:4326"),
        ["kandidaten.gpkg", "lengte- en breedtegraad zijn verwisseld in rij 1", WISSEL_GRADEN],
    ),
    Geval(
        "kandidaten-rd-als-wgs84",
        _kandidaten([PUNT_RD], "EPSG:4326"),
        ["kandidaten.gpkg", "zijn RD-meters", "set_crs('EPSG:28992', allow_override=True)"],
    ),
]


def _param(geval: Geval):
    return pytest.param(geval, id=geval.id)


@pytest.mark.parametrize("geval", [_param(g) for g in GEVALLEN])
def test_slechte_geometrie(werkmap, geval):
    args = geval.maak(werkmap)
    voor = werkmap.toestand()
    weigert(werkmap.run(args, env=BREED), noemt=geval.noemt)
    werkmap.onveranderd(voor)
