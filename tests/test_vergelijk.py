"""vergelijk-cbs: our car distances beside CBS Nabijheid, on a synthetic gemeente whose "CBS"
values are known.

Lintdorp (GM9999) is one street of 1,200 m (y = 0, nodes every 100 m), cut in six buurten of
200 m; two houses per buurt at x = 50, 150, 250, ..., 1150, 10 m north of the street. Huisartsen
at x = 100 and x = 1100, a supermarket at x = 600, 10 m south. In car mode the 10 m to the street
do not count (CBS measures from the projection), so the distance of a house at x to the
nearest huisarts is min(|x - 100|, |x - 1100|), by hand:

    buurt     houses (inwoners)    huisarts (m)       mean (km)    CBS-rounded
    BU..01    50 (1), 150 (1)      50, 50             0.05         0.1
    BU..02    250 (3), 350 (1)     150, 250           0.175        0.2
    BU..03    450, 550             350, 450           0.4          0.4
    BU..04    650, 750             450, 350           0.4          0.4
    BU..05    850, 950             250, 150           0.2          0.2
    BU..06    1050, 1150           50, 50             0.05         0.1

Without the huisarts at x = 1100, exactly the buurten whose houses used it (04, 05, 06) move:
to 550/650 (0.6 km), 750/850 (0.8) and 950/1050 (1.0): +0.2, +0.6 and +0.9 km against CBS;
01-03 stay at 0.

A one-way street leaves the east end (x = 1200 -> 1300) with a house on it: it cannot drive
back, so it is reported (afgesneden) and never given a distance.
BU..06 has 5 residents at 1050 and at 1150 and one on the stub: 10 of 11 analysed (91%), so
it is compared; with more on the stub (below 90%) it is not (a mean over part of a buurt).
"""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from bs4 import BeautifulSoup
from typer.testing import CliRunner

from gebiedsplan.analyse.vergelijk import (
    aggregate_autoafstand,
    compare_nabijheid,
    compute_autoafstand,
    round_km,
)
from gebiedsplan.bronnen import Herkomst
from gebiedsplan.catalogus import load_catalogus
from gebiedsplan.cli import app
from gebiedsplan.errors import GebiedsplanError, GemeenteError
from gebiedsplan.export import write_vergelijking
from gebiedsplan.gemeente import Gemeente, load_gemeente
from gebiedsplan.kaarten import make_vergelijking_kaart, save_kaart, save_spreidingsdiagrammen
from gebiedsplan.store import save_lagen

RD = "EPSG:28992"
X0, Y0 = 150_000.0, 450_000.0
HERKOMST = Herkomst("Lintdorp (test)", "2026-01-01", "CC0 1.0", synthetisch=True)
BUURTEN = [f"BU999901{i:02d}" for i in range(1, 7)]
HUISARTS_KM = [0.1, 0.2, 0.4, 0.4, 0.2, 0.1]  # by hand, rounded like CBS (module docstring)
SUPERMARKT_KM = [0.5, 0.3, 0.1, 0.1, 0.3, 0.5]  # |x - 600|, e.g. BU..01: 550, 450 -> 0.5


def _p(x: float, y: float) -> shapely.Point:
    return shapely.Point(X0 + x, Y0 + y)


def lintdorp_lagen(*, zonder: tuple[str, ...] = ()) -> dict[str, gpd.GeoDataFrame]:
    """The layers of Lintdorp; facility ids in ``zonder`` left out."""
    knopen = {i: (X0 + 100 * i, Y0) for i in range(13)} | {13: (X0 + 1300, Y0)}
    ribben = [(i, i + 1) for i in range(12)] + [(12, 13)]
    wegen = gpd.GeoDataFrame(
        {
            "van_knoop": [u for u, _ in ribben],
            "naar_knoop": [v for _, v in ribben],
            "lengte_m": [100.0] * len(ribben),
            "eenrichting": [False] * 12 + [True],
            "highway": ["residential"] * len(ribben),
        },
        geometry=[shapely.LineString([knopen[u], knopen[v]]) for u, v in ribben],
        index=pd.Index([f"w{i}" for i in range(len(ribben))], name="id"),
        crs=RD,
    )
    wijken = gpd.GeoDataFrame(
        {"wijknaam": ["Lint"], "gemeentecode": ["GM9999"], "aantal_inwoners": [23]},
        geometry=[shapely.box(X0 - 100, Y0 - 100, X0 + 1400, Y0 + 100)],
        index=pd.Index(["WK999901"], name="wijkcode"),
        crs=RD,
    )
    randen = [-100, 200, 400, 600, 800, 1000, 1400]
    buurten = gpd.GeoDataFrame(
        {
            "buurtnaam": [f"Lint {i}" for i in range(1, 7)],
            "wijkcode": ["WK999901"] * 6,
            "gemeentecode": ["GM9999"] * 6,
            "aantal_inwoners": [2, 4, 2, 2, 2, 11],
        },
        geometry=[
            shapely.box(X0 + a, Y0 - 100, X0 + b, Y0 + 100)
            for a, b in zip(randen[:-1], randen[1:], strict=True)
        ],
        index=pd.Index(BUURTEN, name="buurtcode"),
        crs=RD,
    )
    huizen = [50 + 100 * i for i in range(12)] + [1280]
    # BU..06: 10 residents at 1050 and 1150, one on the one-way stub (91% analysed: compared)
    inwoners = [1, 1, 3, 1] + [1] * 6 + [5, 5] + [1]
    vraagpunten = gpd.GeoDataFrame(
        {
            "inwoners": inwoners,
            "buurtcode": [BUURTEN[min(int(x // 200), 5)] for x in huizen],
            "methode": ["adressen"] * len(huizen),
        },
        geometry=[_p(x, 10) for x in huizen],
        index=pd.Index([f"a{x}" for x in huizen], name="id"),
        crs=RD,
    )
    vz = {
        "ha_west": ("Huisarts West", "huisarts", 100),
        "ha_oost": ("Huisarts Oost", "huisarts", 1100),
        "sm": ("Supermarkt Midden", "supermarkt", 600),
    }
    voorzieningen = gpd.GeoDataFrame(
        {
            "naam": [n for n, _, _ in vz.values()],
            "categorie": [c for _, c, _ in vz.values()],
            "bron": ["test"] * len(vz),
        },
        geometry=[_p(x, -10) for _, _, x in vz.values()],
        index=pd.Index(list(vz), name="id"),
        crs=RD,
    ).drop(index=list(zonder))
    return {
        "wijken": wijken,
        "buurten": buurten,
        "vraagpunten": vraagpunten,
        "voorzieningen": voorzieningen,
        "netwerk_auto": wegen,
    }


def cbs_nabijheid(huisarts=HUISARTS_KM, supermarkt=SUPERMARKT_KM, *, jaar=2023) -> pd.DataFrame:
    """A ``nabijheid`` layer with exactly the columns of the catalogue (helper I's contract)."""
    rijen = [
        {"code": b, "categorie": cat, "jaar": jaar, "afstand_km": km, "bron": "CBS (test)"}
        for cat, waarden in (("huisarts", huisarts), ("supermarkt", supermarkt))
        for b, km in zip(BUURTEN, waarden, strict=True)
    ]
    frame = pd.DataFrame(rijen)
    frame.index = pd.Index(
        [f"{r.code}:{r.categorie}:{r.jaar}" for r in frame.itertuples()], name="id"
    )
    return frame


def lintdorp(*, zonder: tuple[str, ...] = (), nabijheid: pd.DataFrame | None = None) -> Gemeente:
    lagen = lintdorp_lagen(zonder=zonder)
    return Gemeente(
        code="GM9999",
        naam="Lintdorp",
        normen=load_catalogus().normen,
        herkomst={n: HERKOMST for n in (*lagen, "nabijheid")},
        synthetisch=True,
        nabijheid=cbs_nabijheid() if nabijheid is None else nabijheid,
        **lagen,
    )


# --- the figures ---------------------------------------------------------------------------------


def test_our_figures_equal_the_hand_computation():
    afstanden, _ = compute_autoafstand(lintdorp(), categorieen=["huisarts", "supermarkt"])
    # the house on the one-way stub is reported, never 0
    assert afstanden.loc["a1280", ["afgesneden", "geanalyseerd"]].tolist() == [True, False]
    assert math.isnan(afstanden.loc["a1280", "afstand_huisarts_m"])
    assert afstanden.drop(index="a1280")["geanalyseerd"].all()
    huis = afstanden.drop(index="a1280")
    x = np.array([50 + 100 * i for i in range(12)], dtype=float)
    np.testing.assert_allclose(huis["afstand_huisarts_m"], np.minimum(abs(x - 100), abs(x - 1100)))
    per_buurt = aggregate_autoafstand(afstanden).xs("huisarts", level="categorie")
    # weighted by inwoners: BU..02 has 3 residents at 150 m and 1 at 250 m
    assert per_buurt.loc["BU99990102", "afstand_km"] == pytest.approx(0.175)
    assert per_buurt["afstand_km_afgerond"].tolist() == HUISARTS_KM
    assert per_buurt.loc["BU99990106", "inwoners_afgesneden"] == 1
    assert per_buurt.loc["BU99990106", "inwoners_geanalyseerd"] == 10


def test_round_km_like_cbs():
    assert round_km(np.array([0.05, 0.175, 0.25, 0.449, 0.45])).tolist() == [
        0.1,
        0.2,
        0.3,
        0.4,
        0.5,
    ]


def test_same_network_same_facilities_gives_spearman_one_and_no_difference():
    v = compare_nabijheid(lintdorp())
    assert v.jaar == 2023
    s = v.samenvatting
    assert s.loc["huisarts", "buurten_vergeleken"] == 6
    assert s.loc["huisarts", "spearman"] == pytest.approx(1.0)
    assert s.loc["huisarts", "mediaan_abs_verschil_km"] == 0.0
    assert s.loc["huisarts", "aandeel_binnen_afronding"] == 1.0
    assert s.loc["supermarkt", "spearman"] == pytest.approx(1.0)
    assert s.loc["supermarkt", "mediaan_abs_verschil_km"] == 0.0
    huisarts = v.per_buurt.xs("huisarts", level="categorie")
    assert (huisarts["verschil_km"] == 0).all()
    # basisschool and kinderopvang: no facilities, no CBS figures: nothing to compare, said so
    assert s.loc["basisschool", "buurten_vergeleken"] == 0
    assert math.isnan(s.loc["basisschool", "spearman"])
    reden = v.per_buurt.loc[("BU99990101", "basisschool"), "reden"]
    assert "niet in de CBS-cijfers" in reden and "geen voorziening bereikbaar" in reden
    assert s.loc["huisarts", "aantal_voorzieningen"] == 2


def test_removing_a_huisarts_raises_exactly_the_buurten_that_used_it():
    g = lintdorp(zonder=("ha_oost",))
    v = compare_nabijheid(g, categorieen=["huisarts"])
    verschil = v.per_buurt.xs("huisarts", level="categorie")["verschil_km"]
    assert verschil.tolist() == [0.0, 0.0, 0.0, 0.2, 0.6, 0.9]
    # the buurten that used it: those with a house whose distance rises without it
    voor, _ = compute_autoafstand(lintdorp(), categorieen=["huisarts"])
    na, _ = compute_autoafstand(g, categorieen=["huisarts"])
    gestegen = na["afstand_huisarts_m"] > voor["afstand_huisarts_m"]
    gebruikers = set(voor.loc[gestegen, "buurtcode"])
    assert set(verschil.index[verschil > 0]) == gebruikers == set(BUURTEN[3:])
    s = v.samenvatting.loc["huisarts"]
    assert s["aandeel_binnen_afronding"] == pytest.approx(3 / 6)  # 01-03 equal, 04 +0.2
    assert s["mediaan_abs_verschil_km"] == pytest.approx(0.1)  # median of 0,0,0,.2,.6,.9
    assert s["gem_verschil_km"] == pytest.approx(round(1.7 / 6, 2))
    # the rank order of the buurten changes: Spearman below 1
    assert s["spearman"] < 1.0


def test_cbs_missing_and_different_values_are_reported():
    cbs = cbs_nabijheid(supermarkt=[0.5, 0.3, 0.1, 0.1, np.nan, 0.7])
    v = compare_nabijheid(lintdorp(nabijheid=cbs), categorieen=["supermarkt"])
    sm = v.per_buurt.xs("supermarkt", level="categorie")
    assert sm["vergeleken"].tolist() == [True, True, True, True, False, True]
    assert "CBS heeft geen cijfer" in sm.loc["BU99990105", "reden"]
    assert sm.loc["BU99990106", "verschil_km"] == pytest.approx(-0.2)
    assert not sm.loc["BU99990106", "binnen_afronding"]  # 0.2 km: more than rounding
    s = v.samenvatting.loc["supermarkt"]
    assert s["buurten_vergeleken"] == 5
    assert s["buurten_zonder_cbs"] == 1
    assert s["aandeel_binnen_afronding"] == pytest.approx(4 / 5)


def test_missing_layers_are_refused_with_the_fix():
    g = lintdorp()
    g.netwerk_auto = None
    with pytest.raises(GemeenteError, match="--modus auto"):
        compare_nabijheid(g)
    g = lintdorp()
    g.nabijheid = None
    with pytest.raises(GemeenteError, match="--nabijheid"):
        compare_nabijheid(g)
    with pytest.raises(GebiedsplanError, match="geen buurtcijfers van 2019"):
        compare_nabijheid(lintdorp(), jaar=2019)


def test_explanation_names_the_expected_sources_of_difference():
    tekst = "\n".join(compare_nabijheid(lintdorp()).toelichting)
    for woord in (
        "eigen registers",
        "OpenStreetMap",
        "grote supermarkten",
        "kinderdagverblijven",
        "2023",
        "Nationaal Wegenbestand",
        "afgerond op 0,1 km",
        "methode: adressen",
    ):
        assert woord in tekst, woord


# --- the products --------------------------------------------------------------------------------


def test_table_png_and_map_are_written(tmp_path):
    g = lintdorp(zonder=("ha_oost",))
    v = compare_nabijheid(g)
    paden = write_vergelijking(
        v,
        tmp_path,
        naam="vergelijking_cbs_GM9999",
        titel=g.titel,
        herkomst=g.herkomst,
        synthetisch=True,
    )
    csv = pd.read_csv(paden["csv"], sep=";", decimal=",", encoding="utf-8-sig")
    assert len(csv) == 6 * 4
    assert csv.loc[
        (csv["buurtcode"] == "BU99990106") & (csv["categorie"] == "huisarts"), "verschil_km"
    ].item() == pytest.approx(0.9)
    blad = pd.read_excel(paden["xlsx"], sheet_name="Per voorziening")
    assert "Spearman (rangcorrelatie)" in blad.columns
    assert "Aandeel binnen 0,1 km" in blad.columns
    toelichting = pd.read_excel(paden["xlsx"], sheet_name="Toelichting")["Toelichting"]
    assert toelichting.str.contains("SYNTHETISCHE").any()
    assert toelichting.str.contains("Huisarts: 6 buurten").any()

    pngs = save_spreidingsdiagrammen(v, tmp_path, naam="vergelijking_cbs_GM9999")
    assert set(pngs) == {"huisarts", "supermarkt", "basisschool", "kinderopvang"}
    from PIL import Image

    for pad in pngs.values():
        assert pad.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        with Image.open(pad) as beeld:
            beeld.verify()
            assert beeld.format == "PNG" and beeld.size == (600, 600)

    pad = save_kaart(make_vergelijking_kaart(g, v), tmp_path / "kaart.html")
    soup = BeautifulSoup(pad.read_text(encoding="utf-8"), "html.parser")
    assert soup.find("meta", attrs={"name": "gebiedsplan:soort"})["content"] == "vergelijking"
    pagina = str(soup)
    assert "Huisarts (CBS: huisartsenpraktijk)" in pagina
    assert "gebiedsplan 0,9 km verder dan CBS" in pagina  # BU..06 without Huisarts Oost
    assert "gelijk aan CBS" in pagina
    assert "niet vergeleken" in pagina  # basisschool: no CBS figures
    legenda = soup.find(id="legenda-vergelijking")
    assert legenda is not None and "0,5 km of meer verder" in legenda.get_text()


def test_command_vergelijk_cbs(tmp_path):
    g = lintdorp(zonder=("ha_oost",))
    lagen = lintdorp_lagen(zonder=("ha_oost",)) | {"nabijheid": cbs_nabijheid()}
    opslag = save_lagen(tmp_path / "GM9999.gpkg", lagen, {n: HERKOMST for n in lagen})
    bestand = tmp_path / "lintdorp.yml"
    bestand.write_text(
        "gemeentecode: GM9999\nnaam: Lintdorp\nsynthetisch: true\n", encoding="utf-8"
    )
    assert load_gemeente(bestand, opslag=opslag).netwerk_auto is not None
    uitvoer, kaarten = tmp_path / "uitvoer", tmp_path / "maps"
    resultaat = CliRunner().invoke(
        app,
        [
            "vergelijk-cbs",
            str(bestand),
            "--opslag",
            str(opslag),
            "--uitvoer",
            str(uitvoer),
            "--kaarten",
            str(kaarten),
        ],
        catch_exceptions=False,
    )
    assert resultaat.exit_code == 0, resultaat.output
    uit = " ".join(resultaat.output.split())
    assert "CBS Nabijheid 2023" in uit and "huisartsenpraktijk" in uit
    assert "Verwachte verschillen" in uit
    for naam in (
        "vergelijking_cbs_GM9999.csv",
        "vergelijking_cbs_GM9999.xlsx",
        "vergelijking_cbs_GM9999_huisarts.png",
    ):
        assert (uitvoer / naam).is_file(), naam
    assert (kaarten / "vergelijking_cbs_GM9999.html").is_file()
    assert "vergelijking_cbs_GM9999.html" in (kaarten / "index.html").read_text(encoding="utf-8")
    assert g.code == "GM9999"


def test_command_without_car_network_says_how_to_get_it(tmp_path):
    lagen = lintdorp_lagen()
    del lagen["netwerk_auto"]
    lagen["nabijheid"] = cbs_nabijheid()
    opslag = save_lagen(tmp_path / "GM9999.gpkg", lagen, {n: HERKOMST for n in lagen})
    bestand = tmp_path / "lintdorp.yml"
    bestand.write_text("gemeentecode: GM9999\nnaam: Lintdorp\n", encoding="utf-8")
    resultaat = CliRunner().invoke(
        app,
        [
            "vergelijk-cbs",
            str(bestand),
            "--opslag",
            str(opslag),
            "--uitvoer",
            str(tmp_path / "u"),
            "--kaarten",
            str(tmp_path / "m"),
        ],
    )
    assert resultaat.exit_code == 1
    uit = " ".join(resultaat.output.split())
    assert "netwerk_auto" in uit and "--modus auto" in uit
    assert not (tmp_path / "u").exists() or not any((tmp_path / "u").iterdir())


def test_the_synthetic_demo_has_no_cbs_figures_and_says_so():
    from gebiedsplan.importeren import demo_gemeente

    with pytest.raises(GemeenteError) as fout:
        compare_nabijheid(demo_gemeente())
    assert "Rivierstad (synthetisch) is synthetisch: CBS heeft er geen cijfers van" in str(
        fout.value
    )
    assert "gebiedsplan ophalen --gemeente GM0202 --jaar 2024 --modus auto" in str(fout.value)


def test_a_buurt_with_fewer_than_90_percent_on_the_car_network_is_not_compared():
    """Five residents on the one-way stub of BU..06 (10 of 15 analysed, 67%): the mean of the
    other ten is not the buurt's mean, so the buurt is shown but not compared, and says why."""
    g = lintdorp()
    g.vraagpunten.loc["a1280", "inwoners"] = 5
    v = compare_nabijheid(g)
    rij = v.per_buurt.loc[("BU99990106", "huisarts")]
    assert rij["aandeel_geanalyseerd"] == pytest.approx(10 / 15)
    assert not rij["vergeleken"] and math.isnan(rij["verschil_km"])
    assert rij["afstand_km_afgerond"] == pytest.approx(0.1)  # ours is still shown
    assert rij["reden"].startswith("onvolledig: 67% van de inwoners aan het autonetwerk")
    assert v.samenvatting.loc["huisarts", "buurten_vergeleken"] == 5
