"""The planner notebooks: they use only the public API (``import gebiedsplan as gp``), and they
run from top to bottom without errors (nbclient, in a temp folder; marked ``slow``)."""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path

import nbformat
import pytest
from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
from nbclient import NotebookClient

import gebiedsplan as gp

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = REPO / "notebooks"
#: Seconds one cell may take (the Arnhem import is the slowest, a few seconds).
CEL_TIMEOUT_S = 120


def niet_publiek(bron: str) -> list[str]:
    r"""What a cell's code takes from gebiedsplan other than ``import gebiedsplan as gp`` and
    the names of ``gp.__all__``: imports of the package or its modules, and ``gp.<name>``
    outside the public API. IPython lines (``%magic``, ``!shell``) are left out.

    >>> niet_publiek("import gebiedsplan as gp\ngp.run_analyse(gp.demo_gemeente())")
    []
    >>> niet_publiek("from gebiedsplan.analyse.hiaten import worst_per_category")
    ['regel 1: from gebiedsplan.analyse.hiaten import worst_per_category']
    """
    code = "\n".join(
        "" if regel.lstrip().startswith(("%", "!")) else regel for regel in bron.splitlines()
    )
    gevonden = []
    for knoop in ast.walk(ast.parse(code)):
        tekst = None
        if isinstance(knoop, ast.Import):
            for alias in knoop.names:
                pakket = alias.name.split(".")[0] == "gebiedsplan"
                if pakket and (alias.name, alias.asname) != ("gebiedsplan", "gp"):
                    tekst = ast.unparse(knoop)
        elif isinstance(knoop, ast.ImportFrom):
            if knoop.level == 0 and (knoop.module or "").split(".")[0] == "gebiedsplan":
                tekst = ast.unparse(knoop)
        elif (
            isinstance(knoop, ast.Attribute)
            and isinstance(knoop.value, ast.Name)
            and knoop.value.id == "gp"
            and knoop.attr not in gp.__all__
        ):
            tekst = f"gp.{knoop.attr} staat niet in gp.__all__"
        if tekst:
            gevonden.append(f"regel {knoop.lineno}: {tekst}")
    return sorted(gevonden)


def test_niet_publiek_vindt_elke_soort():
    bron = "\n".join(
        [
            "import gebiedsplan as gp",  # the one allowed import
            "%matplotlib inline",  # IPython magic, skipped
            "import gebiedsplan",  # 3
            "import gebiedsplan.analyse as a",  # 4
            "from gebiedsplan import run_analyse",  # 5
            "from gebiedsplan._io import atomic_path",  # 6
            "gp.errors.GebiedsplanError, gp.run_analyse",  # public
            "gp.analyse.hiaten",  # 8: a module, not in __all__
            "import numpy as np",  # not gebiedsplan
        ]
    )
    assert niet_publiek(bron) == [
        "regel 3: import gebiedsplan",
        "regel 4: import gebiedsplan.analyse as a",
        "regel 5: from gebiedsplan import run_analyse",
        "regel 6: from gebiedsplan._io import atomic_path",
        "regel 8: gp.analyse staat niet in gp.__all__",
    ]


@pytest.mark.parametrize("naam", sorted(p.name for p in NOTEBOOKS.glob("*.ipynb")))
def test_notebook_gebruikt_alleen_gp(naam):
    boek = nbformat.read(NOTEBOOKS / naam, as_version=4)
    code = [cel for cel in boek.cells if cel.cell_type == "code"]
    assert code, f"{naam} heeft geen codecellen"
    fouten = [
        f"{naam}, cel {cel.get('id', i)}, {fout}"
        for i, cel in enumerate(code)
        for fout in niet_publiek(cel.source)
    ]
    assert not fouten, "gebruik alleen `import gebiedsplan as gp` en gp.<naam>:\n" + "\n".join(
        fouten
    )
    assert any("import gebiedsplan as gp" in cel.source for cel in code), naam


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


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A planner's project folder (with ``wijken/``) whose notebooks sit in ``notebooks/``: the
    notebooks run there and must write to the project's ``maps/`` and ``uitvoer/``."""
    (tmp_path / "wijken").mkdir()
    (tmp_path / "notebooks").mkdir()
    return tmp_path


@pytest.mark.slow
def test_01_kennismaken(project, kernel, monkeypatch):
    tmp_path = project
    uit = run("01_kennismaken.ipynb", project / "notebooks", kernel, monkeypatch)
    assert "Rivierstad (synthetisch) telt 51.382 inwoners in 6 wijken en 26 buurten." in uit
    assert "Havenkwartier" in uit
    assert (
        "Grootste hiaat in Havenkwartier: Jeugd en gezin (CJG) (hiaatscore 100, 2.247 inwoners"
        in uit
    )
    assert (tmp_path / "maps" / "kennismaken_rivierstad.html").exists()
    assert not (tmp_path / "notebooks" / "maps").exists()
    assert "folium.folium.Map" in uit  # explore() drew the buurten (mapclassify classes)


@pytest.mark.slow
def test_02_gebiedsplan(project, kernel, monkeypatch):
    tmp_path = project
    uit = run("02_gebiedsplan.ipynb", project / "notebooks", kernel, monkeypatch)
    # 14.923 residents in the 7,000 homes and 750 in the opvang
    assert "Inwoners van het Havenkwartier: nu 363, in 2040 15.673." in uit
    rapport = tmp_path / "maps" / "gebiedsplan_havenkwartier.html"
    assert "Sociaal gebiedsplan" in rapport.read_text(encoding="utf-8")
    pdf = tmp_path / "maps" / "gebiedsplan_havenkwartier.pdf"
    assert (pdf.exists() and pdf.read_bytes().startswith(b"%PDF")) or "Geen PDF: " in uit


@pytest.mark.slow
def test_03_iab(project, kernel, monkeypatch):
    tmp_path = project
    uit = run("03_iab.ipynb", project / "notebooks", kernel, monkeypatch)
    assert "Als het Havenhuis sluit, wonen " in uit
    assert "Twee nieuwe ontmoetingsplekken (greedy) brengen " in uit
    assert "Minste capaciteit binnen bereik: Kinderopvang in Oude Stad (4% van de norm)." in uit
    # 7,279 homes x 125 m² per 1,000; the opened MFA's 2,500 m² over its four functions
    assert (
        "Ontmoeting in het Havenkwartier na het programma: 910 m² nodig voor 7.279 woningen, "
        "625 m² aanwezig." in uit
    )
    assert (tmp_path / "uitvoer" / "hiaten_GM9999.xlsx").exists()


@pytest.mark.slow
def test_04_echte_data_skips_without_the_files(tmp_path, kernel, monkeypatch):
    monkeypatch.setenv("GEBIEDSPLAN_DATA_ARNHEM", str(tmp_path / "bestaat-niet"))
    uit = run("04_echte_data.ipynb", tmp_path, kernel, monkeypatch)
    assert "de stappen hieronder worden overgeslagen" in uit
    assert not (tmp_path / "maps").exists()


@pytest.mark.slow
def test_04_echte_data_on_the_arnhem_files(tmp_path, kernel, monkeypatch, arnhem_data):
    monkeypatch.setenv("GEBIEDSPLAN_DATA_ARNHEM", str(arnhem_data))
    uit = run("04_echte_data.ipynb", tmp_path, kernel, monkeypatch)
    # real layers and one fictitious register: the gemeente is not called synthetic
    assert "Arnhem: 24 wijken, 83 buurten, 167.470 inwoners." in uit
    assert "Noordwest-Arnhem: 22 buurten, 28.480 inwoners." in uit
    assert (tmp_path / "maps" / "gebiedsplan_noordwest_arnhem.html").exists()


def test_project_folders_from_a_subfolder(tmp_path, monkeypatch):
    """Run from a subfolder of a project (``notebooks/``), the output folders are the
    project's; run from the project itself or outside any project, they stay relative."""
    from gebiedsplan import settings

    (tmp_path / "lagen").mkdir()
    (tmp_path / "notebooks" / "diep").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "notebooks" / "diep")
    assert settings._project_path("maps") == tmp_path / "maps"
    monkeypatch.chdir(tmp_path)
    assert settings._project_path("maps") == Path("maps")
    los = tmp_path.parent / f"{tmp_path.name}_los"
    los.mkdir()
    monkeypatch.chdir(los)
    assert settings._project_path("uitvoer") == Path("uitvoer")
