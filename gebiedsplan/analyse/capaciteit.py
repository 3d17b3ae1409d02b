"""Capacity (capaciteit): floating catchments, 2SFCA and enhanced 2SFCA, over the street network.

Method
------
With supply ``S_j`` of facility *j* (m², places, FTE: any capacity column), demand ``V_i`` of
demand point *i* (inhabitants, optionally of the category's target age group and times a need
factor) and a distance-decay weight ``W(d)`` that is 0 beyond the catchment (:class:`Gewicht`),
the two-step floating catchment area method (Luo & Wang 2003; enhanced with distance decay by
Luo & Qi 2009, E2SFCA) computes:

1. per facility the supply-to-demand ratio ``R_j = S_j / sum_i V_i W(d_ij)``;
2. per demand point the accessibility ``A_i = sum_j R_j W(d_ij)``: supply per unit of demand
   within reach (e.g. places per child).

Network distances ``d_ij`` include both snap distances (:mod:`gebiedsplan.netwerk.zoeken`). With
the same weights in both steps supply is conserved: ``sum_i V_i A_i = sum_j S_j`` over the
facilities that have any demand within reach; a facility without demand in reach keeps its
supply undistributed (``R_j`` missing, logged). Plain 2SFCA is the step weight
(:func:`stap`): 1 within the catchment.

Weights are small functions, as in pysal/access: :func:`stap`, :func:`zones` (E2SFCA's stepwise
decay) and :func:`gauss` (Dai 2010).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from gebiedsplan.catalogus import Norm, load_catalogus
from gebiedsplan.errors import GebiedsplanError
from gebiedsplan.netwerk.aansluiten import MAX_SNAP_M, Aansluiting, connect_points
from gebiedsplan.netwerk.graaf import Netwerk
from gebiedsplan.netwerk.zoeken import iter_pairs

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Gewicht:
    """A distance-decay weight: ``W(afstand_m)`` in [0, 1], 0 beyond ``bereik_m``.

    Build one with :func:`stap`, :func:`zones` or :func:`gauss`.
    """

    naam: str
    bereik_m: float
    functie: Callable[[np.ndarray], np.ndarray]

    def __call__(self, afstand_m: np.ndarray) -> np.ndarray:
        d = np.asarray(afstand_m, dtype=float)
        w = np.asarray(self.functie(d), dtype=float)
        return np.where(d <= self.bereik_m, w, 0.0)


def stap(max_afstand_m: float) -> Gewicht:
    """Weight 1 within ``max_afstand_m`` (inclusive), 0 beyond: plain 2SFCA.

    Examples
    --------
    >>> stap(500)(np.array([0, 500, 501])).tolist()
    [1.0, 1.0, 0.0]
    """
    return Gewicht(f"stap {max_afstand_m:g} m", float(max_afstand_m), np.ones_like)


def zones(grenzen: Mapping[float, float]) -> Gewicht:
    """Stepwise decay (E2SFCA): ``{bovengrens_m: gewicht}``, e.g. ``{500: 1, 1000: 0.68, 1500: 0.22}``.

    A distance gets the weight of the first zone whose upper bound it does not exceed.

    Examples
    --------
    >>> zones({500: 1.0, 1000: 0.68, 1500: 0.22})(np.array([100, 500, 700, 1500, 1600])).tolist()
    [1.0, 1.0, 0.68, 0.22, 0.0]
    """
    if not grenzen:
        raise GebiedsplanError("zones vraagt minstens één zone, bv. {500: 1.0, 1000: 0.5}.")
    bounds = np.array(sorted(grenzen), dtype=float)
    weights = np.array([float(grenzen[b]) for b in sorted(grenzen)])
    if (weights < 0).any() or (weights > 1).any():
        raise GebiedsplanError(f"Zonegewichten moeten tussen 0 en 1 liggen: {dict(grenzen)}")

    def f(d: np.ndarray) -> np.ndarray:
        i = np.searchsorted(bounds, d, side="left")
        return np.where(i < len(bounds), weights[np.minimum(i, len(bounds) - 1)], 0.0)

    return Gewicht(f"zones {dict(grenzen)}", float(bounds[-1]), f)


def gauss(max_afstand_m: float) -> Gewicht:
    """Gaussian decay (Dai 2010) reaching 0 at ``max_afstand_m``.

    ``W(d) = (exp(-d²/(2 d0²)) - exp(-1/2)) / (1 - exp(-1/2))`` for ``d <= d0``, else 0.

    Examples
    --------
    >>> [round(w, 3) for w in gauss(1000)(np.array([0, 500, 1000])).tolist()]
    [1.0, 0.701, 0.0]
    """
    d0 = float(max_afstand_m)
    e = np.exp(-0.5)
    return Gewicht(f"gauss {d0:g} m", d0, lambda d: (np.exp(-0.5 * (d / d0) ** 2) - e) / (1 - e))


# --------------------------------------------------------------------------- demand


def doelgroep_aandeel(buurten: pd.DataFrame, leeftijdskolommen: Sequence[str]) -> pd.Series:
    """Share of a buurt's inhabitants in the target age group (sum of the age-band columns).

    Buurten without the figures (CBS suppresses small numbers) get the share of all buurten
    that have them, with a warning naming them; they are never counted as 0.

    Examples
    --------
    >>> b = pd.DataFrame({"aantal_inwoners": [100, 50, 80],
    ...     "inwoners_0_tot_15_jaar": [20, 15, 8]}, index=["BU1", "BU2", "BU3"])
    >>> doelgroep_aandeel(b, ["inwoners_0_tot_15_jaar"]).round(3).tolist()
    [0.2, 0.3, 0.1]
    """
    missing = [k for k in ("aantal_inwoners", *leeftijdskolommen) if k not in buurten.columns]
    if missing:
        raise GebiedsplanError(
            f"Laag buurten mist kolom {', '.join(missing)}; nodig voor de vraag van de doelgroep."
        )
    totaal = pd.to_numeric(buurten["aantal_inwoners"], errors="coerce").astype(float)
    groep = sum(
        (pd.to_numeric(buurten[k], errors="coerce").astype(float) for k in leeftijdskolommen),
        start=pd.Series(0.0, index=buurten.index),
    )
    aandeel = groep / totaal.where(totaal > 0)
    bekend = aandeel.notna()
    if not bekend.any():
        raise GebiedsplanError(
            f"Geen enkele buurt heeft {', '.join(leeftijdskolommen)} en aantal_inwoners."
        )
    if not bekend.all():
        gemiddeld = float(groep[bekend].sum() / totaal[bekend].sum())
        log.warning(
            "%d buurten zonder %s: aandeel van alle buurten (%.3f) gebruikt voor %s",
            int((~bekend).sum()),
            "+".join(leeftijdskolommen),
            gemiddeld,
            ", ".join(map(str, buurten.index[~bekend])),
        )
        aandeel = aandeel.fillna(gemiddeld)
    return aandeel.rename("aandeel_doelgroep")


def behoeftefactor(
    gezondheid: pd.DataFrame,
    *,
    indicator: str,
    codes: Sequence[str],
    referentie: str | float | None = None,
    gewicht: float = 1.0,
) -> pd.Series:
    """Need factor per area from a health indicator: more need where the indicator is worse.

    ``factor = max(0, 1 + gewicht × (waarde / referentie - 1))``, so 1 at the reference value.
    ``referentie`` is a code in the data (e.g. the gemeente ``GM0202``), a number, or by default
    the mean over ``codes``. Use a negative ``gewicht`` for indicators where higher is better
    (e.g. ervaren gezondheid goed). The latest year per code is used. Areas without a value get
    factor 1 (neutral), with a warning naming them.

    Parameters
    ----------
    gezondheid
        Layer ``gezondheid`` (``code``, ``indicator``, ``jaar``, ``waarde``).
    indicator
        Indicator name as in the layer.
    codes
        Area codes to return a factor for (e.g. the buurtcodes).

    Examples
    --------
    >>> g = pd.DataFrame({"code": ["BU1", "BU2", "GM1"], "indicator": "eenzaam",
    ...     "jaar": 2020, "waarde": [60.0, 40.0, 50.0]})
    >>> behoeftefactor(g, indicator="eenzaam", codes=["BU1", "BU2"], referentie="GM1").tolist()
    [1.2, 0.8]
    """
    rijen = gezondheid[gezondheid["indicator"] == indicator]
    if rijen.empty:
        bekend = ", ".join(sorted(map(str, gezondheid["indicator"].unique()))[:20])
        raise GebiedsplanError(
            f"Indicator '{indicator}' komt niet voor in de laag gezondheid; bekend zijn: {bekend}"
        )
    laatste = rijen.sort_values("jaar").groupby("code")["waarde"].last()
    waarde = pd.to_numeric(laatste, errors="coerce").reindex(list(codes))
    if isinstance(referentie, str):
        if referentie not in laatste.index or pd.isna(laatste[referentie]):
            raise GebiedsplanError(
                f"Referentiecode {referentie} heeft geen waarde voor indicator '{indicator}'."
            )
        ref = float(laatste[referentie])
    elif referentie is None:
        ref = float(waarde.mean())
    else:
        ref = float(referentie)
    if not ref > 0:
        raise GebiedsplanError(f"Referentiewaarde van '{indicator}' moet groter dan 0 zijn.")
    factor = (1 + gewicht * (waarde / ref - 1)).clip(lower=0)
    leeg = factor.isna()
    if leeg.any():
        log.warning(
            "%d gebieden zonder waarde voor %s krijgen behoeftefactor 1: %s",
            int(leeg.sum()),
            indicator,
            ", ".join(map(str, factor.index[leeg][:20])),
        )
    return factor.fillna(1.0).rename("behoeftefactor")


def compute_vraag(
    vraagpunten: pd.DataFrame,
    buurten: pd.DataFrame | None = None,
    *,
    categorie: str | None = None,
    leeftijdskolommen: Sequence[str] | None = None,
    behoefte: pd.Series | None = None,
    normen: Mapping[str, Norm] | None = None,
) -> pd.Series:
    """Demand per demand point: inhabitants × target-group share × need factor.

    Parameters
    ----------
    vraagpunten
        Layer ``vraagpunten`` (``inwoners``, ``buurtcode``).
    buurten
        Layer ``buurten`` with age bands; needed when a target group applies.
    categorie
        Category whose target group weights the demand: the age-band columns of its norm
        (:attr:`gebiedsplan.catalogus.Norm.doelgroep`). The demand counts everybody in those
        bands; the norm's share per band (used for the needed capacity in
        :mod:`gebiedsplan.analyse.hiaten`) does not scale it. A category whose norm names no target
        group, or that has no norm, serves everybody.
    leeftijdskolommen
        Age-band columns instead of the category's target group.
    behoefte
        Need factor per buurtcode (:func:`behoeftefactor`); default 1.
    normen
        The norms to take the target group from: a gemeente's (``gemeente.normen``, with its
        overrides); by default the catalogue's (``load_catalogus().normen``).

    Examples
    --------
    >>> vp = pd.DataFrame({"inwoners": [10, 10], "buurtcode": ["BU1", "BU2"]})
    >>> b = pd.DataFrame({"aantal_inwoners": [100, 100],
    ...     "inwoners_0_tot_15_jaar": [20, 10]}, index=["BU1", "BU2"])
    >>> compute_vraag(vp, b, categorie="basisschool").tolist()
    [2.0, 1.0]
    """
    vraag = pd.to_numeric(vraagpunten["inwoners"], errors="coerce").astype(float)
    if leeftijdskolommen is not None:
        kolommen = list(leeftijdskolommen)
    elif categorie is None:
        kolommen = []
    else:
        norm = (load_catalogus().normen if normen is None else normen).get(categorie)
        kolommen = list(norm.doelgroep) if norm is not None else []
    if kolommen:
        if buurten is None:
            raise GebiedsplanError(
                f"De doelgroep ({', '.join(kolommen)}) vraagt de laag buurten met leeftijden."
            )
        aandeel = doelgroep_aandeel(buurten, kolommen)
        vraag = vraag * vraagpunten["buurtcode"].map(aandeel).fillna(float(aandeel.mean()))
    if behoefte is not None:
        vraag = vraag * vraagpunten["buurtcode"].map(behoefte).fillna(1.0)
    return vraag.rename("vraag")


# --------------------------------------------------------------------------- 2SFCA


def _aanbod(voorzieningen: pd.DataFrame, aanbod: str | pd.Series) -> np.ndarray:
    if isinstance(aanbod, str):
        if aanbod not in voorzieningen.columns:
            raise GebiedsplanError(
                f"Laag voorzieningen heeft geen kolom '{aanbod}' voor het aanbod; aanwezig: "
                f"{', '.join(map(str, voorzieningen.columns))}."
            )
        waarden = voorzieningen[aanbod]
    else:
        waarden = aanbod.reindex(voorzieningen.index)
    s = pd.to_numeric(waarden, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    if (s < 0).any():
        raise GebiedsplanError(
            f"Negatief aanbod bij voorziening {', '.join(map(str, voorzieningen.index[s < 0]))}."
        )
    return s


def two_step(
    aansluiting: Aansluiting, aanbod: np.ndarray, vraag: np.ndarray, *, gewicht: Gewicht
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The two floating-catchment steps on attached points (module docstring).

    Parameters
    ----------
    aansluiting
        Demand points and facilities on the network (:func:`gebiedsplan.netwerk.aansluiten.connect_points`).
    aanbod
        Supply per facility; NaN leaves a facility out.
    vraag
        Demand per demand point.
    gewicht
        Distance-decay weight.

    Returns
    -------
    (toegang, vraag_in_bereik, ratio)
        ``A_i`` per demand point (NaN where not attached), the weighted demand in reach and
        ``R_j`` per facility (NaN without supply or without demand in reach).
    """
    s = np.asarray(aanbod, dtype=float)
    v = np.asarray(vraag, dtype=float)
    mee = ~np.isnan(s) & (aansluiting.blad >= 0)
    vraag_bij = np.zeros(len(s))
    for vz, punten, dm in iter_pairs(aansluiting, mee, max_m=gewicht.bereik_m):
        vraag_bij[vz] += (gewicht(dm) * v[punten]).sum(axis=1)
    met_vraag = mee & (vraag_bij > 0)
    ratio = np.full(len(s), np.nan)
    ratio[met_vraag] = s[met_vraag] / vraag_bij[met_vraag]
    toegang = np.zeros(len(v))
    verdeeld = np.nan_to_num(ratio)
    for vz, punten, dm in iter_pairs(aansluiting, met_vraag, max_m=gewicht.bereik_m):
        toegang[punten] += (gewicht(dm) * verdeeld[vz][:, None]).sum(axis=0)
    toegang[aansluiting.vraag_los] = np.nan
    return toegang, vraag_bij, ratio


def compute_2sfca(
    vraagpunten: gpd.GeoDataFrame,
    voorzieningen: gpd.GeoDataFrame,
    netwerk: Netwerk,
    *,
    gewicht: Gewicht,
    aanbod: str | pd.Series = "capaciteit",
    vraag: pd.Series | None = None,
    max_snap_m: float = MAX_SNAP_M,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Two-step floating catchment (2SFCA, or E2SFCA with a decaying weight) over the network.

    Parameters
    ----------
    vraagpunten
        Layer ``vraagpunten``.
    voorzieningen
        The facilities of one category, with their supply.
    netwerk
        Compiled network.
    gewicht
        Distance-decay weight: :func:`stap` (2SFCA), :func:`zones` or :func:`gauss` (E2SFCA).
    aanbod
        Column of ``voorzieningen`` with the supply (m², places, FTE), or a Series by facility
        id. Facilities without a value are left out (logged), never counted as 0.
    vraag
        Demand per demand point (:func:`compute_vraag`); default ``inwoners``.
    max_snap_m
        See :func:`gebiedsplan.analyse.bereikbaarheid.compute_bereikbaarheid`.

    Returns
    -------
    (per_punt, per_voorziening)
        ``per_punt`` indexed like ``vraagpunten``: ``vraag`` and ``toegang`` (A_i; missing for
        points not attached to the network). ``per_voorziening`` indexed like
        ``voorzieningen``: ``aanbod``, ``vraag_in_bereik`` (sum of weighted demand) and
        ``ratio`` (R_j; missing without demand in reach or without supply).

    Examples
    --------
    >>> from gebiedsplan.bronnen.demo import build_demo
    >>> from gebiedsplan.netwerk.graaf import compile_netwerk
    >>> demo = build_demo()
    >>> huisarts = demo.voorzieningen[demo.voorzieningen["categorie"] == "huisarts"]
    >>> punt, vz = compute_2sfca(demo.vraagpunten, huisarts, compile_netwerk(demo.netwerk),
    ...     gewicht=stap(1000), aanbod=pd.Series(2.0, index=huisarts.index))
    >>> bool(abs((punt["vraag"] * punt["toegang"]).sum()
    ...     - vz.loc[vz["ratio"].notna(), "aanbod"].sum()) < 1e-6)
    True
    """
    s = _aanbod(voorzieningen, aanbod)
    geen = np.isnan(s)
    if geen.any():
        log.warning(
            "%d voorzieningen zonder aanbod doen niet mee: %s",
            int(geen.sum()),
            ", ".join(map(str, voorzieningen.index[geen][:10])),
        )
    v = (
        pd.to_numeric(vraagpunten["inwoners"], errors="coerce").astype(float)
        if vraag is None
        else vraag.reindex(vraagpunten.index).astype(float)
    ).to_numpy(dtype=float, na_value=np.nan)
    if np.isnan(v).any():
        raise GebiedsplanError(
            f"{int(np.isnan(v).sum())} vraagpunten hebben geen vraag (ontbrekende inwoners of "
            "vraag); vul die aan of laat de punten weg."
        )
    aansl = connect_points(vraagpunten, voorzieningen, netwerk, max_snap_m=max_snap_m)
    toegang, vraag_bij, ratio = two_step(aansl, s, v, gewicht=gewicht)
    zonder = ~np.isnan(s) & (aansl.blad >= 0) & ~(vraag_bij > 0)
    if zonder.any():
        log.warning(
            "%d voorzieningen hebben geen vraag binnen %s; hun aanbod wordt niet verdeeld: %s",
            int(zonder.sum()),
            gewicht.naam,
            ", ".join(map(str, voorzieningen.index[zonder][:10])),
        )
    per_punt = pd.DataFrame({"vraag": v, "toegang": toegang}, index=vraagpunten.index)
    per_vz = pd.DataFrame(
        {"aanbod": s, "vraag_in_bereik": vraag_bij, "ratio": ratio}, index=voorzieningen.index
    )
    return per_punt, per_vz
