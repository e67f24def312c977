"""Cyclic garbage is collected on the GUI thread (ui/runtime/main_thread_gc.py): a reference cycle that
holds a Qt object must not be destroyed by whichever worker thread happens to allocate."""

from __future__ import annotations

import gc
import threading

from PySide6.QtCore import QCoreApplication, QEvent, QObject

from ui.runtime import main_thread_gc, turns
from ui.runtime.main_thread_gc import MainThreadCollector


def test_the_generation_due_follows_pythons_rule():
    """Thresholds (700, 10, 10), by hand: nothing until more than 700 allocations; then the
    oldest generation whose count passes its threshold."""
    c = MainThreadCollector()
    c.thresholds = (700, 10, 10)
    assert c.due((700, 50, 50)) is None  # not yet 701 allocations
    assert c.due((701, 0, 0)) == 0
    assert c.due((701, 11, 0)) == 1
    assert c.due((701, 11, 11)) == 2
    assert c.due((701, 3, 11)) == 2  # Python looks at the oldest generation first
    c.deleteLater()


class _Node(QObject):
    died_in: list[str] = []

    def __del__(self) -> None:
        _Node.died_in.append(threading.current_thread().name)


def _cycle_with_a_qobject() -> None:
    node = _Node()  # no parent: Python owns it, and its C++ object dies with the wrapper
    node.me = node  # a reference cycle: only the cyclic collector frees it


_KEPT: list[list[int]] = []


def _allocate_in_a_worker() -> None:
    """Churn that passes the gen-0 threshold (700) while it runs, and leaves 2,000 tracked lists
    alive, so that gen-0's count stays past the threshold afterwards and the GUI thread's next tick
    is due to collect (gen-0 counts allocations less frees: churn alone nets out near zero)."""
    def churn() -> None:
        for _ in range(20):
            junk = [(i, [i]) for i in range(5_000)]  # tracked containers: gen-0 counts pass 700
            del junk
        _KEPT[:] = [[i] for i in range(2_000)]

    t = threading.Thread(target=churn, name="worker")
    t.start()
    t.join()


def test_a_cycle_holding_a_qt_object_dies_on_the_gui_thread_not_in_a_worker(qtbot, qapp, monkeypatch):
    collector = main_thread_gc.install(qapp)
    assert collector.active and not gc.isenabled()
    # Windows of earlier tests leave work queued: deferred deletions whose frees (thousands of
    # frozen objects) count gen-0 down to 0 during the wait below, so no tick is ever due; and a
    # gc.freeze() (ui.runtime.heap) that would move the young cycle out of every generation.
    for _ in range(3):
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        qapp.processEvents()
    turns.flush()
    monkeypatch.setattr(gc, "freeze", lambda: None)
    gc.collect()
    _Node.died_in.clear()
    _cycle_with_a_qobject()
    _allocate_in_a_worker()
    assert _Node.died_in == []  # the worker's allocations set off no collection
    qtbot.waitUntil(lambda: bool(_Node.died_in), timeout=5_000)  # the GUI thread's timer did
    assert _Node.died_in == [threading.current_thread().name]


def test_without_it_a_worker_thread_collects_the_cycle(qtbot, qapp):
    """The hazard itself, with Python's own collection: the worker that allocates destroys the
    Qt object."""
    collector = main_thread_gc.install(qapp)
    collector.stop()
    try:
        gc.collect()
        _Node.died_in.clear()
        _cycle_with_a_qobject()
        _allocate_in_a_worker()
        assert _Node.died_in == ["worker"]
    finally:
        collector.start()
    assert not gc.isenabled()
