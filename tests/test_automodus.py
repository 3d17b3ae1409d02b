"""The CBS-like car mode: one-way streets in the direction of travel, projection on the nearest
car road, the core of a directed network, a car network beside the walking one; and the car
mode on a real city (the Delft GraphML of ../shared/data/delft, skipped when absent)."""

from __future__ import annotations

import shutil
from pathlib import Path

import geopandas as gpd
import networkx as nx
import numpy as np
import osmnx as ox
import pandas as pd
import pytest
import shapely

from gebiedsplan.analyse.bereikbaarheid import compute_bereikbaarheid
from gebiedsplan.analyse.vergelijk import car_roads, compute_autoafstand
from gebiedsplan.bronnen import Herkomst, Laag
from gebiedsplan.bronnen.osm import netwerk_from_graph
from gebiedsplan.catalogus import load_catalogus
from gebiedsplan.gemeente import Gemeente, load_gemeente
from gebiedsplan.importeren import (
    Invoer,
    demo_gemeente,
    import_files,
    netwerk_voor_modus,
    write_invoer,
)
from gebiedsplan.netwerk.aansluiten import connect_points
from gebiedsplan.netwerk.graaf import compile_netwerk, compute_kernbereik
from gebiedsplan.netwerk.zoeken import distance_to_nearest, nearest_per_point
from gebiedsplan.store import load_lagen

RD = "EPSG:28992"
HERKOMST = Herkomst("test", "2026-01-01", "CC0", synthetisch=True)


def _wegen(rows, coords, *, eenrichting=None, highway="residential") -> gpd.GeoDataFrame:
    """rows: (van, naar); coords: node -> (x, y); lengths from the straight lines."""
    geoms = [shapely.LineString([coords[u], coords[v]]) for u, v in rows]
    return gpd.GeoDataFrame(
        {
            "van_knoop": [u for u, _ in rows],
            "naar_knoop": [v for _, v in rows],
            "lengte_m": shapely.length(geoms),
            "eenrichting": eenrichting if eenrichting is not None else [False] * len(rows),
            "highway": highway,
        },
        geometry=geoms,
        index=pd.Index([f"w{i}" for i in range(len(rows))], name="id"),
        crs=RD,
    )


def _punten(xy, **kolommen) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        kolommen,
        geometry=[shapely.Point(x, y) for x, y in xy],
        index=pd.Index([f"p{i}" for i in range(len(xy))], name="id"),
        crs=RD,
    )


# --- a block with a one-way street: distances by hand -------------------------------------------
#
#   3 (0,100) ---- 2 (100,100)
#   |                  |
#   0 (0,0)  ---->  1 (100,0)      0 -> 1 one-way (eastbound), the others two-way
#
# A lies 5 m south of the one-way street at x = 20, B 5 m south of it at x = 80.

BLOK = {0: (0, 0), 1: (100, 0), 2: (100, 100), 3: (0, 100)}
A, B = (20.0, -5.0), (80.0, -5.0)


def _blok():
    return _wegen([(0, 1), (1, 2), (2, 3), (3, 0)], BLOK, eenrichting=[True, False, False, False])


def _afstanden(net, van, naar, *, snap_meetellen):
    """Distance from the point ``van`` to a facility at ``naar``."""
    a = connect_points(
        _punten([van], inwoners=[1]),
        _punten([naar], categorie=["huisarts"]),
        net,
        snap_meetellen=snap_meetellen,
    )
    return float(nearest_per_point(a, np.array([True]))[0])


def test_one_way_street_by_hand_in_both_directions():
    auto = compile_netwerk(_blok(), modus="auto")
    lopen = compile_netwerk(_blok(), modus="lopen")
    # with the one-way street: 60 m along it
    assert _afstanden(auto, A, B, snap_meetellen=False) == pytest.approx(60.0)
    # against it, around the block: 20 on to node 1, 100 + 100 + 100 round, 20 back to A's
    # projection
    assert _afstanden(auto, B, A, snap_meetellen=False) == pytest.approx(20 + 300 + 20)
    # the straight lines to the road (5 m each) count when asked
    assert _afstanden(auto, A, B, snap_meetellen=True) == pytest.approx(70.0)
    assert _afstanden(auto, B, A, snap_meetellen=True) == pytest.approx(350.0)
    # walking ignores the one-way sign: 60 m both ways
    assert _afstanden(lopen, B, A, snap_meetellen=False) == pytest.approx(60.0)
    assert _afstanden(lopen, A, B, snap_meetellen=False) == pytest.approx(60.0)


def test_an_address_at_the_facility_on_a_one_way_street_is_there():
    """An address geocoded to the very spot of a facility on a one-way street enters the street
    there (not only past it, which would send it round the block)."""
    auto = compile_netwerk(_blok(), modus="auto")
    assert _afstanden(auto, B, B, snap_meetellen=False) == pytest.approx(0.0)
    assert _afstanden(auto, B, B, snap_meetellen=True) == pytest.approx(10.0)


def test_bereikbaarheid_searches_towards_the_facility():
    """compute_bereikbaarheid runs one search from the facilities on the reversed graph: the
    distance it gives is the one driven from the address *to* the facility."""
    auto = compile_netwerk(_blok(), modus="auto")
    assert auto.gericht
    vraag = _punten([A, B], inwoners=[1, 1], buurtcode=["BU99990101"] * 2)
    normen = load_catalogus().normen
    naar_b = compute_bereikbaarheid(
        vraag, _punten([B], categorie=["huisarts"]), auto, normen, categorieen=["huisarts"]
    )
    naar_a = compute_bereikbaarheid(
        vraag, _punten([A], categorie=["huisarts"]), auto, normen, categorieen=["huisarts"]
    )
    # snap distances count here (the walking default): 5 + 60 + 5 and 5 + 340 + 5
    assert naar_b["afstand_huisarts_m"].tolist() == pytest.approx([70.0, 10.0])
    assert naar_a["afstand_huisarts_m"].tolist() == pytest.approx([10.0, 350.0])


def test_a_point_on_a_one_way_stub_is_flagged_never_zero():
    # the block plus a one-way street leaving it (1 -> 4): nothing comes back from 4
    coords = {**BLOK, 4: (200, 0)}
    wegen = _wegen(
        [(0, 1), (1, 2), (2, 3), (3, 0), (1, 4)],
        coords,
        eenrichting=[True, False, False, False, True],
    )
    net = compile_netwerk(wegen, modus="auto")
    kern = compute_kernbereik(net)
    rij = {int(k): i for i, k in enumerate(net.knoop_ids)}
    assert kern.kern.sum() == 4 and kern.afgesneden[rij[4]] and not kern.naar_kern[rij[4]]
    assert kern.uit_kern[rij[4]]  # reached from the block, but leads nowhere

    g = _gemeente(wegen, vraag_xy=[A, (150.0, -5.0)], vz_xy=[B], categorie="huisarts")
    afstanden, _ = compute_autoafstand(g, categorieen=["huisarts"])
    assert afstanden["afgesneden"].tolist() == [False, True]
    assert afstanden["geanalyseerd"].tolist() == [True, False]
    assert afstanden.loc["p0", "afstand_huisarts_m"] == pytest.approx(60.0)
    assert np.isnan(afstanden.loc["p1", "afstand_huisarts_m"])  # no distance, certainly not 0


def test_a_facility_the_network_cannot_reach_is_reported():
    # a one-way street leading *into* the block (5 -> 0): a facility on it cannot be reached
    coords = {**BLOK, 5: (-100, 0)}
    wegen = _wegen(
        [(0, 1), (1, 2), (2, 3), (3, 0), (5, 0)],
        coords,
        eenrichting=[True, False, False, False, True],
    )
    g = _gemeente(wegen, vraag_xy=[A], vz_xy=[(-50.0, -5.0), B], categorie="huisarts")
    afstanden, voorzieningen = compute_autoafstand(g, categorieen=["huisarts"])
    assert voorzieningen["onbereikbaar_vanuit_netwerk"].tolist() == [True, False]
    assert afstanden.loc["p0", "afstand_huisarts_m"] == pytest.approx(60.0)  # B, not the stub


def test_car_roads_before_2022_keep_one_way_only_on_main_roads():
    wegen = _blok().assign(highway=["residential", "primary", "residential", "residential"])
    wegen.loc["w1", "eenrichting"] = True
    oud = car_roads(wegen, jaar=2021)
    assert oud["eenrichting"].tolist() == [False, True, False, False]
    assert car_roads(wegen, jaar=2022)["eenrichting"].tolist() == [True, True, False, False]
    # CBS before 2022: B -> A straight back along the residential one-way street
    net = compile_netwerk(oud, modus="auto")
    assert _afstanden(net, B, A, snap_meetellen=False) == pytest.approx(60.0)


def _gemeente(wegen, *, vraag_xy, vz_xy, categorie) -> Gemeente:
    """A one-buurt gemeente around ``wegen`` with the car network ``wegen``."""
    vlak = shapely.box(*shapely.union_all(wegen.geometry.to_numpy()).buffer(200).bounds)
    wijken = gpd.GeoDataFrame(
        {"wijknaam": ["Blok"], "gemeentecode": ["GM9999"]},
        geometry=[vlak],
        index=pd.Index(["WK999901"], name="wijkcode"),
        crs=RD,
    )
    buurten = gpd.GeoDataFrame(
        {
            "buurtnaam": ["Blok"],
            "wijkcode": ["WK999901"],
            "gemeentecode": ["GM9999"],
            "aantal_inwoners": [len(vraag_xy)],
        },
        geometry=[vlak],
        index=pd.Index(["BU99990101"], name="buurtcode"),
        crs=RD,
    )
    vraag = _punten(
        vraag_xy, inwoners=[1] * len(vraag_xy), buurtcode=["BU99990101"] * len(vraag_xy)
    )
    vz = _punten(
        vz_xy,
        naam=[f"v{i}" for i in range(len(vz_xy))],
        categorie=[categorie] * len(vz_xy),
        bron=["test"] * len(vz_xy),
    )
    return Gemeente(
        code="GM9999",
        naam="Blok",
        wijken=wijken,
        buurten=buurten,
        voorzieningen=vz,
        normen=load_catalogus().normen,
        herkomst={"wijken": HERKOMST},
        vraagpunten=vraag,
        netwerk_auto=wegen,
    )


# --- a car network beside the walking one ------------------------------------------------------


def test_car_network_is_kept_beside_the_walking_network(tmp_path):
    demo = demo_gemeente()
    assert netwerk_voor_modus(Laag("netwerk", demo.netwerk, HERKOMST), "lopen").naam == "netwerk"
    auto = netwerk_voor_modus(Laag("netwerk", demo.netwerk, HERKOMST), "auto")
    assert auto.naam == "netwerk_auto"
    opslag = tmp_path / "GM9999.gpkg"
    assert demo.opslag is not None
    shutil.copy(demo.opslag, opslag)
    invoer = Invoer("GM9999")
    invoer.add(Laag("netwerk_auto", _blok(), HERKOMST))
    verslag = write_invoer(invoer, opslag=opslag)
    assert verslag.pad == opslag
    g = load_gemeente("demo", opslag=opslag)
    assert g.netwerk is not None and len(g.netwerk) == len(demo.netwerk)  # walking untouched
    assert g.netwerk_auto is not None and len(g.netwerk_auto) == 4
    assert g.netwerk_auto["eenrichting"].tolist() == [True, False, False, False]
    # compiled separately, each with its own cache key beside the store
    assert g.netwerk_map is not None
    compile_netwerk(g.netwerk, cache_map=g.netwerk_map)
    compile_netwerk(g.netwerk_auto, modus="auto", cache_map=g.netwerk_map)
    namen = sorted(p.name.split("_")[1] for p in g.netwerk_map.glob("netwerk_*.npz"))
    assert namen == ["auto", "lopen"]


KLEIN = Path(__file__).parent / "fixtures" / "osm" / "klein.osm"  # see its README


def test_importeer_modus_auto_writes_netwerk_auto_beside_netwerk(tmp_path):
    """importeer --netwerk FILE --modus auto: the car network lands in netwerk_auto; the walking
    network of an earlier import stays in netwerk."""
    vlak = shapely.box(189_900, 443_900, 190_500, 444_400)  # around klein.osm
    opslag = tmp_path / "GM9999.gpkg"
    lopen = import_files("GM9999", jaar=2024, netwerk=KLEIN, modus="lopen", vlak=vlak)
    auto = import_files("GM9999", jaar=2024, netwerk=KLEIN, modus="auto", vlak=vlak)
    assert set(lopen.lagen) == {"netwerk"} and set(auto.lagen) == {"netwerk_auto"}
    write_invoer(lopen, opslag=opslag)
    verslag = write_invoer(auto, opslag=opslag)
    acties = verslag.tellingen.set_index("laag")["actie"].to_dict()
    assert acties["netwerk_auto"] == "nieuwe laag"
    lagen, herkomst = load_lagen(opslag)
    assert set(lagen) == {"netwerk", "netwerk_auto"}
    # the car network: the drive filter (no footway), Kerkstraat one-way (test_bron_osm)
    auto_wegen = lagen["netwerk_auto"]
    paren = set(zip(auto_wegen["van_knoop"], auto_wegen["naar_knoop"], strict=True))
    assert paren == {(1, 3), (3, 6), (4, 6)}
    assert len(lagen["netwerk"]) > len(lagen["netwerk_auto"])
    assert "drive" in herkomst["netwerk_auto"].query and "walk" in herkomst["netwerk"].query


# --- a real city: Delft ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def delft(delft_data):
    G = ox.load_graphml(delft_data / "maassim_delft_drive_2020.graphml")
    wegen = netwerk_from_graph(G)
    return G, wegen, compile_netwerk(wegen, modus="auto")


def test_delft_reads_and_compiles_in_car_mode(delft):
    G, wegen, net = delft
    # SOURCES.md: 2,156 nodes, 5,036 directed edges, largest strongly connected part 2,130
    assert net.n_knopen == G.number_of_nodes() == 2156
    assert net.gericht
    assert int(wegen["eenrichting"].sum()) > 500  # a city centre full of one-way streets
    assert wegen.crs == RD
    # the compiled arcs are exactly the GraphML's directed edges: a one-way street only in its
    # direction, a two-way street both ways (self-loops never shorten a route and are dropped)
    rij = {int(k): i for i, k in enumerate(net.knoop_ids)}
    verwacht = {(rij[u], rij[v]) for u, v in G.edges() if u != v}
    coo = net.graaf.tocoo()
    assert set(zip(coo.row.tolist(), coo.col.tolist(), strict=True)) == verwacht


def test_delft_one_way_street_differs_by_direction(delft):
    G, wegen, net = delft
    rij = {int(k): i for i, k in enumerate(net.knoop_ids)}

    def beide(u: int, v: int) -> tuple[float, float]:
        heen = distance_to_nearest(net, np.array([rij[v]]))[rij[u]]
        terug = distance_to_nearest(net, np.array([rij[u]]))[rij[v]]
        return float(heen), float(terug)

    # Phoenixstraat (OSM 4261101624 -> 5300707250, one-way): 18 m with the sign, 72 m round
    weg = wegen.loc["4261101624-5300707250-0"]
    assert weg["eenrichting"] and weg["straatnaam"] == "Phoenixstraat"
    heen, terug = beide(4261101624, 5300707250)
    assert heen == pytest.approx(weg["lengte_m"]) == pytest.approx(17.99, abs=0.01)
    assert terug == pytest.approx(71.57, abs=0.01)
    # 25 one-way residential streets, both ways, against networkx on the GraphML (osmnx's
    # great-circle lengths; ours measured in RD: within 0.5%)
    straat = wegen[wegen["eenrichting"] & (wegen["highway"] == "residential")].head(25)
    langer = 0
    for _, weg in straat.iterrows():
        u, v = int(weg["van_knoop"]), int(weg["naar_knoop"])
        heen, terug = beide(u, v)
        assert heen <= weg["lengte_m"] + 1e-9  # the street itself, or a shorter way
        assert heen == pytest.approx(nx.shortest_path_length(G, u, v, weight="length"), rel=5e-3)
        if nx.has_path(G, v, u):
            nx_terug = nx.shortest_path_length(G, v, u, weight="length")
            assert terug == pytest.approx(nx_terug, rel=5e-3)
        else:
            assert np.isinf(terug)
        langer += terug > heen
    assert len(straat) == 25 and langer >= 20  # against the sign mostly a way round


def test_delft_every_node_reaches_the_core_or_is_flagged(delft):
    G, _, net = delft
    kern = compute_kernbereik(net)
    ids = net.knoop_ids
    grootste = max(nx.strongly_connected_components(G), key=len)
    assert kern.kern.sum() == len(grootste) == 2130
    assert set(ids[kern.kern].tolist()) == grootste
    een = next(iter(grootste))
    bereikt = nx.descendants(G, een) | {een}
    bereikend = nx.ancestors(G, een) | {een}
    assert set(ids[kern.uit_kern].tolist()) == bereikt
    assert set(ids[kern.naar_kern].tolist()) == bereikend
    # the one-way stubs at the edge of the city: flagged, and nothing else is
    assert set(ids[kern.afgesneden].tolist()) == set(G.nodes) - (bereikt & bereikend)
    assert 0 < kern.afgesneden.sum() == G.number_of_nodes() - 2130


CATEGORIE = {
    "doctors": "huisarts",
    "school": "basisschool",
    "kindergarten": "kinderopvang",
    "childcare": "kinderopvang",
}


def test_delft_realistic_run_with_the_85_facility_points(delft, delft_data):
    _, wegen, net = delft
    punten = pd.read_csv(delft_data / "core_osm_delft_facilities_2022.csv")
    assert len(punten) == 85
    punten = punten[punten["amenity"].isin(CATEGORIE)]
    vz = gpd.GeoDataFrame(
        {
            "naam": [f"OSM-rij {r}" for r in punten["src_row"]],
            "categorie": punten["amenity"].map(CATEGORIE).to_numpy(),
            "bron": "OpenStreetMap",
        },
        geometry=gpd.points_from_xy(punten["longitude"], punten["latitude"]),
        index=pd.Index([f"osm{r}" for r in punten["src_row"]], name="id"),
        crs="EPSG:4326",
    ).to_crs(RD)
    # houses: 12 m beside the middle of every residential street
    woonstraten = wegen[wegen["highway"].isin(["residential", "living_street"])]
    huizen = woonstraten.geometry.interpolate(0.5, normalized=True).translate(0, 12)
    vlak = shapely.box(*wegen.total_bounds)
    vraag = gpd.GeoDataFrame(
        {"inwoners": 10, "buurtcode": "BU05030001", "methode": "adressen"},
        geometry=huizen.to_numpy(),
        index=pd.Index([f"h{i}" for i in range(len(huizen))], name="id"),
        crs=RD,
    )
    g = Gemeente(
        code="GM0503",
        naam="Delft",
        wijken=gpd.GeoDataFrame(
            {"wijknaam": ["Delft"], "gemeentecode": ["GM0503"]},
            geometry=[vlak],
            index=pd.Index(["WK050300"], name="wijkcode"),
            crs=RD,
        ),
        buurten=gpd.GeoDataFrame(
            {"buurtnaam": ["Delft"], "wijkcode": ["WK050300"], "gemeentecode": ["GM0503"]},
            geometry=[vlak],
            index=pd.Index(["BU05030001"], name="buurtcode"),
            crs=RD,
        ),
        voorzieningen=vz,
        normen=load_catalogus().normen,
        herkomst={"wijken": HERKOMST},
        vraagpunten=vraag,
        netwerk_auto=wegen,
    )
    afstanden, voorzieningen = compute_autoafstand(
        g, categorieen=["huisarts", "basisschool", "kinderopvang"], netwerk=net
    )
    # facilities in the box around the city but beyond its car roads are reported, not used
    los = voorzieningen["los_van_netwerk"]
    assert 0 < los.sum() < len(voorzieningen) / 4
    # every analysed house reaches every category; the flagged ones have no distance at all
    geanalyseerd = afstanden["geanalyseerd"]
    for cat in ("huisarts", "basisschool", "kinderopvang"):
        d = afstanden[f"afstand_{cat}_m"]
        assert d[geanalyseerd].notna().all() and (d[geanalyseerd] > 0).all(), cat
        assert d[afstanden["afgesneden"]].isna().all(), cat
    assert 0 < afstanden["afgesneden"].sum() < 20
    # a network route is never shorter than the straight line between the two projections
    huisarts = voorzieningen[(voorzieningen["categorie"] == "huisarts") & ~los]
    a = connect_points(vraag, huisarts, net, snap_meetellen=False)
    proj_v = shapely.get_coordinates(vraag.geometry.to_numpy())
    proj_h = shapely.get_coordinates(huisarts.geometry.to_numpy())
    hemels = np.hypot(*(proj_v[:, None, :] - proj_h[None, :, :]).transpose(2, 0, 1))
    ondergrens = (hemels - a.vraag_snap_m[:, None] - a.vz_snap_m[None, :]).min(axis=1)
    d = afstanden["afstand_huisarts_m"].to_numpy()
    ok = ~np.isnan(d)
    assert (d[ok] >= ondergrens[ok] - 1e-6).all()
    # Delft is compact: mean car distance to a GP below 2 km, to a school below 1.5 km
    gem = afstanden.loc[geanalyseerd, ["afstand_huisarts_m", "afstand_basisschool_m"]].mean()
    assert 300 < gem["afstand_huisarts_m"] < 2000
    assert 200 < gem["afstand_basisschool_m"] < 1500
