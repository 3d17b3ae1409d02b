"""Adding years to a store (gebiedsplan.importeren.jaarlagen): an older year goes to the trend
layers and leaves the current ones, a newer indeling keeps the old polygons for the years that
used them, health years beside key figures; the real Arnhem files where they are."""

from __future__ import annotations

import shutil
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from typer.testing import CliRunner

import gebiedsplan as gp
from gebiedsplan.analyse.trend import compute_trend, herindeel
from gebiedsplan.bronnen import Laag
from gebiedsplan.bronnen.demo import HERKOMST, SPLITSING
from gebiedsplan.cli import app
from gebiedsplan.errors import GebiedsplanError
from gebiedsplan.importeren import Invoer, import_files, opgeslagen_jaar, write_invoer
from gebiedsplan.store import load_lagen

ARNHEM = Path(__file__).resolve().parents[2] / "shared" / "data" / "arnhem"
OUD, NIEUW = next(iter(SPLITSING.items()))


def _oude_buurten(demo_opslag, jaar: int) -> gpd.GeoDataFrame:
    """The buurten of indeling 2019 with the key figures of ``jaar`` as columns, the way a
    Wijk- en Buurtkaart of that year would give them."""
    lagen = load_lagen(demo_opslag, lagen=["buurten_indeling", "kerncijfers_jaren", "buurten"])[0]
    vlakken = lagen["buurten_indeling"].set_index("buurtcode")
    kern = lagen["kerncijfers_jaren"]
    breed = kern[kern["jaar"] == jaar].pivot(
        index="buurtcode", columns="indicator", values="waarde"
    )
    buurten = vlakken[["buurtnaam", "wijkcode", "geometry"]].join(breed)
    buurten["gemeentecode"] = "GM9999"
    buurten.index.name = "buurtcode"
    return gpd.GeoDataFrame(buurten, geometry="geometry", crs=lagen["buurten"].crs)


def test_an_older_year_goes_to_the_trend_layers_and_leaves_the_current_ones(
    opslag_2022_2024, demo_opslag
):
    voor = load_lagen(opslag_2022_2024, lagen=["buurten", "wijken", "vraagpunten"])[0]
    assert opgeslagen_jaar(opslag_2022_2024) == 2024
    invoer = Invoer("GM9999", jaar=2019)
    invoer.add(Laag("buurten", _oude_buurten(demo_opslag, 2019), HERKOMST))
    invoer.add(Laag("wijken", voor["wijken"], HERKOMST))
    write_invoer(invoer, opslag=opslag_2022_2024)

    assert any("ouder dan de huidige lagen (2024)" in regel for regel in invoer.jaren)
    na, _ = load_lagen(opslag_2022_2024)
    for naam in ("buurten", "wijken", "vraagpunten"):  # the current layers stay as they were
        assert na[naam].index.equals(voor[naam].index)
        assert na[naam].geometry.geom_equals(voor[naam].geometry).all()
    assert set(na["buurten_indeling"]["indeling"]) == {2019}
    assert OUD in set(na["buurten_indeling"]["buurtcode"])
    kern = na["kerncijfers_jaren"]
    assert sorted(kern["jaar"].unique()) == [2019, 2022, 2023, 2024]  # the other years stay
    assert set(kern.loc[kern["jaar"] == 2019, "indeling"]) == {2019}

    # the trend now runs from 2019, the split buurt carried to the two new ones and flagged
    g = gp.load_gemeente("demo", opslag=opslag_2022_2024)
    lang = herindeel(g, ["aantal_inwoners"])
    jaar_2019 = lang[lang["jaar"] == 2019].set_index("buurtcode")
    oud = kern[(kern["jaar"] == 2019) & (kern["indicator"] == "aantal_inwoners")]
    oude_waarde = float(oud.set_index("buurtcode").loc[OUD, "waarde"])
    assert jaar_2019.loc[list(NIEUW), "waarde"].sum() == pytest.approx(oude_waarde)
    assert jaar_2019.loc[list(NIEUW), "geschat"].all()
    trend = compute_trend(g, "aantal_inwoners")
    assert trend.attrs["jaren"] == ["2019", "2022", "2023", "2024"]
    assert trend.loc["WK999901", "herschat_jaren"] == "2019"
    assert trend[["2019", "2022"]].notna().all().all()


def test_adding_the_same_year_again_replaces_only_that_year(opslag_2022_2024, demo_opslag):
    for _ in range(2):
        invoer = Invoer("GM9999", jaar=2020)
        invoer.add(Laag("buurten", _oude_buurten(demo_opslag, 2020), HERKOMST))
        write_invoer(invoer, opslag=opslag_2022_2024)
    kern = load_lagen(opslag_2022_2024, lagen=["kerncijfers_jaren"])[0]["kerncijfers_jaren"]
    assert sorted(kern["jaar"].unique()) == [2020, 2022, 2023, 2024]
    assert not kern.index.duplicated().any()
    assert (
        len(kern[kern["jaar"] == 2020]) == len(kern[kern["jaar"] == 2022]) - 4
    )  # 25 vs 26 buurten


def test_new_buurten_keep_the_old_polygons_for_the_years_that_used_them(
    opslag_2022_2024,
):
    """A newer indeling merges two buurten: the stored buurten go to buurten_indeling for
    indeling 2022 (the years 2022-2024), so those years are carried to the merged buurt."""
    lagen = load_lagen(opslag_2022_2024, lagen=["buurten", "wijken"])[0]
    buurten = lagen["buurten"].copy()
    samen = ["BU99990601", "BU99990602"]
    nieuw = buurten.loc[[samen[0]]].copy()
    nieuw.index = pd.Index(["BU99990690"], name=buurten.index.name)
    nieuw["geometry"] = [buurten.loc[samen].geometry.union_all()]
    for kolom in ("aantal_inwoners", "aantal_huishoudens", "inwoners_65_jaar_en_ouder"):
        nieuw[kolom] = buurten.loc[samen, kolom].sum()
    buurten_2025 = gpd.GeoDataFrame(
        pd.concat([buurten.drop(index=samen), nieuw]), geometry="geometry", crs=buurten.crs
    )
    invoer = Invoer("GM9999", jaar=2025)
    invoer.add(Laag("buurten", buurten_2025, HERKOMST))
    write_invoer(invoer, opslag=opslag_2022_2024)
    assert any("buurten_indeling (indeling 2022)" in regel for regel in invoer.jaren)
    na = load_lagen(opslag_2022_2024, lagen=["buurten_indeling", "kerncijfers_jaren"])[0]
    assert set(na["buurten_indeling"]["indeling"]) == {2022}
    assert set(samen) <= set(na["buurten_indeling"]["buurtcode"])
    assert 2025 in set(na["kerncijfers_jaren"]["jaar"])
    assert opgeslagen_jaar(opslag_2022_2024) == 2025


def test_importeer_inbreng_needs_no_year_but_boundaries_do(demo_opslag, tmp_path):
    opslag = tmp_path / "GM9999.gpkg"
    shutil.copy(demo_opslag, opslag)
    formulieren = tmp_path / "formulieren.csv"
    formulieren.write_text("categorie;tekst;oordeel;x;y\nhuisarts;Te ver;mist;172500;492000\n")
    runner = CliRunner()
    uit = runner.invoke(
        app,
        [
            "importeer", "--gemeente", "GM9999", "--inbreng", str(formulieren),
            "--bijeenkomst", "Inloop", "--datum", "2026-11-02", "--opslag", str(opslag),
        ],
    )  # fmt: skip
    assert uit.exit_code == 0, uit.output
    assert "Inbreng Inloop" in uit.output
    with pytest.raises(GebiedsplanError, match="geef --jaar"):
        import_files("GM9999", grenzen=[tmp_path / "grenzen.gpkg"])


@pytest.mark.skipif(not ARNHEM.exists(), reason="../shared/data/arnhem ontbreekt")
def test_arnhem_key_figures_and_health_become_years(tmp_path):
    opslag = tmp_path / "GM0202.gpkg"
    invoer = import_files(
        "GM0202",
        jaar=2024,
        grenzen=[
            ARNHEM / "arnhem_wijken_2024_generalised.gpkg",
            ARNHEM / "arnhem_buurten_2022_generalised.gpkg",
        ],
        kerncijfers=[ARNHEM / "cbs_kwb2024_arnhem_buurten_basis.csv"],
        gezondheid=ARNHEM / "rivm_gezondheid_wijkbuurt_2020_arnhem.csv",
        gezondheid_jaar=2020,
    )
    write_invoer(invoer, opslag=opslag)
    kern = load_lagen(opslag, lagen=["kerncijfers_jaren"])[0]["kerncijfers_jaren"]
    per_jaar = kern.groupby("jaar")["indicator"].unique()
    assert "aantal_inwoners" in per_jaar[2024] and "eenzaam_65plus" in per_jaar[2020]
    inwoners = kern[(kern["jaar"] == 2024) & (kern["indicator"] == "aantal_inwoners")]
    assert inwoners["waarde"].sum() == 167_470  # Σ of the CBS file (SOURCES.md)
    assert inwoners["waarde"].isna().sum() == 1  # BU02020338 has no figure: missing, not 0
    # health values stay percentages, suppressed buurten stay missing
    eenzaam = kern[kern["indicator"] == "eenzaam_18plus"].set_index("buurtcode")["waarde"]
    assert eenzaam.notna().sum() >= 80 and eenzaam.dropna().between(0, 100).all()
    assert pd.isna(eenzaam["BU02020338"])
    assert opgeslagen_jaar(opslag) == 2024

    # an older health year (the same figures relabelled 2016 here) joins the years and leaves
    # the current layer gezondheid (2020) as it is
    ouder = Invoer("GM0202")
    laag = invoer.lagen["gezondheid"]
    data = laag.data.assign(jaar=2016)
    data.index = data.index.str.replace(":2020", ":2016")
    ouder.add(Laag("gezondheid", data, laag.herkomst))
    write_invoer(ouder, opslag=opslag)
    assert any("Gezondheidsmonitor 2016 is ouder" in regel for regel in ouder.jaren)
    na = load_lagen(opslag, lagen=["gezondheid", "kerncijfers_jaren"])[0]
    assert set(na["gezondheid"]["jaar"]) == {2020}
    assert {2016, 2020, 2024} <= set(na["kerncijfers_jaren"]["jaar"])


def test_nabijheid_of_another_year_is_added_not_replaced(demo_opslag, tmp_path):
    opslag = tmp_path / "GM9999.gpkg"
    shutil.copy(demo_opslag, opslag)
    for jaar, afstand in ((2023, "0,6"), (2024, "0,7")):
        csv = tmp_path / f"nabijheid_{jaar}.csv"
        csv.write_text(
            f"WijkenEnBuurten;AfstandTotHuisartsenpraktijk_5\nBU99990101;{afstand}\n",
            encoding="utf-8",
        )
        invoer = import_files("GM9999", nabijheid=csv, nabijheid_jaar=jaar)
        write_invoer(invoer, opslag=opslag)
    nabijheid = load_lagen(opslag, lagen=["nabijheid"])[0]["nabijheid"]
    assert nabijheid.set_index("jaar")["afstand_km"].to_dict() == {2023: 0.6, 2024: 0.7}
