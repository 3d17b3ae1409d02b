"""OpenStreetMap: voorzieningen, groen and street networks (osmnx online, files offline).

Online, through osmnx and the Overpass API (``fetch_*``); offline, from files (``read_*``):
OSM XML (``.osm``), OSM PBF (``.osm.pbf``, e.g. a download.geofabrik.de extract) and the
Geofabrik "free shapefile" layers (shapefile or GeoPackage with an ``fclass`` column). Every
function returns a validated catalogue layer in EPSG:28992 with its provenance, as :class:`Laag`.

What is selected is data, in ``lagen/catalogus/``:

``osm_tags.csv`` (``categorie, sleutel, waarde, voorwaarde, toelichting``)
    OSM tag -> category of the sociale basis. A feature belongs to a row when its tag
    ``sleutel`` has the value ``waarde`` and, if ``voorwaarde`` is filled, at least one of its
    alternatives holds: ``isced:level=1|school=primary`` reads "isced:level is 1 or school is
    primary". OSM value lists count per part (``isced:level=0;1`` contains 1). **A feature that
    matches several rows gets the category of the first matching row, in table order** (a
    community_centre that is also a sports_centre is ``ontmoeting``). Sensitive categories
    (``opvang``) are loaded like every other; maps hide them.
``osm_groen.csv`` (``type, sleutel, waarde, niet_openbaar, toelichting``)
    OSM tag -> green type; ``niet_openbaar`` (same grammar) marks green that is not public.
``modus_wegen.csv`` (``sleutel, waarde, lopen, fietsen, auto, toelichting``)
    Which roads belong to the network of each modus; its ``highway`` rows are also the
    Geofabrik road classes (``fclass``). The same table filters every network in
    :func:`gebiedsplan.netwerk.graaf.select_modus` (:func:`gebiedsplan.catalogus.load_modus_wegen`).

Networks from OSM (online and ``.osm``/``.osm.pbf``) use the osmnx network types ``walk``,
``bike`` and ``drive`` for the modi ``lopen``, ``fietsen`` and ``auto``: the same way filter
for both, simplified, one row per undirected edge, lengths measured in EPSG:28992. Geofabrik
road lines become a network by :func:`netwerk_from_lijnen` (nodes at line ends and at vertices
shared by several lines, ends within 0.5 m snapped together). The Geofabrik table departs from
osmnx's ``walk`` filter in two places, because Geofabrik files carry no ``foot``/``access`` tags
to refine with: cycleways are walkable (RVV 1990 art. 4: pedestrians use the cycleway where
there is no pavement or footpath) and trunk roads are not (a Dutch "autoweg").

osmnx keeps its own cache of Overpass answers, in ``settings.cache_dir / "osmnx"``. With
``settings.alleen_cache`` the online functions refuse to run (use the file twins instead).
"""

from __future__ import annotations

import contextlib
import logging
import re
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, cast

import geopandas as gpd
import networkx as nx
import numpy as np
import osmium
import osmnx as ox
import pandas as pd
import pyogrio
import requests
import shapely
from scipy.sparse import coo_array
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from gebiedsplan import settings
from gebiedsplan._validate import check_projected, validate_laag
from gebiedsplan.bronnen import Herkomst, Laag
from gebiedsplan.catalogus import load_catalogus, load_modus_wegen
from gebiedsplan.errors import BronError, CRSError, GebiedsplanError

log = logging.getLogger(__name__)

BRON = "OpenStreetMap"
LICENTIE = "ODbL 1.0 (© OpenStreetMap-bijdragers)"
#: Modus -> osmnx network type.
MODI: Mapping[str, str] = {"lopen": "walk", "fietsen": "bike", "auto": "drive"}
#: Bounds of EPSG:28992 (RD New) in metres, as registered by EPSG.
_RD_GRENZEN = (-7_000.0, 289_000.0, 300_000.0, 629_000.0)
_OSM_FORMATEN = {".osm": "osm", ".xml": "osm", ".bz2": "osm.bz2", ".gz": "osm.gz", ".pbf": "pbf"}
_GEOM_VLAK = ("Polygon", "MultiPolygon")


# --- mapping tables ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Regel:
    """One row of a mapping table: tag ``sleutel=waarde`` (plus conditions) -> ``doel``."""

    doel: str
    sleutel: str
    waarde: str
    voorwaarde: tuple[tuple[str, str], ...] = ()
    niet_openbaar: tuple[tuple[str, str], ...] = ()


def _parse_voorwaarde(
    tekst: Any, *, waar: str, problemen: list[str]
) -> tuple[tuple[str, str], ...]:
    """``"isced:level=1|school=primary"`` -> ``(("isced:level", "1"), ("school", "primary"))``."""
    if not isinstance(tekst, str) or not tekst.strip():
        return ()
    delen = []
    for alternatief in tekst.split("|"):
        sleutel, teken, waarde = alternatief.partition("=")
        if not teken or not sleutel.strip() or not waarde.strip():
            problemen.append(
                f"{waar}: voorwaarde {tekst!r} is niet leesbaar; verwacht sleutel=waarde, "
                "alternatieven gescheiden door |, bv. isced:level=1|school=primary"
            )
            return ()
        delen.append((sleutel.strip(), waarde.strip()))
    return tuple(delen)


def _read_tabel(naam: str, kolommen: Sequence[str]) -> pd.DataFrame:
    pad = Path(settings.catalogus_dir) / naam
    try:
        tabel = pd.read_csv(pad, dtype=str, keep_default_na=False)
    except FileNotFoundError:
        raise GebiedsplanError(
            f"Catalogusbestand {pad} ontbreekt; het hoort bij gebiedsplan (lagen/catalogus)."
        ) from None
    ontbreekt = [k for k in kolommen if k not in tabel.columns]
    if ontbreekt:
        raise GebiedsplanError(
            f"{pad}: kolom(men) {', '.join(ontbreekt)} ontbreken; verwacht {', '.join(kolommen)}."
        )
    return tabel


def _tag_regels() -> list[_Regel]:
    """The rows of ``osm_tags.csv`` in table order, conditions parsed."""
    tabel = load_catalogus().osm_tags
    if "voorwaarde" not in tabel.columns:
        raise GebiedsplanError(
            f"{settings.catalogus_dir}/osm_tags.csv heeft geen kolom 'voorwaarde'; zonder die "
            "kolom zou bv. elke school een basisschool worden. Voeg de kolom toe (leeg waar geen "
            "voorwaarde geldt), zie gebiedsplan.bronnen.osm."
        )
    problemen: list[str] = []
    regels = [
        _Regel(
            doel=str(rij.categorie),
            sleutel=str(rij.sleutel).strip(),
            waarde=str(rij.waarde).strip(),
            voorwaarde=_parse_voorwaarde(
                rij.voorwaarde, waar=f"osm_tags.csv rij {i + 2}", problemen=problemen
            ),
        )
        for i, rij in enumerate(tabel.itertuples(index=False))
    ]
    if problemen:
        raise GebiedsplanError("Catalogus niet bruikbaar:\n  - " + "\n  - ".join(problemen))
    return regels


def _groen_regels() -> list[_Regel]:
    """The rows of ``osm_groen.csv`` in table order."""
    tabel = _read_tabel("osm_groen.csv", ("type", "sleutel", "waarde", "niet_openbaar"))
    problemen: list[str] = []
    regels = [
        _Regel(
            doel=str(rij.type).strip(),
            sleutel=str(rij.sleutel).strip(),
            waarde=str(rij.waarde).strip(),
            niet_openbaar=_parse_voorwaarde(
                rij.niet_openbaar, waar=f"osm_groen.csv rij {i + 2}", problemen=problemen
            ),
        )
        for i, rij in enumerate(tabel.itertuples(index=False))
    ]
    if problemen:
        raise GebiedsplanError("Catalogus niet bruikbaar:\n  - " + "\n  - ".join(problemen))
    return regels


def _fclass_per_modus(modus: str) -> tuple[set[str], set[str]]:
    """(fclasses in the network of ``modus``, every fclass the table knows): the ``highway``
    rows of ``modus_wegen.csv``."""
    wegen = load_modus_wegen()
    return set(wegen.waarden("highway", modus=modus)), set(wegen.waarden("highway"))


def _osmnx_tags(regels: Sequence[_Regel]) -> dict[str, list[str]]:
    """The ``tags`` argument of osmnx: every key with its values, in table order."""
    tags: dict[str, list[str]] = {}
    for regel in regels:
        waarden = tags.setdefault(regel.sleutel, [])
        if regel.waarde not in waarden:
            waarden.append(regel.waarde)
    return tags


def _check_modus(modus: str) -> str:
    if modus not in MODI:
        raise GebiedsplanError(
            f"Onbekende modus {modus!r}; kies uit {', '.join(MODI)} (osmnx: {', '.join(MODI.values())})."
        )
    return MODI[modus]


# --- matching features against the tables -----------------------------------------------------


def _tag_has(frame: pd.DataFrame, sleutel: str, waarde: str) -> np.ndarray:
    """Rows whose tag ``sleutel`` has ``waarde`` (also as one part of a ``a;b`` list)."""
    if sleutel not in frame.columns:
        return np.zeros(len(frame), dtype=bool)
    return np.fromiter(
        (
            isinstance(v, str) and waarde in {deel.strip() for deel in v.split(";")}
            for v in frame[sleutel]
        ),
        dtype=bool,
        count=len(frame),
    )


def _any_of(frame: pd.DataFrame, paren: Sequence[tuple[str, str]]) -> np.ndarray:
    uit = np.zeros(len(frame), dtype=bool)
    for sleutel, waarde in paren:
        uit |= _tag_has(frame, sleutel, waarde)
    return uit


def _kies_regel(frame: pd.DataFrame, regels: Sequence[_Regel], *, bron: str) -> np.ndarray:
    """Per row the position of the first matching rule, or -1. Logs what conditions left out."""
    keuze = np.full(len(frame), -1, dtype=np.int64)
    zonder_voorwaarde: list[tuple[_Regel, np.ndarray]] = []
    for i, regel in enumerate(regels):
        tag = _tag_has(frame, regel.sleutel, regel.waarde)
        raak = tag & _any_of(frame, regel.voorwaarde) if regel.voorwaarde else tag
        keuze[(keuze < 0) & raak] = i
        if regel.voorwaarde:
            zonder_voorwaarde.append((regel, tag & ~raak))
    for regel, mis in zonder_voorwaarde:
        n = int((mis & (keuze < 0)).sum())
        if n:
            log.info(
                "%s: %d objecten met %s=%s weggelaten (voorwaarde %s niet vervuld)",
                bron,
                n,
                regel.sleutel,
                regel.waarde,
                "|".join(f"{k}={v}" for k, v in regel.voorwaarde),
            )
    return keuze


def _osm_ids(features: gpd.GeoDataFrame) -> pd.Series:
    """``osm:node/123`` from the (element, id) index of osmnx features."""
    frame = features.index.to_frame(index=False)
    element = frame.iloc[:, 0].astype(str)
    osmid = frame.iloc[:, 1].astype("int64").astype(str)
    return "osm:" + element + "/" + osmid


def _to_rd(frame: gpd.GeoDataFrame, *, bron: str) -> gpd.GeoSeries:
    if frame.crs is None:
        raise CRSError(
            f"{bron}: de objecten hebben geen CRS; gebiedsplan raadt dat niet. osmnx geeft "
            "EPSG:4326; zet het met .set_crs('EPSG:4326')."
        )
    return frame.geometry.to_crs(settings.crs)


def _voorzieningen_uit_features(
    features: gpd.GeoDataFrame, regels: Sequence[_Regel], *, bron: str
) -> gpd.GeoDataFrame:
    """osmnx features -> validated ``voorzieningen`` layer (one point per feature)."""
    if len(features) == 0:
        raise BronError(f"{bron}: geen voorzieningen van de sociale basis gevonden.")
    ids = _osm_ids(features)
    frame = features.reset_index(drop=True)
    keuze = _kies_regel(frame, regels, bron=bron)
    gekozen = keuze >= 0
    if not gekozen.any():
        raise BronError(
            f"{bron}: {len(frame)} OSM-objecten gevonden, maar geen enkele valt onder "
            "lagen/catalogus/osm_tags.csv (voorwaarden niet vervuld)."
        )
    punten = _to_rd(features, bron=bron).to_numpy()[gekozen]
    punten = shapely.point_on_surface(punten)
    labels = load_catalogus().categorieen
    regels_gekozen = [regels[i] for i in keuze[gekozen]]
    categorie = [r.doel for r in regels_gekozen]
    namen = (
        frame["name"].to_numpy(dtype=object)[gekozen]
        if "name" in frame.columns
        else np.full(int(gekozen.sum()), None, dtype=object)
    )
    naam = [
        n.strip()
        if isinstance(n, str) and n.strip()
        else f"{labels[c].label if c in labels else c} (zonder naam)"
        for n, c in zip(namen, categorie, strict=True)
    ]
    uit = gpd.GeoDataFrame(
        {
            "id": ids.to_numpy()[gekozen],
            "naam": naam,
            "categorie": categorie,
            "subcategorie": [r.waarde for r in regels_gekozen],
            "bron": BRON,
        },
        geometry=punten,
        crs=settings.crs,
    )
    log.info("%s: %d voorzieningen (%s)", bron, len(uit), _telling(uit["categorie"]))
    return cast(gpd.GeoDataFrame, validate_laag(uit, "voorzieningen", bron=bron))


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
    features: gpd.GeoDataFrame, regels: Sequence[_Regel], *, bron: str
) -> gpd.GeoDataFrame:
    """osmnx features -> validated ``groen`` layer (areas only)."""
    if len(features) == 0:
        raise BronError(f"{bron}: geen groenvlakken gevonden.")
    ids = _osm_ids(features).to_numpy()
    frame = features.reset_index(drop=True)
    keuze = _kies_regel(frame, regels, bron=bron)
    vlak = frame.geom_type.isin(_GEOM_VLAK).to_numpy()
    if (n := int(((keuze >= 0) & ~vlak).sum())) > 0:
        log.info("%s: %d groenobjecten zonder vlak (punt of lijn) weggelaten", bron, n)
    houden = (keuze >= 0) & vlak
    geoms = _alleen_vlakken(_to_rd(features, bron=bron).to_numpy()[houden])
    regels_gekozen = [regels[i] for i in keuze[houden]]
    niet_openbaar = np.zeros(int(houden.sum()), dtype=bool)
    deel = frame[houden].reset_index(drop=True)
    for regel in {r for r in regels_gekozen if r.niet_openbaar}:
        van_regel = np.array([r == regel for r in regels_gekozen])
        niet_openbaar |= van_regel & _any_of(deel, regel.niet_openbaar)
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
    log.info("%s: %d groenvlakken (%s)", bron, len(uit), _telling(uit["type"]))
    return cast(gpd.GeoDataFrame, validate_laag(uit, "groen", bron=bron))


def _telling(waarden: pd.Series) -> str:
    return ", ".join(f"{k} {v}" for k, v in waarden.value_counts().sort_index().items())


# --- areas and osmnx --------------------------------------------------------------------------


def _gebied_rd(gebied: Any, *, wat: str) -> shapely.Polygon | shapely.MultiPolygon:
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
        minx, miny, maxx, maxy = geom.bounds
        if minx >= -180 and maxx <= 180 and miny >= -90 and maxy <= 90:
            raise CRSError(
                f"{wat} lijkt in lengte- en breedtegraden (bounds {geom.bounds}); verwacht "
                "EPSG:28992 (RD, meters). Zet om met gpd.GeoSeries([geom], crs='EPSG:4326')"
                ".to_crs('EPSG:28992').iloc[0], of geef een GeoSeries met CRS."
            )
        x0, y0, x1, y1 = _RD_GRENZEN
        if not (x0 <= minx and maxx <= x1 and y0 <= miny and maxy <= y1):
            raise CRSError(
                f"{wat} valt buiten Nederland in EPSG:28992 (bounds {geom.bounds}; RD loopt van "
                f"x {x0:.0f}..{x1:.0f}, y {y0:.0f}..{y1:.0f}). Geef het gebied in RD-meters."
            )
    else:
        raise GebiedsplanError(
            f"{wat} moet een shapely (Multi)Polygon in EPSG:28992 zijn of een GeoSeries/"
            f"GeoDataFrame met CRS; kreeg {type(gebied).__name__}."
        )
    if geom.is_empty or geom.geom_type not in _GEOM_VLAK:
        raise GebiedsplanError(f"{wat} moet een (Multi)Polygon zijn; kreeg {geom.geom_type}.")
    return cast("shapely.Polygon | shapely.MultiPolygon", geom)


def _naar_wgs84(geom: shapely.Geometry) -> shapely.Polygon | shapely.MultiPolygon:
    return cast(
        "shapely.Polygon | shapely.MultiPolygon",
        gpd.GeoSeries([geom], crs=settings.crs).to_crs("EPSG:4326").iloc[0],
    )


def _gebied_tekst(geom: shapely.Geometry, naam: str | None) -> str:
    x0, y0, x1, y1 = (round(v) for v in geom.bounds)
    omschrijving = f"polygoon EPSG:28992 ({x0}, {y0}, {x1}, {y1})"
    return f"{naam}: {omschrijving}" if naam else omschrijving


def _overpass_bewaker() -> Callable[..., None]:
    """A requests hook on osmnx's Overpass calls: stop after ``settings.http_pogingen`` answers
    of 429/504 (osmnx itself would retry without end), and turn an Overpass "runtime error"
    (HTTP 200 with a ``remark``) into a clear :class:`BronError` instead of "nothing found"."""
    teller = {"overbelast": 0}

    def bewaak(antwoord: requests.Response, *args: Any, **kwargs: Any) -> None:
        if not antwoord.url.split("?")[0].endswith("/interpreter"):
            return
        if antwoord.status_code in (429, 504):
            teller["overbelast"] += 1
            if teller["overbelast"] >= settings.http_pogingen:
                raise BronError(
                    f"OpenStreetMap (Overpass) is overbelast: {teller['overbelast']} keer "
                    f"{antwoord.status_code}. Probeer het later opnieuw, of gebruik offline "
                    "read_voorzieningen/read_groen/read_netwerk met een .osm.pbf-uittreksel."
                )
            return
        if antwoord.ok and b'"remark"' in antwoord.content[:2000]:
            try:
                remark = str(antwoord.json().get("remark", ""))
            except ValueError:
                return
            if remark.lower().startswith("runtime error"):
                raise BronError(
                    f"OpenStreetMap (Overpass) brak de vraag af: {remark} Maak het gebied "
                    "kleiner of probeer het later opnieuw."
                )

    return bewaak


@contextlib.contextmanager
def _osmnx_instellingen() -> Iterator[None]:
    """osmnx with gebiedsplan's cache folder and timeout; its own settings restored afterwards."""
    if settings.alleen_cache:
        raise BronError(
            "OpenStreetMap (Overpass via osmnx): settings.alleen_cache staat aan en osmnx vraagt "
            "internet. Gebruik offline de bestandsvariant: read_voorzieningen, read_groen of "
            "read_netwerk met een .osm- of .osm.pbf-bestand (bv. van download.geofabrik.de)."
        )
    namen = ("cache_folder", "use_cache", "requests_timeout", "requests_kwargs")
    oud = {k: getattr(ox.settings, k) for k in namen}
    ox.settings.cache_folder = Path(settings.cache_dir) / "osmnx"
    ox.settings.use_cache = settings.cache
    ox.settings.requests_timeout = int(settings.http_timeout_s)
    ox.settings.requests_kwargs = {
        **(oud["requests_kwargs"] or {}),
        "hooks": {"response": [_overpass_bewaker()]},
    }
    try:
        yield
    finally:
        for k, v in oud.items():
            setattr(ox.settings, k, v)


def _osmnx(functie: Callable[..., Any], *args: Any, wat: str, **kwargs: Any) -> Any:
    """Call osmnx, turning its errors into :class:`BronError`."""
    try:
        with _osmnx_instellingen():
            return functie(*args, **kwargs)
    except ox._errors.InsufficientResponseError as exc:
        raise BronError(f"OpenStreetMap: geen {wat} gevonden in dit gebied ({exc}).") from None
    except (requests.RequestException, ox._errors.ResponseStatusCodeError) as exc:
        raise BronError(
            f"OpenStreetMap (Overpass) niet bereikbaar bij het ophalen van {wat}: {exc}. "
            "Zonder internet: download een .osm.pbf-uittreksel en gebruik de read_*-functies."
        ) from None


# --- OSM files (.osm / .osm.pbf) through pyosmium ---------------------------------------------


def _osm_formaat(path: Path) -> str | None:
    """libosmium format of an OSM file, or None when it is not one (then: a GIS vector file)."""
    naam = path.name.lower()
    if naam.endswith((".osm.bz2", ".osm.gz")) or path.suffix.lower() in (".osm", ".xml", ".pbf"):
        return _OSM_FORMATEN[path.suffix.lower()]
    return None


def _check_bestaat(path: Path) -> None:
    if not path.is_file():
        raise BronError(f"Bestand {path} bestaat niet (of is een map).")


def _tags(obj: Any) -> dict[str, str]:
    return {t.k: t.v for t in obj.tags}


def _osm_uittreksel(
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


def _bestandsdatum(path: Path, formaat: str | None = None) -> str:
    """Date of the data: the replication timestamp in the OSM header, else the file date."""
    if formaat is not None:
        with contextlib.suppress(RuntimeError):
            reader = osmium.io.Reader(osmium.io.File(str(path), formaat), osmium.osm.NOTHING)
            stempel = reader.header().get("osmosis_replication_timestamp")
            reader.close()
            if stempel:
                return str(stempel)[:10]
    return date.fromtimestamp(path.stat().st_mtime).isoformat()


def _features_uit_bestand(
    path: Path, tags: Mapping[str, Sequence[str]], gebied: shapely.Geometry | None, *, wat: str
) -> gpd.GeoDataFrame:
    """osmnx features (EPSG:4326) with ``tags`` from an OSM XML or PBF file."""

    def houden(obj_tags: dict[str, str]) -> bool:
        for sleutel, waarden in tags.items():
            waarde = obj_tags.get(sleutel)
            if waarde is not None and any(d.strip() in waarden for d in waarde.split(";")):
                return True
        return False

    with tempfile.TemporaryDirectory(prefix="gebiedsplan-osm-") as tmp:
        xml = Path(tmp) / "uittreksel.osm"
        _osm_uittreksel(path, xml, sleutels=list(tags), houden=houden)
        try:
            return ox.features_from_xml(
                xml,
                tags={k: list(v) for k, v in tags.items()},
                polygon=_naar_wgs84(gebied) if gebied is not None else None,
            )
        except ox._errors.InsufficientResponseError:
            raise BronError(f"Bestand {path}: geen {wat} gevonden.") from None


# --- GIS vector files (GeoJSON, GeoPackage, Geofabrik shapefiles) -----------------------------


def _lees_vector(path: Path, *, laag: str | None, voorkeur: str) -> tuple[gpd.GeoDataFrame, str]:
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
    return frame.to_crs(settings.crs), laag


def _kolom(frame: pd.DataFrame, naam: str) -> str | None:
    """The column called ``naam``, ignoring case (Geofabrik DBFs may say FCLASS)."""
    for kolom in frame.columns:
        if str(kolom).lower() == naam:
            return str(kolom)
    return None


def _rij_ids(frame: gpd.GeoDataFrame, *, voorvoegsel: str) -> pd.Index:
    """Stable ids: ``osm:<osm_id>`` where the file has an osm_id, else the 1-based row number."""
    osm_id = _kolom(frame, "osm_id")
    if osm_id is not None and frame[osm_id].notna().all() and frame[osm_id].is_unique:
        return pd.Index("osm:" + frame[osm_id].astype(str).str.replace(r"\.0$", "", regex=True))
    return pd.Index([f"{voorvoegsel}{i + 1}" for i in range(len(frame))])


def _clip(frame: gpd.GeoDataFrame, gebied: shapely.Geometry | None) -> gpd.GeoDataFrame:
    if gebied is None:
        return frame
    return frame[frame.intersects(gebied)]


def _map_op_waarde(
    frame: gpd.GeoDataFrame, kolom: str, regels: Sequence[_Regel], *, bron: str
) -> tuple[np.ndarray, list[_Regel | None]]:
    """Map a plain class column (``category``, ``fclass``) on the table by ``waarde``.

    Only rules without conditions can be used: a bare class such as ``school`` does not say
    whether the conditions (``isced:level=1``) hold, so such rows are left out (and logged).
    """
    per_waarde: dict[str, _Regel] = {}
    for regel in regels:
        per_waarde.setdefault(regel.waarde, regel)
    waarden = frame[kolom].astype(str).str.strip().to_numpy()
    gekozen: list[_Regel | None] = [per_waarde.get(w) for w in waarden]
    met_voorwaarde = {w for w, r in per_waarde.items() if r.voorwaarde}
    for w in sorted(met_voorwaarde & set(waarden)):
        log.info(
            "%s: %d objecten met %s=%s weggelaten: de voorwaarde %s is niet te controleren",
            bron,
            int((waarden == w).sum()),
            kolom,
            w,
            "|".join(f"{k}={v}" for k, v in per_waarde[w].voorwaarde),
        )
    gekozen = [r if r is not None and not r.voorwaarde else None for r in gekozen]
    onbekend = pd.Series(waarden[[r is None for r in gekozen]]).value_counts()
    if len(onbekend):
        log.info(
            "%s: weggelaten %s-waarden: %s",
            bron,
            kolom,
            ", ".join(f"{k} {v}" for k, v in onbekend.items()),
        )
    return np.array([r is not None for r in gekozen], dtype=bool), gekozen


# --- voorzieningen ----------------------------------------------------------------------------


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
    gebied = _gebied_rd(polygon_rd, wat="polygon_rd")
    regels = _tag_regels()
    tags = _osmnx_tags(regels)
    features = _osmnx(ox.features_from_polygon, _naar_wgs84(gebied), tags=tags, wat="voorzieningen")
    bron = f"{BRON} (Overpass)"
    data = _voorzieningen_uit_features(features, regels, bron=bron)
    herkomst = Herkomst(
        bron=f"{BRON} (Overpass API via osmnx)",
        datum=date.today().isoformat(),
        licentie=LICENTIE,
        query=f"osmnx.features_from_polygon({_gebied_tekst(gebied, naam)}, tags={tags})",
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
    path = Path(path)
    _check_bestaat(path)
    gebied_rd = _gebied_rd(gebied, wat="gebied") if gebied is not None else None
    regels = _tag_regels()
    formaat = _osm_formaat(path)
    bron = f"{BRON} ({path.name})"
    if formaat is not None:
        tags = _osmnx_tags(regels)
        features = _features_uit_bestand(path, tags, gebied_rd, wat="voorzieningen")
        data = _voorzieningen_uit_features(features, regels, bron=bron)
        query = f"bestand {path.name}; tags={tags}"
    else:
        frame, laagnaam = _lees_vector(path, laag=laag, voorkeur="pois")
        frame = frame.set_axis(_rij_ids(frame, voorvoegsel=f"{path.stem}:"))
        frame = _clip(frame, gebied_rd)
        kolom = _kolom(frame, "category") or _kolom(frame, "fclass")
        if kolom is None:
            raise BronError(
                f"Bestand {path} (laag {laagnaam}): geen kolom 'category' of 'fclass' met de "
                f"soort voorziening; aanwezig: {', '.join(map(str, frame.columns))}. Verwacht OSM "
                "(.osm/.osm.pbf), een Geofabrik-pois-laag (fclass) of punten met 'category'."
            )
        houden, gekozen = _map_op_waarde(frame, kolom, regels, bron=bron)
        if not houden.any():
            raise BronError(
                f"Bestand {path}: geen enkele waarde van kolom '{kolom}' staat in "
                "lagen/catalogus/osm_tags.csv (zonder voorwaarde)."
            )
        deel = frame[houden]
        regels_gekozen = [r for r in gekozen if r is not None]
        labels = load_catalogus().categorieen
        naamkolom = _kolom(deel, "name")
        namen = deel[naamkolom] if naamkolom else pd.Series(None, index=deel.index)
        uit = gpd.GeoDataFrame(
            {
                "id": deel.index,
                "naam": [
                    n.strip()
                    if isinstance(n, str) and n.strip()
                    else f"{labels[r.doel].label} (zonder naam)"
                    for n, r in zip(namen, regels_gekozen, strict=True)
                ],
                "categorie": [r.doel for r in regels_gekozen],
                "subcategorie": [r.waarde for r in regels_gekozen],
                "bron": BRON,
            },
            geometry=shapely.point_on_surface(deel.geometry.to_numpy()),
            crs=settings.crs,
        )
        data = cast(gpd.GeoDataFrame, validate_laag(uit, "voorzieningen", bron=bron))
        query = f"bestand {path.name}, laag {laagnaam}; kolom {kolom} via osm_tags.csv"
    herkomst = Herkomst(
        bron=bron, datum=_bestandsdatum(path, formaat), licentie=LICENTIE, query=query
    )
    return Laag("voorzieningen", data, herkomst)


# --- groen ------------------------------------------------------------------------------------


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
    gebied = _gebied_rd(polygon_rd, wat="polygon_rd")
    regels = _groen_regels()
    tags = _osmnx_tags(regels)
    features = _osmnx(ox.features_from_polygon, _naar_wgs84(gebied), tags=tags, wat="groen")
    data = _groen_uit_features(features, regels, bron=f"{BRON} (Overpass)")
    herkomst = Herkomst(
        bron=f"{BRON} (Overpass API via osmnx)",
        datum=date.today().isoformat(),
        licentie=LICENTIE,
        query=f"osmnx.features_from_polygon({_gebied_tekst(gebied, naam)}, tags={tags})",
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
    path = Path(path)
    _check_bestaat(path)
    gebied_rd = _gebied_rd(gebied, wat="gebied") if gebied is not None else None
    regels = _groen_regels()
    formaat = _osm_formaat(path)
    bron = f"{BRON} ({path.name})"
    if formaat is not None:
        tags = _osmnx_tags(regels)
        features = _features_uit_bestand(path, tags, gebied_rd, wat="groenvlakken")
        data = _groen_uit_features(features, regels, bron=bron)
        query = f"bestand {path.name}; tags={tags}"
    else:
        frame, laagnaam = _lees_vector(path, laag=laag, voorkeur="landuse")
        frame = frame.set_axis(_rij_ids(frame, voorvoegsel=f"{path.stem}:"))
        frame = _clip(frame, gebied_rd)
        kolom = _kolom(frame, "fclass")
        if kolom is None:
            raise BronError(
                f"Bestand {path} (laag {laagnaam}): kolom 'fclass' ontbreekt; aanwezig: "
                f"{', '.join(map(str, frame.columns))}. Verwacht de Geofabrik-laag "
                "gis_osm_landuse_a_free_1, of een .osm/.osm.pbf-bestand."
            )
        houden, gekozen = _map_op_waarde(frame, kolom, regels, bron=bron)
        houden &= frame.geom_type.isin(_GEOM_VLAK).to_numpy()
        deel = frame[houden]
        naamkolom = _kolom(deel, "name")
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
        data = cast(gpd.GeoDataFrame, validate_laag(uit, "groen", bron=bron))
        query = f"bestand {path.name}, laag {laagnaam}; fclass via osm_groen.csv"
    herkomst = Herkomst(
        bron=bron, datum=_bestandsdatum(path, formaat), licentie=LICENTIE, query=query
    )
    return Laag("groen", data, herkomst)


# --- networks ---------------------------------------------------------------------------------

_FILTERDEEL = re.compile(r'\["([^"]+)"(?:\s*(!?[~=])\s*"([^"]*)")?\]')


def _wegfilter(network_type: str) -> list[tuple[str, str, re.Pattern[str] | str]]:
    """osmnx's Overpass way filter for ``network_type`` as (key, operator, pattern) triples.

    The same filter osmnx sends to Overpass, applied to the ways of a file, so that a file and
    the online service give the same network.
    """
    tekst = ox._overpass._get_network_filter(network_type)
    delen = list(_FILTERDEEL.finditer(tekst))
    if "".join(d.group(0) for d in delen) != tekst:
        raise GebiedsplanError(
            f"Het osmnx-wegfilter voor {network_type!r} is niet te lezen: {tekst}"
        )
    return [
        (k, op, re.compile(p) if op in ("~", "!~") else p)
        for k, op, p in (d.groups("") for d in delen)
    ]


def _voldoet(tags: Mapping[str, str], filter_: Sequence[tuple[str, str, Any]]) -> bool:
    """Overpass semantics: ``["k"]`` present, ``~``/``!~`` (unanchored) regex, ``=``/``!=``."""
    for sleutel, op, patroon in filter_:
        waarde = tags.get(sleutel)
        if op == "":
            if waarde is None:
                return False
        elif op == "~":
            if waarde is None or not patroon.search(waarde):
                return False
        elif op == "!~":
            if waarde is not None and patroon.search(waarde):
                return False
        elif op == "=":
            if waarde != patroon:
                return False
        elif waarde == patroon:  # "!="
            return False
    return True


def _lijst_tekst(waarde: Any, scheiding: str) -> str | None:
    """osmnx attributes may be lists after simplification: unique values joined."""
    if isinstance(waarde, list | tuple):
        delen = [str(w) for w in dict.fromkeys(waarde) if isinstance(w, str) and w]
        return scheiding.join(delen) if delen else None
    return waarde if isinstance(waarde, str) and waarde else None


def netwerk_from_graph(G: nx.MultiDiGraph | nx.MultiGraph) -> gpd.GeoDataFrame:
    """Convert an osmnx street graph into the ``netwerk`` layer.

    One row per undirected edge: the two directions of a two-way street become one row;
    parallel edges with different geometry (two streets between the same crossings) stay.
    Geometry runs from ``van_knoop`` to ``naar_knoop`` (the lower OSM node id first);
    ``lengte_m`` is the length of that geometry in EPSG:28992. An edge of a directed graph
    without its reverse (a one-way street in a bike or drive graph) gets ``eenrichting`` true
    and runs in its allowed direction, from ``van_knoop`` to ``naar_knoop``.

    Parameters
    ----------
    G
        An osmnx graph (MultiDiGraph or MultiGraph), in any CRS given in ``G.graph["crs"]``.

    Returns
    -------
    GeoDataFrame
        Layer ``netwerk`` indexed by ``id`` (``"<van>-<naar>-<k>"``): ``van_knoop``,
        ``naar_knoop`` (OSM node ids), ``lengte_m``, extra columns ``eenrichting`` (bool),
        ``highway`` (values of merged ways joined with ``;``) and ``straatnaam``; LineStrings in
        EPSG:28992.

    Raises
    ------
    CRSError
        The graph has no ``crs`` attribute.

    Examples
    --------
    >>> import networkx as nx
    >>> from gebiedsplan.bronnen.osm import netwerk_from_graph
    >>> G = nx.MultiDiGraph(crs="EPSG:28992")
    >>> G.add_node(1, x=190_000.0, y=444_000.0)
    >>> G.add_node(2, x=190_100.0, y=444_000.0)
    >>> _ = G.add_edge(1, 2, highway="footway")
    >>> _ = G.add_edge(2, 1, highway="footway")
    >>> net = netwerk_from_graph(G)
    >>> net.index.tolist(), net["van_knoop"].tolist(), net["lengte_m"].tolist()
    (['1-2-0'], [1], [100.0])
    """
    if not isinstance(G, nx.MultiGraph):
        raise GebiedsplanError(
            f"netwerk_from_graph verwacht een osmnx-graaf (networkx MultiDiGraph of "
            f"MultiGraph), kreeg {type(G).__name__}."
        )
    if G.graph.get("crs") is None:
        raise CRSError(
            "De graaf heeft geen CRS in G.graph['crs']; gebiedsplan raadt dat niet. osmnx zet "
            "het zelf (EPSG:4326); zet het anders met G.graph['crs'] = 'EPSG:4326'."
        )
    if G.number_of_edges() == 0:
        raise GebiedsplanError("De graaf heeft geen wegen; zonder wegen geen netwerk.")
    knopen, wegen = cast(
        tuple[gpd.GeoDataFrame, gpd.GeoDataFrame],
        ox.convert.graph_to_gdfs(G, nodes=True, edges=True, fill_edge_geometry=True),
    )
    knopen = knopen.to_crs(settings.crs)
    wegen = wegen.to_crs(settings.crs)
    u = wegen.index.get_level_values(0).to_numpy(dtype=np.int64)
    v = wegen.index.get_level_values(1).to_numpy(dtype=np.int64)
    a, b = np.minimum(u, v), np.maximum(u, v)
    punt = knopen.geometry
    xa = shapely.get_coordinates(punt.reindex(a).to_numpy())
    xb = shapely.get_coordinates(punt.reindex(b).to_numpy())
    geoms = wegen.geometry.to_numpy().copy()
    begin = shapely.get_coordinates(shapely.get_point(geoms, 0))
    omdraaien = np.hypot(*(begin - xb).T) < np.hypot(*(begin - xa).T)
    geoms[omdraaien] = shapely.reverse(geoms[omdraaien])
    sleutel = shapely.to_wkb(geoms)
    lus = np.flatnonzero(a == b)
    if len(lus):
        terug = shapely.to_wkb(shapely.reverse(geoms[lus]))
        sleutel[lus] = np.where(sleutel[lus] <= terug, sleutel[lus], terug)
    paren = pd.DataFrame({"a": a, "b": b, "g": sleutel})
    houden = ~paren.duplicated().to_numpy()
    # in a directed graph an edge without its reverse twin is one-way: it keeps its direction
    aantal = paren.groupby(["a", "b", "g"], sort=False)["a"].transform("size").to_numpy()
    eenrichting = (aantal == 1) & (a != b) & bool(G.is_directed())
    terug = eenrichting & (u != a)
    geoms[terug] = shapely.reverse(geoms[terug])
    a, b = np.where(terug, b, a), np.where(terug, a, b)
    a, b, geoms, eenrichting = a[houden], b[houden], geoms[houden], eenrichting[houden]
    k = pd.DataFrame({"a": a, "b": b}).groupby(["a", "b"]).cumcount().to_numpy()
    kolommen = {
        naam: (
            wegen[bron].to_numpy(dtype=object)[houden]
            if bron in wegen.columns
            else np.full(len(a), None, dtype=object)
        )
        for naam, bron in (("highway", "highway"), ("straatnaam", "name"))
    }
    frame = gpd.GeoDataFrame(
        {
            "id": [f"{x}-{y}-{z}" for x, y, z in zip(a, b, k, strict=True)],
            "van_knoop": a,
            "naar_knoop": b,
            "lengte_m": shapely.length(geoms),
            "eenrichting": eenrichting,
            "highway": [_lijst_tekst(w, ";") for w in kolommen["highway"]],
            "straatnaam": [_lijst_tekst(w, "; ") for w in kolommen["straatnaam"]],
        },
        geometry=geoms,
        crs=settings.crs,
    )
    return cast(gpd.GeoDataFrame, validate_laag(frame, "netwerk", bron="osmnx-graaf"))


def netwerk_from_lijnen(
    lijnen: gpd.GeoDataFrame, *, snap_afstand_m: float = 0.5
) -> gpd.GeoDataFrame:
    """Build the ``netwerk`` layer from plain road lines (Geofabrik roads, NWB, own paths).

    Nodes are made at line ends and at vertices that several lines share (in data derived from
    OSM those are the OSM nodes where ways meet). Line ends closer than ``snap_afstand_m`` are
    joined into one node. Nothing else is split: lines that cross without a shared vertex
    (bridges, tunnels) stay unconnected, and a line end that touches another line between its
    vertices is not connected either (it is counted in a warning in the log).

    Parameters
    ----------
    lijnen
        (Multi)LineStrings in a projected CRS in metres; the index gives the edge ids
        (``"<index>.<deel>"``), other columns are carried over to every part.
    snap_afstand_m
        Line ends closer than this become one node.

    Returns
    -------
    GeoDataFrame
        Layer ``netwerk``: ``van_knoop``, ``naar_knoop`` (integers from 0), ``lengte_m`` (length
        of the geometry), plus the columns of ``lijnen``; LineStrings in EPSG:28992.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely import LineString
    >>> from gebiedsplan.bronnen.osm import netwerk_from_lijnen
    >>> kruis = gpd.GeoDataFrame(
    ...     geometry=[LineString([(0, 0), (100, 0), (200, 0)]),
    ...               LineString([(100, -50), (100, 0), (100, 50)])],
    ...     index=["a", "b"], crs="EPSG:28992")
    >>> net = netwerk_from_lijnen(kruis)
    >>> len(net), sorted(net["lengte_m"].round(1))
    (4, [50.0, 50.0, 100.0, 100.0])
    """
    check_projected(lijnen, wat="Lijnen")
    if snap_afstand_m < 0:
        raise GebiedsplanError(f"snap_afstand_m moet 0 of meer zijn, kreeg {snap_afstand_m}.")
    lijnen = lijnen.to_crs(settings.crs)
    lijnen = lijnen[~(lijnen.geometry.isna() | lijnen.geometry.is_empty)]
    lijnen = lijnen.explode(index_parts=False)
    soort = lijnen.geom_type
    if (n := int((soort != "LineString").sum())) > 0:
        log.warning("%d objecten zonder lijngeometrie weggelaten", n)
        lijnen = lijnen[soort == "LineString"]
    if len(lijnen) == 0:
        raise GebiedsplanError("Geen lijnen over om een netwerk van te maken.")

    coords, lijn = shapely.get_coordinates(lijnen.geometry.to_numpy(), return_index=True)
    aantal = np.bincount(lijn, minlength=len(lijnen))
    eind = np.cumsum(aantal) - 1
    eerste = np.zeros(len(coords), dtype=bool)
    laatste = np.zeros(len(coords), dtype=bool)
    eerste[eind - aantal + 1] = True
    laatste[eind] = True
    # vertices that occur more than once (in several lines, or twice in one) are nodes
    _, wie, hoe_vaak = np.unique(
        np.round(coords / 0.01).astype(np.int64), axis=0, return_inverse=True, return_counts=True
    )
    knoop = eerste | laatste | (hoe_vaak[wie.ravel()] >= 2)
    binnen = knoop & ~eerste & ~laatste
    # an interior node ends one part and starts the next: repeat it
    herhaal = 1 + binnen.astype(np.int64)
    c2 = np.repeat(coords, herhaal, axis=0)
    lijn2 = np.repeat(lijn, herhaal)
    eerste_kopie = np.cumsum(herhaal) - herhaal
    nieuw = np.zeros(len(c2), dtype=bool)
    nieuw[eerste_kopie[eerste]] = True
    nieuw[eerste_kopie[binnen] + 1] = True
    deel = np.cumsum(nieuw) - 1
    start = np.flatnonzero(nieuw)
    stop = np.r_[start[1:] - 1, len(c2) - 1]
    m = len(start)

    # nodes: part ends within snap_afstand_m of each other are one node
    einden = np.vstack([c2[start], c2[stop]])
    paren = cKDTree(einden).query_pairs(max(snap_afstand_m, 1e-9), output_type="ndarray")
    buren = coo_array((np.ones(len(paren)), (paren[:, 0], paren[:, 1])), shape=(2 * m, 2 * m))
    _, label = connected_components(buren, directed=False)
    _, eerste_lid = np.unique(label, return_index=True)
    knoop_xy = einden[eerste_lid]
    c2[start] = knoop_xy[label[:m]]
    c2[stop] = knoop_xy[label[m:]]
    van, naar = label[:m], label[m:]

    geoms = shapely.linestrings(c2, indices=deel)
    lengte = shapely.length(geoms)
    houden = lengte > 0
    bron_rij = lijn2[start][houden]
    uit = lijnen.iloc[bron_rij].drop(columns=lijnen.geometry.name)
    ouder = uit.index.astype(str)
    volgnummer = pd.Series(ouder).groupby(ouder).cumcount().to_numpy()
    # node ids: dense, in order of first use
    gebruikt, dicht = np.unique(np.concatenate([van[houden], naar[houden]]), return_inverse=True)
    frame = gpd.GeoDataFrame(
        uit.reset_index(drop=True).assign(
            id=[f"{o}.{v}" for o, v in zip(ouder, volgnummer, strict=True)],
            van_knoop=dicht[: houden.sum()],
            naar_knoop=dicht[houden.sum() :],
            lengte_m=lengte[houden],
        ),
        geometry=geoms[houden],
        crs=settings.crs,
    )
    _meld_losse_einden(frame, snap_afstand_m)
    log.info(
        "netwerk uit %d lijnen: %d wegvakken, %d knopen, %.1f km",
        len(lijnen),
        len(frame),
        len(gebruikt),
        frame["lengte_m"].sum() / 1000,
    )
    return cast(gpd.GeoDataFrame, validate_laag(frame, "netwerk", bron="lijnen"))


def _meld_losse_einden(net: gpd.GeoDataFrame, afstand_m: float) -> int:
    """Count line ends that touch another line between its nodes (not connected); log them."""
    geoms = net.geometry.to_numpy()
    einden = np.concatenate([shapely.get_point(geoms, 0), shapely.get_point(geoms, -1)])
    knoop = np.concatenate([net["van_knoop"].to_numpy(), net["naar_knoop"].to_numpy()])
    punt, lijn = shapely.STRtree(geoms).query(
        einden, predicate="dwithin", distance=max(afstand_m, 1e-6)
    )
    van = net["van_knoop"].to_numpy()[lijn]
    naar = net["naar_knoop"].to_numpy()[lijn]
    los = (knoop[punt] != van) & (knoop[punt] != naar)
    n = len(np.unique(knoop[punt[los]]))
    if n:
        log.warning(
            "%d lijneinden liggen binnen %.1f m van een andere lijn zonder knoop daar; die "
            "aansluitingen ontbreken in het netwerk (de lijnen zijn daar niet opgeknipt)",
            n,
            afstand_m,
        )
    return n


def _grootste_component(net: gpd.GeoDataFrame, *, bron: str) -> gpd.GeoDataFrame:
    """Keep the edges of the largest connected part of the network; log the share."""
    u = net["van_knoop"].to_numpy(dtype=np.int64)
    v = net["naar_knoop"].to_numpy(dtype=np.int64)
    ids, inv = np.unique(np.concatenate([u, v]), return_inverse=True)
    n = len(ids)
    g = coo_array((np.ones(len(u)), (inv[: len(u)], inv[len(u) :])), shape=(n, n))
    _, label = connected_components(g, directed=False)
    grootte = np.bincount(label)
    grootste = int(np.argmax(grootte))
    log.info(
        "%s: grootste samenhangende deel heeft %d van %d knopen (%.1f%%)",
        bron,
        grootte[grootste],
        n,
        100 * grootte[grootste] / n,
    )
    return net[label[inv[: len(u)]] == grootste]


def fetch_netwerk(
    polygon_rd: Any,
    *,
    modus: str = "lopen",
    grootste_component: bool = True,
    naam: str | None = None,
) -> Laag:
    """Load the street network for walking, cycling or driving from OSM (osmnx).

    Calls ``osmnx.graph_from_polygon`` with ``network_type`` walk, bike or drive (simplified)
    and converts the graph with :func:`netwerk_from_graph`.

    Parameters
    ----------
    polygon_rd
        The area: a shapely (Multi)Polygon in EPSG:28992, or a GeoSeries/GeoDataFrame with a CRS.
    modus
        ``"lopen"`` (walk: oneway ignored, no cycleways or motorways), ``"fietsen"`` (bike) or
        ``"auto"`` (drive).
    grootste_component
        Keep only the largest connected part (osmnx ``retain_all=False``).
    naam
        Name of the area, recorded in the provenance.

    Returns
    -------
    Laag
        Layer ``netwerk`` (see :func:`netwerk_from_graph`).

    Examples
    --------
    >>> from shapely import box
    >>> from gebiedsplan.bronnen.osm import fetch_netwerk
    >>> laag = fetch_netwerk(box(189_000, 443_000, 192_000, 446_000))  # doctest: +SKIP
    """
    network_type = _check_modus(modus)
    gebied = _gebied_rd(polygon_rd, wat="polygon_rd")
    G = _osmnx(
        ox.graph_from_polygon,
        _naar_wgs84(gebied),
        network_type=network_type,
        simplify=True,
        retain_all=not grootste_component,
        wat=f"wegen ({modus})",
    )
    data = netwerk_from_graph(G)
    herkomst = Herkomst(
        bron=f"{BRON} (Overpass API via osmnx)",
        datum=date.today().isoformat(),
        licentie=LICENTIE,
        query=(
            f"osmnx.graph_from_polygon({_gebied_tekst(gebied, naam)}, "
            f"network_type={network_type!r}, retain_all={not grootste_component})"
        ),
    )
    return Laag("netwerk", data, herkomst)


def _graaf_uit_bestand(
    path: Path, *, network_type: str, grootste_component: bool, gebied: shapely.Geometry | None
) -> nx.MultiDiGraph:
    filter_ = _wegfilter(network_type)
    with tempfile.TemporaryDirectory(prefix="gebiedsplan-osm-") as tmp:
        xml = Path(tmp) / "wegen.osm"
        _osm_uittreksel(
            path,
            xml,
            sleutels=["highway"],
            houden=lambda tags: _voldoet(tags, filter_),
            entiteiten=osmium.osm.WAY,
        )
        try:
            G = ox.graph_from_xml(
                xml,
                bidirectional=network_type in ox.settings.bidirectional_network_types,
                simplify=gebied is None,
                retain_all=True,
            )
        except (ox._errors.InsufficientResponseError, ValueError, KeyError) as exc:
            raise BronError(
                f"Bestand {path}: geen wegen gevonden voor {network_type} ({exc})."
            ) from None
    if gebied is not None:
        G = ox.truncate.truncate_graph_polygon(G, _naar_wgs84(gebied))
        G = ox.simplify_graph(G)
    if grootste_component:
        n = G.number_of_nodes()
        G = ox.truncate.largest_component(G)
        log.info(
            "%s: grootste samenhangende deel heeft %d van %d knopen",
            path.name,
            G.number_of_nodes(),
            n,
        )
    return cast(nx.MultiDiGraph, G)


def read_netwerk(
    path: str | Path,
    *,
    modus: str = "lopen",
    grootste_component: bool = True,
    gebied: Any = None,
    laag: str | None = None,
    snap_afstand_m: float = 0.5,
) -> Laag:
    """Read the street network for walking, cycling or driving from a file.

    - ``.osm`` (OSM XML) and ``.osm.pbf``: the ways that pass osmnx's filter for the modus
      (walk, bike, drive; the same filter :func:`fetch_netwerk` sends to Overpass) are taken
      out with pyosmium and built into a simplified graph with ``osmnx.graph_from_xml``.
    - Geofabrik free shapefile / GeoPackage roads (a layer with ``fclass``): the road classes
      marked for the modus in ``lagen/catalogus/modus_wegen.csv`` (for ``lopen`` no
      motorway, trunk, bridleway or busway; cycleways are in, see the table), built with
      :func:`netwerk_from_lijnen`. The lines are assumed to meet at shared vertices or line
      ends (true for OSM-derived data); crossings without a shared vertex stay unconnected.
      For ``fietsen`` and ``auto`` the Geofabrik ``oneway`` column (F: along the line, T:
      against it) gives ``eenrichting``; walking ignores it.

    Parameters
    ----------
    path
        The file.
    modus
        ``"lopen"``, ``"fietsen"`` or ``"auto"``.
    grootste_component
        Keep only the largest connected part of the network.
    gebied
        Optional area (EPSG:28992, or GeoSeries/GeoDataFrame with CRS): the network within it.
    laag
        Layer of a multi-layer vector file; by default the only layer or the one called
        ``*roads*``.
    snap_afstand_m
        Geofabrik lines: line ends closer than this become one node.

    Returns
    -------
    Laag
        Layer ``netwerk`` with extra columns ``eenrichting``, ``highway`` (the OSM highway
        value or the fclass) and ``straatnaam``.

    Raises
    ------
    BronError
        The file is missing or unreadable, or a vector file has no ``fclass`` column.
    CRSError
        A vector file without CRS.

    Examples
    --------
    >>> from gebiedsplan.bronnen.osm import read_netwerk
    >>> laag = read_netwerk("gis_osm_roads_free_1.shp", modus="lopen")  # doctest: +SKIP
    """
    network_type = _check_modus(modus)
    path = Path(path)
    _check_bestaat(path)
    gebied_rd = _gebied_rd(gebied, wat="gebied") if gebied is not None else None
    formaat = _osm_formaat(path)
    bron = f"{BRON} ({path.name})"
    if formaat is not None:
        G = _graaf_uit_bestand(
            path,
            network_type=network_type,
            grootste_component=grootste_component,
            gebied=gebied_rd,
        )
        data = netwerk_from_graph(G)
        query = f"bestand {path.name}; osmnx-wegfilter {network_type}"
    else:
        frame, laagnaam = _lees_vector(path, laag=laag, voorkeur="roads")
        kolom = _kolom(frame, "fclass")
        if kolom is None:
            raise BronError(
                f"Bestand {path} (laag {laagnaam}): kolom 'fclass' (de wegsoort in het "
                f"Geofabrik-schema) ontbreekt; aanwezig: {', '.join(map(str, frame.columns))}. "
                "Gebruik de Geofabrik-laag gis_osm_roads_free_1, of maak het netwerk van eigen "
                "lijnen met netwerk_from_lijnen."
            )
        toegestaan, bekend = _fclass_per_modus(modus)
        fclass = frame[kolom].astype(str).str.strip()
        onbekend = fclass[~fclass.isin(bekend)].value_counts()
        if len(onbekend):
            log.warning(
                "%s: fclass-waarden die niet in modus_wegen.csv staan, weggelaten: %s",
                bron,
                ", ".join(f"{k} ({v})" for k, v in onbekend.items()),
            )
        frame = frame.set_axis(_rij_ids(frame, voorvoegsel="rij"))
        naamkolom = _kolom(frame, "name")
        geoms = frame.geometry.to_numpy().copy()
        # Geofabrik oneway: F = only along the line, T = only against it, B = both ways
        eenrichting = np.zeros(len(frame), dtype=bool)
        if (oneway := _kolom(frame, "oneway")) is not None and modus != "lopen":
            code = frame[oneway].astype(str).str.strip().str.upper().to_numpy()
            eenrichting = np.isin(code, ["F", "T"])
            geoms[code == "T"] = shapely.reverse(geoms[code == "T"])
        lijnen = gpd.GeoDataFrame(
            {
                "highway": fclass.to_numpy(),
                "straatnaam": frame[naamkolom].to_numpy(dtype=object) if naamkolom else None,
                "eenrichting": eenrichting,
            },
            geometry=geoms,
            index=frame.index,
            crs=frame.crs,
        )[fclass.isin(toegestaan).to_numpy()]
        lijnen = _clip(lijnen, gebied_rd)
        if len(lijnen) == 0:
            raise BronError(
                f"Bestand {path}: geen wegen voor {modus} (fclass {sorted(toegestaan)})."
            )
        log.info("%s: %d van %d lijnen horen bij %s", bron, len(lijnen), len(frame), modus)
        data = netwerk_from_lijnen(lijnen, snap_afstand_m=snap_afstand_m)
        if grootste_component:
            data = _grootste_component(data, bron=bron)
        query = f"bestand {path.name}, laag {laagnaam}; fclass voor {modus} uit modus_wegen.csv"
    herkomst = Herkomst(
        bron=bron, datum=_bestandsdatum(path, formaat), licentie=LICENTIE, query=query
    )
    return Laag("netwerk", data, herkomst)
