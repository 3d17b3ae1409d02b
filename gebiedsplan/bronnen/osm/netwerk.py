"""Street networks from OpenStreetMap: online (osmnx), OSM files, and plain road lines.

Networks from OSM (online and ``.osm``/``.osm.pbf``) use the osmnx network types ``walk``,
``bike`` and ``drive`` for the modi ``lopen``, ``fietsen`` and ``auto``: the same way filter
for both, simplified, one row per undirected edge, lengths measured in EPSG:28992
(:func:`netwerk_from_graph`). Geofabrik road lines become a network by
:func:`netwerk_from_lijnen` (nodes at line ends and at vertices shared by several lines, ends
within 0.5 m snapped together).
"""

from __future__ import annotations

import logging
import re
import tempfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, cast

import geopandas as gpd
import networkx as nx
import numpy as np
import osmium
import osmnx as ox
import pandas as pd
import shapely
from scipy.sparse import coo_array
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from gebiedsplan import settings
from gebiedsplan._validate import check_projected, validate_laag
from gebiedsplan.bronnen import Laag
from gebiedsplan.bronnen.osm.bestanden import (
    find_kolom,
    lees_klassen,
    open_bestand,
    osm_uittreksel,
)
from gebiedsplan.bronnen.osm.gebied import clip, gebied_in_rd, gebied_tekst, naar_wgs84
from gebiedsplan.bronnen.osm.overpass import call_osmnx, herkomst_online
from gebiedsplan.bronnen.osm.tags import check_modus, fclass_per_modus
from gebiedsplan.errors import BronError, CRSError, GebiedsplanError

log = logging.getLogger(__name__)

_FILTERDEEL = re.compile(r'\["([^"]+)"(?:\s*(!?[~=])\s*"([^"]*)")?\]')


def _wegfilter(network_type: str) -> list[tuple[str, str, re.Pattern[str] | str]]:
    """osmnx's Overpass way filter for ``network_type`` as (key, operator, pattern) triples.

    The same filter osmnx sends to Overpass, applied to the ways of a file, so that a file and
    the online service give the same network.
    """
    tekst = ox._overpass._get_network_filter(network_type)
    delen = list(_FILTERDEEL.finditer(tekst))
    if "".join(d.group(0) for d in delen) != tekst:
        raise GebiedsplanError(
            f"Het osmnx-wegfilter voor {network_type!r} is niet te lezen: {tekst}"
        )
    return [
        (k, op, re.compile(p) if op in ("~", "!~") else p)
        for k, op, p in (d.groups("") for d in delen)
    ]


def _voldoet(tags: Mapping[str, str], filter_: Sequence[tuple[str, str, Any]]) -> bool:
    """Overpass semantics: ``["k"]`` present, ``~``/``!~`` (unanchored) regex, ``=``/``!=``."""
    for sleutel, op, patroon in filter_:
        waarde = tags.get(sleutel)
        if op == "":
            if waarde is None:
                return False
        elif op == "~":
            if waarde is None or not patroon.search(waarde):
                return False
        elif op == "!~":
            if waarde is not None and patroon.search(waarde):
                return False
        elif op == "=":
            if waarde != patroon:
                return False
        elif waarde == patroon:  # "!="
            return False
    return True


def wegfilter(modus: str) -> Callable[[Mapping[str, str]], bool]:
    """Whether a way with these tags belongs to the network of ``modus``: osmnx's Overpass way
    filter (``walk``, ``bike``, ``drive``), the one rule for files and the online service.

    Examples
    --------
    >>> lopen = wegfilter("lopen")
    >>> lopen({"highway": "footway"}), lopen({"highway": "motorway"}), lopen({"building": "yes"})
    (True, False, False)
    """
    filter_ = _wegfilter(check_modus(modus))
    return lambda tags: _voldoet(tags, filter_)


def _lijst_tekst(waarde: Any, scheiding: str) -> str | None:
    """osmnx attributes may be lists after simplification: unique values joined."""
    if isinstance(waarde, list | tuple):
        delen = [str(w) for w in dict.fromkeys(waarde) if isinstance(w, str) and w]
        return scheiding.join(delen) if delen else None
    return waarde if isinstance(waarde, str) and waarde else None


def netwerk_from_graph(G: nx.MultiDiGraph | nx.MultiGraph) -> gpd.GeoDataFrame:
    """Convert an osmnx street graph into the ``netwerk`` layer.

    One row per undirected edge: the two directions of a two-way street become one row;
    parallel edges with different geometry (two streets between the same crossings) stay.
    Geometry runs from ``van_knoop`` to ``naar_knoop`` (the lower OSM node id first);
    ``lengte_m`` is the length of that geometry in EPSG:28992. An edge of a directed graph
    without its reverse (a one-way street in a bike or drive graph) gets ``eenrichting`` true
    and runs in its allowed direction, from ``van_knoop`` to ``naar_knoop``.

    Parameters
    ----------
    G
        An osmnx graph (MultiDiGraph or MultiGraph), in any CRS given in ``G.graph["crs"]``.

    Returns
    -------
    GeoDataFrame
        Layer ``netwerk`` indexed by ``id`` (``"<van>-<naar>-<k>"``): ``van_knoop``,
        ``naar_knoop`` (OSM node ids), ``lengte_m``, extra columns ``eenrichting`` (bool),
        ``highway`` (values of merged ways joined with ``;``) and ``straatnaam``; LineStrings in
        EPSG:28992.

    Raises
    ------
    CRSError
        The graph has no ``crs`` attribute.

    Examples
    --------
    >>> import networkx as nx
    >>> from gebiedsplan.bronnen.osm import netwerk_from_graph
    >>> G = nx.MultiDiGraph(crs="EPSG:28992")
    >>> G.add_node(1, x=190_000.0, y=444_000.0)
    >>> G.add_node(2, x=190_100.0, y=444_000.0)
    >>> _ = G.add_edge(1, 2, highway="footway")
    >>> _ = G.add_edge(2, 1, highway="footway")
    >>> net = netwerk_from_graph(G)
    >>> net.index.tolist(), net["van_knoop"].tolist(), net["lengte_m"].tolist()
    (['1-2-0'], [1], [100.0])
    """
    if not isinstance(G, nx.MultiGraph):
        raise GebiedsplanError(
            f"netwerk_from_graph verwacht een osmnx-graaf (networkx MultiDiGraph of "
            f"MultiGraph), kreeg {type(G).__name__}."
        )
    if G.graph.get("crs") is None:
        raise CRSError(
            "De graaf heeft geen CRS in G.graph['crs']; gebiedsplan raadt dat niet. osmnx zet "
            "het zelf (EPSG:4326); zet het anders met G.graph['crs'] = 'EPSG:4326'."
        )
    if G.number_of_edges() == 0:
        raise GebiedsplanError("De graaf heeft geen wegen; zonder wegen geen netwerk.")
    knopen, wegen = cast(
        tuple[gpd.GeoDataFrame, gpd.GeoDataFrame],
        ox.convert.graph_to_gdfs(G, nodes=True, edges=True, fill_edge_geometry=True),
    )
    knopen = knopen.to_crs(settings.crs)
    wegen = wegen.to_crs(settings.crs)
    u = wegen.index.get_level_values(0).to_numpy(dtype=np.int64)
    v = wegen.index.get_level_values(1).to_numpy(dtype=np.int64)
    a, b = np.minimum(u, v), np.maximum(u, v)
    punt = knopen.geometry
    xa = shapely.get_coordinates(punt.reindex(a).to_numpy())
    xb = shapely.get_coordinates(punt.reindex(b).to_numpy())
    geoms = wegen.geometry.to_numpy().copy()
    begin = shapely.get_coordinates(shapely.get_point(geoms, 0))
    omdraaien = np.hypot(*(begin - xb).T) < np.hypot(*(begin - xa).T)
    geoms[omdraaien] = shapely.reverse(geoms[omdraaien])
    sleutel = shapely.to_wkb(geoms)
    lus = np.flatnonzero(a == b)
    if len(lus):
        terug = shapely.to_wkb(shapely.reverse(geoms[lus]))
        sleutel[lus] = np.where(sleutel[lus] <= terug, sleutel[lus], terug)
    paren = pd.DataFrame({"a": a, "b": b, "g": sleutel})
    houden = ~paren.duplicated().to_numpy()
    # in a directed graph an edge without its reverse twin is one-way: it keeps its direction
    aantal = paren.groupby(["a", "b", "g"], sort=False)["a"].transform("size").to_numpy()
    eenrichting = (aantal == 1) & (a != b) & bool(G.is_directed())
    terug = eenrichting & (u != a)
    geoms[terug] = shapely.reverse(geoms[terug])
    a, b = np.where(terug, b, a), np.where(terug, a, b)
    a, b, geoms, eenrichting = a[houden], b[houden], geoms[houden], eenrichting[houden]
    k = pd.DataFrame({"a": a, "b": b}).groupby(["a", "b"]).cumcount().to_numpy()
    kolommen = {
        naam: (
            wegen[bron].to_numpy(dtype=object)[houden]
            if bron in wegen.columns
            else np.full(len(a), None, dtype=object)
        )
        for naam, bron in (("highway", "highway"), ("straatnaam", "name"))
    }
    frame = gpd.GeoDataFrame(
        {
            "id": [f"{x}-{y}-{z}" for x, y, z in zip(a, b, k, strict=True)],
            "van_knoop": a,
            "naar_knoop": b,
            "lengte_m": shapely.length(geoms),
            "eenrichting": eenrichting,
            "highway": [_lijst_tekst(w, ";") for w in kolommen["highway"]],
            "straatnaam": [_lijst_tekst(w, "; ") for w in kolommen["straatnaam"]],
        },
        geometry=geoms,
        crs=settings.crs,
    )
    return cast(gpd.GeoDataFrame, validate_laag(frame, "netwerk", bron="osmnx-graaf"))


def netwerk_from_lijnen(
    lijnen: gpd.GeoDataFrame, *, snap_afstand_m: float = 0.5
) -> gpd.GeoDataFrame:
    """Build the ``netwerk`` layer from plain road lines (Geofabrik roads, NWB, own paths).

    Nodes are made at line ends and at vertices that several lines share (in data derived from
    OSM those are the OSM nodes where ways meet). Line ends closer than ``snap_afstand_m`` are
    joined into one node. Nothing else is split: lines that cross without a shared vertex
    (bridges, tunnels) stay unconnected, and a line end that touches another line between its
    vertices is not connected either (it is counted in a warning in the log).

    Parameters
    ----------
    lijnen
        (Multi)LineStrings in a projected CRS in metres; the index gives the edge ids
        (``"<index>.<deel>"``), other columns are carried over to every part.
    snap_afstand_m
        Line ends closer than this become one node.

    Returns
    -------
    GeoDataFrame
        Layer ``netwerk``: ``van_knoop``, ``naar_knoop`` (integers from 0), ``lengte_m`` (length
        of the geometry), plus the columns of ``lijnen``; LineStrings in EPSG:28992.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely import LineString
    >>> from gebiedsplan.bronnen.osm import netwerk_from_lijnen
    >>> kruis = gpd.GeoDataFrame(
    ...     geometry=[LineString([(0, 0), (100, 0), (200, 0)]),
    ...               LineString([(100, -50), (100, 0), (100, 50)])],
    ...     index=["a", "b"], crs="EPSG:28992")
    >>> net = netwerk_from_lijnen(kruis)
    >>> len(net), sorted(net["lengte_m"].round(1))
    (4, [50.0, 50.0, 100.0, 100.0])
    """
    check_projected(lijnen, wat="Lijnen")
    if snap_afstand_m < 0:
        raise GebiedsplanError(f"snap_afstand_m moet 0 of meer zijn, kreeg {snap_afstand_m}.")
    lijnen = lijnen.to_crs(settings.crs)
    lijnen = lijnen[~(lijnen.geometry.isna() | lijnen.geometry.is_empty)]
    lijnen = lijnen.explode(index_parts=False)
    soort = lijnen.geom_type
    if (n := int((soort != "LineString").sum())) > 0:
        log.warning("%d objecten zonder lijngeometrie weggelaten", n)
        lijnen = lijnen[soort == "LineString"]
    if len(lijnen) == 0:
        raise GebiedsplanError("Geen lijnen over om een netwerk van te maken.")

    coords, lijn = shapely.get_coordinates(lijnen.geometry.to_numpy(), return_index=True)
    aantal = np.bincount(lijn, minlength=len(lijnen))
    eind = np.cumsum(aantal) - 1
    eerste = np.zeros(len(coords), dtype=bool)
    laatste = np.zeros(len(coords), dtype=bool)
    eerste[eind - aantal + 1] = True
    laatste[eind] = True
    # vertices that occur more than once (in several lines, or twice in one) are nodes
    _, wie, hoe_vaak = np.unique(
        np.round(coords / 0.01).astype(np.int64), axis=0, return_inverse=True, return_counts=True
    )
    knoop = eerste | laatste | (hoe_vaak[wie.ravel()] >= 2)
    binnen = knoop & ~eerste & ~laatste
    # an interior node ends one part and starts the next: repeat it
    herhaal = 1 + binnen.astype(np.int64)
    c2 = np.repeat(coords, herhaal, axis=0)
    lijn2 = np.repeat(lijn, herhaal)
    eerste_kopie = np.cumsum(herhaal) - herhaal
    nieuw = np.zeros(len(c2), dtype=bool)
    nieuw[eerste_kopie[eerste]] = True
    nieuw[eerste_kopie[binnen] + 1] = True
    deel = np.cumsum(nieuw) - 1
    start = np.flatnonzero(nieuw)
    stop = np.r_[start[1:] - 1, len(c2) - 1]
    m = len(start)

    # nodes: part ends within snap_afstand_m of each other are one node
    einden = np.vstack([c2[start], c2[stop]])
    paren = cKDTree(einden).query_pairs(max(snap_afstand_m, 1e-9), output_type="ndarray")
    buren = coo_array((np.ones(len(paren)), (paren[:, 0], paren[:, 1])), shape=(2 * m, 2 * m))
    _, label = connected_components(buren, directed=False)
    _, eerste_lid = np.unique(label, return_index=True)
    knoop_xy = einden[eerste_lid]
    c2[start] = knoop_xy[label[:m]]
    c2[stop] = knoop_xy[label[m:]]
    van, naar = label[:m], label[m:]

    geoms = shapely.linestrings(c2, indices=deel)
    lengte = shapely.length(geoms)
    houden = lengte > 0
    bron_rij = lijn2[start][houden]
    uit = lijnen.iloc[bron_rij].drop(columns=lijnen.geometry.name)
    ouder = uit.index.astype(str)
    volgnummer = pd.Series(ouder).groupby(ouder).cumcount().to_numpy()
    # node ids: dense, in order of first use
    gebruikt, dicht = np.unique(np.concatenate([van[houden], naar[houden]]), return_inverse=True)
    frame = gpd.GeoDataFrame(
        uit.reset_index(drop=True).assign(
            id=[f"{o}.{v}" for o, v in zip(ouder, volgnummer, strict=True)],
            van_knoop=dicht[: houden.sum()],
            naar_knoop=dicht[houden.sum() :],
            lengte_m=lengte[houden],
        ),
        geometry=geoms[houden],
        crs=settings.crs,
    )
    _meld_losse_einden(frame, snap_afstand_m)
    log.info(
        "netwerk uit %d lijnen: %d wegvakken, %d knopen, %.1f km",
        len(lijnen),
        len(frame),
        len(gebruikt),
        frame["lengte_m"].sum() / 1000,
    )
    return cast(gpd.GeoDataFrame, validate_laag(frame, "netwerk", bron="lijnen"))


def _meld_losse_einden(net: gpd.GeoDataFrame, afstand_m: float) -> int:
    """Count line ends that touch another line between its nodes (not connected); log them."""
    geoms = net.geometry.to_numpy()
    einden = np.concatenate([shapely.get_point(geoms, 0), shapely.get_point(geoms, -1)])
    knoop = np.concatenate([net["van_knoop"].to_numpy(), net["naar_knoop"].to_numpy()])
    punt, lijn = shapely.STRtree(geoms).query(
        einden, predicate="dwithin", distance=max(afstand_m, 1e-6)
    )
    van = net["van_knoop"].to_numpy()[lijn]
    naar = net["naar_knoop"].to_numpy()[lijn]
    los = (knoop[punt] != van) & (knoop[punt] != naar)
    n = len(np.unique(knoop[punt[los]]))
    if n:
        log.warning(
            "%d lijneinden liggen binnen %.1f m van een andere lijn zonder knoop daar; die "
            "aansluitingen ontbreken in het netwerk (de lijnen zijn daar niet opgeknipt)",
            n,
            afstand_m,
        )
    return n


def _grootste_component(net: gpd.GeoDataFrame, *, bron: str) -> gpd.GeoDataFrame:
    """Keep the edges of the largest connected part of the network; log the share."""
    u = net["van_knoop"].to_numpy(dtype=np.int64)
    v = net["naar_knoop"].to_numpy(dtype=np.int64)
    ids, inv = np.unique(np.concatenate([u, v]), return_inverse=True)
    n = len(ids)
    g = coo_array((np.ones(len(u)), (inv[: len(u)], inv[len(u) :])), shape=(n, n))
    _, label = connected_components(g, directed=False)
    grootte = np.bincount(label)
    grootste = int(np.argmax(grootte))
    log.info(
        "%s: grootste samenhangende deel heeft %d van %d knopen (%.1f%%)",
        bron,
        grootte[grootste],
        n,
        100 * grootte[grootste] / n,
    )
    return net[label[inv[: len(u)]] == grootste]


def fetch_netwerk(
    polygon_rd: Any,
    *,
    modus: str = "lopen",
    grootste_component: bool = True,
    naam: str | None = None,
) -> Laag:
    """Load the street network for walking, cycling or driving from OSM (osmnx).

    Calls ``osmnx.graph_from_polygon`` with ``network_type`` walk, bike or drive (simplified)
    and converts the graph with :func:`netwerk_from_graph`.

    Parameters
    ----------
    polygon_rd
        The area: a shapely (Multi)Polygon in EPSG:28992, or a GeoSeries/GeoDataFrame with a CRS.
    modus
        ``"lopen"`` (walk: oneway ignored, no cycleways or motorways), ``"fietsen"`` (bike) or
        ``"auto"`` (drive).
    grootste_component
        Keep only the largest connected part (osmnx ``retain_all=False``).
    naam
        Name of the area, recorded in the provenance.

    Returns
    -------
    Laag
        Layer ``netwerk`` (see :func:`netwerk_from_graph`).

    Examples
    --------
    >>> from shapely import box
    >>> from gebiedsplan.bronnen.osm import fetch_netwerk
    >>> laag = fetch_netwerk(box(189_000, 443_000, 192_000, 446_000))  # doctest: +SKIP
    """
    network_type = check_modus(modus)
    gebied = gebied_in_rd(polygon_rd, wat="polygon_rd")
    G = call_osmnx(
        ox.graph_from_polygon,
        naar_wgs84(gebied),
        network_type=network_type,
        simplify=True,
        retain_all=not grootste_component,
        wat=f"wegen ({modus})",
    )
    data = netwerk_from_graph(G)
    herkomst = herkomst_online(
        f"osmnx.graph_from_polygon({gebied_tekst(gebied, naam)}, "
        f"network_type={network_type!r}, retain_all={not grootste_component})"
    )
    return Laag("netwerk", data, herkomst)


def _graaf_uit_bestand(
    path: Path, *, network_type: str, grootste_component: bool, gebied: shapely.Geometry | None
) -> nx.MultiDiGraph:
    filter_ = _wegfilter(network_type)
    with tempfile.TemporaryDirectory(prefix="gebiedsplan-osm-") as tmp:
        xml = Path(tmp) / "wegen.osm"
        osm_uittreksel(
            path,
            xml,
            sleutels=["highway"],
            houden=lambda tags: _voldoet(tags, filter_),
            entiteiten=osmium.osm.WAY,
        )
        try:
            G = ox.graph_from_xml(
                xml,
                bidirectional=network_type in ox.settings.bidirectional_network_types,
                simplify=gebied is None,
                retain_all=True,
            )
        except (ox._errors.InsufficientResponseError, ValueError, KeyError) as exc:
            raise BronError(
                f"Bestand {path}: geen wegen gevonden voor {network_type} ({exc})."
            ) from None
    if gebied is not None:
        G = ox.truncate.truncate_graph_polygon(G, naar_wgs84(gebied))
        G = ox.simplify_graph(G)
    if grootste_component:
        n = G.number_of_nodes()
        G = ox.truncate.largest_component(G)
        log.info(
            "%s: grootste samenhangende deel heeft %d van %d knopen",
            path.name,
            G.number_of_nodes(),
            n,
        )
    return cast(nx.MultiDiGraph, G)


def read_netwerk(
    path: str | Path,
    *,
    modus: str = "lopen",
    grootste_component: bool = True,
    gebied: Any = None,
    laag: str | None = None,
    snap_afstand_m: float = 0.5,
) -> Laag:
    """Read the street network for walking, cycling or driving from a file.

    - ``.osm`` (OSM XML) and ``.osm.pbf``: the ways that pass osmnx's filter for the modus
      (walk, bike, drive; the same filter :func:`fetch_netwerk` sends to Overpass) are taken
      out with pyosmium and built into a simplified graph with ``osmnx.graph_from_xml``.
    - Geofabrik free shapefile / GeoPackage roads (a layer with ``fclass``): the road classes
      marked for the modus in ``lagen/catalogus/modus_wegen.csv`` (for ``lopen`` no
      motorway, trunk, bridleway or busway; cycleways are in, see the table), built with
      :func:`netwerk_from_lijnen`. The lines are assumed to meet at shared vertices or line
      ends (true for OSM-derived data); crossings without a shared vertex stay unconnected.
      For ``fietsen`` and ``auto`` the Geofabrik ``oneway`` column (F: along the line, T:
      against it) gives ``eenrichting``; walking ignores it.

    Parameters
    ----------
    path
        The file.
    modus
        ``"lopen"``, ``"fietsen"`` or ``"auto"``.
    grootste_component
        Keep only the largest connected part of the network.
    gebied
        Optional area (EPSG:28992, or GeoSeries/GeoDataFrame with CRS): the network within it.
    laag
        Layer of a multi-layer vector file; by default the only layer or the one called
        ``*roads*``.
    snap_afstand_m
        Geofabrik lines: line ends closer than this become one node.

    Returns
    -------
    Laag
        Layer ``netwerk`` with extra columns ``eenrichting``, ``highway`` (the OSM highway
        value or the fclass) and ``straatnaam``.

    Raises
    ------
    BronError
        The file is missing or unreadable, or a vector file has no ``fclass`` column.
    CRSError
        A vector file without CRS.

    Examples
    --------
    >>> from gebiedsplan.bronnen.osm import read_netwerk
    >>> laag = read_netwerk("gis_osm_roads_free_1.shp", modus="lopen")  # doctest: +SKIP
    """
    network_type = check_modus(modus)
    bestand = open_bestand(path, gebied=gebied)
    path, gebied_rd, bron = bestand.path, bestand.gebied, bestand.bron
    if bestand.formaat is not None:
        G = _graaf_uit_bestand(
            path,
            network_type=network_type,
            grootste_component=grootste_component,
            gebied=gebied_rd,
        )
        data = netwerk_from_graph(G)
        query = f"bestand {path.name}; osmnx-wegfilter {network_type}"
    else:
        frame, laagnaam, kolom = lees_klassen(
            bestand,
            laag=laag,
            voorkeur="roads",
            kolommen=("fclass",),
            voorvoegsel="rij",
            clip_gebied=False,  # the lines for the modus first: the log counts the whole file
        )
        if kolom is None:
            raise BronError(
                f"Bestand {path} (laag {laagnaam}): kolom 'fclass' (de wegsoort in het "
                f"Geofabrik-schema) ontbreekt; aanwezig: {', '.join(map(str, frame.columns))}. "
                "Gebruik de Geofabrik-laag gis_osm_roads_free_1, of maak het netwerk van eigen "
                "lijnen met netwerk_from_lijnen."
            )
        toegestaan, bekend = fclass_per_modus(modus)
        fclass = frame[kolom].astype(str).str.strip()
        onbekend = fclass[~fclass.isin(bekend)].value_counts()
        if len(onbekend):
            log.warning(
                "%s: fclass-waarden die niet in modus_wegen.csv staan, weggelaten: %s",
                bron,
                ", ".join(f"{k} ({v})" for k, v in onbekend.items()),
            )
        naamkolom = find_kolom(frame, "name")
        geoms = frame.geometry.to_numpy().copy()
        # Geofabrik oneway: F = only along the line, T = only against it, B = both ways
        eenrichting = np.zeros(len(frame), dtype=bool)
        if (oneway := find_kolom(frame, "oneway")) is not None and modus != "lopen":
            code = frame[oneway].astype(str).str.strip().str.upper().to_numpy()
            eenrichting = np.isin(code, ["F", "T"])
            geoms[code == "T"] = shapely.reverse(geoms[code == "T"])
        lijnen = gpd.GeoDataFrame(
            {
                "highway": fclass.to_numpy(),
                "straatnaam": frame[naamkolom].to_numpy(dtype=object) if naamkolom else None,
                "eenrichting": eenrichting,
            },
            geometry=geoms,
            index=frame.index,
            crs=frame.crs,
        )[fclass.isin(toegestaan).to_numpy()]
        clip(frame, gebied_rd, bron=f"Bestand {path} (laag {laagnaam})")  # of this place?
        lijnen = clip(lijnen, gebied_rd)
        if len(lijnen) == 0:
            raise BronError(
                f"Bestand {path}: geen wegen voor {modus} (fclass {sorted(toegestaan)})."
            )
        log.info("%s: %d van %d lijnen horen bij %s", bron, len(lijnen), len(frame), modus)
        data = netwerk_from_lijnen(lijnen, snap_afstand_m=snap_afstand_m)
        if grootste_component:
            data = _grootste_component(data, bron=bron)
        query = f"bestand {path.name}, laag {laagnaam}; fclass voor {modus} uit modus_wegen.csv"
    return Laag("netwerk", data, bestand.herkomst(query))
