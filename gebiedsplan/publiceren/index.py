"""The index of ``maps/``: what was published, with dates (:func:`write_index`), read from the
``<meta name="gebiedsplan:...">`` tags of every page."""

from __future__ import annotations

import html
import logging
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from gebiedsplan import settings
from gebiedsplan._io import atomic_path, pending_files
from gebiedsplan.publiceren.pagina import SOORTEN, escape_tekst, read_page_meta

log = logging.getLogger(__name__)


def _label(synthetisch: str) -> str:
    """The mark after a page's title: synthetic (every source made up), or which layers and
    sources are fictitious; nothing for a page of real data."""
    if not synthetisch:
        return ""
    if synthetisch == "ja":
        return " <span class='synth'>synthetisch</span>"
    return f" <span class='synth fictief'>fictief: {escape_tekst(synthetisch)}</span>"


def _index_html(rijen: Iterable[Mapping[str, Any]], *, titel: str) -> str:
    regels = []
    for r in rijen:
        soort = SOORTEN.get(r["soort"], r["soort"] or "pagina")
        label = _label(r.get("synthetisch", ""))
        regels.append(
            "<tr>"
            f'<td><a href="{html.escape(r["bestand"])}">{escape_tekst(r["titel"])}</a>{label}</td>'
            f"<td>{escape_tekst(soort)}</td><td>{escape_tekst(r['gemeente'])}</td>"
            f"<td>{escape_tekst(r['peildatum'])}</td><td>{escape_tekst(r['opgehaald'])}</td>"
            f"<td>{escape_tekst(r['gepubliceerd'])}</td>"
            "</tr>"
        )
    leeg = "<p>Er is nog niets gepubliceerd.</p>" if not regels else ""
    return f"""<!DOCTYPE html>
<html lang="nl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape_tekst(titel)}</title>
<style>
body {{ font-family: sans-serif; margin: 2em; color: #222; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ text-align: left; padding: 6px 10px; border-bottom: 1px solid #ddd; }}
th {{ background: #f0f0f0; }}
.synth {{ font-size: 80%; background: #fee08b; padding: 1px 5px; border-radius: 3px; }}
</style>
</head>
<body>
<h1>{escape_tekst(titel)}</h1>
<p>Kaarten en rapporten van gebiedsplan. Elke pagina werkt zonder server; alleen de
achtergrondkaart komt van internet.</p>
{leeg}<table>
<thead><tr><th>Titel</th><th>Soort</th><th>Gemeente</th><th>Gegevens van</th><th>Opgehaald/geïmporteerd</th><th>Gepubliceerd</th></tr></thead>
<tbody>
{chr(10).join(regels)}
</tbody>
</table>
</body>
</html>
"""


def write_index(
    maps_dir: str | Path | None = None, *, titel: str = "Gepubliceerde kaarten"
) -> Path:
    """Write ``index.html`` in the maps folder: every published page with its title, kind,
    gemeente, the moment its data describe ("Gegevens van"), when they were fetched or imported
    ("Opgehaald/geïmporteerd") and the publication date (newest first). A page of made-up data
    is marked "synthetisch"; a page that shows a fictitious layer names that layer and source.

    The facts come from the ``<meta name="gebiedsplan:...">`` tags of every page
    (``titel``, ``soort``, ``gemeente``, ``peildatum``, ``opgehaald``, ``gepubliceerd``,
    ``synthetisch``; see :func:`meta_html` and :func:`publish_html`), else from ``<title>`` and
    the file date. Inside :func:`gebiedsplan._io.atomic_batch` the pages of the run that have
    not landed yet are listed too, and the index lands with them. Hidden files (temporary files
    of other runs) are never listed.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> map_ = Path(tempfile.mkdtemp())
    >>> _ = (map_ / "a.html").write_text('<html><head><meta name="gebiedsplan:titel" '
    ...     'content="Hiaten Rivierstad"></head></html>', encoding="utf-8")
    >>> "Hiaten Rivierstad" in write_index(map_).read_text(encoding="utf-8")
    True
    """
    map_ = Path(maps_dir if maps_dir is not None else settings.maps_dir)
    paginas = {
        p.name: p
        for p in (map_.glob("*.html") if map_.is_dir() else [])
        if p.name != "index.html" and not p.name.startswith(".")
    }
    nieuw = {doel.name: tmp for doel, tmp in pending_files(map_).items() if doel.suffix == ".html"}
    paginas |= nieuw
    paginas.pop("index.html", None)
    rijen = []
    for naam, pad in sorted(paginas.items()):
        rij = read_page_meta(pad)
        if pad.name != naam:  # a page of this run that has not landed yet
            rij["bestand"] = naam
            if rij["titel"] == pad.stem:
                rij["titel"] = Path(naam).stem
        rijen.append(rij)
    rijen.sort(key=lambda r: r["titel"])
    rijen.sort(key=lambda r: r["gepubliceerd"], reverse=True)
    doel = map_ / "index.html"
    with atomic_path(doel) as tmp:
        tmp.write_text(_index_html(rijen, titel=titel), encoding="utf-8")
    log.info("Index geschreven: %s (%d pagina's)", doel, len(rijen))
    return doel
