"""Where numba keeps the engine's compiled kernels: a cache directory of the user.

The kernels (:mod:`gebiedsplan.netwerk._kern`) are compiled by numba on first use and cached
(``cache=True``), so a later process loads the machine code instead of compiling it again
(seconds saved on every first analysis). Numba's own default puts the cache in a
``__pycache__`` beside the source when that folder is writable, and in its own user folder
otherwise. gebiedsplan makes the place explicit, the same for every kind of install (a git
checkout, a virtual environment, a read-only system or container install):

1. ``NUMBA_CACHE_DIR`` set: numba's own setting wins, for every library (nothing changes here);
2. ``GEBIEDSPLAN_NUMBA_CACHE`` set: gebiedsplan's kernels go there (a shared folder of a
   Dask cluster, a folder baked into a container image);
3. otherwise the user cache directory: ``$XDG_CACHE_HOME/gebiedsplan/numba`` (default
   ``~/.cache/gebiedsplan/numba``), ``~/Library/Caches/gebiedsplan/numba`` on macOS,
   ``%LOCALAPPDATA%\\gebiedsplan\\Cache\\numba`` on Windows.

When that folder cannot be created or written (a read-only home), numba's own choice applies.
Only gebiedsplan's functions are placed there: other libraries' numba caches stay where numba
puts them. The cache is keyed by the content of the source file, so it stays valid across
reinstalls of the same version and is recompiled after any change; deleting the folder is safe.

:func:`install` adds the locator; it runs before the first kernel is defined (at the top of
``_kern``), without importing numba anywhere else.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

#: The package folder: functions defined in files below it are cached by gebiedsplan's locator.
PAKKET_DIR = Path(__file__).resolve().parents[1]

_geinstalleerd: list[type] = []


def user_cache_dir(environ: Mapping[str, str] | None = None, platform: str | None = None) -> Path:
    """The user's cache directory of gebiedsplan (platformdirs' convention), without creating it.

    Examples
    --------
    >>> str(user_cache_dir({"XDG_CACHE_HOME": "/tmp/c"}, "linux"))
    '/tmp/c/gebiedsplan'
    >>> str(user_cache_dir({"HOME": "/home/a"}, "linux"))
    '/home/a/.cache/gebiedsplan'
    """
    env = os.environ if environ is None else environ
    platform = sys.platform if platform is None else platform
    home = Path(env.get("HOME") or Path.home())
    if platform.startswith("win"):
        basis = Path(env.get("LOCALAPPDATA") or home / "AppData" / "Local")
        return basis / "gebiedsplan" / "Cache"
    if platform == "darwin":
        return home / "Library" / "Caches" / "gebiedsplan"
    return Path(env.get("XDG_CACHE_HOME") or home / ".cache") / "gebiedsplan"


def kernel_cache_dir(
    environ: Mapping[str, str] | None = None, platform: str | None = None
) -> Path | None:
    """The folder for the compiled kernels, or None where numba's own setting applies.

    ``NUMBA_CACHE_DIR`` (numba's setting) -> None; ``GEBIEDSPLAN_NUMBA_CACHE`` -> that folder;
    else ``numba`` in :func:`user_cache_dir`.

    Examples
    --------
    >>> kernel_cache_dir({"NUMBA_CACHE_DIR": "/tmp/n", "HOME": "/home/a"}, "linux") is None
    True
    >>> str(kernel_cache_dir({"GEBIEDSPLAN_NUMBA_CACHE": "/srv/k", "HOME": "/home/a"}, "linux"))
    '/srv/k'
    >>> str(kernel_cache_dir({"HOME": "/home/a"}, "linux"))
    '/home/a/.cache/gebiedsplan/numba'
    """
    env = os.environ if environ is None else environ
    if env.get("NUMBA_CACHE_DIR"):
        return None
    if eigen := env.get("GEBIEDSPLAN_NUMBA_CACHE"):
        return Path(eigen).expanduser()
    return user_cache_dir(env, platform) / "numba"


def _is_gebiedsplan(py_file: str) -> bool:
    try:
        Path(py_file).resolve().relative_to(PAKKET_DIR)
    except (OSError, ValueError):
        return False
    return True


def install() -> type | None:
    """Put gebiedsplan's cache locator first in numba's list (once); returns it, or None
    when ``NUMBA_CACHE_DIR`` is set (numba's own setting then applies to every function).

    The locator answers only for functions defined in gebiedsplan's files and only while
    :func:`kernel_cache_dir` gives a folder that can be written; otherwise numba's next
    locator (``__pycache__`` beside the source, then numba's user folder) takes over.

    Examples
    --------
    >>> import os
    >>> locator = install()
    >>> locator is None or locator.__name__ == "GebiedsplanCacheLocator"
    True
    """
    if _geinstalleerd:
        return _geinstalleerd[0]
    if kernel_cache_dir() is None:
        return None
    from numba.core import caching, config

    # numba >= 0.61 names them without the underscore, 0.60 with
    namen = vars(caching)
    basis: Any = namen.get("UserProvidedCacheLocator") or namen["_UserProvidedCacheLocator"]
    impl: Any = namen.get("CacheImpl") or namen["_CacheImpl"]

    class GebiedsplanCacheLocator(basis):
        """numba's user-provided locator, with :func:`kernel_cache_dir` as the folder and
        only for gebiedsplan's own source files."""

        def __init__(self, py_func: Any, py_file: str) -> None:
            self._py_file = py_file
            self._lineno = py_func.__code__.co_firstlineno
            map_ = kernel_cache_dir()
            assert map_ is not None
            self._cache_path = str(map_ / self.get_suitable_cache_subpath(py_file))

        @classmethod
        def from_function(cls, py_func: Any, py_file: str) -> Any:
            if getattr(config, "CACHE_DIR", "") or kernel_cache_dir() is None:
                return None
            if not os.path.exists(py_file) or not _is_gebiedsplan(py_file):
                return None
            locator = cls(py_func, py_file)
            try:
                locator.ensure_cache_path()
            except OSError:  # not writable: numba's own choice
                return None
            return locator

    impl._locator_classes.insert(0, GebiedsplanCacheLocator)
    _geinstalleerd.append(GebiedsplanCacheLocator)
    return GebiedsplanCacheLocator
