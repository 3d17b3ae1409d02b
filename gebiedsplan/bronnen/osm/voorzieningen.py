"""Voorzieningen of the sociale basis from OpenStreetMap: online (osmnx) and from files."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
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
from gebiedsplan.bronnen.osm.gebied import BRON, gebied_in_rd, gebied_tekst, naar_wgs84
from gebiedsplan.bronnen.osm.overpass import call_osmnx, herkomst_online
from gebiedsplan.bronnen.osm.tags import (
    Regel,
    kies_regel,
    map_op_waarde,
    osm_ids,
    osmnx_tags,
    tag_regels,
    telling,
    to_rd,
)
from gebiedsplan.catalogus import load_catalogus
from gebiedsplan.errors import BronError

log = logging.getLogger(__name__)


def _voorzieningen_laag(
    ids: Any, namen: Iterable[Any], regels: Sequence[Regel], geoms: np.ndarray, *, bron: str
) -> gpd.GeoDataFrame:
    """The validated ``voorzieningen`` layer: one point on the surface of every feature, named
    by its OSM name or e.g. "Speelplek (zonder naam)"."""
    labels = load_catalogus().categorieen
    categorie = [r.doel for r in regels]
    uit = gpd.GeoDataFrame(
        {
            "id": ids,
            "naam": [
                n.strip()
                if isinstance(n, str) and n.strip()
                else f"{labels[c].label if c in labels else c} (zonder naam)"
                for n, c in zip(namen, categorie, strict=True)
            ],
            "categorie": categorie,
            "subcategorie": [r.waarde for r in regels],
            "bron": BRON,
        },
        geometry=shapely.point_on_surface(geoms),
        crs=settings.crs,
    )
    return cast(gpd.GeoDataFrame, validate_laag(uit, "voorzieningen", bron=bron))


def _voorzieningen_uit_features(
    features: gpd.GeoDataFrame, regels: Sequence[Regel], *, bron: str
) -> gpd.GeoDataFrame:
    """osmnx features -> validated ``voorzieningen`` layer (one point per feature)."""
    if len(features) == 0:
        raise BronError(f"{bron}: geen voorzieningen van de sociale basis gevonden.")
    ids = osm_ids(features)
    frame = features.reset_index(drop=True)
    keuze = kies_regel(frame, regels, bron=bron)
    gekozen = keuze >= 0
    if not gekozen.any():
        raise BronError(
            f"{bron}: {len(frame)} OSM-objecten gevonden, maar geen enkele valt onder "
            "lagen/catalogus/osm_tags.csv (voorwaarden niet vervuld)."
        )
    namen = (
        frame["name"].to_numpy(dtype=object)[gekozen]
        if "name" in frame.columns
        else np.full(int(gekozen.sum()), None, dtype=object)
    )
    uit = _voorzieningen_laag(
        ids.to_numpy()[gekozen],
        namen,
        [regels[i] for i in keuze[gekozen]],
        to_rd(features, bron=bron).to_numpy()[gekozen],
        bron=bron,
    )
    log.info("%s: %d voorzieningen (%s)", bron, len(uit), telling(uit["categorie"]))
    return uit


def fetch_voorzieningen(polygon_rd: Any, *, naam: str | None = None) -> Laag:
    """Load voorzieningen of the sociale basis from OpenStreetMap (Overpass via osmnx).

    Every OSM tag of ``lagen/catalogus/osm_tags.csv`` is asked for within the polygon; each
    feature gets the category of the first matching table row whose ``voorwaarde`` holds.
    Areas (a school building, a park) become one point on their surface. ``opvang`` (shelters,
    group homes) is loaded as well: analyses may need it, maps hide it.

    Parameters
    ----------
    polygon_rd
        The area: a shapely (Multi)Polygon in EPSG:28992, or a GeoSeries/GeoDataFrame with a CRS.
    naam
        Name of the area (e.g. ``"Arnhem"``), recorded in the provenance.

    Returns
    -------
    Laag
        Layer ``voorzieningen``: ``naam`` (OSM name or e.g. "Speelplek (zonder naam)"),
        ``categorie``, ``subcategorie`` (the OSM tag value), ``bron``; indexed by ``id`` such as
        ``osm:node/123``; points in EPSG:28992.

    Raises
    ------
    BronError
        Overpass unreachable, nothing found, or ``settings.alleen_cache`` is on.
    CRSError
        The polygon is not in RD (e.g. lon/lat given).

    Examples
    --------
    >>> from shapely import box
    >>> from gebiedsplan.bronnen.osm import fetch_voorzieningen
    >>> laag = fetch_voorzieningen(box(189_000, 443_000, 192_000, 446_000),
    ...     naam="Arnhem-centrum")  # doctest: +SKIP
    >>> laag.data["categorie"].value_counts()  # doctest: +SKIP
    """
    gebied = gebied_in_rd(polygon_rd, wat="polygon_rd")
    regels = tag_regels()
    tags = osmnx_tags(regels)
    features = call_osmnx(
        ox.features_from_polygon, naar_wgs84(gebied), tags=tags, wat="voorzieningen"
    )
    bron = f"{BRON} (Overpass)"
    data = _voorzieningen_uit_features(features, regels, bron=bron)
    herkomst = herkomst_online(
        f"osmnx.features_from_polygon({gebied_tekst(gebied, naam)}, tags={tags})"
    )
    return Laag("voorzieningen", data, herkomst)


def read_voorzieningen(path: str | Path, *, gebied: Any = None, laag: str | None = None) -> Laag:
    """Read voorzieningen from an OSM file or an OSM-derived point file.

    Formats:

    - ``.osm`` (OSM XML) and ``.osm.pbf``: the same tags, conditions and rules as
      :func:`fetch_voorzieningen` (the PBF is converted to XML with pyosmium first);
    - vector files with a class column, mapped on the ``waarde`` of ``osm_tags.csv``: a
      ``category`` column (e.g. ``library`` -> bibliotheek, ``park`` -> groen) or a Geofabrik
      ``fclass`` column (``gis_osm_pois_free_1``). Rows of the table with a ``voorwaarde``
      (``school``, ``social_facility``) cannot be checked there and are left out; so are
      classes outside the table (museum, cinema, ...). Both are logged.

    Parameters
    ----------
    path
        The file.
    gebied
        Optional area (shapely (Multi)Polygon in EPSG:28992, or GeoSeries/GeoDataFrame with
        CRS): only features that intersect it are kept.
    laag
        Layer of a multi-layer vector file; by default the only layer, or the one called
        ``*pois*``.

    Returns
    -------
    Laag
        Layer ``voorzieningen`` as :func:`fetch_voorzieningen` returns it.

    Raises
    ------
    BronError
        The file is missing or unreadable (naming it), or has no class column.
    CRSError
        A vector file without CRS.

    Examples
    --------
    >>> from gebiedsplan.bronnen.osm import read_voorzieningen
    >>> laag = read_voorzieningen("gelderland-latest.osm.pbf")  # doctest: +SKIP
    >>> laag.herkomst.licentie  # doctest: +SKIP
    'ODbL 1.0 (© OpenStreetMap-bijdragers)'
    """
    bestand = open_bestand(path, gebied=gebied)
    regels = tag_regels()
    if bestand.formaat is not None:
        features, query = features_uit_bestand(bestand, regels, wat="voorzieningen")
        data = _voorzieningen_uit_features(features, regels, bron=bestand.bron)
    else:
        frame, laagnaam, kolom = lees_klassen(
            bestand, laag=laag, voorkeur="pois", kolommen=("category", "fclass")
        )
        if kolom is None:
            raise BronError(
                f"Bestand {bestand.path} (laag {laagnaam}): geen kolom 'category' of 'fclass' met de "
                f"soort voorziening; aanwezig: {', '.join(map(str, frame.columns))}. Verwacht OSM "
                "(.osm/.osm.pbf), een Geofabrik-pois-laag (fclass) of punten met 'category'."
            )
        houden, gekozen = map_op_waarde(frame, kolom, regels, bron=bestand.bron)
        if not houden.any():
            raise BronError(
                f"Bestand {bestand.path}: geen enkele waarde van kolom '{kolom}' staat in "
                "lagen/catalogus/osm_tags.csv (zonder voorwaarde)."
            )
        deel = frame[houden]
        naamkolom = find_kolom(deel, "name")
        data = _voorzieningen_laag(
            deel.index,
            deel[naamkolom] if naamkolom else [None] * len(deel),
            [r for r in gekozen if r is not None],
            deel.geometry.to_numpy(),
            bron=bestand.bron,
        )
        query = f"bestand {bestand.path.name}, laag {laagnaam}; kolom {kolom} via osm_tags.csv"
    return Laag("voorzieningen", data, bestand.herkomst(query))
