"""The risk panel runs run_risk off the GUI thread, shows progress, cancels, leaves nothing running."""

from __future__ import annotations

import multiprocessing
import os
from types import SimpleNamespace

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import Qt

from tests.planner.risk_fixtures import teaching_project
from ui.panels.risk_panel import RiskPanel, active_tasks, histogram_bins


@pytest.fixture
def panel(qtbot):
    doc = SimpleNamespace(project=teaching_project())
    w = RiskPanel(doc)
    qtbot.addWidget(w)
    w.time_spin.setValue(30)
    yield w
    w.cancel()
    w.wait()
    assert active_tasks() == []


def test_run_four_samples_reaches_100_percent_and_fills_the_results(qtbot, panel):
    panel.n_spin.setValue(4)
    panel.seed_spin.setValue(9)
    panel.workers_spin.setValue(1)
    with qtbot.waitSignal(panel.report_ready, timeout=120_000) as blocker:
        panel.run_button.click()
        assert panel.is_running() and not panel.run_button.isEnabled() and panel.cancel_button.isEnabled()
    qtbot.waitUntil(lambda: not panel.is_running(), timeout=10_000)
    report = blocker.args[0]
    assert report.n_completed == 4 and report.n_ok == 4 and not report.cancelled
    assert panel.progress_bar.value() == panel.progress_bar.maximum()
    assert panel.run_button.isEnabled() and not panel.cancel_button.isEnabled()
    # the cards and tables show the report's figures
    p = report.p_met_all[2027]
    assert panel.card_met.value.full_text() == f"{100 * p:.0f} %"
    assert panel.card_failed.value.full_text() == "4 / 4"
    assert panel.investments_table.rowCount() == len(report.investments) >= 1
    assert panel.investments_table.item(0, 1).text() == report.investments[0].option
    assert panel.drivers_table.rowCount() == len(report.drivers)
    assert panel.cost_view.chart().series()[0].barSets()[0].sum() == 4  # every sample in the histogram
    assert active_tasks() == []


def test_sampling_around_a_scenario(qtbot, panel):
    assert [panel.scenario_combo.itemData(k) for k in range(panel.scenario_combo.count())] == [
        None, "china_cut", "sep_late", "demand_x2", "capex_up"]
    panel.scenario_combo.setCurrentIndex(panel.scenario_combo.findData("demand_x2"))
    panel.n_spin.setValue(2)
    panel.workers_spin.setValue(1)
    with qtbot.waitSignal(panel.report_ready, timeout=120_000) as blocker:
        panel.run_button.click()
    report = blocker.args[0]
    assert all(s.defense_demand_t["ndfeb_magnet"][2027] == 300.0 for s in report.samples)  # demand x 2
    assert "Defense demand x2" in panel.status_label.text()
    qtbot.waitUntil(lambda: not panel.is_running(), timeout=10_000)


@pytest.mark.parametrize("workers", [1, 2])
def test_cancel_stops_the_run_and_leaves_no_thread_or_process(qtbot, panel, workers):
    panel.n_spin.setValue(2000)
    panel.workers_spin.setValue(workers)
    with qtbot.waitSignal(panel.report_ready, timeout=60_000) as blocker:
        panel.run_button.click()
        qtbot.wait(400)
        panel.cancel_button.click()
        assert not panel.cancel_button.isEnabled()
    report = blocker.args[0]
    assert report.cancelled and report.n_completed < 2000
    assert "Cancelled" in panel.status_label.text()
    qtbot.waitUntil(lambda: not panel.is_running(), timeout=10_000)
    assert panel.run_button.isEnabled()
    assert active_tasks() == []
    assert multiprocessing.active_children() == []


def test_an_exception_in_the_run_is_shown_and_the_panel_recovers(qtbot):
    def broken(*args):
        raise RuntimeError("no solver here")

    w = RiskPanel(SimpleNamespace(project=teaching_project()), run_fn=broken)
    qtbot.addWidget(w)
    w.run_button.click()
    qtbot.waitUntil(lambda: not w.is_running(), timeout=10_000)
    assert "no solver here" in w.status_label.text() and w.run_button.isEnabled()
    assert active_tasks() == []


def test_histogram_bins_have_round_widths_and_count_everything():
    edges, counts = histogram_bins([10.0, 11.0, 12.5, 19.9, 20.0] * 5)
    assert sum(counts) == 25 and len(edges) == len(counts) + 1
    widths = {round(b - a, 9) for a, b in zip(edges, edges[1:])}
    assert len(widths) == 1 and widths.pop() in (1.0, 2.0, 2.5, 5.0)
    assert edges[0] <= 10.0 and edges[-1] > 20.0
    edges, counts = histogram_bins([7.0, 7.0])
    assert counts == [2] and edges[0] < 7.0 < edges[1]


def test_a_report_without_any_plan_is_shown_honestly(qtbot, panel):
    from planner.analysis.risk_report import aggregate
    from planner.analysis.risk_worker import SampleSummary

    failed = [SampleSummary(index=i, status="time_limit", message="The time limit ran out") for i in range(3)]
    panel.show_report(aggregate(failed, project="p", n_requested=3, seed=0, target_year=2027))
    assert panel.card_met.value.full_text() == "—"
    assert panel.card_failed.value.full_text() == "0 / 3"
    assert panel.failures_table.rowCount() == 3
    assert panel.failures_table.item(2, 2).text() == "The time limit ran out"
    assert panel.tabs.tabText(3) == "Samples without a plan (3)"
    assert panel.card_failed.detail.full_text() == "3 without a plan, counted as not met"
    assert "no sample" in panel.cost_view.chart().title()


def test_the_events_behind_the_shortfalls_are_listed(qtbot, panel):
    """catalogue_project (tests/planner/resilience_fixtures.py): 8 samples, the magnet plant's
    outage in 2 of them, each 100 t short in 2027: the events tab lists outage:mag with P(met)
    0 % with it and 100 % without, in 100 % of the short NdFeB samples."""
    from planner.analysis.risk import run_risk
    from planner.pipeline.solve import SolveOptions
    from tests.planner.resilience_fixtures import catalogue_project

    panel.show_report(run_risk(catalogue_project(0.25), 8, seed=7, workers=1, options=SolveOptions(time_limit_s=30)))
    assert panel.tabs.tabText(4) == "Events behind 2027 shortfalls (1)"
    row = [panel.events_table.item(0, c).text() for c in range(panel.events_table.columnCount())]
    assert row[:5] == ["outage:mag", "outage", "2", "0 %", "100 %"] and row[5].endswith("100 %")


def test_plan_for_this_risk_shows_the_hedge_and_applies_it_as_an_undoable_scenario(qtbot):
    """Two-futures micro chain (tests/planner/risk_fixtures.py): the robust plan builds the hedge
    (mag2 +100 t/yr decided 2026, 50 $M); applying it adds one scenario; Ctrl+Z removes it."""
    from tests.planner.risk_fixtures import two_futures_project
    from ui.document.document import Document

    doc = Document(two_futures_project())
    w = RiskPanel(doc)
    qtbot.addWidget(w)
    w.n_spin.setValue(8)
    w.workers_spin.setValue(1)
    w.robust_k_spin.setValue(4)
    w.seed_spin.setValue(5)
    qtbot.mouseClick(w.robust_button, Qt.MouseButton.LeftButton)
    assert not w.run_button.isEnabled() and not w.robust_button.isEnabled() and w.cancel_button.isEnabled()
    qtbot.waitUntil(lambda: w.robust_report is not None and not w.is_running(), timeout=120_000)
    assert w.robust_button.isEnabled() and w.run_button.isEnabled()
    hedge = [[w.hedge_table.item(r, c).text() for c in range(w.hedge_table.columnCount())]
             for r in range(w.hedge_table.rowCount())]
    assert hedge == [["Magnets (hedge site)", "hedge", "added", "—", "2026: 100", "+50.0", "industry"]]  # ids: tooltips
    assert w.hedge_table.item(0, 1).toolTip() == "option id: hedge"  # the option by name (it has none here)
    measures = [w.robust_table.item(r, 0).text() for r in range(w.robust_table.rowCount())]
    assert any("2027" in m for m in measures) and "Cost P50 ($M)" in measures
    assert w.apply_robust_button.isEnabled()
    n_before = len(doc.project.scenarios)
    w.apply_robust()
    sc = doc.project.scenarios[-1]
    assert len(doc.project.scenarios) == n_before + 1 and sc.id == "robust_base"
    assert [(o.kind, o.option_id, o.year, o.added_tpy) for o in sc.overrides] == [("invest", "hedge", 2026, 100.0)]
    from planner.pipeline.solve import SolveOptions, solve_project

    forced = solve_project(doc.project, SolveOptions(scenario=sc.id))
    assert [(i.option, i.decided_year, i.added_tpy) for i in forced.investments] == [("hedge", 2026, 100.0)]
    doc.undo_stack.undo()
    assert len(doc.project.scenarios) == n_before


def test_mode_choice_reaches_the_run_and_the_status_says_which(qtbot, panel):
    panel.n_spin.setValue(2)
    panel.workers_spin.setValue(1)
    panel.mode_combo.setCurrentIndex(panel.mode_combo.findData("foresight"))
    panel.start()
    qtbot.waitUntil(lambda: panel.report is not None and not panel.is_running(), timeout=60_000)
    assert panel.report.mode == "foresight" and "perfect foresight" in panel.status_label.text()


def test_p_met_lines_equal_to_another_are_dashed_and_say_so(qapp):
    """NdFeB and SmCo both met in every sample: the SmCo line would lie exactly under the NdFeB
    line; it is drawn after it, dashed, and its legend names the line it equals."""
    from PySide6.QtCharts import QLineSeries

    from ui.panels.risk_panel import p_met_chart

    same = {2027: 1.0, 2028: 1.0, 2029: 0.5}
    chart = p_met_chart({"ndfeb_magnet": dict(same), "smco_magnet": dict(same)}, dict(same), 2027)
    lines = [s for s in chart.series() if isinstance(s, QLineSeries) and type(s).__name__ == "QLineSeries"]
    assert len(lines) == 2
    assert lines[0].pen().style() == Qt.PenStyle.SolidLine and lines[1].pen().style() == Qt.PenStyle.DashLine
    assert "(=" in lines[1].name() and lines[0].name() in lines[1].name()
    # different lines stay solid
    chart = p_met_chart({"ndfeb_magnet": dict(same), "smco_magnet": {2027: 1.0, 2028: 0.9, 2029: 0.5}},
                        dict(same), 2027)
    lines = [s for s in chart.series() if type(s).__name__ == "QLineSeries"]
    assert all(s.pen().style() == Qt.PenStyle.SolidLine for s in lines[:2]) and "(=" not in lines[1].name()


def test_a_long_name_on_a_card_gets_a_smaller_size_instead_of_being_cut(qtbot):
    """The "project that matters most" card: a long facility name is shown whole at a smaller
    point size when the card is too narrow for 17 pt; the tooltip always holds the full text."""
    from PySide6.QtGui import QFontMetrics

    from ui.panels.risk_panel import Card

    card = Card("Project that matters most")
    qtbot.addWidget(card)
    card.resize(380, 90)
    card.show()
    qtbot.waitExposed(card)
    name = "Vulcan Elements magnet plant (Benson)"
    card.set("Project that matters most for 2027", name)
    qtbot.waitUntil(lambda: card.value.text() == name)  # whole, not elided
    fm = QFontMetrics(card.value.font())
    assert fm.horizontalAdvance(name) <= card.value.width()
    assert card.value.font().pointSizeF() < 17.0
    assert card.value.toolTip() == name
    card.set("Samples with a plan", "8 / 8")  # a short figure is back at 17 pt
    assert card.value.font().pointSizeF() == 17.0 and card.value.text() == "8 / 8"


def test_a_name_too_long_for_one_line_on_a_card_wraps_onto_two(qtbot):
    from PySide6.QtCore import QRect, Qt
    from PySide6.QtGui import QFontMetrics

    from ui.panels.risk_panel import Card

    card = Card("Costliest project to delay")
    qtbot.addWidget(card)
    card.resize(250, 110)
    card.show()
    qtbot.waitExposed(card)
    name = "ReElement Marion Supersite (Phase 1)"
    card.set("Costliest project to delay", name)
    qtbot.waitUntil(lambda: card.value.wordWrap())
    assert card.value.text() == name  # whole, on two lines
    fm = QFontMetrics(card.value.font())
    need = fm.boundingRect(QRect(0, 0, card.value.width(), 1000), int(Qt.TextFlag.TextWordWrap), name)
    assert need.height() <= card.value.height() and card.value.toolTip() == name


def test_the_cost_histogram_counts_in_whole_samples(qapp):
    """The y axis of the cost histogram ticks at whole numbers of samples (1, 2, 5, 10, ... apart,
    at most 6 intervals): with 12 samples in the tallest bin a 2.5-sample step was labelled 2, 5,
    7, 10, 12 and the bar of 12 stood below the tick labelled 12."""
    from PySide6.QtCharts import QValueAxis

    from ui.panels.risk_panel import _count_step, cost_histogram_chart

    assert [_count_step(n) for n in (1, 6, 7, 12, 13, 30, 31, 61)] == [1, 1, 2, 2, 5, 5, 10, 20]
    costs = [4100.0] * 2 + [4400.0] * 3 + [4600.0] * 9 + [4900.0] * 10 + [5100.0] * 12 + [5400.0] * 3 + [5600.0]
    chart = cost_histogram_chart(costs, {"p10": 4435.0, "p50": 4903.0, "p90": 5231.0})
    y = next(a for a in chart.axes(Qt.Orientation.Vertical) if isinstance(a, QValueAxis))
    assert y.tickInterval() == float(int(y.tickInterval())) and y.tickInterval() >= 1
    assert y.max() % y.tickInterval() == 0 and y.max() >= 12


def test_names_that_start_with_a_digit_stay_left_aligned(qapp):
    """Figures are right-aligned, names (given with their id as tooltip) are not, even "10X ..."."""
    from ui.panels.risk_panel import _fill, _table

    t = _table(["Facility", "Option", "Capex delta ($M)"])
    _fill(t, [[("10X magnet campus", "facility id: tenx"), ("10X metallization", "option id: tenx_met"), "+12.5"]])
    right = Qt.AlignmentFlag.AlignRight
    assert not t.item(0, 1).textAlignment() & right.value
    assert t.item(0, 2).textAlignment() & right.value
    assert t.item(0, 1).toolTip() == "option id: tenx_met"


def test_before_any_run_the_charts_invite_a_run_rather_than_report_a_failure(panel):
    """'no sample with a plan' before anything ran read as a failure; it is said only after a run
    in which every sample failed."""
    title = panel.cost_view.chart().title()
    assert "Run a risk analysis" in title and "no sample" not in title
    from ui.panels.risk_panel import cost_histogram_chart

    assert cost_histogram_chart([], {}).title() == "Total cost: no sample with a plan"  # after a run


def test_apply_robust_carries_the_stock_build_and_solving_it_holds_the_hand_stock(qtbot):
    """The N-1-secure plan of tests/planner/test_stock_hedge.py builds no investment, only 100 t held
    in ``dla`` at the end of 2026: the Apply button is enabled for it, the new scenario states the
    stock build, and solving it holds 100 t at the end of 2026 at the hand cost 10.3001 $M (10.2 $M
    of metal + 0.1 $M holding + 100 t x 1 $/t handling); the government's purchase is 5.0001 $M.
    Ctrl+Z removes the scenario."""
    from planner.analysis.robust import run_robust
    from planner.pipeline.solve import SolveOptions, solve_project
    from tests.planner.resilience_fixtures import stock_hedge_project
    from ui.document.document import Document

    doc = Document(stock_hedge_project())
    w = RiskPanel(doc)
    qtbot.addWidget(w)
    rep = run_robust(doc.project, 0, n_eval=2, workers=1, options=SolveOptions(time_limit_s=30), n1_years=[2027])
    assert rep.robust_plan == [] and rep.robust_stock
    w.show_robust(rep)
    assert w.apply_robust_button.isEnabled()
    qtbot.mouseClick(w.apply_robust_button, Qt.MouseButton.LeftButton)
    sc = doc.project.scenarios[-1]
    assert sc.id == "robust_base"
    assert [(o.kind, o.stockpile_id, o.year, round(o.tonnes, 4)) for o in sc.overrides] == [
        ("stock_build", "dla", 2026, 100.0)]
    r = solve_project(doc.project, SolveOptions(scenario=sc.id, time_limit_s=30))
    held = [(x.lever_id, x.year, x.tonnes) for x in r.levers if x.kind == "stockpile_holding"]
    assert held == [("dla", 2026, pytest.approx(100.0, abs=1e-5))]
    assert sum(x.cost_musd for x in r.levers if x.kind == "stockpile_buy") == pytest.approx(5.0001, abs=1e-5)
    assert r.total_cost_musd == pytest.approx(10.3001, abs=1e-5)
    doc.undo_stack.undo()
    assert [s.id for s in doc.project.scenarios] == []


def test_a_stock_build_override_reads_in_words_and_is_edited_in_its_dialog(qtbot):
    """The scenario editor names the stock build in one line and edits it like any override; a
    negative tonnage is refused in the dialog's own words."""
    from models.project import StockBuildOverride
    from ui.editors.scenario_editor import OverrideDialog, override_summary

    o = StockBuildOverride(stockpile_id="dla_smco", year=2026, tonnes=103.3)
    assert override_summary(o) == "stock build: stockpile dla_smco holds at least 103.3 t at the end of 2026"
    dialog = OverrideDialog("stock_build", o)
    qtbot.addWidget(dialog)
    assert [dialog.edits[k].text() for k in ("stockpile_id", "year", "tonnes")] == ["dla_smco", "2026", "103.3"]
    dialog.edits["tonnes"].setText("120")
    built = dialog.build()
    assert isinstance(built, StockBuildOverride) and (built.stockpile_id, built.year, built.tonnes) == (
        "dla_smco", 2026, 120.0)
    dialog.edits["tonnes"].setText("-5")
    with pytest.raises(ValueError):
        dialog.build()
