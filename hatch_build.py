"""Build hook (hatchling): the engine's numba kernels compiled ahead of time into the wheel.

``pip install -e .`` and ``pip install .`` run it. It compiles the kernels listed in
``gebiedsplan/netwerk/_aot.py`` (numba's pycc and a C compiler, ~10 s) into the extension
module ``gebiedsplan/netwerk/_kernels_aot``: beside the sources for an editable install, into
the wheel otherwise (which then carries the platform's tag). When that fails (no C compiler, a
numba without pycc) the wheel is built without it and numba compiles the kernels on first use,
as before. ``GEBIEDSPLAN_AOT=0`` skips it.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class KernelsVooraf(BuildHookInterface):  # type: ignore[misc]
    """Compile the kernels before the wheel is put together."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        self._tijdelijk: str | None = None
        if self.target_name != "wheel" or os.environ.get("GEBIEDSPLAN_AOT", "1") == "0":
            return
        root = Path(self.root)
        editable = version == "editable"
        if editable:
            uit = root / "gebiedsplan" / "netwerk"
        else:
            self._tijdelijk = tempfile.mkdtemp(prefix="gebiedsplan-aot-")
            uit = Path(self._tijdelijk)
        sys.path.insert(0, str(root))
        try:
            from gebiedsplan.netwerk import _aot

            if editable:  # never a stale module beside the sources
                for oud in uit.glob(f"{_aot.MODULE}.*"):
                    oud.unlink()
            self.app.display_info("gebiedsplan: kernels vooraf compileren (numba pycc) ...")
            pad = _aot.build(uit)
        except Exception as fout:  # noqa: BLE001 - any failure: build without, JIT at run time
            self.app.display_warning(
                f"gebiedsplan: kernels niet vooraf gecompileerd ({type(fout).__name__}: {fout}); "
                "numba compileert ze bij het eerste gebruik (enkele seconden, daarna uit de "
                "cache). Nodig: een C-compiler en numba met numba.pycc."
            )
            return
        finally:
            sys.path.remove(str(root))
        build_data["pure_python"] = False
        build_data["infer_tag"] = True
        if not editable:
            build_data["force_include"][str(pad)] = f"gebiedsplan/netwerk/{pad.name}"

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        if self._tijdelijk is not None:
            shutil.rmtree(self._tijdelijk, ignore_errors=True)
