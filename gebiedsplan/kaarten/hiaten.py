"""The gap maps: the gap per category per wijk (:func:`make_kaart`), per buurt of one gebied
(:func:`make_gebied_kaart`), and what a scenario changes per wijk (:func:`make_scenario_kaart`).

Import them from :mod:`gebiedsplan.kaarten`.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, cast

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import Element, Figure

from gebiedsplan import settings
from gebiedsplan._tekst import getal, procent
from gebiedsplan.catalogus import load_catalogus
from gebiedsplan.errors import GebiedsplanError, GemeenteError
from gebiedsplan.gemeente import Gemeente
from gebiedsplan.kaarten.lagen import (
    add_accommodaties,
    add_gap_layers,
    add_gebieden,
    add_inbreng,
    add_voorzieningen,
    add_wegen,
)
from gebiedsplan.kaarten.opbouw import (
    SCENARIO_KLEUREN,
    add_choropleet,
    add_omtrek,
    bounds_wgs84,
    finish_kaart,
    start_kaart,
)
from gebiedsplan.kaarten.pagina import legenda_html
from gebiedsplan.publiceren.opmaak import klasse, scenario_grenzen, scenario_klassen
from gebiedsplan.publiceren.pagina import escape_tekst
from gebiedsplan.publiceren.profiel import Publicatieprofiel, hidden_categories

if TYPE_CHECKING:
    from gebiedsplan.analyse.run import Analyse

log = logging.getLogger(__name__)


def make_kaart(
    gemeente: Gemeente,
    hiaten: pd.DataFrame,
    *,
    titel: str | None = None,
    profiel: Publicatieprofiel | None = None,
    volledigheid: pd.DataFrame | None = None,
    beeld: shapely.Geometry | None = None,
) -> folium.Map:
    """Map of a gemeente: a wijk choropleth of the gap per category (switchable), facilities by
    category (clustered) with a colour key, IAB accommodations with capacity, the named
    gebieden, a legend and the provenance of every layer. Wijken whose score is withheld (too
    few residents analysed) are grey, with the reason in the tooltip; facility layers that
    look incomplete are named in the layer list and a legend.

    Choosing a category's choropleth shows only that category's facilities (the key's button
    brings all back). The map opens on the analysed wijken (:func:`analysed_area`), fitted to
    the part the panels leave free; where the gap table has ``toegang_per_1000``,
    ``gini_afstand`` or ``palma_afstand``, the tooltips show them.

    Parameters
    ----------
    gemeente
        The loaded gemeente.
    hiaten
        Gap table from :func:`gebiedsplan.analyse.hiaten.compute_hiaten`.
    titel
        Map title; default "Hiaten sociale basis - <gemeente>".
    profiel
        Publishing profile; default :func:`gebiedsplan.publiceren.profiel.load_publicatieprofiel`.
    volledigheid
        ``Analyse.volledigheid``: the legend of incomplete layers then gives their count,
        expected count and source (else only their names).
    beeld
        The area (EPSG:28992) the map opens on; default the analysed wijken
        (:func:`analysed_area`).

    Returns
    -------
    folium.Map

    Examples
    --------
    >>> from gebiedsplan.analyse.run import run_analyse
    >>> from gebiedsplan.importeren import demo_gemeente
    >>> analyse = run_analyse(demo_gemeente())
    >>> kaart = make_kaart(analyse.gemeente, analyse.hiaten, volledigheid=analyse.volledigheid)
    >>> "synthetisch" in kaart.get_root().render()
    True
    """
    titel = titel or f"Hiaten sociale basis - {gemeente.titel}"
    opbouw = start_kaart(
        gemeente,
        titel=titel,
        ondertitel="Loopafstand over het wegennet tot de dichtstbijzijnde voorziening, per wijk.",
        soort="hiaten",
        grenzen=bounds_wgs84(beeld if beeld is not None else analysed_area(gemeente, hiaten)),
        profiel=profiel,
    )
    add_gap_layers(
        opbouw,
        gemeente.wijken,
        hiaten,
        sleutel="wijkcode",
        naamkolom="wijknaam",
        gebiedsnaam="Wijk",
        groep="Hiaat per voorziening",
        volledigheid=volledigheid,
    )
    add_voorzieningen(opbouw)
    add_accommodaties(opbouw)
    add_inbreng(opbouw)
    add_gebieden(opbouw)
    add_wegen(opbouw)
    return finish_kaart(opbouw)


def analysed_area(gemeente: Gemeente, hiaten: pd.DataFrame) -> gpd.GeoSeries:
    """The wijken a gap table covers (``run_analyse(wijken=...)`` keeps only those), narrowed
    to those fully analysed (``dekking == "volledig"`` for some category) when there are any:
    where a gap map opens. All wijken when the table names none of them.

    Examples
    --------
    >>> from gebiedsplan.analyse.run import run_analyse
    >>> from gebiedsplan.importeren import demo_gemeente
    >>> g = demo_gemeente()
    >>> list(analysed_area(g, run_analyse(g, wijken=["WK999903"]).hiaten).index)
    ['WK999903']
    """
    codes = hiaten.index.get_level_values("wijkcode")
    if "dekking" in hiaten.columns:
        volledig = codes[(hiaten["dekking"] == "volledig").to_numpy()]
        codes = volledig if len(volledig) else codes
    gekozen = gemeente.wijken.index.isin(set(codes))
    return gemeente.wijken.geometry[gekozen] if gekozen.any() else gemeente.wijken.geometry


def _gebied_tabel(tabel: pd.DataFrame, verborgen: frozenset[str]) -> str:
    """The gap table of one gebied (rows: categories) as a small HTML table; a withheld score
    says why below the table, a layer that looks incomplete is marked."""
    kop = (
        "<tr><th>Voorziening</th><th>Aantal</th><th>Binnen norm</th><th>Buiten norm</th>"
        "<th>Hiaatscore</th><th>Capaciteitstekort</th></tr>"
    )
    regels = []
    redenen: dict[str, None] = {}
    onvolledig = False
    for categorie, r in tabel.iterrows():
        if categorie in verborgen:
            continue
        tekort = r.get("capaciteitstekort")
        eenheid = r.get("capaciteit_eenheid")
        tekort_tekst = (
            "-"
            if tekort is None or pd.isna(tekort)
            else f"{getal(tekort)} {eenheid}"
            if isinstance(eenheid, str)
            else getal(tekort)
        )
        gescoord = r.get("dekking", "volledig") == "volledig"
        if not gescoord and r.get("reden"):
            redenen[str(r["reden"])] = None
        vlag = r.get("laag_volledigheid") == "mogelijk onvolledig"
        onvolledig |= vlag
        regels.append(
            f"<tr><td>{escape_tekst(r['categorie_label'])}{' *' if vlag else ''}</td>"
            f"<td>{getal(r['aantal_voorzieningen'])}</td>"
            f"<td>{procent(r['aandeel_binnen_norm'])}</td>"
            f"<td>{getal(r['inwoners_buiten_norm']) if gescoord else '-'}</td>"
            f"<td>{getal(r['hiaatscore']) if gescoord else 'geen'}</td>"
            f"<td>{escape_tekst(tekort_tekst)}</td></tr>"
        )
    voet = "".join(f"<p>Geen hiaatscore: {escape_tekst(r)}.</p>" for r in redenen)
    if onvolledig:
        voet += "<p>* voorzieningenlaag mogelijk onvolledig (zie de legenda).</p>"
    return f"<table>{kop}{''.join(regels)}</table>{voet}"


def make_gebied_kaart(
    gemeente: Gemeente,
    analyse: Analyse,
    gebied: str,
    *,
    titel: str | None = None,
    profiel: Publicatieprofiel | None = None,
) -> folium.Map:
    """Map of one gebied (Rijnpark, a pilot area): zoomed to it, its outline, the gap per
    category per buurt (``analyse.hiaten_buurt``), the gap table of the gebied
    (``analyse.hiaten_gebied``) in a panel, facilities and accommodations in and around it.

    Parameters
    ----------
    gemeente
        The loaded gemeente.
    analyse
        :class:`gebiedsplan.analyse.run.Analyse` of the gemeente.
    gebied
        Name of a gebied of the gemeente file.
    titel
        Map title; default "<gebied> - hiaten per buurt".
    profiel
        Publishing profile.

    Raises
    ------
    GemeenteError
        When the gebied is unknown or the analysis has no gap table for it.

    Examples
    --------
    >>> from gebiedsplan.analyse.run import run_analyse
    >>> from gebiedsplan.importeren import demo_gemeente
    >>> analyse = run_analyse(demo_gemeente())
    >>> kaart = make_gebied_kaart(analyse.gemeente, analyse, "Havenkwartier")
    >>> "Havenkwartier - hiaten per buurt" in kaart.get_root().render()
    True
    """
    problemen = []
    if gebied not in gemeente.gebieden:
        problemen.append(
            f"gebied '{gebied}' staat niet in het gemeentebestand; bekend: "
            f"{', '.join(gemeente.gebieden) or 'geen'}"
        )
    tabel = analyse.hiaten_gebied
    if tabel is None or gebied not in set(tabel.index.get_level_values(0)):
        problemen.append(
            f"de analyse heeft geen hiatentabel voor gebied '{gebied}' (hiaten_gebied); draai "
            "run_analyse opnieuw nadat het gebied in het gemeentebestand staat"
        )
    per_buurt = analyse.hiaten_buurt
    if per_buurt is None:
        problemen.append(
            "de analyse heeft geen hiatentabel per buurt (hiaten_buurt); maak haar met run_analyse"
        )
    if problemen:
        raise GemeenteError(
            f"Gebiedskaart voor '{gebied}' ({gemeente.titel}) niet gemaakt:\n  - "
            + "\n  - ".join(problemen)
        )
    assert tabel is not None and per_buurt is not None
    g = gemeente.gebieden[gebied]
    buurten = gemeente.buurten.loc[list(g.buurten)]
    omgeving = g.geometrie.buffer(500)
    opbouw = start_kaart(
        gemeente,
        titel=titel or f"{gebied} - hiaten per buurt",
        ondertitel=(
            f"{g.naam} ({g.soort}), {len(buurten)} buurten. Loopafstand over het wegennet tot de "
            "dichtstbijzijnde voorziening, per buurt."
        ),
        soort="gebied",
        grenzen=bounds_wgs84(g.geometrie.union(shapely.union_all(buurten.geometry.to_numpy()))),
        profiel=profiel,
    )
    add_gap_layers(
        opbouw,
        buurten,
        per_buurt,
        sleutel="buurtcode",
        naamkolom="buurtnaam",
        gebiedsnaam="Buurt",
        groep="Hiaat per voorziening (buurten)",
        volledigheid=analyse.volledigheid,
    )
    add_voorzieningen(opbouw, binnen=omgeving)
    add_accommodaties(opbouw, binnen=omgeving)
    add_gebieden(opbouw, alleen=gebied)
    if gemeente.plannen is not None and "gebied" in gemeente.plannen.columns:
        plannen = gemeente.plannen[gemeente.plannen["gebied"] == gebied]
        if not plannen.empty:
            per_fase = plannen.groupby(["fase", "jaar_gereed"])["woningen"].sum()
            tekst = "Woningbouw: " + "; ".join(
                f"{f} (gereed {j}): {getal(n)} woningen" for (f, j), n in per_fase.items()
            )
            add_omtrek(
                opbouw,
                gpd.GeoSeries([shapely.union_all(plannen.geometry.to_numpy())], crs=settings.crs),
                naam="Woningbouwplannen",
                tooltips=[tekst],
                kleur="#7a0177",
                dik=2,
                streep="2 4",
            )
    verborgen = hidden_categories(opbouw.profiel)
    pagina = opbouw.kaart.get_root()
    assert isinstance(pagina, Figure)
    # the view is fitted beside this panel (PassendBeeld), which folds up on a narrow screen
    pagina.html.add_child(
        Element(
            '<details id="gebiedsplan-tabel" class="gp-paneel" open style="top: 130px;'
            ' left: 60px; max-width: 40%; max-height: 40%; overflow: auto;">'
            f"<summary>Hiaten in {escape_tekst(gebied)}</summary>"
            f"{_gebied_tabel(cast(pd.DataFrame, tabel.xs(gebied, level=0)), verborgen)}</details>"
        )
    )
    return finish_kaart(opbouw)


def make_scenario_kaart(
    gemeente: Gemeente,
    verschil: pd.DataFrame,
    *,
    titel: str | None = None,
    profiel: Publicatieprofiel | None = None,
) -> folium.Map:
    """Map of a scenario's difference per wijk: residents outside the norm, scenario minus
    baseline, one switchable layer per category that changed (red = more residents outside
    the norm, blue = fewer).

    Parameters
    ----------
    gemeente
        The gemeente the scenario was run on (the baseline).
    verschil
        ``compare_scenario(...).verschil`` (index ``wijkcode``, ``categorie``).
    titel, profiel
        Map title; publishing profile.

    Examples
    --------
    >>> from gebiedsplan.analyse.run import run_analyse
    >>> from gebiedsplan.importeren import demo_gemeente
    >>> from gebiedsplan.analyse.scenario import compare_scenario, load_scenario
    >>> g = demo_gemeente()
    >>> r = compare_scenario(run_analyse(g),
    ...     load_scenario("wijken/scenarios/demo_sluit_havenhuis.yml", g))
    >>> kaart = make_scenario_kaart(g, r.verschil)
    >>> "meer inwoners buiten de norm" in kaart.get_root().render()
    True
    """
    nodig = {"inwoners_buiten_norm_verschil", "inwoners_buiten_norm_basis"}
    if missend := sorted(nodig - set(verschil.columns)):
        raise GebiedsplanError(
            f"verschil mist kolom {', '.join(missend)}; geef compare_scenario(...).verschil"
        )
    opbouw = start_kaart(
        gemeente,
        titel=titel or f"Scenario: verschil per wijk - {gemeente.titel}",
        ondertitel="Verschil in inwoners buiten de norm per wijk: scenario min huidige situatie.",
        soort="scenario",
        grenzen=bounds_wgs84(gemeente.wijken),
        profiel=profiel,
    )
    catalogus = load_catalogus()
    verborgen = hidden_categories(opbouw.profiel)
    veranderd = set(verschil.index.get_level_values("categorie"))
    categorieen = [c for c in catalogus.categorieen if c in veranderd and c not in verborgen]
    waarden = verschil["inwoners_buiten_norm_verschil"].astype(float)
    grenzen = scenario_grenzen(float(waarden.abs().max()) if len(waarden) else 1.0)
    klassen = scenario_klassen(grenzen)
    opbouw.legendas.append(
        (
            legenda_html(
                "Verschil in inwoners buiten de norm",
                klassen,
                id_="legenda-scenario",
                toelichting=(
                    "rood: meer inwoners buiten de norm; blauw: minder inwoners buiten de norm"
                ),
            ),
            None,
        )
    )
    wijken = gemeente.wijken
    for i, categorie in enumerate(categorieen):
        label = catalogus.categorieen[categorie].label
        deel = verschil.xs(categorie, level="categorie").reindex(wijken.index)
        v = deel["inwoners_buiten_norm_verschil"].astype(float)
        gewijzigd = v.notna()
        v = v.fillna(0.0)
        frame = gpd.GeoDataFrame(
            {
                "naam": [escape_tekst(n) for n in wijken["wijknaam"]],
                "code": [escape_tekst(c) for c in wijken.index],
                "verschil": [round(float(x)) for x in v],
                "verschil_tekst": [
                    "geen verandering"
                    if not g or x == 0
                    else f"{getal(abs(x))} {'meer' if x > 0 else 'minder'} inwoners buiten de norm"
                    for x, g in zip(v, gewijzigd, strict=True)
                ],
                "basis": [
                    "-" if pd.isna(x) else getal(x) for x in deel["inwoners_buiten_norm_basis"]
                ],
                "scenario": [
                    "-" if pd.isna(x) else getal(x)
                    for x in deel.get(
                        "inwoners_buiten_norm_scenario", pd.Series(np.nan, index=deel.index)
                    )
                ],
                "_kleur": [klasse(x, grenzen, SCENARIO_KLEUREN) for x in v],
            },
            geometry=wijken.geometry.to_numpy(),
            crs=wijken.crs,
        )
        add_choropleet(
            opbouw,
            frame,
            naam=label,
            velden={
                "naam": "Wijk",
                "code": "Wijkcode",
                "verschil_tekst": "Verschil",
                "basis": "Buiten de norm nu",
                "scenario": "Buiten de norm in het scenario",
            },
            groep="Verschil per voorziening",
            show=i == 0,
            categorie=categorie,
        )
    if not categorieen:
        log.warning("Het scenario verandert niets dat op de kaart kan: lege scenariokaart")
    add_voorzieningen(opbouw)
    add_gebieden(opbouw)
    return finish_kaart(opbouw)
