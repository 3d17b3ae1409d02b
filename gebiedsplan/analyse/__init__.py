"""Analyses: what the engine's distances and counts mean for the residents of a gemeente.

- :mod:`~gebiedsplan.analyse.run`: :func:`run_analyse`, one call from a gemeente to all of its
  results (:class:`Analyse`);
- :mod:`~gebiedsplan.analyse.bereikbaarheid`: distances and counts per demand point against
  the norms, and their population-weighted aggregates per area;
- :mod:`~gebiedsplan.analyse.hiaten`: the gap tables per wijk, buurt and gebied, built from
  the additive sums of :mod:`~gebiedsplan.analyse.hiaatsommen`, with who was analysed and
  scores withheld where too few were;
- :mod:`~gebiedsplan.analyse.volledigheid`: whether each facility layer looks complete against
  national figures, and the facilities too far from the network to take part;
- :mod:`~gebiedsplan.analyse.capaciteit`: reachable capacity (2SFCA / E2SFCA);
- :mod:`~gebiedsplan.analyse.gelijkheid`: equity of access (Gini, Palma);
- :mod:`~gebiedsplan.analyse.groen`: green share per area (:class:`Groenaandeel`, carried by
  :class:`Analyse`);
- :mod:`~gebiedsplan.analyse.voorzieningbereik`: the reach of one facility (the streets, the
  area and the residents within its norm, a :class:`Voorzieningbereik`);
- :mod:`~gebiedsplan.analyse.profielen`: profiles of candidate areas for wijknetwerken;
- :mod:`~gebiedsplan.analyse.scenario`: what if an accommodation closes or opens, or a housing
  programme comes (answered incrementally by ``_scenario_incrementeel``);
- :mod:`~gebiedsplan.analyse.locatiekeuze`: where a new facility covers most residents.

Analyses never download and never draw: they read a loaded :class:`~gebiedsplan.gemeente.Gemeente`
and return tables and results that the products (maps, report, exports) show as they are.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from gebiedsplan._lui import lui

if TYPE_CHECKING:
    from gebiedsplan.analyse.bereikbaarheid import aggregate_bereikbaarheid, compute_bereikbaarheid
    from gebiedsplan.analyse.capaciteit import compute_2sfca, compute_vraag
    from gebiedsplan.analyse.gelijkheid import compute_gelijkheid, gini, palma
    from gebiedsplan.analyse.groen import Groenaandeel, compute_groen, compute_groen_aandeel
    from gebiedsplan.analyse.hiaten import (
        compute_gap_table,
        compute_hiaten,
        gap_score,
        rank_by,
        rerank,
        sociale_basis_profiel,
        summarize_dekking,
        worst_per_category,
    )
    from gebiedsplan.analyse.locatiekeuze import Locatiekeuze, choose_locaties
    from gebiedsplan.analyse.profielen import compute_profielen
    from gebiedsplan.analyse.run import Analyse, analysed_categories, count_dekking, run_analyse
    from gebiedsplan.analyse.scenario import (
        Scenario,
        ScenarioError,
        ScenarioResultaat,
        apply_scenario,
        compare_scenario,
        load_scenario,
    )
    from gebiedsplan.analyse.vloeroppervlak import compute_vloeroppervlak, vloernormen_tabel
    from gebiedsplan.analyse.volledigheid import compute_volledigheid, unattached_facilities
    from gebiedsplan.analyse.voorzieningbereik import Voorzieningbereik, compute_voorzieningbereik

#: Where each public name lives: imported from there on first use (:func:`__getattr__`), so
#: importing one module of this package does not import all of them.
_WAAR: dict[str, str] = {
    "Analyse": "gebiedsplan.analyse.run",
    "Groenaandeel": "gebiedsplan.analyse.groen",
    "Locatiekeuze": "gebiedsplan.analyse.locatiekeuze",
    "Scenario": "gebiedsplan.analyse.scenario",
    "ScenarioError": "gebiedsplan.analyse.scenario",
    "ScenarioResultaat": "gebiedsplan.analyse.scenario",
    "Voorzieningbereik": "gebiedsplan.analyse.voorzieningbereik",
    "aggregate_bereikbaarheid": "gebiedsplan.analyse.bereikbaarheid",
    "analysed_categories": "gebiedsplan.analyse.run",
    "apply_scenario": "gebiedsplan.analyse.scenario",
    "choose_locaties": "gebiedsplan.analyse.locatiekeuze",
    "compare_scenario": "gebiedsplan.analyse.scenario",
    "compute_2sfca": "gebiedsplan.analyse.capaciteit",
    "compute_bereikbaarheid": "gebiedsplan.analyse.bereikbaarheid",
    "compute_gap_table": "gebiedsplan.analyse.hiaten",
    "compute_gelijkheid": "gebiedsplan.analyse.gelijkheid",
    "compute_groen": "gebiedsplan.analyse.groen",
    "compute_groen_aandeel": "gebiedsplan.analyse.groen",
    "compute_hiaten": "gebiedsplan.analyse.hiaten",
    "compute_profielen": "gebiedsplan.analyse.profielen",
    "compute_vloeroppervlak": "gebiedsplan.analyse.vloeroppervlak",
    "compute_volledigheid": "gebiedsplan.analyse.volledigheid",
    "compute_voorzieningbereik": "gebiedsplan.analyse.voorzieningbereik",
    "compute_vraag": "gebiedsplan.analyse.capaciteit",
    "count_dekking": "gebiedsplan.analyse.run",
    "gap_score": "gebiedsplan.analyse.hiaten",
    "gini": "gebiedsplan.analyse.gelijkheid",
    "load_scenario": "gebiedsplan.analyse.scenario",
    "palma": "gebiedsplan.analyse.gelijkheid",
    "rank_by": "gebiedsplan.analyse.hiaten",
    "rerank": "gebiedsplan.analyse.hiaten",
    "run_analyse": "gebiedsplan.analyse.run",
    "sociale_basis_profiel": "gebiedsplan.analyse.hiaten",
    "summarize_dekking": "gebiedsplan.analyse.hiaten",
    "unattached_facilities": "gebiedsplan.analyse.volledigheid",
    "vloernormen_tabel": "gebiedsplan.analyse.vloeroppervlak",
    "worst_per_category": "gebiedsplan.analyse.hiaten",
}

__all__ = [
    "Analyse",
    "Groenaandeel",
    "Locatiekeuze",
    "Scenario",
    "ScenarioError",
    "ScenarioResultaat",
    "Voorzieningbereik",
    "aggregate_bereikbaarheid",
    "analysed_categories",
    "apply_scenario",
    "choose_locaties",
    "compare_scenario",
    "compute_2sfca",
    "compute_bereikbaarheid",
    "compute_gap_table",
    "compute_gelijkheid",
    "compute_groen",
    "compute_groen_aandeel",
    "compute_hiaten",
    "compute_profielen",
    "compute_vloeroppervlak",
    "compute_volledigheid",
    "compute_voorzieningbereik",
    "compute_vraag",
    "count_dekking",
    "gap_score",
    "gini",
    "load_scenario",
    "palma",
    "rank_by",
    "rerank",
    "run_analyse",
    "sociale_basis_profiel",
    "summarize_dekking",
    "unattached_facilities",
    "vloernormen_tabel",
    "worst_per_category",
]


__getattr__, __dir__ = lui(__name__, _WAAR, __all__)
