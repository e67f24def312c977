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
from typing import TypeVar

from models.io import atomic_write_bytes
from models.wording import count
from planner.analysis.risk import RiskRunError
from planner.cli.common import EXIT_BAD_INPUT, EXIT_FAILED, EXIT_OK
from planner.progress import SolveState

T = TypeVar("T")


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


def run_analysis(state: SolveState, run: Callable[[], T]) -> tuple[T | None, int]:
    """``run()`` (a risk, robust, stress or sweep run bound to its arguments) as a command runs it:
    ``(report, EXIT_OK)``; a RiskRunError (bad input found while running: an unknown scenario, a plan
    that does not fit) told as ``mine2magnet: ...`` and ``(None, EXIT_BAD_INPUT)``; Ctrl+C asks the
    workers to stop (``state.request_cancel()``) before the interrupt goes on."""
    try:
        return run(), EXIT_OK
    except RiskRunError as e:
        print(f"mine2magnet: {e}", file=sys.stderr)
        return None, EXIT_BAD_INPUT
    except KeyboardInterrupt:
        state.request_cancel()
        raise


def where_ran(scheduler: str | None, workers: int) -> str:
    """Where the runs went, for the closing line: ``scheduler tls://...`` or ``2 workers``."""
    return f"scheduler {scheduler}" if scheduler else count(workers, "worker")


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
