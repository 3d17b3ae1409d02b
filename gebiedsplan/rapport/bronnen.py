"""The report's ``bronnen`` section: per layer and per source, the moment the data describe,
the indeling, the import date, the licence and the query; the fictitious sources named; and
the norms with their sources."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from gebiedsplan.catalogus import Categorie
from gebiedsplan.gemeente import Gemeente
from gebiedsplan.publiceren.herkomst import bronnen_tabel, fictieve_delen
from gebiedsplan.rapport.delen import LEEG, Sectie, Tabel, aandeel, getal, kort

if TYPE_CHECKING:
    from gebiedsplan.analyse.groen import Groenaandeel

#: The row of the green raster in the sources table (it is no layer of the store).
GROENRASTER = "groen (raster)"


def sources_section(
    gemeente: Gemeente,
    groen: Groenaandeel,
    categorieen: Sequence[str],
    labels: Mapping[str, Categorie],
) -> Sectie:
    """Provenance of every layer of the gemeente and of the green raster the analysis read,
    and the norms of ``categorieen`` with their sources."""
    sectie = Sectie("bronnen", "Bronnen en datums")
    herkomst = dict(gemeente.herkomst)
    if groen.herkomst is not None:
        herkomst[GROENRASTER] = groen.herkomst
    tabel = bronnen_tabel(herkomst)
    bevraging = [str(q) for q in tabel.pop("Bevraging")]
    sectie.tekst(
        "Herkomst van elke laag, per bron: van wanneer de gegevens zijn (peildatum), de "
        "CBS-indeling van de codes en grenzen, wanneer ze zijn opgehaald of geïmporteerd, de "
        "licentie, en onder elke bron de bevraging (bestand, dienst of query)."
    )
    if fictief := fictieve_delen(herkomst):
        sectie.tekst(
            "Fictief (verzonnen voorbeeldgegevens, geen echte situatie): "
            + "; ".join(f"laag {naam}, bron {deel.bron}" for naam, deel in fictief)
            + ". De andere bronnen zijn echt."
        )
    sectie.kop("Lagen")
    aantal = tabel["Laag"].value_counts()
    volgnummer: dict[str, int] = {}
    sleutels = []
    for laag in tabel["Laag"]:  # one row per source: voorzieningen:1, voorzieningen:2, ...
        volgnummer[laag] = volgnummer.get(laag, 0) + 1
        sleutels.append(laag if aantal[laag] == 1 else f"{laag}:{volgnummer[laag]}")
    sectie.tabel(
        Tabel(
            "tabel-bronnen",
            list(tabel.columns),
            [[str(v) for v in rij] for rij in tabel.itertuples(index=False)],
            sleutels=sleutels,
            klasse="bronnen",
            toelichting=[f"Bevraging: {q}" if q else "" for q in bevraging],
        )
    )
    sectie.kop("Normen")
    rijen = []
    for cat in categorieen:
        norm = gemeente.normen[cat]
        cap = (
            f"{kort(norm.capaciteit.per_1000)} {norm.capaciteit.eenheid} per 1.000"
            if norm.capaciteit is not None
            else LEEG
        )
        rijen.append(
            [
                labels[cat].label,
                f"{getal(norm.max_afstand_m)} m",
                aandeel(norm.doeldekking),
                cap,
                f"{norm.soort}: {norm.bron}",
            ]
        )
    sectie.tabel(
        Tabel(
            "tabel-normen",
            ["Voorziening", "Loopafstand", "Doeldekking", "Capaciteit", "Bron van de norm"],
            rijen,
            frozenset({1, 2}),
            list(categorieen),
        )
    )
    return sectie
