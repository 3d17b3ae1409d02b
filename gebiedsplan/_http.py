"""One HTTP client for every online source: retries, timeouts, and a file cache of answers.

As in osmnx, every successful answer is kept as a file in ``settings.cache_dir`` (key: the
SHA-256 of the full URL), so a second run, or a run without network, reads it from disk. The
same files are the recorded answers the tests replay. Set ``settings.cache = False`` to always
ask the service; set ``settings.alleen_cache = True`` to never go online (a missing answer is a
:class:`BronError`).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from gebiedsplan import settings
from gebiedsplan._io import atomic_path
from gebiedsplan._version import __version__
from gebiedsplan.errors import BronError

log = logging.getLogger(__name__)

#: A request: the URL and its query parameters (None when the URL carries them all).
Verzoek = tuple[str, dict[str, Any] | None]

_session: requests.Session | None = None


def _get_session() -> requests.Session:
    global _session
    if _session is None:
        retry = Retry(
            total=settings.http_pogingen,
            backoff_factor=1.0,
            status_forcelist=(429, 500, 502, 503, 504),
            allowed_methods=("GET",),
            respect_retry_after_header=True,
        )
        _session = requests.Session()
        _session.mount("https://", HTTPAdapter(max_retries=retry))
        _session.mount("http://", HTTPAdapter(max_retries=retry))
        _session.headers["User-Agent"] = f"gebiedsplan/{__version__} (sociaal domein GIS)"
    return _session


def full_url(url: str, params: dict[str, Any] | None = None) -> str:
    """The URL with its query string, parameters sorted (the cache key is made from this)."""
    if not params:
        return url
    query = urlencode(sorted((k, str(v)) for k, v in params.items()))
    return f"{url}{'&' if '?' in url else '?'}{query}"


def cache_path(url: str, params: dict[str, Any] | None = None) -> Path:
    """Where the answer to this request is (or would be) cached."""
    key = hashlib.sha256(full_url(url, params).encode("utf-8")).hexdigest()
    return Path(settings.cache_dir) / f"{key}.bin"


def get_bytes(url: str, *, params: dict[str, Any] | None = None, bron: str) -> bytes:
    """GET a URL and return the body, from the cache when it is there.

    Parameters
    ----------
    url, params
        The request.
    bron
        Name of the source for messages ("PDOK", "CBS StatLine", ...).

    Raises
    ------
    BronError
        When the service cannot be reached or answers with an error, naming the URL and what to do.
    """
    volledig = full_url(url, params)
    pad = cache_path(url, params)
    if settings.cache and pad.exists():
        log.debug("%s uit cache: %s", bron, volledig)
        return pad.read_bytes()
    if settings.alleen_cache:
        raise BronError(
            f"{bron}: geen bewaard antwoord voor {volledig} in {settings.cache_dir} en "
            "settings.alleen_cache staat aan. Haal de gegevens eerst online op of gebruik de "
            "bestandsvariant (gebiedsplan importeer)."
        )
    try:
        antwoord = _get_session().get(url, params=params, timeout=settings.http_timeout_s)
    except requests.RequestException as exc:
        raise BronError(
            f"{bron} niet bereikbaar ({volledig}): {exc}. Zonder internet: download het bestand "
            "en gebruik 'gebiedsplan importeer'."
        ) from None
    if antwoord.status_code != 200:
        raise BronError(
            f"{bron} antwoordde {antwoord.status_code} op {volledig}: {antwoord.text[:300]}"
        )
    if settings.cache:
        pad.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(pad) as tmp:
            tmp.write_bytes(antwoord.content)
    return antwoord.content


def get_json(url: str, *, params: dict[str, Any] | None = None, bron: str) -> Any:
    """GET a URL and parse its JSON body (see :func:`get_bytes`)."""
    body = get_bytes(url, params=params, bron=bron)
    try:
        return json.loads(body)
    except json.JSONDecodeError:
        raise BronError(
            f"{bron} gaf geen JSON terug op {full_url(url, params)}: {body[:200]!r}"
        ) from None


def iter_pages(
    url: str,
    params: dict[str, Any] | None = None,
    *,
    lijst: str,
    volgende: Callable[[dict[str, Any], Verzoek], Verzoek | None],
    bron: str,
    wat: str,
) -> Iterator[list[Any]]:
    """Yield the items of every page of a paged JSON answer, page by page.

    The one paging loop of the online sources: OData (CBS StatLine follows
    ``odata.nextLink``, else ``$skip``) and OGC API Features (PDOK follows the ``next`` link).
    Every page goes through :func:`get_json` (cached, retried) and must be a JSON object with
    a list under ``lijst`` (``"value"``, ``"features"``); ``volgende`` gets that page and the
    request that fetched it and returns the next request, or None after the last page.

    Parameters
    ----------
    url, params
        The first request.
    lijst
        Key of the list of items in every page.
    volgende
        ``(page, request) -> next request or None``.
    bron, wat
        Source and what is fetched, for messages.

    Raises
    ------
    BronError
        A page that is not such an object, or a next request that was already made (a
        service that keeps pointing at the same page).

    Examples
    --------
    Two recorded pages (in a temporary cache), linked by ``next``:

    >>> import json, tempfile
    >>> from gebiedsplan import settings
    >>> oud = settings.cache_dir, settings.alleen_cache
    >>> settings.cache_dir, settings.alleen_cache = tempfile.mkdtemp(), True
    >>> for url, pagina in [("https://x.nl/items", {"items": [1, 2], "next": "https://x.nl/p2"}),
    ...                     ("https://x.nl/p2", {"items": [3]})]:
    ...     _ = cache_path(url).write_text(json.dumps(pagina))
    >>> def volgende(pagina, verzoek):
    ...     return (pagina["next"], None) if "next" in pagina else None
    >>> list(iter_pages("https://x.nl/items", lijst="items", volgende=volgende, bron="X", wat="items"))
    [[1, 2], [3]]
    >>> settings.cache_dir, settings.alleen_cache = oud
    """
    verzoek: Verzoek | None = (url, params)
    gezien: set[str] = set()
    while verzoek is not None:
        sleutel = full_url(*verzoek)
        if sleutel in gezien:
            raise BronError(f"{bron}: {wat} verwijst steeds naar dezelfde pagina ({sleutel}).")
        gezien.add(sleutel)
        pagina = get_json(verzoek[0], params=verzoek[1], bron=bron)
        items = pagina.get(lijst) if isinstance(pagina, dict) else None
        if not isinstance(items, list):
            raise BronError(
                f"{bron}: onverwacht antwoord op {sleutel}: verwacht een JSON-object met een "
                f"lijst '{lijst}', kreeg {str(pagina)[:200]}"
            )
        yield items
        verzoek = volgende(pagina, verzoek)
