"""The gap table: formula, counts and ranking on a hand-made gemeente."""

from __future__ import annotations

from pathlib import Path

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


# --------------------------------------------------------------------------------------------
# coverage: who was analysed; scores withheld where too few were
# --------------------------------------------------------------------------------------------


def test_a_wijk_without_network_is_not_analysed_and_gets_no_score(
    zonder_netwerk_oeverwijk, analyse
):
    gemeente, zonder = zonder_netwerk_oeverwijk
    hiaten = zonder.hiaten
    oever = hiaten.xs("WK999904", level="wijkcode")
    # every resident is there, none analysed: not a gap of 100 but no score at all
    assert (oever["inwoners"] == analyse.hiaten.xs("WK999904", level="wijkcode")["inwoners"]).all()
    assert (oever["inwoners_geanalyseerd"] == 0).all()
    assert (oever["aandeel_geanalyseerd"] == 0).all()
    assert (oever["dekking"] == "geen netwerk").all()
    assert oever["hiaatscore"].isna().all() and oever["rang"].isna().all()
    assert (oever["inwoners_buiten_norm"] == 0).all() and (
        oever["inwoners_onbereikbaar"] == 0
    ).all()
    assert oever["aandeel_binnen_norm"].isna().all()
    inwoners = int(oever["inwoners"].iloc[0])
    assert set(oever["reden"]) == {
        f"niet geanalyseerd: alle {inwoners:,} inwoners wonen verder dan 250 m van het "
        "wegennet; daarom geen hiaatscore".replace(",", ".")
    }
    # the others keep a score; the wijken far from Oeverwijk have the same gaps as before
    # (a few routes to far libraries ran through the removed streets: only distances move)
    anderen = hiaten.drop(index="WK999904", level="wijkcode")
    assert (anderen["dekking"] == "volledig").all() and (anderen["reden"] == "").all()
    assert anderen["hiaatscore"].notna().all()
    for wijk in ("WK999903", "WK999906"):
        kolommen = ["inwoners", "inwoners_geanalyseerd", "inwoners_buiten_norm", "hiaatscore"]
        pd.testing.assert_frame_equal(
            hiaten.xs(wijk, level="wijkcode")[kolommen],
            analyse.hiaten.xs(wijk, level="wijkcode")[kolommen],
        )
    # ranks run over the scored rows only
    assert sorted(hiaten["rang"].dropna().astype(int)) == list(range(1, len(anderen) + 1))
    # the buurten of Oeverwijk say the same; a gebied with Oeverwijk in it counts them apart
    buurten = zonder.hiaten_buurt
    codes = gemeente.buurten.index[gemeente.buurten["wijkcode"] == "WK999904"]
    assert (buurten.loc[list(codes), "dekking"] == "geen netwerk").all()
    # the facilities there cannot be attached: named, with their distance to the network
    los = zonder.niet_aangesloten
    assert len(los) and (los["afstand_tot_netwerk_m"] > 250).all()
    assert set(los.index) <= set(gemeente.voorzieningen.index) | set(zonder.voorzieningen.index)
    assert "Huisarts Oeverlaan" in set(los["naam"])


def test_residents_not_analysed_never_count_as_outside_the_norm(zonder_netwerk_oeverwijk):
    _, zonder = zonder_netwerk_oeverwijk
    for tabel in (zonder.hiaten, zonder.hiaten_buurt, zonder.hiaten_gebied):
        binnen = (tabel["aandeel_binnen_norm"] * tabel["inwoners_geanalyseerd"]).fillna(0)
        assert np.allclose(tabel["inwoners_buiten_norm"] + binnen, tabel["inwoners_geanalyseerd"])
        assert (tabel["inwoners_onbereikbaar"] <= tabel["inwoners_buiten_norm"]).all()
        scored = tabel["hiaatscore"].notna()
        assert (tabel.loc[scored, "aandeel_geanalyseerd"] >= 0.9).all()
        assert (tabel.loc[~scored & (tabel["inwoners"] > 0), "reden"] != "").all()


def test_the_coverage_threshold_boundary():
    """Exactly 90% analysed keeps the score; one resident fewer withholds it, never computed
    from the rest."""
    norm = load_catalogus().normen["huisarts"]
    # one buurt per area: 1000 residents, 900 or 899 analysed, of whom 450 within the norm
    per_buurt = pd.DataFrame(
        {
            "inwoners": [1000, 1000],
            "inwoners_geanalyseerd": [900, 899],
            "inwoners_los_van_netwerk": [100, 101],
            "inwoners_klein_netwerkdeel": [0, 0],
            "inwoners_onbereikbaar": [0, 0],
            "gem_afstand_m": [800.0, 800.0],
            "inwoners_binnen_norm": [450, 450],
        }
    )
    bereik = hiaatsommen.reach_per_buurt(per_buurt, np.array([0, 1]), 2)
    voorz = hiaatsommen.facilities_per_buurt(np.array([0]), np.array([1.0]), 2)
    behoefte = (np.array([1000.0, 1000.0]), np.array([1000.0, 1000.0]))
    m = hiaatsommen.membership({"A": ["B0"], "B": ["B1"]}, pd.Index(["B0", "B1"]))
    cijfers = hiaatsommen.gap_figures(m, bereik, voorz, behoefte, norm, min_geanalyseerd=0.9)
    assert cijfers["dekking"].tolist() == ["volledig", "onvolledig"]
    assert cijfers["aandeel_geanalyseerd"].tolist() == [0.9, 0.899]
    assert cijfers["aandeel_binnen_norm"][0] == pytest.approx(450 / 900)  # over the analysed
    doel = norm.doeldekking
    assert cijfers["hiaatscore"][0] == pytest.approx(100 * (doel - 0.5) / doel)
    assert np.isnan(cijfers["hiaatscore"][1])
    assert cijfers["inwoners_buiten_norm"].tolist() == [450, 449]
    assert cijfers["reden"].tolist() == [
        "",
        "10% van de inwoners niet geanalyseerd (101 verder dan 250 m van het wegennet); "
        "minder dan 90% geanalyseerd, daarom geen hiaatscore",
    ]
    # the threshold is data: lagen/catalogus/volledigheid.yml
    from gebiedsplan.catalogus import load_volledigheid

    assert load_volledigheid().min_aandeel_geanalyseerd == 0.9


def test_summarize_dekking_per_area(zonder_netwerk_oeverwijk):
    _, zonder = zonder_netwerk_oeverwijk
    dekking = hiaten_module.summarize_dekking(zonder.hiaten)
    assert dekking["dekking"].to_dict() == {
        "WK999901": "volledig",
        "WK999902": "volledig",
        "WK999903": "volledig",
        "WK999904": "geen netwerk",
        "WK999905": "volledig",
        "WK999906": "volledig",
    }


# --------------------------------------------------------------------------------------------
# completeness of the facility layers
# --------------------------------------------------------------------------------------------


def test_completeness_of_the_full_demo(analyse):
    from gebiedsplan.catalogus import load_volledigheid

    tabel = analyse.volledigheid
    regels = load_volledigheid()
    assert set(tabel.index) == set(analyse.hiaten.index.get_level_values("categorie"))
    # the national expectations of the catalogue; no flag where there is none
    assert set(tabel.index[tabel["status"] != "geen verwachting"]) == set(regels.verwachtingen)
    # basisschool 16, huisarts 9, bibliotheek 2 for 51,382 inhabitants: not flagged; the demo's
    # 8 kinderopvang (1.6 per 10,000 against 5.2 nationally) are under half the national rate
    assert tabel.loc["basisschool", "status"] == "volledig"
    assert tabel.loc["huisarts", "status"] == "volledig"
    assert tabel.loc["bibliotheek", "status"] == "volledig"
    assert set(tabel.index[tabel["status"] == "mogelijk onvolledig"]) == {"kinderopvang"}
    # the gap tables carry the same status for every row of a category
    for t in (analyse.hiaten, analyse.hiaten_buurt, analyse.hiaten_gebied):
        per_cat = t.groupby(level="categorie")["laag_volledigheid"].agg(set)
        assert {c: s.pop() for c, s in per_cat.items() if len(s) == 1} == tabel["status"].to_dict()


def test_a_thinned_layer_is_flagged_with_range_and_source(gemeente):
    from dataclasses import replace

    from gebiedsplan.analyse.run import run_analyse

    vz = gemeente.voorzieningen
    scholen = vz.index[vz["categorie"] == "basisschool"]
    dun = replace(gemeente, voorzieningen=vz.drop(index=scholen[2:]))  # 2 of 16 left
    a = run_analyse(dun, categorieen=["basisschool", "huisarts"])
    rij = a.volledigheid.loc["basisschool"]
    inwoners = float(gemeente.vraagpunten["inwoners"].sum())
    assert rij["aantal"] == 2 and rij["status"] == "mogelijk onvolledig"
    assert rij["per_10000"] == pytest.approx(2 / inwoners * 10_000)
    assert rij["verwacht_per_10000"] == pytest.approx(6197 / 17_590_672 * 10_000)
    assert rij["ondergrens_per_10000"] == pytest.approx(0.5 * rij["verwacht_per_10000"])
    assert rij["verwacht_aantal"] == pytest.approx(rij["verwacht_per_10000"] * inwoners / 10_000)
    assert "DUO" in rij["bron"] and "CBS" in rij["bron"] and rij["url"].startswith("https://")
    assert rij["melding"] == (
        "Basisschool: 2 in de gemeente (0,39 per 10.000 inwoners), verwacht ca. 18 (landelijk "
        "3,52 per 10.000; mogelijk onvolledig onder 9,1). Bron: " + rij["bron"] + "."
    )
    assert (
        a.hiaten.xs("basisschool", level="categorie")["laag_volledigheid"]
        == ("mogelijk onvolledig")
    ).all()
    assert (a.hiaten.xs("huisarts", level="categorie")["laag_volledigheid"] == "volledig").all()


def test_facilities_across_the_border_are_not_counted_as_the_gemeentes_own():
    from gebiedsplan.analyse.volledigheid import compute_volledigheid

    vz = pd.DataFrame(
        {"categorie": ["bibliotheek"] * 3, "buiten_gemeente": [False, True, True]},
        index=["a", "b", "c"],
    )
    tabel = compute_volledigheid(vz, 100_000, categorieen=["bibliotheek", "speelplek"])
    assert tabel.loc["bibliotheek", "aantal"] == 1
    assert tabel.loc["speelplek", "status"] == "geen verwachting"
    assert "geen landelijk register van speelplekken" in tabel.loc["speelplek", "melding"]


# --------------------------------------------------------------------------------------------
# the real Arnhem files: the road extract covers only north-central Arnhem
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def arnhem(tmp_path_factory, arnhem_bestanden):
    import gebiedsplan.importeren as importeren
    from gebiedsplan.analyse.run import run_analyse
    from gebiedsplan.gemeente import load_gemeente

    invoer = importeren.import_files("GM0202", jaar=2024, **arnhem_bestanden)
    gpkg = importeren.write_invoer(invoer, opslag=tmp_path_factory.mktemp("arnhem"))
    gemeente = load_gemeente(
        Path(__file__).resolve().parents[1] / "wijken" / "arnhem.yml", opslag=gpkg
    )
    return gemeente, run_analyse(gemeente)


def test_arnhem_no_score_from_residents_the_network_does_not_reach(arnhem, tmp_path):
    from bs4 import BeautifulSoup

    from gebiedsplan.export import write_hiaten
    from gebiedsplan.kaarten import make_kaart
    from gebiedsplan.rapport.pagina import make_rapport

    gemeente, analyse = arnhem
    # most of Arnhem lies outside the road extract: those residents are not analysed
    totaal = hiaten_module.summarize_dekking(analyse.hiaten)
    assert totaal["inwoners"].sum() == 167_470
    assert totaal["inwoners_geanalyseerd"].sum() < 0.3 * 167_470
    for tabel in (analyse.hiaten, analyse.hiaten_buurt, analyse.hiaten_gebied):
        zonder = tabel["dekking"] != "volledig"
        assert zonder.any()
        # a withheld row has no score and no rank, and says why
        assert tabel.loc[zonder, "hiaatscore"].isna().all()
        assert tabel.loc[zonder, "rang"].isna().all()
        assert tabel.loc[zonder, "reden"].str.endswith("daarom geen hiaatscore").all()
        assert tabel.loc[zonder, "reden"].str.contains("verder dan 250 m van het wegennet").all()
        # a scored row rests on at least 90% analysed residents, its share on them alone
        met = tabel["hiaatscore"].notna()
        assert (tabel.loc[met, "aandeel_geanalyseerd"] >= 0.9).all()
        assert (tabel.loc[met, "dekking"] == "volledig").all()
        deel = tabel[met]
        binnen = deel["inwoners_geanalyseerd"] - deel["inwoners_buiten_norm"]
        np.testing.assert_allclose(
            deel["hiaatscore"],
            gap_score(binnen / deel["inwoners_geanalyseerd"], deel["doeldekking"]),
        )
    gebied = analyse.hiaten_gebied
    assert (gebied.xs("RKV", level="gebied")["dekking"] == "geen netwerk").all()
    assert (gebied.xs("Rijnpark", level="gebied")["dekking"] == "geen netwerk").all()
    # the basisschool layer (6 in a register for 167,470 inhabitants) is flagged, with its
    # expected range and source
    school = analyse.volledigheid.loc["basisschool"]
    assert school["aantal"] == 6 and school["status"] == "mogelijk onvolledig"
    assert school["verwacht_aantal"] == pytest.approx(6197 / 17_590_672 * 167_470)
    assert "verwacht ca. 59" in school["melding"] and "onder 29" in school["melding"]
    assert "DUO" in school["bron"] and "70072NED" in school["bron"]
    assert (
        analyse.hiaten.xs("basisschool", level="categorie")["laag_volledigheid"]
        == ("mogelijk onvolledig")
    ).all()
    # facilities too far from the network are named, not listed by id
    assert len(analyse.niet_aangesloten) > 0
    assert analyse.niet_aangesloten["naam"].str.len().gt(0).all()
    # CSV: the column says why
    paden = write_hiaten(
        analyse.hiaten,
        gemeente.wijken,
        tmp_path,
        naam="hiaten",
        titel=gemeente.titel,
        herkomst=gemeente.herkomst,
        synthetisch=gemeente.synthetisch,
    )
    # the separator is whatever the CSV for people uses (';' for a Dutch Excel)
    csv = pd.read_csv(
        paden["csv"], keep_default_na=False, sep=None, engine="python", encoding="utf-8-sig"
    )
    zonder = csv[csv["dekking"] != "volledig"]
    assert (zonder["hiaatscore"] == "").all() and (zonder["reden"] != "").all()
    # the map: withheld wijken say why in their tooltip
    html = make_kaart(gemeente, analyse.hiaten, volledigheid=analyse.volledigheid)
    pagina = html.get_root().render()
    assert "geen: niet geanalyseerd: alle" in pagina
    assert "Voorzieningenlaag mogelijk onvolledig" in pagina
    # the report for Rijnpark: no score, and why
    soup = BeautifulSoup(make_rapport(gemeente, analyse, "Rijnpark", kaart=False), "html.parser")
    tekst = soup.find("section", id="hiaten").get_text(" ")
    assert "niet geanalyseerd" in tekst.lower() and "daarom geen hiaatscore" in tekst
    assert "Voorzieningenlaag mogelijk onvolledig" in tekst


def test_facilities_across_the_border_beyond_the_network_are_not_called_unattached():
    """Facilities loaded with a wider border buffer than the network (the car mode's 15 km
    beside a walking network of 2 km) lie beyond it: outside the analysis, never listed as
    facilities the network misses. Inside the network's reach a facility across the border far
    from a street is still listed, and the gemeente's own facility always."""
    from gebiedsplan.analyse.volledigheid import unattached_facilities
    from gebiedsplan.netwerk.graaf import compile_arrays

    # a ring of streets around a square of 1 km
    xy = np.array([[0.0, 0.0], [1000.0, 0.0], [1000.0, 1000.0], [0.0, 1000.0]])
    net = compile_arrays(xy, np.array([0, 1, 2, 3]), np.array([1, 2, 3, 0]), np.full(4, 1000.0))
    vz = gpd.GeoDataFrame(
        {
            "naam": ["Huisarts Ring", "Huisarts Plein", "Huisarts Verweg", "Eigen Ver"],
            "categorie": "huisarts",
            "buiten_gemeente": [True, True, True, False],
        },
        geometry=[
            shapely.Point(500, 10),  # on the ring: attached
            shapely.Point(500, 500),  # inside the ring, 500 m from every street
            shapely.Point(15_000, 500),  # 14 km beyond the network
            shapely.Point(15_000, 600),  # the gemeente's own, as far
        ],
        index=pd.Index(["ring", "plein", "verweg", "eigen"], name="id"),
        crs="EPSG:28992",
    )
    los = unattached_facilities(vz, net)
    assert sorted(los.index) == ["eigen", "plein"]
    assert los.loc["plein", "afstand_tot_netwerk_m"] == 500
    assert los["buiten_gemeente"].to_dict() == {"eigen": False, "plein": True}
