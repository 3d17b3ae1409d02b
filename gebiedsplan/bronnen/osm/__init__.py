"""OpenStreetMap: voorzieningen, groen and street networks (osmnx online, files offline).

Online, through osmnx and the Overpass API (``fetch_*``); offline, from files (``read_*``):
OSM XML (``.osm``), OSM PBF (``.osm.pbf``, e.g. a download.geofabrik.de extract) and the
Geofabrik "free shapefile" layers (shapefile or GeoPackage with an ``fclass`` column). Every
function returns a validated catalogue layer in EPSG:28992 with its provenance, as :class:`Laag`.

What is selected is data, in ``lagen/catalogus/``:

``osm_tags.csv`` (``categorie, sleutel, waarde, voorwaarde, toelichting``)
    OSM tag -> category of the sociale basis. A feature belongs to a row when its tag
    ``sleutel`` has the value ``waarde`` and, if ``voorwaarde`` is filled, at least one of its
    alternatives holds: ``isced:level=1|school=primary`` reads "isced:level is 1 or school is
    primary". OSM value lists count per part (``isced:level=0;1`` contains 1). **A feature that
    matches several rows gets the category of the first matching row, in table order** (a
    community_centre that is also a sports_centre is ``ontmoeting``). Sensitive categories
    (``opvang``) are loaded like every other; maps hide them.
``osm_groen.csv`` (``type, sleutel, waarde, niet_openbaar, toelichting``)
    OSM tag -> green type; ``niet_openbaar`` (same grammar) marks green that is not public.
``modus_wegen.csv`` (``sleutel, waarde, lopen, fietsen, auto, toelichting``)
    Which roads belong to the network of each modus; its ``highway`` rows are also the
    Geofabrik road classes (``fclass``). The same table filters every network in
    :func:`gebiedsplan.netwerk.graaf.select_modus` (:func:`gebiedsplan.catalogus.load_modus_wegen`).

Networks from OSM (online and ``.osm``/``.osm.pbf``) use the osmnx network types ``walk``,
``bike`` and ``drive`` for the modi ``lopen``, ``fietsen`` and ``auto``: the same way filter
for both, simplified, one row per undirected edge, lengths measured in EPSG:28992. Geofabrik
road lines become a network by :func:`netwerk_from_lijnen` (nodes at line ends and at vertices
shared by several lines, ends within 0.5 m snapped together). The Geofabrik table departs from
osmnx's ``walk`` filter in two places, because Geofabrik files carry no ``foot``/``access`` tags
to refine with: cycleways are walkable (RVV 1990 art. 4: pedestrians use the cycleway where
there is no pavement or footpath) and trunk roads are not (a Dutch "autoweg").

osmnx keeps its own cache of Overpass answers, in ``settings.cache_dir / "osmnx"``. With
``settings.alleen_cache`` the online functions refuse to run (use the file twins instead).

The modules, in the order the data passes them:

- :mod:`~gebiedsplan.bronnen.osm.tags`: the catalogue tables as rules, and features matched
  against them;
- :mod:`~gebiedsplan.bronnen.osm.gebied`: the source's name and licence, the area asked for;
- :mod:`~gebiedsplan.bronnen.osm.overpass`: osmnx online, with gebiedsplan's cache and limits;
- :mod:`~gebiedsplan.bronnen.osm.bestanden`: OSM files (pyosmium) and GIS vector files;
- :mod:`~gebiedsplan.bronnen.osm.voorzieningen`, :mod:`~gebiedsplan.bronnen.osm.groen`,
  :mod:`~gebiedsplan.bronnen.osm.netwerk`: the three layers, online and from files.
"""

from __future__ import annotations

from gebiedsplan.bronnen.osm.gebied import BRON, LICENTIE
from gebiedsplan.bronnen.osm.groen import fetch_groen, read_groen
from gebiedsplan.bronnen.osm.netwerk import (
    fetch_netwerk,
    netwerk_from_graph,
    netwerk_from_lijnen,
    read_netwerk,
)
from gebiedsplan.bronnen.osm.tags import MODI
from gebiedsplan.bronnen.osm.voorzieningen import fetch_voorzieningen, read_voorzieningen

__all__ = [
    "BRON",
    "LICENTIE",
    "MODI",
    "fetch_groen",
    "fetch_netwerk",
    "fetch_voorzieningen",
    "netwerk_from_graph",
    "netwerk_from_lijnen",
    "read_groen",
    "read_netwerk",
    "read_voorzieningen",
]
