"""The gap table: formula, counts and ranking on a hand-made gemeente."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from gebiedsplan.catalogus import load_catalogus
from gebiedsplan.hiaten import compute_hiaten, gap_score, worst_per_category


def test_gap_score_formula():
    aandeel = pd.Series([0.45, 0.9, 0.95, 0.0, np.nan])
    doel = pd.Series([0.9, 0.9, 0.9, 0.8, 0.9])
    score = gap_score(aandeel, doel)
    assert score.iloc[0] == pytest.approx(50.0)
    assert score.iloc[1] == 0.0 and score.iloc[2] == 0.0  # target met or exceeded
    assert score.iloc[3] == pytest.approx(100.0)
    assert np.isnan(score.iloc[4])


@pytest.fixture()
def kleine_gemeente():
    wijken = gpd.GeoDataFrame(
        {"wijknaam": ["West", "Oost", "Leeg"], "gemeentecode": ["GM9999"] * 3},
        geometry=[
            shapely.box(0, 0, 1000, 1000),
            shapely.box(1000, 0, 2000, 1000),
            shapely.box(2000, 0, 3000, 1000),
        ],
        index=pd.Index(["WK999901", "WK999902", "WK999903"], name="wijkcode"),
        crs="EPSG:28992",
    )
    buurten = gpd.GeoDataFrame(
        {"wijkcode": ["WK999901", "WK999902", "WK999903"]},
        geometry=list(wijken.geometry),
        index=pd.Index(["BU99990101", "BU99990201", "BU99990301"], name="buurtcode"),
        crs="EPSG:28992",
    )
    vraag = gpd.GeoDataFrame(
        {"inwoners": [10, 30, 60], "buurtcode": ["BU99990101", "BU99990101", "BU99990201"]},
        geometry=[shapely.Point(100, 100), shapely.Point(900, 900), shapely.Point(1500, 500)],
        index=pd.Index(["a", "b", "c"], name="id"),
        crs="EPSG:28992",
    )
    voorz = gpd.GeoDataFrame(
        {"categorie": ["huisarts", "huisarts", "ontmoeting"], "naam": ["h1", "h2", "o1"]},
        geometry=[shapely.Point(200, 200), shapely.Point(300, 300), shapely.Point(1500, 400)],
        index=pd.Index(["v1", "v2", "v3"], name="id"),
        crs="EPSG:28992",
    )
    bereik = pd.DataFrame(
        {
            "afstand_huisarts_m": [200.0, 1200.0, 1500.0],
            "binnen_norm_huisarts": pd.array([True, False, False], dtype="boolean"),
            "afstand_ontmoeting_m": [1500.0, 700.0, 100.0],
            "binnen_norm_ontmoeting": pd.array([False, False, True], dtype="boolean"),
        },
        index=vraag.index,
    )
    return wijken, buurten, vraag, voorz, bereik


def test_compute_hiaten_by_hand(kleine_gemeente):
    wijken, buurten, vraag, voorz, bereik = kleine_gemeente
    catalogus = load_catalogus()
    hiaten = compute_hiaten(
        bereik, vraag, buurten, wijken, voorz, catalogus.normen, catalogus.categorieen
    )
    assert len(hiaten) == 3 * 2
    west = hiaten.loc[("WK999901", "huisarts")]
    assert west["aantal_voorzieningen"] == 2
    assert west["inwoners"] == 40
    assert west["gem_afstand_m"] == pytest.approx((10 * 200 + 30 * 1200) / 40)
    assert west["aandeel_binnen_norm"] == pytest.approx(0.25)
    assert west["inwoners_buiten_norm"] == 30
    doel = catalogus.normen["huisarts"].doeldekking
    assert west["hiaatscore"] == pytest.approx(100 * (doel - 0.25) / doel)
    oost = hiaten.loc[("WK999902", "huisarts")]
    assert oost["aantal_voorzieningen"] == 0
    assert oost["hiaatscore"] == pytest.approx(100.0)
    # a wijk without inhabitants has rows but no score and no rank
    leeg = hiaten.loc[("WK999903", "huisarts")]
    assert leeg["inwoners"] == 0 and np.isnan(leeg["hiaatscore"]) and pd.isna(leeg["rang"])
    # ranking: score first, then inhabitants outside the norm
    # (West ontmoeting and Oost huisarts both score 100; West has 40 outside, Oost 60)
    ranked = hiaten.dropna(subset=["rang"]).sort_values("rang")
    assert list(ranked.index[:2]) == [("WK999902", "huisarts"), ("WK999901", "ontmoeting")]
    assert ranked["rang"].tolist() == [1, 2, 3, 4]
    worst = worst_per_category(hiaten)
    assert set(worst.index) == {("WK999902", "huisarts"), ("WK999901", "ontmoeting")}


def test_demo_gaps_are_where_they_were_put(analyse):
    hiaten = analyse.hiaten
    # Oeverwijk has no meeting place and Beekdal no huisarts
    assert hiaten.loc[("WK999904", "ontmoeting"), "aantal_voorzieningen"] == 0
    assert hiaten.loc[("WK999906", "huisarts"), "aantal_voorzieningen"] == 0
    # ... and they are the worst wijk of their category
    worst = worst_per_category(hiaten)
    assert ("WK999904", "ontmoeting") in worst.index
    assert ("WK999906", "huisarts") in worst.index
    assert hiaten.loc[("WK999906", "huisarts"), "aandeel_binnen_norm"] < 0.2
