"""The one place that names computed columns, units in the name (as cityseer does)."""

from __future__ import annotations


def kolom(maat: str, categorie: str, *, eenheid: str | None = None) -> str:
    """Name of a computed column: ``kolom("afstand", "huisarts", eenheid="m")`` -> ``afstand_huisarts_m``.

    Examples
    --------
    >>> kolom("afstand", "huisarts", eenheid="m")
    'afstand_huisarts_m'
    >>> kolom("binnen_norm", "speelplek")
    'binnen_norm_speelplek'
    """
    return f"{maat}_{categorie}" + (f"_{eenheid}" if eenheid else "")
