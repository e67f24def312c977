"""The plan a solve returns: small dataclasses with a stable JSON form (docs/file_format.md,
"Result JSON and Excel workbook").

Units: tonnes (t), t/yr, millions of US dollars (musd), US dollars per tonne (usd_per_t).
Costs in ``cost_breakdown_musd`` and ``total_cost_musd`` are discounted to the base year and
exclude the unmet-demand penalty; ``objective`` includes it.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from enum import Enum
from typing import Any


class Status(str, Enum):
    """Honest termination status of a solve."""

    OPTIMAL = "optimal"
    TIME_LIMIT_FEASIBLE = "time_limit_feasible"  # stopped by the time limit with a verified plan
    TIME_LIMIT = "time_limit"  # stopped by the time limit without a feasible plan
    INFEASIBLE = "infeasible"
    UNBOUNDED = "unbounded"
    CANCELLED = "cancelled"
    ERROR = "error"

    @property
    def has_plan(self) -> bool:
        return self in (Status.OPTIMAL, Status.TIME_LIMIT_FEASIBLE)


#: what the plan's views show for an investment without a defense date (defense_qualified_year None)
NO_DEFENSE_DATE = "- (upstream)"


@dataclass
class Investment:
    facility: str
    option: str
    decided_year: int
    online_year: int
    added_tpy: float
    capex_musd: float  # undiscounted, committed in decided_year
    # online_year + qualification lag (defense may buy from then) for a plant that delivers to defense
    # demand; None for an upstream plant: its lag is not carried down the chain, so it has no defense date
    defense_qualified_year: int | None = None


@dataclass
class Production:
    facility: str
    year: int
    material: str
    tonnes: float


@dataclass
class Flow:
    """Material moved in a year. ``from_id``/``to_id`` are facility, market or demand ids."""

    from_id: str
    to_id: str
    material: str
    year: int
    klass: str  # "clean" or "covered"
    tonnes: float
    source: str | None = None  # source mine for concentrate / carbonate


@dataclass
class DemandRow:
    demand_id: str
    product: str
    segment: str
    year: int
    demand: float
    delivered: float
    delivered_clean: float
    unmet: float
    priority: int = 1  # 1 is served first (defense by default, commercial 2)


@dataclass
class MarginalCost:
    """Cost of one more tonne of a product for a segment in a year ($/t, money of that year).

    ``no_supply``: demand of this product-segment-year is unmet (or the dual is at least half the
    unmet penalty), so the dual is set by the penalty, a setting, not a price: ``usd_per_t`` is
    None and the reading is "unmet: no compliant supply reachable"."""

    product: str
    segment: str
    year: int
    usd_per_t: float | None
    no_supply: bool = False
    note: str = ""  # the plain reading where no_supply (whose demand is short, or who would be displaced)


@dataclass
class Bottleneck:
    """A binding capacity: one more t of capacity there in ``year`` would save ``shadow_usd_per_t``
    (money of that year: the dual divided by the discount factor)."""

    facility: str
    year: int
    shadow_usd_per_t: float
    # the facility feeds a product that is short in that year, or the value is at least half the unmet
    # penalty (the marginal costs' rule): the shadow price is then set by the penalty (a setting), not
    # by a real cost; shown as "limits unmet supply", and null in the result JSON
    penalty_bound: bool = False


@dataclass
class ComplianceRow:
    product: str
    year: int
    clean_share: float  # clean delivered / total delivered across segments
    defense_covered_origin: bool  # any defense tonne of covered origin delivered


@dataclass
class CapacityRow:
    facility: str
    year: int
    capacity_tpy: float  # existing + online additions (with ramp-up)
    activity_t: float  # units of activity used


@dataclass
class StockRow:
    """Year-end stock a facility keeps of one of its outputs (only when stocks are allowed)."""

    facility: str
    year: int
    material: str
    klass: str
    tonnes: float


@dataclass
class FiniteStockRow:
    """A finite stock (stockpile, tailings) in one year: t drawn and t left at year-end."""

    facility: str
    year: int
    drawn_t: float
    remaining_t: float


@dataclass
class QualificationRow:
    """A facility that supplies defense demand after a qualification lag (lag > 0 only)."""

    facility: str
    product: str
    lag_years: int
    qualified_from: int | None  # existing capacity qualified from this year (None: no existing capacity)
    first_defense_year: int | None  # first year the plan delivers this product to defense from it


@dataclass
class LeverRow:
    """One contract or lever in one year (undiscounted money of that year).

    kind: offtake, offtake_shortfall, price_floor, grant, loan, stockpile_buy, stockpile_release,
    stockpile_holding, stock_build_breach (t of a stock build not held, no money), policy_grant, policy_floor,
    policy_offtake. ``cost_musd`` is what ``payer`` pays on this
    line: a transfer to industry for every kind except stockpile_holding (a real cost); see docs/model.md,
    "Contracts and policy levers".
    """

    kind: str
    lever_id: str
    facility: str  # the producer, the option's facility, or the stockpile id
    year: int
    tonnes: float
    cost_musd: float
    payer: str  # "government" or "industry"


@dataclass
class SaleRow:
    """Tonnes a facility sold to an outside buyer in a year (planner.model.sales); ``revenue_musd``
    = price x tonnes, undiscounted money of that year."""

    market: str
    facility: str
    year: int
    klass: str  # "clean" or "covered"
    tonnes: float
    price_usd_per_t: float
    revenue_musd: float


@dataclass
class SalesShortfall:
    """A reserved (contracted) volume of an outside buyer not sold in a year (t)."""

    market: str
    year: int
    reserved_t: float
    short_t: float


@dataclass
class CalibrationRow:
    """A facility's reported output against the plan's first year (planner.pipeline.calibration).

    difference = (planned - reported) / reported; status "within" (|difference| <= 25 %),
    "explained" (outside, with the stated reason) or "off" (outside, no reason)."""

    facility: str
    name: str
    material: str
    reported_year: int
    reported_t: float
    basis: str  # actual, run_rate, derived
    plan_year: int
    planned_t: float
    difference: float | None
    status: str
    reason: str
    source: str


@dataclass
class CostRow:
    year: int
    capex_musd: float
    opex_musd: float
    transport_musd: float
    purchases_musd: float  # all undiscounted (money of that year)
    revenue_musd: float = 0.0  # sales to outside buyers (undiscounted), not part of the cost columns


@dataclass
class Check:
    """One post-solve verification: a plan with a failed check is never shown."""

    name: str
    passed: bool
    max_violation: float
    detail: str = ""


def finite_json(obj: Any) -> Any:
    """``obj`` with every non-finite float (the infinite violation of a failed check, a cost that
    overflowed) as None, so the result JSON can always be written (JSON has no NaN or Infinity)."""
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: finite_json(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [finite_json(v) for v in obj]
    return obj


@dataclass
class Relaxation:
    """One change to a hard limit that (with the others of its option) makes a plan possible.

    ``current`` is the limit now and ``change`` how much it must give, in ``unit`` ($M, t, t/yr,
    builds); ``text`` says it in the limit's own words ("raise the 2026 capex budget by $1.0M")."""

    limit: str
    family: str
    key: list[str]
    current: float
    change: float
    unit: str
    text: str


@dataclass
class RelaxationOption:
    """A set of changes that together make a plan possible; ``scope`` is "all limits" (the smallest
    combined change) or the one kind of limit changed alone ("capex budgets", "commitments", ...)."""

    scope: str
    changes: list[Relaxation] = field(default_factory=list)


@dataclass
class PlanResult:
    status: Status
    message: str  # plain-language explanation of the status
    solver: str
    scenario: str = "base"
    objective: float | None = None  # $M, discounted, incl. penalty
    total_cost_musd: float | None = None  # discounted, excl. penalty
    # outside buyers (planner.model.sales): revenue from sales, discounted; net = total cost - revenue
    revenue_musd: float | None = None
    net_cost_musd: float | None = None
    # capex, opex, transport, purchases (their sum is total_cost_musd), then who pays that total:
    # government + industry = total (transfers between them leave the total unchanged)
    cost_breakdown_musd: dict[str, float] = field(default_factory=dict)
    investments: list[Investment] = field(default_factory=list)
    production: list[Production] = field(default_factory=list)
    flows: list[Flow] = field(default_factory=list)
    demand: list[DemandRow] = field(default_factory=list)
    marginal_costs: list[MarginalCost] = field(default_factory=list)
    bottlenecks: list[Bottleneck] = field(default_factory=list)
    compliance: list[ComplianceRow] = field(default_factory=list)
    capacity: list[CapacityRow] = field(default_factory=list)
    costs_by_year: list[CostRow] = field(default_factory=list)
    stocks: list[StockRow] = field(default_factory=list)
    stock_remaining: list[FiniteStockRow] = field(default_factory=list)  # finite stocks by year
    qualification: list[QualificationRow] = field(default_factory=list)  # defense suppliers with a lag
    levers: list[LeverRow] = field(default_factory=list)
    sales: list[SaleRow] = field(default_factory=list)  # to outside buyers
    sales_shortfall: list[SalesShortfall] = field(default_factory=list)  # reserved tonnes not sold
    calibration: list[CalibrationRow] = field(default_factory=list)  # reported output vs first plan year
    checks: list[Check] = field(default_factory=list)
    limiting: list[str] = field(default_factory=list)  # plain-language: what limits unmet demand
    # without a plan: the smallest relaxations of hard limits that make one possible (planner.analysis.relax)
    relaxations: list[RelaxationOption] = field(default_factory=list)
    solve_seconds: float = 0.0
    build_seconds: float = 0.0
    n_variables: int = 0
    n_constraints: int = 0
    log: str = ""

    @property
    def has_plan(self) -> bool:
        return self.status.has_plan

    def unmet_total(self) -> float:
        return sum(r.unmet for r in self.demand)

    def unmet_by_segment(self, year: int | None = None, product: str | None = None) -> dict[str, float]:
        """Unmet tonnes per segment ("defense", "commercial"; both always present), optionally
        for one year and/or product."""
        out = {"defense": 0.0, "commercial": 0.0}
        for r in self.demand:
            if (year is None or r.year == year) and (product is None or r.product == product):
                out[r.segment] = out.get(r.segment, 0.0) + r.unmet
        return out

    def to_dict(self) -> dict[str, Any]:
        """The result JSON (the stable keys of docs/file_format.md in order, then extras)."""
        d = asdict(self)
        d["status"] = self.status.value
        d.pop("log")
        for f in d["sales"]:
            f["class"] = f.pop("klass")
        for b in d["bottlenecks"]:  # a capacity value set by the unmet penalty is a setting, not money
            if b["penalty_bound"]:
                b["shadow_usd_per_t"] = None
        for f in d["flows"]:
            f["from"] = f.pop("from_id")
            f["to"] = f.pop("to_id")
            f["class"] = f.pop("klass")
        d["demand"] = [{"demand_id": r.pop("demand_id"), **r} for r in d["demand"]]
        order = [
            "status", "message", "solver", "scenario", "objective", "total_cost_musd", "revenue_musd", "net_cost_musd",
            "cost_breakdown_musd",
            "investments", "production", "flows", "demand", "marginal_costs", "compliance", "bottlenecks",
            "capacity", "costs_by_year", "stocks", "stock_remaining", "qualification", "levers", "sales",
            "sales_shortfall", "calibration", "checks", "limiting", "relaxations", "solve_seconds", "build_seconds",
            "n_variables", "n_constraints",
        ]
        out = {k: d[k] for k in order}
        out["unmet_by_segment_t"] = {k: round(v, 6) + 0.0 for k, v in self.unmet_by_segment().items()}
        return finite_json(out)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, allow_nan=False) + "\n"

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "PlanResult":
        """Inverse of ``to_dict`` (used by the risk runner and tests)."""
        d = dict(d)
        flows = []
        for f in d.get("flows", []):
            f = dict(f)
            f["from_id"], f["to_id"], f["klass"] = f.pop("from"), f.pop("to"), f.pop("class")
            flows.append(Flow(**f))
        return cls(
            status=Status(d["status"]),
            message=d.get("message", ""),
            solver=d.get("solver", ""),
            scenario=d.get("scenario", "base"),
            objective=d.get("objective"),
            total_cost_musd=d.get("total_cost_musd"),
            revenue_musd=d.get("revenue_musd"),
            net_cost_musd=d.get("net_cost_musd"),
            cost_breakdown_musd=dict(d.get("cost_breakdown_musd", {})),
            investments=[Investment(**x) for x in d.get("investments", [])],
            production=[Production(**x) for x in d.get("production", [])],
            flows=flows,
            demand=[DemandRow(**x) for x in d.get("demand", [])],
            marginal_costs=[MarginalCost(**x) for x in d.get("marginal_costs", [])],
            bottlenecks=[Bottleneck(**{**x, "shadow_usd_per_t": x.get("shadow_usd_per_t") or 0.0})
                         for x in d.get("bottlenecks", [])],
            compliance=[ComplianceRow(**x) for x in d.get("compliance", [])],
            capacity=[CapacityRow(**x) for x in d.get("capacity", [])],
            costs_by_year=[CostRow(**x) for x in d.get("costs_by_year", [])],
            stocks=[StockRow(**x) for x in d.get("stocks", [])],
            stock_remaining=[FiniteStockRow(**x) for x in d.get("stock_remaining", [])],
            qualification=[QualificationRow(**x) for x in d.get("qualification", [])],
            levers=[LeverRow(**x) for x in d.get("levers", [])],
            sales=[SaleRow(**{("klass" if k == "class" else k): v for k, v in x.items()}) for x in d.get("sales", [])],
            sales_shortfall=[SalesShortfall(**x) for x in d.get("sales_shortfall", [])],
            calibration=[CalibrationRow(**x) for x in d.get("calibration", [])],
            checks=[Check(**{**x, "max_violation": math.inf if x.get("max_violation") is None else x["max_violation"]})
                    for x in d.get("checks", [])],  # null: an infinite violation (finite_json)
            limiting=list(d.get("limiting", [])),
            relaxations=[RelaxationOption(o["scope"], [Relaxation(**c) for c in o.get("changes", [])])
                         for o in d.get("relaxations", [])],
            solve_seconds=d.get("solve_seconds", 0.0),
            build_seconds=d.get("build_seconds", 0.0),
            n_variables=d.get("n_variables", 0),
            n_constraints=d.get("n_constraints", 0),
        )
