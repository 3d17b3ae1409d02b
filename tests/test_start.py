"""Start-up: what ``import gebiedsplan`` loads, the lazy public names, where numba caches the kernels.

Nothing here is timed (``benchmarks/bench_start.py`` measures); the checks run in fresh
subprocesses and look at ``sys.modules`` and at the files numba writes.
"""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
import types
from pathlib import Path
from typing import Any

import pytest

import gebiedsplan as gp
from gebiedsplan.netwerk import _numba_cache

#: Libraries that ``import gebiedsplan`` must not load: each is imported where it is used.
ZWAAR = (
    "folium",
    "geopandas",
    "jinja2",
    "matplotlib",
    "numba",
    "numpy",
    "openpyxl",
    "osmnx",
    "pandas",
    "rasterio",
    "scipy",
    "shapely",
    "sklearn",
)

#: Subpackages whose ``__init__`` re-exports lazily.
LUI = ("analyse", "kaarten", "netwerk", "publiceren", "rapport")


def _geladen(code: str, *, env: dict[str, str] | None = None) -> list[str]:
    """Which of :data:`ZWAAR` are in ``sys.modules`` after running ``code`` in a new process."""
    script = f"{code}\nimport json, sys\nprint(json.dumps(sorted(m for m in {ZWAAR!r} if m in sys.modules)))"
    return _draai(script, env)


def test_import_gebiedsplan_laadt_geen_zware_bibliotheken() -> None:
    assert _geladen("import gebiedsplan") == []


def test_de_opdrachtregel_start_zonder_zware_bibliotheken() -> None:
    # `gebiedsplan --help` and every command pay only for what the command itself imports
    assert _geladen("import gebiedsplan.cli") == []


def test_de_controle_ziet_een_zware_import() -> None:
    # the check itself finds what a public name pulls in (so the test above can fail)
    assert {"geopandas", "pandas"} <= set(_geladen("import gebiedsplan as gp\ngp.Gemeente"))


def test_de_motor_en_de_analyse_laden_geen_kaarten_of_osmnx() -> None:
    for module in ("gebiedsplan.netwerk.graaf", "gebiedsplan.analyse.run", "gebiedsplan.cli"):
        geladen = set(_geladen(f"import {module}"))
        assert not geladen & {"folium", "jinja2", "matplotlib", "osmnx", "sklearn", "openpyxl"}, (
            module,
            geladen,
        )


def test_elke_publieke_naam_bestaat_en_is_dezelfde_als_in_zijn_module() -> None:
    for naam in gp.__all__:
        waarde = getattr(gp, naam)
        assert waarde is not None, naam
    assert gp.run_analyse is importlib.import_module("gebiedsplan.analyse.run").run_analyse
    assert gp.compile_netwerk.__module__ == "gebiedsplan.netwerk.graaf"
    assert gp.Gemeente is importlib.import_module("gebiedsplan.gemeente").Gemeente
    from gebiedsplan import make_kaart, run_analyse  # from-import goes through __getattr__

    assert run_analyse is gp.run_analyse
    assert make_kaart.__module__ == "gebiedsplan.kaarten.hiaten"


def test_dir_toont_de_publieke_namen_en_subpakketten_laden_bij_gebruik() -> None:
    assert set(gp.__all__) <= set(dir(gp))
    assert isinstance(gp.netwerk, types.ModuleType)
    assert gp.analyse.bereikbaarheid.__name__ == "gebiedsplan.analyse.bereikbaarheid"
    with pytest.raises(AttributeError, match="bestaat_niet"):
        gp.bestaat_niet  # noqa: B018
    with pytest.raises(ImportError):
        from gebiedsplan import bestaat_ook_niet  # noqa: F401


@pytest.mark.parametrize("deel", LUI)
def test_subpakket_lui_en_volledig(deel: str) -> None:
    pakket = importlib.import_module(f"gebiedsplan.{deel}")
    waar: dict[str, str] = pakket._WAAR
    # every name of __all__ is either defined in the __init__ or listed where it lives, and
    # lives there
    for naam in pakket.__all__:
        assert naam in waar or naam in vars(pakket), f"{deel}: {naam} nergens te vinden"
        assert getattr(pakket, naam) is not None
    for naam, module in waar.items():
        assert naam in pakket.__all__, f"{deel}: {naam} in _WAAR maar niet in __all__"
        assert hasattr(importlib.import_module(module), naam), f"{module} mist {naam}"
    assert set(pakket.__all__) <= set(dir(pakket))
    with pytest.raises(AttributeError):
        pakket.bestaat_niet  # noqa: B018


def test_subpakket_init_laadt_zijn_modules_niet() -> None:
    geladen = _geladen("import gebiedsplan.kaarten, gebiedsplan.rapport, gebiedsplan.analyse")
    assert geladen == []


# ------------------------------------------------------------------------------------------------
# numba's cache of the kernels
# ------------------------------------------------------------------------------------------------


def test_kernel_cache_dir_volgorde() -> None:
    thuis = {"HOME": "/home/a"}
    assert _numba_cache.kernel_cache_dir({**thuis, "NUMBA_CACHE_DIR": "/n"}, "linux") is None
    assert _numba_cache.kernel_cache_dir(
        {**thuis, "GEBIEDSPLAN_NUMBA_CACHE": "/srv/k"}, "linux"
    ) == Path("/srv/k")
    assert _numba_cache.kernel_cache_dir(thuis, "linux") == Path("/home/a/.cache/gebiedsplan/numba")
    assert _numba_cache.kernel_cache_dir({**thuis, "XDG_CACHE_HOME": "/c"}, "linux") == Path(
        "/c/gebiedsplan/numba"
    )
    assert _numba_cache.kernel_cache_dir(thuis, "darwin") == Path(
        "/home/a/Library/Caches/gebiedsplan/numba"
    )
    assert _numba_cache.kernel_cache_dir(
        {**thuis, "LOCALAPPDATA": "C:/Users/a/AppData/Local"}, "win32"
    ) == Path("C:/Users/a/AppData/Local/gebiedsplan/Cache/numba")


def _schone_env(**extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("NUMBA_CACHE", "GEBIEDSPLAN_NUMBA"))
    }
    env.update(extra)
    return env


_SNAP = """
import json
import numpy as np
from gebiedsplan.netwerk import _snapkern
a = np.array([[0.0, 0.0], [10.0, 0.0]]); b = np.array([[10.0, 0.0], [10.0, 10.0]])
raster = _snapkern.build_raster(a, b)
kant, afstand = _snapkern.dichtstbij(np.array([[5.0, 1.0]]), a, b, np.array([0, 1]), *raster)
stats = _snapkern.dichtstbij.stats
print(json.dumps({"pad": stats.cache_path, "kant": int(kant[0]), "afstand": float(afstand[0]),
                  "hits": sum(stats.cache_hits.values())}))
"""


def _draai(code: str, env: dict[str, str] | None) -> Any:
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        cwd=Path(__file__).resolve().parents[1],
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_kernels_in_de_eigen_cachemap_en_een_tweede_proces_laadt_ze(tmp_path: Path) -> None:
    map_ = tmp_path / "kernen"
    env = _schone_env(GEBIEDSPLAN_NUMBA_CACHE=str(map_))
    eerst = _draai(_SNAP, env)
    assert (eerst["kant"], eerst["afstand"], eerst["hits"]) == (0, 1.0, 0)
    assert Path(eerst["pad"]).is_relative_to(map_)
    assert list(map_.rglob("_snapkern.dichtstbij-*.nbi")), "geen index van numba in de cachemap"
    tweede = _draai(_SNAP, env)
    assert tweede["hits"] == 1  # loaded, not compiled again


def test_numba_cache_dir_van_de_gebruiker_gaat_voor(tmp_path: Path) -> None:
    env = _schone_env(
        NUMBA_CACHE_DIR=str(tmp_path / "numba"), GEBIEDSPLAN_NUMBA_CACHE=str(tmp_path / "eigen")
    )
    uit = _draai(_SNAP, env)
    assert Path(uit["pad"]).is_relative_to(tmp_path / "numba")
    assert not (tmp_path / "eigen").exists()


def test_onschrijfbare_cachemap_valt_terug_op_numba(tmp_path: Path) -> None:
    bestand = tmp_path / "een_bestand"
    bestand.write_text("geen map")
    code = f"""
import json, os
os.environ["GEBIEDSPLAN_NUMBA_CACHE"] = {str(bestand / "kernen")!r}
from gebiedsplan.netwerk import _numba_cache, _snapkern
locator = _numba_cache.install()
eigen = locator.from_function(_snapkern.dichtstbij.py_func, _snapkern.__file__)
vreemd = locator.from_function(json.dumps, json.__file__)
print(json.dumps({{"eigen": eigen is None, "vreemd": vreemd is None}}))
"""
    uit = _draai(code, _schone_env())
    assert uit == {"eigen": True, "vreemd": True}


def test_locator_alleen_voor_gebiedsplan(tmp_path: Path) -> None:
    code = f"""
import json, os
os.environ["GEBIEDSPLAN_NUMBA_CACHE"] = {str(tmp_path / "k")!r}
from gebiedsplan.netwerk import _numba_cache, _snapkern
locator = _numba_cache.install()
eigen = locator.from_function(_snapkern.dichtstbij.py_func, _snapkern.__file__)
vreemd = locator.from_function(json.dumps, json.__file__)
print(json.dumps({{"eigen": eigen.get_cache_path(), "vreemd": vreemd is None}}))
"""
    uit = _draai(code, _schone_env())
    assert Path(uit["eigen"]).is_relative_to(tmp_path / "k")
    assert uit["vreemd"] is True
