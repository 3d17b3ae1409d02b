"""Building blocks of the report, shared by every section: Dutch numbers (as the maps write
them, :mod:`gebiedsplan.publiceren.opmaak`, but a missing value as '–') and dates, and the
records the template draws (:class:`Tabel`, :class:`Sectie`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from gebiedsplan._tekst import getal, procent

#: Rows of the per-buurt gap table and of the scenario table per wijk.
MAX_RIJEN = 20
_LEEG = "–"
_MAANDEN = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)


def _getal(waarde: Any, decimalen: int = 0) -> str:
    """Dutch number: 1.234,5; missing as the report's dash (:func:`gebiedsplan._tekst.getal`).

    Examples
    --------
    >>> _getal(51382), _getal(0.4255, 2), _getal(float("nan"))
    ('51.382', '0,43', '–')
    """
    return getal(waarde, decimalen, leeg=_LEEG)


def _kort(waarde: Any) -> str:
    """Dutch number with at most two decimals, no trailing zeros: 0,43; 1.000; 2,5."""
    tekst = _getal(waarde, 2)
    return tekst.rstrip("0").rstrip(",") if "," in tekst else tekst


def _aandeel(waarde: Any, decimalen: int = 0) -> str:
    """A share 0-1 as a Dutch percentage: 0.457 -> '46%'; missing as the report's dash."""
    return procent(waarde, decimalen, leeg=_LEEG)


def _datum(dag: dt.date) -> str:
    """'24 november 2026'."""
    return f"{dag.day} {_MAANDEN[dag.month - 1]} {dag.year}"


def _numbers(buurten: pd.DataFrame, kolom: str) -> pd.Series:
    return pd.to_numeric(buurten[kolom], errors="coerce").astype(float)


@dataclass(frozen=True)
class Tabel:
    """A table as the template draws it: every cell already a Dutch string."""

    id: str
    koppen: Sequence[str]
    rijen: Sequence[Sequence[str]]
    #: column numbers that hold numbers (right-aligned)
    getallen: frozenset[int] = frozenset()
    #: one key per row (category code, buurtcode, layer name), as ``data-sleutel``
    sleutels: Sequence[str] = ()
    onderschrift: str = ""
    #: row numbers to emphasise (e.g. wijken of the gebied in the scenario table)
    nadruk: frozenset[int] = frozenset()
    #: CSS class of the table ("bronnen": long words such as file paths may break anywhere)
    klasse: str = ""
    #: per row a line of small print under it, over the full width (e.g. the query of a layer)
    toelichting: Sequence[str] = ()


@dataclass
class Sectie:
    """A section of the report: its blocks in order, each ``("tekst", str)``, ``("kop", str)``
    (a sub-heading) or ``("tabel", Tabel)``."""

    id: str
    titel: str
    blokken: list[tuple[str, Any]] = field(default_factory=list)

    def tekst(self, alinea: str) -> None:
        self.blokken.append(("tekst", alinea))

    def kop(self, kop: str) -> None:
        self.blokken.append(("kop", kop))

    def tabel(self, tabel: Tabel) -> None:
        self.blokken.append(("tabel", tabel))
