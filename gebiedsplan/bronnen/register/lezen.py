"""A register, through its koppeling, into a validated catalogue layer: :func:`read_register`."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
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
from gebiedsplan.catalogus import Catalogus, Kolom, load_catalogus
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


def _waarde(
    cel: Any,
    naam: str,
    kolom: Kolom,
    koppeling: Koppeling,
    catalogus: Catalogus,
    rij: int,
    problemen: Problemen,
) -> Any:
    """One register cell as a catalogue value (mapped, typed, checked), or None."""
    bron = koppeling.kolommen[naam]
    label = f"kolom '{bron}' ({naam})" if bron != naam else f"kolom '{naam}'"
    if cel is None:
        if not kolom.leeg and naam != "id":
            problemen.rij(f"{label}: lege waarde in rij {{rijen}}; deze kolom is verplicht", rij)
        return None
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
        waarde, reden = zet_om(woord, kolom)
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
        "Register %s: geen peildatum in de koppeling (herkomst.peildatum); de datum %s is "
        "gebruikt",
        path.name,
        datum,
    )
    return datum, "peildatum niet opgegeven: datum van het register"


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
        empty required values, non-numeric numbers, unknown words, coordinates in another
        system than stated or swapped, a mix of RD and degrees, addresses not found, rows
        outside the gemeente.
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

    Numbers may use a decimal comma (``12,5``); thousands separators are refused (``1.250,5``
    is ambiguous between registers). Words in ``waarden`` match without regard to case or
    surrounding spaces; a catalogue word written in another case (``Ontmoeting``) is accepted.

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
    schema = catalogus.lagen[koppeling.laag]
    blad = sheet if sheet is not None else koppeling.blad
    vlak = vlak_in_rd(gemeente_vlak) if gemeente_vlak is not None else None
    header, rows = read_table(path, blad)
    if not rows:
        raise SchemaError(
            koppeling.laag, str(path), ["het register heeft geen rijen onder de kopregel (rij 1)"]
        )

    problemen = Problemen()
    index = _kolom_index(header, koppeling, path, problemen)
    waarden: dict[str, dict[int, Any]] = {}
    for naam in koppeling.kolommen:
        if naam not in index:
            continue
        kolom = schema.kolommen.get(naam) or Kolom(naam=naam, type="str")
        waarden[naam] = {
            rij: _waarde(cellen[index[naam]], naam, kolom, koppeling, catalogus, rij, problemen)
            for rij, cellen in rows
        }
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
        id_per_rij = {r: str(ids[r]) for r in rijnummers}
    else:
        prefix = _prefix(koppeling, path)
        id_per_rij = {r: f"{prefix}:{r}" for r in rijnummers}

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
    frame = pd.DataFrame({"id": [id_per_rij[r] for r in rijnummers]})
    for naam, kolom in schema.kolommen.items():
        if naam in waarden:
            values = [waarden[naam][r] for r in rijnummers]
        elif naam in koppeling.vast:
            values = [zet_om(koppeling.vast[naam], kolom)[0]] * len(rijnummers)
        elif naam == "bron":
            values = [bron_waarde.bron] * len(rijnummers)
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
    xy = np.array([punten[r] for r in rijnummers], dtype=float)
    gdf = gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]), crs=settings.crs)
    data = validate_laag(gdf, koppeling.laag, bron=str(path), catalogus=catalogus)
    log.info("Register %s: %d rijen in laag '%s'", path.name, len(data), koppeling.laag)
    return Laag(naam=koppeling.laag, data=data, herkomst=bron_waarde)
