"""Snapshots of facilities and accommodations per year (layer ``voorzieningen_jaren``, issue 15).

A snapshot holds what :func:`gebiedsplan.gemeente.effective_voorzieningen` counts in a year:
every facility, and every accommodation in use once per catalogue category its ``functies``
offer that no facility linked to it already has. ``gebiedsplan momentopname`` makes one from
the store's current layers; an import of an older year than the store's makes one instead of
replacing the current layers (:func:`gebiedsplan.importeren.jaarlagen`); the trend counts its
points per current buurt (:mod:`gebiedsplan.analyse.trend`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import geopandas as gpd
import pandas as pd

from gebiedsplan._validate import validate_laag
from gebiedsplan.bronnen import Herkomst, Laag, combine_herkomst
from gebiedsplan.catalogus import Functievocabulaire, load_catalogus, split_functies
from gebiedsplan.errors import GebiedsplanError

#: The kinds of row of a snapshot.
SOORTEN = ("voorziening", "accommodatie")


def functie_categorieen(
    waarde: Any, functies: Functievocabulaire, categorieen: Mapping[str, Any]
) -> list[str]:
    """The categories an accommodation's ``functies`` offer: each function's category in the
    vocabulary (``beschermd_wonen`` is opvang, ``onderwijs`` none), a bare category code as
    itself.

    Examples
    --------
    >>> k = load_catalogus()
    >>> functie_categorieen("ontmoeting;welzijn;onderwijs", k.functies, k.categorieen)
    ['ontmoeting', 'welzijn']
    """
    uit: list[str] = []
    for woord in split_functies(waarde):
        functie = functies.zoek(woord)
        categorie = functie.categorie if functie is not None else woord
        if categorie is not None and categorie in categorieen and categorie not in uit:
            uit.append(categorie)
    return uit


def _met_bron(laag: Laag) -> pd.DataFrame:
    """The rows with column ``bron``: the layer's own where it has several sources, else its
    one source."""
    delen = laag.herkomst.per_bron()
    if len(delen) > 1 and "bron" in laag.data.columns:
        return laag.data.assign(
            bron=laag.data["bron"].where(laag.data["bron"].notna(), delen[0].bron)
        )
    return laag.data.assign(bron=delen[0].bron)


def momentopname(
    voorzieningen: Laag | None, accommodaties: Laag | None = None, *, jaar: int
) -> Laag:
    """The facilities and accommodations of one year as the rows of ``voorzieningen_jaren``.

    One row per facility (``soort`` ``voorziening``, its category) and, for every
    accommodation in use, one row per catalogue category its ``functies`` offer that no
    facility linked to it (``accommodatie_id``) already has (``soort`` ``accommodatie``; the
    rule of :func:`gebiedsplan.gemeente.effective_voorzieningen`, so a meeting place is
    counted once). Closed, planned or empty accommodations are no part of a year's offer. An
    accommodation drawn as a polygon becomes a point inside it. Points outside the gemeente
    (the border buffer) are kept; the trend does not count them.

    Parameters
    ----------
    voorzieningen, accommodaties
        The layers of that year (either may be None, not both).
    jaar
        The year the snapshot describes.

    Returns
    -------
    Laag
        Layer ``voorzieningen_jaren``: ``jaar``, ``soort``, ``categorie``, ``naam``, ``bron``
        (the source of the row), id ``<jaar>:voorziening:<id>`` or
        ``<jaar>:accommodatie:<id>:<categorie>``; the provenance of both layers.

    Raises
    ------
    GebiedsplanError
        Without facilities and accommodations, or when together they give no point.

    Examples
    --------
    >>> from gebiedsplan.bronnen.demo import build_demo
    >>> demo = build_demo()
    >>> laag = momentopname(
    ...     Laag("voorzieningen", demo.voorzieningen, demo.herkomst["voorzieningen"]),
    ...     Laag("accommodaties", demo.accommodaties, demo.herkomst["accommodaties"]),
    ...     jaar=2024,
    ... )
    >>> laag.data["soort"].value_counts().to_dict()
    {'voorziening': 159, 'accommodatie': 13}
    """
    delen: list[pd.DataFrame] = []
    herkomsten: list[Herkomst] = []
    gekoppeld: dict[str, set[str]] = {}
    crs = None
    if voorzieningen is not None:
        data = _met_bron(voorzieningen)
        crs = data.crs
        herkomsten.append(voorzieningen.herkomst)
        if "accommodatie_id" in data.columns:
            for acc, cat in zip(data["accommodatie_id"], data["categorie"], strict=True):
                if isinstance(acc, str):
                    gekoppeld.setdefault(acc, set()).add(str(cat))
        delen.append(
            pd.DataFrame(
                {
                    "id": [f"{jaar}:voorziening:{i}" for i in data.index],
                    "soort": "voorziening",
                    "categorie": data["categorie"].astype(str).to_numpy(),
                    "naam": data["naam"].astype(str).to_numpy(),
                    "bron": data["bron"].astype(str).to_numpy(),
                    "geometry": data.geometry.to_numpy(),
                }
            )
        )
    if accommodaties is not None:
        data = _met_bron(accommodaties)
        crs = crs or data.crs
        herkomsten.append(accommodaties.herkomst)
        catalogus = load_catalogus()
        rijen = []
        for acc_id, acc in data[data["status"] == "in_gebruik"].iterrows():
            punt = acc.geometry
            if punt.geom_type != "Point":
                punt = punt.representative_point()
            nieuw = functie_categorieen(acc["functies"], catalogus.functies, catalogus.categorieen)
            for categorie in nieuw:
                if categorie in gekoppeld.get(str(acc_id), set()):
                    continue
                rijen.append(
                    {
                        "id": f"{jaar}:accommodatie:{acc_id}:{categorie}",
                        "soort": "accommodatie",
                        "categorie": categorie,
                        "naam": str(acc["naam"]),
                        "bron": str(acc["bron"]),
                        "geometry": punt,
                    }
                )
        if rijen:
            delen.append(pd.DataFrame(rijen))
    if not herkomsten:
        raise GebiedsplanError(
            "Een momentopname vraagt voorzieningen of accommodaties; importeer die eerst "
            "(gebiedsplan importeer --voorzieningen ... of --register ...)."
        )
    delen = [d for d in delen if not d.empty]
    if not delen:
        raise GebiedsplanError(
            f"Momentopname {jaar}: geen enkele voorziening en geen accommodatie in gebruik; "
            "een jaar zonder punten wordt niet vastgelegd (het zou overal 0 tellen). Controleer "
            "de lagen voorzieningen en accommodaties."
        )
    rijen_df = pd.concat(delen, ignore_index=True).assign(jaar=int(jaar)).set_index("id")
    frame = gpd.GeoDataFrame(
        rijen_df[["jaar", "soort", "categorie", "naam", "bron"]],
        geometry=rijen_df["geometry"].to_numpy(),
        crs=crs,
    )
    herkomst = combine_herkomst(herkomsten)
    data = validate_laag(
        frame, "voorzieningen_jaren", bron=herkomst.bron, catalogus=load_catalogus()
    )
    return Laag("voorzieningen_jaren", data, herkomst)
