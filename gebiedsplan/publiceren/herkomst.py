"""Provenance for people: the sources, dates and licences of the layers as one table, for the
Excel notes and the report's sources section."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from gebiedsplan.bronnen import Herkomst


def bronnen_tabel(herkomst: Mapping[str, Herkomst]) -> pd.DataFrame:
    """Provenance of every layer as a table (for Excel sheets and report footers)."""
    return pd.DataFrame(
        [
            {
                "Laag": naam,
                "Bron": h.bron,
                "Datum": h.datum,
                "Licentie": h.licentie,
                "Bevraging": h.query,
                "Synthetisch": "ja" if h.synthetisch else "nee",
            }
            for naam, h in herkomst.items()
        ]
    )
