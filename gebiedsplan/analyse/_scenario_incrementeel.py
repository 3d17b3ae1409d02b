"""A scenario that only changes facilities, answered incrementally from its baseline analysis.

:func:`run_incremental` is what :func:`gebiedsplan.analyse.scenario.compare_scenario` calls for a
scenario that closes, opens or moves accommodations or changes capacities, but builds no homes.
Such a scenario leaves the demand points, buurten and the network alone. What a baseline computed
once for that is kept in ``Analyse.cache["scenario"]`` (:class:`_Basis`, built by
:func:`_scenario_basis` at the first scenario); a scenario then

- inserts only the changed facilities (and all of a category that lost one) into the network
  and gives new entries only to the demand points on the segments they split (:func:`_attach`);
- runs one bounded search from each place where facilities came or went (:func:`_new_reach`).
  Counts change by the facilities within the radius. A point keeps its nearest distance unless a
  facility that went was its nearest (then one multi-source search over the category gives the
  new one) or one that came is nearer (min of both). How far a search must reach follows from a
  lower bound of every point's distance (straight line / ``rek``, see :func:`_lower_bound`);
- aggregates again only the buurten and wijken whose points changed, in point order, so the
  sums add the same numbers in the same order as the full aggregation (:func:`_reaggregate`);
- recomputes the gap rows of the changed categories from per-buurt sums and ranks once
  (:func:`_update_table`), with the completeness of their layers judged again;
- recomputes the capacity within reach (E2SFCA, ``toegang_*``) of the changed categories with a
  capacity norm from the scenario's facilities, as ``run_analyse`` does, and the equity of
  distances (``gini_afstand``, ``palma_afstand``) of the changed categories from the new
  distances (:func:`gebiedsplan.analyse.hiaten.access_and_equity`).

Who was analysed does not change: it depends on the demand points and the network only.

Equal to ``run_analyse`` on the scenario's gemeente, up to rounding in the last bits of some
distances (inserting other facilities splits street segments, and the pieces add up to the
segment length only up to rounding; a full recomputation differs from the baseline in the same
way): tests/test_scenario.py and benchmarks/bench_scenario.py check it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.sparse import csr_array
from scipy.sparse.csgraph import connected_components, dijkstra

from gebiedsplan.analyse._kolommen import kolom
from gebiedsplan.analyse.bereikbaarheid import (
    DEKKING_KOLOMMEN,
    aggregate_bereikbaarheid,
    categories_of,
)
from gebiedsplan.analyse.capaciteit import compute_toegang
from gebiedsplan.analyse.hiaatsommen import (
    buurt_tree,
    buurtcodes,
    capacity,
    facilities_per_buurt,
    facility_buurt,
    gap_figures,
    membership,
    name_order,
    need_per_buurt,
    points_per_area,
    ranks,
    reach_per_buurt,
)
from gebiedsplan.analyse.hiaten import access_and_equity, point_figures
from gebiedsplan.analyse.run import Analyse
from gebiedsplan.analyse.volledigheid import (
    compute_volledigheid,
    layer_status,
    unattached_facilities,
)
from gebiedsplan.gemeente import Gemeente, effective_voorzieningen
from gebiedsplan.netwerk.aansluiten import (
    MAX_SNAP_M,
    Aansluiting,
    Koppeling,
    ingangen,
    insert_punten,
    snap_to_edges,
    with_segments,
)
from gebiedsplan.netwerk.graaf import Netwerk
from gebiedsplan.netwerk.zoeken import nearest_per_point, per_point


@dataclass(frozen=True)
class _Niveau:
    """One gap table of the baseline as sums of buurten."""

    m: csr_array  # areas × buurten
    rijen: dict[str, np.ndarray]  # categorie -> the table row of every area (order of m)
    naam_plek: np.ndarray  # :func:`gebiedsplan.analyse.hiaten.name_order` of the table
    punten: list[np.ndarray]  # the demand points of every area (order of m)


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
    punt_figuren: tuple[np.ndarray, np.ndarray, np.ndarray]  # hiaten.point_figures


def _scenario_basis(basis: Any) -> _Basis:
    """The baseline's :class:`_Basis`, built at the first scenario and kept in its cache."""
    if "scenario" in basis.cache:
        return basis.cache["scenario"]

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
        c: reach_per_buurt(per_buurt[rij_cat == c], rij_buurt[rij_cat == c], n) for c in cats
    }
    behoefte = {c: need_per_buurt(buurten, gemeente.gezondheid, gemeente.normen[c]) for c in cats}
    boom = buurt_tree(buurten)
    voor = basis.voorzieningen
    vz_buurt = pd.Series(
        facility_buurt(np.asarray(voor.geometry.to_numpy()), boom), index=voor.index
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
    punt_figuren = point_figures(basis.bereik, vraag, buurten)
    for niveau, (tabel, gebieden) in indeling.items():
        if tabel is None:
            continue
        codes = tabel.index.get_level_values(0).unique()
        m = membership({c: gebieden.get(c, []) for c in codes}, buurten.index)
        niveaus[niveau] = _Niveau(
            m=m,
            rijen={
                c: tabel.index.get_indexer(pd.MultiIndex.from_arrays([codes, [c] * len(codes)]))
                for c in cats
            },
            naam_plek=name_order(tabel.index),
            punten=points_per_area(m, punt_figuren[0]),
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
        punt_figuren=punt_figuren,
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
    c_voor, c_na = capacity(voor)[oud], capacity(na)[bestaand]
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
    ones :func:`gebiedsplan.netwerk.zoeken.nearest_per_point` and ``count_per_point`` find.
    """

    net = aansluiting.netwerk
    return per_point(
        aansluiting, dijkstra(net.graaf_terug, directed=True, indices=blad, limit=max_m)
    )


def _lower_bound(
    ingang_x: np.ndarray, ingang_y: np.ndarray, afstand: np.ndarray, xy: np.ndarray, rek: float
) -> np.ndarray:
    """A lower bound of the network distance from every demand point to a place ``xy``.

    A route of length L never leaves the disc of radius ``rek`` × L (:mod:`gebiedsplan.netwerk.graaf`),
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

    aansluiting: Any  # gebiedsplan.netwerk.aansluiten.Aansluiting
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

    One :func:`~gebiedsplan.analyse.bereikbaarheid.aggregate_bereikbaarheid` call for all tables: the
    areas become group numbers (distinct per table) over the points of the changed areas in
    their original order, so every sum adds the same numbers in the same order as the full
    aggregation.
    """

    posities, groepen, begin = [], [], [0]
    for _, punten in tabellen:
        pos = punten.punten(np.unique(punten.groep[veranderd]))
        posities.append(pos)
        groepen.append(punten.groep[pos] + begin[-1])
        begin.append(begin[-1] + len(punten.codes))
    pos = np.concatenate(posities)
    kolommen = [k for k in DEKKING_KOLOMMEN[1:] if k in bereik.columns] + [
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
    tabel: pd.DataFrame,
    indeling: _Niveau,
    cijfers: Mapping[str, Mapping[str, np.ndarray]],
    status: Mapping[str, str],
) -> pd.DataFrame:
    """``tabel`` with the rows of the categories in ``cijfers`` (from
    :func:`gebiedsplan.analyse.hiaten.gap_figures`) replaced, their ``laag_volledigheid`` from
    ``status``, ranked again."""

    kolommen: dict[str, np.ndarray] = {}
    for c, per_kolom in cijfers.items():
        per_kolom = {**per_kolom, "laag_volledigheid": np.array(status.get(c, "geen verwachting"))}
        for k, v in per_kolom.items():
            if k not in kolommen:
                kolommen[k] = tabel[k].to_numpy(copy=True)
            kolommen[k][indeling.rijen[c]] = v
    uit = tabel.copy(deep=False)
    for k, v in kolommen.items():
        uit[k] = v
    uit["rang"] = ranks(
        uit["hiaatscore"].to_numpy(), uit["inwoners_buiten_norm"].to_numpy(), indeling.naam_plek
    )
    return uit


def run_incremental(basis: Any, gemeente: Gemeente, *, niveaus: tuple[str, ...]) -> Any:
    """The analysis of ``gemeente``, a scenario of ``basis.gemeente`` that only changed
    facilities, answered from the baseline ``basis`` (see the module docstring).

    ``niveaus``: the gap tables besides ``wijk`` to recompute (see
    :func:`gebiedsplan.analyse.scenario.compare_scenario`). Falls back to ``run_analyse`` when the
    baseline kept no facilities or their ids are not unique; returns ``basis`` itself when no
    facility of an analysed category changed.
    """

    voor = basis.voorzieningen
    na = effective_voorzieningen(gemeente)
    if voor is None or not (voor.index.is_unique and na.index.is_unique):
        from gebiedsplan.analyse.run import run_analyse

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
                vectoren = reach_per_buurt(nieuw[deel], rij_buurt[deel], n)
                bijgewerkt = {}
                for k, v in staat.bereik_buurt[c].items():
                    v = v.copy()
                    v[b] = vectoren[k][b]
                    bijgewerkt[k] = v
                bereik_buurt[c] = bijgewerkt
    # the buurt of every facility: the baseline's where it stayed, else looked up
    pos = voor.index.get_indexer(na.index)
    vz_buurt = np.where(pos >= 0, staat.vz_buurt.to_numpy()[np.maximum(pos, 0)], -1)
    vz_buurt[wijziging.erbij] = facility_buurt(
        np.asarray(na.geometry.to_numpy())[wijziging.erbij], staat.buurt_boom
    )
    cat_na = na["categorie"].astype(str).to_numpy()
    capaciteit = capacity(na)
    voorzieningen = {
        c: facilities_per_buurt(vz_buurt[cat_na == c], capaciteit[cat_na == c], n) for c in herzien
    }
    # the completeness of the layers, judged on the scenario's facilities (a closed school may
    # tip a layer below its lower bound)
    volledigheid = compute_volledigheid(na, float(staat.vraag_inwoners.sum()), categorieen=cats)
    status = layer_status(volledigheid)
    # capacity within reach of the categories that changed: recomputed from the scenario's
    # facilities exactly as run_analyse computes it (same network, snap and analysed points)
    normen = basis.gemeente.normen
    toegang = basis.toegang
    met_capaciteit = [c for c in cats if c in herzien and normen[c].capaciteit is not None]
    if toegang is not None and met_capaciteit:
        opnieuw = compute_toegang(
            basis.gemeente.vraagpunten,
            na,
            staat.net,
            normen,
            buurten,
            categorieen=met_capaciteit,
            gezondheid=basis.gemeente.gezondheid,
            geanalyseerd=basis.bereik["geanalyseerd"],
            vraag_koppeling=staat.vraag_koppeling,
            behoefte=staat.behoefte,
        )
        toegang = toegang.copy()
        for k in opnieuw.columns:
            toegang[k] = opnieuw[k]
    tabellen = {"wijk": basis.hiaten, "buurt": basis.hiaten_buurt, "gebied": basis.hiaten_gebied}
    nieuw_tabel: dict[str, pd.DataFrame | None] = {}
    for niveau, tabel in tabellen.items():
        if tabel is None or niveau not in {"wijk", *niveaus} or niveau not in staat.niveaus:
            nieuw_tabel[niveau] = None
            continue
        indeling = staat.niveaus[niveau]
        cijfers = {
            c: gap_figures(
                indeling.m,
                bereik_buurt[c],
                voorzieningen[c],
                staat.behoefte[c],
                basis.gemeente.normen[c],
            )
            | access_and_equity(
                indeling.m,
                indeling.punten,
                *staat.punt_figuren,
                bereik,
                toegang,
                c,
                basis.gemeente.normen[c],
            )
            for c in herzien
        }
        nieuw_tabel[niveau] = _update_table(tabel, indeling, cijfers, status)
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
        voorziening_buurt=pd.Series(
            np.where(vz_buurt >= 0, basis.gemeente.buurten.index.to_numpy()[vz_buurt], None),
            index=na.index,
            name="buurtcode",
            dtype=object,
        ),
        accommodatie_buurt=(
            buurtcodes(
                gemeente.accommodaties.geometry.representative_point(),
                gemeente.buurten,
                staat.buurt_boom,
            )
            if gemeente.accommodaties is not None
            else None
        ),
        groen=basis.groen,  # the raster and the areas stay as they are in a scenario
        volledigheid=volledigheid,
        niet_aangesloten=unattached_facilities(na, staat.net, categorieen=cats),
        toegang=toegang,
    )
