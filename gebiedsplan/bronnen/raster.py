"""Green rasters: the share of green per 10 m cell in RD, from a GeoTIFF or from green polygons.

Two ways to the same product, an array of green share (0-1, ``float32``, NaN where unknown)
on a grid of ``cel_m`` metres in EPSG:28992 whose corners are whole multiples of ``cel_m``
(so rasters from different sources line up cell for cell):

- :func:`read_groen_raster` reads any single-band GeoTIFF of green share (0-1), percentage
  green (0-100) or NDVI (-1-1), in any CRS, and reprojects and resamples it with rasterio.
  Resampling is GDAL's *average*, which weighs source cells by the area they cover, so a share
  stays a share whether the source is finer (1 m) or coarser (25 m) than the target;
- :func:`rasterize_groen` rasterises green polygons (the ``groen`` layer) and gives each cell
  the share of its area that is green, by supersampling.

NDVI to green share: below :data:`NDVI_KAAL` (0.2: water, pavement, roofs, bare soil) a pixel
is not green, above :data:`NDVI_VOL` (0.5: closed grass, shrubs and tree crowns) fully green,
and in between linear. Both thresholds are options; they follow the usual reading of NDVI for
Dutch summer imagery (NDVI 0.2-0.3 as the vegetation threshold) and should be checked
against an aerial photo for the imagery at hand.

To keep a result, write it with :func:`gebiedsplan.bronnen.raster.write_groen_raster`.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from dataclasses import replace
from pathlib import Path
from typing import TypeAlias

import geopandas as gpd
import numpy as np
import pyproj
import rasterio
import rasterio.errors
import rasterio.features
import rasterio.warp
import rasterio.windows
import shapely
from affine import Affine
from shapely.geometry.base import BaseGeometry

from gebiedsplan import settings
from gebiedsplan._io import atomic_path
from gebiedsplan._validate import stelsel_van
from gebiedsplan.bronnen import Herkomst
from gebiedsplan.bronnen._datering import bestand_datum, jaar_in_naam
from gebiedsplan.errors import BronError, CRSError, GebiedsplanError

__all__ = [
    "NDVI_KAAL",
    "NDVI_VOL",
    "ndvi_naar_aandeel",
    "raster_grid",
    "rasterize_groen",
    "read_groen_raster",
    "write_groen_raster",
]

log = logging.getLogger(__name__)

#: NDVI at or below which a pixel counts as not green.
NDVI_KAAL = 0.2
#: NDVI at or above which a pixel counts as fully green.
NDVI_VOL = 0.5
#: Largest target grid read or made in one go (cells); beyond it, give a smaller ``gebied``.
MAX_CELLEN = 100_000_000
SOORTEN = ("aandeel", "procent", "ndvi")
_MARGE = 1e-6
Gebied: TypeAlias = (
    BaseGeometry | gpd.GeoSeries | gpd.GeoDataFrame | tuple[float, float, float, float]
)


def ndvi_naar_aandeel(
    ndvi: np.ndarray, *, kaal: float = NDVI_KAAL, vol: float = NDVI_VOL
) -> np.ndarray:
    """Green share (0-1) from NDVI: 0 at or below ``kaal``, 1 at or above ``vol``, linear between.

    NaN stays NaN.

    Examples
    --------
    >>> import numpy as np
    >>> ndvi_naar_aandeel(np.array([-0.1, 0.2, 0.35, 0.5, 0.8, np.nan])).round(2).tolist()
    [0.0, 0.0, 0.5, 1.0, 1.0, nan]
    """
    if not vol > kaal:
        raise GebiedsplanError(f"NDVI-drempels: 'vol' ({vol}) moet groter zijn dan 'kaal' ({kaal})")
    return np.clip((np.asarray(ndvi, dtype="float64") - kaal) / (vol - kaal), 0.0, 1.0)


def _rd_bounds(gebied: Gebied) -> tuple[float, float, float, float]:
    """Bounds of an area in RD; a frame without CRS or a bare geometry not in RD is an error."""
    if isinstance(gebied, gpd.GeoDataFrame | gpd.GeoSeries):
        if gebied.crs is None:
            raise CRSError(
                "gebied heeft geen CRS (coördinatenstelsel); geef het op, bv. "
                "gebied.set_crs('EPSG:28992')."
            )
        minx, miny, maxx, maxy = gebied.to_crs(settings.crs).total_bounds
    elif isinstance(gebied, BaseGeometry):
        minx, miny, maxx, maxy = gebied.bounds
    elif isinstance(gebied, tuple | list) and len(gebied) == 4:
        minx, miny, maxx, maxy = (float(v) for v in gebied)
    else:
        raise GebiedsplanError(
            "gebied moet een GeoDataFrame, GeoSeries, shapely-geometrie (in EPSG:28992) of "
            f"(minx, miny, maxx, maxy) in RD zijn, kreeg {type(gebied).__name__}"
        )
    if not (minx < maxx and miny < maxy) or stelsel_van((minx, miny, maxx, maxy)) != "rd":
        raise CRSError(
            f"gebied met grenzen ({minx:g}, {miny:g}, {maxx:g}, {maxy:g}) ligt niet in "
            "RD-coördinaten (EPSG:28992, meters); zet het eerst om met .to_crs('EPSG:28992')."
        )
    return float(minx), float(miny), float(maxx), float(maxy)


def raster_grid(gebied: Gebied, *, cel_m: float = 10.0) -> tuple[Affine, int, int]:
    """The grid of ``cel_m`` cells covering an area, corners snapped to multiples of ``cel_m``.

    Parameters
    ----------
    gebied
        GeoDataFrame/GeoSeries (any CRS), shapely geometry in RD, or RD bounds.
    cel_m
        Cell size in metres.

    Returns
    -------
    (transform, breedte, hoogte)
        Affine transform (north up) and the number of columns and rows.

    Examples
    --------
    >>> transform, breedte, hoogte = raster_grid((190004.0, 444996.0, 190031.0, 445020.0))
    >>> transform.c, transform.f, breedte, hoogte
    (190000.0, 445020.0, 4, 3)
    """
    if not cel_m > 0:
        raise GebiedsplanError(f"cel_m moet groter dan 0 zijn, kreeg {cel_m}")
    minx, miny, maxx, maxy = _rd_bounds(gebied)
    x0, y0 = math.floor(minx / cel_m) * cel_m, math.floor(miny / cel_m) * cel_m
    x1, y1 = math.ceil(maxx / cel_m) * cel_m, math.ceil(maxy / cel_m) * cel_m
    breedte, hoogte = round((x1 - x0) / cel_m), round((y1 - y0) / cel_m)
    if breedte * hoogte > MAX_CELLEN:
        raise GebiedsplanError(
            f"Het raster van {breedte} x {hoogte} cellen van {cel_m:g} m is groter dan "
            f"{MAX_CELLEN:,} cellen; geef een kleiner gebied (bv. de gemeente) of een grotere cel_m."
        )
    return Affine(cel_m, 0.0, x0, 0.0, -cel_m, y1), breedte, hoogte


def _herkomst(tags: dict[str, str], path: Path, query: str) -> Herkomst:
    """Provenance from the file's tags (as write_groen_raster writes them), else from the file."""
    if all(tags.get(k) for k in ("bron", "datum", "licentie")):
        vorige = tags.get("query", "")
        herkomst = Herkomst.from_metadata(tags, where=str(path))
        return replace(herkomst, query=f"{vorige}; {query}" if vorige else query)
    jaar = jaar_in_naam(path)
    datum = bestand_datum(path)
    hoe = (
        "peildatum: jaar in de bestandsnaam"
        if jaar
        else "peildatum onbekend: datum van het bestand"
    )
    return Herkomst(
        bron=f"GeoTIFF {path.name}",
        datum=datum,
        licentie="niet vermeld in het bestand",
        query=f"{query}; {hoe}",
        peildatum=str(jaar) if jaar else datum,
    )


def _to_aandeel(values: np.ndarray, soort: str, path: Path, kaal: float, vol: float) -> np.ndarray:
    """Convert valid source values to green share, refusing values that do not fit ``soort``."""
    geldig = values[np.isfinite(values)]
    if geldig.size == 0:
        return values
    laag, hoog = float(geldig.min()), float(geldig.max())
    bereik = {"aandeel": (0.0, 1.0), "procent": (0.0, 100.0), "ndvi": (-1.0, 1.0)}[soort]
    if laag < bereik[0] - _MARGE or hoog > bereik[1] + _MARGE:
        hint = {
            "aandeel": "Percentages (0-100)? Gebruik soort='procent'. NDVI (-1 tot 1)? "
            "Gebruik soort='ndvi'.",
            "procent": "Een aandeel 0-1? Gebruik soort='aandeel'.",
            "ndvi": "Geschaalde NDVI (bv. 0-255 of x 10.000)? Reken eerst terug naar -1 tot 1; "
            "of is nodata niet in het bestand vastgelegd?",
        }[soort]
        raise BronError(
            f"Groenraster {path}: waarden van {laag:g} tot {hoog:g}, maar soort='{soort}' "
            f"verwacht {bereik[0]:g} tot {bereik[1]:g}. {hint}"
        )
    if soort == "procent":
        return np.clip(values / 100.0, 0.0, 1.0)
    if soort == "ndvi":
        return ndvi_naar_aandeel(values, kaal=kaal, vol=vol)
    return np.clip(values, 0.0, 1.0)


def read_groen_raster(
    path: str | Path,
    *,
    soort: str = "aandeel",
    gebied: Gebied | None = None,
    cel_m: float = 10.0,
    ndvi_kaal: float = NDVI_KAAL,
    ndvi_vol: float = NDVI_VOL,
) -> tuple[np.ndarray, Affine, Herkomst]:
    """Read a GeoTIFF of green share or NDVI as green share per ``cel_m`` cell in RD.

    Parameters
    ----------
    path
        A single-band GeoTIFF with a CRS (any CRS; it is reprojected).
    soort
        ``"aandeel"`` (0-1), ``"procent"`` (0-100) or ``"ndvi"`` (-1-1, converted with
        :func:`ndvi_naar_aandeel`).
    gebied
        Area to cover (GeoDataFrame/GeoSeries, shapely geometry in RD, or RD bounds); the
        grid covers its bounding box. Default: the whole source raster.
    cel_m
        Target cell size in metres.
    ndvi_kaal, ndvi_vol
        NDVI thresholds for ``soort="ndvi"``.

    Returns
    -------
    (raster, transform, herkomst)
        ``float32`` green share 0-1 with NaN where the source has no data (its nodata value,
        NaN, or outside its extent); the Affine transform of the RD grid; provenance from the
        file's tags (``bron``, ``datum``, ``licentie`` as written by ``write_groen_raster``), or
        the file name and date with the licence marked as unknown.

    Raises
    ------
    CRSError
        The GeoTIFF has no CRS.
    BronError
        The file cannot be read, has more than one band, or its values do not fit ``soort``.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from gebiedsplan.bronnen.demo import build_demo
    >>> demo = build_demo()
    >>> tif = write_groen_raster(Path(tempfile.mkdtemp()) / "groen.tif", demo.groen_raster,
    ...     demo.groen_transform, demo.herkomst["groen"])
    >>> raster, transform, herkomst = read_groen_raster(tif, cel_m=20)
    >>> raster.shape, transform.a, herkomst.synthetisch
    ((150, 180), 20.0, True)
    """
    path = Path(path)
    if soort not in SOORTEN:
        raise GebiedsplanError(f"soort {soort!r}; kies een van {', '.join(SOORTEN)}")
    if not path.exists():
        raise BronError(f"Groenraster {path} bestaat niet.")
    try:
        src = rasterio.open(path)
    except rasterio.errors.RasterioIOError as exc:
        raise BronError(f"Groenraster {path} is geen leesbaar rasterbestand: {exc}") from None
    with src:
        if src.crs is None:
            raise CRSError(
                f"Groenraster {path} heeft geen CRS (coördinatenstelsel); gebiedsplan raadt dat "
                "niet. Leg het vast, bv. met 'gdal_edit.py -a_srs EPSG:28992 "
                f"{path.name}' (RD) of in QGIS (Kaartlaag > Eigenschappen > Bron > CRS)."
            )
        if src.count != 1:
            raise BronError(
                f"Groenraster {path} heeft {src.count} banden; verwacht één band met aandeel "
                "groen of NDVI. Reken een luchtfoto eerst om: NDVI = (NIR - rood) / (NIR + rood)."
            )
        rd = pyproj.CRS.from_user_input(settings.crs)
        if gebied is None:
            gebied = tuple(rasterio.warp.transform_bounds(src.crs, rd, *src.bounds, densify_pts=21))
        transform, breedte, hoogte = raster_grid(gebied, cel_m=cel_m)
        # read only the part of the source under the target grid (plus a margin of 2 pixels)
        doel_bounds = rasterio.transform.array_bounds(hoogte, breedte, transform)
        west, south, east, north = rasterio.warp.transform_bounds(
            rd, src.crs, *doel_bounds, densify_pts=21
        )
        ruw = rasterio.windows.from_bounds(west, south, east, north, src.transform)
        col0, row0 = math.floor(ruw.col_off) - 2, math.floor(ruw.row_off) - 2
        col1 = math.ceil(ruw.col_off + ruw.width) + 2
        row1 = math.ceil(ruw.row_off + ruw.height) + 2
        venster = rasterio.windows.Window(col0, row0, col1 - col0, row1 - row0)
        volledig = rasterio.windows.Window(0, 0, src.width, src.height)
        try:
            venster = venster.intersection(volledig)
        except rasterio.errors.WindowError:
            raise BronError(
                f"Groenraster {path} ligt helemaal buiten het gevraagde gebied "
                f"({doel_bounds[0]:.0f}, {doel_bounds[1]:.0f}, {doel_bounds[2]:.0f}, "
                f"{doel_bounds[3]:.0f} in RD)."
            ) from None
        band = src.read(1, window=venster, masked=True)
        bron_transform = src.transform @ Affine.translation(venster.col_off, venster.row_off)
        bron_crs = src.crs
        tags = src.tags()
    values = np.ma.filled(band.astype("float64"), np.nan)
    values[~np.isfinite(values)] = np.nan
    aandeel = _to_aandeel(values, soort, path, ndvi_kaal, ndvi_vol).astype("float32")
    uit = np.full((hoogte, breedte), np.nan, dtype="float32")
    rasterio.warp.reproject(
        aandeel,
        uit,
        src_transform=bron_transform,
        src_crs=bron_crs,
        src_nodata=np.nan,
        dst_transform=transform,
        dst_crs=rd,
        dst_nodata=np.nan,
        resampling=rasterio.warp.Resampling.average,
    )
    query = f"read_groen_raster({path.name}, soort={soort}, cel_m={cel_m:g})"
    if soort == "ndvi":
        query += f", NDVI {ndvi_kaal:g}-{ndvi_vol:g} lineair naar aandeel 0-1"
    log.info(
        "Groenraster %s: %d x %d cellen van %g m, %.0f%% met gegevens",
        path.name,
        breedte,
        hoogte,
        cel_m,
        100.0 * float(np.isfinite(uit).mean()),
    )
    return uit, transform, _herkomst(tags, path, query)


def rasterize_groen(
    groen: gpd.GeoDataFrame | gpd.GeoSeries,
    *,
    gebied: Gebied,
    cel_m: float = 10.0,
    supersample: int = 5,
    herkomst: Herkomst | None = None,
) -> tuple[np.ndarray, Affine, Herkomst]:
    """Green share per cell from green polygons.

    Each cell is split into ``supersample`` x ``supersample`` sub-cells; a sub-cell is green
    when its centre lies in a polygon (``all_touched=False``); the share of the cell is the
    fraction of green sub-cells (steps of 1/25 with the default 5, i.e. 2 m sub-cells at 10 m).
    Overlapping polygons count once.

    Parameters
    ----------
    groen
        Green polygons (the ``groen`` layer, or any polygons) with a CRS; reprojected to RD.
    gebied
        Area to cover (GeoDataFrame/GeoSeries, shapely geometry in RD, or RD bounds).
    cel_m
        Cell size in metres.
    supersample
        Sub-cells per cell side; 1 gives 0/1 per cell (cell centre in a polygon).
    herkomst
        Provenance of the polygons; the result's provenance adds how it was rasterised.

    Returns
    -------
    (raster, transform, herkomst)
        ``float32`` green share 0-1 per cell, the RD grid, provenance.

    Raises
    ------
    CRSError
        ``groen`` has no CRS.
    GebiedsplanError
        Geometries that are not polygons.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely import box
    >>> park = gpd.GeoSeries([box(190000, 445000, 190016, 445016)], crs="EPSG:28992")
    >>> raster, transform, _ = rasterize_groen(park, gebied=(190000, 444990, 190030, 445020))
    >>> raster.astype(float).round(2).tolist()
    [[0.6, 0.36, 0.0], [1.0, 0.6, 0.0], [0.0, 0.0, 0.0]]
    """
    if not isinstance(groen, gpd.GeoDataFrame | gpd.GeoSeries):
        raise GebiedsplanError(
            f"groen moet een GeoDataFrame of GeoSeries zijn, kreeg {type(groen).__name__}"
        )
    if groen.crs is None:
        raise CRSError(
            "De groenvlakken hebben geen CRS (coördinatenstelsel); gebiedsplan raadt dat niet. "
            "Geef het op, bv. groen.set_crs('EPSG:28992')."
        )
    if not pyproj.CRS.from_user_input(groen.crs).equals(pyproj.CRS.from_user_input(settings.crs)):
        log.info("Groenvlakken omgezet van %s naar %s", groen.crs.to_string(), settings.crs)
        groen = groen.to_crs(settings.crs)
    if not isinstance(supersample, int) or supersample < 1:
        raise GebiedsplanError(
            f"supersample moet een geheel getal van 1 of meer zijn, kreeg {supersample!r}"
        )
    geoms = np.asarray(groen.geometry.to_numpy())
    aanwezig = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    geoms = geoms[aanwezig]
    typen = shapely.get_type_id(geoms)
    geen_vlak = ~np.isin(typen, (3, 6))  # Polygon, MultiPolygon
    if geen_vlak.any():
        soorten = sorted({g.geom_type for g in geoms[geen_vlak]})
        raise GebiedsplanError(
            f"rasterize_groen verwacht vlakken; {int(geen_vlak.sum())} geometrieën zijn "
            f"{', '.join(soorten)}. Buffer punten of lijnen eerst tot vlakken, of laat ze weg."
        )
    transform, breedte, hoogte = raster_grid(gebied, cel_m=cel_m)
    k = supersample
    fijn = cel_m / k
    uit = np.zeros((hoogte, breedte), dtype="float32")
    # in strips, so the fine grid never needs more than ~64 MB
    rijen_per_strook = max(1, int(64_000_000 // max(1, breedte * k * k)))
    for start in range(0, hoogte, rijen_per_strook):
        n = min(rijen_per_strook, hoogte - start)
        top = transform.f - start * cel_m
        strook = Affine(fijn, 0.0, transform.c, 0.0, -fijn, top)
        if len(geoms) == 0:
            continue
        maske = rasterio.features.rasterize(
            ((g, 1) for g in geoms),
            out_shape=(n * k, breedte * k),
            transform=strook,
            all_touched=False,
            fill=0,
            dtype="uint8",
        )
        uit[start : start + n] = maske.reshape(n, k, breedte, k).mean(axis=(1, 3))
    query = f"rasterize_groen(cel_m={cel_m:g}, supersample={k})"
    if herkomst is None:
        vandaag = dt.date.today().isoformat()
        herkomst = Herkomst(
            bron="groenvlakken (gerasterd)",
            datum=vandaag,
            licentie="zie de bron van de groenvlakken",
            query=query,
            peildatum=vandaag,
        )
    else:
        herkomst = replace(
            herkomst, query=f"{herkomst.query}; {query}" if herkomst.query else query
        )
    return uit, transform, herkomst


def write_groen_raster(
    path: str | Path, raster: np.ndarray, transform: Affine, herkomst: Herkomst
) -> Path:
    """Write a green-share raster as a GeoTIFF in EPSG:28992 with provenance tags, atomically."""
    path = Path(path)
    with (
        atomic_path(path) as tmp,
        rasterio.open(
            tmp,
            "w",
            driver="GTiff",
            width=raster.shape[1],
            height=raster.shape[0],
            count=1,
            dtype=raster.dtype,
            crs=settings.crs,
            transform=transform,
            nodata=np.nan,
            compress="deflate",
        ) as dst,
    ):
        dst.write(raster, 1)
        dst.update_tags(**herkomst.as_metadata(), inhoud="aandeel groen per cel van 10 m (0-1)")
    return path
