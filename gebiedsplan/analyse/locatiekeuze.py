"""Location choice (locatiekeuze): where would a new facility bring the most residents within the norm?

Method (maximal covering location problem)
------------------------------------------
Candidate sites are a point layer, or the network nodes inside a gebied. For a category with
norm distance ``r``, every analysed demand point that is not yet within ``r`` of an existing
facility of that category (existing facilities stay fixed) is *uncovered*. Only the residents
the analysis can reach count (:mod:`gebiedsplan.analyse.bereikbaarheid`: attached to the
network, not on a small disconnected piece of it): residents who were not analysed are neither
uncovered nor newly covered, and the result says how many there are. A candidate *covers* the
uncovered points within ``r`` over the network. With a capacity per site, a site serves at most
``capaciteit / per_1000 x 1000`` residents (the category's capacity norm), so its gain is capped.

- ``aantal = 1``: candidates are ranked by the residents they would newly bring within the norm.
- ``aantal = k``: when the number of combinations is small (at most ``MAX_COMBINATIES``) every
  combination is tried (exact); otherwise the greedy method adds, k times, the site with the
  largest extra gain. Greedy maximum coverage is within a factor 1 - 1/e of the optimum
  (Nemhauser, Wolsey & Fisher 1978); the result also reports an upper bound (the sum of the k
  largest single gains, at most all uncovered residents) and how close it came. Either way the
  first choice is the best single site, so k sites never do worse than the best single one.
"""

from __future__ import annotations

import itertools
import logging
import math
from collections.abc import Iterable
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.sparse import csr_array

from gebiedsplan._tekst import getal, procent
from gebiedsplan.analyse.bereikbaarheid import compute_bereikbaarheid
from gebiedsplan.errors import GebiedsplanError
from gebiedsplan.gemeente import Gemeente, effective_voorzieningen
from gebiedsplan.netwerk.aansluiten import connect_points
from gebiedsplan.netwerk.graaf import Netwerk, compile_netwerk
from gebiedsplan.netwerk.zoeken import iter_pairs

log = logging.getLogger(__name__)

#: Above this many combinations, k sites are chosen greedily instead of exactly.
MAX_COMBINATIES = 20_000


@dataclass(frozen=True)
class Locatiekeuze:
    """Result of :func:`choose_locaties`.

    ``nieuw_binnen_norm``, ``bovengrens`` and ``onbedekt`` (analysed residents outside the norm
    now) count analysed residents only; ``inwoners`` are all residents considered,
    ``inwoners_geanalyseerd`` those the analysis could reach over the network.
    """

    categorie: str
    kandidaten: pd.DataFrame
    gekozen: pd.DataFrame
    methode: str
    nieuw_binnen_norm: float
    bovengrens: float
    onbedekt: float
    inwoners: float = float("nan")
    inwoners_geanalyseerd: float = float("nan")

    @property
    def toelichting(self) -> str:
        """Who counted, in one Dutch sentence.

        Examples
        --------
        >>> Locatiekeuze("huisarts", pd.DataFrame(), pd.DataFrame(), "rangorde", 10, 10, 40,
        ...     inwoners=200, inwoners_geanalyseerd=150).toelichting  # doctest: +NORMALIZE_WHITESPACE
        'Alleen de 150 van 200 inwoners (75%) die over het wegennet geanalyseerd zijn tellen mee;
         50 inwoners zijn niet geanalyseerd (te ver van het wegennet of aan een los stuk ervan).'
        """
        if not self.inwoners > 0:
            return "Geen inwoners in de analyse."
        niet = self.inwoners - self.inwoners_geanalyseerd
        if niet <= 0:
            return f"Alle {getal(self.inwoners)} inwoners zijn geanalyseerd."
        return (
            f"Alleen de {getal(self.inwoners_geanalyseerd)} van {getal(self.inwoners)} inwoners "
            f"({procent(self.inwoners_geanalyseerd / self.inwoners)}) die over het wegennet "
            f"geanalyseerd zijn tellen mee; {getal(niet)} inwoners zijn niet geanalyseerd (te ver "
            "van het wegennet of aan een los stuk ervan)."
        )


#: Name of a candidate on a street without a name in the network layer.
NAAMLOZE_WEG = "naamloze weg"


def _straatnamen(wegen: gpd.GeoDataFrame | None, knopen: np.ndarray) -> list[list[str]]:
    """Per node, the street names of the segments that meet there, most segments first (a
    street running through a node has two), ties alphabetically; ``straatnaam`` values of
    merged ways ("A; B") count for each name."""
    if wegen is None or "straatnaam" not in wegen.columns or not len(knopen):
        return [[] for _ in knopen]
    namen = wegen["straatnaam"].map(
        lambda w: (
            []
            if not isinstance(w, str)
            else [d.strip() for d in w.split(";") if d.strip() and d.strip().lower() != "nan"]
        )
    )
    paren = pd.DataFrame(
        {
            "knoop": np.concatenate(
                [wegen["van_knoop"].to_numpy(), wegen["naar_knoop"].to_numpy()]
            ),
            "namen": np.concatenate([namen.to_numpy(), namen.to_numpy()]),
        }
    ).explode("namen")
    paren = paren[paren["knoop"].isin(knopen) & paren["namen"].notna()]
    tel = paren.groupby(["knoop", "namen"]).size().rename("n").reset_index()
    tel = tel.sort_values(["knoop", "n", "namen"], ascending=[True, False, True])
    per_knoop = tel.groupby("knoop")["namen"].agg(list)
    return [list(per_knoop.get(k, [])) for k in knopen]


def name_candidates(
    straten: list[list[str]], wijknamen: list[str | None], xy: np.ndarray
) -> list[str]:
    """Names people recognise for candidate sites: the street and the wijk, "Dorpsstraat
    (Oeverwijk)"; where several candidates would get the same name, the cross street tells
    them apart ("Dorpsstraat, bij Kerkweg (Oeverwijk)"), and what is still the same is
    numbered from west to east ("Dorpsstraat, plek 2 (Oeverwijk)"). No house numbers: a
    network node is a place on a street, not an address. A street without a name is
    :data:`NAAMLOZE_WEG`.

    Parameters
    ----------
    straten
        Per candidate, the street names at the node, the street it lies on first.
    wijknamen
        Per candidate, the wijk it lies in (None: outside every wijk).
    xy
        Coordinates (n x 2), for numbering from west to east (south to north on ties).

    Examples
    --------
    >>> xy = np.array([[0, 0], [100, 0], [200, 0], [300, 0]])
    >>> name_candidates([["Dorpsstraat", "Kerkweg"], ["Dorpsstraat", "Molenweg"],
    ...     ["Dorpsstraat"], ["Dorpsstraat"]], ["Oeverwijk"] * 4, xy)  # doctest: +NORMALIZE_WHITESPACE
    ['Dorpsstraat, bij Kerkweg (Oeverwijk)', 'Dorpsstraat, bij Molenweg (Oeverwijk)',
     'Dorpsstraat, plek 1 (Oeverwijk)', 'Dorpsstraat, plek 2 (Oeverwijk)']
    >>> name_candidates([[], ["Kade"]], [None, "Havenkwartier"], xy[:2])
    ['naamloze weg', 'Kade (Havenkwartier)']
    """

    def _naam(straat: str, wijk: str | None, extra: str = "") -> str:
        return f"{straat}{extra}" + (f" ({wijk})" if wijk else "")

    straat = [s[0] if s else NAAMLOZE_WEG for s in straten]
    namen = [_naam(s, w) for s, w in zip(straat, wijknamen, strict=True)]
    groepen: dict[str, list[int]] = {}
    for i, naam in enumerate(namen):
        groepen.setdefault(naam, []).append(i)
    for leden in groepen.values():
        if len(leden) < 2:
            continue
        # the cross street, where it tells this one apart from the others on the street
        kruis = {i: (straten[i][1] if len(straten[i]) > 1 else None) for i in leden}
        tel: dict[str | None, int] = {}
        for k in kruis.values():
            tel[k] = tel.get(k, 0) + 1
        rest = []
        for i in leden:
            k = kruis[i]
            if k is not None and tel[k] == 1:
                namen[i] = _naam(straat[i], wijknamen[i], f", bij {k}")
            else:
                rest.append(i)
        if len(rest) > 1 or (rest and len(rest) < len(leden)):
            volgorde = sorted(rest, key=lambda i: (float(xy[i, 0]), float(xy[i, 1])))
            for n, i in enumerate(volgorde, start=1):
                namen[i] = _naam(straat[i], wijknamen[i], f", plek {n}")
    return namen


def candidate_nodes(
    netwerk: Netwerk,
    gebied: shapely.Geometry,
    *,
    crs: object,
    wegen: gpd.GeoDataFrame | None = None,
    wijken: gpd.GeoDataFrame | None = None,
) -> gpd.GeoDataFrame:
    """Network nodes inside a gebied as candidate sites, named by street and wijk.

    Parameters
    ----------
    netwerk
        The compiled network.
    gebied
        The area whose nodes are candidates.
    crs
        CRS of the result (that of the network).
    wegen
        The ``netwerk`` layer, for the street names (column ``straatnaam``) of the segments
        that meet at each node; without it (or without names) "naamloze weg".
    wijken
        The wijken (with ``wijknaam``), for the wijk each node lies in.

    Returns
    -------
    geopandas.GeoDataFrame
        Indexed ``knoop<id>``; columns ``naam`` (:func:`name_candidates`), ``straatnaam`` (the
        street, empty when unnamed) and ``wijknaam``.

    Examples
    --------
    >>> from gebiedsplan.importeren import demo_gemeente
    >>> g = demo_gemeente()
    >>> net = compile_netwerk(g.netwerk, cache_map=g.netwerk_map)
    >>> kand = candidate_nodes(net, g.gebieden["Pilot Zuid"].geometrie, crs=g.wijken.crs,
    ...     wegen=g.netwerk, wijken=g.wijken)
    >>> bool(kand["naam"].is_unique), kand["naam"].iloc[0]
    (True, 'Molenstraat, bij Veldlaan (Oeverwijk)')
    """
    xy = netwerk.xy
    binnen = shapely.contains_xy(gebied, xy[:, 0], xy[:, 1])
    rijen = np.flatnonzero(binnen)
    knopen = np.asarray(netwerk.knoop_ids)[rijen]
    punten = shapely.points(xy[rijen])
    straten = _straatnamen(wegen, knopen)
    if wijken is not None and len(rijen):
        wijk_van = gpd.sjoin(
            gpd.GeoDataFrame(geometry=punten, crs=crs),
            wijken[["wijknaam", wijken.geometry.name]],
            how="left",
            predicate="intersects",
        )
        wijk_van = wijk_van[~wijk_van.index.duplicated(keep="first")]
        wijknamen: list[str | None] = [
            None if pd.isna(w) else str(w) for w in wijk_van["wijknaam"].sort_index()
        ]
    else:
        wijknamen = [None] * len(rijen)
    return gpd.GeoDataFrame(
        {
            "naam": name_candidates(straten, wijknamen, xy[rijen]),
            "straatnaam": [s[0] if s else "" for s in straten],
            "wijknaam": [w or "" for w in wijknamen],
        },
        geometry=punten,
        index=pd.Index([f"knoop{k}" for k in knopen], name="id"),
        crs=crs,
    )


def coverage(
    vraagpunten: gpd.GeoDataFrame,
    kandidaten: gpd.GeoDataFrame,
    netwerk: Netwerk,
    *,
    max_afstand_m: float,
) -> csr_array:
    """Boolean candidate x demand point matrix: within ``max_afstand_m`` over the network."""
    aansl = connect_points(vraagpunten, kandidaten, netwerk)
    rijen, kolommen = [], []
    for kand, punten, dm in iter_pairs(aansl, np.arange(len(kandidaten)), max_m=max_afstand_m):
        i, j = np.nonzero(dm <= max_afstand_m)
        rijen.append(np.asarray(kand)[i])
        kolommen.append(np.asarray(punten)[j])
    r = np.concatenate(rijen) if rijen else np.empty(0, dtype=np.int64)
    k = np.concatenate(kolommen) if kolommen else np.empty(0, dtype=np.int64)
    return csr_array(
        (np.ones(len(r), dtype=bool), (r, k)), shape=(len(kandidaten), len(vraagpunten))
    )


def _gain(
    sets: list[np.ndarray], gewicht: np.ndarray, keuze: tuple[int, ...], cap: np.ndarray
) -> float:
    """Residents newly covered by a set of sites; each site serves at most its cap."""
    if not keuze:
        return 0.0
    if np.all(np.isinf(cap[list(keuze)])):
        return float(gewicht[np.unique(np.concatenate([sets[i] for i in keuze]))].sum())
    # with capacities: assign points greedily to sites in order (a lower bound of the best
    # assignment; exact when coverage areas do not overlap)
    gedekt: set[int] = set()
    totaal = 0.0
    for i in keuze:
        vrij = [p for p in sets[i] if p not in gedekt]
        ruimte = cap[i]
        for p in vrij:
            if ruimte <= 0:
                break
            neem = min(gewicht[p], ruimte)
            totaal += neem
            ruimte -= neem
            gedekt.add(int(p))
    return totaal


def choose_locaties(
    gemeente: Gemeente,
    categorie: str,
    *,
    kandidaten: gpd.GeoDataFrame | None = None,
    gebied: str | None = None,
    aantal: int = 1,
    capaciteit: float | None = None,
    netwerk: Netwerk | None = None,
    wijken: Iterable[str] | None = None,
) -> Locatiekeuze:
    """Rank candidate sites for a new facility of ``categorie`` and choose the best ``aantal``.

    Parameters
    ----------
    gemeente
        With layers ``vraagpunten`` and ``netwerk``.
    categorie
        Category with a norm (its ``max_afstand_m``; capacity norm when ``capaciteit`` is given).
    kandidaten
        Candidate sites (points, EPSG:28992); default the network nodes inside ``gebied``.
    gebied
        Named gebied of the gemeente file, for candidate nodes.
    aantal
        How many new sites.
    capaciteit
        Capacity of each new site in the unit of the category's capacity norm (e.g. fte
        huisarts); without it a site covers every uncovered resident in reach.
    netwerk
        A compiled network to reuse; default compiled from the gemeente.
    wijken
        Only the residents of these wijken (wijkcodes), as ``run_analyse(wijken=...)``;
        default all.

    Returns
    -------
    Locatiekeuze
        ``kandidaten`` with their single gain (``nieuw_binnen_norm``), ranked; ``gekozen`` with
        marginal gains in order of choice; the method, the total, an upper bound and the number
        of uncovered residents, all over analysed residents; the residents considered and
        analysed (``toelichting`` says it in Dutch).

    Examples
    --------
    >>> from gebiedsplan.importeren import demo_gemeente
    >>> keuze = choose_locaties(demo_gemeente(), "ontmoeting", gebied="Pilot Zuid", aantal=2)
    >>> keuze.methode, len(keuze.gekozen)
    ('greedy', 2)
    >>> keuze.toelichting
    'Alle 51.382 inwoners zijn geanalyseerd.'
    """
    if categorie not in gemeente.normen:
        raise GebiedsplanError(
            f"Geen norm voor categorie '{categorie}'; kies uit {', '.join(gemeente.normen)}"
        )
    if gemeente.vraagpunten is None or gemeente.netwerk is None:
        raise GebiedsplanError("Locatiekeuze vraagt de lagen vraagpunten en netwerk.")
    if aantal < 1:
        raise GebiedsplanError(f"aantal moet minstens 1 zijn (gekregen: {aantal})")
    norm = gemeente.normen[categorie]
    net = netwerk or compile_netwerk(gemeente.netwerk, cache_map=gemeente.netwerk_map)
    if kandidaten is None:
        if gebied is None or gebied not in gemeente.gebieden:
            raise GebiedsplanError(
                f"Geef kandidaatlocaties of een gebied; gebied '{gebied}' bestaat niet "
                f"(bekend: {', '.join(gemeente.gebieden) or 'geen'})"
            )
        kandidaten = candidate_nodes(
            net,
            gemeente.gebieden[gebied].geometrie,
            crs=gemeente.wijken.crs,
            wegen=gemeente.netwerk,
            wijken=gemeente.wijken,
        )
        if kandidaten.empty:
            raise GebiedsplanError(
                f"Gebied '{gebied}' heeft geen knooppunten van het wegennet: het netwerk in de "
                "laagopslag dekt het gebied niet, dus er zijn geen kandidaatlocaties. Geef "
                "kandidaten (--kandidaten) of laad een wegennet dat het gebied dekt."
            )
    if kandidaten.empty:
        raise GebiedsplanError("Geen kandidaatlocaties (lege laag kandidaten).")
    vraag = gemeente.vraagpunten
    if wijken is not None:
        codes = list(wijken)
        onbekend = [c for c in codes if c not in gemeente.wijken.index]
        if onbekend:
            raise GebiedsplanError(
                f"Onbekende wijk {', '.join(onbekend)} in gemeente {gemeente.code}; "
                f"bekend zijn onder meer {', '.join(gemeente.wijken.index[:5])}"
            )
        buurten = gemeente.buurten.index[gemeente.buurten["wijkcode"].isin(codes)]
        vraag = vraag[vraag["buurtcode"].isin(buurten)]
    bestaand = effective_voorzieningen(gemeente)
    bereik = compute_bereikbaarheid(
        vraag, bestaand, net, gemeente.normen, categorieen=[categorie], stralen_m=None
    )
    # only analysed residents count: who was not analysed is neither uncovered nor covered
    geanalyseerd = bereik["geanalyseerd"].to_numpy(dtype=bool)
    al_binnen = bereik[f"binnen_norm_{categorie}"].fillna(False).astype(bool).to_numpy()
    inwoners = vraag["inwoners"].to_numpy(dtype=float)
    gewicht = np.where(al_binnen | ~geanalyseerd, 0.0, inwoners)
    dekking = coverage(vraag, kandidaten, net, max_afstand_m=float(norm.max_afstand_m))
    sets = [
        dekking.indices[dekking.indptr[i] : dekking.indptr[i + 1]] for i in range(len(kandidaten))
    ]
    sets = [s[gewicht[s] > 0] for s in sets]
    if capaciteit is not None:
        if norm.capaciteit is None:
            raise GebiedsplanError(
                f"Categorie '{categorie}' heeft geen capaciteitsnorm in normen.yml"
            )
        max_bediend = capaciteit / norm.capaciteit.per_1000 * 1000
        cap = np.full(len(kandidaten), max_bediend)
    else:
        cap = np.full(len(kandidaten), np.inf)
    enkel = np.array([_gain(sets, gewicht, (i,), cap) for i in range(len(kandidaten))])
    n = len(kandidaten)
    k = min(aantal, n)
    combinaties = math.comb(n, k)
    if k == 1 or combinaties <= MAX_COMBINATIES:
        methode = "exact" if k > 1 else "rangorde"
        beste: tuple[int, ...] = ()
        beste_waarde = -1.0
        kandidaat_rijen = np.argsort(-enkel, kind="stable")
        for keuze in itertools.combinations(kandidaat_rijen if k > 1 else kandidaat_rijen[:1], k):
            waarde = _gain(sets, gewicht, tuple(keuze), cap)
            if waarde > beste_waarde:
                beste, beste_waarde = tuple(keuze), waarde
        volgorde = list(beste)
    else:
        methode = "greedy"
        volgorde = []
        for _ in range(k):
            basis = _gain(sets, gewicht, tuple(volgorde), cap)
            extra = [
                (-1.0 if i in volgorde else _gain(sets, gewicht, (*volgorde, i), cap) - basis)
                for i in range(n)
            ]
            volgorde.append(int(np.argmax(extra)))
    marginaal, vorige = [], 0.0
    for j in range(len(volgorde)):
        waarde = _gain(sets, gewicht, tuple(volgorde[: j + 1]), cap)
        marginaal.append(waarde - vorige)
        vorige = waarde
    onbedekt = float(gewicht.sum())
    bovengrens = min(onbedekt, float(np.sort(enkel)[::-1][:k].sum()))
    tabel = kandidaten.drop(columns="geometry").copy()
    tabel["nieuw_binnen_norm"] = enkel
    tabel["x"], tabel["y"] = kandidaten.geometry.x, kandidaten.geometry.y
    tabel = tabel.sort_values("nieuw_binnen_norm", ascending=False)
    tabel["rang"] = np.arange(1, len(tabel) + 1)
    gekozen = kandidaten.iloc[volgorde].drop(columns="geometry").copy()
    gekozen["extra_binnen_norm"] = marginaal
    gekozen["x"], gekozen["y"] = (
        kandidaten.geometry.x.iloc[volgorde],
        kandidaten.geometry.y.iloc[volgorde],
    )
    log.info(
        "Locatiekeuze %s: %d plekken (%s) brengen %.0f van %.0f geanalyseerde inwoners binnen "
        "de norm",
        categorie,
        len(volgorde),
        methode,
        vorige,
        onbedekt,
    )
    return Locatiekeuze(
        categorie,
        tabel,
        gekozen,
        methode,
        vorige,
        bovengrens,
        onbedekt,
        inwoners=float(inwoners.sum()),
        inwoners_geanalyseerd=float(inwoners[geanalyseerd].sum()),
    )
