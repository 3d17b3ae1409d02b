"""The gebiedsplan report: one self-contained HTML page per gebied, and a PDF of it.

:func:`make_rapport` (in :mod:`~gebiedsplan.rapport.pagina`) checks the input and puts the
sections together from the Jinja2 templates in ``rapport/templates/``; each section is built in
its own module from what the analyses returned:

- :mod:`~gebiedsplan.rapport.profiel`: residents, households, income, age and health; green;
- :mod:`~gebiedsplan.rapport.trend`: the profile's trend lines over the years (inline SVG and a
  table, re-estimated years marked);
- :mod:`~gebiedsplan.rapport.inbreng`: "Wat bewoners zeggen": residents' pins beside the
  measured gaps, agreement and contradiction made visible, their texts;
- :mod:`~gebiedsplan.rapport.voorzieningen`: facilities present, capacity needed, the gaps;
- :mod:`~gebiedsplan.rapport.scenario`: what a scenario changes;
- :mod:`~gebiedsplan.rapport.bronnen`: sources, dates, licences and norms;
- :mod:`~gebiedsplan.rapport.kaarten`: static maps (inline SVG) and the interactive map;
- :mod:`~gebiedsplan.rapport.delen`: the blocks the sections share (tables, numbers).

:func:`save_rapport` writes the page; :func:`save_rapport_pdf` prints it with Chromium
(:mod:`~gebiedsplan.rapport.pdf`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from gebiedsplan._lui import lui

if TYPE_CHECKING:
    from gebiedsplan.rapport.pagina import make_rapport, save_rapport
    from gebiedsplan.rapport.pdf import find_chromium, save_rapport_pdf

#: Where each public name lives: imported from there on first use (:func:`__getattr__`), so
#: importing one module of this package does not import all of them.
_WAAR: dict[str, str] = {
    "find_chromium": "gebiedsplan.rapport.pdf",
    "make_rapport": "gebiedsplan.rapport.pagina",
    "save_rapport": "gebiedsplan.rapport.pagina",
    "save_rapport_pdf": "gebiedsplan.rapport.pdf",
}

__all__ = ["find_chromium", "make_rapport", "save_rapport", "save_rapport_pdf"]


__getattr__, __dir__ = lui(__name__, _WAAR, __all__)
