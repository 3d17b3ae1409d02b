"""Maps of health and green per buurt and wijk: health indicators, with the values of small
areas suppressed (:func:`make_gezondheid_kaart`), and the green share from the 10 m raster
as the analysis measured it (:func:`make_groen_kaart`).

Import them from :mod:`gebiedsplan.kaarten`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import folium
import geopandas as gpd
import numpy as np
import pandas as pd

from gebiedsplan._tekst import getal
from gebiedsplan.errors import GebiedsplanError, GemeenteError
from gebiedsplan.gemeente import Gemeente
from gebiedsplan.kaarten.lagen import MAX_WEGEN_OP_KAART, add_gebieden
from gebiedsplan.kaarten.opbouw import (
    GEZONDHEID_KLEUREN,
    GROEN_GRENZEN,
    GROEN_KLEUREN,
    add_choropleet,
    add_omtrek,
    bounds_wgs84,
    finish_kaart,
    start_kaart,
)
from gebiedsplan.kaarten.pagina import legenda_html
from gebiedsplan.publiceren.opmaak import GEEN_WAARDE_KLEUR, indicator_labels, klasse
from gebiedsplan.publiceren.pagina import escape_tekst
from gebiedsplan.publiceren.profiel import (
    NIET_GEPUBLICEERD,
    ONDERDRUKT,
    Publicatieprofiel,
    load_publicatieprofiel,
    suppress_gezondheid,
)

if TYPE_CHECKING:
    from gebiedsplan.analyse.groen import Groenaandeel


def _indicator_richting() -> dict[str, int]:
    """+1: a higher value is unfavourable (eenzaam), -1: favourable (ervaren gezondheid goed)."""
    from gebiedsplan.catalogus import profiel_config

    zorgvraag = profiel_config().get("zorgvraag", {}) or {}
    return {k: int(v.get("richting", 1)) for k, v in zorgvraag.items()}


def _klassegrenzen(waarden: pd.Series, n: int = 5) -> list[float]:
    """Class bounds at the quantiles of the published values (rounded to one decimal)."""
    geldig = waarden.dropna().astype(float)
    if geldig.empty:
        return [0.0, 1.0]
    grenzen = sorted({round(float(q), 1) for q in geldig.quantile(np.linspace(0, 1, n + 1))})
    if len(grenzen) == 1:
        grenzen.append(grenzen[0] + 0.1)
    return grenzen


def make_gezondheid_kaart(
    gemeente: Gemeente,
    *,
    indicatoren: Sequence[str] | None = None,
    niveau: str = "buurt",
    leeftijd: str = "18+",
    titel: str | None = None,
    profiel: Publicatieprofiel | None = None,
) -> folium.Map:
    """Choropleth of health indicators (``gezondheid`` layer), one switchable layer each.

    Values of areas under the profile's minimum population are suppressed before they reach
    the page (:func:`gebiedsplan.publiceren.profiel.suppress_gezondheid`) and shown grey as
    "onderdrukt"; values the source does not publish as "niet gepubliceerd".

    Parameters
    ----------
    gemeente
        The loaded gemeente, with a ``gezondheid`` layer.
    indicatoren
        Indicators to show; default every indicator of the layer.
    niveau
        ``buurt`` or ``wijk``.
    leeftijd
        Age group of the indicators: ``18+`` or ``65+``.
    titel, profiel
        Map title; publishing profile.

    Examples
    --------
    >>> from gebiedsplan.importeren import demo_gemeente
    >>> kaart = make_gezondheid_kaart(demo_gemeente())
    >>> "onderdrukt" in kaart.get_root().render()
    True
    """
    if gemeente.gezondheid is None or gemeente.gezondheid.empty:
        raise GemeenteError(
            f"Gemeente {gemeente.code} heeft geen laag gezondheid; haal die op met "
            "'gebiedsplan ophalen' of importeer het RIVM-bestand."
        )
    if niveau not in ("buurt", "wijk"):
        raise GebiedsplanError(f"niveau moet 'buurt' of 'wijk' zijn, niet '{niveau}'")
    vlakken = gemeente.buurten if niveau == "buurt" else gemeente.wijken
    naamkolom = "buurtnaam" if niveau == "buurt" else "wijknaam"
    profiel = profiel if profiel is not None else load_publicatieprofiel()
    opbouw = start_kaart(
        gemeente,
        titel=titel or f"Gezondheid per {niveau} - {gemeente.titel}",
        ondertitel=(
            f"Gezondheidsmonitor (RIVM/GGD), {leeftijd}, per {niveau}. Waarden van gebieden met "
            "minder dan "
            f"{profiel.min_inwoners_gezondheid} inwoners "
            "worden niet getoond."
        ),
        soort="gezondheid",
        grenzen=bounds_wgs84(vlakken),
        profiel=profiel,
    )
    minimum = opbouw.profiel.min_inwoners_gezondheid
    gez = suppress_gezondheid(
        gemeente.gezondheid, gemeente.buurten, wijken=gemeente.wijken, profiel=opbouw.profiel
    )
    voorvoegsel = "BU" if niveau == "buurt" else "WK"
    gez = gez[gez["code"].astype(str).str.startswith(voorvoegsel)]
    if "leeftijd" in gez.columns:
        gez = gez[gez["leeftijd"].fillna("18+") == leeftijd]
    labels, richting = indicator_labels(), _indicator_richting()
    beschikbaar = list(dict.fromkeys(gez["indicator"]))
    if not beschikbaar:
        raise GebiedsplanError(
            f"De laag gezondheid van gemeente {gemeente.code} heeft geen cijfers per {niveau} "
            f"voor {leeftijd}; kies een ander niveau of een andere leeftijd."
        )
    gekozen = list(indicatoren) if indicatoren is not None else beschikbaar
    if onbekend := [i for i in gekozen if i not in beschikbaar]:
        raise GebiedsplanError(
            f"Indicator {', '.join(onbekend)} staat niet in de laag gezondheid ({leeftijd}, "
            f"{niveau}); beschikbaar: {', '.join(beschikbaar) or 'geen'}"
        )
    for i, indicator in enumerate(gekozen):
        rijen = gez[gez["indicator"] == indicator]
        rijen = (
            rijen[rijen["jaar"] == rijen["jaar"].max()].drop_duplicates("code").set_index("code")
        )
        rijen = rijen.reindex(vlakken.index)
        label = labels.get(indicator, indicator.replace("_", " ").capitalize())
        jaar = int(gez.loc[gez["indicator"] == indicator, "jaar"].max())
        grenzen = _klassegrenzen(rijen["waarde"])
        kleuren = GEZONDHEID_KLEUREN[: len(grenzen) - 1]
        if richting.get(indicator, 1) < 0:
            kleuren = kleuren[::-1]
        eenheid = next((e for e in rijen["eenheid"].dropna() if isinstance(e, str)), "%")
        status = rijen["publicatie"].fillna(NIET_GEPUBLICEERD)
        waarden = [None if pd.isna(v) else float(v) for v in rijen["waarde"]]
        teksten = [
            f"{getal(v, 1)}%"
            if s == "gepubliceerd" and v is not None
            else f"{ONDERDRUKT} (minder dan {minimum} inwoners)"
            if s == ONDERDRUKT
            else f"{NIET_GEPUBLICEERD} door de bron"
            for v, s in zip(waarden, status, strict=True)
        ]
        frame = gpd.GeoDataFrame(
            {
                "naam": [escape_tekst(n) for n in vlakken[naamkolom]],
                "code": [escape_tekst(c) for c in vlakken.index],
                "waarde": waarden,
                "waarde_tekst": teksten,
                "_kleur": [klasse(v, grenzen, kleuren) for v in waarden],
            },
            geometry=vlakken.geometry.to_numpy(),
            crs=vlakken.crs,
        )
        legenda_id = f"legenda-gezondheid-{i}"
        legenda = legenda_html(
            f"{label} ({jaar})",
            [
                *(
                    (k, f"{getal(a, 1)} - {getal(b, 1)}%")
                    for k, a, b in zip(kleuren, grenzen[:-1], grenzen[1:], strict=True)
                ),
                (GEEN_WAARDE_KLEUR, f"{ONDERDRUKT} of {NIET_GEPUBLICEERD}"),
            ],
            id_=legenda_id,
            toelichting=f"Rood = ongunstig. {eenheid}.",
        )
        add_choropleet(
            opbouw,
            frame,
            naam=f"{label} ({jaar})",
            velden={
                "naam": niveau.capitalize(),
                "code": f"{niveau.capitalize()}code",
                "waarde_tekst": label,
            },
            groep="Gezondheid",
            show=i == 0,
            legenda=legenda,
        )
    add_gebieden(opbouw)
    return finish_kaart(opbouw)


def make_groen_kaart(
    gemeente: Gemeente,
    groen: Groenaandeel,
    *,
    titel: str | None = None,
    profiel: Publicatieprofiel | None = None,
) -> folium.Map:
    """Choropleth of the green share per wijk and per buurt (switchable), as the analysis
    measured it on the 10 m green raster of the gemeente.

    Parameters
    ----------
    gemeente
        The loaded gemeente.
    groen
        Its green shares: ``analyse.groen`` (:func:`gebiedsplan.analyse.run.run_analyse`) or
        :func:`gebiedsplan.analyse.groen.compute_groen`.
    titel, profiel
        Map title; publishing profile.

    Raises
    ------
    GemeenteError
        When the gemeente has no green raster.

    Examples
    --------
    >>> from gebiedsplan.analyse.groen import compute_groen
    >>> from gebiedsplan.importeren import demo_gemeente
    >>> g = demo_gemeente()
    >>> kaart = make_groen_kaart(g, compute_groen(g))
    >>> "Groen per wijk" in kaart.get_root().render()
    True
    """
    if not groen.beschikbaar:
        raise GemeenteError(
            f"Gemeente {gemeente.code} heeft geen groenraster (<opslag>_groen_10m.tif); maak het "
            "met 'gebiedsplan importeer --groen' (groenvlakken) of een NDVI-bestand."
        )
    opbouw = start_kaart(
        gemeente,
        titel=titel or f"Groen per wijk en buurt - {gemeente.titel}",
        ondertitel="Aandeel groen (bomen, gras, struiken) van het oppervlak, uit een raster van 10 m.",
        soort="groen",
        grenzen=bounds_wgs84(gemeente.wijken),
        profiel=profiel,
    )
    klassen = [
        (k, f"{a} - {b}%")
        for k, a, b in zip(GROEN_KLEUREN, GROEN_GRENZEN[:-1], GROEN_GRENZEN[1:], strict=True)
    ]
    opbouw.legendas.append(
        (
            legenda_html(
                "Aandeel groen",
                [*klassen, (GEEN_WAARDE_KLEUR, "geen gegevens")],
                id_="legenda-groen",
            ),
            None,
        )
    )
    niveaus = (
        ("wijk", gemeente.wijken, "wijknaam", groen.per_wijk),
        ("buurt", gemeente.buurten, "buurtnaam", groen.per_buurt),
    )
    for i, (niveau, vlakken, naamkolom, aandeel) in enumerate(niveaus):
        procenten = [
            None if pd.isna(v) else round(100 * float(v), 1) for v in aandeel.reindex(vlakken.index)
        ]
        frame = gpd.GeoDataFrame(
            {
                "naam": [escape_tekst(n) for n in vlakken[naamkolom]],
                "code": [escape_tekst(c) for c in vlakken.index],
                "groen": procenten,
                "groen_tekst": [
                    "geen gegevens" if p is None else f"{getal(p, 1)}%" for p in procenten
                ],
                "_kleur": [klasse(p, GROEN_GRENZEN, GROEN_KLEUREN) for p in procenten],
            },
            geometry=vlakken.geometry.to_numpy(),
            crs=vlakken.crs,
        )
        add_choropleet(
            opbouw,
            frame,
            naam=f"Groen per {niveau}",
            velden={
                "naam": niveau.capitalize(),
                "code": f"{niveau.capitalize()}code",
                "groen_tekst": "Aandeel groen",
            },
            groep="Groen",
            show=i == 0,
        )
    if gemeente.groen is not None and 0 < len(gemeente.groen) <= MAX_WEGEN_OP_KAART:
        add_omtrek(
            opbouw,
            gemeente.groen,
            naam="Groenvlakken",
            kleur="#00441b",
            dik=1,
            streep=None,
            show=False,
        )
    add_gebieden(opbouw)
    return finish_kaart(opbouw)
