"""National runs: many gemeenten at once, partitioned by gemeente, on Dask.

- :mod:`~gebiedsplan.landelijk.land`: a country as arrays (:class:`Land`) and a synthetic one
  made from a seed (:func:`build_land`), from a handful of gemeenten to about 10 million street
  nodes;
- :mod:`~gebiedsplan.landelijk.invoer`: a country from real files (:func:`build_land_uit_bestanden`):
  a national ``.osm.pbf`` streamed into street arrays (:func:`read_straten`), BAG, CBS Wijk- en
  Buurtkaart and kerncijfers, OSM facilities, each read once;
- :mod:`~gebiedsplan.landelijk.partities`: the national inputs on a grid index, read once
  (:class:`Verdeling`); a partition per gemeente with its border buffer, and why its answers
  equal those of a whole-country run (or are flagged);
- :mod:`~gebiedsplan.landelijk.rekenen`: the accessibility analysis of one partition;
- :mod:`~gebiedsplan.landelijk.uitvoeren`: the partitions fanned out on ``dask.distributed``
  (a local cluster, or any cluster by address), gathered into national tables per buurt, wijk
  and gemeente, written to GeoPackage and Parquet.

In a notebook::

    from gebiedsplan.landelijk import build_land, run_landelijk, write_landelijk

    land = build_land(6)                           # 36 synthetic gemeenten (or read_land(...))
    uitslag = run_landelijk(land, workers=2)       # a local Dask cluster of 2 processes
    uitslag.gemeenten.xs("huisarts", level="categorie").head()
    write_landelijk(uitslag, land, "uitvoer/landelijk")

This package sits above the analyses (:mod:`gebiedsplan.analyse`) and the engine, below the
command line.
"""

from __future__ import annotations

from gebiedsplan.landelijk.invoer import (
    LandBestanden,
    Straten,
    build_land_uit_bestanden,
    read_straten,
)
from gebiedsplan.landelijk.land import Land, build_land, read_land, write_land
from gebiedsplan.landelijk.partities import Partitie, Verdeling, build_verdeling
from gebiedsplan.landelijk.rekenen import Instellingen, compute_partitie
from gebiedsplan.landelijk.uitvoeren import (
    LandelijkResultaat,
    instellingen_voor,
    run_landelijk,
    write_landelijk,
)

__all__ = [
    "LandBestanden",
    "Instellingen",
    "Land",
    "LandelijkResultaat",
    "Partitie",
    "Straten",
    "Verdeling",
    "build_land",
    "build_land_uit_bestanden",
    "build_verdeling",
    "compute_partitie",
    "instellingen_voor",
    "read_land",
    "read_straten",
    "run_landelijk",
    "write_land",
    "write_landelijk",
]
