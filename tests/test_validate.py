"""validate_laag on small hand-made layers in EPSG:28992 (RD New, metres)."""

from __future__ import annotations

import logging
import re

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely import Point, Polygon, box

from gebiedsplan._validate import validate_laag
from gebiedsplan.errors import CRSError, GebiedsplanError, SchemaError

WIJKCODES = ["WK999901", "WK999902", "WK999903"]


def make_wijken(**columns) -> gpd.GeoDataFrame:
    """Three 1 km boxes side by side; keyword arguments replace columns (geometry included)."""
    data = {
        "wijkcode": list(WIJKCODES),
        "wijknaam": ["Noord", "Midden", "Zuid"],
        "gemeentecode": ["GM9999"] * 3,
        "geometry": [
            box(171_000 + i * 1000, 491_000, 172_000 + i * 1000, 492_000) for i in range(3)
        ],
    }
    data.update(columns)
    return gpd.GeoDataFrame(data, geometry="geometry", crs="EPSG:28992")


def make_buurten(**columns) -> gpd.GeoDataFrame:
    data = {
        "buurtcode": ["BU99990101", "BU99990102"],
        "buurtnaam": ["Centrum", "Haven"],
        "wijkcode": ["WK999901", "WK999901"],
        "gemeentecode": ["GM9999", "GM9999"],
        "aantal_inwoners": [1000, 500],
        "inwoners_0_tot_15_jaar": [200, 100],
        "inwoners_15_tot_25_jaar": [200, 100],
        "inwoners_25_tot_45_jaar": [200, 100],
        "inwoners_45_tot_65_jaar": [200, 100],
        "inwoners_65_jaar_en_ouder": [200, 100],
        "aantal_huishoudens": [450, 220],
        "gemiddeld_inkomen_per_inwoner": [30.5, 25.0],
        "geometry": [
            box(171_000, 491_000, 171_500, 492_000),
            box(171_500, 491_000, 172_000, 492_000),
        ],
    }
    data.update(columns)
    return gpd.GeoDataFrame(data, geometry="geometry", crs="EPSG:28992")


def make_voorzieningen(**columns) -> gpd.GeoDataFrame:
    data = {
        "id": ["vz1", "vz2", "vz3"],
        "naam": ["Buurthuis De Linde", "Huisarts Kade", "Speeltuin"],
        "categorie": ["ontmoeting", "huisarts", "speelplek"],
        "bron": ["test"] * 3,
        "geometry": [Point(171_100, 491_100), Point(171_200, 491_200), Point(171_300, 491_300)],
    }
    data.update(columns)
    return gpd.GeoDataFrame(data, geometry="geometry", crs="EPSG:28992")


def schema_error(frame, laag) -> SchemaError:
    with pytest.raises(SchemaError) as info:
        validate_laag(frame, laag)
    assert info.value.laag == laag
    return info.value


# --- good input ---------------------------------------------------------------------------------


def test_good_wijken_are_indexed_by_wijkcode_in_rd():
    out = validate_laag(make_wijken(), "wijken")
    assert isinstance(out, gpd.GeoDataFrame)
    assert out.index.name == "wijkcode"
    assert list(out.index) == WIJKCODES
    assert out.crs.to_epsg() == 28992
    assert list(out.columns[:2]) == ["wijknaam", "gemeentecode"]
    assert out.loc["WK999902", "wijknaam"] == "Midden"
    assert out.loc["WK999903"].geometry.bounds == (173_000, 491_000, 174_000, 492_000)
    assert out.attrs["laag"] == "wijken"


def test_key_given_as_index_is_accepted():
    out = validate_laag(make_wijken().set_index("wijkcode"), "wijken")
    assert list(out.index) == WIJKCODES


def test_input_is_not_modified():
    frame = make_wijken()
    before = frame.copy()
    validate_laag(frame, "wijken")
    pd.testing.assert_frame_equal(frame, before)


def test_buurten_numbers_become_nullable_ints():
    out = validate_laag(make_buurten(aantal_inwoners=["1000", "500"]), "buurten")
    assert str(out["aantal_inwoners"].dtype) == "Int64"
    assert out.loc["BU99990101", "aantal_inwoners"] == 1000
    assert out["gemiddeld_inkomen_per_inwoner"].dtype == np.float64


def test_wgs84_input_is_reprojected_to_rd_with_log(caplog):
    # boxes of ~0.01 degree around Amersfoort, the origin of RD (x=155000, y=463000)
    wgs84 = make_wijken(
        geometry=[box(5.38 + i * 0.01, 52.15, 5.39 + i * 0.01, 52.16) for i in range(3)]
    ).set_crs("EPSG:4326", allow_override=True)
    with caplog.at_level(logging.INFO, logger="gebiedsplan._validate"):
        out = validate_laag(wgs84, "wijken", bron="wgs84.geojson")
    assert out.crs.to_epsg() == 28992
    minx, miny, maxx, maxy = out.total_bounds
    assert 154_000 < minx < maxx < 158_000
    assert 462_000 < miny < maxy < 465_000
    records = [r for r in caplog.records if r.name == "gebiedsplan._validate"]
    assert len(records) == 1
    assert records[0].levelno == logging.INFO
    assert "wgs84.geojson" in records[0].getMessage()
    assert "EPSG:28992" in records[0].getMessage()


def test_gezondheid_table_without_geometry_validates():
    table = pd.DataFrame(
        {
            "id": ["BU99990101:eenzaamheid:2024", "BU99990102:eenzaamheid:2024"],
            "code": ["BU99990101", "BU99990102"],
            "indicator": ["eenzaamheid", "eenzaamheid"],
            "jaar": [2024, 2024],
            "waarde": [47.5, np.nan],  # leeg: true -> stays missing
            "eenheid": ["% van 18+"] * 2,
            "bron": ["GGD"] * 2,
        }
    )
    out = validate_laag(table, "gezondheid")
    assert type(out) is pd.DataFrame
    assert out.index.name == "id"
    assert out.loc["BU99990101:eenzaamheid:2024", "waarde"] == 47.5
    assert np.isnan(out.loc["BU99990102:eenzaamheid:2024", "waarde"])
    assert str(out["jaar"].dtype) == "Int64"


def test_missing_value_in_nullable_column_stays_missing():
    out = validate_laag(make_buurten(gemiddeld_inkomen_per_inwoner=[30.5, None]), "buurten")
    assert np.isnan(out.loc["BU99990102", "gemiddeld_inkomen_per_inwoner"])


# --- CRS ------------------------------------------------------------------------------------------


def test_no_crs_is_a_crs_error_that_says_how_to_fix():
    frame = make_wijken().set_crs(None, allow_override=True)
    with pytest.raises(CRSError, match=r"geen CRS") as info:
        validate_laag(frame, "wijken", bron="schets.shp")
    message = str(info.value)
    assert "set_crs" in message
    assert "schets.shp" in message
    assert "wijken" in message


# --- geometry -------------------------------------------------------------------------------------


def test_bow_tie_polygon_is_invalid_geometry_naming_the_row():
    bow_tie = Polygon(
        [(171_000, 491_000), (172_000, 492_000), (172_000, 491_000), (171_000, 492_000)]
    )
    assert not bow_tie.is_valid
    frame = make_wijken(
        geometry=[
            box(171_000, 491_000, 172_000, 492_000),
            bow_tie,
            box(173_000, 491_000, 174_000, 492_000),
        ]
    )
    err = schema_error(frame, "wijken")
    assert len(err.problemen) == 1
    assert "ongeldige geometrie" in err.problemen[0]
    assert "rij 2 (wijkcode=WK999902)" in err.problemen[0]
    assert "Self-intersection" in err.problemen[0]


def test_empty_and_missing_geometry_name_the_rows():
    frame = make_wijken(geometry=[box(171_000, 491_000, 172_000, 492_000), Polygon(), None])
    err = schema_error(frame, "wijken")
    assert len(err.problemen) == 1
    problem = err.problemen[0]
    assert "geometrie ontbreekt of is leeg" in problem
    assert "rij 2 (wijkcode=WK999902), 3 (wijkcode=WK999903)" in problem
    assert "WK999901" not in problem


def test_point_in_wijken_is_wrong_geometry_type():
    frame = make_wijken(
        geometry=[
            box(171_000, 491_000, 172_000, 492_000),
            Point(172_500, 491_500),
            box(173_000, 491_000, 174_000, 492_000),
        ]
    )
    err = schema_error(frame, "wijken")
    assert err.problemen == [
        "geometrietype Point in rij 2 (wijkcode=WK999902); verwacht Polygon of MultiPolygon"
    ]


def test_polygon_in_voorzieningen_is_wrong_geometry_type():
    frame = make_voorzieningen(
        geometry=[
            Point(171_100, 491_100),
            box(171_000, 491_000, 171_100, 491_100),
            Point(171_300, 491_300),
        ]
    )
    err = schema_error(frame, "voorzieningen")
    assert "geometrietype Polygon in rij 2 (id=vz2); verwacht Point" in err.problemen[0]


def test_plain_dataframe_for_a_geometry_layer_is_rejected():
    frame = pd.DataFrame(make_wijken().drop(columns="geometry"))
    err = schema_error(frame, "wijken")
    assert "verwacht een GeoDataFrame" in err.problemen[0]
    assert "DataFrame" in err.problemen[0]


# --- keys, columns, values --------------------------------------------------------------------------


def test_duplicate_key_is_named():
    frame = make_wijken(wijkcode=["WK999901", "WK999907", "WK999907"])
    err = schema_error(frame, "wijken")
    assert len(err.problemen) == 1
    assert "sleutel 'wijkcode' is niet uniek; meer dan eens: WK999907" in err.problemen[0]
    assert "rij 2, 3" in err.problemen[0]
    assert "WK999901" not in err.problemen[0]


def test_missing_key_value_is_named():
    frame = make_wijken(wijkcode=["WK999901", None, "WK999903"])
    err = schema_error(frame, "wijken")
    assert "sleutel 'wijkcode' ontbreekt in rij 2" in err.problemen


def test_key_with_wrong_form_is_named():
    frame = make_wijken(wijkcode=["WK999901", "W999902", "WK999903"])
    err = schema_error(frame, "wijken")
    assert len(err.problemen) == 1
    assert "W999902" in err.problemen[0]
    assert "niet de vorm" in err.problemen[0]


def test_unknown_category_is_named_with_row():
    frame = make_voorzieningen(categorie=["ontmoeting", "casino", "speelplek"])
    err = schema_error(frame, "voorzieningen")
    assert len(err.problemen) == 1
    problem = err.problemen[0]
    assert "kolom 'categorie': onbekende categorie casino in rij 2 (id=vz2)" in problem
    assert "categorieen.yml" in problem


def test_non_numeric_inhabitants_name_column_and_row():
    frame = make_buurten(aantal_inwoners=[1000, "veel"])
    err = schema_error(frame, "buurten")
    problem = err.problemen[0]
    assert "kolom 'aantal_inwoners'" in problem
    assert "niet-numerieke waarden" in problem
    assert "rij 2 (buurtcode=BU99990102)" in problem
    assert "(bv. veel)" in problem


def test_non_numeric_value_is_not_also_reported_as_missing():
    # 'veel' is present but not a number; saying the cell is empty ("ontbrekende waarde ...
    # vul de waarde in") would send the user looking for an empty cell that is not there.
    frame = make_buurten(aantal_inwoners=[1000, "veel"])
    err = schema_error(frame, "buurten")
    assert len(err.problemen) == 1, err.problemen


def test_missing_value_in_non_nullable_column_is_an_error_not_zero():
    frame = make_buurten(wijkcode=["WK999901", None])
    err = schema_error(frame, "buurten")
    assert len(err.problemen) == 1
    problem = err.problemen[0]
    assert "kolom 'wijkcode': ontbrekende waarde in rij 2 (buurtcode=BU99990102)" in problem
    assert "mag niet leeg" in problem


def test_suppressed_key_figure_stays_missing_never_zero():
    # CBS suppresses figures of tiny buurten: the value stays missing
    out = validate_laag(make_buurten(aantal_inwoners=[1000, None]), "buurten")
    assert out.loc["BU99990101", "aantal_inwoners"] == 1000
    assert pd.isna(out.loc["BU99990102", "aantal_inwoners"])


def test_blank_string_in_non_nullable_column_is_missing():
    frame = make_wijken(wijknaam=["Noord", "   ", "Zuid"])
    err = schema_error(frame, "wijken")
    assert err.problemen[0].startswith(
        "kolom 'wijknaam': ontbrekende waarde in rij 2 (wijkcode=WK999902)"
    )


def test_negative_and_fractional_counts_are_named():
    frame = make_buurten(aantal_inwoners=[-5, 10.5])
    err = schema_error(frame, "buurten")
    joined = "\n".join(err.problemen)
    assert "kolom 'aantal_inwoners': geen geheel getal in rij 2 (buurtcode=BU99990102)" in joined
    assert "kolom 'aantal_inwoners': waarde kleiner dan 0 in rij 1 (buurtcode=BU99990101)" in joined


def test_missing_required_column_is_named():
    frame = make_buurten().drop(columns=["aantal_inwoners"])
    err = schema_error(frame, "buurten")
    assert len(err.problemen) == 1
    assert err.problemen[0].startswith("ontbrekende kolom(men): aantal_inwoners;")


def test_missing_optional_column_is_fine():
    out = validate_laag(make_buurten().drop(columns=["gemiddeld_inkomen_per_inwoner"]), "buurten")
    assert "gemiddeld_inkomen_per_inwoner" not in out.columns


def test_missing_key_column_is_named():
    frame = make_wijken().drop(columns=["wijkcode"])
    err = schema_error(frame, "wijken")
    assert err.problemen[0].startswith("ontbrekende kolom(men): wijkcode;")


def test_several_problems_are_reported_together():
    frame = make_wijken(
        wijkcode=["WK999901", "WK999901", "WK999903"],  # duplicate key
        wijknaam=["Noord", None, "Zuid"],  # missing value
        gemeentecode=["GM9999", "GM9999", "9999"],  # wrong form
        geometry=[
            box(171_000, 491_000, 172_000, 492_000),
            box(172_000, 491_000, 173_000, 492_000),
            Point(173_500, 491_500),
        ],  # wrong geometry type
    )
    err = schema_error(frame, "wijken")
    assert len(err.problemen) == 4, err.problemen
    joined = "\n".join(err.problemen)
    assert "niet uniek; meer dan eens: WK999901" in joined
    assert "kolom 'wijknaam': ontbrekende waarde in rij 2" in joined
    assert "kolom 'gemeentecode': waarde niet van de vorm" in joined and "9999" in joined
    assert "geometrietype Point in rij 3" in joined
    message = str(err)
    assert message.startswith("Laag 'wijken' uit invoer: 4 problemen gevonden:")
    assert all(p in message for p in err.problemen)


def test_empty_layer_is_an_error():
    err = schema_error(make_wijken().iloc[0:0], "wijken")
    assert "de laag heeft geen rijen" in err.problemen


def test_unknown_layer_name_lists_known_layers():
    with pytest.raises(GebiedsplanError, match=re.escape("Onbekende laag 'wijk'")) as info:
        validate_laag(make_wijken(), "wijk")
    assert "wijken" in str(info.value)


def test_value_above_max_is_named_with_the_hint(demo):
    accommodaties = demo.accommodaties.copy()
    accommodaties.loc["acc001", "bezetting"] = 85.0  # a percentage instead of a share
    err = schema_error(accommodaties, "accommodaties")
    assert "kolom 'bezetting': waarde groter dan 1 in rij 1 (id=acc001)" in err.problemen[0]
    assert "aandeel 0-1" in err.problemen[0]


# --- inside the Netherlands -------------------------------------------------------------------


def test_netherlands_bounds_hold_epsg_area_of_use_with_a_margin():
    """NEDERLAND_RD is EPSG's area of use of EPSG:28992, projected, widened by 10 km, rounded
    outward to whole km; NEDERLAND_WGS84 the same area in degrees, widened by 0.1 degree."""
    import pyproj

    from gebiedsplan._validate import NEDERLAND_RD, NEDERLAND_WGS84

    gebied = pyproj.CRS("EPSG:28992").area_of_use
    assert gebied is not None
    west, zuid, oost, noord = gebied.bounds
    assert pytest.approx((west - 0.1, zuid - 0.1, oost + 0.1, noord + 0.1)) == NEDERLAND_WGS84
    naar_rd = pyproj.Transformer.from_crs("EPSG:4326", "EPSG:28992", always_xy=True)
    x0, y0, x1, y1 = naar_rd.transform_bounds(west, zuid, oost, noord, densify_pts=101)
    verwacht = (
        np.floor((x0 - 10_000) / 1000) * 1000,
        np.floor((y0 - 10_000) / 1000) * 1000,
        np.ceil((x1 + 10_000) / 1000) * 1000,
        np.ceil((y1 + 10_000) / 1000) * 1000,
    )
    assert verwacht == NEDERLAND_RD
    assert NEDERLAND_RD[2] < NEDERLAND_RD[1]  # x and y ranges apart: a swap is detectable


@pytest.mark.parametrize(
    ("punt", "graden", "verwacht"),
    [
        ((155_000, 463_000), False, True),  # Amersfoort, the origin of RD
        ((199_700, 307_300), False, True),  # Drielandenpunt near Vaals, the far south
        ((463_000, 155_000), False, False),  # swapped
        ((5.39, 52.16), False, False),  # degrees are not RD
        ((5.39, 52.16), True, True),
        ((52.16, 5.39), True, False),  # lat/lon swapped
        ((2.35, 48.86), True, False),  # Paris
    ],
)
def test_in_nederland(punt, graden, verwacht):
    from gebiedsplan._validate import in_nederland

    assert in_nederland(*punt, graden=graden) is verwacht


def test_stelsel_van_bounds():
    from gebiedsplan._validate import stelsel_van

    assert stelsel_van((189_000, 443_000, 192_000, 446_000)) == "rd"
    assert stelsel_van((5.89, 51.98, 5.91, 51.99)) == "graden"
    assert stelsel_van((-73.99, 40.7, -73.9, 40.8)) == "graden"  # degrees anywhere
    assert stelsel_van((650_000, 5_760_000, 660_000, 5_770_000)) is None  # UTM 31N
    assert stelsel_van((189_000, 443_000, 400_000, 446_000)) is None  # partly outside
    assert stelsel_van((float("nan"),) * 4) is None  # an empty geometry


# --- coordinates that fit only another system (issue 12) -----------------------------------


def test_rd_metres_labelled_wgs84_name_the_right_fix():
    """RD metres in a file that says EPSG:4326: the fix is set_crs, not make_valid()."""
    wijken = make_wijken().set_crs("EPSG:4326", allow_override=True)
    with pytest.raises(CRSError) as info:
        validate_laag(wijken, "wijken", bron="wijken.geojson")
    tekst = str(info.value)
    assert tekst.startswith("Laag 'wijken' uit wijken.geojson: de coördinaten in rij 1 ")
    assert (
        "(wijkcode=WK999901), 2 (wijkcode=WK999902), 3 (wijkcode=WK999903) zijn RD-meters" in tekst
    )
    assert "het bestand zegt EPSG:4326 (graden)" in tekst
    assert "gdf.set_crs('EPSG:28992', allow_override=True)" in tekst
    assert "make_valid" not in tekst


def test_swapped_lat_lon_is_refused_with_the_swap():
    wgs84 = make_wijken().to_crs("EPSG:4326")
    wgs84.geometry = wgs84.geometry.transform(lambda c: c[:, ::-1])
    with pytest.raises(CRSError) as info:
        validate_laag(wgs84, "wijken", bron="w.geojson")
    tekst = str(info.value)
    assert "lengte- en breedtegraad zijn verwisseld in rij 1 (wijkcode=WK999901)" in tekst
    assert "gdf.geometry = gdf.geometry.transform(lambda c: c[:, ::-1])" in tekst


def test_swapped_rd_and_degrees_labelled_rd():
    verwisseld = make_wijken()
    verwisseld.geometry = verwisseld.geometry.transform(lambda c: c[:, ::-1])
    with pytest.raises(CRSError, match=r"x en y zijn verwisseld in rij 1 \(wijkcode=WK999901\)"):
        validate_laag(verwisseld, "wijken")
    graden = make_wijken().to_crs("EPSG:4326").set_crs("EPSG:28992", allow_override=True)
    with pytest.raises(CRSError, match=r"zijn lengte- en breedtegraden .*set_crs\('EPSG:4326'"):
        validate_laag(graden, "wijken")


def test_the_fix_of_the_hint_swaps_back():
    wgs84 = make_wijken().to_crs("EPSG:4326")
    heen = wgs84.geometry.transform(lambda c: c[:, ::-1])
    terug = heen.transform(lambda c: c[:, ::-1])
    assert terug.geom_equals(wgs84.geometry).all()


def test_outside_the_netherlands_only_where_asked():
    """Synthetic grids near (0, 0) stay allowed; a source layer (nederland=True) must lie in
    the Netherlands."""
    ver = make_wijken(geometry=[box(i * 1000, 0, (i + 1) * 1000, 1000) for i in range(3)])
    assert len(validate_laag(ver, "wijken")) == 3
    with pytest.raises(CRSError, match=r"rij 1 \(wijkcode=WK999901\).* ligt buiten Nederland"):
        validate_laag(ver, "wijken", nederland=True)
    parijs = make_wijken(geometry=[box(2.35, 48.85, 2.36, 48.86)] * 3).set_crs(
        "EPSG:4326", allow_override=True
    )
    with pytest.raises(CRSError, match="ligt buiten Nederland"):
        validate_laag(parijs, "wijken", nederland=True)
    assert len(validate_laag(make_wijken(), "wijken", nederland=True)) == 3


def test_ligging_of_every_kind():
    from gebiedsplan._validate import ligging

    punten = [Point(5.9, 52.0), Point(52.0, 5.9), Point(191_764, 444_670), Point(2.35, 48.86), None]
    assert ligging(gpd.GeoSeries(punten, crs="EPSG:4326")).tolist() == [
        "nederland",
        "verwisseld",
        "rd_onder_ander_crs",
        "buiten",
        "leeg",
    ]
    rd = [Point(191_764, 444_670), Point(444_670, 191_764), Point(5.9, 52.0)]
    assert ligging(gpd.GeoSeries(rd, crs="EPSG:28992")).tolist() == [
        "nederland",
        "verwisseld",
        "graden_onder_ander_crs",
    ]
    mercator = gpd.GeoSeries([Point(5.9, 52.0)], crs="EPSG:4326").to_crs("EPSG:3857")
    assert ligging(mercator).tolist() == ["nederland"]
    assert ligging(gpd.GeoSeries(rd[:1], crs="EPSG:3857")).tolist() == ["rd_onder_ander_crs"]


# --- ranges and rows whose columns contradict each other (issue 12) ---------------------------


def test_percentage_above_100_is_refused():
    table = pd.DataFrame(
        {
            "id": ["BU99990101:eenzaam:18+:2020"],
            "code": ["BU99990101"],
            "indicator": ["eenzaam"],
            "jaar": [2020],
            "waarde": [150.0],
            "eenheid": ["% van 18+"],
            "bron": ["RIVM"],
        }
    )
    with pytest.raises(SchemaError) as info:
        validate_laag(table, "gezondheid")
    assert info.value.problemen == [
        "kolom 'waarde': waarde groter dan 100 in rij 1 (id=BU99990101:eenzaam:18+:2020) "
        "(een percentage 0-100)"
    ]
    with pytest.raises(SchemaError, match="eenheid"):
        validate_laag(table.assign(waarde=15.0, eenheid="aantal"), "gezondheid")


def test_more_households_than_inhabitants_is_refused():
    buurten = make_buurten(aantal_huishoudens=[450, 600])
    with pytest.raises(SchemaError) as info:
        validate_laag(buurten, "buurten")
    assert info.value.problemen == [
        "kolom 'aantal_huishoudens' is groter dan 'aantal_inwoners' in rij 2 "
        "(buurtcode=BU99990102) (600 > 500); een huishouden telt minstens één inwoner. "
        "Controleer de getallen (een verkeerd gelezen scheidingsteken, een verschoven kolom?)"
    ]


def test_age_band_above_inhabitants_is_refused():
    buurten = make_buurten(inwoners_65_jaar_en_ouder=[200, 501])
    with pytest.raises(
        SchemaError, match=r"'inwoners_65_jaar_en_ouder' is groter dan 'aantal_inwoners' in rij 2"
    ):
        validate_laag(buurten, "buurten")


def test_many_inhabitants_per_household_is_a_warning(caplog):
    buurten = make_buurten(aantal_huishoudens=[450, 20])
    with caplog.at_level(logging.WARNING, logger="gebiedsplan._validate"):
        uit = validate_laag(buurten, "buurten", bron="b.gpkg")
    assert len(uit) == 2
    assert (
        "Laag 'buurten' uit b.gpkg: aantal_inwoners / aantal_huishoudens buiten 1-6 in rij 2 "
        "(buurtcode=BU99990102) (25,0)" in caplog.text
    )
