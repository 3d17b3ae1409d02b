"""National registers (DUO schools, LRK child care) read through a koppeling, like a municipal
register, but as a national file: filtered to the gemeente and the gemeenten around it, its
addresses geocoded in one batch, and rows that cannot be placed skipped and reported.

What differs from a municipal register (:func:`~gebiedsplan.bronnen.register.read_register`):

- **The file is national.** Only the rows of the gemeente and of the gemeenten whose area
  touches the border buffer (:func:`gemeenten_rond`, PDOK) are read, by the register's gemeente
  column (code, else name); then their geocoded points decide: a row of a neighbouring gemeente
  counts when it lies within the buffer (it serves residents near the border), else it is left
  out without comment.
- **A row that cannot be placed is skipped and reported, not refused.** Its file, row, address
  and the reason (not found, ambiguous, outside the gemeente) are returned as
  :class:`NietGeplaatst`, logged as a Dutch warning and shown in the import summary. Why not
  refuse, as a municipal register is refused: the gemeente owns its own register and can correct
  it; a national file it cannot correct, and one school that the BAG does not know yet (a new
  building) must not keep the other schools out of the analysis. The missing row is named, so
  the analyst knows which facility the figures lack.
- **Values that cannot be read are still refused** (a number of places that is not a number, an
  empty name, a column that is missing): then the file is not what the koppeling says, and
  guessing would be worse than stopping.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry.base import BaseGeometry

from gebiedsplan._http import get_bytes
from gebiedsplan._validate import check_gemeentecode
from gebiedsplan.bronnen import Herkomst, Laag
from gebiedsplan.bronnen._datering import bestand_datum, jaar_in_naam
from gebiedsplan.bronnen._statline import opgehaald_op
from gebiedsplan.bronnen.pdok import RD_CRS, _fetch_features
from gebiedsplan.bronnen.register.koppeling import ADRES, Koppeling
from gebiedsplan.bronnen.register.lezen import _kolom_index, bouw_laag, lees_cellen
from gebiedsplan.bronnen.register.locaties import geocodeer, punten_van
from gebiedsplan.bronnen.register.tabel import Problemen, als_tekst, read_csv_bytes, read_table
from gebiedsplan.catalogus import load_catalogus, load_cbs_config
from gebiedsplan.errors import BronError, SchemaError

log = logging.getLogger(__name__)

#: How many unplaced rows a warning names before "... en N meer".
MAX_GENOEMD = 20


Rijen = list[tuple[int, list[Any]]]


@dataclass(frozen=True)
class Registerbestand:
    """A national register published as one CSV file: where it is, and how it is named.

    Attributes
    ----------
    url
        The download address of the national file.
    pagina
        The page where a person downloads it by hand.
    bestandsnaam
        The name of the file as downloaded (``vestigingenbo.csv``).
    bron, licentie
        The provenance when the koppeling does not name its own (``herkomst:``).
    optie
        The option of ``gebiedsplan importeer`` that reads the file (``--duo``).
    omschrijving
        What to download, for the message when the service cannot be reached.
    """

    url: str
    pagina: str
    bestandsnaam: str
    bron: str
    licentie: str
    optie: str
    omschrijving: str

    def herkomst(
        self, koppeling: Koppeling, *, datum: str, peildatum: str, query: str, hoe: str
    ) -> Herkomst:
        """The provenance of the rows read through ``koppeling``."""
        return Herkomst(
            bron=koppeling.herkomst.get("bron", self.bron),
            datum=datum,
            licentie=koppeling.herkomst.get("licentie", self.licentie),
            query=f"{query}, koppeling {Path(koppeling.bestand).name}; {hoe}",
            peildatum=peildatum,
        )

    def download(self, koppeling: Koppeling, *, naam: str) -> tuple[list[str], Rijen, Herkomst]:
        """Header, rows and provenance of the national file online (cached by
        :mod:`gebiedsplan._http`; its peildatum the day it was fetched). ``naam`` names the
        service in the message when it cannot be reached, with the way to read the file by
        hand."""
        try:
            inhoud = get_bytes(self.url, bron=naam)
        except BronError as exc:
            raise BronError(
                f"{exc} Download {self.omschrijving} via {self.pagina} en lees het in met "
                f"'gebiedsplan importeer {self.optie} BESTAND', of sla de registers over "
                "(ophalen --zonder-registers)."
            ) from None
        header, rows = read_csv_bytes(inhoud, self.bestandsnaam)
        datum = opgehaald_op(self.url)
        herkomst = self.herkomst(
            koppeling,
            datum=datum,
            peildatum=datum,
            query=self.url,
            hoe="peildatum: dag van ophalen",
        )
        return header, rows, herkomst

    def read(self, path: Path, koppeling: Koppeling) -> tuple[list[str], Rijen, Herkomst]:
        """Header, rows and provenance of a downloaded copy: its date the file's date, its
        peildatum the year in its name, else that date."""
        header, rows = read_table(path, None)
        datum = bestand_datum(path)
        jaar_naam = jaar_in_naam(path)
        peildatum, hoe = (
            (str(jaar_naam), "peildatum: jaar in de bestandsnaam")
            if jaar_naam
            else (datum, "peildatum: datum van het bestand")
        )
        herkomst = self.herkomst(
            koppeling, datum=datum, peildatum=peildatum, query=path.name, hoe=hoe
        )
        return header, rows, herkomst


@dataclass(frozen=True)
class NietGeplaatst:
    """A row of a national register that could not be placed and was skipped.

    ``reden`` is Dutch: ``niet gevonden``, ``dubbelzinnig: ...``, ``buiten de gemeente ...``,
    ``huisnummer ontbreekt``, ...
    """

    bestand: str
    rij: int
    naam: str
    adres: str
    reden: str

    def tekst(self) -> str:
        """One Dutch line: file, row, name, address and reason.

        Examples
        --------
        >>> NietGeplaatst("vestigingenbo.csv", 7, "OBS De Linde", "Lindelaan 3 9999ZZ",
        ...     "niet gevonden").tekst()
        "vestigingenbo.csv, rij 7 (OBS De Linde): adres 'Lindelaan 3 9999ZZ': niet gevonden"
        """
        naam = f" ({self.naam})" if self.naam else ""
        return f"{self.bestand}, rij {self.rij}{naam}: adres '{self.adres}': {self.reden}"


@dataclass(frozen=True)
class RegisterLaag(Laag):
    """A layer read from a national register, with the rows that could not be placed."""

    niet_geplaatst: tuple[NietGeplaatst, ...] = ()


def gemeentecode_uit(waarde: Any) -> str | None:
    """A gemeente code as the registers write it, as ``GMdddd``; None when it is none.

    DUO writes ``GEMEENTENUMMER`` as ``0202`` (sometimes ``202``), the LRK ``cbs_code`` as a
    number or with ``GM``.

    Examples
    --------
    >>> gemeentecode_uit("0202"), gemeentecode_uit(202.0), gemeentecode_uit("GM0202")
    ('GM0202', 'GM0202', 'GM0202')
    >>> gemeentecode_uit("Arnhem") is None, gemeentecode_uit(None) is None
    (True, True)
    """
    if waarde is None:
        return None
    tekst = als_tekst(waarde).upper().removeprefix("GM").strip()
    return f"GM{int(tekst):04d}" if re.fullmatch(r"\d{1,4}", tekst) else None


def _naamvorm(naam: Any) -> str:
    """A gemeente name for comparison: ``ARNHEM``, ``Gemeente Arnhem`` and ``arnhem`` alike."""
    tekst = re.sub(r"\s+", " ", str(naam)).strip().casefold()
    return tekst.removeprefix("gemeente ").strip()


def pdok_jaar(jaar: int) -> int:
    """The Wijk- en Buurtkaart year PDOK serves closest to ``jaar``: the latest at or before it,
    else the earliest (``lagen/catalogus/cbs.yml``, ``pdok.jaren``).

    Examples
    --------
    >>> pdok_jaar(2024), pdok_jaar(2030) >= 2024, pdok_jaar(1990) > 1990
    (2024, True, True)
    """
    jaren = sorted(int(j) for j in load_cbs_config()["pdok"]["jaren"])
    eerder = [j for j in jaren if j <= jaar]
    return eerder[-1] if eerder else jaren[0]


def gemeenten_rond(gebied: BaseGeometry, *, jaar: int) -> dict[str, str]:
    """The gemeenten whose area touches ``gebied`` (the gemeente plus its border buffer), as
    ``{code: naam}``, from the PDOK OGC API of the CBS Wijk- en Buurtkaart (collection
    ``gemeenten``, asked by the bounding box of ``gebied``, then intersected exactly).

    Parameters
    ----------
    gebied
        The area in EPSG:28992 (:func:`gebiedsplan.importeren.reikwijdte`).
    jaar
        Year of the boundaries (the nearest year PDOK serves is used, :func:`pdok_jaar`).

    Raises
    ------
    BronError
        PDOK cannot be reached (and no answer is cached), or answers without gemeenten.

    Examples
    --------
    >>> import shapely
    >>> gemeenten_rond(shapely.box(188_000, 440_000, 196_000, 448_000), jaar=2024)  # doctest: +SKIP
    {'GM0202': 'Arnhem', 'GM0274': 'Renkum', ...}
    """
    cfg = load_cbs_config()["pdok"]
    url = f"{str(cfg['url']).format(jaar=pdok_jaar(jaar))}/collections/gemeenten/items"
    minx, miny, maxx, maxy = (round(v) for v in gebied.bounds)
    params: dict[str, Any] = {
        "f": "json",
        "crs": RD_CRS,
        "bbox": f"{minx},{miny},{maxx},{maxy}",
        "bbox-crs": RD_CRS,
        "limit": 1000,
    }
    features = _fetch_features(url, params)
    uit: dict[str, str] = {}
    for feature in features:
        eigen = feature.get("properties") or {}
        code = gemeentecode_uit(eigen.get("gemeentecode"))
        if code is None:
            continue
        vorm = shapely.geometry.shape(feature["geometry"]) if feature.get("geometry") else None
        if vorm is None or vorm.intersects(gebied):
            uit[code] = str(eigen.get("gemeentenaam") or code)
    if not uit:
        raise BronError(
            f"PDOK gaf geen gemeenten binnen {minx},{miny},{maxx},{maxy} (RD) voor de "
            f"grensbuffer ({url}). Controleer de gemeentegrenzen."
        )
    log.info("Gemeenten binnen de grensbuffer: %s", ", ".join(f"{c} {n}" for c, n in uit.items()))
    return uit


def _gemeente_per_rij(
    header: list[str],
    rows: list[tuple[int, list[Any]]],
    *,
    code_kolom: str | None,
    naam_kolom: str | None,
    gemeenten: Mapping[str, str],
) -> dict[int, str | None]:
    """The gemeente code of every row: its code column, else its name among ``gemeenten``."""
    ic = header.index(code_kolom) if code_kolom in header else None
    inaam = header.index(naam_kolom) if naam_kolom in header else None
    per_naam = {_naamvorm(n): c for c, n in gemeenten.items()}
    uit: dict[int, str | None] = {}
    for rij, cellen in rows:
        code = gemeentecode_uit(cellen[ic]) if ic is not None else None
        if code is None and inaam is not None and cellen[inaam] is not None:
            code = per_naam.get(_naamvorm(cellen[inaam]))
        uit[rij] = code
    return uit


def lees_landelijk(
    header: list[str],
    rows: list[tuple[int, list[Any]]],
    *,
    koppeling: Koppeling,
    bestand: str,
    herkomst: Herkomst,
    gemeentecode: str,
    gemeenten: Mapping[str, str],
    gebied: BaseGeometry,
    code_kolom: str | None,
    naam_kolom: str | None = None,
    wat: str = "rijen",
    zonder_eigen_rijen: bool = False,
) -> RegisterLaag:
    """The rows of a national register for one gemeente and its surroundings, as a layer.

    Parameters
    ----------
    header, rows
        The register as read (:func:`~gebiedsplan.bronnen.register.tabel.read_table`,
        :func:`~gebiedsplan.bronnen.register.tabel.read_csv_bytes`), already narrowed to the
        kinds of rows the register contributes (the LRK: registered day care and BSO).
    koppeling
        How the register's columns fill the layer (``wijken/registers/duo_bo.yml``, ``lrk.yml``);
        its location is an address.
    bestand
        The file or URL, for messages and :class:`NietGeplaatst`.
    herkomst
        The provenance; the counts of this read are added to its ``query``.
    gemeentecode
        The gemeente.
    gemeenten
        ``{code: naam}`` of the gemeenten whose rows are candidates (:func:`gemeenten_rond`);
        the gemeente itself is always one.
    gebied
        The gemeente plus its border buffer, EPSG:28992: a placed row must lie in it.
    code_kolom, naam_kolom
        The register's column with the gemeente code, and with its name (used where the code
        is missing or unreadable).
    wat
        What a row is, for the log ("basisscholen").
    zonder_eigen_rijen
        Accept a file without a row of the gemeente (a warning); default refused (the file of
        another gemeente, or a wrong gemeentecode).

    Returns
    -------
    RegisterLaag
        The layer (``register_rij``, ``geocode_adres``, ``geocode_score`` as extra columns) and
        the rows that could not be placed.

    Raises
    ------
    SchemaError
        Columns the koppeling names are missing, values cannot be read (every problem at once,
        by row), no row of the gemeente, or no row could be placed.
    """
    code = check_gemeentecode(gemeentecode)
    catalogus = load_catalogus()
    naam_bestand = Path(bestand).name or bestand
    kandidaten = {code: gemeenten.get(code, code), **gemeenten}

    kop = Problemen()
    _kolom_index(header, koppeling, Path(naam_bestand), kop)
    if not any(k and k in header for k in (code_kolom, naam_kolom)):
        kop.regel(
            f"kolom {' of '.join(repr(k) for k in (code_kolom, naam_kolom) if k)} (de gemeente "
            f"van elke rij) ontbreekt in {naam_bestand}; is dit het landelijke bestand?"
        )
    if kop:
        raise SchemaError(koppeling.laag, bestand, kop.lijst())

    gemeente_van = _gemeente_per_rij(
        header, rows, code_kolom=code_kolom, naam_kolom=naam_kolom, gemeenten=kandidaten
    )
    eigen = [(r, c) for r, c in rows if gemeente_van[r] == code]
    buren = [(r, c) for r, c in rows if gemeente_van[r] in kandidaten and gemeente_van[r] != code]
    if not eigen:
        andere = sorted({c for c in gemeente_van.values() if c})
        tekst = (
            f"geen enkele rij van gemeente {code} ({kandidaten[code]}) in {naam_bestand} "
            f"({len(rows)} rijen"
            + (f", van {', '.join(andere[:5])}{' …' if len(andere) > 5 else ''}" if andere else "")
            + "); is dit het bestand van een andere gemeente, of de verkeerde gemeentecode? Gebruik "
            "het landelijke bestand"
        )
        if not zonder_eigen_rijen:
            raise SchemaError(koppeling.laag, bestand, [tekst])
        log.warning("%s: %s", koppeling.laag, tekst)
    kandidaat_rijen = eigen + buren

    problemen = Problemen()
    cellen = lees_cellen(
        header, kandidaat_rijen, koppeling, Path(naam_bestand), problemen, catalogus=catalogus
    )
    if problemen:
        raise SchemaError(koppeling.laag, bestand, problemen.lijst())

    index = cellen.index
    adres_index = {k: index[f"locatie.{k}"] for k in ADRES if f"locatie.{k}" in index}
    gevonden, mislukt = geocodeer(kandidaat_rijen, adres_index, wat=f"{wat} van {naam_bestand}")
    punten = punten_van(gevonden)
    niet: list[NietGeplaatst] = []
    eigen_rijen = {r for r, _ in eigen}

    def melding(rij: int, adres: str | None, reden: str) -> NietGeplaatst:
        buur = "" if rij in eigen_rijen else f" (rij van {gemeente_van[rij]})"
        return NietGeplaatst(
            naam_bestand, rij, cellen.namen.get(rij, ""), adres or "", reden + buur
        )

    for rij, r in mislukt.items():
        niet.append(melding(rij, r.adres, str(r.reden or r.probleem)))
    geplaatst: list[int] = []
    verder = 0
    binnen = shapely.covers(gebied, shapely.points([punten[r] for r in punten])) if punten else []
    for (rij, (x, y)), erin in zip(punten.items(), binnen, strict=True):
        if erin:
            geplaatst.append(rij)
        elif rij in eigen_rijen:
            ligt = (
                f", volgens de BAG in gemeente {gevonden[rij].gemeentecode}"
                if gevonden[rij].gemeentecode
                else ""
            )
            niet.append(
                melding(
                    rij,
                    gevonden[rij].adres,
                    f"buiten de gemeente: het adres ligt buiten {code} en de grensbuffer "
                    f"(RD {x:.0f}, {y:.0f}{ligt}); staat de vestiging onder de juiste gemeente?",
                )
            )
        else:
            verder += 1
    niet.sort(key=lambda n: n.rij)
    geplaatst.sort()
    if not geplaatst:
        raise SchemaError(
            koppeling.laag,
            bestand,
            [f"geen enkele rij kon geplaatst worden ({len(kandidaat_rijen)} geprobeerd):"]
            + [n.tekst() for n in niet[:MAX_GENOEMD]],
        )
    if niet:
        meer = f"\n  … en {len(niet) - MAX_GENOEMD} meer" if len(niet) > MAX_GENOEMD else ""
        log.warning(
            "%d %s van %s niet geplaatst en overgeslagen (ze ontbreken in de analyse):\n  %s%s",
            len(niet),
            wat,
            naam_bestand,
            "\n  ".join(n.tekst() for n in niet[:MAX_GENOEMD]),
            meer,
        )
    if verder:
        log.info(
            "%s: %d %s van buurgemeenten liggen verder dan de grensbuffer en tellen niet mee",
            naam_bestand,
            verder,
            wat,
        )
    telling = (
        f"{len(eigen)} {wat} van {code}, {len(buren)} van buurgemeenten "
        f"({', '.join(c for c in kandidaten if c != code) or 'geen'}); {len(geplaatst)} "
        f"geplaatst, {len(niet)} niet geplaatst (overgeslagen)"
    )
    herkomst_uit = Herkomst(
        bron=herkomst.bron,
        datum=herkomst.datum,
        licentie=herkomst.licentie,
        query=f"{herkomst.query}; adressen via PDOK Locatieserver v3.1; {telling}",
        synthetisch=herkomst.synthetisch,
        peildatum=herkomst.peildatum,
        indeling=herkomst.indeling,
    )
    data = bouw_laag(
        cellen,
        geplaatst,
        punten,
        {r: (str(gevonden[r].weergavenaam), gevonden[r].score) for r in geplaatst},
        koppeling,
        herkomst_uit,
        bron=bestand,
        catalogus=catalogus,
    )
    log.info("%s: %s", naam_bestand, telling)
    return RegisterLaag(koppeling.laag, data, herkomst_uit, niet_geplaatst=tuple(niet))
