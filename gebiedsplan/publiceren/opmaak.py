"""What the maps and the report show a person alike: the colour scales of the gap score and of a
scenario's difference, and the labels of the health indicators (Dutch numbers: :mod:`gebiedsplan._tekst`).

The maps (:mod:`gebiedsplan.kaarten`) and the report (:mod:`gebiedsplan.rapport`) both import
from here, so a gap score of 30 has the same colour on a folium map and on a static map in the
report.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from gebiedsplan._tekst import getal

#: Colour scale of the gap score, shared by every category so maps can be compared.
HIAAT_KLEUREN = ["#1a9850", "#a6d96a", "#fee08b", "#fc8d59", "#d73027"]
HIAAT_GRENZEN = [0, 10, 25, 50, 75, 100]
#: Areas without a value (no residents, suppressed, not computed).
GEEN_WAARDE_KLEUR = "#d9d9d9"
#: Scenario differences: blue = fewer residents outside the norm, red = more.
SCENARIO_KLEUREN = ["#2166ac", "#67a9cf", "#d1e5f0", "#f7f7f7", "#fddbc7", "#ef8a62", "#b2182b"]


def scenario_grenzen(maximum: float) -> list[float]:
    """Class bounds for differences up to ``maximum`` (:data:`SCENARIO_KLEUREN`): 7 classes,
    "no change" in the middle, steps of a round size (1, 2, 2.5 or 5 x 10^k, about a third of
    the maximum) either side.

    Examples
    --------
    >>> scenario_grenzen(1104)
    [-1500.0, -1000.0, -500.0, -0.5, 0.5, 500.0, 1000.0, 1500.0]
    """
    doel = max(float(maximum), 3.0) / 3
    macht = 10 ** math.floor(math.log10(doel))
    stap = float(next(f * macht for f in (1, 2, 2.5, 5, 10) if f * macht >= doel))
    return [-3 * stap, -2 * stap, -stap, -0.5, 0.5, stap, 2 * stap, 3 * stap]


def scenario_klassen(grenzen: Sequence[float]) -> list[tuple[str, str]]:
    """The legend of :func:`scenario_grenzen`: (colour, Dutch text) from most to fewest
    residents outside the norm.

    Examples
    --------
    >>> scenario_klassen(scenario_grenzen(30))[:2]
    [('#b2182b', '+20 of meer'), ('#ef8a62', '+10 tot +20')]
    """
    stap, dubbel = getal(grenzen[5]), getal(grenzen[6])
    return [
        (SCENARIO_KLEUREN[6], f"+{dubbel} of meer"),
        (SCENARIO_KLEUREN[5], f"+{stap} tot +{dubbel}"),
        (SCENARIO_KLEUREN[4], f"+1 tot +{stap}"),
        (SCENARIO_KLEUREN[3], "geen verandering"),
        (SCENARIO_KLEUREN[2], f"-1 tot -{stap}"),
        (SCENARIO_KLEUREN[1], f"-{stap} tot -{dubbel}"),
        (SCENARIO_KLEUREN[0], f"-{dubbel} of meer"),
    ]


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
