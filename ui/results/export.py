"""Write a plan to JSON or Excel. No dialogs here: the dashboard asks for the path.

Both functions raise ``ExportError`` with a message that says what failed and where; the
target file is either fully written or left as it was (JSON is written atomically through
``models.io.atomic_write_bytes``; the Excel writer promises the same).
"""

from __future__ import annotations

import os

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


def export_xlsx(path: str | os.PathLike[str], project: Project, result: PlanResult) -> None:
    """Write the plan workbook with ``planner.reports.xlsx.write_plan_workbook``."""
    try:
        from planner.reports.xlsx import ReportWriteError, write_plan_workbook
    except ImportError as e:
        raise ExportError(f"Excel export is not available in this installation ({e}).") from e
    try:
        write_plan_workbook(path, project, result)
    except ReportWriteError as e:
        reason = getattr(e, "reason", None) or str(e)
        raise ExportError(f"The Excel workbook could not be written to {path}: {reason}") from e
    except OSError as e:
        raise ExportError(f"Cannot write {path}: {e.strerror or e}") from e
