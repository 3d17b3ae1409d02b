"""GeoPackages a QGIS user opens as they are: one feature per area, Dutch aliases, styles inside.

:func:`write_hiaten_gpkg` writes the gap tables of every level (wijk, buurt, gebied) into one
GeoPackage, atomically:

- a spatial layer per level (``hiaten_wijk``, ``hiaten_buurt``, ``hiaten_gebied``) with **one
  feature per area**: the per-area columns once (:data:`GEBIEDSKOLOMMEN`: name, inwoners,
  inwoners geanalyseerd, dekking) and a few wide columns per category
  (:data:`BREDE_KOLOMMEN`: ``hiaatscore_huisarts``, ``aandeel_binnen_norm_huisarts``, ...);
- the long table of every level as it is, a non-spatial table (``hiaten_wijk_tabel``, ...);
- the publishable facilities as a point layer ``voorzieningen``
  (:func:`~gebiedsplan.publiceren.profiel.publishable_voorzieningen`: never a sensitive site);
- Dutch field aliases in the GeoPackage schema extension (``gpkg_data_columns``: ``name`` and
  ``title`` the header of ``lagen/catalogus/kolommen.yml``, with the category label for a wide
  column; ``description`` its explanation), which QGIS shows as the field alias;
- QGIS styles in the table ``layer_styles`` (the layout QGIS itself writes, see
  ``QgsOgrUtils::saveStyle``): per spatial layer a default style that QGIS applies on opening,
  and per category an extra style of the gap layers (Layer Properties > Symbology > Style).
  The gap classes and colours are those of the maps (:data:`~.opmaak.HIAAT_GRENZEN`,
  :data:`~.opmaak.HIAAT_KLEUREN`; :data:`~.opmaak.GEEN_WAARDE_KLEUR` where there is no score),
  as rules with the same bounds as :func:`~.opmaak.klasse` (a class runs from its lower bound
  up to, not including, the next); facilities are coloured by category as on the maps
  (``kleur`` in ``lagen/catalogus/categorieen.yml``).

The QML is built with :mod:`xml.etree.ElementTree`, never by pasting data into text.
"""

from __future__ import annotations

import logging
import sqlite3
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from gebiedsplan._io import atomic_path
from gebiedsplan.analyse import Analyse
from gebiedsplan.catalogus import Tabelkolom, kolom_info, load_catalogus, load_kolommen
from gebiedsplan.errors import GebiedsplanError
from gebiedsplan.gemeente import Gebied, Gemeente
from gebiedsplan.publiceren.opmaak import GEEN_WAARDE_KLEUR, HIAAT_GRENZEN, HIAAT_KLEUREN
from gebiedsplan.publiceren.profiel import Publicatieprofiel, publishable_voorzieningen

log = logging.getLogger(__name__)

#: Levels of the gap tables: the index name of the area and the column that names it.
NIVEAUS: dict[str, tuple[str, str | None]] = {
    "wijk": ("wijkcode", "wijknaam"),
    "buurt": ("buurtcode", "buurtnaam"),
    "gebied": ("gebied", "soort"),
}
#: Per-area columns of the wide layers (the same for every category of an area).
GEBIEDSKOLOMMEN = ("inwoners", "inwoners_geanalyseerd", "aandeel_geanalyseerd", "dekking")
#: Columns of the long table that become one column per category in the wide layers.
BREDE_KOLOMMEN = (
    "hiaatscore",
    "aandeel_binnen_norm",
    "inwoners_buiten_norm",
    "gem_afstand_m",
    "aantal_voorzieningen",
)
#: Columns that get one field per category where the gap table has them and the category has a
#: value somewhere (capacity within reach exists only for categories with a capacity norm).
EXTRA_BREDE_KOLOMMEN = ("toegang_verhouding", "gini_afstand")
#: Columns of the facilities layer (those present), beside the id.
VOORZIENINGKOLOMMEN = ("naam", "categorie", "categorie_label", "subcategorie", "capaciteit", "bron")
#: Geometry column of the layers pyogrio writes into a GeoPackage.
GEOMETRIEKOLOM = "geom"
#: QGIS version the styles are written for (QGIS reads styles of older and newer 3.x).
QGIS_VERSIE = "3.28.0-Firenze"
#: Longest field name written (PostgreSQL's limit, so the layer survives a copy into PostGIS).
MAX_VELDNAAM = 63
_SCHEMA_URL = "http://www.geopackage.org/spec121/#extension_schema"


# ------------------------------------------------------------------------------------------------
# The tables: wide per area, long as it is
# ------------------------------------------------------------------------------------------------


def brede_kolom(kolom: str, categorie: str) -> str:
    """The field name of column ``kolom`` of category ``categorie`` in a wide layer.

    Examples
    --------
    >>> brede_kolom("hiaatscore", "huisarts")
    'hiaatscore_huisarts'
    """
    naam = f"{kolom}_{categorie}"
    if len(naam) > MAX_VELDNAAM:
        raise GebiedsplanError(
            f"Veldnaam '{naam}' is {len(naam)} tekens, langer dan {MAX_VELDNAAM}: kies voor "
            f"categorie '{categorie}' een kortere code in lagen/catalogus/categorieen.yml."
        )
    return naam


def _niveau(niveau: str) -> tuple[str, str | None]:
    if niveau not in NIVEAUS:
        raise GebiedsplanError(
            f"Onbekend niveau '{niveau}' voor de GeoPackage; kies uit {', '.join(NIVEAUS)}."
        )
    return NIVEAUS[niveau]


def wide_hiaten(
    hiaten: pd.DataFrame,
    vlakken: gpd.GeoDataFrame,
    *,
    niveau: str,
    kolommen: Sequence[str] = BREDE_KOLOMMEN,
) -> gpd.GeoDataFrame:
    """The gap table of one level as one feature per area, with ``kolommen`` per category.

    Parameters
    ----------
    hiaten
        The long gap table of the level, indexed (area code, ``categorie``):
        ``Analyse.hiaten``, ``.hiaten_buurt`` or ``.hiaten_gebied``.
    vlakken
        The areas' polygons, indexed by the same code (``gemeente.wijken``, ``.buurten``, or
        :func:`gebied_vlakken`). Areas without a row in ``hiaten`` are left out.
    niveau
        ``wijk``, ``buurt`` or ``gebied`` (:data:`NIVEAUS`).
    kolommen
        Columns of ``hiaten`` that get one field per category (:func:`brede_kolom`).

    Returns
    -------
    GeoDataFrame
        Indexed by the area code in the order of ``hiaten``: the name column of the level,
        :data:`GEBIEDSKOLOMMEN`, then the wide columns category by category (also those of
        :data:`EXTRA_BREDE_KOLOMMEN` where the category has a value).

    Examples
    --------
    >>> import gebiedsplan as gp
    >>> g = gp.demo_gemeente(); a = gp.run_analyse(g)
    >>> breed = wide_hiaten(a.hiaten, g.wijken, niveau="wijk")
    >>> len(breed) == len(g.wijken), breed.index.is_unique
    (True, True)
    >>> float(breed.loc["WK999901", "hiaatscore_huisarts"]) == float(
    ...     a.hiaten.loc[("WK999901", "huisarts"), "hiaatscore"])
    True
    >>> "toegang_verhouding_huisarts" in breed, "toegang_verhouding_speelplek" in breed
    (True, False)
    """
    code, naamkolom = _niveau(niveau)
    if list(hiaten.index.names) != [code, "categorie"]:
        raise GebiedsplanError(
            f"Hiatentabel van niveau {niveau}: index ({', '.join(map(str, hiaten.index.names))})"
            f", verwacht ({code}, categorie). Geef de tabel van run_analyse voor dit niveau."
        )
    if vlakken.index.name != code:
        raise GebiedsplanError(
            f"Vlakken van niveau {niveau}: index '{vlakken.index.name}', verwacht '{code}'. "
            f"Gebruik bv. frame.set_index('{code}')."
        )
    ontbreekt = [k for k in kolommen if k not in hiaten.columns]
    if ontbreekt:
        raise GebiedsplanError(
            f"Hiatentabel van niveau {niveau} mist kolom {', '.join(ontbreekt)}; aanwezig: "
            f"{', '.join(map(str, hiaten.columns))}."
        )
    codes = list(dict.fromkeys(hiaten.index.get_level_values(0)))
    per_gebied = [k for k in (naamkolom, *GEBIEDSKOLOMMEN) if k and k in hiaten.columns]
    eerste = hiaten.groupby(level=0, sort=False)[per_gebied].first().reindex(codes)
    delen = [eerste]
    extra = [k for k in EXTRA_BREDE_KOLOMMEN if k in hiaten.columns and k not in kolommen]
    for categorie in dict.fromkeys(hiaten.index.get_level_values(1)):
        rijen = hiaten.loc[hiaten.index.get_level_values(1) == categorie]
        velden = [*kolommen, *(k for k in extra if rijen[k].notna().any())]
        deel = rijen[velden].droplevel(1).rename(
            columns={k: brede_kolom(k, str(categorie)) for k in velden}
        )
        delen.append(deel.reindex(codes))
    tabel = pd.concat(delen, axis=1)
    tabel.index.name = code
    zonder = [c for c in codes if c not in vlakken.index]
    if zonder:
        raise GebiedsplanError(
            f"Niveau {niveau}: {len(zonder)} gebieden in de hiatentabel zonder vlak: "
            f"{', '.join(map(str, zonder[:10]))}. Geef de vlakken van dezelfde gemeente."
        )
    geometrie = vlakken.geometry.reindex(codes)
    return gpd.GeoDataFrame(tabel, geometry=geometrie.to_numpy(), crs=vlakken.crs)


def gebied_vlakken(gebieden: Mapping[str, Gebied], *, crs: object) -> gpd.GeoDataFrame:
    """The polygons of the gebieden of a gemeente (``gemeente.gebieden``), indexed by name.

    Examples
    --------
    >>> import gebiedsplan as gp
    >>> g = gp.demo_gemeente()
    >>> list(gebied_vlakken(g.gebieden, crs=g.wijken.crs).index)
    ['Havenkwartier', 'Pilot Noord', 'Pilot Zuid']
    """
    return gpd.GeoDataFrame(
        index=pd.Index(list(gebieden), name="gebied"),
        geometry=[g.geometrie for g in gebieden.values()],
        crs=crs,
    )


# ------------------------------------------------------------------------------------------------
# QML: the styles QGIS reads
# ------------------------------------------------------------------------------------------------


def _rgba(kleur: str) -> str:
    """``#rrggbb`` as QGIS writes a colour: ``r,g,b,255``."""
    h = kleur.lstrip("#")
    if len(h) != 6:
        raise GebiedsplanError(f"Kleur '{kleur}' is geen #rrggbb; pas hem aan in de catalogus.")
    return ",".join(str(int(h[i : i + 2], 16)) for i in (0, 2, 4)) + ",255"


#: Attributes of a symbol layer as QGIS writes them.
_LAAG = {"enabled": "1", "locked": "0", "pass": "0"}


def _opties(ouder: ET.Element, waarden: Mapping[str, str]) -> None:
    kaart = ET.SubElement(ouder, "Option", type="Map")
    for k, v in waarden.items():
        ET.SubElement(kaart, "Option", name=k, type="QString", value=v)


def _symbool(symbolen: ET.Element, naam: str, kleur: str, *, soort: str) -> None:
    """One symbol: a filled polygon with a thin grey outline, or a round marker."""
    symbool = ET.SubElement(
        symbolen,
        "symbol",
        type=soort,
        name=naam,
        alpha="1" if soort == "marker" else "0.8",
        clip_to_extent="1",
        force_rhr="0",
        frame_rate="10",
        is_animated="0",
    )
    if soort == "fill":
        laag = ET.SubElement(symbool, "layer", _LAAG, **{"class": "SimpleFill"})
        _opties(
            laag,
            {
                "color": _rgba(kleur),
                "style": "solid",
                "outline_color": "99,99,99,255",
                "outline_style": "solid",
                "outline_width": "0.26",
                "outline_width_unit": "MM",
                "joinstyle": "bevel",
            },
        )
    else:
        laag = ET.SubElement(symbool, "layer", _LAAG, **{"class": "SimpleMarker"})
        _opties(
            laag,
            {
                "name": "circle",
                "color": _rgba(kleur),
                "outline_color": "255,255,255,255",
                "outline_style": "solid",
                "outline_width": "0.4",
                "outline_width_unit": "MM",
                "size": "3",
                "size_unit": "MM",
                "scale_method": "diameter",
            },
        )


def _qml(renderer: ET.Element, *, geometrie: str) -> str:
    """A QGIS style document (``<!DOCTYPE qgis ...>``) around ``renderer``; ``geometrie`` is
    ``punt`` or ``vlak`` (QGIS's ``layerGeometryType`` 0 or 2)."""
    qgis = ET.Element("qgis", version=QGIS_VERSIE, styleCategories="Symbology")
    qgis.append(renderer)
    ET.SubElement(qgis, "blendMode").text = "0"
    ET.SubElement(qgis, "featureBlendMode").text = "0"
    ET.SubElement(qgis, "layerGeometryType").text = "0" if geometrie == "punt" else "2"
    ET.indent(qgis)
    return "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n" + ET.tostring(
        qgis, encoding="unicode"
    )


def hiaat_klassen() -> list[tuple[str, str, float, float]]:
    """The classes of the gap score as the maps draw them: ``(label, colour, lower, upper)``.

    Examples
    --------
    >>> hiaat_klassen()[0]
    ('0 - 10', '#1a9850', 0, 10)
    """
    return [
        (f"{a} - {b}", kleur, a, b)
        for kleur, a, b in zip(HIAAT_KLEUREN, HIAAT_GRENZEN[:-1], HIAAT_GRENZEN[1:], strict=True)
    ]


def _veld(naam: str) -> str:
    """A field in a QGIS expression: in double quotes, a quote doubled."""
    return '"' + naam.replace('"', '""') + '"'


def hiaat_qml(veld: str) -> str:
    """QML of the gap choropleth on field ``veld``: a rule per class of :func:`hiaat_klassen`
    with the bounds of :func:`~.opmaak.klasse` (a value below the first bound in the first
    class, above the last in the last), and :data:`~.opmaak.GEEN_WAARDE_KLEUR` for an area
    without a score ("geen hiaatscore").

    Examples
    --------
    >>> import xml.etree.ElementTree as ET
    >>> qml = hiaat_qml("hiaatscore_huisarts")
    >>> [r.get("label") for r in ET.fromstring(qml.split("\\n", 1)[1]).iter("rule")][-1]
    'geen hiaatscore'
    """
    renderer = ET.Element(
        "renderer-v2",
        type="RuleRenderer",
        symbollevels="0",
        enableorderby="0",
        forceraster="0",
        referencescale="-1",
    )
    regels = ET.SubElement(renderer, "rules", key=f"{{{uuid.uuid4()}}}")
    symbolen = ET.Element("symbols")
    klassen = hiaat_klassen()
    v = _veld(veld)
    for i, (label, kleur, onder, boven) in enumerate(klassen):
        delen = []
        if i > 0:
            delen.append(f"{v} >= {onder:g}")
        if i < len(klassen) - 1:
            delen.append(f"{v} < {boven:g}")
        ET.SubElement(  # a comparison with NULL is not true: no score falls to ELSE
            regels,
            "rule",
            key=f"{{{uuid.uuid4()}}}",
            symbol=str(i),
            label=label,
            filter=" AND ".join(delen) if delen else f"{v} IS NOT NULL",
        )
        _symbool(symbolen, str(i), kleur, soort="fill")
    ET.SubElement(
        regels,
        "rule",
        key=f"{{{uuid.uuid4()}}}",
        symbol=str(len(klassen)),
        label="geen hiaatscore",
        filter="ELSE",
    )
    _symbool(symbolen, str(len(klassen)), GEEN_WAARDE_KLEUR, soort="fill")
    renderer.append(symbolen)
    return _qml(renderer, geometrie="vlak")


def voorzieningen_qml(categorieen: Sequence[str]) -> str:
    """QML of the facilities: a marker per category in its map colour, with its Dutch label
    (``lagen/catalogus/categorieen.yml``); a code the catalogue does not know in grey.

    Examples
    --------
    >>> import xml.etree.ElementTree as ET
    >>> qml = voorzieningen_qml(["huisarts"])
    >>> [c.get("label") for c in ET.fromstring(qml.split("\\n", 1)[1]).iter("category")]
    ['Huisarts']
    """
    catalogus = load_catalogus().categorieen
    renderer = ET.Element(
        "renderer-v2",
        type="categorizedSymbol",
        attr="categorie",
        symbollevels="0",
        enableorderby="0",
        forceraster="0",
        referencescale="-1",
    )
    lijst = ET.SubElement(renderer, "categories")
    symbolen = ET.Element("symbols")
    for i, code in enumerate(categorieen):
        cat = catalogus.get(code)
        ET.SubElement(
            lijst,
            "category",
            value=code,
            symbol=str(i),
            label=cat.label if cat else code,
            render="true",
            type="string",
        )
        _symbool(symbolen, str(i), cat.kleur if cat else "#969696", soort="marker")
    renderer.append(symbolen)
    return _qml(renderer, geometrie="punt")


# ------------------------------------------------------------------------------------------------
# Writing into the GeoPackage: aliases and styles
# ------------------------------------------------------------------------------------------------


def _alias(
    kolom: str, categorieen: Mapping[str, str], kolommen: Mapping[str, Tabelkolom]
) -> tuple[str, str] | None:
    """(alias, explanation) of a field: its header in ``kolommen.yml``, for a wide column with
    the category label ("Hiaatscore (0-100) - Huisarts"); None for a field it does not know."""
    info = kolom_info(kolom, kolommen)
    if info is not None:
        return info.kop, info.uitleg
    for categorie, label in categorieen.items():
        stam = kolom.removesuffix(f"_{categorie}")
        if stam != kolom and (info := kolom_info(stam, kolommen)) is not None:
            return f"{info.kop} - {label}", f"{label}: {info.uitleg}"
    return None


def write_aliassen(
    pad: str | Path, tabel: str, velden: Sequence[str], *, categorieen: Mapping[str, str]
) -> int:
    """Write Dutch aliases of the fields of ``tabel`` into ``gpkg_data_columns`` (the
    GeoPackage schema extension, registered in ``gpkg_extensions``); return how many.

    ``name`` and ``title`` hold the alias, ``description`` the explanation (``kolommen.yml``);
    an alias used twice in one table gets the field name added (the extension wants ``name``
    unique per table).
    """
    kolommen = load_kolommen()
    rijen = []
    gezien: set[str] = set()
    for veld in velden:
        gevonden = _alias(veld, categorieen, kolommen)
        if gevonden is None:
            continue
        alias, uitleg = gevonden
        if alias in gezien:
            alias = f"{alias} ({veld})"
        gezien.add(alias)
        rijen.append((tabel, veld, alias, alias, uitleg))
    with sqlite3.connect(pad) as db:
        db.execute(
            "CREATE TABLE IF NOT EXISTS gpkg_data_columns (table_name TEXT NOT NULL, "
            "column_name TEXT NOT NULL, name TEXT, title TEXT, description TEXT, mime_type TEXT,"
            " constraint_name TEXT, CONSTRAINT pk_gdc PRIMARY KEY (table_name, column_name), "
            "CONSTRAINT gdc_tn UNIQUE (table_name, name))"
        )
        db.execute(
            "CREATE TABLE IF NOT EXISTS gpkg_data_column_constraints (constraint_name TEXT NOT "
            "NULL, constraint_type TEXT NOT NULL, value TEXT, min NUMERIC, min_is_inclusive "
            "BOOLEAN, max NUMERIC, max_is_inclusive BOOLEAN, description TEXT, CONSTRAINT "
            "gdcc_ntv UNIQUE (constraint_name, constraint_type, value))"
        )
        db.execute(
            "CREATE TABLE IF NOT EXISTS gpkg_extensions (table_name TEXT, column_name TEXT, "
            "extension_name TEXT NOT NULL, definition TEXT NOT NULL, scope TEXT NOT NULL, "
            "CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name))"
        )
        for naam in ("gpkg_data_columns", "gpkg_data_column_constraints"):
            bestaat = db.execute(
                "SELECT 1 FROM gpkg_extensions WHERE table_name = ? AND extension_name = "
                "'gpkg_schema'",
                (naam,),
            ).fetchone()
            if not bestaat:
                db.execute(
                    "INSERT INTO gpkg_extensions VALUES (?, NULL, 'gpkg_schema', ?, 'read-write')",
                    (naam, _SCHEMA_URL),
                )
        db.executemany(
            "INSERT OR REPLACE INTO gpkg_data_columns (table_name, column_name, name, title, "
            "description) VALUES (?, ?, ?, ?, ?)",
            rijen,
        )
    return len(rijen)


def write_layer_styles(pad: str | Path, stijlen: Sequence[Mapping[str, object]]) -> None:
    """Append styles to the table ``layer_styles`` of a GeoPackage, made as QGIS makes it.

    Every style is a mapping with ``f_table_name``, ``styleName``, ``styleQML``,
    ``useAsDefault`` (bool) and ``description``; QGIS applies the default style of a layer
    when it opens the layer (``QgsOgrUtils::loadStoredStyle``: same table name and geometry
    column ``geom``, default first).
    """
    nu = datetime.now(UTC).replace(microsecond=0, tzinfo=None)
    tabel = pd.DataFrame(
        {
            "f_table_catalog": "",
            "f_table_schema": "",
            "f_table_name": [str(s["f_table_name"]) for s in stijlen],
            "f_geometry_column": GEOMETRIEKOLOM,
            "styleName": [str(s["styleName"]) for s in stijlen],
            "styleQML": [str(s["styleQML"]) for s in stijlen],
            "styleSLD": "",
            "useAsDefault": [bool(s["useAsDefault"]) for s in stijlen],
            "description": [str(s.get("description", "")) for s in stijlen],
            "owner": "",
            "ui": "",
            "update_time": pd.Series([nu] * len(stijlen), dtype="datetime64[ms]"),
        }
    )
    pyogrio.write_dataframe(
        tabel,
        pad,
        layer="layer_styles",
        driver="GPKG",
        append=_heeft_laag(pad, "layer_styles"),
        layer_options={"FID": "id"},
    )


def _heeft_laag(pad: str | Path, laag: str) -> bool:
    if not Path(pad).exists():
        return False
    return laag in {str(r[0]) for r in pyogrio.list_layers(pad)}


# ------------------------------------------------------------------------------------------------
# The writer
# ------------------------------------------------------------------------------------------------


def hiaten_niveaus(
    analyse: Analyse, gemeente: Gemeente
) -> dict[str, tuple[pd.DataFrame, gpd.GeoDataFrame]]:
    """The input of :func:`write_hiaten_gpkg` from a run: ``{niveau: (gap table, polygons)}``
    for every level the analysis has (buurt and gebied only where computed).

    Examples
    --------
    >>> import gebiedsplan as gp
    >>> g = gp.demo_gemeente(); a = gp.run_analyse(g)
    >>> list(hiaten_niveaus(a, g))
    ['wijk', 'buurt', 'gebied']
    """
    uit = {"wijk": (analyse.hiaten, gemeente.wijken)}
    if analyse.hiaten_buurt is not None and not analyse.hiaten_buurt.empty:
        uit["buurt"] = (analyse.hiaten_buurt, gemeente.buurten)
    if analyse.hiaten_gebied is not None and not analyse.hiaten_gebied.empty and gemeente.gebieden:
        vlakken = gebied_vlakken(gemeente.gebieden, crs=gemeente.wijken.crs)
        uit["gebied"] = (analyse.hiaten_gebied, vlakken)
    return uit


def write_hiaten_gpkg(
    pad: str | Path,
    niveaus: Mapping[str, tuple[pd.DataFrame, gpd.GeoDataFrame]],
    *,
    voorzieningen: gpd.GeoDataFrame | None,
    metadata: Mapping[str, str],
    accommodaties: gpd.GeoDataFrame | None = None,
    profiel: Publicatieprofiel | None = None,
    standaard_categorie: str | None = None,
    kolommen: Sequence[str] = BREDE_KOLOMMEN,
) -> Path:
    """Write the gap tables of every level, the publishable facilities, Dutch aliases and QGIS
    styles into one GeoPackage, atomically (inside :func:`gebiedsplan._io.atomic_batch` it
    lands with the other files of the run).

    Layers: ``hiaten_<niveau>`` (one polygon per area, :func:`wide_hiaten`),
    ``hiaten_<niveau>_tabel`` (the long table, no geometry), ``voorzieningen`` (points, only
    what :func:`~gebiedsplan.publiceren.profiel.publishable_voorzieningen` lets through), and
    ``layer_styles``. Every layer carries ``metadata`` plus its own ``laag`` (what it holds).

    Parameters
    ----------
    pad
        Target ``.gpkg``; replaced whole.
    niveaus
        ``{"wijk": (Analyse.hiaten, gemeente.wijken), "buurt": (...), "gebied": (...)}``;
        :func:`hiaten_niveaus` builds it from a run.
    voorzieningen
        The facilities of the gemeente (``gemeente.voorzieningen``), filtered here; None: no
        facilities layer.
    metadata
        Layer metadata (title, ``synthetisch``, ``fictief``, sources ...), as
        :func:`gebiedsplan.export.write_hiaten` writes it.
    accommodaties, profiel
        For the publishing filter: facilities in a hidden accommodation are left out too.
    standaard_categorie
        Category whose gap score the default style colours; default the first category of
        the wijk table.
    kolommen
        The columns per category of the wide layers (:data:`BREDE_KOLOMMEN`).

    Returns
    -------
    Path

    Examples
    --------
    >>> import tempfile, pyogrio
    >>> from pathlib import Path
    >>> import gebiedsplan as gp
    >>> g = gp.demo_gemeente(); a = gp.run_analyse(g)
    >>> pad = write_hiaten_gpkg(Path(tempfile.mkdtemp()) / "hiaten.gpkg", hiaten_niveaus(a, g),
    ...     voorzieningen=g.voorzieningen, metadata={"titel": "Rivierstad (synthetisch)"})
    >>> sorted(str(r[0]) for r in pyogrio.list_layers(pad))[:3]
    ['hiaten_buurt', 'hiaten_buurt_tabel', 'hiaten_gebied']
    """
    pad = Path(pad)
    if not niveaus:
        raise GebiedsplanError(f"{pad}: geen hiatentabel om te schrijven (geen niveau gegeven).")
    labels = {c.code: c.label for c in load_catalogus().categorieen.values()}
    stijlen: list[dict[str, object]] = []
    meta = {str(k): str(v) for k, v in metadata.items()}
    with atomic_path(pad) as tmp:
        for niveau, (hiaten, vlakken) in niveaus.items():
            breed = wide_hiaten(hiaten, vlakken, niveau=niveau, kolommen=kolommen)
            categorieen = list(dict.fromkeys(map(str, hiaten.index.get_level_values(1))))
            laag = f"hiaten_{niveau}"
            pyogrio.write_dataframe(
                breed.reset_index(),
                tmp,
                layer=laag,
                driver="GPKG",
                metadata={**meta, "laag": f"Hiaten per {niveau}, één vlak per {niveau}"},
            )
            pyogrio.write_dataframe(
                pd.DataFrame(hiaten.reset_index()),
                tmp,
                layer=f"{laag}_tabel",
                driver="GPKG",
                metadata={**meta, "laag": f"Hiaten per {niveau} en categorie (lange tabel)"},
            )
            cat_labels = {c: labels.get(c, c) for c in categorieen}
            write_aliassen(
                tmp, laag, [str(k) for k in breed.reset_index().columns], categorieen=cat_labels
            )
            write_aliassen(
                tmp, f"{laag}_tabel", [str(k) for k in hiaten.reset_index().columns], categorieen={}
            )
            if standaard_categorie is not None and standaard_categorie not in categorieen:
                raise GebiedsplanError(
                    f"Standaardcategorie '{standaard_categorie}' staat niet in de hiatentabel "
                    f"per {niveau}; kies uit {', '.join(categorieen)}."
                )
            standaard = standaard_categorie or categorieen[0]
            for categorie in [standaard, *(c for c in categorieen if c != standaard)]:
                stijlen.append(
                    {
                        "f_table_name": laag,
                        "styleName": f"Hiaatscore {cat_labels[categorie]}",
                        "styleQML": hiaat_qml(brede_kolom("hiaatscore", categorie)),
                        "useAsDefault": categorie == standaard,
                        "description": (
                            f"Hiaatscore {cat_labels[categorie]} per {niveau}, klassen en kleuren "
                            "als op de kaarten"
                        ),
                    }
                )
        if voorzieningen is not None:
            punten = _publiceerbare_punten(voorzieningen, accommodaties, profiel, labels)
            pyogrio.write_dataframe(
                punten.reset_index(),
                tmp,
                layer="voorzieningen",
                driver="GPKG",
                metadata={**meta, "laag": "Voorzieningen (zonder gevoelige locaties)"},
            )
            write_aliassen(
                tmp,
                "voorzieningen",
                [str(k) for k in punten.reset_index().columns],
                categorieen={},
            )
            aanwezig = set(punten["categorie"].astype(str))
            volgorde = [c for c in labels if c in aanwezig] + sorted(aanwezig - set(labels))
            stijlen.append(
                {
                    "f_table_name": "voorzieningen",
                    "styleName": "Voorzieningen per categorie",
                    "styleQML": voorzieningen_qml(volgorde),
                    "useAsDefault": True,
                    "description": "Voorzieningen per categorie, kleuren als op de kaarten",
                }
            )
        write_layer_styles(tmp, stijlen)
    log.info("GeoPackage voor QGIS geschreven: %s (%s)", pad, ", ".join(niveaus))
    return pad


def _publiceerbare_punten(
    voorzieningen: gpd.GeoDataFrame,
    accommodaties: gpd.GeoDataFrame | None,
    profiel: Publicatieprofiel | None,
    labels: Mapping[str, str],
) -> gpd.GeoDataFrame:
    """The publishable facilities with the columns of :data:`VOORZIENINGKOLOMMEN`."""
    vz = publishable_voorzieningen(voorzieningen, profiel=profiel, accommodaties=accommodaties)
    vz = vz.assign(categorie_label=vz["categorie"].map(lambda c: labels.get(str(c), str(c))))
    houd = [k for k in VOORZIENINGKOLOMMEN if k in vz.columns]
    uit = gpd.GeoDataFrame(vz[houd], geometry=vz.geometry, crs=vz.crs)
    uit.index.name = vz.index.name or "id"
    return uit
