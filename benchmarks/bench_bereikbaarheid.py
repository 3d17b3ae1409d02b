"""Accessibility engine side by side with pandana, networkx and plain scipy, on the same graphs.

Run (pandana is optional: ``pip install -e .[bench]``; without it its rows are left out)::

    python benchmarks/bench_bereikbaarheid.py                  # demo, 60k, 250k, 1M nodes
    python benchmarks/bench_bereikbaarheid.py --nationaal      # plus the 10M-node case
    python benchmarks/bench_bereikbaarheid.py --groottes 60000 --herhalingen 3

Every case runs in its own subprocess (peak memory per case), one thread for numpy/scipy
(``OMP_NUM_THREADS=1``); pandana runs in a subprocess of its own with its default OpenMP threads
(all cores, 2 on the benchmark machine), which favours pandana.

What is measured, per graph (``grafen.street_graph``: a seeded street-like grid whose node ids
carry no spatial order, plus the demo gemeente's network):

- *nearest*: distance from every node to the nearest of F facilities (F = 200 per 60k nodes,
  on nodes). Peers: ``gebiedsplan.netwerk.zoeken.distance_to_nearest`` on the compiled network;
  ``scipy.sparse.csgraph.dijkstra(min_only=True)`` on a symmetric CSR in input order (the
  reference) and on gebiedsplan's compiled (Hilbert-ordered) CSR; networkx
  ``multi_source_dijkstra_path_length`` (what osmnx routes with); pandana ``nearest_pois``
  with the smallest max distance that still finds a facility for every reachable node.
- *counts*: number of facilities within 1000 m of every node. Peers: ``count_within``; scipy
  ``dijkstra(limit=1000)`` from the facilities in chunks (reference); networkx
  ``single_source_dijkstra_path_length(cutoff=1000)`` per facility; pandana ``precompute(1000)``
  then ``aggregate(1000, type="count")``.
- *Arnhem-sized end to end* (60k only): 75k demand points, 10 categories, ``connect_points``
  + nearest + counts at 500 and 1000 m (``compute_bereikbaarheid``) + per-buurt means
  (``aggregate_bereikbaarheid``), graph compiled beforehand; checked against a reference that
  inserts the demand points into the graph as nodes and runs scipy.
- *national* (``--nationaal``, 10M nodes, not part of the normal runs): 10 categories x
  (nearest + counts at 500 and 1000 m) + means per 500 m cell, network loaded from its ``.npz``;
  peak memory of the process.

Reported: medians over the repetitions, the ratio peer time / gebiedsplan time, and the maximum
absolute error of every result against the reference. Results go to
``benchmarks/resultaten/bereikbaarheid.json`` and ``.md``.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

HIER = Path(__file__).resolve().parent
sys.path.insert(0, str(HIER))
RESULTATEN = HIER / "resultaten"

FAC_PER_KNOOP = 200 / 60_000
STRAAL_M = 1000.0


def _opwarmen() -> None:
    """Compile (or load from numba's cache) gebiedsplan's kernels before anything is timed."""
    from gebiedsplan.netwerk.graaf import compile_arrays
    from gebiedsplan.netwerk.zoeken import count_within, distance_to_nearest

    net = compile_arrays(
        np.array([[0.0, 0.0], [10.0, 0.0]]), np.array([0]), np.array([1]), np.array([10.0])
    )
    distance_to_nearest(net, np.array([0]))
    count_within(net, np.array([0]), stralen_m=[5.0, 20.0])


def _mediaan(f: Callable[[], Any], herhalingen: int) -> tuple[float, Any, list[float]]:
    tijden = []
    uit = None
    for _ in range(herhalingen):
        gc.collect()
        t0 = time.perf_counter()
        uit = f()
        tijden.append(time.perf_counter() - t0)
    return statistics.median(tijden), uit, tijden


def _max_fout(ref: np.ndarray, x: np.ndarray) -> dict[str, Any]:
    ref = np.asarray(ref, dtype=float)
    x = np.asarray(x, dtype=float)
    eindig = np.isfinite(ref)
    fout = float(np.max(np.abs(ref[eindig] - x[eindig]))) if eindig.any() else 0.0
    return {"max_abs_fout": fout, "onbereikbaar_anders": int(np.sum(eindig != np.isfinite(x)))}


def _peak_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6


# --------------------------------------------------------------------------- graphs


def _graaf(naam: str):
    from grafen import Graaf, street_graph

    if naam == "demo":
        from gebiedsplan.bronnen.demo import build_demo

        demo = build_demo()
        w = demo.netwerk
        ids, inv = np.unique(
            np.r_[w["van_knoop"].to_numpy(), w["naar_knoop"].to_numpy()], return_inverse=True
        )
        import shapely

        geoms = w.geometry.to_numpy()
        xy = np.empty((len(ids), 2))
        xy[inv[: len(w)]] = shapely.get_coordinates(shapely.get_point(geoms, 0))
        xy[inv[len(w) :]] = shapely.get_coordinates(shapely.get_point(geoms, -1))
        g = Graaf(
            ids=ids,
            xy=xy,
            van=inv[: len(w)],
            naar=inv[len(w) :],
            lengte_m=w["lengte_m"].to_numpy(dtype=float),
        )
        from scipy.spatial import cKDTree

        huisarts = demo.voorzieningen[demo.voorzieningen["categorie"] == "huisarts"]
        _, fac = cKDTree(xy).query(shapely.get_coordinates(huisarts.geometry.to_numpy()))
        return g, np.unique(fac)
    from grafen import pick_nodes

    g = street_graph(int(naam))
    return g, pick_nodes(g, max(1, round(g.n_knopen * FAC_PER_KNOOP)), seed=1)


def _csr_invoer(g) -> Any:
    from gebiedsplan.netwerk.graaf import csr_from_edges

    return csr_from_edges(
        np.r_[g.van, g.naar], np.r_[g.naar, g.van], np.r_[g.lengte_m, g.lengte_m], g.n_knopen
    )


# --------------------------------------------------------------------------- one case


def case_kern(naam: str, herhalingen: int, met_networkx: bool) -> dict[str, Any]:
    """gebiedsplan, scipy and networkx on one graph (this process: one thread)."""
    from scipy.sparse.csgraph import dijkstra

    from gebiedsplan.netwerk.graaf import compile_arrays
    from gebiedsplan.netwerk.zoeken import count_within, distance_to_nearest

    g, fac = _graaf(naam)
    uit: dict[str, Any] = {"graaf": naam, "knopen": g.n_knopen, "kanten": len(g.van)}
    uit["voorzieningen"] = len(fac)
    t0 = time.perf_counter()
    net = compile_arrays(g.xy, g.van, g.naar, g.lengte_m, knoop_ids=g.ids)
    uit["compileren_s"] = time.perf_counter() - t0
    rang = np.empty(g.n_knopen, dtype=np.int64)
    # compiled row of every input position
    volgorde = np.argsort(net.knoop_ids)
    rang[np.argsort(g.ids)] = volgorde
    rijen = rang[fac]
    G = _csr_invoer(g)

    # nearest
    ref_t, ref, _ = _mediaan(
        lambda: dijkstra(G, directed=True, indices=fac, min_only=True), herhalingen
    )
    ons_t, ons, _ = _mediaan(lambda: distance_to_nearest(net, rijen), herhalingen)
    ons_in = ons[rang]  # back to input order
    hil_t, hil, _ = _mediaan(
        lambda: dijkstra(net.graaf, directed=True, indices=np.unique(rijen), min_only=True),
        herhalingen,
    )
    dichtst: dict[str, Any] = {
        "gebiedsplan": {"s": ons_t, **_max_fout(ref, ons_in)},
        "scipy (invoervolgorde, referentie)": {"s": ref_t, "factor": ref_t / ons_t},
        "scipy (gecompileerde volgorde)": {
            "s": hil_t,
            "factor": hil_t / ons_t,
            **_max_fout(ref, hil[rang]),
        },
    }
    from gebiedsplan.netwerk.zoeken import shortest_to_nearest

    for methode in ("dijkstra", "bucket"):
        t, x, _ = _mediaan(
            lambda m=methode: shortest_to_nearest(net.graaf, rijen, methode=m), herhalingen
        )
        dichtst[f"gebiedsplan methode={methode}"] = {
            "s": t,
            "factor": t / ons_t,
            **_max_fout(ref, x[rang]),
        }
    uit["max_dichtstbij_m"] = float(np.max(ref[np.isfinite(ref)]))

    # counts within 1000 m
    chunk = max(1, int(16_000_000 // g.n_knopen))

    def scipy_tel() -> np.ndarray:
        tel = np.zeros(g.n_knopen, dtype=np.int64)
        for i in range(0, len(fac), chunk):
            D = dijkstra(G, directed=True, indices=fac[i : i + chunk], limit=STRAAL_M)
            tel += np.count_nonzero(D <= STRAAL_M, axis=0)
        return tel

    sref_t, sref, _ = _mediaan(scipy_tel, max(1, min(herhalingen, 3)))
    tel_t, tel, _ = _mediaan(lambda: count_within(net, rijen, stralen_m=[STRAAL_M])[0], herhalingen)
    tellen: dict[str, Any] = {
        "gebiedsplan": {"s": tel_t, **_max_fout(sref, tel[rang])},
        "scipy gebrokken (referentie)": {"s": sref_t, "factor": sref_t / tel_t},
    }

    if met_networkx:
        import networkx as nx

        t0 = time.perf_counter()
        H = nx.Graph()
        H.add_nodes_from(range(g.n_knopen))
        # parallel edges keep the shortest (as every peer does)
        volg = np.argsort(-g.lengte_m)
        H.add_weighted_edges_from(
            zip(g.van[volg].tolist(), g.naar[volg].tolist(), g.lengte_m[volg].tolist(), strict=True)
        )
        nx_bouw = time.perf_counter() - t0
        n_nx = 1 if g.n_knopen > 100_000 else max(1, min(herhalingen, 3))
        nx_t, d, _ = _mediaan(
            lambda: nx.multi_source_dijkstra_path_length(H, set(fac.tolist())), n_nx
        )
        x = np.full(g.n_knopen, np.inf)
        x[list(d)] = list(d.values())
        dichtst["networkx"] = {
            "s": nx_t,
            "opbouw_s": nx_bouw,
            "factor": nx_t / ons_t,
            **_max_fout(ref, x),
        }

        def nx_tel() -> np.ndarray:
            tel = np.zeros(g.n_knopen, dtype=np.int64)
            for f in fac.tolist():
                bereikt = nx.single_source_dijkstra_path_length(H, f, cutoff=STRAAL_M)
                tel[list(bereikt)] += 1
            return tel

        nxt_t, nxt, _ = _mediaan(nx_tel, n_nx)
        tellen["networkx"] = {"s": nxt_t, "factor": nxt_t / tel_t, **_max_fout(sref, nxt)}
        del H
    uit["dichtstbij"] = dichtst
    uit["tellen_1000m"] = tellen
    uit["piekgeheugen_gb"] = _peak_gb()
    return uit


def case_pandana(naam: str, herhalingen: int) -> dict[str, Any]:
    """pandana on the same graph and facilities (own process, its default threads)."""
    import pandana
    import pandas as pd
    from scipy.sparse.csgraph import dijkstra

    g, fac = _graaf(naam)
    G = _csr_invoer(g)
    ref = dijkstra(G, directed=True, indices=fac, min_only=True)
    uit: dict[str, Any] = {"draden": os.cpu_count()}
    devnull = os.open(os.devnull, os.O_WRONLY)
    stdout = os.dup(1)
    os.dup2(devnull, 1)  # pandana prints progress from C++
    try:
        t0 = time.perf_counter()
        knopen = pd.DataFrame({"x": g.xy[:, 0], "y": g.xy[:, 1]}, index=g.ids)
        net = pandana.Network(
            knopen["x"],
            knopen["y"],
            pd.Series(g.ids[g.van]),
            pd.Series(g.ids[g.naar]),
            pd.DataFrame({"w": g.lengte_m}),
            twoway=True,
        )
        opbouw = time.perf_counter() - t0
        maxdist = float(np.ceil(np.max(ref[np.isfinite(ref)]))) + 1.0

        def nearest() -> np.ndarray:
            net.set_pois("f", maxdist, 1, pd.Series(g.xy[fac, 0]), pd.Series(g.xy[fac, 1]))
            return net.nearest_pois(maxdist, "f", num_pois=1)[1].to_numpy()

        nt, nd, _ = _mediaan(nearest, herhalingen)
        pos = {i: p for p, i in enumerate(g.ids)}
        x = np.full(g.n_knopen, np.inf)
        x[[pos[i] for i in net.node_ids]] = nd
        x[x >= maxdist] = np.inf  # pandana answers maxdist for "none found"
        uit["dichtstbij"] = {"s": nt, "opbouw_s": opbouw, **_max_fout(ref, x)}

        t0 = time.perf_counter()
        net.precompute(STRAAL_M)
        pre = time.perf_counter() - t0
        net.set(pd.Series(g.ids[fac]), name="f")
        at, tel, _ = _mediaan(
            lambda: net.aggregate(STRAAL_M, type="count", decay="flat", name="f").to_numpy(),
            herhalingen,
        )
        y = np.zeros(g.n_knopen)
        y[[pos[i] for i in net.node_ids]] = tel
        chunk = max(1, int(16_000_000 // g.n_knopen))
        sref = np.zeros(g.n_knopen)
        for i in range(0, len(fac), chunk):
            D = dijkstra(G, directed=True, indices=fac[i : i + chunk], limit=STRAAL_M)
            sref += np.count_nonzero(D <= STRAAL_M, axis=0)
        uit["tellen_1000m"] = {
            "s": at,
            "precompute_s": pre,
            "opbouw_s": opbouw,
            "eind_tot_eind_s": opbouw + pre + at,
            **_max_fout(sref, y),
        }
    finally:
        os.dup2(stdout, 1)
        os.close(devnull)
    uit["piekgeheugen_gb"] = _peak_gb()
    return uit


def case_arnhem(herhalingen: int) -> dict[str, Any]:
    """60k nodes, 75k demand points, 10 categories: the whole point pipeline, checked."""
    import geopandas as gpd
    import pandas as pd
    import shapely
    from grafen import street_graph
    from scipy.sparse.csgraph import dijkstra

    from gebiedsplan.analyse.bereikbaarheid import (
        aggregate_bereikbaarheid,
        compute_bereikbaarheid,
    )
    from gebiedsplan.catalogus import Norm
    from gebiedsplan.netwerk.aansluiten import (
        connect_points,
        insert_punten,
        snap_to_edges,
        with_segments,
    )
    from gebiedsplan.netwerk.graaf import compile_arrays

    g = street_graph(60_000)
    net = with_segments(compile_arrays(g.xy, g.van, g.naar, g.lengte_m, knoop_ids=g.ids))
    rng = np.random.default_rng(7)
    lo, hi = g.xy.min(axis=0), g.xy.max(axis=0)
    P = 75_000
    pxy = rng.uniform(lo, hi, (P, 2))
    buurt = (np.floor((pxy - lo) / 1000).astype(int) @ np.array([1, 100])).astype(str)
    vraag = gpd.GeoDataFrame(
        {"inwoners": rng.integers(1, 6, P), "buurtcode": np.char.add("BU", buurt)},
        geometry=shapely.points(pxy),
        crs="EPSG:28992",
        index=pd.Index([f"p{i}" for i in range(P)], name="id"),
    )
    aantallen = {
        "ontmoeting": 60,
        "welzijn": 20,
        "huisarts": 60,
        "jeugd_en_gezin": 10,
        "basisschool": 50,
        "kinderopvang": 90,
        "sport": 60,
        "speelplek": 250,
        "bibliotheek": 8,
        "groen": 80,
    }
    cats = np.repeat(list(aantallen), list(aantallen.values()))
    fxy = rng.uniform(lo, hi, (len(cats), 2))
    vz = gpd.GeoDataFrame(
        {"categorie": cats, "naam": "v"},
        geometry=shapely.points(fxy),
        crs="EPSG:28992",
        index=pd.Index([f"v{i}" for i in range(len(cats))], name="id"),
    )
    normen = {c: Norm(c, 1000.0, 0.9, "bench", "bench") for c in aantallen}
    fasen: dict[str, list[float]] = {"totaal": [], "bereikbaarheid": [], "per buurt": []}
    bereik = None
    for _ in range(herhalingen):
        gc.collect()
        t0 = time.perf_counter()
        bereik = compute_bereikbaarheid(vraag, vz, net, normen, stralen_m=[500, 1000])
        t1 = time.perf_counter()
        aggregate_bereikbaarheid(bereik, vraag, groep="buurtcode")
        t2 = time.perf_counter()
        fasen["bereikbaarheid"].append(t1 - t0)
        fasen["per buurt"].append(t2 - t1)
        fasen["totaal"].append(t2 - t0)
    # attaching alone, and its peer: GEOS' STRtree (what snap_to_edges used before the grid
    # kernel), the same points; both give the same snap distances and positions
    t_connect, a, _ = _mediaan(lambda: connect_points(vraag, vz, net), herhalingen)
    beide_xy = np.r_[fxy, pxy]
    beide_pts = shapely.points(beide_xy)

    def geos_snap() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        from gebiedsplan.netwerk.graaf import hilbert_index

        boom = shapely.STRtree(net.kant_geometrie, node_capacity=4)
        volgorde = np.argsort(hilbert_index(beide_xy), kind="stable")
        (pi, ki), d = boom.query_nearest(
            beide_pts[volgorde], return_distance=True, all_matches=False
        )
        kant = np.empty(len(beide_xy), dtype=np.int64)
        afstand = np.empty(len(beide_xy))
        kant[volgorde[pi]], afstand[volgorde[pi]] = ki, d
        fractie = shapely.line_locate_point(net.kant_geometrie[kant], beide_pts, normalized=True)
        return kant, afstand, fractie

    t_geos, (_, afstand_geos, _), _ = _mediaan(geos_snap, herhalingen)
    snap_ons = snap_to_edges(net, gpd.GeoSeries(beide_pts), max_snap_m=250)
    assert bereik is not None

    # reference: demand points inserted as leaves too, plain scipy on the grown graph
    kop_v = snap_to_edges(net, vz, max_snap_m=250)
    kop_p = snap_to_edges(net, vraag, max_snap_m=250)
    from gebiedsplan.netwerk.aansluiten import Koppeling

    beide = Koppeling(
        np.r_[kop_v.kant, kop_p.kant],
        np.r_[kop_v.fractie, kop_p.fractie],
        np.r_[kop_v.afstand_m, kop_p.afstand_m],
        np.r_[kop_v.los, kop_p.los],
    )
    inv = insert_punten(net, beide, np.r_[fxy, pxy])
    vb, pb = inv.blad[: len(cats)], inv.blad[len(cats) :]
    fouten = {"afstand_m": 0.0, "aantal": 0}
    for c in aantallen:
        d = dijkstra(inv.netwerk.graaf, directed=True, indices=vb[cats == c], min_only=True)[pb]
        ons = bereik[f"afstand_{c}_m"].to_numpy()
        fouten["afstand_m"] = max(fouten["afstand_m"], float(np.nanmax(np.abs(ons - d))))
        if c in ("speelplek", "bibliotheek"):
            D = dijkstra(inv.netwerk.graaf, directed=True, indices=vb[cats == c], limit=1000.0)
            for r in (500, 1000):
                ref = np.count_nonzero(D[:, pb] <= r, axis=0)
                ons_t = bereik[f"aantal_{c}_{r}m"].to_numpy(dtype=np.int64)
                fouten["aantal"] = max(fouten["aantal"], int(np.abs(ref - ons_t).max()))
    return {
        "knopen": g.n_knopen,
        "vraagpunten": P,
        "voorzieningen": len(cats),
        "categorieen": len(aantallen),
        "stralen_m": [500, 1000],
        "mediaan_s": {k: statistics.median(v) for k, v in fasen.items()},
        "aansluiten_s": t_connect,
        "snappen_peer_geos_strtree_s": t_geos,
        "snappen_afstand_gelijk_aan_geos": bool(np.array_equal(snap_ons.afstand_m, afstand_geos)),
        "max_fout_tegen_referentie": fouten,
        "onbereikbaar_gemeld": int(a.vraag_los.sum()),
        "piekgeheugen_gb": _peak_gb(),
    }


def case_nationaal_bouw(n: int, pad: str) -> dict[str, Any]:
    from grafen import street_graph

    from gebiedsplan.netwerk.graaf import compile_arrays, save_netwerk

    t0 = time.perf_counter()
    g = street_graph(n)
    t1 = time.perf_counter()
    net = compile_arrays(g.xy, g.van, g.naar, g.lengte_m, knoop_ids=g.ids)
    t2 = time.perf_counter()
    save_netwerk(net, pad)
    return {
        "graaf_maken_s": t1 - t0,
        "compileren_s": t2 - t1,
        "knopen": g.n_knopen,
        "kanten": len(g.van),
        "piekgeheugen_gb": _peak_gb(),
    }


#: Indicative national numbers of facilities per category (rounded orders of magnitude for
#: the Netherlands, not a source: huisartsenpraktijken ~5k, basisscholen ~6k, kinderopvang
#: locations ~14k, OSM playgrounds ~35k, ...), for the second national scenario.
LANDELIJK = (5_000, 6_000, 14_000, 35_000, 15_000, 1_000, 4_000, 2_000, 1_500, 10_000)


def case_nationaal(pad: str, scenario: str = "dichtheid") -> dict[str, Any]:
    """10 categories x (nearest + counts at two radii) + means per 500 m cell, one core.

    ``scenario="dichtheid"``: every category as dense as the 60k case (200 per 60k nodes,
    33k per category); ``"landelijk"``: the indicative national numbers of :data:`LANDELIJK`.
    Each category's distances are aggregated and dropped; the counts of all categories run in
    one pass (:func:`count_within_groups`).
    """
    from scipy.sparse.csgraph import dijkstra

    from gebiedsplan.netwerk.graaf import load_netwerk
    from gebiedsplan.netwerk.zoeken import (
        count_within_groups,
        distance_to_nearest,
        shortest_to_nearest,
    )

    t0 = time.perf_counter()
    net = load_netwerk(pad)
    laden = time.perf_counter() - t0
    n = net.n_knopen
    rng = np.random.default_rng(3)
    aantallen = [round(n * FAC_PER_KNOOP)] * 10 if scenario == "dichtheid" else list(LANDELIJK)
    inwoners = rng.integers(0, 4, n).astype(float)
    cel = np.floor((net.xy - net.xy.min(axis=0)) / 500).astype(np.int64)
    buurt = cel[:, 1] * (int(cel[:, 0].max()) + 1) + cel[:, 0]
    fasen = {"dichtstbij": 0.0, "tellen": 0.0, "per cel": 0.0}
    bronnen = [np.sort(rng.choice(n, f, replace=False)) for f in aantallen]
    t_start = time.perf_counter()
    d0 = None
    for c, rijen in enumerate(bronnen):
        t = time.perf_counter()
        d = distance_to_nearest(net, rijen)
        fasen["dichtstbij"] += time.perf_counter() - t
        t = time.perf_counter()
        ok = np.isfinite(d)
        w = inwoners * ok
        np.bincount(buurt, weights=np.where(ok, d, 0) * w) / np.maximum(
            np.bincount(buurt, weights=w), 1e-9
        )
        fasen["per cel"] += time.perf_counter() - t
        if c == 0:
            d0 = d
    t = time.perf_counter()
    tellingen = count_within_groups(
        net,
        np.concatenate(bronnen),
        np.repeat(np.arange(10), aantallen),
        stralen_m=[500.0, 1000.0],
    )
    fasen["tellen"] += time.perf_counter() - t
    t = time.perf_counter()
    for c in range(10):
        for r in range(2):
            np.bincount(buurt, weights=tellingen[c][r] * inwoners)
    fasen["per cel"] += time.perf_counter() - t
    tel0 = tellingen[0]
    totaal = time.perf_counter() - t_start
    piek = _peak_gb()
    # checks (not timed): category 0 against scipy, counts at 100 sampled nodes
    t = time.perf_counter()
    ref = dijkstra(net.graaf, directed=True, indices=bronnen[0], min_only=True)
    scipy_s = time.perf_counter() - t
    # the previous method (delta-stepping over the whole network at once) as a peer
    t = time.perf_counter()
    d_bucket = shortest_to_nearest(net.graaf_terug, bronnen[0], methode="bucket")
    bucket_s = time.perf_counter() - t
    assert d0 is not None
    fout = _max_fout(ref, d0)
    assert np.array_equal(d_bucket, d0)
    steek = rng.choice(n, 100, replace=False)
    ref_tel = np.concatenate(
        [
            np.count_nonzero(
                dijkstra(net.graaf, directed=True, indices=steek[i : i + 5], limit=1000.0)[
                    :, bronnen[0]
                ]
                <= 1000.0,
                axis=1,
            )
            for i in range(0, len(steek), 5)
        ]
    )
    return {
        "knopen": n,
        "scenario": scenario,
        "voorzieningen_per_categorie": aantallen,
        "laden_s": laden,
        "totaal_s": totaal,
        "fasen_s": fasen,
        "piekgeheugen_gb": piek,
        "scipy_dichtstbij_1_categorie_s": scipy_s,
        "delta_stepping_dichtstbij_1_categorie_s": bucket_s,
        "max_abs_fout_dichtstbij": fout,
        "max_abs_fout_tellen_steekproef_100": int(np.abs(ref_tel - tel0[1][steek]).max()),
    }


# --------------------------------------------------------------------------- driver


def _sub(args: list[str], *, draden: int | None = 1, python: str | None = None) -> dict:
    env = dict(os.environ)
    for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        if draden is not None:
            env[k] = str(draden)
        else:  # the library's default (all cores), whatever the caller's environment says
            env.pop(k, None)
    voor = os.getloadavg()[0]
    out = subprocess.run(
        [python or sys.executable, __file__, *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    belasting = {"voor": voor, "na_1min": os.getloadavg()[0]}
    if out.returncode != 0:
        return {"fout": f"exit {out.returncode}: {out.stderr[-2000:]}", "belasting": belasting}
    # load average of the machine around the case: others' work on the shared cores shows here
    return {**json.loads(out.stdout.strip().splitlines()[-1]), "belasting": belasting}


def _tabel(res: dict[str, Any]) -> str:
    regels = [
        f"Machine: {res['machine']}",
        "",
        "| graaf | knopen | taak | peer | mediaan (s) | factor t.o.v. gebiedsplan | max. abs. fout |",
        "| --- | ---: | --- | --- | ---: | ---: | ---: |",
    ]
    for naam, c in res["grafen"].items():
        kern = c.get("kern", {})
        pd_ = c.get("pandana", {})
        for taak, sleutel in (("dichtstbij", "dichtstbij"), ("tellen 1000 m", "tellen_1000m")):
            peers = dict(kern.get(sleutel, {}))
            basis = peers.get("gebiedsplan", {}).get("s")
            if sleutel in pd_ and basis:
                p = pd_[sleutel]
                peers["pandana (query)"] = {**p, "factor": p["s"] / basis}
                if "eind_tot_eind_s" in p:
                    peers["pandana (eind tot eind)"] = {
                        "s": p["eind_tot_eind_s"],
                        "factor": p["eind_tot_eind_s"] / basis,
                        "max_abs_fout": p["max_abs_fout"],
                    }
                else:
                    tot = p["s"] + p["opbouw_s"]
                    peers["pandana (eind tot eind)"] = {
                        "s": tot,
                        "factor": tot / basis,
                        "max_abs_fout": p["max_abs_fout"],
                    }
            for peer, v in peers.items():
                factor = v.get("factor")
                regels.append(
                    f"| {naam} | {kern.get('knopen', '')} | {taak} | {peer} | {v['s']:.4f} | "
                    f"{'' if factor is None else f'{factor:.2f}x'} | "
                    f"{v.get('max_abs_fout', '')} |"
                )
    if "arnhem" in res:
        a = res["arnhem"]
        regels += [
            "",
            f"Arnhem-formaat eind tot eind ({a['knopen']} knopen, {a['vraagpunten']} vraagpunten, "
            f"{a['categorieen']} categorieën, tellen op 500 en 1000 m, gemiddelden per buurt): "
            f"mediaan {a['mediaan_s']['totaal']:.3f} s; max. fout tegen referentie "
            f"{a['max_fout_tegen_referentie']}; aansluiten (connect_points) "
            f"{a.get('aansluiten_s', float('nan')):.3f} s, alleen snappen met GEOS' STRtree "
            f"(peer, vorige methode) {a.get('snappen_peer_geos_strtree_s', float('nan')):.3f} s, "
            f"snapafstanden gelijk: {a.get('snappen_afstand_gelijk_aan_geos')}",
        ]
    for sleutel in ("nationaal", "nationaal_landelijk"):
        if sleutel in res:
            n = res[sleutel]
            regels += [
                "",
                f"{sleutel} ({n.get('knopen')} knopen, 10 categorieën x dichtstbij + tellen op 500 "
                f"en 1000 m, voorzieningen {n.get('voorzieningen_per_categorie')}): "
                f"{n.get('totaal_s', float('nan')):.1f} s {n.get('fasen_s')}, piekgeheugen "
                f"{n.get('piekgeheugen_gb', float('nan')):.2f} GB; belasting {n.get('belasting')}",
            ]
    return "\n".join(regels) + "\n"


def machine() -> str:
    """The processor, cores, memory and Python of this machine, for the result files."""
    lscpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
    model = next((r.split(":", 1)[1].strip() for r in lscpu.splitlines() if "Model name" in r), "")
    cpus = next(
        (r.split(":", 1)[1].strip() for r in lscpu.splitlines() if r.startswith("CPU(s)")), ""
    )
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{model}, {cpus} cores, {mem:.0f} GB, {platform.system()} "
        f"Python {platform.python_version()}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--groottes", nargs="*", default=["demo", "60000", "250000", "1000000"])
    parser.add_argument("--herhalingen", type=int, default=5)
    parser.add_argument("--nationaal", action="store_true", help="ook 10M knopen (traag)")
    parser.add_argument("--zonder-networkx-boven", type=int, default=2_000_000)
    parser.add_argument(
        "--pandana-python", default=None, help="python met pandana (standaard deze)"
    )
    parser.add_argument(
        "--pandana-uitslag",
        nargs=2,
        action="append",
        default=[],
        metavar=("GRAAF", "JSON"),
        help="pandana-uitslag van een eerdere run (--case pandana) gebruiken i.p.v. opnieuw meten",
    )
    parser.add_argument("--case", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.case:
        soort, *rest = args.case
        if soort in ("kern", "arnhem", "nationaal"):
            _opwarmen()
        if soort == "kern":
            r = case_kern(rest[0], args.herhalingen, rest[1] == "1")
        elif soort == "pandana":
            r = case_pandana(rest[0], args.herhalingen)
        elif soort == "arnhem":
            r = case_arnhem(args.herhalingen)
        elif soort == "nationaal_bouw":
            r = case_nationaal_bouw(int(rest[0]), rest[1])
        else:
            r = case_nationaal(rest[0], rest[1] if len(rest) > 1 else "dichtheid")
        print(json.dumps(r))
        return

    res: dict[str, Any] = {
        "machine": machine(),
        "herhalingen": args.herhalingen,
        "grafen": {},
    }
    for naam in args.groottes:
        kern_n = 0 if naam == "demo" else int(naam)
        met_nx = "1" if kern_n <= args.zonder_networkx_boven else "0"
        print(f"{naam}: gebiedsplan, scipy, networkx ...", file=sys.stderr)
        c = {"kern": _sub(["--herhalingen", str(args.herhalingen), "--case", "kern", naam, met_nx])}
        print(f"{naam}: pandana ...", file=sys.stderr)
        eerder = dict(args.pandana_uitslag)
        if naam in eerder:
            c["pandana"] = {
                **json.loads(Path(eerder[naam]).read_text()),
                "bron": f"eerdere run: {eerder[naam]}",
            }
            res["grafen"][naam] = c
            continue
        # pandana's contraction hierarchies take minutes above 250k nodes: one repetition there
        n_pd = args.herhalingen if kern_n <= 250_000 else 1
        c["pandana"] = _sub(
            ["--herhalingen", str(n_pd), "--case", "pandana", naam],
            draden=None,
            python=args.pandana_python,
        )
        res["grafen"][naam] = c
    if "60000" in args.groottes:
        print("Arnhem-formaat eind tot eind ...", file=sys.stderr)
        res["arnhem"] = _sub(["--herhalingen", str(args.herhalingen), "--case", "arnhem"])
    if args.nationaal:
        with tempfile.TemporaryDirectory() as tmp:
            pad = str(Path(tmp) / "nationaal.npz")
            print("nationaal: graaf maken ...", file=sys.stderr)
            bouw = _sub(["--case", "nationaal_bouw", "10000000", pad])
            print("nationaal: analyse ...", file=sys.stderr)
            res["nationaal"] = {"bouw": bouw, **_sub(["--case", "nationaal", pad])}
            res["nationaal_landelijk"] = _sub(["--case", "nationaal", pad, "landelijk"])
    RESULTATEN.mkdir(exist_ok=True)
    (RESULTATEN / "bereikbaarheid.json").write_text(json.dumps(res, indent=2), encoding="utf-8")
    tabel = _tabel(res)
    (RESULTATEN / "bereikbaarheid.md").write_text(tabel, encoding="utf-8")
    print(tabel)


if __name__ == "__main__":
    main()
