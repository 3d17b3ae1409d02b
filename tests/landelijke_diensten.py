"""Recorded answers of the services behind the national registers, served with ``responses``:
DUO (``tests/fixtures/duo``), the LRK (``tests/fixtures/lrk``), PDOK's gemeenten around the
demo gemeente (``tests/fixtures/pdok/gemeenten_rond_GM9999.json``) and the PDOK Locatieserver
(``tests/fixtures/locatieserver``, one answer per address; see the READMEs).

Used by ``test_bron_landelijk.py``, ``test_importeren.py`` and the bad-input suite; nothing here
goes online. An address the table does not know is answered with HTTP 404, so a test that asks
an unexpected address fails loudly instead of passing on an empty answer.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import responses

from gebiedsplan import settings
from gebiedsplan.bronnen.duo import DUO_URL
from gebiedsplan.bronnen.locatieserver import LOCATIESERVER_URL, RIJEN, VELDEN
from gebiedsplan.bronnen.lrk import LRK_URL

FIXTURES = Path(__file__).parent / "fixtures"
#: The PDOK gemeenten collection of any Wijk- en Buurtkaart year.
PDOK_GEMEENTEN = re.compile(
    r"https://api\.pdok\.nl/cbs/wijken-en-buurten-\d{4}/ogc/v1/collections/gemeenten/items"
)
#: q as gebiedsplan asks it -> recorded answer in tests/fixtures/locatieserver.
ADRESSEN = {
    # DUO vestigingenbo.csv and 03.-alle-vestigingen-bo.csv
    "Lindelaan 3 9999ZA RIVIERSTAD": "lindelaan_3.json",
    "Kompasstraat 8 9999ZB RIVIERSTAD": "kompasstraat_8.json",
    "Kerkstraat 12 9999ZE RIVIERSTAD": "kerkstraat_12.json",
    "Nieuwe Weg 1 9999ZX RIVIERSTAD": "geen_treffer.json",
    "Dorpsstraat 2 9998AA BUURDORP": "dorpsstraat_2.json",
    "Verre Dreef 9 9998AZ BUURDORP": "verre_dreef_9.json",
    "Verre Weg 1 1234AB VERWEG": "verre_weg_1.json",
    # LRK export_opendata_lrk.csv
    "Bolwerk 5 9999ZC Rivierstad": "bolwerk_5.json",
    "Lindelaan 3 9999ZA Rivierstad": "lindelaan_3.json",
    "Dorpsweg 1 9998AB Buurdorp": "dorpsweg_1.json",
    "Havenstraat 10-2 9999ZD Rivierstad": "havenstraat_10-2.json",
}


def _locatieserver(request: Any) -> tuple[int, dict[str, str], str]:
    vraag = {k: v[0] for k, v in parse_qs(urlsplit(request.url).query).items()}
    if vraag.get("fl") != VELDEN or vraag.get("rows") != str(RIJEN):
        return 400, {}, f"onverwachte parameters: {vraag}"
    bestand = ADRESSEN.get(vraag.get("q", ""))
    if bestand is None:
        return 404, {}, f"de test kent het adres {vraag.get('q')!r} niet"
    tekst = (FIXTURES / "locatieserver" / bestand).read_text(encoding="utf-8")
    return 200, {"Content-Type": "application/json"}, tekst


def registreer(
    mock: responses.RequestsMock,
    *,
    duo: Path | None = None,
    lrk: Path | None = None,
) -> None:
    """Serve DUO, the LRK, PDOK's gemeenten and the Locatieserver from the fixtures."""
    mock.add(
        responses.GET,
        DUO_URL,
        body=(duo or FIXTURES / "duo" / "vestigingenbo.csv").read_bytes(),
        content_type="text/csv",
    )
    mock.add(
        responses.GET,
        LRK_URL,
        body=(lrk or FIXTURES / "lrk" / "export_opendata_lrk.csv").read_bytes(),
        content_type="text/csv",
    )
    mock.add(
        responses.GET,
        PDOK_GEMEENTEN,
        json=json.loads((FIXTURES / "pdok" / "gemeenten_rond_GM9999.json").read_text("utf-8")),
    )
    mock.add_callback(responses.GET, LOCATIESERVER_URL, callback=_locatieserver)


@contextmanager
def diensten(cache_dir: Path, **bestanden: Path) -> Iterator[responses.RequestsMock]:
    """The recorded services, an empty cache in ``cache_dir``, and no other network."""
    oud = settings.cache_dir, settings.cache, settings.alleen_cache
    settings.cache_dir, settings.cache, settings.alleen_cache = cache_dir, True, False
    try:
        with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
            registreer(mock, **bestanden)
            yield mock
    finally:
        settings.cache_dir, settings.cache, settings.alleen_cache = oud


def aanroepen(mock: responses.RequestsMock, url: str | re.Pattern[str]) -> list[str]:
    """The URLs of the calls to one service."""
    if isinstance(url, str):
        return [c.request.url for c in mock.calls if c.request.url.startswith(url)]
    return [c.request.url for c in mock.calls if url.match(c.request.url)]
