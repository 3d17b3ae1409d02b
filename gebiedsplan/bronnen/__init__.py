"""Sources of layers, one module per source.

Every online source has a loader (``fetch_*``, through :mod:`gebiedsplan._http`, cached) and a
file twin (``read_*``) that reads the same format from disk, as a GIS team downloads it. Both
end in validated layers of the catalogue (EPSG:28992, indexed by key) with their provenance,
returned as :class:`Laag` with its :class:`Herkomst`.

A :class:`Herkomst` keeps apart what moment the data describe (``peildatum``, and the CBS
``indeling`` of codes and boundaries, read from the data or the file name, never silently
assumed) and when they were downloaded or imported (``datum``). Made-up data is marked per
source (``synthetisch``): a layer built from several sources keeps each in ``delen``, so a
fictitious register is named as such while the real layers keep their names
(:func:`synthetisch_tekst`).

- ``demo``: the synthetic demo gemeente Rivierstad;
- ``pdok``: wijken and buurten (CBS Wijk- en Buurtkaart, PDOK OGC API Features / GeoPackage);
- ``cbs``: CBS StatLine key figures of wijken and buurten (OData / CSV);
- ``rivm``: RIVM/GGD Gezondheidsmonitor per wijk and buurt (OData / CSV);
- ``osm``: OpenStreetMap facilities, green and walking networks (osmnx / .osm / .osm.pbf);
- ``register``: municipal registers (CSV / Excel) with a column mapping;
- ``locatieserver``: geocoding of addresses (PDOK Locatieserver v3.1);
- ``raster``: green rasters (GeoTIFF) and rasterised green polygons;
- ``vraag``: demand points (addresses, a 100 m grid, or buurt populations spread).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, fields
from typing import Any

import pandas as pd

from gebiedsplan.errors import StoreError

#: Layers that may hold rows of several sources (column ``bron`` names the source of each
#: row); every other layer comes from one source and is replaced as a whole.
MEERDERE_BRONNEN = ("voorzieningen", "accommodaties", "groen", "inbreng")


@dataclass(frozen=True)
class Herkomst:
    """Provenance of a layer: where it came from, what moment it describes, when it was fetched,
    under which licence, with which query, and whether it is made up.

    Attributes
    ----------
    bron
        The source as people name it (``CBS Wijk- en Buurtkaart 2022 (bestand ...)``).
    datum
        The download or import date (ISO), not the moment the data describe.
    licentie
        Licence of the data.
    query
        The file, service request or query, and how the dates were found.
    synthetisch
        True for made-up data: the synthetic demo, a fictitious example register.
    peildatum
        The moment the data describe: ``"2024-01-01"`` (CBS key figures), ``"2020"`` (the
        Gezondheidsmonitor 2020), ``"2025"``; empty when unknown.
    indeling
        The CBS wijk/buurt indeling year the codes or boundaries follow (``"2022"``); empty
        where it does not apply (OpenStreetMap, registers).
    delen
        One :class:`Herkomst` per source of a layer built from several sources (facilities
        from OpenStreetMap and a register, buurten with CBS key figures); empty for one source.
    """

    bron: str
    datum: str
    licentie: str
    query: str = ""
    synthetisch: bool = False
    peildatum: str = ""
    indeling: str = ""
    delen: tuple[Herkomst, ...] = ()

    def per_bron(self) -> tuple[Herkomst, ...]:
        """The single sources of this provenance: its ``delen``, or itself.

        Examples
        --------
        >>> osm = Herkomst("OpenStreetMap", "2025-05-01", "ODbL 1.0", peildatum="2025")
        >>> reg = Herkomst("Register", "2025-01-01", "CC0", synthetisch=True)
        >>> [h.bron for h in combine_herkomst([osm, reg]).per_bron()]
        ['OpenStreetMap', 'Register']
        """
        return self.delen or (self,)

    def as_metadata(self) -> dict[str, str]:
        """Flat string dict for GeoPackage layer metadata; ``delen`` as a JSON list."""
        meta = {k: str(v) for k, v in asdict(self).items() if k != "delen"}
        if self.delen:
            meta["delen"] = json.dumps(
                [deel.as_metadata() for deel in self.delen], ensure_ascii=False
            )
        return meta

    @classmethod
    def from_metadata(cls, meta: Mapping[str, str] | None, *, where: str) -> Herkomst:
        """Rebuild from GeoPackage layer metadata; missing provenance is an error, not a guess.

        Stores written before ``peildatum``, ``indeling`` and ``delen`` existed load with
        those empty.
        """
        names = [f.name for f in fields(cls) if f.name != "delen"]
        if not meta or any(k not in meta for k in ("bron", "datum", "licentie")):
            raise StoreError(
                f"{where} heeft geen herkomst (bron, datum, licentie) in de metadata; "
                "schrijf de laag opnieuw met gebiedsplan.store.save_lagen."
            )
        values: dict[str, Any] = {k: meta[k] for k in names if k in meta}
        values["synthetisch"] = str(values.get("synthetisch", "False")) == "True"
        if meta.get("delen"):
            try:
                delen = json.loads(meta["delen"])
            except json.JSONDecodeError as exc:
                raise StoreError(f"{where}: metadata 'delen' is geen geldige JSON: {exc}") from None
            values["delen"] = tuple(
                cls.from_metadata(deel, where=f"{where}, deel {i + 1}")
                for i, deel in enumerate(delen)
            )
        return cls(**values)

    def datums_tekst(self) -> str:
        """The dates in Dutch: what moment the data describe, the indeling, when fetched.

        Examples
        --------
        >>> Herkomst("CBS", "2026-03-01", "CC BY 4.0", peildatum="2022", indeling="2022").datums_tekst()
        'gegevens van 2022, indeling 2022, opgehaald 2026-03-01'
        """
        delen = [f"gegevens van {self.peildatum or 'onbekend'}"]
        if self.indeling:
            delen.append(f"indeling {self.indeling}")
        delen.append(f"opgehaald {self.datum}")
        return ", ".join(delen)

    def tekst(self) -> str:
        """One Dutch line for legends, footers and attribution; one part per source.

        Examples
        --------
        >>> Herkomst("demo", "2026-01-01", "CC0", synthetisch=True, peildatum="2026").tekst()
        'demo (synthetisch), gegevens van 2026, opgehaald 2026-01-01, CC0'
        """
        if self.delen:
            return " + ".join(deel.tekst() for deel in self.delen)
        return f"{self.bron}{label_synthetisch(self)}, {self.datums_tekst()}, {self.licentie}"


def label_synthetisch(herkomst: Herkomst) -> str:
    """`` (synthetisch)`` after the name of a made-up source, unless its name says so already
    (a register called "... (fictief)")."""
    if not herkomst.synthetisch:
        return ""
    naam = herkomst.bron.casefold()
    return "" if "fictief" in naam or "synthetisch" in naam else " (synthetisch)"


def combine_herkomst(herkomsten: Sequence[Herkomst]) -> Herkomst:
    """Provenance of a layer built from several sources: each source kept in ``delen`` (in
    order, once), and named once in the joined fields.

    ``synthetisch`` is true when any source is made up (the layer holds made-up rows; which
    ones, the ``delen`` say); ``datum`` is the latest import date.

    Examples
    --------
    >>> grenzen = Herkomst("CBS Wijk- en Buurtkaart 2022", "2026-03-01", "CC BY 4.0",
    ...     peildatum="2022", indeling="2022")
    >>> kern = Herkomst("CBS Kerncijfers 2024", "2026-03-02", "CC BY 4.0",
    ...     peildatum="2024-01-01", indeling="2024")
    >>> samen = combine_herkomst([grenzen, kern])
    >>> samen.bron, samen.peildatum, samen.indeling, len(samen.delen)
    ('CBS Wijk- en Buurtkaart 2022; CBS Kerncijfers 2024', '2022; 2024-01-01', '2022; 2024', 2)
    """
    delen = tuple(dict.fromkeys(deel for h in herkomsten for deel in h.per_bron()))
    if len(delen) == 1:
        return delen[0]

    def uniek(values: Iterable[str]) -> str:
        return "; ".join(dict.fromkeys(v for v in values if v))

    return Herkomst(
        bron=uniek(h.bron for h in delen),
        datum=max(h.datum for h in delen),
        licentie=uniek(h.licentie for h in delen),
        query=uniek(h.query for h in delen),
        synthetisch=any(h.synthetisch for h in delen),
        peildatum=uniek(h.peildatum for h in delen),
        indeling=uniek(h.indeling for h in delen),
        delen=delen,
    )


def fictieve_bronnen(
    herkomst: Mapping[str, Herkomst], *, lagen: Iterable[str] | None = None
) -> list[tuple[str, Herkomst]]:
    """The made-up sources, as (layer, single source), of ``lagen`` (default all layers)."""
    namen = list(herkomst) if lagen is None else [n for n in lagen if n in herkomst]
    return [(n, deel) for n in namen for deel in herkomst[n].per_bron() if deel.synthetisch]


def alles_synthetisch(
    herkomst: Mapping[str, Herkomst], *, lagen: Iterable[str] | None = None
) -> bool:
    """True when every source of ``lagen`` (default all layers) is made up: the demo."""
    namen = list(herkomst) if lagen is None else [n for n in lagen if n in herkomst]
    delen = [deel for n in namen for deel in herkomst[n].per_bron()]
    return bool(delen) and all(deel.synthetisch for deel in delen)


def synthetisch_tekst(
    herkomst: Mapping[str, Herkomst], *, lagen: Iterable[str] | None = None
) -> str | None:
    """Dutch warning for products: every source made up (the demo), some (naming which layer
    and which source), or none (None). Only ``lagen`` count when given: a map of real layers
    gets no warning because another layer of the gemeente is fictitious.

    Examples
    --------
    >>> echt = Herkomst("OpenStreetMap", "2025-05-01", "ODbL 1.0")
    >>> fictief = Herkomst("Voorbeeldregister (fictief)", "2025-01-01", "CC0", synthetisch=True)
    >>> herkomst = {"voorzieningen": combine_herkomst([echt, fictief]), "wijken": echt}
    >>> synthetisch_tekst(herkomst)
    'Let op: fictieve gegevens in laag voorzieningen (bron: Voorbeeldregister (fictief)); de andere bronnen zijn echt.'
    >>> synthetisch_tekst(herkomst, lagen=["wijken"]) is None
    True
    """
    if alles_synthetisch(herkomst, lagen=lagen):
        return "Synthetische demogegevens, geen echte situatie."
    fictief = fictieve_bronnen(herkomst, lagen=lagen)
    if not fictief:
        return None
    per_laag: dict[str, list[str]] = {}
    for naam, deel in fictief:
        per_laag.setdefault(naam, []).append(deel.bron)
    delen = [f"laag {naam} (bron: {', '.join(bronnen)})" for naam, bronnen in per_laag.items()]
    opsomming = delen[0] if len(delen) == 1 else f"{', '.join(delen[:-1])} en {delen[-1]}"
    return f"Let op: fictieve gegevens in {opsomming}; de andere bronnen zijn echt."


@dataclass(frozen=True)
class Laag:
    """A validated layer with its provenance, as every source returns it."""

    naam: str
    data: pd.DataFrame
    herkomst: Herkomst
