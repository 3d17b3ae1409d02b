"""Start-up: ``import gebiedsplan`` in a fresh process, and what the first analysis adds in compile time.

Run::

    python benchmarks/bench_start.py                  # 15 imports per row, 3 cold/warm pairs
    python benchmarks/bench_start.py --herhalingen 31 --koud 5

What is measured, every number the median over fresh subprocesses (``OMP_NUM_THREADS=1``):

- *import*: the time of the import statement inside a fresh interpreter (``perf_counter``
  around it; the interpreter's own start is left out), side by side with the libraries it used
  to pull in at import: ``import gebiedsplan``; the same plus every public name resolved
  (``gp.__all__``: what the package imported up front before it imported lazily); the command
  line module (``gebiedsplan.cli``); ``numpy``, ``pandas``, ``geopandas``, ``folium``, ``osmnx``;
- *first analysis*: ``compute_bereikbaarheid`` on the demo gemeente (every category, nearest
  and counts within the norm), the first call and the median of three later calls in the same
  process. *Cold*: numba's cache is a new empty folder (``GEBIEDSPLAN_NUMBA_CACHE`` set to a
  temporary directory, ``NUMBA_CACHE_DIR`` unset), so the first call compiles every kernel.
  *Warm*: a second process on the same folder loads them. The added time is first call minus
  a later call; the compile time alone is the first call cold minus the first call warm (same
  folder, one pair at a time); the kernels' cache hits and misses are reported.

Results: ``benchmarks/resultaten/start.json`` and ``.md``. The test suite never times these;
``tests/test_start.py`` checks what is imported, not how fast.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HIER = Path(__file__).resolve().parent
RESULTATEN = HIER / "resultaten"

#: Rows of the import table: label -> statement timed in a fresh interpreter.
IMPORTS = {
    "import gebiedsplan": "import gebiedsplan",
    "import gebiedsplan + alle namen van gp.__all__ (zoals vroeger bij import)": (
        "import gebiedsplan as gp\nfor n in gp.__all__: getattr(gp, n)"
    ),
    "import gebiedsplan.cli (opdrachtregel)": "import gebiedsplan.cli",
    "import numpy": "import numpy",
    "import pandas": "import pandas",
    "import geopandas": "import geopandas",
    "import folium": "import folium",
    "import osmnx": "import osmnx",
}


def _env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
        env[k] = "1"
    env.update(extra)
    return env


def _import_tijd(statement: str) -> float:
    code = (
        "import time\nt0 = time.perf_counter()\n" + statement + "\nprint(time.perf_counter() - t0)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=_env(), capture_output=True, text=True, check=True
    )
    return float(out.stdout.strip().splitlines()[-1])


def case_analyse() -> dict[str, Any]:
    """In this process: the first analysis and later ones on the demo gemeente."""
    from gebiedsplan.analyse.bereikbaarheid import compute_bereikbaarheid
    from gebiedsplan.bronnen.demo import build_demo
    from gebiedsplan.catalogus import Norm
    from gebiedsplan.netwerk.graaf import compile_netwerk

    demo = build_demo()
    net = compile_netwerk(demo.netwerk)
    categorieen = sorted(demo.voorzieningen["categorie"].unique())
    normen = {c: Norm(c, 500.0, 0.9, "bench", "bench") for c in categorieen}

    def analyse() -> Any:
        return compute_bereikbaarheid(demo.vraagpunten, demo.voorzieningen, net, normen)

    t0 = time.perf_counter()
    eerste_uit = analyse()
    eerste = time.perf_counter() - t0
    later = []
    for _ in range(3):
        t0 = time.perf_counter()
        uit = analyse()
        later.append(time.perf_counter() - t0)
    assert uit.equals(eerste_uit)
    from gebiedsplan.netwerk import _kern, _snapkern

    kernels = {}
    for module, naam in (
        (_snapkern, "dichtstbij"),
        (_kern, "delta_stappen"),
        (_kern, "tel_binnen"),
        (_kern, "per_knoop"),
    ):
        stats = getattr(module, naam).stats
        kernels[naam] = {
            "cache_hits": sum(stats.cache_hits.values()),
            "cache_misses": sum(stats.cache_misses.values()),
            "cache_path": stats.cache_path,
        }
    return {
        "eerste_s": eerste,
        "later_s": statistics.median(later),
        "extra_s": eerste - statistics.median(later),
        "kernels": kernels,
        "vraagpunten": len(demo.vraagpunten),
    }


def _analyse_in(cache: str) -> dict[str, Any]:
    env = _env(GEBIEDSPLAN_NUMBA_CACHE=cache)
    env.pop("NUMBA_CACHE_DIR", None)
    out = subprocess.run(
        [sys.executable, __file__, "--case", "analyse"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        return {"fout": out.stderr[-2000:]}
    return json.loads(out.stdout.strip().splitlines()[-1])


def _tabel(res: dict[str, Any]) -> str:
    regels = [
        f"Machine: {res['machine']}; belasting (1 min) voor/na: {res['belasting']}",
        "",
        "| import in een nieuw proces | mediaan (s) | factor t.o.v. `import gebiedsplan` |",
        "| --- | ---: | ---: |",
    ]
    basis = res["import"]["import gebiedsplan"]["mediaan_s"]
    for naam, r in res["import"].items():
        regels.append(f"| `{naam}` | {r['mediaan_s']:.3f} | {r['mediaan_s'] / basis:.1f}x |")
    regels += [
        "",
        "| eerste analyse (demo, compute_bereikbaarheid) | eerste aanroep (s) | later (s) | "
        "extra bij eerste (s) | kernels uit cache / gecompileerd |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    for soort in ("koud", "warm"):
        r = res["eerste_analyse"][soort]
        if "fout" in r:
            regels.append(f"| {soort} | fout: {r['fout'][-200:]} | | | |")
            continue
        regels.append(
            f"| {soort} (mediaan van {r['n']}) | {r['eerste_s']:.3f} | {r['later_s']:.3f} | "
            f"{r['extra_s']:.3f} | {r['kernels']} |"
        )
    if "compileren_s" in res:
        regels += [
            "",
            f"Compileren (eerste aanroep koud min eerste aanroep warm, per paar, mediaan): "
            f"{res['compileren_s']:.3f} s; laden uit de cache en de rest van de eerste aanroep "
            f"(warm, eerste min later): {res['eerste_analyse']['warm']['extra_s']:.3f} s.",
        ]
    return "\n".join(regels) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--herhalingen", type=int, default=15, help="imports per rij")
    parser.add_argument("--koud", type=int, default=3, help="paren koud/warm")
    parser.add_argument("--case", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case == "analyse":
        print(json.dumps(case_analyse()))
        return

    voor = os.getloadavg()[0]
    res: dict[str, Any] = {
        "machine": f"{os.cpu_count()} cores, {platform.system()} Python "
        f"{platform.python_version()}",
        "herhalingen": args.herhalingen,
        "import": {},
        "eerste_analyse": {},
    }
    for naam, statement in IMPORTS.items():
        print(f"{naam} ...", file=sys.stderr)
        try:
            tijden = [_import_tijd(statement) for _ in range(args.herhalingen)]
        except subprocess.CalledProcessError as fout:
            res["import"][naam] = {"fout": fout.stderr[-500:], "mediaan_s": float("nan")}
            continue
        res["import"][naam] = {"mediaan_s": statistics.median(tijden), "tijden_s": tijden}
    koud: list[dict[str, Any]] = []
    warm: list[dict[str, Any]] = []
    for i in range(args.koud):
        print(f"eerste analyse, koud en warm {i + 1}/{args.koud} ...", file=sys.stderr)
        with tempfile.TemporaryDirectory(prefix="gebiedsplan-numba-") as cache:
            koud.append(_analyse_in(cache))
            warm.append(_analyse_in(cache))
    for soort, runs in (("koud", koud), ("warm", warm)):
        goed = [r for r in runs if "fout" not in r]
        if not goed:
            res["eerste_analyse"][soort] = {"fout": runs[0].get("fout")}
            continue
        res["eerste_analyse"][soort] = {
            "n": len(goed),
            **{
                k: statistics.median(r[k] for r in goed) for k in ("eerste_s", "later_s", "extra_s")
            },
            "kernels": {
                k: f"{v['cache_hits']} / {v['cache_misses']}"
                for k, v in goed[-1]["kernels"].items()
            },
            "runs": goed,
        }
    paren = [
        k["eerste_s"] - w["eerste_s"]
        for k, w in zip(koud, warm, strict=True)
        if "fout" not in k and "fout" not in w
    ]
    if paren:
        res["compileren_s"] = statistics.median(paren)
    res["belasting"] = {"voor": voor, "na_1min": os.getloadavg()[0]}
    RESULTATEN.mkdir(exist_ok=True)
    (RESULTATEN / "start.json").write_text(json.dumps(res, indent=2), encoding="utf-8")
    tabel = _tabel(res)
    (RESULTATEN / "start.md").write_text(tabel, encoding="utf-8")
    print(tabel)


if __name__ == "__main__":
    main()
