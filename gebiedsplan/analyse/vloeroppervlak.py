"""Floor space against reference norms: per wijk or gebied and per function, the gross floor
area (bvo, m²) the homes need (``lagen/catalogus/vloernormen.yml``, m² per 1,000 homes, or the
gemeente's ``vloernormen:``) against the bvo of the IAB accommodations in use that offer the
function, and the shortfall. With a scenario: after its housing programme.

The rules, so a reader can check every number:

- **Homes** of a wijk: the CBS housing stock of the wijk (a column such as
  ``kwb24_Woningvoorraad_35`` or ``woningvoorraad`` on the wijken layer) where the store has
  it, else the households of its buurten (``aantal_huishoudens``). Of a gebied: the same for
  its buurten (the housing stock of the buurten layer where it has one, else households).
  Column ``bron_woningen`` says which.
- **New homes** of a scenario: every ``woningbouw`` step adds the homes of its phases ready by
  the scenario's ``peiljaar`` (all phases without one), spread over the buurten in proportion
  to the area of the gebied that lies in each (the continuous form of the 100 m grid of
  :func:`gebiedsplan.analyse.scenario.apply_scenario`), as whole homes (largest remainder).
  An ``opvang`` step adds residents but no homes: it does not change the m² needed here.
- **Present m²**: every accommodation with ``status`` ``in_gebruik`` (the rule of
  :func:`gebiedsplan.gemeente.effective_voorzieningen`) counts in the area its representative
  point lies in (the buurt by the rule of the gap tables; a wijk through the buurt's
  ``wijkcode``, a gebied through its buurten). An accommodation with several functions has
  its bvo **split evenly over all its functions** (a wijkcentrum ``ontmoeting;welzijn`` of
  1,800 m² gives 900 m² to each), also over functions without a norm (``onderwijs``) and
  sensitive ones; ``aanwezig_m2_gedeeld`` shows how much of ``aanwezig_m2`` came from such
  splits. An accommodation without a bvo (empty or 0, as a new one of a scenario) is counted
  in ``accommodaties_zonder_bvo``, never as 0 m²: ``aanwezig_m2`` is then a lower bound and
  ``opmerking`` says so. A scenario's ``sluit``, ``open`` and ``verplaats`` steps are applied
  first (:func:`~gebiedsplan.analyse.scenario.apply_scenario`).
- Without an accommodations layer the present m² is **unknown** (empty, not 0) and
  ``opmerking`` says so.
- ``tekort_m2 = max(0, benodigd_m2 - aanwezig_m2)``, ``overschot_m2 = max(0, aanwezig_m2 -
  benodigd_m2)``.

No output of this module names an accommodation: sensitive ones (opvang, beschermd wonen, ...)
count in the sums and are never named, and functions that are sensitive have no norm
(:func:`gebiedsplan.catalogus.load_vloernormen`).
"""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Mapping
from typing import Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gebiedsplan._tekst import getal
from gebiedsplan.analyse.hiaatsommen import buurtcodes
from gebiedsplan.analyse.scenario import Scenario, apply_scenario
from gebiedsplan.bronnen.vraag import split_integer
from gebiedsplan.catalogus import Vloernorm, load_catalogus, load_vloernormen
from gebiedsplan.errors import GebiedsplanError
from gebiedsplan.gemeente import Gemeente

log = logging.getLogger(__name__)

NIVEAUS = ("wijk", "gebied")
#: A CBS housing stock column: ``woningvoorraad``, ``Woningvoorraad``, ``kwb24_Woningvoorraad_35``.
WONINGVOORRAAD = re.compile(r"(\w+_)?[Ww]oningvoorraad(_\d+)?")
#: Scenario steps that change which accommodations are in use, or where.
ACCOMMODATIESTAPPEN = ("sluit", "open", "verplaats")
HUISHOUDENS = "aantal_huishoudens"
ZONDER_LAAG = "Geen laag accommodaties: aanwezige m² onbekend (niet 0)."


def vloernormen_van(gemeente: Gemeente) -> dict[str, Vloernorm]:
    """The floor space norms that apply to ``gemeente``: its file's ``vloernormen:`` over the
    catalogue, else the catalogue's.

    Examples
    --------
    >>> from gebiedsplan.importeren import demo_gemeente
    >>> vloernormen_van(demo_gemeente())["jeugd_en_gezin"].m2_per_1000_woningen
    50.0
    """
    return dict(gemeente.vloernormen) if gemeente.vloernormen is not None else load_vloernormen()


def vloernormen_tabel(gemeente: Gemeente) -> pd.DataFrame:
    """The norms of :func:`vloernormen_van` as a table for people (a sheet beside the floor
    space table): per function its label, m² per 1,000 homes, kind and source.

    Examples
    --------
    >>> from gebiedsplan.importeren import demo_gemeente
    >>> t = vloernormen_tabel(demo_gemeente())
    >>> float(t.loc["ontmoeting", "norm_m2_per_1000_woningen"]), t.loc["ontmoeting", "norm_soort"]
    (125.0, 'richtlijn')
    """
    functies = load_catalogus().functies
    rijen = [
        {
            "functie": n.functie,
            "functie_label": functies.label(n.functie),
            "norm_m2_per_1000_woningen": n.m2_per_1000_woningen,
            "norm_soort": n.soort,
            "norm_bron": n.bron,
            "norm_url": n.url,
        }
        for n in vloernormen_van(gemeente).values()
    ]
    return pd.DataFrame(rijen).set_index("functie")


def _voorraadkolom(laag: pd.DataFrame) -> str | None:
    return next((str(k) for k in laag.columns if WONINGVOORRAAD.fullmatch(str(k))), None)


def _woningen_per_buurt(buurten: gpd.GeoDataFrame) -> tuple[pd.Series, pd.Series]:
    """(homes, where from) per buurt: the buurten layer's housing stock, else households;
    NaN and "onbekend" where neither is known."""
    leeg = pd.Series(np.nan, index=buurten.index, dtype=float)
    kolom = _voorraadkolom(buurten)
    voorraad = pd.to_numeric(buurten[kolom], errors="coerce") if kolom else leeg
    huishoudens = (
        pd.to_numeric(buurten[HUISHOUDENS], errors="coerce") if HUISHOUDENS in buurten else leeg
    )
    woningen = voorraad.where(voorraad.notna(), huishoudens)
    bron = pd.Series(
        np.where(
            voorraad.notna(),
            f"CBS-woningvoorraad van de buurten ({kolom})",
            np.where(huishoudens.notna(), f"huishoudens in de buurten ({HUISHOUDENS})", "onbekend"),
        ),
        index=buurten.index,
    )
    return woningen.astype(float), bron


def _nieuwe_woningen(gemeente: Gemeente, scenario: Scenario) -> pd.Series:
    """Homes the housing steps of ``scenario`` add per buurt (phases ready by its peiljaar),
    spread by the area of the gebied in each buurt, as whole homes."""
    buurten = gemeente.buurten
    erbij = pd.Series(0, index=buurten.index, dtype=np.int64)
    geometrie = np.asarray(buurten.geometry.to_numpy())
    boom = shapely.STRtree(geometrie)
    for stap in scenario.stappen:
        if stap.soort != "woningbouw" or stap.gebied is None:
            continue
        totaal = sum(
            n
            for fase in stap.fasen
            if scenario.peiljaar is None or fase.gereed <= scenario.peiljaar
            for n in fase.woningen.values()
        )
        if totaal == 0:
            continue
        gebied = gemeente.gebieden[stap.gebied]
        gewicht = np.zeros(len(buurten))
        kandidaten = boom.query(gebied.geometrie, predicate="intersects")
        gewicht[kandidaten] = shapely.area(
            shapely.intersection(geometrie[kandidaten], gebied.geometrie)
        )
        if gewicht.sum() <= 0:  # a gebied of buurten without area in common: its buurten, evenly
            gewicht = buurten.index.isin(gebied.buurten).astype(float)
        erbij += split_integer(int(totaal), gewicht)
        log.info("Scenario %s: %d woningen in %s", scenario.naam, totaal, stap.gebied)
    return erbij


def _accommodatie_functies(
    accommodaties: gpd.GeoDataFrame, buurten: gpd.GeoDataFrame
) -> pd.DataFrame:
    """One row per (accommodation in use, function): its buurt, its share of the bvo (NaN
    without a bvo) and whether the bvo was split. Accommodation ids stay internal."""
    functies = load_catalogus().functies
    in_gebruik = accommodaties[accommodaties["status"] == "in_gebruik"]
    punten = in_gebruik.geometry.representative_point()
    buurt = buurtcodes(punten, buurten, shapely.STRtree(np.asarray(buurten.geometry.to_numpy())))
    if (buiten := int(buurt.isna().sum())) > 0:
        log.info("%d accommodaties in gebruik liggen buiten elke buurt en tellen niet mee", buiten)
    rijen = []
    for acc_id, acc in in_gebruik.iterrows():
        namen, onbekend = functies.lees(acc["functies"])
        aantal = len(namen) + len(onbekend)
        if aantal == 0 or buurt[acc_id] is None:
            continue
        bvo = pd.to_numeric(acc.get("bvo_m2"), errors="coerce")
        bekend = bool(pd.notna(bvo) and bvo > 0)
        for naam in namen:
            rijen.append(
                {
                    "buurtcode": buurt[acc_id],
                    "functie": naam,
                    "m2": float(bvo) / aantal if bekend else np.nan,
                    "gedeeld": aantal > 1,
                }
            )
    return pd.DataFrame(rijen, columns=["buurtcode", "functie", "m2", "gedeeld"])


def _opmerking(rij: pd.Series, *, met_laag: bool) -> str:
    delen = []
    if pd.isna(rij["woningen"]):
        delen.append("Geen woningvoorraad of huishoudens bekend: benodigde m² onbekend.")
    if not met_laag:
        delen.append(ZONDER_LAAG)
    elif rij["accommodaties_zonder_bvo"] > 0:
        n = int(rij["accommodaties_zonder_bvo"])
        delen.append(
            f"{getal(n)} accommodatie{'s' if n > 1 else ''} met deze functie zonder bvo: "
            "aanwezige m² is een ondergrens."
        )
    return " ".join(delen)


def compute_vloeroppervlak(
    gemeente: Gemeente,
    *,
    niveau: Literal["wijk", "gebied"] = "wijk",
    woningbouw: Scenario | None = None,
    vloernormen: Mapping[str, Vloernorm] | None = None,
) -> pd.DataFrame:
    """Floor space needed and present per area and function (IAB view; rules in the module
    docstring).

    Parameters
    ----------
    gemeente
        The gemeente as loaded.
    niveau
        ``"wijk"`` (index ``wijkcode``, ``functie``) or ``"gebied"`` (index ``gebied``,
        ``functie``; a gebied by its buurten).
    woningbouw
        A scenario (:func:`gebiedsplan.analyse.scenario.load_scenario`): its housing steps add
        homes, its ``sluit``/``open``/``verplaats`` steps change the accommodations; None: now.
    vloernormen
        Norms per function; default :func:`vloernormen_van` (the gemeente file over the
        catalogue). Only functions with a norm get rows.

    Returns
    -------
    pd.DataFrame
        ``wijknaam`` (wijk only), ``functie_label``, ``woningen`` (with the scenario's),
        ``woningen_nieuw`` (the scenario's; 0 without), ``bron_woningen``,
        ``norm_m2_per_1000_woningen``, ``norm_soort``, ``benodigd_m2``, ``aanwezig_m2``
        (empty when unknown), ``aanwezig_m2_gedeeld``, ``accommodaties_met_functie``,
        ``accommodaties_zonder_bvo``, ``tekort_m2``, ``overschot_m2``, ``opmerking``.

    Raises
    ------
    GebiedsplanError
        An unknown ``niveau``.

    Examples
    --------
    >>> from gebiedsplan.importeren import demo_gemeente
    >>> t = compute_vloeroppervlak(demo_gemeente())
    >>> rij = t.loc[("WK999903", "ontmoeting")]  # Havenhuis: 1,800 m² for ontmoeting;welzijn
    >>> [float(rij[k]) for k in ("woningen", "aanwezig_m2", "benodigd_m2")]
    [1237.0, 900.0, 154.625]
    """
    if niveau not in NIVEAUS:
        raise GebiedsplanError(
            f"Vloeroppervlak: niveau {niveau!r} bestaat niet; kies uit {', '.join(NIVEAUS)}."
        )
    normen = dict(vloernormen) if vloernormen is not None else vloernormen_van(gemeente)
    functies = load_catalogus().functies
    buurten = gemeente.buurten
    accommodaties = gemeente.accommodaties
    nieuw = pd.Series(0, index=buurten.index, dtype=np.int64)
    if woningbouw is not None:
        nieuw = _nieuwe_woningen(gemeente, woningbouw)
        stappen = tuple(s for s in woningbouw.stappen if s.soort in ACCOMMODATIESTAPPEN)
        if stappen and accommodaties is not None:
            na = apply_scenario(gemeente, dataclasses.replace(woningbouw, stappen=stappen))
            accommodaties = na.accommodaties
    met_laag = accommodaties is not None
    per_functie = (
        _accommodatie_functies(accommodaties, buurten)
        if accommodaties is not None and not accommodaties.empty
        else pd.DataFrame(columns=["buurtcode", "functie", "m2", "gedeeld"])
    )

    # the areas: which buurten each holds, its homes now and where they come from
    buurt_woningen, buurt_bron = _woningen_per_buurt(buurten)
    gebieden: dict[str, list[str]]
    woningen: dict[str, float] = {}
    bron: dict[str, str] = {}
    if niveau == "wijk":
        gebieden = {
            str(code): buurten.index[buurten["wijkcode"] == code].tolist()
            for code in gemeente.wijken.index
        }
        kolom = _voorraadkolom(gemeente.wijken)
        voorraad = (
            pd.to_numeric(gemeente.wijken[kolom], errors="coerce")
            if kolom
            else pd.Series(np.nan, index=gemeente.wijken.index)
        )
        for code, codes in gebieden.items():
            if pd.notna(voorraad.get(code)):
                woningen[code] = float(voorraad[code])
                bron[code] = f"CBS-woningvoorraad van de wijk ({kolom})"
            else:
                woningen[code], bron[code] = _som(buurt_woningen, buurt_bron, codes)
    else:
        gebieden = {naam: list(g.buurten) for naam, g in gemeente.gebieden.items()}
        for naam, codes in gebieden.items():
            woningen[naam], bron[naam] = _som(buurt_woningen, buurt_bron, codes)

    rijen = []
    for gebied, codes in gebieden.items():
        in_gebied = per_functie[per_functie["buurtcode"].isin(codes)]
        erbij = int(nieuw.reindex(codes).fillna(0).sum())
        totaal = woningen[gebied] + erbij if pd.notna(woningen[gebied]) else np.nan
        for functie, norm in normen.items():
            acc = in_gebied[in_gebied["functie"] == functie]
            aanwezig = float(acc["m2"].sum()) if met_laag else np.nan
            benodigd = totaal / 1000 * norm.m2_per_1000_woningen
            rijen.append(
                {
                    "gebied": gebied,
                    "functie": functie,
                    "functie_label": functies.label(functie),
                    "woningen": totaal,
                    "woningen_nieuw": erbij,
                    "bron_woningen": bron[gebied],
                    "norm_m2_per_1000_woningen": norm.m2_per_1000_woningen,
                    "norm_soort": norm.soort,
                    "benodigd_m2": benodigd,
                    "aanwezig_m2": aanwezig,
                    "aanwezig_m2_gedeeld": (
                        float(acc.loc[acc["gedeeld"].astype(bool), "m2"].sum())
                        if met_laag
                        else np.nan
                    ),
                    "accommodaties_met_functie": len(acc) if met_laag else np.nan,
                    "accommodaties_zonder_bvo": int(acc["m2"].isna().sum()) if met_laag else np.nan,
                    "tekort_m2": max(0.0, benodigd - aanwezig),
                    "overschot_m2": max(0.0, aanwezig - benodigd),
                }
            )
    tabel = pd.DataFrame(rijen)
    if tabel.empty:
        tabel = pd.DataFrame(columns=["gebied", "functie", "functie_label", "woningen"])
    for kolom in ("tekort_m2", "overschot_m2"):  # max() of a NaN is not NaN: unknown stays empty
        tabel.loc[tabel["aanwezig_m2"].isna() | tabel["benodigd_m2"].isna(), kolom] = np.nan
    tabel["opmerking"] = [_opmerking(rij, met_laag=met_laag) for _, rij in tabel.iterrows()]
    if niveau == "wijk":
        tabel.insert(2, "wijknaam", tabel["gebied"].map(gemeente.wijken["wijknaam"]))
        tabel = tabel.rename(columns={"gebied": "wijkcode"})
    tabel = tabel.set_index(["wijkcode" if niveau == "wijk" else "gebied", "functie"])
    tabel.attrs["niveau"] = niveau
    tabel.attrs["scenario"] = woningbouw.naam if woningbouw is not None else None
    return tabel


def _som(woningen: pd.Series, bron: pd.Series, codes: list[str]) -> tuple[float, str]:
    """The homes of a set of buurten and where they come from; buurten without either figure
    are named by count, never counted as 0."""
    bekend = woningen.reindex(codes).dropna()
    if bekend.empty:
        return np.nan, "onbekend: geen woningvoorraad of huishoudens in de buurten"
    tekst = "; ".join(sorted(set(bron.reindex(bekend.index))))
    if (ontbreekt := len(codes) - len(bekend)) > 0:
        tekst += (
            f"; {ontbreekt} buurt{'en' if ontbreekt > 1 else ''} zonder gegevens niet meegeteld"
        )
    return float(bekend.sum()), tekst
