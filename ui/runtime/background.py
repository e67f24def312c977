"""Long work off the GUI thread: a task on its own QThread, and the run/cancel plumbing the
risk, stress, sensitivity and scenario panels share.

``BackgroundTask(fn)`` runs ``fn(state)`` (a plain planner function taking a
:class:`planner.progress.SolveState`) on a QThread; progress, the result and errors reach the
GUI thread through queued signals only, and Cancel calls ``state.request_cancel()``.
"""

from __future__ import annotations

import traceback
from typing import Any, Callable

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot
from PySide6.QtWidgets import QLabel, QProgressBar, QPushButton

from planner.progress import SolveState

_ACTIVE: set["BackgroundTask"] = set()


def active_tasks() -> list["BackgroundTask"]:
    """Background tasks whose thread has not finished (tests assert this is empty)."""
    return [t for t in _ACTIVE if not t.is_finished()]


class _TaskWorker(QObject):
    progress = Signal(float, str)
    finished = Signal(object)  # the task's return value
    failed = Signal(str)  # an unexpected exception, with its traceback

    def __init__(self, fn: Callable[[SolveState], Any]) -> None:
        super().__init__()
        self._fn = fn
        self.state = SolveState(on_progress=lambda f, m: self.progress.emit(float(f), str(m)))

    @Slot()
    def run(self) -> None:
        try:
            out = self._fn(self.state)
        except Exception as exc:
            self.failed.emit(f"{type(exc).__name__}: {exc}\n\n{traceback.format_exc()}")
            return
        self.finished.emit(out)


class BackgroundTask(QObject):
    """Runs ``fn(state)`` on its own QThread; every signal arrives in the GUI thread (queued).

    Signals: ``progress(fraction, message)``, ``result_ready(object)``, ``failed(str)``,
    ``thread_finished()`` once the thread has stopped.
    """

    progress = Signal(float, str)
    result_ready = Signal(object)
    failed = Signal(str)
    thread_finished = Signal()

    def __init__(self, fn: Callable[[SolveState], Any], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thread = QThread()
        self._worker = _TaskWorker(fn)
        self._worker.moveToThread(self._thread)
        self._thread.started.connect(self._worker.run)
        self._worker.progress.connect(self.progress, Qt.ConnectionType.QueuedConnection)
        self._worker.finished.connect(self.result_ready, Qt.ConnectionType.QueuedConnection)
        self._worker.failed.connect(self.failed, Qt.ConnectionType.QueuedConnection)
        # quit from the worker thread itself (QThread.quit is thread-safe): queued to the GUI thread,
        # the quit waited for its event loop, so wait() on close blocked for its whole timeout
        self._worker.finished.connect(self._thread.quit, Qt.ConnectionType.DirectConnection)
        self._worker.failed.connect(self._thread.quit, Qt.ConnectionType.DirectConnection)
        self._thread.finished.connect(self._on_thread_finished)

    def start(self) -> None:
        _ACTIVE.add(self)
        self._thread.start()

    def cancel(self) -> None:
        """Ask the task to stop (thread-safe, returns at once)."""
        self._worker.state.request_cancel()

    def is_finished(self) -> bool:
        return self._thread.isFinished() or not self._thread.isRunning()

    def wait(self, ms: int = 30_000) -> bool:
        """Block until the thread has stopped (used on close and in tests)."""
        return self._thread.wait(ms)

    def _on_thread_finished(self) -> None:
        _ACTIVE.discard(self)
        self.thread_finished.emit()


class TaskPanelMixin:
    """Run / cancel / wait / close for a panel that has ``run_button``, ``cancel_button``,
    ``progress_bar`` (0..1000), ``status_label`` and ``_task`` (None when idle).

    One run at a time: while a task runs, every button of :meth:`_run_buttons` is off and Cancel is
    on; when its thread has stopped (result, failure or cancel) they swap back. Cancel only asks
    the task to stop (``SolveState.request_cancel``) and returns at once; the task checks it between
    samples / points / scenarios and its worker processes are stopped.
    """

    CANCELLING_TEXT = "Cancelling…"
    FAILED_TEXT = "The run failed: "
    _task: BackgroundTask | None

    def _make_run_controls(self, run_text: str, status_text: str, *, default: bool = True,
                           percent: bool = True) -> None:
        """Create ``run_button`` (wired to ``self.start``), ``cancel_button`` (off until a run starts,
        wired to ``self.cancel``), ``progress_bar`` (0..1000; ``percent``: its text reads "37 %") and
        a word-wrapped ``status_label`` showing ``status_text``; ``default``: Run is the Enter button."""
        self.run_button = QPushButton(run_text)
        self.run_button.setDefault(default)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setEnabled(False)
        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, 1000)
        if percent:
            self.progress_bar.setFormat("%p %")
        self.status_label = QLabel(status_text)
        self.status_label.setWordWrap(True)
        self.run_button.clicked.connect(self.start)  # type: ignore[attr-defined]
        self.cancel_button.clicked.connect(self.cancel)

    def _run_buttons(self) -> list:
        """The buttons that start a run: off while one runs (a panel with two kinds of run adds its other)."""
        return [self.run_button]

    def is_running(self) -> bool:
        return self._task is not None

    def _launch(self, fn: Callable[[SolveState], Any], on_result: Callable[[Any], None],
                on_failed: Callable[[str], None] | None, start_text: str) -> bool:
        """Start ``fn(state)`` on a background thread and switch the panel to running; False (and
        nothing started) while a run is still going. ``on_failed`` None: :meth:`_on_failed`."""
        if self._task is not None:
            return False
        self._task = BackgroundTask(fn, self)  # type: ignore[arg-type]
        self._task.progress.connect(self._on_progress)
        self._task.result_ready.connect(on_result)
        self._task.failed.connect(on_failed if on_failed is not None else self._on_failed)
        self._task.thread_finished.connect(self._on_thread_finished)
        self.progress_bar.setValue(0)
        self.status_label.setText(start_text)
        for button in self._run_buttons():
            button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self._task.start()
        return True

    def cancel(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self.cancel_button.setEnabled(False)
            self.status_label.setText(self.CANCELLING_TEXT)

    def wait(self, ms: int = 30_000) -> bool:
        return self._task.wait(ms) if self._task is not None else True

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        self.cancel()
        self.wait()
        super().closeEvent(event)  # type: ignore[misc]

    def _on_progress(self, fraction: float, message: str) -> None:
        self.progress_bar.setValue(round(1000 * fraction))
        if self.cancel_button.isEnabled():
            self.status_label.setText(message)

    def _on_failed(self, text: str) -> None:
        """The task raised: ``FAILED_TEXT`` and the error's first line; the whole traceback as the tooltip."""
        self.status_label.setText(self.FAILED_TEXT + (text.splitlines() or ["no message"])[0])
        self.status_label.setToolTip(text)

    def _on_thread_finished(self) -> None:
        self._task = None
        for button in self._run_buttons():
            button.setEnabled(True)
        self.cancel_button.setEnabled(False)
