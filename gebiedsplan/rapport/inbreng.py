"""The report's section "Wat bewoners zeggen": what residents said at meetings (the layer
``inbreng``) beside what the measure says.

The section is there when the analysis counted pins in the gebied (``analyse.signalen``, by
the gap tables' rule: a pin counts in the buurt it lies in, see
:mod:`gebiedsplan.analyse.inbreng`). It holds the meetings (name, date, pins), a table per
category with the pins *mist*, *knelpunt* and *goed*, the measured hiaatscore and share within
the norm, and ``signaal_vs_meting`` in words and colour (``bevestigt``, ``tegenstrijdig``, each
with what to do), then the residents' texts by category. The report draws what the analysis
returned: ``signaal_vs_meting`` comes from the gap table per gebied with the signal columns,
:func:`gebiedsplan.analyse.inbreng.join_signalen`, computed by the caller (the column is left
out without it); the texts are the pins of the layer inside the gebied's buurten.

Publishing rules as on the gap map (:func:`gebiedsplan.kaarten.lagen.add_inbreng`): no row, no
count and no text of a hidden category (opvang, beschermd wonen and the profile's own), no text
that names a sensitive site (:func:`gebiedsplan.publiceren.profiel.publishable_voorzieningen`),
never a pin's place or time. Texts are printed as stored (personal data was removed at import)
and escaped by the template. Without pins in the gebied the report has one line instead, in
the gaps section, on how to collect them (:func:`inbreng_noot`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, cast

import pandas as pd
import shapely

from gebiedsplan.analyse.inbreng import (
    BEVESTIGT_VANAF,
    SIGNAAL_KOLOMMEN,
    TEGENSTRIJDIG_GOED_VANAF,
    TEGENSTRIJDIG_MIST_ONDER,
)
from gebiedsplan.catalogus import Categorie, kolom_info, load_catalogus
from gebiedsplan.errors import GebiedsplanError
from gebiedsplan.gemeente import Gebied, Gemeente
from gebiedsplan.kaarten.lagen import INBRENG_KLEUREN
from gebiedsplan.publiceren.profiel import Publicatieprofiel, publishable_voorzieningen
from gebiedsplan.rapport.delen import LEEG, Sectie, Tabel, aandeel, datum_tekst, getal
from gebiedsplan.rapport.kaarten import Kaartje, _svg_pad

if TYPE_CHECKING:
    from gebiedsplan.analyse.run import Analyse

__all__ = ["Kleurtabel", "check_signalen", "inbreng_noot", "inbreng_section", "pin_kaartje"]

#: The oordelen in the order the report lists them; a pin without one is a remark.
OORDELEN = ("mist", "knelpunt", "goed")
#: Texts listed per category at most (the rest: on the gap map and in the layer).
MAX_TEKSTEN = 25
#: The pins on the static map are rounded to this grid (m): never a pin's exact place.
AFRONDING_M = 50.0


@dataclass(frozen=True)
class Kleurtabel(Tabel):
    """A table whose cells carry a CSS class each (``signaal-bevestigt``, ...)."""

    #: per row, per cell a CSS class ("" for none)
    celklassen: Sequence[Sequence[str]] = ()


def inbreng_noot(gemeente: Gemeente, gebied: str) -> str:
    """The one line of a report without pins in the gebied: how to collect them.

    Examples
    --------
    >>> import gebiedsplan as gp
    >>> inbreng_noot(gp.demo_gemeente(), "Pilot Noord")[:46]
    'Nog geen inbreng van bewoners voor Pilot Noord'
    """
    bestand = Path(gemeente.bestand).stem if gemeente.bestand else gemeente.code
    return (
        f"Nog geen inbreng van bewoners voor {gebied}. Verzamel die op een wijkavond met de "
        f'inbrengkaart (gebiedsplan kaart {bestand} --soort inbreng --gebied "{gebied}" '
        f"--bijeenkomst NAAM) en lees de export in met gebiedsplan importeer --gemeente "
        f"{gemeente.code} --inbreng BESTAND.geojson; daarna staat hier wat bewoners zeggen "
        "naast de meting."
    )


def _kop(kolom: str) -> str:
    info = kolom_info(kolom)
    return info.kop if info is not None else kolom


def _in_zin(label: str) -> str:
    """A category label inside a sentence: lower case first letter, abbreviations kept.

    Examples
    --------
    >>> _in_zin("Jeugd en gezin (CJG)"), _in_zin("CJG")
    ('jeugd en gezin (CJG)', 'CJG')
    """
    if len(label) > 1 and label[1].islower():
        return label[0].lower() + label[1:]
    return label


def _toelichting(uitkomst: str, rij: pd.Series, label: str) -> str:
    """What a bevestigt or tegenstrijdig row means and what to do."""
    score = getal(rij.get("hiaatscore"))
    if uitkomst == "bevestigt":
        return (
            f"Bevestigt: bewoners en de meting zien hetzelfde hiaat bij {_in_zin(label)} "
            f"(hiaatscore {score}). Een sterk signaal: neem het mee in het plan."
        )
    if uitkomst != "tegenstrijdig":
        return ""
    if int(rij.get("signalen_goed", 0)) > int(rij.get("signalen_mist", 0)) + int(
        rij.get("signalen_knelpunt", 0)
    ):
        return (
            f"Tegenstrijdig: bewoners zijn tevreden, de meting ziet een groot hiaat (hiaatscore "
            f"{score}). Kijk opnieuw naar de gegevens (ontbreekt een voorziening in de laag, "
            "past de norm hier?) en vraag bewoners waar zij naartoe gaan."
        )
    return (
        f"Tegenstrijdig: bewoners missen {_in_zin(label)}, de meting ziet geen hiaat (hiaatscore "
        f"{score}). Kijk opnieuw naar de gegevens (telt er een voorziening mee die dicht, vol "
        "of niet toegankelijk is?) en vraag bewoners wat zij missen."
    )


def check_signalen(signalen: object) -> None:
    """Refuse a ``signalen`` argument of :func:`gebiedsplan.rapport.pagina.make_rapport` that
    is not the gap table per gebied with the signal columns.

    Examples
    --------
    >>> check_signalen(None)
    >>> check_signalen(pd.DataFrame({"hiaatscore": [1.0]}))
    Traceback (most recent call last):
    ...
    gebiedsplan.errors.GebiedsplanError: Rapport: signalen mist de kolommen signalen, ...
    """
    if signalen is None:
        return
    nodig = [*SIGNAAL_KOLOMMEN, "signaal_vs_meting"]
    if not isinstance(signalen, pd.DataFrame):
        raise GebiedsplanError(
            f"Rapport: signalen moet een tabel zijn, niet {type(signalen).__name__}; geef "
            "join_signalen(analyse.hiaten_gebied, analyse.signalen['gebied']) "
            "(gebiedsplan.analyse.inbreng)."
        )
    ontbreekt = [k for k in nodig if k not in signalen.columns]
    if ontbreekt or signalen.index.nlevels != 2:
        raise GebiedsplanError(
            f"Rapport: signalen mist de kolommen {', '.join(ontbreekt) or '-'} of heeft niet de "
            "index (gebied, categorie); geef de hiatentabel per gebied met de signalen, "
            "join_signalen(analyse.hiaten_gebied, analyse.signalen['gebied']) "
            "(gebiedsplan.analyse.inbreng)."
        )


def _pins(gemeente: Gemeente, vlak: shapely.Geometry, verborgen: set[str]) -> pd.DataFrame:
    """The pins inside ``vlak`` (the gebied's buurten together), without hidden categories."""
    inbreng = gemeente.inbreng
    assert inbreng is not None
    hier = inbreng[inbreng.intersects(vlak)]
    return hier[~hier["categorie"].isin(list(verborgen))]


def pin_kaartje(
    gemeente: Gemeente, gebied: Gebied, vlak: shapely.Geometry, pins: pd.DataFrame
) -> Kaartje:
    """A static map (inline SVG) of the pins in the gebied, coloured by oordeel, each rounded to
    :data:`AFRONDING_M` m: the buurten around the gebied in grey, its outline, the pins (their
    category and oordeel as title, never their text). ``pins``: the publishable pins.

    Examples
    --------
    >>> import geopandas as gpd, shapely, gebiedsplan as gp
    >>> g = gp.demo_gemeente(); gebied = g.gebieden["Pilot Noord"]
    >>> vlak = shapely.union_all(g.buurten.loc[list(gebied.buurten)].geometry.to_numpy())
    >>> p = vlak.representative_point()
    >>> pins = gpd.GeoDataFrame({"categorie": ["huisarts"], "oordeel": ["mist"]},
    ...     geometry=[shapely.Point(p.x + 12, p.y + 31)], crs="EPSG:28992")
    >>> k = pin_kaartje(g, gebied, vlak, pins)
    >>> [(pt["kleur"], pt["titel"]) for pt in k.punten]
    [('#d7301f', 'Huisarts: mist')]
    """
    minx, miny, maxx, maxy = vlak.bounds
    marge = max(0.08 * max(maxx - minx, maxy - miny), 150.0)
    minx, miny, maxx, maxy = minx - marge, miny - marge, maxx + marge, maxy + marge
    span = max(maxx - minx, maxy - miny)
    tolerantie = max(1.0, span / 800)
    kader = shapely.box(minx, miny, maxx, maxy)
    vlakken = []
    for code, rij in gemeente.buurten[gemeente.buurten.intersects(kader)].iterrows():
        vorm = shapely.clip_by_rect(rij.geometry.simplify(tolerantie), minx, miny, maxx, maxy)
        d = _svg_pad(vorm, minx, maxy)
        if d:
            binnen = str(code) in set(gebied.buurten)
            vlakken.append(
                {
                    "d": d,
                    "kleur": "#f0f0f0" if binnen else "#fafafa",
                    "titel": f"{rij['buurtnaam']} ({code})",
                }
            )
    labels = {c: k.label for c, k in load_catalogus().categorieen.items()}
    punten = []
    for _, pin in pins.iterrows():
        oordeel = pin["oordeel"] if isinstance(pin["oordeel"], str) else ""
        x = round(pin.geometry.x / AFRONDING_M) * AFRONDING_M
        y = round(pin.geometry.y / AFRONDING_M) * AFRONDING_M
        categorie = str(pin["categorie"])
        punten.append(
            {
                "x": f"{x - minx:.0f}",
                "y": f"{maxy - y:.0f}",
                "kleur": INBRENG_KLEUREN.get(oordeel, INBRENG_KLEUREN[""]),
                "titel": f"{labels.get(categorie, categorie.capitalize())}: "
                + (oordeel or "zonder oordeel"),
            }
        )
    aanwezig = set(pins["oordeel"].fillna("").astype(str))
    return Kaartje(
        titel=f"Spelden in {gebied.naam}",
        viewbox=f"0 0 {maxx - minx:.0f} {maxy - miny:.0f}",
        vlakken=vlakken,
        gebied=_svg_pad(vlak.simplify(tolerantie), minx, maxy),
        punten=punten,
        straal=f"{span / 90:.0f}",
        beschrijving="Spelden van bewoners naar oordeel",
        legenda=[
            (kleur, oordeel or "zonder oordeel")
            for oordeel, kleur in INBRENG_KLEUREN.items()
            if oordeel in aanwezig
        ],
    )


def inbreng_section(
    gemeente: Gemeente,
    analyse: Analyse,
    gebied: Gebied,
    vlak: shapely.Geometry,
    hiaten: pd.DataFrame,
    verborgen: set[str],
    categorieen: Mapping[str, Categorie],
    *,
    signalen: pd.DataFrame | None,
    profiel: Publicatieprofiel,
) -> Sectie | None:
    """The section "Wat bewoners zeggen" of ``gebied``; None without pins in it (in a category
    that may be shown).

    Parameters
    ----------
    gemeente, analyse
        The gemeente and its analysis (``analyse.signalen``: the pins counted per gebied).
    gebied
        The gebied.
    vlak
        Its buurten together (the texts are those of the pins inside).
    hiaten
        The gap table of the gebied (``analyse.hiaten_gebied`` of this gebied), by category.
    signalen
        The gap table per gebied with the signal columns and ``signaal_vs_meting``
        (:func:`gebiedsplan.analyse.inbreng.join_signalen` of ``analyse.hiaten_gebied`` and
        ``analyse.signalen["gebied"]``); None: the column "Bewoners vs. meting" is left out.
    verborgen
        Hidden categories (:func:`gebiedsplan.publiceren.profiel.hidden_categories`).
    categorieen
        The category catalogue (labels).
    profiel
        The publishing profile (texts that name a sensitive site are left out).

    Examples
    --------
    >>> import gebiedsplan as gp
    >>> g = gp.demo_gemeente(); a = gp.run_analyse(g)
    >>> from gebiedsplan.catalogus import load_catalogus
    >>> from gebiedsplan.publiceren.profiel import load_publicatieprofiel
    >>> from gebiedsplan.analyse.inbreng import join_signalen
    >>> gebied = g.gebieden["Havenkwartier"]
    >>> s = inbreng_section(g, a, gebied, gebied.geometrie, a.hiaten_gebied.xs("Havenkwartier"),
    ...     set(), load_catalogus().categorieen, profiel=load_publicatieprofiel(),
    ...     signalen=join_signalen(a.hiaten_gebied, a.signalen["gebied"]))
    >>> s.titel, [t.id for soort, t in s.blokken if soort == "tabel"]
    ('Wat bewoners zeggen', ['tabel-bijeenkomsten', 'tabel-signalen'])
    """
    geteld = (analyse.signalen or {}).get("gebied")
    if gemeente.inbreng is None or gemeente.inbreng.empty or geteld is None:
        return None
    if gebied.naam not in geteld.index.get_level_values(0):
        return None
    tellingen = cast(pd.DataFrame, geteld.xs(gebied.naam, level=0))
    tellingen = tellingen[~tellingen.index.isin(list(verborgen)) & (tellingen["signalen"] > 0)]
    pins = _pins(gemeente, vlak, verborgen)
    if tellingen.empty or pins.empty:
        return None
    oordeel_meting: pd.Series | None = None
    if signalen is not None and gebied.naam in signalen.index.get_level_values(0):
        oordeel_meting = cast(pd.DataFrame, signalen.xs(gebied.naam, level=0))["signaal_vs_meting"]

    def label(code: object) -> str:
        cat = categorieen.get(str(code))
        return cat.label if cat is not None else str(code).capitalize()

    sectie = Sectie("inbreng", "Wat bewoners zeggen")
    n = int(tellingen["signalen"].sum())
    sectie.tekst(
        f"Op bijeenkomsten zetten bewoners {getal(n)} {'speld' if n == 1 else 'spelden'} in "
        f"{gebied.naam}: een plek met een categorie, een korte tekst en soms een oordeel "
        "(mist, knelpunt of goed). Hier staat wat zij zeggen naast wat de meting zegt. Een "
        "speld telt in de buurt waar hij staat; persoonsgegevens zijn bij het inlezen uit de "
        "teksten gehaald."
    )

    sectie.kop("Bijeenkomsten")
    per = (
        pins.assign(datum=pins["datum"].astype(str))
        .groupby(["bijeenkomst", "datum"], sort=False)
        .size()
        .reset_index(name="spelden")
        .sort_values(["datum", "bijeenkomst"])
    )
    rijen = []
    for _, rij in per.iterrows():
        try:
            dag = datum_tekst(pd.Timestamp(rij["datum"]).date())
        except ValueError:
            dag = str(rij["datum"])
        rijen.append([str(rij["bijeenkomst"]), dag, getal(rij["spelden"])])
    sectie.tabel(
        Tabel(
            "tabel-bijeenkomsten",
            ["Bijeenkomst", "Datum", f"Spelden in {gebied.naam}"],
            rijen,
            frozenset({2}),
            [str(b) for b in per["bijeenkomst"]],
        )
    )

    sectie.kop("Bewoners en de meting")
    if oordeel_meting is not None:
        sectie.tekst(
            f"Bevestigt: bewoners zeggen vooral mist of knelpunt en de hiaatscore is "
            f"{getal(BEVESTIGT_VANAF)} of meer; bewoners en de meting zien hetzelfde hiaat. "
            f"Tegenstrijdig: bewoners missen iets waar de hiaatscore onder "
            f"{getal(TEGENSTRIJDIG_MIST_ONDER)} is (de meting ziet geen hiaat), of zijn vooral "
            f"tevreden waar de hiaatscore {getal(TEGENSTRIJDIG_GOED_VANAF)} of meer is. Bij "
            "tegenstrijdig: kijk opnieuw naar de gegevens en vraag bewoners wat zij bedoelen. "
            "Een streepje: geen duidelijk verschil, geen oordeel of geen meting (zoals bij "
            "'anders')."
        )
    gemeten = tellingen.index.isin(hiaten.index)
    meting = hiaten.reindex(tellingen.index)
    uitkomsten = (
        oordeel_meting.reindex(tellingen.index).fillna("").astype(str)
        if oordeel_meting is not None
        else pd.Series("", index=tellingen.index)
    )
    volgorde = {"tegenstrijdig": 0, "bevestigt": 1}
    rijen_df = tellingen.assign(
        hiaatscore=meting["hiaatscore"],
        aandeel_binnen_norm=meting["aandeel_binnen_norm"],
        signaal_vs_meting=uitkomsten,
        # conflicts first, then confirmations, the rest, and last what has no measure (anders)
        _volgorde=uitkomsten.map(volgorde).fillna(2).where(gemeten, 3),
        _label=[label(c) for c in tellingen.index],
    ).sort_values(["_volgorde", "signalen", "_label"], ascending=[True, False, True])
    koppen = [
        "Voorziening",
        *(_kop(k) for k in ("signalen", "signalen_mist", "signalen_knelpunt", "signalen_goed")),
        _kop("hiaatscore"),
        _kop("aandeel_binnen_norm"),
    ]
    if oordeel_meting is not None:
        koppen.append(_kop("signaal_vs_meting"))
    rijen, klassen, toelichting = [], [], []
    for _, rij in rijen_df.iterrows():
        uitkomst = str(rij["signaal_vs_meting"])
        cellen = [
            str(rij["_label"]),
            getal(rij["signalen"]),
            getal(rij["signalen_mist"]),
            getal(rij["signalen_knelpunt"]),
            getal(rij["signalen_goed"]),
            getal(rij["hiaatscore"]),
            aandeel(rij["aandeel_binnen_norm"]),
        ]
        klasse = [""] * len(cellen)
        if oordeel_meting is not None:
            cellen.append(uitkomst or LEEG)
            klasse.append(f"signaal-{uitkomst}" if uitkomst else "")
        rijen.append(cellen)
        klassen.append(klasse)
        toelichting.append(_toelichting(uitkomst, rij, str(rij["_label"])))
    sectie.tabel(
        Kleurtabel(
            "tabel-signalen",
            koppen,
            rijen,
            frozenset(range(1, 7)),
            # prefixed: a category code is also a layer name (groen) in the sources table
            [f"signaal:{c}" for c in rijen_df.index],
            onderschrift=(
                f"Spelden van alle bijeenkomsten in {gebied.naam} per categorie, naast de "
                "hiaatscore en het aandeel inwoners binnen de norm uit de hiatentabel."
            ),
            toelichting=toelichting,
            celklassen=klassen,
        )
    )

    toonbaar = publishable_voorzieningen(
        pins.assign(naam=pins["tekst"].fillna("").astype(str)), profiel=profiel
    )
    if not toonbaar.empty:
        sectie.kop("Waar de spelden staan")
        sectie.tekst(
            f"Elke stip is een speld, gekleurd naar het oordeel; de plek is afgerond op "
            f"{getal(AFRONDING_M)} m. De grijze vlakken zijn de buurten van {gebied.naam}."
        )
        sectie.blokken.append(("kaartje", pin_kaartje(gemeente, gebied, vlak, toonbaar)))

    sectie.kop("Wat bewoners schreven")
    groepen = []
    oordeel_volgorde = {o: i for i, o in enumerate(OORDELEN)}
    for code in rijen_df.index:
        deze = toonbaar[toonbaar["categorie"] == code]
        if deze.empty:
            continue
        deze = deze.assign(
            _o=deze["oordeel"].map(oordeel_volgorde).fillna(len(OORDELEN))
        ).sort_values(["_o", "datum", "bijeenkomst"], kind="stable")
        teksten = [
            {
                "tekst": str(p["tekst"]),
                "oordeel": str(p["oordeel"]) if isinstance(p["oordeel"], str) else "",
                # the meeting of each text only when there were more than one
                "bijeenkomst": str(p["bijeenkomst"]) if len(per) > 1 else "",
            }
            for _, p in deze.head(MAX_TEKSTEN).iterrows()
        ]
        groepen.append(
            {
                "categorie": str(code),
                "titel": f"{label(code)} ({len(deze)})",
                "teksten": teksten,
                "meer": (
                    f"en {len(deze) - MAX_TEKSTEN} meer: zie de hiatenkaart of de laag inbreng"
                    if len(deze) > MAX_TEKSTEN
                    else ""
                ),
            }
        )
    sectie.blokken.append(("inbrengteksten", groepen))
    sectie.tekst(
        "De teksten staan zoals bewoners ze schreven, zonder persoonsgegevens. Teksten die een "
        "beschermde locatie noemen (opvang, beschermd wonen) en spelden van verborgen "
        "categorieën staan niet in dit rapport; de plek en het tijdstip van een speld ook niet."
    )
    return sectie
