"""The report's ``bronnen`` section: source, date, licence and query of every layer, and the
norms with their sources."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from gebiedsplan.bronnen import Herkomst
from gebiedsplan.catalogus import Categorie
from gebiedsplan.gemeente import Gemeente
from gebiedsplan.publiceren.herkomst import bronnen_tabel
from gebiedsplan.rapport.delen import _LEEG, Sectie, Tabel, _aandeel, _getal, _kort


def _sources(
    gemeente: Gemeente,
    extra: Mapping[str, Herkomst],
    categorieen: Sequence[str],
    labels: Mapping[str, Categorie],
) -> Sectie:
    sectie = Sectie("bronnen", "Bronnen en datums")
    herkomst = {**gemeente.herkomst, **extra}
    tabel = bronnen_tabel(herkomst)
    bevraging = [str(q) for q in tabel.pop("Bevraging")] if "Bevraging" in tabel else []
    sectie.tekst(
        "Herkomst van elke laag: bron, datum, licentie, en onder elke laag de bevraging "
        "(bestand, dienst of query)."
    )
    sectie.kop("Lagen")
    sectie.tabel(
        Tabel(
            "tabel-bronnen",
            list(tabel.columns),
            [[str(v) for v in rij] for rij in tabel.itertuples(index=False)],
            sleutels=list(herkomst),
            klasse="bronnen",
            toelichting=[f"Bevraging: {q}" if q else "" for q in bevraging],
        )
    )
    sectie.kop("Normen")
    rijen = []
    for cat in categorieen:
        norm = gemeente.normen[cat]
        cap = (
            f"{_kort(norm.capaciteit.per_1000)} {norm.capaciteit.eenheid} per 1.000"
            if norm.capaciteit is not None
            else _LEEG
        )
        rijen.append(
            [
                labels[cat].label,
                f"{_getal(norm.max_afstand_m)} m",
                _aandeel(norm.doeldekking),
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
