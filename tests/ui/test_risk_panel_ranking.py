"""The risk panel's "Robust plan" tab ranks the two plans by shortfall first and shows each plan's
shortfall beside its cost (planner.analysis.plan_ranking)."""

from __future__ import annotations

import os
from types import SimpleNamespace

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from tests.planner.risk_fixtures import teaching_project
from tests.planner.test_plan_ranking import cheap_but_short, dear_but_whole, robust_report
from ui.panels.risk_panel import RiskPanel


def test_the_dearer_plan_without_a_shortfall_is_ranked_first(qtbot):
    """Deterministic: 100 $M, mean 5 t of defense demand short; robust: 120 $M, none short (the
    hand-worked pair of tests/planner/test_plan_ranking.py): rank 2 and 1, shortfall rows above cost."""
    w = RiskPanel(SimpleNamespace(project=teaching_project()))
    qtbot.addWidget(w)
    w.show_robust(robust_report(cheap_but_short(), dear_but_whole()))
    t = w.robust_table
    rows = [[t.item(r, c).text() for c in range(t.columnCount())] for r in range(t.rowCount())]
    assert rows[0][0].startswith("Rank (defense") and rows[0][1:3] == ["2", "1"]
    assert rows[1] == ["Defense shortfall, mean t", "5.0", "0.0", "-5.0"]
    cost = next(i for i, r in enumerate(rows) if r[0] == "Cost mean ($M)")
    assert rows[cost][1:] == ["100.0", "120.0", "+20.0"] and cost > 1
