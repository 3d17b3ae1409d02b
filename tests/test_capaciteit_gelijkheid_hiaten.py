"""Capacity within reach (E2SFCA) and equity of distances in the gap tables: a street by hand,
the demo at every level, the ranking helper and scenarios."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from gebiedsplan.analyse.bereikbaarheid import compute_bereikbaarheid
from gebiedsplan.analyse.capaciteit import (
    LUO_QI_GEWICHTEN,
    STANDAARD_VERVAL,
    Verval,
    compute_2sfca,
    compute_toegang,
    load_verval,
)
from gebiedsplan.analyse.hiaten import HIAAT_KOLOMMEN, compute_gap_table, rank_by
from gebiedsplan.catalogus import Capaciteitsnorm, Norm, load_catalogus
from gebiedsplan.errors import GebiedsplanError
from gebiedsplan.netwerk.graaf import compile_arrays

NIEUW = ["toegang_per_1000", "toegang_verhouding", "gini_afstand", "palma_afstand"]


def _gini_brute(x: list[float], w: list[float]) -> float:
    """sum_i sum_j w_i w_j |x_i - x_j| / (2 W² mu), the definition, pair by pair."""
    W = sum(w)
    mu = sum(a * b for a, b in zip(x, w, strict=True)) / W
    paren = [
        (xi, wi, xj, wj) for xi, wi in zip(x, w, strict=True) for xj, wj in zip(x, w, strict=True)
    ]
    s = sum(wi * wj * abs(xi - xj) for xi, wi, xj, wj in paren)
    return s / (2 * W * W * mu)


@pytest.fixture()
def straat():
    """A straight street x = 0 .. 1200 (nodes every 100 m), two buurten split at x = 600.

    Facilities (huisarts): F1 at x=0 (capacity 6), F2 at x=1000 (capacity 3), F3 at x=650
    (capacity unknown). Demand points on the street (snap 0): West p1 x=50 (10 residents),
    p2 x=250 (20), p3 x=500 (30); Oost p4 x=920 (40), p5 x=1150 (10), p6 x=750 (20); and p7,
    1 km from the street in West (5 residents): not analysed.
    Norm: 300 m, capacity 100 fte per 1,000; decay 1 / 0.68 / 0.22 over 0-100-200-300 m.
    """
    xs = np.arange(0.0, 1201.0, 100.0)
    xy = np.column_stack([xs, np.zeros(len(xs))])
    n = len(xs)
    net = compile_arrays(xy, np.arange(n - 1), np.arange(1, n), np.full(n - 1, 100.0))
    buurten = gpd.GeoDataFrame(
        {"wijkcode": ["WK1", "WK2"], "aantal_inwoners": [65, 70], "buurtnaam": ["West", "Oost"]},
        geometry=[shapely.box(0, -500, 600, 1500), shapely.box(600, -500, 1300, 1500)],
        index=pd.Index(["BU1", "BU2"], name="buurtcode"),
        crs="EPSG:28992",
    )
    vraag = gpd.GeoDataFrame(
        {"inwoners": [10, 20, 30, 40, 10, 20, 5], "buurtcode": ["BU1"] * 3 + ["BU2"] * 3 + ["BU1"]},
        geometry=[
            shapely.Point(x, y)
            for x, y in [(50, 0), (250, 0), (500, 0), (920, 0), (1150, 0), (750, 0), (300, 1000)]
        ],
        index=pd.Index([f"p{i}" for i in range(1, 8)], name="id"),
        crs="EPSG:28992",
    )
    voorz = gpd.GeoDataFrame(
        {"categorie": "huisarts", "naam": ["F1", "F2", "F3"], "capaciteit": [6.0, 3.0, np.nan]},
        geometry=[shapely.Point(0, 0), shapely.Point(1000, 0), shapely.Point(650, 0)],
        index=pd.Index(["F1", "F2", "F3"], name="id"),
        crs="EPSG:28992",
    )
    norm = Norm(
        "huisarts", 300, 0.9, "aanname", "test", capaciteit=Capaciteitsnorm(100, "fte", "", "")
    )
    return net, buurten, vraag, voorz, {"huisarts": norm}


def _tabel(straat, **opties):
    net, buurten, vraag, voorz, normen = straat
    bereik = compute_bereikbaarheid(vraag, voorz, net, normen)
    toegang = compute_toegang(
        vraag,
        voorz,
        net,
        normen,
        buurten,
        geanalyseerd=bereik["geanalyseerd"],
        verval={"huisarts": Verval(1.0, (1.0, 0.68, 0.22), "test")},
    )
    tabel = compute_gap_table(
        bereik,
        vraag,
        buurten,
        voorz,
        normen,
        load_catalogus().categorieen,
        {"WEST": ["BU1"], "OOST": ["BU2"], "ALLES": ["BU1", "BU2"]},
        volledigheid={"huisarts": "geen verwachting"},
        toegang=toegang,
        **opties,
    )
    return bereik, toegang, tabel


def test_e2sfca_in_the_gap_table_by_hand(straat):
    bereik, toegang, tabel = _tabel(straat)
    assert not bereik.loc["p7", "geanalyseerd"]
    # Distances to F1: p1 50 (w 1), p2 250 (w 0.22), p3 500 (out); to F2: p4 80 (w 1),
    # p5 150 (w 0.68), p6 250 (w 0.22), p3 500 (out). F3 has no capacity: left out.
    # F1: demand in reach 10*1 + 20*0.22 = 14.4, R1 = 6 / 14.4
    # F2: demand in reach 40*1 + 10*0.68 + 20*0.22 = 51.2, R2 = 3 / 51.2
    r1, r2 = 6 / 14.4, 3 / 51.2
    verwacht = [r1, 0.22 * r1, 0.0, r2, 0.68 * r2, 0.22 * r2, np.nan]
    np.testing.assert_allclose(toegang["toegang_huisarts"], verwacht, rtol=1e-12)
    # demand = residents x need-weighted target group per resident (1 here); p7 is not analysed
    assert toegang["vraag_huisarts"].tolist() == [10, 20, 30, 40, 10, 20, 0]
    # West: sum V A = 10 r1 + 20 * 0.22 r1 = 6 (all of F1), over 60 -> 1000 * 6 / 60 = 100
    # Oost: all of F2, 3 over 70 -> 42.857; both: 9 over 130
    per_1000 = tabel.xs("huisarts", level="categorie")["toegang_per_1000"]
    np.testing.assert_allclose(per_1000[["WEST", "OOST", "ALLES"]], [100, 3000 / 70, 9000 / 130])
    verhouding = tabel.xs("huisarts", level="categorie")["toegang_verhouding"]
    np.testing.assert_allclose(verhouding[["WEST", "OOST", "ALLES"]], [1.0, 30 / 70, 90 / 130])
    # the unknown capacity is counted, not taken as 0
    assert tabel.loc[("OOST", "huisarts"), "capaciteit_onbekend"] == 1


def test_gini_and_palma_in_the_gap_table_by_hand(straat):
    _, _, tabel = _tabel(straat)
    rij = tabel.xs("huisarts", level="categorie")
    # nearest huisarts (F3 counts for distance): West p1 50, p2 250, p3 150 (F3);
    # Oost p4 80, p5 150, p6 100 (F3); p7 is not analysed and never counts.
    # West: W = 60, mu = (500 + 5000 + 4500) / 60; pairs 2 (10*20*200 + 10*30*100 + 20*30*100)
    # = 260,000; G = 260,000 / (2 * 3600 * 166.67) = 0.21667
    assert rij.loc["WEST", "gini_afstand"] == pytest.approx(260_000 / 1_200_000)
    # Oost: W = 70, sum wx = 6700; pairs 2 (40*10*70 + 40*20*20 + 10*20*50) = 108,000;
    # G = 108,000 / (2 * 70 * 6700) = 0.11514
    assert rij.loc["OOST", "gini_afstand"] == pytest.approx(108_000 / 938_000)
    # Palma West: sorted 50 (w10), 150 (w30), 250 (w20); Lorenz at P = 1/6, 4/6, 1 is
    # 0.05, 0.5, 1; L(0.4) = 0.05 + (7/15) 0.45 = 0.26, L(0.9) = 0.5 + 0.7 * 0.5 = 0.85
    # -> 0.15 / 0.26
    assert rij.loc["WEST", "palma_afstand"] == pytest.approx(0.15 / 0.26)
    # Palma Oost: sorted 80 (w40), 100 (w20), 150 (w10); Lorenz at P = 4/7, 6/7, 1 is
    # 3200/6700, 5200/6700, 1; L(0.4) = 0.7 * 3200/6700 = 2240/6700 and
    # 1 - L(0.9) = 0.7 * 1500/6700 = 1050/6700 -> 1050 / 2240
    assert rij.loc["OOST", "palma_afstand"] == pytest.approx(1050 / 2240)
    # a gebied of both buurten: over all six analysed points (the definition pair by pair)
    x, w = [50, 250, 150, 80, 150, 100], [10, 20, 30, 40, 10, 20]
    assert rij.loc["ALLES", "gini_afstand"] == pytest.approx(_gini_brute(x, w))


def test_without_toegang_or_capacity_norm_the_capacity_columns_are_missing(straat):
    net, buurten, vraag, voorz, normen = straat
    bereik = compute_bereikbaarheid(vraag, voorz, net, normen)
    tabel = compute_gap_table(
        bereik,
        vraag,
        buurten,
        voorz,
        normen,
        load_catalogus().categorieen,
        {"WEST": ["BU1"]},
        volledigheid={},
    )
    assert tabel[["toegang_per_1000", "toegang_verhouding"]].isna().all().all()
    assert tabel["gini_afstand"].notna().all()  # equity needs only the distances
    # no facility with a known capacity: no accessibility (missing, not 0)
    onbekend = voorz.assign(capaciteit=np.nan)
    t = compute_toegang(vraag, onbekend, net, normen, buurten)
    assert t["toegang_huisarts"].isna().all()
    # no capacity norm: not computed at all
    zonder = {"huisarts": Norm("huisarts", 300, 0.9, "aanname", "test")}
    assert compute_toegang(vraag, voorz, net, zonder, buurten).empty


def test_verval_default_and_bad_blocks(tmp_path):
    assert STANDAARD_VERVAL.gewichten == LUO_QI_GEWICHTEN == (1.0, 0.68, 0.22)
    verval = load_verval()
    normen = load_catalogus().normen
    for cat, norm in normen.items():
        if norm.capaciteit is not None:
            assert cat in verval and verval[cat].bron
    # zones over thirds of the norm distance: huisarts 1000 m
    w = verval["huisarts"].gewicht(normen["huisarts"])
    assert w(np.array([333.0, 334.0, 667.0, 1000.0, 1000.5])).tolist() == [
        1.0,
        0.68,
        0.22,
        0.22,
        0.0,
    ]
    # a broken block names the file, the category and the field
    import shutil

    from gebiedsplan.analyse import capaciteit

    kopie = tmp_path / "catalogus"
    shutil.copytree(load_catalogus().map, kopie)
    pad = kopie / "normen.yml"
    pad.write_text(
        pad.read_text(encoding="utf-8").replace("bereik_factor: 1.0", "bereik_factor: -2", 1),
        encoding="utf-8",
    )
    with pytest.raises(GebiedsplanError, match="norm 'huisarts': verval.bereik_factor"):
        capaciteit._verval_uit(pad.resolve())


def test_rank_by_on_the_street(straat):
    _, _, tabel = _tabel(straat)
    # capacity: lowest ratio first (Oost 0.43, both 0.69, West 1.0)
    assert [i[0] for i in rank_by(tabel, "capaciteit").index] == ["OOST", "ALLES", "WEST"]
    # equity: highest Gini first
    gini = tabel["gini_afstand"]
    assert rank_by(tabel, "gelijkheid")["gini_afstand"].tolist() == sorted(gini, reverse=True)
    # hiaat: by rang; the same rows, nothing changed
    pd.testing.assert_frame_equal(rank_by(tabel, "hiaat").sort_index(), tabel.sort_index())
    with pytest.raises(GebiedsplanError, match="Onbekende maat 'kosten'"):
        rank_by(tabel, "kosten")  # type: ignore[arg-type]


def test_rank_by_puts_rows_without_value_or_full_coverage_last(analyse):
    hiaten = analyse.hiaten.copy()
    code = hiaten.index[hiaten["toegang_verhouding"].notna()][0]
    hiaten.loc[code, "dekking"] = "onvolledig"
    geordend = rank_by(hiaten, "capaciteit")
    met = geordend["toegang_verhouding"].notna() & (geordend["dekking"] == "volledig")
    n = int(met.sum())
    assert met.iloc[:n].all() and not met.iloc[n:].any()
    assert geordend["toegang_verhouding"].iloc[:n].is_monotonic_increasing
    assert code in geordend.index[n:]
    # hiaat is the order of rang
    rang = rank_by(analyse.hiaten, "hiaat")["rang"]
    n = int(rang.notna().sum())
    assert rang.iloc[:n].tolist() == list(range(1, n + 1)) and rang.iloc[n:].isna().all()
    gelijk = rank_by(analyse.hiaten, "gelijkheid")["gini_afstand"]
    assert gelijk.iloc[: int(gelijk.notna().sum())].is_monotonic_decreasing


def test_demo_every_level_has_the_columns(analyse, gemeente):
    capaciteit = {c for c, n in gemeente.normen.items() if n.capaciteit is not None}
    assert capaciteit == {"huisarts", "basisschool", "kinderopvang"}
    assert HIAAT_KOLOMMEN[-5:] == [*NIEUW, "rang"]
    for tabel in (analyse.hiaten, analyse.hiaten_buurt, analyse.hiaten_gebied):
        assert set(NIEUW) <= set(tabel.columns)
        cat = tabel.index.get_level_values("categorie")
        met = tabel[cat.isin(list(capaciteit))]
        zonder = tabel[~cat.isin(list(capaciteit))]
        assert zonder[["toegang_per_1000", "toegang_verhouding"]].isna().all().all()
        # every area of the demo has analysed residents: every capacity row has a value
        assert met[["toegang_per_1000", "toegang_verhouding"]].notna().all().all()
        assert (met["toegang_per_1000"] >= 0).all()
        norm = [gemeente.normen[c].capaciteit.per_1000 for c in met.index.get_level_values(1)]
        np.testing.assert_allclose(met["toegang_verhouding"] * norm, met["toegang_per_1000"])
        bewoond = tabel["inwoners_geanalyseerd"] > 0
        assert tabel.loc[bewoond, ["gini_afstand", "palma_afstand"]].notna().all().all()
        assert tabel["gini_afstand"].dropna().between(0, 1).all()
        assert (tabel["palma_afstand"].dropna() > 0).all()


def test_demo_supply_is_conserved(analyse, gemeente):
    """sum over points of V_i A_i = the capacity of the facilities with demand in reach, and the
    gap table's areas add up to it (wijken partition the gemeente)."""
    verval = load_verval()
    vz = analyse.voorzieningen
    for cat in ("huisarts", "basisschool", "kinderopvang"):
        v = analyse.toegang[f"vraag_{cat}"]
        a = analyse.toegang[f"toegang_{cat}"]
        # which facilities have demand in reach: 2SFCA's own answer, per facility
        deze = vz[vz["categorie"] == cat]
        _, per_vz = compute_2sfca(
            gemeente.vraagpunten,
            deze,
            analyse.netwerk,
            gewicht=verval[cat].gewicht(gemeente.normen[cat]),
            vraag=v,
        )
        met_vraag = per_vz["ratio"].notna()
        assert met_vraag.sum() > 0
        totaal = float((v * a).sum())
        assert totaal == pytest.approx(float(deze.loc[met_vraag, "capaciteit"].sum()), rel=1e-9)
        # the wijk table: 1000 * sum V A / sum V per wijk, times sum V per wijk, adds up
        rijen = analyse.hiaten.xs(cat, level="categorie")
        wijk = gemeente.vraagpunten["buurtcode"].map(gemeente.buurten["wijkcode"])
        som_v = v.groupby(wijk).sum().reindex(rijen.index)
        assert float((rijen["toegang_per_1000"] * som_v).sum() / 1000) == pytest.approx(totaal)


def test_a_capacity_scenario_moves_toegang_as_a_full_run_does(tmp_path, gemeente, analyse):
    from gebiedsplan.analyse.run import run_analyse
    from gebiedsplan.analyse.scenario import apply_scenario, compare_scenario, load_scenario

    pad = tmp_path / "s.yml"
    pad.write_text(
        "scenario: s\nstappen:\n  - open: {naam: Praktijk, functies: [huisarts], capaciteit: 5,"
        " x: 172800, y: 492400}\n",
        encoding="utf-8",
    )
    scenario = load_scenario(pad, gemeente)
    snel = compare_scenario(analyse, scenario).analyse
    volledig = run_analyse(apply_scenario(gemeente, scenario), netwerk=analyse.netwerk)
    voor = analyse.hiaten.xs("huisarts", level="categorie")["toegang_per_1000"]
    na = snel.hiaten.xs("huisarts", level="categorie")["toegang_per_1000"]
    assert (na - voor).abs().max() > 1e-3  # the new practice is within reach of somebody
    assert float((snel.toegang["vraag_huisarts"] * snel.toegang["toegang_huisarts"]).sum()) > float(
        (analyse.toegang["vraag_huisarts"] * analyse.toegang["toegang_huisarts"]).sum()
    )
    for tabel in ("hiaten", "hiaten_buurt", "hiaten_gebied"):
        pd.testing.assert_frame_equal(
            getattr(snel, tabel)[NIEUW], getattr(volledig, tabel)[NIEUW], rtol=1e-12, atol=1e-9
        )
    pd.testing.assert_frame_equal(snel.toegang, volledig.toegang, rtol=1e-12, atol=1e-12)
