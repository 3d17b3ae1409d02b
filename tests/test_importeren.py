"""From real Arnhem files to the layer store and the spine: importeer, analyse, map (skips without data)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pandas as pd
import pytest
import shapely
from bs4 import BeautifulSoup
from typer.testing import CliRunner

import gebiedsplan.importeren as importeren
from gebiedsplan.analyse.run import run_analyse
from gebiedsplan.bronnen import Herkomst, Laag, osm, pdok
from gebiedsplan.cli import app
from gebiedsplan.errors import GemeenteError
from gebiedsplan.gemeente import load_gemeente
from gebiedsplan.kaarten import make_kaart
from gebiedsplan.store import load_lagen

REPO = Path(__file__).resolve().parents[1]
REGISTERS = REPO / "wijken" / "registers"
#: Wijken the Geofabrik road extract in ../shared covers (>= 95% of residents within 250 m).
NETWERK_WIJKEN = ["WK020206", "WK020207", "WK020209", "WK020212"]


@pytest.fixture(scope="module")
def arnhem_opslag(tmp_path_factory, arnhem_bestanden):
    invoer = importeren.import_files("GM0202", jaar=2024, **arnhem_bestanden)
    return invoer, importeren.write_invoer(invoer, opslag=tmp_path_factory.mktemp("store"))


def test_import_files_reads_every_layer(arnhem_opslag):
    invoer, _ = arnhem_opslag
    lagen = invoer.lagen
    assert len(lagen["wijken"].data) == 24
    assert len(lagen["buurten"].data) == 83
    buurten = lagen["buurten"].data
    # CBS figures joined; the one buurt without figures stays missing, never 0
    assert int(buurten["aantal_inwoners"].sum()) == 167_470
    assert pd.isna(buurten.loc["BU02020338", "aantal_inwoners"])
    assert int(buurten["inwoners_65_jaar_en_ouder"].sum()) == 27_130
    # demand points carry every inhabitant of the buurten with figures
    assert int(lagen["vraagpunten"].data["inwoners"].sum()) == 167_470
    # facilities from OSM (parks, libraries) and the fictitious register, one layer
    voorz = lagen["voorzieningen"].data
    uit_register = voorz.index.str.startswith("VZ-")
    assert uit_register.sum() == 37  # every row of the fictitious register
    assert (voorz.loc[~uit_register, "bron"].str.contains("OpenStreetMap")).all()
    # 5 libraries in the POI file; Bibliotheek Oosterbeek lies outside the gemeente but within
    # the walking buffer (lagen/catalogus/grensbuffer.yml): it counts for reach, not as Arnhem's
    assert voorz["categorie"].value_counts()["bibliotheek"] == 5
    buiten = ~voorz.geometry.intersects(
        shapely.union_all(lagen["buurten"].data.geometry.to_numpy())
    )
    assert (
        voorz.loc[buiten & (voorz["categorie"] == "bibliotheek"), "naam"]
        .str.contains("Oosterbeek")
        .all()
    )
    assert (buiten & (voorz["categorie"] == "bibliotheek")).sum() == 1
    assert "OpenStreetMap" in lagen["voorzieningen"].herkomst.bron
    assert "fictief" in lagen["voorzieningen"].herkomst.bron
    assert lagen["voorzieningen"].herkomst.synthetisch  # part of it is made up, and it says so
    # health: every buurt but the two RIVM suppressed has 18+ values
    gez = lagen["gezondheid"].data
    volw = gez[(gez["leeftijd"] == "18+") & gez["code"].str.startswith("BU")]
    zonder = set(volw.loc[volw["waarde"].isna(), "code"])
    assert zonder == {"BU02020338", "BU02020529"}
    assert len(lagen["netwerk"].data) > 3000


def test_arnhem_gemeente_file_loads_on_the_store(arnhem_opslag):
    _, gpkg = arnhem_opslag
    gemeente = load_gemeente(REPO / "wijken" / "arnhem.yml", opslag=gpkg)
    assert gemeente.code == "GM0202"
    noordwest = gemeente.gebieden["Noordwest-Arnhem"]
    wijken_nw = {"WK020206", "WK020207", "WK020212", "WK020213", "WK020214", "WK020215"}
    assert set(gemeente.buurten.loc[list(noordwest.buurten), "wijkcode"]) == wijken_nw
    assert set(gemeente.buurten.loc[list(gemeente.gebieden["RKV"].buurten), "wijkcode"]) == {
        "WK020219",
        "WK020223",
    }
    rijnpark = gemeente.gebieden["Rijnpark"]
    assert rijnpark.buurten == ("BU02020322",) and rijnpark.benadering


def test_spine_runs_on_arnhem(arnhem_opslag):
    _, gpkg = arnhem_opslag
    gemeente = load_gemeente(REPO / "wijken" / "arnhem.yml", opslag=gpkg)
    analyse = run_analyse(gemeente, wijken=NETWERK_WIJKEN)
    hiaten = analyse.hiaten
    assert set(hiaten.index.get_level_values("wijkcode")) == set(NETWERK_WIJKEN)
    assert len(hiaten) == 4 * 10
    # the residents of these wijken are the CBS figures of their buurten
    inwoners = gemeente.buurten.loc[
        gemeente.buurten["wijkcode"].isin(NETWERK_WIJKEN), "aantal_inwoners"
    ].sum()
    assert hiaten.xs("huisarts", level="categorie")["inwoners"].sum() == inwoners
    # nearly everybody reaches the network in these wijken
    onbereikbaar = hiaten.xs("huisarts", level="categorie")["inwoners_onbereikbaar"].sum()
    assert onbereikbaar / inwoners < 0.02
    html = make_kaart(gemeente, hiaten).get_root().render()
    assert "Klarendal" in html and "niet berekend" in html  # the other wijken say so


def test_cli_importeer_and_analyse_on_arnhem(tmp_path, monkeypatch, arnhem_bestanden):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    b = arnhem_bestanden
    args = ["importeer", "--gemeente", "GM0202", "--jaar", "2024", "--opslag", "S/GM0202.gpkg"]
    for p in b["grenzen"]:
        args += ["--grenzen", str(p)]
    for p in b["kerncijfers"]:
        args += ["--kerncijfers", str(p)]
    args += ["--gezondheid", str(b["gezondheid"]), "--gezondheid-jaar", "2020"]
    args += ["--voorzieningen", str(b["voorzieningen"][0])]
    for reg, kop in b["registers"]:
        args += ["--register", str(reg), "--koppeling", str(kop)]
    args += ["--netwerk", str(b["netwerk"]), "--netwerk-laag", "roads"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    lagen, herkomst = load_lagen(tmp_path / "S" / "GM0202.gpkg")
    assert set(lagen) == {
        "wijken",
        "buurten",
        "kerncijfers_jaren",  # 2024 and the health figures of 2020, for the trends
        "gezondheid",
        "voorzieningen",
        "accommodaties",
        "netwerk",
        "vraagpunten",
    }
    assert "CBS" in herkomst["buurten"].bron
    result = runner.invoke(
        app,
        [
            "analyse",
            str(REPO / "wijken" / "arnhem.yml"),
            "--opslag",
            "S/GM0202.gpkg",
            "--wijken",
            ",".join(NETWERK_WIJKEN),
        ],
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "maps" / "hiaten_GM0202.html").exists()
    tabel = pd.read_csv(
        tmp_path / "uitvoer" / "hiaten_GM0202.csv", sep=";", decimal=",", encoding="utf-8-sig"
    )
    assert sorted(tabel["wijkcode"].unique()) == sorted(NETWERK_WIJKEN)


def test_cli_importeer_register_without_koppeling_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(
        app,
        [
            "importeer",
            "--gemeente",
            "GM0202",
            "--jaar",
            "2024",
            "--register",
            str(REGISTERS / "arnhem_voorzieningen_voorbeeld.csv"),
        ],
    )
    assert result.exit_code == 1
    assert "1 --register maar 0 --koppeling" in " ".join(result.output.split())
    assert not (tmp_path / "lagen").exists()


def test_cli_importeer_without_files_is_an_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["importeer", "--gemeente", "GM0202", "--jaar", "2024"])
    assert result.exit_code == 1
    assert "Geen bestanden opgegeven" in " ".join(result.output.split())


def test_import_of_facilities_without_boundaries_says_what_is_missing():
    with pytest.raises(ValueError, match="Eerst wijk- en buurtgrenzen nodig"):
        importeren.import_files("GM0202", jaar=2024, voorzieningen=[Path("x.osm")])


def test_wrong_gemeentecode_is_refused():
    with pytest.raises(ValueError, match="GM202"):
        importeren.import_files("GM202", jaar=2024)


def test_import_is_checked_against_the_store_before_anything_is_written(demo, tmp_path):
    """Issue 12: a buurt in an unknown wijk was imported and the good store replaced. Now the
    run's layers are checked with the store's (wijken kept, vraagpunten kept) by the check the
    gemeente is loaded with; the store is untouched."""
    opslag = importeren.save_demo(demo, tmp_path)
    voor = opslag.read_bytes()
    buurten = demo.buurten.rename(index={"BU99990101": "BU99990701"})
    buurten.loc["BU99990701", "wijkcode"] = "WK999907"
    invoer = importeren.Invoer("GM9999")
    invoer.add(Laag("buurten", buurten, demo.herkomst["buurten"]))
    invoer.lagen["vraagpunten"] = Laag(
        "vraagpunten", demo.lagen["vraagpunten"], demo.herkomst["vraagpunten"]
    )
    with pytest.raises(GemeenteError) as info:
        importeren.write_invoer(invoer, opslag=opslag)
    tekst = str(info.value)
    assert tekst.startswith(f"Import voor GM9999 geweigerd, er is niets geschreven ({opslag} is")
    assert "wijkcode bestaat niet in laag wijken voor buurt BU99990701 (wijkcode WK999907)" in tekst
    assert f"laag wijken in de laagopslag {opslag}" in tekst
    assert "laag vraagpunten uit" in tekst and "punten in onbekende buurten (BU99990101)" in tekst
    assert opslag.read_bytes() == voor


def test_fetch_online_wires_every_source(monkeypatch, demo):
    """ophalen: every online loader is asked for the right gemeente and year (sources stubbed)."""
    asked: dict[str, tuple] = {}

    def laag(naam):
        return Laag(naam, demo.lagen[naam], demo.herkomst[naam])

    def fake_grenzen(code, *, jaar):
        asked["pdok"] = (code, jaar)
        return {"wijken": laag("wijken"), "buurten": laag("buurten")}

    def fake_kerncijfers(code, *, jaar):
        asked["cbs"] = (code, jaar)
        kern = demo.buurten[["aantal_inwoners"]].rename_axis("code")
        return importeren.cbs.Kerncijfers(kern, demo.herkomst["buurten"], jaar)

    def fake_gezondheid(code, *, jaar):
        asked["rivm"] = (code, jaar)
        return laag("gezondheid")

    monkeypatch.setattr(pdok, "fetch_wijken_buurten", fake_grenzen)
    monkeypatch.setattr(importeren.cbs, "fetch_kerncijfers", fake_kerncijfers)
    monkeypatch.setattr(importeren.rivm, "fetch_gezondheid", fake_gezondheid)
    gebieden: dict[str, tuple[float, ...]] = {}

    def osm_laag(naam):
        def fake(vlak, **_):
            gebieden[naam] = vlak.bounds
            return laag(naam)

        return fake

    monkeypatch.setattr(osm, "fetch_voorzieningen", osm_laag("voorzieningen"))
    monkeypatch.setattr(osm, "fetch_groen", osm_laag("groen"))
    monkeypatch.setattr(osm, "fetch_netwerk", osm_laag("netwerk"))

    def fake_adressen(vlak, *, naam):  # the BAG: the demo's demand points as addresses
        asked["bag"] = (naam,)
        gebieden["adressen"] = vlak.bounds
        punten = demo.vraagpunten[["geometry"]].assign(
            gebruiksdoel="woonfunctie", status="Verblijfsobject in gebruik"
        )
        return importeren.bag.Adressen(punten, demo.herkomst["vraagpunten"])

    def geen_raster(vlak, *, jaar):  # every buurt has addresses: the grid is not asked for
        raise AssertionError("het 100m-raster is niet nodig")

    monkeypatch.setattr(importeren.bag, "fetch_adressen", fake_adressen)
    monkeypatch.setattr(importeren.vierkant, "fetch_bevolkingsraster", geen_raster)

    def fake_gemeenten(gebied, *, jaar):  # PDOK: the gemeenten in the border buffer
        gebieden["gemeenten"] = gebied.bounds
        return {"GM9999": "Rivierstad"}

    def register_laag(naam):  # DUO and LRK (tested on recorded answers below): no rows here
        def fake(code, *, gebied, jaar, gemeenten):
            asked[naam] = (code, jaar, tuple(gemeenten))
            gebieden[naam] = gebied.bounds
            leeg = demo.voorzieningen.iloc[:0]
            return Laag("voorzieningen", leeg, Herkomst(naam, "2025-01-01", "CC0"))

        return fake

    monkeypatch.setattr(importeren, "gemeenten_rond", fake_gemeenten)
    monkeypatch.setattr(importeren.bron_duo, "fetch_duo", register_laag("duo"))
    monkeypatch.setattr(importeren.bron_lrk, "fetch_lrk", register_laag("lrk"))
    invoer = importeren.fetch_online("GM9999", jaar=2024)
    assert asked == {
        "pdok": ("GM9999", 2024),
        "cbs": ("GM9999", 2024),
        "rivm": ("GM9999", 2024),
        "bag": ("GM9999",),
        "duo": ("GM9999", 2024, ("GM9999",)),
        "lrk": ("GM9999", 2024, ("GM9999",)),
    }
    # network and facilities across the border (walking buffer 2 km), green and addresses the
    # gemeente's own
    grens = demo.wijken.total_bounds
    assert gebieden["groen"] == pytest.approx(tuple(grens))
    assert gebieden["adressen"] == pytest.approx(tuple(grens))
    for naam in ("voorzieningen", "netwerk", "gemeenten", "duo", "lrk"):
        assert gebieden[naam] == pytest.approx(tuple(grens + [-2000, -2000, 2000, 2000]))
    assert set(invoer.lagen) == {
        "wijken",
        "buurten",
        "gezondheid",
        "voorzieningen",
        "groen",
        "netwerk",
        "vraagpunten",
    }
    assert invoer.groen_raster is not None  # rasterised from the green polygons
    assert int(invoer.lagen["vraagpunten"].data["inwoners"].sum()) == int(
        demo.buurten["aantal_inwoners"].sum()
    )
    # ophalen uses the addresses by default, and says so
    assert set(invoer.lagen["vraagpunten"].data["methode"]) == {"adressen"}
    assert invoer.lagen["vraagpunten"].herkomst.bron.startswith("Vraagpunten (methode adressen)")


def test_latest_health_year():
    assert importeren.latest_health_year(2024) == 2024
    assert importeren.latest_health_year(2023) == 2022
    assert importeren.latest_health_year(2019) == 2016


# --------------------------------------------------------------------------- provenance, imports
# Issue 11: a register added to a store keeps the other sources; dates tell what moment the data
# describe apart from the import date; only the fictitious register is called fictitious.

POI_BRON = "OpenStreetMap (osm_poi_arnhem_jetlag_2025.geojson)"
REGISTER_BRON = "Voorbeeldregister voorzieningen Arnhem (fictief)"
VOORZIENINGEN_REGISTER = (
    REGISTERS / "arnhem_voorzieningen_voorbeeld.csv",
    REGISTERS / "arnhem_voorzieningen_voorbeeld.yml",
)


@pytest.fixture(scope="module")
def zonder_register(tmp_path_factory, arnhem_bestanden):
    """The Arnhem files in a store without the fictitious registers (through the API)."""
    bestanden = {k: v for k, v in arnhem_bestanden.items() if k != "registers"}
    invoer = importeren.import_files("GM0202", jaar=2024, **bestanden)
    opslag = tmp_path_factory.mktemp("zonder_register") / "GM0202.gpkg"
    return importeren.write_invoer(invoer, opslag=opslag)


def _kopie(verslag, map_: Path) -> Path:
    doel = map_ / "GM0202.gpkg"
    shutil.copy(Path(verslag), doel)
    return doel


def test_first_import_reports_new_layers_with_their_counts(zonder_register):
    tellingen = zonder_register.tellingen.set_index(["laag", "bron"])
    assert tellingen.loc[("voorzieningen", POI_BRON)].tolist() == [0, 39, "nieuwe laag"]
    assert set(tellingen["actie"]) == {"nieuwe laag"}
    assert set(tellingen.index.get_level_values("laag")) == {
        "wijken",
        "buurten",
        "kerncijfers_jaren",
        "gezondheid",
        "voorzieningen",
        "netwerk",
        "vraagpunten",
    }


def test_adding_the_register_keeps_the_osm_facilities(zonder_register, tmp_path):
    """API: the register's rows are added, the 34 OSM facilities of Arnhem (39 with the border
    buffer) stay, and the report counts both sources before and after."""
    opslag = _kopie(zonder_register, tmp_path)
    lagen, _ = load_lagen(opslag)
    osm_voor = lagen["voorzieningen"]
    gemeente = shapely.union_all(lagen["buurten"].geometry.to_numpy())
    assert set(osm_voor["bron"]) == {POI_BRON}
    assert len(osm_voor) == 39 and osm_voor.geometry.intersects(gemeente).sum() == 34
    invoer = importeren.import_files(
        "GM0202",
        jaar=2024,
        registers=[VOORZIENINGEN_REGISTER],
        vlak=shapely.union_all(lagen["wijken"].geometry.to_numpy()),
    )
    verslag = importeren.write_invoer(invoer, opslag=opslag)
    tellingen = verslag.tellingen.set_index(["laag", "bron"])
    assert tellingen.loc[("voorzieningen", POI_BRON)].tolist() == [39, 39, "behouden"]
    assert tellingen.loc[("voorzieningen", REGISTER_BRON)].tolist() == [0, 37, "toegevoegd"]
    assert (tellingen.drop(index="voorzieningen", level="laag")["actie"] == "ongewijzigd").all()
    na, herkomst = load_lagen(opslag)
    voorz = na["voorzieningen"]
    assert voorz["bron"].value_counts().to_dict() == {POI_BRON: 39, REGISTER_BRON: 37}
    assert osm_voor.index.isin(voorz.index).all()
    assert [d.bron for d in herkomst["voorzieningen"].per_bron()] == [POI_BRON, REGISTER_BRON]
    assert [d.synthetisch for d in herkomst["voorzieningen"].per_bron()] == [False, True]
    # importing the register again replaces only its own rows
    again = importeren.write_invoer(invoer, opslag=opslag).tellingen.set_index(["laag", "bron"])
    assert again.loc[("voorzieningen", REGISTER_BRON)].tolist() == [37, 37, "vervangen"]
    assert again.loc[("voorzieningen", POI_BRON)].tolist() == [39, 39, "behouden"]


def test_cli_importeer_register_keeps_osm_and_vervang_replaces(
    zonder_register, tmp_path, monkeypatch
):

    opslag = _kopie(zonder_register, tmp_path)
    monkeypatch.chdir(tmp_path)
    # one table row per line; never set console.width: undoing it would fix the width at 80
    monkeypatch.setenv("COLUMNS", "250")
    reg, kop = VOORZIENINGEN_REGISTER
    args = ["importeer", "--gemeente", "GM0202", "--jaar", "2024", "--opslag", str(opslag)]
    args += ["--register", str(reg), "--koppeling", str(kop)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    regels = [" ".join(r.replace("│", " ").split()) for r in result.output.splitlines()]
    assert f"voorzieningen {POI_BRON} 39 39 behouden" in regels
    assert f"voorzieningen {REGISTER_BRON} 0 37 toegevoegd" in regels
    assert (
        "wijken CBS Wijk- en Buurtkaart 2024 (bestand arnhem_wijken_2024_generalised.gpkg) 24 24 ongewijzigd"
        in regels
    )
    assert "Vervang een hele laag met --vervang LAAG" in " ".join(result.output.split())
    voorz = load_lagen(opslag)[0]["voorzieningen"]
    assert voorz["bron"].value_counts().to_dict() == {POI_BRON: 39, REGISTER_BRON: 37}

    # --vervang voorzieningen: the whole layer is the register's now, and the summary says so
    result = CliRunner().invoke(app, [*args, "--vervang", "voorzieningen"])
    assert result.exit_code == 0, result.output
    regels = [" ".join(r.replace("│", " ").split()) for r in result.output.splitlines()]
    assert f"voorzieningen {POI_BRON} 39 0 weg (laag vervangen)" in regels
    assert f"voorzieningen {REGISTER_BRON} 37 37 laag vervangen" in regels
    voorz, herkomst = load_lagen(opslag)
    assert voorz["voorzieningen"]["bron"].value_counts().to_dict() == {REGISTER_BRON: 37}
    assert herkomst["voorzieningen"].bron == REGISTER_BRON and not herkomst["voorzieningen"].delen

    # a layer to replace that this run does not give: an error, nothing written
    voor = opslag.read_bytes()
    result = CliRunner().invoke(app, [*args, "--vervang", "netwerk"])
    assert result.exit_code == 1
    assert "Vervangen gevraagd voor laag netwerk" in " ".join(result.output.split())
    assert opslag.read_bytes() == voor


def test_arnhem_dates_are_the_data_s_own(arnhem_opslag):
    """Boundaries carry their own indeling (buurten 2022, wijken 2024, from the file names, not
    --jaar 2024), key figures 1 January 2024, health 2020, OSM POI 2025, roads 2018."""
    _, gpkg = arnhem_opslag
    _, herkomst = load_lagen(gpkg)
    buurtgrenzen, buurtcijfers = herkomst["buurten"].per_bron()
    wijkgrenzen, wijkcijfers = herkomst["wijken"].per_bron()
    assert (buurtgrenzen.peildatum, buurtgrenzen.indeling) == ("2022", "2022")
    assert buurtgrenzen.bron.startswith("CBS Wijk- en Buurtkaart 2022 ")
    assert (wijkgrenzen.peildatum, wijkgrenzen.indeling) == ("2024", "2024")
    assert (buurtcijfers.peildatum, buurtcijfers.indeling) == ("2024-01-01", "2024")
    assert wijkcijfers.peildatum == "2024-01-01"
    assert (herkomst["gezondheid"].peildatum, herkomst["gezondheid"].indeling) == ("2020", "2020")
    osm_poi, register = herkomst["voorzieningen"].per_bron()
    assert (osm_poi.peildatum, register.peildatum) == ("2025", "2025-01-01")
    assert herkomst["netwerk"].peildatum == "2018"
    assert herkomst["vraagpunten"].peildatum == "2024-01-01"  # the residents of 1 January 2024
    assert herkomst["vraagpunten"].indeling == "2022"  # spread over the 2022 buurten
    # the import date is the file's date, apart from the moment the data describe
    bestand = Path(buurtgrenzen.query.split(",")[0])
    assert bestand.name == "arnhem_buurten_2022_generalised.gpkg"
    assert buurtgrenzen.datum == dt.date.fromtimestamp(bestand.stat().st_mtime).isoformat()


def test_arnhem_products_name_the_fictitious_register_and_nothing_else(
    tmp_path, monkeypatch, arnhem_bestanden
):
    """The README's import and commands: the real layers keep their names and dates, the health
    map is not synthetic anywhere, the fictitious register is named in map, Excel and index."""
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    b = arnhem_bestanden
    args = ["importeer", "--gemeente", "GM0202", "--jaar", "2024"]
    for p in b["grenzen"]:
        args += ["--grenzen", str(p)]
    for p in b["kerncijfers"]:
        args += ["--kerncijfers", str(p)]
    args += ["--gezondheid", str(b["gezondheid"]), "--gezondheid-jaar", "2020"]
    args += ["--voorzieningen", str(b["voorzieningen"][0])]
    args += [
        "--register",
        str(VOORZIENINGEN_REGISTER[0]),
        "--koppeling",
        str(VOORZIENINGEN_REGISTER[1]),
    ]
    args += ["--netwerk", str(b["netwerk"]), "--netwerk-laag", "roads"]
    assert runner.invoke(app, args).exit_code == 0
    arnhem = str(REPO / "wijken" / "arnhem.yml")
    result = runner.invoke(app, ["analyse", arnhem, "--wijken", ",".join(NETWERK_WIJKEN)])
    assert result.exit_code == 0, result.output
    fictief = f"fictieve gegevens in laag voorzieningen (bron: {REGISTER_BRON})"
    assert fictief in " ".join(result.output.split())
    result = runner.invoke(app, ["kaart", arnhem, "--soort", "gezondheid"])
    assert result.exit_code == 0, result.output

    # Excel: the notes name the register, never "synthetisch"; the sources sheet has both dates
    xlsx = pd.ExcelFile(tmp_path / "uitvoer" / "hiaten_GM0202.xlsx")
    noten = pd.read_excel(xlsx, "Toelichting")["Toelichting"].tolist()
    assert noten[0] == "Hiatentabel sociale basis - Arnhem"
    assert noten[1].startswith(f"LET OP: {fictief}; de andere bronnen zijn echt.")
    assert not any("synthetisch" in str(r).lower() for r in noten)
    bronnen = pd.read_excel(xlsx, "Bronnen", dtype=str).fillna("")
    rij = {(r.Laag, r.Bron.split(" (")[0]): r for r in bronnen.itertuples()}
    datums = {
        ("buurten", "CBS Wijk- en Buurtkaart 2022"): ("2022", "2022"),
        ("wijken", "CBS Wijk- en Buurtkaart 2024"): ("2024", "2024"),
        ("buurten", "CBS Kerncijfers wijken en buurten 2024"): ("2024-01-01", "2024"),
        ("gezondheid", "RIVM, GGD'en, CBS Gezondheidsmonitor 2020"): ("2020", "2020"),
        ("voorzieningen", "OpenStreetMap"): ("2025", "-"),
        ("netwerk", "OpenStreetMap"): ("2018", "-"),
    }
    for sleutel, (peildatum, indeling) in datums.items():
        r = rij[sleutel]
        assert (r[3], r[4]) == (peildatum, indeling), sleutel  # Gegevens van, Indeling
        assert r[5] != peildatum  # Opgehaald/geïmporteerd: the file's date, not the data's
        assert r.Synthetisch == "nee", sleutel
    assert rij[("voorzieningen", "Voorbeeldregister voorzieningen Arnhem")].Synthetisch == "ja"

    # maps: the health map says nothing synthetic or fictitious; the gap map names the register
    gezondheid = (tmp_path / "maps" / "gezondheid_GM0202.html").read_text(encoding="utf-8")
    assert "synthetisch" not in gezondheid.lower() and "fictie" not in gezondheid.lower()
    hiaten = (tmp_path / "maps" / "hiaten_GM0202.html").read_text(encoding="utf-8")
    paneel = BeautifulSoup(hiaten, "html.parser").find("details", id="gebiedsplan-bronnen")
    tekst = " ".join(paneel.get_text(" ").split())
    assert (
        "CBS Wijk- en Buurtkaart 2022 (bestand arnhem_buurten_2022_generalised.gpkg), gegevens van 2022, indeling 2022"
        in tekst
    )
    assert (
        "Gezondheidsmonitor 2020 (bestand rivm_gezondheid_wijkbuurt_2020_arnhem.csv), gegevens van 2020, indeling 2020"
        in tekst
    )
    assert f"fictief : {REGISTER_BRON}, gegevens van 2025-01-01" in tekst
    assert "SYNTHETISCH" not in hiaten and "(synthetisch)" not in hiaten
    assert f"FICTIEVE GEGEVENS: voorzieningen ({REGISTER_BRON})" in hiaten

    # the index: both dates; only the gap map is marked, with the layer and source
    index = BeautifulSoup(
        (tmp_path / "maps" / "index.html").read_text(encoding="utf-8"), "html.parser"
    )
    rijen = {
        tr.a["href"]: [td.get_text(" ", strip=True) for td in tr.find_all("td")]
        for tr in index.tbody.find_all("tr")
    }
    assert rijen["gezondheid_GM0202.html"][0] == "Gezondheid per buurt - Arnhem"
    assert rijen["gezondheid_GM0202.html"][3] == "2020 t/m 2024"  # health 2020, boundaries, CBS
    assert rijen["hiaten_GM0202.html"][0] == (
        f"Hiaten sociale basis - Arnhem fictief: voorzieningen: {REGISTER_BRON}"
    )
    assert rijen["hiaten_GM0202.html"][3] == "2018 t/m 2025"
    assert "synthetisch" not in index.tbody.get_text()


# --------------------------------------------------------------------------- national registers
# Issue 13: DUO schools and LRK day care join OpenStreetMap's facilities, each place counted once;
# DUO, LRK, PDOK and the Locatieserver answer from recorded files (tests/landelijke_diensten.py).

OSM_BRON = "OpenStreetMap (Overpass API via osmnx)"


def _osm_voorzieningen() -> Laag:
    """What Overpass would give around the recorded DUO and LRK places (RD)."""
    import geopandas as gpd
    from shapely import Point

    rijen = [
        # 40 m from DUO's "OBS de Linde": the same school
        ("osm:way/101", "Basisschool De Linde", "basisschool", "school", 172040.0, 492500.0),
        # 60 m from it, another name: another school
        ("osm:node/102", "Montessorischool Het Anker", "basisschool", "school", 172000.0, 492560.0),
        # 30 m from the LRK's "KDV Het Bolletje"
        (
            "osm:node/103",
            "Kinderopvang Het Bolletje",
            "kinderopvang",
            "childcare",
            173000.0,
            493030.0,
        ),
        # 10 m from DUO's "CBS Het Kompas", without a name: never merged
        ("osm:way/104", "Basisschool (zonder naam)", "basisschool", "school", 173610.0, 493400.0),
        ("osm:node/105", "Huisartsenpraktijk Lindelaan", "huisarts", "doctors", 172010.0, 492510.0),
    ]
    data = gpd.GeoDataFrame(
        {
            "naam": [r[1] for r in rijen],
            "categorie": [r[2] for r in rijen],
            "subcategorie": [r[3] for r in rijen],
            "bron": OSM_BRON,
        },
        geometry=[Point(r[4], r[5]) for r in rijen],
        index=pd.Index([r[0] for r in rijen], name="id"),
        crs="EPSG:28992",
    )
    return Laag("voorzieningen", data, Herkomst(OSM_BRON, "2025-05-01", "ODbL 1.0"))


@pytest.fixture
def kleine_gemeente_online(monkeypatch, demo):
    """``fetch_online`` for the demo gemeente: PDOK boundaries, CBS, RIVM and OpenStreetMap
    stubbed (the OSM facilities of :func:`_osm_voorzieningen`), DUO, LRK, PDOK's gemeenten and
    the Locatieserver from recorded answers."""

    def laag(naam):
        return Laag(naam, demo.lagen[naam], demo.herkomst[naam])

    monkeypatch.setattr(
        pdok, "fetch_wijken_buurten", lambda code, *, jaar: {n: laag(n) for n in pdok.LAGEN}
    )
    monkeypatch.setattr(
        importeren.cbs,
        "fetch_kerncijfers",
        lambda code, *, jaar: importeren.cbs.Kerncijfers(
            demo.buurten[["aantal_inwoners"]].rename_axis("code"), demo.herkomst["buurten"], jaar
        ),
    )
    monkeypatch.setattr(
        importeren.rivm, "fetch_gezondheid", lambda code, *, jaar: laag("gezondheid")
    )
    monkeypatch.setattr(osm, "fetch_voorzieningen", lambda vlak, **_: _osm_voorzieningen())
    monkeypatch.setattr(osm, "fetch_groen", lambda vlak, **_: laag("groen"))
    monkeypatch.setattr(osm, "fetch_netwerk", lambda vlak, **_: laag("netwerk"))


def test_fetch_online_merges_duo_and_lrk_with_osm_counting_each_place_once(
    kleine_gemeente_online, tmp_path
):
    from landelijke_diensten import diensten

    from gebiedsplan.bronnen.ontdubbelen import tel_paren

    with diensten(tmp_path / "cache"):
        invoer = importeren.fetch_online(
            "GM9999", jaar=2024, nabijheid=False, vraagpunten="buurten"
        )
    vz = invoer.lagen["voorzieningen"].data
    bron = vz["bron"].str.split(" ").str[0]
    assert bron.value_counts().to_dict() == {"OpenStreetMap": 3, "Landelijk": 4, "DUO,": 3}
    # the school in OSM and DUO 40 m apart counts once; the register's row stays
    assert "osm:way/101" not in vz.index
    assert vz.loc["duo:99ZZ00", ["naam", "samengevoegd_met"]].tolist() == [
        "OBS de Linde",
        "osm:way/101",
    ]
    # the other school 60 m away stays, and so does the unnamed one
    assert {"osm:node/102", "osm:way/104", "osm:node/105"} <= set(vz.index)
    # the day care in OSM and the LRK: once, with the LRK's places
    assert "osm:node/103" not in vz.index
    assert vz.loc["lrk:199990001", ["samengevoegd_met", "capaciteit"]].tolist() == [
        "osm:node/103",
        64.0,
    ]
    assert (vz["categorie"] == "basisschool").sum() == 5  # 3 OSM + 3 DUO - 1 in both
    assert (vz["categorie"] == "kinderopvang").sum() == 4  # 1 OSM + 4 LRK - 1 in both
    assert tel_paren(invoer.ontdubbeld).to_dict("records") == [
        {"bron_weg": OSM_BRON, "bron_blijft": "DUO, vestigingen basisonderwijs", "aantal": 1},
        {
            "bron_weg": OSM_BRON,
            "bron_blijft": "Landelijk Register Kinderopvang (LRK)",
            "aantal": 1,
        },
    ]
    # the rows that could not be placed, by file and row
    assert [(n.bestand, n.rij) for n in invoer.niet_geplaatst] == [
        ("vestigingenbo.csv", 4),
        ("vestigingenbo.csv", 5),
        ("vestigingenbo.csv", 8),
        ("export_opendata_lrk.csv", 9),
    ]
    assert invoer.meldingen == []
    bronnen = [h.bron for h in invoer.lagen["voorzieningen"].herkomst.per_bron()]
    assert bronnen == [
        OSM_BRON,
        "DUO, vestigingen basisonderwijs",
        "Landelijk Register Kinderopvang (LRK)",
    ]

    # in the store; a later OpenStreetMap-only import does not bring the school back twice
    opslag = tmp_path / "GM9999.gpkg"
    importeren.write_invoer(invoer, opslag=opslag)
    later = importeren.Invoer("GM9999")
    later.add(_osm_voorzieningen())
    verslag = importeren.write_invoer(later, opslag=opslag)
    opgeslagen = load_lagen(opslag, lagen=["voorzieningen"])[0]["voorzieningen"]
    assert "osm:way/101" not in opgeslagen.index and "osm:node/103" not in opgeslagen.index
    assert len(opgeslagen) == len(vz)
    assert sorted(verslag.ontdubbeld["id_weg"]) == ["osm:node/103", "osm:way/101"]


def test_ophalen_without_network_for_a_register_warns_and_keeps_the_rest(
    kleine_gemeente_online, tmp_path, monkeypatch
):
    """A register that cannot be fetched is a warning in the summary, not a failed ophalen."""
    from gebiedsplan import settings

    monkeypatch.setattr(settings, "cache_dir", tmp_path / "cache")
    monkeypatch.setattr(settings, "alleen_cache", True)  # nothing recorded: nothing to fetch
    invoer = importeren.fetch_online("GM9999", jaar=2024, nabijheid=False, vraagpunten="buurten")
    assert len(invoer.meldingen) == 1
    assert invoer.meldingen[0].startswith("DUO en LRK niet opgehaald: de buurgemeenten")
    assert "geen bewaard antwoord" in invoer.meldingen[0]
    assert set(invoer.lagen["voorzieningen"].data["bron"]) == {OSM_BRON}


def test_cli_ophalen_shows_places_counted_once_and_rows_not_placed(
    kleine_gemeente_online, tmp_path, monkeypatch
):
    from landelijke_diensten import diensten

    monkeypatch.chdir(tmp_path)
    with diensten(tmp_path / "cache"):
        uit = CliRunner().invoke(
            app,
            [
                "ophalen",
                "--gemeente",
                "GM9999",
                "--jaar",
                "2024",
                "--zonder-nabijheid",
                "--vraagpunten",
                "buurten",
                "--opslag",
                str(tmp_path / "GM9999.gpkg"),
            ],
            env={"COLUMNS": "250"},
        )
    assert uit.exit_code == 0, uit.output
    tekst = " ".join(uit.output.split())
    assert "Eén keer geteld: in OpenStreetMap én in een register" in tekst
    assert "DUO, vestigingen basisonderwijs" in tekst
    assert "Niet geplaatst en overgeslagen" in tekst
    for woorden in ("RKBS Sint Jozef", "dubbelzinnig", "niet gevonden", "buiten de gemeente"):
        assert woorden in tekst
    assert "huisnummer ontbreekt" in tekst
