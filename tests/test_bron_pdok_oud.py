"""The CBS Wijk- en Buurtkaart of the years before 2022 (shapefiles buurt_2019_v3.shp and
wijk_2019_v3.shp with upper-case columns, or a GeoPackage with such layers) read by
gebiedsplan.bronnen.pdok.read_wijken_buurten, and an older year imported through the CLI into
the trend layers of a copy of the demo store."""

from __future__ import annotations

import shutil
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box
from typer.testing import CliRunner

import gebiedsplan as gp
from gebiedsplan.analyse.trend import compute_trend
from gebiedsplan.bronnen.pdok import read_wijken_buurten
from gebiedsplan.catalogus import load_cbs_config
from gebiedsplan.cli import app
from gebiedsplan.errors import BronError
from gebiedsplan.store import load_lagen

#: The .prj CBS ships with the kaart (ESRI WKT "RD_New", no EPSG code in it).
PRJ_CBS = (
    'PROJCS["RD_New",GEOGCS["GCS_Amersfoort",DATUM["D_Amersfoort",SPHEROID["Bessel_1841",'
    '6377397.155,299.1528128]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],'
    'PROJECTION["Double_Stereographic"],PARAMETER["False_Easting",155000.0],'
    'PARAMETER["False_Northing",463000.0],PARAMETER["Central_Meridian",5.38763888888889],'
    'PARAMETER["Scale_Factor",0.9999079],PARAMETER["Latitude_Of_Origin",52.15616055555555],'
    'UNIT["Meter",1.0]]'
)
GEHEIM = -99999999  # CBS: "geheim" (to 2021)


def _vak(x0: float, x1: float, y0: float = 0, y1: float = 500):
    """A box in a made-up gemeente, placed in the Netherlands in RD."""
    return box(172_000 + x0, 492_000 + y0, 172_000 + x1, 492_000 + y1)


def _oud(rijen: list[dict], geometrie: list) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(rijen, geometry=geometrie, crs="EPSG:28992")


def _buurten_2019() -> gpd.GeoDataFrame:
    """Four buurten in the layout of buurt_2019_v3.shp: two of GM9999 (one with its inhabitants
    'geheim'), a water buurt, one of another gemeente."""
    rij = {
        "GM_NAAM": "Rivierstad", "IND_WBI": 1, "POSTCODE": "9999", "DEK_PERC": 1, "OAD": 2100,
        "STED": 2, "AANT_MAN": 610, "AANT_VROUW": 640, "P_00_14_JR": 16, "P_15_24_JR": 12,
        "P_25_44_JR": 27, "P_45_64_JR": 26, "P_65_EO_JR": 19, "OPP_TOT": 25, "OPP_LAND": 25,
        "OPP_WATER": 0,
    }  # fmt: skip
    return _oud(
        [
            rij
            | {
                "BU_CODE": "BU99990101",
                "BU_NAAM": "Dorp",
                "WK_CODE": "WK999901",
                "GM_CODE": "GM9999",
                "WATER": "NEE",
                "AANT_INW": 1250,
                "AANTAL_HH": 560,
                "GEM_HH_GR": 2.2,
            },
            rij
            | {
                "BU_CODE": "BU99990102",
                "BU_NAAM": "Veld",
                "WK_CODE": "WK999901",
                "GM_CODE": "GM9999",
                "WATER": "NEE",
                "AANT_INW": GEHEIM,
                "AANTAL_HH": GEHEIM,
                "GEM_HH_GR": -99999997.0,
                "P_65_EO_JR": GEHEIM,
            },
            rij
            | {
                "BU_CODE": "BU99990199",
                "BU_NAAM": "Rivier",
                "WK_CODE": "WK999901",
                "GM_CODE": "GM9999",
                "WATER": "JA",
                "AANT_INW": 0,
                "AANTAL_HH": 0,
                "GEM_HH_GR": GEHEIM,
            },
            rij
            | {
                "BU_CODE": "BU99980101",
                "BU_NAAM": "Elders",
                "WK_CODE": "WK999801",
                "GM_CODE": "GM9998",
                "GM_NAAM": "Buurdorp",
                "WATER": "NEE",
                "AANT_INW": 800,
                "AANTAL_HH": 350,
                "GEM_HH_GR": 2.3,
            },
        ],  # fmt: skip
        [_vak(0, 500), _vak(500, 1000), _vak(1000, 1200), _vak(5000, 6000)],
    )


def _wijken_2019() -> gpd.GeoDataFrame:
    return _oud(
        [
            {
                "WK_CODE": "WK999901",
                "WK_NAAM": "Noord",
                "GM_CODE": "GM9999",
                "GM_NAAM": "Rivierstad",
                "IND_WBI": 1,
                "WATER": "NEE",
                "AANT_INW": 1250,
            },
            {
                "WK_CODE": "WK999801",
                "WK_NAAM": "Elders",
                "GM_CODE": "GM9998",
                "GM_NAAM": "Buurdorp",
                "IND_WBI": 1,
                "WATER": "NEE",
                "AANT_INW": 800,
            },
        ],  # fmt: skip
        [_vak(0, 1200), _vak(5000, 6000)],
    )


def _shapefile(frame: gpd.GeoDataFrame, pad: Path, *, prj: str | None = PRJ_CBS) -> Path:
    """Write a shapefile as CBS ships it: with its own .prj (or none)."""
    pad.parent.mkdir(parents=True, exist_ok=True)
    frame.to_file(pad)
    if prj is None:
        pad.with_suffix(".prj").unlink()
    else:
        pad.with_suffix(".prj").write_text(prj)
    return pad


@pytest.fixture
def kaart_2019(tmp_path) -> dict[str, Path]:
    """The unzipped wijkbuurtkaart_2019_v3.zip: buurt, wijk and gemeente shapefiles."""
    map_ = tmp_path / "WijkBuurtkaart_2019_v3"
    return {
        "buurten": _shapefile(_buurten_2019(), map_ / "buurt_2019_v3.shp"),
        "wijken": _shapefile(_wijken_2019(), map_ / "wijk_2019_v3.shp"),
        "gemeenten": _shapefile(_wijken_2019(), map_ / "gemeente_2019_v3.shp"),
    }


# --- reading ---------------------------------------------------------------------------------


def test_old_shapefiles_get_catalogue_names_and_figures(kaart_2019):
    lagen = read_wijken_buurten(
        [kaart_2019["buurten"], kaart_2019["wijken"]], gemeentecode="GM9999", jaar=2019
    )
    buurten, wijken = lagen["buurten"].data, lagen["wijken"].data
    # GM_CODE filters the gemeente, WATER = JA is left out
    assert list(buurten.index) == ["BU99990101", "BU99990102"]
    assert buurten.index.name == "buurtcode"
    assert list(buurten["buurtnaam"]) == ["Dorp", "Veld"]
    assert list(buurten["wijkcode"]) == ["WK999901", "WK999901"]
    assert (buurten["gemeentecode"] == "GM9999").all()
    # AANT_INW, AANTAL_HH, GEM_HH_GR -> the catalogue columns of cbs.yml
    assert buurten.loc["BU99990101", "aantal_inwoners"] == 1250
    assert buurten.loc["BU99990101", "aantal_huishoudens"] == 560
    assert buurten.loc["BU99990101", "gemiddelde_huishoudensgrootte"] == pytest.approx(2.2)
    # CBS codes for "geheim" stay missing, never 0
    for kolom in ("aantal_inwoners", "aantal_huishoudens", "gemiddelde_huishoudensgrootte"):
        assert pd.isna(buurten.loc["BU99990102", kolom]), kolom
    assert int(buurten["aantal_inwoners"].sum()) == 1250
    # the age percentages stay percentages under their own name, not counts
    assert "inwoners_65_jaar_en_ouder" not in buurten.columns
    assert buurten.loc["BU99990101", "P_65_EO_JR"] == 19
    assert pd.isna(buurten.loc["BU99990102", "P_65_EO_JR"])
    assert not {"BU_CODE", "AANT_INW", "WATER"} & set(buurten.columns)
    assert list(wijken.index) == ["WK999901"]
    assert wijken.loc["WK999901", "wijknaam"] == "Noord"
    assert wijken.loc["WK999901", "aantal_inwoners"] == 1250
    # CBS's own .prj (RD_New) is RD: the coordinates are not moved
    assert buurten.crs.to_epsg() == 28992
    bron = _buurten_2019().geometry[:2]
    assert buurten.geometry.bounds.to_numpy() == pytest.approx(bron.bounds.to_numpy(), abs=1e-3)
    # the indeling year from the file name, and the old layout in the provenance
    for laag in ("buurten", "wijken"):
        h = lagen[laag].herkomst
        assert (h.indeling, h.peildatum) == ("2019", "2019")
        assert "indeling 2019 uit de bestandsnaam" in h.query
        assert "kaart van voor 2022" in h.query
    assert "BU_CODE" in lagen["buurten"].herkomst.query
    assert lagen["buurten"].herkomst.bron == (
        "CBS Wijk- en Buurtkaart 2019 (bestand buurt_2019_v3.shp)"
    )


def test_the_run_year_does_not_relabel_the_old_kaart(kaart_2019):
    lagen = read_wijken_buurten(kaart_2019["buurten"], gemeentecode="GM9999", jaar=2024)
    assert lagen["buurten"].herkomst.indeling == "2019"


def test_one_geopackage_with_the_old_layers_takes_the_year_from_the_layer_name(tmp_path):
    kaart = tmp_path / "kaart.gpkg"  # no year in the file name
    _buurten_2019().to_file(kaart, layer="buurt_2019_v3")
    _wijken_2019().to_file(kaart, layer="WIJK_2019_V3")  # names are matched case-insensitively
    _wijken_2019().to_file(kaart, layer="gemeente_2019_v3")
    lagen = read_wijken_buurten(kaart, gemeentecode="GM9999", jaar=2024)
    assert list(lagen) == ["buurten", "wijken"]
    assert list(lagen["buurten"].data.index) == ["BU99990101", "BU99990102"]
    assert list(lagen["wijken"].data.index) == ["WK999901"]
    h = lagen["buurten"].herkomst
    assert h.indeling == "2019"
    assert "indeling 2019 uit de laagnaam buurt_2019_v3" in h.query
    assert "indeling 2019 uit de laagnaam WIJK_2019_V3" in lagen["wijken"].herkomst.query


def test_2021_shapefiles_with_h2o_and_a_jaar_column(tmp_path):
    """From 2020 the water flag is H2O and the kaart has a JAAR column; in 2021 the files are
    called buurten_2021_v3.shp, wijken_2021_v3.shp."""
    buurten = _buurten_2019().rename(columns={"WATER": "H2O"}).assign(JAAR=2021)
    pad = _shapefile(buurten, tmp_path / "export" / "buurten_2021_v3.shp")
    gekopieerd = tmp_path / "buurten_2021_v3_kopie_2023.shp"  # the name misleads; JAAR wins
    for deel in pad.parent.iterdir():
        shutil.copy(deel, gekopieerd.with_suffix(deel.suffix))
    for bestand in (pad, gekopieerd):
        h = read_wijken_buurten(bestand, gemeentecode="GM9999").get("buurten")
        assert h is not None and list(h.data.index) == ["BU99990101", "BU99990102"]
        assert h.herkomst.indeling == "2021"
        assert "indeling 2021 uit kolom jaar" in h.herkomst.query


def test_the_2021_geopackage_with_cbs_prefixed_layers(tmp_path):
    """WijkBuurtkaart_2021_v1.gpkg: layers cbs_buurten_2021, cbs_wijken_2021, gemeenten2021,
    with the lower-case columns of today."""
    kaart = tmp_path / "WijkBuurtkaart_2021_v1.gpkg"
    nieuw = {
        "BU_CODE": "buurtcode", "BU_NAAM": "buurtnaam", "WK_CODE": "wijkcode",
        "GM_CODE": "gemeentecode", "WATER": "water", "AANT_INW": "aantal_inwoners",
    }  # fmt: skip
    _buurten_2019()[[*nieuw, "geometry"]].rename(columns=nieuw).to_file(
        kaart, layer="cbs_buurten_2021"
    )
    wijken = {"WK_CODE": "wijkcode", "WK_NAAM": "wijknaam", "GM_CODE": "gemeentecode"}
    _wijken_2019()[[*wijken, "geometry"]].rename(columns=wijken).to_file(
        kaart, layer="cbs_wijken_2021"
    )
    _wijken_2019().to_file(kaart, layer="gemeenten2021")
    lagen = read_wijken_buurten(kaart, gemeentecode="GM9999")
    assert list(lagen["buurten"].data.index) == ["BU99990101", "BU99990102"]
    assert pd.isna(lagen["buurten"].data.loc["BU99990102", "aantal_inwoners"])
    assert lagen["wijken"].herkomst.indeling == "2021"
    assert "kaart van voor 2022" not in lagen["buurten"].herkomst.query  # already catalogue names


def test_the_cbs_missing_codes_are_all_at_or_below_the_catalogue_bound():
    grens = load_cbs_config()["ontbrekend_tot_en_met"]
    assert all(code <= grens for code in (-99999999, -99999998, -99999997))


# --- clear errors ----------------------------------------------------------------------------


def test_a_shapefile_without_prj_is_refused(tmp_path):
    pad = _shapefile(_buurten_2019(), tmp_path / "buurt_2019_v3.shp", prj=None)
    with pytest.raises(BronError) as fout:
        read_wijken_buurten(pad, gemeentecode="GM9999")
    assert "buurt_2019_v3.shp" in str(fout.value)
    assert "geen coördinatenstelsel (CRS)" in str(fout.value) and "EPSG:28992" in str(fout.value)


def test_a_gemeente_not_in_the_old_kaart_names_what_is_there(kaart_2019):
    with pytest.raises(BronError) as fout:
        read_wijken_buurten(kaart_2019["buurten"], gemeentecode="GM0202")
    tekst = str(fout.value)
    assert "buurt_2019_v3.shp" in tekst and "GM0202" in tekst
    assert "GM9998, GM9999" in tekst


def test_only_the_gemeente_file_says_which_files_are_wanted(kaart_2019):
    with pytest.raises(BronError) as fout:
        read_wijken_buurten(kaart_2019["gemeenten"], gemeentecode="GM9999")
    tekst = str(fout.value)
    assert "Geen laag 'wijken' of 'buurten'" in tekst
    assert "gemeente_2019_v3.shp: gemeente_2019_v3" in tekst  # what was found
    assert "buurt_2019_v3.shp en wijk_2019_v3.shp" in tekst  # what was expected
    assert "gemeente_2019_v3 is de gemeentekaart" in tekst


def test_an_unknown_layer_name_lists_the_layers_and_the_names_expected(tmp_path):
    pad = _shapefile(_buurten_2019(), tmp_path / "export.shp")
    with pytest.raises(BronError) as fout:
        read_wijken_buurten(pad, gemeentecode="GM9999")
    tekst = str(fout.value)
    assert "(lagen: export.shp: export)" in tekst
    assert "'buurt_<jaar>...'" in tekst and "{'wijken': bestand, 'buurten': bestand}" in tekst
    # named as a mapping, the one layer is read whatever it is called
    lagen = read_wijken_buurten({"buurten": pad}, gemeentecode="GM9999", jaar=2019)
    assert list(lagen["buurten"].data.index) == ["BU99990101", "BU99990102"]


def test_a_buurt_layer_without_a_code_column_names_both_layouts(tmp_path):
    pad = _shapefile(_buurten_2019().drop(columns="BU_CODE"), tmp_path / "buurt_2019_v3.shp")
    with pytest.raises(BronError) as fout:
        read_wijken_buurten(pad, gemeentecode="GM9999")
    tekst = str(fout.value)
    assert "kolom 'buurtcode' ontbreekt" in tekst and "BU_NAAM" in tekst  # what is there
    assert "of BU_CODE (kaart van voor 2022)" in tekst


def test_buurten_in_two_files_are_refused(kaart_2019, tmp_path):
    tweede = _shapefile(_buurten_2019(), tmp_path / "buurten_2020_v3.shp")
    with pytest.raises(BronError, match="Laag 'buurten' staat zowel in .*buurt_2019_v3"):
        read_wijken_buurten([kaart_2019["buurten"], tweede], gemeentecode="GM9999")


# --- an older year through the CLI into a copy of the demo store ------------------------------


def _demo_kaart_2019(demo_opslag: Path, map_: Path) -> tuple[Path, Path, gpd.GeoDataFrame]:
    """The demo's indeling 2019 (with BU99990190, split in 2022) as buurt_2019_v3.shp and
    wijk_2019_v3.shp in the old layout, with the demo's 2019 figures; one buurt 'geheim', a
    water buurt and a buurt of another gemeente added."""
    lagen = load_lagen(demo_opslag, lagen=["buurten_indeling", "kerncijfers_jaren", "wijken"])[0]
    vlakken = lagen["buurten_indeling"]
    vlakken = vlakken[vlakken["indeling"] == 2019].set_index("buurtcode")
    kern = lagen["kerncijfers_jaren"]
    cijfers = kern[kern["jaar"] == 2019].pivot(
        index="buurtcode", columns="indicator", values="waarde"
    )
    inw = cijfers["aantal_inwoners"].reindex(vlakken.index)
    hh = cijfers["aantal_huishoudens"].reindex(vlakken.index)
    buurten = gpd.GeoDataFrame(
        {
            "BU_CODE": vlakken.index.astype(str),
            "BU_NAAM": vlakken["buurtnaam"].astype(str).to_numpy(),
            "WK_CODE": vlakken["wijkcode"].astype(str).to_numpy(),
            "GM_CODE": "GM9999",
            "GM_NAAM": "Rivierstad (synthetisch)",
            "WATER": "NEE",
            "AANT_INW": inw.round().astype(int).to_numpy(),
            "AANTAL_HH": hh.round().astype(int).to_numpy(),
            "GEM_HH_GR": (inw / hh).round(1).to_numpy(),
            "P_65_EO_JR": (100 * cijfers["inwoners_65_jaar_en_ouder"].reindex(vlakken.index) / inw)
            .round()
            .astype(int)
            .to_numpy(),
        },
        geometry=vlakken.geometry.to_numpy(),
        crs=vlakken.crs,
    )
    geheim = "BU99990201"
    buurten.loc[buurten["BU_CODE"] == geheim, ["AANT_INW", "AANTAL_HH"]] = GEHEIM
    extra = gpd.GeoDataFrame(
        {
            "BU_CODE": ["BU99990199", "BU99980101"],
            "BU_NAAM": ["Rivier", "Elders"],
            "WK_CODE": ["WK999901", "WK999801"],
            "GM_CODE": ["GM9999", "GM9998"],
            "GM_NAAM": ["Rivierstad (synthetisch)", "Buurdorp"],
            "WATER": ["JA", "NEE"],
            "AANT_INW": [0, 800],
            "AANTAL_HH": [0, 350],
            "GEM_HH_GR": [GEHEIM, 2.3],
            "P_65_EO_JR": [GEHEIM, 20],
        },  # fmt: skip
        geometry=[box(170000, 491000, 170500, 491500), box(150000, 450000, 150500, 450500)],
        crs=vlakken.crs,
    )
    oud = gpd.GeoDataFrame(pd.concat([buurten, extra], ignore_index=True), crs=vlakken.crs)
    wijken = lagen["wijken"]
    wijk_oud = gpd.GeoDataFrame(
        {
            "WK_CODE": wijken.index.astype(str),
            "WK_NAAM": wijken["wijknaam"].astype(str).to_numpy(),
            "GM_CODE": "GM9999",
            "WATER": "NEE",
            "AANT_INW": [
                int(buurten.loc[buurten["WK_CODE"] == w, "AANT_INW"].clip(lower=0).sum())
                for w in wijken.index
            ],
        },
        geometry=wijken.geometry.to_numpy(),
        crs=wijken.crs,
    )
    return (
        _shapefile(oud, map_ / "buurt_2019_v3.shp"),
        _shapefile(wijk_oud, map_ / "wijk_2019_v3.shp"),
        buurten,
    )


def test_importeer_an_old_kaart_adds_the_year_and_leaves_the_current_layers(
    opslag_2022_2024, demo_opslag, tmp_path
):
    buurt_shp, wijk_shp, geschreven = _demo_kaart_2019(demo_opslag, tmp_path / "kaart_2019")
    voor = load_lagen(opslag_2022_2024, lagen=["buurten", "wijken", "vraagpunten"])[0]
    uit = CliRunner().invoke(
        app,
        [
            "importeer", "--gemeente", "GM9999", "--jaar", "2019",
            "--grenzen", str(buurt_shp), "--grenzen", str(wijk_shp),
            "--opslag", str(opslag_2022_2024),
        ],
    )  # fmt: skip
    assert uit.exit_code == 0, uit.output
    assert "ouder dan de huidige lagen (2024)" in uit.output

    na = load_lagen(opslag_2022_2024)[0]
    for naam in ("buurten", "wijken", "vraagpunten"):  # the current layers stay as they were
        assert na[naam].index.equals(voor[naam].index), naam
        assert na[naam].geometry.geom_equals(voor[naam].geometry).all(), naam

    # the 2019 polygons, without the water buurt and the other gemeente
    indeling = na["buurten_indeling"]
    assert set(indeling["indeling"]) == {2019}
    codes = set(geschreven["BU_CODE"])
    assert set(indeling["buurtcode"]) == codes and "BU99990190" in codes
    per_code = indeling.set_index("buurtcode")
    assert per_code.loc["BU99990190", "wijkcode"] == "WK999901"
    assert (
        per_code.geometry.loc[sorted(codes)]
        .geom_equals(geschreven.set_index("BU_CODE").geometry.loc[sorted(codes)])
        .all()
    )

    # the figures of 2019 beside the other years; "geheim" stays missing, never 0
    kern = na["kerncijfers_jaren"]
    assert sorted(kern["jaar"].unique()) == [2019, 2022, 2023, 2024]
    jaar_2019 = kern[kern["jaar"] == 2019]
    assert set(jaar_2019["indeling"]) == {2019}
    assert set(jaar_2019["indicator"]) == {
        "aantal_inwoners", "aantal_huishoudens", "gemiddelde_huishoudensgrootte"
    }  # fmt: skip
    inwoners = jaar_2019[jaar_2019["indicator"] == "aantal_inwoners"].set_index("buurtcode")
    assert set(inwoners.index) == codes
    assert pd.isna(inwoners.loc["BU99990201", "waarde"])
    verwacht = geschreven.set_index("BU_CODE")["AANT_INW"]
    verwacht = verwacht[verwacht >= 0]
    assert inwoners.loc[verwacht.index, "waarde"].tolist() == verwacht.astype(float).tolist()
    assert "BU99990199" not in set(jaar_2019["buurtcode"])

    # the trend runs from 2019, the split buurt carried to the two new ones and flagged
    g = gp.load_gemeente("demo", opslag=opslag_2022_2024)
    trend = compute_trend(g, "aantal_inwoners")
    assert trend.attrs["jaren"] == ["2019", "2022", "2023", "2024"]
    assert trend.loc["WK999901", "herschat_jaren"] == "2019"
    wijk_1 = verwacht[geschreven.set_index("BU_CODE").loc[verwacht.index, "WK_CODE"] == "WK999901"]
    assert trend.loc["WK999901", "2019"] == pytest.approx(wijk_1.sum())
