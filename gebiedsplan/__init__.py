"""gebiedsplan: GIS toolkit for the sociaal domein of Dutch gemeenten.

The public API, everything a notebook needs, is this package's namespace::

    import gebiedsplan as gp

    gemeente = gp.demo_gemeente()                # or gp.load_gemeente("arnhem")
    analyse = gp.run_analyse(gemeente)
    analyse.hiaten.sort_values("rang").head(10)  # the gap table per wijk
    gp.make_kaart(gemeente, analyse.hiaten)      # an interactive map in the notebook

The code is organised by job, and data flows one way (see the README, "Hoe de code in elkaar
zit"): :mod:`~gebiedsplan.bronnen` (sources) -> :mod:`~gebiedsplan.store` (layer store) ->
:mod:`~gebiedsplan.netwerk` (engine) -> :mod:`~gebiedsplan.analyse` (analyses) ->
:mod:`~gebiedsplan.publiceren`, :mod:`~gebiedsplan.kaarten`, :mod:`~gebiedsplan.rapport`,
:mod:`~gebiedsplan.export` (products) -> :mod:`~gebiedsplan.cli`. Errors on bad input are the
exceptions of :mod:`gebiedsplan.errors` (``gp.errors.SchemaError`` ...), all ``ValueError``.
"""

from __future__ import annotations

import logging

from gebiedsplan import errors, settings
from gebiedsplan._tekst import getal, procent
from gebiedsplan._version import __version__
from gebiedsplan.analyse import (
    Analyse,
    Groenaandeel,
    Locatiekeuze,
    Scenario,
    ScenarioResultaat,
    Voorzieningbereik,
    aggregate_bereikbaarheid,
    apply_scenario,
    choose_locaties,
    compare_scenario,
    compute_2sfca,
    compute_bereikbaarheid,
    compute_gap_table,
    compute_gelijkheid,
    compute_groen,
    compute_groen_aandeel,
    compute_hiaten,
    compute_profielen,
    compute_vloeroppervlak,
    compute_volledigheid,
    compute_voorzieningbereik,
    compute_vraag,
    count_dekking,
    load_scenario,
    rank_by,
    run_analyse,
    sociale_basis_profiel,
    summarize_dekking,
    vloernormen_tabel,
    worst_per_category,
)
from gebiedsplan.bronnen import Herkomst
from gebiedsplan.catalogus import load_catalogus
from gebiedsplan.errors import (
    BronError,
    CRSError,
    GebiedsplanError,
    GemeenteError,
    SchemaError,
    StoreError,
)
from gebiedsplan.export import write_csv, write_hiaten, write_workbook
from gebiedsplan.gemeente import Gebied, Gemeente, effective_voorzieningen, load_gemeente
from gebiedsplan.importeren import demo_gemeente, fetch_online, import_files, write_invoer
from gebiedsplan.kaarten import (
    make_bereik_kaart,
    make_gebied_kaart,
    make_gezondheid_kaart,
    make_groen_kaart,
    make_kaart,
    make_scenario_kaart,
    make_voorzieningen_kaart,
    render_kaart,
    save_kaart,
)
from gebiedsplan.netwerk import compile_netwerk
from gebiedsplan.publiceren import (
    Publicatieprofiel,
    bronnen_tabel,
    load_publicatieprofiel,
    write_index,
)
from gebiedsplan.rapport import make_rapport, save_rapport, save_rapport_pdf
from gebiedsplan.store import Importverslag, load_lagen

logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = [
    "Analyse",
    "BronError",
    "CRSError",
    "Gebied",
    "GebiedsplanError",
    "Gemeente",
    "GemeenteError",
    "Groenaandeel",
    "Herkomst",
    "Importverslag",
    "Locatiekeuze",
    "Publicatieprofiel",
    "Scenario",
    "ScenarioResultaat",
    "SchemaError",
    "StoreError",
    "Voorzieningbereik",
    "__version__",
    "aggregate_bereikbaarheid",
    "apply_scenario",
    "bronnen_tabel",
    "choose_locaties",
    "compare_scenario",
    "compile_netwerk",
    "compute_2sfca",
    "compute_bereikbaarheid",
    "compute_gap_table",
    "compute_gelijkheid",
    "compute_groen",
    "compute_groen_aandeel",
    "compute_hiaten",
    "compute_profielen",
    "compute_vloeroppervlak",
    "compute_volledigheid",
    "compute_voorzieningbereik",
    "compute_vraag",
    "count_dekking",
    "demo_gemeente",
    "effective_voorzieningen",
    "errors",
    "fetch_online",
    "getal",
    "import_files",
    "load_catalogus",
    "load_gemeente",
    "load_lagen",
    "load_publicatieprofiel",
    "load_scenario",
    "make_bereik_kaart",
    "make_gebied_kaart",
    "make_gezondheid_kaart",
    "make_groen_kaart",
    "make_kaart",
    "make_rapport",
    "make_scenario_kaart",
    "make_voorzieningen_kaart",
    "procent",
    "rank_by",
    "render_kaart",
    "run_analyse",
    "save_kaart",
    "save_rapport",
    "save_rapport_pdf",
    "settings",
    "sociale_basis_profiel",
    "summarize_dekking",
    "vloernormen_tabel",
    "worst_per_category",
    "write_csv",
    "write_hiaten",
    "write_index",
    "write_invoer",
    "write_workbook",
]
