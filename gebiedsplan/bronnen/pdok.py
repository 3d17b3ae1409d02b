"""Wijken and buurten of one gemeente from the CBS Wijk- en Buurtkaart (via PDOK).

Online, :func:`fetch_wijken_buurten` asks the PDOK OGC API Features service of the year
(``https://api.pdok.nl/cbs/wijken-en-buurten-{jaar}/ogc/v1``, collections ``wijken`` and
``buurten``) for the features of one gemeentecode, in RD (EPSG:28992), following the ``next``
links page by page. Its file twin :func:`read_wijken_buurten` reads the same data from the
GeoPackage CBS/PDOK publish (``wijkenbuurten_{jaar}.gpkg``, layers ``wijken`` and ``buurten``),
or from separate files per layer, and also the kaart of the years before 2022 as CBS
published it: shapefiles ``buurt_2019_v3.shp``, ``wijk_2019_v3.shp`` (from 2021
``buurten_2021_v3.shp``, ...) with upper-case columns (``BU_CODE``, ``GM_CODE``, ``WATER`` or
``H2O``, ``AANT_INW``, ...), or a GeoPackage with such layers (``cbs_buurten_2021``). Which
names and columns these are is data: ``kaart_oud`` in ``lagen/catalogus/cbs.yml``.

Both leave out water-only polygons (``water`` = ``JA``), turn CBS codes for "geheim/onbekend"
(e.g. ``-99999999``, ``-99997``) into missing values, keep every key figure the source carries
as an extra column, and name the figures of the catalogue (``aantal_inwoners``,
``aantal_huishoudens``, ...) as ``lagen/catalogus/cbs.yml`` says. The PDOK service carries the
age bands only as percentages (``percentage_personen_0_tot_15_jaar``); the counts the catalogue
wants come from StatLine via :func:`gebiedsplan.bronnen.cbs.join_kerncijfers`.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import geopandas as gpd
import pandas as pd
import pyogrio

from gebiedsplan import settings
from gebiedsplan._http import Verzoek, full_url, iter_pages
from gebiedsplan._io import check_bestand
from gebiedsplan._validate import check_gemeentecode, stelsel_van, validate_laag
from gebiedsplan.bronnen import Herkomst, Laag
from gebiedsplan.bronnen._datering import bestand_datum, jaar_in_kolom, jaar_in_naam
from gebiedsplan.bronnen._statline import (
    gemeentecodes,
    jaar_tekst,
    opgehaald_op,
    resolve_kolommen,
    sentinels_to_missing,
)
from gebiedsplan.bronnen.nabijheid import lang_formaat
from gebiedsplan.catalogus import load_cbs_config
from gebiedsplan.errors import BronError

log = logging.getLogger(__name__)

#: The layers this source delivers, with their key and name columns.
LAGEN = ("wijken", "buurten")
_SLEUTEL = {"wijken": "wijkcode", "buurten": "buurtcode"}
#: RD New as OGC CRS URI, for the ``crs`` parameter of OGC API Features.
RD_CRS = "http://www.opengis.net/def/crs/EPSG/0/28992"
#: Features per page (the PDOK maximum is 1000).
PAGINA = 1000
BRON = "PDOK"
#: Columns of the Wijk- en Buurtkaart that hold the year of its indeling.
JAARKOLOMMEN = ("jaarcode", "jaar")

PadOfPaden = str | os.PathLike[str] | Sequence[str | os.PathLike[str]]
Invoer = PadOfPaden | Mapping[str, str | os.PathLike[str]]


# --- online --------------------------------------------------------------------------------


def fetch_wijken_buurten(gemeentecode: str, *, jaar: int) -> dict[str, Laag]:
    """Wijken and buurten of one gemeente from the PDOK OGC API of the Wijk- en Buurtkaart.

    Parameters
    ----------
    gemeentecode
        CBS code, e.g. ``"GM0202"`` (Arnhem).
    jaar
        Year of the Wijk- en Buurtkaart (the years PDOK serves are listed in ``cbs.yml``).

    Returns
    -------
    dict
        ``{"wijken": Laag, "buurten": Laag}``, validated, in EPSG:28992.

    Raises
    ------
    BronError
        For a gemeentecode not of the form GMdddd, a year PDOK does not serve, a gemeentecode
        without wijken or buurten, or an answer that is not in RD.

    Examples
    --------
    >>> from gebiedsplan.bronnen.pdok import fetch_wijken_buurten
    >>> lagen = fetch_wijken_buurten("GM0202", jaar=2024)  # doctest: +SKIP
    >>> len(lagen["buurten"].data)  # doctest: +SKIP
    83
    """
    code = check_gemeentecode(gemeentecode)
    cfg = load_cbs_config()["pdok"]
    if jaar not in cfg["jaren"]:
        raise BronError(
            f"PDOK: geen Wijk- en Buurtkaart bekend voor jaar {jaar}; bekend zijn "
            f"{jaar_tekst(cfg['jaren'])}. Publiceert PDOK een nieuwe jaargang, voeg het jaar "
            "toe aan pdok.jaren in lagen/catalogus/cbs.yml."
        )
    basis = str(cfg["url"]).format(jaar=jaar)
    uit: dict[str, Laag] = {}
    for laag in LAGEN:
        url = f"{basis}/collections/{laag}/items"
        params: dict[str, Any] = {"f": "json", "crs": RD_CRS, "gemeentecode": code, "limit": PAGINA}
        features = _fetch_features(url, params)
        query = full_url(url, params)
        if not features:
            raise BronError(
                f"PDOK gaf geen {laag} voor gemeentecode {code} in de Wijk- en Buurtkaart {jaar} "
                f"({query}). Bestond de gemeente in {jaar}? Controleer de code (CBS-lijst van "
                "gemeenten) of kies een ander jaar."
            )
        frame = gpd.GeoDataFrame.from_features(features, crs=settings.crs)
        _check_rd(frame, query)
        indeling = jaar_in_kolom(frame, JAARKOLOMMEN)
        jaar_data = indeling[0] if indeling is not None else jaar
        herkomst = Herkomst(
            bron=f"{cfg['bron']} {jaar_data} (PDOK OGC API)",
            datum=opgehaald_op(url, params),
            licentie=str(cfg["licentie"]),
            query=query,
            peildatum=str(jaar_data),
            indeling=str(jaar_data),
        )
        data = _prepare(frame, laag, gemeentecode=code, bron=f"PDOK {laag} {jaar}")
        uit[laag] = Laag(naam=laag, data=data, herkomst=herkomst)
        log.info("PDOK: %d %s van %s (%d)", len(data), laag, code, jaar)
    return uit


def _volgende(pagina: dict[str, Any], verzoek: Verzoek) -> Verzoek | None:
    """The ``next`` link of an OGC API Features page, still asking for RD; None on the last."""
    href = next(
        (
            str(link["href"])
            for link in pagina.get("links", [])
            if isinstance(link, dict) and link.get("rel") == "next" and link.get("href")
        ),
        None,
    )
    if href is None:
        return None
    if "crs" in parse_qs(urlsplit(href).query):
        return href, None
    return href, {"crs": RD_CRS}  # keep asking for RD on every page


def _fetch_features(url: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    """Every feature of an OGC API items request, following the ``next`` links."""
    pagen = iter_pages(
        url, params, lijst="features", volgende=_volgende, bron=BRON, wat="de 'next'-link"
    )
    return [feature for pagina in pagen for feature in pagina]


def _check_rd(frame: gpd.GeoDataFrame, query: str) -> None:
    """PDOK answers GeoJSON without a CRS member: make sure the numbers are RD metres."""
    geldig = frame.geometry[frame.geometry.notna() & ~frame.geometry.is_empty]
    if geldig.empty:
        return
    grenzen = geldig.total_bounds
    stelsel = stelsel_van(grenzen)
    if stelsel == "graden":
        raise BronError(
            f"PDOK gaf lengte-/breedtegraden terug ({query}) terwijl RD (EPSG:28992) was "
            "gevraagd; gebiedsplan raadt het stelsel niet. Meld dit, of lees het GeoPackage "
            "met read_wijken_buurten."
        )
    if stelsel is None:
        minx, miny, maxx, maxy = grenzen
        raise BronError(
            f"PDOK gaf coördinaten buiten Nederland in RD ({minx:.0f}, {miny:.0f}, {maxx:.0f}, "
            f"{maxy:.0f}) op {query}; verwacht EPSG:28992."
        )


# --- file twin -----------------------------------------------------------------------------


def read_wijken_buurten(
    path: Invoer,
    *,
    gemeentecode: str | Sequence[str] | None,
    jaar: int | None = None,
) -> dict[str, Laag]:
    """Wijken and buurten of one gemeente (or several, or all) from Wijk- en Buurtkaart files.

    Parameters
    ----------
    path
        One of:

        - a GeoPackage with layers ``wijken`` and/or ``buurten`` (as CBS/PDOK publish it,
          ``wijkenbuurten_{jaar}.gpkg``);
        - a list of files, each holding a layer ``wijken`` or ``buurten``;
        - the kaart of a year before 2022 as CBS published it: the shapefiles
          ``buurt_2019_v3.shp`` and ``wijk_2019_v3.shp`` (2021: ``buurten_2021_v3.shp``,
          ``wijken_2021_v3.shp``; a ``gemeente_*`` file is not read), or a GeoPackage with
          such layers (``cbs_buurten_2021``, ``cbs_wijken_2021``). Layers are recognised by
          name, case-insensitively; the upper-case columns (``BU_CODE``, ``BU_NAAM``,
          ``WK_CODE``, ``GM_CODE``, ``WATER``/``H2O``, ``AANT_INW``, ``AANTAL_HH``,
          ``GEM_HH_GR``) get the catalogue names (``kaart_oud`` in ``cbs.yml``); the other
          columns stay as they are (the age bands ``P_00_14_JR``, ... are whole percentages
          and are not turned into counts);
        - a mapping ``{"wijken": file, "buurten": file}`` for files whose layer has another
          name (a file with one layer is read whatever its layer is called).
    gemeentecode
        CBS code, e.g. ``"GM0202"``; only its wijken and buurten are returned. Several codes:
        those gemeenten; None: every gemeente in the file (a national run reads it once).
    jaar
        The year of the run (``--jaar``). The indeling year of each layer comes from its data
        (a ``jaarcode`` or ``jaar`` column with one year), else from the layer name or the file
        name when it holds one year (``buurt_2019_v3``, ``buurten_2022.gpkg``); only when none
        says it is ``jaar`` assumed, with a warning. The year found is the layer's
        ``Herkomst.indeling`` and ``peildatum``, and how it was found is in its ``query``.

    Returns
    -------
    dict
        ``{"wijken": Laag, "buurten": Laag}`` with the layers found, validated, in EPSG:28992.

    Raises
    ------
    BronError
        A missing file or layer (naming the layers found and the names expected), a layer
        without CRS or without a code column, a gemeentecode not of the form GMdddd or without
        rows (naming the codes the file has).
    CRSError
        A layer without CRS, or whose coordinates do not fit it: latitude and longitude (or
        RD x and y) swapped, RD metres labelled as degrees, rows outside the Netherlands;
        each named with its fix (:func:`gebiedsplan._validate.naar_rd`).

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> buurten = gpd.GeoDataFrame({"buurtcode": ["BU99990101", "BU99990102"],
    ...     "buurtnaam": ["Noord", "Plas"], "gemeentecode": ["GM9999", "GM9999"],
    ...     "water": ["NEE", "JA"], "aantal_inwoners": [1200, -99999999]},
    ...     geometry=[box(172000, 492000, 172500, 492500), box(172500, 492000, 172900, 492500)],
    ...     crs="EPSG:28992")
    >>> bestand = Path(tempfile.mkdtemp()) / "wijkenbuurten_2024.gpkg"
    >>> buurten.to_file(bestand, layer="buurten")
    >>> lagen = read_wijken_buurten(bestand, gemeentecode="GM9999", jaar=2024)
    >>> uit = lagen["buurten"].data  # the water buurt is left out
    >>> list(uit.index), uit.loc["BU99990101", "wijkcode"], int(uit.loc["BU99990101", "aantal_inwoners"])
    (['BU99990101'], 'WK999901', 1200)
    """
    codes = gemeentecodes(gemeentecode)
    code = ", ".join(codes) if codes is not None else "alle gemeenten"
    cfg = load_cbs_config()["pdok"]
    uit: dict[str, Laag] = {}
    for laag, (bestand, laagnaam) in _bestanden(path).items():
        where = None
        velden = [str(v) for v in pyogrio.read_info(bestand, layer=laagnaam).get("fields", [])]
        gm_veld = _gemeenteveld(velden)
        if gm_veld is not None and codes is not None:
            waarden = ", ".join(f"'{c}', '{c[2:]}'" for c in codes)
            where = f"{gm_veld} IN ({waarden})"
        frame = pyogrio.read_dataframe(bestand, layer=laagnaam, where=where)
        if frame.crs is None:
            raise BronError(
                f"{bestand}, laag '{laagnaam}': geen coördinatenstelsel (CRS); gebiedsplan raadt "
                "het niet. De Wijk- en Buurtkaart is in RD: zet het in QGIS op EPSG:28992."
            )
        if frame.empty and gm_veld is not None:
            alle = pyogrio.read_dataframe(
                bestand, layer=laagnaam, columns=[gm_veld], read_geometry=False
            )
            aanwezig = sorted({str(v) for v in alle[gm_veld].dropna()})
            voorbeeld = ", ".join(aanwezig[:10]) + (" …" if len(aanwezig) > 10 else "")
            raise BronError(
                f"{bestand}, laag '{laagnaam}': geen {laag} met gemeentecode {code}. In dit "
                f"bestand: {voorbeeld or 'geen gemeentecodes'}. Controleer de gemeentecode of "
                "het bestand (jaargang)."
            )
        frame, oud = _oude_kolommen(frame)
        if _SLEUTEL[laag] not in frame.columns:
            raise _zonder_sleutel(f"{bestand}, laag '{laagnaam}'", _SLEUTEL[laag], velden)
        if oud:
            log.info(
                "%s, laag '%s': Wijk- en Buurtkaart van voor 2022 herkend (kolommen %s)",
                bestand.name,
                laagnaam,
                ", ".join(f"{k} -> {v}" for k, v in oud.items()),
            )
        indeling, hoe = _indeling(frame, bestand, laag, jaar=jaar, laagnaam=laagnaam)
        if oud:
            hoe += f"; kolommen van de kaart van voor 2022: {', '.join(oud)}"
        herkomst = Herkomst(
            bron=f"{cfg['bron']} {indeling or '(jaar onbekend)'} (bestand {bestand.name})",
            datum=bestand_datum(bestand),
            licentie=str(cfg["licentie"]),
            query=f"{bestand}, laag {laagnaam}, gemeentecode {code}; {hoe}",
            peildatum=indeling,
            indeling=indeling,
        )
        data = _prepare(frame, laag, gemeentecode=codes, bron=f"{bestand}, laag '{laagnaam}'")
        uit[laag] = Laag(naam=laag, data=data, herkomst=herkomst)
        log.info("%s: %d %s van %s", bestand.name, len(data), laag, code)
    return uit


def _bestanden(path: Invoer) -> dict[str, tuple[Path, str]]:
    """Which file and layer hold wijken and buurten."""
    if isinstance(path, Mapping):
        uit: dict[str, tuple[Path, str]] = {}
        for laag, bestand in path.items():
            if laag not in LAGEN:
                raise BronError(
                    f"Onbekende laag '{laag}' in de opgegeven bestanden; verwacht "
                    f"{' en/of '.join(LAGEN)}."
                )
            lagen = _lagen_in(Path(bestand))
            passend = [naam for naam in lagen if _soort(naam) == laag]
            if laag in lagen:
                uit[laag] = (Path(bestand), laag)
            elif len(passend) == 1:
                uit[laag] = (Path(bestand), passend[0])
            elif len(lagen) == 1:
                uit[laag] = (Path(bestand), lagen[0])
            else:
                raise BronError(
                    f"{bestand} heeft geen laag '{laag}' en meer dan één laag "
                    f"({', '.join(lagen)}); noem het bestand met de juiste laag."
                )
        return uit
    paden = [path] if isinstance(path, str | os.PathLike) else list(path)
    uit = {}
    gezien: list[tuple[Path, list[str]]] = []
    for bestand in map(Path, paden):
        lagen = _lagen_in(bestand)
        gezien.append((bestand, lagen))
        for naam in lagen:
            soort = _soort(naam)
            if soort not in LAGEN:
                continue
            laag = str(soort)
            if laag in uit:
                eerder, eerder_naam = uit[laag]
                raise BronError(
                    f"Laag '{laag}' staat zowel in {eerder} (laag '{eerder_naam}') als in "
                    f"{bestand} (laag '{naam}'); geef één bestand per laag op, bv. "
                    "{'wijken': ..., 'buurten': ...}."
                )
            uit[laag] = (bestand, naam)
    if not uit:
        namen = ", ".join(str(p) for p in paden)
        lijst = "; ".join(f"{p.name}: {', '.join(lagen) or 'geen'}" for p, lagen in gezien)
        gemeenten = [n for _, lagen in gezien for n in lagen if _soort(n) == "gemeenten"]
        raise BronError(
            f"Geen laag 'wijken' of 'buurten' in {namen} (lagen: {lijst}). Verwacht de Wijk- en "
            "Buurtkaart van CBS/PDOK: de lagen 'wijken' en 'buurten' (2022 en later, bv. "
            "wijkenbuurten_2024.gpkg), of die van voor 2022: 'buurt_<jaar>...' en "
            "'wijk_<jaar>...' (bv. buurt_2019_v3.shp en wijk_2019_v3.shp; 2021: "
            "buurten_2021_v3.shp, cbs_buurten_2021)."
            + (
                f" {', '.join(gemeenten)} is de gemeentekaart; geef het buurten- en het "
                "wijkenbestand."
                if gemeenten
                else " Heet de laag anders, noem hem: {'wijken': bestand, 'buurten': bestand}."
            )
        )
    return uit


def _kaart_oud() -> dict[str, Any]:
    """``kaart_oud`` of ``cbs.yml``: layer names and columns of the kaart before 2022."""
    cfg = load_cbs_config().get("kaart_oud") or {}
    return {"lagen": dict(cfg.get("lagen") or {}), "kolommen": dict(cfg.get("kolommen") or {})}


def _soort(laagnaam: str) -> str | None:
    """What a layer of the Wijk- en Buurtkaart holds, by its name: ``wijken``, ``buurten`` or
    ``gemeenten`` (the names of 2022 on, or those of the years before as ``cbs.yml``
    ``kaart_oud.lagen`` says, case-insensitively); None for another name.

    Examples
    --------
    >>> _soort("buurten"), _soort("buurt_2019_v3"), _soort("WIJK_2019_V3"), _soort("export_2023")
    ('buurten', 'buurten', 'wijken', None)
    >>> _soort("cbs_buurten_2021"), _soort("gemeente_2019_v3")
    ('buurten', 'gemeenten')
    """
    if laagnaam in (*LAGEN, "gemeenten"):
        return laagnaam
    for soort, patroon in _kaart_oud()["lagen"].items():
        if re.fullmatch(str(patroon), laagnaam, flags=re.IGNORECASE):
            return str(soort)
    return None


def _oude_namen() -> dict[str, str]:
    """Column of the kaart before 2022 (upper case) -> catalogue column: the codes, names and
    water flag of ``kaart_oud.kolommen`` and the key figures of ``kerncijfers.kolommen``."""
    cfg = load_cbs_config()
    namen = {str(k).upper(): str(v) for k, v in _kaart_oud()["kolommen"].items()}
    for doel, spec in cfg["kerncijfers"]["kolommen"].items():
        if spec.get("kaart_oud"):
            namen[str(spec["kaart_oud"]).upper()] = str(doel)
    return namen


def _gemeenteveld(velden: Sequence[str]) -> str | None:
    """The field that holds the gemeentecode: ``gemeentecode``, or ``GM_CODE`` before 2022."""
    if "gemeentecode" in velden:
        return "gemeentecode"
    oud = _oude_namen()
    return next((v for v in velden if oud.get(v.upper()) == "gemeentecode"), None)


def _oude_kolommen(frame: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str]]:
    """The columns of the kaart before 2022 under their catalogue names, and which were
    renamed (old -> new). A catalogue column the frame already has is left as it is; columns
    without a catalogue name (``P_00_14_JR``, ``OAD``, ...) too.

    Examples
    --------
    >>> oud = pd.DataFrame({"BU_CODE": ["BU99990101"], "WATER": ["NEE"], "AANT_INW": [1200],
    ...     "P_65_EO_JR": [17]})
    >>> frame, namen = _oude_kolommen(oud)
    >>> list(frame.columns)
    ['buurtcode', 'water', 'aantal_inwoners', 'P_65_EO_JR']
    """
    oud = _oude_namen()
    namen: dict[str, str] = {}
    for kolom in map(str, frame.columns):
        doel = oud.get(kolom.upper())
        if doel is None or doel == kolom or doel in frame.columns or doel in namen.values():
            continue
        namen[kolom] = doel
    return frame.rename(columns=namen), namen


def _lagen_in(bestand: Path) -> list[str]:
    check_bestand(bestand, wat="Grenzenbestand")
    try:
        return [str(row[0]) for row in pyogrio.list_layers(bestand)]
    except Exception as exc:  # GDAL raises its own types
        regel = (str(exc).strip().splitlines() or [""])[0]
        raise BronError(
            f"{bestand} is geen leesbaar GIS-bestand ({regel}). Verwacht de Wijk- en Buurtkaart "
            "van CBS/PDOK als GeoPackage, of een wijken- en een buurtenbestand (GeoPackage, "
            "GeoJSON, shapefile; van voor 2022 bv. buurt_2019_v3.shp en wijk_2019_v3.shp met "
            "de .dbf, .shx en .prj ernaast); download het bestand opnieuw."
        ) from None


def _indeling(
    frame: pd.DataFrame, bestand: Path, laag: str, *, jaar: int | None, laagnaam: str = ""
) -> tuple[str, str]:
    """The indeling year of a boundary file and how it was found: from its data, its layer
    name (``buurt_2019_v3`` in a GeoPackage), its file name, or assumed from the run's year
    (with a warning); never silently."""
    uit_kolom = jaar_in_kolom(frame, JAARKOLOMMEN)
    if uit_kolom is not None:
        gevonden, kolom = uit_kolom
        log.info("%s: %s volgens indeling %d (kolom %s)", bestand.name, laag, gevonden, kolom)
        return str(gevonden), f"indeling {gevonden} uit kolom {kolom}"
    uit_laag = jaar_in_naam(laagnaam) if laagnaam and laagnaam != bestand.stem else None
    if uit_laag is not None:
        log.info(
            "%s: %s volgens indeling %d (jaar in de laagnaam %s)",
            bestand.name,
            laag,
            uit_laag,
            laagnaam,
        )
        return str(uit_laag), f"indeling {uit_laag} uit de laagnaam {laagnaam}"
    uit_naam = jaar_in_naam(bestand)
    if uit_naam is not None:
        log.info(
            "%s: %s volgens indeling %d (jaar in de bestandsnaam)", bestand.name, laag, uit_naam
        )
        return str(uit_naam), f"indeling {uit_naam} uit de bestandsnaam"
    if jaar is not None:
        log.warning(
            "%s: het bestand zegt niet van welk jaar de indeling van de %s is (geen kolom "
            "jaarcode, geen jaar in de naam); aangenomen: %d, het jaar van de import (--jaar). "
            "Klopt dat niet, zet het jaar in de bestandsnaam (bv. buurten_2022.gpkg).",
            bestand.name,
            laag,
            jaar,
        )
        return str(jaar), f"indeling {jaar} aangenomen (jaar van de import)"
    log.warning("%s: van welk jaar de indeling van de %s is, is onbekend", bestand.name, laag)
    return "", "indeling onbekend"


# --- shared: from raw features to a catalogue layer ----------------------------------------


def _prepare(
    frame: gpd.GeoDataFrame, laag: str, *, gemeentecode: str | Sequence[str] | None, bron: str
) -> gpd.GeoDataFrame | pd.DataFrame:
    """Filter to the gemeente, drop water, codes -> missing, name the key figures, validate."""
    sleutel = _SLEUTEL[laag]
    frame = sentinels_to_missing(frame)
    if sleutel not in frame.columns:
        raise _zonder_sleutel(bron, sleutel, list(map(str, frame.columns)))
    frame[sleutel] = frame[sleutel].astype("object").where(frame[sleutel].notna(), None)
    frame[sleutel] = frame[sleutel].map(lambda v: v if v is None else str(v).strip())
    if "gemeentecode" in frame.columns:
        gm = (
            frame["gemeentecode"]
            .astype("object")
            .map(lambda v: None if v is None or pd.isna(v) else str(v).strip())
        )
        frame["gemeentecode"] = gm.map(lambda v: f"GM{v}" if v and re.fullmatch(r"\d{4}", v) else v)
    else:
        frame["gemeentecode"] = frame[sleutel].map(lambda v: f"GM{v[2:6]}" if v else None)
    codes = gemeentecodes(gemeentecode)
    if codes is None:
        hier = frame["gemeentecode"].notna().to_numpy(dtype=bool)
    else:
        hier = frame["gemeentecode"].isin(codes).to_numpy(dtype=bool)
    if not hier.any():
        aanwezig = sorted({str(v) for v in frame["gemeentecode"].dropna()})
        voorbeeld = ", ".join(aanwezig[:10]) + (" …" if len(aanwezig) > 10 else "")
        raise BronError(
            f"{bron}: geen {laag} met gemeentecode {', '.join(codes or ['(alle)'])}. In deze bron: "
            f"{voorbeeld or 'geen gemeentecodes'}. Controleer de gemeentecode of het jaar."
        )
    frame = frame.loc[hier].copy()
    if "water" in frame.columns:
        water = frame["water"].astype("object").map(lambda v: str(v).strip().upper()) == "JA"
        if water.any():
            log.info("%s: %d waterpolygonen weggelaten", bron, int(water.sum()))
        frame = frame.loc[~water.to_numpy(dtype=bool)].copy()
    if laag == "buurten":
        afgeleid = frame[sleutel].map(lambda v: f"WK{v[2:8]}" if v else None)
        if "wijkcode" in frame.columns:
            bestaand = (
                frame["wijkcode"]
                .astype("object")
                .map(
                    lambda v: (
                        None if v is None or pd.isna(v) or not str(v).strip() else str(v).strip()
                    )
                )
            )
            frame["wijkcode"] = bestaand.where(bestaand.notna(), afgeleid)
        else:
            frame["wijkcode"] = afgeleid
    frame = _kerncijfer_kolommen(frame, bron=bron)
    if laag == "buurten" and "aantal_inwoners" not in frame.columns:
        log.warning(
            "%s: geen inwonertal in deze bron; aantal_inwoners blijft leeg. Vul het aan met "
            "gebiedsplan.bronnen.cbs.join_kerncijfers.",
            bron,
        )
        frame["aantal_inwoners"] = pd.array([pd.NA] * len(frame), dtype="Int64")
    return validate_laag(frame, laag, bron=bron, nederland=True)


def _zonder_sleutel(bron: str, sleutel: str, kolommen: Sequence[str]) -> BronError:
    """The error for a layer without its code column, naming what it has and both layouts."""
    oud = [k for k, v in _oude_namen().items() if v == sleutel]
    return BronError(
        f"{bron}: kolom '{sleutel}' ontbreekt; aanwezig: "
        f"{', '.join(c for c in kolommen if c != 'geometry')}. Verwacht de Wijk- en "
        f"Buurtkaart van CBS/PDOK: kolom {sleutel} (2022 en later)"
        + (f" of {' of '.join(oud)} (kaart van voor 2022)" if oud else "")
        + "; kies het bestand met de wijk- en buurtgrenzen (niet de gemeentekaart)."
    )


def _kerncijfer_kolommen(frame: pd.DataFrame, *, bron: str) -> pd.DataFrame:
    """Rename the source's key figures to the catalogue columns of ``cbs.yml``.

    The PDOK names (``gemiddelde_huishoudsgrootte``) and StatLine keys (``AantalInwoners_5``,
    also behind an exporter's prefix such as ``kwb24_AantalInwoners_5``) are both recognised.
    Every other column stays as it is.
    """
    kolommen = load_cbs_config()["kerncijfers"]["kolommen"]
    namen: dict[str, str] = {}
    for doel, spec in kolommen.items():
        if doel in frame.columns:
            continue
        pdok = spec.get("pdok")
        if pdok and pdok in frame.columns:
            namen[pdok] = doel
    nog = {doel: list(spec["stam"]) for doel, spec in kolommen.items() if doel not in frame}
    nog = {doel: stems for doel, stems in nog.items() if doel not in namen.values()}
    if nog:
        gevonden = _statline_kolommen(list(map(str, frame.columns)), nog, bron=bron)
        namen.update({key: doel for doel, key in gevonden.items()})
    if namen:
        log.debug("%s: kolommen hernoemd: %s", bron, namen)
    return frame.rename(columns=namen)


def _statline_kolommen(
    kolommen: list[str], gezocht: dict[str, list[str]], *, bron: str
) -> dict[str, str]:
    """StatLine keys among file columns, directly or behind one exporter prefix."""
    voorvoegsels: set[str] = set()
    for stems in gezocht.values():
        for stem in stems:
            patroon = re.compile(rf"^([A-Za-z0-9]+_)?{re.escape(stem)}_\d+$")
            for kolom in kolommen:
                match = patroon.fullmatch(kolom)
                if match:
                    voorvoegsels.add(match.group(1) or "")
    if not voorvoegsels:
        return {}
    voorvoegsel = "" if "" in voorvoegsels else sorted(voorvoegsels)[0]
    if len(voorvoegsels) > 1:
        log.warning(
            "%s: CBS-kerncijfers met meerdere voorvoegsels (%s); gebruikt: '%s'",
            bron,
            ", ".join(sorted(voorvoegsels)),
            voorvoegsel,
        )
    elif voorvoegsel:
        log.info("%s: CBS-kerncijfers herkend met voorvoegsel '%s'", bron, voorvoegsel)
    return resolve_kolommen(kolommen, gezocht, tabel=bron, voorvoegsel=voorvoegsel)


# --- CBS Nabijheid in the Wijk- en Buurtkaart -----------------------------------------------


def nabijheid_uit_kaart(lagen: Mapping[str, Laag], *, gemeentecode: str) -> Laag | None:
    """The CBS Nabijheid figures the Wijk- en Buurtkaart carries, as the layer ``nabijheid``.

    The kaart has the average distance over the road to the nearest huisartsenpraktijk, grote
    supermarkt, kinderdagverblijf and school (basisonderwijs) per wijk and buurt as columns
    (``afstand_tot_huisartsenpraktijk``, ... in the PDOK OGC API and the GeoPackage since 2022;
    ``g_afs_hp``, ... in the KWB spreadsheets; ``nabijheid.categorieen.*.kaart`` in
    ``cbs.yml``). :func:`fetch_wijken_buurten` and :func:`read_wijken_buurten` keep them as
    extra columns (CBS codes for "geheim" already missing); this turns them into the long layer
    of :mod:`gebiedsplan.bronnen.nabijheid`. The year is the kaart's year (its peildatum; CBS
    does not say in the kaart which reference date its distances have, so only the year is
    given).

    Parameters
    ----------
    lagen
        ``{"wijken": Laag, "buurten": Laag}`` from :func:`fetch_wijken_buurten` or
        :func:`read_wijken_buurten` (either may be missing).
    gemeentecode
        CBS code, e.g. ``"GM0202"``.

    Returns
    -------
    Laag or None
        None when the kaart has none of the distance columns (then the StatLine Nabijheid table
        is the source: :func:`gebiedsplan.bronnen.nabijheid.fetch_nabijheid`).

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> buurten = gpd.GeoDataFrame({"buurtcode": ["BU99990101"], "buurtnaam": ["Noord"],
    ...     "gemeentecode": ["GM9999"], "aantal_inwoners": [1200],
    ...     "afstand_tot_huisartsenpraktijk": [0.7]},
    ...     geometry=[box(172000, 492000, 172500, 492500)], crs="EPSG:28992")
    >>> kaart = {"buurten": Laag("buurten", _prepare(buurten, "buurten", gemeentecode="GM9999",
    ...     bron="x"), Herkomst("CBS Wijk- en Buurtkaart 2024", "2025-01-01", "CC BY 4.0",
    ...     indeling="2024"))}
    >>> nabijheid_uit_kaart(kaart, gemeentecode="GM9999").data["afstand_km"].tolist()
    [0.7]
    """
    code = check_gemeentecode(gemeentecode)
    categorieen = load_cbs_config()["nabijheid"]["categorieen"]
    delen: list[pd.DataFrame] = []
    herkomsten: list[Herkomst] = []
    jaren: set[int] = set()
    for naam in LAGEN:
        laag = lagen.get(naam)
        if laag is None:
            continue
        kolommen = {
            cat: next((k for k in spec.get("kaart", []) if k in laag.data.columns), None)
            for cat, spec in categorieen.items()
        }
        gevonden = {cat: k for cat, k in kolommen.items() if k is not None}
        if not gevonden:
            continue
        jaar_tekst_ = laag.herkomst.indeling or laag.herkomst.peildatum[:4]
        if not jaar_tekst_.isdigit():
            log.warning(
                "%s: de kaart zegt niet van welk jaar hij is; de afstanden worden niet gebruikt",
                laag.herkomst.bron,
            )
            continue
        jaar = int(jaar_tekst_)
        jaren.add(jaar)
        frame = pd.DataFrame(laag.data[list(gevonden.values())]).reset_index()
        frame = frame.rename(columns={frame.columns[0]: "code"})
        delen.append(
            lang_formaat(
                frame,
                codekolom="code",
                kolommen=gevonden,
                gemeentecode=code,
                jaar=jaar,
                bron=f"{laag.herkomst.bron}, laag {naam}",
                brontekst=f"CBS Nabijheid in de Wijk- en Buurtkaart {jaar}",
            )
        )
        herkomsten.append(laag.herkomst)
        ontbreekt = sorted(set(categorieen) - set(gevonden))
        log.info(
            "%s: nabijheid uit de kolommen %s%s",
            laag.herkomst.bron,
            ", ".join(gevonden.values()),
            f" (niet in de kaart: {', '.join(ontbreekt)})" if ontbreekt else "",
        )
    if not delen:
        return None
    data = pd.concat(delen)
    eerste = herkomsten[-1]
    jaar = max(jaren)
    herkomst = Herkomst(
        bron=f"CBS Nabijheid in de Wijk- en Buurtkaart {jaar} ({eerste.bron})",
        datum=eerste.datum,
        licentie=eerste.licentie,
        query="; ".join(dict.fromkeys(h.query for h in herkomsten if h.query))
        + "; kolommen afstand_tot_* (gemiddelde afstand over de weg, km)",
        synthetisch=any(h.synthetisch for h in herkomsten),
        peildatum=str(jaar),
        indeling=eerste.indeling or str(jaar),
    )
    return Laag(naam="nabijheid", data=data, herkomst=herkomst)
