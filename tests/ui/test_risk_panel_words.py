"""Before any risk run the cost chart invites a run (it read 'no sample with a plan', like a
failure), and the panel no longer points to a 'Settings -> risk' page that does not exist."""

from __future__ import annotations

from pathlib import Path

from models import load_project
from ui.document.document import Document
from ui.panels.risk_panel import NOT_RUN_TITLE, RiskPanel

TEACHING = Path(__file__).resolve().parents[2] / "sample_projects" / "teaching_chain.m2m.json"


def test_words_before_a_run(qtbot):
    panel = RiskPanel(Document(load_project(TEACHING)))
    qtbot.addWidget(panel)
    assert panel.cost_view.chart().title() == NOT_RUN_TITLE
    assert "no sample" not in panel.cost_view.chart().title()
    assert "Settings →" not in panel.status_label.text()
