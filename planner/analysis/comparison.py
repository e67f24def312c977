"""Compare solved plans side by side (pure: no solver is imported here).

``compare`` reduces the results to what a reader compares: total and capex cost ($M, discounted,
without the unmet penalty), objective (with it), unmet tonnes by product and year (all segments, and
of defense demand alone) and over the horizon per segment (defense, commercial),
the clean share of deliveries in the compliance year per product, status, revenue from outside buyers
and net cost, the shortfall valued at the value of lost supply (planner.analysis.shortfall_value,
never the solver penalty) and cost including it, and a rank: defense shortfall first, then commercial
shortfall, then net cost, so a cheaper plan with a shortfall never ranks above a dearer one without
-- and the investments that differ: an option built in one scenario and not in another, or built
with a first decision year that differs, or a total size that differs by more than
``max(size_abs_tol_tpy, size_rel_tol x larger)``.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from models.project import Project
from planner.analysis.shortfall_value import contract_shortfall_t, net_cost, result_rank_key, shortfall_value_musd
from planner.result import PlanResult


@dataclass
class ScenarioSummary:
    """One scenario's headline figures (costs in $M discounted to the base year, tonnes in t)."""

    scenario: str
    status: str
    message: str
    has_plan: bool
    total_cost_musd: float | None
    capex_musd: float | None
    objective: float | None
    unmet_t: dict[str, dict[int, float]] = field(default_factory=dict)  # product -> year -> t (all segments)
    unmet_total_t: float = 0.0
    defense_unmet_t: dict[str, dict[int, float]] = field(default_factory=dict)  # product -> year -> t (defense)
    unmet_by_segment_t: dict[str, float] = field(default_factory=dict)  # segment -> t over the horizon
    compliant_share: dict[str, float] = field(default_factory=dict)  # product -> clean share in compliance year
    defense_covered_origin: dict[str, bool] = field(default_factory=dict)  # product -> any covered defense tonne
    revenue_musd: float | None = None  # outside buyers (discounted)
    net_cost_musd: float | None = None  # total cost - revenue (= total cost without outside buyers)
    shortfall_value_musd: float | None = None  # unmet t x value of lost supply, discounted (None: unknown)
    cost_incl_shortfall_musd: float | None = None  # net cost + shortfall value
    contract_shortfall_t: float = 0.0  # offtake shortfalls + reserved sales not sold (t over the horizon)
    rank: int = 0  # 1 = best: least defense, then commercial, then contract shortfall, then net cost


@dataclass
class InvestmentCell:
    """An option's build in one scenario: first decision year, online year, total size and capex."""

    decided_year: int
    online_year: int
    added_tpy: float
    capex_musd: float


@dataclass
class InvestmentDiff:
    facility: str
    option: str
    by_scenario: dict[str, InvestmentCell | None]  # None: not built in that scenario
    reason: str  # "built in some scenarios only", "decision year differs", "size differs"


@dataclass
class ScenarioComparison:
    year: int  # the compliance year used for compliant_share
    scenarios: list[ScenarioSummary]
    investment_diffs: list[InvestmentDiff]
    common_investments: list[tuple[str, str]]  # built identically (within tolerance) everywhere
    ranking: list[str] = field(default_factory=list)  # scenario ids, best first (see ScenarioSummary.rank)

    @property
    def ids(self) -> list[str]:
        return [s.scenario for s in self.scenarios]

    def summary(self, scenario: str) -> ScenarioSummary:
        for s in self.scenarios:
            if s.scenario == scenario:
                return s
        raise KeyError(scenario)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        for s in d["scenarios"]:
            s["unmet_t"] = {p: {str(y): v for y, v in by.items()} for p, by in s["unmet_t"].items()}
            s["defense_unmet_t"] = {p: {str(y): v for y, v in by.items()} for p, by in s["defense_unmet_t"].items()}
        d["common_investments"] = [list(x) for x in self.common_investments]
        return d

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, allow_nan=False) + "\n"


def _investment_cells(result: PlanResult) -> dict[tuple[str, str], InvestmentCell]:
    """Builds per option: first decision/online year, summed size and capex (an option may be built in steps)."""
    out: dict[tuple[str, str], InvestmentCell] = {}
    for inv in result.investments:
        if inv.added_tpy <= 0 and inv.capex_musd <= 0:
            continue
        key = (inv.facility, inv.option)
        c = out.get(key)
        if c is None:
            out[key] = InvestmentCell(inv.decided_year, inv.online_year, inv.added_tpy, inv.capex_musd)
        else:
            c.decided_year = min(c.decided_year, inv.decided_year)
            c.online_year = min(c.online_year, inv.online_year)
            c.added_tpy += inv.added_tpy
            c.capex_musd += inv.capex_musd
    return out


def _summarise(sid: str, r: PlanResult, year: int, project: Project | None = None) -> ScenarioSummary:
    s = ScenarioSummary(
        scenario=sid, status=r.status.value, message=r.message, has_plan=r.has_plan,
        total_cost_musd=r.total_cost_musd if r.has_plan else None,
        capex_musd=r.cost_breakdown_musd.get("capex") if r.has_plan else None,
        objective=r.objective if r.has_plan else None,
    )
    if not r.has_plan:
        return s
    s.revenue_musd = r.revenue_musd
    s.net_cost_musd = net_cost(r)
    s.contract_shortfall_t = round(contract_shortfall_t(r), 6) + 0.0
    if project is not None:
        from models.scenarios import apply_scenario

        try:
            seen = apply_scenario(project, r.scenario if r.scenario != "base" else None)
        except KeyError:
            seen = project
        s.shortfall_value_musd = shortfall_value_musd(seen, r)
        if s.shortfall_value_musd is not None and s.net_cost_musd is not None:
            s.cost_incl_shortfall_musd = round(s.net_cost_musd + s.shortfall_value_musd, 6) + 0.0
    for row in r.demand:
        by = s.unmet_t.setdefault(row.product, {})
        by[row.year] = by.get(row.year, 0.0) + row.unmet
        s.unmet_total_t += row.unmet
        if row.segment == "defense":
            by = s.defense_unmet_t.setdefault(row.product, {})
            by[row.year] = by.get(row.year, 0.0) + row.unmet
    s.unmet_by_segment_t = r.unmet_by_segment()
    for c in r.compliance:
        if c.year == year:
            s.compliant_share[c.product] = c.clean_share
            s.defense_covered_origin[c.product] = c.defense_covered_origin
    return s


def compare(
    results: dict[str, PlanResult],
    *,
    year: int = 2027,
    project: Project | None = None,
    size_abs_tol_tpy: float = 0.5,
    size_rel_tol: float = 0.01,
) -> ScenarioComparison:
    """Compare solved scenarios (see the module docstring for what counts as a difference).

    Scenarios without a plan are summarised (status, message) but take no part in the
    investment comparison: there is nothing to compare. With ``project`` (the base project) each
    plan's shortfall is valued at the value of lost supply of its scenario.
    """
    summaries = [_summarise(sid, r, year, project) for sid, r in results.items()]
    ranking = sorted(results, key=lambda sid: result_rank_key(results[sid]))
    for s in summaries:
        s.rank = ranking.index(s.scenario) + 1
    cells = {sid: _investment_cells(r) for sid, r in results.items() if r.has_plan}
    keys = sorted({k for c in cells.values() for k in c})
    diffs: list[InvestmentDiff] = []
    common: list[tuple[str, str]] = []
    for key in keys:
        by = {sid: c.get(key) for sid, c in cells.items()}
        built = [c for c in by.values() if c is not None]
        reason = ""
        if len(built) < len(by):
            reason = "built in some scenarios only"
        elif len({c.decided_year for c in built}) > 1:
            reason = "decision year differs"
        else:
            lo, hi = min(c.added_tpy for c in built), max(c.added_tpy for c in built)
            if hi - lo > max(size_abs_tol_tpy, size_rel_tol * hi):
                reason = "size differs"
        if reason:
            diffs.append(InvestmentDiff(key[0], key[1], by, reason))
        else:
            common.append(key)
    return ScenarioComparison(year=year, scenarios=summaries, investment_diffs=diffs, common_investments=common,
                              ranking=ranking)
