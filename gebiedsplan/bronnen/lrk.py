"""Child care (kindercentra) from the Landelijk Register Kinderopvang: online and from a file.

The LRK publishes every registered child-care location as one national CSV (open data, twice a
week: ``export_opendata_lrk.csv``; ``;``-separated, Windows-1252). :func:`fetch_lrk` downloads
it (through :mod:`gebiedsplan._http`, cached); :func:`read_lrk` reads a downloaded copy. Both
read it through the koppeling ``wijken/registers/lrk.yml`` (category ``kinderopvang``, id
``lrk:<lrk_id>``) with :func:`gebiedsplan.bronnen.register.landelijk.lees_landelijk`: the rows
of the gemeente and of the gemeenten around its border buffer (``cbs_code``, else
``verantwoordelijke_gemeente``), their addresses (``opvanglocatie_adres``, street and number in
one cell) placed with the PDOK Locatieserver, rows that cannot be placed skipped and reported.

Which rows, and why (also in ``lrk.yml``):

- status ``Ingeschreven`` only: an unregistered location no longer takes children;
- the kinds the koppeling maps (``waarden: categorie:``): KDV (kinderdagverblijf, 0-4 years)
  and BSO (buitenschoolse opvang, 4-12 years);
- not gastouderopvang: a GO is a childminder's or the parents' home (a private address, not a
  facility of the neighbourhood, and not for a published map; for care at the parents' home the
  LRK gives no address at all), a VGO is the agency's office, where no child is cared for.

Capacity (``capaciteit``) is ``aantal_kindplaatsen`` for KDV only: the kinderopvang norm of
``lagen/catalogus/normen.yml`` counts kindplaatsen per 1,000 children of 0-3 years, and BSO
places (school children 4-12) would inflate that supply. A BSO counts for reach, its capacity
stays empty (never 0; the capacity analysis leaves it out).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd
from shapely.geometry.base import BaseGeometry

from gebiedsplan import settings
from gebiedsplan._validate import check_gemeentecode
from gebiedsplan.bronnen import Herkomst
from gebiedsplan.bronnen.register import Koppeling, load_koppeling
from gebiedsplan.bronnen.register.landelijk import (
    Registerbestand,
    RegisterLaag,
    gemeenten_rond,
    lees_landelijk,
)
from gebiedsplan.bronnen.register.tabel import als_tekst, zoekvorm
from gebiedsplan.errors import SchemaError

log = logging.getLogger(__name__)

#: The open-data export of the LRK (every location, every kind, every status).
LRK_URL = "https://www.landelijkregisterkinderopvang.nl/opendata/export_opendata_lrk.csv"
#: Where a person finds the file to download by hand.
LRK_PAGINA = "https://www.landelijkregisterkinderopvang.nl/opendata"
BRON = "Landelijk Register Kinderopvang"
#: The file, its page and its provenance when the koppeling names none.
BESTAND = Registerbestand(
    url=LRK_URL,
    pagina=LRK_PAGINA,
    bestandsnaam="export_opendata_lrk.csv",
    bron="Landelijk Register Kinderopvang (LRK)",
    licentie="CC0 1.0",
    optie="--lrk",
    omschrijving="het open-databestand",
)
#: The koppeling of the file (``wijken/registers/lrk.yml``).
KOPPELING = "lrk.yml"
#: Columns: kind of location, registration status, the gemeente (code and name).
SOORT = "type_oko"
STATUS = "status"
GEMEENTECODE = "cbs_code"
GEMEENTENAAM = "verantwoordelijke_gemeente"
#: The status of a location that may take children.
INGESCHREVEN = "Ingeschreven"
#: The kinds whose ``aantal_kindplaatsen`` is the capacity of the kinderopvang norm (0-3 years).
KINDPLAATSEN_VOOR = ("KDV",)


def koppeling_lrk(koppeling: str | Path | Koppeling | None = None) -> Koppeling:
    """The koppeling of the LRK file: ``wijken/registers/lrk.yml`` unless given."""
    if isinstance(koppeling, Koppeling):
        return koppeling
    return load_koppeling(koppeling or settings.wijken_dir / "registers" / KOPPELING)


def _kindercentra(
    header: list[str], rows: list[tuple[int, list[Any]]], koppeling: Koppeling, bestand: str
) -> tuple[list[tuple[int, list[Any]]], dict[int, str]]:
    """The registered locations of the kinds the koppeling maps, and the kind of every row."""
    ontbreekt = [k for k in (SOORT, STATUS) if k not in header]
    if ontbreekt:
        raise SchemaError(
            koppeling.laag,
            bestand,
            [
                f"kolom {', '.join(repr(k) for k in ontbreekt)} ontbreekt in {Path(bestand).name}; "
                f"de kopregel (rij 1) heeft: {', '.join(repr(h) for h in header if h)}. Is dit "
                f"het open-databestand van het LRK ({LRK_PAGINA})?"
            ],
        )
    soorten = {zoekvorm(w) for w in koppeling.waarden.get("categorie", {})}
    i_soort, i_status = header.index(SOORT), header.index(STATUS)
    gekozen: list[tuple[int, list[Any]]] = []
    soort_per_rij: dict[int, str] = {}
    for rij, cellen in rows:
        soort = als_tekst(cellen[i_soort]) if cellen[i_soort] is not None else ""
        status = als_tekst(cellen[i_status]) if cellen[i_status] is not None else ""
        if zoekvorm(status) != zoekvorm(INGESCHREVEN) or zoekvorm(soort) not in soorten:
            continue
        gekozen.append((rij, cellen))
        soort_per_rij[rij] = soort.upper()
    log.info(
        "LRK: %d ingeschreven locaties van de soorten %s gekozen, %d rijen niet (andere soort of "
        "status)",
        len(gekozen),
        ", ".join(sorted(koppeling.waarden.get("categorie", {}))),
        len(rows) - len(gekozen),
    )
    return gekozen, soort_per_rij


def _lees(
    header: list[str],
    rows: list[tuple[int, list[Any]]],
    *,
    bestand: str,
    herkomst: Herkomst,
    gemeentecode: str,
    gebied: BaseGeometry,
    jaar: int,
    gemeenten: Mapping[str, str] | None,
    koppeling: Koppeling,
) -> RegisterLaag:
    code = check_gemeentecode(gemeentecode)
    gekozen, soort_per_rij = _kindercentra(header, rows, koppeling, bestand)
    if gemeenten is None:
        gemeenten = gemeenten_rond(gebied, jaar=jaar)
    laag = lees_landelijk(
        header,
        gekozen,
        koppeling=koppeling,
        bestand=bestand,
        herkomst=herkomst,
        gemeentecode=code,
        gemeenten=gemeenten,
        gebied=gebied,
        code_kolom=GEMEENTECODE,
        naam_kolom=GEMEENTENAAM,
        wat="kindercentra",
        zonder_eigen_rijen=True,  # a small gemeente may have no day care of its own
    )
    data = laag.data
    if "capaciteit" in data.columns:
        soort = data["register_rij"].map(soort_per_rij)
        houden = soort.isin(KINDPLAATSEN_VOOR).to_numpy()
        data = data.assign(
            capaciteit=pd.Series(
                [c if h else math.nan for c, h in zip(data["capaciteit"], houden, strict=True)],
                index=data.index,
                dtype="float64",
            )
        )
    return RegisterLaag(laag.naam, data, laag.herkomst, niet_geplaatst=laag.niet_geplaatst)


def fetch_lrk(
    gemeentecode: str,
    *,
    gebied: BaseGeometry,
    jaar: int,
    gemeenten: Mapping[str, str] | None = None,
    koppeling: str | Path | Koppeling | None = None,
) -> RegisterLaag:
    """The kindercentra (KDV, BSO) of a gemeente and its border buffer, from the LRK online.

    Parameters
    ----------
    gemeentecode
        CBS code, e.g. ``GM0202``.
    gebied
        The gemeente plus its border buffer in EPSG:28992
        (:func:`gebiedsplan.importeren.reikwijdte`).
    jaar
        Year of the gemeente boundaries used to find the neighbouring gemeenten.
    gemeenten
        ``{code: naam}`` of the gemeenten whose rows are read; default those whose area touches
        ``gebied`` (:func:`~gebiedsplan.bronnen.register.landelijk.gemeenten_rond`, PDOK).
    koppeling
        Default ``wijken/registers/lrk.yml``.

    Returns
    -------
    RegisterLaag
        Layer ``voorzieningen`` (category ``kinderopvang``, ids ``lrk:<lrk_id>``, ``capaciteit``
        the kindplaatsen of a KDV) and the rows that could not be placed (``niet_geplaatst``).

    Raises
    ------
    BronError
        The LRK or PDOK cannot be reached (naming the page to download the file by hand).
    SchemaError
        The file lacks a column, or a number of places is not a number.

    Examples
    --------
    >>> import shapely
    >>> laag = fetch_lrk("GM0202", gebied=shapely.box(186_000, 436_000, 198_000, 450_000),
    ...     jaar=2024)  # doctest: +SKIP
    >>> laag.data["subcategorie"].value_counts()  # doctest: +SKIP
    """
    k = koppeling_lrk(koppeling)
    header, rows, herkomst = BESTAND.download(k, naam=BRON)
    return _lees(
        header,
        rows,
        bestand=LRK_URL,
        herkomst=herkomst,
        gemeentecode=gemeentecode,
        gebied=gebied,
        jaar=jaar,
        gemeenten=gemeenten,
        koppeling=k,
    )


def read_lrk(
    path: str | Path,
    *,
    gemeentecode: str,
    gebied: BaseGeometry,
    jaar: int,
    gemeenten: Mapping[str, str] | None = None,
    koppeling: str | Path | Koppeling | None = None,
) -> RegisterLaag:
    """The kindercentra (KDV, BSO) of a gemeente and its border buffer, from a downloaded LRK
    file (``export_opendata_lrk.csv``).

    Parameters and result as :func:`fetch_lrk`; the file may be the national one or a part of
    it. Its date is the file's date, its peildatum the year in its name or else that date.

    Examples
    --------
    >>> import shapely
    >>> laag = read_lrk("export_opendata_lrk.csv", gemeentecode="GM0202",
    ...     gebied=shapely.box(186_000, 436_000, 198_000, 450_000), jaar=2024)  # doctest: +SKIP
    """
    path = Path(path)
    k = koppeling_lrk(koppeling)
    header, rows, herkomst = BESTAND.read(path, k)
    return _lees(
        header,
        rows,
        bestand=str(path),
        herkomst=herkomst,
        gemeentecode=gemeentecode,
        gebied=gebied,
        jaar=jaar,
        gemeenten=gemeenten,
        koppeling=k,
    )
