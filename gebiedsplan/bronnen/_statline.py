"""Shared client for CBS StatLine (OData v3) and the CBS/RIVM source settings in ``cbs.yml``.

StatLine tables (``opendata.cbs.nl`` for CBS, ``dataderden.cbs.nl`` for RIVM) name their
columns with a number suffix that changes between table versions: ``AantalInwoners_5``,
``HuishoudensTotaal_28`` in 2022 and ``HuishoudensTotaal_29`` in 2024. Nothing here hard-codes
a suffix: columns are found by their stable *stem* (the key without ``_<number>``) in the
table's ``DataProperties`` or in the header of a CSV saved from StatLine.

The live service types its ``DataProperties`` entries: the region dimension is ``GeoDetail``
(with an integer ``MapYear``, the indeling of its codes), text columns such as
``Gemeentenaam_1`` and ``Codering_3`` are ``Topic`` with ``Datatype: String``, and topic
groups (``TopicGroup``) have an empty ``Key``; they are not columns. Keys shift between
*revisions* of one table too (the income key of 85984NED is ``GemiddeldInkomenPerInwoner_83``
since March 2025, ``_78`` before), so a stem is never read as a fixed key anywhere. A stem that
names more than one column (``AfstandTotSchool`` for primary and secondary schools in the
Nabijheid tables) is told apart by its topic group (:func:`resolve_kolommen`, ``groepen``).

Region codes come space-padded (``"GM0202    "``) and are stripped. A data request is paged
past the 10,000-row cap of the service: by ``odata.nextLink`` when the service gives one, else
by ``$skip``. Every request goes through :mod:`gebiedsplan._http` (cached, retried).

Which table holds which year, and which stem becomes which catalogue column, is data in
``lagen/catalogus/cbs.yml``, read by :func:`load_cbs_config`.
"""

from __future__ import annotations

import datetime as dt
import difflib
import logging
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from gebiedsplan._getallen import AUTO, Notatie
from gebiedsplan._getallen import parse_getallen as parse_waarden
from gebiedsplan._http import Verzoek, cache_path, full_url, iter_pages
from gebiedsplan._io import check_bestand, os_fout_tekst
from gebiedsplan._validate import check_gemeentecode
from gebiedsplan.bronnen import Herkomst
from gebiedsplan.catalogus import load_cbs_config
from gebiedsplan.errors import BronError, GebiedsplanError

log = logging.getLogger(__name__)

#: StatLine answers at most this many rows per request; larger results are paged.
MAX_RIJEN = 10_000
#: Name of the source in messages.
BRON = "CBS StatLine"

_SUFFIX = re.compile(r"_\d+$")
#: Values that mean "no figure" in a CSV saved from StatLine (besides an empty cell).
_GEEN_GETAL = {"", ".", "x", "-", "?", "na", "nan", "none", "null"}
#: Values named per column in a message before "… en n meer".
_MAX_FOUTEN = 5


def jaar_tekst(jaren: Iterable[int]) -> str:
    """'2019, 2020 en 2021' for messages."""
    lijst = [str(j) for j in sorted(jaren)]
    return lijst[0] if len(lijst) == 1 else ", ".join(lijst[:-1]) + " en " + lijst[-1]


# --- region codes --------------------------------------------------------------------------


def strip_code(value: Any) -> str | None:
    """A region code without the padding StatLine adds; ``None`` for an empty value.

    Examples
    --------
    >>> strip_code("BU02020101  ")
    'BU02020101'
    >>> strip_code("   ") is None
    True
    """
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    text = str(value).strip()
    return text or None


def region_filter(gemeentecode: str, *, dimensie: str = "WijkenEnBuurten") -> str:
    """OData ``$filter`` for the gemeente, its wijken and its buurten.

    Examples
    --------
    >>> region_filter("GM0202")
    "startswith(WijkenEnBuurten,'GM0202') or startswith(WijkenEnBuurten,'WK0202') or startswith(WijkenEnBuurten,'BU0202')"
    """
    cijfers = check_gemeentecode(gemeentecode)[2:]
    return " or ".join(
        f"startswith({dimensie},'{prefix}{cijfers}')" for prefix in ("GM", "WK", "BU")
    )


def gemeentecodes(gemeentecode: str | Sequence[str] | None) -> list[str] | None:
    """One code, several, or None (all) as a checked list (None stays None).

    Examples
    --------
    >>> gemeentecodes("GM0202"), gemeentecodes(["GM0363", "GM0202"]), gemeentecodes(None)
    (['GM0202'], ['GM0363', 'GM0202'], None)
    """
    if gemeentecode is None:
        return None
    if isinstance(gemeentecode, str):
        return [check_gemeentecode(gemeentecode)]
    return [check_gemeentecode(c) for c in gemeentecode]


def in_gemeente(codes: pd.Series, gemeentecode: str) -> pd.Series:
    """Which codes are the gemeente itself, one of its wijken (WK) or one of its buurten (BU).

    Examples
    --------
    >>> import pandas as pd
    >>> in_gemeente(pd.Series(["GM0202", "WK020201", "BU02020101", "BU03630000", "NL01"]),
    ...             "GM0202").tolist()
    [True, True, True, False, False]
    """
    cijfers = check_gemeentecode(gemeentecode)[2:]
    patroon = rf"^(GM{cijfers}|WK{cijfers}\d{{2}}|BU{cijfers}\d{{4}})$"
    return codes.astype("object").fillna("").astype(str).str.strip().str.fullmatch(patroon)


# --- stems ---------------------------------------------------------------------------------


def stem_of(key: str) -> str:
    """A StatLine column key without its number suffix.

    Examples
    --------
    >>> stem_of("AantalInwoners_5"), stem_of("k_65JaarOfOuder_12"), stem_of("WijkenEnBuurten")
    ('AantalInwoners', 'k_65JaarOfOuder', 'WijkenEnBuurten')
    """
    return _SUFFIX.sub("", str(key))


def _keys(properties: Iterable[Mapping[str, Any] | str]) -> list[str]:
    """Column keys from DataProperties entries or plain names. A topic group is no column: the
    live service gives it ``Type: TopicGroup`` and an empty ``Key``."""
    keys = []
    for entry in properties:
        if isinstance(entry, str):
            keys.append(entry)
        elif entry.get("Type") != "TopicGroup" and str(entry.get("Key") or "").strip():
            keys.append(str(entry["Key"]).strip())
    return keys


def _groepen_van(properties: Iterable[Mapping[str, Any] | str]) -> dict[str, list[str]]:
    """Key -> the titles of its topic groups, innermost first (by ``ID``/``ParentID``; empty
    for plain column names)."""
    entries = [e for e in properties if not isinstance(e, str)]
    per_id = {e.get("ID"): e for e in entries if e.get("ID") is not None}
    uit: dict[str, list[str]] = {}
    for entry in entries:
        key = str(entry.get("Key") or "").strip()
        if not key or entry.get("Type") == "TopicGroup":
            continue
        titels: list[str] = []
        ouder, gezien = entry.get("ParentID"), set()
        while ouder is not None and ouder in per_id and ouder not in gezien:
            gezien.add(ouder)
            titels.append(str(per_id[ouder].get("Title") or "").strip())
            ouder = per_id[ouder].get("ParentID")
        uit[key] = titels
    return uit


def _volgnummer(key: str) -> int:
    match = re.search(r"_(\d+)$", key)
    return int(match.group(1)) if match else -1


def _in_groep(
    stem: str,
    candidates: list[str],
    groep: str,
    groepen: Mapping[str, list[str]],
    tabel: str,
) -> list[str]:
    """The candidates of ``stem`` under the topic group titled ``groep``. Without topic groups
    (the header of a CSV) the one with the lowest number: StatLine numbers its columns in
    table order, and the group comes first in every edition (basisonderwijs before voortgezet)."""
    if len(candidates) < 2:
        return candidates
    gewenst = groep.casefold()
    binnen = [k for k in candidates if any(t.casefold() == gewenst for t in groepen.get(k, []))]
    if binnen:
        return binnen
    eerste = min(candidates, key=_volgnummer)
    log.info(
        "%s: stam '%s' komt %d keer voor (%s) zonder onderwerpgroepen; '%s' (groep %s) is de "
        "eerste: %s",
        tabel,
        stem,
        len(candidates),
        ", ".join(candidates),
        stem,
        groep,
        eerste,
    )
    return [eerste]


def _stem_index(keys: Sequence[str], voorvoegsel: str) -> dict[str, list[str]]:
    index: dict[str, list[str]] = {}
    for key in keys:
        if voorvoegsel:
            if not key.startswith(voorvoegsel):
                continue
            naam = key[len(voorvoegsel) :]
        else:
            naam = key
        index.setdefault(stem_of(naam), []).append(key)
    return index


def _pick(stem: str, candidates: list[str], tabel: str) -> str:
    if len(candidates) > 1:
        log.warning(
            "%s: stam '%s' komt %d keer voor (%s); gebruikt: %s",
            tabel,
            stem,
            len(candidates),
            ", ".join(candidates),
            candidates[0],
        )
    return candidates[0]


def resolve_stems(
    properties: Iterable[Mapping[str, Any] | str],
    stems: Iterable[str],
    *,
    tabel: str = "StatLine-tabel",
    verplicht: bool = True,
    voorvoegsel: str = "",
) -> dict[str, str]:
    """Find the column key of every stem.

    Parameters
    ----------
    properties
        The table's ``DataProperties`` entries (dicts with ``Key`` and ``Type``), or plain
        column names (the header of a CSV saved from StatLine).
    stems
        Stems to find, e.g. ``["AantalInwoners", "k_65JaarOfOuder"]``.
    tabel
        Table id or file, for messages.
    verplicht
        Raise when a stem is missing (default); otherwise leave it out of the result.
    voorvoegsel
        Only consider keys that start with this prefix and strip it first (for files whose
        exporter prefixed the StatLine keys, e.g. ``kwb24_AantalInwoners_5``).

    Returns
    -------
    dict
        ``{stem: key}``.

    Raises
    ------
    BronError
        Naming every missing stem, the table, and the nearest keys it does have.

    Examples
    --------
    >>> props = [{"Key": "WijkenEnBuurten", "Type": "GeoDimension"},
    ...          {"Key": "Bevolking", "Type": "TopicGroup"},
    ...          {"Key": "AantalInwoners_5", "Type": "Topic"},
    ...          {"Key": "HuishoudensTotaal_29", "Type": "Topic"}]
    >>> resolve_stems(props, ["AantalInwoners", "HuishoudensTotaal"], tabel="85984NED")
    {'AantalInwoners': 'AantalInwoners_5', 'HuishoudensTotaal': 'HuishoudensTotaal_29'}
    >>> resolve_stems(["code", "kwb24_AantalInwoners_5"], ["AantalInwoners"], voorvoegsel="kwb24_")
    {'AantalInwoners': 'kwb24_AantalInwoners_5'}
    """
    keys = _keys(properties)
    index = _stem_index(keys, voorvoegsel)
    found: dict[str, str] = {}
    missing: list[str] = []
    for stem in stems:
        if stem in index:
            found[stem] = _pick(stem, index[stem], tabel)
        else:
            missing.append(stem)
    if missing and verplicht:
        raise BronError(_missing_message(tabel, [[s] for s in missing], keys))
    return found


def resolve_kolommen(
    properties: Iterable[Mapping[str, Any] | str],
    kolommen: Mapping[str, Sequence[str]],
    *,
    tabel: str = "StatLine-tabel",
    verplicht: Collection[str] = (),
    voorvoegsel: str = "",
    groepen: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """Find the key of every named column, each given as alternative stems (first found wins).

    Columns in ``verplicht`` that are not found raise one :class:`BronError` naming all of
    them; other missing columns are left out of the result (logged). ``groepen`` names, per
    column, the title of the topic group its stem must be under when the stem occurs more than
    once (``{"basisschool": "Basisonderwijs"}`` for ``AfstandTotSchool``); without
    DataProperties (a CSV header) the lowest-numbered key of the stem is taken.

    Examples
    --------
    >>> props = ["WijkenEnBuurten", "GoedErvarenGezondheid_4", "Eenzaam_25"]
    >>> resolve_kolommen(props, {"ervaren_gezondheid_goed":
    ...     ["ErvarenGezondheidGoedZeerGoed", "GoedErvarenGezondheid"],
    ...     "eenzaam": ["Eenzaam"], "overgewicht": ["Overgewicht"]}, tabel="50150NED")
    {'ervaren_gezondheid_goed': 'GoedErvarenGezondheid_4', 'eenzaam': 'Eenzaam_25'}
    >>> props = [{"ID": 1, "Type": "TopicGroup", "Key": "", "Title": "Basisonderwijs"},
    ...          {"ID": 2, "ParentID": 1, "Type": "Topic", "Key": "AfstandTotSchool_60"},
    ...          {"ID": 3, "Type": "TopicGroup", "Key": "", "Title": "Voortgezet onderwijs"},
    ...          {"ID": 4, "ParentID": 3, "Type": "Topic", "Key": "AfstandTotSchool_64"}]
    >>> resolve_kolommen(props, {"basisschool": ["AfstandTotSchool"]},
    ...                  groepen={"basisschool": "Basisonderwijs"})
    {'basisschool': 'AfstandTotSchool_60'}
    """
    props = list(properties)
    keys = _keys(props)
    index = _stem_index(keys, voorvoegsel)
    per_groep = _groepen_van(props) if groepen else {}
    found: dict[str, str] = {}
    missing: list[str] = []
    optioneel: list[str] = []
    for naam, stems in kolommen.items():
        stem = next((s for s in stems if s in index), None)
        if stem is not None:
            kandidaten = index[stem]
            if groepen and naam in groepen:
                kandidaten = _in_groep(stem, kandidaten, groepen[naam], per_groep, tabel)
            found[naam] = _pick(stem, kandidaten, tabel)
        elif naam in verplicht:
            missing.append(naam)
        else:
            optioneel.append(f"{naam} ({' of '.join(stems)})")
    if optioneel:
        log.info("%s: niet in deze bron: %s", tabel, ", ".join(optioneel))
    if missing:
        raise BronError(_missing_message(tabel, [list(kolommen[n]) for n in missing], keys))
    return found


def _missing_message(tabel: str, gezocht: list[list[str]], keys: Sequence[str]) -> str:
    stems = sorted({stem_of(k) for k in keys})
    delen = []
    for alternatieven in gezocht:
        naam = " of ".join(alternatieven)
        bijna = difflib.get_close_matches(alternatieven[0], stems, n=3, cutoff=0.6)
        delen.append(naam + (f" (lijkt op: {', '.join(bijna)})" if bijna else ""))
    voorbeeld = ", ".join(keys[:12]) + (" …" if len(keys) > 12 else "")
    return (
        f"{tabel}: kolom(men) niet gevonden: {'; '.join(delen)}. Gezocht op stam (de sleutel "
        f"zonder volgnummer, bv. AantalInwoners voor AantalInwoners_5). Aanwezig: {voorbeeld}. "
        "Controleer of dit de goede tabel of het goede bestand is, of vul de stam aan in "
        "lagen/catalogus/cbs.yml."
    )


# --- numbers -------------------------------------------------------------------------------


def sentinels_to_missing(frame: pd.DataFrame, *, tot_en_met: float | None = None) -> pd.DataFrame:
    """Replace CBS codes for "geheim/onbekend" (e.g. -99999999, -99997) by missing values.

    Every numeric value at or below ``tot_en_met`` (default from ``cbs.yml``) becomes NaN;
    other columns are left alone. Returns a new frame.

    Examples
    --------
    >>> import pandas as pd
    >>> uit = sentinels_to_missing(pd.DataFrame({"a": [10, -99999999, -99997], "b": ["x", "y", "z"]}))
    >>> uit["a"].tolist()[0], int(uit["a"].isna().sum())
    (10.0, 2)
    """
    grens = load_cbs_config()["ontbrekend_tot_en_met"] if tot_en_met is None else tot_en_met
    uit = frame.copy()
    for kolom in uit.columns:
        reeks = uit[kolom]
        if kolom == "geometry" or not pd.api.types.is_numeric_dtype(reeks):
            continue
        if pd.api.types.is_bool_dtype(reeks):
            continue
        codes = (reeks <= grens).fillna(False).to_numpy(dtype=bool)
        if codes.any():
            log.debug("Kolom %s: %d CBS-codes voor geheim/onbekend -> leeg", kolom, codes.sum())
            uit[kolom] = reeks.astype("float64").where(~codes, np.nan)
    return uit


#: How a CSV declares its notation at the command line and in Python, for the fix in messages.
OPGEVEN_CSV = (
    "geef de notatie op: gebiedsplan importeer ... --getallen punt (decimale punt, zoals "
    "StatLine schrijft) of --getallen nl (decimaalkomma, punt tussen duizendtallen); in "
    "Python getallen='punt' of getallen='nl'"
)


def parse_getallen(
    frame: pd.DataFrame,
    kolommen: Iterable[str],
    *,
    bron: str,
    notatie: Notatie | None = None,
) -> pd.DataFrame:
    """Turn text columns of a CSV into numbers, strictly, with :mod:`gebiedsplan._getallen`.

    Empty cells and StatLine's ``.``/``x``/``-`` become missing. The numbers are read with
    ``notatie``; by default (not declared) each value the one way it can be read: StatLine's
    open data write a decimal point and no thousands separator (``4606.0``, ``2.1``), a file
    saved again by Excel with Dutch settings a decimal comma (``2,1``), perhaps with thousands
    dots (``1.605``). A value two notations read differently (``2.000``, ``1.234``,
    ``12,345``) is refused, as is anything else that is not a number: one :class:`BronError`
    names every column, row (the header is row 1) and value, with the fix.

    Examples
    --------
    >>> import pandas as pd
    >>> parse_getallen(pd.DataFrame({"a": ["1", ".", "2,5"]}), ["a"], bron="x.csv")["a"].tolist()
    [1.0, nan, 2.5]
    """
    if notatie is None:
        notatie = replace(AUTO, opgeven=OPGEVEN_CSV)
    uit = frame.copy()
    problemen = []
    rijnummers = (
        uit.index.to_numpy() + 2
        if pd.api.types.is_integer_dtype(uit.index)
        else np.arange(len(uit)) + 2
    )
    for kolom in kolommen:
        tekst = uit[kolom].astype("object").where(uit[kolom].notna(), "").astype(str).str.strip()
        leeg = tekst.str.lower().isin(_GEEN_GETAL).to_numpy()
        waarden = [None if weg else t for weg, t in zip(leeg, tekst, strict=True)]
        getallen, fouten = parse_waarden(waarden, notatie)
        for i, reden in list(fouten.items())[:_MAX_FOUTEN]:
            problemen.append(f"kolom '{kolom}', rij {rijnummers[i]} ({tekst.iloc[i]!r}) {reden}")
        if len(fouten) > _MAX_FOUTEN:
            problemen.append(f"kolom '{kolom}': … en {len(fouten) - _MAX_FOUTEN} rijen meer")
        uit[kolom] = getallen
    if problemen:
        raise BronError(
            f"{bron}: waarden die geen getal zijn of niet eenduidig te lezen "
            f"(notatie {notatie.tekst()}; leeg of '.' is een ontbrekend cijfer):\n  - "
            + "\n  - ".join(problemen)
        )
    return uit


# --- the service ---------------------------------------------------------------------------


def table_url(tabel: str, *, host: str) -> str:
    """Root URL of a StatLine table on a host named in ``cbs.yml`` (``opendata``, ``dataderden``).

    Examples
    --------
    >>> table_url("85984NED", host="opendata")
    'https://opendata.cbs.nl/ODataApi/odata/85984NED'
    """
    hosts = load_cbs_config()["statline"]
    if host not in hosts:
        raise GebiedsplanError(
            f"Onbekende StatLine-host '{host}'; cbs.yml kent: {', '.join(sorted(hosts))}"
        )
    return f"{str(hosts[host]).rstrip('/')}/{tabel}"


def _volgende(pagina: dict[str, Any], verzoek: Verzoek) -> Verzoek | None:
    """After an OData page: its ``odata.nextLink``; else, when the page is full and was asked
    with parameters, the same request with ``$skip`` past it; else None (the last page)."""
    link = pagina.get("odata.nextLink") or pagina.get("@odata.nextLink")
    if link:
        return str(link), None
    url, params = verzoek
    if params is not None and len(pagina["value"]) >= MAX_RIJEN:
        return url, {**params, "$skip": int(params.get("$skip", 0)) + len(pagina["value"])}
    return None


def _pages(url: str, params: dict[str, Any] | None, *, wat: str) -> list[dict[str, Any]]:
    """All rows of an OData collection: follow ``odata.nextLink``, else page with ``$skip``."""
    rows = [
        rij
        for pagina in iter_pages(url, params, lijst="value", volgende=_volgende, bron=BRON, wat=wat)
        for rij in pagina
    ]
    log.debug("%s: %d rijen van %s", BRON, len(rows), wat)
    return rows


def get_properties(tabel: str, *, host: str) -> list[dict[str, Any]]:
    """The ``DataProperties`` of a table: its dimensions and topics with their keys.

    Examples
    --------
    >>> get_properties("85984NED", host="opendata")  # doctest: +SKIP
    [{'Key': 'WijkenEnBuurten', 'Type': 'GeoDimension', ...}, ...]
    """
    url = f"{table_url(tabel, host=host)}/DataProperties"
    props = _pages(url, {"$format": "json"}, wat=f"DataProperties van {tabel}")
    if not props:
        raise BronError(f"{BRON}: tabel {tabel} heeft geen DataProperties ({url}).")
    return props


def get_tabelinfo(tabel: str, *, host: str) -> dict[str, Any]:
    """The ``TableInfos`` of a table: its title, period and the date of its last revision
    (``Modified``), for the provenance. An answer without entries is a :class:`BronError`.

    Examples
    --------
    >>> info = get_tabelinfo("85984NED", host="opendata")  # doctest: +SKIP
    >>> info["Title"], info["Modified"]  # doctest: +SKIP
    ('Kerncijfers wijken en buurten 2024', '2025-03-27T02:00:00')
    """
    url = f"{table_url(tabel, host=host)}/TableInfos"
    info = _pages(url, {"$format": "json"}, wat=f"TableInfos van {tabel}")
    if not info or not isinstance(info[0], dict):
        raise BronError(f"{BRON}: tabel {tabel} heeft geen TableInfos ({url}).")
    return dict(info[0])


def herzien_op(info: Mapping[str, Any]) -> str:
    """The date (ISO) of a table's last revision from its ``TableInfos`` (``Modified``), or ''.

    Examples
    --------
    >>> herzien_op({"Modified": "2025-03-27T02:00:00"})
    '2025-03-27'
    """
    return str(info.get("Modified") or "")[:10]


def indeling_van(properties: Iterable[Mapping[str, Any] | str], dimensie: str) -> str | None:
    """The indeling year of the region dimension ``dimensie``: its ``MapYear`` (an integer in
    the live service, sometimes text), or None when the entry has none.

    Examples
    --------
    >>> indeling_van([{"Key": "WijkenEnBuurten", "Type": "GeoDetail", "MapYear": 2024}],
    ...              "WijkenEnBuurten")
    '2024'
    """
    for entry in properties:
        if isinstance(entry, str) or str(entry.get("Key") or "").strip() != dimensie:
            continue
        jaar = entry.get("MapYear")
        if jaar is None or not str(jaar).strip().isdigit():
            return None
        return str(int(str(jaar).strip()))
    return None


def data_request(
    tabel: str,
    *,
    host: str,
    filter: str | None = None,
    select: Sequence[str] | None = None,
) -> tuple[str, dict[str, Any]]:
    """URL and parameters of the first request for a table's ``TypedDataSet``.

    Examples
    --------
    >>> url, params = data_request("85984NED", host="opendata", select=["AantalInwoners_5"])
    >>> url, params["$top"], params["$select"]
    ('https://opendata.cbs.nl/ODataApi/odata/85984NED/TypedDataSet', 10000, 'AantalInwoners_5')
    """
    params: dict[str, Any] = {"$format": "json", "$top": MAX_RIJEN}
    if filter:
        params["$filter"] = filter
    if select:
        params["$select"] = ",".join(select)
    return f"{table_url(tabel, host=host)}/TypedDataSet", params


def get_rows(
    tabel: str,
    *,
    host: str,
    filter: str | None = None,
    select: Sequence[str] | None = None,
) -> list[dict[str, Any]]:
    """Rows of a table's ``TypedDataSet``, every page, through the cached HTTP client.

    Parameters
    ----------
    tabel, host
        The table and its host in ``cbs.yml``.
    filter
        OData ``$filter``, e.g. :func:`region_filter`.
    select
        Column keys to fetch (``$select``).

    Examples
    --------
    >>> get_rows("85984NED", host="opendata", filter=region_filter("GM0202"),
    ...          select=["WijkenEnBuurten", "AantalInwoners_5"])  # doctest: +SKIP
    [{'WijkenEnBuurten': 'GM0202    ', 'AantalInwoners_5': 167632}, ...]
    """
    url, params = data_request(tabel, host=host, filter=filter, select=select)
    return _pages(url, params, wat=f"TypedDataSet van {tabel}")


def get_table(
    tabel: str,
    *,
    host: str,
    select: Sequence[str],
    filter: str | None = None,
    bron: str,
    licentie: str,
) -> tuple[pd.DataFrame, Herkomst]:
    """The rows of a table's ``TypedDataSet`` as a frame with the ``select`` columns, and their
    provenance (source ``bron``, the date the answer was fetched, the full first request).

    Examples
    --------
    >>> frame, herkomst = get_table("85984NED", host="opendata", select=["WijkenEnBuurten"],
    ...     filter=region_filter("GM0202"), bron="Kerncijfers", licentie="CC BY 4.0"
    ... )  # doctest: +SKIP
    """
    rows = get_rows(tabel, host=host, filter=filter, select=select)
    url, params = data_request(tabel, host=host, filter=filter, select=select)
    herkomst = Herkomst(
        bron=bron, datum=opgehaald_op(url, params), licentie=licentie, query=full_url(url, params)
    )
    return pd.DataFrame(rows, columns=list(select)), herkomst


def read_csv(path: str | Path) -> pd.DataFrame:
    """A CSV saved from StatLine, every column as text: comma or semicolon separated (StatLine
    saves with ``;``), UTF-8 with or without byte order mark.

    The file is checked before anything is used: it must exist, be a file, not be empty, be
    UTF-8, have rows under the header, and every row as many cells as the header (empty cells
    past the end are ignored). Each problem is one :class:`BronError` naming the file, the rows
    (the header is row 1) and the fix.

    Examples
    --------
    >>> import tempfile
    >>> csv = Path(tempfile.mkdtemp()) / "kwb.csv"
    >>> _ = csv.write_text("code;AantalInwoners_5\\nGM0202;167632\\n")
    >>> read_csv(csv).to_dict("records")
    [{'code': 'GM0202', 'AantalInwoners_5': '167632'}]
    >>> _ = csv.write_text("code;AantalInwoners_5\\nGM0202\\n")
    >>> read_csv(csv)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    gebiedsplan.errors.BronError: ...kwb.csv: rij 2 heeft 1 cel, de kopregel 2 kolommen ...
    """
    import csv as csvmodule
    import io

    bestand = check_bestand(path)
    try:
        data = bestand.read_bytes()
    except OSError as exc:
        raise BronError(f"{bestand} is niet te lezen: {os_fout_tekst(exc)}.") from None
    try:
        tekst = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        rij = data[: exc.start].count(b"\n") + 1
        raise BronError(
            f"{bestand}, rij {rij}: geen UTF-8-tekst (byte 0x{data[exc.start]:02x}). Sla het "
            "bestand op als UTF-8 (Excel: Opslaan als 'CSV UTF-8 (door komma's gescheiden)'; "
            "StatLine levert UTF-8)."
        ) from None
    kop = tekst.split("\n", 1)[0]
    sep = ";" if kop.count(";") > kop.count(",") else ","
    lezer = csvmodule.reader(io.StringIO(tekst, newline=""), delimiter=sep)
    rijen: list[tuple[int, list[str]]] = []
    try:
        begin = 1
        for cellen in lezer:
            if cellen:  # blank lines are skipped
                rijen.append((begin, cellen))
            begin = lezer.line_num + 1
    except csvmodule.Error as exc:
        raise BronError(
            f"{bestand}, rij {lezer.line_num}: geen geldige CSV ({exc}). Controleer de "
            "aanhalingstekens in die rij, of exporteer het bestand opnieuw."
        ) from None
    if not rijen:
        raise BronError(f"{bestand} bevat alleen lege regels; exporteer het opnieuw.")
    (_, koppen), *rest = rijen
    if not rest:
        raise BronError(
            f"{bestand} heeft alleen een kopregel ({len(koppen)} kolommen) en geen rijen eronder; "
            "exporteer het opnieuw, met de gebieden (wijken en buurten) van de gemeente."
        )
    n = len(koppen)
    afwijkend = [
        (rij, len(cellen))
        for rij, cellen in rest
        if len(cellen) < n or any(c.strip() for c in cellen[n:])
    ]
    if afwijkend:
        delen = [
            f"rij {rij} heeft {m} {'cel' if m == 1 else 'cellen'}"
            for rij, m in afwijkend[:_MAX_FOUTEN]
        ]
        meer = (
            f" … en {len(afwijkend) - _MAX_FOUTEN} rijen meer"
            if len(afwijkend) > _MAX_FOUTEN
            else ""
        )
        raise BronError(
            f"{bestand}: {', '.join(delen)}{meer}, de kopregel {n} kolommen "
            f"(scheidingsteken '{sep}'). Een rij met te weinig of te veel cellen schuift de "
            "cijfers naar de verkeerde kolom. Controleer die rijen (een ontbrekend of extra "
            f"'{sep}', een tekst met '{sep}' zonder aanhalingstekens), of exporteer het bestand "
            "opnieuw."
        )
    namen: list[str] = []
    for naam in koppen:  # as pandas: a name that repeats gets .1, .2, ...
        uniek, i = naam, 0
        while uniek in namen:
            i += 1
            uniek = f"{naam}.{i}"
        namen.append(uniek)
    return pd.DataFrame([cellen[:n] for _, cellen in rest], columns=namen, dtype=str)


def opgehaald_op(url: str, params: dict[str, Any] | None = None) -> str:
    """Date (ISO) the answer to a request was fetched: its cache file's date, else today."""
    pad = cache_path(url, params)
    if pad.exists():
        return dt.date.fromtimestamp(pad.stat().st_mtime).isoformat()
    return dt.date.today().isoformat()
