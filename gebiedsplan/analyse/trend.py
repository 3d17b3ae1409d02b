"""Figures of several years on one indeling, and trend tables per wijk or buurt.

CBS publishes the key figures of a year in the indeling (the buurt boundaries) of that year;
buurten are split, merged and redrawn over the years. A trend therefore first carries every
year's figures to the newest indeling (the layer ``buurten``), the way VNG's ``grenswijzigen``
did: figures follow the addresses from the old areas to the new ones.

Method per figure kind (``lagen/catalogus/trend.yml`` gives the kind of every indicator):

* **weights** (:func:`overgangsgewichten`): the demand points of the gemeente
  (``vraagpunten``: addresses or 100 m grid cells with ``inwoners``) are located in the old
  buurten (a spatial join) and carry their new ``buurtcode``; the weight of (old, new) is the
  residents of the points in old ∩ new. An old buurt without residents on its points is
  weighted by its number of points; an old buurt without any point by area (a geopandas
  overlay of old and new buurten, ``oppervlaktegewogen``).
* **aantal** (counts: inwoners, huishoudens, an age band): split "uniform per adres" by the
  share of the old buurt's weight in each new buurt, so the new buurten of one old buurt sum
  to its count exactly (:func:`verdeel`); a wijk is the sum of its buurten.
* **gemiddelde** (rates, averages, percentages): a new buurt gets the average of the old
  buurten it overlaps, weighted by the residents in each overlap; a wijk is the average of its
  buurten weighted by their carried count of the indicator's ``weging`` (default
  ``aantal_inwoners``) in the same year.

Every carried value says how it was made: ``methode`` is ``ongewijzigd`` (the buurt kept its
code and its residents), ``adresgewogen`` or ``oppervlaktegewogen``, and ``geschat`` is True
for all but ``ongewijzigd``. A missing figure stays missing: a new buurt that gets part of an
old buurt without a figure has none either (never 0).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from functools import cache
from typing import Any, Literal

import geopandas as gpd
import numpy as np
import pandas as pd

from gebiedsplan import settings
from gebiedsplan.catalogus import load_catalogus, read_yaml
from gebiedsplan.errors import GebiedsplanError
from gebiedsplan.gemeente import Gemeente

log = logging.getLogger(__name__)

Soort = Literal["aantal", "gemiddelde"]
#: Prefix of the indicators that count the facilities of a category per buurt and year.
VOORZIENINGEN = "voorzieningen_"
METHODEN = ("ongewijzigd", "adresgewogen", "oppervlaktegewogen")
#: A change smaller than this share of the first year (in %) is "gelijk".
DREMPEL_GELIJK_PCT = 0.5


@cache
def load_trendindicatoren() -> dict[str, dict[str, Any]]:
    """The indicators a trend knows, with their kind (``lagen/catalogus/trend.yml``), and per
    category of the catalogue that is not sensitive ``voorzieningen_<categorie>``: the number of
    facilities of that category in the snapshots of several years (layer
    ``voorzieningen_jaren``, :func:`tel_voorzieningen`; soort ``aantal``, label
    ``Aantal: <label>``, ``categorie`` its code).

    Examples
    --------
    >>> load_trendindicatoren()["voorzieningen_huisarts"]["label"]
    'Aantal: Huisarts'
    >>> "voorzieningen_opvang" in load_trendindicatoren()
    False
    >>> load_trendindicatoren()["aantal_inwoners"]["soort"]
    'aantal'
    >>> load_trendindicatoren()["gemiddeld_inkomen_per_inwoner"]["weging"]
    'aantal_inwoners'
    """
    pad = settings.catalogus_dir / "trend.yml"
    data = (read_yaml(pad) or {}).get("indicatoren") or {}
    problemen = [
        f"{naam}: soort {spec.get('soort')!r}"
        for naam, spec in data.items()
        if not isinstance(spec, dict) or spec.get("soort") not in ("aantal", "gemiddelde")
    ]
    if problemen:
        raise GebiedsplanError(
            f"Catalogusbestand {pad}: "
            + "; ".join(problemen)
            + " (verwacht: aantal of gemiddelde)."
        )
    bekend = {
        str(naam): {"weging": "aantal_inwoners", "label": str(naam), **spec}
        for naam, spec in data.items()
    }
    for code, categorie in load_catalogus().categorieen.items():
        naam = f"{VOORZIENINGEN}{code}"
        if not categorie.gevoelig and naam not in bekend:
            bekend[naam] = {
                "soort": "aantal",
                "weging": "aantal_inwoners",
                "label": f"Aantal: {categorie.label}",
                "categorie": code,
            }
    return bekend


def _indicator(indicator: str) -> dict[str, Any]:
    bekend = load_trendindicatoren()
    categorieen = load_catalogus().categorieen
    code = indicator.removeprefix(VOORZIENINGEN)
    if indicator.startswith(VOORZIENINGEN) and code in categorieen and categorieen[code].gevoelig:
        raise GebiedsplanError(
            f"Indicator '{indicator}' telt de categorie {categorieen[code].label}: die is "
            "gevoelig (gevoelig: true in lagen/catalogus/categorieen.yml) en komt om privacy "
            "nooit in gepubliceerde producten, ook niet als aantal per wijk of buurt. Kies een "
            "andere categorie."
        )
    if indicator not in bekend:
        raise GebiedsplanError(
            f"Indicator '{indicator}' is onbekend voor trends; kies uit {', '.join(bekend)} "
            f"of voeg hem met zijn soort (aantal of gemiddelde) toe aan "
            f"{settings.catalogus_dir / 'trend.yml'}."
        )
    return bekend[indicator]


def overgangsgewichten(
    oud: gpd.GeoDataFrame,
    nieuw: gpd.GeoDataFrame,
    vraagpunten: gpd.GeoDataFrame | None,
) -> pd.DataFrame:
    """How the residents of each old buurt spread over the new buurten.

    Parameters
    ----------
    oud
        Buurt polygons of the old indeling, indexed by their (old) buurtcode.
    nieuw
        Buurt polygons of the newest indeling (``gemeente.buurten``), indexed by buurtcode.
    vraagpunten
        Demand points with ``inwoners`` and their new ``buurtcode``; None: by area only.

    Returns
    -------
    pandas.DataFrame
        One row per (old, new) pair that shares residents (or area): ``oud``, ``nieuw``,
        ``gewicht`` (residents, points or m²), ``aandeel`` (of the old buurt's weight, sums to 1
        per old buurt) and ``methode`` (``ongewijzigd``, ``adresgewogen``,
        ``oppervlaktegewogen``).

    Examples
    --------
    >>> import gebiedsplan as gp
    >>> g = gp.demo_gemeente()
    >>> oud = g.buurten_indeling.set_index("buurtcode")
    >>> w = overgangsgewichten(oud, g.buurten, g.vraagpunten)
    >>> w[w["oud"] == "BU99990190"][["nieuw", "methode"]].values.tolist()
    [['BU99990101', 'adresgewogen'], ['BU99990102', 'adresgewogen']]
    """
    if oud.crs != nieuw.crs:
        raise GebiedsplanError(
            f"Oude buurtgrenzen ({oud.crs}) en huidige buurten ({nieuw.crs}) hebben een ander "
            "CRS; zet beide om met to_crs(28992)."
        )
    paren = pd.DataFrame(columns=["oud", "nieuw", "gewicht", "methode"])
    zonder_punten = list(oud.index)
    if vraagpunten is not None and len(vraagpunten):
        punten = gpd.sjoin(
            vraagpunten[["inwoners", "buurtcode", "geometry"]].to_crs(oud.crs),
            gpd.GeoDataFrame(
                {"oud": oud.index.astype(str)}, geometry=oud.geometry.values, crs=oud.crs
            ),
            how="inner",
            predicate="within",
        )
        punten = punten[~punten.index.duplicated()]
        buiten = len(vraagpunten) - len(punten)
        if buiten:
            log.info("%d vraagpunten liggen in geen enkele oude buurt; niet meegewogen", buiten)
        per_paar = punten.groupby(["oud", "buurtcode"]).agg(
            inwoners=("inwoners", "sum"), punten=("inwoners", "size")
        )
        inwoners_oud = per_paar["inwoners"].groupby(level="oud").transform("sum")
        per_paar["gewicht"] = per_paar["inwoners"].where(inwoners_oud > 0, per_paar["punten"])
        paren = per_paar.reset_index().rename(columns={"buurtcode": "nieuw"})[
            ["oud", "nieuw", "gewicht"]
        ]
        paren["methode"] = "adresgewogen"
        zonder_punten = [code for code in oud.index if code not in set(paren["oud"])]
    if zonder_punten:
        log.info("Oude buurten zonder vraagpunten, naar oppervlakte: %s", ", ".join(zonder_punten))
        stukken = gpd.overlay(
            gpd.GeoDataFrame(
                {"oud": [str(c) for c in zonder_punten]},
                geometry=oud.loc[zonder_punten].geometry.values,
                crs=oud.crs,
            ),
            gpd.GeoDataFrame(
                {"nieuw": nieuw.index.astype(str)}, geometry=nieuw.geometry.values, crs=nieuw.crs
            ),
            how="intersection",
            keep_geom_type=True,
        )
        stukken["gewicht"] = stukken.area
        stukken = stukken[stukken["gewicht"] > 1.0]  # a shared edge is no overlap
        vlak = stukken.groupby(["oud", "nieuw"], as_index=False)["gewicht"].sum()
        vlak["methode"] = "oppervlaktegewogen"
        paren = pd.concat([paren, vlak], ignore_index=True) if len(paren) else vlak
    paren["gewicht"] = paren["gewicht"].astype(float)
    paren["aandeel"] = paren["gewicht"] / paren.groupby("oud")["gewicht"].transform("sum")
    enkel = paren.groupby("oud")["nieuw"].transform("size") == 1
    paren.loc[enkel & (paren["oud"] == paren["nieuw"]), "methode"] = "ongewijzigd"
    return paren[["oud", "nieuw", "gewicht", "aandeel", "methode"]].reset_index(drop=True)


def verdeel(waarden: pd.Series, gewichten: pd.DataFrame, *, soort: Soort) -> pd.DataFrame:
    """Carry the figures of old buurten to the new ones.

    Parameters
    ----------
    waarden
        One figure per old buurt (index: old buurtcode); missing stays missing.
    gewichten
        :func:`overgangsgewichten`.
    soort
        ``aantal``: split by ``aandeel`` (sums are kept exactly); ``gemiddelde``: the average
        of the old buurten a new buurt overlaps, weighted by ``gewicht``.

    Returns
    -------
    pandas.DataFrame
        Indexed by new buurtcode: ``waarde``, ``geschat`` (bool) and ``methode``.

    Examples
    --------
    >>> import pandas as pd
    >>> w = pd.DataFrame({"oud": ["A", "A", "B"], "nieuw": ["X", "Y", "Y"],
    ...     "gewicht": [100.0, 300.0, 600.0], "aandeel": [0.25, 0.75, 1.0],
    ...     "methode": ["adresgewogen"] * 3})
    >>> verdeel(pd.Series({"A": 400.0, "B": 50.0}), w, soort="aantal")["waarde"].tolist()
    [100.0, 350.0]
    >>> verdeel(pd.Series({"A": 10.0, "B": 40.0}), w, soort="gemiddelde")["waarde"].tolist()
    [10.0, 30.0]
    """
    paren = gewichten[gewichten["oud"].isin(waarden.index)].copy()
    paren["waarde"] = paren["oud"].map(waarden).astype(float)
    per_nieuw = paren.groupby("nieuw")
    if soort == "aantal":
        waarde = (paren["waarde"] * paren["aandeel"]).groupby(paren["nieuw"]).sum()
    else:
        waarde = (paren["waarde"] * paren["gewicht"]).groupby(paren["nieuw"]).sum() / per_nieuw[
            "gewicht"
        ].sum().replace(0.0, np.nan)
    waarde = waarde.where(~per_nieuw["waarde"].apply(lambda s: s.isna().any()))

    def _methode(m: pd.Series) -> str:
        if (m == "ongewijzigd").all():
            return "ongewijzigd"
        return "oppervlaktegewogen" if (m == "oppervlaktegewogen").any() else "adresgewogen"

    methode = per_nieuw["methode"].agg(_methode)
    out = pd.DataFrame({"waarde": waarde, "methode": methode})
    out["geschat"] = out["methode"] != "ongewijzigd"
    out.index.name = "buurtcode"
    return out[["waarde", "geschat", "methode"]]


def _kerncijfers(gemeente: Gemeente) -> pd.DataFrame:
    if gemeente.kerncijfers_jaren is None or gemeente.kerncijfers_jaren.empty:
        raise GebiedsplanError(
            f"Gemeente {gemeente.code} heeft geen laag kerncijfers_jaren (kerncijfers van meer "
            "jaren); importeer die eerst (de demo heeft ze: 'gebiedsplan demo')."
        )
    return gemeente.kerncijfers_jaren


def herindeel(gemeente: Gemeente, indicatoren: Iterable[str]) -> pd.DataFrame:
    """The figures of every year of ``kerncijfers_jaren``, carried to the newest buurten.

    Parameters
    ----------
    gemeente
        With the layers ``kerncijfers_jaren`` and, for every older indeling,
        ``buurten_indeling``; ``vraagpunten`` weigh the carrying.
    indicatoren
        Indicators of ``lagen/catalogus/trend.yml``.

    Returns
    -------
    pandas.DataFrame
        Long: ``jaar``, ``buurtcode`` (newest indeling), ``indicator``, ``waarde``,
        ``geschat``, ``methode``, ``indeling`` (of the figure it was carried from).

    Raises
    ------
    GebiedsplanError
        Without kerncijfers_jaren; for an indeling whose codes are not current buurten and
        that has no polygons in buurten_indeling; for an unknown indicator.

    Examples
    --------
    >>> import gebiedsplan as gp
    >>> lang = herindeel(gp.demo_gemeente(), ["aantal_inwoners"])
    >>> sorted(lang[lang["geschat"]]["jaar"].unique().tolist())
    [2019, 2020, 2021]
    """
    indicatoren = list(dict.fromkeys(indicatoren))
    for indicator in indicatoren:
        _indicator(indicator)
    alle = _kerncijfers(gemeente)
    kern = alle[alle["indicator"].isin(indicatoren)]
    if kern.empty:
        raise GebiedsplanError(
            f"Laag kerncijfers_jaren van {gemeente.code} heeft geen cijfers voor "
            f"{', '.join(indicatoren)}; aanwezig: {', '.join(sorted(set(alle['indicator'])))}."
        )
    oude_vlakken = gemeente.buurten_indeling
    delen: list[pd.DataFrame] = []
    for sleutel, rijen in kern.groupby("indeling"):
        indeling = int(str(sleutel))
        codes = set(rijen["buurtcode"])
        if oude_vlakken is not None and indeling in set(oude_vlakken["indeling"].astype(int)):
            oud = oude_vlakken[oude_vlakken["indeling"] == indeling].set_index("buurtcode")
            onbekend = sorted(codes - set(oud.index))
            if onbekend:
                raise GebiedsplanError(
                    f"Laag kerncijfers_jaren: buurtcodes {', '.join(onbekend[:10])} van indeling "
                    f"{indeling} staan niet in laag buurten_indeling (indeling {indeling}); "
                    "importeer de buurtgrenzen van die indeling opnieuw."
                )
            gewichten = overgangsgewichten(oud, gemeente.buurten, gemeente.vraagpunten)
        else:
            onbekend = sorted(codes - set(gemeente.buurten.index))
            if onbekend:
                raise GebiedsplanError(
                    f"Laag kerncijfers_jaren: buurtcodes {', '.join(onbekend[:10])} van indeling "
                    f"{indeling} staan niet in laag buurten en laag buurten_indeling heeft geen "
                    f"grenzen van indeling {indeling}; importeer die buurtgrenzen "
                    "(buurten_indeling) om de cijfers naar de huidige buurten te brengen."
                )
            gewichten = pd.DataFrame(
                {"oud": sorted(codes), "nieuw": sorted(codes), "gewicht": 1.0, "aandeel": 1.0}
            ).assign(methode="ongewijzigd")
        for (jaar, naam), groep in rijen.groupby(["jaar", "indicator"]):
            soort = load_trendindicatoren()[str(naam)]["soort"]
            waarden = groep.set_index("buurtcode")["waarde"].astype(float)
            deel = verdeel(waarden, gewichten, soort=soort).reset_index()
            delen.append(deel.assign(jaar=int(str(jaar)), indicator=str(naam), indeling=indeling))
    lang = pd.concat(delen, ignore_index=True)
    dubbel = lang.duplicated(["jaar", "buurtcode", "indicator"])
    if dubbel.any():
        rij = lang[dubbel].iloc[0]
        raise GebiedsplanError(
            f"Laag kerncijfers_jaren: jaar {rij['jaar']} heeft cijfers in meer dan één indeling "
            f"(bv. {rij['indicator']} van {rij['buurtcode']}); houd per jaar één indeling."
        )
    kolommen = ["jaar", "buurtcode", "indicator", "waarde", "geschat", "methode", "indeling"]
    return lang[kolommen].sort_values(["indicator", "jaar", "buurtcode"]).reset_index(drop=True)


def tel_voorzieningen(gemeente: Gemeente, categorie: str) -> pd.DataFrame:
    """The facilities of a category per current buurt and snapshot year (layer
    ``voorzieningen_jaren``).

    The points lie in today's buurten, so nothing is carried: a point counts in the buurt it
    intersects (once, also on a shared edge); points outside the gemeente (the border buffer)
    do not count. Every year with a snapshot is a year of the count, and a buurt without a
    point of the category that year has 0 (a snapshot is complete for the gemeente); a year
    without a snapshot is no year of it.

    Returns
    -------
    pandas.DataFrame
        Long like :func:`herindeel`: ``jaar``, ``buurtcode``, ``indicator``
        (``voorzieningen_<categorie>``), ``waarde``, ``geschat`` (False), ``methode``
        (``ongewijzigd``), ``indeling`` (the year).

    Raises
    ------
    GebiedsplanError
        Without snapshots, for a category the catalogue does not know, or a sensitive one.

    Examples
    --------
    >>> import gebiedsplan as gp
    >>> lang = tel_voorzieningen(gp.demo_gemeente(), "huisarts")
    >>> lang.groupby("jaar")["waarde"].sum().to_dict()
    {2022: 10.0, 2024: 9.0}
    """
    _indicator(f"{VOORZIENINGEN}{categorie}")
    lagen = gemeente.voorzieningen_jaren
    if lagen is None or lagen.empty:
        raise GebiedsplanError(
            f"Gemeente {gemeente.code} heeft geen momentopnamen van voorzieningen (laag "
            "voorzieningen_jaren); maak er een per jaar met 'gebiedsplan momentopname' of "
            "importeer de voorzieningen van een ouder jaar (gebiedsplan importeer --jaar ...)."
        )
    buurten = gemeente.buurten
    if lagen.crs != buurten.crs:
        raise GebiedsplanError(
            f"Laag voorzieningen_jaren ({lagen.crs}) en laag buurten ({buurten.crs}) hebben een "
            "ander CRS; zet beide om met to_crs(28992)."
        )
    jaren = sorted(int(j) for j in lagen["jaar"].unique())
    punten = lagen[lagen["categorie"] == categorie]
    vlakken = gpd.GeoDataFrame(
        {"buurtcode": buurten.index.astype(str)}, geometry=buurten.geometry.values, crs=buurten.crs
    )
    binnen = gpd.sjoin(punten[["jaar", "geometry"]], vlakken, how="inner", predicate="intersects")
    binnen = binnen[~binnen.index.duplicated()]
    telling = (
        binnen.groupby(["buurtcode", "jaar"])
        .size()
        .unstack(fill_value=0)
        .reindex(index=vlakken["buurtcode"], columns=jaren, fill_value=0)
    )
    telling.index.name, telling.columns.name = "buurtcode", "jaar"
    lang = telling.stack().rename("waarde").reset_index()
    lang["jaar"] = lang["jaar"].astype(int)
    lang["waarde"] = lang["waarde"].astype(float)
    return lang.assign(
        indicator=f"{VOORZIENINGEN}{categorie}",
        geschat=False,
        methode="ongewijzigd",
        indeling=lang["jaar"],
    )[["jaar", "buurtcode", "indicator", "waarde", "geschat", "methode", "indeling"]]


def _richting(pct: float, *, drempel_pct: float) -> str:
    if pd.isna(pct):
        return "onbekend"
    if abs(pct) < drempel_pct:
        return "gelijk"
    return "stijgt" if pct > 0 else "daalt"


def _check_sinds(
    sinds: Any, jaren: Iterable[Any], *, indicator: str, laag: str = "kerncijfers_jaren"
) -> int:
    """``sinds`` as a year of ``jaren`` before the last; else a Dutch error listing them."""
    bekend = sorted({int(j) for j in jaren})
    try:
        jaar = int(sinds)
    except (TypeError, ValueError):
        jaar = None
    if jaar is not None and jaar in bekend[:-1]:
        return jaar
    alle = ", ".join(str(j) for j in bekend) or "geen"
    if len(bekend) < 2:
        raise GebiedsplanError(
            f"Beginjaar {sinds} (--sinds): de cijfers van {indicator} in laag {laag} "
            f"hebben {'maar één jaar' if bekend else 'geen jaren'} ({alle}); een verandering "
            "vraagt minstens twee jaren: importeer een ouder jaar (gebiedsplan importeer)."
        )
    eerder = ", ".join(str(j) for j in bekend[:-1])
    if jaar == bekend[-1]:
        raise GebiedsplanError(
            f"Beginjaar {sinds} (--sinds) is het laatste jaar van de cijfers van {indicator}; "
            f"de verandering loopt tot {bekend[-1]}: kies een eerder jaar ({eerder})."
        )
    raise GebiedsplanError(
        f"Beginjaar {sinds} (--sinds) bestaat niet in de cijfers van {indicator} (laag "
        f"{laag} heeft {alle}); kies een van {eerder}, of importeer de cijfers van "
        "dat jaar."
    )


def _per_wijk(
    waarde: pd.DataFrame,
    gewicht: pd.DataFrame | None,
    wijk_van: pd.Series,
    *,
    weglaten: pd.Index | None = None,
) -> pd.DataFrame:
    """Buurten x jaren to wijken x jaren: a sum (gewicht None) or a weighted average; missing
    when any buurt of the wijk misses the figure. The buurten in ``weglaten`` (too small to
    publish) do not take part in an average, so it cannot be used to work out their value."""
    wijkcodes = wijk_van.reindex(waarde.index)
    if gewicht is not None and weglaten is not None and len(weglaten):
        houd = ~waarde.index.isin(weglaten)
        waarde, gewicht, wijkcodes = (
            waarde[houd],
            gewicht.reindex(waarde.index)[houd],
            wijkcodes[houd],
        )
    ontbreekt = waarde.isna().groupby(wijkcodes).any()
    if gewicht is None:
        som = waarde.groupby(wijkcodes).sum()
    else:
        gewicht = gewicht.reindex_like(waarde)
        ontbreekt |= gewicht.isna().groupby(wijkcodes).any()
        som = (waarde * gewicht).groupby(wijkcodes).sum() / gewicht.groupby(wijkcodes).sum()
    return som.mask(ontbreekt)


def is_gezondheid(indicator: str) -> bool:
    """Whether an indicator is a health figure (``gezondheid: true`` in trend.yml): published
    only for areas with enough residents (the publishing profile's minimum).

    Examples
    --------
    >>> is_gezondheid("eenzaam_65plus"), is_gezondheid("aantal_inwoners")
    (True, False)
    """
    return bool(_indicator(indicator).get("gezondheid", False))


def _weging_per_jaar(
    weging: pd.DataFrame, jaren: Sequence[int]
) -> tuple[pd.DataFrame, dict[int, int]]:
    """The weights (buurten x jaren) of every year of the indicator: that year's, else the
    nearest year with weights (the later one on a tie); and which year was used for which."""
    breed = weging.pivot(index="buurtcode", columns="jaar", values="waarde")
    beschikbaar = sorted(int(j) for j in breed.columns)
    gebruikt = {
        jaar: jaar if jaar in beschikbaar else min(beschikbaar, key=lambda j: (abs(j - jaar), -j))
        for jaar in jaren
    }
    uit = pd.DataFrame({jaar: breed[gebruikt[jaar]] for jaar in jaren}, index=breed.index)
    return uit, gebruikt


def compute_trend(
    gemeente: Gemeente,
    indicator: str,
    *,
    niveau: Literal["wijk", "buurt"] = "wijk",
    wijken: Sequence[str] | None = None,
    sinds: int | None = None,
    drempel_pct: float = DREMPEL_GELIJK_PCT,
    min_inwoners: int | None = None,
) -> pd.DataFrame:
    """The trend of one indicator per wijk or buurt, every year in the newest indeling.

    Parameters
    ----------
    gemeente
        With ``kerncijfers_jaren`` (see :func:`herindeel`).
    indicator
        An indicator of ``lagen/catalogus/trend.yml`` (``aantal_inwoners``, ...).
    niveau
        ``wijk`` or ``buurt``.
    wijken
        Only these wijken (wijkcode or wijknaam); default all.
    sinds
        The year the change is measured from: ``verandering`` is the last year minus this
        one; default the first year. It must be a year of ``kerncijfers_jaren`` before the
        last.
    drempel_pct
        A change below this percentage of the ``sinds`` year is ``gelijk``.
    min_inwoners
        For publication (health figures, :func:`is_gezondheid`: the publishing profile's
        minimum): a buurt with fewer residents (of the indicator's population, its ``weging``:
        the 65+ for a 65+ figure; as the layer buurten gives them) or an unknown number has no
        value, is left out of its wijk's average, and a wijk whose remaining buurten have
        fewer residents has no value either; ``attrs["onderdrukt"]`` lists the areas.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``wijkcode`` or ``buurtcode``: ``naam``, one column per year (``"2019"``,
        ...; always all years), ``verandering`` (last year minus ``sinds``),
        ``verandering_pct`` (of the ``sinds`` year), ``richting`` (``stijgt``, ``daalt``,
        ``gelijk``, ``onbekend`` without both figures) and ``herschat_jaren`` (the years whose
        figure was carried from an older indeling, comma separated; empty when none).
        ``attrs`` holds ``indicator``, ``label``, ``soort``, ``niveau``, ``jaren`` (the years
        with figures of the indicator), ``sinds`` (the year of the change, as text like
        ``jaren``), ``drempel_pct``, ``herschat`` (a bool frame areas x years),
        ``weging_jaren`` (for an average per wijk: ``{jaar: year of the weights}``, a year
        without its own weights takes the nearest), ``onderdrukt`` (areas without a value
        because they are too small, with ``min_inwoners``) and ``weggelaten`` (at wijk level:
        the small buurten left out of the averages) and ``zonder_cijfer`` (at wijk level:
        ``{buurtcode: wijkcode}`` of the buurten without a figure in some year, which leave
        their wijk without one that year: missing, never a partial sum). With one year only, the change
        columns are empty and ``richting`` is ``onbekend``.

    Raises
    ------
    GebiedsplanError
        For an unknown indicator, niveau or wijk, a ``sinds`` that is no year of the figures
        (the message lists them) or is the last year, and the cases of :func:`herindeel`.

    Examples
    --------
    >>> import gebiedsplan as gp
    >>> t = compute_trend(gp.demo_gemeente(), "aantal_inwoners")
    >>> t.loc["WK999901", "herschat_jaren"]
    '2019, 2020, 2021'
    >>> t.loc["WK999902", "herschat_jaren"]
    ''
    >>> t.loc["WK999901", "richting"]
    'stijgt'
    >>> t2 = compute_trend(gp.demo_gemeente(), "aantal_inwoners", sinds=2022)
    >>> t2.attrs["sinds"], bool(t2.loc["WK999902", "verandering"] == t2.loc["WK999902", "2024"]
    ...     - t2.loc["WK999902", "2022"])
    ('2022', True)
    """
    if niveau not in ("wijk", "buurt"):
        raise GebiedsplanError(
            f"Niveau '{niveau}' bestaat niet voor een trend; kies wijk of buurt."
        )
    spec = _indicator(indicator)
    bron_laag = "voorzieningen_jaren" if "categorie" in spec else "kerncijfers_jaren"
    if "categorie" in spec:  # facilities: counted in today's buurten, nothing carried
        lang = tel_voorzieningen(gemeente, spec["categorie"])
        if sinds is not None:
            _check_sinds(sinds, lang["jaar"], indicator=indicator, laag=bron_laag)
    else:
        if sinds is not None:  # before the carrying: a typing error costs nothing
            kern = _kerncijfers(gemeente)
            _check_sinds(
                sinds, kern.loc[kern["indicator"] == indicator, "jaar"], indicator=indicator
            )
        nodig = [indicator] + ([spec["weging"]] if spec["soort"] == "gemiddelde" else [])
        lang = herindeel(gemeente, nodig)
    eigen = lang[lang["indicator"] == indicator]
    jaren = sorted(int(j) for j in eigen["jaar"].unique())
    if eigen.empty:  # only the weging has figures
        raise GebiedsplanError(
            f"Laag kerncijfers_jaren van {gemeente.code} heeft geen cijfers voor {indicator}; "
            f"aanwezig: {', '.join(sorted(set(_kerncijfers(gemeente)['indicator'])))}. "
            "Importeer ze eerst (gebiedsplan importeer)."
        )
    waarde = eigen.pivot(index="buurtcode", columns="jaar", values="waarde").reindex(columns=jaren)
    geschat = (
        eigen.pivot(index="buurtcode", columns="jaar", values="geschat")
        .reindex(columns=jaren)
        .fillna(False)
        .astype(bool)
    )
    buurten = gemeente.buurten
    # residents for the publishing minimum: the indicator's own population (65+ residents for
    # a 65+ figure, the publishing profile's rule), as the layer buurten gives it now
    populatie = spec["weging"] if spec["weging"] in buurten.columns else "aantal_inwoners"
    inwoners = pd.to_numeric(buurten[populatie], errors="coerce")
    klein = (
        inwoners.index[~(inwoners >= min_inwoners)] if min_inwoners is not None else pd.Index([])
    )
    onderdrukt: list[str] = []
    zonder_cijfer: dict[str, str] = {}
    weging_jaren: dict[int, int] = {}
    if niveau == "buurt":
        tabel = waarde
        if len(klein):
            onderdrukt = sorted(set(map(str, tabel.index)) & set(map(str, klein)))
            tabel = tabel.astype(float)
            tabel.loc[tabel.index.isin(klein), :] = np.nan
        herschat = geschat
        namen = buurten["buurtnaam"].reindex(tabel.index)
        gebied = buurten["wijkcode"].reindex(tabel.index)
    else:
        wijk_van = buurten["wijkcode"]
        gewicht = None
        if spec["soort"] == "gemiddelde":
            weging = lang[lang["indicator"] == spec["weging"]]
            if weging.empty:
                raise GebiedsplanError(
                    f"Voor het wijkgemiddelde van {indicator} zijn de cijfers van "
                    f"{spec['weging']} nodig (trend.yml, weging); die ontbreken in kerncijfers_jaren."
                )
            gewicht, weging_jaren = _weging_per_jaar(weging, jaren)
        tabel = _per_wijk(
            waarde, gewicht, wijk_van, weglaten=klein if gewicht is not None else None
        )
        # buurten whose missing figure leaves their wijk without one (CBS keeps it secret)
        zonder = waarde.index[waarde.isna().any(axis=1)]
        zonder_cijfer = {
            str(b): str(w) for b, w in wijk_van.reindex(zonder).items() if b not in set(klein)
        }
        if min_inwoners is not None:
            rest = inwoners.drop(index=klein, errors="ignore").groupby(wijk_van).sum()
            te_klein = tabel.index[~(rest.reindex(tabel.index).fillna(0) >= min_inwoners)]
            onderdrukt = sorted(map(str, te_klein))
            tabel = tabel.astype(float)
            tabel.loc[tabel.index.isin(te_klein), :] = np.nan
        herschat = geschat.groupby(wijk_van.reindex(geschat.index)).any()
        tabel.index.name = herschat.index.name = "wijkcode"
        namen = gemeente.wijken["wijknaam"].reindex(tabel.index)
        gebied = pd.Series(tabel.index, index=tabel.index)
    if wijken:
        kies = {w for w in wijken}
        wijknamen = gemeente.wijken["wijknaam"]
        onbekend = sorted(k for k in kies if k not in wijknamen.index and k not in set(wijknamen))
        if onbekend:
            raise GebiedsplanError(
                f"Wijk {', '.join(onbekend)} bestaat niet in {gemeente.titel}; kies uit "
                f"{', '.join(f'{c} ({n})' for c, n in wijknamen.items())}."
            )
        codes = {c for c, n in wijknamen.items() if c in kies or n in kies}
        houd = gebied.isin(codes)
        tabel, herschat, namen = tabel[houd.values], herschat[houd.values], namen[houd.values]
    onderdrukt = [c for c in onderdrukt if c in set(map(str, tabel.index))]
    weggelaten = (
        sorted(map(str, klein[wijk_van.reindex(klein).isin(set(gebied)).to_numpy()]))
        if niveau == "wijk" and len(klein)
        else []
    )
    begin = (
        jaren[0]
        if sinds is None
        else _check_sinds(sinds, jaren, indicator=indicator, laag=bron_laag)
    )
    eerste, laatste = tabel[begin], tabel[jaren[-1]]
    out = pd.DataFrame({"naam": namen}, index=tabel.index)
    for jaar in jaren:
        out[str(jaar)] = tabel[jaar]
    # one year is no change: empty, never 0 ("gelijk")
    out["verandering"] = laatste - eerste if len(jaren) > 1 else np.nan
    out["verandering_pct"] = (out["verandering"] / eerste.replace(0.0, np.nan) * 100).round(1)
    out["richting"] = [_richting(p, drempel_pct=drempel_pct) for p in out["verandering_pct"]]
    if "categorie" in spec:  # a count of facilities from 0: no percentage, but a direction
        nul = (eerste == 0) & out["verandering"].notna()
        out.loc[nul, "richting"] = [
            "gelijk" if v == 0 else ("stijgt" if v > 0 else "daalt")
            for v in out.loc[nul, "verandering"]
        ]
    out["herschat_jaren"] = [
        ", ".join(str(j) for j in jaren if rij[j]) for _, rij in herschat.iterrows()
    ]
    herschat.columns = [str(j) for j in herschat.columns]
    out.attrs.update(
        indicator=indicator,
        label=spec["label"],
        soort=spec["soort"],
        niveau=niveau,
        jaren=[str(j) for j in jaren],
        sinds=str(begin),
        drempel_pct=drempel_pct,
        herschat=herschat,
        weging_jaren={str(j): str(w) for j, w in weging_jaren.items()},
        onderdrukt=onderdrukt,
        weggelaten=weggelaten,
        zonder_cijfer=zonder_cijfer if niveau == "wijk" else {},
        min_inwoners=min_inwoners,
        laag=bron_laag,
    )
    return out


def rapport_trends(
    gemeente: Gemeente,
    gebied: str,
    *,
    indicatoren: Sequence[str] | None = None,
) -> dict[str, pd.DataFrame]:
    """The trends the gebiedsplan report draws: per indicator :func:`compute_trend` of the
    wijken the gebied lies in.

    Parameters
    ----------
    gemeente
        The loaded gemeente; without ``kerncijfers_jaren`` the result is empty.
    gebied
        Name of a gebied of the gemeente file (``gemeente.gebieden``); its wijken are the wijken
        of its buurten (a wijk counts whole, also when the gebied holds part of it).
    indicatoren
        Indicators of ``lagen/catalogus/trend.yml``; default its list ``rapport``. Those
        without figures in ``kerncijfers_jaren`` (or without the figures of their ``weging``)
        are skipped.

    Returns
    -------
    dict of str to pandas.DataFrame
        ``{indicator: trend table}`` in the order asked; empty without ``kerncijfers_jaren``.
        A table may hold one year only (the report then draws no line).

    Raises
    ------
    GebiedsplanError
        An unknown gebied or indicator.

    Examples
    --------
    >>> import gebiedsplan as gp
    >>> trends = rapport_trends(gp.demo_gemeente(), "Pilot Noord")
    >>> list(trends)
    ['aantal_inwoners', 'inwoners_65_jaar_en_ouder', 'aantal_huishoudens', 'gemiddeld_inkomen_per_inwoner']
    >>> trends["aantal_inwoners"].loc["WK999901", "herschat_jaren"]
    '2019, 2020, 2021'
    """
    gekozen = gemeente.gebieden.get(gebied)
    if gekozen is None:
        raise GebiedsplanError(
            f"Gebied '{gebied}' staat niet in het gemeentebestand "
            f"{gemeente.bestand or gemeente.code}; bekend: {', '.join(gemeente.gebieden) or 'geen'}."
        )
    if indicatoren is None:
        lijst = (read_yaml(settings.catalogus_dir / "trend.yml") or {}).get("rapport") or []
        indicatoren = [str(i) for i in lijst]
    specs = {indicator: _indicator(indicator) for indicator in indicatoren}
    kern = gemeente.kerncijfers_jaren
    if kern is None or kern.empty:
        return {}
    aanwezig = set(kern["indicator"].astype(str))
    wijkcodes = gemeente.buurten["wijkcode"].reindex(list(gekozen.buurten)).dropna()
    wijken = list(dict.fromkeys(str(w) for w in wijkcodes))
    trends: dict[str, pd.DataFrame] = {}
    for indicator, spec in specs.items():
        nodig = {indicator} | ({spec["weging"]} if spec["soort"] == "gemiddelde" else set())
        if not nodig <= aanwezig:
            log.info("Trend %s overgeslagen: niet in kerncijfers_jaren", indicator)
            continue
        trends[indicator] = compute_trend(gemeente, indicator, niveau="wijk", wijken=wijken)
    return trends
