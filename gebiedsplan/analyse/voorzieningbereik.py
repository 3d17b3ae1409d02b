"""The reach of one facility: the streets from which it lies within its norm over the network,
an outline of that area, and the residents who live within that distance
(:func:`compute_voorzieningbereik`, a :class:`Voorzieningbereik`), as the reach map draws it."""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gebiedsplan.errors import GebiedsplanError, GemeenteError
from gebiedsplan.gemeente import Gemeente, effective_voorzieningen
from gebiedsplan.netwerk.aansluiten import connect_points
from gebiedsplan.netwerk.bereik import compute_bereik
from gebiedsplan.netwerk.graaf import Netwerk, compile_netwerk
from gebiedsplan.netwerk.zoeken import nearest_per_point

__all__ = ["Voorzieningbereik", "compute_voorzieningbereik"]

#: The outline of the reached streets: a concave hull of this ratio (0: tight, 1: convex) ...
OMTREK_RATIO = 0.3
#: ... widened by this many metres, so the streets on its edge lie inside.
OMTREK_MARGE_M = 15.0


@dataclass(frozen=True, eq=False)
class Voorzieningbereik:
    """The reach of one facility over the network (:func:`compute_voorzieningbereik`)."""

    #: index of the facility in ``effective_voorzieningen(gemeente)``
    voorziening_id: str
    #: its row there (``naam``, ``categorie``, ``bron`` ..., geometry in EPSG:28992)
    voorziening: pd.Series
    categorie: str
    #: the walking distance used: the norm of the category unless another was asked
    max_afstand_m: float
    #: the street pieces from which the facility lies within ``max_afstand_m``
    #: (:func:`gebiedsplan.netwerk.bereik.compute_bereik`: ``kant``, ``van_m``, ``tot_m``,
    #: ``lengte_m``; EPSG:28992)
    straten: gpd.GeoDataFrame
    #: the area reached, approximately: an outline of ``straten`` (concave hull), or a small
    #: circle around the facility when no street is reached
    vlak: shapely.Geometry
    #: residents (``vraagpunten``) within ``max_afstand_m`` over the network; None without
    #: demand points
    inwoners_binnen: int | None

    @property
    def straatlengte_m(self) -> float:
        """Length of the streets reached, in metres."""
        return float(self.straten["lengte_m"].sum())


def compute_voorzieningbereik(
    gemeente: Gemeente,
    voorziening_id: str,
    *,
    netwerk: Netwerk | None = None,
    max_afstand_m: float | None = None,
) -> Voorzieningbereik:
    """The reach of one facility: the street pieces from which it lies within
    ``max_afstand_m`` over the network (:func:`gebiedsplan.netwerk.bereik.compute_bereik`), an
    outline of that area, and the residents within that distance (the demand points whose
    network distance to the facility, snap distances included, is at most ``max_afstand_m``).

    Parameters
    ----------
    gemeente
        The loaded gemeente, with a ``netwerk`` layer (and ``vraagpunten`` for the residents).
    voorziening_id
        Index of the facility in ``effective_voorzieningen(gemeente)`` (a facility, or an
        accommodation's function such as ``acc001:ontmoeting``).
    netwerk
        The compiled network, to reuse it (``analyse.netwerk``); default compiled from the
        gemeente (kept beside the layer store, as :func:`~gebiedsplan.analyse.run.run_analyse`
        does).
    max_afstand_m
        Distance; default the norm of the facility's category.

    Returns
    -------
    Voorzieningbereik

    Raises
    ------
    GebiedsplanError
        When the facility is unknown, its category has no norm and no distance was given, or
        it lies off the network.
    GemeenteError
        When the gemeente has no network.

    Examples
    --------
    >>> from gebiedsplan.importeren import demo_gemeente
    >>> g = demo_gemeente()
    >>> vz = g.voorzieningen.index[g.voorzieningen["naam"] == "Wijkcentrum De Markt"][0]
    >>> bereik = compute_voorzieningbereik(g, vz)
    >>> bereik.categorie, bereik.max_afstand_m  # the demo's own norm for ontmoeting
    ('ontmoeting', 600.0)
    >>> bereik.inwoners_binnen > 0 and bereik.vlak.contains(bereik.voorziening.geometry)
    True
    """
    alle = effective_voorzieningen(gemeente)
    if voorziening_id not in alle.index:
        raise GebiedsplanError(
            f"Voorziening '{voorziening_id}' bestaat niet in gemeente {gemeente.code}; "
            f"bijvoorbeeld: {', '.join(map(str, alle.index[:5]))}"
        )
    if gemeente.netwerk is None and netwerk is None:
        raise GemeenteError(
            f"Gemeente {gemeente.code} heeft geen wegennetwerk; het bereik gaat over het netwerk."
        )
    vz = alle.loc[voorziening_id]
    categorie = str(vz["categorie"])
    if max_afstand_m is None:
        if categorie not in gemeente.normen:
            raise GebiedsplanError(
                f"Categorie '{categorie}' heeft geen norm; geef max_afstand_m op."
            )
        max_afstand_m = float(gemeente.normen[categorie].max_afstand_m)
    if netwerk is None:
        assert gemeente.netwerk is not None
        netwerk = compile_netwerk(gemeente.netwerk, cache_map=gemeente.netwerk_map)
    punt = vz.geometry
    straten = compute_bereik(netwerk, punt, max_afstand_m=max_afstand_m)
    inwoners_binnen: int | None = None
    if gemeente.vraagpunten is not None:
        aansluiting = connect_points(gemeente.vraagpunten, alle.loc[[voorziening_id]], netwerk)
        afstand = nearest_per_point(aansluiting, np.array([True]))
        binnen = np.nan_to_num(afstand, nan=np.inf) <= max_afstand_m
        inwoners_binnen = int(gemeente.vraagpunten["inwoners"].to_numpy()[binnen].sum())
    vlak = (
        shapely.concave_hull(
            shapely.union_all(straten.geometry.to_numpy()), ratio=OMTREK_RATIO
        ).buffer(OMTREK_MARGE_M)
        if len(straten)
        else punt.buffer(max_afstand_m / 10)
    )
    return Voorzieningbereik(
        voorziening_id=voorziening_id,
        voorziening=vz,
        categorie=categorie,
        max_afstand_m=float(max_afstand_m),
        straten=straten,
        vlak=vlak,
        inwoners_binnen=inwoners_binnen,
    )
