"""The catalogue's OSM tables as rules, and OSM features matched against them.

- ``osm_tags.csv`` (tag -> category of the sociale basis, with conditions) and ``osm_groen.csv``
  (tag -> green type, with the condition for "not public") become :class:`Regel` lists in table
  order (:func:`tag_regels`, :func:`groen_regels`);
- ``modus_wegen.csv`` says which Geofabrik road classes belong to each modus
  (:func:`fclass_per_modus`); :data:`MODI` maps a modus on the osmnx network type;
- :func:`kies_regel` gives every feature the first rule whose tag and condition hold (OSM value
  lists such as ``isced:level=0;1`` count per part); :func:`map_op_waarde` does the same for a
  plain class column (``category``, ``fclass``) of a vector file.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from gebiedsplan import settings
from gebiedsplan.catalogus import load_catalogus, load_modus_wegen
from gebiedsplan.errors import CRSError, GebiedsplanError

log = logging.getLogger(__name__)

#: Modus -> osmnx network type.
MODI: Mapping[str, str] = {"lopen": "walk", "fietsen": "bike", "auto": "drive"}


@dataclass(frozen=True)
class Regel:
    """One row of a mapping table: tag ``sleutel=waarde`` (plus conditions) -> ``doel``."""

    doel: str
    sleutel: str
    waarde: str
    voorwaarde: tuple[tuple[str, str], ...] = ()
    niet_openbaar: tuple[tuple[str, str], ...] = ()


def _parse_voorwaarde(
    tekst: Any, *, waar: str, problemen: list[str]
) -> tuple[tuple[str, str], ...]:
    """``"isced:level=1|school=primary"`` -> ``(("isced:level", "1"), ("school", "primary"))``."""
    if not isinstance(tekst, str) or not tekst.strip():
        return ()
    delen = []
    for alternatief in tekst.split("|"):
        sleutel, teken, waarde = alternatief.partition("=")
        if not teken or not sleutel.strip() or not waarde.strip():
            problemen.append(
                f"{waar}: voorwaarde {tekst!r} is niet leesbaar; verwacht sleutel=waarde, "
                "alternatieven gescheiden door |, bv. isced:level=1|school=primary"
            )
            return ()
        delen.append((sleutel.strip(), waarde.strip()))
    return tuple(delen)


def _read_tabel(naam: str, kolommen: Sequence[str]) -> pd.DataFrame:
    pad = Path(settings.catalogus_dir) / naam
    try:
        tabel = pd.read_csv(pad, dtype=str, keep_default_na=False)
    except FileNotFoundError:
        raise GebiedsplanError(
            f"Catalogusbestand {pad} ontbreekt; het hoort bij gebiedsplan (lagen/catalogus)."
        ) from None
    ontbreekt = [k for k in kolommen if k not in tabel.columns]
    if ontbreekt:
        raise GebiedsplanError(
            f"{pad}: kolom(men) {', '.join(ontbreekt)} ontbreken; verwacht {', '.join(kolommen)}."
        )
    return tabel


def tag_regels() -> list[Regel]:
    """The rows of ``osm_tags.csv`` in table order, conditions parsed."""
    tabel = load_catalogus().osm_tags
    if "voorwaarde" not in tabel.columns:
        raise GebiedsplanError(
            f"{settings.catalogus_dir}/osm_tags.csv heeft geen kolom 'voorwaarde'; zonder die "
            "kolom zou bv. elke school een basisschool worden. Voeg de kolom toe (leeg waar geen "
            "voorwaarde geldt), zie gebiedsplan.bronnen.osm."
        )
    return _regels(tabel, naam="osm_tags.csv", doel="categorie", voorwaarde="voorwaarde")


def groen_regels() -> list[Regel]:
    """The rows of ``osm_groen.csv`` in table order."""
    tabel = _read_tabel("osm_groen.csv", ("type", "sleutel", "waarde", "niet_openbaar"))
    return _regels(tabel, naam="osm_groen.csv", doel="type", voorwaarde="niet_openbaar")


def _regels(tabel: pd.DataFrame, *, naam: str, doel: str, voorwaarde: str) -> list[Regel]:
    """The rows of mapping table ``naam`` in table order: the target from column ``doel``, the
    condition from column ``voorwaarde`` (``voorwaarde`` or ``niet_openbaar``), parsed."""
    problemen: list[str] = []
    regels = []
    for i, rij in enumerate(tabel.to_dict("records")):
        conditie = _parse_voorwaarde(
            rij[voorwaarde], waar=f"{naam} rij {i + 2}", problemen=problemen
        )
        regels.append(
            Regel(
                doel=str(rij[doel]).strip(),
                sleutel=str(rij["sleutel"]).strip(),
                waarde=str(rij["waarde"]).strip(),
                **{voorwaarde: conditie},
            )
        )
    if problemen:
        raise GebiedsplanError("Catalogus niet bruikbaar:\n  - " + "\n  - ".join(problemen))
    return regels


def fclass_per_modus(modus: str) -> tuple[set[str], set[str]]:
    """(fclasses in the network of ``modus``, every fclass the table knows): the ``highway``
    rows of ``modus_wegen.csv``."""
    wegen = load_modus_wegen()
    return set(wegen.waarden("highway", modus=modus)), set(wegen.waarden("highway"))


def osmnx_tags(regels: Sequence[Regel]) -> dict[str, list[str]]:
    """The ``tags`` argument of osmnx: every key with its values, in table order."""
    tags: dict[str, list[str]] = {}
    for regel in regels:
        waarden = tags.setdefault(regel.sleutel, [])
        if regel.waarde not in waarden:
            waarden.append(regel.waarde)
    return tags


def check_modus(modus: str) -> str:
    if modus not in MODI:
        raise GebiedsplanError(
            f"Onbekende modus {modus!r}; kies uit {', '.join(MODI)} (osmnx: {', '.join(MODI.values())})."
        )
    return MODI[modus]


def _tag_has(frame: pd.DataFrame, sleutel: str, waarde: str) -> np.ndarray:
    """Rows whose tag ``sleutel`` has ``waarde`` (also as one part of a ``a;b`` list)."""
    if sleutel not in frame.columns:
        return np.zeros(len(frame), dtype=bool)
    return np.fromiter(
        (
            isinstance(v, str) and waarde in {deel.strip() for deel in v.split(";")}
            for v in frame[sleutel]
        ),
        dtype=bool,
        count=len(frame),
    )


def any_of(frame: pd.DataFrame, paren: Sequence[tuple[str, str]]) -> np.ndarray:
    uit = np.zeros(len(frame), dtype=bool)
    for sleutel, waarde in paren:
        uit |= _tag_has(frame, sleutel, waarde)
    return uit


def kies_regel(frame: pd.DataFrame, regels: Sequence[Regel], *, bron: str) -> np.ndarray:
    """Per row the position of the first matching rule, or -1. Logs what conditions left out."""
    keuze = np.full(len(frame), -1, dtype=np.int64)
    zonder_voorwaarde: list[tuple[Regel, np.ndarray]] = []
    for i, regel in enumerate(regels):
        tag = _tag_has(frame, regel.sleutel, regel.waarde)
        raak = tag & any_of(frame, regel.voorwaarde) if regel.voorwaarde else tag
        keuze[(keuze < 0) & raak] = i
        if regel.voorwaarde:
            zonder_voorwaarde.append((regel, tag & ~raak))
    for regel, mis in zonder_voorwaarde:
        n = int((mis & (keuze < 0)).sum())
        if n:
            log.info(
                "%s: %d objecten met %s=%s weggelaten (voorwaarde %s niet vervuld)",
                bron,
                n,
                regel.sleutel,
                regel.waarde,
                "|".join(f"{k}={v}" for k, v in regel.voorwaarde),
            )
    return keuze


def map_op_waarde(
    frame: gpd.GeoDataFrame, kolom: str, regels: Sequence[Regel], *, bron: str
) -> tuple[np.ndarray, list[Regel | None]]:
    """Map a plain class column (``category``, ``fclass``) on the table by ``waarde``.

    Only rules without conditions can be used: a bare class such as ``school`` does not say
    whether the conditions (``isced:level=1``) hold, so such rows are left out (and logged).
    """
    per_waarde: dict[str, Regel] = {}
    for regel in regels:
        per_waarde.setdefault(regel.waarde, regel)
    waarden = frame[kolom].astype(str).str.strip().to_numpy()
    gekozen: list[Regel | None] = [per_waarde.get(w) for w in waarden]
    met_voorwaarde = {w for w, r in per_waarde.items() if r.voorwaarde}
    for w in sorted(met_voorwaarde & set(waarden)):
        log.info(
            "%s: %d objecten met %s=%s weggelaten: de voorwaarde %s is niet te controleren",
            bron,
            int((waarden == w).sum()),
            kolom,
            w,
            "|".join(f"{k}={v}" for k, v in per_waarde[w].voorwaarde),
        )
    gekozen = [r if r is not None and not r.voorwaarde else None for r in gekozen]
    onbekend = pd.Series(waarden[[r is None for r in gekozen]]).value_counts()
    if len(onbekend):
        log.info(
            "%s: weggelaten %s-waarden: %s",
            bron,
            kolom,
            ", ".join(f"{k} {v}" for k, v in onbekend.items()),
        )
    return np.array([r is not None for r in gekozen], dtype=bool), gekozen


def osm_ids(features: gpd.GeoDataFrame) -> pd.Series:
    """``osm:node/123`` from the (element, id) index of osmnx features."""
    frame = features.index.to_frame(index=False)
    element = frame.iloc[:, 0].astype(str)
    osmid = frame.iloc[:, 1].astype("int64").astype(str)
    return "osm:" + element + "/" + osmid


def to_rd(frame: gpd.GeoDataFrame, *, bron: str) -> gpd.GeoSeries:
    if frame.crs is None:
        raise CRSError(
            f"{bron}: de objecten hebben geen CRS; gebiedsplan raadt dat niet. osmnx geeft "
            "EPSG:4326; zet het met .set_crs('EPSG:4326')."
        )
    return frame.geometry.to_crs(settings.crs)


def telling(waarden: pd.Series) -> str:
    return ", ".join(f"{k} {v}" for k, v in waarden.value_counts().sort_index().items())
