"""Scenarios as files: close, open or move an accommodation, change its capacity, build homes.

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

Accommodations are facilities for each of their ``functies`` while in use: a step changes the
accommodation and the facilities linked to it (``voorzieningen.accommodatie_id``). New homes
become residents with the household sizes and age profile of ``lagen/catalogus/woningbouw.yml``
(or the file's own ``aannames``), spread over the gebied as demand points.

Every problem of a file is reported at once, with its line number.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import yaml
from scipy.sparse import csr_array

from gebiedsplan import settings
from gebiedsplan._errors import GebiedsplanError
from gebiedsplan._kolommen import kolom
from gebiedsplan._yaml import Pad, load_yaml_with_lines
from gebiedsplan.catalogus import load_catalogus
from gebiedsplan.gemeente import Gemeente
from gebiedsplan.netwerk import Koppeling, Netwerk
from gebiedsplan.vraag import split_integer

log = logging.getLogger(__name__)

STAPSOORTEN = ("sluit", "open", "verplaats", "capaciteit", "woningbouw")
LEEFTIJDSBANDEN = (
    "inwoners_0_tot_15_jaar",
    "inwoners_15_tot_25_jaar",
    "inwoners_25_tot_45_jaar",
    "inwoners_45_tot_65_jaar",
    "inwoners_65_jaar_en_ouder",
)


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
    """One step of a scenario; ``regel`` is its line in the file."""

    soort: str
    regel: int
    accommodatie: str | None = None
    naam: str | None = None
    functies: tuple[str, ...] = ()
    xy: tuple[float, float] | None = None
    capaciteit: float | None = None
    gebied: str | None = None
    fasen: tuple[Fase, ...] = ()


@dataclass(frozen=True)
class Scenario:
    """A validated scenario for one gemeente."""

    naam: str
    omschrijving: str
    stappen: tuple[Stap, ...]
    bestand: Path
    peiljaar: int | None = None
    aannames: Mapping[str, Any] = field(default_factory=dict)


@lru_cache(maxsize=2)
def _woningbouw_aannames(map_: Path) -> dict[str, Any]:
    with (map_ / "woningbouw.yml").open(encoding="utf-8") as f:
        return dict(yaml.safe_load(f))


def woningbouw_aannames() -> dict[str, Any]:
    """Household sizes per home type and the age profile of new residents, with their source."""
    return _woningbouw_aannames(Path(settings.catalogus_dir).resolve())


class _Lezer:
    """Collects the problems of one file, each with its line."""

    def __init__(self, bestand: Path, lines: Mapping[Pad, int]) -> None:
        self.bestand = bestand
        self.lines = lines
        self.problemen: list[str] = []

    def regel(self, pad: Pad) -> int:
        while pad not in self.lines and pad:
            pad = pad[:-1]
        return self.lines.get(pad, 0)

    def fout(self, pad: Pad, tekst: str) -> None:
        self.problemen.append(f"regel {self.regel(pad)}: {tekst}")


def _getal(lezer: _Lezer, waarde: Any, pad: Pad, wat: str, *, minimum: float = 0) -> float | None:
    if isinstance(waarde, bool) or not isinstance(waarde, int | float):
        lezer.fout(pad, f"{wat} moet een getal zijn (gekregen: {waarde!r})")
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
        gereed = _getal(lezer, f.get("gereed"), (*fpad, "gereed"), "gereed (jaar)", minimum=2000)
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
                n = _getal(lezer, aantal, (*fpad, "woningen", soort), f"woningen {soort}")
                if n is not None:
                    per_type[str(soort)] = int(round(n))
        else:
            totaal = _getal(lezer, woningen, (*fpad, "woningen"), "woningen")
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
        lezer.fout(
            (*pad, "x"),
            f"punt ({x:.0f}, {y:.0f}) ligt buiten de gemeente; geef RD-coördinaten (EPSG:28992)",
        )
        return None
    return (x, y)


def load_scenario(pad: str | Path, gemeente: Gemeente) -> Scenario:
    """Read and check a scenario file against a gemeente.

    Raises
    ------
    ScenarioError
        Listing every problem with its line: unknown accommodation, negative homes, unknown
        category, a gebied outside the gemeente, a point outside the gemeente, unknown step.

    Examples
    --------
    >>> from gebiedsplan.bronnen.demo import demo_gemeente
    >>> from gebiedsplan.scenario import load_scenario
    >>> s = load_scenario("wijken/scenarios/demo_havenkwartier.yml", demo_gemeente())
    >>> [stap.soort for stap in s.stappen]
    ['open', 'woningbouw']
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
        if soort == "sluit":
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
        peiljaar = _getal(lezer, peiljaar, ("peiljaar",), "peiljaar", minimum=2000)
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
    """Residents by age band that a housing step adds (phases ready by ``peiljaar``).

    residents = sum over types of homes x personen_per_woning; split over the age bands with
    the shares of ``leeftijd`` (largest remainder, so the bands sum to the total).

    Examples
    --------
    >>> from gebiedsplan.scenario import Fase, Stap, new_residents, woningbouw_aannames
    >>> stap = Stap("woningbouw", 1, gebied="X", fasen=(Fase("1", 2030, {"koop": 100}),))
    >>> int(new_residents(stap, aannames=woningbouw_aannames()).sum())
    240
    """
    typen = aannames["woningtypen"]
    totaal = 0.0
    for fase in stap.fasen:
        if peiljaar is not None and fase.gereed > peiljaar:
            continue
        totaal += sum(n * typen[t]["personen_per_woning"] for t, n in fase.woningen.items())
    shares = np.array([aannames["leeftijd"][band] for band in LEEFTIJDSBANDEN], dtype=float)
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
    """
    from gebiedsplan.vraag import vraagpunten_from_buurten

    voorzieningen = gemeente.voorzieningen.copy()
    accommodaties = gemeente.accommodaties.copy() if gemeente.accommodaties is not None else None
    vraagpunten, buurten = gemeente.vraagpunten, gemeente.buurten
    if any(stap.soort == "woningbouw" for stap in scenario.stappen):
        # (only housing changes them; otherwise the scenario shares them with the input)
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
            punten.index = pd.Index(
                [f"scenario{stap.regel}:{i}" for i in range(len(punten))], name="id"
            )
            vraagpunten = punten if vraagpunten is None else pd.concat([vraagpunten, punten])
            # buurt totals and age bands grow in proportion to the points they received
            per_buurt = punten.groupby("buurtcode")["inwoners"].sum()
            aandeel = per_buurt / per_buurt.sum()
            for code, deel in aandeel.items():
                buurten.loc[code, "aantal_inwoners"] = (
                    buurten.loc[code, "aantal_inwoners"] + per_buurt[code]
                )
                for band in LEEFTIJDSBANDEN:
                    if band in buurten.columns:
                        buurten.loc[code, band] = buurten.loc[code, band] + round(
                            deel * erbij[band]
                        )
            log.info(
                "Scenario %s: %d nieuwe inwoners in %s",
                scenario.naam,
                int(erbij.sum()),
                stap.gebied,
            )
    return dataclasses.replace(
        gemeente,
        voorzieningen=voorzieningen,
        accommodaties=accommodaties,
        vraagpunten=vraagpunten,
        buurten=buurten,
    )


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
        :class:`gebiedsplan.analyse.Analyse` of the gemeente as it is (its compiled network is
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
    >>> from gebiedsplan.analyse import run_analyse
    >>> from gebiedsplan.bronnen.demo import demo_gemeente
    >>> g = demo_gemeente()
    >>> basis = run_analyse(g)
    >>> r = compare_scenario(basis, load_scenario("wijken/scenarios/demo_sluit_havenhuis.yml", g))
    >>> r.verschil.index[0]
    ('WK999903', 'ontmoeting')
    """
    from gebiedsplan.analyse import run_analyse

    gemeente = apply_scenario(basis.gemeente, scenario)
    wijken = list(basis.hiaten.index.get_level_values("wijkcode").unique())
    alle = len(wijken) == len(basis.gemeente.wijken)
    if any(stap.soort == "woningbouw" for stap in scenario.stappen) or not alle:
        na = run_analyse(gemeente, netwerk=basis.netwerk, wijken=None if alle else wijken)
    else:
        na = _incremental(basis, gemeente, niveaus=niveaus)
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


# --------------------------------------------------------------------------- incremental answer
#
# A scenario that only changes facilities (close, open, move, capacity) leaves the demand points,
# buurten and the network alone. What a baseline computed once for that is kept in
# ``Analyse.cache["scenario"]`` (:class:`_Basis`); a scenario then
#
# - inserts only the changed facilities (and all of a category that lost one) into the network
#   and gives new entries only to the demand points on the segments they split;
# - runs one bounded search from each place where facilities came or went. Counts change by the
#   facilities within the radius. A point keeps its nearest distance unless a facility that went
#   was its nearest (then one multi-source search over the category gives the new one) or one
#   that came is nearer (min of both). How far a search must reach follows from a lower bound of
#   every point's distance (straight line / ``rek``, see :func:`_lower_bound`);
# - aggregates again only the buurten and wijken whose points changed, in point order, so the
#   sums add the same numbers in the same order as the full aggregation;
# - recomputes the gap rows of the changed categories from per-buurt sums and ranks once.
#
# Equal to ``run_analyse`` on the scenario's gemeente, up to rounding in the last bits of some
# distances (inserting other facilities splits street segments, and the pieces add up to the
# segment length only up to rounding; a full recomputation differs from the baseline in the same
# way): tests/test_scenario.py and benchmarks/bench_scenario.py check it.


@dataclass(frozen=True)
class _Niveau:
    """One gap table of the baseline as sums of buurten."""

    m: csr_array  # areas × buurten
    rijen: dict[str, np.ndarray]  # categorie -> the table row of every area (order of m)
    naam_plek: np.ndarray  # :func:`gebiedsplan.hiaten._name_order` of the table


@dataclass(frozen=True)
class _Punten:
    """Demand points grouped by area: the points of a set of areas in their original order."""

    groep: np.ndarray  # group number of every point
    codes: pd.Index  # area code of every group
    volgorde: np.ndarray  # points sorted by group
    start: np.ndarray  # where each group starts in ``volgorde``

    @classmethod
    def of(cls, codes: pd.Series) -> _Punten:
        groep, uniek = pd.factorize(codes, sort=True)
        volgorde = np.argsort(groep, kind="stable")
        start = np.searchsorted(groep[volgorde], np.arange(len(uniek) + 1))
        return cls(groep, pd.Index(uniek, name=codes.name), volgorde, start)

    def punten(self, groepen: np.ndarray) -> np.ndarray:
        """Positions of the points of ``groepen``, ascending."""
        delen = [self.volgorde[self.start[g] : self.start[g + 1]] for g in groepen]
        return np.sort(np.concatenate(delen)) if delen else np.empty(0, dtype=np.int64)


@dataclass(frozen=True)
class _Basis:
    """What scenarios reuse of a baseline analysis."""

    net: Netwerk  # with segments
    vraag_koppeling: Koppeling
    vraag_rij: np.ndarray  # entries into the network without inserted facilities
    vraag_afstand_m: np.ndarray
    ingang_x: np.ndarray  # coordinates of those entries
    ingang_y: np.ndarray
    vraag_inwoners: np.ndarray
    component: np.ndarray  # weak component of every demand point (-1: not attached)
    per_buurt_punten: _Punten
    per_wijk_punten: _Punten
    buurt_boom: shapely.STRtree
    vz_buurt: pd.Series  # buurt position of every baseline facility
    knoop_component: np.ndarray
    stralen: dict[str, list[float]]
    bereik_buurt: dict[str, dict[str, np.ndarray]]
    behoefte: dict[str, tuple[np.ndarray, np.ndarray]]
    niveaus: dict[str, _Niveau]


def _scenario_basis(basis: Any) -> _Basis:
    """The baseline's :class:`_Basis`, built at the first scenario and kept in its cache."""
    if "scenario" in basis.cache:
        return basis.cache["scenario"]
    from scipy.sparse.csgraph import connected_components

    from gebiedsplan.bereikbaarheid import MAX_SNAP_M, categories_of
    from gebiedsplan.hiaten import (
        _buurt_tree,
        _facility_buurt,
        _membership,
        _name_order,
        _need_per_buurt,
        _reach_per_buurt,
    )
    from gebiedsplan.netwerk import ingangen, snap_to_edges, with_segments

    gemeente = basis.gemeente
    vraag = gemeente.vraagpunten
    buurten = gemeente.buurten
    net = with_segments(basis.netwerk)
    # run_analyse keeps the demand points' snap; an Analyse made otherwise gets it here
    koppeling = basis.cache.get("vraag_koppeling")
    if koppeling is None or len(koppeling.kant) != len(vraag):
        koppeling = snap_to_edges(net, vraag, max_snap_m=MAX_SNAP_M)
    rij, afstand = ingangen(net, koppeling)
    _, knoop_component = connected_components(net.graaf, directed=True, connection="weak")
    assert net.kant_van is not None
    component = np.where(koppeling.los, -1, knoop_component[net.kant_van[koppeling.kant]])
    cats = categories_of(basis.bereik)
    stralen = {
        c: [
            float(k[len(kolom("aantal", c)) + 1 : -1])
            for k in basis.bereik.columns
            if re.fullmatch(re.escape(kolom("aantal", c)) + r"_[0-9.eE+-]+m", k)
        ]
        for c in cats
    }
    n = len(buurten)
    per_buurt = basis.per_buurt
    rij_buurt = buurten.index.get_indexer(per_buurt.index.get_level_values(0))
    rij_cat = np.asarray(per_buurt.index.get_level_values("categorie"))
    bereik_buurt = {
        c: _reach_per_buurt(per_buurt[rij_cat == c], rij_buurt[rij_cat == c], n) for c in cats
    }
    behoefte = {c: _need_per_buurt(buurten, gemeente.gezondheid, gemeente.normen[c]) for c in cats}
    boom = _buurt_tree(buurten)
    voor = basis.voorzieningen
    vz_buurt = pd.Series(
        _facility_buurt(np.asarray(voor.geometry.to_numpy()), boom), index=voor.index
    )
    indeling: dict[str, tuple[pd.DataFrame | None, Mapping[str, Sequence[str]]]] = {
        "wijk": (
            basis.hiaten,
            {w: list(buurten.index[buurten["wijkcode"] == w]) for w in gemeente.wijken.index},
        ),
        "buurt": (basis.hiaten_buurt, {b: [b] for b in buurten.index}),
        "gebied": (
            basis.hiaten_gebied,
            {naam: list(g.buurten) for naam, g in gemeente.gebieden.items()},
        ),
    }
    niveaus = {}
    for niveau, (tabel, gebieden) in indeling.items():
        if tabel is None:
            continue
        codes = tabel.index.get_level_values(0).unique()
        niveaus[niveau] = _Niveau(
            m=_membership({c: gebieden.get(c, []) for c in codes}, buurten.index),
            rijen={
                c: tabel.index.get_indexer(pd.MultiIndex.from_arrays([codes, [c] * len(codes)]))
                for c in cats
            },
            naam_plek=_name_order(tabel.index),
        )
    wijkcode = vraag["buurtcode"].map(buurten["wijkcode"]).rename("wijkcode")
    staat = _Basis(
        net=net,
        vraag_koppeling=koppeling,
        vraag_rij=rij,
        vraag_afstand_m=afstand,
        ingang_x=net.xy[np.maximum(rij, 0), 0],
        ingang_y=net.xy[np.maximum(rij, 0), 1],
        vraag_inwoners=vraag["inwoners"].to_numpy(),
        component=component,
        per_buurt_punten=_Punten.of(vraag["buurtcode"]),
        per_wijk_punten=_Punten.of(wijkcode),
        buurt_boom=boom,
        vz_buurt=vz_buurt,
        knoop_component=knoop_component,
        stralen=stralen,
        bereik_buurt=bereik_buurt,
        behoefte=behoefte,
        niveaus=niveaus,
    )
    basis.cache["scenario"] = staat
    return staat


@dataclass(frozen=True)
class _Wijziging:
    """How the facilities of a scenario differ from the baseline's."""

    erbij: np.ndarray  # facilities (positions in ``na``) that are new or at a new place
    weg: np.ndarray  # facilities (positions in ``voor``) that went or moved away
    plek: set[str]  # categories whose places changed
    capaciteit: set[str]  # categories whose capacities changed


def _changes(voor: gpd.GeoDataFrame, na: gpd.GeoDataFrame, cats: Sequence[str]) -> _Wijziging:
    from gebiedsplan.hiaten import _capacity

    pos = voor.index.get_indexer(na.index)
    bestaand = np.flatnonzero(pos >= 0)
    oud = pos[bestaand]
    cat_voor = voor["categorie"].astype(str).to_numpy()
    cat_na = na["categorie"].astype(str).to_numpy()
    geom_voor = np.asarray(voor.geometry.to_numpy())
    geom_na = np.asarray(na.geometry.to_numpy())
    anders = ~shapely.equals_exact(geom_voor[oud], geom_na[bestaand], tolerance=0.0) | (
        cat_voor[oud] != cat_na[bestaand]
    )
    erbij = np.union1d(np.flatnonzero(pos < 0), bestaand[anders])
    gebleven = np.zeros(len(voor), dtype=bool)
    gebleven[oud[~anders]] = True
    weg = np.flatnonzero(~gebleven)
    c_voor, c_na = _capacity(voor)[oud], _capacity(na)[bestaand]
    cap_anders = ~((c_voor == c_na) | (np.isnan(c_voor) & np.isnan(c_na))) & ~anders
    gekozen = set(cats)
    return _Wijziging(
        erbij=erbij,
        weg=weg,
        plek=(set(cat_na[erbij]) | set(cat_voor[weg])) & gekozen,
        capaciteit=set(cat_na[bestaand[cap_anders]]) & gekozen,
    )


def _distance_from(aansluiting: Any, blad: int, max_m: float) -> np.ndarray:
    """Network distance from every demand point to one facility (its leaf row), exact where it
    is at most ``max_m`` (a bounded Dijkstra); larger or ``inf`` elsewhere.

    The per-node distances are those of any exact shortest-path search (the least fixed point
    of d(v) = min over edges of d(u) + w, which rounding does not change), so they equal the
    ones :func:`gebiedsplan.bereikbaarheid.nearest_per_point` and ``count_per_point`` find.
    """
    from scipy.sparse.csgraph import dijkstra

    net = aansluiting.netwerk
    d = np.append(dijkstra(net.graaf_terug, directed=True, indices=blad, limit=max_m), np.inf)
    rij = np.where(aansluiting.vraag_rij >= 0, aansluiting.vraag_rij, len(d) - 1)
    afstand = aansluiting.vraag_afstand_m
    return np.minimum(d[rij[:, 0]] + afstand[:, 0], d[rij[:, 1]] + afstand[:, 1])


def _lower_bound(
    ingang_x: np.ndarray, ingang_y: np.ndarray, afstand: np.ndarray, xy: np.ndarray, rek: float
) -> np.ndarray:
    """A lower bound of the network distance from every demand point to a place ``xy``.

    A route of length L never leaves the disc of radius ``rek`` × L (:mod:`gebiedsplan.netwerk`),
    so a point is at least min over its entries of (straight line from the entry / rek + entry
    distance) away. ``ingang_x``, ``ingang_y``: coordinates of the entries (n × 2),
    ``afstand``: the entry distances (``inf`` for none).
    """
    schaal = 1.0 / rek if rek > 0 else 1.0
    grens = [
        np.sqrt((ingang_x[:, i] - xy[0]) ** 2 + (ingang_y[:, i] - xy[1]) ** 2) * schaal
        + afstand[:, i]
        for i in (0, 1)
    ]
    # a little below, so rounding never lifts the bound over a true distance
    return np.minimum(grens[0], grens[1]) * (1 - 1e-9)


def _reach_needed_m(ondergrens: np.ndarray, huidig: np.ndarray) -> float:
    """How far a search from a place must reach to find every demand point that is at most
    ``huidig`` (NaN: none) away from it: the largest ``huidig`` above the point's
    :func:`_lower_bound`."""
    kan = ondergrens <= huidig
    return float(huidig[kan].max()) if kan.any() else 0.0


@dataclass(frozen=True)
class _Invoeging:
    """The changed facilities attached to the network (see :func:`_attach`)."""

    aansluiting: Any  # gebiedsplan.bereikbaarheid.Aansluiting
    categorie: np.ndarray  # per attached facility
    teken: np.ndarray  # +1 came, -1 went, 0 stayed (attached for a full search)
    plaats: list[np.ndarray]  # the facilities (changed, attached) per place
    ingang_x: np.ndarray  # coordinates of the demand points' entries
    ingang_y: np.ndarray
    component: np.ndarray  # weak component of every place


def _attach(
    staat: _Basis,
    voor: gpd.GeoDataFrame,
    na: gpd.GeoDataFrame,
    wijziging: _Wijziging,
    verloren: set[str],
) -> _Invoeging:
    """Insert the facilities that came or went, and all current ones of the categories in
    ``verloren``, into the network; new entries only for the demand points on a split segment."""
    from gebiedsplan.bereikbaarheid import MAX_SNAP_M, Aansluiting
    from gebiedsplan.netwerk import ingangen, insert_punten, snap_to_edges

    plek = list(wijziging.plek)
    cat_na = na["categorie"].astype(str).to_numpy()
    cat_voor = voor["categorie"].astype(str).to_numpy()
    is_erbij = np.zeros(len(na), dtype=bool)
    is_erbij[wijziging.erbij] = True
    huidig = np.flatnonzero(np.isin(cat_na, list(verloren)) | (is_erbij & np.isin(cat_na, plek)))
    oud = wijziging.weg[np.isin(cat_voor[wijziging.weg], plek)]
    geoms = np.concatenate(
        [np.asarray(na.geometry.to_numpy())[huidig], np.asarray(voor.geometry.to_numpy())[oud]]
    )
    kop = snap_to_edges(staat.net, gpd.GeoSeries(geoms, crs=na.crs), max_snap_m=MAX_SNAP_M)
    invoeging = insert_punten(staat.net, kop, shapely.get_coordinates(geoms))
    vk = staat.vraag_koppeling
    rij, afstand = staat.vraag_rij.copy(), staat.vraag_afstand_m.copy()
    ingang_x, ingang_y = staat.ingang_x.copy(), staat.ingang_y.copy()
    geraakt = np.flatnonzero(np.isin(vk.kant, invoeging.split_kant) & ~vk.los)
    if len(geraakt):
        rij[geraakt], afstand[geraakt] = ingangen(
            invoeging,
            Koppeling(
                vk.kant[geraakt], vk.fractie[geraakt], vk.afstand_m[geraakt], vk.los[geraakt]
            ),
        )
        xy = invoeging.netwerk.xy[np.maximum(rij[geraakt], 0)]
        ingang_x[geraakt], ingang_y[geraakt] = xy[..., 0], xy[..., 1]
    teken = np.concatenate([np.where(is_erbij[huidig], 1, 0), np.full(len(oud), -1)])
    # facilities at one place (same segment, position and snap distance) are equally far from
    # every demand point: one search per place
    gewijzigd = np.flatnonzero((teken != 0) & (invoeging.blad >= 0))
    sleutel = np.column_stack(
        [kop.kant[gewijzigd], kop.fractie[gewijzigd], kop.afstand_m[gewijzigd]]
    )
    _, groep = np.unique(sleutel, axis=0, return_inverse=True)
    groep = np.asarray(groep).ravel()
    plaatsen = [gewijzigd[groep == g] for g in range(int(groep.max()) + 1)] if len(groep) else []
    assert staat.net.kant_van is not None
    return _Invoeging(
        aansluiting=Aansluiting(
            netwerk=invoeging.netwerk,
            vraag_rij=rij,
            vraag_afstand_m=afstand,
            vraag_snap_m=vk.afstand_m,
            vraag_los=vk.los,
            blad=invoeging.blad,
            vz_snap_m=kop.afstand_m,
            vz_los=kop.los,
        ),
        categorie=np.concatenate([cat_na[huidig], cat_voor[oud]]),
        teken=teken,
        plaats=plaatsen,
        ingang_x=ingang_x,
        ingang_y=ingang_y,
        component=np.array(
            [staat.knoop_component[staat.net.kant_van[kop.kant[p[0]]]] for p in plaatsen],
            dtype=np.int64,
        ),
    )


def _new_reach(
    basis: Any, staat: _Basis, na: gpd.GeoDataFrame, wijziging: _Wijziging
) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """``bereik`` of the scenario and, per category of ``wijziging.plek``, which demand points
    got another distance.

    Nearest distances: a point keeps its distance unless a facility that went was (one of) its
    nearest, then it gets the distance from one search over the category's current
    facilities; a facility that came brings a point nearer where it is nearer. Counts change
    by the facilities that came or went within the radius.
    """
    from gebiedsplan.bereikbaarheid import nearest_per_point

    voor = basis.voorzieningen
    plek = wijziging.plek
    verloren = set(voor["categorie"].astype(str).to_numpy()[wijziging.weg]) & plek
    inv = _attach(staat, voor, na, wijziging, verloren)
    aansl = inv.aansluiting
    bereik = basis.bereik
    oud = {
        c: bereik[kolom("afstand", c, eenheid="m")].to_numpy(dtype=float, na_value=np.nan)
        for c in plek
    }
    nieuw = {c: v.copy() for c, v in oud.items()}
    delta = {(c, r): np.zeros(len(bereik), dtype=np.int64) for c in plek for r in staat.stralen[c]}
    net = aansl.netwerk

    def ondergrens(p: int) -> np.ndarray:
        blad = aansl.blad[inv.plaats[p][0]]
        return _lower_bound(
            inv.ingang_x, inv.ingang_y, aansl.vraag_afstand_m, net.xy[blad], net.rek
        )

    def zoek(p: int, max_m: float) -> np.ndarray:
        """Distances from place ``p``, exact up to ``max_m`` and its categories' radii."""
        hier = inv.plaats[p]
        stralen = [r for c in set(inv.categorie[hier]) for r in staat.stralen[c]]
        return _distance_from(aansl, int(aansl.blad[hier[0]]), max([max_m, *stralen]))

    gezocht: dict[int, np.ndarray] = {}
    # 1. places where facilities went: the points they were (one of the) nearest to
    geraakt = {c: np.zeros(len(bereik), dtype=bool) for c in verloren}
    for p, hier in enumerate(inv.plaats):
        weg = {str(c) for c in inv.categorie[hier[inv.teken[hier] < 0]]} & verloren
        if not weg:
            continue
        # the same route may round apart on a network with other facilities inserted
        ruim = {c: oud[c] * (1 + 1e-9) + 1e-6 for c in weg}
        o = ondergrens(p)
        d = gezocht[p] = zoek(p, max(_reach_needed_m(o, ruim[c]) for c in weg))
        for c in weg:
            geraakt[c] |= d <= ruim[c]
    for c in verloren:
        if geraakt[c].any():
            huidig = (inv.categorie == c) & (inv.teken >= 0)
            nieuw[c][geraakt[c]] = nearest_per_point(aansl, huidig)[geraakt[c]]
    # 2. places where facilities came: nearer where they are nearer
    for p, hier in enumerate(inv.plaats):
        erbij = {str(c) for c in inv.categorie[hier[inv.teken[hier] > 0]]}
        if erbij:
            # a point without a distance in the place's component may get one: no bound
            eigen = staat.component == inv.component[p]
            if any((np.isnan(nieuw[c]) & eigen).any() for c in erbij):
                max_m = float("inf")
            else:
                o = ondergrens(p)
                max_m = max(_reach_needed_m(o, nieuw[c]) for c in erbij)
            d = gezocht[p] = zoek(p, max_m)
            d_nan = np.where(np.isfinite(d), d, np.nan)
            for c in erbij:
                nieuw[c] = np.fmin(nieuw[c], d_nan)
        # 3. counts change by the facilities within the radius
        d = gezocht[p] if p in gezocht else zoek(p, 0.0)
        for i in hier:
            c = str(inv.categorie[i])
            for r in staat.stralen[c]:
                delta[(c, r)] += int(inv.teken[i]) * (d <= r)
    bereik = bereik.copy(deep=False)
    veranderd = {}
    los = aansl.vraag_los
    for c in plek:
        afstand = nieuw[c]
        onbekend = np.isnan(afstand)
        veranderd[c] = ~((afstand == oud[c]) | (onbekend & np.isnan(oud[c])))
        bereik[kolom("afstand", c, eenheid="m")] = afstand
        bereik[kolom("binnen_norm", c)] = pd.arrays.BooleanArray(
            afstand <= basis.gemeente.normen[c].max_afstand_m, onbekend
        )
        for r in staat.stralen[c]:
            naam = kolom("aantal", c, eenheid=f"{r:g}m")
            if delta[(c, r)].any():
                aantal = bereik[naam].to_numpy(dtype=np.int64, na_value=0) + delta[(c, r)]
                bereik[naam] = pd.arrays.IntegerArray(aantal, los.copy())
    return bereik, veranderd


def _reaggregate(
    tabellen: Sequence[tuple[pd.DataFrame, _Punten]],
    veranderd: np.ndarray,
    bereik: pd.DataFrame,
    vraag_inwoners: np.ndarray,
    cats: Sequence[str],
) -> list[tuple[pd.DataFrame, pd.DataFrame]]:
    """Each table (per area and category, of its grouping of the points) with the areas of the
    changed points aggregated again, and those new rows.

    One :func:`~gebiedsplan.bereikbaarheid.aggregate_bereikbaarheid` call for all tables: the
    areas become group numbers (distinct per table) over the points of the changed areas in
    their original order, so every sum adds the same numbers in the same order as the full
    aggregation.
    """
    from gebiedsplan.bereikbaarheid import aggregate_bereikbaarheid

    posities, groepen, begin = [], [], [0]
    for _, punten in tabellen:
        pos = punten.punten(np.unique(punten.groep[veranderd]))
        posities.append(pos)
        groepen.append(punten.groep[pos] + begin[-1])
        begin.append(begin[-1] + len(punten.codes))
    pos = np.concatenate(posities)
    kolommen = [
        k for c in cats for k in (kolom("afstand", c, eenheid="m"), kolom("binnen_norm", c))
    ]
    nieuw = aggregate_bereikbaarheid(
        pd.DataFrame({k: bereik[k].array[pos] for k in kolommen}),
        pd.DataFrame({"inwoners": vraag_inwoners[pos]}),
        groep=pd.Series(np.concatenate(groepen), name="groep"),
    )
    groep = np.asarray(nieuw.index.get_level_values(0))
    categorie = nieuw.index.get_level_values("categorie")
    uit = []
    for i, (oud, punten) in enumerate(tabellen):
        hier = (groep >= begin[i]) & (groep < begin[i + 1])
        rijen = nieuw[hier]
        rijen.index = pd.MultiIndex.from_arrays(
            [punten.codes[groep[hier] - begin[i]], categorie[hier]], names=oud.index.names
        )
        plek = oud.index.get_indexer(rijen.index)
        assert (plek >= 0).all()
        tabel = oud.copy(deep=False)
        for k in oud.columns:
            waarden = oud[k].to_numpy(copy=True)
            waarden[plek] = rijen[k].to_numpy()
            tabel[k] = waarden
        uit.append((tabel, rijen))
    return uit


def _update_table(
    tabel: pd.DataFrame, indeling: _Niveau, cijfers: Mapping[str, Mapping[str, np.ndarray]]
) -> pd.DataFrame:
    """``tabel`` with the rows of the categories in ``cijfers`` (from
    :func:`gebiedsplan.hiaten._gap_figures`) replaced, ranked again."""
    from gebiedsplan.hiaten import _ranks

    kolommen: dict[str, np.ndarray] = {}
    for c, per_kolom in cijfers.items():
        for k, v in per_kolom.items():
            if k not in kolommen:
                kolommen[k] = tabel[k].to_numpy(copy=True)
            kolommen[k][indeling.rijen[c]] = v
    uit = tabel.copy(deep=False)
    for k, v in kolommen.items():
        uit[k] = v
    uit["rang"] = _ranks(
        uit["hiaatscore"].to_numpy(), uit["inwoners_buiten_norm"].to_numpy(), indeling.naam_plek
    )
    return uit


def _incremental(basis: Any, gemeente: Gemeente, *, niveaus: tuple[str, ...]) -> Any:
    """The scenario's analysis when only facilities changed (see the section comment above)."""
    from gebiedsplan.analyse import Analyse
    from gebiedsplan.gemeente import effective_voorzieningen
    from gebiedsplan.hiaten import (
        _capacity,
        _facilities_per_buurt,
        _facility_buurt,
        _gap_figures,
        _reach_per_buurt,
    )

    voor = basis.voorzieningen
    na = effective_voorzieningen(gemeente)
    if voor is None or not (voor.index.is_unique and na.index.is_unique):
        from gebiedsplan.analyse import run_analyse

        return run_analyse(gemeente, netwerk=basis.netwerk)
    staat = _scenario_basis(basis)
    cats = list(staat.stralen)
    wijziging = _changes(voor, na, cats)
    herzien = wijziging.plek | wijziging.capaciteit
    if not herzien:
        return basis
    bereik, per_buurt, per_wijk = basis.bereik, basis.per_buurt, basis.per_wijk
    buurten = basis.gemeente.buurten
    n = len(buurten)
    bereik_buurt = dict(staat.bereik_buurt)
    if wijziging.plek:
        bereik, veranderd = _new_reach(basis, staat, na, wijziging)
        anders = [c for c in cats if c in veranderd and veranderd[c].any()]
        if anders:
            punt = np.logical_or.reduce([veranderd[c] for c in anders])
            inwoners = staat.vraag_inwoners
            (per_buurt, nieuw), (per_wijk, _) = _reaggregate(
                [(per_buurt, staat.per_buurt_punten), (per_wijk, staat.per_wijk_punten)],
                punt,
                bereik,
                inwoners,
                anders,
            )
            rij_buurt = buurten.index.get_indexer(nieuw.index.get_level_values(0))
            rij_cat = np.asarray(nieuw.index.get_level_values("categorie"))
            for c in anders:
                deel = rij_cat == c
                b = rij_buurt[deel]
                b = b[b >= 0]
                vectoren = _reach_per_buurt(nieuw[deel], rij_buurt[deel], n)
                bijgewerkt = {}
                for k, v in staat.bereik_buurt[c].items():
                    v = v.copy()
                    v[b] = vectoren[k][b]
                    bijgewerkt[k] = v
                bereik_buurt[c] = bijgewerkt
    # the buurt of every facility: the baseline's where it stayed, else looked up
    pos = voor.index.get_indexer(na.index)
    vz_buurt = np.where(pos >= 0, staat.vz_buurt.to_numpy()[np.maximum(pos, 0)], -1)
    vz_buurt[wijziging.erbij] = _facility_buurt(
        np.asarray(na.geometry.to_numpy())[wijziging.erbij], staat.buurt_boom
    )
    cat_na = na["categorie"].astype(str).to_numpy()
    capaciteit = _capacity(na)
    voorzieningen = {
        c: _facilities_per_buurt(vz_buurt[cat_na == c], capaciteit[cat_na == c], n) for c in herzien
    }
    tabellen = {"wijk": basis.hiaten, "buurt": basis.hiaten_buurt, "gebied": basis.hiaten_gebied}
    nieuw_tabel: dict[str, pd.DataFrame | None] = {}
    for niveau, tabel in tabellen.items():
        if tabel is None or niveau not in {"wijk", *niveaus} or niveau not in staat.niveaus:
            nieuw_tabel[niveau] = None
            continue
        indeling = staat.niveaus[niveau]
        cijfers = {
            c: _gap_figures(
                indeling.m,
                bereik_buurt[c],
                voorzieningen[c],
                staat.behoefte[c],
                basis.gemeente.normen[c],
            )
            for c in herzien
        }
        nieuw_tabel[niveau] = _update_table(tabel, indeling, cijfers)
    hiaten = nieuw_tabel["wijk"]
    assert hiaten is not None
    return Analyse(
        gemeente,
        basis.netwerk,
        bereik,
        per_buurt,
        per_wijk,
        hiaten,
        nieuw_tabel["buurt"],
        nieuw_tabel["gebied"],
        voorzieningen=na,
    )
