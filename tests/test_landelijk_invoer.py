"""A country from real files (gebiedsplan.landelijk.invoer): streets streamed from a .osm.pbf
equal the osmnx path of read_netwerk, and the national table's Arnhem rows equal Arnhem's own
analysis of the same files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely
from scipy.sparse import coo_array
from scipy.sparse.csgraph import connected_components

from gebiedsplan.errors import BronError, GebiedsplanError
from gebiedsplan.landelijk.invoer import LandBestanden, build_land_uit_bestanden, read_straten

#: RD coordinates of the nodes of the test file.
KNOPEN = {
    1: (190000, 444000),
    2: (190100, 444000),
    3: (190200, 444000),
    4: (190300, 444010),
    5: (190100, 443900),
    6: (190100, 444100),
    7: (190130, 444180),
    8: (190200, 444250),
    9: (190300, 444100),
    10: (190400, 444100),
    11: (190200, 443800),
    12: (190300, 443800),
    13: (190050, 443950),
    14: (190400, 444200),
    15: (190500, 444200),
    20: (190600, 444000),
    21: (190700, 444000),
    22: (190650, 444050),
}
WEGEN = [
    (101, [1, 2, 3, 4], {"highway": "residential", "name": "Dwarsstraat"}),
    (102, [5, 2, 6, 7, 8], {"highway": "residential"}),  # crosses 101 at 2; curved
    (103, [8, 9, 3], {"highway": "tertiary", "oneway": "yes"}),  # ends on 101 mid-way (3)
    (104, [9, 10], {"highway": "footway"}),
    (105, [3, 11, 12], {"highway": "motorway"}),  # not for walking
    (106, [5, 13], {"highway": "service"}),
    (107, [10, 14], {"highway": "path"}),
    (108, [14, 15], {"highway": "path"}),  # continues 107 end to end
    (109, [20, 21, 22, 20], {"highway": "footway"}),  # an isolated ring (osmnx drops it)
    (110, [4, 9], {"highway": "cycleway"}),  # not in osmnx's walk filter
    (111, [6, 9], {"highway": "pedestrian", "area": "yes"}),  # a square, not a street
]


def write_pbf(pad: Path, wegen=WEGEN, knopen=KNOPEN) -> Path:
    import osmium
    from pyproj import Transformer

    t = Transformer.from_crs("EPSG:28992", "EPSG:4326", always_xy=True)
    with osmium.SimpleWriter(str(pad)) as w:
        for i, (x, y) in sorted(knopen.items()):
            w.add_node(osmium.osm.mutable.Node(id=i, location=t.transform(x, y), version=1))
        for i, refs, tags in wegen:
            w.add_way(osmium.osm.mutable.Way(id=i, nodes=refs, tags=tags, version=1))
    return pad


@pytest.fixture(scope="module")
def pbf(tmp_path_factory) -> Path:
    return write_pbf(tmp_path_factory.mktemp("osm") / "test.osm.pbf")


def _delen(ids: np.ndarray, van: np.ndarray, naar: np.ndarray) -> set[frozenset[int]]:
    """Connected parts as sets of node ids."""
    n = len(ids)
    g = coo_array((np.ones(len(van)), (van, naar)), shape=(n, n))
    _, label = connected_components(g, directed=False)
    return {frozenset(ids[label == k].tolist()) for k in np.unique(label)}


def test_streamed_streets_equal_the_osmnx_network(pbf):
    from gebiedsplan.bronnen.osm.netwerk import read_netwerk

    osmnx = read_netwerk(pbf, modus="lopen", grootste_component=False).data
    s = read_straten(pbf, knopen="kruisingen")
    # the same streets between the same crossings, with the same lengths
    ids = s.knoop_id
    eigen = sorted(
        (min(a, b), max(a, b), round(w, 6))
        for a, b, w in zip(
            ids[s.kant_van].tolist(), ids[s.kant_naar].tolist(), s.kant_lengte_m, strict=True
        )
    )
    verwacht = sorted(
        (int(a), int(b), round(w, 6))
        for a, b, w in zip(osmnx["van_knoop"], osmnx["naar_knoop"], osmnx["lengte_m"], strict=True)
    )
    assert eigen == verwacht
    assert s.kant_lengte_m.sum() == pytest.approx(osmnx["lengte_m"].sum(), abs=1e-6)
    # and the same lines: every street through the same shape points as osmnx's geometry
    from gebiedsplan.landelijk.land import kant_lijnen

    eigen_lijnen = kant_lijnen(s.knoop_xy, s.kant_van, s.kant_naar, s.kant_vorm_ptr, s.kant_vorm_xy)
    for van, naar, lijn in zip(
        osmnx["van_knoop"], osmnx["naar_knoop"], osmnx.geometry.to_numpy(), strict=True
    ):
        i = next(
            j
            for j in range(len(s.kant_van))
            if {int(ids[s.kant_van[j]]), int(ids[s.kant_naar[j]])} == {int(van), int(naar)}
            and abs(eigen_lijnen[j].length - lijn.length) < 1e-6
        )
        a = shapely.get_coordinates(eigen_lijnen[i])
        b = shapely.get_coordinates(lijn)
        if int(ids[s.kant_van[i]]) != int(van):
            a = a[::-1]
        np.testing.assert_allclose(a, b, atol=1e-6)
    assert set(ids.tolist()) == {1, 2, 3, 4, 9, 13, 15}
    # motorway, cycleway, the square and the ring are not streets for walking
    assert not {11, 12, 20, 21, 22} & set(ids.tolist())


def test_shape_points_are_nodes_of_the_same_network(pbf):
    kort = read_straten(pbf, knopen="kruisingen")
    vol = read_straten(pbf, knopen="vormpunten")
    assert vol.kant_lengte_m.sum() == pytest.approx(kort.kant_lengte_m.sum(), abs=1e-6)
    # every shape point of a walkable street is a node, and the crossings are among them
    assert set(vol.knoop_id.tolist()) == {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 13, 14, 15}
    assert set(kort.knoop_id.tolist()) <= set(vol.knoop_id.tolist())
    # the same connected parts, seen from the crossings
    kruising = set(kort.knoop_id.tolist())
    assert {d & kruising for d in _delen(vol.knoop_id, vol.kant_van, vol.kant_naar)} == _delen(
        kort.knoop_id, kort.kant_van, kort.kant_naar
    )
    # straight pieces between RD coordinates (node 7 bends street 102)
    xy = dict(zip(vol.knoop_id.tolist(), map(tuple, vol.knoop_xy), strict=True))
    assert xy[7] == pytest.approx(KNOPEN[7], abs=0.02)  # OSM stores 1e-7 degree
    recht = np.hypot(*(vol.knoop_xy[vol.kant_van] - vol.knoop_xy[vol.kant_naar]).T)
    np.testing.assert_allclose(vol.kant_lengte_m, recht, rtol=1e-12)
    assert len(vol.kant_van) == 13 and len(kort.kant_van) == 7


def test_streets_between_crossings_keep_their_shape_points(pbf):
    """knopen="kruisingen" (the default): the lines through the shape points are exactly the
    pieces of the vormpunten network, each street from its van to its naar node."""
    from gebiedsplan.landelijk.land import kant_lijnen, lijn_lengte_m

    kort = read_straten(pbf)
    vol = read_straten(pbf, knopen="vormpunten")
    assert kort.kant_vorm_ptr is not None and kort.kant_vorm_xy is not None
    assert len(kort.knoop_xy) + len(kort.kant_vorm_xy) == len(vol.knoop_xy)
    lijnen = kant_lijnen(
        kort.knoop_xy, kort.kant_van, kort.kant_naar, kort.kant_vorm_ptr, kort.kant_vorm_xy
    )
    np.testing.assert_allclose(shapely.length(lijnen), kort.kant_lengte_m, rtol=1e-12)
    np.testing.assert_allclose(
        lijn_lengte_m(
            kort.knoop_xy, kort.kant_van, kort.kant_naar, kort.kant_vorm_ptr, kort.kant_vorm_xy
        ),
        kort.kant_lengte_m,
        rtol=1e-12,
    )

    def stukken(xy_a: np.ndarray, xy_b: np.ndarray) -> set[frozenset[tuple[float, float]]]:
        return {
            frozenset([tuple(a), tuple(b)])
            for a, b in zip(xy_a.tolist(), xy_b.tolist(), strict=True)
        }

    coords, lijn = shapely.get_coordinates(lijnen, return_index=True)
    zelfde = lijn[1:] == lijn[:-1]
    assert stukken(coords[:-1][zelfde], coords[1:][zelfde]) == stukken(
        vol.knoop_xy[vol.kant_van], vol.knoop_xy[vol.kant_naar]
    )
    # street 102 from the crossing at 2 bends through 6, 7 and 8, and goes on as 103 to the
    # crossing at 9: one street, its shape points in order from its van to its naar node
    ids = kort.knoop_id
    paar = [{int(ids[a]), int(ids[b])} for a, b in zip(kort.kant_van, kort.kant_naar, strict=True)]
    i = paar.index({2, 9})
    vorm = kort.kant_vorm_xy[kort.kant_vorm_ptr[i] : kort.kant_vorm_ptr[i + 1]]
    verwacht = np.array([KNOPEN[k] for k in (6, 7, 8)], dtype=float)
    if int(ids[kort.kant_van[i]]) == 9:
        verwacht = verwacht[::-1]
    np.testing.assert_allclose(vorm, verwacht, atol=0.02)


def test_every_street_walks_its_pieces_in_order():
    """simplify_met_vorm on a network of thousands of pieces in random order, with loops off a
    crossing and isolated rings: every street's van, shape nodes and naar are consecutive
    pieces of the input, each piece used once, and only the isolated rings are left out."""
    from gebiedsplan.landelijk.invoer import simplify_met_vorm, simplify_segmenten

    rng = np.random.default_rng(3)
    n_kruis, paren, volgende = 400, [], 400
    einden = [(int(a), int(b)) for a, b in rng.integers(0, n_kruis, (900, 2)) if a != b]
    einden += [(k, k) for k in range(0, 40, 4)]  # a loop from a crossing back to it
    for a, b in einden:
        tussen = list(range(volgende, volgende + int(rng.integers(0, 6)) + (2 if a == b else 0)))
        volgende += len(tussen)
        pad = [a, *tussen, b]
        paren += list(zip(pad[:-1], pad[1:], strict=True))
    ring = list(range(volgende, volgende + 5))  # an isolated ring: left out
    paren += list(zip(ring, ring[1:] + ring[:1], strict=True))
    volgende += 5
    paren_arr = np.array(paren)[rng.permutation(len(paren))]
    wissel = rng.random(len(paren_arr)) < 0.5
    paren_arr[wissel] = paren_arr[wissel][:, ::-1]
    van, naar = paren_arr[:, 0].copy(), paren_arr[:, 1].copy()
    lengte = rng.uniform(1, 10, len(van))
    u, v, w, ptr, vorm = simplify_met_vorm(van, naar, lengte, volgende)
    u0, v0, w0 = simplify_segmenten(van, naar, lengte, volgende)
    np.testing.assert_array_equal(u, u0)
    np.testing.assert_array_equal(v, v0)
    np.testing.assert_array_equal(w, w0)
    stuk = {frozenset(p): i for i, p in enumerate(zip(van.tolist(), naar.tolist(), strict=True))}
    gebruikt = []
    for i in range(len(u)):
        pad = [int(u[i]), *vorm[ptr[i] : ptr[i + 1]].tolist(), int(v[i])]
        stukken = [stuk[frozenset(p)] for p in zip(pad[:-1], pad[1:], strict=True)]
        assert sum(lengte[stukken]) == pytest.approx(w[i], rel=1e-12)
        gebruikt += stukken
    assert len(gebruikt) == len(set(gebruikt)) == len(van) - 5
    assert not set(ring) & set(np.concatenate([u, v, vorm]).tolist())


def test_small_pieces_are_dropped_once_by_the_converter(tmp_path, klein_land_bestanden):
    """An island of footway (600 m) far from the rest: the converter drops it from the land,
    and says so in the provenance, before any gemeente is cut out."""
    from dataclasses import replace

    from gebiedsplan.landelijk.invoer import remove_kleine_delen

    knopen = {**KNOPEN, 30: (190000, 446000), 31: (190300, 446000), 32: (190600, 446000)}
    wegen = [*WEGEN, (130, [30, 31, 32], {"highway": "footway"})]
    pad = write_pbf(tmp_path / "eiland.osm.pbf", wegen=wegen, knopen=knopen)
    s = read_straten(pad)
    assert {30, 32} <= set(s.knoop_id.tolist())
    k = remove_kleine_delen(s)
    assert not {30, 32} & set(k.knoop_id.tolist())
    assert "kleine netwerkdelen weggelaten: 1 (0.6 km straat, elk minder dan 1000 m)" in k.bron
    assert k.kant_lengte_m.sum() == pytest.approx(s.kant_lengte_m.sum() - 600, abs=0.1)
    assert k.kant_vorm_ptr is not None and len(k.kant_vorm_ptr) == len(k.kant_van) + 1
    # the rest (1.9 km) is kept; with a higher bar it goes too
    with pytest.raises(BronError, match="geen straat over: alle 2 netwerkdelen.*5000 m"):
        remove_kleine_delen(s, min_netwerkdeel_m=5000)
    land = build_land_uit_bestanden(replace(klein_land_bestanden, wegen=pad))
    assert "kleine netwerkdelen weggelaten: 1" in land.bron
    assert land.n_knopen == 7
    bewaard = build_land_uit_bestanden(
        replace(klein_land_bestanden, wegen=pad), min_netwerkdeel_m=0.0
    )
    assert bewaard.n_knopen == 9 and "geen kleine netwerkdelen" in bewaard.bron


def test_a_way_missing_a_node_is_cut_there(tmp_path):
    knopen = {k: v for k, v in KNOPEN.items() if k != 7}
    pad = write_pbf(tmp_path / "gat.osm.pbf", wegen=WEGEN[:3], knopen=knopen)
    s = read_straten(pad)
    assert 7 not in s.knoop_id.tolist()
    paren = {
        frozenset((int(s.knoop_id[a]), int(s.knoop_id[b])))
        for a, b in zip(s.kant_van, s.kant_naar, strict=True)
    }
    assert frozenset((6, 8)) not in paren and frozenset((2, 6)) in paren


def test_bad_osm_files_say_so_in_dutch(tmp_path):
    kapot = tmp_path / "kapot.osm.pbf"
    kapot.write_bytes(b"dit is geen pbf")
    with pytest.raises(BronError, match="niet te lezen als OSM-bestand.*geofabrik"):
        read_straten(kapot)
    gebouwen = write_pbf(
        tmp_path / "gebouwen.osm.pbf", wegen=[(1, [1, 2, 6, 1], {"building": "yes"})]
    )
    with pytest.raises(BronError, match="geen wegen voor lopen"):
        read_straten(gebouwen)
    snelweg = write_pbf(tmp_path / "snelweg.osm.pbf", wegen=[WEGEN[4]])
    with pytest.raises(BronError, match="1 wegen met een highway-tag"):
        read_straten(snelweg)
    with pytest.raises(GebiedsplanError, match="bestaat niet|niet gevonden|ontbreekt"):
        read_straten(tmp_path / "weg.osm.pbf")
    with pytest.raises(GebiedsplanError, match="kies kruisingen of vormpunten"):
        read_straten(gebouwen, knopen="alles")
    with pytest.raises(GebiedsplanError, match="alleen voor een GeoPackage"):
        read_straten(gebouwen, grootste_component=True)


def test_boundaries_of_several_gemeenten_in_one_read(tmp_path):
    import geopandas as gpd
    from shapely import box

    from gebiedsplan.bronnen.cbs import read_kerncijfers
    from gebiedsplan.bronnen.pdok import read_wijken_buurten

    buurten = gpd.GeoDataFrame(
        {
            "buurtcode": ["BU99990101", "BU99980101", "BU99970101"],
            "buurtnaam": ["Noord", "Zuid", "Oost"],
            "gemeentecode": ["GM9999", "GM9998", "GM9997"],
        },
        geometry=[box(172000 + 600 * i, 492000, 172500 + 600 * i, 492500) for i in range(3)],
        crs="EPSG:28992",
    )
    pad = tmp_path / "wijkenbuurten_2024.gpkg"
    buurten.to_file(pad, layer="buurten")
    twee = read_wijken_buurten(pad, gemeentecode=["GM9999", "GM9998"], jaar=2024)
    assert sorted(twee["buurten"].data.index) == ["BU99980101", "BU99990101"]
    alle = read_wijken_buurten(pad, gemeentecode=None, jaar=2024)
    assert len(alle["buurten"].data) == 3
    with pytest.raises(BronError, match="GM0001"):
        read_wijken_buurten(pad, gemeentecode=["GM0001"], jaar=2024)
    csv = tmp_path / "kwb2024.csv"
    csv.write_text("buurtcode,AantalInwoners_5\nBU99990101,10\nBU99980101,20\nBU99970101,30\n")
    kern = read_kerncijfers(csv, gemeentecode=["GM9997", "GM9998"], jaar=2024)
    assert kern.data["aantal_inwoners"].to_dict() == {"BU99980101": 20, "BU99970101": 30}
    assert len(read_kerncijfers(csv, gemeentecode=None, jaar=2024).data) == 3


# --------------------------------------------------------------------------------------------
# the real Arnhem files: the national table's Arnhem rows against Arnhem's own analysis
# --------------------------------------------------------------------------------------------

KOLOMMEN = [
    "inwoners",
    "inwoners_geanalyseerd",
    "inwoners_los_van_netwerk",
    "inwoners_klein_netwerkdeel",
    "inwoners_onbereikbaar",
    "gem_afstand_m",
    "inwoners_binnen_norm",
    "aandeel_binnen_norm",
]


@pytest.fixture(scope="module")
def arnhem_bestanden_landelijk(arnhem_data) -> LandBestanden:
    return LandBestanden(
        wegen=arnhem_data / "osm_geofabrik2018_arnhem_noord_centrum.gpkg",
        grenzen=(
            arnhem_data / "arnhem_wijken_2024_generalised.gpkg",
            arnhem_data / "arnhem_buurten_2022_generalised.gpkg",
        ),
        kerncijfers=(arnhem_data / "cbs_kwb2024_arnhem_buurten_basis.csv",),
        voorzieningen=(arnhem_data / "osm_poi_arnhem_jetlag_2025.geojson",),
        jaar=2024,
    )


@pytest.fixture(scope="module")
def arnhem_categorieen(arnhem_bestanden_landelijk) -> list[str]:
    """Every category of the POI file that has a norm (all the national run can compute)."""
    from gebiedsplan.bronnen.osm import read_voorzieningen
    from gebiedsplan.catalogus import load_catalogus

    normen = load_catalogus().normen
    gelezen = read_voorzieningen(arnhem_bestanden_landelijk.voorzieningen[0]).data
    categorieen = sorted(set(gelezen["categorie"].astype(str)) & set(normen))
    assert len(categorieen) >= 2
    return categorieen


@pytest.fixture(scope="module")
def arnhem_eigen(tmp_path_factory, arnhem_bestanden_landelijk, arnhem_categorieen):
    """``gebiedsplan importeer`` + ``analyse`` of the same files (no registers: the national run
    has the OSM facilities only): the per-buurt table."""
    import gebiedsplan.importeren as importeren
    from gebiedsplan.analyse.run import run_analyse
    from gebiedsplan.gemeente import load_gemeente

    b = arnhem_bestanden_landelijk
    invoer = importeren.import_files(
        "GM0202",
        jaar=2024,
        grenzen=list(b.grenzen),
        kerncijfers=list(b.kerncijfers),
        voorzieningen=list(b.voorzieningen),
        netwerk=b.wegen,
        netwerk_laag="roads",
    )
    gpkg = importeren.write_invoer(invoer, opslag=tmp_path_factory.mktemp("arnhem_eigen"))
    gemeente = load_gemeente(
        Path(__file__).resolve().parents[1] / "wijken" / "arnhem.yml", opslag=gpkg
    )
    return run_analyse(gemeente, categorieen=arnhem_categorieen).per_buurt


def _landelijk(bestanden: LandBestanden, categorieen: list[str], **opties) -> pd.DataFrame:
    from gebiedsplan.landelijk import instellingen_voor, run_landelijk

    land = build_land_uit_bestanden(bestanden, gemeenten=["GM0202"], **opties)
    res = run_landelijk(land, instellingen=instellingen_voor(categorieen=categorieen), workers=0)
    return land, res.buurten


@pytest.mark.parametrize("knopen", ["kruisingen", "vormpunten"])
def test_arnhem_national_rows_equal_arnhem_s_own_analysis(
    arnhem_bestanden_landelijk, arnhem_eigen, arnhem_categorieen, knopen
):
    """Default settings (streets with their shapes, small pieces dropped by the converter):
    every buurt and every category of the POI file as in Arnhem's own analysis. With every
    shape point a node (vormpunten) the answer is the same."""
    opties = {} if knopen == "kruisingen" else {"knopen": "vormpunten"}
    land, landelijk = _landelijk(arnhem_bestanden_landelijk, arnhem_categorieen, **opties)
    assert not land.synthetisch
    for naam in (
        "osm_geofabrik2018",
        "2018",
        "Wijk- en Buurtkaart 2022",
        "Kerncijfers",
        "2024",
        "terugval zonder BAG",
        "osm_poi_arnhem_jetlag_2025",
        "kleine netwerkdelen weggelaten",
        f"knopen: {knopen}",
    ):
        assert naam in land.bron
    assert int(land.vraagpunten["inwoners"].sum()) == 167_470
    if knopen == "kruisingen":
        assert land.n_vormpunten > land.n_knopen  # curved streets, carried as shapes
    else:
        assert land.n_vormpunten == 0
    eigen = arnhem_eigen
    assert set(landelijk.index) == set(eigen.index)
    assert set(landelijk.index.get_level_values("categorie")) == set(arnhem_categorieen)
    links = landelijk.loc[eigen.index, KOLOMMEN].astype(float)
    rechts = eigen[KOLOMMEN].astype(float)
    pd.testing.assert_frame_equal(links, rechts, rtol=1e-9, atol=1e-6, check_names=False)
    # and the comparison has teeth: some residents analysed, some not, distances of hundreds
    assert 30_000 < links["inwoners_geanalyseerd"].xs("groen", level="categorie").sum() < 60_000
    assert links["gem_afstand_m"].max() > 1000
    assert (links["inwoners_klein_netwerkdeel"] == 0).all()


def test_arnhem_small_parts_kept_are_flagged_by_the_national_run(
    arnhem_bestanden_landelijk, arnhem_eigen, arnhem_categorieen
):
    # a land that keeps every small piece of network (min_netwerkdeel_m=0: as a --invoer land
    # might): the national run does not analyse residents beside a piece of less than 1 km
    # street (its safety net), where the gemeente's network (largest part only) snaps them
    # onto the largest part; that is the only difference
    land, landelijk = _landelijk(
        arnhem_bestanden_landelijk, arnhem_categorieen, min_netwerkdeel_m=0.0
    )
    assert "geen kleine netwerkdelen" in land.bron
    eigen = arnhem_eigen.loc[landelijk.index]
    assert (eigen["inwoners_klein_netwerkdeel"] == 0).all()
    klein = landelijk["inwoners_klein_netwerkdeel"]
    assert klein.sum() > 0
    verschil = eigen["inwoners_geanalyseerd"] - landelijk["inwoners_geanalyseerd"]
    anders = verschil != 0
    # buurten without residents on a small part: the same (everything but the few snapped)
    gelijk = (klein == 0) & (
        eigen["inwoners_los_van_netwerk"] == landelijk["inwoners_los_van_netwerk"]
    )
    pd.testing.assert_series_equal(
        landelijk.loc[gelijk & ~anders, "gem_afstand_m"],
        eigen.loc[gelijk & ~anders, "gem_afstand_m"],
        rtol=1e-9,
        check_names=False,
    )
    assert (klein[anders] > 0).all()


def test_cli_landelijk_on_real_files_and_back_from_the_saved_land(
    tmp_path, monkeypatch, arnhem_bestanden_landelijk
):
    from typer.testing import CliRunner

    from gebiedsplan.cli import app

    b = arnhem_bestanden_landelijk
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    opties = ["--gemeenten", "GM0202", "--categorieen", "groen", "--workers", "0"]
    result = runner.invoke(
        app,
        [
            "landelijk",
            "--wegen",
            str(b.wegen),
            *[a for p in b.grenzen for a in ("--grenzen", str(p))],
            "--kerncijfers",
            str(b.kerncijfers[0]),
            "--voorzieningen",
            str(b.voorzieningen[0]),
            "--jaar",
            "2024",
            "--bewaar-invoer",
            "land.gpkg",
            "--uitvoer",
            "uit",
            *opties,
        ],
    )
    assert result.exit_code == 0, result.output
    tekst = " ".join(result.output.split())
    assert "1 gemeenten" in tekst and "synthetisch" not in tekst
    buurten = pd.read_parquet(tmp_path / "uit" / "landelijk_buurten.parquet")
    assert len(buurten) == 82 and buurten["inwoners"].sum() == 167_470
    # the saved land gives the same tables through --invoer, and says where it came from
    result = runner.invoke(
        app, ["landelijk", "--invoer", "land.gpkg", "--uitvoer", "terug", *opties]
    )
    assert result.exit_code == 0, result.output
    terug = pd.read_parquet(tmp_path / "terug" / "landelijk_buurten.parquet")
    pd.testing.assert_frame_equal(terug, buurten)
    from gebiedsplan.landelijk import read_land

    land = read_land(tmp_path / "land.gpkg")
    assert not land.synthetisch and "osm_geofabrik2018" in land.bron


def test_cli_landelijk_real_files_refuses_in_dutch(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from gebiedsplan.cli import app

    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    pbf = write_pbf(tmp_path / "t.osm.pbf")

    def fout(*args: str) -> str:
        result = runner.invoke(app, ["landelijk", *args])
        assert result.exit_code == 1, result.output
        return " ".join(result.output.split())

    assert "--wegen BESTAND met --grenzen" in fout("--synthetisch", "2", "--wegen", str(pbf))
    assert "--wegen zonder --grenzen" in fout("--wegen", str(pbf))
    assert "--adressen horen bij echte bestanden" in fout(
        "--synthetisch", "2", "--adressen", "bag-light.gpkg"
    )
    assert "--knopen horen bij echte bestanden" in fout(
        "--invoer", "land.gpkg", "--knopen", "vormpunten"
    )
    assert "--wegen zonder --jaar" in fout("--wegen", str(pbf), "--grenzen", str(pbf))
    assert "--jaar horen bij echte bestanden" in fout("--synthetisch", "2", "--jaar", "2024")
    met_jaar = ("--jaar", "2024")
    assert "kies kruisingen of vormpunten" in fout(
        "--wegen", str(pbf), "--grenzen", str(pbf), "--knopen", "alles", *met_jaar
    )
    tekst = fout("--wegen", str(pbf), "--grenzen", "wijkenbuurten_2024.gpkg", *met_jaar)
    assert "wijkenbuurten_2024.gpkg" in tekst and "Traceback" not in tekst
    assert not (tmp_path / "uitvoer").exists()


@pytest.fixture(scope="module")
def klein_land_bestanden(tmp_path_factory, pbf) -> LandBestanden:
    """A gemeente of two buurten over the streets of the test file, with BAG addresses, CBS
    figures and two facilities: every kind of national file, small."""
    import geopandas as gpd
    from shapely import Point, box

    map_ = tmp_path_factory.mktemp("klein_land")
    west, oost = box(189950, 443850, 190250, 444300), box(190250, 443850, 190550, 444300)
    grenzen = map_ / "wijkenbuurten_2024.gpkg"
    gpd.GeoDataFrame(
        {
            "wijkcode": ["WK999901"],
            "wijknaam": ["Midden"],
            "gemeentecode": ["GM9999"],
            "gemeentenaam": ["Proefstad"],
        },
        geometry=[west.union(oost)],
        crs="EPSG:28992",
    ).to_file(grenzen, layer="wijken")
    gpd.GeoDataFrame(
        {
            "buurtcode": ["BU99990101", "BU99990102"],
            "buurtnaam": ["West", "Oost"],
            "wijkcode": ["WK999901", "WK999901"],
            "gemeentecode": ["GM9999", "GM9999"],
        },
        geometry=[west, oost],
        crs="EPSG:28992",
    ).to_file(grenzen, layer="buurten")
    kern = map_ / "kwb2024.csv"
    kern.write_text("buurtcode,AantalInwoners_5\nBU99990101,100\nBU99990102,30\n")
    bag = map_ / "bag-light.gpkg"
    gpd.GeoDataFrame(
        {
            "identificatie": [f"99990100000000{i:02d}" for i in range(6)],
            "gebruiksdoel": [
                "woonfunctie",
                "woonfunctie",
                "winkelfunctie,woonfunctie",
                "kantoorfunctie",  # no dwelling
                "woonfunctie",
                "woonfunctie",
            ],
            "status": ["Verblijfsobject in gebruik"] * 5 + ["Verblijfsobject gevormd"],
        },
        geometry=[
            Point(190020, 444010),
            Point(190150, 443990),
            Point(190120, 444150),
            Point(190210, 444020),
            Point(190350, 444110),
            Point(190450, 444050),  # not built yet
        ],
        crs="EPSG:28992",
    ).to_file(bag, layer="verblijfsobject")
    poi = map_ / "poi.geojson"
    gpd.GeoDataFrame(
        {
            "category": ["library", "park", "museum", "shelter"],
            "name": ["Bieb", "Park", "Museum", "Opvang"],
        },
        geometry=[
            Point(190310, 444090),
            Point(190010, 443990),
            Point(190200, 444000),
            Point(190220, 444010),
        ],
        crs="EPSG:28992",
    ).to_crs("EPSG:4326").to_file(poi)
    return LandBestanden(
        wegen=pbf,
        grenzen=(grenzen,),
        kerncijfers=(kern,),
        adressen=bag,
        voorzieningen=(poi,),
        jaar=2024,
    )


def test_a_land_from_a_pbf_bag_and_cbs_files(klein_land_bestanden):
    from gebiedsplan.landelijk import instellingen_voor, run_landelijk

    land = build_land_uit_bestanden(klein_land_bestanden)
    assert not land.synthetisch
    for naam in (
        "test.osm.pbf gestroomd",
        "bag-light.gpkg",
        "Kerncijfers",
        "kwb2024.csv",
        "vraagpunten: adressen",
        "poi.geojson",
    ):
        assert naam in land.bron, naam
    # residents: the dwellings in use, the CBS inhabitants of each buurt spread over them
    vp = land.vraagpunten
    assert len(vp) == 4
    assert vp.groupby("buurtcode", observed=True)["inwoners"].sum().to_dict() == {
        "BU99990101": 100,
        "BU99990102": 30,
    }
    assert set(vp["gemeentecode"].astype(str)) == {"GM9999"}
    assert land.gemeenten.index.tolist() == ["GM9999"]
    assert land.gemeenten.loc["GM9999", "gemeentenaam"] == "Proefstad"
    # facilities with their categories (the museum is no category of the catalogue); the
    # shelter (opvang, a sensitive site) is read but never carried by a land
    from gebiedsplan.bronnen.osm import read_voorzieningen

    gelezen = read_voorzieningen(klein_land_bestanden.voorzieningen[0]).data
    assert "opvang" in set(gelezen["categorie"])
    assert sorted(land.voorzieningen["categorie"].astype(str)) == ["bibliotheek", "groen"]
    # the streets of the file: nodes at crossings and dead ends, the bends as shapes
    assert land.n_knopen == 7 and land.n_vormpunten == 6
    res = run_landelijk(
        land, instellingen=instellingen_voor(categorieen=["bibliotheek", "groen"]), workers=0
    )
    bieb = res.buurten.xs("bibliotheek", level="categorie")
    assert bieb.loc["BU99990102", "inwoners_geanalyseerd"] == 30
    assert 0 < bieb.loc["BU99990102", "gem_afstand_m"] < bieb.loc["BU99990101", "gem_afstand_m"]


def test_without_bag_the_fallback_is_named(klein_land_bestanden):
    from dataclasses import replace

    land = build_land_uit_bestanden(replace(klein_land_bestanden, adressen=None))
    assert "terugval zonder BAG" in land.bron and "buurt_verdeeld" in land.bron
    assert int(land.vraagpunten["inwoners"].sum()) == 130
