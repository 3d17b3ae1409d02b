"""Green share per area: the mean of the 10 m green raster over each wijk, buurt or gebied
(zonal mean, :func:`compute_groen_aandeel`), and the shares of a whole gemeente with the
raster's provenance (:func:`compute_groen`, a :class:`Groenaandeel`) as the green map and the
report show them."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import rasterio
import rasterio.features
import rasterio.windows
import shapely
from affine import Affine
from rasterio.enums import MaskFlags

from gebiedsplan import settings
from gebiedsplan.bronnen import Herkomst
from gebiedsplan.bronnen.raster import read_groen_raster
from gebiedsplan.errors import CRSError, GebiedsplanError
from gebiedsplan.gemeente import Gemeente

#: A park: a public green polygon of at least 1 ha (DESIGN, analyses: green).
PARK_MIN_M2 = 10_000.0

__all__ = ["Groenaandeel", "compute_groen", "compute_groen_aandeel"]


def _check_vlakken(vlakken: gpd.GeoDataFrame) -> None:
    if vlakken.crs is None or not vlakken.crs.equals(settings.crs):
        raise CRSError(
            f"Vlakken voor het groenaandeel staan in {vlakken.crs}, niet in {settings.crs}; "
            f"gebruik to_crs('{settings.crs}')."
        )


def _window(t: Affine, breedte: int, hoogte: int, grenzen: np.ndarray) -> tuple[int, ...]:
    """(first column, first row, end column, end row) of the cells under ``grenzen``
    (minx, miny, maxx, maxy), within the raster."""
    minx, miny, maxx, maxy = grenzen
    kol0 = max(0, math.floor((minx - t.c) / t.a))
    kol1 = min(breedte, math.ceil((maxx - t.c) / t.a))
    rij0 = max(0, math.floor((maxy - t.f) / t.e))
    rij1 = min(hoogte, math.ceil((miny - t.f) / t.e))
    return kol0, rij0, max(kol0, kol1), max(rij0, rij1)


@dataclass(frozen=True, eq=False)
class _Cellen:
    """The cells of a green raster under an area, read once; the zonal means of polygons
    inside that area come from them (:meth:`aandeel`) as from reading each polygon's cells."""

    waarden: np.ndarray  # floats, NaN where the file has no value
    t: Affine  # the file's transform
    breedte: int  # the file's size in cells
    hoogte: int
    kol0: int  # the first column and row read
    rij0: int

    @classmethod
    def read(cls, raster: str | Path, grenzen: np.ndarray) -> _Cellen:
        with rasterio.open(raster) as bron:
            if bron.crs is None or bron.crs.to_epsg() != 28992:
                raise CRSError(
                    f"Groenraster {raster} staat in {bron.crs}, niet in {settings.crs}; lees het "
                    "in met gebiedsplan.bronnen.raster.read_groen_raster (dat herprojecteert)."
                )
            t = bron.transform
            if t.b != 0 or t.d != 0 or t.a <= 0 or t.e >= 0:
                raise GebiedsplanError(
                    f"Groenraster {raster} is gedraaid of gespiegeld; schrijf het noord-boven "
                    "weg (gebiedsplan.bronnen.raster.read_groen_raster)."
                )
            kol0, rij0, kol1, rij1 = _window(t, bron.width, bron.height, grenzen)
            venster = rasterio.windows.Window(kol0, rij0, kol1 - kol0, rij1 - rij0)
            vlaggen = bron.mask_flag_enums[0]
            if MaskFlags.per_dataset in vlaggen or MaskFlags.alpha in vlaggen:  # a mask band
                waarden = bron.read(1, window=venster, masked=True).astype(float).filled(np.nan)
            else:  # a nodata value, applied here: a masked read costs far more
                ruw = bron.read(1, window=venster)
                waarden = ruw.astype(float)
                if bron.nodata is not None and not np.isnan(bron.nodata):
                    waarden[ruw == np.asarray(bron.nodata).astype(ruw.dtype)] = np.nan
            return cls(waarden, t, bron.width, bron.height, kol0, rij0)

    def aandeel(self, vlakken: gpd.GeoDataFrame) -> pd.Series:
        """The zonal mean of every polygon (:func:`compute_groen_aandeel`)."""
        t, n = self.t, len(vlakken)
        kol0, rij0, kol1, rij1 = _window(t, self.breedte, self.hoogte, vlakken.total_bounds)
        hoogte, breedte = self.waarden.shape
        assert self.kol0 <= kol0 and kol1 <= self.kol0 + breedte, "polygons outside the read"
        assert self.rij0 <= rij0 and rij1 <= self.rij0 + hoogte, "polygons outside the read"
        waarden = self.waarden[
            rij0 - self.rij0 : rij1 - self.rij0, kol0 - self.kol0 : kol1 - self.kol0
        ]
        if waarden.size == 0:
            return pd.Series(np.nan, index=vlakken.index, name="groen_aandeel")
        labels = rasterio.features.rasterize(
            (
                (g, i + 1)
                for i, g in enumerate(vlakken.geometry)
                if g is not None and not g.is_empty
            ),
            out_shape=waarden.shape,
            transform=Affine(t.a, 0.0, t.c + kol0 * t.a, 0.0, t.e, t.f + rij0 * t.e),
            fill=0,
            dtype="int32",
        )
        geldig = (labels > 0) & np.isfinite(waarden)
        vlak = labels[geldig]
        som = np.bincount(vlak, weights=waarden[geldig], minlength=n + 1)[1:]
        aantal = np.bincount(vlak, minlength=n + 1)[1:]
        with np.errstate(invalid="ignore", divide="ignore"):
            gemiddeld = np.where(aantal > 0, som / np.maximum(aantal, 1), np.nan)
        return pd.Series(gemiddeld, index=vlakken.index, name="groen_aandeel")


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
    _check_vlakken(vlakken)
    return _Cellen.read(raster, vlakken.total_bounds).aandeel(vlakken)


@dataclass(frozen=True, eq=False)
class Groenaandeel:
    """The green share (0-1) of the areas of a gemeente, from its 10 m green raster
    (:func:`compute_groen`): what the green map and the report's green section show.

    A gemeente without a green raster has every share missing and no ``herkomst``
    (:attr:`beschikbaar` is False).
    """

    #: per wijk (index ``wijkcode``), Series ``groen_aandeel``
    per_wijk: pd.Series
    #: per buurt (index ``buurtcode``)
    per_buurt: pd.Series
    #: per gebied of the gemeente file (index ``gebied``: its name), over the buurten of the
    #: gebied (the same area as its gap table ``hiaten_gebied``)
    per_gebied: pd.Series
    #: the whole gemeente (its wijken together)
    totaal: float
    #: provenance of the raster (:func:`gebiedsplan.bronnen.raster.read_groen_raster`); None
    #: without a raster
    herkomst: Herkomst | None
    #: public green (polygons of the ``groen`` layer with ``openbaar``) in m² inside each gebied
    #: (index ``gebied``); missing without a ``groen`` layer
    openbaar_m2: pd.Series | None = None
    #: all public green of the layer in m² (overlaps counted once)
    openbaar_m2_totaal: float = math.nan
    #: public green polygons of at least 1 ha that lie in or touch each gebied
    parken_1ha: pd.Series | None = None
    #: public green polygons of at least 1 ha in the layer
    parken_1ha_totaal: float = math.nan

    @property
    def beschikbaar(self) -> bool:
        """Whether the gemeente has a green raster (else every share is missing)."""
        return self.herkomst is not None

    @property
    def openbaar_beschikbaar(self) -> bool:
        """Whether the gemeente has a ``groen`` layer (else public green is missing)."""
        return self.openbaar_m2 is not None


def compute_groen(gemeente: Gemeente) -> Groenaandeel:
    """The green share of every wijk, buurt and gebied and of the whole gemeente, from the
    gemeente's 10 m green raster (:func:`compute_groen_aandeel`), with the raster's provenance.

    A gebied is measured over its buurten together, the area its figures in the gap table
    (``hiaten_gebied``) and in the report cover. A gemeente without a green raster
    (``gemeente.groen_raster`` is None) gives a :class:`Groenaandeel` with every share missing
    and no provenance.

    Parameters
    ----------
    gemeente
        A loaded gemeente; its green raster is ``<opslag>_groen_10m.tif`` beside the layer store.

    Returns
    -------
    Groenaandeel

    Raises
    ------
    CRSError
        When the raster or the wijken and buurten are not in EPSG:28992.
    GebiedsplanError
        When the raster is rotated or mirrored.

    Examples
    --------
    >>> import dataclasses
    >>> from gebiedsplan.importeren import demo_gemeente
    >>> g = demo_gemeente()
    >>> groen = compute_groen(g)
    >>> round(groen.totaal, 2), round(float(groen.per_gebied["Havenkwartier"]), 2)
    (0.25, 0.18)
    >>> compute_groen(dataclasses.replace(g, groen_raster=None)).beschikbaar
    False
    """
    wijken, buurten = gemeente.wijken, gemeente.buurten
    gebieden = pd.Index(list(gemeente.gebieden), name="gebied", dtype=object)
    raster = gemeente.groen_raster
    gebied_vlakken = [
        shapely.union_all(buurten.loc[list(g.buurten)].geometry.to_numpy())
        for g in gemeente.gebieden.values()
    ]
    openbaar = _openbaar_groen(gemeente.groen, gebied_vlakken, gebieden)
    if raster is None:
        return Groenaandeel(
            per_wijk=pd.Series(np.nan, index=wijken.index, name="groen_aandeel"),
            per_buurt=pd.Series(np.nan, index=buurten.index, name="groen_aandeel"),
            per_gebied=pd.Series(np.nan, index=gebieden, name="groen_aandeel", dtype=float),
            totaal=math.nan,
            herkomst=None,
            **openbaar,
        )
    _check_vlakken(wijken)
    _check_vlakken(buurten)
    # the cells under the gemeente, read once; every area below lies inside
    wb, bb = wijken.total_bounds, buurten.total_bounds
    cellen = _Cellen.read(raster, np.r_[np.minimum(wb[:2], bb[:2]), np.maximum(wb[2:], bb[2:])])

    def vlak_aandeel(vlak: shapely.Geometry) -> float:
        return float(cellen.aandeel(gpd.GeoDataFrame(geometry=[vlak], crs=settings.crs)).iloc[0])

    # gebieden may share buurten (overlap), so each is measured on its own
    per_gebied = [vlak_aandeel(vlak) for vlak in gebied_vlakken]
    return Groenaandeel(
        per_wijk=cellen.aandeel(wijken),
        per_buurt=cellen.aandeel(buurten),
        per_gebied=pd.Series(per_gebied, index=gebieden, name="groen_aandeel", dtype=float),
        totaal=vlak_aandeel(shapely.union_all(wijken.geometry.to_numpy())),
        herkomst=_herkomst(raster, cellen),
        **openbaar,
    )


def _openbaar_groen(
    groen: gpd.GeoDataFrame | None, vlakken: list[shapely.Geometry], gebieden: pd.Index
) -> dict[str, Any]:
    """Public green of the ``groen`` layer: m² inside each gebied (``vlakken``) and in all,
    and the parks of at least 1 ha touching each gebied and in all; empty without the layer."""
    if groen is None:
        return {}
    openbaar = np.asarray(groen.geometry[groen["openbaar"].astype(bool)].to_numpy())
    groot = shapely.area(openbaar) >= PARK_MIN_M2
    if len(openbaar):
        in_gebied = [shapely.union_all(shapely.intersection(openbaar, v)).area for v in vlakken]
        parken = [int((groot & shapely.intersects(openbaar, v)).sum()) for v in vlakken]
    else:
        in_gebied, parken = [0.0] * len(vlakken), [0] * len(vlakken)
    return {
        "openbaar_m2": pd.Series(in_gebied, index=gebieden, name="openbaar_groen_m2", dtype=float),
        "openbaar_m2_totaal": float(shapely.union_all(openbaar).area) if len(openbaar) else 0.0,
        "parken_1ha": pd.Series(parken, index=gebieden, name="parken_1ha", dtype=float),
        "parken_1ha_totaal": float(groot.sum()),
    }


def _herkomst(raster: Path, cellen: _Cellen) -> Herkomst:
    """The raster's provenance as its reader gives it: the file's tags plus how it was read
    (:func:`gebiedsplan.bronnen.raster.read_groen_raster`), which does not depend on the area
    read; one cell is read, at the centre of the raster."""
    t = cellen.t
    x, y = t @ (cellen.breedte / 2, cellen.hoogte / 2)
    _, _, herkomst = read_groen_raster(raster, gebied=(x, y, x + t.a, y - t.e))
    return herkomst
