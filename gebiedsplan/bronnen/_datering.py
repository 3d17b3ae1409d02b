"""What moment a file describes: the year in its data or its name, else the file's date.

The date a file was downloaded or imported (``Herkomst.datum``) says nothing about the moment
its data describe (``Herkomst.peildatum``) or the indeling its codes follow
(``Herkomst.indeling``): a 2022 buurt file downloaded in 2026 describes 2022. These helpers
find that year where the data or the file name say it, and say where they found it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

#: A year 1900-2099 not glued to other digits: ``kwb2024``, ``buurten_2022_v1``, not ``20240601``.
_JAAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")


def jaar_in_naam(path: str | Path) -> int | None:
    """The one year the file name holds, or None (no year, or more than one).

    Examples
    --------
    >>> jaar_in_naam("arnhem_buurten_2022_generalised.gpkg"), jaar_in_naam("osm_geofabrik2018.gpkg")
    (2022, 2018)
    >>> jaar_in_naam("wijken_2022_2024.gpkg") is None, jaar_in_naam("export_20240601.csv") is None
    (True, True)
    """
    jaren = {int(j) for j in _JAAR.findall(Path(path).name)}
    return jaren.pop() if len(jaren) == 1 else None


def jaar_in_kolom(frame: pd.DataFrame, kolommen: Sequence[str]) -> tuple[int, str] | None:
    """The one year of the first of ``kolommen`` the frame has with one year in it (e.g. the
    ``jaarcode`` of the Wijk- en Buurtkaart), and that column; else None."""
    for kolom in kolommen:
        if kolom in frame.columns:
            jaren = pd.to_numeric(frame[kolom], errors="coerce").dropna().unique()
            if len(jaren) == 1 and 1900 <= int(jaren[0]) <= 2099:
                return int(jaren[0]), kolom
    return None


def bestand_datum(path: str | Path) -> str:
    """Date (ISO) of a file: when it was downloaded or last changed."""
    return dt.date.fromtimestamp(Path(path).stat().st_mtime).isoformat()
