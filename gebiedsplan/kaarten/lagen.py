"""The layers several maps share: facilities per category (clustered CSS dots), IAB
accommodations with capacity and occupancy, the named gebieden, the walking network, and the
gap choropleths per category with their legend.

Only what the publishing profile allows reaches a layer (:mod:`gebiedsplan.publiceren.profiel`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import cast

import folium
import geopandas as gpd
import pandas as pd
import shapely
from folium.plugins import MarkerCluster

from gebiedsplan import settings
from gebiedsplan._tekst import getal, procent
from gebiedsplan.catalogus import load_catalogus, load_volledigheid, split_functies
from gebiedsplan.gemeente import effective_voorzieningen
from gebiedsplan.kaarten.opbouw import (
    Opbouw,
    add_choropleet,
    add_omtrek,
    afstand_tekst,
    to_wgs84,
    zoom_voor,
)
from gebiedsplan.kaarten.pagina import Punten, legenda_html, veilige_code, veilige_kleur
from gebiedsplan.publiceren.opmaak import GEEN_WAARDE_KLEUR, HIAAT_GRENZEN, HIAAT_KLEUREN, klasse
from gebiedsplan.publiceren.pagina import (
    MARKERCLUSTER_CSS,
    MARKERCLUSTER_DEFAULT_CSS,
    MARKERCLUSTER_JS,
    escape_tekst,
)
from gebiedsplan.publiceren.profiel import (
    hidden_categories,
    publishable_accommodaties,
    publishable_voorzieningen,
)

#: Networks up to this many segments are drawn (for orientation; real networks stay off the map).
MAX_WEGEN_OP_KAART = 20_000
#: Categories whose markers are off at start (many small points).
UIT_BIJ_START = ("speelplek", "groen")
#: Markers are not clustered from the zoom the map opens at (a few wijken, a gebied: every
#: facility a dot of its own colour), clamped to these zooms: a whole city keeps its clusters
#: until zoom 13, and from zoom 14 on nothing is clustered.
ZONDER_CLUSTERS_ZOOM = (13, 14)
#: Tooltip labels of the capacity and equity columns of the gap tables, where present.
TOEGANG_LABEL = "Capaciteit binnen bereik per 1.000 (doelgroep)"
GINI_LABEL = "Gini loopafstand"
PALMA_LABEL = "Palma loopafstand"

_STATUS = {
    "in_gebruik": "in gebruik",
    "leegstand": "leegstand",
    "gepland": "gepland",
    "gesloten": "gesloten",
}


def _cluster_functie(kleur: str, categorie: str) -> str:
    kleur = veilige_kleur(kleur)
    return (
        "function (cluster) { return L.divIcon({html: '<div data-categorie=\""
        + veilige_code(categorie)
        + '" style="background:'
        + kleur
        + "\">' + cluster.getChildCount() + '</div>', className: 'gp-cluster', "
        "iconSize: L.point(36, 36)}); }"
    )


def punten_data(frame: gpd.GeoDataFrame, popups: Sequence[str], namen: Sequence[str]) -> dict:
    """Point GeoJSON (WGS84) of ``frame`` with an escaped popup and name per point."""
    punten = frame.geometry.to_crs(settings.kaart_crs)
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": escape_tekst(i),
                "geometry": {"type": "Point", "coordinates": [round(p.x, 7), round(p.y, 7)]},
                "properties": {"popup": popup, "naam": naam},
            }
            for i, p, popup, naam in zip(frame.index, punten, popups, namen, strict=True)
        ],
    }


#: How a map labels a facility across the border (loaded with the border buffer).
BUITEN_GEMEENTE = "Buiten de gemeente: telt mee voor de afstand, niet als eigen voorziening"


def voorziening_popup(v: pd.Series, label: str) -> str:
    regels = [f"<b>{escape_tekst(v['naam'])}</b>", escape_tekst(label)]
    if isinstance(v.get("subcategorie"), str) and v["subcategorie"]:
        regels.append(escape_tekst(v["subcategorie"]))
    capaciteit = v.get("capaciteit")
    if capaciteit is not None and pd.notna(capaciteit):
        regels.append(f"Capaciteit: {getal(capaciteit)}")
    regels.append(f"Bron: {escape_tekst(v['bron'])}")
    if v.get("buiten_gemeente", False) in (True,):  # also numpy True, never a missing value
        regels.append(f"<i>{BUITEN_GEMEENTE}</i>")
    return "<br>".join(regels)


def add_voorzieningen(
    opbouw: Opbouw, *, binnen: shapely.Geometry | None = None, cluster: bool = True
) -> dict[str, int]:
    """Facilities that may be published, one (clustered) layer per category, every marker
    carrying its category (``data-categorie``). Clusters break up at the zoom the map opens at
    (within :data:`ZONDER_CLUSTERS_ZOOM`), so the facilities of the area in view
    are dots. Each layer is recorded for the key and the category switch
    (:func:`gebiedsplan.kaarten.opbouw.finish_kaart`). Returns the number shown per category."""
    gemeente, profiel = opbouw.gemeente, opbouw.profiel
    catalogus = load_catalogus()
    punten = publishable_voorzieningen(
        effective_voorzieningen(gemeente), profiel=profiel, accommodaties=gemeente.accommodaties
    )
    if binnen is not None:
        punten = punten[punten.intersects(binnen)]
    verborgen = hidden_categories(profiel)
    getoond: dict[str, int] = {}
    laag_, hoog_ = ZONDER_CLUSTERS_ZOOM
    zonder_clusters = min(max(zoom_voor(opbouw.grenzen), laag_), hoog_) if opbouw.grenzen else hoog_
    for categorie, cat in catalogus.categorieen.items():
        deze = punten[punten["categorie"] == categorie]
        if categorie in verborgen or deze.empty:
            continue
        buiten = int(deze["buiten_gemeente"].sum()) if "buiten_gemeente" in deze else 0
        naam = f"Voorzieningen: {cat.label} ({len(deze)}" + (
            f", waarvan {buiten} buiten de gemeente)" if buiten else ")"
        )
        houder: folium.FeatureGroup | MarkerCluster
        if cluster:
            houder = MarkerCluster(
                name=escape_tekst(naam),
                show=categorie not in UIT_BIJ_START,
                icon_create_function=_cluster_functie(cat.kleur, categorie),
                options={
                    "maxClusterRadius": 40,
                    "showCoverageOnHover": False,
                    "disableClusteringAtZoom": zonder_clusters,
                },
            )
            houder.default_js = [("markerclusterjs", MARKERCLUSTER_JS)]
            houder.default_css = [
                ("markerclustercss", MARKERCLUSTER_CSS),
                ("markerclusterdefaultcss", MARKERCLUSTER_DEFAULT_CSS),
            ]
        else:
            houder = folium.FeatureGroup(
                name=escape_tekst(naam), show=categorie not in UIT_BIJ_START
            )
        popups = [voorziening_popup(v, cat.label) for _, v in deze.iterrows()]
        houder.add_child(
            Punten(
                punten_data(deze, popups, [escape_tekst(n) for n in deze["naam"]]),
                kleur=cat.kleur,
                categorie=categorie,
            )
        )
        houder.add_to(opbouw.kaart)
        getoond[categorie] = len(deze)
        opbouw.voorzieningen[categorie] = (cat.label, cat.kleur, len(deze), houder.get_name())
    return getoond


def _accommodatie_popup(a: pd.Series, labels: Mapping[str, str]) -> str:
    functies = [labels.get(f, f) for f in split_functies(a["functies"])]
    regels = [
        f"<b>{escape_tekst(a['naam'])}</b>",
        "Accommodatie (IAB)",
        f"Functies: {escape_tekst(', '.join(functies))}",
        f"Status: {escape_tekst(_STATUS.get(str(a['status']), a['status']))}",
        f"Eigenaar: {escape_tekst(a['eigenaar'])}",
        f"Bruto vloeroppervlak: {getal(a['bvo_m2'])} m²",
        f"Capaciteit: {getal(a.get('capaciteit'))}",
        f"Bezetting: {procent(a.get('bezetting'))}",
    ]
    return "<br>".join(regels)


def add_accommodaties(opbouw: Opbouw, *, binnen: shapely.Geometry | None = None) -> int:
    """IAB accommodations that may be published, with capacity and occupancy in the popup."""
    accommodaties = opbouw.gemeente.accommodaties
    if accommodaties is None or accommodaties.empty:
        return 0
    acc = publishable_accommodaties(accommodaties, profiel=opbouw.profiel)
    if binnen is not None:
        acc = acc[acc.intersects(binnen)]
    if acc.empty:
        return 0
    punten = acc.copy()
    punten.geometry = [
        g if g.geom_type == "Point" else g.representative_point() for g in acc.geometry
    ]
    labels = {naam: functie.label for naam, functie in load_catalogus().functies.functies.items()}
    laag = folium.FeatureGroup(name=escape_tekst(f"Accommodaties (IAB) ({len(acc)})"), show=True)
    popups = [_accommodatie_popup(a, labels) for _, a in acc.iterrows()]
    laag.add_child(
        Punten(
            punten_data(punten, popups, [escape_tekst(n) for n in acc["naam"]]),
            kleur="#ffffff",
            vorm="gp-vierkant",
        )
    )
    laag.add_to(opbouw.kaart)
    opbouw.accommodaties += len(acc)
    return len(acc)


#: Colour of a residents' pin by its oordeel (mist, knelpunt, goed, none).
INBRENG_KLEUREN = {"mist": "#d7301f", "knelpunt": "#fc8d59", "goed": "#1a9850", "": "#737373"}


def _inbreng_popup(p: pd.Series, labels: Mapping[str, str]) -> str:
    categorie = str(p.get("categorie") or "")
    oordeel = str(p.get("oordeel") or "")
    kop = escape_tekst(labels.get(categorie, categorie)) + (
        f" ({escape_tekst(oordeel)})" if oordeel else ""
    )
    bijeenkomst = escape_tekst(f"{p.get('bijeenkomst') or ''} {p.get('datum') or ''}".strip())
    return "<br>".join(
        [f"<b>{kop}</b>", escape_tekst(str(p.get("tekst") or "")), f"<i>{bijeenkomst}</i>"]
    )


def add_inbreng(opbouw: Opbouw, *, binnen: shapely.Geometry | None = None) -> int:
    """What residents said at meetings (layer ``inbreng``), clustered, with their text in the
    popup (escaped), coloured by oordeel. Pins of a category the publishing profile hides, or
    whose text names a sensitive site (the rule of
    :func:`gebiedsplan.publiceren.profiel.publishable_voorzieningen`), are left out. Returns
    the number shown."""
    inbreng = getattr(opbouw.gemeente, "inbreng", None)
    if inbreng is None or inbreng.empty:
        return 0
    pins = inbreng.assign(naam=inbreng["tekst"].fillna("").astype(str))
    pins = publishable_voorzieningen(pins, profiel=opbouw.profiel)
    if binnen is not None:
        pins = pins[pins.intersects(binnen)]
    if pins.empty:
        return 0
    labels = {c: k.label for c, k in load_catalogus().categorieen.items()}
    houder = MarkerCluster(
        name=escape_tekst(f"Inbreng van bewoners ({len(pins)})"),
        show=True,
        options={"maxClusterRadius": 40, "showCoverageOnHover": False},
    )
    houder.default_js = [("markerclusterjs", MARKERCLUSTER_JS)]
    houder.default_css = [
        ("markerclustercss", MARKERCLUSTER_CSS),
        ("markerclusterdefaultcss", MARKERCLUSTER_DEFAULT_CSS),
    ]
    oordelen = pins["oordeel"].fillna("").astype(str)
    for oordeel, kleur in INBRENG_KLEUREN.items():
        deze = pins[oordelen == oordeel]
        if deze.empty:
            continue
        popups = [_inbreng_popup(p, labels) for _, p in deze.iterrows()]
        namen = [
            escape_tekst(f"{labels.get(str(c), str(c))}" + (f": {o}" if o else ""))
            for c, o in zip(deze["categorie"], oordelen[deze.index], strict=True)
        ]
        houder.add_child(Punten(punten_data(deze, popups, namen), kleur=kleur))
    houder.add_to(opbouw.kaart)
    return len(pins)


def add_gebieden(opbouw: Opbouw, *, alleen: str | None = None) -> None:
    gebieden = opbouw.gemeente.gebieden
    if alleen is not None:
        gebieden = {alleen: gebieden[alleen]}
    if not gebieden:
        return
    teksten = [
        f"{g.naam} ({g.soort})" + (" - grens bij benadering" if g.benadering else "")
        for g in gebieden.values()
    ]
    add_omtrek(
        opbouw,
        gpd.GeoSeries([g.geometrie for g in gebieden.values()], crs=settings.crs),
        naam="Gebieden" if alleen is None else f"Gebied {alleen}",
        tooltips=teksten,
    )


def add_wegen(opbouw: Opbouw) -> None:
    """The walking network, for orientation: one simplified multi-line (small in the page)."""
    netwerk = opbouw.gemeente.netwerk
    if netwerk is None or len(netwerk) > MAX_WEGEN_OP_KAART:
        return
    lijnen = shapely.get_parts(shapely.simplify(netwerk.geometry.to_numpy(), 1.0))
    wegen = to_wgs84(
        gpd.GeoDataFrame(geometry=[shapely.multilinestrings(list(lijnen))], crs=netwerk.crs)
    )
    laag = folium.FeatureGroup(name="Wegennet (lopen)", show=opbouw.gemeente.synthetisch)
    folium.GeoJson(
        wegen.__geo_interface__,
        style_function=lambda f: {"color": "#737373", "weight": 1, "opacity": 0.6},
    ).add_to(laag)
    laag.add_to(opbouw.kaart)


def _hiaat_legenda(id_: str = "legenda-hiaat") -> str:
    drempel = procent(load_volledigheid().min_aandeel_geanalyseerd)
    klassen = [
        (k, f"{a} - {b}")
        for k, a, b in zip(HIAAT_KLEUREN, HIAAT_GRENZEN[:-1], HIAAT_GRENZEN[1:], strict=True)
    ]
    return legenda_html(
        "Hiaatscore",
        [
            *klassen,
            (
                GEEN_WAARDE_KLEUR,
                "geen hiaatscore: te weinig inwoners geanalyseerd (niet geanalyseerd = verder "
                f"dan {settings.max_snap_m:.0f} m van het wegennet of aan een los stuk ervan; "
                "reden in de tooltip), geen inwoners of niet berekend",
            ),
        ],
        id_=id_,
        toelichting=(
            "0 = doel gehaald, 100 = niemand binnen de norm; over de geanalyseerde inwoners, "
            f"alleen waar minstens {drempel} van de inwoners is geanalyseerd"
        ),
    )


def _volledigheid_legenda(
    tabel: pd.DataFrame,
    volledigheid: pd.DataFrame | None,
    categorieen: Sequence[str],
    id_: str = "legenda-volledigheid",
) -> str | None:
    """A legend naming the facility layers that look incomplete (``laag_volledigheid``), with
    the count, the expected count and the source where ``volledigheid`` (the analysis' table)
    is given; None when no shown layer is flagged."""
    status = tabel.groupby(level="categorie")["laag_volledigheid"].first()
    onvolledig = [c for c in categorieen if status.get(c) == "mogelijk onvolledig"]
    if not onvolledig:
        return None
    catalogus = load_catalogus()
    regels = [
        str(volledigheid.loc[c, "kort"])
        if volledigheid is not None and c in volledigheid.index
        else f"{catalogus.categorieen[c].label}: mogelijk onvolledig"
        for c in onvolledig
    ]
    return legenda_html(
        "Voorzieningenlaag mogelijk onvolledig",
        [(GEEN_WAARDE_KLEUR, r) for r in regels],
        id_=id_,
        toelichting=(
            f"minder dan {procent(load_volledigheid().ondergrens_factor)} van het landelijke "
            "aantal per inwoner (lagen/catalogus/volledigheid.yml); een hiaat kan hier aan de "
            "laag liggen"
        ),
    )


def _gap_features(
    vlakken: gpd.GeoDataFrame,
    tabel: pd.DataFrame,
    categorie: str,
    *,
    sleutel: str,
    naamkolom: str,
) -> gpd.GeoDataFrame:
    """Polygons with the gap figures of one category (escaped text, a colour per score; an
    area whose score is withheld is grey, its tooltip says why)."""
    rij = cast(pd.DataFrame, tabel.xs(categorie, level="categorie")).reindex(vlakken.index)
    berekend = vlakken.index.isin(tabel.index.get_level_values(sleutel))

    def score_tekst(v: float, ja: bool, dekking: object, reden: object) -> str:
        if not ja:
            return "niet berekend (buiten de analyse)"
        if dekking != "volledig" and isinstance(reden, str) and reden:
            return f"geen: {escape_tekst(reden)}"
        return "geen inwoners" if pd.isna(v) else f"{v:.0f}"

    scores = [None if pd.isna(v) else round(float(v), 1) for v in rij["hiaatscore"]]
    extra = {k: [escape_tekst(t) for t in v] for k, v in capaciteit_gelijkheid_teksten(rij).items()}
    return gpd.GeoDataFrame(
        {
            **extra,
            "naam": [escape_tekst(n) for n in vlakken[naamkolom]],
            "code": [escape_tekst(c) for c in vlakken.index],
            "aantal": rij["aantal_voorzieningen"].fillna(0).astype(int).astype(str).to_numpy(),
            "binnen_norm": [procent(v) for v in rij["aandeel_binnen_norm"]],
            # nobody analysed: no distance (not "onbereikbaar"); a withheld score: no count
            # outside the norm either (it would read as a fact about the whole area)
            "afstand": [
                "-" if not (n > 0) else afstand_tekst(v)
                for v, n in zip(rij["gem_afstand_m"], rij["inwoners_geanalyseerd"], strict=True)
            ],
            "buiten_norm": [
                "-" if pd.isna(v) or d != "volledig" else getal(v)
                for v, d in zip(rij["inwoners_buiten_norm"], rij["dekking"], strict=True)
            ],
            "geanalyseerd": [
                "-" if pd.isna(n) else f"{getal(n)} ({procent(a)})"
                for n, a in zip(
                    rij["inwoners_geanalyseerd"], rij["aandeel_geanalyseerd"], strict=True
                )
            ],
            "score": scores,
            "score_tekst": [
                score_tekst(v, ja, d, r)
                for v, ja, d, r in zip(
                    rij["hiaatscore"], berekend, rij["dekking"], rij["reden"], strict=True
                )
            ],
            "_kleur": [klasse(s, HIAAT_GRENZEN, HIAAT_KLEUREN) for s in scores],
        },
        geometry=vlakken.geometry.to_numpy(),
        crs=vlakken.crs,
    )


def capaciteit_gelijkheid_teksten(rij: pd.DataFrame) -> dict[str, list[str]]:
    """Dutch texts of the capacity and equity columns of a gap table (rows of one category),
    for those that are there and have a value somewhere: ``toegang`` (capacity within reach
    per 1,000 of the target group, with its unit and the share of the norm), ``gini`` and
    ``palma`` (inequality of the walking distances). A missing value is "-", never NaN.

    Examples
    --------
    >>> rij = pd.DataFrame({"toegang_per_1000": [0.62, float("nan")],
    ...     "toegang_verhouding": [0.93, float("nan")], "capaciteit_eenheid": ["fte", "fte"],
    ...     "gini_afstand": [0.214, float("nan")]})
    >>> capaciteit_gelijkheid_teksten(rij)
    {'toegang': ['0,62 fte (93% van de norm)', '-'], 'gini': ['0,21', '-']}
    """
    uit: dict[str, list[str]] = {}
    if "toegang_per_1000" in rij.columns and rij["toegang_per_1000"].notna().any():
        eenheden = rij.get("capaciteit_eenheid", pd.Series("", index=rij.index))
        verhouding = rij.get("toegang_verhouding", pd.Series(float("nan"), index=rij.index))
        uit["toegang"] = [
            "-"
            if pd.isna(t)
            else f"{getal(t, 2)}{f' {e}' if isinstance(e, str) and e else ''}"
            + ("" if pd.isna(v) else f" ({procent(v)} van de norm)")
            for t, e, v in zip(rij["toegang_per_1000"], eenheden, verhouding, strict=True)
        ]
    for kolom, sleutel in (("gini_afstand", "gini"), ("palma_afstand", "palma")):
        if kolom in rij.columns and rij[kolom].notna().any():
            uit[sleutel] = [getal(v, 2) for v in rij[kolom]]
    return uit


def add_gap_layers(
    opbouw: Opbouw,
    vlakken: gpd.GeoDataFrame,
    tabel: pd.DataFrame,
    *,
    sleutel: str,
    naamkolom: str,
    gebiedsnaam: str,
    groep: str,
    volledigheid: pd.DataFrame | None = None,
) -> None:
    """One choropleth per category of a gap table (``tabel``, areas ``vlakken``), the gap
    legend and, when a shown facility layer looks incomplete, a legend naming it (with count,
    expected count and source from ``volledigheid``, the analysis' completeness table)."""
    catalogus = load_catalogus()
    aanwezig = set(tabel.index.get_level_values("categorie"))
    verborgen = hidden_categories(opbouw.profiel)
    categorieen = [c for c in catalogus.categorieen if c in aanwezig and c not in verborgen]
    status = tabel.groupby(level="categorie")["laag_volledigheid"].first()
    for i, categorie in enumerate(categorieen):
        label = catalogus.categorieen[categorie].label
        norm = opbouw.gemeente.normen[categorie]
        onvolledig = status.get(categorie) == "mogelijk onvolledig"
        vlakdata = _gap_features(vlakken, tabel, categorie, sleutel=sleutel, naamkolom=naamkolom)
        extra = {
            k: v
            for k, v in (("toegang", TOEGANG_LABEL), ("gini", GINI_LABEL), ("palma", PALMA_LABEL))
            if k in vlakdata.columns
        }
        add_choropleet(
            opbouw,
            vlakdata,
            naam=f"{label} (norm {norm.max_afstand_m:.0f} m)"
            + (" - laag mogelijk onvolledig" if onvolledig else ""),
            velden={
                "naam": gebiedsnaam,
                "code": f"{gebiedsnaam}code",
                "aantal": f"{label} in de {gebiedsnaam.lower()}",
                "binnen_norm": (
                    f"Inwoners binnen {norm.max_afstand_m:.0f} m (van de geanalyseerden)"
                ),
                "afstand": "Gem. loopafstand",
                "buiten_norm": "Inwoners buiten de norm",
                "geanalyseerd": "Inwoners geanalyseerd",
                **extra,
                "score_tekst": "Hiaatscore",
            },
            groep=groep,
            show=i == 0,
            categorie=categorie,
        )
    opbouw.legendas.append((_hiaat_legenda(), None))
    if legenda := _volledigheid_legenda(tabel, volledigheid, categorieen):
        opbouw.legendas.append((legenda, None))
