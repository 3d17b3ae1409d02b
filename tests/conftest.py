"""Shared fixtures. The demo gemeente is built and written once per test session."""

from __future__ import annotations

import logging

import pytest

from gebiedsplan.analyse import run_analyse
from gebiedsplan.bronnen.demo import build_demo, save_demo
from gebiedsplan.gemeente import load_gemeente


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


@pytest.fixture(autouse=True, scope="module")
def _restore_root_logging():
    """The CLI configures the root logger (basicConfig force=True) when tests invoke it in
    process; put it back after every test module so later output stays clean."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
