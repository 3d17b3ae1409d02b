"""The reach of one facility over the street network (gebiedsplan.netwerk.bereik.compute_bereik), on
tiny hand-made networks with the answers worked out by hand."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from gebiedsplan.errors import GebiedsplanError
from gebiedsplan.netwerk.bereik import compute_bereik
from gebiedsplan.netwerk.graaf import compile_arrays


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
