"""GUI work one piece per turn of the event loop, so no turn freezes the window for long.

Several parts of the window update after one event (a project opened, a plan arrived): the
chain drawing, the map, the dashboard's charts, the validation list. Each already cuts its work
into pieces of about 5-20 ms. Scheduled on separate zero-delay timers, though, the pieces of all
of them fire in the same turn of the event loop (Qt fires every timer that is due when a turn
starts), and the window waits for their sum: the 50-90 ms stalls measured by
``bench/bench_ui_stalls.py``. Here every piece waits in one queue and each turn runs one piece,
so the window repaints and answers input between any two of them.

    from ui.runtime import turns
    turns.post(self.refresh, key=(self, "refresh"))   # once, however often posted before it runs
    turns.post_steps(self._fill_steps(), key=(self, "fill"))  # a generator: one step per turn
    turns.flush()                                     # everything queued, now (tests, shutdown)

A job whose ``owner`` QObject has been deleted is dropped. A job that raises is reported through
``sys.excepthook`` (the app's error dialog) and the queue goes on.
"""

from __future__ import annotations

import sys
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from typing import Any

from PySide6.QtCore import QObject, QTimer

try:  # shiboken tells whether the C++ side of a QObject still exists
    from shiboken6 import isValid as _alive
except ImportError:  # pragma: no cover - shiboken6 ships with PySide6
    def _alive(_obj: Any) -> bool:
        return True

Job = Callable[[], Any]


class TurnQueue(QObject):
    """First in, first out; one job per turn of the event loop. A key already queued keeps its
    place and takes the newer job (a refresh posted five times runs once, with the last call)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._jobs: OrderedDict[Hashable, tuple[Job, QObject | None]] = OrderedDict()
        self._serial = 0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._run_one)

    def post(self, job: Job, key: Hashable | None = None, owner: QObject | None = None) -> None:
        """Run ``job()`` on a later turn (after the jobs queued before it)."""
        if key is None:
            self._serial += 1
            key = ("anonymous", self._serial)
        self._jobs[key] = (job, owner)
        if not self._timer.isActive():
            self._timer.start()

    def post_steps(self, steps: Iterator[Any], key: Hashable | None = None, owner: QObject | None = None) -> None:
        """Advance ``steps`` one ``next()`` per job; after each step it goes to the back of the
        queue, so two long drawings take turns rather than one waiting for the other."""
        if key is None:
            self._serial += 1
            key = ("steps", self._serial)

        def step() -> None:
            try:
                next(steps)
            except StopIteration:
                return
            if key not in self._jobs:  # else a newer job took the key while this step ran
                self.post(step, key, owner)

        self.post(step, key, owner)

    def cancel(self, key: Hashable) -> bool:
        """Forget a queued job; True when one was queued."""
        return self._jobs.pop(key, None) is not None

    def is_pending(self, key: Hashable) -> bool:
        return key in self._jobs

    def __len__(self) -> int:
        return len(self._jobs)

    def flush(self, limit: int = 100_000) -> None:
        """Run the queued jobs (and any they queue) now, up to ``limit`` of them."""
        for _ in range(limit):
            if not self._jobs:
                break
            self._run_job()
        self._timer.stop()

    def _run_one(self) -> None:
        if self._jobs:
            self._run_job()
        if self._jobs:
            self._timer.start()  # the next one on the next turn

    def _run_job(self) -> None:
        key, (job, owner) = self._jobs.popitem(last=False)
        if owner is not None and not _alive(owner):
            return
        try:
            job()
        except Exception:  # one broken job must not stop the window's other updates
            sys.excepthook(*sys.exc_info())


_QUEUE: TurnQueue | None = None


def queue() -> TurnQueue:
    """The application's queue (made on first use, after the QApplication exists)."""
    global _QUEUE
    if _QUEUE is None or not _alive(_QUEUE):
        from PySide6.QtCore import QCoreApplication

        _QUEUE = TurnQueue(QCoreApplication.instance())
    return _QUEUE


def post(job: Job, key: Hashable | None = None, owner: QObject | None = None) -> None:
    """``queue().post``: run ``job`` on a later turn of the event loop."""
    queue().post(job, key, owner)


def post_steps(steps: Iterator[Any], key: Hashable | None = None, owner: QObject | None = None) -> None:
    """``queue().post_steps``: one step of ``steps`` per turn."""
    queue().post_steps(steps, key, owner)


def cancel(key: Hashable) -> bool:
    return queue().cancel(key)


def is_pending(key: Hashable) -> bool:
    return queue().is_pending(key)


def flush() -> None:
    """Run everything queued now."""
    queue().flush()
