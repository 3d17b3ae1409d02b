"""The gebiedsplan report: one self-contained HTML page per gebied, and a PDF of it.

A report is rendered from the Jinja2 templates in ``gebiedsplan/rapport/templates/`` (autoescape on:
every text that comes from data is escaped) and has these sections:

- title: gemeente, gebied, date, and a banner when the data are synthetic (the demo) or a
  layer is fictitious (naming the layer and its source);
- ``profiel``: residents, age bands, households and income (CBS), their trend lines over the
  years for the wijken of the gebied (when trends are given, :mod:`gebiedsplan.rapport.trend`)
  and health indicators 18+ (RIVM/GGD), per gebied and per buurt;
- ``groen``: the green share from the green raster, public green from the ``groen`` layer;
- ``aanwezig``: facilities and IAB accommodations present, per category;
- ``nodig``: capacity needed against the norms, present, and the shortfall;
- ``hiaten``: the gaps ranked, per buurt, with static maps (inline SVG) and the interactive map;
- ``inbreng``: "Wat bewoners zeggen", residents' pins beside the measure (only when pins lie
  in the gebied, :mod:`gebiedsplan.rapport.inbreng`; otherwise one line in ``hiaten`` on how
  to collect them);
- ``scenario``: what a scenario changes, for the gebied and per wijk (when one is given);
- ``bronnen``: source, date and licence of every layer, and the norms with their sources.

This module checks the input, puts the sections together and writes the page and the PDF.
The sections are built in their own modules: :mod:`gebiedsplan.rapport.profiel` (profiel,
groen), :mod:`gebiedsplan.rapport.voorzieningen` (aanwezig, nodig, hiaten),
:mod:`gebiedsplan.rapport.scenario`, :mod:`gebiedsplan.rapport.bronnen`, from the blocks in
:mod:`gebiedsplan.rapport.delen`; the maps in :mod:`gebiedsplan.rapport.kaarten`.

Figures of a gebied are sums over its buurten (for a gebied drawn as a polygon: the buurten
it shares area with), the same areas as the gap table ``hiaten_gebied``. The report draws
what the analyses returned: the gap tables of :class:`~gebiedsplan.analyse.run.Analyse`, its
green shares (``analyse.groen``), the buurt of every facility and accommodation
(``analyse.voorziening_buurt``, ``analyse.accommodatie_buurt``: the gap table's rule), and a
scenario computed beforehand (:func:`gebiedsplan.analyse.scenario.compare_scenario`). The only
figures it derives itself are the profile sums and the public green area.

Publishing rules: the publishing profile (:mod:`gebiedsplan.publiceren.profiel`, defaults in
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
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, cast

import jinja2
import markupsafe
import pandas as pd
import shapely

from gebiedsplan._io import atomic_path
from gebiedsplan._version import __version__
from gebiedsplan.analyse.scenario import ScenarioResultaat
from gebiedsplan.catalogus import load_catalogus
from gebiedsplan.errors import GebiedsplanError
from gebiedsplan.gemeente import Gebied, Gemeente, effective_voorzieningen
from gebiedsplan.publiceren.herkomst import pagina_meta
from gebiedsplan.publiceren.opmaak import GEEN_WAARDE_KLEUR, HIAAT_GRENZEN, HIAAT_KLEUREN
from gebiedsplan.publiceren.pagina import zichtbare_tekst
from gebiedsplan.publiceren.profiel import (
    Publicatieprofiel,
    hidden_categories,
    load_publicatieprofiel,
    publishable_accommodaties,
    publishable_voorzieningen,
)
from gebiedsplan.rapport.bronnen import sources_section
from gebiedsplan.rapport.delen import datum_tekst, getal
from gebiedsplan.rapport.inbreng import check_signalen, inbreng_noot, inbreng_section
from gebiedsplan.rapport.kaarten import Kaartje, make_scenario_kaartjes
from gebiedsplan.rapport.profiel import add_health, green_section, profile_section
from gebiedsplan.rapport.scenario import scenario_section
from gebiedsplan.rapport.trend import add_trend
from gebiedsplan.rapport.voorzieningen import gaps_section, needed_section, present_section

if TYPE_CHECKING:
    from gebiedsplan.analyse.run import Analyse

__all__ = ["make_rapport", "save_rapport"]

log = logging.getLogger(__name__)


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
    if analyse.groen is None or analyse.voorziening_buurt is None:
        problemen.append(
            "de analyse mist het groenaandeel of de buurt van elke voorziening (groen, "
            "voorziening_buurt); maak haar met run_analyse(gemeente)"
        )
    if scenario is not None and not isinstance(scenario, ScenarioResultaat):
        problemen.append(
            "scenario moet een doorgerekend scenario zijn (een ScenarioResultaat), niet "
            f"{type(scenario).__name__}; reken het eerst door met "
            "compare_scenario(analyse, load_scenario(bestand, gemeente))"
        )
    if problemen:
        raise GebiedsplanError(
            f"Rapport voor '{gebied}' ({gemeente.titel}) niet gemaakt:\n  - "
            + "\n  - ".join(problemen)
        )
    assert gekozen is not None and tabel is not None
    return gekozen, cast(pd.DataFrame, tabel.xs(gebied, level=0))


def _zichtbaar(waarde: object) -> object:
    """Every value the template prints, before Jinja escapes it: text without bidi-control and
    zero-width characters (:func:`gebiedsplan.publiceren.pagina.zichtbare_tekst`, the rule of
    :func:`~gebiedsplan.publiceren.pagina.escape_tekst`)."""
    if isinstance(waarde, markupsafe.Markup):  # a macro's output: already escaped
        return markupsafe.Markup(zichtbare_tekst(waarde))
    if isinstance(waarde, str):
        return zichtbare_tekst(waarde)
    return waarde


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("gebiedsplan.rapport", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=_zichtbaar,
    )


def make_rapport(
    gemeente: Gemeente,
    analyse: Analyse,
    gebied: str,
    *,
    scenario: ScenarioResultaat | None = None,
    profiel: Publicatieprofiel | None = None,
    datum: dt.date | None = None,
    kaart: bool = True,
    trends: Mapping[str, pd.DataFrame] | None = None,
    signalen: pd.DataFrame | None = None,
) -> str:
    """The sociaal gebiedsplan of one gebied as a self-contained HTML page (Dutch, A4).

    Parameters
    ----------
    gemeente
        The loaded gemeente.
    analyse
        :func:`gebiedsplan.analyse.run.run_analyse` of the gemeente (its ``hiaten_gebied`` must
        hold the gebied).
    gebied
        Name of a gebied of the gemeente file (``gemeente.gebieden``).
    scenario
        A scenario computed against ``analyse``
        (:func:`gebiedsplan.analyse.scenario.compare_scenario`); its section is left out when
        None.
    profiel
        Publishing profile (minimum residents for health values, hidden categories and names);
        default :func:`gebiedsplan.publiceren.profiel.load_publicatieprofiel`.
    datum
        Date printed on the report; default today.
    kaart
        Embed the interactive map (adds the folium map, 1-2 MB for a large gemeente).
    trends
        Trend tables of the wijken of the gebied,
        :func:`gebiedsplan.analyse.trend.rapport_trends`; the profile section gets their lines
        and table (or one line why there are none, for an empty mapping). None: no trends.
    signalen
        The gap table per gebied with the residents' signals,
        ``join_signalen(analyse.hiaten_gebied, analyse.signalen["gebied"])``
        (:func:`gebiedsplan.analyse.inbreng.join_signalen`): the section "Wat bewoners zeggen"
        shows its ``signaal_vs_meting`` (bevestigt, tegenstrijdig). None: that column is left
        out; the section is there whenever ``analyse.signalen`` has pins in the gebied.

    Returns
    -------
    str
        The HTML page.

    Raises
    ------
    GebiedsplanError
        Unknown gebied, an analysis of another gemeente or without the gebied, a scenario that
        is not a :class:`~gebiedsplan.analyse.scenario.ScenarioResultaat` (a scenario not yet
        computed); all problems at once.

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
    check_signalen(signalen)
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
    assert analyse.groen is not None
    codes = list(gekozen.buurten)
    vlak = shapely.union_all(gemeente.buurten.loc[codes].geometry.to_numpy())

    profiel_sectie, inwoners = profile_section(gemeente, codes, gekozen.naam)
    if trends is not None:
        add_trend(profiel_sectie, trends, gemeente, gebied=gekozen.naam)
    add_health(profiel_sectie, gemeente, codes, profiel)
    secties = [
        profiel_sectie,
        green_section(gemeente, analyse.groen, gebied, inwoners, hiaten),
        present_section(
            analyse, codes, voorzieningen, accommodaties, verborgen, catalogus.categorieen
        ),
        needed_section(hiaten, verborgen),
    ]
    hiaten_sectie, kaartjes, kaart_html = gaps_section(
        gemeente, analyse, gekozen, codes, hiaten, voorzieningen, verborgen, kaart=kaart
    )
    secties.append(hiaten_sectie)
    inbreng_sectie = inbreng_section(
        gemeente,
        analyse,
        gekozen,
        vlak,
        hiaten,
        verborgen,
        catalogus.categorieen,
        signalen=signalen,
        profiel=profiel,
    )
    if inbreng_sectie is not None:
        secties.append(inbreng_sectie)
    scenario_kaartjes: list[Kaartje] = []
    if scenario is not None:
        secties.append(scenario_section(scenario, gemeente, gebied, codes, hiaten, verborgen))
        scenario_kaartjes = make_scenario_kaartjes(
            gemeente, gekozen, scenario.verschil, verborgen=verborgen
        )
    zichtbaar = [c for c in hiaten.index if c not in verborgen]
    secties.append(sources_section(gemeente, analyse.groen, zichtbaar, catalogus.categorieen))

    dag = datum or dt.date.today()
    kenmerken = [
        ("Gemeente", f"{gemeente.titel} ({gemeente.code})"),
        ("Gebied", f"{gekozen.naam} ({gekozen.soort})"),
        ("Buurten", ", ".join(str(b) for b in codes)),
        ("Inwoners", getal(inwoners)),
        ("Datum", datum_tekst(dag)),
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
            scenario_kaartjes=scenario_kaartjes,
            kaart_html=kaart_html,
            inbreng_noot="" if inbreng_sectie is not None else inbreng_noot(gemeente, gekozen.naam),
            legenda=[
                (kleur, f"{onder} tot {boven}" if boven < 100 else f"{onder} tot en met {boven}")
                for kleur, onder, boven in zip(
                    HIAAT_KLEUREN, HIAAT_GRENZEN[:-1], HIAAT_GRENZEN[1:], strict=True
                )
            ],
            geen_score_kleur=GEEN_WAARDE_KLEUR,
            datum=datum_tekst(dag),
            versie=__version__,
            meta=[
                ("titel", f"Sociaal gebiedsplan {gekozen.naam} - {gemeente.titel}"),
                ("soort", "rapport"),
                ("gemeente", gemeente.titel),
                *((k, v) for k, v in pagina_meta(gemeente.herkomst).items() if v),
                ("gepubliceerd", dag.isoformat()),
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
