"""Building blocks of the report, shared by every section: Dutch numbers (the one formatter,
:mod:`gebiedsplan._tekst`, with a missing value as the report's dash :data:`LEEG`) and dates,
and the records the template draws (:class:`Tabel`, :class:`Sectie`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from gebiedsplan import _tekst

#: Rows of the per-buurt gap table and of the scenario table per wijk.
MAX_RIJEN = 20
#: A missing value in the report (an en dash; the maps write a hyphen).
LEEG = "–"
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


def getal(waarde: Any, decimalen: int = 0) -> str:
    """Dutch number: 1.234,5; missing as the report's dash (:func:`gebiedsplan._tekst.getal`).

    Examples
    --------
    >>> getal(51382), getal(0.4255, 2), getal(float("nan"))
    ('51.382', '0,43', '–')
    """
    return _tekst.getal(waarde, decimalen, leeg=LEEG)


def kort(waarde: Any) -> str:
    """Dutch number with at most two decimals, no trailing zeros: 0,43; 1.000; 2,5.

    Examples
    --------
    >>> kort(0.43), kort(1000), kort(2.5), kort(None)
    ('0,43', '1.000', '2,5', '–')
    """
    tekst = getal(waarde, 2)
    return tekst.rstrip("0").rstrip(",") if "," in tekst else tekst


def aandeel(waarde: Any, decimalen: int = 0) -> str:
    """A share 0-1 as a Dutch percentage; missing as the report's dash.

    Examples
    --------
    >>> aandeel(0.457), aandeel(0.4257, 1), aandeel(float("nan"))
    ('46%', '42,6%', '–')
    """
    return _tekst.procent(waarde, decimalen, leeg=LEEG)


def datum_tekst(dag: dt.date) -> str:
    """A date as the report writes it.

    Examples
    --------
    >>> datum_tekst(dt.date(2026, 11, 24))
    '24 november 2026'
    """
    return f"{dag.day} {_MAANDEN[dag.month - 1]} {dag.year}"


def kolom_getallen(buurten: pd.DataFrame, kolom: str) -> pd.Series:
    """A column as floats; what is no number (a value CBS keeps secret) is missing.

    Examples
    --------
    >>> kolom_getallen(pd.DataFrame({"n": [12, ".", None]}), "n").tolist()
    [12.0, nan, nan]
    """
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
