"""The one reader of numbers written as text: registers, CSV files from StatLine and RIVM.

Dutch and international files write the same number differently: ``1.250,5`` and
``1,250.5``; ``2.000`` is two thousand in one and two in the other. A number is read with a
*notation* (:class:`Notatie`): its decimal mark (``,`` or ``.``) and its thousands separator
(``.``, ``,``, a space, or none).

- **Declared** (``getallen:`` in a register's koppeling, ``--getallen`` at ``importeer``): every
  value is read by that notation and nothing else; a value that does not fit it is refused.
- **Not declared** (:data:`AUTO`, the default everywhere): a value is read by each notation in
  use (decimal comma with thousands dots or spaces, decimal point with thousands commas or
  spaces; each also without thousands separator). When every reading that fits gives the same
  number, that is the number (``12,5``, ``4606.0``, ``1.234,5``, ``1250``). When two readings
  give different numbers (``2.000``: 2000 or 2; ``1.250``; ``12,345``), the value is
  *ambiguous* and refused, with both readings and the fix; it is never guessed or rescaled.

A grouped number has groups of exactly three digits after a first group of one to three that
does not start with 0 (``0.250`` is never a thousands-grouped number). An exponent
(``1.5e3``) is read only with a decimal point.

:func:`parse_getal` reads one value, :func:`parse_getallen` a column; both return the problem
as text for the caller to place (file, row, column) and to complete with how the notation is
declared there (:attr:`Notatie.opgeven`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from gebiedsplan.errors import GebiedsplanError

#: Names of the thousands separators in messages.
_NAAM = {".": "punt", ",": "komma", " ": "spatie"}
#: Notations by name, for the command line and a short ``getallen:`` in a koppeling.
NAMEN: dict[str, tuple[str | None, str | None]] = {
    "auto": (None, None),
    "nl": (",", "."),
    "komma": (",", None),
    "punt": (".", None),
    "internationaal": (".", ","),
}
#: The notations an undeclared value is read with (each also accepts ungrouped numbers).
_IN_GEBRUIK: tuple[tuple[str, str], ...] = ((",", "."), (".", ","), (",", " "), (".", " "))


@dataclass(frozen=True)
class Notatie:
    """How the numbers of a file are written.

    Attributes
    ----------
    decimaal
        ``","`` or ``"."``; None for :data:`AUTO` (not declared).
    duizendtal
        ``"."``, ``","``, ``" "`` or None (no thousands separator).
    opgeven
        How this source declares its notation, for the fix in messages (e.g. "zet in de
        koppeling x.yml: getallen: {decimaal: ',', duizendtal: '.'}").
    """

    decimaal: str | None = None
    duizendtal: str | None = None
    opgeven: str = "geef de notatie van de getallen op"

    @property
    def auto(self) -> bool:
        """True when the notation is not declared (every value read the one way it can be)."""
        return self.decimaal is None

    def tekst(self) -> str:
        """The notation in words, for messages.

        Examples
        --------
        >>> Notatie(",", ".").tekst()
        'decimaalteken komma, punt tussen duizendtallen'
        >>> AUTO.tekst()
        'niet opgegeven'
        """
        if self.decimaal is None:
            return "niet opgegeven"
        duizend = (
            f"{_NAAM[self.duizendtal]} tussen duizendtallen"
            if self.duizendtal
            else "geen scheiding tussen duizendtallen"
        )
        return f"decimaalteken {_NAAM[self.decimaal]}, {duizend}"


#: Not declared: each value is read the one way it can be read; ambiguous values are refused.
AUTO = Notatie()


def notatie_uit(spec: Any, *, waar: str, opgeven: str | None = None) -> Notatie:
    """A notation from a koppeling's ``getallen:`` or the ``--getallen`` option.

    ``spec`` is a name (``auto``, ``nl`` = decimal comma and thousands dot, ``komma``,
    ``punt``, ``internationaal`` = decimal point and thousands comma) or a mapping
    ``{decimaal: "," | ".", duizendtal: "." | "," | " " | geen}`` (``duizendtal`` default
    ``geen``). ``waar`` names the place in messages.

    Raises
    ------
    GebiedsplanError
        For anything else, naming ``waar`` and the choices.

    Examples
    --------
    >>> notatie_uit({"decimaal": ",", "duizendtal": "."}, waar="x.yml").tekst()
    'decimaalteken komma, punt tussen duizendtallen'
    >>> notatie_uit("punt", waar="--getallen").duizendtal is None
    True
    """
    keuzes = (
        f"kies {', '.join(NAMEN)}, of {{decimaal: ',' of '.', duizendtal: '.', ',', ' ' of geen}}"
    )
    if spec is None:
        return replace(AUTO, opgeven=opgeven or AUTO.opgeven)
    if isinstance(spec, str):
        naam = spec.strip().casefold()
        if naam not in NAMEN:
            raise GebiedsplanError(f"{waar}: onbekende notatie van getallen {spec!r}; {keuzes}.")
        decimaal, duizendtal = NAMEN[naam]
    elif isinstance(spec, Mapping):
        onbekend = sorted(set(map(str, spec)) - {"decimaal", "duizendtal"})
        decimaal = spec.get("decimaal")
        duizendtal = spec.get("duizendtal")
        if isinstance(duizendtal, str) and duizendtal.strip().casefold() in ("geen", ""):
            duizendtal = None if duizendtal != " " else " "
        if (
            onbekend
            or decimaal not in (",", ".")
            or duizendtal not in (".", ",", " ", None)
            or decimaal == duizendtal
        ):
            raise GebiedsplanError(
                f"{waar}: getallen {dict(spec)!r} is geen notatie"
                + (f" (onbekend veld {', '.join(onbekend)})" if onbekend else "")
                + (
                    "; decimaalteken en duizendtal-scheiding moeten verschillen"
                    if decimaal is not None and decimaal == duizendtal
                    else ""
                )
                + f"; {keuzes}."
            )
    else:
        raise GebiedsplanError(f"{waar}: getallen {spec!r} is geen notatie; {keuzes}.")
    return Notatie(decimaal, duizendtal, opgeven=opgeven or AUTO.opgeven)


def _patroon(decimaal: str, duizendtal: str | None) -> re.Pattern[str]:
    d = re.escape(decimaal)
    geheel = r"\d+"
    if duizendtal is not None:
        geheel = rf"(?:[1-9]\d{{0,2}}(?:{re.escape(duizendtal)}\d{{3}})+|\d+)"
    exponent = r"(?:[eE][+-]?\d+)?" if decimaal == "." else ""
    return re.compile(rf"^[+-]?(?:{geheel}(?:{d}\d+)?|{d}\d+){exponent}$")


_PATRONEN = {(d, t): _patroon(d, t) for d in (",", ".") for t in (None, ".", ",", " ") if d != t}


def _lees(tekst: str, decimaal: str, duizendtal: str | None) -> float | None:
    """The number ``tekst`` is in one notation, or None when it does not fit."""
    if not _PATRONEN[(decimaal, duizendtal)].match(tekst):
        return None
    if duizendtal is not None:
        tekst = tekst.replace(duizendtal, "")
    return float(tekst.replace(decimaal, "."))


def _schoon(waarde: Any) -> str:
    """Text of a cell: stripped, no-break and narrow spaces as spaces, the minus sign as '-'."""
    tekst = str(waarde).strip()
    for teken in ("\u00a0", "\u202f", "\u2009"):
        tekst = tekst.replace(teken, " ")
    return tekst.replace("\u2212", "-")


def _als(getal: float, decimaal: str) -> str:
    """A reading in messages: plain digits, its decimal mark as in the reading (12,345)."""
    tekst = f"{getal:.15g}"
    return tekst.replace(".", decimaal) if "e" not in tekst else tekst


def parse_getal(waarde: Any, notatie: Notatie = AUTO) -> tuple[float | None, str | None]:
    """One value as a number: ``(number, None)``, ``(None, None)`` when empty, or
    ``(None, problem)``: what is wrong and the fix, a phrase to follow the value as written
    (``'2.000' is dubbelzinnig: ...``), placed by the caller with file, row and column.

    Numbers (from Excel cells or typed columns) are taken as they are; text is read by the
    notation: strictly when declared, else each of the notations in use must agree (see the
    module docstring).

    Examples
    --------
    >>> parse_getal("12,5"), parse_getal("1.234,5"), parse_getal("4606.0")
    ((12.5, None), (1234.5, None), (4606.0, None))
    >>> getal, probleem = parse_getal("2.000")
    >>> getal is None, probleem.split(";")[0]
    (True, 'is dubbelzinnig: 2000 met een punt tussen duizendtallen, of 2 met een decimale punt')
    >>> parse_getal("2.000", Notatie(",", "."))
    (2000.0, None)
    >>> parse_getal("1,5", Notatie(".", None))[1].split(";")[0]
    'past niet bij de notatie van deze bron (decimaalteken punt, geen scheiding tussen duizendtallen)'
    """
    if waarde is None:
        return None, None
    if isinstance(waarde, bool | np.bool_):
        return None, "is geen getal"
    if isinstance(waarde, int | float | np.integer | np.floating):
        getal = float(waarde)
        if math.isnan(getal):
            return None, None
        if not math.isfinite(getal):
            return None, "is geen eindig getal"
        return getal, None
    tekst = _schoon(waarde)
    if not tekst:
        return None, None
    if not notatie.auto:
        assert notatie.decimaal is not None
        gelezen = _lees(tekst, notatie.decimaal, notatie.duizendtal)
        if gelezen is not None:
            return gelezen, None
        if _lezingen(tekst):
            return None, (
                f"past niet bij de notatie van deze bron ({notatie.tekst()}); schrijf het getal "
                f"in die notatie, of pas de notatie aan ({notatie.opgeven})"
            )
        return None, "is geen getal"
    lezingen = _lezingen(tekst)
    if not lezingen:
        return None, "is geen getal"
    waarden = sorted(set(lezingen.values()))
    if len(waarden) == 1:
        return waarden[0], None
    return None, _dubbelzinnig(tekst, lezingen, notatie)


def _lezingen(tekst: str) -> dict[tuple[str, str], float]:
    """Every reading of ``tekst`` in the notations in use, by (decimal mark, separator)."""
    uit = {}
    for decimaal, duizendtal in _IN_GEBRUIK:
        getal = _lees(tekst, decimaal, duizendtal)
        if getal is not None and math.isfinite(getal):
            uit[(decimaal, duizendtal)] = getal
    return uit


def _dubbelzinnig(tekst: str, lezingen: Mapping[tuple[str, str], float], notatie: Notatie) -> str:
    """The message for a value with two readings: both, and the fix."""
    delen = []
    gezien: set[float] = set()
    for (decimaal, duizendtal), getal in sorted(lezingen.items(), key=lambda kv: -kv[1]):
        if getal in gezien:
            continue
        gezien.add(getal)
        if duizendtal in tekst:
            delen.append(
                f"{_als(getal, decimaal)} met een {_NAAM[duizendtal]} tussen duizendtallen"
            )
        else:
            soort = "decimale punt" if decimaal == "." else "decimaalkomma"
            delen.append(f"{_als(getal, decimaal)} met een {soort}")
    groot, klein = _als(max(lezingen.values()), ","), _als(min(lezingen.values()), ",")
    eenduidig = set(_lezingen(klein).values()) == {min(lezingen.values())}
    return (
        f"is dubbelzinnig: {', of '.join(delen)}; is {groot} bedoeld, schrijf het "
        f"zonder scheiding tussen duizendtallen ({groot}); is {klein} bedoeld, "
        + (f"schrijf {klein} of {notatie.opgeven}" if eenduidig else notatie.opgeven)
    )


def parse_getallen(
    waarden: Iterable[Any], notatie: Notatie = AUTO
) -> tuple[np.ndarray, dict[int, str]]:
    """A column of values as numbers: a float array (NaN where empty or refused) and the
    problem of every refused value by position (0-based), as :func:`parse_getal` gives it.

    Examples
    --------
    >>> getallen, problemen = parse_getallen(["1605", "12,5", "", "2.000"])
    >>> getallen.tolist()[:3], sorted(problemen)
    ([1605.0, 12.5, nan], [3])
    """
    uit: list[float] = []
    problemen: dict[int, str] = {}
    for i, waarde in enumerate(waarden):
        getal, probleem = parse_getal(waarde, notatie)
        if probleem is not None:
            problemen[i] = probleem
        uit.append(np.nan if getal is None else getal)
    return np.asarray(uit, dtype="float64"), problemen
