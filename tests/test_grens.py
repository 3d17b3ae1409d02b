"""Reach across the border: residents near it use facilities on the other side.

The demo has a neighbouring village east of Beekdal (``bronnen/demo.py``, ``BUURDORP_*``) with
a library. Residents of Beekdal near the border reach it first; it never counts as one of
Rivierstad's facilities. Network and facilities of a real gemeente are loaded with the buffer of
``lagen/catalogus/grensbuffer.yml`` (:func:`gebiedsplan.importeren.reikwijdte`).
"""

from __future__ import annotations

import dataclasses
import json

import geopandas as gpd
import numpy as np
import pytest
import shapely

from gebiedsplan.analyse.bereikbaarheid import compute_bereikbaarheid
from gebiedsplan.analyse.run import run_analyse
from gebiedsplan.bronnen.demo import BUURDORP_BIBLIOTHEEK
from gebiedsplan.catalogus import load_catalogus, load_grensbuffer
from gebiedsplan.gemeente import effective_voorzieningen
from gebiedsplan.importeren import import_files, reikwijdte

BIBLIOTHEEK = BUURDORP_BIBLIOTHEEK[0]
BEEKDAL = "WK999906"


@pytest.fixture(scope="module")
def zonder_buurdorp(gemeente, analyse):
    """The demo analysed as if the neighbour's library were not there (same network)."""
    vz = gemeente.voorzieningen
    kaal = dataclasses.replace(gemeente, voorzieningen=vz[vz["naam"] != BIBLIOTHEEK])
    return run_analyse(kaal, netwerk=analyse.netwerk)


def test_only_the_neighbours_library_lies_outside_the_gemeente(gemeente):
    alle = effective_voorzieningen(gemeente)
    assert alle.loc[alle["buiten_gemeente"], "naam"].tolist() == [BIBLIOTHEEK]
    bib = alle.loc[alle["naam"] == BIBLIOTHEEK].geometry.iloc[0]
    assert not gemeente.buurten.geometry.intersects(bib).any()


def test_border_residents_reach_the_neighbours_library_first(gemeente, analyse, zonder_buurdorp):
    kolom = "afstand_bibliotheek_m"
    met, zonder = analyse.bereik[kolom], zonder_buurdorp.bereik[kolom]
    beekdal = gemeente.vraagpunten["buurtcode"].map(gemeente.buurten["wijkcode"]) == BEEKDAL
    dichterbij = beekdal & (met < zonder - 1e-9)
    assert dichterbij.sum() > 100  # a real share of Beekdal, not one address
    # nobody outside Beekdal's east side gains, and no distance grows
    assert (met <= zonder + 1e-9).all()
    assert (dichterbij <= beekdal).all()
    # for those residents the distance is the route to the neighbour's library itself
    alleen = gemeente.voorzieningen[gemeente.voorzieningen["naam"] == BIBLIOTHEEK]
    naar_buurdorp = compute_bereikbaarheid(
        gemeente.vraagpunten[dichterbij],
        alleen,
        analyse.netwerk,
        gemeente.normen,
        categorieen=["bibliotheek"],
        stralen_m=None,
    )[kolom]
    np.testing.assert_allclose(met[dichterbij], naar_buurdorp, rtol=0, atol=1e-6)


def test_the_neighbours_library_is_not_the_gemeentes_own(gemeente, analyse, zonder_buurdorp):
    met = analyse.hiaten.xs("bibliotheek", level="categorie")
    zonder = zonder_buurdorp.hiaten.xs("bibliotheek", level="categorie")
    # counted in no wijk, buurt or gebied ...
    assert met.loc[BEEKDAL, "aantal_voorzieningen"] == 0
    assert (met["aantal_voorzieningen"] == zonder["aantal_voorzieningen"]).all()
    eigen = analyse.voorzieningen[
        (analyse.voorzieningen["categorie"] == "bibliotheek")
        & ~analyse.voorzieningen["buiten_gemeente"]
    ]
    assert met["aantal_voorzieningen"].sum() == len(eigen)
    assert analyse.voorziening_buurt[analyse.voorzieningen["naam"] == BIBLIOTHEEK].isna().all()
    # ... while Beekdal's residents within the norm grew because of it
    assert met.loc[BEEKDAL, "aandeel_binnen_norm"] > zonder.loc[BEEKDAL, "aandeel_binnen_norm"]
    andere = met.index != BEEKDAL
    np.testing.assert_array_equal(
        met.loc[andere, "aandeel_binnen_norm"], zonder.loc[andere, "aandeel_binnen_norm"]
    )


def test_the_walking_buffer_holds_the_largest_norm():
    grootste = max(n.max_afstand_m for n in load_catalogus().normen.values())
    assert load_grensbuffer()["lopen"] >= grootste + 250


def test_import_keeps_facilities_within_the_buffer_and_marks_them(tmp_path):
    """A facility 1 km across the border is loaded (and lies outside every buurt); one 5 km
    away is not."""
    vlak = shapely.box(150_000, 450_000, 152_000, 452_000)
    punten = gpd.GeoDataFrame(
        {"category": ["library", "library", "library"], "name": ["Binnen", "Over de grens", "Ver"]},
        geometry=[
            shapely.Point(151_000, 451_000),
            shapely.Point(153_000, 451_000),
            shapely.Point(157_000, 451_000),
        ],
        crs="EPSG:28992",
    ).to_crs("EPSG:4326")
    pad = tmp_path / "poi.geojson"
    pad.write_text(json.dumps(json.loads(punten.to_json())), encoding="utf-8")
    invoer = import_files("GM0202", jaar=2024, voorzieningen=[pad], vlak=vlak)
    namen = set(invoer.lagen["voorzieningen"].data["naam"])
    assert namen == {"Binnen", "Over de grens"}
    assert reikwijdte(vlak, "lopen").contains(shapely.Point(153_000, 451_000))
