"""The ``gebiedsplan`` command: thin over the Python API, Dutch for the people who use it."""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.logging import RichHandler
from rich.table import Table

from gebiedsplan import __version__, settings
from gebiedsplan._errors import GebiedsplanError

app = typer.Typer(
    name="gebiedsplan",
    help=(
        "gebiedsplan: kaarten, hiatentabellen en gebiedsplannen voor het sociaal domein van een "
        "gemeente. Begin met 'gebiedsplan demo' (synthetische demogemeente, werkt offline)."
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
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
    console.print(f"[bold red]Fout:[/bold red] {exc}", highlight=False)
    console.print("Er is niets (half) weggeschreven.")
    return typer.Exit(code=1)  # 2 is what Click uses for usage errors


def _products(gemeente_naam: str | Path, opslag: Path | None, uitvoer: Path, kaarten: Path) -> None:
    from gebiedsplan.analyse import run_analyse
    from gebiedsplan.export import write_hiaten
    from gebiedsplan.gemeente import load_gemeente
    from gebiedsplan.hiaten import worst_per_category
    from gebiedsplan.kaarten import make_kaart, save_kaart

    with console.status("Gemeente laden en lagen controleren..."):
        gemeente = load_gemeente(gemeente_naam, opslag=opslag)
    console.print(
        f"[green]✓[/green] {gemeente.titel}: {len(gemeente.wijken)} wijken, "
        f"{len(gemeente.buurten)} buurten, {len(gemeente.voorzieningen)} voorzieningen"
    )
    start = time.perf_counter()
    with console.status("Loopafstanden over het netwerk berekenen..."):
        analyse = run_analyse(gemeente)
    console.print(
        f"[green]✓[/green] Bereikbaarheid: {len(analyse.bereik):,} vraagpunten x "
        f"{analyse.hiaten.index.get_level_values('categorie').nunique()} categorieën op {analyse.netwerk.n_knopen:,} "
        f"knopen ({time.perf_counter() - start:.2f} s)".replace(",", ".")
    )
    with console.status("Tabellen en kaart schrijven..."):
        paden = write_hiaten(
            analyse.hiaten,
            gemeente.wijken,
            uitvoer,
            naam=f"hiaten_{gemeente.code}",
            titel=gemeente.titel,
            herkomst=gemeente.herkomst,
            synthetisch=gemeente.synthetisch,
        )
        kaart = save_kaart(
            make_kaart(gemeente, analyse.hiaten), kaarten / f"hiaten_{gemeente.code}.html"
        )
    console.print(f"[green]✓[/green] Kaart: {kaart}")
    for soort, pad in paden.items():
        console.print(f"[green]✓[/green] Hiatentabel ({soort}): {pad}")

    tabel = Table(title=f"Grootste hiaat per voorziening - {gemeente.titel}")
    for kop in ("Voorziening", "Wijk", "Hiaatscore", "Binnen norm", "Inwoners buiten norm"):
        tabel.add_column(kop, justify="left" if kop in ("Voorziening", "Wijk") else "right")
    for _, rij in worst_per_category(analyse.hiaten).iterrows():
        tabel.add_row(
            f"{rij['categorie_label']} ({rij['norm_afstand_m']:.0f} m)",
            str(rij["wijknaam"]),
            f"{rij['hiaatscore']:.0f}",
            f"{100 * rij['aandeel_binnen_norm']:.0f}%",
            f"{int(rij['inwoners_buiten_norm']):,}".replace(",", "."),
        )
    console.print(tabel)
    if gemeente.synthetisch:
        console.print("[yellow]Let op: synthetische demogegevens, geen echte situatie.[/yellow]")


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
    from gebiedsplan.bronnen.demo import _demo_file, build_demo, save_demo

    begin = time.perf_counter()
    try:
        with console.status("Demogemeente Rivierstad (synthetisch) maken..."):
            gpkg = save_demo(build_demo(), opslag)
        console.print(f"[green]✓[/green] Laagopslag: {gpkg} (synthetisch)")
        _products(_demo_file(), gpkg, uitvoer, kaarten)
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
    uitgebreid: UitgebreidOptie = False,
) -> None:
    """Draai bereikbaarheid, hiatentabel en kaart voor een gemeente uit de laagopslag."""
    _setup_logging(uitgebreid)
    begin = time.perf_counter()
    try:
        _products(gemeente, opslag, uitvoer, kaarten)
    except GebiedsplanError as exc:
        raise _fail(exc) from None
    console.print(f"Klaar in {time.perf_counter() - begin:.1f} s.")


def main() -> None:
    """Entry point of the console script."""
    app()


if __name__ == "__main__":
    main()
