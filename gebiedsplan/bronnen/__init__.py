"""Sources of layers, one module per source.

Every online source has a loader (``fetch_*``, through :mod:`gebiedsplan._http`, cached) and a
file twin (``read_*``) that reads the same format from disk, as a GIS team downloads it. Both
end in validated layers of the catalogue (EPSG:28992, indexed by key) with their provenance,
returned as :class:`Laag` with its :class:`Herkomst`.

- ``demo``: the synthetic demo gemeente Rivierstad;
- ``pdok``: wijken and buurten (CBS Wijk- en Buurtkaart, PDOK OGC API Features / GeoPackage);
- ``cbs``: CBS StatLine key figures of wijken and buurten (OData / CSV);
- ``rivm``: RIVM/GGD Gezondheidsmonitor per wijk and buurt (OData / CSV);
- ``osm``: OpenStreetMap facilities, green and walking networks (osmnx / .osm / .osm.pbf);
- ``register``: municipal registers (CSV / Excel) with a column mapping;
- ``locatieserver``: geocoding of addresses (PDOK Locatieserver v3.1);
- ``raster``: green rasters (GeoTIFF) and rasterised green polygons;
- ``vraag``: demand points (addresses, a 100 m grid, or buurt populations spread).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any

import pandas as pd

from gebiedsplan.errors import StoreError


@dataclass(frozen=True)
class Herkomst:
    """Provenance of a layer: where it came from, when, under which licence, with which query."""

    bron: str
    datum: str
    licentie: str
    query: str = ""
    synthetisch: bool = False

    def as_metadata(self) -> dict[str, str]:
        """Flat string dict for GeoPackage layer metadata."""
        return {k: str(v) for k, v in asdict(self).items()}

    @classmethod
    def from_metadata(cls, meta: Mapping[str, str] | None, *, where: str) -> Herkomst:
        """Rebuild from GeoPackage layer metadata; missing provenance is an error, not a guess."""
        names = [f.name for f in fields(cls)]
        if not meta or any(k not in meta for k in ("bron", "datum", "licentie")):
            raise StoreError(
                f"{where} heeft geen herkomst (bron, datum, licentie) in de metadata; "
                "schrijf de laag opnieuw met gebiedsplan.store.save_lagen."
            )
        values: dict[str, Any] = {k: meta[k] for k in names if k in meta}
        values["synthetisch"] = str(values.get("synthetisch", "False")) == "True"
        return cls(**values)

    def tekst(self) -> str:
        """One Dutch line for legends, footers and attribution."""
        label = " (synthetisch)" if self.synthetisch else ""
        return f"{self.bron}{label}, {self.datum}, {self.licentie}"


@dataclass(frozen=True)
class Laag:
    """A validated layer with its provenance, as every source returns it."""

    naam: str
    data: pd.DataFrame
    herkomst: Herkomst
