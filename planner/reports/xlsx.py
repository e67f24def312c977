"""Excel plan workbook for managers: ``write_plan_workbook`` and ``write_scenarios_workbook``.

The workbook is self-contained (readable without the app):

* Decision brief - what to fund, by when, who pays; contracts and levers; defense coverage
  around the compliance year (planner.reports.brief: the same content as the PDF and the app);
* Summary - project, scenario, solver status and its plain-language message, date, discounted
  cost and breakdown ($M), compliant supply per product and year from the compliance year, unmet
  tonnes, largest investments, key assumptions, post-solve checks, a guide to the sheets;
* Scenario comparison - when several scenario results are given;
* Charts - supply vs demand per product, capex by year, capacity build-out per stage (native charts);
* Investments, Supply vs demand, Demand detail, Capacity, Production, Flows, Costs, Marginal
  costs, Bottlenecks - the plan's tables (omitted when the result has no plan);
* Inputs - Facilities / Options / Routes / Markets / Demand / Platforms / Scenarios, and Sources -
  the project's data with every figure's source (URL, what it supports, confidence).

Safety: every cell is written by :class:`planner.reports.cells.SheetWriter` (text is always
literal, never a formula). The file is written atomically: the workbook is saved to memory,
then to a temporary file in the target folder, fsynced and renamed over the target
(models.io.atomic_write_bytes). A target that cannot be written raises :class:`ReportWriteError`
and leaves any previous workbook byte-identical and no temporary file behind.
"""

from __future__ import annotations

import errno
import io
import os
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Sequence

from openpyxl import Workbook

from models.io import atomic_write_bytes
from models.project import Project
from planner.reports.brief import RISK_NOT_RUN, STRESS_NOT_RUN, build_brief
from planner.reports.brief_sheet import GUIDE_TEXT as BRIEF_TEXT
from planner.reports.brief_sheet import SHEET_NAME as BRIEF_SHEET
from planner.reports.brief_sheet import add_brief_sheet
from planner.reports.cells import safe_text
from planner.reports.compare import add_comparison
from planner.reports.context import ReportContext
from planner.reports.inputs import INPUT_SHEETS
from planner.reports.sheets import PLAN_SHEETS
from planner.reports.summary import add_summary
from planner.result import PlanResult

__all__ = ["ReportWriteError", "build_plan_workbook", "write_plan_workbook", "write_scenarios_workbook"]

COMPARISON_TEXT = "All scenarios side by side: costs, unmet demand, compliance, differing investments."


class ReportWriteError(Exception):
    """The workbook could not be written to ``path``; ``reason`` says why in plain words.

    Any workbook previously at ``path`` is unchanged and no temporary file is left behind.
    """

    def __init__(self, path: str | os.PathLike[str], reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"cannot write workbook {self.path}: {reason}")


def _guide(result: PlanResult, with_comparison: bool) -> list[tuple[str, str]]:
    guide = [(BRIEF_SHEET, BRIEF_TEXT), ("Summary", "Headline figures, assumptions and this guide.")]
    if with_comparison:
        guide.append(("Scenario comparison", COMPARISON_TEXT))
    if result.has_plan:
        guide += [(name, text) for name, _fn, text in PLAN_SHEETS]
    guide += [(name, text) for name, _fn, text in INPUT_SHEETS]
    return guide


def build_plan_workbook(
    project: Project,
    result: PlanResult,
    *,
    scenario_results: dict[str, PlanResult] | None = None,
    solved_at: datetime | None = None,
    comparison_first: bool = False,
    stress=None,
    risk=None,
    unsaved_edits: bool = False,
    stress_missing: str = STRESS_NOT_RUN,
    risk_missing: str = RISK_NOT_RUN,
) -> Workbook:
    """The workbook in memory (see the module docstring for its sheets, in order).

    A 'Scenario comparison' sheet is added when ``scenario_results`` holds two or more
    scenarios: after the brief and the Summary, or first when ``comparison_first``.
    ``stress`` (N-1 stress rows) and ``risk`` (a RiskReport) feed the brief when given;
    ``unsaved_edits``: the project has edits not saved to its file (the Summary says so).
    ``stress_missing`` / ``risk_missing``: what the brief says without a stress / risk result.
    """
    solved_at = solved_at or datetime.now(timezone.utc)
    ctx = ReportContext(project=project, result=result, solved_at=solved_at, unsaved_edits=unsaved_edits)
    with_comparison = bool(scenario_results) and len(scenario_results) >= 2
    wb = Workbook()
    wb.remove(wb.active)
    add_summary(wb, ctx, _guide(result, with_comparison))
    add_brief_sheet(wb, build_brief(project, result, solved_at=solved_at, stress=stress, risk=risk,
                                    stress_missing=stress_missing, risk_missing=risk_missing), index=0)
    if with_comparison:
        add_comparison(wb, project, dict(scenario_results), index=0 if comparison_first else 2)
    if result.has_plan:
        for _name, add, _text in PLAN_SHEETS:
            add(wb, ctx)
    for _name, add, _text in INPUT_SHEETS:
        add(wb, project)
    wb.active = 0
    for ws in wb.worksheets:
        ws.sheet_view.tabSelected = ws is wb.worksheets[0]
    wb.properties.title = safe_text(f"mine2magnet plan: {project.name}"[:250])  # a \x01 made it unopenable
    wb.properties.creator = "mine2magnet"
    return wb


def write_plan_workbook(
    path: str | os.PathLike[str],
    project: Project,
    result: PlanResult,
    *,
    scenario_results: dict[str, PlanResult] | None = None,
    solved_at: datetime | None = None,
    stress=None,
    risk=None,
    unsaved_edits: bool = False,
    stress_missing: str = STRESS_NOT_RUN,
    risk_missing: str = RISK_NOT_RUN,
) -> None:
    """Write the plan workbook for ``result`` (solved from ``project``) to ``path`` atomically.

    ``scenario_results`` (scenario name -> result), when it has several scenarios, adds a
    'Scenario comparison' sheet after the Summary. ``solved_at`` defaults to now (UTC).
    Raises ReportWriteError when the file cannot be written.
    """
    wb = build_plan_workbook(project, result, scenario_results=scenario_results, solved_at=solved_at,
                             stress=stress, risk=risk, unsaved_edits=unsaved_edits,
                             stress_missing=stress_missing, risk_missing=risk_missing)
    _save(wb, path)


def write_scenarios_workbook(
    path: str | os.PathLike[str],
    project: Project,
    results: dict[str, PlanResult],
    *,
    solved_at: datetime | None = None,
) -> None:
    """Scenario comparison first, then the base scenario's plan sheets (and inputs).

    The base scenario is the result named "base" (or whose ``scenario`` is "base"); failing that,
    the first result given. Raises ValueError for an empty ``results``, ReportWriteError when the
    file cannot be written.
    """
    if not results:
        raise ValueError("write_scenarios_workbook needs at least one scenario result")
    base = results.get("base") or next((r for r in results.values() if r.scenario == "base"), None)
    base = base or next(iter(results.values()))
    wb = build_plan_workbook(project, base, scenario_results=results, solved_at=solved_at,
                             comparison_first=True)
    _save(wb, path)


def _reason(e: OSError) -> str:
    hints = {
        errno.ENOENT: "the folder does not exist",
        errno.EACCES: "permission denied (read-only folder, or the file is open in another program)",
        errno.EPERM: "operation not permitted",
        errno.EROFS: "the file system is read-only",
        errno.ENOSPC: "the disk is full",
        errno.EISDIR: "a folder exists at that path",
        errno.ENOTDIR: "part of the path is not a folder",
        errno.EDQUOT: "disk quota exceeded",
    }
    return hints.get(e.errno, e.strerror or str(e) or type(e).__name__)


def _save(wb: Workbook, path: str | os.PathLike[str], write: Callable[..., None] = atomic_write_bytes) -> None:
    """Serialise in memory, then write atomically (no backup file); OSError -> ReportWriteError."""
    target = Path(path)
    if target.is_dir():
        raise ReportWriteError(path, "a folder exists at that path")
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise ReportWriteError(path, "the folder does not exist" if not folder.exists()
                               else "part of the path is not a folder")
    buffer = io.BytesIO()
    wb.save(buffer)
    try:
        write(target, buffer.getvalue(), keep_backup=False)
    except OSError as e:
        raise ReportWriteError(path, _reason(e)) from e


def sheet_names(result: PlanResult, with_comparison: bool = False, comparison_first: bool = False) -> Sequence[str]:
    """The sheet titles a workbook for ``result`` has, in order (for callers and tests)."""
    names = [name for name, _text in _guide(result, with_comparison)]
    if with_comparison and comparison_first:
        names.remove("Scenario comparison")
        names.insert(0, "Scenario comparison")
    return names
