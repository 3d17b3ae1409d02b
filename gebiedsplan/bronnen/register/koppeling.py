"""The koppeling: how one register fills one catalogue layer, read and checked at once.

:func:`load_koppeling` reads the YAML file (or a dict of the same structure, see
:mod:`gebiedsplan.bronnen.register`) and reports every problem with its line in the file.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gebiedsplan._getallen import AUTO, Notatie, notatie_uit
from gebiedsplan._io import Pad, load_yaml_with_lines, waar
from gebiedsplan.bronnen.register.tabel import zet_om
from gebiedsplan.catalogus import Catalogus, Kolom, LaagSchema, load_catalogus
from gebiedsplan.errors import GebiedsplanError

#: The values of ``locatie.crs``: RD, degrees (x = longitude, y = latitude), or decided per
#: register from the values.
CRS_KEUZES = ("EPSG:28992", "EPSG:4326", "auto")
#: Address fields of ``locatie``, geocoded with PDOK Locatieserver; ``adres`` is street and
#: number in one column ("Kerkstraat 12a", as the LRK writes it), instead of ``straat`` and
#: ``huisnummer``.
ADRES = ("straat", "huisnummer", "postcode", "plaats", "adres")

_VELDEN = {
    "laag",
    "prefix",
    "blad",
    "kolommen",
    "waarden",
    "lijst",
    "vast",
    "locatie",
    "herkomst",
    "getallen",
}
_XY = ("x", "y")
_HERKOMST = ("bron", "datum", "peildatum", "licentie", "synthetisch")


@dataclass(frozen=True)
class Koppeling:
    """A validated column mapping: how one register fills one catalogue layer."""

    laag: str
    kolommen: Mapping[str, str]
    waarden: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    lijst: Mapping[str, str] = field(default_factory=dict)
    vast: Mapping[str, Any] = field(default_factory=dict)
    locatie: Mapping[str, str] = field(default_factory=dict)
    crs: str | None = None
    prefix: str | None = None
    blad: str | int | None = None
    herkomst: Mapping[str, str] = field(default_factory=dict)
    bestand: str = "de koppeling"
    #: How the register writes numbers (``getallen:``; default not declared: every value read
    #: the one way it can be, ambiguous ones refused; :mod:`gebiedsplan._getallen`).
    getallen: Notatie = AUTO

    @property
    def met_adres(self) -> bool:
        """True when the location comes from address columns (geocoded), not x/y."""
        return "huisnummer" in self.locatie or "adres" in self.locatie


def allowed_values(kolom: Kolom, catalogus: Catalogus) -> list[str] | None:
    """The allowed values of a column, when the catalogue gives a closed list."""
    if kolom.vocabulaire == "categorieen":
        return list(catalogus.categorieen)
    if kolom.patroon:
        match = re.fullmatch(r"\^\(([\w|]+)\)\$", kolom.patroon)
        if match:
            return match[1].split("|")
    return None


def is_allowed(waarde: str, kolom: Kolom, catalogus: Catalogus) -> bool:
    """Whether a text value fits the column: a known category, and the column's pattern."""
    if kolom.vocabulaire == "categorieen" and waarde not in catalogus.categorieen:
        return False
    return not (kolom.patroon and not re.fullmatch(kolom.patroon, waarde))


def _gevoelig_verloren(woord: str, doel: str, naam: str, catalogus: Catalogus) -> str | None:
    """Why a value mapping is refused: it turns a sensitive register word ("Vrouwenopvang",
    "Buurthuis en nachtopvang") into a function or category that is published. None when the
    mapping keeps it sensitive (or the word is not sensitive)."""
    if naam not in ("functies", "categorie"):
        return None
    functies = catalogus.functies
    bekend = functies.zoek(woord)
    gevoelig = bekend.gevoelig if bekend is not None else functies.noemt_gevoelig(woord)
    if not gevoelig:
        return None
    if naam == "functies":
        doel_functie = functies.zoek(doel)
        if doel_functie is None or doel_functie.gevoelig:
            return None
    else:
        categorie = catalogus.categorieen.get(doel)
        if categorie is None or categorie.gevoelig:
            return None
    gevoelige = ", ".join(f.naam for f in functies.functies.values() if f.gevoelig)
    return (
        f"'{woord}' is een gevoelige functie (lagen/catalogus/functies.yml) en mag niet "
        f"'{doel}' worden: dan zouden naam en adres gepubliceerd worden. Vertaal het naar een "
        f"gevoelige functie ({gevoelige}) of haal de regel weg (de catalogus kent het woord)"
    )


def load_koppeling(
    koppeling: str | Path | Mapping[str, Any], *, catalogus: Catalogus | None = None
) -> Koppeling:
    """Read and check a column mapping (YAML file or dict), reporting every problem at once.

    Parameters
    ----------
    koppeling
        Path of a YAML file, or the same structure as a dict (see the module docstring).
    catalogus
        Catalogue to check against; defaults to :func:`load_catalogus`.

    Returns
    -------
    Koppeling

    Raises
    ------
    GebiedsplanError
        Naming every problem with its line in the file: unknown fields or layer, unknown
        catalogue columns, required columns that get no value, value mappings to words the
        catalogue does not know (for ``functies``: the function vocabulary
        ``lagen/catalogus/functies.yml``), a mapping that turns a sensitive word
        ("Vrouwenopvang") into a function or category that is published, a location that is
        neither x/y with crs nor an address.

    Examples
    --------
    >>> k = load_koppeling({"laag": "voorzieningen",
    ...     "kolommen": {"naam": "Naam", "categorie": "Soort"},
    ...     "waarden": {"categorie": {"Buurthuis": "ontmoeting"}},
    ...     "vast": {"bron": "Welzijnsregister"},
    ...     "locatie": {"x": "X", "y": "Y", "crs": "auto"}})
    >>> k.laag, k.crs, k.met_adres
    ('voorzieningen', 'auto', False)
    """
    catalogus = catalogus or load_catalogus()
    lines: dict[Pad, int] = {}
    if isinstance(koppeling, Mapping):
        raw: Any = dict(koppeling)
        bestand = "de koppeling"
    else:
        bestand = str(koppeling)
        raw, lines = load_yaml_with_lines(koppeling)
    problems: list[str] = []

    def fout(pad: Pad, tekst: str) -> None:
        problems.append(f"{waar(bestand, lines, pad)}: {tekst}")

    if not isinstance(raw, Mapping):
        raise GebiedsplanError(
            f"Koppeling ({bestand}): verwacht velden als 'laag:', 'kolommen:' en 'locatie:', "
            f"kreeg {type(raw).__name__}."
        )
    for key in raw:
        if key not in _VELDEN:
            fout((key,), f"onbekend veld '{key}'; toegestaan: {', '.join(sorted(_VELDEN))}")

    laag = raw.get("laag")
    schema: LaagSchema | None = None
    puntlagen = sorted(
        n for n, s in catalogus.lagen.items() if s.geometrie and "Point" in s.geometrie
    )
    if laag not in puntlagen:
        fout(
            ("laag",),
            f"laag {laag!r} kan niet uit een register komen; kies een van {', '.join(puntlagen)}",
        )
    else:
        schema = catalogus.lagen[laag]

    def mapping(naam: str) -> dict[Any, Any]:
        value = raw.get(naam) or {}
        if not isinstance(value, Mapping):
            fout((naam,), f"'{naam}' moet velden hebben (naam: waarde), kreeg {value!r}")
            return {}
        return dict(value)

    kolommen = {str(k): str(v).strip() for k, v in mapping("kolommen").items() if v is not None}
    waarden = mapping("waarden")
    lijst = {str(k): str(v) for k, v in mapping("lijst").items()}
    vast = mapping("vast")
    locatie = {str(k): v for k, v in mapping("locatie").items()}
    herkomst = {str(k): str(v) for k, v in mapping("herkomst").items()}
    getallen = AUTO
    try:
        getallen = notatie_uit(
            raw.get("getallen"),
            waar=waar(bestand, lines, ("getallen",)),
            opgeven=(
                f"zet in {bestand if bestand == 'de koppeling' else 'de koppeling ' + bestand} "
                "hoe het register getallen schrijft, bv. "
                "getallen: {decimaal: ',', duizendtal: '.'} of getallen: {decimaal: '.'}"
            ),
        )
    except GebiedsplanError as exc:
        problems.append(str(exc))

    if schema is not None:
        bekend = [schema.sleutel, *schema.kolommen]
        for naam in kolommen:
            if naam not in bekend:
                fout(
                    ("kolommen", naam),
                    f"laag '{laag}' heeft geen kolom '{naam}'; bekend: {', '.join(bekend)}",
                )
        for naam in vast:
            if naam not in bekend and naam != "bron":
                fout(("vast", naam), f"laag '{laag}' heeft geen kolom '{naam}'")
            if naam in kolommen:
                fout(
                    ("vast", naam),
                    f"kolom '{naam}' staat zowel onder 'kolommen' als onder 'vast'; kies één",
                )
        for naam, kolom in schema.kolommen.items():
            if kolom.verplicht and not kolom.leeg and naam not in kolommen and naam not in vast:
                if naam == "bron":
                    continue  # filled with the provenance source
                fout(
                    ("kolommen",),
                    f"verplichte kolom '{naam}' van laag '{laag}' krijgt geen waarde; "
                    f"zet hem onder 'kolommen' (registerkolom) of 'vast' (één waarde)",
                )
        for naam, value in vast.items():
            vaste_kolom = schema.kolommen.get(naam)
            if vaste_kolom is None or value is None:
                continue
            if naam == "functies":
                if vreemd := catalogus.functies.lees(value)[1]:
                    fout(
                        ("vast", naam),
                        f"vaste functies {value!r}: onbekende functie "
                        f"{', '.join(repr(w) for w in vreemd)}; kies uit "
                        f"{', '.join(catalogus.functies.functies)} (lagen/catalogus/functies.yml)",
                    )
                continue
            omgezet, reden = zet_om(value, vaste_kolom)
            if reden:
                fout(("vast", naam), f"vaste waarde {value!r} voor '{naam}': {reden}")
            elif isinstance(omgezet, str) and not is_allowed(omgezet, vaste_kolom, catalogus):
                keuzes = allowed_values(vaste_kolom, catalogus)
                fout(
                    ("vast", naam),
                    f"vaste waarde {value!r} voor '{naam}' is niet toegestaan"
                    + (f"; kies uit {', '.join(keuzes)}" if keuzes else ""),
                )
        for naam, tabel in waarden.items():
            if naam not in kolommen:
                fout(
                    ("waarden", naam),
                    f"waarden voor '{naam}', maar '{naam}' staat niet onder 'kolommen'",
                )
                continue
            if not isinstance(tabel, Mapping):
                fout(("waarden", naam), "verwacht registerwoord: catalogus-waarde")
                continue
            doelkolom = schema.kolommen.get(naam)
            for woord, doel in tabel.items():
                reden = _gevoelig_verloren(str(woord), str(doel), naam, catalogus)
                if reden:
                    fout(("waarden", naam, woord), reden)
                    continue
                if naam == "functies":
                    if catalogus.functies.zoek(doel) is None:
                        fout(
                            ("waarden", naam, woord),
                            f"'{woord}' wordt '{doel}', maar dat is geen functie van "
                            "lagen/catalogus/functies.yml; kies uit "
                            f"{', '.join(catalogus.functies.functies)}",
                        )
                    continue
                if doelkolom is not None and not is_allowed(str(doel), doelkolom, catalogus):
                    keuzes = allowed_values(doelkolom, catalogus)
                    fout(
                        ("waarden", naam, woord),
                        f"'{woord}' wordt '{doel}', maar dat is geen geldige waarde voor "
                        f"'{naam}'" + (f"; kies uit {', '.join(keuzes)}" if keuzes else ""),
                    )
        for naam in lijst:
            if naam not in kolommen:
                fout(("lijst", naam), f"'{naam}' staat niet onder 'kolommen'")

    crs: str | None = None
    heeft_xy = any(k in locatie for k in _XY)
    heeft_adres = any(k in locatie for k in ADRES)
    onbekend = set(locatie) - {*_XY, "crs", *ADRES}
    if onbekend:
        fout(
            ("locatie",),
            f"onbekend veld {', '.join(sorted(onbekend))}; gebruik x, y en crs, of straat, "
            "huisnummer (of adres), postcode en plaats",
        )
    if heeft_xy and heeft_adres:
        fout(
            ("locatie",),
            "geef óf x/y-kolommen óf adreskolommen, niet allebei (één register, één manier)",
        )
    elif heeft_xy:
        if not all(locatie.get(k) for k in _XY):
            fout(("locatie",), "geef zowel 'x' als 'y' (de kolomnamen in het register)")
        crs = str(locatie.get("crs")) if locatie.get("crs") is not None else None
        if crs not in CRS_KEUZES:
            fout(
                ("locatie", "crs"),
                f"crs {crs!r}; kies EPSG:28992 (RD, meters), EPSG:4326 (graden: x = "
                "lengtegraad, y = breedtegraad) of auto (bepaald uit de waarden)",
            )
    elif heeft_adres:
        if "crs" in locatie:
            fout(("locatie", "crs"), "crs hoort bij x/y-kolommen, niet bij een adres")
        if locatie.get("adres") and (locatie.get("straat") or locatie.get("huisnummer")):
            fout(
                ("locatie",),
                "geef 'adres' (straat en huisnummer in één kolom) óf 'straat' en 'huisnummer'",
            )
        elif locatie.get("adres"):
            if not (locatie.get("postcode") or locatie.get("plaats")):
                fout(("locatie",), "een adres heeft 'postcode' of 'plaats' nodig bij 'adres'")
        elif not locatie.get("huisnummer") or not (
            locatie.get("postcode") or (locatie.get("straat") and locatie.get("plaats"))
        ):
            fout(
                ("locatie",),
                "een adres heeft 'huisnummer' nodig en 'postcode', of 'straat' en 'plaats'",
            )
    else:
        fout(
            ("locatie",),
            "geen locatie: geef x/y-kolommen met crs, of adreskolommen (straat, huisnummer, "
            "postcode, plaats)",
        )

    prefix = raw.get("prefix")
    if prefix is not None and not re.fullmatch(r"[\w.-]+", str(prefix)):
        fout(("prefix",), f"prefix {prefix!r} mag alleen letters, cijfers, '-', '_' en '.' hebben")
    for key in herkomst:
        if key not in _HERKOMST:
            fout(("herkomst", key), f"onbekend veld; toegestaan: {', '.join(_HERKOMST)}")

    if problems:
        raise GebiedsplanError(
            f"Koppeling niet bruikbaar ({bestand}; {len(problems)} "
            f"{'probleem' if len(problems) == 1 else 'problemen'}):\n  - " + "\n  - ".join(problems)
        )
    assert schema is not None
    blad = raw.get("blad")
    return Koppeling(
        laag=str(laag),
        kolommen=kolommen,
        waarden={k: {str(w): str(d) for w, d in v.items()} for k, v in waarden.items()},
        lijst=lijst,
        vast=vast,
        locatie={k: str(v) for k, v in locatie.items() if k != "crs"},
        crs=crs,
        prefix=str(prefix) if prefix is not None else None,
        blad=blad if isinstance(blad, int) or blad is None else str(blad),
        herkomst=herkomst,
        bestand=bestand,
        getallen=getallen,
    )
