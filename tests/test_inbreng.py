"""Inbreng of residents as a layer: import (GeoJSON, CSV), validation, personal data removed,
signals per area and the gap-table columns (issue 15, item 5)."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from typer.testing import CliRunner

import gebiedsplan as gp
from gebiedsplan.analyse.inbreng import compute_signalen, join_signalen, signaal_vs_meting
from gebiedsplan.bronnen.demo import SPELDEN, WIJKAVOND
from gebiedsplan.bronnen.inbreng import read_inbreng, strip_persoonsgegevens
from gebiedsplan.cli import app
from gebiedsplan.errors import BronError
from gebiedsplan.export import write_hiaten
from gebiedsplan.store import load_lagen

runner = CliRunner()


def _tekst(output: str) -> str:
    return " ".join(re.sub(r"[│┃╭╮╰╯─━┏┓┗┛┡┩└┘┌┐╇┳┻╋]", " ", output).split())


@pytest.fixture
def opslag(tmp_path, demo_opslag) -> Path:
    """A copy of the demo store (GeoPackage and green raster) to import into."""
    map_ = tmp_path / "store"
    map_.mkdir()
    for bestand in demo_opslag.parent.iterdir():
        if bestand.is_file():
            shutil.copy2(bestand, map_ / bestand.name)
    return map_ / demo_opslag.name


def _lonlat(gemeente, wijkcode: str, dx_m: float = 0.0) -> list[float]:
    """WGS84 coordinates of a point inside a demo wijk (dx_m east of its representative point)."""
    punt = gemeente.wijken.geometry[wijkcode].representative_point()
    punt = shapely.Point(punt.x + dx_m, punt.y)
    assert gemeente.wijken.geometry[wijkcode].contains(punt)
    wgs = gpd.GeoSeries([punt], crs="EPSG:28992").to_crs("EPSG:4326").iloc[0]
    return [wgs.x, wgs.y]


def _geojson(path: Path, pins: list[tuple[list[float] | None, dict]], **kop) -> Path:
    data = {
        "type": "FeatureCollection",
        "gebiedsplan": {
            "soort": "inbreng",
            "versie": 1,
            "gemeentecode": "GM9999",
            "bijeenkomst": "Wijkavond Oude Stad",
            "datum": "2026-05-12",
            **kop,
        },
        "features": [
            {
                "type": "Feature",
                "geometry": None if xy is None else {"type": "Point", "coordinates": xy},
                "properties": props,
            }
            for xy, props in pins
        ],
    }
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def _pins(gemeente) -> list[tuple[list[float] | None, dict]]:
    oud = "WK999901"
    return [
        (_lonlat(gemeente, oud), {"categorie": "huisarts", "tekst": "Te ver", "oordeel": "mist"}),
        (
            _lonlat(gemeente, oud, 5),
            {
                "categorie": "Huisarts",  # the label, any case
                "tekst": "Bel mij: 06-12345678 of piet.de.vries@example.nl",
                "oordeel": "mist",
                "tijd": "2026-05-12T19:30:00+02:00",
                "naam": "Piet de Vries",
                "email": "piet.de.vries@example.nl",
            },
        ),
        (
            _lonlat(gemeente, oud, 10),
            {"categorie": "ontmoeting", "tekst": "<script>alert(1)</script>", "oordeel": "goed"},
        ),
        (
            _lonlat(gemeente, "WK999902"),
            {"categorie": "huisarts", "tekst": "Altijd vol", "oordeel": "knelpunt"},
        ),
        (
            _lonlat(gemeente, "WK999902", 5),
            {"categorie": "anders", "tekst": "Bankje", "oordeel": None},
        ),
    ]


def _importeer(opslag: Path, bestand: Path, *extra: str):
    return runner.invoke(
        app,
        [
            "importeer",
            "--gemeente",
            "GM9999",
            "--jaar",
            "2024",
            "--inbreng",
            str(bestand),
            "--opslag",
            str(opslag),
            *extra,
        ],
    )


def test_geojson_import_stores_rd_points_without_personal_data(tmp_path, opslag, gemeente):
    bestand = _geojson(tmp_path / "inbreng.geojson", _pins(gemeente))
    result = _importeer(opslag, bestand)
    assert result.exit_code == 0, result.output
    tekst = _tekst(result.output)
    assert "5 spelden" in tekst and "in 1 teksten zijn persoonsgegevens vervangen" in tekst
    assert "12345678" not in result.output and "example.nl" not in result.output
    laag = load_lagen(opslag, lagen=["inbreng"])[0]["inbreng"]
    assert laag.crs.to_epsg() == 28992
    assert set(laag["bijeenkomst"]) == {"Wijkavond Oude Stad", WIJKAVOND[0]}  # the demo's stays
    laag = laag[laag["bijeenkomst"] == "Wijkavond Oude Stad"]
    assert (laag.geom_type == "Point").all() and len(laag) == 5
    assert laag.within(shapely.union_all(gemeente.wijken.geometry.to_numpy())).all()
    assert {"bijeenkomst", "datum", "categorie", "oordeel", "tekst", "bron"} <= set(laag.columns)
    assert "naam" not in laag.columns and "email" not in laag.columns
    assert set(laag["datum"]) == {"2026-05-12"}
    assert sorted(laag["categorie"]) == ["anders", "huisarts", "huisarts", "huisarts", "ontmoeting"]
    teksten = list(laag["tekst"])
    assert "Bel mij: [verwijderd] of [verwijderd]" in teksten
    assert not any("example.nl" in t or "12345678" in t for t in teksten)
    assert "<script>alert(1)</script>" in teksten  # stored as plain text; products escape it
    # the gemeente loads it
    assert len(gp.load_gemeente("demo", opslag=opslag).inbreng) == 5 + len(SPELDEN)


def test_same_meeting_replaced_others_kept(tmp_path, opslag, gemeente):
    pins = _pins(gemeente)
    assert _importeer(opslag, _geojson(tmp_path / "a.geojson", pins)).exit_code == 0
    csv = tmp_path / "formulieren.csv"
    xy = gemeente.wijken.geometry["WK999903"].representative_point()
    csv.write_text(
        f"categorie,tekst,oordeel,x,y\nsport,Geen sportveld,mist,{xy.x:.0f},{xy.y:.0f}\n",
        encoding="utf-8",
    )
    zonder = _importeer(opslag, csv)
    assert zonder.exit_code != 0 and "--bijeenkomst" in zonder.output
    result = _importeer(
        opslag, csv, "--bijeenkomst", "Formulieren bibliotheek", "--datum", "2026-06-01"
    )
    assert result.exit_code == 0, result.output
    # the first meeting again, now with two pins: its five are replaced, the form stays
    opnieuw = _importeer(opslag, _geojson(tmp_path / "b.geojson", pins[:2]))
    assert opnieuw.exit_code == 0, opnieuw.output
    laag = load_lagen(opslag, lagen=["inbreng"])[0]["inbreng"]
    assert laag.groupby("bijeenkomst").size().to_dict() == {
        "Formulieren bibliotheek": 1,
        "Wijkavond Oude Stad": 2,
        WIJKAVOND[0]: len(SPELDEN),  # the demo's own wijkavond stays
    }
    assert (
        laag.loc[laag["bijeenkomst"] == "Formulieren bibliotheek", "datum"].item() == "2026-06-01"
    )


def test_bad_pins_refused_at_once_nothing_written(tmp_path, opslag, gemeente):
    pins = _pins(gemeente)
    pins[0] = ([3.0, 51.5], pins[0][1])  # Zeeland: outside the gemeente
    pins[1] = (pins[1][0], {**pins[1][1], "categorie": "zwembad"})
    pins[2] = (pins[2][0], {**pins[2][1], "tekst": "x" * 501})
    pins[3] = (pins[3][0], {**pins[3][1], "oordeel": "slecht"})
    pins[4] = (None, pins[4][1])
    voor = hashlib.sha256(opslag.read_bytes()).hexdigest()
    result = _importeer(opslag, _geojson(tmp_path / "fout.geojson", pins))
    assert result.exit_code != 0
    tekst = _tekst(result.output)
    assert "er is niets geschreven" in tekst
    assert "rij 1" in tekst and "buiten de gemeente" in tekst
    assert "rij 2, veld categorie" in tekst and "zwembad" in tekst
    assert "rij 3, veld tekst: 501 tekens, hoogstens 500" in tekst
    assert "rij 4, veld oordeel" in tekst
    assert "rij 5, veld lon/lat" in tekst
    assert hashlib.sha256(opslag.read_bytes()).hexdigest() == voor


def test_bad_date_refused(tmp_path, gemeente):
    bestand = _geojson(tmp_path / "d.geojson", _pins(gemeente), datum="12-05-2026")
    vlak = shapely.union_all(gemeente.wijken.geometry.to_numpy())
    with pytest.raises(BronError, match="geen geldige datum; verwacht JJJJ-MM-DD"):
        read_inbreng(bestand, gemeentecode="GM9999", gemeente_vlak=vlak)


@pytest.mark.parametrize(
    "tekst",
    [
        "mail jan@voorbeeld.nl",
        "bel 06-12345678",
        "bel 06 1234 5678",
        "bel +31 6 12345678",
        "bel +31612345678",
        "bel 0031 6 1234 5678",
        "bel 026-1234567",
        "bel 0263512345",
        "ik woon op 6811 AB 12",
        "ik woon op 6811AB 12a",
        "IBAN NL91 ABNA 0417 1643 00",
        "IBAN NL91ABNA0417164300",
    ],
)
def test_personal_data_removed(tekst):
    schoon, veranderd = strip_persoonsgegevens(tekst)
    assert veranderd and schoon.endswith("[verwijderd]"), schoon
    assert not re.search(r"\d{4}|@", schoon)


@pytest.mark.parametrize(
    "tekst", ["bus 6 om 10.15 uur", "300 meter verder, 2 keer per week", "in 2024 gesloten"]
)
def test_ordinary_numbers_kept(tekst):
    assert strip_persoonsgegevens(tekst) == (tekst, False)


def _pin_frame(gemeente, rijen: list[tuple[str, float, str, str | None]]) -> gpd.GeoDataFrame:
    punten = [
        shapely.Point(
            gemeente.wijken.geometry[w].representative_point().x + dx,
            gemeente.wijken.geometry[w].representative_point().y,
        )
        for w, dx, _, _ in rijen
    ]
    return gpd.GeoDataFrame(
        {"categorie": [r[2] for r in rijen], "oordeel": [r[3] for r in rijen]},
        geometry=punten,
        crs="EPSG:28992",
    )


def test_signals_per_wijk_counted_by_hand(gemeente):
    pins = _pin_frame(
        gemeente,
        [
            ("WK999901", 0, "huisarts", "mist"),
            ("WK999901", 5, "huisarts", "mist"),
            ("WK999901", 10, "huisarts", "goed"),
            ("WK999901", 15, "ontmoeting", None),
            ("WK999902", 0, "huisarts", "knelpunt"),
        ],
    )
    tabel = compute_signalen(pins, gemeente.buurten, niveau="wijk")
    assert tabel.loc[("WK999901", "huisarts")].to_dict() == {
        "signalen": 3,
        "signalen_mist": 2,
        "signalen_goed": 1,
        "signalen_knelpunt": 0,
    }
    assert tabel.loc[("WK999901", "ontmoeting"), "signalen"] == 1
    assert tabel.loc[("WK999902", "huisarts"), "signalen_knelpunt"] == 1
    assert int(tabel["signalen"].sum()) == 5
    per_buurt = compute_signalen(pins, gemeente.buurten, niveau="buurt")
    assert int(per_buurt["signalen"].sum()) == 5
    assert set(per_buurt.index.get_level_values("buurtcode").str[:8].str.replace("BU", "WK")) == {
        "WK999901",
        "WK999902",
    }


def test_signaal_vs_meting_rules():
    t = pd.DataFrame(
        {
            "hiaatscore": [25.0, 24.9, 9.9, 9.9, 50.0, 49.9, float("nan"), 30.0],
            "signalen_mist": [0, 1, 1, 0, 0, 0, 2, 1],
            "signalen_knelpunt": [1, 0, 0, 1, 0, 0, 0, 0],
            "signalen_goed": [0, 0, 0, 0, 1, 1, 0, 1],
        }
    )
    assert signaal_vs_meting(t).tolist() == [
        "bevestigt",
        "",
        "tegenstrijdig",
        "",  # a knelpunt where the distance is fine is no contradiction
        "tegenstrijdig",
        "",
        "",  # no hiaatscore
        "",  # as many say goed as mist
    ]


def test_gap_table_export_has_signal_columns_only_with_layer(tmp_path, gemeente, analyse):
    args = dict(titel=gemeente.titel, herkomst=gemeente.herkomst, synthetisch=True)
    zonder = write_hiaten(analyse.hiaten, gemeente.wijken, tmp_path / "zonder", naam="h", **args)
    kop = zonder["csv"].read_text(encoding="utf-8-sig").splitlines()[0].split(";")
    assert not any(k.startswith("signa") for k in kop)
    assert analyse.signalen is not None  # the demo's wijkavond; write_hiaten without signalen:

    pins = _pin_frame(
        gemeente, [("WK999901", 0, "huisarts", "mist"), ("WK999901", 5, "huisarts", "mist")]
    )
    signalen = {"wijk": compute_signalen(pins, gemeente.buurten, niveau="wijk")}
    met = write_hiaten(
        analyse.hiaten, gemeente.wijken, tmp_path / "met", naam="h", signalen=signalen, **args
    )
    tabel = pd.read_csv(met["csv"], sep=";", encoding="utf-8-sig", decimal=",")
    assert {
        "signalen",
        "signalen_mist",
        "signalen_goed",
        "signalen_knelpunt",
        "signaal_vs_meting",
    } <= set(tabel.columns)
    rij = tabel.set_index(["wijkcode", "categorie"]).loc[("WK999901", "huisarts")]
    assert rij["signalen"] == 2 and rij["signalen_mist"] == 2
    assert int(tabel["signalen"].sum()) == 2  # 0 everywhere else, not empty
    assert tabel["signalen"].notna().all()
    # the existing columns are untouched
    verwacht = join_signalen(analyse.hiaten, signalen["wijk"])
    assert list(verwacht.columns[: len(analyse.hiaten.columns)]) == list(analyse.hiaten.columns)
    score = analyse.hiaten.loc[("WK999901", "huisarts"), "hiaatscore"]
    assert rij["signaal_vs_meting"] == (
        "bevestigt" if score >= 25 else "tegenstrijdig" if score < 10 else ""
    ) or (pd.isna(rij["signaal_vs_meting"]) and 10 <= score < 25)
    import openpyxl

    boek = openpyxl.load_workbook(met["xlsx"])
    koppen = next(boek["Hiaten per wijk"].values)
    assert "Signalen bewoners" in koppen and "Bewoners vs. meting" in koppen


def test_gap_map_shows_the_pins_with_their_text_escaped(tmp_path, opslag, gemeente):
    """The gap map of 'kaart' draws the stored pins (clustered, coloured by oordeel) with
    their text in the popup as text; a pin whose text names a sensitive site is left out, and
    personal data never reaches the map (it was removed at import)."""
    pins = [
        *_pins(gemeente),
        (
            _lonlat(gemeente, "WK999901", 15),
            {"categorie": "anders", "tekst": "De vrouwenopvang hier is vol", "oordeel": "mist"},
        ),
    ]
    result = _importeer(opslag, _geojson(tmp_path / "inbreng.geojson", pins))
    assert result.exit_code == 0, result.output
    kaarten = tmp_path / "maps"
    result = runner.invoke(
        app,
        ["kaart", "demo", "--opslag", str(opslag), "--kaarten", str(kaarten)],
    )
    assert result.exit_code == 0, result.output
    html = (kaarten / "hiaten_GM9999.html").read_text(encoding="utf-8")
    assert "Inbreng van bewoners (" in html
    assert "Te ver" in html and "Altijd vol" in html
    # the hostile text stays text: HTML-escaped in the popup, which the map embeds as JSON
    assert "\\u0026lt;script\\u0026gt;alert(1)" in html
    assert "<script>alert(1)</script>" not in html
    assert "De vrouwenopvang hier" not in html  # names a sensitive site: left out
    assert "06-12345678" not in html and "piet.de.vries" not in html and "Piet de Vries" not in html
