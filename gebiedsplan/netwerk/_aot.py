"""The engine's kernels compiled ahead of time: which ones, with which types, and the build.

A fresh environment compiles the numba kernels (:mod:`gebiedsplan.netwerk._kern`,
:mod:`gebiedsplan.netwerk._snapkern`, :mod:`gebiedsplan.netwerk._bouw`) on their first call:
some five seconds before the first analysis, and again whenever numba's cache is empty (a new
container, a new Dask worker image, a cleared cache). So the install compiles them once more,
ahead of time: the same Python functions (``kernel.py_func``, one source for each kernel, no
copy in C), with the argument types the engine calls them with (:data:`KERNELS`), by numba's
``pycc`` into one extension module, :data:`MODULE` (``gebiedsplan/netwerk/_kernels_aot*.so``).
``hatch_build.py`` calls :func:`build` when the wheel or the editable install is built; a build
without a C compiler or without ``numba.pycc`` leaves the module out and the kernels are
compiled on first use as before.

The module carries :func:`bron_sleutel`: a hash of the kernels' source files and of this table
at build time. :mod:`gebiedsplan.netwerk._kernels` uses the module only while the sources still
have that hash: in a source checkout a kernel that has been edited since the build runs as
numba compiles it now, never as it was.

The code is compiled for the generic CPU of the architecture (x86-64: SSE2), so a wheel runs on
every machine of its platform; ``GEBIEDSPLAN_AOT_CPU=host`` at build time compiles for the
building machine instead.
"""

from __future__ import annotations

import hashlib
import os
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: The extension module's name (in :mod:`gebiedsplan.netwerk`).
MODULE = "_kernels_aot"

_HIER = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Kernel:
    """A numba kernel compiled ahead of time: ``module.naam`` for each argument-type variant.

    ``varianten`` holds ``(argument types, return type)`` pairs in numba's signature notation
    (``"i4[::1]"``: a C-contiguous int32 array, ``"f8[:,::1]"``: a C-contiguous 2-d float64
    array, ``"i8"``/``"f8"``/``"b1"``: int64/float64/bool scalars). An array the kernel writes
    into ends in ``!`` (``"i4[:,:,::1]!"``): the call must pass a writeable one; the others
    may be read-only (the kernel only reads them). The argument types are also what
    :mod:`gebiedsplan.netwerk._kernels` checks a call against before it uses the module.
    """

    module: str
    naam: str
    varianten: tuple[tuple[tuple[str, ...], str], ...]

    def export_naam(self, variant: int) -> str:
        """The name of a variant in the extension module.

        Examples
        --------
        >>> KERNELS[0].export_naam(0)
        'tel_binnen__0'
        """
        return f"{self.naam}__{variant}"

    def handtekening(self, variant: int) -> str:
        """numba's signature of a variant.

        Examples
        --------
        >>> kernel_van("stabiel_argsort").handtekening(0)
        'i8[::1](i8[::1], i8)'
        """
        args, uit = self.varianten[variant]
        return f"{uit}({', '.join(a.rstrip('!') for a in args)})"


_I4, _I8, _F8, _B1 = "i4[::1]", "i8[::1]", "f8[::1]", "b1[::1]"
_XY = "f8[:,::1]"

#: Every kernel the engine calls, with the types its callers pass: graphs with int32 indices
#: (``zoeken._csr_arrays`` and ``graaf._idx_dtype`` pick int32 below 2**31 entries; a larger
#: graph runs the kernels as numba compiles them).
KERNELS: tuple[Kernel, ...] = (
    Kernel(
        "_kern",
        "tel_binnen",
        (
            (
                (_I4, _I4, _F8, "i8[:,::1]", "f8[:,::1]", _I8, _I8, _I8, _F8, _I8)
                + ("b1", "b1", _F8, "f8", "i4[:,:,::1]!"),
                "void",
            ),
        ),
    ),
    Kernel("_kern", "blokken_dijkstra", (((_I4, _I4, _F8, _I8, _F8, "i8", "f8"), _F8),)),
    Kernel(
        "_kern",
        "delta_stappen",
        (((_I4, _I4, _F8, _I8, _F8, "f8", "i8"), "Tuple((f8[::1], b1))"),),
    ),
    Kernel(
        "_kern",
        "per_knoop",
        ((("i8[:,::1]", "f8[:,::1]", "i8"), "Tuple((i8[::1], i8[::1], f8[::1]))"),),
    ),
    Kernel(
        "_snapkern",
        "dichtstbij",
        (
            (
                (_XY, _XY, _XY, _I8, _I8, _I8, "f8", "f8", "f8", "i8", "i8"),
                "Tuple((i8[::1], f8[::1]))",
            ),
        ),
    ),
    Kernel(
        "_bouw",
        "hilbert_posities",
        (((_XY, "f8", "f8", "f8", "i8", "i8[:,::1]", "i8[:,::1]"), _I8),),
    ),
    # the keys are marked written: the kernel swaps them with its own buffers, so numba cannot
    # compile it for read-only keys
    Kernel("_bouw", "stabiel_argsort", (((_I8 + "!", "i8"), _I8),)),
    Kernel(
        "_bouw",
        "csr_rijen",
        (((_I8, _I8, _F8, _B1, "i8", "b1", _I4 + "!"), "Tuple((i8[::1], f8[::1], i8))"),),
    ),
    Kernel(
        "_bouw",
        "transponeer",
        (((_I4, _I4, _F8, "i8", _I4 + "!"), "Tuple((i8[::1], f8[::1], i8))"),),
    ),
    Kernel(
        "_bouw",
        "rek_grootheden",
        (((_XY, _I8, _I8, _F8), "Tuple((b1, b1, f8, b1))"),),
    ),
)


def kernel_van(naam: str) -> Kernel:
    """The entry of :data:`KERNELS` for a kernel's name.

    Examples
    --------
    >>> kernel_van("dichtstbij").module
    '_snapkern'
    """
    for kernel in KERNELS:
        if kernel.naam == naam:
            return kernel
    raise KeyError(naam)


def bron_sleutel(map_: Path = _HIER) -> int:
    """A hash (63 bits) of the kernels' source files and of this module in ``map_``: what the
    extension module was built from.

    Examples
    --------
    >>> 0 <= bron_sleutel() < 2**63
    True
    """
    h = hashlib.sha256()
    for naam in sorted({k.module for k in KERNELS}) + ["_aot"]:
        h.update(naam.encode())
        h.update((map_ / f"{naam}.py").read_bytes())
    return int.from_bytes(h.digest()[:8], "little") >> 1


_PATROON = re.compile(r"^(i4|i8|f8|b1)(?:\[((?::,)*)::1\](!?))?$")


def parse_type(code: str) -> tuple[str, int, bool]:
    """``(dtype code, ndim, written)`` of an argument type of :data:`KERNELS` (ndim 0: a
    scalar; written: the kernel writes into the array).

    Examples
    --------
    >>> parse_type("i4[::1]"), parse_type("f8[:,::1]!"), parse_type("b1")
    (('i4', 1, False), ('f8', 2, True), ('b1', 0, False))
    """
    m = _PATROON.match(code)
    if m is None:
        raise ValueError(f"onbekend argumenttype {code!r}")
    if m.group(2) is None:
        return m.group(1), 0, False
    return m.group(1), m.group(2).count(":,") + 1, m.group(3) == "!"


def _constante(waarde: int) -> Callable[[], int]:
    def bron_sleutel() -> int:
        return waarde

    return bron_sleutel


def build(map_: str | Path, *, cpu: str | None = None) -> Path:
    """Compile every kernel of :data:`KERNELS` into the extension module :data:`MODULE` in
    ``map_`` (numba's ``pycc``; a C compiler is needed); returns the file.

    ``cpu``: LLVM's CPU name (``"host"``: the building machine); default
    ``GEBIEDSPLAN_AOT_CPU``, else the generic CPU of the architecture.
    """
    import importlib

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pycc is pending deprecation in numba
        from numba.pycc import CC
        from numba.pycc import compiler as pycc_compiler
    compiler: Any = pycc_compiler
    gewoon = compiler.Flags

    class _Flags(gewoon):  # type: ignore[misc,valid-type]
        """pycc's flags with ``nogil``, as the kernels' ``@njit(nogil=True)``: the module's
        functions release the GIL while they run."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.release_gil = True

    cc = CC(MODULE, source_module=__name__)
    cc.output_dir = str(map_)
    cc.target_cpu = cpu if cpu is not None else os.environ.get("GEBIEDSPLAN_AOT_CPU", "")
    for kernel in KERNELS:
        dispatcher = getattr(
            importlib.import_module(f"gebiedsplan.netwerk.{kernel.module}"), kernel.naam
        )
        for i in range(len(kernel.varianten)):
            cc.export(kernel.export_naam(i), kernel.handtekening(i))(dispatcher.py_func)
    cc.export("bron_sleutel", "i8()")(_constante(bron_sleutel()))
    Path(map_).mkdir(parents=True, exist_ok=True)
    compiler.Flags = _Flags
    try:
        cc.compile()
    finally:
        compiler.Flags = gewoon
    return Path(map_) / cc.output_file
