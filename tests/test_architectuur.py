"""The shape of the package: one direction of imports, private names stay home, products only draw.

Reads the source of every module in ``gebiedsplan/`` (its AST; nothing is imported) and checks

* **the layer order** of the import-linter contract in ``pyproject.toml`` (the one source of
  truth; ``lint-imports`` checks the same contract, including indirect imports): a module imports
  only from its own layer or the layers below it; siblings written ``a | b`` do not import each
  other; importing the public namespace ``gebiedsplan`` itself (its ``__init__`` imports every
  layer) counts as importing the top; imports under ``if TYPE_CHECKING:`` count;
* **every module is in a layer**, so a new module cannot slip past the order;
* **the private-name rule**: a name starting with ``_`` defined in ``pkg/mod.py``, or a module
  ``pkg/_mod.py``, is imported only by modules inside ``pkg`` and its subpackages (so the root
  helpers ``gebiedsplan._io``, ``_http``, ``_validate``, ``_tekst``, ``_version`` serve every
  module, ``netwerk._kern`` only the engine);
* **products only draw**: ``kaarten/`` and ``rapport/`` never import the engine (``netwerk``) or
  the sources (``bronnen``), and take from ``analyse`` only its classes (result types such as
  ``Analyse`` and ``ScenarioResultaat``, names starting with a capital), never a function.

``test_de_controle_vindt_elke_soort`` runs the checks on a small made-up package with one
violation of each kind, so these tests cannot pass by finding nothing.
"""

from __future__ import annotations

import ast
import dataclasses
import functools
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PAKKET = REPO / "gebiedsplan"
PYPROJECT = REPO / "pyproject.toml"

#: Products (relative to the package): they draw what the analyses return.
PRODUCTEN = ("kaarten", "rapport")
#: What products never import: the engine and the sources.
NIET_VOOR_PRODUCTEN = ("netwerk", "bronnen")
#: From here products import classes (result types) only.
ANALYSES = "analyse"


# ------------------------------------------------------------------------------------------------
# Reading: the contract and the imports
# ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Laag:
    """One line of the layers contract: one module, or siblings (``a | b`` independent)."""

    modules: tuple[str, ...]  # full names, e.g. ("gebiedsplan.kaarten", "gebiedsplan.export")
    onafhankelijk: bool  # "a | b": the siblings may not import each other; "a : b": they may


@dataclass(frozen=True)
class Lagen:
    """A layers contract for one container: ``lagen[0]`` is the top."""

    container: str
    lagen: tuple[Laag, ...]


def read_contract(pyproject: Path) -> list[Lagen]:
    """The ``layers`` contracts of ``[tool.importlinter]`` in ``pyproject``, one per container."""
    config = tomllib.loads(pyproject.read_text(encoding="utf-8"))["tool"]["importlinter"]
    uit = []
    for contract in config["contracts"]:
        if contract["type"] != "layers":
            continue
        onbekend = set(contract) - {"id", "name", "type", "layers", "containers"}
        assert not onbekend, (
            f"contract {contract.get('id')!r} gebruikt {sorted(onbekend)}; "
            "tests/test_architectuur.py kent die opties niet: leer ze de test, of laat ze weg"
        )
        containers = contract.get("containers") or [""]
        for container in containers:
            lagen = []
            for regel in contract["layers"]:
                teken = "|" if "|" in regel else ":"
                delen = [d.strip().strip("()") for d in regel.split(teken)]
                modules = tuple(f"{container}.{d}" if container else d for d in delen)
                lagen.append(Laag(modules, onafhankelijk=teken == "|"))
            uit.append(Lagen(container or config["root_package"], tuple(lagen)))
    assert uit, f"geen layers-contract in [tool.importlinter] van {pyproject}"
    return uit


@dataclass(frozen=True)
class Import:
    """One imported thing: module ``doel``, or name ``naam`` from module ``doel``."""

    bestand: Path
    regel: int
    importeur: str  # module name of the importing file
    doel: str  # absolute module name; for ``from m import sub`` with a submodule: ``m.sub``
    naam: str | None  # the imported name when it is not a module


@dataclass(frozen=True, order=True)
class Overtreding:
    """One violation, printed as ``file:line: text``."""

    bestand: str  # relative to the folder above the package
    regel: int
    soort: str  # "laag", "privé" or "product"
    tekst: str

    def __str__(self) -> str:
        return f"{self.bestand}:{self.regel}: [{self.soort}] {self.tekst}"


def module_name(pad: Path, basis: Path) -> str:
    """``basis/gebiedsplan/kaarten/opbouw.py`` -> ``gebiedsplan.kaarten.opbouw``."""
    delen = list(pad.relative_to(basis).with_suffix("").parts)
    if delen[-1] == "__init__":
        delen.pop()
    return ".".join(delen)


@dataclass(frozen=True)
class Boom:
    """The modules of a package folder: name -> file, which names are packages, and every
    import of every module (also inside functions and under ``if TYPE_CHECKING:``)."""

    basis: Path  # the folder holding the package folder
    bestanden: dict[str, Path]
    pakketten: frozenset[str]
    imports: tuple[Import, ...] = ()

    @classmethod
    def read(cls, pakket: Path) -> Boom:
        bestanden = {
            module_name(p, pakket.parent): p
            for p in sorted(pakket.rglob("*.py"))
            if "__pycache__" not in p.parts
        }
        pakketten = frozenset(m for m, p in bestanden.items() if p.name == "__init__.py")
        boom = cls(pakket.parent, bestanden, pakketten)
        return dataclasses.replace(boom, imports=tuple(boom._read_imports()))

    def _read_imports(self) -> Iterator[Import]:
        for importeur, bestand in self.bestanden.items():
            boom = ast.parse(bestand.read_text(encoding="utf-8"), filename=str(bestand))
            for knoop in ast.walk(boom):
                if isinstance(knoop, ast.Import):
                    for alias in knoop.names:
                        yield Import(bestand, knoop.lineno, importeur, alias.name, None)
                elif isinstance(knoop, ast.ImportFrom):
                    module = self._absolute(importeur, knoop.module, knoop.level)
                    for alias in knoop.names:
                        sub = f"{module}.{alias.name}"
                        if sub in self.bestanden:
                            yield Import(bestand, knoop.lineno, importeur, sub, None)
                        else:
                            yield Import(bestand, knoop.lineno, importeur, module, alias.name)

    def _absolute(self, importeur: str, module: str | None, niveau: int) -> str:
        if niveau == 0:
            assert module is not None
            return module
        pakket = importeur if importeur in self.pakketten else importeur.rpartition(".")[0]
        delen = pakket.split(".")
        basis = delen[: len(delen) - (niveau - 1)]
        return ".".join([*basis, module] if module else basis)

    def relatief(self, pad: Path) -> str:
        return pad.relative_to(self.basis).as_posix()


def binnen(module: str, pakket: str) -> bool:
    """Is ``module`` the package ``pakket`` or inside it?"""
    return module == pakket or module.startswith(pakket + ".")


def is_private(naam: str) -> bool:
    return naam.startswith("_") and not (naam.startswith("__") and naam.endswith("__"))


# ------------------------------------------------------------------------------------------------
# The checks
# ------------------------------------------------------------------------------------------------


def check_private(boom: Boom, wortel: str) -> list[Overtreding]:
    """Private modules and names imported from outside the package that owns them."""
    uit = []
    for imp in boom.imports:
        if not binnen(imp.doel, wortel):
            continue
        eigenaren = []  # (owner package, what is private), outermost first
        delen = imp.doel.split(".")
        for i, deel in enumerate(delen):
            if is_private(deel):
                eigenaren.append((".".join(delen[:i]), f"module {imp.doel}"))
        if imp.naam is not None and is_private(imp.naam):
            # a name in a package's __init__ belongs to that package; in pkg/mod.py, to pkg
            eigenaar = imp.doel if imp.doel in boom.pakketten else imp.doel.rpartition(".")[0]
            eigenaren.append((eigenaar, f"naam {imp.naam} uit {imp.doel}"))
        fout = [(e, wat) for e, wat in eigenaren if not binnen(imp.importeur, e)]
        if fout:
            eigenaar, wat = fout[-1]
            uit.append(
                Overtreding(
                    boom.relatief(imp.bestand),
                    imp.regel,
                    "privé",
                    f"{imp.importeur} importeert de privé {wat}; die is alleen voor modules "
                    f"binnen {eigenaar}. Maak haar publiek (zonder _) of verplaats de code",
                )
            )
    return uit


def _plek(module: str, lagen: Lagen) -> tuple[int, str] | None:
    """(index of the layer, the sibling) holding ``module``; ``(-1, container)`` for the
    container itself (its ``__init__`` imports every layer); ``None`` outside the contract."""
    if module == lagen.container:
        return -1, module
    for index, laag in enumerate(lagen.lagen):
        for deel in laag.modules:
            if binnen(module, deel):
                return index, deel
    return None


def check_layers(boom: Boom, contracten: list[Lagen]) -> list[Overtreding]:
    """Imports of a higher layer, or of an independent sibling in the same layer."""
    uit = []
    for imp in boom.imports:
        for lagen in contracten:
            van, naar = _plek(imp.importeur, lagen), _plek(imp.doel, lagen)
            if van is None or naar is None or van[0] == -1:
                continue
            (i_van, deel_van), (i_naar, deel_naar) = van, naar
            tekst = None
            if i_naar == -1:
                tekst = (
                    f"{imp.importeur} importeert {imp.naam or 'de naamruimte'} uit {imp.doel}, "
                    "dat elke laag importeert; importeer uit de module zelf"
                )
            elif i_naar < i_van:
                tekst = (
                    f"{imp.importeur} (laag {deel_van}) importeert {imp.doel} "
                    f"uit de hogere laag {deel_naar}; een laag importeert alleen van lagen eronder"
                )
            elif i_naar == i_van and deel_naar != deel_van and lagen.lagen[i_van].onafhankelijk:
                tekst = (
                    f"{imp.importeur} importeert {imp.doel}: {deel_van} en {deel_naar} zijn "
                    "onafhankelijke buren in één laag (a | b) en importeren elkaar niet"
                )
            if tekst:
                uit.append(Overtreding(boom.relatief(imp.bestand), imp.regel, "laag", tekst))
    return uit


def check_every_module_in_a_layer(boom: Boom, contracten: list[Lagen]) -> list[Overtreding]:
    """Modules directly under a container that no layer names."""
    uit = []
    for lagen in contracten:
        for module, bestand in boom.bestanden.items():
            if module.rpartition(".")[0] == lagen.container and _plek(module, lagen) is None:
                uit.append(
                    Overtreding(
                        boom.relatief(bestand),
                        1,
                        "laag",
                        f"{module} staat in geen laag van het contract in pyproject.toml; "
                        "zet haar in de laag waar ze hoort",
                    )
                )
    return uit


def check_products(
    boom: Boom,
    wortel: str,
    *,
    producten: tuple[str, ...] = PRODUCTEN,
    verboden: tuple[str, ...] = NIET_VOOR_PRODUCTEN,
    analyses: str = ANALYSES,
) -> list[Overtreding]:
    """Products that import the engine or the sources, or anything but a class of the analyses."""
    uit = []
    for imp in boom.imports:
        if not any(binnen(imp.importeur, f"{wortel}.{p}") for p in producten):
            continue
        tekst = None
        if any(binnen(imp.doel, f"{wortel}.{v}") for v in verboden):
            tekst = (
                f"{imp.importeur} importeert {imp.doel}"
                + (f".{imp.naam}" if imp.naam else "")
                + "; kaarten en rapport tekenen wat de analyses teruggeven en rekenen niet zelf"
            )
        elif binnen(imp.doel, f"{wortel}.{analyses}") and not (imp.naam and imp.naam[0].isupper()):
            tekst = (
                f"{imp.importeur} importeert {imp.naam or 'de module'} uit {imp.doel}; "
                f"uit {wortel}.{analyses} nemen kaarten en rapport alleen resultaatklassen "
                "(Analyse, ScenarioResultaat ...), de berekening hoort in de analyse"
            )
        if tekst:
            uit.append(Overtreding(boom.relatief(imp.bestand), imp.regel, "product", tekst))
    return uit


def _melding(overtredingen: list[Overtreding]) -> str:
    return f"{len(overtredingen)} overtreding(en):\n" + "\n".join(
        str(o) for o in sorted(overtredingen)
    )


# ------------------------------------------------------------------------------------------------
# The tests on gebiedsplan
# ------------------------------------------------------------------------------------------------


@functools.cache
def pakket_boom() -> Boom:
    """The package as it is on disk, read once per test run."""
    return Boom.read(PAKKET)


def test_geen_privenamen_over_pakketgrenzen():
    fouten = check_private(pakket_boom(), "gebiedsplan")
    assert not fouten, _melding(fouten)


def test_imports_volgen_de_lagen():
    fouten = check_layers(pakket_boom(), read_contract(PYPROJECT))
    assert not fouten, _melding(fouten)


def test_elke_module_staat_in_een_laag():
    fouten = check_every_module_in_a_layer(pakket_boom(), read_contract(PYPROJECT))
    assert not fouten, _melding(fouten)


def test_kaarten_en_rapport_rekenen_niet():
    fouten = check_products(pakket_boom(), "gebiedsplan")
    assert not fouten, _melding(fouten)


def test_het_contract_noemt_de_stroom():
    (lagen,) = read_contract(PYPROJECT)
    volgorde = [m for laag in lagen.lagen for m in laag.modules]
    stroom = ["cli", "rapport", "kaarten", "publiceren", "analyse", "netwerk", "store", "bronnen"]
    posities = [volgorde.index(f"gebiedsplan.{m}") for m in stroom]
    assert posities == sorted(posities), volgorde


# ------------------------------------------------------------------------------------------------
# The checks find what they should: a made-up package with one violation of each kind
# ------------------------------------------------------------------------------------------------

STAD_PYPROJECT = """\
[tool.importlinter]
root_package = "stad"

[[tool.importlinter.contracts]]
id = "richting"
name = "richting"
type = "layers"
containers = ["stad"]
layers = ["cli", "kaart | export", "analyse", "netwerk", "(_io) | errors"]
"""

STAD = {
    "__init__.py": "from stad.analyse import run\nfrom stad.kaart import Kaart\n",
    "errors.py": "class Fout(ValueError):\n    pass\n",
    "_io.py": "def schrijf():\n    pass\n",
    "los.py": "X = 1\n",
    "cli.py": (
        "import stad.kaart\n"
        "from stad import _io, errors\n"
        "from stad.kaart import Kaart\n"
        "from stad.netwerk.graaf import Graaf\n"
    ),
    "netwerk/__init__.py": "from stad.netwerk.graaf import Graaf\n",
    "netwerk/graaf.py": (
        "from stad import _io\n"
        "from stad.netwerk._kern import zoek\n"
        "from . import _kern\n"
        "class Graaf:\n    pass\n"
        "def _hulp():\n    pass\n"
    ),
    "netwerk/_kern.py": "from stad.errors import Fout\ndef zoek():\n    pass\n",
    "analyse/__init__.py": "from stad.analyse.run import Analyse, run\n",
    "analyse/run.py": (
        "from typing import TYPE_CHECKING\n"  # 1
        "from stad.netwerk import Graaf\n"  # 2
        "from stad.netwerk.graaf import _hulp\n"  # 3 private name from netwerk
        "import stad.netwerk._kern\n"  # 4 private module of netwerk
        "if TYPE_CHECKING:\n"  # 5
        "    from stad.kaart import Kaart\n"  # 6 upward, though only for the type checker
        "class Analyse:\n    pass\n"
        "def run():\n"
        "    from stad.errors import Fout\n"
        "    return Fout\n"
    ),
    "kaart/__init__.py": (
        "from stad.analyse import Analyse\n"  # 1 a class: fine
        "from stad.analyse.run import run\n"  # 2 a function of the analyses
        "from ..netwerk import graaf\n"  # 3 the engine (relative import)
        "from stad.export import schrijf\n"  # 4 independent sibling
        "from ._hulp import teken\n"  # 5 own private module: fine
        "class Kaart:\n    pass\n"
    ),
    "kaart/_hulp.py": "def teken():\n    pass\n",
    "export.py": "from stad import run\ndef schrijf():\n    pass\n",  # 1 the namespace
}


def test_de_controle_vindt_elke_soort(tmp_path):
    for naam, tekst in STAD.items():
        pad = tmp_path / "stad" / naam
        pad.parent.mkdir(parents=True, exist_ok=True)
        pad.write_text(tekst, encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text(STAD_PYPROJECT, encoding="utf-8")
    boom = Boom.read(tmp_path / "stad")
    contract = read_contract(tmp_path / "pyproject.toml")
    assert [laag.modules for laag in contract[0].lagen][-1] == ("stad._io", "stad.errors")

    gevonden = {
        (o.bestand, o.regel, o.soort)
        for o in check_private(boom, "stad")
        + check_layers(boom, contract)
        + check_every_module_in_a_layer(boom, contract)
        + check_products(
            boom, "stad", producten=("kaart",), verboden=("netwerk",), analyses="analyse"
        )
    }
    assert gevonden == {
        ("stad/analyse/run.py", 3, "privé"),
        ("stad/analyse/run.py", 4, "privé"),
        ("stad/analyse/run.py", 6, "laag"),
        ("stad/kaart/__init__.py", 2, "product"),
        ("stad/kaart/__init__.py", 3, "product"),
        ("stad/kaart/__init__.py", 4, "laag"),
        ("stad/export.py", 1, "laag"),
        ("stad/los.py", 1, "laag"),
    }


def test_een_overtreding_noemt_bestand_en_regel(tmp_path):
    (tmp_path / "stad" / "netwerk").mkdir(parents=True)
    (tmp_path / "stad" / "__init__.py").write_text("", encoding="utf-8")
    (tmp_path / "stad" / "netwerk" / "__init__.py").write_text("", encoding="utf-8")
    (tmp_path / "stad" / "netwerk" / "_kern.py").write_text("", encoding="utf-8")
    (tmp_path / "stad" / "cli.py").write_text(
        "import os\n\nfrom stad.netwerk import _kern\n", encoding="utf-8"
    )
    (fout,) = check_private(Boom.read(tmp_path / "stad"), "stad")
    assert str(fout).startswith("stad/cli.py:3: [privé] stad.cli importeert de privé module ")
    assert "alleen voor modules binnen stad.netwerk" in str(fout)
