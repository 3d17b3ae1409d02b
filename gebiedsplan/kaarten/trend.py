"""The trend chart: small multiples, one line per wijk (or buurt) over the years.

Draws a table of :func:`gebiedsplan.analyse.trend.compute_trend` as it is: one panel per area,
the same y axis for all, and the years whose figure was carried from an older indeling (a
boundary change) marked with an open dot and named in the legend.
"""

from __future__ import annotations

import logging
import math
from pathlib import Path

import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter

from gebiedsplan._io import atomic_batch, atomic_path
from gebiedsplan._tekst import getal
from gebiedsplan.errors import GebiedsplanError

log = logging.getLogger(__name__)

LIJN_KLEUR = "#1f4e79"
HERSCHAT_KLEUR = "#c0504d"


def draw_trend(tabel: pd.DataFrame, *, titel: str, onderschrift: str | None = None) -> Figure:
    """Small multiples of a trend table: one panel per row, re-estimated years as open dots.

    Every panel has its own y axis, so the course of a small wijk shows beside a large one.

    Parameters
    ----------
    tabel
        :func:`gebiedsplan.analyse.trend.compute_trend` (its ``attrs`` name the years and the
        re-estimated cells).
    titel
        Dutch title above the panels.
    onderschrift
        A second title line, e.g. the warning that the data is synthetic.

    Examples
    --------
    >>> import gebiedsplan as gp
    >>> from gebiedsplan.analyse.trend import compute_trend
    >>> fig = draw_trend(compute_trend(gp.demo_gemeente(), "aantal_inwoners"), titel="Inwoners")
    >>> len(fig.axes)
    6
    """
    jaren = list(tabel.attrs.get("jaren") or [])
    if not jaren or tabel.empty:
        raise GebiedsplanError("De trendtabel is leeg: geen gebieden of geen jaren om te tekenen.")
    herschat = tabel.attrs.get("herschat")
    n = len(tabel)
    kolommen = min(3, n)
    rijen = math.ceil(n / kolommen)
    fig = Figure(figsize=(3.4 * kolommen, 2.5 * rijen + 0.9), layout="constrained")
    FigureCanvasAgg(fig)
    # every panel its own y axis: the course of each area shows, so read the numbers
    assen = fig.subplots(rijen, kolommen, squeeze=False).ravel()
    x = [int(j) for j in jaren]
    waarden = tabel[jaren].astype(float)
    for as_, (code, rij) in zip(assen, waarden.iterrows(), strict=False):
        as_.plot(x, rij.to_numpy(), color=LIJN_KLEUR, marker="o", markersize=4, linewidth=1.6)
        if herschat is not None and code in herschat.index:
            mask = herschat.loc[code, jaren].to_numpy(dtype=bool)
            as_.plot(
                [j for j, m in zip(x, mask, strict=True) if m],
                rij.to_numpy()[mask],
                linestyle="none",
                marker="o",
                markersize=7,
                markerfacecolor="white",
                markeredgecolor=HERSCHAT_KLEUR,
                markeredgewidth=1.5,
            )
        as_.set_title(f"{tabel.at[code, 'naam']!s} ({code!s})", fontsize=9)
        as_.set_xticks(x, [str(j) for j in x], fontsize=7)
        as_.tick_params(axis="y", labelsize=7)
        as_.yaxis.set_major_formatter(FuncFormatter(lambda v, _: getal(v)))
        as_.grid(True, color="#dddddd", linewidth=0.6)
    for as_ in assen[n:]:
        as_.set_visible(False)
    fig.suptitle(f"{titel}\n{onderschrift}" if onderschrift else titel, fontsize=11)
    fig.legend(
        handles=[
            Line2D([], [], color=LIJN_KLEUR, marker="o", markersize=4, label="cijfer van dat jaar"),
            Line2D(
                [],
                [],
                linestyle="none",
                marker="o",
                markerfacecolor="white",
                markeredgecolor=HERSCHAT_KLEUR,
                label="herschat naar de huidige buurtgrenzen (grenswijziging)",
            ),
        ],
        loc="outside lower center",
        ncols=2,
        fontsize=8,
        frameon=False,
    )
    return fig


def save_trend(
    tabel: pd.DataFrame,
    map_: str | Path,
    *,
    naam: str,
    titel: str,
    onderschrift: str | None = None,
) -> dict[str, Path]:
    """Write the trend chart as ``<naam>.svg`` and ``<naam>.png`` into ``map_``, both or none.

    Examples
    --------
    >>> import tempfile, gebiedsplan as gp
    >>> from gebiedsplan.analyse.trend import compute_trend
    >>> t = compute_trend(gp.demo_gemeente(), "aantal_inwoners")
    >>> sorted(save_trend(t, tempfile.mkdtemp(), naam="trend", titel="Inwoners"))
    ['png', 'svg']
    """
    map_ = Path(map_)
    fig = draw_trend(tabel, titel=titel, onderschrift=onderschrift)
    paden = {"svg": map_ / f"{naam}.svg", "png": map_ / f"{naam}.png"}
    with atomic_batch():
        for formaat, pad in paden.items():
            with atomic_path(pad) as tmp, open(tmp, "wb") as f:
                fig.savefig(
                    f,
                    format=formaat,
                    dpi=150,
                    metadata={"Creator": "gebiedsplan"}
                    if formaat == "svg"
                    else {"Software": "gebiedsplan"},
                )
    log.info("Trendgrafiek geschreven: %s", ", ".join(str(p) for p in paden.values()))
    return paden
