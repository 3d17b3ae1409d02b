"""Scenario files: every bad line named, and the effect of closing, opening and building."""

from __future__ import annotations

import textwrap

import pandas as pd
import pytest

from gebiedsplan._tekst import getal
from gebiedsplan.analyse.run import run_analyse
from gebiedsplan.analyse.scenario import (
    Fase,
    ScenarioError,
    Stap,
    apply_scenario,
    load_scenario,
    new_residents,
    woningbouw_aannames,
)
from gebiedsplan.gemeente import effective_voorzieningen


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
        "jeugd_en_gezin, basisschool, kinderopvang, sport, speelplek, bibliotheek, groen, opvang, "
        "supermarkt",
        "regel 17: gebied 'Atlantis' bestaat niet in gemeente GM9999; bekend: Havenkwartier, "
        "Pilot Noord, Pilot Zuid",
        "regel 23: punt (100000, 400000) ligt buiten de gemeente; kies een punt binnen de "
        "wijken van de gemeente (RD-coördinaten, EPSG:28992)",
        "regel 25: onbekende stap 'slopen'; kies uit sluit, open, verplaats, capaciteit, "
        "woningbouw, opvang",
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
    # plus the opvang of the scenario: 750 places, fully occupied (lagen/catalogus/opvang.yml)
    verwacht += 750
    assert na.vraagpunten["inwoners"].sum() - gemeente.vraagpunten["inwoners"].sum() == verwacht
    assert (
        na.buurten["aantal_inwoners"].sum() - gemeente.buurten["aantal_inwoners"].sum() == verwacht
    )
    # all new residents live in the gebied's buurten
    nieuw = na.vraagpunten.loc[~na.vraagpunten.index.isin(gemeente.vraagpunten.index)]
    assert set(nieuw["buurtcode"]) <= set(gemeente.gebieden["Havenkwartier"].buurten)
    assert isinstance(nieuw.index, pd.Index) and nieuw.index.is_unique


#: Scenario steps answered incrementally; each must equal a full recomputation.
INCREMENTEEL = {
    "sluit": "  - sluit: {accommodatie: acc004}\n",
    "open": "  - open: {accommodatie: acc019}\n",
    "verplaats": "  - verplaats: {accommodatie: acc002, x: 172700, y: 492700}\n",
    "capaciteit": "  - capaciteit: {accommodatie: acc005, capaciteit: 999}\n",
    "open-nieuw": "  - open: {naam: Nieuw, functies: [huisarts, ontmoeting], x: 171500, y: 491900}\n",
    # two places of one category go
    "sluit-twee": "  - sluit: {accommodatie: acc001}\n  - sluit: {accommodatie: acc002}\n",
    # one category loses a facility and gains one elsewhere
    "sluit-en-open": "  - sluit: {accommodatie: acc004}\n  - open: {accommodatie: acc019}\n",
    # the last facilities of a category go: nobody reaches one
    "sluit-alle-bibliotheken": (
        "  - sluit: {accommodatie: acc012}\n  - sluit: {accommodatie: acc013}\n"
    ),
    "verplaats-bibliotheek": "  - verplaats: {accommodatie: acc012, x: 173900, y: 491300}\n",
    # a category with a capacity norm: needed vs present capacity
    "open-met-capaciteit": (
        "  - open: {naam: Praktijk, functies: [huisarts, kinderopvang], capaciteit: 3,"
        " x: 172800, y: 492400}\n"
    ),
    "open-en-capaciteit": (
        "  - open: {accommodatie: acc019}\n  - capaciteit: {accommodatie: acc019, capaciteit: 4}\n"
    ),
}


def _difference_reference(voor: pd.DataFrame, na: pd.DataFrame) -> pd.DataFrame:
    """The difference table as compare_scenario documents it, computed the plain way."""
    from gebiedsplan.analyse.scenario import VERSCHIL_KOLOMMEN

    a, b = voor[VERSCHIL_KOLOMMEN], na[VERSCHIL_KOLOMMEN]
    verschil = pd.concat(
        {"basis": a, "scenario": b, "verschil": b.astype(float) - a.astype(float)}, axis=1
    )
    verschil.columns = [f"{k}_{deel}" for deel, k in verschil.columns]
    veranderd = (verschil[[f"{k}_verschil" for k in VERSCHIL_KOLOMMEN]].fillna(0).abs() > 1e-9).any(
        axis=1
    )
    verschil = verschil[veranderd].sort_values("inwoners_buiten_norm_verschil", ascending=False)
    verschil.insert(0, "wijknaam", voor.loc[verschil.index, "wijknaam"])
    verschil.insert(1, "categorie_label", voor.loc[verschil.index, "categorie_label"])
    return verschil


def _gelijk(a: pd.DataFrame, b: pd.DataFrame) -> None:
    """Equal up to rounding: integers, flags and labels exactly, distances to 1e-12."""
    pd.testing.assert_frame_equal(a, b, rtol=1e-12, atol=1e-9)


@pytest.mark.parametrize("naam", list(INCREMENTEEL))
def test_incremental_scenario_equals_full_recomputation(tmp_path, gemeente, analyse, naam):
    from gebiedsplan.analyse.scenario import compare_scenario

    pad = tmp_path / "s.yml"
    pad.write_text("scenario: s\nstappen:\n" + INCREMENTEEL[naam], encoding="utf-8")
    scenario = load_scenario(pad, gemeente)
    resultaat = compare_scenario(analyse, scenario)
    snel = resultaat.analyse
    volledig = run_analyse(apply_scenario(gemeente, scenario), netwerk=analyse.netwerk)
    for tabel in ("hiaten", "hiaten_buurt", "hiaten_gebied", "bereik", "per_buurt", "per_wijk"):
        _gelijk(getattr(snel, tabel), getattr(volledig, tabel))
    pd.testing.assert_frame_equal(snel.voorzieningen, volledig.voorzieningen)
    # completeness of the layers (closing both libraries flags theirs) and unattached facilities
    _gelijk(snel.volledigheid, volledig.volledigheid)
    _gelijk(snel.niet_aangesloten, volledig.niet_aangesloten)
    # what the products draw: the buurt of every facility and accommodation, and the green
    for reeks in ("voorziening_buurt", "accommodatie_buurt"):
        pd.testing.assert_series_equal(getattr(snel, reeks), getattr(volledig, reeks))
    assert snel.groen is not None and volledig.groen is not None
    pd.testing.assert_series_equal(snel.groen.per_gebied, volledig.groen.per_gebied)
    _gelijk(resultaat.verschil, _difference_reference(analyse.hiaten, volledig.hiaten))
    # the wijk table alone is the same table
    alleen_wijk = compare_scenario(analyse, scenario, niveaus=("wijk",)).analyse
    _gelijk(alleen_wijk.hiaten, volledig.hiaten)
    assert alleen_wijk.hiaten_buurt is None and alleen_wijk.hiaten_gebied is None


@pytest.mark.parametrize("naam", ["sluit", "open-nieuw", "sluit-alle-bibliotheken", "verplaats"])
def test_incremental_scenario_equals_full_recomputation_where_residents_are_not_analysed(
    tmp_path, zonder_netwerk_oeverwijk, naam
):
    """The same on a gemeente where one wijk has no network: coverage, withheld scores and
    ranks over the scored rows come out as a full run has them (``open-nieuw`` opens a facility
    in that wijk, which cannot be attached)."""
    from gebiedsplan.analyse.scenario import compare_scenario

    gemeente, basis = zonder_netwerk_oeverwijk
    pad = tmp_path / "s.yml"
    pad.write_text("scenario: s\nstappen:\n" + INCREMENTEEL[naam], encoding="utf-8")
    scenario = load_scenario(pad, gemeente)
    snel = compare_scenario(basis, scenario).analyse
    volledig = run_analyse(apply_scenario(gemeente, scenario), netwerk=basis.netwerk)
    for tabel in ("hiaten", "hiaten_buurt", "hiaten_gebied", "bereik", "per_buurt", "per_wijk"):
        _gelijk(getattr(snel, tabel), getattr(volledig, tabel))
    _gelijk(snel.volledigheid, volledig.volledigheid)
    _gelijk(snel.niet_aangesloten, volledig.niet_aangesloten)
    assert (snel.hiaten.xs("WK999904", level="wijkcode")["dekking"] == "geen netwerk").all()
    if naam == "open-nieuw":
        nieuw = snel.niet_aangesloten[snel.niet_aangesloten.index.str.startswith("scenario")]
        assert set(nieuw["categorie"]) == {"huisarts", "ontmoeting"}
    if naam == "sluit-alle-bibliotheken":
        assert snel.volledigheid.loc["bibliotheek", "status"] == "mogelijk onvolledig"
        assert (
            snel.hiaten.xs("bibliotheek", level="categorie")["laag_volledigheid"]
            == "mogelijk onvolledig"
        ).all()


def test_scenarios_leave_the_baseline_alone(tmp_path, gemeente):
    from gebiedsplan.analyse.scenario import compare_scenario

    basis = run_analyse(gemeente)
    kopie = {k: getattr(basis, k).copy() for k in ("bereik", "per_buurt", "per_wijk", "hiaten")}
    vz = basis.voorzieningen.copy()
    for naam in ("sluit-en-open", "verplaats", "open-met-capaciteit"):
        pad = tmp_path / f"{naam}.yml"
        pad.write_text("scenario: s\nstappen:\n" + INCREMENTEEL[naam], encoding="utf-8")
        compare_scenario(basis, load_scenario(pad, gemeente))
    for k, v in kopie.items():
        pd.testing.assert_frame_equal(getattr(basis, k), v, check_exact=True)
    pd.testing.assert_frame_equal(basis.voorzieningen, vz)
    assert gemeente.accommodaties.loc["acc019", "status"] == "gepland"


def test_homes_beyond_the_current_stock_and_homes_with_a_point_are_refused(tmp_path, gemeente):
    """Issue 12: 10^12 homes ran and reported two trillion residents; 2.000 homes in YAML is
    the decimal number 2. Both refused with their line and the fix."""
    from gebiedsplan.analyse.scenario import woningvoorraad

    voorraad, bron = woningvoorraad(gemeente)
    assert voorraad == gemeente.buurten["aantal_huishoudens"].sum()
    assert bron == "huishoudens in de buurten (aantal_huishoudens)"
    pad = _schrijf(
        tmp_path,
        """\
        scenario: te veel
        stappen:
          - woningbouw:
              gebied: Havenkwartier
              fasen:
                - {fase: fase 1, gereed: 2030, woningen: 1000000000000}
                - {fase: fase 2, gereed: 2040, woningen: 2.000}
                - {fase: fase 3, gereed: 2045, woningen: "7.000"}
        """,
    )
    with pytest.raises(ScenarioError) as info:
        load_scenario(pad, gemeente)
    problemen = info.value.problemen
    assert problemen[0].startswith("regel 7: woningen moet een geheel getal zijn")
    assert "2.000 is 2 en niet tweeduizend: schrijf 2000" in problemen[0]
    assert problemen[1].startswith("regel 8: woningen moet een getal zijn (gekregen: '7.000'); dit")
    assert problemen[2] == (
        f"regel 3: het scenario bouwt 1.000.000.000.000 woningen, meer dan de "
        f"{getal(voorraad)} die gemeente GM9999 nu heeft (huishoudens in de buurten "
        "(aantal_huishoudens)); meer dan 100% van de huidige voorraad is geen plausibel "
        "programma. Controleer de aantallen (een nul te veel, een punt als duizendtal-scheiding?)"
    )
