"""Exports for IAB teams and GIS staff: CSV, Excel and GeoPackage, written together atomically.

Text in the Excel workbooks is safe to open: a name from data that starts with ``=``, ``+``,
``-`` or ``@`` is a text cell (with Excel's quote prefix), never a formula, and invisible
bidi-control and zero-width characters are removed (:func:`safe_cells`). The CSV is for
programs (GIS, scripts): its values are the data as they are, unchanged; people open the
workbook.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from gebiedsplan import settings
from gebiedsplan._io import atomic_batch, atomic_path
from gebiedsplan._tekst import getal, procent
from gebiedsplan.analyse.vergelijk import Vergelijking
from gebiedsplan.bronnen import Herkomst, alles_synthetisch, fictieve_bronnen, synthetisch_tekst
from gebiedsplan.catalogus import load_volledigheid
from gebiedsplan.publiceren.herkomst import bronnen_tabel, fictief_tekst
from gebiedsplan.publiceren.pagina import zichtbare_tekst

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
    "laag_volledigheid": "Voorzieningenlaag volledig?",
    "aantal_voorzieningen": "Aantal voorzieningen",
    "inwoners": "Inwoners",
    "inwoners_geanalyseerd": "Inwoners geanalyseerd",
    "aandeel_geanalyseerd": "Aandeel geanalyseerd",
    "dekking": "Dekking wegennet",
    "gem_afstand_m": "Gem. loopafstand (m)",
    "norm_afstand_m": "Norm loopafstand (m)",
    "doeldekking": "Doeldekking",
    "aandeel_binnen_norm": "Aandeel binnen norm",
    "inwoners_buiten_norm": "Inwoners buiten norm",
    "inwoners_onbereikbaar": "Inwoners onbereikbaar",
    "hiaatscore": "Hiaatscore (0-100)",
    "reden": "Waarom geen hiaatscore",
    "doelgroep": "Doelgroep (inwoners)",
    "behoefte_index": "Behoefte-index",
    "capaciteit_eenheid": "Eenheid capaciteit",
    "benodigde_capaciteit": "Benodigde capaciteit",
    "aanwezige_capaciteit": "Aanwezige capaciteit",
    "capaciteit_onbekend": "Voorzieningen zonder bekende capaciteit",
    "capaciteitstekort": "Capaciteitstekort",
    "rang": "Rang",
}


def dekking_toelichting() -> list[str]:
    """How the tables treat residents the analysis could not reach, and thin facility layers
    (Excel sheet ``Toelichting``), with the rules of ``lagen/catalogus/volledigheid.yml``.

    Examples
    --------
    >>> dekking_toelichting()[3].startswith("Dekking wegennet: volledig (minstens 90%")
    True
    """
    regels = load_volledigheid()
    return [
        "Inwoners geanalyseerd: inwoners die over het wegennet bereikbaar zijn (niet verder "
        f"dan {settings.max_snap_m:.0f} m van het wegennet en niet aan een klein los stuk "
        f"ervan: minder dan {procent(regels.min_aandeel_netwerkdeel)} van de straatlengte; "
        "lagen/catalogus/volledigheid.yml). Wie niet geanalyseerd is, telt nooit als buiten "
        "de norm.",
        "Aandeel binnen norm = geanalyseerde inwoners binnen de normafstand / geanalyseerde "
        "inwoners; inwoners buiten norm = geanalyseerd - binnen de norm.",
        "Inwoners onbereikbaar: geanalyseerde inwoners die geen voorziening van die categorie "
        "bereiken over het netwerk; zij tellen als buiten de norm.",
        f"Dekking wegennet: volledig (minstens {procent(regels.min_aandeel_geanalyseerd)} van "
        "de inwoners geanalyseerd), onvolledig (minder) of geen netwerk (niemand). Alleen bij "
        "volledig staan er een hiaatscore en een rang; anders zegt de kolom 'Waarom geen "
        "hiaatscore' waarom niet.",
        "Voorzieningenlaag volledig?: het aantal voorzieningen in de gemeente per 10.000 "
        "inwoners vergeleken met het landelijke aantal (lagen/catalogus/volledigheid.yml, met "
        f"bronnen): 'mogelijk onvolledig' onder {procent(regels.ondergrens_factor)} daarvan, "
        "'geen verwachting' waar geen landelijk cijfer is. Een hiaat bij een mogelijk "
        "onvolledige laag kan aan de laag liggen.",
    ]


def _waarschuwing(herkomst: Mapping[str, Herkomst], *, synthetisch: bool) -> str | None:
    """The warning line of the notes: a synthetic gemeente (the demo), or the fictitious layers
    and sources of a real one by name (the real layers are not called synthetic)."""
    if synthetisch:
        return "LET OP: dit zijn SYNTHETISCHE gegevens (demo-gemeente), geen echte cijfers."
    if alles_synthetisch(herkomst) or not fictieve_bronnen(herkomst):
        return None
    tekst = synthetisch_tekst(herkomst) or ""
    return (
        f"LET OP: {tekst.removeprefix('Let op: ')} Cijfers die op die lagen steunen, beschrijven "
        "geen echte situatie."
    )


def _vraagpunten_regel(herkomst: Mapping[str, Herkomst]) -> list[str]:
    """The note on where the inhabitants are placed: the method of the demand points (addresses,
    the 100 m grid or the spread over the buurt) as their provenance says it."""
    vraagpunten = herkomst.get("vraagpunten")
    if vraagpunten is None:
        return []
    return [f"Waar de inwoners wonen (vraagpunten): {vraagpunten.bron}."]


def _toelichting(titel: str, herkomst: Mapping[str, Herkomst], synthetisch: bool) -> pd.DataFrame:
    regels = [
        f"Hiatentabel sociale basis - {titel}",
        "Per wijk en voorzieningscategorie: loopafstand over het wegennet van ieder adres tot de "
        "dichtstbijzijnde voorziening, gewogen naar inwoners.",
        *_vraagpunten_regel(herkomst),
        *dekking_toelichting(),
        "Hiaatscore = 100 x max(0, doeldekking - aandeel binnen norm) / doeldekking "
        "(0 = doel gehaald, 100 = niemand binnen de norm).",
        "Rang 1 = grootste hiaat (hiaatscore, daarna inwoners buiten norm); alleen rijen met een "
        "hiaatscore krijgen een rang.",
        "Normen en hun bronnen: lagen/catalogus/normen.yml en het gemeentebestand in wijken/.",
    ]
    if waarschuwing := _waarschuwing(herkomst, synthetisch=synthetisch):
        regels.insert(1, waarschuwing)
    regels.append(
        "Bronnen: per laag en per bron van wanneer de gegevens zijn (gegevens van, indeling) en "
        "wanneer ze zijn opgehaald of geïmporteerd; zie het blad Bronnen."
    )
    return pd.DataFrame({"Toelichting": regels})


#: First characters that make a spreadsheet read a text as a formula (also tab and carriage
#: return, which some spreadsheets skip before one).
FORMULETEKENS = ("=", "+", "-", "@", "\t", "\r")


def _tekstcel(waarde: object) -> object:
    """A text from data as it may go into a cell: without invisible bidi-control and
    zero-width characters (:func:`gebiedsplan.publiceren.pagina.zichtbare_tekst`) and without
    the control characters an .xlsx cannot hold; other values as they are."""
    if not isinstance(waarde, str):
        return waarde
    return ILLEGAL_CHARACTERS_RE.sub("", zichtbare_tekst(waarde))


def _bladnaam(naam: str) -> str:
    """A sheet name: visible characters only, at most 31 (Excel's limit)."""
    return ILLEGAL_CHARACTERS_RE.sub("", zichtbare_tekst(naam))[:31]


def safe_cells(tabel: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``tabel`` whose texts (cells, column names, index) may go into an Excel sheet
    (:func:`_tekstcel`). Texts that look like a formula stay as they are here; the writer
    stores them as text (:func:`_cellen_als_tekst`).

    Examples
    --------
    >>> import pandas as pd
    >>> safe_cells(pd.DataFrame({"wijknaam": ["Noord\u202e", "=1+1"], "n": [1, 2]}))["wijknaam"].tolist()
    ['Noord', '=1+1']
    """
    uit = tabel.copy()
    for kolom in uit.columns:
        if uit[kolom].dtype == object or pd.api.types.is_string_dtype(uit[kolom].dtype):
            uit[kolom] = uit[kolom].map(_tekstcel)
    uit.columns = [_tekstcel(k) for k in uit.columns]
    if uit.index.dtype == object or pd.api.types.is_string_dtype(uit.index.dtype):
        uit.index = uit.index.map(_tekstcel)
    return uit


def _cellen_als_tekst(xl: pd.ExcelWriter) -> None:
    """Every cell of the workbook that holds a text starting with a formula character
    (:data:`FORMULETEKENS`: ``=HYPERLINK(...)``, ``+31...``, ``-Oost``, ``@x``) is stored as
    text with Excel's quote prefix (the apostrophe Excel shows in the formula bar): shown as
    written, never computed, also not after someone edits the cell. The workbooks hold no
    formulas of their own."""
    for blad in xl.sheets.values():
        for rij in blad.iter_rows():
            for cel in rij:
                if cel.data_type == "f" or (
                    isinstance(cel.value, str) and cel.value.startswith(FORMULETEKENS)
                ):
                    cel.data_type = "s"
                    cel.quotePrefix = True


def _fit_columns(xl: pd.ExcelWriter) -> None:
    _cellen_als_tekst(xl)
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
    The notes say when the gemeente is synthetic (``synthetisch``), else name the fictitious
    layers and sources of ``herkomst``; ``Bronnen`` has one row per source of every layer.

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
    if waarschuwing := _waarschuwing(herkomst, synthetisch=synthetisch):
        regels.insert(1, waarschuwing)
    with atomic_path(pad) as tmp, pd.ExcelWriter(tmp, engine="openpyxl") as xl:
        for naam, tabel in bladen.items():
            vlak = tabel.reset_index() if tabel.index.names[0] is not None else tabel
            safe_cells(vlak.rename(columns=KOPPEN)).to_excel(
                xl, sheet_name=_bladnaam(naam), index=False
            )
        safe_cells(pd.DataFrame({"Toelichting": regels})).to_excel(
            xl, sheet_name="Toelichting", index=False
        )
        safe_cells(bronnen_tabel(herkomst)).to_excel(xl, sheet_name="Bronnen", index=False)
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
    opmerkingen: Sequence[str] = (),
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
        Whether the gemeente is synthetic (the demo; said in the notes and the metadata). A
        real gemeente with a fictitious layer is not: the notes and the metadata (``fictief``)
        name that layer and its source, from ``herkomst``.
    meer
        More views for the workbook, ``{sheet name: table}``.
    opmerkingen
        Notes of this run for the sheet ``Toelichting`` and the GeoPackage metadata
        (``opmerkingen``), e.g. the facility layers that look incomplete (``melding`` of
        :func:`gebiedsplan.analyse.volledigheid.compute_volledigheid`).

    Returns
    -------
    dict
        ``{"csv": path, "xlsx": path, "gpkg": path}``.
    """
    map_ = Path(map_)
    tabel = hiaten.reset_index()
    doelen = {soort: map_ / f"{naam}.{soort}" for soort in ("csv", "xlsx", "gpkg")}
    with atomic_batch():  # all three or none, and with the other files of the run
        with atomic_path(doelen["csv"]) as tmp:
            tabel.to_csv(tmp, index=False, float_format="%.4f")
        with atomic_path(doelen["xlsx"]) as tmp, pd.ExcelWriter(tmp, engine="openpyxl") as xl:
            safe_cells(tabel.rename(columns=KOPPEN)).to_excel(
                xl, sheet_name="Hiaten per wijk", index=False
            )
            for blad_naam, extra in (meer or {}).items():
                safe_cells(extra.reset_index().rename(columns=KOPPEN)).to_excel(
                    xl, sheet_name=_bladnaam(blad_naam), index=False
                )
            safe_cells(
                pd.concat(
                    [
                        _toelichting(titel, herkomst, synthetisch),
                        pd.DataFrame({"Toelichting": list(opmerkingen)}),
                    ],
                    ignore_index=True,
                )
            ).to_excel(xl, sheet_name="Toelichting", index=False)
            safe_cells(bronnen_tabel(herkomst)).to_excel(xl, sheet_name="Bronnen", index=False)
            _fit_columns(xl)
        vlakken = wijken[["geometry"]].join(hiaten.reset_index(level="categorie"), how="inner")
        vlakken = gpd.GeoDataFrame(vlakken.reset_index(), geometry="geometry", crs=wijken.crs)
        meta = {
            "titel": f"Hiaten sociale basis - {titel}",
            "synthetisch": str(synthetisch),
            "fictief": fictief_tekst(herkomst),
            "formule": "hiaatscore = 100 * max(0, doeldekking - aandeel_binnen_norm) / doeldekking",
            "dekking": (
                "aandeel_binnen_norm en hiaatscore over de geanalyseerde inwoners; geen "
                "hiaatscore waar dekking niet volledig is (zie kolom reden)"
            ),
            "opmerkingen": " | ".join(opmerkingen),
            "bronnen": "; ".join(f"{k}: {h.tekst()}" for k, h in herkomst.items()),
        }
        with atomic_path(doelen["gpkg"]) as tmp:
            pyogrio.write_dataframe(vlakken, tmp, layer="hiaten", driver="GPKG", metadata=meta)
    log.info("Hiatentabel geschreven: %s", ", ".join(str(p) for p in doelen.values()))
    return doelen


#: Dutch headers of the comparison with CBS Nabijheid (Excel).
VERGELIJKING_KOPPEN = {
    "buurtcode": "Buurtcode",
    "buurtnaam": "Buurt",
    "wijkcode": "Wijkcode",
    "categorie": "Categorie (code)",
    "categorie_label": "Voorziening",
    "cbs_naam": "Voorziening bij CBS",
    "aantal_voorzieningen": "Voorzieningen (gebiedsplan)",
    "inwoners": "Inwoners",
    "inwoners_geanalyseerd": "Inwoners geanalyseerd",
    "inwoners_los_van_netwerk": "Inwoners te ver van een autoweg",
    "inwoners_afgesneden": "Inwoners aan een afgesneden autoweg",
    "inwoners_onbereikbaar": "Inwoners zonder bereikbare voorziening",
    "afstand_km": "Afstand gebiedsplan (km, onafgerond)",
    "afstand_km_afgerond": "Afstand gebiedsplan (km)",
    "afstand_km_cbs": "Afstand CBS (km)",
    "verschil_km": "Verschil gebiedsplan - CBS (km)",
    "binnen_afronding": "Binnen 0,1 km",
    "vergeleken": "Vergeleken",
    "reden": "Waarom niet vergeleken",
    "buurten_vergeleken": "Buurten vergeleken",
    "buurten_zonder_cbs": "Buurten zonder CBS-cijfer",
    "buurten_zonder_gebiedsplan": "Buurten zonder afstand gebiedsplan",
    "spearman": "Spearman (rangcorrelatie)",
    "mediaan_abs_verschil_km": "Mediaan absoluut verschil (km)",
    "aandeel_binnen_afronding": "Aandeel binnen 0,1 km",
    "gem_verschil_km": "Gemiddeld verschil (km)",
}


def write_vergelijking(
    vergelijking: Vergelijking,
    map_: str | Path,
    *,
    naam: str,
    titel: str,
    herkomst: Mapping[str, Herkomst],
    synthetisch: bool,
) -> dict[str, Path]:
    """Write the comparison with CBS Nabijheid as CSV (per buurt and category, the columns as
    they are) and Excel (sheets ``Per voorziening``, ``Per buurt``, ``Toelichting`` with the
    method and the expected differences, ``Bronnen``); both or neither.

    Parameters
    ----------
    vergelijking
        :func:`gebiedsplan.analyse.vergelijk.compare_nabijheid`.
    map_
        Output folder.
    naam
        Base file name, e.g. ``vergelijking_cbs_GM0202``.
    titel, herkomst, synthetisch
        As in :func:`write_workbook`.

    Returns
    -------
    dict
        ``{"csv": path, "xlsx": path}``.
    """
    map_ = Path(map_)
    doelen = {soort: map_ / f"{naam}.{soort}" for soort in ("csv", "xlsx")}
    per_buurt = vergelijking.per_buurt
    samenvatting = vergelijking.samenvatting
    regels = [
        f"Vergelijking met CBS Nabijheid {vergelijking.jaar} - {titel}",
        *vergelijking.toelichting,
        "Per voorziening:",
        *(
            f"- {r['categorie_label']}: {getal(r['buurten_vergeleken'])} buurten, Spearman "
            f"{getal(r['spearman'], 2)}, mediaan verschil {getal(r['mediaan_abs_verschil_km'], 1)}"
            f" km, {procent(r['aandeel_binnen_afronding'])} binnen 0,1 km"
            for _, r in samenvatting.iterrows()
        ),
    ]
    with atomic_batch():  # both or neither, and with the other files of the run
        with atomic_path(doelen["csv"]) as tmp:
            per_buurt.reset_index().to_csv(tmp, index=False, float_format="%.4f")
        write_workbook(
            doelen["xlsx"],
            {
                "Per voorziening": samenvatting.reset_index().rename(columns=VERGELIJKING_KOPPEN),
                "Per buurt": per_buurt.reset_index().rename(columns=VERGELIJKING_KOPPEN),
            },
            toelichting=regels,
            herkomst=herkomst,
            synthetisch=synthetisch,
        )
    log.info("Vergelijking met CBS geschreven: %s", ", ".join(str(p) for p in doelen.values()))
    return doelen
