"""OpenStreetMap online: osmnx asks the Overpass API, with gebiedsplan's cache, timeout and limits.

osmnx keeps its own cache of Overpass answers, in ``settings.cache_dir / "osmnx"``. With
``settings.alleen_cache`` the online functions refuse to run (use the file twins instead).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import osmnx as ox
import requests

from gebiedsplan import settings
from gebiedsplan.bronnen import Herkomst
from gebiedsplan.bronnen.osm.gebied import BRON, LICENTIE
from gebiedsplan.errors import BronError


def _overpass_bewaker() -> Callable[..., None]:
    """A requests hook on osmnx's Overpass calls: stop after ``settings.http_pogingen`` answers
    of 429/504 (osmnx itself would retry without end), and turn an Overpass "runtime error"
    (HTTP 200 with a ``remark``) into a clear :class:`BronError` instead of "nothing found"."""
    teller = {"overbelast": 0}

    def bewaak(antwoord: requests.Response, *args: Any, **kwargs: Any) -> None:
        if not antwoord.url.split("?")[0].endswith("/interpreter"):
            return
        if antwoord.status_code in (429, 504):
            teller["overbelast"] += 1
            if teller["overbelast"] >= settings.http_pogingen:
                raise BronError(
                    f"OpenStreetMap (Overpass) is overbelast: {teller['overbelast']} keer "
                    f"{antwoord.status_code}. Probeer het later opnieuw, of gebruik offline "
                    "read_voorzieningen/read_groen/read_netwerk met een .osm.pbf-uittreksel."
                )
            return
        if antwoord.ok and b'"remark"' in antwoord.content[:2000]:
            try:
                remark = str(antwoord.json().get("remark", ""))
            except ValueError:
                return
            if remark.lower().startswith("runtime error"):
                raise BronError(
                    f"OpenStreetMap (Overpass) brak de vraag af: {remark} Maak het gebied "
                    "kleiner of probeer het later opnieuw."
                )

    return bewaak


@contextlib.contextmanager
def _osmnx_instellingen() -> Iterator[None]:
    """osmnx with gebiedsplan's cache folder and timeout; its own settings restored afterwards."""
    if settings.alleen_cache:
        raise BronError(
            "OpenStreetMap (Overpass via osmnx): settings.alleen_cache staat aan en osmnx vraagt "
            "internet. Gebruik offline de bestandsvariant: read_voorzieningen, read_groen of "
            "read_netwerk met een .osm- of .osm.pbf-bestand (bv. van download.geofabrik.de)."
        )
    namen = ("cache_folder", "use_cache", "requests_timeout", "requests_kwargs")
    oud = {k: getattr(ox.settings, k) for k in namen}
    ox.settings.cache_folder = Path(settings.cache_dir) / "osmnx"
    ox.settings.use_cache = settings.cache
    ox.settings.requests_timeout = int(settings.http_timeout_s)
    ox.settings.requests_kwargs = {
        **(oud["requests_kwargs"] or {}),
        "hooks": {"response": [_overpass_bewaker()]},
    }
    try:
        yield
    finally:
        for k, v in oud.items():
            setattr(ox.settings, k, v)


def call_osmnx(functie: Callable[..., Any], *args: Any, wat: str, **kwargs: Any) -> Any:
    """Call osmnx, turning its errors into :class:`BronError`."""
    try:
        with _osmnx_instellingen():
            return functie(*args, **kwargs)
    except ox._errors.InsufficientResponseError as exc:
        raise BronError(f"OpenStreetMap: geen {wat} gevonden in dit gebied ({exc}).") from None
    except (requests.RequestException, ox._errors.ResponseStatusCodeError) as exc:
        raise BronError(
            f"OpenStreetMap (Overpass) niet bereikbaar bij het ophalen van {wat}: {exc}. "
            "Zonder internet: download een .osm.pbf-uittreksel en gebruik de read_*-functies."
        ) from None


def herkomst_online(query: str) -> Herkomst:
    """Provenance of an answer of the Overpass API through osmnx, fetched today."""
    vandaag = date.today().isoformat()
    return Herkomst(
        bron=f"{BRON} (Overpass API via osmnx)",
        datum=vandaag,
        licentie=LICENTIE,
        query=query,
        peildatum=vandaag,  # Overpass answers with the data of today
    )
