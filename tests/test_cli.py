"""The ``gebiedsplan`` command line (typer), run in-process with CliRunner in temporary folders."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import gebiedsplan
import gebiedsplan.cli
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
    assert "Gebruik: gebiedsplan" in result.output and "Usage" not in result.output
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


def test_importeer_en_ophalen_help_noemen_vervang(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for opdracht in ("importeer", "ophalen"):
        result = runner.invoke(app, [opdracht, "--help"])
        assert result.exit_code == 0, result.output
        tekst = _tekst(result.output)
        assert "--vervang" in tekst
        assert "Vervang deze laag helemaal (herhaalbaar)" in tekst
        assert "de samenvatting toont per laag en bron de rijen voor en na" in tekst.lower()
    assert list(tmp_path.iterdir()) == []


def test_importeer_register_in_de_demo_opslag_houdt_de_rest(demo_run, tmp_path, monkeypatch):
    """Offline: a register added to the demo store keeps the demo's facilities, says so per
    source, and the gemeente is still synthetic (every source made up)."""
    import shutil

    cwd, _ = demo_run
    opslag = tmp_path / "GM9999.gpkg"
    shutil.copy(cwd / "S" / "GM9999.gpkg", opslag)
    register = tmp_path / "welzijn_2025.csv"
    register.write_text(
        "Naam;Soort;X;Y\nHuiskamer Oost;Buurthuis;172500;492500\n", encoding="utf-8"
    )
    koppeling = tmp_path / "welzijn.yml"
    koppeling.write_text(
        "laag: voorzieningen\nprefix: welzijn\nkolommen: {naam: Naam, categorie: Soort}\n"
        "waarden: {categorie: {Buurthuis: ontmoeting}}\nlocatie: {x: X, y: Y, crs: EPSG:28992}\n"
        "herkomst: {bron: Welzijnsregister (test), synthetisch: true}\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    # one table row per line; never set console.width: undoing it would fix the width at 80
    monkeypatch.setenv("COLUMNS", "200")
    args = ["importeer", "--gemeente", "GM9999", "--jaar", "2024", "--opslag", str(opslag)]
    result = runner.invoke(app, [*args, "--register", str(register), "--koppeling", str(koppeling)])
    assert result.exit_code == 0, result.output
    tekst = _tekst(result.output)
    n = len(
        gebiedsplan.load_lagen(cwd / "S" / "GM9999.gpkg", lagen=["voorzieningen"])[0][
            "voorzieningen"
        ]
    )
    assert f"voorzieningen gebiedsplan demo-generator {n} {n} behouden" in tekst
    assert "voorzieningen Welzijnsregister (test) 0 1 toegevoegd" in tekst
    assert "wijken gebiedsplan demo-generator 6 6 ongewijzigd" in tekst
    gemeente = gebiedsplan.load_gemeente(DEMO_YML, opslag=opslag)
    assert len(gemeente.voorzieningen) == n + 1
    assert gemeente.voorzieningen.loc["welzijn:2", "bron"] == "Welzijnsregister (test)"
    assert gemeente.titel == "Rivierstad (synthetisch)"
    assert gemeente.synthetisch_tekst() == "Synthetische demogegevens, geen echte situatie."


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


def test_demo_geopackage_voor_qgis(demo_run):
    """The README's main command writes the GeoPackage for QGIS with every level, the
    publishable facilities and a style per spatial layer."""
    import sqlite3

    import pyogrio

    cwd, _ = demo_run
    gpkg = cwd / "U" / "hiaten_GM9999.gpkg"
    aantallen = {
        str(r[0]): pyogrio.read_info(gpkg, layer=str(r[0]))["features"]
        for r in pyogrio.list_layers(gpkg)
    }
    assert aantallen["hiaten_wijk"] == 6 and aantallen["hiaten_buurt"] == 26
    assert aantallen["hiaten_gebied"] == 3 and aantallen["hiaten_wijk_tabel"] == 60
    assert aantallen["voorzieningen"] > 0
    with sqlite3.connect(gpkg) as db:
        standaard = db.execute(
            "select f_table_name from layer_styles where useAsDefault = 1"
        ).fetchall()
    assert sorted(r[0] for r in standaard) == [
        "hiaten_buurt",
        "hiaten_gebied",
        "hiaten_wijk",
        "voorzieningen",
    ]


def test_demo_producten_inhoud(demo_run):
    cwd, _ = demo_run
    tabel = pd.read_csv(cwd / "U" / "hiaten_GM9999.csv", sep=";", encoding="utf-8-sig")
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
    # who was analysed (everybody: the demo's network is complete) and the one thin layer
    assert "Geanalyseerd: 51.382 van 51.382 inwoners (100%)." in tekst
    assert "Geen hiaatscore" not in tekst
    assert "Let op, voorzieningenlaag mogelijk onvolledig: Kinderopvang: 8 in de gemeente" in tekst


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
        pd.read_csv(tmp_path / "U2" / "hiaten_GM9999.csv", sep=";", decimal=","),
        pd.read_csv(cwd / "U" / "hiaten_GM9999.csv", sep=";", decimal=","),
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
