"""Snapshots of facilities and accommodations per year (layer voorzieningen_jaren): made from
the store ('gebiedsplan momentopname'), by importing an older year, counted per wijk in the
trend (voorzieningen_<categorie>), never for a sensitive category."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from typer.testing import CliRunner

import gebiedsplan as gp
from gebiedsplan.analyse.trend import compute_trend, load_trendindicatoren, tel_voorzieningen
from gebiedsplan.bronnen import Herkomst, Laag
from gebiedsplan.cli import app
from gebiedsplan.errors import GebiedsplanError
from gebiedsplan.gemeente import effective_voorzieningen
from gebiedsplan.importeren import Invoer, momentopname_jaar, write_invoer
from gebiedsplan.store import load_lagen, update_lagen

runner = CliRunner()


@pytest.fixture
def kopie(demo_opslag, tmp_path) -> Path:
    """A copy of the demo store (snapshots 2022 and 2024, provenance peildatum 2026-01-01)."""
    doel = tmp_path / "GM9999.gpkg"
    shutil.copy(demo_opslag, doel)
    raster = demo_opslag.with_name("GM9999_groen_10m.tif")
    shutil.copy(raster, doel.with_name(raster.name))
    return doel


def _jaren(gpkg: Path) -> pd.DataFrame:
    return load_lagen(gpkg, lagen=["voorzieningen_jaren"])[0]["voorzieningen_jaren"]


def test_momentopname_through_the_cli_takes_the_year_of_the_provenance(kopie):
    voor = _jaren(kopie)
    assert sorted(set(voor["jaar"])) == [2022, 2024]
    uit = runner.invoke(app, ["momentopname", "demo", "--opslag", str(kopie)])
    assert uit.exit_code == 0, uit.output
    assert "momentopname 2026" in uit.output  # the demo's peildatum 2026-01-01
    assert "andere jaren blijven: 2022" in uit.output
    na = _jaren(kopie)
    assert sorted(set(na["jaar"])) == [2022, 2024, 2026]
    for jaar in (2022, 2024):  # the other years stay exactly
        pd.testing.assert_index_equal(
            na[na["jaar"] == jaar].index.sort_values(),
            voor[voor["jaar"] == jaar].index.sort_values(),
        )
    nu = na[na["jaar"] == 2026]
    g = gp.load_gemeente("demo", opslag=kopie)
    # every facility once, every accommodation in use once per category it adds
    assert (nu["soort"] == "voorziening").sum() == len(g.voorzieningen)
    assert len(nu) == len(effective_voorzieningen(g))
    assert (
        nu.loc["2026:voorziening:vz0001", "categorie"] == g.voorzieningen.loc["vz0001", "categorie"]
    )

    # the same year again replaces only that year
    uit = runner.invoke(app, ["momentopname", "demo", "--opslag", str(kopie), "--jaar", "2026"])
    assert uit.exit_code == 0, uit.output
    assert len(_jaren(kopie)) == len(na)


def test_without_a_year_in_the_provenance_asks_for_jaar(kopie):
    lagen, herkomst = load_lagen(kopie, lagen=["voorzieningen", "accommodaties"])
    zonder = {naam: dataclasses.replace(h, peildatum="", delen=()) for naam, h in herkomst.items()}
    update_lagen(kopie, lagen, zonder, vervang=["voorzieningen", "accommodaties"])
    uit = runner.invoke(app, ["momentopname", "demo", "--opslag", str(kopie)])
    assert uit.exit_code != 0
    assert "--jaar" in uit.output and "peildatum" in uit.output
    assert sorted(set(_jaren(kopie)["jaar"])) == [2022, 2024]  # nothing written
    uit = runner.invoke(app, ["momentopname", "demo", "--opslag", str(kopie), "--jaar", "2025"])
    assert uit.exit_code == 0, uit.output
    assert 2025 in set(_jaren(kopie)["jaar"])


def test_momentopname_jaar_newest_year_of_every_source():
    osm = Herkomst("OpenStreetMap", "2025-05-01", "ODbL", peildatum="2023-06-01")
    iab = Herkomst("IAB", "2025-01-01", "CC0", peildatum="peildatum 2021")
    assert momentopname_jaar([osm, iab]) == 2023
    with pytest.raises(GebiedsplanError, match="--jaar"):
        momentopname_jaar([Herkomst("OpenStreetMap", "2025-05-01", "ODbL")])


def test_an_older_year_goes_to_the_snapshots_and_leaves_the_current_layers(kopie):
    voor = load_lagen(kopie, lagen=["voorzieningen", "accommodaties"])[0]
    oud = voor["voorzieningen"].drop(columns=["bron"]).iloc[:20].copy()
    oud.index = [f"osm2019_{i}" for i in range(len(oud))]
    bron = Herkomst("OpenStreetMap 2019 (test)", "2026-01-01", "ODbL", peildatum="2019-01-01")
    invoer = Invoer("GM9999", jaar=2019)
    invoer.add(Laag("voorzieningen", oud, bron))
    write_invoer(invoer, opslag=kopie)
    assert any("momentopname 2019" in regel for regel in invoer.jaren)
    na = load_lagen(kopie, lagen=["voorzieningen", "accommodaties"])[0]
    for naam in ("voorzieningen", "accommodaties"):  # the current layers stay as they were
        assert na[naam].index.equals(voor[naam].index), naam
    jaren = _jaren(kopie)
    assert sorted(set(jaren["jaar"])) == [2019, 2022, 2024]
    rijen = jaren[jaren["jaar"] == 2019]
    assert len(rijen) == 20 and set(rijen["bron"]) == {"OpenStreetMap 2019 (test)"}
    assert "2019:voorziening:osm2019_0" in rijen.index

    # a register of the same year in a second run adds to that year's snapshot
    acc = voor["accommodaties"].drop(columns=["bron"], errors="ignore").copy()
    register = Herkomst("IAB 2019 (test)", "2026-01-01", "CC0", peildatum="2019")
    invoer = Invoer("GM9999", jaar=2019)
    invoer.add(Laag("accommodaties", acc, register))
    write_invoer(invoer, opslag=kopie)
    rijen = _jaren(kopie)
    rijen = rijen[rijen["jaar"] == 2019]
    assert set(rijen["bron"]) == {"OpenStreetMap 2019 (test)", "IAB 2019 (test)"}
    assert (rijen["soort"] == "voorziening").sum() == 20


def _gemeente_met(gemeente, rijen: list[tuple[int, str, shapely.Point]]):
    frame = gpd.GeoDataFrame(
        {
            "jaar": [r[0] for r in rijen],
            "soort": "voorziening",
            "categorie": [r[1] for r in rijen],
            "naam": [f"punt {i}" for i in range(len(rijen))],
            "bron": "test",
        },
        geometry=[r[2] for r in rijen],
        crs=gemeente.buurten.crs,
        index=pd.Index([f"{r[0]}:voorziening:p{i}" for i, r in enumerate(rijen)], name="id"),
    )
    return dataclasses.replace(gemeente, voorzieningen_jaren=frame)


def test_count_per_wijk_by_hand(gemeente):
    b = gemeente.buurten
    binnen = {code: b.geometry[code].representative_point() for code in b.index}
    wijk1 = b.index[b["wijkcode"] == "WK999901"]
    wijk2 = b.index[b["wijkcode"] == "WK999902"]
    buiten = shapely.Point(b.total_bounds[2] + 5000, b.total_bounds[3] + 5000)
    rijen = [
        (2020, "huisarts", binnen[wijk1[0]]),
        (2020, "huisarts", binnen[wijk1[1]]),
        (2020, "huisarts", binnen[wijk2[0]]),
        (2020, "huisarts", buiten),  # outside the gemeente: not counted
        (2020, "ontmoeting", binnen[wijk2[0]]),  # another category
        (2023, "huisarts", binnen[wijk1[0]]),
        (2023, "ontmoeting", binnen[wijk2[1]]),  # 2023 has no huisarts in WK999902: 0
    ]
    g = _gemeente_met(gemeente, rijen)
    t = compute_trend(g, "voorzieningen_huisarts")
    assert t.attrs["jaren"] == ["2020", "2023"] and t.attrs["soort"] == "aantal"
    assert t.attrs["label"] == "Aantal: Huisarts"
    assert (t.loc["WK999901", "2020"], t.loc["WK999901", "2023"]) == (2.0, 1.0)
    assert (t.loc["WK999902", "2020"], t.loc["WK999902", "2023"]) == (1.0, 0.0)
    assert t.loc["WK999901", "richting"] == "daalt"
    assert t.loc["WK999903", "2020"] == 0.0 and t.loc["WK999903", "richting"] == "gelijk"
    assert t["2020"].sum() == 3.0  # the point outside is not counted
    assert (t["herschat_jaren"] == "").all()
    buurt = compute_trend(g, "voorzieningen_huisarts", niveau="buurt")
    assert buurt.loc[wijk1[0], "2023"] == 1.0 and buurt.loc[wijk1[1], "2023"] == 0.0
    lang = tel_voorzieningen(g, "ontmoeting")
    assert lang.groupby("jaar")["waarde"].sum().to_dict() == {2020: 1.0, 2023: 1.0}


def test_sensitive_category_refused(gemeente, demo_opslag, tmp_path):
    assert "voorzieningen_opvang" not in load_trendindicatoren()
    assert "voorzieningen_huisarts" in load_trendindicatoren()
    with pytest.raises(GebiedsplanError, match="gevoelig"):
        compute_trend(gemeente, "voorzieningen_opvang")
    uit = runner.invoke(
        app,
        ["trend", "demo", "--indicator", "voorzieningen_opvang", "--opslag", str(demo_opslag),
         "--uitvoer", str(tmp_path), "--kaarten", str(tmp_path)],
    )  # fmt: skip
    assert uit.exit_code != 0 and "gevoelig" in uit.output


def test_without_snapshots_a_clear_error(gemeente):
    g = dataclasses.replace(gemeente, voorzieningen_jaren=None)
    with pytest.raises(GebiedsplanError, match="gebiedsplan momentopname"):
        compute_trend(g, "voorzieningen_huisarts")


def test_demo_snapshots_and_trend_command(kopie, tmp_path):
    g = gp.load_gemeente("demo", opslag=kopie)
    t = compute_trend(g, "voorzieningen_huisarts")
    assert t.attrs["jaren"] == ["2022", "2024"]
    assert t["2022"].sum() == t["2024"].sum() + 1  # one practice closed since 2022
    uit = runner.invoke(
        app,
        [
            "trend", "demo", "--indicator", "voorzieningen_ontmoeting", "--opslag", str(kopie),
            "--uitvoer", str(tmp_path / "U"), "--kaarten", str(tmp_path / "K"),
        ],
        env={"COLUMNS": "200"},
    )  # fmt: skip
    assert uit.exit_code == 0, uit.output
    assert "Aantal: Ontmoeting / buurthuis per wijk, 2022-2024" in " ".join(uit.output.split())
    assert (tmp_path / "U" / "trend_voorzieningen_ontmoeting_wijk_GM9999.xlsx").exists()
    kaart = tmp_path / "K" / "verandering_voorzieningen_ontmoeting_wijk_GM9999.html"
    assert kaart.exists()
    bladen = pd.read_excel(
        tmp_path / "U" / "trend_voorzieningen_ontmoeting_wijk_GM9999.xlsx", sheet_name=None
    )
    assert list(bladen["Trend"].columns[:4]) == ["Wijkcode", "Naam", "2022", "2024"]
    alles = " ".join(blad.to_string() for blad in bladen.values())
    assert "momentopnamen" in alles and "voorzieningen_jaren" in alles


def _osm_2019(gemeente, pad: Path) -> Path:
    """A tiny OpenStreetMap file (made up, written in the OSM XML format) with a huisarts and a
    meeting place in the first buurt of the demo, as an extract of 2019."""
    from pyproj import Transformer

    naar = Transformer.from_crs(28992, 4326, always_xy=True)
    punt = gemeente.buurten.geometry.iloc[0].representative_point()
    knopen = []
    for n, (dx, soort, naam) in enumerate(
        ((0.0, "doctors", "Huisarts Oud 2019"), (30.0, "community_centre", "Buurthuis Oud 2019")),
        start=1,
    ):
        lon, lat = naar.transform(punt.x + dx, punt.y)
        knopen.append(
            f'  <node id="{n}" version="1" timestamp="2019-01-01T00:00:00Z" lat="{lat:.7f}" '
            f'lon="{lon:.7f}">\n    <tag k="amenity" v="{soort}"/>\n'
            f'    <tag k="name" v="{naam}"/>\n  </node>'
        )
    pad.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<osm version="0.6" generator="test">\n'
        + "\n".join(knopen)
        + "\n</osm>\n",
        encoding="utf-8",
    )
    return pad


def test_importeer_an_older_year_of_facilities_through_the_cli(kopie, tmp_path, gemeente):
    voor = load_lagen(kopie, lagen=["voorzieningen", "accommodaties"])[0]
    osm = _osm_2019(gemeente, tmp_path / "oud_2019.osm")
    uit = runner.invoke(
        app,
        [
            "importeer", "--gemeente", "GM9999", "--jaar", "2019",
            "--voorzieningen", str(osm), "--opslag", str(kopie),
        ],
        env={"COLUMNS": "250"},
    )  # fmt: skip
    assert uit.exit_code == 0, uit.output
    assert "momentopname 2019 in laag voorzieningen_jaren" in " ".join(uit.output.split())
    na = load_lagen(kopie, lagen=["voorzieningen", "accommodaties"])[0]
    for naam in ("voorzieningen", "accommodaties"):
        assert na[naam].index.equals(voor[naam].index), naam
    jaren = _jaren(kopie)
    rijen = jaren[jaren["jaar"] == 2019]
    assert sorted(rijen["categorie"]) == ["huisarts", "ontmoeting"]
    assert sorted(set(jaren["jaar"])) == [2019, 2022, 2024]
    g = gp.load_gemeente("demo", opslag=kopie)
    t = compute_trend(g, "voorzieningen_huisarts", niveau="buurt")
    assert t.attrs["jaren"] == ["2019", "2022", "2024"]
    assert t.loc[gemeente.buurten.index[0], "2019"] == 1.0
    assert t["2019"].sum() == 1.0
