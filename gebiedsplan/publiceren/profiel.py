"""The publishing profile: what a published map, report or table may show.

The publishing profile (:class:`Publicatieprofiel`, defaults in
``lagen/catalogus/publicatie.yml``) is applied by every map before anything reaches the page:

- facilities of hidden categories never appear: every category marked ``gevoelig: true`` in
  ``categorieen.yml`` (opvang, beschermd wonen; these can never be shown) plus the profile's
  ``verberg_categorieen``. Not as a marker, not in a popup, not in the embedded GeoJSON, and not
  as a count: the maps show counts per category only for categories that are not hidden (the
  gap tables only have categories with a norm, and hidden categories have none).
- an IAB accommodation with a sensitive function anywhere in its ``functies`` (the function
  vocabulary ``functies.yml``: vrouwenopvang, maatschappelijke opvang, beschermd wonen,
  asielopvang and their synonyms, in any case, spacing or position: "Buurthuis; VROUWENOPVANG")
  or a function of a hidden category is hidden as a whole, and so is every facility linked to
  it (``accommodatie_id``).
- names (and an accommodation's owner, a facility's subcategorie) that contain a sensitive
  function word ("Opvang De Brug", "AZC Noord", "Vrouwenopvanghuis") or match the profile's
  ``verberg_namen`` are hidden whatever their category, as a safety net for sites a source
  files under another category.

  Where a hidden site offers a function of a shown category (a meeting room in an opvang), the
  gap tables still count it (the analysis is not a publication), so a count may be one higher
  than the markers shown; it never says which site it is.
- health values of an area with fewer residents than ``min_inwoners_gezondheid`` (for 65+
  indicators: 65+ residents), or with an unknown number, are replaced by "onderdrukt"
  (:func:`suppress_gezondheid`); the number itself is dropped, not just hidden.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from gebiedsplan import settings
from gebiedsplan.catalogus import load_catalogus, read_yaml
from gebiedsplan.errors import GebiedsplanError
from gebiedsplan.publiceren.pagina import zichtbare_tekst

log = logging.getLogger(__name__)

#: Text shown instead of a health value that the profile suppresses.
ONDERDRUKT = "onderdrukt"
#: Text shown where the source publishes no value (RIVM suppresses small areas itself).
NIET_GEPUBLICEERD = "niet gepubliceerd"


# --------------------------------------------------------------------------- the profile


@dataclass(frozen=True)
class Publicatieprofiel:
    """What published products leave out. Read it with :func:`load_publicatieprofiel`.

    Attributes
    ----------
    min_inwoners_gezondheid
        Health values of areas with fewer residents than this are suppressed.
    verberg_categorieen
        Categories never shown, besides the sensitive ones of the catalogue (always hidden,
        see :func:`hidden_categories`).
    verberg_namen
        Regular expressions (case-insensitive) on names of facilities and accommodations that
        are never shown.
    bron
        Why, in Dutch.
    """

    min_inwoners_gezondheid: int = 100
    verberg_categorieen: frozenset[str] = frozenset()
    verberg_namen: tuple[str, ...] = ()
    bron: str = ""


def load_publicatieprofiel(pad: str | Path | None = None) -> Publicatieprofiel:
    """Read a publishing profile (default ``publicatie.yml`` in the layer catalogue).

    Raises
    ------
    GebiedsplanError
        Naming every problem of the file at once: unknown fields or categories, a minimum
        that is not a whole number of 0 or more, a name pattern that is no regular expression.

    Examples
    --------
    >>> profiel = load_publicatieprofiel()
    >>> profiel.min_inwoners_gezondheid
    100
    >>> sorted(hidden_categories(profiel))
    ['opvang']
    """
    pad = Path(pad) if pad is not None else Path(settings.catalogus_dir) / "publicatie.yml"
    raw = (
        read_yaml(
            pad,
            wat="Publicatieprofiel",
            herstel="maak het naar het voorbeeld van lagen/catalogus/publicatie.yml.",
        )
        or {}
    )
    if not isinstance(raw, Mapping):
        raise GebiedsplanError(
            f"Publicatieprofiel {pad}: verwacht velden min_inwoners_gezondheid, "
            "verberg_categorieen, verberg_namen, bron"
        )
    problemen: list[str] = []
    velden = {"min_inwoners_gezondheid", "verberg_categorieen", "verberg_namen", "bron"}
    if onbekend := sorted(set(raw) - velden):
        problemen.append(
            f"onbekend veld {', '.join(onbekend)}; toegestaan: {', '.join(sorted(velden))}"
        )
    minimum = raw.get("min_inwoners_gezondheid", 100)
    if not isinstance(minimum, int) or isinstance(minimum, bool) or minimum < 0:
        problemen.append(
            f"min_inwoners_gezondheid moet een geheel getal van 0 of meer zijn (gekregen: "
            f"{minimum!r})"
        )
    categorieen = load_catalogus().categorieen
    verberg = raw.get("verberg_categorieen") or []
    if not isinstance(verberg, list):
        problemen.append("verberg_categorieen moet een lijst van categorieën zijn")
        verberg = []
    for c in verberg:
        if c not in categorieen:
            problemen.append(
                f"verberg_categorieen: onbekende categorie '{c}'; bekend: {', '.join(categorieen)}"
            )
    namen = raw.get("verberg_namen") or []
    if not isinstance(namen, list):
        problemen.append("verberg_namen moet een lijst van reguliere expressies zijn")
        namen = []
    for patroon in namen:
        try:
            re.compile(str(patroon))
        except re.error as exc:
            problemen.append(f"verberg_namen: '{patroon}' is geen reguliere expressie: {exc}")
    if problemen:
        raise GebiedsplanError(
            f"Publicatieprofiel {pad} niet gelezen:\n  - " + "\n  - ".join(problemen)
        )
    return Publicatieprofiel(
        min_inwoners_gezondheid=int(minimum),
        verberg_categorieen=frozenset(str(c) for c in verberg),
        verberg_namen=tuple(str(p) for p in namen),
        bron=str(raw.get("bron", "")).strip(),
    )


def _profiel(profiel: Publicatieprofiel | None) -> Publicatieprofiel:
    return profiel if profiel is not None else load_publicatieprofiel()


def hidden_categories(profiel: Publicatieprofiel | None = None) -> frozenset[str]:
    """Categories never shown: the sensitive ones of the catalogue plus the profile's.

    Examples
    --------
    >>> sorted(hidden_categories(Publicatieprofiel(verberg_categorieen=frozenset({"sport"}))))
    ['opvang', 'sport']
    """
    profiel = _profiel(profiel)
    gevoelig = {c for c, cat in load_catalogus().categorieen.items() if cat.gevoelig}
    return frozenset(gevoelig | set(profiel.verberg_categorieen))


def _name_hidden(namen: pd.Series, profiel: Publicatieprofiel) -> np.ndarray:
    """Names that contain a sensitive function word of the vocabulary, or match the profile's
    ``verberg_namen``."""
    if namen.empty:
        return np.zeros(len(namen), dtype=bool)
    functies = load_catalogus().functies
    weg = np.array([functies.noemt_gevoelig(n) for n in namen], dtype=bool)
    if profiel.verberg_namen:
        patroon = "|".join(f"(?:{p})" for p in profiel.verberg_namen)
        tekst = pd.Series([zichtbare_tekst(n) for n in namen], index=namen.index, dtype=str)
        weg |= np.array(tekst.str.contains(patroon, case=False, regex=True), dtype=bool)
    return weg


def _text_hidden(frame: pd.DataFrame, kolom: str) -> np.ndarray:
    """A free-text column (owner, subcategorie) that names a sensitive function."""
    if kolom not in frame.columns:
        return np.zeros(len(frame), dtype=bool)
    functies = load_catalogus().functies
    return np.array([functies.noemt_gevoelig(w) for w in frame[kolom]], dtype=bool)


def publishable_accommodaties(
    accommodaties: gpd.GeoDataFrame, *, profiel: Publicatieprofiel | None = None
) -> gpd.GeoDataFrame:
    """The accommodations a published product may show: none with a sensitive function or a
    function of a hidden category anywhere in its ``functies`` (read with the function
    vocabulary, in any case and spelling), none whose name or owner names a sensitive
    function, none whose name matches the profile's ``verberg_namen``.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> acc = gpd.GeoDataFrame({"naam": ["Wijkcentrum", "Pand Oost", "Pand West"],
    ...     "functies": ["ontmoeting;welzijn", "ontmoeting;opvang", "Buurthuis; BESCHERMD  WONEN"]},
    ...     geometry=[shapely.Point(0, 0)] * 3, crs="EPSG:28992", index=["a1", "a2", "a3"])
    >>> list(publishable_accommodaties(acc).index)
    ['a1']
    """
    profiel = _profiel(profiel)
    verborgen = hidden_categories(profiel)
    functies = load_catalogus().functies
    functie = np.array(
        [functies.gevoelig(f, verborgen=verborgen) for f in accommodaties["functies"]],
        dtype=bool,
    )
    weg = functie | _name_hidden(accommodaties["naam"], profiel)
    weg |= _text_hidden(accommodaties, "eigenaar")
    if weg.any():
        log.info("%d accommodaties niet gepubliceerd (publicatieprofiel)", int(weg.sum()))
    return accommodaties[~weg]


def publishable_voorzieningen(
    voorzieningen: gpd.GeoDataFrame,
    *,
    profiel: Publicatieprofiel | None = None,
    accommodaties: gpd.GeoDataFrame | None = None,
) -> gpd.GeoDataFrame:
    """The facilities a published product may show.

    Left out: hidden categories (:func:`hidden_categories`), names or a subcategorie that name
    a sensitive function (the function vocabulary) or match the profile's ``verberg_namen``,
    and facilities linked (``accommodatie_id``) to an accommodation that is not publishable
    (:func:`publishable_accommodaties`).

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> vz = gpd.GeoDataFrame({"naam": ["Buurthuis", "De Haven", "Vrouwenopvang Noord"],
    ...     "categorie": ["ontmoeting", "opvang", "welzijn"]},
    ...     geometry=[shapely.Point(0, 0)] * 3, crs="EPSG:28992", index=["v1", "v2", "v3"])
    >>> list(publishable_voorzieningen(vz).index)
    ['v1']
    """
    profiel = _profiel(profiel)
    weg = np.array(voorzieningen["categorie"].isin(list(hidden_categories(profiel))), dtype=bool)
    weg |= _name_hidden(voorzieningen["naam"], profiel)
    weg |= _text_hidden(voorzieningen, "subcategorie")
    if accommodaties is not None and "accommodatie_id" in voorzieningen.columns:
        toegestaan = publishable_accommodaties(accommodaties, profiel=profiel).index
        verborgen = set(accommodaties.index.astype(str)) - set(toegestaan.astype(str))
        gekoppeld = voorzieningen["accommodatie_id"].map(
            lambda a: None if pd.api.types.is_scalar(a) and pd.isna(a) else str(a)
        )
        weg |= np.array(gekoppeld.isin(list(verborgen)), dtype=bool)
    if weg.any():
        log.info("%d voorzieningen niet gepubliceerd (publicatieprofiel)", int(weg.sum()))
    return voorzieningen[~weg]


def _residents(
    code: str, leeftijd: str, buurten: pd.DataFrame, wijken: pd.DataFrame | None
) -> float:
    kolom = "aantal_inwoners"
    if leeftijd == "65+" and "inwoners_65_jaar_en_ouder" in buurten.columns:
        kolom = "inwoners_65_jaar_en_ouder"
    getallen = pd.to_numeric(buurten[kolom], errors="coerce").astype(float)
    if code.startswith("BU"):
        return float(getallen.get(code, np.nan))
    if code.startswith("WK"):
        if kolom == "aantal_inwoners" and wijken is not None and "aantal_inwoners" in wijken:
            wijk = pd.to_numeric(wijken["aantal_inwoners"], errors="coerce").astype(float)
            if pd.notna(wijk.get(code, np.nan)):
                return float(wijk[code])
        deel = getallen[buurten["wijkcode"] == code]
        return float(deel.sum()) if len(deel) and deel.notna().any() else np.nan
    if code.startswith("GM"):
        return float(getallen.sum()) if getallen.notna().any() else np.nan
    return np.nan


def suppress_gezondheid(
    gezondheid: pd.DataFrame,
    buurten: pd.DataFrame,
    *,
    wijken: pd.DataFrame | None = None,
    profiel: Publicatieprofiel | None = None,
) -> pd.DataFrame:
    """The ``gezondheid`` layer as it may be published.

    A value of an area with fewer residents than ``profiel.min_inwoners_gezondheid`` (65+
    residents for a ``65+`` indicator), or whose number of residents is unknown, is removed
    (``waarde`` and the margins become missing) and marked ``onderdrukt``. Residents of a
    buurt come from the buurten layer, of a wijk from the wijken layer (else the sum of its
    buurten), of the gemeente from the sum of all buurten.

    Returns
    -------
    pandas.DataFrame
        A copy with the added columns ``inwoners`` (the count the rule used) and
        ``publicatie``: ``gepubliceerd``, ``onderdrukt`` (:data:`ONDERDRUKT`) or
        ``niet gepubliceerd`` (:data:`NIET_GEPUBLICEERD`: the source has no value).

    Examples
    --------
    >>> import pandas as pd
    >>> buurten = pd.DataFrame({"aantal_inwoners": [40, 2500], "wijkcode": ["WK1", "WK1"]},
    ...     index=["BU1", "BU2"])
    >>> gez = pd.DataFrame({"code": ["BU1", "BU2", "WK1"], "indicator": "eenzaam",
    ...     "waarde": [61.0, 44.0, None]})
    >>> uit = suppress_gezondheid(gez, buurten, profiel=Publicatieprofiel())
    >>> uit[["waarde", "publicatie"]].to_numpy().tolist()
    [[nan, 'onderdrukt'], [44.0, 'gepubliceerd'], [nan, 'niet gepubliceerd']]
    """
    profiel = _profiel(profiel)
    uit = gezondheid.copy()
    leeftijd = (
        uit["leeftijd"].fillna("18+").astype(str)
        if "leeftijd" in uit.columns
        else pd.Series("18+", index=uit.index)
    )
    inwoners = np.array(
        [
            _residents(str(c), str(lft), buurten, wijken)
            for c, lft in zip(uit["code"], leeftijd, strict=True)
        ]
    )
    te_klein = ~(inwoners >= profiel.min_inwoners_gezondheid)  # NaN (unknown) counts as small
    waarde = pd.to_numeric(uit["waarde"], errors="coerce").astype(float)
    uit["waarde"] = waarde.where(~te_klein)
    for marge in ("marge_onder", "marge_boven"):
        if marge in uit.columns:
            uit[marge] = pd.to_numeric(uit[marge], errors="coerce").astype(float).where(~te_klein)
    uit["inwoners"] = inwoners
    uit["publicatie"] = np.where(
        te_klein, ONDERDRUKT, np.where(waarde.isna(), NIET_GEPUBLICEERD, "gepubliceerd")
    )
    if te_klein.any():
        log.info(
            "%d gezondheidswaarden onderdrukt (minder dan %d inwoners)",
            int((te_klein & waarde.notna().to_numpy()).sum()),
            profiel.min_inwoners_gezondheid,
        )
    return uit


# --------------------------------------------------------------------------- self-contained pages


# --------------------------------------------------------------------------- the index


