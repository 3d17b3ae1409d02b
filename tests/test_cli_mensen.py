"""A CLI for people: names instead of ids (any case, with "Bedoelde u ...?" on a typo),
``gebiedsplan lijst``, candidate sites named by street and wijk, output files named after what
was asked, ``hiaten --maat``, ``--csv``, and Click's/Typer's own texts in Dutch."""

from __future__ import annotations

import re
import shutil

import numpy as np
import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from gebiedsplan.analyse.locatiekeuze import name_candidates
from gebiedsplan.cli import app, bestandsnaam, vertaal_fout
from gebiedsplan.errors import GebiedsplanError
from gebiedsplan.namen import (
    categorie_labels,
    resolve_categorie,
    resolve_gebied,
    resolve_voorziening,
    resolve_wijk,
    resolve_wijken,
)

runner = CliRunner()


def _tekst(output: str) -> str:
    return " ".join(re.sub(r"[│┃╭╮╰╯─━┏┓┗┛┡┩└┘┌┐╇┳┻╋]", " ", output).split())


@pytest.fixture(scope="module")
def werkmap(tmp_path_factory, demo_opslag):
    """A working folder whose layer store holds the demo (as after 'gebiedsplan demo')."""
    map_ = tmp_path_factory.mktemp("mensen")
    (map_ / "lagen" / "store").mkdir(parents=True)
    for bestand in demo_opslag.parent.iterdir():
        if bestand.is_dir():
            shutil.copytree(bestand, map_ / "lagen" / "store" / bestand.name)
        else:
            shutil.copy2(bestand, map_ / "lagen" / "store" / bestand.name)
    return map_


@pytest.fixture
def in_werkmap(werkmap, monkeypatch):
    monkeypatch.chdir(werkmap)
    monkeypatch.setenv("COLUMNS", "80")
    return werkmap


def _opvang(gemeente) -> tuple[str, str]:
    vz = gemeente.voorzieningen
    rij = vz[vz["categorie"] == "opvang"].iloc[0]
    return str(rij.name), str(rij["naam"])


# --- names in the library ------------------------------------------------------------------


def test_resolvers_ignore_case_accents_and_spaces(gemeente):
    assert resolve_voorziening(gemeente, "  WIJKCENTRUM   de markt ") == "vz0001"
    assert resolve_voorziening(gemeente, "VZ0001") == "vz0001"
    assert resolve_gebied(gemeente, "havenkwartier") == "Havenkwartier"
    assert resolve_gebied(gemeente, "pilot-zuid") == "Pilot Zuid"
    assert resolve_wijk(gemeente, "oeverwijk") == "WK999904"
    assert resolve_wijk(gemeente, "wk999904") == "WK999904"
    assert resolve_wijken(gemeente, "Oude Stad, wk999902") == ["WK999901", "WK999902"]
    cats = categorie_labels(gemeente.normen)
    assert resolve_categorie("Huisarts", cats) == "huisarts"
    assert resolve_categorie("Ontmoeting / buurthuis", cats) == "ontmoeting"
    assert resolve_categorie("buurthuis", cats) == "ontmoeting"
    assert resolve_categorie("Jeugd en gezin (CJG)", cats) == "jeugd_en_gezin"
    assert resolve_categorie("cjg", cats) == "jeugd_en_gezin"


def test_a_typo_gets_suggestions(gemeente):
    with pytest.raises(GebiedsplanError, match=r"Bedoelde u 'Havenkwartier'\?"):
        resolve_gebied(gemeente, "havenkwartir")
    with pytest.raises(GebiedsplanError, match=r"Bedoelde u 'Oeverwijk'"):
        resolve_wijk(gemeente, "Oeverwjik")
    with pytest.raises(GebiedsplanError, match=r"Bedoelde u 'huisarts'\?"):
        resolve_categorie("huisart", categorie_labels(gemeente.normen))
    with pytest.raises(GebiedsplanError, match=r"Bedoelde u 'Wijkcentrum De Markt'"):
        resolve_voorziening(gemeente, "wijkcentrum de mrkt")


def test_an_ambiguous_name_lists_ids_and_wijk(gemeente):
    with pytest.raises(GebiedsplanError) as fout:
        resolve_voorziening(gemeente, "speelplek marktplein")
    tekst = str(fout.value)
    assert "niet eenduidig" in tekst
    assert "vz0105 (Speelplek, Zuiderveld)" in tekst and "vz0110 (Speelplek, Beekdal)" in tekst


def test_sensitive_sites_are_never_found_or_suggested_by_name(gemeente):
    id_, naam = _opvang(gemeente)
    for getypt in (naam, naam.lower(), naam[:-1]):
        with pytest.raises(GebiedsplanError) as fout:
            resolve_voorziening(gemeente, getypt)
        rest = str(fout.value).replace(f"'{getypt}'", "")  # what was typed is echoed
        assert naam.lower() not in rest.lower() and id_ not in rest
    # the id still resolves (who knows it knows the site); the products refuse it
    assert resolve_voorziening(gemeente, id_) == id_


# --- names on the command line -------------------------------------------------------------


def test_kaart_bereik_by_name_in_any_case(in_werkmap):
    result = runner.invoke(
        app, ["kaart", "demo", "--soort", "bereik", "--voorziening", "wijkcentrum de markt"]
    )
    assert result.exit_code == 0, result.output
    assert (in_werkmap / "maps" / "bereik_GM9999_vz0001.html").is_file()


def test_kaart_bereik_refuses_a_sensitive_site_by_id_and_hides_it_by_name(in_werkmap, gemeente):
    id_, naam = _opvang(gemeente)
    result = runner.invoke(app, ["kaart", "demo", "--soort", "bereik", "--voorziening", id_])
    assert result.exit_code == 1
    assert "niet gepubliceerd" in _tekst(result.output)
    result = runner.invoke(app, ["kaart", "demo", "--soort", "bereik", "--voorziening", naam])
    assert result.exit_code == 1
    tekst = _tekst(result.output).replace(f"'{naam}'", "")
    assert "bestaat niet" in tekst and naam not in tekst and id_ not in tekst


def test_kaart_gebied_by_name_in_lower_case(in_werkmap):
    result = runner.invoke(app, ["kaart", "demo", "--soort", "gebied", "--gebied", "havenkwartier"])
    assert result.exit_code == 0, result.output
    assert (in_werkmap / "maps" / "gebied_GM9999_havenkwartier.html").is_file()


@pytest.mark.parametrize(
    ("args", "verwacht"),
    [
        (["kaart", "demo", "--soort", "gebied", "--gebied", "havenkwartir"], "'Havenkwartier'"),
        (["kaart", "demo", "--soort", "bereik", "--voorziening", "Havenhuiss"], "'Havenhuis'"),
        (["rapport", "demo", "--gebied", "pilot zud", "--geen-pdf"], "'Pilot Zuid'"),
        (["hiaten", "demo", "--categorie", "Huisart"], "'huisarts'"),
        (["hiaten", "demo", "--wijk", "Oeverwjik"], "'Oeverwijk'"),
        (["locatie", "demo", "--categorie", "ontmoting", "--gebied", "Pilot Zuid"], "'ontmoeting'"),
        (["hiaten", "demo", "--wijken", "oude stat"], "'Oude Stad'"),
    ],
)
def test_a_typo_says_bedoelde_u_and_exits_1(in_werkmap, args, verwacht):
    result = runner.invoke(app, args)
    assert result.exit_code == 1, result.output
    tekst = _tekst(result.output)
    assert "Fout:" in tekst and f"Bedoelde u {verwacht}" in tekst, tekst


def test_hiaten_categorie_by_label_and_two_filters_write_two_files(in_werkmap):
    result = runner.invoke(app, ["hiaten", "demo", "--categorie", "Huisarts"])
    assert result.exit_code == 0, result.output
    huisarts = in_werkmap / "uitvoer" / "hiaten_GM9999_wijk_huisarts.xlsx"
    rijen = list(openpyxl.load_workbook(huisarts)["Hiaten per wijk"].values)
    assert len(rijen) == 1 + 6  # one row per wijk
    result = runner.invoke(app, ["hiaten", "demo", "--categorie", "ontmoeting / buurthuis"])
    assert result.exit_code == 0, result.output
    ontmoeting = in_werkmap / "uitvoer" / "hiaten_GM9999_wijk_ontmoeting.xlsx"
    assert huisarts.is_file() and ontmoeting.is_file()  # the second run kept the first
    result = runner.invoke(
        app, ["hiaten", "demo", "--categorie", "huisarts", "--wijk", "beekdal", "--drempel", "20"]
    )
    assert result.exit_code == 0, result.output
    assert (in_werkmap / "uitvoer" / "hiaten_GM9999_wijk_huisarts_wk999906_drempel20.xlsx").exists()


def test_hiaten_per_gebied_shows_the_name_not_the_soort(in_werkmap):
    result = runner.invoke(app, ["hiaten", "demo", "--niveau", "gebied", "--categorie", "huisarts"])
    assert result.exit_code == 0, result.output
    regels = [r for r in result.output.splitlines() if "Pilot Zuid" in r]
    assert regels, result.output
    cellen = [c.strip() for c in re.split(r"[│┃]", regels[0]) if c.strip()]
    assert cellen[0] == "Pilot Zuid" and cellen[1] == "wijknetwerk-pilot"
    kop = [r for r in result.output.splitlines() if "Gebied" in r][0]
    assert "Soort" in kop and "Naam" not in kop


def _kop(kolom: str) -> str:
    """The Excel header of a column: its entry in kolommen.yml, else its code."""
    from gebiedsplan.catalogus import kolom_info

    info = kolom_info(kolom)
    return info.kop if info is not None else kolom


def test_hiaten_maat_capaciteit_and_gelijkheid(in_werkmap):
    result = runner.invoke(app, ["hiaten", "demo", "--maat", "capaciteit"])
    assert result.exit_code == 0, result.output
    assert "Capaciteit t.o.v. norm" in _tekst(result.output)
    pad = in_werkmap / "uitvoer" / "hiaten_GM9999_wijk_capaciteit.xlsx"
    blad = pd.read_excel(pad, sheet_name="Hiaten per wijk - capaciteit")
    waarden = blad[_kop("toegang_verhouding")].to_numpy(dtype=float)
    gevuld = waarden[~np.isnan(waarden)]
    assert len(gevuld) and (np.diff(gevuld) >= 0).all()  # lowest first
    assert np.isnan(waarden[len(gevuld) :]).all()  # rows without a capacity norm last
    result = runner.invoke(app, ["hiaten", "demo", "--maat", "gelijkheid"])
    assert result.exit_code == 0, result.output
    assert "Gini" in _tekst(result.output)
    blad = pd.read_excel(
        in_werkmap / "uitvoer" / "hiaten_GM9999_wijk_gelijkheid.xlsx",
        sheet_name="Hiaten per wijk - gelijkheid",
    )
    waarden = blad[_kop("gini_afstand")].dropna().to_numpy(dtype=float)
    assert (np.diff(waarden) <= 0).all()  # most unequal first
    result = runner.invoke(app, ["hiaten", "demo", "--maat", "gelijk"])
    assert result.exit_code == 1 and "kies hiaat, capaciteit, gelijkheid" in _tekst(result.output)


# --- gebiedsplan lijst ------------------------------------------------------------------------


def test_lijst_gebieden_prints_the_three_gebieden(in_werkmap):
    result = runner.invoke(app, ["lijst", "demo", "gebieden"])
    assert result.exit_code == 0, result.output
    tekst = _tekst(result.output)
    for naam, soort in (
        ("Havenkwartier", "ontwikkelgebied"),
        ("Pilot Noord", "wijknetwerk-pilot"),
        ("Pilot Zuid", "wijknetwerk-pilot"),
    ):
        assert naam in tekst and soort in tekst
    assert "3 gebieden." in tekst
    assert "19.685" in tekst  # inhabitants of Pilot Noord


@pytest.mark.parametrize(
    "wat", ["categorieen", "gebieden", "wijken", "buurten", "voorzieningen", "accommodaties"]
)
def test_lijst_fits_80_columns(in_werkmap, wat):
    result = runner.invoke(app, ["lijst", "demo", wat])
    assert result.exit_code == 0, result.output
    assert max(len(r) for r in result.output.splitlines()) <= 80
    assert "…" not in result.output  # nothing cut off


def test_lijst_voorzieningen_hides_sensitive_sites_and_says_so(in_werkmap, gemeente, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")  # whole names on one line, to read them back
    id_, naam = _opvang(gemeente)
    result = runner.invoke(app, ["lijst", "demo", "voorzieningen"])
    assert result.exit_code == 0, result.output
    tekst = _tekst(result.output)
    assert "vz0001" in tekst and "Wijkcentrum De Markt" in tekst
    assert id_ not in tekst and naam not in tekst
    assert "2 gevoelige voorzieningen" in tekst and "niet getoond" in tekst
    result = runner.invoke(app, ["lijst", "demo", "voorzieningen", "--categorie", "Huisarts"])
    assert result.exit_code == 0, result.output
    tekst = _tekst(result.output)
    assert "9 voorzieningen." in tekst and "Basisschool" not in tekst


def test_lijst_default_is_categories_and_a_typo_is_named(in_werkmap, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    result = runner.invoke(app, ["lijst", "demo"])
    assert result.exit_code == 0, result.output
    tekst = _tekst(result.output)
    assert "huisarts" in tekst and "Ontmoeting / buurthuis" in tekst and "1.000 m" in tekst
    result = runner.invoke(app, ["lijst", "demo", "gebeiden"])
    assert result.exit_code == 1 and "Bedoelde u 'gebieden'?" in _tekst(result.output)


# --- candidate sites -------------------------------------------------------------------------


def test_name_candidates_by_street_and_wijk():
    xy = np.array([[0.0, 0.0], [100.0, 0.0], [200.0, 0.0], [300.0, 0.0], [0.0, 100.0]])
    namen = name_candidates(
        [["Dorpsstraat", "Kerkweg"], ["Dorpsstraat", "Molenweg"], ["Dorpsstraat"],
         ["Dorpsstraat"], []],
        ["Oeverwijk", "Oeverwijk", "Oeverwijk", "Oeverwijk", None],
        xy,
    )  # fmt: skip
    assert namen == [
        "Dorpsstraat, bij Kerkweg (Oeverwijk)",
        "Dorpsstraat, bij Molenweg (Oeverwijk)",
        "Dorpsstraat, plek 1 (Oeverwijk)",
        "Dorpsstraat, plek 2 (Oeverwijk)",
        "naamloze weg",
    ]
    assert name_candidates([["Kade"]], ["Havenkwartier"], xy[:1]) == ["Kade (Havenkwartier)"]


def test_locatie_candidates_carry_street_names(in_werkmap):
    result = runner.invoke(
        app,
        ["locatie", "demo", "--categorie", "Ontmoeting", "--gebied", "pilot zuid", "--aantal", "2"],
    )
    assert result.exit_code == 0, result.output
    pad = in_werkmap / "uitvoer" / "locatie_GM9999_ontmoeting_pilot_zuid_2.xlsx"
    gekozen = pd.read_excel(pad, sheet_name="Gekozen")
    naam = [k for k in gekozen.columns if k in ("Naam", "naam")][0]
    for n in gekozen[naam]:
        assert re.fullmatch(
            r"\w+(straat|laan|Brug)(, bij \w+|, plek \d+)? \((Oeverwijk|Zuiderveld)\)", n
        ), n
        assert "knooppunt" not in n
        assert n.split(",")[0].split(" (")[0] in _tekst(result.output)
    kandidaten = pd.read_excel(pad, sheet_name="Kandidaten")
    assert kandidaten[naam].is_unique


# --- file names ------------------------------------------------------------------------------


def test_bestandsnaam_carries_what_was_asked():
    assert bestandsnaam("hiaten", "GM9999", "wijk", ["huisarts"], "drempel20") == (
        "hiaten_GM9999_wijk_huisarts_drempel20"
    )
    assert bestandsnaam("hiaten", "GM9999", "wijk", ["huisarts"]) != bestandsnaam(
        "hiaten", "GM9999", "wijk", ["ontmoeting"]
    )
    lang = bestandsnaam("hiaten", "GM9999", [f"categorie{i}" for i in range(40)])
    assert len(lang) <= 100 and lang != bestandsnaam(
        "hiaten", "GM9999", [f"c{i}" for i in range(40)]
    )


def test_scenario_file_name_has_the_scenario_and_the_gemeente(in_werkmap):
    from pathlib import Path

    repo = Path(__file__).resolve().parents[1]
    result = runner.invoke(
        app, ["scenario", str(repo / "wijken/scenarios/demo_sluit_havenhuis.yml")]
    )
    assert result.exit_code == 0, result.output
    assert (in_werkmap / "uitvoer" / "scenario_sluit_havenhuis_GM9999.xlsx").is_file()


def test_analyse_csv_standaard_and_nl(in_werkmap, tmp_path):
    opslag = str(in_werkmap / "lagen" / "store" / "GM9999.gpkg")
    for formaat, scheiding in (("standaard", ","), ("nl", ";")):
        uit = tmp_path / formaat
        result = runner.invoke(
            app,
            ["analyse", "demo", "--opslag", opslag, "--uitvoer", str(uit), "--kaarten",
             str(tmp_path / "K"), "--csv", formaat],
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        kop = (uit / "hiaten_GM9999.csv").read_text(encoding="utf-8-sig").splitlines()[0]
        assert kop.count(scheiding) > 5, kop
    result = runner.invoke(app, ["analyse", "demo", "--opslag", opslag, "--csv", "excel"])
    assert result.exit_code == 1 and "kies nl" in _tekst(result.output)


# --- Dutch help and usage errors -------------------------------------------------------------

#: Click's and Typer's own English texts that must never reach a user.
ENGELS = (
    "Show this message and exit",
    "Usage:",
    "Options",
    "Arguments",
    "Commands",
    "Error",
    "Missing argument",
    "Missing option",
    "No such option",
    "No such command",
    "Did you mean",
    "for help",
    "[default:",
    "[required]",
    "Invalid value",
    "install-completion",
    "<bool>",
    "<str>",
    "<path>",
    "<float>",
    "<int>",
    "list[",
)


def _commando_s() -> list[str]:
    from typer.main import get_command

    return list(get_command(app).commands)  # type: ignore[attr-defined]


def test_every_help_is_dutch(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "80")
    commando_s = _commando_s()
    assert {"lijst", "hiaten", "locatie", "kaart", "rapport", "scenario", "demo"} <= set(commando_s)
    for args in ([], ["--help"], *([c, "--help"] for c in commando_s)):
        result = runner.invoke(app, args)
        tekst = result.output
        for engels in ENGELS:
            assert engels not in tekst, (args, engels, tekst)
        assert "Gebruik:" in tekst and "Toon deze hulp en stop." in tekst, args
    hulp = runner.invoke(app, ["hiaten", "--help"]).output
    assert "Opties" in hulp and "Argumenten" in hulp and "[standaard: wijk]" in hulp
    assert "[verplicht]" in hulp


@pytest.mark.parametrize(
    ("args", "verwacht"),
    [
        (["hiaten"], "Argument 'gemeente' ontbreekt."),
        (["hiaten", "demo", "--foo"], "Onbekende optie: --foo"),
        (["hiatn"], "Onbekende opdracht 'hiatn'. Bedoelde u 'hiaten'?"),
        (
            ["hiaten", "demo", "--drempel", "x"],
            "Ongeldige waarde voor '--drempel': verwacht een getal",
        ),
        (["rapport", "demo"], "Optie '--gebied' ontbreekt."),
        (["hiaten", "demo", "--drempel"], "Optie '--drempel' vraagt een waarde."),
    ],
)
def test_usage_errors_are_dutch(tmp_path, monkeypatch, args, verwacht):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    tekst = _tekst(result.output)
    assert verwacht in tekst, tekst
    assert "Fout" in tekst
    for engels in ENGELS:
        assert engels not in result.output, (engels, result.output)


def test_vertaal_fout_leaves_unknown_text_alone():
    assert vertaal_fout("Iets anders.") == "Iets anders."
    assert vertaal_fout("No such option: --x Did you mean --y?") == (
        "Onbekende optie: --x Bedoelde u --y?"
    )
