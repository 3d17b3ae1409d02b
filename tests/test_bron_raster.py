"""Green rasters: GeoTIFFs reprojected and resampled to 10 m RD, and green polygons rasterised."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pyproj
import pytest
import rasterio
import shapely
from affine import Affine

from gebiedsplan.bronnen import Herkomst
from gebiedsplan.bronnen.raster import (
    raster_grid,
    rasterize_groen,
    read_groen_raster,
    write_groen_raster,
)
from gebiedsplan.errors import BronError, CRSError, GebiedsplanError


def write_tif(
    path: Path,
    values: np.ndarray,
    transform: Affine,
    *,
    crs: str | None = "EPSG:28992",
    nodata: float | None = None,
) -> Path:
    """Write (bands, rows, columns) as a float32 GeoTIFF."""
    assert values.ndim == 3
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        width=values.shape[2],
        height=values.shape[1],
        count=values.shape[0],
        dtype="float32",
        crs=crs,
        transform=transform,
        nodata=nodata,
    ) as dst:
        dst.write(values.astype("float32"))
    return path


#: 4 x 4 cells of 25 m, upper-left corner RD (190000, 445100)
BRON_25M = np.array(
    [
        [0.0, 1.0, 0.5, 0.5],
        [0.5, 0.25, 0.5, 0.5],
        [0.5, 0.5, 0.5, 0.5],
        [0.5, 0.5, 0.5, -1.0],  # -1: nodata
    ],
    dtype="float32",
)
TRANSFORM_25M = Affine(25, 0, 190000, 0, -25, 445100)


def test_rd_25m_resampled_to_10m_by_area(tmp_path):
    tif = write_tif(tmp_path / "groen25.tif", BRON_25M[None], TRANSFORM_25M, nodata=-1)
    raster, transform, _ = read_groen_raster(tif, gebied=(190000, 445050, 190050, 445100))
    assert transform == Affine(10, 0, 190000, 0, -10, 445100)
    assert raster.dtype == np.float32 and raster.shape == (5, 5)
    # a 10 m cell inside one 25 m cell takes its value; a cell over a border the area mean:
    # x 20-30 m is half in column 0 and half in column 1 of the source
    assert raster[0].tolist() == [0.0, 0.0, 0.5, 1.0, 1.0]
    assert raster[2].tolist() == [0.25, 0.25, (0 + 1 + 0.5 + 0.25) / 4, 0.625, 0.625]
    assert raster[4].tolist() == [0.5, 0.5, 0.375, 0.25, 0.25]


def test_nodata_becomes_nan_and_whole_source_is_the_default_area(tmp_path):
    tif = write_tif(tmp_path / "groen25.tif", BRON_25M[None], TRANSFORM_25M, nodata=-1)
    raster, transform, _ = read_groen_raster(tif)
    assert transform == Affine(10, 0, 190000, 0, -10, 445100)
    assert raster.shape == (10, 10)
    # only the 4 cells (x 80-100, y 0-20 from the bottom) lie wholly in the nodata pixel
    assert np.argwhere(np.isnan(raster)).tolist() == [[8, 8], [8, 9], [9, 8], [9, 9]]
    # the cell over nodata and valid pixels averages the valid part: x 70-80, y 20-30
    assert raster[7, 7] == pytest.approx(0.5)


def test_wgs84_geotiff_reprojected_to_an_aligned_10m_rd_grid(tmp_path):
    # lon 5.85-5.95, lat 51.95-52.00 in pixels of 0.0005 degree; west of lon 5.90 a share of
    # 0.2, east of it 0.8
    values = np.where(np.arange(200)[None, :] < 100, 0.2, 0.8) * np.ones((100, 1))
    transform = Affine(0.0005, 0, 5.85, 0, -0.0005, 52.00)
    tif = write_tif(tmp_path / "groen_wgs84.tif", values[None], transform, crs="EPSG:4326")
    raster, rd_transform, _ = read_groen_raster(tif)
    assert (rd_transform.a, rd_transform.e) == (10.0, -10.0)
    assert rd_transform.c % 10 == 0 and rd_transform.f % 10 == 0
    # the meridian 5.90 in RD, at the south and north edge of the raster
    naar_rd = pyproj.Transformer.from_crs("EPSG:4326", "EPSG:28992", always_xy=True)
    (x_zuid, x_noord), _ = naar_rd.transform([5.90, 5.90], [51.95, 52.00])
    rijen, kolommen = np.indices(raster.shape)
    x_midden = rd_transform.c + (kolommen + 0.5) * 10
    data = np.isfinite(raster)
    west = data & (x_midden < min(x_zuid, x_noord) - 20)
    oost = data & (x_midden > max(x_zuid, x_noord) + 20)
    assert west.sum() > 10_000 and oost.sum() > 10_000
    assert np.allclose(raster[west], 0.2) and np.allclose(raster[oost], 0.8)
    # the RD grid is wider than the source (the lon/lat box is not a rectangle in RD): NaN there
    assert np.isnan(raster).any()
    assert np.nanmin(raster) >= 0.2 - 1e-6 and np.nanmax(raster) <= 0.8 + 1e-6


def test_ndvi_to_green_share_with_the_ramp(tmp_path):
    ndvi = np.array([[-0.5, 0.2, 0.35, 0.5, 0.9]])
    tif = write_tif(tmp_path / "ndvi.tif", ndvi[None], Affine(10, 0, 190000, 0, -10, 445010))
    raster, _, herkomst = read_groen_raster(tif, soort="ndvi")
    # float32 in the file: 0.2 is stored as 0.2000000029, hence the tolerance
    np.testing.assert_allclose(raster, [[0.0, 0.0, 0.5, 1.0, 1.0]], atol=1e-6)
    assert "NDVI 0.2-0.5 lineair naar aandeel 0-1" in herkomst.query
    raster, _, _ = read_groen_raster(tif, soort="ndvi", ndvi_kaal=0.0, ndvi_vol=1.0)
    np.testing.assert_allclose(raster, [[0.0, 0.2, 0.35, 0.5, 0.9]], atol=1e-6)


def test_values_that_do_not_fit_the_kind_are_refused(tmp_path):
    procent = np.array([[0.0, 40.0, 100.0]])
    tif = write_tif(tmp_path / "procent.tif", procent[None], Affine(10, 0, 190000, 0, -10, 445010))
    with pytest.raises(
        BronError, match=r"waarden van 0 tot 100, maar soort='aandeel'.*soort='procent'"
    ):
        read_groen_raster(tif)
    raster, _, _ = read_groen_raster(tif, soort="procent")
    np.testing.assert_allclose(raster, [[0.0, 0.4, 1.0]], atol=1e-6)
    with pytest.raises(BronError, match="Geschaalde NDVI"):
        read_groen_raster(tif, soort="ndvi")


def test_geotiff_without_crs_is_a_crs_error_naming_the_file(tmp_path):
    tif = write_tif(
        tmp_path / "zonder_crs.tif",
        np.ones((1, 2, 2)),
        Affine(10, 0, 190000, 0, -10, 445020),
        crs=None,
    )
    with pytest.raises(CRSError) as excinfo:
        read_groen_raster(tif)
    tekst = str(excinfo.value)
    assert str(tif) in tekst
    assert "heeft geen CRS" in tekst and "gdal_edit.py -a_srs EPSG:28992 zonder_crs.tif" in tekst


def test_more_than_one_band_is_refused(tmp_path):
    tif = write_tif(
        tmp_path / "rgb.tif", np.zeros((3, 2, 2)), Affine(10, 0, 190000, 0, -10, 445020)
    )
    with pytest.raises(BronError, match="heeft 3 banden; verwacht één band"):
        read_groen_raster(tif, soort="ndvi")


def test_round_trip_with_write_groen_raster_keeps_provenance(tmp_path):
    herkomst = Herkomst(
        bron="Groenkaart test", datum="2024-06-01", licentie="CC BY 4.0", query="q0"
    )
    raster = np.array([[0.1, 0.9], [0.5, 0.0]], dtype="float32")
    tif = write_groen_raster(
        tmp_path / "g.tif", raster, Affine(10, 0, 190000, 0, -10, 445020), herkomst
    )
    terug, transform, h = read_groen_raster(tif)
    assert terug.tolist() == raster.tolist()
    assert transform == Affine(10, 0, 190000, 0, -10, 445020)
    assert (h.bron, h.datum, h.licentie) == ("Groenkaart test", "2024-06-01", "CC BY 4.0")
    assert h.query == "q0; read_groen_raster(g.tif, soort=aandeel, cel_m=10)"


def test_geotiff_outside_the_area_is_an_error(tmp_path):
    tif = write_tif(tmp_path / "g.tif", np.ones((1, 2, 2)), Affine(10, 0, 190000, 0, -10, 445020))
    with pytest.raises(BronError, match="ligt helemaal buiten het gevraagde gebied"):
        read_groen_raster(tif, gebied=(150000, 400000, 150100, 400100))


def test_raster_grid_snaps_to_whole_cells_and_refuses_degrees():
    transform, breedte, hoogte = raster_grid((190004.0, 444996.0, 190031.0, 445020.0))
    assert transform == Affine(10, 0, 190000, 0, -10, 445020) and (breedte, hoogte) == (4, 3)
    with pytest.raises(CRSError, match="ligt niet in RD-coördinaten"):
        raster_grid(shapely.box(5.8, 51.9, 6.0, 52.0))


# --------------------------------------------------------------------------- polygons


def test_polygon_share_by_supersampling_by_hand():
    # 16 x 16 m in the corner of a 10 m grid: 1 full cell, two cells 6/10 covered, one 0.36
    park = gpd.GeoSeries([shapely.box(190000, 445000, 190016, 445016)], crs="EPSG:28992")
    raster, transform, _ = rasterize_groen(park, gebied=(190000, 444990, 190030, 445020))
    assert transform == Affine(10, 0, 190000, 0, -10, 445020)
    assert raster.astype(float).round(6).tolist() == [
        [0.6, 0.36, 0.0],
        [1.0, 0.6, 0.0],
        [0.0, 0.0, 0.0],
    ]
    # supersample=1: a cell is green when its centre is (all_touched=False)
    raster, _, _ = rasterize_groen(park, gebied=(190000, 444990, 190030, 445020), supersample=1)
    assert raster.tolist() == [[1.0, 1.0, 0.0], [1.0, 1.0, 0.0], [0.0, 0.0, 0.0]]


def test_overlapping_polygons_count_once_and_holes_are_not_green():
    ring = shapely.box(190000, 445000, 190030, 445030).difference(
        shapely.box(190010, 445010, 190020, 445020)
    )
    groen = gpd.GeoDataFrame(
        geometry=[ring, shapely.box(190000, 445000, 190010, 445010)], crs="EPSG:28992"
    )
    raster, _, _ = rasterize_groen(groen, gebied=(190000, 445000, 190030, 445030))
    assert raster.tolist() == [[1.0, 1.0, 1.0], [1.0, 0.0, 1.0], [1.0, 1.0, 1.0]]


def test_polygons_in_wgs84_are_reprojected_and_without_crs_refused():
    park_rd = shapely.box(190000, 445000, 190100, 445100)
    park = gpd.GeoSeries([park_rd], crs="EPSG:28992").to_crs("EPSG:4326")
    raster, _, _ = rasterize_groen(park, gebied=(190000, 445000, 190100, 445100))
    assert float(raster.sum()) * 100 == pytest.approx(10_000, rel=0.01)
    with pytest.raises(CRSError, match="geen CRS"):
        rasterize_groen(gpd.GeoSeries([park_rd]), gebied=park_rd)
    with pytest.raises(GebiedsplanError, match="verwacht vlakken; 1 geometrieën zijn Point"):
        rasterize_groen(
            gpd.GeoSeries([shapely.Point(190050, 445050)], crs="EPSG:28992"), gebied=park_rd
        )


def test_demo_green_polygons_total_area_is_kept(demo):
    # the demo polygons have edges on whole 10 m lines and do not overlap: exact
    raster, _, herkomst = rasterize_groen(
        demo.groen, gebied=demo.wijken, herkomst=demo.herkomst["groen"]
    )
    assert float(raster.astype("float64").sum()) * 100 == pytest.approx(demo.groen.area.sum())
    assert herkomst.synthetisch is True
    assert herkomst.query.endswith("; rasterize_groen(cel_m=10, supersample=5)")


def test_arnhem_wijken_rasterised_keep_the_gemeente_area(arnhem_data):
    """The 24 generalised Arnhem wijken (CBS/PDOK, CC BY 4.0) as 'green': 100.64 km2."""
    wijken = gpd.read_file(arnhem_data / "arnhem_wijken_2024_generalised.gpkg")
    raster, transform, _ = rasterize_groen(wijken, gebied=wijken)
    oppervlakte_km2 = shapely.union_all(wijken.geometry.to_numpy()).area / 1e6
    assert oppervlakte_km2 == pytest.approx(100.64, abs=0.01)
    assert float(raster.astype("float64").sum()) * 100 / 1e6 == pytest.approx(
        oppervlakte_km2, rel=0.001
    )
    assert (transform.a, transform.c % 10, transform.f % 10) == (10.0, 0.0, 0.0)
