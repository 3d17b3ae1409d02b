"""Scenario files: every bad line named, and the effect of closing, opening and building."""

from __future__ import annotations

import textwrap

import pandas as pd
import pytest

from gebiedsplan.analyse import run_analyse
from gebiedsplan.gemeente import effective_voorzieningen
from gebiedsplan.scenario import (
    Fase,
    ScenarioError,
    Stap,
    apply_scenario,
    load_scenario,
    new_residents,
    woningbouw_aannames,
)


def _schrijf(tmp_path, tekst: str):
    pad = tmp_path / "scenario.yml"
    pad.write_text(textwrap.dedent(tekst), encoding="utf-8")
    return pad


def test_bad_scenario_names_every_line(tmp_path, gemeente):
    pad = _schrijf(
        tmp_path,
        """\
        scenario: kapot
        stappen:
          - sluit:
              accommodatie: acc999
          - woningbouw:
              gebied: Havenkwartier
              fasen:
                - fase: fase 1
                  gereed: 2030
                  woningen: -50
          - open:
              naam: Casino
              functies: [casino]
              x: 172000
              y: 493000
          - woningbouw:
              gebied: Atlantis
              fasen:
                - {fase: 1, gereed: 2030, woningen: 10}
          - open:
              naam: Ver weg
              functies: [ontmoeting]
              x: 100000
              y: 400000
          - slopen: {accommodatie: acc001}
        """,
    )
    with pytest.raises(ScenarioError) as info:
        load_scenario(pad, gemeente)
    problemen = info.value.problemen
    assert problemen == [
        "regel 4: onbekende accommodatie 'acc999'; de laag accommodaties kent acc001, acc002, "
        "acc003, acc004, acc005, acc006, acc007, acc008 ...",
        "regel 10: woningen mag niet kleiner zijn dan 0 (gekregen: -50)",
        "regel 13: onbekende categorie casino; kies uit ontmoeting, welzijn, huisarts, "
        "jeugd_en_gezin, basisschool, kinderopvang, sport, speelplek, bibliotheek, groen, opvang",
        "regel 17: gebied 'Atlantis' bestaat niet in gemeente GM9999; bekend: Havenkwartier, "
        "Pilot Noord, Pilot Zuid",
        "regel 23: punt (100000, 400000) ligt buiten de gemeente; geef RD-coördinaten (EPSG:28992)",
        "regel 25: onbekende stap 'slopen'; kies uit sluit, open, verplaats, capaciteit, "
        "woningbouw",
    ]
    assert str(pad) in str(info.value)


def test_new_residents_from_homes_by_type():
    aannames = woningbouw_aannames()
    stap = Stap(
        "woningbouw",
        1,
        gebied="X",
        fasen=(
            Fase("fase 1", 2030, {"sociale huur": 400, "koop": 600}),
            Fase("fase 2", 2040, {"middenhuur": 1000}),
        ),
    )
    # 400 x 1.9 + 600 x 2.4 = 2,200 by 2030; plus 1,000 x 1.8 by 2040
    assert new_residents(stap, aannames=aannames, peiljaar=2030).sum() == 2200
    alles = new_residents(stap, aannames=aannames)
    assert alles.sum() == 4000
    assert alles["inwoners_25_tot_45_jaar"] == round(0.38 * 4000)


def test_closing_the_only_meeting_place_of_a_wijk(gemeente, analyse):
    # Havenhuis (acc004) is the only meeting place in wijk Havenkwartier (WK999903)
    vz = effective_voorzieningen(gemeente)
    in_wijk = vz[(vz["categorie"] == "ontmoeting")].sjoin(
        gemeente.wijken.loc[["WK999903"], ["geometry"]], predicate="within"
    )
    assert list(in_wijk["accommodatie_id"]) == ["acc004"]
    scenario = load_scenario("wijken/scenarios/demo_sluit_havenhuis.yml", gemeente)
    na = run_analyse(apply_scenario(gemeente, scenario))
    voor = analyse
    # residents of the wijk who were within the norm before and are not any more
    punten = gemeente.vraagpunten
    in_wijk_punten = punten["buurtcode"].map(gemeente.buurten["wijkcode"]) == "WK999903"
    was = voor.bereik["binnen_norm_ontmoeting"].fillna(False).astype(bool)
    wordt = na.bereik["binnen_norm_ontmoeting"].fillna(False).astype(bool)
    verloren = punten.loc[in_wijk_punten & was & ~wordt, "inwoners"].sum()
    assert verloren > 0
    verschil = (
        na.hiaten.loc[("WK999903", "ontmoeting"), "inwoners_buiten_norm"]
        - voor.hiaten.loc[("WK999903", "ontmoeting"), "inwoners_buiten_norm"]
    )
    assert verschil == verloren
    assert na.hiaten.loc[("WK999903", "ontmoeting"), "aantal_voorzieningen"] == 0
    # the scenario leaves the input alone
    assert gemeente.accommodaties.loc["acc004", "status"] == "in_gebruik"


def test_opening_a_planned_accommodation_adds_its_functions(gemeente):
    scenario = load_scenario("wijken/scenarios/demo_havenkwartier.yml", gemeente)
    na = apply_scenario(gemeente, scenario)
    voor = effective_voorzieningen(gemeente)
    erbij = effective_voorzieningen(na).loc[lambda d: ~d.index.isin(voor.index)]
    assert sorted(erbij["categorie"]) == ["huisarts", "jeugd_en_gezin", "ontmoeting", "welzijn"]
    assert set(erbij["accommodatie_id"]) == {"acc019"}


def test_housing_programme_adds_the_expected_residents(gemeente):
    scenario = load_scenario("wijken/scenarios/demo_havenkwartier.yml", gemeente)
    na = apply_scenario(gemeente, scenario)
    verwacht = sum(
        new_residents(stap, aannames=scenario.aannames).sum()
        for stap in scenario.stappen
        if stap.soort == "woningbouw"
    )
    # 2,800 social x 1.9 + 1,400 mid x 1.8 + 2,800 buy x 2.4 = 13,560... per the assumptions file
    assert verwacht == round(2800 * 1.9 + 1400 * 1.8 + 2800 * 2.4)
    assert na.vraagpunten["inwoners"].sum() - gemeente.vraagpunten["inwoners"].sum() == verwacht
    assert (
        na.buurten["aantal_inwoners"].sum() - gemeente.buurten["aantal_inwoners"].sum() == verwacht
    )
    # all new residents live in the gebied's buurten
    nieuw = na.vraagpunten.loc[~na.vraagpunten.index.isin(gemeente.vraagpunten.index)]
    assert set(nieuw["buurtcode"]) <= set(gemeente.gebieden["Havenkwartier"].buurten)
    assert isinstance(nieuw.index, pd.Index) and nieuw.index.is_unique


@pytest.mark.parametrize(
    "stappen",
    [
        "  - sluit: {accommodatie: acc004}\n",
        "  - open: {accommodatie: acc019}\n",
        "  - verplaats: {accommodatie: acc002, x: 172700, y: 492700}\n",
        "  - capaciteit: {accommodatie: acc005, capaciteit: 999}\n",
        "  - open: {naam: Nieuw, functies: [huisarts, ontmoeting], x: 171500, y: 491900}\n",
    ],
    ids=["sluit", "open", "verplaats", "capaciteit", "open-nieuw"],
)
def test_incremental_scenario_equals_full_recomputation(tmp_path, gemeente, analyse, stappen):
    from gebiedsplan.scenario import compare_scenario

    pad = tmp_path / "s.yml"
    pad.write_text("scenario: s\nstappen:\n" + stappen, encoding="utf-8")
    scenario = load_scenario(pad, gemeente)
    snel = compare_scenario(analyse, scenario).analyse
    volledig = run_analyse(apply_scenario(gemeente, scenario), netwerk=analyse.netwerk)
    for naam in ("hiaten", "hiaten_buurt", "hiaten_gebied"):
        pd.testing.assert_frame_equal(
            getattr(snel, naam), getattr(volledig, naam), check_exact=False
        )
    pd.testing.assert_frame_equal(snel.bereik, volledig.bereik)
    pd.testing.assert_frame_equal(snel.per_buurt, volledig.per_buurt)
    pd.testing.assert_frame_equal(snel.per_wijk, volledig.per_wijk)
