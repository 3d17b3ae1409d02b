"""A gemeente: its validated layers plus the definitions of its ``wijken/<naam>.yml`` file."""

from __future__ import annotations

import html
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from gebiedsplan import settings
from gebiedsplan._io import Pad, load_yaml_with_lines, waar
from gebiedsplan._tekst import getal
from gebiedsplan.bronnen import Herkomst, alles_synthetisch, synthetisch_tekst
from gebiedsplan.bronnen.momentopname import functie_categorieen
from gebiedsplan.catalogus import (
    Functievocabulaire,
    Norm,
    Vloernorm,
    apply_norm_overrides,
    apply_vloernorm_overrides,
    load_catalogus,
    load_vloernormen,
)
from gebiedsplan.errors import GebiedsplanError, GemeenteError
from gebiedsplan.store import load_lagen, store_path

log = logging.getLogger(__name__)

#: Layers every gemeente must have; the others are optional.
VERPLICHTE_LAGEN = ("wijken", "buurten", "voorzieningen")
OPTIONELE_LAGEN = (
    "accommodaties",
    "groen",
    "gezondheid",
    "vraagpunten",
    "netwerk",
    "netwerk_auto",
    "plannen",
    "nabijheid",
    "kerncijfers_jaren",
    "buurten_indeling",
    "inbreng",
    "voorzieningen_jaren",
)
#: A buurt belongs to a polygon gebied when they share more than this area (not just an edge).
MIN_OVERLAP_M2 = 1.0
_GEBIED_VELDEN = {"naam", "soort", "omschrijving", "buurten", "wijken", "polygoon", "benadering"}


@dataclass(frozen=True)
class Gebied:
    """A named area of a gemeente: a development area (Rijnpark), a pilot area, ..."""

    naam: str
    soort: str
    buurten: tuple[str, ...]
    geometrie: BaseGeometry
    omschrijving: str = ""
    benadering: bool = False


@dataclass
class Gemeente:
    """The validated layers of one gemeente and its gemeente file. Build it with :func:`load_gemeente`."""

    code: str
    naam: str
    wijken: gpd.GeoDataFrame
    buurten: gpd.GeoDataFrame
    voorzieningen: gpd.GeoDataFrame
    normen: Mapping[str, Norm]
    herkomst: Mapping[str, Herkomst]
    gebieden: Mapping[str, Gebied] = field(default_factory=dict)
    accommodaties: gpd.GeoDataFrame | None = None
    groen: gpd.GeoDataFrame | None = None
    gezondheid: pd.DataFrame | None = None
    vraagpunten: gpd.GeoDataFrame | None = None
    netwerk: gpd.GeoDataFrame | None = None
    #: the car network beside the walking one (layer netwerk_auto), for the comparison with
    #: CBS Nabijheid (gebiedsplan.analyse.vergelijk); None when not imported
    netwerk_auto: gpd.GeoDataFrame | None = None
    plannen: gpd.GeoDataFrame | None = None
    #: CBS Nabijheid (layer nabijheid): the official average distance over the road to the
    #: nearest facility per gemeente, wijk and buurt, long format (code, categorie, jaar,
    #: afstand_km); the yardstick of vergelijk-cbs; None when not imported
    nabijheid: pd.DataFrame | None = None
    #: key figures of several years per buurt in the indeling of their year (layer
    #: kerncijfers_jaren, long: jaar, indeling, buurtcode, indicator, waarde) and the buurt
    #: polygons of older indelingen (buurten_indeling), for gebiedsplan.analyse.trend; None
    #: when not imported
    kerncijfers_jaren: pd.DataFrame | None = None
    buurten_indeling: gpd.GeoDataFrame | None = None
    #: pins of residents from meetings and paper forms (layer inbreng: bijeenkomst, datum,
    #: categorie, oordeel, tekst; gebiedsplan.bronnen.inbreng); None when not imported
    inbreng: gpd.GeoDataFrame | None = None
    #: snapshots of the facilities and accommodations per year (layer voorzieningen_jaren:
    #: jaar, soort, categorie, naam, bron; gebiedsplan.importeren.momentopname), counted per
    #: buurt and year by gebiedsplan.analyse.trend; None when no snapshot was made
    voorzieningen_jaren: gpd.GeoDataFrame | None = None
    groen_raster: Path | None = None
    synthetisch: bool = False
    bestand: Path | None = None
    opslag: Path | None = None  # the layer store (GeoPackage) it was loaded from
    #: the floor space norms with the file's ``vloernormen:`` applied
    #: (:func:`gebiedsplan.catalogus.apply_vloernorm_overrides`); None: the file has none, the
    #: catalogue's apply (:func:`gebiedsplan.analyse.vloeroppervlak.compute_vloeroppervlak`)
    vloernormen: Mapping[str, Vloernorm] | None = None

    @property
    def netwerk_map(self) -> Path | None:
        """Folder beside the layer store where compiled networks are kept (None: not kept)."""
        return self.opslag.with_name(f"{self.opslag.stem}_netwerk") if self.opslag else None

    @property
    def titel(self) -> str:
        """Name as shown to people: "(synthetisch)" only for a gemeente whose every source is
        made up (the demo) or whose file says ``synthetisch: true``. One fictitious layer does
        not make the gemeente synthetic; the products name that layer instead
        (:meth:`synthetisch_tekst`)."""
        if self.synthetisch and "synthetisch" not in self.naam.lower():
            return f"{self.naam} (synthetisch)"
        return self.naam

    def synthetisch_tekst(self, *, lagen: Iterable[str] | None = None) -> str | None:
        """Dutch warning for products: every source made up (the demo), some (naming the layer
        and the source), or none (None); only the layers in ``lagen`` when given (a map of
        real layers gets no warning). A gemeente whose file says ``synthetisch: true`` is
        synthetic as a whole. See :func:`gebiedsplan.bronnen.synthetisch_tekst`."""
        if self.synthetisch:
            return "Synthetische demogegevens, geen echte situatie."
        return synthetisch_tekst(self.herkomst, lagen=lagen)

    def _repr_html_(self) -> str:
        lagen = ", ".join(f"{html.escape(k)}" for k in self.herkomst)
        return (
            f"<b>{html.escape(self.titel)}</b> ({html.escape(self.code)}): "
            f"{len(self.wijken)} wijken, {len(self.buurten)} buurten, "
            f"{getal(self.buurten['aantal_inwoners'].sum())} inwoners, "
            f"{len(self.voorzieningen)} voorzieningen; gebieden: "
            f"{html.escape(', '.join(self.gebieden) or '-')}; lagen: {lagen}"
        )


def effective_voorzieningen(gemeente: Gemeente) -> gpd.GeoDataFrame:
    """The facilities that count: the ``voorzieningen`` layer plus, for every accommodation in
    use, each of its ``functies`` that no facility linked to it (``accommodatie_id``) covers yet.

    An IAB accommodation is where functions are offered: a wijkcentrum with functions
    ``ontmoeting;welzijn`` is a meeting place and a welzijn location (each function counts as
    its category in ``lagen/catalogus/functies.yml``; a function without one, such as
    ``onderwijs``, adds nothing). Closed, planned or empty
    accommodations add nothing; their linked facilities stay as the layer has them.

    Column ``buiten_gemeente`` says which facilities lie outside every buurt of the gemeente
    (loaded with the border buffer, :data:`gebiedsplan.importeren.GRENSBUFFER_M`): they count
    for reach, since residents near the border use them, but never as the gemeente's own (the
    gap tables count a facility in the buurt it lies in, by the same ``intersects`` rule).

    Examples
    --------
    >>> from gebiedsplan.importeren import demo_gemeente
    >>> g = demo_gemeente()
    >>> alle = effective_voorzieningen(g)
    >>> len(alle) - len(g.voorzieningen)  # welzijn at 11 meeting places, ontmoeting at 2 libraries
    13
    >>> alle.loc[alle["buiten_gemeente"], "naam"].tolist()  # the library of the neighbour village
    ['Bibliotheek Buurdorp (buurgemeente)']
    """
    voorzieningen = gemeente.voorzieningen
    accommodaties = gemeente.accommodaties
    if accommodaties is None or accommodaties.empty:
        return _mark_buiten(voorzieningen, gemeente.buurten)
    catalogus = load_catalogus()
    categorieen, functies = catalogus.categorieen, catalogus.functies
    gekoppeld: dict[str, set[str]] = {}
    if "accommodatie_id" in voorzieningen.columns:
        for acc, cat in zip(
            voorzieningen["accommodatie_id"], voorzieningen["categorie"], strict=True
        ):
            if isinstance(acc, str):
                gekoppeld.setdefault(acc, set()).add(cat)
    rijen = []
    for acc_id, acc in accommodaties[accommodaties["status"] == "in_gebruik"].iterrows():
        punt = (
            acc.geometry
            if acc.geometry.geom_type == "Point"
            else acc.geometry.representative_point()
        )
        nieuw = set(_categorieen_van(acc["functies"], functies, categorieen))
        for functie in sorted(nieuw - gekoppeld.get(str(acc_id), set())):
            rijen.append(
                {
                    "id": f"{acc_id}:{functie}",
                    "naam": f"{acc['naam']} ({categorieen[functie].label})",
                    "categorie": functie,
                    "subcategorie": "functie van accommodatie",
                    "bron": f"accommodatie {acc_id}",
                    "capaciteit": acc.get("capaciteit"),
                    "accommodatie_id": str(acc_id),
                    "geometry": punt,
                }
            )
    if rijen:
        extra = gpd.GeoDataFrame(rijen, crs=voorzieningen.crs).set_index("id")
        voorzieningen = pd.concat([voorzieningen, extra])
    return _mark_buiten(voorzieningen, gemeente.buurten)


def _categorieen_van(
    waarde: Any, functies: Functievocabulaire, categorieen: Mapping[str, Any]
) -> list[str]:
    """The categories an accommodation's ``functies`` offer: each function's category in the
    vocabulary (``beschermd_wonen`` is opvang, ``onderwijs`` none), a bare category code as
    itself (:func:`gebiedsplan.bronnen.momentopname.functie_categorieen`, the same rule for
    the snapshots of several years)."""
    return functie_categorieen(waarde, functies, categorieen)


def _mark_buiten(voorzieningen: gpd.GeoDataFrame, buurten: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """A copy with column ``buiten_gemeente``: the point intersects no buurt of the gemeente."""
    punten = np.asarray(voorzieningen.geometry.to_numpy())
    binnen = np.zeros(len(punten), dtype=bool)
    if len(punten):
        boom = shapely.STRtree(np.asarray(buurten.geometry.to_numpy()))
        binnen[np.unique(boom.query(punten, predicate="intersects")[0])] = True
    return voorzieningen.assign(buiten_gemeente=~binnen)


def _gemeente_file(naam_of_pad: str | Path) -> Path:
    path = Path(naam_of_pad)
    if path.suffix in (".yml", ".yaml"):
        return path
    return settings.wijken_dir / f"{naam_of_pad}.yml"


def _parse_gebieden(
    raw: Any,
    *,
    bestand: Path,
    lines: Mapping[Pad, int],
    wijken: gpd.GeoDataFrame,
    buurten: gpd.GeoDataFrame,
    problems: list[str],
) -> dict[str, Gebied]:
    if raw is None:
        return {}
    if not isinstance(raw, list):
        problems.append(f"{waar(bestand, lines, ('gebieden',))}: 'gebieden' moet een lijst zijn")
        return {}
    gemeente_vlak = shapely.union_all(wijken.geometry.to_numpy())
    gebieden: dict[str, Gebied] = {}
    for i, spec in enumerate(raw):
        pad: Pad = ("gebieden", i)
        where = waar(bestand, lines, pad)
        if not isinstance(spec, Mapping) or not spec.get("naam"):
            problems.append(
                f"{where}: een gebied heeft minstens 'naam' en buurten, wijken of polygoon"
            )
            continue
        naam = str(spec["naam"])
        unknown = set(spec) - _GEBIED_VELDEN
        if unknown:
            problems.append(
                f"{where}: gebied '{naam}': onbekend veld {', '.join(sorted(unknown))}; "
                f"toegestaan: {', '.join(sorted(_GEBIED_VELDEN))}"
            )
        codes: list[str] = []
        for j, code in enumerate(spec.get("buurten") or []):
            if code not in buurten.index:
                problems.append(
                    f"{waar(bestand, lines, (*pad, 'buurten', j))}: gebied '{naam}' noemt buurt "
                    f"'{code}', die niet in de laag buurten staat"
                )
            else:
                codes.append(code)
        for j, code in enumerate(spec.get("wijken") or []):
            if code not in wijken.index:
                problems.append(
                    f"{waar(bestand, lines, (*pad, 'wijken', j))}: gebied '{naam}' noemt wijk "
                    f"'{code}', die niet in de laag wijken staat"
                )
            else:
                codes += list(buurten.index[buurten["wijkcode"] == code])
        geometrie: BaseGeometry | None = None
        if spec.get("polygoon"):
            try:
                geometrie = shapely.from_wkt(spec["polygoon"])
            except shapely.errors.ShapelyError as exc:
                problems.append(
                    f"{waar(bestand, lines, (*pad, 'polygoon'))}: polygoon van '{naam}' is geen "
                    f"geldige WKT in EPSG:28992: {exc}"
                )
                continue
            if not geometrie.intersects(gemeente_vlak):
                problems.append(
                    f"{waar(bestand, lines, (*pad, 'polygoon'))}: polygoon van '{naam}' ligt "
                    "buiten de gemeente (coördinaten in RD, EPSG:28992?)"
                )
                continue
            if not codes:  # buurten that share area with the polygon, not just an edge
                overlap = buurten.geometry.intersection(geometrie).area
                codes = list(buurten.index[overlap > MIN_OVERLAP_M2])
        elif codes:
            geometrie = shapely.union_all(buurten.loc[codes].geometry.to_numpy())
        else:
            problems.append(f"{where}: gebied '{naam}' heeft geen buurten, wijken of polygoon")
            continue
        if naam in gebieden:
            problems.append(f"{where}: gebied '{naam}' komt twee keer voor")
        gebieden[naam] = Gebied(
            naam=naam,
            soort=str(spec.get("soort", "gebied")),
            buurten=tuple(dict.fromkeys(codes)),
            geometrie=geometrie,
            omschrijving=str(spec.get("omschrijving", "")),
            benadering=bool(spec.get("benadering", False)),
        )
    return gebieden


#: A buurt must overlap the wijken (buffered by this, for generalised boundaries of another
#: indeling year whose edges differ by up to ~150 m).
MARGE_BUURT_WIJK_M = 100.0


def check_samenhang(
    gemeentecode: str, lagen: Mapping[str, pd.DataFrame], *, bron: str | Mapping[str, str]
) -> list[str]:
    """Problems between the layers of a gemeente: the one check of referential integrity, at
    import (before anything is written) and at load.

    - wijken and buurten of another gemeente: the column ``gemeentecode``, and the digits of
      the code (``BU0363...`` is Amsterdam's, whatever the column says);
    - buurten whose ``wijkcode`` is not in the wijken, or not the wijk their own code names
      (CBS codes: BU + gemeente (4) + wijk (2) + buurt (2), WK + gemeente (4) + wijk (2));
    - buurten that do not overlap the wijken (swapped or shifted coordinates, another place);
    - vraagpunten in buurten that do not exist.

    Layers missing from ``lagen`` are skipped. ``bron`` names where the layers come from: one
    text, or one per layer (``{"buurten": "buurten uit buurten.gpkg", ...}``).

    Examples
    --------
    >>> from gebiedsplan.bronnen.demo import build_demo
    >>> demo = build_demo()
    >>> buurten = demo.buurten.copy()
    >>> buurten.loc["BU99990101", "wijkcode"] = "WK999909"
    >>> check_samenhang("GM9999", {"wijken": demo.wijken, "buurten": buurten}, bron="x.gpkg")[0][:80]
    'x.gpkg: laag buurten: wijkcode bestaat niet in laag wijken voor buurt BU99990101'
    """

    def van(naam: str) -> str:
        return bron.get(naam, naam) if isinstance(bron, Mapping) else bron

    problems: list[str] = []
    cijfers = gemeentecode[2:]
    for naam, voorvoegsel in (("wijken", "WK"), ("buurten", "BU")):
        laag = lagen.get(naam)
        if laag is None:
            continue
        other = laag["gemeentecode"] != gemeentecode
        if other.any():
            problems.append(
                f"{van(naam)}: laag {naam}: gemeentecode is niet {gemeentecode} voor "
                f"{', '.join(list(laag.index[other])[:10])}"
            )
        codes = laag.index.astype(str)
        vreemd = ~codes.str.startswith(f"{voorvoegsel}{cijfers}") & ~other.to_numpy()
        if vreemd.any():
            problems.append(
                f"{van(naam)}: laag {naam}: {', '.join(list(codes[vreemd])[:10])} hoort volgens "
                f"de code bij een andere gemeente dan {gemeentecode} ({voorvoegsel}{cijfers}…); "
                "importeer alleen de wijken en buurten van deze gemeente, of herstel de code"
            )
    wijken, buurten = lagen.get("wijken"), lagen.get("buurten")
    if wijken is not None and buurten is not None:
        orphan = ~buurten["wijkcode"].isin(wijken.index)
        if orphan.any():
            rows = [f"{b} (wijkcode {w})" for b, w in buurten.loc[orphan, "wijkcode"].items()]
            problems.append(
                f"{van('buurten')}: laag buurten: wijkcode bestaat niet in laag wijken voor buurt "
                f"{', '.join(rows[:10])}{' …' if len(rows) > 10 else ''} (wijken: "
                f"{van('wijken')}); importeer wijken en buurten van dezelfde indeling, of "
                "herstel de wijkcode"
            )
        eigen = "WK" + buurten.index.astype(str).str[2:8]
        anders = ~orphan.to_numpy() & (buurten["wijkcode"].to_numpy() != eigen.to_numpy())
        if anders.any():
            rows = [
                f"{b} (wijkcode {w}, volgens de buurtcode {e})"
                for b, w, e in zip(
                    buurten.index[anders], buurten["wijkcode"][anders], eigen[anders], strict=True
                )
            ]
            problems.append(
                f"{van('buurten')}: laag buurten: de wijkcode past niet bij de buurtcode voor "
                f"{', '.join(rows[:10])}; een buurtcode is BU + gemeente + wijk + buurtnummer"
            )
        if isinstance(buurten, gpd.GeoDataFrame) and isinstance(wijken, gpd.GeoDataFrame):
            vlak = shapely.union_all(wijken.geometry.to_numpy()).buffer(MARGE_BUURT_WIJK_M)
            geoms = buurten.geometry.to_numpy()
            buiten = ~shapely.intersects(vlak, geoms) & ~shapely.is_empty(geoms)
            if buiten.any():
                problems.append(
                    f"{van('buurten')}: laag buurten: buurt "
                    f"{', '.join(list(buurten.index[buiten])[:10])} ligt buiten de wijken van "
                    f"de gemeente ({van('wijken')}); controleer de coördinaten (verwisselde x en "
                    "y, een ander CRS) of importeer wijken en buurten samen"
                )
    vraagpunten = lagen.get("vraagpunten")
    if vraagpunten is not None and buurten is not None:
        orphan = ~vraagpunten["buurtcode"].isin(buurten.index)
        if orphan.any():
            problems.append(
                f"{van('vraagpunten')}: laag vraagpunten: {int(orphan.sum())} punten in onbekende "
                f"buurten ({', '.join(sorted(set(vraagpunten.loc[orphan, 'buurtcode']))[:10])}); "
                "importeer de vraagpunten opnieuw bij deze buurten"
            )
    return problems


def check_gebieden_bij(
    gemeentecode: str,
    wijken: gpd.GeoDataFrame,
    buurten: gpd.GeoDataFrame,
    *,
    opslag: str | Path,
) -> list[str]:
    """Problems of the ``gebieden`` of every gemeente file in ``settings.wijken_dir`` that uses
    the store ``opslag`` for ``gemeentecode``, against these wijken and buurten: an import
    must not leave a gemeente that no longer loads (a gebied naming a buurt that is gone).

    Examples
    --------
    >>> from gebiedsplan.bronnen.demo import build_demo
    >>> from gebiedsplan.store import store_path
    >>> demo = build_demo()
    >>> check_gebieden_bij("GM9999", demo.wijken, demo.buurten, opslag=store_path("GM9999"))
    []
    """
    doel = Path(opslag).resolve()
    problems: list[str] = []
    for bestand in sorted(Path(settings.wijken_dir).glob("*.yml")):
        try:
            spec, lines = load_yaml_with_lines(bestand)
        except GebiedsplanError as exc:
            log.warning("Gemeentebestand %s niet gelezen: %s", bestand, exc)
            continue
        if not isinstance(spec, Mapping) or str(spec.get("gemeentecode", "")) != gemeentecode:
            continue
        if Path(spec.get("opslag") or store_path(gemeentecode)).resolve() != doel:
            continue
        _parse_gebieden(
            spec.get("gebieden"),
            bestand=bestand,
            lines=lines,
            wijken=wijken,
            buurten=buurten,
            problems=problems,
        )
    return problems


def load_gemeente(naam_of_pad: str | Path, *, opslag: str | Path | None = None) -> Gemeente:
    """Load a gemeente: read ``wijken/<naam>.yml``, load its layer store, check everything.

    Parameters
    ----------
    naam_of_pad
        Name of a file in ``settings.wijken_dir`` (``"demo"``, ``"arnhem"``) or a path to a
        ``.yml`` file.
    opslag
        GeoPackage of the layer store; default the file's ``opslag`` or
        ``settings.store_dir / <gemeentecode>.gpkg``.

    Returns
    -------
    Gemeente

    Raises
    ------
    GemeenteError
        Listing every problem of the file and between the layers (unknown buurten in gebieden,
        buurten of unknown wijken, norm overrides for unknown categories, floor space norms
        under ``vloernormen:`` for unknown or sensitive functions or with a bad value), with
        line numbers.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from gebiedsplan.bronnen.demo import build_demo
    >>> from gebiedsplan.importeren import save_demo
    >>> opslag = save_demo(build_demo(), Path(tempfile.mkdtemp()))
    >>> gemeente = load_gemeente("demo", opslag=opslag)
    >>> gemeente.titel, len(gemeente.wijken)
    ('Rivierstad (synthetisch)', 6)
    """
    bestand = _gemeente_file(naam_of_pad)
    if not bestand.exists():
        raise GemeenteError(
            f"Gemeentebestand {bestand} bestaat niet. Maak wijken/<naam>.yml met minstens "
            "gemeentecode en naam (zie wijken/demo.yml)."
        )
    spec, lines = load_yaml_with_lines(bestand)
    if not isinstance(spec, Mapping):
        raise GemeenteError(f"{bestand}: verwacht velden als gemeentecode, naam, gebieden")
    problems: list[str] = []
    raw_code = spec.get("gemeentecode", "")
    code = str(raw_code)
    if not code.startswith("GM") or len(code) != 6 or not code[2:].isdigit():
        hint = (
            " YAML las een getal: schrijf de code als tekst met GM ervoor, bv. gemeentecode: GM0202"
            if isinstance(raw_code, int | float)
            else ""
        )
        raise GemeenteError(
            f"{waar(bestand, lines, ('gemeentecode',))}: gemeentecode {code!r} is geen CBS-code "
            f"van de vorm GMgggg (bv. GM0202 voor Arnhem).{hint}"
        )
    opslag_pad = Path(opslag or spec.get("opslag") or store_path(code))
    lagen, herkomst = load_lagen(opslag_pad)
    missing = [naam for naam in VERPLICHTE_LAGEN if naam not in lagen]
    if missing:
        raise GemeenteError(f"{opslag_pad}: verplichte laag {', '.join(missing)} ontbreekt")
    problems += check_samenhang(code, lagen, bron=str(opslag_pad))
    gebieden = _parse_gebieden(
        spec.get("gebieden"),
        bestand=bestand,
        lines=lines,
        wijken=lagen["wijken"],
        buurten=lagen["buurten"],
        problems=problems,
    )
    try:
        normen = apply_norm_overrides(
            load_catalogus().normen, spec.get("normen"), bron=str(bestand)
        )
    except GebiedsplanError as exc:
        problems.append(str(exc))
        normen = dict(load_catalogus().normen)
    vloernormen = None
    if spec.get("vloernormen") is not None:
        try:
            vloernormen = apply_vloernorm_overrides(
                load_vloernormen(), spec["vloernormen"], bestand=bestand, lines=lines
            )
        except GebiedsplanError as exc:
            problems.append(str(exc))
    if problems:
        raise GemeenteError(
            f"Gemeente {code} ({bestand}) niet geladen:\n  - " + "\n  - ".join(problems)
        )
    raster = opslag_pad.with_name(f"{opslag_pad.stem}_groen_10m.tif")
    gemeente = Gemeente(
        code=code,
        naam=str(spec.get("naam", code)),
        normen=normen,
        herkomst=herkomst,
        gebieden=gebieden,
        groen_raster=raster if raster.exists() else None,
        synthetisch=bool(spec.get("synthetisch", False)) or alles_synthetisch(herkomst),
        bestand=bestand,
        opslag=opslag_pad,
        vloernormen=vloernormen,
        **{naam: lagen[naam] for naam in (*VERPLICHTE_LAGEN, *OPTIONELE_LAGEN) if naam in lagen},
    )
    log.info("Gemeente %s geladen uit %s en %s", gemeente.titel, bestand, opslag_pad)
    return gemeente


def demo_file() -> Path:
    """wijken/demo.yml of the checkout, or the copy inside an installed wheel."""
    for candidate in (
        settings.wijken_dir / "demo.yml",
        Path(__file__).resolve().parents[1] / "_wijken" / "demo.yml",
        Path(__file__).resolve().parents[2] / "wijken" / "demo.yml",
    ):
        if candidate.exists():
            return candidate
    raise FileNotFoundError("wijken/demo.yml niet gevonden; installeer gebiedsplan opnieuw.")
