"""The IAB commands: hiaten (filters), scenario (difference per wijk) and locatie, with Excel."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from gebiedsplan.cli import app

REPO = Path(__file__).resolve().parents[1]
runner = CliRunner()


def _tekst(output: str) -> str:
    return " ".join(re.sub(r"[│┃╭╮╰╯─━┏┓┗┛┡┩└┘┌┐╇┳┻╋]", " ", output).split())


@pytest.fixture(scope="module")
def werkmap(tmp_path_factory, demo_opslag):
    """A working folder whose layer store holds the demo (as after 'gebiedsplan demo')."""
    map_ = tmp_path_factory.mktemp("iab")
    (map_ / "lagen" / "store").mkdir(parents=True)
    for bestand in demo_opslag.parent.iterdir():
        if bestand.is_dir():  # e.g. the compiled network another test's analysis kept there
            shutil.copytree(bestand, map_ / "lagen" / "store" / bestand.name)
        else:
            shutil.copy2(bestand, map_ / "lagen" / "store" / bestand.name)
    return map_


def test_hiaten_filters_by_category_and_threshold(werkmap, monkeypatch):
    monkeypatch.chdir(werkmap)
    result = runner.invoke(app, ["hiaten", "demo", "--categorie", "huisarts", "--drempel", "20"])
    assert result.exit_code == 0, result.output
    tekst = _tekst(result.output)
    assert "(2 rijen)" in tekst and "Beekdal" in tekst and "Oeverwijk" in tekst
    boek = openpyxl.load_workbook(
        werkmap / "uitvoer" / "hiaten_GM9999_wijk_huisarts_drempel20.xlsx"
    )
    assert boek.sheetnames == ["Hiaten per wijk", "Kolommen", "Toelichting", "Bronnen"]
    rijen = list(boek["Hiaten per wijk"].values)
    kop = rijen[0]
    assert kop[0] == "Wijkcode" and "Hiaatscore (0-100)" in kop
    assert [r[0] for r in rijen[1:]] == ["WK999906", "WK999904"]  # ranked


def test_hiaten_per_buurt_for_one_wijk(werkmap, monkeypatch):
    monkeypatch.chdir(werkmap)
    result = runner.invoke(app, ["hiaten", "demo", "--niveau", "buurt", "--wijk", "WK999906"])
    assert result.exit_code == 0, result.output
    boek = openpyxl.load_workbook(werkmap / "uitvoer" / "hiaten_GM9999_buurt_wk999906.xlsx")
    codes = {r[0] for r in list(boek["Hiaten per buurt"].values)[1:]}
    assert codes == {"BU99990601", "BU99990602", "BU99990603", "BU99990604"}


def test_hiaten_unknown_category_is_named(werkmap, monkeypatch):
    monkeypatch.chdir(werkmap)
    result = runner.invoke(app, ["hiaten", "demo", "--categorie", "casino"])
    assert result.exit_code == 1
    assert "Onbekende categorie 'casino'" in _tekst(result.output)


def test_scenario_reports_the_difference_per_wijk(werkmap, monkeypatch):
    monkeypatch.chdir(werkmap)
    result = runner.invoke(
        app, ["scenario", str(REPO / "wijken/scenarios/demo_sluit_havenhuis.yml")]
    )
    assert result.exit_code == 0, result.output
    tekst = _tekst(result.output)
    assert "Scenario sluit-havenhuis" in tekst and "Havenkwar" in tekst  # narrow terminal
    boek = openpyxl.load_workbook(werkmap / "uitvoer" / "scenario_sluit_havenhuis_GM9999.xlsx")
    assert boek.sheetnames[:3] == ["Verschil per wijk", "Hiaten scenario", "Hiaten nu"]
    eerste = list(boek["Verschil per wijk"].values)[1]
    assert eerste[:2] == ("WK999903", "ontmoeting")


def test_bad_scenario_file_fails_naming_the_line(werkmap, monkeypatch, tmp_path):
    monkeypatch.chdir(werkmap)
    pad = tmp_path / "kapot.yml"
    pad.write_text("scenario: kapot\ngemeente: demo\nstappen:\n  - sluit: {accommodatie: acc999}\n")
    result = runner.invoke(app, ["scenario", str(pad)])
    assert result.exit_code == 1
    assert "regel 4: onbekende accommodatie 'acc999'" in _tekst(result.output)
    assert not (werkmap / "uitvoer" / "scenario_kapot_GM9999.xlsx").exists()


def test_kaart_and_rapport_commands(werkmap, monkeypatch):
    monkeypatch.chdir(werkmap)
    result = runner.invoke(app, ["kaart", "demo", "--soort", "gebied", "--gebied", "Havenkwartier"])
    assert result.exit_code == 0, result.output
    assert (werkmap / "maps" / "gebied_GM9999_havenkwartier.html").is_file()
    result = runner.invoke(app, ["kaart", "demo", "--soort", "bereik"])
    assert result.exit_code == 1 and "--voorziening" in _tekst(result.output)
    result = runner.invoke(app, ["rapport", "demo", "--gebied", "Havenkwartier", "--geen-pdf"])
    assert result.exit_code == 0, result.output
    rapport = werkmap / "maps" / "gebiedsplan_GM9999_havenkwartier.html"
    assert rapport.is_file()
    index = (werkmap / "maps" / "index.html").read_text(encoding="utf-8")
    assert "gebied_GM9999_havenkwartier.html" in index
    assert "gebiedsplan_GM9999_havenkwartier.html" in index
    result = runner.invoke(app, ["rapport", "demo", "--gebied", "Atlantis", "--geen-pdf"])
    assert result.exit_code == 1 and "Atlantis" in _tekst(result.output)


def test_index_noemt_de_nieuwe_kaart_en_geen_half_werk(werkmap, monkeypatch):
    """The index is written in the same run as the map, before the map has landed, and lists
    it; the hidden temporary page of a run that is still writing is never listed (nor
    removed: its process runs)."""
    import os

    monkeypatch.chdir(werkmap)
    (werkmap / "maps").mkdir(exist_ok=True)
    bezig = werkmap / "maps" / f".hiaten_GM0001.html.{os.getpid()}-abcd1234.html"
    bezig.write_text(
        '<html><head><meta name="gebiedsplan:titel" content="Half werk"></head></html>',
        encoding="utf-8",
    )
    result = runner.invoke(app, ["kaart", "demo", "--soort", "voorzieningen"])
    assert result.exit_code == 0, result.output
    index = (werkmap / "maps" / "index.html").read_text(encoding="utf-8")
    assert 'href="voorzieningen_GM9999.html"' in index
    assert "Half werk" not in index and ".hiaten_GM0001" not in index
    assert bezig.exists()
    bezig.unlink()


def test_kaart_bereik_en_groen_draw_what_the_analysis_computed(werkmap, monkeypatch, gemeente):
    monkeypatch.chdir(werkmap)
    result = runner.invoke(app, ["kaart", "demo", "--soort", "bereik", "--voorziening", "vz0001"])
    assert result.exit_code == 0, result.output
    pagina = (werkmap / "maps" / "bereik_GM9999_vz0001.html").read_text(encoding="utf-8")
    naam = gemeente.voorzieningen.loc["vz0001", "naam"]
    assert f"<title>Bereik van {naam}</title>" in pagina
    result = runner.invoke(app, ["kaart", "demo", "--soort", "groen"])
    assert result.exit_code == 0, result.output
    assert (werkmap / "maps" / "groen_GM9999.html").is_file()
    # a sensitive site: refused by the publishing profile before anything is computed
    opvang = gemeente.voorzieningen.index[gemeente.voorzieningen["categorie"] == "opvang"][0]
    result = runner.invoke(app, ["kaart", "demo", "--soort", "bereik", "--voorziening", opvang])
    assert result.exit_code == 1
    assert "wordt volgens het publicatieprofiel niet gepubliceerd" in _tekst(result.output)
    assert not (werkmap / "maps" / f"bereik_GM9999_{opvang}.html").exists()


def test_rapport_met_scenario_rekent_het_scenario_door(werkmap, monkeypatch):
    monkeypatch.chdir(werkmap)
    scenario = str(REPO / "wijken" / "scenarios" / "demo_havenkwartier.yml")
    result = runner.invoke(
        app, ["rapport", "demo", "--gebied", "Havenkwartier", "--scenario", scenario, "--geen-pdf"]
    )
    assert result.exit_code == 0, result.output
    # the scenario is in the file name: the report without it stays as it was
    naam = "gebiedsplan_GM9999_havenkwartier_scenario_havenkwartier_2040.html"
    pagina = (werkmap / "maps" / naam).read_text(encoding="utf-8")
    assert '<section id="scenario"' in pagina and "Scenario: havenkwartier-2040" in pagina


def test_wijken_on_every_command_that_analyses(werkmap, monkeypatch):
    """--wijken works the same everywhere: residents outside the chosen wijken are not
    analysed, a gebied made of them gets no score and the summary says why."""
    monkeypatch.chdir(werkmap)
    result = runner.invoke(
        app, ["hiaten", "demo", "--niveau", "gebied", "--wijken", "WK999901,WK999902"]
    )
    assert result.exit_code == 0, result.output
    tekst = _tekst(result.output)
    # Pilot Noord is these two wijken: scored; Pilot Zuid lies outside them: no score, and why
    assert "Pilot Zuid: niet geanalyseerd: alle" in tekst
    assert "inwoners wonen buiten de gekozen wijken; daarom geen hiaatscore." in tekst
    assert "Geanalyseerd: 19.685 van de 19.685 inwoners van de gekozen wijken (100%)." in tekst
    assert "31.697 inwoners wonen buiten de gekozen wijken (--wijken)" in tekst
    boek = openpyxl.load_workbook(
        werkmap / "uitvoer" / "hiaten_GM9999_gebied_wijken_wk999901_wk999902.xlsx"
    )
    rijen = list(boek["Hiaten per gebied"].values)
    kop = list(rijen[0])
    zuid = [r for r in rijen[1:] if r[0] == "Pilot Zuid"]
    assert len(zuid) == 10
    for r in zuid:
        assert r[kop.index("Hiaatscore (0-100)")] is None and r[kop.index("Rang")] is None
        assert r[kop.index("Dekking wegennet")] == "geen netwerk"
        assert r[kop.index("Waarom geen hiaatscore")].endswith("daarom geen hiaatscore")
    toelichting = "\n".join(str(r[0]) for r in boek["Toelichting"].values)
    assert "Inwoners geanalyseerd" in toelichting and "Dekking wegennet" in toelichting
    assert "Voorzieningenlaag mogelijk onvolledig: Kinderopvang: 8 in de gemeente" in toelichting
    for args in (
        ["locatie", "demo", "--categorie", "ontmoeting", "--gebied", "Pilot Noord"],
        ["kaart", "demo", "--soort", "hiaten"],
        ["rapport", "demo", "--gebied", "Pilot Noord", "--geen-pdf"],
        ["scenario", str(REPO / "wijken/scenarios/demo_sluit_havenhuis.yml")],
    ):
        result = runner.invoke(app, [*args, "--wijken", "WK999901,WK999902"])
        assert result.exit_code == 0, (args, result.output)
        tekst = _tekst(result.output)
        if args[0] == "locatie":
            assert "Alleen de 19.685 van 19.685 inwoners" not in tekst
            assert "Alle 19.685 inwoners zijn geanalyseerd." in tekst
        else:
            assert "Geanalyseerd: 19.685 van de 19.685 inwoners van de gekozen" in tekst, args


def test_completeness_warning_names_count_range_and_source(werkmap, monkeypatch):
    monkeypatch.chdir(werkmap)
    result = runner.invoke(app, ["hiaten", "demo"])
    assert result.exit_code == 0, result.output
    tekst = _tekst(result.output)
    assert "Geanalyseerd: 51.382 van 51.382 inwoners (100%)." in tekst
    assert (
        "Let op, voorzieningenlaag mogelijk onvolledig: Kinderopvang: 8 in de gemeente (1,56 per "
        "10.000 inwoners), verwacht ca. 27 (landelijk 5,21 per 10.000; mogelijk onvolledig onder "
        "13). Bron: DUO Landelijk Register Kinderopvang"
    ) in tekst
    assert "* voorzieningenlaag mogelijk onvolledig (zie hieronder)" in tekst


def test_ruimte_havenkwartier_before_and_after_the_programme(werkmap, monkeypatch):
    """Floor space of gebied Havenkwartier (by hand, see tests/test_vloeroppervlak.py): 279
    homes now, 7,279 after the programme; ontmoeting needs 279 x 0.125 = 34.875 m² now and
    909.875 after, of which the opened MFA (2,500 m² over four functions) gives 625."""
    monkeypatch.chdir(werkmap)
    monkeypatch.setenv("COLUMNS", "80")
    scenario = str(REPO / "wijken" / "scenarios" / "demo_havenkwartier.yml")
    result = runner.invoke(
        app, ["ruimte", "demo", "--gebied", "havenkwartier", "--scenario", scenario]
    )
    assert result.exit_code == 0, result.output
    tekst = _tekst(result.output)
    assert "Havenkwartier: 279 woningen" in tekst and "na het programma 7.279" in tekst
    assert "Huisarts 28 0 728 625 103" in tekst  # 279 x 0.1; 7,279 x 0.1; MFA 625
    assert "7 van de 9 normen zijn aannames" in tekst
    boek = openpyxl.load_workbook(
        werkmap / "uitvoer" / "ruimte_GM9999_gebied_havenkwartier_havenkwartier_2040.xlsx"
    )
    assert boek.sheetnames[:3] == [
        "Vloeroppervlak per gebied nu",
        "Na scenario havenkwartier-2040",
        "Vloernormen",
    ]
    rijen = list(boek["Na scenario havenkwartier-2040"].values)
    kop, ontmoeting = rijen[0], dict(zip(rijen[0], rijen[1], strict=True))
    assert all(isinstance(k, str) and "_" not in k for k in kop)  # Dutch headers
    waarden = sorted(v for v in ontmoeting.values() if isinstance(v, float | int))
    assert 909.875 in waarden and 625 in waarden and 7279 in waarden
    # a gebied that does not exist: a Dutch error with a suggestion, nothing written
    result = runner.invoke(app, ["ruimte", "demo", "--gebied", "havenkwartir"])
    assert result.exit_code == 1 and "Bedoelde u" in result.output
