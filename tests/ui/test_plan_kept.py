"""Keep the plan with the project: after a solve of a saved project (or a save) the plan is written
beside the file; reopening shows it, out of date when the inputs changed; the solver choice kept."""

from __future__ import annotations

from pathlib import Path

from models import load_project, save_project
from planner.reports.plan_file import plan_path
from planner.result import Status
from ui.shell.main_window import MainWindow

TEACHING = Path(__file__).resolve().parents[2] / "sample_projects" / "teaching_chain.m2m.json"


def _window(qtbot, project=None) -> MainWindow:
    w = MainWindow(project)
    qtbot.addWidget(w)
    return w


def test_solve_keeps_the_plan_and_reopening_shows_it_with_the_solver_choice(qtbot, tmp_path):
    path = tmp_path / "teaching.m2m.json"
    save_project(load_project(TEACHING), path)
    w = _window(qtbot)
    assert w.open_path(str(path), ask=False)
    panel = w.solve_panel
    assert panel.restore_choices("highs", None)  # choose HiGHS
    with qtbot.waitSignal(panel.result_ready, timeout=120_000) as blocker:
        panel.solve_button.click()
    result = blocker.args[0]
    assert result.status is Status.OPTIMAL
    assert w.wait_plan_kept()
    assert plan_path(path).exists() and load_project(path).model_dump() == load_project(TEACHING).model_dump()
    w.shutdown()

    again = _window(qtbot)
    assert again.open_path(str(path), ask=False)
    assert again.doc.result is not None and again.doc.result.total_cost_musd == result.total_cost_musd
    assert not again.doc.result_is_stale
    assert again.solve_panel.solver_combo.currentData() == "highs"
    dash = again.results_dashboard
    qtbot.waitUntil(lambda: dash.shows_plan and dash.decision_view.brief is not None, timeout=5_000)
    assert not dash.is_stale_shown
    again.shutdown()

    # the inputs change outside the app: the plan is shown, out of date
    changed = load_project(path)
    changed.demands[0].tonnes_by_year[2027] = 150.0
    save_project(changed, path)
    third = _window(qtbot)
    assert third.open_path(str(path), ask=False)
    assert third.doc.result is not None and third.doc.result_is_stale
    qtbot.waitUntil(lambda: third.results_dashboard.shows_plan, timeout=5_000)
    assert third.results_dashboard.is_stale_shown
    third.shutdown()


def test_save_keeps_the_plan_and_a_broken_plan_file_never_blocks_opening(qtbot, tmp_path):
    from planner.pipeline.solve import SolveOptions, solve_project

    project = load_project(TEACHING)
    w = _window(qtbot, project)
    result = solve_project(project, SolveOptions(solver="highs"))
    w.doc.set_result(result)
    path = tmp_path / "saved.m2m.json"
    assert w.save_to(str(path)) and w.wait_plan_kept()
    assert plan_path(path).exists()
    w.shutdown()

    plan_path(path).write_text("{ broken")
    again = _window(qtbot)
    assert again.open_path(str(path), ask=False)
    assert again.doc.result is None and again.doc.project.name == project.name
    assert "not a readable plan" in again.kept_plan_problem
    assert "its last plan was not shown" in again.statusBar().currentMessage()
    again.shutdown()
