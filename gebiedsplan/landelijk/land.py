"""A synthetic country: many small gemeenten on a grid, for tests and benchmarks of national runs.

:func:`build_land` makes it deterministically from a seed, from a handful of gemeenten (tests,
well under a second) up to about 10 million street nodes (benchmarks). What it holds, and how it
is made:

- **gemeenten** on a grid of squares (``gemeente_m`` a side), each split into wijken and every
  wijk into buurten (``wijken_per_zijde`` and ``buurten_per_zijde`` squares a side), with
  CBS-like codes: gemeente ``GM8001``, wijk ``WK800101``, buurt ``BU80010101`` (the 8000s are no
  real gemeente codes, so a synthetic country is never mistaken for a real one);
- one **street network** over the whole country, crossing every border: a jittered square grid
  (``straat_m`` between crossings, every crossing moved up to a fifth of that), 10% of the grid
  streets removed, 5% of the blocks crossed by a diagonal, every street 0-20% longer than the
  straight line (streets bend). Removing streets leaves some small disconnected pieces, as real
  networks have. Given as arrays (node coordinates, edges between node positions), as
  :func:`gebiedsplan.netwerk.graaf.compile_arrays` takes them. By default a street is drawn as
  the straight line between its ends (its length is longer: the bend is in the length only);
  with ``bochten=True`` every street gets one shape point beside the middle of that line, so
  that its drawn line is as long as the street and residents snap onto the bend;
- **residents** (``vraagpunten``): addresses beside the streets (up to 30 m off), about
  ``adressen_per_knoop`` per street node, a quarter of them in buildings with several addresses
  at one point (flats), 1-4 inhabitants each; every address carries the codes of its buurt,
  wijk and gemeente;
- **facilities** (``voorzieningen``) of every category of :data:`DICHTHEID_PER_KM2` beside the
  streets, at that density, and on every border between two gemeenten a few facilities just
  across it (within 150 m), so that residents near a border are served from the neighbour.
  The library (``bibliotheek``) is rare on purpose: many residents live more than the border
  buffer (2 km) from the nearest one, the case a national run has to flag.

Everything is labelled synthetic (:attr:`Land.synthetisch`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gebiedsplan._io import atomic_path, check_bestand
from gebiedsplan.errors import GebiedsplanError

log = logging.getLogger(__name__)

#: Facilities per km² and category in the synthetic country (town-like; the library rare).
DICHTHEID_PER_KM2: dict[str, float] = {
    "ontmoeting": 1.0,
    "welzijn": 0.5,
    "huisarts": 1.0,
    "jeugd_en_gezin": 0.25,
    "basisschool": 1.0,
    "kinderopvang": 1.5,
    "sport": 0.8,
    "speelplek": 4.0,
    "bibliotheek": 0.05,
    "groen": 2.0,
}

#: Lower-left corner of the synthetic country (EPSG:28992, metres): in the Netherlands.
OORSPRONG_XY = (120_000.0, 420_000.0)
#: The first gemeente number (GM8001); the 8000s and 9000s are no real CBS codes.
EERSTE_GEMEENTE = 8001
#: At most this many gemeenten (GM8001 to GM9998; GM9999 is the demo gemeente).
MAX_GEMEENTEN = 1998
#: A connected piece of street network shorter than this (metres of street, together) is a
#: *klein netwerkdeel*: the converter leaves it out of a land from real files
#: (:func:`gebiedsplan.landelijk.invoer.build_land_uit_bestanden`) and a national run does not
#: analyse residents beside one that is left (:class:`gebiedsplan.landelijk.rekenen.Instellingen`).
MIN_NETWERKDEEL_M = 1000.0


@dataclass(frozen=True)
class Land:
    """A country (synthetic or read from files): areas, streets, residents and facilities.

    Attributes
    ----------
    gemeenten
        Polygons indexed by ``gemeentecode``, with ``gemeentenaam``; EPSG:28992.
    wijken
        Polygons indexed by ``wijkcode``, with ``wijknaam`` and ``gemeentecode``.
    buurten
        Polygons indexed by ``buurtcode``, with ``buurtnaam``, ``wijkcode`` and ``gemeentecode``.
    knoop_xy
        Street node coordinates (n × 2, metres).
    kant_van, kant_naar, kant_lengte_m
        Streets: their end nodes (positions in ``knoop_xy``) and length in metres (never
        shorter than the straight line between the ends, nor, to rounding, than the street's
        line).
    kant_vorm_ptr, kant_vorm_xy
        The shape of the streets: the inner points (between the end nodes, from ``kant_van`` to
        ``kant_naar``) of street ``i`` are ``kant_vorm_xy[kant_vorm_ptr[i]:kant_vorm_ptr[i + 1]]``
        (none for a straight street). None (both): every street is the straight line between
        its ends. :func:`kant_lijnen` draws the lines.
    vraagpunten
        Residents' addresses, one row each: ``x``, ``y`` (metres), ``inwoners``, ``buurtcode``,
        ``wijkcode``, ``gemeentecode`` (categorical); the row position is its id.
    voorzieningen
        Facilities, one row each: ``x``, ``y``, ``categorie`` (categorical), ``naam``.
    synthetisch
        Whether the country is made up (:func:`build_land`).
    bron
        Where it comes from, for the provenance of every output.
    """

    gemeenten: gpd.GeoDataFrame
    wijken: gpd.GeoDataFrame
    buurten: gpd.GeoDataFrame
    knoop_xy: np.ndarray
    kant_van: np.ndarray
    kant_naar: np.ndarray
    kant_lengte_m: np.ndarray
    vraagpunten: pd.DataFrame
    voorzieningen: pd.DataFrame
    synthetisch: bool = True
    bron: str = "synthetisch land"
    kant_vorm_ptr: np.ndarray | None = None
    kant_vorm_xy: np.ndarray | None = None

    def __post_init__(self) -> None:
        ptr, xy = self.kant_vorm_ptr, self.kant_vorm_xy
        if (ptr is None) != (xy is None):
            raise GebiedsplanError(
                "Land: geef kant_vorm_ptr en kant_vorm_xy samen, of geen van beide (rechte "
                "straten)."
            )
        if (
            ptr is not None
            and xy is not None
            and (len(ptr) != len(self.kant_van) + 1 or ptr[0] != 0 or ptr[-1] != len(xy))
        ):
            raise GebiedsplanError(
                f"Land: kant_vorm_ptr heeft {len(ptr)} waarden voor {len(self.kant_van)} "
                f"straten en {len(xy)} vormpunten; verwacht {len(self.kant_van) + 1} "
                "waarden, van 0 tot het aantal vormpunten (select_vormen kiest ze mee)."
            )

    @property
    def n_knopen(self) -> int:
        """Number of street nodes."""
        return len(self.knoop_xy)

    @property
    def n_vormpunten(self) -> int:
        """Number of inner shape points of the streets (0 when every street is straight)."""
        return 0 if self.kant_vorm_xy is None else len(self.kant_vorm_xy)

    @property
    def nbytes(self) -> int:
        """Memory of the land, about: its arrays, its point tables and the coordinates of its
        area polygons (what a Dask run scatters once to every worker, before partitioning)."""
        arrays = sum(v.nbytes for v in vars(self).values() if isinstance(v, np.ndarray))
        tabellen = sum(
            int(df.memory_usage(deep=True).sum()) for df in (self.vraagpunten, self.voorzieningen)
        )
        vlakken = sum(
            16 * int(shapely.get_num_coordinates(np.asarray(g.geometry.to_numpy())).sum())
            for g in (self.gemeenten, self.wijken, self.buurten)
        )
        return int(arrays + tabellen + vlakken)


def select_vormen(
    ptr: np.ndarray | None, xy: np.ndarray | None, rijen: np.ndarray
) -> tuple[np.ndarray | None, np.ndarray | None]:
    """The shapes of the streets at ``rijen`` (in that order), as :attr:`Land.kant_vorm_ptr` and
    :attr:`Land.kant_vorm_xy`; None stays None (straight streets).

    Examples
    --------
    >>> ptr, xy = np.array([0, 2, 2, 3]), np.array([[0., 1.], [0., 2.], [5., 5.]])
    >>> p, v = select_vormen(ptr, xy, np.array([2, 0]))
    >>> p.tolist(), v.tolist()
    ([0, 1, 3], [[5.0, 5.0], [0.0, 1.0], [0.0, 2.0]])
    """
    if ptr is None or xy is None:
        return None, None
    rijen = np.asarray(rijen, dtype=np.int64)
    begin = ptr[rijen]
    aantal = ptr[rijen + 1] - begin
    nieuw = np.zeros(len(rijen) + 1, dtype=np.int64)
    np.cumsum(aantal, out=nieuw[1:])
    index = np.repeat(begin - nieuw[:-1], aantal) + np.arange(int(nieuw[-1]))
    return nieuw, np.asarray(xy, dtype=float)[index]


def _lijnpunten(
    knoop_xy: np.ndarray,
    van: np.ndarray,
    naar: np.ndarray,
    ptr: np.ndarray | None,
    vorm_xy: np.ndarray | None,
) -> tuple[np.ndarray, np.ndarray]:
    """All points of all street lines (end node, inner points, end node) and the street of each."""
    m = len(van)
    aantal = np.full(m, 2, dtype=np.int64)
    if ptr is not None:
        aantal += np.diff(ptr)
    begin = np.cumsum(aantal) - aantal
    punten = np.empty((int(aantal.sum()), 2))
    punten[begin] = knoop_xy[van]
    punten[begin + aantal - 1] = knoop_xy[naar]
    if ptr is not None and vorm_xy is not None and len(vorm_xy):
        binnen = np.ones(len(punten), dtype=bool)
        binnen[begin] = False
        binnen[begin + aantal - 1] = False
        punten[binnen] = vorm_xy
    return punten, np.repeat(np.arange(m, dtype=np.int64), aantal)


def kant_lijnen(
    knoop_xy: np.ndarray,
    van: np.ndarray,
    naar: np.ndarray,
    ptr: np.ndarray | None = None,
    vorm_xy: np.ndarray | None = None,
) -> np.ndarray:
    """The streets as LineStrings from ``van`` to ``naar`` through their shape points.

    Examples
    --------
    >>> xy = np.array([[0., 0.], [100., 0.]])
    >>> lijnen = kant_lijnen(xy, np.array([0]), np.array([1]), np.array([0, 1]),
    ...     np.array([[50., 20.]]))
    >>> lijnen[0].wkt
    'LINESTRING (0 0, 50 20, 100 0)'
    """
    if len(van) == 0:
        return np.empty(0, dtype=object)
    punten, lijn = _lijnpunten(knoop_xy, van, naar, ptr, vorm_xy)
    return np.asarray(shapely.linestrings(punten, indices=lijn))


def lijn_lengte_m(
    knoop_xy: np.ndarray,
    van: np.ndarray,
    naar: np.ndarray,
    ptr: np.ndarray | None = None,
    vorm_xy: np.ndarray | None = None,
) -> np.ndarray:
    """Length of every street's line (through its shape points), in metres.

    Examples
    --------
    >>> xy = np.array([[0., 0.], [6., 0.]])
    >>> lijn_lengte_m(xy, np.array([0]), np.array([1]), np.array([0, 1]),
    ...     np.array([[3., 4.]])).tolist()
    [10.0]
    """
    punten, lijn = _lijnpunten(knoop_xy, van, naar, ptr, vorm_xy)
    zelfde = lijn[1:] == lijn[:-1]
    stuk = np.hypot(*(punten[1:] - punten[:-1])[zelfde].T)
    return np.bincount(lijn[:-1][zelfde], weights=stuk, minlength=len(van))


def vormpunten_als_knopen(land: Land) -> Land:
    """The same country with every shape point a node of its own and every street straight
    (as ``knopen="vormpunten"`` reads a file): each piece's length its share of the street's
    length (by the lengths of the straight pieces). The same answers, on a larger graph.

    Examples
    --------
    >>> krom = build_land(1, 2, gemeente_m=2000, straat_m=100, bochten=True)
    >>> vol = vormpunten_als_knopen(krom)
    >>> vol.n_knopen == krom.n_knopen + krom.n_vormpunten, vol.n_vormpunten
    (True, 0)
    >>> bool(np.isclose(vol.kant_lengte_m.sum(), krom.kant_lengte_m.sum(), rtol=1e-12))
    True
    """
    if land.kant_vorm_ptr is None or land.kant_vorm_xy is None:
        return land
    punten, lijn = _lijnpunten(
        land.knoop_xy, land.kant_van, land.kant_naar, land.kant_vorm_ptr, land.kant_vorm_xy
    )
    m, n = len(land.kant_van), land.n_knopen
    aantal = np.bincount(lijn, minlength=m)
    eerste = np.cumsum(aantal) - aantal
    laatste = eerste + aantal - 1
    knoop = np.empty(len(punten), dtype=np.int64)
    binnen = np.ones(len(punten), dtype=bool)
    binnen[eerste] = False
    binnen[laatste] = False
    knoop[binnen] = n + np.arange(int(binnen.sum()))
    knoop[eerste] = land.kant_van
    knoop[laatste] = land.kant_naar
    i = np.flatnonzero(lijn[1:] == lijn[:-1])
    recht = np.hypot(*(punten[i + 1] - punten[i]).T)
    geo = np.bincount(lijn[i], weights=recht, minlength=m)
    schaal = np.where(geo > 0, land.kant_lengte_m / np.where(geo > 0, geo, 1.0), 1.0)
    lengte = recht * schaal[lijn[i]]
    nul = geo[lijn[i]] == 0  # a street without a line: its pieces share its length
    lengte[nul] = land.kant_lengte_m[lijn[i]][nul] / (aantal[lijn[i]][nul] - 1)
    return replace(
        land,
        knoop_xy=np.concatenate([land.knoop_xy, punten[binnen]]),
        kant_van=knoop[i],
        kant_naar=knoop[i + 1],
        kant_lengte_m=lengte,
        kant_vorm_ptr=None,
        kant_vorm_xy=None,
    )


def _bochten(
    xy: np.ndarray, van: np.ndarray, naar: np.ndarray, lengte: np.ndarray, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """One shape point per street, beside the middle of its straight line (left or right at
    random), so far that the two straight pieces are as long as the street."""
    a, b = xy[van], xy[naar]
    koorde = np.hypot(*(b - a).T)
    hoogte = np.sqrt(np.maximum((lengte / 2) ** 2 - (koorde / 2) ** 2, 0.0))
    normaal = np.column_stack([-(b - a)[:, 1], (b - a)[:, 0]]) / np.maximum(koorde, 1e-9)[:, None]
    kant = np.random.default_rng([seed, 1]).choice([-1.0, 1.0], len(van))
    vorm = 0.5 * (a + b) + normaal * (kant * hoogte)[:, None]
    return np.arange(len(van) + 1, dtype=np.int64), vorm


def _vierkanten(x0: float, y0: float, zijde: float, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Lower-left corners of an n × n grid of squares, row by row from the bottom (rij, kolom)."""
    r, k = np.divmod(np.arange(n * n), n)
    return x0 + k * zijde, y0 + r * zijde


def _gebieden(
    rijen: int, kolommen: int, gemeente_m: float, wijken_per_zijde: int, buurten_per_zijde: int
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, gpd.GeoDataFrame]:
    x0, y0 = OORSPRONG_XY
    gm_r, gm_k = np.divmod(np.arange(rijen * kolommen), kolommen)
    gm_x, gm_y = x0 + gm_k * gemeente_m, y0 + gm_r * gemeente_m
    gm_code = [f"GM{EERSTE_GEMEENTE + i:04d}" for i in range(rijen * kolommen)]
    gemeenten = gpd.GeoDataFrame(
        {"gemeentenaam": [f"Synthetisch {i + 1}" for i in range(len(gm_code))]},
        geometry=shapely.box(gm_x, gm_y, gm_x + gemeente_m, gm_y + gemeente_m),
        index=pd.Index(gm_code, name="gemeentecode"),
        crs="EPSG:28992",
    )
    wk_m = gemeente_m / wijken_per_zijde
    bu_m = wk_m / buurten_per_zijde
    wk_rows, bu_rows = [], []
    for g, (gx, gy) in enumerate(zip(gm_x, gm_y, strict=True)):
        nummer = gm_code[g][2:]
        wx, wy = _vierkanten(gx, gy, wk_m, wijken_per_zijde)
        for w, (wxi, wyi) in enumerate(zip(wx, wy, strict=True)):
            wijkcode = f"WK{nummer}{w + 1:02d}"
            wk_rows.append((wijkcode, f"Wijk {w + 1}", gm_code[g], wxi, wyi))
            bx, by = _vierkanten(wxi, wyi, bu_m, buurten_per_zijde)
            for b, (bxi, byi) in enumerate(zip(bx, by, strict=True)):
                code = f"BU{nummer}{w + 1:02d}{b + 1:02d}"
                bu_rows.append((code, f"Buurt {w + 1}.{b + 1}", wijkcode, gm_code[g], bxi, byi))
    wk = pd.DataFrame(wk_rows, columns=["wijkcode", "wijknaam", "gemeentecode", "x", "y"])
    wx, wy = wk["x"].to_numpy(), wk["y"].to_numpy()
    bu = pd.DataFrame(
        bu_rows, columns=["buurtcode", "buurtnaam", "wijkcode", "gemeentecode", "x", "y"]
    )
    bx, by = bu["x"].to_numpy(), bu["y"].to_numpy()
    wijken = gpd.GeoDataFrame(
        wk[["wijknaam", "gemeentecode"]].set_axis(pd.Index(wk["wijkcode"], name="wijkcode")),
        geometry=shapely.box(wx, wy, wx + wk_m, wy + wk_m),
        crs="EPSG:28992",
    )
    buurten = gpd.GeoDataFrame(
        bu[["buurtnaam", "wijkcode", "gemeentecode"]].set_axis(
            pd.Index(bu["buurtcode"], name="buurtcode")
        ),
        geometry=shapely.box(bx, by, bx + bu_m, by + bu_m),
        crs="EPSG:28992",
    )
    return gemeenten, wijken, buurten


def _straten(
    breedte_m: float, hoogte_m: float, straat_m: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    nx = int(round(breedte_m / straat_m)) + 1
    ny = int(round(hoogte_m / straat_m)) + 1
    n = nx * ny
    gy, gx = np.divmod(np.arange(n, dtype=np.int64), nx)
    xy = np.column_stack([gx * (breedte_m / (nx - 1)), gy * (hoogte_m / (ny - 1))])
    xy += rng.uniform(-0.2 * straat_m, 0.2 * straat_m, (n, 2))
    xy += OORSPRONG_XY
    idx = np.arange(n, dtype=np.int64).reshape(ny, nx)
    paren = np.concatenate(
        [
            np.column_stack([idx[:, :-1].ravel(), idx[:, 1:].ravel()]),
            np.column_stack([idx[:-1, :].ravel(), idx[1:, :].ravel()]),
        ]
    )
    paren = paren[rng.random(len(paren)) > 0.10]
    diag = np.column_stack([idx[:-1, :-1].ravel(), idx[1:, 1:].ravel()])
    diag = diag[rng.random(len(diag)) < 0.05]
    e = np.concatenate([paren, diag])
    lengte = np.hypot(*(xy[e[:, 0]] - xy[e[:, 1]]).T) * rng.uniform(1.0, 1.2, len(e))
    return xy, e[:, 0].copy(), e[:, 1].copy(), lengte


def _langs_straat(
    xy: np.ndarray,
    van: np.ndarray,
    naar: np.ndarray,
    k: int,
    max_opzij_m: float,
    rng: np.random.Generator,
) -> np.ndarray:
    """``k`` points beside random streets: a random spot on the street, moved sideways."""
    if k == 0:
        return np.empty((0, 2))
    e = rng.integers(0, len(van), k)
    t = rng.random(k)[:, None]
    a, b = xy[van[e]], xy[naar[e]]
    p = a + t * (b - a)
    richting = b - a
    normaal = np.column_stack([-richting[:, 1], richting[:, 0]])
    normaal /= np.maximum(np.hypot(*normaal.T), 1e-9)[:, None]
    return p + normaal * rng.uniform(-max_opzij_m, max_opzij_m, k)[:, None]


def _in_vakken(
    xy: np.ndarray, x0: float, y0: float, zijde: float, kolommen: int, rijen: int
) -> np.ndarray:
    """Grid square (row-major) of every point; the outer edge belongs to the last square."""
    k = np.clip(((xy[:, 0] - x0) // zijde).astype(np.int64), 0, kolommen - 1)
    r = np.clip(((xy[:, 1] - y0) // zijde).astype(np.int64), 0, rijen - 1)
    return r * kolommen + k


def build_land(
    rijen: int,
    kolommen: int | None = None,
    *,
    seed: int = 0,
    gemeente_m: float = 4000.0,
    wijken_per_zijde: int = 2,
    buurten_per_zijde: int = 2,
    straat_m: float = 80.0,
    adressen_per_knoop: float = 0.8,
    bochten: bool = False,
) -> Land:
    """A synthetic country of ``rijen`` × ``kolommen`` gemeenten (module docstring).

    Parameters
    ----------
    rijen, kolommen
        Gemeenten on the grid (``kolommen`` defaults to ``rijen``).
    seed
        The same seed gives the same country, to the last bit.
    gemeente_m
        Side of one gemeente (metres); a real Dutch gemeente averages about 100 km².
    wijken_per_zijde, buurten_per_zijde
        Wijken a side of a gemeente, buurten a side of a wijk.
    straat_m
        Distance between street crossings; the country has about
        ``(rijen × gemeente_m / straat_m) × (kolommen × gemeente_m / straat_m)`` nodes.
    adressen_per_knoop
        Addresses per street node (Arnhem: about 1.2).
    bochten
        Draw every street with a bend (module docstring); the streets, residents and
        facilities are the same as without.

    Returns
    -------
    Land

    Examples
    --------
    >>> land = build_land(2, 3, gemeente_m=2000, straat_m=100)
    >>> len(land.gemeenten), len(land.wijken), len(land.buurten)
    (6, 24, 96)
    >>> land.gemeenten.index[0], land.buurten.index[0], land.n_knopen
    ('GM8001', 'BU80010101', 2501)
    >>> bool(build_land(2, 3, gemeente_m=2000, straat_m=100).vraagpunten.equals(land.vraagpunten))
    True
    >>> krom = build_land(2, 3, gemeente_m=2000, straat_m=100, bochten=True)
    >>> krom.n_vormpunten == len(krom.kant_van), bool(krom.vraagpunten.equals(land.vraagpunten))
    (True, True)
    """
    kolommen = rijen if kolommen is None else kolommen
    if rijen < 1 or kolommen < 1 or rijen * kolommen > MAX_GEMEENTEN:
        raise GebiedsplanError(
            f"Een synthetisch land heeft 1 tot {MAX_GEMEENTEN} gemeenten, niet {rijen} x "
            f"{kolommen}; kies "
            "minder rijen of kolommen, of grotere gemeenten (gemeente_m)."
        )
    if not 0 < straat_m <= gemeente_m / (wijken_per_zijde * buurten_per_zijde):
        raise GebiedsplanError(
            f"straat_m={straat_m:g} moet groter dan 0 zijn en niet groter dan een buurt "
            f"({gemeente_m / (wijken_per_zijde * buurten_per_zijde):g} m)."
        )
    rng = np.random.default_rng(seed)
    gemeenten, wijken, buurten = _gebieden(
        rijen, kolommen, gemeente_m, wijken_per_zijde, buurten_per_zijde
    )
    breedte, hoogte = kolommen * gemeente_m, rijen * gemeente_m
    xy, van, naar, lengte = _straten(breedte, hoogte, straat_m, rng)
    x0, y0 = OORSPRONG_XY

    # residents: single addresses and flats (several addresses at one point)
    n_adres = int(round(adressen_per_knoop * len(xy)))
    n_flat = n_adres // 4 // 6
    plek = _langs_straat(xy, van, naar, n_adres - 6 * n_flat + n_flat, 30.0, rng)
    per_plek = np.ones(len(plek), dtype=np.int64)
    per_plek[rng.choice(len(plek), n_flat, replace=False)] = 6
    adres_xy = np.repeat(plek, per_plek, axis=0)
    binnen = (
        (adres_xy[:, 0] >= x0)
        & (adres_xy[:, 0] < x0 + breedte)
        & (adres_xy[:, 1] >= y0)
        & (adres_xy[:, 1] < y0 + hoogte)
    )
    adres_xy = adres_xy[binnen]
    bu_m = gemeente_m / (wijken_per_zijde * buurten_per_zijde)
    bu_per_rij = kolommen * wijken_per_zijde * buurten_per_zijde
    vak = _in_vakken(
        adres_xy, x0, y0, bu_m, bu_per_rij, rijen * wijken_per_zijde * buurten_per_zijde
    )
    # grid square -> buurtcode: the buurten polygons in grid order
    bu_vak = _in_vakken(
        np.column_stack([buurten.geometry.centroid.x, buurten.geometry.centroid.y]),
        x0,
        y0,
        bu_m,
        bu_per_rij,
        rijen * wijken_per_zijde * buurten_per_zijde,
    )
    vak_naar_buurt = np.empty(len(buurten), dtype=np.int64)
    vak_naar_buurt[bu_vak] = np.arange(len(buurten))
    buurt_nr = vak_naar_buurt[vak]
    buurtcodes = pd.Categorical.from_codes(buurt_nr, categories=buurten.index.to_numpy())
    vraagpunten = pd.DataFrame(
        {
            "x": adres_xy[:, 0],
            "y": adres_xy[:, 1],
            "inwoners": rng.integers(1, 5, len(adres_xy)).astype(np.int64),
            "buurtcode": buurtcodes,
            "wijkcode": pd.Categorical(
                buurten["wijkcode"].to_numpy()[buurt_nr], categories=wijken.index.to_numpy()
            ),
            "gemeentecode": pd.Categorical(
                buurten["gemeentecode"].to_numpy()[buurt_nr],
                categories=gemeenten.index.to_numpy(),
            ),
        }
    )

    # facilities: by density, plus a few just across every border between two gemeenten
    oppervlak_km2 = breedte * hoogte / 1e6
    delen_xy, delen_cat = [], []
    for cat, dichtheid in DICHTHEID_PER_KM2.items():
        k = int(rng.poisson(dichtheid * oppervlak_km2))
        delen_xy.append(_langs_straat(xy, van, naar, k, 50.0, rng))
        delen_cat += [cat] * k
    cats = list(DICHTHEID_PER_KM2)
    grens_xy = []
    for r in range(rijen):  # vertical borders
        for k in range(1, kolommen):
            bx = x0 + k * gemeente_m + rng.choice([-1.0, 1.0], 3) * rng.uniform(5, 150, 3)
            by = y0 + r * gemeente_m + rng.uniform(0, gemeente_m, 3)
            grens_xy.append(np.column_stack([bx, by]))
    for r in range(1, rijen):  # horizontal borders
        for k in range(kolommen):
            bx = x0 + k * gemeente_m + rng.uniform(0, gemeente_m, 3)
            by = y0 + r * gemeente_m + rng.choice([-1.0, 1.0], 3) * rng.uniform(5, 150, 3)
            grens_xy.append(np.column_stack([bx, by]))
    if grens_xy:
        g = np.concatenate(grens_xy)
        delen_xy.append(g)
        delen_cat += [cats[i] for i in rng.integers(0, len(cats) - 1, len(g))]  # no library
    vz_xy = np.concatenate(delen_xy) if delen_xy else np.empty((0, 2))
    vz_cat = np.asarray(delen_cat, dtype=object)
    binnen = (
        (vz_xy[:, 0] >= x0)
        & (vz_xy[:, 0] <= x0 + breedte)
        & (vz_xy[:, 1] >= y0)
        & (vz_xy[:, 1] <= y0 + hoogte)
    )
    vz_xy, vz_cat = vz_xy[binnen], vz_cat[binnen]
    voorzieningen = pd.DataFrame(
        {
            "x": vz_xy[:, 0],
            "y": vz_xy[:, 1],
            "categorie": pd.Categorical(vz_cat, categories=cats),
            "naam": [f"{c} {i + 1}" for i, c in enumerate(vz_cat)],
        }
    )
    log.info(
        "Synthetisch land: %d gemeenten, %d knopen, %d straten, %d adressen, %d voorzieningen",
        len(gemeenten),
        len(xy),
        len(van),
        len(vraagpunten),
        len(voorzieningen),
    )
    vorm_ptr, vorm_xy = _bochten(xy, van, naar, lengte, seed) if bochten else (None, None)
    return Land(
        gemeenten=gemeenten,
        wijken=wijken,
        buurten=buurten,
        knoop_xy=xy,
        kant_van=van,
        kant_naar=naar,
        kant_lengte_m=lengte,
        vraagpunten=vraagpunten,
        voorzieningen=voorzieningen,
        synthetisch=True,
        bron=(
            f"synthetisch land (gebiedsplan.landelijk.land.build_land, {rijen} x {kolommen} "
            f"gemeenten, seed {seed}{', met bochten' if bochten else ''})"
        ),
        kant_vorm_ptr=vorm_ptr,
        kant_vorm_xy=vorm_xy,
    )


#: The layers of a national input file (:func:`read_land`) and the columns each needs.
LAGEN: dict[str, tuple[str, ...]] = {
    "gemeenten": ("gemeentecode",),
    "wijken": ("wijkcode", "gemeentecode"),
    "buurten": ("buurtcode", "wijkcode", "gemeentecode"),
    "vraagpunten": ("inwoners",),
    "voorzieningen": ("categorie",),
    "wegen": ("van_knoop", "naar_knoop", "lengte_m"),
}


def write_land(land: Land, path: str | Path) -> Path:
    """Write a country as one GeoPackage with the layers :func:`read_land` reads.

    Streets become their LineStrings, from ``van_knoop`` through their shape points to
    ``naar_knoop`` (``wegen``: ``van_knoop``, ``naar_knoop``, ``lengte_m``, the schema of the
    ``netwerk`` layer of the layer store).

    Examples
    --------
    >>> import tempfile
    >>> land = build_land(1, 2, gemeente_m=2000, straat_m=100)
    >>> terug = read_land(write_land(land, Path(tempfile.mkdtemp()) / "land.gpkg"))
    >>> len(terug.kant_van) == len(land.kant_van), len(terug.vraagpunten) == len(land.vraagpunten)
    (True, True)
    >>> terug.n_vormpunten  # straight streets
    0
    """
    path = Path(path)
    crs = "EPSG:28992"
    lagen: dict[str, gpd.GeoDataFrame] = {
        "gemeenten": land.gemeenten.reset_index(),
        "wijken": land.wijken.reset_index(),
        "buurten": land.buurten.reset_index(),
    }
    for naam in ("vraagpunten", "voorzieningen"):
        df = getattr(land, naam)
        lagen[naam] = gpd.GeoDataFrame(
            df.drop(columns=["x", "y"]).astype(
                {k: str for k in df.columns if isinstance(df[k].dtype, pd.CategoricalDtype)}
            ),
            geometry=shapely.points(df[["x", "y"]].to_numpy()),
            crs=crs,
        )
    lagen["wegen"] = gpd.GeoDataFrame(
        {"van_knoop": land.kant_van, "naar_knoop": land.kant_naar, "lengte_m": land.kant_lengte_m},
        geometry=kant_lijnen(
            land.knoop_xy, land.kant_van, land.kant_naar, land.kant_vorm_ptr, land.kant_vorm_xy
        ),
        crs=crs,
    )
    with atomic_path(path) as tmp:
        for naam, gdf in lagen.items():
            gdf.to_file(
                tmp,
                layer=naam,
                driver="GPKG",
                engine="pyogrio",
                layer_metadata={
                    "bron": land.bron,
                    "synthetisch": "ja" if land.synthetisch else "nee",
                },
            )
    return path


def read_land(path: str | Path) -> Land:
    """Read a country from one GeoPackage: layers ``gemeenten``, ``wijken``, ``buurten`` (CBS
    Wijk- en Buurtkaart), ``vraagpunten`` (addresses with ``inwoners``; without ``buurtcode``
    each gets the buurt it lies in, by one spatial join),
    ``voorzieningen`` (points with ``categorie``) and ``wegen`` (the ``netwerk`` layer:
    LineStrings with ``van_knoop``, ``naar_knoop``, ``lengte_m``). Every layer is read once;
    layers in another CRS are reprojected to EPSG:28992. A street's line gives its end nodes
    and its shape points (:attr:`Land.kant_vorm_xy`: residents snap onto the real line); its
    length stays ``lengte_m``.

    Raises
    ------
    GebiedsplanError
        A layer or column is missing (all problems at once), or a layer has no CRS.
    """
    import pyogrio

    path = check_bestand(path, wat="Landelijk invoerbestand")
    aanwezig = {str(naam) for naam, _ in pyogrio.list_layers(path)}
    problemen = [f"laag {naam} ontbreekt" for naam in LAGEN if naam not in aanwezig]
    lagen: dict[str, gpd.GeoDataFrame] = {}
    for naam, kolommen in LAGEN.items():
        if naam not in aanwezig:
            continue
        gdf = gpd.read_file(path, layer=naam, engine="pyogrio")
        if gdf.crs is None:
            problemen.append(f"laag {naam} heeft geen CRS")
            continue
        if gdf.crs.to_epsg() != 28992:
            log.info("Laag %s van %s omgezet naar EPSG:28992", naam, gdf.crs)
            gdf = gdf.to_crs("EPSG:28992")
        mist = [k for k in kolommen if k not in gdf.columns]
        if mist:
            problemen.append(f"laag {naam} mist kolom {', '.join(mist)}")
        lagen[naam] = gdf
    if problemen:
        raise GebiedsplanError(
            f"{path}: "
            + "; ".join(problemen)
            + ". Een landelijk invoerbestand heeft de lagen "
            + ", ".join(f"{n} ({', '.join(k)})" for n, k in LAGEN.items())
            + "; gebiedsplan.landelijk.land.write_land schrijft er een."
        )
    wegen = lagen["wegen"]
    geoms = np.asarray(wegen.geometry.to_numpy())
    u = wegen["van_knoop"].to_numpy(dtype=np.int64)
    v = wegen["naar_knoop"].to_numpy(dtype=np.int64)
    knoop_ids, inverse = np.unique(np.concatenate([u, v]), return_inverse=True)
    inverse = inverse.ravel()
    xy = np.empty((len(knoop_ids), 2))
    xy[inverse[len(u) :]] = shapely.get_coordinates(shapely.get_point(geoms, -1))
    xy[inverse[: len(u)]] = shapely.get_coordinates(shapely.get_point(geoms, 0))
    vorm_ptr, vorm_xy = vormen_van_lijnen(geoms)

    def punten(gdf: gpd.GeoDataFrame) -> pd.DataFrame:
        xy_ = shapely.get_coordinates(np.asarray(gdf.geometry.to_numpy()))
        if len(xy_) != len(gdf):
            raise GebiedsplanError(
                f"{path}: vraagpunten en voorzieningen moeten punten zijn, één per rij; zet "
                "vlakken om met .representative_point()."
            )
        df = pd.DataFrame(gdf.drop(columns="geometry"))
        df.insert(0, "y", xy_[:, 1])
        df.insert(0, "x", xy_[:, 0])
        return df

    def vlakken(naam: str, code: str) -> gpd.GeoDataFrame:
        return lagen[naam].set_index(lagen[naam][code].astype(str)).drop(columns=code)

    buurten = vlakken("buurten", "buurtcode")
    if "buurtcode" not in lagen["vraagpunten"].columns:
        lagen["vraagpunten"] = _in_buurt(lagen["vraagpunten"], buurten, path)
    vraagpunten = punten(lagen["vraagpunten"])
    for kolom in ("wijkcode", "gemeentecode"):
        if kolom not in vraagpunten.columns:
            vraagpunten[kolom] = (
                buurten[kolom].reindex(vraagpunten["buurtcode"].astype(str)).to_numpy()
            )
    metadata = pyogrio.read_info(path, layer="wegen").get("layer_metadata") or {}
    return Land(
        gemeenten=vlakken("gemeenten", "gemeentecode"),
        wijken=vlakken("wijken", "wijkcode"),
        buurten=buurten,
        knoop_xy=xy,
        kant_van=inverse[: len(u)],
        kant_naar=inverse[len(u) :],
        kant_lengte_m=pd.to_numeric(wegen["lengte_m"]).to_numpy(dtype=float),
        vraagpunten=vraagpunten,
        voorzieningen=punten(lagen["voorzieningen"]),
        synthetisch=metadata.get("synthetisch") == "ja",
        bron=metadata.get("bron", str(path)),
        kant_vorm_ptr=vorm_ptr,
        kant_vorm_xy=vorm_xy,
    )


def vormen_van_lijnen(lijnen: np.ndarray) -> tuple[np.ndarray | None, np.ndarray | None]:
    """The inner points of LineStrings as :attr:`Land.kant_vorm_ptr` and
    :attr:`Land.kant_vorm_xy`; (None, None) when every line is straight (two points).

    Examples
    --------
    >>> lijnen = shapely.from_wkt(["LINESTRING (0 0, 1 1, 2 0)", "LINESTRING (0 0, 5 0)"])
    >>> ptr, xy = vormen_van_lijnen(lijnen)
    >>> ptr.tolist(), xy.tolist()
    ([0, 1, 1], [[1.0, 1.0]])
    """
    coords, lijn = shapely.get_coordinates(lijnen, return_index=True)
    aantal = np.bincount(lijn, minlength=len(lijnen))
    if (aantal <= 2).all():
        return None, None
    eerste = np.cumsum(aantal) - aantal
    binnen = np.ones(len(coords), dtype=bool)
    binnen[eerste] = False
    binnen[eerste + aantal - 1] = False
    ptr = np.zeros(len(lijnen) + 1, dtype=np.int64)
    np.cumsum(np.maximum(aantal - 2, 0), out=ptr[1:])
    return ptr, coords[binnen]


def _in_buurt(
    vraagpunten: gpd.GeoDataFrame, buurten: gpd.GeoDataFrame, path: Path
) -> gpd.GeoDataFrame:
    """Addresses without a ``buurtcode`` get the buurt they lie in (one spatial join, read
    once); addresses in no buurt (water, outside the country) are left out, with a warning."""
    vlakken = gpd.GeoDataFrame(
        {"buurtcode": buurten.index.to_numpy()},
        geometry=buurten.geometry.to_numpy(),
        crs=buurten.crs,
    )
    koppeling = gpd.sjoin(vraagpunten[["geometry"]], vlakken, how="left", predicate="intersects")
    koppeling = koppeling[~koppeling.index.duplicated(keep="first")]  # on a border: the first
    uit = vraagpunten.copy()
    uit["buurtcode"] = koppeling["buurtcode"].reindex(uit.index)
    buiten = uit["buurtcode"].isna()
    if buiten.any():
        log.warning(
            "%s: %d vraagpunten (%d inwoners) liggen in geen enkele buurt en doen niet mee",
            path,
            int(buiten.sum()),
            int(pd.to_numeric(uit.loc[buiten, "inwoners"]).sum()),
        )
    return uit[~buiten]


def land_size(n_knopen: int, *, straat_m: float = 80.0, gemeente_m: float = 8000.0) -> int:
    """Gemeenten a side of a square synthetic country with about ``n_knopen`` street nodes.

    Examples
    --------
    >>> land_size(10_000_000)  # 10M nodes at 80 m: 32 x 32 gemeenten of 8 km
    32
    """
    zijde_m = np.sqrt(n_knopen) * straat_m
    return max(1, int(round(zijde_m / gemeente_m)))


__all__ = [
    "DICHTHEID_PER_KM2",
    "LAGEN",
    "MIN_NETWERKDEEL_M",
    "Land",
    "build_land",
    "kant_lijnen",
    "land_size",
    "lijn_lengte_m",
    "read_land",
    "select_vormen",
    "vormen_van_lijnen",
    "vormpunten_als_knopen",
    "write_land",
]
