"""Green areas from OpenStreetMap: online (osmnx) and from files; areas only, public or not."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any, cast

import geopandas as gpd
import numpy as np
import osmnx as ox
import shapely

from gebiedsplan import settings
from gebiedsplan._validate import validate_laag
from gebiedsplan.bronnen import Laag
from gebiedsplan.bronnen.osm.bestanden import (
    features_uit_bestand,
    find_kolom,
    lees_klassen,
    open_bestand,
)
from gebiedsplan.bronnen.osm.gebied import BRON, GEOM_VLAK, gebied_in_rd, gebied_tekst, naar_wgs84
from gebiedsplan.bronnen.osm.overpass import call_osmnx, herkomst_online
from gebiedsplan.bronnen.osm.tags import (
    Regel,
    any_of,
    groen_regels,
    kies_regel,
    map_op_waarde,
    osm_ids,
    osmnx_tags,
    telling,
    to_rd,
)
from gebiedsplan.errors import BronError

log = logging.getLogger(__name__)


def _alleen_vlakken(geoms: np.ndarray) -> np.ndarray:
    """Valid (Multi)Polygons: invalid ones repaired, non-areal parts of repairs dropped."""
    geoms = geoms.copy()
    ongeldig = np.flatnonzero(~shapely.is_valid(geoms))
    for i in ongeldig:
        hersteld = shapely.make_valid(geoms[i])
        delen = [
            d for d in shapely.get_parts(hersteld) if shapely.get_type_id(d) in (3, 6)
        ]  # Polygon, MultiPolygon
        geoms[i] = shapely.union_all(delen) if delen else None
    return geoms


def _groen_uit_features(
    features: gpd.GeoDataFrame, regels: Sequence[Regel], *, bron: str
) -> gpd.GeoDataFrame:
    """osmnx features -> validated ``groen`` layer (areas only)."""
    if len(features) == 0:
        raise BronError(f"{bron}: geen groenvlakken gevonden.")
    ids = osm_ids(features).to_numpy()
    frame = features.reset_index(drop=True)
    keuze = kies_regel(frame, regels, bron=bron)
    vlak = frame.geom_type.isin(GEOM_VLAK).to_numpy()
    if (n := int(((keuze >= 0) & ~vlak).sum())) > 0:
        log.info("%s: %d groenobjecten zonder vlak (punt of lijn) weggelaten", bron, n)
    houden = (keuze >= 0) & vlak
    geoms = _alleen_vlakken(to_rd(features, bron=bron).to_numpy()[houden])
    regels_gekozen = [regels[i] for i in keuze[houden]]
    niet_openbaar = np.zeros(int(houden.sum()), dtype=bool)
    deel = frame[houden].reset_index(drop=True)
    for regel in {r for r in regels_gekozen if r.niet_openbaar}:
        van_regel = np.array([r == regel for r in regels_gekozen])
        niet_openbaar |= van_regel & any_of(deel, regel.niet_openbaar)
    uit = gpd.GeoDataFrame(
        {
            "id": ids[houden],
            "type": [r.doel for r in regels_gekozen],
            "openbaar": ~niet_openbaar,
            "naam": deel["name"].to_numpy(dtype=object) if "name" in deel.columns else None,
        },
        geometry=geoms,
        crs=settings.crs,
    )
    uit = uit[~(uit.geometry.isna() | uit.geometry.is_empty)]
    if len(uit) == 0:
        raise BronError(f"{bron}: geen groenvlakken gevonden.")
    log.info("%s: %d groenvlakken (%s)", bron, len(uit), telling(uit["type"]))
    return cast(gpd.GeoDataFrame, validate_laag(uit, "groen", bron=bron))


def fetch_groen(polygon_rd: Any, *, naam: str | None = None) -> Laag:
    """Load green areas from OpenStreetMap (Overpass via osmnx).

    The tags of ``lagen/catalogus/osm_groen.csv`` (leisure=park, landuse=grass/forest/
    recreation_ground, natural=wood, leisure=garden); ``openbaar`` is false where the row's
    ``niet_openbaar`` condition holds (``access=private``, a residential garden). Only areas are
    kept; parks drawn as a single point are left out.

    Parameters
    ----------
    polygon_rd
        The area: a shapely (Multi)Polygon in EPSG:28992, or a GeoSeries/GeoDataFrame with a CRS.
    naam
        Name of the area, recorded in the provenance.

    Returns
    -------
    Laag
        Layer ``groen``: ``type`` (park, gras, bos, recreatieterrein, tuin), ``openbaar``,
        extra column ``naam``; indexed by ``id`` (``osm:way/123``); (Multi)Polygons in EPSG:28992.

    Examples
    --------
    >>> from shapely import box
    >>> from gebiedsplan.bronnen.osm import fetch_groen
    >>> laag = fetch_groen(box(189_000, 443_000, 192_000, 446_000))  # doctest: +SKIP
    """
    gebied = gebied_in_rd(polygon_rd, wat="polygon_rd")
    regels = groen_regels()
    tags = osmnx_tags(regels)
    features = call_osmnx(ox.features_from_polygon, naar_wgs84(gebied), tags=tags, wat="groen")
    data = _groen_uit_features(features, regels, bron=f"{BRON} (Overpass)")
    herkomst = herkomst_online(
        f"osmnx.features_from_polygon({gebied_tekst(gebied, naam)}, tags={tags})"
    )
    return Laag("groen", data, herkomst)


def read_groen(path: str | Path, *, gebied: Any = None, laag: str | None = None) -> Laag:
    """Read green areas from an OSM file (``.osm``, ``.osm.pbf``) or a Geofabrik landuse layer.

    OSM files go through the same table and rules as :func:`fetch_groen`. A Geofabrik
    ``gis_osm_landuse_a_free_1`` layer is mapped by its ``fclass`` on the ``waarde`` of
    ``osm_groen.csv`` (park, forest, grass, recreation_ground); it has no access tags, so every
    area counts as ``openbaar`` there.

    Parameters
    ----------
    path
        The file.
    gebied
        Optional area (EPSG:28992, or GeoSeries/GeoDataFrame with CRS): areas that intersect it.
    laag
        Layer of a multi-layer vector file; by default the only layer, or the one called
        ``*landuse*``.

    Returns
    -------
    Laag
        Layer ``groen`` as :func:`fetch_groen` returns it.

    Examples
    --------
    >>> from gebiedsplan.bronnen.osm import read_groen
    >>> laag = read_groen("gelderland-latest.osm.pbf")  # doctest: +SKIP
    """
    bestand = open_bestand(path, gebied=gebied)
    regels = groen_regels()
    if bestand.formaat is not None:
        features, query = features_uit_bestand(bestand, regels, wat="groenvlakken")
        data = _groen_uit_features(features, regels, bron=bestand.bron)
    else:
        frame, laagnaam, kolom = lees_klassen(
            bestand, laag=laag, voorkeur="landuse", kolommen=("fclass",)
        )
        if kolom is None:
            raise BronError(
                f"Bestand {bestand.path} (laag {laagnaam}): kolom 'fclass' ontbreekt; aanwezig: "
                f"{', '.join(map(str, frame.columns))}. Verwacht de Geofabrik-laag "
                "gis_osm_landuse_a_free_1, of een .osm/.osm.pbf-bestand."
            )
        houden, gekozen = map_op_waarde(frame, kolom, regels, bron=bestand.bron)
        houden &= frame.geom_type.isin(GEOM_VLAK).to_numpy()
        deel = frame[houden]
        naamkolom = find_kolom(deel, "name")
        uit = gpd.GeoDataFrame(
            {
                "id": deel.index,
                "type": [r.doel for r, h in zip(gekozen, houden, strict=True) if h and r],
                "openbaar": True,
                "naam": deel[naamkolom].to_numpy(dtype=object) if naamkolom else None,
            },
            geometry=_alleen_vlakken(deel.geometry.to_numpy()),
            crs=settings.crs,
        )
        data = cast(gpd.GeoDataFrame, validate_laag(uit, "groen", bron=bestand.bron))
        query = f"bestand {bestand.path.name}, laag {laagnaam}; fclass via osm_groen.csv"
    return Laag("groen", data, bestand.herkomst(query))
