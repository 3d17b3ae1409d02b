"""Lazy public names for a package: each is imported from its module on first use.

A package ``__init__`` keeps a table ``{name: module}`` and its ``__all__``, and gets its
module-level ``__getattr__`` and ``__dir__`` from :func:`lui`, so ``import gebiedsplan.analyse``
loads nothing heavy until a name is used.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any


def lui(
    module: str, waar: Mapping[str, str], alle: Sequence[str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``__getattr__`` and ``__dir__`` for package ``module``: a name of ``waar`` is imported
    from its module on first use and kept in the package's namespace.

    Examples
    --------
    >>> import types, sys
    >>> pakket = types.ModuleType("voorbeeld")
    >>> sys.modules["voorbeeld"] = pakket
    >>> pakket.__getattr__, pakket.__dir__ = lui("voorbeeld", {"sqrt": "math"}, ["sqrt"])
    >>> pakket.sqrt(4.0), "sqrt" in vars(pakket)
    (2.0, True)
    """

    def __getattr__(naam: str) -> Any:
        if naam not in waar:
            raise AttributeError(f"module {module!r} has no attribute {naam!r}")
        waarde = getattr(importlib.import_module(waar[naam]), naam)
        setattr(sys.modules[module], naam, waarde)
        return waarde

    def __dir__() -> list[str]:
        return sorted(set(vars(sys.modules[module])) | set(alle))

    return __getattr__, __dir__
