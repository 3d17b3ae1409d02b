"""CBS Nabijheid voorzieningen: the official distance to the nearest facility, the yardstick.

CBS computes, for every address, the distance over the road to the nearest huisartsenpraktijk,
grote supermarkt, kinderdagverblijf, school for basisonderwijs, ..., and publishes the average
over the inhabitants of every gemeente, wijk and buurt, per 1 January, rounded to 0.1 km
(StatLine "Nabijheid voorzieningen; afstand locatie, wijk- en buurtcijfers <jaar>", one table
per year; the list is in ``lagen/catalogus/cbs.yml``). The Wijk- en Buurtkaart carries the same
figures as columns ``afstand_tot_*`` (:func:`gebiedsplan.bronnen.pdok.nabijheid_uit_kaart`).

Online :func:`fetch_nabijheid`; file twin :func:`read_nabijheid` for a CSV saved from StatLine
with the same column keys. Both find the columns by stem (``AfstandTotGroteSupermarkt_24`` ->
``AfstandTotGroteSupermarkt``); ``AfstandTotSchool`` occurs once per kind of school, and the
basisonderwijs one is told apart by its topic group (the first one in a CSV). They return the
catalogue layer ``nabijheid`` in long format: one row per code x categorie x jaar with
``afstand_km``. A figure CBS suppresses (``.``, null, ``-99997``) stays missing, never 0.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from gebiedsplan._getallen import Notatie, notatie_uit
from gebiedsplan._validate import check_gemeentecode, validate_laag
from gebiedsplan.bronnen import Herkomst, Laag
from gebiedsplan.bronnen._datering import bestand_datum, jaar_in_naam
from gebiedsplan.bronnen._statline import (
    OPGEVEN_CSV,
    get_properties,
    get_tabelinfo,
    get_table,
    herzien_op,
    in_gemeente,
    indeling_van,
    jaar_tekst,
    parse_getallen,
    read_csv,
    region_filter,
    resolve_kolommen,
    resolve_stems,
    sentinels_to_missing,
    strip_code,
)
from gebiedsplan.catalogus import load_catalogus, load_cbs_config
from gebiedsplan.errors import BronError

log = logging.getLogger(__name__)

#: The moment the figures describe: the addresses and facilities on 1 January of the year.
PEILDATUM = "{jaar}-01-01"
#: A region code of the Nabijheid tables: the country, a gemeente, a wijk or a buurt.
_CODE = re.compile(r"^(NL\d{2}|GM\d{4}|WK\d{6}|BU\d{8})$")
_MAX_GENOEMD = 10


def _config() -> dict[str, Any]:
    return dict(load_cbs_config()["nabijheid"])


def _stems() -> dict[str, list[str]]:
    return {cat: list(spec["stam"]) for cat, spec in _config()["categorieen"].items()}


def _groepen() -> dict[str, str]:
    return {
        cat: str(spec["groep"])
        for cat, spec in _config()["categorieen"].items()
        if spec.get("groep")
    }


def nabijheid_tabel(jaar: int) -> str:
    """The StatLine table of the Nabijheid figures of ``jaar`` (``cbs.yml``).

    Raises
    ------
    BronError
        A year without a known table, naming the years that have one.

    Examples
    --------
    >>> nabijheid_tabel(2023)
    '85830NED'
    """
    tabellen = _config()["tabellen"]
    if jaar not in tabellen:
        raise BronError(
            f"CBS StatLine: geen tabel Nabijheid voorzieningen bekend voor {jaar}; bekend zijn "
            f"{jaar_tekst(tabellen)}. Staat er een nieuwe tabel op StatLine ('Nabijheid "
            "voorzieningen; afstand locatie, wijk- en buurtcijfers'), voeg hem toe onder "
            "nabijheid.tabellen in lagen/catalogus/cbs.yml."
        )
    return str(tabellen[jaar])


def nabijheid_jaar(jaar: int) -> int:
    """The most recent year with a Nabijheid table at or before ``jaar`` (CBS publishes the
    figures of a year a year or more later).

    Examples
    --------
    >>> nabijheid_jaar(2024), nabijheid_jaar(2018)
    (2024, 2017)
    """
    jaren = sorted(j for j in _config()["tabellen"] if j <= jaar)
    if not jaren:
        raise BronError(
            f"Geen tabel Nabijheid voorzieningen van {jaar} of eerder in lagen/catalogus/cbs.yml "
            f"(bekend: {jaar_tekst(_config()['tabellen'])})."
        )
    return jaren[-1]


def fetch_nabijheid(gemeentecode: str, *, jaar: int) -> Laag:
    """CBS Nabijheid of one gemeente, its wijken and buurten from StatLine.

    Parameters
    ----------
    gemeentecode
        CBS code, e.g. ``"GM0202"``.
    jaar
        Year of the Nabijheid figures (the table per year is in ``cbs.yml``).

    Returns
    -------
    Laag
        The validated layer ``nabijheid`` (index ``id`` = ``code:categorie:jaar``), with the
        extra column ``kolom`` (the table's key). Its provenance names the table, its title
        and last revision (``TableInfos``), peildatum 1 January of ``jaar`` and the indeling of
        the table's codes (``MapYear``).

    Raises
    ------
    BronError
        A year without table, a gemeentecode not of the form GMdddd or without rows, a table
        that is not a Nabijheid table (none of the distances found).

    Examples
    --------
    >>> laag = fetch_nabijheid("GM0202", jaar=2023)  # doctest: +SKIP
    >>> sorted(laag.data["categorie"].unique())  # doctest: +SKIP
    ['basisschool', 'huisarts', 'kinderopvang', 'supermarkt']
    """
    code = check_gemeentecode(gemeentecode)
    cfg = _config()
    tabel = nabijheid_tabel(jaar)
    host = str(cfg["host"])
    bron = f"CBS-tabel {tabel}"
    info = get_tabelinfo(tabel, host=host)
    titel = str(info.get("Title") or "")
    if "nabijheid" not in titel.lower():
        raise BronError(
            f"{bron} is '{titel}', geen tabel 'Nabijheid voorzieningen'. Controleer "
            f"nabijheid.tabellen[{jaar}] in lagen/catalogus/cbs.yml."
        )
    props = get_properties(tabel, host=host)
    kolommen = _kolommen(props, bron=bron)
    regio = resolve_stems(props, ["WijkenEnBuurten"], tabel=bron)["WijkenEnBuurten"]
    frame, herkomst = get_table(
        tabel,
        host=host,
        filter=region_filter(code, dimensie=regio),
        select=[regio, *kolommen.values()],
        bron=f"{cfg['bron']} {jaar} (CBS StatLine {tabel})",
        licentie=str(cfg["licentie"]),
    )
    indeling = indeling_van(props, regio) or str(jaar)
    herzien = herzien_op(info)
    herkomst = Herkomst(
        bron=herkomst.bron,
        datum=herkomst.datum,
        licentie=herkomst.licentie,
        query=f"{herkomst.query} ({titel}{f', herzien {herzien}' if herzien else ''})",
        peildatum=PEILDATUM.format(jaar=jaar),
        indeling=indeling,
    )
    data = lang_formaat(
        frame,
        codekolom=regio,
        kolommen=kolommen,
        gemeentecode=code,
        jaar=jaar,
        bron=bron,
        brontekst=f"{cfg['bron']} {jaar} ({tabel})",
    )
    log.info("%s: nabijheid van %d gebieden van %s", bron, data["code"].nunique(), code)
    return Laag(naam="nabijheid", data=data, herkomst=herkomst)


def read_nabijheid(
    path: str | os.PathLike[str],
    *,
    gemeentecode: str,
    jaar: int,
    getallen: Notatie | str | None = None,
) -> Laag:
    """CBS Nabijheid from a CSV saved from StatLine (the table's column keys as header).

    The region code column is found by name (``WijkenEnBuurten``, ``Codering_3``, ``code``, ...
    see ``nabijheid.codekolommen`` in ``cbs.yml``), the distances by stem as online; of the
    several ``AfstandTotSchool_*`` columns the first (lowest number) is basisonderwijs, as in
    every edition. Comma or semicolon separated; ``.`` or an empty cell is a suppressed figure
    and stays missing. Numbers are read by :mod:`gebiedsplan._getallen`: a value that could be
    two numbers (``1.250``: 1250 or 1,25 km) is refused unless ``getallen`` declares the
    notation; a distance outside 0-100 km is refused, naming the file's row and column.

    Parameters
    ----------
    path
        The CSV file.
    gemeentecode
        CBS code; only the gemeente, its wijken and its buurten are kept.
    jaar
        Year of the Nabijheid figures (peildatum 1 January; indeling of that year assumed, the
        file does not say). A file whose name holds another year is read as ``jaar`` with a
        warning.
    getallen
        The notation of the numbers (:func:`gebiedsplan._getallen.notatie_uit`); default not
        declared.

    Examples
    --------
    >>> import tempfile
    >>> csv = Path(tempfile.mkdtemp()) / "nabijheid_2023.csv"
    >>> _ = csv.write_text("WijkenEnBuurten;AfstandTotHuisartsenpraktijk_5;AfstandTotSchool_60;"
    ...     "AfstandTotSchool_64\\nBU99990101;0.6;0.4;2.1\\nBU99990102;.;.;.\\n")
    >>> laag = read_nabijheid(csv, gemeentecode="GM9999", jaar=2023)
    >>> laag.data[["code", "categorie", "afstand_km"]].values.tolist()  # doctest: +NORMALIZE_WHITESPACE
    [['BU99990101', 'huisarts', 0.6], ['BU99990101', 'basisschool', 0.4],
     ['BU99990102', 'huisarts', nan], ['BU99990102', 'basisschool', nan]]
    """
    code = check_gemeentecode(gemeentecode)
    cfg = _config()
    bestand = Path(path)
    frame = read_csv(bestand)
    bron = bestand.name
    namen = list(frame.columns)
    stems = list(cfg["codekolommen"])
    gevonden = resolve_kolommen(namen, {"code": stems}, tabel=bron)
    if "code" not in gevonden:
        raise BronError(
            f"{bron}: geen kolom met de gebiedscode gevonden; gezocht: {', '.join(stems)}; "
            f"aanwezig: {', '.join(namen)}. Noem de kolom met GM/WK/BU-codes bv. 'code'."
        )
    kolommen = _kolommen(namen, bron=bron)
    notatie = (
        getallen
        if isinstance(getallen, Notatie) or getallen is None
        else notatie_uit(getallen, waar="getallen", opgeven=OPGEVEN_CSV)
    )
    frame = parse_getallen(frame, kolommen.values(), bron=bron, notatie=notatie)
    in_naam = jaar_in_naam(bestand)
    if in_naam is not None and in_naam != jaar:
        log.warning(
            "%s: de bestandsnaam noemt %d, gelezen als Nabijheid %d; klopt dat?",
            bestand.name,
            in_naam,
            jaar,
        )
    tabel = cfg["tabellen"].get(jaar)
    tabeltekst = f"{tabel}, " if tabel else ""
    herkomst = Herkomst(
        bron=f"{cfg['bron']} {jaar} ({tabeltekst}bestand {bestand.name})",
        datum=bestand_datum(bestand),
        licentie=str(cfg["licentie"]),
        query=f"{bestand}, gemeentecode {code}; indeling {jaar} aangenomen (jaar van de cijfers)",
        peildatum=PEILDATUM.format(jaar=jaar),
        indeling=str(jaar),
    )
    data = lang_formaat(
        frame,
        codekolom=gevonden["code"],
        kolommen=kolommen,
        gemeentecode=code,
        jaar=jaar,
        bron=bron,
        brontekst=f"{cfg['bron']} {jaar} (bestand {bestand.name})",
    )
    log.info("%s: nabijheid van %d gebieden van %s", bron, data["code"].nunique(), code)
    return Laag(naam="nabijheid", data=data, herkomst=herkomst)


def _kolommen(properties: Any, *, bron: str) -> dict[str, str]:
    """Category -> the source's key of its distance; a table with none of them is refused."""
    stems = _stems()
    gevonden = resolve_kolommen(properties, stems, tabel=bron, groepen=_groepen())
    if not gevonden:
        raise BronError(
            f"{bron}: geen van de afstanden van CBS Nabijheid gevonden (gezocht op stam: "
            f"{'; '.join(' of '.join(s) for s in stems.values())}). Is dit de tabel 'Nabijheid "
            "voorzieningen; afstand locatie, wijk- en buurtcijfers' (of de Kerncijfers wijken en "
            "buurten met hun afstanden)? Vul anders de stammen aan in lagen/catalogus/cbs.yml."
        )
    ontbrekend = [cat for cat in stems if cat not in gevonden]
    if ontbrekend:
        log.warning("%s: afstanden niet in deze bron: %s", bron, ", ".join(ontbrekend))
    return gevonden


def lang_formaat(
    frame: pd.DataFrame,
    *,
    codekolom: str,
    kolommen: Mapping[str, str],
    gemeentecode: str,
    jaar: int,
    bron: str,
    brontekst: str,
) -> pd.DataFrame:
    """From one row per area with a distance column per category to the validated layer
    ``nabijheid`` (one row per code x categorie, ``afstand_km`` in km, missing where CBS has no
    figure), for the gemeente, its wijken and its buurten.

    The codes are checked first (a code that is no GM/WK/BU code, a gemeente without rows in
    the source naming the gemeenten that are there, a code twice), then the distances (0-100
    km), each problem naming the row of the source (header = row 1) where it has rows.

    Examples
    --------
    >>> import pandas as pd
    >>> rijen = pd.DataFrame({"WijkenEnBuurten": ["GM9999    ", "BU99990101"],
    ...                       "AfstandTotGroteSupermarkt_24": [0.9, None]})
    >>> lang_formaat(rijen, codekolom="WijkenEnBuurten",
    ...     kolommen={"supermarkt": "AfstandTotGroteSupermarkt_24"}, gemeentecode="GM9999",
    ...     jaar=2023, bron="x", brontekst="CBS")["afstand_km"].tolist()
    [0.9, nan]
    """
    rijen = (
        frame.index.to_numpy() + 2
        if pd.api.types.is_integer_dtype(frame.index)
        else np.arange(len(frame)) + 2
    )
    codes = frame[codekolom].map(strip_code)
    leeg = codes.isna().to_numpy()
    vreemd = ~leeg & ~codes.fillna("").map(lambda c: bool(_CODE.fullmatch(c))).to_numpy()
    if vreemd.any():
        genoemd = [f"rij {r} ({c!r})" for r, c in zip(rijen[vreemd], codes[vreemd], strict=True)]
        raise BronError(
            f"{bron}: onbekende gebiedscode in kolom '{codekolom}': "
            f"{', '.join(genoemd[:_MAX_GENOEMD])}{' …' if len(genoemd) > _MAX_GENOEMD else ''}. "
            "Een CBS-gebiedscode is GM + 4 cijfers (gemeente), WK + 6 (wijk) of BU + 8 (buurt); "
            "controleer de kolom of exporteer het bestand opnieuw met de codes."
        )
    hier = in_gemeente(codes, gemeentecode).to_numpy(dtype=bool)
    if not hier.any():
        gemeenten = sorted({f"GM{c[2:6]}" for c in codes.dropna() if not c.startswith("NL")})
        voorbeeld = ", ".join(gemeenten[:_MAX_GENOEMD]) + (
            " …" if len(gemeenten) > _MAX_GENOEMD else ""
        )
        raise BronError(
            f"{bron}: geen nabijheidscijfers voor gemeente {gemeentecode} (codes "
            f"GM/WK/BU{gemeentecode[2:]}…); in deze bron: {voorbeeld or 'geen gemeenten'}. "
            "Controleer de gemeentecode, of exporteer de tabel met de wijken en buurten van "
            "deze gemeente."
        )
    werk = pd.DataFrame({"code": codes[hier].to_numpy()}, index=frame.index[hier])
    dubbel = werk["code"].duplicated(keep=False).to_numpy()
    if dubbel.any():
        genoemd = [
            f"{c} (rij {r})" for c, r in zip(werk["code"][dubbel], rijen[hier][dubbel], strict=True)
        ]
        raise BronError(
            f"{bron}: gebiedscode meer dan eens: {', '.join(genoemd[:_MAX_GENOEMD])}. Bevat het "
            "bestand meerdere jaren? Houd één jaar over."
        )
    for categorie, key in kolommen.items():
        werk[categorie] = pd.to_numeric(frame.loc[hier, key], errors="coerce").astype("float64")
    werk = sentinels_to_missing(werk)
    _check_bereik(werk, kolommen, rijen=rijen[hier], bron=bron)
    volgorde = list(kolommen)
    lang = werk.melt(id_vars=["code"], var_name="categorie", value_name="afstand_km")
    lang["_volgorde"] = lang["categorie"].map({c: i for i, c in enumerate(volgorde)})
    lang["_code"] = lang["code"].map({c: i for i, c in enumerate(werk["code"])})
    lang = lang.sort_values(["_code", "_volgorde"], kind="stable")
    uit = pd.DataFrame(
        {
            "id": lang["code"] + ":" + lang["categorie"] + f":{jaar}",
            "code": lang["code"],
            "categorie": lang["categorie"],
            "jaar": jaar,
            "afstand_km": lang["afstand_km"].astype("float64"),
            "bron": brontekst,
            "kolom": lang["categorie"].map(dict(kolommen)),
        }
    )
    n_leeg = int(uit["afstand_km"].isna().sum())
    if n_leeg:
        log.info("%s: %d afstanden niet gepubliceerd (blijven leeg)", bron, n_leeg)
    return validate_laag(uit.reset_index(drop=True), "nabijheid", bron=bron)


def _check_bereik(
    werk: pd.DataFrame, kolommen: Mapping[str, str], *, rijen: np.ndarray, bron: str
) -> None:
    """Every distance within the range of ``afstand_km`` in the schema (km), naming the row of
    the source and its column; a value above it is usually a file in metres."""
    kolom = load_catalogus().lagen["nabijheid"].kolommen["afstand_km"]
    laag = kolom.min if kolom.min is not None else -np.inf
    hoog = kolom.max if kolom.max is not None else np.inf
    problemen = []
    for categorie, key in kolommen.items():
        waarden = werk[categorie].to_numpy(dtype=float, na_value=np.nan)
        with np.errstate(invalid="ignore"):
            buiten = (waarden < laag) | (waarden > hoog)
        if buiten.any():
            genoemd = [f"{rijen[i]} ({waarden[i]:g})" for i in np.flatnonzero(buiten)]
            problemen.append(
                f"kolom '{key}' ({categorie}): buiten {laag:g}-{hoog:g} km in rij "
                f"{', '.join(genoemd[:_MAX_GENOEMD])}{' …' if len(genoemd) > _MAX_GENOEMD else ''}"
            )
    if problemen:
        raise BronError(
            f"{bron}: CBS Nabijheid geeft afstanden in km (afgerond op 0,1 km), maar:\n  - "
            + "\n  - ".join(problemen)
            + "\nControleer het bestand (afstanden in meters, een verschoven kolom, of een "
            "verkeerd gelezen scheidingsteken?)."
        )
