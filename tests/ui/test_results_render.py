"""Render the dashboard with a real result at 1400 x 900 and check what a reader would notice:
clipped KPI text, overlapping Sankey labels, empty charts.

Set M2M_SCREENSHOT_DIR to also save one PNG per tab (docs/screenshot_results.png is the
Overview tab of the US/allied sample rendered this way).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtGui import QFontMetrics

from models import load_project
from planner.pipeline.solve import SolveOptions, solve_project
from tests.ui.solve_fixtures import small_project
from ui.results.dashboard import ResultsDashboard

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_projects" / "us_allied_mine_to_magnet.m2m.json"


@pytest.fixture(scope="module")
def solved():
    project = load_project(SAMPLE) if SAMPLE.exists() else small_project()
    result = solve_project(project, SolveOptions(time_limit_s=120))
    assert result.has_plan, result.message
    return project, result


def _lines_fit(label) -> bool:
    fm = QFontMetrics(label.font())
    import re

    text = re.sub(r"<[^>]+>", "", label.text().replace("<br>", "\n"))
    return all(fm.horizontalAdvance(line) <= label.contentsRect().width() + 1 for line in text.split("\n"))


def test_render_1400x900(qtbot, solved):
    project, result = solved
    d = ResultsDashboard()
    qtbot.addWidget(d)
    d.resize(1400, 900)
    d.show()
    qtbot.waitExposed(d)
    d.set_result(project, result)
    d.finish_pending()
    out = os.environ.get("M2M_SCREENSHOT_DIR")
    for tab in range(d.tabs.count()):
        d.tabs.setCurrentIndex(tab)
        qtbot.wait(20)
        image = d.grab()
        assert not image.isNull() and image.width() == 1400
        if out:
            Path(out).mkdir(parents=True, exist_ok=True)
            image.save(str(Path(out) / f"results_tab{tab}.png"))
    # KPI cards: every line of every label fits its card (nothing clipped)
    for card in d.cards:
        for label in (card.title_label, card.value_label, card.detail_label):
            assert _lines_fit(label), f"clipped KPI text: {label.text()!r}"
    # combo boxes filled after the first show still fit their text
    for combo in (d.product_combo, d.segment_combo, d.flow_year_combo):
        fm = QFontMetrics(combo.font())
        assert combo.width() >= fm.horizontalAdvance(combo.currentText()) + 16, combo.currentText()
    # charts drawn
    for view in (d.supply_view, d.cost_view, d.marginal_view):
        assert view.chart().series(), view.chart().title()
    # Sankey: labels never overlap one another, nodes inside the widget
    lay = d.sankey.current_layout()
    boxes = list(lay.boxes.values())
    assert boxes
    for i, a in enumerate(boxes):
        assert a.rect.bottom() <= d.sankey.height() + 1
        assert a.label_rect.right() <= d.sankey.width() + 1
        for b in boxes[i + 1:]:
            assert not a.label_rect.intersects(b.label_rect), (a.node.label, b.node.label)
