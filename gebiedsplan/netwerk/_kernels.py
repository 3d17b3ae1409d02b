"""The engine's compiled kernels, one name each: ahead of time where that fits, else numba's JIT.

Callers import a kernel from here (``from gebiedsplan.netwerk._kernels import tel_binnen``) and
call it as the numba function it stands for. A call runs the function of the extension module
built at install (:mod:`gebiedsplan.netwerk._aot`: the same Python source, compiled before the
first analysis) when

- the module is there (a build without a C compiler, or a source tree that was never built,
  has none),
- it was built from the kernels' sources as they are now (:func:`_aot.bron_sleutel`),
- and every argument has exactly the type of one of the module's variants (dtype, number of
  dimensions, C order; writeable where the kernel writes into it; scalars of numba's matching
  type): the module's functions do not check types themselves;

otherwise it runs the numba kernel, compiled on its first call and cached
(:mod:`gebiedsplan.netwerk._numba_cache`). Both give the same numbers: one source, the same
compiler, no fast-math.

``GEBIEDSPLAN_KERNELS`` chooses: ``auto`` (default, as above), ``jit`` (always numba's JIT, for
comparisons), ``aot`` (the module or an error: for tests and benchmarks that must measure it).
"""

from __future__ import annotations

import functools
import importlib
import logging
import os
from types import ModuleType
from typing import Any

import numpy as np

from gebiedsplan.errors import GebiedsplanError
from gebiedsplan.netwerk import _aot

log = logging.getLogger(__name__)

_DTYPES = {"i4": np.dtype(np.int32), "i8": np.dtype(np.int64), "f8": np.dtype(np.float64)}
_DTYPES["b1"] = np.dtype(np.bool_)
_SCALAIR: dict[str, tuple[type, ...]] = {
    "i8": (int, np.int64),
    "f8": (float, np.float64),
    "b1": (bool, np.bool_),
}


def modus() -> str:
    """``GEBIEDSPLAN_KERNELS``: ``auto``, ``jit`` or ``aot``.

    Examples
    --------
    >>> modus() in ("auto", "jit", "aot")
    True
    """
    waarde = os.environ.get("GEBIEDSPLAN_KERNELS", "auto").strip().lower() or "auto"
    if waarde not in ("auto", "jit", "aot"):
        raise GebiedsplanError(
            f"GEBIEDSPLAN_KERNELS is '{waarde}'; verwacht auto, jit of aot. Laat de variabele "
            "weg voor de standaard (auto)."
        )
    return waarde


def waarom_niet(module: Any) -> str:
    """Why an extension module may not be used ('' when it may): built from other sources.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> waarom_niet(SimpleNamespace(bron_sleutel=lambda: -1))[:30]
    'gebouwd uit een andere versie '
    """
    if module.bron_sleutel() != _aot.bron_sleutel():
        return (
            "gebouwd uit een andere versie van de kernels (bron gewijzigd na het bouwen); "
            "bouw opnieuw met pip install -e ."
        )
    return ""


def _laad() -> tuple[ModuleType | None, str]:
    """The extension module and why not, if it is not to be used."""
    try:
        module = importlib.import_module(f"gebiedsplan.netwerk.{_aot.MODULE}")
    except ImportError as fout:  # not built, or for another Python / platform
        return None, f"niet geïnstalleerd ({fout})"
    waarom = waarom_niet(module)
    return (None, waarom) if waarom else (module, "")


@functools.cache
def aot_module() -> ModuleType | None:
    """The kernels compiled ahead of time, or None (the reason is logged once).

    Examples
    --------
    >>> aot_module() is None or hasattr(aot_module(), "bron_sleutel")
    True
    """
    module, waarom = _laad()
    if module is None:
        log.info("Vooraf gecompileerde kernels niet gebruikt: %s; numba compileert ze.", waarom)
    return module


_parse = functools.cache(_aot.parse_type)


def past(waarde: Any, code: str) -> bool:
    """Whether ``waarde`` has exactly the argument type ``code`` of :data:`_aot.KERNELS`.

    Examples
    --------
    >>> past(np.zeros(3, np.int32), "i4[::1]"), past(np.zeros(3), "i4[::1]")
    (True, False)
    >>> past(np.zeros((4, 2))[:, 0], "f8[::1]"), past(2, "i8"), past(True, "i8")
    (False, True, False)
    >>> alleen_lezen = np.zeros(3, np.int32)
    >>> alleen_lezen.flags.writeable = False
    >>> past(alleen_lezen, "i4[::1]"), past(alleen_lezen, "i4[::1]!")
    (True, False)
    """
    dtype, ndim, geschreven = _parse(code)
    if ndim == 0:
        if type(waarde) not in _SCALAIR[dtype]:
            return False
        return dtype != "i8" or -(2**63) <= int(waarde) < 2**63
    return (
        type(waarde) is np.ndarray
        and waarde.dtype == _DTYPES[dtype]
        and waarde.ndim == ndim
        and waarde.flags.c_contiguous
        and waarde.flags.aligned
        and (waarde.flags.writeable or not geschreven)
    )


def _beschrijf(waarde: Any) -> str:
    """An argument's type as :func:`past` sees it, for an error message.

    Examples
    --------
    >>> _beschrijf(np.zeros((3, 2))[:, 0]), _beschrijf(3)
    ('float64[1d, niet C-aaneengesloten]', 'int')
    """
    if not isinstance(waarde, np.ndarray):
        return type(waarde).__name__
    eigen = [f"{waarde.ndim}d"]
    if not waarde.flags.c_contiguous:
        eigen.append("niet C-aaneengesloten")
    if not waarde.flags.writeable:
        eigen.append("alleen-lezen")
    return f"{waarde.dtype}[{', '.join(eigen)}]"


class Kern:
    """A kernel of :data:`_aot.KERNELS`, called as the numba function it stands for."""

    def __init__(self, naam: str) -> None:
        self.kernel = _aot.kernel_van(naam)
        self.__name__ = naam
        self.__doc__ = (
            f"The kernel {self.kernel.module}.{naam} (see there), ahead of time where it fits."
        )

    def __repr__(self) -> str:
        return f"<kernel {self.kernel.module}.{self.__name__}>"

    @property
    def jit(self) -> Any:
        """The numba function (compiled on its first call)."""
        module = importlib.import_module(f"gebiedsplan.netwerk.{self.kernel.module}")
        return getattr(module, self.__name__)

    def aot(self, args: tuple[Any, ...], module: ModuleType | None = None) -> Any:
        """The function of the extension module (default :func:`aot_module`) for these
        arguments, or None when there is no module or no variant with exactly their types."""
        module = aot_module() if module is None else module
        if module is None:
            return None
        for i, (typen, _) in enumerate(self.kernel.varianten):
            if len(args) == len(typen) and all(map(past, args, typen)):
                return getattr(module, self.kernel.export_naam(i))
        return None

    def __call__(self, *args: Any) -> Any:
        keuze = modus()
        if keuze != "jit":
            functie = self.aot(args)
            if functie is not None:
                return functie(*args)
            if keuze == "aot":
                typen = ", ".join(map(_beschrijf, args))
                raise GebiedsplanError(
                    f"GEBIEDSPLAN_KERNELS=aot, maar de kernel {self.__name__} heeft geen vooraf "
                    f"gecompileerde versie voor deze aanroep ({typen}; "
                    f"module: {'ja' if aot_module() is not None else 'nee'}). Installeer met "
                    "pip install -e . (met een C-compiler) of zet GEBIEDSPLAN_KERNELS=auto."
                )
        return self.jit(*args)


tel_binnen = Kern("tel_binnen")
blokken_dijkstra = Kern("blokken_dijkstra")
delta_stappen = Kern("delta_stappen")
per_knoop = Kern("per_knoop")
dichtstbij = Kern("dichtstbij")
hilbert_posities = Kern("hilbert_posities")
stabiel_argsort = Kern("stabiel_argsort")
csr_rijen = Kern("csr_rijen")
transponeer = Kern("transponeer")
rek_grootheden = Kern("rek_grootheden")
