"""Geocoding with PDOK Locatieserver, on recorded answers (tests/fixtures/locatieserver)."""

from __future__ import annotations

from pathlib import Path

import pytest
import responses
from responses import matchers

from gebiedsplan import settings
from gebiedsplan._http import cache_path
from gebiedsplan.bronnen.locatieserver import (
    LOCATIESERVER_URL,
    RIJEN,
    VELDEN,
    Adres,
    geocode_adres,
    locatieserver_verzoek,
    normalise_postcode,
    split_adres,
    split_huisnummer,
    zoek_adres,
    zoek_adressen,
)
from gebiedsplan.errors import BronError

FIXTURES = Path(__file__).parent / "fixtures" / "locatieserver"

#: q as the module builds it -> recorded answer
ANTWOORDEN = {
    "Molenstraat 12 9999ZZ Rivierstad": "molenstraat_12.json",
    "Kadeweg 3a Rivierstad": "kadeweg_3a.json",
    "Spookweg 1 9999ZY Rivierstad": "geen_treffer.json",
    "Lindenlaan 99 9999ZZ Rivierstad": "lindenlaan_99.json",
}


@pytest.fixture
def locatieserver(tmp_path, monkeypatch):
    """Serve the recorded answers; an empty cache in tmp_path; no network."""
    monkeypatch.setattr(settings, "cache_dir", tmp_path / "cache")
    monkeypatch.setattr(settings, "cache", True)
    monkeypatch.setattr(settings, "alleen_cache", False)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        for q, bestand in ANTWOORDEN.items():
            mock.add(
                responses.GET,
                LOCATIESERVER_URL,
                body=(FIXTURES / bestand).read_text(encoding="utf-8"),
                content_type="application/json",
                match=[
                    matchers.query_param_matcher(
                        {"q": q, "fq": "type:adres", "rows": str(RIJEN), "fl": VELDEN}
                    )
                ],
            )
        yield mock


def test_hit_gives_rd_point_from_centroide_rd(locatieserver):
    x, y, naam, score = geocode_adres("Molenstraat", 12, "9999 zz", "Rivierstad")
    assert (x, y) == (172350.412, 493120.86)
    assert naam == "Molenstraat 12, 9999ZZ Rivierstad"
    assert score == pytest.approx(9.417635)


def test_answer_is_cached_and_read_from_disk_the_second_time(locatieserver):
    geocode_adres("Molenstraat", "12", "9999ZZ", "Rivierstad")
    geocode_adres("Molenstraat", "12", "9999ZZ", "Rivierstad")
    assert len(locatieserver.calls) == 1
    assert len(list((settings.cache_dir).glob("*.bin"))) == 1


def test_house_letter_without_postcode_checks_street_and_place(locatieserver):
    x, y, naam, _ = geocode_adres("Kadeweg", "3a", plaats="Rivierstad")
    assert (x, y) == (171880.0, 492385.5)
    assert naam == "Kadeweg 3a, 9999ZY Rivierstad"


def test_no_hit_is_reported_with_the_address(locatieserver):
    resultaat = zoek_adres("Spookweg", 1, "9999ZY", "Rivierstad")
    assert resultaat.x is None
    assert resultaat.probleem == "adres 'Spookweg 1 9999ZY Rivierstad' niet gevonden"
    with pytest.raises(BronError, match="Spookweg 1 9999ZY Rivierstad' niet gevonden"):
        geocode_adres("Spookweg", 1, "9999ZY", "Rivierstad")


def test_hit_with_another_house_number_is_not_accepted(locatieserver):
    resultaat = zoek_adres("Lindenlaan", 99, "9999ZZ", "Rivierstad")
    assert resultaat.x is None
    assert "ander huisnummer" in resultaat.probleem
    assert "Lindenlaan 9, 9999ZZ Rivierstad" in resultaat.probleem


def test_low_score_is_reported(locatieserver):
    resultaat = zoek_adres("Molenstraat", 12, "9999ZZ", "Rivierstad", min_score=10.0)
    assert resultaat.x is None
    assert "te lage score 9.42 (minimaal 10;" in resultaat.probleem


def test_bad_input_is_reported_without_asking_the_service(locatieserver):
    assert zoek_adres("Molenstraat", "", "9999ZZ").probleem == "huisnummer ontbreekt"
    assert "niet de vorm 1234 AB" in zoek_adres("Molenstraat", 12, "99999").probleem
    assert "postcode, of straat én plaats" in zoek_adres("Molenstraat", 12).probleem
    assert len(locatieserver.calls) == 0


def test_unreachable_service_raises_bron_error(tmp_path, monkeypatch):
    monkeypatch.setattr(settings, "cache_dir", tmp_path)
    monkeypatch.setattr(settings, "alleen_cache", False)
    # nothing registered: the connection fails
    with (
        responses.RequestsMock(),
        pytest.raises(BronError, match="PDOK Locatieserver niet bereikbaar"),
    ):
        geocode_adres("Molenstraat", 12, "9999ZZ", "Rivierstad")


def test_cache_only_without_recorded_answer_raises(tmp_path, monkeypatch):
    monkeypatch.setattr(settings, "cache_dir", tmp_path)
    monkeypatch.setattr(settings, "alleen_cache", True)
    with pytest.raises(BronError, match="geen bewaard antwoord"):
        geocode_adres("Molenstraat", 12, "9999ZZ", "Rivierstad")


def test_postcode_and_house_number_parsing():
    assert normalise_postcode("6811 kg") == "6811KG"
    assert normalise_postcode("6811") is None
    assert split_huisnummer("12 A") == (12, "a")
    assert split_huisnummer(3.0) == (3, "")
    assert split_huisnummer("12-II") == (12, "ii")
    assert split_huisnummer("a12") is None


# --------------------------------------------------------------------------- many addresses at once

LANDELIJK = {  # answers written for the national registers (see the fixture README)
    "Kerkstraat 12 9999ZE RIVIERSTAD": "kerkstraat_12.json",
    "Kerkstraat 12b 9999ZE RIVIERSTAD": "kerkstraat_12.json",  # the same hits: 12A, 12B, 14
    "Havenstraat 10-2 9999ZD Rivierstad": "havenstraat_10-2.json",
    "Lindelaan 3 9999ZA Rivierstad": "lindelaan_3.json",
}


@pytest.fixture
def veel_adressen(locatieserver):
    for q, bestand in LANDELIJK.items():
        locatieserver.add(
            responses.GET,
            LOCATIESERVER_URL,
            body=(FIXTURES / bestand).read_text(encoding="utf-8"),
            content_type="application/json",
            match=[
                matchers.query_param_matcher(
                    {"q": q, "fq": "type:adres", "rows": str(RIJEN), "fl": VELDEN}
                )
            ],
        )
    return locatieserver


def test_many_addresses_ask_each_distinct_one_once_and_then_only_the_cache(veel_adressen):
    adressen = [
        Adres("Molenstraat", 12, "9999 ZZ", "Rivierstad"),
        Adres("Lindelaan", "3", "9999ZA", "Rivierstad"),
        Adres("Molenstraat", "12", "9999zz", "Rivierstad"),  # the same address, written otherwise
        Adres("Spookweg", 1, "9999ZY", "Rivierstad"),
        Adres("Kadeweg", "", None, "Rivierstad"),  # not asked: no number
    ]
    uit = zoek_adressen(adressen)
    assert [r.weergavenaam for r in uit] == [
        "Molenstraat 12, 9999ZZ Rivierstad",
        "Lindelaan 3, 9999ZA Rivierstad",
        "Molenstraat 12, 9999ZZ Rivierstad",
        None,
        None,
    ]
    assert [r.reden for r in uit] == [None, None, None, "niet gevonden", "huisnummer ontbreekt"]
    assert uit[1].gemeentecode == "9999"
    assert len(veel_adressen.calls) == 3
    # a second batch (a second run, another register) reads every answer from the cache
    opnieuw = zoek_adressen(adressen)
    assert len(veel_adressen.calls) == 3
    assert opnieuw == uit


def test_a_number_the_bag_only_knows_with_letters_is_ambiguous(veel_adressen):
    resultaat = zoek_adres("Kerkstraat", 12, "9999 ZE", "RIVIERSTAD")
    assert resultaat.x is None
    assert resultaat.reden == (
        "dubbelzinnig: huisnummer 12 zonder huisletter of toevoeging bestaat niet, wel "
        "'Kerkstraat 12A, 9999ZE Rivierstad' en 'Kerkstraat 12B, 9999ZE Rivierstad'; geef de "
        "huisletter of toevoeging"
    )
    # with the letter it is the second hit, and that one is taken
    met_letter = zoek_adres("Kerkstraat", "12b", "9999ZE", "RIVIERSTAD")
    assert met_letter.weergavenaam == "Kerkstraat 12B, 9999ZE Rivierstad"
    assert (met_letter.x, met_letter.y) == (171862.0, 491830.0)


def test_a_numeric_addition_keeps_its_hyphen_and_is_matched(veel_adressen):
    resultaat = zoek_adres("Havenstraat", "10-2", "9999ZD", "Rivierstad")
    assert resultaat.weergavenaam == "Havenstraat 10-2, 9999ZD Rivierstad"
    assert (resultaat.x, resultaat.y) == (172700.0, 492800.0)


def test_street_and_number_in_one_cell():
    assert split_adres("Kerkstraat 12a") == ("Kerkstraat", "12a")
    assert split_adres("Havenstraat 10-2") == ("Havenstraat", "10-2")
    assert split_adres("Plein 1945 3") == ("Plein 1945", "3")
    assert split_adres("Polderweg") is None


def test_the_real_answers_of_the_service_through_the_geocoder(
    real_responses, tmp_path, monkeypatch
):
    """The Locatieserver's own answers (v3, 2019; see real_responses/SOURCES.md), read from the
    cache as a recorded answer: an address, an empty answer, and a postcode as top hit."""
    monkeypatch.setattr(settings, "cache_dir", tmp_path)
    monkeypatch.setattr(settings, "alleen_cache", True)
    echt = real_responses / "locatieserver"
    gevallen = {
        Adres("Evert van de Beekstraat", 202, "1118CP", "Schiphol"): "free_adres_1118CP_202.json",
        Adres("Evert van de Beekstraat", 203, "1118CP", "Schiphol"): "free_postcode_1118CP.json",
        Adres("Nergensweg", 1, "1118CQ", "Schiphol"): "free_leeg_XXXXAB.json",
    }
    for adres, bestand in gevallen.items():
        url = locatieserver_verzoek(adres)
        cache_path(url).write_bytes((echt / bestand).read_bytes())
    adres, postcode, leeg = zoek_adressen(list(gevallen))
    assert (adres.x, adres.y) == (111396.536, 479739.602)
    assert adres.weergavenaam == "Evert van de Beekstraat 202, 1118CP Schiphol"
    assert adres.gemeentecode == "0394"
    assert postcode.reden == (
        "geen adres maar een postcode (gevonden: 'Evert van de Beekstraat, 1118CP Schiphol')"
    )
    assert leeg.reden == "niet gevonden"
