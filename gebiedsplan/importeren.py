"""From the sources to the layer store of a gemeente: online (``ophalen``) or from files (``importeer``).

Both build every layer in memory first (validated, with provenance), then write the store once:
the GeoPackage atomically, the green raster beside it. Nothing is removed without being asked:
layers already in the store and not named in this run are kept, and in the layers of several
sources (voorzieningen, accommodaties, groen) only the rows of this run's sources are replaced
(:func:`write_invoer` reports per layer and source the rows before and after). Demand points
(``vraagpunten``) are made from the best source there is: the BAG addresses (``ophalen`` by
default, ``importeer --adressen``), else the CBS 100 m grid (``--raster``), else the buurten;
which method, per buurt where it falls back, is said in the log, the command's summary and the
layer's provenance.
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
    bag,
    cbs,
    combine_herkomst,
    nabijheid,
    osm,
    pdok,
    raster,
    register,
    rivm,
    vierkant,
)
from gebiedsplan.bronnen import duo as bron_duo
from gebiedsplan.bronnen import lrk as bron_lrk
from gebiedsplan.bronnen.demo import GEMEENTECODE, HERKOMST, DemoGemeente, build_demo
from gebiedsplan.bronnen.ontdubbelen import KOLOMMEN as ONTDUBBEL_KOLOMMEN
from gebiedsplan.bronnen.ontdubbelen import ontdubbel
from gebiedsplan.bronnen.raster import write_groen_raster
from gebiedsplan.bronnen.register.landelijk import NietGeplaatst, RegisterLaag, gemeenten_rond
from gebiedsplan.bronnen.vraag import choose_vraagpunten, herkomst_vraagpunten, samenvatting
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
    """The layers and green raster one run produced, before they are written.

    ``niet_geplaatst`` lists the rows of national registers (DUO, LRK) that could not be placed
    and were skipped (file, row, address, reason); ``ontdubbeld`` the OpenStreetMap facilities
    that a register names too and that were therefore dropped (one row per pair, see
    :func:`gebiedsplan.bronnen.ontdubbelen.ontdubbel`).
    """

    gemeentecode: str
    lagen: dict[str, Laag] = field(default_factory=dict)
    groen_raster: tuple[np.ndarray, Affine, Herkomst] | None = None
    niet_geplaatst: list[NietGeplaatst] = field(default_factory=list)
    #: Warnings for the summary: a national register that could not be fetched.
    meldingen: list[str] = field(default_factory=list)
    ontdubbeld: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=list(ONTDUBBEL_KOLOMMEN))
    )

    def add(self, laag: Laag) -> None:
        """Add a layer; several sources of facilities, accommodations or green are merged into
        one layer whose column ``bron`` names the source of every row. In facilities, a place
        in both OpenStreetMap and a register counts once (the register's row stays)."""
        if isinstance(laag, RegisterLaag):
            self.niet_geplaatst.extend(laag.niet_geplaatst)
        if laag.naam in self.lagen and laag.naam in MEERDERE_BRONNEN:
            laag = merge_lagen([self.lagen[laag.naam], laag])
            if laag.naam == "voorzieningen":
                data, paren = ontdubbel(laag.data)
                if not paren.empty:
                    laag = Laag(laag.naam, data, laag.herkomst)
                    self.ontdubbeld = pd.concat(
                        [df for df in (self.ontdubbeld, paren) if not df.empty], ignore_index=True
                    )
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


#: How ``ophalen`` makes the demand points: the best method tried first (``fetch_online``).
VRAAGPUNT_METHODEN = ("adressen", "raster", "buurten")


def _add_vraagpunten(
    invoer: Invoer,
    *,
    adressen: bag.Adressen | None = None,
    raster: vierkant.Bevolkingsraster | None = None,
    buurten: Laag | None = None,
    meldingen: Sequence[str] = (),
) -> None:
    """Demand points from the addresses, else the 100 m grid, else the buurten of this run (or
    ``buurten``, the layer in the store), by :func:`gebiedsplan.bronnen.vraag.choose_vraagpunten`;
    the method and its sources in the layer's provenance and the log."""
    if "vraagpunten" in invoer.lagen:
        return
    laag = invoer.lagen.get("buurten", buurten)
    if laag is None:
        if adressen is not None or raster is not None:
            raise GebiedsplanError(
                "Adressen en het 100m-raster verdelen de inwoners per buurt: geef ook --grenzen "
                "en --kerncijfers, of importeer in een laagopslag die al buurten heeft."
            )
        return
    punten = choose_vraagpunten(
        adressen=adressen.data if adressen is not None else None,
        raster=raster.data if raster is not None else None,
        buurten=laag.data,
    )
    punten.attrs["meldingen"] = [*meldingen, *punten.attrs.get("meldingen", [])]
    herkomst = herkomst_vraagpunten(
        punten,
        buurten=laag.herkomst,
        adressen=adressen.herkomst if adressen is not None else None,
        raster=raster.herkomst if raster is not None else None,
    )
    log.info("%s", samenvatting(punten))
    invoer.lagen["vraagpunten"] = Laag("vraagpunten", punten, herkomst)


def _zonder_adres(buurten: pd.DataFrame, adressen: bag.Adressen) -> shapely.Geometry | None:
    """The buurten with inhabitants that hold no address, as one area (None when there are none)."""
    totaal = pd.to_numeric(pd.Series(buurten["aantal_inwoners"].to_numpy()), errors="coerce")
    bewoond = (totaal > 0).to_numpy()
    geoms = np.asarray(buurten.geometry.to_numpy())
    xy = shapely.get_coordinates(adressen.data.geometry.to_numpy())
    punten = shapely.points(xy)
    boom = shapely.STRtree(punten)
    leeg = [
        bool(b) and not len(boom.query(g, predicate="intersects"))
        for b, g in zip(bewoond, geoms, strict=True)
    ]
    if not any(leeg):
        return None
    return shapely.union_all(geoms[np.asarray(leeg)])


def _vraagpunten_online(invoer: Invoer, *, jaar: int, methode: str) -> None:
    """``ophalen``: addresses from the BAG (PDOK), the 100 m grid for the buurten without an
    address (or all of them when there are no addresses), else the spread over the buurten.
    A service that fails is reported and the next method is taken; nothing is silent."""
    if methode not in VRAAGPUNT_METHODEN:
        raise GebiedsplanError(
            f"Onbekende methode voor de vraagpunten '{methode}'; kies uit "
            f"{', '.join(VRAAGPUNT_METHODEN)}."
        )
    if "buurten" not in invoer.lagen or "vraagpunten" in invoer.lagen:
        return
    vlak = gemeente_vlak(invoer)
    meldingen: list[str] = []
    adressen: bag.Adressen | None = None
    if methode == "adressen":
        try:
            adressen = bag.fetch_adressen(vlak, naam=invoer.gemeentecode)
        except BronError as exc:
            tekst = f"adressen (BAG) niet gebruikt: {exc}"
            log.warning("Vraagpunten: %s", tekst)
            meldingen.append(tekst)
    raster: vierkant.Bevolkingsraster | None = None
    if methode in ("adressen", "raster"):
        nodig = vlak if adressen is None else _zonder_adres(invoer.lagen["buurten"].data, adressen)
        if nodig is not None:
            try:
                raster = vierkant.fetch_bevolkingsraster(nodig, jaar=jaar)
            except BronError as exc:
                tekst = f"100m-raster (CBS) niet gebruikt: {exc}"
                log.warning("Vraagpunten: %s", tekst)
                meldingen.append(tekst)
    _add_vraagpunten(invoer, adressen=adressen, raster=raster, meldingen=meldingen)


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


def netwerk_voor_modus(laag: Laag, modus: str) -> Laag:
    """The network of ``modus`` under the name of its layer: ``netwerk_auto`` for the car
    (beside the walking network, for the comparison with CBS Nabijheid), else ``netwerk``
    (walking or cycling, for the sociale basis). An import of the one never replaces the other.

    Examples
    --------
    >>> from gebiedsplan.bronnen.demo import build_demo
    >>> demo = build_demo()
    >>> netwerk_voor_modus(Laag("netwerk", demo.netwerk, demo.herkomst["netwerk"]), "auto").naam
    'netwerk_auto'
    """
    naam = "netwerk_auto" if modus == "auto" else "netwerk"
    return laag if laag.naam == naam else Laag(naam, laag.data, laag.herkomst)


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
    adressen: Path | None = None,
    bevolkingsraster: Path | None = None,
    buurten: Laag | None = None,
    nabijheid: Path | None = None,
    nabijheid_jaar: int | None = None,
    duo: Path | None = None,
    lrk: Path | None = None,
    inbreng: Path | None = None,
    bijeenkomst: str | None = None,
    datum: str | None = None,
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
        Street network (``.osm``, ``.osm.pbf`` or a Geofabrik roads file) and the mode; a car
        network (``modus="auto"``) becomes layer ``netwerk_auto`` beside the walking network
        (:func:`netwerk_voor_modus`).
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
    adressen
        BAG addresses (``bag-light.gpkg`` of PDOK or an extract; read by
        :func:`~gebiedsplan.bronnen.bag.read_adressen`): the demand points are the residential
        addresses in use, with each buurt's inhabitants spread over its addresses.
    bevolkingsraster
        The CBS 100 m grid (``cbs_vk100_<jaar>_v1.gpkg``; read by
        :func:`~gebiedsplan.bronnen.vierkant.read_bevolkingsraster`): the demand points of the
        buurten without an address (all buurten when no ``adressen`` are given). Without both, the inhabitants are spread over
        each buurt (:func:`gebiedsplan.bronnen.vraag.vraagpunten_from_buurten`).
    buurten
        The buurten layer already in the store (with its provenance), for ``adressen`` and
        ``bevolkingsraster`` in a run without boundaries.
    nabijheid, nabijheid_jaar
        A CSV saved from the CBS StatLine table "Nabijheid voorzieningen; afstand locatie,
        wijk- en buurtcijfers" and the year of its figures (default ``jaar``): layer
        ``nabijheid`` (:func:`gebiedsplan.bronnen.nabijheid.read_nabijheid`). Without it, a
        Wijk- en Buurtkaart in ``grenzen`` that has the columns ``afstand_tot_*`` gives the
        layer (:func:`gebiedsplan.bronnen.pdok.nabijheid_uit_kaart`).
    duo, lrk
        The national registers as downloaded: DUO's basisschool vestigingen
        (``vestigingenbo.csv``, :func:`gebiedsplan.bronnen.duo.read_duo`) and the LRK export
        (``export_opendata_lrk.csv``, :func:`gebiedsplan.bronnen.lrk.read_lrk`). Their rows of the
        gemeente and of the gemeenten in its border buffer (PDOK) are geocoded (PDOK
        Locatieserver, cached) and join the facilities; a place OpenStreetMap has too counts
        once. Rows that cannot be placed are skipped and listed in ``Invoer.niet_geplaatst``.
    inbreng, bijeenkomst, datum
        The pins of one meeting of residents (GeoJSON of the participation map or CSV of paper
        forms; :func:`gebiedsplan.bronnen.inbreng.read_inbreng`), the meeting's name and date
        (required for a CSV, for a GeoJSON they override its header): layer ``inbreng``, the
        pins of other meetings stay.

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
    _add_nabijheid(invoer, nabijheid, jaar=nabijheid_jaar or jaar, getallen=getallen)
    if inbreng is not None:
        from gebiedsplan.bronnen.inbreng import read_inbreng

        invoer.add(
            read_inbreng(
                inbreng,
                gemeentecode=code,
                gemeente_vlak=gemeente_vlak(invoer, vlak),
                bijeenkomst=bijeenkomst,
                datum=datum,
            )
        )
    if voorzieningen or registers or netwerk or groen or groen_raster or duo or lrk:
        vlak = gemeente_vlak(invoer, vlak)
        for p in voorzieningen:
            invoer.add(osm.read_voorzieningen(p, gebied=reikwijdte(vlak, modus)))
        for bestand, koppeling in registers:
            invoer.add(register.read_register(bestand, koppeling=koppeling, gemeente_vlak=vlak))
        if duo is not None or lrk is not None:
            _add_landelijke_registers(invoer, vlak, jaar=jaar, modus=modus, duo=duo, lrk=lrk)
        if netwerk is not None:
            wegen = osm.read_netwerk(
                netwerk, modus=modus, gebied=reikwijdte(vlak, modus), laag=netwerk_laag
            )
            invoer.add(netwerk_voor_modus(wegen, modus))
        if groen is not None:
            invoer.add(osm.read_groen(groen, gebied=vlak))
        if groen_raster is not None:
            invoer.groen_raster = raster.read_groen_raster(groen_raster, gebied=vlak)
    adres, cellen = None, None
    if adressen is not None or bevolkingsraster is not None:
        vlak = gemeente_vlak(invoer, vlak)
        if adressen is not None:
            adres = bag.read_adressen(adressen, gebied=vlak)
        if bevolkingsraster is not None:
            cellen = vierkant.read_bevolkingsraster(bevolkingsraster, gebied=vlak)
    _add_vraagpunten(invoer, adressen=adres, raster=cellen, buurten=buurten)
    if "groen" in invoer.lagen:
        _add_groen_raster(invoer, gemeente_vlak(invoer, vlak))
    return invoer


def _add_nabijheid(
    invoer: Invoer, bestand: Path | None, *, jaar: int, getallen: str | None
) -> None:
    """The layer ``nabijheid``: from the StatLine file when one is given, else from the
    columns ``afstand_tot_*`` of the Wijk- en Buurtkaart read in this run (when it has them)."""
    if bestand is not None:
        invoer.add(
            nabijheid.read_nabijheid(
                bestand, gemeentecode=invoer.gemeentecode, jaar=jaar, getallen=getallen
            )
        )
        return
    kaart = {naam: invoer.lagen[naam] for naam in pdok.LAGEN if naam in invoer.lagen}
    if kaart:
        laag = pdok.nabijheid_uit_kaart(kaart, gemeentecode=invoer.gemeentecode)
        if laag is not None:
            log.info("CBS Nabijheid uit de Wijk- en Buurtkaart: %s", laag.herkomst.bron)
            invoer.add(laag)


def _nabijheid_online(invoer: Invoer, *, jaar: int, nabijheid_jaar: int | None) -> None:
    """``ophalen``: CBS Nabijheid from the Wijk- en Buurtkaart when PDOK gave its columns
    ``afstand_tot_*``, else from the StatLine table of ``nabijheid_jaar`` (default the most
    recent at or before ``jaar``). A synthetic gemeente has no CBS figures; a table that cannot
    be fetched is a warning, not a failed ``ophalen`` (Nabijheid is the yardstick of
    ``vergelijk-cbs``, no layer the analyses need)."""
    kaart = {naam: invoer.lagen[naam] for naam in pdok.LAGEN if naam in invoer.lagen}
    laag = pdok.nabijheid_uit_kaart(kaart, gemeentecode=invoer.gemeentecode) if kaart else None
    if laag is not None and nabijheid_jaar is None:
        log.info("CBS Nabijheid uit de Wijk- en Buurtkaart: %s", laag.herkomst.bron)
        invoer.add(laag)
        return
    if any(h.synthetisch for lg in kaart.values() for h in lg.herkomst.per_bron()):
        log.info("Geen CBS Nabijheid: de wijken en buurten zijn synthetisch")
        return
    try:
        jaar_cijfers = nabijheid_jaar or nabijheid.nabijheid_jaar(jaar)
        invoer.add(nabijheid.fetch_nabijheid(invoer.gemeentecode, jaar=jaar_cijfers))
    except BronError as exc:
        log.warning(
            "CBS Nabijheid niet opgehaald (%s). De lagen zonder Nabijheid worden wel bewaard; "
            "vergelijk-cbs heeft dan geen CBS-cijfers. Sla de tabel op van StatLine en gebruik "
            "'gebiedsplan importeer --nabijheid BESTAND'.",
            exc,
        )


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
    vraagpunten: str = "adressen",
    nabijheid: bool = True,
    nabijheid_jaar: int | None = None,
    landelijke_registers: bool = True,
) -> Invoer:
    """Fetch every layer of a gemeente from the online sources (PDOK, CBS, RIVM, OpenStreetMap,
    DUO, the LRK).

    Answers are cached in ``settings.cache_dir``; nothing is written to the store yet. The
    street network is the one of ``modus``: with ``auto`` the car network, as layer
    ``netwerk_auto`` beside the walking network (:func:`netwerk_voor_modus`); the border buffer
    of the network and the facilities is that of ``modus`` (``grensbuffer.yml``).

    The demand points (``vraagpunten``, :data:`VRAAGPUNT_METHODEN`): with ``"adressen"`` (the
    default) the residential addresses of the BAG (PDOK), the CBS 100 m grid for the buurten
    without an address, the spread over the buurt for a buurt with neither; with ``"raster"``
    the grid first; with ``"buurten"`` only the spread. A service that fails is reported (log
    and the layer's provenance) and the next method taken.

    With ``nabijheid`` (the default) the layer ``nabijheid`` (CBS Nabijheid, the yardstick of
    ``vergelijk-cbs``): from the Wijk- en Buurtkaart's columns ``afstand_tot_*`` when PDOK gives
    them, else from the StatLine Nabijheid table of ``nabijheid_jaar`` (default the most recent
    at or before ``jaar``); a table that cannot be fetched is a warning, not a failure.

    With ``landelijke_registers`` (the default) the national registers join the facilities:
    DUO's basisschool vestigingen and the LRK's day care (KDV, BSO), of the gemeente and its
    border buffer, geocoded with the PDOK Locatieserver (cached); a place OpenStreetMap has too
    counts once (``Invoer.ontdubbeld``), rows that cannot be placed are listed
    (``Invoer.niet_geplaatst``). A register that cannot be fetched is a warning
    (``Invoer.meldingen``): the rows it gave before stay in the store.

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
    if nabijheid:
        _nabijheid_online(invoer, jaar=jaar, nabijheid_jaar=nabijheid_jaar)
    if osm_lagen:
        vlak = gemeente_vlak(invoer)
        invoer.add(osm.fetch_voorzieningen(reikwijdte(vlak, modus), naam=code))
        invoer.add(osm.fetch_groen(vlak, naam=code))
        wegen = osm.fetch_netwerk(reikwijdte(vlak, modus), modus=modus, naam=code)
        invoer.add(netwerk_voor_modus(wegen, modus))
    if landelijke_registers:
        _add_landelijke_registers(invoer, gemeente_vlak(invoer), jaar=jaar, modus=modus)
    _vraagpunten_online(invoer, jaar=jaar, methode=vraagpunten)
    _add_groen_raster(invoer, gemeente_vlak(invoer))
    return invoer


def _add_landelijke_registers(
    invoer: Invoer,
    vlak: shapely.Geometry,
    *,
    jaar: int,
    modus: str,
    duo: Path | None = None,
    lrk: Path | None = None,
) -> None:
    """DUO and LRK facilities of the gemeente and its border buffer: from the files given
    (``importeer``; a file that cannot be read refuses the import), or online when neither is
    given (``ophalen``; a register that cannot be fetched is a warning and a line in
    ``invoer.meldingen``, and its earlier rows stay in the store)."""
    gebied = reikwijdte(vlak, modus)
    code = invoer.gemeentecode
    online = duo is None and lrk is None
    try:
        gemeenten = gemeenten_rond(gebied, jaar=jaar)
    except BronError as exc:
        if not online:
            raise
        _meld(invoer, f"DUO en LRK niet opgehaald: de buurgemeenten zijn niet te bepalen ({exc})")
        return
    if not online:
        if duo is not None:
            invoer.add(
                bron_duo.read_duo(
                    duo, gemeentecode=code, gebied=gebied, jaar=jaar, gemeenten=gemeenten
                )
            )
        if lrk is not None:
            invoer.add(
                bron_lrk.read_lrk(
                    lrk, gemeentecode=code, gebied=gebied, jaar=jaar, gemeenten=gemeenten
                )
            )
        return
    for naam, ophalen in (("DUO", bron_duo.fetch_duo), ("LRK", bron_lrk.fetch_lrk)):
        try:
            invoer.add(ophalen(code, gebied=gebied, jaar=jaar, gemeenten=gemeenten))
        except GebiedsplanError as exc:
            _meld(
                invoer,
                f"{naam} niet opgehaald; de voorzieningen van {naam} uit een eerdere run blijven "
                f"staan. {exc}",
            )


def _meld(invoer: Invoer, tekst: str) -> None:
    log.warning("%s", tekst)
    invoer.meldingen.append(tekst)


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
