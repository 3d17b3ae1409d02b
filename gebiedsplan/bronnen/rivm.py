"""RIVM/GGD Gezondheidsmonitor per wijk en buurt: the catalogue layer ``gezondheid``.

"Gezondheid per wijk en buurt" (GGD'en, CBS, RIVM; StatLine table ``50150NED`` for 2012-2024,
``50120NED`` before it, on ``dataderden.cbs.nl``) gives model estimates (small-area estimates)
of the share of adults with a health trait, for 18+ and 65+, per gemeente, wijk and buurt.
gebiedsplan reads a documented set of indicators (``cbs.yml``: ervaren gezondheid, eenzaamheid,
ernstige eenzaamheid, angst/depressie, moeite met rondkomen, overgewicht, langdurige
aandoening, mantelzorg) and returns them in long format: one row per code x indicator x
age group, with ``waarde`` and the 95% margins ``marge_onder`` / ``marge_boven`` where
published. Values RIVM suppresses (small buurten) stay missing.

Online :func:`fetch_gezondheid`; file twin :func:`read_gezondheid` for a CSV with the
StatLine columns (``Leeftijd``, ``Marges``, ``WijkenEnBuurten``, ``Perioden`` and the
suffixed indicator keys).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from gebiedsplan._getallen import Notatie, notatie_uit
from gebiedsplan._validate import check_gemeentecode, validate_laag
from gebiedsplan.bronnen import Herkomst, Laag
from gebiedsplan.bronnen._datering import bestand_datum
from gebiedsplan.bronnen._statline import (
    OPGEVEN_CSV,
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
    strip_code,
)
from gebiedsplan.catalogus import load_catalogus, load_cbs_config
from gebiedsplan.errors import BronError

log = logging.getLogger(__name__)

#: Output columns beyond the catalogue schema (allowed as extras by the validator).
EXTRA_KOLOMMEN = ("leeftijd", "marge_onder", "marge_boven")
_DIMENSIES = ("WijkenEnBuurten", "Leeftijd", "Marges", "Perioden")


def _config() -> dict[str, Any]:
    return dict(load_cbs_config()["gezondheid"])


def _tabel_voor(jaar: int) -> dict[str, Any]:
    tabellen = _config()["tabellen"]
    for tabel in tabellen:
        if jaar in tabel["jaren"]:
            return dict(tabel)
    jaren = sorted({j for t in tabellen for j in t["jaren"]})
    raise BronError(
        f"Gezondheidsmonitor: geen tabel voor jaar {jaar}; RIVM publiceerde wijk- en "
        f"buurtcijfers voor {jaar_tekst(jaren)}. Kies een van die jaren (of voeg een nieuwe "
        "tabel toe onder gezondheid.tabellen in lagen/catalogus/cbs.yml)."
    )


def _indicator_stems() -> dict[str, list[str]]:
    return {naam: list(spec["stam"]) for naam, spec in _config()["indicatoren"].items()}


def fetch_gezondheid(gemeentecode: str, *, jaar: int) -> Laag:
    """Health indicators of one gemeente, its wijken and buurten from RIVM StatLine.

    Parameters
    ----------
    gemeentecode
        CBS code, e.g. ``"GM0202"``.
    jaar
        Year of the Gezondheidsmonitor (2012, 2016, 2020, 2022 or 2024).

    Returns
    -------
    Laag
        The validated layer ``gezondheid`` (index ``id``), long format, with the extra columns
        ``leeftijd`` ('18+'/'65+'), ``marge_onder`` and ``marge_boven``.

    Raises
    ------
    BronError
        A year without figures (naming the years that have them), a gemeentecode not of the
        form GMdddd or without rows, a table without any of the indicators.

    Examples
    --------
    >>> from gebiedsplan.bronnen.rivm import fetch_gezondheid
    >>> laag = fetch_gezondheid("GM0202", jaar=2024)  # doctest: +SKIP
    >>> sorted(laag.data["leeftijd"].unique())  # doctest: +SKIP
    ['18+', '65+']
    """
    code = check_gemeentecode(gemeentecode)
    cfg = _config()
    tabel_spec = _tabel_voor(jaar)
    tabel = str(tabel_spec["tabel"])
    host = str(cfg["host"])
    bron = f"RIVM-tabel {tabel}"
    props = get_properties(tabel, host=host)
    dims = resolve_stems(props, _DIMENSIES, tabel=bron)
    indicatoren = _indicatoren(props, bron=bron)
    leeftijden = " or ".join(f"{dims['Leeftijd']} eq '{k}'" for k in cfg["leeftijden"].values())
    filter_ = (
        f"({region_filter(code, dimensie=dims['WijkenEnBuurten'])}) and "
        f"{dims['Perioden']} eq '{jaar}JJ00' and ({leeftijden})"
    )
    select = [dims[d] for d in _DIMENSIES] + list(indicatoren.values())
    frame, herkomst = get_table(
        tabel,
        host=host,
        filter=filter_,
        select=select,
        bron=f"{cfg['bron']} {jaar} (StatLine {tabel}, indeling {tabel_spec.get('indeling', '?')})",
        licentie=str(cfg["licentie"]),
    )
    indeling = str(tabel_spec.get("indeling", ""))
    in_tabel = indeling_van(props, dims["WijkenEnBuurten"])  # MapYear of the region dimension
    if in_tabel is not None and in_tabel != indeling:
        log.warning(
            "%s: de gebiedscodes volgen de indeling van %s (MapYear), niet van %s (cbs.yml)",
            bron,
            in_tabel,
            indeling or "?",
        )
        indeling = in_tabel
    herkomst = replace(herkomst, peildatum=str(jaar), indeling=indeling)
    data = _lang(
        frame,
        codekolom=dims["WijkenEnBuurten"],
        leeftijdkolom=dims["Leeftijd"],
        margekolom=dims["Marges"],
        indicatoren=indicatoren,
        gemeentecode=code,
        jaar=jaar,
        bron=bron,
        brontekst=f"{cfg['bron']} {jaar} ({tabel})",
    )
    return Laag(naam="gezondheid", data=data, herkomst=herkomst)


def read_gezondheid(
    path: str | os.PathLike[str],
    *,
    gemeentecode: str,
    jaar: int,
    getallen: Notatie | str | None = None,
) -> Laag:
    """Health indicators from a CSV with the StatLine columns of "Gezondheid per wijk en buurt".

    The file has the dimension columns ``Leeftijd`` (20300 = 18+, 80200 = 65+), ``Marges``
    (optional; ``MW00000`` = the estimate), ``WijkenEnBuurten`` (or ``Codering_3``),
    ``Perioden`` (optional; e.g. ``2020JJ00``) and the indicator keys
    (``Eenzaam_28``, ...), found by stem as online.

    Parameters
    ----------
    path
        The CSV file.
    gemeentecode
        CBS code; only the gemeente, its wijken and its buurten are kept.
    jaar
        Year of the monitor; rows of other periods are left out. It is the layer's
        ``peildatum``, and its ``indeling`` is assumed to be that year's (a file does not say).
    getallen
        The notation of the numbers (:func:`gebiedsplan._getallen.notatie_uit`); default not
        declared: a value that could be two numbers is refused. Every indicator is a
        percentage: a value outside 0-100 is refused, naming the file's row and column.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> csv = Path(tempfile.mkdtemp()) / "gezondheid.csv"
    >>> _ = csv.write_text("Leeftijd,Marges,WijkenEnBuurten,Perioden,Eenzaam_28\\n"
    ...     "20300,MW00000,BU99990101  ,2020JJ00,51.2\\n20300,MW00000,BU99990102  ,2020JJ00,\\n")
    >>> laag = read_gezondheid(csv, gemeentecode="GM9999", jaar=2020)
    >>> list(laag.data.index)
    ['BU99990101:eenzaam:18+:2020', 'BU99990102:eenzaam:18+:2020']
    >>> laag.data["waarde"].tolist(), laag.data["eenheid"].iloc[0]
    ([51.2, nan], '% van 18+')
    """
    code = check_gemeentecode(gemeentecode)
    cfg = _config()
    bestand = Path(path)
    frame = read_csv(bestand)
    bron = bestand.name
    kolommen = list(frame.columns)
    codestems = ["WijkenEnBuurten", "Codering", "code"]
    gevonden = resolve_kolommen(
        kolommen,
        {
            "code": codestems,
            "leeftijd": ["Leeftijd"],
            "marges": ["Marges"],
            "perioden": ["Perioden"],
        },
        tabel=bron,
        verplicht=("code", "leeftijd"),
    )
    indicatoren = _indicatoren(kolommen, bron=bron)
    if "perioden" in gevonden:
        perioden = frame[gevonden["perioden"]].map(strip_code)
        dit_jaar = perioden.fillna("").str.startswith(str(jaar))
        if not dit_jaar.any():
            aanwezig = sorted({p for p in perioden.dropna()})
            raise BronError(
                f"{bron}: geen cijfers voor {jaar}; perioden in het bestand: "
                f"{', '.join(aanwezig) or 'geen'}. Kies een van die jaren."
            )
        frame = frame.loc[dit_jaar.to_numpy(dtype=bool)]
    else:
        log.info("%s: geen kolom Perioden; aangenomen dat alle rijen over %d gaan", bron, jaar)
    notatie = (
        getallen
        if isinstance(getallen, Notatie) or getallen is None
        else notatie_uit(getallen, waar="getallen", opgeven=OPGEVEN_CSV)
    )
    frame = parse_getallen(frame, indicatoren.values(), bron=bron, notatie=notatie)
    _check_bereik(frame, indicatoren, bron=bron)
    log.info(
        "%s: Gezondheidsmonitor %d; het bestand noemt geen indeling, aangenomen: die van %d",
        bron,
        jaar,
        jaar,
    )
    herkomst = Herkomst(
        bron=f"{cfg['bron']} {jaar} (bestand {bestand.name})",
        datum=bestand_datum(bestand),
        licentie=str(cfg["licentie"]),
        query=f"{bestand}, gemeentecode {code}, jaar {jaar}; indeling {jaar} aangenomen "
        "(jaar van de monitor)",
        peildatum=str(jaar),
        indeling=str(jaar),
    )
    data = _lang(
        frame,
        codekolom=gevonden["code"],
        leeftijdkolom=gevonden["leeftijd"],
        margekolom=gevonden.get("marges"),
        indicatoren=indicatoren,
        gemeentecode=code,
        jaar=jaar,
        bron=bron,
        brontekst=f"{cfg['bron']} {jaar} (bestand {bestand.name})",
    )
    return Laag(naam="gezondheid", data=data, herkomst=herkomst)


def _check_bereik(frame: pd.DataFrame, indicatoren: Mapping[str, str], *, bron: str) -> None:
    """Every indicator value within the range of ``waarde`` in the schema (a percentage,
    0-100), naming the file's row (header = row 1) and column; CBS codes for "geheim" (at or
    below ``ontbrekend_tot_en_met``) are missing values, not errors."""
    kolom = load_catalogus().lagen["gezondheid"].kolommen["waarde"]
    grens = float(load_cbs_config()["ontbrekend_tot_en_met"])
    rijen = frame.index.to_numpy() + 2
    problemen = []
    for naam, key in indicatoren.items():
        waarden = frame[key].to_numpy(dtype=float, na_value=np.nan)
        with np.errstate(invalid="ignore"):
            buiten = (waarden > grens) & (
                (waarden < (kolom.min if kolom.min is not None else -np.inf))
                | (waarden > (kolom.max if kolom.max is not None else np.inf))
            )
        if buiten.any():
            genoemd = [f"{rijen[i]} ({waarden[i]:g})" for i in np.flatnonzero(buiten)]
            problemen.append(
                f"kolom '{key}' ({naam}): buiten {kolom.min:g}-{kolom.max:g} in rij "
                f"{', '.join(genoemd[:10])}{' …' if len(genoemd) > 10 else ''}"
            )
    if problemen:
        raise BronError(
            f"{bron}: de Gezondheidsmonitor geeft percentages (0-100), maar:\n  - "
            + "\n  - ".join(problemen)
            + "\nControleer het bestand (een verschoven kolom, een verkeerd gelezen "
            "scheidingsteken, of een aantal in plaats van een percentage?)."
        )


def _indicatoren(properties: Any, *, bron: str) -> dict[str, str]:
    stems = _indicator_stems()
    gevonden = resolve_kolommen(properties, stems, tabel=bron)
    if not gevonden:
        raise BronError(
            f"{bron}: geen van de gezondheidsindicatoren gevonden (gezocht op stam: "
            f"{'; '.join(' of '.join(s) for s in stems.values())}). Is dit de tabel "
            "'Gezondheid per wijk en buurt'? Vul anders de stammen aan in lagen/catalogus/cbs.yml."
        )
    ontbrekend = [naam for naam in stems if naam not in gevonden]
    if ontbrekend:
        log.warning("%s: indicatoren niet in deze bron: %s", bron, ", ".join(ontbrekend))
    return gevonden


def _lang(
    frame: pd.DataFrame,
    *,
    codekolom: str,
    leeftijdkolom: str,
    margekolom: str | None,
    indicatoren: Mapping[str, str],
    gemeentecode: str,
    jaar: int,
    bron: str,
    brontekst: str,
) -> pd.DataFrame:
    """From one row per region x age x margin to the long, validated layer ``gezondheid``."""
    cfg = _config()
    leeftijd_van = {str(k): naam for naam, k in cfg["leeftijden"].items()}
    marge_van = {
        str(cfg["marges"]["waarde"]): "waarde",
        str(cfg["marges"]["onder"]): "marge_onder",
        str(cfg["marges"]["boven"]): "marge_boven",
    }
    werk = pd.DataFrame(
        {
            "code": frame[codekolom].map(strip_code),
            "leeftijd": frame[leeftijdkolom].map(strip_code).map(leeftijd_van),
            "marge": (
                frame[margekolom].map(strip_code).map(marge_van)
                if margekolom is not None
                else "waarde"
            ),
        },
        index=frame.index,
    )
    for naam, key in indicatoren.items():
        werk[naam] = pd.to_numeric(frame[key], errors="coerce")
    hier = in_gemeente(werk["code"], gemeentecode).to_numpy(dtype=bool)
    if not hier.any():
        raise BronError(
            f"{bron}: geen gezondheidscijfers voor gemeente {gemeentecode} (codes "
            f"GM/WK/BU{gemeentecode[2:]}…) in {jaar}. Controleer de gemeentecode en het jaar; "
            "de indeling van de tabel kan van een ander jaar zijn."
        )
    werk = werk.loc[hier & werk["leeftijd"].notna().to_numpy() & werk["marge"].notna().to_numpy()]
    if werk.empty:
        raise BronError(
            f"{bron}: geen rijen voor de leeftijden {', '.join(leeftijd_van)} "
            f"(18+ en 65+) met een van de marges {', '.join(marge_van)}."
        )
    werk = sentinels_to_missing(werk)
    lang = werk.melt(
        id_vars=["code", "leeftijd", "marge"], var_name="indicator", value_name="getal"
    )
    sleutel = ["code", "leeftijd", "indicator", "marge"]
    dubbel = lang.duplicated(sleutel, keep=False)
    if dubbel.any():
        voorbeeld = lang.loc[dubbel, "code"].unique()[:5]
        raise BronError(
            f"{bron}: meer dan één rij per gebied, leeftijd en marge (bv. {', '.join(voorbeeld)}). "
            "Bevat het bestand meerdere perioden? Houd één jaar over."
        )
    breed = lang.set_index(sleutel)["getal"].unstack("marge")
    for kolom in ("waarde", "marge_onder", "marge_boven"):
        if kolom not in breed.columns:
            breed[kolom] = float("nan")
    breed = breed.reset_index()
    volgorde = {naam: i for i, naam in enumerate(indicatoren)}
    breed["_volgorde"] = breed["indicator"].map(volgorde)
    breed = breed.sort_values(["code", "leeftijd", "_volgorde"], kind="stable")
    uit = pd.DataFrame(
        {
            "id": breed["code"] + ":" + breed["indicator"] + ":" + breed["leeftijd"] + f":{jaar}",
            "code": breed["code"],
            "indicator": breed["indicator"],
            "jaar": jaar,
            "waarde": breed["waarde"].astype("float64"),
            "eenheid": breed["leeftijd"].map(lambda lft: str(cfg["eenheid"]).format(leeftijd=lft)),
            "bron": brontekst,
            "leeftijd": breed["leeftijd"],
            "marge_onder": breed["marge_onder"].astype("float64"),
            "marge_boven": breed["marge_boven"].astype("float64"),
        }
    )
    n_leeg = int(uit["waarde"].isna().sum())
    if n_leeg:
        log.info("%s: %d waarden niet gepubliceerd (blijven leeg)", bron, n_leeg)
    return validate_laag(uit.reset_index(drop=True), "gezondheid", bron=bron)
