"""A national run: the partitions fanned out on ``dask.distributed`` and gathered into national
tables per buurt, wijk and gemeente (:func:`run_landelijk`), written to GeoPackage and Parquet
(:func:`write_landelijk`).

Where it runs
-------------
- by default on a ``LocalCluster`` on this machine: one worker process per core, one thread
  each (the searches are compiled code that holds one core; processes keep Python's GIL out of
  the way);
- ``scheduler="tcp://host:8786"``: on an existing Dask cluster (every worker needs gebiedsplan
  installed, in the same version);
- ``client=``: on a ``distributed.Client`` the caller already has (a notebook, the tests);
- ``workers=0``: in this process, one partition after another, without Dask.

The national arrays (:class:`~gebiedsplan.landelijk.partities.Verdeling`) reach the workers
once: workers on this machine map the same ``.npy`` files into memory
(:func:`~gebiedsplan.landelijk.partities.save_verdeling`, in a temporary folder removed after the
run), so the operating system keeps one copy for all of them; workers on other machines get them
sent (``Client.scatter(..., broadcast=True)``). Every partition is one future, the largest first. Progress: Dask's progress bar and dashboard (the link is reported through
``melding``). Results come back per partition as small tables (and, when asked, per resident)
and are concatenated in code order, so the national tables do not depend on the number of
workers or the order in which partitions finish.
"""

from __future__ import annotations

import logging
import os
import socket
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from gebiedsplan._io import atomic_batch, atomic_path
from gebiedsplan.catalogus import load_catalogus, load_grensbuffer
from gebiedsplan.errors import GebiedsplanError
from gebiedsplan.landelijk.land import MIN_NETWERKDEEL_M, Land
from gebiedsplan.landelijk.partities import (
    Partitie,
    Verdeling,
    build_verdeling,
    heel_land,
    load_verdeling,
    per_gemeente,
    save_verdeling,
)
from gebiedsplan.landelijk.rekenen import (
    NIVEAUS,
    Instellingen,
    Partitieresultaat,
    check_instellingen,
    compute_partitie,
    piek_mb,
)
from gebiedsplan.settings import max_snap_m as MAX_SNAP_M

log = logging.getLogger(__name__)

#: Seconds to wait for an existing Dask scheduler (``scheduler=``) to answer.
VERBINDEN_S = 10

#: The columns of the national tables that are the same for every category of an area.
GEDEELDE_KOLOMMEN = (
    "inwoners",
    "inwoners_geanalyseerd",
    "inwoners_los_van_netwerk",
    "inwoners_klein_netwerkdeel",
)


@dataclass(frozen=True)
class LandelijkResultaat:
    """The national tables (result of :func:`run_landelijk`).

    Attributes
    ----------
    buurten, wijken, gemeenten
        Per area and category (index (code, ``categorie``)): ``inwoners`` and who was analysed,
        ``gem_afstand_m``, ``inwoners_binnen_norm``, ``aandeel_binnen_norm``,
        ``gem_aantal_<straal>m`` and ``inwoners_buiten_buffer`` (see
        :mod:`gebiedsplan.landelijk.rekenen`).
    vraagpunten
        Per resident (index: row of the national ``vraagpunten``) when ``per_vraagpunt``.
    partities
        One row per partition: its size, seconds and the peak memory of the process that ran it.
    instellingen
        The options of the run.
    bron, synthetisch
        Where the inputs came from.
    workers
        Number of Dask workers (0: in this process).
    piek_mb_per_worker
        Peak memory (resident set) of every worker process, MB, from the start of the worker.
    seconden
        Wall time of the run (scatter, partitions, gathering).
    niet_berekend
        Categories asked for that have no facility anywhere in the inputs: left out, because an
        empty layer says nothing about the residents (it is not a gap).
    """

    buurten: pd.DataFrame
    wijken: pd.DataFrame
    gemeenten: pd.DataFrame
    vraagpunten: pd.DataFrame | None
    partities: pd.DataFrame
    instellingen: Instellingen
    bron: str
    synthetisch: bool
    workers: int
    piek_mb_per_worker: dict[str, float]
    seconden: float
    niet_berekend: tuple[str, ...] = ()

    def tabel(self, niveau: str) -> pd.DataFrame:
        """The table of one level: ``buurten``, ``wijken`` or ``gemeenten``."""
        if niveau not in NIVEAUS:
            raise GebiedsplanError(f"Niveau '{niveau}' bestaat niet; kies {', '.join(NIVEAUS)}.")
        return getattr(self, niveau)


def instellingen_voor(
    *,
    categorieen: Iterable[str] | None = None,
    stralen_m: Sequence[float] = (500.0, 1000.0),
    buffer_m: float | None = None,
    min_netwerkdeel_m: float = MIN_NETWERKDEEL_M,
    per_vraagpunt: bool = False,
) -> Instellingen:
    """The options of a national run, checked (:func:`~gebiedsplan.landelijk.rekenen.check_instellingen`).

    Norms from the catalogue; the buffer by default the walking one of
    ``lagen/catalogus/grensbuffer.yml``.

    Examples
    --------
    >>> inst = instellingen_voor(categorieen=["huisarts"])
    >>> inst.buffer_m, inst.stralen_m
    (2000.0, (500.0, 1000.0))
    """
    normen = load_catalogus().normen
    inst = Instellingen(
        normen=dict(normen),
        categorieen=tuple(categorieen) if categorieen is not None else tuple(normen),
        stralen_m=tuple(sorted({float(r) for r in stralen_m})),
        buffer_m=float(load_grensbuffer()["lopen"] if buffer_m is None else buffer_m),
        max_snap_m=float(MAX_SNAP_M),
        min_netwerkdeel_m=float(min_netwerkdeel_m),
        per_vraagpunt=per_vraagpunt,
    )
    check_instellingen(inst)
    return inst


def _samen(
    resultaten: list[Partitieresultaat], instellingen: Instellingen
) -> tuple[dict[str, pd.DataFrame], pd.DataFrame | None, pd.DataFrame]:
    tabellen = {}
    for niveau in NIVEAUS:
        delen = [r.tabellen[niveau] for r in resultaten if len(r.tabellen[niveau])]
        tabellen[niveau] = pd.concat(delen).sort_index() if delen else pd.DataFrame()
    per = [r.vraagpunten for r in resultaten if r.vraagpunten is not None]
    vraagpunten = pd.concat(per).sort_index() if instellingen.per_vraagpunt and per else None
    partities = pd.DataFrame(
        [r.telling for r in resultaten],
        index=pd.Index([r.naam for r in resultaten], name="partitie"),
    )
    return tabellen, vraagpunten, partities


def _run_dask(
    client: Any,
    verdeling: Verdeling,
    partities: list[Partitie],
    instellingen: Instellingen,
    *,
    voortgang: bool,
) -> tuple[list[Partitieresultaat], dict[str, float]]:
    with ExitStack() as stapel:
        if _alle_workers_hier(client):
            # workers on this machine map one copy of the arrays from files
            map_ = stapel.enter_context(tempfile.TemporaryDirectory(prefix="gebiedsplan-land-"))
            gedeeld: Any = str(save_verdeling(verdeling, map_))
            stapel.callback(client.run, _vergeet_verdelingen)  # before the folder goes
            taak: Callable[..., Partitieresultaat] = _compute_uit_bestand
        else:  # workers elsewhere get the arrays sent, once each
            gedeeld = client.scatter(verdeling, broadcast=True, hash=False)
            stapel.callback(client.cancel, gedeeld)
            taak = compute_partitie
        return _verzamel(client, taak, gedeeld, partities, instellingen, voortgang=voortgang)


def _compute_uit_bestand(
    map_: str, partitie: Partitie, instellingen: Instellingen
) -> Partitieresultaat:
    """:func:`compute_partitie` on the arrays of :func:`save_verdeling` (run on a worker)."""
    return compute_partitie(load_verdeling(map_), partitie, instellingen)


def _vergeet_verdelingen() -> None:
    """Unmap the arrays of finished runs in a worker (their files are deleted)."""
    load_verdeling.cache_clear()


def _alle_workers_hier(client: Any) -> bool:
    """Whether every worker of ``client`` runs on this machine (then files can be shared)."""
    import psutil  # comes with dask.distributed

    hier = {"localhost", socket.gethostname()} | {
        adres.address for adressen in psutil.net_if_addrs().values() for adres in adressen
    }
    workers = client.scheduler_info().get("workers", {})
    return bool(workers) and all(str(w.get("host", "")) in hier for w in workers.values())


def _verzamel(
    client: Any,
    taak: Callable[..., Partitieresultaat],
    gedeeld: Any,
    partities: list[Partitie],
    instellingen: Instellingen,
    *,
    voortgang: bool,
) -> tuple[list[Partitieresultaat], dict[str, float]]:
    from distributed import as_completed

    futures = [
        client.submit(taak, gedeeld, p, instellingen, key=f"partitie-{p.naam}", pure=False)
        for p in partities
    ]
    if voortgang:
        from distributed import progress

        progress(futures)
    resultaten: dict[str, Partitieresultaat] = {}
    try:
        for future in as_completed(futures):
            r = future.result()
            resultaten[r.naam] = r
            future.release()
    finally:
        client.cancel(futures)
    piek = {str(k): float(v) for k, v in client.run(piek_mb).items()}
    return [resultaten[p.naam] for p in partities], piek


def _dashboard(client: Any) -> str:
    """Where to follow the run: Dask's dashboard (it needs bokeh on the scheduler)."""
    import importlib.util

    if importlib.util.find_spec("bokeh") is None:
        return "dashboard: installeer bokeh (pip install bokeh) om de run in de browser te volgen"
    return f"dashboard: {client.dashboard_link}"


def run_landelijk(
    land: Land,
    *,
    gemeenten: Iterable[str] | None = None,
    instellingen: Instellingen | None = None,
    heel: bool = False,
    workers: int | None = None,
    scheduler: str | None = None,
    client: Any = None,
    voortgang: bool = False,
    melding: Callable[[str], None] | None = None,
) -> LandelijkResultaat:
    """Accessibility for many gemeenten at once, partitioned by gemeente (module docstring).

    Parameters
    ----------
    land
        The national inputs (:func:`gebiedsplan.landelijk.land.build_land`).
    gemeenten
        The gemeenten to compute (CBS codes, e.g. a province); default all. Their buffers reach
        into the other gemeenten of ``land``.
    instellingen
        Categories, radii, buffer (:func:`instellingen_voor`; default all categories, 500 and
        1000 m, the walking buffer).
    heel
        One partition for everything (the whole-country run the partitioned one must equal).
    workers
        Worker processes of the local cluster (default: one per core); 0 runs in this process
        without Dask.
    scheduler
        Address of an existing Dask scheduler (``tcp://host:8786``) instead of a local cluster.
    client
        An existing ``distributed.Client`` to run on.
    voortgang
        Show Dask's progress bar.
    melding
        Called with short Dutch messages for the user (the dashboard link, the cluster).

    Returns
    -------
    LandelijkResultaat

    Examples
    --------
    >>> from gebiedsplan.landelijk.land import build_land
    >>> land = build_land(1, 2, gemeente_m=2000, straat_m=100)
    >>> inst = instellingen_voor(categorieen=["huisarts"])
    >>> res = run_landelijk(land, instellingen=inst, workers=0)
    >>> res.gemeenten.index.tolist()
    [('GM8001', 'huisarts'), ('GM8002', 'huisarts')]
    """
    begin = time.perf_counter()
    zeg = melding or (lambda tekst: log.info("%s", tekst))
    inst = instellingen if instellingen is not None else instellingen_voor()
    check_instellingen(inst)
    inst, niet_berekend = _met_voorzieningen(inst, land)
    if niet_berekend:
        zeg(
            f"Niet berekend: {', '.join(niet_berekend)}. De invoer heeft daar geen enkele "
            "voorziening van; een lege laag zegt niets over de inwoners en is geen hiaat. Voeg "
            "ze toe (--voorzieningen) om ze mee te rekenen."
        )
    verdeling = build_verdeling(land)
    delen = heel_land(verdeling, gemeenten) if heel else per_gemeente(verdeling, gemeenten)
    piek: dict[str, float] = {}
    if workers is not None and workers < 0:
        raise GebiedsplanError(f"--workers {workers} kan niet: geef 0 (zonder Dask) of meer.")
    if client is None and scheduler is None and workers == 0:
        resultaten = [compute_partitie(verdeling, p, inst) for p in delen]
        n_workers = 0
        piek = {"lokaal": piek_mb()}
    else:
        with ExitStack() as stapel:
            if client is None:
                from distributed import Client, LocalCluster

                if scheduler is not None:
                    try:
                        client = stapel.enter_context(Client(scheduler, timeout=f"{VERBINDEN_S}s"))
                    except OSError:
                        raise GebiedsplanError(
                            f"Geen Dask-scheduler bereikbaar op {scheduler} (geen antwoord "
                            f"binnen {VERBINDEN_S} s). Controleer "
                            "het adres (bv. tcp://10.0.0.5:8786) en of de scheduler draait "
                            "(dask scheduler), of laat --scheduler weg voor een cluster op deze "
                            "computer."
                        ) from None
                else:
                    cluster = stapel.enter_context(
                        LocalCluster(
                            n_workers=workers or os.cpu_count() or 1,
                            threads_per_worker=1,
                            processes=True,
                            dashboard_address=":0",
                        )
                    )
                    client = stapel.enter_context(Client(cluster))
            n_workers = len(client.scheduler_info().get("workers", {}))
            zeg(f"Dask: {n_workers} workers, {len(delen)} partities; {_dashboard(client)}")
            resultaten, piek = _run_dask(client, verdeling, delen, inst, voortgang=voortgang)
    tabellen, vraagpunten, partities = _samen(resultaten, inst)
    return LandelijkResultaat(
        buurten=tabellen["buurten"],
        wijken=tabellen["wijken"],
        gemeenten=tabellen["gemeenten"],
        vraagpunten=vraagpunten,
        partities=partities,
        instellingen=inst,
        bron=land.bron,
        synthetisch=land.synthetisch,
        workers=n_workers,
        piek_mb_per_worker=piek,
        seconden=time.perf_counter() - begin,
        niet_berekend=niet_berekend,
    )


def _met_voorzieningen(inst: Instellingen, land: Land) -> tuple[Instellingen, tuple[str, ...]]:
    """The options without the categories of which ``land`` has no facility at all, and those.

    Raises
    ------
    GebiedsplanError
        None of the categories has a facility.
    """
    aanwezig = set(land.voorzieningen["categorie"].astype(str).unique())
    leeg = tuple(c for c in inst.categorieen if c not in aanwezig)
    if len(leeg) == len(inst.categorieen):
        raise GebiedsplanError(
            f"De invoer ({land.bron}) heeft geen enkele voorziening van "
            f"{', '.join(inst.categorieen)}: er valt niets te berekenen. Voeg voorzieningen toe "
            "(--voorzieningen) of kies categorieën die er wel zijn (--categorieen)."
        )
    if not leeg:
        return inst, ()
    return replace(inst, categorieen=tuple(c for c in inst.categorieen if c in aanwezig)), leeg


def _breed_naam(kolom: str, categorie: str) -> str:
    """``gem_afstand_m`` of ``huisarts`` -> ``gem_afstand_huisarts_m``; the unit stays last.

    Examples
    --------
    >>> _breed_naam("gem_aantal_500m", "huisarts"), _breed_naam("aandeel_binnen_norm", "sport")
    ('gem_aantal_huisarts_500m', 'aandeel_binnen_norm_sport')
    """
    kop, _, staart = kolom.rpartition("_")
    if kop and (staart == "m" or (staart.endswith("m") and staart[:-1].replace(".", "").isdigit())):
        return f"{kop}_{categorie}_{staart}"
    return f"{kolom}_{categorie}"


def wide_table(tabel: pd.DataFrame) -> pd.DataFrame:
    """One row per area, a column per figure and category (for GIS: one polygon per area).

    Examples
    --------
    >>> lang = pd.DataFrame({"inwoners": [10, 10], "gem_afstand_m": [100.0, 300.0]},
    ...     index=pd.MultiIndex.from_tuples([("BU1", "huisarts"), ("BU1", "sport")],
    ...     names=["buurtcode", "categorie"]))
    >>> wide_table(lang).columns.tolist()
    ['inwoners', 'gem_afstand_huisarts_m', 'gem_afstand_sport_m']
    """
    if tabel.empty:
        return pd.DataFrame()
    code = tabel.index.names[0]
    gedeeld = [k for k in GEDEELDE_KOLOMMEN if k in tabel.columns]
    delen = [tabel[gedeeld].groupby(level=0).first()]
    for cat in tabel.index.get_level_values("categorie").unique():
        deel = pd.DataFrame(tabel.xs(cat, level="categorie")).drop(columns=gedeeld)
        delen.append(deel.set_axis([_breed_naam(k, str(cat)) for k in deel.columns], axis=1))
    uit = pd.concat(delen, axis=1)
    uit.index.name = code
    return uit


def write_landelijk(
    resultaat: LandelijkResultaat, land: Land, map_: str | Path, *, naam: str = "landelijk"
) -> list[Path]:
    """Write the national tables: ``<naam>.gpkg`` (a layer per level, one polygon per area, a
    column per figure and category; provenance in the layer metadata) and per level
    ``<naam>_<niveau>.parquet`` (one row per area and category), plus ``<naam>_partities.parquet``
    and, when computed, ``<naam>_vraagpunten.parquet``. The files land together or not at all.

    Examples
    --------
    >>> import tempfile
    >>> from gebiedsplan.landelijk.land import build_land
    >>> land = build_land(1, 2, gemeente_m=2000, straat_m=100)
    >>> res = run_landelijk(land, instellingen=instellingen_voor(categorieen=["huisarts"]),
    ...     workers=0)
    >>> [p.name for p in write_landelijk(res, land, tempfile.mkdtemp())][:2]
    ['landelijk.gpkg', 'landelijk_buurten.parquet']
    """
    map_ = Path(map_)
    map_.mkdir(parents=True, exist_ok=True)
    inst = resultaat.instellingen
    metadata = {
        "bron": resultaat.bron,
        "synthetisch": "ja" if resultaat.synthetisch else "nee",
        "grensbuffer_m": f"{inst.buffer_m:g}",
        "stralen_m": ", ".join(f"{r:g}" for r in inst.stralen_m),
        "categorieen": ", ".join(inst.categorieen),
        "niet_berekend": (
            ", ".join(resultaat.niet_berekend) + " (geen enkele voorziening in de invoer)"
            if resultaat.niet_berekend
            else ""
        ),
        "berekend": time.strftime("%Y-%m-%d"),
        "uitleg": (
            "gem_afstand: naar inwoners gewogen loopafstand over het netwerk; "
            "inwoners_buiten_buffer: inwoners van wie de afstand of een telling verder reikt dan "
            "de grensbuffer (het getal is dan een bovengrens)"
        ),
    }
    lagen = {"buurten": land.buurten, "wijken": land.wijken, "gemeenten": land.gemeenten}
    geschreven = []
    with atomic_batch():
        gpkg = map_ / f"{naam}.gpkg"
        with atomic_path(gpkg) as tmp:
            for niveau, vlakken in lagen.items():
                breed = wide_table(resultaat.tabel(niveau))
                if breed.empty:
                    continue
                gdf = gpd.GeoDataFrame(
                    vlakken.drop(columns="geometry").join(breed, how="inner"),
                    geometry=vlakken.geometry.reindex(breed.index).to_numpy(),
                    crs=vlakken.crs,
                )
                gdf.reset_index().to_file(
                    tmp, layer=niveau, driver="GPKG", engine="pyogrio", layer_metadata=metadata
                )
        geschreven.append(gpkg)
        for niveau in NIVEAUS:
            pad = map_ / f"{naam}_{niveau}.parquet"
            with atomic_path(pad) as tmp:
                resultaat.tabel(niveau).reset_index().to_parquet(tmp, index=False)
            geschreven.append(pad)
        pad = map_ / f"{naam}_partities.parquet"
        with atomic_path(pad) as tmp:
            resultaat.partities.reset_index().to_parquet(tmp, index=False)
        geschreven.append(pad)
        if resultaat.vraagpunten is not None:
            pad = map_ / f"{naam}_vraagpunten.parquet"
            with atomic_path(pad) as tmp:
                resultaat.vraagpunten.reset_index().to_parquet(tmp, index=False)
            geschreven.append(pad)
    return geschreven


def worker_peak_mb(resultaat: LandelijkResultaat) -> float:
    """The largest peak memory of one worker process (MB).

    Examples
    --------
    >>> worker_peak_mb(LandelijkResultaat(*[pd.DataFrame()] * 3, None, pd.DataFrame(),
    ...     instellingen_voor(), "x", True, 2, {"a": 100.0, "b": 250.0}, 1.0))
    250.0
    """
    return float(np.max(list(resultaat.piek_mb_per_worker.values()), initial=0.0))


__all__ = [
    "GEDEELDE_KOLOMMEN",
    "LandelijkResultaat",
    "instellingen_voor",
    "run_landelijk",
    "wide_table",
    "worker_peak_mb",
    "write_landelijk",
]
