"""Floating catchments on a street by hand, weights, demand by target group and need."""

from __future__ import annotations

import logging

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from gebiedsplan.analyse.capaciteit import (
    behoeftefactor,
    compute_2sfca,
    compute_vraag,
    doelgroep_aandeel,
    gauss,
    stap,
    zones,
)
from gebiedsplan.catalogus import apply_norm_overrides, load_catalogus
from gebiedsplan.errors import GebiedsplanError
from gebiedsplan.netwerk.graaf import compile_netwerk


@pytest.fixture()
def straat():
    """A street of four 100 m blocks, x = 0 .. 400, and a separate street far away."""
    xs = [0, 100, 200, 300, 400]
    rows = [(i, i + 1) for i in range(4)] + [(10, 11)]
    coords = {i: (x, 0) for i, x in enumerate(xs)} | {10: (5000, 5000), 11: (5100, 5000)}
    wegen = gpd.GeoDataFrame(
        {
            "van_knoop": [u for u, _ in rows],
            "naar_knoop": [v for _, v in rows],
            "lengte_m": [100.0] * len(rows),
        },
        geometry=[shapely.LineString([coords[u], coords[v]]) for u, v in rows],
        crs="EPSG:28992",
    )
    vraag = gpd.GeoDataFrame(
        {"inwoners": [10, 20, 30], "buurtcode": ["BU00000001"] * 3},
        geometry=[shapely.Point(100, 0), shapely.Point(200, 0), shapely.Point(300, 0)],
        index=pd.Index(["p100", "p200", "p300"], name="id"),
        crs="EPSG:28992",
    )
    voorz = gpd.GeoDataFrame(
        {"categorie": "huisarts", "naam": ["F1", "F2"], "capaciteit": [10.0, 20.0]},
        geometry=[shapely.Point(0, 0), shapely.Point(400, 0)],
        index=pd.Index(["F1", "F2"], name="id"),
        crs="EPSG:28992",
    )
    return compile_netwerk(wegen), vraag, voorz


def test_2sfca_by_hand(straat):
    net, vraag, voorz = straat
    punt, vz = compute_2sfca(vraag, voorz, net, gewicht=stap(250))
    # F1 reaches p100 and p200 (10 + 20), F2 reaches p200 and p300 (20 + 30)
    assert vz["vraag_in_bereik"].tolist() == [30.0, 50.0]
    np.testing.assert_allclose(vz["ratio"], [10 / 30, 20 / 50])
    np.testing.assert_allclose(punt["toegang"], [1 / 3, 1 / 3 + 0.4, 0.4])
    # all supply goes to the residents: 10 * 1/3 + 20 * 11/15 + 30 * 0.4 = 30
    assert (punt["vraag"] * punt["toegang"]).sum() == pytest.approx(30.0)


def test_enhanced_2sfca_with_zones_by_hand(straat):
    net, vraag, voorz = straat
    punt, vz = compute_2sfca(vraag, voorz, net, gewicht=zones({150: 1.0, 250: 0.5}))
    # F1: 10 * 1 + 20 * 0.5 = 20 -> 0.5; F2: 30 * 1 + 20 * 0.5 = 40 -> 0.5
    np.testing.assert_allclose(vz["ratio"], [0.5, 0.5])
    np.testing.assert_allclose(punt["toegang"], [0.5, 0.5, 0.5])


def test_facility_without_capacity_or_demand_and_far_points(straat, caplog):
    net, vraag, voorz = straat
    extra = gpd.GeoDataFrame(
        {"categorie": "huisarts", "naam": ["F3", "F4"], "capaciteit": [np.nan, 5.0]},
        geometry=[shapely.Point(200, 0), shapely.Point(5050, 5000)],
        index=pd.Index(["F3", "F4"], name="id"),
        crs="EPSG:28992",
    )
    ver = gpd.GeoDataFrame(
        {"inwoners": [7], "buurtcode": ["BU00000001"]},
        geometry=[shapely.Point(2000, 2000)],
        index=pd.Index(["ver"], name="id"),
        crs="EPSG:28992",
    )
    with caplog.at_level(logging.WARNING, logger="gebiedsplan"):
        punt, vz = compute_2sfca(
            pd.concat([vraag, ver]), pd.concat([voorz, extra]), net, gewicht=stap(250)
        )
    assert "F3" in caplog.text and "F4" in caplog.text
    # F3 without capacity is left out, not counted as 0: the answers of the test above stand
    np.testing.assert_allclose(punt["toegang"].iloc[:3], [1 / 3, 1 / 3 + 0.4, 0.4])
    assert np.isnan(vz.loc["F3", "ratio"]) and np.isnan(vz.loc["F4", "ratio"])
    assert vz.loc["F4", "vraag_in_bereik"] == 0
    assert np.isnan(punt.loc["ver", "toegang"])  # not attached: missing, not 0


def test_demo_2sfca_conserves_supply(demo):
    net = compile_netwerk(demo.netwerk)
    huisarts = demo.voorzieningen[demo.voorzieningen["categorie"] == "huisarts"]
    aanbod = pd.Series(np.arange(1.0, len(huisarts) + 1), index=huisarts.index)
    for gewicht in (stap(800), gauss(1200), zones({400: 1.0, 800: 0.6, 1200: 0.2})):
        punt, vz = compute_2sfca(demo.vraagpunten, huisarts, net, gewicht=gewicht, aanbod=aanbod)
        verdeeld = vz.loc[vz["ratio"].notna(), "aanbod"].sum()
        assert (punt["vraag"] * punt["toegang"]).sum() == pytest.approx(verdeeld, rel=1e-12)


def test_weights():
    assert stap(100)(np.array([100.0, 100.0001])).tolist() == [1.0, 0.0]
    assert zones({100: 1.0, 200: 0.25})(np.array([0, 100, 150, 200, 250])).tolist() == [
        1.0,
        1.0,
        0.25,
        0.25,
        0.0,
    ]
    w = gauss(1000)(np.array([0.0, 1000.0, 2000.0]))
    assert w.tolist() == [1.0, 0.0, 0.0]
    with pytest.raises(GebiedsplanError):
        zones({100: 1.5})
    with pytest.raises(GebiedsplanError):
        zones({})


def test_demand_by_target_group_and_need(caplog):
    buurten = pd.DataFrame(
        {
            "aantal_inwoners": [100, 200, 50],
            "inwoners_0_tot_15_jaar": [30, 20, None],
            "inwoners_15_tot_25_jaar": [10, 20, None],
        },
        index=pd.Index(["BU1", "BU2", "BU3"], name="buurtcode"),
    )
    with caplog.at_level(logging.WARNING, logger="gebiedsplan.analyse.capaciteit"):
        aandeel = doelgroep_aandeel(buurten, ["inwoners_0_tot_15_jaar"])
    # BU3 unknown: the share of the others, (30 + 20) / (100 + 200), never 0
    np.testing.assert_allclose(aandeel, [0.3, 0.1, 50 / 300])
    assert "BU3" in caplog.text
    vp = pd.DataFrame({"inwoners": [10, 10, 6], "buurtcode": ["BU1", "BU2", "BU3"]})
    twee_banden = ["inwoners_0_tot_15_jaar", "inwoners_15_tot_25_jaar"]
    jeugd = compute_vraag(vp, buurten, leeftijdskolommen=twee_banden)
    np.testing.assert_allclose(jeugd, [10 * 0.4, 10 * 0.2, 6 * (40 + 40) / (100 + 200)])
    # a category's target group is the age bands of its norm (normen.yml: jeugd_en_gezin 0-15)
    jeugd = compute_vraag(vp, buurten, categorie="jeugd_en_gezin")
    np.testing.assert_allclose(jeugd, [10 * 0.3, 10 * 0.1, 6 * 50 / 300])
    assert compute_vraag(vp, buurten, categorie="huisarts").tolist() == [10.0, 10.0, 6.0]
    # a gemeente's norms (with overrides) decide when given
    normen = apply_norm_overrides(
        load_catalogus().normen,
        {"huisarts": {"doelgroep": {"inwoners_15_tot_25_jaar": 1.0}}},
        bron="test",
    )
    huisarts = compute_vraag(vp, buurten, categorie="huisarts", normen=normen)
    np.testing.assert_allclose(huisarts, [10 * 0.1, 10 * 0.1, 6 * 30 / 300])
    gezondheid = pd.DataFrame(
        {
            "code": ["BU1", "BU2", "BU1", "GM9999"],
            "indicator": "langdurige_aandoening",
            "jaar": [2016, 2020, 2020, 2020],
            "waarde": [99.0, 30.0, 45.0, 40.0],
        }
    )
    factor = behoeftefactor(
        gezondheid,
        indicator="langdurige_aandoening",
        codes=["BU1", "BU2", "BU3"],
        referentie="GM9999",
        gewicht=0.5,
    )
    # latest year only: BU1 45 -> 1 + 0.5 * (45/40 - 1); BU2 30 -> 1 + 0.5 * (30/40 - 1)
    np.testing.assert_allclose(factor, [1.0625, 0.875, 1.0])
    vraag = compute_vraag(vp, buurten, behoefte=factor)
    np.testing.assert_allclose(vraag, [10.625, 8.75, 6.0])
    with pytest.raises(GebiedsplanError, match="niet voor"):
        behoeftefactor(gezondheid, indicator="roken", codes=["BU1"])
    with pytest.raises(GebiedsplanError, match="leeftijden"):
        compute_vraag(vp, None, categorie="basisschool")


def test_arnhem_need_factor_names_suppressed_buurten(caplog, arnhem_data):
    buurten = gpd.read_file(arnhem_data / "arnhem_buurten_2022_generalised.gpkg", layer="buurten")
    gezondheid = pd.DataFrame(
        {
            "code": buurten["buurtcode"],
            "indicator": "eenzaam_18p",
            "jaar": 2020,
            "waarde": buurten["rivm20_eenzaam_18p"],
        }
    )
    with caplog.at_level(logging.WARNING, logger="gebiedsplan.analyse.capaciteit"):
        factor = behoeftefactor(gezondheid, indicator="eenzaam_18p", codes=buurten["buurtcode"])
    # SOURCES.md: RIVM suppressed BU02020338 and BU02020529: neutral factor, named in the log
    assert factor["BU02020338"] == 1.0 and factor["BU02020529"] == 1.0
    assert "BU02020338" in caplog.text and "BU02020529" in caplog.text
    bekend = factor.drop(["BU02020338", "BU02020529"])
    assert bekend.mean() == pytest.approx(1.0)  # the reference is the mean of the buurten
    assert bekend.min() < 0.9 and bekend.max() > 1.1
