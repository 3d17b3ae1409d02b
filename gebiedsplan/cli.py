"""The ``gebiedsplan`` command: thin over the Python API, Dutch for the people who use it.

No exception reaches a user as a Python traceback: a :class:`GebiedsplanError` (bad input, a
full disk, a read-only folder) is a Dutch "Fout: ..." and exit code 1; anything else is an
"Onverwachte fout" with its one-line text, a request to report it, and exit code 3
(``GEBIEDSPLAN_DEBUG=1`` shows the traceback instead). The files one command writes land
together (:func:`gebiedsplan._io.atomic_batch`): a run that fails halfway leaves the earlier
outputs as they were.
"""

from __future__ import annotations

import functools
import logging
import os
import re
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import typer
from rich.console import Console
from rich.logging import RichHandler
from rich.markup import escape
from rich.table import Table
from typer.core import TyperCommand, TyperGroup

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


#: Help of the help option (Click's own: "Show this message and exit.").
HULP_TEKST = "Toon deze hulp en stop."

#: Click's and Typer's own English texts (usage errors) and their Dutch: regex -> template,
#: tried in order on every line of the message. What no pattern knows stays as it is.
_FOUTTEKSTEN: tuple[tuple[str, str], ...] = (
    (r"^Missing argument '(.+?)'\.", r"Argument '\1' ontbreekt."),
    (r"^Missing option '(.+?)'\.", r"Optie '\1' ontbreekt."),
    (r"^Missing parameter: (.+)$", r"Waarde ontbreekt: \1"),
    (r"^Missing command\.", "Geef een opdracht."),
    (r"^No such option: (\S+)", r"Onbekende optie: \1"),
    (r"^No such command '(.+?)'\.", r"Onbekende opdracht '\1'."),
    (r"^Invalid value for (.+?): ", r"Ongeldige waarde voor \1: "),
    (r"^Invalid value: ", "Ongeldige waarde: "),
    (r"^Got unexpected extra arguments? \((.*)\)", r"Onverwacht extra argument (\1)."),
    (r"^Option '(.+?)' requires an argument\.", r"Optie '\1' vraagt een waarde."),
    (r"^Option '(.+?)' requires (\d+) arguments\.", r"Optie '\1' vraagt \2 waarden."),
    (r"^Option '(.+?)' does not take a value\.", r"Optie '\1' neemt geen waarde."),
    (r"Did you mean (.+?)\?", r"Bedoelde u \1?"),
    (r"\(Possible options: (.+)\)", r"(mogelijke opties: \1)"),
    (r"^Choose from:", "Kies uit:"),
    (r"Input should be a valid number[^.]*", "verwacht een getal (bv. 20 of 2.5)"),
    (r"Input should be a valid integer[^.]*", "verwacht een geheel getal (bv. 3)"),
    (r"Input should be a valid boolean[^.]*", "verwacht ja of nee"),
    (r"Input should be (greater|less) than or equal to (\S+)", r"verwacht minstens \2"),
    (r"'(.*?)' is not one of (.+)\.$", r"'\1' kan niet; kies uit \2."),
    (r"(File|Directory|Path) '(.+?)' does not exist\.", r"Bestand of map '\2' bestaat niet."),
    (r"(File|Directory|Path) '(.+?)' is a directory\.", r"'\2' is een map, geen bestand."),
    (r"(File|Directory|Path) '(.+?)' is a file\.", r"'\2' is een bestand, geen map."),
    (r"Value '(.+?)' is not a valid (.+?)\.", r"Waarde '\1' is geen geldige \2."),
)

#: Type names of the help ("<str>", "<path>") in Dutch; a choice keeps its values.
_TYPENAMEN = {
    "str": "TEKST",
    "int": "GETAL",
    "float": "GETAL",
    "path": "PAD",
    "file": "BESTAND",
    "directory": "MAP",
    "list[str]": "TEKST",
    "list[path]": "PAD",
    "list[int]": "GETAL",
}


def vertaal_fout(tekst: str) -> str:
    """Click's and Typer's own English error texts in Dutch (see :data:`_FOUTTEKSTEN`).

    Examples
    --------
    >>> vertaal_fout("No such command 'hiatn'. Did you mean 'hiaten'?")
    "Onbekende opdracht 'hiatn'. Bedoelde u 'hiaten'?"
    >>> vertaal_fout("Missing argument 'gemeente'.")
    "Argument 'gemeente' ontbreekt."
    """
    import re

    regels = []
    for regel in tekst.split("\n"):
        for patroon, vervanging in _FOUTTEKSTEN:
            regel = re.sub(patroon, vervanging, regel)
        regels.append(regel)
    return "\n".join(regels)


def _vaste_tekst(tekst: str, ctx: Any = None) -> str:
    return tekst


def _nl_parameters(params: list[Any]) -> None:
    """Dutch type names in the help, none for flags (no ``<bool>``)."""
    from typer.core import TyperArgument, TyperOption

    for param in params:
        if getattr(param, "_nl", False):
            continue
        param._nl = True
        if isinstance(param, TyperOption) and param.is_flag:
            param.metavar = ""
            continue
        if not isinstance(param, TyperOption | TyperArgument):
            continue
        if isinstance(param, TyperOption) and param.metavar is not None:
            continue
        type_ = param.display_type(None)  # type: ignore[arg-type]
        kaal = type_.strip("<>").lower() if type_ else ""
        if kaal in _TYPENAMEN:
            naam = _TYPENAMEN[kaal]
        elif "|" in kaal:  # a choice: its values
            naam = "[" + type_.strip("<>").removeprefix("list[").removesuffix("]") + "]"
        else:
            continue
        if isinstance(param, TyperOption):
            param.metavar = naam
        else:  # an argument's metavar is its name: only what the help shows as its type
            param.display_type_rich = functools.partial(_vaste_tekst, naam)  # type: ignore[method-assign]


class _Nederlands:
    """Click's own texts of a command in Dutch: "Gebruik:", "[OPTIES]", the help option, the
    type names of the help (see :func:`_nl_parameters`)."""

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        stukken = super().collect_usage_pieces(ctx)  # type: ignore[misc]
        vertaling = {"[OPTIONS]": "[OPTIES]", "COMMAND [ARGS]...": "OPDRACHT [ARGUMENTEN]..."}
        # Typer writes an argument as {gemeente}; usage lines name it GEMEENTE, as in the help
        return [re.sub(r"\{(\w+)\}", lambda m: m[1].upper(), vertaling.get(s, s)) for s in stukken]

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        stukken = self.collect_usage_pieces(ctx)
        formatter.write_usage(ctx.command_path, " ".join(stukken), prefix="Gebruik: ")

    def get_help_option(self, ctx: Any) -> Any:
        optie = super().get_help_option(ctx)  # type: ignore[misc]
        if optie is not None:
            optie.help = HULP_TEKST
        return optie

    def format_help(self, ctx: Any, formatter: Any) -> None:
        _nl_parameters(self.get_params(ctx))  # type: ignore[attr-defined]
        super().format_help(ctx, formatter)  # type: ignore[misc]


class _Opdracht(_Nederlands, TyperCommand):
    """A command whose help and usage errors are Dutch."""


def _nl_typer() -> None:
    """Typer's own texts in Dutch: panel titles, "[default: ...]", "[required]", the hint
    after an error ("Try ... for help."), and every usage error (:func:`vertaal_fout`)."""
    from typer import rich_utils

    if getattr(rich_utils, "_gebiedsplan_nl", False):
        return
    rich_utils.ARGUMENTS_PANEL_TITLE = "Argumenten"
    rich_utils.OPTIONS_PANEL_TITLE = "Opties"
    rich_utils.COMMANDS_PANEL_TITLE = "Opdrachten"
    rich_utils.ERRORS_PANEL_TITLE = "Fout"
    rich_utils.DEFAULT_STRING = "[standaard: {}]"
    rich_utils.REQUIRED_LONG_STRING = "[verplicht]"
    rich_utils.ENVVAR_STRING = "[omgevingsvariabele: {}]"
    rich_utils.DEPRECATED_STRING = "(verouderd) "
    rich_utils.ABORTED_TEXT = "Afgebroken."
    rich_utils.RICH_HELP = "Zie [blue]'{command_path} {help_option}'[/] voor hulp."
    engels = rich_utils.rich_format_error

    def rich_format_error(self: Any) -> None:
        tekst = vertaal_fout(self.format_message())
        self.format_message = lambda: tekst
        engels(self)

    rich_utils.rich_format_error = rich_format_error
    rich_utils._gebiedsplan_nl = True  # type: ignore[attr-defined]


_nl_typer()


class _VeiligeGroep(_Nederlands, TyperGroup):
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
CsvOptie = Annotated[
    str,
    typer.Option(
        "--csv",
        metavar="[nl|standaard]",
        help=(
            "nl: puntkomma en decimale komma, opent goed in Nederlandse Excel; standaard: komma "
            "en decimale punt, voor programma's."
        ),
    ),
]
CSV_FORMATEN = ("nl", "standaard")


def _check_csv(csv: str) -> Literal["nl", "standaard"]:
    """``--csv``: nl or standaard, in any case."""
    keuze = csv.strip().lower()
    if keuze not in CSV_FORMATEN:
        raise GebiedsplanError(
            f"--csv {csv!r} bestaat niet; kies nl (puntkomma, decimale komma, voor Nederlandse "
            "Excel) of standaard (komma, decimale punt, voor programma's)."
        )
    return "nl" if keuze == "nl" else "standaard"


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
    csv_formaat: Literal["nl", "standaard"] = "nl",
) -> None:
    """Analysis, gap tables (CSV, Excel, GeoPackage), map and ``index.html``; the files land
    together (:func:`atomic_batch`) or not at all. ``csv_formaat``: see ``--csv``."""
    from gebiedsplan.analyse.hiaten import worst_per_category
    from gebiedsplan.analyse.run import run_analyse
    from gebiedsplan.export import write_hiaten
    from gebiedsplan.kaarten import make_kaart, save_kaart
    from gebiedsplan.publiceren.index import write_index
    from gebiedsplan.publiceren.qgis import hiaten_niveaus

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
            csv_formaat=csv_formaat,
            niveaus=hiaten_niveaus(analyse, gemeente),
            voorzieningen=gemeente.voorzieningen,
            accommodaties=gemeente.accommodaties,
            signalen=analyse.signalen,
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


@app.command(cls=_Opdracht)
def demo(
    uitvoer: UitvoerOptie = settings.uitvoer_dir,
    kaarten: KaartOptie = settings.maps_dir,
    opslag: Annotated[
        Path, typer.Option("--opslag", help="Map van de laagopslag (GeoPackage per gemeente).")
    ] = settings.store_dir,
    csv: CsvOptie = "nl",
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
        csv_formaat = _check_csv(csv)
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
                _products(
                    replace(_laad(demo_file(), nieuw), opslag=gpkg),
                    uitvoer,
                    kaarten,
                    csv_formaat=csv_formaat,
                )
    except GebiedsplanError as exc:
        raise _fail(exc) from None
    console.print(f"Klaar in {time.perf_counter() - begin:.1f} s.")


@app.command(cls=_Opdracht)
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
        typer.Option(
            "--wijken",
            help="Alleen de inwoners van deze wijken (codes of namen), bv. WK020201,WK020206.",
        ),
    ] = None,
    csv: CsvOptie = "nl",
    uitgebreid: UitgebreidOptie = False,
) -> None:
    """Draai bereikbaarheid, hiatentabel en kaart voor een gemeente uit de laagopslag."""
    _setup_logging(uitgebreid)
    begin = time.perf_counter()
    try:
        csv_formaat = _check_csv(csv)
        g = _laad(gemeente, opslag)
        _products(g, uitvoer, kaarten, wijken=_wijken(g, wijken), csv_formaat=csv_formaat)
    except GebiedsplanError as exc:
        raise _fail(exc) from None
    console.print(f"Klaar in {time.perf_counter() - begin:.1f} s.")


def _wijken(gemeente: Gemeente, tekst: str | list[str] | None) -> list[str] | None:
    """The wijkcodes of ``--wijken`` (codes or names, comma-separated), or None."""
    from gebiedsplan.namen import resolve_wijken

    return resolve_wijken(gemeente, tekst)


def _categorie(gemeente: Gemeente, tekst: str, codes: Any = None) -> str:
    """The category code of ``--categorie`` (code or label), among ``codes`` (default: the
    categories with a norm)."""
    from gebiedsplan.namen import categorie_labels, resolve_categorie

    return resolve_categorie(
        tekst, categorie_labels(codes if codes is not None else gemeente.normen)
    )


def _slug(tekst: Any) -> str:
    """A piece of a file name: lower case, no accents, ``_`` between words.

    Examples
    --------
    >>> _slug("Pilot Zuid"), _slug("Café De Brug"), _slug(2.5)
    ('pilot_zuid', 'cafe_de_brug', '2_5')
    """
    import re
    import unicodedata

    tekst = unicodedata.normalize("NFKD", str(tekst))
    tekst = "".join(t for t in tekst if not unicodedata.combining(t))
    return re.sub(r"[^a-z0-9]+", "_", tekst.lower()).strip("_")


#: Longer file names (without extension) get a short checksum instead of their tail.
MAX_NAAM = 100


def bestandsnaam(soort: str, code: str, *delen: Any, onderwerp: str | None = None) -> str:
    """The name of an output file (without extension): what it is, the gemeente code and
    what was asked (level, filters, scenario, norm) as slugs, so two runs that ask different
    things write two files; ``onderwerp`` comes before the code (``scenario_<naam>_GM9999``).
    Empty parts are left out; a very long name keeps its start and gets a checksum of the
    whole.

    Examples
    --------
    >>> bestandsnaam("hiaten", "GM9999", "wijk", ["huisarts"], None, "drempel20")
    'hiaten_GM9999_wijk_huisarts_drempel20'
    >>> bestandsnaam("locatie", "GM9999", "ontmoeting", "Pilot Zuid", 2)
    'locatie_GM9999_ontmoeting_pilot_zuid_2'
    >>> bestandsnaam("scenario", "GM9999", onderwerp="sluit-havenhuis")
    'scenario_sluit_havenhuis_GM9999'
    """
    import hashlib

    stukken: list[str] = [soort, *([_slug(onderwerp)] if onderwerp else []), code]
    for deel in delen:
        for d in deel if isinstance(deel, list | tuple) else [deel]:
            if d is None or d == "":
                continue
            if slug := _slug(d):
                stukken.append(slug)
    naam = "_".join(stukken)
    if len(naam) > MAX_NAAM:
        som = hashlib.sha1(naam.encode()).hexdigest()[:8]
        naam = f"{naam[: MAX_NAAM - 9].rstrip('_')}_{som}"
    return naam


def _wijken_deel(wijken: list[str] | None) -> list[str]:
    """The part of a file name for ``--wijken``."""
    return ["wijken", *wijken] if wijken else []


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
            console.print(
                f"… en {len(invoer.niet_geplaatst) - max_rijen} rijen meer (zie het log)."
            )


GemeenteOptie = Annotated[
    str, typer.Option("--gemeente", help="CBS-gemeentecode, bv. GM0202 (Arnhem).")
]
JaarOptie = Annotated[int, typer.Option("--jaar", help="Jaar van grenzen en kerncijfers.")]
GrenzenOptie = Annotated[
    list[Path] | None,
    typer.Option(
        "--grenzen",
        help=(
            "Wijk- en Buurtkaart van CBS (wijkenbuurten_<jaar>.gpkg), of een wijken- en een "
            "buurtenbestand."
        ),
    ),
]
KerncijfersOptie = Annotated[
    list[Path] | None,
    typer.Option("--kerncijfers", help="CSV uit CBS StatLine (buurten en/of wijken)."),
]
VoorzieningenOptie = Annotated[
    list[Path] | None,
    typer.Option(
        "--voorzieningen",
        help="OpenStreetMap-bestand (.osm, .osm.pbf) of POI-bestand; herhaalbaar.",
    ),
]
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


@app.command(cls=_Opdracht)
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
    from gebiedsplan._validate import check_gemeentecode
    from gebiedsplan.importeren import fetch_online, opgeslagen_jaar, write_invoer
    from gebiedsplan.store import store_path

    try:
        gpkg = Path(opslag) if opslag else store_path(check_gemeentecode(gemeente))
        huidig = opgeslagen_jaar(gpkg)
        ouder = huidig is not None and jaar < huidig
        if ouder:
            console.print(
                f"Jaar {jaar} is ouder dan de laagopslag ({huidig}): alleen grenzen en "
                f"kerncijfers van {jaar}"
                + (f" en de Gezondheidsmonitor {gezondheid_jaar}" if gezondheid_jaar else "")
                + ", voor de trends; de huidige lagen blijven.",
                highlight=False,
            )
        with console.status(f"Lagen van {gemeente} ophalen..."):
            invoer = fetch_online(
                gemeente,
                alleen_cijfers=ouder,
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
    _toon_jaren(invoer)


@app.command(cls=_Opdracht)
def importeer(
    gemeente: GemeenteOptie,
    jaar: Annotated[
        int | None,
        typer.Option(
            "--jaar",
            help=(
                "Jaar van grenzen en kerncijfers (nodig bij --grenzen, --kerncijfers, "
                "--gezondheid, --nabijheid, --duo, --lrk). Ouder dan de laagopslag: alleen "
                "toegevoegd aan de trendlagen, de huidige lagen blijven."
            ),
        ),
    ] = None,
    grenzen: GrenzenOptie = None,
    kerncijfers: KerncijfersOptie = None,
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
    voorzieningen: VoorzieningenOptie = None,
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
    inbreng: Annotated[
        Path | None,
        typer.Option(
            "--inbreng",
            help=(
                "Inbreng van bewoners: de GeoJSON van de inbrengkaart (gebiedsplan kaart --soort "
                "inbreng) of een CSV van papieren formulieren (categorie;tekst;oordeel;lat;lon of "
                "x;y in RD). De spelden van dezelfde bijeenkomst worden vervangen, die van andere "
                "bijeenkomsten blijven."
            ),
        ),
    ] = None,
    bijeenkomst: Annotated[
        str | None,
        typer.Option(
            "--bijeenkomst",
            help=(
                "Naam van de bijeenkomst bij --inbreng (nodig bij een CSV; vervangt de kop van "
                "een GeoJSON)."
            ),
        ),
    ] = None,
    datum: Annotated[
        str | None,
        typer.Option(
            "--datum",
            help="Datum van de bijeenkomst bij --inbreng, JJJJ-MM-DD (nodig bij een CSV).",
        ),
    ] = None,
    opslag: OpslagBestandOptie = None,
    vervang: VervangOptie = None,
    uitgebreid: UitgebreidOptie = False,
) -> None:
    """Lees gedownloade bestanden van een gemeente in de laagopslag (zonder internet). Lagen die er al staan en niet genoemd worden, blijven; in voorzieningen, accommodaties en groen vervangen alleen de rijen van de bronnen die nu worden ingelezen (een hele laag: --vervang). De samenvatting toont per laag en bron de rijen voor en na."""  # noqa: E501
    _setup_logging(uitgebreid)
    from gebiedsplan.importeren import import_files, opgeslagen_jaar, write_invoer
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
                inbreng=inbreng,
                bijeenkomst=bijeenkomst,
                datum=datum,
                opslag_jaar=opgeslagen_jaar(gpkg),
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
    _toon_inbreng(invoer)
    _toon_jaren(invoer)


def _toon_jaren(invoer: object) -> None:
    """What went into the layers of several years (kerncijfers_jaren, buurten_indeling)."""
    for regel in getattr(invoer, "jaren", []):
        console.print(f"[green]✓[/green] {escape(regel)}", highlight=False)


def _toon_inbreng(invoer: object) -> None:
    """How many pins of the meeting were stored and in how many texts personal data was
    removed (never what was removed)."""
    from gebiedsplan.bronnen.inbreng import InbrengLaag
    from gebiedsplan.importeren import Invoer

    assert isinstance(invoer, Invoer)
    laag = invoer.lagen.get("inbreng")
    if not isinstance(laag, InbrengLaag):
        return
    console.print(
        f"[green]✓[/green] Inbreng {escape(laag.herkomst.bron.removeprefix('Inbreng '))} "
        f"({laag.herkomst.peildatum}): {getal(len(laag.data))} spelden; in "
        f"{getal(laag.aangepast)} teksten zijn persoonsgegevens vervangen door \\[verwijderd]"
        + (
            f"; weggelaten eigenschappen: {escape(', '.join(laag.weggelaten))}"
            if laag.weggelaten
            else ""
        )
    )


#: What ``gebiedsplan lijst`` lists (and the singular people also type).
LIJSTEN = ("categorieen", "gebieden", "wijken", "buurten", "voorzieningen", "accommodaties")
_LIJST_ENKELVOUD = {
    "categorie": "categorieen",
    "categorieën": "categorieen",
    "gebied": "gebieden",
    "wijk": "wijken",
    "buurt": "buurten",
    "voorziening": "voorzieningen",
    "accommodatie": "accommodaties",
}


def _lijst_tabel(titel: str, kolommen: list[tuple[str, str]]) -> Table:
    """A table that stays readable at 80 columns: codes and numbers never wrap, names fold."""
    t = Table(title=titel, title_justify="left")
    for kop, soort in kolommen:
        if soort == "code":
            t.add_column(kop, no_wrap=True)
        elif soort == "getal":
            t.add_column(kop, justify="right", no_wrap=True)
        else:
            t.add_column(kop, overflow="fold")
    return t


@app.command(cls=_Opdracht)
def lijst(
    gemeente: Annotated[
        str, typer.Argument(help="Gemeentebestand in wijken/ (bv. demo, arnhem) of een pad.")
    ],
    wat: Annotated[
        str,
        typer.Argument(
            help=(
                "Wat te tonen: categorieen (code, naam, norm), gebieden, wijken, buurten, "
                "voorzieningen (id, naam, categorie, wijk) of accommodaties (id, naam, functies, "
                "status, vloeroppervlak)."
            ),
        ),
    ] = "categorieen",
    categorie: Annotated[
        str | None,
        typer.Option(
            "--categorie", help="Bij voorzieningen: alleen deze categorie (code of naam)."
        ),
    ] = None,
    opslag: OpslagBestandOptie = None,
    uitgebreid: UitgebreidOptie = False,
) -> None:
    """Toon de namen en codes die u bij de andere opdrachten kunt gebruiken: categorieën, gebieden, wijken, buurten, voorzieningen of accommodaties. Gevoelige locaties (opvang, beschermd wonen) worden geteld, niet getoond."""  # noqa: E501
    _setup_logging(uitgebreid)
    import pandas as pd

    from gebiedsplan import namen
    from gebiedsplan._tekst import procent

    try:
        soort = wat.strip().lower()
        soort = _LIJST_ENKELVOUD.get(soort, soort)
        if soort not in LIJSTEN:
            from gebiedsplan.namen import suggest

            raise GebiedsplanError(
                f"Lijst '{wat}' bestaat niet; kies uit {', '.join(LIJSTEN)}."
                + "".join(f" Bedoelde u '{n}'?" for n in suggest(wat, LIJSTEN, n=1))
            )
        if categorie is not None and soort != "voorzieningen":
            raise GebiedsplanError("--categorie werkt alleen bij 'lijst ... voorzieningen'.")
        g = _laad(gemeente, opslag)
        verborgen = 0
        if soort == "categorieen":
            tabel = namen.list_categorieen(g)
            per_1000 = tabel["capaciteit_per_1000"]
            weergave = tabel.assign(
                norm=[f"{getal(m)} m" for m in tabel["norm_afstand_m"]],
                doel=[procent(d) for d in tabel["doeldekking"]],
                capaciteit=[
                    "-"
                    if pd.isna(n)  # no capacity norm
                    else f"{getal(n, 0 if float(n).is_integer() else 2)} {e}"
                    for n, e in zip(per_1000, tabel["capaciteit_eenheid"], strict=True)
                ],
            )
            titel = "Categorieën met een norm"
            kolommen = [
                ("categorie", "Code", "code"),
                ("label", "Naam", "tekst"),
                ("norm", "Norm", "getal"),
                ("doel", "Doeldekking", "getal"),
                ("capaciteit", "Capaciteitsnorm per 1.000", "tekst"),
            ]
        elif soort == "gebieden":
            tabel = weergave = namen.list_gebieden(g)
            titel = "Gebieden"
            kolommen = [
                ("gebied", "Gebied", "tekst"),
                ("soort", "Soort", "tekst"),
                ("buurten", "Buurten", "getal"),
                ("inwoners", "Inwoners", "getal"),
            ]
        elif soort == "wijken":
            tabel = weergave = namen.list_wijken(g)
            titel = "Wijken"
            kolommen = [
                ("wijkcode", "Wijkcode", "code"),
                ("wijknaam", "Wijk", "tekst"),
                ("buurten", "Buurten", "getal"),
                ("inwoners", "Inwoners", "getal"),
            ]
        elif soort == "buurten":
            tabel = weergave = namen.list_buurten(g)
            titel = "Buurten"
            kolommen = [
                ("buurtcode", "Buurtcode", "code"),
                ("buurtnaam", "Buurt", "tekst"),
                ("wijknaam", "Wijk", "tekst"),
                ("inwoners", "Inwoners", "getal"),
            ]
        elif soort == "voorzieningen":
            code = None
            if categorie is not None:
                from gebiedsplan.catalogus import load_catalogus

                code = _categorie(g, categorie, load_catalogus().categorieen)
            tabel, verborgen = namen.list_voorzieningen(g, categorie=code)
            weergave = tabel
            titel = "Voorzieningen"
            kolommen = [
                ("id", "Id", "code"),
                ("naam", "Naam", "tekst"),
                ("categorie", "Categorie", "tekst"),
                ("wijk", "Wijk", "tekst"),
            ]
        else:
            tabel, verborgen = namen.list_accommodaties(g)
            weergave = tabel.assign(
                functies=tabel["functies"].astype(str).str.replace(";", ", "),
                status=tabel["status"].astype(str).str.replace("_", " "),
            )
            titel = "Accommodaties"
            kolommen = [
                ("id", "Id", "code"),
                ("naam", "Naam", "tekst"),
                ("functies", "Functies", "tekst"),
                ("status", "Status", "tekst"),
                ("bvo_m2", "Vloeropp. (m²)", "getal"),
            ]
        t = _lijst_tabel(f"{titel} - {g.titel}", [(kop, aard) for _, kop, aard in kolommen])
        for _, rij in weergave.reset_index().iterrows():
            t.add_row(
                *(
                    getal(rij[k])
                    if aard == "getal" and not isinstance(rij[k], str)
                    else escape(str(rij[k]))
                    for k, _, aard in kolommen
                )
            )
    except GebiedsplanError as exc:
        raise _fail(exc) from None
    console.print(t)
    console.print(f"{len(tabel)} {soort}.", highlight=False)
    if verborgen:
        console.print(
            f"{verborgen} gevoelige {soort} (opvang, beschermd wonen en dergelijke; "
            "publicatieprofiel) zijn meegeteld in de analyses maar worden hier niet getoond.",
            highlight=False,
        )
    if soort in ("voorzieningen", "gebieden", "categorieen", "wijken"):
        tip = {
            "voorzieningen": "--voorziening (naam of id)",
            "gebieden": "--gebied (naam)",
            "categorieen": "--categorie (code of naam)",
            "wijken": "--wijk en --wijken (code of naam)",
        }[soort]
        console.print(f"Gebruik bij de andere opdrachten: {tip}; hoofdletters tellen niet.")


NIVEAUS = {"wijk": "hiaten", "buurt": "hiaten_buurt", "gebied": "hiaten_gebied"}
NIVEAUS_MEERVOUD = {"wijk": "wijken", "buurt": "buurten", "gebied": "gebieden"}
WijkenOptie = Annotated[
    str | None,
    typer.Option(
        "--wijken",
        help=(
            "Alleen de inwoners van deze wijken (codes of namen, met komma's), bv. "
            "WK020206,WK020207 of 'Klarendal, Sonsbeek' (waar het wegennet volledig is); andere "
            "inwoners tellen als niet geanalyseerd."
        ),
    ),
]


def _kolombreedtes(kolommen: dict[str, str], rijen: list[list[str]]) -> list[int | None]:
    """Column widths for a table in the console: None (as wide as needed) when the table fits;
    else every column as wide as the longest word of its values where possible (words wrap
    between, not inside), the widest columns giving way first, and the room left to the
    columns that want it most."""
    koppen = list(kolommen.values())
    nodig = [max([len(k), *(len(r[i]) for r in rijen)]) for i, k in enumerate(koppen)]
    ruimte = console.width - 3 * len(koppen) + 1  # borders and padding (not at the edges)
    if sum(nodig) <= ruimte:
        return [None] * len(koppen)
    # the values' words whole where possible; a long header word folds first
    breedtes = [
        max(
            [min(len(w), 7) for w in k.split()]
            + [len(w) for r in rijen for w in r[i].split()]
            + [1]
        )
        for i, k in enumerate(koppen)
    ]
    while sum(breedtes) > ruimte and max(breedtes) > 4:
        breedtes[breedtes.index(max(breedtes))] -= 1
    # the room left: whole header words, then whole cells, the smallest wish first
    woord = [max([len(w) for w in k.split()] + [b]) for k, b in zip(koppen, breedtes, strict=True)]
    for doel in (woord, nodig):
        for i in sorted(range(len(koppen)), key=lambda i: doel[i] - breedtes[i]):
            extra = doel[i] - breedtes[i]
            if 0 < extra <= ruimte - sum(breedtes):
                breedtes[i] = doel[i]
    while sum(breedtes) < ruimte:  # what is left: to the column that wants most
        tekort = [n - b for n, b in zip(nodig, breedtes, strict=True)]
        if max(tekort) <= 0:
            break
        breedtes[tekort.index(max(tekort))] += 1
    return list(breedtes)


def _toon_tabel(titel: str, tabel: object, kolommen: dict[str, str], *, max_rijen: int) -> None:
    """A table on screen that stays readable in a narrow terminal: a column is at least as
    wide as its longest word (so words wrap between, not inside, where the width allows),
    and what does not fit is wrapped, never cut off."""
    import pandas as pd

    assert isinstance(tabel, pd.DataFrame)
    rijen = []
    for _, rij in tabel.head(max_rijen).iterrows():
        waarden = []
        for kolom in kolommen:
            v = rij[kolom]
            if isinstance(v, float):  # 14.560 for whole numbers, 92,99 otherwise, - when missing
                waarden.append(getal(v, 0 if v.is_integer() else 2))
            else:
                waarden.append(str(v))
        rijen.append(waarden)
    t = Table(title=titel, pad_edge=False)
    for kop, breedte in zip(kolommen.values(), _kolombreedtes(kolommen, rijen), strict=True):
        t.add_column(kop, overflow="fold", width=breedte)
    for waarden in rijen:
        t.add_row(*(escape(w) for w in waarden))
    console.print(t)
    if len(tabel) > max_rijen:
        console.print(f"... en {len(tabel) - max_rijen} rijen meer (zie het Excel-bestand).")


#: ``hiaten --maat``: how the rows are ordered and which columns are shown.
MATEN = ("hiaat", "capaciteit", "gelijkheid")


def _tekst_of_streep(waarden: Any, decimalen: int) -> list[str]:
    import pandas as pd

    return ["-" if pd.isna(v) else getal(float(v), decimalen) for v in waarden]


@app.command(cls=_Opdracht)
def hiaten(
    gemeente: Annotated[
        str, typer.Argument(help="Gemeentebestand in wijken/ (bv. demo, arnhem) of een pad.")
    ],
    niveau: Annotated[
        str,
        typer.Option("--niveau", metavar="[wijk|buurt|gebied]", help="Per wijk, buurt of gebied."),
    ] = "wijk",
    categorie: Annotated[
        list[str] | None,
        typer.Option(
            "--categorie",
            help="Alleen deze categorie, code of naam (herhaalbaar), bv. huisarts of 'Huisarts'.",
        ),
    ] = None,
    wijk: Annotated[
        list[str] | None,
        typer.Option(
            "--wijk", help="Alleen deze wijk, code of naam (herhaalbaar), bv. WK999906 of Beekdal."
        ),
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
    maat: Annotated[
        str,
        typer.Option(
            "--maat",
            metavar="[hiaat|capaciteit|gelijkheid]",
            help=(
                "Volgorde: hiaat (hiaatscore, standaard), capaciteit (capaciteit binnen "
                "bereik t.o.v. de norm, laagste eerst; rijen zonder capaciteitsnorm achteraan) "
                "of gelijkheid (Gini van de loopafstanden, ongelijkste eerst)."
            ),
        ),
    ] = "hiaat",
    opslag: OpslagBestandOptie = None,
    wijken: WijkenOptie = None,
    uitvoer: UitvoerOptie = settings.uitvoer_dir,
    uitgebreid: UitgebreidOptie = False,
) -> None:
    """Welke wijken (of buurten, gebieden) missen wat? Gefilterde hiatentabel op het scherm en in Excel."""  # noqa: E501
    _setup_logging(uitgebreid)
    import numpy as np
    import pandas as pd

    from gebiedsplan.analyse.hiaten import rank_by, summarize_dekking
    from gebiedsplan.analyse.run import run_analyse
    from gebiedsplan.export import dekking_toelichting, write_workbook
    from gebiedsplan.gemeente import load_gemeente
    from gebiedsplan.namen import resolve_wijk

    try:
        niveau = niveau.strip().lower()
        if niveau not in NIVEAUS:
            raise GebiedsplanError(f"--niveau {niveau!r}: kies wijk, buurt of gebied.")
        maat = maat.strip().lower()
        if maat not in MATEN:
            raise GebiedsplanError(f"--maat {maat!r}: kies {', '.join(MATEN)}.")
        g = load_gemeente(gemeente, opslag=opslag)
        wijk_codes = [resolve_wijk(g, w) for w in wijk or []]
        if wijk_codes and niveau == "gebied":
            raise GebiedsplanError("--wijk werkt met --niveau wijk of buurt.")
        analyse_wijken = _wijken(g, wijken)
        with console.status("Hiaten berekenen..."):
            analyse = run_analyse(g, wijken=analyse_wijken)
        tabel = getattr(analyse, NIVEAUS[niveau])
        if tabel is None:
            raise GebiedsplanError(
                f"Gemeente {g.code} heeft geen gebieden in {g.bestand}; zet ze onder 'gebieden:' "
                "of kies --niveau wijk of buurt."
            )
        cats = tabel.index.get_level_values("categorie")
        codes = [_categorie(g, c, dict.fromkeys(cats)) for c in categorie or []]
        selectie = tabel
        if codes:
            selectie = selectie[cats.isin(codes)]
        if wijk_codes:
            wijkcode = (
                selectie.index.get_level_values(0)
                if niveau == "wijk"
                else selectie.index.get_level_values(0).map(g.buurten["wijkcode"])
            )
            selectie = selectie[wijkcode.isin(wijk_codes)]
        # rows withheld for coverage stay in view (without a score, with the reason) unless a
        # threshold above 0 asks for scores only
        achtergehouden = (selectie["dekking"] != "volledig").to_numpy()
        zonder_score = int(achtergehouden.sum())
        houd = selectie["hiaatscore"].fillna(-1).to_numpy() >= drempel
        if drempel <= 0:
            houd |= achtergehouden
        selectie = selectie[houd]
        if maat == "hiaat":
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
        else:
            selectie = rank_by(selectie, maat)  # type: ignore[arg-type]
        blad = f"Hiaten per {niveau}" + (f" - {maat}" if maat != "hiaat" else "")
        naam = bestandsnaam(
            "hiaten",
            g.code,
            niveau,
            codes,
            wijk_codes,
            f"drempel{drempel:g}" if drempel > 0 else None,
            maat if maat != "hiaat" else None,
            _wijken_deel(analyse_wijken),
        )
        volgorde = {
            "hiaat": "hiaatscore (rang)",
            "capaciteit": "capaciteit binnen bereik t.o.v. de norm, laagste eerst",
            "gelijkheid": "Gini van de loopafstanden, ongelijkste eerst",
        }[maat]
        pad = write_workbook(
            Path(uitvoer) / f"{naam}.xlsx",
            {blad: selectie},
            toelichting=[
                f"Hiaten sociale basis - {g.titel}, per {niveau}",
                f"Filter: categorie {', '.join(codes or ['alle'])}; wijk "
                f"{', '.join(wijk_codes or ['alle'])}; hiaatscore vanaf {drempel:g}"
                + (f"; alleen inwoners van {', '.join(analyse_wijken)}" if analyse_wijken else "")
                + f". Volgorde: {volgorde}.",
                "Hiaatscore = 100 x max(0, doeldekking - aandeel binnen norm) / doeldekking.",
                *dekking_toelichting(),
                *_dekking_opmerkingen(analyse),
            ],
            herkomst=g.herkomst,
            synthetisch=g.synthetisch,
        )
    except GebiedsplanError as exc:
        raise _fail(exc) from None
    naamkolom = {"wijk": "wijknaam", "buurt": "buurtnaam", "gebied": None}[niveau]
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
    kolommen: dict[str, str] = {selectie.index.names[0]: niveau.capitalize()}
    if naamkolom is not None:  # a gebied's index is its name; its soort is a column
        kolommen[naamkolom] = "Naam"
    elif "soort" in selectie.columns:
        kolommen["soort"] = "Soort"
    kolommen.update({"voorziening": "Voorziening", "score_tekst": "Hiaatscore"})
    if maat == "capaciteit":
        weergave = weergave.assign(
            capaciteit_tekst=_tekst_of_streep(weergave.get("toegang_verhouding", np.nan), 2)
        )
        kolommen.update(
            {"capaciteit_tekst": "Capaciteit t.o.v. norm", "capaciteitstekort": "Capaciteitstekort"}
        )
    elif maat == "gelijkheid":
        weergave = weergave.assign(
            gini_tekst=_tekst_of_streep(weergave.get("gini_afstand", np.nan), 2),
            palma_tekst=_tekst_of_streep(weergave.get("palma_afstand", np.nan), 2),
        )
        kolommen.update(
            {"gini_tekst": "Gini", "palma_tekst": "Palma", "buiten_tekst": "Buiten norm"}
        )
    else:
        kolommen.update({"buiten_tekst": "Buiten norm", "capaciteitstekort": "Capaciteitstekort"})
    _toon_tabel(
        f"Hiaten per {niveau} - {g.titel} ({len(selectie)} rijen"
        + (f", op {maat})" if maat != "hiaat" else ")"),
        weergave.reset_index(),
        kolommen,
        max_rijen=25,
    )
    if maat == "capaciteit":
        console.print(
            "Capaciteit t.o.v. norm: capaciteit binnen loopafstand gedeeld door wat de norm "
            "vraagt (1 = precies genoeg; lager is minder). '-': geen capaciteitsnorm of "
            "capaciteit onbekend."
        )
    elif maat == "gelijkheid":
        console.print(
            "Gini en Palma van de loopafstanden binnen het gebied: hoger is ongelijker (Gini 0 = "
            "iedereen even ver)."
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


@app.command(cls=_Opdracht)
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
            analyse_wijken = _wijken(g, wijken)
            basis = run_analyse(g, wijken=analyse_wijken)
            begin = time.perf_counter()
            resultaat = compare_scenario(basis, s, niveaus=("wijk",))
            duur = time.perf_counter() - begin
        pad = write_workbook(
            Path(uitvoer)
            / f"{bestandsnaam('scenario', g.code, _wijken_deel(analyse_wijken), onderwerp=s.naam)}.xlsx",
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


@app.command(cls=_Opdracht)
def locatie(
    gemeente: Annotated[
        str, typer.Argument(help="Gemeentebestand in wijken/ (bv. demo) of een pad.")
    ],
    categorie: Annotated[
        str,
        typer.Option(
            "--categorie", help="Voor welke voorziening, code of naam, bv. ontmoeting of Huisarts."
        ),
    ],
    gebied: Annotated[
        str | None,
        typer.Option(
            "--gebied",
            help=(
                "Kandidaten: de kruispunten en knooppunten van het wegennet in dit gebied (naam, "
                "bv. 'Pilot Zuid'), genoemd naar straat en wijk."
            ),
        ),
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
    from gebiedsplan.namen import categorie_labels, resolve_gebied

    try:
        kand = _lees_kandidaten(kandidaten) if kandidaten is not None else None
        g = load_gemeente(gemeente, opslag=opslag)
        categorie = _categorie(g, categorie)
        gebied = resolve_gebied(g, gebied) if gebied is not None and kand is None else gebied
        analyse_wijken = _wijken(g, wijken)
        with console.status("Kandidaten doorrekenen..."):
            keuze = choose_locaties(
                g,
                categorie,
                kandidaten=kand,
                gebied=gebied,
                aantal=aantal,
                capaciteit=capaciteit,
                wijken=analyse_wijken,
            )
        naam = bestandsnaam(
            "locatie",
            g.code,
            categorie,
            kandidaten.stem if kandidaten is not None else gebied,
            aantal,
            f"capaciteit{capaciteit:g}" if capaciteit is not None else None,
            _wijken_deel(analyse_wijken),
        )
        pad = write_workbook(
            Path(uitvoer) / f"{naam}.xlsx",
            {"Gekozen": keuze.gekozen, "Kandidaten": keuze.kandidaten},
            context="locatie",
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
        f"Beste {len(keuze.gekozen)} locatie(s) voor "
        f"{categorie_labels([categorie])[categorie].lower()} ({keuze.methode})",
        keuze.gekozen.reset_index().assign(  # RD coordinates in whole metres, as GIS shows them
            x=lambda d: d["x"].map(lambda v: f"{v:.0f}"),
            y=lambda d: d["y"].map(lambda v: f"{v:.0f}"),
        ),
        {
            "naam": "Locatie",
            "extra_binnen_norm": "Nieuw binnen norm",
            "x": "x (RD)",
            "y": "y (RD)",
            "id": "Kandidaat",
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


@app.command(cls=_Opdracht)
def ruimte(
    gemeente: Annotated[
        str, typer.Argument(help="Gemeentebestand in wijken/ (bv. demo, arnhem) of een pad.")
    ],
    niveau: Annotated[
        str,
        typer.Option("--niveau", metavar="[wijk|gebied]", help="Per wijk of per gebied."),
    ] = "wijk",
    gebied: Annotated[
        str | None,
        typer.Option(
            "--gebied", help="Alleen dit gebied (naam, bv. Havenkwartier); zet --niveau gebied."
        ),
    ] = None,
    scenario: Annotated[
        Path | None,
        typer.Option(
            "--scenario",
            help="Scenariobestand: ook de m² na het woningbouwprogramma en de openingen/sluitingen.",
        ),
    ] = None,
    opslag: OpslagBestandOptie = None,
    uitvoer: UitvoerOptie = settings.uitvoer_dir,
    uitgebreid: UitgebreidOptie = False,
) -> None:
    """Vloeroppervlak tegen referentienormen: benodigde m² bvo uit de woningen naast de m² van de accommodaties in gebruik, per functie, nu en na een woningbouwprogramma."""  # noqa: E501
    _setup_logging(uitgebreid)
    import pandas as pd

    from gebiedsplan.analyse.scenario import load_scenario
    from gebiedsplan.analyse.vloeroppervlak import compute_vloeroppervlak, vloernormen_tabel
    from gebiedsplan.export import write_workbook
    from gebiedsplan.gemeente import load_gemeente
    from gebiedsplan.namen import resolve_gebied

    try:
        if niveau not in ("wijk", "gebied"):
            raise GebiedsplanError(f"--niveau {niveau!r}: kies wijk of gebied.")
        g = load_gemeente(gemeente, opslag=opslag)
        if gebied is not None:
            gebied = resolve_gebied(g, gebied)
            niveau = "gebied"
        s = load_scenario(scenario, g) if scenario is not None else None
        with console.status("Vloeroppervlak berekenen..."):
            nu = compute_vloeroppervlak(g, niveau=niveau)  # type: ignore[arg-type]
            na = (
                compute_vloeroppervlak(g, niveau=niveau, woningbouw=s)  # type: ignore[arg-type]
                if s is not None
                else None
            )
        if gebied is not None:
            nu = nu.loc[[gebied]]
            na = na.loc[[gebied]] if na is not None else None
        bladen: dict[str, pd.DataFrame] = {f"Vloeroppervlak per {niveau} nu": nu}
        if na is not None and s is not None:
            bladen[f"Na scenario {s.naam}"[:31]] = na
        bladen["Vloernormen"] = vloernormen_tabel(g)
        naam = bestandsnaam("ruimte", g.code, niveau, gebied, s.naam if s is not None else None)
        pad = write_workbook(
            Path(uitvoer) / f"{naam}.xlsx",
            bladen,
            toelichting=[
                f"Vloeroppervlak maatschappelijke voorzieningen - {g.titel}, per {niveau}",
                "Benodigd m² = woningen / 1.000 x norm (m² bvo per 1.000 woningen, "
                "lagen/catalogus/vloernormen.yml of het gemeentebestand onder vloernormen:); "
                "tekort = max(0, benodigd - aanwezig).",
                "Woningen: de CBS-woningvoorraad van de wijk waar de opslag die heeft, anders de "
                "huishoudens van de buurten (kolom bron woningen).",
                "Aanwezig m²: het bvo van de accommodaties in gebruik met die functie; een "
                "accommodatie met meer functies verdeelt haar bvo gelijk over die functies. Een "
                "accommodatie zonder bvo telt apart (nooit als 0 m²); zonder laag accommodaties "
                "is het aanwezige oppervlak onbekend.",
                "Normen met soort 'aanname' zijn aannames van gebiedsplan: vervang ze door de "
                "normen van de gemeente (blad Vloernormen noemt per norm de bron).",
                *(
                    [
                        f"Scenario {s.naam}: {s.omschrijving} Nieuwe woningen uit de stappen "
                        "woningbouw (een opvang brengt inwoners, geen woningen); openingen, "
                        "sluitingen en verplaatsingen van accommodaties toegepast."
                    ]
                    if s is not None
                    else []
                ),
            ],
            herkomst=g.herkomst,
            synthetisch=g.synthetisch,
        )
    except GebiedsplanError as exc:
        raise _fail(exc) from None
    sleutel = str(nu.index.names[0])
    weergave = nu.reset_index()
    gebieden = list(dict.fromkeys(weergave[sleutel]))
    # the homes are the same for every function of an area: said once per area, not per row
    for code in gebieden[:10]:
        rij = nu.loc[code].iloc[0]
        tekst = f"{code}: {getal(rij['woningen'])} woningen ({rij['bron_woningen']})"
        if na is not None:
            tekst += f", na het programma {getal(na.loc[code].iloc[0]['woningen'])}"
        console.print(escape(tekst + "."), highlight=False)
    kolommen = {sleutel: niveau.capitalize()} if len(gebieden) > 1 else {}
    kolommen["functie_label"] = "Functie"
    if na is None:
        kolommen.update(
            {"benodigd_m2": "Benodigd m²", "aanwezig_m2": "Aanwezig m²", "tekort_m2": "Tekort m²"}
        )
    else:
        weergave = weergave.assign(
            benodigd_na=na["benodigd_m2"].to_numpy(),
            aanwezig_na=na["aanwezig_m2"].to_numpy(),
            tekort_na=na["tekort_m2"].to_numpy(),
        )
        kolommen.update(
            {
                "benodigd_m2": "Benodigd m² nu",
                "aanwezig_m2": "Aanwezig m² nu",
                "benodigd_na": "Benodigd m² na",
                "aanwezig_na": "Aanwezig m² na",
                "tekort_na": "Tekort m² na",
            }
        )
    for kolom in kolommen:
        if kolom not in (sleutel, "functie_label"):
            weergave[kolom] = _tekst_of_streep(weergave[kolom], 0)
    _toon_tabel(
        f"Vloeroppervlak per {niveau}"
        + (f" {gebieden[0]}" if len(gebieden) == 1 else "")
        + f" - {g.titel}"
        + (f" (nu en na scenario {s.naam})" if s is not None else ""),
        weergave,
        kolommen,
        max_rijen=40,
    )
    for opmerking in dict.fromkeys(o for o in nu["opmerking"] if isinstance(o, str) and o):
        console.print(f"[yellow]{escape(opmerking)}[/yellow]", highlight=False)
    aannames = vloernormen_tabel(g)
    n_aanname = int((aannames["norm_soort"] == "aanname").sum())
    if n_aanname:
        console.print(
            f"{n_aanname} van de {len(aannames)} normen zijn aannames van gebiedsplan (blad "
            "Vloernormen): vervang ze door die van de gemeente (vloernormen: in het "
            "gemeentebestand)."
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
        raise BronError(
            f"Kandidatenbestand {pad} heeft geen geometrie (geen kaartlaag). {verwacht}"
        )
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


KAARTSOORTEN = (
    "hiaten",
    "gebied",
    "gezondheid",
    "groen",
    "voorzieningen",
    "bereik",
    "scenario",
    "inbreng",
    "verandering",
)


def _check_verandering_opties(
    soort: str, *, indicator: str | None, sinds: int | None, niveau: str | None
) -> None:
    """``--indicator``, ``--sinds`` and ``--niveau`` belong to ``kaart --soort verandering``,
    which needs ``--indicator``."""
    if soort != "verandering":
        teveel = [
            o
            for o, v in (("--indicator", indicator), ("--sinds", sinds), ("--niveau", niveau))
            if v is not None
        ]
        if teveel:
            raise GebiedsplanError(
                f"{', '.join(teveel)} hoort bij --soort verandering; laat het anders weg."
            )
        return
    if not indicator:
        raise GebiedsplanError(
            "--soort verandering vraagt --indicator <kerncijfer>, bv. --indicator "
            "aantal_inwoners (lagen/catalogus/trend.yml)."
        )
    if niveau is not None and niveau not in ("wijk", "buurt"):
        raise GebiedsplanError(f"--niveau {niveau!r} bestaat niet; kies wijk of buurt.")


@app.command(cls=_Opdracht)
def kaart(
    gemeente: Annotated[
        str, typer.Argument(help="Gemeentebestand in wijken/ (bv. demo) of een pad.")
    ],
    soort: Annotated[
        str,
        typer.Option(
            "--soort",
            help=f"Soort kaart: {', '.join(KAARTSOORTEN)}.",
        ),
    ] = "hiaten",
    gebied: Annotated[
        str | None,
        typer.Option("--gebied", help="Gebied (bij --soort gebied of inbreng), bv. Havenkwartier."),
    ] = None,
    bijeenkomst: Annotated[
        str | None,
        typer.Option(
            "--bijeenkomst",
            help="Naam van de bijeenkomst (bij --soort inbreng), bv. 'Wijkavond Havenkwartier'.",
        ),
    ] = None,
    voorziening: Annotated[
        str | None,
        typer.Option(
            "--voorziening",
            help=(
                "Voorziening (bij --soort bereik): naam of id, bv. 'Wijkcentrum De Markt' of "
                "vz0001 (gebiedsplan lijst GEMEENTE voorzieningen)."
            ),
        ),
    ] = None,
    scenario: Annotated[
        Path | None, typer.Option("--scenario", help="Scenariobestand (bij --soort scenario).")
    ] = None,
    indicator: Annotated[
        str | None,
        typer.Option(
            "--indicator",
            help="Kerncijfer (bij --soort verandering; lagen/catalogus/trend.yml), bv. "
            "aantal_inwoners.",
        ),
    ] = None,
    sinds: Annotated[
        int | None,
        typer.Option(
            "--sinds",
            help="Beginjaar (bij --soort verandering); standaard het eerste jaar.",
        ),
    ] = None,
    niveau: Annotated[
        str | None,
        typer.Option("--niveau", help="wijk of buurt (bij --soort verandering; standaard wijk)."),
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
    from gebiedsplan.namen import resolve_gebied, resolve_voorziening
    from gebiedsplan.publiceren.index import write_index

    try:
        soort = soort.strip().lower()
        if soort not in KAARTSOORTEN:
            raise GebiedsplanError(f"--soort {soort!r}: kies uit {', '.join(KAARTSOORTEN)}.")
        if bijeenkomst is not None and soort != "inbreng":
            raise GebiedsplanError("--bijeenkomst hoort bij --soort inbreng; laat het anders weg.")
        _check_verandering_opties(soort, indicator=indicator, sinds=sinds, niveau=niveau)
        g = load_gemeente(gemeente, opslag=opslag)
        analyse_wijken = _wijken(g, wijken)
        wat: list[Any] = []  # what the map shows beyond its soort: in its file name
        dekking_van = None
        with console.status("Kaart maken..."):
            if soort == "gezondheid":
                m = k.make_gezondheid_kaart(g)
            elif soort == "groen":
                m = k.make_groen_kaart(g, compute_groen(g))
            elif soort == "voorzieningen":
                m = k.make_voorzieningen_kaart(g)
            elif soort == "inbreng":
                gebied = resolve_gebied(g, gebied) if gebied else None
                m = k.make_inbreng_kaart(g, bijeenkomst=bijeenkomst, gebied=gebied)
                wat = [bijeenkomst or gebied or "wijkavond"]
            elif soort == "verandering":
                from gebiedsplan.analyse.trend import compute_trend
                from gebiedsplan.kaarten.trend import make_verandering_kaart

                assert indicator is not None
                tabel = compute_trend(
                    g,
                    indicator,
                    niveau=niveau or "wijk",  # type: ignore[arg-type]
                    wijken=analyse_wijken,
                    sinds=sinds,
                    min_inwoners=_publicatie_minimum(indicator),
                )
                m = make_verandering_kaart(g, tabel)
            elif soort == "bereik":
                if not voorziening:
                    raise GebiedsplanError(
                        "--soort bereik vraagt --voorziening <naam of id>; zie gebiedsplan lijst "
                        f"{gemeente} voorzieningen."
                    )
                vz = resolve_voorziening(g, voorziening)
                k.check_publishable_voorziening(g, vz)  # before any computing
                m = k.make_bereik_kaart(g, compute_voorzieningbereik(g, vz))
                wat = [vz]
            else:
                if soort == "gebied":  # a typing error before the analysis, not after
                    if not gebied:
                        raise GebiedsplanError("--soort gebied vraagt --gebied <naam>.")
                    gebied = resolve_gebied(g, gebied)
                s = load_scenario(scenario, g) if soort == "scenario" and scenario else None
                if soort == "scenario" and s is None:
                    raise GebiedsplanError("--soort scenario vraagt --scenario <bestand>.")
                analyse = run_analyse(g, wijken=analyse_wijken)
                dekking_van = analyse
                if soort == "hiaten":
                    m = k.make_kaart(g, analyse.hiaten, volledigheid=analyse.volledigheid)
                elif soort == "gebied":
                    assert gebied is not None
                    m = k.make_gebied_kaart(g, analyse, gebied)
                    wat = [gebied]
                else:
                    assert s is not None
                    m = k.make_scenario_kaart(g, compare_scenario(analyse, s).verschil)
                    wat = [s.naam]
                wat += _wijken_deel(analyse_wijken)
            naam = (
                veranderingsnaam(g.code, tabel, analyse_wijken)
                if soort == "verandering"
                else bestandsnaam(soort, g.code, *wat)
            )
            with atomic_batch():  # the map and the index land together
                pad = k.save_kaart(m, kaarten / f"{naam}.html")
                write_index(kaarten)
    except GebiedsplanError as exc:
        raise _fail(exc) from None
    if dekking_van is not None:
        _toon_dekking(dekking_van)
    console.print(f"[green]✓[/green] Kaart: {pad} (overzicht: {kaarten / 'index.html'})")


@app.command(cls=_Opdracht)
def rapport(
    gemeente: Annotated[
        str, typer.Argument(help="Gemeentebestand in wijken/ (bv. demo, arnhem) of een pad.")
    ],
    gebied: Annotated[
        str,
        typer.Option(
            "--gebied", help="Het gebied (naam, hoofdletters tellen niet), bv. Havenkwartier."
        ),
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
    from gebiedsplan.analyse.inbreng import join_signalen
    from gebiedsplan.analyse.run import run_analyse
    from gebiedsplan.analyse.scenario import compare_scenario, load_scenario
    from gebiedsplan.analyse.trend import rapport_trends
    from gebiedsplan.gemeente import load_gemeente
    from gebiedsplan.namen import resolve_gebied
    from gebiedsplan.publiceren.index import write_index
    from gebiedsplan.rapport.pagina import make_rapport, save_rapport
    from gebiedsplan.rapport.pdf import save_rapport_pdf

    try:
        with console.status(f"Gebiedsplan {gebied} maken..."):
            g = load_gemeente(gemeente, opslag=opslag)
            gebied = resolve_gebied(g, gebied)
            analyse_wijken = _wijken(g, wijken)
            plan = load_scenario(scenario, g) if scenario else None
            a = run_analyse(g, wijken=analyse_wijken)
            s = compare_scenario(a, plan) if plan is not None else None
            geteld = (a.signalen or {}).get("gebied")
            signalen = (
                join_signalen(a.hiaten_gebied, geteld)
                if geteld is not None and a.hiaten_gebied is not None
                else None
            )
            html = make_rapport(
                g, a, gebied, scenario=s, trends=rapport_trends(g, gebied), signalen=signalen
            )
            naam = bestandsnaam(
                "gebiedsplan",
                g.code,
                gebied,
                ["scenario", plan.naam] if plan is not None else None,
                _wijken_deel(analyse_wijken),
            )
            with atomic_batch():  # the report, its PDF and the index land together
                pad = save_rapport(html, kaarten / f"{naam}.html")
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


@app.command("vergelijk-cbs", cls=_Opdracht)
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


def _publicatie_minimum(indicator: str) -> int | None:
    """The publishing profile's minimum residents for a health indicator's trend (tables,
    charts and maps are published); None for other indicators."""
    from gebiedsplan.analyse.trend import is_gezondheid
    from gebiedsplan.publiceren.profiel import load_publicatieprofiel

    if not is_gezondheid(indicator):
        return None
    return load_publicatieprofiel().min_inwoners_gezondheid


#: The layers a trend is made of (its sources in the workbook).
TREND_LAGEN = ("kerncijfers_jaren", "buurten_indeling", "buurten", "vraagpunten")
#: The layers a count of facilities per year is made of (``--indicator voorzieningen_...``).
TREND_VOORZIENINGEN_LAGEN = ("voorzieningen_jaren", "buurten")

SindsOptie = Annotated[
    int | None,
    typer.Option(
        "--sinds",
        help="Beginjaar van de verandering (tot het laatste jaar); standaard het eerste jaar.",
    ),
]


def veranderingsnaam(code: str, trend: Any, wijken: list[str] | None = None) -> str:
    """The file name (without extension) of the map "Verandering sinds ...":
    ``verandering_<indicator>_<niveau>_<code>``, then ``sinds_<jaar>`` when the change does not
    start in the first year and the wijken when only some are shown; ``gebiedsplan trend``
    and ``gebiedsplan kaart --soort verandering`` name the same map alike.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame(); t.attrs.update(indicator="aantal_inwoners", niveau="wijk",
    ...     jaren=["2019", "2024"], sinds="2019")
    >>> veranderingsnaam("GM9999", t)
    'verandering_aantal_inwoners_wijk_GM9999'
    >>> t.attrs["sinds"] = "2021"
    >>> veranderingsnaam("GM9999", t, ["WK999901"])
    'verandering_aantal_inwoners_wijk_GM9999_sinds_2021_wijken_wk999901'
    """
    a = trend.attrs
    sinds = ["sinds", a["sinds"]] if a["sinds"] != a["jaren"][0] else []
    return bestandsnaam(
        "verandering",
        code,
        sinds,
        _wijken_deel(wijken),
        onderwerp=f"{a['indicator']}_{a['niveau']}",
    )


def _toon_trend(tabel: Any, titel: str, *, xlsx: Path) -> None:
    """The trend table on screen: every year when it fits the terminal, else the years of the
    change (``sinds`` and the last) with a line that the workbook has them all. Names wrap,
    numbers never; a re-estimated figure gets ``*`` and a footnote instead of a column."""
    import pandas as pd

    from gebiedsplan.kaarten.trend import met_teken

    jaren = [str(j) for j in tabel.attrs["jaren"]]
    van = str(tabel.attrs["sinds"])
    herschat = tabel.attrs.get("herschat")
    decimalen = 0 if tabel.attrs["soort"] == "aantal" else 1
    gemarkeerd = False

    def cel(code: Any, jaar: str) -> str:
        nonlocal gemarkeerd
        v = tabel.at[code, jaar]
        if pd.isna(v):
            return "-"
        ster = herschat is not None and code in herschat.index and bool(herschat.at[code, jaar])
        gemarkeerd |= ster
        return getal(v, decimalen) + ("*" if ster else "")

    verschil = len(jaren) > 1  # one year: no change to show

    def regels(toon: list[str]) -> list[list[str]]:
        return [
            [str(code), str(r["naam"]), *(cel(code, j) for j in toon)]
            + (
                [
                    met_teken(r["verandering"], decimalen).replace("geen gegevens", "-"),
                    met_teken(r["verandering_pct"], 1).replace("geen gegevens", "-"),
                    str(r["richting"]),
                ]
                if verschil
                else []
            )
            for code, r in tabel.iterrows()
        ]

    def koppen(toon: list[str]) -> list[str]:
        return ["Code", "Naam", *toon, *(["Verschil", "%", "Richting"] if verschil else [])]

    def breedte(toon: list[str]) -> int:
        rijen = regels(toon)
        ks = koppen(toon)
        return sum(max([len(k), *(len(r[i]) for r in rijen)]) for i, k in enumerate(ks)) + (
            3 * len(ks) + 1
        )

    toon = jaren
    ingekort = breedte(jaren) > console.width
    if ingekort:
        toon = list(dict.fromkeys([van, jaren[-1]]))
    gemarkeerd = False
    rijen = regels(toon)
    t = Table(title=titel)
    for kop in koppen(toon):
        if kop == "Naam":
            t.add_column(kop, overflow="fold", ratio=1, min_width=8)
        else:
            rechts = kop not in ("Code", "Richting")
            t.add_column(kop, justify="right" if rechts else "left", no_wrap=True)
    for rij in rijen:
        t.add_row(*(escape(w) for w in rij))
    console.print(t)
    if verschil:
        console.print(
            f"Verschil: {jaren[-1]} min {van}; %: dat verschil in procenten van {van}.",
            highlight=False,
        )
    if gemarkeerd:
        console.print(
            "* herschat: cijfer uit een oudere CBS-buurtindeling, naar de adressen in de huidige "
            "buurten gebracht (grenswijziging).",
            highlight=False,
        )
    if ingekort:
        console.print(
            f"Alleen {' en '.join(toon)} passen in dit venster; alle jaren ({jaren[0]}-"
            f"{jaren[-1]}) en de herschatte jaren staan in {xlsx.name}.",
            highlight=False,
        )


@app.command("trend", cls=_Opdracht)
def trend(
    gemeente: Annotated[
        str, typer.Argument(help="Gemeentebestand in wijken/ (bv. demo) of een pad.")
    ],
    indicator: Annotated[
        str,
        typer.Option(
            "--indicator",
            help=(
                "Kerncijfer (lagen/catalogus/trend.yml), bv. aantal_inwoners, "
                "inwoners_65_jaar_en_ouder, aantal_huishoudens, gemiddeld_inkomen_per_inwoner; "
                "of het aantal voorzieningen van een categorie per jaar uit de momentopnamen: "
                "voorzieningen_<categorie>, bv. voorzieningen_huisarts."
            ),
        ),
    ] = "aantal_inwoners",
    wijk: Annotated[
        list[str] | None,
        typer.Option("--wijk", help="Alleen deze wijk (code of naam; herhaalbaar)."),
    ] = None,
    niveau: Annotated[str, typer.Option("--niveau", help="wijk of buurt.")] = "wijk",
    sinds: SindsOptie = None,
    opslag: OpslagBestandOptie = None,
    uitvoer: UitvoerOptie = settings.uitvoer_dir,
    kaarten: KaartOptie = settings.maps_dir,
    uitgebreid: UitgebreidOptie = False,
) -> None:
    """Toon hoe een kerncijfer zich over de jaren ontwikkelt per wijk of buurt, alle jaren in de huidige buurtgrenzen (cijfers van oudere indelingen naar adressen herschat en gemarkeerd): tabel (Excel), grafiek (SVG, PNG) en de kaart 'Verandering sinds ...' (HTML). Vraagt laag kerncijfers_jaren."""  # noqa: E501
    _setup_logging(uitgebreid)
    from gebiedsplan.analyse.trend import compute_trend
    from gebiedsplan.export import write_workbook
    from gebiedsplan.kaarten import save_kaart
    from gebiedsplan.kaarten.trend import make_verandering_kaart, save_trend
    from gebiedsplan.publiceren.index import write_index

    begin = time.perf_counter()
    try:
        if niveau not in ("wijk", "buurt"):
            raise GebiedsplanError(f"--niveau {niveau!r} bestaat niet; kies wijk of buurt.")
        g = _laad(gemeente, opslag)
        wijkcodes = _wijken(g, wijk)
        tabel = compute_trend(
            g,
            indicator,
            niveau=niveau,  # type: ignore[arg-type]
            wijken=wijkcodes,
            sinds=sinds,
            min_inwoners=_publicatie_minimum(indicator),
        )
        jaren = tabel.attrs["jaren"]
        van = tabel.attrs["sinds"]
        periode = jaren[0] if len(jaren) == 1 else f"{jaren[0]}-{jaren[-1]}"
        titel = f"{g.titel}: {tabel.attrs['label']} per {niveau}, {periode}"
        naam = f"trend_{indicator}_{niveau}_{g.code}"
        telling = tabel.attrs.get("laag") == "voorzieningen_jaren"
        trendlagen = TREND_VOORZIENINGEN_LAGEN if telling else TREND_LAGEN
        toelichting = [
            titel,
            "Aantal voorzieningen per jaar uit de momentopnamen (laag voorzieningen_jaren), "
            "geteld in de huidige buurt waarin ze liggen; accommodaties tellen mee met elke "
            "functie die geen gekoppelde voorziening al heeft. Voorzieningen buiten de gemeente "
            "tellen niet. Alleen jaren met een momentopname; 0 is echt geen voorziening."
            if telling
            else "Alle jaren in de huidige buurtgrenzen. Cijfers uit een oudere CBS-indeling zijn "
            "naar de huidige buurten gebracht naar de adressen (inwoners) in elk deel van de "
            "oude buurt: aantallen verdeeld naar het aandeel inwoners, gemiddelden gewogen naar "
            "inwoners. De kolom 'Herschatte jaren' noemt die jaren; het zijn schattingen.",
            f"Verandering en Verandering (%): {jaren[-1]} min {van} (--sinds).",
            f"Richting: 'gelijk' bij minder dan 0,5% verandering tussen {van} en {jaren[-1]}.",
            *_trend_voetnoten(tabel),
        ]
        with console.status("Tabel, grafiek en kaart schrijven..."), atomic_batch():
            xlsx = write_workbook(
                uitvoer / f"{naam}.xlsx",
                {"Trend": tabel.round(1)},
                toelichting=toelichting,
                herkomst={k: v for k, v in g.herkomst.items() if k in trendlagen},
                synthetisch=g.synthetisch,
                context="trend",
            )
            plaatjes = save_trend(
                tabel,
                uitvoer,
                naam=naam,
                titel=titel,
                onderschrift=g.synthetisch_tekst(lagen=trendlagen),
            )
            kaart = None
            if len(jaren) > 1:  # one year: no change to map
                kaart = save_kaart(
                    make_verandering_kaart(g, tabel),
                    kaarten / f"{veranderingsnaam(g.code, tabel, wijkcodes)}.html",
                )
                write_index(kaarten)
    except GebiedsplanError as exc:
        raise _fail(exc) from None
    _toon_trend(tabel, titel, xlsx=xlsx)
    console.print(f"[green]✓[/green] Tabel: {xlsx}")
    console.print(f"[green]✓[/green] Grafiek: {plaatjes['svg']} en {plaatjes['png']}")
    if kaart is not None:
        console.print(f"[green]✓[/green] Kaart: {kaart} (overzicht: {kaarten / 'index.html'})")
    else:
        console.print(
            f"[yellow]Alleen {jaren[0]}: voor een verandering (en de kaart 'Verandering sinds "
            "...') is een tweede jaar nodig; importeer een ouder jaar (gebiedsplan importeer "
            "--jaar ... --grenzen ...).[/yellow]"
        )
    for regel in _trend_voetnoten(tabel):
        console.print(escape(regel), highlight=False)
    if waarschuwing := g.synthetisch_tekst(lagen=trendlagen):
        console.print(f"[yellow]{escape(waarschuwing)}[/yellow]")
    console.print(f"Klaar in {time.perf_counter() - begin:.1f} s.")


@app.command("momentopname", cls=_Opdracht)
def momentopname(
    gemeente: Annotated[
        str, typer.Argument(help="Gemeentebestand in wijken/ (bv. demo) of een pad.")
    ],
    jaar: Annotated[
        int | None,
        typer.Option(
            "--jaar",
            help=(
                "Het jaar dat de voorzieningen beschrijven; standaard het nieuwste jaar in de "
                "peildatum van hun bronnen."
            ),
        ),
    ] = None,
    opslag: OpslagBestandOptie = None,
    uitgebreid: UitgebreidOptie = False,
) -> None:
    """Leg de huidige voorzieningen en accommodaties vast als momentopname van een jaar (laag voorzieningen_jaren), om het aantal voorzieningen per wijk over de jaren te volgen ('gebiedsplan trend --indicator voorzieningen_huisarts'). Een momentopname van hetzelfde jaar wordt vervangen; andere jaren blijven."""  # noqa: E501
    _setup_logging(uitgebreid)
    from gebiedsplan.catalogus import load_catalogus
    from gebiedsplan.importeren import maak_momentopname

    try:
        g = _laad(gemeente, opslag)
        assert g.opslag is not None
        with console.status("Momentopname schrijven..."):
            laag, verslag = maak_momentopname(g.opslag, jaar=jaar)
    except GebiedsplanError as exc:
        raise _fail(exc) from None
    gekozen = int(laag.data["jaar"].iloc[0])
    categorieen = load_catalogus().categorieen
    t = _lijst_tabel(
        f"{g.titel}: momentopname {gekozen}",
        [("Soort", "code"), ("Categorie", "tekst"), ("Aantal", "getal")],
    )
    aantallen = laag.data.groupby(["soort", "categorie"]).size()
    for soort, categorie, aantal in zip(
        aantallen.index.get_level_values(0),
        aantallen.index.get_level_values(1),
        aantallen,
        strict=True,
    ):
        code = str(categorie)
        label = categorieen[code].label if code in categorieen else code
        t.add_row(str(soort), escape(label), getal(int(aantal)))
    console.print(t)
    per_jaar = verslag.tellingen[verslag.tellingen["laag"] == "voorzieningen_jaren"]
    anders = [
        (str(bron).removeprefix("jaar "), int(na))
        for bron, na in zip(per_jaar["bron"], per_jaar["na"], strict=True)
        if str(bron) != f"jaar {gekozen}"
    ]
    console.print(
        f"[green]✓[/green] Laag voorzieningen_jaren: jaar {gekozen}, {getal(len(laag.data))} "
        "punten"
        + (
            "; andere jaren blijven: " + ", ".join(f"{j} ({getal(n)})" for j, n in anders)
            if anders
            else "; nog geen andere jaren"
        )
        + f" ({verslag.pad}).",
        highlight=False,
    )
    if waarschuwing := g.synthetisch_tekst(lagen=("voorzieningen", "accommodaties")):
        console.print(f"[yellow]{escape(waarschuwing)}[/yellow]")


def _trend_voetnoten(tabel: Any) -> list[str]:
    """What a reader of a trend must know beyond the figures: weights of another year, areas
    suppressed for privacy."""
    regels = []
    anders = {j: w for j, w in tabel.attrs.get("weging_jaren", {}).items() if j != w}
    if anders:
        regels.append(
            "Wijkgemiddelde gewogen naar de "
            + ("65-plussers" if "65" in str(tabel.attrs.get("indicator")) else "inwoners")
            + " van een ander jaar (het dichtstbijzijnde met cijfers): "
            + ", ".join(f"{j} met die van {w}" for j, w in anders.items())
            + "."
        )
    wie = "65-plussers" if "65" in str(tabel.attrs.get("indicator")) else "inwoners"
    minimum = tabel.attrs.get("min_inwoners")

    def _codes(codes: list[str]) -> str:
        return ", ".join(codes[:12]) + (" …" if len(codes) > 12 else "")

    if onderdrukt := tabel.attrs.get("onderdrukt"):
        regels.append(
            f"Geen waarde (privacy, publicatieprofiel) voor {len(onderdrukt)} "
            f"{'wijken' if tabel.attrs.get('niveau') == 'wijk' else 'buurten'} met minder dan "
            f"{minimum} {wie} of een onbekend aantal: {_codes(onderdrukt)}."
        )
    if zonder := tabel.attrs.get("zonder_cijfer"):
        regels.append(
            "Een wijk met een buurt zonder cijfer (door CBS geheimgehouden of niet geleverd) "
            "heeft in dat jaar geen waarde, nooit een halve som: "
            + ", ".join(f"{w} ({b})" for b, w in sorted(zonder.items()))
            + "."
        )
    if weggelaten := tabel.attrs.get("weggelaten"):
        regels.append(
            f"{len(weggelaten)} buurten met minder dan {minimum} {wie} (of een onbekend aantal) "
            f"tellen niet mee in het wijkgemiddelde (privacy): {_codes(weggelaten)}."
        )
    return regels


@app.command(cls=_Opdracht)
def landelijk(
    synthetisch: Annotated[
        int | None,
        typer.Option(
            "--synthetisch",
            metavar="N",
            help="Een synthetisch land van N x N gemeenten (4 x 4 km, straten om de 80 m).",
        ),
    ] = None,
    invoer: Annotated[
        Path | None,
        typer.Option(
            "--invoer",
            help=(
                "GeoPackage met de landelijke lagen gemeenten, wijken, buurten, vraagpunten, "
                "voorzieningen en wegen."
            ),
        ),
    ] = None,
    wegen: Annotated[
        Path | None,
        typer.Option(
            "--wegen",
            help=(
                "Echte bestanden: het wegennet, een .osm.pbf (bv. netherlands-latest.osm.pbf "
                "van Geofabrik, gestroomd gelezen) of een GeoPackage met wegen; met --grenzen."
            ),
        ),
    ] = None,
    grenzen: GrenzenOptie = None,
    kerncijfers: KerncijfersOptie = None,
    adressen: Annotated[
        Path | None,
        typer.Option(
            "--adressen",
            help=(
                "BAG (bag-light.gpkg van PDOK): de inwoners per buurt over de woonadressen; "
                "zonder: verdeeld over de buurt."
            ),
        ),
    ] = None,
    voorzieningen: VoorzieningenOptie = None,
    jaar: Annotated[
        int | None,
        typer.Option("--jaar", help="Jaar van grenzen en kerncijfers (nodig bij --wegen)."),
    ] = None,
    knopen: Annotated[
        str,
        typer.Option(
            "--knopen",
            help=(
                "Bij --wegen: kruisingen (standaard; knopen op kruisingen, elke straat houdt "
                "haar vorm: aansluiten als in de eigen analyse van een gemeente) of vormpunten "
                "(elk vormpunt een knoop: dezelfde uitkomst met enkele malen meer knopen)."
            ),
        ),
    ] = "kruisingen",
    bewaar_invoer: Annotated[
        Path | None,
        typer.Option(
            "--bewaar-invoer",
            metavar="LAND.GPKG",
            help="Bewaar het land uit de bestanden als GeoPackage (later: --invoer LAND.GPKG).",
        ),
    ] = None,
    gemeenten: Annotated[
        str | None,
        typer.Option(
            "--gemeenten",
            help="Alleen deze gemeenten (CBS-codes, bv. een provincie): GM0202,GM0200.",
        ),
    ] = None,
    categorieen: Annotated[
        str | None,
        typer.Option("--categorieen", help="Alleen deze categorieën, bv. huisarts,basisschool."),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            help=(
                "Aantal werkprocessen op deze computer (standaard één per kern); 0: zonder "
                "Dask, in dit proces."
            ),
        ),
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler",
            metavar="ADRES",
            help="Adres van een bestaand Dask-cluster, bv. tcp://10.0.0.5:8786.",
        ),
    ] = None,
    per_adres: Annotated[
        bool,
        typer.Option("--per-adres", help="Schrijf ook de uitkomst per adres (Parquet)."),
    ] = False,
    uitvoer: UitvoerOptie = settings.uitvoer_dir,
    uitgebreid: UitgebreidOptie = False,
) -> None:
    """Bereikbaarheid voor veel gemeenten tegelijk (een provincie of het hele land), per gemeente met grensbuffer verdeeld over Dask: tabellen per buurt, wijk en gemeente (GeoPackage, Parquet)."""  # noqa: E501
    _setup_logging(uitgebreid)
    begin = time.perf_counter()
    try:
        from gebiedsplan.landelijk.invoer import LandBestanden, build_land_uit_bestanden
        from gebiedsplan.landelijk.land import build_land, read_land, write_land
        from gebiedsplan.landelijk.uitvoeren import (
            instellingen_voor,
            run_landelijk,
            worker_peak_mb,
            write_landelijk,
        )

        bestanden_gegeven = [
            naam
            for naam, waarde in (
                ("--grenzen", grenzen),
                ("--kerncijfers", kerncijfers),
                ("--adressen", adressen),
                ("--voorzieningen", voorzieningen),
                ("--bewaar-invoer", bewaar_invoer),
                ("--knopen", knopen != "kruisingen"),
                ("--jaar", jaar is not None),
            )
            if waarde
        ]
        if [synthetisch is not None, invoer is not None, wegen is not None].count(True) != 1:
            raise GebiedsplanError(
                "Geef precies één van --synthetisch N (een synthetisch land van N x N "
                "gemeenten), --invoer BESTAND (een GeoPackage met de landelijke lagen) en "
                "--wegen BESTAND met --grenzen (echte bestanden: wegennet en Wijk- en Buurtkaart)."
            )
        if wegen is None and bestanden_gegeven:
            raise GebiedsplanError(
                f"{', '.join(bestanden_gegeven)} horen bij echte bestanden: geef ook --wegen "
                "(.osm.pbf of GeoPackage met wegen) en --grenzen."
            )
        if wegen is not None and not grenzen:
            raise GebiedsplanError(
                "--wegen zonder --grenzen: geef ook de Wijk- en Buurtkaart van CBS "
                "(--grenzen wijkenbuurten_2024.gpkg) en de kerncijfers (--kerncijfers)."
            )
        if wegen is not None and jaar is None:
            raise GebiedsplanError(
                "--wegen zonder --jaar: geef het jaar van de Wijk- en Buurtkaart en de "
                "kerncijfers (bv. --jaar 2024); het staat in de herkomst van elke tabel."
            )
        if synthetisch is not None and not 1 <= synthetisch <= 44:
            raise GebiedsplanError(
                f"--synthetisch {synthetisch} kan niet: kies 1 tot 44 (44 x 44 gemeenten is "
                "ongeveer 5 miljoen knopen)."
            )
        if workers is not None and workers < 0:
            raise GebiedsplanError(f"--workers {workers} kan niet: geef 0 of meer.")
        inst = instellingen_voor(
            categorieen=_lijst(categorieen),
            per_vraagpunt=per_adres,
        )
        with console.status("Landelijke invoer lezen..."):
            if synthetisch is not None:
                land = build_land(synthetisch, gemeente_m=4000.0, straat_m=80.0)
            elif wegen is not None:
                assert jaar is not None
                land = build_land_uit_bestanden(
                    LandBestanden(
                        wegen=wegen,
                        grenzen=tuple(grenzen or ()),
                        kerncijfers=tuple(kerncijfers or ()),
                        adressen=adressen,
                        voorzieningen=tuple(voorzieningen or ()),
                        jaar=jaar,
                    ),
                    gemeenten=_lijst(gemeenten),
                    knopen=knopen,
                )
                if bewaar_invoer is not None:
                    write_land(land, bewaar_invoer)
            else:
                assert invoer is not None
                land = read_land(invoer)
        console.print(
            f"Invoer: {getal(len(land.gemeenten))} gemeenten, {getal(land.n_knopen)} knopen"
            f"{f' (straten met {getal(land.n_vormpunten)} vormpunten)' if land.n_vormpunten else ''}"
            f", {getal(len(land.vraagpunten))} adressen, {getal(len(land.voorzieningen))} "
            f"voorzieningen{' (synthetisch)' if land.synthetisch else ''}.",
            highlight=False,
        )
        resultaat = run_landelijk(
            land,
            gemeenten=_lijst(gemeenten),
            instellingen=inst,
            workers=workers,
            scheduler=scheduler,
            voortgang=console.is_terminal,
            melding=lambda tekst: console.print(tekst, highlight=False),
        )
        with console.status("Tabellen schrijven..."):
            paden = write_landelijk(resultaat, land, uitvoer)
    except GebiedsplanError as exc:
        raise _fail(exc) from None
    tabel = resultaat.gemeenten
    buiten = int(resultaat.partities["inwoners_buiten_buffer"].sum())
    per_gemeente = tabel.groupby(level=0).first() if len(tabel) else None

    def _som(kolom: str) -> int:
        if per_gemeente is None or kolom not in per_gemeente:
            return 0
        return int(per_gemeente[kolom].sum())

    inwoners = _som("inwoners")
    console.print(
        f"Geanalyseerd: {getal(_som('inwoners_geanalyseerd'))} van {getal(inwoners)} inwoners; "
        f"{getal(_som('inwoners_los_van_netwerk'))} wonen verder dan "
        f"{getal(resultaat.instellingen.max_snap_m)} m van het wegennet en "
        f"{getal(_som('inwoners_klein_netwerkdeel'))} aan een los stuk netwerk van minder dan "
        f"{getal(resultaat.instellingen.min_netwerkdeel_m)} m: zij tellen nergens mee, ook niet "
        "als hiaat.",
        highlight=False,
    )
    console.print(
        f"[green]✓[/green] {getal(len(resultaat.partities))} partities in "
        f"{resultaat.seconden:.1f} s; grootste geheugen per worker "
        f"{getal(round(worker_peak_mb(resultaat)))} MB.",
        highlight=False,
    )
    console.print(
        f"{getal(buiten)} van {getal(inwoners)} inwoners hebben voor minstens één categorie een "
        f"afstand of telling die verder reikt dan de grensbuffer "
        f"({getal(resultaat.instellingen.buffer_m)} m): hun getal is een bovengrens (kolom "
        "inwoners_buiten_buffer).",
        highlight=False,
    )
    for pad in paden:
        console.print(f"[green]✓[/green] {pad}", highlight=False)
    console.print(f"Klaar in {time.perf_counter() - begin:.1f} s.")


def _lijst(tekst: str | None) -> list[str] | None:
    """``a,b`` -> ``["a", "b"]``; nothing -> None."""
    if tekst is None:
        return None
    return [deel.strip() for deel in tekst.split(",") if deel.strip()]


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
