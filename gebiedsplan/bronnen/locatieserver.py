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
field checks do the real work. Every rejected address says why, with what the service found.
"""

from __future__ import annotations

import difflib
import logging
import re
from dataclasses import dataclass
from typing import Any

from gebiedsplan._http import get_json
from gebiedsplan.errors import BronError

log = logging.getLogger(__name__)

#: The free-text geocoder of PDOK Locatieserver v3.1.
LOCATIESERVER_URL = "https://api.pdok.nl/bzk/locatieserver/search/v3_1/free"
BRON = "PDOK Locatieserver"
#: Fields asked for (``fl``): enough to check the hit and to place it in RD.
VELDEN = (
    "id,type,weergavenaam,score,centroide_rd,straatnaam,straatnaam_verkort,huisnummer,"
    "huisletter,huisnummertoevoeging,postcode,woonplaatsnaam"
)
#: Lowest Solr score accepted. A floor against unrelated hits; not calibrated on the live
#: service (v3.1 lowered all scores), the checks on postcode, number and street come first.
MIN_SCORE = 1.0
#: How alike a found street name must be to the register's (difflib ratio, 0-1) when no
#: postcode is given; allows "Burg. Weertsstraat" against "Burgemeester Weertsstraat".
MIN_STRAAT_GELIJKENIS = 0.8

_POSTCODE = re.compile(r"^(\d{4})\s*([A-Za-z]{2})$")
_HUISNUMMER = re.compile(r"^\s*(\d+)\s*[-/ ]?\s*([A-Za-z0-9]{0,6})\s*$")
_PUNT = re.compile(r"^\s*POINT\s*\(\s*([-0-9.eE+]+)\s+([-0-9.eE+]+)\s*\)\s*$")


@dataclass(frozen=True)
class Zoekresultaat:
    """The outcome of one address search: a point, or the reason there is none."""

    x: float | None
    y: float | None
    weergavenaam: str | None
    score: float | None
    probleem: str | None = None


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


def _tekst(value: Any) -> str:
    return re.sub(r"\s+", " ", str(value)).strip() if value is not None else ""


def _gelijk(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a.casefold(), b.casefold()).ratio()


def _parse_punt(wkt: Any) -> tuple[float, float] | None:
    match = _PUNT.match(str(wkt or ""))
    return (float(match[1]), float(match[2])) if match else None


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
    """Why this hit is not the address asked for, or None when it is."""
    gevonden = f"gevonden: '{doc.get('weergavenaam', '?')}'"
    if doc.get("type") != "adres":
        return f"geen adres maar een {doc.get('type', '?')} ({gevonden})"
    if doc.get("huisnummer") != nummer:
        return f"ander huisnummer ({gevonden})"
    doc_toevoeging = f"{doc.get('huisletter') or ''}{doc.get('huisnummertoevoeging') or ''}".lower()
    if toevoeging and re.sub(r"[-\s]", "", doc_toevoeging) != toevoeging:
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


def zoek_adres(
    straat: Any,
    huisnummer: Any,
    postcode: Any = None,
    plaats: Any = None,
    *,
    min_score: float = MIN_SCORE,
) -> Zoekresultaat:
    """Search one address; a missing or doubtful hit comes back with its reason, not raised.

    This is what :func:`gebiedsplan.bronnen.register.read_register` uses to report every
    address of a register at once. A service that cannot be reached still raises
    :class:`BronError` (once, not per address).

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
        ``x``, ``y`` in EPSG:28992, ``weergavenaam`` and ``score`` of the hit, or ``probleem``
        in Dutch.

    Examples
    --------
    >>> zoek_adres("Voorbeeldstraat", "twaalf").probleem
    "huisnummer 'twaalf' is geen huisnummer (verwacht bv. 12, 12a of 12-2)"
    """
    straat_tekst, plaats_tekst = _tekst(straat), _tekst(plaats)
    delen = split_huisnummer(huisnummer) if _tekst(huisnummer) else None
    if delen is None:
        reden = (
            "huisnummer ontbreekt"
            if not _tekst(huisnummer)
            else f"huisnummer '{_tekst(huisnummer)}' is geen huisnummer (verwacht bv. 12, 12a of 12-2)"
        )
        return Zoekresultaat(None, None, None, None, reden)
    nummer, toevoeging = delen
    pc: str | None = None
    if _tekst(postcode):
        pc = normalise_postcode(postcode)
        if pc is None:
            return Zoekresultaat(
                None,
                None,
                None,
                None,
                f"postcode '{_tekst(postcode)}' heeft niet de vorm 1234 AB",
            )
    elif not straat_tekst or not plaats_tekst:
        return Zoekresultaat(
            None, None, None, None, "geef een postcode, of straat én plaats, bij het huisnummer"
        )
    q = " ".join(p for p in (straat_tekst, f"{nummer}{toevoeging}", pc or "", plaats_tekst) if p)
    params = {"q": q, "fq": "type:adres", "rows": 1, "fl": VELDEN}
    antwoord = get_json(LOCATIESERVER_URL, params=params, bron=BRON)
    try:
        docs = antwoord["response"]["docs"]
    except (KeyError, TypeError):
        raise BronError(
            f"{BRON} gaf een onverwacht antwoord op '{q}' (geen response.docs): "
            f"{str(antwoord)[:200]}"
        ) from None
    if not docs:
        return Zoekresultaat(None, None, None, None, f"adres '{q}' niet gevonden")
    doc = docs[0]
    probleem = _check_doc(
        doc,
        nummer=nummer,
        toevoeging=toevoeging,
        postcode=pc,
        straat=straat_tekst,
        plaats=plaats_tekst,
        min_score=min_score,
    )
    if probleem:
        return Zoekresultaat(None, None, None, None, f"adres '{q}': {probleem}")
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
    )


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
