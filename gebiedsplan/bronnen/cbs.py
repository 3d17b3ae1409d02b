"""CBS Kerncijfers wijken en buurten: inhabitants by age band, households, income.

Online, :func:`fetch_kerncijfers` reads the StatLine table of the year (``85984NED`` for 2024,
``85618NED`` for 2023, ...; the list is in ``lagen/catalogus/cbs.yml``) for one gemeente, its
wijken and its buurten. Its file twin :func:`read_kerncijfers` reads a CSV saved from StatLine
with the same column keys. Both resolve the keys by their stable stem (``AantalInwoners_5`` ->
``AantalInwoners``), never by a hard-coded suffix, and return the catalogue columns
(``aantal_inwoners``, ``inwoners_0_tot_15_jaar``, ..., ``gemiddeld_inkomen_per_inwoner``)
indexed by region code (GM/WK/BU).

Kerncijfers are a table that joins onto wijken or buurten, not a layer of their own:
:func:`join_kerncijfers` fills them in on a boundary layer by code.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from gebiedsplan._getallen import Notatie, notatie_uit
from gebiedsplan._tekst import getal
from gebiedsplan._validate import check_gemeentecode, check_samenhang_rijen
from gebiedsplan.bronnen import Herkomst
from gebiedsplan.bronnen._datering import bestand_datum, jaar_in_naam
from gebiedsplan.bronnen._statline import (
    OPGEVEN_CSV,
    gemeentecodes,
    get_properties,
    get_table,
    in_gemeente,
    indeling_van,
    jaar_tekst,
    parse_getallen,
    read_csv,
    region_filter,
    resolve_kolommen,
    resolve_stems,
    sentinels_to_missing,
    stem_of,
    strip_code,
)
from gebiedsplan.catalogus import load_catalogus, load_cbs_config
from gebiedsplan.errors import BronError, GebiedsplanError

log = logging.getLogger(__name__)

_MAX_GENOEMD = 10
#: The moment the Kerncijfers of year ``jaar`` describe: the population on 1 January (CBS);
#: their codes follow the indeling of that year.
PEILDATUM = "{jaar}-01-01"


def _gedateerd(herkomst: Herkomst, jaar: int, indeling: str | None = None) -> Herkomst:
    """Peildatum 1 January of ``jaar``; indeling the table's own (``MapYear``) when known,
    else that of ``jaar``."""
    return replace(herkomst, peildatum=PEILDATUM.format(jaar=jaar), indeling=indeling or str(jaar))


def _indeling(props: list[dict[str, Any]], regio: str, jaar: int, *, tabel: str) -> str:
    """The indeling of the table's region codes: ``MapYear`` of its region dimension (typed
    ``GeoDetail`` with an integer year by the live service), else ``jaar``."""
    indeling = indeling_van(props, regio)
    if indeling is None:
        return str(jaar)
    if indeling != str(jaar):
        log.warning(
            "CBS-tabel %s: de gebiedscodes volgen de indeling van %s, niet van %d",
            tabel,
            indeling,
            jaar,
        )
    return indeling


@dataclass(frozen=True)
class Kerncijfers:
    """Key figures of one gemeente, its wijken and buurten, with their provenance.

    Attributes
    ----------
    data
        One row per region code (``GM0202``, ``WK020201``, ``BU02020101``; index ``code``),
        the catalogue columns the source has; missing where CBS has no figure.
    herkomst
        Source, date, licence and query, as for every layer.
    jaar
        Year of the Kerncijfers.
    tabel
        StatLine table id (``None`` when a file did not say).
    kolommen
        Catalogue column -> the source's column key (``aantal_inwoners`` -> ``AantalInwoners_5``).
    """

    data: pd.DataFrame
    herkomst: Herkomst
    jaar: int
    tabel: str | None = None
    kolommen: Mapping[str, str] = field(default_factory=dict)


def _kolomspec() -> dict[str, Any]:
    return dict(load_cbs_config()["kerncijfers"]["kolommen"])


def _tabel(jaar: int) -> str:
    tabellen = load_cbs_config()["kerncijfers"]["tabellen"]
    if jaar not in tabellen:
        raise BronError(
            f"CBS StatLine: geen tabel Kerncijfers wijken en buurten bekend voor jaar {jaar}; "
            f"bekend zijn {jaar_tekst(tabellen)}. Staat er een nieuwe tabel op StatLine, voeg "
            "hem toe onder kerncijfers.tabellen in lagen/catalogus/cbs.yml."
        )
    return str(tabellen[jaar])


def fetch_kerncijfers(gemeentecode: str, *, jaar: int) -> Kerncijfers:
    """Kerncijfers wijken en buurten of one gemeente from CBS StatLine.

    Parameters
    ----------
    gemeentecode
        CBS code, e.g. ``"GM0202"``.
    jaar
        Year of the Kerncijfers; the table per year is in ``cbs.yml``.

    Returns
    -------
    Kerncijfers
        ``data`` indexed by region code with the catalogue columns the table has.

    Raises
    ------
    BronError
        A year without table (naming the years that have one), a gemeentecode not of the form
        GMdddd or without rows, a table without ``AantalInwoners``.

    Examples
    --------
    >>> from gebiedsplan.bronnen.cbs import fetch_kerncijfers
    >>> kern = fetch_kerncijfers("GM0202", jaar=2024)  # doctest: +SKIP
    >>> int(kern.data.loc["GM0202", "aantal_inwoners"])  # doctest: +SKIP
    167632
    """
    code = check_gemeentecode(gemeentecode)
    cfg = load_cbs_config()["kerncijfers"]
    tabel = _tabel(jaar)
    host = str(cfg["host"])
    props = get_properties(tabel, host=host)
    spec = _kolomspec()
    kolommen = resolve_kolommen(
        props,
        {naam: list(s["stam"]) for naam, s in spec.items()},
        tabel=f"CBS-tabel {tabel}",
        verplicht=("aantal_inwoners",),
    )
    regio = resolve_stems(props, ["WijkenEnBuurten"], tabel=f"CBS-tabel {tabel}")["WijkenEnBuurten"]
    filter_ = region_filter(code, dimensie=regio)
    select = [regio, *kolommen.values()]
    frame, herkomst = get_table(
        tabel,
        host=host,
        filter=filter_,
        select=select,
        bron=f"{cfg['bron']} {jaar} (CBS StatLine {tabel})",
        licentie=str(cfg["licentie"]),
    )
    herkomst = _gedateerd(herkomst, jaar, _indeling(props, regio, jaar, tabel=tabel))
    bron = f"CBS-tabel {tabel}"
    data = _kerncijfers_frame(frame, regio, kolommen, gemeentecode=code, bron=bron)
    log.info("%s: kerncijfers van %d gebieden van %s", bron, len(data), code)
    return Kerncijfers(data=data, herkomst=herkomst, jaar=jaar, tabel=tabel, kolommen=kolommen)


def read_kerncijfers(
    path: str | os.PathLike[str],
    *,
    gemeentecode: str | Sequence[str] | None,
    jaar: int,
    getallen: Notatie | str | None = None,
) -> Kerncijfers:
    """Kerncijfers from a CSV saved from StatLine (the same suffixed column keys).

    The region code column is found by name (``WijkenEnBuurten``, ``Codering_3``, ``code``,
    ``buurtcode``, ... see ``kerncijfers.codekolommen`` in ``cbs.yml``); the figures by their
    stem, as online. Comma or semicolon separated; ``.`` or an empty cell is a missing figure.
    Numbers are read by :func:`gebiedsplan.bronnen._statline.parse_getallen`: a value that
    could be two numbers (``2.000``) is refused unless ``getallen`` declares the notation. The
    figures are checked against the schema of buurten (counts whole and not negative, no more
    households than inhabitants, an age band at most the inhabitants), naming the file's row.

    Parameters
    ----------
    path
        The CSV file.
    gemeentecode
        CBS code; only the gemeente, its wijken and its buurten are kept. Several codes: those
        gemeenten; None: every gemeente (a national file read once).
    jaar
        Year of the Kerncijfers (peildatum 1 January of that year, indeling of that year); a
        file whose name holds another year is read as ``jaar`` with a warning.
    getallen
        The notation of the numbers (:func:`gebiedsplan._getallen.notatie_uit`: ``punt``,
        ``nl``, ``komma``, ``internationaal``, or a mapping); default not declared.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> csv = Path(tempfile.mkdtemp()) / "kwb2024.csv"
    >>> _ = csv.write_text("buurtcode,AantalInwoners_5,k_65JaarOfOuder_12\\n"
    ...                    "BU99990101,1200,310\\nBU99990102,.,.\\nBU03630000,5,0\\n")
    >>> kern = read_kerncijfers(csv, gemeentecode="GM9999", jaar=2024)
    >>> list(kern.data.index), kern.data["aantal_inwoners"].tolist()
    (['BU99990101', 'BU99990102'], [1200, <NA>])
    >>> kern.kolommen["aantal_inwoners"]
    'AantalInwoners_5'
    """
    codes = gemeentecodes(gemeentecode)
    code = ", ".join(codes) if codes is not None else "alle gemeenten"
    cfg = load_cbs_config()["kerncijfers"]
    bestand = Path(path)
    frame = read_csv(bestand)
    bron = f"{bestand.name}"
    codekolom = _codekolom(list(frame.columns), bron=bron)
    spec = _kolomspec()
    kolommen = resolve_kolommen(
        list(frame.columns),
        {naam: list(s["stam"]) for naam, s in spec.items()},
        tabel=bron,
        verplicht=("aantal_inwoners",),
    )
    notatie = None if getallen is None else _notatie(getallen)
    frame = parse_getallen(frame, kolommen.values(), bron=bron, notatie=notatie)
    data = _kerncijfers_frame(frame, codekolom, kolommen, gemeentecode=codes, bron=bron)
    _check_waarden(data, kolommen, bron=bron)
    tabel = cfg["tabellen"].get(jaar)
    tabeltekst = f"{tabel}, " if tabel else ""
    in_naam = jaar_in_naam(bestand)
    if in_naam is not None and in_naam != jaar:
        log.warning(
            "%s: de bestandsnaam noemt %d, gelezen als Kerncijfers %d (--jaar); klopt dat?",
            bestand.name,
            in_naam,
            jaar,
        )
    herkomst = _gedateerd(
        Herkomst(
            bron=f"{cfg['bron']} {jaar} ({tabeltekst}bestand {bestand.name})",
            datum=bestand_datum(bestand),
            licentie=str(cfg["licentie"]),
            query=f"{bestand}, gemeentecode {code}",
        ),
        jaar,
    )
    log.info("%s: kerncijfers van %d gebieden van %s", bron, len(data), code)
    return Kerncijfers(
        data=data,
        herkomst=herkomst,
        jaar=jaar,
        tabel=str(tabel) if tabel else None,
        kolommen=kolommen,
    )


def _notatie(getallen: Notatie | str | Mapping[str, Any]) -> Notatie:
    if isinstance(getallen, Notatie):
        return getallen
    return notatie_uit(getallen, waar="getallen", opgeven=OPGEVEN_CSV)


def _check_waarden(data: pd.DataFrame, kolommen: Mapping[str, str], *, bron: str) -> None:
    """Counts whole and not negative, and the ``samenhang`` of buurten (no more households than
    inhabitants, ...), on the rows of a kerncijfers file: one :class:`BronError` naming the
    file, the row (header = row 1), the code and the column as the file calls it."""
    schema = load_catalogus().lagen["buurten"].kolommen
    rij = data.attrs.get("rij", {})
    rijen = [f"{rij.get(code, '?')} ({code})" for code in data.index]
    problemen = []
    for naam, key in kolommen.items():
        kolom = schema.get(naam)
        if kolom is None or naam not in data.columns:
            continue
        waarden = pd.to_numeric(data[naam], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        with np.errstate(invalid="ignore"):
            fouten = {
                "kleiner dan 0 (een aantal kan niet negatief zijn)": (
                    waarden < kolom.min if kolom.min is not None else np.zeros(len(data), bool)
                ),
                "geen geheel getal (een aantal)": (
                    (np.floor(waarden) != waarden) & ~np.isnan(waarden)
                    if kolom.type == "int"
                    else np.zeros(len(data), bool)
                ),
            }
        for reden, mask in fouten.items():
            if mask.any():
                genoemd = [f"{rijen[i]}: {getal(waarden[i], 2)}" for i in np.flatnonzero(mask)]
                problemen.append(
                    f"kolom '{key}' ({naam}) {reden} in rij {', '.join(genoemd[:_MAX_GENOEMD])}"
                    + (" …" if len(genoemd) > _MAX_GENOEMD else "")
                )
    fout, waarschuwingen = check_samenhang_rijen(data, "buurten", rijen=rijen)
    problemen += [_met_sleutels(p, kolommen) for p in fout]
    for tekst in waarschuwingen:
        log.warning("%s: %s", bron, _met_sleutels(tekst, kolommen))
    if problemen:
        raise BronError(
            f"{bron}: {len(problemen)} {'probleem' if len(problemen) == 1 else 'problemen'} in "
            "de kerncijfers (rij = regel in het bestand, de kopregel is rij 1):\n  - "
            + "\n  - ".join(problemen)
        )


def _met_sleutels(tekst: str, kolommen: Mapping[str, str]) -> str:
    """A message about catalogue columns with the file's own column keys beside them."""
    for naam, key in kolommen.items():
        tekst = tekst.replace(f"'{naam}'", f"'{key}' ({naam})")
    return tekst


def _codekolom(kolommen: list[str], *, bron: str) -> str:
    stems = list(load_cbs_config()["kerncijfers"]["codekolommen"])
    gevonden = resolve_kolommen(kolommen, {"code": stems}, tabel=bron, verplicht=())
    if "code" not in gevonden:
        raise BronError(
            f"{bron}: geen kolom met de gebiedscode gevonden; gezocht: {', '.join(stems)}; "
            f"aanwezig: {', '.join(kolommen)}. Noem de kolom met GM/WK/BU-codes bv. 'code'."
        )
    return gevonden["code"]


def _kerncijfers_frame(
    frame: pd.DataFrame,
    codekolom: str,
    kolommen: Mapping[str, str],
    *,
    gemeentecode: str | Sequence[str] | None,
    bron: str,
) -> pd.DataFrame:
    """Rows of the gemeente(n), indexed by stripped code, catalogue names and types."""
    spec = _kolomspec()
    codes = frame[codekolom].map(strip_code)
    gekozen = gemeentecodes(gemeentecode)
    if gekozen is None:
        hier = codes.astype(str).str.fullmatch(r"GM\d{4}|WK\d{6}|BU\d{8}").to_numpy(dtype=bool)
    else:
        hier = np.zeros(len(codes), dtype=bool)
        for c in gekozen:
            hier |= in_gemeente(codes, c).to_numpy(dtype=bool)
    if not hier.any():
        tekst = ", ".join(f"{c} (codes GM/WK/BU{c[2:]}…)" for c in gekozen or ["GMdddd"])
        raise BronError(
            f"{bron}: geen rijen voor gemeente {tekst}. "
            "Bestond de gemeente in dit jaar? Controleer de gemeentecode en het jaar."
        )
    uit = frame.loc[hier, list(kolommen.values())].rename(
        columns={key: naam for naam, key in kolommen.items()}
    )
    # the row of every code in the file (header = row 1), for messages; dropped after checks
    rij = frame.index[hier] + 2 if pd.api.types.is_integer_dtype(frame.index) else None
    uit.index = pd.Index(codes[hier].to_numpy(), name="code")
    dubbel = uit.index[uit.index.duplicated()].unique()
    if len(dubbel):
        raise BronError(
            f"{bron}: gebiedscode meer dan eens: {', '.join(map(str, dubbel[:_MAX_GENOEMD]))}. "
            "Bevat het bestand meerdere jaren of perioden? Houd één jaar over."
        )
    uit = sentinels_to_missing(uit)
    for naam in uit.columns:
        uit[naam] = _als_type(uit[naam], str(spec[naam].get("type", "float")), naam=naam, bron=bron)
    if rij is not None:
        uit.attrs["rij"] = dict(zip(uit.index, rij, strict=True))
    return uit


def _als_type(reeks: pd.Series, type_: str, *, naam: str, bron: str) -> pd.Series:
    getal = pd.to_numeric(reeks, errors="coerce").astype("float64")
    if type_ != "int":
        return getal
    waarden = getal.to_numpy()
    gebroken = ~np.isnan(waarden) & (np.floor(waarden) != waarden)
    if gebroken.any():
        log.warning("%s: kolom %s heeft niet-gehele aantallen; blijft een kommagetal", bron, naam)
        return getal
    return getal.astype("Int64")


def join_kerncijfers(
    gebieden: gpd.GeoDataFrame, kerncijfers: Kerncijfers | pd.DataFrame
) -> gpd.GeoDataFrame:
    """Fill the catalogue key figures on wijken or buurten by code.

    Every catalogue column the kerncijfers have replaces the column of the boundary layer;
    an area without figures gets missing values (never 0), and a log warning names the codes.

    Parameters
    ----------
    gebieden
        Wijken (indexed by ``wijkcode``) or buurten (indexed by ``buurtcode``), e.g. from
        :func:`gebiedsplan.bronnen.pdok.read_wijken_buurten`.
    kerncijfers
        From :func:`fetch_kerncijfers` or :func:`read_kerncijfers` (or their ``data``).

    Returns
    -------
    GeoDataFrame
        A copy of ``gebieden`` with the figures filled in.

    Examples
    --------
    >>> import geopandas as gpd, pandas as pd
    >>> from shapely.geometry import box
    >>> buurten = gpd.GeoDataFrame({"buurtnaam": ["Noord", "Zuid"]},
    ...     index=pd.Index(["BU99990101", "BU99990102"], name="buurtcode"),
    ...     geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)], crs="EPSG:28992")
    >>> kern = pd.DataFrame({"aantal_inwoners": pd.array([1200], dtype="Int64")},
    ...     index=pd.Index(["BU99990101"], name="code"))
    >>> join_kerncijfers(buurten, kern)["aantal_inwoners"].tolist()
    [1200, <NA>]
    """
    data = kerncijfers.data if isinstance(kerncijfers, Kerncijfers) else kerncijfers
    if gebieden.index.name not in ("wijkcode", "buurtcode"):
        raise GebiedsplanError(
            f"join_kerncijfers verwacht wijken of buurten met de code als index (wijkcode of "
            f"buurtcode), kreeg index {gebieden.index.name!r}. Gebruik een gevalideerde laag, "
            "bv. validate_laag(frame, 'buurten') of frame.set_index('buurtcode')."
        )
    kolommen = [k for k in _kolomspec() if k in data.columns]
    if not kolommen:
        raise GebiedsplanError(
            "join_kerncijfers: de kerncijfers hebben geen van de catalogus-kolommen "
            f"({', '.join(_kolomspec())}); aanwezig: {', '.join(map(str, data.columns))}."
        )
    uitgelijnd = data.reindex(gebieden.index.astype(str))
    uit = gebieden.copy()
    for kolom in kolommen:
        uit[kolom] = pd.Series(uitgelijnd[kolom].array, index=uit.index)
    zonder = uit.index[uitgelijnd[kolommen].isna().all(axis=1).to_numpy()]
    if len(zonder):
        log.warning(
            "Geen kerncijfers voor %d van %d %s: %s%s",
            len(zonder),
            len(uit),
            "buurten" if gebieden.index.name == "buurtcode" else "wijken",
            ", ".join(map(str, zonder[:_MAX_GENOEMD])),
            " …" if len(zonder) > _MAX_GENOEMD else "",
        )
    if isinstance(kerncijfers, Kerncijfers):
        uit.attrs["herkomst_kerncijfers"] = kerncijfers.herkomst.tekst()
    return uit


# --- readable names for passed-through CBS columns -------------------------------------------

#: A bare StatLine key: CamelCase (optionally behind a short lowercase part such as ``k_``)
#: with a number suffix, e.g. ``Woningvoorraad_35``, ``k_0Tot15Jaar_8``.
_STATLINE_SLEUTEL = re.compile(r"(?:[a-z]{1,3}_)?[A-Z][A-Za-z0-9]*_\d+")
#: A readable name: lowercase snake_case.
_LEESBAAR = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")


def snake_case(stam: str) -> str:
    """A CBS stem as a snake_case name: words and numbers apart, lowercase.

    Examples
    --------
    >>> snake_case("HuishoudensMetKinderen"), snake_case("k_0Tot15Jaar")
    ('huishoudens_met_kinderen', 'k_0_tot_15_jaar')
    """
    tekst = re.sub(
        r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Za-z])(?=[0-9])|(?<=[0-9])(?=[A-Za-z])", "_", stam
    )
    return re.sub(r"_+", "_", re.sub(r"\W", "_", tekst)).strip("_").lower()


def _leesbaar_config() -> tuple[frozenset[str], re.Pattern[str], dict[str, str]]:
    """``leesbare_namen`` of ``cbs.yml``: the layers, the exporter prefix and the names."""
    spec = load_cbs_config().get("leesbare_namen") or {}
    waar = "lagen/catalogus/cbs.yml, leesbare_namen"
    try:
        voorvoegsel = re.compile(str(spec.get("voorvoegsel") or r"(?!)"))
    except re.error as exc:
        raise GebiedsplanError(
            f"{waar}.voorvoegsel is geen geldige reguliere expressie: {exc}. Schrijf bv. "
            "'kwb\\d{2,4}_'."
        ) from None
    namen = {str(k): str(v) for k, v in (spec.get("namen") or {}).items()}
    fout = [f"{k}: {v}" for k, v in namen.items() if not _LEESBAAR.fullmatch(v)]
    if fout:
        raise GebiedsplanError(
            f"{waar}.namen: geen snake_case-naam (kleine letters, cijfers en _) bij "
            f"{', '.join(fout)}. Pas de naam aan, bv. woningvoorraad."
        )
    return frozenset(map(str, spec.get("lagen") or ())), voorvoegsel, namen


def leesbare_namen(kolommen: Iterable[str], *, laag: str) -> dict[str, str]:
    """``{CBS key: readable name}`` for the CBS columns among ``kolommen`` of layer ``laag``
    (``leesbare_namen`` in ``cbs.yml``): ``kwb24_Woningvoorraad_35`` -> ``woningvoorraad``.

    A key is a column behind the exporter's prefix, or a bare StatLine key; its stem (without
    prefix and number) gets the name ``cbs.yml`` gives it, else its snake_case
    (:func:`snake_case`). A name that another column already has, or that two keys would get,
    is not given: those keys stay as they are (logged). Layers not listed get no names.

    Examples
    --------
    >>> namen = leesbare_namen(["buurtcode", "kwb24_Woningvoorraad_35", "kwb24_pct_0Tot15Jaar",
    ...                         "HuishoudensMetKinderen_32", "rivm20_eenzaam_18p"], laag="buurten")
    >>> namen["kwb24_Woningvoorraad_35"], namen["kwb24_pct_0Tot15Jaar"]
    ('woningvoorraad', 'inwoners_0_tot_15_jaar_pct')
    >>> namen["HuishoudensMetKinderen_32"], "rivm20_eenzaam_18p" in namen
    ('huishoudens_met_kinderen', False)
    """
    lagen, voorvoegsel, namen = _leesbaar_config()
    kolommen = [str(k) for k in kolommen]
    if laag not in lagen:
        return {}
    gevonden: dict[str, str] = {}
    for kolom in kolommen:
        match = voorvoegsel.match(kolom)
        if match and match.end() < len(kolom):
            rest = kolom[match.end() :]
        elif _STATLINE_SLEUTEL.fullmatch(kolom):
            rest = kolom
        else:
            continue
        stam = stem_of(rest)
        gevonden[kolom] = namen.get(stam) or namen.get(rest) or snake_case(stam)
    blijft = set(kolommen) - set(gevonden)
    tellen: dict[str, int] = {}
    for naam in gevonden.values():
        tellen[naam] = tellen.get(naam, 0) + 1
    uit = {}
    for kolom, naam in gevonden.items():
        if naam in blijft or tellen[naam] > 1:
            log.info("laag %s: kolom %s houdt zijn CBS-naam (%s bestaat al)", laag, kolom, naam)
            continue
        uit[kolom] = naam
    return uit
