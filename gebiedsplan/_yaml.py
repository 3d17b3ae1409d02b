"""YAML reading that remembers the line of every value, so errors can name the line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from gebiedsplan._errors import GebiedsplanError

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
