"""mine2magnet for notebooks and scripts: load a project, edit it as objects or DataFrames, solve,
compare scenarios, run risk, robust and sensitivity sweeps, and read every result as pandas.

    import mine2magnet as m2m

    project = m2m.load("sample_projects/us_allied_mine_to_magnet.m2m.json")
    dem = m2m.demand(project)                                   # one row per demand and year
    dem.loc[dem.segment == "defense", "tonnes_t"] *= 1.2
    project = m2m.with_tables(project, demand=dem)              # validated like a project file
    plan = m2m.solve(project)                                   # a Plan
    plan.investments, plan.flows, plan.demand_by_segment        # DataFrames, units in column names
    plan.to_json("plan.json"); m2m.read_result("plan.json").demand   # the same DataFrame
    m2m.scenarios(project).comparison                           # one row per scenario
    m2m.sweep(project, ["capex=0.8:1.2", "demand:defense=0.8:1.5"]).tornado

Every function here is a thin layer over ``planner`` (no Qt); errors in inputs are raised as
:class:`InputTableError` (tables), :class:`models.ProjectFileError` (files) or ``ValueError``
(bad arguments), each with a located message.
"""

from __future__ import annotations

import json
import os
from typing import Any, Iterable

from models import Project, ProjectFileError, load_project, save_project
from models.io import parse_project_text
from planner.analysis.sweep_inputs import SweepInput, parse_vary
from planner.result import PlanResult

from .inputs import InputTableError, demand, facilities, markets, routes, with_horizon, with_tables
from .results import Plan, RiskRun, RobustRun, ScenarioSet, SweepRun

__all__ = [
    "InputTableError", "Plan", "Project", "ProjectFileError", "RiskRun", "RobustRun", "ScenarioSet", "SweepInput",
    "SweepRun", "demand", "facilities", "load", "loads", "markets", "read_result", "risk", "robust", "routes", "save",
    "scenarios", "solve", "sweep", "with_horizon", "with_tables",
]


def load(path: str | os.PathLike[str]) -> Project:
    """A project file, validated (raises ProjectFileError listing every located problem)."""
    return load_project(path)


def loads(text: str) -> Project:
    """A project from JSON text, validated as a file is."""
    return parse_project_text(text)


def save(project: Project, path: str | os.PathLike[str]) -> None:
    """Save atomically (the previous file is kept as .bak)."""
    save_project(project, path)


def _options(scenario: str | None, solver: str, time_limit_s: float | None, relax: bool) -> Any:
    from planner.pipeline.solve import SolveOptions, resolve_solver

    resolve_solver(solver)  # ValueError naming the installed solvers
    if time_limit_s is not None and not (0 < time_limit_s <= 86_400):
        raise ValueError(f"time_limit_s must be > 0 and <= 86400 (got {time_limit_s})")
    return SolveOptions(scenario=scenario, solver=solver, time_limit_s=time_limit_s, relax_integers=relax)


def _check_scenario(project: Project, scenario: str | None) -> None:
    if scenario and scenario != "base":
        try:
            project.scenario(scenario)
        except KeyError:
            known = ", ".join(s.id for s in project.scenarios) or "none"
            raise ValueError(f"unknown scenario {scenario!r} (known: {known})") from None


def solve(project: Project, scenario: str | None = None, *, solver: str = "auto", time_limit_s: float | None = None,
          relax: bool = False) -> Plan:
    """Solve the base project or one scenario (the lexicographic solve of ``mine2magnet solve``).

    Never raises for an infeasible or failed solve: ``plan.status`` and ``plan.result.message`` say
    what happened, and a plan is attached only when every verification check passed."""
    from planner.pipeline.solve import solve_project

    _check_scenario(project, scenario)
    result = solve_project(project, _options(scenario, solver, time_limit_s, relax))
    return Plan(result, project)


def read_result(path: str | os.PathLike[str], project: Project | None = None) -> Plan:
    """A result JSON written by ``solve --json`` or :meth:`Plan.to_json`, as a Plan (its tables equal
    the tables of the plan that was written)."""
    with open(path, encoding="utf-8") as fh:
        data = json.load(fh)
    if not isinstance(data, dict) or "status" not in data:
        raise ValueError(f"{path}: not a result JSON (no 'status'; write one with solve --json)")
    return Plan(PlanResult.from_dict(data), project)


def scenarios(project: Project, only: Iterable[str] | None = None, *, solver: str = "auto",
              time_limit_s: float | None = None, relax: bool = False) -> ScenarioSet:
    """Solve the base and every scenario of the project (as ``mine2magnet scenarios``), or the base
    and the scenarios whose ids are in ``only``."""
    from planner.analysis.scenarios import solve_scenarios

    if only is not None:
        wanted = [s for s in only if s != "base"]
        for sid in wanted:
            _check_scenario(project, sid)
        project = project.model_copy(deep=True)
        project.scenarios = [s for s in project.scenarios if s.id in wanted or s.name in wanted or s.id == "base"]
    return ScenarioSet(solve_scenarios(project, _options(None, solver, time_limit_s, relax)), project)


def risk(project: Project, n: int, *, seed: int = 0, workers: int | None = None, scheduler: str | None = None,
         scenario: str | None = None, mode: str = "plan", solver: str = "auto",
         time_limit_s: float | None = None) -> RiskRun:
    """Monte Carlo over commissioning delays and capex overruns (as ``mine2magnet risk``); raises
    ValueError (planner.analysis.risk.RiskRunError) for bad arguments."""
    from planner.analysis.risk import RiskRunError, run_risk

    _check_scenario(project, scenario)
    try:
        report = run_risk(project, n, seed=seed, workers=workers, scheduler=scheduler, mode=mode,
                          options=_options(scenario, solver, time_limit_s, False))
    except RiskRunError as e:
        raise ValueError(str(e)) from None
    return RiskRun(report)


def robust(project: Project, k: int, *, n_eval: int = 200, target: float | None = None, year: int | None = None,
           seed: int = 0, workers: int | None = None, scheduler: str | None = None, scenario: str | None = None,
           solver: str = "auto", time_limit_s: float | None = None, n1_years: list[int] | None = None,
           n1_outage_years: list[int] | None = None, n1_elements: list[str] | None = None,
           n1_countries: bool = False) -> RobustRun:
    """The robust plan over ``k`` sampled futures against the deterministic plan (as ``mine2magnet robust``).

    N-1 secure as ``robust --n1-secure/--n1-outage/--n1-elements/--n1-countries``: ``n1_years`` the
    years defense demand must be whole under any single outage (``k`` may then be 0), ``n1_outage_years``
    the years each element is out, ``n1_elements`` exactly these elements (``["facility:lcm"]``).
    The run's ``stock_hedge`` table is the stock the robust plan holds beyond the deterministic plan."""
    from planner.analysis.risk import RiskRunError
    from planner.analysis.robust import run_robust

    _check_scenario(project, scenario)
    try:
        report = run_robust(project, k, target=target, year=year, n_eval=n_eval, seed=seed, workers=workers,
                            scheduler=scheduler, options=_options(scenario, solver, time_limit_s, False),
                            n1_years=n1_years, n1_outage_years=n1_outage_years, n1_elements=n1_elements,
                            n1_countries=n1_countries)
    except RiskRunError as e:
        raise ValueError(str(e)) from None
    return RobustRun(report)


def _inputs(vary: Iterable[str | SweepInput] | dict[str, Any]) -> list[SweepInput]:
    if isinstance(vary, dict):
        out = []
        for name, rng in vary.items():
            rng = tuple(rng)
            out.append(SweepInput(name, float(rng[0]), float(rng[1]), int(rng[2]) if len(rng) > 2 else 3))
        return out
    return [v if isinstance(v, SweepInput) else parse_vary(v) for v in vary]


def sweep(project: Project, vary: Iterable[str | SweepInput] | dict[str, Any], *, grid: bool = False,
          workers: int | None = None, scheduler: str | None = None, scenario: str | None = None,
          solver: str = "auto", time_limit_s: float | None = None, relax: bool = False) -> SweepRun:
    """A sensitivity sweep (as ``mine2magnet sweep``). ``vary``: ``["capex=0.8:1.2:3", ...]``,
    ``{"capex": (0.8, 1.2, 3), ...}`` or SweepInput objects; one input at a time unless ``grid``.
    Input names: planner.analysis.sweep_inputs (capex, opex, price[:MARKET], demand[:SEGMENT],
    delay[:FACILITY], budget, budget_per_year, government_budget, capacity:FACILITY)."""
    from planner.analysis.risk import RiskRunError
    from planner.analysis.sweep import run_sweep

    _check_scenario(project, scenario)
    try:
        report = run_sweep(project, _inputs(vary), grid=grid, workers=workers, scheduler=scheduler,
                           options=_options(scenario, solver, time_limit_s, relax))
    except RiskRunError as e:
        raise ValueError(str(e)) from None
    return SweepRun(report)
