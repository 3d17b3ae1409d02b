"""Inbreng: what residents said at a meeting, as pins on the map (layer ``inbreng``).

Two inputs: the GeoJSON the participation map writes (``gebiedsplan kaart --soort inbreng``;
WGS84, a header ``gebiedsplan`` with ``soort: inbreng``, the meeting and its date) and a CSV
typed from paper forms (``categorie;tekst;oordeel;lat;lon`` or ``...;x;y`` in RD, ``;`` or
``,``; the meeting and its date come from the command line). Both end in the validated layer
``inbreng`` (points in EPSG:28992, one row per pin) with the meeting as its source, so a new
import of the same meeting replaces its pins and the pins of other meetings stay
(:func:`gebiedsplan.store.update_lagen`).

Every problem of a file is reported at once (row and field), nothing is written on error.
Personal data is removed from the texts before they are stored (:func:`strip_persoonsgegevens`)
and properties other than the known ones (a ``naam``, an ``email``) are dropped.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import shapely

from gebiedsplan._validate import check_gemeentecode, validate_laag
from gebiedsplan.bronnen import Herkomst, Laag
from gebiedsplan.catalogus import load_catalogus
from gebiedsplan.errors import BronError

log = logging.getLogger(__name__)

#: What a resident can say about a place (empty: no judgement, a remark).
OORDELEN = ("mist", "goed", "knelpunt")
#: The category of a pin that fits none of the catalogue.
ANDERS = "anders"
#: Longest text of one pin, in characters.
MAX_TEKST = 500
#: What replaces personal data in a text.
VERWIJDERD = "[verwijderd]"
#: The properties of a pin that are kept; every other one (naam, email, ...) is dropped.
EIGENSCHAPPEN = ("categorie", "tekst", "oordeel", "tijd")

# Invisible bidi-control and zero-width characters, as gebiedsplan.publiceren.pagina removes
# them (that module is above this one in the import order, so the pattern is repeated here).
_ONZICHTBAAR = re.compile("[\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]")
_REGELSCHEIDING = re.compile("[\u2028\u2029]")

# Personal data in free text. Order matters: IBAN and e-mail before the digit patterns.
_PERSOONSGEGEVENS = (
    # IBAN: NL91 ABNA 0417 1643 00 (with or without spaces), and other countries
    re.compile(r"\b[A-Z]{2}\d{2}[ ]?[A-Z]{4}(?:[ ]?\d){10}\b", re.IGNORECASE),
    # e-mail address
    re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),
    # phone numbers: +31 6 12345678, 0031 6-1234 5678, 06-12345678, 026-1234567, 0263512345
    re.compile(r"(?<![\w+])(?:\+31|0031)[ -]?\(?0?\)?[ -]?[1-9](?:[ -]?\d){8}(?!\d)"),
    re.compile(r"(?<![\w+])0[1-9](?:[ -]?\d){8}(?!\d)"),
    # postcode with house number: 6811 AB 12, 6811AB12, 6811 ab 12-a
    re.compile(r"\b[1-9]\d{3}[ ]?[A-Z]{2}[ ,]*\d+(?:[ -]?[A-Z]{1,2}\b|[ -]?\d+)?", re.IGNORECASE),
)


@dataclass(frozen=True)
class InbrengLaag(Laag):
    """The layer ``inbreng`` of one meeting, with how many texts lost personal data."""

    #: texts in which personal data was replaced by ``[verwijderd]``
    aangepast: int = 0
    #: properties that were dropped (their names, never their values)
    weggelaten: tuple[str, ...] = ()


def zichtbaar(tekst: str) -> str:
    """Text without invisible bidi-control and zero-width characters (U+2028/9 as a space).

    Examples
    --------
    >>> zichtbaar("Buurt\u202ehuis\u200b")
    'Buurthuis'
    """
    return _REGELSCHEIDING.sub(" ", _ONZICHTBAAR.sub("", tekst))


def strip_persoonsgegevens(tekst: str) -> tuple[str, bool]:
    """Replace e-mail addresses, Dutch phone numbers, IBANs and postcode + house number by
    ``[verwijderd]``; return the text and whether anything was replaced.

    Examples
    --------
    >>> strip_persoonsgegevens("Bel 06-12345678 of mail jan@voorbeeld.nl")
    ('Bel [verwijderd] of mail [verwijderd]', True)
    >>> strip_persoonsgegevens("Ik woon op 6811 AB 12, rek. NL91ABNA0417164300")
    ('Ik woon op [verwijderd], rek. [verwijderd]', True)
    >>> strip_persoonsgegevens("Bus 6 rijdt om 10.15 uur, 300 meter verder")
    ('Bus 6 rijdt om 10.15 uur, 300 meter verder', False)
    """
    nieuw = tekst
    for patroon in _PERSOONSGEGEVENS:
        nieuw = patroon.sub(VERWIJDERD, nieuw)
    return nieuw, nieuw != tekst


def _categorieen() -> dict[str, str]:
    """{code or lower-case label: code} of the catalogue, and ``anders``."""
    cat = load_catalogus().categorieen
    namen = {c.code.lower(): c.code for c in cat.values()}
    namen.update({c.label.lower(): c.code for c in cat.values()})
    namen[ANDERS] = ANDERS
    return namen


def _datum(waarde: Any, *, waar: str) -> str:
    try:
        return dt.date.fromisoformat(str(waarde).strip()).isoformat()
    except ValueError:
        raise BronError(
            f"{waar}: datum {str(waarde)!r} is geen geldige datum; verwacht JJJJ-MM-DD, "
            "bijvoorbeeld 2026-05-12 (geef --datum)."
        ) from None


def _lees_geojson(path: Path) -> tuple[dict[str, Any], list[dict[str, Any]], str]:
    """Header, rows ({field: value, 'rij': n, lon/lat}) and the CRS name of a GeoJSON file."""
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BronError(f"Inbreng {path}: geen leesbare GeoJSON ({exc}).") from None
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise BronError(
            f"Inbreng {path}: verwacht een GeoJSON FeatureCollection, zoals de inbrengkaart "
            "(gebiedsplan kaart --soort inbreng) die bewaart."
        )
    kop = data.get("gebiedsplan") or {}
    if not isinstance(kop, dict) or kop.get("soort", "inbreng") != "inbreng":
        raise BronError(
            f"Inbreng {path}: de kop 'gebiedsplan' zegt soort {kop.get('soort')!r}, verwacht "
            "'inbreng'."
        )
    rijen: list[dict[str, Any]] = []
    for n, feature in enumerate(data.get("features") or [], start=1):
        props = (feature or {}).get("properties") or {}
        geom = (feature or {}).get("geometry") or {}
        rij: dict[str, Any] = {"rij": n, **props}
        coords = geom.get("coordinates") if geom.get("type") == "Point" else None
        if isinstance(coords, list) and len(coords) >= 2:
            rij["_x"], rij["_y"] = coords[0], coords[1]
        rijen.append(rij)
    return kop, rijen, "EPSG:4326"


def _lees_csv(path: Path) -> tuple[list[dict[str, Any]], str]:
    """Rows of a CSV from paper forms and the CRS its coordinates are in."""
    try:
        tekst = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise BronError(f"Inbreng {path}: niet te lezen als UTF-8-tekst ({exc}).") from None
    eerste = tekst.splitlines()[0] if tekst.strip() else ""
    scheiding = ";" if eerste.count(";") >= eerste.count(",") else ","
    lezer = csv.DictReader(io.StringIO(tekst), delimiter=scheiding)
    kolommen = [k.strip().lower() for k in (lezer.fieldnames or [])]
    if {"lat", "lon"} <= set(kolommen):
        xk, yk, crs = "lon", "lat", "EPSG:4326"
    elif {"x", "y"} <= set(kolommen):
        xk, yk, crs = "x", "y", "EPSG:28992"
    else:
        raise BronError(
            f"Inbreng {path}: kolommen {', '.join(kolommen) or 'geen'}; verwacht "
            "categorie;tekst;oordeel;lat;lon (WGS84) of categorie;tekst;oordeel;x;y (RD)."
        )
    rijen = []
    for n, ruw in enumerate(lezer, start=2):  # row 1 is the header
        rij: dict[str, Any] = {"rij": n}
        rij.update({(k or "").strip().lower(): v for k, v in ruw.items()})
        for bron, doel in ((xk, "_x"), (yk, "_y")):
            waarde = str(rij.pop(bron, "") or "").strip().replace(",", ".")
            if waarde:
                try:
                    rij[doel] = float(waarde)
                except ValueError:
                    rij[doel] = waarde
        rijen.append(rij)
    return rijen, crs


def read_inbreng(
    path: str | Path,
    *,
    gemeentecode: str,
    gemeente_vlak: shapely.Geometry,
    bijeenkomst: str | None = None,
    datum: str | None = None,
) -> InbrengLaag:
    """Read the pins of one meeting (GeoJSON of the participation map, or CSV of paper forms)
    into the layer ``inbreng``.

    Parameters
    ----------
    path
        ``.geojson``/``.json`` or ``.csv``.
    gemeentecode
        The gemeente the pins belong to (a GeoJSON header of another gemeente is refused).
    gemeente_vlak
        The outline of the gemeente (union of its wijken, EPSG:28992); a pin outside is refused.
    bijeenkomst, datum
        The meeting and its date (``YYYY-MM-DD``); required for a CSV, for a GeoJSON they
        override its header.

    Returns
    -------
    InbrengLaag
        Columns ``bijeenkomst``, ``datum``, ``categorie``, ``oordeel``, ``tekst``, ``tijd``
        (EPSG:28992 points, index ``id`` = ``<bijeenkomst>:<n>``), the texts stripped of
        personal data and invisible characters (``aangepast`` counts the changed texts).

    Raises
    ------
    BronError
        Every problem of the file at once, by row and field, with the fix.

    Examples
    --------
    >>> import tempfile, shapely, gebiedsplan as gp
    >>> from pathlib import Path
    >>> g = gp.demo_gemeente()
    >>> f = Path(tempfile.mkdtemp()) / "formulieren.csv"
    >>> _ = f.write_text("categorie;tekst;oordeel;x;y\\nhuisarts;Te ver weg;mist;172500;492000\\n")
    >>> laag = read_inbreng(f, gemeentecode="GM9999", bijeenkomst="Avond Noord",
    ...     datum="2026-05-12", gemeente_vlak=shapely.union_all(g.wijken.geometry.to_numpy()))
    >>> laag.data[["bijeenkomst", "categorie", "oordeel", "tekst"]].to_dict("records")
    [{'bijeenkomst': 'Avond Noord', 'categorie': 'huisarts', 'oordeel': 'mist', 'tekst': 'Te ver weg'}]
    """
    path = Path(path)
    code = check_gemeentecode(gemeentecode)
    if path.suffix.lower() in (".geojson", ".json"):
        kop, rijen, crs = _lees_geojson(path)
        if kop.get("gemeentecode") and str(kop["gemeentecode"]).upper() != code:
            raise BronError(
                f"Inbreng {path}: de kop zegt gemeente {kop['gemeentecode']}, ingelezen wordt "
                f"{code}; geef --gemeente {kop['gemeentecode']} of het bestand van {code}."
            )
        bijeenkomst = bijeenkomst or kop.get("bijeenkomst")
        datum = datum or kop.get("datum")
    elif path.suffix.lower() == ".csv":
        rijen, crs = _lees_csv(path)
    else:
        raise BronError(
            f"Inbreng {path}: onbekend bestandstype {path.suffix!r}; verwacht .geojson "
            "(inbrengkaart) of .csv (papieren formulieren)."
        )
    if not bijeenkomst or not str(bijeenkomst).strip():
        raise BronError(
            f"Inbreng {path}: de naam van de bijeenkomst ontbreekt; geef --bijeenkomst NAAM."
        )
    if not datum:
        raise BronError(f"Inbreng {path}: de datum ontbreekt; geef --datum JJJJ-MM-DD.")
    bijeenkomst = zichtbaar(str(bijeenkomst)).strip()
    datum = _datum(datum, waar=f"Inbreng {path}")
    if not rijen:
        raise BronError(f"Inbreng {path}: geen enkele speld (rij) in het bestand.")

    namen = _categorieen()
    problemen: list[str] = []
    weggelaten: set[str] = set()
    schoon: list[dict[str, Any]] = []
    for rij in rijen:
        n = rij["rij"]
        weggelaten.update(k for k in rij if k not in (*EIGENSCHAPPEN, "rij", "_x", "_y"))
        cat_ruw = str(rij.get("categorie") or "").strip()
        categorie = namen.get(cat_ruw.lower())
        if categorie is None:
            problemen.append(
                f"rij {n}, veld categorie: {cat_ruw!r} is geen bekende categorie; gebruik een "
                f"code of naam uit 'gebiedsplan lijst categorieen' of '{ANDERS}'"
            )
        oordeel = str(rij.get("oordeel") or "").strip().lower()
        if oordeel in ("null", "none"):
            oordeel = ""
        if oordeel and oordeel not in OORDELEN:
            problemen.append(
                f"rij {n}, veld oordeel: {oordeel!r} is onbekend; gebruik "
                f"{', '.join(OORDELEN)} of laat het leeg"
            )
        tekst = zichtbaar(str(rij.get("tekst") or "")).strip()
        if not tekst:
            problemen.append(f"rij {n}, veld tekst: leeg; schrijf op wat er gezegd is")
        elif len(tekst) > MAX_TEKST:
            problemen.append(
                f"rij {n}, veld tekst: {len(tekst)} tekens, hoogstens {MAX_TEKST}; kort de "
                "tekst in of verdeel hem over twee spelden"
            )
        x, y = rij.get("_x"), rij.get("_y")
        punt = None
        if not isinstance(x, int | float) or not isinstance(y, int | float):
            velden = "lon/lat" if crs == "EPSG:4326" else "x/y"
            problemen.append(
                f"rij {n}, veld {velden}: geen (geldige) plek; zet de speld op de kaart"
            )
        else:
            punt = shapely.Point(float(x), float(y))
        schoon.append(
            {
                "rij": n,
                "categorie": categorie,
                "oordeel": oordeel or None,
                "tekst": tekst,
                "tijd": str(rij.get("tijd") or "").strip() or None,
                "geometry": punt,
            }
        )
    frame = gpd.GeoDataFrame(schoon, geometry="geometry", crs=crs)
    geldig = frame.geometry.notna()
    if geldig.any():
        rd = frame.loc[geldig].to_crs("EPSG:28992")
        buiten = ~rd.geometry.within(gemeente_vlak)
        for n in rd.loc[buiten, "rij"]:
            problemen.append(
                f"rij {n}: de speld ligt buiten de gemeente {code} (de wijken in de laagopslag); "
                "verplaats hem of laat hem weg"
            )
    if problemen:
        raise BronError(
            f"Inbreng {path} ({bijeenkomst}) geweigerd, er is niets geschreven:\n  - "
            + "\n  - ".join(problemen)
        )
    frame = frame.to_crs("EPSG:28992")  # every pin has a place here
    aangepast = 0
    teksten = []
    for tekst in frame["tekst"]:
        nieuw, veranderd = strip_persoonsgegevens(tekst)
        aangepast += veranderd
        teksten.append(nieuw)
    bron = f"Inbreng {bijeenkomst}"
    frame = frame.assign(
        id=[f"{bijeenkomst}:{n}" for n in range(1, len(frame) + 1)],
        bijeenkomst=bijeenkomst,
        datum=datum,
        tekst=teksten,
        bron=bron,
    ).drop(columns="rij")
    data = validate_laag(frame, "inbreng", bron=str(path), catalogus=load_catalogus())
    if weggelaten:
        log.info("Inbreng %s: eigenschappen weggelaten: %s", path, ", ".join(sorted(weggelaten)))
    herkomst = Herkomst(
        bron=bron,
        datum=dt.date.today().isoformat(),
        licentie="inbreng van bewoners, alleen voor gebruik door de gemeente",
        query=str(path),
        peildatum=datum,
    )
    return InbrengLaag(
        "inbreng", data, herkomst, aangepast=aangepast, weggelaten=tuple(sorted(weggelaten))
    )
