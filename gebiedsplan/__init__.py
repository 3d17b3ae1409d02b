"""gebiedsplan: GIS toolkit for the sociaal domein of Dutch gemeenten.

The public API for notebooks::

    import gebiedsplan as gp
    gemeente = gp.demo_gemeente()          # or gp.load_gemeente("arnhem")
    analyse = gp.run_analyse(gemeente)
    gp.make_kaart(gemeente, analyse.hiaten)
"""

from __future__ import annotations

import logging

__version__ = "0.1.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())

from gebiedsplan.analyse import Analyse, run_analyse  # noqa: E402
from gebiedsplan.bronnen.demo import demo_gemeente  # noqa: E402
from gebiedsplan.catalogus import load_catalogus  # noqa: E402
from gebiedsplan.gemeente import Gemeente, load_gemeente  # noqa: E402
from gebiedsplan.kaarten import (  # noqa: E402
    make_bereik_kaart,
    make_gebied_kaart,
    make_gezondheid_kaart,
    make_groen_kaart,
    make_kaart,
    make_scenario_kaart,
    make_voorzieningen_kaart,
    save_kaart,
)
from gebiedsplan.publiceren import Publicatieprofiel, load_publicatieprofiel, write_index  # noqa: E402
from gebiedsplan.rapport import make_rapport, save_rapport, save_rapport_pdf  # noqa: E402

__all__ = [
    "Analyse",
    "Publicatieprofiel",
    "load_publicatieprofiel",
    "make_bereik_kaart",
    "make_gebied_kaart",
    "make_gezondheid_kaart",
    "make_groen_kaart",
    "make_scenario_kaart",
    "make_voorzieningen_kaart",
    "write_index",
    "Gemeente",
    "__version__",
    "demo_gemeente",
    "load_catalogus",
    "load_gemeente",
    "make_kaart",
    "make_rapport",
    "run_analyse",
    "save_kaart",
    "save_rapport",
    "save_rapport_pdf",
]
