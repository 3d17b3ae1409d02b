"""Scenarios as files: close, open or move an accommodation, change its capacity, build homes,
house people in an opvang.

A scenario file (YAML, in ``wijken/scenarios/``) lists steps::

    scenario: sluit-de-linde
    gemeente: demo
    omschrijving: Wat als Buurthuis De Linde sluit?
    peiljaar: 2030            # optional: only housing phases ready by then
    stappen:
      - sluit: {accommodatie: acc002}
      - open: {accommodatie: acc014}                 # a planned accommodation opens
      - open: {naam: Huiskamer Noord, functies: [ontmoeting], x: 172100, y: 493900}
      - verplaats: {accommodatie: acc003, x: 172500, y: 492800}
      - capaciteit: {accommodatie: acc004, capaciteit: 250}
      - woningbouw:
          gebied: Havenkwartier
          fasen:
            - {fase: fase 1, gereed: 2030, woningen: 2400, aandeel_sociale_huur: 0.4}
            - {fase: fase 2, gereed: 2040, woningen: {sociale huur: 1840, koop: 2760}}
      - opvang: {plaatsen: 750, x: 173700, y: 493600, naam: AZC Havenkwartier, gereed: 2030}
      - opvang: {plaatsen: 200, buurt: BU99990303, bezettingsgraad: 0.96}

Accommodations are facilities for each of their ``functies`` while in use: a step changes the
accommodation and the facilities linked to it (``voorzieningen.accommodatie_id``). New homes
become residents with the household sizes and age profile of ``lagen/catalogus/woningbouw.yml``
(or the file's own ``aannames``), spread over the gebied as demand points.

An ``opvang`` (an asielzoekerscentrum or other reception location) adds residents who do not
come with homes: ``plaatsen`` x ``bezettingsgraad``, split over the CBS age bands with the age
profile of ``lagen/catalogus/opvang.yml`` (or the step's own ``leeftijdsopbouw``), as one demand
point at its location (``x``/``y`` in RD, or ``buurt``: that buurt's representative point), in
the buurt and wijk it lies in. Its location is a sensitive site: its ``naam`` and coordinates
are kept out of every description (:meth:`Stap.beschrijving`) and every published product shows
only what it does to the wijk.

Every problem of a file is reported at once, with its line number.
"""

from __future__ import annotations

import dataclasses
import logging
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gebiedsplan._io import Pad, load_yaml_with_lines
from gebiedsplan._io import regel as regel_van
from gebiedsplan._tekst import getal
from gebiedsplan._validate import in_nederland, nederland_tekst
from gebiedsplan.analyse._scenario_incrementeel import run_incremental
from gebiedsplan.bronnen.vraag import split_integer
from gebiedsplan.catalogus import (
    LEEFTIJDSBANDEN,
    leeftijdsopbouw_problemen,
    load_catalogus,
    opvang_aannames,
    woningbouw_aannames,
)
from gebiedsplan.errors import GebiedsplanError
from gebiedsplan.gemeente import Gemeente

log = logging.getLogger(__name__)

STAPSOORTEN = ("sluit", "open", "verplaats", "capaciteit", "woningbouw", "opvang")
#: Steps that add residents (demand): the scenario's analysis is computed in full.
VRAAGSTAPPEN = ("woningbouw", "opvang")
#: The fields of an ``opvang`` step.
OPVANG_VELDEN = (
    "plaatsen",
    "x",
    "y",
    "buurt",
    "naam",
    "gereed",
    "bezettingsgraad",
    "leeftijdsopbouw",
)
#: An opvang step may have at most this many places: more than twice the largest Dutch reception
#: location (the registration centre in Ter Apel, built for about 2,000) is a typo, not a plan.
MAX_OPVANG_PLAATSEN = 5000
#: Shown instead of an opvang's location, wherever a product describes the step.
LOCATIE_NIET_GEPUBLICEERD = "locatie niet gepubliceerd"


class ScenarioError(GebiedsplanError):
    """A scenario file is wrong; ``problemen`` lists every problem with its line."""

    def __init__(self, bestand: Path, problemen: list[str]) -> None:
        self.bestand = bestand
        self.problemen = problemen
        regels = "\n  - ".join(problemen)
        super().__init__(f"Scenario {bestand} niet gebruikt:\n  - {regels}")


@dataclass(frozen=True)
class Fase:
    """One phase of a housing programme: homes per type, ready in a year."""

    fase: str
    gereed: int
    woningen: Mapping[str, int]


@dataclass(frozen=True)
class Stap:
    """One step of a scenario; ``regel`` is its line in the file.

    An ``opvang`` step has ``plaatsen``, its location ``xy`` (RD), the ``buurt`` and ``wijk`` it
    lies in, ``bezettingsgraad`` and ``leeftijdsopbouw`` (shares per CBS age band, from
    ``lagen/catalogus/opvang.yml`` unless the step gives its own) and optionally ``gereed`` (the
    year it opens; with the scenario's ``peiljaar`` before it, it adds nobody). Its ``naam`` and
    ``xy`` are never shown: describe it with :meth:`beschrijving`.
    """

    soort: str
    regel: int
    accommodatie: str | None = None
    naam: str | None = None
    functies: tuple[str, ...] = ()
    xy: tuple[float, float] | None = None
    capaciteit: float | None = None
    gebied: str | None = None
    fasen: tuple[Fase, ...] = ()
    plaatsen: int | None = None
    buurt: str | None = None
    wijk: str | None = None
    gereed: int | None = None
    bezettingsgraad: float | None = None
    leeftijdsopbouw: Mapping[str, float] | None = None

    def beschrijving(self, gemeente: Gemeente | None = None) -> str:
        """The step in one Dutch line for a product: never the name or location of an opvang
        (only its wijk, "locatie niet gepubliceerd"), never coordinates, and an accommodation's
        name only when neither it nor a function of the accommodation is sensitive by the
        catalogue (else its id). The publishing profile's own extra rules (``verberg_namen``,
        ``verberg_categorieen`` of ``publicatie.yml``) are the product's to apply: pass a
        ``gemeente`` whose ``accommodaties`` are the publishable ones
        (:func:`gebiedsplan.publiceren.publishable_accommodaties`) and a hidden one is named by
        its id.

        Examples
        --------
        >>> from gebiedsplan.importeren import demo_gemeente
        >>> stap = Stap("opvang", 3, naam="AZC Noord", xy=(173700.0, 493600.0), plaatsen=750,
        ...     buurt="BU99990303", wijk="WK999903")
        >>> stap.beschrijving(demo_gemeente())
        'opvang: 750 plaatsen in wijk Havenkwartier (WK999903) (locatie niet gepubliceerd)'
        """
        wijknamen: Mapping[str, Any] = {}
        if gemeente is not None and "wijknaam" in gemeente.wijken.columns:
            wijknamen = gemeente.wijken["wijknaam"].to_dict()

        def wijk(code: str | None) -> str:
            if code is None:
                return "een wijk van de gemeente"
            naam = wijknamen.get(code)
            return f"wijk {naam} ({code})" if isinstance(naam, str) and naam else f"wijk {code}"

        if self.soort == "opvang":
            return (
                f"opvang: {getal(self.plaatsen or 0)} plaatsen in {wijk(self.wijk)} "
                f"({LOCATIE_NIET_GEPUBLICEERD})"
            )
        if self.soort == "woningbouw":
            woningen = sum(n for fase in self.fasen for n in fase.woningen.values())
            return f"woningbouw: {getal(woningen)} woningen in gebied {self.gebied}"
        plek = ""
        if self.xy is not None and gemeente is not None:
            plek = f" in {wijk(_wijk_van(gemeente, self.xy))}"
        if self.soort == "open" and self.accommodatie is None:
            functies = load_catalogus().functies
            gevoelig = functies.noemt_gevoelig(self.naam) or functies.gevoelig(
                ";".join(self.functies), verborgen=_gevoelige_categorieen()
            )
            naam = "nieuwe accommodatie" if gevoelig else f"nieuwe accommodatie {self.naam}"
            return f"open: {naam} ({', '.join(self.functies)}){plek}"
        naam = _accommodatie_naam(gemeente, self.accommodatie)
        if self.soort == "verplaats":
            return f"verplaats: {naam} naar een nieuwe plek{plek}"
        if self.soort == "capaciteit":
            return f"capaciteit: {naam} krijgt capaciteit {getal(self.capaciteit)}"
        return f"{self.soort}: {naam}"


@dataclass(frozen=True)
class Scenario:
    """A validated scenario for one gemeente."""

    naam: str
    omschrijving: str
    stappen: tuple[Stap, ...]
    bestand: Path
    peiljaar: int | None = None
    aannames: Mapping[str, Any] = field(default_factory=dict)


def _wijk_van(gemeente: Gemeente, xy: tuple[float, float]) -> str | None:
    """The wijk of the buurt a point lies in (the nearest buurt for a point on no buurt)."""
    buurt = _buurt_van(gemeente.buurten, xy)
    return None if buurt is None else str(gemeente.buurten.loc[buurt, "wijkcode"])


def _buurt_van(buurten: gpd.GeoDataFrame, xy: tuple[float, float]) -> str | None:
    """The buurt a point lies in; on a border the first, outside every buurt the nearest."""
    if buurten.empty:
        return None
    punt = shapely.Point(xy)
    geometrie = buurten.geometry.to_numpy()
    binnen = np.flatnonzero(shapely.intersects(geometrie, punt))
    i = binnen[0] if len(binnen) else int(np.argmin(shapely.distance(geometrie, punt)))
    return str(buurten.index[i])


def _gevoelige_categorieen() -> frozenset[str]:
    return frozenset(c for c, cat in load_catalogus().categorieen.items() if cat.gevoelig)


def _accommodatie_naam(gemeente: Gemeente | None, acc: str | None) -> str:
    """'accommodatie acc002 (Buurthuis De Linde)'; without the name when it or a function of
    the accommodation is sensitive (the publishing profile's rule, read from the catalogue)."""
    tekst = f"accommodatie {acc}"
    if (
        gemeente is None
        or gemeente.accommodaties is None
        or acc not in gemeente.accommodaties.index
    ):
        return tekst
    rij = gemeente.accommodaties.loc[acc]
    functies = load_catalogus().functies
    naam = rij.get("naam")
    if not isinstance(naam, str) or not naam.strip():
        return tekst
    if functies.noemt_gevoelig(naam) or functies.gevoelig(
        rij.get("functies"), verborgen=_gevoelige_categorieen()
    ):
        return tekst
    return f"{tekst} ({naam})"


class _Lezer:
    """Collects the problems of one file, each with its line."""

    def __init__(self, bestand: Path, lines: Mapping[Pad, int]) -> None:
        self.bestand = bestand
        self.lines = lines
        self.problemen: list[str] = []

    def regel(self, pad: Pad) -> int:
        return regel_van(self.lines, pad) or 0

    def fout(self, pad: Pad, tekst: str) -> None:
        self.problemen.append(f"regel {self.regel(pad)}: {tekst}")


def _getal(
    lezer: _Lezer,
    waarde: Any,
    pad: Pad,
    wat: str,
    *,
    minimum: float = 0,
    geheel: bool = False,
) -> float | None:
    """A number of the file: a YAML number, never text (``"2.000"``, ``2,000``: which number
    is meant is not for gebiedsplan to guess), at least ``minimum``; with ``geheel`` a whole
    number written without decimal point (YAML reads ``2.000`` as the decimal number 2)."""
    if isinstance(waarde, bool) or not isinstance(waarde, int | float):
        hint = ""
        if isinstance(waarde, str) and re.search(r"\d", waarde):
            hint = (
                "; dit is tekst, geen getal: schrijf een YAML-getal zonder aanhalingstekens en "
                "zonder scheiding tussen duizendtallen (bv. 2000 of 0.4; een decimaalteken is "
                "in YAML altijd een punt)"
            )
        lezer.fout(pad, f"{wat} moet een getal zijn (gekregen: {waarde!r}){hint}")
        return None
    if not math.isfinite(waarde):
        lezer.fout(pad, f"{wat} moet een eindig getal zijn (gekregen: {waarde!r})")
        return None
    if geheel and isinstance(waarde, float):
        lezer.fout(
            pad,
            f"{wat} moet een geheel getal zijn, geschreven zonder punt of komma (gekregen: "
            f"{waarde:g}); YAML leest een punt altijd als decimaalteken, dus 2.000 is 2 en "
            f"niet tweeduizend: schrijf 2000",
        )
        return None
    if waarde < minimum:
        lezer.fout(pad, f"{wat} mag niet kleiner zijn dan {minimum:g} (gekregen: {waarde:g})")
        return None
    return float(waarde)


def _fasen(lezer: _Lezer, spec: Any, pad: Pad, typen: Mapping[str, Any]) -> tuple[Fase, ...]:
    if not isinstance(spec, list) or not spec:
        lezer.fout(pad, "woningbouw vraagt 'fasen': een lijst met fase, gereed en woningen")
        return ()
    fasen = []
    for i, f in enumerate(spec):
        fpad = (*pad, i)
        if not isinstance(f, Mapping):
            lezer.fout(fpad, "een fase heeft fase, gereed en woningen")
            continue
        gereed = _getal(
            lezer, f.get("gereed"), (*fpad, "gereed"), "gereed (jaar)", minimum=2000, geheel=True
        )
        woningen = f.get("woningen")
        per_type: dict[str, int] = {}
        if isinstance(woningen, Mapping):
            for soort, aantal in woningen.items():
                if soort not in typen:
                    lezer.fout(
                        (*fpad, "woningen", soort),
                        f"onbekend woningtype '{soort}'; bekend: {', '.join(typen)}",
                    )
                    continue
                n = _getal(
                    lezer, aantal, (*fpad, "woningen", soort), f"woningen {soort}", geheel=True
                )
                if n is not None:
                    per_type[str(soort)] = int(round(n))
        else:
            totaal = _getal(lezer, woningen, (*fpad, "woningen"), "woningen", geheel=True)
            sociaal = f.get("aandeel_sociale_huur", 0)
            aandeel = _getal(
                lezer, sociaal, (*fpad, "aandeel_sociale_huur"), "aandeel_sociale_huur"
            )
            if aandeel is not None and aandeel > 1:
                lezer.fout(
                    (*fpad, "aandeel_sociale_huur"), "aandeel_sociale_huur is een aandeel 0-1"
                )
            elif totaal is not None and aandeel is not None:
                n_sociaal = int(round(totaal * aandeel))
                per_type = {"sociale huur": n_sociaal, "onbekend": int(round(totaal)) - n_sociaal}
        if gereed is not None and per_type:
            fasen.append(Fase(str(f.get("fase", f"fase {i + 1}")), int(gereed), per_type))
    return tuple(fasen)


def _xy(
    lezer: _Lezer, spec: Mapping[str, Any], pad: Pad, vlak: shapely.Geometry
) -> tuple[float, float] | None:
    x = _getal(lezer, spec.get("x"), (*pad, "x"), "x (RD, meter)")
    y = _getal(lezer, spec.get("y"), (*pad, "y"), "y (RD, meter)")
    if x is None or y is None:
        return None
    if not vlak.contains(shapely.Point(x, y)):
        if in_nederland(x, y, graden=True) or in_nederland(y, x, graden=True):
            tekst = (
                f"({x:g}, {y:g}) zijn lengte- en breedtegraden; een scenario vraagt "
                "RD-coördinaten in meters (EPSG:28992): reken ze om (bv. in QGIS, of met "
                "pyproj.Transformer.from_crs(4326, 28992, always_xy=True))"
            )
        elif in_nederland(y, x):
            tekst = (
                f"x en y lijken verwisseld: ({x:.0f}, {y:.0f}) ligt alleen andersom in "
                f"Nederland (RD: {nederland_tekst()}); schrijf x: {y:.0f}, y: {x:.0f}"
            )
        elif in_nederland(x, y):
            tekst = (
                f"punt ({x:.0f}, {y:.0f}) ligt buiten de gemeente; kies een punt binnen de "
                "wijken van de gemeente (RD-coördinaten, EPSG:28992)"
            )
        else:
            tekst = (
                f"punt ({x:g}, {y:g}) ligt buiten Nederland; geef RD-coördinaten in meters "
                f"(EPSG:28992; Nederland: {nederland_tekst()})"
            )
        lezer.fout((*pad, "x"), tekst)
        return None
    return (x, y)


def _opvang(
    lezer: _Lezer, velden: Mapping[str, Any], pad: Pad, gemeente: Gemeente, vlak: shapely.Geometry
) -> Stap | None:
    """An ``opvang`` step: places, a location (x/y or buurt), occupancy and age profile."""
    fouten = len(lezer.problemen)
    if onbekend := [str(k) for k in velden if k not in OPVANG_VELDEN]:
        lezer.fout(
            (*pad, onbekend[0]),
            f"onbekend veld {', '.join(onbekend)} in stap 'opvang'; toegestaan: "
            f"{', '.join(OPVANG_VELDEN)}",
        )
    plaatsen = _getal(
        lezer, velden.get("plaatsen"), (*pad, "plaatsen"), "plaatsen", minimum=1, geheel=True
    )
    if plaatsen is not None and plaatsen > MAX_OPVANG_PLAATSEN:
        lezer.fout(
            (*pad, "plaatsen"),
            f"een opvang met {getal(plaatsen)} plaatsen is geen plausibele locatie (de grootste "
            f"in Nederland heeft er ongeveer 2.000; gebiedsplan neemt hoogstens "
            f"{getal(MAX_OPVANG_PLAATSEN)} aan). Controleer het aantal (een nul te veel, een "
            "punt als duizendtal-scheiding?) of verdeel het over meer stappen",
        )
    xy: tuple[float, float] | None = None
    buurt = velden.get("buurt")
    heeft_xy = "x" in velden or "y" in velden
    if buurt is not None and heeft_xy:
        lezer.fout(
            (*pad, "buurt"),
            "geef de plek van de opvang óf met x en y (RD, meter) óf met buurt (een buurtcode), "
            "niet allebei",
        )
    elif buurt is not None:
        if str(buurt) not in gemeente.buurten.index:
            lezer.fout(
                (*pad, "buurt"),
                f"buurt '{buurt}' bestaat niet in gemeente {gemeente.code}; geef een buurtcode "
                f"van de laag buurten (bv. {gemeente.buurten.index[0]})",
            )
        else:
            punt = gemeente.buurten.loc[str(buurt), "geometry"].representative_point()
            xy = (float(punt.x), float(punt.y))
    elif heeft_xy:
        xy = _xy(lezer, velden, pad, vlak)
    else:
        lezer.fout(
            pad,
            "stap 'opvang' noemt waar de opvang komt: x en y (RD, meter) of buurt (een "
            "buurtcode); de plek wordt nergens gepubliceerd",
        )
    gereed = velden.get("gereed")
    if gereed is not None:
        gereed = _getal(lezer, gereed, (*pad, "gereed"), "gereed (jaar)", minimum=2000, geheel=True)
    aannames = opvang_aannames()
    graad = velden.get("bezettingsgraad", aannames["bezettingsgraad"])
    graad = _getal(lezer, graad, (*pad, "bezettingsgraad"), "bezettingsgraad")
    if graad is not None and not 0 < graad <= 1:
        lezer.fout(
            (*pad, "bezettingsgraad"),
            f"bezettingsgraad is het deel van de plaatsen dat bezet is, groter dan 0 en "
            f"hoogstens 1 (gekregen: {graad:g})",
        )
    leeftijd = velden.get("leeftijdsopbouw", aannames["leeftijd"])
    for probleem in leeftijdsopbouw_problemen(leeftijd) if "leeftijdsopbouw" in velden else []:
        lezer.fout((*pad, "leeftijdsopbouw"), f"leeftijdsopbouw: {probleem}")
    naam = velden.get("naam")
    if len(lezer.problemen) > fouten or plaatsen is None or xy is None or graad is None:
        return None
    code = str(buurt) if buurt is not None else _buurt_van(gemeente.buurten, xy)
    return Stap(
        "opvang",
        lezer.regel(pad),
        naam=None if naam is None else str(naam),
        xy=xy,
        plaatsen=int(plaatsen),
        buurt=code,
        wijk=None if code is None else str(gemeente.buurten.loc[code, "wijkcode"]),
        gereed=None if gereed is None else int(gereed),
        bezettingsgraad=float(graad),
        leeftijdsopbouw={band: float(leeftijd[band]) for band in LEEFTIJDSBANDEN},
    )


#: A scenario may build at most this share of the gemeente's current housing stock: more
#: than doubling a gemeente is no plausible programme but a typo (10^12 homes, 7000 for 700).
#: The largest Dutch programmes stay well below it (Arnhem's Rijnpark: ~7,000 homes on ~80,000
#: households, 9%; the demo's Havenkwartier ~30%).
MAX_AANDEEL_VOORRAAD = 1.0


def woningvoorraad(gemeente: Gemeente) -> tuple[float, str] | None:
    """The gemeente's current housing stock and where it comes from: the CBS
    ``Woningvoorraad`` of the wijken where the store has it (a column with that stem), else the
    households of the buurten, else the residents (an upper bound); None when nothing says.

    Examples
    --------
    >>> from gebiedsplan.importeren import demo_gemeente
    >>> voorraad, bron = woningvoorraad(demo_gemeente())
    >>> bron
    'huishoudens in de buurten (aantal_huishoudens)'
    """
    for laag in (gemeente.wijken, gemeente.buurten):
        kolom = next(
            (
                k
                for k in laag.columns
                if re.fullmatch(r"woningvoorraad|(\w+_)?Woningvoorraad(_\d+)?", str(k))
            ),
            None,
        )
        if kolom is not None:
            waarden = pd.to_numeric(laag[kolom], errors="coerce")
            if waarden.notna().any():
                return float(waarden.sum()), f"CBS-woningvoorraad van de wijken ({kolom})"
    for kolom, tekst in (
        ("aantal_huishoudens", "huishoudens in de buurten (aantal_huishoudens)"),
        ("aantal_inwoners", "inwoners in de buurten (aantal_inwoners; bovengrens)"),
    ):
        if kolom in gemeente.buurten.columns:
            waarden = pd.to_numeric(gemeente.buurten[kolom], errors="coerce")
            if waarden.notna().any():
                return float(waarden.sum()), tekst
    return None


def _check_woningen(lezer: _Lezer, stappen: list[Stap], gemeente: Gemeente) -> None:
    """All homes of the scenario's housing steps against the gemeente's current stock."""
    bouw = [stap for stap in stappen if stap.soort == "woningbouw"]
    totaal = sum(n for stap in bouw for fase in stap.fasen for n in fase.woningen.values())
    voorraad = woningvoorraad(gemeente)
    if not bouw or voorraad is None:
        return
    aantal, bron = voorraad
    if totaal > MAX_AANDEEL_VOORRAAD * aantal:
        lezer.problemen.append(
            f"regel {bouw[0].regel}: het scenario bouwt {getal(totaal)} woningen, meer dan de "
            f"{getal(aantal)} die gemeente {gemeente.code} nu heeft ({bron}); meer dan "
            f"{getal(100 * MAX_AANDEEL_VOORRAAD)}% van de huidige voorraad is geen plausibel "
            "programma. Controleer de aantallen (een nul te veel, een punt als "
            "duizendtal-scheiding?)"
        )


def load_scenario(pad: str | Path, gemeente: Gemeente) -> Scenario:
    """Read and check a scenario file against a gemeente.

    Raises
    ------
    ScenarioError
        Listing every problem with its line: unknown accommodation, negative homes, numbers
        written as text or homes with a decimal point (``2.000``), more homes than the
        gemeente has now (:data:`MAX_AANDEEL_VOORRAAD`, :func:`woningvoorraad`), unknown
        category, a gebied outside the gemeente, a point outside the gemeente (degrees or
        swapped x and y named as such), unknown step.

    Examples
    --------
    >>> from gebiedsplan.importeren import demo_gemeente
    >>> from gebiedsplan.analyse.scenario import load_scenario
    >>> s = load_scenario("wijken/scenarios/demo_havenkwartier.yml", demo_gemeente())
    >>> [stap.soort for stap in s.stappen]
    ['open', 'woningbouw', 'opvang']
    """
    bestand = Path(pad)
    data, lines = load_yaml_with_lines(bestand)
    lezer = _Lezer(bestand, lines)
    if not isinstance(data, Mapping):
        raise ScenarioError(bestand, ["verwacht velden scenario, stappen"])
    aannames = woningbouw_aannames() | dict(data.get("aannames") or {})
    typen = aannames["woningtypen"]
    categorieen = load_catalogus().categorieen
    accommodaties = gemeente.accommodaties
    ids = set(accommodaties.index) if accommodaties is not None else set()
    vlak = shapely.union_all(gemeente.wijken.geometry.to_numpy())
    stappen: list[Stap] = []
    for i, spec in enumerate(data.get("stappen") or []):
        spad: Pad = ("stappen", i)
        if not isinstance(spec, Mapping) or len(spec) != 1:
            lezer.fout(spad, f"een stap is één van: {', '.join(STAPSOORTEN)}")
            continue
        ((soort, velden),) = spec.items()
        vpad: Pad = (*spad, soort)
        if soort not in STAPSOORTEN:
            lezer.fout(spad, f"onbekende stap '{soort}'; kies uit {', '.join(STAPSOORTEN)}")
            continue
        if not isinstance(velden, Mapping):
            lezer.fout(vpad, f"stap '{soort}' heeft velden nodig")
            continue
        regel = lezer.regel(vpad)
        acc = velden.get("accommodatie")
        if acc is not None and str(acc) not in ids:
            lezer.fout(
                (*vpad, "accommodatie"),
                f"onbekende accommodatie '{acc}'; de laag accommodaties kent "
                f"{', '.join(sorted(ids)[:8]) or 'geen'}{' ...' if len(ids) > 8 else ''}",
            )
            continue
        if soort in ("sluit", "verplaats", "capaciteit") and acc is None:
            lezer.fout(vpad, f"stap '{soort}' noemt welke accommodatie (accommodatie: id)")
            continue
        if soort == "opvang":
            stap = _opvang(lezer, velden, vpad, gemeente, vlak)
            if stap is not None:
                stappen.append(stap)
        elif soort == "sluit":
            stappen.append(Stap("sluit", regel, accommodatie=str(acc)))
        elif soort == "capaciteit":
            cap = _getal(lezer, velden.get("capaciteit"), (*vpad, "capaciteit"), "capaciteit")
            if cap is not None:
                stappen.append(Stap("capaciteit", regel, accommodatie=str(acc), capaciteit=cap))
        elif soort == "verplaats":
            xy = _xy(lezer, velden, vpad, vlak)
            if xy is not None:
                stappen.append(Stap("verplaats", regel, accommodatie=str(acc), xy=xy))
        elif soort == "open" and acc is not None:
            stappen.append(Stap("open", regel, accommodatie=str(acc)))
        elif soort == "open":
            functies = velden.get("functies") or []
            functies = [functies] if isinstance(functies, str) else list(functies)
            onbekend = [f for f in functies if f not in categorieen]
            if not functies or onbekend:
                lezer.fout(
                    (*vpad, "functies"),
                    f"onbekende categorie {', '.join(map(str, onbekend)) or '(geen)'}; "
                    f"kies uit {', '.join(categorieen)}",
                )
                continue
            xy = _xy(lezer, velden, vpad, vlak)
            cap = velden.get("capaciteit")
            if cap is not None:
                cap = _getal(lezer, cap, (*vpad, "capaciteit"), "capaciteit")
            if xy is not None:
                stappen.append(
                    Stap(
                        "open",
                        regel,
                        naam=str(velden.get("naam", "Nieuwe accommodatie")),
                        functies=tuple(functies),
                        xy=xy,
                        capaciteit=cap,
                    )
                )
        else:  # woningbouw
            gebied = velden.get("gebied")
            if gebied not in gemeente.gebieden:
                lezer.fout(
                    (*vpad, "gebied"),
                    f"gebied '{gebied}' bestaat niet in gemeente {gemeente.code}; bekend: "
                    f"{', '.join(gemeente.gebieden) or 'geen'}",
                )
                continue
            fasen = _fasen(lezer, velden.get("fasen"), (*vpad, "fasen"), typen)
            if fasen:
                stappen.append(Stap("woningbouw", regel, gebied=str(gebied), fasen=fasen))
    peiljaar = data.get("peiljaar")
    if peiljaar is not None:
        peiljaar = _getal(lezer, peiljaar, ("peiljaar",), "peiljaar", minimum=2000, geheel=True)
    _check_woningen(lezer, stappen, gemeente)
    if not stappen and not lezer.problemen:
        lezer.fout(("stappen",), "het scenario heeft geen stappen")
    if lezer.problemen:
        raise ScenarioError(bestand, lezer.problemen)
    return Scenario(
        naam=str(data.get("scenario", bestand.stem)),
        omschrijving=str(data.get("omschrijving", "")),
        stappen=tuple(stappen),
        bestand=bestand,
        peiljaar=int(peiljaar) if peiljaar else None,
        aannames=aannames,
    )


def new_residents(
    stap: Stap, *, aannames: Mapping[str, Any], peiljaar: int | None = None
) -> pd.Series:
    """Residents by age band that a housing or opvang step adds (ready by ``peiljaar``).

    ``woningbouw``: residents = sum over types of homes x personen_per_woning (phases ready by
    ``peiljaar``), split with the shares of ``aannames["leeftijd"]``. ``opvang``: residents =
    plaatsen x bezettingsgraad (none when it opens after ``peiljaar``), split with the step's
    ``leeftijdsopbouw`` (``aannames`` is not used). Split by largest remainder, so the bands
    sum to the total.

    Examples
    --------
    >>> from gebiedsplan.analyse.scenario import Fase, Stap, new_residents
    >>> from gebiedsplan.catalogus import opvang_aannames, woningbouw_aannames
    >>> stap = Stap("woningbouw", 1, gebied="X", fasen=(Fase("1", 2030, {"koop": 100}),))
    >>> int(new_residents(stap, aannames=woningbouw_aannames()).sum())
    240
    >>> azc = Stap("opvang", 1, plaatsen=750, bezettingsgraad=1.0,
    ...     leeftijdsopbouw=opvang_aannames()["leeftijd"])
    >>> new_residents(azc, aannames={}).to_dict()["inwoners_0_tot_15_jaar"]
    165
    """
    if stap.soort == "opvang":
        assert stap.plaatsen is not None and stap.leeftijdsopbouw is not None
        open_ = peiljaar is None or stap.gereed is None or stap.gereed <= peiljaar
        totaal = stap.plaatsen * (stap.bezettingsgraad or 1.0) if open_ else 0.0
        leeftijd = stap.leeftijdsopbouw
    else:
        typen = aannames["woningtypen"]
        totaal = 0.0
        for fase in stap.fasen:
            if peiljaar is not None and fase.gereed > peiljaar:
                continue
            totaal += sum(n * typen[t]["personen_per_woning"] for t, n in fase.woningen.items())
        leeftijd = aannames["leeftijd"]
    shares = np.array([leeftijd[band] for band in LEEFTIJDSBANDEN], dtype=float)
    banden = split_integer(int(round(totaal)), shares)
    return pd.Series(banden, index=list(LEEFTIJDSBANDEN), name="inwoners")


def apply_scenario(gemeente: Gemeente, scenario: Scenario) -> Gemeente:
    """The gemeente as the scenario leaves it (a new object; the input is not changed).

    - ``sluit``: the accommodation gets status ``gesloten``; its linked facilities go.
    - ``open``: a planned (or a new) accommodation is in use; its functions count as facilities
      (see :func:`gebiedsplan.gemeente.effective_voorzieningen`).
    - ``verplaats``: the accommodation and its linked facilities move.
    - ``capaciteit``: the accommodation and its linked facilities get the new capacity.
    - ``woningbouw``: new residents (:func:`new_residents`) are spread over the gebied as demand
      points (100 m grid) and added to the buurten they fall in.
    - ``opvang``: its residents (:func:`new_residents`) are one demand point at its location,
      added to its buurt (``aantal_inwoners`` and every age band, so each target group grows by
      its share of them).
    """
    from gebiedsplan.bronnen.vraag import vraagpunten_from_buurten

    voorzieningen = gemeente.voorzieningen.copy()
    accommodaties = gemeente.accommodaties.copy() if gemeente.accommodaties is not None else None
    vraagpunten, buurten = gemeente.vraagpunten, gemeente.buurten
    if any(stap.soort in VRAAGSTAPPEN for stap in scenario.stappen):
        # (only new residents change them; otherwise the scenario shares them with the input)
        vraagpunten = vraagpunten.copy() if vraagpunten is not None else None
        buurten = buurten.copy()
    if "accommodatie_id" not in voorzieningen.columns:
        voorzieningen["accommodatie_id"] = None
    for stap in scenario.stappen:
        gekoppeld = voorzieningen["accommodatie_id"] == stap.accommodatie
        if stap.soort == "sluit":
            assert accommodaties is not None
            accommodaties.loc[stap.accommodatie, "status"] = "gesloten"
            voorzieningen = voorzieningen[~gekoppeld]
        elif stap.soort == "capaciteit":
            assert accommodaties is not None
            accommodaties.loc[stap.accommodatie, "capaciteit"] = stap.capaciteit
            voorzieningen.loc[gekoppeld, "capaciteit"] = stap.capaciteit
        elif stap.soort == "verplaats":
            assert accommodaties is not None and stap.xy is not None
            punt = shapely.Point(stap.xy)
            accommodaties.loc[stap.accommodatie, "geometry"] = punt
            voorzieningen.loc[gekoppeld, "geometry"] = punt
        elif stap.soort == "open" and stap.accommodatie is not None:
            assert accommodaties is not None
            accommodaties.loc[stap.accommodatie, "status"] = "in_gebruik"
        elif stap.soort == "open":
            assert stap.xy is not None
            rij = {
                "naam": stap.naam,
                "functies": ";".join(stap.functies),
                "eigenaar": "scenario",
                "bvo_m2": 0.0,
                "capaciteit": stap.capaciteit,
                "bezetting": np.nan,
                "status": "in_gebruik",
            }
            extra = gpd.GeoDataFrame(
                [rij],
                geometry=[shapely.Point(stap.xy)],
                index=pd.Index([f"scenario{stap.regel}"], name="id"),
                crs=buurten.crs,
            )
            accommodaties = extra if accommodaties is None else pd.concat([accommodaties, extra])
        elif stap.soort == "woningbouw":
            assert stap.gebied is not None
            erbij = new_residents(stap, aannames=scenario.aannames, peiljaar=scenario.peiljaar)
            if erbij.sum() == 0:
                continue
            gebied = gemeente.gebieden[stap.gebied]
            plan = gpd.GeoDataFrame(
                {"aantal_inwoners": [int(erbij.sum())], "wijkcode": ["-"]},
                geometry=[gebied.geometrie],
                index=pd.Index(["BU00000000"], name="buurtcode"),  # placeholder, see below
                crs=buurten.crs,
            )
            punten = vraagpunten_from_buurten(plan)
            # every new point belongs to the buurt it falls in
            # (a point on a buurt border takes the first buurt; none is dropped)
            binnen = gpd.sjoin(punten[["geometry"]], buurten[["geometry"]], predicate="intersects")
            codes = binnen["buurtcode"].groupby(level=0).first()
            buiten = punten.index.difference(codes.index)
            if len(buiten):
                dichtst = gpd.sjoin_nearest(punten.loc[buiten, ["geometry"]], buurten[["geometry"]])
                codes = pd.concat([codes, dichtst["buurtcode"].groupby(level=0).first()])
            punten = punten.assign(buurtcode=codes.reindex(punten.index))
            vraagpunten = _add_residents(vraagpunten, buurten, punten, erbij, stap)
            log.info(
                "Scenario %s: %d nieuwe inwoners in %s",
                scenario.naam,
                int(erbij.sum()),
                stap.gebied,
            )
        elif stap.soort == "opvang":
            assert stap.xy is not None and stap.buurt is not None
            erbij = new_residents(stap, aannames=scenario.aannames, peiljaar=scenario.peiljaar)
            if erbij.sum() == 0:
                log.info(
                    "Scenario %s: de opvang van regel %d voegt geen bewoners toe (gereed %s, "
                    "peiljaar %s)",
                    scenario.naam,
                    stap.regel,
                    stap.gereed,
                    scenario.peiljaar,
                )
                continue
            # one address, one demand point (the method 'adressen' of the demand layer)
            punten = gpd.GeoDataFrame(
                {"inwoners": [int(erbij.sum())], "buurtcode": [stap.buurt], "methode": "adressen"},
                geometry=[shapely.Point(stap.xy)],
                crs=buurten.crs,
            )
            vraagpunten = _add_residents(vraagpunten, buurten, punten, erbij, stap)
            # never the name or the location, not even in the log
            log.info(
                "Scenario %s: opvang met %d bewoners in wijk %s",
                scenario.naam,
                int(erbij.sum()),
                stap.wijk,
            )
    return dataclasses.replace(
        gemeente,
        voorzieningen=voorzieningen,
        accommodaties=accommodaties,
        vraagpunten=vraagpunten,
        buurten=buurten,
    )


def _add_residents(
    vraagpunten: gpd.GeoDataFrame | None,
    buurten: gpd.GeoDataFrame,
    punten: gpd.GeoDataFrame,
    erbij: pd.Series,
    stap: Stap,
) -> gpd.GeoDataFrame:
    """Add a step's new demand points (with ``buurtcode``) and grow the buurten they fall in:
    ``aantal_inwoners`` by the points' residents, each age band by its share of ``erbij`` in
    proportion to the points the buurt received. ``buurten`` is changed in place (a copy made
    by :func:`apply_scenario`); the demand points are returned."""
    punten = punten.copy()
    punten.index = pd.Index([f"scenario{stap.regel}:{i}" for i in range(len(punten))], name="id")
    per_buurt = punten.groupby("buurtcode")["inwoners"].sum()
    aandeel = per_buurt / per_buurt.sum()
    onbekend = [c for c in per_buurt.index if pd.isna(buurten.loc[c, "aantal_inwoners"])]
    if onbekend:
        log.warning(
            "Scenario, regel %d: buurt %s heeft geen bekend aantal inwoners (CBS houdt kleine "
            "aantallen geheim); de nieuwe inwoners tellen als vraagpunten, maar niet in de "
            "buurttotalen en doelgroepen van die buurt",
            stap.regel,
            ", ".join(map(str, onbekend)),
        )
    for code, deel in aandeel.items():
        buurten.loc[code, "aantal_inwoners"] = (
            buurten.loc[code, "aantal_inwoners"] + per_buurt[code]
        )
        for band in LEEFTIJDSBANDEN:
            if band in buurten.columns:
                buurten.loc[code, band] = buurten.loc[code, band] + round(deel * erbij[band])
    return punten if vraagpunten is None else pd.concat([vraagpunten, punten])


#: Columns whose difference (scenario - baseline) the comparison reports.
VERSCHIL_KOLOMMEN = [
    "inwoners",
    "inwoners_buiten_norm",
    "aandeel_binnen_norm",
    "hiaatscore",
    "aantal_voorzieningen",
    "benodigde_capaciteit",
    "aanwezige_capaciteit",
    "capaciteitstekort",
]


@dataclass(frozen=True)
class ScenarioResultaat:
    """A scenario's analysis and its difference from the baseline, per wijk x category."""

    scenario: Scenario
    analyse: Any
    verschil: pd.DataFrame


def compare_scenario(
    basis: Any, scenario: Scenario, *, niveaus: tuple[str, ...] = ("wijk", "buurt", "gebied")
) -> ScenarioResultaat:
    """Run a scenario against a baseline analysis; the difference per wijk and category.

    Parameters
    ----------
    basis
        :class:`gebiedsplan.analyse.run.Analyse` of the gemeente as it is (its compiled network is
        reused). A scenario that only changes facilities is answered from the baseline: only
        what the changed facilities reach is computed again. The first such scenario also
        prepares what later ones reuse (kept in ``basis.cache``), so it takes longer.
    scenario
        From :func:`load_scenario`.
    niveaus
        Which gap tables the scenario's analysis recomputes when only facilities change
        (``wijk`` always; ``buurt`` and ``gebied`` are ``None`` when left out).

    Returns
    -------
    ScenarioResultaat
        ``verschil``: per (wijkcode, categorie) the baseline (``_basis``), the scenario
        (``_scenario``) and the difference (``_verschil``) of :data:`VERSCHIL_KOLOMMEN`; only
        rows where something changed, largest increase of residents outside the norm first.

    Examples
    --------
    >>> from gebiedsplan.analyse.run import run_analyse
    >>> from gebiedsplan.importeren import demo_gemeente
    >>> g = demo_gemeente()
    >>> basis = run_analyse(g)
    >>> r = compare_scenario(basis, load_scenario("wijken/scenarios/demo_sluit_havenhuis.yml", g))
    >>> r.verschil.index[0]
    ('WK999903', 'ontmoeting')
    """
    from gebiedsplan.analyse.run import run_analyse

    gemeente = apply_scenario(basis.gemeente, scenario)
    wijken = list(basis.hiaten.index.get_level_values("wijkcode").unique())
    alle = len(wijken) == len(basis.gemeente.wijken)
    if any(stap.soort in VRAAGSTAPPEN for stap in scenario.stappen) or not alle:
        na = run_analyse(gemeente, netwerk=basis.netwerk, wijken=None if alle else wijken)
    else:
        na = run_incremental(basis, gemeente, niveaus=niveaus)
    return ScenarioResultaat(scenario, na, _difference(basis.hiaten, na.hiaten))


def _difference(voor: pd.DataFrame, na: pd.DataFrame) -> pd.DataFrame:
    """The rows of two gap tables where :data:`VERSCHIL_KOLOMMEN` differ (see
    :func:`compare_scenario`)."""
    if not voor.index.equals(na.index):
        na = na.reindex(voor.index)
    a = voor[VERSCHIL_KOLOMMEN].to_numpy(dtype=float, na_value=np.nan)
    b = na[VERSCHIL_KOLOMMEN].to_numpy(dtype=float, na_value=np.nan)
    with np.errstate(invalid="ignore"):
        verschil = b - a
        rijen = np.flatnonzero((np.abs(verschil) > 1e-9).any(axis=1))
    # largest increase of residents outside the norm first (the sort of sort_values)
    buiten = verschil[rijen, VERSCHIL_KOLOMMEN.index("inwoners_buiten_norm")]
    rijen = rijen[pd.Series(buiten).sort_values(ascending=False).index.to_numpy()]
    kolommen: dict[str, Any] = {
        "wijknaam": voor["wijknaam"].array[rijen],
        "categorie_label": voor["categorie_label"].array[rijen],
    }
    for deel, tabel in (("basis", voor), ("scenario", na)):
        for k in VERSCHIL_KOLOMMEN:
            kolommen[f"{k}_{deel}"] = tabel[k].array[rijen]
    for i, k in enumerate(VERSCHIL_KOLOMMEN):
        kolommen[f"{k}_verschil"] = verschil[rijen, i]
    return pd.DataFrame(kolommen, index=voor.index[rijen])
