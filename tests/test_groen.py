"""The green share per area (gebiedsplan.analyse.groen.compute_groen_aandeel): a hand-made raster
with the answer worked out by hand, the CRS checks, and the demo against brute force; and the
green shares of a whole gemeente as run_analyse carries them (compute_groen, Groenaandeel)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import rasterio
import shapely
from affine import Affine

from gebiedsplan.analyse.groen import compute_groen, compute_groen_aandeel
from gebiedsplan.bronnen.raster import read_groen_raster
from gebiedsplan.errors import CRSError


def _raster(pad: Path, waarden: np.ndarray, *, crs: str = "EPSG:28992") -> Path:
    with rasterio.open(
        pad,
        "w",
        driver="GTiff",
        width=waarden.shape[1],
        height=waarden.shape[0],
        count=1,
        dtype="float32",
        crs=crs,
        transform=Affine(10, 0, 1000, 0, -10, 2040),
        nodata=-1,
    ) as dst:
        dst.write(waarden.astype("float32"), 1)
    return pad


def test_groenaandeel_met_een_raster_uit_de_hand(tmp_path):
    """4 x 4 cells of 10 m from (1000, 2000) to (1040, 2040); left half one polygon, right
    half another, a cell without a value (-1 = nodata) is left out."""
    waarden = np.array(
        [
            [0.0, 0.2, 1.0, 1.0],
            [0.4, 0.6, 1.0, -1],
            [0.1, 0.1, 0.5, 0.5],
            [0.3, 0.3, 0.0, 0.0],
        ]
    )
    raster = _raster(tmp_path / "groen.tif", waarden)
    vlakken = gpd.GeoDataFrame(
        {"naam": ["links", "rechts", "klein"]},
        geometry=[
            shapely.box(1000, 2000, 1020, 2040),
            shapely.box(1020, 2000, 1040, 2040),
            shapely.box(1001, 2001, 1004, 2004),  # no cell centre inside
        ],
        crs="EPSG:28992",
        index=["A", "B", "C"],
    )
    uit = compute_groen_aandeel(vlakken, raster)
    assert uit.name == "groen_aandeel" and list(uit.index) == ["A", "B", "C"]
    assert uit["A"] == pytest.approx((0.0 + 0.2 + 0.4 + 0.6 + 0.1 + 0.1 + 0.3 + 0.3) / 8)
    assert uit["B"] == pytest.approx((1.0 + 1.0 + 1.0 + 0.5 + 0.5 + 0.0 + 0.0) / 7)
    assert np.isnan(uit["C"])
    # the same cell left out by a mask band instead of the nodata value
    with rasterio.open(
        tmp_path / "masker.tif",
        "w",
        driver="GTiff",
        width=4,
        height=4,
        count=1,
        dtype="float32",
        crs="EPSG:28992",
        transform=Affine(10, 0, 1000, 0, -10, 2040),
    ) as dst:
        dst.write(np.where(waarden < 0, 7.0, waarden).astype("float32"), 1)
        dst.write_mask(np.where(waarden < 0, 0, 255).astype("uint8"))
    met_masker = compute_groen_aandeel(vlakken, tmp_path / "masker.tif")
    assert met_masker.iloc[:2].tolist() == uit.iloc[:2].tolist()
    with pytest.raises(CRSError, match="niet in EPSG:28992"):
        compute_groen_aandeel(vlakken, _raster(tmp_path / "wgs.tif", waarden, crs="EPSG:4326"))
    with pytest.raises(CRSError, match="to_crs"):
        compute_groen_aandeel(vlakken.to_crs("EPSG:4326"), raster)


def test_groenaandeel_van_de_demo_gelijk_aan_brute_kracht(gemeente):
    """Per gebied of the demo (the figure the report shows): the mean over every cell whose
    centre lies inside, found by testing each cell centre."""
    with rasterio.open(gemeente.groen_raster) as bron:
        waarden = bron.read(1, masked=True).astype(float).filled(np.nan)
        t = bron.transform
    rijen, kolommen = np.indices(waarden.shape)
    x, y = t.c + (kolommen + 0.5) * t.a, t.f + (rijen + 0.5) * t.e
    for naam, gebied in gemeente.gebieden.items():
        vlak = shapely.union_all(gemeente.buurten.loc[list(gebied.buurten)].geometry.to_numpy())
        binnen = shapely.contains_xy(vlak, x, y) & np.isfinite(waarden)
        uit = compute_groen_aandeel(
            gpd.GeoDataFrame(geometry=[vlak], crs=gemeente.wijken.crs), gemeente.groen_raster
        )
        assert binnen.sum() > 100
        assert uit.iloc[0] == pytest.approx(float(waarden[binnen].mean()), rel=1e-9), naam


def _brute_kracht(gemeente):
    """Every cell centre of the demo raster with its value (NaN: no value)."""
    with rasterio.open(gemeente.groen_raster) as bron:
        waarden = bron.read(1, masked=True).astype(float).filled(np.nan)
        t = bron.transform
    rijen, kolommen = np.indices(waarden.shape)
    return t.c + (kolommen + 0.5) * t.a, t.f + (rijen + 0.5) * t.e, waarden


def test_groen_van_de_gemeente_per_wijk_buurt_en_gebied(gemeente, analyse):
    """run_analyse carries the green shares: per wijk and buurt the zonal means the green map
    showed before (compute_groen_aandeel), per gebied and for the whole gemeente the mean over
    the cells whose centre lies in its buurten, found by testing each cell centre."""
    groen = analyse.groen
    assert groen.beschikbaar
    for reeks, vlakken in ((groen.per_wijk, gemeente.wijken), (groen.per_buurt, gemeente.buurten)):
        assert reeks.name == "groen_aandeel" and list(reeks.index) == list(vlakken.index)
        verwacht = compute_groen_aandeel(vlakken, gemeente.groen_raster)
        assert reeks.to_numpy().tolist() == verwacht.to_numpy().tolist()  # exactly
    x, y, waarden = _brute_kracht(gemeente)
    assert list(groen.per_gebied.index) == ["Havenkwartier", "Pilot Noord", "Pilot Zuid"]
    for naam, gebied in gemeente.gebieden.items():
        vlak = shapely.union_all(gemeente.buurten.loc[list(gebied.buurten)].geometry.to_numpy())
        binnen = shapely.contains_xy(vlak, x, y) & np.isfinite(waarden)
        assert groen.per_gebied[naam] == pytest.approx(float(waarden[binnen].mean()), rel=1e-9)
    heel = shapely.union_all(gemeente.wijken.geometry.to_numpy())
    binnen = shapely.contains_xy(heel, x, y) & np.isfinite(waarden)
    assert groen.totaal == pytest.approx(float(waarden[binnen].mean()), rel=1e-9)
    # the figures the report showed before: 18% for Havenkwartier, 25% for the gemeente
    assert round(100 * groen.per_gebied["Havenkwartier"]) == 18 and round(100 * groen.totaal) == 25
    # the provenance of the raster as its reader gives it
    _, _, herkomst = read_groen_raster(gemeente.groen_raster)
    assert groen.herkomst == herkomst
    assert groen.herkomst.synthetisch and "read_groen_raster(GM9999_groen_10m.tif" in herkomst.query


def test_groen_zonder_raster_is_leeg_en_geen_fout(gemeente):
    zonder = dataclasses.replace(gemeente, groen_raster=None)
    groen = compute_groen(zonder)
    assert not groen.beschikbaar and groen.herkomst is None
    assert list(groen.per_wijk.index) == list(gemeente.wijken.index)
    assert list(groen.per_buurt.index) == list(gemeente.buurten.index)
    assert list(groen.per_gebied.index) == list(gemeente.gebieden)
    for reeks in (groen.per_wijk, groen.per_buurt, groen.per_gebied):
        assert reeks.isna().all() and reeks.dtype == float
    assert np.isnan(groen.totaal)
