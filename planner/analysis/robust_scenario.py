"""A robust plan as a scenario of the project: its investments and its stock build committed.

The Risk tab's "Apply robust plan as a scenario" stores the result as one undoable edit; a
solve of that scenario then runs the robust plan's hedge as the deterministic model's own
commitments:

- every [option, year, t/yr] of ``RobustReport.robust_plan`` becomes an ``invest`` override
  (the option adds at least t t/yr decided in that year);
- every [stockpile, year, t] of ``RobustReport.robust_stock`` becomes a ``stock_build`` override
  (the stockpile holds at least t at the end of that year; a shortfall is priced like unmet
  demand, planner.model.levers.define_stock_build_constraints).

The scenario the robust plan was computed under is copied first, so the new scenario is that
scenario plus the hedge.
"""

from __future__ import annotations

from models.project import InvestOverride, Project, Scenario, StockBuildOverride


def robust_scenario_id(project: Project, scenario: str) -> str:
    """``robust_<scenario>``, or ``robust_<scenario>_2``, ``_3``, ... when the id is taken."""
    taken = {sc.id for sc in project.scenarios}
    base_id = f"robust_{scenario}"
    sid, i = base_id, 2
    while sid in taken:
        sid, i = f"{base_id}_{i}", i + 1
    return sid


def has_hedge(report) -> bool:
    """True when the robust plan commits anything: an investment or a stock build."""
    return bool(report.robust_plan) or any(float(t) > 0 for _, _, t in report.robust_stock)


def scenario_name(report) -> str:
    """'Robust plan (china_cut, 20 futures)', 'Robust plan (china_cut, N-1 secure 2027)' (-n 0), or both."""
    parts = [str(report.scenario)] + ([f"{report.k} futures"] if report.k else [])
    years = list((getattr(report, "n1", None) or {}).get("years") or [])
    if years:
        span = str(years[0]) if len(years) == 1 else f"{min(years)}-{max(years)}"
        parts.append(f"N-1 secure {span}")
    return f"Robust plan ({', '.join(parts)})"


def robust_scenario(project: Project, report) -> Scenario:
    """A new scenario (not yet stored in ``project``): the overrides of the report's scenario (if
    stored), then one invest override per robust investment and one stock_build override per
    stockpile year-end level of the robust plan (t > 0, at most the stockpile's capacity)."""
    overrides = []
    base = next((sc for sc in project.scenarios if sc.id == report.scenario), None)
    if base is not None:
        overrides.extend(o.model_copy(deep=True) for o in base.overrides)
    overrides.extend(InvestOverride(option_id=o, year=int(y), added_tpy=float(t)) for o, y, t in report.robust_plan)
    capacity = {s.id: s.capacity_t for s in project.levers.stockpiles}
    overrides.extend(StockBuildOverride(stockpile_id=str(s), year=int(y),  # a solver's 1e-9 above capacity
                                        tonnes=min(float(t), capacity.get(str(s), float(t))))
                     for s, y, t in report.robust_stock if float(t) > 0)
    parts = (["investments"] if report.robust_plan else []) + (
        ["stock build"] if any(float(t) > 0 for _, _, t in report.robust_stock) else [])
    return Scenario(id=robust_scenario_id(project, report.scenario), name=scenario_name(report),
                    description=f"The robust plan's {' and '.join(parts) or 'hedge'} committed "
                                "(Risk tab, Plan for this risk).",
                    licence_year=base.licence_year if base is not None else None,
                    overrides=overrides)


__all__ = ["has_hedge", "robust_scenario", "robust_scenario_id", "scenario_name"]
