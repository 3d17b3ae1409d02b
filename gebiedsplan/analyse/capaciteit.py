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
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from gebiedsplan.analyse._kolommen import kolom
from gebiedsplan.analyse.hiaatsommen import need_per_buurt
from gebiedsplan.catalogus import Norm, load_catalogus, read_yaml
from gebiedsplan.errors import GebiedsplanError
from gebiedsplan.netwerk.aansluiten import MAX_SNAP_M, Aansluiting, Koppeling, connect_points
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


def pairs_within(
    aansluiting: Aansluiting, voorziening: np.ndarray, *, max_m: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every (facility, demand point) pair within ``max_m`` over the network, as three flat
    arrays: facility position, demand point position and distance (m). One pass of
    :func:`gebiedsplan.netwerk.zoeken.iter_pairs`; both steps of :func:`two_step` use it.

    Examples
    --------
    >>> from gebiedsplan.bronnen.demo import build_demo
    >>> from gebiedsplan.netwerk.aansluiten import connect_points
    >>> from gebiedsplan.netwerk.graaf import compile_netwerk
    >>> demo = build_demo()
    >>> a = connect_points(demo.vraagpunten, demo.voorzieningen, compile_netwerk(demo.netwerk))
    >>> vz, punt, afstand_m = pairs_within(a, np.ones(len(demo.voorzieningen), bool), max_m=300)
    >>> bool(len(vz) > 0 and afstand_m.max() <= 300)
    True
    """
    delen_vz, delen_punt, delen_d = [], [], []
    for vz, punten, dm in iter_pairs(aansluiting, voorziening, max_m=max_m):
        i, j = np.nonzero(np.isfinite(dm) & (dm <= max_m))
        delen_vz.append(np.asarray(vz)[i])
        delen_punt.append(np.asarray(punten)[j])
        delen_d.append(dm[i, j])
    if not delen_vz:
        leeg = np.empty(0, dtype=np.int64)
        return leeg, leeg.copy(), np.empty(0)
    return (
        np.concatenate(delen_vz).astype(np.int64),
        np.concatenate(delen_punt).astype(np.int64),
        np.concatenate(delen_d).astype(float),
    )


def two_step(
    aansluiting: Aansluiting, aanbod: np.ndarray, vraag: np.ndarray, *, gewicht: Gewicht
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The two floating-catchment steps on attached points (module docstring).

    One search over the network (:func:`pairs_within`) serves both steps.

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
    vz, punt, afstand_m = pairs_within(aansluiting, mee, max_m=gewicht.bereik_m)
    w = gewicht(afstand_m)
    vraag_bij = np.bincount(vz, weights=w * v[punt], minlength=len(s)).astype(float)
    met_vraag = mee & (vraag_bij > 0)
    ratio = np.full(len(s), np.nan)
    ratio[met_vraag] = s[met_vraag] / vraag_bij[met_vraag]
    verdeeld = np.nan_to_num(ratio)
    toegang = np.bincount(punt, weights=w * verdeeld[vz], minlength=len(v)).astype(float)
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
    vraag_koppeling: Koppeling | None = None,
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
    vraag_koppeling
        The demand points' snap when already known (:func:`gebiedsplan.netwerk.aansluiten.connect_points`).

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
    aansl = connect_points(
        vraagpunten, voorzieningen, netwerk, max_snap_m=max_snap_m, vraag_koppeling=vraag_koppeling
    )
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


# --------------------------------------------------------------------------- in the gap tables

#: The distance decay of :func:`compute_toegang` when a category's norm has no ``verval``
#: (``lagen/catalogus/normen.yml``): the catchment is the norm distance, split in three equal
#: zones weighted 1, 0.68 and 0.22 (Luo & Qi 2009, the Gaussian-based weights of E2SFCA).
LUO_QI_GEWICHTEN = (1.0, 0.68, 0.22)


@dataclass(frozen=True)
class Verval:
    """Distance decay of one category in the gap tables: catchment ``bereik_factor`` × the norm
    distance, split in ``len(gewichten)`` equal zones with these weights (E2SFCA)."""

    bereik_factor: float
    gewichten: tuple[float, ...]
    bron: str

    def gewicht(self, norm: Norm) -> Gewicht:
        """The :class:`Gewicht` of this decay for ``norm``.

        Examples
        --------
        >>> from gebiedsplan.catalogus import load_catalogus
        >>> w = load_verval()["huisarts"].gewicht(load_catalogus().normen["huisarts"])
        >>> w(np.array([300.0, 500.0, 900.0, 1001.0])).tolist()
        [1.0, 0.68, 0.22, 0.0]
        """
        bereik_m = self.bereik_factor * float(norm.max_afstand_m)
        n = len(self.gewichten)
        return zones({bereik_m * (k + 1) / n: g for k, g in enumerate(self.gewichten)})


#: Used for a category with a capacity norm but no ``verval`` in normen.yml.
STANDAARD_VERVAL = Verval(
    1.0,
    LUO_QI_GEWICHTEN,
    "Luo & Qi (2009), Health & Place 15(4): 1100-1107: E2SFCA met zones 1 / 0,68 / 0,22.",
)


@lru_cache(maxsize=4)
def _verval_uit(pad: Path) -> dict[str, Verval]:
    problemen, uit = [], {}
    for categorie, spec in (read_yaml(pad) or {}).items():
        blok = spec.get("verval") if isinstance(spec, Mapping) else None
        if blok is None:
            continue
        waar = f"{pad.name}: norm '{categorie}': verval"
        if not isinstance(blok, Mapping) or set(blok) != {"bereik_factor", "gewichten", "bron"}:
            problemen.append(f"{waar} vraagt precies bereik_factor, gewichten en bron")
            continue
        factor, gewichten = blok["bereik_factor"], blok["gewichten"]
        if isinstance(factor, bool) or not isinstance(factor, int | float) or not factor > 0:
            problemen.append(f"{waar}.bereik_factor moet een getal groter dan 0 zijn ({factor!r})")
        if (
            not isinstance(gewichten, list)
            or not gewichten
            or not all(isinstance(g, int | float) and 0 <= g <= 1 for g in gewichten)
        ):
            problemen.append(
                f"{waar}.gewichten moet een lijst getallen 0-1 zijn, bv. [1.0, 0.68, 0.22] "
                f"({gewichten!r})"
            )
        if not str(blok["bron"] or "").strip():
            problemen.append(f"{waar} noemt geen bron")
        if not problemen:
            uit[categorie] = Verval(float(factor), tuple(map(float, gewichten)), str(blok["bron"]))
    if problemen:
        raise GebiedsplanError(f"{pad} is niet consistent:\n  - " + "\n  - ".join(problemen))
    return uit


def load_verval() -> dict[str, Verval]:
    """The distance decay per category for the gap tables: the ``verval`` blocks of
    ``lagen/catalogus/normen.yml`` (categories without one get :data:`STANDAARD_VERVAL`).

    Examples
    --------
    >>> load_verval()["basisschool"].gewichten
    (1.0, 0.68, 0.22)
    """
    return dict(_verval_uit((Path(load_catalogus().map) / "normen.yml").resolve()))


def demand_per_point(
    vraagpunten: pd.DataFrame,
    buurten: pd.DataFrame,
    norm: Norm,
    *,
    gezondheid: pd.DataFrame | None = None,
    behoefte: tuple[np.ndarray, np.ndarray] | None = None,
) -> pd.Series:
    """Need-weighted target group per demand point: its residents × the need-weighted target
    group of its buurt per resident of the buurt, as ``benodigde_capaciteit`` counts it
    (:func:`gebiedsplan.analyse.hiaatsommen.need_per_buurt`).

    A point in a buurt without a known resident count gets the share of the whole gemeente
    (logged), never 0. ``behoefte``: ``need_per_buurt(buurten, gezondheid, norm)`` when already
    computed.

    Examples
    --------
    >>> from gebiedsplan.importeren import demo_gemeente
    >>> g = demo_gemeente()
    >>> v = demand_per_point(g.vraagpunten, g.buurten, g.normen["basisschool"])
    >>> bool(0 < v.sum() < g.vraagpunten["inwoners"].sum())
    True
    """
    _, gewogen = need_per_buurt(buurten, gezondheid, norm) if behoefte is None else behoefte
    inwoners = pd.to_numeric(buurten["aantal_inwoners"], errors="coerce").to_numpy(
        dtype=float, na_value=np.nan
    )
    bekend = np.isfinite(inwoners) & (inwoners > 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        aandeel = np.where(bekend, gewogen / inwoners, np.nan)
    if not bekend.any():
        raise GebiedsplanError(
            f"Geen buurt heeft aantal_inwoners, nodig voor de vraag naar {norm.categorie}; vul "
            "de laag buurten aan (importeer de CBS-kerncijfers)."
        )
    gemiddeld = float(gewogen[bekend].sum() / inwoners[bekend].sum())
    per_buurt = pd.Series(aandeel, index=buurten.index)
    plek = vraagpunten["buurtcode"].map(per_buurt)
    zonder = plek.isna()
    if zonder.any():
        log.info(
            "%d vraagpunten van %s in een buurt zonder inwonertal: aandeel van de gemeente "
            "(%.3f) gebruikt",
            int(zonder.sum()),
            norm.categorie,
            gemiddeld,
        )
    inw = pd.to_numeric(vraagpunten["inwoners"], errors="coerce").astype(float)
    return (inw * plek.fillna(gemiddeld)).rename("vraag")


def compute_toegang(
    vraagpunten: gpd.GeoDataFrame,
    voorzieningen: gpd.GeoDataFrame,
    netwerk: Netwerk,
    normen: Mapping[str, Norm],
    buurten: pd.DataFrame,
    *,
    categorieen: Sequence[str] | None = None,
    gezondheid: pd.DataFrame | None = None,
    geanalyseerd: pd.Series | None = None,
    vraag_koppeling: Koppeling | None = None,
    verval: Mapping[str, Verval] | None = None,
    behoefte: Mapping[str, tuple[np.ndarray, np.ndarray]] | None = None,
    max_snap_m: float = MAX_SNAP_M,
) -> pd.DataFrame:
    """E2SFCA accessibility of every demand point to the capacity of each category with a
    capacity norm: what the gap tables average into ``toegang_per_1000``.

    Demand ``V_i`` is the need-weighted target group (:func:`demand_per_point`), supply the
    ``capaciteit`` of the category's facilities where it is known (the others are left out,
    so where they lie the accessibility is a lower bound), the weight the category's
    :class:`Verval`. Only analysed demand points take part: the others have no demand and no
    accessibility. A category none of whose facilities has a known capacity gets no
    accessibility (missing, never 0).

    Parameters
    ----------
    vraagpunten
        Layer ``vraagpunten`` (``inwoners``, ``buurtcode``).
    voorzieningen
        The facilities that count (``categorie``, ``capaciteit``).
    netwerk
        Compiled network (with segments, as :func:`gebiedsplan.analyse.run.run_analyse` keeps it).
    normen
        Norms per category; only those with a ``capaciteit`` are computed.
    buurten
        Layer ``buurten`` (``aantal_inwoners`` and the age bands of the target groups).
    categorieen
        Categories to compute (default: every category of ``normen`` with a capacity norm).
    gezondheid
        Layer ``gezondheid`` for the need index.
    geanalyseerd
        Which demand points were analysed (column ``geanalyseerd`` of ``bereik``); default all.
    vraag_koppeling
        The snap of all of ``vraagpunten`` when already known.
    verval
        Decay per category (default :func:`load_verval`, else :data:`STANDAARD_VERVAL`).
    behoefte
        ``need_per_buurt`` per category when already computed (see :func:`demand_per_point`).

    Returns
    -------
    pandas.DataFrame
        Indexed like ``vraagpunten``, per category ``vraag_<categorie>`` (``V_i``, 0 for points
        not analysed) and ``toegang_<categorie>`` (``A_i``: capacity within reach per unit of
        demand; missing for points not analysed and for a category without known capacity).

    Examples
    --------
    >>> from gebiedsplan.importeren import demo_gemeente
    >>> from gebiedsplan.netwerk.graaf import compile_netwerk
    >>> g = demo_gemeente()
    >>> t = compute_toegang(g.vraagpunten, g.voorzieningen, compile_netwerk(g.netwerk), g.normen,
    ...     g.buurten, categorieen=["huisarts"])
    >>> list(t.columns)
    ['vraag_huisarts', 'toegang_huisarts']
    >>> v, a = t["vraag_huisarts"], t["toegang_huisarts"]
    >>> round(1000 * float((v * a).sum() / v.sum()), 2)  # fte per 1,000 need-weighted residents
    0.39
    """
    verval = load_verval() if verval is None else verval
    gekozen = (
        [c for c, n in normen.items() if n.capaciteit is not None]
        if categorieen is None
        else [c for c in categorieen if normen[c].capaciteit is not None]
    )
    mee = (
        np.ones(len(vraagpunten), dtype=bool)
        if geanalyseerd is None
        else geanalyseerd.reindex(vraagpunten.index).to_numpy(dtype=bool, na_value=False)
    )
    punten = vraagpunten[mee]
    koppeling = (
        None
        if vraag_koppeling is None
        else Koppeling(
            vraag_koppeling.kant[mee],
            vraag_koppeling.fractie[mee],
            vraag_koppeling.afstand_m[mee],
            vraag_koppeling.los[mee],
        )
    )
    categorie = voorzieningen["categorie"].astype(str).to_numpy()
    kolommen: dict[str, np.ndarray] = {}
    for cat in gekozen:
        norm = normen[cat]
        vraag = np.zeros(len(vraagpunten))
        toegang = np.full(len(vraagpunten), np.nan)
        if mee.any():
            vraag[mee] = demand_per_point(
                punten,
                buurten,
                norm,
                gezondheid=gezondheid,
                behoefte=None if behoefte is None else behoefte.get(cat),
            )
        vz = voorzieningen[categorie == cat]
        aanbod = (
            _aanbod(vz, "capaciteit") if "capaciteit" in vz.columns else np.full(len(vz), np.nan)
        )
        if np.isfinite(aanbod).any() and mee.any():
            gewicht = verval.get(cat, STANDAARD_VERVAL).gewicht(norm)
            per_punt, _ = compute_2sfca(
                punten,
                vz,
                netwerk,
                gewicht=gewicht,
                aanbod=pd.Series(aanbod, index=vz.index),
                vraag=pd.Series(vraag[mee], index=punten.index),
                max_snap_m=max_snap_m,
                vraag_koppeling=koppeling,
            )
            toegang[mee] = per_punt["toegang"].to_numpy()
        elif mee.any():
            log.info("Categorie %s: geen voorziening met bekende capaciteit; geen toegang", cat)
        kolommen[kolom("vraag", cat)] = vraag
        kolommen[kolom("toegang", cat)] = toegang
    return pd.DataFrame(kolommen, index=vraagpunten.index)
