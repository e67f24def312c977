"""ui.runtime.turns: GUI work one piece per turn of the event loop."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, QTimer

from ui.runtime.turns import TurnQueue


def test_one_job_per_turn_in_order(qtbot):
    """Three jobs posted together run on three different turns, first in first out: a zero-delay
    timer posted with them (which Qt fires on the first turn) runs before the second job."""
    queue = TurnQueue()
    ran: list[str] = []
    queue.post(lambda: ran.append("a"))
    queue.post(lambda: ran.append("b"))
    queue.post(lambda: ran.append("c"))
    QTimer.singleShot(0, lambda: ran.append("timer"))
    assert ran == []  # nothing runs before the event loop turns
    qtbot.waitUntil(lambda: len(ran) == 4, timeout=5000)
    assert ran.index("a") < ran.index("b") < ran.index("c")
    assert ran.index("timer") < ran.index("b")  # "b" waited for the next turn
    assert len(queue) == 0


def test_a_key_keeps_its_place_and_takes_the_newest_job(qtbot):
    queue = TurnQueue()
    ran: list[str] = []
    queue.post(lambda: ran.append("refresh 1"), key="refresh")
    queue.post(lambda: ran.append("other"))
    queue.post(lambda: ran.append("refresh 2"), key="refresh")
    assert len(queue) == 2 and queue.is_pending("refresh")
    queue.flush()
    assert ran == ["refresh 2", "other"]
    assert not queue.is_pending("refresh")


def test_steps_take_turns_with_other_work(qtbot):
    """A generator advances one step per job and goes to the back of the queue after each step,
    so two drawings interleave."""
    queue = TurnQueue()
    ran: list[str] = []

    def drawing(name: str, n: int):
        for k in range(n):
            ran.append(f"{name}{k}")
            yield

    queue.post_steps(drawing("a", 3), key="a")
    queue.post_steps(drawing("b", 2), key="b")
    qtbot.waitUntil(lambda: len(queue) == 0, timeout=5000)
    assert ran == ["a0", "b0", "a1", "b1", "a2"]


def test_cancel_and_deleted_owner(qtbot):
    queue = TurnQueue()
    ran: list[str] = []
    owner = QObject()
    queue.post(lambda: ran.append("owned"), key="owned", owner=owner)
    queue.post(lambda: ran.append("cancelled"), key="gone")
    queue.post(lambda: ran.append("kept"))
    assert queue.cancel("gone") and not queue.cancel("gone")
    import shiboken6

    shiboken6.delete(owner)  # the widget was closed before its refresh ran
    queue.flush()
    assert ran == ["kept"]


def test_a_failing_job_is_reported_and_the_queue_goes_on(qtbot, monkeypatch):
    queue = TurnQueue()
    ran: list[str] = []
    reported: list[BaseException] = []
    monkeypatch.setattr(sys, "excepthook", lambda kind, value, tb: reported.append(value))

    def broken() -> None:
        raise ValueError("bad")

    queue.post(broken)
    queue.post(lambda: ran.append("after"))
    qtbot.waitUntil(lambda: len(queue) == 0, timeout=5000)
    assert ran == ["after"]
    assert [str(e) for e in reported] == ["bad"]


def test_a_job_posted_by_a_job_runs_on_a_later_turn_and_flush_runs_it_too(qtbot):
    queue = TurnQueue()
    ran: list[str] = []
    queue.post(lambda: (ran.append("first"), queue.post(lambda: ran.append("second"))))
    queue.flush()
    assert ran == ["first", "second"] and len(queue) == 0
