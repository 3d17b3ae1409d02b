"""load_gemeente: the demo gemeente through wijken/demo.yml, and bad gemeente files."""

from __future__ import annotations

import re

import pytest
import shapely

from gebiedsplan import settings
from gebiedsplan.bronnen import demo as demo_module
from gebiedsplan.bronnen.demo import HERKOMST
from gebiedsplan.errors import GemeenteError
from gebiedsplan.gemeente import load_gemeente
from gebiedsplan.store import save_lagen

DEMO_YML = (settings.wijken_dir / "demo.yml").read_text(encoding="utf-8")


def write_yml(tmp_path, text: str, name: str = "rivierstad.yml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def line_of(text: str, fragment: str) -> int:
    """1-based number of the only line of ``text`` containing ``fragment``."""
    hits = [i + 1 for i, line in enumerate(text.splitlines()) if fragment in line]
    assert len(hits) == 1, (fragment, hits)
    return hits[0]


def replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


# --- the demo gemeente ----------------------------------------------------------------------------


def test_demo_gemeente_has_its_wijken_and_buurten(gemeente):
    assert gemeente.code == "GM9999"
    assert len(gemeente.wijken) == 6
    assert len(gemeente.buurten) == 26
    assert gemeente.wijken.index.name == "wijkcode"
    assert gemeente.buurten.index.name == "buurtcode"
    assert gemeente.buurten.crs.to_epsg() == 28992
    assert gemeente.gezondheid is not None and gemeente.vraagpunten is not None
    assert (
        gemeente.groen_raster is not None and gemeente.groen_raster.name == "GM9999_groen_10m.tif"
    )


def test_gebieden_are_the_three_of_demo_yml(gemeente):
    assert list(gemeente.gebieden) == ["Havenkwartier", "Pilot Noord", "Pilot Zuid"]


def test_havenkwartier_from_polygon_is_the_industrial_buurten(gemeente):
    haven = gemeente.gebieden["Havenkwartier"]
    assert haven.soort == "ontwikkelgebied"
    assert haven.geometrie.equals(shapely.from_wkt(demo_module.PLANGEBIED_WKT))
    # BU99990301 only shares an edge with the plan boundary; it must not count as inside.
    assert sorted(haven.buurten) == sorted(demo_module.INDUSTRIE_BUURTEN)


def test_pilot_noord_from_wijken_has_all_their_buurten(gemeente):
    noord = gemeente.gebieden["Pilot Noord"]
    expected = sorted(
        gemeente.buurten.index[gemeente.buurten["wijkcode"].isin(["WK999901", "WK999902"])]
    )
    assert len(expected) == 10
    assert sorted(noord.buurten) == expected
    assert noord.geometrie.area == pytest.approx(
        gemeente.wijken.loc[["WK999901", "WK999902"]].area.sum()
    )


def test_pilot_zuid_from_buurten(gemeente):
    zuid = gemeente.gebieden["Pilot Zuid"]
    assert zuid.buurten == (
        "BU99990401",
        "BU99990402",
        "BU99990403",
        "BU99990404",
        "BU99990501",
        "BU99990502",
    )
    assert zuid.soort == "wijknetwerk-pilot"
    assert zuid.geometrie.area == pytest.approx(gemeente.buurten.loc[list(zuid.buurten)].area.sum())


def test_norm_override_from_demo_yml(gemeente):
    ontmoeting = gemeente.normen["ontmoeting"]
    assert ontmoeting.max_afstand_m == 600
    assert ontmoeting.soort == "gemeente"
    assert ontmoeting.doeldekking == 0.9  # not overridden: catalogue value kept
    assert "Rivierstad" in ontmoeting.bron
    assert gemeente.normen["huisarts"].soort == "aanname"


def test_title_says_synthetisch(gemeente):
    assert "synthetisch" in gemeente.titel
    assert gemeente.synthetisch is True
    assert all(h.synthetisch for h in gemeente.herkomst.values())


def test_gemeente_file_given_as_path(tmp_path, demo_opslag):
    gemeente = load_gemeente(write_yml(tmp_path, DEMO_YML), opslag=demo_opslag)
    assert len(gemeente.gebieden) == 3
    assert gemeente.bestand == tmp_path / "rivierstad.yml"


# --- bad gemeente files ---------------------------------------------------------------------------


def test_unknown_buurt_in_gebied_names_code_and_line(tmp_path, demo_opslag):
    # block-style list so that every buurt has its own line
    text = replace_once(
        DEMO_YML,
        "    buurten: [BU99990401, BU99990402, BU99990403, BU99990404, BU99990501, BU99990502]",
        "    buurten:\n      - BU99990401\n      - BU99990402\n      - BU99990499\n      - BU99990501",
    )
    path = write_yml(tmp_path, text)
    regel = line_of(text, "BU99990499")
    with pytest.raises(GemeenteError) as info:
        load_gemeente(path, opslag=demo_opslag)
    message = str(info.value)
    assert f"{path}, regel {regel}: gebied 'Pilot Zuid' noemt buurt 'BU99990499'" in message
    assert "niet in de laag buurten" in message
    assert "BU99990401" not in message


def test_unknown_wijk_in_gebied_names_code_and_line(tmp_path, demo_opslag):
    text = replace_once(DEMO_YML, "wijken: [WK999901, WK999902]", "wijken: [WK999901, WK999909]")
    path = write_yml(tmp_path, text)
    regel = line_of(text, "WK999909")
    with pytest.raises(GemeenteError) as info:
        load_gemeente(path, opslag=demo_opslag)
    assert (
        f"regel {regel}: gebied 'Pilot Noord' noemt wijk 'WK999909', die niet in de laag wijken staat"
        in str(info.value)
    )


def test_polygon_outside_gemeente(tmp_path, demo_opslag):
    text = re.sub(
        r"polygoon: POLYGON \(\(.*\)\)",
        "polygoon: POLYGON ((100000 400000, 101000 400000, 101000 401000, 100000 400000))",
        DEMO_YML,
    )
    assert text != DEMO_YML
    path = write_yml(tmp_path, text)
    regel = line_of(text, "polygoon:")
    with pytest.raises(GemeenteError) as info:
        load_gemeente(path, opslag=demo_opslag)
    message = str(info.value)
    assert f"regel {regel}: polygoon van 'Havenkwartier' ligt buiten de gemeente" in message
    assert "EPSG:28992" in message


def test_polygon_that_is_not_wkt(tmp_path, demo_opslag):
    text = re.sub(
        r"polygoon: POLYGON \(\(.*\)\)", "polygoon: POLYGON ((174000 492560, kapot))", DEMO_YML
    )
    path = write_yml(tmp_path, text)
    with pytest.raises(GemeenteError, match="polygoon van 'Havenkwartier' is geen geldige WKT"):
        load_gemeente(path, opslag=demo_opslag)


def test_norm_override_for_unknown_category(tmp_path, demo_opslag):
    text = DEMO_YML.rstrip("\n") + "\n  casino:\n    max_afstand_m: 2000\n"
    path = write_yml(tmp_path, text)
    with pytest.raises(GemeenteError) as info:
        load_gemeente(path, opslag=demo_opslag)
    message = str(info.value)
    assert "normen: onbekende categorie 'casino'" in message
    assert str(path) in message


def test_wrong_gemeentecode_form_quoted(tmp_path, demo_opslag):
    text = replace_once(DEMO_YML, "gemeentecode: GM9999", "gemeentecode: '0202'")
    path = write_yml(tmp_path, text)
    with pytest.raises(GemeenteError) as info:
        load_gemeente(path, opslag=demo_opslag)
    message = str(info.value)
    assert "gemeentecode '0202' is geen CBS-code van de vorm GMgggg" in message
    assert f"{path}, regel {line_of(text, 'gemeentecode:')}" in message


def test_wrong_gemeentecode_form_unquoted_shows_what_was_written(tmp_path, demo_opslag):
    # Unquoted, YAML 1.1 reads 0202 as the octal number 130. The message should still show the
    # user what they wrote (or say to write GM0202), not a number that is nowhere in the file.
    path = write_yml(tmp_path, replace_once(DEMO_YML, "gemeentecode: GM9999", "gemeentecode: 0202"))
    with pytest.raises(GemeenteError) as info:
        load_gemeente(path, opslag=demo_opslag)
    message = str(info.value)
    assert "geen CBS-code van de vorm GMgggg" in message
    assert "0202" in message.replace("GM0202 voor Arnhem", "")


def test_buurt_with_unknown_wijkcode_in_store(demo, tmp_path):
    buurten = demo.buurten.copy()
    buurten.loc["BU99990203", "wijkcode"] = "WK999907"
    lagen = {"wijken": demo.wijken, "buurten": buurten, "voorzieningen": demo.voorzieningen}
    opslag = save_lagen(tmp_path / "GM9999.gpkg", lagen, {naam: HERKOMST for naam in lagen})
    with pytest.raises(GemeenteError) as info:
        load_gemeente("demo", opslag=opslag)
    message = str(info.value)
    assert (
        "wijkcode bestaat niet in laag wijken voor buurt BU99990203 (wijkcode WK999907)" in message
    )
    assert str(opslag) in message


def test_missing_gemeente_file(tmp_path, demo_opslag):
    missing = tmp_path / "nergenshuizen.yml"
    with pytest.raises(GemeenteError, match=re.escape(f"Gemeentebestand {missing} bestaat niet")):
        load_gemeente(missing, opslag=demo_opslag)


def test_missing_gemeente_by_name(demo_opslag):
    with pytest.raises(GemeenteError, match=r"nergenshuizen\.yml bestaat niet.*wijken/demo\.yml"):
        load_gemeente("nergenshuizen", opslag=demo_opslag)


def test_all_problems_of_a_file_in_one_error(tmp_path, demo_opslag):
    text = replace_once(DEMO_YML, "wijken: [WK999901, WK999902]", "wijken: [WK999901, WK999909]")
    text = replace_once(text, "BU99990502]", "BU99990599]")
    text = text.rstrip("\n") + "\n  casino:\n    max_afstand_m: 2000\n"
    path = write_yml(tmp_path, text)
    with pytest.raises(GemeenteError) as info:
        load_gemeente(path, opslag=demo_opslag)
    message = str(info.value)
    assert "WK999909" in message and "BU99990599" in message and "'casino'" in message
    assert message.startswith(f"Gemeente GM9999 ({path}) niet geladen:")


def test_compiled_network_is_kept_beside_the_store(demo, tmp_path, caplog):
    """The first analysis compiles the network and keeps it beside the layer store; the next
    one loads it instead of compiling (issue: compiled networks saved in the store)."""
    import logging

    from gebiedsplan.analyse.run import run_analyse
    from gebiedsplan.importeren import save_demo

    opslag = save_demo(demo, tmp_path)
    g = load_gemeente("demo", opslag=opslag)
    assert g.opslag == opslag and g.netwerk_map == tmp_path / f"{opslag.stem}_netwerk"
    eerste = run_analyse(g)
    bestanden = list(g.netwerk_map.glob("netwerk_lopen_*.npz"))
    assert len(bestanden) == 1
    with caplog.at_level(logging.INFO, logger="gebiedsplan.netwerk.graaf"):
        tweede = run_analyse(load_gemeente("demo", opslag=opslag))
    assert "geladen" in caplog.text
    assert tweede.hiaten.equals(eerste.hiaten)


def test_check_samenhang_codes_of_another_gemeente_and_buurten_outside_the_wijken(demo):
    """One check at import and at load: code digits of another gemeente, a wijkcode that does
    not fit the buurtcode, buurten that do not overlap the wijken (swapped or shifted)."""
    from gebiedsplan.gemeente import check_samenhang

    buurten = demo.buurten.rename(index={"BU99990102": "BU03630102"})
    buurten.loc["BU99990103", "wijkcode"] = "WK999902"
    buurten.loc["BU99990104", "geometry"] = shapely.affinity.translate(
        buurten.loc["BU99990104", "geometry"], 0, -60_000
    )
    problemen = check_samenhang(
        "GM9999",
        {"wijken": demo.wijken, "buurten": buurten},
        bron={"wijken": "wijken.gpkg", "buurten": "buurten.gpkg"},
    )
    assert problemen == [
        "buurten.gpkg: laag buurten: BU03630102 hoort volgens de code bij een andere gemeente "
        "dan GM9999 (BU9999…); importeer alleen de wijken en buurten van deze gemeente, of "
        "herstel de code",
        "buurten.gpkg: laag buurten: de wijkcode past niet bij de buurtcode voor BU03630102 "
        "(wijkcode WK999901, volgens de buurtcode WK036301), BU99990103 (wijkcode WK999902, "
        "volgens de buurtcode WK999901); een buurtcode is BU + gemeente + wijk + buurtnummer",
        "buurten.gpkg: laag buurten: buurt BU99990104 ligt buiten de wijken van de gemeente "
        "(wijken.gpkg); controleer de coördinaten (verwisselde x en y, een ander CRS) of "
        "importeer wijken en buurten samen",
    ]
    assert check_samenhang("GM9999", {"buurten": demo.buurten}, bron="x") == []
