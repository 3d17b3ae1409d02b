"""Names people type: facilities, gebieden, categories and wijken by name or id.

A planner types ``"wijkcentrum de markt"``, ``havenkwartier``, ``Huisarts`` or ``oude stad``;
the library works with ids (``vz0001``), gebied names, category codes and wijkcodes. The
``resolve_*`` functions turn what was typed into the id, ignoring case, accents, hyphens and
extra spaces (:func:`gebiedsplan.catalogus.functie_zoekvorm`). What matches nothing raises a
:class:`~gebiedsplan.errors.GebiedsplanError` in Dutch that names what was looked for, in
which gemeente, and suggests the nearest names ("Bedoelde u ...?", :mod:`difflib`); a name
that fits several facilities lists them with their ids and wijk.

Sensitive facilities (opvang, beschermd wonen, ...; the publishing profile,
:func:`gebiedsplan.publiceren.profiel.publishable_voorzieningen`) are never found by name and
never suggested: what is typed cannot reveal them. Their id still resolves (who knows the id
knows the site); the products refuse them (``check_publishable_voorziening``).

The ``list_*`` functions give the tables of ``gebiedsplan lijst``: what can be typed.
"""

from __future__ import annotations

import difflib
import logging
from collections.abc import Iterable, Mapping
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from gebiedsplan.catalogus import functie_zoekvorm, load_catalogus
from gebiedsplan.errors import GebiedsplanError
from gebiedsplan.gemeente import Gemeente, effective_voorzieningen
from gebiedsplan.publiceren.profiel import (
    publishable_accommodaties,
    publishable_voorzieningen,
)

log = logging.getLogger(__name__)

#: How close a name must be (difflib ratio) to be suggested.
SUGGESTIE_DREMPEL = 0.6
#: At most this many suggestions or ambiguous matches in one message.
MAX_SUGGESTIES = 5

__all__ = [
    "zoekvorm",
    "suggest",
    "resolve_voorziening",
    "resolve_gebied",
    "resolve_categorie",
    "resolve_wijk",
    "resolve_wijken",
    "categorie_labels",
    "list_categorieen",
    "list_gebieden",
    "list_wijken",
    "list_buurten",
    "list_voorzieningen",
    "list_accommodaties",
]


def zoekvorm(tekst: Any) -> str:
    """The form in which a typed name is compared: case, accents, hyphens, underscores and
    extra spaces do not count.

    Examples
    --------
    >>> zoekvorm("  Wijkcentrum  DE Márkt ")
    'wijkcentrum de markt'
    >>> zoekvorm("jeugd_en_gezin") == zoekvorm("Jeugd en gezin")
    True
    """
    return functie_zoekvorm(tekst)


def suggest(tekst: str, namen: Iterable[str], *, n: int = MAX_SUGGESTIES) -> list[str]:
    """The names closest to ``tekst`` (in their own spelling), best first: names that contain
    what was typed, then near misses by :func:`difflib.get_close_matches`.

    Examples
    --------
    >>> suggest("havenkwartir", ["Havenkwartier", "Pilot Noord", "Pilot Zuid"])
    ['Havenkwartier']
    >>> suggest("pilot", ["Havenkwartier", "Pilot Noord", "Pilot Zuid"])
    ['Pilot Noord', 'Pilot Zuid']
    """
    vormen: dict[str, str] = {}
    for naam in namen:
        vormen.setdefault(zoekvorm(naam), naam)
    zoek = zoekvorm(tekst)
    if not zoek:
        return []
    bevat = [naam for vorm, naam in vormen.items() if zoek in vorm.split() or zoek in vorm]
    dichtbij = difflib.get_close_matches(zoek, list(vormen), n=n, cutoff=SUGGESTIE_DREMPEL)
    uit = list(dict.fromkeys([*bevat, *(vormen[v] for v in dichtbij)]))
    return uit[:n]


def _bedoelde_u(suggesties: list[str]) -> str:
    if not suggesties:
        return ""
    namen = [f"'{s}'" for s in suggesties]
    lijst = namen[0] if len(namen) == 1 else f"{', '.join(namen[:-1])} of {namen[-1]}"
    return f" Bedoelde u {lijst}?"


def _lijst_tip(gemeente: Gemeente | None, wat: str) -> str:
    naam = gemeente.bestand.stem if gemeente is not None and gemeente.bestand else "GEMEENTE"
    return f" Alle namen: gebiedsplan lijst {naam} {wat}."


def _gemeente_tekst(gemeente: Gemeente) -> str:
    return f"gemeente {gemeente.code} ({gemeente.titel})"


def _wijk_van(punten: gpd.GeoDataFrame, wijken: gpd.GeoDataFrame) -> pd.Series:
    """The wijknaam each point lies in (point in polygon); "buiten de gemeente" elsewhere."""
    if punten.empty:
        return pd.Series([], index=punten.index, dtype=object)
    koppel = gpd.sjoin(
        punten[[punten.geometry.name]], wijken[["wijknaam", wijken.geometry.name]], how="left"
    )
    koppel = koppel[~koppel.index.duplicated(keep="first")]
    return koppel["wijknaam"].reindex(punten.index).fillna("buiten de gemeente").astype(str)


def resolve_voorziening(gemeente: Gemeente, tekst: str) -> str:
    """The id of the facility meant by ``tekst``: its id or its name, in any case.

    Names are looked up among the facilities that may be published only; a name shared by
    several facilities is refused with their ids and wijk, so the user can pick one.

    Parameters
    ----------
    gemeente
        The loaded gemeente.
    tekst
        An id (``vz0001``) or a name (``"wijkcentrum de markt"``).

    Returns
    -------
    str
        The facility id in ``effective_voorzieningen(gemeente)``.

    Raises
    ------
    GebiedsplanError
        Unknown or ambiguous, with suggestions ("Bedoelde u ...?").

    Examples
    --------
    >>> from gebiedsplan.importeren import demo_gemeente
    >>> g = demo_gemeente()
    >>> resolve_voorziening(g, "wijkcentrum de markt"), resolve_voorziening(g, "VZ0001")
    ('vz0001', 'vz0001')
    >>> resolve_voorziening(g, "Speelplek Marktplein")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    gebiedsplan.errors.GebiedsplanError: Voorziening 'Speelplek Marktplein' is niet eenduidig: ... vz0105 ...
    """
    alle = effective_voorzieningen(gemeente)
    gezocht = zoekvorm(tekst)
    for id_ in alle.index:  # an id, in any case ("VZ0001", "acc001:welzijn")
        if str(id_).casefold() == str(tekst).strip().casefold():
            return str(id_)
    publiek = publishable_voorzieningen(alle, accommodaties=gemeente.accommodaties)
    vormen = publiek["naam"].map(zoekvorm)
    treffers = publiek[vormen.to_numpy() == gezocht]
    if len(treffers) == 1:
        return str(treffers.index[0])
    if len(treffers) > 1:
        wijk = _wijk_van(treffers, gemeente.wijken)
        labels = _labels()
        rijen = [
            f"{i} ({labels.get(str(r['categorie']), r['categorie'])}, {wijk[i]})"
            for i, r in treffers.head(MAX_SUGGESTIES * 2).iterrows()
        ]
        raise GebiedsplanError(
            f"Voorziening '{tekst}' is niet eenduidig: {len(treffers)} voorzieningen in "
            f"{_gemeente_tekst(gemeente)} heten zo: {'; '.join(rijen)}. Geef de id, "
            f"bv. --voorziening {treffers.index[0]}."
        )
    raise GebiedsplanError(
        f"Voorziening '{tekst}' bestaat niet in {_gemeente_tekst(gemeente)} (gezocht op id "
        "en naam, hoofdletters tellen niet)."
        + _bedoelde_u(suggest(tekst, publiek["naam"].astype(str)))
        + _lijst_tip(gemeente, "voorzieningen")
    )


def resolve_gebied(gemeente: Gemeente, tekst: str) -> str:
    """The gebied of the gemeente file meant by ``tekst`` (its name, in any case).

    Examples
    --------
    >>> from gebiedsplan.importeren import demo_gemeente
    >>> g = demo_gemeente()
    >>> resolve_gebied(g, "havenkwartier"), resolve_gebied(g, " pilot  ZUID")
    ('Havenkwartier', 'Pilot Zuid')
    >>> resolve_gebied(g, "havenkwartir")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    gebiedsplan.errors.GebiedsplanError: Gebied 'havenkwartir' bestaat niet ... Bedoelde u 'Havenkwartier'?
    """
    gezocht = zoekvorm(tekst)
    for naam in gemeente.gebieden:
        if zoekvorm(naam) == gezocht:
            return naam
    bestand = gemeente.bestand or _gemeente_tekst(gemeente)
    if not gemeente.gebieden:
        raise GebiedsplanError(
            f"Gebied '{tekst}': {bestand} noemt geen gebieden. Zet ze onder 'gebieden:' in het "
            "gemeentebestand (naam, soort, buurten)."
        )
    raise GebiedsplanError(
        f"Gebied '{tekst}' bestaat niet in {bestand}; bekend: {', '.join(gemeente.gebieden)}."
        + _bedoelde_u(suggest(tekst, gemeente.gebieden))
    )


def _labels() -> dict[str, str]:
    return {c: cat.label for c, cat in load_catalogus().categorieen.items()}


def categorie_labels(codes: Iterable[str]) -> dict[str, str]:
    """Code -> Dutch label of the catalogue for these category codes (the code when unknown),
    to pass to :func:`resolve_categorie`.

    Examples
    --------
    >>> categorie_labels(["huisarts", "ontmoeting"])
    {'huisarts': 'Huisarts', 'ontmoeting': 'Ontmoeting / buurthuis'}
    """
    labels = _labels()
    return {str(c): labels.get(str(c), str(c)) for c in codes}


def resolve_categorie(tekst: str, categorieen: Mapping[str, str]) -> str:
    """The category code meant by ``tekst``: a code or a label, or one part of a label
    ("buurthuis" for "Ontmoeting / buurthuis") when it names one category only.

    Parameters
    ----------
    tekst
        What was typed: ``"Huisarts"``, ``"ontmoeting"``, ``"Ontmoeting / buurthuis"``.
    categorieen
        The categories to choose from: code -> label (:func:`categorie_labels`).

    Examples
    --------
    >>> cats = categorie_labels(["huisarts", "ontmoeting", "jeugd_en_gezin"])
    >>> [resolve_categorie(t, cats) for t in ("Huisarts", "ontmoeting / BUURTHUIS", "buurthuis")]
    ['huisarts', 'ontmoeting', 'ontmoeting']
    >>> resolve_categorie("jeugd en gezin", cats)
    'jeugd_en_gezin'
    >>> resolve_categorie("huisart", cats)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    gebiedsplan.errors.GebiedsplanError: Onbekende categorie 'huisart'; ... Bedoelde u 'huisarts'?
    """
    gezocht = zoekvorm(tekst)
    sleutels: dict[str, set[str]] = {}
    for code, label in categorieen.items():
        for vorm in (code, label, *str(label).split("/"), *str(label).split("(")):
            v = zoekvorm(vorm)
            if v:
                sleutels.setdefault(v, set()).add(code)
    # code and full label first, then a part of a label that belongs to one category only
    for code, label in categorieen.items():
        if gezocht in (zoekvorm(code), zoekvorm(label)):
            return code
    if len(sleutels.get(gezocht, ())) == 1:
        return next(iter(sleutels[gezocht]))
    keuze = ", ".join(f"{c} ({lab})" for c, lab in categorieen.items())
    if len(sleutels.get(gezocht, ())) > 1:
        raise GebiedsplanError(
            f"Categorie '{tekst}' is niet eenduidig: {', '.join(sorted(sleutels[gezocht]))}. "
            f"Kies uit {keuze}."
        )
    namen = suggest(tekst, [*categorieen, *categorieen.values()])
    codes = list(
        dict.fromkeys(c for n in namen for c in sleutels.get(zoekvorm(n), ()) if c in categorieen)
    )
    raise GebiedsplanError(f"Onbekende categorie '{tekst}'; kies uit {keuze}." + _bedoelde_u(codes))


def resolve_wijk(gemeente: Gemeente, tekst: str) -> str:
    """The wijkcode meant by ``tekst``: a wijkcode (``wk999901``) or a wijknaam (``oude stad``).

    Examples
    --------
    >>> from gebiedsplan.importeren import demo_gemeente
    >>> g = demo_gemeente()
    >>> resolve_wijk(g, "wk999901"), resolve_wijk(g, "oeverwijk")
    ('WK999901', 'WK999904')
    >>> resolve_wijk(g, "Oeverwjik")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    gebiedsplan.errors.GebiedsplanError: Wijk 'Oeverwjik' bestaat niet ... Bedoelde u 'Oeverwijk'? ...
    """
    gezocht = zoekvorm(tekst)
    wijken = gemeente.wijken
    for code in wijken.index:
        if zoekvorm(code) == gezocht:
            return str(code)
    namen = wijken["wijknaam"].astype(str)
    treffers = wijken.index[namen.map(zoekvorm).to_numpy() == gezocht]
    if len(treffers) == 1:
        return str(treffers[0])
    if len(treffers) > 1:
        raise GebiedsplanError(
            f"Wijk '{tekst}' is niet eenduidig in {_gemeente_tekst(gemeente)}: "
            f"{', '.join(map(str, treffers))}. Geef de wijkcode."
        )
    voorbeelden = ", ".join(f"{c} ({n})" for c, n in namen.head(5).items())
    raise GebiedsplanError(
        f"Wijk '{tekst}' bestaat niet in {_gemeente_tekst(gemeente)} (gezocht op wijkcode en "
        f"wijknaam; bijvoorbeeld {voorbeelden})."
        + _bedoelde_u(suggest(tekst, [*namen, *map(str, wijken.index)]))
        + _lijst_tip(gemeente, "wijken")
    )


def resolve_wijken(gemeente: Gemeente, tekst: str | Iterable[str] | None) -> list[str] | None:
    """Wijkcodes for a comma-separated text (``"WK999901, oeverwijk"``) or a list of texts;
    None for None or an empty text. Every unknown wijk is named in one error.

    Examples
    --------
    >>> from gebiedsplan.importeren import demo_gemeente
    >>> resolve_wijken(demo_gemeente(), "oude stad, WK999902")
    ['WK999901', 'WK999902']
    """
    if tekst is None:
        return None
    delen = tekst.split(",") if isinstance(tekst, str) else [d for t in tekst for d in t.split(",")]
    delen = [d.strip() for d in delen if d.strip()]
    if not delen:
        return None
    codes, fouten = [], []
    for deel in delen:
        try:
            codes.append(resolve_wijk(gemeente, deel))
        except GebiedsplanError as exc:
            fouten.append(str(exc))
    if fouten:
        raise GebiedsplanError(" ".join(fouten))
    return list(dict.fromkeys(codes))


# --- what can be typed: the tables of 'gebiedsplan lijst' ---------------------------------


def list_categorieen(gemeente: Gemeente) -> pd.DataFrame:
    """The categories with a norm: code (index), label, norm distance, target coverage and
    the capacity norm (per 1,000 residents of the target group, with its unit) where one exists.

    Examples
    --------
    >>> from gebiedsplan.importeren import demo_gemeente
    >>> cats = list_categorieen(demo_gemeente())
    >>> cats.loc["huisarts", "label"], float(cats.loc["huisarts", "norm_afstand_m"])
    ('Huisarts', 1000.0)
    """
    labels = _labels()
    rijen = [
        {
            "categorie": code,
            "label": labels.get(code, code),
            "norm_afstand_m": float(norm.max_afstand_m),
            "doeldekking": float(norm.doeldekking),
            "capaciteit_per_1000": (
                float(norm.capaciteit.per_1000) if norm.capaciteit is not None else np.nan
            ),
            "capaciteit_eenheid": norm.capaciteit.eenheid if norm.capaciteit is not None else "",
        }
        for code, norm in gemeente.normen.items()
    ]
    return pd.DataFrame(rijen).set_index("categorie")


def list_gebieden(gemeente: Gemeente) -> pd.DataFrame:
    """The gebieden of the gemeente file: name (index), soort, number of buurten, inhabitants.

    Examples
    --------
    >>> from gebiedsplan.importeren import demo_gemeente
    >>> list(list_gebieden(demo_gemeente()).index)
    ['Havenkwartier', 'Pilot Noord', 'Pilot Zuid']
    """
    inwoners = gemeente.buurten["aantal_inwoners"]
    rijen = [
        {
            "gebied": g.naam,
            "soort": g.soort,
            "buurten": len(g.buurten),
            "inwoners": float(inwoners.reindex(list(g.buurten)).sum()),
        }
        for g in gemeente.gebieden.values()
    ]
    return pd.DataFrame(rijen, columns=["gebied", "soort", "buurten", "inwoners"]).set_index(
        "gebied"
    )


def list_wijken(gemeente: Gemeente) -> pd.DataFrame:
    """The wijken: wijkcode (index), wijknaam, number of buurten, inhabitants.

    Examples
    --------
    >>> from gebiedsplan.importeren import demo_gemeente
    >>> list_wijken(demo_gemeente()).loc["WK999901", "wijknaam"]
    'Oude Stad'
    """
    b = gemeente.buurten
    tabel = gemeente.wijken[["wijknaam"]].copy()
    tabel["buurten"] = b.groupby("wijkcode").size().reindex(tabel.index).fillna(0).astype(int)
    tabel["inwoners"] = b.groupby("wijkcode")["aantal_inwoners"].sum().reindex(tabel.index)
    return pd.DataFrame(tabel)


def list_buurten(gemeente: Gemeente) -> pd.DataFrame:
    """The buurten: buurtcode (index), buurtnaam, wijkcode, wijknaam, inhabitants.

    Examples
    --------
    >>> from gebiedsplan.importeren import demo_gemeente
    >>> list_buurten(demo_gemeente()).loc["BU99990101", "wijknaam"]
    'Oude Stad'
    """
    b = gemeente.buurten
    tabel = pd.DataFrame(
        {
            "buurtnaam": b["buurtnaam"],
            "wijkcode": b["wijkcode"],
            "wijknaam": b["wijkcode"].map(gemeente.wijken["wijknaam"]),
            "inwoners": b["aantal_inwoners"],
        }
    )
    return tabel


def list_voorzieningen(
    gemeente: Gemeente, *, categorie: str | None = None
) -> tuple[pd.DataFrame, int]:
    """The facilities that may be published: id (index), naam, categorie (label), wijk; and
    how many sensitive ones were left out (counted, never listed).

    Parameters
    ----------
    gemeente
        The loaded gemeente.
    categorie
        Only this category code (resolve what was typed with :func:`resolve_categorie`).

    Examples
    --------
    >>> from gebiedsplan.importeren import demo_gemeente
    >>> tabel, verborgen = list_voorzieningen(demo_gemeente(), categorie="huisarts")
    >>> len(tabel), verborgen, tabel.columns.tolist()
    (9, 0, ['naam', 'categorie', 'wijk'])
    >>> list_voorzieningen(demo_gemeente())[1]  # the opvang sites: counted, not listed
    2
    """
    alle = effective_voorzieningen(gemeente)
    if categorie is not None:
        alle = alle[alle["categorie"].astype(str) == categorie]
    publiek = publishable_voorzieningen(alle, accommodaties=gemeente.accommodaties)
    labels = _labels()
    tabel = pd.DataFrame(
        {
            "naam": publiek["naam"].astype(str),
            "categorie": publiek["categorie"].astype(str).map(lambda c: labels.get(c, c)),
            "wijk": _wijk_van(publiek, gemeente.wijken),
        },
        index=publiek.index,
    )
    return tabel, len(alle) - len(publiek)


def list_accommodaties(gemeente: Gemeente) -> tuple[pd.DataFrame, int]:
    """The accommodations that may be published: id (index), naam, functies, status, bvo_m2;
    and how many sensitive ones were left out.

    Examples
    --------
    >>> from gebiedsplan.importeren import demo_gemeente
    >>> tabel, verborgen = list_accommodaties(demo_gemeente())
    >>> tabel.loc["acc001", "naam"], float(tabel.loc["acc001", "bvo_m2"])
    ('Wijkcentrum De Markt', 1700.0)
    """
    acc = gemeente.accommodaties
    if acc is None:
        return pd.DataFrame(columns=["naam", "functies", "status", "bvo_m2"]), 0
    publiek = publishable_accommodaties(acc)
    kolommen = [k for k in ("naam", "functies", "status", "bvo_m2") if k in publiek.columns]
    tabel = pd.DataFrame(publiek[kolommen])
    for k in ("functies", "status"):
        if k not in tabel.columns:
            tabel[k] = ""
    if "bvo_m2" not in tabel.columns:
        tabel["bvo_m2"] = np.nan
    return tabel[["naam", "functies", "status", "bvo_m2"]], len(acc) - len(publiek)
