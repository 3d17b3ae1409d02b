"""Checks every layer shares: a (Geo)DataFrame against its layer schema (collecting every
problem before raising once), projected and equal CRSs, the gemeentecode, and the one test of
"inside the Netherlands" in RD or in degrees (:func:`in_nederland`, :func:`stelsel_van`)."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from typing import Any, Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from gebiedsplan import settings
from gebiedsplan._tekst import getal
from gebiedsplan.catalogus import Catalogus, Kolom, LaagSchema, load_catalogus
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


def _check_crs(frame: gpd.GeoDataFrame, schema: LaagSchema, bron: str) -> gpd.GeoDataFrame:
    if frame.crs is None:
        raise CRSError(
            f"Laag '{schema.naam}' uit {bron} heeft geen CRS (coördinatenstelsel); gebiedsplan "
            "raadt dat niet. Geef het op, bv. gdf.set_crs('EPSG:28992') voor RD-coördinaten in "
            "meters of gdf.set_crs('EPSG:4326') voor lengte- en breedtegraden."
        )
    target = pyproj.CRS.from_user_input(settings.crs)
    if not pyproj.CRS.from_user_input(frame.crs).equals(target):
        log.info(
            "Laag '%s' uit %s omgezet van %s naar %s",
            schema.naam,
            bron,
            frame.crs.to_string(),
            settings.crs,
        )
        frame = frame.to_crs(target)
    return frame


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
) -> gpd.GeoDataFrame | pd.DataFrame:
    """Check a layer against its schema and return it clean, indexed by its key, in EPSG:28992.

    Every problem is collected first (missing columns, wrong types, missing values, bad keys,
    duplicate keys, unknown categories, empty, invalid or wrongly typed geometry); then one
    :class:`SchemaError` lists them all. Input in another CRS is reprojected (with a log line);
    input without a CRS raises :class:`CRSError`.

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
        frame = _check_crs(data, schema, bron)
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
