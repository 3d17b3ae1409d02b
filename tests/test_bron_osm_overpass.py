"""The online OSM loaders end to end against recorded Overpass answers, offline.

``fetch_voorzieningen``, ``fetch_groen`` and ``fetch_netwerk`` run the real osmnx 2.1 code path:
osmnx builds the Overpass QL query, asks ``/status`` for a free slot, POSTs the query to
``/interpreter``, parses the JSON, keeps it in its own cache and builds features or a graph.
Only the HTTP layer is replaced: ``responses`` serves the hand-made answers in
``tests/fixtures/osm/overpass_*.json`` (Overpass JSON, see the README there). Real sockets are
blocked, so a request that is not served fails instead of going online.

The answers lie on a local grid in metres around RD (190 900, 443 600), in Arnhem
(lat 51.98, lon 5.91), written as lat/lon with 7 decimals as Overpass does. Expected positions,
lengths and areas are the fixture's lat/lon transformed with pyproj and measured in RD, and
the grid values in the comments are the hand computation they must agree with.
"""

from __future__ import annotations

import csv
import json
import math
import socket
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs

import osmnx as ox
import pytest
import responses
import shapely
from pyproj import Transformer
from shapely import Point, Polygon, box

from gebiedsplan import settings
from gebiedsplan.bronnen import osm
from gebiedsplan.errors import BronError

FIXTURES = Path(__file__).parent / "fixtures" / "osm"
OVERPASS = "https://overpass-api.de/api"  # osmnx's default settings.overpass_url
INTERPRETER = OVERPASS + "/interpreter"
STATUS = OVERPASS + "/status"
# the plain-text answer of /status when slots are free (osmnx reads the number on line 5)
STATUS_TEKST = (
    "Connected as: 3232235777\n"
    "Current time: 2025-03-14T10:21:30Z\n"
    "Announced endpoint: none\n"
    "Rate limit: 2\n"
    "2 slots available now.\n"
    "Currently running queries (pid, space limit, time limit, start time):\n"
)
#: The area asked for: local grid x -200..500, y -200..300 around RD (190 900, 443 600).
GEBIED = box(190_700, 443_400, 191_400, 443_900)
NAAR_RD = Transformer.from_crs(4326, 28992, always_xy=True)
NAAR_WGS84 = Transformer.from_crs(28992, 4326, always_xy=True)


def _antwoord(naam: str) -> dict:
    return json.loads((FIXTURES / f"overpass_{naam}.json").read_text(encoding="utf-8"))


def _knopen_rd(antwoord: dict) -> dict[int, tuple[float, float]]:
    """OSM node id -> (x, y) in EPSG:28992, transformed from the answer's lat/lon by pyproj."""
    return {
        e["id"]: NAAR_RD.transform(e["lon"], e["lat"])
        for e in antwoord["elements"]
        if e["type"] == "node"
    }


def _weg(antwoord: dict, way_id: int) -> list[int]:
    return next(
        e["nodes"] for e in antwoord["elements"] if e["type"] == "way" and e["id"] == way_id
    )


def _shoelace(punten: list[tuple[float, float]]) -> float:
    """Area of a closed ring (first point repeated at the end) by the shoelace formula."""
    return abs(
        sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(punten, punten[1:], strict=False)) / 2
    )


def _lengte(punten: list[tuple[float, float]]) -> float:
    return sum(math.dist(a, b) for a, b in zip(punten, punten[1:], strict=False))


def _queries(mock: responses.RequestsMock) -> list[str]:
    """The Overpass QL text of every POST to the interpreter (form field ``data``)."""
    return [
        parse_qs(str(call.request.body))["data"][0]
        for call in mock.calls
        if call.request.method == "POST" and call.request.url == INTERPRETER
    ]


def _query_polygoon_rd(query: str) -> Polygon:
    """The ``poly:'lat lon lat lon ...'`` filter of a query, as a polygon in EPSG:28992."""
    tekst = query.split("(poly:'", 1)[1].split("'", 1)[0]
    getallen = [float(v) for v in tekst.split()]
    lat, lon = getallen[0::2], getallen[1::2]
    assert all(51.9 < v < 52.1 for v in lat) and all(5.8 < v < 6.0 for v in lon), "lat lon"
    return Polygon([NAAR_RD.transform(x, y) for x, y in zip(lon, lat, strict=True)])


def _serveer(mock: responses.RequestsMock, naam: str) -> None:
    """Answer the next interpreter POST with the recorded answer, byte for byte."""
    mock.add(
        responses.POST,
        INTERPRETER,
        body=(FIXTURES / f"overpass_{naam}.json").read_text(encoding="utf-8"),
        content_type="application/json",
    )


def _geen_verbinding(*args, **kwargs):
    raise AssertionError(f"test probeerde het netwerk op te gaan: {args!r}")


def _dns(host: str) -> str:
    """osmnx pins the Overpass host to one IP address first; answer offline (TEST-NET-1)."""
    if host == "overpass-api.de":
        return "192.0.2.1"
    raise socket.gaierror(f"geen DNS in tests: {host}")


@pytest.fixture
def overpass(monkeypatch, tmp_path) -> Iterator[responses.RequestsMock]:
    """Offline Overpass: /status answered, interpreter answers added per test, cache in tmp."""
    monkeypatch.setattr(settings, "cache_dir", tmp_path / "cache")
    monkeypatch.setattr(settings, "cache", True)
    monkeypatch.setattr(settings, "alleen_cache", False)
    monkeypatch.setattr(ox.settings, "overpass_url", OVERPASS)
    monkeypatch.setattr(ox.settings, "overpass_rate_limit", True)
    monkeypatch.setattr(ox.settings, "cache_only_mode", False)
    # osmnx replaces socket.getaddrinfo to pin the host (_http._config_dns): put it back after
    monkeypatch.setattr(socket, "getaddrinfo", socket.getaddrinfo)
    monkeypatch.setattr(socket, "gethostbyname", _dns)
    monkeypatch.setattr(socket.socket, "connect", _geen_verbinding)
    monkeypatch.setattr(socket.socket, "connect_ex", _geen_verbinding)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add(responses.GET, STATUS, body=STATUS_TEKST, content_type="text/plain")
        yield mock


# --- voorzieningen ----------------------------------------------------------------------------

# id -> (categorie, subcategorie, naam)
VOORZIENINGEN = {
    "osm:node/4110000001": ("ontmoeting", "community_centre", "Wijkcentrum De Weerd"),
    "osm:node/4110000002": ("huisarts", "doctors", "Huisartsenpraktijk Jansbeek"),
    "osm:node/4110000003": ("speelplek", "playground", "Speelplek (zonder naam)"),
    # amenity=school qualifies only through the voorwaarde: isced:level=1
    "osm:node/4110000004": ("basisschool", "school", "Basisschool De Lindenhof"),
    # social_facility=shelter fails the welzijn row's voorwaarde; the opvang row takes it
    "osm:node/4110000006": ("opvang", "shelter", "Nachtopvang De Brug"),
    # healthcare=doctor with healthcare:speciality=general (no amenity=doctors)
    "osm:node/4110000007": ("huisarts", "doctor", "Gezondheidscentrum Eusebius"),
    # a school building (way) with school=primary: the other alternative of the voorwaarde
    "osm:way/520000001": ("basisschool", "school", "Kindcentrum De Wilg"),
    "osm:way/530000001": ("groen", "park", "Park Weerdjesbeek"),
}
# served but not expected: node/4110000005, amenity=school with isced:level=2;3


def test_fetch_voorzieningen_through_overpass(overpass, caplog):
    _serveer(overpass, "voorzieningen")
    caplog.set_level("INFO", logger="gebiedsplan.bronnen.osm")

    laag = osm.fetch_voorzieningen(GEBIED, naam="Testgebied Arnhem")

    data = laag.data
    assert laag.naam == "voorzieningen"
    assert data.crs == "EPSG:28992"
    assert sorted(data.index) == sorted(VOORZIENINGEN)
    assert "osm:node/4110000005" not in data.index  # secondary school: left out
    assert "amenity=school weggelaten (voorwaarde isced:level=1|school=primary" in caplog.text
    assert set(data.geom_type) == {"Point"}
    assert (data["bron"] == "OpenStreetMap").all()
    for id_, verwacht in VOORZIENINGEN.items():
        rij = data.loc[id_]
        assert (rij["categorie"], rij["subcategorie"], rij["naam"]) == verwacht, id_

    knopen = _knopen_rd(_antwoord("voorzieningen"))
    for id_ in [i for i in VOORZIENINGEN if i.startswith("osm:node/")]:
        x, y = knopen[int(id_.rsplit("/", 1)[1])]
        assert data.loc[id_].geometry.distance(Point(x, y)) < 1.0, id_
    # areas become one point on their surface
    for way_id in (520000001, 530000001):
        vlak = Polygon([knopen[n] for n in _weg(_antwoord("voorzieningen"), way_id)])
        assert vlak.contains(data.loc[f"osm:way/{way_id}"].geometry), way_id

    assert laag.herkomst.bron == "OpenStreetMap (Overpass API via osmnx)"
    assert "ODbL" in laag.herkomst.licentie
    assert "Testgebied Arnhem" in laag.herkomst.query
    methoden = [(c.request.method, c.request.url) for c in overpass.calls]
    assert methoden == [("GET", STATUS), ("POST", INTERPRETER)]


def test_voorzieningen_query_asks_every_tag_of_the_table_in_the_polygon(overpass):
    _serveer(overpass, "voorzieningen")
    osm.fetch_voorzieningen(GEBIED)

    (query,) = _queries(overpass)
    with (settings.catalogus_dir / "osm_tags.csv").open(encoding="utf-8") as f:
        paren = list(dict.fromkeys((r["sleutel"], r["waarde"]) for r in csv.DictReader(f)))
    assert len(paren) == 20
    assert query.startswith("[out:json][timeout:")
    for sleutel, waarde in paren:
        for soort in ("node", "way", "relation"):
            assert f"({soort}['{sleutel}'='{waarde}'](poly:'" in query, (soort, sleutel, waarde)
    assert query.count("(node[") == len(paren)  # nothing beyond the table
    assert query.count("(._;>;);") == 3 * len(paren)  # with the nodes of ways
    # one query with the area itself: its four corners, in lat lon order, within 1 m
    poly = _query_polygoon_rd(query)
    assert len(poly.exterior.coords) == 5
    for hoek in GEBIED.exterior.coords:
        assert poly.exterior.distance(Point(hoek)) < 1.0
        assert min(Point(hoek).distance(Point(p)) for p in poly.exterior.coords) < 1.0
    # the recorded answer is one Overpass could give: every node lies in the polygon
    for x, y in _knopen_rd(_antwoord("voorzieningen")).values():
        assert poly.contains(Point(x, y))


# --- groen ------------------------------------------------------------------------------------


def test_fetch_groen_through_overpass(overpass):
    _serveer(overpass, "groen")

    laag = osm.fetch_groen(GEBIED)

    data = laag.data
    assert laag.naam == "groen"
    assert data.crs == "EPSG:28992"
    # node/4120000001 (a park drawn as a point) is left out: only areas
    assert sorted(data.index) == ["osm:way/530000001", "osm:way/530000002", "osm:way/530000003"]
    assert data.loc["osm:way/530000001", ["type", "openbaar", "naam"]].tolist() == [
        "park",
        True,
        "Park Weerdjesbeek",
    ]
    assert data.loc["osm:way/530000002", ["type", "openbaar"]].tolist() == ["tuin", False]
    assert data.loc["osm:way/530000003", ["type", "openbaar"]].tolist() == ["gras", True]

    antwoord = _antwoord("groen")
    knopen = _knopen_rd(antwoord)
    # park: pentagon (200,-60) (340,-60) (360,20) (270,60) (200,40) on the grid, shoelace:
    # (8400 + 28400 + 16200 - 1200 - 20000) / 2 = 15 900 m2
    park_rd = [knopen[n] for n in _weg(antwoord, 530000001)]
    oppervlak = data.loc["osm:way/530000001"].geometry.area
    assert oppervlak == pytest.approx(_shoelace(park_rd), rel=0.01)
    assert oppervlak == pytest.approx(15_900, rel=0.01)
    assert data.loc["osm:way/530000002"].geometry.area == pytest.approx(40 * 30, rel=0.01)
    assert data.loc["osm:way/530000003"].geometry.area == pytest.approx(80 * 60 / 2, rel=0.01)

    (query,) = _queries(overpass)
    with (settings.catalogus_dir / "osm_groen.csv").open(encoding="utf-8") as f:
        paren = list(dict.fromkeys((r["sleutel"], r["waarde"]) for r in csv.DictReader(f)))
    for sleutel, waarde in paren:
        assert f"(way['{sleutel}'='{waarde}'](poly:'" in query, (sleutel, waarde)
    assert query.count("(way[") == len(paren) == 6


# --- netwerk ----------------------------------------------------------------------------------


def _k(n: int) -> int:
    """Grid node number -> OSM node id in overpass_netwerk_lopen.json."""
    return 4_130_000_000 + n


# undirected edge (van, naar) -> the grid nodes it runs through. Node 9 (on Utrechtsestraat) and
# node 10 (on the footway) connect nothing and are simplified away.
LOPEN = {
    (1, 2): [1, 9, 2],  # Utrechtsestraat, 2 x sqrt(60^2 + 4^2) = 120.27 m
    (2, 3): [2, 3],  # Utrechtsestraat, 120 m
    (2, 6): [2, 6],  # footway, 90 m
    (2, 5): [2, 10, 5],  # footway, sqrt(5^2 + 50^2) + sqrt(5^2 + 60^2) = 110.46 m
    (4, 5): [4, 5],  # Steenstraat (oneway=yes), 120 m
    (5, 11): [5, 11],  # Steenstraat (oneway=yes), 120 m
}
GRID_LENGTE = {
    (1, 2): 2 * math.hypot(60, 4),
    (2, 3): 120.0,
    (2, 6): 90.0,
    (2, 5): math.hypot(5, 50) + math.hypot(5, 60),
    (4, 5): 120.0,
    (5, 11): 120.0,
}


def test_fetch_netwerk_walk_through_overpass(overpass):
    _serveer(overpass, "netwerk_lopen")

    laag = osm.fetch_netwerk(GEBIED, modus="lopen", naam="Testgebied Arnhem")

    data = laag.data
    assert laag.naam == "netwerk"
    assert data.crs == "EPSG:28992"
    verwacht = {f"{_k(a)}-{_k(b)}-0": (a, b) for a, b in LOPEN}
    assert sorted(data.index) == sorted(verwacht)  # 6 edges; footway 7-8 stands apart: gone
    knopen = set(data["van_knoop"]) | set(data["naar_knoop"])
    assert knopen == {_k(n) for n in (1, 2, 3, 4, 5, 6, 11)}
    assert not data["eenrichting"].any()  # walking ignores oneway=yes of Steenstraat

    rd = _knopen_rd(_antwoord("netwerk_lopen"))
    for id_, (a, b) in verwacht.items():
        rij = data.loc[id_]
        assert (rij["van_knoop"], rij["naar_knoop"]) == (_k(a), _k(b))
        lengte_rd = _lengte([rd[_k(n)] for n in LOPEN[(a, b)]])
        assert rij["lengte_m"] == pytest.approx(lengte_rd, rel=0.01), id_
        assert rij["lengte_m"] == pytest.approx(GRID_LENGTE[(a, b)], rel=0.01), id_
        begin, eind = shapely.get_coordinates(rij.geometry)[[0, -1]]
        assert math.dist(begin, rd[_k(a)]) < 1.0 and math.dist(eind, rd[_k(b)]) < 1.0, id_
    assert data.loc[f"{_k(1)}-{_k(2)}-0", "straatnaam"] == "Utrechtsestraat"
    assert data.loc[f"{_k(4)}-{_k(5)}-0", "straatnaam"] == "Steenstraat"
    assert data.loc[f"{_k(2)}-{_k(5)}-0", "highway"] == "footway"
    assert "network_type='walk'" in laag.herkomst.query

    (query,) = _queries(overpass)
    for deel in (
        '(way["highway"]["area"!~"yes"]["access"!~"private"]',
        '["highway"!~"abandoned|bus_guideway|construction|cycleway|motor|no|planned|',
        '["foot"!~"no"]["service"!~"private"]',
        '["sidewalk"!~"separate"]',
        ">;);out;",
    ):
        assert deel in query, deel
    # osmnx asks for the area plus 500 m (buffered in UTM), then cuts the graph back
    poly = _query_polygoon_rd(query)
    assert poly.contains(GEBIED.buffer(495)) and GEBIED.buffer(505).contains(poly)


def test_fetch_netwerk_keeps_every_part_on_request(overpass):
    _serveer(overpass, "netwerk_lopen")

    data = osm.fetch_netwerk(GEBIED, grootste_component=False).data

    assert len(data) == 7
    knopen = set(data["van_knoop"]) | set(data["naar_knoop"])
    assert len(knopen) == 9
    apart = data.loc[f"{_k(7)}-{_k(8)}-0"]
    assert apart["lengte_m"] == pytest.approx(80.0, rel=0.01)
    assert apart["highway"] == "footway"


# --- osmnx's cache ----------------------------------------------------------------------------


def test_osmnx_cache_lives_in_gebiedsplan_cache_dir(overpass):
    osmnx_cache = settings.cache_dir / "osmnx"
    assert not osmnx_cache.exists()  # fresh: no earlier answer can stand in for Overpass
    map_ervoor = ox.settings.cache_folder
    _serveer(overpass, "groen")

    eerste = osm.fetch_groen(GEBIED)
    bestanden = list(osmnx_cache.glob("*.json"))
    assert len(bestanden) == 1
    assert json.loads(bestanden[0].read_text(encoding="utf-8")) == _antwoord("groen")
    assert ox.settings.cache_folder == map_ervoor  # osmnx's own setting restored

    tweede = osm.fetch_groen(GEBIED)  # the same query: answered from the cache
    assert len(_queries(overpass)) == 1
    assert sorted(tweede.data.index) == sorted(eerste.data.index)


# --- Overpass errors --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "tekst"),
    [
        # Overpass answers a syntax error with 400 and an HTML page
        (
            400,
            '<html><body><p><strong style="color:#FF0000">Error</strong>: line 1: parse error: '
            "Unknown type &quot;nod&quot;</p></body></html>",
        ),
        (503, "<html><body><h1>503 Service Unavailable</h1></body></html>"),
    ],
    ids=["400-parse-error", "503"],
)
def test_overpass_http_error_is_a_bron_error_naming_overpass(overpass, status, tekst):
    overpass.add(responses.POST, INTERPRETER, status=status, body=tekst, content_type="text/html")

    with pytest.raises(BronError, match=rf"Overpass\) niet bereikbaar .* voorzieningen.*{status}"):
        osm.fetch_voorzieningen(GEBIED)
    with pytest.raises(
        BronError, match=rf"Overpass\) niet bereikbaar .* wegen \(lopen\).*{status}"
    ):
        osm.fetch_netwerk(GEBIED)


def test_overpass_runtime_error_is_a_bron_error_and_not_cached(overpass):
    _serveer(overpass, "runtime_error")

    with pytest.raises(BronError):
        osm.fetch_voorzieningen(GEBIED)
    assert not list((settings.cache_dir / "osmnx").glob("*.json"))


def test_overpass_runtime_error_message_names_overpass_and_the_remark(overpass):
    _serveer(overpass, "runtime_error")

    with pytest.raises(BronError, match=r"Overpass.*Query timed out"):
        osm.fetch_voorzieningen(GEBIED)


def test_overpass_busy_once_is_retried_after_a_pause(overpass, monkeypatch):
    pauzes: list[float] = []
    monkeypatch.setattr(ox._overpass.time, "sleep", pauzes.append)
    overpass.add(responses.POST, INTERPRETER, status=429, body="Too Many Requests")
    _serveer(overpass, "voorzieningen")  # the second POST gets the answer

    data = osm.fetch_voorzieningen(GEBIED).data

    assert sorted(data.index) == sorted(VOORZIENINGEN)
    assert len(_queries(overpass)) == 2
    assert 55 in pauzes  # osmnx waits 55 s after a 429 (patched away here)


class _BlijftBezet(Exception):
    """Stops osmnx's endless retry loop in the test below."""


def test_overpass_busy_every_time_is_a_bron_error(overpass, monkeypatch):
    monkeypatch.setattr(ox._overpass.time, "sleep", lambda s: None)
    pogingen = []

    def bezet(request):
        pogingen.append(request)
        if len(pogingen) > 2 * settings.http_pogingen:
            raise _BlijftBezet(f"{len(pogingen) - 1} keer 429 zonder BronError")
        return (429, {}, "Too Many Requests")

    overpass.add_callback(responses.POST, INTERPRETER, callback=bezet)

    with pytest.raises(BronError, match="Overpass\\) is overbelast"):
        osm.fetch_voorzieningen(GEBIED)
    assert len(pogingen) == settings.http_pogingen
