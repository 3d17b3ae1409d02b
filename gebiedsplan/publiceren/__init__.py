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

from typing import TYPE_CHECKING

from gebiedsplan._lui import lui

if TYPE_CHECKING:
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

#: Where each public name lives: imported from there on first use (:func:`__getattr__`), so
#: importing one module of this package does not import all of them.
_WAAR: dict[str, str] = {
    "GEEN_WAARDE_KLEUR": "gebiedsplan.publiceren.opmaak",
    "HIAAT_GRENZEN": "gebiedsplan.publiceren.opmaak",
    "HIAAT_KLEUREN": "gebiedsplan.publiceren.opmaak",
    "NIET_GEPUBLICEERD": "gebiedsplan.publiceren.profiel",
    "ONDERDRUKT": "gebiedsplan.publiceren.profiel",
    "ONZICHTBAAR": "gebiedsplan.publiceren.pagina",
    "Publicatieprofiel": "gebiedsplan.publiceren.profiel",
    "SOORTEN": "gebiedsplan.publiceren.pagina",
    "STATIC_DIR": "gebiedsplan.publiceren.pagina",
    "bronnen_tabel": "gebiedsplan.publiceren.herkomst",
    "escape_tekst": "gebiedsplan.publiceren.pagina",
    "hidden_categories": "gebiedsplan.publiceren.profiel",
    "indicator_labels": "gebiedsplan.publiceren.opmaak",
    "inline_static": "gebiedsplan.publiceren.pagina",
    "klasse": "gebiedsplan.publiceren.opmaak",
    "load_publicatieprofiel": "gebiedsplan.publiceren.profiel",
    "meta_html": "gebiedsplan.publiceren.pagina",
    "publish_html": "gebiedsplan.publiceren.pagina",
    "publishable_accommodaties": "gebiedsplan.publiceren.profiel",
    "publishable_voorzieningen": "gebiedsplan.publiceren.profiel",
    "read_page_meta": "gebiedsplan.publiceren.pagina",
    "suppress_gezondheid": "gebiedsplan.publiceren.profiel",
    "write_index": "gebiedsplan.publiceren.index",
    "zichtbare_tekst": "gebiedsplan.publiceren.pagina",
}

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


__getattr__, __dir__ = lui(__name__, _WAAR, __all__)
