"""One place, counted once: OpenStreetMap rows that a register names too are dropped.

When the layer ``voorzieningen`` holds rows of OpenStreetMap and of a register (DUO schools,
LRK day care, a municipal list), the same school can be in both. :func:`ontdubbel` finds such
pairs by a documented rule, kept as data in ``lagen/catalogus/ontdubbelen.yml`` (what it is and
why its numbers are what they are is written there):

an OpenStreetMap row and a register row are one place when they have the **same category**, lie
at most **max_afstand_m** (100 m) apart, and their **names are alike** after normalising (every
word of one in the other, or a difflib ratio of at least **min_naam_gelijkenis**, 0.8).

The register row stays (it wins for name, capacity and address) and records the OpenStreetMap
id in ``samengevoegd_met``; the OpenStreetMap row is dropped. Each OpenStreetMap row goes to the
nearest register row it matches; a register row may absorb several OpenStreetMap objects (a
school mapped as a node and as a building). It runs in one import (:class:`gebiedsplan.importeren.
Invoer`) and in the layer store (:func:`gebiedsplan.store.update_lagen`), so the order of the
imports does not matter; a second run finds nothing new.
"""

from __future__ import annotations

import difflib
import logging
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import pandas as pd

from gebiedsplan import settings
from gebiedsplan.catalogus import read_yaml
from gebiedsplan.errors import GebiedsplanError

log = logging.getLogger(__name__)

#: The extra column of a register row that absorbed OpenStreetMap rows (their ids, ``;``).
SAMENGEVOEGD = "samengevoegd_met"
#: Columns of a match report (:func:`ontdubbel`).
KOLOMMEN = (
    "bron_weg",
    "bron_blijft",
    "id_weg",
    "id_blijft",
    "naam_weg",
    "naam_blijft",
    "afstand_m",
)


@dataclass(frozen=True)
class Regel:
    """The matching rule (``lagen/catalogus/ontdubbelen.yml``)."""

    max_afstand_m: float
    min_naam_gelijkenis: float
    wijkt: tuple[str, ...]
    generiek: frozenset[str]
    synoniemen: Mapping[str, str]


@cache
def _regel(pad: str) -> Regel:
    data = read_yaml(
        pad,
        onderdelen=["max_afstand_m", "min_naam_gelijkenis", "wijkt", "generiek"],
        wat="Catalogusbestand ontdubbelen",
    )
    afstand, gelijk = data["max_afstand_m"], data["min_naam_gelijkenis"]
    if not isinstance(afstand, int | float) or afstand < 0:
        raise GebiedsplanError(f"{pad}: max_afstand_m {afstand!r} is geen afstand in meters >= 0.")
    if not isinstance(gelijk, int | float) or not 0 <= gelijk <= 1:
        raise GebiedsplanError(f"{pad}: min_naam_gelijkenis {gelijk!r} ligt niet tussen 0 en 1.")
    return Regel(
        max_afstand_m=float(afstand),
        min_naam_gelijkenis=float(gelijk),
        wijkt=tuple(str(w) for w in data["wijkt"]),
        generiek=frozenset(str(w).casefold() for w in data["generiek"]),
        synoniemen={
            str(k).casefold(): str(v).casefold() for k, v in (data.get("synoniemen") or {}).items()
        },
    )


def load_regel() -> Regel:
    """The matching rule of the catalogue.

    Examples
    --------
    >>> regel = load_regel()
    >>> regel.max_afstand_m, regel.min_naam_gelijkenis, regel.wijkt
    (100.0, 0.8, ('OpenStreetMap',))
    """
    return _regel(str(settings.catalogus_dir / "ontdubbelen.yml"))


def naam_woorden(naam: Any, regel: Regel | None = None) -> tuple[str, ...]:
    """The words of a name that say which facility it is: lower case, no accents or
    punctuation, abbreviations written out, generic words gone, a trailing ``school`` cut.

    Examples
    --------
    >>> naam_woorden("Basisschool De Linde"), naam_woorden("OBS de Linde")
    (('linde',), ('linde',))
    >>> naam_woorden("R.K. Basisschool St. Jozefschool"), naam_woorden("Speelplek (zonder naam)")
    (('sint', 'jozef'), ('speelplek',))
    """
    regel = regel or load_regel()
    if not isinstance(naam, str):
        return ()
    tekst = unicodedata.normalize("NFKD", naam)
    tekst = "".join(c for c in tekst if not unicodedata.combining(c)).casefold()
    tekst = re.sub(r"\b([a-z])\.(?=[a-z]\.)", r"\1", tekst)  # r.k. -> rk.
    woorden = []
    for woord in re.findall(r"[a-z0-9]+", tekst):
        woord = regel.synoniemen.get(woord, woord)
        if woord in regel.generiek:
            continue
        if woord.endswith("school") and len(woord) > len("school"):
            woord = woord[: -len("school")]
        if woord not in regel.generiek:
            woorden.append(woord)
    return tuple(woorden)


def naam_gelijkenis(a: Any, b: Any, regel: Regel | None = None) -> float:
    """How alike two facility names are, 0-1: 1 when every word of one is in the other, else
    the difflib ratio of their sorted words; 0 when either has no distinguishing word.

    Examples
    --------
    >>> naam_gelijkenis("Basisschool De Linde", "OBS de Linde")
    1.0
    >>> naam_gelijkenis("Basisschool De Linde", "CBS Het Kompas") < 0.5
    True
    >>> naam_gelijkenis("Kinderopvang (zonder naam)", "KDV De Linde")
    0.0
    """
    regel = regel or load_regel()
    return _ratio(naam_woorden(a, regel), naam_woorden(b, regel))


def _ratio(a: Sequence[str], b: Sequence[str]) -> float:
    if not a or not b:
        return 0.0
    if set(a) <= set(b) or set(b) <= set(a):
        return 1.0
    return difflib.SequenceMatcher(None, " ".join(sorted(a)), " ".join(sorted(b))).ratio()


def _wijkt(bron: Any, regel: Regel) -> bool:
    return isinstance(bron, str) and bron.startswith(regel.wijkt)


def ontdubbel(
    data: pd.DataFrame, *, regel: Regel | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Drop the OpenStreetMap rows of ``voorzieningen`` that a register names too.

    Parameters
    ----------
    data
        The layer ``voorzieningen`` with a column ``bron`` naming the source of every row
        (:data:`gebiedsplan.bronnen.MEERDERE_BRONNEN`), points in EPSG:28992.
    regel
        The rule; default ``lagen/catalogus/ontdubbelen.yml``.

    Returns
    -------
    (data, paren)
        The layer without the dropped rows (register rows that absorbed one have the dropped
        ids in ``samengevoegd_met``), and one row per dropped row: ``bron_weg``, ``bron_blijft``,
        ``id_weg``, ``id_blijft``, ``naam_weg``, ``naam_blijft``, ``afstand_m``.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely import Point
    >>> vz = gpd.GeoDataFrame({"naam": ["Basisschool De Linde", "OBS de Linde", "CBS Het Kompas"],
    ...     "categorie": ["basisschool"] * 3,
    ...     "bron": ["OpenStreetMap (Overpass API via osmnx)", "DUO", "OpenStreetMap"]},
    ...     geometry=[Point(0, 0), Point(40, 0), Point(100, 0)], crs="EPSG:28992",
    ...     index=pd.Index(["osm:way/1", "duo:00AA00", "osm:node/2"], name="id"))
    >>> uit, paren = ontdubbel(vz)
    >>> uit.index.tolist(), paren[["id_weg", "id_blijft", "afstand_m"]].values.tolist()
    (['duo:00AA00', 'osm:node/2'], [['osm:way/1', 'duo:00AA00', 40.0]])
    """
    regel = regel or load_regel()
    leeg = pd.DataFrame(columns=list(KOLOMMEN))
    if data.empty or "bron" not in data.columns or "geometry" not in data.columns:
        return data, leeg
    wijkt = data["bron"].map(lambda b: _wijkt(b, regel)).to_numpy(dtype=bool)
    bron_ok = data["bron"].notna().to_numpy()
    osm = [int(i) for i in np.flatnonzero(wijkt)]
    reg_index = np.flatnonzero(~wijkt & bron_ok)
    reg = [int(j) for j in reg_index]
    if not osm or not reg:
        return data, leeg
    bronnen = data["bron"].tolist()
    ids = [str(i) for i in data.index]
    x = data.geometry.x.to_numpy()
    y = data.geometry.y.to_numpy()
    categorie = data["categorie"].astype(str).to_numpy()
    naam = data["naam"].to_numpy(dtype=object)
    woorden = {i: naam_woorden(naam[i], regel) for i in (*osm, *reg)}
    paren: list[dict[str, Any]] = []
    weg: dict[int, int] = {}
    for i in osm:
        if not woorden[i]:
            continue
        d = np.hypot(x[reg_index] - x[i], y[reg_index] - y[i])
        kandidaten = [
            (float(d[k]), j)
            for k, j in enumerate(reg)
            if d[k] <= regel.max_afstand_m
            and categorie[j] == categorie[i]
            and _gelijk(woorden[i], woorden[j], regel)
        ]
        if kandidaten:
            afstand, j = min(kandidaten)
            weg[i] = j
            paren.append(
                {
                    "bron_weg": bronnen[i],
                    "bron_blijft": bronnen[j],
                    "id_weg": ids[i],
                    "id_blijft": ids[j],
                    "naam_weg": naam[i],
                    "naam_blijft": naam[j],
                    "afstand_m": round(afstand, 1),
                }
            )
    if not weg:
        return data, leeg
    samen: dict[int, list[str]] = {}
    for i, j in weg.items():
        samen.setdefault(j, []).append(ids[i])
    kolom = data[SAMENGEVOEGD].tolist() if SAMENGEVOEGD in data.columns else [None] * len(data)
    for j, weg_ids in samen.items():
        oud = kolom[j]
        eerder = [s for s in oud.split(";") if s] if isinstance(oud, str) else []
        kolom[j] = ";".join(dict.fromkeys([*eerder, *weg_ids]))
    uit = data.assign(**{SAMENGEVOEGD: pd.Series(kolom, index=data.index, dtype="object")})
    houden = np.ones(len(uit), dtype=bool)
    houden[list(weg)] = False
    tabel = pd.DataFrame(paren, columns=list(KOLOMMEN))
    log.info(
        "Voorzieningen in OpenStreetMap én een register, één keer geteld: %s",
        "; ".join(
            f"{r.bron_weg} / {r.bron_blijft}: {r.aantal}" for r in tel_paren(tabel).itertuples()
        ),
    )
    return uit.loc[houden], tabel


def _gelijk(a: Sequence[str], b: Sequence[str], regel: Regel) -> bool:
    return bool(a and b) and _ratio(a, b) >= regel.min_naam_gelijkenis


def tel_paren(paren: pd.DataFrame) -> pd.DataFrame:
    """How many places were counted once, per source pair: columns ``bron_weg``,
    ``bron_blijft``, ``aantal``.

    Examples
    --------
    >>> tel_paren(pd.DataFrame({"bron_weg": ["OSM", "OSM"], "bron_blijft": ["DUO", "LRK"],
    ...     "id_weg": ["a", "b"]})).to_dict("records")
    [{'bron_weg': 'OSM', 'bron_blijft': 'DUO', 'aantal': 1}, {'bron_weg': 'OSM', 'bron_blijft': 'LRK', 'aantal': 1}]
    """
    if paren.empty:
        return pd.DataFrame(columns=["bron_weg", "bron_blijft", "aantal"])
    return (
        paren.groupby(["bron_weg", "bron_blijft"], sort=False).size().rename("aantal").reset_index()
    )
