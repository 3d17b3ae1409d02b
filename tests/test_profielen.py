"""Wijknetwerk profiles: weighted means by hand, ranking, and suppressed health values left out."""

from __future__ import annotations

import numpy as np
import pytest

from gebiedsplan.analyse.profielen import candidate_areas, compute_profielen


def test_profile_values_by_hand(gemeente, analyse):
    tabel = compute_profielen(gemeente, analyse=analyse)
    zuid = tabel.loc["Pilot Zuid"]
    codes = list(gemeente.gebieden["Pilot Zuid"].buurten)
    b = gemeente.buurten.loc[codes]
    assert zuid["inwoners"] == b["aantal_inwoners"].sum()
    assert zuid["aandeel_65_plus"] == pytest.approx(
        b["inwoners_65_jaar_en_ouder"].sum() / b["aantal_inwoners"].sum()
    )
    gez = gemeente.gezondheid
    eenzaam = gez[(gez["indicator"] == "eenzaam") & gez["code"].isin(codes)].set_index("code")
    verwacht = (eenzaam["waarde"] * b["aantal_inwoners"]).sum() / b["aantal_inwoners"].sum()
    assert zuid["eenzaam"] == pytest.approx(verwacht)
    # the social basis score is the mean share within the norm over its categories
    pb = analyse.per_buurt
    deel = pb[pb.index.get_level_values(0).isin(codes)]
    shares = []
    for cat in ("ontmoeting", "welzijn", "huisarts", "jeugd_en_gezin"):
        c = deel.xs(cat, level="categorie")
        shares.append(c["inwoners_binnen_norm"].sum() / c["inwoners"].sum())
    assert zuid["sociale_basis"] == pytest.approx(np.mean(shares))


def test_ranking_follows_the_index_and_suppressed_values_are_left_out(gemeente):
    wijken = compute_profielen(gemeente, gebieden=candidate_areas(gemeente, gebieden=False))
    assert list(wijken["rang"]) == list(range(1, 7))
    assert wijken["zorgvraag_index"].is_monotonic_decreasing
    # Oeverwijk (low income, by design of the demo) has the largest care volume proxy
    assert wijken.index[0] == "WK999904 Oeverwijk"
    haven = wijken.loc["WK999903 Havenkwartier"]
    # its industrial buurten have no health estimate: the mean rests on the residential buurt
    inwoners_wonen = gemeente.buurten.loc["BU99990301", "aantal_inwoners"]
    assert haven["inwoners_met_gezondheid"] == inwoners_wonen
    assert haven["inwoners"] > inwoners_wonen


def test_unknown_buurt_in_candidates_is_named(gemeente):
    with pytest.raises(ValueError, match="BU99999999"):
        compute_profielen(gemeente, gebieden={"X": ("BU99999999",)})
