"""Demand points (vraagpunten): where the inhabitants live, as points with a whole number of people.

Three ways to make them, best first; :func:`choose_vraagpunten` takes the best one the data allows
and says which it took:

1. ``adressen``: one point per residential address (the BAG, :mod:`gebiedsplan.bronnen.bag`).
   With a column ``inwoners`` it is used as is; without it each buurt's ``aantal_inwoners``
   (CBS) is spread over its addresses, all addresses alike (or weighted by a column
   ``woningen``).
2. ``raster_100m``: the CBS 100 m population grid (vierkantstatistieken,
   :mod:`gebiedsplan.bronnen.vierkant`), one point per populated cell at the cell centre. With
   the buurt totals known, each buurt's ``aantal_inwoners`` is spread over the cells whose centre
   lies in it, weighted by the cell's count (so the points sum to the CBS buurt figures of the
   run's year, whatever year and rounding the grid has); without them the cell counts are used as
   they are. Suppressed cells (CBS writes negative codes such as -99997 for "geheim") carry no
   weight and no count: they are left out, never counted as 0 inhabitants.
3. ``buurt_verdeeld``: each buurt's ``aantal_inwoners`` spread over a regular grid of points inside
   the buurt (optionally only inside a residential-area polygon), see
   :func:`vraagpunten_from_buurten`.

The method is chosen per run, and per buurt where the best method has nothing for a buurt: a
buurt with inhabitants but no address falls back to the grid cells in it (when a grid is given),
and a buurt with neither to the spread over the buurt. Every point carries its method in column
``methode``; ``attrs["methode"]`` is the method of the run, ``attrs["meldingen"]`` the Dutch
notes on what was left out or fell back (which buurten, how many points), and
:func:`herkomst_vraagpunten` and :func:`samenvatting` say it in the provenance and in one line.

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

from gebiedsplan._tekst import getal
from gebiedsplan._validate import check_projected, validate_laag
from gebiedsplan.bronnen import Herkomst
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


def _finish(
    frame: gpd.GeoDataFrame,
    methode: Methode,
    *,
    bron: str,
    meldingen: list[str] | None = None,
) -> gpd.GeoDataFrame:
    frame = frame[frame["inwoners"] > 0].copy()
    if "methode" not in frame.columns:
        frame["methode"] = methode
    result = validate_laag(frame, "vraagpunten", bron=bron)
    assert isinstance(result, gpd.GeoDataFrame)
    result["inwoners"] = result["inwoners"].astype("int64")
    result.attrs["methode"] = methode
    result.attrs["methode_toelichting"] = TOELICHTING[methode]
    result.attrs["meldingen"] = list(meldingen or [])
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
    punten: gpd.GeoDataFrame,
    buurten: gpd.GeoDataFrame | None,
    *,
    wat: str,
    meldingen: list[str] | None = None,
) -> gpd.GeoDataFrame:
    """Add ``buurtcode`` by point-in-polygon when the points lack it; points in no buurt go
    (counted in ``meldingen`` when given)."""
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
        if meldingen is not None:
            meldingen.append(
                f"{getal(int(buiten.sum()))} punten van {wat} liggen in geen enkele buurt en doen "
                "niet mee"
            )
    out = punten.copy()
    out["buurtcode"] = code
    return out[~buiten]


def _ids(frame: pd.DataFrame, prefix: str) -> np.ndarray:
    index = frame.index
    if index.is_unique and not isinstance(index, pd.RangeIndex) and index.notna().all():
        return np.asarray(index.astype(str))
    return np.array([f"{prefix}{i:07d}" for i in range(len(frame))])


def _buurt_totalen(buurten: gpd.GeoDataFrame) -> pd.Series:
    """``aantal_inwoners`` per buurtcode as float (NaN where CBS gives none)."""
    return pd.Series(
        pd.to_numeric(pd.Series(buurten["aantal_inwoners"].to_numpy()), errors="coerce").to_numpy(
            dtype=float
        ),
        index=_buurtcodes(buurten),
    )


def _verdeel(
    punten: gpd.GeoDataFrame, totaal: pd.Series, gewicht: np.ndarray, methode: Methode
) -> tuple[gpd.GeoDataFrame, set[str]]:
    """Each buurt's total over its points by weight (largest remainder, module docstring).

    Returns the points with ``inwoners`` (in their original order) and the buurten that were
    spread. Points of buurten without a known total are left out; so are the points of a buurt
    whose weights are all 0 (that buurt is not in the returned set: it falls back).
    """
    codes = punten["buurtcode"].astype(str).to_numpy()
    order = np.argsort(codes, kind="stable")
    gesorteerd = codes[order]
    grens = np.flatnonzero(gesorteerd[1:] != gesorteerd[:-1]) + 1
    begin = np.r_[0, grens] if len(codes) else np.array([], dtype=int)
    eind = np.r_[grens, len(codes)] if len(codes) else np.array([], dtype=int)
    inwoners = np.zeros(len(codes), dtype=np.int64)
    gebruikt = np.zeros(len(codes), dtype=bool)
    gedaan: set[str] = set()
    for b, e in zip(begin, eind, strict=True):
        code = str(gesorteerd[b])
        n = totaal.get(code, np.nan)
        idx = order[b:e]
        w = gewicht[idx]
        if pd.isna(n) or not np.isfinite(w).all() or w.sum() <= 0:
            continue
        inwoners[idx] = split_integer(int(n), w, seed=_seed(code))
        gebruikt[idx] = True
        gedaan.add(code)
    gekozen = punten[gebruikt]
    frame = gpd.GeoDataFrame(
        {
            "id": gekozen["id"].to_numpy(),
            "inwoners": inwoners[gebruikt],
            "buurtcode": gekozen["buurtcode"].to_numpy(),
            "methode": methode,
        },
        geometry=gekozen.geometry.to_numpy(),
        crs=punten.crs,
    )
    return frame, gedaan


def _aanvullen(
    buurten: gpd.GeoDataFrame,
    codes: list[str],
    *,
    raster: gpd.GeoDataFrame | None,
    cel_m: float,
    woongebied: _Vlakken | None,
    meldingen: list[str],
    reden: str,
) -> list[gpd.GeoDataFrame]:
    """Points for the buurten ``codes`` (with inhabitants) that the better method left empty:
    the grid cells in them when a grid is given, else the spread over the buurt. Reported."""
    if not codes:
        return []
    rest = buurten.loc[np.isin(np.asarray(_buurtcodes(buurten)), codes)]
    if raster is not None and len(raster):
        punten = _from_raster(raster, rest, cel_m=cel_m, woongebied=woongebied, stil=True)
        per_methode = punten.groupby("methode")["buurtcode"].unique()
        uit_raster = sorted(per_methode.get("raster_100m", []))
        verdeeld = sorted(per_methode.get("buurt_verdeeld", []))
        if uit_raster:
            tekst = (
                f"{len(uit_raster)} buurten {reden}: vraagpunten uit het 100m-raster "
                f"({', '.join(uit_raster)})"
            )
            log.warning("%s", tekst)
            meldingen.append(tekst)
        meldingen.extend(punten.attrs.get("meldingen", []))
        if verdeeld:
            tekst = (
                f"{len(verdeeld)} buurten {reden} en zonder bewoonde rastercel: inwoners over de "
                f"buurt verdeeld ({', '.join(verdeeld)})"
            )
            log.warning("%s", tekst)
            meldingen.append(tekst)
        return [punten.reset_index()]
    tekst = (
        f"{len(rest)} buurten {reden}: inwoners over een raster van {cel_m:g} m binnen de buurt "
        f"verdeeld ({', '.join(_buurtcodes(rest))})"
    )
    log.warning("%s", tekst)
    meldingen.append(tekst)
    return [vraagpunten_from_buurten(rest, cel_m=cel_m, woongebied=woongebied).reset_index()]


def _met_inwoners(buurten: gpd.GeoDataFrame, codes: set[str]) -> list[str]:
    """The buurten not in ``codes`` that have a known number of inhabitants above 0, sorted."""
    totaal = _buurt_totalen(buurten)
    return sorted(str(c) for c in totaal.index[(totaal > 0).to_numpy()] if c not in codes)


def _from_adressen(
    adressen: gpd.GeoDataFrame,
    buurten: gpd.GeoDataFrame | None,
    *,
    raster: gpd.GeoDataFrame | None,
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
    meldingen: list[str] = []
    punten = _join_buurtcode(adressen, buurten, wat="de adressen", meldingen=meldingen)
    punten = punten.assign(id=_ids(punten, "adres"))
    if "inwoners" in punten.columns:
        frame = gpd.GeoDataFrame(
            punten[["id", "inwoners", "buurtcode"]], geometry=punten.geometry, crs=punten.crs
        )
        return _finish(frame, "adressen", bron="adressen", meldingen=meldingen)
    if buurten is None or "aantal_inwoners" not in buurten.columns:
        raise GebiedsplanError(
            "Laag adressen heeft geen kolom 'inwoners'; geef dan buurten met aantal_inwoners mee "
            "om de inwoners per buurt over de adressen te verdelen."
        )
    totaal = _buurt_totalen(buurten)
    gewicht = (
        pd.to_numeric(punten["woningen"], errors="coerce").fillna(0).to_numpy(dtype=float)
        if "woningen" in punten.columns
        else np.ones(len(punten))
    )
    if "woningen" in punten.columns:  # a buurt whose addresses all weigh 0: all alike
        nul = pd.Series(gewicht).groupby(punten["buurtcode"].to_numpy()).transform("sum") <= 0
        gewicht[nul.to_numpy()] = 1.0
    frame, gedaan = _verdeel(punten, totaal, gewicht, "adressen")
    onbekend = sorted(set(punten["buurtcode"].astype(str)) - set(totaal.index[totaal.notna()]))
    if onbekend:
        tekst = (
            f"adressen in {len(onbekend)} buurten zonder aantal_inwoners doen niet mee "
            f"({', '.join(onbekend)})"
        )
        log.warning("%s", tekst.capitalize())
        meldingen.append(tekst.capitalize())
    frames = [frame] if len(frame) else []
    frames += _aanvullen(
        buurten,
        _met_inwoners(buurten, gedaan),
        raster=raster,
        cel_m=cel_m,
        woongebied=woongebied,
        meldingen=meldingen,
        reden="met inwoners maar zonder adres",
    )
    if not frames:
        raise GebiedsplanError("Geen adres ligt in een buurt met bekend aantal_inwoners.")
    samen = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=punten.crs)
    return _finish(
        samen, "adressen", bron="adressen verdeeld over buurtinwoners", meldingen=meldingen
    )


def _rastercellen(raster: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, int]:
    """Grid cells as points (cell centre) with their count in ``gewicht``; suppressed cells
    (negative CBS codes, missing) left out and counted."""
    check_projected(raster, wat="Laag bevolkingsraster")
    kolom = next((k for k in ("inwoners", "aantal_inwoners") if k in raster.columns), None)
    if kolom is None:
        raise GebiedsplanError(
            "Het bevolkingsraster heeft geen kolom 'aantal_inwoners' (CBS vierkantstatistieken) "
            f"of 'inwoners'; aanwezig: {', '.join(map(str, raster.columns))}."
        )
    waarde = pd.to_numeric(raster[kolom], errors="coerce")
    geheim = (waarde.isna() | (waarde < 0)).to_numpy()  # CBS codes -99997 (geheim) and friends
    cellen = raster[~geheim]
    geoms = cellen.geometry.to_numpy()
    punt = np.where(shapely.get_type_id(geoms) == 0, geoms, shapely.centroid(geoms))
    punten = gpd.GeoDataFrame(
        {"gewicht": waarde[~geheim].to_numpy(dtype=float)},
        geometry=punt,
        crs=raster.crs,
        index=cellen.index,
    )
    if "buurtcode" in cellen.columns:
        punten["buurtcode"] = cellen["buurtcode"].to_numpy()
    return punten, int(geheim.sum())


def _from_raster(
    raster: gpd.GeoDataFrame,
    buurten: gpd.GeoDataFrame | None,
    *,
    cel_m: float = 100,
    woongebied: _Vlakken | None = None,
    stil: bool = False,
) -> gpd.GeoDataFrame:
    meldingen: list[str] = []
    punten, geheim = _rastercellen(raster)
    if geheim and not stil:
        tekst = (
            f"{getal(geheim)} rastercellen zonder (geheim of ontbrekend) aantal inwoners doen "
            "niet mee; ze worden niet als 0 geteld"
        )
        log.warning("%s", tekst)
        meldingen.append(tekst)
    if not len(punten):
        raise GebiedsplanError(
            f"Het bevolkingsraster heeft geen enkele cel met een bekend aantal inwoners (alle "
            f"{getal(geheim)} cellen geheim of leeg); er zijn geen vraagpunten uit te maken."
        )
    punten = _join_buurtcode(
        punten, buurten, wat="het bevolkingsraster", meldingen=None if stil else meldingen
    )
    punten = punten.assign(id=_ids(punten, "cel"))
    if buurten is None or "aantal_inwoners" not in buurten.columns:
        frame = gpd.GeoDataFrame(
            {
                "id": punten["id"].to_numpy(),
                "inwoners": punten["gewicht"].round().astype("int64").to_numpy(),
                "buurtcode": punten["buurtcode"].to_numpy(),
            },
            geometry=punten.geometry.to_numpy(),
            crs=punten.crs,
        )
        uit = _finish(frame, "raster_100m", bron="bevolkingsraster 100 m", meldingen=meldingen)
        uit.attrs["raster_aantallen"] = True
        return uit
    totaal = _buurt_totalen(buurten)
    frame, gedaan = _verdeel(punten, totaal, punten["gewicht"].to_numpy(dtype=float), "raster_100m")
    onbekend = sorted(set(punten["buurtcode"].astype(str)) - set(totaal.index[totaal.notna()]))
    if onbekend and not stil:
        tekst = (
            f"Rastercellen in {len(onbekend)} buurten zonder aantal_inwoners doen niet mee "
            f"({', '.join(onbekend)})"
        )
        log.warning("%s", tekst)
        meldingen.append(tekst)
    frames = [frame] if len(frame) else []
    rest = _met_inwoners(buurten, gedaan)
    if rest:
        frames += _aanvullen(
            buurten,
            rest,
            raster=None,
            cel_m=cel_m,
            woongebied=woongebied,
            meldingen=meldingen,
            reden="met inwoners maar zonder bewoonde rastercel",
        )
    if not frames:
        raise GebiedsplanError(
            "Geen bewoonde rastercel ligt in een buurt met bekend aantal_inwoners."
        )
    samen = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=punten.crs)
    return _finish(
        samen,
        "raster_100m",
        bron="bevolkingsraster 100 m verdeeld over buurtinwoners",
        meldingen=meldingen,
    )


def choose_vraagpunten(
    *,
    adressen: gpd.GeoDataFrame | None = None,
    raster: gpd.GeoDataFrame | None = None,
    buurten: gpd.GeoDataFrame | None = None,
    cel_m: float = 100,
    woongebied: _Vlakken | None = None,
) -> gpd.GeoDataFrame:
    """Demand points from the best data given: addresses, else the 100 m grid, else buurten.

    The choice (module docstring) is made in that order on what is given and not empty, per
    run, and per buurt where the chosen data have nothing for a buurt with inhabitants (no
    address: its grid cells, else the spread over the buurt). It is reported four ways:
    ``attrs["methode"]`` and ``attrs["methode_toelichting"]`` (Dutch) on the result, a
    ``methode`` column per point, ``attrs["meldingen"]`` (Dutch notes: points in no buurt,
    buurten that fell back, suppressed grid cells), and an INFO log line.

    Parameters
    ----------
    adressen
        Address points; column ``inwoners`` optional (else spread from the buurt totals, weighted
        by a column ``woningen`` when present); ``buurtcode`` optional (else from ``buurten``).
    raster
        CBS 100 m population grid: cells (Polygon) or centres (Point) with ``aantal_inwoners``
        (or ``inwoners``); negative CBS codes count as missing. With ``adressen`` it is used for
        the buurten without an address.
    buurten
        Layer ``buurten`` with ``aantal_inwoners``: adds buurtcodes, gives the totals that are
        spread, and, when nothing better is given, is spread with
        :func:`vraagpunten_from_buurten`.
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
        result = _from_adressen(
            adressen, buurten, raster=raster, cel_m=cel_m, woongebied=woongebied
        )
    elif raster is not None and len(raster):
        result = _from_raster(raster, buurten, cel_m=cel_m, woongebied=woongebied)
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


#: How the points of each method are counted in :func:`samenvatting`.
_EENHEID = {
    "adressen": "adressen",
    "raster_100m": "rastercellen van 100 m",
    "buurt_verdeeld": "punten verdeeld binnen de buurt",
}


def samenvatting(vraagpunten: pd.DataFrame) -> str:
    """One Dutch line on how the demand points were made: the method of the run and, per
    method, the points, buurten and inhabitants (for the command line and the log).

    Examples
    --------
    >>> from gebiedsplan.bronnen.demo import build_demo
    >>> samenvatting(vraagpunten_from_buurten(build_demo().buurten))
    'Vraagpunten (methode buurt_verdeeld): 1.008 punten verdeeld binnen de buurt in 26 buurten, 51.382 inwoners.'
    """
    methode = vraagpunten.attrs.get("methode")
    kolom = (
        vraagpunten["methode"]
        if "methode" in vraagpunten.columns
        else pd.Series(methode or "onbekend", index=vraagpunten.index)
    )
    volgorde = [m for m in ("adressen", "raster_100m", "buurt_verdeeld") if (kolom == m).any()]
    methode = methode or (volgorde[0] if volgorde else "onbekend")
    delen = []
    for m in volgorde:
        deel = vraagpunten[(kolom == m).to_numpy()]
        delen.append(
            f"{getal(len(deel))} {_EENHEID[m]} in {getal(deel['buurtcode'].nunique())} buurten, "
            f"{getal(int(deel['inwoners'].sum()))} inwoners"
        )
    tekst = f"Vraagpunten (methode {methode}): " + "; ".join(delen)
    if len(volgorde) > 1:
        tekst += f". Samen {getal(int(vraagpunten['inwoners'].sum()))} inwoners"
    return tekst + "."


def herkomst_vraagpunten(
    vraagpunten: pd.DataFrame,
    *,
    buurten: Herkomst,
    adressen: Herkomst | None = None,
    raster: Herkomst | None = None,
) -> Herkomst:
    """Provenance of the demand points: which method, from which sources, with the notes.

    ``bron`` names the method of the run and the sources of every method that made points (so
    the Excel sheet Bronnen, the report's sources and the map's provenance panel say how the
    demand points were made); ``query`` holds the count per method, the notes of
    ``attrs["meldingen"]`` and the queries of the address and grid sources. The moment the
    data describe is that of the inhabitants (the key figures of the buurten), with the date
    of the addresses or grid beside it; the indeling is that of the buurt boundaries.

    Parameters
    ----------
    vraagpunten
        The result of :func:`choose_vraagpunten` (or :func:`vraagpunten_from_buurten`).
    buurten
        Provenance of the buurten layer: its boundaries and, when joined, its key figures.
    adressen, raster
        Provenance of the addresses and the grid, when given.

    Examples
    --------
    >>> from gebiedsplan.bronnen.demo import build_demo
    >>> demo = build_demo()
    >>> punten = vraagpunten_from_buurten(demo.buurten)
    >>> herkomst_vraagpunten(punten, buurten=demo.herkomst["buurten"]).bron  # doctest: +ELLIPSIS
    'Vraagpunten (methode buurt_verdeeld): inwoners per buurt (...) verdeeld over een raster van 100 m binnen de buurt'
    """
    grenzen, *kerncijfers = buurten.per_bron()
    inwoners = kerncijfers or [grenzen]
    inwoners_bron = "; ".join(dict.fromkeys(h.bron for h in inwoners))
    kolom = vraagpunten["methode"] if "methode" in vraagpunten.columns else pd.Series(dtype=str)
    methode = vraagpunten.attrs.get("methode") or (
        kolom.iloc[0] if len(kolom) else "buurt_verdeeld"
    )
    gebruikt = [m for m in ("adressen", "raster_100m", "buurt_verdeeld") if (kolom == m).any()]
    gebruikt = gebruikt or [methode]
    bronnen: list[Herkomst] = list(inwoners)
    waarover = {
        "adressen": f"de adressen ({adressen.bron if adressen else 'adressen'})",
        "raster_100m": f"het 100m-raster ({raster.bron if raster else 'bevolkingsraster'})",
        "buurt_verdeeld": "een raster van 100 m binnen de buurt",
    }
    if methode == "raster_100m" and vraagpunten.attrs.get("raster_aantallen"):
        bron = (
            f"Vraagpunten (methode raster_100m): inwoners per cel van {waarover['raster_100m'][4:]}"
        )
    else:
        bron = (
            f"Vraagpunten (methode {methode}): inwoners per buurt ({inwoners_bron}) verdeeld over "
        )
        bron += waarover[methode]
    anders = [m for m in gebruikt if m != methode]
    if anders:
        bron += "; buurten zonder " + ("adres" if methode == "adressen" else "bewoonde rastercel")
        bron += ": " + " of ".join(waarover[m] for m in anders)
    if "adressen" in gebruikt and adressen is not None:
        bronnen.append(adressen)
    if "raster_100m" in gebruikt and raster is not None:
        bronnen.append(raster)
    per_methode = "; ".join(
        f"{m}: {getal(int((kolom == m).sum()))} punten, "
        f"{getal(int(vraagpunten.loc[(kolom == m).to_numpy(), 'inwoners'].sum()))} inwoners"
        for m in gebruikt
        if len(kolom)
    )
    query = [f"methode {methode}" + (f" ({per_methode})" if per_methode else "")]
    query += list(vraagpunten.attrs.get("meldingen", []))
    if "buurt_verdeeld" in gebruikt:
        query.append("gebiedsplan.bronnen.vraag.vraagpunten_from_buurten(cel_m=100)")
    query += [h.query for h in bronnen[len(inwoners) :] if h.query]
    peildatum = "; ".join(dict.fromkeys(h.peildatum for h in inwoners if h.peildatum))
    for naam, h in (("adressen", adressen), ("raster", raster)):
        if h is not None and h in bronnen and h.peildatum:
            peildatum += f"; {naam} {h.peildatum}"
    alle = [*buurten.per_bron(), *bronnen]
    return Herkomst(
        bron=bron,
        datum=max(h.datum for h in alle),
        licentie="; ".join(dict.fromkeys(h.licentie for h in alle if h.licentie)),
        query="; ".join(query),
        synthetisch=any(h.synthetisch for h in alle),
        peildatum=peildatum.strip("; "),
        indeling=grenzen.indeling,
    )


__all__ = [
    "TOELICHTING",
    "choose_vraagpunten",
    "herkomst_vraagpunten",
    "samenvatting",
    "split_integer",
    "vraagpunten_from_buurten",
]
