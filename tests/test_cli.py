"""The ``gebiedsplan`` command line (typer), run in-process with CliRunner in temporary folders."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import gebiedsplan
from gebiedsplan.cli import app

REPO = Path(__file__).resolve().parents[1]
DEMO_YML = REPO / "wijken" / "demo.yml"
PRODUCTEN = ("hiaten_GM9999.csv", "hiaten_GM9999.xlsx", "hiaten_GM9999.gpkg")

runner = CliRunner()


def _tekst(output: str) -> str:
    """Output with rich's box drawing removed and all whitespace (line wraps) collapsed."""
    return " ".join(re.sub(r"[│┃╭╮╰╯─━┏┓┗┛┡┩└┘┌┐╇┳┻╋┃]", " ", output).split())


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    """``gebiedsplan demo`` once, in an empty working folder."""
    cwd = tmp_path_factory.mktemp("cli_demo")
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(cwd)
        result = runner.invoke(app, ["demo", "--uitvoer", "U", "--kaarten", "K", "--opslag", "S"])
    return cwd, result


# --------------------------------------------------------------------------------------------
# help and version
# --------------------------------------------------------------------------------------------


def test_help_noemt_commando_s_in_het_nederlands(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0, result.output
    tekst = _tekst(result.output)
    assert re.search(r"\bdemo\b", tekst) and re.search(r"\banalyse\b", tekst)
    assert "Begin met 'gebiedsplan demo'" in tekst
    assert "Maak de synthetische demogemeente Rivierstad" in tekst
    assert "Draai bereikbaarheid, hiatentabel en kaart" in tekst
    assert "Toon de versie." in tekst


def test_zonder_argumenten_toont_hulp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, [])
    assert "Usage" in result.output
    assert "analyse" in result.output


def test_demo_help(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["demo", "--help"])
    assert result.exit_code == 0, result.output
    tekst = _tekst(result.output)
    for optie in ("--uitvoer", "--kaarten", "--opslag"):
        assert optie in tekst
    assert "Map voor de HTML-kaarten." in tekst
    assert "Werkt zonder internet." in tekst
    assert list(tmp_path.iterdir()) == []  # help writes nothing


def test_versie(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["--versie"])
    assert result.exit_code == 0
    with open(REPO / "pyproject.toml", "rb") as f:
        versie = tomllib.load(f)["project"]["version"]
    assert result.output.strip() == f"gebiedsplan {versie}"
    assert gebiedsplan.__version__ == versie


# --------------------------------------------------------------------------------------------
# demo
# --------------------------------------------------------------------------------------------


def test_demo_slaagt(demo_run):
    _, result = demo_run
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 0, result.output


def test_demo_schrijft_alle_producten(demo_run):
    cwd, _ = demo_run
    assert (cwd / "K" / "hiaten_GM9999.html").is_file()
    for naam in PRODUCTEN:
        assert (cwd / "U" / naam).is_file(), naam
    assert (cwd / "S" / "GM9999.gpkg").is_file()
    assert (cwd / "S" / "GM9999_groen_10m.tif").is_file()
    # nothing in the default folders, no temporary files
    assert sorted(p.name for p in cwd.iterdir()) == ["K", "S", "U"]
    assert sorted(p.name for p in (cwd / "U").iterdir()) == sorted(PRODUCTEN)
    assert sorted(p.name for p in (cwd / "K").iterdir()) == ["hiaten_GM9999.html", "index.html"]
    index = (cwd / "K" / "index.html").read_text(encoding="utf-8")
    assert "hiaten_GM9999.html" in index
    assert sorted(p.name for p in (cwd / "S").iterdir()) == [
        "GM9999.gpkg",
        "GM9999_groen_10m.tif",
        "GM9999_netwerk",  # the compiled street network, kept for the next run
    ]
    assert len(list((cwd / "S" / "GM9999_netwerk").glob("netwerk_lopen_*.npz"))) == 1


def test_demo_producten_inhoud(demo_run):
    cwd, _ = demo_run
    tabel = pd.read_csv(cwd / "U" / "hiaten_GM9999.csv")
    assert len(tabel) == 60
    assert tabel["wijkcode"].nunique() == 6 and tabel["categorie"].nunique() == 10
    kaart = (cwd / "K" / "hiaten_GM9999.html").read_text(encoding="utf-8")
    assert "<title>Hiaten sociale basis - Rivierstad (synthetisch)</title>" in kaart
    assert "Maatschappelijke opvang De Haven" not in kaart


def test_demo_samenvatting_en_waarschuwing(demo_run):
    _, result = demo_run
    tekst = _tekst(result.output)
    assert "Grootste hiaat per voorziening - Rivierstad (synthetisch)" in tekst
    assert "Let op: synthetische demogegevens, geen echte situatie." in tekst
    assert "6 wijken, 26 buurten" in tekst
    for kop in ("Voorziening", "Wijk", "Hiaatscore", "Binnen norm"):
        assert kop in tekst
    # the deliberate gaps of the demo are in the summary
    assert "Oeverwijk" in tekst and "Beekdal" in tekst


# --------------------------------------------------------------------------------------------
# analyse
# --------------------------------------------------------------------------------------------


def test_analyse_op_de_demo_opslag(demo_run, tmp_path, monkeypatch):
    cwd, _ = demo_run
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(
        app,
        [
            "analyse",
            str(DEMO_YML),
            "--opslag",
            str(cwd / "S" / "GM9999.gpkg"),
            "--uitvoer",
            "U2",
            "--kaarten",
            "K2",
        ],
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "K2" / "hiaten_GM9999.html").is_file()
    for naam in PRODUCTEN:
        assert (tmp_path / "U2" / naam).is_file(), naam
    tekst = _tekst(result.output)
    assert "Grootste hiaat per voorziening - Rivierstad (synthetisch)" in tekst
    assert "synthetisch" in tekst.lower()
    # same store, same gap table as the demo run
    pd.testing.assert_frame_equal(
        pd.read_csv(tmp_path / "U2" / "hiaten_GM9999.csv"),
        pd.read_csv(cwd / "U" / "hiaten_GM9999.csv"),
    )


def test_analyse_onbekende_buurt_faalt_zonder_uitvoer(demo_run, tmp_path, monkeypatch):
    cwd, _ = demo_run
    monkeypatch.chdir(tmp_path)
    spec = DEMO_YML.read_text(encoding="utf-8")
    assert "BU99990502]" in spec
    kapot = tmp_path / "kapot.yml"
    kapot.write_text(spec.replace("BU99990502]", "BU99990599]"), encoding="utf-8")
    result = runner.invoke(
        app,
        [
            "analyse",
            str(kapot),
            "--opslag",
            str(cwd / "S" / "GM9999.gpkg"),
            "--uitvoer",
            "U3",
            "--kaarten",
            "K3",
        ],
    )
    assert result.exit_code == 1, result.output
    tekst = _tekst(result.output)
    assert "Fout" in tekst
    assert "BU99990599" in tekst
    assert "Pilot Zuid" in tekst
    assert "Er is niets (half) weggeschreven." in tekst
    for map_ in ("U3", "K3"):
        assert not (tmp_path / map_).exists() or not any((tmp_path / map_).iterdir()), map_
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kapot.yml"]


def test_analyse_zonder_opslag_verwijst_naar_demo(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(
        app,
        [
            "analyse",
            str(DEMO_YML),
            "--opslag",
            str(tmp_path / "bestaat_niet.gpkg"),
            "--uitvoer",
            "U",
            "--kaarten",
            "K",
        ],
    )
    assert result.exit_code == 1, result.output
    tekst = _tekst(result.output)
    assert "Fout" in tekst
    assert "bestaat_niet.gpkg" in tekst
    assert "gebiedsplan demo" in tekst
    assert list(tmp_path.iterdir()) == []


def test_analyse_standaard_opslag_ontbreekt(tmp_path, monkeypatch):
    """Without --opslag the store is lagen/store/GM9999.gpkg in the working folder: absent here."""
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["analyse", str(DEMO_YML), "--uitvoer", "U", "--kaarten", "K"])
    assert result.exit_code == 1, result.output
    tekst = _tekst(result.output)
    assert "GM9999.gpkg" in tekst
    assert "gebiedsplan demo" in tekst
    assert list(tmp_path.iterdir()) == []


def test_analyse_onbekend_gemeentebestand(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["analyse", str(tmp_path / "nergens.yml")])
    assert result.exit_code == 1, result.output
    tekst = _tekst(result.output)
    assert "Fout" in tekst and "nergens.yml" in tekst and "bestaat niet" in tekst
    assert list(tmp_path.iterdir()) == []
