"""Compiling a street network (node order + CSR): the compiled kernels against the numpy code they
replaced, on the same graphs, and the national run from edges to answers.

Run::

    python benchmarks/bench_compileren.py                         # 1M and 10M nodes
    python benchmarks/bench_compileren.py --groottes 1000000 --herhalingen 5
    python benchmarks/bench_compileren.py --eind-tot-eind          # plus 10M edges -> answers
    python benchmarks/bench_compileren.py --groottes --eind-tot-eind 3   # only that, median of 3

Every measurement runs in a subprocess of its own, one thread (``OMP_NUM_THREADS=1``): the graph
(``grafen.street_graph``: a seeded street-like grid whose node ids carry no spatial order) is
built once per size and kept as ``.npy`` files; each repetition loads them, loads the kernels
from numba's cache (not timed: a one-off per environment, see ``bench_start.py``), then times
``compile_arrays(xy, van, naar, lengte_m, knoop_ids=ids)``: the Hilbert order, the permutation,
the CSR with both directions and ``rek``. Peak memory is the process's ``ru_maxrss``: the graph as
input plus everything compiling holds at its peak; ``boven_invoer_gb`` is that peak less the
process's maximum before compiling.

Peers:

- *gebiedsplan*: ``gebiedsplan.netwerk.graaf.compile_arrays`` (numba kernels above
  ``NUMPY_TOT`` edges: radix-sorted Hilbert order, counting-sort CSR);
- *numpy (voor issue 16)*: the same function as it was, copied below (whole-array Hilbert passes,
  ``np.argsort``, ``np.lexsort`` over all directed edges); one repetition at 10M nodes.

Both results are hashed (every array of the Netwerk, bit for bit) and must be identical.

``--eind-tot-eind``: the issue's national synthetic run from edges to answers in one process:
build the 10M-node graph, compile it, then 10 categories x (nearest + counts at 500 and 1000 m)
+ means per 500 m cell as ``bench_bereikbaarheid.case_nationaal`` does (the network is handed
over through its ``.npz``; loading it is reported apart and not part of the total). With
``--eind-tot-eind N`` it runs N times in fresh processes and reports the median run.

Reported: medians over the repetitions of wall time and of CPU time (user + sys of the process
while compiling: on a machine shared with other work the wall time waits for a core, the CPU time
much less so), the ratio old / new, peak memory, and the load average around every run. Results go to
``benchmarks/resultaten/compileren.json`` and ``.md``.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

HIER = Path(__file__).resolve().parent
sys.path.insert(0, str(HIER))
RESULTATEN = HIER / "resultaten"
DELEN = ("xy", "van", "naar", "lengte_m", "ids")


def _peak_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6


# --------------------------------------------------------------------------- the old code


def _oud_hilbert_index(xy: np.ndarray, *, bits: int = 16) -> np.ndarray:
    xy = np.asarray(xy, dtype=float)
    if len(xy) == 0:
        return np.empty(0, dtype=np.int64)
    lo = xy.min(axis=0)
    span = max(float((xy.max(axis=0) - lo).max()), 1e-9)
    n = 1 << bits
    q = np.minimum(((xy - lo) / span * n).astype(np.int64), n - 1)
    x, y = q[:, 0].copy(), q[:, 1].copy()
    d = np.zeros(len(xy), dtype=np.int64)
    s = n >> 1
    while s > 0:
        rx = (x & s) > 0
        ry = (y & s) > 0
        d += s * s * ((3 * rx.astype(np.int64)) ^ ry.astype(np.int64))
        flip = ~ry & rx
        x = np.where(flip, (n - 1) ^ x, x)
        y = np.where(flip, (n - 1) ^ y, y)
        swap = ~ry
        x, y = np.where(swap, y, x), np.where(swap, x, y)
        s >>= 1
    return d


def _oud_csr_from_edges(a, b, w, n: int, *, dedupe: bool = True):
    from scipy.sparse import csr_array

    a = np.asarray(a, dtype=np.int64)
    b = np.asarray(b, dtype=np.int64)
    w = np.asarray(w, dtype=float)
    keep = a != b
    a, b, w = a[keep], b[keep], w[keep]
    if dedupe and len(a):
        order = np.lexsort((w, b, a))
        a, b, w = a[order], b[order], w[order]
        first = np.ones(len(a), dtype=bool)
        first[1:] = (a[1:] != a[:-1]) | (b[1:] != b[:-1])
        a, b, w = a[first], b[first], w[first]
    else:
        order = np.argsort(a, kind="stable")
        a, b, w = a[order], b[order], w[order]
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(a, minlength=n), out=indptr[1:])
    idx_dtype = np.int32 if max(n, len(a)) < 2**31 - 1 else np.int64
    return csr_array((w, b.astype(idx_dtype), indptr.astype(idx_dtype)), shape=(n, n), copy=False)


def _oud_compute_rek(xy, a, b, w) -> float:
    if len(a) == 0:
        return 1.0
    koorde = np.hypot(*(xy[a] - xy[b]).T)
    tol = 1e-6 * np.maximum(1.0, koorde)
    if np.any((w <= 0) & (koorde > tol)):
        return float("inf")
    pos = w > 0
    if not pos.any():
        return 1.0
    return max(1.0, float(np.max(koorde[pos] / w[pos])))


def compile_oud(xy, van, naar, lengte_m, *, knoop_ids=None):
    """``compile_arrays`` before issue 16 (Hilbert order, no one-way streets), as a Netwerk."""
    from gebiedsplan.netwerk.graaf import Netwerk

    xy = np.asarray(xy, dtype=float)
    n = len(xy)
    ui = np.asarray(van, dtype=np.int64)
    vi = np.asarray(naar, dtype=np.int64)
    lengte = np.asarray(lengte_m, dtype=float)
    een = np.zeros(len(ui), dtype=bool)
    ids = np.arange(n) if knoop_ids is None else np.asarray(knoop_ids)
    perm = np.argsort(_oud_hilbert_index(xy), kind="stable")
    rang = np.empty(n, dtype=np.int64)
    rang[perm] = np.arange(n)
    xy, ids = xy[perm], ids[perm]
    ur, vr = rang[ui], rang[vi]
    twee = ~een
    graaf = _oud_csr_from_edges(
        np.concatenate([ur, vr[twee]]),
        np.concatenate([vr, ur[twee]]),
        np.concatenate([lengte, lengte[twee]]),
        n,
    )
    rek = _oud_compute_rek(xy, ur, vr, lengte)
    return Netwerk(
        xy=xy,
        graaf=graaf,
        knoop_ids=ids,
        terug=None,
        kant_van=ur,
        kant_naar=vr,
        kant_lengte_m=lengte,
        kant_eenrichting=een,
        rek=rek,
    )


# --------------------------------------------------------------------------- cases


def _hash(net) -> str:
    h = hashlib.blake2b(digest_size=16)
    delen = [net.xy, net.knoop_ids, net.kant_van, net.kant_naar, net.kant_lengte_m]
    delen += [net.kant_eenrichting, net.graaf.indptr, net.graaf.indices, net.graaf.data]
    for a in delen:
        a = np.ascontiguousarray(a)
        h.update(f"{a.dtype.str}{a.shape}".encode())
        h.update(a.tobytes())
    h.update(repr(net.rek).encode())
    return h.hexdigest()


def case_bouw(n: int, map_: str) -> dict[str, Any]:
    """Build the graph once and keep its arrays for the compile cases."""
    from grafen import street_graph

    t0 = time.perf_counter()
    g = street_graph(n)
    bouw_s = time.perf_counter() - t0
    for deel in DELEN:
        np.save(Path(map_) / f"{deel}.npy", getattr(g, deel))
    return {
        "graaf_maken_s": bouw_s,
        "knopen": g.n_knopen,
        "kanten": len(g.van),
        "piekgeheugen_gb": _peak_gb(),
    }


def _warm_kernels() -> None:
    """Load (or compile) the kernels before anything is timed: force them on a small graph."""
    from gebiedsplan.netwerk import graaf

    oud = graaf.NUMPY_TOT
    graaf.NUMPY_TOT = 0
    try:
        graaf.compile_arrays(
            np.array([[0.0, 0.0], [10.0, 0.0], [10.0, 5.0]]),
            np.array([0, 1, 1]),
            np.array([1, 2, 2]),
            np.array([10.0, 5.0, 6.0]),
            eenrichting=np.array([False, True, False]),
        )
    finally:
        graaf.NUMPY_TOT = oud


def case_compileer(map_: str, peer: str) -> dict[str, Any]:
    """One repetition: load the graph, compile it with ``peer``, time and peak memory."""
    from gebiedsplan.netwerk.graaf import compile_arrays

    g = {deel: np.load(Path(map_) / f"{deel}.npy") for deel in DELEN}
    if peer == "gebiedsplan":
        _warm_kernels()
    gc.collect()
    voor = _peak_gb()
    f = compile_arrays if peer == "gebiedsplan" else compile_oud
    r0 = resource.getrusage(resource.RUSAGE_SELF)
    t0 = time.perf_counter()
    net = f(g["xy"], g["van"], g["naar"], g["lengte_m"], knoop_ids=g["ids"])
    s = time.perf_counter() - t0
    r1 = resource.getrusage(resource.RUSAGE_SELF)
    piek = _peak_gb()
    return {
        "s": s,
        "cpu_s": (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime),
        "sys_s": r1.ru_stime - r0.ru_stime,
        "piekgeheugen_gb": piek,
        "voor_compileren_gb": voor,
        "boven_invoer_gb": piek - voor,
        "hash": _hash(net),
        "nnz": int(net.graaf.nnz),
    }


def case_eind_tot_eind(n: int) -> dict[str, Any]:
    """Edges to answers in one process: build, compile, then the national analysis."""
    from bench_bereikbaarheid import _opwarmen, case_nationaal
    from grafen import street_graph

    from gebiedsplan.netwerk.graaf import compile_arrays, save_netwerk

    _opwarmen()
    _warm_kernels()
    t0 = time.perf_counter()
    g = street_graph(n)
    t1 = time.perf_counter()
    net = compile_arrays(g.xy, g.van, g.naar, g.lengte_m, knoop_ids=g.ids)
    t2 = time.perf_counter()
    piek_compileren = _peak_gb()
    del g
    with tempfile.TemporaryDirectory() as tmp:
        pad = str(Path(tmp) / "nationaal.npz")
        save_netwerk(net, pad)
        del net
        gc.collect()
        analyse = case_nationaal(pad)
    return {
        "knopen": n,
        "graaf_maken_s": t1 - t0,
        "compileren_s": t2 - t1,
        "analyse_s": analyse["totaal_s"],
        "totaal_s": (t1 - t0) + (t2 - t1) + analyse["totaal_s"],
        "laden_npz_s_niet_in_totaal": analyse["laden_s"],
        "piekgeheugen_bouw_en_compileren_gb": piek_compileren,
        "piekgeheugen_gb": _peak_gb(),
        "analyse": analyse,
    }


# --------------------------------------------------------------------------- driver


def _sub(args: list[str]) -> dict:
    env = dict(os.environ)
    for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
        env[k] = "1"
    voor = os.getloadavg()[0]
    out = subprocess.run(
        [sys.executable, __file__, "--case", *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    belasting = {"voor": voor, "na_1min": os.getloadavg()[0]}
    if out.returncode != 0:
        return {"fout": f"exit {out.returncode}: {out.stderr[-2000:]}", "belasting": belasting}
    return {**json.loads(out.stdout.strip().splitlines()[-1]), "belasting": belasting}


def _samenvatting(runs: list[dict]) -> dict[str, Any]:
    goed = [r for r in runs if "fout" not in r]
    if not goed:
        return {"fout": runs[0].get("fout") if runs else "geen runs"}
    return {
        "mediaan_s": statistics.median(r["s"] for r in goed),
        "tijden_s": [r["s"] for r in goed],
        "mediaan_cpu_s": statistics.median(r["cpu_s"] for r in goed),
        "mediaan_sys_s": statistics.median(r["sys_s"] for r in goed),
        "piekgeheugen_gb": statistics.median(r["piekgeheugen_gb"] for r in goed),
        "boven_invoer_gb": statistics.median(r["boven_invoer_gb"] for r in goed),
        "hash": goed[0]["hash"],
        "nnz": goed[0]["nnz"],
        "belasting": [r["belasting"] for r in goed],
    }


def _tabel(res: dict[str, Any]) -> str:
    regels = [
        f"Machine: {res['machine']}",
        "",
        "Compileren (Hilbert-volgorde + CSR in beide richtingen + rek), mediaan per proces:",
        "",
        "| knopen | kanten | peer | herhalingen | mediaan (s) | factor oud/nieuw | "
        "cpu (s) | waarvan sys (s) | piekgeheugen (GB) | boven invoer (GB) | identiek |",
        "| ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for _naam, c in res["grafen"].items():
        nieuw = c["gebiedsplan"]
        for peer in ("gebiedsplan", "numpy (voor issue 16)"):
            v = c.get(peer)
            if not v or "fout" in v:
                regels.append(f"| {c['bouw'].get('knopen')} | | {peer} | | fout: {v} | | | | | | |")
                continue
            factor = v["mediaan_s"] / nieuw["mediaan_s"] if "mediaan_s" in nieuw else float("nan")
            regels.append(
                f"| {c['bouw']['knopen']} | {c['bouw']['kanten']} | {peer} | "
                f"{len(v['tijden_s'])} | {v['mediaan_s']:.2f} | {factor:.1f}x | "
                f"{v['mediaan_cpu_s']:.2f} | {v['mediaan_sys_s']:.2f} | "
                f"{v['piekgeheugen_gb']:.2f} | {v['boven_invoer_gb']:.2f} | "
                f"{v['hash'] == nieuw.get('hash')} |"
            )
        regels.append(
            f"| {c['bouw']['knopen']} | | (graaf maken, grafen.street_graph) | 1 | "
            f"{c['bouw']['graaf_maken_s']:.2f} | | | | {c['bouw']['piekgeheugen_gb']:.2f} | | |"
        )
    if "eind_tot_eind" in res:
        e = res["eind_tot_eind"]
        if "fout" in e:
            regels += ["", f"Eind tot eind: fout {e['fout']}"]
        else:
            regels += [
                "",
                f"Nationaal synthetisch van kanten tot antwoorden ({e['knopen']} knopen, 10 "
                "categorieën x dichtstbij + tellen op 500 en 1000 m + gemiddelden per cel van "
                f"500 m), één proces, mediane run van {len(e.get('totalen_s', [1]))} "
                f"(totalen {[round(t, 1) for t in e.get('totalen_s', [])]} s): "
                f"{e['totaal_s']:.1f} s = graaf maken "
                f"{e['graaf_maken_s']:.1f} s + compileren {e['compileren_s']:.1f} s + analyse "
                f"{e['analyse_s']:.1f} s (npz laden {e['laden_npz_s_niet_in_totaal']:.1f} s niet "
                f"meegeteld); piekgeheugen {e['piekgeheugen_gb']:.2f} GB (bouw + compileren "
                f"{e['piekgeheugen_bouw_en_compileren_gb']:.2f} GB); fasen van de analyse "
                f"{e['analyse'].get('fasen_s')}; één categorie dichtstbij als peer: scipy "
                f"{e['analyse'].get('scipy_dichtstbij_1_categorie_s', float('nan')):.2f} s, "
                "delta-stepping over het hele net (vorige methode) "
                f"{e['analyse'].get('delta_stepping_dichtstbij_1_categorie_s', float('nan')):.2f}"
                f" s; fout dichtstbij tegen scipy "
                f"{e['analyse'].get('max_abs_fout_dichtstbij')}, tellen (steekproef) "
                f"{e['analyse'].get('max_abs_fout_tellen_steekproef_100')}; belasting "
                f"{e['belasting']}",
            ]
    return "\n".join(regels) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--groottes", nargs="*", type=int, default=[1_000_000, 10_000_000])
    parser.add_argument("--herhalingen", type=int, default=3)
    parser.add_argument(
        "--oud-herhalingen-boven",
        type=int,
        default=2_000_000,
        help="boven dit aantal knopen één herhaling van de oude code",
    )
    parser.add_argument(
        "--eind-tot-eind",
        nargs="?",
        type=int,
        const=1,
        default=0,
        metavar="N",
        help="ook 10M kanten -> antwoorden, N keer (mediaan; standaard 1)",
    )
    parser.add_argument("--case", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.case:
        soort, *rest = args.case
        if soort == "bouw":
            r = case_bouw(int(rest[0]), rest[1])
        elif soort == "compileer":
            r = case_compileer(rest[0], rest[1])
        else:
            r = case_eind_tot_eind(int(rest[0]))
        print(json.dumps(r))
        return

    from bench_bereikbaarheid import machine

    res: dict[str, Any] = {
        "machine": machine(),
        "herhalingen": args.herhalingen,
        "grafen": {},
    }
    for n in args.groottes:
        with tempfile.TemporaryDirectory() as tmp:
            print(f"{n}: graaf maken ...", file=sys.stderr)
            c: dict[str, Any] = {"bouw": _sub(["bouw", str(n), tmp])}
            print(f"{n}: gebiedsplan ...", file=sys.stderr)
            c["gebiedsplan"] = _samenvatting(
                [_sub(["compileer", tmp, "gebiedsplan"]) for _ in range(args.herhalingen)]
            )
            print(f"{n}: numpy (voor issue 16) ...", file=sys.stderr)
            n_oud = args.herhalingen if n <= args.oud_herhalingen_boven else 1
            c["numpy (voor issue 16)"] = _samenvatting(
                [_sub(["compileer", tmp, "oud"]) for _ in range(n_oud)]
            )
        res["grafen"][str(n)] = c
    if args.eind_tot_eind:
        runs = []
        for i in range(args.eind_tot_eind):
            print(f"eind tot eind, 10M knopen ({i + 1}/{args.eind_tot_eind}) ...", file=sys.stderr)
            runs.append(_sub(["eind_tot_eind", "10000000"]))
        goed = sorted((r for r in runs if "fout" not in r), key=lambda r: r["totaal_s"])
        # the median run (its phases belong together), plus every total
        res["eind_tot_eind"] = {
            **(goed[(len(goed) - 1) // 2] if goed else runs[0]),
            "totalen_s": [r["totaal_s"] for r in goed],
        }
    RESULTATEN.mkdir(exist_ok=True)
    (RESULTATEN / "compileren.json").write_text(json.dumps(res, indent=2), encoding="utf-8")
    tabel = _tabel(res)
    (RESULTATEN / "compileren.md").write_text(tabel, encoding="utf-8")
    print(tabel)


if __name__ == "__main__":
    main()
