"""Excel and CSV for people (gebiedsplan.export): every workbook gebiedsplan writes has Dutch
headers from lagen/catalogus/kolommen.yml, number formats by kind, a bold frozen header, an
autofilter, fitted widths and a sheet Kolommen; the CSV opens in a Dutch Excel."""

from __future__ import annotations

import logging
import re

import numpy as np
import openpyxl
import pandas as pd
import pytest
from openpyxl.utils import get_column_letter
from test_vergelijk import lintdorp

import gebiedsplan as gp
from gebiedsplan.analyse.scenario import compare_scenario, load_scenario
from gebiedsplan.analyse.vergelijk import compare_nabijheid
from gebiedsplan.catalogus import kolom_info, load_kolommen
from gebiedsplan.errors import GebiedsplanError
from gebiedsplan.export import (
    GEBIEDSCODES,
    KOLOMMEN_BLAD,
    MAX_BREEDTE,
    _getoond,
    getalnotatie,
    write_csv,
    write_hiaten,
    write_vergelijking,
    write_workbook,
)

REPO = gp.__path__[0].rsplit("/", 1)[0]
VASTE_BLADEN = (KOLOMMEN_BLAD, "Toelichting", "Bronnen")
SNAKE_CASE = re.compile(r"[a-z0-9]+(_[a-z0-9]+)+")


def _vlak(tabel: pd.DataFrame) -> pd.DataFrame:
    return tabel.reset_index() if tabel.index.names[0] is not None else tabel


@pytest.fixture(scope="module")
def werkboeken(gemeente, analyse, tmp_path_factory):
    """The demo's workbooks as the commands write them: ``{naam: (pad, {blad: tabel}, context)}``."""
    map_ = tmp_path_factory.mktemp("excel")
    uit = {}
    meer = {"Hiaten per buurt": analyse.hiaten_buurt, "Hiaten per gebied": analyse.hiaten_gebied}
    paden = write_hiaten(
        analyse.hiaten,
        gemeente.wijken,
        map_,
        naam="hiaten_GM9999",
        titel=gemeente.titel,
        herkomst=gemeente.herkomst,
        synthetisch=True,
        meer=meer,
    )
    uit["hiaten"] = (paden["xlsx"], {"Hiaten per wijk": analyse.hiaten, **meer}, None)

    scenario = load_scenario(f"{REPO}/wijken/scenarios/demo_havenkwartier.yml", gemeente)
    resultaat = compare_scenario(analyse, scenario, niveaus=("wijk",))
    bladen = {
        "Verschil per wijk": resultaat.verschil,
        "Hiaten scenario": resultaat.analyse.hiaten,
        "Hiaten nu": analyse.hiaten,
    }
    pad = write_workbook(
        map_ / "scenario.xlsx",
        bladen,
        toelichting=["Scenario"],
        herkomst=gemeente.herkomst,
        synthetisch=True,
    )
    uit["scenario"] = (pad, bladen, None)

    keuze = gp.choose_locaties(gemeente, "ontmoeting", gebied="Pilot Zuid", aantal=2)
    bladen = {"Gekozen": keuze.gekozen, "Kandidaten": keuze.kandidaten}
    pad = write_workbook(
        map_ / "locatie.xlsx",
        bladen,
        toelichting=["Locatiekeuze"],
        herkomst=gemeente.herkomst,
        synthetisch=True,
        context="locatie",
    )
    uit["locatie"] = (pad, bladen, "locatie")

    g = lintdorp(zonder=("ha_oost",))
    v = compare_nabijheid(g)
    paden = write_vergelijking(
        v, map_, naam="vergelijking", titel=g.titel, herkomst=g.herkomst, synthetisch=True
    )
    bladen = {"Per voorziening": v.samenvatting, "Per buurt": v.per_buurt}
    uit["vergelijking"] = (paden["xlsx"], bladen, "vergelijking")
    return uit


def _databladen(werkboeken):
    """Every data sheet of every workbook: (workbook name, sheet, source table, context)."""
    for naam, (pad, bladen, context) in werkboeken.items():
        boek = openpyxl.load_workbook(pad)
        assert boek.sheetnames == [*bladen, *VASTE_BLADEN], naam
        for blad, tabel in bladen.items():
            yield naam, boek[blad], _vlak(tabel), context


# --------------------------------------------------------------------------------------------
# every data sheet
# --------------------------------------------------------------------------------------------


def test_every_column_of_every_sheet_has_a_dutch_header_from_the_vocabulary(werkboeken):
    kolommen = load_kolommen()
    onbekend = []
    for naam, blad, tabel, context in _databladen(werkboeken):
        koppen = [c.value for c in blad[1]]
        assert len(koppen) == len(tabel.columns)
        for code, kop in zip(tabel.columns, koppen, strict=True):
            info = kolom_info(str(code), kolommen, context=context)
            if info is None:
                onbekend.append(f"{naam}/{blad.title}: {code}")
                continue
            assert kop == info.kop
            assert not SNAKE_CASE.fullmatch(str(kop)), (naam, blad.title, kop)
    assert not onbekend, (
        "Kolommen zonder kop in lagen/catalogus/kolommen.yml (voeg ze toe): " + ", ".join(onbekend)
    )


def test_headers_say_which_population_they_count(werkboeken):
    pad, _, _ = werkboeken["hiaten"]
    kop = [c.value for c in openpyxl.load_workbook(pad)["Hiaten per wijk"][1]]
    assert {"Inwoners (alle)", "Inwoners geanalyseerd", "Doelgroep (inwoners)"} <= set(kop)
    assert "Inwoners" not in kop


def test_header_bold_frozen_and_autofilter_over_the_data(werkboeken):
    for naam, blad, tabel, _ in _databladen(werkboeken):
        assert all(c.font.b for c in blad[1]), (naam, blad.title)
        verwacht = "B2" if tabel.columns[0] in GEBIEDSCODES else "A2"
        assert blad.freeze_panes == verwacht, (naam, blad.title)
        laatste = get_column_letter(len(tabel.columns))
        assert blad.auto_filter.ref == f"A1:{laatste}{len(tabel) + 1}", (naam, blad.title)
        assert blad.max_row == len(tabel) + 1
    pad, _, _ = werkboeken["hiaten"]
    boek = openpyxl.load_workbook(pad)
    assert boek["Hiaten per wijk"].freeze_panes == "B2"  # the wijkcode stays in view
    assert boek["Hiaten per gebied"].freeze_panes == "B2"
    assert openpyxl.load_workbook(werkboeken["locatie"][0])["Gekozen"].freeze_panes == "A2"


def test_number_formats_by_kind_on_every_numeric_cell(werkboeken):
    kolommen = load_kolommen()
    for naam, blad, tabel, context in _databladen(werkboeken):
        for j, code in enumerate(tabel.columns, start=1):
            info = kolom_info(str(code), kolommen, context=context)
            notatie = getalnotatie(info) if info is not None else None
            for (cel,) in blad.iter_rows(min_row=2, min_col=j, max_col=j):
                if isinstance(cel.value, int | float) and not isinstance(cel.value, bool):
                    assert cel.number_format == (notatie or "General"), (
                        naam,
                        blad.title,
                        code,
                    )


def _notaties(blad, tabel) -> dict[str, set[str]]:
    """The number formats of the numeric cells of every column, by column code."""
    uit: dict[str, set[str]] = {}
    for j, code in enumerate(tabel.columns, start=1):
        uit[code] = {
            cel.number_format
            for (cel,) in blad.iter_rows(min_row=2, min_col=j, max_col=j)
            if isinstance(cel.value, int | float)
        }
    return uit


def test_number_formats_by_hand(werkboeken):
    pad, bladen, _ = werkboeken["hiaten"]
    boek = openpyxl.load_workbook(pad)
    n = _notaties(boek["Hiaten per wijk"], _vlak(bladen["Hiaten per wijk"]))
    assert n["aandeel_binnen_norm"] == {"0%"}
    assert n["doeldekking"] == {"0%"}
    assert n["inwoners"] == n["inwoners_buiten_norm"] == n["rang"] == {"#,##0"}
    assert n["gem_afstand_m"] == n["norm_afstand_m"] == {"#,##0"}
    assert n["hiaatscore"] == {"0"}
    assert n["behoefte_index"] == {"0.00"}
    assert n["benodigde_capaciteit"] == {"#,##0.0"}
    assert n["doelgroep"] == {"#,##0"}

    pad, bladen, _ = werkboeken["scenario"]
    blad = openpyxl.load_workbook(pad)["Verschil per wijk"]
    n = _notaties(blad, _vlak(bladen["Verschil per wijk"]))
    assert n["inwoners_buiten_norm_basis"] == {"#,##0"}
    assert n["inwoners_buiten_norm_verschil"] == {"+#,##0;-#,##0;#,##0"}
    assert n["aandeel_binnen_norm_verschil"] == {"+0.0%;-0.0%;0.0%"}
    assert n["hiaatscore_verschil"] == {"+0;-0;0"}
    koppen = [c.value for c in blad[1]]
    assert "Inwoners buiten norm (verschil)" in koppen
    assert "Hiaatscore (0-100, nu)" in koppen

    pad, bladen, _ = werkboeken["locatie"]
    blad = openpyxl.load_workbook(pad)["Kandidaten"]
    n = _notaties(blad, _vlak(bladen["Kandidaten"]))
    assert n["x"] == n["y"] == {"0"}  # RD coordinates without a thousands separator
    assert n["nieuw_binnen_norm"] == {"#,##0"}

    pad, bladen, _ = werkboeken["vergelijking"]
    boek = openpyxl.load_workbook(pad)
    n = _notaties(boek["Per voorziening"], _vlak(bladen["Per voorziening"]))
    assert n["spearman"] == {"0.00"}
    assert n["aandeel_binnen_afronding"] == {"0%"}
    n = _notaties(boek["Per buurt"], _vlak(bladen["Per buurt"]))
    assert n["afstand_km_cbs"] <= {"#,##0.00"} and n["afstand_km_cbs"]
    koppen = [c.value for c in boek["Per buurt"][1]]
    assert "Waarom niet vergeleken" in koppen and "Waarom geen hiaatscore" not in koppen


def test_a_number_format_as_excel_shows_it():
    """By hand: 0.0842 in ``0%`` is 8% (Excel multiplies by 100 and rounds); 1460.75 in
    ``#,##0`` is 1,461 in Excel's codes, which a Dutch Excel shows as 1.461 (the codes ``,``
    and ``.`` stand for the reader's thousands and decimal separators)."""
    assert _getoond(0.0842, "0%") == "8%"
    assert _getoond(0.0842, "0.0%") == "8.4%"
    assert _getoond(1460.752340100369, "#,##0") == "1,461"
    assert _getoond(1.0077, "0.00") == "1.01"
    assert _getoond(-3.0, "+#,##0;-#,##0;#,##0") == "-3"
    assert _getoond(3.0, "+#,##0;-#,##0;#,##0") == "+3"
    assert _getoond(None, "0%") == ""


def test_widths_fit_the_shown_text_header_included(werkboeken):
    for naam, blad, _tabel, _ in _databladen(werkboeken):
        for j, cel in enumerate(blad[1], start=1):
            breedte = blad.column_dimensions[get_column_letter(j)].width
            assert breedte <= MAX_BREEDTE, (naam, blad.title, cel.value)
            assert breedte >= min(len(str(cel.value)), MAX_BREEDTE - 2), (naam, cel.value)
    pad, _, _ = werkboeken["hiaten"]
    blad = openpyxl.load_workbook(pad)["Hiaten per wijk"]
    koppen = [c.value for c in blad[1]]
    kol = get_column_letter(koppen.index("Hiaatscore (0-100)") + 1)
    assert blad.column_dimensions[kol].width == len("Hiaatscore (0-100)") + 2


def test_missing_values_are_empty_cells(werkboeken):
    pad, bladen, _ = werkboeken["hiaten"]
    blad = openpyxl.load_workbook(pad)["Hiaten per wijk"]
    tabel = _vlak(bladen["Hiaten per wijk"])
    j = list(tabel.columns).index("benodigde_capaciteit")
    leeg = tabel["benodigde_capaciteit"].isna().to_numpy()
    assert leeg.any() and (~leeg).any()
    waarden = [r[j] for r in blad.iter_rows(min_row=2, values_only=True)]
    assert all(w is None for w, x in zip(waarden, leeg, strict=True) if x)


# --------------------------------------------------------------------------------------------
# the sheet Kolommen
# --------------------------------------------------------------------------------------------


def test_sheet_kolommen_explains_every_column_in_order_of_appearance(werkboeken):
    kolommen = load_kolommen()
    for naam, (pad, bladen, context) in werkboeken.items():
        boek = openpyxl.load_workbook(pad)
        rijen = list(boek[KOLOMMEN_BLAD].iter_rows(values_only=True))
        assert rijen[0] == ("Kolom", "Code (CSV)", "Eenheid", "Uitleg")
        verwacht: dict[str, str] = {}
        for tabel in bladen.values():
            for code in _vlak(tabel).columns:
                info = kolom_info(str(code), kolommen, context=context)
                verwacht.setdefault(str(code) if info is None else info.kop, str(code))
        assert [r[0] for r in rijen[1:]] == list(verwacht), naam
        assert [r[1] for r in rijen[1:]] == list(verwacht.values()), naam
        for kop, code, eenheid, uitleg in rijen[1:]:
            info = kolom_info(code, kolommen, context=context)
            if info is None:  # failed above, in the test of the headers
                assert uitleg.startswith("Niet beschreven in lagen/catalogus/kolommen.yml")
                continue
            assert uitleg == info.uitleg and uitleg, (naam, kop)
            assert (eenheid or "") == info.eenheid
        assert boek[KOLOMMEN_BLAD].freeze_panes == "A2"
        assert all(c.font.b for c in boek[KOLOMMEN_BLAD][1])
    rijen = {
        r[1]: r
        for r in openpyxl.load_workbook(werkboeken["hiaten"][0])[KOLOMMEN_BLAD].iter_rows(
            values_only=True
        )
    }
    assert rijen["inwoners"][2] == "inwoners" and rijen["aandeel_binnen_norm"][2] == "%"
    assert "CBS-buurtcijfers" in rijen["doelgroep"][3] and "vraagpunten" in rijen["inwoners"][3]


def test_an_unknown_column_keeps_its_code_is_logged_and_said(tmp_path, gemeente, caplog):
    tabel = pd.DataFrame({"wijkcode": ["WK999901"], "iets_nieuws": [1.5]}).set_index("wijkcode")
    with caplog.at_level(logging.WARNING, logger="gebiedsplan.export"):
        pad = write_workbook(
            tmp_path / "x.xlsx",
            {"Nieuw": tabel},
            toelichting=["x"],
            herkomst=gemeente.herkomst,
            synthetisch=True,
        )
    assert "'iets_nieuws'" in caplog.text and "kolommen.yml" in caplog.text
    boek = openpyxl.load_workbook(pad)
    assert [c.value for c in boek["Nieuw"][1]] == ["Wijkcode", "iets_nieuws"]
    assert boek["Nieuw"]["B2"].number_format == "General"
    rij = list(boek[KOLOMMEN_BLAD].iter_rows(values_only=True))[2]
    assert rij[:2] == ("iets_nieuws", "iets_nieuws") and "Niet beschreven" in rij[3]


def test_vocabulary_context_and_scenario_headers():
    assert kolom_info("rang").uitleg.startswith("1 = grootste hiaat")
    assert "kandidaat" in kolom_info("rang", context="locatie").uitleg
    assert kolom_info("reden", context="vergelijking").kop == "Waarom niet vergeleken"
    assert kolom_info("reden", context="locatie").kop == "Waarom geen hiaatscore"
    assert kolom_info("inwoners_basis").kop == "Inwoners (alle, nu)"
    assert kolom_info("inwoners_buiten_norm_scenario").kop == "Inwoners buiten norm (scenario)"
    info = kolom_info("reden_verschil", context="vergelijking")
    assert info.kop == "Waarom niet vergeleken (verschil)" and info.naam == "reden_verschil"
    assert kolom_info("rang", context="locatie").naam == "rang"


# --------------------------------------------------------------------------------------------
# the two populations
# --------------------------------------------------------------------------------------------


def test_notes_say_where_the_target_group_exceeds_the_residents(tmp_path, gemeente, analyse):
    hiaten = analyse.hiaten.copy()
    rij = ("WK999904", "huisarts")
    hiaten.loc[rij, "doelgroep"] = hiaten.loc[rij, "inwoners"] + 1000
    pad = write_workbook(
        tmp_path / "a.xlsx",
        {"Hiaten per wijk": hiaten},
        toelichting=["Hiaten"],
        herkomst=gemeente.herkomst,
        synthetisch=True,
    )
    noten = [r[0] for r in openpyxl.load_workbook(pad)["Toelichting"].iter_rows(values_only=True)]
    let_op = [n for n in noten if "groter dan alle inwoners" in str(n)]
    assert len(let_op) == 1
    assert "in 1 rij van blad 'Hiaten per wijk'" in let_op[0]
    assert "WK999904 / huisarts" in let_op[0] and "CBS-buurtcijfers" in let_op[0]


def test_the_demo_has_no_target_group_above_its_residents_and_says_where_each_comes_from(
    werkboeken,
):
    pad, _, _ = werkboeken["hiaten"]
    noten = [
        str(r[0]) for r in openpyxl.load_workbook(pad)["Toelichting"].iter_rows(values_only=True)
    ]
    assert not any("groter dan alle inwoners" in n for n in noten)
    assert any(n.startswith("Twee tellingen van inwoners") for n in noten)
    assert any("blad Kolommen" in n for n in noten)


# --------------------------------------------------------------------------------------------
# CSV
# --------------------------------------------------------------------------------------------


def _gelijk(gelezen: pd.DataFrame, tabel: pd.DataFrame) -> None:
    """``gelezen`` (a CSV read back) equals ``tabel`` (4 decimals; missing stays missing)."""
    assert list(gelezen.columns) == list(tabel.columns)
    assert len(gelezen) == len(tabel)
    for kolom in tabel.columns:
        a, b = gelezen[kolom], tabel[kolom]
        if pd.api.types.is_numeric_dtype(b) and not pd.api.types.is_bool_dtype(b):
            x = b.astype("Float64").to_numpy(dtype=float, na_value=np.nan)
            np.testing.assert_allclose(a.to_numpy(dtype=float), x, atol=1e-4, err_msg=kolom)
        else:
            # an empty text and a missing one are both an empty field
            leeg_a, leeg_b = (x.astype(object).fillna("").astype(str) for x in (a, b))
            assert leeg_a.tolist() == leeg_b.tolist(), kolom


def test_csv_nl_opens_with_semicolon_and_decimal_comma(werkboeken, analyse, tmp_path):
    pad = werkboeken["hiaten"][0].with_suffix(".csv")
    ruw = pad.read_bytes()
    assert ruw.startswith(b"\xef\xbb\xbf")
    regels = ruw.decode("utf-8-sig").splitlines()
    assert regels[0].startswith("wijkcode;categorie;wijknaam;")  # codes, for programs
    assert re.search(r";\d+,\d{4};", regels[1])  # a decimal comma
    gelezen = pd.read_csv(pad, sep=";", decimal=",", encoding="utf-8-sig")
    _gelijk(gelezen, analyse.hiaten.reset_index())
    # missing values are empty fields, never 0
    tabel = analyse.hiaten.reset_index()
    leeg = tabel["benodigde_capaciteit"].isna().to_numpy()
    assert gelezen["benodigde_capaciteit"].isna().to_numpy().tolist() == leeg.tolist()


def test_csv_standaard_is_plain(gemeente, analyse, tmp_path):
    paden = write_hiaten(
        analyse.hiaten,
        gemeente.wijken,
        tmp_path,
        naam="hiaten_GM9999",
        titel=gemeente.titel,
        herkomst=gemeente.herkomst,
        synthetisch=True,
        csv_formaat="standaard",
    )
    ruw = paden["csv"].read_bytes()
    assert not ruw.startswith(b"\xef\xbb\xbf")
    assert ruw.decode("utf-8").splitlines()[0].startswith("wijkcode,categorie,wijknaam,")
    _gelijk(pd.read_csv(paden["csv"]), analyse.hiaten.reset_index())


def test_csv_of_the_comparison_with_cbs(werkboeken):
    pad = werkboeken["vergelijking"][0].with_suffix(".csv")
    assert pad.read_bytes().startswith(b"\xef\xbb\xbf")
    gelezen = pd.read_csv(pad, sep=";", decimal=",", encoding="utf-8-sig")
    _gelijk(gelezen, _vlak(werkboeken["vergelijking"][1]["Per buurt"]))


NAMEN = [
    '=HYPERLINK("http://voorbeeld.nl","klik")',
    "+31 26 123 4567",
    "-Oost",
    "@SUM(A1)",
    "\tverstopt",
    "Wijkcentrum De Markt",
]


def test_csv_nl_neutralises_formulas_standaard_keeps_the_data(tmp_path):
    tabel = pd.DataFrame({"naam": NAMEN, "n": range(len(NAMEN))}).set_index("n")
    nl = write_csv(tabel, tmp_path / "nl.csv")
    gelezen = pd.read_csv(nl, sep=";", decimal=",", encoding="utf-8-sig", keep_default_na=False)
    assert gelezen["naam"].tolist() == ["'" + n for n in NAMEN[:5]] + [NAMEN[5]]
    assert "'=HYPERLINK(" in nl.read_text(encoding="utf-8-sig")
    standaard = write_csv(tabel, tmp_path / "st.csv", csv_formaat="standaard")
    gelezen = pd.read_csv(standaard, keep_default_na=False)
    assert gelezen["naam"].tolist() == NAMEN


def test_csv_formaat_unknown_is_refused_before_anything_is_written(gemeente, analyse, tmp_path):
    with pytest.raises(GebiedsplanError, match="kies 'nl'.*'standaard'"):
        write_hiaten(
            analyse.hiaten,
            gemeente.wijken,
            tmp_path / "u",
            naam="hiaten_GM9999",
            titel=gemeente.titel,
            herkomst=gemeente.herkomst,
            synthetisch=True,
            csv_formaat="excel",  # type: ignore[arg-type]
        )
    assert not (tmp_path / "u").exists() or not any((tmp_path / "u").iterdir())
