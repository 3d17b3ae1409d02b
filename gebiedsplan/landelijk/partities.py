"""Partitions of a national run: per gemeente its residents, and the streets and facilities within
its border buffer, taken from national arrays on a grid index.

Why the answer does not depend on the partitioning
--------------------------------------------------
A partition holds the residents of its area ``P`` (one gemeente, or several) and computes them on
a piece of the national network. Take a resident ``r`` and the distance ``rand_m`` from ``r`` to
the edge of the buffered area ``R = P ⊕ B`` (``B`` the border buffer, 2 km walking,
``lagen/catalogus/grensbuffer.yml``); for ``r`` inside ``P`` that is at least ``B`` plus its
depth inside ``P`` (:func:`rand_afstand_m`, a lower bound). A route of length ``L`` (snap line,
streets, the facility's snap line) never leaves the disc of radius ``L`` around ``r``: a street
is never shorter than its line (straight, or curved through its shape points; to rounding, well
inside the metres of slack of :func:`buffer_ruim`; :func:`build_verdeling` warns when a file's
lengths are shorter), and a piece of it (from a snapped point to an end) is as long as its share
of the line. So every route
shorter than ``rand_m`` lies inside ``R``, and a partition that holds

1. every street that comes within ``B`` of ``P``, and every street within the snap distance
   (250 m) of any point or facility it holds, so that every point attaches to the same street
   (the nearest point of the same line) as in a national run;
2. every facility within ``B`` + 250 m of ``P`` (all that can attach to a street of ``R``, so
   that those streets are split at the same places as nationally),

finds every such route, and nothing shorter than the national network has (it is a piece of
it, with the same attachments). Hence, per resident and category: when the partition's
nearest distance is below ``rand_m`` it *is* the national distance, to the last bit; when it is
not (or nothing was found) the national answer could lie beyond the buffer, and the resident
is **flagged** (``buiten_buffer_<categorie>``), never silently wrong: the partition's distance
is then an upper bound. Counts within a radius below ``rand_m`` are exact; a radius at or beyond
it flags the resident too. With ``B`` at least the largest norm distance, whether a resident is
within the norm is always exact (a flagged resident is further than ``B`` away).

The streets are selected with margins that make (1) and (2) hold exactly: facilities within
``B + s`` of ``P``, streets whose midpoint ``m`` (the middle of the straight line between its
ends) lies within ``B + 2s + L/2`` (``s`` = the snap distance, ``L`` the street's reach: its
length or its line's length, whichever is longer). That holds curved streets too: every point
``p`` of a line of length ``L`` from ``a`` to ``b`` has ``|p - a| + |p - b| <= L`` (the line
through ``p`` is no shorter than the two straight lines), so ``|p - m| <= (|p - a| + |p - b|) / 2
<= L/2``: the whole street lies within ``L/2`` of ``m``, and a street coming within ``d`` of
``P`` has its midpoint within ``d + L/2``. Buffered polygons are grown by ``1/cos(π/4q)`` so
their straight chords never cut off the true round buffer (:func:`buffer_ruim`).

Reading once
------------
:func:`build_verdeling` turns a :class:`~gebiedsplan.landelijk.land.Land` into one
:class:`Verdeling`: the national arrays, streets and facilities sorted by the cell of a
``cel_m`` grid (a spatial index of plain arrays: one pointer per cell), residents grouped by
gemeente. A partition takes its rows from the cells around it (:func:`select_partitie`); the
inputs are never read again per gemeente. The :class:`Verdeling` is what a Dask run sends to
every worker once.
"""

from __future__ import annotations

import functools
import logging
import math
import pickle
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

from gebiedsplan.errors import GebiedsplanError
from gebiedsplan.landelijk.land import Land, lijn_lengte_m, select_vormen

log = logging.getLogger(__name__)

#: Segments of a buffer's quarter circle (shapely ``quad_segs``).
KWART_SEGMENTEN = 8
#: Streets longer than this are tested one by one against a partition, not by the grid.
LANG_M = 300.0


@dataclass(frozen=True)
class Partitie:
    """One partition: the residents of some gemeenten.

    Attributes
    ----------
    naam
        Its name in the progress and the tables (the gemeentecode, or ``heel land``).
    gemeenten
        Positions of its gemeenten in :attr:`Verdeling.gemeente_codes`.
    vlak
        The area of those gemeenten (WKB): the buffer is measured from its border.
    """

    naam: str
    gemeenten: tuple[int, ...]
    vlak: bytes

    @property
    def geometrie(self) -> shapely.Geometry:
        """The area as a shapely geometry."""
        return shapely.from_wkb(self.vlak)


@dataclass(frozen=True)
class Verdeling:
    """The national inputs as arrays on a grid index, shared by every partition (module docstring).

    Streets and facilities are sorted by grid cell (row-major, ``n_kol`` cells a row, from
    ``x0, y0``); ``*_cel_ptr[c]:*_cel_ptr[c + 1]`` are the rows in cell ``c``. Residents are
    grouped by gemeente (``vp_gm_ptr``), in national order inside each gemeente. The streets'
    shapes (``kant_vorm_ptr``, ``kant_vorm_xy``: as :attr:`Land.kant_vorm_ptr`, None for
    straight streets) follow their order; ``kant_reik_m`` is a street's length or its line's
    length, whichever is longer (the margins of :func:`select_partitie`).
    """

    cel_m: float
    x0: float
    y0: float
    n_kol: int
    n_rij: int
    knoop_xy: np.ndarray
    kant_van: np.ndarray
    kant_naar: np.ndarray
    kant_lengte_m: np.ndarray
    kant_vorm_ptr: np.ndarray | None
    kant_vorm_xy: np.ndarray | None
    kant_reik_m: np.ndarray
    kant_mid: np.ndarray
    kant_cel_ptr: np.ndarray
    kort_max_m: float
    lang: np.ndarray
    vz_xy: np.ndarray
    vz_cat: np.ndarray
    vz_id: np.ndarray
    vz_cel_ptr: np.ndarray
    categorieen: tuple[str, ...]
    vp_id: np.ndarray
    vp_xy: np.ndarray
    vp_inwoners: np.ndarray
    vp_buurt: np.ndarray
    vp_gm_ptr: np.ndarray
    buurt_codes: np.ndarray
    buurt_wijk: np.ndarray
    wijk_codes: np.ndarray
    wijk_gemeente: np.ndarray
    gemeente_codes: np.ndarray
    gemeente_vlak: tuple[bytes, ...]

    @property
    def nbytes(self) -> int:
        """Memory of the arrays (what a Dask run sends to every worker)."""
        return int(sum(v.nbytes for v in vars(self).values() if isinstance(v, np.ndarray)))


def _cel(x0: float, y0: float, cel_m: float, n_kol: int, n_rij: int, xy: np.ndarray) -> np.ndarray:
    k = np.clip(((xy[:, 0] - x0) // cel_m).astype(np.int64), 0, n_kol - 1)
    r = np.clip(((xy[:, 1] - y0) // cel_m).astype(np.int64), 0, n_rij - 1)
    return r * n_kol + k


def _ptr(cel: np.ndarray, n: int) -> np.ndarray:
    ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(cel, minlength=n), out=ptr[1:])
    return ptr


def build_verdeling(land: Land, *, cel_m: float = 1000.0) -> Verdeling:
    """The national arrays of ``land`` on a grid index of ``cel_m`` cells (module docstring).

    Examples
    --------
    >>> from gebiedsplan.landelijk.land import build_land
    >>> v = build_verdeling(build_land(2, 3, gemeente_m=2000, straat_m=100))
    >>> len(v.gemeente_codes), int(v.kant_cel_ptr[-1]) == len(v.kant_van)
    (6, True)
    """
    vp = land.vraagpunten
    vz = land.voorzieningen
    problemen = [
        f"{naam} mist kolom(men) {', '.join(sorted(set(kolommen) - set(df.columns)))}"
        for naam, df, kolommen in (
            ("vraagpunten", vp, ("x", "y", "inwoners", "buurtcode")),
            ("voorzieningen", vz, ("x", "y", "categorie")),
        )
        if not set(kolommen) <= set(df.columns)
    ]
    if problemen:
        raise GebiedsplanError("Landelijke invoer: " + "; ".join(problemen) + ".")
    lo = np.minimum(land.knoop_xy.min(axis=0), land.gemeenten.total_bounds[:2])
    hi = np.maximum(land.knoop_xy.max(axis=0), land.gemeenten.total_bounds[2:])
    x0, y0 = float(lo[0]), float(lo[1])
    n_kol = int((hi[0] - x0) // cel_m) + 1
    n_rij = int((hi[1] - y0) // cel_m) + 1
    n_cel = n_kol * n_rij

    xy = np.asarray(land.knoop_xy, dtype=float)
    van = np.asarray(land.kant_van, dtype=np.int64)
    naar = np.asarray(land.kant_naar, dtype=np.int64)
    lengte = np.asarray(land.kant_lengte_m, dtype=float)
    mid = 0.5 * (xy[van] + xy[naar])
    cel = _cel(x0, y0, cel_m, n_kol, n_rij, mid)
    orde = np.argsort(cel, kind="stable")
    van, naar, lengte, mid, cel = van[orde], naar[orde], lengte[orde], mid[orde], cel[orde]
    vorm_ptr, vorm_xy = select_vormen(land.kant_vorm_ptr, land.kant_vorm_xy, orde)
    # a street's reach: its length, or its line's when that is longer (by rounding, or a
    # file's lengte_m shorter than its line): no point of the line lies further from its ends
    lijn_m = lijn_lengte_m(xy, van, naar, vorm_ptr, vorm_xy)
    reik = np.maximum(lengte, lijn_m)
    korter = lengte < lijn_m * (1 - 1e-9) - 1e-6
    if korter.any():
        log.warning(
            "%d straten zijn korter (lengte_m) dan hun lijn, tot %.1f m; een route langs zo'n "
            "straat kan korter zijn dan de rechte afstand, en de vlag buiten_buffer is daar niet "
            "gegarandeerd. Bereken lengte_m uit de lijnen in EPSG:28992.",
            int(korter.sum()),
            float((lijn_m - lengte)[korter].max()),
        )
    lang = np.flatnonzero(reik > LANG_M)
    kort_max = float(reik[reik <= LANG_M].max(initial=0.0))

    vz_xy = vz[["x", "y"]].to_numpy(dtype=float)
    vz_categorie = pd.Categorical(vz["categorie"])
    vz_cel = _cel(x0, y0, cel_m, n_kol, n_rij, vz_xy)
    vz_orde = np.argsort(vz_cel, kind="stable")

    buurt_codes = land.buurten.index.to_numpy().astype(str)
    wijk_codes = land.wijken.index.to_numpy().astype(str)
    gemeente_codes = land.gemeenten.index.to_numpy().astype(str)
    # codes of millions of addresses: look up each distinct code once
    code_nr, code_uniek = pd.factorize(vp["buurtcode"])
    buurt_nr = np.where(
        code_nr >= 0,
        pd.Index(buurt_codes).get_indexer(pd.Index(code_uniek).astype(str))[code_nr],
        -1,
    )
    if (buurt_nr < 0).any():
        onbekend = sorted(set(vp["buurtcode"].astype(str)[buurt_nr < 0]))[:5]
        raise GebiedsplanError(
            f"{int((buurt_nr < 0).sum())} vraagpunten hebben een buurtcode die niet in de laag "
            f"buurten staat (bv. {', '.join(onbekend)}); controleer of vraagpunten en buurten "
            "uit hetzelfde jaar komen."
        )
    buurt_wijk = pd.Index(wijk_codes).get_indexer(land.buurten["wijkcode"].astype(str))
    wijk_gemeente = pd.Index(gemeente_codes).get_indexer(land.wijken["gemeentecode"].astype(str))
    if (buurt_wijk < 0).any() or (wijk_gemeente < 0).any():
        raise GebiedsplanError(
            "Landelijke invoer: niet elke buurt hoort bij een wijk uit de laag wijken, of niet "
            "elke wijk bij een gemeente uit de laag gemeenten; neem de drie lagen uit dezelfde "
            "Wijk- en Buurtkaart."
        )
    vp_gm = wijk_gemeente[buurt_wijk[buurt_nr]]
    vp_orde = np.argsort(vp_gm, kind="stable")  # national order inside every gemeente
    vp_xy = vp[["x", "y"]].to_numpy(dtype=float)
    return Verdeling(
        cel_m=float(cel_m),
        x0=x0,
        y0=y0,
        n_kol=n_kol,
        n_rij=n_rij,
        knoop_xy=xy,
        kant_van=van,
        kant_naar=naar,
        kant_lengte_m=lengte,
        kant_vorm_ptr=vorm_ptr,
        kant_vorm_xy=vorm_xy,
        kant_reik_m=reik,
        kant_mid=mid,
        kant_cel_ptr=_ptr(cel, n_cel),
        kort_max_m=kort_max,
        lang=lang,
        vz_xy=vz_xy[vz_orde],
        vz_cat=np.asarray(vz_categorie.codes, dtype=np.int16)[vz_orde],
        vz_id=vz_orde.astype(np.int64),
        vz_cel_ptr=_ptr(vz_cel, n_cel),
        categorieen=tuple(str(c) for c in vz_categorie.categories),
        vp_id=vp_orde.astype(np.int64),
        vp_xy=vp_xy[vp_orde],
        vp_inwoners=vp["inwoners"].to_numpy(dtype=float)[vp_orde],
        vp_buurt=buurt_nr[vp_orde].astype(np.int32),
        vp_gm_ptr=_ptr(vp_gm, len(gemeente_codes)),
        buurt_codes=buurt_codes,
        buurt_wijk=buurt_wijk.astype(np.int32),
        wijk_codes=wijk_codes,
        wijk_gemeente=wijk_gemeente.astype(np.int32),
        gemeente_codes=gemeente_codes,
        gemeente_vlak=tuple(shapely.to_wkb(np.asarray(land.gemeenten.geometry.to_numpy()))),
    )


def per_gemeente(verdeling: Verdeling, gemeenten: Iterable[str] | None = None) -> list[Partitie]:
    """One partition per gemeente (all, or those named), the largest first (by residents).

    Largest first: a Dask run then starts the long tasks early and ends with short ones, which
    keeps every worker busy to the end.

    Examples
    --------
    >>> from gebiedsplan.landelijk.land import build_land
    >>> v = build_verdeling(build_land(2, 3, gemeente_m=2000, straat_m=100))
    >>> sorted(p.naam for p in per_gemeente(v, ["GM8002", "GM8001"]))
    ['GM8001', 'GM8002']
    """
    codes = [str(c) for c in verdeling.gemeente_codes]
    if gemeenten is None:
        gekozen = list(range(len(codes)))
    else:
        namen = list(dict.fromkeys(gemeenten))
        onbekend = [g for g in namen if g not in codes]
        if onbekend:
            raise GebiedsplanError(
                f"Gemeente(n) {', '.join(onbekend)} staan niet in de laag gemeenten "
                f"({len(codes)} gemeenten, bv. {', '.join(codes[:3])}); gebruik CBS-codes "
                "als GM0202."
            )
        gekozen = [codes.index(g) for g in namen]
    grootte = np.diff(verdeling.vp_gm_ptr)
    gekozen.sort(key=lambda g: (-int(grootte[g]), g))
    return [Partitie(codes[g], (g,), verdeling.gemeente_vlak[g]) for g in gekozen]


def heel_land(verdeling: Verdeling, gemeenten: Iterable[str] | None = None) -> list[Partitie]:
    """One partition for all (or the named) gemeenten together: the whole-country run.

    Examples
    --------
    >>> from gebiedsplan.landelijk.land import build_land
    >>> v = build_verdeling(build_land(2, 3, gemeente_m=2000, straat_m=100))
    >>> [(p.naam, len(p.gemeenten)) for p in heel_land(v)]
    [('heel land', 6)]
    """
    delen = per_gemeente(verdeling, gemeenten)
    nrs = tuple(sorted(g for p in delen for g in p.gemeenten))
    vlak = shapely.union_all(shapely.from_wkb([verdeling.gemeente_vlak[g] for g in nrs]))
    return [Partitie("heel land", nrs, shapely.to_wkb(vlak))]


def buffer_ruim(vlak: shapely.Geometry, afstand_m: float) -> shapely.Geometry:
    """``vlak`` buffered so that it holds every point within ``afstand_m`` of it.

    A shapely buffer draws round corners as straight chords between points on the circle, which
    cut a little off the true buffer; grown by ``1/cos(π/4q)`` (``q`` segments a quarter
    circle) the chords lie outside the circle of ``afstand_m``.

    Examples
    --------
    >>> bijna_rond = shapely.Point(0, 0).buffer(99.999, quad_segs=64)
    >>> bool(shapely.contains(buffer_ruim(shapely.Point(0, 0), 100.0), bijna_rond))
    True
    >>> bool(shapely.contains(shapely.Point(0, 0).buffer(100.0), bijna_rond))  # plain: no
    False
    """
    factor = 1.0 / math.cos(math.pi / (4 * KWART_SEGMENTEN))
    return shapely.buffer(vlak, afstand_m * factor, quad_segs=KWART_SEGMENTEN)


def _in_cellen(
    verdeling: Verdeling, ptr: np.ndarray, bounds: Sequence[float], marge_m: float
) -> np.ndarray:
    """Rows (of arrays sorted by cell) in the cells that touch ``bounds`` grown by ``marge_m``."""
    c = verdeling.cel_m
    k0 = max(0, int((bounds[0] - marge_m - verdeling.x0) // c))
    k1 = min(verdeling.n_kol - 1, int((bounds[2] + marge_m - verdeling.x0) // c))
    r0 = max(0, int((bounds[1] - marge_m - verdeling.y0) // c))
    r1 = min(verdeling.n_rij - 1, int((bounds[3] + marge_m - verdeling.y0) // c))
    if k1 < k0 or r1 < r0:
        return np.empty(0, dtype=np.int64)
    rijen = np.arange(r0, r1 + 1) * verdeling.n_kol
    start, eind = ptr[rijen + k0], ptr[rijen + k1 + 1]
    lengte = eind - start
    if lengte.sum() == 0:
        return np.empty(0, dtype=np.int64)
    return np.repeat(start - np.cumsum(lengte) + lengte, lengte) + np.arange(int(lengte.sum()))


@dataclass(frozen=True)
class Selectie:
    """What one partition takes from the :class:`Verdeling` (result of :func:`select_partitie`).

    Attributes
    ----------
    kanten
        Rows of the streets (into ``Verdeling.kant_*``).
    voorzieningen
        Rows of the facilities (into ``Verdeling.vz_*``).
    vraagpunten
        Rows of the residents (into ``Verdeling.vp_*``), in national order.
    """

    kanten: np.ndarray
    voorzieningen: np.ndarray
    vraagpunten: np.ndarray


def select_partitie(
    verdeling: Verdeling, partitie: Partitie, *, buffer_m: float, max_snap_m: float
) -> Selectie:
    """The streets, facilities and residents of one partition (module docstring for the margins).

    Examples
    --------
    >>> from gebiedsplan.landelijk.land import build_land
    >>> v = build_verdeling(build_land(2, 3, gemeente_m=2000, straat_m=100))
    >>> s = select_partitie(v, per_gemeente(v, ["GM8001"])[0], buffer_m=500, max_snap_m=250)
    >>> 0 < len(s.kanten) < len(v.kant_van), 0 < len(s.vraagpunten) < len(v.vp_id)
    (True, True)
    """
    vlak = partitie.geometrie
    bounds = shapely.bounds(vlak)
    vz_marge = buffer_m + max_snap_m
    factor = 1.0 / math.cos(math.pi / (4 * KWART_SEGMENTEN))

    # facilities within B + s
    vz_rand = buffer_ruim(vlak, vz_marge)
    shapely.prepare(vz_rand)
    kandidaat = _in_cellen(verdeling, verdeling.vz_cel_ptr, bounds, vz_marge * factor)
    xy = verdeling.vz_xy[kandidaat]
    vz = kandidaat[shapely.contains_xy(vz_rand, xy[:, 0], xy[:, 1])]

    # streets: midpoint within (B + s) * factor + s + reach/2, which holds every street within
    # s of a facility taken above and every street that comes within B of the area (curved
    # ones too: a street lies within reach/2 of its midpoint, module docstring)
    kort_marge = vz_marge * factor + max_snap_m + verdeling.kort_max_m / 2
    kant_rand = buffer_ruim(vlak, kort_marge)
    shapely.prepare(kant_rand)
    kandidaat = _in_cellen(verdeling, verdeling.kant_cel_ptr, bounds, kort_marge * factor)
    kandidaat = kandidaat[verdeling.kant_reik_m[kandidaat] <= LANG_M]
    mid = verdeling.kant_mid[kandidaat]
    kort = kandidaat[shapely.contains_xy(kant_rand, mid[:, 0], mid[:, 1])]
    lang = verdeling.lang
    if len(lang):
        mid = verdeling.kant_mid[lang]
        dichtbij = shapely.dwithin(
            shapely.points(mid),
            vlak,
            vz_marge * factor + max_snap_m + verdeling.kant_reik_m[lang] / 2,
        )
        lang = lang[dichtbij]
    kanten = np.sort(np.concatenate([kort, lang]))

    vp = np.concatenate(
        [np.arange(verdeling.vp_gm_ptr[g], verdeling.vp_gm_ptr[g + 1]) for g in partitie.gemeenten]
    )
    vp = vp[np.argsort(verdeling.vp_id[vp], kind="stable")]
    return Selectie(kanten=kanten, voorzieningen=np.sort(vz), vraagpunten=vp)


def rand_afstand_m(vlak: shapely.Geometry, xy: np.ndarray, *, buffer_m: float) -> np.ndarray:
    """A lower bound of the distance from every point to the edge of ``vlak`` buffered by
    ``buffer_m``: the buffer plus the depth inside ``vlak`` (minus the distance outside it).

    Examples
    --------
    >>> vierkant = shapely.box(0, 0, 1000, 1000)
    >>> rand_afstand_m(vierkant, np.array([[500., 100.], [1100., 500.]]), buffer_m=2000).tolist()
    [2100.0, 1900.0]
    """
    if len(xy) == 0:
        return np.empty(0)
    shapely.prepare(vlak)
    binnen = shapely.contains_xy(vlak, xy[:, 0], xy[:, 1])
    punten = shapely.points(xy)
    diepte = np.where(
        binnen, shapely.distance(punten, shapely.boundary(vlak)), -shapely.distance(punten, vlak)
    )
    return buffer_m + diepte


#: The file of :func:`save_verdeling` that holds everything but the arrays.
_REST = "verdeling.pickle"


def save_verdeling(verdeling: Verdeling, map_: str | Path) -> Path:
    """Write the national arrays to ``map_``, one ``.npy`` per array, for :func:`load_verdeling`.

    Worker processes on the same machine then map the same files into memory instead of each
    receiving (and unpickling) a copy: at 10M nodes that saves ~16 s of sending and ~1.5 GB of
    memory per worker, since the operating system keeps one copy of the pages for all of them.

    Examples
    --------
    >>> import tempfile
    >>> from gebiedsplan.landelijk.land import build_land
    >>> v = build_verdeling(build_land(1, 2, gemeente_m=2000, straat_m=100))
    >>> w = load_verdeling(str(save_verdeling(v, tempfile.mkdtemp())))
    >>> bool((w.knoop_xy == v.knoop_xy).all()), w.gemeente_codes.tolist()
    (True, ['GM8001', 'GM8002'])
    """
    map_ = Path(map_)
    map_.mkdir(parents=True, exist_ok=True)
    rest = {}
    for veld in fields(verdeling):
        waarde = getattr(verdeling, veld.name)
        if isinstance(waarde, np.ndarray) and waarde.dtype != object:
            np.save(map_ / f"{veld.name}.npy", waarde, allow_pickle=False)
        else:
            rest[veld.name] = waarde
    (map_ / _REST).write_bytes(pickle.dumps(rest, protocol=pickle.HIGHEST_PROTOCOL))
    return map_


@functools.lru_cache(maxsize=2)
def load_verdeling(map_: str) -> Verdeling:
    """The arrays written by :func:`save_verdeling`, memory-mapped read-only (loaded once per
    process and folder)."""
    velden = pickle.loads((Path(map_) / _REST).read_bytes())
    for veld in fields(Verdeling):
        if veld.name not in velden:
            # a plain ndarray view of the mapped file (numba takes no memmap subclass)
            velden[veld.name] = np.asarray(
                np.load(Path(map_) / f"{veld.name}.npy", mmap_mode="r", allow_pickle=False)
            )
    return Verdeling(**velden)


__all__ = [
    "Partitie",
    "Selectie",
    "Verdeling",
    "buffer_ruim",
    "build_verdeling",
    "heel_land",
    "load_verdeling",
    "per_gemeente",
    "rand_afstand_m",
    "save_verdeling",
    "select_partitie",
]
