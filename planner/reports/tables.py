"""A solved plan (and risk, robust and scenario runs) as pandas DataFrames: the one source of every
table the Python API returns and the CSV package writes.

Each table has a fixed list of :class:`Column` (name, kind, unit, meaning); the unit is also in
the column name (``_t`` tonnes, ``_tpy`` t/yr, ``_musd`` millions of US dollars, ``_usd_per_t``
US dollars per tonne, ``_share`` a fraction 0-1), so a DataFrame read anywhere keeps its units.

Kinds and their pandas dtypes:

==========  =====================  =========================================
kind        dtype                  missing value
==========  =====================  =========================================
string      ``string``             ``<NA>`` only where ``nullable`` (never "")
integer     ``int64``/``Int64``    ``<NA>`` only where ``nullable``
year        ``int64``/``Int64``    as integer
number      ``float64``            NaN (only where ``nullable``)
boolean     ``bool``               never
==========  =====================  =========================================

Money: ``costs_by_year``, ``investments`` and ``levers`` are undiscounted (money of that year);
``summary`` and the cost breakdown are discounted to the base year, without the unmet penalty.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable, Sequence

import pandas as pd

from planner.analysis.plan_ranking import robust_ranking
from planner.reports.figures import demand_by_product_segment_year
from planner.result import PlanResult

KINDS = ("string", "integer", "year", "number", "boolean")


@dataclass(frozen=True)
class Column:
    """One typed column: ``unit`` is a short unit text ("t", "t/yr", "$M", "$/t", "share 0-1")."""

    name: str
    kind: str
    unit: str = ""
    description: str = ""
    nullable: bool = False

    def dtype(self) -> Any:
        if self.kind == "string":
            return pd.StringDtype()
        if self.kind in ("integer", "year"):
            return "Int64" if self.nullable else "int64"
        if self.kind == "number":
            return "float64"
        if self.kind == "boolean":
            return "bool"
        raise ValueError(f"unknown column kind {self.kind!r}")


@dataclass(frozen=True)
class TableSpec:
    name: str
    description: str
    columns: tuple[Column, ...]

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]


def S(name: str, description: str = "", nullable: bool = False) -> Column:  # noqa: N802 (a column maker)
    return Column(name, "string", "", description, nullable)


def Y(name: str = "year", description: str = "calendar year", nullable: bool = False) -> Column:  # noqa: N802
    return Column(name, "year", "year", description, nullable)


def N(name: str, unit: str, description: str = "", nullable: bool = False) -> Column:  # noqa: N802
    return Column(name, "number", unit, description, nullable)


def Int(name: str, unit: str = "", description: str = "", nullable: bool = False) -> Column:  # noqa: N802
    return Column(name, "integer", unit, description, nullable)


def B(name: str, description: str = "") -> Column:  # noqa: N802
    return Column(name, "boolean", "", description)


def frame(spec: TableSpec, rows: Iterable[Sequence[Any]]) -> pd.DataFrame:
    """A DataFrame of ``rows`` (tuples in column order) with the spec's dtypes.

    Canonical form: a nullable string column holds <NA> for None and for ""; a required string
    column holds "" for None; a required number column never holds None (ValueError)."""
    rows = [tuple(r) for r in rows]
    data: dict[str, Any] = {}
    for k, col in enumerate(spec.columns):
        values = [r[k] for r in rows]
        if col.kind == "string":
            if col.nullable:
                values = [None if v is None or v == "" else str(v) for v in values]
            else:
                values = ["" if v is None else str(v) for v in values]
        elif col.kind == "number":
            if not col.nullable and any(v is None for v in values):
                raise ValueError(f"{spec.name}.{col.name}: a missing value in a required column")
            values = [float("nan") if v is None else float(v) for v in values]
        elif col.kind == "boolean":
            values = [bool(v) for v in values]
        elif col.kind in ("integer", "year"):
            values = [None if v is None else int(v) for v in values]
        data[col.name] = pd.Series(values, dtype=col.dtype())
    return pd.DataFrame(data, columns=spec.names)


def typed(spec: TableSpec, df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with exactly the spec's columns, in order, cast to the spec's dtypes (a read-back CSV)."""
    out = {}
    for col in spec.columns:
        s = df[col.name]
        if col.kind == "string":
            s = s.astype("string")
            s = s.where(s != "", pd.NA) if col.nullable else s.fillna("")
        elif col.kind == "boolean":
            s = s.map(lambda v: v if isinstance(v, bool) else str(v).strip().lower() in ("true", "1", "yes"))
        out[col.name] = s.astype(col.dtype())
    return pd.DataFrame(out, columns=spec.names).reset_index(drop=True)


# --------------------------------------------------------------------------- plan result tables
SUMMARY = TableSpec("summary",
                    "One row: status and the headline figures of the plan (costs discounted to the base year).", (
    S("scenario"), S("status", "optimal, time_limit_feasible, time_limit, infeasible, unbounded, cancelled, error"),
    S("solver"), S("message", "plain-language status"),
    N("total_cost_musd", "$M", "capex + opex + transport + purchases, discounted, without the unmet penalty", True),
    N("objective_musd", "$M", "the solver's objective (includes the unmet penalty)", True),
    N("capex_musd", "$M", "discounted", True), N("opex_musd", "$M", "discounted", True),
    N("transport_musd", "$M", "discounted", True), N("purchases_musd", "$M", "discounted", True),
    N("government_cost_musd", "$M", "the part of the total the government pays (levers), discounted", True),
    N("industry_cost_musd", "$M", "the part of the total industry pays, discounted", True),
    N("unmet_defense_t", "t", "defense demand not delivered over the horizon"),
    N("unmet_commercial_t", "t", "commercial demand not delivered over the horizon"),
    N("solve_seconds", "s"), N("build_seconds", "s"),
    Int("n_variables"), Int("n_constraints"),
))

INVESTMENTS = TableSpec("investments", "Capacity the plan builds: one row per option and decision year.", (
    S("facility"), S("option"), Y("decided_year", "year the capacity is decided (capex committed)"),
    Y("online_year", "first year of output"),
    Y("defense_qualified_year", "first year defense may buy from it (online + qualification lag)", nullable=True),
    N("added_tpy", "t/yr", "capacity added"), N("capex_musd", "$M", "undiscounted, committed in the decision year"),
))

PRODUCTION = TableSpec("production", "Output of each facility by year and material.", (
    S("facility"), Y(), S("material"), N("output_t", "t", "tonnes produced"),
))

FLOWS = TableSpec("flows", "Material moved in a year, from a facility or market to a facility or demand.", (
    S("from_id"), S("to_id"), S("material"), Y(),
    S("class", "clean (no covered origin) or covered"), N("flow_t", "t", "tonnes moved"),
    S("source", "source mine of concentrate / carbonate", nullable=True),
))

DEMAND = TableSpec("demand", "Each demand by year: what was asked, delivered (and delivered clean) and left unmet.", (
    S("demand_id"), S("product"), S("segment", "defense or commercial"),
    Int("priority", "", "1 is served first (defense by default)"), Y(),
    N("demand_t", "t"), N("delivered_t", "t"), N("delivered_clean_t", "t", "delivered with no covered origin"),
    N("unmet_t", "t"),
))

DEMAND_BY_SEGMENT = TableSpec("demand_by_segment", "Demand, delivered and unmet per product, segment and year.", (
    S("product"), S("segment"), Y(), N("demand_t", "t"), N("delivered_t", "t"), N("delivered_clean_t", "t"),
    N("unmet_t", "t"), N("met_share", "share 0-1", "delivered / demand (NaN without demand)", True),
))

LEVERS = TableSpec("levers", "Contracts and policy levers by year with who pays (undiscounted money of that year).", (
    S("kind"), S("lever_id"), S("facility"), Y(), N("tonnes_t", "t"), N("cost_musd", "$M", "what the payer pays"),
    S("payer", "government or industry"),
))

STOCKS = TableSpec("stocks", "Year-end stock a facility keeps of one of its outputs.", (
    S("facility"), Y(), S("material"), S("class"), N("stock_t", "t"),
))

STOCK_REMAINING = TableSpec("stock_remaining",
                            "Finite stocks (stockpiles, tailings): tonnes drawn and left at year-end.", (
    S("facility"), Y(), N("drawn_t", "t"), N("remaining_t", "t"),
))

MARGINAL_COSTS = TableSpec("marginal_costs",
                           "Cost of one more tonne of a product for a segment in a year (money of that year).", (
    S("product"), S("segment"), Y(),
    N("marginal_cost_usd_per_t", "$/t",
      "empty where the demand is unmet: the dual is then the unmet penalty, a setting, not a price", True),
    B("no_supply", "demand unmet: no compliant supply reachable"), S("note", nullable=True),
))

BOTTLENECKS = TableSpec("bottlenecks", "Binding capacities and what one more t/yr would save (money of that year).", (
    S("facility"), Y(), N("shadow_usd_per_t", "$/t"),
    B("penalty_bound", "the shadow price is set by the unmet penalty (limits unmet supply), not a real cost"),
))

COMPLIANCE = TableSpec("compliance", "Clean share of deliveries per product and year.", (
    S("product"), Y(), N("clean_share", "share 0-1"),
    B("defense_covered_origin", "any defense tonne of covered origin"),
))

CAPACITY = TableSpec("capacity", "Capacity (existing + added, with ramp-up) and activity used per facility and year.", (
    S("facility"), Y(), N("capacity_tpy", "t/yr"), N("activity_t", "t", "units of activity used"),
))

COSTS_BY_YEAR = TableSpec("costs_by_year", "Costs by year, undiscounted (money of that year).", (
    Y(), N("capex_musd", "$M"), N("opex_musd", "$M"), N("transport_musd", "$M"), N("purchases_musd", "$M"),
    N("total_musd", "$M", "capex + opex + transport + purchases"),
))

QUALIFICATION = TableSpec("qualification", "Facilities that supply defense after a qualification lag.", (
    S("facility"), S("product"), Int("lag_years", "years"), Y("qualified_from", nullable=True),
    Y("first_defense_year", nullable=True),
))

CHECKS = TableSpec("checks", "Post-solve verification: a plan with a failed check is never shown.", (
    S("name"), B("passed"), N("max_violation", "", "largest violation found (units of the check)"),
    S("detail", nullable=True),
))

PLAN_TABLES: tuple[TableSpec, ...] = (
    SUMMARY, INVESTMENTS, PRODUCTION, FLOWS, DEMAND, DEMAND_BY_SEGMENT, LEVERS, STOCKS, STOCK_REMAINING,
    MARGINAL_COSTS, BOTTLENECKS, COMPLIANCE, CAPACITY, COSTS_BY_YEAR, QUALIFICATION, CHECKS,
)


def _summary_row(r: PlanResult) -> tuple:
    b = r.cost_breakdown_musd
    seg = r.unmet_by_segment()
    return (r.scenario, r.status.value, r.solver, r.message, r.total_cost_musd, r.objective,
            b.get("capex"), b.get("opex"), b.get("transport"), b.get("purchases"), b.get("government"),
            b.get("industry"), seg.get("defense", 0.0), seg.get("commercial", 0.0), r.solve_seconds,
            r.build_seconds, r.n_variables, r.n_constraints)


def _by_segment_rows(r: PlanResult) -> list[tuple]:
    acc = demand_by_product_segment_year(r)
    return [(p, s, y, *a, (a[1] / a[0]) if a[0] > 0 else None) for (p, s, y), a in acc.items()]


_ROWS: dict[str, Callable[[PlanResult], Iterable[tuple]]] = {
    "summary": lambda r: [_summary_row(r)],
    "investments": lambda r: [(i.facility, i.option, i.decided_year, i.online_year, i.defense_qualified_year,
                               i.added_tpy, i.capex_musd) for i in r.investments],
    "production": lambda r: [(p.facility, p.year, p.material, p.tonnes) for p in r.production],
    "flows": lambda r: [(f.from_id, f.to_id, f.material, f.year, f.klass, f.tonnes, f.source) for f in r.flows],
    "demand": lambda r: [(d.demand_id, d.product, d.segment, d.priority, d.year, d.demand, d.delivered,
                          d.delivered_clean, d.unmet) for d in r.demand],
    "demand_by_segment": _by_segment_rows,
    "levers": lambda r: [(x.kind, x.lever_id, x.facility, x.year, x.tonnes, x.cost_musd, x.payer) for x in r.levers],
    "stocks": lambda r: [(s.facility, s.year, s.material, s.klass, s.tonnes) for s in r.stocks],
    "stock_remaining": lambda r: [(s.facility, s.year, s.drawn_t, s.remaining_t) for s in r.stock_remaining],
    "marginal_costs": lambda r: [(m.product, m.segment, m.year, None if m.no_supply else m.usd_per_t, m.no_supply,
                                  m.note) for m in r.marginal_costs],
    "bottlenecks": lambda r: [(b.facility, b.year, b.shadow_usd_per_t, b.penalty_bound) for b in r.bottlenecks],
    "compliance": lambda r: [(c.product, c.year, c.clean_share, c.defense_covered_origin) for c in r.compliance],
    "capacity": lambda r: [(c.facility, c.year, c.capacity_tpy, c.activity_t) for c in r.capacity],
    "costs_by_year": lambda r: [(c.year, c.capex_musd, c.opex_musd, c.transport_musd, c.purchases_musd,
                                 c.capex_musd + c.opex_musd + c.transport_musd + c.purchases_musd)
                                for c in r.costs_by_year],
    "qualification": lambda r: [(q.facility, q.product, q.lag_years, q.qualified_from, q.first_defense_year)
                                for q in r.qualification],
    "checks": lambda r: [(c.name, c.passed, c.max_violation, c.detail) for c in r.checks],
}


def plan_table(result: PlanResult, name: str) -> pd.DataFrame:
    """One table of a plan (see PLAN_TABLES for the names)."""
    spec = next((t for t in PLAN_TABLES if t.name == name), None)
    if spec is None:
        raise KeyError(f"unknown table {name!r} (known: {', '.join(t.name for t in PLAN_TABLES)})")
    return frame(spec, _ROWS[name](result))


def plan_tables(result: PlanResult) -> dict[str, pd.DataFrame]:
    """Every table of a plan, in PLAN_TABLES order (empty tables keep their typed columns)."""
    return {t.name: frame(t, _ROWS[t.name](result)) for t in PLAN_TABLES}


def with_key(spec: TableSpec, key: Column) -> TableSpec:
    """``spec`` with ``key`` (e.g. a scenario column) in front."""
    return TableSpec(spec.name, spec.description, (key, *spec.columns))


SCENARIO_KEY = S("scenario_id", "the scenario this row belongs to (base first)")


def scenario_tables(results: dict[str, PlanResult]) -> tuple[dict[str, pd.DataFrame], dict[str, TableSpec]]:
    """Every scenario's plan tables stacked, with a ``scenario_id`` column in front (base first).

    Returns (tables, specs)."""
    tables, specs = {}, {}
    for t in PLAN_TABLES:
        spec = with_key(t, SCENARIO_KEY)
        rows = [(sid, *row) for sid, r in results.items() for row in _ROWS[t.name](r)]
        tables[t.name], specs[t.name] = frame(spec, rows), spec
    return tables, specs


# ----------------------------------------------------------------------------- risk tables
RISK_SUMMARY = TableSpec("risk_summary", "One row: what the Monte Carlo run did and its headline answers.", (
    S("project"), S("mode", "plan (a committed plan evaluated) or foresight (every sample re-planned)"),
    Int("n_requested"), Int("n_completed"), Int("n_ok", "", "samples with a verified plan"), Int("n_failed"),
    Int("seed"), Y("target_year", "the compliance start year"), B("cancelled"),
    N("p_met_all_target_year", "share 0-1", "probability every defense product is met in the target year "
      "(failed samples count as not met)", True),
    N("cost_p10_musd", "$M", "discounted", True), N("cost_p50_musd", "$M", "", True),
    N("cost_p90_musd", "$M", "", True), N("cost_mean_musd", "$M", "", True),
    N("plan_cost_musd", "$M", "deterministic cost of the evaluated plan", True), N("seconds", "s"),
))

RISK_P_MET = TableSpec("risk_p_met",
                       "Probability that defense demand is met, per product (\"all\": every product) and year.", (
    S("product"), Y(), N("p_met", "share 0-1"), N("mean_shortfall_t", "t", "", True),
))

RISK_SAMPLES = TableSpec("risk_samples", "One row per sample (failed samples included, with their reason).", (
    Int("sample"), S("status"), S("message", nullable=True), N("total_cost_musd", "$M", "", True),
    N("capex_musd", "$M", "", True), N("unmet_total_t", "t"), N("unmet_defense_t", "t"),
    N("unmet_commercial_t", "t"), N("seconds", "s"),
))

RISK_DRIVERS = TableSpec("risk_drivers", "Projects whose delay moves the target year's P(met) most.", (
    S("facility"), Int("n_on_time"), Int("n_delayed"), N("p_met_on_time", "share 0-1"), N("p_met_delayed", "share 0-1"),
    N("impact", "share 0-1", "p_met_on_time - p_met_delayed"), N("impact_se", "share 0-1", "standard error"),
    N("cost_delta_musd", "$M", "mean cost delayed - on time", True),
))

RISK_INVESTMENTS = TableSpec("risk_investments", "How often each option is built across samples.", (
    S("facility"), S("option"), N("share", "share 0-1"), Int("count"), N("mean_added_tpy", "t/yr"),
    N("median_decided_year", "year"),
))

RISK_TABLES = (RISK_SUMMARY, RISK_P_MET, RISK_SAMPLES, RISK_DRIVERS, RISK_INVESTMENTS)


def risk_tables(report: Any) -> dict[str, pd.DataFrame]:
    """A :class:`planner.analysis.risk_report.RiskReport` as tables (RISK_TABLES)."""
    y = report.target_year
    c = report.cost_musd or {}
    summary = [(report.project, report.mode, report.n_requested, report.n_completed, report.n_ok, report.n_failed,
                report.seed, y, report.cancelled, report.p_met_all.get(y) if report.n_ok else None,
                c.get("p10"), c.get("p50"), c.get("p90"), c.get("mean"), report.plan_cost_musd, report.seconds)]
    p_met = [("all", yy, p, None) for yy, p in sorted(report.p_met_all.items())]
    for product, by in report.p_met.items():
        p_met += [(product, yy, p, report.mean_shortfall_t.get(product, {}).get(yy)) for yy, p in sorted(by.items())]
    samples = [(s.index, s.status, s.message, s.total_cost_musd, s.capex_musd, s.unmet_total_t,
                s.unmet_by_segment_t.get("defense", 0.0), s.unmet_by_segment_t.get("commercial", 0.0), s.seconds)
               for s in sorted(report.samples, key=lambda s: s.index)]
    drivers = [(d.facility, d.n_on_time, d.n_delayed, d.p_met_on_time, d.p_met_delayed, d.impact, d.impact_se,
                d.cost_delta_musd) for d in report.drivers]
    invs = [(i.facility, i.option, i.share, i.count, i.mean_added_tpy, i.median_decided_year)
            for i in report.investments]
    rows = (summary, p_met, samples, drivers, invs)
    return {spec.name: frame(spec, r) for spec, r in zip(RISK_TABLES, rows)}


# --------------------------------------------------------------------------- robust tables
ROBUST_SUMMARY = TableSpec("robust_summary", "One row: the robust plan against the deterministic plan.", (
    S("project"), S("scenario"), S("status"), S("message", nullable=True), Int("k", "", "planning futures"),
    Int("n_eval", "", "out-of-sample evaluation futures"), Y("target_year"),
    N("deterministic_cost_musd", "$M", "", True),
    N("hedge_capex_musd", "$M", "robust - deterministic capex, undiscounted"),
    N("p_met_deterministic", "share 0-1", "out of sample, target year, all products", True),
    N("p_met_robust", "share 0-1", "", True), N("points_bought", "share 0-1", "robust - deterministic", True),
    N("seconds", "s"),
))

ROBUST_PLANS = TableSpec("robust_plans", "The deterministic and the robust plan's decisions.", (
    S("plan", "deterministic or robust"), S("option"), Y("decided_year"), N("added_tpy", "t/yr"),
))

ROBUST_HEDGE = TableSpec("robust_hedge", "What the robust plan does differently (its hedge).", (
    S("facility"), S("option"), S("kind", "added, brought forward or less"),
    N("capex_delta_musd", "$M", "robust - deterministic, undiscounted"),
))

ROBUST_STOCK_HEDGE = TableSpec(
    "robust_stock_hedge",
    "Stock the robust plan holds at a year-end beyond the deterministic plan (its stock build), who pays for it.", (
        S("stockpile", "government stockpile id"), S("product", "the stockpile's material"),
        Y("year", "held at the end of this year"),
        N("deterministic_t", "t", "the deterministic plan's year-end level"),
        N("robust_t", "t", "the robust plan's year-end level (the stock build)"),
        N("extra_t", "t", "robust - deterministic"),
        N("purchase_musd", "$M", "purchase price x extra t, undiscounted (a transfer to producers)"),
        N("holding_musd_per_yr", "$M/yr", "holding cost x extra t, per year held (a real cost)"),
        S("payer", "who pays the purchase and the holding (the stockpile's owner)"),
    ))

ROBUST_RANKING = TableSpec("robust_ranking",
                           "Both plans ranked out of sample, best first: defense shortfall, then commercial, then "
                           "contract shortfall, then net cost (means over the evaluation futures).", (
    Int("rank", "", "1 = best"), S("plan", "deterministic or robust"),
    N("mean_defense_shortfall_t", "t", "over the horizon; a future without a plan counts its demand short"),
    N("mean_commercial_shortfall_t", "t"), N("mean_contract_shortfall_t", "t", "offtakes and reserved sales short"),
    N("mean_net_cost_musd", "$M", "discounted, cost - outside sales revenue, futures with a plan", True),
    Int("failed_samples", "", "futures without a plan"),
))

ROBUST_TABLES = (ROBUST_SUMMARY, ROBUST_PLANS, ROBUST_HEDGE, ROBUST_STOCK_HEDGE, ROBUST_RANKING)


def robust_tables(rep: Any) -> dict[str, pd.DataFrame]:
    """A :class:`planner.analysis.robust.RobustReport` as tables (ROBUST_TABLES)."""
    y = rep.target_year

    def p(ev):
        return ev.p_met_all.get(y) if ev is not None and ev.n_ok else None

    summary = [(rep.project, rep.scenario, rep.status, rep.message, rep.k, rep.n_eval, y, rep.deterministic_cost_musd,
                rep.hedge_capex_musd, p(rep.deterministic_eval), p(rep.robust_eval), rep.points_bought(), rep.seconds)]
    plans = [("deterministic", *row) for row in rep.deterministic_plan] + [("robust", *row) for row in rep.robust_plan]
    hedge = [(h.facility, h.option, h.kind, h.capex_delta_musd) for h in rep.hedge]
    stock = [(h.stockpile, h.material, h.year, h.deterministic_t, h.robust_t, h.extra_t, h.purchase_musd,
              h.holding_musd_per_yr, h.payer) for h in getattr(rep, "stock_hedge", [])]
    ranking = [(st.rank, st.plan, st.mean_defense_shortfall_t, st.mean_commercial_shortfall_t,
                st.mean_contract_shortfall_t, st.mean_net_cost_musd, st.failed_samples) for st in robust_ranking(rep)]
    return {ROBUST_SUMMARY.name: frame(ROBUST_SUMMARY, summary), ROBUST_PLANS.name: frame(ROBUST_PLANS, plans),
            ROBUST_HEDGE.name: frame(ROBUST_HEDGE, hedge), ROBUST_STOCK_HEDGE.name: frame(ROBUST_STOCK_HEDGE, stock),
            ROBUST_RANKING.name: frame(ROBUST_RANKING, ranking)}


def spec_of(name: str) -> TableSpec:
    """The spec of a plan, risk or robust table by name."""
    for t in (*PLAN_TABLES, *RISK_TABLES, *ROBUST_TABLES):
        if t.name == name:
            return t
    raise KeyError(name)


# ---------------------------------------------------------------------------- sweep tables
TORNADO = TableSpec("sweep_tornado",
                    "Per input: the change of each figure from the base point at the input's lowest and "
                    "highest value, the slope per unit of the input and the swing (max - min over its points and the "
                    "base); largest cost swing first.", (
    S("input"), S("unit", "unit of the input's value (factor, years, $M, t/yr)"),
    N("nominal", "", "the input's value in the project (empty: no budget set)", True),
    N("low", "", "lowest value with a plan"), N("high", "", "highest value with a plan"),
    Int("n_points"), Int("n_failed", "", "points of this input without a plan"),
    N("cost_low_musd", "$M", "total cost at low, discounted", True), N("cost_high_musd", "$M", "", True),
    N("cost_delta_low_musd", "$M", "cost at low - base cost", True), N("cost_delta_high_musd", "$M", "", True),
    N("cost_slope_musd_per_unit", "$M per unit", "(cost at high - cost at low) / (high - low)", True),
    N("cost_swing_musd", "$M", "", True),
    N("government_delta_low_musd", "$M", "government cost at low - base", True),
    N("government_delta_high_musd", "$M", "", True),
    N("government_slope_musd_per_unit", "$M per unit", "", True), N("government_swing_musd", "$M", "", True),
    N("coverage_delta_low_share", "share 0-1", "defense coverage in the target year at low - base", True),
    N("coverage_delta_high_share", "share 0-1", "", True),
    N("coverage_slope_share_per_unit", "share per unit", "", True), N("coverage_swing_share", "share 0-1", "", True),
))


def sweep_points_spec(input_names: Sequence[str]) -> TableSpec:
    """The points table of a sweep: one number column per input (empty: nominal, not changed)."""
    return TableSpec("sweep_points", "Every solved point: the inputs' values and the figures (points without a plan "
                     "have empty figures and their status and reason).", (
        Int("point", "", "point number (0 = base on a one-at-a-time sweep)"),
        *(N(name, "", "value of this input at the point (empty: the project's own)", True) for name in input_names),
        S("status"), S("message", nullable=True),
        N("total_cost_musd", "$M", "discounted, without the unmet penalty", True),
        N("government_cost_musd", "$M", "discounted", True),
        N("defense_coverage_share", "share 0-1", "target-year defense demand delivered clean / demand", True),
        N("defense_unmet_t", "t", "target-year defense demand unmet", True),
        N("seconds", "s"),
    ))


def sweep_tables(report: Any) -> tuple[dict[str, pd.DataFrame], dict[str, TableSpec]]:
    """A :class:`planner.analysis.sweep.SweepReport` as (tables, specs): sweep_points, sweep_tornado."""
    names = [i.name for i in report.inputs]
    pspec = sweep_points_spec(names)
    points = [(p.index, *(p.values.get(n) for n in names), p.status, p.message, p.total_cost_musd,
               p.government_cost_musd, p.defense_coverage, p.defense_unmet_t, p.seconds) for p in report.points]
    rows = [(t.input, t.unit, t.nominal, t.low, t.high, t.n_points, t.n_failed, t.cost_low_musd, t.cost_high_musd,
             t.cost_delta_low_musd, t.cost_delta_high_musd, t.cost_slope_musd_per_unit, t.cost_swing_musd,
             t.government_delta_low_musd, t.government_delta_high_musd, t.government_slope_musd_per_unit,
             t.government_swing_musd, t.coverage_delta_low, t.coverage_delta_high, t.coverage_slope_per_unit,
             t.coverage_swing) for t in report.tornado()]
    return ({pspec.name: frame(pspec, points), TORNADO.name: frame(TORNADO, rows)},
            {pspec.name: pspec, TORNADO.name: TORNADO})
