"""From the sources to the layer store of a gemeente: online (``ophalen``) or from files (``importeer``).

Both build every layer in memory first (validated, with provenance), then write the store once:
the GeoPackage atomically, the green raster beside it. Layers already in the store and not
named in this run are kept. Demand points (``vraagpunten``) are made from the buurten when no
better source is given; how is said in the log and in the layer's provenance.
"""

from __future__ import annotations

import atexit
import logging
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import shapely
from affine import Affine

from gebiedsplan import settings
from gebiedsplan._validate import check_gemeentecode
from gebiedsplan.bronnen import Herkomst, Laag, cbs, osm, pdok, raster, register, rivm
from gebiedsplan.bronnen.demo import GEMEENTECODE, HERKOMST, DemoGemeente, build_demo
from gebiedsplan.bronnen.raster import write_groen_raster
from gebiedsplan.bronnen.vraag import vraagpunten_from_buurten
from gebiedsplan.catalogus import load_cbs_config
from gebiedsplan.errors import BronError, GebiedsplanError
from gebiedsplan.gemeente import Gemeente, demo_file, load_gemeente
from gebiedsplan.store import save_lagen, store_path, update_lagen

log = logging.getLogger(__name__)


@dataclass
class Invoer:
    """The layers and green raster one run produced, before they are written."""

    gemeentecode: str
    lagen: dict[str, Laag] = field(default_factory=dict)
    groen_raster: tuple[np.ndarray, Affine, Herkomst] | None = None

    def add(self, laag: Laag) -> None:
        """Add a layer; several sources of facilities are merged into one layer."""
        if laag.naam in self.lagen and laag.naam == "voorzieningen":
            laag = merge_lagen([self.lagen[laag.naam], laag])
        self.lagen[laag.naam] = laag


def combine_herkomst(herkomsten: Sequence[Herkomst]) -> Herkomst:
    """Provenance of a layer built from several sources: each source named once."""

    def uniek(values: Iterable[str]) -> str:
        return "; ".join(dict.fromkeys(v for v in values if v))

    return Herkomst(
        bron=uniek(h.bron for h in herkomsten),
        datum=max(h.datum for h in herkomsten),
        licentie=uniek(h.licentie for h in herkomsten),
        query=uniek(h.query for h in herkomsten),
        synthetisch=any(h.synthetisch for h in herkomsten),
    )


def merge_lagen(lagen: Sequence[Laag]) -> Laag:
    """Concatenate layers of the same kind (facilities from OSM and from registers).

    Raises
    ------
    GebiedsplanError
        When two sources use the same id.
    """
    naam = lagen[0].naam
    data = pd.concat([laag.data for laag in lagen])
    dubbel = data.index[data.index.duplicated()].unique()
    if len(dubbel):
        raise GebiedsplanError(
            f"Laag {naam}: dezelfde id in meer dan één bron: {', '.join(map(str, dubbel[:10]))}. "
            "Geef registers een eigen id-voorvoegsel in hun koppeling."
        )
    return Laag(naam, data, combine_herkomst([laag.herkomst for laag in lagen]))


def gemeente_vlak(invoer: Invoer, vlak: shapely.Geometry | None = None) -> shapely.Geometry:
    """The outline of the gemeente (union of its wijken), needed to clip and check other layers."""
    if "wijken" in invoer.lagen:
        return shapely.union_all(invoer.lagen["wijken"].data.geometry.to_numpy())
    if vlak is None:
        raise GebiedsplanError(
            "Eerst wijk- en buurtgrenzen nodig (--grenzen, of een laagopslag met wijken, of "
            "'gebiedsplan ophalen') om andere lagen op de gemeente af te snijden."
        )
    return vlak


def _add_kerncijfers(invoer: Invoer, kerncijfers: Sequence[cbs.Kerncijfers]) -> None:
    for naam in ("wijken", "buurten"):
        if naam not in invoer.lagen:
            continue
        laag = invoer.lagen[naam]
        data, bronnen = laag.data, [laag.herkomst]
        prefix = "WK" if naam == "wijken" else "BU"
        for k in kerncijfers:
            if k.data.index.astype(str).str.startswith(prefix).any():
                data = cbs.join_kerncijfers(data, k)
                bronnen.append(k.herkomst)
        invoer.lagen[naam] = Laag(naam, data, combine_herkomst(bronnen))


def _add_vraagpunten(invoer: Invoer) -> None:
    if "vraagpunten" in invoer.lagen or "buurten" not in invoer.lagen:
        return
    buurten = invoer.lagen["buurten"]
    punten = vraagpunten_from_buurten(buurten.data)
    herkomst = Herkomst(
        bron=f"gebiedsplan: inwoners per buurt verspreid over een raster van 100 m "
        f"({buurten.herkomst.bron})",
        datum=buurten.herkomst.datum,
        licentie=buurten.herkomst.licentie,
        query="gebiedsplan.bronnen.vraag.vraagpunten_from_buurten(cel_m=100)",
        synthetisch=buurten.herkomst.synthetisch,
    )
    log.info(
        "Vraagpunten gemaakt uit de buurten: %d punten, %d inwoners (geen adressen gegeven)",
        len(punten),
        int(punten["inwoners"].sum()),
    )
    invoer.lagen["vraagpunten"] = Laag("vraagpunten", punten, herkomst)


def _add_groen_raster(invoer: Invoer, vlak: shapely.Geometry) -> None:
    if invoer.groen_raster is not None or "groen" not in invoer.lagen:
        return
    groen = invoer.lagen["groen"]
    invoer.groen_raster = raster.rasterize_groen(
        groen.data, gebied=vlak, cel_m=10, herkomst=groen.herkomst
    )


def import_files(
    gemeentecode: str,
    *,
    jaar: int,
    grenzen: Sequence[Path] = (),
    kerncijfers: Sequence[Path] = (),
    gezondheid: Path | None = None,
    gezondheid_jaar: int | None = None,
    voorzieningen: Sequence[Path] = (),
    registers: Sequence[tuple[Path, Path]] = (),
    netwerk: Path | None = None,
    netwerk_laag: str | None = None,
    modus: str = "lopen",
    groen: Path | None = None,
    groen_raster: Path | None = None,
    vlak: shapely.Geometry | None = None,
) -> Invoer:
    """Read downloaded files of a gemeente into validated layers (nothing is written yet).

    Parameters
    ----------
    gemeentecode
        CBS code, e.g. ``GM0202``.
    jaar
        Year of the boundaries and key figures.
    grenzen
        The CBS/PDOK Wijk- en Buurtkaart GeoPackage, or a wijken file and a buurten file.
    kerncijfers
        CSV files saved from CBS StatLine (buurten and/or wijken).
    gezondheid, gezondheid_jaar
        RIVM Gezondheidsmonitor CSV and its year (default ``jaar``).
    voorzieningen
        OpenStreetMap extracts (``.osm``, ``.osm.pbf``) or POI files.
    registers
        (register file, mapping file) pairs: IAB accommodations, welzijn locations, ...
    netwerk, netwerk_laag, modus
        Street network (``.osm``, ``.osm.pbf`` or a Geofabrik roads file) and the mode.
    groen, groen_raster
        Green polygons (OSM or Geofabrik landuse) and/or a green-share/NDVI GeoTIFF.
    vlak
        Outline of the gemeente (EPSG:28992) to clip and check the other layers when no
        boundaries are given in this run (e.g. the wijken already in the store).

    Returns
    -------
    Invoer
    """
    code = check_gemeentecode(gemeentecode)
    invoer = Invoer(code)
    if grenzen:
        pad: Path | list[Path] = grenzen[0] if len(grenzen) == 1 else list(grenzen)
        for laag in pdok.read_wijken_buurten(pad, gemeentecode=code, jaar=jaar).values():
            invoer.add(laag)
    if kerncijfers:
        _add_kerncijfers(
            invoer, [cbs.read_kerncijfers(p, gemeentecode=code, jaar=jaar) for p in kerncijfers]
        )
    if gezondheid is not None:
        invoer.add(
            rivm.read_gezondheid(gezondheid, gemeentecode=code, jaar=gezondheid_jaar or jaar)
        )
    if voorzieningen or registers or netwerk or groen or groen_raster:
        vlak = gemeente_vlak(invoer, vlak)
        for p in voorzieningen:
            invoer.add(osm.read_voorzieningen(p, gebied=vlak))
        for bestand, koppeling in registers:
            invoer.add(register.read_register(bestand, koppeling=koppeling, gemeente_vlak=vlak))
        if netwerk is not None:
            invoer.add(osm.read_netwerk(netwerk, modus=modus, gebied=vlak, laag=netwerk_laag))
        if groen is not None:
            invoer.add(osm.read_groen(groen, gebied=vlak))
        if groen_raster is not None:
            invoer.groen_raster = raster.read_groen_raster(groen_raster, gebied=vlak)
    _add_vraagpunten(invoer)
    if "groen" in invoer.lagen:
        _add_groen_raster(invoer, gemeente_vlak(invoer, vlak))
    return invoer


def latest_health_year(jaar: int) -> int:
    """The most recent Gezondheidsmonitor year at or before ``jaar`` (from ``cbs.yml``)."""
    jaren = sorted(
        {j for t in load_cbs_config()["gezondheid"]["tabellen"] for j in t["jaren"] if j <= jaar}
    )
    if not jaren:
        raise BronError(f"Geen Gezondheidsmonitor van {jaar} of eerder in lagen/catalogus/cbs.yml.")
    return jaren[-1]


def fetch_online(
    gemeentecode: str,
    *,
    jaar: int,
    gezondheid_jaar: int | None = None,
    osm_lagen: bool = True,
    modus: str = "lopen",
) -> Invoer:
    """Fetch every layer of a gemeente from the online sources (PDOK, CBS, RIVM, OpenStreetMap).

    Answers are cached in ``settings.cache_dir``; nothing is written to the store yet.

    Examples
    --------
    >>> invoer = fetch_online("GM0202", jaar=2024)  # doctest: +SKIP
    >>> sorted(invoer.lagen)  # doctest: +SKIP
    ['buurten', 'gezondheid', 'groen', 'netwerk', 'voorzieningen', 'vraagpunten', 'wijken']
    """
    code = check_gemeentecode(gemeentecode)
    invoer = Invoer(code)
    for laag in pdok.fetch_wijken_buurten(code, jaar=jaar).values():
        invoer.add(laag)
    _add_kerncijfers(invoer, [cbs.fetch_kerncijfers(code, jaar=jaar)])
    invoer.add(rivm.fetch_gezondheid(code, jaar=gezondheid_jaar or latest_health_year(jaar)))
    if osm_lagen:
        vlak = gemeente_vlak(invoer)
        invoer.add(osm.fetch_voorzieningen(vlak, naam=code))
        invoer.add(osm.fetch_groen(vlak, naam=code))
        invoer.add(osm.fetch_netwerk(vlak, modus=modus, naam=code))
    _add_vraagpunten(invoer)
    _add_groen_raster(invoer, gemeente_vlak(invoer))
    return invoer


def write_invoer(invoer: Invoer, *, opslag: str | Path | None = None) -> Path:
    """Write the layers into the gemeente's store (kept layers stay) and the green raster beside it."""
    gpkg = Path(opslag) if opslag else store_path(invoer.gemeentecode)
    if gpkg.suffix != ".gpkg":
        gpkg = gpkg / f"{invoer.gemeentecode}.gpkg"
    update_lagen(
        gpkg,
        {naam: laag.data for naam, laag in invoer.lagen.items()},
        {naam: laag.herkomst for naam, laag in invoer.lagen.items()},
    )
    if invoer.groen_raster is not None:
        waarden, transform, herkomst = invoer.groen_raster
        write_groen_raster(
            gpkg.with_name(f"{gpkg.stem}_groen_10m.tif"), waarden, transform, herkomst
        )
    return gpkg


def save_demo(demo: DemoGemeente, store_dir: str | Path | None = None) -> Path:
    """Write the demo layers to the layer store (GeoPackage + green GeoTIFF); return the GeoPackage.

    Examples
    --------
    >>> import tempfile
    >>> from gebiedsplan.bronnen.demo import build_demo
    >>> from gebiedsplan.importeren import save_demo
    >>> save_demo(build_demo(), tempfile.mkdtemp()).name
    'GM9999.gpkg'
    """
    store = Path(store_dir or settings.store_dir)
    gpkg = save_lagen(store / f"{GEMEENTECODE}.gpkg", demo.lagen, demo.herkomst)
    write_groen_raster(
        store / f"{GEMEENTECODE}_groen_10m.tif",
        demo.groen_raster,
        demo.groen_transform,
        HERKOMST,
    )
    return gpkg


def demo_gemeente(*, store_dir: str | Path | None = None) -> Gemeente:
    """Build the demo, write it to a layer store and load it as a :class:`Gemeente`.

    Parameters
    ----------
    store_dir
        Folder of the layer store; default a new temporary folder (nothing in the project).

    Examples
    --------
    >>> from gebiedsplan.importeren import demo_gemeente
    >>> demo_gemeente().titel
    'Rivierstad (synthetisch)'
    """
    if store_dir is None:  # built and written once per process, loaded fresh every call
        return load_gemeente(demo_file(), opslag=_demo_store())
    return load_gemeente(demo_file(), opslag=save_demo(build_demo(), store_dir))


@cache
def _demo_store() -> Path:
    """The demo written once to a temporary folder of this process (removed at exit)."""
    map_ = Path(tempfile.mkdtemp(prefix="gebiedsplan-demo-"))
    atexit.register(shutil.rmtree, map_, ignore_errors=True)
    return save_demo(build_demo(), map_)
