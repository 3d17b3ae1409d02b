"""Start-up: ``import gebiedsplan`` in a fresh process, and what the first analysis adds in compile time.

Run::

    python benchmarks/bench_start.py                  # 15 imports per row, 3 cold/warm rounds
    python benchmarks/bench_start.py --herhalingen 31 --koud 5
    python benchmarks/bench_start.py --alleen-analyse --koud 3   # without the import table

What is measured, every number the median over fresh subprocesses (``OMP_NUM_THREADS=1``):

- *import*: the time of the import statement inside a fresh interpreter (``perf_counter``
  around it; the interpreter's own start is left out), side by side with the libraries it used
  to pull in at import: ``import gebiedsplan``; the same plus every public name resolved
  (``gp.__all__``: what the package imported up front before it imported lazily); the command
  line module (``gebiedsplan.cli``); ``numpy``, ``pandas``, ``geopandas``, ``folium``, ``osmnx``;
- *first analysis*, three workloads, each in fresh subprocesses: ``compute_bereikbaarheid`` on
  the demo gemeente (every category, nearest and counts within the norm); an Arnhem-sized one
  (a synthetic street grid of 60,000 nodes compiled with ``compile_arrays``, 75,000 demand
  points, 598 facilities in 10 categories: connect, nearest, counts within 500 and 1,000 m, means
  per buurt); and the command ``gebiedsplan analyse`` on the demo's layer store (the whole
  command, wall time). The first run and the median of later runs in the same process; the
  added time is first minus later.
  *Cold*: numba's cache is a new empty folder (``GEBIEDSPLAN_NUMBA_CACHE`` set to a temporary
  directory, ``NUMBA_CACHE_DIR`` unset). *Cold, JIT* (``GEBIEDSPLAN_KERNELS=jit``): numba
  compiles every kernel; *warm, JIT*: a second process on the same folder loads them; *cold,
  AOT* (``GEBIEDSPLAN_KERNELS=aot``): the kernels compiled ahead of time at install
  (:mod:`gebiedsplan.netwerk._aot`), numba's cache empty and unused. The compile time alone is
  the first run cold minus the first run warm (JIT, same folder, one pair at a time); the
  kernels' numba cache hits and misses are reported (an AOT run has none);
- *kernel speed, AOT against JIT*: every kernel call of the Arnhem-sized workload is recorded,
  then each is run by the module compiled ahead of time (generic CPU of the architecture) and by
  numba's JIT (this machine's CPU), alternately, ``--herhalingen`` times; medians and the ratio.

The AOT rows need the module: ``pip install -e .`` builds it (``hatch_build.py``). Without it
they report an error and the JIT rows still run.

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


def _kernel_stats() -> dict[str, dict[str, Any]]:
    """numba's cache hits and misses of every kernel (none for kernels run ahead of time)."""
    import importlib

    from gebiedsplan.netwerk import _aot

    uit = {}
    for kernel in _aot.KERNELS:
        stats = getattr(
            importlib.import_module(f"gebiedsplan.netwerk.{kernel.module}"), kernel.naam
        ).stats
        uit[kernel.naam] = {
            "cache_hits": sum(stats.cache_hits.values()),
            "cache_misses": sum(stats.cache_misses.values()),
        }
    return uit


def _eerste_en_later(werk: Any, later: int = 3) -> dict[str, Any]:
    t0 = time.perf_counter()
    eerste_uit = werk()
    eerste = time.perf_counter() - t0
    tijden = []
    for _ in range(later):
        t0 = time.perf_counter()
        uit = werk()
        tijden.append(time.perf_counter() - t0)
    if hasattr(uit, "equals"):
        assert uit.equals(eerste_uit)
    from gebiedsplan.netwerk import _kernels

    return {
        "eerste_s": eerste,
        "later_s": statistics.median(tijden),
        "extra_s": eerste - statistics.median(tijden),
        "aot_module": _kernels.aot_module() is not None,
        "kernels": _kernel_stats(),
    }


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

    return {**_eerste_en_later(analyse), "vraagpunten": len(demo.vraagpunten)}


def _arnhem_invoer() -> tuple[Any, ...]:
    """The Arnhem-sized synthetic gemeente of ``bench_bereikbaarheid.case_arnhem``."""
    import geopandas as gpd
    import numpy as np
    import pandas as pd
    import shapely
    from grafen import street_graph

    from gebiedsplan.catalogus import Norm

    g = street_graph(60_000)
    rng = np.random.default_rng(7)
    lo, hi = g.xy.min(axis=0), g.xy.max(axis=0)
    p = 75_000
    pxy = rng.uniform(lo, hi, (p, 2))
    buurt = (np.floor((pxy - lo) / 1000).astype(int) @ np.array([1, 100])).astype(str)
    vraag = gpd.GeoDataFrame(
        {"inwoners": rng.integers(1, 6, p), "buurtcode": np.char.add("BU", buurt)},
        geometry=shapely.points(pxy),
        crs="EPSG:28992",
        index=pd.Index([f"p{i}" for i in range(p)], name="id"),
    )
    aantallen = {"ontmoeting": 60, "welzijn": 20, "huisarts": 60, "jeugd_en_gezin": 10}
    aantallen |= {"basisschool": 50, "kinderopvang": 90, "sport": 60, "speelplek": 250}
    aantallen |= {"bibliotheek": 8, "groen": 80}
    cats = np.repeat(list(aantallen), list(aantallen.values()))
    vz = gpd.GeoDataFrame(
        {"categorie": cats, "naam": "v"},
        geometry=shapely.points(rng.uniform(lo, hi, (len(cats), 2))),
        crs="EPSG:28992",
        index=pd.Index([f"v{i}" for i in range(len(cats))], name="id"),
    )
    normen = {c: Norm(c, 1000.0, 0.9, "bench", "bench") for c in aantallen}
    return g, vraag, vz, normen


def _arnhem_werk() -> Any:
    from gebiedsplan.analyse.bereikbaarheid import (
        aggregate_bereikbaarheid,
        compute_bereikbaarheid,
    )
    from gebiedsplan.netwerk.aansluiten import with_segments
    from gebiedsplan.netwerk.graaf import compile_arrays

    g, vraag, vz, normen = _arnhem_invoer()

    def werk() -> Any:
        net = with_segments(compile_arrays(g.xy, g.van, g.naar, g.lengte_m, knoop_ids=g.ids))
        bereik = compute_bereikbaarheid(vraag, vz, net, normen, stralen_m=[500, 1000])
        return aggregate_bereikbaarheid(bereik, vraag, groep="buurtcode")

    return werk


def case_arnhem() -> dict[str, Any]:
    """In this process: compile, connect, nearest, counts and means, Arnhem-sized."""
    return _eerste_en_later(_arnhem_werk(), later=2)


def _opnemer(kernel: Any, functie: Any, oproepen: list[Any]) -> Any:
    def opnemen(*args: Any) -> Any:
        oproepen.append((kernel, tuple(a.copy() if hasattr(a, "copy") else a for a in args)))
        return functie(*args)

    return opnemen


def case_snelheid(herhalingen: int) -> dict[str, Any]:
    """Every kernel call of the Arnhem-sized workload, AOT against JIT, alternately."""
    import importlib

    import numpy as np

    from gebiedsplan.netwerk import _aot, _kernels

    module = _kernels.aot_module()
    if module is None:
        return {"fout": "geen vooraf gecompileerde kernels (pip install -e . bouwt ze)"}
    # record the calls at the kernels' own modules, whoever calls them
    oproepen: list[tuple[Any, tuple[Any, ...]]] = []
    origineel = {}
    for kernel in _aot.KERNELS:
        mod = importlib.import_module(f"gebiedsplan.netwerk.{kernel.module}")
        origineel[kernel] = (mod, getattr(mod, kernel.naam))
        setattr(mod, kernel.naam, _opnemer(kernel, getattr(mod, kernel.naam), oproepen))
    werk = _arnhem_werk()
    os.environ["GEBIEDSPLAN_KERNELS"] = "jit"  # recorded where they are: at the JIT functions
    werk()
    for kernel, (mod, functie) in origineel.items():
        setattr(mod, kernel.naam, functie)

    def kopie(args: tuple[Any, ...]) -> tuple[Any, ...]:
        return tuple(a.copy() if isinstance(a, np.ndarray) else a for a in args)

    per_kernel: dict[str, dict[str, list[float]]] = {}
    for kernel, args in oproepen:
        jit = origineel[kernel][1]
        aot = getattr(_kernels, kernel.naam).aot(args, module)
        if aot is None:
            continue  # a call with types outside the table (none expected)
        jit(*kopie(args))  # compiled (or loaded) before it is timed
        tijden = per_kernel.setdefault(kernel.naam, {"aot": [], "jit": []})
        for _ in range(herhalingen):
            for soort, f in (("aot", aot), ("jit", jit)):
                a = kopie(args)
                t0 = time.perf_counter()
                f(*a)
                tijden[soort].append(time.perf_counter() - t0)
    uit = {}
    for naam, t in per_kernel.items():
        n = len(t["aot"]) // herhalingen
        # per call: the median over repetitions of the kernel's calls summed per repetition
        som_aot = [sum(t["aot"][i::herhalingen]) for i in range(herhalingen)]
        som_jit = [sum(t["jit"][i::herhalingen]) for i in range(herhalingen)]
        uit[naam] = {
            "aanroepen": n,
            "aot_s": statistics.median(som_aot),
            "jit_s": statistics.median(som_jit),
            "aot_per_jit": statistics.median(som_aot) / statistics.median(som_jit),
        }
    return {"kernels": uit, "herhalingen": herhalingen}


def _in(cache: str, case: str, modus: str, extra: list[str] | None = None) -> dict[str, Any]:
    env = _env(GEBIEDSPLAN_NUMBA_CACHE=cache, GEBIEDSPLAN_KERNELS=modus)
    env.pop("NUMBA_CACHE_DIR", None)
    out = subprocess.run(
        [sys.executable, __file__, "--case", case, *(extra or [])],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        cwd=HIER,
    )
    if out.returncode != 0:
        return {"fout": out.stderr[-2000:]}
    return json.loads(out.stdout.strip().splitlines()[-1])


def _cli_in(cache: str, modus: str, opslag: Path) -> dict[str, Any]:
    """``gebiedsplan analyse`` on the demo's store: the whole command, wall time."""
    env = _env(GEBIEDSPLAN_NUMBA_CACHE=cache, GEBIEDSPLAN_KERNELS=modus)
    env.pop("NUMBA_CACHE_DIR", None)
    gpkg = next(opslag.glob("GM9999*.gpkg"))
    opdracht = [
        sys.executable,
        "-c",
        "import sys\nfrom gebiedsplan.cli import main\nsys.argv[0] = 'gebiedsplan'\nmain()",
        "analyse",
        "demo",
        "--opslag",
        str(gpkg),
        "--uitvoer",
        str(opslag / "uitvoer"),
        "--kaarten",
        str(opslag / "kaarten"),
    ]
    t0 = time.perf_counter()
    out = subprocess.run(opdracht, env=env, capture_output=True, text=True, check=False)
    duur = time.perf_counter() - t0
    if out.returncode != 0:
        return {"fout": (out.stdout + out.stderr)[-2000:]}
    return {"eerste_s": duur}


#: The first-analysis workloads: label -> case.
WERK = {
    "demo, compute_bereikbaarheid": "analyse",
    "Arnhem-formaat: compileren, aansluiten, dichtstbij, tellen, per buurt": "arnhem",
    "opdracht `gebiedsplan analyse demo` (hele opdracht, kloktijd)": "cli",
}
SOORTEN = ("koud_jit", "warm_jit", "koud_aot")


def _samenvatting(runs: list[dict[str, Any]]) -> dict[str, Any]:
    goed = [r for r in runs if "fout" not in r]
    if not goed:
        return {"fout": runs[0].get("fout") if runs else "niet gedraaid"}
    uit: dict[str, Any] = {"n": len(goed), "runs": goed}
    for k in ("eerste_s", "later_s", "extra_s"):
        if k in goed[0]:
            uit[k] = statistics.median(r[k] for r in goed)
    if "kernels" in goed[-1]:
        uit["gecompileerd"] = sorted(k for k, v in goed[-1]["kernels"].items() if v["cache_misses"])
        uit["uit_cache"] = sorted(k for k, v in goed[-1]["kernels"].items() if v["cache_hits"])
    return uit


def _tabel(res: dict[str, Any]) -> str:
    regels = [f"Machine: {res['machine']}; belasting (1 min) voor/na: {res['belasting']}", ""]
    if res["import"]:
        regels += [
            "| import in een nieuw proces | mediaan (s) | factor t.o.v. `import gebiedsplan` |",
            "| --- | ---: | ---: |",
        ]
        basis = res["import"]["import gebiedsplan"]["mediaan_s"]
        for naam, r in res["import"].items():
            regels.append(f"| `{naam}` | {r['mediaan_s']:.3f} | {r['mediaan_s'] / basis:.1f}x |")
        regels.append("")
    regels += [
        "Eerste analyse in een nieuw proces. Koud: lege numba-cache. JIT: numba compileert de "
        "kernels (`GEBIEDSPLAN_KERNELS=jit`); AOT: de bij installatie vooraf gecompileerde "
        "kernels (`GEBIEDSPLAN_KERNELS=aot`).",
        "",
        "| werk | soort | eerste (s) | later (s) | extra bij eerste (s) | numba compileerde | "
        "numba laadde uit cache |",
        "| --- | --- | ---: | ---: | ---: | --- | --- |",
    ]
    for label, case in WERK.items():
        for soort in SOORTEN:
            r = res["eerste_analyse"].get(case, {}).get(soort)
            if r is None:
                continue
            if "fout" in r:
                regels.append(f"| {label} | {soort} | fout: {str(r['fout'])[-160:]!r} | | | | |")
                continue
            later = f"{r['later_s']:.3f}" if "later_s" in r else ""
            extra = f"{r['extra_s']:.3f}" if "extra_s" in r else ""
            regels.append(
                f"| {label} | {soort} (mediaan van {r['n']}) | {r['eerste_s']:.3f} | {later} | "
                f"{extra} | {', '.join(r.get('gecompileerd', [])) or '-'} | "
                f"{', '.join(r.get('uit_cache', [])) or '-'} |"
            )
    if res.get("compileren_s"):
        regels += ["", "Compileren (JIT, eerste koud min eerste warm, per paar, mediaan):"]
        regels += [f"- {WERK_LABEL[c]}: {t:.3f} s" for c, t in res["compileren_s"].items()]
        regels += ["", "Eerste koud met AOT min eerste warm met JIT (per ronde, mediaan):"]
        regels += [f"- {WERK_LABEL[c]}: {t:+.3f} s" for c, t in res["aot_min_warm_s"].items()]
    sn = res.get("snelheid")
    if sn:
        regels += [
            "",
            "Snelheid van de kernels (Arnhem-formaat, alle aanroepen van een analyse):",
            "",
        ]
        if "fout" in sn:
            regels.append(f"fout: {sn['fout']}")
        else:
            regels += [
                "| kernel | aanroepen | AOT (s) | JIT (s) | AOT / JIT |",
                "| --- | ---: | ---: | ---: | ---: |",
            ]
            for naam, r in sn["kernels"].items():
                regels.append(
                    f"| `{naam}` | {r['aanroepen']} | {r['aot_s']:.4f} | {r['jit_s']:.4f} | "
                    f"{r['aot_per_jit']:.2f} |"
                )
    return "\n".join(regels) + "\n"


WERK_LABEL = {v: k for k, v in WERK.items()}


def _demo_opslag(map_: Path) -> Path:
    """The demo's layer store for ``gebiedsplan analyse`` (made once, its own numba cache)."""
    env = _env(GEBIEDSPLAN_NUMBA_CACHE=str(map_ / "numba"))
    code = "import sys\nfrom gebiedsplan.cli import main\nsys.argv[0] = 'gebiedsplan'\nmain()"
    subprocess.run(
        [sys.executable, "-c", code, "demo", "--opslag", str(map_), "--uitvoer"]
        + [str(map_ / "uitvoer"), "--kaarten", str(map_ / "kaarten")],
        env=env,
        capture_output=True,
        check=True,
    )
    return map_


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--herhalingen", type=int, default=15, help="imports per rij")
    parser.add_argument("--koud", type=int, default=3, help="rondes koud/warm/AOT")
    parser.add_argument("--alleen-analyse", action="store_true", help="zonder de imports")
    parser.add_argument("--case", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case in ("analyse", "arnhem"):
        print(json.dumps(case_analyse() if args.case == "analyse" else case_arnhem()))
        return
    if args.case == "snelheid":
        print(json.dumps(case_snelheid(args.herhalingen)))
        return

    voor = os.getloadavg()[0]
    res: dict[str, Any] = {
        "machine": f"{os.cpu_count()} cores, {platform.system()} Python "
        f"{platform.python_version()}",
        "herhalingen": args.herhalingen,
        "import": {},
        "eerste_analyse": {},
    }
    for naam, statement in {} if args.alleen_analyse else IMPORTS.items():
        print(f"{naam} ...", file=sys.stderr)
        try:
            tijden = [_import_tijd(statement) for _ in range(args.herhalingen)]
        except subprocess.CalledProcessError as fout:
            res["import"][naam] = {"fout": fout.stderr[-500:], "mediaan_s": float("nan")}
            continue
        res["import"][naam] = {"mediaan_s": statistics.median(tijden), "tijden_s": tijden}
    runs: dict[str, dict[str, list[dict[str, Any]]]] = {
        c: {s: [] for s in SOORTEN} for c in WERK.values()
    }
    with tempfile.TemporaryDirectory(prefix="gebiedsplan-demo-") as demo_map:
        opslag = _demo_opslag(Path(demo_map))
        for i in range(args.koud):
            for case in WERK.values():
                print(f"eerste analyse {case}, ronde {i + 1}/{args.koud} ...", file=sys.stderr)
                with tempfile.TemporaryDirectory(prefix="gebiedsplan-numba-") as cache:
                    for soort in ("koud_jit", "warm_jit"):
                        r = (
                            _cli_in(cache, "jit", opslag)
                            if case == "cli"
                            else _in(cache, case, "jit")
                        )
                        runs[case][soort].append(r)
                with tempfile.TemporaryDirectory(prefix="gebiedsplan-numba-") as cache:
                    r = _cli_in(cache, "aot", opslag) if case == "cli" else _in(cache, case, "aot")
                    runs[case]["koud_aot"].append(r)
    res["compileren_s"] = {}
    res["aot_min_warm_s"] = {}
    for case in WERK.values():
        res["eerste_analyse"][case] = {s: _samenvatting(runs[case][s]) for s in SOORTEN}
        for sleutel, a, b in (
            ("compileren_s", "koud_jit", "warm_jit"),
            ("aot_min_warm_s", "koud_aot", "warm_jit"),
        ):
            paren = [
                x["eerste_s"] - y["eerste_s"]
                for x, y in zip(runs[case][a], runs[case][b], strict=True)
                if "fout" not in x and "fout" not in y
            ]
            if paren:
                res[sleutel][case] = statistics.median(paren)
    print("snelheid AOT tegen JIT ...", file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="gebiedsplan-numba-") as cache:
        res["snelheid"] = _in(
            cache, "snelheid", "auto", ["--herhalingen", str(max(3, args.herhalingen // 3))]
        )
    res["belasting"] = {"voor": voor, "na_1min": os.getloadavg()[0]}
    RESULTATEN.mkdir(exist_ok=True)
    (RESULTATEN / "start.json").write_text(json.dumps(res, indent=2), encoding="utf-8")
    tabel = _tabel(res)
    (RESULTATEN / "start.md").write_text(tabel, encoding="utf-8")
    print(tabel)


if __name__ == "__main__":
    main()
