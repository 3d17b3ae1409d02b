"""Floor space against reference norms (gebiedsplan.analyse.vloeroppervlak), checked by hand
on the demo gemeente Rivierstad (synthetic) and on small changes to it."""

from __future__ import annotations

import dataclasses
import shutil

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

import gebiedsplan as gp
from gebiedsplan import settings
from gebiedsplan.analyse.scenario import load_scenario
from gebiedsplan.analyse.vloeroppervlak import (
    ZONDER_LAAG,
    compute_vloeroppervlak,
    vloernormen_tabel,
)
from gebiedsplan.catalogus import load_catalogus, load_vloernormen
from gebiedsplan.errors import GebiedsplanError, GemeenteError

SCENARIO = settings.wijken_dir / "scenarios" / "demo_havenkwartier.yml"

# The catalogue norms (lagen/catalogus/vloernormen.yml), m² bvo per 1,000 homes.
NORM = {
    "ontmoeting": 125,
    "welzijn": 25,
    "huisarts": 100,
    "jeugd_en_gezin": 50,
    "basisschool": 1200,
    "kinderopvang": 250,
    "sport": 250,
    "bibliotheek": 40,
    "cultuur": 50,
}


def test_catalogue_norms_have_a_kind_and_a_source():
    normen = load_vloernormen()
    assert {f: n.m2_per_1000_woningen for f, n in normen.items()} == NORM
    functies = load_catalogus().functies.functies
    for functie, norm in normen.items():
        assert functie in functies and not functies[functie].gevoelig
        assert norm.soort in ("richtlijn", "aanname") and norm.bron
        if norm.soort == "richtlijn":  # a published norm: publisher, year and where to read it
            assert "(20" in norm.bron and norm.url.startswith("https://")


def test_havenkwartier_before_and_after_the_housing_programme(gemeente):
    """Gebied Havenkwartier (its buurten BU99990302, BU99990303, BU99990304), by hand:

    - homes now: no housing stock in the demo, so the households 97 + 83 + 99 = 279;
    - the scenario (peiljaar 2040, both phases ready): 960 + 480 + 960 + 1840 + 920 + 1840 =
      7,000 new homes, all inside the gebied: 7,279; its opvang step adds residents, no homes;
    - needed = homes / 1,000 x norm: ontmoeting 279 x 0.125 = 34.875, after 7,279 x 0.125 =
      909.875;
    - present now: no accommodation in use lies in these three buurten: 0 m², shortfall =
      needed;
    - after: the scenario opens the MFA Havenkwartier (acc019, in BU99990302, 2,500 m² bvo,
      functions ontmoeting;welzijn;jeugd_en_gezin;huisarts): 2,500 / 4 = 625 m² to each of its
      four functions. Ontmoeting 909.875 - 625 = 284.875 short; welzijn 7,279 x 0.025 =
      181.975 needed, 625 - 181.975 = 443.025 over; huisarts 727.9 - 625 = 102.9 short;
      basisschool (no MFA function) 8,734.8 short.
    """
    scenario = load_scenario(SCENARIO, gemeente)
    voor = compute_vloeroppervlak(gemeente, niveau="gebied").loc["Havenkwartier"]
    na = compute_vloeroppervlak(gemeente, niveau="gebied", woningbouw=scenario).loc["Havenkwartier"]
    assert list(voor.index) == list(NORM)
    assert (voor["woningen"] == 279).all() and (voor["woningen_nieuw"] == 0).all()
    assert (na["woningen"] == 7279).all() and (na["woningen_nieuw"] == 7000).all()
    assert (voor["bron_woningen"] == "huishoudens in de buurten (aantal_huishoudens)").all()
    for functie, norm in NORM.items():
        assert voor.loc[functie, "benodigd_m2"] == pytest.approx(279 * norm / 1000)
        assert na.loc[functie, "benodigd_m2"] == pytest.approx(7279 * norm / 1000)
    assert voor.loc["ontmoeting", "benodigd_m2"] == pytest.approx(34.875)
    assert na.loc["ontmoeting", "benodigd_m2"] == pytest.approx(909.875)
    assert (voor["aanwezig_m2"] == 0).all() and (voor["accommodaties_met_functie"] == 0).all()
    assert (voor["tekort_m2"] == voor["benodigd_m2"]).all() and (voor["overschot_m2"] == 0).all()
    mfa = ["ontmoeting", "welzijn", "jeugd_en_gezin", "huisarts"]
    assert (na.loc[mfa, "aanwezig_m2"] == 625).all()
    assert (na.loc[mfa, "accommodaties_met_functie"] == 1).all()
    assert (na.drop(index=mfa)["aanwezig_m2"] == 0).all()
    assert na.loc["ontmoeting", "tekort_m2"] == pytest.approx(284.875)
    assert na.loc["welzijn", ["tekort_m2", "overschot_m2"]].tolist() == pytest.approx([0, 443.025])
    assert na.loc["huisarts", "tekort_m2"] == pytest.approx(102.9)
    assert na.loc["basisschool", "tekort_m2"] == pytest.approx(8734.8)


def test_wijk_havenkwartier_counts_the_opened_mfa_split_over_its_functions(gemeente):
    """Wijk WK999903, by hand: households 958 + 97 + 83 + 99 = 1,237; after the scenario
    1,237 + 7,000 = 8,237. Present now: Havenhuis (acc004, ontmoeting;welzijn, 1,800 m²) gives
    900 m² to each. The scenario opens the MFA (acc019, ontmoeting;welzijn;jeugd_en_gezin;
    huisarts, 2,500 m²): 625 m² to each of its four functions. Ontmoeting after: 900 + 625 =
    1,525 against 8,237 x 0.125 = 1,029.625, a surplus of 495.375; huisarts: 625 against
    823.7, a shortfall of 198.7."""
    voor = compute_vloeroppervlak(gemeente).loc["WK999903"]
    na = compute_vloeroppervlak(gemeente, woningbouw=load_scenario(SCENARIO, gemeente)).loc[
        "WK999903"
    ]
    assert (voor["wijknaam"] == "Havenkwartier").all()
    assert (voor["woningen"] == 1237).all() and (na["woningen"] == 8237).all()
    assert voor.loc["ontmoeting", ["aanwezig_m2", "aanwezig_m2_gedeeld"]].tolist() == [900, 900]
    assert voor.loc["huisarts", "aanwezig_m2"] == 0
    assert voor.loc["ontmoeting", "benodigd_m2"] == pytest.approx(154.625)
    assert na.loc["ontmoeting", "aanwezig_m2"] == 1525
    assert na.loc["ontmoeting", "accommodaties_met_functie"] == 2
    assert na.loc["ontmoeting", "overschot_m2"] == pytest.approx(495.375)
    assert na.loc["ontmoeting", "tekort_m2"] == 0
    assert na.loc[["huisarts", "jeugd_en_gezin"], "aanwezig_m2"].tolist() == [625, 625]
    assert na.loc["huisarts", "tekort_m2"] == pytest.approx(198.7)
    assert na.loc["basisschool", "aanwezig_m2"] == 0  # the MFA has no school


def _met_accommodaties(gemeente, rijen: dict[str, dict]) -> gp.Gemeente:
    """The gemeente with extra accommodations in buurt BU99990602 (wijk WK999906, Beekdal)."""
    punt = gemeente.buurten.geometry["BU99990602"].representative_point()
    extra = gpd.GeoDataFrame(
        [
            {"eigenaar": "gemeente", "capaciteit": np.nan, "bezetting": np.nan} | r
            for r in rijen.values()
        ],
        geometry=[punt] * len(rijen),
        index=pd.Index(list(rijen), name="id"),
        crs=gemeente.accommodaties.crs,
    )
    return dataclasses.replace(gemeente, accommodaties=pd.concat([gemeente.accommodaties, extra]))


def test_split_without_bvo_and_sensitive_sites_never_named(gemeente):
    """Wijk WK999906 (Beekdal) has now: acc006 (ontmoeting;welzijn, 900 m²) and acc011
    (ontmoeting;welzijn, 500 m²): welzijn 450 + 250 = 700; acc017 (sport, 400 m²). Added in
    BU99990602: a sport hall with sport;onderwijs;cultuur of 900 m² (300 m² to each of its
    three functions, also to onderwijs, which has no norm), a huisarts without bvo, and a
    sensitive site welzijn;beschermd_wonen of 600 m² (300 m² to welzijn)."""
    g = _met_accommodaties(
        gemeente,
        {
            "accX": {
                "naam": "Sportzaal Beek",
                "functies": "sport;onderwijs;cultuur",
                "bvo_m2": 900.0,
                "status": "in_gebruik",
            },
            "accY": {
                "naam": "Praktijk Beek",
                "functies": "huisarts",
                "bvo_m2": np.nan,
                "status": "in_gebruik",
            },
            "accZ": {
                "naam": "De Schuilplaats",
                "functies": "welzijn;beschermd wonen",
                "bvo_m2": 600.0,
                "status": "in_gebruik",
            },
            "accW": {
                "naam": "Oude Bieb",
                "functies": "bibliotheek",
                "bvo_m2": 300.0,
                "status": "gesloten",
            },
        },
    )
    voor = compute_vloeroppervlak(gemeente).loc["WK999906"]
    tabel = compute_vloeroppervlak(g)
    na = tabel.loc["WK999906"]
    assert voor.loc["sport", "aanwezig_m2"] == 400 and voor.loc["welzijn", "aanwezig_m2"] == 700
    assert na.loc["sport", ["aanwezig_m2", "aanwezig_m2_gedeeld"]].tolist() == [700, 300]
    assert na.loc["cultuur", ["aanwezig_m2", "aanwezig_m2_gedeeld"]].tolist() == [300, 300]
    assert na.loc["welzijn", "aanwezig_m2"] == 1000
    assert na.loc["welzijn", "accommodaties_met_functie"] == 3
    # without bvo: counted apart, never as 0 m², and the row says the present m² is a floor
    assert na.loc["huisarts", ["aanwezig_m2", "accommodaties_met_functie"]].tolist() == [0, 1]
    assert na.loc["huisarts", "accommodaties_zonder_bvo"] == 1
    assert (
        "zonder bvo" in na.loc["huisarts", "opmerking"]
        and "ondergrens" in na.loc["huisarts", "opmerking"]
    )
    assert na.loc["sport", "opmerking"] == ""
    # a closed accommodation adds nothing
    assert na.loc["bibliotheek", "aanwezig_m2"] == voor.loc["bibliotheek", "aanwezig_m2"] == 0
    # no accommodation is named anywhere: not the sensitive one, not its id
    tekst = tabel.reset_index().astype(str).to_string() + vloernormen_tabel(g).to_string()
    for woord in ("Schuilplaats", "accZ", "beschermd", "Sportzaal Beek", "accX"):
        assert woord not in tekst


def test_unknown_present_floor_space_without_an_accommodations_layer(gemeente):
    tabel = compute_vloeroppervlak(dataclasses.replace(gemeente, accommodaties=None))
    assert tabel["aanwezig_m2"].isna().all()
    assert tabel["tekort_m2"].isna().all() and tabel["overschot_m2"].isna().all()
    assert (tabel["opmerking"] == ZONDER_LAAG).all()
    assert tabel["benodigd_m2"].notna().all()


def test_housing_stock_of_the_wijk_before_households(gemeente):
    """A housing stock column (here named as another step may rename it, ``woningvoorraad``)
    counts where it has a value; elsewhere the households of the buurten."""
    wijken = gemeente.wijken.assign(woningvoorraad=np.nan)
    wijken.loc["WK999903", "woningvoorraad"] = 1500
    tabel = compute_vloeroppervlak(dataclasses.replace(gemeente, wijken=wijken))
    assert tabel.loc[("WK999903", "ontmoeting"), "woningen"] == 1500
    assert "woningvoorraad" in tabel.loc[("WK999903", "ontmoeting"), "bron_woningen"]
    assert (
        tabel.loc[("WK999901", "ontmoeting"), "woningen"]
        == gemeente.buurten.loc[
            gemeente.buurten["wijkcode"] == "WK999901", "aantal_huishoudens"
        ].sum()
    )


def _gemeentebestand(tmp_path, extra: str):
    pad = tmp_path / "rivierstad.yml"
    pad.write_text(
        (settings.wijken_dir / "demo.yml").read_text(encoding="utf-8") + "\n" + extra,
        encoding="utf-8",
    )
    return pad


def test_override_in_the_gemeente_file(tmp_path, demo_opslag):
    pad = _gemeentebestand(
        tmp_path,
        "vloernormen:\n"
        "  ontmoeting: {m2_per_1000_woningen: 200, bron: Kader Rivierstad 2025 (synthetisch)}\n"
        "  zorg: 60\n",
    )
    g = gp.load_gemeente(pad, opslag=demo_opslag)
    rij = compute_vloeroppervlak(g).loc[("WK999903", "ontmoeting")]
    assert rij["norm_m2_per_1000_woningen"] == 200 and rij["norm_soort"] == "gemeente"
    assert rij["benodigd_m2"] == pytest.approx(1237 * 0.2)
    zorg = compute_vloeroppervlak(g).loc[("WK999903", "zorg")]
    assert zorg["norm_m2_per_1000_woningen"] == 60 and zorg["aanwezig_m2"] == 0
    normen = vloernormen_tabel(g)
    assert normen.loc["ontmoeting", "norm_bron"] == "Kader Rivierstad 2025 (synthetisch)"
    assert str(pad) in normen.loc["zorg", "norm_bron"]
    assert normen.loc["huisarts", "norm_soort"] == "aanname"  # the rest stays the catalogue's


def test_bad_override_names_the_file_line_and_fix(tmp_path, demo_opslag):
    pad = _gemeentebestand(
        tmp_path,
        "vloernormen:\n"
        "  casino: 50\n"
        "  beschermd_wonen: 80\n"
        "  huisarts: 1.200 m2\n"
        "  sport: {m2: 300}\n",
    )
    regels = pad.read_text(encoding="utf-8").splitlines()
    with pytest.raises(GemeenteError) as info:
        gp.load_gemeente(pad, opslag=demo_opslag)
    tekst = str(info.value)
    nummer = {
        sleutel: next(i for i, r in enumerate(regels, 1) if r.startswith(f"  {sleutel}:"))
        for sleutel in ("casino", "beschermd_wonen", "huisarts", "sport")
    }
    assert f"{pad}, regel {nummer['casino']}: vloernormen.casino: onbekende functie" in tekst
    assert f"regel {nummer['beschermd_wonen']}: vloernormen.beschermd_wonen: functie " in tekst
    assert "gevoelig" in tekst
    assert f"regel {nummer['huisarts']}: vloernormen.huisarts: '1.200 m2' is geen positief" in tekst
    assert "(1200, niet '1.200 m2')" in tekst
    assert f"regel {nummer['sport']}: vloernormen.sport: onbekend veld m2" in tekst


def test_broken_catalogue_file_names_file_and_key(tmp_path, monkeypatch):
    kopie = tmp_path / "catalogus"
    shutil.copytree(settings.catalogus_dir, kopie)
    (kopie / "vloernormen.yml").write_text(
        "ontmoeting: {m2_per_1000_woningen: -5, soort: richtlijn, bron: {uitgever: X}}\n"
        "opvang: {m2_per_1000_woningen: 10, soort: aanname, bron: {uitgever: gebiedsplan, toelichting: t}}\n"
        "sport: {m2_per_1000_woningen: 10, soort: gok}\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(settings, "catalogus_dir", kopie)
    with pytest.raises(GebiedsplanError) as info:
        load_vloernormen()
    tekst = str(info.value)
    assert str(kopie / "vloernormen.yml") in tekst
    assert "ontmoeting: m2_per_1000_woningen moet een positief getal zijn (gekregen: -5)" in tekst
    assert "ontmoeting: een richtlijn noemt in bron ook document" in tekst
    assert "opvang: functie 'opvang' is gevoelig" in tekst
    assert "sport: soort moet 'richtlijn' of 'aanname' zijn (gekregen: 'gok')" in tekst
    assert "sport: bron noemt geen uitgever" in tekst


def test_unknown_level_is_refused(gemeente):
    with pytest.raises(
        GebiedsplanError, match="niveau 'buurt' bestaat niet; kies uit wijk, gebied"
    ):
        compute_vloeroppervlak(gemeente, niveau="buurt")  # type: ignore[arg-type]
