"""The gap table: formula, counts and ranking on a hand-made gemeente."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from gebiedsplan.analyse import hiaatsommen
from gebiedsplan.analyse import hiaten as hiaten_module
from gebiedsplan.analyse.hiaten import compute_hiaten, gap_score, worst_per_category
from gebiedsplan.catalogus import load_catalogus


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
        {"wijkcode": ["WK999901", "WK999902", "WK999903"], "aantal_inwoners": [40, 60, 0]},
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


def test_capacity_and_need_by_hand(gemeente, analyse):
    norm = gemeente.normen["huisarts"]
    buurten = gemeente.buurten
    gez = gemeente.gezondheid
    codes = list(buurten.index[buurten["wijkcode"] == "WK999904"])
    inw = buurten["aantal_inwoners"].astype(float)
    need = pd.Series(1.0, index=buurten.index)
    for indicator, gewicht in norm.behoefte.items():
        x = gez[gez["indicator"] == indicator].set_index("code")["waarde"].reindex(buurten.index)
        geldig = x.notna()
        gemiddeld = (x[geldig] * inw[geldig]).sum() / inw[geldig].sum()
        need += (gewicht * (x / gemiddeld - 1)).fillna(0)
    need = need.clip(0.5, 2)
    nodig = (inw[codes] * need[codes]).sum() * norm.capaciteit.per_1000 / 1000
    rij = analyse.hiaten.loc[("WK999904", "huisarts")]
    assert rij["benodigde_capaciteit"] == pytest.approx(nodig)
    assert rij["behoefte_index"] == pytest.approx(
        (inw[codes] * need[codes]).sum() / inw[codes].sum()
    )
    vz = gemeente.voorzieningen
    huisartsen = vz[vz["categorie"] == "huisarts"].sjoin(
        gemeente.wijken.loc[["WK999904"], ["geometry"]], predicate="within"
    )
    assert rij["aanwezige_capaciteit"] == pytest.approx(huisartsen["capaciteit"].sum())
    assert rij["capaciteitstekort"] == pytest.approx(
        max(0.0, nodig - huisartsen["capaciteit"].sum())
    )
    assert rij["capaciteit_eenheid"] == "fte huisarts"
    # childcare: the target group is 4/15 of the 0-15 band
    kinder = analyse.hiaten.loc[("WK999904", "kinderopvang")]
    assert kinder["doelgroep"] == pytest.approx(
        0.27 * buurten.loc[codes, "inwoners_0_tot_15_jaar"].sum()
    )


def test_gebied_and_buurt_tables_add_up_to_the_wijken(gemeente, analyse):
    # Pilot Noord is wijken WK999901 + WK999902
    noord = analyse.hiaten_gebied.xs("Pilot Noord", level="gebied")
    wijken = analyse.hiaten.loc[["WK999901", "WK999902"]]
    kolommen = ["inwoners", "inwoners_buiten_norm", "aantal_voorzieningen", "benodigde_capaciteit"]
    som = wijken.groupby(level="categorie")[kolommen].sum(min_count=1)
    for kolom in som.columns:
        assert noord[kolom].reindex(som.index).to_numpy() == pytest.approx(
            som[kolom].to_numpy(), nan_ok=True
        )
    per_buurt = analyse.hiaten_buurt.groupby(
        [
            analyse.hiaten_buurt.index.get_level_values("buurtcode").map(
                gemeente.buurten["wijkcode"]
            ),
            analyse.hiaten_buurt.index.get_level_values("categorie"),
        ]
    )["inwoners_buiten_norm"].sum()
    assert per_buurt.sort_index().to_numpy() == pytest.approx(
        analyse.hiaten["inwoners_buiten_norm"].sort_index().to_numpy()
    )


def _rerank_reference(tabel: pd.DataFrame) -> pd.Series:
    """The ranking rule written the plain way: sort by score, residents outside, code, category."""
    sleutel = str(tabel.index.names[0])
    volgorde = tabel.reset_index().sort_values(
        ["hiaatscore", "inwoners_buiten_norm", sleutel, "categorie"],
        ascending=[False, False, True, True],
        na_position="last",
    )
    rang = pd.Series(
        np.arange(1, len(volgorde) + 1),
        index=pd.MultiIndex.from_frame(volgorde[[sleutel, "categorie"]]),
    ).reindex(tabel.index)
    return rang.where(tabel["hiaatscore"].notna()).astype("Int64")


def test_rerank_breaks_ties_by_residents_then_code_then_category():
    index = pd.MultiIndex.from_product(
        [["WK02", "WK10", "WK01"], ["sport", "huisarts", "groen"]], names=["wijkcode", "categorie"]
    )
    tabel = pd.DataFrame(
        {
            "hiaatscore": [50.0, 50.0, np.nan, 100.0, 50.0, 0.0, 50.0, np.nan, 100.0],
            "inwoners_buiten_norm": [10, 20, 0, 5, 20, 0, 10, 0, 5],
        },
        index=index,
    )
    rang = hiaten_module.rerank(tabel)["rang"]
    pd.testing.assert_series_equal(rang, _rerank_reference(tabel), check_names=False)
    assert rang.loc[("WK01", "groen")] == 1 and rang.loc[("WK10", "sport")] == 2
    assert pd.isna(rang.loc[("WK02", "groen")])


def test_gap_figures_of_some_areas_equal_their_rows_of_the_whole_table(gemeente, analyse):
    # scenarios recompute only some areas: every figure must come out exactly the same
    buurten = gemeente.buurten
    norm = gemeente.normen["huisarts"]
    per_buurt = analyse.per_buurt.xs("huisarts", level="categorie", drop_level=False)
    n = len(buurten)
    bereik = hiaatsommen.reach_per_buurt(
        per_buurt, buurten.index.get_indexer(per_buurt.index.get_level_values(0)), n
    )
    vz = analyse.voorzieningen
    mask = (vz["categorie"] == "huisarts").to_numpy()
    boom = hiaatsommen.buurt_tree(buurten)
    voorzieningen = hiaatsommen.facilities_per_buurt(
        hiaatsommen.facility_buurt(np.asarray(vz.geometry.to_numpy())[mask], boom),
        hiaatsommen.capacity(vz)[mask],
        n,
    )
    behoefte = hiaatsommen.need_per_buurt(buurten, gemeente.gezondheid, norm)
    gebieden = {w: list(buurten.index[buurten["wijkcode"] == w]) for w in gemeente.wijken.index}
    m = hiaatsommen.membership(gebieden, buurten.index)
    alles = hiaatsommen.gap_figures(m, bereik, voorzieningen, behoefte, norm)
    rijen = np.array([4, 0, 2])
    deel = hiaatsommen.gap_figures(m[rijen], bereik, voorzieningen, behoefte, norm)
    for k, v in deel.items():
        np.testing.assert_array_equal(v, alles[k][rijen], err_msg=k)
    # and the whole table is what the gap table reports
    tabel = analyse.hiaten.xs("huisarts", level="categorie")
    np.testing.assert_array_equal(alles["inwoners_buiten_norm"], tabel["inwoners_buiten_norm"])
    np.testing.assert_array_equal(alles["hiaatscore"], tabel["hiaatscore"].to_numpy())


def test_facility_lies_in_one_buurt_also_on_a_border():
    buurten = gpd.GeoDataFrame(
        geometry=[shapely.box(0, 0, 10, 10), shapely.box(10, 0, 20, 10), shapely.box(5, 0, 15, 5)],
        index=pd.Index(["BU1", "BU2", "BU3"], name="buurtcode"),
        crs="EPSG:28992",
    )
    punten = np.asarray(
        shapely.points([(2, 8), (17, 8), (10, 8), (30, 30), (7, 2), (12, 2)]), dtype=object
    )
    positie = hiaatsommen.facility_buurt(punten, hiaatsommen.buurt_tree(buurten))
    # inside; inside; on the border of BU1 and BU2 (streets often are buurt borders): the
    # first, never none or both; outside; in two overlapping buurten (the first)
    assert positie.tolist() == [0, 1, 0, -1, 0, 1]
