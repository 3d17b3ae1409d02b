"""Maps of facilities: every facility and IAB accommodation that may be published
(:func:`make_voorzieningen_kaart`), and the network reach of one facility
(:func:`make_bereik_kaart`).

Import them from :mod:`gebiedsplan.kaarten`.
"""

from __future__ import annotations

import folium
import geopandas as gpd
import numpy as np
import shapely

from gebiedsplan import settings
from gebiedsplan._tekst import getal as _getal
from gebiedsplan.catalogus import load_catalogus
from gebiedsplan.errors import GebiedsplanError, GemeenteError
from gebiedsplan.gemeente import Gemeente, effective_voorzieningen
from gebiedsplan.kaarten.lagen import (
    _accommodaties,
    _gebieden,
    _punten_data,
    _voorziening_popup,
    _voorzieningen,
)
from gebiedsplan.kaarten.opbouw import BEREIK_KLEUR, _bounds, _finish, _omtrek, _start, _wgs84
from gebiedsplan.kaarten.pagina import _Punten, legenda_html
from gebiedsplan.netwerk.aansluiten import connect_points
from gebiedsplan.netwerk.bereik import compute_bereik
from gebiedsplan.netwerk.graaf import Netwerk, compile_netwerk
from gebiedsplan.netwerk.zoeken import nearest_per_point
from gebiedsplan.publiceren.pagina import escape_tekst as _tekst  # short name used throughout
from gebiedsplan.publiceren.profiel import (
    Publicatieprofiel,
    load_publicatieprofiel,
    publishable_voorzieningen,
)


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
    opbouw = _start(
        gemeente,
        titel=titel or f"Voorzieningen en accommodaties - {gemeente.titel}",
        ondertitel="Voorzieningen van de sociale basis per categorie en maatschappelijke accommodaties.",
        soort="voorzieningen",
        grenzen=_bounds(gemeente.wijken),
        profiel=profiel,
    )
    _omtrek(
        opbouw,
        gemeente.wijken,
        naam="Wijken",
        tooltips=list(gemeente.wijken["wijknaam"]),
        kleur="#525252",
        dik=1.5,
        streep=None,
    )
    _voorzieningen(opbouw)
    _accommodaties(opbouw)
    _gebieden(opbouw)
    return _finish(opbouw)


def make_bereik_kaart(
    gemeente: Gemeente,
    voorziening_id: str,
    *,
    netwerk: Netwerk | None = None,
    max_afstand_m: float | None = None,
    titel: str | None = None,
    profiel: Publicatieprofiel | None = None,
) -> folium.Map:
    """The reach of one facility: the streets from which it is within its norm over the
    network (:func:`compute_bereik`), an outline of that area, and the residents inside.

    Parameters
    ----------
    gemeente
        The loaded gemeente, with a ``netwerk`` layer (and ``vraagpunten`` for the residents).
    voorziening_id
        Index of the facility in ``effective_voorzieningen(gemeente)`` (a facility, or an
        accommodation's function such as ``acc001:ontmoeting``).
    netwerk
        The compiled network, to reuse it (``analyse.netwerk``); default compiled here.
    max_afstand_m
        Distance; default the norm of the facility's category.
    titel, profiel
        Map title; publishing profile.

    Raises
    ------
    GebiedsplanError
        When the facility is unknown, may not be published, has no norm and no distance was
        given, or lies off the network.

    Examples
    --------
    >>> from gebiedsplan.importeren import demo_gemeente
    >>> g = demo_gemeente()
    >>> vz = g.voorzieningen[g.voorzieningen["naam"] == "Wijkcentrum De Markt"].index[0]
    >>> kaart = make_bereik_kaart(g, vz)
    >>> "Bereik van Wijkcentrum De Markt" in kaart.get_root().render()
    True
    """
    alle = effective_voorzieningen(gemeente)
    profiel = profiel if profiel is not None else load_publicatieprofiel()
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
    if gemeente.netwerk is None and netwerk is None:
        raise GemeenteError(
            f"Gemeente {gemeente.code} heeft geen wegennetwerk; het bereik gaat over het netwerk."
        )
    vz = alle.loc[voorziening_id]
    categorie = str(vz["categorie"])
    cat = load_catalogus().categorieen[categorie]
    if max_afstand_m is None:
        if categorie not in gemeente.normen:
            raise GebiedsplanError(
                f"Categorie '{categorie}' heeft geen norm; geef max_afstand_m op."
            )
        max_afstand_m = float(gemeente.normen[categorie].max_afstand_m)
    netwerk = netwerk if netwerk is not None else compile_netwerk(gemeente.netwerk)
    punt = vz.geometry
    stukken = compute_bereik(netwerk, punt, max_afstand_m=max_afstand_m)
    inwoners_binnen: int | None = None
    if gemeente.vraagpunten is not None:
        aansluiting = connect_points(gemeente.vraagpunten, alle.loc[[voorziening_id]], netwerk)
        afstand = nearest_per_point(aansluiting, np.array([True]))
        binnen = np.nan_to_num(afstand, nan=np.inf) <= max_afstand_m
        inwoners_binnen = int(gemeente.vraagpunten["inwoners"].to_numpy()[binnen].sum())
    naam = str(vz["naam"])
    vlak = (
        shapely.concave_hull(shapely.union_all(stukken.geometry.to_numpy()), ratio=0.3).buffer(15)
        if len(stukken)
        else punt.buffer(max_afstand_m / 10)
    )
    opbouw = _start(
        gemeente,
        titel=titel or f"Bereik van {naam}",
        ondertitel=(
            f"{cat.label}: straten vanwaar {naam} binnen {_getal(max_afstand_m)} m lopen over het "
            "wegennet ligt."
            + (
                f" {_getal(inwoners_binnen)} inwoners wonen binnen die afstand."
                if inwoners_binnen is not None
                else ""
            )
        ),
        soort="bereik",
        grenzen=_bounds(vlak.buffer(100)),
        profiel=profiel,
    )
    lengte = float(stukken["lengte_m"].sum())
    gebied = gpd.GeoDataFrame(
        {
            "tekst": [
                _tekst(
                    f"Bereikbaar gebied (benadering): binnen {_getal(max_afstand_m)} m van {naam}"
                    + (
                        f"; {_getal(inwoners_binnen)} inwoners"
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
        _wgs84(gebied).__geo_interface__,
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
        name=_tekst(f"Straten binnen {_getal(max_afstand_m)} m ({_getal(lengte / 1000, 1)} km)"),
        show=True,
    )
    folium.GeoJson(
        _wgs84(straten).__geo_interface__,
        style_function=lambda f: {"color": BEREIK_KLEUR, "weight": 4, "opacity": 0.85},
    ).add_to(laag)
    laag.add_to(opbouw.kaart)
    opbouw.legendas.append(
        (
            legenda_html(
                f"Bereik binnen {_getal(max_afstand_m)} m",
                [(BEREIK_KLEUR, "straat binnen bereik"), (cat.kleur, naam)],
                id_="legenda-bereik",
                toelichting=f"{_getal(lengte / 1000, 1)} km straat bereikt",
            ),
            None,
        )
    )
    gekozen = folium.FeatureGroup(name=_tekst(naam), show=True)
    gekozen.add_child(
        _Punten(
            _punten_data(
                alle.loc[[voorziening_id]],
                [_voorziening_popup(vz, cat.label)],
                [_tekst(naam)],
            ),
            kleur=cat.kleur,
        )
    )
    gekozen.add_to(opbouw.kaart)
    _voorzieningen(opbouw, binnen=vlak.buffer(max_afstand_m))
    _gebieden(opbouw)
    return _finish(opbouw)
