"""File helpers every layer shares: atomic writes, and YAML that remembers its lines.

- :func:`atomic_path`: write to a temporary name beside the target and rename it over the
  target only when the write succeeded, so a reader never sees half a file;
- :func:`load_yaml_with_lines` and :func:`waar`: read a YAML file (gemeente files, scenarios,
  register mappings) and name the line of any value in an error message.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml

from gebiedsplan.errors import GebiedsplanError

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


@contextlib.contextmanager
def atomic_path(target: str | Path, *, suffix: str | None = None) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; rename it over ``target`` only on success.

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
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=suffix or target.suffix or ".tmp", dir=target.parent
    )
    os.close(fd)
    tmp = Path(name)
    tmp.unlink()  # writers such as GDAL want to create the file themselves
    try:
        yield tmp
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()
