"""The layer catalogue as data: layer schemas, the category vocabulary, its OSM mapping, the norms,
the function vocabulary of accommodations (``functies.yml``: names, synonyms, which functions are
sensitive), the roads each travel mode may use, the CBS/RIVM tables, the profiles and the housing
assumptions.

Everything here is read from the files in ``settings.catalogus_dir`` (``lagen/catalogus/``);
nothing about layers, categories, norms or road types is hard-coded in the package.
"""

from __future__ import annotations

import csv
import html
import math
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from gebiedsplan import settings
from gebiedsplan.errors import GebiedsplanError

KOLOMTYPEN = ("str", "int", "float", "bool")

#: Travel modes: the ``ja``/``nee`` columns of ``modus_wegen.csv``.
MODI: tuple[str, ...] = ("lopen", "fietsen", "auto")
#: The OSM keys of a road that ``modus_wegen.csv`` rules on.
WEGSLEUTELS: tuple[str, ...] = ("highway", "surface", "access")
#: ``waarde`` of the row that holds for every value a key's rows do not list, and a missing tag.
OVERIG = "*"
#: Parts ``cbs.yml`` must have.
_CBS_ONDERDELEN = ("statline", "ontbrekend_tot_en_met", "pdok", "kerncijfers", "gezondheid")


@dataclass(frozen=True)
class Kolom:
    """One column of a layer schema."""

    naam: str
    type: str
    verplicht: bool = True
    leeg: bool = False
    min: float | None = None
    max: float | None = None
    patroon: str | None = None
    vocabulaire: str | None = None


@dataclass(frozen=True)
class LaagSchema:
    """The schema of one layer: key, geometry types and columns."""

    naam: str
    omschrijving: str
    sleutel: str
    kolommen: Mapping[str, Kolom]
    geometrie: tuple[str, ...] | None = None
    patroon: str | None = None


@dataclass(frozen=True)
class Categorie:
    """One category of the sociale basis."""

    code: str
    label: str
    kleur: str
    icoon: str
    gevoelig: bool = False


def functie_zoekvorm(woord: Any) -> str:
    """The form in which a function word is looked up: case-folded, accents, apostrophes and
    invisible characters (zero-width, bidi controls) removed, every run of spaces, hyphens and
    other punctuation one space.

    Examples
    --------
    >>> functie_zoekvorm("Blijf-van-m'n-Lijfhuis")
    'blijf van mn lijfhuis'
    >>> functie_zoekvorm("  BESCHERMD\u200b  wonen ")
    'beschermd wonen'
    >>> functie_zoekvorm("Oekraïne-opvang")
    'oekraine opvang'
    """
    tekst = unicodedata.normalize("NFKD", str(woord))
    tekst = "".join(
        t for t in tekst if not unicodedata.combining(t) and unicodedata.category(t) != "Cf"
    )
    tekst = re.sub(r"['\u2019\u2018`\u00b4]", "", tekst.casefold())
    return " ".join(re.sub(r"[\W_]+", " ", tekst).split())


def _sleutel(woord: Any) -> str:
    """Exact-match key of a word: its :func:`functie_zoekvorm` without spaces."""
    return functie_zoekvorm(woord).replace(" ", "")


#: A sensitive word this long (without spaces) also counts inside a longer word of a name
#: ("Vrouwenopvanghuis"); shorter ones ("azc", "opvang") only as whole words.
_MIN_DEELWOORD = 8


@dataclass(frozen=True)
class Functie:
    """One function an accommodation offers (``lagen/catalogus/functies.yml``)."""

    naam: str
    label: str
    categorie: str | None = None
    gevoelig: bool = False
    woorden: tuple[str, ...] = ()
    bron: str = ""


@dataclass(frozen=True)
class Functievocabulaire:
    """The controlled vocabulary of accommodation functions, with synonyms and which functions
    are sensitive. Read with :func:`load_catalogus` (``.functies``).

    Examples
    --------
    >>> functies = load_catalogus().functies
    >>> functies.zoek("Wijkcentrum").naam, functies.zoek("BLIJF-VAN-M'N-LIJFHUIS").naam
    ('ontmoeting', 'vrouwenopvang')
    >>> functies.lees("Buurthuis; VROUWENOPVANG, cursusruimte")
    (['ontmoeting', 'vrouwenopvang'], ['cursusruimte'])
    >>> functies.gevoelig("ontmoeting;welzijn"), functies.gevoelig("Buurthuis,  beschermd  wonen")
    (False, True)
    >>> functies.noemt_gevoelig("AZC Rivierstad"), functies.noemt_gevoelig("BSO buitenschoolse opvang")
    (True, False)
    """

    functies: Mapping[str, Functie]
    _index: Mapping[str, str] = field(default_factory=dict, repr=False)
    _gevoelige_woorden: tuple[str, ...] = field(default=(), repr=False)
    _onschuldige_zinnen: tuple[str, ...] = field(default=(), repr=False)

    def zoek(self, woord: Any) -> Functie | None:
        """The function a word means (its name or a synonym, tolerant to case, spaces, hyphens,
        apostrophes, accents and invisible characters), or None."""
        naam = self._index.get(_sleutel(woord))
        return self.functies[naam] if naam is not None else None

    def lees(self, waarde: Any) -> tuple[list[str], list[str]]:
        """(function names, unknown words) of a ``functies`` text, split with
        :func:`split_functies`, in order, without repeats."""
        namen: list[str] = []
        onbekend: list[str] = []
        for woord in split_functies(waarde):
            functie = self.zoek(woord)
            if functie is None:
                onbekend.append(woord)
            elif functie.naam not in namen:
                namen.append(functie.naam)
        return namen, onbekend

    def gevoelig(self, waarde: Any, *, verborgen: frozenset[str] = frozenset()) -> bool:
        """Whether a ``functies`` text names a sensitive function anywhere in its list: a known
        sensitive function, a function of a category in ``verborgen``, or a word the vocabulary
        does not know that contains a sensitive word ("tijdelijke nachtopvang")."""
        for woord in split_functies(waarde):
            functie = self.zoek(woord)
            if functie is None:
                if woord in verborgen or self.noemt_gevoelig(woord):
                    return True
            elif functie.gevoelig or functie.naam in verborgen or functie.categorie in verborgen:
                return True
        return False

    def noemt_gevoelig(self, tekst: Any) -> bool:
        """Whether a free text (a name, an owner) contains a sensitive function word as a whole
        word ("Opvang De Brug", "AZC Noord"), or a long one inside a word
        ("Vrouwenopvanghuis"). Phrases of functions that are not sensitive are taken out first,
        so "buitenschoolse opvang" (kinderopvang) does not count as "opvang"."""
        if tekst is None or (pd.api.types.is_scalar(tekst) and pd.isna(tekst)):
            return False
        vorm = f" {functie_zoekvorm(tekst)} "
        for zin in self._onschuldige_zinnen:
            vorm = vorm.replace(f" {zin} ", " ")
        plat = vorm.replace(" ", "")
        for woord in self._gevoelige_woorden:
            if f" {woord} " in vorm:
                return True
            kort = woord.replace(" ", "")
            if len(kort) >= _MIN_DEELWOORD and kort in plat:
                return True
        return False

    def label(self, naam: str) -> str:
        """The Dutch label of a function name (the name itself when unknown)."""
        functie = self.zoek(naam)
        return functie.label if functie is not None else str(naam)


def _parse_functies(
    path: Path, categorieen: Mapping[str, Categorie], problems: list[str]
) -> Functievocabulaire:
    raw = read_yaml(path) or {}
    if not isinstance(raw, Mapping):
        problems.append(f"{path.name}: verwacht functies met label, categorie, woorden")
        return Functievocabulaire(functies={})
    velden = {"label", "categorie", "gevoelig", "woorden", "bron"}
    functies: dict[str, Functie] = {}
    index: dict[str, str] = {}
    for naam, spec in raw.items():
        naam = str(naam)
        spec = spec or {}
        if not isinstance(spec, Mapping):
            problems.append(f"{path.name}: functie '{naam}' moet velden hebben (label, ...)")
            continue
        if onbekend := sorted(set(spec) - velden):
            problems.append(
                f"{path.name}: functie '{naam}': onbekend veld {', '.join(onbekend)}; "
                f"toegestaan: {', '.join(sorted(velden))}"
            )
        categorie = spec.get("categorie")
        if categorie is not None and categorie not in categorieen:
            problems.append(
                f"{path.name}: functie '{naam}': categorie '{categorie}' staat niet in "
                "categorieen.yml"
            )
        woorden = spec.get("woorden") or []
        if not isinstance(woorden, list):
            problems.append(f"{path.name}: functie '{naam}': woorden moet een lijst zijn")
            woorden = []
        gevoelig = bool(spec.get("gevoelig", False))
        if categorie in categorieen and categorieen[str(categorie)].gevoelig and not gevoelig:
            problems.append(
                f"{path.name}: functie '{naam}' hoort bij de gevoelige categorie '{categorie}'; "
                "zet gevoelig: true"
            )
        if gevoelig and not str(spec.get("bron") or "").strip():
            problems.append(f"{path.name}: gevoelige functie '{naam}' noemt geen bron (waarom)")
        functie = Functie(
            naam=naam,
            label=str(spec.get("label") or naam),
            categorie=str(categorie) if categorie is not None else None,
            gevoelig=gevoelig,
            woorden=tuple(str(w) for w in woorden),
            bron=" ".join(str(spec.get("bron") or "").split()),
        )
        functies[naam] = functie
        for woord in (naam, *functie.woorden):
            sleutel = _sleutel(woord)
            if not sleutel:
                problems.append(f"{path.name}: functie '{naam}': leeg woord {woord!r}")
            elif index.get(sleutel, naam) != naam:
                problems.append(
                    f"{path.name}: het woord '{woord}' staat bij functie '{index[sleutel]}' en "
                    f"bij '{naam}'; een woord hoort bij één functie"
                )
            else:
                index[sleutel] = naam
    for code in categorieen:
        if functies.get(code) is None or functies[code].categorie != code:
            problems.append(
                f"{path.name}: categorie '{code}' heeft geen functie met dezelfde naam "
                f"(voeg toe: {code}: {{label: ..., categorie: {code}}})"
            )
    gevoelige = {
        functie_zoekvorm(w)
        for f in functies.values()
        if f.gevoelig
        for w in (f.naam, *f.woorden)
    }
    onschuldig = {
        functie_zoekvorm(w)
        for f in functies.values()
        if not f.gevoelig
        for w in (f.naam, *f.woorden)
        if " " in functie_zoekvorm(w)
    }
    return Functievocabulaire(
        functies=functies,
        _index=index,
        _gevoelige_woorden=tuple(sorted(gevoelige, key=lambda w: (-len(w), w))),
        _onschuldige_zinnen=tuple(sorted(onschuldig, key=lambda w: (-len(w), w))),
    )


@dataclass(frozen=True)
class Capaciteitsnorm:
    """Capacity a category needs per 1,000 residents of its target group, with its source."""

    per_1000: float
    eenheid: str
    soort: str
    bron: str


@dataclass(frozen=True)
class Norm:
    """The norm of one category: walking distance and target coverage, with its source.

    ``doelgroep`` maps age-band columns of the buurten layer to the share of that band that
    belongs to the target group (``{"inwoners_0_tot_15_jaar": 0.53}`` for primary-school age);
    empty means every resident. ``behoefte`` maps health indicators (``gezondheid`` layer) to
    their weight in the need index. ``capaciteit`` is the capacity norm, where one exists.
    """

    categorie: str
    max_afstand_m: float
    doeldekking: float
    soort: str
    bron: str
    doelgroep: Mapping[str, float] = field(default_factory=dict)
    capaciteit: Capaciteitsnorm | None = None
    behoefte: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Catalogus:
    """The whole catalogue. Load it with :func:`load_catalogus`."""

    map: Path
    lagen: Mapping[str, LaagSchema]
    categorieen: Mapping[str, Categorie]
    osm_tags: pd.DataFrame = field(repr=False)
    normen: Mapping[str, Norm]
    #: the functions of accommodations (``functies.yml``)
    functies: Functievocabulaire = field(repr=False)

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td>{html.escape(c.code)}</td><td>{html.escape(c.label)}</td>"
            f"<td>{self.normen[c.code].max_afstand_m:.0f} m</td>"
            f"<td>{html.escape(self.normen[c.code].soort)}</td></tr>"
            if c.code in self.normen
            else f"<tr><td>{html.escape(c.code)}</td><td>{html.escape(c.label)}</td>"
            "<td>-</td><td>-</td></tr>"
            for c in self.categorieen.values()
        )
        return (
            f"<p>Catalogus {html.escape(str(self.map))}: {len(self.lagen)} lagen, "
            f"{len(self.categorieen)} categorieën</p><table><tr><th>categorie</th><th>label</th>"
            f"<th>norm</th><th>soort</th></tr>{rows}</table>"
        )


def read_yaml(
    path: str | Path,
    *,
    onderdelen: Sequence[str] = (),
    wat: str = "Catalogusbestand",
    herstel: str | None = None,
) -> Any:
    """Read a YAML file of the catalogue; a missing or broken file, or one without the
    top-level ``onderdelen``, is an error naming the file (as ``wat``) and the fix (``herstel``
    for a missing file; default: point ``GEBIEDSPLAN_CATALOGUS`` at ``lagen/catalogus``).

    The one reader of the catalogue's YAML files: the schemas, categories and norms here, the
    CBS/RIVM tables (:func:`load_cbs_config`), the profiles (:func:`profiel_config`), the
    housing assumptions (:func:`woningbouw_aannames`) and the publishing profile
    (:func:`gebiedsplan.publiceren.load_publicatieprofiel`).

    Examples
    --------
    >>> from gebiedsplan import settings
    >>> read_yaml(settings.catalogus_dir / "cbs.yml", onderdelen=["pdok"])["pdok"]["bron"]
    'CBS Wijk- en Buurtkaart'
    """
    path = Path(path)
    try:
        with path.open(encoding="utf-8") as f:
            data = yaml.safe_load(f)
    except FileNotFoundError:
        raise GebiedsplanError(
            f"{wat} {path} bestaat niet; "
            + (
                herstel
                or f"verwacht in {path.parent}: zet GEBIEDSPLAN_CATALOGUS naar de map "
                "lagen/catalogus van gebiedsplan."
            )
        ) from None
    except yaml.YAMLError as exc:
        raise GebiedsplanError(f"{wat} {path} is geen geldige YAML: {exc}") from None
    missing = [k for k in onderdelen if not isinstance(data, dict) or k not in data]
    if missing:
        raise GebiedsplanError(
            f"{wat} {path} mist de onderdelen {', '.join(missing)}; "
            f"vergelijk met lagen/catalogus/{path.name} van gebiedsplan."
        )
    return data


@lru_cache(maxsize=16)
def _read_cached(path: Path, onderdelen: tuple[str, ...]) -> Any:
    return read_yaml(path, onderdelen=onderdelen)


def _catalogus_yaml(naam: str, *onderdelen: str) -> Any:
    """``naam`` in ``settings.catalogus_dir``, read once per path (:func:`read_yaml`)."""
    return _read_cached((Path(settings.catalogus_dir) / naam).resolve(), onderdelen)


def _parse_lagen(path: Path) -> dict[str, LaagSchema]:
    raw = read_yaml(path)
    lagen: dict[str, LaagSchema] = {}
    for naam, spec in raw.items():
        kolommen = {}
        for kolom, kspec in (spec.get("kolommen") or {}).items():
            if kspec.get("type") not in KOLOMTYPEN:
                raise GebiedsplanError(
                    f"{path}: laag '{naam}', kolom '{kolom}' heeft type {kspec.get('type')!r}; "
                    f"verwacht een van {', '.join(KOLOMTYPEN)}."
                )
            kolommen[kolom] = Kolom(naam=kolom, **kspec)
        geometrie = spec.get("geometrie")
        lagen[naam] = LaagSchema(
            naam=naam,
            omschrijving=spec.get("omschrijving", naam),
            sleutel=spec["sleutel"],
            kolommen=kolommen,
            geometrie=tuple(geometrie) if geometrie else None,
            patroon=spec.get("patroon"),
        )
    return lagen


def _check_norm(categorie: str, spec: Mapping[str, Any], where: str) -> list[str]:
    problems = []
    afstand = spec.get("max_afstand_m")
    if not isinstance(afstand, int | float) or isinstance(afstand, bool) or not afstand > 0:
        problems.append(
            f"{where}: norm '{categorie}': max_afstand_m moet een getal groter dan 0 zijn "
            f"(gekregen: {afstand!r})"
        )
    dekking = spec.get("doeldekking")
    if (
        not isinstance(dekking, int | float)
        or isinstance(dekking, bool)
        or not 0 < dekking <= 1
        or math.isnan(dekking)
    ):
        problems.append(
            f"{where}: norm '{categorie}': doeldekking moet tussen 0 en 1 liggen "
            f"(gekregen: {dekking!r})"
        )
    return problems


def _norm(categorie: str, spec: Mapping[str, Any]) -> Norm:
    capaciteit = spec.get("capaciteit")
    return Norm(
        categorie=categorie,
        max_afstand_m=spec["max_afstand_m"],
        doeldekking=spec["doeldekking"],
        soort=spec["soort"],
        bron=spec["bron"],
        doelgroep=dict(spec.get("doelgroep") or {}),
        capaciteit=Capaciteitsnorm(**capaciteit) if capaciteit else None,
        behoefte=dict(spec.get("behoefte") or {}),
    )


def _check_extra(
    categorie: str, spec: Mapping[str, Any], where: str, lagen: Mapping[str, LaagSchema]
) -> list[str]:
    """Target group columns exist in the buurten schema; capacity norms are complete."""
    problems = []
    banden = {k for k in lagen["buurten"].kolommen if k.startswith("inwoners_")}
    for kolom, aandeel in (spec.get("doelgroep") or {}).items():
        if kolom not in banden:
            problems.append(
                f"{where}: norm '{categorie}': doelgroep '{kolom}' is geen leeftijdskolom van "
                f"buurten; kies uit {', '.join(sorted(banden))}"
            )
        elif not isinstance(aandeel, int | float) or not 0 < aandeel <= 1:
            problems.append(
                f"{where}: norm '{categorie}': doelgroep {kolom} moet een aandeel 0-1 zijn "
                f"(gekregen: {aandeel!r})"
            )
    capaciteit = spec.get("capaciteit")
    if capaciteit is not None:
        velden = {"per_1000", "eenheid", "soort", "bron"}
        if not isinstance(capaciteit, Mapping) or set(capaciteit) != velden:
            problems.append(
                f"{where}: norm '{categorie}': capaciteit vraagt precies {', '.join(sorted(velden))}"
            )
        elif not isinstance(capaciteit["per_1000"], int | float) or capaciteit["per_1000"] <= 0:
            problems.append(
                f"{where}: norm '{categorie}': capaciteit.per_1000 moet groter dan 0 zijn"
            )
    for indicator, gewicht in (spec.get("behoefte") or {}).items():
        if not isinstance(gewicht, int | float) or not -1 <= gewicht <= 1:
            problems.append(
                f"{where}: norm '{categorie}': behoefte.{indicator} moet een gewicht tussen "
                f"-1 en 1 zijn (gekregen: {gewicht!r})"
            )
    return problems


@lru_cache(maxsize=4)
def _load_catalogus(map_: Path) -> Catalogus:
    lagen = _parse_lagen(map_ / "lagen.yml")
    categorieen = {
        code: Categorie(code=code, **spec)
        for code, spec in read_yaml(map_ / "categorieen.yml").items()
    }
    osm_tags = pd.read_csv(map_ / "osm_tags.csv", dtype=str)
    problems = [
        f"osm_tags.csv rij {i + 2}: categorie '{c}' staat niet in categorieen.yml"
        for i, c in enumerate(osm_tags["categorie"])
        if c not in categorieen
    ]
    normen: dict[str, Norm] = {}
    for categorie, spec in read_yaml(map_ / "normen.yml").items():
        if categorie not in categorieen:
            problems.append(f"normen.yml: categorie '{categorie}' staat niet in categorieen.yml")
            continue
        problems += _check_norm(categorie, spec, "normen.yml")
        if not spec.get("bron"):
            problems.append(f"normen.yml: norm '{categorie}' noemt geen bron")
        problems += _check_extra(categorie, spec, "normen.yml", lagen)
        normen[categorie] = _norm(categorie, spec)
    functies = _parse_functies(map_ / "functies.yml", categorieen, problems)
    if problems:
        raise GebiedsplanError(
            f"Catalogus {map_} is niet consistent:\n  - " + "\n  - ".join(problems)
        )
    return Catalogus(
        map=map_,
        lagen=lagen,
        categorieen=categorieen,
        osm_tags=osm_tags,
        normen=normen,
        functies=functies,
    )


def load_catalogus(map_: str | Path | None = None) -> Catalogus:
    """Read the layer catalogue.

    Parameters
    ----------
    map_
        Folder with ``lagen.yml``, ``categorieen.yml``, ``osm_tags.csv``, ``normen.yml`` and
        ``functies.yml``. Defaults to ``settings.catalogus_dir``.

    Returns
    -------
    Catalogus

    Examples
    --------
    >>> from gebiedsplan.catalogus import load_catalogus
    >>> cat = load_catalogus()
    >>> cat.lagen["wijken"].sleutel
    'wijkcode'
    >>> cat.normen["speelplek"].max_afstand_m
    300
    """
    return _load_catalogus(Path(map_ or settings.catalogus_dir).resolve())


def split_functies(waarde: Any) -> list[str]:
    """The functions of an accommodation from its ``functies`` text, in their order: split at
    ``;``, ``,``, ``|``, ``/``, ``+`` and line breaks, white space folded, empty parts and
    repeats dropped; nothing for a missing value.

    The one splitter of ``functies`` (the layer ``accommodaties`` joins function names of
    ``functies.yml`` with ``;``; a register or hand-made file may use other separators): for
    the register reader, the facilities that count, the publishing profile, the maps and the
    report. What a part means: :meth:`Functievocabulaire.zoek`.

    Examples
    --------
    >>> split_functies("ontmoeting; welzijn,jeugd_en_gezin;;ontmoeting")
    ['ontmoeting', 'welzijn', 'jeugd_en_gezin']
    >>> split_functies("Buurthuis / beschermd   wonen")
    ['Buurthuis', 'beschermd wonen']
    >>> split_functies(None), split_functies(float("nan")), split_functies(pd.NA)
    ([], [], [])
    """
    if waarde is None or (pd.api.types.is_scalar(waarde) and pd.isna(waarde)):
        return []
    delen = (" ".join(deel.split()) for deel in re.split(r"[;,|/+\n]", str(waarde)))
    return list(dict.fromkeys(deel for deel in delen if deel))


def apply_norm_overrides(
    normen: Mapping[str, Norm], overrides: Mapping[str, Any] | None, *, bron: str
) -> dict[str, Norm]:
    """Return the norms with a gemeente's overrides applied.

    Parameters
    ----------
    normen
        The catalogue norms.
    overrides
        ``{categorie: {max_afstand_m: ..., doeldekking: ..., bron: ...}}`` from a gemeente file.
    bron
        Where the overrides come from (file name), used in error messages.

    Raises
    ------
    GebiedsplanError
        Naming every unknown category, unknown field or invalid value at once.

    Examples
    --------
    >>> from gebiedsplan.catalogus import load_catalogus, apply_norm_overrides
    >>> normen = apply_norm_overrides(load_catalogus().normen,
    ...     {"huisarts": {"max_afstand_m": 800}}, bron="voorbeeld")
    >>> normen["huisarts"].max_afstand_m, normen["huisarts"].soort
    (800, 'gemeente')
    """
    result = dict(normen)
    problems: list[str] = []
    allowed = {"max_afstand_m", "doeldekking", "bron", "doelgroep", "capaciteit", "behoefte"}
    lagen = load_catalogus().lagen
    for categorie, spec in (overrides or {}).items():
        if categorie not in normen:
            problems.append(
                f"{bron}: normen: onbekende categorie '{categorie}'; "
                f"bekend zijn: {', '.join(sorted(normen))}"
            )
            continue
        if not isinstance(spec, Mapping):
            problems.append(
                f"{bron}: normen.{categorie} moet velden hebben, bv. max_afstand_m: 500"
            )
            continue
        unknown = set(spec) - allowed
        if unknown:
            problems.append(
                f"{bron}: normen.{categorie}: onbekend veld {', '.join(sorted(unknown))}; "
                f"toegestaan: {', '.join(sorted(allowed))}"
            )
            continue
        merged = {
            "max_afstand_m": normen[categorie].max_afstand_m,
            "doeldekking": normen[categorie].doeldekking,
        } | dict(spec)
        problems += _check_norm(categorie, merged, bron)
        problems += _check_extra(categorie, spec, bron, lagen)
        if problems:
            continue
        oud = normen[categorie]
        capaciteit = spec.get("capaciteit")
        result[categorie] = replace(
            oud,
            max_afstand_m=merged["max_afstand_m"],
            doeldekking=merged["doeldekking"],
            soort="gemeente",
            bron=str(spec.get("bron", f"Gemeentelijke norm uit {bron}")),
            doelgroep=dict(spec["doelgroep"]) if "doelgroep" in spec else oud.doelgroep,
            capaciteit=Capaciteitsnorm(**capaciteit) if capaciteit else oud.capaciteit,
            behoefte=dict(spec["behoefte"]) if "behoefte" in spec else oud.behoefte,
        )
    if problems:
        raise GebiedsplanError("Normen niet overgenomen:\n  - " + "\n  - ".join(problems))
    return result


# --------------------------------------------------------------------------- roads per mode


@dataclass(frozen=True)
class ModusWegen:
    """Which roads each travel mode may use: ``modus_wegen.csv``. Load with :func:`load_modus_wegen`.

    ``regels[sleutel][waarde][modus]`` says whether ``modus`` may use a road whose OSM tag
    ``sleutel`` (one of :data:`WEGSLEUTELS`) has ``waarde``. Every key has a row
    :data:`OVERIG` (``*``) for the values it does not list.
    """

    bestand: Path
    regels: Mapping[str, Mapping[str, Mapping[str, bool]]]

    def toegestaan(self, sleutel: str, waarde: str | None, *, modus: str) -> bool:
        """Whether ``modus`` may use a road whose tag ``sleutel`` is ``waarde`` (``None``: no tag)."""
        per_waarde = self.regels[sleutel]
        regel = per_waarde.get(waarde) if waarde is not None else None
        return (per_waarde[OVERIG] if regel is None else regel)[modus]

    def waarden(self, sleutel: str, *, modus: str | None = None) -> frozenset[str]:
        """The values listed for ``sleutel`` (not ``*``); with ``modus`` only those it may use."""
        return frozenset(
            waarde
            for waarde, regel in self.regels[sleutel].items()
            if waarde != OVERIG and (modus is None or regel[modus])
        )


def _parse_modus_wegen(pad: Path) -> ModusWegen:
    """Read and check ``modus_wegen.csv``: every problem of the file at once, by line and column."""
    try:
        tekst = pad.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise GebiedsplanError(
            f"Catalogusbestand {pad} ontbreekt. Verwacht in {pad.parent}; "
            "zet GEBIEDSPLAN_CATALOGUS naar de map lagen/catalogus van gebiedsplan."
        ) from None
    kolommen = ("sleutel", "waarde", *MODI, "toelichting")
    naam = pad.name
    problemen: list[str] = []
    regels: dict[str, dict[str, dict[str, bool]]] = {sleutel: {} for sleutel in WEGSLEUTELS}
    gezien: dict[tuple[str, str], int] = {}
    kop: list[str] | None = None
    # one row per line; lines starting with # are the header comment
    for nr, regel in enumerate(tekst.splitlines(), start=1):
        if not regel.strip() or regel.lstrip().startswith("#"):
            continue
        velden = [veld.strip() for veld in next(csv.reader([regel]))]
        if kop is None:
            kop = velden
            ontbreekt = [k for k in kolommen if k not in kop]
            if ontbreekt:
                raise GebiedsplanError(
                    f"Catalogusbestand {pad}, regel {nr} (kopregel): kolom "
                    f"{', '.join(ontbreekt)} ontbreekt; verwacht {', '.join(kolommen)}."
                )
            continue
        if len(velden) != len(kop):
            problemen.append(
                f"{naam} regel {nr}: {len(velden)} velden, verwacht {len(kop)} "
                f"({', '.join(kop)}); zet een toelichting met een komma tussen aanhalingstekens"
            )
            continue
        rij = dict(zip(kop, velden, strict=True))
        sleutel, waarde = rij["sleutel"], rij["waarde"]
        if sleutel not in WEGSLEUTELS:
            problemen.append(
                f"{naam} regel {nr}, kolom sleutel: {sleutel!r}; verwacht een van "
                f"{', '.join(WEGSLEUTELS)}"
            )
            continue
        if not waarde:
            problemen.append(
                f"{naam} regel {nr}, kolom waarde: leeg; vul een {sleutel}-waarde in, of "
                f"{OVERIG} voor alle waarden die niet in de tabel staan"
            )
            continue
        if (sleutel, waarde) in gezien:
            problemen.append(
                f"{naam} regel {nr}: {sleutel}={waarde} staat ook op regel "
                f"{gezien[sleutel, waarde]}; laat één van beide staan"
            )
            continue
        gezien[sleutel, waarde] = nr
        oordeel: dict[str, bool] = {}
        for modus in MODI:
            antwoord = rij[modus].lower()
            if antwoord not in ("ja", "nee"):
                problemen.append(
                    f"{naam} regel {nr} ({sleutel}={waarde}), kolom {modus}: {rij[modus]!r}; "
                    "verwacht ja of nee"
                )
            oordeel[modus] = antwoord == "ja"
        regels[sleutel][waarde] = oordeel
    if kop is None:
        raise GebiedsplanError(
            f"Catalogusbestand {pad} heeft geen kopregel; verwacht {', '.join(kolommen)}."
        )
    for sleutel, per_waarde in regels.items():
        if OVERIG not in per_waarde:
            problemen.append(
                f"{naam}: geen regel {sleutel},{OVERIG} voor de {sleutel}-waarden die niet in de "
                f"tabel staan; voeg die toe, bv. {sleutel},{OVERIG},ja,ja,ja,alle andere waarden"
            )
    if problemen:
        n = len(problemen)
        raise GebiedsplanError(
            f"Catalogusbestand {pad} is niet bruikbaar ({n} "
            f"{'probleem' if n == 1 else 'problemen'}):\n  - " + "\n  - ".join(problemen)
        )
    return ModusWegen(bestand=pad, regels=regels)


@cache
def _load_modus_wegen(map_: Path) -> ModusWegen:
    return _parse_modus_wegen(map_ / "modus_wegen.csv")


def load_modus_wegen(map_: str | Path | None = None) -> ModusWegen:
    """Read the table of roads per travel mode, ``modus_wegen.csv`` (read once per folder).

    The file's header comment explains the columns and cites the sources. A road takes part in
    a mode when every tag it has (``highway``, ``surface``, ``access``) allows it; a value that
    is not listed follows the key's ``*`` row.

    Parameters
    ----------
    map_
        Folder with ``modus_wegen.csv``. Defaults to ``settings.catalogus_dir``.

    Returns
    -------
    ModusWegen

    Raises
    ------
    GebiedsplanError
        The file is missing, or names every bad row at once: its line, column, what came and
        what was expected.

    Examples
    --------
    >>> from gebiedsplan.catalogus import load_modus_wegen
    >>> wegen = load_modus_wegen()
    >>> wegen.toegestaan("highway", "footway", modus="fietsen")
    False
    >>> wegen.toegestaan("highway", "elevator", modus="lopen")  # not listed: the * row
    True
    >>> wegen.toegestaan("surface", "gravel", modus="auto")
    False
    """
    return _load_modus_wegen(Path(map_ or settings.catalogus_dir).resolve())


def load_cbs_config() -> dict[str, Any]:
    """The CBS/RIVM source settings from ``cbs.yml`` in ``settings.catalogus_dir``.

    Examples
    --------
    >>> from gebiedsplan.catalogus import load_cbs_config
    >>> load_cbs_config()["kerncijfers"]["tabellen"][2024]
    '85984NED'
    >>> load_cbs_config()["gezondheid"]["leeftijden"]["65+"]
    '80200'
    """
    return dict(_catalogus_yaml("cbs.yml", *_CBS_ONDERDELEN))


def profiel_config() -> dict[str, Any]:
    """The proxies and social-basis categories of ``lagen/catalogus/profielen.yml``."""
    return dict(_catalogus_yaml("profielen.yml"))


def woningbouw_aannames() -> dict[str, Any]:
    """Household sizes per home type and the age profile of new residents, with their source
    (``lagen/catalogus/woningbouw.yml``)."""
    return dict(_catalogus_yaml("woningbouw.yml"))


def load_grensbuffer() -> dict[str, float]:
    """How far beyond the gemeente border (metres) the network and facilities are loaded, per
    travel mode (``lagen/catalogus/grensbuffer.yml``, with its rationale).

    Examples
    --------
    >>> load_grensbuffer()["lopen"]
    2000.0
    """
    data = _catalogus_yaml("grensbuffer.yml", *MODI)
    problemen = [
        f"{modus}: {data[modus]!r} is geen afstand in meters"
        for modus in MODI
        if not isinstance(data[modus], int | float) or data[modus] < 0
    ]
    if problemen:
        raise GebiedsplanError(
            "Catalogusbestand grensbuffer.yml: " + "; ".join(problemen) + " (verwacht: getal >= 0)."
        )
    return {modus: float(data[modus]) for modus in MODI}


@dataclass(frozen=True)
class Verwachting:
    """The national density of one category's facilities, with its sources
    (``lagen/catalogus/volledigheid.yml``)."""

    categorie: str
    aantal: int
    inwoners: int
    wat: str
    bron: str
    url: str
    inwoners_bron: str
    #: publisher and year of the national count, for short mentions (map legends)
    bron_kort: str = ""

    @property
    def per_10000(self) -> float:
        """Facilities per 10,000 inhabitants nationally."""
        return self.aantal / self.inwoners * 10_000


@dataclass(frozen=True)
class Volledigheidsregels:
    """When a result may be read as a gap (coverage) and when a facility layer looks complete
    (``lagen/catalogus/volledigheid.yml``, which gives the rationale of every rule).

    ``min_aandeel_geanalyseerd``: the share of an area's residents that must be analysed for
    a gap score; ``min_aandeel_netwerkdeel``: below this share of the network's street length a
    disconnected piece of network is too small to analyse residents on; ``ondergrens_factor``:
    a layer below this factor times the national rate is "mogelijk onvolledig";
    ``verwachtingen``: the national rates; ``zonder_verwachting``: categories without one and why.
    """

    min_aandeel_geanalyseerd: float
    min_aandeel_netwerkdeel: float
    ondergrens_factor: float
    verwachtingen: Mapping[str, Verwachting]
    zonder_verwachting: Mapping[str, str]


def _bron_tekst(spec: Any) -> str:
    """``uitgever, tabel`` of a source in ``volledigheid.yml`` (the table names its year)."""
    if not isinstance(spec, Mapping):
        return str(spec)
    return ", ".join(str(spec[k]) for k in ("uitgever", "tabel") if spec.get(k))


def load_volledigheid() -> Volledigheidsregels:
    """The coverage and completeness rules of ``lagen/catalogus/volledigheid.yml``.

    Examples
    --------
    >>> regels = load_volledigheid()
    >>> regels.min_aandeel_geanalyseerd, regels.ondergrens_factor
    (0.9, 0.5)
    >>> round(regels.verwachtingen["basisschool"].per_10000, 2)
    3.52
    >>> "speelplek" in regels.zonder_verwachting
    True
    """
    data = _catalogus_yaml("volledigheid.yml", "dekking", "volledigheid")
    categorieen = load_catalogus().categorieen
    problemen: list[str] = []

    def aandeel(deel: Any, sleutel: str) -> float:
        waarde = deel.get(sleutel) if isinstance(deel, Mapping) else None
        if isinstance(waarde, bool) or not isinstance(waarde, int | float) or not 0 < waarde <= 1:
            problemen.append(f"{sleutel}: {waarde!r} is geen aandeel tussen 0 en 1")
            return 0.0
        return float(waarde)

    dekking, volledigheid = data["dekking"], data["volledigheid"]
    regels = {
        "min_aandeel_geanalyseerd": aandeel(dekking, "min_aandeel_geanalyseerd"),
        "min_aandeel_netwerkdeel": aandeel(dekking, "min_aandeel_netwerkdeel"),
        "ondergrens_factor": aandeel(volledigheid, "ondergrens_factor"),
    }
    verwachtingen: dict[str, Verwachting] = {}
    for code, spec in (volledigheid.get("categorieen") or {}).items():
        if code not in categorieen:
            problemen.append(f"categorie '{code}' staat niet in categorieen.yml")
            continue
        getallen = {
            k: spec.get(k) if isinstance(spec, Mapping) else None for k in ("aantal", "inwoners")
        }
        fout = [
            k
            for k, v in getallen.items()
            if isinstance(v, bool) or not isinstance(v, int) or v <= 0
        ]
        bronnen = {
            k: spec.get(k) if isinstance(spec, Mapping) else None for k in ("bron", "inwoners_bron")
        }
        zonder = [
            k for k, v in bronnen.items() if not isinstance(v, Mapping) or not v.get("uitgever")
        ]
        if fout or zonder:
            problemen.append(
                f"categorie '{code}': "
                + "; ".join(
                    [f"{k} moet een positief geheel getal zijn" for k in fout]
                    + [f"{k} noemt geen uitgever" for k in zonder]
                )
            )
            continue
        verwachtingen[code] = Verwachting(
            categorie=code,
            aantal=int(getallen["aantal"]),  # type: ignore[arg-type]
            inwoners=int(getallen["inwoners"]),  # type: ignore[arg-type]
            wat=str(spec.get("wat", "")),
            bron=_bron_tekst(spec["bron"]),
            url=str(spec["bron"].get("url", "")),
            inwoners_bron=_bron_tekst(spec["inwoners_bron"]),
            bron_kort=" ".join(
                str(spec["bron"][k]) for k in ("uitgever", "jaar") if spec["bron"].get(k)
            ),
        )
    zonder_verwachting = {
        str(code): str(reden)
        for code, reden in (volledigheid.get("zonder_verwachting") or {}).items()
    }
    dubbel = sorted(set(verwachtingen) & set(zonder_verwachting))
    if dubbel:
        problemen.append(
            f"{', '.join(dubbel)} staan zowel onder categorieen als onder zonder_verwachting"
        )
    if problemen:
        raise GebiedsplanError("Catalogusbestand volledigheid.yml: " + "; ".join(problemen) + ".")
    return Volledigheidsregels(
        verwachtingen=verwachtingen, zonder_verwachting=zonder_verwachting, **regels
    )


#: How a column's values are shown (``soort`` in ``lagen/catalogus/kolommen.yml``).
KOLOMSOORTEN = (
    "tekst",
    "code",
    "aantal",
    "aandeel",
    "afstand_m",
    "score",
    "getal",
    "index",
    "m2",
    "afstand_km",
    "coordinaat",
)

#: Suffixes of a scenario comparison's columns and the words added to their header.
KOLOMSUFFIXEN = {"_basis": "nu", "_scenario": "scenario", "_verschil": "verschil"}

#: How the explanation of a scenario column begins (:func:`kolom_info`).
_SUFFIXUITLEG = {
    "_basis": "Nu, zonder het scenario",
    "_scenario": "Met het scenario",
    "_verschil": "Verschil scenario - nu",
}


@dataclass(frozen=True)
class Tabelkolom:
    """A column people read: ``naam`` (the column), ``kop`` (Dutch header), ``soort`` (how the
    value is shown, :data:`KOLOMSOORTEN`), ``eenheid`` and ``uitleg``."""

    naam: str
    kop: str
    soort: str
    eenheid: str
    uitleg: str


def load_kolommen() -> dict[str, Tabelkolom]:
    """The column vocabulary of ``lagen/catalogus/kolommen.yml``: header, unit, kind and
    explanation of every column the products show.

    A key ``context.kolom`` (``vergelijking.reden``) is the entry of ``kolom`` in the tables of
    that context only (:func:`kolom_info` with ``context=``), for a column that means something
    else there.

    Examples
    --------
    >>> k = load_kolommen()["aandeel_binnen_norm"]
    >>> k.kop, k.soort
    ('Aandeel binnen norm', 'aandeel')
    >>> load_kolommen()["vergelijking.reden"].kop
    'Waarom niet vergeleken'
    """
    data = _catalogus_yaml("kolommen.yml", "kolommen")
    problemen: list[str] = []
    kolommen: dict[str, Tabelkolom] = {}
    for naam, spec in (data["kolommen"] or {}).items():
        if not isinstance(spec, Mapping) or not spec.get("kop"):
            problemen.append(f"kolom '{naam}' heeft geen kop")
            continue
        soort = str(spec.get("soort", ""))
        if soort not in KOLOMSOORTEN:
            problemen.append(
                f"kolom '{naam}': soort {soort!r} is geen van {', '.join(KOLOMSOORTEN)}"
            )
            continue
        kolommen[str(naam)] = Tabelkolom(
            naam=str(naam).rpartition(".")[2],
            kop=str(spec["kop"]),
            soort=soort,
            eenheid=str(spec.get("eenheid") or ""),
            uitleg=str(spec.get("uitleg") or ""),
        )
    if problemen:
        raise GebiedsplanError("Catalogusbestand kolommen.yml: " + "; ".join(problemen) + ".")
    return kolommen


def _met_woord(kop: str, woord: str) -> str:
    """``kop`` with a scenario word: ``Inwoners buiten norm (nu)``, and inside a header's own
    closing bracket ``Hiaatscore (0-100, verschil)``, ``Inwoners (alle, nu)``."""
    if kop.endswith(")"):
        return f"{kop[:-1]}, {woord})"
    return f"{kop} ({woord})"


def kolom_info(
    naam: str,
    kolommen: Mapping[str, Tabelkolom] | None = None,
    *,
    context: str | None = None,
) -> Tabelkolom | None:
    """The entry of column ``naam``; None for a column the vocabulary does not know.

    A scenario column (``hiaatscore_verschil``, :data:`KOLOMSUFFIXEN`) takes its stem's entry
    with the suffix's word in the header. With ``context`` (``vergelijking``, ``locatie``) an
    entry ``context.naam`` of the vocabulary wins over the general one.

    Examples
    --------
    >>> kolom_info("inwoners_buiten_norm_verschil").kop
    'Inwoners buiten norm (verschil)'
    >>> kolom_info("hiaatscore_basis").kop
    'Hiaatscore (0-100, nu)'
    >>> kolom_info("reden").kop, kolom_info("reden", context="vergelijking").kop
    ('Waarom geen hiaatscore', 'Waarom niet vergeleken')
    >>> kolom_info("iets_onbekends") is None
    True
    """
    kolommen = load_kolommen() if kolommen is None else kolommen
    sleutels = [f"{context}.{naam}", naam] if context else [naam]
    for sleutel in sleutels:
        if sleutel in kolommen:
            return kolommen[sleutel]
    for suffix, woord in KOLOMSUFFIXEN.items():
        stam = naam.removesuffix(suffix)
        if stam != naam and (k := kolom_info(stam, kolommen, context=context)) is not None:
            uitleg = f"{_SUFFIXUITLEG[suffix]}: {k.uitleg}"
            return Tabelkolom(naam, _met_woord(k.kop, woord), k.soort, k.eenheid, uitleg)
    return None


# --------------------------------------------------------------------------- opvang

#: The CBS age bands of the buurten layer, youngest first: an age profile gives a share of each.
LEEFTIJDSBANDEN = (
    "inwoners_0_tot_15_jaar",
    "inwoners_15_tot_25_jaar",
    "inwoners_25_tot_45_jaar",
    "inwoners_45_tot_65_jaar",
    "inwoners_65_jaar_en_ouder",
)


def leeftijdsopbouw_problemen(leeftijd: Any) -> list[str]:
    """What is wrong with an age profile (Dutch, one line each; empty when right): it names
    every band of :data:`LEEFTIJDSBANDEN` once, each a number 0-1, together 1 (within 0.001).

    Examples
    --------
    >>> leeftijdsopbouw_problemen(opvang_aannames()["leeftijd"])
    []
    >>> leeftijdsopbouw_problemen(dict.fromkeys(LEEFTIJDSBANDEN, 20))[0]
    'inwoners_0_tot_15_jaar moet een aandeel 0-1 zijn (gekregen: 20)'
    """
    if not isinstance(leeftijd, Mapping):
        return [
            f"de leeftijdsopbouw noemt per leeftijdsklasse een aandeel: {', '.join(LEEFTIJDSBANDEN)}"
        ]
    problemen = []
    if onbekend := [str(k) for k in leeftijd if k not in LEEFTIJDSBANDEN]:
        problemen.append(
            f"onbekende leeftijdsklasse {', '.join(onbekend)}; de klassen zijn die van het CBS: "
            f"{', '.join(LEEFTIJDSBANDEN)}"
        )
    if missend := [band for band in LEEFTIJDSBANDEN if band not in leeftijd]:
        problemen.append(f"de leeftijdsopbouw mist {', '.join(missend)}")
    totaal = 0.0
    for band in LEEFTIJDSBANDEN:
        waarde = leeftijd.get(band)
        if waarde is None:
            continue
        if isinstance(waarde, bool) or not isinstance(waarde, int | float) or not 0 <= waarde <= 1:
            problemen.append(f"{band} moet een aandeel 0-1 zijn (gekregen: {waarde!r})")
            continue
        totaal += float(waarde)
    if not problemen and abs(totaal - 1) > 0.001:
        problemen.append(
            f"de aandelen van de leeftijdsopbouw tellen op tot {totaal:.3f}, niet tot 1; "
            "een aandeel is een deel van 1 (0.22, niet 22)"
        )
    return problemen


def opvang_aannames() -> dict[str, Any]:
    """The occupancy and age profile of the residents of an opvang (asielzoekerscentrum), with
    their kind and source (``lagen/catalogus/opvang.yml``), for the scenario step ``opvang``.

    Raises
    ------
    GebiedsplanError
        Naming the file and every problem: a missing part, an age profile that does not name
        each CBS band once or does not sum to 1, an occupancy outside 0-1, a kind other than
        ``bron`` or ``aanname``, no source.

    Examples
    --------
    >>> a = opvang_aannames()
    >>> a["soort"], a["bezettingsgraad"], a["leeftijd"]["inwoners_0_tot_15_jaar"]
    ('aanname', 1.0, 0.22)
    """
    data = dict(_catalogus_yaml("opvang.yml", "leeftijd", "bezettingsgraad", "soort", "bron"))
    problemen = [f"leeftijd: {p}" for p in leeftijdsopbouw_problemen(data["leeftijd"])]
    graad = data["bezettingsgraad"]
    if isinstance(graad, bool) or not isinstance(graad, int | float) or not 0 < graad <= 1:
        problemen.append(
            f"bezettingsgraad moet een getal groter dan 0 en hoogstens 1 zijn (gekregen: {graad!r})"
        )
    if data["soort"] not in ("bron", "aanname"):
        problemen.append(f"soort moet 'bron' of 'aanname' zijn (gekregen: {data['soort']!r})")
    if not str(data["bron"] or "").strip():
        problemen.append("bron is leeg; noem waar de aandelen vandaan komen")
    if problemen:
        raise GebiedsplanError(
            f"Catalogusbestand {Path(settings.catalogus_dir) / 'opvang.yml'}: "
            + "; ".join(problemen)
            + ". Vergelijk met lagen/catalogus/opvang.yml van gebiedsplan."
        )
    data["bezettingsgraad"] = float(graad)
    return data


# --------------------------------------------------------------------------- vloernormen (helper F)

#: Kinds of a floor space norm: published by a gemeente, assumed by gebiedsplan, or set in the
#: gemeente file (an override).
VLOERNORM_SOORTEN = ("richtlijn", "aanname", "gemeente")


@dataclass(frozen=True)
class Vloernorm:
    """The gross floor area (bvo) a function needs per 1,000 homes, with its kind and source
    (``lagen/catalogus/vloernormen.yml``; load with :func:`load_vloernormen`)."""

    functie: str
    m2_per_1000_woningen: float
    #: richtlijn (a gemeente's published norm), aanname (gebiedsplan's) or gemeente (override)
    soort: str
    #: publisher, document and year, or the reasoning of an assumption, in one Dutch line
    bron: str
    url: str = ""


def _positief_getal(waarde: Any) -> float | None:
    """``waarde`` as a positive finite number, else None (bools and texts are no numbers)."""
    if isinstance(waarde, bool) or not isinstance(waarde, int | float):
        return None
    getal = float(waarde)
    return getal if math.isfinite(getal) and getal > 0 else None


def _vloernorm_functie_probleem(functie: str, functies: Functievocabulaire) -> str | None:
    """Why ``functie`` cannot have a floor space norm (unknown, or sensitive), else None."""
    if functie not in functies.functies:
        bekend = [n for n, f in functies.functies.items() if not f.gevoelig]
        return f"onbekende functie '{functie}'; kies uit {', '.join(bekend)} (functies.yml)"
    if functies.functies[functie].gevoelig:
        return (
            f"functie '{functie}' is gevoelig: een tabel met haar m² per wijk wijst de locaties "
            "aan; een vloernorm voor een gevoelige functie is niet toegestaan"
        )
    return None


def _vloernorm_bron(spec: Any, soort: str) -> tuple[str, str, list[str]]:
    """(source text, url, problems) of the ``bron`` of a catalogue floor space norm."""
    if not isinstance(spec, Mapping) or not str(spec.get("uitgever") or "").strip():
        return "", "", ["bron noemt geen uitgever (bron: {uitgever: ..., ...})"]
    problemen = []
    if soort == "richtlijn":
        problemen += [
            f"een richtlijn noemt in bron ook {k}" for k in ("document", "jaar") if not spec.get(k)
        ]
    elif not str(spec.get("toelichting") or "").strip():
        problemen.append("een aanname geeft haar redenering in bron: toelichting")
    delen = [str(spec["uitgever"]).strip()]
    if spec.get("document"):
        delen.append(" ".join(str(spec["document"]).split()))
    tekst = ", ".join(delen) + (f" ({spec['jaar']})" if spec.get("jaar") else "")
    if spec.get("toelichting"):
        tekst += ". " + " ".join(str(spec["toelichting"]).split())
    return tekst, str(spec.get("url") or ""), problemen


def load_vloernormen() -> dict[str, Vloernorm]:
    """The floor space norms of ``lagen/catalogus/vloernormen.yml`` in
    ``settings.catalogus_dir``: per function of ``functies.yml`` the bvo in m² per 1,000 homes,
    with its kind (richtlijn / aanname) and source.

    Raises
    ------
    GebiedsplanError
        Naming the file and every bad key at once: an unknown or sensitive function, a number
        that is not positive, a kind other than richtlijn / aanname, a missing source.

    Examples
    --------
    >>> normen = load_vloernormen()
    >>> normen["ontmoeting"].m2_per_1000_woningen, normen["ontmoeting"].soort
    (125.0, 'richtlijn')
    >>> normen["huisarts"].soort
    'aanname'
    """
    pad = Path(settings.catalogus_dir) / "vloernormen.yml"
    data = _catalogus_yaml("vloernormen.yml")
    if not isinstance(data, Mapping) or not data:
        raise GebiedsplanError(
            f"Catalogusbestand {pad}: verwacht per functie een vloernorm "
            "(ontmoeting: {m2_per_1000_woningen: 125, soort: richtlijn, bron: {...}})."
        )
    functies = load_catalogus().functies
    problemen: list[str] = []
    normen: dict[str, Vloernorm] = {}
    for functie, spec in data.items():
        functie = str(functie)
        if (probleem := _vloernorm_functie_probleem(functie, functies)) is not None:
            problemen.append(f"{functie}: {probleem}")
            continue
        if not isinstance(spec, Mapping):
            problemen.append(f"{functie}: verwacht m2_per_1000_woningen, soort en bron")
            continue
        eigen: list[str] = []
        m2 = _positief_getal(spec.get("m2_per_1000_woningen"))
        if m2 is None:
            eigen.append(
                "m2_per_1000_woningen moet een positief getal zijn (gekregen: "
                f"{spec.get('m2_per_1000_woningen')!r})"
            )
        soort = spec.get("soort")
        if soort not in ("richtlijn", "aanname"):
            eigen.append(f"soort moet 'richtlijn' of 'aanname' zijn (gekregen: {soort!r})")
        bron, url, bronproblemen = _vloernorm_bron(spec.get("bron"), str(soort))
        eigen += bronproblemen
        if onbekend := sorted(set(spec) - {"m2_per_1000_woningen", "soort", "bron"}):
            eigen.append(f"onbekend veld {', '.join(map(str, onbekend))}")
        if eigen:
            problemen += [f"{functie}: {p}" for p in eigen]
            continue
        assert m2 is not None
        normen[functie] = Vloernorm(functie, m2, str(soort), bron, url)
    if problemen:
        raise GebiedsplanError(
            f"Catalogusbestand {pad}:\n  - "
            + "\n  - ".join(problemen)
            + "\nVergelijk met lagen/catalogus/vloernormen.yml van gebiedsplan."
        )
    return normen


def apply_vloernorm_overrides(
    normen: Mapping[str, Vloernorm],
    overrides: Any,
    *,
    bestand: str | Path,
    lines: Mapping[tuple[str | int, ...], int] | None = None,
) -> dict[str, Vloernorm]:
    """The floor space norms with a gemeente's ``vloernormen:`` applied (kind ``gemeente``).

    A function takes a number (``huisarts: 120``; the source is then the gemeente file) or
    ``{m2_per_1000_woningen: 120, bron: "..."}``. A function without a catalogue norm (say
    ``zorg``) may get one here; a sensitive function may not.

    Parameters
    ----------
    normen
        The catalogue norms (:func:`load_vloernormen`).
    overrides
        The ``vloernormen`` section of the gemeente file (None: nothing to apply).
    bestand
        The gemeente file, named in every message.
    lines
        Line numbers of the file's values (:func:`gebiedsplan._io.load_yaml_with_lines`).

    Raises
    ------
    GebiedsplanError
        Naming the file, line and key of every unknown or sensitive function, unknown field
        and value that is not a positive number, at once.

    Examples
    --------
    >>> normen = apply_vloernorm_overrides(load_vloernormen(),
    ...     {"huisarts": 120, "zorg": {"m2_per_1000_woningen": 60, "bron": "Kader 2024"}},
    ...     bestand="wijken/voorbeeld.yml")
    >>> normen["huisarts"].m2_per_1000_woningen, normen["huisarts"].soort
    (120.0, 'gemeente')
    >>> normen["zorg"].bron
    'Kader 2024'
    """
    from gebiedsplan._io import waar

    regels = lines or {}
    if overrides is None:
        return dict(normen)
    if not isinstance(overrides, Mapping):
        raise GebiedsplanError(
            f"{waar(bestand, regels, ('vloernormen',))}: vloernormen moet per functie een getal "
            "of velden hebben, bv. vloernormen: {ontmoeting: 150}"
        )
    functies = load_catalogus().functies
    result = dict(normen)
    problemen: list[str] = []
    for functie, spec in overrides.items():
        pad: tuple[str | int, ...] = ("vloernormen", functie)
        plek = f"{waar(bestand, regels, pad)}: vloernormen.{functie}"
        if (probleem := _vloernorm_functie_probleem(str(functie), functies)) is not None:
            problemen.append(f"{plek}: {probleem}")
            continue
        velden = spec if isinstance(spec, Mapping) else {"m2_per_1000_woningen": spec}
        if onbekend := sorted(set(velden) - {"m2_per_1000_woningen", "bron"}):
            problemen.append(
                f"{plek}: onbekend veld {', '.join(map(str, onbekend))}; toegestaan: "
                "m2_per_1000_woningen, bron"
            )
            continue
        m2 = _positief_getal(velden.get("m2_per_1000_woningen"))
        if m2 is None:
            veldpad = (*pad, "m2_per_1000_woningen") if isinstance(spec, Mapping) else pad
            problemen.append(
                f"{waar(bestand, regels, veldpad)}: vloernormen.{functie}: "
                f"{velden.get('m2_per_1000_woningen')!r} is geen positief aantal m² per 1.000 "
                "woningen; schrijf een getal zonder eenheid of punt als duizendtal-scheiding "
                "(1200, niet '1.200 m2')"
            )
            continue
        bron = str(velden.get("bron") or f"Gemeentelijke vloernorm uit {bestand}")
        result[str(functie)] = Vloernorm(str(functie), m2, "gemeente", bron)
    if problemen:
        raise GebiedsplanError("Vloernormen niet overgenomen:\n  - " + "\n  - ".join(problemen))
    return result
