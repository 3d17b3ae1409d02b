"""RIVM/GGD Gezondheidsmonitor per wijk en buurt: StatLine loader and CSV twin."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import responses
from responses import matchers

from gebiedsplan import settings
from gebiedsplan._validate import validate_laag
from gebiedsplan.bronnen.pdok import read_wijken_buurten
from gebiedsplan.bronnen.rivm import fetch_gezondheid, read_gezondheid
from gebiedsplan.errors import BronError

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "rivm"
RIVM = "https://dataderden.cbs.nl/ODataApi/odata/50150NED"
FILTER_2020 = (
    "(startswith(WijkenEnBuurten,'GM0202') or startswith(WijkenEnBuurten,'WK0202') "
    "or startswith(WijkenEnBuurten,'BU0202')) and Perioden eq '2020JJ00' "
    "and (Leeftijd eq '20300' or Leeftijd eq '80200')"
)
INDICATOREN = [
    "ervaren_gezondheid_goed",
    "eenzaam",
    "ernstig_eenzaam",
    "angst_depressie_hoog_risico",
    "moeite_met_rondkomen",
    "overgewicht",
    "langdurige_aandoening",
    "mantelzorger",
]


def fixture(naam: str) -> dict:
    return json.loads((FIXTURES / naam).read_text(encoding="utf-8"))


@pytest.fixture
def dienst(tmp_path, monkeypatch):
    """No network: answers come from registered fixtures; a fresh cache per test."""
    monkeypatch.setattr(settings, "cache_dir", tmp_path / "cache")
    monkeypatch.setattr(settings, "cache", True)
    monkeypatch.setattr(settings, "alleen_cache", False)
    with responses.RequestsMock() as rsps:
        yield rsps


def test_fetch_gezondheid_long_format_with_margins(dienst):
    dienst.add(
        responses.GET, f"{RIVM}/DataProperties", json=fixture("50150NED_DataProperties.json")
    )
    dienst.add(
        responses.GET,
        f"{RIVM}/TypedDataSet",
        json=fixture("50150NED_TypedDataSet.json"),
        match=[matchers.query_param_matcher({"$filter": FILTER_2020}, strict_match=False)],
    )
    laag = fetch_gezondheid("GM0202", jaar=2020)
    data = laag.data
    assert laag.naam == "gezondheid"
    # GM0202 18+, BU02020100 18+ and 65+, BU02020338 18+: 4 x 8 indicators
    assert len(data) == 32
    assert data["indicator"].unique().tolist() == INDICATOREN
    rij = data.loc["BU02020100:eenzaam:18+:2020"]
    assert (rij["code"], rij["leeftijd"], rij["jaar"]) == ("BU02020100", "18+", 2020)
    assert (rij["waarde"], rij["marge_onder"], rij["marge_boven"]) == (51.8, 47.5, 56.0)
    assert rij["eenheid"] == "% van 18+"
    # 2024 table stems: SterkEenzaam_26 is the ernstige eenzaamheid of the set
    assert data.loc["BU02020100:ernstig_eenzaam:18+:2020", "waarde"] == 13.1
    assert data.loc["BU02020100:ervaren_gezondheid_goed:18+:2020", "waarde"] == 81.7
    ouderen = data.loc["BU02020100:eenzaam:65+:2020"]
    assert ouderen["waarde"] == 56.2 and ouderen["eenheid"] == "% van 65+"
    assert np.isnan(ouderen["marge_onder"])  # not published in this answer
    assert data.loc["GM0202:moeite_met_rondkomen:18+:2020", "waarde"] == 18.0
    onderdrukt = data[data["code"] == "BU02020338"]
    assert len(onderdrukt) == 8 and onderdrukt["waarde"].isna().all()
    assert "50150NED" in laag.herkomst.bron and "2020JJ00" in laag.herkomst.query
    # the monitor year, on the indeling the table publishes every year in (cbs.yml)
    assert (laag.herkomst.peildatum, laag.herkomst.indeling) == ("2020", "2024")
    validate_laag(data, "gezondheid")  # a valid catalogue layer, extras allowed


def test_indeling_follows_the_mapyear_of_the_table(dienst, caplog):
    """The region dimension of the live service is typed GeoDetail with an integer MapYear:
    the indeling of its codes, before the one cbs.yml assumes for the table."""
    import logging

    props = fixture("50150NED_DataProperties.json")
    regio = next(e for e in props["value"] if e["Key"] == "WijkenEnBuurten")
    assert (regio["Type"], regio["MapYear"]) == ("GeoDetail", 2024)
    regio["MapYear"] = 2025
    dienst.add(responses.GET, f"{RIVM}/DataProperties", json=props)
    dienst.add(responses.GET, f"{RIVM}/TypedDataSet", json=fixture("50150NED_TypedDataSet.json"))
    with caplog.at_level(logging.WARNING, logger="gebiedsplan.bronnen.rivm"):
        laag = fetch_gezondheid("GM0202", jaar=2020)
    assert (laag.herkomst.peildatum, laag.herkomst.indeling) == ("2020", "2025")
    assert "volgen de indeling van 2025 (MapYear), niet van 2024 (cbs.yml)" in caplog.text


def test_year_without_figures(dienst):
    with pytest.raises(BronError) as fout:
        fetch_gezondheid("GM0202", jaar=2019)
    tekst = str(fout.value)
    assert "2019" in tekst and "2012, 2016, 2020, 2022 en 2024" in tekst
    with pytest.raises(BronError, match="GMdddd"):
        fetch_gezondheid("202", jaar=2020)
    assert len(dienst.calls) == 0


def test_read_csv_with_other_period_and_no_indicators(tmp_path):
    csv = tmp_path / "g.csv"
    csv.write_text(
        "Leeftijd,Marges,WijkenEnBuurten,Perioden,Eenzaam_28\n20300,MW00000,GM9999,2016JJ00,44.0\n",
        encoding="utf-8",
    )
    with pytest.raises(BronError, match="2016JJ00"):
        read_gezondheid(csv, gemeentecode="GM9999", jaar=2020)
    leeg = tmp_path / "leeg.csv"
    leeg.write_text("Leeftijd,WijkenEnBuurten,Roker_11\n20300,GM9999,20.1\n", encoding="utf-8")
    with pytest.raises(BronError, match="geen van de gezondheidsindicatoren"):
        read_gezondheid(leeg, gemeentecode="GM9999", jaar=2020)
    with pytest.raises(BronError, match="geen gezondheidscijfers voor gemeente GM0202"):
        read_gezondheid(csv, gemeentecode="GM0202", jaar=2016)


def test_a_percentage_above_100_names_the_row_and_the_column(tmp_path):
    """Issue 12: a RIVM value of 150 (%) was stored. It is refused with the file's row (the
    header is row 1, rows of other periods left out still count) and column."""
    csv = tmp_path / "gezondheid.csv"
    csv.write_text(
        "Leeftijd,Marges,WijkenEnBuurten,Perioden,Eenzaam_28\n"
        "20300,MW00000,BU99990101,2016JJ00,40.1\n"
        "20300,MW00000,BU99990101,2020JJ00,150\n"
        "20300,MW00000,BU99990102,2020JJ00,-99997\n",
        encoding="utf-8",
    )
    with pytest.raises(BronError) as fout:
        read_gezondheid(csv, gemeentecode="GM9999", jaar=2020)
    assert str(fout.value).startswith(
        "gezondheid.csv: de Gezondheidsmonitor geeft percentages (0-100), maar:\n"
        "  - kolom 'Eenzaam_28' (eenzaam): buiten 0-100 in rij 3 (150)\n"
    )


def test_arnhem_gezondheid_2020(arnhem_data):
    laag = read_gezondheid(
        arnhem_data / "rivm_gezondheid_wijkbuurt_2020_arnhem.csv", gemeentecode="GM0202", jaar=2020
    )
    data = laag.data
    # the 2020 monitor; the file names no indeling, so that year's is assumed and said
    assert (laag.herkomst.peildatum, laag.herkomst.indeling) == ("2020", "2020")
    assert "indeling 2020 aangenomen (jaar van de monitor)" in laag.herkomst.query
    # 2 age groups x (gemeente + 24 wijken + 83 buurten) x 8 indicators; Nederland left out
    assert len(data) == 2 * 108 * 8
    assert not data["code"].str.startswith("NL").any()
    assert data.loc["GM0202:eenzaam:18+:2020", "waarde"] == 51.2
    assert data.loc["GM0202:ervaren_gezondheid_goed:65+:2020", "waarde"] == 64.5
    assert data["marge_onder"].isna().all()  # the file has the point estimates only
    leeg = data[data["waarde"].isna()]
    assert sorted(leeg.loc[leeg["leeftijd"] == "18+", "code"].unique()) == [
        "BU02020338",
        "BU02020529",
    ]
    assert sorted(leeg.loc[leeg["leeftijd"] == "65+", "code"].unique()) == [
        "BU02020338",
        "BU02020529",
        "BU02021269",
    ]

    # joined to every buurt, except the suppressed ones; same numbers as the boundary file
    buurten = read_wijken_buurten(
        arnhem_data / "arnhem_buurten_2022_generalised.gpkg", gemeentecode="GM0202", jaar=2022
    )["buurten"].data
    kolom = {
        "ervaren_gezondheid_goed": "goedgez",
        "eenzaam": "eenzaam",
        "ernstig_eenzaam": "ernsteenz",
        "angst_depressie_hoog_risico": "angstdep",
        "moeite_met_rondkomen": "rondkomen",
        "overgewicht": "overgew",
        "langdurige_aandoening": "langdaand",
        "mantelzorger": "mantelz",
    }
    for leeftijd, achtervoegsel in (("18+", "18p"), ("65+", "65p")):
        deel = data[(data["leeftijd"] == leeftijd) & data["code"].str.startswith("BU")]
        breed = deel.pivot(index="code", columns="indicator", values="waarde")
        samen = buurten.join(breed, how="left")
        gevuld = samen[INDICATOREN].notna().all(axis=1)
        assert int(gevuld.sum()) == (81 if leeftijd == "18+" else 80)
        assert {"BU02020338", "BU02020529"} <= set(samen.index[~gevuld])
        for indicator, naam in kolom.items():
            pd.testing.assert_series_equal(
                samen[indicator],
                buurten[f"rivm20_{naam}_{achtervoegsel}"],
                check_names=False,
            )
