"""Geocoding of Dutch addresses with the PDOK Locatieserver (v3.1, ``free`` endpoint).

One request per address through :func:`gebiedsplan._http.get_json`, so every answer is cached
as a file and a second run (or a test) reads it from disk. The service is a Solr index of the
BAG; an answer looks like::

    {"response": {"numFound": 1, "start": 0, "maxScore": 9.1, "numFoundExact": true,
                  "docs": [{"type": "adres", "weergavenaam": "Voorbeeldstraat 12, 9999ZZ Plaats",
                            "centroide_rd": "POINT(171234.5 491876.2)", "postcode": "9999ZZ",
                            "huisnummer": 12, "score": 9.1, ...}]}}

A hit is only accepted when it is really the address asked for: an address, with the same
house number (and letter/addition when given), the same postcode when one is given, otherwise
a street name and place that match. Solr's ``score`` is a relevance number, not a probability;
since v3.1 scores are lower than before, so :data:`MIN_SCORE` is a floor against junk, and the
field checks do the real work. The first :data:`RIJEN` hits are looked at: an address asked
without letter or addition that the BAG only knows with one ("12" where there are "12A" and
"12B") is *dubbelzinnig* and refused, naming the candidates; with one candidate only ("12A")
that one is taken. Every rejected address says why, with what the service found.

Many addresses at once (a register, a national file): :func:`zoek_adressen` asks every distinct
address once, one request at a time, and reads every answer already cached from disk without a
request. PDOK's Fair Use level (no registration, "a limited amount of capacity", users are
expected to be self-reliant; PDOK contacts or blocks users whose load hinders others) publishes
no rate or concurrency figure, so this client does not ask in parallel: one request after the
other, retried with back-off and ``Retry-After`` on 429/5xx (:mod:`gebiedsplan._http`).
"""

from __future__ import annotations

import difflib
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from gebiedsplan import settings
from gebiedsplan._http import cache_path, full_url, get_json
from gebiedsplan.errors import BronError

log = logging.getLogger(__name__)

#: The free-text geocoder of PDOK Locatieserver v3.1.
LOCATIESERVER_URL = "https://api.pdok.nl/bzk/locatieserver/search/v3_1/free"
BRON = "PDOK Locatieserver"
#: Fields asked for (``fl``): enough to check the hit and to place it in RD.
VELDEN = (
    "id,type,weergavenaam,score,centroide_rd,straatnaam,straatnaam_verkort,huisnummer,"
    "huisletter,huisnummertoevoeging,postcode,woonplaatsnaam,gemeentecode,gemeentenaam"
)
#: Hits asked per address (``rows``): enough to see the other letters/additions of a number.
RIJEN = 5
#: Lowest Solr score accepted. A floor against unrelated hits; not calibrated on the live
#: service (v3.1 lowered all scores), the checks on postcode, number and street come first.
MIN_SCORE = 1.0
#: How alike a found street name must be to the register's (difflib ratio, 0-1) when no
#: postcode is given; allows "Burg. Weertsstraat" against "Burgemeester Weertsstraat".
MIN_STRAAT_GELIJKENIS = 0.8

_POSTCODE = re.compile(r"^(\d{4})\s*([A-Za-z]{2})$")
_HUISNUMMER = re.compile(r"^\s*(\d+)\s*[-/ ]?\s*([A-Za-z0-9]{0,6})\s*$")
#: Street and number in one cell: the street up to the last number (``Plein 1945 3``: street
#: ``Plein 1945``), then a letter or addition (``12a``, ``12 A``, ``12-2``).
_ADRES = re.compile(r"^(.*\S)\s+(\d+\s*(?:[-/]?\s*[A-Za-z0-9]{1,6})?)\s*$")
_PUNT = re.compile(r"^\s*POINT\s*\(\s*([-0-9.eE+]+)\s+([-0-9.eE+]+)\s*\)\s*$")


@dataclass(frozen=True)
class Zoekresultaat:
    """The outcome of one address search: a point, or the reason there is none.

    ``probleem`` is the whole Dutch message (with the address); ``adres`` is the address as
    asked (the query), ``reden`` the reason alone (``niet gevonden``, ``dubbelzinnig: ...``,
    ``ander huisnummer (...)``); ``gemeentecode`` the BAG gemeente of the hit (``0202``)."""

    x: float | None
    y: float | None
    weergavenaam: str | None
    score: float | None
    probleem: str | None = None
    adres: str | None = None
    reden: str | None = None
    gemeentecode: str | None = None


@dataclass(frozen=True)
class Adres:
    """An address as a register writes it; ``huisnummer`` may carry a letter or addition."""

    straat: Any = None
    huisnummer: Any = None
    postcode: Any = None
    plaats: Any = None


def normalise_postcode(postcode: Any) -> str | None:
    """``"6811 ab"`` -> ``"6811AB"``; None when it is not a Dutch postcode.

    Examples
    --------
    >>> normalise_postcode(" 6811 ab")
    '6811AB'
    >>> normalise_postcode("68110") is None
    True
    """
    match = _POSTCODE.match(str(postcode).strip())
    return f"{match[1]}{match[2].upper()}" if match else None


def split_huisnummer(huisnummer: Any) -> tuple[int, str] | None:
    """House number and letter/addition: ``"12a"`` -> ``(12, "a")``, ``12.0`` -> ``(12, "")``.

    Examples
    --------
    >>> split_huisnummer("12-2"), split_huisnummer(7.0), split_huisnummer("zeven")
    ((12, '2'), (7, ''), None)
    """
    if isinstance(huisnummer, float) and huisnummer.is_integer():
        huisnummer = int(huisnummer)
    match = _HUISNUMMER.match(str(huisnummer))
    if not match:
        return None
    return int(match[1]), match[2].lower()


def split_adres(adres: Any) -> tuple[str, str] | None:
    """Street and house number from one cell (as the LRK writes ``opvanglocatie_adres``).

    Examples
    --------
    >>> split_adres("Kerkstraat 12a"), split_adres("Plein 1945 3"), split_adres("Dorpsweg 7 B")
    (('Kerkstraat', '12a'), ('Plein 1945', '3'), ('Dorpsweg', '7 B'))
    >>> split_adres("Opvang bij de vraagouder") is None
    True
    """
    match = _ADRES.match(_tekst(adres))
    return (match[1], match[2]) if match else None


def _tekst(value: Any) -> str:
    return re.sub(r"\s+", " ", str(value)).strip() if value is not None else ""


def _gelijk(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a.casefold(), b.casefold()).ratio()


def _parse_punt(wkt: Any) -> tuple[float, float] | None:
    match = _PUNT.match(str(wkt or ""))
    return (float(match[1]), float(match[2])) if match else None


def _toevoeging(doc: dict[str, Any]) -> str:
    """Letter and addition of a hit, as one lower-case word (``a``, ``2``, ``a2``)."""
    tekst = f"{doc.get('huisletter') or ''}{doc.get('huisnummertoevoeging') or ''}".lower()
    return re.sub(r"[-\s]", "", tekst)


def _check_doc(
    doc: dict[str, Any],
    *,
    nummer: int,
    toevoeging: str,
    postcode: str | None,
    straat: str,
    plaats: str,
    min_score: float,
) -> str | None:
    """Why this hit is not the address asked for, or None when it is (a hit with a letter or
    addition that was not asked for passes here; :func:`_beoordeel` decides)."""
    gevonden = f"gevonden: '{doc.get('weergavenaam', '?')}'"
    if doc.get("type") != "adres":
        return f"geen adres maar een {doc.get('type', '?')} ({gevonden})"
    if doc.get("huisnummer") != nummer:
        return f"ander huisnummer ({gevonden})"
    if toevoeging and _toevoeging(doc) != toevoeging:
        return f"andere huisletter of toevoeging ({gevonden})"
    if postcode is not None:
        if doc.get("postcode") != postcode:
            return f"andere postcode ({gevonden})"
    else:
        namen = [str(doc.get(k)) for k in ("straatnaam", "straatnaam_verkort") if doc.get(k)]
        if straat and not any(_gelijk(straat, n) >= MIN_STRAAT_GELIJKENIS for n in namen):
            return f"andere straat ({gevonden})"
        if plaats and _gelijk(plaats, str(doc.get("woonplaatsnaam", ""))) < MIN_STRAAT_GELIJKENIS:
            return f"andere plaats ({gevonden})"
    score = doc.get("score")
    if isinstance(score, int | float) and score < min_score:
        return f"te lage score {score:.2f} (minimaal {min_score:g}; {gevonden})"
    return None


@dataclass(frozen=True)
class _Vraag:
    """One address, checked and ready to ask: the query and what a hit must match."""

    q: str
    nummer: int
    toevoeging: str
    postcode: str | None
    straat: str
    plaats: str

    @property
    def params(self) -> dict[str, Any]:
        return {"q": self.q, "fq": "type:adres", "rows": RIJEN, "fl": VELDEN}


def _fout(adres: str | None, reden: str, probleem: str | None = None) -> Zoekresultaat:
    return Zoekresultaat(None, None, None, None, probleem or reden, adres=adres, reden=reden)


def _vraag(straat: Any, huisnummer: Any, postcode: Any, plaats: Any) -> _Vraag | Zoekresultaat:
    """The request for one address, or (without asking) why it cannot be asked."""
    straat_tekst, plaats_tekst = _tekst(straat), _tekst(plaats)
    geschreven = " ".join(
        p for p in (straat_tekst, _tekst(huisnummer), _tekst(postcode), plaats_tekst) if p
    )
    delen = split_huisnummer(huisnummer) if _tekst(huisnummer) else None
    if delen is None:
        reden = (
            "huisnummer ontbreekt"
            if not _tekst(huisnummer)
            else f"huisnummer '{_tekst(huisnummer)}' is geen huisnummer (verwacht bv. 12, 12a of 12-2)"
        )
        return _fout(geschreven, reden)
    nummer, toevoeging = delen
    pc: str | None = None
    if _tekst(postcode):
        pc = normalise_postcode(postcode)
        if pc is None:
            return _fout(geschreven, f"postcode '{_tekst(postcode)}' heeft niet de vorm 1234 AB")
    elif not straat_tekst or not plaats_tekst:
        return _fout(geschreven, "geef een postcode, of straat én plaats, bij het huisnummer")
    # "12a" as written; a numeric addition keeps its hyphen ("10-2", not house number 102)
    nummer_tekst = f"{nummer}{'-' if toevoeging[:1].isdigit() else ''}{toevoeging}"
    q = " ".join(p for p in (straat_tekst, nummer_tekst, pc or "", plaats_tekst) if p)
    return _Vraag(q, nummer, toevoeging, pc, straat_tekst, plaats_tekst)


def _beoordeel(vraag: _Vraag, antwoord: Any, *, min_score: float) -> Zoekresultaat:
    """The point of the answer's hit that is this address, or why no hit is."""
    q = vraag.q
    try:
        docs = antwoord["response"]["docs"]
    except (KeyError, TypeError):
        raise BronError(
            f"{BRON} gaf een onverwacht antwoord op '{q}' (geen response.docs): "
            f"{str(antwoord)[:200]}"
        ) from None
    if not docs:
        return _fout(q, "niet gevonden", f"adres '{q}' niet gevonden")
    problemen = [
        _check_doc(
            doc,
            nummer=vraag.nummer,
            toevoeging=vraag.toevoeging,
            postcode=vraag.postcode,
            straat=vraag.straat,
            plaats=vraag.plaats,
            min_score=min_score,
        )
        for doc in docs
    ]
    goed = [doc for doc, probleem in zip(docs, problemen, strict=True) if probleem is None]
    if not goed:
        reden = str(problemen[0])
        return _fout(q, reden, f"adres '{q}': {reden}")
    doc = goed[0]
    if not vraag.toevoeging and _toevoeging(doc):
        exact = [d for d in goed if not _toevoeging(d)]
        kandidaten = list(dict.fromkeys(str(d.get("weergavenaam", "?")) for d in goed))
        if exact:
            doc = exact[0]
        elif len(kandidaten) > 1:
            reden = (
                f"dubbelzinnig: huisnummer {vraag.nummer} zonder huisletter of toevoeging bestaat "
                f"niet, wel {' en '.join(repr(k) for k in kandidaten)}; geef de huisletter of "
                "toevoeging"
            )
            return _fout(q, reden, f"adres '{q}': {reden}")
    punt = _parse_punt(doc.get("centroide_rd"))
    if punt is None:
        raise BronError(
            f"{BRON}: treffer voor '{q}' heeft geen leesbaar centroide_rd "
            f"({doc.get('centroide_rd')!r}); verwacht 'POINT(x y)'"
        )
    score = doc.get("score")
    log.debug("%s: '%s' -> %s", BRON, q, doc.get("weergavenaam"))
    return Zoekresultaat(
        punt[0],
        punt[1],
        str(doc.get("weergavenaam", q)),
        float(score) if isinstance(score, int | float) else None,
        adres=q,
        gemeentecode=str(doc["gemeentecode"]) if doc.get("gemeentecode") else None,
    )


def zoek_adres(
    straat: Any,
    huisnummer: Any,
    postcode: Any = None,
    plaats: Any = None,
    *,
    min_score: float = MIN_SCORE,
) -> Zoekresultaat:
    """Search one address; a missing or doubtful hit comes back with its reason, not raised.

    A service that cannot be reached still raises :class:`BronError` (once, not per address).
    For many addresses use :func:`zoek_adressen`.

    Parameters
    ----------
    straat, huisnummer, postcode, plaats
        The address as in the register; ``huisnummer`` may carry a letter or addition
        (``"12a"``, ``"12-2"``). Give a postcode where you can: with a postcode the hit must
        have that postcode and house number; without one, the street and place must match.
    min_score
        Lowest Solr score accepted (see :data:`MIN_SCORE`).

    Returns
    -------
    Zoekresultaat
        ``x``, ``y`` in EPSG:28992, ``weergavenaam``, ``score`` and ``gemeentecode`` of the
        hit, or ``probleem`` in Dutch (and ``adres``, ``reden`` apart).

    Examples
    --------
    >>> zoek_adres("Voorbeeldstraat", "twaalf").probleem
    "huisnummer 'twaalf' is geen huisnummer (verwacht bv. 12, 12a of 12-2)"
    """
    return zoek_adressen([Adres(straat, huisnummer, postcode, plaats)], min_score=min_score)[0]


def zoek_adressen(
    adressen: Sequence[Adres], *, min_score: float = MIN_SCORE, wat: str = "adressen"
) -> list[Zoekresultaat]:
    """Search many addresses: every distinct address asked once, cached answers read from disk.

    The addresses are checked first (house number, postcode); every distinct request is then
    asked once, one after the other (PDOK Fair Use publishes no rate; see the module
    docstring), and every answer is cached (:func:`gebiedsplan._http.get_json`): a second run,
    or a second register with the same address, sends no request. The log says how many
    answers came from the cache and how many were asked.

    Parameters
    ----------
    adressen
        The addresses, in the order of the register's rows.
    min_score
        Lowest Solr score accepted (see :data:`MIN_SCORE`).
    wat
        What the addresses are, for the log ("adressen van vestigingenbo.csv").

    Returns
    -------
    list of Zoekresultaat
        One per address, in the same order.

    Raises
    ------
    BronError
        The service cannot be reached (once, naming the address), or answers in another format.

    Examples
    --------
    >>> uit = zoek_adressen([Adres("Kerkstraat", ""), Adres("Kerkstraat", 1, "12345")])
    >>> [r.reden for r in uit]
    ['huisnummer ontbreekt', "postcode '12345' heeft niet de vorm 1234 AB"]
    """
    vragen = [_vraag(a.straat, a.huisnummer, a.postcode, a.plaats) for a in adressen]
    uniek = {v.q: v for v in vragen if isinstance(v, _Vraag)}
    bewaard = (
        sum(cache_path(LOCATIESERVER_URL, v.params).exists() for v in uniek.values())
        if settings.cache
        else 0
    )
    if uniek:
        log.info(
            "%s: %d %s, %d verschillende; %d uit de cache, %d op te vragen (één tegelijk)",
            BRON,
            len(adressen),
            wat,
            len(uniek),
            bewaard,
            len(uniek) - bewaard,
        )
    antwoorden: dict[str, Zoekresultaat] = {}
    for i, (q, vraag) in enumerate(uniek.items(), start=1):
        antwoord = get_json(LOCATIESERVER_URL, params=vraag.params, bron=BRON)
        antwoorden[q] = _beoordeel(vraag, antwoord, min_score=min_score)
        if i % 100 == 0:
            log.info("%s: %d van %d adressen gezocht", BRON, i, len(uniek))
    return [antwoorden[v.q] if isinstance(v, _Vraag) else v for v in vragen]


def locatieserver_verzoek(adres: Adres) -> str | None:
    """The full URL the Locatieserver is asked for one address (the cache key of its answer),
    or None when the address is not asked at all (no house number, a malformed postcode).

    Examples
    --------
    >>> locatieserver_verzoek(Adres("Molenstraat", 12, "9999 zz", "Rivierstad"))[:60]
    'https://api.pdok.nl/bzk/locatieserver/search/v3_1/free?fl=id'
    """
    vraag = _vraag(adres.straat, adres.huisnummer, adres.postcode, adres.plaats)
    return full_url(LOCATIESERVER_URL, vraag.params) if isinstance(vraag, _Vraag) else None


def geocode_adres(
    straat: Any,
    huisnummer: Any,
    postcode: Any = None,
    plaats: Any = None,
    *,
    min_score: float = MIN_SCORE,
) -> tuple[float, float, str, float | None]:
    """The RD point of one Dutch address, from PDOK Locatieserver (cached).

    Parameters
    ----------
    straat, huisnummer, postcode, plaats
        The address; see :func:`zoek_adres` for what is checked.
    min_score
        Lowest Solr score accepted.

    Returns
    -------
    (x, y, weergavenaam, score)
        ``x``, ``y`` in EPSG:28992 (the centroid of the BAG object), the official address as
        the BAG writes it, and Solr's score.

    Raises
    ------
    BronError
        No hit, a hit that is not this address, or a service that cannot be reached.

    Examples
    --------
    >>> geocode_adres("Stationsplein", 1, "6811 KG", "Arnhem")  # doctest: +SKIP
    (190..., 444..., 'Stationsplein 1, 6811KG Arnhem', ...)
    """
    resultaat = zoek_adres(straat, huisnummer, postcode, plaats, min_score=min_score)
    if resultaat.probleem is not None or resultaat.x is None or resultaat.y is None:
        raise BronError(
            f"{BRON}: {resultaat.probleem}. Controleer het adres (schrijfwijze volgens de BAG, "
            "postcode) of geef coördinaten op."
        )
    return resultaat.x, resultaat.y, str(resultaat.weergavenaam), resultaat.score
