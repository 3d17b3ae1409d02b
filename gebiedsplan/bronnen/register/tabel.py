"""A register as read: its header and rows (CSV or Excel), its cells as catalogue values, and
the problems found, grouped by kind with the spreadsheet rows where they occur.

Row numbers are the ones people see in Excel: the header is row 1, the first register row is
row 2.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import math
import re
from pathlib import Path
from typing import Any

from gebiedsplan._getallen import AUTO, Notatie, parse_getal
from gebiedsplan._io import check_bestand
from gebiedsplan._validate import JA, NEE
from gebiedsplan.catalogus import Kolom
from gebiedsplan.errors import BronError

log = logging.getLogger(__name__)

_MAX_RIJEN = 20
_MAX_REGELS = 50
_CSV_SCHEIDINGEN = ";,\t|"


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


def _decode(path: Path, data: bytes) -> str:
    """The text of a CSV register: UTF-8 (with or without byte order mark), UTF-16 with a byte
    order mark (Excel "Unicode-tekst"), else Windows-1252 (Excel "CSV (gescheiden door
    lijstscheidingsteken)")."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as exc:
        rij = data[: exc.start].count(b"\n") + 1
        raise BronError(
            f"Register {path}, rij {rij}: geen tekst in UTF-8 of Windows-1252 (byte "
            f"0x{data[exc.start]:02x}). Sla het register op als 'CSV UTF-8' of als Excel-werkmap "
            "(.xlsx)."
        ) from None
    log.info("Register %s gelezen als Windows-1252 (geen UTF-8)", path)
    return text


def _read_csv(
    path: Path, data: bytes | None = None
) -> tuple[list[str], list[tuple[int, list[Any]]]]:
    text = _decode(path, path.read_bytes() if data is None else data)
    if "\x00" in text:
        raise BronError(
            f"Register {path} is geen tekstbestand (het bevat nul-bytes); is het een ander "
            "bestandstype met de naam .csv? Sla het register op als 'CSV UTF-8' of als "
            "Excel-werkmap (.xlsx)."
        )
    eerste = text.splitlines()[0] if text.strip() else ""
    scheiding = max(_CSV_SCHEIDINGEN, key=eerste.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=scheiding)
    try:
        rows = list(reader)
    except csv.Error as exc:
        raise BronError(
            f"Register {path}, rij {reader.line_num}: geen geldige CSV ({exc}). Controleer de "
            "aanhalingstekens in die rij, of sla het register opnieuw op."
        ) from None
    if not rows:
        return [], []
    header = rows[0]
    body = [(i, row) for i, row in enumerate(rows[1:], start=2)]
    _check_cellen(path, body, n=len(header), scheiding=scheiding)
    return header, [(i, row[: len(header)]) for i, row in body]


def _check_cellen(path: Path, body: list[tuple[int, list[str]]], *, n: int, scheiding: str) -> None:
    """Every non-empty CSV row has as many cells as the header (empty cells past the end are
    ignored): a row with fewer or more cells has its values under the wrong columns."""
    afwijkend = [
        (i, len(row))
        for i, row in body
        if any(c.strip() for c in row) and (len(row) < n or any(c.strip() for c in row[n:]))
    ]
    if not afwijkend:
        return
    teken = "tab" if scheiding == "\t" else f"'{scheiding}'"
    leeg = "tab tab" if scheiding == "\t" else scheiding * 2
    rijen = ", ".join(
        f"rij {i} heeft {m} {'cel' if m == 1 else 'cellen'}" for i, m in afwijkend[:_MAX_RIJEN]
    )
    meer = f" … en {len(afwijkend) - _MAX_RIJEN} rijen meer" if len(afwijkend) > _MAX_RIJEN else ""
    raise BronError(
        f"Register {path}: {rijen}{meer}, de kopregel {n} kolommen (scheidingsteken {teken}). "
        "Een rij met te weinig of te veel cellen zet waarden onder de verkeerde kolom. Vul de "
        f"ontbrekende cellen aan (ook lege: {leeg}), zet een tekst met "
        f"{teken} tussen aanhalingstekens, of sla het register opnieuw op vanuit Excel."
    )


def _read_excel(
    path: Path, blad: str | int | None
) -> tuple[list[str], list[tuple[int, list[Any]]]]:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken file
        raise BronError(
            f"Register {path} is geen leesbaar Excel-bestand (.xlsx): {exc}. Open het in Excel "
            "en sla het op als Excel-werkmap (.xlsx), of als 'CSV UTF-8'."
        ) from None
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


def read_table(path: Path, blad: str | int | None) -> tuple[list[str], list[tuple[int, list[Any]]]]:
    """Header and (spreadsheet row number, cells) of every non-empty row.

    Raises a :class:`~gebiedsplan.errors.BronError` naming the file, the rows and the fix for a
    file that is missing, a folder, empty (0 bytes), not text, or (CSV) has rows with fewer or
    more cells than the header."""
    check_bestand(path, wat="Register")
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
    return _schoon(header, rows)


def _schoon(
    header: list[str], rows: list[tuple[int, list[Any]]]
) -> tuple[list[str], list[tuple[int, list[Any]]]]:
    header = [str(h).strip().lstrip("\ufeff") for h in header]
    cleaned = [(n, [_cel(v) for v in row]) for n, row in rows]
    return header, [(n, row) for n, row in cleaned if any(v is not None for v in row)]


def read_csv_bytes(data: bytes, naam: str | Path) -> tuple[list[str], list[tuple[int, list[Any]]]]:
    """Header and rows of a CSV that an online source returned (a national register), read as
    :func:`read_table` reads a CSV file: separator from the header row, UTF-8 or
    Windows-1252, every row as long as the header.

    Examples
    --------
    >>> read_csv_bytes("Naam;Soort\\nDe Linde;Basisschool\\n".encode("cp1252"), "x.csv")
    (['Naam', 'Soort'], [(2, ['De Linde', 'Basisschool'])])
    """
    if not data:
        raise BronError(f"{naam} is leeg (0 bytes): de bron gaf geen gegevens terug.")
    return _schoon(*_read_csv(Path(naam), data))


def zoekvorm(woord: Any) -> str:
    """Lookup form of a register word: trimmed, single spaces, case-folded."""
    return re.sub(r"\s+", " ", str(woord)).strip().casefold()


def als_tekst(value: Any) -> str:
    """A cell as text: single spaces, whole numbers without ``.0``, dates in ISO form."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel turns 12 into 12.0
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return re.sub(r"\s+", " ", str(value)).strip()


def als_getal(value: Any, notatie: Notatie = AUTO) -> float | None:
    """A number from a cell, or None when it is not one or cannot be read without doubt
    (:func:`gebiedsplan._getallen.parse_getal`: ``12,5`` and ``1.250,5`` are read, ``1.250``
    is refused unless the koppeling declares the notation)."""
    getal, _ = parse_getal(value, notatie)
    return getal


def zet_om(value: Any, kolom: Kolom, *, notatie: Notatie = AUTO) -> tuple[Any, str | None]:
    """Convert one non-empty cell to the column type; (value, None) or (None, reason).

    The reason is ``geen getal`` for a cell that is no number at all, else the phrase of
    :func:`gebiedsplan._getallen.parse_getal` (``is dubbelzinnig: ...``, ``past niet bij de
    notatie ...``) that follows the value as written."""
    if kolom.type == "str":
        return als_tekst(value), None
    if kolom.type in ("int", "float"):
        getal, probleem = parse_getal(value, notatie)
        if probleem is not None and probleem != "is geen getal":
            return None, probleem
        if getal is None or not math.isfinite(getal):
            return None, "geen getal"
        if kolom.type == "int" and not getal.is_integer():
            return None, "geen geheel getal"
        if kolom.min is not None and getal < kolom.min:
            return None, f"kleiner dan {kolom.min:g}"
        if kolom.max is not None and getal > kolom.max:
            soort = {1: " (een aandeel 0-1, geen percentage)", 100: " (een percentage 0-100)"}
            return None, f"groter dan {kolom.max:g}{soort.get(int(kolom.max), '')}"
        return (int(getal) if kolom.type == "int" else getal), None
    text = zoekvorm(value)
    if isinstance(value, bool):
        return value, None
    if text in JA:
        return True, None
    if text in NEE:
        return False, None
    return None, "geen ja/nee"


class Problemen:
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
            tekst = soort.replace("{rijen}", rijen_tekst(rijen))
            if voorbeelden and "{voorbeelden}" in tekst:
                shown = ", ".join(f"'{v}'" for v in voorbeelden[:5])
                tekst = tekst.replace(
                    "{voorbeelden}", shown + (" …" if len(voorbeelden) > 5 else "")
                )
            out.append(tekst)
        return out


def rijen_tekst(rijen: list[int]) -> str:
    """'2, 5, 9' style listing of spreadsheet rows, capped ('… en 4 meer')."""
    shown = ", ".join(str(r) for r in rijen[:_MAX_RIJEN])
    more = len(rijen) - _MAX_RIJEN
    return shown + (f" … en {more} meer" if more > 0 else "")
