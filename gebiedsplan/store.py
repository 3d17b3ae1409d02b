"""The layer store: the validated layers of one gemeente in one GeoPackage, with provenance.

Every layer carries its :class:`Herkomst` (source, date, licence, query) as GeoPackage layer
metadata, so it travels with the file into QGIS and into every product. Writes are atomic:
the whole store is written to a temporary file beside the target and renamed over it only when
complete, so an interrupted run never leaves a broken store.

CBS columns a source passes through under their StatLine key (``kwb24_Woningvoorraad_35``)
are stored under a readable name (``woningvoorraad``; ``leesbare_namen`` in
``lagen/catalogus/cbs.yml``), and the layer's metadata ``cbs_sleutels`` keeps the key of every
renamed column (JSON ``{readable name: CBS key}``). A store written before loads with the
readable names too; ``frame.attrs["cbs_sleutels"]`` of a loaded layer holds the keys.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from gebiedsplan._io import atomic_path
from gebiedsplan._validate import validate_laag
from gebiedsplan.bronnen import MEERDERE_BRONNEN, Herkomst, combine_herkomst
from gebiedsplan.bronnen.cbs import leesbare_namen
from gebiedsplan.bronnen.ontdubbelen import KOLOMMEN as ONTDUBBEL_KOLOMMEN
from gebiedsplan.bronnen.ontdubbelen import ontdubbel
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
    means nothing is written. An existing store at ``path`` is replaced whole. A full disk, a
    read-only store folder or missing rights raise a :class:`GebiedsplanError` naming the
    folder and the fix, and leave the earlier store as it was; inside
    :func:`gebiedsplan._io.atomic_batch` the store lands with the other files of the run.

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
    sleutels: dict[str, dict[str, str]] = {}
    errors: list[GebiedsplanError] = []
    for naam, frame in lagen.items():
        frame, sleutels[naam] = _leesbaar(frame, naam)
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
                metadata={**herkomst[naam].as_metadata(), **_sleutel_metadata(sleutels[naam])},
            )
    log.info("Laagopslag geschreven: %s (%d lagen)", path, len(checked))
    return path


#: Layer metadata key of the CBS keys of renamed columns: JSON ``{readable name: CBS key}``.
CBS_SLEUTELS = "cbs_sleutels"


def _leesbaar(frame: pd.DataFrame, naam: str) -> tuple[pd.DataFrame, dict[str, str]]:
    """The layer with readable names for its CBS columns
    (:func:`gebiedsplan.bronnen.cbs.leesbare_namen`), and ``{readable name: CBS key}`` of
    these and of the columns renamed before (``frame.attrs["cbs_sleutels"]``, as
    :func:`load_lagen` gives them)."""
    eerder = dict(frame.attrs.get(CBS_SLEUTELS) or {})
    namen = leesbare_namen(map(str, frame.columns), laag=naam)
    sleutels = {k: v for k, v in eerder.items() if k in frame.columns}
    if namen:
        frame = frame.rename(columns=namen)  # a new frame: the caller's stays as it was
        sleutels.update({leesbaar: sleutel for sleutel, leesbaar in namen.items()})
        frame.attrs[CBS_SLEUTELS] = sleutels
        log.info("laag %s: CBS-kolommen hernoemd: %s", naam, namen)
    return frame, sleutels


def _sleutel_metadata(sleutels: Mapping[str, str]) -> dict[str, str]:
    if not sleutels:
        return {}
    return {CBS_SLEUTELS: json.dumps(dict(sorted(sleutels.items())), ensure_ascii=False)}


def _sleutels_uit(meta: Mapping[str, str] | None, *, where: str) -> dict[str, str]:
    """``{readable name: CBS key}`` from a layer's metadata (empty when it has none)."""
    tekst = (meta or {}).get(CBS_SLEUTELS)
    if not tekst:
        return {}
    try:
        sleutels = json.loads(tekst)
    except json.JSONDecodeError as exc:
        raise StoreError(
            f"{where}: metadata '{CBS_SLEUTELS}' is geen geldige JSON ({exc}); schrijf de "
            "laag opnieuw met gebiedsplan.store.save_lagen."
        ) from None
    return {str(k): str(v) for k, v in dict(sleutels).items()}


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
        # a store written before the readable names loads with them too
        frame.attrs[CBS_SLEUTELS] = _sleutels_uit(info.get("layer_metadata"), where=where)
        frame, sleutels = _leesbaar(frame, naam)
        frames[naam] = (
            validate_laag(frame, naam, bron=str(path), catalogus=catalogus)
            if naam in catalogus.lagen
            else frame
        )
        frames[naam].attrs[CBS_SLEUTELS] = sleutels
    return frames, herkomst


@dataclass(frozen=True)
class Importverslag:
    """What a write into the store did, per layer and per source: rows before and after.

    ``tellingen`` has one row per layer and source, with columns ``laag``, ``bron``, ``voor``
    and ``na`` (row counts) and ``actie`` (Dutch: ``toegevoegd``, ``vervangen``, ``behouden``,
    ``laag vervangen``, ``weg (laag vervangen)``, ``nieuwe laag``, ``ongewijzigd``). The report
    stands for the store's path wherever a path is expected (``load_gemeente(opslag=verslag)``).

    ``ontdubbeld`` lists the OpenStreetMap facilities dropped because a register in the store
    names the same place (:func:`gebiedsplan.bronnen.ontdubbelen.ontdubbel`), one row per pair.
    """

    pad: Path
    tellingen: pd.DataFrame
    ontdubbeld: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=list(ONTDUBBEL_KOLOMMEN))
    )

    def __fspath__(self) -> str:
        return str(self.pad)


def _bron_per_rij(frame: pd.DataFrame, herkomst: Herkomst) -> pd.Series:
    """The source of every row: column ``bron`` where the layer has several sources, else the
    one source (rows of an older store may name it differently: they get its name)."""
    delen = herkomst.per_bron()
    if len(delen) > 1 and "bron" in frame.columns:
        return frame["bron"].astype("object").where(frame["bron"].notna(), delen[0].bron)
    return pd.Series(delen[0].bron, index=frame.index, dtype="object")


def _rij_sleutel(naam: str, frame: pd.DataFrame, herkomst: Herkomst) -> pd.Series:
    """What the import report counts rows by: the year (``jaar 2019``, ``indeling 2019``) in a
    layer of several years (:data:`PER_JAAR`), else the source of every row."""
    if naam in PER_JAAR:
        kolom = PER_JAAR[naam]
        return (kolom + " " + frame[kolom].astype(str)).astype("object")
    return _bron_per_rij(frame, herkomst)


def _telling(
    naam: str,
    oud: pd.Series | None,
    nieuw: pd.Series | None,
    *,
    vervangen: set[str],
    hele_laag: bool,
) -> list[dict[str, object]]:
    """Rows of the report for one layer, from the source of every row before and after."""
    voor = oud.value_counts(sort=False) if oud is not None else pd.Series(dtype="int64")
    na = nieuw.value_counts(sort=False) if nieuw is not None else pd.Series(dtype="int64")
    rijen = []
    for bron in dict.fromkeys([*voor.index, *na.index]):
        if oud is None:
            actie = "nieuwe laag"
        elif nieuw is None or not vervangen:
            actie = "ongewijzigd"
        elif hele_laag:
            actie = "laag vervangen" if bron in vervangen else "weg (laag vervangen)"
        elif bron in vervangen:
            actie = "vervangen" if bron in voor.index else "toegevoegd"
        else:
            actie = "behouden"
        rijen.append(
            {
                "laag": naam,
                "bron": str(bron),
                "voor": int(voor.get(bron, 0)),
                "na": int(na.get(bron, 0)),
                "actie": actie,
            }
        )
    return rijen


def _voeg_bronnen_samen(
    naam: str,
    oud: pd.DataFrame,
    oude_herkomst: Herkomst,
    nieuw: pd.DataFrame,
    nieuwe_herkomst: Herkomst,
    *,
    path: Path,
) -> tuple[pd.DataFrame, Herkomst]:
    """The rows of the sources in ``nieuw`` replace their rows in ``oud``; the rows of the other
    sources stay. Column ``bron`` names the source of every row."""
    nieuwe_bronnen = {deel.bron for deel in nieuwe_herkomst.per_bron()}
    oude_bron = _bron_per_rij(oud, oude_herkomst)
    houden = ~oude_bron.isin(nieuwe_bronnen).to_numpy()
    behouden = oud.loc[houden].assign(bron=oude_bron[houden])
    erbij = nieuw.assign(bron=_bron_per_rij(nieuw, nieuwe_herkomst))
    dubbel = behouden.index.intersection(erbij.index)
    if len(dubbel):
        wie = ", ".join(
            f"{i} ({behouden.at[i, 'bron']!s} en {erbij.at[i, 'bron']!s})" for i in dubbel[:5]
        )
        raise StoreError(
            f"Laag {naam} in {path}: dezelfde id in een bron die er al staat en een nieuwe: {wie}"
            f"{' …' if len(dubbel) > 5 else ''}. Geef het register een eigen id-voorvoegsel "
            f"(prefix in de koppeling), of vervang de hele laag (--vervang {naam})."
        )
    delen = [d for d in oude_herkomst.per_bron() if d.bron not in nieuwe_bronnen]
    soort = {d.bron.split(" (")[0] for d in nieuwe_herkomst.per_bron()}
    for deel in delen:
        if deel.bron.split(" (")[0] in soort and (oude_bron == deel.bron).any():
            log.warning(
                "Laag %s: de rijen van %s blijven staan naast die van de nieuwe bron van dezelfde "
                "soort; vervangt de nieuwe de oude, vervang dan de hele laag (--vervang %s).",
                naam,
                deel.bron,
                naam,
            )
    herkomst = combine_herkomst([*delen, *nieuwe_herkomst.per_bron()])
    return pd.concat([behouden, erbij]), herkomst


#: Layers of several years (issue 15): ``{laag: column of the year}``. Adding years to them
#: replaces only the rows of those years; the other years stay (:func:`update_lagen`). CBS
#: Nabijheid is one of them: ``vergelijk-cbs`` takes the latest year unless asked for another;
#: so are the snapshots of facilities and accommodations (``voorzieningen_jaren``).
PER_JAAR = {
    "kerncijfers_jaren": "jaar",
    "buurten_indeling": "indeling",
    "nabijheid": "jaar",
    "voorzieningen_jaren": "jaar",
}


def _voeg_jaren_samen(
    naam: str,
    oud: pd.DataFrame,
    oude_herkomst: Herkomst,
    nieuw: pd.DataFrame,
    nieuwe_herkomst: Herkomst,
) -> tuple[pd.DataFrame, Herkomst]:
    """The years in ``nieuw`` replace their rows in ``oud``; the rows of the other years stay."""
    kolom = PER_JAAR[naam]
    houden = ~oud[kolom].isin(set(nieuw[kolom])).to_numpy()
    if not houden.any():
        return nieuw, nieuwe_herkomst
    log.info("Laag %s: de jaren %s blijven staan", naam, sorted(set(oud.loc[houden, kolom])))
    samen = pd.concat([oud.loc[houden], nieuw])
    return samen, combine_herkomst([*oude_herkomst.per_bron(), *nieuwe_herkomst.per_bron()])


def update_lagen(
    path: str | Path,
    lagen: Mapping[str, pd.DataFrame],
    herkomst: Mapping[str, Herkomst],
    *,
    vervang: Collection[str] = (),
) -> Importverslag:
    """Add layers to a store, or rows of sources to its layers, keeping what is there; atomic
    like :func:`save_lagen` (the whole store is rewritten to a temporary file and renamed).

    A layer that holds rows of several sources (:data:`~gebiedsplan.bronnen.MEERDERE_BRONNEN`:
    voorzieningen, accommodaties, groen) gets the rows of the sources given here in place of
    their earlier rows; the rows of every other source stay (column ``bron`` says which source
    a row is from). Such a layer is replaced as a whole only when named in ``vervang``. Every
    other layer (wijken, buurten, netwerk, gezondheid, vraagpunten, ...) comes from one source
    and is replaced as a whole when given, except the layers of several years
    (:data:`PER_JAAR`: kerncijfers_jaren, buurten_indeling, nabijheid), where the years given
    replace only their own rows.

    In ``voorzieningen`` a place that OpenStreetMap and a register both name counts once, over
    the stored and the new rows together (:func:`gebiedsplan.bronnen.ontdubbelen.ontdubbel`):
    the register's row stays, the OpenStreetMap row is dropped and reported in
    ``Importverslag.ontdubbeld``; so an OpenStreetMap import after a DUO import does not bring
    a school back twice.

    Parameters
    ----------
    path
        The store's GeoPackage (made when absent).
    lagen, herkomst
        ``{laagnaam: frame}`` and ``{laagnaam: Herkomst}`` of this run.
    vervang
        Layers to replace as a whole, whatever sources they held.

    Returns
    -------
    Importverslag
        The path and the row counts per layer and source before and after.

    Raises
    ------
    StoreError
        A layer in ``vervang`` that this run does not give, or an id in both a kept and a
        new source; nothing is written.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from gebiedsplan.bronnen.demo import build_demo
    >>> demo = build_demo()
    >>> doel = Path(tempfile.mkdtemp()) / "GM9999.gpkg"
    >>> _ = save_lagen(doel, {"wijken": demo.wijken}, {"wijken": demo.herkomst["wijken"]})
    >>> verslag = update_lagen(doel, {"buurten": demo.buurten}, {"buurten": demo.herkomst["buurten"]})
    >>> sorted(load_lagen(doel)[0])
    ['buurten', 'wijken']
    >>> verslag.tellingen[["laag", "voor", "na", "actie"]].to_dict("records")
    [{'laag': 'wijken', 'voor': 6, 'na': 6, 'actie': 'ongewijzigd'}, {'laag': 'buurten', 'voor': 0, 'na': 26, 'actie': 'nieuwe laag'}]
    """
    path = Path(path)
    onbekend = [naam for naam in vervang if naam not in lagen]
    if onbekend:
        raise StoreError(
            f"Vervangen gevraagd voor laag {', '.join(onbekend)}, maar deze invoer levert die "
            f"laag niet (wel: {', '.join(lagen) or 'geen'}); er is niets geschreven."
        )
    bestaand: dict[str, pd.DataFrame] = {}
    bestaande_herkomst: dict[str, Herkomst] = {}
    if path.exists():
        bestaand, bestaande_herkomst = load_lagen(path)
    alle = dict(bestaand)
    alle_herkomst = dict(bestaande_herkomst)
    tellingen: list[dict[str, object]] = []
    ontdubbeld = pd.DataFrame(columns=list(ONTDUBBEL_KOLOMMEN))
    for naam in dict.fromkeys([*bestaand, *lagen]):
        oud = bestaand.get(naam)
        oude_bron = _rij_sleutel(naam, oud, bestaande_herkomst[naam]) if oud is not None else None
        if naam not in lagen:
            tellingen += _telling(naam, oude_bron, oude_bron, vervangen=set(), hele_laag=False)
            continue
        nieuw, h = lagen[naam], herkomst[naam]
        per_bron = naam in MEERDERE_BRONNEN and naam not in vervang
        if naam in PER_JAAR and naam not in vervang and oud is not None:
            nieuw, h = _voeg_jaren_samen(naam, oud, bestaande_herkomst[naam], nieuw, h)
        elif per_bron and oud is not None:
            nieuw, h = _voeg_bronnen_samen(naam, oud, bestaande_herkomst[naam], nieuw, h, path=path)
        elif naam in MEERDERE_BRONNEN:
            nieuw = nieuw.assign(bron=_bron_per_rij(nieuw, h))
        if naam == "voorzieningen":  # a place in OpenStreetMap and a register counts once
            nieuw, paren = ontdubbel(nieuw)
            if not paren.empty:
                ontdubbeld = paren
        alle[naam], alle_herkomst[naam] = nieuw, h
        per_jaar = naam in PER_JAAR and naam not in vervang
        tellingen += _telling(
            naam,
            oude_bron,
            _rij_sleutel(naam, nieuw, h),
            vervangen=set(_rij_sleutel(naam, lagen[naam], herkomst[naam]))
            if per_jaar
            else {d.bron for d in herkomst[naam].per_bron()},
            hele_laag=not (per_bron or per_jaar),
        )
    save_lagen(path, alle, alle_herkomst)
    return Importverslag(path, pd.DataFrame(tellingen, columns=list(_TELKOLOMMEN)), ontdubbeld)


_TELKOLOMMEN = ("laag", "bron", "voor", "na", "actie")
