"""Sources of layers, one module per source.

Every online source has a loader (``fetch_*``, through :mod:`gebiedsplan._http`, cached) and a
file twin (``read_*``) that reads the same format from disk, as a GIS team downloads it. Both
end in validated layers of the catalogue (EPSG:28992, indexed by key) with their provenance,
returned as :class:`Laag`.

- ``demo``: the synthetic demo gemeente Rivierstad;
- ``pdok``: wijken and buurten (CBS Wijk- en Buurtkaart, PDOK OGC API Features / GeoPackage);
- ``cbs``: CBS StatLine key figures of wijken and buurten (OData / CSV);
- ``rivm``: RIVM/GGD Gezondheidsmonitor per wijk and buurt (OData / CSV);
- ``osm``: OpenStreetMap facilities, green and walking networks (osmnx / .osm / .osm.pbf);
- ``register``: municipal registers (CSV / Excel) with a column mapping;
- ``locatieserver``: geocoding of addresses (PDOK Locatieserver v3.1);
- ``raster``: green rasters (GeoTIFF) and rasterised green polygons.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from gebiedsplan.store import Herkomst


@dataclass(frozen=True)
class Laag:
    """A validated layer with its provenance, as every source returns it."""

    naam: str
    data: pd.DataFrame
    herkomst: Herkomst
