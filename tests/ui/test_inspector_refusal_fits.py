"""The inspector's refusal text is never clipped: at dock widths of 300-420 px the inline refusal
under a field gets the height of its wrapped text (QFontMetrics.boundingRect at the label's width,
with word wrap), and the rows below it start under it.

Before the fix, on the real sample's Strange Lake mine at 390 px, a refused assay (the sample's
longest refusal, 250 characters) was 220 px wide and needed 8 lines (112 px) but got the 56 px its
size hint asked for at 480 px: the QFormLayout row did not ask the label's height for its width,
and the text, centred, was cut at the top and the bottom.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QApplication

from models.io import load_project
from ui.document.document import Document
from ui.editors.inspector import Inspector
from ui.widgets.wrapped_label import WrappedLabel

SAMPLE = Path(__file__).resolve().parents[2] / "sample_projects" / "us_allied_mine_to_magnet.m2m.json"

#: (facility, field, typed text): the longest refusals of the sample's fields
REFUSALS = [
    ("strange_lake", "assay", "ndpr: 2, dy: -1, foo: 3"),
    ("white_mesa", "id", "mp materials / mountain pass mine with spaces"),
    ("strange_lake", "ramp_up_shares", "0.3, 1.7, x"),
]


def text_height(label, width: int) -> int:
    """px the label's text needs wrapped at ``width`` px (what a reader must see)."""
    fm = QFontMetrics(label.font())
    return fm.boundingRect(QRect(0, 0, width, 100_000), int(Qt.TextFlag.TextWordWrap), label.text()).height()


@pytest.fixture(scope="module")
def project():
    return load_project(SAMPLE)


@pytest.mark.parametrize("width", [300, 340, 390, 420])
@pytest.mark.parametrize("facility, attr, typed", REFUSALS)
def test_refusal_text_is_not_clipped(qtbot, project, width, facility, attr, typed):
    doc = Document(project.model_copy(deep=True))
    inspector = Inspector(doc)
    qtbot.addWidget(inspector)
    inspector.resize(width, 560)
    inspector.show()
    qtbot.waitExposed(inspector)
    doc.set_current_facility(doc.project.facility(facility))
    form = inspector.form
    spec = next(s for s in form.specs if s.attr == attr)
    assert not form.commit(spec, typed)
    qtbot.wait(30)  # the layout settles (the label's width, then its height)
    inline = form.field_errors[attr]
    assert inline.isVisible() and typed.split(",")[0] in inline.text()
    need = text_height(inline, inline.contentsRect().width())
    assert need >= 2 * QFontMetrics(inline.font()).lineSpacing()  # a long message: wrapped to several lines
    # the label is as tall as its wrapped text, and so is what it asks its layout for
    assert inline.contentsRect().height() >= need, (inline.contentsRect(), need, inline.text())
    assert inline.sizeHint().expandedTo(inline.minimumSize()).height() >= need
    # nothing of it lies outside its row, and the next visible row starts below it
    row = form.rows[attr]
    assert row.rect().contains(inline.geometry())
    below = [r for r in form.rows.values() if r.isVisible() and r.y() > row.y()]
    assert below and min(r.y() for r in below) >= row.y() + inline.geometry().bottom()


def test_wrapped_label_follows_its_width_and_a_large_font(qtbot):
    """A label of a large (high-DPI) font made narrower grows taller, and wider shorter again.
    By hand: 12 words of "abcdefgh" (8 characters) at 14 pt need one line per one or two words at
    150 px, so more lines than at 600 px, where they need about two."""
    label = WrappedLabel(" ".join(["abcdefgh"] * 12))
    font = QFont(QApplication.font())
    font.setPointSizeF(14.0)
    label.setFont(font)
    qtbot.addWidget(label)
    label.resize(600, 10)
    label.show()
    qtbot.wait(10)
    wide = label.minimumHeight()
    assert wide >= text_height(label, 600)
    label.resize(150, wide)
    qtbot.wait(10)
    narrow = label.minimumHeight()
    assert narrow >= text_height(label, 150) > wide
    label.resize(600, narrow)
    qtbot.wait(10)
    assert label.minimumHeight() == wide
    label.setText("")
    assert label.minimumHeight() == 0
