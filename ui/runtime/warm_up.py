"""Imports the Excel writer early, on a daemon thread, once per process.

Imported by the first export's worker instead, openpyxl's thousands of new objects (about 0.3 s
of importing) set off full garbage collections (the GIL held, 50-70 ms) while the window waited;
imported early, they are frozen with the rest of the heap (ui.runtime.heap) when the next project
or plan arrives.
"""

from __future__ import annotations

import threading

_WARMED = False


def _import_workbook_writer() -> None:
    import planner.reports.xlsx  # noqa: F401  (imported for its side effect: loaded and cached)


def warm_up_workbook_writer() -> None:
    """Start importing ``planner.reports.xlsx`` on a daemon thread; later calls do nothing."""
    global _WARMED
    if _WARMED:
        return
    _WARMED = True
    threading.Thread(target=_import_workbook_writer, daemon=True, name="mine2magnet-warm-up").start()
