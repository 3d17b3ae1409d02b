"""Where a register's rows are: x/y columns in RD or degrees (stated or detected, checked row by
row), or addresses geocoded with PDOK Locatieserver; and the gemeente polygon they must lie in.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import geopandas as gpd
import numpy as np
import pyproj
import shapely
from shapely.geometry.base import BaseGeometry

from gebiedsplan import settings
from gebiedsplan._getallen import parse_getal
from gebiedsplan._validate import in_nederland, nederland_tekst, stelsel_van
from gebiedsplan.bronnen.locatieserver import Adres, Zoekresultaat, split_adres, zoek_adressen
from gebiedsplan.bronnen.register.koppeling import ADRES, Koppeling
from gebiedsplan.bronnen.register.tabel import Problemen, als_tekst, rijen_tekst
from gebiedsplan.errors import CRSError, GebiedsplanError

log = logging.getLogger(__name__)


def _stelsel(x: float, y: float) -> str:
    """Which system a coordinate pair is in: rd, wgs84, rd_verwisseld, wgs84_verwisseld or geen
    (the Netherlands in RD and in degrees: :func:`gebiedsplan._validate.in_nederland`)."""
    if in_nederland(x, y):
        return "rd"
    if in_nederland(x, y, graden=True):
        return "wgs84"
    if in_nederland(y, x):
        return "rd_verwisseld"
    if in_nederland(y, x, graden=True):
        return "wgs84_verwisseld"
    return "geen"


def coordinaten(
    rows: list[tuple[int, list[Any]]],
    ix: int,
    iy: int,
    koppeling: Koppeling,
    problemen: Problemen,
) -> dict[int, tuple[float, float]]:
    """RD points per row number, checking the stated or detected system row by row."""
    kx, ky = koppeling.locatie["x"], koppeling.locatie["y"]
    crs = koppeling.crs
    paren: dict[int, tuple[float, float]] = {}
    stelsels: dict[str, list[int]] = {}
    for rij, cellen in rows:
        vx, vy = cellen[ix], cellen[iy]
        if vx is None or vy is None:
            problemen.rij(f"x/y ('{kx}'/'{ky}') ontbreekt in rij {{rijen}}", rij)
            continue
        (x, twijfel_x), (y, twijfel_y) = (
            parse_getal(vx, koppeling.getallen),
            parse_getal(vy, koppeling.getallen),
        )
        twijfel = [
            (v, t) for v, t in ((vx, twijfel_x), (vy, twijfel_y)) if t and t != "is geen getal"
        ]
        if twijfel:
            for v, t in twijfel:
                problemen.rij(f"x/y ('{kx}'/'{ky}'): '{als_tekst(v)}' in rij {{rijen}} {t}", rij)
            continue
        if x is None or y is None:
            problemen.rij(
                f"x/y ('{kx}'/'{ky}'): geen getal in rij {{rijen}} (bv. {{voorbeelden}}); "
                "schrijf coördinaten als 190123.4 of 51,98 (zonder scheiding tussen duizendtallen)",
                rij,
                f"{als_tekst(vx)} / {als_tekst(vy)}",
            )
            continue
        paren[rij] = (x, y)
        stelsels.setdefault(_stelsel(x, y), []).append(rij)

    uitleg = {
        "rd_verwisseld": (
            f"x en y lijken verwisseld in rij {{rijen}} (bv. {{voorbeelden}}): '{kx}' heeft "
            f"RD-waarden van een y en '{ky}' die van een x (Nederland ligt in RD binnen "
            f"{nederland_tekst()}); zet in de koppeling x: {ky}, y: {kx}, of wissel de "
            "kolommen in het register"
        ),
        "wgs84_verwisseld": (
            f"lengte- en breedtegraad lijken verwisseld in rij {{rijen}} (bv. {{voorbeelden}}): "
            f"'{kx}' heeft breedtegraden en '{ky}' lengtegraden (Nederland ligt binnen "
            f"{nederland_tekst(graden=True)}); x is de lengtegraad (lon), y de breedtegraad "
            f"(lat): zet in de koppeling x: {ky}, y: {kx}"
        ),
        "geen": (
            "coördinaten in rij {rijen} (bv. {voorbeelden}) liggen niet in Nederland, in RD "
            f"({nederland_tekst()}) noch in graden ({nederland_tekst(graden=True)}); "
            "controleer de waarden en het coördinatenstelsel"
        ),
    }
    for soort, tekst in uitleg.items():
        for rij in stelsels.get(soort, []):
            problemen.rij(tekst, rij, "{:g} / {:g}".format(*paren[rij]))
    rd, wgs = stelsels.get("rd", []), stelsels.get("wgs84", [])
    if crs == "EPSG:28992" and wgs:
        for rij in wgs:
            problemen.rij(
                "de koppeling zegt crs EPSG:28992 (RD, meters), maar rij {rijen} heeft "
                "graden (bv. {voorbeelden}); zet crs: EPSG:4326 of reken die rijen om naar RD",
                rij,
                "{:g} / {:g}".format(*paren[rij]),
            )
    if crs == "EPSG:4326" and rd:
        for rij in rd:
            problemen.rij(
                f"de koppeling zegt crs EPSG:4326 (graden), maar '{kx}'/'{ky}' in rij {{rijen}} "
                "heeft RD-coördinaten in meters (bv. {voorbeelden}), geen lengte/breedtegraad; "
                "zet crs: EPSG:28992 of crs: auto",
                rij,
                "{:g} / {:g}".format(*paren[rij]),
            )
    if crs == "auto" and rd and wgs:
        problemen.regel(
            f"het register mengt RD-coördinaten (rij {rijen_tekst(rd)}) en graden WGS84 (rij "
            f"{rijen_tekst(wgs)}); één stelsel per register: reken de afwijkende rijen om"
        )
    use_wgs = crs == "EPSG:4326" or (crs == "auto" and wgs and not rd)
    goed = wgs if use_wgs else rd
    if not goed:
        return {}
    xs = np.array([paren[r][0] for r in goed])
    ys = np.array([paren[r][1] for r in goed])
    if use_wgs:
        omzet = pyproj.Transformer.from_crs("EPSG:4326", settings.crs, always_xy=True)
        xs, ys = omzet.transform(xs, ys)
        log.info("Register: %d rijen in graden (WGS84) omgezet naar %s", len(goed), settings.crs)
    return {r: (float(x), float(y)) for r, x, y in zip(goed, xs, ys, strict=True)}


def adres_van(cellen: list[Any], index: Mapping[str, int]) -> Adres:
    """The address of one register row: street and number from their own columns, or split
    from one ``adres`` column ("Kerkstraat 12a")."""
    delen = {k: cellen[index[k]] if k in index else None for k in ADRES}
    straat, huisnummer = delen["straat"], delen["huisnummer"]
    if delen["adres"] is not None:
        gesplitst = split_adres(delen["adres"])
        straat, huisnummer = gesplitst if gesplitst else (delen["adres"], None)
    return Adres(straat, huisnummer, delen["postcode"], delen["plaats"])


def geocodeer(
    rows: list[tuple[int, list[Any]]],
    index: Mapping[str, int],
    *,
    wat: str = "adressen",
) -> tuple[dict[int, Zoekresultaat], dict[int, Zoekresultaat]]:
    """Geocode the address of every row in one batch
    (:func:`~gebiedsplan.bronnen.locatieserver.zoek_adressen`): (found, not found) by row."""
    resultaten = zoek_adressen([adres_van(cellen, index) for _, cellen in rows], wat=wat)
    gevonden: dict[int, Zoekresultaat] = {}
    mislukt: dict[int, Zoekresultaat] = {}
    for (rij, _), r in zip(rows, resultaten, strict=True):
        if r.probleem or r.x is None or r.y is None:
            mislukt[rij] = r
        else:
            gevonden[rij] = r
    log.info("Register: %d van %d adressen gevonden (PDOK Locatieserver)", len(gevonden), len(rows))
    return gevonden, mislukt


def adressen(
    rows: list[tuple[int, list[Any]]],
    index: Mapping[str, int],
    namen: Mapping[int, str],
    koppeling: Koppeling,
    problemen: Problemen,
) -> tuple[dict[int, tuple[float, float]], dict[int, tuple[str, float | None]]]:
    """Geocode every address row with PDOK Locatieserver; one line per address not found."""
    gevonden, mislukt = geocodeer(rows, index)
    for rij, r in mislukt.items():
        naam = f" ({namen[rij]})" if namen.get(rij) else ""
        problemen.regel(f"rij {rij}{naam}: {r.probleem}")
    return punten_van(gevonden), {
        rij: (str(r.weergavenaam), r.score) for rij, r in gevonden.items()
    }


def punten_van(gevonden: Mapping[int, Zoekresultaat]) -> dict[int, tuple[float, float]]:
    """The RD point of every found address, by row."""
    punten: dict[int, tuple[float, float]] = {}
    for rij, r in gevonden.items():
        if r.x is not None and r.y is not None:
            punten[rij] = (r.x, r.y)
    return punten


def vlak_in_rd(gemeente_vlak: Any) -> BaseGeometry:
    """The gemeente polygon in RD; a frame without CRS, or a bare geometry not in RD, is an error."""
    if isinstance(gemeente_vlak, gpd.GeoDataFrame | gpd.GeoSeries):
        if gemeente_vlak.crs is None:
            raise CRSError(
                "gemeente_vlak heeft geen CRS; geef het op, bv. vlak.set_crs('EPSG:28992')."
            )
        return shapely.union_all(gemeente_vlak.to_crs(settings.crs).geometry.to_numpy())
    if isinstance(gemeente_vlak, BaseGeometry):
        minx, miny, maxx, maxy = gemeente_vlak.bounds
        if stelsel_van(gemeente_vlak.bounds) != "rd":
            raise CRSError(
                f"gemeente_vlak (een shapely-geometrie zonder CRS) ligt niet in RD-coördinaten "
                f"(grenzen {minx:g}, {miny:g}, {maxx:g}, {maxy:g}); geef een GeoDataFrame of "
                "GeoSeries met CRS, of zet de geometrie eerst om naar EPSG:28992."
            )
        return gemeente_vlak
    raise GebiedsplanError(
        f"gemeente_vlak moet een GeoDataFrame, GeoSeries of shapely-geometrie zijn, kreeg "
        f"{type(gemeente_vlak).__name__}"
    )
