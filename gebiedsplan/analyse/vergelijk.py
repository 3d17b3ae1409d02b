"""Our car distances beside CBS Nabijheid: the official figure as the yardstick.

CBS publishes per buurt the mean distance "over de weg" to the nearest huisartsenpraktijk,
grote supermarkt, basisschool and kinderdagverblijf (Nabijheid voorzieningen, the
``afstand_tot_*`` columns of the Wijk- en Buurtkaart). :func:`compare_nabijheid` computes the
same figure with gebiedsplan's engine on the gemeente's car network (layer ``netwerk_auto``) and
sets the two side by side per buurt and category, with per category the number of buurten
compared, the Spearman rank correlation, the median absolute difference and the share within
0.1 km (CBS rounds to 0.1 km). Where the two agree, the layers and the engine describe the
gemeente as CBS does; where they differ, the table, the scatter plots and the difference map
(:mod:`gebiedsplan.kaarten.vergelijking`) show where, and :attr:`Vergelijking.toelichting` says
why that can be.

The CBS method, and how gebiedsplan follows it
----------------------------------------------
CBS, *Nabijheidsstatistiek* (korte onderzoeksbeschrijving, cbs.nl, "Onze diensten / Methoden /
Onderzoeksomschrijvingen"): "De afstand van een bewoond adres tot het dichtstbijzijnde
bezoekadres van een voorziening wordt bepaald. Deze afstand wordt per adres berekend over de
verharde (auto)weg, dus niet over fiets- en voetpaden. Hierbij wordt rekening gehouden met
ongelijkvloerse kruisingen, veerponten en éénrichtingsverkeer op Rijks- en Provinciewegen. Alle
personen op het bewoonde adres krijgen een berekende afstand tot de dichtstbijzijnde voorziening
toegewezen. Bij berekening van de afstand wordt een adres loodrecht op het wegennet
[geprojecteerd]". The StatLine tables (e.g. 85560NED, 2022) add: the figures are "berekend als
gemiddelde over alle personen van het gebied", and "vanaf 2022 [worden] de rijrichtingen
meegenomen bij het bepalen van routes"; before, "niet of slechts in beperkte mate". CBS's
distances for a single postcode study (maatwerk 2014, "Afstanden van postcodes tot de
grensovergang") describe the same projection: "geprojecteerd naar de dichtstbijzijnde weg, en
over de weg is vanaf dat projectiepunt de afstand bepaald", over the NWB (Nationaal Wegenbestand).
Only facilities in the Netherlands count, wherever they lie (across a gemeente border too).

- *Roads*: the layer ``netwerk_auto`` compiled in modus ``auto``: paved public roads open to
  cars (``lagen/catalogus/modus_wegen.csv``: no service roads, tracks, unpaved or private
  roads, no cycle or foot paths). CBS uses the NWB; gebiedsplan OpenStreetMap (osmnx ``drive``).
- *One-way streets*: respected in the direction of travel, from the address to the facility
  (the search runs on the reversed graph, :func:`gebiedsplan.netwerk.zoeken.nearest_per_point`;
  an address on a one-way street enters it at its forward end only). For CBS years before
  :data:`RIJRICHTING_VANAF` only on the main roads (:data:`HOOFDWEGEN`, OSM's nearest to
  "Rijks- en Provinciewegen"; OSM does not say who manages a road).
- *Projection*: address and facility are projected perpendicularly on the nearest car road
  (:func:`gebiedsplan.netwerk.aansluiten.snap_to_edges`) and the distance runs over the road
  from the one projection to the other; the straight line from the address to the road does
  not count (``snap_meetellen=False``). Points further than ``max_snap_m`` from any car road
  are reported, not attached.
- *Mean*: per buurt over the residents (``inwoners`` of the demand points, which are addresses
  when the gemeente has them), in km, rounded half up to 0.1 km as CBS publishes
  (:func:`round_km`). The comparison uses the rounded value on both sides.
- *Who is left out*: residents too far from a car road (``los_van_netwerk``) and residents
  whose car road cannot reach the core of the network (``afgesneden``: a one-way stub at the
  edge of the extract, a piece not joined to the rest; :func:`gebiedsplan.netwerk.graaf.compute_kernbereik`)
  are counted apart per buurt, never given a distance of 0. A resident who reaches no facility
  of a category is ``onbereikbaar`` for it (also counted apart).

Categories (:data:`CBS_CATEGORIEEN`): huisarts (CBS huisartsenpraktijk), supermarkt (CBS grote
supermarkt; a category outside the sociale basis, without a norm), basisschool (CBS
basisschool) and kinderopvang (CBS kinderdagverblijf: the nabijheid layer stores CBS's
kinderdagverblijf under kinderopvang; gebiedsplan's kinderopvang holds every childcare location
of its sources, so it may hold more places than CBS counts).
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy import stats

from gebiedsplan._tekst import getal, procent
from gebiedsplan.analyse._kolommen import kolom
from gebiedsplan.catalogus import load_catalogus, load_grensbuffer, load_volledigheid
from gebiedsplan.errors import GebiedsplanError, GemeenteError
from gebiedsplan.gemeente import Gemeente, effective_voorzieningen
from gebiedsplan.netwerk.aansluiten import MAX_SNAP_M, connect_points
from gebiedsplan.netwerk.graaf import Netwerk, compile_netwerk, compute_kernbereik
from gebiedsplan.netwerk.zoeken import nearest_per_point

log = logging.getLogger(__name__)

#: The categories CBS Nabijheid publishes too: our category -> CBS's name of the facility.
CBS_CATEGORIEEN: Mapping[str, str] = {
    "huisarts": "huisartsenpraktijk",
    "supermarkt": "grote supermarkt",
    "basisschool": "basisschool",
    "kinderopvang": "kinderdagverblijf",
}
#: CBS publishes its mean distances rounded to this step (km).
AFRONDING_KM = 0.1
#: From this reporting year CBS respects the driving direction on every road (StatLine
#: 85560NED, 2022); before, only on Rijks- en Provinciewegen.
RIJRICHTING_VANAF = 2022
#: OSM road classes whose one-way flag counts for CBS years before :data:`RIJRICHTING_VANAF`:
#: the motorways, trunk roads and primary roads, OSM's nearest to "Rijks- en Provinciewegen".
HOOFDWEGEN = ("motorway", "motorway_link", "trunk", "trunk_link", "primary", "primary_link")
#: Columns of the ``nabijheid`` layer this module reads.
NABIJHEID_KOLOMMEN = ("code", "categorie", "jaar", "afstand_km")


@dataclass(frozen=True)
class Vergelijking:
    """Our car-mode distances beside CBS Nabijheid (result of :func:`compare_nabijheid`).

    Attributes
    ----------
    jaar
        The CBS year compared with.
    per_buurt
        Indexed by (``buurtcode``, ``categorie``), every buurt of the gemeente for every
        category: ``buurtnaam``, ``wijkcode``, ``inwoners``, ``inwoners_geanalyseerd``,
        ``inwoners_los_van_netwerk``, ``inwoners_afgesneden``, ``inwoners_onbereikbaar``,
        ``afstand_km`` (our mean, unrounded), ``afstand_km_afgerond`` (rounded like CBS),
        ``afstand_km_cbs``, ``verschil_km`` (ours rounded minus CBS; positive: we measure
        further), ``binnen_afronding`` (the difference is at most 0.1 km),
        ``aandeel_geanalyseerd`` (share of the buurt's residents on the car network) and
        ``vergeleken`` (both sides have a value and at least ``min_aandeel_geanalyseerd`` of
        ``lagen/catalogus/volledigheid.yml``, 90%, of the residents are analysed: a mean over
        fewer is not the buurt's), ``reden`` (why not, where not).
    samenvatting
        Indexed by ``categorie``: ``categorie_label``, ``cbs_naam``, ``aantal_voorzieningen``
        (ours that counted), ``buurten_vergeleken``, ``buurten_zonder_cbs`` (we have a value,
        CBS none), ``buurten_zonder_gebiedsplan`` (CBS has one, we none), ``spearman``,
        ``mediaan_abs_verschil_km``, ``aandeel_binnen_afronding``, ``gem_verschil_km`` (mean
        difference: a sign of a systematic difference).
    voorzieningen
        The facilities that counted (:func:`gebiedsplan.gemeente.effective_voorzieningen` of the
        compared categories) with ``los_van_netwerk`` (too far from a car road) and
        ``onbereikbaar_vanuit_netwerk`` (the core of the car network cannot reach them).
    toelichting
        Dutch sentences: the method, and the expected sources of difference.
    eenrichting
        How one-way streets were treated (Dutch, for the notes).
    """

    jaar: int
    per_buurt: pd.DataFrame
    samenvatting: pd.DataFrame
    voorzieningen: gpd.GeoDataFrame
    toelichting: list[str] = field(default_factory=list)
    eenrichting: str = ""

    @property
    def categorieen(self) -> list[str]:
        """The compared categories, in order."""
        return list(self.samenvatting.index)


def round_km(afstand_km: float | np.ndarray | pd.Series) -> np.ndarray:
    """Round to 0.1 km, halves up, as CBS publishes (0.05 -> 0.1, 0.15 -> 0.2); missing stays
    missing.

    Examples
    --------
    >>> round_km(np.array([0.04, 0.05, 0.149, 0.15, 1.25, np.nan])).tolist()
    [0.0, 0.1, 0.1, 0.2, 1.3, nan]
    """
    x = np.asarray(afstand_km, dtype=float)
    # a tiny margin: 0.15 is 0.1499999... in binary, and a half goes up
    return np.round(np.floor(x / AFRONDING_KM + 0.5 + 1e-9) * AFRONDING_KM, 1)


def car_roads(wegen: gpd.GeoDataFrame, *, jaar: int | None) -> gpd.GeoDataFrame:
    """The car network as CBS used it in ``jaar``: one-way streets everywhere from
    :data:`RIJRICHTING_VANAF` on (and when ``jaar`` is None), before only on
    :data:`HOOFDWEGEN` (by the ``highway`` column; without it, nowhere).

    Examples
    --------
    >>> import shapely
    >>> wegen = gpd.GeoDataFrame({"van_knoop": [0, 1], "naar_knoop": [1, 2],
    ...     "lengte_m": [1.0, 1.0], "eenrichting": [True, True],
    ...     "highway": ["residential", "primary"]},
    ...     geometry=[shapely.LineString([(0, 0), (1, 0)])] * 2, crs="EPSG:28992")
    >>> car_roads(wegen, jaar=2021)["eenrichting"].tolist()
    [False, True]
    >>> car_roads(wegen, jaar=2023)["eenrichting"].tolist()
    [True, True]
    """
    if jaar is None or jaar >= RIJRICHTING_VANAF or "eenrichting" not in wegen.columns:
        return wegen
    eenrichting = wegen["eenrichting"].fillna(False).to_numpy(dtype=bool)
    if "highway" in wegen.columns:
        hoofdweg = np.array(
            [
                any(deel.strip() in HOOFDWEGEN for deel in str(w).split(";"))
                for w in wegen["highway"].fillna("")
            ],
            dtype=bool,
        )
    else:
        hoofdweg = np.zeros(len(wegen), dtype=bool)
    return wegen.assign(eenrichting=eenrichting & hoofdweg)


def _autonetwerk(gemeente: Gemeente, *, jaar: int | None) -> Netwerk:
    if gemeente.netwerk_auto is None:
        raise GemeenteError(
            f"Gemeente {gemeente.code} heeft geen autonetwerk (laag netwerk_auto). Haal het op "
            f"met 'gebiedsplan ophalen --gemeente {gemeente.code} --jaar JAAR --modus auto', of "
            f"lees een bestand in met 'gebiedsplan importeer --gemeente {gemeente.code} --jaar "
            "JAAR --netwerk BESTAND --modus auto'; het loopnetwerk blijft staan."
        )
    return compile_netwerk(
        car_roads(gemeente.netwerk_auto, jaar=jaar), modus="auto", cache_map=gemeente.netwerk_map
    )


def compute_autoafstand(
    gemeente: Gemeente,
    *,
    categorieen: Iterable[str] = tuple(CBS_CATEGORIEEN),
    jaar: int | None = None,
    netwerk: Netwerk | None = None,
    max_snap_m: float = MAX_SNAP_M,
) -> tuple[pd.DataFrame, gpd.GeoDataFrame]:
    """Per demand point the car distance to the nearest facility of each category, the CBS way
    (module docstring), and who could not be analysed.

    Parameters
    ----------
    gemeente
        A gemeente with layers ``vraagpunten`` and ``netwerk_auto``.
    categorieen
        Categories of the facility layer; default those of :data:`CBS_CATEGORIEEN`.
    jaar
        The CBS year the distances are meant for (one-way streets, :func:`car_roads`); default
        one-way streets everywhere.
    netwerk
        The compiled car network, to reuse it; default compiled from ``netwerk_auto``.
    max_snap_m
        Points further than this from a car road are not attached (reported).

    Returns
    -------
    (afstanden, voorzieningen)
        ``afstanden`` indexed like ``vraagpunten``: ``buurtcode``, ``inwoners``,
        ``snap_afstand_m``, ``los_van_netwerk``, ``afgesneden`` (its road cannot reach the core
        of the car network), ``geanalyseerd`` and per category ``afstand_<categorie>_m`` (NaN
        where no facility is reached). ``voorzieningen``: the facilities of these categories
        that counted, with ``los_van_netwerk`` and ``onbereikbaar_vanuit_netwerk``.

    Examples
    --------
    >>> from gebiedsplan.importeren import demo_gemeente
    >>> g = demo_gemeente()
    >>> g.netwerk_auto = g.netwerk.assign(highway="residential")
    >>> afstanden, _ = compute_autoafstand(g, categorieen=["huisarts"])
    >>> bool(afstanden["geanalyseerd"].all()), bool(afstanden["afstand_huisarts_m"].gt(0).all())
    (True, True)
    """
    if gemeente.vraagpunten is None:
        raise GemeenteError(
            f"Gemeente {gemeente.code} mist laag vraagpunten; de afstanden worden per adres "
            "(of rastercel) met inwoners berekend."
        )
    gekozen = list(categorieen)
    onbekend = [c for c in gekozen if c not in load_catalogus().categorieen]
    if onbekend:
        raise GebiedsplanError(
            f"Onbekende categorie {', '.join(onbekend)}; bekend zijn "
            f"{', '.join(load_catalogus().categorieen)} (lagen/catalogus/categorieen.yml)."
        )
    if netwerk is None:
        netwerk = _autonetwerk(gemeente, jaar=jaar)
    vraagpunten = gemeente.vraagpunten
    alle = effective_voorzieningen(gemeente)
    vz = alle[alle["categorie"].astype(str).isin(gekozen)]
    aansl = connect_points(vraagpunten, vz, netwerk, max_snap_m=max_snap_m, snap_meetellen=False)
    kern = compute_kernbereik(aansl.netwerk)
    rij = aansl.vraag_rij
    naar_kern = np.where(rij >= 0, kern.naar_kern[np.maximum(rij, 0)], False).any(axis=1)
    los = aansl.vraag_los
    afgesneden = ~los & ~naar_kern
    if afgesneden.any():
        log.info(
            "%d vraagpunten (%d inwoners) liggen aan een autoweg die de rest van het "
            "autonetwerk niet bereikt (eenrichtingsstomp of los stuk) en worden niet "
            "geanalyseerd",
            int(afgesneden.sum()),
            int(vraagpunten["inwoners"].to_numpy()[afgesneden].sum()),
        )
    uit = pd.DataFrame(
        {
            "buurtcode": vraagpunten["buurtcode"].to_numpy(),
            "inwoners": vraagpunten["inwoners"].to_numpy(dtype=float),
            "snap_afstand_m": aansl.vraag_snap_m,
            "los_van_netwerk": los,
            "afgesneden": afgesneden,
            "geanalyseerd": ~los & ~afgesneden,
        },
        index=vraagpunten.index,
    )
    categorie = vz["categorie"].astype(str).to_numpy()
    for cat in gekozen:
        keep = categorie == cat
        if not (keep & (aansl.blad >= 0)).any():
            log.warning("Categorie %s heeft geen voorzieningen aan het autonetwerk", cat)
        uit[kolom("afstand", cat, eenheid="m")] = nearest_per_point(aansl, keep)
    blad = aansl.blad
    vanuit = np.where(blad >= 0, kern.uit_kern[np.maximum(blad, 0)], False)
    voorzieningen = vz.assign(
        los_van_netwerk=aansl.vz_los, onbereikbaar_vanuit_netwerk=~aansl.vz_los & ~vanuit
    )
    return uit, voorzieningen


def aggregate_autoafstand(afstanden: pd.DataFrame) -> pd.DataFrame:
    """Per buurt and category the residents' mean car distance in km, as CBS averages: over
    all residents of the buurt who were analysed and reach a facility, weighted by their
    number; also rounded to 0.1 km (:func:`round_km`).

    Returns
    -------
    pandas.DataFrame
        Indexed by (``buurtcode``, ``categorie``): ``inwoners``, ``inwoners_geanalyseerd``,
        ``inwoners_los_van_netwerk``, ``inwoners_afgesneden``, ``inwoners_onbereikbaar``,
        ``afstand_km``, ``afstand_km_afgerond``.

    Examples
    --------
    >>> a = pd.DataFrame({"buurtcode": ["BU1", "BU1", "BU1"], "inwoners": [1.0, 3.0, 2.0],
    ...     "los_van_netwerk": [False, False, True], "afgesneden": [False] * 3,
    ...     "geanalyseerd": [True, True, False], "afstand_huisarts_m": [100.0, 300.0, np.nan]})
    >>> r = aggregate_autoafstand(a).loc[("BU1", "huisarts")]
    >>> float(r["afstand_km"]), float(r["afstand_km_afgerond"]), int(r["inwoners_los_van_netwerk"])
    (0.25, 0.3, 2)
    """
    groep = afstanden["buurtcode"].astype(str)
    inwoners = afstanden["inwoners"].to_numpy(dtype=float)
    geanalyseerd = afstanden["geanalyseerd"].to_numpy(dtype=bool)

    def som(gewicht: np.ndarray) -> pd.Series:
        return pd.Series(gewicht, index=afstanden.index).groupby(groep.to_numpy()).sum()

    basis = pd.DataFrame(
        {
            "inwoners": som(inwoners),
            "inwoners_geanalyseerd": som(np.where(geanalyseerd, inwoners, 0.0)),
            "inwoners_los_van_netwerk": som(
                np.where(afstanden["los_van_netwerk"].to_numpy(dtype=bool), inwoners, 0.0)
            ),
            "inwoners_afgesneden": som(
                np.where(afstanden["afgesneden"].to_numpy(dtype=bool), inwoners, 0.0)
            ),
        }
    )
    frames = []
    for naam in afstanden.columns:
        if not (naam.startswith("afstand_") and naam.endswith("_m")):
            continue
        cat = naam[len("afstand_") : -len("_m")]
        afstand = afstanden[naam].to_numpy(dtype=float)
        bereikt = geanalyseerd & ~np.isnan(afstand)
        gewogen = som(np.where(bereikt, inwoners * np.nan_to_num(afstand), 0.0))
        bereikt_inw = som(np.where(bereikt, inwoners, 0.0))
        deel = basis.copy()
        deel["inwoners_onbereikbaar"] = deel["inwoners_geanalyseerd"] - bereikt_inw
        with np.errstate(invalid="ignore", divide="ignore"):
            km = np.where(
                bereikt_inw > 0, gewogen / bereikt_inw.where(bereikt_inw > 0, 1) / 1000, np.nan
            )
        deel["afstand_km"] = km
        deel["afstand_km_afgerond"] = round_km(km)
        deel["categorie"] = cat
        frames.append(deel)
    if not frames:
        raise GebiedsplanError("Geen afstandskolommen (afstand_<categorie>_m) om op te tellen.")
    uit = pd.concat(frames)
    uit.index.name = "buurtcode"
    for k in (
        "inwoners",
        "inwoners_geanalyseerd",
        "inwoners_los_van_netwerk",
        "inwoners_afgesneden",
        "inwoners_onbereikbaar",
    ):
        uit[k] = np.round(uit[k].to_numpy(dtype=float)).astype("int64")
    return uit.set_index("categorie", append=True).sort_index()


def _cbs_tabel(
    nabijheid: pd.DataFrame, *, jaar: int | None, categorieen: Sequence[str]
) -> tuple[pd.Series, int]:
    """CBS's distance per (buurtcode, categorie) for ``jaar`` (default the latest year with a
    value for one of ``categorieen``) and that year."""
    ontbreekt = [k for k in NABIJHEID_KOLOMMEN if k not in nabijheid.columns]
    if ontbreekt:
        raise GebiedsplanError(
            f"Laag nabijheid mist kolom {', '.join(ontbreekt)}; verwacht "
            f"{', '.join(NABIJHEID_KOLOMMEN)} (lagen/catalogus/lagen.yml)."
        )
    tabel = nabijheid[nabijheid["categorie"].astype(str).isin(categorieen)]
    tabel = tabel[tabel["code"].astype(str).str.startswith("BU")]
    jaren = sorted(pd.to_numeric(tabel["jaar"]).dropna().astype(int).unique())
    if jaar is None:
        met_waarde = tabel[pd.to_numeric(tabel["afstand_km"], errors="coerce").notna()]
        jaren_met = sorted(pd.to_numeric(met_waarde["jaar"]).dropna().astype(int).unique())
        if not jaren_met:
            raise GebiedsplanError(
                "Laag nabijheid heeft geen afstanden per buurt voor "
                f"{', '.join(categorieen)}; lees CBS Nabijheid in met 'gebiedsplan importeer "
                "--nabijheid BESTAND' of haal het op met 'gebiedsplan ophalen'."
            )
        jaar = int(jaren_met[-1])
    elif jaar not in jaren:
        raise GebiedsplanError(
            f"Laag nabijheid heeft geen buurtcijfers van {jaar}; wel van "
            f"{', '.join(map(str, jaren)) or 'geen enkel jaar'}."
        )
    tabel = tabel[pd.to_numeric(tabel["jaar"]).astype(int) == jaar]
    waarde = pd.to_numeric(tabel["afstand_km"], errors="coerce")
    reeks = pd.Series(
        waarde.to_numpy(dtype=float),
        index=pd.MultiIndex.from_arrays(
            [tabel["code"].astype(str).to_numpy(), tabel["categorie"].astype(str).to_numpy()],
            names=["buurtcode", "categorie"],
        ),
        name="afstand_km_cbs",
    )
    dubbel = reeks.index.duplicated()
    if dubbel.any():
        raise GebiedsplanError(
            f"Laag nabijheid heeft voor {jaar} meer dan één afstand voor "
            f"{', '.join(f'{b} {c}' for b, c in reeks.index[dubbel][:5])}."
        )
    return reeks, jaar


def spearman(a: np.ndarray, b: np.ndarray) -> float:
    """Spearman's rank correlation of two series (ties get their mean rank); NaN for fewer than
    two pairs or when a side does not vary.

    Examples
    --------
    >>> spearman(np.array([0.3, 0.5, 1.2]), np.array([0.4, 0.6, 2.0]))
    1.0
    >>> import math; math.isnan(spearman(np.array([1.0, 1.0]), np.array([0.2, 0.3])))
    True
    """
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if len(a) < 2 or np.ptp(a) == 0 or np.ptp(b) == 0:
        return float("nan")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return float(stats.spearmanr(a, b).statistic)


def compare_nabijheid(
    gemeente: Gemeente,
    *,
    jaar: int | None = None,
    categorieen: Iterable[str] | None = None,
    nabijheid: pd.DataFrame | None = None,
    netwerk: Netwerk | None = None,
    max_snap_m: float = MAX_SNAP_M,
) -> Vergelijking:
    """Our car-mode mean distance per buurt beside CBS Nabijheid's, with per category the
    buurten compared, Spearman's rank correlation, the median absolute difference and the
    share within 0.1 km (module docstring).

    Parameters
    ----------
    gemeente
        A gemeente with layers ``vraagpunten``, ``netwerk_auto`` and ``nabijheid``.
    jaar
        The CBS year; default the latest in the layer ``nabijheid``.
    categorieen
        Default the four of :data:`CBS_CATEGORIEEN`.
    nabijheid
        CBS's figures (columns ``code``, ``categorie``, ``jaar``, ``afstand_km``); default the
        gemeente's layer ``nabijheid``.
    netwerk
        The compiled car network, to reuse it.
    max_snap_m
        Points further than this from a car road are not attached (reported).

    Returns
    -------
    Vergelijking

    Examples
    --------
    >>> from gebiedsplan.importeren import demo_gemeente
    >>> g = demo_gemeente()
    >>> g.netwerk_auto = g.netwerk.assign(highway="residential")
    >>> ons, _ = compute_autoafstand(g, categorieen=["huisarts"])
    >>> per_buurt = aggregate_autoafstand(ons).reset_index()
    >>> cbs = pd.DataFrame({"code": per_buurt["buurtcode"], "categorie": "huisarts",
    ...     "jaar": 2023, "afstand_km": per_buurt["afstand_km_afgerond"]})
    >>> v = compare_nabijheid(g, categorieen=["huisarts"], nabijheid=cbs)
    >>> s = v.samenvatting.loc["huisarts"]
    >>> int(s["buurten_vergeleken"]), float(s["spearman"]), float(s["mediaan_abs_verschil_km"])
    (26, 1.0, 0.0)
    """
    cbs_laag = nabijheid if nabijheid is not None else gemeente.nabijheid
    if cbs_laag is None:
        raise GemeenteError(
            f"Gemeente {gemeente.code} heeft geen CBS-nabijheidscijfers (laag nabijheid). Lees "
            f"ze in met 'gebiedsplan importeer --gemeente {gemeente.code} --jaar JAAR "
            "--nabijheid BESTAND' (een CSV van CBS StatLine, Nabijheid voorzieningen) of haal ze "
            "op met 'gebiedsplan ophalen'."
            + (
                f" {gemeente.naam} is synthetisch: CBS heeft er geen cijfers van. vergelijk-cbs "
                "vergelijkt een echte gemeente met CBS, bv. na 'gebiedsplan ophalen --gemeente "
                "GM0202 --jaar 2024 --modus auto' (README, CBS Nabijheid als maatstaf)."
                if gemeente.synthetisch
                else ""
            )
        )
    gekozen = list(categorieen) if categorieen is not None else list(CBS_CATEGORIEEN)
    cbs, jaar = _cbs_tabel(cbs_laag, jaar=jaar, categorieen=gekozen)
    afstanden, voorzieningen = compute_autoafstand(
        gemeente, categorieen=gekozen, jaar=jaar, netwerk=netwerk, max_snap_m=max_snap_m
    )
    ons = aggregate_autoafstand(afstanden)
    buurten = gemeente.buurten
    index = pd.MultiIndex.from_product([buurten.index, gekozen], names=["buurtcode", "categorie"])
    tabel = pd.DataFrame(index=index)
    codes = index.get_level_values("buurtcode")
    tabel["buurtnaam"] = buurten["buurtnaam"].reindex(codes).to_numpy()
    tabel["wijkcode"] = buurten["wijkcode"].reindex(codes).to_numpy()
    tabel = tabel.join(ons, how="left")
    for k in (
        "inwoners",
        "inwoners_geanalyseerd",
        "inwoners_los_van_netwerk",
        "inwoners_afgesneden",
        "inwoners_onbereikbaar",
    ):
        tabel[k] = tabel[k].fillna(0).astype("int64")
    tabel["afstand_km_cbs"] = cbs.reindex(index).to_numpy(dtype=float)
    ons_km = tabel["afstand_km_afgerond"].to_numpy(dtype=float)
    cbs_km = tabel["afstand_km_cbs"].to_numpy(dtype=float)
    # a mean over a few of a buurt's residents is not the buurt's mean: compared only where at
    # least min_aandeel_geanalyseerd of them reach the car network (the rule of the gap scores)
    drempel = load_volledigheid().min_aandeel_geanalyseerd
    inw = tabel["inwoners"].to_numpy(dtype=float)
    aandeel = np.divide(
        tabel["inwoners_geanalyseerd"].to_numpy(dtype=float),
        inw,
        out=np.full(len(inw), np.nan),
        where=inw > 0,
    )
    tabel["aandeel_geanalyseerd"] = aandeel
    volledig = aandeel >= drempel - 1e-12
    vergeleken = ~np.isnan(ons_km) & ~np.isnan(cbs_km) & volledig
    verschil = np.round(ons_km - cbs_km, 1)
    tabel["verschil_km"] = np.where(vergeleken, verschil, np.nan)
    binnen = pd.array(np.abs(verschil) <= AFRONDING_KM + 1e-9, dtype="boolean")
    binnen[~vergeleken] = pd.NA
    tabel["binnen_afronding"] = binnen
    tabel["vergeleken"] = vergeleken
    tabel["reden"] = _redenen(
        tabel, cbs_km=cbs_km, ons_km=ons_km, cbs_index=cbs.index, drempel=drempel
    )
    samenvatting = _samenvatting(tabel, gekozen, voorzieningen)
    eenrichting = (
        f"eenrichtingsverkeer op alle wegen (zoals CBS vanaf {RIJRICHTING_VANAF})"
        if jaar >= RIJRICHTING_VANAF
        else (
            f"eenrichtingsverkeer alleen op hoofdwegen ({', '.join(HOOFDWEGEN)}), zoals CBS "
            f"vóór {RIJRICHTING_VANAF} alleen op Rijks- en Provinciewegen"
        )
    )
    return Vergelijking(
        jaar=jaar,
        per_buurt=tabel,
        samenvatting=samenvatting,
        voorzieningen=voorzieningen,
        toelichting=explain_verschillen(gemeente, jaar=jaar, eenrichting=eenrichting),
        eenrichting=eenrichting,
    )


def _redenen(
    tabel: pd.DataFrame,
    *,
    cbs_km: np.ndarray,
    ons_km: np.ndarray,
    cbs_index: pd.Index,
    drempel: float,
) -> list[str]:
    """Why a buurt x category was not compared (empty where it was)."""
    in_cbs = tabel.index.isin(cbs_index)
    uit = []
    for i, (geanalyseerd, inwoners) in enumerate(
        zip(tabel["inwoners_geanalyseerd"], tabel["inwoners"], strict=True)
    ):
        redenen = []
        if np.isnan(cbs_km[i]):
            redenen.append(
                "CBS heeft geen cijfer (geheim of te weinig inwoners)"
                if in_cbs[i]
                else "buurt niet in de CBS-cijfers van dit jaar (andere indeling?)"
            )
        if np.isnan(ons_km[i]):
            if inwoners == 0:
                redenen.append("geen inwoners in de vraagpunten")
            elif geanalyseerd == 0:
                redenen.append("geen inwoners aan het autonetwerk")
            else:
                redenen.append("geen voorziening bereikbaar over het autonetwerk")
        elif inwoners and geanalyseerd / inwoners < drempel - 1e-12:
            redenen.append(
                f"onvolledig: {procent(geanalyseerd / inwoners, _decimalen(geanalyseerd / inwoners, drempel))} van de inwoners aan het "
                f"autonetwerk (minder dan {procent(drempel)}); het gemiddelde van die inwoners is "
                "niet dat van de buurt"
            )
        uit.append("; ".join(redenen))
    return uit


def _reikwijdte_m(gemeente: Gemeente) -> float:
    """How far beyond the gemeente's outline its facilities layer reaches (m; 0 without any
    facility outside)."""
    vz = gemeente.voorzieningen
    if vz is None or not len(vz):
        return 0.0
    omtrek = shapely.union_all(gemeente.wijken.geometry.to_numpy())
    afstand = shapely.distance(vz.geometry.to_numpy(), omtrek)
    return float(np.round(np.nanmax(afstand), -2)) if len(afstand) else 0.0


def _decimalen(aandeel: float, drempel: float) -> int:
    """One decimal where a whole percentage would round up to the threshold (89.6% -> "90%")
    or down to nothing (0.3% -> "0%")."""
    return 1 if aandeel >= drempel - 0.005 or aandeel < 0.005 else 0


def _samenvatting(
    tabel: pd.DataFrame, categorieen: Sequence[str], voorzieningen: pd.DataFrame
) -> pd.DataFrame:
    labels = load_catalogus().categorieen
    rijen = []
    for cat in categorieen:
        deel = tabel.xs(cat, level="categorie")
        v = deel[deel["vergeleken"]]
        verschil = v["verschil_km"].to_numpy(dtype=float)
        ons = deel["afstand_km_afgerond"].notna()
        cbs = deel["afstand_km_cbs"].notna()
        rijen.append(
            {
                "categorie": cat,
                "categorie_label": labels[cat].label,
                "cbs_naam": CBS_CATEGORIEEN.get(cat, cat),
                "aantal_voorzieningen": int((voorzieningen["categorie"] == cat).sum()),
                "buurten_vergeleken": len(v),
                "buurten_zonder_cbs": int((ons & ~cbs).sum()),
                "buurten_zonder_gebiedsplan": int((cbs & ~ons).sum()),
                "spearman": spearman(
                    v["afstand_km_afgerond"].to_numpy(dtype=float),
                    v["afstand_km_cbs"].to_numpy(dtype=float),
                ),
                "mediaan_abs_verschil_km": (
                    float(np.round(np.median(np.abs(verschil)), 2)) if len(v) else np.nan
                ),
                "aandeel_binnen_afronding": (
                    float(v["binnen_afronding"].astype(bool).mean()) if len(v) else np.nan
                ),
                "gem_verschil_km": float(np.round(verschil.mean(), 2)) if len(v) else np.nan,
            }
        )
    return pd.DataFrame(rijen).set_index("categorie")


def explain_verschillen(gemeente: Gemeente, *, jaar: int, eenrichting: str = "") -> list[str]:
    """The method of the comparison and the expected sources of difference, in Dutch, for the
    command, the Excel notes and the map.

    Examples
    --------
    >>> from gebiedsplan.importeren import demo_gemeente
    >>> regels = explain_verschillen(demo_gemeente(), jaar=2023)
    >>> regels[0].startswith("Vergelijking met CBS Nabijheid 2023")
    True
    """
    buffer_m = load_grensbuffer().get("auto")
    methode = "onbekend"
    if gemeente.vraagpunten is not None and "methode" in gemeente.vraagpunten.columns:
        methode = ", ".join(sorted(gemeente.vraagpunten["methode"].dropna().astype(str).unique()))
    vraag = gemeente.herkomst.get("vraagpunten")
    voorz = gemeente.herkomst.get("voorzieningen")
    peil_voorz = (voorz.peildatum or voorz.datum) if voorz is not None else "onbekend"
    regels = [
        f"Vergelijking met CBS Nabijheid {jaar}: per buurt de gemiddelde afstand over de weg met "
        "de auto tot de dichtstbijzijnde voorziening, gewogen naar inwoners, in km en afgerond op "
        "0,1 km zoals CBS; verschil = gebiedsplan min CBS (positief: gebiedsplan meet verder).",
        "Methode zoals CBS: over verharde wegen die open zijn voor de auto (laag netwerk_auto; "
        f"lagen/catalogus/modus_wegen.csv), {eenrichting or 'eenrichtingsverkeer gevolgd'}; adres "
        "en voorziening loodrecht op de dichtstbijzijnde autoweg geprojecteerd, de afstand loopt "
        "van projectie tot projectie.",
        "Spearman: of de buurten in dezelfde volgorde staan (1 = precies dezelfde rangorde). "
        "Mediaan absoluut verschil en aandeel binnen 0,1 km: hoe dicht de waarden bij elkaar "
        "liggen. 0,1 km verschil kan alleen door de afronding komen.",
        "Verwachte verschillen:",
        "- Voorzieningen: CBS gebruikt eigen registers (o.a. scholen van DUO, kinderopvang uit "
        "het Landelijk Register Kinderopvang, eigen bestanden van huisartsenpraktijken en "
        "supermarkten); gebiedsplan de laag voorzieningen (OpenStreetMap, en DUO, LRK of "
        "gemeentelijke registers waar ingelezen). Een voorziening die in de ene bron ontbreekt, "
        "maakt de afstand in de andere korter.",
        "- Volledigheid van OpenStreetMap: ontbreekt een huisarts of school in OSM, dan meet "
        "gebiedsplan verder dan CBS (positief verschil in de buurten eromheen).",
        "- Soort voorziening: CBS telt alleen grote supermarkten en bij kinderopvang alleen "
        "kinderdagverblijven (dagopvang); gebiedsplan telt elke supermarkt (OSM "
        "shop=supermarket) en in kinderopvang ook peuteropvang en buitenschoolse opvang waar de "
        "bron die geeft: daar meet gebiedsplan eerder korter.",
        f"- Jaar: de CBS-cijfers gaan over {jaar} (peildatum 1 januari); de voorzieningen van "
        f"gebiedsplan over {peil_voorz}. Wat sindsdien opende of sloot, telt maar aan één kant.",
        "- Wegennet: CBS rekent over het Nationaal Wegenbestand (NWB), gebiedsplan over "
        "OpenStreetMap. Een afgesloten of ontbrekende weg, een veerpont of een andere "
        "eenrichtingsregel verandert de route.",
        "- Adressen: CBS rekent vanaf elk bewoond adres met de personen die er wonen; gebiedsplan "
        f"vanaf zijn vraagpunten (methode: {methode}"
        + (f"; {vraag.bron}" if vraag is not None else "")
        + "). Zijn dat geen adressen maar rastercellen of over de buurt verspreide punten, dan "
        "wijkt het gemiddelde per buurt af.",
        "- Grens: CBS telt elke voorziening in Nederland; gebiedsplan alleen die in zijn laag "
        f"voorzieningen (hier tot {getal(_reikwijdte_m(gemeente))} m buiten de gemeente; "
        f"'ophalen --modus auto' laadt ze tot {getal(buffer_m)} m, "
        "lagen/catalogus/grensbuffer.yml). Reikt de laag minder ver, dan meet gebiedsplan aan de "
        "rand verder dan CBS.",
        "- Afronding: CBS rondt af op 0,1 km; een verschil van 0,1 km kan alleen daardoor komen.",
        "Niet geanalyseerd: inwoners verder dan de snapafstand van een autoweg en inwoners aan "
        "een autoweg die de rest van het autonetwerk niet bereikt (eenrichtingsstomp aan de rand, "
        "los stuk) tellen apart en krijgen geen afstand (nooit 0).",
    ]
    return regels


def summarize_vergelijking(vergelijking: Vergelijking) -> list[str]:
    """One Dutch line per category: buurten compared, Spearman, median difference, share within
    0.1 km.

    Examples
    --------
    >>> s = pd.DataFrame({"categorie_label": ["Huisarts"], "buurten_vergeleken": [12],
    ...     "spearman": [0.83], "mediaan_abs_verschil_km": [0.1],
    ...     "aandeel_binnen_afronding": [0.75], "gem_verschil_km": [0.05]},
    ...     index=pd.Index(["huisarts"], name="categorie"))
    >>> v = Vergelijking(2023, pd.DataFrame(), s, gpd.GeoDataFrame())
    >>> summarize_vergelijking(v)[0]
    'Huisarts: 12 buurten, Spearman 0,83, mediaan verschil 0,1 km, 75% binnen 0,1 km'
    """
    regels = []
    for _, r in vergelijking.samenvatting.iterrows():
        if not r["buurten_vergeleken"]:
            regels.append(f"{r['categorie_label']}: geen buurten om te vergelijken")
            continue
        regels.append(
            f"{r['categorie_label']}: {r['buurten_vergeleken']} buurten, Spearman "
            f"{getal(r['spearman'], 2)}, mediaan verschil {getal(r['mediaan_abs_verschil_km'], 1)} "
            f"km, {procent(r['aandeel_binnen_afronding'])} binnen 0,1 km"
        )
    return regels


__all__ = [
    "AFRONDING_KM",
    "CBS_CATEGORIEEN",
    "HOOFDWEGEN",
    "RIJRICHTING_VANAF",
    "Vergelijking",
    "aggregate_autoafstand",
    "car_roads",
    "compare_nabijheid",
    "compute_autoafstand",
    "explain_verschillen",
    "round_km",
    "spearman",
    "summarize_vergelijking",
]
