"""Maps of facilities: every facility and IAB accommodation that may be published
(:func:`make_voorzieningen_kaart`), and the network reach of one facility as the analysis
computed it (:func:`make_bereik_kaart`).

Import them from :mod:`gebiedsplan.kaarten`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import folium
import geopandas as gpd

from gebiedsplan import settings
from gebiedsplan._tekst import getal
from gebiedsplan.catalogus import load_catalogus
from gebiedsplan.errors import GebiedsplanError
from gebiedsplan.gemeente import Gemeente, effective_voorzieningen
from gebiedsplan.kaarten.lagen import (
    add_accommodaties,
    add_gebieden,
    add_voorzieningen,
    punten_data,
    voorziening_popup,
)
from gebiedsplan.kaarten.opbouw import (
    BEREIK_KLEUR,
    add_omtrek,
    bounds_wgs84,
    finish_kaart,
    start_kaart,
    to_wgs84,
)
from gebiedsplan.kaarten.pagina import Punten, legenda_html
from gebiedsplan.publiceren.pagina import escape_tekst
from gebiedsplan.publiceren.profiel import (
    Publicatieprofiel,
    load_publicatieprofiel,
    publishable_voorzieningen,
)

if TYPE_CHECKING:
    from gebiedsplan.analyse.voorzieningbereik import Voorzieningbereik


def make_voorzieningen_kaart(
    gemeente: Gemeente, *, titel: str | None = None, profiel: Publicatieprofiel | None = None
) -> folium.Map:
    """Facilities by category (clustered markers) and IAB accommodations with capacity and
    occupancy, over the wijk outlines.

    Examples
    --------
    >>> from gebiedsplan.importeren import demo_gemeente
    >>> kaart = make_voorzieningen_kaart(demo_gemeente())
    >>> "Accommodaties (IAB)" in kaart.get_root().render()
    True
    """
    opbouw = start_kaart(
        gemeente,
        titel=titel or f"Voorzieningen en accommodaties - {gemeente.titel}",
        ondertitel="Voorzieningen van de sociale basis per categorie en maatschappelijke accommodaties.",
        soort="voorzieningen",
        grenzen=bounds_wgs84(gemeente.wijken),
        profiel=profiel,
    )
    add_omtrek(
        opbouw,
        gemeente.wijken,
        naam="Wijken",
        tooltips=list(gemeente.wijken["wijknaam"]),
        kleur="#525252",
        dik=1.5,
        streep=None,
    )
    add_voorzieningen(opbouw)
    add_accommodaties(opbouw)
    add_gebieden(opbouw)
    return finish_kaart(opbouw)


def check_publishable_voorziening(
    gemeente: Gemeente, voorziening_id: str, *, profiel: Publicatieprofiel | None = None
) -> None:
    """Raise unless a map may show this facility alone: it exists in
    ``effective_voorzieningen(gemeente)`` and the publishing profile publishes it.

    :func:`make_bereik_kaart` checks it; call it before computing the reach of a facility
    whose map is to be published (the command ``gebiedsplan kaart --soort bereik`` does).

    Raises
    ------
    GebiedsplanError
        When the facility is unknown, or may not be published (a sensitive site).

    Examples
    --------
    >>> from gebiedsplan.importeren import demo_gemeente
    >>> g = demo_gemeente()
    >>> check_publishable_voorziening(g, "vz0001")
    >>> opvang = g.voorzieningen.index[g.voorzieningen["categorie"] == "opvang"][0]
    >>> check_publishable_voorziening(g, opvang)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    gebiedsplan.errors.GebiedsplanError: Voorziening '...' wordt volgens het publicatieprofiel niet gepubliceerd ...
    """
    alle = effective_voorzieningen(gemeente)
    if voorziening_id not in alle.index:
        raise GebiedsplanError(
            f"Voorziening '{voorziening_id}' bestaat niet in gemeente {gemeente.code}; "
            f"bijvoorbeeld: {', '.join(map(str, alle.index[:5]))}"
        )
    publiek = publishable_voorzieningen(alle, profiel=profiel, accommodaties=gemeente.accommodaties)
    if voorziening_id not in publiek.index:
        raise GebiedsplanError(
            f"Voorziening '{voorziening_id}' wordt volgens het publicatieprofiel niet "
            "gepubliceerd (gevoelige locatie); er wordt geen kaart van gemaakt."
        )


def make_bereik_kaart(
    gemeente: Gemeente,
    bereik: Voorzieningbereik,
    *,
    titel: str | None = None,
    profiel: Publicatieprofiel | None = None,
) -> folium.Map:
    """The reach of one facility as the analysis computed it: the streets from which it is
    within its norm over the network, an outline of that area, and the residents inside.

    Parameters
    ----------
    gemeente
        The loaded gemeente.
    bereik
        The reach of the facility
        (:func:`gebiedsplan.analyse.voorzieningbereik.compute_voorzieningbereik`).
    titel, profiel
        Map title; publishing profile.

    Raises
    ------
    GebiedsplanError
        When the facility is not one of the gemeente or may not be published
        (:func:`check_publishable_voorziening`).

    Examples
    --------
    >>> from gebiedsplan.analyse.voorzieningbereik import compute_voorzieningbereik
    >>> from gebiedsplan.importeren import demo_gemeente
    >>> g = demo_gemeente()
    >>> vz = g.voorzieningen[g.voorzieningen["naam"] == "Wijkcentrum De Markt"].index[0]
    >>> kaart = make_bereik_kaart(g, compute_voorzieningbereik(g, vz))
    >>> "Bereik van Wijkcentrum De Markt" in kaart.get_root().render()
    True
    """
    profiel = profiel if profiel is not None else load_publicatieprofiel()
    voorziening_id = bereik.voorziening_id
    check_publishable_voorziening(gemeente, voorziening_id, profiel=profiel)
    alle = effective_voorzieningen(gemeente)
    vz = bereik.voorziening
    cat = load_catalogus().categorieen[bereik.categorie]
    max_afstand_m = bereik.max_afstand_m
    inwoners_binnen = bereik.inwoners_binnen
    stukken, vlak = bereik.straten, bereik.vlak
    naam = str(vz["naam"])
    opbouw = start_kaart(
        gemeente,
        titel=titel or f"Bereik van {naam}",
        ondertitel=(
            f"{cat.label}: straten vanwaar {naam} binnen {getal(max_afstand_m)} m lopen over het "
            "wegennet ligt."
            + (
                f" {getal(inwoners_binnen)} inwoners wonen binnen die afstand."
                if inwoners_binnen is not None
                else ""
            )
        ),
        soort="bereik",
        grenzen=bounds_wgs84(vlak.buffer(100)),
        profiel=profiel,
    )
    lengte = bereik.straatlengte_m
    gebied = gpd.GeoDataFrame(
        {
            "tekst": [
                escape_tekst(
                    f"Bereikbaar gebied (benadering): binnen {getal(max_afstand_m)} m van {naam}"
                    + (
                        f"; {getal(inwoners_binnen)} inwoners"
                        if inwoners_binnen is not None
                        else ""
                    )
                )
            ],
            "_kleur": [BEREIK_KLEUR],
        },
        geometry=[vlak],
        crs=settings.crs,
    )
    laag = folium.FeatureGroup(name="Bereikbaar gebied (benadering)", show=True)
    folium.GeoJson(
        to_wgs84(gebied).__geo_interface__,
        style_function=lambda f: {
            "fillColor": BEREIK_KLEUR,
            "color": BEREIK_KLEUR,
            "weight": 1,
            "fillOpacity": 0.12,
        },
        tooltip=folium.GeoJsonTooltip(fields=["tekst"], labels=False),
    ).add_to(laag)
    laag.add_to(opbouw.kaart)
    straten = gpd.GeoDataFrame(
        {"lengte_m": stukken["lengte_m"].round(1).to_numpy()},
        geometry=stukken.geometry.to_numpy(),
        crs=settings.crs,
    )
    laag = folium.FeatureGroup(
        name=escape_tekst(
            f"Straten binnen {getal(max_afstand_m)} m ({getal(lengte / 1000, 1)} km)"
        ),
        show=True,
    )
    folium.GeoJson(
        to_wgs84(straten).__geo_interface__,
        style_function=lambda f: {"color": BEREIK_KLEUR, "weight": 4, "opacity": 0.85},
    ).add_to(laag)
    laag.add_to(opbouw.kaart)
    opbouw.legendas.append(
        (
            legenda_html(
                f"Bereik binnen {getal(max_afstand_m)} m",
                [(BEREIK_KLEUR, "straat binnen bereik"), (cat.kleur, naam)],
                id_="legenda-bereik",
                toelichting=f"{getal(lengte / 1000, 1)} km straat bereikt",
            ),
            None,
        )
    )
    gekozen = folium.FeatureGroup(name=escape_tekst(naam), show=True)
    gekozen.add_child(
        Punten(
            punten_data(
                alle.loc[[voorziening_id]],
                [voorziening_popup(vz, cat.label)],
                [escape_tekst(naam)],
            ),
            kleur=cat.kleur,
            categorie=bereik.categorie,
        )
    )
    gekozen.add_to(opbouw.kaart)
    add_voorzieningen(opbouw, binnen=vlak.buffer(max_afstand_m))
    add_gebieden(opbouw)
    return finish_kaart(opbouw)
