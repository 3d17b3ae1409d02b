"""pyproject.toml and environment.yml name the same runtime dependencies."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
PYPROJECT = REPO / "pyproject.toml"
ENVIRONMENT = REPO / "environment.yml"

#: pip name -> conda-forge name, where they differ.
PIP_TO_CONDA: dict[str, str] = {"osmium": "pyosmium"}
#: conda entries that are the toolchain, not runtime dependencies of gebiedsplan.
CONDA_ONLY = {"python", "pip"}

_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def normalise(spec: str) -> str:
    """Package name of a pip or conda spec: lowercase, no version, extras, marker or channel.

    >>> normalise("PyYAML >=6.0 ; python_version<'4'")
    'pyyaml'
    """
    spec = spec.split("::")[-1]  # conda channel prefix, e.g. conda-forge::numpy
    match = _NAME.match(spec)
    assert match, f"geen pakketnaam in {spec!r}"
    return re.sub(r"[-_.]+", "-", match.group(1)).lower()


def pip_names(pyproject_text: str) -> set[str]:
    deps = tomllib.loads(pyproject_text)["project"]["dependencies"]
    names = [normalise(d) for d in deps]
    return {PIP_TO_CONDA.get(n, n) for n in names}


def conda_names(environment_text: str) -> set[str]:
    deps = yaml.safe_load(environment_text)["dependencies"]
    names = {normalise(d) for d in deps if isinstance(d, str)}  # skip the pip: sub-list
    return names - CONDA_ONLY


def test_normalise():
    assert normalise("numpy>=1.26") == "numpy"
    assert normalise("rasterio>=1.3.10") == "rasterio"
    assert normalise("PyYAML>=6.0") == "pyyaml"
    assert normalise("pandas-stubs") == "pandas-stubs"
    assert normalise("typing_extensions>=4") == "typing-extensions"
    assert normalise("jupyterlab >=4.1") == "jupyterlab"
    assert normalise("numpy=1.26") == "numpy"
    assert normalise("conda-forge::numpy>=1.26") == "numpy"
    assert normalise("uvicorn[standard]>=0.30; python_version>='3.11'") == "uvicorn"


def test_conda_names_reads_the_environment_format():
    sample = """\
name: gebiedsplan
channels: [conda-forge]
dependencies:
  - python>=3.11
  - pip
  - numpy>=1.26
  - PyYAML >=6.0
  - pip:
      - -e .[dev]
"""
    assert conda_names(sample) == {"numpy", "pyyaml"}


def test_pyproject_runtime_dependencies_are_read():
    names = pip_names(PYPROJECT.read_text(encoding="utf-8"))
    assert {"numpy", "pandas", "geopandas", "pyogrio", "shapely", "pyyaml"} <= names
    assert "pytest" not in names  # dev extra, not runtime


def test_environment_yml_matches_pyproject():
    assert ENVIRONMENT.exists(), (
        f"{ENVIRONMENT.name} ontbreekt; pyproject.toml zegt dat het dezelfde afhankelijkheden noemt"
    )
    pip = pip_names(PYPROJECT.read_text(encoding="utf-8"))
    conda = conda_names(ENVIRONMENT.read_text(encoding="utf-8"))
    assert sorted(pip - conda) == [], "in pyproject.toml maar niet in environment.yml"
    assert sorted(conda - pip) == [], "in environment.yml maar niet in pyproject.toml"


@pytest.mark.skipif(not ENVIRONMENT.exists(), reason="environment.yml does not exist yet")
def test_environment_yml_installs_the_package_with_pip():
    deps = yaml.safe_load(ENVIRONMENT.read_text(encoding="utf-8"))["dependencies"]
    pip_lists = [d["pip"] for d in deps if isinstance(d, dict) and "pip" in d]
    assert len(pip_lists) == 1
    assert any(entry.replace(" ", "").startswith("-e.") for entry in pip_lists[0])
    assert "pip" in {normalise(d) for d in deps if isinstance(d, str)}
