"""The report's sections on facilities: ``aanwezig`` (facilities and IAB accommodations in
the gebied), ``nodig`` (capacity needed against the norms, present, and the shortfall) and
``hiaten`` (the gaps ranked, per buurt, with the maps of :mod:`gebiedsplan.rapport.kaarten`).

The gap section says who was analysed: a gebied or buurt with too few residents the network
reaches gets no gap score, and the text says why (``reden`` of the gap tables); facility layers
that look incomplete (``laag_volledigheid``, ``Analyse.volledigheid``) are named with their
count, the expected count and its source."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, cast

import geopandas as gpd
import pandas as pd
import shapely

from gebiedsplan import settings
from gebiedsplan.analyse.volledigheid import STATUS
from gebiedsplan.catalogus import (
    Categorie,
    kolom_info,
    load_catalogus,
    load_volledigheid,
    split_functies,
)
from gebiedsplan.gemeente import Gebied, Gemeente
from gebiedsplan.rapport.delen import (
    LEEG,
    MAX_RIJEN,
    Sectie,
    Tabel,
    aandeel,
    getal,
    kolom_getallen,
)
from gebiedsplan.rapport.kaarten import Kaartje, interactive_map, make_kaartje

if TYPE_CHECKING:
    from gebiedsplan.analyse.run import Analyse

#: Static gap maps: at most this many categories (largest gaps first).
MAX_KAARTJES = 3


def _in_buurten(buurt: pd.Series | None, punten: pd.DataFrame, codes: Sequence[str]) -> pd.Index:
    """Index of the points whose buurt (``buurt``: the analysis' buurtcode per point) is one of
    ``codes``."""
    if buurt is None or punten.empty:
        return punten.index[:0]
    return punten.index[buurt.reindex(punten.index).isin(list(codes)).to_numpy()]


def present_section(
    analyse: Analyse,
    codes: Sequence[str],
    voorzieningen: gpd.GeoDataFrame,
    accommodaties: gpd.GeoDataFrame | None,
    verborgen: set[str],
    categorieen: Mapping[str, Categorie],
) -> Sectie:
    """Facilities and accommodations (publishable ones only) in the buurten ``codes`` of the
    gebied, each in the buurt the analysis placed it (``analyse.voorziening_buurt``,
    ``analyse.accommodatie_buurt``: the rule of the gap table)."""
    sectie = Sectie("aanwezig", "Aanwezige voorzieningen")
    hier = voorzieningen.loc[_in_buurten(analyse.voorziening_buurt, voorzieningen, codes)]
    rijen, sleutels = [], []
    for code, cat in categorieen.items():
        if code in verborgen:
            continue
        deze = hier[hier["categorie"] == code]
        namen = sorted(dict.fromkeys(str(n) for n in deze["naam"]))
        rijen.append([cat.label, getal(len(deze)), ", ".join(namen) or LEEG])
        sleutels.append(code)
    sectie.tekst(
        f"{getal(len(hier))} voorzieningen van de sociale basis liggen in de buurten van het "
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
        hier_acc = acc.loc[_in_buurten(analyse.accommodatie_buurt, acc, codes)]
        vocabulaire = load_catalogus().functies
        rijen, sleutels = [], []
        for acc_id, rij in hier_acc.iterrows():
            functies = split_functies(rij["functies"])
            rijen.append(
                [
                    str(rij["naam"]),
                    ", ".join(vocabulaire.label(f) for f in functies),
                    str(rij["status"]).replace("_", " "),
                    getal(rij.get("bvo_m2")),
                    getal(rij.get("capaciteit")),
                    aandeel(rij.get("bezetting")),
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


def _onvolledige_lagen(hiaten: pd.DataFrame, verborgen: set[str]) -> list[str]:
    """Labels of the visible categories whose facility layer looks incomplete."""
    if "laag_volledigheid" not in hiaten.columns:
        return []
    rijen = hiaten[
        (hiaten["laag_volledigheid"] == "mogelijk onvolledig") & ~hiaten.index.isin(verborgen)
    ]
    return [str(label) for label in rijen["categorie_label"]]


#: The capacity and equity columns of the gap tables and their decimals; headers from the
#: column vocabulary (``lagen/catalogus/kolommen.yml``), these when it lacks them.
TOEGANG_KOLOMMEN = {
    "toegang_per_1000": ("Capaciteit binnen bereik per 1.000 (doelgroep)", 2),
    "toegang_verhouding": ("Capaciteit binnen bereik / norm", 0),
    "gini_afstand": ("Gini loopafstand", 2),
    "palma_afstand": ("Palma loopafstand", 2),
}


def _kop(kolom: str) -> str:
    info = kolom_info(kolom)
    return info.kop if info is not None else TOEGANG_KOLOMMEN[kolom][0]


def access_table(hiaten: pd.DataFrame, verborgen: set[str]) -> Tabel | None:
    """The capacity within reach and the inequality of walking distances of a gebied per
    category, from the gap table's ``toegang_per_1000``, ``toegang_verhouding`` (shown as a
    percentage of the norm), ``gini_afstand`` and ``palma_afstand``: only the columns that are
    there and the categories with a value; a missing value is the report's dash. None when
    none of them has a value. Headers from the column vocabulary
    (:func:`gebiedsplan.catalogus.kolom_info`).

    Examples
    --------
    >>> t = pd.DataFrame({"categorie_label": ["Huisarts", "Sport"],
    ...     "capaciteit_eenheid": ["fte huisarts", None], "toegang_per_1000": [0.61, None],
    ...     "toegang_verhouding": [0.87, None], "gini_afstand": [0.213, 0.4]},
    ...     index=pd.Index(["huisarts", "sport"], name="categorie"))
    >>> access_table(t, set()).rijen
    [['Huisarts', 'fte huisarts', '0,61', '87%', '0,21'], ['Sport', '–', '–', '–', '0,40']]
    """
    kolommen = [k for k in TOEGANG_KOLOMMEN if k in hiaten.columns]
    zichtbaar = hiaten[~hiaten.index.isin(verborgen)]
    if not kolommen or zichtbaar.empty:
        return None
    met_waarde = zichtbaar[zichtbaar[kolommen].notna().any(axis=1)]
    kolommen = [k for k in kolommen if met_waarde[k].notna().any()]
    if met_waarde.empty:
        return None
    rijen = []
    for _, rij in met_waarde.iterrows():
        eenheid = rij.get("capaciteit_eenheid")
        cellen = [str(rij["categorie_label"]), eenheid if isinstance(eenheid, str) else LEEG]
        for k in kolommen:
            decimalen = TOEGANG_KOLOMMEN[k][1]
            cellen.append(
                aandeel(rij[k], decimalen)
                if k == "toegang_verhouding"
                else getal(rij[k], decimalen)
            )
        rijen.append(cellen)
    return Tabel(
        "tabel-toegang",
        ["Voorziening", "Eenheid", *(_kop(k) for k in kolommen)],
        rijen,
        frozenset(range(2, 2 + len(kolommen))),
        [str(c) for c in met_waarde.index],
        onderschrift=(
            "Capaciteit binnen bereik: de capaciteit die de inwoners binnen loopafstand "
            "bereiken, gedeeld met de anderen die haar bereiken (E2SFCA), per 1.000 inwoners "
            "van de doelgroep gewogen naar behoefte; 100% = de norm. Gini en Palma: hoe "
            "ongelijk de loopafstanden in het gebied verdeeld zijn (0 = iedereen even ver)."
        ),
    )


def needed_section(hiaten: pd.DataFrame, verborgen: set[str]) -> Sectie:
    sectie = Sectie("nodig", "Benodigde voorzieningen")
    toegang = access_table(hiaten, verborgen)
    met_norm = hiaten[hiaten["capaciteit_eenheid"].notna() & ~hiaten.index.isin(verborgen)]
    if met_norm.empty:
        sectie.tekst("Geen voorziening met een capaciteitsnorm in de analyse.")
        if toegang is not None:
            sectie.kop("Capaciteit binnen bereik en spreiding van de loopafstanden")
            sectie.tabel(toegang)
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
                getal(rij["doelgroep"]),
                getal(rij["behoefte_index"], 2),
                getal(rij["benodigde_capaciteit"], 1),
                getal(rij["aanwezige_capaciteit"], 1)
                + (f" (+{onbekend} onbekend)" if onbekend else ""),
                getal(rij["capaciteitstekort"], 1),
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
    onvolledig = [
        label
        for label in _onvolledige_lagen(met_norm, verborgen)
        if label in set(met_norm["categorie_label"])
    ]
    if onvolledig:
        sectie.tekst(
            f"Let op: de voorzieningenlaag van {', '.join(onvolledig)} is mogelijk onvolledig "
            "(zie Hiaten); de aanwezige capaciteit kan dan te laag en het tekort te hoog zijn."
        )
    if toegang is not None:
        sectie.kop("Capaciteit binnen bereik en spreiding van de loopafstanden")
        sectie.tabel(toegang)
    return sectie


def gaps_section(
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
                str(i) if pd.notna(rij["hiaatscore"]) else LEEG,
                str(rij["categorie_label"]),
                getal(rij["aantal_voorzieningen"]),
                f"{getal(rij['norm_afstand_m'])} m",
                aandeel(rij["doeldekking"]),
                aandeel(rij["aandeel_binnen_norm"]),
                # no count outside the norm where the score is withheld: it would read as a fact
                getal(rij["inwoners_buiten_norm"])
                if rij.get("dekking", "volledig") == "volledig"
                else LEEG,
                getal(rij["gem_afstand_m"]),
                getal(rij["hiaatscore"]),
            ]
        )
    sectie.tekst(
        "Per voorziening: het aandeel inwoners dat binnen de norm loopt (over het wegennet, tot "
        "de dichtstbijzijnde voorziening, ook buiten het gebied) tegen de doeldekking. "
        "Hiaatscore = 100 x (doeldekking - aandeel binnen norm) / doeldekking: 0 als het doel "
        "gehaald is, 100 als niemand binnen de norm woont. Alleen inwoners die over het "
        "wegennet zijn geanalyseerd tellen mee; wie verder dan "
        f"{settings.max_snap_m:.0f} m van het wegennet woont of "
        "aan een los stuk ervan, is niet geanalyseerd en telt nooit als buiten de norm."
    )
    if len(zichtbaar) and "dekking" in zichtbaar.columns:
        dekking = zichtbaar.iloc[0]
        if dekking["dekking"] != "volledig":
            reden = str(dekking["reden"])
            sectie.tekst(
                f"Van de {getal(dekking['inwoners'])} inwoners van het gebied zijn er "
                f"{getal(dekking['inwoners_geanalyseerd'])} geanalyseerd "
                f"({aandeel(dekking['aandeel_geanalyseerd'])}). {reden[:1].upper()}{reden[1:]}."
            )
        elif dekking["inwoners_geanalyseerd"] < dekking["inwoners"]:
            sectie.tekst(
                f"{getal(dekking['inwoners'] - dekking['inwoners_geanalyseerd'])} van de "
                f"{getal(dekking['inwoners'])} inwoners van het gebied zijn niet geanalyseerd "
                "(te ver van het wegennet of aan een los stuk ervan); de cijfers gelden voor "
                "de anderen."
            )
    top = gerangschikt[gerangschikt["hiaatscore"] > 0].head(3)
    sectie.tekst(
        "Grootste hiaten: "
        + "; ".join(
            f"{r['categorie_label']} (hiaatscore {getal(r['hiaatscore'])}, "
            f"{getal(r['inwoners_buiten_norm'])} inwoners buiten de norm)"
            for _, r in top.iterrows()
        )
        + "."
        if len(top)
        else "Geen hiaten: voor elke voorziening woont het doel-aandeel inwoners binnen de norm."
        if gerangschikt["hiaatscore"].notna().any()
        else "Dit gebied heeft geen hiaatscore: te weinig van zijn inwoners zijn geanalyseerd "
        "(zie hierboven). Dat is geen hiaat maar een gat in de gegevens."
        if len(zichtbaar) and (zichtbaar["inwoners"] > 0).any()
        else "De hiaten van dit gebied zijn niet berekend: geen van zijn inwoners valt in de "
        "analyse."
    )
    volledigheid = analyse.volledigheid
    onvolledig = (
        volledigheid[
            (volledigheid["status"] == STATUS[1])
            & ~volledigheid.index.isin(verborgen)
            & volledigheid.index.isin(list(zichtbaar.index))
        ]
        if volledigheid is not None
        else pd.DataFrame(columns=["melding"])
    )
    if len(onvolledig):
        sectie.tekst(
            "Voorzieningenlaag mogelijk onvolledig (minder dan "
            f"{aandeel(load_volledigheid().ondergrens_factor)} van het landelijke aantal per "
            "inwoner; een hiaat kan hier aan de laag liggen): "
            + " ".join(str(m) for m in onvolledig["melding"])
        )
    per_buurt = analyse.hiaten_buurt
    assert per_buurt is not None, "run_analyse computes the gap table per buurt"
    binnen = per_buurt[
        per_buurt.index.get_level_values(0).isin(list(codes))
        & ~per_buurt.index.get_level_values(1).isin(verborgen)
    ]
    buiten_analyse = [c for c in codes if c not in set(per_buurt.index.get_level_values(0))]
    if buiten_analyse:
        inw = kolom_getallen(gemeente.buurten.loc[buiten_analyse], "aantal_inwoners").sum()
        sectie.tekst(
            f"Let op: {len(buiten_analyse)} van de {len(codes)} buurten van het gebied "
            f"({getal(inw)} inwoners) vallen buiten de analyse (run_analyse met wijken=...); "
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
    if "dekking" in binnen.columns:
        zonder = binnen[binnen["dekking"] != "volledig"]
        zonder = zonder[~zonder.index.get_level_values(0).duplicated()]
        if len(zonder):
            sectie.tekst(
                f"{len(zonder)} "
                + (
                    "buurt van het gebied heeft"
                    if len(zonder) == 1
                    else "buurten van het gebied hebben"
                )
                + " geen hiaatscore: "
                + "; ".join(
                    f"{naam} ({code}): {reden}"
                    for code, naam, reden in zip(
                        zonder.index.get_level_values(0)[:MAX_RIJEN],
                        zonder["buurtnaam"].iloc[:MAX_RIJEN],
                        zonder["reden"].iloc[:MAX_RIJEN],
                        strict=True,
                    )
                )
                + ("; ..." if len(zonder) > MAX_RIJEN else "")
                + "."
            )
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
                getal(rij["inwoners"]),
                aandeel(rij["aandeel_binnen_norm"]),
                getal(rij["inwoners_buiten_norm"]),
                getal(rij["hiaatscore"]),
            ]
        )
        sleutels.append(f"{code}:{cat}")
    if not rijen:
        sectie.tekst(
            "Geen buurt van het gebied heeft een hiaat."
            if len(binnen) and binnen["hiaatscore"].notna().any()
            else "Geen buurt van het gebied heeft een hiaatscore."
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
        make_kaartje(
            gemeente,
            gebied,
            vlak,
            per_buurt,
            voorzieningen,
            str(cat),
            f"{rij['categorie_label']} (norm {getal(rij['norm_afstand_m'])} m)",
        )
        for cat, rij in gerangschikt[gerangschikt["hiaatscore"] > 0].head(MAX_KAARTJES).iterrows()
    ]
    return sectie, kaartjes, interactive_map(gemeente, analyse, gebied) if kaart else None
