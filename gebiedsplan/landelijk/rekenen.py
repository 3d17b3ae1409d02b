"""The computation of one partition: the accessibility analysis of
:mod:`gebiedsplan.analyse.bereikbaarheid`, on the partition's piece of the national network, with
the residents its buffer cannot answer flagged.

Per partition (:func:`compute_partitie`):

1. its streets, facilities and residents are taken from the national arrays
   (:func:`gebiedsplan.landelijk.partities.select_partitie`) and the streets compiled
   (:func:`gebiedsplan.netwerk.graaf.compile_arrays`) with their lines (through their shape
   points, :func:`gebiedsplan.landelijk.land.kant_lijnen`) as the segments to snap onto: the
   engine's own attach code (:mod:`gebiedsplan.netwerk.aansluiten`) then snaps residents and
   facilities onto the real streets, by the rule of a gemeente's own analysis;
2. residents at the same spot (the addresses of one block of flats) are routed once: the
   origins are deduplicated before they are attached and searched;
3. :func:`gebiedsplan.analyse.bereikbaarheid.compute_bereikbaarheid` gives per spot the nearest
   distance per category and the counts within the radii; the engine's searches are exact;
4. a spot on a piece of network with less than ``min_netwerkdeel_m`` of street length is not
   analysed (*klein netwerkdeel*; an absolute length, not the share of the network that a single
   gemeente uses, so that the answer does not depend on the partitioning: it must be at most the
   buffer minus twice the snap distance, see :func:`check_instellingen`). A land from real files
   has no such pieces (the converter leaves them out, once, on the whole network:
   :func:`gebiedsplan.landelijk.invoer.build_land_uit_bestanden`); this is the safety net for a
   land that still has them (``--invoer``, a synthetic land);
5. per resident and category ``buiten_buffer_<categorie>``: the distance is not below
   ``rand_afstand_m`` (the distance to the edge of the buffer) or a count radius reaches it
   (:mod:`gebiedsplan.landelijk.partities` explains why the others are exact);
6. per buurt, wijk and gemeente the means of
   :func:`gebiedsplan.analyse.bereikbaarheid.aggregate_bereikbaarheid`, plus the mean count within
   each radius (``gem_aantal_<straal>m``, as CBS Nabijheid reports "gemiddeld aantal binnen
   1 km") and ``inwoners_buiten_buffer``: the residents whose figure is an upper bound.
"""

from __future__ import annotations

import logging
import resource
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.sparse.csgraph import connected_components

from gebiedsplan.analyse.bereikbaarheid import categories_of, compute_bereikbaarheid
from gebiedsplan.catalogus import Norm
from gebiedsplan.errors import GebiedsplanError
from gebiedsplan.landelijk.land import MIN_NETWERKDEEL_M, kant_lijnen, select_vormen
from gebiedsplan.landelijk.partities import (
    Partitie,
    Verdeling,
    rand_afstand_m,
    select_partitie,
)
from gebiedsplan.netwerk.graaf import Netwerk, compile_arrays

log = logging.getLogger(__name__)

#: The three levels of the national tables, and the column of the residents that names them.
NIVEAUS = {"buurten": "buurtcode", "wijken": "wijkcode", "gemeenten": "gemeentecode"}


@dataclass(frozen=True)
class Instellingen:
    """What every partition computes (the options of a national run).

    Attributes
    ----------
    normen
        Norm per category (``max_afstand_m`` decides ``binnen_norm_*``).
    categorieen
        The categories to compute.
    stralen_m
        Radii of the counts.
    buffer_m
        The border buffer (default ``lopen`` of ``lagen/catalogus/grensbuffer.yml``).
    max_snap_m
        Points further from a street are not attached.
    min_netwerkdeel_m
        Residents on a piece of network with less street length are not analysed.
    per_vraagpunt
        Whether to return the per-resident results too (memory: one row per address).
    """

    normen: Mapping[str, Norm]
    categorieen: tuple[str, ...]
    stralen_m: tuple[float, ...] = (500.0, 1000.0)
    buffer_m: float = 2000.0
    max_snap_m: float = 250.0
    min_netwerkdeel_m: float = MIN_NETWERKDEEL_M
    per_vraagpunt: bool = False


def check_instellingen(instellingen: Instellingen) -> None:
    """Refuse options under which a partition could not tell its exact answers.

    Examples
    --------
    >>> from gebiedsplan.catalogus import load_catalogus
    >>> check_instellingen(Instellingen(load_catalogus().normen, ("huisarts",), buffer_m=400))
    Traceback (most recent call last):
    ...
    gebiedsplan.errors.GebiedsplanError: Grensbuffer 400 m is te klein: ...
    """
    i = instellingen
    onbekend = [c for c in i.categorieen if c not in i.normen]
    if onbekend:
        raise GebiedsplanError(
            f"Geen norm voor categorie {', '.join(onbekend)}; normen bestaan voor "
            f"{', '.join(i.normen)}. Kies andere categorieën of voeg de norm toe in "
            "lagen/catalogus/normen.yml."
        )
    minimum = i.min_netwerkdeel_m + 2 * i.max_snap_m
    if i.buffer_m < minimum:
        raise GebiedsplanError(
            f"Grensbuffer {i.buffer_m:g} m is te klein: een partitie kan dan een klein los "
            f"netwerkdeel ({i.min_netwerkdeel_m:g} m straat) niet onderscheiden van een "
            f"afgesneden stuk. Neem een buffer van minstens {minimum:g} m "
            "(lagen/catalogus/grensbuffer.yml) of een kleinere min_netwerkdeel_m."
        )
    if not i.stralen_m or min(i.stralen_m) < 0:
        raise GebiedsplanError(
            f"Stralen {list(i.stralen_m)} kunnen niet: geef één of meer afstanden >= 0 m."
        )


@dataclass(frozen=True)
class Partitieresultaat:
    """The result of one partition (:func:`compute_partitie`).

    Attributes
    ----------
    naam
        The partition's name.
    tabellen
        Per level (``buurten``, ``wijken``, ``gemeenten``) the table indexed by (code,
        ``categorie``).
    vraagpunten
        Per resident (index: its row in the national ``vraagpunten``), when asked.
    telling
        Sizes, seconds and peak memory (``knopen``, ``kanten``, ``voorzieningen``,
        ``vraagpunten``, ``plekken``: distinct spots routed, ``inwoners_buiten_buffer``,
        ``seconden`` (wall), ``cpu_s`` (CPU time of the thread that ran it), ``piek_mb``: of the
        process that ran it).
    """

    naam: str
    tabellen: dict[str, pd.DataFrame]
    vraagpunten: pd.DataFrame | None
    telling: dict[str, float] = field(default_factory=dict)


def _netwerkdelen_m(net: Netwerk) -> np.ndarray:
    """Street length of every (weakly) connected piece of the network."""
    assert net.kant_van is not None and net.kant_lengte_m is not None
    n_delen, label = connected_components(net.graaf, directed=True, connection="weak")
    return np.bincount(label[net.kant_van], weights=net.kant_lengte_m, minlength=n_delen)


def _leeg_resultaat(naam: str) -> Partitieresultaat:
    return Partitieresultaat(naam, {k: pd.DataFrame() for k in NIVEAUS}, None, {})


def compute_partitie(
    verdeling: Verdeling, partitie: Partitie, instellingen: Instellingen
) -> Partitieresultaat:
    """Accessibility of the residents of one partition (module docstring).

    Examples
    --------
    >>> from gebiedsplan.catalogus import load_catalogus
    >>> from gebiedsplan.landelijk.land import build_land
    >>> from gebiedsplan.landelijk.partities import build_verdeling, per_gemeente
    >>> v = build_verdeling(build_land(2, 2, gemeente_m=2000, straat_m=100))
    >>> inst = Instellingen(load_catalogus().normen, ("huisarts",))
    >>> r = compute_partitie(v, per_gemeente(v, ["GM8001"])[0], inst)
    >>> sorted(r.tabellen), r.tabellen["gemeenten"].index.tolist()
    (['buurten', 'gemeenten', 'wijken'], [('GM8001', 'huisarts')])
    """
    begin = time.perf_counter()
    begin_cpu = time.thread_time()
    i = instellingen
    sel = select_partitie(verdeling, partitie, buffer_m=i.buffer_m, max_snap_m=i.max_snap_m)
    if len(sel.vraagpunten) == 0:
        log.info("Partitie %s heeft geen vraagpunten", partitie.naam)
        return _leeg_resultaat(partitie.naam)
    v = verdeling
    knopen, lokaal = np.unique(
        np.concatenate([v.kant_van[sel.kanten], v.kant_naar[sel.kanten]]), return_inverse=True
    )
    lokaal = lokaal.ravel()
    m = len(sel.kanten)
    if m == 0:
        raise GebiedsplanError(
            f"Partitie {partitie.naam} heeft geen enkele straat binnen de grensbuffer; "
            "controleer of wegen en gemeenten in hetzelfde gebied en CRS (EPSG:28992) liggen."
        )
    knoop_xy = v.knoop_xy[knopen]
    van, naar = lokaal[:m], lokaal[m:]
    net = compile_arrays(knoop_xy, van, naar, v.kant_lengte_m[sel.kanten])
    # the streets' real lines as the segments to snap onto, in the order of the edges
    # (compile_arrays keeps it), as a gemeente's network carries its layer's LineStrings
    vorm_ptr, vorm_xy = select_vormen(v.kant_vorm_ptr, v.kant_vorm_xy, sel.kanten)
    net = replace(net, kant_geometrie=kant_lijnen(knoop_xy, van, naar, vorm_ptr, vorm_xy))

    # residents: one search per distinct spot
    vp_xy = v.vp_xy[sel.vraagpunten]
    plek_xy, plek_nr = np.unique(vp_xy, axis=0, return_inverse=True)
    plek_nr = plek_nr.ravel()
    inwoners = v.vp_inwoners[sel.vraagpunten]
    plekken = gpd.GeoDataFrame(
        {"inwoners": np.bincount(plek_nr, weights=inwoners, minlength=len(plek_xy))},
        geometry=shapely.points(plek_xy),
        crs="EPSG:28992",
    )
    voorzieningen = gpd.GeoDataFrame(
        {"categorie": np.asarray(v.categorieen, dtype=object)[v.vz_cat[sel.voorzieningen]]},
        geometry=shapely.points(v.vz_xy[sel.voorzieningen]),
        index=pd.Index(v.vz_id[sel.voorzieningen], name="id"),
        crs="EPSG:28992",
    )
    # a piece is small below min_netwerkdeel_m of street: as a share of this partition's
    # streets for the analysis (which never calls the largest piece small: when even that one
    # is small, every attached spot is); one snap of spots and facilities together
    delen_m = _netwerkdelen_m(net)
    totaal_m = float(delen_m.sum())
    bereik = compute_bereikbaarheid(
        plekken,
        voorzieningen,
        net,
        i.normen,
        categorieen=i.categorieen,
        max_snap_m=i.max_snap_m,
        stralen_m=i.stralen_m,
        min_aandeel_netwerkdeel=i.min_netwerkdeel_m / totaal_m if totaal_m > 0 else 0.0,
    )
    if delen_m.max(initial=0.0) < i.min_netwerkdeel_m:
        bereik["klein_netwerkdeel"] = ~bereik["los_van_netwerk"].to_numpy(dtype=bool)
        bereik["geanalyseerd"] = False
    rand = rand_afstand_m(partitie.geometrie, plek_xy, buffer_m=i.buffer_m)
    bereik.insert(0, "rand_afstand_m", rand)
    geanalyseerd = bereik["geanalyseerd"].to_numpy(dtype=bool)
    straal_te_ver = max(i.stralen_m) >= rand
    vlaggen = {}
    for cat in i.categorieen:
        afstand = bereik[f"afstand_{cat}_m"].to_numpy(dtype=float)
        with np.errstate(invalid="ignore"):
            exact = afstand < rand  # NaN (nothing found) is not exact
        vlaggen[f"buiten_buffer_{cat}"] = geanalyseerd & (~exact | straal_te_ver)
    buiten = pd.DataFrame(vlaggen, index=bereik.index)
    buiten.insert(0, "buiten_buffer", buiten.any(axis=1))
    bereik = pd.concat([bereik, buiten], axis=1)

    # back to the residents, in national order
    ids = v.vp_id[sel.vraagpunten]
    per_inwoner = bereik.iloc[plek_nr].set_axis(pd.Index(ids, name="vraagpunt"))
    buurt = v.vp_buurt[sel.vraagpunten]
    wijk = v.buurt_wijk[buurt]
    vraag = pd.DataFrame(
        {
            "inwoners": inwoners,
            "buurtcode": v.buurt_codes[buurt],
            "wijkcode": v.wijk_codes[wijk],
            "gemeentecode": v.gemeente_codes[v.wijk_gemeente[wijk]],
        },
        index=per_inwoner.index,
    )
    tabellen = {
        niveau: aggregate_landelijk(per_inwoner, vraag, groep=kolom, stralen_m=i.stralen_m)
        for niveau, kolom in NIVEAUS.items()
    }
    n_buiten = int(inwoners[per_inwoner["buiten_buffer"].to_numpy(dtype=bool)].sum())
    telling = {
        "knopen": float(net.n_knopen),
        "kanten": float(m),
        "voorzieningen": float(len(voorzieningen)),
        "vraagpunten": float(len(ids)),
        "plekken": float(len(plek_xy)),
        "inwoners_buiten_buffer": float(n_buiten),
        "seconden": time.perf_counter() - begin,
        "cpu_s": time.thread_time() - begin_cpu,
        "piek_mb": piek_mb(),
    }
    if i.per_vraagpunt:
        per_inwoner = pd.concat([vraag, per_inwoner], axis=1)
    return Partitieresultaat(
        partitie.naam, tabellen, per_inwoner if i.per_vraagpunt else None, telling
    )


def aggregate_landelijk(
    per_inwoner: pd.DataFrame,
    vraag: pd.DataFrame,
    *,
    groep: str,
    stralen_m: tuple[float, ...],
) -> pd.DataFrame:
    """Per area and category the figures of
    :func:`~gebiedsplan.analyse.bereikbaarheid.aggregate_bereikbaarheid` (the same columns,
    the same sums in the same order, so the same numbers to the last bit), plus
    ``gem_aantal_<straal>m`` (inhabitant-weighted mean count over the analysed residents) and
    ``inwoners_buiten_buffer`` (analysed residents flagged for the category).

    All categories in one pass of array sums: a partition has thousands of residents and tens
    of areas, where building a table per category would cost more than the searches.

    Examples
    --------
    >>> per = pd.DataFrame({"geanalyseerd": [True, True], "afstand_huisarts_m": [100.0, 300.0],
    ...     "binnen_norm_huisarts": pd.array([True, True], dtype="boolean"),
    ...     "aantal_huisarts_500m": pd.array([2, 0], dtype="Int64"),
    ...     "buiten_buffer_huisarts": [False, True]})
    >>> vraag = pd.DataFrame({"inwoners": [1, 3], "buurtcode": ["BU1", "BU1"]})
    >>> t = aggregate_landelijk(per, vraag, groep="buurtcode", stralen_m=(500.0,))
    >>> t[["gem_afstand_m", "gem_aantal_500m", "inwoners_buiten_buffer"]].iloc[0].tolist()
    [250.0, 0.5, 3.0]
    """
    codes = vraag[groep].reindex(per_inwoner.index)
    if codes.isna().any():
        raise GebiedsplanError(
            f"{int(codes.isna().sum())} vraagpunten hebben geen {groep} om op te tellen."
        )
    nr, uniek = pd.factorize(codes, sort=True)
    ng, n = len(uniek), len(per_inwoner)
    cats = sorted(categories_of(per_inwoner))
    nc = len(cats)
    inw = vraag["inwoners"].reindex(per_inwoner.index).to_numpy(dtype=float)

    def vlag(naam: str, standaard: bool) -> np.ndarray:
        if naam not in per_inwoner.columns:
            return np.full(n, standaard)
        return per_inwoner[naam].to_numpy(dtype=bool, na_value=False)

    def som(gewicht: np.ndarray) -> np.ndarray:
        """Sums per (category, area) of a (categories x residents) array, in resident order."""
        index = (nr[None, :] + ng * np.arange(gewicht.shape[0])[:, None]).ravel()
        return np.bincount(index, weights=gewicht.ravel(), minlength=gewicht.shape[0] * ng).reshape(
            gewicht.shape[0], ng
        )

    def kolommen(sjabloon: str) -> np.ndarray:
        rijen = [
            per_inwoner[sjabloon.format(cat=c)].to_numpy(dtype=float, na_value=np.nan) for c in cats
        ]
        return np.stack(rijen) if rijen else np.empty((0, n))

    geanalyseerd = vlag("geanalyseerd", True)
    gedeeld = som(
        np.stack(
            [
                inw,
                np.where(geanalyseerd, inw, 0.0),
                np.where(vlag("los_van_netwerk", False), inw, 0.0),
                np.where(vlag("klein_netwerkdeel", False), inw, 0.0),
            ]
        )
    )
    afstand = kolommen("afstand_{cat}_m")
    binnen_norm = np.zeros((nc, n), dtype=bool)
    for k, c in enumerate(cats):
        binnen_norm[k] = (
            per_inwoner[f"binnen_norm_{c}"].fillna(False).to_numpy(dtype=bool, na_value=False)
        )
    bereikbaar = geanalyseerd[None, :] & ~np.isnan(afstand)
    binnen = geanalyseerd[None, :] & binnen_norm
    ber = som(np.where(bereikbaar, inw, 0.0))
    gew = som(np.where(bereikbaar, inw * np.nan_to_num(afstand), 0.0))
    bin_ = som(np.where(binnen, inw, 0.0))

    def per_rij(a: np.ndarray) -> np.ndarray:
        """(categories x areas) -> one value per (area, category) row, areas first."""
        return a.T.ravel()

    def herhaal(a: np.ndarray) -> np.ndarray:
        return np.repeat(a, nc)

    uit: dict[str, np.ndarray] = {
        "inwoners": herhaal(np.round(gedeeld[0]).astype("int64")),
        "inwoners_geanalyseerd": herhaal(np.round(gedeeld[1]).astype("int64")),
        "inwoners_los_van_netwerk": herhaal(np.round(gedeeld[2]).astype("int64")),
        "inwoners_klein_netwerkdeel": herhaal(np.round(gedeeld[3]).astype("int64")),
        "inwoners_onbereikbaar": per_rij(np.round(gedeeld[1][None, :] - ber).astype("int64")),
    }
    with np.errstate(invalid="ignore", divide="ignore"):
        uit["gem_afstand_m"] = per_rij(np.where(ber > 0, gew / np.where(ber > 0, ber, 1), np.nan))
    uit["inwoners_binnen_norm"] = per_rij(np.round(bin_).astype("int64"))
    uit["inwoners_buiten_norm"] = uit["inwoners_geanalyseerd"] - uit["inwoners_binnen_norm"]
    geanalyseerd_rij = uit["inwoners_geanalyseerd"]
    with np.errstate(invalid="ignore", divide="ignore"):
        uit["aandeel_binnen_norm"] = uit["inwoners_binnen_norm"] / np.where(
            geanalyseerd_rij == 0, np.nan, geanalyseerd_rij
        )
    for r in stralen_m:
        sjabloon = "aantal_{cat}_" + f"{r:g}m"
        if not all(sjabloon.format(cat=c) in per_inwoner.columns for c in cats):
            continue
        a = kolommen(sjabloon)
        ok = geanalyseerd[None, :] & ~np.isnan(a)
        w = som(np.where(ok, inw, 0.0))
        s = som(np.where(ok, inw * np.nan_to_num(a), 0.0))
        with np.errstate(invalid="ignore", divide="ignore"):
            uit[f"gem_aantal_{r:g}m"] = per_rij(np.where(w > 0, s / np.where(w > 0, w, 1), np.nan))
    if all(f"buiten_buffer_{c}" in per_inwoner.columns for c in cats):
        vlaggen = np.zeros((nc, n), dtype=bool)
        for k, c in enumerate(cats):
            vlaggen[k] = vlag(f"buiten_buffer_{c}", False)
        uit["inwoners_buiten_buffer"] = per_rij(
            np.round(som(np.where(vlaggen, inw, 0.0))).astype("int64")
        )
    index = pd.MultiIndex.from_arrays(
        [
            np.repeat(np.asarray(uniek, dtype=object), nc),
            np.tile(np.asarray(cats, dtype=object), ng),
        ],
        names=[groep, "categorie"],
    )
    return pd.DataFrame(uit, index=index)


def piek_mb() -> float:
    """The largest resident memory of this process since it started, in MB.

    On Linux from ``VmHWM`` in ``/proc/self/status``, which a new program starts afresh. Not
    from ``ru_maxrss``: Linux keeps that across ``exec``, so a Dask worker started by a process
    that once held a whole country would report that process's peak as its own. Elsewhere
    ``ru_maxrss`` (bytes on macOS).

    Examples
    --------
    >>> piek_mb() > 0
    True
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for regel in status:
                if regel.startswith("VmHWM:"):
                    return int(regel.split()[1]) / 1024.0
    except OSError:
        pass
    piek = float(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    return piek / 2**20 if sys.platform == "darwin" else piek / 1024.0


__all__ = [
    "NIVEAUS",
    "Instellingen",
    "Partitieresultaat",
    "aggregate_landelijk",
    "check_instellingen",
    "compute_partitie",
    "piek_mb",
]
