"""Municipal registers (CSV and Excel) read into catalogue layers through a column mapping.

A gemeente keeps its IAB accommodations, welzijn subsidies and wijkteam locations in
spreadsheets, each with its own column names and words. A *koppeling* (a small YAML file,
e.g. ``wijken/registers/arnhem_accommodaties.yml``) says how one register fills one
catalogue layer::

    laag: accommodaties              # catalogue layer with Point geometry
    prefix: acc-arnhem               # ids '<prefix>:<row number>' when there is no id column
    blad: Accommodaties              # Excel sheet (optional; default the first)
    kolommen:                        # catalogue column: register column
      naam: Naam locatie
      functies: Functies
      bvo_m2: BVO (m2)
      status: Status
    waarden:                         # register word -> catalogue value, per column
      status: {In gebruik: in_gebruik, Leeg: leegstand}
    lijst:                           # columns holding several values, and their separator
      functies: ","
    vast:                            # the same value on every row
      eigenaar: gemeente
    locatie:                         # x/y columns ...
      x: X
      y: Y
      crs: auto                      # EPSG:28992, EPSG:4326 or auto (decided from the values)
    # ... or address columns, geocoded with PDOK Locatieserver:
    # locatie: {straat: Straat, huisnummer: Huisnr, postcode: Postcode, plaats: Plaats}
    herkomst:                        # provenance (optional; see read_register for defaults)
      bron: Register accommodaties gemeente Arnhem 2025
      datum: "2025-03-01"
      licentie: intern gebruik gemeente Arnhem
      synthetisch: false             # true for made-up example registers

Row numbers in every message are the ones people see in Excel: the header is row 1, the first
register row is row 2. Every problem of a register is collected first (missing columns, empty
or non-numeric values, unknown words, coordinates in the wrong system or swapped, addresses the
Locatieserver cannot find, rows outside the gemeente) and raised at once as one
:class:`SchemaError`; nothing is returned half.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely
from shapely.geometry.base import BaseGeometry

from gebiedsplan import settings
from gebiedsplan._io import Pad, load_yaml_with_lines
from gebiedsplan._validate import validate_laag
from gebiedsplan.bronnen import Herkomst, Laag
from gebiedsplan.bronnen.locatieserver import zoek_adres
from gebiedsplan.catalogus import Catalogus, Kolom, LaagSchema, load_catalogus
from gebiedsplan.errors import BronError, CRSError, GebiedsplanError, SchemaError

log = logging.getLogger(__name__)

#: Value ranges that decide the coordinate system (``crs: auto``) and check a stated one.
#: RD New covers the Netherlands with x 0-300 km and y 300-625 km; WGS84 degrees of the
#: Netherlands lie within lon 3.2-7.3 and lat 50.7-53.6. The two never overlap.
RD_X = (0.0, 300_000.0)
RD_Y = (300_000.0, 625_000.0)
WGS84_LON = (3.2, 7.3)
WGS84_LAT = (50.7, 53.6)
CRS_KEUZES = ("EPSG:28992", "EPSG:4326", "auto")

_VELDEN = {"laag", "prefix", "blad", "kolommen", "waarden", "lijst", "vast", "locatie", "herkomst"}
_XY = ("x", "y")
_ADRES = ("straat", "huisnummer", "postcode", "plaats")
_HERKOMST = ("bron", "datum", "licentie", "synthetisch")
_TRUE = {"true", "1", "ja", "j", "yes", "waar"}
_FALSE = {"false", "0", "nee", "n", "no", "onwaar"}
_MAX_RIJEN = 20
_MAX_REGELS = 50
_CSV_SCHEIDINGEN = ";,\t|"


@dataclass(frozen=True)
class Koppeling:
    """A validated column mapping: how one register fills one catalogue layer."""

    laag: str
    kolommen: Mapping[str, str]
    waarden: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    lijst: Mapping[str, str] = field(default_factory=dict)
    vast: Mapping[str, Any] = field(default_factory=dict)
    locatie: Mapping[str, str] = field(default_factory=dict)
    crs: str | None = None
    prefix: str | None = None
    blad: str | int | None = None
    herkomst: Mapping[str, str] = field(default_factory=dict)
    bestand: str = "de koppeling"

    @property
    def met_adres(self) -> bool:
        """True when the location comes from address columns (geocoded), not x/y."""
        return "huisnummer" in self.locatie


# --------------------------------------------------------------------------- the mapping


def _where(bestand: str, lines: Mapping[Pad, int], pad: Pad) -> str:
    line = lines.get(pad)
    while line is None and pad:
        pad = pad[:-1]
        line = lines.get(pad)
    return f"{bestand}, regel {line}" if line else bestand


def _keuzes(kolom: Kolom, catalogus: Catalogus) -> list[str] | None:
    """The allowed values of a column, when the catalogue gives a closed list."""
    if kolom.vocabulaire == "categorieen":
        return list(catalogus.categorieen)
    if kolom.patroon:
        match = re.fullmatch(r"\^\(([\w|]+)\)\$", kolom.patroon)
        if match:
            return match[1].split("|")
    return None


def _past(waarde: str, kolom: Kolom, catalogus: Catalogus) -> bool:
    if kolom.vocabulaire == "categorieen" and waarde not in catalogus.categorieen:
        return False
    return not (kolom.patroon and not re.fullmatch(kolom.patroon, waarde))


def load_koppeling(
    koppeling: str | Path | Mapping[str, Any], *, catalogus: Catalogus | None = None
) -> Koppeling:
    """Read and check a column mapping (YAML file or dict), reporting every problem at once.

    Parameters
    ----------
    koppeling
        Path of a YAML file, or the same structure as a dict (see the module docstring).
    catalogus
        Catalogue to check against; defaults to :func:`load_catalogus`.

    Returns
    -------
    Koppeling

    Raises
    ------
    GebiedsplanError
        Naming every problem with its line in the file: unknown fields or layer, unknown
        catalogue columns, required columns that get no value, value mappings to words the
        catalogue does not know, a location that is neither x/y with crs nor an address.

    Examples
    --------
    >>> k = load_koppeling({"laag": "voorzieningen",
    ...     "kolommen": {"naam": "Naam", "categorie": "Soort"},
    ...     "waarden": {"categorie": {"Buurthuis": "ontmoeting"}},
    ...     "vast": {"bron": "Welzijnsregister"},
    ...     "locatie": {"x": "X", "y": "Y", "crs": "auto"}})
    >>> k.laag, k.crs, k.met_adres
    ('voorzieningen', 'auto', False)
    """
    catalogus = catalogus or load_catalogus()
    lines: dict[Pad, int] = {}
    if isinstance(koppeling, Mapping):
        raw: Any = dict(koppeling)
        bestand = "de koppeling"
    else:
        bestand = str(koppeling)
        raw, lines = load_yaml_with_lines(koppeling)
    problems: list[str] = []

    def fout(pad: Pad, tekst: str) -> None:
        problems.append(f"{_where(bestand, lines, pad)}: {tekst}")

    if not isinstance(raw, Mapping):
        raise GebiedsplanError(
            f"Koppeling ({bestand}): verwacht velden als 'laag:', 'kolommen:' en 'locatie:', "
            f"kreeg {type(raw).__name__}."
        )
    for key in raw:
        if key not in _VELDEN:
            fout((key,), f"onbekend veld '{key}'; toegestaan: {', '.join(sorted(_VELDEN))}")

    laag = raw.get("laag")
    schema: LaagSchema | None = None
    puntlagen = sorted(
        n for n, s in catalogus.lagen.items() if s.geometrie and "Point" in s.geometrie
    )
    if laag not in puntlagen:
        fout(
            ("laag",),
            f"laag {laag!r} kan niet uit een register komen; kies een van {', '.join(puntlagen)}",
        )
    else:
        schema = catalogus.lagen[laag]

    def mapping(naam: str) -> dict[Any, Any]:
        value = raw.get(naam) or {}
        if not isinstance(value, Mapping):
            fout((naam,), f"'{naam}' moet velden hebben (naam: waarde), kreeg {value!r}")
            return {}
        return dict(value)

    kolommen = {str(k): str(v).strip() for k, v in mapping("kolommen").items() if v is not None}
    waarden = mapping("waarden")
    lijst = {str(k): str(v) for k, v in mapping("lijst").items()}
    vast = mapping("vast")
    locatie = {str(k): v for k, v in mapping("locatie").items()}
    herkomst = {str(k): str(v) for k, v in mapping("herkomst").items()}

    if schema is not None:
        bekend = [schema.sleutel, *schema.kolommen]
        for naam in kolommen:
            if naam not in bekend:
                fout(
                    ("kolommen", naam),
                    f"laag '{laag}' heeft geen kolom '{naam}'; bekend: {', '.join(bekend)}",
                )
        for naam in vast:
            if naam not in bekend and naam != "bron":
                fout(("vast", naam), f"laag '{laag}' heeft geen kolom '{naam}'")
            if naam in kolommen:
                fout(
                    ("vast", naam),
                    f"kolom '{naam}' staat zowel onder 'kolommen' als onder 'vast'; kies één",
                )
        for naam, kolom in schema.kolommen.items():
            if kolom.verplicht and not kolom.leeg and naam not in kolommen and naam not in vast:
                if naam == "bron":
                    continue  # filled with the provenance source
                fout(
                    ("kolommen",),
                    f"verplichte kolom '{naam}' van laag '{laag}' krijgt geen waarde; "
                    f"zet hem onder 'kolommen' (registerkolom) of 'vast' (één waarde)",
                )
        for naam, value in vast.items():
            vaste_kolom = schema.kolommen.get(naam)
            if vaste_kolom is None or value is None:
                continue
            omgezet, reden = _zet_om(value, vaste_kolom)
            if reden:
                fout(("vast", naam), f"vaste waarde {value!r} voor '{naam}': {reden}")
            elif isinstance(omgezet, str) and not _past(omgezet, vaste_kolom, catalogus):
                keuzes = _keuzes(vaste_kolom, catalogus)
                fout(
                    ("vast", naam),
                    f"vaste waarde {value!r} voor '{naam}' is niet toegestaan"
                    + (f"; kies uit {', '.join(keuzes)}" if keuzes else ""),
                )
        for naam, tabel in waarden.items():
            if naam not in kolommen:
                fout(
                    ("waarden", naam),
                    f"waarden voor '{naam}', maar '{naam}' staat niet onder 'kolommen'",
                )
                continue
            if not isinstance(tabel, Mapping):
                fout(("waarden", naam), "verwacht registerwoord: catalogus-waarde")
                continue
            doelkolom = schema.kolommen.get(naam)
            for woord, doel in tabel.items():
                if doelkolom is not None and not _past(str(doel), doelkolom, catalogus):
                    keuzes = _keuzes(doelkolom, catalogus)
                    fout(
                        ("waarden", naam, woord),
                        f"'{woord}' wordt '{doel}', maar dat is geen geldige waarde voor "
                        f"'{naam}'" + (f"; kies uit {', '.join(keuzes)}" if keuzes else ""),
                    )
        for naam in lijst:
            if naam not in kolommen:
                fout(("lijst", naam), f"'{naam}' staat niet onder 'kolommen'")

    crs: str | None = None
    heeft_xy = any(k in locatie for k in _XY)
    heeft_adres = any(k in locatie for k in _ADRES)
    onbekend = set(locatie) - {*_XY, "crs", *_ADRES}
    if onbekend:
        fout(
            ("locatie",),
            f"onbekend veld {', '.join(sorted(onbekend))}; gebruik x, y en crs, of straat, "
            "huisnummer, postcode en plaats",
        )
    if heeft_xy and heeft_adres:
        fout(
            ("locatie",),
            "geef óf x/y-kolommen óf adreskolommen, niet allebei (één register, één manier)",
        )
    elif heeft_xy:
        if not all(locatie.get(k) for k in _XY):
            fout(("locatie",), "geef zowel 'x' als 'y' (de kolomnamen in het register)")
        crs = str(locatie.get("crs")) if locatie.get("crs") is not None else None
        if crs not in CRS_KEUZES:
            fout(
                ("locatie", "crs"),
                f"crs {crs!r}; kies EPSG:28992 (RD, meters), EPSG:4326 (graden: x = "
                "lengtegraad, y = breedtegraad) of auto (bepaald uit de waarden)",
            )
    elif heeft_adres:
        if "crs" in locatie:
            fout(("locatie", "crs"), "crs hoort bij x/y-kolommen, niet bij een adres")
        if not locatie.get("huisnummer") or not (
            locatie.get("postcode") or (locatie.get("straat") and locatie.get("plaats"))
        ):
            fout(
                ("locatie",),
                "een adres heeft 'huisnummer' nodig en 'postcode', of 'straat' en 'plaats'",
            )
    else:
        fout(
            ("locatie",),
            "geen locatie: geef x/y-kolommen met crs, of adreskolommen (straat, huisnummer, "
            "postcode, plaats)",
        )

    prefix = raw.get("prefix")
    if prefix is not None and not re.fullmatch(r"[\w.-]+", str(prefix)):
        fout(("prefix",), f"prefix {prefix!r} mag alleen letters, cijfers, '-', '_' en '.' hebben")
    for key in herkomst:
        if key not in _HERKOMST:
            fout(("herkomst", key), f"onbekend veld; toegestaan: {', '.join(_HERKOMST)}")

    if problems:
        raise GebiedsplanError(
            f"Koppeling niet bruikbaar ({bestand}; {len(problems)} "
            f"{'probleem' if len(problems) == 1 else 'problemen'}):\n  - " + "\n  - ".join(problems)
        )
    assert schema is not None
    blad = raw.get("blad")
    return Koppeling(
        laag=str(laag),
        kolommen=kolommen,
        waarden={k: {str(w): str(d) for w, d in v.items()} for k, v in waarden.items()},
        lijst=lijst,
        vast=vast,
        locatie={k: str(v) for k, v in locatie.items() if k != "crs"},
        crs=crs,
        prefix=str(prefix) if prefix is not None else None,
        blad=blad if isinstance(blad, int) or blad is None else str(blad),
        herkomst=herkomst,
        bestand=bestand,
    )


# --------------------------------------------------------------------------- reading the table


def _cel(value: Any) -> Any:
    """A cell as read: None for empty, stripped text, numbers as they are."""
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, str):
        value = value.strip().replace("\u00a0", " ")
        return value or None
    return value


def _read_csv(path: Path) -> tuple[list[str], list[tuple[int, list[Any]]]]:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252")  # Excel "CSV (gescheiden door lijstscheidingsteken)"
        log.info("Register %s gelezen als Windows-1252 (geen UTF-8)", path)
    eerste = text.splitlines()[0] if text.strip() else ""
    scheiding = max(_CSV_SCHEIDINGEN, key=eerste.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=scheiding)
    rows = list(reader)
    if not rows:
        return [], []
    header = rows[0]
    return header, [(i, row) for i, row in enumerate(rows[1:], start=2)]


def _read_excel(
    path: Path, blad: str | int | None
) -> tuple[list[str], list[tuple[int, list[Any]]]]:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken file
        raise BronError(f"Register {path} is geen leesbaar Excel-bestand (.xlsx): {exc}") from None
    try:
        if blad is None:
            ws = wb.worksheets[0]
        elif isinstance(blad, int):
            ws = wb.worksheets[blad]
        else:
            ws = wb[blad]
    except (KeyError, IndexError):
        raise BronError(
            f"Register {path} heeft geen blad {blad!r}; aanwezig: {', '.join(wb.sheetnames)}. "
            "Geef het blad met sheet= of 'blad:' in de koppeling."
        ) from None
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    wb.close()
    if not rows:
        return [], []
    header = ["" if h is None else str(h) for h in rows[0]]
    return header, [(i, row) for i, row in enumerate(rows[1:], start=2)]


def _read_table(
    path: Path, blad: str | int | None
) -> tuple[list[str], list[tuple[int, list[Any]]]]:
    """Header and (spreadsheet row number, cells) of every non-empty row."""
    if not path.exists():
        raise BronError(f"Register {path} bestaat niet.")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        header, rows = _read_excel(path, blad)
    elif suffix in (".csv", ".txt"):
        if blad is not None:
            log.info("Register %s is CSV; het blad %r wordt genegeerd", path, blad)
        header, rows = _read_csv(path)
    elif suffix == ".xls":
        raise BronError(
            f"Register {path} is in het oude Excel-formaat (.xls); sla het in Excel op als "
            ".xlsx (Excel-werkmap) of als CSV."
        )
    else:
        raise BronError(
            f"Register {path}: onbekend bestandstype '{suffix}'; verwacht .csv of .xlsx."
        )
    header = [str(h).strip().lstrip("\ufeff") for h in header]
    cleaned = [(n, [_cel(v) for v in row]) for n, row in rows]
    return header, [(n, row) for n, row in cleaned if any(v is not None for v in row)]


# --------------------------------------------------------------------------- values


def _sleutel(woord: Any) -> str:
    """Lookup form of a register word: trimmed, single spaces, case-folded."""
    return re.sub(r"\s+", " ", str(woord)).strip().casefold()


def _tekst(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel turns 12 into 12.0
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return re.sub(r"\s+", " ", str(value)).strip()


_GETAL = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_KOMMAGETAL = re.compile(r"^[+-]?\d+,\d+$")


def _getal(value: Any) -> float | None:
    """A number from a cell, or None when it is not one. A decimal comma is accepted
    (12,5); thousands separators are not (1.250,5 is ambiguous: fix it in the register)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float | np.integer | np.floating):
        return float(value)
    text = str(value).strip().replace(" ", "")
    if _GETAL.match(text):
        return float(text)
    if _KOMMAGETAL.match(text):
        return float(text.replace(",", "."))
    return None


def _zet_om(value: Any, kolom: Kolom) -> tuple[Any, str | None]:
    """Convert one non-empty cell to the column type; (value, None) or (None, reason)."""
    if kolom.type == "str":
        return _tekst(value), None
    if kolom.type in ("int", "float"):
        getal = _getal(value)
        if getal is None or not math.isfinite(getal):
            return None, "geen getal"
        if kolom.type == "int" and not getal.is_integer():
            return None, "geen geheel getal"
        if kolom.min is not None and getal < kolom.min:
            return None, f"kleiner dan {kolom.min:g}"
        return (int(getal) if kolom.type == "int" else getal), None
    text = _sleutel(value)
    if isinstance(value, bool):
        return value, None
    if text in _TRUE:
        return True, None
    if text in _FALSE:
        return False, None
    return None, "geen ja/nee"


class _Problemen:
    """Problems grouped by kind, each with the rows (and examples) where it occurs."""

    def __init__(self) -> None:
        self.groepen: dict[str, tuple[list[int], list[str]]] = {}
        self.regels: list[str] = []

    def rij(self, soort: str, rij: int, voorbeeld: Any = None) -> None:
        rijen, voorbeelden = self.groepen.setdefault(soort, ([], []))
        rijen.append(rij)
        if voorbeeld is not None and str(voorbeeld) not in voorbeelden:
            voorbeelden.append(str(voorbeeld))

    def regel(self, tekst: str) -> None:
        self.regels.append(tekst)

    def __bool__(self) -> bool:
        return bool(self.groepen or self.regels)

    def lijst(self) -> list[str]:
        out = list(self.regels[:_MAX_REGELS])
        if len(self.regels) > _MAX_REGELS:
            out.append(f"… en {len(self.regels) - _MAX_REGELS} meer zulke rijen")
        for soort, (rijen, voorbeelden) in self.groepen.items():
            tekst = soort.replace("{rijen}", _rijen(rijen))
            if voorbeelden and "{voorbeelden}" in tekst:
                shown = ", ".join(f"'{v}'" for v in voorbeelden[:5])
                tekst = tekst.replace(
                    "{voorbeelden}", shown + (" …" if len(voorbeelden) > 5 else "")
                )
            out.append(tekst)
        return out


def _rijen(rijen: list[int]) -> str:
    shown = ", ".join(str(r) for r in rijen[:_MAX_RIJEN])
    more = len(rijen) - _MAX_RIJEN
    return shown + (f" … en {more} meer" if more > 0 else "")


# --------------------------------------------------------------------------- coordinates


def _binnen(value: float, bereik: tuple[float, float]) -> bool:
    return bereik[0] <= value <= bereik[1]


def _stelsel(x: float, y: float) -> str:
    """Which system a coordinate pair is in: rd, wgs84, rd_verwisseld, wgs84_verwisseld or geen."""
    if _binnen(x, RD_X) and _binnen(y, RD_Y):
        return "rd"
    if _binnen(x, WGS84_LON) and _binnen(y, WGS84_LAT):
        return "wgs84"
    if _binnen(x, RD_Y) and _binnen(y, RD_X):
        return "rd_verwisseld"
    if _binnen(x, WGS84_LAT) and _binnen(y, WGS84_LON):
        return "wgs84_verwisseld"
    return "geen"


def _coordinaten(
    rows: list[tuple[int, list[Any]]],
    ix: int,
    iy: int,
    koppeling: Koppeling,
    problemen: _Problemen,
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
        x, y = _getal(vx), _getal(vy)
        if x is None or y is None:
            problemen.rij(
                f"x/y ('{kx}'/'{ky}'): geen getal in rij {{rijen}} (bv. {{voorbeelden}}); "
                "schrijf coördinaten als 190123.4 of 51,98 (zonder duizendtallen-scheiding)",
                rij,
                f"{_tekst(vx)} / {_tekst(vy)}",
            )
            continue
        paren[rij] = (x, y)
        stelsels.setdefault(_stelsel(x, y), []).append(rij)

    uitleg = {
        "rd_verwisseld": (
            f"x en y lijken verwisseld in rij {{rijen}} (bv. {{voorbeelden}}): '{kx}' heeft "
            f"RD-waarden van een y (300.000-625.000) en '{ky}' die van een x (0-300.000); zet "
            f"in de koppeling x: {ky}, y: {kx}, of wissel de kolommen in het register"
        ),
        "wgs84_verwisseld": (
            f"lengte- en breedtegraad lijken verwisseld in rij {{rijen}} (bv. {{voorbeelden}}): "
            f"'{kx}' heeft breedtegraden (50,7-53,6) en '{ky}' lengtegraden (3,2-7,3); x is de lengtegraad (lon), y de "
            f"breedtegraad (lat): zet in de koppeling x: {ky}, y: {kx}"
        ),
        "geen": (
            "coördinaten in rij {rijen} (bv. {voorbeelden}) liggen niet in Nederland, in "
            "RD (x 0-300.000, y 300.000-625.000 m) noch in graden (lon 3,2-7,3, lat 50,7-53,6); "
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
            f"het register mengt RD-coördinaten (rij {_rijen(rd)}) en graden WGS84 (rij "
            f"{_rijen(wgs)}); één stelsel per register: reken de afwijkende rijen om"
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


def _adressen(
    rows: list[tuple[int, list[Any]]],
    index: Mapping[str, int],
    namen: Mapping[int, str],
    koppeling: Koppeling,
    problemen: _Problemen,
) -> tuple[dict[int, tuple[float, float]], dict[int, tuple[str, float | None]]]:
    """Geocode every address row with PDOK Locatieserver; one line per address not found."""
    punten: dict[int, tuple[float, float]] = {}
    gevonden: dict[int, tuple[str, float | None]] = {}
    for rij, cellen in rows:
        delen = {k: cellen[index[k]] if k in index else None for k in _ADRES}
        resultaat = zoek_adres(
            delen["straat"], delen["huisnummer"], delen["postcode"], delen["plaats"]
        )
        if resultaat.probleem or resultaat.x is None or resultaat.y is None:
            naam = f" ({namen[rij]})" if namen.get(rij) else ""
            problemen.regel(f"rij {rij}{naam}: {resultaat.probleem}")
            continue
        punten[rij] = (resultaat.x, resultaat.y)
        gevonden[rij] = (str(resultaat.weergavenaam), resultaat.score)
    log.info("Register: %d van %d adressen gevonden (PDOK Locatieserver)", len(punten), len(rows))
    return punten, gevonden


def _vlak(gemeente_vlak: Any) -> BaseGeometry:
    """The gemeente polygon in RD; a frame without CRS, or a bare geometry not in RD, is an error."""
    if isinstance(gemeente_vlak, gpd.GeoDataFrame | gpd.GeoSeries):
        if gemeente_vlak.crs is None:
            raise CRSError(
                "gemeente_vlak heeft geen CRS; geef het op, bv. vlak.set_crs('EPSG:28992')."
            )
        return shapely.union_all(gemeente_vlak.to_crs(settings.crs).geometry.to_numpy())
    if isinstance(gemeente_vlak, BaseGeometry):
        minx, miny, maxx, maxy = gemeente_vlak.bounds
        if not (
            _binnen(minx, RD_X)
            and _binnen(maxx, RD_X)
            and _binnen(miny, RD_Y)
            and _binnen(maxy, RD_Y)
        ):
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


# --------------------------------------------------------------------------- the register


def _kolom_index(
    header: list[str], koppeling: Koppeling, path: Path, problemen: _Problemen
) -> dict[str, int]:
    """Position of every register column the mapping names; a missing one is a problem."""
    exact = {h: i for i, h in enumerate(header) if h}
    loose = {_sleutel(h): i for i, h in enumerate(header) if h}
    dubbel = sorted({h for h in header if h and header.count(h) > 1})
    if dubbel:
        problemen.regel(
            f"kolomnaam {', '.join(repr(h) for h in dubbel)} staat meer dan eens in de kopregel "
            "(rij 1); maak de namen uniek"
        )
    gevraagd = {naam: bron for naam, bron in koppeling.kolommen.items()}
    gevraagd |= {f"locatie.{k}": v for k, v in koppeling.locatie.items()}
    index: dict[str, int] = {}
    ontbreekt: list[str] = []
    for doel, bron in gevraagd.items():
        if bron in exact:
            index[doel] = exact[bron]
        elif _sleutel(bron) in loose:
            index[doel] = loose[_sleutel(bron)]
        else:
            ontbreekt.append(f"'{bron}' (voor {doel})")
    if ontbreekt:
        problemen.regel(
            f"kolom {', '.join(ontbreekt)} ontbreekt in {path.name}; de kopregel (rij 1) heeft: "
            f"{', '.join(repr(h) for h in header if h)}. Pas de kolomnaam aan in "
            f"{koppeling.bestand} of in de kopregel"
        )
    return index


def _waarde(
    cel: Any,
    naam: str,
    kolom: Kolom,
    koppeling: Koppeling,
    catalogus: Catalogus,
    rij: int,
    problemen: _Problemen,
) -> Any:
    """One register cell as a catalogue value (mapped, typed, checked), or None."""
    bron = koppeling.kolommen[naam]
    label = f"kolom '{bron}' ({naam})" if bron != naam else f"kolom '{naam}'"
    if cel is None:
        if not kolom.leeg and naam != "id":
            problemen.rij(f"{label}: lege waarde in rij {{rijen}}; deze kolom is verplicht", rij)
        return None
    tabel = koppeling.waarden.get(naam)
    opzoek = {_sleutel(w): d for w, d in tabel.items()} if tabel else {}
    if naam in koppeling.lijst:
        woorden = [w for w in _tekst(cel).split(koppeling.lijst[naam]) if w.strip()]
    else:
        woorden = [cel]
    uit: list[Any] = []
    for woord in woorden:
        if _sleutel(woord) in opzoek:
            woord = opzoek[_sleutel(woord)]
        waarde, reden = _zet_om(woord, kolom)
        if reden:
            problemen.rij(
                f"{label}: {reden} in rij {{rijen}} (bv. {{voorbeelden}})", rij, _tekst(cel)
            )
            return None
        if isinstance(waarde, str):
            keuzes = _keuzes(kolom, catalogus)
            if keuzes and waarde not in keuzes:
                # accept the catalogue word in another case ("Ontmoeting")
                passend = [k for k in keuzes if k.casefold() == waarde.casefold()]
                if passend:
                    waarde = passend[0]
            if not _past(waarde, kolom, catalogus):
                bekend = sorted(tabel) if tabel else []
                hint = (f"; de koppeling vertaalt: {', '.join(bekend)}" if bekend else "") + (
                    f"; de catalogus kent: {', '.join(keuzes)}" if keuzes else ""
                )
                problemen.rij(
                    f"{label}: onbekende waarde in rij {{rijen}} ({{voorbeelden}}){hint}. "
                    f"Voeg het woord toe onder 'waarden: {naam}:' in {koppeling.bestand}",
                    rij,
                    woord,
                )
                return None
        uit.append(waarde)
    if naam in koppeling.lijst:
        return ";".join(dict.fromkeys(str(w) for w in uit))
    return uit[0] if uit else None


def _prefix(koppeling: Koppeling, path: Path) -> str:
    if koppeling.prefix:
        return koppeling.prefix
    return re.sub(r"[^\w.-]+", "_", path.stem).strip("_") or "register"


def _herkomst(koppeling: Koppeling, path: Path, blad: str | int | None) -> Herkomst:
    bron = koppeling.herkomst.get("bron") or str(
        koppeling.vast.get("bron") or f"Register {path.name}"
    )
    datum = (
        koppeling.herkomst.get("datum") or dt.date.fromtimestamp(path.stat().st_mtime).isoformat()
    )
    licentie = koppeling.herkomst.get("licentie") or (
        "niet opgegeven (gemeentelijk register; vul herkomst.licentie in de koppeling in)"
    )
    excel = path.suffix.lower() in (".xlsx", ".xlsm")
    query = f"{path.name}" + (f", blad {blad}" if excel and blad is not None else "")
    query += f", koppeling {Path(koppeling.bestand).name}"
    if koppeling.met_adres:
        query += ", adressen via PDOK Locatieserver v3.1"
    synthetisch = str(koppeling.herkomst.get("synthetisch", "")).casefold() in _TRUE
    return Herkomst(bron=bron, datum=datum, licentie=licentie, query=query, synthetisch=synthetisch)


def read_register(
    path: str | Path,
    *,
    koppeling: str | Path | Mapping[str, Any] | Koppeling,
    gemeente_vlak: BaseGeometry | gpd.GeoSeries | gpd.GeoDataFrame | None = None,
    sheet: str | int | None = None,
) -> Laag:
    """Read a municipal register (CSV or Excel) into a validated catalogue layer.

    Parameters
    ----------
    path
        The register: ``.csv`` (``;``, ``,`` or tab separated; UTF-8 or Windows-1252) or
        ``.xlsx``. The first row holds the column names.
    koppeling
        The column mapping: a YAML file, a dict of the same structure, or a
        :class:`Koppeling` (see the module docstring and ``wijken/registers/``).
    gemeente_vlak
        The gemeente polygon. Rows outside it are reported. A GeoDataFrame or GeoSeries
        (reprojected to RD) or a shapely geometry in EPSG:28992. With generalised
        boundaries, give some room: ``wijken.dissolve().buffer(100)``.
    sheet
        Excel sheet name or 0-based position; overrides ``blad:`` in the mapping.

    Returns
    -------
    Laag
        ``data`` is the layer in EPSG:28992 indexed by ``id`` (the register's id column, or
        ``<prefix>:<row number>``), with the extra column ``register_rij`` (the spreadsheet row)
        and, for geocoded registers, ``geocode_adres`` and ``geocode_score``.

    Raises
    ------
    GebiedsplanError
        The mapping is not usable (every problem, with its line).
    SchemaError
        Every problem of the register at once, with spreadsheet row numbers: missing columns,
        empty required values, non-numeric numbers, unknown words, coordinates in another
        system than stated or swapped, a mix of RD and degrees, addresses not found, rows
        outside the gemeente.
    BronError
        The file cannot be read, or PDOK Locatieserver cannot be reached.

    Notes
    -----
    Coordinates: with ``crs: auto`` each row is RD when x is 0-300,000 and y 300,000-625,000,
    degrees when lon is 3.2-7.3 and lat 50.7-53.6 (:data:`RD_X`, :data:`RD_Y`,
    :data:`WGS84_LON`, :data:`WGS84_LAT`); a row that fits only with x and y swapped, or fits
    neither, is an error, and so is a register that mixes both systems. A stated ``crs`` is
    checked the same way, so degrees in an RD register (or RD metres in "lat/lon" columns) are
    reported, not reprojected into nonsense.

    Numbers may use a decimal comma (``12,5``); thousands separators are refused (``1.250,5``
    is ambiguous between registers). Words in ``waarden`` match without regard to case or
    surrounding spaces; a catalogue word written in another case (``Ontmoeting``) is accepted.

    Provenance: ``herkomst.bron`` of the mapping, else ``vast.bron``, else "Register <file>";
    ``herkomst.datum``, else the file's modification date; ``herkomst.licentie``, else marked
    "niet opgegeven". A catalogue column ``bron`` that the mapping does not fill gets the
    provenance source; a required column that may be empty (``capaciteit``) and is not mapped
    stays empty.

    Examples
    --------
    >>> from gebiedsplan import settings
    >>> from gebiedsplan.bronnen.register import read_register
    >>> laag = read_register(settings.wijken_dir / "registers" / "arnhem_accommodaties_voorbeeld.csv",
    ...     koppeling=settings.wijken_dir / "registers" / "arnhem_accommodaties.yml")
    >>> laag.data.loc["IAB-003", ["naam", "functies", "status"]].tolist()
    ['Voorbeeld Wijkcentrum Oost (fictief)', 'ontmoeting;welzijn;jeugd_en_gezin', 'in_gebruik']
    >>> laag.herkomst.bron
    'Voorbeeld IAB-register Arnhem (fictief)'
    """
    path = Path(path)
    catalogus = load_catalogus()
    if not isinstance(koppeling, Koppeling):
        koppeling = load_koppeling(koppeling, catalogus=catalogus)
    schema = catalogus.lagen[koppeling.laag]
    blad = sheet if sheet is not None else koppeling.blad
    vlak = _vlak(gemeente_vlak) if gemeente_vlak is not None else None
    header, rows = _read_table(path, blad)
    if not rows:
        raise SchemaError(
            koppeling.laag, str(path), ["het register heeft geen rijen onder de kopregel (rij 1)"]
        )

    problemen = _Problemen()
    index = _kolom_index(header, koppeling, path, problemen)
    waarden: dict[str, dict[int, Any]] = {}
    for naam in koppeling.kolommen:
        if naam not in index:
            continue
        kolom = schema.kolommen.get(naam) or Kolom(naam=naam, type="str")
        waarden[naam] = {
            rij: _waarde(cellen[index[naam]], naam, kolom, koppeling, catalogus, rij, problemen)
            for rij, cellen in rows
        }
    rijnummers = [rij for rij, _ in rows]
    namen = {r: str(v) for r, v in waarden.get("naam", {}).items() if v}

    if "id" in waarden:
        ids = waarden["id"]
        leeg = [r for r in rijnummers if not ids[r]]
        for r in leeg:
            problemen.rij(
                f"kolom '{koppeling.kolommen['id']}' (id): leeg in rij {{rijen}}; elke rij heeft "
                "een eigen id nodig",
                r,
            )
        gezien: dict[str, list[int]] = {}
        for r in rijnummers:
            if ids[r]:
                gezien.setdefault(str(ids[r]), []).append(r)
        for sleutel, rijen in gezien.items():
            if len(rijen) > 1:
                problemen.regel(
                    f"id '{sleutel}' staat in meer dan één rij ({_rijen(rijen)}); ids moeten "
                    "uniek zijn"
                )
        id_per_rij = {r: str(ids[r]) for r in rijnummers}
    else:
        prefix = _prefix(koppeling, path)
        id_per_rij = {r: f"{prefix}:{r}" for r in rijnummers}

    punten: dict[int, tuple[float, float]] = {}
    gevonden: dict[int, tuple[str, float | None]] = {}
    if koppeling.met_adres:
        adres_index = {k: index[f"locatie.{k}"] for k in _ADRES if f"locatie.{k}" in index}
        if all(f"locatie.{k}" in index for k in koppeling.locatie):
            punten, gevonden = _adressen(rows, adres_index, namen, koppeling, problemen)
    elif "locatie.x" in index and "locatie.y" in index:
        punten = _coordinaten(rows, index["locatie.x"], index["locatie.y"], koppeling, problemen)

    if vlak is not None and punten:
        rijen = list(punten)
        binnen = shapely.covers(vlak, shapely.points([punten[r] for r in rijen]))
        for r, erin in zip(rijen, binnen, strict=True):
            if not erin:
                x, y = punten[r]
                naam = f" ({namen[r]})" if namen.get(r) else ""
                problemen.regel(
                    f"rij {r}{naam} ligt buiten de gemeente (RD {x:.0f}, {y:.0f}); "
                    "controleer de coördinaten of het adres, of laat de rij weg"
                )

    if problemen:
        raise SchemaError(koppeling.laag, str(path), problemen.lijst())

    bron_waarde = _herkomst(koppeling, path, blad)
    frame = pd.DataFrame({"id": [id_per_rij[r] for r in rijnummers]})
    for naam, kolom in schema.kolommen.items():
        if naam in waarden:
            values = [waarden[naam][r] for r in rijnummers]
        elif naam in koppeling.vast:
            values = [_zet_om(koppeling.vast[naam], kolom)[0]] * len(rijnummers)
        elif naam == "bron":
            values = [bron_waarde.bron] * len(rijnummers)
        elif kolom.verplicht:  # allowed to be empty (e.g. capaciteit): an empty column
            values = [None] * len(rijnummers)
        else:
            continue
        frame[naam] = pd.Series(values, dtype="object")
    if "bron" in koppeling.vast and "bron" not in schema.kolommen:
        frame["bron"] = str(koppeling.vast["bron"])
    frame["register_rij"] = rijnummers
    if gevonden:
        frame["geocode_adres"] = [gevonden[r][0] for r in rijnummers]
        frame["geocode_score"] = [gevonden[r][1] for r in rijnummers]
    xy = np.array([punten[r] for r in rijnummers], dtype=float)
    gdf = gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]), crs=settings.crs)
    data = validate_laag(gdf, koppeling.laag, bron=str(path), catalogus=catalogus)
    log.info("Register %s: %d rijen in laag '%s'", path.name, len(data), koppeling.laag)
    return Laag(naam=koppeling.laag, data=data, herkomst=bron_waarde)
