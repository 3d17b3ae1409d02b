"""Residential addresses from the BAG (Basisregistratie Adressen en Gebouwen), as demand points.

Online, :func:`fetch_adressen` asks the PDOK BAG OGC API Features of the Kadaster
(``https://api.pdok.nl/kadaster/bag/ogc/v2``, collection ``verblijfsobject``) for every
verblijfsobject in the bounding box of an area, in RD (``crs`` and ``bbox-crs`` EPSG:28992),
following the ``next`` links (a ``cursor``) page by page. The service filters on nothing but the
bounding box and ``identificatie`` (its queryables), so the use and status are checked here. Its
file twin :func:`read_adressen` reads the same objects from the BAG GeoPackage that PDOK publishes
(``bag-light.gpkg``, layer ``verblijfsobject``, RD), or from any point file with the same columns
(a GeoJSON saved from the API, a municipal export), reading only the rows in the area's
bounding box.

Which addresses count
---------------------
A verblijfsobject is a residential address when its ``gebruiksdoel`` (the API and the
GeoPackage give one text with the uses joined by commas, ``"winkelfunctie,woonfunctie"``; a
list is read too) holds ``woonfunctie``: a dwelling above a shop is a dwelling. It counts when
its ``status`` is one of :data:`STATUS_IN_GEBRUIK`, "Verblijfsobject in gebruik" and
"Verblijfsobject in gebruik (niet ingemeten)" (in use, its location not yet surveyed): the
objects people can live in now. Left out are "Verblijfsobject gevormd" (planned or being built),
"Verbouwing verblijfsobject" (being rebuilt), "Verblijfsobject buiten gebruik", "Niet
gerealiseerd verblijfsobject", "Verblijfsobject ingetrokken" and "Verblijfsobject ten onrechte
opgevoerd". The status only decides *where* inside a buurt people are placed, never how many:
the number of inhabitants is the buurt's CBS figure (:mod:`gebiedsplan.bronnen.vraag`), so an
inhabited dwelling under renovation moves its residents to the other addresses of its buurt.
Residents of care homes (registered at an address with gezondheidszorgfunctie or
logiesfunctie) are placed likewise at the buurt's dwellings.

What was left out, and why, is counted (:attr:`Adressen.weggelaten`) and said in the log and
the provenance.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pyproj
import shapely

from gebiedsplan import settings
from gebiedsplan._http import full_url
from gebiedsplan._io import check_bestand
from gebiedsplan._tekst import getal
from gebiedsplan._validate import naar_rd, stelsel_van
from gebiedsplan.bronnen import Herkomst
from gebiedsplan.bronnen._datering import bestand_datum
from gebiedsplan.bronnen._statline import opgehaald_op
from gebiedsplan.bronnen.pdok import RD_CRS, _check_rd, _fetch_features
from gebiedsplan.errors import BronError

log = logging.getLogger(__name__)

#: PDOK BAG OGC API Features (Kadaster). The older ``api.pdok.nl/lv/bag/ogc/v1`` serves only
#: vector tiles and styles, no features.
BAG_URL = "https://api.pdok.nl/kadaster/bag/ogc/v2"
#: Collection (API) and layer (GeoPackage) of the verblijfsobjecten.
COLLECTIE = "verblijfsobject"
#: Features per page (the PDOK maximum is 1000).
PAGINA = 1000
BRON = "PDOK BAG"
#: The BAG is public domain: the PDOK download feed gives CC0 1.0.
LICENTIE = "CC0 1.0 (Kadaster, BAG via PDOK)"
#: The use that makes a verblijfsobject an address people live at.
WOONFUNCTIE = "woonfunctie"
#: The statuses of a verblijfsobject in use (module docstring).
STATUS_IN_GEBRUIK = (
    "Verblijfsobject in gebruik",
    "Verblijfsobject in gebruik (niet ingemeten)",
)
#: Columns a file needs (names compared without case).
KOLOMMEN = ("identificatie", "gebruiksdoel", "status")


@dataclass(frozen=True)
class Adressen:
    """Residential addresses in use, ready to be demand points.

    Attributes
    ----------
    data
        Points in EPSG:28992, index ``identificatie`` (the BAG id, 16 digits, as text), columns
        ``gebruiksdoel`` and ``status``.
    herkomst
        Where they come from (service or file, date, licence, what was counted).
    weggelaten
        Rows left out, by reason (Dutch): no woonfunctie, not in use (per status), outside the
        area, a duplicate id.
    """

    data: gpd.GeoDataFrame
    herkomst: Herkomst
    weggelaten: Mapping[str, int] = field(default_factory=dict)

    def tekst(self) -> str:
        """One Dutch line: how many addresses were kept and what was left out.

        Examples
        --------
        >>> import geopandas as gpd
        >>> a = Adressen(gpd.GeoDataFrame(geometry=[], crs="EPSG:28992"),
        ...     Herkomst("BAG", "2026-01-01", "CC0"), {"zonder woonfunctie": 3})
        >>> a.tekst()
        '0 woonadressen in gebruik; weggelaten: 3 zonder woonfunctie'
        """
        tekst = f"{getal(len(self.data))} woonadressen in gebruik"
        weg = [f"{getal(n)} {reden}" for reden, n in self.weggelaten.items() if n]
        return tekst + (f"; weggelaten: {', '.join(weg)}" if weg else "")


def heeft_woonfunctie(gebruiksdoel: pd.Series) -> np.ndarray:
    """Which rows have ``woonfunctie`` among their uses (text joined by commas, or a list).

    Examples
    --------
    >>> heeft_woonfunctie(pd.Series(["woonfunctie", "winkelfunctie,woonfunctie",
    ...     "kantoorfunctie", ["sportfunctie", "woonfunctie"], None])).tolist()
    [True, True, False, True, False]
    """
    tekst = gebruiksdoel.map(
        lambda v: ",".join(map(str, v)) if isinstance(v, list | tuple | np.ndarray) else v
    )
    delen = tekst.astype("string").str.lower().str.split(",")
    return (
        delen.map(
            lambda d: isinstance(d, list) and any(x.strip() == WOONFUNCTIE for x in d),
            na_action="ignore",
        )
        .fillna(False)
        .to_numpy(dtype=bool)
    )


def _kies(
    frame: gpd.GeoDataFrame, gebied: shapely.Geometry | None, *, wat: str
) -> tuple[gpd.GeoDataFrame, dict[str, int]]:
    """Keep the residential addresses in use inside ``gebied``; count what goes, by reason."""
    weg: dict[str, int] = {}
    leeg = frame.geometry.isna().to_numpy() | frame.geometry.is_empty.to_numpy()
    if leeg.any():
        weg["zonder locatie"] = int(leeg.sum())
        frame = frame[~leeg]
    dubbel = frame.index.duplicated()
    if dubbel.any():
        weg["dubbel (zelfde identificatie)"] = int(dubbel.sum())
        frame = frame[~dubbel]
    wonen = heeft_woonfunctie(frame["gebruiksdoel"])
    weg["zonder woonfunctie"] = int((~wonen).sum())
    frame = frame[wonen]
    if "status" in frame.columns:
        status = frame["status"].astype("string").str.strip()
        in_gebruik = status.isin(STATUS_IN_GEBRUIK).fillna(False).to_numpy(dtype=bool)
        for naam, n in status[~in_gebruik].fillna("(geen status)").value_counts().items():
            weg[f"niet in gebruik ({naam})"] = int(n)
        frame = frame[in_gebruik]
    if gebied is not None and len(frame):
        xy = shapely.get_coordinates(frame.geometry.to_numpy())
        shapely.prepare(gebied)
        binnen = shapely.contains_xy(gebied, xy[:, 0], xy[:, 1])
        weg["buiten de gemeente"] = int((~binnen).sum())
        frame = frame[binnen]
    log.info(
        "%s: %d woonadressen in gebruik; weggelaten: %s",
        wat,
        len(frame),
        ", ".join(f"{n} {r}" for r, n in weg.items() if n) or "geen",
    )
    return frame, weg


def _bbox(gebied: shapely.Geometry) -> tuple[float, float, float, float]:
    minx, miny, maxx, maxy = gebied.bounds
    return float(np.floor(minx)), float(np.floor(miny)), float(np.ceil(maxx)), float(np.ceil(maxy))


def _uit_features(features: list[dict[str, Any]], *, query: str) -> gpd.GeoDataFrame:
    """The features of the API as a frame (vectorised: one pass over the dicts)."""
    props = [f.get("properties") or {} for f in features]
    xy = np.full((len(features), 2), np.nan)
    for i, f in enumerate(features):
        geom = f.get("geometry") or {}
        coords = geom.get("coordinates") if geom.get("type") == "Point" else None
        if coords is not None and len(coords) >= 2:
            xy[i] = coords[0], coords[1]
    punten = shapely.points(xy)
    punten[np.isnan(xy).any(axis=1)] = None
    frame = gpd.GeoDataFrame(
        {
            "identificatie": [str(p.get("identificatie") or "") for p in props],
            "gebruiksdoel": [p.get("gebruiksdoel") for p in props],
            "status": [p.get("status") for p in props],
            "bronhouder_identificatie": [p.get("bronhouder_identificatie") for p in props],
        },
        geometry=punten,
        crs=settings.crs,
    )
    _check_rd(frame, query)
    return frame.set_index("identificatie")


def fetch_adressen(gebied: shapely.Geometry, *, naam: str = "") -> Adressen:
    """Residential addresses in use in an area, from the PDOK BAG OGC API.

    The API is asked for the verblijfsobjecten in the bounding box of ``gebied`` (RD), page by
    page; those with woonfunctie and in use (module docstring) inside ``gebied`` itself are kept.

    Parameters
    ----------
    gebied
        The area in EPSG:28992: the gemeente's outline. Residents across the border belong to
        the neighbouring gemeente's buurten and figures, so no border buffer is added (the
        buffer is for facilities and the network, :func:`gebiedsplan.importeren.reikwijdte`).
    naam
        Name of the area for messages (the gemeentecode).

    Returns
    -------
    Adressen

    Raises
    ------
    BronError
        The service cannot be reached (and the answer is not cached), answers in degrees, or
        has no residential address in use in the area.

    Examples
    --------
    >>> import shapely
    >>> adressen = fetch_adressen(shapely.box(190300, 443100, 192500, 444600))  # doctest: +SKIP
    >>> adressen.tekst()  # doctest: +SKIP
    '41.234 woonadressen in gebruik; weggelaten: ...'
    """
    url = f"{BAG_URL}/collections/{COLLECTIE}/items"
    minx, miny, maxx, maxy = _bbox(gebied)
    params: dict[str, Any] = {
        "f": "json",
        "crs": RD_CRS,
        "bbox-crs": RD_CRS,
        "bbox": f"{minx:.0f},{miny:.0f},{maxx:.0f},{maxy:.0f}",
        "limit": PAGINA,
    }
    query = full_url(url, params)
    frame = _uit_features(_fetch_features(url, params), query=query)
    wat = f"BAG {naam}".strip()
    adressen, weg = _kies(frame, gebied, wat=wat)
    if adressen.empty:
        raise BronError(
            f"PDOK BAG gaf geen woonadressen in gebruik binnen {naam or 'het gebied'} ({query}; "
            f"{getal(len(frame))} verblijfsobjecten in de rechthoek). Klopt het gebied? Zonder "
            "adressen worden de vraagpunten uit het 100m-raster of de buurten gemaakt."
        )
    datum = opgehaald_op(url, params)
    herkomst = Herkomst(
        bron="BAG-verblijfsobjecten met woonfunctie, in gebruik (PDOK BAG OGC API)",
        datum=datum,
        licentie=LICENTIE,
        query=f"{query}; {_verslag(len(adressen), weg)}",
        peildatum=datum,  # the BAG is a live register: it describes the day it was fetched
    )
    return Adressen(_vorm(adressen), herkomst, weg)


def _vorm(adressen: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The columns of :attr:`Adressen.data`, geometry kept."""
    return gpd.GeoDataFrame(
        adressen[["gebruiksdoel", "status"]], geometry=adressen.geometry, crs=adressen.crs
    )


def _verslag(n: int, weg: Mapping[str, int]) -> str:
    tekst = f"{n} woonadressen in gebruik"
    weg_tekst = ", ".join(f"{aantal} {reden}" for reden, aantal in weg.items() if aantal)
    return tekst + (f"; weggelaten: {weg_tekst}" if weg_tekst else "")


# --- file twin -----------------------------------------------------------------------------


def _laag(bestand: Path, laag: str | None) -> str:
    try:
        lagen = [str(rij[0]) for rij in pyogrio.list_layers(bestand)]
    except Exception as exc:  # GDAL raises its own types
        regel = (str(exc).strip().splitlines() or [""])[0]
        raise BronError(
            f"Adressenbestand {bestand} is geen leesbaar GIS-bestand ({regel}). Verwacht het "
            "BAG-GeoPackage van PDOK (bag-light.gpkg, laag verblijfsobject) of een puntbestand "
            "met de kolommen identificatie, gebruiksdoel en status."
        ) from None
    if laag is not None:
        if laag not in lagen:
            raise BronError(
                f"Adressenbestand {bestand} heeft geen laag '{laag}'; wel: {', '.join(lagen)}."
            )
        return laag
    if COLLECTIE in lagen:
        return COLLECTIE
    if len(lagen) == 1:
        return lagen[0]
    raise BronError(
        f"Adressenbestand {bestand} heeft geen laag '{COLLECTIE}' en meer dan één laag "
        f"({', '.join(lagen)}); noem de laag met de verblijfsobjecten."
    )


def _kolommen(velden: Iterable[str], bestand: Path, laag: str) -> dict[str, str]:
    """The file's column for each of :data:`KOLOMMEN` (without case); ``status`` may miss."""
    per_naam = {str(v).lower(): str(v) for v in velden}
    gevonden = {k: per_naam[k] for k in KOLOMMEN if k in per_naam}
    ontbreekt = [k for k in ("identificatie", "gebruiksdoel") if k not in gevonden]
    if ontbreekt:
        raise BronError(
            f"Adressenbestand {bestand}, laag '{laag}': kolom {' en '.join(ontbreekt)} ontbreekt "
            f"(aanwezig: {', '.join(per_naam.values()) or 'geen'}). Verwacht de BAG-verblijfs"
            "objecten met identificatie, gebruiksdoel (woonfunctie, ...) en status, zoals in "
            "bag-light.gpkg van PDOK."
        )
    return gevonden


def read_adressen(
    path: str | Path,
    *,
    gebied: shapely.Geometry | None = None,
    laag: str | None = None,
) -> Adressen:
    """Residential addresses in use from a BAG file: the file twin of :func:`fetch_adressen`.

    Parameters
    ----------
    path
        The BAG GeoPackage of PDOK (``bag-light.gpkg``, layer ``verblijfsobject``), an extract of
        it, or any point file (GeoPackage, GeoJSON, shapefile) with the columns
        ``identificatie``, ``gebruiksdoel`` and ``status`` in any CRS. Without ``status`` every
        address with woonfunctie counts as in use (logged, and said in the provenance).
    gebied
        The gemeente's outline in EPSG:28992; only the rows in its bounding box are read (the
        national file has ten million), those inside it are kept.
    laag
        The layer, when the file has several and none is called ``verblijfsobject``.

    Returns
    -------
    Adressen

    Raises
    ------
    BronError
        The file is missing, empty, unreadable or lacks the columns; it has no residential
        address in use; none lies in ``gebied`` (an extract of another gemeente: the file's
        extent and its gemeente codes are named).
    CRSError
        No CRS, or coordinates that do not fit it (axes swapped, RD labelled as degrees),
        with the fix (:func:`gebiedsplan._validate.naar_rd`).

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import geopandas as gpd
    >>> from shapely import Point, box
    >>> vbo = gpd.GeoDataFrame({"identificatie": ["0202010000000001", "0202010000000002",
    ...     "0202010000000003"], "gebruiksdoel": ["woonfunctie", "winkelfunctie,woonfunctie",
    ...     "kantoorfunctie"], "status": ["Verblijfsobject in gebruik"] * 3},
    ...     geometry=[Point(190500, 443700), Point(190600, 443800), Point(190700, 443900)],
    ...     crs="EPSG:28992")
    >>> bestand = Path(tempfile.mkdtemp()) / "bag-light.gpkg"
    >>> vbo.to_file(bestand, layer="verblijfsobject")
    >>> adressen = read_adressen(bestand, gebied=box(190300, 443100, 192500, 444600))
    >>> adressen.tekst()
    '2 woonadressen in gebruik; weggelaten: 1 zonder woonfunctie'
    """
    bestand = check_bestand(path, wat="Adressenbestand")
    naam = _laag(bestand, laag)
    info = pyogrio.read_info(bestand, layer=naam)
    kolommen = _kolommen(info.get("fields", []), bestand, naam)
    bbox = None
    if gebied is not None and info.get("crs") and _is_rd(info["crs"]):
        bbox = _bbox(gebied)
    frame = pyogrio.read_dataframe(bestand, layer=naam, columns=list(kolommen.values()), bbox=bbox)
    frame = frame.rename(columns={v: k for k, v in kolommen.items()})
    wat = f"Adressenbestand {bestand}"
    if frame.empty and bbox is None:
        raise BronError(f"{wat}, laag '{naam}': het bestand bevat geen verblijfsobjecten.")
    if frame.empty:  # nothing in the gemeente: first make sure the coordinates fit the CRS
        proef = pyogrio.read_dataframe(bestand, layer=naam, columns=[], max_features=1000)
        if not proef.empty:
            naar_rd(proef, bron=str(bestand), wat=wat)
    else:
        frame = naar_rd(frame, bron=str(bestand), wat=wat, sleutel="identificatie")
    frame["identificatie"] = frame["identificatie"].astype("string").fillna("").str.strip()
    frame = frame.set_index("identificatie")
    zonder_status = "status" not in kolommen
    if zonder_status:
        log.warning(
            "%s heeft geen kolom status: elk adres met woonfunctie telt als in gebruik.", wat
        )
    adressen, weg = _kies(frame, gebied, wat=wat)
    if adressen.empty:
        raise BronError(_geen_adressen(bestand, naam, frame, weg, gelezen_in=bbox, info=info))
    datum = bestand_datum(bestand)
    hoe = "zonder kolom status: alle adressen met woonfunctie geteld; " if zonder_status else ""
    herkomst = Herkomst(
        bron=f"BAG-verblijfsobjecten met woonfunctie, in gebruik (bestand {bestand.name})",
        datum=datum,
        licentie=LICENTIE,
        query=f"{bestand}, laag {naam}; {hoe}{_verslag(len(adressen), weg)}; "
        "peildatum: datum van het bestand",
        peildatum=datum,
    )
    if "status" not in adressen.columns:
        adressen = adressen.assign(status=pd.NA)
    return Adressen(_vorm(adressen), herkomst, weg)


def _is_rd(crs: str) -> bool:
    try:
        return bool(pyproj.CRS.from_user_input(crs).equals(pyproj.CRS.from_epsg(28992)))
    except pyproj.exceptions.CRSError:
        return False


def _geen_adressen(
    bestand: Path,
    laag: str,
    frame: pd.DataFrame,
    weg: Mapping[str, int],
    *,
    gelezen_in: tuple[float, float, float, float] | None,
    info: Mapping[str, Any],
) -> str:
    """Why a file gave no residential address in use, in Dutch, with what to do."""
    wat = f"Adressenbestand {bestand}, laag '{laag}'"
    if weg.get("buiten de gemeente") or (gelezen_in is not None and frame.empty):
        grenzen = info.get("total_bounds")
        if grenzen is None or not np.isfinite(np.asarray(grenzen, dtype=float)).all():
            try:
                grenzen = pyogrio.read_bounds(bestand, layer=laag)[1]
                grenzen = (grenzen[0].min(), grenzen[1].min(), grenzen[2].max(), grenzen[3].max())
            except Exception:  # GDAL raises its own types
                grenzen = None
        waar = ""
        if grenzen is not None and np.isfinite(np.asarray(grenzen, dtype=float)).all():
            x0, y0, x1, y1 = (float(v) for v in grenzen)
            stelsel = "RD" if stelsel_van((x0, y0, x1, y1)) == "rd" else "het CRS van het bestand"
            waar = (
                f" De adressen in het bestand liggen tussen ({x0:.0f}, {y0:.0f}) en "
                f"({x1:.0f}, {y1:.0f}) in {stelsel}."
            )
        codes = ""
        if "bronhouder_identificatie" in {str(f).lower() for f in info.get("fields", [])}:
            alle = pyogrio.read_dataframe(
                bestand,
                layer=laag,
                columns=["bronhouder_identificatie"],
                read_geometry=False,
                max_features=10_000,
            )
            gevonden = sorted({f"GM{str(v).zfill(4)}" for v in alle.iloc[:, 0].dropna()})
            if gevonden:
                codes = f" Gemeentecodes (bronhouder) in het bestand: {', '.join(gevonden[:10])}."
        return (
            f"{wat}: geen enkel woonadres ligt in de gemeente.{waar}{codes} Is het een "
            "uittreksel van een andere gemeente? Download het BAG-GeoPackage (bag-light.gpkg) of "
            "een uittreksel dat deze gemeente bevat."
        )
    if not weg.get("zonder woonfunctie") and not any(r.startswith("niet in gebruik") for r in weg):
        return f"{wat}: het bestand bevat geen verblijfsobjecten."
    redenen = ", ".join(f"{getal(n)} {r}" for r, n in weg.items() if n)
    return (
        f"{wat}: geen verblijfsobject met gebruiksdoel {WOONFUNCTIE} en status "
        f"'{STATUS_IN_GEBRUIK[0]}' of '{STATUS_IN_GEBRUIK[1]}' ({redenen}). Is dit het bestand "
        "met de verblijfsobjecten (kolom gebruiksdoel met woonfunctie)?"
    )


__all__ = [
    "BAG_URL",
    "STATUS_IN_GEBRUIK",
    "Adressen",
    "fetch_adressen",
    "heeft_woonfunctie",
    "read_adressen",
]
