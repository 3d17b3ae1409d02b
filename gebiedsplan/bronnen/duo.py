"""Primary schools (basisonderwijs) from DUO's open education data: online and from a file.

DUO publishes every vestiging of a basisschool with its address, monthly, as one national CSV
(dataset ``adressen_bo`` on onderwijsdata.duo.nl, file ``vestigingenbo.csv``; formerly
``03.-alle-vestigingen-bo.csv`` on duo.nl). :func:`fetch_duo` downloads it (through
:mod:`gebiedsplan._http`, cached); :func:`read_duo` reads a downloaded copy. Both read it through
the koppeling ``wijken/registers/duo_bo.yml`` (category ``basisschool``, id
``duo:<VESTIGINGSCODE>``) with :func:`gebiedsplan.bronnen.register.landelijk.lees_landelijk`:
the rows of the gemeente and of the gemeenten around its border buffer (``GEMEENTENUMMER``, else
``GEMEENTENAAM``), their addresses placed with the PDOK Locatieserver, rows that cannot be
placed skipped and reported.

The two formats DUO has used are both read: the current one with ``INSTELLINGSCODE`` (the BRIN,
4 characters) and ``VESTIGINGSCODE`` (BRIN plus a 2-digit vestigingsnummer), and the older one
with ``BRIN NUMMER`` and ``VESTIGINGSNUMMER``; a vestigingsnummer of one or two digits is
prefixed with its BRIN. Separator (``;`` or ``,``) and encoding (UTF-8 or Windows-1252) are
detected (:func:`gebiedsplan.bronnen.register.tabel.read_table`).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

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
from gebiedsplan.bronnen.register.tabel import als_tekst

log = logging.getLogger(__name__)

#: The national file of every basisschool vestiging (DUO open onderwijsdata, CKAN dataset
#: ``adressen_bo``, resource "Alle vestigingen in het basisonderwijs").
DUO_URL = (
    "https://onderwijsdata.duo.nl/dataset/786f12ea-6224-42fd-ab72-de4d7d879535/resource/"
    "dcc9c9a5-6d01-410b-967f-810557588ba4/download/vestigingenbo.csv"
)
#: Where a person finds the file to download by hand.
DUO_PAGINA = "https://onderwijsdata.duo.nl/dataset/adressen_bo"
BRON = "DUO Open Onderwijsdata"
#: The file, its page and its provenance when the koppeling names none.
BESTAND = Registerbestand(
    url=DUO_URL,
    pagina=DUO_PAGINA,
    bestandsnaam="vestigingenbo.csv",
    bron="DUO, vestigingen basisonderwijs",
    licentie="CC BY 4.0 (Dienst Uitvoering Onderwijs)",
    optie="--duo",
    omschrijving="'Alle vestigingen in het basisonderwijs'",
)
#: The koppeling of the file (``wijken/registers/duo_bo.yml``).
KOPPELING = "duo_bo.yml"
#: The columns with the gemeente of a vestiging.
GEMEENTECODE = "GEMEENTENUMMER"
GEMEENTENAAM = "GEMEENTENAAM"
#: Older column names and the current ones.
HERNOEMD = {"BRIN NUMMER": "INSTELLINGSCODE", "VESTIGINGSNUMMER": "VESTIGINGSCODE"}
#: A column with pupil counts, when the file has one: it becomes ``capaciteit``.
LEERLINGEN = ("AANTAL LEERLINGEN", "AANTAL_LEERLINGEN")


def koppeling_duo(koppeling: str | Path | Koppeling | None = None) -> Koppeling:
    """The koppeling of the DUO file: ``wijken/registers/duo_bo.yml`` unless given."""
    if isinstance(koppeling, Koppeling):
        return koppeling
    return load_koppeling(koppeling or settings.wijken_dir / "registers" / KOPPELING)


def _normaliseer(
    header: list[str], rows: list[tuple[int, list[Any]]], koppeling: Koppeling
) -> tuple[list[str], list[tuple[int, list[Any]]], Koppeling]:
    """The current column names; VESTIGINGSCODE as BRIN + 2 digits; pupils as capacity."""
    header = list(header)
    for oud, nieuw in HERNOEMD.items():
        if oud in header and nieuw not in header:
            header[header.index(oud)] = nieuw
    if "VESTIGINGSCODE" in header and "INSTELLINGSCODE" in header:
        iv, ib = header.index("VESTIGINGSCODE"), header.index("INSTELLINGSCODE")
        for _, cellen in rows:
            code = cellen[iv]
            if code is not None and als_tekst(code).isdigit() and len(als_tekst(code)) <= 2:
                cellen[iv] = f"{als_tekst(cellen[ib])}{int(als_tekst(code)):02d}"
    leerlingen = next((k for k in LEERLINGEN if k in header), None)
    if leerlingen and "capaciteit" not in koppeling.kolommen:
        log.info("DUO: kolom %s wordt de capaciteit (leerlingen)", leerlingen)
        koppeling = dataclasses.replace(
            koppeling, kolommen={**koppeling.kolommen, "capaciteit": leerlingen}
        )
    return header, rows, koppeling


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
    header, rows, koppeling = _normaliseer(header, rows, koppeling)
    code = check_gemeentecode(gemeentecode)
    if gemeenten is None:
        gemeenten = gemeenten_rond(gebied, jaar=jaar)
    return lees_landelijk(
        header,
        rows,
        koppeling=koppeling,
        bestand=bestand,
        herkomst=herkomst,
        gemeentecode=code,
        gemeenten=gemeenten,
        gebied=gebied,
        code_kolom=GEMEENTECODE,
        naam_kolom=GEMEENTENAAM,
        wat="basisscholen",
    )


def fetch_duo(
    gemeentecode: str,
    *,
    gebied: BaseGeometry,
    jaar: int,
    gemeenten: Mapping[str, str] | None = None,
    koppeling: str | Path | Koppeling | None = None,
) -> RegisterLaag:
    """The basisschool vestigingen of a gemeente and its border buffer, from DUO online.

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
        Default ``wijken/registers/duo_bo.yml``.

    Returns
    -------
    RegisterLaag
        Layer ``voorzieningen`` (category ``basisschool``, ids ``duo:<VESTIGINGSCODE>``) and the
        rows that could not be placed (``niet_geplaatst``).

    Raises
    ------
    BronError
        DUO or PDOK cannot be reached (naming the page to download the file by hand).
    SchemaError
        The file lacks a column of the koppeling, or has no vestiging of the gemeente.

    Examples
    --------
    >>> import shapely
    >>> laag = fetch_duo("GM0202", gebied=shapely.box(186_000, 436_000, 198_000, 450_000),
    ...     jaar=2024)  # doctest: +SKIP
    >>> laag.data["categorie"].unique()  # doctest: +SKIP
    array(['basisschool'], dtype=object)
    """
    k = koppeling_duo(koppeling)
    header, rows, herkomst = BESTAND.download(k, naam=BRON)
    return _lees(
        header,
        rows,
        bestand=DUO_URL,
        herkomst=herkomst,
        gemeentecode=gemeentecode,
        gebied=gebied,
        jaar=jaar,
        gemeenten=gemeenten,
        koppeling=k,
    )


def read_duo(
    path: str | Path,
    *,
    gemeentecode: str,
    gebied: BaseGeometry,
    jaar: int,
    gemeenten: Mapping[str, str] | None = None,
    koppeling: str | Path | Koppeling | None = None,
) -> RegisterLaag:
    """The basisschool vestigingen of a gemeente and its border buffer, from a downloaded DUO
    file (``vestigingenbo.csv`` or the older ``03.-alle-vestigingen-bo.csv``).

    Parameters and result as :func:`fetch_duo`; the file may be the national one or a part of
    it. Its date is the file's date, its peildatum the year in its name or else that date.

    Examples
    --------
    >>> import shapely
    >>> laag = read_duo("vestigingenbo.csv", gemeentecode="GM0202",
    ...     gebied=shapely.box(186_000, 436_000, 198_000, 450_000), jaar=2024)  # doctest: +SKIP
    """
    path = Path(path)
    k = koppeling_duo(koppeling)
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
