"""Shared fixtures and markers.

* The demo gemeente is built and written once per test run: ``demo_opslag`` is the layer store
  ``gp.demo_gemeente()`` writes once per process, the one the doctests load too.
* ``arnhem_data`` is the one home of the real Arnhem files; it skips the test when they are absent.
  ``real_responses`` (answers of CBS StatLine and the PDOK Locatieserver as the live services gave
  them) and ``delft_data`` (a real car network of Delft) likewise.
* Markers: ``slow`` (notebooks, browser, PDF; ``python -m pytest -m "not slow"`` is the quick
  loop) and ``network`` (internet; deselected unless ``-m`` names it, see
  :func:`pytest_collection_modifyitems`).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest

import gebiedsplan as gp
from gebiedsplan.bronnen.demo import build_demo

REPO = Path(__file__).resolve().parents[1]
#: Real Arnhem extracts beside the project (see its SOURCES.md); never copied into it.
ARNHEM_DATA = REPO.parent / "shared" / "data" / "arnhem"
#: Recorded live answers of CBS StatLine and the PDOK Locatieserver (see its SOURCES.md).
REAL_RESPONSES = REPO.parent / "shared" / "data" / "real_responses"
#: A real whole-city car network of Delft plus facility points (see its SOURCES.md).
DELFT_DATA = REPO.parent / "shared" / "data" / "delft"
REGISTERS = REPO / "wijken" / "registers"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Deselect the tests marked ``network`` unless the ``-m`` expression names that marker
    (``-m network``). So a ``-m "not slow"`` on the command line keeps them out too."""
    if "network" in (config.getoption("markexpr") or ""):
        return
    online = [item for item in items if item.get_closest_marker("network")]
    if online:
        config.hook.pytest_deselected(items=online)
        items[:] = [item for item in items if not item.get_closest_marker("network")]


@pytest.fixture(scope="session")
def arnhem_data() -> Path:
    """Folder of the real Arnhem files (``../shared/data/arnhem`` beside the project). Skips the
    test when it is absent. Read-only."""
    if not ARNHEM_DATA.is_dir():
        pytest.skip(f"de Arnhemse bestanden ontbreken ({ARNHEM_DATA})")
    return ARNHEM_DATA


@pytest.fixture(scope="session")
def real_responses() -> Path:
    """Folder of answers the live services gave (``../shared/data/real_responses`` beside the
    project: ``cbs/`` StatLine, ``locatieserver/`` PDOK Locatieserver). Skips the test when it is
    absent. Read-only."""
    if not REAL_RESPONSES.is_dir():
        pytest.skip(f"de echte antwoorden van de diensten ontbreken ({REAL_RESPONSES})")
    return REAL_RESPONSES


@pytest.fixture(scope="session")
def delft_data() -> Path:
    """Folder of the real Delft files (``../shared/data/delft`` beside the project: the car
    network GraphML and facility points). Skips the test when it is absent. Read-only."""
    if not DELFT_DATA.is_dir():
        pytest.skip(f"de Delftse bestanden ontbreken ({DELFT_DATA})")
    return DELFT_DATA


@pytest.fixture(scope="session")
def demo():
    """The synthetic demo gemeente Rivierstad (DemoGemeente). Treat as read-only: copy before changing."""
    return build_demo()


@pytest.fixture(scope="session")
def demo_opslag() -> Path:
    """Path of the demo GeoPackage (plus green GeoTIFF beside it), written once per test run
    by ``gp.demo_gemeente()`` in a temporary folder. Read-only."""
    return gp.demo_gemeente().opslag


@pytest.fixture(scope="session")
def gemeente(demo_opslag):
    """The demo gemeente loaded through wijken/demo.yml from ``demo_opslag``. Read-only."""
    return gp.load_gemeente("demo", opslag=demo_opslag)


@pytest.fixture(scope="session")
def analyse(gemeente):
    """``run_analyse`` of the demo gemeente: accessibility, aggregates and the gap table. Read-only."""
    return gp.run_analyse(gemeente)


@pytest.fixture(scope="session")
def arnhem_bestanden(arnhem_data: Path) -> dict[str, Any]:
    """Keyword arguments of ``gp.import_files`` for the real Arnhem files (``arnhem_data``) plus
    the example registers in ``wijken/registers``. Skips the test when the files are absent.
    Read-only."""
    return dict(
        grenzen=[
            arnhem_data / "arnhem_wijken_2024_generalised.gpkg",
            arnhem_data / "arnhem_buurten_2022_generalised.gpkg",
        ],
        kerncijfers=[
            arnhem_data / "cbs_kwb2024_arnhem_buurten_basis.csv",
            arnhem_data / "cbs_kwb2024_arnhem_wijken_basis.csv",
        ],
        gezondheid=arnhem_data / "rivm_gezondheid_wijkbuurt_2020_arnhem.csv",
        gezondheid_jaar=2020,
        voorzieningen=[arnhem_data / "osm_poi_arnhem_jetlag_2025.geojson"],
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
        netwerk=arnhem_data / "osm_geofabrik2018_arnhem_noord_centrum.gpkg",
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


@pytest.fixture(scope="session")
def zonder_netwerk_oeverwijk(gemeente):
    """The demo gemeente with the street network removed under wijk Oeverwijk (WK999904, the
    south-west corner): every segment within 260 m of it is gone, so none of its residents is
    within the 250 m snap distance. ``(gemeente, run_analyse of it)``. Read-only."""
    from dataclasses import replace

    wijk = gemeente.wijken.geometry["WK999904"]
    weg = gemeente.netwerk.intersects(wijk.buffer(260)).to_numpy()
    zonder = replace(gemeente, netwerk=gemeente.netwerk[~weg])
    return zonder, gp.run_analyse(zonder)


@pytest.fixture
def opslag_2022_2024(demo_opslag, tmp_path) -> Path:
    """A writable copy of the demo store with only the years 2022-2024 (indeling 2022, the
    current buurten) and no older buurt polygons: for adding an older year."""
    import shutil

    from gebiedsplan.store import load_lagen, save_lagen

    doel = tmp_path / "opslag_2022_2024" / "GM9999.gpkg"
    doel.parent.mkdir()
    lagen, herkomst = load_lagen(demo_opslag)
    kern = lagen["kerncijfers_jaren"]
    lagen["kerncijfers_jaren"] = kern[kern["jaar"] >= 2022]
    del lagen["buurten_indeling"], herkomst["buurten_indeling"]
    save_lagen(doel, lagen, herkomst)
    raster = demo_opslag.with_name("GM9999_groen_10m.tif")
    shutil.copy(raster, doel.with_name(raster.name))
    return doel
