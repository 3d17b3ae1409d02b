"""The gebiedsplan report: one self-contained HTML page per gebied, and a PDF of it.

A report is rendered from the Jinja2 templates in ``gebiedsplan/templates/`` (autoescape on:
every text that comes from data is escaped) and has these sections:

- title: gemeente, gebied, date, and a banner when the data are (partly) synthetic;
- ``profiel``: residents, age bands, households and income (CBS) and health indicators 18+
  (RIVM/GGD), per gebied and per buurt;
- ``groen``: the green share from the green raster, public green from the ``groen`` layer;
- ``aanwezig``: facilities and IAB accommodations present, per category;
- ``nodig``: capacity needed against the norms, present, and the shortfall;
- ``hiaten``: the gaps ranked, per buurt, with static maps (inline SVG) and the interactive map;
- ``scenario``: what a scenario changes, for the gebied and per wijk (when one is given);
- ``bronnen``: source, date and licence of every layer, and the norms with their sources.

Figures of a gebied are sums over its buurten (for a gebied drawn as a polygon: the buurten
it shares area with), the same areas as the gap table ``hiaten_gebied``. The report draws
what the analyses computed; the only figures it derives itself are the profile sums, the
green share and the public green area.

Publishing rules: the publishing profile (:mod:`gebiedsplan.publiceren`, defaults in
``lagen/catalogus/publicatie.yml``) applies. Facilities and accommodations of hidden
categories (every ``gevoelig`` category: opvang, beschermd wonen; plus the profile's own) or
with hidden names never appear, not in the lists, maps or counts of present facilities, and
hidden categories have no rows in any table. A health value of a buurt with fewer residents
than the profile's minimum (100 by default) is shown as "onderdrukt"; the value of the gebied
leaves such buurten out, so it cannot be used to work them out, and is itself suppressed when
it rests on fewer residents than the minimum.

The page is self-contained: CSS inline, static maps as inline SVG, the interactive map as an
``<iframe srcdoc>`` of the folium map. It prints on A4 (``@page``), every section on a new
page; the PDF is printed by headless Chromium (:func:`save_rapport_pdf`).
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import geopandas as gpd
import jinja2
import numpy as np
import pandas as pd
import shapely

from gebiedsplan import __version__, settings
from gebiedsplan._errors import GebiedsplanError
from gebiedsplan.analyse import Analyse
from gebiedsplan.catalogus import Categorie, load_catalogus
from gebiedsplan.export import bronnen_tabel
from gebiedsplan.gemeente import Gebied, Gemeente, effective_voorzieningen
from gebiedsplan.publiceren import (
    NIET_GEPUBLICEERD,
    ONDERDRUKT,
    Publicatieprofiel,
    hidden_categories,
    inline_static,
    load_publicatieprofiel,
    publishable_accommodaties,
    publishable_voorzieningen,
    suppress_gezondheid,
)
from gebiedsplan.scenario import Scenario, ScenarioResultaat, compare_scenario
from gebiedsplan.store import Herkomst, atomic_path

__all__ = ["find_chromium", "make_rapport", "save_rapport", "save_rapport_pdf"]

log = logging.getLogger(__name__)

#: Age bands of the buurten layer and their Dutch labels.
LEEFTIJDSBANDEN = {
    "inwoners_0_tot_15_jaar": "0 tot 15 jaar",
    "inwoners_15_tot_25_jaar": "15 tot 25 jaar",
    "inwoners_25_tot_45_jaar": "25 tot 45 jaar",
    "inwoners_45_tot_65_jaar": "45 tot 65 jaar",
    "inwoners_65_jaar_en_ouder": "65 jaar en ouder",
}
#: Gap-score classes of the static maps: the same colours and bounds as the folium maps.
HIAAT_KLEUREN = ("#1a9850", "#a6d96a", "#fee08b", "#fc8d59", "#d73027")
HIAAT_GRENZEN = (0, 10, 25, 50, 75, 100)
GEEN_SCORE_KLEUR = "#d9d9d9"
#: Static gap maps: at most this many categories (largest gaps first).
MAX_KAARTJES = 3
#: Health indicators per table of the per-buurt health figures (so it fits A4 portrait).
INDICATOREN_PER_TABEL = 4
#: Rows of the per-buurt gap table and of the scenario table per wijk.
MAX_RIJEN = 20
#: Chromium executables tried in turn (``GEBIEDSPLAN_CHROMIUM`` first, when set).
CHROMIUM_NAMEN = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
#: Chromium flags: headless, no sandbox/GPU, and nothing online (no QUIC, no background
#: requests, no updates, no sync; every host name resolves to nothing, so the print never
#: waits for map tiles or scripts from the internet).
CHROMIUM_VLAGGEN = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--no-pdf-header-footer",
)
_LEEG = "–"
_MAANDEN = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)


# --------------------------------------------------------------------------- formatting


def _getal(waarde: Any, decimalen: int = 0) -> str:
    """Dutch number: 1.234,5; missing as a dash.

    Examples
    --------
    >>> _getal(51382), _getal(0.4255, 2), _getal(float("nan"))
    ('51.382', '0,43', '–')
    """
    if waarde is None or pd.isna(waarde):
        return _LEEG
    tekst = f"{float(waarde):,.{decimalen}f}"
    return tekst.replace(",", "_").replace(".", ",").replace("_", ".")


def _kort(waarde: Any) -> str:
    """Dutch number with at most two decimals, no trailing zeros: 0,43; 1.000; 2,5."""
    tekst = _getal(waarde, 2)
    return tekst.rstrip("0").rstrip(",") if "," in tekst else tekst


def _aandeel(waarde: Any, decimalen: int = 0) -> str:
    """A share 0-1 as a Dutch percentage: 0.457 -> '46%'."""
    if waarde is None or pd.isna(waarde):
        return _LEEG
    return f"{_getal(100 * float(waarde), decimalen)}%"


def _datum(dag: dt.date) -> str:
    """'24 november 2026'."""
    return f"{dag.day} {_MAANDEN[dag.month - 1]} {dag.year}"


@dataclass(frozen=True)
class Tabel:
    """A table as the template draws it: every cell already a Dutch string."""

    id: str
    koppen: Sequence[str]
    rijen: Sequence[Sequence[str]]
    #: column numbers that hold numbers (right-aligned)
    getallen: frozenset[int] = frozenset()
    #: one key per row (category code, buurtcode, layer name), as ``data-sleutel``
    sleutels: Sequence[str] = ()
    onderschrift: str = ""
    #: row numbers to emphasise (e.g. wijken of the gebied in the scenario table)
    nadruk: frozenset[int] = frozenset()
    #: CSS class of the table ("bronnen": long words such as file paths may break anywhere)
    klasse: str = ""
    #: per row a line of small print under it, over the full width (e.g. the query of a layer)
    toelichting: Sequence[str] = ()


@dataclass(frozen=True)
class Kaartje:
    """A static map as inline SVG: buurten coloured by gap score, the gebied, facilities."""

    titel: str
    viewbox: str
    vlakken: Sequence[Mapping[str, str]]
    gebied: str
    punten: Sequence[Mapping[str, str]]
    straal: str


@dataclass
class Sectie:
    """A section of the report: its blocks in order, each ``("tekst", str)``, ``("kop", str)``
    (a sub-heading) or ``("tabel", Tabel)``."""

    id: str
    titel: str
    blokken: list[tuple[str, Any]] = field(default_factory=list)

    def tekst(self, alinea: str) -> None:
        self.blokken.append(("tekst", alinea))

    def kop(self, kop: str) -> None:
        self.blokken.append(("kop", kop))

    def tabel(self, tabel: Tabel) -> None:
        self.blokken.append(("tabel", tabel))


# --------------------------------------------------------------------------- checks


def _check(
    gemeente: Gemeente, analyse: Analyse, gebied: str, scenario: object
) -> tuple[Gebied, pd.DataFrame]:
    """Every problem of the input at once, before any work."""
    problemen: list[str] = []
    gekozen = gemeente.gebieden.get(gebied)
    if gekozen is None:
        problemen.append(
            f"gebied '{gebied}' staat niet in het gemeentebestand "
            f"{gemeente.bestand or gemeente.code}; bekend: {', '.join(gemeente.gebieden) or 'geen'}"
            " (voeg het toe onder 'gebieden:')"
        )
    if analyse.gemeente.code != gemeente.code:
        problemen.append(
            f"de analyse is van gemeente {analyse.gemeente.code}, niet van {gemeente.code}; "
            "draai run_analyse(gemeente) voor deze gemeente"
        )
    tabel = analyse.hiaten_gebied
    if gekozen is not None and (tabel is None or gebied not in tabel.index.get_level_values(0)):
        problemen.append(
            f"de analyse heeft geen hiatentabel voor gebied '{gebied}' (hiaten_gebied); "
            "draai run_analyse opnieuw nadat het gebied in het gemeentebestand staat"
        )
    if scenario is not None and not isinstance(scenario, Scenario | ScenarioResultaat):
        problemen.append(
            "scenario moet een Scenario (load_scenario) of een ScenarioResultaat "
            f"(compare_scenario) zijn, niet {type(scenario).__name__}"
        )
    if problemen:
        raise GebiedsplanError(
            f"Rapport voor '{gebied}' ({gemeente.titel}) niet gemaakt:\n  - "
            + "\n  - ".join(problemen)
        )
    assert gekozen is not None and tabel is not None
    return gekozen, cast(pd.DataFrame, tabel.xs(gebied, level=0))


# --------------------------------------------------------------------------- profile


def _numbers(buurten: pd.DataFrame, kolom: str) -> pd.Series:
    return pd.to_numeric(buurten[kolom], errors="coerce").astype(float)


def _profile(gemeente: Gemeente, codes: Sequence[str], titel: str) -> tuple[Sectie, float]:
    """Residents, households, income, age bands and the buurten of the gebied (CBS)."""
    buurten = gemeente.buurten.loc[list(codes)]
    inwoners = _numbers(buurten, "aantal_inwoners")
    totaal = float(inwoners.sum())
    sectie = Sectie("profiel", "Profiel: inwoners en gezondheid")
    zonder = list(inwoners.index[inwoners.isna()])
    sectie.tekst(
        f"{titel} telt {_getal(totaal)} inwoners in {len(codes)} "
        f"{'buurt' if len(codes) == 1 else 'buurten'} (CBS-kerncijfers)."
        + (
            f" Zonder cijfer (door CBS geheimgehouden): {', '.join(zonder)}; die tellen niet mee."
            if zonder
            else ""
        )
    )
    sectie.kop("Bevolking")
    samen: list[list[str]] = [["Inwoners", _getal(totaal)]]
    sleutels = ["aantal_inwoners"]
    if "aantal_huishoudens" in buurten.columns:
        huishoudens = _numbers(buurten, "aantal_huishoudens")
        if huishoudens.notna().any():
            geldig = huishoudens.notna() & inwoners.notna() & (huishoudens > 0)
            grootte = inwoners[geldig].sum() / huishoudens[geldig].sum() if geldig.any() else None
            samen += [
                ["Huishoudens", _getal(huishoudens.sum())],
                ["Gemiddelde huishoudensgrootte (personen)", _getal(grootte, 2)],
            ]
            sleutels += ["aantal_huishoudens", "huishoudensgrootte"]
    if "gemiddeld_inkomen_per_inwoner" in buurten.columns:
        inkomen = _numbers(buurten, "gemiddeld_inkomen_per_inwoner")
        geldig = inkomen.notna() & inwoners.notna()
        if geldig.any():
            gemiddeld = (inkomen[geldig] * inwoners[geldig]).sum() / inwoners[geldig].sum()
            samen.append(["Gemiddeld inkomen per inwoner (x 1.000 euro)", _getal(gemiddeld, 1)])
            sleutels.append("inkomen")
    sectie.tabel(Tabel("tabel-bevolking", ["Kenmerk", "Waarde"], samen, frozenset({1}), sleutels))

    banden = [b for b in LEEFTIJDSBANDEN if b in buurten.columns]
    if banden:
        sectie.kop("Leeftijd")
        aantallen = pd.concat({b: _numbers(buurten, b) for b in banden}, axis=1)
        bekend = aantallen.notna().all(axis=1) & inwoners.notna()
        basis = float(inwoners[bekend].sum())
        alle = pd.concat({b: _numbers(gemeente.buurten, b) for b in banden}, axis=1)
        alle_inw = _numbers(gemeente.buurten, "aantal_inwoners")
        alle_bekend = alle.notna().all(axis=1) & alle_inw.notna()
        rijen = []
        for band in banden:
            n = float(aantallen.loc[bekend, band].sum())
            ref = alle.loc[alle_bekend, band].sum() / alle_inw[alle_bekend].sum()
            rijen.append(
                [
                    LEEFTIJDSBANDEN[band],
                    _getal(n),
                    _aandeel(n / basis if basis else None),
                    _aandeel(ref),
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
        _numbers(buurten, "inwoners_65_jaar_en_ouder")
        if "inwoners_65_jaar_en_ouder" in buurten.columns
        else pd.Series(np.nan, index=buurten.index)
    )
    huishoudens = (
        _numbers(buurten, "aantal_huishoudens")
        if "aantal_huishoudens" in buurten.columns
        else pd.Series(np.nan, index=buurten.index)
    )
    rijen = [
        [
            str(code),
            str(buurten.at[code, "buurtnaam"]),
            str(buurten.at[code, "wijkcode"]),
            _getal(inwoners[code]),
            _aandeel(ouderen[code] / inwoners[code] if inwoners[code] else None),
            _getal(huishoudens[code]),
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


def _indicator_labels() -> dict[str, str]:
    from gebiedsplan.bronnen._statline import load_cbs_config

    try:
        indicatoren = load_cbs_config()["gezondheid"]["indicatoren"]
    except (KeyError, GebiedsplanError):
        return {}
    return {naam: str(spec.get("label", naam)) for naam, spec in indicatoren.items()}


def _health(
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
    inwoners = _numbers(gemeente.buurten, "aantal_inwoners")
    labels = _indicator_labels()
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
            gebied_tekst = _getal((x.loc[hier][toon] * basis).sum() / basis.sum(), 1)
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
            [labels.get(indicator, indicator.replace("_", " ")), gebied_tekst, _getal(ref, 1)]
        )
    sectie.tekst(
        f"Gezondheidsmonitor {jaar}, volwassenen (18+), in {eenheid}. Het cijfer van het gebied "
        "is het gemiddelde van zijn buurten, gewogen naar inwoners. Cijfers van buurten met "
        f"minder dan {_getal(minimum)} inwoners zijn {ONDERDRUKT}: ze worden niet getoond en "
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
            cellen = [str(code), _getal(inwoners[code])]
            for indicator in groep:
                if status.at[code, indicator] == "gepubliceerd":
                    cellen.append(_getal(waarden.at[code, indicator], 1))
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


# --------------------------------------------------------------------------- green


def _green_share(pad: Path, vlak: shapely.Geometry) -> tuple[float, Herkomst]:
    """Mean green share of the raster cells whose centre lies in ``vlak``."""
    import rasterio.features

    from gebiedsplan.bronnen.raster import read_groen_raster

    raster, transform, herkomst = read_groen_raster(pad, gebied=vlak)
    binnen = rasterio.features.geometry_mask(
        [vlak], out_shape=raster.shape, transform=transform, invert=True
    )
    waarden = raster[binnen & np.isfinite(raster)]
    return (float(waarden.mean()) if waarden.size else math.nan), herkomst


def _green(
    gemeente: Gemeente, vlak: shapely.Geometry, inwoners: float, hiaten: pd.DataFrame
) -> tuple[Sectie, dict[str, Herkomst]]:
    sectie = Sectie("groen", "Groen")
    herkomst: dict[str, Herkomst] = {}
    rijen: list[list[str]] = []
    sleutels: list[str] = []
    if gemeente.groen_raster is not None:
        aandeel, h = _green_share(gemeente.groen_raster, vlak)
        heel, _ = _green_share(
            gemeente.groen_raster, shapely.union_all(gemeente.wijken.geometry.to_numpy())
        )
        herkomst["groen (raster)"] = h
        rijen.append(["Aandeel groen (raster, 10 m)", _aandeel(aandeel), _aandeel(heel)])
        sleutels.append("aandeel_groen")
    else:
        sectie.tekst("Geen groenraster: het aandeel groen is niet berekend.")
    if gemeente.groen is not None:
        openbaar = gemeente.groen[gemeente.groen["openbaar"].astype(bool)]
        vlakken = openbaar.geometry.to_numpy()
        in_gebied = (
            shapely.union_all(shapely.intersection(vlakken, vlak)).area if len(vlakken) else 0.0
        )
        totaal = shapely.union_all(vlakken).area if len(vlakken) else 0.0
        alle_inw = float(_numbers(gemeente.buurten, "aantal_inwoners").sum())
        parken = int((shapely.area(vlakken) >= 10_000).sum() if len(vlakken) else 0)
        raakt = (
            int(((shapely.area(vlakken) >= 10_000) & shapely.intersects(vlakken, vlak)).sum())
            if len(vlakken)
            else 0
        )
        rijen += [
            ["Openbaar groen (m²)", _getal(in_gebied), _getal(totaal)],
            [
                "Openbaar groen per inwoner (m²)",
                _getal(in_gebied / inwoners, 1) if inwoners else _LEEG,
                _getal(totaal / alle_inw, 1) if alle_inw else _LEEG,
            ],
            ["Parken van minstens 1 ha (in of aan het gebied)", _getal(raakt), _getal(parken)],
        ]
        sleutels += ["groen_m2", "groen_per_inwoner", "parken_1ha"]
    else:
        sectie.tekst("Geen laag groen: openbaar groen is niet berekend.")
    if "groen" in hiaten.index:
        rij = hiaten.loc["groen"]
        sectie.tekst(
            f"{_aandeel(rij['aandeel_binnen_norm'])} van de inwoners woont binnen "
            f"{_getal(rij['norm_afstand_m'])} m lopen van een park of groenvoorziening "
            f"(doel {_aandeel(rij['doeldekking'])}; zie Hiaten)."
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
    return sectie, herkomst


# --------------------------------------------------------------------------- facilities


def _in_buurten(punten: gpd.GeoDataFrame, buurten: gpd.GeoDataFrame) -> pd.Index:
    """Index of the points that lie within one of ``buurten`` (as the gap table counts)."""
    if punten.empty:
        return punten.index
    joined = gpd.sjoin(punten[["geometry"]], buurten[["geometry"]], predicate="within")
    return punten.index[punten.index.isin(joined.index)]


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
    buurten = gemeente.buurten.loc[list(codes)]
    hier = voorzieningen.loc[_in_buurten(voorzieningen, buurten)]
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
        hier_acc = acc.loc[_in_buurten(punten, buurten)]
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


# --------------------------------------------------------------------------- gaps and maps


def _score_kleur(score: float) -> str:
    if pd.isna(score):
        return GEEN_SCORE_KLEUR
    for kleur, boven in zip(HIAAT_KLEUREN, HIAAT_GRENZEN[1:], strict=True):
        if score < boven:
            return kleur
    return HIAAT_KLEUREN[-1]


def _svg_pad(geometrie: shapely.Geometry, minx: float, maxy: float) -> str:
    delen = []
    for deel in shapely.get_parts(geometrie):
        if deel.geom_type == "MultiPolygon":
            delen.append(_svg_pad(deel, minx, maxy))
            continue
        if deel.geom_type != "Polygon" or deel.is_empty:
            continue
        for ring in (deel.exterior, *deel.interiors):
            xy = np.asarray(ring.coords)[:-1]
            punten = " ".join(f"{x - minx:.0f},{maxy - y:.0f}" for x, y in xy)
            delen.append(f"M{punten}Z")
    return "".join(delen)


def _kaartje(
    gemeente: Gemeente,
    gebied: Gebied,
    vlak: shapely.Geometry,
    hiaten_buurt: pd.DataFrame,
    voorzieningen: gpd.GeoDataFrame,
    categorie: str,
    label: str,
) -> Kaartje:
    minx, miny, maxx, maxy = vlak.bounds
    marge = max(0.1 * max(maxx - minx, maxy - miny), 200.0)
    minx, miny, maxx, maxy = minx - marge, miny - marge, maxx + marge, maxy + marge
    span = max(maxx - minx, maxy - miny)
    tolerantie = max(1.0, span / 800)
    kader = shapely.box(minx, miny, maxx, maxy)
    buurten = gemeente.buurten[gemeente.buurten.intersects(kader)]
    scores = (
        hiaten_buurt.xs(categorie, level="categorie")["hiaatscore"]
        if categorie in hiaten_buurt.index.get_level_values("categorie")
        else pd.Series(dtype=float)
    )
    vlakken = []
    for code, rij in buurten.iterrows():
        vorm = shapely.clip_by_rect(rij.geometry.simplify(tolerantie), minx, miny, maxx, maxy)
        d = _svg_pad(vorm, minx, maxy)
        if not d:
            continue
        score = scores.get(code, np.nan)
        tekst = (
            f"{rij['buurtnaam']} ({code}): hiaatscore {_getal(score)}"
            if pd.notna(score)
            else f"{rij['buurtnaam']} ({code}): niet berekend"
        )
        vlakken.append({"d": d, "kleur": _score_kleur(score), "titel": tekst})
    punten = []
    deze = voorzieningen[voorzieningen["categorie"] == categorie]
    deze = deze[deze.intersects(kader)]
    for _, v in deze.iterrows():
        punten.append(
            {
                "x": f"{v.geometry.x - minx:.0f}",
                "y": f"{maxy - v.geometry.y:.0f}",
                "titel": str(v["naam"]),
            }
        )
    return Kaartje(
        titel=label,
        viewbox=f"0 0 {maxx - minx:.0f} {maxy - miny:.0f}",
        vlakken=vlakken,
        gebied=_svg_pad(gebied.geometrie.simplify(tolerantie), minx, maxy),
        punten=punten,
        straal=f"{span / 110:.0f}",
    )


def _interactive_map(gemeente: Gemeente, analyse: Analyse, gebied: Gebied) -> str:
    """The folium map of the gemeente, zoomed to the gebied, as one HTML document."""
    from gebiedsplan.kaarten import make_kaart, save_kaart

    kaart = make_kaart(gemeente, analyse.hiaten, titel=f"Hiaten sociale basis - {gebied.naam}")
    minx, miny, maxx, maxy = (
        gpd.GeoSeries([gebied.geometrie], crs=settings.crs).to_crs(settings.kaart_crs).total_bounds
    )
    kaart.fit_bounds([[miny, minx], [maxy, maxx]])
    with tempfile.TemporaryDirectory(prefix="gebiedsplan-kaart-") as map_:
        pagina = save_kaart(kaart, Path(map_) / "kaart.html").read_text(encoding="utf-8")
    try:
        return inline_static(pagina)
    except GebiedsplanError as exc:
        log.warning(
            "De interactieve kaart in het rapport laadt nog bestanden van internet: %s", exc
        )
        return pagina


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


# --------------------------------------------------------------------------- scenario


def _arrow(nu: Any, straks: Any, decimalen: int = 0) -> str:
    """'120 → 2.289' (now → scenario); a dash when neither has a value."""
    if pd.isna(nu) and pd.isna(straks):
        return _LEEG
    return f"{_getal(nu, decimalen)} → {_getal(straks, decimalen)}"


def _wijken_of(gemeente: Gemeente, codes: Iterable[str]) -> set[str]:
    return set(gemeente.buurten.loc[list(codes), "wijkcode"])


def _scenario(
    resultaat: ScenarioResultaat,
    gemeente: Gemeente,
    naam: str,
    codes: Sequence[str],
    basis: pd.DataFrame,
    verborgen: set[str],
) -> Sectie:
    s = resultaat.scenario
    sectie = Sectie("scenario", f"Scenario: {s.naam}")
    sectie.tekst(s.omschrijving + (f" Peiljaar {s.peiljaar}." if s.peiljaar else ""))
    na_tabel = resultaat.analyse.hiaten_gebied
    if na_tabel is not None and naam in na_tabel.index.get_level_values(0):
        na = na_tabel.xs(naam, level=0)
        voor = basis[~basis.index.isin(verborgen)]
        inw_voor = int(voor["inwoners"].max())
        inw_na = int(na["inwoners"].max())
        sectie.tekst(
            f"Inwoners van het gebied: {_getal(inw_voor)} nu, {_getal(inw_na)} in het scenario "
            f"({'+' if inw_na >= inw_voor else ''}{_getal(inw_na - inw_voor)})."
        )
        sectie.kop("Het gebied")
        rijen = []
        for cat, rij in voor.iterrows():
            n = na.loc[cat]

            rijen.append(
                [
                    str(rij["categorie_label"]),
                    _arrow(rij["inwoners_buiten_norm"], n["inwoners_buiten_norm"]),
                    _arrow(rij["hiaatscore"], n["hiaatscore"]),
                    _arrow(rij["benodigde_capaciteit"], n["benodigde_capaciteit"], 1),
                    _arrow(rij["capaciteitstekort"], n["capaciteitstekort"], 1),
                ]
            )
        sectie.tabel(
            Tabel(
                "tabel-scenario-gebied",
                ["Voorziening", "Buiten norm", "Hiaatscore", "Benodigde capaciteit", "Tekort"],
                rijen,
                frozenset({1, 2, 3, 4}),
                list(voor.index),
                onderschrift="Nu → scenario, voor de buurten van het gebied.",
            )
        )
    verschil = resultaat.verschil
    verschil = verschil[~verschil.index.get_level_values("categorie").isin(verborgen)]
    eigen = _wijken_of(gemeente, codes)
    rijen, sleutels, nadruk = [], [], set()
    for i, (sleutel, rij) in enumerate(verschil.head(MAX_RIJEN).iterrows()):
        wijk, cat = cast(tuple[str, str], sleutel)
        rijen.append(
            [
                f"{rij['wijknaam']} ({wijk})",
                str(rij["categorie_label"]),
                f"{'+' if rij['inwoners_verschil'] > 0 else ''}{_getal(rij['inwoners_verschil'])}",
                _arrow(rij["inwoners_buiten_norm_basis"], rij["inwoners_buiten_norm_scenario"]),
                _arrow(rij["hiaatscore_basis"], rij["hiaatscore_scenario"]),
                _arrow(rij["capaciteitstekort_basis"], rij["capaciteitstekort_scenario"], 1),
            ]
        )
        sleutels.append(f"{wijk}:{cat}")
        if wijk in eigen:
            nadruk.add(i)
    sectie.kop("Per wijk")
    if rijen:
        sectie.tabel(
            Tabel(
                "tabel-scenario-wijken",
                ["Wijk", "Voorziening", "Inwoners +/-", "Buiten norm", "Hiaatscore", "Tekort"],
                rijen,
                frozenset({2, 3, 4, 5}),
                sleutels,
                onderschrift=(
                    "Alleen wat verandert, nu → scenario; vet: wijken van het gebied."
                    + (
                        f" De eerste {MAX_RIJEN} van {len(verschil)}."
                        if len(verschil) > MAX_RIJEN
                        else ""
                    )
                ),
                nadruk=frozenset(nadruk),
            )
        )
    else:
        sectie.tekst("Het scenario verandert niets aan de hiaten per wijk.")
    return sectie


# --------------------------------------------------------------------------- sources


def _sources(
    gemeente: Gemeente,
    extra: Mapping[str, Herkomst],
    categorieen: Sequence[str],
    labels: Mapping[str, Categorie],
) -> Sectie:
    sectie = Sectie("bronnen", "Bronnen en datums")
    herkomst = {**gemeente.herkomst, **extra}
    tabel = bronnen_tabel(herkomst)
    bevraging = [str(q) for q in tabel.pop("Bevraging")] if "Bevraging" in tabel else []
    sectie.tekst(
        "Herkomst van elke laag: bron, datum, licentie, en onder elke laag de bevraging "
        "(bestand, dienst of query)."
    )
    sectie.kop("Lagen")
    sectie.tabel(
        Tabel(
            "tabel-bronnen",
            list(tabel.columns),
            [[str(v) for v in rij] for rij in tabel.itertuples(index=False)],
            sleutels=list(herkomst),
            klasse="bronnen",
            toelichting=[f"Bevraging: {q}" if q else "" for q in bevraging],
        )
    )
    sectie.kop("Normen")
    rijen = []
    for cat in categorieen:
        norm = gemeente.normen[cat]
        cap = (
            f"{_kort(norm.capaciteit.per_1000)} {norm.capaciteit.eenheid} per 1.000"
            if norm.capaciteit is not None
            else _LEEG
        )
        rijen.append(
            [
                labels[cat].label,
                f"{_getal(norm.max_afstand_m)} m",
                _aandeel(norm.doeldekking),
                cap,
                f"{norm.soort}: {norm.bron}",
            ]
        )
    sectie.tabel(
        Tabel(
            "tabel-normen",
            ["Voorziening", "Loopafstand", "Doeldekking", "Capaciteit", "Bron van de norm"],
            rijen,
            frozenset({1, 2}),
            list(categorieen),
        )
    )
    return sectie


# --------------------------------------------------------------------------- public API


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("gebiedsplan", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def make_rapport(
    gemeente: Gemeente,
    analyse: Analyse,
    gebied: str,
    *,
    scenario: ScenarioResultaat | Scenario | None = None,
    profiel: Publicatieprofiel | None = None,
    datum: dt.date | None = None,
    kaart: bool = True,
) -> str:
    """The sociaal gebiedsplan of one gebied as a self-contained HTML page (Dutch, A4).

    Parameters
    ----------
    gemeente
        The loaded gemeente.
    analyse
        :func:`gebiedsplan.analyse.run_analyse` of the gemeente (its ``hiaten_gebied`` must
        hold the gebied).
    gebied
        Name of a gebied of the gemeente file (``gemeente.gebieden``).
    scenario
        A scenario result (:func:`gebiedsplan.scenario.compare_scenario`) or a scenario
        (:func:`gebiedsplan.scenario.load_scenario`, then compared with ``analyse`` here).
    profiel
        Publishing profile (minimum residents for health values, hidden categories and names);
        default :func:`gebiedsplan.publiceren.load_publicatieprofiel`.
    datum
        Date printed on the report; default today.
    kaart
        Embed the interactive map (adds the folium map, 1-2 MB for a large gemeente).

    Returns
    -------
    str
        The HTML page.

    Raises
    ------
    GebiedsplanError
        Unknown gebied, an analysis of another gemeente or without the gebied, a wrong
        scenario; all problems at once.

    Examples
    --------
    >>> import datetime as dt
    >>> from gebiedsplan import demo_gemeente, run_analyse
    >>> g = demo_gemeente()
    >>> html = make_rapport(g, run_analyse(g), "Havenkwartier", datum=dt.date(2026, 1, 5),
    ...     kaart=False)
    >>> "Sociaal gebiedsplan" in html and "5 januari 2026" in html
    True
    """
    gekozen, hiaten = _check(gemeente, analyse, gebied, scenario)
    catalogus = load_catalogus()
    profiel = profiel if profiel is not None else load_publicatieprofiel()
    verborgen = set(hidden_categories(profiel))
    accommodaties = (
        publishable_accommodaties(gemeente.accommodaties, profiel=profiel)
        if gemeente.accommodaties is not None
        else None
    )
    voorzieningen = publishable_voorzieningen(
        effective_voorzieningen(gemeente), profiel=profiel, accommodaties=gemeente.accommodaties
    )
    if isinstance(scenario, Scenario):
        scenario = compare_scenario(analyse, scenario)
    codes = list(gekozen.buurten)
    vlak = shapely.union_all(gemeente.buurten.loc[codes].geometry.to_numpy())

    profiel_sectie, inwoners = _profile(gemeente, codes, gekozen.naam)
    _health(profiel_sectie, gemeente, codes, profiel)
    groen_sectie, extra_herkomst = _green(gemeente, vlak, inwoners, hiaten)
    secties = [
        profiel_sectie,
        groen_sectie,
        _present(gemeente, codes, voorzieningen, accommodaties, verborgen, catalogus.categorieen),
        _needed(hiaten, verborgen),
    ]
    hiaten_sectie, kaartjes, kaart_html = _gaps(
        gemeente, analyse, gekozen, codes, hiaten, voorzieningen, verborgen, kaart=kaart
    )
    secties.append(hiaten_sectie)
    if isinstance(scenario, ScenarioResultaat):
        secties.append(_scenario(scenario, gemeente, gebied, codes, hiaten, verborgen))
    zichtbaar = [c for c in hiaten.index if c not in verborgen]
    secties.append(_sources(gemeente, extra_herkomst, zichtbaar, catalogus.categorieen))

    dag = datum or dt.date.today()
    kenmerken = [
        ("Gemeente", f"{gemeente.titel} ({gemeente.code})"),
        ("Gebied", f"{gekozen.naam} ({gekozen.soort})"),
        ("Buurten", ", ".join(str(b) for b in codes)),
        ("Inwoners", _getal(inwoners)),
        ("Datum", _datum(dag)),
    ]
    if gekozen.benadering:
        kenmerken.append(("Grens", "bij benadering (zie de omschrijving)"))
    if gekozen.geometrie.symmetric_difference(vlak).area > 1.0:
        kenmerken.append(
            (
                "Let op",
                "het gebied is een plangrens; de cijfers gelden voor de buurten die het raakt",
            )
        )
    html = (
        _environment()
        .get_template("rapport.html.j2")
        .render(
            titel=f"Sociaal gebiedsplan {gekozen.naam}",
            gemeente=gemeente.titel,
            gebied=gekozen,
            kenmerken=kenmerken,
            synthetisch=gemeente.synthetisch_tekst(),
            secties=secties,
            kaartjes=kaartjes,
            kaart_html=kaart_html,
            legenda=[
                (kleur, f"{onder} tot {boven}" if boven < 100 else f"{onder} tot en met {boven}")
                for kleur, onder, boven in zip(
                    HIAAT_KLEUREN, HIAAT_GRENZEN[:-1], HIAAT_GRENZEN[1:], strict=True
                )
            ],
            geen_score_kleur=GEEN_SCORE_KLEUR,
            datum=_datum(dag),
            versie=__version__,
            meta=[
                ("titel", f"Sociaal gebiedsplan {gekozen.naam} - {gemeente.titel}"),
                ("soort", "rapport"),
                ("gemeente", gemeente.titel),
                ("gegevens", max((h.datum for h in gemeente.herkomst.values()), default="")),
                ("gepubliceerd", dag.isoformat()),
                *([("synthetisch", "ja")] if gemeente.synthetisch else []),
            ],
        )
    )
    log.info("Rapport %s gemaakt (%d tekens)", gekozen.naam, len(html))
    return html


def save_rapport(html: str, pad: str | Path) -> Path:
    """Write a report (from :func:`make_rapport`) as one HTML file, atomically.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> pad = save_rapport("<p>rapport</p>", Path(tempfile.mkdtemp()) / "rapport.html")
    >>> pad.read_text(encoding="utf-8")
    '<p>rapport</p>'
    """
    pad = Path(pad)
    with atomic_path(pad) as tmp:
        tmp.write_text(html, encoding="utf-8")
    log.info("Rapport geschreven: %s", pad)
    return pad


def find_chromium() -> str | None:
    """Path of a Chromium (or Chrome) executable: ``GEBIEDSPLAN_CHROMIUM`` or the first of
    :data:`CHROMIUM_NAMEN` on the ``PATH``; None when there is none."""
    eigen = os.environ.get("GEBIEDSPLAN_CHROMIUM")
    if eigen:
        return shutil.which(eigen)
    for naam in CHROMIUM_NAMEN:
        if gevonden := shutil.which(naam):
            return gevonden
    return None


def save_rapport_pdf(
    pad_html: str | Path, pad_pdf: str | Path, *, timeout_s: float = 120.0
) -> Path:
    """Print a saved report to PDF (A4) with headless Chromium, offline, atomically.

    Parameters
    ----------
    pad_html
        The report, from :func:`save_rapport`.
    pad_pdf
        The PDF to write.
    timeout_s
        Seconds before Chromium is given up.

    Raises
    ------
    GebiedsplanError
        No Chromium installed, the HTML file does not exist, or Chromium fails.

    Examples
    --------
    >>> save_rapport_pdf("rapport.html", "rapport.pdf")  # doctest: +SKIP
    PosixPath('rapport.pdf')
    """
    pad_html, pad_pdf = Path(pad_html), Path(pad_pdf)
    if not pad_html.is_file():
        raise GebiedsplanError(
            f"Rapport {pad_html} bestaat niet; schrijf het eerst met save_rapport(html, pad)."
        )
    chromium = find_chromium()
    if chromium is None:
        raise GebiedsplanError(
            "Geen Chromium gevonden om een PDF te maken (gezocht: "
            f"{', '.join(CHROMIUM_NAMEN)}). Installeer Chromium (Debian/Ubuntu: "
            "'apt-get install chromium') of zet GEBIEDSPLAN_CHROMIUM op het pad van Chromium of "
            f"Chrome. U kunt {pad_html} ook in een browser openen en afdrukken als PDF (A4)."
        )
    with (
        tempfile.TemporaryDirectory(prefix="gebiedsplan-chromium-") as profiel,
        atomic_path(pad_pdf, suffix=".pdf") as tmp,
    ):
        opdracht = [
            chromium,
            *CHROMIUM_VLAGGEN,
            f"--user-data-dir={profiel}",
            f"--print-to-pdf={tmp}",
            pad_html.resolve().as_uri(),
        ]
        try:
            klaar = subprocess.run(
                opdracht, capture_output=True, text=True, timeout=timeout_s, check=False
            )
        except subprocess.TimeoutExpired:
            raise GebiedsplanError(
                f"Chromium maakte de PDF van {pad_html} niet binnen {timeout_s:.0f} s; "
                "probeer het opnieuw met een groter timeout_s."
            ) from None
        if not tmp.exists() or not tmp.read_bytes().startswith(b"%PDF"):
            fouten = "\n".join(klaar.stderr.strip().splitlines()[-5:])
            raise GebiedsplanError(
                f"Chromium ({chromium}) maakte geen PDF van {pad_html} "
                f"(afsluitcode {klaar.returncode}):\n{fouten}"
            )
    log.info("PDF geschreven: %s", pad_pdf)
    return pad_pdf
