"""Completeness (volledigheid) of the facility layers, and the facilities the network cannot reach.

A layer holds what its sources hold: an OpenStreetMap extract without schools, a register of a
few sample rows. A gap table cannot tell a thin layer from a real gap, so every category is
compared with a documented national expectation (:func:`compute_volledigheid`)::

    per_10000          = facilities of the category inside the gemeente / inhabitants x 10,000
    verwacht_per_10000 = national count / national population x 10,000
    ondergrens         = ondergrens_factor x verwacht_per_10000

``status`` is ``mogelijk onvolledig`` below the lower bound, ``volledig`` otherwise, and
``geen verwachting`` for a category without a citable national figure. The figures, their
sources and the factor (with its rationale) are data: ``lagen/catalogus/volledigheid.yml``
(:func:`gebiedsplan.catalogus.load_volledigheid`). Facilities across the border (column
``buiten_gemeente``, loaded with the border buffer) count for reach, not as the gemeente's own,
so they are left out of the count.

:func:`unattached_facilities` names the facilities that lie too far from the network to be
attached (they take part in no distance).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gebiedsplan._tekst import getal
from gebiedsplan.catalogus import Volledigheidsregels, load_catalogus, load_volledigheid
from gebiedsplan.netwerk.aansluiten import MAX_SNAP_M, snap_to_edges
from gebiedsplan.netwerk.graaf import Netwerk

log = logging.getLogger(__name__)

#: Values of ``status`` (the gap tables' column ``laag_volledigheid``).
STATUS = ("volledig", "mogelijk onvolledig", "geen verwachting")

#: Columns of :func:`compute_volledigheid`.
VOLLEDIGHEID_KOLOMMEN = [
    "categorie_label",
    "aantal",
    "inwoners",
    "per_10000",
    "verwacht_per_10000",
    "ondergrens_per_10000",
    "verwacht_aantal",
    "ondergrens_aantal",
    "status",
    "bron",
    "bron_kort",
    "url",
    "melding",
    "kort",
]


def own_facilities(voorzieningen: pd.DataFrame) -> pd.DataFrame:
    """The facilities of the gemeente itself: without those marked ``buiten_gemeente``.

    Examples
    --------
    >>> v = pd.DataFrame({"categorie": ["a", "a"], "buiten_gemeente": [False, True]})
    >>> len(own_facilities(v)), len(own_facilities(v.drop(columns="buiten_gemeente")))
    (1, 2)
    """
    if "buiten_gemeente" not in voorzieningen.columns:
        return voorzieningen
    buiten = voorzieningen["buiten_gemeente"].to_numpy(dtype=bool, na_value=False)
    return voorzieningen[~buiten]


def compute_volledigheid(
    voorzieningen: pd.DataFrame,
    inwoners: float,
    *,
    categorieen: Iterable[str] | None = None,
    regels: Volledigheidsregels | None = None,
) -> pd.DataFrame:
    """Completeness of the facility layer per category (formulas in the module docstring).

    Parameters
    ----------
    voorzieningen
        The facilities that count (``Analyse.voorzieningen``), with ``categorie`` and, when
        loaded across the border, ``buiten_gemeente``.
    inwoners
        Inhabitants of the gemeente.
    categorieen
        Categories to judge; default every category of the vocabulary with a norm.
    regels
        Default :func:`gebiedsplan.catalogus.load_volledigheid`.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``categorie``: :data:`VOLLEDIGHEID_KOLOMMEN`. ``aantal`` counts the
        facilities inside the gemeente; the expected figures are missing for
        ``geen verwachting``; ``bron`` names the national count and the population it is
        divided by (``bron_kort``: publisher and year); ``melding`` is one Dutch sentence
        saying all of it, ``kort`` the same in a few words (:func:`short_text`).

    Examples
    --------
    >>> from gebiedsplan.gemeente import effective_voorzieningen
    >>> from gebiedsplan.importeren import demo_gemeente
    >>> g = demo_gemeente()
    >>> tabel = compute_volledigheid(effective_voorzieningen(g), 51_382)
    >>> int(tabel.loc["basisschool", "aantal"]), tabel.loc["basisschool", "status"]
    (16, 'volledig')
    >>> tabel.loc["speelplek", "status"]
    'geen verwachting'
    """
    regels = regels or load_volledigheid()
    catalogus = load_catalogus()
    gekozen = (
        list(categorieen)
        if categorieen is not None
        else [c for c in catalogus.categorieen if c in catalogus.normen]
    )
    eigen = own_facilities(voorzieningen)
    aantallen = eigen["categorie"].astype(str).value_counts()
    rijen = []
    for cat in gekozen:
        label = catalogus.categorieen[cat].label if cat in catalogus.categorieen else cat
        aantal = int(aantallen.get(cat, 0))
        per_10000 = aantal / inwoners * 10_000 if inwoners > 0 else np.nan
        verwachting = regels.verwachtingen.get(cat)
        rij: dict[str, object] = {
            "categorie": cat,
            "categorie_label": label,
            "aantal": aantal,
            "inwoners": float(inwoners),
            "per_10000": per_10000,
        }
        if verwachting is None or not inwoners > 0:
            reden = regels.zonder_verwachting.get(
                cat,
                "geen inwoners om mee te vergelijken"
                if verwachting is not None
                else "geen landelijke verwachting in lagen/catalogus/volledigheid.yml",
            )
            rij.update(
                verwacht_per_10000=np.nan,
                ondergrens_per_10000=np.nan,
                verwacht_aantal=np.nan,
                ondergrens_aantal=np.nan,
                status=STATUS[2],
                bron="",
                bron_kort="",
                url="",
                melding=f"{label}: {getal(aantal)} in de gemeente; geen verwachting ({reden}).",
            )
            rijen.append(rij)
            continue
        verwacht = verwachting.per_10000
        ondergrens = regels.ondergrens_factor * verwacht
        verwacht_aantal = verwacht * inwoners / 10_000
        ondergrens_aantal = ondergrens * inwoners / 10_000
        status = STATUS[1] if per_10000 < ondergrens else STATUS[0]
        bron = (
            f"{verwachting.bron} ({getal(verwachting.aantal)} {verwachting.wat}); "
            f"inwoners: {verwachting.inwoners_bron}"
        )
        rij.update(
            verwacht_per_10000=verwacht,
            ondergrens_per_10000=ondergrens,
            verwacht_aantal=verwacht_aantal,
            ondergrens_aantal=ondergrens_aantal,
            status=status,
            bron=bron,
            bron_kort=verwachting.bron_kort,
            url=verwachting.url,
            melding=(
                f"{label}: {getal(aantal)} in de gemeente ({getal(per_10000, 2)} per 10.000 "
                f"inwoners), verwacht ca. {_aantal(verwacht_aantal)} (landelijk "
                f"{getal(verwacht, 2)} per 10.000; mogelijk onvolledig onder "
                f"{_aantal(ondergrens_aantal)}). Bron: {bron}."
            ),
        )
        rijen.append(rij)
    tabel = pd.DataFrame(rijen, columns=["categorie", *VOLLEDIGHEID_KOLOMMEN]).set_index(
        "categorie"
    )
    tabel["kort"] = [short_text(rij) for _, rij in tabel.iterrows()]
    return tabel


def _aantal(waarde: float) -> str:
    """An expected count: whole above 10, one decimal below (4,3 is not 4)."""
    return getal(waarde, 0 if waarde >= 10 else 1)


def short_text(rij: pd.Series) -> str:
    """A row of :func:`compute_volledigheid` in a few words (for map legends and tables): the
    count, the expected count and lower bound, and the source's publisher and year.

    Examples
    --------
    >>> from gebiedsplan.gemeente import effective_voorzieningen
    >>> from gebiedsplan.importeren import demo_gemeente
    >>> tabel = compute_volledigheid(effective_voorzieningen(demo_gemeente()), 51_382)
    >>> short_text(tabel.loc["kinderopvang"])
    'Kinderopvang: 8 in de gemeente, verwacht ca. 27, mogelijk onvolledig onder 13 (DUO Landelijk Register Kinderopvang en Ministerie van SZW 2022)'
    """
    if rij["status"] == STATUS[2]:
        return f"{rij['categorie_label']}: {getal(rij['aantal'])} in de gemeente, geen verwachting"
    return (
        f"{rij['categorie_label']}: {getal(rij['aantal'])} in de gemeente, verwacht ca. "
        f"{_aantal(rij['verwacht_aantal'])}, mogelijk onvolledig onder "
        f"{_aantal(rij['ondergrens_aantal'])} ({rij['bron_kort']})"
    )


def layer_status(volledigheid: pd.DataFrame) -> dict[str, str]:
    """``status`` per category of :func:`compute_volledigheid` (the gap tables'
    ``laag_volledigheid``).

    Examples
    --------
    >>> layer_status(pd.DataFrame({"status": ["volledig"]}, index=["huisarts"]))
    {'huisarts': 'volledig'}
    """
    return {str(c): str(s) for c, s in volledigheid["status"].items()}


def flagged(volledigheid: pd.DataFrame | None) -> pd.DataFrame:
    """The rows of :func:`compute_volledigheid` whose layer is ``mogelijk onvolledig``.

    Examples
    --------
    >>> tabel = pd.DataFrame({"status": ["volledig", "mogelijk onvolledig"]}, index=["a", "b"])
    >>> flagged(tabel).index.tolist()
    ['b']
    """
    if volledigheid is None:
        return pd.DataFrame(columns=VOLLEDIGHEID_KOLOMMEN)
    return volledigheid[volledigheid["status"] == STATUS[1]]


def unattached_facilities(
    voorzieningen: gpd.GeoDataFrame,
    netwerk: Netwerk,
    *,
    categorieen: Iterable[str] | None = None,
    max_snap_m: float = MAX_SNAP_M,
    labels: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """The facilities further than ``max_snap_m`` from every street: they are not attached to
    the network and count for no resident's distance.

    Parameters
    ----------
    voorzieningen
        The facilities that count (``Analyse.voorzieningen``).
    netwerk
        The compiled network.
    categorieen
        Only these categories (the analysed ones); default all.
    max_snap_m
        The snap distance of the analysis.
    labels
        Category labels; default from the catalogue.

    Returns
    -------
    pandas.DataFrame
        Indexed by facility ``id``: ``naam``, ``categorie``, ``categorie_label``,
        ``afstand_tot_netwerk_m`` (straight line to the nearest street) and
        ``buiten_gemeente``; furthest first.

    Examples
    --------
    >>> from gebiedsplan.gemeente import effective_voorzieningen
    >>> from gebiedsplan.importeren import demo_gemeente
    >>> from gebiedsplan.netwerk.graaf import compile_netwerk
    >>> g = demo_gemeente()
    >>> len(unattached_facilities(effective_voorzieningen(g), compile_netwerk(g.netwerk)))
    0
    """
    if labels is None:
        labels = {c: k.label for c, k in load_catalogus().categorieen.items()}
    vz = voorzieningen
    if categorieen is not None:
        vz = vz[vz["categorie"].astype(str).isin(list(categorieen))]
    kop = snap_to_edges(netwerk, vz.geometry, max_snap_m=max_snap_m)
    buiten_alle = (
        vz["buiten_gemeente"].to_numpy(dtype=bool, na_value=False)
        if "buiten_gemeente" in vz.columns
        else np.zeros(len(vz), dtype=bool)
    )
    # A facility across the border beyond the loaded network (the facilities were loaded with
    # a wider border buffer than this network, e.g. the car mode's 15 km beside a walking
    # network of 2 km) is outside the analysis, not a facility the network misses.
    elders = np.zeros(len(vz), dtype=bool)
    if buiten_alle.any() and netwerk.n_knopen:
        omtrek = shapely.convex_hull(shapely.multipoints(netwerk.xy)).buffer(max_snap_m)
        elders = buiten_alle & ~shapely.contains_xy(
            omtrek, *shapely.get_coordinates(vz.geometry.centroid.to_numpy()).T
        )
        if elders.any():
            log.info(
                "%d voorzieningen buiten de gemeente liggen buiten het bereik van het wegennet "
                "(grensbuffer) en doen niet mee",
                int(elders.sum()),
            )
    kop_los = kop.los & ~elders
    los = vz[kop_los]
    buiten = buiten_alle[kop_los]
    tabel = pd.DataFrame(
        {
            "naam": los["naam"].astype(str).to_numpy() if "naam" in los.columns else "",
            "categorie": los["categorie"].astype(str).to_numpy(),
            "categorie_label": [labels.get(c, c) for c in los["categorie"].astype(str)],
            "afstand_tot_netwerk_m": np.round(kop.afstand_m[kop_los], 0),
            "buiten_gemeente": buiten,
        },
        index=pd.Index(los.index, name="id"),
    )
    if len(tabel):
        log.info(
            "%d voorzieningen liggen verder dan %.0f m van het wegennet en tellen niet mee: %s",
            len(tabel),
            max_snap_m,
            ", ".join(f"{n} ({c})" for n, c in zip(tabel["naam"], tabel["categorie"], strict=True)),
        )
    return tabel.sort_values("afstand_tot_netwerk_m", ascending=False, kind="stable")
