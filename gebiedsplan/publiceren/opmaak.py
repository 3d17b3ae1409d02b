"""What the maps and the report show a person alike: the colour scale of the gap score and the
labels of the health indicators (Dutch numbers: :mod:`gebiedsplan._tekst`).

The maps (:mod:`gebiedsplan.kaarten`) and the report (:mod:`gebiedsplan.rapport`) both import
from here, so a gap score of 30 has the same colour on a folium map and on a static map in the
report.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

#: Colour scale of the gap score, shared by every category so maps can be compared.
HIAAT_KLEUREN = ["#1a9850", "#a6d96a", "#fee08b", "#fc8d59", "#d73027"]
HIAAT_GRENZEN = [0, 10, 25, 50, 75, 100]
#: Areas without a value (no residents, suppressed, not computed).
GEEN_WAARDE_KLEUR = "#d9d9d9"


def klasse(waarde: float | None, grenzen: Sequence[float], kleuren: Sequence[str]) -> str:
    """The colour of the class that ``waarde`` falls in: class ``i`` runs from ``grenzen[i]``
    up to (not including) ``grenzen[i + 1]``; values below or above the bounds get the first or
    last colour, a missing value :data:`GEEN_WAARDE_KLEUR`.

    Examples
    --------
    >>> klasse(10, HIAAT_GRENZEN, HIAAT_KLEUREN) == HIAAT_KLEUREN[1]
    True
    >>> klasse(float("nan"), HIAAT_GRENZEN, HIAAT_KLEUREN) == GEEN_WAARDE_KLEUR
    True
    """
    if waarde is None or pd.isna(waarde):
        return GEEN_WAARDE_KLEUR
    i = int(np.searchsorted(np.asarray(grenzen[1:-1], dtype=float), float(waarde), side="right"))
    return kleuren[min(max(i, 0), len(kleuren) - 1)]


def indicator_labels() -> dict[str, str]:
    """Dutch labels of the health indicators, from ``gezondheid.indicatoren`` in ``cbs.yml``
    (an indicator without a ``label`` keeps its own name; one not listed gets no label, and
    callers show its name).

    Raises
    ------
    GebiedsplanError
        When ``cbs.yml`` is missing or invalid (:func:`load_cbs_config`, which names the file
        and the fix): the maps and the report do not quietly fall back to bare names.

    Examples
    --------
    >>> indicator_labels()["eenzaam"]
    'Eenzaam'
    """
    from gebiedsplan.catalogus import load_cbs_config

    spec = load_cbs_config().get("gezondheid", {}).get("indicatoren", {})
    return {k: str(v.get("label", k)) for k, v in spec.items()}
