"""Fixtures of the bad-input suite; the harness itself is in ``harnas.py``."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from harnas import Werkmap, slaagt


@pytest.fixture(scope="session")
def _sjabloon(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``gebiedsplan demo`` once per session; every case gets a copy of this folder."""
    pad = tmp_path_factory.mktemp("slechte_invoer_sjabloon")
    werkmap = Werkmap(pad)
    slaagt(werkmap.run(["demo"]))
    assert werkmap.store.exists() and (pad / "maps" / "index.html").exists()
    return pad


@pytest.fixture
def werkmap(_sjabloon: Path, tmp_path: Path) -> Werkmap:
    """A fresh copy of the demo working folder (store, maps, uitvoer) for one case."""
    pad = tmp_path / "werk"
    shutil.copytree(_sjabloon, pad)
    return Werkmap(pad)
