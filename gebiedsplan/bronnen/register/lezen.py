"""A register, through its koppeling, into a validated catalogue layer: :func:`read_register`."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from gebiedsplan import settings
from gebiedsplan._validate import JA, validate_laag
from gebiedsplan.bronnen import Herkomst, Laag
from gebiedsplan.bronnen._datering import bestand_datum, jaar_in_naam
from gebiedsplan.bronnen.register.koppeling import (
    ADRES,
    Koppeling,
    allowed_values,
    is_allowed,
    load_koppeling,
)
from gebiedsplan.bronnen.register.locaties import adressen, coordinaten, vlak_in_rd
from gebiedsplan.bronnen.register.tabel import (
    Problemen,
    als_tekst,
    read_table,
    rijen_tekst,
    zet_om,
    zoekvorm,
)
from gebiedsplan.catalogus import (
    Catalogus,
    Kolom,
    functie_zoekvorm,
    load_catalogus,
    split_functies,
)
from gebiedsplan.errors import SchemaError

log = logging.getLogger(__name__)


def _kolom_index(
    header: list[str], koppeling: Koppeling, path: Path, problemen: Problemen
) -> dict[str, int]:
    """Position of every register column the mapping names; a missing one is a problem."""
    exact = {h: i for i, h in enumerate(header) if h}
    loose = {zoekvorm(h): i for i, h in enumerate(header) if h}
    dubbel = sorted({h for h in header if h and header.count(h) > 1})
    if dubbel:
        problemen.regel(
            f"kolomnaam {', '.join(repr(h) for h in dubbel)} staat meer dan eens in de kopregel "
            "(rij 1); maak de namen uniek"
        )
    gevraagd = {naam: bron for naam, bron in koppeling.kolommen.items()}
    gevraagd |= {f"locatie.{k}": v for k, v in koppeling.locatie.items()}
    index: dict[str, int] = {}
    ontbreekt: list[str] = []
    for doel, bron in gevraagd.items():
        if bron in exact:
            index[doel] = exact[bron]
        elif zoekvorm(bron) in loose:
            index[doel] = loose[zoekvorm(bron)]
        else:
            ontbreekt.append(f"'{bron}' (voor {doel})")
    if ontbreekt:
        problemen.regel(
            f"kolom {', '.join(ontbreekt)} ontbreekt in {path.name}; de kopregel (rij 1) heeft: "
            f"{', '.join(repr(h) for h in header if h)}. Pas de kolomnaam aan in "
            f"{koppeling.bestand} of in de kopregel"
        )
    return index


def _label(naam: str, koppeling: Koppeling) -> str:
    bron = koppeling.kolommen[naam]
    return f"kolom '{bron}' ({naam})" if bron != naam else f"kolom '{naam}'"


def _functies(
    cel: Any,
    koppeling: Koppeling,
    catalogus: Catalogus,
    rij: int,
    onbekend: dict[str, list[int]],
) -> str | None:
    """A cell of the column ``functies`` as function names of the vocabulary
    (``lagen/catalogus/functies.yml``), joined with ``;``, or None when a word is unknown.

    The cell is split at the koppeling's separator (``lijst: functies:``) and with
    :func:`~gebiedsplan.catalogus.split_functies`; every word goes through the koppeling's
    table (``waarden: functies:``, tolerant as the vocabulary is) and then the vocabulary. A
    word neither knows is recorded in ``onbekend`` with its row: never stored as it is, never
    dropped (it could be a sensitive function under a local name)."""
    tabel = {
        functie_zoekvorm(w).replace(" ", ""): d
        for w, d in koppeling.waarden.get("functies", {}).items()
    }
    tekst = als_tekst(cel)
    scheiding = koppeling.lijst.get("functies")
    delen = tekst.split(scheiding) if scheiding else [tekst]
    namen: list[str] = []
    goed = True
    for woord in (w for deel in delen for w in split_functies(deel)):
        doel = tabel.get(functie_zoekvorm(woord).replace(" ", ""), woord)
        functie = catalogus.functies.zoek(doel)
        if functie is None:
            onbekend.setdefault(woord, []).append(rij)
            goed = False
        else:
            namen.append(functie.naam)
    return ";".join(dict.fromkeys(namen)) if goed and namen else None


def _onbekende_functies(
    onbekend: Mapping[str, list[int]],
    koppeling: Koppeling,
    catalogus: Catalogus,
    problemen: Problemen,
) -> None:
    """One line per unknown function word with its rows, then the fix."""
    label = _label("functies", koppeling)
    for woord, rijen in onbekend.items():
        gevoelig = (
            " (bevat een woord voor een gevoelige functie)"
            if catalogus.functies.noemt_gevoelig(woord)
            else ""
        )
        problemen.regel(
            f"{label}: onbekende functie '{woord}'{gevoelig} in rij {rijen_tekst(rijen)}"
        )
    bekend = ", ".join(catalogus.functies.functies)
    voorbeeld = next(iter(onbekend))
    problemen.regel(
        "een functie die de catalogus niet kent, wordt niet ingelezen: het kan een gevoelige "
        "functie zijn (opvang, beschermd wonen) die nooit gepubliceerd mag worden. Vertaal elk "
        f"woord onder 'waarden: functies:' in {koppeling.bestand} naar een functie van "
        f"lagen/catalogus/functies.yml ({bekend}), bv. '{voorbeeld}: overig', of voeg het daar "
        "als synoniem toe"
    )


def _waarde(
    cel: Any,
    naam: str,
    kolom: Kolom,
    koppeling: Koppeling,
    catalogus: Catalogus,
    rij: int,
    problemen: Problemen,
    onbekende_functies: dict[str, list[int]],
) -> Any:
    """One register cell as a catalogue value (mapped, typed, checked), or None."""
    label = _label(naam, koppeling)
    if cel is None:
        if not kolom.leeg and naam != "id":
            problemen.rij(f"{label}: lege waarde in rij {{rijen}}; deze kolom is verplicht", rij)
        return None
    if naam == "functies":
        return _functies(cel, koppeling, catalogus, rij, onbekende_functies)
    tabel = koppeling.waarden.get(naam)
    opzoek = {zoekvorm(w): d for w, d in tabel.items()} if tabel else {}
    if naam in koppeling.lijst:
        woorden = [w for w in als_tekst(cel).split(koppeling.lijst[naam]) if w.strip()]
    else:
        woorden = [cel]
    uit: list[Any] = []
    for woord in woorden:
        if zoekvorm(woord) in opzoek:
            woord = opzoek[zoekvorm(woord)]
        waarde, reden = zet_om(woord, kolom, notatie=koppeling.getallen)
        if reden and reden.startswith(("is ", "past ")):  # a number read with doubt
            problemen.rij(f"{label}: '{als_tekst(cel)}' in rij {{rijen}} {reden}", rij)
            return None
        if reden:
            problemen.rij(
                f"{label}: {reden} in rij {{rijen}} (bv. {{voorbeelden}})", rij, als_tekst(cel)
            )
            return None
        if isinstance(waarde, str):
            keuzes = allowed_values(kolom, catalogus)
            if keuzes and waarde not in keuzes:
                # accept the catalogue word in another case ("Ontmoeting")
                passend = [k for k in keuzes if k.casefold() == waarde.casefold()]
                if passend:
                    waarde = passend[0]
            if kolom.vocabulaire == "categorieen" and waarde not in catalogus.categorieen:
                # a function word of the vocabulary names its category ("Vrouwenopvang": opvang)
                functie = catalogus.functies.zoek(waarde)
                if functie is not None and functie.categorie is not None:
                    waarde = functie.categorie
            if not is_allowed(waarde, kolom, catalogus):
                bekend = sorted(tabel) if tabel else []
                hint = (f"; de koppeling vertaalt: {', '.join(bekend)}" if bekend else "") + (
                    f"; de catalogus kent: {', '.join(keuzes)}" if keuzes else ""
                )
                problemen.rij(
                    f"{label}: onbekende waarde in rij {{rijen}} ({{voorbeelden}}){hint}. "
                    f"Voeg het woord toe onder 'waarden: {naam}:' in {koppeling.bestand}",
                    rij,
                    woord,
                )
                return None
        uit.append(waarde)
    if naam in koppeling.lijst:
        return ";".join(dict.fromkeys(str(w) for w in uit))
    return uit[0] if uit else None


def _prefix(koppeling: Koppeling, path: Path) -> str:
    if koppeling.prefix:
        return koppeling.prefix
    return re.sub(r"[^\w.-]+", "_", path.stem).strip("_") or "register"


def _herkomst(koppeling: Koppeling, path: Path, blad: str | int | None) -> Herkomst:
    bron = koppeling.herkomst.get("bron") or str(
        koppeling.vast.get("bron") or f"Register {path.name}"
    )
    datum = koppeling.herkomst.get("datum") or bestand_datum(path)
    licentie = koppeling.herkomst.get("licentie") or (
        "niet opgegeven (gemeentelijk register; vul herkomst.licentie in de koppeling in)"
    )
    excel = path.suffix.lower() in (".xlsx", ".xlsm")
    query = f"{path.name}" + (f", blad {blad}" if excel and blad is not None else "")
    query += f", koppeling {Path(koppeling.bestand).name}"
    if koppeling.met_adres:
        query += ", adressen via PDOK Locatieserver v3.1"
    synthetisch = str(koppeling.herkomst.get("synthetisch", "")).casefold() in JA
    peildatum, hoe = _peildatum(koppeling, path, datum)
    return Herkomst(
        bron=bron,
        datum=datum,
        licentie=licentie,
        query=f"{query}; {hoe}",
        synthetisch=synthetisch,
        peildatum=peildatum,
    )


def _peildatum(koppeling: Koppeling, path: Path, datum: str) -> tuple[str, str]:
    """The moment the register describes, and where that was found."""
    if koppeling.herkomst.get("peildatum"):
        return koppeling.herkomst["peildatum"], "peildatum uit de koppeling"
    jaar = jaar_in_naam(path)
    if jaar is not None:
        return str(jaar), "peildatum: jaar in de bestandsnaam"
    log.info(
        "Register %s: geen peildatum in de koppeling (herkomst.peildatum); de datum %s is gebruikt",
        path.name,
        datum,
    )
    return datum, "peildatum niet opgegeven: datum van het register"


@dataclass(frozen=True)
class Cellen:
    """A register's cells as catalogue values: the column positions, the value of every mapped
    catalogue column by row, the names by row and the id of every row."""

    index: dict[str, int]
    waarden: dict[str, dict[int, Any]]
    namen: dict[int, str]
    ids: dict[int, str]


def lees_cellen(
    header: list[str],
    rows: list[tuple[int, list[Any]]],
    koppeling: Koppeling,
    path: Path,
    problemen: Problemen,
    *,
    catalogus: Catalogus,
) -> Cellen:
    """Every mapped cell of every row as a catalogue value (mapped, typed, checked), the ids
    (the id column, ``<prefix>:<id>`` with a prefix, else ``<prefix>:<row number>``); every
    problem goes into ``problemen`` with its rows."""
    schema = catalogus.lagen[koppeling.laag]
    index = _kolom_index(header, koppeling, path, problemen)
    waarden: dict[str, dict[int, Any]] = {}
    onbekende_functies: dict[str, list[int]] = {}
    for naam in koppeling.kolommen:
        if naam not in index:
            continue
        kolom = schema.kolommen.get(naam) or Kolom(naam=naam, type="str")
        waarden[naam] = {
            rij: _waarde(
                cellen[index[naam]],
                naam,
                kolom,
                koppeling,
                catalogus,
                rij,
                problemen,
                onbekende_functies,
            )
            for rij, cellen in rows
        }
    if onbekende_functies:
        _onbekende_functies(onbekende_functies, koppeling, catalogus, problemen)
    rijnummers = [rij for rij, _ in rows]
    namen = {r: str(v) for r, v in waarden.get("naam", {}).items() if v}

    if "id" in waarden:
        ids = waarden["id"]
        leeg = [r for r in rijnummers if not ids[r]]
        for r in leeg:
            problemen.rij(
                f"kolom '{koppeling.kolommen['id']}' (id): leeg in rij {{rijen}}; elke rij heeft "
                "een eigen id nodig",
                r,
            )
        gezien: dict[str, list[int]] = {}
        for r in rijnummers:
            if ids[r]:
                gezien.setdefault(str(ids[r]), []).append(r)
        for sleutel, rijen in gezien.items():
            if len(rijen) > 1:
                problemen.regel(
                    f"id '{sleutel}' staat in meer dan één rij ({rijen_tekst(rijen)}); ids moeten "
                    "uniek zijn"
                )
        voor = f"{koppeling.prefix}:" if koppeling.prefix else ""
        id_per_rij = {r: f"{voor}{ids[r]}" for r in rijnummers}
    else:
        prefix = _prefix(koppeling, path)
        id_per_rij = {r: f"{prefix}:{r}" for r in rijnummers}
    return Cellen(index, waarden, namen, id_per_rij)


def bouw_laag(
    cellen: Cellen,
    rijnummers: list[int],
    punten: Mapping[int, tuple[float, float]],
    gevonden: Mapping[int, tuple[str, float | None]],
    koppeling: Koppeling,
    herkomst: Herkomst,
    *,
    bron: str,
    catalogus: Catalogus,
) -> pd.DataFrame:
    """The validated layer of the rows ``rijnummers`` (each with a point): the mapped values,
    the fixed ones (``vast``), ``bron`` (the provenance source unless mapped), an empty
    column for a required column that may be empty, and ``register_rij`` (and for geocoded
    rows ``geocode_adres``, ``geocode_score``)."""
    schema = catalogus.lagen[koppeling.laag]
    waarden = cellen.waarden
    frame = pd.DataFrame({"id": [cellen.ids[r] for r in rijnummers]})
    for naam, kolom in schema.kolommen.items():
        if naam in waarden:
            values = [waarden[naam][r] for r in rijnummers]
        elif naam == "functies" and naam in koppeling.vast:  # checked by load_koppeling
            vaste = ";".join(catalogus.functies.lees(koppeling.vast[naam])[0])
            values = [vaste] * len(rijnummers)
        elif naam in koppeling.vast:
            values = [zet_om(koppeling.vast[naam], kolom)[0]] * len(rijnummers)
        elif naam == "bron":
            values = [herkomst.bron] * len(rijnummers)
        elif kolom.verplicht:  # allowed to be empty (e.g. capaciteit): an empty column
            values = [None] * len(rijnummers)
        else:
            continue
        frame[naam] = pd.Series(values, dtype="object")
    if "bron" in koppeling.vast and "bron" not in schema.kolommen:
        frame["bron"] = str(koppeling.vast["bron"])
    frame["register_rij"] = rijnummers
    if gevonden:
        frame["geocode_adres"] = [gevonden[r][0] for r in rijnummers]
        frame["geocode_score"] = [gevonden[r][1] for r in rijnummers]
    xy = np.array([punten[r] for r in rijnummers], dtype=float).reshape(-1, 2)
    gdf = gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]), crs=settings.crs)
    return validate_laag(gdf, koppeling.laag, bron=bron, catalogus=catalogus)


def read_register(
    path: str | Path,
    *,
    koppeling: str | Path | Mapping[str, Any] | Koppeling,
    gemeente_vlak: BaseGeometry | gpd.GeoSeries | gpd.GeoDataFrame | None = None,
    sheet: str | int | None = None,
) -> Laag:
    """Read a municipal register (CSV or Excel) into a validated catalogue layer.

    Parameters
    ----------
    path
        The register: ``.csv`` (``;``, ``,`` or tab separated; UTF-8 or Windows-1252) or
        ``.xlsx``. The first row holds the column names.
    koppeling
        The column mapping: a YAML file, a dict of the same structure, or a
        :class:`Koppeling` (see the module docstring and ``wijken/registers/``).
    gemeente_vlak
        The gemeente polygon. Rows outside it are reported. A GeoDataFrame or GeoSeries
        (reprojected to RD) or a shapely geometry in EPSG:28992. With generalised
        boundaries, give some room: ``wijken.dissolve().buffer(100)``.
    sheet
        Excel sheet name or 0-based position; overrides ``blad:`` in the mapping.

    Returns
    -------
    Laag
        ``data`` is the layer in EPSG:28992 indexed by ``id`` (the register's id column, or
        ``<prefix>:<row number>``), with the extra column ``register_rij`` (the spreadsheet row)
        and, for geocoded registers, ``geocode_adres`` and ``geocode_score``.

    Raises
    ------
    GebiedsplanError
        The mapping is not usable (every problem, with its line).
    SchemaError
        Every problem of the register at once, with spreadsheet row numbers: missing columns,
        empty required values, non-numeric numbers, unknown words and functions, coordinates
        in another system than stated or swapped, a mix of RD and degrees, addresses not
        found, rows outside the gemeente.
    BronError
        The file cannot be read, or PDOK Locatieserver cannot be reached.

    Notes
    -----
    Coordinates: with ``crs: auto`` each row is RD when it lies in the Netherlands in RD
    metres (x -10,000-295,000 and y 296,000-648,000), degrees when it lies there in degrees
    (lon 3.1-7.32 and lat 50.65-53.8): the area of use of EPSG:28992 with a margin,
    :data:`gebiedsplan._validate.NEDERLAND_RD` and :data:`~gebiedsplan._validate.NEDERLAND_WGS84`;
    a row that fits only with x and y swapped, or fits
    neither, is an error, and so is a register that mixes both systems. A stated ``crs`` is
    checked the same way, so degrees in an RD register (or RD metres in "lat/lon" columns) are
    reported, not reprojected into nonsense.

    Numbers are read as the koppeling's ``getallen:`` declares (``{decimaal: ',', duizendtal:
    '.'}``, ...; :mod:`gebiedsplan._getallen`). Without it, every value is read the one way it
    can be read (``12,5``, ``1.250,5``, ``0.72``) and a value that two notations read
    differently (``1.250``: 1250 or 1,25; ``12,345``) is refused with its row, never guessed.
    Words in ``waarden`` match without regard to case or
    surrounding spaces; a catalogue word written in another case (``Ontmoeting``) is accepted.

    Functions (column ``functies``) are a controlled vocabulary
    (``lagen/catalogus/functies.yml``, :attr:`gebiedsplan.catalogus.Catalogus.functies`): each
    word of the cell (split at the ``lijst`` separator and at ``;`` ``,`` ``/`` ``|`` ``+``)
    goes through ``waarden: functies:`` and then the vocabulary's names and synonyms, without
    regard to case, spaces, hyphens, apostrophes or accents ("Buurthuis", "BLIJF-VAN-M'N-
    LIJFHUIS"), and is stored as its function name ("ontmoeting;vrouwenopvang"). A word the
    vocabulary does not know is an error with its rows, not a warning: it could be a sensitive
    function (shelter, beschermd wonen) under a local name, and a site with a sensitive
    function must never reach a published map. A category word of a facility register that the
    mapping does not translate may be a function word of the vocabulary ("Vrouwenopvang" is
    category opvang).

    Provenance: ``herkomst.bron`` of the mapping, else ``vast.bron``, else "Register <file>";
    ``herkomst.datum``, else the file's modification date; ``herkomst.peildatum`` (the moment
    the register describes), else the one year in the file name, else that date (the query
    says which); ``herkomst.licentie``, else marked "niet opgegeven". A catalogue column ``bron`` that the mapping does not fill gets the
    provenance source; a required column that may be empty (``capaciteit``) and is not mapped
    stays empty.

    Examples
    --------
    >>> from gebiedsplan import settings
    >>> from gebiedsplan.bronnen.register import read_register
    >>> laag = read_register(settings.wijken_dir / "registers" / "arnhem_accommodaties_voorbeeld.csv",
    ...     koppeling=settings.wijken_dir / "registers" / "arnhem_accommodaties.yml")
    >>> laag.data.loc["IAB-003", ["naam", "functies", "status"]].tolist()
    ['Voorbeeld Wijkcentrum Oost (fictief)', 'ontmoeting;welzijn;jeugd_en_gezin', 'in_gebruik']
    >>> laag.herkomst.bron
    'Voorbeeld IAB-register Arnhem (fictief)'
    """
    path = Path(path)
    catalogus = load_catalogus()
    if not isinstance(koppeling, Koppeling):
        koppeling = load_koppeling(koppeling, catalogus=catalogus)
    blad = sheet if sheet is not None else koppeling.blad
    vlak = vlak_in_rd(gemeente_vlak) if gemeente_vlak is not None else None
    header, rows = read_table(path, blad)
    if not rows:
        raise SchemaError(
            koppeling.laag, str(path), ["het register heeft geen rijen onder de kopregel (rij 1)"]
        )

    problemen = Problemen()
    cellen = lees_cellen(header, rows, koppeling, path, problemen, catalogus=catalogus)
    index, namen = cellen.index, cellen.namen

    punten: dict[int, tuple[float, float]] = {}
    gevonden: dict[int, tuple[str, float | None]] = {}
    if koppeling.met_adres:
        adres_index = {k: index[f"locatie.{k}"] for k in ADRES if f"locatie.{k}" in index}
        if all(f"locatie.{k}" in index for k in koppeling.locatie):
            punten, gevonden = adressen(rows, adres_index, namen, koppeling, problemen)
    elif "locatie.x" in index and "locatie.y" in index:
        punten = coordinaten(rows, index["locatie.x"], index["locatie.y"], koppeling, problemen)

    if vlak is not None and punten:
        rijen = list(punten)
        binnen = shapely.covers(vlak, shapely.points([punten[r] for r in rijen]))
        for r, erin in zip(rijen, binnen, strict=True):
            if not erin:
                x, y = punten[r]
                naam = f" ({namen[r]})" if namen.get(r) else ""
                problemen.regel(
                    f"rij {r}{naam} ligt buiten de gemeente (RD {x:.0f}, {y:.0f}); "
                    "controleer de coördinaten of het adres, of laat de rij weg"
                )

    if problemen:
        raise SchemaError(koppeling.laag, str(path), problemen.lijst())

    bron_waarde = _herkomst(koppeling, path, blad)
    data = bouw_laag(
        cellen,
        [rij for rij, _ in rows],
        punten,
        gevonden,
        koppeling,
        bron_waarde,
        bron=str(path),
        catalogus=catalogus,
    )
    log.info("Register %s: %d rijen in laag '%s'", path.name, len(data), koppeling.laag)
    return Laag(naam=koppeling.laag, data=data, herkomst=bron_waarde)
