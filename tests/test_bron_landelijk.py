"""National registers for facilities (issue 13, part 3): DUO primary schools and LRK child care,
read through their koppeling, geocoded in one batch, filtered to the gemeente and its border
buffer, unplaceable rows reported by row; and one place in OpenStreetMap and a register counted
once.

Every answer is recorded (tests/fixtures/duo, lrk, pdok/gemeenten_rond_GM9999.json and the
Locatieserver answers; ``landelijke_diensten.py`` serves them); nothing goes online.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from landelijke_diensten import FIXTURES, PDOK_GEMEENTEN, aanroepen, diensten
from shapely import Point

from gebiedsplan.bronnen import duo, lrk
from gebiedsplan.bronnen.duo import DUO_URL
from gebiedsplan.bronnen.locatieserver import LOCATIESERVER_URL
from gebiedsplan.bronnen.lrk import LRK_URL
from gebiedsplan.bronnen.ontdubbelen import load_regel, naam_gelijkenis, ontdubbel, tel_paren
from gebiedsplan.bronnen.register import load_koppeling
from gebiedsplan.bronnen.register.landelijk import gemeentecode_uit
from gebiedsplan.errors import SchemaError
from gebiedsplan.importeren import reikwijdte

GEMEENTEN = {"GM9999": "Rivierstad", "GM9998": "Buurdorp"}


@pytest.fixture(scope="module")
def gebied(demo):
    """Rivierstad plus its walking border buffer (2 km), as ophalen and importeer use it."""
    return reikwijdte(shapely.union_all(demo.wijken.geometry.to_numpy()), "lopen")


# --------------------------------------------------------------------------- DUO


def test_fetch_duo_keeps_the_gemeente_and_its_buffer_and_reports_rows_it_cannot_place(
    tmp_path, gebied
):
    with diensten(tmp_path / "cache") as mock:
        laag = duo.fetch_duo("GM9999", gebied=gebied, jaar=2024)
        asked = aanroepen(mock, LOCATIESERVER_URL)
        bestand, pdok = aanroepen(mock, DUO_URL), aanroepen(mock, PDOK_GEMEENTEN)
    data = laag.data
    # Rivierstad's two placeable schools, and Buurdorp's school within the buffer
    assert data.index.tolist() == ["duo:99ZZ00", "duo:99ZY00", "duo:99ZW00"]
    assert data["naam"].tolist() == ["OBS de Linde", "CBS Het Kompas", "Dorpsschool Buurdorp"]
    assert set(data["categorie"]) == {"basisschool"}
    assert data["subcategorie"].tolist() == [
        "Openbaar",
        "Protestants-Christelijk",
        "Algemeen bijzonder",
    ]
    assert (data.geometry.x.tolist(), data.geometry.y.tolist()) == (
        [172000.0, 173600.0, 174850.0],
        [492500.0, 493400.0, 491800.0],
    )
    assert data["bron"].unique().tolist() == ["DUO, vestigingen basisonderwijs"]
    assert data["register_rij"].tolist() == [2, 3, 6]
    assert data["geocode_adres"].iloc[0] == "Lindelaan 3, 9999ZA Rivierstad"
    # every row that could not be placed: file, row, name, address, reason
    assert [(n.bestand, n.rij, n.naam, n.adres) for n in laag.niet_geplaatst] == [
        ("vestigingenbo.csv", 4, "RKBS Sint Jozef", "Kerkstraat 12 9999ZE RIVIERSTAD"),
        (
            "vestigingenbo.csv",
            5,
            "OBS de Linde, dependance Nieuwbouw",
            "Nieuwe Weg 1 9999ZX RIVIERSTAD",
        ),
        ("vestigingenbo.csv", 8, "De Verre Vlucht", "Verre Weg 1 1234AB VERWEG"),
    ]
    redenen = [n.reden for n in laag.niet_geplaatst]
    assert redenen[0] == (
        "dubbelzinnig: huisnummer 12 zonder huisletter of toevoeging bestaat niet, wel "
        "'Kerkstraat 12A, 9999ZE Rivierstad' en 'Kerkstraat 12B, 9999ZE Rivierstad'; geef de "
        "huisletter of toevoeging"
    )
    assert redenen[1] == "niet gevonden"
    assert redenen[2].startswith("buiten de gemeente: het adres ligt buiten GM9999")
    assert "RD 120500, 480200" in redenen[2]
    # Buurdorp's school 3 km beyond the border (Verre Dreef) and Arnhem's school are left out
    # without comment; Arnhem's address is not even asked
    assert len(asked) == 7
    assert not any("ARNHEM" in u for u in asked)
    assert (len(bestand), len(pdok)) == (1, 1)
    h = laag.herkomst
    assert (h.bron, h.licentie) == (
        "DUO, vestigingen basisonderwijs",
        "CC BY 4.0 (Dienst Uitvoering Onderwijs)",
    )
    assert h.peildatum == h.datum
    assert DUO_URL in h.query and "koppeling duo_bo.yml" in h.query
    assert "5 basisscholen van GM9999, 2 van buurgemeenten (GM9998); 3 geplaatst, 3 niet" in h.query


def test_a_second_fetch_sends_no_request(tmp_path, gebied):
    """Every answer is cached: the national file, PDOK's gemeenten and each address."""
    with diensten(tmp_path / "cache"):
        eerste = duo.fetch_duo("GM9999", gebied=gebied, jaar=2024)
    with diensten(tmp_path / "cache") as mock:
        tweede = duo.fetch_duo("GM9999", gebied=gebied, jaar=2024)
        assert len(mock.calls) == 0
    pd.testing.assert_frame_equal(eerste.data, tweede.data)


def test_read_duo_reads_the_older_semicolon_windows_1252_file(tmp_path, gebied):
    """03.-alle-vestigingen-bo.csv: BRIN NUMMER / VESTIGINGSNUMMER, ';', Windows-1252."""
    with diensten(tmp_path / "cache") as mock:
        laag = duo.read_duo(
            FIXTURES / "duo" / "03.-alle-vestigingen-bo.csv",
            gemeentecode="GM9999",
            gebied=gebied,
            jaar=2024,
            gemeenten=GEMEENTEN,
        )
        assert len(aanroepen(mock, PDOK_GEMEENTEN)) == 0  # the gemeenten were given
    assert laag.data.index.tolist() == ["duo:99ZZ00", "duo:99ZY00", "duo:99ZW00"]
    assert laag.data.loc["duo:99ZY00", "naam"] == "CBS Het Kompas (Pélikaan)"
    assert [n.rij for n in laag.niet_geplaatst] == [4]
    assert "03.-alle-vestigingen-bo.csv" in laag.herkomst.query


def test_a_vestigingsnummer_of_two_digits_is_prefixed_with_its_brin(tmp_path, gebied):
    bron = FIXTURES / "duo" / "vestigingenbo.csv"
    with bron.open(encoding="utf-8", newline="") as f:
        rijen = list(csv.reader(f))
    for rij in rijen[1:]:
        rij[3] = rij[3][4:]  # 99ZZ00 -> 00
    pad = tmp_path / "vestigingen.csv"
    with pad.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rijen)
    with diensten(tmp_path / "cache"):
        laag = duo.read_duo(
            pad, gemeentecode="GM9999", gebied=gebied, jaar=2024, gemeenten=GEMEENTEN
        )
    assert laag.data.index.tolist() == ["duo:99ZZ00", "duo:99ZY00", "duo:99ZW00"]


def test_a_file_of_another_gemeente_is_refused(tmp_path, gebied):
    with diensten(tmp_path / "cache"), pytest.raises(SchemaError) as exc:
        duo.fetch_duo("GM9997", gebied=gebied, jaar=2024, gemeenten={"GM9997": "Verweg"})
    (probleem,) = exc.value.problemen
    assert probleem.startswith("geen enkele rij van gemeente GM9997 (Verweg) in vestigingenbo.csv")
    assert "GM0202, GM9998, GM9999" in probleem


# --------------------------------------------------------------------------- LRK


def test_fetch_lrk_reads_registered_day_care_and_bso_with_places_for_kdv_only(tmp_path, gebied):
    with diensten(tmp_path / "cache") as mock:
        laag = lrk.fetch_lrk("GM9999", gebied=gebied, jaar=2024)
        gevraagd = len(aanroepen(mock, LRK_URL)), len(aanroepen(mock, LOCATIESERVER_URL))
    data = laag.data
    # not: the agency (VGO), the childminder (GO), the unregistered KDV, Arnhem's KDV
    assert data.index.tolist() == [
        "lrk:199990001",
        "lrk:199990002",
        "lrk:199990006",
        "lrk:199990007",
    ]
    assert set(data["categorie"]) == {"kinderopvang"}
    assert data["subcategorie"].tolist() == [
        "kinderdagverblijf (KDV)",
        "buitenschoolse opvang (BSO)",
        "kinderdagverblijf (KDV)",
        "kinderdagverblijf (KDV)",
    ]
    # BSO places are for children of 4-12: not the kindplaatsen of the 0-3 norm (empty, not 0)
    plaatsen = data["capaciteit"].tolist()
    assert plaatsen[0] == 64 and math.isnan(plaatsen[1]) and plaatsen[2:] == [24, 48]
    # Buurdorp's KDV has no cbs_code: found by verantwoordelijke_gemeente
    assert data.loc["lrk:199990006", "geocode_adres"] == "Dorpsweg 1, 9998AB Buurdorp"
    # "Havenstraat 10-2": street and number split from one cell, the addition kept
    assert data.loc["lrk:199990007", "geocode_adres"] == "Havenstraat 10-2, 9999ZD Rivierstad"
    assert [n.tekst() for n in laag.niet_geplaatst] == [
        "export_opendata_lrk.csv, rij 9 (KDV Zonder Nummer): adres 'Polderweg 9999ZG "
        "Rivierstad': huisnummer ontbreekt"
    ]
    assert gevraagd == (1, 4)
    assert laag.herkomst.bron == "Landelijk Register Kinderopvang (LRK)"
    assert laag.herkomst.licentie.startswith("CC0")


def test_places_that_are_not_a_number_refuse_the_file(tmp_path, gebied):
    tekst = (FIXTURES / "lrk" / "export_opendata_lrk.csv").read_bytes().decode("cp1252")
    pad = tmp_path / "export_opendata_lrk.csv"
    pad.write_bytes(
        tekst.replace(";KDV Het Bolletje;64;", ";KDV Het Bolletje;veel;").encode("cp1252")
    )
    with diensten(tmp_path / "cache") as mock:
        with pytest.raises(SchemaError) as exc:
            lrk.read_lrk(pad, gemeentecode="GM9999", gebied=gebied, jaar=2024, gemeenten=GEMEENTEN)
        assert len(mock.calls) == 0  # refused before any address is asked
    assert exc.value.problemen == [
        "kolom 'aantal_kindplaatsen' (capaciteit): geen getal in rij 2 (bv. 'veel')"
    ]


def test_the_mapping_files_are_valid_koppelingen():
    from gebiedsplan import settings

    k = load_koppeling(settings.wijken_dir / "registers" / "lrk.yml")
    assert k.met_adres and k.locatie["adres"] == "opvanglocatie_adres"
    assert sorted(k.waarden["categorie"]) == ["BSO", "KDV"]  # VGO and GO are left out
    d = load_koppeling(settings.wijken_dir / "registers" / "duo_bo.yml")
    assert (d.prefix, d.kolommen["id"], d.vast["categorie"]) == (
        "duo",
        "VESTIGINGSCODE",
        "basisschool",
    )


def test_gemeentecode_in_the_ways_registers_write_it():
    assert [gemeentecode_uit(v) for v in ("0202", "202", 202, 202.0, "GM0202", " gm0202 ")] == [
        "GM0202"
    ] * 6
    assert gemeentecode_uit("ARNHEM") is None and gemeentecode_uit("") is None


# --------------------------------------------------------------------------- one place, once


def _voorzieningen(rijen: list[tuple[str, str, str, str, float, float]]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "naam": [r[1] for r in rijen],
            "categorie": [r[2] for r in rijen],
            "bron": [r[3] for r in rijen],
        },
        geometry=[Point(r[4], r[5]) for r in rijen],
        index=pd.Index([r[0] for r in rijen], name="id"),
        crs="EPSG:28992",
    )


OSM = "OpenStreetMap (Overpass API via osmnx)"


def test_a_school_in_osm_and_in_duo_40_m_apart_counts_once_a_different_school_60_m_away_stays():
    vz = _voorzieningen(
        [
            ("osm:way/101", "Basisschool De Linde", "basisschool", OSM, 172040.0, 492500.0),
            ("osm:node/102", "Montessorischool Het Anker", "basisschool", OSM, 172000.0, 492560.0),
            ("duo:99ZZ00", "OBS de Linde", "basisschool", "DUO", 172000.0, 492500.0),
        ]
    )
    uit, paren = ontdubbel(vz)
    assert uit.index.tolist() == ["osm:node/102", "duo:99ZZ00"]
    assert uit.loc["duo:99ZZ00", "samengevoegd_met"] == "osm:way/101"
    assert uit.loc["duo:99ZZ00", "naam"] == "OBS de Linde"  # the register wins
    assert paren.to_dict("records") == [
        {
            "bron_weg": OSM,
            "bron_blijft": "DUO",
            "id_weg": "osm:way/101",
            "id_blijft": "duo:99ZZ00",
            "naam_weg": "Basisschool De Linde",
            "naam_blijft": "OBS de Linde",
            "afstand_m": 40.0,
        }
    ]
    assert tel_paren(paren).to_dict("records") == [
        {"bron_weg": OSM, "bron_blijft": "DUO", "aantal": 1}
    ]
    # a second pass finds nothing more
    opnieuw, niets = ontdubbel(uit)
    assert niets.empty and opnieuw.index.tolist() == uit.index.tolist()


@pytest.mark.parametrize(
    ("osm", "afstand", "categorie", "samen"),
    [
        ("Basisschool De Linde", 99.0, "basisschool", True),  # within 100 m
        ("Basisschool De Linde", 101.0, "basisschool", False),  # beyond 100 m
        ("Basisschool De Linde", 10.0, "kinderopvang", False),  # another category
        ("Basisschool (zonder naam)", 5.0, "basisschool", False),  # no name to compare
        ("Basisschool De Lindeboom", 10.0, "basisschool", False),  # another name (0.71)
        ("Basisschool de Lindé", 10.0, "basisschool", True),  # accents and case
    ],
)
def test_the_rule_distance_category_and_name(osm, afstand, categorie, samen):
    vz = _voorzieningen(
        [
            ("osm:node/1", osm, categorie, OSM, 172000.0 + afstand, 492500.0),
            ("duo:99ZZ00", "OBS de Linde", "basisschool", "DUO", 172000.0, 492500.0),
        ]
    )
    uit, paren = ontdubbel(vz)
    assert (len(paren) == 1) is samen
    assert len(uit) == (1 if samen else 2)


def test_two_registers_are_never_merged_and_osm_rows_among_themselves_neither():
    vz = _voorzieningen(
        [
            ("duo:99ZZ00", "OBS de Linde", "basisschool", "DUO", 172000.0, 492500.0),
            ("welzijn:2", "OBS de Linde", "basisschool", "Register", 172010.0, 492500.0),
            ("osm:node/1", "De Linde", "kinderopvang", OSM, 172000.0, 492500.0),
            ("osm:node/2", "De Linde", "kinderopvang", OSM, 172005.0, 492500.0),
        ]
    )
    uit, paren = ontdubbel(vz)
    assert paren.empty and len(uit) == 4


def test_the_rule_is_data_with_its_reasons():
    regel = load_regel()
    assert (regel.max_afstand_m, regel.min_naam_gelijkenis) == (100.0, 0.8)
    assert naam_gelijkenis("RKBS St. Jozef", "Sint Jozefschool") == 1.0
    assert naam_gelijkenis("De Linde", "De Wilg") < 0.5
    from gebiedsplan import settings

    tekst = (settings.catalogus_dir / "ontdubbelen.yml").read_text(encoding="utf-8")
    for woord in ("Why these numbers", "100 m", "0.8", "names required"):
        assert woord in tekst


def test_fixture_readmes_are_there():
    for map_ in ("duo", "lrk", "locatieserver", "pdok"):
        assert (FIXTURES / map_ / "README.md").is_file()
    assert "gemeenten_rond_GM9999.json" in (FIXTURES / "pdok" / "README.md").read_text("utf-8")
    assert Path(FIXTURES / "lrk" / "README.md").read_text("utf-8").count("export_opendata_lrk") >= 1
