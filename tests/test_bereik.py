"""The reach of one facility over the street network: the engine's street pieces
(gebiedsplan.netwerk.bereik.compute_bereik) and the analysis result the reach map draws
(gebiedsplan.analyse.voorzieningbereik.compute_voorzieningbereik), on tiny hand-made networks
with the answers worked out by hand, and on the demo against the engine's own searches."""

from __future__ import annotations

import dataclasses

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from gebiedsplan.analyse.voorzieningbereik import compute_voorzieningbereik
from gebiedsplan.errors import GebiedsplanError, GemeenteError
from gebiedsplan.netwerk.aansluiten import connect_points
from gebiedsplan.netwerk.bereik import compute_bereik
from gebiedsplan.netwerk.graaf import compile_arrays
from gebiedsplan.netwerk.zoeken import count_per_point, nearest_per_point


def _net_t():
    """A T: 0 -100- 1 -100- 2 along y=0 and a branch 1 -100- 3 up to (100, 100)."""
    xy = np.array([[0.0, 0.0], [100.0, 0.0], [200.0, 0.0], [100.0, 100.0]])
    return compile_arrays(
        xy, np.array([0, 1, 1]), np.array([1, 2, 3]), np.array([100.0, 100.0, 100.0])
    )


def test_bereik_op_een_netwerk_uit_de_hand():
    """The point (50, -10) snaps to the middle of segment 0-1 (10 m). With 160 m: 150 m left
    at the street, so 0-1 whole (50 + 50), 1-2 the first 100, 1-3 the first 100."""
    stukken = compute_bereik(_net_t(), shapely.Point(50, -10), max_afstand_m=160)
    assert stukken.crs == "EPSG:28992"
    per_kant = stukken.groupby("kant")["lengte_m"].sum().round(6).to_dict()
    assert per_kant == {-1: 10.0, 0: 100.0, 1: 100.0, 2: 100.0}
    # with 110 m: 100 m left, 0-1 whole, 50 m on 1-2 and on 1-3
    stukken = compute_bereik(_net_t(), shapely.Point(50, -10), max_afstand_m=110)
    per_kant = stukken.set_index("kant")
    assert per_kant.loc[1, "tot_m"] == pytest.approx(50.0)
    assert per_kant.loc[2, "tot_m"] == pytest.approx(50.0)
    assert float(stukken["lengte_m"].sum()) == pytest.approx(10 + 100 + 50 + 50)
    eind = shapely.get_coordinates(per_kant.loc[2, "geometry"])[-1]
    assert eind.tolist() == pytest.approx([100.0, 50.0])
    # within the snap distance nothing of the street is reached
    assert compute_bereik(_net_t(), shapely.Point(50, -10), max_afstand_m=5).empty


def test_bereik_eenrichting():
    """On one-way segments 0->1->2 only the streets from which you can walk to the point count:
    from (150, 0) on 1->2 you cannot walk back to 1; from 0 you reach it via 1."""
    xy = np.array([[0.0, 0.0], [100.0, 0.0], [200.0, 0.0]])
    net = compile_arrays(
        xy,
        np.array([0, 1]),
        np.array([1, 2]),
        np.array([100.0, 100.0]),
        eenrichting=np.array([True, True]),
    )
    stukken = compute_bereik(net, shapely.Point(150, 0), max_afstand_m=100)
    per_kant = stukken.groupby("kant")[["van_m", "tot_m"]].first()
    assert per_kant.loc[1].tolist() == pytest.approx([0.0, 50.0])
    assert per_kant.loc[0].tolist() == pytest.approx([50.0, 100.0])


def test_bereik_buiten_het_netwerk():
    with pytest.raises(GebiedsplanError, match="ligt 400 m van het wegennet, verder dan 250 m"):
        compute_bereik(_net_t(), shapely.Point(100, 500), max_afstand_m=500)


# --------------------------------------------------------------------------------------------
# the analysis result: compute_voorzieningbereik
# --------------------------------------------------------------------------------------------

X0, Y0 = 190_000.0, 445_000.0  # the hand-made T, moved into RD


def _t_in_rd():
    """The T of ``_net_t`` at (X0, Y0)."""
    xy = np.array([[0.0, 0.0], [100.0, 0.0], [200.0, 0.0], [100.0, 100.0]]) + [X0, Y0]
    return compile_arrays(
        xy, np.array([0, 1, 1]), np.array([1, 2, 3]), np.array([100.0, 100.0, 100.0])
    )


@pytest.fixture()
def t_gemeente(gemeente):
    """The demo gemeente with one meeting place at (50, -10) on the T and four demand points:
    by hand, over the network (snap distances included) they are 115, 155, 63 and 160 m from
    it: (150, 5): 5 + 50 + 50 + 10; (100, 95): 95 + 50 + 10; (0, 3): 3 + 50 + 10;
    (200, 0): 100 + 50 + 10."""
    vz = gpd.GeoDataFrame(
        {
            "naam": ["Buurthuis T"],
            "categorie": ["ontmoeting"],
            "subcategorie": [None],
            "bron": ["test"],
        },
        geometry=[shapely.Point(X0 + 50, Y0 - 10)],
        crs="EPSG:28992",
        index=pd.Index(["t1"], name="id"),
    )
    vraag = gpd.GeoDataFrame(
        {"inwoners": [10, 20, 40, 80], "buurtcode": ["BU99990101"] * 4},
        geometry=[
            shapely.Point(X0 + x, Y0 + y) for x, y in ((150, 5), (100, 95), (0, 3), (200, 0))
        ],
        crs="EPSG:28992",
        index=pd.Index(["p1", "p2", "p3", "p4"], name="id"),
    )
    return dataclasses.replace(
        gemeente, voorzieningen=vz, accommodaties=None, vraagpunten=vraag, netwerk=None, opslag=None
    )


def test_voorzieningbereik_uit_de_hand(t_gemeente):
    net = _t_in_rd()
    bereik = compute_voorzieningbereik(t_gemeente, "t1", netwerk=net, max_afstand_m=120)
    assert bereik.voorziening_id == "t1" and bereik.voorziening["naam"] == "Buurthuis T"
    assert bereik.categorie == "ontmoeting" and bereik.max_afstand_m == 120.0
    assert bereik.inwoners_binnen == 10 + 40  # p1 (115 m) and p3 (63 m)
    # the streets: 10 m to the street, then 110 m: 0-1 whole, 60 m on 1-2 and on 1-3
    per_kant = bereik.straten.groupby("kant")["lengte_m"].sum().round(6).to_dict()
    assert per_kant == {-1: 10.0, 0: 100.0, 1: 60.0, 2: 60.0}
    assert bereik.straatlengte_m == pytest.approx(230.0)
    # the area: the outline of the streets, 15 m wider, so every street piece lies inside
    assert bereik.vlak.contains(shapely.union_all(bereik.straten.geometry.to_numpy()))
    assert not bereik.vlak.contains(shapely.Point(X0 + 200, Y0))
    # each demand point counts from its own distance on: p3 63 m, p1 115, p2 155, p4 160
    for afstand, inwoners in ((62, 0), (63, 40), (114.9, 40), (115, 50), (155, 70), (160, 150)):
        uit = compute_voorzieningbereik(t_gemeente, "t1", netwerk=net, max_afstand_m=afstand)
        assert uit.inwoners_binnen == inwoners, afstand


def test_voorzieningbereik_norm_en_fouten(t_gemeente):
    net = _t_in_rd()
    # default distance: the norm of the category (the demo's own 600 m for ontmoeting)
    assert compute_voorzieningbereik(t_gemeente, "t1", netwerk=net).max_afstand_m == 600.0
    zonder_vraag = dataclasses.replace(t_gemeente, vraagpunten=None)
    assert compute_voorzieningbereik(zonder_vraag, "t1", netwerk=net).inwoners_binnen is None
    # nothing of the street within the snap distance: a small circle around the facility
    klein = compute_voorzieningbereik(t_gemeente, "t1", netwerk=net, max_afstand_m=5)
    assert klein.straten.empty and klein.inwoners_binnen == 0
    assert klein.vlak.area == pytest.approx(np.pi * 0.5**2, rel=0.02)
    with pytest.raises(GebiedsplanError, match="'vz9999' bestaat niet in gemeente GM9999"):
        compute_voorzieningbereik(t_gemeente, "vz9999", netwerk=net)
    with pytest.raises(GemeenteError, match="GM9999 heeft geen wegennetwerk"):
        compute_voorzieningbereik(t_gemeente, "t1")
    opvang = t_gemeente.voorzieningen.assign(categorie="opvang")
    with pytest.raises(GebiedsplanError, match="Categorie 'opvang' heeft geen norm"):
        compute_voorzieningbereik(
            dataclasses.replace(t_gemeente, voorzieningen=opvang), "t1", netwerk=net
        )


def test_voorzieningbereik_van_de_demo_gelijk_aan_de_zoekingen(gemeente, analyse):
    """On the demo: the street pieces are compute_bereik's, the residents those a bounded
    count and a nearest search from this one facility find within the norm."""
    vz = gemeente.voorzieningen
    vz_id = vz.index[vz["naam"] == "Wijkcentrum De Markt"][0]
    bereik = compute_voorzieningbereik(gemeente, vz_id, netwerk=analyse.netwerk)
    assert bereik.max_afstand_m == 600.0
    stukken = compute_bereik(analyse.netwerk, vz.loc[vz_id].geometry, max_afstand_m=600)
    assert bereik.straten[["kant", "van_m", "tot_m"]].equals(stukken[["kant", "van_m", "tot_m"]])
    enkel = vz.loc[[vz_id]]
    a = connect_points(gemeente.vraagpunten, enkel, analyse.netwerk)
    tel = count_per_point(a, enkel["categorie"].to_numpy(), {"ontmoeting": [600.0]})
    inwoners = gemeente.vraagpunten["inwoners"].to_numpy()
    assert bereik.inwoners_binnen == int(inwoners[tel[("ontmoeting", 600.0)] > 0].sum()) > 0
    afstand = nearest_per_point(a, np.array([True]))
    assert bereik.inwoners_binnen == int(inwoners[afstand <= 600].sum())
    # the network compiled by the analysis itself (kept beside the layer store) is the same
    assert compute_voorzieningbereik(gemeente, vz_id).inwoners_binnen == bereik.inwoners_binnen
