"""The report's sections on the people and the place: ``profiel`` (residents, households,
income, age bands, the buurten, and health indicators 18+ as they may be published) and
``groen`` (the green share the analysis measured, public green, parks)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from gebiedsplan.gemeente import Gemeente
from gebiedsplan.publiceren.opmaak import indicator_labels
from gebiedsplan.publiceren.profiel import (
    NIET_GEPUBLICEERD,
    ONDERDRUKT,
    Publicatieprofiel,
    suppress_gezondheid,
)
from gebiedsplan.rapport.delen import LEEG, Sectie, Tabel, aandeel, getal, kolom_getallen

if TYPE_CHECKING:
    from gebiedsplan.analyse.groen import Groenaandeel

#: Age bands of the buurten layer and their Dutch labels.
LEEFTIJDSBANDEN = {
    "inwoners_0_tot_15_jaar": "0 tot 15 jaar",
    "inwoners_15_tot_25_jaar": "15 tot 25 jaar",
    "inwoners_25_tot_45_jaar": "25 tot 45 jaar",
    "inwoners_45_tot_65_jaar": "45 tot 65 jaar",
    "inwoners_65_jaar_en_ouder": "65 jaar en ouder",
}
#: Health indicators per table of the per-buurt health figures (so it fits A4 portrait).
INDICATOREN_PER_TABEL = 4


def profile_section(gemeente: Gemeente, codes: Sequence[str], titel: str) -> tuple[Sectie, float]:
    """Residents, households, income, age bands and the buurten of the gebied (CBS)."""
    buurten = gemeente.buurten.loc[list(codes)]
    inwoners = kolom_getallen(buurten, "aantal_inwoners")
    totaal = float(inwoners.sum())
    sectie = Sectie("profiel", "Profiel: inwoners en gezondheid")
    zonder = list(inwoners.index[inwoners.isna()])
    sectie.tekst(
        f"{titel} telt {getal(totaal)} inwoners in {len(codes)} "
        f"{'buurt' if len(codes) == 1 else 'buurten'} (CBS-kerncijfers)."
        + (
            f" Zonder cijfer (door CBS geheimgehouden): {', '.join(zonder)}; die tellen niet mee."
            if zonder
            else ""
        )
    )
    sectie.kop("Bevolking")
    samen: list[list[str]] = [["Inwoners", getal(totaal)]]
    sleutels = ["aantal_inwoners"]
    if "aantal_huishoudens" in buurten.columns:
        huishoudens = kolom_getallen(buurten, "aantal_huishoudens")
        if huishoudens.notna().any():
            geldig = huishoudens.notna() & inwoners.notna() & (huishoudens > 0)
            grootte = inwoners[geldig].sum() / huishoudens[geldig].sum() if geldig.any() else None
            samen += [
                ["Huishoudens", getal(huishoudens.sum())],
                ["Gemiddelde huishoudensgrootte (personen)", getal(grootte, 2)],
            ]
            sleutels += ["aantal_huishoudens", "huishoudensgrootte"]
    if "gemiddeld_inkomen_per_inwoner" in buurten.columns:
        inkomen = kolom_getallen(buurten, "gemiddeld_inkomen_per_inwoner")
        geldig = inkomen.notna() & inwoners.notna()
        if geldig.any():
            gemiddeld = (inkomen[geldig] * inwoners[geldig]).sum() / inwoners[geldig].sum()
            samen.append(["Gemiddeld inkomen per inwoner (x 1.000 euro)", getal(gemiddeld, 1)])
            sleutels.append("inkomen")
    sectie.tabel(Tabel("tabel-bevolking", ["Kenmerk", "Waarde"], samen, frozenset({1}), sleutels))

    banden = [b for b in LEEFTIJDSBANDEN if b in buurten.columns]
    if banden:
        sectie.kop("Leeftijd")
        aantallen = pd.concat({b: kolom_getallen(buurten, b) for b in banden}, axis=1)
        bekend = aantallen.notna().all(axis=1) & inwoners.notna()
        basis = float(inwoners[bekend].sum())
        alle = pd.concat({b: kolom_getallen(gemeente.buurten, b) for b in banden}, axis=1)
        alle_inw = kolom_getallen(gemeente.buurten, "aantal_inwoners")
        alle_bekend = alle.notna().all(axis=1) & alle_inw.notna()
        rijen = []
        for band in banden:
            n = float(aantallen.loc[bekend, band].sum())
            ref = alle.loc[alle_bekend, band].sum() / alle_inw[alle_bekend].sum()
            rijen.append(
                [
                    LEEFTIJDSBANDEN[band],
                    getal(n),
                    aandeel(n / basis if basis else None),
                    aandeel(ref),
                ]
            )
        sectie.tabel(
            Tabel(
                "tabel-leeftijd",
                ["Leeftijd", "Inwoners", "Aandeel", f"Aandeel {gemeente.naam}"],
                rijen,
                frozenset({1, 2, 3}),
                banden,
            )
        )

    sectie.kop("Buurten")
    ouderen = (
        kolom_getallen(buurten, "inwoners_65_jaar_en_ouder")
        if "inwoners_65_jaar_en_ouder" in buurten.columns
        else pd.Series(np.nan, index=buurten.index)
    )
    huishoudens = (
        kolom_getallen(buurten, "aantal_huishoudens")
        if "aantal_huishoudens" in buurten.columns
        else pd.Series(np.nan, index=buurten.index)
    )
    rijen = [
        [
            str(code),
            str(buurten.at[code, "buurtnaam"]),
            str(buurten.at[code, "wijkcode"]),
            getal(inwoners[code]),
            aandeel(ouderen[code] / inwoners[code] if inwoners[code] else None),
            getal(huishoudens[code]),
        ]
        for code in buurten.index
    ]
    sectie.tabel(
        Tabel(
            "tabel-buurten",
            ["Buurtcode", "Buurt", "Wijk", "Inwoners", "Aandeel 65+", "Huishoudens"],
            rijen,
            frozenset({3, 4, 5}),
            [str(c) for c in buurten.index],
        )
    )
    return sectie, totaal


def add_health(
    sectie: Sectie, gemeente: Gemeente, codes: Sequence[str], profiel: Publicatieprofiel
) -> None:
    """Health indicators 18+ as they may be published (:func:`suppress_gezondheid`): the
    gebied (from its published buurten only), the gemeente, and per buurt."""
    sectie.kop("Gezondheid (18+)")
    gez = gemeente.gezondheid
    rijen = gez if gez is not None else pd.DataFrame()
    if not rijen.empty and "leeftijd" in rijen.columns:
        rijen = rijen[rijen["leeftijd"].fillna("18+") == "18+"]
    if rijen.empty:
        sectie.tekst("Geen gezondheidscijfers voor volwassenen (18+) in de laag gezondheid.")
        return
    jaar = int(rijen["jaar"].max())
    rijen = suppress_gezondheid(
        rijen[rijen["jaar"] == jaar], gemeente.buurten, wijken=gemeente.wijken, profiel=profiel
    )
    minimum = profiel.min_inwoners_gezondheid
    indicatoren = list(dict.fromkeys(rijen["indicator"]))
    buurtrijen = rijen[rijen["code"].str.startswith("BU")]
    waarden = buurtrijen.pivot_table(
        index="code", columns="indicator", values="waarde", aggfunc="mean"
    ).reindex(index=gemeente.buurten.index, columns=indicatoren)
    status = (
        buurtrijen.drop_duplicates(["code", "indicator"])
        .pivot(index="code", columns="indicator", values="publicatie")
        .reindex(index=gemeente.buurten.index, columns=indicatoren)
        .fillna(NIET_GEPUBLICEERD)
    )
    inwoners = kolom_getallen(gemeente.buurten, "aantal_inwoners")
    labels = indicator_labels()
    eenheid = str(rijen["eenheid"].iloc[0]) if "eenheid" in rijen.columns else "%"
    gm = rijen[(rijen["code"] == gemeente.code) & rijen["waarde"].notna()]
    gm_waarde = gm.groupby("indicator")["waarde"].mean()
    hier = list(codes)
    samen = []
    for indicator in indicatoren:
        x, st = waarden[indicator], status[indicator]
        toon = (st.loc[hier] == "gepubliceerd") & x.loc[hier].notna()
        basis = inwoners.loc[hier][toon]
        if not toon.any():
            gebied_tekst = ONDERDRUKT if (st.loc[hier] == ONDERDRUKT).any() else NIET_GEPUBLICEERD
        elif basis.sum() < minimum:
            gebied_tekst = ONDERDRUKT
        else:
            gebied_tekst = getal((x.loc[hier][toon] * basis).sum() / basis.sum(), 1)
        if indicator in gm_waarde.index:
            ref = float(gm_waarde[indicator])
        else:
            geldig = (st == "gepubliceerd") & x.notna() & inwoners.notna()
            ref = (
                float((x[geldig] * inwoners[geldig]).sum() / inwoners[geldig].sum())
                if geldig.any()
                else np.nan
            )
        samen.append(
            [labels.get(indicator, indicator.replace("_", " ")), gebied_tekst, getal(ref, 1)]
        )
    sectie.tekst(
        f"Gezondheidsmonitor {jaar}, volwassenen (18+), in {eenheid}. Het cijfer van het gebied "
        "is het gemiddelde van zijn buurten, gewogen naar inwoners. Cijfers van buurten met "
        f"minder dan {getal(minimum)} inwoners zijn {ONDERDRUKT}: ze worden niet getoond en "
        f"tellen niet mee in het cijfer van het gebied. '{NIET_GEPUBLICEERD.capitalize()}': de "
        "bron heeft geen waarde (te weinig respondenten)."
    )
    sectie.tabel(
        Tabel(
            "tabel-gezondheid",
            ["Indicator (18+)", "Gebied", gemeente.naam],
            samen,
            frozenset({1, 2}),
            indicatoren,
        )
    )
    for deel, start in enumerate(range(0, len(indicatoren), INDICATOREN_PER_TABEL), start=1):
        groep = indicatoren[start : start + INDICATOREN_PER_TABEL]
        rijen_deel = []
        for code in hier:
            cellen = [str(code), getal(inwoners[code])]
            for indicator in groep:
                if status.at[code, indicator] == "gepubliceerd":
                    cellen.append(getal(waarden.at[code, indicator], 1))
                else:
                    cellen.append(str(status.at[code, indicator]))
            rijen_deel.append(cellen)
        sectie.tabel(
            Tabel(
                "tabel-gezondheid-buurten" + (f"-{deel}" if deel > 1 else ""),
                ["Buurt", "Inwoners", *[labels.get(i, i.replace("_", " ")) for i in groep]],
                rijen_deel,
                frozenset(range(1, len(groep) + 2)),
                hier,
                onderschrift=f"Per buurt, {eenheid}, {jaar}.",
            )
        )


def green_section(
    gemeente: Gemeente,
    groen: Groenaandeel,
    naam: str,
    inwoners: float,
    hiaten: pd.DataFrame,
) -> Sectie:
    """The green of gebied ``naam`` (its buurten together) against the gemeente, as the analysis
    measured it (``groen``): the green share on the raster, public green and parks of the
    ``groen`` layer; and the residents within reach of green (``hiaten``)."""
    sectie = Sectie("groen", "Groen")
    rijen: list[list[str]] = []
    sleutels: list[str] = []
    if groen.beschikbaar:
        rijen.append(
            [
                "Aandeel groen (raster, 10 m)",
                aandeel(groen.per_gebied[naam]),
                aandeel(groen.totaal),
            ]
        )
        sleutels.append("aandeel_groen")
    else:
        sectie.tekst("Geen groenraster: het aandeel groen is niet berekend.")
    if groen.openbaar_m2 is not None and groen.parken_1ha is not None:
        in_gebied = float(groen.openbaar_m2[naam])
        totaal = groen.openbaar_m2_totaal
        alle_inw = float(kolom_getallen(gemeente.buurten, "aantal_inwoners").sum())
        parken = int(groen.parken_1ha_totaal)
        raakt = int(groen.parken_1ha[naam])
        rijen += [
            ["Openbaar groen (m²)", getal(in_gebied), getal(totaal)],
            [
                "Openbaar groen per inwoner (m²)",
                getal(in_gebied / inwoners, 1) if inwoners else LEEG,
                getal(totaal / alle_inw, 1) if alle_inw else LEEG,
            ],
            ["Parken van minstens 1 ha (in of aan het gebied)", getal(raakt), getal(parken)],
        ]
        sleutels += ["groen_m2", "groen_per_inwoner", "parken_1ha"]
    else:
        sectie.tekst("Geen laag groen: openbaar groen is niet berekend.")
    if "groen" in hiaten.index:
        rij = hiaten.loc["groen"]
        sectie.tekst(
            f"{aandeel(rij['aandeel_binnen_norm'])} van de inwoners woont binnen "
            f"{getal(rij['norm_afstand_m'])} m lopen van een park of groenvoorziening "
            f"(doel {aandeel(rij['doeldekking'])}; zie Hiaten)."
        )
    if rijen:
        sectie.tabel(
            Tabel(
                "tabel-groen",
                ["Kenmerk", "Gebied", gemeente.naam],
                rijen,
                frozenset({1, 2}),
                sleutels,
            )
        )
    return sectie
