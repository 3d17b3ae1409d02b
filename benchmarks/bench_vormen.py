"""Curved streets in a national run: streets with their shape points against every shape point a
node, same country, same run.

Run::

    python benchmarks/bench_vormen.py                         # 6 x 6 gemeenten, ~90k crossings
    python benchmarks/bench_vormen.py --gemeenten 12 --herhalingen 3
    python benchmarks/bench_vormen.py --arnhem /work/shared/data/arnhem   # plus the real roads

What is measured: ``gebiedsplan.landelijk.uitvoeren.run_landelijk`` (in this process,
``workers=0``: the partitions one after the other; all 10 categories, counts within 500 and
1000 m) on one synthetic country whose streets bend
(``gebiedsplan.landelijk.land.build_land(..., bochten=True)``: every street one shape point, its
line as long as the street), in three forms:

- ``kruisingen (vormen)``: nodes at the crossings, every street with its shape points; residents
  snap onto the curved lines (the default of a land from real files);
- ``vormpunten (knopen)``: every shape point a node of its own
  (:func:`gebiedsplan.landelijk.land.vormpunten_als_knopen`, as ``knopen="vormpunten"``): the
  peer, the same answers on a larger graph;
- ``koorden``: the crossings only, streets as the straight line between them (what
  ``kruisingen`` was before streets kept their shape): the floor, not exact; reported with the
  share of residents whose snap differs.

Per form: nodes, streets, shape points, the memory of the ``Land`` (``Land.nbytes``), of the
national arrays sent to every worker (``Verdeling.nbytes``) and of the pickled ``Land``; the
median wall time of the run over the repetitions and its ratio to ``vormpunten``; whether the
tables equal those of ``kruisingen`` (rtol 1e-9). Building the country is not timed. With
``--arnhem`` the real Arnhem road file (``osm_geofabrik2018_arnhem_noord_centrum.gpkg`` with
its boundaries and POI file) is measured the same way (``kruisingen`` and ``vormpunten`` as read
from the file). Results go to ``benchmarks/resultaten/vormen.json`` and ``.md``.

The machine must be quiet: the times of the forms are compared with each other.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import platform
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

HIER = Path(__file__).resolve().parent
RESULTATEN = HIER / "resultaten"


def _meet(naam: str, land: Any, inst: Any, herhalingen: int) -> dict[str, Any]:
    from gebiedsplan.landelijk.partities import build_verdeling
    from gebiedsplan.landelijk.uitvoeren import run_landelijk

    tijden, uitslag = [], None
    for _ in range(herhalingen):
        t0 = time.perf_counter()
        uitslag = run_landelijk(land, instellingen=inst, workers=0)
        tijden.append(time.perf_counter() - t0)
    assert uitslag is not None
    return {
        "vorm": naam,
        "knopen": land.n_knopen,
        "straten": len(land.kant_van),
        "vormpunten": land.n_vormpunten,
        "land_mb": land.nbytes / 1e6,
        "verdeling_mb": build_verdeling(land).nbytes / 1e6,
        "pickle_mb": len(pickle.dumps(land, protocol=pickle.HIGHEST_PROTOCOL)) / 1e6,
        "tijden_s": tijden,
        "mediaan_s": statistics.median(tijden),
        "uitslag": uitslag,
    }


def _vergelijk(rijen: list[dict[str, Any]], geval: str) -> None:
    """Ratios to vormpunten, equality to kruisingen, snaps that differ from kruisingen."""
    ref = next(r for r in rijen if r["vorm"].startswith("kruisingen"))["uitslag"]
    peer = next(r for r in rijen if r["vorm"].startswith("vormpunten"))
    for r in rijen:
        r["geval"] = geval
        r["verhouding_vormpunten"] = peer["mediaan_s"] / r["mediaan_s"]
        u = r["uitslag"]
        try:
            pd.testing.assert_frame_equal(u.buurten, ref.buurten, rtol=1e-9, check_dtype=False)
            r["gelijk_aan_kruisingen"] = True
        except AssertionError:
            r["gelijk_aan_kruisingen"] = False
        if u.vraagpunten is not None and ref.vraagpunten is not None:
            a = u.vraagpunten["snap_afstand_m"].to_numpy(dtype=float)
            b = ref.vraagpunten["snap_afstand_m"].to_numpy(dtype=float)
            r["aandeel_andere_snap"] = float(np.mean(~np.isclose(a, b, rtol=1e-9, atol=1e-6)))
        print(
            f"  {geval:<10} {r['vorm']:<22} {r['mediaan_s']:8.2f} s  x{r['verhouding_vormpunten']:.2f}"
            f"  {r['knopen']:>9} knopen {r['straten']:>9} straten {r['vormpunten']:>9} vormpunten"
            f"  land {r['land_mb']:.1f} MB, verdeling {r['verdeling_mb']:.1f} MB"
            f"  gelijk: {r['gelijk_aan_kruisingen']}",
            flush=True,
        )


def _arnhem(map_: Path) -> tuple[Any, Any]:
    from gebiedsplan.landelijk.invoer import LandBestanden, build_land_uit_bestanden

    b = LandBestanden(
        wegen=map_ / "osm_geofabrik2018_arnhem_noord_centrum.gpkg",
        grenzen=(
            map_ / "arnhem_wijken_2024_generalised.gpkg",
            map_ / "arnhem_buurten_2022_generalised.gpkg",
        ),
        kerncijfers=(map_ / "cbs_kwb2024_arnhem_buurten_basis.csv",),
        voorzieningen=(map_ / "osm_poi_arnhem_jetlag_2025.geojson",),
    )
    return (
        build_land_uit_bestanden(b, gemeenten=["GM0202"]),
        build_land_uit_bestanden(b, gemeenten=["GM0202"], knopen="vormpunten"),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gemeenten", type=int, default=6, help="gemeenten a side (default 6)")
    parser.add_argument("--herhalingen", type=int, default=3)
    parser.add_argument("--arnhem", type=Path, default=None, help="folder of the Arnhem files")
    args = parser.parse_args(argv)

    from gebiedsplan.landelijk.land import build_land, vormpunten_als_knopen
    from gebiedsplan.landelijk.uitvoeren import instellingen_voor, run_landelijk

    inst = instellingen_voor(per_vraagpunt=True)
    run_landelijk(build_land(1, 2, gemeente_m=2000, straat_m=100), instellingen=inst, workers=0)
    land = build_land(args.gemeenten, gemeente_m=4000.0, straat_m=80.0, seed=16, bochten=True)
    vormen = {
        "kruisingen (vormen)": land,
        "vormpunten (knopen)": vormpunten_als_knopen(land),
        "koorden": replace(land, kant_vorm_ptr=None, kant_vorm_xy=None),
    }
    rijen: list[dict[str, Any]] = []
    synth = [_meet(naam, ld, inst, args.herhalingen) for naam, ld in vormen.items()]
    _vergelijk(synth, "synthetisch")
    rijen += synth
    if args.arnhem is not None:
        kruis, vol = _arnhem(args.arnhem)
        ah_inst = instellingen_voor(
            categorieen=sorted(
                set(kruis.voorzieningen["categorie"].astype(str)) & set(inst.normen)
            ),
            per_vraagpunt=True,
        )
        echt = [
            _meet("kruisingen (vormen)", kruis, ah_inst, args.herhalingen),
            _meet("vormpunten (knopen)", vol, ah_inst, args.herhalingen),
        ]
        _vergelijk(echt, "arnhem")
        rijen += echt

    meta = {
        "datum": time.strftime("%Y-%m-%d %H:%M"),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "herhalingen": args.herhalingen,
        "gemeenten": args.gemeenten**2,
    }
    schoon = [{k: v for k, v in r.items() if k != "uitslag"} for r in rijen]
    RESULTATEN.mkdir(exist_ok=True)
    (RESULTATEN / "vormen.json").write_text(
        json.dumps({"meta": meta, "rijen": schoon}, indent=2), encoding="utf-8"
    )
    regels = [
        "# Kromme straten in een landelijke run: vormpunten bij de straat of als knoop",
        "",
        f"{meta['datum']}, Python {meta['python']}, {meta['cpus']} cpu's; synthetisch land van "
        f"{meta['gemeenten']} gemeenten met bochten; run zonder Dask (workers=0), mediaan van "
        f"{args.herhalingen}. x = t(vormpunten) / t.",
        "",
        "| geval | vorm | knopen | straten | vormpunten | Land MB | Verdeling MB | pickle MB "
        "| mediaan s | x | tabellen = kruisingen | andere snap |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|",
    ]
    for r in schoon:
        regels.append(
            f"| {r['geval']} | {r['vorm']} | {r['knopen']} | {r['straten']} | {r['vormpunten']} | "
            f"{r['land_mb']:.1f} | {r['verdeling_mb']:.1f} | {r['pickle_mb']:.1f} | "
            f"{r['mediaan_s']:.2f} | {r['verhouding_vormpunten']:.2f} | "
            f"{'ja' if r['gelijk_aan_kruisingen'] else 'nee'} | "
            f"{100 * r.get('aandeel_andere_snap', float('nan')):.1f}% |"
        )
    (RESULTATEN / "vormen.md").write_text("\n".join(regels) + "\n", encoding="utf-8")
    print("\n".join(regels))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
