"""The kernels compiled ahead of time (``_aot``, ``_kernels``): the same numbers as numba's JIT.

Every kernel of :data:`gebiedsplan.netwerk._aot.KERNELS` is run on small inputs by the extension
module and by numba's JIT and the results compared bit for bit; a whole analysis runs with
``GEBIEDSPLAN_KERNELS=aot`` (every call must find its compiled variant) and gives the same table
as with ``jit``; calls that do not fit, a missing module and a stale one fall back to the JIT.
The module is the installed one (``pip install -e .`` builds it); where there is none (a source
tree never built) the tests build it in a temporary folder, which needs a C compiler.
"""

from __future__ import annotations

import importlib.util
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

import numpy as np
import pytest
from scipy.sparse import random as sparse_random

from gebiedsplan.errors import GebiedsplanError
from gebiedsplan.netwerk import _aot, _kernels


@pytest.fixture(scope="session")
def aot(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    module = _kernels.aot_module()
    if module is not None:
        return module
    map_ = tmp_path_factory.mktemp("aot")
    try:
        pad = _aot.build(map_)
    except Exception as fout:  # noqa: BLE001 - no compiler, no pycc: nothing to compare
        pytest.skip(f"kernels niet vooraf te compileren hier: {fout}")
    spec = importlib.util.spec_from_file_location(f"gebiedsplan.netwerk.{_aot.MODULE}", pad)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert _kernels.waarom_niet(module) == ""
    return module


@pytest.fixture
def met_aot(aot: ModuleType, monkeypatch: pytest.MonkeyPatch) -> Iterator[ModuleType]:
    monkeypatch.setattr(_kernels, "aot_module", lambda: aot)
    yield aot


def _graaf(n: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    g = sparse_random(n, n, density=4 / n, random_state=rng, format="csr")
    g.data = np.round(rng.uniform(0.0, 100.0, g.nnz), 1)  # ties and zero-length edges
    g.data[:3] = 0.0
    return g.indptr.astype(np.int32), g.indices.astype(np.int32), g.data.astype(np.float64)


def _ingangen(rng: np.random.Generator, k: int, n: int) -> tuple[np.ndarray, np.ndarray]:
    rij = rng.integers(-1, n, (k, 2)).astype(np.int64)
    return rij, np.round(rng.uniform(0.0, 30.0, (k, 2)), 1)


def _tel_invoer(knopen_als_doel: bool, per_zoeker: bool) -> tuple[Any, ...]:
    rng = np.random.default_rng(3)
    n = 400
    indptr, indices, data = _graaf(n, 1)
    zoek_rij, zoek_off = _ingangen(rng, 60, n)
    zoek_groep = rng.integers(0, 3, 60).astype(np.int64)
    doel_rij, doel_off = _ingangen(rng, 90, n)
    ptr, ids, off = _kernels.per_knoop.jit(doel_rij, doel_off, n)
    doel_groep = rng.integers(0, 2, 90).astype(np.int64)
    stralen = np.array([50.0, 120.0, 250.0])
    vorm = (2, 3, 60) if per_zoeker else (3, 3, n if knopen_als_doel else 90)
    tellingen = np.zeros(vorm, dtype=np.int32)
    graaf = (indptr, indices, data)
    zoekers = (zoek_rij, zoek_off, zoek_groep)
    doelen = (ptr, ids, off, doel_groep)
    return (*graaf, *zoekers, *doelen, knopen_als_doel, per_zoeker, stralen, 17.5, tellingen)


def _invoer() -> Iterator[tuple[str, tuple[Any, ...]]]:
    """(kernel, arguments) on small inputs, every kernel of the table and its edge cases."""
    rng = np.random.default_rng(11)
    for knopen_als_doel, per_zoeker in ((True, False), (False, False), (False, True)):
        yield "tel_binnen", _tel_invoer(knopen_als_doel, per_zoeker)
    indptr, indices, data = _graaf(500, 2)
    bron = rng.integers(0, 500, 7).astype(np.int64)
    off = np.round(rng.uniform(0, 40, 7), 1)
    for shift, venster in ((3, 0.0), (5, 25.0), (12, 1000.0)):
        yield "blokken_dijkstra", (indptr, indices, data, bron, off, shift, venster)
    volgorde = np.argsort(off, kind="stable")
    for delta, capaciteit in ((5.0, 2000), (40.0, 2000), (5.0, 3)):  # 3: runs out, ok False
        bronnen = (bron[volgorde], off[volgorde])
        yield "delta_stappen", (indptr, indices, data, *bronnen, delta, capaciteit)
    yield "per_knoop", (*_ingangen(rng, 50, 30), 30)
    a = np.round(rng.uniform(0, 500, (80, 2)), 0)
    b = a + np.round(rng.uniform(-60, 60, (80, 2)), 0)
    b[:4] = a[:4]  # segments of length 0
    kant = np.repeat(np.arange(40, dtype=np.int64), 2)
    from gebiedsplan.netwerk._snapkern import build_raster

    xy = np.round(rng.uniform(-100, 600, (300, 2)), 1)
    xy[:10] = a[:10]  # exactly on a vertex
    yield "dichtstbij", (xy, a, b, kant, *build_raster(a, b))
    from gebiedsplan.netwerk._bouw import hilbert_tabel

    pxy = rng.uniform(0, 1000, (500, 2))
    yield "hilbert_posities", (pxy, 0.0, 0.0, 1000.0, 16, hilbert_tabel(1), hilbert_tabel(4))
    yield "hilbert_posities", (pxy, 0.0, 0.0, 1000.0, 7, hilbert_tabel(1), hilbert_tabel(4))
    for bits in (8, 32, 48):
        sleutels = rng.integers(0, 2**bits, 3000).astype(np.int64)
        yield "stabiel_argsort", (sleutels, bits)
    yield "stabiel_argsort", (np.array([5], dtype=np.int64), 16)
    m, n = 900, 200
    ea = rng.integers(0, n, m).astype(np.int64)
    eb = rng.integers(0, n, m).astype(np.int64)
    eb[:20] = ea[:20]  # self-loops
    ea[20:60], eb[20:60] = ea[60:100], eb[60:100]  # parallel edges
    w = np.round(rng.uniform(0, 50, m), 0)
    w[5:8] = np.nan
    terug = rng.random(m) < 0.5
    for t in (terug, np.zeros(0, dtype=bool)):
        for dedupe in (False, True):
            ruimte = m + (int(t.sum()) if len(t) else 0)
            buf = np.full(ruimte, -7, dtype=np.int32)
            yield "csr_rijen", (ea, eb, w, t, n, dedupe, buf)
    yield "transponeer", (indptr, indices, data, 500, np.full(len(indices), -7, dtype=np.int32))
    w2 = w.copy()
    w2[100:110] = 0.0
    yield "rek_grootheden", (pxy[:n], ea, eb, w2)


GEVALLEN = list(_invoer())


def _kopie(args: tuple[Any, ...], typen: tuple[str, ...]) -> tuple[Any, ...]:
    """Copies of the arrays; read-only where the kernel only reads (the table says so)."""
    uit = []
    for a, code in zip(args, typen, strict=True):
        if isinstance(a, np.ndarray):
            a = a.copy()
            a.flags.writeable = _aot.parse_type(code)[2]
        uit.append(a)
    return tuple(uit)


def _gelijk(x: Any, y: Any) -> bool:
    if isinstance(x, tuple):
        return isinstance(y, tuple) and len(x) == len(y) and all(map(_gelijk, x, y))
    if isinstance(x, np.ndarray):
        return isinstance(y, np.ndarray) and x.dtype == y.dtype and x.tobytes() == y.tobytes()
    return type(x) is type(y) and (x == y or (x != x and y != y))


@pytest.mark.parametrize(("naam", "args"), GEVALLEN, ids=[g[0] for g in GEVALLEN])
def test_vooraf_gecompileerd_gelijk_aan_jit(naam: str, args: tuple[Any, ...], aot: Any) -> None:
    kern = getattr(_kernels, naam)
    (typen, _), *_ = kern.kernel.varianten
    # read-only where the table says the kernel only reads: the JIT then compiles for read-only
    # arrays and refuses a kernel that writes into one (so the table cannot claim too little)
    args_aot, args_jit = _kopie(args, typen), _kopie(args, typen)
    functie = kern.aot(args_aot, aot)
    assert functie is not None, f"{naam}: geen variant voor de argumenten die de motor geeft"
    uit_aot = functie(*args_aot)
    uit_jit = kern.jit(*args_jit)
    assert _gelijk(uit_aot, uit_jit), naam
    # what the kernels write into their arguments (counts, index buffers) is the same too
    assert all(map(_gelijk, args_aot, args_jit)), naam


def test_elke_kernel_staat_in_de_tabel_en_is_getest() -> None:
    # a new kernel in _kern, _snapkern or _bouw belongs in _aot.KERNELS (else numba compiles it
    # on the first analysis again), with a case above
    from numba.core.registry import CPUDispatcher

    from gebiedsplan.netwerk import _bouw, _kern, _snapkern

    kernels = {
        naam
        for module in (_kern, _snapkern, _bouw)
        for naam, waarde in vars(module).items()
        if isinstance(waarde, CPUDispatcher) and not naam.startswith("_")
    }
    assert {k.naam for k in _aot.KERNELS} == kernels
    assert {g[0] for g in GEVALLEN} == kernels
    for k in _aot.KERNELS:
        assert isinstance(getattr(_kernels, k.naam), _kernels.Kern), k.naam


def _analyse_per_modus(
    met_aot: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> dict[str, tuple[Any, set[str], set[str]]]:
    """The demo's network compiled (with the kernels of large networks) and its analysis, once
    per ``GEBIEDSPLAN_KERNELS``: (table, kernels run by the module, kernels run by numba)."""
    import importlib

    from gebiedsplan.analyse.bereikbaarheid import compute_bereikbaarheid
    from gebiedsplan.bronnen.demo import build_demo
    from gebiedsplan.catalogus import Norm
    from gebiedsplan.netwerk import graaf

    monkeypatch.setattr(graaf, "NUMPY_TOT", 0)  # the kernels of large networks too
    demo = build_demo()
    normen = {
        c: Norm(c, 500.0, 0.9, "test", "test") for c in demo.voorzieningen["categorie"].unique()
    }
    aot: set[str] = set()
    jit: set[str] = set()

    class Spion:
        def __getattr__(self, naam: str) -> Callable[..., Any]:
            aot.add(naam.split("__")[0])
            return getattr(met_aot, naam)

    def opnemer(naam: str, functie: Callable[..., Any]) -> Callable[..., Any]:
        def opnemen(*args: Any) -> Any:
            jit.add(naam)
            return functie(*args)

        return opnemen

    # every numba kernel, whoever calls it (a caller may import it from its own module)
    for kernel in _aot.KERNELS:
        module = importlib.import_module(f"gebiedsplan.netwerk.{kernel.module}")
        monkeypatch.setattr(module, kernel.naam, opnemer(kernel.naam, getattr(module, kernel.naam)))
    monkeypatch.setattr(_kernels, "aot_module", lambda: Spion())
    uit = {}
    for modus in ("aot", "jit"):
        monkeypatch.setenv("GEBIEDSPLAN_KERNELS", modus)
        aot.clear()
        jit.clear()
        net = graaf.compile_netwerk(demo.netwerk)
        tabel = compute_bereikbaarheid(demo.vraagpunten, demo.voorzieningen, net, normen)
        uit[modus] = (tabel, set(aot), set(jit))
    return uit


def test_een_analyse_vooraf_gecompileerd_geeft_dezelfde_tabel(
    met_aot: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    uit = _analyse_per_modus(met_aot, monkeypatch)
    assert uit["aot"][0].equals(uit["jit"][0])
    assert uit["jit"][1] == set()  # jit: the module is never asked
    assert {"dichtstbij", "csr_rijen", "hilbert_posities", "stabiel_argsort"} <= uit["aot"][1]


def _zoeken_roept_kern_direct_aan() -> bool:
    from gebiedsplan.netwerk import zoeken

    return "netwerk._kern import" in Path(zoeken.__file__).read_text(encoding="utf-8")


@pytest.mark.xfail(
    _zoeken_roept_kern_direct_aan(),
    strict=True,
    reason="zoeken.py importeert de kernels nog uit _kern in plaats van uit _kernels",
)
def test_een_analyse_vooraf_gecompileerd_compileert_niets(
    met_aot: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    # every kernel the analysis uses (as the JIT run shows) comes from the module: numba
    # compiles nothing on the first analysis
    uit = _analyse_per_modus(met_aot, monkeypatch)
    tabel, aot, jit = uit["aot"]
    assert jit == set()
    assert aot == uit["jit"][2]


def test_een_aanroep_die_niet_past_gaat_naar_de_jit(met_aot: ModuleType) -> None:
    rij = np.array([[0, 2], [1, -1]], dtype=np.int64)
    off = np.array([[1.0, 2.0], [3.0, 0.0]])
    assert _kernels.per_knoop.aot((rij, off, 3), met_aot) is not None
    for anders in (
        (rij.astype(np.float64), off, 3),  # same itemsize, other dtype: would be read as int
        (rij.astype(np.int32), off, 3),
        (np.asfortranarray(rij), off, 3),
        (rij, off, np.int32(3)),
        (rij, off, True),
        (rij, off[:, :1], 3),
    ):
        assert _kernels.per_knoop.aot(anders, met_aot) is None
    alleen_lezen = rij.copy()
    alleen_lezen.flags.writeable = False
    assert _kernels.per_knoop.aot((alleen_lezen, off, 3), met_aot) is not None  # only read
    args = GEVALLEN[0][1]
    assert _kernels.tel_binnen.aot(args, met_aot) is not None
    tellingen = args[-1].copy()
    tellingen.flags.writeable = False  # written by the kernel: never to the module
    assert _kernels.tel_binnen.aot((*args[:-1], tellingen), met_aot) is None
    # and the call still gives the answer, by the JIT
    ptr, ids, afst = _kernels.per_knoop(rij.astype(np.int32), off, 3)
    assert ptr.tolist() == [0, 1, 2, 3] and ids.tolist() == [0, 1, 0]
    assert afst.tolist() == [1.0, 3.0, 2.0]


def test_zonder_module_de_jit_en_aot_geeft_een_fout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_kernels, "aot_module", lambda: None)
    rij = np.array([[0, -1]], dtype=np.int64)
    off = np.array([[4.0, 0.0]])
    monkeypatch.setenv("GEBIEDSPLAN_KERNELS", "auto")
    assert _kernels.per_knoop(rij, off, 1)[1].tolist() == [0]
    monkeypatch.setenv("GEBIEDSPLAN_KERNELS", "aot")
    with pytest.raises(GebiedsplanError, match="per_knoop.*pip install -e"):
        _kernels.per_knoop(rij, off, 1)
    monkeypatch.setenv("GEBIEDSPLAN_KERNELS", "snel")
    with pytest.raises(GebiedsplanError, match="auto, jit of aot"):
        _kernels.per_knoop(rij, off, 1)


def test_jit_modus_gebruikt_de_module_niet(
    met_aot: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_kernels, "aot_module", lambda: SimpleNamespace())  # any use would fail
    monkeypatch.setenv("GEBIEDSPLAN_KERNELS", "jit")
    rij = np.array([[1, 0]], dtype=np.int64)
    assert _kernels.per_knoop(rij, np.array([[2.0, 5.0]]), 2)[0].tolist() == [0, 1, 2]


def test_een_verouderde_module_wordt_niet_gebruikt(tmp_path: Path) -> None:
    # the key follows every source file of the kernels: an edited kernel is never run as built
    for naam in ("_kern", "_snapkern", "_bouw", "_aot"):
        shutil.copy(Path(_aot.__file__).with_name(f"{naam}.py"), tmp_path / f"{naam}.py")
    assert _aot.bron_sleutel(tmp_path) == _aot.bron_sleutel()
    kern = tmp_path / "_kern.py"
    kern.write_text(kern.read_text(encoding="utf-8") + "\n# gewijzigd\n", encoding="utf-8")
    nieuw = _aot.bron_sleutel(tmp_path)
    assert nieuw != _aot.bron_sleutel()
    assert "andere versie" in _kernels.waarom_niet(SimpleNamespace(bron_sleutel=lambda: nieuw))
    assert _kernels.waarom_niet(SimpleNamespace(bron_sleutel=_aot.bron_sleutel)) == ""


def test_de_module_laadt_zonder_numba(aot: ModuleType) -> None:
    import subprocess
    import sys

    code = (
        "import importlib.util, sys\n"
        f"spec = importlib.util.spec_from_file_location('gebiedsplan.netwerk.{_aot.MODULE}', "
        f"{aot.__file__!r})\n"
        "m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)\n"
        "print(m.bron_sleutel() > 0, 'numba' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", "False"]


def test_parse_type() -> None:
    assert _aot.parse_type("i4[:,:,::1]!") == ("i4", 3, True)
    with pytest.raises(ValueError, match="onbekend"):
        _aot.parse_type("i4[:]")  # only C-contiguous arrays are exported
