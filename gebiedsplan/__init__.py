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

Importing the package is quick: it loads only :mod:`~gebiedsplan.errors`,
:mod:`~gebiedsplan.settings` and the version. Every other public name (``gp.run_analyse``,
``gp.make_kaart`` ...) and every subpackage (``gp.netwerk``) is imported on first use, so a
command or a worker process pays only for what it uses (geopandas, numba, folium, jinja2 ...).
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
from typing import TYPE_CHECKING, Any

from gebiedsplan import errors, settings
from gebiedsplan._version import __version__
from gebiedsplan.errors import (
    BronError,
    CRSError,
    GebiedsplanError,
    GemeenteError,
    SchemaError,
    StoreError,
)

if TYPE_CHECKING:
    from gebiedsplan._tekst import getal, procent
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
    from gebiedsplan.landelijk import (
        LandBestanden,
        build_land,
        build_land_uit_bestanden,
        read_land,
        run_landelijk,
        write_landelijk,
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

#: Where each public name lives: imported from there on first use (:func:`__getattr__`).
_WAAR: dict[str, str] = {
    "Analyse": "gebiedsplan.analyse",
    "Gebied": "gebiedsplan.gemeente",
    "Gemeente": "gebiedsplan.gemeente",
    "Groenaandeel": "gebiedsplan.analyse",
    "Herkomst": "gebiedsplan.bronnen",
    "Importverslag": "gebiedsplan.store",
    "Locatiekeuze": "gebiedsplan.analyse",
    "Publicatieprofiel": "gebiedsplan.publiceren",
    "Scenario": "gebiedsplan.analyse",
    "ScenarioResultaat": "gebiedsplan.analyse",
    "Voorzieningbereik": "gebiedsplan.analyse",
    "aggregate_bereikbaarheid": "gebiedsplan.analyse",
    "apply_scenario": "gebiedsplan.analyse",
    "bronnen_tabel": "gebiedsplan.publiceren",
    "choose_locaties": "gebiedsplan.analyse",
    "compare_scenario": "gebiedsplan.analyse",
    "compile_netwerk": "gebiedsplan.netwerk",
    "compute_2sfca": "gebiedsplan.analyse",
    "compute_bereikbaarheid": "gebiedsplan.analyse",
    "compute_gap_table": "gebiedsplan.analyse",
    "compute_gelijkheid": "gebiedsplan.analyse",
    "compute_groen": "gebiedsplan.analyse",
    "compute_groen_aandeel": "gebiedsplan.analyse",
    "compute_hiaten": "gebiedsplan.analyse",
    "compute_profielen": "gebiedsplan.analyse",
    "compute_vloeroppervlak": "gebiedsplan.analyse",
    "compute_volledigheid": "gebiedsplan.analyse",
    "compute_voorzieningbereik": "gebiedsplan.analyse",
    "compute_vraag": "gebiedsplan.analyse",
    "count_dekking": "gebiedsplan.analyse",
    "demo_gemeente": "gebiedsplan.importeren",
    "effective_voorzieningen": "gebiedsplan.gemeente",
    "fetch_online": "gebiedsplan.importeren",
    "getal": "gebiedsplan._tekst",
    "import_files": "gebiedsplan.importeren",
    "load_catalogus": "gebiedsplan.catalogus",
    "load_gemeente": "gebiedsplan.gemeente",
    "load_lagen": "gebiedsplan.store",
    "load_publicatieprofiel": "gebiedsplan.publiceren",
    "load_scenario": "gebiedsplan.analyse",
    "make_bereik_kaart": "gebiedsplan.kaarten",
    "make_gebied_kaart": "gebiedsplan.kaarten",
    "make_gezondheid_kaart": "gebiedsplan.kaarten",
    "make_groen_kaart": "gebiedsplan.kaarten",
    "make_kaart": "gebiedsplan.kaarten",
    "make_rapport": "gebiedsplan.rapport",
    "make_scenario_kaart": "gebiedsplan.kaarten",
    "make_voorzieningen_kaart": "gebiedsplan.kaarten",
    "procent": "gebiedsplan._tekst",
    "rank_by": "gebiedsplan.analyse",
    "render_kaart": "gebiedsplan.kaarten",
    "run_analyse": "gebiedsplan.analyse",
    "run_landelijk": "gebiedsplan.landelijk",
    "build_land": "gebiedsplan.landelijk",
    "build_land_uit_bestanden": "gebiedsplan.landelijk",
    "LandBestanden": "gebiedsplan.landelijk",
    "read_land": "gebiedsplan.landelijk",
    "write_landelijk": "gebiedsplan.landelijk",
    "save_kaart": "gebiedsplan.kaarten",
    "save_rapport": "gebiedsplan.rapport",
    "save_rapport_pdf": "gebiedsplan.rapport",
    "sociale_basis_profiel": "gebiedsplan.analyse",
    "summarize_dekking": "gebiedsplan.analyse",
    "vloernormen_tabel": "gebiedsplan.analyse",
    "worst_per_category": "gebiedsplan.analyse",
    "write_csv": "gebiedsplan.export",
    "write_hiaten": "gebiedsplan.export",
    "write_index": "gebiedsplan.publiceren",
    "write_invoer": "gebiedsplan.importeren",
    "write_workbook": "gebiedsplan.export",
}

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
    "LandBestanden",
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
    "build_land",
    "build_land_uit_bestanden",
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
    "read_land",
    "render_kaart",
    "run_analyse",
    "run_landelijk",
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
    "write_landelijk",
    "write_workbook",
]


def __getattr__(naam: str) -> Any:
    """A public name (``gp.run_analyse``) or a subpackage (``gp.netwerk``), imported on first use.

    Examples
    --------
    >>> import gebiedsplan as gp
    >>> gp.compile_netwerk.__module__
    'gebiedsplan.netwerk.graaf'
    >>> gp.netwerk.__name__
    'gebiedsplan.netwerk'
    """
    if naam in _WAAR:
        waarde = getattr(importlib.import_module(_WAAR[naam]), naam)
    elif importlib.util.find_spec(f"{__name__}.{naam}") is not None:
        waarde = importlib.import_module(f"{__name__}.{naam}")
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {naam!r}")
    globals()[naam] = waarde  # once imported, a plain attribute
    return waarde


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
