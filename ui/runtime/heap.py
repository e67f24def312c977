"""The long-lived heap (Qt wrappers, the project, the plan) kept out of the cyclic garbage
collector's scans.

A full collection triggered by a worker (openpyxl writing the workbook makes many objects)
scanned all of it while holding the GIL: a 70 ms freeze of the window. The main window freezes
the heap after start-up, after a project is opened and after a plan arrives.
"""

from __future__ import annotations

import gc

from ui.runtime import turns


def freeze_heap() -> None:
    """Move every object alive now out of the cyclic garbage collector's scans (``gc.freeze``).

    Called after start-up, after a project is opened and after a plan arrives. Frozen objects are
    still freed by reference counting when dropped; only reference cycles among them stay
    until exit (the project and the plan hold none). Measured with bench/bench_ui_stalls.py: the
    longest collection during the Excel export went from 69 ms (generation 2) to a few ms.
    """
    gc.freeze()


def freeze_heap_later() -> None:
    """``freeze_heap`` behind the GUI work queued now (ui.runtime.turns): the new chain drawing,
    charts and lists are frozen with the rest."""
    turns.cancel("freeze heap")
    turns.post(freeze_heap, "freeze heap")
