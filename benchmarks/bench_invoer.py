"""Streets from an OSM file: the streamed reader of a national run against the osmnx path.

Run::

    python benchmarks/bench_invoer.py                          # 20k and 200k ways
    python benchmarks/bench_invoer.py --wegen 20000 200000 2000000 --herhalingen 3

What is measured: reading the walking streets of one synthetic ``.osm.pbf`` (a square town:
every block side one way with three shape points, 10% footways, 2% motorways that walking
leaves out) into arrays, from the file to node coordinates in EPSG:28992 and street lengths, and
the size of what is read: nodes, streets (edges), shape points kept beside them, and the MB of
the arrays (``knopen="kruisingen"``: nodes at crossings, streets with their shape points;
``"vormpunten"``: every shape point a node):

- ``gestroomd (vormpunten)`` and ``gestroomd (kruisingen)``:
  :func:`gebiedsplan.landelijk.invoer.read_straten`, two pyosmium passes, numpy arrays;
- ``osmnx (read_netwerk)``: :func:`gebiedsplan.bronnen.osm.netwerk.read_netwerk`, the gemeente
  path (pyosmium -> OSM XML -> ``osmnx.graph_from_xml`` -> simplified graph -> layer), the peer;
  only up to ``--osmnx-tot`` ways (it needs minutes and GBs beyond).

Every reader runs in a fresh process (``python -c``), so its peak memory (resident set,
``ru_maxrss``) is its own; reported per size: median wall seconds, ways per second, peak MB,
the ratio to the osmnx time (imports not timed), and whether the streamed crossings network has the same total
length as the osmnx one (to 1e-6 m). Writing the test file is not timed. Results go to
``benchmarks/resultaten/invoer.json`` and ``.md``.

The machine must be quiet; for the Netherlands (about 2.5 million walkable ways) expect the
streamed reader to take the time of 2.5M / (ways per second) and a few GB.
"""

from __future__ import annotations

import argparse
import json
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

#: What a streamed read reports besides its length and nodes: streets, shape points and the
#: bytes of its arrays (what a Land of these streets holds for them).
_STRATEN = (
    "; lengte = s.kant_lengte_m.sum(); n = len(s.knoop_xy); m = len(s.kant_van); "
    "v = 0 if s.kant_vorm_xy is None else len(s.kant_vorm_xy); "
    "mb = sum(a.nbytes for a in vars(s).values() if hasattr(a, 'nbytes')) / 1e6"
)
#: Per reader: the import (not timed: every process pays it once) and the timed read.
LEZERS = {
    "gestroomd (vormpunten)": (
        "from gebiedsplan.landelijk.invoer import read_straten as r",
        "s = r({pad!r}, knopen='vormpunten')" + _STRATEN,
    ),
    "gestroomd (kruisingen)": (
        "from gebiedsplan.landelijk.invoer import read_straten as r",
        "s = r({pad!r}, knopen='kruisingen')" + _STRATEN,
    ),
    "osmnx (read_netwerk)": (
        "import shapely; from gebiedsplan.bronnen.osm.netwerk import read_netwerk as r",
        "d = r({pad!r}, grootste_component=False).data; lengte = d['lengte_m'].sum(); "
        "n = len(set(d['van_knoop']) | set(d['naar_knoop'])); m = len(d); "
        "v = int(shapely.get_num_coordinates(d.geometry.to_numpy()).sum()) - 2 * m; mb = float('nan')",
    ),
}


def write_stad(pad: Path, n_wegen: int) -> int:
    """A square town of about ``n_wegen`` ways (block sides, 100 m, three shape points each)."""
    import numpy as np
    import osmium
    from pyproj import Transformer

    zijde = max(2, int(round((n_wegen / 2) ** 0.5)) + 1)
    t = Transformer.from_crs("EPSG:28992", "EPSG:4326", always_xy=True)
    rng = np.random.default_rng(0)
    ry, rx = np.divmod(np.arange(zijde * zijde), zijde)
    lon, lat = t.transform(100_000 + 100.0 * rx, 400_000 + 100.0 * ry)
    volgende = zijde * zijde + 1
    n = 0
    with osmium.SimpleWriter(str(pad)) as w:
        for i in range(zijde * zijde):
            w.add_node(osmium.osm.mutable.Node(id=i + 1, location=(lon[i], lat[i]), version=1))
        ways = []
        for i in range(zijde * zijde):
            r, k = divmod(i, zijde)
            for j in ([i + 1] if k + 1 < zijde else []) + ([i + zijde] if r + 1 < zijde else []):
                a, b = (rx[i], ry[i]), (rx[j], ry[j])
                tussen = []
                for f in (0.25, 0.5, 0.75):
                    x = 100_000 + 100.0 * (a[0] + f * (b[0] - a[0])) + rng.uniform(-5, 5)
                    y = 400_000 + 100.0 * (a[1] + f * (b[1] - a[1])) + rng.uniform(-5, 5)
                    lo, la = t.transform(x, y)
                    w.add_node(osmium.osm.mutable.Node(id=volgende, location=(lo, la), version=1))
                    tussen.append(volgende)
                    volgende += 1
                ways.append([i + 1, *tussen, j + 1])
        soort = rng.random(len(ways))
        for nr, refs in enumerate(ways):
            tag = (
                "motorway" if soort[nr] < 0.02 else "footway" if soort[nr] < 0.12 else "residential"
            )
            w.add_way(
                osmium.osm.mutable.Way(id=nr + 1, nodes=refs, tags={"highway": tag}, version=1)
            )
            n += 1
    return n


def _meet(importeer: str, code: str) -> dict[str, float]:
    script = (
        "import resource, time, json\n"
        f"{importeer}\n"
        "t0 = time.perf_counter()\n"
        f"{code}\n"
        "print(json.dumps({'s': time.perf_counter() - t0, 'lengte': float(lengte), 'knopen': n, "
        "'kanten': m, 'vormpunten': v, 'mb': mb, "
        "'piek_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))\n"
    )
    uit = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    return json.loads(uit.stdout.strip().splitlines()[-1])


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--wegen", type=int, nargs="+", default=[20_000, 200_000])
    p.add_argument("--herhalingen", type=int, default=3)
    p.add_argument("--osmnx-tot", type=int, default=50_000)
    args = p.parse_args()
    rijen: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.wegen:
            pad = Path(tmp) / f"stad_{n}.osm.pbf"
            n_echt = write_stad(pad, n)
            uitslag: dict[str, dict[str, Any]] = {}
            for naam, (importeer, code) in LEZERS.items():
                if naam.startswith("osmnx") and n_echt > args.osmnx_tot:
                    continue
                metingen = [
                    _meet(importeer, code.format(pad=str(pad))) for _ in range(args.herhalingen)
                ]
                s = statistics.median(m["s"] for m in metingen)
                uitslag[naam] = {
                    "wegen": n_echt,
                    "seconden": s,
                    "wegen_per_s": n_echt / s,
                    "piek_mb": max(m["piek_mb"] for m in metingen),
                    "knopen": metingen[0]["knopen"],
                    "kanten": metingen[0]["kanten"],
                    "vormpunten": metingen[0]["vormpunten"],
                    "arrays_mb": metingen[0]["mb"],
                    "lengte_m": metingen[0]["lengte"],
                }
                print(
                    f"{n_echt:>9} wegen  {naam:<24} {s:8.2f} s  {n_echt / s:>10.0f} wegen/s  "
                    f"{uitslag[naam]['piek_mb']:7.0f} MB  {metingen[0]['knopen']:>9} knopen  "
                    f"{metingen[0]['kanten']:>9} kanten  {metingen[0]['vormpunten']:>9} vormpunten  "
                    f"{metingen[0]['mb']:7.1f} MB arrays",
                    flush=True,
                )
            ref = uitslag.get("osmnx (read_netwerk)")
            for naam, r in uitslag.items():
                r["verhouding_osmnx"] = ref["seconden"] / r["seconden"] if ref else None
                r["zelfde_lengte_als_osmnx"] = (
                    abs(r["lengte_m"] - ref["lengte_m"]) < 1e-6 if ref else None
                )
                rijen.append({"lezer": naam, **r})
    RESULTATEN.mkdir(exist_ok=True)
    meta = {
        "datum": time.strftime("%Y-%m-%d %H:%M"),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "herhalingen": args.herhalingen,
    }
    (RESULTATEN / "invoer.json").write_text(json.dumps({"meta": meta, "rijen": rijen}, indent=2))
    regels = [
        "# Straten uit een .osm.pbf: gestroomd tegen osmnx",
        "",
        f"{meta['datum']}, Python {meta['python']}, mediaan van {args.herhalingen}.",
        "",
        "| wegen | lezer | s | wegen/s | piek MB | knopen | kanten | vormpunten | MB arrays "
        "| x sneller dan osmnx | lengte = osmnx |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in rijen:
        x = f"{r['verhouding_osmnx']:.1f}" if r["verhouding_osmnx"] else "-"
        gelijk = {True: "ja", False: "nee", None: "-"}[r["zelfde_lengte_als_osmnx"]]
        regels.append(
            f"| {r['wegen']} | {r['lezer']} | {r['seconden']:.2f} | {r['wegen_per_s']:.0f} | "
            f"{r['piek_mb']:.0f} | {r['knopen']} | {r['kanten']} | {r['vormpunten']} | "
            f"{r['arrays_mb']:.1f} | {x} | {gelijk} |"
        )
    (RESULTATEN / "invoer.md").write_text("\n".join(regels) + "\n")


if __name__ == "__main__":
    main()
