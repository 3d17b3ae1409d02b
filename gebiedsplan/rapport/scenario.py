"""The report's ``scenario`` section: what a scenario changes, for the gebied and per wijk
(now → scenario)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, cast

import pandas as pd

from gebiedsplan.analyse.scenario import ScenarioResultaat
from gebiedsplan.gemeente import Gemeente
from gebiedsplan.rapport.delen import LEEG, MAX_RIJEN, Sectie, Tabel, getal


def _arrow(nu: Any, straks: Any, decimalen: int = 0) -> str:
    """'120 → 2.289' (now → scenario); a dash when neither has a value."""
    if pd.isna(nu) and pd.isna(straks):
        return LEEG
    return f"{getal(nu, decimalen)} → {getal(straks, decimalen)}"


def _met_teken(waarde: Any) -> str:
    """A change with its sign: '+120', '-35', '0' (no '+0' or '-0'); missing as the dash.

    Examples
    --------
    >>> _met_teken(120), _met_teken(-35.2), _met_teken(0.3), _met_teken(float("nan"))
    ('+120', '-35', '0', '–')
    """
    tekst = getal(waarde)
    return f"+{tekst}" if tekst not in ("0", LEEG) and not tekst.startswith("-") else tekst


def _wijken_of(gemeente: Gemeente, codes: Iterable[str]) -> set[str]:
    return set(gemeente.buurten.loc[list(codes), "wijkcode"])


def scenario_section(
    resultaat: ScenarioResultaat,
    gemeente: Gemeente,
    naam: str,
    codes: Sequence[str],
    basis: pd.DataFrame,
    verborgen: set[str],
) -> Sectie:
    s = resultaat.scenario
    sectie = Sectie("scenario", f"Scenario: {s.naam}")
    sectie.tekst(s.omschrijving + (f" Peiljaar {s.peiljaar}." if s.peiljaar else ""))
    na_tabel = resultaat.analyse.hiaten_gebied
    if na_tabel is not None and naam in na_tabel.index.get_level_values(0):
        na = na_tabel.xs(naam, level=0)
        voor = basis[~basis.index.isin(verborgen)]
        inw_voor = int(voor["inwoners"].max())
        inw_na = int(na["inwoners"].max())
        sectie.tekst(
            f"Inwoners van het gebied: {getal(inw_voor)} nu, {getal(inw_na)} in het scenario "
            f"({_met_teken(inw_na - inw_voor)})."
        )
        sectie.kop("Het gebied")
        rijen = []
        for cat, rij in voor.iterrows():
            n = na.loc[cat]

            rijen.append(
                [
                    str(rij["categorie_label"]),
                    _arrow(rij["inwoners_buiten_norm"], n["inwoners_buiten_norm"]),
                    _arrow(rij["hiaatscore"], n["hiaatscore"]),
                    _arrow(rij["benodigde_capaciteit"], n["benodigde_capaciteit"], 1),
                    _arrow(rij["capaciteitstekort"], n["capaciteitstekort"], 1),
                ]
            )
        sectie.tabel(
            Tabel(
                "tabel-scenario-gebied",
                ["Voorziening", "Buiten norm", "Hiaatscore", "Benodigde capaciteit", "Tekort"],
                rijen,
                frozenset({1, 2, 3, 4}),
                list(voor.index),
                onderschrift="Nu → scenario, voor de buurten van het gebied.",
            )
        )
    verschil = resultaat.verschil
    verschil = verschil[~verschil.index.get_level_values("categorie").isin(verborgen)]
    eigen = _wijken_of(gemeente, codes)
    rijen, sleutels, nadruk = [], [], set()
    for i, (sleutel, rij) in enumerate(verschil.head(MAX_RIJEN).iterrows()):
        wijk, cat = cast(tuple[str, str], sleutel)
        rijen.append(
            [
                f"{rij['wijknaam']} ({wijk})",
                str(rij["categorie_label"]),
                _met_teken(rij["inwoners_verschil"]),
                _arrow(rij["inwoners_buiten_norm_basis"], rij["inwoners_buiten_norm_scenario"]),
                _arrow(rij["hiaatscore_basis"], rij["hiaatscore_scenario"]),
                _arrow(rij["capaciteitstekort_basis"], rij["capaciteitstekort_scenario"], 1),
            ]
        )
        sleutels.append(f"{wijk}:{cat}")
        if wijk in eigen:
            nadruk.add(i)
    sectie.kop("Per wijk")
    if rijen:
        sectie.tabel(
            Tabel(
                "tabel-scenario-wijken",
                ["Wijk", "Voorziening", "Inwoners +/-", "Buiten norm", "Hiaatscore", "Tekort"],
                rijen,
                frozenset({2, 3, 4, 5}),
                sleutels,
                onderschrift=(
                    "Alleen wat verandert, nu → scenario; vet: wijken van het gebied."
                    + (
                        f" De eerste {MAX_RIJEN} van {len(verschil)}."
                        if len(verschil) > MAX_RIJEN
                        else ""
                    )
                ),
                nadruk=frozenset(nadruk),
            )
        )
    else:
        sectie.tekst("Het scenario verandert niets aan de hiaten per wijk.")
    return sectie
