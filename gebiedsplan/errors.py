"""Own exceptions of gebiedsplan. All subclass ``ValueError`` so callers can catch broadly."""

from __future__ import annotations


class GebiedsplanError(ValueError):
    """Base class of every error gebiedsplan raises on bad input."""


class SchemaError(GebiedsplanError):
    """A layer does not match its schema in ``lagen/catalogus/lagen.yml``.

    ``problemen`` holds every problem found, one line each.
    """

    def __init__(self, laag: str, bron: str, problemen: list[str]) -> None:
        self.laag = laag
        self.bron = bron
        self.problemen = list(problemen)
        lines = "\n".join(f"  - {p}" for p in self.problemen)
        n = len(self.problemen)
        super().__init__(
            f"Laag '{laag}' uit {bron}: {n} {'probleem' if n == 1 else 'problemen'} gevonden:\n{lines}"
        )


class CRSError(GebiedsplanError):
    """A layer has no CRS, or two inputs have different CRSs."""


class GemeenteError(GebiedsplanError):
    """A gemeente file (``wijken/<naam>.yml``) or the layers it refers to are inconsistent."""


class BronError(GebiedsplanError):
    """A source (file or service) cannot be read or answers something unexpected."""


class StoreError(GebiedsplanError):
    """The layer store cannot be read or written."""
