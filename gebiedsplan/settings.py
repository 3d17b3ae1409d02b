"""Settings of gebiedsplan: the working CRS, folders and service URLs.

A plain module, as in osmnx: change a value by assignment, e.g.
``gebiedsplan.settings.maps_dir = Path("publicatie")``.
"""

from __future__ import annotations

import os
from pathlib import Path

#: Every layer is kept in Amersfoort / RD New (metres).
crs = "EPSG:28992"
#: Maps are drawn in WGS84 at the very last step.
kaart_crs = "EPSG:4326"
#: A demand point or facility further than this (metres) from every street is not attached to
#: the network: it is flagged (residents: "niet geanalyseerd"), never silently snapped.
max_snap_m: float = 250.0

_package_dir = Path(__file__).resolve().parent
_repo_dir = _package_dir.parent


def _catalogus_dir() -> Path:
    """The layer catalogue: ``lagen/catalogus`` in a checkout, ``_lagen`` in an installed wheel."""
    if env := os.environ.get("GEBIEDSPLAN_CATALOGUS"):
        return Path(env)
    checkout = _repo_dir / "lagen" / "catalogus"
    return checkout if checkout.is_dir() else _package_dir / "_lagen"


#: Folder with the layer catalogue as data (schemas, categories, OSM mapping, norms).
catalogus_dir: Path = _catalogus_dir()


def _project_path(relatief: str) -> Path:
    """A folder of the project: relative to the working directory, or, when the working
    directory is a subfolder of a gebiedsplan project (a parent holds ``wijken/`` or
    ``lagen/``, as a checkout or a planner's project folder does), relative to that project.
    A notebook in ``notebooks/`` so writes to the project's ``maps/`` and ``uitvoer/``, not to
    ``notebooks/maps``.
    """
    hier = Path.cwd()
    if any((hier / merk).is_dir() for merk in ("wijken", "lagen")):
        return Path(relatief)
    for ouder in hier.parents:
        if any((ouder / merk).is_dir() for merk in ("wijken", "lagen")):
            return ouder / relatief
    return Path(relatief)


#: Folder of the local layer store (one GeoPackage per gemeente), in the project folder.
store_dir: Path = Path(os.environ.get("GEBIEDSPLAN_STORE") or _project_path("lagen/store"))


def _wijken_dir() -> Path:
    """Gemeente files: ``wijken/`` in a checkout (or the working directory), ``_wijken`` in a wheel."""
    if env := os.environ.get("GEBIEDSPLAN_WIJKEN"):
        return Path(env)
    for candidate in (Path("wijken"), _repo_dir / "wijken", _package_dir / "_wijken"):
        if candidate.is_dir():
            return candidate.resolve()
    return Path("wijken")


#: Folder with the gemeente files (``wijken/<naam>.yml``).
wijken_dir: Path = _wijken_dir()
#: Folder where published maps and reports go.
maps_dir: Path = Path(os.environ.get("GEBIEDSPLAN_MAPS") or _project_path("maps"))
#: Folder where tables and GeoPackage exports go.
uitvoer_dir: Path = Path(os.environ.get("GEBIEDSPLAN_UITVOER") or _project_path("uitvoer"))

#: Cache of answers from online sources (one file per request), as osmnx does.
cache_dir: Path = Path(os.environ.get("GEBIEDSPLAN_CACHE") or _project_path("lagen/cache"))
#: Use the cache (read answers from it, write new answers to it).
cache: bool = True
#: Never go online: answers must come from the cache (recorded answers in tests).
alleen_cache: bool = os.environ.get("GEBIEDSPLAN_ALLEEN_CACHE", "") == "1"
#: Seconds before an HTTP request gives up, and how many times it is tried again.
http_timeout_s: float = 60.0
http_pogingen: int = 4

#: Background tiles, as xyzservices provider names: PDOK BRT-Achtergrondkaart (grijs) first,
#: OpenStreetMap as fallback layer.
achtergrond = "nlmaps.grijs"
achtergrond_reserve = "OpenStreetMap.Mapnik"
