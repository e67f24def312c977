"""Cyclic garbage is collected on the GUI thread only.

Python runs its cyclic garbage collector in whichever thread happens to allocate when a
generation's count passes its threshold. A reference cycle that holds a Qt object owned by Python
(a chart waiting for its view in a closed window's dashboard, say) is then destroyed in that
thread. The test suite found it: a solve's worker thread, validating its project snapshot, set off
a collection that destroyed such a chart, and the chart's presenter, on the GUI thread, later ran a
queued call on the deleted series (a crash in ``ChartPresenter::handleSeriesRemoved``).

``install()`` turns automatic collection off and lets a timer on the GUI thread collect instead,
with Python's own rule: generation 2 when its count passes its threshold, else 1, else 0 (the
pattern of pyqtgraph's ``GarbageCollector``). Worker threads allocate freely in between; their
garbage waits for the next tick (``INTERVAL_MS``). ``gc.freeze()`` (ui.runtime.heap.freeze_heap)
works as before.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QCoreApplication, QObject, QTimer
from shiboken6 import isValid

INTERVAL_MS = 10  # how often the GUI thread checks the counts (a longer wait lets a busy worker thread
# pile up garbage: at 100 ms a risk run's collections took 25-32 ms each)


class MainThreadCollector(QObject):
    """Collects on the thread it lives in (the GUI thread) when a generation is due."""

    def __init__(self, parent: QObject | None = None, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(parent)
        self.thresholds = gc.get_threshold()
        self.collections = [0, 0, 0]  # per generation, by this collector
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.check)

    def start(self) -> None:
        gc.disable()
        self._timer.start()

    def stop(self) -> None:
        """Back to Python's own collection (in any thread)."""
        self._timer.stop()
        gc.enable()

    @property
    def active(self) -> bool:
        return self._timer.isActive()

    def due(self, counts: tuple[int, int, int] | None = None) -> int | None:
        """The generation Python itself would collect now, or None: nothing until the
        allocations since the last collection pass the first threshold (c0 > t0); then the oldest
        generation whose count passes its threshold, 2 (c2 > t2), 1 (c1 > t1) or 0. Counts
        (c0, c1, c2) = gc.get_count(): allocations less frees since the last collection, then
        collections of the younger generation since the last of this one. (Python also waits
        before a full collection until a quarter of the heap is new; this does not.)"""
        c0, c1, c2 = counts if counts is not None else gc.get_count()
        t0, t1, t2 = self.thresholds
        if t0 <= 0 or c0 <= t0:
            return None
        if c2 > t2:
            return 2
        return 1 if c1 > t1 else 0

    def check(self) -> None:
        generation = self.due()
        if generation is not None:
            gc.collect(generation)
            self.collections[generation] += 1


_COLLECTOR: MainThreadCollector | None = None


def install(app: QCoreApplication) -> MainThreadCollector:
    """Collect on ``app``'s thread from now on (once per process; later calls return the same one)."""
    global _COLLECTOR
    if _COLLECTOR is None or not isValid(_COLLECTOR):  # the app it lived in is gone
        _COLLECTOR = MainThreadCollector(app)
    if not _COLLECTOR.active:
        _COLLECTOR.start()
    return _COLLECTOR

