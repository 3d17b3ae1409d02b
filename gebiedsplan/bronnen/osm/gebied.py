"""What every OpenStreetMap reader shares: the source's name and licence, and the area it reads.

The area comes in RD (a shapely geometry in EPSG:28992, or a GeoSeries/GeoDataFrame with any
CRS); osmnx wants it in WGS84; the provenance names it by its RD bounds.
"""

from __future__ import annotations

from typing import Any, cast

import geopandas as gpd
import numpy as np
import shapely

from gebiedsplan import settings
from gebiedsplan._validate import nederland_tekst, stelsel_van
from gebiedsplan.errors import BronError, CRSError, GebiedsplanError

BRON = "OpenStreetMap"
LICENTIE = "ODbL 1.0 (© OpenStreetMap-bijdragers)"
#: Geometry types of an area.
GEOM_VLAK = ("Polygon", "MultiPolygon")


def gebied_in_rd(gebied: Any, *, wat: str) -> shapely.Polygon | shapely.MultiPolygon:
    """A (Multi)Polygon in EPSG:28992 from a shapely geometry (RD) or a GeoSeries/GeoDataFrame."""
    if isinstance(gebied, gpd.GeoDataFrame | gpd.GeoSeries):
        if gebied.crs is None:
            raise CRSError(
                f"{wat} heeft geen CRS; gebiedsplan raadt dat niet. Geef het op met "
                ".set_crs('EPSG:28992') (RD) of .set_crs('EPSG:4326') (lengte/breedte)."
            )
        geom = gebied.to_crs(settings.crs).union_all()
    elif isinstance(gebied, shapely.Geometry):
        geom = gebied
        stelsel = stelsel_van(geom.bounds)
        if stelsel == "graden":
            raise CRSError(
                f"{wat} lijkt in lengte- en breedtegraden (bounds {geom.bounds}); verwacht "
                "EPSG:28992 (RD, meters). Zet om met gpd.GeoSeries([geom], crs='EPSG:4326')"
                ".to_crs('EPSG:28992').iloc[0], of geef een GeoSeries met CRS."
            )
        if stelsel is None:
            raise CRSError(
                f"{wat} valt buiten Nederland in EPSG:28992 (bounds {geom.bounds}; Nederland "
                f"ligt in RD binnen {nederland_tekst()}). Geef het gebied in RD-meters."
            )
    else:
        raise GebiedsplanError(
            f"{wat} moet een shapely (Multi)Polygon in EPSG:28992 zijn of een GeoSeries/"
            f"GeoDataFrame met CRS; kreeg {type(gebied).__name__}."
        )
    if geom.is_empty or geom.geom_type not in GEOM_VLAK:
        raise GebiedsplanError(f"{wat} moet een (Multi)Polygon zijn; kreeg {geom.geom_type}.")
    return cast("shapely.Polygon | shapely.MultiPolygon", geom)


def naar_wgs84(geom: shapely.Geometry) -> shapely.Polygon | shapely.MultiPolygon:
    """An area in RD as osmnx wants it: in WGS84 (lon/lat)."""
    return cast(
        "shapely.Polygon | shapely.MultiPolygon",
        gpd.GeoSeries([geom], crs=settings.crs).to_crs("EPSG:4326").iloc[0],
    )


def gebied_tekst(geom: shapely.Geometry, naam: str | None) -> str:
    """The area in the provenance: its name and its RD bounds in whole metres."""
    x0, y0, x1, y1 = (round(v) for v in geom.bounds)
    omschrijving = f"polygoon EPSG:28992 ({x0}, {y0}, {x1}, {y1})"
    return f"{naam}: {omschrijving}" if naam else omschrijving


def clip(
    frame: gpd.GeoDataFrame, gebied: shapely.Geometry | None, *, bron: str | None = None
) -> gpd.GeoDataFrame:
    """The rows of ``frame`` that intersect ``gebied`` (all rows without one).

    With ``bron`` (the file, for the message), a frame of which no row reaches the area is an
    error, not an empty layer: the file is of another place.
    """
    if gebied is None:
        return frame
    binnen = frame.iloc[np.sort(frame.sindex.query(gebied, predicate="intersects"))]
    if bron is not None and len(frame) and binnen.empty:
        x0, y0, x1, y1 = (round(v) for v in frame.total_bounds)
        g0, h0, g1, h1 = (round(v) for v in gebied.bounds)
        raise BronError(
            f"{bron}: geen enkel object ligt in of bij de gemeente: het bestand ligt in RD "
            f"tussen x {x0}-{x1} en y {y0}-{y1}, de gemeente (met grensbuffer) tussen x "
            f"{g0}-{g1} en y {h0}-{h1}. Is dit het bestand van deze gemeente? Download het "
            "uittreksel van de goede regio, of controleer het CRS van het bestand."
        )
    return binnen
