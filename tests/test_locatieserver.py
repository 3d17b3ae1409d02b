"""Geocoding with PDOK Locatieserver, on recorded answers (tests/fixtures/locatieserver)."""

from __future__ import annotations

from pathlib import Path

import pytest
import responses
from responses import matchers

from gebiedsplan import settings
from gebiedsplan.bronnen.locatieserver import (
    LOCATIESERVER_URL,
    VELDEN,
    geocode_adres,
    normalise_postcode,
    split_huisnummer,
    zoek_adres,
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
                        {"q": q, "fq": "type:adres", "rows": "1", "fl": VELDEN}
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
