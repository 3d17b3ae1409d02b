"""The layer store: the validated layers of one gemeente in one GeoPackage, with provenance.

Every layer carries its :class:`Herkomst` (source, date, licence, query) as GeoPackage layer
metadata, so it travels with the file into QGIS and into every product. Writes are atomic:
the whole store is written to a temporary file beside the target and renamed over it only when
complete, so an interrupted run never leaves a broken store.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from gebiedsplan._io import atomic_path
from gebiedsplan._validate import validate_laag
from gebiedsplan.bronnen import Herkomst
from gebiedsplan.catalogus import load_catalogus
from gebiedsplan.errors import GebiedsplanError, StoreError

log = logging.getLogger(__name__)


def store_path(gemeentecode: str, *, store_dir: str | Path | None = None) -> Path:
    """Path of the GeoPackage of one gemeente in the layer store."""
    from gebiedsplan import settings

    return Path(store_dir or settings.store_dir) / f"{gemeentecode}.gpkg"


def save_lagen(
    path: str | Path,
    lagen: Mapping[str, pd.DataFrame],
    herkomst: Mapping[str, Herkomst],
) -> Path:
    """Validate and write layers with their provenance to one GeoPackage, atomically.

    Every layer is validated against its schema before anything is written; one bad layer
    means nothing is written. An existing store at ``path`` is replaced whole.

    Parameters
    ----------
    path
        Target GeoPackage.
    lagen
        ``{laagnaam: frame}``; names must be catalogue layers.
    herkomst
        ``{laagnaam: Herkomst}`` for every layer.

    Returns
    -------
    Path
        The written file.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from gebiedsplan.bronnen.demo import build_demo
    >>> from gebiedsplan.store import save_lagen, load_lagen
    >>> demo = build_demo()
    >>> doel = Path(tempfile.mkdtemp()) / "GM9999.gpkg"
    >>> _ = save_lagen(doel, {"wijken": demo.wijken}, {"wijken": demo.herkomst["wijken"]})
    >>> lagen, herkomst = load_lagen(doel)
    >>> herkomst["wijken"].synthetisch
    True
    """
    path = Path(path)
    missing = [naam for naam in lagen if naam not in herkomst]
    if missing:
        raise StoreError(
            f"Geen herkomst opgegeven voor laag {', '.join(missing)}; elke laag in {path} "
            "heeft bron, datum en licentie nodig."
        )
    catalogus = load_catalogus()
    checked = {}
    errors: list[GebiedsplanError] = []
    for naam, frame in lagen.items():
        try:
            checked[naam] = validate_laag(
                frame, naam, bron=f"{path} (opslaan)", catalogus=catalogus
            )
        except GebiedsplanError as exc:
            errors.append(exc)
    if len(errors) == 1:
        raise errors[0]
    if errors:  # every bad layer at once, before anything is written
        raise StoreError(
            f"{len(errors)} lagen niet opgeslagen in {path}; er is niets geschreven:\n"
            + "\n".join(str(e) for e in errors)
        )
    with atomic_path(path) as tmp:
        for naam, frame in checked.items():
            pyogrio.write_dataframe(
                frame.reset_index(),
                tmp,
                layer=naam,
                driver="GPKG",
                metadata=herkomst[naam].as_metadata(),
            )
    log.info("Laagopslag geschreven: %s (%d lagen)", path, len(checked))
    return path


def load_lagen(
    path: str | Path, *, lagen: list[str] | None = None
) -> tuple[dict[str, gpd.GeoDataFrame | pd.DataFrame], dict[str, Herkomst]]:
    """Read and validate the layers of a store, with their provenance.

    Parameters
    ----------
    path
        A GeoPackage written by :func:`save_lagen`.
    lagen
        Only these layers; default all.

    Returns
    -------
    (dict, dict)
        ``{laagnaam: frame}`` indexed by key, and ``{laagnaam: Herkomst}``.
    """
    path = Path(path)
    if not path.exists():
        raise StoreError(
            f"Laagopslag {path} bestaat niet. Maak hem met 'gebiedsplan demo' of "
            "'gebiedsplan importeer'."
        )
    try:
        available = {str(row[0]) for row in pyogrio.list_layers(path)}
    except Exception as exc:  # GDAL raises its own types
        raise StoreError(f"Laagopslag {path} is geen leesbare GeoPackage: {exc}") from None
    wanted = lagen or sorted(available)
    absent = [naam for naam in wanted if naam not in available]
    if absent:
        raise StoreError(
            f"Laag {', '.join(absent)} ontbreekt in {path}; aanwezig: {', '.join(sorted(available))}"
        )
    catalogus = load_catalogus()
    frames: dict[str, gpd.GeoDataFrame | pd.DataFrame] = {}
    herkomst: dict[str, Herkomst] = {}
    for naam in wanted:
        where = f"{path}, laag '{naam}'"
        info = pyogrio.read_info(path, layer=naam)
        herkomst[naam] = Herkomst.from_metadata(info.get("layer_metadata"), where=where)
        geometrisch = (
            catalogus.lagen[naam].geometrie is not None if naam in catalogus.lagen else True
        )
        frame = pyogrio.read_dataframe(path, layer=naam, read_geometry=geometrisch)
        frames[naam] = (
            validate_laag(frame, naam, bron=str(path), catalogus=catalogus)
            if naam in catalogus.lagen
            else frame
        )
    return frames, herkomst


def update_lagen(
    path: str | Path,
    lagen: Mapping[str, pd.DataFrame],
    herkomst: Mapping[str, Herkomst],
) -> Path:
    """Add or replace layers in a store, keeping the layers already there; atomic like
    :func:`save_lagen` (the whole store is rewritten to a temporary file and renamed).

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from gebiedsplan.bronnen.demo import build_demo
    >>> demo = build_demo()
    >>> doel = Path(tempfile.mkdtemp()) / "GM9999.gpkg"
    >>> _ = save_lagen(doel, {"wijken": demo.wijken}, {"wijken": demo.herkomst["wijken"]})
    >>> _ = update_lagen(doel, {"buurten": demo.buurten}, {"buurten": demo.herkomst["buurten"]})
    >>> sorted(load_lagen(doel)[0])
    ['buurten', 'wijken']
    """
    path = Path(path)
    alle: dict[str, pd.DataFrame] = {}
    alle_herkomst: dict[str, Herkomst] = {}
    if path.exists():
        bestaand, bestaande_herkomst = load_lagen(path)
        alle.update(bestaand)
        alle_herkomst.update(bestaande_herkomst)
    alle.update(lagen)
    alle_herkomst.update(herkomst)
    return save_lagen(path, alle, alle_herkomst)
