"""Dutch numbers for people, the one formatter of the CLI, the maps, the report and the
summaries: a dot for thousands and a comma for decimals (51.382 and 12,5)."""

from __future__ import annotations

from typing import Any


def _ontbreekt(waarde: Any) -> bool:
    """None, NaN, ``pd.NA``, ``NaT``: pandas' idea of missing, without importing pandas for
    plain numbers (the command line starts without it)."""
    if waarde is None:
        return True
    if isinstance(waarde, float):
        return waarde != waarde
    if isinstance(waarde, int):
        return False
    import pandas as pd

    return bool(pd.isna(waarde))


def getal(waarde: Any, decimalen: int = 0, *, leeg: str = "-") -> str:
    """Dutch number: 51.382 and 12,5; a missing value (None, NaN) as ``leeg``.

    The maps mark a missing value with a hyphen (the default), the report with an en dash.
    Zero never gets a sign: -0.0 and a small negative value that rounds to zero print as 0.

    Examples
    --------
    >>> getal(51382), getal(0.4255, 2), getal(float("nan")), getal(None, leeg="–")
    ('51.382', '0,43', '-', '–')
    >>> getal(-0.0), getal(-0.004, 2), getal(-0.4), getal(-1.5, 1)
    ('0', '0,00', '0', '-1,5')
    """
    if _ontbreekt(waarde):
        return leeg
    afgerond = round(float(waarde), decimalen)
    if afgerond == 0:
        afgerond = 0.0  # no "-0" or "-0,00"
    tekst = f"{afgerond:,.{decimalen}f}"
    return tekst.replace(",", "_").replace(".", ",").replace("_", ".")


def procent(waarde: Any, decimalen: int = 0, *, leeg: str = "-") -> str:
    """A share 0-1 as a Dutch percentage: 0.457 -> '46%'; a missing value as ``leeg``.

    Examples
    --------
    >>> procent(0.457), procent(0.4257, 1), procent(None), procent(-0.001)
    ('46%', '42,6%', '-', '0%')
    """
    if _ontbreekt(waarde):
        return leeg
    return f"{getal(100 * float(waarde), decimalen)}%"
