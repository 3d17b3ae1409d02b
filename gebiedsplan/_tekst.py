"""Dutch numbers for people, the one formatter of the CLI, the maps, the report and the
summaries: a dot for thousands and a comma for decimals (51.382 and 12,5)."""

from __future__ import annotations

from typing import Any

import pandas as pd


def getal(waarde: Any, decimalen: int = 0, *, leeg: str = "-") -> str:
    """Dutch number: 51.382 and 12,5; a missing value (None, NaN) as ``leeg``.

    The maps mark a missing value with a hyphen (the default), the report with an en dash.

    Examples
    --------
    >>> getal(51382), getal(0.4255, 2), getal(float("nan")), getal(None, leeg="–")
    ('51.382', '0,43', '-', '–')
    """
    if waarde is None or pd.isna(waarde):
        return leeg
    tekst = f"{float(waarde):,.{decimalen}f}"
    return tekst.replace(",", "_").replace(".", ",").replace("_", ".")


def procent(waarde: Any, decimalen: int = 0, *, leeg: str = "-") -> str:
    """A share 0-1 as a Dutch percentage: 0.457 -> '46%'; a missing value as ``leeg``.

    Examples
    --------
    >>> procent(0.457), procent(0.4257, 1), procent(None)
    ('46%', '42,6%', '-')
    """
    if waarde is None or pd.isna(waarde):
        return leeg
    return f"{getal(100 * float(waarde), decimalen)}%"
