"""How long one close/open scenario takes after the baseline, for an Arnhem-sized gemeente.

Run:  python benchmarks/bench_scenario.py [--herhalingen 7]

The gemeente is synthetic, the size of Arnhem: a street-like graph of 60,000 nodes
(benchmarks/grafen.py), 75,000 demand points, 169 buurten (1 km squares) in 49 wijken of 2 x 2
buurten, about 700 facilities in 10 categories, 60 of the meeting places in accommodations.
Measured (median of the repetitions, one core): the baseline ``run_analyse`` and then
``compare_scenario`` for (a) closing one accommodation and (b) opening a planned one, with
all gap tables (wijk, buurt, gebied) and with the difference per wijk only (what
``gebiedsplan scenario`` shows). The first scenario after the baseline also prepares what every
later one reuses (the demand points' snap to the network, per-buurt sums); that first call is
reported apart (``eerste_scenario_ms``). Every scenario result is checked against a full
recomputation (``run_analyse`` on the scenario's gemeente): the gap tables, the aggregates and
the accessibility per point must be equal (integers, flags and labels exactly, distances up to
rounding, 1e-12 relative; ``max_afstandsverschil_m`` reports the largest difference).
Results go to benchmarks/resultaten/scenario.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).parent))

import geopandas as gpd  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import shapely  # noqa: E402
from grafen import street_graph  # noqa: E402

from gebiedsplan.analyse.run import run_analyse  # noqa: E402
from gebiedsplan.analyse.scenario import compare_scenario, load_scenario  # noqa: E402
from gebiedsplan.bronnen import Herkomst  # noqa: E402
from gebiedsplan.catalogus import load_catalogus  # noqa: E402
from gebiedsplan.gemeente import Gemeente  # noqa: E402

AANTALLEN = {
    "ontmoeting": 60, "welzijn": 20, "huisarts": 60, "jeugd_en_gezin": 10, "basisschool": 50,
    "kinderopvang": 90, "sport": 60, "speelplek": 250, "bibliotheek": 8, "groen": 80,
}


def arnhem_sized() -> Gemeente:
    """A synthetic gemeente of Arnhem's size (see the module docstring)."""
    g = street_graph(60_000)
    rng = np.random.default_rng(11)
    xy = g.xy + np.array([180_000.0, 430_000.0])
    lo, hi = xy.min(axis=0), xy.max(axis=0)
    netwerk = gpd.GeoDataFrame(
        {"van_knoop": g.ids[g.van], "naar_knoop": g.ids[g.naar], "lengte_m": g.lengte_m},
        geometry=shapely.linestrings(np.stack([xy[g.van], xy[g.naar]], axis=1)),
        index=pd.Index([f"w{i}" for i in range(len(g.van))], name="id"),
        crs="EPSG:28992",
    )
    # buurten: 1 km squares; wijken: groups of 2 x 2 buurten
    xs = np.arange(lo[0], hi[0], 1000.0)
    ys = np.arange(lo[1], hi[1], 1000.0)
    buurt_rows, wijk_geoms = [], {}
    for i, x in enumerate(xs):
        for j, y in enumerate(ys):
            wijk = f"WK9998{(i // 2) * 10 + j // 2:02d}"
            code = f"BU9998{(i // 2) * 10 + j // 2:02d}{(i % 2) * 2 + j % 2 + 1:02d}"
            vlak = shapely.box(x, y, x + 1000, y + 1000)
            buurt_rows.append({"buurtcode": code, "buurtnaam": code, "wijkcode": wijk,
                               "gemeentecode": "GM9998", "geometry": vlak})
            wijk_geoms.setdefault(wijk, []).append(vlak)
    buurten = gpd.GeoDataFrame(buurt_rows, crs="EPSG:28992").set_index("buurtcode")
    wijken = gpd.GeoDataFrame(
        {"wijknaam": list(wijk_geoms), "gemeentecode": "GM9998"},
        geometry=[shapely.union_all(v) for v in wijk_geoms.values()],
        index=pd.Index(list(wijk_geoms), name="wijkcode"),
        crs="EPSG:28992",
    )
    p = 75_000
    pxy = rng.uniform(lo, hi, (p, 2))
    punten = gpd.GeoDataFrame(
        {"inwoners": rng.integers(1, 5, p)}, geometry=shapely.points(pxy), crs="EPSG:28992",
        index=pd.Index([f"p{i}" for i in range(p)], name="id"),
    )
    punten["buurtcode"] = gpd.sjoin(punten, buurten[["geometry"]], predicate="within")[
        "buurtcode"].groupby(level=0).first()
    punten = punten.dropna(subset=["buurtcode"])
    inwoners = punten.groupby("buurtcode")["inwoners"].sum()
    buurten["aantal_inwoners"] = inwoners.reindex(buurten.index).fillna(0).astype("int64")
    cats = np.repeat(list(AANTALLEN), list(AANTALLEN.values()))
    fxy = rng.uniform(lo, hi, (len(cats), 2))
    vz = gpd.GeoDataFrame(
        {"naam": [f"v{i}" for i in range(len(cats))], "categorie": cats, "bron": "bench",
         "capaciteit": np.nan, "accommodatie_id": None},
        geometry=shapely.points(fxy), crs="EPSG:28992",
        index=pd.Index([f"v{i}" for i in range(len(cats))], name="id"),
    )
    ontmoeting = np.flatnonzero(cats == "ontmoeting")
    acc = gpd.GeoDataFrame(
        {"naam": [f"acc{i}" for i in range(len(ontmoeting))], "functies": "ontmoeting",
         "eigenaar": "gemeente", "bvo_m2": 500.0, "capaciteit": 100.0, "bezetting": 0.5,
         "status": "in_gebruik"},
        geometry=shapely.points(fxy[ontmoeting]), crs="EPSG:28992",
        index=pd.Index([f"acc{i:03d}" for i in range(len(ontmoeting))], name="id"),
    )
    vz.loc[vz.index[ontmoeting], "accommodatie_id"] = list(acc.index)
    gepland = gpd.GeoDataFrame(
        {"naam": ["MFA gepland"], "functies": "ontmoeting;welzijn;huisarts", "eigenaar": "gemeente",
         "bvo_m2": 2000.0, "capaciteit": np.nan, "bezetting": np.nan, "status": "gepland"},
        geometry=[shapely.Point((lo + hi) / 2)], crs="EPSG:28992",
        index=pd.Index(["accgepland"], name="id"),
    )
    herkomst = Herkomst("benchmark", "2026-01-01", "CC0", synthetisch=True)
    return Gemeente(
        code="GM9998", naam="Benchmarkstad", wijken=wijken, buurten=buurten, voorzieningen=vz,
        normen=load_catalogus().normen, herkomst={"wijken": herkomst},
        accommodaties=pd.concat([acc, gepland]), vraagpunten=punten, netwerk=netwerk,
        synthetisch=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--herhalingen", type=int, default=7)
    args = parser.parse_args()
    gemeente = arnhem_sized()
    t = time.perf_counter()
    basis = run_analyse(gemeente)
    t_basis = time.perf_counter() - t
    resultaat: dict[str, object] = {
        "machine": f"{platform.machine()} Python {platform.python_version()}, 1 draad",
        "knopen": basis.netwerk.n_knopen, "vraagpunten": len(gemeente.vraagpunten),
        "voorzieningen": len(gemeente.voorzieningen), "wijken": len(gemeente.wijken),
        "basis_s": round(t_basis, 3),
    }
    with tempfile.TemporaryDirectory() as tmp:
        sluit = Path(tmp) / "sluit.yml"
        sluit.write_text("scenario: sluit\nstappen:\n  - sluit: {accommodatie: acc007}\n")
        open_ = Path(tmp) / "open.yml"
        open_.write_text("scenario: open\nstappen:\n  - open: {accommodatie: accgepland}\n")
        for nummer, (naam, pad) in enumerate((("sluiten", sluit), ("openen", open_))):
            s = load_scenario(pad, gemeente)
            if nummer == 0:
                t = time.perf_counter()
                compare_scenario(basis, s)
                resultaat["eerste_scenario_ms"] = round(1000 * (time.perf_counter() - t), 1)
            tijden, tijden_wijk = [], []
            for _ in range(args.herhalingen):
                t = time.perf_counter()
                r = compare_scenario(basis, s)
                tijden.append(time.perf_counter() - t)
                t = time.perf_counter()
                compare_scenario(basis, s, niveaus=("wijk",))
                tijden_wijk.append(time.perf_counter() - t)
            # check against a full recomputation
            from gebiedsplan.analyse.scenario import apply_scenario

            volledig = run_analyse(apply_scenario(gemeente, s), netwerk=basis.netwerk)
            tabellen = ("hiaten", "hiaten_buurt", "hiaten_gebied", "per_buurt", "per_wijk")
            for tabel in (*tabellen, "bereik"):
                a, b = getattr(r.analyse, tabel), getattr(volledig, tabel)
                if a is None or b is None:
                    assert a is None and b is None, tabel
                    continue
                pd.testing.assert_frame_equal(a, b, rtol=1e-12, atol=1e-9, obj=f"{naam}: {tabel}")
            afstand = [k for k in volledig.bereik.columns if k.startswith("afstand_")]
            verschil = np.abs(
                r.analyse.bereik[afstand].to_numpy(dtype=float)
                - volledig.bereik[afstand].to_numpy(dtype=float)
            )
            resultaat[f"{naam}_mediaan_ms"] = round(1000 * statistics.median(tijden), 1)
            resultaat[f"{naam}_alleen_wijken_mediaan_ms"] = round(
                1000 * statistics.median(tijden_wijk), 1
            )
            resultaat[f"{naam}_rijen_veranderd"] = len(r.verschil)
            resultaat[f"{naam}_max_afstandsverschil_m"] = float(np.nanmax(verschil))
    print(json.dumps(resultaat, indent=2, ensure_ascii=False))
    uit = Path(__file__).parent / "resultaten" / "scenario.json"
    uit.parent.mkdir(exist_ok=True)
    uit.write_text(json.dumps(resultaat, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
