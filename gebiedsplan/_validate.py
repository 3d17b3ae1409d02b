"""Checks every layer shares: a (Geo)DataFrame against its layer schema (collecting every
problem before raising once), with the ranges and the checks between columns of a row that the
schema gives (:func:`check_samenhang_rijen`: no more households than inhabitants, ...),
projected and equal CRSs, the gemeentecode, and the one test of "inside the Netherlands" in RD
or in degrees (:func:`in_nederland`, :func:`stelsel_van`, :func:`ligging`). :func:`naar_rd` is
the one place input is brought to RD: coordinates that fit only another system (swapped axes,
RD metres labelled as degrees, degrees labelled as metres) are refused there, each with its
fix."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from gebiedsplan import settings
from gebiedsplan._tekst import getal
from gebiedsplan.catalogus import (
    Catalogus,
    Kolom,
    LaagSchema,
    _read_cached,
    load_catalogus,
)
from gebiedsplan.errors import BronError, CRSError, GebiedsplanError, SchemaError

log = logging.getLogger(__name__)

_MAX_LISTED = 10
#: Words read as true and as false in a yes/no column (lower case).
JA = frozenset({"true", "1", "ja", "j", "yes", "waar"})
NEE = frozenset({"false", "0", "nee", "n", "no", "onwaar"})


def _rows(labels: pd.Index | np.ndarray | list[Any]) -> str:
    """'3, 7, 9' style listing, capped at _MAX_LISTED ('… en 4 meer')."""
    labels = [str(x) for x in labels]
    shown = ", ".join(labels[:_MAX_LISTED])
    more = len(labels) - _MAX_LISTED
    return shown + (f" … en {more} meer" if more > 0 else "")


def _row_labels(frame: pd.DataFrame, mask: np.ndarray, sleutel: str | None) -> str:
    """Name rows by position (1-based) and key where the key is usable."""
    positions = np.flatnonzero(mask)
    if sleutel is not None and sleutel in frame.columns:
        keys = frame[sleutel].to_numpy()
        return _rows([f"{p + 1} ({sleutel}={keys[p]})" for p in positions])
    return _rows([str(p + 1) for p in positions])


def _coerce(
    series: pd.Series,
    kolom: Kolom,
    *,
    n_problems: list[str],
    frame: pd.DataFrame,
    sleutel: str | None,
) -> pd.Series:
    present = series.notna().to_numpy()
    bad = np.zeros(len(series), dtype=bool)  # rows already reported as unreadable
    naam = kolom.naam
    if kolom.type == "str":
        out = series.astype("object").where(series.notna(), None)
        out = out.map(lambda v: v if v is None else str(v).strip())
        out = out.where(out != "", None)
        present = out.notna().to_numpy()
    elif kolom.type in ("int", "float"):
        out = pd.to_numeric(series, errors="coerce")
        bad = present & out.isna().to_numpy()
        if bad.any():
            voorbeelden = _rows(series[bad].astype(str).unique())
            n_problems.append(
                f"kolom '{naam}': niet-numerieke waarden in rij {_row_labels(frame, bad, sleutel)} "
                f"(bv. {voorbeelden}); verwacht een getal"
            )
        present = out.notna().to_numpy()
        if kolom.type == "int":
            values = out.to_numpy(dtype=float, na_value=np.nan)
            fractional = present & (np.floor(values) != values)
            if fractional.any():
                n_problems.append(
                    f"kolom '{naam}': geen geheel getal in rij {_row_labels(frame, fractional, sleutel)}"
                )
                out = out.round()
            out = out.astype("Int64")
        else:
            out = out.astype("float64")
        if kolom.min is not None:
            below = present & (out.to_numpy(dtype=float, na_value=np.nan) < kolom.min)
            if below.any():
                n_problems.append(
                    f"kolom '{naam}': waarde kleiner dan {kolom.min:g} in rij "
                    f"{_row_labels(frame, below, sleutel)}"
                )
        if kolom.max is not None:
            above = present & (out.to_numpy(dtype=float, na_value=np.nan) > kolom.max)
            if above.any():
                n_problems.append(
                    f"kolom '{naam}': waarde groter dan {kolom.max:g} in rij "
                    f"{_row_labels(frame, above, sleutel)}"
                    + (" (een aandeel 0-1, geen percentage)" if kolom.max == 1 else "")
                    + (" (een percentage 0-100)" if kolom.max == 100 else "")
                )
    else:  # bool

        def to_bool(v: Any) -> Any:
            if v is None or (isinstance(v, float) and np.isnan(v)):
                return None
            if isinstance(v, bool | np.bool_):
                return bool(v)
            text = str(v).strip().lower()
            return True if text in JA else False if text in NEE else "?"

        out = series.astype("object").map(to_bool)
        bad = (out == "?").to_numpy()
        if bad.any():
            n_problems.append(
                f"kolom '{naam}': geen ja/nee-waarde in rij {_row_labels(frame, bad, sleutel)}; "
                "verwacht true/false of ja/nee"
            )
            out = out.where(~bad, None)
        present = out.notna().to_numpy()
        out = out.astype("boolean")
    missing = ~present & ~bad
    if not kolom.leeg and missing.any():
        n_problems.append(
            f"kolom '{naam}': ontbrekende waarde in rij {_row_labels(frame, missing, sleutel)}; "
            "deze kolom mag niet leeg zijn (geen stille 0: vul de waarde in of laat de rij weg)"
        )
    return out


@dataclass(frozen=True)
class Samenhang:
    """A check between the columns of one row of a layer (``samenhang`` in ``lagen.yml``):
    ``kolom`` at most ``hoogstens`` (refused), or ``teller / noemer`` within ``tussen`` (a
    warning when ``waarschuwing``)."""

    waarom: str
    kolom: str | None = None
    hoogstens: str | None = None
    teller: str | None = None
    noemer: str | None = None
    tussen: tuple[float, float] | None = None
    waarschuwing: bool = False


def samenhang_regels(laag: str, *, catalogus: Catalogus | None = None) -> list[Samenhang]:
    """The checks between columns of ``laag`` in the catalogue's ``lagen.yml``.

    Examples
    --------
    >>> [r.kolom for r in samenhang_regels("buurten")][:1]
    ['aantal_huishoudens']
    """
    catalogus = catalogus or load_catalogus()
    pad = (Path(catalogus.map) / "lagen.yml").resolve()
    ruw = (_read_cached(pad, ()) or {}).get(laag) or {}
    regels = []
    for i, spec in enumerate(ruw.get("samenhang") or []):
        waar_ = f"{pad}: laag '{laag}', samenhang {i + 1}"
        if not isinstance(spec, dict) or not spec.get("waarom"):
            raise GebiedsplanError(
                f"{waar_}: verwacht velden kolom/hoogstens of verhouding/tussen, en waarom"
            )
        if "kolom" in spec and "hoogstens" in spec:
            regels.append(
                Samenhang(str(spec["waarom"]), kolom=spec["kolom"], hoogstens=spec["hoogstens"])
            )
        elif "verhouding" in spec and "tussen" in spec:
            teller, noemer = spec["verhouding"]
            lo, hi = spec["tussen"]
            regels.append(
                Samenhang(
                    str(spec["waarom"]),
                    teller=teller,
                    noemer=noemer,
                    tussen=(float(lo), float(hi)),
                    waarschuwing=bool(spec.get("waarschuwing", False)),
                )
            )
        else:
            raise GebiedsplanError(f"{waar_}: verwacht kolom en hoogstens, of verhouding en tussen")
    return regels


def check_samenhang_rijen(
    frame: pd.DataFrame,
    laag: str,
    *,
    rijen: Sequence[str] | None = None,
    catalogus: Catalogus | None = None,
) -> tuple[list[str], list[str]]:
    """Problems (refused) and warnings of the ``samenhang`` checks of ``laag`` on the rows of
    ``frame`` (the columns it has); ``rijen`` names the rows (default: position, 1-based).

    Examples
    --------
    >>> import pandas as pd
    >>> buurten = pd.DataFrame({"aantal_inwoners": [1200, 10, 900], "aantal_huishoudens": [560, 12, 90]})
    >>> problemen, waarschuwingen = check_samenhang_rijen(buurten, "buurten")
    >>> problemen[0].split(";")[0]
    "kolom 'aantal_huishoudens' is groter dan 'aantal_inwoners' in rij 2 (12 > 10)"
    >>> waarschuwingen[0].split(";")[0]
    'aantal_inwoners / aantal_huishoudens buiten 1-6 in rij 3 (10,0)'
    """
    namen = list(rijen) if rijen is not None else [str(i + 1) for i in range(len(frame))]
    problemen: list[str] = []
    waarschuwingen: list[str] = []

    def waarden(kolom: str) -> np.ndarray:
        return pd.to_numeric(frame[kolom], errors="coerce").to_numpy(dtype=float, na_value=np.nan)

    def genoemd(mask: np.ndarray, toelichting: list[str]) -> str:
        posities = np.flatnonzero(mask)
        return _rows([f"{namen[p]} ({toelichting[p]})" for p in posities])

    geweigerd = np.zeros(len(frame), dtype=bool)
    for regel in samenhang_regels(laag, catalogus=catalogus):
        if regel.kolom is not None and regel.hoogstens is not None:
            if regel.kolom not in frame.columns or regel.hoogstens not in frame.columns:
                continue
            a, b = waarden(regel.kolom), waarden(regel.hoogstens)
            with np.errstate(invalid="ignore"):
                fout = (a > b) & (b >= 0)  # a negative count is a range problem of its own
            geweigerd |= fout
            if fout.any():
                uitleg = [f"{getal(x)} > {getal(y)}" for x, y in zip(a, b, strict=True)]
                problemen.append(
                    f"kolom '{regel.kolom}' is groter dan '{regel.hoogstens}' in rij "
                    f"{genoemd(fout, uitleg)}; {regel.waarom}. Controleer de getallen (een "
                    "verkeerd gelezen scheidingsteken, een verschoven kolom?)"
                )
        elif regel.teller is not None and regel.noemer is not None and regel.tussen is not None:
            if regel.teller not in frame.columns or regel.noemer not in frame.columns:
                continue
            with np.errstate(invalid="ignore", divide="ignore"):
                verhouding = waarden(regel.teller) / waarden(regel.noemer)
                lo, hi = regel.tussen
                buiten = ((verhouding < lo) | (verhouding > hi)) & ~geweigerd
            if buiten.any():
                uitleg = [getal(v, 1) for v in verhouding]
                tekst = (
                    f"{regel.teller} / {regel.noemer} buiten {lo:g}-{hi:g} in rij "
                    f"{genoemd(buiten, uitleg)}; {regel.waarom}"
                )
                (waarschuwingen if regel.waarschuwing else problemen).append(tekst)
    return problemen, waarschuwingen


def _check_crs(
    frame: gpd.GeoDataFrame, schema: LaagSchema, bron: str, *, nederland: bool
) -> gpd.GeoDataFrame:
    return naar_rd(
        frame,
        bron=bron,
        wat=f"Laag '{schema.naam}' uit {bron}",
        nederland=nederland,
        sleutel=schema.sleutel,
    )


def _check_geometry(frame: gpd.GeoDataFrame, schema: LaagSchema, problems: list[str]) -> None:
    geoms = frame.geometry.to_numpy()
    sleutel = schema.sleutel
    missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    if missing.any():
        problems.append(
            f"geometrie ontbreekt of is leeg in rij {_row_labels(frame, missing, sleutel)}; "
            "verwijder die rijen of vul de geometrie aan"
        )
    present = ~missing
    types = np.array(shapely.get_type_id(geoms))
    names = np.array(
        [
            "Point",
            "LineString",
            "LinearRing",
            "Polygon",
            "MultiPoint",
            "MultiLineString",
            "MultiPolygon",
            "GeometryCollection",
        ]
    )
    type_names = np.where(types >= 0, names[np.clip(types, 0, 7)], "")
    wrong = present & ~np.isin(type_names, schema.geometrie or ())
    if wrong.any():
        gevonden = ", ".join(sorted(set(type_names[wrong])))
        fix = " (bv. geometry.explode(ignore_index=True))" if "Multi" in gevonden else ""
        problems.append(
            f"geometrietype {gevonden} in rij {_row_labels(frame, wrong, sleutel)}; verwacht "
            f"{' of '.join(schema.geometrie or ())}{fix}"
        )
    invalid = present & ~wrong & ~shapely.is_valid(geoms)
    if invalid.any():
        reasons = sorted({str(r) for r in shapely.is_valid_reason(geoms[invalid])})
        problems.append(
            f"ongeldige geometrie in rij {_row_labels(frame, invalid, sleutel)} "
            f"({'; '.join(reasons[:3])}); herstel met geometry.make_valid() of in QGIS"
        )


def validate_laag(
    data: pd.DataFrame,
    laag: str,
    *,
    bron: str = "invoer",
    catalogus: Catalogus | None = None,
    nederland: bool = False,
) -> gpd.GeoDataFrame | pd.DataFrame:
    """Check a layer against its schema and return it clean, indexed by its key, in EPSG:28992.

    Every problem is collected first (missing columns, wrong types, missing values, values
    outside their range, rows whose columns contradict each other (``samenhang`` in the
    schema), bad keys, duplicate keys, unknown categories, empty, invalid or wrongly typed
    geometry); then one :class:`SchemaError` lists them all. Input in another CRS is
    reprojected (with a log line) by :func:`naar_rd`; input without a CRS, or whose coordinates
    fit only another system (swapped axes, RD metres labelled as degrees, ...), raises
    :class:`CRSError` with the fix.

    Parameters
    ----------
    data
        The layer: a GeoDataFrame, or a DataFrame for layers without geometry (``gezondheid``).
        The key may be a column or the index.
    laag
        Layer name in the catalogue (``wijken``, ``buurten``, ``voorzieningen``, ...).
    bron
        Where the data came from (file name or source), used in messages.
    catalogus
        Catalogue to check against; defaults to :func:`load_catalogus`.
    nederland
        Every geometry must lie in the Netherlands (see :func:`naar_rd`); for layers read
        from sources (boundaries, registers), not for synthetic test grids.

    Returns
    -------
    GeoDataFrame or DataFrame
        A new frame indexed by the layer key, schema columns typed, extra columns kept.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely import box
    >>> from gebiedsplan._validate import validate_laag
    >>> wijken = gpd.GeoDataFrame({"wijkcode": ["WK999901"], "wijknaam": ["Noord"],
    ...     "gemeentecode": ["GM9999"]}, geometry=[box(0, 0, 1000, 1000)], crs="EPSG:28992")
    >>> validate_laag(wijken, "wijken").index.name
    'wijkcode'
    """
    catalogus = catalogus or load_catalogus()
    if laag not in catalogus.lagen:
        raise GebiedsplanError(
            f"Onbekende laag '{laag}'; de catalogus kent: {', '.join(sorted(catalogus.lagen))}"
        )
    schema = catalogus.lagen[laag]
    sleutel = schema.sleutel
    if schema.geometrie is not None:
        if not isinstance(data, gpd.GeoDataFrame):
            raise SchemaError(
                laag,
                bron,
                [f"verwacht een GeoDataFrame met geometrie, kreeg {type(data).__name__}"],
            )
        frame = _check_crs(data, schema, bron, nederland=nederland)
    else:
        frame = data
    frame = frame.copy()
    if sleutel not in frame.columns and frame.index.name == sleutel:
        frame = frame.reset_index()
    else:
        frame = frame.reset_index(drop=True)

    problems: list[str] = []
    if len(frame) == 0:
        problems.append("de laag heeft geen rijen")

    missing_cols = [
        k.naam for k in schema.kolommen.values() if k.verplicht and k.naam not in frame.columns
    ]
    if sleutel not in frame.columns:
        missing_cols.insert(0, sleutel)
    if missing_cols:
        problems.append(
            f"ontbrekende kolom(men): {', '.join(missing_cols)}; aanwezig: "
            f"{', '.join(str(c) for c in frame.columns if c != 'geometry')}"
        )

    if sleutel in frame.columns:
        keys = frame[sleutel]
        if keys.dtype.kind in "fc":  # 1.0 -> "1"
            keys = keys.map(lambda v: v if pd.isna(v) else f"{v:g}")
        keys = keys.astype("object").where(keys.notna(), None)
        keys = keys.map(lambda v: v if v is None else str(v).strip())
        frame[sleutel] = keys
        empty = keys.isna().to_numpy() | (keys == "").to_numpy()
        if empty.any():
            problems.append(
                f"sleutel '{sleutel}' ontbreekt in rij {_row_labels(frame, empty, None)}"
            )
        dup = keys.duplicated(keep=False).to_numpy() & ~empty
        if dup.any():
            problems.append(
                f"sleutel '{sleutel}' is niet uniek; meer dan eens: {_rows(sorted(set(keys[dup])))} "
                f"(rij {_row_labels(frame, dup, None)})"
            )
        if schema.patroon:
            bad = ~empty & ~keys.fillna("").map(lambda v: bool(re.fullmatch(schema.patroon, v)))
            if bad.to_numpy().any():
                problems.append(
                    f"sleutel '{sleutel}' heeft niet de vorm {schema.patroon}: "
                    f"{_rows(list(keys[bad.to_numpy()]))}"
                )

    key_for_rows = sleutel if sleutel in frame.columns else None
    for kolom in schema.kolommen.values():
        if kolom.naam not in frame.columns:
            continue
        frame[kolom.naam] = _coerce(
            frame[kolom.naam], kolom, n_problems=problems, frame=frame, sleutel=key_for_rows
        )
        values = frame[kolom.naam]
        if kolom.patroon:
            bad = values.notna() & ~values.fillna("").map(
                lambda v, p=kolom.patroon: bool(re.fullmatch(p, str(v)))
            )
            if bad.to_numpy().any():
                problems.append(
                    f"kolom '{kolom.naam}': waarde niet van de vorm {kolom.patroon} in rij "
                    f"{_row_labels(frame, bad.to_numpy(), key_for_rows)} "
                    f"(bv. {_rows(sorted(set(values[bad.to_numpy()].astype(str))))})"
                )
        if kolom.vocabulaire == "categorieen":
            known = set(catalogus.categorieen)
            bad = values.notna() & ~values.isin(known)
            if bad.to_numpy().any():
                problems.append(
                    f"kolom '{kolom.naam}': onbekende categorie "
                    f"{_rows(sorted(set(values[bad.to_numpy()])))} in rij "
                    f"{_row_labels(frame, bad.to_numpy(), key_for_rows)}; bekend zijn: "
                    f"{', '.join(catalogus.categorieen)} (zie lagen/catalogus/categorieen.yml)"
                )

    labels = (
        [f"{p + 1} ({sleutel}={k})" for p, k in enumerate(frame[sleutel])]
        if sleutel in frame.columns
        else None
    )
    samen, waarschuwingen = check_samenhang_rijen(frame, laag, rijen=labels, catalogus=catalogus)
    problems += samen
    for tekst in waarschuwingen:
        log.warning("Laag '%s' uit %s: %s", laag, bron, tekst)

    if schema.geometrie is not None:
        _check_geometry(frame, schema, problems)

    if problems:
        raise SchemaError(laag, bron, problems)

    ordered = [sleutel, *[k for k in schema.kolommen if k in frame.columns]]
    extra = [c for c in frame.columns if c not in ordered]
    frame = frame[ordered + extra].set_index(sleutel)
    frame.attrs["laag"] = laag
    return frame


def check_projected(frame: gpd.GeoDataFrame | gpd.GeoSeries, *, wat: str) -> None:
    """Raise when a layer is not in a projected CRS in metres (metric functions need one)."""
    crs = frame.crs
    if crs is None or not crs.is_projected:
        raise CRSError(
            f"{wat} heeft CRS {crs}; afstanden vragen een geprojecteerd CRS in meters. "
            "Zet de laag om met .to_crs('EPSG:28992')."
        )


def check_same_crs(a: gpd.GeoDataFrame, b: gpd.GeoDataFrame, *, wat_a: str, wat_b: str) -> None:
    """Raise naming both CRSs when two layers differ (never reproject silently)."""
    if a.crs != b.crs:
        raise CRSError(
            f"{wat_a} heeft CRS {a.crs}, {wat_b} heeft CRS {b.crs}. Breng ze eerst in hetzelfde "
            "CRS, bv. met .to_crs('EPSG:28992')."
        )


# --- inside the Netherlands -----------------------------------------------------------------

#: The Netherlands in degrees (lon/lat, WGS84), (west, south, east, north): the area of use of
#: EPSG:28992 in the EPSG registry ("Netherlands - onshore, including Waddenzee, Dutch Wadden
#: Islands and 12-mile offshore coastal zone": lon 3.2-7.22, lat 50.75-53.7, as
#: ``pyproj.CRS("EPSG:28992").area_of_use`` gives it), widened by 0.1 degree on every side so
#: that an area buffered at the border still counts.
NEDERLAND_WGS84 = (3.1, 50.65, 7.32, 53.8)
#: The same area in RD metres (EPSG:28992), (minx, miny, maxx, maxy): EPSG's area of use
#: projected to RD (``pyproj.Transformer.transform_bounds``: x 646-284 347, y 306 671-637 111),
#: widened by 10 km and rounded outward to whole kilometres. RD x and y ranges do not overlap,
#: so a pair that fits only the other way round has x and y swapped.
NEDERLAND_RD = (-10_000.0, 296_000.0, 295_000.0, 648_000.0)


def in_nederland(x: float, y: float, *, graden: bool = False) -> bool:
    """Whether the point (x, y) lies in the Netherlands: in RD metres, or with ``graden`` in
    degrees (x the longitude, y the latitude); the bounds are :data:`NEDERLAND_RD` and
    :data:`NEDERLAND_WGS84`.

    Examples
    --------
    >>> in_nederland(190_000, 444_000), in_nederland(444_000, 190_000)
    (True, False)
    >>> in_nederland(5.9, 52.0, graden=True), in_nederland(5.9, 52.0)
    (True, False)
    """
    x0, y0, x1, y1 = NEDERLAND_WGS84 if graden else NEDERLAND_RD
    return bool(x0 <= x <= x1 and y0 <= y <= y1)


def stelsel_van(grenzen: Sequence[float]) -> Literal["rd", "graden"] | None:
    """Which coordinate system bounds ``(minx, miny, maxx, maxy)`` are in: ``"rd"`` when they
    lie in the Netherlands in RD metres (:data:`NEDERLAND_RD`), ``"graden"`` when they fit
    longitude and latitude anywhere on earth, else None (another CRS, or not the Netherlands).

    The one check of "inside the Netherlands in RD" for areas and answers; a caller raises with
    its own message and fix.

    Examples
    --------
    >>> stelsel_van((189_000, 443_000, 192_000, 446_000))
    'rd'
    >>> stelsel_van((5.89, 51.98, 5.91, 51.99))
    'graden'
    >>> stelsel_van((650_000, 5_760_000, 660_000, 5_770_000)) is None  # UTM 31N
    True
    """
    minx, miny, maxx, maxy = (float(v) for v in grenzen)
    if in_nederland(minx, miny) and in_nederland(maxx, maxy):
        return "rd"
    if minx >= -180 and maxx <= 180 and miny >= -90 and maxy <= 90:
        return "graden"
    return None


def nederland_tekst(*, graden: bool = False) -> str:
    """The bounds of the Netherlands in words, for messages.

    Examples
    --------
    >>> nederland_tekst()
    'x -10.000 tot 295.000 en y 296.000 tot 648.000 m'
    >>> nederland_tekst(graden=True)
    'lengtegraad 3,1 tot 7,32 en breedtegraad 50,65 tot 53,8'
    """
    if graden:
        x0, y0, x1, y1 = (f"{v:g}".replace(".", ",") for v in NEDERLAND_WGS84)
        return f"lengtegraad {x0} tot {x1} en breedtegraad {y0} tot {y1}"
    x0, y0, x1, y1 = (getal(v) for v in NEDERLAND_RD)
    return f"x {x0} tot {x1} en y {y0} tot {y1} m"


#: Where the coordinates of a geometry lie, read in the CRS its file states (:func:`ligging`).
Ligging = Literal[
    "nederland", "verwisseld", "rd_onder_ander_crs", "graden_onder_ander_crs", "buiten", "leeg"
]
_RD = pyproj.CRS.from_user_input(settings.crs)


def _past(grenzen: np.ndarray, vak: Sequence[float], *, verwisseld: bool = False) -> np.ndarray:
    """Which rows of (n, 4) bounds lie inside ``vak`` (minx, miny, maxx, maxy), optionally with
    x and y swapped; NaN bounds (empty geometry) never fit."""
    x0, y0, x1, y1 = vak
    ix, iy = (1, 0) if verwisseld else (0, 1)
    with np.errstate(invalid="ignore"):
        return (
            (grenzen[:, ix] >= x0)
            & (grenzen[:, ix + 2] <= x1)
            & (grenzen[:, iy] >= y0)
            & (grenzen[:, iy + 2] <= y1)
        )


def ligging(geometrie: gpd.GeoSeries | gpd.GeoDataFrame) -> np.ndarray:
    """Per geometry, where its coordinates lie when read in the CRS the frame states:

    ``nederland``
        in the Netherlands (:data:`NEDERLAND_RD` after reprojection, or :data:`NEDERLAND_WGS84`
        for degrees);
    ``verwisseld``
        in the Netherlands only with x and y swapped (latitude as x; RD y as x);
    ``rd_onder_ander_crs``
        the numbers are RD metres in the Netherlands, but the CRS says degrees or another
        metric system;
    ``graden_onder_ander_crs``
        the numbers are longitude/latitude in the Netherlands, but the CRS is metric;
    ``buiten``
        none of these: outside the Netherlands;
    ``leeg``
        no geometry.

    The one test of where input lies; :func:`naar_rd` raises with the fix for each kind.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely import Point
    >>> punten = [Point(5.9, 52.0), Point(52.0, 5.9), Point(191764, 444670), Point(2.35, 48.86)]
    >>> ligging(gpd.GeoSeries(punten, crs="EPSG:4326")).tolist()
    ['nederland', 'verwisseld', 'rd_onder_ander_crs', 'buiten']
    >>> ligging(gpd.GeoSeries(punten, crs="EPSG:28992")).tolist()
    ['graden_onder_ander_crs', 'graden_onder_ander_crs', 'nederland', 'buiten']
    """
    reeks = geometrie.geometry if isinstance(geometrie, gpd.GeoDataFrame) else geometrie
    geoms = np.asarray(reeks.to_numpy())
    if reeks.crs is None:
        raise CRSError("ligging: de geometrie heeft geen CRS")
    crs = pyproj.CRS.from_user_input(reeks.crs)
    grenzen = np.asarray(shapely.bounds(geoms), dtype=float).reshape(-1, 4)
    uit = np.full(len(geoms), "buiten", dtype=object)
    leeg = np.isnan(grenzen).any(axis=1)
    rd_getallen = _past(grenzen, NEDERLAND_RD)
    graden_getallen = _past(grenzen, NEDERLAND_WGS84) | _past(
        grenzen, NEDERLAND_WGS84, verwisseld=True
    )
    if crs.is_geographic:
        uit[rd_getallen | _past(grenzen, NEDERLAND_RD, verwisseld=True)] = "rd_onder_ander_crs"
        uit[_past(grenzen, NEDERLAND_WGS84, verwisseld=True)] = "verwisseld"
        uit[_past(grenzen, NEDERLAND_WGS84)] = "nederland"
    else:
        uit[graden_getallen] = "graden_onder_ander_crs"
        if crs.equals(_RD):
            uit[_past(grenzen, NEDERLAND_RD, verwisseld=True)] = "verwisseld"
            uit[rd_getallen] = "nederland"
        else:
            uit[rd_getallen] = "rd_onder_ander_crs"
            omzet = pyproj.Transformer.from_crs(crs, _RD, always_xy=True)
            with np.errstate(invalid="ignore"):
                x0, y0 = omzet.transform(grenzen[:, 0], grenzen[:, 1])
                x1, y1 = omzet.transform(grenzen[:, 2], grenzen[:, 3])
            in_rd = np.column_stack(
                [np.minimum(x0, x1), np.minimum(y0, y1), np.maximum(x0, x1), np.maximum(y0, y1)]
            )
            uit[_past(in_rd, NEDERLAND_RD) & ~rd_getallen & ~graden_getallen] = "nederland"
    uit[leeg] = "leeg"
    return uit


def _voorbeeld(grenzen: np.ndarray, rijen: np.ndarray) -> str:
    """The first coordinate pair of the first of ``rijen``, for messages."""
    x, y = grenzen[rijen[0], 0], grenzen[rijen[0], 1]
    return f"x {x:.6g}, y {y:.6g}"


def naar_rd(
    frame: gpd.GeoDataFrame,
    *,
    bron: str,
    wat: str | None = None,
    nederland: bool = False,
    sleutel: str | None = None,
) -> gpd.GeoDataFrame:
    """The frame in EPSG:28992, after checking that its coordinates fit the CRS it states.

    The one place where input is brought to RD. A frame without CRS raises (gebiedsplan never
    guesses); so do rows whose numbers only make sense in another system, each kind with its
    own fix (:func:`ligging`): latitude and longitude (or RD x and y) swapped, RD metres
    labelled as degrees or as another metric CRS, degrees labelled as metres. With
    ``nederland`` every row must also lie in the Netherlands (boundaries, registers, candidate
    locations); without it rows elsewhere are left to the caller (an OpenStreetMap extract may
    reach across the border; the caller clips it to the gemeente). Reprojection is logged.

    Parameters
    ----------
    frame
        Any GeoDataFrame with a CRS.
    bron
        The file or source, in messages.
    wat
        What the frame is, in messages (default ``bron``).
    nederland
        Refuse rows outside the Netherlands too.
    sleutel
        Column that names rows in messages (beside their 1-based position).

    Raises
    ------
    CRSError
        No CRS, or rows in the wrong system: every row named, with the fix.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely import Point
    >>> rd = naar_rd(gpd.GeoDataFrame(geometry=[Point(5.9, 52.0)], crs="EPSG:4326"), bron="x")
    >>> round(rd.geometry.x.iloc[0]), rd.crs.to_epsg()
    (190215, 28992)
    >>> naar_rd(gpd.GeoDataFrame(geometry=[Point(52.0, 5.9)], crs="EPSG:4326"), bron="punten.geojson")
    Traceback (most recent call last):
    ...
    gebiedsplan.errors.CRSError: punten.geojson: lengte- en breedtegraad zijn verwisseld in rij 1 ...
    """
    wat = wat or bron
    if frame.crs is None:
        raise CRSError(
            f"{wat} heeft geen CRS (coördinatenstelsel); gebiedsplan raadt dat niet. Geef het "
            "op, bv. gdf.set_crs('EPSG:28992') voor RD-coördinaten in meters of "
            "gdf.set_crs('EPSG:4326') voor lengte- en breedtegraden (in QGIS: Laag-CRS instellen)."
        )
    crs = pyproj.CRS.from_user_input(frame.crs)
    soort = ligging(frame)
    grenzen = np.asarray(shapely.bounds(frame.geometry.to_numpy()), dtype=float).reshape(-1, 4)
    naam = crs.to_string()
    graden = crs.is_geographic
    wissel = (
        "wissel x en y, bv. gdf.geometry = gdf.geometry.transform(lambda c: c[:, ::-1]), of in "
        "QGIS met 'Swap X and Y coordinates' (Processing)"
    )
    uitleg = {
        "verwisseld": (
            (
                "lengte- en breedtegraad zijn verwisseld in rij {rijen} ({voorbeeld}: x is hier "
                "een breedtegraad, y een lengtegraad; Nederland ligt op "
                f"{nederland_tekst(graden=True)}). Herstel: {wissel}; of sla het bestand "
                "opnieuw op met de lengtegraad als x (lon, lat)"
            )
            if graden
            else (
                "x en y zijn verwisseld in rij {rijen} ({voorbeeld}; Nederland ligt in RD "
                f"binnen {nederland_tekst()}). Herstel: {wissel}"
            )
        ),
        "rd_onder_ander_crs": (
            "de coördinaten in rij {rijen} zijn RD-meters ({voorbeeld}), maar het bestand zegt "
            f"{naam}{' (graden)' if graden else ''}. Herstel het CRS zonder om te rekenen: "
            "gdf.set_crs('EPSG:28992', allow_override=True), of in QGIS: Laag-CRS instellen op "
            "EPSG:28992 (niet opslaan met omrekenen)"
        ),
        "graden_onder_ander_crs": (
            "de coördinaten in rij {rijen} zijn lengte- en breedtegraden ({voorbeeld}), maar "
            f"het bestand zegt {naam} (meters). Herstel het CRS zonder om te rekenen: "
            "gdf.set_crs('EPSG:4326', allow_override=True), of in QGIS: Laag-CRS instellen op "
            "EPSG:4326"
        ),
    }
    if nederland:
        uitleg["buiten"] = (
            "rij {rijen} ligt buiten Nederland ({voorbeeld} in "
            f"{naam}; Nederland ligt in RD binnen {nederland_tekst()} en in graden binnen "
            f"{nederland_tekst(graden=True)}). Controleer de coördinaten en het CRS van het "
            "bestand"
        )
    if sleutel is not None and sleutel in frame.columns:
        namen = [f"{p + 1} ({sleutel}={k})" for p, k in enumerate(frame[sleutel])]
    elif sleutel is not None and frame.index.name == sleutel:
        namen = [f"{p + 1} ({sleutel}={k})" for p, k in enumerate(frame.index)]
    else:
        namen = [str(p + 1) for p in range(len(frame))]
    problemen = []
    for probleem, tekst in uitleg.items():
        mask = soort == probleem
        if mask.any():
            rijen = np.flatnonzero(mask)
            problemen.append(
                tekst.format(
                    rijen=_rows([namen[p] for p in rijen]), voorbeeld=_voorbeeld(grenzen, rijen)
                )
            )
    if problemen:
        raise CRSError(f"{wat}: " + "; ".join(problemen) + ".")
    if not crs.equals(_RD):
        log.info("%s omgezet van %s naar %s", wat, naam, settings.crs)
        frame = frame.to_crs(_RD)
    return frame


_GEMEENTECODE = re.compile(r"^GM\d{4}$")


def check_gemeentecode(gemeentecode: str) -> str:
    """Return the gemeentecode if it has the form ``GMdddd``, else raise a :class:`BronError`.

    Examples
    --------
    >>> check_gemeentecode("GM0202")
    'GM0202'
    >>> check_gemeentecode("0202")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    gebiedsplan.errors.BronError: Gemeentecode '0202' heeft niet de vorm GMdddd ...
    """
    code = str(gemeentecode).strip() if gemeentecode is not None else ""
    if not _GEMEENTECODE.fullmatch(code):
        hint = f" (bedoelt u 'GM{code}'?)" if re.fullmatch(r"\d{4}", code) else ""
        raise BronError(
            f"Gemeentecode {gemeentecode!r} heeft niet de vorm GMdddd (GM en vier cijfers, zoals "
            f"CBS die gebruikt, bv. 'GM0202' voor Arnhem){hint}. Geef de CBS-gemeentecode op."
        )
    return code
