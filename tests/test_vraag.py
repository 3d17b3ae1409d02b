"""Demand points: integer spreading by hand, the choice of method, and the real Arnhem buurten."""

from __future__ import annotations

import logging

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from gebiedsplan.bronnen.vraag import (
    choose_vraagpunten,
    split_integer,
    vraagpunten_from_buurten,
)
from gebiedsplan.errors import CRSError, GebiedsplanError


def _buurten(rows: list[tuple[str, shapely.Geometry, float | None]]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"aantal_inwoners": pd.array([n for _, _, n in rows], dtype="Int64")},
        geometry=[g for _, g, _ in rows],
        index=pd.Index([c for c, _, _ in rows], name="buurtcode"),
        crs="EPSG:28992",
    )


def test_split_integer_by_hand():
    # quotas 1.667, 3.333, 5.0: floors 1, 3, 5 and the one left goes to the largest remainder
    assert split_integer(10, np.array([1.0, 2.0, 3.0])).tolist() == [2, 3, 5]
    assert split_integer(0, np.array([1.0, 1.0])).tolist() == [0, 0]
    # zero weight gets nothing
    assert split_integer(5, np.array([0.0, 1.0])).tolist() == [0, 5]
    # ties: same seed, same answer; always the exact total
    a = split_integer(3, np.ones(7), seed=42)
    assert a.tolist() == split_integer(3, np.ones(7), seed=42).tolist()
    assert a.sum() == 3 and set(a.tolist()) <= {0, 1}
    with pytest.raises(GebiedsplanError):
        split_integer(3, np.zeros(2))


def test_grid_weights_cells_by_area_inside_the_buurt():
    # 260 x 100 m: cell centres (50,50), (150,50), (250,50); the last cell is 60% inside
    buurt = _buurten([("BU00000001", shapely.box(0, 0, 260, 100), 260)])
    punten = vraagpunten_from_buurten(buurt)
    assert punten["inwoners"].tolist() == [100, 100, 60]
    assert shapely.get_coordinates(punten.geometry.to_numpy()).tolist() == [
        [50, 50],
        [150, 50],
        [250, 50],
    ]
    assert punten.index.tolist() == ["BU00000001_00000", "BU00000001_00001", "BU00000001_00002"]
    assert (punten["methode"] == "buurt_verdeeld").all()


def test_totals_exact_missing_left_out_tiny_gets_one_point(caplog):
    buurten = _buurten(
        [
            ("BU00000001", shapely.box(0, 0, 1000, 700), 1234),
            ("BU00000002", shapely.box(2000, 0, 2500, 500), None),  # suppressed by CBS
            ("BU00000003", shapely.box(3010, 10, 3040, 40), 17),  # holds no cell centre
            ("BU00000004", shapely.box(4000, 0, 4300, 300), 0),
        ]
    )
    with caplog.at_level(logging.WARNING, logger="gebiedsplan.bronnen.vraag"):
        punten = vraagpunten_from_buurten(buurten)
    assert "BU00000002" in caplog.text and "niet als 0" in caplog.text
    per_buurt = punten.groupby("buurtcode")["inwoners"].sum()
    assert per_buurt.to_dict() == {"BU00000001": 1234, "BU00000003": 17}
    # 70 cells: 1234 = 70 * 17 + 44, so 44 cells hold 18 and 26 hold 17
    eerste = punten[punten["buurtcode"] == "BU00000001"]["inwoners"]
    assert len(eerste) == 70
    assert sorted(eerste.value_counts().items()) == [(17, 26), (18, 44)]
    klein = punten[punten["buurtcode"] == "BU00000003"]
    assert len(klein) == 1 and klein["inwoners"].iloc[0] == 17
    assert klein.geometry.iloc[0].within(buurten.geometry["BU00000003"])
    assert punten["inwoners"].dtype == np.int64


def test_woongebied_restricts_points(caplog):
    buurten = _buurten(
        [
            ("BU00000001", shapely.box(0, 0, 1000, 1000), 500),
            ("BU00000002", shapely.box(2000, 0, 2200, 200), 40),  # no residential area at all
        ]
    )
    woon = gpd.GeoSeries([shapely.box(0, 0, 300, 200)], crs="EPSG:28992")
    with caplog.at_level(logging.INFO, logger="gebiedsplan.bronnen.vraag"):
        punten = vraagpunten_from_buurten(buurten, woongebied=woon)
    eerste = punten[punten["buurtcode"] == "BU00000001"]
    assert len(eerste) == 6  # 3 x 2 cells of the residential block
    assert eerste.geometry.within(shapely.box(0, 0, 300, 200)).all()
    assert eerste["inwoners"].sum() == 500
    tweede = punten[punten["buurtcode"] == "BU00000002"]
    assert len(tweede) == 4 and tweede["inwoners"].sum() == 40
    assert "BU00000002" in caplog.text
    with pytest.raises(CRSError, match="to_crs"):
        vraagpunten_from_buurten(buurten, woongebied=woon.to_crs("EPSG:4326"))


def test_geographic_buurten_refused():
    buurten = _buurten([("BU00000001", shapely.box(0, 0, 100, 100), 5)]).to_crs("EPSG:4326")
    with pytest.raises(CRSError, match="to_crs"):
        vraagpunten_from_buurten(buurten)


def _adressen(xy, **cols):
    return gpd.GeoDataFrame(
        cols,
        geometry=[shapely.Point(p) for p in xy],
        crs="EPSG:28992",
        index=pd.Index([f"a{i}" for i in range(len(xy))], name="id"),
    )


def test_choose_prefers_addresses_with_inhabitants():
    buurten = _buurten([("BU00000001", shapely.box(0, 0, 1000, 1000), 999)])
    adressen = _adressen([(10, 10), (20, 20), (30, 30)], inwoners=[2, 0, 3])
    raster = gpd.GeoDataFrame(
        {"aantal_inwoners": [100]}, geometry=[shapely.box(0, 0, 100, 100)], crs="EPSG:28992"
    )
    punten = choose_vraagpunten(adressen=adressen, raster=raster, buurten=buurten)
    assert punten.attrs["methode"] == "adressen"
    assert "adres" in punten.attrs["methode_toelichting"]
    # the address with nobody is dropped; buurtcode came from the buurten
    assert punten["inwoners"].to_dict() == {"a0": 2, "a2": 3}
    assert (punten["buurtcode"] == "BU00000001").all()


def test_addresses_without_inhabitants_share_the_buurt_total():
    buurten = _buurten(
        [
            ("BU00000001", shapely.box(0, 0, 1000, 1000), 10),
            ("BU00000002", shapely.box(1000, 0, 2000, 1000), 7),  # no address: grid fallback
        ]
    )
    adressen = _adressen([(10, 10), (20, 20), (30, 30), (40, 40)], woningen=[1, 1, 1, 2])
    punten = choose_vraagpunten(adressen=adressen, buurten=buurten)
    assert punten.attrs["methode"] == "adressen"
    eerste = punten[punten["buurtcode"] == "BU00000001"]
    # weights 1:1:1:2 of 10 -> 2, 2, 2, 4
    assert eerste["inwoners"].to_dict() == {"a0": 2, "a1": 2, "a2": 2, "a3": 4}
    tweede = punten[punten["buurtcode"] == "BU00000002"]
    assert tweede["inwoners"].sum() == 7
    assert (tweede["methode"] == "buurt_verdeeld").all()
    assert (eerste["methode"] == "adressen").all()


def test_raster_leaves_suppressed_cells_out(caplog):
    """Without buurt totals the cell counts are the inhabitants; a suppressed cell (-99997) is
    left out, never counted as 0."""
    buurten = _buurten([("BU00000001", shapely.box(0, 0, 1000, 1000), 999)]).drop(
        columns="aantal_inwoners"
    )
    raster = gpd.GeoDataFrame(
        {"aantal_inwoners": [35, -99997, 5]},
        geometry=[
            shapely.box(0, 0, 100, 100),
            shapely.box(100, 0, 200, 100),
            shapely.box(0, 100, 100, 200),
        ],
        crs="EPSG:28992",
    )
    with caplog.at_level(logging.WARNING, logger="gebiedsplan.bronnen.vraag"):
        punten = choose_vraagpunten(raster=raster, buurten=buurten)
    assert punten.attrs["methode"] == "raster_100m"
    assert punten["inwoners"].tolist() == [35, 5]
    assert shapely.get_coordinates(punten.geometry.to_numpy()).tolist() == [[50, 50], [50, 150]]
    assert "1 rastercellen" in caplog.text
    assert (
        "1 rastercellen zonder (geheim of ontbrekend) aantal inwoners"
        in punten.attrs["meldingen"][0]
    )


def test_raster_spreads_the_buurt_total_by_cell_count():
    """With the buurt totals the grid is the weight: 999 over cells of 35 and 5 (quotas 874.125
    and 124.875, the one left to the larger remainder), the suppressed cell still left out."""
    buurten = _buurten(
        [
            ("BU00000001", shapely.box(0, 0, 1000, 1000), 999),
            ("BU00000002", shapely.box(1000, 0, 2000, 1000), 40),  # no populated cell
        ]
    )
    raster = gpd.GeoDataFrame(
        {"aantal_inwoners": [35, -99997, 5]},
        geometry=[
            shapely.box(0, 0, 100, 100),
            shapely.box(100, 0, 200, 100),
            shapely.box(0, 100, 100, 200),
        ],
        crs="EPSG:28992",
    )
    punten = choose_vraagpunten(raster=raster, buurten=buurten)
    eerste = punten[punten["buurtcode"] == "BU00000001"]
    assert eerste["inwoners"].tolist() == [874, 125]
    assert (eerste["methode"] == "raster_100m").all()
    tweede = punten[punten["buurtcode"] == "BU00000002"]
    assert tweede["inwoners"].sum() == 40 and (tweede["methode"] == "buurt_verdeeld").all()
    assert any(
        "BU00000002" in m and "zonder bewoonde rastercel" in m for m in punten.attrs["meldingen"]
    )


def test_choose_without_data_says_what_to_give():
    with pytest.raises(GebiedsplanError, match="adressen"):
        choose_vraagpunten()
    with pytest.raises(GebiedsplanError, match="buurtcode"):
        choose_vraagpunten(adressen=_adressen([(0, 0)], inwoners=[1]))


def test_arnhem_buurten_spread_exactly(arnhem_data):
    bron = gpd.read_file(arnhem_data / "arnhem_buurten_2022_generalised.gpkg", layer="buurten")
    buurten = bron.set_index("buurtcode").rename(
        columns={"kwb24_AantalInwoners_5": "aantal_inwoners"}
    )
    punten = vraagpunten_from_buurten(buurten)
    per_buurt = punten.groupby("buurtcode")["inwoners"].sum()
    # SOURCES.md: 82 of 83 buurten have a figure (BU02020338 missing), together 167 470
    assert len(per_buurt) == 82 and "BU02020338" not in per_buurt.index
    assert per_buurt.sum() == 167_470
    verwacht = buurten["aantal_inwoners"].dropna().astype(int)
    assert per_buurt.to_dict() == verwacht[verwacht > 0].to_dict()
    vlak = buurten.geometry.reindex(punten["buurtcode"]).to_numpy()
    assert shapely.within(punten.geometry.to_numpy(), vlak).all()


def test_methode_column_is_part_of_the_schema():
    """Every way of making demand points writes its method per point; an unknown method in a
    layer read from disk is refused, naming the column and the row."""
    from gebiedsplan._validate import validate_laag

    buurten = _buurten([("BU00000001", shapely.box(0, 0, 1000, 1000), 40)])
    punten = vraagpunten_from_buurten(buurten)
    assert set(punten["methode"]) == {"buurt_verdeeld"}
    fout = punten.copy()
    fout.iloc[0, fout.columns.get_loc("methode")] = "geschat"
    with pytest.raises(GebiedsplanError, match="methode") as e:
        validate_laag(fout, "vraagpunten", bron="test.gpkg")
    assert str(fout.index[0]) in str(e.value)
