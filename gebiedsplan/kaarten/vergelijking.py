"""The products of the comparison with CBS Nabijheid: the difference map (buurten coloured by
our car distance minus CBS's, :func:`make_vergelijking_kaart`) and one scatter plot per category
(:func:`save_spreidingsdiagrammen`, PNG).

Both draw a :class:`~gebiedsplan.analyse.vergelijk.Vergelijking` as it is; the numbers come
from :func:`gebiedsplan.analyse.vergelijk.compare_nabijheid`. Import them from
:mod:`gebiedsplan.kaarten`.
"""

from __future__ import annotations

import logging
from pathlib import Path

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from gebiedsplan._io import atomic_batch, atomic_path
from gebiedsplan._tekst import getal, procent
from gebiedsplan.analyse.vergelijk import Vergelijking
from gebiedsplan.errors import GebiedsplanError
from gebiedsplan.gemeente import Gemeente
from gebiedsplan.kaarten.lagen import add_gebieden, add_voorzieningen
from gebiedsplan.kaarten.opbouw import (
    SCENARIO_KLEUREN,
    add_choropleet,
    bounds_wgs84,
    finish_kaart,
    start_kaart,
)
from gebiedsplan.kaarten.pagina import legenda_html
from gebiedsplan.publiceren.opmaak import GEEN_WAARDE_KLEUR, klasse
from gebiedsplan.publiceren.pagina import escape_tekst
from gebiedsplan.publiceren.profiel import Publicatieprofiel

log = logging.getLogger(__name__)

#: The layers a comparison map speaks of (its sources panel, attribution and warning).
VERGELIJKING_LAGEN = (
    "wijken",
    "buurten",
    "vraagpunten",
    "netwerk_auto",
    "voorzieningen",
    "nabijheid",
)
#: Class bounds of the difference (km, ours minus CBS, both rounded to 0.1 km): blue where we
#: measure shorter, red where we measure further; the middle class is "equal".
VERSCHIL_GRENZEN = [-np.inf, -0.45, -0.15, -0.05, 0.05, 0.15, 0.45, np.inf]
VERSCHIL_KLASSEN = [
    "0,5 km of meer korter",
    "0,2 tot 0,4 km korter",
    "0,1 km korter (afronding)",
    "gelijk",
    "0,1 km verder (afronding)",
    "0,2 tot 0,4 km verder",
    "0,5 km of meer verder",
]


def _km(waarde: float) -> str:
    return "-" if pd.isna(waarde) else f"{getal(waarde, 1)} km"


def _verschil_tekst(waarde: float, reden: str) -> str:
    if pd.isna(waarde):
        return f"niet vergeleken: {reden}" if reden else "niet vergeleken"
    if abs(waarde) < 0.05:
        return "gelijk aan CBS"
    richting = "verder" if waarde > 0 else "korter"
    return f"gebiedsplan {getal(abs(waarde), 1)} km {richting} dan CBS"


def make_vergelijking_kaart(
    gemeente: Gemeente,
    vergelijking: Vergelijking,
    *,
    titel: str | None = None,
    profiel: Publicatieprofiel | None = None,
) -> folium.Map:
    """Map of the difference per buurt between gebiedsplan's car distance and CBS Nabijheid:
    one switchable layer per category (red: gebiedsplan measures further, blue: shorter,
    grey: not compared, with the reason in the tooltip), the facilities and the gebieden.

    Parameters
    ----------
    gemeente
        The gemeente compared.
    vergelijking
        :func:`gebiedsplan.analyse.vergelijk.compare_nabijheid` of it.
    titel, profiel
        Map title; publishing profile.

    Examples
    --------
    >>> from gebiedsplan.analyse.vergelijk import aggregate_autoafstand, compare_nabijheid
    >>> from gebiedsplan.analyse.vergelijk import compute_autoafstand
    >>> from gebiedsplan.importeren import demo_gemeente
    >>> g = demo_gemeente()
    >>> g.netwerk_auto = g.netwerk.assign(highway="residential")
    >>> ons = aggregate_autoafstand(compute_autoafstand(g, categorieen=["huisarts"])[0])
    >>> cbs = ons.reset_index().assign(code=lambda d: d["buurtcode"], jaar=2023,
    ...     afstand_km=lambda d: d["afstand_km_afgerond"])
    >>> v = compare_nabijheid(g, categorieen=["huisarts"], nabijheid=cbs)
    >>> "gelijk aan CBS" in make_vergelijking_kaart(g, v).get_root().render()
    True
    """
    tabel = vergelijking.per_buurt
    nodig = {"verschil_km", "afstand_km_afgerond", "afstand_km_cbs", "reden"}
    if missend := sorted(nodig - set(tabel.columns)):
        raise GebiedsplanError(
            f"vergelijking.per_buurt mist kolom {', '.join(missend)}; geef "
            "compare_nabijheid(...) zoals het is"
        )
    opbouw = start_kaart(
        gemeente,
        titel=titel or f"Vergelijking met CBS Nabijheid {vergelijking.jaar} - {gemeente.titel}",
        ondertitel=(
            "Gemiddelde afstand over de weg met de auto tot de dichtstbijzijnde voorziening per "
            "buurt: gebiedsplan min CBS, beide afgerond op 0,1 km."
        ),
        soort="vergelijking",
        grenzen=bounds_wgs84(gemeente.buurten),
        profiel=profiel,
        lagen=[n for n in VERGELIJKING_LAGEN if n in gemeente.herkomst],
    )
    kleuren = list(SCENARIO_KLEUREN)  # blue (shorter) ... white (equal) ... red (further)
    opbouw.legendas.append(
        (
            legenda_html(
                "Verschil met CBS (gebiedsplan min CBS)",
                [
                    *zip(kleuren, VERSCHIL_KLASSEN, strict=True),
                    (GEEN_WAARDE_KLEUR, "niet vergeleken"),
                ],
                id_="legenda-vergelijking",
                toelichting=(
                    "rood: gebiedsplan meet verder dan CBS; blauw: korter. 0,1 km kan alleen "
                    "door de afronding komen."
                ),
            ),
            None,
        )
    )
    buurten = gemeente.buurten
    samenvatting = vergelijking.samenvatting
    for i, categorie in enumerate(vergelijking.categorieen):
        deel = tabel.xs(categorie, level="categorie").reindex(buurten.index)
        label = str(samenvatting.loc[categorie, "categorie_label"])
        verschil = deel["verschil_km"].astype(float)
        reden = deel["reden"].fillna("").astype(str)
        frame = gpd.GeoDataFrame(
            {
                "naam": [escape_tekst(n) for n in buurten["buurtnaam"]],
                "code": [escape_tekst(c) for c in buurten.index],
                "ons": [_km(x) for x in deel["afstand_km_afgerond"]],
                "cbs": [_km(x) for x in deel["afstand_km_cbs"]],
                "verschil": [
                    escape_tekst(_verschil_tekst(x, r))
                    for x, r in zip(verschil, reden, strict=True)
                ],
                "inwoners": [getal(x) for x in deel["inwoners_geanalyseerd"].fillna(0)],
                "_kleur": [klasse(x, VERSCHIL_GRENZEN, kleuren) for x in verschil],
            },
            geometry=buurten.geometry.to_numpy(),
            crs=buurten.crs,
        )
        cbs_naam = str(samenvatting.loc[categorie, "cbs_naam"])
        add_choropleet(
            opbouw,
            frame,
            naam=f"{label} (CBS: {cbs_naam})",
            velden={
                "naam": "Buurt",
                "code": "Buurtcode",
                "ons": "gebiedsplan (auto)",
                "cbs": f"CBS Nabijheid {vergelijking.jaar}",
                "verschil": "Verschil",
                "inwoners": "Inwoners geanalyseerd",
            },
            groep="Verschil per voorziening",
            show=i == 0,
        )
    add_voorzieningen(opbouw)
    add_gebieden(opbouw)
    return finish_kaart(opbouw)


def _nl_km(x: float, _: object = None) -> str:
    return getal(x, 1)


def draw_spreidingsdiagram(vergelijking: Vergelijking, categorie: str) -> Figure:
    """The scatter plot of one category: per buurt CBS's distance (x) against gebiedsplan's
    (y), both rounded to 0.1 km, the line of equality and the band of 0.1 km around it, and
    the statistics of :attr:`Vergelijking.samenvatting` in the title.

    Examples
    --------
    >>> s = pd.DataFrame({"categorie_label": ["Huisarts"], "cbs_naam": ["huisartsenpraktijk"],
    ...     "buurten_vergeleken": [2], "spearman": [1.0], "mediaan_abs_verschil_km": [0.0],
    ...     "aandeel_binnen_afronding": [1.0], "gem_verschil_km": [0.0]},
    ...     index=pd.Index(["huisarts"], name="categorie"))
    >>> t = pd.DataFrame({"afstand_km_cbs": [0.4, 0.9], "afstand_km_afgerond": [0.4, 0.9],
    ...     "vergeleken": [True, True]}, index=pd.MultiIndex.from_tuples(
    ...     [("BU1", "huisarts"), ("BU2", "huisarts")], names=["buurtcode", "categorie"]))
    >>> fig = draw_spreidingsdiagram(Vergelijking(2023, t, s, gpd.GeoDataFrame()), "huisarts")
    >>> fig.axes[0].get_xlabel()
    'CBS Nabijheid 2023 (km)'
    """
    if categorie not in vergelijking.samenvatting.index:
        raise GebiedsplanError(
            f"Categorie {categorie} is niet vergeleken; vergeleken zijn "
            f"{', '.join(vergelijking.categorieen)}."
        )
    s = vergelijking.samenvatting.loc[categorie]
    deel = vergelijking.per_buurt.xs(categorie, level="categorie")
    deel = deel[deel["vergeleken"].astype(bool)]
    x = deel["afstand_km_cbs"].to_numpy(dtype=float)
    y = deel["afstand_km_afgerond"].to_numpy(dtype=float)
    fig = Figure(figsize=(6, 6), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    hoogste = float(np.nanmax(np.r_[x, y, 0.5])) * 1.08
    lijn = np.array([0.0, hoogste])
    ax.fill_between(lijn, lijn - 0.1, lijn + 0.1, color="#d9d9d9", label="binnen 0,1 km")
    ax.plot(lijn, lijn, color="#636363", linewidth=1, label="gelijk")
    ax.scatter(
        x, y, s=28, color="#2166ac", alpha=0.8, edgecolors="white", linewidths=0.5, label="buurt"
    )
    ax.set_xlim(0, hoogste)
    ax.set_ylim(0, hoogste)
    ax.set_aspect("equal")
    # ticks on steps of 1, 2 or 5 (x 10^n): never 0.25, which one decimal would print as "0,2"
    for as_ in (ax.xaxis, ax.yaxis):
        as_.set_major_locator(MaxNLocator(nbins=8, steps=[1, 2, 5, 10]))
        as_.set_major_formatter(FuncFormatter(_nl_km))
    ax.set_xlabel(f"CBS Nabijheid {vergelijking.jaar} (km)")
    ax.set_ylabel("gebiedsplan, met de auto (km)")
    if s["buurten_vergeleken"]:
        cijfers = (
            f"{s['buurten_vergeleken']} buurten, Spearman {getal(s['spearman'], 2)}, mediaan "
            f"verschil {getal(s['mediaan_abs_verschil_km'], 1)} km, "
            f"{procent(s['aandeel_binnen_afronding'])} binnen 0,1 km"
        )
    else:
        cijfers = "geen buurten om te vergelijken"
    ax.set_title(f"{s['categorie_label']} (CBS: {s['cbs_naam']})\n{cijfers}", fontsize=10)
    ax.legend(loc="lower right", fontsize=8, frameon=True, framealpha=0.9)
    ax.grid(True, color="#f0f0f0", linewidth=0.5)
    fig.tight_layout()
    return fig


def save_spreidingsdiagrammen(
    vergelijking: Vergelijking, map_: str | Path, *, naam: str
) -> dict[str, Path]:
    """One PNG scatter plot per compared category (:func:`draw_spreidingsdiagram`) in
    ``map_`` as ``<naam>_<categorie>.png``; written together (:func:`gebiedsplan._io.atomic_batch`).

    Returns
    -------
    dict
        ``{categorie: path}``.
    """
    map_ = Path(map_)
    paden: dict[str, Path] = {}
    with atomic_batch():
        for categorie in vergelijking.categorieen:
            pad = map_ / f"{naam}_{categorie}.png"
            fig = draw_spreidingsdiagram(vergelijking, categorie)
            with atomic_path(pad) as tmp, tmp.open("wb") as f:
                fig.savefig(f, format="png", metadata={"Software": "gebiedsplan"})
            paden[categorie] = pad
    log.info("Spreidingsdiagrammen geschreven: %s", ", ".join(str(p) for p in paden.values()))
    return paden


__all__ = [
    "VERSCHIL_GRENZEN",
    "VERSCHIL_KLASSEN",
    "draw_spreidingsdiagram",
    "make_vergelijking_kaart",
    "save_spreidingsdiagrammen",
]
