"""Municipal registers (CSV/Excel) through a column mapping: coordinates, addresses, bad rows."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import geopandas as gpd
import openpyxl
import pytest
import responses
import shapely
from responses import matchers

from gebiedsplan import settings
from gebiedsplan.bronnen.locatieserver import LOCATIESERVER_URL, RIJEN, VELDEN
from gebiedsplan.bronnen.register import load_koppeling, read_register
from gebiedsplan.catalogus import load_catalogus
from gebiedsplan.errors import BronError, CRSError, GebiedsplanError, SchemaError

FIXTURES = Path(__file__).parent / "fixtures"
REGISTERS = settings.wijken_dir / "registers"

#: A welzijn/wijkteam register with RD or degree columns.
WELZIJN = {
    "laag": "voorzieningen",
    "prefix": "welzijn",
    "kolommen": {"naam": "Naam", "categorie": "Soort", "subcategorie": "Soort"},
    "waarden": {"categorie": {"Buurthuis": "ontmoeting", "Wijkteam": "welzijn"}},
    "vast": {"bron": "Welzijnsregister Rivierstad (test)"},
    "locatie": {"x": "X", "y": "Y", "crs": "auto"},
}
#: An IAB register (accommodaties) with an id column.
IAB = {
    "laag": "accommodaties",
    "kolommen": {
        "id": "Nummer",
        "naam": "Naam",
        "functies": "Functies",
        "eigenaar": "Eigenaar",
        "bvo_m2": "BVO",
        "capaciteit": "Capaciteit",
        "status": "Status",
    },
    "waarden": {"status": {"In gebruik": "in_gebruik", "Leeg": "leegstand"}},
    "locatie": {"x": "X", "y": "Y", "crs": "EPSG:28992"},
}


def write_csv(path: Path, rows: list[list[object]], *, sep: str = ";") -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f, delimiter=sep).writerows(rows)
    return path


def welzijn_csv(tmp_path: Path, punten: list[tuple[object, object]]) -> Path:
    rows: list[list[object]] = [["Naam", "Soort", "X", "Y"]]
    for i, (x, y) in enumerate(punten):
        rows.append([f"Locatie {i + 2}", "Buurthuis" if i % 2 == 0 else "Wijkteam", x, y])
    return write_csv(tmp_path / "welzijn.csv", rows)


def problemen(excinfo: pytest.ExceptionInfo[SchemaError]) -> str:
    return "\n".join(excinfo.value.problemen)


# --------------------------------------------------------------------------- coordinates


def test_rd_coordinates_detected_and_ids_from_row_numbers(tmp_path):
    pad = welzijn_csv(tmp_path, [(172000, 492000), ("172500,5", "493000")])
    laag = read_register(pad, koppeling=WELZIJN)
    data = laag.data
    assert list(data.index) == ["welzijn:2", "welzijn:3"]
    assert data.crs == "EPSG:28992"
    assert (data.geometry.x.tolist(), data.geometry.y.tolist()) == (
        [172000.0, 172500.5],
        [492000.0, 493000.0],
    )
    assert data["categorie"].tolist() == ["ontmoeting", "welzijn"]
    assert data["subcategorie"].tolist() == ["Buurthuis", "Wijkteam"]
    assert data["bron"].tolist() == ["Welzijnsregister Rivierstad (test)"] * 2
    assert data["register_rij"].tolist() == [2, 3]
    assert laag.herkomst.bron == "Welzijnsregister Rivierstad (test)"
    # no dates in the mapping: the file's date for both, and the query says so
    datum = dt.date.fromtimestamp(pad.stat().st_mtime).isoformat()
    assert (laag.herkomst.datum, laag.herkomst.peildatum, laag.herkomst.indeling) == (
        datum,
        datum,
        "",
    )
    assert laag.herkomst.query.endswith("peildatum niet opgegeven: datum van het register")


def test_peildatum_from_the_mapping_else_the_year_in_the_file_name(tmp_path):
    koppeling = {**WELZIJN, "herkomst": {"datum": "2025-03-01", "peildatum": "2025-01-01"}}
    pad = welzijn_csv(tmp_path, [(172000, 492000)])
    h = read_register(pad, koppeling=koppeling).herkomst
    assert (h.datum, h.peildatum) == ("2025-03-01", "2025-01-01")
    assert h.query.endswith("peildatum uit de koppeling")
    met_jaar = pad.rename(tmp_path / "welzijn_2024.csv")
    h = read_register(met_jaar, koppeling=WELZIJN).herkomst
    assert h.peildatum == "2024" and h.query.endswith("peildatum: jaar in de bestandsnaam")


def test_wgs84_detected_and_reprojected(tmp_path):
    # The RD origin, Onze Lieve Vrouwetoren Amersfoort: RD (155000, 463000) is
    # lon 5.38720621, lat 52.15517440 (published definition of RD), here with a decimal comma.
    pad = welzijn_csv(tmp_path, [("5,38720621", "52,15517440"), (5.9, 52.0)])
    data = read_register(pad, koppeling=WELZIJN).data
    punt = data.geometry.iloc[0]
    assert punt.x == pytest.approx(155000.0, abs=1.0)
    assert punt.y == pytest.approx(463000.0, abs=1.0)


def test_stated_wgs84_holding_rd_numbers_names_the_rows(tmp_path):
    koppeling = WELZIJN | {"locatie": {"x": "X", "y": "Y", "crs": "EPSG:4326"}}
    pad = welzijn_csv(tmp_path, [(5.9, 52.0), (190000, 444000), (5.91, 52.01), (191000, 445000)])
    with pytest.raises(SchemaError) as excinfo:
        read_register(pad, koppeling=koppeling)
    tekst = problemen(excinfo)
    assert len(excinfo.value.problemen) == 1
    assert "crs EPSG:4326 (graden), maar 'X'/'Y' in rij 3, 5" in tekst
    assert "RD-coördinaten in meters" in tekst
    assert "zet crs: EPSG:28992 of crs: auto" in tekst


def test_stated_rd_holding_degrees_names_the_rows(tmp_path):
    koppeling = WELZIJN | {"locatie": {"x": "X", "y": "Y", "crs": "EPSG:28992"}}
    pad = welzijn_csv(tmp_path, [(172000, 492000), (5.9, 52.0)])
    with pytest.raises(SchemaError, match=r"maar rij 3 heeft graden"):
        read_register(pad, koppeling=koppeling)


def test_swapped_rd_x_y_is_an_error_with_the_fix(tmp_path):
    pad = welzijn_csv(tmp_path, [(172000, 492000), (492000, 172000), (463000, 155000)])
    with pytest.raises(SchemaError) as excinfo:
        read_register(pad, koppeling=WELZIJN)
    tekst = problemen(excinfo)
    assert "x en y lijken verwisseld in rij 3, 4" in tekst
    assert "zet in de koppeling x: Y, y: X" in tekst


def test_swapped_lat_lon_is_an_error(tmp_path):
    pad = welzijn_csv(tmp_path, [(52.0, 5.9)])
    with pytest.raises(SchemaError, match="lengte- en breedtegraad lijken verwisseld in rij 2"):
        read_register(pad, koppeling=WELZIJN)


def test_mixed_systems_in_one_file_is_an_error(tmp_path):
    pad = welzijn_csv(tmp_path, [(172000, 492000), (5.9, 52.0), (172100, 492100)])
    with pytest.raises(SchemaError) as excinfo:
        read_register(pad, koppeling=WELZIJN)
    assert problemen(excinfo) == (
        "het register mengt RD-coördinaten (rij 2, 4) en graden WGS84 (rij 3); één stelsel "
        "per register: reken de afwijkende rijen om"
    )


def test_coordinates_in_neither_range_and_missing_ones(tmp_path):
    pad = welzijn_csv(tmp_path, [(172000, 492000), (12.5, 41.9), ("", 492000), ("oost", 1)])
    with pytest.raises(SchemaError) as excinfo:
        read_register(pad, koppeling=WELZIJN)
    tekst = problemen(excinfo)
    assert "coördinaten in rij 3 (bv. '12.5 / 41.9') liggen niet in Nederland" in tekst
    assert "x/y ('X'/'Y') ontbreekt in rij 4" in tekst
    assert "x/y ('X'/'Y'): geen getal in rij 5 (bv. 'oost / 1')" in tekst


# --------------------------------------------------------------------------- values


def test_missing_columns_and_non_numeric_values_in_one_error(tmp_path):
    pad = write_csv(
        tmp_path / "iab.csv",
        [
            ["Nummer", "Naam", "Functies", "BVO", "Capaciteit", "Status", "X", "Y"],
            ["A1", "Buurthuis Noord", "ontmoeting", "640", "160", "In gebruik", 172000, 492000],
            ["A2", "Sporthal", "sport", "groot", "", "In gebruik", 172100, 492100],
            ["A3", "", "ontmoeting", "1.250", "veel", "Leeg", 172200, 492200],
            ["A4", "School", "onderwijs", "n.v.t.", "", "Gesloopt", 172300, 492300],
        ],
    )
    with pytest.raises(SchemaError) as excinfo:
        read_register(pad, koppeling=IAB)
    lijst = excinfo.value.problemen
    assert lijst[0].startswith("kolom 'Eigenaar' (voor eigenaar) ontbreekt in iab.csv")
    assert "kolom 'Naam' (naam): lege waarde in rij 4; deze kolom is verplicht" in lijst
    assert "kolom 'BVO' (bvo_m2): geen getal in rij 3, 5 (bv. 'groot', 'n.v.t.')" in lijst
    # 1.250 is 1250 (Dutch thousands) or 1,25 (decimal point): refused, never read as 1.25
    assert (
        "kolom 'BVO' (bvo_m2): '1.250' in rij 4 is dubbelzinnig: 1250 met een punt tussen "
        "duizendtallen, of 1.25 met een decimale punt; is 1250 bedoeld, schrijf het zonder "
        "scheiding tussen duizendtallen (1250); is 1,25 bedoeld, schrijf 1,25 of zet in de "
        "koppeling hoe het register getallen schrijft, bv. getallen: {decimaal: ',', "
        "duizendtal: '.'} of getallen: {decimaal: '.'}"
    ) in lijst
    assert "kolom 'Capaciteit' (capaciteit): geen getal in rij 4 (bv. 'veel')" in lijst
    status = [p for p in lijst if p.startswith("kolom 'Status'")]
    assert status == [
        "kolom 'Status' (status): onbekende waarde in rij 5 ('Gesloopt'); de koppeling "
        "vertaalt: In gebruik, Leeg; de catalogus kent: in_gebruik, leegstand, gepland, "
        "gesloten. Voeg het woord toe onder 'waarden: status:' in de koppeling"
    ]
    assert len(lijst) == 6  # the ambiguous 1.250 has its own line
    assert str(excinfo.value).startswith("Laag 'accommodaties' uit ")


def test_accommodaties_register_with_lists_and_empty_capacity(tmp_path):
    koppeling = IAB | {
        "kolommen": IAB["kolommen"] | {"eigenaar": "Eigenaar"},
        "waarden": IAB["waarden"]
        | {"functies": {"Buurthuis": "ontmoeting", "CJG": "jeugd_en_gezin"}},
        "lijst": {"functies": ","},
    }
    pad = write_csv(
        tmp_path / "iab.csv",
        [
            ["Nummer", "Naam", "Functies", "Eigenaar", "BVO", "Capaciteit", "Status", "X", "Y"],
            [
                17,
                "MFA Haven",
                "Buurthuis, CJG, buurthuis",
                "gemeente",
                "2400,5",
                "",
                "leeg",
                172000,
                492000,
            ],
        ],
    )
    data = read_register(pad, koppeling=koppeling).data
    rij = data.loc["17"]
    assert rij["functies"] == "ontmoeting;jeugd_en_gezin"
    assert rij["bvo_m2"] == 2400.5
    assert rij["status"] == "leegstand"
    assert data["capaciteit"].isna().all() and data["bezetting"].isna().all()


def test_unknown_category_lists_the_known_ones(tmp_path):
    pad = write_csv(
        tmp_path / "welzijn.csv",
        [
            ["Naam", "Soort", "X", "Y"],
            ["De Linde", "buurthuis", 172000, 492000],
            ["Bakker Jansen", "Bakkerij", 172100, 492100],
            ["Wijkteam Zuid", "Wijkteam", 172200, 492200],
            ["Sporthal", "Sport", 172300, 492300],
        ],
    )
    with pytest.raises(SchemaError) as excinfo:
        read_register(pad, koppeling=WELZIJN)
    bekend = ", ".join(load_catalogus().categorieen)  # ontmoeting, welzijn, huisarts, ...
    assert excinfo.value.problemen == [
        "kolom 'Soort' (categorie): onbekende waarde in rij 3 ('Bakkerij'); de koppeling "
        f"vertaalt: Buurthuis, Wijkteam; de catalogus kent: {bekend}. Voeg het woord toe "
        "onder 'waarden: categorie:' in de koppeling"
    ]
    assert bekend.startswith("ontmoeting, welzijn, huisarts")


def test_duplicate_and_empty_ids(tmp_path):
    koppeling = IAB | {"kolommen": IAB["kolommen"] | {"eigenaar": "Eigenaar"}}
    rows: list[list[object]] = [
        ["Nummer", "Naam", "Functies", "Eigenaar", "BVO", "Capaciteit", "Status", "X", "Y"]
    ]
    for nummer in ("A1", "A2", "A1", ""):
        rows.append(
            [nummer, "Huis", "ontmoeting", "gemeente", 100, "", "In gebruik", 172000, 492000]
        )
    pad = write_csv(tmp_path / "iab.csv", rows)
    with pytest.raises(SchemaError) as excinfo:
        read_register(pad, koppeling=koppeling)
    assert excinfo.value.problemen == [
        "id 'A1' staat in meer dan één rij (2, 4); ids moeten uniek zijn",
        "kolom 'Nummer' (id): leeg in rij 5; elke rij heeft een eigen id nodig",
    ]


def test_windows_1252_csv_with_comma_separator(tmp_path):
    pad = tmp_path / "welzijn.csv"
    pad.write_bytes("Naam,Soort,X,Y\nCafé De Brug,Buurthuis,172000,492000\n".encode("cp1252"))
    data = read_register(pad, koppeling=WELZIJN).data
    assert data["naam"].tolist() == ["Café De Brug"]


# --------------------------------------------------------------------------- gemeente


def test_row_outside_the_gemeente_is_named(tmp_path, demo):
    pad = welzijn_csv(tmp_path, [(172000, 492000), (180000, 492000), (171500, 493500)])
    with pytest.raises(SchemaError) as excinfo:
        read_register(pad, koppeling=WELZIJN, gemeente_vlak=demo.wijken)
    assert excinfo.value.problemen == [
        "rij 3 (Locatie 3) ligt buiten de gemeente (RD 180000, 492000); controleer de "
        "coördinaten of het adres, of laat de rij weg"
    ]
    # the same register within the gemeente passes
    pad = welzijn_csv(tmp_path, [(172000, 492000), (171500, 493500)])
    assert len(read_register(pad, koppeling=WELZIJN, gemeente_vlak=demo.wijken).data) == 2


def test_gemeente_vlak_without_crs_or_not_in_rd_is_refused(tmp_path, demo):
    pad = welzijn_csv(tmp_path, [(172000, 492000)])
    with pytest.raises(CRSError, match="gemeente_vlak heeft geen CRS"):
        read_register(
            pad, koppeling=WELZIJN, gemeente_vlak=gpd.GeoSeries([shapely.box(0, 0, 1, 1)])
        )
    with pytest.raises(CRSError, match="ligt niet in RD-coördinaten"):
        read_register(pad, koppeling=WELZIJN, gemeente_vlak=shapely.box(5.8, 51.9, 6.0, 52.1))


# --------------------------------------------------------------------------- Excel


def write_xlsx(path: Path, blad: str, rows: list[list[object]]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Toelichting"
    ws.append(["Dit blad is geen register"])
    ws = wb.create_sheet(blad)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def test_excel_row_numbers_are_the_spreadsheet_rows(tmp_path):
    pad = write_xlsx(
        tmp_path / "welzijn.xlsx",
        "Locaties",
        [
            ["Naam", "Soort", "X", "Y"],
            ["De Linde", "Buurthuis", 172000, 492000],
            [None, None, None, None],  # spreadsheet row 3 is empty
            ["Wijkteam Zuid", "Wijkteam", 172200.5, 492200],
            ["Kapsalon", "Kapsalon", 172300, 492300],  # row 5: unknown word
            ["Fout", "Buurthuis", "n.b.", 492400],  # row 6: no number
        ],
    )
    with pytest.raises(SchemaError) as excinfo:
        read_register(pad, koppeling=WELZIJN, sheet="Locaties")
    tekst = problemen(excinfo)
    assert "onbekende waarde in rij 5 ('Kapsalon')" in tekst
    assert "x/y ('X'/'Y'): geen getal in rij 6" in tekst

    goed = write_xlsx(
        tmp_path / "goed.xlsx",
        "Locaties",
        [
            ["Naam", "Soort", "X", "Y"],
            ["De Linde", "Buurthuis", 172000, 492000],
            [None] * 4,
            ["Wijkteam Zuid", "Wijkteam", 172200.5, 492200],
        ],
    )
    data = read_register(goed, koppeling=WELZIJN | {"blad": "Locaties"}).data
    assert list(data.index) == ["welzijn:2", "welzijn:4"]
    assert data.geometry.x.tolist() == [172000.0, 172200.5]


def test_excel_sheet_that_does_not_exist_lists_the_sheets(tmp_path):
    pad = write_xlsx(tmp_path / "r.xlsx", "Locaties", [["Naam", "Soort", "X", "Y"]])
    with pytest.raises(BronError, match="geen blad 'Adressen'; aanwezig: Toelichting, Locaties"):
        read_register(pad, koppeling=WELZIJN, sheet="Adressen")


# --------------------------------------------------------------------------- the mapping


def test_mapping_file_problems_all_at_once_with_line_numbers(tmp_path):
    pad = tmp_path / "k.yml"
    pad.write_text(
        "laag: accommodaties\n"
        "kolommen:\n"
        "  naam: Naam\n"
        "  bvo: BVO\n"
        "waarden:\n"
        "  status: {Open: open}\n"
        "locatie:\n"
        "  x: X\n"
        "  y: Y\n"
        "  crs: EPSG:3857\n",
        encoding="utf-8",
    )
    with pytest.raises(GebiedsplanError) as excinfo:
        load_koppeling(pad)
    tekst = str(excinfo.value)
    assert f"{pad}, regel 4: laag 'accommodaties' heeft geen kolom 'bvo'" in tekst
    for kolom in ("functies", "eigenaar", "bvo_m2", "status"):
        assert f"verplichte kolom '{kolom}' van laag 'accommodaties' krijgt geen waarde" in tekst
    assert (
        f"{pad}, regel 6: waarden voor 'status', maar 'status' staat niet onder 'kolommen'" in tekst
    )
    assert f"{pad}, regel 10: crs 'EPSG:3857'" in tekst
    assert f"Koppeling niet bruikbaar ({pad}; 7 problemen)" in tekst


def test_mapping_to_an_unknown_category_and_no_location():
    with pytest.raises(GebiedsplanError) as excinfo:
        load_koppeling(
            {
                "laag": "voorzieningen",
                "kolommen": {"naam": "Naam", "categorie": "Soort"},
                "waarden": {"categorie": {"Buurthuis": "buurthuis"}},
            }
        )
    tekst = str(excinfo.value)
    assert (
        "'Buurthuis' wordt 'buurthuis', maar dat is geen geldige waarde voor 'categorie'" in tekst
    )
    assert "geen locatie: geef x/y-kolommen met crs" in tekst
    with pytest.raises(GebiedsplanError, match="laag 'buurten' kan niet uit een register komen"):
        load_koppeling({"laag": "buurten", "locatie": {"x": "X", "y": "Y", "crs": "auto"}})


def test_example_mapping_reads_the_fictitious_example_register():
    laag = read_register(
        REGISTERS / "arnhem_accommodaties_voorbeeld.csv",
        koppeling=REGISTERS / "arnhem_accommodaties.yml",
    )
    data = laag.data
    assert list(data.index) == ["IAB-001", "IAB-002", "IAB-003", "IAB-004", "IAB-005"]
    assert data.loc["IAB-005", "functies"] == "ontmoeting;welzijn;jeugd_en_gezin;bibliotheek"
    assert data.loc["IAB-004", "status"] == "leegstand"
    assert data.loc["IAB-001", "bezetting"] == 0.72
    assert laag.herkomst.synthetisch is True
    assert (laag.herkomst.peildatum, laag.herkomst.datum) == ("2025-01-01", "2025-01-01")
    load_koppeling(REGISTERS / "arnhem_welzijn_wijkteams.yml")  # the address template is valid


# --------------------------------------------------------------------------- addresses


@pytest.fixture
def locatieserver(tmp_path, monkeypatch):
    monkeypatch.setattr(settings, "cache_dir", tmp_path / "cache")
    monkeypatch.setattr(settings, "cache", True)
    monkeypatch.setattr(settings, "alleen_cache", False)
    antwoorden = {
        "Molenstraat 12 9999ZZ Rivierstad": "molenstraat_12.json",
        "Kadeweg 3a Rivierstad": "kadeweg_3a.json",
        "Spookweg 1 9999ZY Rivierstad": "geen_treffer.json",
        "Lindenlaan 99 9999ZZ Rivierstad": "lindenlaan_99.json",
    }
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        for q, bestand in antwoorden.items():
            mock.add(
                responses.GET,
                LOCATIESERVER_URL,
                json=json.loads((FIXTURES / "locatieserver" / bestand).read_text("utf-8")),
                match=[
                    matchers.query_param_matcher(
                        {"q": q, "fq": "type:adres", "rows": str(RIJEN), "fl": VELDEN}
                    )
                ],
            )
        yield mock


ADRES = WELZIJN | {
    "locatie": {"straat": "Straat", "huisnummer": "Nr", "postcode": "Postcode", "plaats": "Plaats"}
}


def test_addresses_geocoded_and_bad_ones_reported_per_row(tmp_path, locatieserver, demo):
    pad = write_csv(
        tmp_path / "adressen.csv",
        [
            ["Naam", "Soort", "Straat", "Nr", "Postcode", "Plaats"],
            ["Buurthuis De Molen", "Buurthuis", "Molenstraat", "12", "9999 ZZ", "Rivierstad"],
            ["Wijkteam Spook", "Wijkteam", "Spookweg", "1", "9999ZY", "Rivierstad"],
            ["Buurthuis Linde", "Buurthuis", "Lindenlaan", "99", "9999ZZ", "Rivierstad"],
            ["Wijkteam Kade", "Wijkteam", "Kadeweg", "3a", "", "Rivierstad"],
            ["Zonder nummer", "Wijkteam", "Kadeweg", "", "", "Rivierstad"],
        ],
    )
    with pytest.raises(SchemaError) as excinfo:
        read_register(pad, koppeling=ADRES, gemeente_vlak=demo.wijken)
    assert excinfo.value.problemen == [
        "rij 3 (Wijkteam Spook): adres 'Spookweg 1 9999ZY Rivierstad' niet gevonden",
        "rij 4 (Buurthuis Linde): adres 'Lindenlaan 99 9999ZZ Rivierstad': ander huisnummer "
        "(gevonden: 'Lindenlaan 9, 9999ZZ Rivierstad')",
        "rij 6 (Zonder nummer): huisnummer ontbreekt",
    ]
    assert len(locatieserver.calls) == 4


def test_address_register_gives_points_and_the_found_address(tmp_path, locatieserver, demo):
    pad = write_csv(
        tmp_path / "adressen.csv",
        [
            ["Naam", "Soort", "Straat", "Nr", "Postcode", "Plaats"],
            ["Buurthuis De Molen", "Buurthuis", "Molenstraat", "12", "9999ZZ", "Rivierstad"],
            ["Wijkteam Kade", "Wijkteam", "Kadeweg", "3a", "", "Rivierstad"],
        ],
    )
    laag = read_register(pad, koppeling=ADRES, gemeente_vlak=demo.wijken)
    data = laag.data
    assert data.geometry.x.tolist() == [172350.412, 171880.0]
    assert data.geometry.y.tolist() == [493120.86, 492385.5]
    assert data["geocode_adres"].tolist() == [
        "Molenstraat 12, 9999ZZ Rivierstad",
        "Kadeweg 3a, 9999ZY Rivierstad",
    ]
    assert "adressen via PDOK Locatieserver v3.1" in laag.herkomst.query


# --------------------------------------------------------------------------- real Arnhem data


def test_arnhem_osm_points_as_a_wgs84_register_outside_rows_named(tmp_path, arnhem_data):
    """67 OSM points of Arnhem and the Oosterbeek/Velp fringe (ODbL) as a lon/lat register."""
    punten = gpd.read_file(arnhem_data / "osm_poi_arnhem_jetlag_2025.geojson")
    punten = punten[punten["category"].isin(["library", "park"])]
    rows: list[list[object]] = [["Naam", "Soort", "lon", "lat"]]
    rows += [[r.name, r.category, r.geometry.x, r.geometry.y] for r in punten.itertuples()]
    pad = write_csv(tmp_path / "arnhem_osm.csv", rows)
    koppeling = {
        "laag": "voorzieningen",
        "prefix": "osm",
        "kolommen": {"naam": "Naam", "categorie": "Soort"},
        "waarden": {"categorie": {"library": "bibliotheek", "park": "groen"}},
        "vast": {"bron": "OpenStreetMap (ODbL)"},
        "locatie": {"x": "lon", "y": "lat", "crs": "auto"},
    }
    wijken = gpd.read_file(arnhem_data / "arnhem_wijken_2024_generalised.gpkg")
    with pytest.raises(SchemaError) as excinfo:
        read_register(pad, koppeling=koppeling, gemeente_vlak=wijken)
    buiten = [p.split(" ligt buiten")[0] for p in excinfo.value.problemen]
    assert len(punten) == 39
    assert buiten == [
        "rij 5 (de Bibliotheek Oosterbeek | De Klipper)",
        "rij 18 (Tuin de Lage Oorsprong)",
        "rij 33 (Park Zuiderveld)",
        "rij 37 (Bato's Wijk)",
        "rij 40 (Park Hartenstein)",
    ]
    # without a gemeente polygon the 39 points load, reprojected to RD within Arnhem's extent
    data = read_register(pad, koppeling=koppeling).data
    assert len(data) == 39
    assert data["categorie"].value_counts().to_dict() == {"groen": 34, "bibliotheek": 5}
    assert data.geometry.x.min() > 180_000 and data.geometry.x.max() < 200_000


def test_arnhem_supermarkets_as_an_rd_excel_register(tmp_path, arnhem_data):
    """8 OSM supermarkets of north-central Arnhem (RD) as an Excel register: RD detected.

    The category is a placeholder (supermarkets are not in the vocabulary); the test is about
    the coordinates and the one supermarket without a name in OSM (spreadsheet row 9).
    """
    winkels = gpd.read_file(
        arnhem_data / "osm_geofabrik2018_arnhem_noord_centrum.gpkg", layer="supermarkets"
    )
    wijken = gpd.read_file(arnhem_data / "arnhem_wijken_2024_generalised.gpkg")
    kop: list[object] = ["Naam", "Soort", "X", "Y"]
    namen = [None if not isinstance(n, str) else n for n in winkels["name"]]
    rows = [kop] + [
        [n, "Buurthuis", g.x, g.y] for n, g in zip(namen, winkels.geometry, strict=True)
    ]
    with pytest.raises(SchemaError) as excinfo:
        read_register(
            write_xlsx(tmp_path / "w.xlsx", "Blad1", rows), koppeling=WELZIJN, sheet="Blad1"
        )
    assert excinfo.value.problemen == [
        "kolom 'Naam' (naam): lege waarde in rij 9; deze kolom is verplicht"
    ]

    rows[8][0] = "supermarkt zonder naam"
    pad = write_xlsx(tmp_path / "winkels.xlsx", "Blad1", rows)
    data = read_register(pad, koppeling=WELZIJN, sheet="Blad1", gemeente_vlak=wijken).data
    assert len(data) == 8
    assert data.geometry.x.round(3).tolist() == winkels.geometry.x.round(3).tolist()
    assert data.geometry.y.round(3).tolist() == winkels.geometry.y.round(3).tolist()


# --------------------------------------------------------------------------- functions


def _iab_functies(tmp_path: Path, functies: list[str], koppeling: dict | None = None):
    rijen: list[list[object]] = [
        ["Nummer", "Naam", "Functies", "Eigenaar", "BVO", "Capaciteit", "Status", "X", "Y"]
    ]
    for i, f in enumerate(functies):
        rijen.append(
            [
                f"A{i + 1}",
                f"Pand {i + 1}",
                f,
                "gemeente",
                "100",
                "",
                "In gebruik",
                172000 + 10 * i,
                492000,
            ]
        )
    pad = write_csv(tmp_path / "iab.csv", rijen)
    basis = IAB | {
        "kolommen": IAB["kolommen"] | {"eigenaar": "Eigenaar"},
        "lijst": {"functies": ","},
    }
    return read_register(pad, koppeling=basis | (koppeling or {}))


def test_functies_worden_namen_van_de_woordenlijst(tmp_path):
    """Every spelling of a function word is stored as its name; the order is kept."""
    data = _iab_functies(
        tmp_path,
        [
            "Buurthuis, vrouwenopvang",
            "VROUWENOPVANG; Buurthuis",
            "beschermd  wonen",
            "Wijkteam / Beschermd-Wonen",
            "Blijf-van-m'n-lijfhuis, CJG, cjg",
            "Wijkcentrum, Maatschappelijke Opvang",
            "AZC",
            "Sporthal, Gymzaal",
            "basisschool, Voortgezet onderwijs",
        ],
    ).data
    assert data["functies"].tolist() == [
        "ontmoeting;vrouwenopvang",
        "vrouwenopvang;ontmoeting",
        "beschermd_wonen",
        "welzijn;beschermd_wonen",
        "vrouwenopvang;jeugd_en_gezin",
        "ontmoeting;maatschappelijke_opvang",
        "asielopvang",
        "sport",
        "basisschool;onderwijs",
    ]


def test_onbekend_functiewoord_wordt_geweigerd_met_rij_en_herstel(tmp_path):
    with pytest.raises(SchemaError) as excinfo:
        _iab_functies(
            tmp_path, ["Buurthuis, Repetitiezaal", "Repetitiezaal", "tijdelijke nachtopvang"]
        )
    lijst = excinfo.value.problemen
    assert lijst[:2] == [
        "kolom 'Functies' (functies): onbekende functie 'Repetitiezaal' in rij 2, 3",
        "kolom 'Functies' (functies): onbekende functie 'tijdelijke nachtopvang' (bevat een "
        "woord voor een gevoelige functie) in rij 4",
    ]
    assert "'waarden: functies:' in de koppeling" in lijst[2]
    assert "bv. 'Repetitiezaal: overig'" in lijst[2]
    assert "vrouwenopvang, maatschappelijke_opvang, beschermd_wonen" in lijst[2]
    assert len(lijst) == 3
    # the gemeente's own word, translated in the koppeling (tolerant as the vocabulary is)
    data = _iab_functies(
        tmp_path,
        ["Buurthuis, Repetitiezaal", "REPETITIE-ZAAL", "Het Baken"],
        {
            "waarden": IAB["waarden"]
            | {"functies": {"Repetitiezaal": "cultuur", "Het Baken": "beschermd wonen"}}
        },
    ).data
    assert data["functies"].tolist() == ["ontmoeting;cultuur", "cultuur", "beschermd_wonen"]


def test_koppeling_kan_een_gevoelige_functie_niet_openbaar_maken():
    koppeling = IAB | {
        "waarden": IAB["waarden"]
        | {
            "functies": {
                "Vrouwenopvang": "ontmoeting",
                "Huize nachtopvang": "welzijn",
                "Buurthuis": "buurtwerk",
                "AZC": "asielopvang",
            }
        },
    }
    with pytest.raises(GebiedsplanError) as excinfo:
        load_koppeling(koppeling)
    tekst = str(excinfo.value)
    assert (
        "'Vrouwenopvang' is een gevoelige functie (lagen/catalogus/functies.yml) en mag niet "
        "'ontmoeting' worden" in tekst
    )
    assert "'Huize nachtopvang' is een gevoelige functie" in tekst
    assert "'Buurthuis' wordt 'buurtwerk', maar dat is geen functie" in tekst
    assert "AZC" not in tekst  # a sensitive word kept sensitive is fine
    assert "3 problemen" in tekst
    vast = IAB | {
        "kolommen": {k: v for k, v in IAB["kolommen"].items() if k != "functies"},
        "vast": {"functies": "Buurthuis, Kapsalon"},
    }
    with pytest.raises(GebiedsplanError) as excinfo:
        load_koppeling(vast)
    assert "vaste functies 'Buurthuis, Kapsalon': onbekende functie 'Kapsalon'" in str(
        excinfo.value
    )
    # a facility register cannot file a shelter under a published category either
    with pytest.raises(GebiedsplanError, match="'Opvang' is een gevoelige functie"):
        load_koppeling(WELZIJN | {"waarden": {"categorie": {"Opvang": "welzijn"}}})


def test_categorie_uit_de_woordenlijst_van_functies(tmp_path):
    """A facility register's category word that the koppeling does not translate may be a
    function word: 'Vrouwenopvang' is category opvang, 'Sporthal' sport."""
    pad = write_csv(
        tmp_path / "welzijn.csv",
        [
            ["Naam", "Soort", "X", "Y"],
            ["De Linde", "Buurthuis", 172000, 492000],
            ["Het Schuilhuis", "Vrouwenopvang", 172100, 492100],
            ["Sporthal Zuid", "sporthal", 172200, 492200],
        ],
    )
    data = read_register(pad, koppeling=WELZIJN).data
    assert data["categorie"].tolist() == ["ontmoeting", "opvang", "sport"]
    assert data["subcategorie"].tolist() == ["Buurthuis", "Vrouwenopvang", "sporthal"]
