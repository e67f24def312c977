"""Solve the base project and every scenario (comparison: :mod:`planner.analysis.comparison`).

``solve_scenarios`` returns ``{"base": result, "<scenario id>": result, ...}`` (base first, then the
project's scenarios in file order). A scenario stored with id "base" *is* the base (see
``models.scenarios.apply_scenario``) and is solved once, under "base".
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Callable

from models.project import Project
from models.scenarios import BASE_SCENARIO_ID
from models.wording import count
from planner.progress import SolveState
from planner.result import PlanResult

Solver = Callable[..., PlanResult]  # solve_project or solve_in_subprocess


def scenario_ids(project: Project) -> list[str]:
    """``["base", <scenario ids in file order, except a stored "base">]``."""
    return [BASE_SCENARIO_ID] + [s.id for s in project.scenarios if s.id != BASE_SCENARIO_ID]


def solve_scenarios(
    project: Project,
    options: Any = None,
    state: SolveState | None = None,
    *,
    solve: Solver | None = None,
) -> dict[str, PlanResult]:
    """Solve base + every scenario, one after another; results keyed by scenario id, base first.

    ``options`` (a ``planner.pipeline.solve.SolveOptions``) applies to every solve; its ``scenario`` is
    replaced per run. ``solve`` defaults to ``planner.pipeline.solve.solve_project`` (in-process); the GUI
    passes ``planner.pipeline.runner.solve_in_subprocess`` so Cancel stops a running solve at once.
    On cancel the scenarios solved so far are returned (the interrupted one is left out).
    """
    from planner.pipeline.solve import SolveOptions, solve_project

    options = options or SolveOptions()
    solve = solve or solve_project
    state = state or SolveState()
    ids = scenario_ids(project)
    has_stored_base = any(s.id == BASE_SCENARIO_ID for s in project.scenarios)
    results: dict[str, PlanResult] = {}
    for k, sid in enumerate(ids):
        if state.cancel_requested:
            break
        label = "base" if sid == BASE_SCENARIO_ID else sid

        def sub_progress(fraction: float, message: str, k=k, label=label) -> None:
            state.progress((k + fraction) / len(ids), f"{label} ({k + 1}/{len(ids)}): {message}")

        sub = SolveState(on_progress=sub_progress, on_log=state.log)
        state.cancel_hooks.append(sub.request_cancel)
        try:
            scenario = sid if (sid != BASE_SCENARIO_ID or has_stored_base) else None
            result = solve(project, replace(options, scenario=scenario), sub)
        finally:
            state.cancel_hooks.remove(sub.request_cancel)
        if state.cancel_requested and not result.has_plan:
            break
        result.scenario = sid
        results[sid] = result
    if not state.cancel_requested:
        state.progress(1.0, count(len(results), "scenario") + " solved")
    return results
