"""The scenario step 'opvang': residents who do not come with homes, by a documented age
profile, as demand in their wijk; the location never in a published product."""

from __future__ import annotations

import re
import shutil
import textwrap
import zipfile
from pathlib import Path

import pandas as pd
import pytest
import shapely
import yaml
from pyproj import Transformer
from typer.testing import CliRunner

from gebiedsplan import settings
from gebiedsplan.analyse.run import run_analyse
from gebiedsplan.analyse.scenario import (
    LOCATIE_NIET_GEPUBLICEERD,
    ScenarioError,
    Stap,
    apply_scenario,
    compare_scenario,
    load_scenario,
    new_residents,
)
from gebiedsplan.catalogus import LEEFTIJDSBANDEN, opvang_aannames
from gebiedsplan.errors import GebiedsplanError

REPO = Path(__file__).resolve().parents[1]
#: A distinctive name and location (buurt BU99990303, wijk Havenkwartier WK999903).
NAAM = "AZC Testlocatie"
X, Y = 173712.3, 493587.6
WIJK = "WK999903"


def _schrijf(tmp_path: Path, stappen: str, *, kop: str = "") -> Path:
    pad = tmp_path / "opvang.yml"
    tekst = f"scenario: opvang-test\ngemeente: demo\n{kop}stappen:\n" + textwrap.dedent(stappen)
    pad.write_text(tekst, encoding="utf-8")
    return pad


OPVANG = f"""\
  - opvang:
      naam: {NAAM}
      plaatsen: 750
      x: {X}
      y: {Y}
"""


# --------------------------------------------------------------------------- the age profile


def test_default_age_profile_sums_to_one_and_names_its_kind_and_source():
    aannames = opvang_aannames()
    assert set(aannames["leeftijd"]) == set(LEEFTIJDSBANDEN)
    assert sum(aannames["leeftijd"].values()) == pytest.approx(1.0)
    # no published distribution in the CBS bands was found: it says it is an assumption
    assert aannames["soort"] == "aanname"
    assert "COA" in aannames["bron"] and aannames["ijkpunten"]
    assert aannames["bezettingsgraad"] == 1.0


def test_a_broken_age_profile_in_the_catalogue_is_named_with_its_file(tmp_path, monkeypatch):
    catalogus = tmp_path / "catalogus"
    shutil.copytree(settings.catalogus_dir, catalogus)
    data = yaml.safe_load((catalogus / "opvang.yml").read_text(encoding="utf-8"))
    data["leeftijd"]["inwoners_0_tot_15_jaar"] = 22  # a percentage, not a share
    data["bezettingsgraad"] = 1.2
    (catalogus / "opvang.yml").write_text(yaml.safe_dump(data), encoding="utf-8")
    monkeypatch.setattr(settings, "catalogus_dir", catalogus)
    with pytest.raises(GebiedsplanError) as fout:
        opvang_aannames()
    tekst = str(fout.value)
    assert str(catalogus / "opvang.yml") in tekst
    assert "inwoners_0_tot_15_jaar moet een aandeel 0-1 zijn (gekregen: 22)" in tekst
    assert (
        "bezettingsgraad moet een getal groter dan 0 en hoogstens 1 zijn (gekregen: 1.2)" in tekst
    )


# --------------------------------------------------------------------------- reading the step


def test_opvang_step_reads_places_location_profile_and_wijk(tmp_path, gemeente):
    s = load_scenario(_schrijf(tmp_path, OPVANG), gemeente)
    (stap,) = s.stappen
    assert (stap.soort, stap.regel, stap.plaatsen, stap.xy) == ("opvang", 4, 750, (X, Y))
    assert (stap.buurt, stap.wijk, stap.naam) == ("BU99990303", WIJK, NAAM)
    assert stap.bezettingsgraad == 1.0
    assert dict(stap.leeftijdsopbouw) == opvang_aannames()["leeftijd"]


def test_opvang_in_a_buurt_stands_on_its_representative_point(tmp_path, gemeente):
    pad = _schrijf(tmp_path, "  - opvang: {plaatsen: 100, buurt: BU99990302}\n")
    (stap,) = load_scenario(pad, gemeente).stappen
    punt = gemeente.buurten.loc["BU99990302", "geometry"].representative_point()
    assert stap.xy == (punt.x, punt.y)
    assert (stap.buurt, stap.wijk) == ("BU99990302", WIJK)


def test_bad_opvang_steps_are_named_line_by_line(tmp_path, gemeente):
    pad = _schrijf(
        tmp_path,
        """\
          - opvang: {plaatsen: 0, buurt: BU99990303}
          - opvang: {plaatsen: "750", buurt: BU99990303}
          - opvang: {plaatsen: 75000, buurt: BU99990303}
          - opvang: {plaatsen: 750, buurt: BU99990303, x: 173700, y: 493600}
          - opvang: {plaatsen: 750, buurt: BU12345678}
          - opvang: {plaatsen: 750}
          - opvang: {plaatsen: 750, buurt: BU99990303, plekken: 800}
          - opvang: {plaatsen: 750, buurt: BU99990303, bezettingsgraad: 1.5}
          - opvang:
              plaatsen: 750
              buurt: BU99990303
              leeftijdsopbouw: {inwoners_0_tot_15_jaar: 30, inwoners_15_tot_25_jaar: 20,
                inwoners_25_tot_45_jaar: 30, inwoners_45_tot_65_jaar: 15,
                inwoners_65_jaar_en_ouder: 5}
          - opvang:
              plaatsen: 750
              buurt: BU99990303
              leeftijdsopbouw: {inwoners_0_tot_15_jaar: 0.5, inwoners_15_tot_25_jaar: 0.5,
                inwoners_25_tot_45_jaar: 0.5, inwoners_45_tot_65_jaar: 0,
                inwoners_65_jaar_en_ouder: 0}
          - opvang: {plaatsen: 750, x: 5.93, y: 51.98}
        """,
    )
    with pytest.raises(ScenarioError) as fout:
        load_scenario(pad, gemeente)
    p = fout.value.problemen
    assert p[0] == "regel 4: plaatsen mag niet kleiner zijn dan 1 (gekregen: 0)"
    assert p[1].startswith("regel 5: plaatsen moet een getal zijn (gekregen: '750'); dit is tekst")
    assert p[2].startswith("regel 6: een opvang met 75.000 plaatsen is geen plausibele locatie")
    assert p[3] == (
        "regel 7: geef de plek van de opvang óf met x en y (RD, meter) óf met buurt (een "
        "buurtcode), niet allebei"
    )
    assert p[4].startswith("regel 8: buurt 'BU12345678' bestaat niet in gemeente GM9999")
    assert p[5].startswith("regel 9: stap 'opvang' noemt waar de opvang komt: x en y")
    assert p[6].startswith("regel 10: onbekend veld plekken in stap 'opvang'; toegestaan: plaatsen")
    assert p[7].startswith("regel 11: bezettingsgraad is het deel van de plaatsen dat bezet is")
    assert p[8] == (
        "regel 15: leeftijdsopbouw: inwoners_0_tot_15_jaar moet een aandeel 0-1 zijn (gekregen: 30)"
    )
    assert p[-2] == (
        "regel 21: leeftijdsopbouw: de aandelen van de leeftijdsopbouw tellen op tot 1.500, niet "
        "tot 1; een aandeel is een deel van 1 (0.22, niet 22)"
    )
    assert p[-1].startswith("regel 24: (5.93, 51.98) zijn lengte- en breedtegraden")


# --------------------------------------------------------------------------- the demand it adds


def test_residents_are_places_times_occupancy_split_by_the_age_profile():
    profiel = opvang_aannames()["leeftijd"]
    stap = Stap("opvang", 1, plaatsen=750, bezettingsgraad=1.0, leeftijdsopbouw=profiel)
    bewoners = new_residents(stap, aannames={})
    assert bewoners.sum() == 750
    # 165 + 187.5 + 300 + 90 + 7.5: the halves go by largest remainder, the bands sum to 750
    for band in LEEFTIJDSBANDEN:
        assert abs(bewoners[band] - 750 * profiel[band]) <= 0.5
    assert bewoners["inwoners_0_tot_15_jaar"] == 165
    # COA plans with 96% occupancy: 720 residents
    bezet = Stap("opvang", 1, plaatsen=750, bezettingsgraad=0.96, leeftijdsopbouw=profiel)
    assert new_residents(bezet, aannames={}).sum() == 720
    # ready after the scenario's year: nobody yet
    later = Stap("opvang", 1, plaatsen=750, gereed=2035, leeftijdsopbouw=profiel)
    assert new_residents(later, aannames={}, peiljaar=2030).sum() == 0
    assert new_residents(later, aannames={}, peiljaar=2035).sum() == 750


def test_opvang_raises_the_demand_of_its_wijk_by_places_times_profile(tmp_path, gemeente, analyse):
    scenario = load_scenario(_schrijf(tmp_path, OPVANG), gemeente)
    na = apply_scenario(gemeente, scenario)
    # one demand point of 750 at the location, in buurt BU99990303; the input is left alone
    nieuw = na.vraagpunten.loc[~na.vraagpunten.index.isin(gemeente.vraagpunten.index)]
    assert list(nieuw["inwoners"]) == [750] and list(nieuw["buurtcode"]) == ["BU99990303"]
    assert nieuw.geometry.iloc[0].equals(shapely.Point(X, Y))
    assert len(gemeente.vraagpunten) == len(na.vraagpunten) - 1
    profiel = opvang_aannames()["leeftijd"]
    kolommen = ["aantal_inwoners", *LEEFTIJDSBANDEN]
    verschil = na.buurten.loc["BU99990303", kolommen] - gemeente.buurten.loc["BU99990303", kolommen]
    assert verschil["aantal_inwoners"] == 750
    erbij = new_residents(scenario.stappen[0], aannames={})
    for band in LEEFTIJDSBANDEN:
        assert verschil[band] == erbij[band]
        assert abs(verschil[band] - 750 * profiel[band]) <= 0.5
    # the wijk's effect, through the full and the wijk-only comparison
    kind = round(750 * profiel["inwoners_0_tot_15_jaar"])  # 165
    for niveaus in (("wijk", "buurt", "gebied"), ("wijk",)):
        r = compare_scenario(analyse, scenario, niveaus=niveaus)
        voor = analyse.hiaten.xs(WIJK, level="wijkcode")
        straks = r.analyse.hiaten.xs(WIJK, level="wijkcode")
        assert (straks["inwoners"] - voor["inwoners"] == 750).all()
        groei = straks["doelgroep"] - voor["doelgroep"]
        assert groei["basisschool"] == pytest.approx(kind * 0.53)  # 4-11: 8 of the 15 years
        assert groei["kinderopvang"] == pytest.approx(kind * 0.27)
        assert groei["jeugd_en_gezin"] == pytest.approx(kind)
        assert groei["ontmoeting"] == pytest.approx(750)
        # only this wijk's residents change
        wijken = set(r.verschil.index[r.verschil["inwoners_verschil"] != 0].get_level_values(0))
        assert wijken == {WIJK}
    # it equals a full recomputation of the gemeente as the scenario leaves it
    volledig = run_analyse(na, netwerk=analyse.netwerk)
    pd.testing.assert_frame_equal(r.analyse.hiaten, volledig.hiaten)


def test_opvang_with_a_closure_and_own_profile_on_a_part_of_the_gemeente(tmp_path, gemeente):
    """Facilities and residents change together; the baseline covers some wijken only."""
    profiel = dict.fromkeys(LEEFTIJDSBANDEN, 0.0) | {
        "inwoners_0_tot_15_jaar": 0.5,
        "inwoners_25_tot_45_jaar": 0.5,
    }
    stappen = (
        "  - sluit: {accommodatie: acc004}\n"
        "  - opvang:\n"
        "      plaatsen: 400\n"
        "      buurt: BU99990303\n"
        "      bezettingsgraad: 0.5\n"
        f"      leeftijdsopbouw: {profiel}\n"
    )
    scenario = load_scenario(_schrijf(tmp_path, stappen), gemeente)
    basis = run_analyse(gemeente, wijken=[WIJK, "WK999902"])
    r = compare_scenario(basis, scenario)
    voor = basis.hiaten.xs(WIJK, level="wijkcode")
    straks = r.analyse.hiaten.xs(WIJK, level="wijkcode")
    assert (straks["inwoners"] - voor["inwoners"] == 200).all()
    assert straks.loc["jeugd_en_gezin", "doelgroep"] - voor.loc["jeugd_en_gezin", "doelgroep"] == (
        pytest.approx(100)
    )
    assert straks.loc["ontmoeting", "aantal_voorzieningen"] == 0  # Havenhuis closed


def test_an_opvang_after_the_scenario_year_adds_nobody(tmp_path, gemeente, analyse):
    pad = _schrijf(
        tmp_path,
        "  - opvang: {plaatsen: 750, buurt: BU99990303, gereed: 2045}\n",
        kop="peiljaar: 2040\n",
    )
    scenario = load_scenario(pad, gemeente)
    assert compare_scenario(analyse, scenario).verschil.empty


# --------------------------------------------------------------------------- never published


def test_the_description_names_the_wijk_never_the_name_or_the_location(tmp_path, gemeente):
    pad = _schrijf(
        tmp_path,
        OPVANG
        + "  - open: {naam: Vrouwenopvang Noord, functies: [ontmoeting], x: 172100, y: 493900}\n"
        + "  - open: {naam: Huiskamer Noord, functies: [ontmoeting], x: 172100, y: 493900}\n",
    )
    s = load_scenario(pad, gemeente)
    teksten = [stap.beschrijving(gemeente) for stap in s.stappen]
    assert teksten[0] == (
        f"opvang: 750 plaatsen in wijk Havenkwartier (WK999903) ({LOCATIE_NIET_GEPUBLICEERD})"
    )
    assert teksten[1].startswith("open: nieuwe accommodatie (ontmoeting) in wijk ")
    assert teksten[2].startswith("open: nieuwe accommodatie Huiskamer Noord (ontmoeting) in wijk ")
    for tekst in teksten:
        assert NAAM not in tekst and "Vrouwenopvang" not in tekst
        assert not re.search(r"(?<![\dA-Z])\d{6}", tekst)  # no RD coordinate (a code is no number)


def _sporen(tekst: str) -> list[str]:
    """What in ``tekst`` would give the location away: the name, RD metres as whole numbers
    (also with a thousands dot) and with one decimal (point or comma), and WGS84 latitude and
    longitude to 4 decimals or more (cut off or rounded). One latitude alone is no trace (a
    facility 10 m north or south shares it), both together are."""
    gevonden = []
    if m := re.search(re.escape(NAAM), tekst, re.IGNORECASE):
        gevonden.append(f"naam {m.group(0)!r}")
    for as_, waarde in (("x", X), ("y", Y)):
        geheel = f"{int(waarde)}"
        for patroon in (rf"(?<![\d.]){geheel[:3]}\.?{geheel[3:]}(?!\d)", rf"{geheel}[.,]\d"):
            if m := re.search(patroon, tekst):
                gevonden.append(f"{as_} {m.group(0)!r}")
    lon, lat = Transformer.from_crs(28992, 4326, always_xy=True).transform(X, Y)
    graden = []
    for waarde in (lon, lat):
        varianten = {f"{waarde:.4f}", f"{int(waarde * 1e4) / 1e4:.4f}"}
        graden.append(re.search("|".join(re.escape(v) for v in sorted(varianten)), tekst))
    if all(graden):
        gevonden.append(f"lengte- en breedtegraad {[m.group(0) for m in graden if m]}")
    return gevonden


def test_the_trace_finder_finds_the_name_and_every_form_of_the_coordinates():
    """The privacy test below can fail: every form of the location is found."""
    lon, lat = Transformer.from_crs(28992, 4326, always_xy=True).transform(X, Y)
    for lek in (
        "azc testlocatie",
        "x: 173712",
        "173.712 m",
        "493587,6",
        f"[{lon:.6f}, {lat:.6f}]",
        f"lat {lat:.4f}, lon {lon:.4f}",
    ):
        assert _sporen(f"<p>{lek}</p>"), lek
    # a facility 10 m away on the same latitude, other numbers, codes: no trace
    assert _sporen(f"[5.6480383, {lat:.7f}] 1737120 0.173712 BU99990303 WK999903") == []


def _teksten(map_: Path) -> dict[str, str]:
    """Every written file as text: an XLSX by the XML inside it, other files as bytes read as
    latin-1 (a GeoPackage, a PDF), so every byte can be searched."""
    uit = {}
    for pad in sorted(p for p in map_.rglob("*") if p.is_file()):
        if pad.suffix == ".xlsx":
            with zipfile.ZipFile(pad) as z:
                uit[str(pad)] = "".join(z.read(n).decode("utf-8") for n in z.namelist())
        else:
            uit[str(pad)] = pad.read_bytes().decode("latin-1")
    return uit


@pytest.mark.slow
def test_no_published_product_shows_the_name_or_the_location(tmp_path, demo_opslag):
    """The scenario Excel, the scenario map and maps/index.html, the report: the opvang's
    wijk-level effect is there, its name and coordinates are nowhere."""
    from gebiedsplan.cli import app

    runner = CliRunner()
    scenario = _schrijf(tmp_path, OPVANG)
    opslag = ["--opslag", str(demo_opslag)]
    uitvoer, kaarten = tmp_path / "uitvoer", tmp_path / "maps"
    for args in (
        ["scenario", str(scenario), *opslag, "--uitvoer", str(uitvoer)],
        ["kaart", "demo", "--soort", "scenario", "--scenario", str(scenario), *opslag,
         "--kaarten", str(kaarten)],
        ["rapport", "demo", "--gebied", "Havenkwartier", "--scenario", str(scenario), *opslag,
         "--kaarten", str(kaarten), "--geen-pdf"],
    ):  # fmt: skip
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
        assert NAAM not in result.output
    teksten = _teksten(uitvoer) | _teksten(kaarten)
    # what was written: the Excel, the scenario map, the index and the report (any file names)
    soorten = {
        "excel": list(uitvoer.glob("*.xlsx")),
        "scenariokaart": list(kaarten.glob("scenario_*.html")),
        "index": list(kaarten.glob("index.html")),
        "rapport": list(kaarten.glob("gebiedsplan_*.html")),
    }
    assert all(len(v) == 1 for v in soorten.values()), soorten
    gevonden = {
        Path(pad).name: spoor for pad, tekst in teksten.items() if (spoor := _sporen(tekst))
    }
    assert gevonden == {}
    # the wijk-level effect is shown: 750 more residents in Havenkwartier
    assert "+750" in teksten[str(soorten["rapport"][0])]
