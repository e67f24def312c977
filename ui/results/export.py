"""Write a plan to JSON or Excel. No dialogs here: the dashboard asks for the path.

Both functions raise ``ExportError`` with a message that says what failed and where; the
target file is either fully written or left as it was (JSON is written atomically through
``models.io.atomic_write_bytes``; the Excel writer promises the same).
"""

from __future__ import annotations

import multiprocessing as mp
import os
import queue
import traceback
from typing import Any

from models.io import atomic_write_bytes
from models.project import Project
from planner.result import PlanResult


class ExportError(Exception):
    """An export failed; ``str(err)`` is the message for the user."""


def export_json(path: str | os.PathLike[str], result: PlanResult) -> None:
    """Write ``result.to_json()`` (UTF-8) to ``path`` atomically."""
    try:
        data = result.to_json().encode("utf-8")
    except ValueError as e:  # e.g. a NaN slipped into the result
        raise ExportError(f"The result cannot be written as JSON: {e}") from e
    try:
        atomic_write_bytes(path, data, keep_backup=False)
    except OSError as e:
        raise ExportError(f"Cannot write {path}: {e.strerror or e}") from e


def export_xlsx(path: str | os.PathLike[str], project: Project, result: PlanResult,
                unsaved_edits: bool = False, brief: dict[str, Any] | None = None) -> None:
    """Write the plan workbook with ``planner.reports.xlsx.write_plan_workbook`` (``unsaved_edits``:
    the project shown has edits not yet saved to its file, which the workbook then says; ``brief``:
    build_brief's stress / risk keywords for its first sheet, e.g. DecisionView.brief_inputs())."""
    try:
        from planner.reports.xlsx import ReportWriteError, write_plan_workbook
    except ImportError as e:
        raise ExportError(f"Excel export is not available in this installation ({e}).") from e
    try:
        write_plan_workbook(path, project, result, unsaved_edits=unsaved_edits, **(brief or {}))
    except ReportWriteError as e:
        reason = getattr(e, "reason", None) or str(e)
        raise ExportError(f"The Excel workbook could not be written to {path}: {reason}") from e
    except OSError as e:
        raise ExportError(f"Cannot write {path}: {e.strerror or e}") from e


def _xlsx_child(path: str, project_text: str, result_data: dict[str, Any], log: str, out: "mp.Queue[tuple]",
                unsaved_edits: bool = False, brief: dict[str, Any] | None = None) -> None:
    """Child-process entry of :func:`export_xlsx_in_process`: ("ok", None) or ("error", message)."""
    try:
        if hasattr(os, "nice"):
            os.nice(5)  # the writer yields the CPU to the window on small machines
        result = PlanResult.from_dict(result_data)
        result.log = log
        export_xlsx(path, Project.model_validate_json(project_text), result, unsaved_edits, brief)
        out.put(("ok", None))
    except ExportError as e:
        out.put(("error", str(e)))
    except BaseException:  # report, never hang the parent
        out.put(("error", "The Excel workbook could not be written: "
                 + traceback.format_exc().strip().splitlines()[-1]))


def export_xlsx_in_process(path: str | os.PathLike[str], project_text: str, result: PlanResult,
                           timeout_s: float = 600.0, unsaved_edits: bool = False,
                           brief: dict[str, Any] | None = None) -> None:
    """:func:`export_xlsx` in a child process (spawned; raises ExportError like it).

    Writing the workbook is pure-Python work (openpyxl) for about 1.5 s on the real sample; on a
    thread of the app it holds the interpreter lock in stretches that froze the window for 100-580
    ms (bench/bench_ui_stalls.py). In a child process the window's thread only waits on a queue.
    ``project_text`` is the project's JSON (ui.document.snapshot.ProjectSnapshot's text); the child parses it.
    ``brief``: plain keywords for the brief sheet (stress rows, a RiskSummary, texts: picklable).
    """
    ctx = mp.get_context("spawn")
    out: "mp.Queue[tuple]" = ctx.Queue()
    proc = ctx.Process(target=_xlsx_child,
                       args=(os.fspath(path), project_text, result.to_dict(), result.log, out, unsaved_edits,
                             brief),
                       daemon=True)
    proc.start()
    try:
        kind, payload = out.get(timeout=timeout_s)
    except queue.Empty:
        proc.kill()
        raise ExportError(f"Writing the Excel workbook to {path} did not finish within {timeout_s:g} s.") from None
    finally:
        proc.join(timeout=5)
        if proc.is_alive():
            proc.kill()
    if kind == "error":
        raise ExportError(payload)
