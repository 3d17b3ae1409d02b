"""The ``gebiedsplan`` command: thin over the Python API, Dutch for the people who use it.

No exception reaches a user as a Python traceback: a :class:`GebiedsplanError` (bad input, a
full disk, a read-only folder) is a Dutch "Fout: ..." and exit code 1; anything else is an
"Onverwachte fout" with its one-line text, a request to report it, and exit code 3
(``GEBIEDSPLAN_DEBUG=1`` shows the traceback instead). The files one command writes land
together (:func:`gebiedsplan._io.atomic_batch`): a run that fails halfway leaves the earlier
outputs as they were.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.logging import RichHandler
from rich.markup import escape
from rich.table import Table
from typer.core import TyperGroup

from gebiedsplan import settings
from gebiedsplan._io import atomic_batch, os_fout_tekst
from gebiedsplan._tekst import getal
from gebiedsplan._version import __version__
from gebiedsplan.errors import GebiedsplanError

if TYPE_CHECKING:
    from gebiedsplan.gemeente import Gemeente

#: Exit code of a refusal (bad input, a full disk, ...); Click's usage errors are 2.
CODE_FOUT = 1
#: Exit code of an unexpected error (a bug in gebiedsplan): a different code, so a script can
#: tell it from a refusal.
CODE_ONVERWACHT = 3


class _VeiligeGroep(TyperGroup):
    """The commands with a last line of defence: every exception becomes a Dutch message and a
    non-zero exit code, never a traceback (unless ``GEBIEDSPLAN_DEBUG=1``)."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, typer.TyperException):
            raise
        except GebiedsplanError as exc:
            raise _fail(exc) from None
        except OSError as exc:  # a file the library did not check first
            raise _fail(_os_fout(exc)) from None
        except Exception as exc:
            if _debug():
                raise
            raise _onverwacht(exc) from None


app = typer.Typer(
    name="gebiedsplan",
    cls=_VeiligeGroep,
    help=(
        "gebiedsplan: kaarten, hiatentabellen en gebiedsplannen voor het sociaal domein van een "
        "gemeente. Begin met 'gebiedsplan demo' (synthetische demogemeente, werkt offline)."
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,  # never a traceback for users (GEBIEDSPLAN_DEBUG=1 shows it)
)
console = Console()

UitvoerOptie = Annotated[
    Path, typer.Option("--uitvoer", help="Map voor tabellen (CSV, Excel) en GeoPackage.")
]
KaartOptie = Annotated[Path, typer.Option("--kaarten", help="Map voor de HTML-kaarten.")]
UitgebreidOptie = Annotated[
    bool, typer.Option("--uitgebreid", "-v", help="Toon ook de logregels van de bibliotheek.")
]


def _setup_logging(uitgebreid: bool) -> None:
    logging.basicConfig(
        level=logging.INFO if uitgebreid else logging.WARNING,
        format="%(message)s",
        handlers=[RichHandler(console=console, show_path=False)],
        force=True,
    )


def _version(value: bool) -> None:
    if value:
        console.print(f"gebiedsplan {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    versie: Annotated[
        bool, typer.Option("--versie", callback=_version, is_eager=True, help="Toon de versie.")
    ] = False,
) -> None:
    """gebiedsplan: GIS voor het sociaal domein."""


def _fail(exc: Exception) -> typer.Exit:
    console.print(f"[bold red]Fout:[/bold red] {escape(str(exc))}", highlight=False)
    console.print("Er is niets (half) weggeschreven.")
    return typer.Exit(code=CODE_FOUT)  # 2 is what Click uses for usage errors


def _os_fout(exc: OSError) -> GebiedsplanError:
    """An operating-system error no reader turned into a message: the file and what it means."""
    naam = os.fsdecode(exc.filename) if isinstance(exc.filename, str | bytes) else None
    wat = f"{naam}: {os_fout_tekst(exc)}" if naam else os_fout_tekst(exc)
    return GebiedsplanError(f"{wat}. Controleer het pad, de rechten en de vrije schijfruimte.")


def _onverwacht(exc: BaseException) -> typer.Exit:
    """An error that is no user's fault: one line of it, a request to report it, no traceback."""
    regels = str(exc).strip().splitlines()
    tekst = f"{type(exc).__name__}: {regels[0]}" if regels else type(exc).__name__
    console.print(
        f"[bold red]Onverwachte fout:[/bold red] {escape(tekst)}",
        highlight=False,
    )
    console.print(
        "Dit is waarschijnlijk een fout in gebiedsplan zelf. Meld het aan de beheerders van "
        "gebiedsplan, met de opdracht die u gaf en deze melding; draai de opdracht opnieuw met "
        "GEBIEDSPLAN_DEBUG=1 om de details (traceback) te zien. Er is niets (half) "
        "weggeschreven.",
        highlight=False,
    )
    return typer.Exit(code=CODE_ONVERWACHT)


#: Names of the levels of the gap tables, for the coverage summary.
_NIVEAUNAMEN = {"hiaten": "wijken", "hiaten_buurt": "buurten", "hiaten_gebied": "gebieden"}


def _toon_dekking(analyse: Any, *, max_namen: int = 10) -> None:
    """Who was analysed, which areas got no gap score and why, which facility layers look
    incomplete and which facilities could not be attached: in Dutch, in the summary."""
    from gebiedsplan.analyse.hiaten import summarize_dekking
    from gebiedsplan.analyse.run import count_dekking
    from gebiedsplan.analyse.volledigheid import flagged
    from gebiedsplan.netwerk.aansluiten import MAX_SNAP_M

    totaal = count_dekking(analyse)
    buiten = int(totaal["buiten_selectie"])
    inwoners = int(totaal["inwoners"]) - buiten
    geanalyseerd = int(totaal["geanalyseerd"])
    delen = [
        f"{getal(totaal[k])} {tekst}"
        for k, tekst in (
            ("los_van_netwerk", f"wonen verder dan {MAX_SNAP_M:.0f} m van het wegennet"),
            ("klein_netwerkdeel", "wonen aan een klein los stuk wegennet"),
        )
        if totaal[k] > 0
    ]
    kleur = "green" if not delen else "yellow"
    console.print(
        f"[{kleur}]Geanalyseerd: {getal(geanalyseerd)} van "
        + (
            f"de {getal(inwoners)} inwoners van de gekozen wijken"
            if buiten
            else f"{getal(inwoners)} inwoners"
        )
        + f" ({getal(100 * geanalyseerd / inwoners if inwoners else 0)}%)"
        + (f"; niet geanalyseerd: {'; '.join(delen)}" if delen else "")
        + f".[/{kleur}]"
    )
    if buiten:
        console.print(
            f"{getal(buiten)} inwoners wonen buiten de gekozen wijken (--wijken) en zijn niet "
            "geanalyseerd."
        )
    achtergehouden = []
    for attr, naam in _NIVEAUNAMEN.items():
        tabel = getattr(analyse, attr)
        if tabel is None:
            continue
        dekking = summarize_dekking(tabel)
        zonder = dekking[dekking["dekking"] != "volledig"]
        if len(zonder):
            soorten = zonder["dekking"].value_counts()
            achtergehouden.append(
                f"{len(zonder)} van {len(dekking)} {naam} ("
                + ", ".join(f"{n} {soort}" for soort, n in soorten.items())
                + ")"
            )
    if achtergehouden:
        console.print(
            "[yellow]Geen hiaatscore (te weinig inwoners geanalyseerd) voor "
            + "; ".join(achtergehouden)
            + ". Deze gebieden tellen niet als hiaat; de kolom 'reden' in de tabellen zegt "
            "waarom. "
            + (
                "Gebieden buiten de gekozen wijken (--wijken) zijn niet geanalyseerd."
                if buiten
                else "Beperk de analyse met --wijken tot wijken met een volledig wegennet, of "
                "laad een wegennet dat de hele gemeente dekt."
            )
            + "[/yellow]"
        )
    for _, rij in flagged(analyse.volledigheid).iterrows():
        console.print(
            f"[yellow]Let op, voorzieningenlaag mogelijk onvolledig: {escape(rij['melding'])}"
            "[/yellow]"
        )
    los = analyse.niet_aangesloten
    if los is not None and len(los):
        namen = [
            escape(f"{r['naam']} ({str(r['categorie_label']).lower()}, ")
            + f"{getal(r['afstand_tot_netwerk_m'])} m)"
            for _, r in los.head(max_namen).iterrows()
        ]
        meer = f" en {len(los) - max_namen} meer" if len(los) > max_namen else ""
        console.print(
            f"[yellow]Let op: {len(los)} voorzieningen liggen verder dan {MAX_SNAP_M:.0f} m van "
            f"het wegennet en tellen niet mee voor de afstanden: {', '.join(namen)}{meer}."
            "[/yellow]"
        )


def _dekking_opmerkingen(analyse: Any) -> list[str]:
    """The completeness flags and the facilities not attached, for the Excel notes."""
    from gebiedsplan.analyse.volledigheid import flagged
    from gebiedsplan.publiceren.profiel import publishable_voorzieningen

    regels = [
        f"Voorzieningenlaag mogelijk onvolledig: {m}"
        for m in flagged(analyse.volledigheid)["melding"]
    ]
    los = analyse.niet_aangesloten
    if los is not None and len(los):
        # the Excel is published: a sensitive site is counted, never named
        publiek = publishable_voorzieningen(
            analyse.voorzieningen, accommodaties=analyse.gemeente.accommodaties
        )
        genoemd = los[los.index.isin(publiek.index)]
        andere = len(los) - len(genoemd)
        regels.append(
            f"{len(los)} voorzieningen liggen te ver van het wegennet en tellen niet mee: "
            + ", ".join(
                f"{r['naam']} ({r['categorie_label']}, {getal(r['afstand_tot_netwerk_m'])} m)"
                for _, r in genoemd.iterrows()
            )
            + (f" en {andere} andere" if andere else "")
        )
    return regels


def _laad(gemeente_naam: str | Path, opslag: str | Path | None) -> Gemeente:
    """Load a gemeente; what killed runs left beside its store is removed (clean_stale)."""
    from gebiedsplan._io import clean_stale
    from gebiedsplan.gemeente import load_gemeente

    with console.status("Gemeente laden en lagen controleren..."):
        gemeente = load_gemeente(gemeente_naam, opslag=opslag)
    if gemeente.opslag is not None:
        clean_stale(gemeente.opslag.parent)
    return gemeente


def _products(
    gemeente: Gemeente,
    uitvoer: Path,
    kaarten: Path,
    *,
    wijken: list[str] | None = None,
) -> None:
    """Analysis, gap tables (CSV, Excel, GeoPackage), map and ``index.html``; the files land
    together (:func:`atomic_batch`) or not at all."""
    from gebiedsplan.analyse.hiaten import worst_per_category
    from gebiedsplan.analyse.run import run_analyse
    from gebiedsplan.export import write_hiaten
    from gebiedsplan.kaarten import make_kaart, save_kaart
    from gebiedsplan.publiceren.index import write_index

    console.print(
        f"[green]✓[/green] {gemeente.titel}: {len(gemeente.wijken)} wijken, "
        f"{len(gemeente.buurten)} buurten, {len(gemeente.voorzieningen)} voorzieningen"
    )
    start = time.perf_counter()
    with console.status("Loopafstanden over het netwerk berekenen..."):
        analyse = run_analyse(gemeente, wijken=wijken)
    console.print(
        f"[green]✓[/green] Bereikbaarheid: "
        f"{getal(int(analyse.bereik['geanalyseerd'].sum()))} vraagpunten x "
        f"{analyse.hiaten.index.get_level_values('categorie').nunique()} categorieën op "
        f"{getal(analyse.netwerk.n_knopen)} knopen ({getal(time.perf_counter() - start, 2)} s)"
    )
    with console.status("Tabellen en kaart schrijven..."), atomic_batch():
        meer: dict[str, Any] = {}
        if analyse.hiaten_buurt is not None:
            meer["Hiaten per buurt"] = analyse.hiaten_buurt
        if analyse.hiaten_gebied is not None:
            meer["Hiaten per gebied"] = analyse.hiaten_gebied
        paden = write_hiaten(
            analyse.hiaten,
            gemeente.wijken,
            uitvoer,
            naam=f"hiaten_{gemeente.code}",
            titel=gemeente.titel,
            herkomst=gemeente.herkomst,
            synthetisch=gemeente.synthetisch,
            meer=meer,
            opmerkingen=_dekking_opmerkingen(analyse),
        )
        kaart = save_kaart(
            make_kaart(gemeente, analyse.hiaten, volledigheid=analyse.volledigheid),
            kaarten / f"hiaten_{gemeente.code}.html",
        )
        write_index(kaarten)
    console.print(f"[green]✓[/green] Kaart: {kaart} (overzicht: {kaarten / 'index.html'})")
    for soort, pad in paden.items():
        console.print(f"[green]✓[/green] Hiatentabel ({soort}): {pad}")

    tabel = Table(title=f"Grootste hiaat per voorziening - {gemeente.titel}")
    for kop in ("Voorziening", "Wijk", "Hiaatscore", "Binnen norm", "Inwoners buiten norm"):
        tabel.add_column(kop, justify="left" if kop in ("Voorziening", "Wijk") else "right")
    grootste = worst_per_category(analyse.hiaten)
    for _, rij in grootste.iterrows():
        tabel.add_row(
            f"{rij['categorie_label']} ({rij['norm_afstand_m']:.0f} m)"
            + (" *" if rij["laag_volledigheid"] == "mogelijk onvolledig" else ""),
            str(rij["wijknaam"]),
            f"{rij['hiaatscore']:.0f}",
            f"{100 * rij['aandeel_binnen_norm']:.0f}%",
            getal(int(rij["inwoners_buiten_norm"])),
        )
    if len(grootste):
        console.print(tabel)
        if (grootste["laag_volledigheid"] == "mogelijk onvolledig").any():
            console.print("* voorzieningenlaag mogelijk onvolledig (zie hieronder)")
    else:
        console.print("Geen wijk heeft een hiaatscore: te weinig inwoners geanalyseerd.")
    _toon_dekking(analyse)
    if waarschuwing := gemeente.synthetisch_tekst():
        if not waarschuwing.startswith("Let op"):
            waarschuwing = f"Let op: {waarschuwing[0].lower()}{waarschuwing[1:]}"
        console.print(f"[yellow]{waarschuwing}[/yellow]")


@app.command()
def demo(
    uitvoer: UitvoerOptie = settings.uitvoer_dir,
    kaarten: KaartOptie = settings.maps_dir,
    opslag: Annotated[
        Path, typer.Option("--opslag", help="Map van de laagopslag (GeoPackage per gemeente).")
    ] = settings.store_dir,
    uitgebreid: UitgebreidOptie = False,
) -> None:
    """Maak de synthetische demogemeente Rivierstad en draai alles: lagen, bereikbaarheid, hiatentabel (CSV, Excel, GeoPackage) en kaart. Werkt zonder internet."""  # noqa: E501
    _setup_logging(uitgebreid)
    from dataclasses import replace

    from gebiedsplan._io import staging_dir
    from gebiedsplan.bronnen.demo import build_demo
    from gebiedsplan.gemeente import demo_file
    from gebiedsplan.importeren import save_demo

    begin = time.perf_counter()
    opslag = Path(opslag)
    try:
        # the new store is written beside the old one and read from there; it lands together
        # with the tables and the map, so a run that fails halfway changes nothing
        with staging_dir(opslag) as werk:
            with console.status("Demogemeente Rivierstad (synthetisch) maken..."):
                nieuw = save_demo(build_demo(), werk)
            gpkg = opslag / nieuw.name
            with atomic_batch() as batch:
                for bestand in (nieuw, nieuw.with_name(f"{nieuw.stem}_groen_10m.tif")):
                    batch.add(bestand, opslag / bestand.name)
                console.print(f"[green]✓[/green] Laagopslag: {gpkg} (synthetisch)")
                # the compiled network is kept beside the real store
                _products(replace(_laad(demo_file(), nieuw), opslag=gpkg), uitvoer, kaarten)
    except GebiedsplanError as exc:
        raise _fail(exc) from None
    console.print(f"Klaar in {time.perf_counter() - begin:.1f} s.")


@app.command()
def analyse(
    gemeente: Annotated[
        str, typer.Argument(help="Naam van het gemeentebestand in wijken/ (bv. arnhem) of een pad.")
    ],
    uitvoer: UitvoerOptie = settings.uitvoer_dir,
    kaarten: KaartOptie = settings.maps_dir,
    opslag: Annotated[
        Path | None,
        typer.Option(
            "--opslag", help="GeoPackage van de laagopslag (standaard lagen/store/GMxxxx.gpkg)."
        ),
    ] = None,
    wijken: Annotated[
        str | None,
        typer.Option("--wijken", help="Alleen de inwoners van deze wijken, bv. WK020201,WK020206."),
    ] = None,
    uitgebreid: UitgebreidOptie = False,
) -> None:
    """Draai bereikbaarheid, hiatentabel en kaart voor een gemeente uit de laagopslag."""
    _setup_logging(uitgebreid)
    begin = time.perf_counter()
    try:
        _products(_laad(gemeente, opslag), uitvoer, kaarten, wijken=_parse_wijken(wijken))
    except GebiedsplanError as exc:
        raise _fail(exc) from None
    console.print(f"Klaar in {time.perf_counter() - begin:.1f} s.")


def _parse_wijken(tekst: str | None) -> list[str] | None:
    return [w.strip() for w in tekst.split(",") if w.strip()] if tekst else None


def _toon_vraagpunten(invoer: object) -> None:
    """One line on how the demand points of this run were made (method, per method the points
    and inhabitants) and what fell back or was left out."""
    from gebiedsplan.bronnen.vraag import samenvatting
    from gebiedsplan.importeren import Invoer

    assert isinstance(invoer, Invoer)
    if "vraagpunten" not in invoer.lagen:
        return
    punten = invoer.lagen["vraagpunten"].data
    console.print(escape(samenvatting(punten)))
    for melding in punten.attrs.get("meldingen", []):
        console.print(f"  - {escape(melding)}")


def _toon_invoer(invoer: object, verslag: object) -> None:
    """What was read (per layer and source, with its dates) and what the store now holds:
    the rows per layer and source before and after."""
    from gebiedsplan.bronnen import label_synthetisch
    from gebiedsplan.importeren import Invoer
    from gebiedsplan.store import Importverslag

    assert isinstance(invoer, Invoer) and isinstance(verslag, Importverslag)
    tabel = Table(title="Ingelezen")
    for kop in ("Laag", "Bron", "Gegevens van", "Indeling", "Opgehaald", "Licentie"):
        tabel.add_column(kop)
    for naam, laag in invoer.lagen.items():
        for h in laag.herkomst.per_bron():
            tabel.add_row(
                naam,
                h.bron + label_synthetisch(h),
                h.peildatum or "onbekend",
                h.indeling or "-",
                h.datum,
                h.licentie,
            )
    if invoer.groen_raster is not None:
        waarden, _, h = invoer.groen_raster
        tabel.add_row(
            f"groen (raster 10 m, {waarden.shape[1]} x {waarden.shape[0]})",
            h.bron,
            h.peildatum or "onbekend",
            h.indeling or "-",
            h.datum,
            h.licentie,
        )
    console.print(tabel)
    tellingen = Table(title=f"Laagopslag {verslag.pad}: rijen per laag en bron")
    for kop in ("Laag", "Bron", "Voor", "Na", "Wat er gebeurde"):
        tellingen.add_column(kop, justify="right" if kop in ("Voor", "Na") else "left")
    for laag, bron, voor, na, actie in verslag.tellingen.itertuples(index=False):
        tellingen.add_row(str(laag), str(bron), getal(voor), getal(na), str(actie))
    console.print(tellingen)
    if (verslag.tellingen["actie"] == "behouden").any():
        console.print(
            "Rijen van bronnen die nu niet zijn ingelezen, zijn behouden. Vervang een hele laag "
            "met --vervang LAAG (bv. --vervang voorzieningen)."
        )


def _toon_registers(invoer: object, verslag: object, *, max_rijen: int = 50) -> None:
    """The national registers in the summary: the places in OpenStreetMap and a register that
    now count once (per source pair), the rows that could not be placed (file, row, address,
    reason), and a register that could not be fetched."""
    import pandas as pd

    from gebiedsplan.bronnen.ontdubbelen import tel_paren
    from gebiedsplan.importeren import Invoer
    from gebiedsplan.store import Importverslag

    assert isinstance(invoer, Invoer) and isinstance(verslag, Importverslag)
    for melding in invoer.meldingen:
        console.print(f"[bold]Let op:[/bold] {escape(melding)}")
    paren = pd.concat(
        [df for df in (invoer.ontdubbeld, verslag.ontdubbeld) if not df.empty]
        or [invoer.ontdubbeld]
    )
    if not paren.empty:
        tabel = Table(title="Eén keer geteld: in OpenStreetMap én in een register")
        for kop in ("Weg (OpenStreetMap)", "Blijft (register)", "Plaatsen"):
            tabel.add_column(kop, justify="right" if kop == "Plaatsen" else "left")
        for weg, blijft, aantal in tel_paren(paren).itertuples(index=False):
            tabel.add_row(escape(str(weg)), escape(str(blijft)), getal(aantal))
        console.print(tabel)
        console.print(
            "Regel: zelfde categorie, hoogstens 100 m uit elkaar en (bijna) dezelfde naam "
            "(lagen/catalogus/ontdubbelen.yml); het register wint voor naam, capaciteit en adres."
        )
    if invoer.niet_geplaatst:
        tabel = Table(title="Niet geplaatst en overgeslagen (ontbreken in de analyse)")
        for kop in ("Bestand", "Rij", "Naam", "Adres", "Reden"):
            tabel.add_column(kop, justify="right" if kop == "Rij" else "left", overflow="fold")
        for n in invoer.niet_geplaatst[:max_rijen]:
            tabel.add_row(
                escape(n.bestand), str(n.rij), escape(n.naam), escape(n.adres), escape(n.reden)
            )
        console.print(tabel)
        if len(invoer.niet_geplaatst) > max_rijen:
            console.print(f"… en {len(invoer.niet_geplaatst) - max_rijen} rijen meer (zie het log).")


GemeenteOptie = Annotated[
    str, typer.Option("--gemeente", help="CBS-gemeentecode, bv. GM0202 (Arnhem).")
]
JaarOptie = Annotated[int, typer.Option("--jaar", help="Jaar van grenzen en kerncijfers.")]
ModusOptie = Annotated[
    str,
    typer.Option(
        "--modus",
        help=(
            "Netwerk: lopen (standaard), fietsen of auto. Het autonetwerk komt in laag "
            "netwerk_auto naast het loopnetwerk (voor vergelijk-cbs); lopen en fietsen "
            "vervangen laag netwerk."
        ),
    ),
]
OpslagBestandOptie = Annotated[
    Path | None,
    typer.Option(
        "--opslag", help="GeoPackage van de laagopslag (standaard lagen/store/GMxxxx.gpkg)."
    ),
]
VervangOptie = Annotated[
    list[str] | None,
    typer.Option(
        "--vervang",
        help=(
            "Vervang deze laag helemaal (herhaalbaar), bv. --vervang voorzieningen. Zonder "
            "--vervang vervangen voorzieningen, accommodaties en groen alleen de rijen van de "
            "bronnen die nu worden ingelezen; de rijen van andere bronnen blijven."
        ),
    ),
]


@app.command()
def ophalen(
    gemeente: GemeenteOptie,
    jaar: JaarOptie,
    gezondheid_jaar: Annotated[
        int | None,
        typer.Option(
            "--gezondheid-jaar",
            help="Jaar van de Gezondheidsmonitor (standaard de laatste t/m --jaar).",
        ),
    ] = None,
    zonder_osm: Annotated[
        bool,
        typer.Option(
            "--zonder-osm", help="Geen voorzieningen, groen en netwerk uit OpenStreetMap."
        ),
    ] = False,
    zonder_nabijheid: Annotated[
        bool,
        typer.Option(
            "--zonder-nabijheid",
            help="Geen CBS Nabijheid (de maatstaf van vergelijk-cbs) ophalen.",
        ),
    ] = False,
    zonder_registers: Annotated[
        bool,
        typer.Option(
            "--zonder-registers",
            help=(
                "Geen basisscholen van DUO en kinderopvang (KDV, BSO) van het Landelijk Register "
                "Kinderopvang ophalen (hun adressen worden met de PDOK Locatieserver geplaatst)."
            ),
        ),
    ] = False,
    nabijheid_jaar: Annotated[
        int | None,
        typer.Option(
            "--nabijheid-jaar",
            help=(
                "Jaar van de CBS Nabijheid-tabel op StatLine (standaard: de afstanden uit de "
                "Wijk- en Buurtkaart, anders de laatste tabel t/m --jaar)."
            ),
        ),
    ] = None,
    modus: ModusOptie = "lopen",
    vraagpunten: Annotated[
        str,
        typer.Option(
            "--vraagpunten",
            help=(
                "Waar de inwoners wonen: adressen (BAG-woonadressen van PDOK; buurten zonder "
                "adres uit het CBS 100m-raster), raster (het 100m-raster) of buurten (over elke "
                "buurt verdeeld). Lukt een bron niet, dan wordt de volgende genomen en gemeld."
            ),
        ),
    ] = "adressen",
    opslag: OpslagBestandOptie = None,
    vervang: VervangOptie = None,
    uitgebreid: UitgebreidOptie = False,
) -> None:
    """Haal de lagen van een gemeente online op (PDOK, CBS, RIVM, OpenStreetMap, DUO, LRK) en zet ze in de laagopslag. Antwoorden worden bewaard in lagen/cache. Rijen van andere bronnen (registers) blijven staan; de samenvatting toont per laag en bron de rijen voor en na."""  # noqa: E501
    _setup_logging(uitgebreid)
    from gebiedsplan.importeren import fetch_online, write_invoer

    try:
        with console.status(f"Lagen van {gemeente} ophalen..."):
            invoer = fetch_online(
                gemeente,
                jaar=jaar,
                gezondheid_jaar=gezondheid_jaar,
                osm_lagen=not zonder_osm,
                nabijheid=not zonder_nabijheid,
                nabijheid_jaar=nabijheid_jaar,
                modus=modus,
                vraagpunten=vraagpunten,
                landelijke_registers=not zonder_registers,
            )
            with atomic_batch():  # the store and its green raster land together
                verslag = write_invoer(invoer, opslag=opslag, vervang=vervang or [])
    except GebiedsplanError as exc:
        raise _fail(exc) from None
    _toon_invoer(invoer, verslag)
    _toon_vraagpunten(invoer)
    _toon_registers(invoer, verslag)


@app.command()
def importeer(
    gemeente: GemeenteOptie,
    jaar: JaarOptie,
    grenzen: Annotated[
        list[Path] | None,
        typer.Option(
            "--grenzen",
            help="Wijk- en Buurtkaart (GeoPackage), of een wijken- en een buurtenbestand.",
        ),
    ] = None,
    kerncijfers: Annotated[
        list[Path] | None,
        typer.Option("--kerncijfers", help="CSV uit CBS StatLine (buurten en/of wijken)."),
    ] = None,
    gezondheid: Annotated[
        Path | None,
        typer.Option("--gezondheid", help="CSV van de RIVM-Gezondheidsmonitor per wijk en buurt."),
    ] = None,
    gezondheid_jaar: Annotated[
        int | None,
        typer.Option(
            "--gezondheid-jaar", help="Jaar van de Gezondheidsmonitor (standaard --jaar)."
        ),
    ] = None,
    nabijheid: Annotated[
        Path | None,
        typer.Option(
            "--nabijheid",
            help=(
                "CSV uit CBS StatLine 'Nabijheid voorzieningen; afstand locatie, wijk- en "
                "buurtcijfers' (afstand tot huisarts, supermarkt, kinderdagverblijf, "
                "basisschool): de maatstaf van vergelijk-cbs. Zonder: de kolommen afstand_tot_* "
                "van de Wijk- en Buurtkaart in --grenzen, als die ze heeft."
            ),
        ),
    ] = None,
    nabijheid_jaar: Annotated[
        int | None,
        typer.Option(
            "--nabijheid-jaar", help="Jaar van de cijfers in --nabijheid (standaard --jaar)."
        ),
    ] = None,
    voorzieningen: Annotated[
        list[Path] | None,
        typer.Option(
            "--voorzieningen", help="OpenStreetMap-bestand (.osm, .osm.pbf) of POI-bestand."
        ),
    ] = None,
    register: Annotated[
        list[Path] | None,
        typer.Option("--register", help="Register (CSV of Excel); met --koppeling."),
    ] = None,
    duo: Annotated[
        Path | None,
        typer.Option(
            "--duo",
            help=(
                "DUO 'Alle vestigingen basisonderwijs' (vestigingenbo.csv of "
                "03.-alle-vestigingen-bo.csv): basisscholen van de gemeente en de grensbuffer."
            ),
        ),
    ] = None,
    lrk: Annotated[
        Path | None,
        typer.Option(
            "--lrk",
            help=(
                "Open data van het Landelijk Register Kinderopvang (export_opendata_lrk.csv): "
                "kinderdagverblijven en BSO's van de gemeente en de grensbuffer."
            ),
        ),
    ] = None,
    koppeling: Annotated[
        list[Path] | None,
        typer.Option(
            "--koppeling", help="Koppelbestand (YAML) bij elk --register, in dezelfde volgorde."
        ),
    ] = None,
    netwerk: Annotated[
        Path | None, typer.Option("--netwerk", help="Wegennet: .osm, .osm.pbf of Geofabrik-wegen.")
    ] = None,
    netwerk_laag: Annotated[
        str | None, typer.Option("--netwerk-laag", help="Laag in het netwerkbestand (bv. roads).")
    ] = None,
    modus: ModusOptie = "lopen",
    groen: Annotated[
        Path | None,
        typer.Option("--groen", help="Groenvlakken (OpenStreetMap of Geofabrik-landuse)."),
    ] = None,
    groen_raster: Annotated[
        Path | None, typer.Option("--groen-raster", help="GeoTIFF met aandeel groen of NDVI.")
    ] = None,
    adressen: Annotated[
        Path | None,
        typer.Option(
            "--adressen",
            help=(
                "BAG-adressen (bag-light.gpkg van PDOK, of een uittreksel): de vraagpunten zijn "
                "de woonadressen in gebruik, met de inwoners per buurt erover verdeeld."
            ),
        ),
    ] = None,
    bevolkingsraster: Annotated[
        Path | None,
        typer.Option(
            "--raster",
            help=(
                "CBS 100m-raster (cbs_vk100_<jaar>_v1.gpkg): vraagpunten voor de buurten zonder "
                "adres, of voor alle buurten zonder --adressen."
            ),
        ),
    ] = None,
    getallen: Annotated[
        str | None,
        typer.Option(
            "--getallen",
            help=(
                "Hoe de CSV's van --kerncijfers, --gezondheid en --nabijheid getallen schrijven: punt "
                "(4606.0, zoals StatLine), nl (1.605 en 2,1), komma (2,1) of internationaal "
                "(1,605.5). Zonder: elk getal zoals het alleen gelezen kan worden; een getal "
                "dat twee dingen kan zijn (2.000) wordt geweigerd. Registers: 'getallen:' in "
                "hun koppeling."
            ),
        ),
    ] = None,
    opslag: OpslagBestandOptie = None,
    vervang: VervangOptie = None,
    uitgebreid: UitgebreidOptie = False,
) -> None:
    """Lees gedownloade bestanden van een gemeente in de laagopslag (zonder internet). Lagen die er al staan en niet genoemd worden, blijven; in voorzieningen, accommodaties en groen vervangen alleen de rijen van de bronnen die nu worden ingelezen (een hele laag: --vervang). De samenvatting toont per laag en bron de rijen voor en na."""  # noqa: E501
    _setup_logging(uitgebreid)
    from gebiedsplan.importeren import import_files, write_invoer
    from gebiedsplan.store import load_lagen, store_path

    registers = list(register or [])
    koppelingen = list(koppeling or [])
    try:
        if len(registers) != len(koppelingen):
            raise GebiedsplanError(
                f"{len(registers)} --register maar {len(koppelingen)} --koppeling: geef bij elk "
                "register zijn koppelbestand, in dezelfde volgorde."
            )
        gpkg = Path(opslag) if opslag else store_path(gemeente)
        vlak = None
        opgeslagen_buurten = None
        if not grenzen and gpkg.exists():
            import shapely

            wijken = load_lagen(gpkg, lagen=["wijken"])[0]["wijken"]
            vlak = shapely.union_all(wijken.geometry.to_numpy())
            if adressen is not None or bevolkingsraster is not None:
                from gebiedsplan.bronnen import Laag

                lagen, herkomst = load_lagen(gpkg, lagen=["buurten"])
                opgeslagen_buurten = Laag("buurten", lagen["buurten"], herkomst["buurten"])
        with console.status(f"Bestanden van {gemeente} inlezen..."):
            invoer = import_files(
                gemeente,
                jaar=jaar,
                grenzen=grenzen or [],
                kerncijfers=kerncijfers or [],
                gezondheid=gezondheid,
                gezondheid_jaar=gezondheid_jaar,
                nabijheid=nabijheid,
                nabijheid_jaar=nabijheid_jaar,
                voorzieningen=voorzieningen or [],
                registers=list(zip(registers, koppelingen, strict=True)),
                netwerk=netwerk,
                netwerk_laag=netwerk_laag,
                modus=modus,
                groen=groen,
                groen_raster=groen_raster,
                vlak=vlak,
                getallen=getallen,
                adressen=adressen,
                bevolkingsraster=bevolkingsraster,
                buurten=opgeslagen_buurten,
                duo=duo,
                lrk=lrk,
            )
            if not invoer.lagen:
                raise GebiedsplanError(
                    "De kerncijfers worden gekoppeld aan de wijken en buurten die in dezelfde "
                    "opdracht worden ingelezen; geef ook --grenzen (de Wijk- en Buurtkaart)."
                    if kerncijfers and not grenzen
                    else "Geen bestanden opgegeven; zie 'gebiedsplan importeer --help'."
                )
            with atomic_batch():  # the store and its green raster land together
                verslag = write_invoer(invoer, opslag=gpkg, vervang=vervang or [])
    except GebiedsplanError as exc:
        raise _fail(exc) from None
    _toon_invoer(invoer, verslag)
    _toon_vraagpunten(invoer)
    _toon_registers(invoer, verslag)


NIVEAUS = {"wijk": "hiaten", "buurt": "hiaten_buurt", "gebied": "hiaten_gebied"}
NIVEAUS_MEERVOUD = {"wijk": "wijken", "buurt": "buurten", "gebied": "gebieden"}
WijkenOptie = Annotated[
    str | None,
    typer.Option(
        "--wijken",
        help=(
            "Alleen de inwoners van deze wijken, bv. WK020206,WK020207 (waar het wegennet "
            "volledig is); andere inwoners tellen als niet geanalyseerd."
        ),
    ),
]


def _toon_tabel(titel: str, tabel: object, kolommen: dict[str, str], *, max_rijen: int) -> None:
    import pandas as pd

    assert isinstance(tabel, pd.DataFrame)
    t = Table(title=titel)
    for kop in kolommen.values():
        t.add_column(kop)
    for _, rij in tabel.head(max_rijen).iterrows():
        waarden = []
        for kolom in kolommen:
            v = rij[kolom]
            if isinstance(v, float):  # 14.560 for whole numbers, 92,99 otherwise, - when missing
                waarden.append(getal(v, 0 if v.is_integer() else 2))
            else:
                waarden.append(str(v))
        t.add_row(*waarden)
    console.print(t)
    if len(tabel) > max_rijen:
        console.print(f"... en {len(tabel) - max_rijen} rijen meer (zie het Excel-bestand).")


@app.command()
def hiaten(
    gemeente: Annotated[
        str, typer.Argument(help="Gemeentebestand in wijken/ (bv. demo, arnhem) of een pad.")
    ],
    niveau: Annotated[str, typer.Option("--niveau", help="wijk, buurt of gebied.")] = "wijk",
    categorie: Annotated[
        list[str] | None, typer.Option("--categorie", help="Alleen deze categorie (herhaalbaar).")
    ] = None,
    wijk: Annotated[
        list[str] | None, typer.Option("--wijk", help="Alleen deze wijkcode (herhaalbaar).")
    ] = None,
    drempel: Annotated[
        float,
        typer.Option(
            "--drempel",
            help=(
                "Alleen hiaten met een hiaatscore van minstens dit getal (bij 0 ook de rijen "
                "zonder hiaatscore omdat te weinig inwoners zijn geanalyseerd)."
            ),
        ),
    ] = 0.0,
    opslag: OpslagBestandOptie = None,
    wijken: WijkenOptie = None,
    uitvoer: UitvoerOptie = settings.uitvoer_dir,
    uitgebreid: UitgebreidOptie = False,
) -> None:
    """Welke wijken (of buurten, gebieden) missen wat? Gefilterde hiatentabel op het scherm en in Excel."""  # noqa: E501
    _setup_logging(uitgebreid)
    import numpy as np
    import pandas as pd

    from gebiedsplan.analyse.hiaten import summarize_dekking
    from gebiedsplan.analyse.run import run_analyse
    from gebiedsplan.export import dekking_toelichting, write_workbook
    from gebiedsplan.gemeente import load_gemeente

    try:
        if niveau not in NIVEAUS:
            raise GebiedsplanError(f"--niveau {niveau!r}: kies wijk, buurt of gebied.")
        with console.status("Hiaten berekenen..."):
            g = load_gemeente(gemeente, opslag=opslag)
            analyse = run_analyse(g, wijken=_parse_wijken(wijken))
        tabel = getattr(analyse, NIVEAUS[niveau])
        if tabel is None:
            raise GebiedsplanError(f"Gemeente {g.code} heeft geen gebieden in {g.bestand}.")
        cats = tabel.index.get_level_values("categorie")
        onbekend = [c for c in categorie or [] if c not in set(cats)]
        if onbekend:
            raise GebiedsplanError(
                f"Onbekende categorie {', '.join(onbekend)}; kies uit {', '.join(dict.fromkeys(cats))}"
            )
        selectie = tabel
        if categorie:
            selectie = selectie[cats.isin(categorie)]
        if wijk:
            wijkcode = (
                selectie.index.get_level_values(0)
                if niveau == "wijk"
                else selectie.index.get_level_values(0).map(g.buurten["wijkcode"])
                if niveau == "buurt"
                else None
            )
            if wijkcode is None:
                raise GebiedsplanError("--wijk werkt met --niveau wijk of buurt.")
            selectie = selectie[wijkcode.isin(wijk)]
        # rows withheld for coverage stay in view (without a score, with the reason) unless a
        # threshold above 0 asks for scores only
        achtergehouden = (selectie["dekking"] != "volledig").to_numpy()
        zonder_score = int(achtergehouden.sum())
        houd = selectie["hiaatscore"].fillna(-1).to_numpy() >= drempel
        if drempel <= 0:
            houd |= achtergehouden
        selectie = selectie[houd]
        gescoord = selectie["rang"].notna().to_numpy()
        zonder_rang = selectie[~gescoord]
        selectie = pd.concat(  # scored rows by rank, then the others area by area
            [
                selectie[gescoord].sort_values("rang"),
                zonder_rang.iloc[
                    np.argsort(zonder_rang.index.get_level_values(0).astype(str), kind="stable")
                ],
            ]
        )
        pad = write_workbook(
            Path(uitvoer) / f"hiaten_{g.code}_{niveau}.xlsx",
            {f"Hiaten per {niveau}": selectie},
            toelichting=[
                f"Hiaten sociale basis - {g.titel}, per {niveau}",
                f"Filter: categorie {', '.join(categorie or ['alle'])}; wijk "
                f"{', '.join(wijk or ['alle'])}; hiaatscore vanaf {drempel:g}.",
                "Hiaatscore = 100 x max(0, doeldekking - aandeel binnen norm) / doeldekking.",
                *dekking_toelichting(),
                *_dekking_opmerkingen(analyse),
            ],
            herkomst=g.herkomst,
            synthetisch=g.synthetisch,
        )
    except GebiedsplanError as exc:
        raise _fail(exc) from None
    naam = {"wijk": "wijknaam", "buurt": "buurtnaam", "gebied": "soort"}[niveau]
    weergave = selectie.assign(
        score_tekst=[
            getal(v) if d == "volledig" else f"geen ({d})"
            for v, d in zip(selectie["hiaatscore"], selectie["dekking"], strict=True)
        ],
        buiten_tekst=[
            getal(v) if d == "volledig" else "-"
            for v, d in zip(selectie["inwoners_buiten_norm"], selectie["dekking"], strict=True)
        ],
        voorziening=[
            f"{lab} *" if vol == "mogelijk onvolledig" else str(lab)
            for lab, vol in zip(
                selectie["categorie_label"], selectie["laag_volledigheid"], strict=True
            )
        ],
    )
    _toon_tabel(
        f"Hiaten per {niveau} - {g.titel} ({len(selectie)} rijen)",
        weergave.reset_index(),
        {
            selectie.index.names[0]: niveau.capitalize(),
            naam: "Naam",
            "voorziening": "Voorziening",
            "score_tekst": "Hiaatscore",
            "buiten_tekst": "Buiten norm",
            "capaciteitstekort": "Capaciteitstekort",
        },
        max_rijen=25,
    )
    if (selectie["laag_volledigheid"] == "mogelijk onvolledig").any():
        console.print("* voorzieningenlaag mogelijk onvolledig (zie hieronder)")
    dekking = summarize_dekking(selectie)
    zonder = dekking[dekking["dekking"] != "volledig"]
    for code, rij in zonder.head(10).iterrows():
        tekst = escape(f"{code}: {rij['reden']}.")
        console.print(f"[yellow]{tekst}[/yellow]", highlight=False)
    if len(zonder) > 10:
        console.print(
            f"... en {len(zonder) - 10} {NIVEAUS_MEERVOUD[niveau]} meer zonder hiaatscore."
        )
    if drempel > 0 and zonder_score:
        console.print(
            f"{zonder_score} rijen zonder hiaatscore (te weinig inwoners geanalyseerd) vallen "
            f"buiten --drempel {drempel:g}."
        )
    _toon_dekking(analyse)
    console.print(f"[green]✓[/green] Excel: {pad}")


@app.command()
def scenario(
    bestand: Annotated[
        Path,
        typer.Argument(
            help="Scenariobestand (YAML), bv. wijken/scenarios/demo_sluit_havenhuis.yml."
        ),
    ],
    gemeente: Annotated[
        str | None,
        typer.Option(
            "--gemeente", help="Gemeentebestand; standaard het veld 'gemeente' van het scenario."
        ),
    ] = None,
    opslag: OpslagBestandOptie = None,
    wijken: WijkenOptie = None,
    uitvoer: UitvoerOptie = settings.uitvoer_dir,
    uitgebreid: UitgebreidOptie = False,
) -> None:
    """Wat als een accommodatie sluit, opent of verhuist, of er woningen bij komen? Het verschil met nu, per wijk."""  # noqa: E501
    _setup_logging(uitgebreid)
    from gebiedsplan._io import load_yaml_with_lines
    from gebiedsplan.analyse.run import run_analyse
    from gebiedsplan.analyse.scenario import compare_scenario, load_scenario
    from gebiedsplan.export import dekking_toelichting, write_workbook
    from gebiedsplan.gemeente import load_gemeente

    try:
        if gemeente is None:
            data, _ = load_yaml_with_lines(bestand)
            gemeente = str(data.get("gemeente", "")) if isinstance(data, dict) else ""
            if not gemeente:
                raise GebiedsplanError(f"{bestand}: geef 'gemeente:' in het bestand of --gemeente.")
        with console.status("Basis en scenario berekenen..."):
            g = load_gemeente(gemeente, opslag=opslag)
            s = load_scenario(bestand, g)
            basis = run_analyse(g, wijken=_parse_wijken(wijken))
            begin = time.perf_counter()
            resultaat = compare_scenario(basis, s, niveaus=("wijk",))
            duur = time.perf_counter() - begin
        pad = write_workbook(
            Path(uitvoer) / f"scenario_{s.naam}.xlsx",
            {
                "Verschil per wijk": resultaat.verschil,
                "Hiaten scenario": resultaat.analyse.hiaten,
                "Hiaten nu": basis.hiaten,
            },
            toelichting=[
                f"Scenario {s.naam} - {g.titel}: {s.omschrijving}",
                f"Scenariobestand: {bestand}",
                "Verschil = scenario - nu, per wijk en voorziening.",
                *dekking_toelichting(),
                *_dekking_opmerkingen(basis),
            ],
            herkomst=g.herkomst,
            synthetisch=g.synthetisch,
        )
    except GebiedsplanError as exc:
        raise _fail(exc) from None
    _toon_tabel(
        f"Scenario {s.naam}: wat verandert er per wijk",
        resultaat.verschil.reset_index(),
        {
            "wijknaam": "Wijk",
            "categorie_label": "Voorziening",
            "inwoners_verschil": "Inwoners +/-",
            "inwoners_buiten_norm_verschil": "Buiten norm +/-",
            "hiaatscore_verschil": "Hiaatscore +/-",
            "capaciteitstekort_verschil": "Tekort +/-",
        },
        max_rijen=25,
    )
    _toon_dekking(basis)
    console.print(f"Scenario berekend in {1000 * duur:.0f} ms na de basis.")
    console.print(f"[green]✓[/green] Excel: {pad}")


@app.command()
def locatie(
    gemeente: Annotated[
        str, typer.Argument(help="Gemeentebestand in wijken/ (bv. demo) of een pad.")
    ],
    categorie: Annotated[
        str, typer.Option("--categorie", help="Voor welke voorziening, bv. ontmoeting.")
    ],
    gebied: Annotated[
        str | None, typer.Option("--gebied", help="Kandidaten: de knooppunten van dit gebied.")
    ] = None,
    kandidaten: Annotated[
        Path | None,
        typer.Option("--kandidaten", help="Kandidaatlocaties (GeoPackage/GeoJSON met punten)."),
    ] = None,
    aantal: Annotated[int, typer.Option("--aantal", help="Hoeveel nieuwe locaties.")] = 1,
    capaciteit: Annotated[
        float | None,
        typer.Option(
            "--capaciteit", help="Capaciteit per locatie (eenheid van de capaciteitsnorm)."
        ),
    ] = None,
    opslag: OpslagBestandOptie = None,
    wijken: WijkenOptie = None,
    uitvoer: UitvoerOptie = settings.uitvoer_dir,
    uitgebreid: UitgebreidOptie = False,
) -> None:
    """Waar helpt een nieuwe voorziening het meest? Kandidaten gerangschikt op nieuw bereikte inwoners."""  # noqa: E501
    _setup_logging(uitgebreid)
    from gebiedsplan.analyse.locatiekeuze import choose_locaties
    from gebiedsplan.export import write_workbook
    from gebiedsplan.gemeente import load_gemeente

    try:
        kand = _lees_kandidaten(kandidaten) if kandidaten is not None else None
        g = load_gemeente(gemeente, opslag=opslag)
        with console.status("Kandidaten doorrekenen..."):
            keuze = choose_locaties(
                g,
                categorie,
                kandidaten=kand,
                gebied=gebied,
                aantal=aantal,
                capaciteit=capaciteit,
                wijken=_parse_wijken(wijken),
            )
        pad = write_workbook(
            Path(uitvoer) / f"locatie_{g.code}_{categorie}.xlsx",
            {"Gekozen": keuze.gekozen, "Kandidaten": keuze.kandidaten},
            toelichting=[
                f"Locatiekeuze {categorie} - {g.titel}",
                f"Methode: {keuze.methode}; samen {keuze.nieuw_binnen_norm:.0f} inwoners nieuw "
                f"binnen de norm van {keuze.onbedekt:.0f} geanalyseerde inwoners die er nu "
                f"buiten wonen (bovengrens {keuze.bovengrens:.0f}).",
                keuze.toelichting,
                "Bestaande voorzieningen blijven staan; zie gebiedsplan.analyse.locatiekeuze voor de methode.",
            ],
            herkomst=g.herkomst,
            synthetisch=g.synthetisch,
        )
    except GebiedsplanError as exc:
        raise _fail(exc) from None
    _toon_tabel(
        f"Beste {len(keuze.gekozen)} locatie(s) voor {categorie} ({keuze.methode})",
        keuze.gekozen.reset_index(),
        {
            "id": "Kandidaat",
            "naam": "Naam",
            "extra_binnen_norm": "Nieuw binnen norm",
            "x": "x (RD)",
            "y": "y (RD)",
        },
        max_rijen=20,
    )
    console.print(
        f"Samen {getal(keuze.nieuw_binnen_norm)} van {getal(keuze.onbedekt)} geanalyseerde "
        f"inwoners buiten de norm nieuw binnen de norm (bovengrens {getal(keuze.bovengrens)})."
    )
    geanalyseerd_alle = keuze.inwoners_geanalyseerd >= keuze.inwoners
    console.print(
        keuze.toelichting if geanalyseerd_alle else f"[yellow]{keuze.toelichting}[/yellow]",
        highlight=False,
    )
    console.print(f"[green]✓[/green] Excel: {pad}")


def _lees_kandidaten(pad: Path) -> Any:
    """Candidate sites from a GIS file: points with a CRS (checked and brought to EPSG:28992 by
    :func:`gebiedsplan._validate.naar_rd`), in the Netherlands, indexed
    ``kandidaat1``, ``kandidaat2``, ... (with a ``naam``); every problem a Dutch message that
    names the file, the rows and the fix."""
    import geopandas as gpd
    import pandas as pd
    import shapely

    from gebiedsplan._io import check_bestand
    from gebiedsplan._validate import naar_rd
    from gebiedsplan.errors import BronError

    check_bestand(pad, wat="Kandidatenbestand")
    verwacht = (
        "Verwacht een GeoPackage, GeoJSON of shapefile met punten (in QGIS: laag exporteren, "
        "'Objecten opslaan als...')."
    )
    try:
        kand = gpd.read_file(pad)
    except Exception as exc:  # GDAL raises its own types
        regel = (str(exc).strip().splitlines() or [""])[0]
        raise BronError(
            f"Kandidatenbestand {pad} is geen leesbaar GIS-bestand ({regel}). {verwacht}"
        ) from None
    if not isinstance(kand, gpd.GeoDataFrame) or kand.geometry.name not in kand.columns:
        raise BronError(f"Kandidatenbestand {pad} heeft geen geometrie (geen kaartlaag). {verwacht}")
    if len(kand) == 0:
        raise BronError(f"Kandidatenbestand {pad} bevat geen kandidaten (0 objecten). {verwacht}")
    geoms = kand.geometry.to_numpy()
    geen_punt = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    geen_punt |= shapely.get_type_id(geoms) != shapely.GeometryType.POINT
    if geen_punt.any():
        rijen = [
            f"{i + 1} ({'leeg' if g is None or g.is_empty else g.geom_type})"
            for i, g in enumerate(geoms)
            if geen_punt[i]
        ]
        raise BronError(
            f"Kandidatenbestand {pad}: {len(rijen)} van de {len(kand)} objecten zijn geen punt "
            f"(object {', '.join(rijen[:10])}{' …' if len(rijen) > 10 else ''}). Een kandidaat "
            "is één locatie: zet vlakken en lijnen om naar punten (in QGIS: Vector > Geometrie "
            "> Centroïden of Punt op oppervlak) en laat lege objecten weg."
        )
    # in RD after checking that the coordinates fit the CRS the file states (swapped axes, RD
    # metres labelled as degrees) and lie in the Netherlands
    kand = naar_rd(
        kand,
        bron=str(pad),
        wat=f"Kandidatenbestand {pad}",
        nederland=True,
        sleutel="naam" if "naam" in kand.columns else None,
    )
    if "naam" not in kand.columns:
        kand["naam"] = [f"kandidaat {i + 1}" for i in range(len(kand))]
    kand.index = pd.Index([f"kandidaat{i + 1}" for i in range(len(kand))], name="id")
    return kand


KAARTSOORTEN = ("hiaten", "gebied", "gezondheid", "groen", "voorzieningen", "bereik", "scenario")


def _slug(tekst: str) -> str:
    import re

    return re.sub(r"[^a-z0-9]+", "_", tekst.lower()).strip("_")


@app.command()
def kaart(
    gemeente: Annotated[
        str, typer.Argument(help="Gemeentebestand in wijken/ (bv. demo) of een pad.")
    ],
    soort: Annotated[
        str, typer.Option("--soort", help=f"Soort kaart: {', '.join(KAARTSOORTEN)}.")
    ] = "hiaten",
    gebied: Annotated[
        str | None, typer.Option("--gebied", help="Gebied (bij --soort gebied).")
    ] = None,
    voorziening: Annotated[
        str | None,
        typer.Option("--voorziening", help="Id van de voorziening (bij --soort bereik)."),
    ] = None,
    scenario: Annotated[
        Path | None, typer.Option("--scenario", help="Scenariobestand (bij --soort scenario).")
    ] = None,
    opslag: OpslagBestandOptie = None,
    wijken: Annotated[
        str | None, typer.Option("--wijken", help="Alleen de inwoners van deze wijken.")
    ] = None,
    kaarten: KaartOptie = settings.maps_dir,
    uitgebreid: UitgebreidOptie = False,
) -> None:
    """Maak een kaart om te publiceren (één HTML-bestand dat zonder server opent) en werk maps/index.html bij."""  # noqa: E501
    _setup_logging(uitgebreid)
    from gebiedsplan import kaarten as k
    from gebiedsplan.analyse.groen import compute_groen
    from gebiedsplan.analyse.run import run_analyse
    from gebiedsplan.analyse.scenario import compare_scenario, load_scenario
    from gebiedsplan.analyse.voorzieningbereik import compute_voorzieningbereik
    from gebiedsplan.gemeente import load_gemeente
    from gebiedsplan.publiceren.index import write_index

    try:
        if soort not in KAARTSOORTEN:
            raise GebiedsplanError(f"--soort {soort!r}: kies uit {', '.join(KAARTSOORTEN)}.")
        g = load_gemeente(gemeente, opslag=opslag)
        naam = f"{soort}_{g.code}"
        dekking_van = None
        with console.status("Kaart maken..."):
            if soort == "gezondheid":
                m = k.make_gezondheid_kaart(g)
            elif soort == "groen":
                m = k.make_groen_kaart(g, compute_groen(g))
            elif soort == "voorzieningen":
                m = k.make_voorzieningen_kaart(g)
            elif soort == "bereik":
                if not voorziening:
                    raise GebiedsplanError("--soort bereik vraagt --voorziening <id>.")
                k.check_publishable_voorziening(g, voorziening)  # before any computing
                m = k.make_bereik_kaart(g, compute_voorzieningbereik(g, voorziening))
                naam += f"_{_slug(voorziening)}"
            else:
                analyse = run_analyse(g, wijken=_parse_wijken(wijken))
                dekking_van = analyse
                if soort == "hiaten":
                    m = k.make_kaart(g, analyse.hiaten, volledigheid=analyse.volledigheid)
                elif soort == "gebied":
                    if not gebied:
                        raise GebiedsplanError("--soort gebied vraagt --gebied <naam>.")
                    m = k.make_gebied_kaart(g, analyse, gebied)
                    naam += f"_{_slug(gebied)}"
                else:
                    if scenario is None:
                        raise GebiedsplanError("--soort scenario vraagt --scenario <bestand>.")
                    s = load_scenario(scenario, g)
                    m = k.make_scenario_kaart(g, compare_scenario(analyse, s).verschil)
                    naam += f"_{_slug(s.naam)}"
            with atomic_batch():  # the map and the index land together
                pad = k.save_kaart(m, kaarten / f"{naam}.html")
                write_index(kaarten)
    except GebiedsplanError as exc:
        raise _fail(exc) from None
    if dekking_van is not None:
        _toon_dekking(dekking_van)
    console.print(f"[green]✓[/green] Kaart: {pad} (overzicht: {kaarten / 'index.html'})")


@app.command()
def rapport(
    gemeente: Annotated[
        str, typer.Argument(help="Gemeentebestand in wijken/ (bv. demo, arnhem) of een pad.")
    ],
    gebied: Annotated[
        str, typer.Option("--gebied", help="Het gebied, bv. Havenkwartier of Rijnpark.")
    ],
    scenario: Annotated[
        Path | None, typer.Option("--scenario", help="Scenariobestand om mee te nemen.")
    ] = None,
    opslag: OpslagBestandOptie = None,
    wijken: Annotated[
        str | None, typer.Option("--wijken", help="Alleen de inwoners van deze wijken.")
    ] = None,
    pdf: Annotated[
        bool, typer.Option("--pdf/--geen-pdf", help="Ook een PDF (A4, met Chromium).")
    ] = True,
    kaarten: KaartOptie = settings.maps_dir,
    uitgebreid: UitgebreidOptie = False,
) -> None:
    """Maak het sociaal gebiedsplan van één gebied: een HTML-pagina (en PDF, A4) in maps/."""
    _setup_logging(uitgebreid)
    from gebiedsplan.analyse.run import run_analyse
    from gebiedsplan.analyse.scenario import compare_scenario, load_scenario
    from gebiedsplan.gemeente import load_gemeente
    from gebiedsplan.publiceren.index import write_index
    from gebiedsplan.rapport.pagina import make_rapport, save_rapport
    from gebiedsplan.rapport.pdf import save_rapport_pdf

    try:
        with console.status(f"Gebiedsplan {gebied} maken..."):
            g = load_gemeente(gemeente, opslag=opslag)
            if gebied not in g.gebieden:
                raise GebiedsplanError(
                    f"Gebied '{gebied}' bestaat niet in {g.bestand}; bekend: {', '.join(g.gebieden)}"
                )
            a = run_analyse(g, wijken=_parse_wijken(wijken))
            s = compare_scenario(a, load_scenario(scenario, g)) if scenario else None
            html = make_rapport(g, a, gebied, scenario=s)
            with atomic_batch():  # the report, its PDF and the index land together
                pad = save_rapport(html, kaarten / f"gebiedsplan_{g.code}_{_slug(gebied)}.html")
                pdf_pad = None
                if pdf:
                    try:
                        pdf_pad = save_rapport_pdf(pad, pad.with_suffix(".pdf"))
                    except GebiedsplanError as exc:
                        console.print(f"[yellow]Geen PDF:[/yellow] {escape(str(exc))}")
                write_index(kaarten)
    except GebiedsplanError as exc:
        raise _fail(exc) from None
    _toon_dekking(a)
    console.print(f"[green]✓[/green] Gebiedsplan: {pad}" + (f" en {pdf_pad}" if pdf_pad else ""))


@app.command("vergelijk-cbs")
def vergelijk_cbs(
    gemeente: Annotated[
        str, typer.Argument(help="Gemeentebestand in wijken/ (bv. arnhem) of een pad.")
    ],
    jaar: Annotated[
        int | None,
        typer.Option(
            "--jaar", help="Jaar van de CBS-cijfers (standaard het laatste in laag nabijheid)."
        ),
    ] = None,
    opslag: OpslagBestandOptie = None,
    uitvoer: UitvoerOptie = settings.uitvoer_dir,
    kaarten: KaartOptie = settings.maps_dir,
    uitgebreid: UitgebreidOptie = False,
) -> None:
    """Vergelijk de afstand met de auto per buurt met CBS Nabijheid (huisarts, supermarkt, basisschool, kinderdagverblijf): tabel (CSV, Excel), spreidingsdiagram per voorziening (PNG) en verschilkaart. Vraagt laag netwerk_auto (ophalen/importeer --modus auto) en laag nabijheid."""  # noqa: E501
    _setup_logging(uitgebreid)
    from gebiedsplan._tekst import procent
    from gebiedsplan.analyse.vergelijk import compare_nabijheid
    from gebiedsplan.export import write_vergelijking
    from gebiedsplan.kaarten import make_vergelijking_kaart, save_kaart, save_spreidingsdiagrammen
    from gebiedsplan.publiceren.index import write_index

    begin = time.perf_counter()
    try:
        g = _laad(gemeente, opslag)
        with console.status("Afstanden met de auto over het netwerk berekenen..."):
            vergelijking = compare_nabijheid(g, jaar=jaar)
        naam = f"vergelijking_cbs_{g.code}"
        with console.status("Tabel, diagrammen en kaart schrijven..."), atomic_batch():
            paden = write_vergelijking(
                vergelijking,
                uitvoer,
                naam=naam,
                titel=g.titel,
                herkomst=g.herkomst,
                synthetisch=g.synthetisch,
            )
            plaatjes = save_spreidingsdiagrammen(vergelijking, uitvoer, naam=naam)
            kaart = save_kaart(make_vergelijking_kaart(g, vergelijking), kaarten / f"{naam}.html")
            write_index(kaarten)
    except GebiedsplanError as exc:
        raise _fail(exc) from None
    tabel = Table(title=f"{g.titel}: gebiedsplan (auto) tegen CBS Nabijheid {vergelijking.jaar}")
    for kop in (
        "Voorziening",
        "CBS",
        "Buurten",
        "Spearman",
        "Mediaan verschil",
        "Binnen 0,1 km",
        "Gem. verschil",
    ):
        tabel.add_column(kop, justify="left" if kop in ("Voorziening", "CBS") else "right")
    for _, r in vergelijking.samenvatting.iterrows():
        tabel.add_row(
            str(r["categorie_label"]),
            str(r["cbs_naam"]),
            getal(r["buurten_vergeleken"]),
            getal(r["spearman"], 2),
            f"{getal(r['mediaan_abs_verschil_km'], 1)} km",
            procent(r["aandeel_binnen_afronding"]),
            f"{getal(r['gem_verschil_km'], 2)} km",
        )
    console.print(tabel)
    for regel in vergelijking.toelichting:
        console.print(escape(regel), highlight=False)
    console.print(f"[green]✓[/green] Tabel: {paden['csv']} en {paden['xlsx']}")
    console.print(
        f"[green]✓[/green] Spreidingsdiagrammen: {', '.join(str(p) for p in plaatjes.values())}"
    )
    console.print(f"[green]✓[/green] Verschilkaart: {kaart} (overzicht: {kaarten / 'index.html'})")
    if waarschuwing := g.synthetisch_tekst():
        console.print(f"[yellow]{escape(waarschuwing)}[/yellow]")
    console.print(f"Klaar in {time.perf_counter() - begin:.1f} s.")


def _debug() -> bool:
    """``GEBIEDSPLAN_DEBUG=1``: show tracebacks (for reporting a bug)."""
    return os.environ.get("GEBIEDSPLAN_DEBUG", "") not in ("", "0")


def _stil(_: Any) -> None:
    """Errors Python cannot raise any more (a library's half-closed file that is cleaned up at
    exit after a failed write): not shown to users, whose run already ended with a message."""


def main() -> None:
    """Entry point of the console script."""
    if not _debug():
        sys.unraisablehook = _stil
    app()


if __name__ == "__main__":
    main()
