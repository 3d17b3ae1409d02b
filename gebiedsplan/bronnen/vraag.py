"""Demand points (vraagpunten): where the inhabitants live, as points with a whole number of people.

Three ways to make them, best first; :func:`choose_vraagpunten` takes the best one the data allows
and says which it took:

1. ``adressen``: one point per (residential) address. With a column ``inwoners`` it is used as
   is; without it each buurt's ``aantal_inwoners`` is spread over its addresses.
2. ``raster_100m``: the CBS 100 m population grid (vierkantstatistieken), one point per populated
   cell at the cell centre. Suppressed cells (CBS writes negative codes such as -99997 for
   "geheim") are left out, never counted as 0.
3. ``buurt_verdeeld``: each buurt's ``aantal_inwoners`` spread over a regular grid of points inside
   the buurt (optionally only inside a residential-area polygon), see
   :func:`vraagpunten_from_buurten`.

Integer spreading
-----------------
A buurt total ``N`` is spread over points with weights ``w_i`` by the largest-remainder method:
quota ``q_i = N * w_i / sum(w)``, every point gets ``floor(q_i)``, and the ``N - sum(floor(q))``
people left go one each to the points with the largest ``q_i - floor(q_i)``. Ties are broken by a
fixed pseudo-random order seeded from the buurtcode, so equal cells do not all fill from the
south-west corner and a rerun gives the same points. The points of a buurt therefore sum exactly
to its total. Points that receive nobody are dropped.
"""

from __future__ import annotations

import logging
import zlib
from typing import Literal, TypeAlias

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gebiedsplan._validate import check_projected, validate_laag
from gebiedsplan.errors import CRSError, GebiedsplanError

log = logging.getLogger(__name__)

Methode = Literal["adressen", "raster_100m", "buurt_verdeeld"]

#: Dutch description of every method, reported in ``attrs["methode_toelichting"]`` and the log.
TOELICHTING: dict[str, str] = {
    "adressen": "vraagpunten zijn adressen (één punt per adres)",
    "raster_100m": "vraagpunten zijn de cellen van het 100m-bevolkingsraster (celmidden)",
    "buurt_verdeeld": (
        "vraagpunten zijn een regelmatig raster binnen elke buurt (zo nodig binnen het woongebied) "
        "met de buurtinwoners erover verdeeld"
    ),
}

_Vlakken: TypeAlias = gpd.GeoDataFrame | gpd.GeoSeries | shapely.Geometry


def split_integer(total: int, weights: np.ndarray, *, seed: int = 0) -> np.ndarray:
    """Split a whole number over weights by largest remainder; the parts sum exactly to ``total``.

    Parameters
    ----------
    total
        The number to split (>= 0).
    weights
        Non-negative weights, at least one positive.
    seed
        Seed of the fixed tie-break order among equal remainders.

    Returns
    -------
    numpy.ndarray
        ``int64`` parts, one per weight.

    Examples
    --------
    >>> split_integer(10, np.array([1.0, 2.0, 3.0])).tolist()  # quotas 1.67, 3.33, 5
    [2, 3, 5]
    >>> int(split_integer(7, np.ones(5)).sum())
    7
    """
    weights = np.asarray(weights, dtype=float)
    if total < 0 or not np.isfinite(weights).all() or (weights < 0).any() or weights.sum() <= 0:
        raise GebiedsplanError(
            f"Kan {total} niet verdelen over gewichten {weights[:5]}...; verwacht een aantal >= 0 "
            "en niet-negatieve gewichten waarvan er minstens één groter is dan 0."
        )
    quota = total * weights / weights.sum()
    parts = np.floor(quota).astype(np.int64)
    over = int(total - parts.sum())
    if over > 0:
        tiebreak = np.random.default_rng(seed).permutation(len(weights))
        order = np.lexsort((tiebreak, -(quota - parts)))
        parts[order[:over]] += 1
    return parts


def _seed(code: str) -> int:
    return zlib.crc32(code.encode("utf-8"))


def _as_geometry(vlakken: _Vlakken | None, *, crs: object, wat: str) -> shapely.Geometry | None:
    """One (multi)polygon from a layer, a GeoSeries or a shapely geometry, in the CRS of ``crs``."""
    if vlakken is None:
        return None
    if isinstance(vlakken, gpd.GeoDataFrame | gpd.GeoSeries):
        if vlakken.crs is None or vlakken.crs != crs:
            raise CRSError(
                f"{wat} heeft CRS {vlakken.crs}, de buurten {crs}. Breng ze eerst in hetzelfde "
                "CRS, bv. met .to_crs('EPSG:28992')."
            )
        geoms = vlakken.geometry.to_numpy() if isinstance(vlakken, gpd.GeoDataFrame) else vlakken
        return shapely.union_all(np.asarray(geoms))
    return vlakken


def _buurtcodes(buurten: gpd.GeoDataFrame) -> pd.Index:
    if buurten.index.name == "buurtcode":
        return buurten.index.astype(str)
    if "buurtcode" in buurten.columns:
        return pd.Index(buurten["buurtcode"].astype(str), name="buurtcode")
    raise GebiedsplanError(
        "Laag buurten heeft geen kolom of index 'buurtcode'; laad de buurten met "
        "gebiedsplan.gemeente of zet de code als index: buurten.set_index('buurtcode')."
    )


def _grid_points(regio: shapely.Geometry, cel_m: float) -> tuple[np.ndarray, np.ndarray]:
    """Centres of the ``cel_m`` grid cells (aligned to multiples of ``cel_m``, as the CBS grid)
    that lie inside ``regio``, and the area of each cell inside ``regio`` as weight."""
    minx, miny, maxx, maxy = regio.bounds
    xs = (np.arange(np.floor(minx / cel_m), np.ceil(maxx / cel_m)) + 0.5) * cel_m
    ys = (np.arange(np.floor(miny / cel_m), np.ceil(maxy / cel_m)) + 0.5) * cel_m
    rx, ry = np.meshgrid(xs, ys)
    gx, gy = rx.ravel(), ry.ravel()
    shapely.prepare(regio)
    inside = shapely.contains_xy(regio, gx, gy)
    gx, gy = gx[inside], gy[inside]
    half = cel_m / 2
    cellen = shapely.box(gx - half, gy - half, gx + half, gy + half)
    gewicht = shapely.area(shapely.intersection(cellen, regio))
    return np.column_stack([gx, gy]), gewicht


def _finish(frame: gpd.GeoDataFrame, methode: Methode, *, bron: str) -> gpd.GeoDataFrame:
    frame = frame[frame["inwoners"] > 0].copy()
    if "methode" not in frame.columns:
        frame["methode"] = methode
    result = validate_laag(frame, "vraagpunten", bron=bron)
    assert isinstance(result, gpd.GeoDataFrame)
    result["inwoners"] = result["inwoners"].astype("int64")
    result.attrs["methode"] = methode
    result.attrs["methode_toelichting"] = TOELICHTING[methode]
    return result


def vraagpunten_from_buurten(
    buurten: gpd.GeoDataFrame,
    *,
    cel_m: float = 100,
    woongebied: _Vlakken | None = None,
) -> gpd.GeoDataFrame:
    """Spread each buurt's inhabitants over a regular grid of points inside the buurt.

    Grid cells are aligned to multiples of ``cel_m`` in EPSG:28992, as the CBS 100 m grid; a point
    sits at each cell centre that lies inside the buurt (intersected with ``woongebied`` when
    given). Each point is weighted by the area of its cell inside that region, and the buurt's
    ``aantal_inwoners`` is split over the points by largest remainder (module docstring), so the
    points of a buurt sum exactly to its total. A buurt too small or thin for any cell centre
    gets one point, its representative point. A buurt that does not meet the residential area at
    all is spread over its whole area (logged). Buurten with missing ``aantal_inwoners`` (CBS
    suppresses small numbers) are left out with a warning naming them: they are never counted
    as 0.

    Parameters
    ----------
    buurten
        Layer ``buurten`` (indexed by ``buurtcode``, column ``aantal_inwoners``), projected CRS.
    cel_m
        Grid spacing in metres.
    woongebied
        Optional residential area (polygons, e.g. CBS Bodemgebruik "woongebied" or BAG panden
        buffered), same CRS as ``buurten``.

    Returns
    -------
    geopandas.GeoDataFrame
        Layer ``vraagpunten``: index ``id`` (``<buurtcode>_<n>``), ``inwoners`` (int),
        ``buurtcode``, ``methode`` (``"buurt_verdeeld"``), Point geometry; ``attrs["methode"]``
        says the same. Points that receive nobody are dropped.

    Examples
    --------
    >>> from gebiedsplan.bronnen.demo import build_demo
    >>> buurten = build_demo().buurten
    >>> punten = vraagpunten_from_buurten(buurten, cel_m=100)
    >>> int(punten["inwoners"].sum()) == int(buurten["aantal_inwoners"].sum())
    True
    >>> punten.attrs["methode"]
    'buurt_verdeeld'
    """
    check_projected(buurten, wat="Laag buurten")
    if not cel_m > 0:
        raise GebiedsplanError(f"cel_m moet groter dan 0 zijn (gekregen: {cel_m!r}).")
    if "aantal_inwoners" not in buurten.columns:
        raise GebiedsplanError(
            "Laag buurten mist kolom 'aantal_inwoners'; vraagpunten verdelen de inwoners per "
            "buurt. Neem de CBS-kerncijfers op (kolom aantal_inwoners, bv. AantalInwoners_5)."
        )
    codes = _buurtcodes(buurten)
    inwoners = pd.to_numeric(pd.Series(buurten["aantal_inwoners"].to_numpy()), errors="coerce")
    leeg = inwoners.isna().to_numpy()
    if leeg.any():
        log.warning(
            "%d buurten zonder aantal_inwoners doen niet mee in de vraagpunten (niet als 0 "
            "geteld): %s",
            int(leeg.sum()),
            ", ".join(codes[leeg]),
        )
    woon = _as_geometry(woongebied, crs=buurten.crs, wat="Woongebied")
    geen_woongebied: list[str] = []
    xy_parts: list[np.ndarray] = []
    n_parts: list[np.ndarray] = []
    code_parts: list[str] = []
    for code, geom, totaal, is_leeg in zip(
        codes, buurten.geometry.to_numpy(), inwoners.to_numpy(), leeg, strict=True
    ):
        if is_leeg or totaal <= 0 or geom is None or geom.is_empty:
            continue
        regio = geom
        if woon is not None:
            regio = shapely.intersection(geom, woon)
            if regio.is_empty or regio.area == 0:
                geen_woongebied.append(code)
                regio = geom
        xy, gewicht = _grid_points(regio, cel_m)
        if len(xy) == 0 or gewicht.sum() <= 0:
            punt = shapely.point_on_surface(regio)
            xy, gewicht = shapely.get_coordinates(punt), np.ones(1)
        order = np.lexsort((xy[:, 0], xy[:, 1]))
        xy, gewicht = xy[order], gewicht[order]
        xy_parts.append(xy)
        n_parts.append(split_integer(int(totaal), gewicht, seed=_seed(code)))
        code_parts.append(code)
    if geen_woongebied:
        log.info(
            "%d buurten raken het woongebied niet; hun inwoners zijn over de hele buurt verdeeld: %s",
            len(geen_woongebied),
            ", ".join(geen_woongebied),
        )
    if not xy_parts:
        raise GebiedsplanError(
            "Geen enkele buurt heeft een bekend aantal_inwoners groter dan 0; er zijn geen "
            "vraagpunten te maken. Controleer de kolom aantal_inwoners van de buurten."
        )
    lengths = [len(x) for x in xy_parts]
    xy_all = np.concatenate(xy_parts)
    ids = [f"{c}_{i:05d}" for c, n in zip(code_parts, lengths, strict=True) for i in range(n)]
    frame = gpd.GeoDataFrame(
        {
            "id": ids,
            "inwoners": np.concatenate(n_parts),
            "buurtcode": np.repeat(code_parts, lengths),
        },
        geometry=gpd.points_from_xy(xy_all[:, 0], xy_all[:, 1]),
        crs=buurten.crs,
    )
    result = _finish(frame, "buurt_verdeeld", bron=f"buurten verdeeld over {cel_m:g} m-raster")
    log.info(
        "%d vraagpunten uit %d buurten (%d inwoners, raster %g m)",
        len(result),
        len(code_parts),
        int(result["inwoners"].sum()),
        cel_m,
    )
    return result


def _join_buurtcode(
    punten: gpd.GeoDataFrame, buurten: gpd.GeoDataFrame | None, *, wat: str
) -> gpd.GeoDataFrame:
    """Add ``buurtcode`` by point-in-polygon when the points lack it; points in no buurt go."""
    if "buurtcode" in punten.columns:
        return punten
    if buurten is None:
        raise GebiedsplanError(
            f"{wat} heeft geen kolom 'buurtcode' en er zijn geen buurten opgegeven om die te "
            "bepalen. Geef buurten=... mee of voeg de kolom buurtcode toe."
        )
    if punten.crs != buurten.crs:
        raise CRSError(
            f"{wat} heeft CRS {punten.crs}, de buurten {buurten.crs}. Breng ze eerst in "
            "hetzelfde CRS, bv. met .to_crs('EPSG:28992')."
        )
    vlakken = gpd.GeoDataFrame(
        {"buurtcode": np.asarray(_buurtcodes(buurten))},
        geometry=buurten.geometry.to_numpy(),
        crs=buurten.crs,
    )
    # a point on a shared border belongs to the first buurt that holds it
    pos = np.arange(len(punten))
    joined = gpd.sjoin(
        gpd.GeoDataFrame({"_pos": pos}, geometry=punten.geometry.to_numpy(), crs=punten.crs),
        vlakken,
        how="left",
        predicate="intersects",
    ).drop_duplicates("_pos")
    code = joined.set_index("_pos")["buurtcode"].reindex(pos).to_numpy()
    buiten = pd.isna(code)
    if buiten.any():
        log.warning(
            "%d punten van %s liggen in geen enkele buurt en doen niet mee", int(buiten.sum()), wat
        )
    out = punten.copy()
    out["buurtcode"] = code
    return out[~buiten]


def _ids(frame: pd.DataFrame, prefix: str) -> np.ndarray:
    index = frame.index
    if index.is_unique and not isinstance(index, pd.RangeIndex) and index.notna().all():
        return np.asarray(index.astype(str))
    return np.array([f"{prefix}{i:07d}" for i in range(len(frame))])


def _from_adressen(
    adressen: gpd.GeoDataFrame,
    buurten: gpd.GeoDataFrame | None,
    *,
    cel_m: float,
    woongebied: _Vlakken | None,
) -> gpd.GeoDataFrame:
    check_projected(adressen, wat="Laag adressen")
    adressen = adressen[adressen.geometry.notna() & ~adressen.geometry.is_empty]
    if not (adressen.geom_type == "Point").all():
        raise GebiedsplanError(
            "Laag adressen moet puntgeometrie hebben (één punt per adres); zet vlakken om met "
            ".representative_point()."
        )
    punten = _join_buurtcode(adressen, buurten, wat="Laag adressen")
    punten = punten.assign(id=_ids(punten, "adres"))
    if "inwoners" in punten.columns:
        frame = gpd.GeoDataFrame(
            punten[["id", "inwoners", "buurtcode"]], geometry=punten.geometry, crs=punten.crs
        )
        return _finish(frame, "adressen", bron="adressen")
    if buurten is None or "aantal_inwoners" not in buurten.columns:
        raise GebiedsplanError(
            "Laag adressen heeft geen kolom 'inwoners'; geef dan buurten met aantal_inwoners mee "
            "om de inwoners per buurt over de adressen te verdelen."
        )
    totaal = pd.Series(
        pd.to_numeric(pd.Series(buurten["aantal_inwoners"].to_numpy()), errors="coerce").to_numpy(),
        index=_buurtcodes(buurten),
    )
    gewicht_kol = "woningen" if "woningen" in punten.columns else None
    delen: list[np.ndarray] = []
    order: list[pd.Index] = []
    for code, groep in punten.groupby("buurtcode", sort=True):
        n = totaal.get(code, np.nan)
        if pd.isna(n):
            continue
        w = (
            pd.to_numeric(groep[gewicht_kol], errors="coerce").fillna(0).to_numpy(dtype=float)
            if gewicht_kol
            else np.ones(len(groep))
        )
        if w.sum() <= 0:
            w = np.ones(len(groep))
        delen.append(split_integer(int(n), w, seed=_seed(str(code))))
        order.append(groep.index)
    zonder = sorted(set(totaal.index[totaal.notna()]) - set(punten["buurtcode"]))
    frames = []
    if order:
        gekozen = punten.loc[np.concatenate([np.asarray(i) for i in order])]
        frames.append(
            gpd.GeoDataFrame(
                {
                    "id": gekozen["id"].to_numpy(),
                    "inwoners": np.concatenate(delen),
                    "buurtcode": gekozen["buurtcode"].to_numpy(),
                    "methode": "adressen",
                },
                geometry=gekozen.geometry.to_numpy(),
                crs=punten.crs,
            )
        )
    onbekend = sorted(set(punten["buurtcode"]) - set(totaal.index[totaal.notna()]))
    if onbekend:
        log.warning(
            "Adressen in %d buurten zonder aantal_inwoners doen niet mee: %s",
            len(onbekend),
            ", ".join(onbekend),
        )
    if zonder:
        rest = buurten.loc[np.isin(np.asarray(_buurtcodes(buurten)), zonder)]
        rest = rest[pd.to_numeric(rest["aantal_inwoners"], errors="coerce") > 0]
        if len(rest):
            log.warning(
                "%d buurten met inwoners hebben geen adres; daar zijn de inwoners over een "
                "raster verdeeld: %s",
                len(rest),
                ", ".join(_buurtcodes(rest)),
            )
            extra = vraagpunten_from_buurten(rest, cel_m=cel_m, woongebied=woongebied)
            frames.append(extra.reset_index())
    if not frames:
        raise GebiedsplanError("Geen adres ligt in een buurt met bekend aantal_inwoners.")
    frame = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=punten.crs)
    return _finish(frame, "adressen", bron="adressen verdeeld over buurtinwoners")


def _from_raster(raster: gpd.GeoDataFrame, buurten: gpd.GeoDataFrame | None) -> gpd.GeoDataFrame:
    check_projected(raster, wat="Laag bevolkingsraster")
    kolom = next((k for k in ("inwoners", "aantal_inwoners") if k in raster.columns), None)
    if kolom is None:
        raise GebiedsplanError(
            "Het bevolkingsraster heeft geen kolom 'aantal_inwoners' (CBS vierkantstatistieken) "
            f"of 'inwoners'; aanwezig: {', '.join(map(str, raster.columns))}."
        )
    waarde = pd.to_numeric(raster[kolom], errors="coerce")
    geheim = waarde.isna() | (waarde < 0)  # CBS codes -99997 (geheim) and friends
    if geheim.any():
        log.warning(
            "%d rastercellen zonder (geheim of ontbrekend) aantal inwoners doen niet mee; "
            "ze worden niet als 0 geteld",
            int(geheim.sum()),
        )
    cellen = raster[~geheim.to_numpy()]
    geoms = cellen.geometry.to_numpy()
    punt = np.where(shapely.get_type_id(geoms) == 0, geoms, shapely.centroid(geoms))
    punten = gpd.GeoDataFrame(
        {"inwoners": waarde[~geheim].round().astype("int64").to_numpy()},
        geometry=punt,
        crs=raster.crs,
        index=cellen.index,
    )
    if "buurtcode" in cellen.columns:
        punten["buurtcode"] = cellen["buurtcode"].to_numpy()
    punten = _join_buurtcode(punten, buurten, wat="Het bevolkingsraster")
    frame = punten.assign(id=_ids(punten, "cel"))
    return _finish(frame, "raster_100m", bron="bevolkingsraster 100 m")


def choose_vraagpunten(
    *,
    adressen: gpd.GeoDataFrame | None = None,
    raster: gpd.GeoDataFrame | None = None,
    buurten: gpd.GeoDataFrame | None = None,
    cel_m: float = 100,
    woongebied: _Vlakken | None = None,
) -> gpd.GeoDataFrame:
    """Demand points from the best data given: addresses, else the 100 m grid, else buurten.

    The choice (module docstring) is made in that order on what is given and not empty; it is
    reported three ways: ``attrs["methode"]`` and ``attrs["methode_toelichting"]`` (Dutch) on the
    result, a ``methode`` column per point (a buurt without any address falls back to
    ``buurt_verdeeld`` inside an ``adressen`` result), and an INFO log line.

    Parameters
    ----------
    adressen
        Address points; column ``inwoners`` optional (else spread from the buurt totals, weighted
        by a column ``woningen`` when present); ``buurtcode`` optional (else from ``buurten``).
    raster
        CBS 100 m population grid: cells (Polygon) or centres (Point) with ``aantal_inwoners``
        (or ``inwoners``); negative CBS codes count as missing.
    buurten
        Layer ``buurten`` with ``aantal_inwoners``: used to add buurtcodes and, when nothing
        better is given, spread with :func:`vraagpunten_from_buurten`.
    cel_m, woongebied
        Passed to :func:`vraagpunten_from_buurten`.

    Returns
    -------
    geopandas.GeoDataFrame
        Layer ``vraagpunten`` with ``methode``.

    Examples
    --------
    >>> from gebiedsplan.bronnen.demo import build_demo
    >>> demo = build_demo()
    >>> choose_vraagpunten(adressen=demo.vraagpunten, buurten=demo.buurten).attrs["methode"]
    'adressen'
    >>> choose_vraagpunten(buurten=demo.buurten).attrs["methode"]
    'buurt_verdeeld'
    """
    if adressen is not None and len(adressen):
        result = _from_adressen(adressen, buurten, cel_m=cel_m, woongebied=woongebied)
    elif raster is not None and len(raster):
        result = _from_raster(raster, buurten)
    elif buurten is not None and len(buurten):
        result = vraagpunten_from_buurten(buurten, cel_m=cel_m, woongebied=woongebied)
    else:
        raise GebiedsplanError(
            "Geen gegevens voor vraagpunten: geef adressen (met of zonder inwoners), een "
            "bevolkingsraster van 100 m of buurten met aantal_inwoners."
        )
    methode = result.attrs["methode"]
    log.info(
        "Vraagpunten: methode %s (%s); %d punten, %d inwoners",
        methode,
        TOELICHTING[methode],
        len(result),
        int(result["inwoners"].sum()),
    )
    return result


__all__ = [
    "TOELICHTING",
    "choose_vraagpunten",
    "split_integer",
    "vraagpunten_from_buurten",
]
