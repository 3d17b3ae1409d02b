"""The synthetic demo gemeente Rivierstad: deterministic, plausible, with its deliberate gaps."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import rasterio
import shapely
import yaml
from geopandas.testing import assert_geodataframe_equal
from pandas.testing import assert_frame_equal

from gebiedsplan import settings
from gebiedsplan.bronnen.demo import (
    INDUSTRIE_BUURTEN,
    LEEFTIJDSKOLOMMEN,
    PLANGEBIED_WKT,
    build_demo,
)
from gebiedsplan.catalogus import load_catalogus


@pytest.fixture(scope="module")
def demo_yml():
    with (settings.wijken_dir / "demo.yml").open(encoding="utf-8") as f:
        return yaml.safe_load(f)


@pytest.fixture(scope="module")
def voorzieningen_per_wijk(demo):
    return gpd.sjoin(
        demo.voorzieningen, demo.wijken[["wijknaam", "geometry"]], how="left", predicate="within"
    )


# --- determinism ------------------------------------------------------------------------------


def test_build_demo_is_deterministic(demo):
    again = build_demo()
    assert list(again.lagen) == list(demo.lagen)
    for naam, frame in demo.lagen.items():
        if isinstance(frame, gpd.GeoDataFrame):
            assert_geodataframe_equal(again.lagen[naam], frame, check_crs=True)
        else:
            assert_frame_equal(again.lagen[naam], frame)
    np.testing.assert_array_equal(again.groen_raster, demo.groen_raster)
    assert again.groen_transform == demo.groen_transform
    assert again.herkomst == demo.herkomst


def test_other_seed_gives_other_demo(demo):
    other = build_demo(seed=1)
    assert not other.buurten["aantal_inwoners"].equals(demo.buurten["aantal_inwoners"])


# --- inhabitants ----------------------------------------------------------------------------------


def test_about_fifty_thousand_inhabitants(demo):
    totaal = int(demo.buurten["aantal_inwoners"].sum())
    assert 45_000 <= totaal <= 60_000


def test_vraagpunten_sum_to_buurt_inhabitants_exactly(demo):
    per_buurt = demo.vraagpunten.groupby("buurtcode")["inwoners"].sum()
    assert set(per_buurt.index) == set(demo.buurten.index)
    verschil = per_buurt.reindex(demo.buurten.index) - demo.buurten["aantal_inwoners"]
    assert (verschil == 0).all(), verschil[verschil != 0]
    assert (demo.vraagpunten["inwoners"] >= 1).all()


def test_vraagpunten_lie_in_their_buurt(demo):
    buurt_geom = demo.buurten.geometry.reindex(demo.vraagpunten["buurtcode"]).to_numpy()
    inside = shapely.covers(buurt_geom, demo.vraagpunten.geometry.to_numpy())
    assert inside.all()


def test_age_bands_sum_to_inhabitants(demo):
    som = demo.buurten[list(LEEFTIJDSKOLOMMEN)].sum(axis=1)
    assert (som == demo.buurten["aantal_inwoners"]).all()
    assert (demo.buurten[list(LEEFTIJDSKOLOMMEN)] >= 0).all().all()


def test_industrial_buurten_are_nearly_empty(demo):
    inwoners = demo.buurten["aantal_inwoners"]
    assert (inwoners.loc[list(INDUSTRIE_BUURTEN)] < 200).all()
    assert (inwoners.drop(index=list(INDUSTRIE_BUURTEN)) >= 1500).all()


# --- facilities and their gaps --------------------------------------------------------------------


def test_every_category_with_a_norm_has_a_facility(demo):
    counts = demo.voorzieningen["categorie"].value_counts()
    missing = [c for c in load_catalogus().normen if counts.get(c, 0) == 0]
    assert missing == []


def test_every_facility_lies_in_a_wijk_but_the_neighbours_library(voorzieningen_per_wijk):
    buiten = voorzieningen_per_wijk[voorzieningen_per_wijk["wijkcode"].isna()]
    assert buiten["naam"].tolist() == ["Bibliotheek Buurdorp (buurgemeente)"]


def test_no_meeting_place_in_oeverwijk(demo, voorzieningen_per_wijk):
    assert demo.wijken.loc["WK999904", "wijknaam"] == "Oeverwijk"
    ontmoeting = voorzieningen_per_wijk[voorzieningen_per_wijk["categorie"] == "ontmoeting"]
    assert len(ontmoeting) > 0
    assert "WK999904" not in set(ontmoeting["wijkcode"])
    # ... while the other wijken do have one (the gap is specific)
    assert set(ontmoeting["wijkcode"]) == set(demo.wijken.index) - {"WK999904"}


def test_no_huisarts_in_beekdal(demo, voorzieningen_per_wijk):
    assert demo.wijken.loc["WK999906", "wijknaam"] == "Beekdal"
    huisarts = voorzieningen_per_wijk[voorzieningen_per_wijk["categorie"] == "huisarts"]
    assert len(huisarts) > 0
    assert "WK999906" not in set(huisarts["wijkcode"])


# --- labelled synthetic ------------------------------------------------------------------------------


def test_every_herkomst_is_synthetic(demo):
    assert set(demo.herkomst) == set(demo.lagen)
    for naam, herkomst in demo.herkomst.items():
        assert herkomst.synthetisch is True, naam
        assert "(synthetisch)" in herkomst.tekst(), naam


def test_gemeente_title_says_synthetisch(gemeente):
    assert "synthetisch" in gemeente.titel.lower()


def test_green_raster_file_carries_synthetic_provenance(demo_opslag):
    tif = demo_opslag.with_name("GM9999_groen_10m.tif")
    with rasterio.open(tif) as src:
        tags = src.tags()
        assert src.crs.to_epsg() == 28992
    assert tags["synthetisch"] == "True"
    assert tags["bron"] == "gebiedsplan demo-generator"


# --- health and green -------------------------------------------------------------------------------


def test_health_missing_exactly_for_small_buurten(demo):
    gezondheid = demo.gezondheid
    inwoners = demo.buurten["aantal_inwoners"].reindex(gezondheid["code"]).to_numpy()
    klein = inwoners < 200
    assert klein.sum() > 0 and (~klein).sum() > 0
    assert gezondheid["waarde"][klein].isna().all()
    assert gezondheid["waarde"][~klein].notna().all()
    assert set(gezondheid["code"]) == set(demo.buurten.index)
    waarden = gezondheid["waarde"].dropna()
    assert ((waarden >= 0) & (waarden <= 100)).all()


def test_green_raster_is_float32_share(demo):
    raster = demo.groen_raster
    assert raster.dtype == np.float32
    assert raster.shape == (300, 360)  # 3.0 x 3.6 km at 10 m
    assert np.isfinite(raster).all()
    assert raster.min() >= 0.0
    assert raster.max() <= 1.0
    assert raster.min() == 0.0  # the river
    assert raster.max() > 0.8  # parks


# --- the gebieden of wijken/demo.yml -------------------------------------------------------------------


def test_gebieden_of_demo_yml_name_existing_buurten_and_wijken(demo, demo_yml):
    gebieden = {g["naam"]: g for g in demo_yml["gebieden"]}
    buurten = gebieden["Pilot Zuid"]["buurten"]
    wijken = gebieden["Pilot Noord"]["wijken"]
    assert len(buurten) == 6 and len(wijken) == 2
    assert set(buurten) <= set(demo.buurten.index)
    assert set(wijken) <= set(demo.wijken.index)


def test_havenkwartier_polygon_matches_the_plan_area(demo, demo_yml):
    gebieden = {g["naam"]: g for g in demo_yml["gebieden"]}
    polygoon = shapely.from_wkt(gebieden["Havenkwartier"]["polygoon"])
    assert polygoon.equals(shapely.from_wkt(PLANGEBIED_WKT))
    assert demo.plannen.geometry.iloc[0].equals(polygoon)
    assert demo.plannen["woningen"].sum() == 7_000
