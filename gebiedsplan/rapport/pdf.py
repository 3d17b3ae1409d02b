"""The gebiedsplan report as a PDF, printed by headless Chromium (A4, as the page's ``@page``
rules say)."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from gebiedsplan._io import atomic_path, current_path
from gebiedsplan.errors import GebiedsplanError

log = logging.getLogger(__name__)


#: Chromium executables tried in turn (``GEBIEDSPLAN_CHROMIUM`` first, when set).
CHROMIUM_NAMEN = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


#: Chromium flags: headless, no sandbox/GPU, and nothing online (no QUIC, no background
#: requests, no updates, no sync; every host name resolves to nothing, so the print never
#: waits for map tiles or scripts from the internet).
CHROMIUM_VLAGGEN = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--no-pdf-header-footer",
)


def find_chromium() -> str | None:
    """Path of a Chromium (or Chrome) executable: ``GEBIEDSPLAN_CHROMIUM`` or the first of
    :data:`CHROMIUM_NAMEN` on the ``PATH``; None when there is none."""
    eigen = os.environ.get("GEBIEDSPLAN_CHROMIUM")
    if eigen:
        return shutil.which(eigen)
    for naam in CHROMIUM_NAMEN:
        if gevonden := shutil.which(naam):
            return gevonden
    return None


def save_rapport_pdf(
    pad_html: str | Path, pad_pdf: str | Path, *, timeout_s: float = 120.0
) -> Path:
    """Print a saved report to PDF (A4) with headless Chromium, offline, atomically.

    Parameters
    ----------
    pad_html
        The report, from :func:`save_rapport`.
    pad_pdf
        The PDF to write.
    timeout_s
        Seconds before Chromium is given up.

    Raises
    ------
    GebiedsplanError
        No Chromium installed, the HTML file does not exist, or Chromium fails.

    Examples
    --------
    >>> save_rapport_pdf("rapport.html", "rapport.pdf")  # doctest: +SKIP
    PosixPath('rapport.pdf')
    """
    pad_html, pad_pdf = Path(pad_html), Path(pad_pdf)
    bron = current_path(pad_html)  # inside atomic_batch: the report of this run, not yet landed
    if not bron.is_file():
        raise GebiedsplanError(
            f"Rapport {pad_html} bestaat niet; schrijf het eerst met save_rapport(html, pad)."
        )
    chromium = find_chromium()
    if chromium is None:
        raise GebiedsplanError(
            "Geen Chromium gevonden om een PDF te maken (gezocht: "
            f"{', '.join(CHROMIUM_NAMEN)}). Installeer Chromium (Debian/Ubuntu: "
            "'apt-get install chromium') of zet GEBIEDSPLAN_CHROMIUM op het pad van Chromium of "
            f"Chrome. U kunt {pad_html} ook in een browser openen en afdrukken als PDF (A4)."
        )
    with (
        tempfile.TemporaryDirectory(prefix="gebiedsplan-chromium-") as profiel,
        atomic_path(pad_pdf, suffix=".pdf") as tmp,
    ):
        opdracht = [
            chromium,
            *CHROMIUM_VLAGGEN,
            f"--user-data-dir={profiel}",
            f"--print-to-pdf={tmp}",
            bron.resolve().as_uri(),
        ]
        try:
            klaar = subprocess.run(
                opdracht, capture_output=True, text=True, timeout=timeout_s, check=False
            )
        except subprocess.TimeoutExpired:
            raise GebiedsplanError(
                f"Chromium maakte de PDF van {pad_html} niet binnen {timeout_s:.0f} s; "
                "probeer het opnieuw met een groter timeout_s."
            ) from None
        if not tmp.exists() or not tmp.read_bytes().startswith(b"%PDF"):
            fouten = "\n".join(klaar.stderr.strip().splitlines()[-5:])
            raise GebiedsplanError(
                f"Chromium ({chromium}) maakte geen PDF van {pad_html} "
                f"(afsluitcode {klaar.returncode}):\n{fouten}"
            )
    log.info("PDF geschreven: %s", pad_pdf)
    return pad_pdf
