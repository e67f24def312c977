"""What a long command tells its user: progress lines on stderr, and its report files (--json,
--xlsx), with one message and one exit code for each.

Each function prints ``wrote PATH`` on success and returns ``EXIT_OK``; on failure it prints
``mine2magnet: ...`` to stderr and returns ``EXIT_FAILED``, so a command ends with
``max(code, write_json(...), write_workbook(...))``. The analysis has run either way: a report
that cannot be written is a failed command, not bad input.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from models.io import atomic_write_bytes
from planner.cli.common import EXIT_FAILED, EXIT_OK


def write_json(path: str | Path | None, text: str) -> int:
    """``text`` written atomically to ``path`` as UTF-8 (nothing when no path was asked for)."""
    if not path:
        return EXIT_OK
    try:
        atomic_write_bytes(path, text.encode("utf-8"), keep_backup=False)
    except OSError as e:
        print(f"mine2magnet: cannot write {path}: {e.strerror or e}", file=sys.stderr)
        return EXIT_FAILED
    print(f"wrote {path}")
    return EXIT_OK


def write_workbook(path: str | Path | None, write: Callable[[], object]) -> int:
    """``write()`` (a workbook writer bound to its report and ``path``), its ReportWriteError told
    in plain words (nothing when no path was asked for)."""
    if not path:
        return EXIT_OK
    from planner.reports.xlsx import ReportWriteError  # openpyxl only when a workbook is asked for

    try:
        write()
    except ReportWriteError as e:
        print(f"mine2magnet: {e}", file=sys.stderr)
        return EXIT_FAILED
    print(f"wrote {path}")
    return EXIT_OK


def stepped_progress(steps: int) -> Callable[[float, str], None]:
    """A SolveState ``on_progress`` callback that prints the message to stderr (indented, flushed)
    each time the fraction done reaches another ``1 / steps``: at most ``steps + 1`` lines."""
    last = [-1]

    def on_progress(fraction: float, message: str) -> None:
        step = int(fraction * steps)
        if step != last[0]:
            last[0] = step
            print(f"  {message}", file=sys.stderr, flush=True)

    return on_progress
