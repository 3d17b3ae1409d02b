"""Exports for IAB teams and GIS staff: CSV, Excel and GeoPackage, written together atomically.

Every workbook is made for people (:func:`write_workbook`, the workbook of :func:`write_hiaten`):
on each data sheet Dutch headers from the column vocabulary ``lagen/catalogus/kolommen.yml``
(:func:`gebiedsplan.catalogus.kolom_info`), number formats by the column's kind
(:data:`GETALNOTATIES`: counts ``#,##0``, shares ``0%``, metres whole; Excel shows them with the
reader's own separators, so a Dutch Excel shows 12.345 and 84%), a bold frozen header, an
autofilter and fitted column widths; a sheet ``Kolommen`` explains every column with its unit.

Text in the Excel workbooks is safe to open: a name from data that starts with ``=``, ``+``,
``-`` or ``@`` is a text cell (with Excel's quote prefix), never a formula, and invisible
bidi-control and zero-width characters are removed (:func:`safe_cells`).

The CSV (:func:`write_csv`) has the columns' codes as headers, so programs can rely on them. By
default it is in the dialect a Dutch Excel opens (``csv_formaat="nl"``: ``;``, decimal comma,
UTF-8 with BOM), and since Excel opens it, a text starting with a formula character gets a
leading apostrophe there; ``csv_formaat="standaard"`` is the plain CSV for programs (``,``,
decimal point, UTF-8 without BOM) with the data as they are, unchanged.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import geopandas as gpd
import pandas as pd
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from gebiedsplan import settings
from gebiedsplan._io import atomic_batch, atomic_path
from gebiedsplan._tekst import getal, procent
from gebiedsplan.analyse.vergelijk import Vergelijking
from gebiedsplan.bronnen import Herkomst, alles_synthetisch, fictieve_bronnen, synthetisch_tekst
from gebiedsplan.catalogus import Tabelkolom, kolom_info, load_kolommen, load_volledigheid
from gebiedsplan.errors import GebiedsplanError
from gebiedsplan.publiceren.herkomst import bronnen_tabel, fictief_tekst
from gebiedsplan.publiceren.pagina import zichtbare_tekst
from gebiedsplan.publiceren.qgis import write_hiaten_gpkg

log = logging.getLogger(__name__)


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


def bevolking_toelichting() -> list[str]:
    """Which population each column counts (sheet ``Toelichting``): residents from the demand
    points, the target group from the CBS buurt figures.

    Examples
    --------
    >>> bevolking_toelichting()[0].startswith("Twee tellingen van inwoners")
    True
    """
    return [
        "Twee tellingen van inwoners: 'Inwoners (alle)' en 'Inwoners geanalyseerd' komen uit de "
        "vraagpunten (waar de inwoners wonen), 'Doelgroep (inwoners)' uit de CBS-buurtcijfers "
        "(aantal inwoners en leeftijdsgroepen; alle inwoners als de norm geen doelgroep noemt). "
        "Aandeel binnen norm en hiaatscore rekenen met de geanalyseerde inwoners, de benodigde "
        "capaciteit met de doelgroep (ook wie niet geanalyseerd is)."
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


def _toelichting(titel: str, herkomst: Mapping[str, Herkomst], synthetisch: bool) -> list[str]:
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
    return regels


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


#: Excel number format per kind of column (``soort`` in ``lagen/catalogus/kolommen.yml``). The
#: codes are Excel's own (``,`` thousands, ``.`` decimals): Excel shows them with the reader's
#: separators, so a Dutch Excel shows ``#,##0`` as 12.345 and ``0%`` as 84%. Kinds without a
#: format (``tekst``, ``code``) stay as they are.
GETALNOTATIES: dict[str, str] = {
    "aantal": "#,##0",
    "aandeel": "0%",
    "afstand_m": "#,##0",
    "m2": "#,##0",
    "score": "0",
    "getal": "#,##0.0",
    "index": "0.00",
    "afstand_km": "#,##0.00",
    "coordinaat": "0",
}

#: Columns that name the area of a row: with one of them first, the frozen panes keep that
#: column in view too (``B2``).
GEBIEDSCODES = ("wijkcode", "buurtcode", "gebied")

#: Widest column (characters) of a data sheet; a longer header wraps.
MAX_BREEDTE = 50

#: The Excel sheet that explains the columns of the data sheets.
KOLOMMEN_BLAD = "Kolommen"

CsvFormaat = Literal["nl", "standaard"]


def getalnotatie(kolom: Tabelkolom) -> str | None:
    """The Excel number format of a column (:data:`GETALNOTATIES`); a scenario difference
    (``..._verschil``) shows its sign and a share difference one decimal more.

    Examples
    --------
    >>> from gebiedsplan.catalogus import kolom_info
    >>> getalnotatie(kolom_info("aandeel_binnen_norm")), getalnotatie(kolom_info("inwoners"))
    ('0%', '#,##0')
    >>> getalnotatie(kolom_info("aandeel_binnen_norm_verschil"))
    '+0.0%;-0.0%;0.0%'
    >>> getalnotatie(kolom_info("wijknaam")) is None
    True
    """
    notatie = GETALNOTATIES.get(kolom.soort)
    if notatie is None or not kolom.naam.endswith("_verschil"):
        return notatie
    if notatie == "0%":
        notatie = "0.0%"
    return f"+{notatie};-{notatie};{notatie}"


def _getoond(waarde: object, notatie: str | None) -> str:
    """About the text Excel shows for ``waarde`` in ``notatie`` (for the column width)."""
    if waarde is None or (isinstance(waarde, float) and math.isnan(waarde)):
        return ""
    if isinstance(waarde, bool):
        return "ONWAAR"
    if isinstance(waarde, int | float):
        if notatie is None:
            return f"{waarde:.10g}"
        eerste = notatie.split(";")[0]
        decimalen = len(eerste.partition(".")[2].rstrip("%"))
        teken = "+" if eerste.startswith("+") and waarde > 0 else ""
        if eerste.endswith("%"):
            return f"{teken}{waarde * 100:.{decimalen}f}%"
        if "," in eerste:
            return f"{teken}{waarde:,.{decimalen}f}"
        return f"{teken}{waarde:.{decimalen}f}"
    return str(waarde)


@dataclass(frozen=True)
class _Blad:
    """A data sheet as written: the sheet's name and its columns' codes and entries."""

    naam: str
    codes: list[str]
    kolommen: list[Tabelkolom | None]


def _kolom(
    code: str, blad: str, kolommen: Mapping[str, Tabelkolom], context: str | None
) -> Tabelkolom | None:
    info = kolom_info(code, kolommen, context=context)
    if info is None:
        log.warning(
            "Kolom %r van blad %r staat niet in lagen/catalogus/kolommen.yml: de kop blijft de "
            "code en het blad %s legt haar niet uit. Voeg de kolom toe aan kolommen.yml.",
            code,
            blad,
            KOLOMMEN_BLAD,
        )
    return info


def _maak_op(
    blad: Worksheet,
    notaties: Sequence[str | None],
    *,
    bevries: str = "A2",
    filter_: bool = True,
    max_breedte: int = MAX_BREEDTE,
) -> None:
    """A sheet for people: number formats per column, a bold wrapped header, frozen panes at
    ``bevries``, an autofilter over the data and widths fitted to the shown text."""
    n_rijen, n_kolommen = blad.max_row, len(notaties)
    for j, notatie in enumerate(notaties, start=1):
        kop = blad.cell(row=1, column=j)
        kop.font = Font(bold=True)
        kop.alignment = Alignment(wrap_text=True, vertical="top")
        breedte = len(str(kop.value or ""))
        for (cel,) in blad.iter_rows(min_row=2, max_row=n_rijen, min_col=j, max_col=j):
            getal_ = isinstance(cel.value, int | float) and not isinstance(cel.value, bool)
            if notatie is not None and getal_:
                cel.number_format = notatie
            if cel.row <= 2000:
                breedte = max(breedte, max(map(len, _getoond(cel.value, notatie).split("\n"))))
        blad.column_dimensions[get_column_letter(j)].width = min(breedte + 2, max_breedte)
    blad.freeze_panes = bevries
    if filter_ and n_kolommen:
        blad.auto_filter.ref = f"A1:{get_column_letter(n_kolommen)}{max(n_rijen, 1)}"


def _schrijf_data(
    xl: pd.ExcelWriter,
    naam: str,
    tabel: pd.DataFrame,
    *,
    kolommen: Mapping[str, Tabelkolom],
    context: str | None,
) -> _Blad:
    """One data sheet: the index as columns, Dutch headers from the vocabulary, formatted."""
    vlak = tabel.reset_index() if tabel.index.names[0] is not None else tabel
    bladnaam = _bladnaam(naam)
    codes = [str(c) for c in vlak.columns]
    infos = [_kolom(c, bladnaam, kolommen, context) for c in codes]
    koppen = [c if i is None else i.kop for c, i in zip(codes, infos, strict=True)]
    safe_cells(vlak.set_axis(koppen, axis=1)).to_excel(xl, sheet_name=bladnaam, index=False)
    _maak_op(
        xl.sheets[bladnaam],
        [None if i is None else getalnotatie(i) for i in infos],
        bevries="B2" if codes and codes[0] in GEBIEDSCODES else "A2",
    )
    return _Blad(bladnaam, codes, infos)


def _kolommen_tabel(bladen: Sequence[_Blad]) -> pd.DataFrame:
    """The sheet ``Kolommen``: every column of the data sheets once (by header), in the order
    they first appear, with its code (the CSV header), unit and explanation."""
    rijen: dict[str, dict[str, str]] = {}
    for blad in bladen:
        for code, info in zip(blad.codes, blad.kolommen, strict=True):
            kop = code if info is None else info.kop
            if kop in rijen:
                continue
            rijen[kop] = {
                "Kolom": kop,
                "Code (CSV)": code,
                "Eenheid": "" if info is None else info.eenheid,
                "Uitleg": "Niet beschreven in lagen/catalogus/kolommen.yml."
                if info is None
                else info.uitleg,
            }
    return pd.DataFrame(list(rijen.values()), columns=["Kolom", "Code (CSV)", "Eenheid", "Uitleg"])


def bevolking_opmerkingen(bladen: Mapping[str, pd.DataFrame]) -> list[str]:
    """Notes for the rows whose target group (``doelgroep``, from the CBS buurt figures) is
    larger than all their residents (``inwoners``, the sum of the demand points): the two
    counts come from different sources and this says so, with the first such row.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"categorie_label": ["Huisarts"], "inwoners": [20855],
    ...     "doelgroep": [28480.0]}, index=pd.Index(["Noord"], name="gebied"))
    >>> bevolking_opmerkingen({"Hiaten per gebied": t})[0][:60]
    "Let op: in 1 rij van blad 'Hiaten per gebied' is de doelgroe"
    """
    regels = []
    for naam, tabel in bladen.items():
        if not {"inwoners", "doelgroep"} <= set(tabel.columns):
            continue
        inwoners = pd.to_numeric(tabel["inwoners"], errors="coerce")
        groter = (pd.to_numeric(tabel["doelgroep"], errors="coerce") > inwoners + 0.5).to_numpy()
        if not groter.any():
            continue
        eerste = tabel[groter].iloc[0]
        waar = tabel.index[groter][0]
        waar = " / ".join(map(str, waar)) if isinstance(waar, tuple) else str(waar)
        n = int(groter.sum())
        regel = (
            f"Let op: in {getal(n)} {'rij' if n == 1 else 'rijen'} van blad '{naam}' is de "
            f"doelgroep groter dan alle inwoners (bv. {waar}: doelgroep "
            f"{getal(eerste['doelgroep'])}, inwoners {getal(eerste['inwoners'])}). De doelgroep "
            "komt uit de CBS-buurtcijfers, 'Inwoners (alle)' uit de vraagpunten; hier tellen ze "
            "niet hetzelfde (zie bij Bronnen hoe de vraagpunten gemaakt zijn). De hiaatscore "
            "rekent met de vraagpunten, de benodigde capaciteit met de doelgroep."
        )
        log.warning("%s", regel)
        regels.append(regel)
    return regels


def _schrijf_werkboek(
    pad: Path,
    bladen: Mapping[str, pd.DataFrame],
    regels: Sequence[str],
    herkomst: Mapping[str, Herkomst],
    *,
    context: str | None,
) -> None:
    """The workbook at ``pad`` (a temporary path): the data sheets, ``Kolommen``,
    ``Toelichting`` (``regels``, which population each column counts where a sheet has both,
    :func:`bevolking_toelichting` and :func:`bevolking_opmerkingen`) and ``Bronnen``."""
    kolommen = load_kolommen()
    with pd.ExcelWriter(pad, engine="openpyxl") as xl:
        geschreven = [
            _schrijf_data(xl, naam, tabel, kolommen=kolommen, context=context)
            for naam, tabel in bladen.items()
        ]
        _kolommen_tabel(geschreven).to_excel(xl, sheet_name=KOLOMMEN_BLAD, index=False)
        _maak_op(xl.sheets[KOLOMMEN_BLAD], [None] * 4, max_breedte=100)
        xl.sheets[KOLOMMEN_BLAD].column_dimensions["D"].width = 100
        beide = any({"inwoners", "doelgroep"} <= set(t.columns) for t in bladen.values())
        noten = [
            *regels,
            *(bevolking_toelichting() if beide else []),
            *bevolking_opmerkingen(bladen),
            f"Wat elke kolom betekent en in welke eenheid: zie het blad {KOLOMMEN_BLAD}.",
        ]
        safe_cells(pd.DataFrame({"Toelichting": noten})).to_excel(
            xl, sheet_name="Toelichting", index=False
        )
        _maak_op(xl.sheets["Toelichting"], [None], filter_=False, max_breedte=120)
        bronnen = bronnen_tabel(herkomst)
        safe_cells(bronnen).to_excel(xl, sheet_name="Bronnen", index=False)
        _maak_op(xl.sheets["Bronnen"], [None] * len(bronnen.columns), max_breedte=80)
        for naam in (KOLOMMEN_BLAD, "Toelichting", "Bronnen"):
            for rij in xl.sheets[naam].iter_rows(min_row=2):
                for cel in rij:
                    cel.alignment = Alignment(wrap_text=True, vertical="top")
        _cellen_als_tekst(xl)


def _csv_tekst(waarde: object) -> object:
    """A text for the Dutch CSV: visible characters only, and a leading apostrophe before a
    formula character (:data:`FORMULETEKENS`), as OWASP advises against CSV injection."""
    if not isinstance(waarde, str):
        return waarde
    tekst = zichtbare_tekst(waarde)
    return "'" + tekst if tekst.startswith(FORMULETEKENS) else tekst


def _check_csv_formaat(csv_formaat: str) -> None:
    if csv_formaat not in ("nl", "standaard"):
        raise GebiedsplanError(
            f"CSV-formaat {csv_formaat!r} bestaat niet; kies 'nl' (puntkomma, decimale komma, "
            "voor Excel) of 'standaard' (komma, decimale punt, voor programma's)."
        )


def write_csv(tabel: pd.DataFrame, pad: str | Path, *, csv_formaat: CsvFormaat = "nl") -> Path:
    """Write ``tabel`` (index as columns, headers the column codes) as CSV; atomically.

    ``csv_formaat="nl"`` (default) is the dialect a Dutch Excel opens in columns: ``;`` between
    the fields, a decimal comma, no thousands separator, UTF-8 with BOM. Excel opens it, so a
    text that starts with a formula character (``=``, ``+``, ``-``, ``@``, tab, carriage
    return; ``=HYPERLINK(...)`` from a facility name) gets a leading apostrophe and is never
    computed, and invisible bidi-control characters are removed. ``"standaard"`` is the plain
    CSV for programs: ``,``, a decimal point, UTF-8 without BOM, texts unchanged. Numbers have
    at most four decimals; missing values are empty fields, never 0.

    Examples
    --------
    >>> import tempfile, pandas as pd
    >>> from pathlib import Path
    >>> t = pd.DataFrame({"naam": ["=1+1", "Oost"], "aandeel": [0.5, None]})
    >>> pad = write_csv(t, Path(tempfile.mkdtemp()) / "x.csv")
    >>> pad.read_bytes()[:3] == b"\\xef\\xbb\\xbf"
    True
    >>> pad.read_text(encoding="utf-8-sig").splitlines()
    ['naam;aandeel', "'=1+1;0,5000", 'Oost;']
    >>> write_csv(t, pad, csv_formaat="standaard").read_text(encoding="utf-8").splitlines()
    ['naam,aandeel', '=1+1,0.5000', 'Oost,']
    """
    _check_csv_formaat(csv_formaat)
    vlak = tabel.reset_index() if tabel.index.names[0] is not None else tabel
    with atomic_path(Path(pad)) as tmp:
        if csv_formaat == "nl":
            tekst = vlak.copy()
            for kolom in tekst.columns:
                if tekst[kolom].dtype == object or pd.api.types.is_string_dtype(tekst[kolom]):
                    tekst[kolom] = tekst[kolom].map(_csv_tekst)
            tekst.to_csv(
                tmp, index=False, sep=";", decimal=",", float_format="%.4f", encoding="utf-8-sig"
            )
        else:
            vlak.to_csv(tmp, index=False, float_format="%.4f", encoding="utf-8")
    return Path(pad)


def write_workbook(
    pad: str | Path,
    bladen: Mapping[str, pd.DataFrame],
    *,
    toelichting: list[str],
    herkomst: Mapping[str, Herkomst],
    synthetisch: bool,
    context: str | None = None,
) -> Path:
    """An Excel workbook for IAB teams, written atomically: one sheet per view of ``bladen``
    (the index written as columns), then ``Kolommen``, ``Toelichting`` and ``Bronnen``.

    Every data sheet has Dutch headers and number formats from the column vocabulary
    (``lagen/catalogus/kolommen.yml``, :func:`gebiedsplan.catalogus.kolom_info`; ``context``
    such as ``"vergelijking"`` or ``"locatie"`` picks the entries of columns that mean
    something else there), a bold frozen header (the area code stays in view too), an
    autofilter and fitted widths; a column the vocabulary does not know keeps its code as
    header and is logged. ``Kolommen`` explains every column with its unit. The notes say when
    the gemeente is synthetic (``synthetisch``), else name the fictitious layers and sources of
    ``herkomst``, and where the target group exceeds the residents
    (:func:`bevolking_opmerkingen`); ``Bronnen`` has one row per source of every layer.

    Examples
    --------
    >>> import tempfile, pandas as pd
    >>> from pathlib import Path
    >>> from gebiedsplan.bronnen import Herkomst
    >>> pad = write_workbook(Path(tempfile.mkdtemp()) / "x.xlsx", {"Hiaten": pd.DataFrame(
    ...     {"hiaatscore": [50.0]})}, toelichting=["Voorbeeld"], synthetisch=True,
    ...     herkomst={"wijken": Herkomst("demo", "2026-01-01", "CC0", synthetisch=True)})
    >>> pd.ExcelFile(pad).sheet_names
    ['Hiaten', 'Kolommen', 'Toelichting', 'Bronnen']
    >>> pd.read_excel(pad, "Hiaten").columns.tolist()
    ['Hiaatscore (0-100)']
    """
    pad = Path(pad)
    regels = list(toelichting)
    if waarschuwing := _waarschuwing(herkomst, synthetisch=synthetisch):
        regels.insert(1, waarschuwing)
    with atomic_path(pad) as tmp:
        _schrijf_werkboek(tmp, bladen, regels, herkomst, context=context)
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
    csv_formaat: CsvFormaat = "nl",
    niveaus: Mapping[str, tuple[pd.DataFrame, gpd.GeoDataFrame]] | None = None,
    voorzieningen: gpd.GeoDataFrame | None = None,
    accommodaties: gpd.GeoDataFrame | None = None,
    signalen: Mapping[str, pd.DataFrame] | None = None,
) -> dict[str, Path]:
    """Write the gap table as CSV, Excel and GeoPackage for QGIS; all three or none.

    The Excel workbook (:func:`write_workbook`'s layout) has one sheet per view: ``Hiaten per
    wijk``, then every table of ``meer`` under its own name (e.g. ``Hiaten per buurt``,
    ``Hiaten per gebied``), then ``Kolommen``, ``Toelichting`` and ``Bronnen``. The CSV is the
    wijk table with the columns' codes as headers (:func:`write_csv`).

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
    csv_formaat
        ``"nl"`` (default: ``;``, decimal comma, UTF-8 with BOM, for a Dutch Excel) or
        ``"standaard"`` (``,``, decimal point, no BOM, for programs); see :func:`write_csv`.
    niveaus
        The gap table and polygons of every level for the GeoPackage,
        ``{"wijk"|"buurt"|"gebied": (table, polygons)}``
        (:func:`gebiedsplan.publiceren.qgis.hiaten_niveaus`); default the wijk level of
        ``hiaten`` and ``wijken``. Per level a layer ``hiaten_<niveau>`` with one area per
        feature and wide columns per category, the long table beside it, and QGIS styles
        (:func:`gebiedsplan.publiceren.qgis.write_hiaten_gpkg`).
    voorzieningen, accommodaties
        The facilities for the GeoPackage's ``voorzieningen`` layer (the publishable ones
        only; the accommodations tell which are sensitive by function); default none.
    signalen
        The pins of residents per level, ``{"wijk"|"buurt"|"gebied": table}``
        (:attr:`gebiedsplan.analyse.run.Analyse.signalen`): the CSV and the Excel sheets
        ``Hiaten per wijk``, ``Hiaten per buurt`` and ``Hiaten per gebied`` get the columns
        ``signalen``, ``signalen_mist``, ``signalen_goed``, ``signalen_knelpunt`` (0 where an
        area had no pin) and ``signaal_vs_meting``
        (:func:`gebiedsplan.analyse.inbreng.join_signalen`). None (no layer inbreng): no such
        columns, never zeros. The GeoPackage keeps the gap table without them.

    Returns
    -------
    dict
        ``{"csv": path, "xlsx": path, "gpkg": path}``.

    Examples
    --------
    >>> import tempfile, gebiedsplan as gp
    >>> g = gp.demo_gemeente()
    >>> paden = write_hiaten(gp.run_analyse(g).hiaten, g.wijken, tempfile.mkdtemp(),
    ...     naam="hiaten_GM9999", titel=g.titel, herkomst=g.herkomst, synthetisch=True)
    >>> paden["csv"].read_text(encoding="utf-8-sig").split(";")[:3]
    ['wijkcode', 'categorie', 'wijknaam']
    """
    _check_csv_formaat(csv_formaat)
    map_ = Path(map_)
    doelen = {soort: map_ / f"{naam}.{soort}" for soort in ("csv", "xlsx", "gpkg")}
    bladen = {"Hiaten per wijk": hiaten, **(meer or {})}
    regels = [*_toelichting(titel, herkomst, synthetisch), *opmerkingen]
    if signalen is not None:
        from gebiedsplan.analyse.inbreng import join_signalen

        for niveau, blad in (
            ("wijk", "Hiaten per wijk"),
            ("buurt", "Hiaten per buurt"),
            ("gebied", "Hiaten per gebied"),
        ):
            if niveau in signalen and blad in bladen:
                bladen[blad] = join_signalen(bladen[blad], signalen[niveau])
        regels.append(
            "signalen: spelden van bewoners (laag inbreng) per gebied en categorie; "
            "signaal_vs_meting: 'bevestigt' (vooral mist/knelpunt en hiaatscore >= 25), "
            "'tegenstrijdig' (vooral mist en hiaatscore < 10, of vooral goed en hiaatscore "
            ">= 50), anders leeg."
        )
    with atomic_batch():  # all three or none, and with the other files of the run
        write_csv(bladen["Hiaten per wijk"], doelen["csv"], csv_formaat=csv_formaat)
        with atomic_path(doelen["xlsx"]) as tmp:
            _schrijf_werkboek(tmp, bladen, regels, herkomst, context=None)
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
        write_hiaten_gpkg(
            doelen["gpkg"],
            niveaus or {"wijk": (hiaten, wijken)},
            voorzieningen=voorzieningen,
            accommodaties=accommodaties,
            metadata=meta,
        )
    log.info("Hiatentabel geschreven: %s", ", ".join(str(p) for p in doelen.values()))
    return doelen


def write_vergelijking(
    vergelijking: Vergelijking,
    map_: str | Path,
    *,
    naam: str,
    titel: str,
    herkomst: Mapping[str, Herkomst],
    synthetisch: bool,
    csv_formaat: CsvFormaat = "nl",
) -> dict[str, Path]:
    """Write the comparison with CBS Nabijheid as CSV (per buurt and category, the columns'
    codes as headers, :func:`write_csv`) and Excel (sheets ``Per voorziening``, ``Per buurt``,
    ``Kolommen``, ``Toelichting`` with the method and the expected differences, ``Bronnen``;
    headers from the vocabulary in context ``vergelijking``); both or neither.

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
    csv_formaat
        ``"nl"`` (default, for a Dutch Excel) or ``"standaard"`` (for programs), as in
        :func:`write_csv`.

    Returns
    -------
    dict
        ``{"csv": path, "xlsx": path}``.
    """
    _check_csv_formaat(csv_formaat)
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
        write_csv(per_buurt, doelen["csv"], csv_formaat=csv_formaat)
        write_workbook(
            doelen["xlsx"],
            {"Per voorziening": samenvatting, "Per buurt": per_buurt},
            toelichting=regels,
            herkomst=herkomst,
            synthetisch=synthetisch,
            context="vergelijking",
        )
    log.info("Vergelijking met CBS geschreven: %s", ", ".join(str(p) for p in doelen.values()))
    return doelen
