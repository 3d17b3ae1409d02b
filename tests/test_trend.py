"""Several years on one indeling (gebiedsplan.analyse.trend): the demo's split buurt, hand-checked
carrying on a tiny case, and the trend command's table and chart."""

from __future__ import annotations

import dataclasses
import xml.etree.ElementTree as ET

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from typer.testing import CliRunner

from gebiedsplan.analyse.trend import compute_trend, herindeel, overgangsgewichten, verdeel
from gebiedsplan.bronnen.demo import JAREN, SPLITSING
from gebiedsplan.cli import app
from gebiedsplan.errors import GebiedsplanError

OUD, (NIEUW_1, NIEUW_2) = next(iter(SPLITSING.items()))
OUDE_JAREN = (2019, 2020, 2021)
AANTALLEN = ("aantal_inwoners", "inwoners_65_jaar_en_ouder", "aantal_huishoudens")


def _ruw(gemeente, indicator: str) -> pd.DataFrame:
    k = gemeente.kerncijfers_jaren
    return k[k["indicator"] == indicator].pivot(index="buurtcode", columns="jaar", values="waarde")


# --- the demo's years and its boundary change ---------------------------------------------------


def test_demo_has_years_with_one_split_buurt(gemeente):
    ruw = _ruw(gemeente, "aantal_inwoners")
    assert list(ruw.columns) == list(JAREN)
    for jaar in OUDE_JAREN:
        assert pd.notna(ruw.loc[OUD, jaar])
        assert pd.isna(ruw.loc[NIEUW_1, jaar]) and pd.isna(ruw.loc[NIEUW_2, jaar])
    for jaar in (2022, 2023, 2024):
        assert pd.isna(ruw.loc[OUD, jaar]) and pd.notna(ruw.loc[NIEUW_1, jaar])
    # the last year is the current buurten layer itself
    assert (
        ruw[2024].dropna() == gemeente.buurten["aantal_inwoners"].reindex(ruw[2024].dropna().index)
    ).all()
    assert set(gemeente.buurten_indeling["indeling"]) == {2019}
    oud = gemeente.buurten_indeling.set_index("buurtcode")
    samen = shapely.union_all(gemeente.buurten.loc[[NIEUW_1, NIEUW_2]].geometry.to_numpy())
    assert oud.loc[OUD].geometry.equals(samen)
    assert gemeente.herkomst["kerncijfers_jaren"].synthetisch


@pytest.mark.parametrize("indicator", AANTALLEN)
def test_counts_are_conserved_in_every_old_year(gemeente, indicator):
    lang = herindeel(gemeente, [indicator])
    ruw = _ruw(gemeente, indicator)
    for jaar in OUDE_JAREN:
        rijen = lang[lang["jaar"] == jaar].set_index("buurtcode")
        delen = rijen.loc[[NIEUW_1, NIEUW_2], "waarde"]
        assert delen.min() > 0  # both new buurten get a part
        assert delen.sum() == pytest.approx(ruw.loc[OUD, jaar], rel=1e-12)
        assert rijen["waarde"].sum() == pytest.approx(ruw[jaar].sum(), rel=1e-12)


def test_only_the_split_buurt_is_re_estimated(gemeente):
    lang = herindeel(gemeente, ["aantal_inwoners"])
    geschat = lang[lang["geschat"]]
    assert set(geschat["buurtcode"]) == {NIEUW_1, NIEUW_2}
    assert set(geschat["jaar"]) == set(OUDE_JAREN)
    assert set(geschat["methode"]) == {"adresgewogen"}
    assert set(lang.loc[~lang["geschat"], "methode"]) == {"ongewijzigd"}
    # unchanged buurten keep their figure exactly
    ruw = _ruw(gemeente, "aantal_inwoners")
    rij = lang[(lang["jaar"] == 2019) & (lang["buurtcode"] == "BU99990103")]
    assert rij["waarde"].item() == ruw.loc["BU99990103", 2019]


def test_split_follows_the_residents(gemeente):
    """The old buurt's count is split by the residents (vraagpunten) in each new buurt."""
    vp = gemeente.vraagpunten
    inwoners = vp[vp["buurtcode"].isin([NIEUW_1, NIEUW_2])].groupby("buurtcode")["inwoners"].sum()
    lang = herindeel(gemeente, ["aantal_inwoners"])
    rij = lang[lang["jaar"] == 2019].set_index("buurtcode")["waarde"]
    oud = _ruw(gemeente, "aantal_inwoners").loc[OUD, 2019]
    assert rij[NIEUW_1] == pytest.approx(oud * inwoners[NIEUW_1] / inwoners.sum())


def test_wijk_trend_is_continuous_and_flagged(gemeente):
    t = compute_trend(gemeente, "aantal_inwoners")
    jaren = [str(j) for j in JAREN]
    assert t[jaren].notna().all().all()  # no gap at the split year
    assert t.loc["WK999901", "herschat_jaren"] == "2019, 2020, 2021"
    assert (t.drop(index="WK999901")["herschat_jaren"] == "").all()
    # the wijk total of an old year is the sum of its old buurten, split buurt included
    ruw = _ruw(gemeente, "aantal_inwoners")
    oude_wijk = gemeente.buurten_indeling.set_index("buurtcode")["wijkcode"]
    for jaar in OUDE_JAREN:
        verwacht = ruw[jaar].dropna().groupby(oude_wijk).sum()
        assert t.loc["WK999901", str(jaar)] == pytest.approx(verwacht["WK999901"])
    eerste, laatste = t.loc["WK999901", "2019"], t.loc["WK999901", "2024"]
    assert t.loc["WK999901", "verandering"] == pytest.approx(laatste - eerste)
    assert t.loc["WK999901", "verandering_pct"] == round((laatste - eerste) / eerste * 100, 1)
    assert t.loc["WK999901", "richting"] == "stijgt"
    assert set(t["richting"]) <= {"stijgt", "daalt", "gelijk"}
    assert (t.loc[t["verandering"] < 0, "richting"] != "stijgt").all()


def test_buurt_trend_flags_the_new_buurten(gemeente):
    t = compute_trend(gemeente, "aantal_huishoudens", niveau="buurt", wijken=["Oude Stad"])
    assert set(t.index) == {f"BU9999010{i}" for i in range(1, 7)}
    assert (
        t.loc[NIEUW_1, "herschat_jaren"] == t.loc[NIEUW_2, "herschat_jaren"] == "2019, 2020, 2021"
    )
    assert t.loc["BU99990103", "herschat_jaren"] == ""
    herschat = t.attrs["herschat"]
    assert herschat.loc[NIEUW_1, "2019"] and not herschat.loc[NIEUW_1, "2022"]


def test_rate_of_the_wijk_is_weighted_by_inhabitants(gemeente):
    t = compute_trend(gemeente, "gemiddeld_inkomen_per_inwoner")
    inkomen = _ruw(gemeente, "gemiddeld_inkomen_per_inwoner")[2019].dropna()
    inwoners = _ruw(gemeente, "aantal_inwoners")[2019].reindex(inkomen.index)
    in_wijk = gemeente.buurten_indeling.set_index("buurtcode")["wijkcode"].reindex(inkomen.index)
    kies = in_wijk == "WK999901"
    verwacht = (inkomen[kies] * inwoners[kies]).sum() / inwoners[kies].sum()
    assert t.loc["WK999901", "2019"] == pytest.approx(verwacht)
    # a split buurt keeps the old buurt's rate in both parts
    b = compute_trend(gemeente, "gemiddeld_inkomen_per_inwoner", niveau="buurt")
    oud = _ruw(gemeente, "gemiddeld_inkomen_per_inwoner").loc[OUD, 2019]
    assert b.loc[NIEUW_1, "2019"] == b.loc[NIEUW_2, "2019"] == pytest.approx(oud)


# --- the method on a tiny case, by hand --------------------------------------------------------


@pytest.fixture
def klein():
    """Old A | B | C; new X = A + west half of B, Y = east half of B, Z = C (another code).
    Residents: 100 in A, 300 in B's west half, 100 in B's east half; none in C."""
    crs = "EPSG:28992"
    oud = gpd.GeoDataFrame(
        geometry=[
            shapely.box(0, 0, 100, 100),
            shapely.box(100, 0, 200, 100),
            shapely.box(200, 0, 300, 100),
        ],
        index=pd.Index(["A", "B", "C"], name="buurtcode"),
        crs=crs,
    )
    nieuw = gpd.GeoDataFrame(
        geometry=[
            shapely.box(0, 0, 150, 100),
            shapely.box(150, 0, 200, 100),
            shapely.box(200, 0, 300, 100),
        ],
        index=pd.Index(["X", "Y", "Z"], name="buurtcode"),
        crs=crs,
    )
    punten = gpd.GeoDataFrame(
        {"inwoners": [100, 300, 100], "buurtcode": ["X", "X", "Y"]},
        geometry=gpd.points_from_xy([50, 125, 175], [50, 50, 50]),
        crs=crs,
    )
    return oud, nieuw, punten


def test_weights_by_hand(klein):
    w = overgangsgewichten(*klein).set_index(["oud", "nieuw"])
    assert w.loc[("A", "X"), "aandeel"] == 1.0
    assert w.loc[("B", "X"), "aandeel"] == pytest.approx(0.75)
    assert w.loc[("B", "Y"), "aandeel"] == pytest.approx(0.25)
    assert w.loc[("C", "Z"), "aandeel"] == pytest.approx(1.0)
    assert w.loc[("C", "Z"), "methode"] == "oppervlaktegewogen"  # no residents: by area
    assert set(w.loc[[("A", "X"), ("B", "X"), ("B", "Y")], "methode"]) == {"adresgewogen"}


def test_counts_and_rates_by_hand(klein):
    w = overgangsgewichten(*klein)
    aantal = verdeel(pd.Series({"A": 40.0, "B": 80.0, "C": 7.0}), w, soort="aantal")
    assert aantal["waarde"].to_dict() == pytest.approx({"X": 40 + 60, "Y": 20, "Z": 7})
    # rate: X = (10 x 100 + 20 x 300) / 400 residents = 17.5; Y only from B
    rate = verdeel(pd.Series({"A": 10.0, "B": 20.0, "C": 5.0}), w, soort="gemiddelde")
    assert rate.loc["X", "waarde"] == pytest.approx(17.5)
    assert rate.loc["Y", "waarde"] == pytest.approx(20.0)
    assert rate["geschat"].all()
    assert rate.loc["Z", "methode"] == "oppervlaktegewogen"


def test_missing_stays_missing(klein):
    w = overgangsgewichten(*klein)
    out = verdeel(pd.Series({"A": 40.0, "B": np.nan, "C": 7.0}), w, soort="aantal")
    assert pd.isna(out.loc["X", "waarde"]) and pd.isna(out.loc["Y", "waarde"])
    assert out.loc["Z", "waarde"] == 7.0


def test_unchanged_buurt_is_not_estimated():
    crs = "EPSG:28992"
    vlak = gpd.GeoDataFrame(geometry=[shapely.box(0, 0, 10, 10)], index=pd.Index(["A"]), crs=crs)
    punt = gpd.GeoDataFrame(
        {"inwoners": [5], "buurtcode": ["A"]}, geometry=gpd.points_from_xy([5], [5]), crs=crs
    )
    w = overgangsgewichten(vlak, vlak, punt)
    out = verdeel(pd.Series({"A": 12.0}), w, soort="aantal")
    assert out.loc["A", "methode"] == "ongewijzigd" and not out.loc["A", "geschat"]


# --- bad input ---------------------------------------------------------------------------------


def test_without_years_names_the_layer(gemeente):
    zonder = dataclasses.replace(gemeente, kerncijfers_jaren=None)
    with pytest.raises(GebiedsplanError, match="kerncijfers_jaren"):
        compute_trend(zonder, "aantal_inwoners")


def test_old_codes_without_their_boundaries(gemeente):
    zonder = dataclasses.replace(gemeente, buurten_indeling=None)
    with pytest.raises(GebiedsplanError, match=f"{OUD}.*buurten_indeling"):
        compute_trend(zonder, "aantal_inwoners")


def test_unknown_indicator_and_wijk(gemeente):
    with pytest.raises(GebiedsplanError, match="trend.yml"):
        compute_trend(gemeente, "aantal_katten")
    with pytest.raises(GebiedsplanError, match="Nergens"):
        compute_trend(gemeente, "aantal_inwoners", wijken=["Nergens"])


# --- the command --------------------------------------------------------------------------------


def test_cli_writes_table_and_chart(tmp_path, demo_opslag):
    uitvoer = tmp_path / "U"
    result = CliRunner().invoke(
        app,
        [
            "trend",
            "demo",
            "--indicator",
            "aantal_inwoners",
            "--wijk",
            "Oude Stad",
            "--niveau",
            "buurt",
            "--opslag",
            str(demo_opslag),
            "--uitvoer",
            str(uitvoer),
        ],
    )
    assert result.exit_code == 0, result.output
    naam = "trend_aantal_inwoners_buurt_GM9999"
    blad = pd.read_excel(uitvoer / f"{naam}.xlsx", sheet_name="Trend")
    assert len(blad) == 6
    assert {"2019", "2024", "Herschatte jaren", "Richting"} <= {str(c) for c in blad.columns}
    rij = blad[blad.iloc[:, 0] == NIEUW_1].iloc[0]
    assert rij["Herschatte jaren"] == "2019, 2020, 2021"
    svg = ET.parse(uitvoer / f"{naam}.svg").getroot()
    assert svg.tag.endswith("svg")
    assert "synthetisch" in (uitvoer / f"{naam}.svg").read_text()
    png = (uitvoer / f"{naam}.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000
    assert "Inwoners per buurt, 2019-2024" in result.output


def test_cli_bad_niveau(tmp_path, demo_opslag):
    result = CliRunner().invoke(
        app,
        [
            "trend",
            "demo",
            "--niveau",
            "gemeente",
            "--opslag",
            str(demo_opslag),
            "--uitvoer",
            str(tmp_path),
        ],
    )
    assert result.exit_code != 0
    assert "wijk of buurt" in result.output


# --- the store: adding a year keeps the others ------------------------------------------------


def test_adding_a_year_keeps_the_other_years(tmp_path, demo_opslag):
    import shutil

    from gebiedsplan.bronnen import Herkomst
    from gebiedsplan.store import load_lagen, update_lagen

    pad = tmp_path / "GM9999.gpkg"
    shutil.copy(demo_opslag, pad)
    lagen, _ = load_lagen(pad, lagen=["kerncijfers_jaren"])
    kern = lagen["kerncijfers_jaren"]
    nieuw = kern[kern["jaar"] == 2024].copy()
    nieuw["jaar"] = 2025
    nieuw["waarde"] = nieuw["waarde"] + 1
    nieuw.index = nieuw.index.str.replace("2024:", "2025:")
    h = Herkomst("CBS Kerncijfers 2025 (test)", "2026-12-01", "CC BY 4.0")
    update_lagen(pad, {"kerncijfers_jaren": nieuw}, {"kerncijfers_jaren": h})
    na, herkomst = load_lagen(pad, lagen=["kerncijfers_jaren"])
    assert sorted(set(na["kerncijfers_jaren"]["jaar"])) == [*JAREN, 2025]
    assert len(na["kerncijfers_jaren"]) == len(kern) + len(nieuw)
    assert "CBS Kerncijfers 2025 (test)" in herkomst["kerncijfers_jaren"].bron
    # giving 2024 again replaces only 2024
    opnieuw = kern[kern["jaar"] == 2024].assign(waarde=0.0)
    update_lagen(pad, {"kerncijfers_jaren": opnieuw}, {"kerncijfers_jaren": h})
    na, _ = load_lagen(pad, lagen=["kerncijfers_jaren"])
    k = na["kerncijfers_jaren"]
    assert (k.loc[k["jaar"] == 2024, "waarde"] == 0).all()
    assert (k.loc[k["jaar"] == 2019, "waarde"] > 0).all()
    assert sorted(set(k["jaar"])) == [*JAREN, 2025]
