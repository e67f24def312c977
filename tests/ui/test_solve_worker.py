"""BackgroundSolve: signals arrive in the GUI thread, cancel works, threads are always joined."""

from __future__ import annotations

import threading
import time

import pytest
from PySide6.QtCore import QThread

from planner.result import PlanResult, Status
from tests.ui.solve_fixtures import small_project
from ui.panels.solve_worker import BackgroundSolve, active_solves


@pytest.fixture(autouse=True)
def no_thread_left():
    yield
    left = active_solves()
    for s in left:
        s.shutdown(5_000)
    assert not left, f"{len(left)} solve thread(s) still running after the test"


class _Options:
    solver = "cbc"
    scenario = None


def test_progress_log_and_result_arrive_in_gui_thread_in_order(qtbot):
    gui_thread = QThread.currentThread()
    seen_threads = []

    def fake_solve(project, options, state):
        seen_threads.append(threading.current_thread().name)
        state.progress(0.1, "building the model")
        for i in range(3000):
            state.log(f"line {i}")
        state.progress(0.8, "verifying the plan")
        return PlanResult(Status.OPTIMAL, "ok", "cbc", total_cost_musd=12.5)

    solve = BackgroundSolve(small_project(), _Options(), fake_solve)
    progress, lines, receivers = [], [], []
    solve.progress.connect(lambda f, m: (progress.append((f, m)), receivers.append(QThread.currentThread())))
    solve.log_lines.connect(lambda ls: (lines.extend(ls), receivers.append(QThread.currentThread())))
    with qtbot.waitSignal(solve.thread_finished, timeout=10_000):
        with qtbot.waitSignal(solve.result_ready, timeout=10_000) as blocker:
            solve.start()
    result = blocker.args[0]
    assert result.status is Status.OPTIMAL and result.total_cost_musd == 12.5
    assert progress == [(0.1, "building the model"), (0.8, "verifying the plan")]
    assert lines == [f"line {i}" for i in range(3000)]
    assert seen_threads and seen_threads[0] != threading.main_thread().name
    assert all(t is gui_thread for t in receivers)
    assert solve.thread.isFinished()


def test_the_worker_solves_a_copy_of_the_project(qtbot):
    project = small_project()
    got = []

    def fake_solve(p, options, state):
        got.append(p)
        return PlanResult(Status.OPTIMAL, "ok", "cbc")

    solve = BackgroundSolve(project, _Options(), fake_solve)
    project.facilities[0].capacity_tpy = 1.0  # an edit after Solve was pressed
    with qtbot.waitSignal(solve.thread_finished, timeout=10_000):
        solve.start()
    assert got[0] is not project
    assert got[0].facilities[0].capacity_tpy == 12_000


def test_an_exception_becomes_an_error_result_with_the_traceback_in_the_log(qtbot):
    def broken(project, options, state):
        raise RuntimeError("disk on fire")

    solve = BackgroundSolve(small_project(), _Options(), broken)
    lines = []
    solve.log_lines.connect(lines.extend)
    with qtbot.waitSignal(solve.thread_finished, timeout=10_000):
        with qtbot.waitSignal(solve.result_ready, timeout=10_000) as blocker:
            solve.start()
    result = blocker.args[0]
    assert result.status is Status.ERROR
    assert "disk on fire" in result.message
    assert any("RuntimeError: disk on fire" in line for line in lines)


@pytest.mark.timing
def test_cancel_stops_a_cooperative_solve_and_joins_the_thread(qtbot):
    def slow(project, options, state):
        while not state.cancel_requested:
            time.sleep(0.01)
        return PlanResult(Status.CANCELLED, "The solve was cancelled.", "cbc")

    solve = BackgroundSolve(small_project(), _Options(), slow)
    solve.start()
    qtbot.wait(200)
    assert not solve.is_finished()
    t0 = time.monotonic()
    with qtbot.waitSignal(solve.result_ready, timeout=2_000) as blocker:
        solve.cancel()
    assert blocker.args[0].status is Status.CANCELLED
    assert solve.wait(2_000)
    assert time.monotonic() - t0 < 1.0
    assert solve.thread.isFinished()
