"""The run wiring the risk, stress, sensitivity and scenario panels share (TaskPanelMixin):
Run / Cancel states through start -> progress -> cancel -> finished, a failing task's message,
no second run while one is going, and a second "run" button kept off with Run."""

from __future__ import annotations

import threading
import time

from PySide6.QtWidgets import QPushButton, QWidget

from ui.runtime.background import TaskPanelMixin


class _Panel(TaskPanelMixin, QWidget):
    """A panel as the real ones are built: controls from the mixin, one task function per run."""

    FAILED_TEXT = "The test run failed: "

    def __init__(self, fn) -> None:
        super().__init__()
        self._task = None
        self._fn = fn
        self.results: list = []
        self.starts = 0
        self._make_run_controls("Run test", "Idle text.")
        self.other_button = QPushButton("Other run")

    def start(self) -> None:
        if self._launch(self._fn, self.results.append, None, "Starting…"):
            self.starts += 1


class _PanelWithTwoRuns(_Panel):
    def _run_buttons(self) -> list:
        return [self.run_button, self.other_button]


def _loop_until_cancelled(entered: threading.Event):
    """A task that reports 25 % and then runs until Cancel (checking every 10 ms), returning how far it got."""

    def fn(state):
        state.progress(0.25, "a quarter done")
        entered.set()
        deadline = time.monotonic() + 20.0  # a broken Cancel fails the test instead of hanging it
        while not state.cancel_requested and time.monotonic() < deadline:
            time.sleep(0.01)
        return "stopped" if state.cancel_requested else "ran out"

    return fn


def test_the_controls_are_made_idle_and_wired_to_start_and_cancel(qtbot):
    panel = _Panel(lambda state: 7)
    qtbot.addWidget(panel)
    assert panel.run_button.text() == "Run test" and panel.run_button.isEnabled() and panel.run_button.isDefault()
    assert panel.cancel_button.text() == "Cancel" and not panel.cancel_button.isEnabled()
    assert (panel.progress_bar.minimum(), panel.progress_bar.maximum()) == (0, 1000)
    assert panel.progress_bar.format() == "%p %"
    assert panel.status_label.text() == "Idle text." and panel.status_label.wordWrap()
    panel.run_button.click()  # Run is wired to start()
    qtbot.waitUntil(lambda: not panel.is_running(), timeout=10_000)
    assert panel.results == [7] and panel.starts == 1


def test_start_progress_cancel_and_the_button_states(qtbot):
    entered = threading.Event()
    panel = _PanelWithTwoRuns(_loop_until_cancelled(entered))
    qtbot.addWidget(panel)
    panel.run_button.click()
    assert panel.is_running()
    assert not panel.run_button.isEnabled() and not panel.other_button.isEnabled()
    assert panel.cancel_button.isEnabled()
    assert panel.status_label.text() == "Starting…"
    assert entered.wait(10.0)
    # progress 0.25 of the 0..1000 bar = 250; the message replaces the start text
    qtbot.waitUntil(lambda: panel.progress_bar.value() == 250, timeout=5_000)
    assert panel.status_label.text() == "a quarter done"

    t0 = time.monotonic()
    panel.cancel_button.click()  # Cancel is wired to cancel()
    assert not panel.cancel_button.isEnabled()
    assert panel.status_label.text() == "Cancelling…"
    qtbot.waitUntil(lambda: not panel.is_running(), timeout=5_000)
    assert time.monotonic() - t0 < 1.0  # the task checks every 10 ms: stopped well within a second
    assert panel.results == ["stopped"]
    assert panel.run_button.isEnabled() and panel.other_button.isEnabled()
    assert not panel.cancel_button.isEnabled()


def test_no_second_run_while_one_is_going(qtbot):
    entered = threading.Event()
    panel = _Panel(_loop_until_cancelled(entered))
    qtbot.addWidget(panel)
    panel.start()
    assert entered.wait(10.0)
    first = panel._task
    panel.start()  # e.g. the Run menu while the button is off
    assert panel._task is first and panel.starts == 1
    panel.cancel()
    qtbot.waitUntil(lambda: not panel.is_running(), timeout=5_000)
    assert panel.results == ["stopped"]  # one result: one task ran


def test_a_failing_task_shows_its_first_line_and_the_traceback(qtbot):
    def fn(state):
        raise ValueError("no capacity left\nsecond line")

    panel = _Panel(fn)
    qtbot.addWidget(panel)
    panel.start()
    qtbot.waitUntil(lambda: not panel.is_running(), timeout=10_000)
    assert panel.status_label.text() == "The test run failed: ValueError: no capacity left"
    assert "Traceback" in panel.status_label.toolTip() and "second line" in panel.status_label.toolTip()
    assert panel.results == []
    assert panel.run_button.isEnabled() and not panel.cancel_button.isEnabled()


def test_close_cancels_and_waits_for_the_task(qtbot):
    entered = threading.Event()
    panel = _Panel(_loop_until_cancelled(entered))
    qtbot.addWidget(panel)
    panel.show()
    panel.start()
    assert entered.wait(10.0)
    task = panel._task
    t0 = time.monotonic()
    panel.close()  # closeEvent: cancel, then wait for the thread
    # the thread quits from the worker as the task returns; a quit queued to this (blocked) GUI
    # thread would hold close() for wait()'s whole 30 s timeout
    assert task.is_finished()
    assert time.monotonic() - t0 < 1.0
