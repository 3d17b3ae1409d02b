"""Green share per area: the mean of the 10 m green raster over each wijk or buurt (zonal
mean), for maps, reports and analyses."""

from __future__ import annotations

import math
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import rasterio
import rasterio.features
import rasterio.windows
from affine import Affine

from gebiedsplan import settings
from gebiedsplan.errors import CRSError, GebiedsplanError

__all__ = ["compute_groen_aandeel"]


def compute_groen_aandeel(vlakken: gpd.GeoDataFrame, raster: str | Path) -> pd.Series:
    """Mean green share (0-1) of each polygon: the mean of the raster cells whose centre lies
    inside it (zonal mean; cells without a value are left out).

    Parameters
    ----------
    vlakken
        Polygons (wijken, buurten) in EPSG:28992; they should not overlap (a cell counts for
        the last polygon that covers it).
    raster
        Green-share GeoTIFF (0-1) in EPSG:28992, e.g. ``gemeente.groen_raster``.

    Returns
    -------
    pandas.Series
        ``groen_aandeel`` per polygon, aligned to ``vlakken``; missing where no cell centre
        falls inside.

    Raises
    ------
    CRSError
        When the polygons or the raster are not in EPSG:28992.

    Examples
    --------
    >>> from gebiedsplan.importeren import demo_gemeente
    >>> g = demo_gemeente()
    >>> aandeel = compute_groen_aandeel(g.wijken, g.groen_raster)
    >>> bool(((aandeel > 0) & (aandeel < 1)).all())
    True
    """
    if vlakken.crs is None or not vlakken.crs.equals(settings.crs):
        raise CRSError(
            f"Vlakken voor het groenaandeel staan in {vlakken.crs}, niet in {settings.crs}; "
            f"gebruik to_crs('{settings.crs}')."
        )
    n = len(vlakken)
    with rasterio.open(raster) as bron:
        if bron.crs is None or bron.crs.to_epsg() != 28992:
            raise CRSError(
                f"Groenraster {raster} staat in {bron.crs}, niet in {settings.crs}; lees het in "
                "met gebiedsplan.bronnen.raster.read_groen_raster (dat herprojecteert)."
            )
        t = bron.transform
        if t.b != 0 or t.d != 0 or t.a <= 0 or t.e >= 0:
            raise GebiedsplanError(
                f"Groenraster {raster} is gedraaid of gespiegeld; schrijf het noord-boven weg "
                "(gebiedsplan.bronnen.raster.read_groen_raster)."
            )
        minx, miny, maxx, maxy = vlakken.total_bounds
        kol0 = max(0, math.floor((minx - t.c) / t.a))
        kol1 = min(bron.width, math.ceil((maxx - t.c) / t.a))
        rij0 = max(0, math.floor((maxy - t.f) / t.e))
        rij1 = min(bron.height, math.ceil((miny - t.f) / t.e))
        venster = rasterio.windows.Window(kol0, rij0, max(0, kol1 - kol0), max(0, rij1 - rij0))
        waarden = bron.read(1, window=venster, masked=True).astype(float).filled(np.nan)
        transform = Affine(t.a, 0.0, t.c + kol0 * t.a, 0.0, t.e, t.f + rij0 * t.e)
    if waarden.size == 0:
        return pd.Series(np.nan, index=vlakken.index, name="groen_aandeel")
    labels = rasterio.features.rasterize(
        ((g, i + 1) for i, g in enumerate(vlakken.geometry) if g is not None and not g.is_empty),
        out_shape=waarden.shape,
        transform=transform,
        fill=0,
        dtype="int32",
    )
    geldig = (labels > 0) & np.isfinite(waarden)
    som = np.bincount(labels[geldig], weights=waarden[geldig], minlength=n + 1)[1:]
    aantal = np.bincount(labels[geldig], minlength=n + 1)[1:]
    with np.errstate(invalid="ignore", divide="ignore"):
        gemiddeld = np.where(aantal > 0, som / np.maximum(aantal, 1), np.nan)
    return pd.Series(gemiddeld, index=vlakken.index, name="groen_aandeel")
