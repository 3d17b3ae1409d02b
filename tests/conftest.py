"""Shared fixtures. The demo gemeente is built and written once per test session."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest

from gebiedsplan.analyse.run import run_analyse
from gebiedsplan.bronnen.demo import build_demo
from gebiedsplan.gemeente import load_gemeente
from gebiedsplan.importeren import save_demo

REPO = Path(__file__).resolve().parents[1]
#: Real Arnhem extracts beside the project (see its SOURCES.md); never copied into it.
ARNHEM_DATA = REPO.parent / "shared" / "data" / "arnhem"
REGISTERS = REPO / "wijken" / "registers"


@pytest.fixture(scope="session")
def demo():
    """The synthetic demo gemeente Rivierstad (DemoGemeente). Treat as read-only: copy before changing."""
    return build_demo()


@pytest.fixture(scope="session")
def demo_opslag(demo, tmp_path_factory):
    """Path of the demo GeoPackage (plus green GeoTIFF beside it) in a session temp folder. Read-only."""
    return save_demo(demo, tmp_path_factory.mktemp("store"))


@pytest.fixture(scope="session")
def gemeente(demo_opslag):
    """The demo gemeente loaded through wijken/demo.yml from ``demo_opslag``. Read-only."""
    return load_gemeente("demo", opslag=demo_opslag)


@pytest.fixture(scope="session")
def analyse(gemeente):
    """``run_analyse`` of the demo gemeente: accessibility, aggregates and the gap table. Read-only."""
    return run_analyse(gemeente)


@pytest.fixture(scope="session")
def arnhem_bestanden() -> dict[str, Any]:
    """Keyword arguments of ``importeren.import_files`` for the real Arnhem files in
    ``../shared/data/arnhem`` plus the example registers in ``wijken/registers``. Skips the
    test when the data is absent. Read-only."""
    if not ARNHEM_DATA.exists():
        pytest.skip("../shared/data/arnhem ontbreekt")
    return dict(
        grenzen=[
            ARNHEM_DATA / "arnhem_wijken_2024_generalised.gpkg",
            ARNHEM_DATA / "arnhem_buurten_2022_generalised.gpkg",
        ],
        kerncijfers=[
            ARNHEM_DATA / "cbs_kwb2024_arnhem_buurten_basis.csv",
            ARNHEM_DATA / "cbs_kwb2024_arnhem_wijken_basis.csv",
        ],
        gezondheid=ARNHEM_DATA / "rivm_gezondheid_wijkbuurt_2020_arnhem.csv",
        gezondheid_jaar=2020,
        voorzieningen=[ARNHEM_DATA / "osm_poi_arnhem_jetlag_2025.geojson"],
        registers=[
            (
                REGISTERS / "arnhem_voorzieningen_voorbeeld.csv",
                REGISTERS / "arnhem_voorzieningen_voorbeeld.yml",
            ),
            (
                REGISTERS / "arnhem_accommodaties_voorbeeld.csv",
                REGISTERS / "arnhem_accommodaties.yml",
            ),
        ],
        netwerk=ARNHEM_DATA / "osm_geofabrik2018_arnhem_noord_centrum.gpkg",
        netwerk_laag="roads",
    )


@pytest.fixture(autouse=True, scope="module")
def _restore_root_logging():
    """The CLI configures the root logger (basicConfig force=True) when tests invoke it in
    process; put it back after every test module so later output stays clean."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
