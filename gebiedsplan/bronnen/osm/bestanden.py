"""OpenStreetMap from files: OSM XML and PBF through pyosmium, GIS vector files through pyogrio.

- ``.osm`` (OSM XML) and ``.osm.pbf`` (e.g. a download.geofabrik.de extract): the objects with
  the wanted tags, plus what they reference, are written as OSM XML that osmnx reads
  (:func:`osm_uittreksel`, :func:`features_uit_bestand`);
- GIS vector files (GeoPackage, shapefile, GeoJSON; the Geofabrik "free shapefile" layers with
  an ``fclass`` column): one layer in EPSG:28992 with stable ids (:func:`lees_klassen`).

:func:`open_bestand` checks the file and the area once for all three readers.
"""

from __future__ import annotations

import contextlib
import logging
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import osmium
import osmnx as ox
import pandas as pd
import pyogrio
import shapely

from gebiedsplan._io import check_bestand
from gebiedsplan._validate import naar_rd
from gebiedsplan.bronnen import Herkomst
from gebiedsplan.bronnen._datering import bestand_datum, jaar_in_naam
from gebiedsplan.bronnen.osm.gebied import BRON, LICENTIE, clip, gebied_in_rd, naar_wgs84
from gebiedsplan.bronnen.osm.tags import Regel, osmnx_tags
from gebiedsplan.errors import BronError, CRSError

log = logging.getLogger(__name__)

_OSM_FORMATEN = {".osm": "osm", ".xml": "osm", ".bz2": "osm.bz2", ".gz": "osm.gz", ".pbf": "pbf"}


def _osm_formaat(path: Path) -> str | None:
    """libosmium format of an OSM file, or None when it is not one (then: a GIS vector file)."""
    naam = path.name.lower()
    if naam.endswith((".osm.bz2", ".osm.gz")) or path.suffix.lower() in (".osm", ".xml", ".pbf"):
        return _OSM_FORMATEN[path.suffix.lower()]
    return None


def _check_bestaat(path: Path) -> None:
    """Raise a :class:`BronError` naming the file when it is not there, a folder, or empty."""
    check_bestand(path)


@dataclass(frozen=True)
class Bestand:
    """An OSM or GIS vector file opened for reading (:func:`open_bestand`)."""

    path: Path
    #: The area asked for, in RD; None for the whole file.
    gebied: shapely.Polygon | shapely.MultiPolygon | None
    #: libosmium format of an OSM file; None for a GIS vector file.
    formaat: str | None
    #: The source in messages and provenance: "OpenStreetMap (<file name>)".
    bron: str

    def herkomst(self, query: str) -> Herkomst:
        """Provenance of data read from the file: the file's date as download date, the
        moment its data describe from :func:`peildatum_bestand` (and how, in the query)."""
        peildatum, hoe = peildatum_bestand(self.path, self.formaat)
        return Herkomst(
            bron=self.bron,
            datum=bestand_datum(self.path),
            licentie=LICENTIE,
            query=f"{query}; {hoe}",
            peildatum=peildatum,
        )


def open_bestand(path: str | Path, *, gebied: Any = None) -> Bestand:
    """Check that the file is there, the area (if any) in RD, and whether it is an OSM file."""
    path = Path(path)
    _check_bestaat(path)
    return Bestand(
        path=path,
        gebied=gebied_in_rd(gebied, wat="gebied") if gebied is not None else None,
        formaat=_osm_formaat(path),
        bron=f"{BRON} ({path.name})",
    )


def _tags(obj: Any) -> dict[str, str]:
    return {t.k: t.v for t in obj.tags}


def osm_uittreksel(
    path: Path,
    doel: Path,
    *,
    sleutels: Sequence[str],
    houden: Callable[[dict[str, str]], bool],
    entiteiten: Any = None,
) -> None:
    """Write the objects of ``path`` that ``houden`` accepts, plus what they reference, as XML.

    pyosmium reads ``.osm`` XML and ``.osm.pbf`` alike; the result is plain OSM XML that osmnx
    reads (``features_from_xml``, ``graph_from_xml``). Only objects with one of ``sleutels``
    reach Python, so a provincial extract stays manageable.
    """
    formaat = _OSM_FORMATEN[path.suffix.lower()]
    bron = osmium.io.File(str(path), formaat)
    n = 0
    try:
        with osmium.BackReferenceWriter(
            osmium.io.File(str(doel), "osm"),
            ref_src=osmium.io.File(str(path), formaat),
            overwrite=True,
        ) as writer:
            processor = osmium.FileProcessor(
                bron, entiteiten if entiteiten is not None else osmium.osm.ALL
            ).with_filter(osmium.filter.KeyFilter(*sleutels))
            for obj in processor:
                if houden(_tags(obj)):
                    writer.add(obj)
                    n += 1
    except RuntimeError as exc:
        soort = "OSM PBF" if formaat == "pbf" else "OSM XML"
        raise BronError(
            f"Bestand {path} is niet te lezen als {soort}: {exc}. Verwacht een .osm-bestand "
            "(OSM XML, bv. een export van openstreetmap.org) of een .osm.pbf-uittreksel (bv. van "
            "download.geofabrik.de)."
        ) from None
    log.debug("%s: %d objecten geselecteerd", path.name, n)


def peildatum_bestand(path: Path, formaat: str | None = None) -> tuple[str, str]:
    """The moment the data of an OSM file describe, and where that was found: the replication
    timestamp in the header of an OSM file, else the one year in the file name
    (``osm_geofabrik2018_...``), else the file's date (logged).

    Examples
    --------
    >>> import tempfile
    >>> pad = Path(tempfile.mkdtemp()) / "osm_poi_arnhem_2025.geojson"
    >>> _ = pad.write_text("{}")
    >>> peildatum_bestand(pad)
    ('2025', 'peildatum: jaar in de bestandsnaam')
    """
    if formaat is not None:
        with contextlib.suppress(RuntimeError):
            reader = osmium.io.Reader(osmium.io.File(str(path), formaat), osmium.osm.NOTHING)
            stempel = reader.header().get("osmosis_replication_timestamp")
            reader.close()
            if stempel:
                return str(stempel)[:10], "peildatum: tijdstempel in de kop van het OSM-bestand"
    jaar = jaar_in_naam(path)
    if jaar is not None:
        log.info("%s: gegevens van %d (jaar in de bestandsnaam)", path.name, jaar)
        return str(jaar), "peildatum: jaar in de bestandsnaam"
    datum = bestand_datum(path)
    log.info(
        "%s: het bestand zegt niet van wanneer de gegevens zijn; de datum van het bestand (%s) "
        "is gebruikt",
        path.name,
        datum,
    )
    return datum, "peildatum onbekend: datum van het bestand"


def features_uit_bestand(
    bestand: Bestand, regels: Sequence[Regel], *, wat: str
) -> tuple[gpd.GeoDataFrame, str]:
    """osmnx features (EPSG:4326) with the tags of ``regels`` from an OSM XML or PBF file, in
    the area of the file when it has one; and the query for the provenance."""
    tags = osmnx_tags(regels)

    def houden(obj_tags: dict[str, str]) -> bool:
        for sleutel, waarden in tags.items():
            waarde = obj_tags.get(sleutel)
            if waarde is not None and any(d.strip() in waarden for d in waarde.split(";")):
                return True
        return False

    with tempfile.TemporaryDirectory(prefix="gebiedsplan-osm-") as tmp:
        xml = Path(tmp) / "uittreksel.osm"
        osm_uittreksel(bestand.path, xml, sleutels=list(tags), houden=houden)
        try:
            features = ox.features_from_xml(
                xml,
                tags={k: list(v) for k, v in tags.items()},
                polygon=naar_wgs84(bestand.gebied) if bestand.gebied is not None else None,
            )
        except ox._errors.InsufficientResponseError:
            raise BronError(f"Bestand {bestand.path}: geen {wat} gevonden.") from None
    return features, f"bestand {bestand.path.name}; tags={tags}"


def lees_vector(path: Path, *, laag: str | None, voorkeur: str) -> tuple[gpd.GeoDataFrame, str]:
    """Read one layer of a vector file in EPSG:28992; ``voorkeur`` picks among several layers."""
    try:
        lagen = [str(rij[0]) for rij in pyogrio.list_layers(path)]
    except Exception as exc:  # pyogrio raises DataSourceError and friends
        raise BronError(
            f"Bestand {path} is geen leesbaar GIS-bestand ({exc}). Verwacht OSM (.osm, .osm.pbf) "
            "of een vectorbestand (GeoPackage, shapefile, GeoJSON)."
        ) from None
    if laag is None:
        passend = [naam for naam in lagen if voorkeur in naam.lower()]
        if len(passend) > 1:  # Geofabrik: gis_osm_pois_free_1 (points) before pois_a (areas)
            passend = [naam for naam in passend if f"{voorkeur}_free" in naam.lower()]
        if len(lagen) == 1:
            laag = lagen[0]
        elif len(passend) == 1:
            laag = passend[0]
        else:
            raise BronError(
                f"Bestand {path} heeft {len(lagen)} lagen ({', '.join(lagen)}); kies er een met "
                f"laag=..., bv. laag={lagen[0]!r}."
            )
    elif laag not in lagen:
        raise BronError(f"Bestand {path} heeft geen laag {laag!r}; aanwezig: {', '.join(lagen)}.")
    frame = gpd.read_file(path, layer=laag)
    if frame.crs is None:
        raise CRSError(
            f"Bestand {path} (laag {laag}) heeft geen CRS; gebiedsplan raadt dat niet. Lever het "
            ".prj-bestand mee (shapefile) of zet het CRS in QGIS; Geofabrik-shapefiles zijn "
            "EPSG:4326."
        )
    return naar_rd(frame, bron=str(path), wat=f"Bestand {path} (laag {laag})"), laag


def find_kolom(frame: pd.DataFrame, naam: str) -> str | None:
    """The column called ``naam``, ignoring case (Geofabrik DBFs may say FCLASS)."""
    for kolom in frame.columns:
        if str(kolom).lower() == naam:
            return str(kolom)
    return None


def rij_ids(frame: gpd.GeoDataFrame, *, voorvoegsel: str) -> pd.Index:
    """Stable ids: ``osm:<osm_id>`` where the file has an osm_id, else the 1-based row number."""
    osm_id = find_kolom(frame, "osm_id")
    if osm_id is not None and frame[osm_id].notna().all() and frame[osm_id].is_unique:
        return pd.Index("osm:" + frame[osm_id].astype(str).str.replace(r"\.0$", "", regex=True))
    return pd.Index([f"{voorvoegsel}{i + 1}" for i in range(len(frame))])


def lees_klassen(
    bestand: Bestand,
    *,
    laag: str | None,
    voorkeur: str,
    kolommen: Sequence[str],
    voorvoegsel: str | None = None,
    clip_gebied: bool = True,
) -> tuple[gpd.GeoDataFrame, str, str | None]:
    """A layer of a vector file with a class column (Geofabrik ``fclass``, ``category``).

    Returns the layer in EPSG:28992 indexed by stable ids (:func:`rij_ids`, numbered rows
    prefixed with ``voorvoegsel``, default ``<file stem>:``), with ``clip_gebied`` only the rows
    that intersect the file's area; the name of the layer; and the class column, the first of
    ``kolommen`` it has (ignoring case), or None.
    """
    path = bestand.path
    frame, laagnaam = lees_vector(path, laag=laag, voorkeur=voorkeur)
    frame = frame.set_axis(rij_ids(frame, voorvoegsel=voorvoegsel or f"{path.stem}:"))
    if clip_gebied:
        frame = clip(frame, bestand.gebied, bron=f"Bestand {path} (laag {laagnaam})")
    kolom = next((k for naam in kolommen if (k := find_kolom(frame, naam)) is not None), None)
    return frame, laagnaam, kolom
