"""Run a solve off the GUI thread and relay what it reports through queued Qt signals.

``BackgroundSolve`` (lives in the GUI thread) owns one ``QThread`` and one ``SolveWorker``
(moved to that thread). The worker calls ``planner.pipeline.runner.solve_in_subprocess`` on a deep copy
of the project, so later edits in the GUI cannot change what is being solved, and the solver
itself runs in a child process that Cancel can kill.

Thread rules:

- the worker never touches a widget; it only emits signals, which Qt delivers to objects in
  the GUI thread as queued events;
- solver log lines are buffered under a lock and announced with at most one pending
  ``log_available`` event at a time, so a chatty solver cannot flood the GUI event queue;
- the thread quits as soon as the worker returns, and ``BackgroundSolve.wait`` joins it;
  ``active_solves()`` lists every solve whose thread has not finished (tests assert it is empty).
"""

from __future__ import annotations

import threading
import time
import traceback
from typing import Callable

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot

from models import Project
from planner.pipeline.runner import solve_in_subprocess  # imported up front: a first Solve click stays instant
from planner.progress import SolveState
from planner.result import PlanResult, Status
from ui.document.snapshot import ProjectSnapshot

#: ``solve_fn(project, options, state) -> PlanResult``; blocks the calling (worker) thread.
SolveFunction = Callable[[Project, object, SolveState], PlanResult]

_ACTIVE: set["BackgroundSolve"] = set()


def active_solves() -> list["BackgroundSolve"]:
    """Background solves whose worker thread has not finished yet."""
    alive = []
    for s in list(_ACTIVE):
        try:
            if not s.is_finished():
                alive.append(s)
        except RuntimeError:  # its Qt object is already deleted, so its thread had finished
            _ACTIVE.discard(s)
    return alive


def default_solve_function() -> SolveFunction:
    """The production solve: build + solve in a killable child process."""
    return solve_in_subprocess


class SolveWorker(QObject):
    """Runs one solve in its own thread. Emits signals only; owns the ``SolveState``."""

    progress = Signal(float, str)  # fraction 0..1, plain-language phase message
    log_available = Signal()  # new lines wait in the buffer; call take_log_lines()
    finished = Signal(object)  # PlanResult (also for errors and cancellation)

    def __init__(self, project: Project | ProjectSnapshot, options: object, solve_fn: SolveFunction) -> None:
        super().__init__()
        self._project = project
        self._options = options
        self._solve_fn = solve_fn
        self._lock = threading.Lock()
        self._lines: list[str] = []
        self.state = SolveState(on_progress=self._on_progress, on_log=self._on_log)

    # Called in the worker thread by the solve function.
    def _on_progress(self, fraction: float, message: str) -> None:
        self.progress.emit(float(fraction), str(message))

    def _on_log(self, line: str) -> None:
        with self._lock:
            announce = not self._lines
            self._lines.extend(str(line).splitlines() or [""])
        if announce:
            self.log_available.emit()

    def take_log_lines(self) -> list[str]:
        """Remove and return the buffered log lines (thread-safe)."""
        with self._lock:
            lines, self._lines = self._lines, []
        return lines

    @Slot()
    def run(self) -> None:
        """Solve; always ends by emitting ``finished`` with a PlanResult."""
        try:
            project = self._project.project() if isinstance(self._project, ProjectSnapshot) else self._project
            result = self._solve_fn(project, self._options, self.state)
            if not isinstance(result, PlanResult):
                raise TypeError(f"the solve returned {type(result).__name__}, not a PlanResult")
        except Exception as exc:  # shown to the user as an ERROR result, with the traceback in the log
            self._on_log(traceback.format_exc())
            result = PlanResult(
                status=Status.ERROR,
                message=f"The solve failed unexpectedly: {exc}. See the solver log for details.",
                solver=str(getattr(self._options, "solver", "")),
                scenario=str(getattr(self._options, "scenario", None) or "base"),
            )
        self.finished.emit(result)


class BackgroundSolve(QObject):
    """One solve on a worker thread, controlled from the GUI thread.

    Signals (all delivered in the GUI thread): ``progress(fraction, message)``,
    ``log_lines(list[str])``, ``result_ready(PlanResult)`` and ``thread_finished()`` once the
    worker thread has stopped.
    """

    progress = Signal(float, str)
    log_lines = Signal(list)
    result_ready = Signal(object)
    thread_finished = Signal()

    def __init__(
        self,
        project: Project,
        options: object,
        solve_fn: SolveFunction | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        # the solve never sees later edits: a JSON snapshot now (6 ms), parsed on the worker thread
        self.snapshot = ProjectSnapshot(project)
        self.options = options
        self.started_at: float | None = None
        self.result: PlanResult | None = None
        self._thread = QThread()
        self._thread.setObjectName("mine2magnet-solve")
        self._worker = SolveWorker(self.snapshot, options, solve_fn or default_solve_function())
        self._worker.moveToThread(self._thread)
        self._thread.started.connect(self._worker.run)
        # worker -> this object: queued (worker thread -> GUI thread)
        self._worker.progress.connect(self.progress, Qt.ConnectionType.QueuedConnection)
        self._worker.log_available.connect(self._drain_log, Qt.ConnectionType.QueuedConnection)
        self._worker.finished.connect(self._on_worker_finished, Qt.ConnectionType.QueuedConnection)
        # quit the thread's event loop from the worker thread as soon as run() returns
        self._worker.finished.connect(self._thread.quit, Qt.ConnectionType.DirectConnection)
        self._thread.finished.connect(self._on_thread_finished, Qt.ConnectionType.QueuedConnection)

    @property
    def thread(self) -> QThread:
        return self._thread

    @property
    def state(self) -> SolveState:
        return self._worker.state

    def start(self) -> None:
        _ACTIVE.add(self)
        self.started_at = time.monotonic()
        self._thread.start()

    def cancel(self) -> None:
        """Ask the solve to stop (the runner kills the solver process; returns within ~1 s)."""
        self._worker.state.request_cancel()

    @property
    def cancel_requested(self) -> bool:
        return self._worker.state.cancel_requested

    def is_finished(self) -> bool:
        """True when the worker thread has stopped (or was never started)."""
        if self.started_at is None:
            return True
        return self._thread.isFinished()

    def wait(self, timeout_ms: int = 10_000) -> bool:
        """Join the worker thread; True when it has finished."""
        if self.started_at is None:
            return True
        return self._thread.wait(timeout_ms)

    def shutdown(self, timeout_ms: int = 10_000) -> bool:
        """Cancel (if running) and join the thread. Used on close and in tests."""
        if not self.is_finished():
            self.cancel()
        ok = self.wait(timeout_ms)
        self._drain_log()
        if ok:
            _ACTIVE.discard(self)
        return ok

    @Slot()
    def _drain_log(self) -> None:
        lines = self._worker.take_log_lines()
        if lines:
            self.log_lines.emit(lines)

    @Slot(object)
    def _on_worker_finished(self, result: PlanResult) -> None:
        self._drain_log()
        self.result = result
        self.result_ready.emit(result)

    @Slot()
    def _on_thread_finished(self) -> None:
        _ACTIVE.discard(self)
        self.thread_finished.emit()
