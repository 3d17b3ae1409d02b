"""From real Arnhem files to the layer store and the spine: importeer, analyse, map (skips without data)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import gebiedsplan.importeren as importeren
from gebiedsplan.analyse.run import run_analyse
from gebiedsplan.bronnen import Laag, osm, pdok
from gebiedsplan.cli import app
from gebiedsplan.gemeente import load_gemeente
from gebiedsplan.kaarten import make_kaart
from gebiedsplan.store import load_lagen

REPO = Path(__file__).resolve().parents[1]
REGISTERS = REPO / "wijken" / "registers"
#: Wijken the Geofabrik road extract in ../shared covers (>= 95% of residents within 250 m).
NETWERK_WIJKEN = ["WK020206", "WK020207", "WK020209", "WK020212"]


@pytest.fixture(scope="module")
def arnhem_opslag(tmp_path_factory, arnhem_bestanden):
    invoer = importeren.import_files("GM0202", jaar=2024, **arnhem_bestanden)
    return invoer, importeren.write_invoer(invoer, opslag=tmp_path_factory.mktemp("store"))


def test_import_files_reads_every_layer(arnhem_opslag):
    invoer, _ = arnhem_opslag
    lagen = invoer.lagen
    assert len(lagen["wijken"].data) == 24
    assert len(lagen["buurten"].data) == 83
    buurten = lagen["buurten"].data
    # CBS figures joined; the one buurt without figures stays missing, never 0
    assert int(buurten["aantal_inwoners"].sum()) == 167_470
    assert pd.isna(buurten.loc["BU02020338", "aantal_inwoners"])
    assert int(buurten["inwoners_65_jaar_en_ouder"].sum()) == 27_130
    # demand points carry every inhabitant of the buurten with figures
    assert int(lagen["vraagpunten"].data["inwoners"].sum()) == 167_470
    # facilities from OSM (parks, libraries) and the fictitious register, one layer
    voorz = lagen["voorzieningen"].data
    uit_register = voorz.index.str.startswith("VZ-")
    assert uit_register.sum() == 37  # every row of the fictitious register
    assert (voorz.loc[~uit_register, "bron"].str.contains("OpenStreetMap")).all()
    # 5 libraries in the POI file; Bibliotheek Oosterbeek lies outside the gemeente
    assert voorz["categorie"].value_counts()["bibliotheek"] == 4
    assert "OpenStreetMap" in lagen["voorzieningen"].herkomst.bron
    assert "fictief" in lagen["voorzieningen"].herkomst.bron
    assert lagen["voorzieningen"].herkomst.synthetisch  # part of it is made up, and it says so
    # health: every buurt but the two RIVM suppressed has 18+ values
    gez = lagen["gezondheid"].data
    volw = gez[(gez["leeftijd"] == "18+") & gez["code"].str.startswith("BU")]
    zonder = set(volw.loc[volw["waarde"].isna(), "code"])
    assert zonder == {"BU02020338", "BU02020529"}
    assert len(lagen["netwerk"].data) > 3000


def test_arnhem_gemeente_file_loads_on_the_store(arnhem_opslag):
    _, gpkg = arnhem_opslag
    gemeente = load_gemeente(REPO / "wijken" / "arnhem.yml", opslag=gpkg)
    assert gemeente.code == "GM0202"
    noordwest = gemeente.gebieden["Noordwest-Arnhem"]
    wijken_nw = {"WK020206", "WK020207", "WK020212", "WK020213", "WK020214", "WK020215"}
    assert set(gemeente.buurten.loc[list(noordwest.buurten), "wijkcode"]) == wijken_nw
    assert set(gemeente.buurten.loc[list(gemeente.gebieden["RKV"].buurten), "wijkcode"]) == {
        "WK020219",
        "WK020223",
    }
    rijnpark = gemeente.gebieden["Rijnpark"]
    assert rijnpark.buurten == ("BU02020322",) and rijnpark.benadering


def test_spine_runs_on_arnhem(arnhem_opslag):
    _, gpkg = arnhem_opslag
    gemeente = load_gemeente(REPO / "wijken" / "arnhem.yml", opslag=gpkg)
    analyse = run_analyse(gemeente, wijken=NETWERK_WIJKEN)
    hiaten = analyse.hiaten
    assert set(hiaten.index.get_level_values("wijkcode")) == set(NETWERK_WIJKEN)
    assert len(hiaten) == 4 * 10
    # the residents of these wijken are the CBS figures of their buurten
    inwoners = gemeente.buurten.loc[
        gemeente.buurten["wijkcode"].isin(NETWERK_WIJKEN), "aantal_inwoners"
    ].sum()
    assert hiaten.xs("huisarts", level="categorie")["inwoners"].sum() == inwoners
    # nearly everybody reaches the network in these wijken
    onbereikbaar = hiaten.xs("huisarts", level="categorie")["inwoners_onbereikbaar"].sum()
    assert onbereikbaar / inwoners < 0.02
    html = make_kaart(gemeente, hiaten).get_root().render()
    assert "Klarendal" in html and "niet berekend" in html  # the other wijken say so


def test_cli_importeer_and_analyse_on_arnhem(tmp_path, monkeypatch, arnhem_bestanden):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    b = arnhem_bestanden
    args = ["importeer", "--gemeente", "GM0202", "--jaar", "2024", "--opslag", "S/GM0202.gpkg"]
    for p in b["grenzen"]:
        args += ["--grenzen", str(p)]
    for p in b["kerncijfers"]:
        args += ["--kerncijfers", str(p)]
    args += ["--gezondheid", str(b["gezondheid"]), "--gezondheid-jaar", "2020"]
    args += ["--voorzieningen", str(b["voorzieningen"][0])]
    for reg, kop in b["registers"]:
        args += ["--register", str(reg), "--koppeling", str(kop)]
    args += ["--netwerk", str(b["netwerk"]), "--netwerk-laag", "roads"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    lagen, herkomst = load_lagen(tmp_path / "S" / "GM0202.gpkg")
    assert set(lagen) == {
        "wijken",
        "buurten",
        "gezondheid",
        "voorzieningen",
        "accommodaties",
        "netwerk",
        "vraagpunten",
    }
    assert "CBS" in herkomst["buurten"].bron
    result = runner.invoke(
        app,
        [
            "analyse",
            str(REPO / "wijken" / "arnhem.yml"),
            "--opslag",
            "S/GM0202.gpkg",
            "--wijken",
            ",".join(NETWERK_WIJKEN),
        ],
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "maps" / "hiaten_GM0202.html").exists()
    tabel = pd.read_csv(tmp_path / "uitvoer" / "hiaten_GM0202.csv")
    assert sorted(tabel["wijkcode"].unique()) == sorted(NETWERK_WIJKEN)


def test_cli_importeer_register_without_koppeling_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(
        app,
        [
            "importeer",
            "--gemeente",
            "GM0202",
            "--jaar",
            "2024",
            "--register",
            str(REGISTERS / "arnhem_voorzieningen_voorbeeld.csv"),
        ],
    )
    assert result.exit_code == 1
    assert "1 --register maar 0 --koppeling" in " ".join(result.output.split())
    assert not (tmp_path / "lagen").exists()


def test_cli_importeer_without_files_is_an_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["importeer", "--gemeente", "GM0202", "--jaar", "2024"])
    assert result.exit_code == 1
    assert "Geen bestanden opgegeven" in " ".join(result.output.split())


def test_import_of_facilities_without_boundaries_says_what_is_missing():
    with pytest.raises(ValueError, match="Eerst wijk- en buurtgrenzen nodig"):
        importeren.import_files("GM0202", jaar=2024, voorzieningen=[Path("x.osm")])


def test_wrong_gemeentecode_is_refused():
    with pytest.raises(ValueError, match="GM202"):
        importeren.import_files("GM202", jaar=2024)


def test_fetch_online_wires_every_source(monkeypatch, demo):
    """ophalen: every online loader is asked for the right gemeente and year (sources stubbed)."""
    asked: dict[str, tuple] = {}

    def laag(naam):
        return Laag(naam, demo.lagen[naam], demo.herkomst[naam])

    def fake_grenzen(code, *, jaar):
        asked["pdok"] = (code, jaar)
        return {"wijken": laag("wijken"), "buurten": laag("buurten")}

    def fake_kerncijfers(code, *, jaar):
        asked["cbs"] = (code, jaar)
        kern = demo.buurten[["aantal_inwoners"]].rename_axis("code")
        return importeren.cbs.Kerncijfers(kern, demo.herkomst["buurten"], jaar)

    def fake_gezondheid(code, *, jaar):
        asked["rivm"] = (code, jaar)
        return laag("gezondheid")

    monkeypatch.setattr(pdok, "fetch_wijken_buurten", fake_grenzen)
    monkeypatch.setattr(importeren.cbs, "fetch_kerncijfers", fake_kerncijfers)
    monkeypatch.setattr(importeren.rivm, "fetch_gezondheid", fake_gezondheid)
    monkeypatch.setattr(osm, "fetch_voorzieningen", lambda vlak, naam: laag("voorzieningen"))
    monkeypatch.setattr(osm, "fetch_groen", lambda vlak, naam: laag("groen"))
    monkeypatch.setattr(osm, "fetch_netwerk", lambda vlak, modus, naam: laag("netwerk"))
    invoer = importeren.fetch_online("GM9999", jaar=2024)
    assert asked == {"pdok": ("GM9999", 2024), "cbs": ("GM9999", 2024), "rivm": ("GM9999", 2024)}
    assert set(invoer.lagen) == {
        "wijken",
        "buurten",
        "gezondheid",
        "voorzieningen",
        "groen",
        "netwerk",
        "vraagpunten",
    }
    assert invoer.groen_raster is not None  # rasterised from the green polygons
    assert int(invoer.lagen["vraagpunten"].data["inwoners"].sum()) == int(
        demo.buurten["aantal_inwoners"].sum()
    )


def test_latest_health_year():
    assert importeren.latest_health_year(2024) == 2024
    assert importeren.latest_health_year(2023) == 2022
    assert importeren.latest_health_year(2019) == 2016
