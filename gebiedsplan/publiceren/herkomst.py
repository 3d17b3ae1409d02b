"""Provenance for people: the sources, dates and licences of the layers as one table, for the
Excel notes and the report's sources section, and the dates and fictitious sources of a page
for its meta tags (and so for the index).

Two dates are kept apart everywhere: what moment the data describe ("Gegevens van", the
peildatum, with the CBS indeling of the codes) and when they were downloaded or imported
("Opgehaald/geïmporteerd"). A layer of several sources has one row per source.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

from gebiedsplan.bronnen import Herkomst, alles_synthetisch, fictieve_bronnen

#: Columns of :func:`bronnen_tabel`.
KOLOMMEN = (
    "Laag",
    "Bron",
    "Gegevens van",
    "Indeling",
    "Opgehaald/geïmporteerd",
    "Licentie",
    "Bevraging",
    "Synthetisch",
)


def bronnen_tabel(herkomst: Mapping[str, Herkomst]) -> pd.DataFrame:
    """Provenance of every layer as a table (for Excel sheets and report footers): one row per
    source of a layer, with the moment the data describe and the date they were fetched apart.

    Examples
    --------
    >>> from gebiedsplan.bronnen import Herkomst
    >>> h = Herkomst("CBS Wijk- en Buurtkaart 2022", "2026-03-01", "CC BY 4.0",
    ...     peildatum="2022", indeling="2022")
    >>> bronnen_tabel({"buurten": h}).iloc[0][["Gegevens van", "Opgehaald/geïmporteerd"]].tolist()
    ['2022', '2026-03-01']
    """
    return pd.DataFrame(
        [
            {
                "Laag": naam,
                "Bron": deel.bron,
                "Gegevens van": deel.peildatum or "onbekend",
                "Indeling": deel.indeling or "-",
                "Opgehaald/geïmporteerd": deel.datum,
                "Licentie": deel.licentie,
                "Bevraging": deel.query,
                "Synthetisch": "ja" if deel.synthetisch else "nee",
            }
            for naam, h in herkomst.items()
            for deel in h.per_bron()
        ],
        columns=list(KOLOMMEN),
    )


def _bereik(waarden: Iterable[str]) -> str:
    """"a" for one value, "a t/m b" for several (ISO dates and years sort as text)."""
    gezien = sorted({w for w in waarden if w})
    if not gezien:
        return ""
    return gezien[0] if len(gezien) == 1 else f"{gezien[0]} t/m {gezien[-1]}"


def kies_lagen(
    herkomst: Mapping[str, Herkomst], lagen: Iterable[str] | None = None
) -> dict[str, Herkomst]:
    """The provenance of ``lagen`` in their order (default every layer, in its own order)."""
    namen = list(herkomst) if lagen is None else list(lagen)
    return {naam: herkomst[naam] for naam in namen if naam in herkomst}


def fictieve_delen(
    herkomst: Mapping[str, Herkomst], *, lagen: Iterable[str] | None = None
) -> list[tuple[str, Herkomst]]:
    """The made-up sources of a real gemeente's ``lagen``, as (layer, source), to be named on
    their own. Empty when none is made up, and when every source is (the demo: synthetic as a
    whole, see :func:`waarschuwing`).

    Examples
    --------
    >>> from gebiedsplan.bronnen import Herkomst
    >>> nep = Herkomst("Register (fictief)", "2025-01-01", "CC0", synthetisch=True)
    >>> echt = Herkomst("RIVM", "2026-03-01", "CC BY 4.0")
    >>> [(n, h.bron) for n, h in fictieve_delen({"gezondheid": echt, "voorzieningen": nep})]
    [('voorzieningen', 'Register (fictief)')]
    >>> fictieve_delen({"voorzieningen": nep})  # every source made up: synthetic as a whole
    []
    """
    if alles_synthetisch(herkomst, lagen=lagen):
        return []
    return fictieve_bronnen(herkomst, lagen=lagen)


def waarschuwing(herkomst: Mapping[str, Herkomst], *, lagen: Iterable[str] | None = None) -> str:
    """Short upper-case mark for an attribution line: ``SYNTHETISCHE GEGEVENS.`` when every
    source of ``lagen`` is made up, ``FICTIEVE GEGEVENS: <layer> (<source>).`` for the made-up
    sources of a real gemeente, else empty."""
    if alles_synthetisch(herkomst, lagen=lagen):
        return "SYNTHETISCHE GEGEVENS."
    if fictief := fictieve_delen(herkomst, lagen=lagen):
        return "FICTIEVE GEGEVENS: " + "; ".join(f"{n} ({d.bron})" for n, d in fictief) + "."
    return ""


def fictief_tekst(herkomst: Mapping[str, Herkomst], *, lagen: Iterable[str] | None = None) -> str:
    """The fictitious sources of ``lagen`` in one line: "voorzieningen: Register X (fictief)"."""
    return "; ".join(f"{naam}: {deel.bron}" for naam, deel in fictieve_bronnen(herkomst, lagen=lagen))


def pagina_meta(
    herkomst: Mapping[str, Herkomst], *, lagen: Iterable[str] | None = None
) -> dict[str, str]:
    """The provenance a published page carries in its meta tags (for :func:`write_index`):
    ``peildatum`` (the years the data describe), ``opgehaald`` (the import dates) and
    ``synthetisch`` (``"ja"`` when every source is made up, else the fictitious layers and
    sources, else empty), over the layers the page shows (default all).

    Examples
    --------
    >>> from gebiedsplan.bronnen import Herkomst
    >>> echt = Herkomst("RIVM", "2026-03-01", "CC BY 4.0", peildatum="2020", indeling="2020")
    >>> nep = Herkomst("Register (fictief)", "2026-03-02", "CC0", synthetisch=True, peildatum="2025")
    >>> pagina_meta({"gezondheid": echt, "voorzieningen": nep}, lagen=["gezondheid"])
    {'peildatum': '2020', 'opgehaald': '2026-03-01', 'synthetisch': ''}
    >>> pagina_meta({"gezondheid": echt, "voorzieningen": nep})["synthetisch"]
    'voorzieningen: Register (fictief)'
    """
    namen = list(herkomst) if lagen is None else [n for n in lagen if n in herkomst]
    delen = [deel for n in namen for deel in herkomst[n].per_bron()]
    if alles_synthetisch(herkomst, lagen=namen):
        synthetisch = "ja"
    else:
        synthetisch = fictief_tekst(herkomst, lagen=namen)
    return {
        "peildatum": _bereik(deel.peildatum[:4] for deel in delen),
        "opgehaald": _bereik(deel.datum for deel in delen),
        "synthetisch": synthetisch,
    }
