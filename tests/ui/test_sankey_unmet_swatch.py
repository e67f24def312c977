"""Covered-class Sankey bands and the unmet-demand swatch are told apart by colour and pattern."""

from __future__ import annotations

from PySide6.QtGui import QColor, QImage

from tests.ui.solve_fixtures import hand_result, small_project
from ui.results.sankey import CLEAN_COLOUR, COVERED_COLOUR, UNMET_COLOUR, SankeyWidget


def _distance(a: QColor, b: QColor) -> int:
    return abs(a.red() - b.red()) + abs(a.green() - b.green()) + abs(a.blue() - b.blue())


def test_unmet_is_not_drawn_in_the_covered_colour(qtbot):
    assert _distance(UNMET_COLOUR, COVERED_COLOUR) > 150 and _distance(UNMET_COLOUR, CLEAN_COLOUR) > 150
    w = SankeyWidget()
    qtbot.addWidget(w)
    w.resize(1000, 520)
    w.set_flows(small_project(), hand_result(), 2027)  # defense SmCo: 20 t of 60 unmet
    image: QImage = w.grab().toImage()
    near = sum(1 for x in range(image.width()) for y in range(image.height())
               if _distance(image.pixelColor(x, y), UNMET_COLOUR) < 40)
    assert near > 5  # the unmet hatch is drawn, in its own colour (before: none, it was the covered red)
