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
from gebiedsplan.kaarten import make_kaart, save_kaart  # noqa: E402

__all__ = [
    "Analyse",
    "Gemeente",
    "__version__",
    "demo_gemeente",
    "load_catalogus",
    "load_gemeente",
    "make_kaart",
    "run_analyse",
    "save_kaart",
]
