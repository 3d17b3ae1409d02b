"""OpenStreetMap source: voorzieningen, groen and networks (osmnx, .osm, .osm.pbf, Geofabrik).

``tests/fixtures/osm/klein.osm`` is hand-made OSM XML. Its nodes lie on a local grid in metres
around RD (190 000, 444 000) (converted to lon/lat with 7 decimals), so every expected position,
length and area below is computed by hand on that grid:

    7 (100,200)                    footway 2-5-7 (7: dead end)
    |
    4 (0,100) ---- 5 (100,100) ---- 6 (200,100)     Eikenstraat 4-5-6
    |              |                |               Kerkstraat 3->6 (oneway)
    12 (-20,50)    |                |
    |              |                |
    1 (0,0) ------ 2 (100,0) ------ 3 (200,0) ---- 8 (300,0)   Lindenstraat 1-2-3, cycleway 3-8
    footway 1-12-4,  private service 11 (-100,0)-1,  motorway 9 (200,-100) - 10 (300,-100)
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import shutil
from pathlib import Path

import geopandas as gpd
import networkx as nx
import numpy as np
import osmium
import osmnx as ox
import pytest
import shapely
from geopandas.testing import assert_geodataframe_equal
from pyproj import Transformer
from scipy.sparse.csgraph import connected_components, dijkstra
from shapely import LineString, Point, box

from gebiedsplan import settings
from gebiedsplan.bronnen import osm
from gebiedsplan.bronnen.osm.tags import tag_regels
from gebiedsplan.errors import BronError, CRSError, GebiedsplanError
from gebiedsplan.netwerk.graaf import compile_netwerk

FIXTURES = Path(__file__).parent / "fixtures" / "osm"
KLEIN = FIXTURES / "klein.osm"

X0, Y0 = 190_000.0, 444_000.0
NAAR_WGS84 = Transformer.from_crs(28992, 4326, always_xy=True)

# id -> (categorie, subcategorie, naam, local x, local y of the point)
VOORZIENINGEN = {
    "osm:node/21": ("ontmoeting", "community_centre", "Wijkcentrum De Linde", 50, 40),
    "osm:node/22": ("huisarts", "doctors", "Huisartsenpraktijk Eikenstraat", 150, 120),
    "osm:node/23": ("speelplek", "playground", "Speelplek (zonder naam)", 60, 160),
    "osm:node/24": ("opvang", "shelter", "Nachtopvang Het Anker", 180, 60),
    "osm:node/25": ("welzijn", "social_facility", "Wijkteam Noord", 120, 40),
    # isced:level=0;1 contains 1
    "osm:node/26": ("basisschool", "school", "Kindcentrum De Vlinder", 250, 50),
    # community_centre and sports_centre: the first row of the table (ontmoeting) wins
    "osm:node/27": ("ontmoeting", "community_centre", "Buurtsporthuis Oost", 20, 120),
    # square 300..360 x 100..160: one point on its surface, in the middle
    "osm:way/201": ("basisschool", "school", "Basisschool De Regenboog", 330, 130),
    # rectangle 0..200 x -200..-120
    "osm:way/203": ("groen", "park", "Lindenpark", 100, -160),
}
# not there: way/202 (school with isced:level=2;3), garden, grass and wood (not in osm_tags.csv)

# id -> (type, openbaar, area m2)
GROEN = {
    "osm:way/203": ("park", True, 200 * 80),
    "osm:way/204": ("tuin", False, 40 * 40),  # access=private
    "osm:way/205": ("gras", True, 80 * 60 / 2),  # triangle
    "osm:relation/301": ("bos", True, 100 * 100),  # multipolygon relation natural=wood
}


def _xy(geoms) -> np.ndarray:
    return shapely.get_coordinates(np.asarray(geoms))


@pytest.fixture(scope="module")
def klein_pbf(tmp_path_factory) -> Path:
    """klein.osm converted to .osm.pbf with pyosmium."""
    doel = tmp_path_factory.mktemp("pbf") / "klein.osm.pbf"
    with osmium.SimpleWriter(str(doel)) as writer:
        for obj in osmium.FileProcessor(str(KLEIN)):
            writer.add(obj)
    return doel


@pytest.fixture(scope="module")
def voorzieningen_xml():
    return osm.read_voorzieningen(KLEIN)


@pytest.fixture(scope="module")
def lopen_xml():
    return osm.read_netwerk(KLEIN, modus="lopen")


@pytest.fixture
def online(monkeypatch):
    """Allow the fetch_* functions (osmnx itself is replaced in each test)."""
    monkeypatch.setattr(settings, "alleen_cache", False)


# --- the mapping table ------------------------------------------------------------------------


def test_osm_tags_conditions_are_data():
    regels = tag_regels()
    school = next(r for r in regels if r.waarde == "school")
    assert school.doel == "basisschool"
    assert school.voorwaarde == (("isced:level", "1"), ("school", "primary"))
    welzijn = next(r for r in regels if (r.sleutel, r.waarde) == ("amenity", "social_facility"))
    assert welzijn.voorwaarde == (("social_facility", "outreach"), ("social_facility", "day_care"))
    huisarts = next(r for r in regels if (r.sleutel, r.waarde) == ("healthcare", "doctor"))
    assert huisarts.voorwaarde == (("healthcare:speciality", "general"),)
    assert sum(bool(r.voorwaarde) for r in regels) == 3


def test_unreadable_condition_names_the_row(tmp_path, monkeypatch):
    kopie = tmp_path / "catalogus"
    shutil.copytree(settings.catalogus_dir, kopie)
    tabel = kopie / "osm_tags.csv"
    tabel.write_text(
        tabel.read_text(encoding="utf-8").replace("isced:level=1|school=primary", "isced:level"),
        encoding="utf-8",
    )
    monkeypatch.setattr(settings, "catalogus_dir", kopie)
    with pytest.raises(GebiedsplanError, match=r"osm_tags.csv rij 9: voorwaarde 'isced:level'"):
        osm.read_voorzieningen(KLEIN)


# --- voorzieningen ----------------------------------------------------------------------------


def test_voorzieningen_from_osm_xml(voorzieningen_xml):
    data = voorzieningen_xml.data
    assert data.crs == "EPSG:28992"
    assert data.index.name == "id"
    assert sorted(data.index) == sorted(VOORZIENINGEN)
    assert set(data.geom_type) == {"Point"}
    assert (data["bron"] == "OpenStreetMap").all()
    for id_, (categorie, sub, naam, x, y) in VOORZIENINGEN.items():
        rij = data.loc[id_]
        assert (rij["categorie"], rij["subcategorie"], rij["naam"]) == (categorie, sub, naam), id_
        assert rij.geometry.x == pytest.approx(X0 + x, abs=0.05), id_
        assert rij.geometry.y == pytest.approx(Y0 + y, abs=0.05), id_
    assert "osm:way/202" not in data.index  # a school, but isced:level=2;3
    herkomst = voorzieningen_xml.herkomst
    assert herkomst.bron == "OpenStreetMap (klein.osm)"
    assert herkomst.licentie.startswith("ODbL")
    # no timestamp in the header, no year in the name: the file's date, and that is said
    datum = dt.date.fromtimestamp(KLEIN.stat().st_mtime).isoformat()
    assert (herkomst.peildatum, herkomst.datum, herkomst.indeling) == (datum, datum, "")
    assert herkomst.query.endswith("; peildatum onbekend: datum van het bestand")


def test_school_left_out_is_logged(caplog):
    with caplog.at_level(logging.INFO, logger="gebiedsplan.bronnen.osm"):
        osm.read_voorzieningen(KLEIN)
    assert "1 objecten met amenity=school weggelaten" in caplog.text


def test_pbf_twin_reads_the_same_voorzieningen(klein_pbf, voorzieningen_xml):
    laag = osm.read_voorzieningen(klein_pbf)
    assert_geodataframe_equal(laag.data, voorzieningen_xml.data)
    assert laag.herkomst.bron == "OpenStreetMap (klein.osm.pbf)"


def test_read_voorzieningen_clips_to_gebied():
    gebied = box(X0 - 10, Y0 - 10, X0 + 200, Y0 + 200)
    laag = osm.read_voorzieningen(KLEIN, gebied=gebied)
    assert sorted(laag.data.index) == [f"osm:node/{i}" for i in (21, 22, 23, 24, 25, 27)]


def test_fetch_voorzieningen_asks_osmnx_for_the_table_tags_in_wgs84(monkeypatch, online):
    aanroep = {}

    def nep(polygon, tags):
        aanroep.update(polygon=polygon, tags=tags, cache=ox.settings.cache_folder)
        return ox.features_from_xml(KLEIN, tags=tags)

    monkeypatch.setattr(ox, "features_from_polygon", nep)
    cache_voor = ox.settings.cache_folder
    gebied = box(X0 - 300, Y0 - 300, X0 + 600, Y0 + 300)
    laag = osm.fetch_voorzieningen(gebied, naam="Testbuurt")

    hoeken = [NAAR_WGS84.transform(x, y) for x, y in shapely.get_coordinates(gebied)]
    lon, lat = zip(*hoeken, strict=True)
    assert aanroep["polygon"].bounds == pytest.approx(
        (min(lon), min(lat), max(lon), max(lat)), abs=1e-7
    )
    tags = aanroep["tags"]
    assert tags["amenity"] == [
        "community_centre",
        "social_centre",
        "social_facility",
        "doctors",
        "school",
        "kindergarten",
        "childcare",
        "library",
    ]
    assert tags["social_facility"] == ["shelter", "group_home"]
    assert tags["leisure"] == ["sports_centre", "pitch", "fitness_station", "playground", "park"]
    assert tags["shop"] == ["supermarket"]  # for the comparison with CBS Nabijheid only
    assert set(tags) == {
        "amenity",
        "office",
        "healthcare",
        "leisure",
        "landuse",
        "social_facility",
        "shop",
    }
    assert aanroep["cache"] == Path(settings.cache_dir) / "osmnx"
    assert ox.settings.cache_folder == cache_voor  # osmnx settings restored

    assert sorted(laag.data.index) == sorted(VOORZIENINGEN)
    assert laag.data.loc["osm:node/24", "categorie"] == "opvang"  # sensitive, still loaded
    assert "Overpass" in laag.herkomst.bron
    assert "Testbuurt" in laag.herkomst.query
    vandaag = dt.date.today().isoformat()  # Overpass answers with today's data
    assert (laag.herkomst.peildatum, laag.herkomst.datum) == (vandaag, vandaag)


def test_fetch_refuses_when_only_cache_is_allowed(monkeypatch):
    def nep(*args, **kwargs):  # pragma: no cover - must not be called
        raise AssertionError("osmnx aangeroepen")

    monkeypatch.setattr(ox, "features_from_polygon", nep)
    monkeypatch.setattr(settings, "alleen_cache", True)
    with pytest.raises(BronError, match="alleen_cache"):
        osm.fetch_voorzieningen(box(X0, Y0, X0 + 100, Y0 + 100))


def test_polygon_in_lon_lat_is_a_crs_error(online):
    with pytest.raises(CRSError, match="lengte- en breedtegraden"):
        osm.fetch_voorzieningen(box(5.89, 51.98, 5.91, 51.99))


def test_gebied_geoseries_is_reprojected_and_without_crs_refused():
    hoeken = [NAAR_WGS84.transform(X0 + x, Y0 + y) for x, y in ((-10, -10), (200, 200))]
    wgs84 = gpd.GeoSeries([box(*hoeken[0], *hoeken[1])], crs="EPSG:4326")
    laag = osm.read_voorzieningen(KLEIN, gebied=wgs84)
    assert len(laag.data) == 6
    with pytest.raises(CRSError, match="gebied heeft geen CRS"):
        osm.read_voorzieningen(KLEIN, gebied=gpd.GeoSeries([box(0, 0, 1, 1)]))


# --- groen ------------------------------------------------------------------------------------


def test_groen_from_osm_xml():
    laag = osm.read_groen(KLEIN)
    data = laag.data
    assert data.crs == "EPSG:28992"
    assert sorted(data.index) == sorted(GROEN)
    assert set(data.geom_type) == {"Polygon"}
    for id_, (soort, openbaar, m2) in GROEN.items():
        assert data.loc[id_, "type"] == soort, id_
        assert bool(data.loc[id_, "openbaar"]) is openbaar, id_
        assert data.loc[id_].geometry.area == pytest.approx(m2, rel=1e-3), id_
    assert data.loc["osm:way/203", "naam"] == "Lindenpark"


def test_fetch_groen_asks_osmnx_for_green_tags(monkeypatch, online):
    aanroep = {}

    def nep(polygon, tags):
        aanroep["tags"] = tags
        return ox.features_from_xml(KLEIN, tags=tags)

    monkeypatch.setattr(ox, "features_from_polygon", nep)
    laag = osm.fetch_groen(box(X0 - 300, Y0 - 300, X0 + 600, Y0 + 300))
    assert aanroep["tags"] == {
        "leisure": ["park", "garden"],
        "landuse": ["recreation_ground", "grass", "forest"],
        "natural": ["wood"],
    }
    assert sorted(laag.data.index) == sorted(GROEN)


def test_pbf_twin_reads_the_same_groen(klein_pbf):
    assert_geodataframe_equal(osm.read_groen(klein_pbf).data, osm.read_groen(KLEIN).data)


def test_groen_from_geofabrik_landuse(tmp_path):
    frame = gpd.GeoDataFrame(
        {
            "osm_id": ["501", "502", "503"],
            "fclass": ["park", "forest", "residential"],
            "name": ["Sonsbeek", None, "Wijk"],
        },
        geometry=[box(0, 0, 100, 100), box(200, 0, 300, 50), box(400, 0, 500, 100)],
        crs="EPSG:28992",
    )
    frame.geometry = frame.translate(X0, Y0)
    pad = tmp_path / "gis_osm_landuse_a_free_1.gpkg"
    frame.to_file(pad, layer="landuse_a")
    data = osm.read_groen(pad).data
    assert sorted(data.index) == ["osm:501", "osm:502"]
    assert data.loc["osm:501", "type"] == "park"
    assert data.loc["osm:502", "type"] == "bos"
    assert data["openbaar"].all()
    assert data.loc["osm:502"].geometry.area == pytest.approx(5000)


# --- networks from OSM ------------------------------------------------------------------------


def test_walk_network_from_osm_xml(lopen_xml):
    data = lopen_xml.data
    assert data.crs == "EPSG:28992"
    # 2, 5 and 7 are the only nodes that are not in the middle of a street (simplified graph)
    knopen = set(data["van_knoop"]) | set(data["naar_knoop"])
    assert knopen == {2, 5, 7}
    assert len(data) == 4
    bocht = 100 + 2 * math.hypot(20, 50) + 100  # 2-1 street, footway 1-12-4, street 4-5
    assert sorted(data["lengte_m"]) == pytest.approx([100, 100, 300, bocht], rel=1e-3)
    assert sorted(zip(data["van_knoop"], data["naar_knoop"], strict=True)) == [
        (2, 5),
        (2, 5),
        (2, 5),
        (5, 7),
    ]
    assert not data["eenrichting"].any()  # walking ignores oneway
    # no cycleway, motorway or private service road
    assert not {"cycleway", "motorway", "service"} & set(";".join(data["highway"]).split(";"))
    # geometry runs from van_knoop to naar_knoop
    plek = {2: (X0 + 100, Y0), 5: (X0 + 100, Y0 + 100), 7: (X0 + 100, Y0 + 200)}
    begin = _xy(shapely.get_point(data.geometry.to_numpy(), 0))
    eind = _xy(shapely.get_point(data.geometry.to_numpy(), -1))
    assert begin == pytest.approx(np.array([plek[k] for k in data["van_knoop"]]), abs=0.05)
    assert eind == pytest.approx(np.array([plek[k] for k in data["naar_knoop"]]), abs=0.05)
    assert "walk" in lopen_xml.herkomst.query


def test_walk_network_compiles(lopen_xml):
    net = compile_netwerk(lopen_xml.data)
    assert net.n_knopen == 3
    i = {int(k): n for n, k in enumerate(net.knoop_ids)}
    afstand = dijkstra(net.graaf, directed=False, indices=i[7])
    assert afstand[i[2]] == pytest.approx(200, rel=1e-3)  # 7-5 footway, 5-2 footway


def test_pbf_twin_reads_the_same_network(klein_pbf, lopen_xml):
    assert_geodataframe_equal(osm.read_netwerk(klein_pbf).data, lopen_xml.data)


def test_bike_and_car_networks_from_osm_xml():
    fiets = osm.read_netwerk(KLEIN, modus="fietsen").data
    # bike: cycleway in, footways out; the oneway 3->6 splits the street at 6
    paren = dict(
        zip(
            zip(fiets["van_knoop"], fiets["naar_knoop"], strict=True),
            fiets["lengte_m"],
            strict=True,
        )
    )
    assert sorted(paren) == [(1, 3), (3, 6), (3, 8), (4, 6)]
    assert [paren[p] for p in sorted(paren)] == pytest.approx([200, 100, 100, 200], rel=1e-3)
    assert fiets.set_index(["van_knoop", "naar_knoop"])["eenrichting"].to_dict() == {
        (1, 3): False,
        (3, 6): True,  # Kerkstraat, oneway=yes
        (3, 8): False,
        (4, 6): False,
    }

    auto = osm.read_netwerk(KLEIN, modus="auto").data
    assert sorted(zip(auto["van_knoop"], auto["naar_knoop"], strict=True)) == [
        (1, 3),
        (3, 6),
        (4, 6),
    ]
    # the motorway is a separate part: only there without grootste_component
    alles = osm.read_netwerk(KLEIN, modus="auto", grootste_component=False).data
    assert (9, 10) in set(zip(alles["van_knoop"], alles["naar_knoop"], strict=True))
    assert len(alles) == 4


def test_read_netwerk_clips_to_gebied():
    # without the dead end 7 (y = 200) the footway 2-5 ends at 5
    data = osm.read_netwerk(KLEIN, gebied=box(X0 - 50, Y0 - 10, X0 + 250, Y0 + 150)).data
    assert set(data["van_knoop"]) | set(data["naar_knoop"]) == {2, 5}
    bocht = 100 + 2 * math.hypot(20, 50) + 100
    assert sorted(data["lengte_m"]) == pytest.approx([100, 300, bocht], rel=1e-3)


def test_unknown_modus():
    with pytest.raises(GebiedsplanError, match="Onbekende modus 'wandelen'"):
        osm.read_netwerk(KLEIN, modus="wandelen")


def _graaf_wgs84() -> nx.MultiDiGraph:
    """Three nodes 100 m apart on the RD grid, two two-way streets, as osmnx builds them."""
    G = nx.MultiDiGraph(crs="EPSG:4326")
    for knoop, (x, y) in {11: (0, 0), 12: (100, 0), 13: (100, 100)}.items():
        lon, lat = NAAR_WGS84.transform(X0 + x, Y0 + y)
        G.add_node(knoop, x=lon, y=lat)
    for u, v, osmid in ((11, 12, 901), (12, 13, 902)):
        G.add_edge(u, v, osmid=osmid, highway="residential", name="Dorpsstraat")
        G.add_edge(v, u, osmid=osmid, highway="residential", name="Dorpsstraat")
    return G


def test_fetch_netwerk_calls_osmnx_with_network_type(monkeypatch, online):
    aanroep = {}

    def nep(polygon, *, network_type, simplify, retain_all, **kwargs):
        aanroep.update(network_type=network_type, simplify=simplify, retain_all=retain_all)
        return _graaf_wgs84()

    monkeypatch.setattr(ox, "graph_from_polygon", nep)
    laag = osm.fetch_netwerk(box(X0 - 50, Y0 - 50, X0 + 150, Y0 + 150))
    assert aanroep == {"network_type": "walk", "simplify": True, "retain_all": False}
    data = laag.data
    assert sorted(data.index) == ["11-12-0", "12-13-0"]
    assert data["lengte_m"].to_numpy() == pytest.approx([100, 100], rel=1e-4)
    assert set(data["straatnaam"]) == {"Dorpsstraat"}

    osm.fetch_netwerk(box(X0, Y0, X0 + 100, Y0 + 100), modus="fietsen", grootste_component=False)
    assert aanroep == {"network_type": "bike", "simplify": True, "retain_all": True}


def test_netwerk_from_graph_orients_and_keeps_parallel_edges():
    G = nx.MultiDiGraph(crs="EPSG:28992")
    G.add_node(5, x=X0, y=Y0)
    G.add_node(9, x=X0 + 100, y=Y0)
    G.add_edge(9, 5, osmid=1, highway="residential")  # straight, both ways
    G.add_edge(5, 9, osmid=1, highway="residential")
    bocht = LineString([(X0 + 100, Y0), (X0 + 50, Y0 + 30), (X0, Y0)])
    G.add_edge(9, 5, osmid=2, highway="footway", geometry=bocht)  # one way only, from 9
    data = osm.netwerk_from_graph(G)
    assert len(data) == 2
    straat = data[data["highway"] == "residential"].iloc[0]
    assert (straat["van_knoop"], straat["naar_knoop"], straat["eenrichting"]) == (5, 9, False)
    assert straat.geometry.coords[0] == (X0, Y0)  # from the lower node id
    pad = data[data["highway"] == "footway"].iloc[0]
    assert (pad["van_knoop"], pad["naar_knoop"], pad["eenrichting"]) == (9, 5, True)
    assert pad.geometry.coords[0] == (X0 + 100, Y0)  # in its allowed direction
    assert pad["lengte_m"] == pytest.approx(2 * math.hypot(50, 30))
    # an undirected graph has no one-way streets
    onbestuurd = osm.netwerk_from_graph(ox.convert.to_undirected(G))
    assert len(onbestuurd) == 2
    assert not onbestuurd["eenrichting"].any()
    assert set(onbestuurd["van_knoop"]) == {5}


def test_netwerk_from_graph_refuses_graph_without_crs():
    G = _graaf_wgs84()
    del G.graph["crs"]
    with pytest.raises(CRSError, match=r"G.graph\['crs'\]"):
        osm.netwerk_from_graph(G)
    with pytest.raises(GebiedsplanError, match="MultiDiGraph"):
        osm.netwerk_from_graph(nx.Graph())


# --- networks from lines (Geofabrik) ----------------------------------------------------------


def test_netwerk_from_lijnen_nodes_at_ends_and_shared_vertices(caplog):
    lijnen = gpd.GeoDataFrame(
        {"highway": ["residential", "residential", "primary", "footway", "footway"]},
        geometry=[
            LineString([(0, 0), (100, 0), (200, 0)]),  # a: crossed by b at a shared vertex
            LineString([(100, -100), (100, 0), (100, 100)]),  # b
            LineString([(150, -50), (150, 50)]),  # c: bridge over a, no shared vertex
            LineString([(200.3, 0), (300, 0)]),  # d: starts 0.3 m from the end of a
            LineString([(50, 100), (50, 0.2)]),  # e: ends 0.2 m from a, between its vertices
        ],
        index=["a", "b", "c", "d", "e"],
        crs="EPSG:28992",
    )
    lijnen.geometry = lijnen.translate(X0, Y0)
    with caplog.at_level(logging.WARNING, logger="gebiedsplan.bronnen.osm"):
        net = osm.netwerk_from_lijnen(lijnen)
    assert sorted(net.index) == ["a.0", "a.1", "b.0", "b.1", "c.0", "d.0", "e.0"]
    assert compile_netwerk(net).n_knopen == 10
    # a and b meet in one node, at (100, 0)
    assert (
        {net.loc["a.0", "naar_knoop"]}
        == {net.loc["a.1", "van_knoop"]}
        == (
            set(net.loc[["b.0", "b.1"], ["van_knoop", "naar_knoop"]].to_numpy().ravel())
            & set(net.loc[["a.0", "a.1"], ["van_knoop", "naar_knoop"]].to_numpy().ravel())
        )
    )
    assert net.loc["a.1", "naar_knoop"] == net.loc["d.0", "van_knoop"]  # snapped
    assert net.loc["a.1", "lengte_m"] + net.loc["d.0", "lengte_m"] == pytest.approx(200)
    a_knopen = set(net.loc[["a.0", "a.1"], ["van_knoop", "naar_knoop"]].to_numpy().ravel())
    assert not a_knopen & set(
        net.loc[["c.0", "e.0"], ["van_knoop", "naar_knoop"]].to_numpy().ravel()
    )
    assert net.loc[["a.0", "b.0", "b.1", "c.0"], "lengte_m"].to_list() == pytest.approx([100] * 4)
    assert (net["highway"].to_dict()["c.0"]) == "primary"
    assert "1 lijneinden liggen binnen 0.5 m van een andere lijn" in caplog.text


@pytest.fixture
def arnhem_wegen(arnhem_data):
    """The Geofabrik roads of Noord- and Centrum-Arnhem (2018, ODbL)."""
    return arnhem_data / "osm_geofabrik2018_arnhem_noord_centrum.gpkg"


def test_geofabrik_arnhem_roads_compile_into_a_walk_network(arnhem_wegen):
    laag = osm.read_netwerk(arnhem_wegen, modus="lopen", grootste_component=False)
    roads = gpd.read_file(arnhem_wegen, layer="roads")
    data = laag.data
    # every fclass in this inner-city extract is walkable (no motorway, trunk, bridleway)
    assert set(data["highway"]) == set(roads["fclass"])
    # the lines are noded already: nothing is split; 10 lines of at most 0.56 m collapse
    assert len(data) == 3722
    assert data["lengte_m"].sum() == pytest.approx(roads.length.sum(), rel=1e-4)
    assert data["lengte_m"].sum() / 1000 == pytest.approx(191.15, abs=0.01)

    net = compile_netwerk(data)
    assert net.n_knopen == 2544
    n, label = connected_components(net.graaf, directed=False)
    assert n == 16
    assert np.bincount(label).max() / net.n_knopen == pytest.approx(0.9851, abs=1e-4)

    grootste = osm.read_netwerk(arnhem_wegen, modus="lopen").data
    net = compile_netwerk(grootste)
    assert connected_components(net.graaf, directed=False)[0] == 1
    assert net.n_knopen == 2506
    assert laag.herkomst.licentie.startswith("ODbL")
    # the roads of 2018 (Geofabrik extract), not the date the file was copied
    assert laag.herkomst.peildatum == "2018"
    assert "peildatum: jaar in de bestandsnaam" in laag.herkomst.query


def test_geofabrik_arnhem_bike_network_leaves_out_footways(arnhem_wegen):
    data = osm.read_netwerk(arnhem_wegen, modus="fietsen", grootste_component=False).data
    roads = gpd.read_file(arnhem_wegen, layer="roads")
    zonder = roads[~roads["fclass"].isin({"footway", "steps", "pedestrian"})]
    assert set(data["highway"]) == set(zonder["fclass"])
    assert data["lengte_m"].sum() == pytest.approx(zonder.length.sum(), rel=1e-4)


def test_geofabrik_oneway_only_for_car_and_bike(tmp_path):
    wegen = gpd.GeoDataFrame(
        {
            "osm_id": ["1", "2", "3"],
            "fclass": ["residential"] * 3,
            "oneway": ["F", "T", "B"],
        },
        geometry=[
            LineString([(X0, Y0), (X0 + 100, Y0)]),
            LineString([(X0 + 100, Y0), (X0 + 200, Y0)]),
            LineString([(X0 + 200, Y0), (X0 + 300, Y0)]),
        ],
        crs="EPSG:28992",
    )
    pad = tmp_path / "gis_osm_roads_free_1.gpkg"
    wegen.to_file(pad)
    auto = osm.read_netwerk(pad, modus="auto").data
    assert auto["eenrichting"].to_dict() == {"osm:1.0": True, "osm:2.0": True, "osm:3.0": False}
    # T: only against the drawing direction, so the segment now runs from x+200 to x+100
    assert auto.loc["osm:2.0"].geometry.coords[0] == (X0 + 200, Y0)
    assert auto.loc["osm:2.0", "naar_knoop"] == auto.loc["osm:1.0", "naar_knoop"]
    lopen = osm.read_netwerk(pad, modus="lopen").data
    assert not lopen["eenrichting"].any()
    assert lopen.loc["osm:2.0"].geometry.coords[0] == (X0 + 100, Y0)


# --- POI files --------------------------------------------------------------------------------


@pytest.fixture
def arnhem_poi(arnhem_data):
    """Points of interest of Arnhem (OSM, 2025, ODbL): libraries and parks."""
    return arnhem_data / "osm_poi_arnhem_jetlag_2025.geojson"


def test_jetlag_poi_file_maps_library_and_park(arnhem_poi):
    laag = osm.read_voorzieningen(arnhem_poi)
    data = laag.data
    assert data.crs == "EPSG:28992"
    assert data["categorie"].value_counts().to_dict() == {"groen": 34, "bibliotheek": 5}
    assert laag.herkomst.peildatum == "2025"  # fetched ~2025, as its name says
    assert data.index.is_unique
    hoofd = data[data["naam"] == "Openbare Bibliotheek Arnhem hoofdvestiging"].iloc[0]
    assert hoofd["categorie"] == "bibliotheek"
    assert hoofd["subcategorie"] == "library"
    # 5.9047013 E, 51.9806537 N in RD
    x, y = Transformer.from_crs(4326, 28992, always_xy=True).transform(5.9047013, 51.9806537)
    assert (hoofd.geometry.x, hoofd.geometry.y) == pytest.approx((x, y), abs=0.01)


def test_geofabrik_pois_map_by_fclass(tmp_path, caplog):
    punten = gpd.GeoDataFrame(
        {
            "osm_id": ["1001", "1002", "1003", "1004"],
            "fclass": ["community_centre", "school", "doctors", "museum"],
            "name": ["Het Wijkhuis", "De Klimop", None, "Museum Arnhem"],
        },
        geometry=[Point(X0 + i * 10, Y0) for i in range(4)],
        crs="EPSG:28992",
    ).to_crs("EPSG:4326")
    pad = tmp_path / "gis_osm_pois_free_1.shp"
    punten.to_file(pad)
    with caplog.at_level(logging.INFO, logger="gebiedsplan.bronnen.osm"):
        data = osm.read_voorzieningen(pad).data
    assert sorted(data.index) == ["osm:1001", "osm:1003"]
    assert data.loc["osm:1001", ["naam", "categorie"]].tolist() == ["Het Wijkhuis", "ontmoeting"]
    assert data.loc["osm:1003", ["naam", "categorie"]].tolist() == [
        "Huisarts (zonder naam)",
        "huisarts",
    ]
    assert data.loc["osm:1003"].geometry.x == pytest.approx(X0 + 20, abs=0.01)
    assert "fclass=school weggelaten" in caplog.text


# --- bad input --------------------------------------------------------------------------------


def test_osm_file_that_is_not_xml(tmp_path):
    pad = tmp_path / "kapot.osm"
    pad.write_text('{"elements": []}', encoding="utf-8")
    with pytest.raises(BronError, match=r"kapot\.osm is niet te lezen als OSM XML"):
        osm.read_voorzieningen(pad)
    with pytest.raises(BronError, match=r"kapot\.osm is niet te lezen als OSM XML"):
        osm.read_netwerk(pad)


def test_pbf_file_that_is_not_pbf(tmp_path):
    pad = tmp_path / "kapot.osm.pbf"
    pad.write_bytes(b"PK\x03\x04 geen pbf")
    with pytest.raises(BronError, match=r"kapot\.osm\.pbf is niet te lezen als OSM PBF"):
        osm.read_groen(pad)


def test_missing_file(tmp_path):
    with pytest.raises(BronError, match=r"weg\.osm\.pbf bestaat niet"):
        osm.read_netwerk(tmp_path / "weg.osm.pbf")


def test_geofabrik_file_without_fclass(tmp_path):
    pad = tmp_path / "wegen.gpkg"
    gpd.GeoDataFrame(
        {"soort": ["fietspad"]}, geometry=[LineString([(X0, Y0), (X0 + 10, Y0)])], crs="EPSG:28992"
    ).to_file(pad, layer="wegen")
    with pytest.raises(BronError, match=r"kolom 'fclass'.*ontbreekt; aanwezig: soort"):
        osm.read_netwerk(pad)


@pytest.mark.filterwarnings("ignore:'crs' was not provided")
def test_geofabrik_file_without_crs(tmp_path):
    pad = tmp_path / "gis_osm_roads_free_1.shp"
    gpd.GeoDataFrame(
        {"fclass": ["footway"]}, geometry=[LineString([(X0, Y0), (X0 + 10, Y0)])]
    ).to_file(pad)
    assert not pad.with_suffix(".prj").exists()
    with pytest.raises(CRSError, match=r"gis_osm_roads_free_1\.shp .*geen CRS"):
        osm.read_netwerk(pad)


def test_multi_layer_file_needs_a_layer_name(tmp_path):
    pad = tmp_path / "twee.gpkg"
    lijn = gpd.GeoDataFrame(
        {"fclass": ["footway"]}, geometry=[LineString([(X0, Y0), (X0 + 10, Y0)])], crs="EPSG:28992"
    )
    lijn.to_file(pad, layer="paden")
    lijn.to_file(pad, layer="sporen")
    with pytest.raises(BronError, match=r"2 lagen \(paden, sporen\); kies er een met laag="):
        osm.read_netwerk(pad)
    assert len(osm.read_netwerk(pad, laag="paden").data) == 1
