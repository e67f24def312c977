"""The "Robust plan" tab lists a stock build as a hedge with its cost and payer, and the expected
defense shortfall of both plans."""

from __future__ import annotations

import os
from types import SimpleNamespace

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

from planner.analysis.robust import run_robust  # noqa: E402
from planner.pipeline.solve import SolveOptions  # noqa: E402
from tests.planner.resilience_fixtures import stock_hedge_project  # noqa: E402
from ui.panels.risk_panel import RiskPanel  # noqa: E402


def test_the_robust_tab_shows_the_stock_build_and_who_pays_it(qtbot):
    """stock_hedge_project, N-1 secure in 2027 (tests/planner/test_stock_hedge.py): the hedge is
    100 t held in ``dla`` at the end of 2026, bought by the government for 5 $M (0.1 $M/yr to hold);
    out of sample the expected 2027 defense shortfall falls from 0.25 x 100 = 25 t to 0 t."""
    p = stock_hedge_project()
    rep = run_robust(p, 0, n_eval=4, workers=1, options=SolveOptions(time_limit_s=30), n1_years=[2027])
    w = RiskPanel(SimpleNamespace(project=p))
    qtbot.addWidget(w)
    w.resize(1300, 800)
    w.show_robust(rep)
    hedge = [[w.hedge_table.item(r, c).text() for c in range(w.hedge_table.columnCount())]
             for r in range(w.hedge_table.rowCount())]
    assert hedge == [["Stockpile dla", "ndfeb_magnet held at the end of 2026", "stock build", "0.0 t", "100.0 t",
                      "purchase 5.0; holding 0.10/yr", "government"]]
    measures = {w.robust_table.item(r, 0).text(): [w.robust_table.item(r, c).text() for c in (1, 2)]
                for r in range(w.robust_table.rowCount())}
    short = [v for k, v in measures.items() if k.startswith("Expected") and k.endswith("shortfall 2027 (t)")]
    assert short == [["25.0", "0.0"]]
    if os.environ.get("M2M_SHOT"):
        w.grab().save(os.environ["M2M_SHOT"])
    assert pytest.approx(rep.stock_hedge[0].extra_t, abs=1e-5) == 100.0
