"""The map "Verandering sinds ..." (gebiedsplan.kaarten.trend.make_verandering_kaart) read back
from its HTML, its colour classes by hand, and the commands that make it (``trend``,
``kaart --soort verandering``) with the trend table at 80 columns."""

from __future__ import annotations

import dataclasses
import json
import re

import pandas as pd
import pytest
from bs4 import BeautifulSoup
from typer.testing import CliRunner

from gebiedsplan._tekst import getal
from gebiedsplan.analyse.trend import compute_trend
from gebiedsplan.bronnen.demo import SPLITSING
from gebiedsplan.cli import app
from gebiedsplan.errors import GebiedsplanError
from gebiedsplan.kaarten import save_kaart
from gebiedsplan.kaarten.trend import (
    VERANDERING_KLEUREN,
    make_verandering_kaart,
    verandering_klassen,
    verandering_kleur,
    verandering_stap,
)
from gebiedsplan.publiceren.index import write_index
from gebiedsplan.publiceren.opmaak import GEEN_WAARDE_KLEUR
from gebiedsplan.publiceren.pagina import read_page_meta

OUD, (NIEUW_1, NIEUW_2) = next(iter(SPLITSING.items()))
ORANJE, GELIJK, PAARS = (
    set(VERANDERING_KLEUREN[:3]),
    VERANDERING_KLEUREN[3],
    set(VERANDERING_KLEUREN[4:]),
)


# --- reading a rendered map ----------------------------------------------------------------------


def _lagen(page: str, groep: str) -> dict[str, dict]:
    """Choropleth layer name (as in the grouped layer control) -> {'features', 'aliases'}."""
    m = re.search(rf'"{re.escape(groep)}"\s*:\s*\{{(.*?)\}}', page, re.S)
    assert m, f"geen groep '{groep}' in de lagenknop"
    namen = dict(re.findall(r'"([^"]+)"\s*:\s*(feature_group_[0-9a-f]+)', m.group(1)))
    decoder = json.JSONDecoder()
    per_groep = {}
    for g in re.finditer(r"(geo_json_[0-9a-f]+)_add\(", page):
        data, _ = decoder.raw_decode(page, g.end())
        var = g.group(1)
        laag = re.search(rf"{var}\.addTo\((feature_group_[0-9a-f]+)\)", page)
        a = re.search(rf"{var}\.bindTooltip\(.*?let aliases = (\[.*?\]);", page, re.S)
        assert laag and a, var
        per_groep[laag.group(1)] = {
            "features": {f["properties"]["code"]: f["properties"] for f in data["features"]},
            "aliases": json.loads(a.group(1)),
        }
    return {naam: per_groep[var] for naam, var in namen.items()}


def _legenda(page: str, id_: str) -> list[str]:
    el = BeautifulSoup(page, "html.parser").find(id=id_)
    assert el is not None, id_
    return [d.get_text() for d in el.find_all("div")]


@pytest.fixture(scope="module")
def trend_wijk(gemeente) -> pd.DataFrame:
    return compute_trend(gemeente, "aantal_inwoners", sinds=2019)


@pytest.fixture(scope="module")
def pagina_wijk(gemeente, trend_wijk) -> str:
    return make_verandering_kaart(gemeente, trend_wijk).get_root().render()


# --- the classes, by hand ----------------------------------------------------------------------


def test_class_width_is_a_round_third_of_the_largest_change():
    assert verandering_stap(7.0, gelijk=0.5) == 2.5  # 7 / 3 = 2.33 -> 2.5
    assert verandering_stap(575, gelijk=0.5) == 200  # 191.7 -> 200
    assert verandering_stap(30, gelijk=0.5) == 10
    assert verandering_stap(0.3, gelijk=0.05) == 0.1  # never narrower than the band "gelijk"
    assert verandering_stap(0.0, gelijk=0.5) == 1.0  # nothing changed: still a scale


def test_colours_diverge_around_zero():
    k = VERANDERING_KLEUREN
    stap, gelijk = 2.5, 0.5
    verwacht = {
        -7.0: k[0],
        -5.0: k[0],  # 2 x stap and more
        -4.9: k[1],
        -2.5: k[1],
        -2.4: k[2],
        -0.5: k[2],  # as the table's richting: 0.5% is no longer "gelijk"
        -0.4: k[3],
        0.0: k[3],
        0.4: k[3],
        0.5: k[4],
        2.5: k[5],
        5.0: k[6],
        70.0: k[6],
    }
    for waarde, kleur in verwacht.items():
        assert verandering_kleur(waarde, stap, gelijk=gelijk) == kleur, waarde
    assert verandering_kleur(float("nan"), stap, gelijk=gelijk) == GEEN_WAARDE_KLEUR
    assert [t for _, t in verandering_klassen(stap, gelijk=gelijk, eenheid="%")] == [
        "+5% of meer",
        "+2,5% tot +5%",
        "tot +2,5%",
        "gelijk (minder dan 0,5%)",
        "tot -2,5%",
        "-2,5% tot -5%",
        "-5% of meer",
        "geen gegevens",
    ]


# --- the map -------------------------------------------------------------------------------------


def test_title_layers_and_provenance(pagina_wijk, tmp_path, gemeente, trend_wijk):
    assert "Verandering sinds 2019: Inwoners per wijk" in pagina_wijk
    assert "Synthetische demogegevens, geen echte situatie." in pagina_wijk  # the banner
    assert 'id="gebiedsplan-bronnen"' in pagina_wijk
    bronnen = BeautifulSoup(pagina_wijk, "html.parser").find(id="gebiedsplan-bronnen")
    assert "kerncijfers_jaren" in bronnen.get_text()
    lagen = _lagen(pagina_wijk, "Verandering sinds 2019")
    assert list(lagen) == ["Verandering in % (2019-2024)", "Verandering absoluut (2019-2024)"]
    for laag in lagen.values():
        assert set(laag["features"]) == set(gemeente.wijken.index)
        assert laag["aliases"] == [
            "Wijk",
            "Wijkcode",
            "Inwoners 2019",
            "Inwoners 2024",
            "Verandering 2019-2024",
            "Richting",
        ]
    pad = save_kaart(make_verandering_kaart(gemeente, trend_wijk), tmp_path / "v.html")
    assert read_page_meta(pad)["soort"] == "verandering"
    assert "Veranderingskaart (trend)" in write_index(tmp_path).read_text(encoding="utf-8")


def test_tooltips_give_both_years_the_change_and_herschat(pagina_wijk, trend_wijk):
    pct = _lagen(pagina_wijk, "Verandering sinds 2019")["Verandering in % (2019-2024)"]
    for code, r in trend_wijk.iterrows():
        p = pct["features"][code]
        assert p["naam"] == r["naam"]
        assert p["eind"] == getal(r["2024"])  # the last year is the current indeling
        teken = "+" if r["verandering"] > 0 else ""
        assert p["verandering"] == (
            f"{teken}{getal(r['verandering'])} ({teken}{getal(r['verandering_pct'], 1)}%)"
        )
        assert p["richting"] == r["richting"]
        # the split buurt lies in WK999901: its 2019 figure is carried from the old indeling
        if code == "WK999901":
            assert p["begin"] == f"{getal(r['2019'])} (herschat: grenswijziging)"
        else:
            assert p["begin"] == getal(r["2019"])
    assert pct["features"]["WK999901"]["verandering"] == "+456 (+4,2%)"  # 11,285 - 10,829


def test_colours_follow_the_sign_and_the_classes_come_from_the_data(pagina_wijk, trend_wijk):
    lagen = _lagen(pagina_wijk, "Verandering sinds 2019")
    pct = lagen["Verandering in % (2019-2024)"]["features"]
    absoluut = lagen["Verandering absoluut (2019-2024)"]["features"]
    for code, r in trend_wijk.iterrows():
        for props, waarde, gelijk in (
            (pct, r["verandering_pct"], 0.5),
            (absoluut, r["verandering"], 0.5),
        ):
            kleur = props[code]["_kleur"]
            if abs(waarde) < gelijk:
                assert kleur == GELIJK
            else:
                assert kleur in (PAARS if waarde > 0 else ORANJE), (code, waarde)
    # Havenkwartier shrinks, Molenwijk grows most (+7,0%: 7 / 3 -> classes of 2,5%)
    assert pct["WK999903"]["_kleur"] in ORANJE
    assert pct["WK999902"]["_kleur"] == VERANDERING_KLEUREN[6]
    stap = verandering_stap(trend_wijk["verandering_pct"].abs().max(), gelijk=0.5)
    assert _legenda(pagina_wijk, "legenda-verandering-pct") == [
        t for _, t in verandering_klassen(stap, gelijk=0.5, eenheid="%")
    ]
    regels = _legenda(pagina_wijk, "legenda-verandering-abs")
    assert "geen verandering" in regels and regels[-1] == "geen gegevens"


def test_missing_figure_is_grey_never_zero(gemeente):
    k = gemeente.kerncijfers_jaren
    zonder = k[~((k["jaar"] == 2019) & (k["buurtcode"] == "BU99990201"))]  # a Molenwijk buurt
    g = dataclasses.replace(gemeente, kerncijfers_jaren=zonder)
    trend = compute_trend(g, "aantal_inwoners")
    assert pd.isna(trend.loc["WK999902", "verandering"])
    lagen = _lagen(make_verandering_kaart(g, trend).get_root().render(), "Verandering sinds 2019")
    for laag in lagen.values():
        p = laag["features"]["WK999902"]
        assert p["_kleur"] == GEEN_WAARDE_KLEUR
        assert p["begin"] == "geen gegevens" and p["verandering"] == "geen gegevens"
        assert p["richting"] == "geen gegevens"
        assert laag["features"]["WK999901"]["_kleur"] != GEEN_WAARDE_KLEUR


def test_per_buurt_flags_the_split_buurt_only_in_carried_years(gemeente):
    trend = compute_trend(gemeente, "aantal_inwoners", niveau="buurt", sinds=2019)
    pagina = make_verandering_kaart(gemeente, trend).get_root().render()
    assert "Verandering sinds 2019: Inwoners per buurt" in pagina
    lagen = _lagen(pagina, "Verandering sinds 2019")
    props = lagen["Verandering in % (2019-2024)"]["features"]
    assert set(props) == set(gemeente.buurten.index)
    assert lagen["Verandering in % (2019-2024)"]["aliases"][:2] == ["Buurt", "Buurtcode"]
    herschat = {c for c, p in props.items() if "herschat" in p["begin"] + p["eind"]}
    assert herschat == {NIEUW_1, NIEUW_2}
    # since 2022 both years are observed in the current indeling: nothing re-estimated
    na = compute_trend(gemeente, "aantal_inwoners", niveau="buurt", sinds=2022)
    pagina = make_verandering_kaart(gemeente, na).get_root().render()
    assert "Verandering sinds 2022: Inwoners per buurt" in pagina
    assert "herschat: grenswijziging" not in pagina


def test_hostile_names_stay_text(gemeente):
    vijandig = "<img src=x onerror=alert(1)>"
    wijken = gemeente.wijken.copy()
    wijken.loc["WK999903", "wijknaam"] = vijandig
    g = dataclasses.replace(gemeente, wijken=wijken)
    pagina = make_verandering_kaart(g, compute_trend(g, "aantal_inwoners")).get_root().render()
    assert vijandig not in pagina
    props = _lagen(pagina, "Verandering sinds 2019")["Verandering in % (2019-2024)"]["features"]
    assert props["WK999903"]["naam"] == "&lt;img src=x onerror=alert(1)&gt;"  # shown as text


def test_bad_tables(gemeente, trend_wijk):
    with pytest.raises(GebiedsplanError, match="compute_trend"):
        make_verandering_kaart(gemeente, pd.DataFrame({"naam": ["x"]}))
    with pytest.raises(GebiedsplanError, match="leeg"):
        make_verandering_kaart(gemeente, trend_wijk.iloc[0:0])
    vreemd = trend_wijk.rename(index={"WK999901": "WK000001"})
    with pytest.raises(GebiedsplanError, match="WK000001"):
        make_verandering_kaart(gemeente, vreemd)


# --- the commands --------------------------------------------------------------------------------


def _run(args: list[str]):
    result = CliRunner().invoke(app, args)
    return result


def test_trend_writes_the_map_and_lists_it(tmp_path, demo_opslag):
    kaarten = tmp_path / "maps"
    result = _run(
        ["trend", "demo", "--indicator", "aantal_inwoners", "--sinds", "2020",
         "--opslag", str(demo_opslag), "--uitvoer", str(tmp_path / "U"),
         "--kaarten", str(kaarten)]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    pad = kaarten / "verandering_aantal_inwoners_wijk_GM9999_sinds_2020.html"
    pagina = pad.read_text(encoding="utf-8")
    assert "Verandering sinds 2020: Inwoners per wijk" in pagina
    assert "<script src=" not in pagina
    index = (kaarten / "index.html").read_text(encoding="utf-8")
    assert pad.name in index and "Veranderingskaart (trend)" in index
    blad = pd.read_excel(
        tmp_path / "U" / "trend_aantal_inwoners_wijk_GM9999.xlsx", sheet_name="Trend"
    )
    rij = blad[blad.iloc[:, 0] == "WK999902"].iloc[0]
    assert rij["Verandering"] == pytest.approx(rij["2024"] - rij["2020"])


def test_kaart_soort_verandering_makes_the_same_map(tmp_path, demo_opslag, gemeente):
    kaarten = tmp_path / "maps"
    result = _run(
        ["kaart", "demo", "--soort", "verandering", "--indicator", "aantal_inwoners",
         "--opslag", str(demo_opslag), "--kaarten", str(kaarten)]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    pad = kaarten / "verandering_aantal_inwoners_wijk_GM9999.html"
    pagina = pad.read_text(encoding="utf-8")
    assert "Verandering sinds 2019: Inwoners per wijk" in pagina
    direct = make_verandering_kaart(gemeente, compute_trend(gemeente, "aantal_inwoners"))
    verwacht = _lagen(direct.get_root().render(), "Verandering sinds 2019")
    gekregen = _lagen(pagina, "Verandering sinds 2019")
    assert gekregen == verwacht
    assert "Veranderingskaart (trend)" in (kaarten / "index.html").read_text(encoding="utf-8")
    # --niveau buurt with --wijken: only its buurten, and the name says so
    result = _run(
        ["kaart", "demo", "--soort", "verandering", "--indicator", "aantal_inwoners",
         "--niveau", "buurt", "--wijken", "oude stad", "--opslag", str(demo_opslag),
         "--kaarten", str(kaarten)]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    pagina = (kaarten / "verandering_aantal_inwoners_buurt_GM9999_wijken_wk999901.html").read_text(
        encoding="utf-8"
    )
    props = _lagen(pagina, "Verandering sinds 2019")["Verandering in % (2019-2024)"]["features"]
    assert set(props) == set(gemeente.buurten.index[gemeente.buurten["wijkcode"] == "WK999901"])


@pytest.mark.parametrize(
    ("extra", "melding"),
    [
        (["--soort", "verandering"], "--soort verandering vraagt --indicator"),
        (["--soort", "groen", "--sinds", "2019"], "--sinds hoort bij --soort verandering"),
        (
            ["--soort", "verandering", "--indicator", "aantal_inwoners", "--sinds", "2017"],
            "Beginjaar 2017 (--sinds) bestaat niet",
        ),
        (
            ["--soort", "verandering", "--indicator", "aantal_inwoners", "--niveau", "gemeente"],
            "kies wijk of buurt",
        ),
    ],
)
def test_kaart_bad_options(tmp_path, demo_opslag, extra, melding):
    result = _run(
        ["kaart", "demo", *extra, "--opslag", str(demo_opslag), "--kaarten", str(tmp_path)]
    )
    assert result.exit_code != 0
    assert melding in " ".join(result.output.split())
    assert not list(tmp_path.glob("*.html"))


def _trend_uitvoer(tmp_path, demo_opslag, *extra: str) -> str:
    result = _run(
        ["trend", "demo", *extra, "--opslag", str(demo_opslag), "--uitvoer", str(tmp_path / "U"),
         "--kaarten", str(tmp_path / "maps")]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return result.output


def _tabelregels(uitvoer: str) -> list[str]:
    return [r for r in uitvoer.splitlines() if r.startswith(("┃", "│"))]


def test_trend_table_at_80_columns(tmp_path, demo_opslag, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    uitvoer = _trend_uitvoer(tmp_path, demo_opslag)
    regels = uitvoer.splitlines()
    assert max(len(r) for r in regels) <= 80
    assert "…" not in uitvoer  # nothing cut off
    kop = _tabelregels(uitvoer)[0]
    assert "2019" in kop and "2024" in kop and "2021" not in kop
    oude_stad = next(r for r in _tabelregels(uitvoer) if "WK999901" in r)
    cellen = [c.strip() for c in oude_stad.strip("│").split("│")]
    assert cellen == ["WK999901", "Oude Stad", "10.829*", "11.285", "+456", "+4,2", "stijgt"]
    tekst = " ".join(uitvoer.split())
    assert "* herschat: cijfer uit een oudere CBS-buurtindeling" in tekst
    assert (
        "alle jaren (2019-2024) en de herschatte jaren staan in trend_aantal_inwoners_wijk_GM9999.xlsx"
        in tekst
    )
    # per buurt the long names fold, the numbers stay whole
    uitvoer = _trend_uitvoer(tmp_path, demo_opslag, "--niveau", "buurt", "--sinds", "2021")
    assert max(len(r) for r in uitvoer.splitlines()) <= 80
    assert "…" not in uitvoer
    kop = _tabelregels(uitvoer)[0]
    assert "2021" in kop and "2024" in kop and "2019" not in kop
    assert "Verschil: 2024 min 2021" in uitvoer


def test_trend_table_wide_shows_every_year(tmp_path, demo_opslag, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    uitvoer = _trend_uitvoer(tmp_path, demo_opslag)
    kop = _tabelregels(uitvoer)[0]
    for jaar in range(2019, 2025):
        assert str(jaar) in kop
    assert "Herschat" not in kop  # a footnote, not a column
    assert "passen in dit venster" not in uitvoer
    oude_stad = next(r for r in _tabelregels(uitvoer) if "WK999901" in r)
    assert oude_stad.count("*") == 3  # 2019, 2020, 2021


def test_an_indicator_in_percent_changes_in_percentage_points(gemeente):
    """A figure that is itself a percentage (health: "Eenzaam (% 65+)") shows its change in
    percentage points first; the relative change stays as the second layer."""
    k = gemeente.kerncijfers_jaren
    inkomen = k[k["indicator"] == "gemiddeld_inkomen_per_inwoner"]
    eenzaam = inkomen.assign(indicator="eenzaam_65plus", waarde=inkomen["waarde"] * 1.5)
    g = dataclasses.replace(gemeente, kerncijfers_jaren=pd.concat([k, eenzaam]))
    trend = compute_trend(g, "eenzaam_65plus", sinds=2020)
    pagina = make_verandering_kaart(g, trend).get_root().render()
    assert "in procentpunten en in %" in pagina
    lagen = _lagen(pagina, "Verandering sinds 2020")
    assert list(lagen) == [
        "Verandering in procentpunten (2020-2024)",
        "Verandering in % (2020-2024)",
    ]
    p = lagen["Verandering in procentpunten (2020-2024)"]["features"]["WK999902"]
    r = trend.loc["WK999902"]
    assert p["verandering"] == (
        f"+{getal(r['verandering'], 1)} %-punt (+{getal(r['verandering_pct'], 1)}%)"
    )
    assert p["begin"] == getal(r["2020"], 1)
    regels = _legenda(pagina, "legenda-verandering-abs")
    assert all("%-punt" in t for t in regels[:7])


def test_one_year_has_no_change_map(gemeente, tmp_path, demo_opslag, monkeypatch):
    """A gemeente with one year of key figures (as the real Arnhem store): the trend table
    shows that year, no change column and no map, and says a second year is needed."""
    import gebiedsplan.analyse.trend as trendmodule

    k = gemeente.kerncijfers_jaren
    een_jaar = dataclasses.replace(gemeente, kerncijfers_jaren=k[k["jaar"] == 2024])
    tabel = compute_trend(een_jaar, "aantal_inwoners")
    with pytest.raises(GebiedsplanError, match="vraagt een tweede jaar"):
        make_verandering_kaart(een_jaar, tabel)
    echt = trendmodule.compute_trend

    def alleen_2024(g, *args, **kwargs):
        kern = g.kerncijfers_jaren
        return echt(
            dataclasses.replace(g, kerncijfers_jaren=kern[kern["jaar"] == 2024]), *args, **kwargs
        )

    monkeypatch.setattr(trendmodule, "compute_trend", alleen_2024)
    monkeypatch.setenv("COLUMNS", "80")
    uitvoer = _trend_uitvoer(tmp_path, demo_opslag)
    kop = _tabelregels(uitvoer)[0]
    assert "2024" in kop and "Verschil" not in kop and "Richting" not in kop
    assert "is een tweede jaar nodig" in " ".join(uitvoer.split())
    assert not (tmp_path / "maps").exists() or not list((tmp_path / "maps").glob("verandering*"))
