"""SolvePanel with the real solver (child process): figures, cancel, responsiveness, staleness."""

from __future__ import annotations

import gc
import json
import os
import re
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from PySide6.QtCore import QObject, Qt, QTimer, Signal

from models import load_project
from planner.pipeline.solve import SolveOptions, solve_project
from planner.result import Status
from tests.ui.solve_fixtures import large_project, small_project
from ui.panels.solve_panel import SolvePanel, phase_of, status_summary
from ui.panels.solve_worker import active_solves
from ui.results.dashboard import ResultsDashboard
from ui.results.kpi_cards import cost_cards_text, product_card_text
from ui.results.summary import compute_kpis

TEACHING = Path(__file__).resolve().parents[2] / "sample_projects" / "teaching_chain.m2m.json"


class StubDocument(QObject):
    """The smallest document the panel supports with staleness: project, revision, inputs_changed."""

    inputs_changed = Signal(int)

    def __init__(self, project):
        super().__init__()
        self.project = project
        self.revision = 0
        self.stored = []

    def touch(self):
        self.revision += 1
        self.inputs_changed.emit(self.revision)

    def set_result(self, result, revision):
        self.stored.append((result, revision))


@pytest.fixture(autouse=True)
def no_thread_left():
    panels = []
    yield panels
    for p in panels:
        solves = p.all_solves()
        assert p.shutdown(10_000)
        for s in solves:
            assert s.thread.isFinished()
    left = active_solves()
    for s in left:
        s.shutdown(10_000)
    assert not left, f"{len(left)} solve thread(s) still running after the test"


def _panel(qtbot, panels, document) -> SolvePanel:
    panel = SolvePanel(document)
    qtbot.addWidget(panel)
    panels.append(panel)
    return panel


def _teaching_project():
    return load_project(TEACHING) if TEACHING.exists() else small_project()


def _is_idle(panel: SolvePanel) -> bool:
    return panel.solve_button.isEnabled() and not panel.cancel_button.isEnabled() and not panel.is_running


def test_phase_words():
    assert phase_of("building the model") == "Building the model"
    assert phase_of("solving the MILP (1,234 variables) with cbc") == "Solving"
    assert phase_of("fixing build decisions and re-solving the LP for marginal costs") == "Solving"
    assert phase_of("verifying the plan") == "Verifying the plan"
    assert phase_of("extracting the plan") == "Extracting results"
    assert phase_of("starting the solver process") == "Starting"
    assert phase_of("done") is None


def test_panel_solve_gives_the_planners_figures(qtbot, no_thread_left):
    project = _teaching_project()
    doc = StubDocument(project)
    panel = _panel(qtbot, no_thread_left, doc)
    assert panel.time_limit_spin.value() == project.settings.time_limit_s
    with qtbot.waitSignal(panel.result_ready, timeout=120_000) as blocker:
        qtbot.mouseClick(panel.solve_button, Qt.MouseButton.LeftButton)
        assert panel.is_running and not panel.solve_button.isEnabled() and panel.cancel_button.isEnabled()
    result = blocker.args[0]
    assert result.status is Status.OPTIMAL, result.message
    assert _is_idle(panel)
    assert panel.status_label.text().startswith(result.message.strip())
    # the money and its unit are held together by a no-break space ("$5,205.0" never ends a line)
    assert f"${result.total_cost_musd:,.1f}\u00a0M" in panel.status_label.text()
    assert panel.phase_label.text().startswith("Finished after")
    # one duration in the dock: the phase line's, not a second "Build and solve took" in the status
    dock_text = panel.phase_label.text() + " " + panel.status_label.text()
    assert len(re.findall(r"\d s\b", dock_text)) == 1, dock_text
    assert panel.log_view.toPlainText().strip(), "the solver log should have streamed into the view"
    assert doc.stored == [(result, 0)]

    options = panel.solve_options()
    direct = solve_project(project, SolveOptions(solver=options.solver, time_limit_s=options.time_limit_s))
    assert direct.status is Status.OPTIMAL
    assert result.total_cost_musd == pytest.approx(direct.total_cost_musd, rel=1e-6)

    dash = ResultsDashboard()
    qtbot.addWidget(dash)
    dash.set_result(project, result)
    want = compute_kpis(project, direct)
    got = dash.kpis
    assert got.total_cost_musd == pytest.approx(want.total_cost_musd, rel=1e-6)
    assert got.capex_musd == pytest.approx(want.capex_musd, rel=1e-6, abs=1e-6)
    for g, w in zip(got.products, want.products):
        assert g.product == w.product and g.year == w.year == 2027
        assert g.unmet_t == pytest.approx(w.unmet_t, abs=1e-6)
        assert g.demand_t == pytest.approx(w.demand_t, abs=1e-6)
        assert (g.clean_share is None) == (w.clean_share is None)
        if w.clean_share is not None:
            assert g.clean_share == pytest.approx(w.clean_share, abs=1e-9)
        assert g.defense_unmet_t == pytest.approx(w.defense_unmet_t, abs=1e-6)
        if w.defense_clean_share is not None:
            assert g.defense_clean_share == pytest.approx(w.defense_clean_share, abs=1e-9)
    # and the cards show exactly those figures
    assert dash.total_card.value_label.text() == cost_cards_text(want)[0][1]
    assert dash.capex_card.value_label.text() == cost_cards_text(want)[1][1]
    assert dash.ndfeb_card.value_label.text() == product_card_text(want.products[0])[1]
    assert dash.smco_card.value_label.text() == product_card_text(want.products[1])[1]
    assert dash.total_card.value_label.text() == f"${direct.total_cost_musd:,.1f} M"


@pytest.mark.timing
def test_cancel_returns_to_idle_within_a_second(qtbot, no_thread_left):
    project = large_project(60, 2045)  # CBC needs > 40 s on this MILP (measured)
    panel = _panel(qtbot, no_thread_left, StubDocument(project))
    panel.solver_combo.setCurrentIndex(panel.solver_combo.findData("cbc"))
    panel.time_limit_spin.setValue(600)
    qtbot.mouseClick(panel.solve_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Solving" in panel.phase_label.text(), timeout=60_000)
    qtbot.wait(1_000)  # the solver is really busy now
    solve = panel.current_solve
    assert solve is not None and not solve.is_finished()

    t0 = time.monotonic()
    qtbot.mouseClick(panel.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _is_idle(panel), timeout=1_000)
    idle_after = time.monotonic() - t0
    print(f"\nUI idle {idle_after * 1000:.0f} ms after Cancel")
    assert idle_after < 1.0
    assert "cancelled" in panel.status_label.text().lower()
    assert "Cancelled" in panel.phase_label.text()
    # the worker thread winds down behind the idle UI: the child process is killed, thread joined
    qtbot.waitUntil(solve.is_finished, timeout=5_000)
    stopped_after = time.monotonic() - t0
    print(f"worker thread finished {stopped_after * 1000:.0f} ms after Cancel")
    assert solve.result is not None and solve.result.status is Status.CANCELLED
    assert panel.last_result is None  # a cancelled solve never replaces the shown result


def _measure_stall(qtbot, panels) -> tuple[float, str]:
    """Solve a 162k-variable MILP through the panel (HiGHS, 6 s limit: ~10 s in all) with the
    dashboard drawing the result on arrival, while a 10 ms QTimer ticks; return the longest gap
    between ticks (s) and a description of where it happened."""
    project = large_project(60, 2045)
    panel = _panel(qtbot, panels, StubDocument(project))
    dash = ResultsDashboard()  # wired as the main window does: the result is drawn on arrival
    qtbot.addWidget(dash)
    dash.resize(1400, 900)
    dash.show()
    panel.result_ready.connect(lambda r: dash.set_result(project, r))
    panel.show()
    solver = "highs" if panel.solver_combo.findData("highs") >= 0 else "cbc"
    panel.solver_combo.setCurrentIndex(panel.solver_combo.findData(solver))
    panel.time_limit_spin.setValue(6)
    ticks: list[tuple[float, float]] = []  # (wall clock, GUI-thread CPU time)
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.append((time.perf_counter(), time.thread_time())))
    timer.start()
    qtbot.wait(100)
    clicked = time.perf_counter()
    phases: list[tuple[float, str]] = []
    with qtbot.waitSignal(panel.result_ready, timeout=180_000) as blocker:
        qtbot.mouseClick(panel.solve_button, Qt.MouseButton.LeftButton)
        panel.current_solve.progress.connect(lambda f, m: phases.append((time.perf_counter(), m)))
    arrived = time.perf_counter()
    qtbot.wait(300)  # let the dashboard draw the result
    timer.stop()
    gaps = [(b[0] - a[0], a[0], b[1] - a[1]) for a, b in zip(ticks, ticks[1:])]
    worst, at, cpu = max(gaps)
    span = ticks[-1][0] - ticks[0][0]
    assert span > 5.0, "the solve should have kept the loop busy for several seconds"
    phase = next((m for t, m in reversed(phases) if t <= at), "starting")
    where = (f"{at - clicked:+.2f} s from the click, {at - arrived:+.2f} s from the result, while "
             f"'{phase[:40]}', GUI thread busy "
             f"{cpu * 1000:.0f} ms of it; {len(ticks)} ticks over {span:.1f} s; "
             f"result {blocker.args[0].status.value}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    return worst, where


@pytest.mark.timing
def test_event_loop_never_stalls_during_a_solve(qtbot, no_thread_left):
    # On an overloaded machine (other processes keep every core busy) the OS alone can hold the
    # GUI thread off the CPU for a while; only then is the measurement repeated (at most 3 runs),
    # and every run is printed. A real stall in our code fails every run.
    # The objects hundreds of earlier tests left on the heap are not the app's: a full collection of
    # them (triggered while the worker thread unpickles the result, holding the GIL) measured 400 ms
    # with the GUI thread busy 4 ms. Freeze them out of the collector for the measurement.
    gc.collect()
    gc.freeze()
    runs = []
    try:
        for _ in range(3):
            worst, where = _measure_stall(qtbot, no_thread_left)
            runs.append(worst)
            print(f"\nlongest event-loop stall during the solve: {worst * 1000:.1f} ms ({where})")
            if worst < 0.200 or os.getloadavg()[0] <= (os.cpu_count() or 1):
                break
    finally:
        gc.unfreeze()
    assert min(runs) < 0.200


def test_out_of_date_mark_after_an_input_change(qtbot, no_thread_left):
    doc = StubDocument(small_project())
    panel = _panel(qtbot, no_thread_left, doc)
    panel.show()
    assert not panel.stale_label.isVisible()
    with qtbot.waitSignal(panel.result_ready, timeout=120_000):
        panel.start_solve()
    assert not panel.is_out_of_date and not panel.stale_label.isVisible()
    doc.project.demands[0].tonnes_by_year = {2027: 1.0}
    doc.touch()
    assert panel.is_out_of_date and panel.stale_label.isVisible()
    assert "Out of date" in panel.stale_label.text()
    # solving again clears it
    with qtbot.waitSignal(panel.result_ready, timeout=120_000):
        panel.start_solve()
    assert not panel.stale_label.isVisible()


def test_an_edit_during_the_solve_marks_the_new_result_out_of_date(qtbot, no_thread_left):
    doc = StubDocument(small_project())
    panel = _panel(qtbot, no_thread_left, doc)
    panel.show()
    with qtbot.waitSignal(panel.result_ready, timeout=120_000):
        panel.start_solve()
        doc.touch()  # edited while the solver runs on its copy
    assert panel.stale_label.isVisible()


def test_works_with_a_bare_document_and_lists_scenarios(qtbot, no_thread_left):
    project = small_project()
    doc = SimpleNamespace(project=project)  # no signals, no revision
    panel = _panel(qtbot, no_thread_left, doc)
    panel.show()
    labels = [panel.scenario_combo.itemText(i) for i in range(panel.scenario_combo.count())]
    assert labels == ["Base case", "Defense demand x2"]  # names only; one name for the base case
    panel.scenario_combo.setCurrentIndex(1)
    with qtbot.waitSignal(panel.result_ready, timeout=120_000) as blocker:
        panel.start_solve()
    assert blocker.args[0].scenario == "demand_x2"
    assert blocker.args[0].has_plan
    panel.mark_inputs_changed()
    assert panel.stale_label.isVisible()


def test_status_summary_is_plain_words():
    from planner.result import PlanResult

    r = PlanResult(Status.INFEASIBLE, "Demand cannot be met within the budget.", "cbc", build_seconds=0.5,
                   solve_seconds=1.0)
    assert status_summary(r) == "Demand cannot be met within the budget."  # the time is the phase line's
    ok = PlanResult(Status.OPTIMAL, "", "cbc", total_cost_musd=1234.56)
    assert status_summary(ok) == "Optimal plan found. Total cost $1,234.6\u00a0M (discounted)."


def test_export_json_writes_the_result(qtbot, tmp_path, no_thread_left):
    doc = StubDocument(small_project())
    panel = _panel(qtbot, no_thread_left, doc)
    dash = ResultsDashboard()
    qtbot.addWidget(dash)
    panel.result_ready.connect(lambda r: dash.set_result(doc.project, r))
    with qtbot.waitSignal(panel.result_ready, timeout=120_000) as blocker:
        panel.start_solve()
    result = blocker.args[0]
    out = tmp_path / "plan.json"
    dash._ask_path = lambda *a: str(out)
    qtbot.mouseClick(dash.export_json_button, Qt.MouseButton.LeftButton)
    assert json.loads(out.read_text(encoding="utf-8")) == result.to_dict()
    assert "Saved" in dash.export_status.full_text()


def test_with_the_real_document_results_are_stored_and_marked_stale(qtbot, no_thread_left):
    from ui.document.document import Document

    doc = Document(small_project())
    panel = _panel(qtbot, no_thread_left, doc)
    panel.show()
    stored = []
    doc.result_changed.connect(stored.append)
    with qtbot.waitSignal(panel.result_ready, timeout=120_000) as blocker:
        panel.start_solve()
    result = blocker.args[0]
    assert stored == [result] and doc.result is result and not doc.result_is_stale
    assert not panel.stale_label.isVisible()
    assert doc.set_field(doc.project.facilities[0], "capacity_tpy", 5_000.0) is None
    assert doc.result_is_stale and panel.stale_label.isVisible()
    # a new scenario appears in the list without losing the current choice
    from models import Scenario

    doc.insert_item(doc.project, "scenarios", Scenario(id="no_china", name="No China"))
    assert panel.scenario_combo.findData("no_china") >= 0
    # File > Open: a new project clears the panel's result and mark
    doc.set_project(small_project())
    assert panel.last_result is None and not panel.stale_label.isVisible()


def test_a_project_with_problems_reports_them_in_plain_words(qtbot, no_thread_left):
    project = small_project()
    project.facilities[2].options[0].id = project.facilities[0].options[0].id  # duplicate option id
    doc = StubDocument(project)
    panel = _panel(qtbot, no_thread_left, doc)
    dash = ResultsDashboard()
    qtbot.addWidget(dash)
    panel.result_ready.connect(lambda r: dash.set_result(project, r))
    with qtbot.waitSignal(panel.result_ready, timeout=120_000) as blocker:
        panel.start_solve()
    result = blocker.args[0]
    assert not result.has_plan
    assert "duplicate option id" in panel.status_label.text()
    assert "facilities[2].options[0].id" in panel.status_label.text()
    assert _is_idle(panel)
    assert not dash.shows_plan and "duplicate option id" in dash.message_label.text()


def test_highs_is_offered_only_when_it_imports(qtbot, no_thread_left, monkeypatch):
    import ui.panels.solve_panel as sp

    monkeypatch.setattr(sp, "highs_available", lambda: False)
    monkeypatch.setattr(sp, "other_pulp_solvers", lambda: [])
    panel = _panel(qtbot, no_thread_left, SimpleNamespace(project=small_project()))
    values = [panel.solver_combo.itemData(i) for i in range(panel.solver_combo.count())]
    assert values == ["auto", "cbc"]
    monkeypatch.setattr(sp, "highs_available", lambda: True)
    panel2 = _panel(qtbot, no_thread_left, SimpleNamespace(project=small_project()))
    assert [panel2.solver_combo.itemData(i) for i in range(panel2.solver_combo.count())] == ["auto", "cbc", "highs"]


@pytest.mark.timing
def test_closing_the_panel_stops_a_running_solve(qtbot, no_thread_left):
    panel = _panel(qtbot, no_thread_left, StubDocument(large_project(60, 2045)))
    panel.solver_combo.setCurrentIndex(panel.solver_combo.findData("cbc"))
    panel.show()
    panel.start_solve()
    qtbot.waitUntil(lambda: "Solving" in panel.phase_label.text(), timeout=60_000)
    solve = panel.current_solve
    t0 = time.monotonic()
    panel.close()
    assert solve.is_finished() and time.monotonic() - t0 < 3.0
    assert panel.all_solves() == []


def test_opening_another_project_cancels_the_running_solve(qtbot, no_thread_left):
    from ui.document.document import Document

    doc = Document(large_project(60, 2045))
    panel = _panel(qtbot, no_thread_left, doc)
    panel.solver_combo.setCurrentIndex(panel.solver_combo.findData("cbc"))
    panel.start_solve()
    qtbot.waitUntil(lambda: "Solving" in panel.phase_label.text(), timeout=60_000)
    solve = panel.current_solve
    doc.set_project(small_project())
    assert _is_idle(panel) and "cancelled" in panel.status_label.text().lower()
    qtbot.waitUntil(solve.is_finished, timeout=5_000)
    qtbot.wait(50)
    assert doc.result is None  # the old project's plan never lands on the new project


def test_deleting_a_panel_mid_solve_cancels_it_and_the_thread_ends(qtbot):
    panel = SolvePanel(StubDocument(large_project(60, 2045)))
    panel.solver_combo.setCurrentIndex(panel.solver_combo.findData("cbc"))
    panel.start_solve()
    qtbot.waitUntil(lambda: "Solving" in panel.phase_label.text(), timeout=60_000)
    solve = panel.current_solve
    panel.deleteLater()
    qtbot.wait(50)
    assert solve.cancel_requested
    qtbot.waitUntil(solve.is_finished, timeout=5_000)


def test_time_limit_follows_the_project_until_the_user_sets_one(qtbot, no_thread_left):
    doc = StubDocument(small_project())
    panel = _panel(qtbot, no_thread_left, doc)
    assert panel.time_limit_spin.value() == 60
    doc.project.settings.time_limit_s = 90
    doc.touch()
    assert panel.time_limit_spin.value() == 90
    panel.time_limit_spin.setValue(15)  # the user's choice
    doc.project.settings.time_limit_s = 300
    doc.touch()
    assert panel.time_limit_spin.value() == 15
    assert panel.solve_options().time_limit_s == 15


def test_other_pulp_solvers_found_here_are_offered_by_their_pulp_name(qtbot, no_thread_left, monkeypatch):
    import ui.panels.solve_panel as sp

    monkeypatch.setattr(sp, "other_pulp_solvers", lambda: ["GLPK_CMD"])
    panel = _panel(qtbot, no_thread_left, SimpleNamespace(project=small_project()))
    i = panel.solver_combo.findData("GLPK_CMD")
    assert i >= 0 and panel.solver_combo.itemText(i) == "GLPK_CMD (through PuLP)"
