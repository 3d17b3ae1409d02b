"""The CBS 100 m population grid (Kaart van 100 meter bij 100 meter met statistieken).

CBS counts the inhabitants of every 100 m cell of the RD grid (cells whose corners are whole
hundreds of metres) on 1 January. Online, :func:`fetch_bevolkingsraster` asks the PDOK WFS of a
year (``https://service.pdok.nl/cbs/vierkantstatistieken100m/{jaar}/wfs/v1_0``, feature type
``vierkantstatistieken100m:vierkant_100m``, GeoJSON in RD) for the cells in the bounding box of
an area, page by page (WFS 2.0 ``startIndex``/``count``; PDOK returns at most 1000 per page, so
it pages until a page comes back empty). Its file twin :func:`read_bevolkingsraster` reads the
GeoPackage CBS publishes (``cbs_vk100_{jaar}_v1.gpkg`` in ``{publicatiejaar}-cbs_vk100_{jaar}_v1.zip``
on download.cbs.nl; one layer of cell polygons in RD).

The inhabitants column is ``aantal_inwoners`` in the GeoPackage and ``aantalInwoners`` in the
WFS of recent years (``INWONER`` in the files up to 2016); the cell id is ``crs28992res100m``
(``E1905N4434``: the south-west corner in hectometres). CBS rounds the counts and writes
negative codes for what it does not publish: -99997 "geheim" (too few inhabitants to publish),
-99995 and friends. Such a cell is suppressed: it carries no number, it is never counted as 0.

How the grid becomes demand points (the buurt totals spread by cell count, suppressed cells
without weight) is in :mod:`gebiedsplan.bronnen.vraag`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from gebiedsplan import settings
from gebiedsplan._http import Verzoek, full_url, iter_pages
from gebiedsplan._io import check_bestand
from gebiedsplan._tekst import getal
from gebiedsplan._validate import naar_rd
from gebiedsplan.bronnen import Herkomst
from gebiedsplan.bronnen._datering import bestand_datum, jaar_in_naam
from gebiedsplan.bronnen._statline import opgehaald_op
from gebiedsplan.bronnen.bag import _is_rd
from gebiedsplan.bronnen.pdok import _check_rd
from gebiedsplan.errors import BronError

log = logging.getLogger(__name__)

#: PDOK WFS of the 100 m grid, one service per year.
WFS_URL = "https://service.pdok.nl/cbs/vierkantstatistieken100m/{jaar}/wfs/v1_0"
#: Feature type of the cells in that WFS.
TYPENAAM = "vierkantstatistieken100m:vierkant_100m"
#: Years for which PDOK serves the grid as a WFS (the latest at or before the run's year is used).
JAREN = (2019, 2020, 2021, 2022, 2023, 2024)
#: Cells per page (PDOK returns at most 1000).
PAGINA = 1000
BRON = "PDOK CBS vierkantstatistieken"
LICENTIE = "CC BY 4.0 (CBS)"
#: Columns that hold the inhabitants of a cell, by source and year (first found wins).
INWONERS = ("aantal_inwoners", "aantalInwoners", "INWONER", "inwoners")
#: Columns that hold the cell id.
CEL_ID = ("crs28992res100m", "c28992r100", "C28992R100")


@dataclass(frozen=True)
class Bevolkingsraster:
    """Inhabitants per 100 m cell.

    Attributes
    ----------
    data
        Cells in EPSG:28992 (polygons), index the cell id, column ``aantal_inwoners`` (float;
        NaN where CBS suppressed the number).
    herkomst
        Where the grid comes from.
    geheim
        How many cells CBS suppressed (no number published).
    """

    data: gpd.GeoDataFrame
    herkomst: Herkomst
    geheim: int = 0

    def tekst(self) -> str:
        """One Dutch line: cells, inhabitants, suppressed cells.

        Examples
        --------
        >>> import geopandas as gpd, shapely
        >>> r = Bevolkingsraster(gpd.GeoDataFrame({"aantal_inwoners": [35.0, np.nan]},
        ...     geometry=[shapely.box(0, 0, 100, 100), shapely.box(100, 0, 200, 100)],
        ...     crs="EPSG:28992"), Herkomst("CBS", "2026-01-01", "CC BY 4.0"), geheim=1)
        >>> r.tekst()
        '2 cellen van 100 m, 35 inwoners; 1 cellen geheim (niet als 0 geteld)'
        """
        inwoners = int(np.nansum(self.data["aantal_inwoners"].to_numpy(dtype=float)))
        tekst = f"{getal(len(self.data))} cellen van 100 m, {getal(inwoners)} inwoners"
        return tekst + (
            f"; {getal(self.geheim)} cellen geheim (niet als 0 geteld)" if self.geheim else ""
        )


def raster_jaar(jaar: int) -> int:
    """The grid year to use for a run of ``jaar``: the latest of :data:`JAREN` at or before it.

    Examples
    --------
    >>> raster_jaar(2025), raster_jaar(2022)
    (2024, 2022)
    """
    eerder = [j for j in JAREN if j <= jaar]
    if not eerder:
        raise BronError(
            f"CBS 100m-raster: geen jaargang bij PDOK van {jaar} of eerder; bekend zijn "
            f"{', '.join(map(str, JAREN))}."
        )
    return max(eerder)


def _cellen(frame: gpd.GeoDataFrame, *, bron: str) -> tuple[gpd.GeoDataFrame, int]:
    """The grid as :class:`Bevolkingsraster` data: inhabitants column found, codes -> NaN."""
    kolom = next((k for k in INWONERS if k in frame.columns), None)
    if kolom is None:
        anders = next(
            (c for c in frame.columns if str(c).lower().replace("_", "") == "aantalinwoners"), None
        )
        kolom = anders
    if kolom is None:
        raise BronError(
            f"{bron}: geen kolom met het aantal inwoners per cel ({' of '.join(INWONERS)}); "
            f"aanwezig: {', '.join(str(c) for c in frame.columns if c != 'geometry')}. Is dit het "
            "100m-raster van CBS (cbs_vk100_<jaar>.gpkg)?"
        )
    waarde = pd.to_numeric(frame[kolom], errors="coerce").astype(float)
    geheim = (waarde < 0).to_numpy() | waarde.isna().to_numpy()
    waarde[geheim] = np.nan
    idkolom = next((k for k in CEL_ID if k in frame.columns), None)
    if idkolom is not None:
        index = pd.Index(frame[idkolom].astype(str).to_numpy(), name="cel")
    else:
        c = shapely.centroid(frame.geometry.to_numpy())
        x0 = np.floor(shapely.get_x(c) / 100).astype(int)
        y0 = np.floor(shapely.get_y(c) / 100).astype(int)
        index = pd.Index([f"E{x:04d}N{y:04d}" for x, y in zip(x0, y0, strict=True)], name="cel")
    cellen = gpd.GeoDataFrame(
        {"aantal_inwoners": waarde.to_numpy()},
        geometry=frame.geometry.to_numpy(),
        crs=frame.crs,
        index=index,
    )
    cellen = cellen[~cellen.index.duplicated()]
    return cellen, int(geheim.sum())


def _volgende(pagina: dict[str, Any], verzoek: Verzoek) -> Verzoek | None:
    """The next WFS page (``startIndex`` on), or None after an empty or the last page."""
    url, params = verzoek
    n = len(pagina.get("features", []))
    if n == 0 or params is None:
        return None
    start = int(params.get("startIndex", 0)) + n
    totaal = pagina.get("numberMatched")
    if isinstance(totaal, int) and start >= totaal:
        return None
    return url, {**params, "startIndex": start}


def fetch_bevolkingsraster(gebied: shapely.Geometry, *, jaar: int) -> Bevolkingsraster:
    """Inhabitants per 100 m cell in an area from the PDOK WFS of the CBS grid.

    Parameters
    ----------
    gebied
        The area in EPSG:28992 (the buurten that need the grid); the cells in its bounding box
        are asked for, those whose centre lies in it are kept.
    jaar
        Year of the run; the grid of :func:`raster_jaar` is used.

    Returns
    -------
    Bevolkingsraster

    Raises
    ------
    BronError
        The service cannot be reached (and the answer is not cached), answers outside RD, or
        has no cell in the area.

    Examples
    --------
    >>> import shapely
    >>> raster = fetch_bevolkingsraster(shapely.box(190300, 443100, 192500, 444600), jaar=2024)  # doctest: +SKIP
    >>> raster.tekst()  # doctest: +SKIP
    '212 cellen van 100 m, 9.875 inwoners; 14 cellen geheim (niet als 0 geteld)'
    """
    rasterjaar = raster_jaar(jaar)
    url = WFS_URL.format(jaar=rasterjaar)
    minx, miny, maxx, maxy = gebied.bounds
    params: dict[str, Any] = {
        "service": "WFS",
        "version": "2.0.0",
        "request": "GetFeature",
        "typeNames": TYPENAAM,
        "outputFormat": "application/json",
        "srsName": "EPSG:28992",
        "bbox": f"{np.floor(minx):.0f},{np.floor(miny):.0f},{np.ceil(maxx):.0f},"
        f"{np.ceil(maxy):.0f},urn:ogc:def:crs:EPSG::28992",
        "count": PAGINA,
        "startIndex": 0,
    }
    query = full_url(url, params)
    features = [
        f
        for pagina in iter_pages(
            url, params, lijst="features", volgende=_volgende, bron=BRON, wat="startIndex"
        )
        for f in pagina
    ]
    if not features:
        raise BronError(
            f"PDOK gaf geen cellen van het CBS 100m-raster {rasterjaar} in het gebied ({query})."
        )
    frame = gpd.GeoDataFrame.from_features(features, crs=settings.crs)
    _check_rd(frame, query)
    cellen, _ = _cellen(frame, bron=f"CBS 100m-raster {rasterjaar} (PDOK WFS)")
    cellen = _binnen(cellen, gebied)
    geheim = int(cellen["aantal_inwoners"].isna().sum())
    if geheim == len(cellen):
        raise BronError(
            f"PDOK gaf voor het gebied alleen geheime of lege cellen van het CBS 100m-raster "
            f"{rasterjaar} ({getal(len(cellen))} cellen; {query}); geheime cellen tellen nooit "
            "als 0."
        )
    datum = opgehaald_op(url, params)
    herkomst = Herkomst(
        bron=f"CBS Vierkantstatistieken 100 m {rasterjaar} (PDOK WFS)",
        datum=datum,
        licentie=LICENTIE,
        query=f"{query}; {_verslag(cellen, geheim)}",
        peildatum=f"{rasterjaar}-01-01",
    )
    return Bevolkingsraster(cellen, herkomst, geheim)


def _binnen(cellen: gpd.GeoDataFrame, gebied: shapely.Geometry | None) -> gpd.GeoDataFrame:
    """The cells whose centre lies in ``gebied``."""
    if gebied is None or cellen.empty:
        return cellen
    c = shapely.centroid(cellen.geometry.to_numpy())
    shapely.prepare(gebied)
    return cellen[shapely.contains_xy(gebied, shapely.get_x(c), shapely.get_y(c))]


def _verslag(cellen: gpd.GeoDataFrame, geheim: int) -> str:
    bekend = cellen["aantal_inwoners"].notna()
    return (
        f"{int(bekend.sum())} cellen met inwoners ({int(cellen['aantal_inwoners'].sum())} "
        f"inwoners), {geheim} cellen geheim (niet als 0 geteld)"
    )


def read_bevolkingsraster(
    path: str | Path,
    *,
    gebied: shapely.Geometry | None = None,
    laag: str | None = None,
) -> Bevolkingsraster:
    """Inhabitants per 100 m cell from the CBS GeoPackage: the file twin of
    :func:`fetch_bevolkingsraster`.

    Parameters
    ----------
    path
        ``cbs_vk100_{jaar}_v1.gpkg`` (unzipped from download.cbs.nl), an extract of it, or any
        polygon or point file of the 100 m cells with ``aantal_inwoners`` (``aantalInwoners``,
        ``INWONER``), in any CRS.
    gebied
        The area in EPSG:28992; only the cells in its bounding box are read, those whose centre
        lies in it are kept.
    laag
        The layer, when the file has more than one.

    Returns
    -------
    Bevolkingsraster

    Raises
    ------
    BronError
        The file is missing, empty, unreadable or has no inhabitants column; no cell lies in
        ``gebied``; every cell in it is suppressed (nothing to place anybody with).
    CRSError
        No CRS, or coordinates that do not fit it.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import geopandas as gpd, shapely
    >>> cellen = gpd.GeoDataFrame({"crs28992res100m": ["E1905N4437", "E1906N4437"],
    ...     "aantal_inwoners": [35, -99997]}, geometry=[shapely.box(190500, 443700, 190600,
    ...     443800), shapely.box(190600, 443700, 190700, 443800)], crs="EPSG:28992")
    >>> bestand = Path(tempfile.mkdtemp()) / "cbs_vk100_2024_v1.gpkg"
    >>> cellen.to_file(bestand, layer="cbs_vk100_2024")
    >>> raster = read_bevolkingsraster(bestand)
    >>> raster.tekst(), raster.herkomst.peildatum
    ('2 cellen van 100 m, 35 inwoners; 1 cellen geheim (niet als 0 geteld)', '2024-01-01')
    """
    bestand = check_bestand(path, wat="Rasterbestand")
    try:
        lagen = [str(rij[0]) for rij in pyogrio.list_layers(bestand)]
    except Exception as exc:  # GDAL raises its own types
        regel = (str(exc).strip().splitlines() or [""])[0]
        raise BronError(
            f"Rasterbestand {bestand} is geen leesbaar GIS-bestand ({regel}). Verwacht het "
            "GeoPackage van het CBS 100m-raster (cbs_vk100_<jaar>_v1.gpkg)."
        ) from None
    if laag is None:
        if len(lagen) != 1:
            raise BronError(
                f"Rasterbestand {bestand} heeft {len(lagen)} lagen ({', '.join(lagen)}); noem de "
                "laag met de cellen."
            )
        laag = lagen[0]
    elif laag not in lagen:
        raise BronError(
            f"Rasterbestand {bestand} heeft geen laag '{laag}'; wel: {', '.join(lagen)}."
        )
    info = pyogrio.read_info(bestand, layer=laag)
    bbox = None
    if gebied is not None and info.get("crs") and _is_rd(info["crs"]):
        minx, miny, maxx, maxy = gebied.bounds
        bbox = (minx, miny, maxx, maxy)
    frame = pyogrio.read_dataframe(bestand, layer=laag, bbox=bbox)
    wat = f"Rasterbestand {bestand}"
    if not frame.empty:
        frame = naar_rd(frame, bron=str(bestand), wat=wat)
    cellen, _ = _cellen(frame, bron=wat)
    cellen = _binnen(cellen, gebied)
    if cellen.empty:
        raise BronError(
            f"{wat}: geen cel van het 100m-raster ligt in de gemeente. Is het raster van een "
            "ander gebied, of leeg?"
        )
    geheim = int(cellen["aantal_inwoners"].isna().sum())
    if geheim == len(cellen):
        raise BronError(
            f"{wat}: alle {getal(geheim)} cellen in de gemeente zijn geheim (CBS-code -99997 of "
            "een andere code onder 0): er is geen aantal inwoners om de vraagpunten mee te "
            "plaatsen. Geheime cellen tellen nooit als 0. Gebruik een ander jaar van het raster, "
            "--adressen, of laat --raster weg (de inwoners worden dan over de buurten verdeeld)."
        )
    jaar = jaar_in_naam(bestand)
    datum = bestand_datum(bestand)
    herkomst = Herkomst(
        bron=f"CBS Vierkantstatistieken 100 m{f' {jaar}' if jaar else ''} (bestand {bestand.name})",
        datum=datum,
        licentie=LICENTIE,
        query=f"{bestand}, laag {laag}; {_verslag(cellen, geheim)}; "
        + (
            "peildatum: jaar in de bestandsnaam"
            if jaar
            else "peildatum onbekend: datum van het bestand"
        ),
        peildatum=f"{jaar}-01-01" if jaar else datum,
    )
    log.info("%s: %s", wat, Bevolkingsraster(cellen, herkomst, geheim).tekst())
    return Bevolkingsraster(cellen, herkomst, geheim)


__all__ = [
    "JAREN",
    "WFS_URL",
    "Bevolkingsraster",
    "fetch_bevolkingsraster",
    "raster_jaar",
    "read_bevolkingsraster",
]
