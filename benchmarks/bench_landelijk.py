"""The partitioned national run on a local Dask cluster: 1 worker against 2 (and more), same run.

Run::

    python benchmarks/bench_landelijk.py                       # 12 x 12 gemeenten, ~360k nodes
    python benchmarks/bench_landelijk.py --gemeenten 20 --herhalingen 3
    python benchmarks/bench_landelijk.py --knopen 10000000 --herhalingen 1   # national size

What is measured: ``gebiedsplan.landelijk.uitvoeren.run_landelijk`` on one synthetic country
(``gebiedsplan.landelijk.land.build_land``: gemeenten of 4 km (8 km with ``--knopen``),
streets every 80 m, 10
categories, nearest distance and counts within 500 and 1000 m, means per buurt, wijk and
gemeente), from the national arrays to the gathered national tables: the grid index, sending the
arrays to every worker once, every partition (select, compile, attach, search, aggregate) and
gathering. Building the synthetic country and writing the files are not part of it.

Peers, side by side in one run: a ``LocalCluster`` with 1 worker process and with 2 (``--workers
1 2``; one thread each, ``OMP_NUM_THREADS=1``), a fresh cluster per size whose workers are
warmed up first (imports and the numba kernels loaded from their cache); and the same run in this
process without Dask (``workers=0``) as the floor. Reported: median wall time over the
repetitions, the speed-up ``t(1 worker) / t(k workers)`` (target on a 2-core machine: at least
1.7 for 2 workers), whether every table is identical to the 1-worker run (exact equality), and
the peak memory (resident set) of every worker process, and the CPU and wall seconds summed over
the partitions (when wall exceeds CPU, something else used the cores). Results go to
``benchmarks/resultaten/landelijk.json`` and ``.md``.

The machine must be quiet: other processes on the cores make the 2-worker time meaningless.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Any

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # before numpy loads; spawned workers inherit it

import pandas as pd  # noqa: E402

HIER = Path(__file__).resolve().parent
RESULTATEN = HIER / "resultaten"
NIVEAUS = ("buurten", "wijken", "gemeenten")


def _opwarmen() -> int:
    """Import everything and load the numba kernels in this process (run on every worker)."""
    from gebiedsplan.landelijk.land import build_land
    from gebiedsplan.landelijk.uitvoeren import run_landelijk

    run_landelijk(build_land(1, 2, gemeente_m=2000, straat_m=100), workers=0)
    return os.getpid()


def _gelijk(a: Any, b: Any) -> bool:
    for niveau in NIVEAUS:
        try:
            pd.testing.assert_frame_equal(a.tabel(niveau), b.tabel(niveau), check_exact=True)
        except AssertionError:
            return False
    return True


def _meet(land: Any, workers: int, herhalingen: int) -> dict[str, Any]:
    from gebiedsplan.landelijk.uitvoeren import run_landelijk, worker_peak_mb

    tijden: list[float] = []
    uitslag = None
    if workers == 0:
        _opwarmen()
        for _ in range(herhalingen):
            gc.collect()
            t0 = time.perf_counter()
            uitslag = run_landelijk(land, workers=0)
            tijden.append(time.perf_counter() - t0)
        assert uitslag is not None
        return {
            "workers": 0,
            "tijden_s": tijden,
            "mediaan_s": statistics.median(tijden),
            "piek_mb_per_worker": uitslag.piek_mb_per_worker,
            "uitslag": uitslag,
        }
    from distributed import Client, LocalCluster

    with (
        LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        Client(cluster) as client,
    ):
        client.run(_opwarmen)
        for _ in range(herhalingen):
            gc.collect()
            t0 = time.perf_counter()
            uitslag = run_landelijk(land, client=client)
            tijden.append(time.perf_counter() - t0)
    assert uitslag is not None
    return {
        "workers": workers,
        "tijden_s": tijden,
        "mediaan_s": statistics.median(tijden),
        "piek_mb_per_worker": uitslag.piek_mb_per_worker,
        "grootste_worker_mb": worker_peak_mb(uitslag),
        "uitslag": uitslag,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gemeenten", type=int, default=12, help="gemeenten a side (default 12)")
    parser.add_argument(
        "--knopen", type=int, default=None, help="size by street nodes instead (e.g. 10000000)"
    )
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--herhalingen", type=int, default=3)
    parser.add_argument("--zonder-lokaal", action="store_true", help="skip the run without Dask")
    args = parser.parse_args(argv)

    from gebiedsplan.landelijk.land import build_land, land_size

    # national size: gemeenten of 8 km (the Dutch average is about 10 km), else 4 km
    gemeente_m = 8000.0 if args.knopen else 4000.0
    zijde = land_size(args.knopen, gemeente_m=gemeente_m) if args.knopen else args.gemeenten
    t0 = time.perf_counter()
    land = build_land(zijde, gemeente_m=gemeente_m, straat_m=80.0, seed=16)
    bouw_s = time.perf_counter() - t0
    print(
        f"land: {zijde} x {zijde} gemeenten, {land.n_knopen:,} knopen, {len(land.kant_van):,} "
        f"straten, {len(land.vraagpunten):,} adressen, {len(land.voorzieningen):,} voorzieningen "
        f"({bouw_s:.1f} s)",
        flush=True,
    )
    metingen = []
    for k in ([] if args.zonder_lokaal else [0]) + list(args.workers):
        m = _meet(land, k, args.herhalingen)
        print(
            f"  workers={k}: mediaan {m['mediaan_s']:.2f} s ({', '.join(f'{t:.2f}' for t in m['tijden_s'])})",
            flush=True,
        )
        metingen.append(m)
    basis = next((m for m in metingen if m["workers"] == min(args.workers)), metingen[0])
    regels = []
    for m in metingen:
        # CPU seconds of the partitions themselves: equal across worker counts on a quiet
        # machine; a larger wall time than CPU time per partition means the cores were shared
        m["partities_cpu_s"] = float(m["uitslag"].partities["cpu_s"].sum())
        m["partities_wand_s"] = float(m["uitslag"].partities["seconden"].sum())
        m["versnelling"] = basis["mediaan_s"] / m["mediaan_s"]
        m["identiek_aan_basis"] = _gelijk(m["uitslag"], basis["uitslag"])
        regels.append(m)
    uitslag = basis["uitslag"]
    resultaat = {
        "machine": {
            "platform": platform.platform(),
            "python": sys.version.split()[0],
            "cpus": os.cpu_count(),
        },
        "land": {
            "gemeenten": len(land.gemeenten),
            "knopen": land.n_knopen,
            "straten": len(land.kant_van),
            "adressen": len(land.vraagpunten),
            "voorzieningen": len(land.voorzieningen),
            "bouw_s": bouw_s,
            "partities": len(uitslag.partities),
            "knopen_per_partitie_mediaan": float(uitslag.partities["knopen"].median()),
            "seconden_per_partitie_mediaan": float(uitslag.partities["seconden"].median()),
        },
        "metingen": [{k: v for k, v in m.items() if k != "uitslag"} for m in regels],
    }
    RESULTATEN.mkdir(exist_ok=True)
    (RESULTATEN / "landelijk.json").write_text(json.dumps(resultaat, indent=2), encoding="utf-8")
    tabel = [
        "# Landelijke run op Dask (benchmarks/bench_landelijk.py)",
        "",
        f"{resultaat['land']['gemeenten']} gemeenten, {land.n_knopen:,} knopen, "
        f"{len(land.vraagpunten):,} adressen, 10 categorieën (dichtstbij + aantal binnen 500 en "
        f"1000 m), {len(uitslag.partities)} partities; {args.herhalingen} herhalingen, mediaan.",
        "",
        "| workers | mediaan (s) | versnelling t(basis)/t | identiek | piek per worker (MB) "
        "| partities: CPU s / wand s (laatste run) |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for m in regels:
        piek = ", ".join(f"{v:.0f}" for v in m["piek_mb_per_worker"].values())
        naam = "0 (zonder Dask)" if m["workers"] == 0 else str(m["workers"])
        tabel.append(
            f"| {naam} | {m['mediaan_s']:.2f} | {m['versnelling']:.2f} | "
            f"{'ja' if m['identiek_aan_basis'] else 'NEE'} | {piek} | "
            f"{m['partities_cpu_s']:.1f} / {m['partities_wand_s']:.1f} |"
        )
    tabel.append("")
    (RESULTATEN / "landelijk.md").write_text("\n".join(tabel), encoding="utf-8")
    print("\n".join(tabel))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
