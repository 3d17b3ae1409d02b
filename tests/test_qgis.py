"""GeoPackages for QGIS (gebiedsplan.publiceren.qgis) and readable CBS names in the layer store.

The demo's GeoPackage is written with :func:`write_hiaten_gpkg` and read back as QGIS reads it:
the layers (one feature per area per level, the long tables without geometry), the aliases in
``gpkg_data_columns`` and the styles in ``layer_styles`` (parsed as XML, classes and colours
against the maps' scale). The store part imports a small Wijk- en Buurtkaart file with
exporter-prefixed CBS keys and checks names and metadata.
"""

from __future__ import annotations

import json
import re
import sqlite3
import xml.etree.ElementTree as ET

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely

import gebiedsplan as gp
from gebiedsplan.analyse.scenario import woningvoorraad
from gebiedsplan.catalogus import kolom_info, load_catalogus
from gebiedsplan.errors import GebiedsplanError
from gebiedsplan.importeren import save_demo
from gebiedsplan.publiceren.opmaak import GEEN_WAARDE_KLEUR, HIAAT_GRENZEN, HIAAT_KLEUREN, klasse
from gebiedsplan.publiceren.qgis import (
    BREDE_KOLOMMEN,
    hiaat_klassen,
    hiaat_qml,
    hiaten_niveaus,
    wide_hiaten,
    write_hiaten_gpkg,
)
from gebiedsplan.store import load_lagen, update_lagen

#: A sensitive site under an innocent category: only its name says what it is.
GEVOELIG = "Vrouwenopvang Zuiderhaven"
GEVOELIG_XY = (172345.6, 492876.5)


def _rgba(kleur: str) -> str:
    h = kleur.lstrip("#")
    return ",".join(str(int(h[i : i + 2], 16)) for i in (0, 2, 4)) + ",255"


@pytest.fixture(scope="module")
def gpkg(tmp_path_factory, gemeente, analyse):
    """The demo's GeoPackage, with one more sensitive facility in the demo layer."""
    vz = gemeente.voorzieningen
    extra = gpd.GeoDataFrame(
        {"naam": [GEVOELIG], "categorie": ["welzijn"], "subcategorie": [""], "bron": ["test"]},
        geometry=[shapely.Point(*GEVOELIG_XY)],
        crs=vz.crs,
        index=pd.Index(["vz_test"], name=vz.index.name),
    )
    met = pd.concat([vz, extra])
    pad = tmp_path_factory.mktemp("qgis") / "hiaten_GM9999.gpkg"
    return write_hiaten_gpkg(
        pad,
        hiaten_niveaus(analyse, gemeente),
        voorzieningen=met,
        accommodaties=gemeente.accommodaties,
        metadata={
            "titel": "Hiaten sociale basis - Rivierstad (synthetisch)",
            "synthetisch": "True",
        },
        standaard_categorie="huisarts",
    )


def _lagen(pad) -> dict[str, str | None]:
    return {str(r[0]): r[1] for r in pyogrio.list_layers(pad)}


def test_een_vlak_per_gebied_per_niveau(gpkg, gemeente):
    lagen = _lagen(gpkg)
    verwacht = {
        "hiaten_wijk": ("wijkcode", set(gemeente.wijken.index)),
        "hiaten_buurt": ("buurtcode", set(gemeente.buurten.index)),
        "hiaten_gebied": ("gebied", set(gemeente.gebieden)),
    }
    for laag, (code, codes) in verwacht.items():
        assert lagen[laag] == "Polygon", laag
        vlakken = pyogrio.read_dataframe(gpkg, layer=laag)
        assert len(vlakken) == len(codes), laag
        assert vlakken[code].is_unique and set(vlakken[code]) == codes, laag
        assert vlakken.crs.to_epsg() == 28992
        meta = pyogrio.read_info(gpkg, layer=laag)["layer_metadata"]
        assert meta["synthetisch"] == "True" and "synthetisch" in meta["titel"]


def test_brede_kolommen_gelijk_aan_de_lange_tabel(gpkg, analyse):
    wijk = pyogrio.read_dataframe(gpkg, layer="hiaten_wijk").set_index("wijkcode")
    buurt = pyogrio.read_dataframe(gpkg, layer="hiaten_buurt").set_index("buurtcode")
    categorieen = analyse.hiaten.index.get_level_values("categorie").unique()
    for cat in categorieen:
        for kolom in BREDE_KOLOMMEN:
            assert f"{kolom}_{cat}" in wijk.columns
    assert all(len(k) <= 63 for k in wijk.columns)
    # a spot check on one wijk and one buurt, every wide column
    for tabel, breed, code in (
        (analyse.hiaten, wijk, "WK999903"),
        (analyse.hiaten_buurt, buurt, "BU99990302"),
    ):
        for kolom in BREDE_KOLOMMEN:
            lang = tabel.loc[(code, "huisarts"), kolom]
            assert breed.loc[code, f"{kolom}_huisarts"] == pytest.approx(float(lang), nan_ok=True)
        assert breed.loc[code, "inwoners"] == tabel.loc[(code, "huisarts"), "inwoners"]
    # and the whole score table at once
    lang = analyse.hiaten["hiaatscore"].unstack("categorie")
    for cat in categorieen:
        np.testing.assert_allclose(
            wijk.loc[lang.index, f"hiaatscore_{cat}"].to_numpy(dtype=float),
            lang[cat].to_numpy(dtype=float),
        )


def test_lange_tabel_zonder_geometrie(gpkg, analyse):
    lagen = _lagen(gpkg)
    for laag, tabel in (
        ("hiaten_wijk_tabel", analyse.hiaten),
        ("hiaten_buurt_tabel", analyse.hiaten_buurt),
        ("hiaten_gebied_tabel", analyse.hiaten_gebied),
    ):
        assert lagen[laag] is None, laag
        lang = pyogrio.read_dataframe(gpkg, layer=laag, read_geometry=False)
        assert len(lang) == len(tabel)
        assert {"categorie", "hiaatscore", "reden"} <= set(lang.columns)
    with sqlite3.connect(gpkg) as db:
        soorten = dict(db.execute("SELECT table_name, data_type FROM gpkg_contents").fetchall())
    assert soorten["hiaten_wijk_tabel"] == "attributes"
    assert soorten["hiaten_wijk"] == "features"


def test_aliassen_in_gpkg_data_columns(gpkg):
    with sqlite3.connect(gpkg) as db:
        rijen = db.execute(
            "SELECT table_name, column_name, name, title, description FROM gpkg_data_columns"
        ).fetchall()
        extensies = db.execute("SELECT table_name, extension_name FROM gpkg_extensions").fetchall()
    alias = {(t, c): (n, ti, d) for t, c, n, ti, d in rijen}
    assert alias[("hiaten_wijk", "hiaatscore_huisarts")][:2] == (
        "Hiaatscore (0-100) - Huisarts",
        "Hiaatscore (0-100) - Huisarts",
    )
    assert alias[("hiaten_wijk", "inwoners")][0] == kolom_info("inwoners").kop
    assert alias[("hiaten_buurt_tabel", "aandeel_binnen_norm")][0] == "Aandeel binnen norm"
    assert alias[("voorzieningen", "naam")][0]  # the facilities have aliases too
    assert ("gpkg_data_columns", "gpkg_schema") in extensies
    # name is unique per table, as the schema extension wants it
    per_tabel = pd.DataFrame(rijen, columns=["t", "c", "n", "ti", "d"])
    assert not per_tabel.duplicated(["t", "n"]).any()


def _stijlen(pad) -> pd.DataFrame:
    with sqlite3.connect(pad) as db:
        return pd.read_sql(
            "SELECT f_table_catalog, f_table_schema, f_table_name, f_geometry_column, styleName, "
            "styleQML, styleSLD, useAsDefault, description, owner, ui, update_time "
            "FROM layer_styles",
            db,
        )


def _xml(qml: str) -> ET.Element:
    assert qml.startswith("<!DOCTYPE qgis")
    return ET.fromstring(qml.split("\n", 1)[1])


def test_layer_styles_een_standaardstijl_per_ruimtelijke_laag(gpkg):
    stijlen = _stijlen(gpkg)
    ruimtelijk = [n for n, g in _lagen(gpkg).items() if g is not None]
    standaard = stijlen[stijlen["useAsDefault"] == 1]
    assert sorted(standaard["f_table_name"]) == sorted(ruimtelijk)
    assert (stijlen["f_geometry_column"] == "geom").all()
    assert (stijlen["f_table_schema"] == "").all() and (stijlen["f_table_catalog"] == "").all()
    assert _lagen(gpkg)["layer_styles"] is None
    # every category of the gap layers has its own (not default) style
    wijk = stijlen[stijlen["f_table_name"] == "hiaten_wijk"]
    assert len(wijk) == 10 and wijk["styleName"].is_unique
    for qml in stijlen["styleQML"]:
        wortel = _xml(qml)
        assert wortel.tag == "qgis" and wortel.get("version", "").startswith("3.")
        assert wortel.find("renderer-v2") is not None


def test_hiaatstijl_noemt_de_klassen_en_kleuren_van_de_kaarten(gpkg):
    stijlen = _stijlen(gpkg)
    for laag in ("hiaten_wijk", "hiaten_buurt", "hiaten_gebied"):
        rij = stijlen[(stijlen["f_table_name"] == laag) & (stijlen["useAsDefault"] == 1)].iloc[0]
        wortel = _xml(rij["styleQML"])
        renderer = wortel.find("renderer-v2")
        assert renderer is not None and renderer.get("type") == "RuleRenderer"
        regels = list(renderer.iter("rule"))
        labels = [r.get("label") for r in regels]
        assert labels == [
            *(f"{a} - {b}" for a, b in zip(HIAAT_GRENZEN[:-1], HIAAT_GRENZEN[1:], strict=True)),
            "geen hiaatscore",
        ]
        assert all('"hiaatscore_huisarts"' in r.get("filter") for r in regels[:-1])
        assert regels[-1].get("filter") == "ELSE"
        kleuren = {}
        for symbool in renderer.iter("symbol"):
            kleur = next(o for o in symbool.iter("Option") if o.get("name") == "color")
            kleuren[symbool.get("name")] = kleur.get("value")
        assert [kleuren[r.get("symbol")] for r in regels] == [
            _rgba(k) for k in [*HIAAT_KLEUREN, GEEN_WAARDE_KLEUR]
        ]


def _regel_van(qml: str, waarde: float | None) -> str | None:
    """The label of the rule a value falls in, evaluating the rule filters the way QGIS does
    (first match; a comparison with NULL is not true; ELSE when none matched). The filters
    are read as ``"veld" >= getal``, ``"veld" < getal`` and ``"veld" IS NOT NULL`` joined by
    AND; anything else fails the test."""
    toets = {">=": lambda a, b: a >= b, "<": lambda a, b: a < b}
    for regel in _xml(qml).iter("rule"):
        filter_ = regel.get("filter")
        if filter_ == "ELSE":
            return regel.get("label")
        waar = []
        for deel in filter_.split(" AND "):
            if deel == '"hiaatscore_x" IS NOT NULL':
                waar.append(waarde is not None)
                continue
            m = re.fullmatch(r'"hiaatscore_x" (>=|<) (-?[\d.]+)', deel)
            assert m, f"onverwacht filter: {deel}"
            waar.append(waarde is not None and toets[m[1]](waarde, float(m[2])))
        if all(waar):
            return regel.get("label")
    return None


@pytest.mark.parametrize(
    "waarde", [0.0, 9.99, 10.0, 24.9, 25.0, 50.0, 74.99, 75.0, 100.0, -1.0, 120.0]
)
def test_klassen_vallen_als_op_de_kaart(waarde):
    """The same value gets the same class as on the maps (opmaak.klasse), also on a bound."""
    qml = hiaat_qml("hiaatscore_x")
    label = _regel_van(qml, waarde)
    kleur = dict((lbl, k) for lbl, k, _a, _b in hiaat_klassen())[label]
    assert kleur == klasse(waarde, HIAAT_GRENZEN, HIAAT_KLEUREN)
    assert _regel_van(qml, None) == "geen hiaatscore"


def test_voorzieningen_zonder_gevoelige_locaties(gpkg, gemeente):
    punten = pyogrio.read_dataframe(gpkg, layer="voorzieningen")
    assert GEVOELIG not in set(punten["naam"])
    assert "opvang" not in set(punten["categorie"])
    gevoelig = gemeente.voorzieningen[gemeente.voorzieningen["categorie"] == "opvang"]
    assert len(gevoelig) >= 1
    assert not set(gevoelig["naam"]) & set(punten["naam"])
    xy = {(round(p.x, 1), round(p.y, 1)) for p in punten.geometry}
    assert GEVOELIG_XY not in xy
    for p in gevoelig.geometry:
        assert (round(p.x, 1), round(p.y, 1)) not in xy
    # nothing of them anywhere in the file, in any table
    ruw = gpkg.read_bytes()
    for naam in [GEVOELIG, *gevoelig["naam"]]:
        assert naam.encode() not in ruw
    # the rest is there, with Dutch labels
    labels = {c.code: c.label for c in load_catalogus().categorieen.values()}
    assert len(punten) == len(gemeente.voorzieningen) - len(gevoelig)
    assert (punten["categorie_label"] == punten["categorie"].map(labels)).all()


def test_voorzieningenstijl_per_categorie_met_kaartkleuren(gpkg):
    stijlen = _stijlen(gpkg)
    rij = stijlen[stijlen["f_table_name"] == "voorzieningen"].iloc[0]
    renderer = _xml(rij["styleQML"]).find("renderer-v2")
    assert renderer.get("type") == "categorizedSymbol" and renderer.get("attr") == "categorie"
    catalogus = load_catalogus().categorieen
    categorieen = {c.get("value"): c for c in renderer.iter("category")}
    assert "opvang" not in categorieen
    kleuren = {
        s.get("name"): next(o for o in s.iter("Option") if o.get("name") == "color").get("value")
        for s in renderer.iter("symbol")
    }
    for code, cat in categorieen.items():
        assert cat.get("label") == catalogus[code].label
        assert kleuren[cat.get("symbol")] == _rgba(catalogus[code].kleur)


def test_fouten_noemen_wat_er_mis_is(gemeente, analyse, tmp_path):
    with pytest.raises(GebiedsplanError, match="verwacht \\(buurtcode, categorie\\)"):
        wide_hiaten(analyse.hiaten, gemeente.buurten, niveau="buurt")
    with pytest.raises(GebiedsplanError, match="Onbekend niveau 'stad'"):
        wide_hiaten(analyse.hiaten, gemeente.wijken, niveau="stad")
    with pytest.raises(GebiedsplanError, match="zonder vlak"):
        wide_hiaten(analyse.hiaten, gemeente.wijken.iloc[:2], niveau="wijk")
    with pytest.raises(GebiedsplanError, match="Standaardcategorie 'kapper'.*kies uit"):
        write_hiaten_gpkg(
            tmp_path / "x.gpkg",
            hiaten_niveaus(analyse, gemeente),
            voorzieningen=None,
            metadata={},
            standaard_categorie="kapper",
        )
    with pytest.raises(GebiedsplanError, match="geen hiatentabel"):
        write_hiaten_gpkg(tmp_path / "x.gpkg", {}, voorzieningen=None, metadata={})
    assert not (tmp_path / "x.gpkg").exists()


# ------------------------------------------------------------------------------------------------
# The store: readable names for CBS keys
# ------------------------------------------------------------------------------------------------


def _kaart_met_cbs_sleutels(demo, map_):
    """A small Wijk- en Buurtkaart GeoPackage as an exporter writes it: CBS keys behind
    ``kwb24_``, a bare StatLine key, and a column of its own."""
    wijken = demo.wijken.reset_index().assign(
        kwb24_Bevolkingsdichtheid_34=[5000, 4000, 3000, 2000, 1000, 500],
        kwb24_Woningvoorraad_35=[3000, 2500, 2000, 1500, 1000, 800],
        kwb24_OppervlakteTotaal_122=[120, 130, 140, 150, 160, 170],
        HuishoudensMetKinderen_32=[400, 300, 200, 100, 50, 25],
        rivm20_eenzaam_18p=[40.0, 41.0, 42.0, 43.0, 44.0, 45.0],
    )
    buurten = demo.buurten.reset_index().assign(kwb24_pct_0Tot15Jaar=15.0)
    bestand = map_ / "wijkenbuurten_2024.gpkg"
    gpd.GeoDataFrame(wijken, crs=demo.wijken.crs).to_file(bestand, layer="wijken")
    gpd.GeoDataFrame(buurten, crs=demo.buurten.crs).to_file(bestand, layer="buurten")
    return bestand


def test_import_geeft_leesbare_namen_met_de_cbs_sleutel_in_de_metadata(demo, tmp_path):
    bestand = _kaart_met_cbs_sleutels(demo, tmp_path)
    invoer = gp.import_files("GM9999", jaar=2024, grenzen=[bestand])
    verslag = gp.write_invoer(invoer, opslag=tmp_path / "store")
    velden = set(pyogrio.read_info(verslag.pad, layer="wijken")["fields"])
    assert {"bevolkingsdichtheid_per_km2", "woningvoorraad", "oppervlakte_totaal_ha"} <= velden
    assert "huishoudens_met_kinderen" in velden
    assert not [v for v in velden if v.startswith("kwb24_") or v.endswith("_32")]
    assert "rivm20_eenzaam_18p" in velden  # not a CBS key: as it was
    meta = pyogrio.read_info(verslag.pad, layer="wijken")["layer_metadata"]
    sleutels = json.loads(meta["cbs_sleutels"])
    assert sleutels["woningvoorraad"] == "kwb24_Woningvoorraad_35"
    assert sleutels["bevolkingsdichtheid_per_km2"] == "kwb24_Bevolkingsdichtheid_34"
    assert sleutels["huishoudens_met_kinderen"] == "HuishoudensMetKinderen_32"
    buurt_meta = pyogrio.read_info(verslag.pad, layer="buurten")["layer_metadata"]
    assert json.loads(buurt_meta["cbs_sleutels"]) == {
        "inwoners_0_tot_15_jaar_pct": "kwb24_pct_0Tot15Jaar"
    }
    # the keys stay when the store is written again without these layers in the run
    update_lagen(verslag.pad, {"voorzieningen": demo.voorzieningen}, demo.herkomst)
    meta = pyogrio.read_info(verslag.pad, layer="wijken")["layer_metadata"]
    assert json.loads(meta["cbs_sleutels"])["woningvoorraad"] == "kwb24_Woningvoorraad_35"
    lagen, _ = load_lagen(verslag.pad, lagen=["wijken"])
    assert lagen["wijken"].attrs["cbs_sleutels"]["woningvoorraad"] == "kwb24_Woningvoorraad_35"
    assert int(lagen["wijken"]["woningvoorraad"].sum()) == 10800


def test_oude_opslag_met_cbs_sleutels_laadt_en_werkt(demo, tmp_path):
    """A store written before the readable names (columns as kwb24_...) loads with them, and
    the housing stock is found under either name."""
    doel = save_demo(demo, tmp_path)
    oud = demo.wijken.reset_index().assign(kwb24_Woningvoorraad_35=[10, 20, 30, 40, 50, 60])
    pyogrio.write_dataframe(
        oud,
        doel,
        layer="wijken",
        driver="GPKG",
        metadata=demo.herkomst["wijken"].as_metadata(),
        layer_options={"OVERWRITE": "YES"},
    )
    assert "kwb24_Woningvoorraad_35" in pyogrio.read_info(doel, layer="wijken")["fields"]
    lagen, _ = load_lagen(doel)
    assert "woningvoorraad" in lagen["wijken"].columns
    assert lagen["wijken"].attrs["cbs_sleutels"] == {"woningvoorraad": "kwb24_Woningvoorraad_35"}
    g = gp.load_gemeente("demo", opslag=doel)
    assert woningvoorraad(g) == (210.0, "CBS-woningvoorraad van de wijken (woningvoorraad)")
    # the old spelling still counts where a frame has it
    g.wijken = g.wijken.rename(columns={"woningvoorraad": "kwb24_Woningvoorraad_35"})
    assert woningvoorraad(g)[0] == 210.0
