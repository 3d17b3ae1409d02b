"""Wall time of `gebiedsplan demo` end to end and per stage, and the size of what it writes.

Run:  python benchmarks/bench_demo.py [--herhalingen 5]

Reports medians over the repetitions (end to end as a subprocess, so imports count too) and
writes the figures to benchmarks/resultaten/demo.json.
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


def _stages(workdir: Path) -> dict[str, float]:
    from gebiedsplan.analyse.run import run_analyse
    from gebiedsplan.bronnen.demo import build_demo
    from gebiedsplan.export import write_hiaten
    from gebiedsplan.gemeente import demo_file, load_gemeente
    from gebiedsplan.importeren import save_demo
    from gebiedsplan.kaarten import make_kaart, save_kaart

    t: dict[str, float] = {}
    s = time.perf_counter()
    demo = build_demo()
    t["demo maken"] = time.perf_counter() - s
    s = time.perf_counter()
    gpkg = save_demo(demo, workdir / "store")
    t["laagopslag schrijven"] = time.perf_counter() - s
    s = time.perf_counter()
    gemeente = load_gemeente(demo_file(), opslag=gpkg)
    t["gemeente laden + valideren"] = time.perf_counter() - s
    s = time.perf_counter()
    analyse = run_analyse(gemeente)
    t["bereikbaarheid + hiaten"] = time.perf_counter() - s
    s = time.perf_counter()
    write_hiaten(
        analyse.hiaten,
        gemeente.wijken,
        workdir / "uitvoer",
        naam="hiaten",
        titel=gemeente.titel,
        herkomst=gemeente.herkomst,
        synthetisch=True,
    )
    t["tabellen schrijven"] = time.perf_counter() - s
    s = time.perf_counter()
    save_kaart(make_kaart(gemeente, analyse.hiaten), workdir / "maps" / "hiaten.html")
    t["kaart maken + schrijven"] = time.perf_counter() - s
    return t


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--herhalingen", type=int, default=5)
    args = parser.parse_args()

    eind: list[float] = []
    sizes: dict[str, int] = {}
    for _ in range(args.herhalingen):
        with tempfile.TemporaryDirectory() as tmp:
            s = time.perf_counter()
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "gebiedsplan.cli",
                    "demo",
                    "--uitvoer",
                    f"{tmp}/uitvoer",
                    "--kaarten",
                    f"{tmp}/maps",
                    "--opslag",
                    f"{tmp}/store",
                ],
                check=True,
                capture_output=True,
            )
            eind.append(time.perf_counter() - s)
            sizes = {
                str(p.relative_to(tmp)): p.stat().st_size
                for p in sorted(Path(tmp).rglob("*"))
                if p.is_file()
            }
    stages: dict[str, list[float]] = {}
    for _ in range(args.herhalingen):
        with tempfile.TemporaryDirectory() as tmp:
            for naam, sec in _stages(Path(tmp)).items():
                stages.setdefault(naam, []).append(sec)

    result = {
        "machine": f"{platform.machine()} {platform.processor() or ''} Python "
        f"{platform.python_version()}".strip(),
        "herhalingen": args.herhalingen,
        "gebiedsplan demo (mediaan s)": round(statistics.median(eind), 3),
        "fasen (mediaan s)": {k: round(statistics.median(v), 4) for k, v in stages.items()},
        "uitvoer (bytes)": sizes,
    }
    print(
        f"gebiedsplan demo, eind tot eind (mediaan van {args.herhalingen}): "
        f"{result['gebiedsplan demo (mediaan s)']:.2f} s"
    )
    for naam, sec in result["fasen (mediaan s)"].items():
        print(f"  {naam:<30} {sec:8.3f} s")
    for pad, grootte in sizes.items():
        print(f"  {pad:<40} {grootte / 1024:8.0f} KiB")
    out = Path(__file__).parent / "resultaten" / "demo.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
