"""From the sources to the layer store of a gemeente: online (``ophalen``) or from files (``importeer``).

Both build every layer in memory first (validated, with provenance), then write the store once:
the GeoPackage atomically, the green raster beside it. Nothing is removed without being asked:
layers already in the store and not named in this run are kept, and in the layers of several
sources (voorzieningen, accommodaties, groen) only the rows of this run's sources are replaced
(:func:`write_invoer` reports per layer and source the rows before and after). Demand points
(``vraagpunten``) are made from the buurten when no better source is given; how is said in the
log and in the layer's provenance.
"""

from __future__ import annotations

import atexit
import logging
import shutil
import tempfile
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import shapely
from affine import Affine

from gebiedsplan import settings
from gebiedsplan._validate import check_gemeentecode
from gebiedsplan.bronnen import (
    MEERDERE_BRONNEN,
    Herkomst,
    Laag,
    cbs,
    combine_herkomst,
    osm,
    pdok,
    raster,
    register,
    rivm,
)
from gebiedsplan.bronnen.demo import GEMEENTECODE, HERKOMST, DemoGemeente, build_demo
from gebiedsplan.bronnen.raster import write_groen_raster
from gebiedsplan.bronnen.vraag import vraagpunten_from_buurten
from gebiedsplan.catalogus import load_catalogus, load_cbs_config, load_grensbuffer
from gebiedsplan.errors import BronError, GebiedsplanError, GemeenteError
from gebiedsplan.gemeente import (
    Gemeente,
    check_gebieden_bij,
    check_samenhang,
    demo_file,
    load_gemeente,
)
from gebiedsplan.store import Importverslag, load_lagen, save_lagen, store_path, update_lagen

log = logging.getLogger(__name__)


@dataclass
class Invoer:
    """The layers and green raster one run produced, before they are written."""

    gemeentecode: str
    lagen: dict[str, Laag] = field(default_factory=dict)
    groen_raster: tuple[np.ndarray, Affine, Herkomst] | None = None

    def add(self, laag: Laag) -> None:
        """Add a layer; several sources of facilities, accommodations or green are merged into
        one layer whose column ``bron`` names the source of every row."""
        if laag.naam in self.lagen and laag.naam in MEERDERE_BRONNEN:
            laag = merge_lagen([self.lagen[laag.naam], laag])
        self.lagen[laag.naam] = laag


def merge_lagen(lagen: Sequence[Laag]) -> Laag:
    """Concatenate layers of the same kind (facilities from OSM and from registers); column
    ``bron`` of every row is the ``bron`` of its source, the provenance keeps every source.

    Raises
    ------
    GebiedsplanError
        When two sources use the same id.
    """
    naam = lagen[0].naam
    data = pd.concat([_met_bron(laag) for laag in lagen])
    dubbel = data.index[data.index.duplicated()].unique()
    if len(dubbel):
        raise GebiedsplanError(
            f"Laag {naam}: dezelfde id in meer dan één bron: {', '.join(map(str, dubbel[:10]))}. "
            "Geef registers een eigen id-voorvoegsel in hun koppeling."
        )
    return Laag(naam, data, combine_herkomst([laag.herkomst for laag in lagen]))


def _met_bron(laag: Laag) -> pd.DataFrame:
    """The rows of a layer of one source with column ``bron`` set to that source."""
    delen = laag.herkomst.per_bron()
    if len(delen) > 1 and "bron" in laag.data.columns:
        return laag.data
    return laag.data.assign(bron=delen[0].bron)


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
    grenzen, *kerncijfers = buurten.herkomst.per_bron()
    inwoners = kerncijfers or [grenzen]  # the residents come from the key figures, if joined
    herkomst = Herkomst(
        bron=f"gebiedsplan: inwoners per buurt verspreid over een raster van 100 m "
        f"({buurten.herkomst.bron})",
        datum=buurten.herkomst.datum,
        licentie=buurten.herkomst.licentie,
        query="gebiedsplan.bronnen.vraag.vraagpunten_from_buurten(cel_m=100)",
        synthetisch=buurten.herkomst.synthetisch,
        peildatum="; ".join(dict.fromkeys(h.peildatum for h in inwoners if h.peildatum)),
        indeling=grenzen.indeling,
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


def reikwijdte(vlak: shapely.Geometry, modus: str) -> shapely.Geometry:
    """The gemeente plus its border buffer for ``modus`` (``lagen/catalogus/grensbuffer.yml``):
    the area the street network and the facilities are loaded for, so residents near the
    border reach facilities across it. Registers, green and the raster stay the gemeente's own.

    A buffer shorter than the largest norm distance plus the snap limit (250 m) is logged as a
    warning: facilities just across the border could then be missed.

    Examples
    --------
    >>> import shapely
    >>> round(reikwijdte(shapely.box(0, 0, 1000, 1000), "lopen").bounds[0])
    -2000
    """
    buffer_m = load_grensbuffer().get(modus)
    if buffer_m is None:
        raise GebiedsplanError(
            f"Onbekende modus '{modus}' voor de grensbuffer; kies uit "
            f"{', '.join(load_grensbuffer())} (lagen/catalogus/grensbuffer.yml)."
        )
    nodig = max((n.max_afstand_m for n in load_catalogus().normen.values()), default=0) + settings.max_snap_m
    if modus in ("lopen", "fietsen") and buffer_m < nodig:
        log.warning(
            "De grensbuffer voor %s is %.0f m, korter dan de grootste norm plus 250 m (%.0f m): "
            "voorzieningen net over de grens kunnen ontbreken (lagen/catalogus/grensbuffer.yml).",
            modus,
            buffer_m,
            nodig,
        )
    log.info("Wegennet en voorzieningen tot %.0f m buiten de gemeentegrens (%s)", buffer_m, modus)
    return vlak.buffer(buffer_m)


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
    getallen: str | None = None,
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
    getallen
        How the numbers of the kerncijfers and gezondheid CSVs are written (``punt``, ``nl``,
        ``komma``, ``internationaal``; :func:`gebiedsplan._getallen.notatie_uit`). Default not
        declared: each value is read the one way it can be, a value that could be two numbers
        (``2.000``) is refused. Registers declare theirs in their koppeling.

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
            invoer,
            [
                cbs.read_kerncijfers(p, gemeentecode=code, jaar=jaar, getallen=getallen)
                for p in kerncijfers
            ],
        )
    if gezondheid is not None:
        invoer.add(
            rivm.read_gezondheid(
                gezondheid, gemeentecode=code, jaar=gezondheid_jaar or jaar, getallen=getallen
            )
        )
    if voorzieningen or registers or netwerk or groen or groen_raster:
        vlak = gemeente_vlak(invoer, vlak)
        for p in voorzieningen:
            invoer.add(osm.read_voorzieningen(p, gebied=reikwijdte(vlak, modus)))
        for bestand, koppeling in registers:
            invoer.add(register.read_register(bestand, koppeling=koppeling, gemeente_vlak=vlak))
        if netwerk is not None:
            invoer.add(
                osm.read_netwerk(
                    netwerk, modus=modus, gebied=reikwijdte(vlak, modus), laag=netwerk_laag
                )
            )
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
        invoer.add(osm.fetch_voorzieningen(reikwijdte(vlak, modus), naam=code))
        invoer.add(osm.fetch_groen(vlak, naam=code))
        invoer.add(osm.fetch_netwerk(reikwijdte(vlak, modus), modus=modus, naam=code))
    _add_vraagpunten(invoer)
    _add_groen_raster(invoer, gemeente_vlak(invoer))
    return invoer


#: The layers referential integrity is about (buurt -> wijk -> gemeente, vraagpunt -> buurt).
SAMENHANG_LAGEN = ("wijken", "buurten", "vraagpunten")


def check_invoer(invoer: Invoer, *, opslag: str | Path) -> None:
    """Refuse an import that would leave the store inconsistent, before anything is written.

    The layers of this run are checked together with the layers already in the store that
    this run does not replace (an import of only buurten must fit the stored wijken; new
    wijken must still hold the stored buurten), by the same check the gemeente is loaded with
    (:func:`gebiedsplan.gemeente.check_samenhang`): codes of another gemeente, buurten in
    unknown wijken or outside them, vraagpunten in unknown buurten. The gebieden of the
    gemeente files that use this store (``wijken/<naam>.yml``) must still find their buurten
    and wijken.

    Raises
    ------
    GemeenteError
        Every problem, naming the file each layer comes from and the fix; nothing is written.

    Examples
    --------
    >>> import tempfile
    >>> from gebiedsplan.bronnen.demo import build_demo
    >>> demo = build_demo()
    >>> invoer = Invoer("GM9999")
    >>> invoer.add(Laag("wijken", demo.wijken, demo.herkomst["wijken"]))
    >>> buurten = demo.buurten.assign(wijkcode="WK999999")
    >>> invoer.add(Laag("buurten", buurten, demo.herkomst["buurten"]))
    >>> check_invoer(invoer, opslag=tempfile.mkdtemp() + "/GM9999.gpkg")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    gebiedsplan.errors.GemeenteError: Import voor GM9999 geweigerd, er is niets geschreven...
    """
    gpkg = Path(opslag)
    nieuw = [naam for naam in SAMENHANG_LAGEN if naam in invoer.lagen]
    if not nieuw:
        return
    lagen: dict[str, pd.DataFrame] = {}
    bronnen: dict[str, str] = {}
    for naam in nieuw:
        lagen[naam] = invoer.lagen[naam].data
        bronnen[naam] = f"laag {naam} uit {invoer.lagen[naam].herkomst.bron}"
    bewaard = [naam for naam in SAMENHANG_LAGEN if naam not in lagen]
    if bewaard and gpkg.exists():
        import pyogrio

        aanwezig = {str(rij[0]) for rij in pyogrio.list_layers(gpkg)}
        for naam in bewaard:
            if naam not in aanwezig:
                continue
            if naam == "vraagpunten" and "buurten" in lagen:
                continue  # made again from the new buurten, or replaced
            lagen[naam] = load_lagen(gpkg, lagen=[naam])[0][naam]
            bronnen[naam] = f"laag {naam} in de laagopslag {gpkg}"
    problemen = check_samenhang(invoer.gemeentecode, lagen, bron=bronnen)
    if "wijken" in lagen and "buurten" in lagen and not problemen:
        problemen += check_gebieden_bij(
            invoer.gemeentecode, lagen["wijken"], lagen["buurten"], opslag=gpkg
        )
    if problemen:
        raise GemeenteError(
            f"Import voor {invoer.gemeentecode} geweigerd, er is niets geschreven ({gpkg} is "
            "ongewijzigd):\n  - " + "\n  - ".join(problemen)
        )


def write_invoer(
    invoer: Invoer, *, opslag: str | Path | None = None, vervang: Collection[str] = ()
) -> Importverslag:
    """Write the layers into the gemeente's store and the green raster beside it, in one write.

    Nothing is removed without being asked: layers of the store not in this run stay; in the
    layers of several sources (voorzieningen, accommodaties, groen) only the rows of the sources
    of this run are replaced, the rows of the other sources stay, unless the layer is named in
    ``vervang`` (then it is replaced as a whole). Layers of one source (wijken, buurten,
    netwerk, gezondheid, vraagpunten) are replaced as a whole. See
    :func:`gebiedsplan.store.update_lagen`.

    Returns
    -------
    Importverslag
        The store's path (``.pad``; the report also stands for the path itself) and the row
        counts per layer and source before and after (``.tellingen``).

    Examples
    --------
    >>> import tempfile
    >>> from gebiedsplan.bronnen.demo import build_demo
    >>> demo = build_demo()
    >>> invoer = Invoer("GM9999")
    >>> invoer.add(Laag("wijken", demo.wijken, demo.herkomst["wijken"]))
    >>> verslag = write_invoer(invoer, opslag=tempfile.mkdtemp())
    >>> verslag.pad.name, verslag.tellingen.loc[0, "actie"]
    ('GM9999.gpkg', 'nieuwe laag')
    """
    gpkg = Path(opslag) if opslag else store_path(invoer.gemeentecode)
    if gpkg.suffix != ".gpkg":
        gpkg = gpkg / f"{invoer.gemeentecode}.gpkg"
    check_invoer(invoer, opslag=gpkg)
    verslag = update_lagen(
        gpkg,
        {naam: laag.data for naam, laag in invoer.lagen.items()},
        {naam: laag.herkomst for naam, laag in invoer.lagen.items()},
        vervang=vervang,
    )
    if invoer.groen_raster is not None:
        waarden, transform, herkomst = invoer.groen_raster
        write_groen_raster(
            gpkg.with_name(f"{gpkg.stem}_groen_10m.tif"), waarden, transform, herkomst
        )
    return verslag


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
