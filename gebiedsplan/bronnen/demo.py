"""The demo gemeente "Rivierstad": synthetic, deterministic, and labelled "synthetisch" everywhere.

It exercises every layer and every product without a network connection:

- 6 wijken and 26 buurten on both sides of a 120 m wide river, about 50,000 inhabitants with
  CBS-style age bands, households and income;
- a walkable street grid (100 m blocks, some streets missing) that crosses the river on only
  two bridges, so network distance differs from straight-line distance;
- facilities of every category, with deliberate gaps: wijk *Oeverwijk* has no meeting place,
  and wijk *Beekdal* has its nearest huisarts only across the river;
- IAB accommodations with bvo (m²), functions and occupancy; green polygons and a 10 m
  green-share raster; health indicators per buurt that follow income;
- a development area *Havenkwartier* (like Rijnpark in Arnhem) with a phased housing programme;
- key figures of the years 2019-2024 (layer ``kerncijfers_jaren``: inwoners, 65+, huishoudens,
  income) with one boundary change: buurt BU99990190 of indeling 2019 (years 2019-2021) is split
  into the current BU99990101 and BU99990102 from indeling 2022 (its polygon in layer
  ``buurten_indeling``), for the trend tables of :mod:`gebiedsplan.analyse.trend`;
- across the eastern border a neighbouring village, *Buurdorp*, with a few streets and a library:
  residents of Beekdal near the border reach it first (reach across the border), while it never
  counts as one of Rivierstad's facilities;
- one wijkavond of residents (layer ``inbreng``, :data:`WIJKAVOND`): pins in Havenkwartier and
  Oeverwijk that agree with the measured gaps and some that do not (a missing huisarts where
  every home is near one: a full practice; contentment with green the layer does not see);
- snapshots of the facilities of 2022 and 2024 (layer ``voorzieningen_jaren``,
  :data:`MOMENTOPNAME_JAREN`): since 2022 two meeting places and a playground opened and one
  huisarts practice closed.

The gemeente file that goes with it is ``wijken/demo.yml`` (gemeentecode GM9999, a code no
real gemeente has).
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
import rasterio
import rasterio.features
import shapely
from affine import Affine
from scipy.sparse import coo_array
from scipy.sparse.csgraph import connected_components

from gebiedsplan import settings
from gebiedsplan.bronnen import Herkomst, Laag

if TYPE_CHECKING:
    pass

log = logging.getLogger(__name__)

GEMEENTECODE = "GM9999"
GEMEENTENAAM = "Rivierstad (synthetisch)"
SEED = 20261124
#: Lower-left corner of Rivierstad in RD (a stretch of Flevoland farmland; nothing real is here).
X0, Y0 = 171_000.0, 491_000.0
#: The layout below is drawn on a 6,000 x 5,000 sketch and scaled by this factor to metres:
#: Rivierstad is 3.6 x 3.0 km, about 4,800 inhabitants per km2 like a compact Dutch town.
SCHAAL = 0.6
BREEDTE_M, HOOGTE_M = 6_000.0 * SCHAAL, 5_000.0 * SCHAAL
RIVIER_Y_M = (1_440.0, 1_560.0)  # y of the river banks, metres from Y0
BRUGGEN_X_M = (900.0, 2_700.0)  # x of the two bridges, metres from X0
BLOK_M = 100.0

HERKOMST = Herkomst(
    bron="gebiedsplan demo-generator",
    datum="2026-01-01",
    licentie="CC0 1.0 (synthetische data)",
    query=f"gebiedsplan.bronnen.demo.build_demo(seed={SEED})",
    synthetisch=True,
    peildatum="2026-01-01",  # the made-up moment the demo describes; no CBS indeling
)

# wijkcode suffix, name, column range (local x), row range (local y), buurt grid (cols, rows)
_WIJKEN = [
    ("01", "Oude Stad", (0, 2000), (2500, 5000), (3, 2)),
    ("02", "Molenwijk", (2000, 4000), (2500, 5000), (2, 2)),
    ("03", "Havenkwartier", (4000, 6000), (2500, 5000), (2, 2)),
    ("04", "Oeverwijk", (0, 2000), (0, 2500), (2, 2)),
    ("05", "Zuiderveld", (2000, 4000), (0, 2500), (2, 2)),
    ("06", "Beekdal", (4000, 6000), (0, 2500), (2, 2)),
]
# Income level (x1000 euro per inhabitant) and age profile per wijk: the health indicators follow.
_WIJKPROFIEL: dict[str, dict[str, Any]] = {
    "01": {"inkomen": 31.0, "leeftijd": (0.10, 0.20, 0.36, 0.21, 0.13)},
    "02": {"inkomen": 29.0, "leeftijd": (0.17, 0.11, 0.26, 0.27, 0.19)},
    "03": {"inkomen": 25.0, "leeftijd": (0.14, 0.15, 0.31, 0.25, 0.15)},
    "04": {"inkomen": 21.0, "leeftijd": (0.19, 0.14, 0.27, 0.23, 0.17)},
    "05": {"inkomen": 27.0, "leeftijd": (0.18, 0.12, 0.25, 0.27, 0.18)},
    "06": {"inkomen": 36.0, "leeftijd": (0.13, 0.10, 0.20, 0.30, 0.27)},
}
#: Buurten of Havenkwartier that are still industrial (hardly any inhabitants): the plan area.
INDUSTRIE_BUURTEN = ("BU99990302", "BU99990303", "BU99990304")
#: Plan boundary of the development area Havenkwartier (EPSG:28992), as in wijken/demo.yml.
PLANGEBIED_WKT = (
    "POLYGON ((174000 492560, 174600 492560, 174600 493990, 173410 493990, 173410 493250, "
    "174000 493250, 174000 492560))"
)
LEEFTIJDSKOLOMMEN = (
    "inwoners_0_tot_15_jaar",
    "inwoners_15_tot_25_jaar",
    "inwoners_25_tot_45_jaar",
    "inwoners_45_tot_65_jaar",
    "inwoners_65_jaar_en_ouder",
)
_STRATEN = (
    "Molen",
    "Linden",
    "Oever",
    "Haven",
    "Beek",
    "Wilgen",
    "Kastanje",
    "Zuider",
    "Dijk",
    "Markt",
    "Esdoorn",
    "Veld",
    "Sluis",
    "Kade",
    "Berken",
    "Eiken",
    "Zwanen",
    "Reiger",
    "Polder",
    "Kerk",
)


@dataclass(frozen=True)
class DemoGemeente:
    """The generated layers of Rivierstad, their provenance and the green raster."""

    lagen: dict[str, pd.DataFrame]
    herkomst: dict[str, Herkomst]
    groen_raster: np.ndarray
    groen_transform: Affine

    def __getattr__(self, naam: str) -> pd.DataFrame:
        """``demo.wijken`` is ``demo.lagen["wijken"]``."""
        if naam.startswith("_") or naam == "lagen":
            raise AttributeError(naam)
        try:
            return self.lagen[naam]
        except KeyError:
            raise AttributeError(naam) from None


def _box(x: tuple[float, float], y: tuple[float, float]) -> shapely.Polygon:
    """A rectangle given in sketch units (see SCHAAL), in RD metres."""
    return shapely.box(*_rd(x[0], y[0]), *_rd(x[1], y[1]))


def _rd(x: float, y: float) -> tuple[float, float]:
    """Sketch units to RD metres."""
    return X0 + SCHAAL * x, Y0 + SCHAAL * y


def _rivier() -> shapely.Polygon:
    return shapely.box(X0, Y0 + RIVIER_Y_M[0], X0 + BREEDTE_M, Y0 + RIVIER_Y_M[1])


def _split_int(total: int, shares: np.ndarray) -> np.ndarray:
    """Largest-remainder split of an integer total by shares (sums exactly to total)."""
    raw = shares / shares.sum() * total
    out = np.floor(raw).astype(int)
    rest = total - out.sum()
    out[np.argsort(-(raw - out), kind="stable")[:rest]] += 1
    return out


def _points_in(geom: shapely.Geometry, n: int, rng: np.random.Generator) -> np.ndarray:
    """n random points (x, y) inside geom, by rejection sampling in its bounds."""
    minx, miny, maxx, maxy = geom.bounds
    shapely.prepare(geom)
    out = np.empty((0, 2))
    while len(out) < n:
        cand = rng.uniform((minx, miny), (maxx, maxy), size=(max(2 * (n - len(out)), 16), 2))
        inside = shapely.contains_xy(geom, cand[:, 0], cand[:, 1])
        out = np.vstack([out, cand[inside]])
    return out[:n].round(1)


def _wijken_buurten(rng: np.random.Generator) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    wijk_rows, buurt_rows = [], []
    for suffix, naam, xs, ys, (ncol, nrow) in _WIJKEN:
        wijkcode = f"WK{GEMEENTECODE[2:]}{suffix}"
        wijk_rows.append({"wijkcode": wijkcode, "wijknaam": naam, "geometry": _box(xs, ys)})
        profiel = _WIJKPROFIEL[suffix]
        xedges = np.linspace(*xs, ncol + 1)
        yedges = np.linspace(*ys, nrow + 1)
        nummer = 0
        for r in range(nrow):
            for c in range(ncol):
                nummer += 1
                buurtcode = f"BU{GEMEENTECODE[2:]}{suffix}{nummer:02d}"
                industrie = buurtcode in INDUSTRIE_BUURTEN
                inwoners = (
                    int(rng.integers(20, 160)) if industrie else int(rng.integers(1500, 2900))
                )
                shares = rng.dirichlet(np.array(profiel["leeftijd"]) * 60)
                banden = _split_int(inwoners, shares)
                hh_grootte = rng.uniform(1.6, 2.5) if not industrie else 1.3
                inkomen = profiel["inkomen"] * rng.uniform(0.9, 1.1)
                buurt_rows.append(
                    {
                        "buurtcode": buurtcode,
                        "buurtnaam": f"{naam} {'Industrie' if industrie else ''}".strip()
                        + f" {nummer}",
                        "wijkcode": wijkcode,
                        "aantal_inwoners": inwoners,
                        **dict(zip(LEEFTIJDSKOLOMMEN, banden.tolist(), strict=True)),
                        "aantal_huishoudens": int(round(inwoners / hh_grootte)),
                        "gemiddeld_inkomen_per_inwoner": round(inkomen, 1),
                        "geometry": _box((xedges[c], xedges[c + 1]), (yedges[r], yedges[r + 1])),
                    }
                )
    wijken = gpd.GeoDataFrame(wijk_rows, crs=settings.crs).assign(gemeentecode=GEMEENTECODE)
    buurten = gpd.GeoDataFrame(buurt_rows, crs=settings.crs).assign(gemeentecode=GEMEENTECODE)
    return wijken.set_index("wijkcode"), buurten.set_index("buurtcode")


def _groen(buurten: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    # (type, openbaar, local box); parks of >= 1 ha are the "groen" facilities of the 3-30-300 norm
    spec = [
        ("park", True, (600, 1500), (3300, 3900)),  # Stadspark, Oude Stad: 19 ha
        ("park", True, (2700, 3000), (3900, 4300)),  # Molenpark: 4.3 ha
        ("park", True, (2600, 2900), (800, 1200)),  # Zuiderveldpark: 4.3 ha
        ("park", True, (4800, 5400), (500, 1100)),  # Beekdalbos: 13 ha
        ("park", True, (5100, 5400), (1800, 2100)),  # Beekpark: 3.2 ha
        ("plantsoen", True, (1300, 1380), (4500, 4580)),
        ("plantsoen", True, (3400, 3480), (3000, 3080)),
        ("plantsoen", True, (500, 560), (1500, 1560)),
        ("plantsoen", True, (4300, 4370), (3600, 3670)),
        ("sportpark", False, (3200, 3700), (300, 700)),
        ("volkstuinen", False, (200, 500), (200, 500)),
        ("natuur", True, (0, 900), (2150, 2400)),  # uiterwaard at the west bank
    ]
    rows = [
        {"id": f"groen{i + 1:03d}", "type": t, "openbaar": o, "geometry": _box(xs, ys)}
        for i, (t, o, xs, ys) in enumerate(spec)
    ]
    return gpd.GeoDataFrame(rows, crs=settings.crs).set_index("id")


def _netwerk(rng: np.random.Generator) -> gpd.GeoDataFrame:
    """Street grid of 100 m blocks with ~12% of streets missing; the river only on two bridges."""
    xs = np.arange(0.0, BREEDTE_M + 1, BLOK_M)
    alle_y = np.arange(0.0, HOOGTE_M + 1, BLOK_M)
    ys = alle_y[(alle_y <= RIVIER_Y_M[0]) | (alle_y >= RIVIER_Y_M[1])]
    zuidoever, noordoever = ys[ys <= RIVIER_Y_M[0]].max(), ys[ys >= RIVIER_Y_M[1]].min()
    node_id = {(x, y): i for i, (y, x) in enumerate((y, x) for y in ys for x in xs)}
    edges = []
    for (x, y), i in node_id.items():
        if (x + BLOK_M, y) in node_id:
            edges.append((i, node_id[(x + BLOK_M, y)], False))
        if (x, y + BLOK_M) in node_id:
            edges.append((i, node_id[(x, y + BLOK_M)], False))
        if y == zuidoever and x in BRUGGEN_X_M:
            edges.append((i, node_id[(x, noordoever)], True))
    keep = np.array([brug or rng.random() > 0.12 for _, _, brug in edges])
    edges_arr = np.array([(u, v) for u, v, _ in edges])[keep]
    n = len(node_id)
    graph = coo_array((np.ones(len(edges_arr)), (edges_arr[:, 0], edges_arr[:, 1])), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    main = np.bincount(labels).argmax()
    edges_arr = edges_arr[labels[edges_arr[:, 0]] == main]
    coords = np.array(list(node_id))
    p, q = coords[edges_arr[:, 0]], coords[edges_arr[:, 1]]
    lines = shapely.linestrings(np.stack([p + (X0, Y0), q + (X0, Y0)], axis=1))
    return gpd.GeoDataFrame(
        {
            "id": [f"weg{i:05d}" for i in range(len(edges_arr))],
            "van_knoop": edges_arr[:, 0],
            "naar_knoop": edges_arr[:, 1],
            "lengte_m": np.hypot(*(q - p).T),
            "straatnaam": [_demo_straatnaam(a, b) for a, b in zip(p, q, strict=True)],
        },
        geometry=lines,
        crs=settings.crs,
    ).set_index("id")


#: Made-up street names of the demo grid: a street per column (…straat) and per row (…laan),
#: the two bridges by name (so location candidates read "Kerkstraat (Oeverwijk)").
_DEMO_WOORDEN = (
    *("Kerk", "Molen", "Dorps", "School", "Markt", "Haven", "Beek", "Linden", "Eiken"),
    *("Wilgen", "Berken", "Iepen", "Populieren", "Kastanje", "Beuken", "Esdoorn", "Elzen"),
    *("Hazelaar", "Vlier", "Meidoorn", "Lijster", "Merel", "Spreeuwen", "Zwaluw", "Reiger"),
    *("Fazanten", "Kievit", "Meeuwen", "Uilen", "Valken", "Zwanen", "Eenden", "Kraaien"),
    *("Mussen", "Vinken", "Roodborst", "Tuin", "Veld", "Akker"),
)


def _demo_straatnaam(p: np.ndarray, q: np.ndarray) -> str:
    """Street name of a demo segment from its local coordinates (deterministic)."""
    if p[1] == q[1]:
        return f"{_DEMO_WOORDEN[::-1][int(p[1] // BLOK_M) % len(_DEMO_WOORDEN)]}laan"
    if abs(q[1] - p[1]) > BLOK_M:
        return "Oude Brug" if p[0] == BRUGGEN_X_M[0] else "Nieuwe Brug"
    return f"{_DEMO_WOORDEN[int(p[0] // BLOK_M) % len(_DEMO_WOORDEN)]}straat"


#: The neighbouring village east of Beekdal, across the gemeente border (local metres from X0,
#: Y0): a few streets joined to Rivierstad's grid by two roads, and its library. Border residents
#: of Beekdal reach that library first, as residents near a real border do (CBS Nabijheid counts
#: facilities wherever they are); it counts for reach, never as Rivierstad's own.
BUURDORP_X_M = (3_700.0, 4_000.0)
BUURDORP_Y_M = (400.0, 1_200.0)
BUURDORP_AANSLUITINGEN_Y_M = (600.0, 1_000.0)
BUURDORP_BIBLIOTHEEK = ("Bibliotheek Buurdorp (buurgemeente)", 3_760.0, 820.0)


def _buurgemeente(
    netwerk: gpd.GeoDataFrame, voorzieningen: gpd.GeoDataFrame
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Add the streets and the library of the neighbouring village (deterministic, no random
    draws, so every other layer stays as it was)."""
    xs = np.arange(BUURDORP_X_M[0], BUURDORP_X_M[1] + 1, BLOK_M)
    ys = np.arange(BUURDORP_Y_M[0], BUURDORP_Y_M[1] + 1, BLOK_M)
    eerste = int(max(netwerk["van_knoop"].max(), netwerk["naar_knoop"].max())) + 1
    knoop = {(x, y): eerste + i for i, (x, y) in enumerate((x, y) for y in ys for x in xs)}
    # Rivierstad's nodes on its eastern edge, where the two roads cross the border
    rand: dict[tuple[float, float], int] = {}
    for geom, van, naar in zip(
        netwerk.geometry, netwerk["van_knoop"], netwerk["naar_knoop"], strict=True
    ):
        (x1, y1), (x2, y2) = geom.coords
        rand[(x1 - X0, y1 - Y0)], rand[(x2 - X0, y2 - Y0)] = int(van), int(naar)
    paren = [((x, y), (x + BLOK_M, y)) for (x, y) in knoop if (x + BLOK_M, y) in knoop]
    paren += [((x, y), (x, y + BLOK_M)) for (x, y) in knoop if (x, y + BLOK_M) in knoop]
    alle = dict(knoop)
    for y in BUURDORP_AANSLUITINGEN_Y_M:
        alle[(BREEDTE_M, y)] = rand[(BREEDTE_M, y)]
        paren.append(((BREEDTE_M, y), (BUURDORP_X_M[0], y)))
    p = np.array([a for a, _ in paren]) + (X0, Y0)
    q = np.array([b for _, b in paren]) + (X0, Y0)
    straten = gpd.GeoDataFrame(
        {
            "id": [f"weg{i:05d}" for i in range(len(netwerk), len(netwerk) + len(paren))],
            "van_knoop": [alle[a] for a, _ in paren],
            "naar_knoop": [alle[b] for _, b in paren],
            "lengte_m": np.hypot(*(q - p).T),
        },
        geometry=shapely.linestrings(np.stack([p, q], axis=1)),
        crs=settings.crs,
    ).set_index("id")
    naam, x, y = BUURDORP_BIBLIOTHEEK
    bibliotheek = gpd.GeoDataFrame(
        {
            "categorie": ["bibliotheek"],
            "naam": [naam],
            "subcategorie": ["vestiging"],
            "bron": voorzieningen["bron"].iloc[:1].to_list(),
            "capaciteit": [np.nan],
            "accommodatie_id": [None],
        },
        index=pd.Index([f"vz{len(voorzieningen) + 1:04d}"], name="id"),
        geometry=[shapely.Point(X0 + x, Y0 + y)],
        crs=settings.crs,
    )
    return (
        pd.concat([netwerk, straten]),
        pd.concat([voorzieningen, bibliotheek[voorzieningen.columns]]),
    )


def _bewoonbaar(buurten: gpd.GeoDataFrame, groen: gpd.GeoDataFrame) -> gpd.GeoSeries:
    """Per buurt the area where people live: land, not green, not a 60 m river-bank strip."""
    niet = shapely.union_all([_rivier().buffer(60), *groen.geometry])
    return buurten.geometry.difference(niet)


def _vraagpunten(
    buurten: gpd.GeoDataFrame, bewoonbaar: gpd.GeoSeries, rng: np.random.Generator
) -> gpd.GeoDataFrame:
    """One point per occupied address; inhabitants per address sum exactly to the buurt total."""
    frames = []
    for code, buurt in buurten.iterrows():
        n_adres = max(1, int(buurt["aantal_huishoudens"]))
        per_adres = 1 + rng.multinomial(
            int(buurt["aantal_inwoners"]) - n_adres, np.full(n_adres, 1 / n_adres)
        )
        xy = _points_in(bewoonbaar[code], n_adres, rng)
        frames.append(
            pd.DataFrame({"x": xy[:, 0], "y": xy[:, 1], "inwoners": per_adres, "buurtcode": code})
        )
    punten = pd.concat(frames, ignore_index=True)
    punten["id"] = [f"adres{i:06d}" for i in range(len(punten))]
    return gpd.GeoDataFrame(
        punten.drop(columns=["x", "y"]),
        geometry=gpd.points_from_xy(punten["x"], punten["y"]),
        crs=settings.crs,
    ).set_index("id")


# (categorie, buurtcode, naam, subcategorie) of every hand-placed facility. The gaps are deliberate:
# no ontmoeting in Oeverwijk (WK999904), no huisarts south of the river in Beekdal (WK999906).
_VOORZIENINGEN = [
    ("ontmoeting", "BU99990102", "Wijkcentrum De Markt", "wijkcentrum"),
    ("ontmoeting", "BU99990105", "Buurthuis De Linde", "buurthuis"),
    ("ontmoeting", "BU99990203", "Buurthuis De Molen", "buurthuis"),
    ("ontmoeting", "BU99990301", "Havenhuis", "buurthuis"),
    ("ontmoeting", "BU99990502", "MFA Zuiderveld", "multifunctionele accommodatie"),
    ("ontmoeting", "BU99990603", "Ontmoetingscentrum Beekdal", "buurthuis"),
    ("ontmoeting", "BU99990103", "Huiskamer van de Buurt Kerkplein", "huiskamer van de buurt"),
    ("ontmoeting", "BU99990202", "Buurtkamer Wilgenhof", "buurtkamer"),
    ("ontmoeting", "BU99990504", "Buurthuis Veldzicht", "buurthuis"),
    ("ontmoeting", "BU99990503", "Inloophuis Zuid", "inloophuis"),
    ("ontmoeting", "BU99990601", "Buurtkamer Beekzicht", "buurtkamer"),
    ("welzijn", "BU99990102", "Wijkteam Noord", "wijkteam"),
    ("welzijn", "BU99990502", "Wijkteam Zuid", "wijkteam"),
    ("welzijn", "BU99990203", "Welzijn Rivierstad, steunpunt Molenwijk", "welzijnswerk"),
    ("huisarts", "BU99990101", "Huisartsenpraktijk Marktplein", "huisartsenpraktijk"),
    ("huisarts", "BU99990104", "Gezondheidscentrum Oude Stad", "gezondheidscentrum"),
    ("huisarts", "BU99990106", "Huisarts Kerkstraat", "huisartsenpraktijk"),
    ("huisarts", "BU99990201", "Huisartsen Molenwijk", "huisartsenpraktijk"),
    ("huisarts", "BU99990204", "Huisarts Lindenlaan", "huisartsenpraktijk"),
    ("huisarts", "BU99990301", "Huisartsenpraktijk Havenkade", "huisartsenpraktijk"),
    ("huisarts", "BU99990402", "Huisarts Oeverlaan", "huisartsenpraktijk"),
    ("huisarts", "BU99990501", "Gezondheidscentrum Zuiderveld", "gezondheidscentrum"),
    ("huisarts", "BU99990503", "Huisarts Veldweg", "huisartsenpraktijk"),
    ("jeugd_en_gezin", "BU99990102", "CJG Rivierstad Noord", "consultatiebureau"),
    ("jeugd_en_gezin", "BU99990502", "CJG Rivierstad Zuid", "consultatiebureau"),
    ("bibliotheek", "BU99990102", "Bibliotheek Rivierstad", "centrale bibliotheek"),
    ("bibliotheek", "BU99990502", "Bibliotheek Zuiderveld", "vestiging"),
    ("sport", "BU99990105", "Sporthal De Kade", "sporthal"),
    ("sport", "BU99990202", "Sportcentrum Molenwijk", "sportcentrum"),
    ("sport", "BU99990401", "Trapveld Oever", "sportveld"),
    ("sport", "BU99990504", "Sportpark Zuiderveld", "sportpark"),
    ("sport", "BU99990602", "Tennisvereniging Beekdal", "sportvereniging"),
    ("opvang", "BU99990301", "Maatschappelijke opvang De Haven", "maatschappelijke opvang"),
    ("opvang", "BU99990504", "Beschermd wonen Zuiderveld", "beschermd wonen"),
]
# categorie -> number per residential buurt spread at random (schools, childcare, play)
_VERSPREID = {"basisschool": 0.5, "kinderopvang": 0.5, "speelplek": 3.0}


#: Capacity per category (uniform range) and its unit, as the capacity norms in normen.yml count.
_CAPACITEIT = {
    "huisarts": (1.0, 4.0),  # fte huisarts
    "kinderopvang": (40, 120),  # kindplaatsen
    "basisschool": (150, 450),  # leerlingplaatsen
}


def _capaciteit(categorie: pd.Series) -> np.ndarray:
    """Capacities of huisartsen, childcare and schools; a separate seed keeps the layout as is."""
    rng = np.random.default_rng(SEED + 1)
    waarden = np.full(len(categorie), np.nan)
    for cat, (laag, hoog) in _CAPACITEIT.items():
        mask = (categorie == cat).to_numpy()
        waarden[mask] = np.round(rng.uniform(laag, hoog, size=int(mask.sum())), 1)
    return waarden


def _voorzieningen(
    buurten: gpd.GeoDataFrame,
    bewoonbaar: gpd.GeoSeries,
    groen: gpd.GeoDataFrame,
    rng: np.random.Generator,
) -> gpd.GeoDataFrame:
    rows: list[tuple[str, str, str | None, float, float]] = []
    for categorie, buurtcode, naam, sub in _VOORZIENINGEN:
        ((x, y),) = _points_in(bewoonbaar[buurtcode], 1, rng)
        rows.append((categorie, naam, sub, x, y))
    woonbuurten = [b for b in buurten.index if b not in INDUSTRIE_BUURTEN]
    for categorie, per_buurt in _VERSPREID.items():
        for buurtcode in woonbuurten:
            # Oeverwijk is short of play space on purpose
            factor = 0.3 if buurtcode.startswith("BU999904") and categorie == "speelplek" else 1.0
            n = rng.poisson(per_buurt * factor)
            for x, y in _points_in(bewoonbaar[buurtcode], n, rng):
                straat = _STRATEN[rng.integers(len(_STRATEN))]
                naam = {
                    "basisschool": f"Basisschool De {straat}",
                    "kinderopvang": f"Kinderopvang {straat}hof",
                    "speelplek": f"Speelplek {straat}plein",
                }[categorie]
                rows.append((categorie, naam, None, x, y))
    # parks of at least 1 ha count through their entrances: a point every 150 m of the edge
    parken = groen[(groen["type"] == "park") & (groen.area >= 10_000)]
    for gid, park in parken.iterrows():
        rand = park.geometry.exterior
        for afstand in np.arange(0, rand.length, 150.0):
            p = rand.interpolate(afstand)
            rows.append(("groen", f"Parkingang {gid}", "park van minstens 1 ha", p.x, p.y))
    frame = pd.DataFrame(rows, columns=["categorie", "naam", "subcategorie", "x", "y"])
    frame["id"] = [f"vz{i + 1:04d}" for i in range(len(frame))]
    frame["bron"] = "demo (synthetisch)"
    frame["capaciteit"] = _capaciteit(frame["categorie"])
    frame["accommodatie_id"] = None
    return gpd.GeoDataFrame(
        frame.drop(columns=["x", "y"]),
        geometry=gpd.points_from_xy(frame["x"], frame["y"]),
        crs=settings.crs,
    ).set_index("id")


def _accommodaties(
    voorzieningen: gpd.GeoDataFrame, rng: np.random.Generator
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """IAB accommodations at the meeting places, libraries and sports halls; links them back."""
    voorzieningen = voorzieningen.copy()
    kandidaten = voorzieningen[
        voorzieningen["categorie"].isin(["ontmoeting", "bibliotheek", "sport"])
        & (voorzieningen["subcategorie"] != "sportveld")
    ]
    rows = []
    for i, (vid, v) in enumerate(kandidaten.iterrows()):
        aid = f"acc{i + 1:03d}"
        functies = {
            "ontmoeting": "ontmoeting;welzijn",
            "bibliotheek": "bibliotheek;ontmoeting",
            "sport": "sport",
        }[v["categorie"]]
        bvo = float(rng.integers(3, 30) * 100)
        rows.append(
            {
                "id": aid,
                "naam": v["naam"],
                "functies": functies,
                "eigenaar": ["gemeente", "woningcorporatie", "stichting"][i % 3],
                "bvo_m2": bvo,
                "capaciteit": float(round(bvo / 4)),  # people at once, ~4 m2 bvo per person
                "bezetting": round(float(rng.uniform(0.35, 0.95)), 2),
                "status": "in_gebruik",
                "geometry": v.geometry,
            }
        )
        voorzieningen.loc[vid, "accommodatie_id"] = aid
    # an empty school building and a planned MFA in the development area
    rows.append(
        {
            "id": f"acc{len(rows) + 1:03d}",
            "naam": "Voormalige school Oeverlaan",
            "functies": "onderwijs",
            "eigenaar": "gemeente",
            "bvo_m2": 1200.0,
            "capaciteit": np.nan,
            "bezetting": 0.0,
            "status": "leegstand",
            "geometry": shapely.Point(_rd(1250, 1900)),
        }
    )
    rows.append(
        {
            "id": f"acc{len(rows) + 1:03d}",
            "naam": "MFA Havenkwartier (gepland)",
            "functies": "ontmoeting;welzijn;jeugd_en_gezin;huisarts",
            "eigenaar": "gemeente",
            "bvo_m2": 2500.0,
            "capaciteit": np.nan,
            "bezetting": np.nan,
            "status": "gepland",
            "geometry": shapely.Point(_rd(5100, 3400)),  # inside the gebied, not on its edge
        }
    )
    frame = gpd.GeoDataFrame(rows, crs=settings.crs).set_index("id")
    return frame, voorzieningen


def _gezondheid(buurten: gpd.GeoDataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Health indicators per buurt (18+, %), worse where income is lower; tiny buurten suppressed."""
    # indicator: (mean %, change per 1,000 euro of income above average)
    spec = {
        "ervaren_gezondheid_goed": (75.0, 0.9),
        "eenzaam": (47.0, -0.8),
        "ernstig_eenzaam": (12.0, -0.35),
        "moeite_met_rondkomen": (17.0, -1.1),
        "overgewicht": (49.0, -0.6),
        "langdurige_aandoening": (55.0, -0.4),
        "angst_depressie_hoog_risico": (6.0, -0.25),
        "mantelzorger": (13.0, 0.1),
    }
    inkomen = buurten["gemiddeld_inkomen_per_inwoner"]
    delta = inkomen - inkomen.mean()
    rows = []
    for code, buurt in buurten.iterrows():
        for indicator, (gemiddeld, helling) in spec.items():
            waarde = gemiddeld + helling * delta[code] + rng.normal(0, 1.0)
            if buurt["aantal_inwoners"] < 200:  # as RIVM: no estimate for very small buurten
                waarde = np.nan
            rows.append(
                {
                    "id": f"{code}:{indicator}:18+:2024",
                    "code": code,
                    "indicator": indicator,
                    "leeftijd": "18+",
                    "jaar": 2024,
                    "waarde": round(float(np.clip(waarde, 0, 100)), 1)
                    if not np.isnan(waarde)
                    else np.nan,
                    "eenheid": "% van 18+",
                    "bron": "demo (synthetisch)",
                }
            )
    return pd.DataFrame(rows).set_index("id")


def _plannen() -> gpd.GeoDataFrame:
    """Havenkwartier: 7,000 homes, 2,400 to 2030 and 4,600 to 2040, 40% social rent."""
    vlak = shapely.from_wkt(PLANGEBIED_WKT)
    rows = []
    for fase, jaar, totaal in (("fase 1", 2030, 2400), ("fase 2", 2040, 4600)):
        for woningtype, aandeel in (("sociale huur", 0.4), ("middenhuur", 0.2), ("koop", 0.4)):
            rows.append(
                {
                    "id": f"haven-{jaar}-{woningtype.replace(' ', '_')}",
                    "naam": "Woningbouwprogramma Havenkwartier (synthetisch)",
                    "gebied": "Havenkwartier",
                    "fase": fase,
                    "jaar_gereed": jaar,
                    "woningen": int(round(totaal * aandeel)),
                    "woningtype": woningtype,
                    "geometry": vlak,
                }
            )
    return gpd.GeoDataFrame(rows, crs=settings.crs).set_index("id")


def _groen_raster(
    groen: gpd.GeoDataFrame, buurten: gpd.GeoDataFrame, rng: np.random.Generator
) -> tuple[np.ndarray, Affine]:
    """Green share per 10 m cell (0-1): green polygons full, streets and gardens partly, water 0."""
    cel = 10.0
    breedte, hoogte = round(BREEDTE_M / cel), round(HOOGTE_M / cel)
    transform = Affine(cel, 0, X0, 0, -cel, Y0 + HOOGTE_M)
    # gardens and street trees: greener where income is higher
    inkomen = rasterio.features.rasterize(
        zip(buurten.geometry, buurten["gemiddeld_inkomen_per_inwoner"], strict=True),
        out_shape=(hoogte, breedte),
        transform=transform,
        dtype="float32",
    )
    basis = np.clip((inkomen - 15.0) / 60.0, 0.05, 0.4)
    raster = np.clip(basis + rng.normal(0, 0.08, size=basis.shape), 0, 1).astype("float32")
    vlakken = rasterio.features.rasterize(
        ((g, 1) for g in groen.geometry), out_shape=raster.shape, transform=transform, dtype="uint8"
    )
    raster[vlakken == 1] = rng.uniform(0.8, 1.0, size=int(vlakken.sum())).astype("float32")
    water = rasterio.features.rasterize(
        [(_rivier(), 1)], out_shape=raster.shape, transform=transform, dtype="uint8"
    )
    raster[water == 1] = 0.0
    return raster.round(3), transform


#: The demo's years of key figures (kerncijfers_jaren); the last is the current buurten layer.
JAREN = tuple(range(2019, 2025))
#: Indicators of the demo's years (lagen/catalogus/trend.yml gives their kind).
JAARINDICATOREN = (
    "aantal_inwoners",
    "inwoners_65_jaar_en_ouder",
    "aantal_huishoudens",
    "gemiddeld_inkomen_per_inwoner",
)
#: The boundary change of the demo: in indeling 2019 (years 2019-2021) one buurt, from indeling
#: 2022 split in two (the current buurten). ``{old code: (new codes)}``.
SPLITSING = {"BU99990190": ("BU99990101", "BU99990102")}
#: First year of each CBS indeling of the demo (the codes of a year belong to the last one before it).
INDELINGEN = (2019, 2022)


def _indeling_van(jaar: int) -> int:
    return max(i for i in INDELINGEN if i <= jaar)


def _jaren(buurten: gpd.GeoDataFrame, seed: int) -> tuple[pd.DataFrame, gpd.GeoDataFrame]:
    """Synthetic key figures 2019-2024 (layer kerncijfers_jaren) and the buurt polygons of the
    older indeling 2019 (layer buurten_indeling), with one split buurt (:data:`SPLITSING`).

    Its own random stream, so every other demo layer stays as it is. The last year equals the
    current buurten layer; earlier years go back with a growth per buurt and year. In the years
    of indeling 2019 the two new buurten are one old buurt: counts summed, the income averaged
    weighted by inhabitants.
    """
    rng = np.random.default_rng(seed + 15)
    laatste = JAREN[-1]
    rows: list[dict[str, Any]] = []
    for code, buurt in buurten.iterrows():
        groei = {
            "aantal_inwoners": rng.uniform(-0.01, 0.025),
            "inwoners_65_jaar_en_ouder": rng.uniform(0.01, 0.05),
            "aantal_huishoudens": rng.uniform(-0.005, 0.03),
            "gemiddeld_inkomen_per_inwoner": rng.uniform(0.01, 0.04),
        }
        for jaar in JAREN:
            terug = laatste - jaar
            for indicator in JAARINDICATOREN:
                nu = float(buurt[indicator])
                waarde = nu / (1 + groei[indicator]) ** terug
                rows.append(
                    {
                        "jaar": jaar,
                        "buurtcode": str(code),
                        "indicator": indicator,
                        "waarde": round(waarde, 1)
                        if indicator == "gemiddeld_inkomen_per_inwoner"
                        else float(round(waarde)),
                    }
                )
    lang = pd.DataFrame(rows)
    # households and the 65+ never exceed the inhabitants of the same year
    breed = lang.pivot_table(index=["jaar", "buurtcode"], columns="indicator", values="waarde")
    for kolom in ("aantal_huishoudens", "inwoners_65_jaar_en_ouder"):
        breed[kolom] = np.minimum(breed[kolom], breed["aantal_inwoners"])
    oud_rijen = []
    for oud, nieuw in SPLITSING.items():
        for jaar in (j for j in JAREN if _indeling_van(j) < INDELINGEN[-1]):
            delen = breed.loc[[(jaar, n) for n in nieuw]]
            samen = delen.drop(columns="gemiddeld_inkomen_per_inwoner").sum()
            samen["gemiddeld_inkomen_per_inwoner"] = round(
                float(
                    (delen["gemiddeld_inkomen_per_inwoner"] * delen["aantal_inwoners"]).sum()
                    / delen["aantal_inwoners"].sum()
                ),
                1,
            )
            breed = breed.drop(index=[(jaar, n) for n in nieuw])
            oud_rijen.append(samen.rename((jaar, oud)))
    breed = pd.concat([breed, pd.DataFrame(oud_rijen)]).sort_index()
    breed.index = breed.index.set_names(["jaar", "buurtcode"])
    lang = breed.reset_index().melt(
        id_vars=["jaar", "buurtcode"], var_name="indicator", value_name="waarde"
    )
    lang["jaar"] = lang["jaar"].astype(int)
    lang["indeling"] = lang["jaar"].map(_indeling_van)
    lang["bron"] = "gebiedsplan demo-generator (synthetisch)"
    lang["id"] = lang["jaar"].astype(str) + ":" + lang["buurtcode"] + ":" + lang["indicator"]
    lang = lang.sort_values(["jaar", "buurtcode", "indicator"]).set_index("id")
    lang = lang[["jaar", "indeling", "buurtcode", "indicator", "waarde", "bron"]]
    # the polygons of the older indeling: the current buurten with the split buurt as one
    oud = buurten[["buurtnaam", "wijkcode", "geometry"]].copy()
    for oude_code, nieuw in SPLITSING.items():
        samen = gpd.GeoDataFrame(
            {
                "buurtnaam": [f"{buurten.loc[nieuw[0], 'buurtnaam'].rsplit(' ', 1)[0]} Noord"],
                "wijkcode": [buurten.loc[nieuw[0], "wijkcode"]],
                "geometry": [shapely.union_all(buurten.loc[list(nieuw)].geometry.to_numpy())],
            },
            index=pd.Index([oude_code]),
            crs=buurten.crs,
        )
        oud = pd.concat([oud.drop(index=list(nieuw)), samen])
    oud = oud.rename_axis("buurtcode").reset_index()
    oud["indeling"] = INDELINGEN[0]
    oud["id"] = oud["indeling"].astype(str) + ":" + oud["buurtcode"]
    oud = gpd.GeoDataFrame(
        oud.set_index("id")[["indeling", "buurtcode", "buurtnaam", "wijkcode", "geometry"]],
        geometry="geometry",
        crs=buurten.crs,
    )
    return lang, oud


#: The demo's wijkavond (layer ``inbreng``): its name and date, and the pins as
#: (buurtcode, categorie, oordeel, tekst). Some pins confirm the measured gaps of the demo
#: (library, jeugd en gezin, welzijn), some contradict them (a missing huisarts where every home
#: is near one; content with green where the layer sees little), one is ``anders``.
WIJKAVOND = ("Wijkavond Havenkwartier (synthetisch)", "2026-10-14")
SPELDEN = (
    (
        "BU99990301",
        "bibliotheek",
        "mist",
        "Geen bibliotheek in de buurt; de kinderen lenen nu in de Oude Stad.",
    ),
    ("BU99990302", "bibliotheek", "mist", "Een leesplek of bieb in het nieuwe MFA zou mooi zijn."),
    ("BU99990301", "jeugd_en_gezin", "mist", "Waar kunnen jonge ouders hier met vragen terecht?"),
    (
        "BU99990303",
        "jeugd_en_gezin",
        "knelpunt",
        "Het consultatiebureau is ver en slecht bereikbaar met de bus.",
    ),
    ("BU99990301", "huisarts", "mist", "De huisarts neemt geen nieuwe patiënten aan."),
    ("BU99990304", "huisarts", "mist", "Nieuwe bewoners vinden geen huisarts in de wijk."),
    (
        "BU99990302",
        "ontmoeting",
        "mist",
        "Er is geen plek om elkaar te ontmoeten, alleen de snackbar.",
    ),
    ("BU99990301", "ontmoeting", "goed", "Het buurthuis aan de haven is een fijne plek."),
    ("BU99990303", "speelplek", "knelpunt", "Het speeltuintje ligt aan de drukke weg."),
    ("BU99990302", "groen", "goed", "De oever van de rivier is onze tuin; daar lopen we elke dag."),
    ("BU99990304", "groen", "goed", "Het groen langs de kade is genoeg voor ons."),
    ("BU99990303", "anders", None, "Meer bankjes langs de kade, voor wie niet ver kan lopen."),
    ("BU99990402", "welzijn", "mist", "Geen welzijnswerker meer in Oeverwijk sinds vorig jaar."),
)


def _inbreng(buurten: gpd.GeoDataFrame, seed: int) -> gpd.GeoDataFrame:
    """The pins of the demo's wijkavond (:data:`WIJKAVOND`), in the layer ``inbreng``'s format.

    Its own random stream places each pin inside its buurt, so every other layer stays as it is.
    """
    rng = np.random.default_rng(seed + 16)
    bijeenkomst, datum = WIJKAVOND
    rijen = []
    for n, (buurt, categorie, oordeel, tekst) in enumerate(SPELDEN, start=1):
        x, y = _points_in(buurten.geometry.loc[buurt], 1, rng)[0]
        rijen.append(
            {
                "id": f"{bijeenkomst}:{n}",
                "bijeenkomst": bijeenkomst,
                "datum": datum,
                "categorie": categorie,
                "oordeel": oordeel,
                "tekst": tekst,
                "tijd": f"{datum}T{19 + (n * 7) // 60:02d}:{(n * 7) % 60:02d}:00+02:00",
                "bron": f"Inbreng {bijeenkomst}",
                "geometry": shapely.Point(x, y),
            }
        )
    return gpd.GeoDataFrame(rijen, geometry="geometry", crs=buurten.crs).set_index("id")


#: The years of the demo's snapshots of facilities and accommodations (voorzieningen_jaren): the
#: last is the current layers, the first has a few facilities fewer and one huisarts more.
MOMENTOPNAME_JAREN = (2022, 2024)


def _momentopnamen(
    voorzieningen: gpd.GeoDataFrame, accommodaties: gpd.GeoDataFrame, seed: int
) -> gpd.GeoDataFrame:
    """Synthetic snapshots of the facilities (layer voorzieningen_jaren) of
    :data:`MOMENTOPNAME_JAREN`: the last year is the current facilities and accommodations; in
    the first, two meeting places and a playground (picked by their own random stream, so every
    other layer stays as it is) were not there yet, and one huisarts practice was open that has
    closed since (50 m beside another practice)."""
    from gebiedsplan.bronnen.momentopname import momentopname

    eerste, laatste = MOMENTOPNAME_JAREN
    rng = np.random.default_rng(seed + 17)
    nu = momentopname(
        Laag("voorzieningen", voorzieningen, HERKOMST),
        Laag("accommodaties", accommodaties, HERKOMST),
        jaar=laatste,
    ).data
    toen = momentopname(
        Laag("voorzieningen", voorzieningen, HERKOMST),
        Laag("accommodaties", accommodaties, HERKOMST),
        jaar=eerste,
    ).data
    eigen = toen[toen["soort"] == "voorziening"]
    nieuw = [
        *rng.choice(sorted(eigen.index[eigen["categorie"] == "ontmoeting"]), 2, replace=False),
        *rng.choice(sorted(eigen.index[eigen["categorie"] == "speelplek"]), 1, replace=False),
    ]
    toen = toen.drop(index=nieuw)
    praktijk = eigen[eigen["categorie"] == "huisarts"].sort_index().iloc[0]
    gesloten = gpd.GeoDataFrame(
        {
            "jaar": [eerste],
            "soort": ["voorziening"],
            "categorie": ["huisarts"],
            "naam": ["Huisartsenpraktijk De Brug (gesloten in 2023)"],
            "bron": [praktijk["bron"]],
        },
        geometry=[shapely.Point(praktijk.geometry.x + 50.0, praktijk.geometry.y)],
        crs=toen.crs,
        index=pd.Index([f"{eerste}:voorziening:vz_gesloten_1"], name=toen.index.name),
    )
    return gpd.GeoDataFrame(pd.concat([toen, gesloten, nu]), geometry="geometry", crs=nu.crs)


def build_demo(*, seed: int = SEED) -> DemoGemeente:
    """Generate the synthetic demo gemeente Rivierstad (GM9999), deterministically.

    Parameters
    ----------
    seed
        Random seed; the same seed gives identical layers on every machine.

    Returns
    -------
    DemoGemeente
        ``lagen`` (every catalogue layer), ``herkomst`` (all marked synthetisch) and the
        10 m green-share raster with its transform.

    Examples
    --------
    >>> from gebiedsplan.bronnen.demo import build_demo
    >>> demo = build_demo()
    >>> len(demo.wijken), len(demo.buurten)
    (6, 26)
    >>> demo.herkomst["buurten"].synthetisch
    True
    """
    rng = np.random.default_rng(seed)
    wijken, buurten = _wijken_buurten(rng)
    groen = _groen(buurten)
    netwerk = _netwerk(rng)
    bewoonbaar = _bewoonbaar(buurten, groen)
    vraagpunten = _vraagpunten(buurten, bewoonbaar, rng)
    voorzieningen = _voorzieningen(buurten, bewoonbaar, groen, rng)
    accommodaties, voorzieningen = _accommodaties(voorzieningen, rng)
    netwerk, voorzieningen = _buurgemeente(netwerk, voorzieningen)
    gezondheid = _gezondheid(buurten, rng)
    plannen = _plannen()
    raster, transform = _groen_raster(groen, buurten, rng)
    lagen: dict[str, pd.DataFrame] = {
        "wijken": wijken,
        "buurten": buurten,
        "voorzieningen": voorzieningen,
        "accommodaties": accommodaties,
        "groen": groen,
        "gezondheid": gezondheid,
        "vraagpunten": vraagpunten,
        "netwerk": netwerk,
        "plannen": plannen,
        # several years and the older indeling, from their own random stream (issue 15)
        **dict(zip(("kerncijfers_jaren", "buurten_indeling"), _jaren(buurten, seed), strict=True)),
        "inbreng": _inbreng(buurten, seed),
        "voorzieningen_jaren": _momentopnamen(voorzieningen, accommodaties, seed),
    }
    return DemoGemeente(
        lagen=lagen,
        herkomst={
            naam: HERKOMST
            if naam != "inbreng"
            else dataclasses.replace(
                HERKOMST, bron=f"Inbreng {WIJKAVOND[0]}", peildatum=WIJKAVOND[1]
            )
            for naam in lagen
        },
        groen_raster=raster,
        groen_transform=transform,
    )
