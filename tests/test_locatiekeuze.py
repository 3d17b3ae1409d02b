"""Location choice: exact equals brute force, greedy never worse than the best single site."""

from __future__ import annotations

import itertools
from dataclasses import replace

import geopandas as gpd
import pandas as pd
import pytest
import shapely

import gebiedsplan.analyse.locatiekeuze as lk
from gebiedsplan.analyse.run import run_analyse
from gebiedsplan.bronnen import demo as demo_module


def _kandidaten(punten):
    return gpd.GeoDataFrame(
        {"naam": [f"kandidaat {i}" for i in range(len(punten))]},
        geometry=[shapely.Point(demo_module._rd(x, y)) for x, y in punten],
        index=pd.Index([f"k{i}" for i in range(len(punten))], name="id"),
        crs="EPSG:28992",
    )


# sketch coordinates: three in Oeverwijk (no meeting place), one in Beekdal, one in the river
# bank park, one near an existing buurthuis
KANDIDATEN = [(500, 1500), (1500, 700), (1000, 2000), (4500, 1800), (5200, 800), (1200, 4400)]


def _brute_force_gain(gemeente, kandidaten, keuze, basis_binnen):
    """Residents newly within the ontmoeting norm, by rerunning the whole analysis."""
    bestaand = gemeente.voorzieningen
    extra = gpd.GeoDataFrame(
        {"naam": kandidaten["naam"].iloc[list(keuze)], "categorie": "ontmoeting", "bron": "test"},
        geometry=kandidaten.geometry.iloc[list(keuze)],
        crs=bestaand.crs,
    )
    met = pd.concat([bestaand, extra])
    na = run_analyse(replace(gemeente, voorzieningen=met), categorieen=["ontmoeting"])
    return na.hiaten["inwoners"].sum() - na.hiaten["inwoners_buiten_norm"].sum() - basis_binnen


@pytest.fixture(scope="module")
def basis(gemeente):
    a = run_analyse(gemeente, categorieen=["ontmoeting"])
    return a.hiaten["inwoners"].sum() - a.hiaten["inwoners_buiten_norm"].sum()


def test_exact_choice_equals_brute_force(gemeente, basis):
    kandidaten = _kandidaten(KANDIDATEN)
    keuze = lk.choose_locaties(gemeente, "ontmoeting", kandidaten=kandidaten, aantal=2)
    assert keuze.methode == "exact"
    optimum = max(
        _brute_force_gain(gemeente, kandidaten, paar, basis)
        for paar in itertools.combinations(range(len(kandidaten)), 2)
    )
    assert keuze.nieuw_binnen_norm == optimum
    # every single gain in the ranking equals the full recomputation
    for rij, (kid, waarde) in enumerate(keuze.kandidaten["nieuw_binnen_norm"].items()):
        if rij < 3:
            i = kandidaten.index.get_loc(kid)
            assert waarde == _brute_force_gain(gemeente, kandidaten, (i,), basis)


def test_greedy_never_worse_than_the_best_single_site(gemeente, monkeypatch):
    kandidaten = _kandidaten(KANDIDATEN)
    exact = lk.choose_locaties(gemeente, "ontmoeting", kandidaten=kandidaten, aantal=3)
    monkeypatch.setattr(lk, "MAX_COMBINATIES", 0)
    greedy = lk.choose_locaties(gemeente, "ontmoeting", kandidaten=kandidaten, aantal=3)
    assert greedy.methode == "greedy"
    beste_enkel = greedy.kandidaten["nieuw_binnen_norm"].max()
    assert greedy.gekozen["extra_binnen_norm"].iloc[0] == beste_enkel
    assert beste_enkel <= greedy.nieuw_binnen_norm <= exact.nieuw_binnen_norm
    assert greedy.nieuw_binnen_norm >= (1 - 1 / 2.718281828) * exact.nieuw_binnen_norm
    assert exact.nieuw_binnen_norm <= exact.bovengrens <= exact.onbedekt
    # marginal gains add up to the total
    assert greedy.gekozen["extra_binnen_norm"].sum() == greedy.nieuw_binnen_norm


def test_capacity_caps_what_one_site_serves(gemeente):
    kandidaten = _kandidaten(KANDIDATEN[:3])
    zonder = lk.choose_locaties(gemeente, "huisarts", kandidaten=kandidaten)
    # 0.5 fte at 0.4255 fte per 1,000 residents serves at most 1,175 residents
    met = lk.choose_locaties(gemeente, "huisarts", kandidaten=kandidaten, capaciteit=0.5)
    cap = 0.5 / gemeente.normen["huisarts"].capaciteit.per_1000 * 1000
    assert met.nieuw_binnen_norm == pytest.approx(min(zonder.nieuw_binnen_norm, cap))
    assert met.nieuw_binnen_norm < zonder.nieuw_binnen_norm


def test_candidate_nodes_of_a_gebied(gemeente):
    keuze = lk.choose_locaties(gemeente, "ontmoeting", gebied="Pilot Zuid")
    gebied = gemeente.gebieden["Pilot Zuid"].geometrie
    punten = gpd.points_from_xy(keuze.kandidaten["x"], keuze.kandidaten["y"])
    assert all(gebied.contains(p) for p in punten)
    assert keuze.kandidaten["rang"].tolist() == list(range(1, len(keuze.kandidaten) + 1))


def test_bad_requests_are_named(gemeente):
    with pytest.raises(ValueError, match="casino"):
        lk.choose_locaties(gemeente, "casino", gebied="Pilot Zuid")
    with pytest.raises(ValueError, match="Atlantis"):
        lk.choose_locaties(gemeente, "ontmoeting", gebied="Atlantis")
    with pytest.raises(ValueError, match="geen capaciteitsnorm"):
        lk.choose_locaties(gemeente, "sport", gebied="Pilot Zuid", capaciteit=1)


def test_only_analysed_residents_count(zonder_netwerk_oeverwijk):
    """Without a network under Oeverwijk its residents cannot be reached: they are neither
    outside the norm now nor newly within it; the result says how many there are."""
    gemeente, zonder = zonder_netwerk_oeverwijk
    kandidaten = _kandidaten(KANDIDATEN)
    keuze = lk.choose_locaties(gemeente, "ontmoeting", kandidaten=kandidaten, aantal=2)
    ontmoeting = zonder.hiaten.xs("ontmoeting", level="categorie")
    assert keuze.inwoners == ontmoeting["inwoners"].sum()
    assert keuze.inwoners_geanalyseerd == ontmoeting["inwoners_geanalyseerd"].sum()
    # all of Oeverwijk and a few neighbours at its border (their streets went too)
    assert keuze.inwoners - keuze.inwoners_geanalyseerd >= ontmoeting.loc["WK999904", "inwoners"]
    # the denominator: analysed residents outside the norm, the same as the gap table's
    assert keuze.onbedekt == ontmoeting["inwoners_buiten_norm"].sum()
    # the sketch's candidates in Oeverwijk (no network: not attached) bring nobody
    for k in ("k0", "k1", "k2"):
        assert keuze.kandidaten.loc[k, "nieuw_binnen_norm"] == 0
    # the gains are those of a full recomputation
    basis = ontmoeting["inwoners"].sum() - ontmoeting["inwoners_buiten_norm"].sum()
    optimum = max(
        _brute_force_gain(gemeente, kandidaten, paar, basis)
        for paar in itertools.combinations(range(len(kandidaten)), 2)
    )
    assert keuze.nieuw_binnen_norm == optimum
    niet = int(keuze.inwoners - keuze.inwoners_geanalyseerd)
    assert keuze.toelichting == (
        f"Alleen de {int(keuze.inwoners_geanalyseerd):,} van {int(keuze.inwoners):,} inwoners "
        f"({round(100 * keuze.inwoners_geanalyseerd / keuze.inwoners)}%) die over het wegennet "
        f"geanalyseerd zijn tellen mee; {niet:,} inwoners zijn niet geanalyseerd (te ver van het "
        "wegennet of aan een los stuk ervan)."
    ).replace(",", ".")


def test_location_choice_for_some_wijken(gemeente, analyse):
    keuze = lk.choose_locaties(
        gemeente, "ontmoeting", gebied="Pilot Zuid", wijken=["WK999905", "WK999906"]
    )
    wijken = analyse.hiaten.xs("ontmoeting", level="categorie").loc[["WK999905", "WK999906"]]
    assert keuze.inwoners == keuze.inwoners_geanalyseerd == wijken["inwoners"].sum()
    assert keuze.onbedekt == wijken["inwoners_buiten_norm"].sum()
    with pytest.raises(ValueError, match="WK000000"):
        lk.choose_locaties(gemeente, "ontmoeting", gebied="Pilot Zuid", wijken=["WK000000"])


def test_a_gebied_without_network_names_the_cause(zonder_netwerk_oeverwijk):
    from dataclasses import replace as vervang

    from gebiedsplan.gemeente import Gebied

    gemeente, _ = zonder_netwerk_oeverwijk
    vlak = gemeente.wijken.geometry["WK999904"].buffer(-300)
    oever = Gebied("Oeverhoek", "test", (), vlak)
    g = vervang(gemeente, gebieden={**gemeente.gebieden, "Oeverhoek": oever})
    with pytest.raises(ValueError, match="geen knooppunten van het wegennet"):
        lk.choose_locaties(g, "ontmoeting", gebied="Oeverhoek")
