"""The report's sections on facilities: ``aanwezig`` (facilities and IAB accommodations in
the gebied), ``nodig`` (capacity needed against the norms, present, and the shortfall) and
``hiaten`` (the gaps ranked, per buurt, with the maps of :mod:`gebiedsplan.rapport.kaarten`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import cast

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gebiedsplan.analyse.hiaten import buurt_tree, facility_buurt
from gebiedsplan.analyse.run import Analyse
from gebiedsplan.catalogus import Categorie
from gebiedsplan.gemeente import Gebied, Gemeente
from gebiedsplan.rapport.delen import (
    _LEEG,
    MAX_RIJEN,
    Sectie,
    Tabel,
    _aandeel,
    _getal,
    _numbers,
)
from gebiedsplan.rapport.kaarten import Kaartje, _interactive_map, _kaartje

#: Static gap maps: at most this many categories (largest gaps first).
MAX_KAARTJES = 3


def _in_buurten(
    punten: gpd.GeoDataFrame, alle_buurten: gpd.GeoDataFrame, codes: Sequence[str]
) -> pd.Index:
    """Index of the points whose buurt (the gap table's rule, a point on a border in the first
    buurt of ``alle_buurten``) is one of ``codes``."""
    if punten.empty:
        return punten.index
    positie = facility_buurt(np.asarray(punten.geometry.to_numpy()), buurt_tree(alle_buurten))
    binnen = positie >= 0
    binnen[binnen] = alle_buurten.index[positie[binnen]].isin(list(codes))
    return punten.index[binnen]


def _present(
    gemeente: Gemeente,
    codes: Sequence[str],
    voorzieningen: gpd.GeoDataFrame,
    accommodaties: gpd.GeoDataFrame | None,
    verborgen: set[str],
    categorieen: Mapping[str, Categorie],
) -> Sectie:
    """Facilities and accommodations in the buurten of the gebied (publishable ones only)."""
    sectie = Sectie("aanwezig", "Aanwezige voorzieningen")
    hier = voorzieningen.loc[_in_buurten(voorzieningen, gemeente.buurten, codes)]
    rijen, sleutels = [], []
    for code, cat in categorieen.items():
        if code in verborgen:
            continue
        deze = hier[hier["categorie"] == code]
        namen = sorted(dict.fromkeys(str(n) for n in deze["naam"]))
        rijen.append([cat.label, _getal(len(deze)), ", ".join(namen) or _LEEG])
        sleutels.append(code)
    sectie.tekst(
        f"{_getal(len(hier))} voorzieningen van de sociale basis liggen in de buurten van het "
        "gebied (de voorzieningenlaag plus de functies van accommodaties in gebruik)."
    )
    sectie.tabel(
        Tabel(
            "tabel-aanwezig",
            ["Voorziening", "Aantal", "Namen"],
            rijen,
            frozenset({1}),
            sleutels,
        )
    )
    acc = accommodaties
    if acc is not None and not acc.empty:
        punten = acc.copy()
        punten["geometry"] = acc.geometry.representative_point()
        hier_acc = acc.loc[_in_buurten(punten, gemeente.buurten, codes)]
        rijen, sleutels = [], []
        for acc_id, rij in hier_acc.iterrows():
            functies = [f.strip() for f in str(rij["functies"]).replace(",", ";").split(";")]
            rijen.append(
                [
                    str(rij["naam"]),
                    ", ".join(categorieen[f].label if f in categorieen else f for f in functies),
                    str(rij["status"]).replace("_", " "),
                    _getal(rij.get("bvo_m2")),
                    _getal(rij.get("capaciteit")),
                    _aandeel(rij.get("bezetting")),
                ]
            )
            sleutels.append(str(acc_id))
        if rijen:
            sectie.kop("Accommodaties (IAB)")
            sectie.tabel(
                Tabel(
                    "tabel-accommodaties",
                    [
                        "Accommodatie (IAB)",
                        "Functies",
                        "Status",
                        "BVO (m²)",
                        "Capaciteit",
                        "Bezetting",
                    ],
                    rijen,
                    frozenset({3, 4, 5}),
                    sleutels,
                )
            )
    return sectie


def _needed(hiaten: pd.DataFrame, verborgen: set[str]) -> Sectie:
    sectie = Sectie("nodig", "Benodigde voorzieningen")
    met_norm = hiaten[hiaten["capaciteit_eenheid"].notna() & ~hiaten.index.isin(verborgen)]
    if met_norm.empty:
        sectie.tekst("Geen voorziening met een capaciteitsnorm in de analyse.")
        return sectie
    sectie.tekst(
        "Benodigde capaciteit = doelgroep x norm per 1.000 x behoefte-index (uit de "
        "gezondheidscijfers); aanwezig = capaciteit van de voorzieningen in de buurten van het "
        "gebied; tekort = benodigd - aanwezig (niet onder 0)."
    )
    rijen = []
    for _, rij in met_norm.iterrows():
        onbekend = int(rij["capaciteit_onbekend"])
        rijen.append(
            [
                str(rij["categorie_label"]),
                str(rij["capaciteit_eenheid"]),
                _getal(rij["doelgroep"]),
                _getal(rij["behoefte_index"], 2),
                _getal(rij["benodigde_capaciteit"], 1),
                _getal(rij["aanwezige_capaciteit"], 1)
                + (f" (+{onbekend} onbekend)" if onbekend else ""),
                _getal(rij["capaciteitstekort"], 1),
            ]
        )
    sectie.tabel(
        Tabel(
            "tabel-nodig",
            [
                "Voorziening",
                "Eenheid",
                "Doelgroep",
                "Behoefte-index",
                "Benodigd",
                "Aanwezig",
                "Tekort",
            ],
            rijen,
            frozenset({2, 3, 4, 5, 6}),
            list(met_norm.index),
            onderschrift=(
                "'+n onbekend': voorzieningen zonder bekende capaciteit; de aanwezige capaciteit "
                "is dan een ondergrens en het tekort een bovengrens."
            ),
        )
    )
    return sectie


def _gaps(
    gemeente: Gemeente,
    analyse: Analyse,
    gebied: Gebied,
    codes: Sequence[str],
    hiaten: pd.DataFrame,
    voorzieningen: gpd.GeoDataFrame,
    verborgen: set[str],
    *,
    kaart: bool,
) -> tuple[Sectie, list[Kaartje], str | None]:
    sectie = Sectie("hiaten", "Hiaten")
    zichtbaar = hiaten[~hiaten.index.isin(verborgen)]
    gerangschikt = zichtbaar.sort_values(
        ["hiaatscore", "inwoners_buiten_norm"], ascending=False, na_position="last"
    )
    rijen = []
    for i, (_, rij) in enumerate(gerangschikt.iterrows(), start=1):
        rijen.append(
            [
                str(i) if pd.notna(rij["hiaatscore"]) else _LEEG,
                str(rij["categorie_label"]),
                _getal(rij["aantal_voorzieningen"]),
                f"{_getal(rij['norm_afstand_m'])} m",
                _aandeel(rij["doeldekking"]),
                _aandeel(rij["aandeel_binnen_norm"]),
                _getal(rij["inwoners_buiten_norm"]),
                _getal(rij["gem_afstand_m"]),
                _getal(rij["hiaatscore"]),
            ]
        )
    sectie.tekst(
        "Per voorziening: het aandeel inwoners dat binnen de norm loopt (over het wegennet, tot "
        "de dichtstbijzijnde voorziening, ook buiten het gebied) tegen de doeldekking. "
        "Hiaatscore = 100 x (doeldekking - aandeel binnen norm) / doeldekking: 0 als het doel "
        "gehaald is, 100 als niemand binnen de norm woont."
    )
    top = gerangschikt[gerangschikt["hiaatscore"] > 0].head(3)
    sectie.tekst(
        "Grootste hiaten: "
        + "; ".join(
            f"{r['categorie_label']} (hiaatscore {_getal(r['hiaatscore'])}, "
            f"{_getal(r['inwoners_buiten_norm'])} inwoners buiten de norm)"
            for _, r in top.iterrows()
        )
        + "."
        if len(top)
        else "Geen hiaten: voor elke voorziening woont het doel-aandeel inwoners binnen de norm."
        if gerangschikt["hiaatscore"].notna().any()
        else "De hiaten van dit gebied zijn niet berekend: geen van zijn inwoners valt in de "
        "analyse."
    )
    per_buurt = analyse.hiaten_buurt
    assert per_buurt is not None, "run_analyse computes the gap table per buurt"
    binnen = per_buurt[
        per_buurt.index.get_level_values(0).isin(list(codes))
        & ~per_buurt.index.get_level_values(1).isin(verborgen)
    ]
    buiten_analyse = [c for c in codes if c not in set(per_buurt.index.get_level_values(0))]
    if buiten_analyse:
        inw = _numbers(gemeente.buurten.loc[buiten_analyse], "aantal_inwoners").sum()
        sectie.tekst(
            f"Let op: {len(buiten_analyse)} van de {len(codes)} buurten van het gebied "
            f"({_getal(inw)} inwoners) vallen buiten de analyse (run_analyse met wijken=...); "
            "hun inwoners tellen niet mee in deze tabellen."
        )
    sectie.kop("Per voorziening")
    sectie.tabel(
        Tabel(
            "tabel-hiaten",
            [
                "Rang",
                "Voorziening",
                "Aantal in gebied",
                "Norm",
                "Doel",
                "Binnen norm",
                "Inwoners buiten norm",
                "Gem. afstand (m)",
                "Hiaatscore",
            ],
            rijen,
            frozenset({0, 2, 3, 4, 5, 6, 7, 8}),
            list(gerangschikt.index),
        )
    )
    sectie.kop("Per buurt")
    grootste = binnen[binnen["hiaatscore"] > 0].sort_values(
        ["hiaatscore", "inwoners_buiten_norm"], ascending=False
    )
    rijen, sleutels = [], []
    for sleutel, rij in grootste.head(MAX_RIJEN).iterrows():
        code, cat = cast(tuple[str, str], sleutel)
        rijen.append(
            [
                f"{rij['buurtnaam']} ({code})",
                str(rij["categorie_label"]),
                _getal(rij["inwoners"]),
                _aandeel(rij["aandeel_binnen_norm"]),
                _getal(rij["inwoners_buiten_norm"]),
                _getal(rij["hiaatscore"]),
            ]
        )
        sleutels.append(f"{code}:{cat}")
    if not rijen:
        sectie.tekst(
            "Geen buurt van het gebied heeft een hiaat."
            if len(binnen)
            else "Geen buurt van het gebied valt in de analyse."
        )
    else:
        sectie.tabel(
            Tabel(
                "tabel-hiaten-buurten",
                ["Buurt", "Voorziening", "Inwoners", "Binnen norm", "Buiten norm", "Hiaatscore"],
                rijen,
                frozenset({2, 3, 4, 5}),
                sleutels,
                onderschrift=(
                    f"De {min(MAX_RIJEN, len(grootste))} grootste hiaten per buurt"
                    + (f" (van {len(grootste)})." if len(grootste) > MAX_RIJEN else ".")
                ),
            )
        )
    vlak = shapely.union_all(gemeente.buurten.loc[list(codes)].geometry.to_numpy())
    kaartjes = [
        _kaartje(
            gemeente,
            gebied,
            vlak,
            per_buurt,
            voorzieningen,
            str(cat),
            f"{rij['categorie_label']} (norm {_getal(rij['norm_afstand_m'])} m)",
        )
        for cat, rij in gerangschikt[gerangschikt["hiaatscore"] > 0].head(MAX_KAARTJES).iterrows()
    ]
    return sectie, kaartjes, _interactive_map(gemeente, analyse, gebied) if kaart else None
