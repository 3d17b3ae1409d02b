"""The planner notebooks run from top to bottom without errors (nbclient), in a temp folder."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import nbformat
import pytest
from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
from nbclient import NotebookClient

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = REPO / "notebooks"
DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "arnhem"
#: Seconds one cell may take (the Arnhem import is the slowest, a few seconds).
CEL_TIMEOUT_S = 120


def _kernel_name(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict[str, str]]:
    """The ``python3`` kernel when it runs this interpreter; else a kernelspec made for it."""
    try:
        spec = KernelSpecManager().get_kernel_spec("python3")
        if spec.argv[0] in ("python", sys.executable):
            return "python3", {}
    except NoSuchKernel:
        pass
    map_ = tmp_path_factory.mktemp("kernels")
    kernel = map_ / "kernels" / "gebiedsplan-test"
    kernel.mkdir(parents=True)
    (kernel / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": "gebiedsplan test",
                "language": "python",
            }
        ),
        encoding="utf-8",
    )
    return "gebiedsplan-test", {"JUPYTER_PATH": str(map_)}


@pytest.fixture(scope="module")
def kernel(tmp_path_factory):
    return _kernel_name(tmp_path_factory)


def run(naam: str, werkmap: Path, kernel, monkeypatch) -> str:
    """Execute a notebook in ``werkmap``; the text of every output, in order."""
    kernel_naam, omgeving = kernel
    for sleutel, waarde in omgeving.items():
        monkeypatch.setenv(sleutel, waarde)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    boek = nbformat.read(NOTEBOOKS / naam, as_version=4)
    assert all(not c.get("outputs") for c in boek.cells if c.cell_type == "code"), (
        f"{naam} is met uitvoer opgeslagen; bewaar notebooks zonder uitvoer"
    )
    NotebookClient(
        boek,
        timeout=CEL_TIMEOUT_S,
        kernel_name=kernel_naam,
        resources={"metadata": {"path": str(werkmap)}},
    ).execute()
    teksten = []
    for cel in boek.cells:
        for uit in cel.get("outputs", []):
            teksten.append(uit.get("text", ""))
            teksten.append(uit.get("data", {}).get("text/plain", ""))
    return "\n".join(teksten)


def test_every_notebook_is_tested():
    assert sorted(p.name for p in NOTEBOOKS.glob("*.ipynb")) == [
        "01_kennismaken.ipynb",
        "02_gebiedsplan.ipynb",
        "03_iab.ipynb",
        "04_echte_data.ipynb",
    ]


def test_01_kennismaken(tmp_path, kernel, monkeypatch):
    uit = run("01_kennismaken.ipynb", tmp_path, kernel, monkeypatch)
    assert "Rivierstad (synthetisch) telt 51.382 inwoners in 6 wijken en 26 buurten." in uit
    assert "Havenkwartier" in uit
    assert (
        "Grootste hiaat in Havenkwartier: Jeugd en gezin (CJG) (hiaatscore 100, 2.247 inwoners"
        in uit
    )
    assert (tmp_path / "maps" / "kennismaken_rivierstad.html").exists()


def test_02_gebiedsplan(tmp_path, kernel, monkeypatch):
    uit = run("02_gebiedsplan.ipynb", tmp_path, kernel, monkeypatch)
    assert "Inwoners van het Havenkwartier: nu 363, in 2040 14.923." in uit
    rapport = tmp_path / "maps" / "gebiedsplan_havenkwartier.html"
    assert "Sociaal gebiedsplan" in rapport.read_text(encoding="utf-8")
    pdf = tmp_path / "maps" / "gebiedsplan_havenkwartier.pdf"
    assert (pdf.exists() and pdf.read_bytes().startswith(b"%PDF")) or "Geen PDF: " in uit


def test_03_iab(tmp_path, kernel, monkeypatch):
    uit = run("03_iab.ipynb", tmp_path, kernel, monkeypatch)
    assert "Als het Havenhuis sluit, wonen " in uit
    assert "Twee nieuwe ontmoetingsplekken (greedy) brengen " in uit
    assert (tmp_path / "uitvoer" / "hiaten_GM9999.xlsx").exists()


def test_04_echte_data_skips_without_the_files(tmp_path, kernel, monkeypatch):
    monkeypatch.setenv("GEBIEDSPLAN_DATA_ARNHEM", str(tmp_path / "bestaat-niet"))
    uit = run("04_echte_data.ipynb", tmp_path, kernel, monkeypatch)
    assert "de stappen hieronder worden overgeslagen" in uit
    assert not (tmp_path / "maps").exists()


@pytest.mark.skipif(not DATA.exists(), reason="../shared/data/arnhem ontbreekt")
def test_04_echte_data_on_the_arnhem_files(tmp_path, kernel, monkeypatch):
    monkeypatch.setenv("GEBIEDSPLAN_DATA_ARNHEM", str(DATA))
    uit = run("04_echte_data.ipynb", tmp_path, kernel, monkeypatch)
    assert "Arnhem (synthetisch): 24 wijken, 83 buurten, 167.470 inwoners." in uit
    assert "Noordwest-Arnhem: 22 buurten, 28.480 inwoners." in uit
    assert (tmp_path / "maps" / "gebiedsplan_noordwest_arnhem.html").exists()
