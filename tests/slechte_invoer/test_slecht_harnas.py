"""The harness itself can fail: a changed store, a left-over temporary file, a traceback, a zero
exit and a message that does not name the file are each caught."""

from __future__ import annotations

import pytest
from harnas import Uitkomst, weigert


def test_een_gewone_weigering(werkmap):
    voor = werkmap.toestand()
    uit = werkmap.run(["analyse", "nergenshuizen"])
    weigert(uit, noemt=["nergenshuizen.yml", "bestaat niet"])
    werkmap.onveranderd(voor)


def test_het_harnas_ziet_elke_fout(werkmap):
    voor = werkmap.toestand()
    with pytest.raises(AssertionError, match="exit 0"):
        weigert(Uitkomst(0, "Fout: x"))
    with pytest.raises(AssertionError, match="Traceback"):
        weigert(Uitkomst(1, "Traceback (most recent call last):\n  ..."))
    with pytest.raises(AssertionError, match="ontsnapt"):
        weigert(Uitkomst(1, "Fout", ValueError("x")))
    with pytest.raises(AssertionError, match="noemt"):
        weigert(Uitkomst(1, "Fout: er ging iets mis"), noemt=["kerncijfers.csv"])
    (werkmap.pad / "uitvoer" / "hiaten_GM9999.csv").write_text("anders", encoding="utf-8")
    with pytest.raises(AssertionError, match="veranderd"):
        werkmap.onveranderd(voor)
    (werkmap.pad / "uitvoer" / "hiaten_GM9999.csv").unlink()
    (werkmap.pad / "lagen" / "store" / ".GM9999.gpkg.x1y2.gpkg").write_bytes(b"")
    with pytest.raises(AssertionError):
        werkmap.onveranderd(voor)
