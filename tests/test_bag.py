"""Real demand (issue 13, parts 1 and 2): BAG addresses and the CBS 100 m grid as demand points.

Online on recorded answers (tests/fixtures/bag, tests/fixtures/cbs_raster, tests/fixtures/pdok;
see their READMEs), the file twins on small GeoPackages made here, ``importeer --adressen`` on
the demo store, and the method in every provenance.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import responses
import shapely
from responses import matchers
from typer.testing import CliRunner

import gebiedsplan.importeren as importeren
from gebiedsplan import settings
from gebiedsplan.bronnen import Herkomst, bag, pdok, vierkant
from gebiedsplan.bronnen.vraag import choose_vraagpunten, herkomst_vraagpunten, samenvatting
from gebiedsplan.cli import app
from gebiedsplan.errors import BronError
from gebiedsplan.publiceren.herkomst import bronnen_tabel
from gebiedsplan.store import load_lagen

FIXTURES = Path(__file__).resolve().parent / "fixtures"
RD = pdok.RD_CRS
BAG_ITEMS = f"{bag.BAG_URL}/collections/verblijfsobject/items"
WFS = vierkant.WFS_URL.format(jaar=2024)
#: The buurten of tests/fixtures/pdok with a CBS figure (BU02020338 has none).
TOTALEN = {"BU02020100": 1605, "BU02020101": 2030, "BU02020102": 1400}
KERN = Herkomst(
    "CBS Kerncijfers wijken en buurten 2024",
    "2026-03-02",
    "CC BY 4.0 (CBS)",
    peildatum="2024-01-01",
    indeling="2024",
)


def fixture(map_: str, naam: str) -> dict:
    return json.loads((FIXTURES / map_ / naam).read_text(encoding="utf-8"))


def next_href(pagina: dict) -> str:
    return next(link["href"] for link in pagina["links"] if link["rel"] == "next")


@pytest.fixture
def dienst(tmp_path, monkeypatch):
    """No network: the recorded answers are the services; a fresh cache per test."""
    monkeypatch.setattr(settings, "cache_dir", tmp_path / "cache")
    monkeypatch.setattr(settings, "cache", True)
    monkeypatch.setattr(settings, "alleen_cache", False)
    monkeypatch.setattr(pdok, "PAGINA", 2)
    monkeypatch.setattr(bag, "PAGINA", 4)
    monkeypatch.setattr(vierkant, "PAGINA", 3)
    with responses.RequestsMock() as rsps:
        yield rsps


def _pdok_grenzen(dienst) -> None:
    basis = "https://api.pdok.nl/cbs/wijken-en-buurten-2024/ogc/v1"
    eerste = {"f": "json", "crs": RD, "gemeentecode": "GM0202", "limit": "2"}
    dienst.add(
        responses.GET,
        f"{basis}/collections/wijken/items",
        json=fixture("pdok", "wijken_GM0202.json"),
        match=[matchers.query_param_matcher(eerste)],
    )
    p1 = fixture("pdok", "buurten_GM0202_p1.json")
    dienst.add(
        responses.GET,
        f"{basis}/collections/buurten/items",
        json=p1,
        match=[matchers.query_param_matcher(eerste)],
    )
    dienst.add(responses.GET, next_href(p1), json=fixture("pdok", "buurten_GM0202_p2.json"))


def _bag(dienst) -> None:
    p1 = fixture("bag", "verblijfsobject_GM0202_p1.json")
    dienst.add(
        responses.GET,
        BAG_ITEMS,
        json=p1,
        match=[
            matchers.query_param_matcher(
                {
                    "f": "json",
                    "crs": RD,
                    "bbox-crs": RD,
                    "bbox": "190300,443100,192500,444600",
                    "limit": "4",
                }
            )
        ],
    )
    dienst.add(responses.GET, next_href(p1), json=fixture("bag", "verblijfsobject_GM0202_p2.json"))


def _wfs(dienst, bbox: str = "190300,443400,190800,443600") -> None:
    for start in (0, 3, 5):
        dienst.add(
            responses.GET,
            WFS,
            json=fixture("cbs_raster", f"vierkant_100m_2024_start{start}.json"),
            match=[
                matchers.query_param_matcher(
                    {
                        "service": "WFS",
                        "version": "2.0.0",
                        "request": "GetFeature",
                        "typeNames": "vierkantstatistieken100m:vierkant_100m",
                        "outputFormat": "application/json",
                        "srsName": "EPSG:28992",
                        "bbox": f"{bbox},urn:ogc:def:crs:EPSG::28992",
                        "count": "3",
                        "startIndex": str(start),
                    }
                )
            ],
        )


def _stub_rest(monkeypatch, demo) -> None:
    """CBS StatLine and RIVM are other helpers' recorded answers: stubbed here."""

    def kerncijfers(code, *, jaar):
        data = pd.DataFrame(
            {"aantal_inwoners": pd.array([*TOTALEN.values(), None], dtype="Int64")},
            index=pd.Index([*TOTALEN, "BU02020338"], name="code"),
        )
        return importeren.cbs.Kerncijfers(data, KERN, jaar)

    def gezondheid(code, *, jaar):
        return importeren.Laag("gezondheid", demo.lagen["gezondheid"], demo.herkomst["gezondheid"])

    monkeypatch.setattr(importeren.cbs, "fetch_kerncijfers", kerncijfers)
    monkeypatch.setattr(importeren.rivm, "fetch_gezondheid", gezondheid)


# --- online: ophalen on recorded answers ---------------------------------------------------


def test_ophalen_builds_demand_points_from_addresses(dienst, monkeypatch, demo):
    """ophalen for a small gemeente (the four buurten of the PDOK fixture): the addresses of the
    BAG (two pages), the grid for the buurt without an address, nothing counted twice or as 0."""
    _pdok_grenzen(dienst)
    _bag(dienst)
    _wfs(dienst)
    _stub_rest(monkeypatch, demo)

    invoer = importeren.fetch_online("GM0202", jaar=2024, osm_lagen=False)

    punten = invoer.lagen["vraagpunten"].data
    # 3 addresses: 0101, 0102 (winkel+wonen), 0105 (niet ingemeten); not 0103 (gevormd), 0104
    # (kantoor), 0107 (ingetrokken), 0201 (Rheden), 0106 (in no buurt)
    adres = punten[punten["methode"] == "adressen"]
    assert sorted(adres.index) == ["0202010000000101", "0202010000000102", "0202010000000105"]
    assert adres.loc["0202010000000105", "inwoners"] == 2030
    assert sorted(adres.loc[["0202010000000101", "0202010000000102"], "inwoners"]) == [802, 803]
    # BU02020102 has no address: the three grid cells with a number, weights 35 : 20 : 15
    cellen = punten[punten["methode"] == "raster_100m"]
    assert sorted(cellen.index) == ["E1903N4434", "E1904N4434", "E1906N4435"]
    assert (cellen["buurtcode"] == "BU02020102").all()
    assert int(cellen["inwoners"].sum()) == 1400
    assert cellen.loc["E1903N4434", "inwoners"] > cellen.loc["E1904N4434", "inwoners"]
    assert shapely.get_coordinates(cellen.geometry.loc[["E1903N4434"]].to_numpy()).tolist() == [
        [190350.0, 443450.0]
    ]
    # the inhabitants are the buurt totals, to the person
    assert punten.groupby("buurtcode")["inwoners"].sum().to_dict() == TOTALEN
    # the method in the provenance, with what was left out and why
    herkomst = invoer.lagen["vraagpunten"].herkomst
    assert punten.attrs["methode"] == "adressen"
    assert herkomst.bron.startswith(
        "Vraagpunten (methode adressen): inwoners per buurt (CBS Kerncijfers wijken en buurten "
        "2024) verdeeld over de adressen (BAG-verblijfsobjecten met woonfunctie, in gebruik "
        "(PDOK BAG OGC API))"
    )
    assert "buurten zonder adres: het 100m-raster (CBS Vierkantstatistieken 100 m 2024" in (
        herkomst.bron
    )
    assert "methode adressen (adressen: 3 punten, 3.635 inwoners; raster_100m: 3 punten" in (
        herkomst.query
    )
    for deel in (
        "1 zonder woonfunctie",
        "1 niet in gebruik (Verblijfsobject gevormd)",
        "1 niet in gebruik (Verblijfsobject ingetrokken)",
        "1 buiten de gemeente",
        "1 punten van de adressen liggen in geen enkele buurt",
        "1 buurten met inwoners maar zonder adres: vraagpunten uit het 100m-raster (BU02020102)",
        "1 cellen geheim (niet als 0 geteld)",
        BAG_ITEMS,
        WFS,
    ):
        assert deel in herkomst.query, deel
    assert herkomst.peildatum.startswith("2024-01-01; adressen ")
    assert herkomst.licentie == "CC BY 4.0 (CBS, Kadaster / PDOK); CC BY 4.0 (CBS); " + (
        "CC0 1.0 (Kadaster, BAG via PDOK)"
    )
    assert samenvatting(punten) == (
        "Vraagpunten (methode adressen): 3 adressen in 2 buurten, 3.635 inwoners; 3 "
        "rastercellen van 100 m in 1 buurten, 1.400 inwoners. Samen 5.035 inwoners."
    )
    # the sources sheet of Excel, the report and the map's provenance panel print this Herkomst
    tabel = bronnen_tabel({"vraagpunten": herkomst})
    assert tabel.loc[0, "Bron"].startswith("Vraagpunten (methode adressen)")


def test_ophalen_falls_back_to_the_grid_when_the_bag_fails(dienst, monkeypatch, demo):
    """The BAG answers 503: ophalen takes the grid for the whole gemeente, and says so."""
    _pdok_grenzen(dienst)
    dienst.add(responses.GET, BAG_ITEMS, status=503, body="Service Unavailable")
    monkeypatch.setattr(settings, "http_pogingen", 0)
    _wfs(dienst, bbox="190300,443100,192500,444600")
    _stub_rest(monkeypatch, demo)

    invoer = importeren.fetch_online("GM0202", jaar=2024, osm_lagen=False)

    punten = invoer.lagen["vraagpunten"].data
    assert punten.attrs["methode"] == "raster_100m"
    # the grid cells lie in BU02020102 only; the other buurten are spread over the buurt
    assert set(punten.loc[punten["methode"] == "raster_100m", "buurtcode"]) == {"BU02020102"}
    assert set(punten.loc[punten["methode"] == "buurt_verdeeld", "buurtcode"]) == {
        "BU02020100",
        "BU02020101",
    }
    assert punten.groupby("buurtcode")["inwoners"].sum().to_dict() == TOTALEN
    herkomst = invoer.lagen["vraagpunten"].herkomst
    assert herkomst.bron.startswith("Vraagpunten (methode raster_100m)")
    assert "adressen (BAG) niet gebruikt: PDOK niet bereikbaar" in herkomst.query
    assert "Rastercellen in 1 buurten zonder aantal_inwoners doen niet mee (BU02020338)" in (
        herkomst.query
    )


def test_fetch_adressen_pages_and_keeps_residential_addresses_in_use(dienst):
    _bag(dienst)
    gemeente = shapely.union_all(
        [shapely.box(190300, 443100, 191800, 444100), shapely.box(191800, 443600, 192500, 444600)]
    )
    adressen = bag.fetch_adressen(gemeente, naam="GM0202")
    assert sorted(adressen.data.index) == [
        "0202010000000101",
        "0202010000000102",
        "0202010000000105",
        "0202010000000106",
    ]
    assert adressen.data.crs.to_epsg() == 28992
    assert adressen.data.loc["0202010000000102", "gebruiksdoel"] == "winkelfunctie,woonfunctie"
    assert dict(adressen.weggelaten) == {
        "zonder woonfunctie": 1,
        "niet in gebruik (Verblijfsobject gevormd)": 1,
        "niet in gebruik (Verblijfsobject ingetrokken)": 1,
        "buiten de gemeente": 1,
    }
    assert adressen.herkomst.licentie == bag.LICENTIE
    assert len(dienst.calls) == 2  # two pages, followed by the cursor


def test_fetch_adressen_in_degrees_is_refused(dienst):
    """An answer in longitude/latitude although RD was asked for: refused, never guessed."""
    pagina = fixture("bag", "verblijfsobject_GM0202_p2.json")
    for f in pagina["features"]:
        f["geometry"]["coordinates"] = [5.9, 51.98]
    dienst.add(responses.GET, BAG_ITEMS, json=pagina)
    with pytest.raises(BronError, match="lengte-/breedtegraden"):
        bag.fetch_adressen(shapely.box(190300, 443100, 192500, 444600))


# --- file twins ------------------------------------------------------------------------------


def _bag_light(pad: Path, punten: list[tuple[str, str, str, float, float]], **extra) -> Path:
    """A small BAG GeoPackage in the layout of PDOK's bag-light.gpkg (layer verblijfsobject)."""
    frame = gpd.GeoDataFrame(
        {
            "identificatie": [p[0] for p in punten],
            "gebruiksdoel": [p[1] for p in punten],
            "status": [p[2] for p in punten],
            "oppervlakte": 80,
            "huisnummer": range(1, len(punten) + 1),
            "postcode": "6811AA",
            "woonplaats_naam": "Arnhem",
            "pand_identificatie": "0202100000000001",
            "nummeraanduiding_hoofdadres_identificatie": [
                p[0][:4] + "20" + p[0][6:] for p in punten
            ],
            "bronhouder_identificatie": [p[0][:4] for p in punten],
            **extra,
        },
        geometry=[shapely.Point(p[3], p[4]) for p in punten],
        crs="EPSG:28992",
    )
    frame.to_file(pad, layer="verblijfsobject", driver="GPKG")
    gpd.GeoDataFrame(
        {"identificatie": ["0202100000000001"]},
        geometry=[shapely.box(0, 0, 1, 1)],
        crs="EPSG:28992",
    ).to_file(pad, layer="pand", driver="GPKG")
    return pad


def test_read_adressen_reads_the_bag_geopackage(tmp_path):
    pad = _bag_light(
        tmp_path / "bag-light.gpkg",
        [
            ("0202010000000001", "woonfunctie", "Verblijfsobject in gebruik", 190900, 443700),
            (
                "0202010000000002",
                "woonfunctie,winkelfunctie",
                "Verblijfsobject in gebruik",
                191000,
                443800,
            ),
            ("0202010000000003", "woonfunctie", "Verbouwing verblijfsobject", 191100, 443800),
            ("0202010000000004", "logiesfunctie", "Verblijfsobject in gebruik", 191100, 443900),
            ("0275010000000001", "woonfunctie", "Verblijfsobject in gebruik", 199000, 449000),
        ],
    )
    adressen = bag.read_adressen(pad, gebied=shapely.box(190300, 443100, 192500, 444600))
    assert sorted(adressen.data.index) == ["0202010000000001", "0202010000000002"]
    # the row far outside is not even read (bounding box); the others are counted
    assert dict(adressen.weggelaten) == {
        "zonder woonfunctie": 1,
        "niet in gebruik (Verbouwing verblijfsobject)": 1,
        "buiten de gemeente": 0,
    }
    assert adressen.herkomst.bron == (
        "BAG-verblijfsobjecten met woonfunctie, in gebruik (bestand bag-light.gpkg)"
    )


def test_read_adressen_in_wgs84_is_brought_to_rd(tmp_path):
    """A GeoJSON saved from the API without crs (CRS84 longitude/latitude)."""
    rd = gpd.GeoSeries([shapely.Point(190900, 443700)], crs="EPSG:28992").to_crs("EPSG:4326")
    frame = gpd.GeoDataFrame(
        {
            "identificatie": ["0202010000000001"],
            "gebruiksdoel": ["woonfunctie"],
            "status": ["Verblijfsobject in gebruik"],
        },
        geometry=rd.to_numpy(),
        crs="EPSG:4326",
    )
    pad = tmp_path / "verblijfsobjecten.geojson"
    frame.to_file(pad, driver="GeoJSON")
    adressen = bag.read_adressen(pad, gebied=shapely.box(190300, 443100, 192500, 444600))
    assert shapely.get_coordinates(adressen.data.geometry.to_numpy()).round().tolist() == [
        [190900.0, 443700.0]
    ]


def test_read_bevolkingsraster_reads_the_cbs_geopackage(tmp_path):
    """The CBS GeoPackage: snake_case names, one layer, -99997 as no number (never 0)."""
    cellen = gpd.GeoDataFrame(
        {
            "crs28992res100m": ["E1903N4434", "E1904N4434", "E1905N4434", "E2000N4500"],
            "aantal_inwoners": [35, 20, -99997, 5],
            "aantal_woningen": [20, 10, 5, 5],
        },
        geometry=[
            shapely.box(190300, 443400, 190400, 443500),
            shapely.box(190400, 443400, 190500, 443500),
            shapely.box(190500, 443400, 190600, 443500),
            shapely.box(200000, 450000, 200100, 450100),
        ],
        crs="EPSG:28992",
    )
    pad = tmp_path / "cbs_vk100_2024_v1.gpkg"
    cellen.to_file(pad, layer="cbs_vk100_2024", driver="GPKG")
    raster = vierkant.read_bevolkingsraster(pad, gebied=shapely.box(190300, 443100, 192500, 444600))
    assert raster.data.index.tolist() == ["E1903N4434", "E1904N4434", "E1905N4434"]
    assert raster.data["aantal_inwoners"].tolist()[:2] == [35.0, 20.0]
    assert np.isnan(raster.data["aantal_inwoners"].iloc[2]) and raster.geheim == 1
    assert raster.herkomst.peildatum == "2024-01-01"
    buurt = gpd.GeoDataFrame(
        {"aantal_inwoners": [110]},
        geometry=[shapely.box(190300, 443400, 190800, 443600)],
        index=pd.Index(["BU02020102"], name="buurtcode"),
        crs="EPSG:28992",
    )
    punten = choose_vraagpunten(raster=raster.data, buurten=buurt)
    assert punten["inwoners"].to_dict() == {"E1903N4434": 70, "E1904N4434": 40}


def test_importeer_adressen_on_the_store(tmp_path, monkeypatch, demo):
    """importeer --adressen into a store that has the buurten: the summary line says the
    method, the store's vraagpunten are addresses summing to the buurt totals."""
    monkeypatch.chdir(tmp_path)
    opslag = importeren.save_demo(demo, tmp_path / "lagen" / "store")
    rng = np.random.default_rng(3)
    punten = []
    for code, geom in demo.buurten.geometry.items():
        for i, p in enumerate(_punten_in(geom, 4, rng)):
            punten.append(
                (f"9999{code[-4:]}{i:08d}", "woonfunctie", "Verblijfsobject in gebruik", p.x, p.y)
            )
    pad = _bag_light(tmp_path / "bag-light.gpkg", punten)
    result = CliRunner().invoke(
        app, ["importeer", "--gemeente", "GM9999", "--jaar", "2024", "--adressen", str(pad)]
    )
    assert result.exit_code == 0, result.output
    tekst = " ".join(result.output.split())
    assert f"Vraagpunten (methode adressen): {4 * len(demo.buurten)} adressen in " in tekst
    lagen, herkomst = load_lagen(opslag)
    assert set(lagen["vraagpunten"]["methode"]) == {"adressen"}
    per_buurt = lagen["vraagpunten"].groupby("buurtcode")["inwoners"].sum()
    verwacht = demo.buurten["aantal_inwoners"].dropna().astype(int)
    assert per_buurt.to_dict() == verwacht[verwacht > 0].to_dict()
    assert herkomst["vraagpunten"].bron.startswith("Vraagpunten (methode adressen)")
    assert "bestand bag-light.gpkg" in herkomst["vraagpunten"].bron
    # every product says it: the Excel notes and sources, the map's provenance panel
    result = CliRunner().invoke(app, ["analyse", "demo"])
    assert result.exit_code == 0, result.output
    xlsx = pd.ExcelFile(tmp_path / "uitvoer" / "hiaten_GM9999.xlsx")
    noten = pd.read_excel(xlsx, "Toelichting")["Toelichting"].tolist()
    assert any(
        str(r).startswith("Waar de inwoners wonen (vraagpunten): Vraagpunten (methode adressen)")
        for r in noten
    )
    bronnen = pd.read_excel(xlsx, "Bronnen", dtype=str)
    assert (
        bronnen.loc[bronnen["Laag"] == "vraagpunten", "Bron"]
        .str.startswith("Vraagpunten (methode adressen)")
        .all()
    )
    html = (tmp_path / "maps" / "hiaten_GM9999.html").read_text(encoding="utf-8")
    assert "Vraagpunten (methode adressen)" in html


def _punten_in(geom: shapely.Geometry, n: int, rng: np.random.Generator) -> list[shapely.Point]:
    minx, miny, maxx, maxy = geom.bounds
    uit: list[shapely.Point] = []
    while len(uit) < n:
        p = shapely.Point(rng.uniform(minx, maxx), rng.uniform(miny, maxy))
        if geom.contains(p):
            uit.append(p)
    return uit


def test_herkomst_of_the_buurt_spread_keeps_its_dates(demo):
    """Without addresses or grid: the residents' date and the boundaries' indeling, as before."""
    from gebiedsplan.bronnen.vraag import vraagpunten_from_buurten

    buurten = Herkomst(
        "CBS Wijk- en Buurtkaart 2022", "2026-01-01", "CC BY 4.0", peildatum="2022", indeling="2022"
    )
    samen = importeren.combine_herkomst([buurten, KERN])
    h = herkomst_vraagpunten(vraagpunten_from_buurten(demo.buurten), buurten=samen)
    assert (h.peildatum, h.indeling) == ("2024-01-01", "2022")
    assert h.bron.startswith("Vraagpunten (methode buurt_verdeeld)")
    assert "vraagpunten_from_buurten(cel_m=100)" in h.query


def test_heeft_woonfunctie_reads_text_and_lists():
    waarden = pd.Series(
        [
            "woonfunctie",
            "Woonfunctie",
            "kantoorfunctie,woonfunctie",
            ["woonfunctie"],
            "woonfunctieachtig",
            None,
            "",
        ]
    )
    assert bag.heeft_woonfunctie(waarden).tolist() == [True, True, True, True, False, False, False]


def test_eighty_thousand_addresses_go_vectorised(tmp_path):
    """An Arnhem-size gemeente (80 000 addresses, 80 buurten): from the file to demand points in
    a few seconds, every buurt total exact (the time is reported by the helper, not asserted)."""
    rng = np.random.default_rng(7)
    n = 80_000
    buurten = gpd.GeoDataFrame(
        {"aantal_inwoners": rng.integers(500, 4000, 80)},
        geometry=[
            shapely.box(
                180000 + 1000 * (i % 10),
                440000 + 1000 * (i // 10),
                181000 + 1000 * (i % 10),
                441000 + 1000 * (i // 10),
            )
            for i in range(80)
        ],
        index=pd.Index([f"BU0202{i:04d}" for i in range(80)], name="buurtcode"),
        crs="EPSG:28992",
    )
    xy = np.column_stack([rng.uniform(180000, 190000, n), rng.uniform(440000, 448000, n)])
    frame = gpd.GeoDataFrame(
        {
            "identificatie": [f"0202010{i:09d}" for i in range(n)],
            "gebruiksdoel": np.where(rng.random(n) < 0.9, "woonfunctie", "kantoorfunctie"),
            "status": "Verblijfsobject in gebruik",
        },
        geometry=shapely.points(xy),
        crs="EPSG:28992",
    )
    pad = tmp_path / "bag-light.gpkg"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        frame.to_file(pad, layer="verblijfsobject", driver="GPKG")
    vlak = shapely.union_all(buurten.geometry.to_numpy())
    adressen = bag.read_adressen(pad, gebied=vlak)
    punten = choose_vraagpunten(adressen=adressen.data, buurten=buurten)
    assert punten.groupby("buurtcode")["inwoners"].sum().to_dict() == (
        buurten["aantal_inwoners"].astype(int).to_dict()
    )
    assert (punten["methode"] == "adressen").all()
