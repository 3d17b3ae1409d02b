"""Equity measures by hand, against brute force, and per wijk on the demo."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gebiedsplan.analyse.bereikbaarheid import aggregate_bereikbaarheid
from gebiedsplan.analyse.gelijkheid import compute_gelijkheid, gini, lorenz, palma
from gebiedsplan.catalogus import Norm
from gebiedsplan.errors import GebiedsplanError


def test_gini_by_hand():
    assert gini(np.array([0.0, 100.0]), np.ones(2)) == pytest.approx(0.5)
    # weights are residents: [1, 2] with weights [2, 1] is [1, 1, 2]: sum|xi - xj| = 4,
    # mean 4/3, G = 4 / (2 * 9 * 4/3) = 1/6
    assert gini(np.array([1.0, 2.0]), np.array([2.0, 1.0])) == pytest.approx(1 / 6)
    assert gini(np.array([5.0, 5.0, 5.0]), np.array([1.0, 7.0, 2.0])) == 0.0
    assert np.isnan(gini(np.array([np.nan]), np.array([3.0])))  # nobody reachable
    with pytest.raises(GebiedsplanError):
        gini(np.array([-1.0]), np.array([1.0]))


def test_palma_by_hand_with_split_points():
    # two residents at 1 and 3 km: L(0.4) = 0.4/0.5 * 0.25 = 0.2, L(0.9) = 0.25 + 0.8 * 0.75
    # = 0.85, so (1 - 0.85) / 0.2 = 0.75
    assert palma(np.array([1.0, 3.0]), np.ones(2)) == pytest.approx(0.75)
    assert lorenz(np.array([1.0, 3.0]), np.ones(2), np.array([0.4, 0.9])) == pytest.approx(
        [0.2, 0.85]
    )
    # the nearest 40% travel 0 m: infinite, said explicitly
    assert palma(np.array([0.0, 0.0, 0.0, 0.0, 0.0, 10.0]), np.ones(6)) == np.inf
    assert np.isnan(palma(np.array([0.0, 0.0]), np.ones(2)))


@settings(max_examples=60, deadline=None, database=None)
@given(st.lists(st.tuples(st.integers(0, 3000), st.integers(1, 6)), min_size=1, max_size=12))
def test_weighted_measures_equal_residents_one_by_one(paren):
    x = np.array([p[0] for p in paren], dtype=float)
    w = np.array([p[1] for p in paren], dtype=float)
    los = np.repeat(x, w.astype(int))  # every resident a row of its own
    if los.mean() == 0:
        assert np.isnan(gini(x, w))
        return
    brute = np.abs(los[:, None] - los[None, :]).sum() / (2 * len(los) ** 2 * los.mean())
    assert gini(x, w) == pytest.approx(brute, abs=1e-12)
    # Palma by brute force where 40% and 90% fall on whole residents
    if len(los) % 10 == 0:
        s = np.sort(los)
        n = len(s)
        laag, hoog = s[: 4 * n // 10].sum(), s[9 * n // 10 :].sum()
        verwacht = np.inf if laag == 0 else hoog / laag
        assert palma(x, w) == pytest.approx(verwacht, rel=1e-9)


def test_compute_gelijkheid_per_wijk():
    bereik = pd.DataFrame(
        {
            "afstand_huisarts_m": [100.0, 300.0, np.nan, 800.0, 800.0],
            "afstand_speelplek_m": [50.0, 50.0, 50.0, 50.0, 400.0],
        },
        index=pd.Index(list("abcde"), name="id"),
    )
    vraag = pd.DataFrame(
        {"inwoners": [1, 3, 2, 10, 5], "wijkcode": ["WK1", "WK1", "WK1", "WK2", "WK2"]},
        index=bereik.index,
    )
    normen = {
        "huisarts": Norm("huisarts", 300, 0.9, "t", "t"),
        "speelplek": Norm("speelplek", 300, 0.9, "t", "t"),
    }
    tabel = compute_gelijkheid(bereik, vraag, normen, groep="wijkcode")
    assert tabel.index.names == ["wijkcode", "categorie"]
    wk1 = tabel.loc[("WK1", "huisarts")]
    assert wk1["inwoners"] == 6 and wk1["inwoners_onbereikbaar"] == 2
    assert wk1["aandeel_binnen_norm"] == pytest.approx(4 / 6)  # the unreachable do not meet it
    # reachable residents: 1 at 100, 3 at 300: sum w w |dx| = 2*3*200 = 1200, W=4, mean 250
    assert wk1["gini_afstand"] == pytest.approx(1200 / (2 * 16 * 250))
    wk2 = tabel.loc[("WK2", "huisarts")]
    assert wk2["gini_afstand"] == 0.0 and wk2["aandeel_binnen_norm"] == 0.0
    sp = tabel.loc[("WK2", "speelplek")]
    assert sp["aandeel_binnen_norm"] == pytest.approx(10 / 15)
    # WK2 playgrounds: 10 at 50 m and 5 at 400 m (total 2500): L(0.4) = 6 * 50 / 2500,
    # the farthest 10% are 1.5 residents at 400 m
    assert sp["palma_afstand"] == pytest.approx((1.5 * 400 / 2500) / (300 / 2500))
    # residents the analysis could not reach (too far from the network) are left out of the
    # shares and inequality, never counted as not meeting the norm
    niet = bereik.assign(geanalyseerd=[True, True, False, True, True])
    wk1 = compute_gelijkheid(niet, vraag, normen, groep="wijkcode").loc[("WK1", "huisarts")]
    assert wk1["inwoners"] == 6 and wk1["inwoners_geanalyseerd"] == 4
    assert wk1["inwoners_onbereikbaar"] == 0 and wk1["aandeel_binnen_norm"] == 1.0
    assert wk1["gini_afstand"] == pytest.approx(1200 / (2 * 16 * 250))


def test_shares_agree_with_the_aggregation(analyse, gemeente):
    wijk = gemeente.vraagpunten["buurtcode"].map(gemeente.buurten["wijkcode"]).rename("wijkcode")
    eerlijk = compute_gelijkheid(analyse.bereik, gemeente.vraagpunten, gemeente.normen, groep=wijk)
    per_wijk = aggregate_bereikbaarheid(analyse.bereik, gemeente.vraagpunten, groep=wijk)
    pd.testing.assert_series_equal(
        eerlijk["aandeel_binnen_norm"], per_wijk["aandeel_binnen_norm"], check_names=False
    )
    assert eerlijk["gini_afstand"].between(0, 1).all()


def test_gini_palma_in_one_sort_equals_gini_and_palma():
    """The gap tables use gini_palma (one sort per area); it gives gini() and palma()."""
    from gebiedsplan.analyse.gelijkheid import gini_palma

    rng = np.random.default_rng(14)
    for _ in range(50):
        n = int(rng.integers(1, 40))
        x = rng.choice([0.0, 50.0, 120.0, 300.0, 1000.0], n) + rng.random(n) * rng.integers(0, 2)
        w = rng.integers(0, 6, n).astype(float)
        x[rng.random(n) < 0.1] = np.nan
        g, p = gini_palma(x, w)
        for got, ref in ((g, gini(x, w)), (p, palma(x, w))):
            if np.isnan(ref):
                assert np.isnan(got)
            else:
                assert got == pytest.approx(ref, rel=1e-12, abs=1e-15)
