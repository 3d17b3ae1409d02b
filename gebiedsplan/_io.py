"""File helpers every layer shares: atomic writes, outputs that land together, input files
checked before they are read, and YAML that remembers its lines.

- :func:`atomic_path`: write to a temporary name beside the target and rename it over the
  target only when the write succeeded, so a reader never sees half a file. A full disk, a
  read-only folder or missing rights become a Dutch :class:`GebiedsplanError` naming the folder
  and the fix (:func:`write_error`);
- :func:`atomic_batch`: the files of one run land together. Inside the block every
  :func:`atomic_path` keeps its temporary file; at the end all are renamed over their targets,
  or, when anything failed, none (the earlier files stay as they were). Readers within the run
  find the new files with :func:`current_path` and :func:`pending_files`;
- :func:`clean_stale`: temporary files and folders of runs that were killed
  (``.<naam>.<pid>-<8 tekens><achtervoegsel>`` beside their target) are removed by the next
  write into the folder;
- :func:`check_bestand`: an input file exists, is a file and is not empty (else a Dutch
  :class:`~gebiedsplan.errors.BronError`);
- :func:`load_yaml_with_lines` and :func:`waar`: read a YAML file (gemeente files, scenarios,
  register mappings) and name the line of any value in an error message.
"""

from __future__ import annotations

import contextlib
import contextvars
import errno
import logging
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml

from gebiedsplan.errors import BronError, GebiedsplanError

log = logging.getLogger(__name__)

Pad = tuple[str | int, ...]


def load_yaml_with_lines(path: str | Path) -> tuple[Any, dict[Pad, int]]:
    """Read a YAML file; return its data and ``{path-of-keys: line number (1-based)}``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "g.yml"
    >>> _ = f.write_text("naam: x\\ngebieden:\\n  - buurten: [BU1, BU2]\\n")
    >>> data, lines = load_yaml_with_lines(f)
    >>> lines[("gebieden", 0, "buurten", 1)]
    3
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise GebiedsplanError(f"Bestand {path} bestaat niet.") from None
    except IsADirectoryError:
        raise GebiedsplanError(
            f"{path} is een map, geen bestand; geef het pad van het YAML-bestand zelf."
        ) from None
    except UnicodeDecodeError as exc:
        regel = exc.object[: exc.start].count(b"\n") + 1
        raise GebiedsplanError(
            f"{path}, regel {regel}: geen UTF-8-tekst (byte 0x{exc.object[exc.start]:02x}). Sla "
            "het bestand op als UTF-8 (in de editor: Opslaan als, codering UTF-8)."
        ) from None
    except OSError as exc:
        raise GebiedsplanError(f"{path} is niet te lezen: {os_fout_tekst(exc)}.") from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        raise GebiedsplanError(f"{path} is geen geldige YAML: {exc}") from None
    lines: dict[Pad, int] = {}
    constructor = yaml.SafeLoader(text)

    def build(n: yaml.Node | None, pad: Pad) -> Any:
        if n is None:
            return None
        lines[pad] = n.start_mark.line + 1
        if isinstance(n, yaml.MappingNode):
            out = {}
            for key_node, value_node in n.value:
                key = constructor.construct_object(key_node, deep=True)
                out[key] = build(value_node, (*pad, key))
                lines[(*pad, key)] = key_node.start_mark.line + 1
            return out
        if isinstance(n, yaml.SequenceNode):
            return [build(item, (*pad, i)) for i, item in enumerate(n.value)]
        return constructor.construct_object(n, deep=True)

    data = build(node, ())
    constructor.dispose()
    return data, lines


def regel(lines: Mapping[Pad, int], pad: Pad) -> int | None:
    """Line of the value at ``pad``, else of the nearest enclosing value that has one.

    Examples
    --------
    >>> regel({("a",): 2, ("a", "b"): 3}, ("a", "b", 0))
    3
    >>> regel({}, ("x",)) is None
    True
    """
    line = lines.get(pad)
    while line is None and pad:
        pad = pad[:-1]
        line = lines.get(pad)
    return line


def waar(bestand: str | Path, lines: Mapping[Pad, int], pad: Pad) -> str:
    """``"<file>, regel <n>"`` for the value at ``pad`` (see :func:`regel`), else the file.

    Examples
    --------
    >>> waar("wijken/demo.yml", {("gebieden", 0): 7}, ("gebieden", 0, "naam"))
    'wijken/demo.yml, regel 7'
    """
    line = regel(lines, pad)
    return f"{bestand}, regel {line}" if line else str(bestand)


# --------------------------------------------------------------------------- input files


def check_bestand(path: str | Path, *, wat: str = "Bestand") -> Path:
    """Check an input file before it is read: it exists, is a file (not a folder) and is not
    empty. Raises a :class:`~gebiedsplan.errors.BronError` naming the file and the fix.

    Examples
    --------
    >>> import tempfile
    >>> leeg = Path(tempfile.mkdtemp()) / "kerncijfers.csv"
    >>> _ = leeg.write_text("")
    >>> check_bestand(leeg, wat="Kerncijfers")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    gebiedsplan.errors.BronError: Kerncijfers ... is leeg (0 bytes); ...
    """
    path = Path(path)
    if not path.exists():
        raise BronError(f"{wat} {path} bestaat niet. Controleer de naam en de map.")
    if path.is_dir():
        raise BronError(f"{wat} {path} is een map, geen bestand; geef het pad van het bestand zelf.")
    if path.stat().st_size == 0:
        raise BronError(
            f"{wat} {path} is leeg (0 bytes); download of exporteer het opnieuw (een afgebroken "
            "download of een niet opgeslagen bestand?)."
        )
    return path


def os_fout_tekst(exc: OSError) -> str:
    """What an operating-system error means, in Dutch (for messages).

    Examples
    --------
    >>> os_fout_tekst(FileNotFoundError(errno.ENOENT, "No such file or directory"))
    'bestaat niet'
    """
    return _OS_FOUTEN.get(exc.errno or 0, exc.strerror or str(exc))


_OS_FOUTEN = {
    errno.ENOENT: "bestaat niet",
    errno.EISDIR: "is een map, geen bestand",
    errno.ENOTDIR: "een deel van het pad is geen map",
    errno.EACCES: "geen toegang (rechten)",
    errno.EPERM: "niet toegestaan (rechten)",
    errno.ENOSPC: "de schijf is vol",
    errno.EROFS: "alleen-lezen bestandssysteem",
    errno.EFBIG: "bestand te groot",
    errno.EIO: "leesfout van de schijf",
}


# --------------------------------------------------------------------------- write failures

#: Kind of write failure per errno (see :func:`write_error`).
_SCHRIJFFOUTEN: dict[int, str] = {
    errno.ENOSPC: "vol",
    errno.EFBIG: "te groot",
    errno.EROFS: "alleen-lezen",
    errno.EACCES: "geen rechten",
    errno.EPERM: "geen rechten",
}
if hasattr(errno, "EDQUOT"):
    _SCHRIJFFOUTEN[errno.EDQUOT] = "vol"

#: The same, recognised in the text of errors that libraries (GDAL, SQLite) raise themselves.
_SCHRIJFTEKSTEN = (
    (re.compile(r"no space left|disk is full|disk space|not enough space|quota", re.I), "vol"),
    (re.compile(r"file too large|file size limit", re.I), "te groot"),
    (re.compile(r"read-only file system|readonly database|read-only", re.I), "alleen-lezen"),
    (re.compile(r"permission denied|access (is )?denied", re.I), "geen rechten"),
)
#: Libraries whose own exceptions may hide a failed write (GDAL through pyogrio and rasterio).
_SCHRIJVERS = frozenset({"pyogrio", "rasterio", "fiona", "osgeo", "sqlite3"})
#: Below this many free bytes a failed write counts as a full disk.
_BIJNA_VOL = 1_000_000

_KIES_ANDERE_MAP = "of kies een andere map (--uitvoer, --kaarten of --opslag)"


def _schrijffout_tekst(soort: str, map_: Path, naam: str | None) -> str:
    wat = f"Kan {naam} niet schrijven in {map_}" if naam else f"Kan niet schrijven in {map_}"
    if soort == "vol":
        return (
            f"{wat}: de schijf is vol. Maak ruimte vrij op de schijf van {map_} "
            f"{_KIES_ANDERE_MAP}, en probeer het opnieuw."
        )
    if soort == "te groot":
        return (
            f"{wat}: het bestand wordt groter dan is toegestaan (een grens aan de "
            "bestandsgrootte, bv. 'ulimit -f' of een FAT32-schijf). Hef de grens op "
            f"{_KIES_ANDERE_MAP}, en probeer het opnieuw."
        )
    if soort == "alleen-lezen":
        return (
            f"{wat}: de map is alleen-lezen (alleen-lezen schijf of bestandssysteem). Maak "
            f"{map_} schrijfbaar {_KIES_ANDERE_MAP}."
        )
    return (
        f"{wat}: geen schrijfrechten op {map_}. Geef uw gebruiker schrijfrechten op de map "
        f"(bv. 'chmod u+w {map_}', of in Windows via Eigenschappen > Beveiliging) "
        f"{_KIES_ANDERE_MAP}."
    )


def _zichtbare_map(map_: Path) -> Path:
    """The folder a person knows: ``map_`` without the temporary folders of this package."""
    while _TIJDELIJK.match(map_.name) and map_.parent != map_:
        map_ = map_.parent
    return map_


def _bestaande_map(map_: Path) -> Path:
    while not map_.exists() and map_.parent != map_:
        map_ = map_.parent
    return map_


def _onderzoek(map_: Path, exc: BaseException, tmp: Path | None = None) -> str | None:
    """The kind of write failure behind an error without an errno (GDAL and SQLite say "Failed
    to commit transaction"): from its text, else from the folder (read-only, no rights, nearly
    full) or the file size limit of the process, when the file written reached it."""
    tekst = str(exc)
    for patroon, soort in _SCHRIJFTEKSTEN:
        if patroon.search(tekst):
            return soort
    map_ = _bestaande_map(map_)
    with contextlib.suppress(OSError, AttributeError):
        if os.statvfs(map_).f_flag & os.ST_RDONLY:
            return "alleen-lezen"
    if not os.access(map_, os.W_OK):
        return "geen rechten"
    with contextlib.suppress(OSError):
        if shutil.disk_usage(map_).free < _BIJNA_VOL:
            return "vol"
    try:
        import resource
    except ImportError:  # not on Windows
        return None
    zacht, _ = resource.getrlimit(resource.RLIMIT_FSIZE)
    if zacht == resource.RLIM_INFINITY or tmp is None:
        return None
    grootte = 0
    for pad in (tmp, tmp.with_name(tmp.name + "-journal"), tmp.with_name(tmp.name + "-wal")):
        with contextlib.suppress(OSError):
            grootte = max(grootte, pad.stat().st_size)
    return "te groot" if grootte >= zacht - _BIJNA_VOL else None


def write_error(
    exc: BaseException, doel: str | Path, *, tmp: Path | None = None
) -> GebiedsplanError | None:
    """The Dutch error for a failed write of ``doel``, naming its folder and the fix: a full
    disk (``ENOSPC``, quota), a file size limit (``EFBIG``), a read-only folder (``EROFS``) or
    missing rights (``EACCES``, ``EPERM``); also when GDAL or SQLite report it in their own
    words (then the folder is looked at, and the size of ``tmp``, the file being written).
    None when ``exc`` is not such a failure (then it is not a user's problem).

    Examples
    --------
    >>> fout = write_error(OSError(errno.ENOSPC, "No space left on device"), "uitvoer/a.csv")
    >>> str(fout)  # doctest: +ELLIPSIS
    'Kan a.csv niet schrijven in uitvoer: de schijf is vol. Maak ruimte vrij ...'
    >>> write_error(KeyError("x"), "uitvoer/a.csv") is None
    True
    """
    doel = Path(doel)
    soort = None
    if isinstance(exc, OSError) and exc.errno is not None:
        soort = _SCHRIJFFOUTEN.get(exc.errno)  # the errno says it; no guessing
    elif isinstance(exc, OSError) or type(exc).__module__.split(".")[0] in _SCHRIJVERS:
        soort = _onderzoek(doel.parent, exc, tmp)
    if soort is None:
        return None
    return GebiedsplanError(_schrijffout_tekst(soort, _zichtbare_map(doel.parent), doel.name))


# --------------------------------------------------------------------------- temporary names

#: Temporary files and folders of this package: ``.<naam>.<pid>-<8 tekens>`` and the target's
#: suffix (plus what SQLite leaves beside a GeoPackage being written: ``-journal``, ``-wal``).
_TIJDELIJK = re.compile(r"^\.(?P<naam>.+)\.(?P<pid>\d+)-[a-z0-9_]{8}(?P<rest>\.[^/]*)?$")
#: Temporary files of versions before the process id was part of the name.
_TIJDELIJK_OUD = re.compile(
    r"^\..+\.[a-z0-9_]{8}\.(gpkg|csv|xlsx|html|tif|npz|pdf|json|tmp)(-journal|-wal|-shm)?$"
)
#: A temporary file whose process cannot be asked (not POSIX, or an old name) is left alone
#: this long (s): it may belong to a run that is still writing.
MIN_LEEFTIJD_S = 60.0
#: A temporary file of a process that seems to run is removed after this long (s): process
#: ids are reused.
MAX_LEEFTIJD_S = 24 * 3600.0


def _draait(pid: int) -> bool | None:
    """Whether process ``pid`` runs on this machine; None where that cannot be asked."""
    if os.name != "posix":  # os.kill(pid, 0) would end the process on Windows
        return None
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # EPERM: it runs, as another user
        return True
    return True


def _verweesd(pad: Path, nu: float) -> bool:
    """Whether ``pad`` is a temporary file or folder of a run that no longer runs."""
    try:
        leeftijd = nu - pad.lstat().st_mtime
    except OSError:
        return False
    naam = _TIJDELIJK.match(pad.name)
    if naam is None:
        return _TIJDELIJK_OUD.match(pad.name) is not None and leeftijd > MIN_LEEFTIJD_S
    draait = _draait(int(naam["pid"]))
    if draait is None:
        return leeftijd > MIN_LEEFTIJD_S
    return not draait or leeftijd > MAX_LEEFTIJD_S


def clean_stale(map_: str | Path) -> list[Path]:
    """Remove what killed runs of gebiedsplan left in ``map_``: the temporary files of
    :func:`atomic_path` and the folders of :func:`staging_dir` whose process no longer runs
    (where that cannot be asked: older than :data:`MIN_LEEFTIJD_S`). Nothing else is touched.
    What was removed is logged (a warning) and returned.

    Examples
    --------
    >>> import tempfile
    >>> map_ = Path(tempfile.mkdtemp())
    >>> _ = (map_ / ".tabel.csv.999999999-abcd1234.csv").write_text("half")
    >>> _ = (map_ / ".tabel.csv").write_text("van de gebruiker")
    >>> [p.name for p in clean_stale(map_)]
    ['.tabel.csv.999999999-abcd1234.csv']
    >>> [p.name for p in map_.iterdir()]
    ['.tabel.csv']
    """
    map_ = Path(map_)
    try:
        verborgen = sorted(p for p in map_.iterdir() if p.name.startswith("."))
    except OSError:
        return []
    nu = time.time()
    weg = []
    for pad in verborgen:
        if not _verweesd(pad, nu):
            continue
        try:
            if pad.is_dir() and not pad.is_symlink():
                shutil.rmtree(pad)
            else:
                pad.unlink()
        except OSError as exc:
            log.debug("Tijdelijk bestand %s niet opgeruimd: %s", pad, exc)
            continue
        weg.append(pad)
    if weg:
        log.warning(
            "Opgeruimd in %s: %s van een eerder afgebroken run (%s).",
            map_,
            "1 tijdelijk bestand" if len(weg) == 1 else f"{len(weg)} tijdelijke bestanden",
            ", ".join(p.name for p in weg),
        )
    return weg


def _verwijder(tmp: Path) -> None:
    """Remove a temporary file and what SQLite may have left beside it."""
    for pad in (tmp, *(tmp.with_name(tmp.name + e) for e in ("-journal", "-wal", "-shm"))):
        with contextlib.suppress(OSError):
            pad.unlink()


def _nieuw_tijdelijk(target: Path, suffix: str) -> Path:
    """A new temporary name beside ``target`` (nothing created), after cleaning the folder."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        clean_stale(target.parent)
        fd, naam = tempfile.mkstemp(
            prefix=f".{target.name}.{os.getpid()}-", suffix=suffix, dir=target.parent
        )
        os.close(fd)
    except OSError as exc:
        fout = write_error(exc, target)
        if fout is None:
            raise
        raise fout from exc
    tmp = Path(naam)
    tmp.unlink()  # writers such as GDAL want to create the file themselves
    return tmp


# --------------------------------------------------------------------------- atomic writes


class AtomicBatch:
    """The files of one run that land together (:func:`atomic_batch`): every finished
    temporary file and its target, renamed at the end of the batch, or removed."""

    def __init__(self) -> None:
        self._klaar: dict[Path, Path] = {}

    @staticmethod
    def _sleutel(pad: str | Path) -> Path:
        return Path(os.path.abspath(pad))

    def add(self, tmp: str | Path, target: str | Path) -> None:
        """Rename the finished file ``tmp`` over ``target`` when the batch ends well (``tmp``
        on the same disk as ``target``, e.g. from :func:`staging_dir`); remove it otherwise."""
        sleutel = self._sleutel(target)
        eerder = self._klaar.pop(sleutel, None)
        if eerder is not None and eerder != Path(tmp):
            _verwijder(eerder)
        self._klaar[sleutel] = Path(tmp)

    def current(self, target: str | Path) -> Path:
        """Where the content of ``target`` is now: its new temporary file, else ``target``."""
        return self._klaar.get(self._sleutel(target), Path(target))

    def pending(self, map_: str | Path) -> dict[Path, Path]:
        """``{target: temporary file}`` of the files waiting to land in folder ``map_``."""
        map_ = self._sleutel(map_)
        return {doel: tmp for doel, tmp in self._klaar.items() if doel.parent == map_}

    def _commit(self) -> None:
        while self._klaar:
            doel, tmp = next(iter(self._klaar.items()))
            try:
                os.replace(tmp, doel)
            except OSError as exc:
                self._discard()
                fout = write_error(exc, doel)
                if fout is None:
                    raise
                raise fout from exc
            del self._klaar[doel]

    def _discard(self) -> None:
        for tmp in self._klaar.values():
            _verwijder(tmp)
        self._klaar.clear()


_BATCH: contextvars.ContextVar[AtomicBatch | None] = contextvars.ContextVar(
    "gebiedsplan_atomic_batch", default=None
)


@contextlib.contextmanager
def atomic_batch() -> Iterator[AtomicBatch]:
    """Let the files written in the block land together: every :func:`atomic_path` inside
    keeps its temporary file, and only when the whole block succeeded are they all renamed
    over their targets; when anything fails (a full disk at the last file), none is, and the
    earlier files stay as they were. A batch inside a batch is part of the outer one.

    Within the block the new files are not at their targets yet: read them through
    :func:`current_path` and :func:`pending_files`.

    Examples
    --------
    >>> import tempfile
    >>> map_ = Path(tempfile.mkdtemp())
    >>> _ = (map_ / "tabel.csv").write_text("oud")
    >>> try:
    ...     with atomic_batch():
    ...         with atomic_path(map_ / "tabel.csv") as tmp:
    ...             _ = tmp.write_text("nieuw")
    ...         with atomic_path(map_ / "kaart.html") as tmp:  # the disk is full at the map
    ...             raise OSError(errno.ENOSPC, "No space left on device")
    ... except GebiedsplanError as fout:
    ...     print(fout)  # doctest: +ELLIPSIS
    Kan kaart.html niet schrijven in ...: de schijf is vol. Maak ruimte vrij ...
    >>> [(p.name, p.read_text()) for p in map_.iterdir()]
    [('tabel.csv', 'oud')]
    """
    buiten = _BATCH.get()
    if buiten is not None:
        yield buiten
        return
    groep = AtomicBatch()
    token = _BATCH.set(groep)
    try:
        yield groep
    except BaseException:
        groep._discard()
        raise
    else:
        groep._commit()
    finally:
        _BATCH.reset(token)


def current_path(target: str | Path) -> Path:
    """Where the content of ``target`` is now: inside :func:`atomic_batch` the new temporary
    file when one waits to land there, else ``target`` itself.

    Examples
    --------
    >>> current_path("maps/hiaten_GM9999.html")
    PosixPath('maps/hiaten_GM9999.html')
    """
    groep = _BATCH.get()
    return groep.current(target) if groep is not None else Path(target)


def pending_files(map_: str | Path) -> dict[Path, Path]:
    """``{target: temporary file}`` of the files of the current :func:`atomic_batch` that wait
    to land in folder ``map_`` (empty outside a batch).

    Examples
    --------
    >>> pending_files("maps")
    {}
    """
    groep = _BATCH.get()
    return groep.pending(map_) if groep is not None else {}


@contextlib.contextmanager
def atomic_path(
    target: str | Path, *, suffix: str | None = None, batch: bool = True
) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; rename it over ``target`` only on success.

    Inside :func:`atomic_batch` the rename waits for the end of the batch (``batch=False``:
    rename at once, for caches that are no output of a run). A write that fails for a full
    disk, a read-only folder or missing rights raises a :class:`GebiedsplanError` naming the
    folder and the fix (:func:`write_error`). The temporary file is removed in every case;
    temporary files of killed runs in the folder are removed first (:func:`clean_stale`).

    Examples
    --------
    >>> from pathlib import Path
    >>> import tempfile
    >>> from gebiedsplan._io import atomic_path
    >>> doel = Path(tempfile.mkdtemp()) / "tabel.csv"
    >>> with atomic_path(doel) as tmp:
    ...     _ = tmp.write_text("a,b\\n1,2\\n")
    >>> doel.read_text()
    'a,b\\n1,2\\n'
    """
    target = Path(target)
    groep = _BATCH.get() if batch else None
    tmp = _nieuw_tijdelijk(target, suffix or target.suffix or ".tmp")
    bewaard = False
    try:
        yield tmp
        if groep is not None:
            groep.add(tmp, target)
            bewaard = True
        else:
            os.replace(tmp, target)
    except GebiedsplanError:
        raise
    except Exception as exc:
        fout = write_error(exc, target, tmp=tmp)
        if fout is None:
            raise
        raise fout from exc
    finally:
        if not bewaard:
            _verwijder(tmp)


@contextlib.contextmanager
def staging_dir(map_: str | Path) -> Iterator[Path]:
    """A hidden temporary folder in ``map_`` for files that must be complete (and readable)
    before they land: on the same disk as ``map_``, so :meth:`AtomicBatch.add` can rename them
    into place. Removed with what is left in it at the end of the block.

    Examples
    --------
    >>> import tempfile
    >>> map_ = Path(tempfile.mkdtemp())
    >>> with staging_dir(map_) as werk, atomic_batch() as batch:
    ...     _ = (werk / "GM9999.gpkg").write_text("nieuw")
    ...     batch.add(werk / "GM9999.gpkg", map_ / "GM9999.gpkg")
    >>> [p.name for p in map_.iterdir()]
    ['GM9999.gpkg']
    """
    map_ = Path(map_)
    try:
        map_.mkdir(parents=True, exist_ok=True)
        clean_stale(map_)
        pad = Path(tempfile.mkdtemp(prefix=f".gebiedsplan.{os.getpid()}-", dir=map_))
    except OSError as exc:
        soort = _SCHRIJFFOUTEN.get(exc.errno or 0) or _onderzoek(map_, exc)
        if soort is None:
            raise
        raise GebiedsplanError(_schrijffout_tekst(soort, map_, None)) from exc
    try:
        yield pad
    finally:
        shutil.rmtree(pad, ignore_errors=True)
