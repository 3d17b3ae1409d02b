"""Wijknetwerk profiles: candidate areas ranked on care volume and social-basis presence.

For the choice of wijknetwerk (welzijn en zorg) pilots, every candidate area (a named gebied
of the gemeente file, or each wijk) gets a profile:

- ``inwoners`` and ``aandeel_65_plus`` from the buurten (CBS key figures);
- per health indicator of ``lagen/catalogus/profielen.yml`` the population-weighted mean over
  the area's buurten (18+, RIVM/GGD), leaving out buurten whose value is suppressed (the number of
  residents the mean rests on is kept in ``inwoners_met_gezondheid``);
- ``zorgvraag_index``: the mean of the proxies as z-scores over the candidate areas, each with
  its direction (a higher share of good health means less care volume);
- ``sociale_basis``: the mean share of residents within the norm over the social-basis
  categories, from an analysis (:func:`gebiedsplan.analyse.run.run_analyse`).

The ranking (``rang``) is by ``zorgvraag_index``, highest first. z-scores are relative to the
candidates compared: the index ranks areas, it is not an absolute measure.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from gebiedsplan.catalogus import profiel_config
from gebiedsplan.errors import GebiedsplanError
from gebiedsplan.gemeente import Gemeente


def candidate_areas(gemeente: Gemeente, *, gebieden: bool = True) -> dict[str, tuple[str, ...]]:
    """Candidate areas and their buurten: the named gebieden, or else every wijk."""
    if gebieden and gemeente.gebieden:
        return {naam: tuple(g.buurten) for naam, g in gemeente.gebieden.items()}
    buurten = gemeente.buurten
    return {
        f"{code} {naam}": tuple(buurten.index[buurten["wijkcode"] == code])
        for code, naam in gemeente.wijken["wijknaam"].items()
    }


def _gezondheid_per_buurt(gemeente: Gemeente, indicatoren: list[str]) -> pd.DataFrame:
    gez = gemeente.gezondheid
    if gez is None:
        return pd.DataFrame(index=gemeente.buurten.index, columns=indicatoren, dtype=float)
    rijen = gez[gez["code"].str.startswith("BU") & gez["indicator"].isin(indicatoren)]
    if "leeftijd" in rijen.columns:
        rijen = rijen[rijen["leeftijd"].fillna("18+") == "18+"]
    if not rijen.empty:
        rijen = rijen[rijen["jaar"] == rijen["jaar"].max()]
    tabel = rijen.pivot_table(index="code", columns="indicator", values="waarde", aggfunc="mean")
    return tabel.reindex(index=gemeente.buurten.index, columns=indicatoren)


def compute_profielen(
    gemeente: Gemeente,
    *,
    gebieden: Mapping[str, tuple[str, ...]] | None = None,
    analyse: Any | None = None,
) -> pd.DataFrame:
    """Profile and rank candidate areas for a wijknetwerk.

    Parameters
    ----------
    gemeente
        The gemeente (buurten with age bands; ``gezondheid`` layer for the health proxies).
    gebieden
        ``{name: buurtcodes}``; default :func:`candidate_areas` (the named gebieden).
    analyse
        A :class:`gebiedsplan.analyse.run.Analyse` of the gemeente for the ``sociale_basis`` score;
        without it that column is missing.

    Returns
    -------
    pandas.DataFrame
        One row per area, indexed by name, ranked by ``rang``.

    Examples
    --------
    >>> from gebiedsplan.importeren import demo_gemeente
    >>> profiel = compute_profielen(demo_gemeente())
    >>> list(profiel.index)
    ['Pilot Zuid', 'Havenkwartier', 'Pilot Noord']
    """
    config = profiel_config()
    proxies: Mapping[str, Mapping[str, Any]] = config["zorgvraag"]
    indicatoren = [p for p in proxies if p != "aandeel_65_plus"]
    gebieden = dict(gebieden) if gebieden is not None else candidate_areas(gemeente)
    buurten = gemeente.buurten
    onbekend = sorted({b for codes in gebieden.values() for b in codes} - set(buurten.index))
    if onbekend:
        raise GebiedsplanError(f"Onbekende buurt in de kandidaatgebieden: {', '.join(onbekend)}")
    gezondheid = _gezondheid_per_buurt(gemeente, indicatoren)
    inwoners = buurten["aantal_inwoners"].astype("Float64").astype(float)
    ouderen = (
        buurten["inwoners_65_jaar_en_ouder"].astype("Float64").astype(float)
        if "inwoners_65_jaar_en_ouder" in buurten.columns
        else pd.Series(np.nan, index=buurten.index)
    )
    rijen = []
    for naam, codes in gebieden.items():
        inw = inwoners.loc[list(codes)]
        rij: dict[str, Any] = {"gebied": naam, "buurten": len(codes), "inwoners": inw.sum()}
        met_ouderen = ouderen.loc[list(codes)].notna() & inw.notna()
        rij["aandeel_65_plus"] = (
            ouderen.loc[list(codes)][met_ouderen].sum() / inw[met_ouderen].sum()
            if met_ouderen.any() and inw[met_ouderen].sum() > 0
            else np.nan
        )
        for indicator in indicatoren:
            waarden = gezondheid.loc[list(codes), indicator]
            geldig = waarden.notna() & inw.notna()
            gewicht = inw[geldig].sum()
            rij[indicator] = (waarden[geldig] * inw[geldig]).sum() / gewicht if gewicht else np.nan
        geldig_alle = gezondheid.loc[list(codes)].notna().all(axis=1) & inw.notna()
        rij["inwoners_met_gezondheid"] = inw[geldig_alle].sum()
        rijen.append(rij)
    tabel = pd.DataFrame(rijen).set_index("gebied")
    z = pd.DataFrame(index=tabel.index)
    for proxy, spec in proxies.items():
        kolom = tabel[proxy].astype(float)
        spreiding = kolom.std(ddof=0)
        if kolom.notna().sum() >= 2 and spreiding > 0:
            z[proxy] = spec["richting"] * (kolom - kolom.mean()) / spreiding
    tabel["zorgvraag_index"] = z.mean(axis=1) if not z.empty else np.nan
    if analyse is not None:
        categorieen = [
            c
            for c in config["sociale_basis"]
            if c in set(analyse.per_buurt.index.get_level_values("categorie"))
        ]
        per_buurt = analyse.per_buurt
        scores = {}
        for naam, codes in gebieden.items():
            deel = per_buurt[per_buurt.index.get_level_values(0).isin(codes)]
            deel = deel[deel.index.get_level_values("categorie").isin(categorieen)]
            per_cat = deel.groupby(level="categorie")[["inwoners_binnen_norm", "inwoners"]].sum()
            aandeel = per_cat["inwoners_binnen_norm"] / per_cat["inwoners"].replace(0, np.nan)
            scores[naam] = aandeel.mean()
        tabel["sociale_basis"] = pd.Series(scores)
    tabel = tabel.sort_values("zorgvraag_index", ascending=False, na_position="last")
    tabel["rang"] = np.arange(1, len(tabel) + 1)
    return tabel
