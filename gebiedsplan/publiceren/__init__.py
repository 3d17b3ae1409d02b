"""Publishing: what a published map or report may show, and how it reaches ``maps/``.

- :mod:`~gebiedsplan.publiceren.profiel`: the publishing profile (:class:`Publicatieprofiel`,
  defaults in ``lagen/catalogus/publicatie.yml``): hidden categories, names and sites, and
  health values suppressed for small areas;
- :mod:`~gebiedsplan.publiceren.pagina`: self-contained pages (libraries inlined from the
  vendored ``_static/``), safe text (:func:`escape_tekst`) and the page's meta tags;
- :mod:`~gebiedsplan.publiceren.index`: ``maps/index.html``, the list of what was published;
- :mod:`~gebiedsplan.publiceren.opmaak`: what maps and report show alike (the gap colour
  scale, indicator labels);
- :mod:`~gebiedsplan.publiceren.herkomst`: the provenance of the layers as a table.

Every text that comes from data (names from OpenStreetMap, a municipal Excel file, a gemeente
file) is made safe with :func:`escape_tekst` before it is put into a page (escaped, and without
invisible bidi-control and zero-width characters: :func:`zichtbare_tekst`, which the Excel
exports use too).
"""

from __future__ import annotations

from gebiedsplan.publiceren.herkomst import bronnen_tabel
from gebiedsplan.publiceren.index import write_index
from gebiedsplan.publiceren.opmaak import (
    GEEN_WAARDE_KLEUR,
    HIAAT_GRENZEN,
    HIAAT_KLEUREN,
    indicator_labels,
    klasse,
)
from gebiedsplan.publiceren.pagina import (
    ONZICHTBAAR,
    SOORTEN,
    STATIC_DIR,
    escape_tekst,
    inline_static,
    meta_html,
    publish_html,
    read_page_meta,
    zichtbare_tekst,
)
from gebiedsplan.publiceren.profiel import (
    NIET_GEPUBLICEERD,
    ONDERDRUKT,
    Publicatieprofiel,
    hidden_categories,
    load_publicatieprofiel,
    publishable_accommodaties,
    publishable_voorzieningen,
    suppress_gezondheid,
)

__all__ = [
    "GEEN_WAARDE_KLEUR",
    "HIAAT_GRENZEN",
    "HIAAT_KLEUREN",
    "NIET_GEPUBLICEERD",
    "ONDERDRUKT",
    "ONZICHTBAAR",
    "SOORTEN",
    "STATIC_DIR",
    "Publicatieprofiel",
    "bronnen_tabel",
    "escape_tekst",
    "hidden_categories",
    "indicator_labels",
    "inline_static",
    "klasse",
    "load_publicatieprofiel",
    "meta_html",
    "publish_html",
    "publishable_accommodaties",
    "publishable_voorzieningen",
    "read_page_meta",
    "suppress_gezondheid",
    "write_index",
    "zichtbare_tekst",
]
