"""Exports for IAB teams and GIS staff: CSV, Excel and GeoPackage, written together atomically."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Mapping
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from gebiedsplan._io import atomic_path
from gebiedsplan.bronnen import Herkomst
from gebiedsplan.publiceren.herkomst import bronnen_tabel

log = logging.getLogger(__name__)

#: Readable Dutch headers for the Excel sheets.
KOPPEN = {
    "wijkcode": "Wijkcode",
    "wijknaam": "Wijk",
    "buurtcode": "Buurtcode",
    "buurtnaam": "Buurt",
    "gebied": "Gebied",
    "soort": "Soort gebied",
    "categorie": "Categorie (code)",
    "categorie_label": "Voorziening",
    "aantal_voorzieningen": "Aantal voorzieningen",
    "inwoners": "Inwoners",
    "gem_afstand_m": "Gem. loopafstand (m)",
    "norm_afstand_m": "Norm loopafstand (m)",
    "doeldekking": "Doeldekking",
    "aandeel_binnen_norm": "Aandeel binnen norm",
    "inwoners_buiten_norm": "Inwoners buiten norm",
    "inwoners_onbereikbaar": "Inwoners onbereikbaar",
    "hiaatscore": "Hiaatscore (0-100)",
    "doelgroep": "Doelgroep (inwoners)",
    "behoefte_index": "Behoefte-index",
    "capaciteit_eenheid": "Eenheid capaciteit",
    "benodigde_capaciteit": "Benodigde capaciteit",
    "aanwezige_capaciteit": "Aanwezige capaciteit",
    "capaciteit_onbekend": "Voorzieningen zonder bekende capaciteit",
    "capaciteitstekort": "Capaciteitstekort",
    "rang": "Rang",
}


def _toelichting(titel: str, synthetisch: bool) -> pd.DataFrame:
    regels = [
        f"Hiatentabel sociale basis - {titel}",
        "Per wijk en voorzieningscategorie: loopafstand over het wegennet van ieder adres tot de "
        "dichtstbijzijnde voorziening, gewogen naar inwoners.",
        "Aandeel binnen norm = inwoners binnen de normafstand / inwoners van de wijk.",
        "Hiaatscore = 100 x max(0, doeldekking - aandeel binnen norm) / doeldekking "
        "(0 = doel gehaald, 100 = niemand binnen de norm).",
        "Rang 1 = grootste hiaat (hiaatscore, daarna inwoners buiten norm).",
        "Inwoners onbereikbaar: geen voorziening van die categorie bereikbaar over het netwerk; "
        "zij tellen als buiten de norm.",
        "Normen en hun bronnen: lagen/catalogus/normen.yml en het gemeentebestand in wijken/.",
    ]
    if synthetisch:
        regels.insert(
            1, "LET OP: dit zijn SYNTHETISCHE gegevens (demo-gemeente), geen echte cijfers."
        )
    return pd.DataFrame({"Toelichting": regels})


def _fit_columns(xl: pd.ExcelWriter) -> None:
    for blad in xl.sheets.values():
        for kolom in blad.columns:
            breedte = max(len(str(c.value or "")) for c in kolom[:200])
            blad.column_dimensions[kolom[0].column_letter].width = min(breedte + 2, 80)
        blad.freeze_panes = "A2"


def write_workbook(
    pad: str | Path,
    bladen: Mapping[str, pd.DataFrame],
    *,
    toelichting: list[str],
    herkomst: Mapping[str, Herkomst],
    synthetisch: bool,
) -> Path:
    """An Excel workbook for IAB teams: one sheet per view (index written as columns, Dutch
    headers from :data:`KOPPEN`), then ``Toelichting`` and ``Bronnen``; written atomically.

    Examples
    --------
    >>> import tempfile, pandas as pd
    >>> from pathlib import Path
    >>> from gebiedsplan.bronnen import Herkomst
    >>> pad = write_workbook(Path(tempfile.mkdtemp()) / "x.xlsx", {"Hiaten": pd.DataFrame(
    ...     {"hiaatscore": [50.0]})}, toelichting=["Voorbeeld"], synthetisch=True,
    ...     herkomst={"wijken": Herkomst("demo", "2026-01-01", "CC0", synthetisch=True)})
    >>> pd.ExcelFile(pad).sheet_names
    ['Hiaten', 'Toelichting', 'Bronnen']
    """
    pad = Path(pad)
    regels = list(toelichting)
    if synthetisch:
        regels.insert(
            1, "LET OP: dit zijn (deels) SYNTHETISCHE of fictieve gegevens, geen echte cijfers."
        )
    with atomic_path(pad) as tmp, pd.ExcelWriter(tmp, engine="openpyxl") as xl:
        for naam, tabel in bladen.items():
            vlak = tabel.reset_index() if tabel.index.names[0] is not None else tabel
            vlak.rename(columns=KOPPEN).to_excel(xl, sheet_name=naam[:31], index=False)
        pd.DataFrame({"Toelichting": regels}).to_excel(xl, sheet_name="Toelichting", index=False)
        bronnen_tabel(herkomst).to_excel(xl, sheet_name="Bronnen", index=False)
        _fit_columns(xl)
    return pad


def write_hiaten(
    hiaten: pd.DataFrame,
    wijken: gpd.GeoDataFrame,
    map_: str | Path,
    *,
    naam: str,
    titel: str,
    herkomst: Mapping[str, Herkomst],
    synthetisch: bool,
    meer: Mapping[str, pd.DataFrame] | None = None,
) -> dict[str, Path]:
    """Write the gap table as CSV, Excel and GeoPackage layer; all three or none.

    The Excel workbook has one sheet per view: ``Hiaten per wijk``, then every table of
    ``meer`` under its own name (e.g. ``Hiaten per buurt``, ``Hiaten per gebied``), then
    ``Toelichting`` and ``Bronnen``; headers are readable Dutch (:data:`KOPPEN`).

    Parameters
    ----------
    hiaten
        Result of :func:`gebiedsplan.analyse.hiaten.compute_hiaten`.
    wijken
        Wijk polygons (for the GeoPackage layer).
    map_
        Output folder.
    naam
        Base file name, e.g. ``hiaten_GM9999``.
    titel
        Gemeente title for the Excel explanation sheet.
    herkomst
        Provenance of the layers used (Excel sheet ``Bronnen``, GeoPackage metadata).
    synthetisch
        Whether the data are synthetic (said on every sheet and in the metadata).
    meer
        More views for the workbook, ``{sheet name: table}``.

    Returns
    -------
    dict
        ``{"csv": path, "xlsx": path, "gpkg": path}``.
    """
    map_ = Path(map_)
    tabel = hiaten.reset_index()
    doelen = {soort: map_ / f"{naam}.{soort}" for soort in ("csv", "xlsx", "gpkg")}
    with contextlib.ExitStack() as stack:
        tmp = {soort: stack.enter_context(atomic_path(pad)) for soort, pad in doelen.items()}
        tabel.to_csv(tmp["csv"], index=False, float_format="%.4f")
        with pd.ExcelWriter(tmp["xlsx"], engine="openpyxl") as xl:
            tabel.rename(columns=KOPPEN).to_excel(xl, sheet_name="Hiaten per wijk", index=False)
            for blad_naam, extra in (meer or {}).items():
                extra.reset_index().rename(columns=KOPPEN).to_excel(
                    xl, sheet_name=blad_naam[:31], index=False
                )
            _toelichting(titel, synthetisch).to_excel(xl, sheet_name="Toelichting", index=False)
            bronnen_tabel(herkomst).to_excel(xl, sheet_name="Bronnen", index=False)
            _fit_columns(xl)
        vlakken = wijken[["geometry"]].join(hiaten.reset_index(level="categorie"), how="inner")
        vlakken = gpd.GeoDataFrame(vlakken.reset_index(), geometry="geometry", crs=wijken.crs)
        meta = {
            "titel": f"Hiaten sociale basis - {titel}",
            "synthetisch": str(synthetisch),
            "formule": "hiaatscore = 100 * max(0, doeldekking - aandeel_binnen_norm) / doeldekking",
            "bronnen": "; ".join(f"{k}: {h.tekst()}" for k, h in herkomst.items()),
        }
        pyogrio.write_dataframe(vlakken, tmp["gpkg"], layer="hiaten", driver="GPKG", metadata=meta)
    log.info("Hiatentabel geschreven: %s", ", ".join(str(p) for p in doelen.values()))
    return doelen
