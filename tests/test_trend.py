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
            "--kaarten",
            str(tmp_path / "maps"),
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


# --- the change since a chosen year (sinds) ------------------------------------------------------


def test_change_since_a_chosen_year(gemeente):
    standaard = compute_trend(gemeente, "aantal_inwoners")
    assert standaard.attrs["sinds"] == "2019"
    sinds = compute_trend(gemeente, "aantal_inwoners", sinds=2022)
    assert sinds.attrs["sinds"] == "2022"
    assert sinds.attrs["jaren"] == standaard.attrs["jaren"]  # every year stays in the table
    pd.testing.assert_frame_equal(sinds[sinds.attrs["jaren"]], standaard[standaard.attrs["jaren"]])
    for _, r in sinds.iterrows():
        assert r["verandering"] == pytest.approx(r["2024"] - r["2022"])
        assert r["verandering_pct"] == round((r["2024"] - r["2022"]) / r["2022"] * 100, 1)
    # Beekdal: +1,1% since 2019 but +0,5% since 2022; below 0,5% would be "gelijk"
    klein = compute_trend(gemeente, "aantal_inwoners", sinds=2023)
    for code, r in klein.iterrows():
        verwacht = (
            "gelijk"
            if abs(r["verandering_pct"]) < 0.5
            else ("stijgt" if r["verandering_pct"] > 0 else "daalt")
        )
        assert r["richting"] == verwacht, code


@pytest.mark.parametrize(
    ("sinds", "melding"),
    [
        (2018, r"Beginjaar 2018 \(--sinds\) bestaat niet .*2019, 2020, 2021, 2022, 2023, 2024"),
        (2024, r"Beginjaar 2024 \(--sinds\) is het laatste jaar.*2019, 2020, 2021, 2022, 2023\)"),
    ],
)
def test_unknown_since_year_lists_the_years(gemeente, sinds, melding):
    with pytest.raises(GebiedsplanError, match=melding):
        compute_trend(gemeente, "aantal_inwoners", sinds=sinds)


def test_indicator_without_figures_is_named(gemeente):
    k = gemeente.kerncijfers_jaren
    zonder = dataclasses.replace(
        gemeente, kerncijfers_jaren=k[k["indicator"] != "gemiddeld_inkomen_per_inwoner"]
    )  # its weging (aantal_inwoners) is there: no empty table, an error
    with pytest.raises(GebiedsplanError, match="geen cijfers voor gemiddeld_inkomen_per_inwoner"):
        compute_trend(zonder, "gemiddeld_inkomen_per_inwoner")


def test_cli_since_year(tmp_path, demo_opslag):
    result = CliRunner().invoke(
        app,
        ["trend", "demo", "--sinds", "2031", "--opslag", str(demo_opslag), "--uitvoer",
         str(tmp_path / "U"), "--kaarten", str(tmp_path / "maps")],
    )  # fmt: skip
    assert result.exit_code != 0
    assert "Beginjaar 2031 (--sinds) bestaat niet" in " ".join(result.output.split())
    assert not (tmp_path / "U").exists() or not list((tmp_path / "U").iterdir())


# --- health figures: one year, weights of another year, small areas suppressed ------------------


def _met_gezondheid(gemeente, jaren=(2020,)):
    """The demo with a health figure (eenzaam_65plus) per buurt in ``jaren``: 30% + 1% per
    buurt number, so each buurt's value is known."""
    kern = gemeente.kerncijfers_jaren
    rijen = []
    for jaar in jaren:
        buurten = kern.loc[kern["jaar"] == jaar, ["buurtcode", "indeling"]].drop_duplicates()
        for i, (code, indeling) in enumerate(buurten.itertuples(index=False)):
            rijen.append(
                {"jaar": jaar, "indeling": indeling, "buurtcode": code,
                 "indicator": "eenzaam_65plus", "waarde": 30.0 + i, "bron": "test"}
            )  # fmt: skip
    extra = pd.DataFrame(rijen)
    extra.index = extra["jaar"].astype(str) + ":" + extra["buurtcode"] + ":eenzaam_65plus"
    return dataclasses.replace(gemeente, kerncijfers_jaren=pd.concat([kern, extra]))


def test_one_year_is_no_change_and_weights_come_from_the_nearest_year(gemeente):
    g = _met_gezondheid(gemeente, jaren=(2020,))
    kern = g.kerncijfers_jaren
    g = dataclasses.replace(  # no 65+ counts in 2020: the weights of 2019 and 2021 are nearest
        g,
        kerncijfers_jaren=kern[
            ~((kern["jaar"] == 2020) & (kern["indicator"] == "inwoners_65_jaar_en_ouder"))
        ],
    )
    t = compute_trend(g, "eenzaam_65plus")
    assert t.attrs["jaren"] == ["2020"]  # the indicator's years, not its weights'
    assert t["verandering"].isna().all() and set(t["richting"]) == {"onbekend"}
    assert t.attrs["weging_jaren"] == {"2020": "2021"}  # a tie goes to the later year
    # WK999902 by hand: its buurten's values weighted by their 65+ of 2021
    kern21 = kern[(kern["jaar"] == 2021) & (kern["indicator"] == "inwoners_65_jaar_en_ouder")]
    gewicht = kern21.set_index("buurtcode")["waarde"]
    waarde = g.kerncijfers_jaren.query("indicator == 'eenzaam_65plus'").set_index("buurtcode")
    codes = [c for c in gewicht.index if c.startswith("BU999902")]
    verwacht = (waarde.loc[codes, "waarde"] * gewicht[codes]).sum() / gewicht[codes].sum()
    assert t.loc["WK999902", "2020"] == pytest.approx(verwacht)


def test_health_of_small_buurten_is_suppressed_and_left_out_of_the_wijk(gemeente):
    g = _met_gezondheid(gemeente, jaren=(2022, 2024))
    klein = "BU99990202"
    buurten = g.buurten.copy()
    buurten.loc[klein, "inwoners_65_jaar_en_ouder"] = 40  # below the minimum of 100
    g = dataclasses.replace(g, buurten=buurten)
    per_buurt = compute_trend(g, "eenzaam_65plus", niveau="buurt", min_inwoners=100)
    assert per_buurt.loc[klein, ["2022", "2024"]].isna().all()
    te_klein = set(buurten.index[~(buurten["inwoners_65_jaar_en_ouder"] >= 100)])
    assert klein in te_klein and set(per_buurt.attrs["onderdrukt"]) == te_klein
    assert per_buurt.drop(index=list(te_klein))[["2022", "2024"]].notna().all().all()
    per_wijk = compute_trend(g, "eenzaam_65plus", min_inwoners=100)
    assert set(per_wijk.attrs["weggelaten"]) == te_klein
    # the wijk's value is the weighted average of its other buurten only
    kern = g.kerncijfers_jaren
    jaar = kern[kern["jaar"] == 2024]
    w = jaar[jaar["indicator"] == "inwoners_65_jaar_en_ouder"].set_index("buurtcode")["waarde"]
    v = jaar[jaar["indicator"] == "eenzaam_65plus"].set_index("buurtcode")["waarde"]
    codes = [c for c in w.index if c.startswith("BU999902") and c not in te_klein]
    assert per_wijk.loc["WK999902", "2024"] == pytest.approx(
        (v[codes] * w[codes]).sum() / w[codes].sum()
    )
    # without the minimum (analysis, not publication) the small buurt counts
    assert compute_trend(g, "eenzaam_65plus").loc["WK999902", "2024"] != pytest.approx(
        per_wijk.loc["WK999902", "2024"]
    )


def test_cli_trend_of_a_health_figure_applies_the_publishing_minimum(
    gemeente, monkeypatch, tmp_path
):
    import gebiedsplan.cli as cli

    g = _met_gezondheid(gemeente, jaren=(2022, 2024))
    buurten = g.buurten.copy()
    buurten.loc["BU99990202", "inwoners_65_jaar_en_ouder"] = 40
    g = dataclasses.replace(g, buurten=buurten)
    monkeypatch.setattr(cli, "_laad", lambda *a, **k: g)
    uit = CliRunner().invoke(
        app,
        ["trend", "demo", "--indicator", "eenzaam_65plus", "--niveau", "buurt",
         "--uitvoer", str(tmp_path), "--kaarten", str(tmp_path / "maps")],
    )  # fmt: skip
    assert uit.exit_code == 0, uit.output
    assert "Geen waarde (privacy, publicatieprofiel) voor" in uit.output
    assert "BU99990202" in uit.output
    tabel = pd.read_excel(next(tmp_path.glob("trend_eenzaam_65plus_buurt_*.xlsx")), sheet_name=0)
    rij = tabel[tabel.iloc[:, 0] == "BU99990202"]
    assert rij.filter(regex="2022|2024").isna().all().all()


def test_a_buurt_without_a_figure_leaves_its_wijk_empty_and_says_which(gemeente):
    kern = gemeente.kerncijfers_jaren.copy()
    geheim = (kern["jaar"] == 2024) & (kern["buurtcode"] == "BU99990201")
    kern.loc[geheim & (kern["indicator"] == "aantal_inwoners"), "waarde"] = np.nan
    t = compute_trend(dataclasses.replace(gemeente, kerncijfers_jaren=kern), "aantal_inwoners")
    assert pd.isna(t.loc["WK999902", "2024"]) and pd.notna(t.loc["WK999902", "2023"])
    assert t.attrs["zonder_cijfer"] == {"BU99990201": "WK999902"}
    assert pd.notna(t.loc["WK999903", "2024"])
