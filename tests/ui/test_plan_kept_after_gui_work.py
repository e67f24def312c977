"""A solved plan is kept beside the project once the window's own work after the solve is done
(the jobs of ui.runtime.turns: charts, the chain's and the map's flows), not beside that work: the
writer's Python work on a thread shared the interpreter lock with it, and 26 ms of the GUI
thread's work took 81 ms (bench/bench_ui_stalls.py, solve step). It is still kept when that work
never ends (after KEEP_PLAN_WAIT_S), and File > Open shows a kept plan on a turn of its own."""

from __future__ import annotations

from pathlib import Path

from models import load_project, save_project
from planner.pipeline.solve import SolveOptions, solve_project
from planner.reports.plan_file import plan_path
from ui.runtime import turns
from ui.shell import main_window as mw
from ui.shell.main_window import MainWindow

TEACHING = Path(__file__).resolve().parents[2] / "sample_projects" / "teaching_chain.m2m.json"


def _saved_window(qtbot, tmp_path):
    path = tmp_path / "teaching.m2m.json"
    save_project(load_project(TEACHING), path)
    w = MainWindow()
    qtbot.addWidget(w)
    assert w.open_path(str(path), ask=False)
    result = solve_project(w.doc.project, SolveOptions(solver="highs"))
    assert result.has_plan
    return w, path, result


def test_the_plan_is_kept_after_the_windows_work(qtbot, tmp_path):
    w, path, result = _saved_window(qtbot, tmp_path)
    ran = []
    turns.post(lambda: ran.append("chart"), ("test", "a chart still to draw"))
    w.doc.set_result(result)
    w.solve_panel.result_ready.emit(result)
    # the window still has work queued: nothing is being written yet
    assert not plan_path(path).exists() and not w._plan_tasks
    assert w.wait_plan_kept()  # handles events: the queued work runs first, then the plan is written
    assert ran == ["chart"] and plan_path(path).exists()
    w.shutdown()


def test_the_plan_is_kept_even_if_the_window_stays_busy(qtbot, tmp_path, monkeypatch):
    monkeypatch.setattr(mw, "KEEP_PLAN_WAIT_S", 0.2)
    w, path, result = _saved_window(qtbot, tmp_path)

    def busy() -> None:  # work that re-posts itself for ever
        turns.post(busy, ("test", "busy"))

    turns.post(busy, ("test", "busy"))
    w.doc.set_result(result)
    w.solve_panel.result_ready.emit(result)
    assert w.wait_plan_kept(5_000) and plan_path(path).exists()
    turns.queue().cancel(("test", "busy"))
    w.shutdown()


def test_file_open_shows_the_kept_plan_on_a_turn_of_its_own(qtbot, tmp_path, monkeypatch):
    w, path, result = _saved_window(qtbot, tmp_path)
    w.doc.set_result(result)
    w.solve_panel.result_ready.emit(result)
    assert w.wait_plan_kept() and plan_path(path).exists()
    w.shutdown()

    again = MainWindow()
    qtbot.addWidget(again)
    seen = []  # (the project's name when the plan arrived, the plan)
    again.doc.result_changed.connect(lambda r: seen.append((again.doc.project.name, r)))
    posted = []
    real_post = turns.post

    def recording_post(job, key=None, owner=None):
        posted.append(key)
        real_post(job, key, owner)

    monkeypatch.setattr(turns, "post", recording_post)
    assert again.open_path(str(path), ask=False, background=True)
    qtbot.waitUntil(lambda: any(r is not None for _n, r in seen), timeout=30_000)
    # the project is swapped in on one turn; its plan follows on a job of ui.runtime.turns
    assert (id(again), "kept plan") in posted
    name, shown = next((n, r) for n, r in seen if r is not None)
    assert name == load_project(path).name and shown.total_cost_musd == result.total_cost_musd
    assert not again.doc.result_is_stale
    again.shutdown()
