"""Exports of the gap table (gebiedsplan.export.write_hiaten): CSV, Excel and GeoPackage, together."""

from __future__ import annotations

import itertools

import geopandas as gpd
import numpy as np
import openpyxl
import pandas as pd
import pyogrio
import pytest

import gebiedsplan.export
import gebiedsplan.publiceren.qgis
from gebiedsplan._io import atomic_batch, atomic_path
from gebiedsplan.analyse.hiaten import HIAAT_KOLOMMEN
from gebiedsplan.bronnen import Herkomst, combine_herkomst
from gebiedsplan.catalogus import kolom_info
from gebiedsplan.errors import GebiedsplanError
from gebiedsplan.export import write_hiaten

WIJKCODES = [f"WK9999{i:02d}" for i in range(1, 7)]
CATEGORIEEN = [
    "ontmoeting",
    "welzijn",
    "huisarts",
    "jeugd_en_gezin",
    "basisschool",
    "kinderopvang",
    "sport",
    "speelplek",
    "bibliotheek",
    "groen",
]
FORMULE_TEKST = "Hiaatscore = 100 x max(0, doeldekking - aandeel binnen norm) / doeldekking"


def _schrijf(analyse, gemeente, map_, *, synthetisch=True):
    return write_hiaten(
        analyse.hiaten,
        gemeente.wijken,
        map_,
        naam="hiaten_GM9999",
        titel=gemeente.titel,
        herkomst=gemeente.herkomst,
        synthetisch=synthetisch,
    )


@pytest.fixture(scope="module")
def export_map(tmp_path_factory):
    return tmp_path_factory.mktemp("export") / "uitvoer"  # does not exist yet


@pytest.fixture(scope="module")
def paden(analyse, gemeente, export_map):
    return _schrijf(analyse, gemeente, export_map)


@pytest.fixture(scope="module")
def csv(paden) -> pd.DataFrame:
    return pd.read_csv(paden["csv"], sep=";", decimal=",", encoding="utf-8-sig")


@pytest.fixture(scope="module")
def werkboek(paden):
    return openpyxl.load_workbook(paden["xlsx"], read_only=False)


def _blad(werkboek, naam) -> list[tuple]:
    return list(werkboek[naam].iter_rows(values_only=True))


# --------------------------------------------------------------------------------------------
# files
# --------------------------------------------------------------------------------------------


def test_drie_bestanden_en_niets_anders(paden, export_map):
    assert set(paden) == {"csv", "xlsx", "gpkg"}
    for soort, pad in paden.items():
        assert pad == export_map / f"hiaten_GM9999.{soort}"
        assert pad.is_file() and pad.stat().st_size > 0
    assert sorted(p.name for p in export_map.iterdir()) == [
        "hiaten_GM9999.csv",
        "hiaten_GM9999.gpkg",
        "hiaten_GM9999.xlsx",
    ]


# --------------------------------------------------------------------------------------------
# CSV
# --------------------------------------------------------------------------------------------


def test_csv_heeft_60_rijen_en_de_kolommen(csv):
    assert len(csv) == 60
    assert list(csv.columns) == ["wijkcode", "categorie", "wijknaam", *HIAAT_KOLOMMEN]
    paren = set(zip(csv["wijkcode"], csv["categorie"], strict=True))
    assert paren == set(itertools.product(WIJKCODES, CATEGORIEEN))


def test_csv_waarden_gelijk_aan_hiatentabel(csv, analyse):
    hiaten = analyse.hiaten
    tabel = csv.set_index(["wijkcode", "categorie"]).loc[hiaten.index]
    np.testing.assert_allclose(
        tabel["hiaatscore"].to_numpy(dtype=float),
        hiaten["hiaatscore"].to_numpy(dtype=float).round(4),
        rtol=0,
        atol=1e-9,
        equal_nan=True,
    )
    np.testing.assert_allclose(
        tabel["aandeel_binnen_norm"].to_numpy(dtype=float),
        hiaten["aandeel_binnen_norm"].to_numpy(dtype=float).round(4),
        rtol=0,
        atol=1e-9,
        equal_nan=True,
    )
    for kolom in (
        "inwoners",
        "inwoners_buiten_norm",
        "inwoners_onbereikbaar",
        "aantal_voorzieningen",
    ):
        assert tabel[kolom].tolist() == hiaten[kolom].astype(int).tolist(), kolom
    assert tabel["rang"].tolist() == hiaten["rang"].astype(int).tolist()
    assert tabel["wijknaam"].tolist() == hiaten["wijknaam"].tolist()
    assert tabel["categorie_label"].tolist() == hiaten["categorie_label"].tolist()
    assert sorted(tabel["rang"]) == list(range(1, 61))


def test_csv_hiaatscore_met_vier_decimalen(paden):
    regels = paden["csv"].read_text(encoding="utf-8-sig").splitlines()
    kop = regels[0].split(";")
    i = kop.index("hiaatscore")
    waarden = [r.split(";")[i] for r in regels[1:]]
    # float_format %.4f with a decimal comma (Dutch dialect): every non-empty score has exactly
    # 4 decimals
    assert all(len(w.split(",")[1]) == 4 for w in waarden if w)


def test_csv_bekend_hiaat_oeverwijk_ontmoeting(csv):
    rij = csv[(csv["wijkcode"] == "WK999904") & (csv["categorie"] == "ontmoeting")].iloc[0]
    assert rij["wijknaam"] == "Oeverwijk"
    assert rij["categorie_label"] == "Ontmoeting / buurthuis"
    assert rij["aantal_voorzieningen"] == 0
    assert rij["norm_afstand_m"] == 600.0  # local norm of wijken/demo.yml
    assert rij["hiaatscore"] > 75


# --------------------------------------------------------------------------------------------
# Excel
# --------------------------------------------------------------------------------------------


def test_excel_bladen(werkboek):
    assert werkboek.sheetnames == ["Hiaten per wijk", "Kolommen", "Toelichting", "Bronnen"]


def test_excel_hiaten_met_nederlandse_koppen(werkboek, analyse):
    rijen = _blad(werkboek, "Hiaten per wijk")
    kop = list(rijen[0])
    # these headers, in this order (columns added since sit between them, with their own)
    verwacht = [
        "Wijkcode",
        "Categorie (code)",
        "Wijk",
        "Voorziening",
        "Voorzieningenlaag volledig?",
        "Aantal voorzieningen",
        "Inwoners (alle)",
        "Inwoners geanalyseerd",
        "Aandeel geanalyseerd",
        "Dekking wegennet",
        "Gem. loopafstand (m)",
        "Norm loopafstand (m)",
        "Doeldekking",
        "Aandeel binnen norm",
        "Inwoners buiten norm",
        "Inwoners onbereikbaar",
        "Hiaatscore (0-100)",
        "Waarom geen hiaatscore",
        "Doelgroep (inwoners)",
        "Behoefte-index",
        "Eenheid capaciteit",
        "Benodigde capaciteit",
        "Aanwezige capaciteit",
        "Voorzieningen zonder bekende capaciteit",
        "Capaciteitstekort",
        "Rang",
    ]
    assert [k for k in kop if k in verwacht] == verwacht
    assert kop == [
        kolom_info(k).kop for k in ["wijkcode", "categorie", "wijknaam", *HIAAT_KOLOMMEN]
    ]
    assert len(rijen) == 61
    data = pd.DataFrame(rijen[1:], columns=kop).set_index(["Wijkcode", "Categorie (code)"])
    hiaten = analyse.hiaten
    for (wijk, cat), rij in hiaten.iterrows():
        x = data.loc[(wijk, cat)]
        assert x["Wijk"] == rij["wijknaam"]
        assert x["Hiaatscore (0-100)"] == pytest.approx(rij["hiaatscore"], abs=1e-9)
        assert x["Rang"] == rij["rang"]
        assert x["Inwoners (alle)"] == rij["inwoners"]
    assert werkboek["Hiaten per wijk"].freeze_panes == "B2"  # header and wijkcode in view


def test_excel_toelichting_synthetisch_en_formule(werkboek):
    regels = [r[0] for r in _blad(werkboek, "Toelichting")]
    assert regels[0] == "Toelichting"
    tekst = "\n".join(regels[1:])
    assert "Hiatentabel sociale basis - Rivierstad (synthetisch)" in tekst
    assert "SYNTHETISCHE" in tekst
    assert FORMULE_TEKST in tekst


def test_excel_bronnen(werkboek, gemeente):
    rijen = _blad(werkboek, "Bronnen")
    assert list(rijen[0]) == [
        "Laag",
        "Bron",
        "Gegevens van",
        "Indeling",
        "Opgehaald/geïmporteerd",
        "Licentie",
        "Bevraging",
        "Synthetisch",
    ]
    data = rijen[1:]
    assert [r[0] for r in data] == list(gemeente.herkomst)  # one source per demo layer
    assert {"wijken", "buurten", "voorzieningen", "vraagpunten", "netwerk"} <= {r[0] for r in data}
    for r in data:
        if r[0] == "inbreng":  # the demo's wijkavond: a source of its own, on its own day
            assert (r[1], r[2]) == ("Inbreng Wijkavond Havenkwartier (synthetisch)", "2026-10-14")
            assert (r[3], r[4]) == ("-", "2026-01-01")
        else:
            assert r[1] == "gebiedsplan demo-generator"
            assert (r[2], r[3], r[4]) == ("2026-01-01", "-", "2026-01-01")  # no CBS indeling
        assert r[5].startswith("CC0")
        assert r[7] == "ja"


# --------------------------------------------------------------------------------------------
# GeoPackage
# --------------------------------------------------------------------------------------------


def test_geopackage_laag_hiaten(paden, gemeente, analyse):
    lagen = [str(r[0]) for r in pyogrio.list_layers(paden["gpkg"])]
    assert {"hiaten_wijk", "hiaten_wijk_tabel", "layer_styles"} <= set(lagen)
    # one feature per wijk, with the polygon of its wijk
    vlakken = gpd.read_file(paden["gpkg"], layer="hiaten_wijk")
    assert sorted(vlakken["wijkcode"]) == WIJKCODES
    assert vlakken.crs is not None and vlakken.crs.to_epsg() == 28992
    assert set(vlakken.geom_type) == {"Polygon"}
    for wijk, geom in vlakken.set_index("wijkcode").geometry.items():
        assert geom.equals_exact(gemeente.wijken.geometry[wijk], tolerance=1e-6)
    # the long table beside it: every wijk x category, the scores as computed
    tabel = pyogrio.read_dataframe(paden["gpkg"], layer="hiaten_wijk_tabel")
    assert set(zip(tabel["wijkcode"], tabel["categorie"], strict=True)) == set(
        itertools.product(WIJKCODES, CATEGORIEEN)
    )
    tabel = tabel.set_index(["wijkcode", "categorie"]).loc[analyse.hiaten.index]
    np.testing.assert_allclose(
        tabel["hiaatscore"].to_numpy(dtype=float),
        analyse.hiaten["hiaatscore"].to_numpy(dtype=float),
        rtol=1e-12,
        equal_nan=True,
    )


def test_geopackage_metadata(paden):
    meta = pyogrio.read_info(paden["gpkg"], layer="hiaten_wijk")["layer_metadata"]
    assert meta["synthetisch"] == "True"
    assert meta["titel"] == "Hiaten sociale basis - Rivierstad (synthetisch)"
    formule = "hiaatscore = 100 * max(0, doeldekking - aandeel_binnen_norm) / doeldekking"
    assert meta["formule"] == formule
    assert "gebiedsplan demo-generator" in meta["bronnen"]
    assert "CC0" in meta["bronnen"]


def test_niet_synthetisch_zegt_dat_ook(analyse, gemeente, tmp_path):
    paden = _schrijf(analyse, gemeente, tmp_path, synthetisch=False)
    meta = pyogrio.read_info(paden["gpkg"], layer="hiaten_wijk")["layer_metadata"]
    assert meta["synthetisch"] == "False"
    regels = [r[0] for r in _blad(openpyxl.load_workbook(paden["xlsx"]), "Toelichting")]
    assert not any("SYNTHETISCHE" in r for r in regels)
    assert any(FORMULE_TEKST in r for r in regels)


# --------------------------------------------------------------------------------------------
# all or nothing
# --------------------------------------------------------------------------------------------


def _kapot(*args, **kwargs):
    raise RuntimeError("GDAL: schijf vol")


def test_fout_halverwege_laat_niets_achter(analyse, gemeente, tmp_path, monkeypatch):
    monkeypatch.setattr(gebiedsplan.publiceren.qgis.pyogrio, "write_dataframe", _kapot)
    map_ = tmp_path / "uitvoer"
    with pytest.raises(RuntimeError, match="schijf vol"):
        _schrijf(analyse, gemeente, map_)
    for soort in ("csv", "xlsx", "gpkg"):
        assert not (map_ / f"hiaten_GM9999.{soort}").exists(), soort
    assert list(map_.iterdir()) == []  # no temporary files either


def test_fout_halverwege_laat_vorige_export_heel(analyse, gemeente, tmp_path, monkeypatch):
    oud = _schrijf(analyse, gemeente, tmp_path)
    inhoud = {soort: pad.read_bytes() for soort, pad in oud.items()}
    monkeypatch.setattr(gebiedsplan.publiceren.qgis.pyogrio, "write_dataframe", _kapot)
    with pytest.raises(RuntimeError):
        _schrijf(analyse, gemeente, tmp_path, synthetisch=False)
    for soort, pad in oud.items():
        assert pad.read_bytes() == inhoud[soort], soort
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "hiaten_GM9999.csv",
        "hiaten_GM9999.gpkg",
        "hiaten_GM9999.xlsx",
    ]


def test_een_volle_schijf_bij_de_excel_noemt_dat_bestand(analyse, gemeente, tmp_path, monkeypatch):
    """The disk fills up at the workbook, after the CSV was written: the message names the
    workbook and the folder, and neither the CSV nor anything else is left."""
    import errno
    import os

    def vol(self, bestand):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(openpyxl.Workbook, "save", vol)
    map_ = tmp_path / "uitvoer"
    with pytest.raises(GebiedsplanError) as info:
        _schrijf(analyse, gemeente, map_)
    assert str(info.value).startswith(f"Kan hiaten_GM9999.xlsx niet schrijven in {map_}: de ")
    assert "schijf is vol" in str(info.value)
    assert list(map_.iterdir()) == []


def test_met_de_kaart_in_een_run_landt_alles_of_niets(analyse, gemeente, tmp_path):
    """In one atomic_batch with the map: when the map fails after the three tables were
    written, the earlier tables stay as they were (no new table beside the old map)."""
    oud = _schrijf(analyse, gemeente, tmp_path)
    inhoud = {soort: pad.read_bytes() for soort, pad in oud.items()}
    with pytest.raises(GebiedsplanError, match="kaart.html"), atomic_batch():
        _schrijf(analyse, gemeente, tmp_path, synthetisch=False)
        with atomic_path(tmp_path / "kaart.html"):
            raise OSError(28, "No space left on device")
    assert {soort: pad.read_bytes() for soort, pad in oud.items()} == inhoud
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in oud.values())


# --------------------------------------------------------------------------------------------
# a real gemeente with one fictitious register: the notes name it; nothing is "synthetisch"
# --------------------------------------------------------------------------------------------


def test_fictitious_register_is_named_in_the_notes_not_the_gemeente(analyse, gemeente, tmp_path):
    echt = Herkomst("CBS Wijk- en Buurtkaart 2022", "2026-12-02", "CC BY 4.0", peildatum="2022")
    osm = Herkomst("OpenStreetMap (poi_2025.geojson)", "2026-12-02", "ODbL 1.0", peildatum="2025")
    fictief = Herkomst(
        "Voorbeeldregister Teststad (fictief)", "2025-01-01", "CC0", synthetisch=True
    )
    herkomst = {naam: echt for naam in gemeente.herkomst}
    herkomst["voorzieningen"] = combine_herkomst([osm, fictief])
    paden = write_hiaten(
        analyse.hiaten,
        gemeente.wijken,
        tmp_path,
        naam="hiaten_GM9999",
        titel="Teststad",
        herkomst=herkomst,
        synthetisch=False,
    )
    werkboek = openpyxl.load_workbook(paden["xlsx"])
    regels = [r[0] for r in _blad(werkboek, "Toelichting")][1:]
    assert regels[1] == (
        "LET OP: fictieve gegevens in laag voorzieningen (bron: Voorbeeldregister Teststad "
        "(fictief)); de andere bronnen zijn echt. Cijfers die op die lagen steunen, beschrijven "
        "geen echte situatie."
    )
    assert not any("synthetisch" in str(r).lower() for r in regels)
    bronnen = _blad(werkboek, "Bronnen")
    voorz = [r for r in bronnen[1:] if r[0] == "voorzieningen"]  # one row per source
    assert [(r[1], r[2], r[4], r[7]) for r in voorz] == [
        ("OpenStreetMap (poi_2025.geojson)", "2025", "2026-12-02", "nee"),
        ("Voorbeeldregister Teststad (fictief)", "onbekend", "2025-01-01", "ja"),
    ]
    meta = pyogrio.read_info(paden["gpkg"], layer="hiaten_wijk")["layer_metadata"]
    assert meta["synthetisch"] == "False"
    assert meta["fictief"] == "voorzieningen: Voorbeeldregister Teststad (fictief)"


def test_coverage_columns_and_notes(zonder_netwerk_oeverwijk, tmp_path):
    """Who was analysed travels into the CSV, the Excel (Dutch headers, notes) and the
    GeoPackage: a wijk without network has no score, and the row says why."""
    gemeente, zonder = zonder_netwerk_oeverwijk
    opmerking = "Voorzieningenlaag mogelijk onvolledig: Kinderopvang: 8 in de gemeente"
    paden = write_hiaten(
        zonder.hiaten,
        gemeente.wijken,
        tmp_path,
        naam="hiaten",
        titel=gemeente.titel,
        herkomst=gemeente.herkomst,
        synthetisch=gemeente.synthetisch,
        opmerkingen=[opmerking],
    )
    csv = pd.read_csv(
        paden["csv"], sep=";", decimal=",", encoding="utf-8-sig", keep_default_na=False
    ).set_index(["wijkcode", "categorie"])
    oever = csv.loc["WK999904"]
    assert (oever["dekking"] == "geen netwerk").all() and (oever["hiaatscore"] == "").all()
    assert (oever["rang"] == "").all() and (oever["inwoners_geanalyseerd"] == 0).all()
    assert oever["reden"].str.startswith("niet geanalyseerd: alle").all()
    assert (csv.drop(index="WK999904", level="wijkcode")["reden"] == "").all()
    boek = openpyxl.load_workbook(paden["xlsx"])
    kop = list(_blad(boek, "Hiaten per wijk")[0])
    for k in ("Inwoners geanalyseerd", "Aandeel geanalyseerd", "Dekking wegennet"):
        assert k in kop
    assert "Waarom geen hiaatscore" in kop and "Voorzieningenlaag volledig?" in kop
    toelichting = [r[0] for r in _blad(boek, "Toelichting")]
    assert opmerking in toelichting
    assert any(r.startswith("Dekking wegennet: volledig (minstens 90%") for r in toelichting)
    vlakken = gpd.read_file(paden["gpkg"], layer="hiaten_wijk")
    assert set(vlakken.loc[vlakken["wijkcode"] == "WK999904", "dekking"]) == {"geen netwerk"}
    meta = pyogrio.read_info(paden["gpkg"], layer="hiaten_wijk")["layer_metadata"]
    assert "geanalyseerde inwoners" in meta["dekking"] and meta["opmerkingen"] == opmerking


# --------------------------------------------------------------------------------------------
# hostile text: names from data never become a formula; invisible characters are removed
# --------------------------------------------------------------------------------------------

#: One per wijk of the demo.
VIJANDIGE_NAMEN = [
    '=HYPERLINK("http://x.invalid/","klik")',
    "+31 6 1234",
    "-Oost",
    "@SOM(A1)",
    "Noord\u202eKEOH\u202c",
    "Zuid\u200bhoek\ufeff Bel\x07zin",
]


def test_excel_cellen_met_formuletekens_zijn_tekst(analyse, gemeente, tmp_path):
    wijken = gemeente.wijken.copy()
    hiaten = analyse.hiaten.copy()
    namen = dict(zip(WIJKCODES, VIJANDIGE_NAMEN, strict=True))
    for code, naam in namen.items():
        wijken.loc[code, "wijknaam"] = naam
        hiaten.loc[hiaten.index.get_level_values("wijkcode") == code, "wijknaam"] = naam
    herkomst = dict(gemeente.herkomst)
    herkomst["voorzieningen"] = Herkomst("=bron()", "2026-01-01", "@licentie")
    paden = write_hiaten(
        hiaten,
        wijken,
        tmp_path,
        naam="hiaten_GM9999",
        titel="=Titel",
        herkomst=herkomst,
        synthetisch=True,
        meer={"Per gebied": pd.DataFrame({"gebied": ["-Haven"], "n": [-3]}).set_index("gebied")},
        opmerkingen=["=1+1 opmerking", "\tTab"],
    )
    boek = openpyxl.load_workbook(paden["xlsx"])
    teksten = {}
    for blad in boek.worksheets:
        for rij in blad.iter_rows():
            for cel in rij:
                assert cel.data_type != "f", (blad.title, cel.coordinate, cel.value)
                if isinstance(cel.value, str):
                    teksten[cel.value] = cel
                elif isinstance(cel.value, int | float) and cel.value < 0:
                    assert cel.data_type == "n"  # a negative number stays a number
    for tekst in (
        '=HYPERLINK("http://x.invalid/","klik")',
        "+31 6 1234",
        "-Oost",
        "@SOM(A1)",
        "\tTab",
        "=bron()",
        "@licentie",
        "-Haven",
        "=1+1 opmerking",
    ):
        assert teksten[tekst].data_type == "s" and teksten[tekst].quotePrefix, tekst
    assert {"NoordKEOH", "Zuidhoek Belzin"} <= set(teksten)
    assert not any(ch in t for t in teksten for ch in "\u202e\u202c\u200b\ufeff\x07")
    assert not teksten["NoordKEOH"].quotePrefix
    assert "Hiatentabel sociale basis - =Titel" in teksten
    # the Dutch CSV is opened by Excel: a formula character gets an apostrophe before it, and
    # the invisible characters go
    csv_tekst = pd.read_csv(paden["csv"], sep=";", encoding="utf-8-sig", keep_default_na=False)
    assert {
        '\'=HYPERLINK("http://x.invalid/","klik")',
        "'+31 6 1234",
        "'-Oost",
        "'@SOM(A1)",
        "NoordKEOH",
    } <= set(csv_tekst["wijknaam"])
    # the plain CSV is for programs: the values as data, unchanged
    paden = write_hiaten(
        hiaten,
        wijken,
        tmp_path / "standaard",
        naam="hiaten_GM9999",
        titel="=Titel",
        herkomst=herkomst,
        synthetisch=True,
        csv_formaat="standaard",
    )
    csv_tekst = pd.read_csv(paden["csv"], keep_default_na=False)
    assert set(namen.values()) <= set(csv_tekst["wijknaam"])


def test_safe_cells_laat_getallen_en_de_invoer_zoals_ze_zijn():
    tabel = pd.DataFrame(
        {"naam\u200b": ["a\u202eb", None], "n": [-1.5, 2.0]}, index=["x", "y\ufeff"]
    )
    uit = gebiedsplan.export.safe_cells(tabel)
    assert list(uit.columns) == ["naam", "n"] and list(uit.index) == ["x", "y"]
    assert uit["naam"].iloc[0] == "ab" and pd.isna(uit["naam"].iloc[1])
    assert uit["n"].tolist() == [-1.5, 2.0]
    assert tabel.iloc[0, 0] == "a\u202eb"
