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
from gebiedsplan.bronnen.momentopname import momentopname
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
    #: The year of this run (``--jaar``: of the boundaries and key figures, and of the
    #: facilities: an older year than the store's goes to the snapshots, :func:`jaarlagen`);
    #: None when not given.
    jaar: int | None = None
    #: What happened to the years (:func:`jaarlagen`): e.g. an older year that went only into
    #: the trend layers; for the summary.
    jaren: list[str] = field(default_factory=list)

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
    nodig = (
        max((n.max_afstand_m for n in load_catalogus().normen.values()), default=0)
        + settings.max_snap_m
    )
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
    jaar: int | None = None,
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
    opslag_jaar: int | None = None,
) -> Invoer:
    """Read downloaded files of a gemeente into validated layers (nothing is written yet).

    Parameters
    ----------
    gemeentecode
        CBS code, e.g. ``GM0202``.
    jaar
        Year of the boundaries and key figures; needed for ``grenzen``, ``kerncijfers``,
        ``gezondheid`` (without ``gezondheid_jaar``), ``nabijheid`` (without
        ``nabijheid_jaar``), ``duo`` and ``lrk``. Older than the store's year: the figures
        and boundaries go only to the layers of several years (:func:`jaarlagen`).
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
    opslag_jaar
        The year of the store's current layers (:func:`opgeslagen_jaar`): a run of an older
        ``jaar`` only adds to the layers of several years, so it makes no demand points; its
        facilities and accommodations become the snapshot of that year
        (``voorzieningen_jaren``, :func:`jaarlagen`) instead of the current layers.

    Returns
    -------
    Invoer
    """
    code = check_gemeentecode(gemeentecode)
    zonder_jaar = [
        optie
        for optie, nodig in (
            ("--grenzen", bool(grenzen)),
            ("--kerncijfers", bool(kerncijfers)),
            (
                "--gezondheid (zonder --gezondheid-jaar)",
                gezondheid is not None and not gezondheid_jaar,
            ),
            ("--nabijheid (zonder --nabijheid-jaar)", nabijheid is not None and not nabijheid_jaar),
            ("--duo", duo is not None),
            ("--lrk", lrk is not None),
        )
        if nodig
    ]
    if zonder_jaar and jaar is None:
        raise GebiedsplanError(
            f"{', '.join(zonder_jaar)} horen bij een jaar: geef --jaar (het jaar van de grenzen "
            "en kerncijfers, bv. --jaar 2024)."
        )
    invoer = Invoer(code, jaar=jaar)
    if grenzen:
        assert jaar is not None
        pad: Path | list[Path] = grenzen[0] if len(grenzen) == 1 else list(grenzen)
        for laag in pdok.read_wijken_buurten(pad, gemeentecode=code, jaar=jaar).values():
            invoer.add(laag)
    if kerncijfers:
        assert jaar is not None
        _add_kerncijfers(
            invoer,
            [
                cbs.read_kerncijfers(p, gemeentecode=code, jaar=jaar, getallen=getallen)
                for p in kerncijfers
            ],
        )
    if gezondheid is not None:
        gezondheid_jaar = gezondheid_jaar or jaar
        assert gezondheid_jaar is not None
        invoer.add(
            rivm.read_gezondheid(
                gezondheid, gemeentecode=code, jaar=gezondheid_jaar, getallen=getallen
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
            assert jaar is not None
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
    if jaar is None or opslag_jaar is None or jaar >= opslag_jaar:
        _add_vraagpunten(invoer, adressen=adres, raster=cellen, buurten=buurten)
    if "groen" in invoer.lagen:
        _add_groen_raster(invoer, gemeente_vlak(invoer, vlak))
    return invoer


def _add_nabijheid(
    invoer: Invoer, bestand: Path | None, *, jaar: int | None, getallen: str | None
) -> None:
    """The layer ``nabijheid``: from the StatLine file when one is given, else from the
    columns ``afstand_tot_*`` of the Wijk- en Buurtkaart read in this run (when it has them)."""
    if bestand is not None:
        assert jaar is not None  # import_files asks --jaar first
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
    alleen_cijfers: bool = False,
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

    With ``alleen_cijfers`` (``ophalen`` of a year older than the store's): only the boundaries
    and key figures of ``jaar`` and, when ``gezondheid_jaar`` is given, that health year; they go
    to the layers of several years (:func:`jaarlagen`), nothing else is fetched.

    Examples
    --------
    >>> invoer = fetch_online("GM0202", jaar=2024)  # doctest: +SKIP
    >>> sorted(invoer.lagen)  # doctest: +SKIP
    ['buurten', 'gezondheid', 'groen', 'netwerk', 'voorzieningen', 'vraagpunten', 'wijken']
    """
    code = check_gemeentecode(gemeentecode)
    invoer = Invoer(code, jaar=jaar)
    for laag in pdok.fetch_wijken_buurten(code, jaar=jaar).values():
        invoer.add(laag)
    _add_kerncijfers(invoer, [cbs.fetch_kerncijfers(code, jaar=jaar)])
    if alleen_cijfers:
        if gezondheid_jaar is not None:
            invoer.add(rivm.fetch_gezondheid(code, jaar=gezondheid_jaar))
        return invoer
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


# --- several years (issue 15) ------------------------------------------------------------------
#
# Every import of key figures or health figures also writes them, per buurt, into the long layer
# ``kerncijfers_jaren`` (jaar, indeling, buurtcode, indicator, waarde); adding a year replaces only
# that year's rows (gebiedsplan.store.PER_JAAR). The current layers (wijken, buurten, vraagpunten,
# gezondheid) hold the newest year: a run of an *older* year than the store's leaves them as they
# are and adds its buurt polygons to ``buurten_indeling`` instead, so gebiedsplan.analyse.trend
# can carry its figures to the current buurten. When a newer year replaces buurten whose codes or
# borders differ, the old polygons move to ``buurten_indeling`` for the years that used them.

#: Suffix of a health indicator in kerncijfers_jaren per age group (``eenzaam_18plus``).
LEEFTIJD_ACHTERVOEGSEL = {"18+": "18plus", "65+": "65plus"}
#: Two buurt layers with the same codes whose borders differ by less than this share of their
#: area count as the same indeling.
ZELFDE_INDELING_AANDEEL = 0.005


def _jaar_uit(tekst: str) -> int | None:
    import re

    jaren = [int(j) for j in re.findall(r"(?<!\d)(19\d{2}|20\d{2})(?!\d)", tekst)]
    return max(jaren) if jaren else None


def opgeslagen_jaar(gpkg: Path) -> int | None:
    """The year of the current layers of a store: the newest year of ``kerncijfers_jaren``,
    else the newest year named in the provenance (peildatum) of ``buurten``; None without."""
    if not gpkg.exists():
        return None
    import pyogrio

    aanwezig = {str(rij[0]) for rij in pyogrio.list_layers(gpkg)}
    if "kerncijfers_jaren" in aanwezig:
        kern = load_lagen(gpkg, lagen=["kerncijfers_jaren"])[0]["kerncijfers_jaren"]
        if not kern.empty:
            return int(kern["jaar"].max())
    if "buurten" in aanwezig:
        herkomst = load_lagen(gpkg, lagen=["buurten"])[1]["buurten"]
        return _jaar_uit(herkomst.peildatum or "")
    return None


def _kerncijfer_rijen(
    buurten: pd.DataFrame, *, jaar: int, indeling: int, bron: str
) -> pd.DataFrame:
    """The catalogue key figures (cbs.yml ``kerncijfers.kolommen``) of a buurten layer, long."""
    kolommen = [
        k
        for k in load_cbs_config()["kerncijfers"]["kolommen"]
        if k in buurten.columns and pd.to_numeric(buurten[k], errors="coerce").notna().any()
    ]
    if not kolommen:
        return pd.DataFrame()
    breed = buurten[kolommen].apply(pd.to_numeric, errors="coerce").astype(float)
    breed.index = breed.index.astype(str).rename("buurtcode")
    lang = breed.reset_index().melt(id_vars="buurtcode", var_name="indicator", value_name="waarde")
    return lang.assign(jaar=jaar, indeling=indeling, bron=bron)


def _gezondheid_rijen(gezondheid: pd.DataFrame, *, indeling: int, bron: str) -> pd.DataFrame:
    """The buurt figures of a health layer, long, as ``<indicator>_18plus`` / ``_65plus``."""
    rijen = gezondheid[gezondheid["code"].astype(str).str.startswith("BU")]
    if rijen.empty:
        return pd.DataFrame()
    leeftijd = rijen["leeftijd"].map(LEEFTIJD_ACHTERVOEGSEL)
    return pd.DataFrame(
        {
            "buurtcode": rijen["code"].astype(str).to_numpy(),
            "indicator": (rijen["indicator"].astype(str) + "_" + leeftijd).to_numpy(),
            "waarde": pd.to_numeric(rijen["waarde"], errors="coerce").astype(float).to_numpy(),
            "jaar": rijen["jaar"].astype(int).to_numpy(),
            "indeling": indeling,
            "bron": bron,
        }
    ).dropna(subset=["indicator"])


def _zelfde_indeling(oud: pd.DataFrame, nieuw: pd.DataFrame) -> bool:
    if set(map(str, oud.index)) != set(map(str, nieuw.index)):
        return False
    oud_g = oud.geometry.sort_index()
    nieuw_g = nieuw.geometry.reindex(oud_g.index)
    verschil = shapely.symmetric_difference(oud_g.to_numpy(), nieuw_g.to_numpy())
    totaal = float(shapely.area(nieuw_g.to_numpy()).sum())
    return totaal > 0 and float(shapely.area(verschil).sum()) <= ZELFDE_INDELING_AANDEEL * totaal


def _indeling_vlakken(buurten: pd.DataFrame, indelingen: Sequence[int]) -> pd.DataFrame:
    """Buurt polygons as rows of ``buurten_indeling``, once per indeling."""
    import geopandas as gpd

    delen = []
    for indeling in indelingen:
        deel = buurten[
            [k for k in ("buurtnaam", "wijkcode") if k in buurten.columns] + ["geometry"]
        ].copy()
        deel.index = deel.index.astype(str)
        deel = deel.rename_axis("buurtcode").reset_index()
        deel["indeling"] = int(indeling)
        deel["id"] = deel["indeling"].astype(str) + ":" + deel["buurtcode"]
        delen.append(deel.set_index("id"))
    return gpd.GeoDataFrame(pd.concat(delen), geometry="geometry", crs=buurten.crs)


def _kern_laag(rijen: pd.DataFrame, herkomst: Herkomst, *, bron: str) -> Laag:
    from gebiedsplan._validate import validate_laag

    rijen = rijen.assign(
        id=rijen["jaar"].astype(str) + ":" + rijen["buurtcode"] + ":" + rijen["indicator"]
    ).set_index("id")
    kolommen = ["jaar", "indeling", "buurtcode", "indicator", "waarde", "bron"]
    data = validate_laag(
        rijen[kolommen], "kerncijfers_jaren", bron=bron, catalogus=load_catalogus()
    )
    return Laag("kerncijfers_jaren", data, herkomst)


def jaarlagen(invoer: Invoer, *, opslag: Path) -> None:
    """Put the figures of this run into the layers of several years, before writing.

    - The key figures of the buurten of this run (``invoer.jaar``) and the buurt figures of a
      health layer become rows of ``kerncijfers_jaren`` (indicators: the catalogue columns of
      cbs.yml; health as ``<indicator>_18plus``/``_65plus``), in the indeling of their source.
    - A run of an older year than the store's (:func:`opgeslagen_jaar`) does not replace the
      current wijken, buurten and vraagpunten: its buurt polygons go to ``buurten_indeling``.
      An older health year than the stored ``gezondheid`` likewise leaves that layer as it is.
    - Newer buurten with other codes or borders than the stored ones: the stored polygons go
      to ``buurten_indeling`` for the indelingen of ``kerncijfers_jaren`` that used them, so
      their years can still be carried to the new buurten.
    - Facilities and accommodations of an older year than the store's do not replace the
      current ``voorzieningen`` and ``accommodaties``: they become the snapshot of that year in
      ``voorzieningen_jaren`` (:func:`momentopname`); the rows of that year from other sources
      stay.

    What happened is said in ``invoer.jaren``.
    """
    huidig = opgeslagen_jaar(opslag)
    delen: list[pd.DataFrame] = []
    herkomsten: list[Herkomst] = []
    vlakken: list[pd.DataFrame] = []
    buurten = invoer.lagen.get("buurten")
    if buurten is not None and invoer.jaar is not None:
        rijen = _kerncijfer_rijen(
            buurten.data, jaar=invoer.jaar, indeling=invoer.jaar, bron=buurten.herkomst.bron
        )
        if not rijen.empty:
            delen.append(rijen)
            herkomsten.append(buurten.herkomst)
        if huidig is not None and invoer.jaar < huidig:
            vlakken.append(_indeling_vlakken(buurten.data, [invoer.jaar]))
            for naam in ("wijken", "buurten", "vraagpunten"):
                invoer.lagen.pop(naam, None)
            invoer.jaren.append(
                f"Jaar {invoer.jaar} is ouder dan de huidige lagen ({huidig}): de kerncijfers "
                f"({len(rijen.drop_duplicates('indicator')) if not rijen.empty else 0} "
                "indicatoren) staan nu in laag kerncijfers_jaren en de buurtgrenzen in "
                f"buurten_indeling (indeling {invoer.jaar}); wijken, buurten en vraagpunten "
                f"blijven die van {huidig}."
            )
        elif opslag.exists():
            vlakken += _verhuis_oude_buurten(buurten.data, opslag, invoer)
    gezondheid = invoer.lagen.get("gezondheid")
    if gezondheid is not None:
        indeling = _jaar_uit(gezondheid.herkomst.indeling or "")
        jaren = sorted(int(j) for j in gezondheid.data["jaar"].unique())
        rijen = _gezondheid_rijen(
            gezondheid.data, indeling=indeling or jaren[-1], bron=gezondheid.herkomst.bron
        )
        if not rijen.empty:
            delen.append(rijen)
            herkomsten.append(gezondheid.herkomst)
        oud = _opgeslagen_gezondheidsjaar(opslag)
        if oud is not None and jaren[-1] < oud:
            invoer.lagen.pop("gezondheid")
            invoer.jaren.append(
                f"Gezondheidsmonitor {jaren[-1]} is ouder dan die in de laagopslag ({oud}): "
                "de buurtcijfers staan nu in laag kerncijfers_jaren; laag gezondheid blijft "
                f"die van {oud}."
            )
    _oude_voorzieningen(invoer, opslag=opslag, huidig=huidig)
    if delen:
        rijen = pd.concat(delen, ignore_index=True)
        invoer.lagen["kerncijfers_jaren"] = _kern_laag(
            rijen, combine_herkomst(herkomsten), bron=", ".join(h.bron for h in herkomsten)
        )
        for jaar, groep in rijen.groupby("jaar"):
            invoer.jaren.append(
                f"Laag kerncijfers_jaren: jaar {jaar}, {groep['indicator'].nunique()} "
                f"indicatoren van {groep['buurtcode'].nunique()} buurten (andere jaren blijven)."
            )
    if vlakken:
        import geopandas as gpd

        samen = gpd.GeoDataFrame(pd.concat(vlakken), geometry="geometry", crs=vlakken[0].crs)
        herkomst = buurten.herkomst if buurten is not None else herkomsten[0]
        invoer.lagen["buurten_indeling"] = Laag("buurten_indeling", samen, herkomst)


def _opgeslagen_gezondheidsjaar(gpkg: Path) -> int | None:
    if not gpkg.exists():
        return None
    import pyogrio

    if "gezondheid" not in {str(rij[0]) for rij in pyogrio.list_layers(gpkg)}:
        return None
    data = load_lagen(gpkg, lagen=["gezondheid"])[0]["gezondheid"]
    return int(data["jaar"].max()) if not data.empty else None


def _verhuis_oude_buurten(nieuw: pd.DataFrame, gpkg: Path, invoer: Invoer) -> list[pd.DataFrame]:
    """The stored buurten as rows of buurten_indeling when newer buurten with other codes or
    borders replace them, for the indelingen of kerncijfers_jaren without polygons."""
    import pyogrio

    aanwezig = {str(rij[0]) for rij in pyogrio.list_layers(gpkg)}
    if "buurten" not in aanwezig or "kerncijfers_jaren" not in aanwezig:
        return []
    lagen = load_lagen(
        gpkg,
        lagen=["buurten", "kerncijfers_jaren"]
        + (["buurten_indeling"] if "buurten_indeling" in aanwezig else []),
    )[0]
    oud = lagen["buurten"]
    if _zelfde_indeling(oud, nieuw):
        return []
    met_vlakken = (
        set(lagen["buurten_indeling"]["indeling"].astype(int))
        if "buurten_indeling" in lagen
        else set()
    )
    codes = set(map(str, oud.index))
    kern = lagen["kerncijfers_jaren"]
    nodig = sorted(
        int(str(indeling))
        for indeling, groep in kern.groupby("indeling")
        if int(str(indeling)) not in met_vlakken and set(groep["buurtcode"]) <= codes
    )
    if not nodig:
        return []
    invoer.jaren.append(
        "De nieuwe buurtgrenzen verschillen van de opgeslagen; die gaan naar laag "
        f"buurten_indeling (indeling {', '.join(map(str, nodig))}) zodat de cijfers van die "
        "jaren naar de nieuwe buurten gebracht kunnen worden."
    )
    return [_indeling_vlakken(oud, nodig)]


# --- snapshots of facilities and accommodations (issue 15) ---------------------------------------
#
# The layer ``voorzieningen_jaren`` holds per year the facilities and, per catalogue category
# it offers, every accommodation in use: what ``effective_voorzieningen`` counts that year. A
# snapshot is made from the store's current layers ('gebiedsplan momentopname') or by importing
# facilities of an older year than the store's (they go there instead of the current layers).
# The trend counts its points per current buurt (gebiedsplan.analyse.trend).


def momentopname_jaar(herkomsten: Sequence[Herkomst], *, waar: str = "") -> int:
    """The year a snapshot describes by default: the newest year named in the ``peildatum`` of
    the sources of ``herkomsten`` (:meth:`Herkomst.per_bron`).

    Raises
    ------
    GebiedsplanError
        When no source names a year: never a silent "this year"; give ``--jaar``.

    Examples
    --------
    >>> osm = Herkomst("OpenStreetMap", "2025-05-01", "ODbL 1.0", peildatum="2025-04-30")
    >>> iab = Herkomst("IAB-register", "2025-01-01", "CC0", peildatum="2024")
    >>> momentopname_jaar([osm, iab])
    2025
    """
    jaren = [
        jaar
        for h in herkomsten
        for deel in h.per_bron()
        if (jaar := _jaar_uit(deel.peildatum or "")) is not None
    ]
    if not jaren:
        bronnen = "; ".join(dict.fromkeys(d.bron for h in herkomsten for d in h.per_bron()))
        raise GebiedsplanError(
            f"Geen jaar voor de momentopname{waar}: de bronnen ({bronnen or 'geen'}) noemen "
            "geen peildatum met een jaar. Geef het jaar dat de lagen beschrijven met --jaar "
            "(bv. --jaar 2024)."
        )
    return max(jaren)


def maak_momentopname(gpkg: str | Path, *, jaar: int | None = None) -> tuple[Laag, Importverslag]:
    """Copy a store's current ``voorzieningen`` and ``accommodaties`` into
    ``voorzieningen_jaren`` as the snapshot of ``jaar``; the other years stay (a snapshot of
    the same year is replaced).

    Parameters
    ----------
    gpkg
        The store's GeoPackage.
    jaar
        The year; default :func:`momentopname_jaar` of the two layers' provenance.

    Returns
    -------
    tuple of Laag and Importverslag
        The snapshot written and the row counts per year before and after.

    Raises
    ------
    GebiedsplanError
        No store, no facilities, or no year (see :func:`momentopname_jaar`).

    Examples
    --------
    >>> import shutil, tempfile
    >>> from pathlib import Path
    >>> from gebiedsplan.importeren import demo_gemeente
    >>> kopie = Path(tempfile.mkdtemp()) / "GM9999.gpkg"
    >>> _ = shutil.copy(demo_gemeente().opslag, kopie)
    >>> laag, verslag = maak_momentopname(kopie, jaar=2025)
    >>> jaren = load_lagen(kopie, lagen=["voorzieningen_jaren"])[0]["voorzieningen_jaren"]["jaar"]
    >>> sorted(jaren.unique().tolist()), len(laag.data)
    ([2022, 2024, 2025], 172)
    """
    import pyogrio

    gpkg = Path(gpkg)
    if not gpkg.exists():
        raise GebiedsplanError(
            f"Laagopslag {gpkg} bestaat niet; importeer eerst de lagen van de gemeente "
            "(gebiedsplan ophalen of importeer)."
        )
    aanwezig = {str(rij[0]) for rij in pyogrio.list_layers(gpkg)}
    namen: list[str] = [n for n in ("voorzieningen", "accommodaties") if n in aanwezig]
    if "voorzieningen" not in namen:
        raise GebiedsplanError(
            f"Laagopslag {gpkg} heeft geen laag voorzieningen; importeer die eerst "
            "(gebiedsplan importeer --voorzieningen ...)."
        )
    lagen, herkomst = load_lagen(gpkg, lagen=namen)
    if jaar is None:
        jaar = momentopname_jaar([herkomst[n] for n in namen], waar=f" van {gpkg}")
    laag = momentopname(
        Laag("voorzieningen", lagen["voorzieningen"], herkomst["voorzieningen"]),
        Laag("accommodaties", lagen["accommodaties"], herkomst["accommodaties"])
        if "accommodaties" in lagen
        else None,
        jaar=jaar,
    )
    verslag = update_lagen(gpkg, {laag.naam: laag.data}, {laag.naam: laag.herkomst})
    return laag, verslag


def _oude_voorzieningen(invoer: Invoer, *, opslag: Path, huidig: int | None) -> None:
    """Facilities and accommodations of an older year than the store's: the snapshot of that
    year in ``voorzieningen_jaren`` instead of the current layers; the stored rows of that
    year from other sources stay (importing OpenStreetMap and a register of 2019 in two runs
    gives one snapshot)."""
    if invoer.jaar is None or huidig is None or invoer.jaar >= huidig:
        return
    voorzieningen = invoer.lagen.pop("voorzieningen", None)
    accommodaties = invoer.lagen.pop("accommodaties", None)
    if voorzieningen is None and accommodaties is None:
        return
    nieuw = momentopname(voorzieningen, accommodaties, jaar=invoer.jaar)
    data = nieuw.data
    import pyogrio

    if opslag.exists() and "voorzieningen_jaren" in {
        str(rij[0]) for rij in pyogrio.list_layers(opslag)
    }:
        oud = load_lagen(opslag, lagen=["voorzieningen_jaren"])[0]["voorzieningen_jaren"]
        houden = oud[(oud["jaar"] == invoer.jaar) & ~oud["bron"].isin(set(data["bron"]))]
        houden = houden[~houden.index.isin(data.index)]
        if len(houden):
            data = pd.concat([houden, data])
    invoer.lagen["voorzieningen_jaren"] = Laag("voorzieningen_jaren", data, nieuw.herkomst)
    delen = [
        f"{len(laag.data)} {naam}"
        for naam, laag in (("voorzieningen", voorzieningen), ("accommodaties", accommodaties))
        if laag is not None
    ]
    invoer.jaren.append(
        f"Jaar {invoer.jaar} is ouder dan de huidige lagen ({huidig}): {' en '.join(delen)} "
        f"staan nu als momentopname {invoer.jaar} in laag voorzieningen_jaren "
        f"({len(data)} punten, andere jaren blijven); voorzieningen en accommodaties blijven "
        f"die van {huidig}."
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
    jaarlagen(invoer, opslag=gpkg)
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
