"""Plan for delay risk: the robust (two-stage SAA) plan next to the deterministic plan.

``run_robust(project, k, ...)``:

1. the deterministic plan: the scenario's optimal plan (one future: everything on time, no overrun);
2. the robust plan: :func:`planner.analysis.saa.solve_saa` over K futures drawn with
   ``default_rng([seed, i])``, i < K (investments shared, operations per future, defense shortfall
   first; optional target P(defense met in Y) >= p by per-future indicators);
3. both plans evaluated **out of sample** on the same ``n_eval`` fresh futures
   (``default_rng([seed + 1, i])``, independent of the K planning futures) with
   :func:`planner.analysis.risk.run_risk` in plan mode (every decision committed; operations re-solved
   per future), on the local pool or a Dask cluster;
4. the hedge: per option, what the robust plan builds more of or earlier than the deterministic plan,
   its capex (undiscounted $M at the planned prices) and the points of P(defense met) it buys.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from typing import Any

from models.project import Project
from planner.analysis.risk import RiskRunError, apply_run_scenario, run_risk
from planner.analysis.risk_report import RiskReport
from planner.analysis.risk_sampling import draw_sample
from planner.progress import SolveState

__all__ = ["HedgeItem", "RobustReport", "StockHedge", "mean_unmet_t", "run_robust", "stock_hedge"]


@dataclass
class HedgeItem:
    facility: str
    option: str
    kind: str  # "added" (new or more t/yr), "brought forward" (earlier first decision), "less" (robust builds less)
    deterministic: list[list[Any]]  # [[decided year, t/yr], ...]
    robust: list[list[Any]]
    capex_delta_musd: float  # robust - deterministic, undiscounted $M at the planned (not overrun) prices
    #: who pays capex_delta_musd: "industry" (the builder), or the government's part by the project's
    #: grants on the option (share x capex + amount per build) and industry the rest
    payer: str = "industry"


@dataclass
class StockHedge:
    """Stock the robust plan holds at a year-end beyond the deterministic plan's own operations.

    extra_t = robust level - deterministic level (t at the end of ``year``). The government buys
    it (payer "government", the stockpile's owner): purchase_musd = purchase_price x extra_t x 1e-6
    (a transfer to the producers, undiscounted $M), holding_musd_per_yr = holding x extra_t x 1e-6
    (a real cost, per year held); making the tonnes costs the chain's operating cost (in the
    evaluated plans' cost)."""

    stockpile: str
    material: str
    year: int
    deterministic_t: float
    robust_t: float
    extra_t: float
    purchase_musd: float
    holding_musd_per_yr: float
    payer: str = "government"


@dataclass
class RobustReport:
    project: str
    scenario: str
    k: int
    seed: int
    eval_seed: int
    n_eval: int
    target: float | None
    target_year: int
    status: str = "error"
    message: str = ""
    deterministic_plan: list[list[Any]] = field(default_factory=list)
    robust_plan: list[list[Any]] = field(default_factory=list)
    deterministic_cost_musd: float | None = None  # of the deterministic plan when everything is on time
    saa_objective: float | None = None
    saa_variables: int = 0
    saa_constraints: int = 0
    saa_build_seconds: float = 0.0
    saa_solve_seconds: float = 0.0
    in_sample_p_met: float | None = None
    hedge: list[HedgeItem] = field(default_factory=list)
    hedge_capex_musd: float = 0.0
    #: the robust plan's stock build, held in its own operations: [[stockpile, year, t at year-end]]
    robust_stock: list[list[Any]] = field(default_factory=list)
    stock_hedge: list[StockHedge] = field(default_factory=list)
    deterministic_eval: RiskReport | None = None
    robust_eval: RiskReport | None = None
    #: N-1 security (when asked): {"years", "critical": [element ids], "deterministic_extra_t": {id: t},
    #: "robust_extra_t": {id: t}} -- defense shortfall beyond the baseline with the element out
    n1: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def has_plan(self) -> bool:
        return self.status in ("optimal", "time_limit_feasible")

    def points_bought(self, product: str | None = None, year: int | None = None) -> float | None:
        """P(defense met) robust - deterministic, out of sample (all products when product is None)."""
        y = year or self.target_year
        r, d = self.robust_eval, self.deterministic_eval
        if r is None or d is None or not r.n_ok or not d.n_ok:
            return None
        if product is None:
            return r.p_met_all.get(y, 0.0) - d.p_met_all.get(y, 0.0)
        return r.p_met.get(product, {}).get(y, 0.0) - d.p_met.get(product, {}).get(y, 0.0)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        for key in ("deterministic_eval", "robust_eval"):
            rep = getattr(self, key)
            if rep is not None:
                full = rep.to_dict()
                full.pop("samples", None)
                d[key] = full
        d["points_bought"] = {p: self.points_bought(p) for p in (self.robust_eval.p_met if self.robust_eval else {})}
        d["points_bought"]["all"] = self.points_bought()
        d["mean_unmet_t"] = {"deterministic": mean_unmet_t(self.deterministic_eval),
                             "robust": mean_unmet_t(self.robust_eval)}
        from planner.analysis.plan_ranking import RANK_RULE, robust_ranking

        d["ranking"] = {"rule": RANK_RULE, "plans": [s.to_dict() for s in robust_ranking(self)]}
        return d

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, allow_nan=False) + "\n"


def _capex(project: Project, plan: list[list[Any]]) -> dict[str, float]:
    """Undiscounted capex $M per option: capex_musd_per_tpy x t/yr + fixed_capex_musd per build."""
    opts = {o.id: o for f in project.facilities for o in f.options}
    out: dict[str, float] = {}
    for oid, _, t in plan:
        o = opts[oid]
        out[oid] = out.get(oid, 0.0) + o.capex_musd_per_tpy * t + (o.fixed_capex_musd if t > 0 else 0.0)
    return out


def hedge_items(project: Project, det: list[list[Any]], rob: list[list[Any]]) -> list[HedgeItem]:
    """What the robust plan adds or brings forward, per option (and where it builds less)."""
    fac = {o.id: f.id for f in project.facilities for o in f.options}
    by_d: dict[str, list] = {}
    by_r: dict[str, list] = {}
    for oid, y, t in det:
        by_d.setdefault(oid, []).append([int(y), float(t)])
    for oid, y, t in rob:
        by_r.setdefault(oid, []).append([int(y), float(t)])
    cd, cr = _capex(project, det), _capex(project, rob)
    items = []
    for oid in sorted(set(by_d) | set(by_r)):
        d, r = sorted(by_d.get(oid, [])), sorted(by_r.get(oid, []))
        td, tr = sum(t for _, t in d), sum(t for _, t in r)
        if td == 0 or tr > td + 1e-6:
            kind = "added"
        elif r and d and r[0][0] < d[0][0]:
            kind = "brought forward"
        elif tr < td - 1e-6:
            kind = "less"
        else:
            # same total: earlier tonnes count as brought forward
            cum = lambda rows, y: sum(t for yy, t in rows if yy <= y)  # noqa: E731
            years = sorted({y for y, _ in d + r})
            if any(cum(r, y) > cum(d, y) + 1e-6 for y in years):
                kind = "brought forward"
            elif any(cum(r, y) < cum(d, y) - 1e-6 for y in years):
                kind = "later"
            else:
                continue
        delta = round(cr.get(oid, 0.0) - cd.get(oid, 0.0), 6)
        items.append(HedgeItem(fac[oid], oid, kind, d, r, delta, _payer(project, oid, delta, len(r) > len(d))))
    return items


def _payer(project: Project, oid: str, capex_musd: float, new_build: bool) -> str:
    """Who pays ``capex_musd`` of option ``oid``: the government's part by the project's grants on it
    (share x capex, plus the fixed amount when the hedge is a new build), industry the rest."""
    if capex_musd <= 0:
        return "industry"
    gov = 0.0
    names = []
    for g in project.levers.grants:
        if g.option_id == oid:
            gov += g.share * capex_musd + (g.amount_musd if new_build else 0.0)
            names.append(g.id)
    gov = min(gov, capex_musd)
    if gov <= 1e-9:
        return "industry"
    return f"government {gov:,.1f} $M (grant {', '.join(names)}), industry {capex_musd - gov:,.1f} $M"


def stock_hedge(project: Project, deterministic_levels: dict[tuple[str, int], float],
                robust_stock: list[list[Any]]) -> list[StockHedge]:
    """The robust plan's stock beyond the deterministic plan's own year-end levels (StockHedge)."""
    piles = {sp.id: sp for sp in project.levers.stockpiles}
    out = []
    for sid, y, t in robust_stock:
        d = deterministic_levels.get((sid, int(y)), 0.0)
        extra = float(t) - d
        if extra <= 1e-3:
            continue
        sp = piles[sid]
        out.append(StockHedge(sid, str(getattr(sp.material, "value", sp.material)), int(y), round(d, 6),
                              round(float(t), 6), round(extra, 6),
                              round(sp.purchase_price_usd_per_t * extra * 1e-6, 6),
                              round(sp.holding_usd_per_t_yr * extra * 1e-6, 6)))
    return out


#: objective weight of an N-1 contingency's operations copy: it constrains the plan (defense whole),
#: its cost barely counts (the sampled futures carry the expected cost)
CONTINGENCY_WEIGHT = 1e-4


def run_robust(project: Project, k: int, *, target: float | None = None, year: int | None = None, n_eval: int = 200,
               seed: int = 0, workers: int | None = None, scheduler: str | None = None, options: Any = None,
               state: SolveState | None = None, n1_years: list[int] | None = None,
               n1_elements: list[str] | None = None, n1_countries: bool = False,
               n1_outage_years: list[int] | None = None) -> RobustReport:
    """The robust plan over ``k`` sampled futures, and both plans evaluated on ``n_eval`` fresh futures.

    ``options`` (SolveOptions): scenario, solver time limit (for the deterministic plan, the SAA
    program and each evaluation sample). Raises RiskRunError for bad arguments.

    N-1 secure (``n1_years``): the deterministic plan is stress-tested (planner.analysis.stress) in
    those years; every critical element (a single point of failure: a facility, or a country too
    with ``n1_countries``; or exactly ``n1_elements``) adds one operations copy to the extensive
    form with that element out in ``n1_years`` and its defense shortfall held at 0 in those years,
    sharing the first-stage investments (weight CONTINGENCY_WEIGHT in the objective). The element is
    out in ``n1_outage_years`` (default: ``n1_years``; e.g. out from 2026 while defense must be whole
    in 2027-2028, which no plan can guarantee in 2026 itself). The robust plan is then stressed
    again on the same elements to show what is left."""
    from dataclasses import replace

    from planner.analysis.plan_eval import plan_decisions
    from planner.analysis.saa import solve_saa
    from planner.pipeline.solve import SolveOptions, solve_project

    if k < 1 and not (k == 0 and n1_years):
        raise RiskRunError(f"the number of planning futures must be >= 1 (got {k}; 0 only with an N-1-secure plan: "
                           "the forecast future alone)")
    if n_eval < 1:
        raise RiskRunError(f"the number of evaluation samples must be >= 1 (got {n_eval})")
    if target is not None and not (0.0 <= target <= 1.0):
        raise RiskRunError(f"the target probability must be within 0-1 (got {target})")
    s = project.settings
    y = year if year is not None else s.compliance_start_year
    if not (s.start_year <= y <= s.end_year):
        raise RiskRunError(f"the target year must be within {s.start_year}-{s.end_year} (got {y})")
    if seed < 0:
        raise RiskRunError(f"the seed must be >= 0 (got {seed})")
    options = options or SolveOptions()
    project, options, scenario = apply_run_scenario(project, options)
    state = state or SolveState()
    t0 = time.perf_counter()
    rep = RobustReport(project=project.name, scenario=scenario or "base", k=k, seed=seed, eval_seed=seed + 1,
                       n_eval=n_eval, target=target, target_year=y)
    time_limit = options.time_limit_s if options.time_limit_s is not None else s.time_limit_s

    state.progress(0.0, "solving the deterministic plan")
    det = solve_project(project, options, SolveState(on_progress=None))
    if not det.has_plan:
        rep.message = f"no deterministic plan: {det.message}"
        return rep
    rep.deterministic_plan = plan_decisions(det)
    rep.deterministic_cost_musd = det.total_cost_musd
    if state.cancel_requested:
        rep.status, rep.message = "cancelled", "cancelled"
        return rep

    state.progress(0.05, f"solving the robust plan over {k} futures" if k else
                   "solving the N-1-secure plan over the forecast future and the critical outages")
    from planner.analysis.risk_sampling import SampleDraw

    # k = 0 (N-1 only): the forecast future alone carries the cost -- the least-cost plan plus its hedge
    draws = [draw_sample(project, seed, i) for i in range(k)] if k else [SampleDraw(index=0)]
    k_cost = len(draws)
    # each sampled future at its stratification weight (the catalogue's rare events carry their true
    # probability, planner.analysis.risk_events), normalised to 1
    total_w = sum(d.weight for d in draws)
    weights, secure, critical = [d.weight / total_w for d in draws], None, []
    if n1_years:
        if target is not None:
            raise RiskRunError("choose either a target probability or an N-1-secure plan, not both")
        outage = sorted(n1_outage_years) if n1_outage_years else sorted(n1_years)
        if not set(n1_years) <= set(range(outage[0], outage[-1] + 1)):
            raise RiskRunError(f"the N-1 years {n1_years} must lie within the outage years {outage}")
        critical = _critical_elements(project, rep, n1_years, n1_elements, n1_countries, workers, scheduler, options,
                                      outage)
        from planner.analysis.stress import element_event

        for j, e in enumerate(critical):
            draws.append(SampleDraw(index=k_cost + j, events=[element_event(e, outage)]))
        weights = weights + [CONTINGENCY_WEIGHT] * len(critical)
        secure = {k_cost + j: list(n1_years) for j in range(len(critical))}
    sub = SolveState()
    state.cancel_hooks.append(sub.request_cancel)
    try:
        saa = solve_saa(project, draws, target=target, target_year=y, time_limit_s=time_limit,
                        mip_gap=options.mip_gap if options.mip_gap is not None else s.mip_gap, state=sub,
                        weights=weights, secure=secure)
    finally:
        state.cancel_hooks.remove(sub.request_cancel)
    rep.status, rep.message = saa.status, saa.message
    rep.saa_objective, rep.saa_variables, rep.saa_constraints = saa.objective, saa.n_variables, saa.n_constraints
    rep.saa_build_seconds, rep.saa_solve_seconds = saa.build_seconds, saa.solve_seconds
    if not rep.has_plan:
        rep.seconds = time.perf_counter() - t0
        return rep
    rep.robust_plan = saa.decisions
    rep.in_sample_p_met = sum(saa.in_sample_met) / len(saa.in_sample_met) if saa.in_sample_met else None
    rep.hedge = hedge_items(project, rep.deterministic_plan, rep.robust_plan)
    rep.hedge_capex_musd = round(sum(h.capex_delta_musd for h in rep.hedge), 6)
    rep.robust_stock = [list(r) for r in saa.stock_floors]
    det_levels = {(r.lever_id, int(r.year)): float(r.tonnes) for r in det.levers if r.kind == "stockpile_holding"}
    rep.stock_hedge = stock_hedge(project, det_levels, rep.robust_stock)
    if critical:
        from planner.analysis.stress import run_stress

        again = run_stress(project, years=rep.n1["outage_years"], plan=rep.robust_plan, workers=1, options=options,
                           elements=[_copy_element(e) for e in critical], stock_floors=rep.robust_stock)
        rep.n1["robust_extra_t"] = {e.id: _extra_in(e, n1_years) for e in again.elements}

    for label, plan, floors, attr, lo, hi in (
            ("deterministic", rep.deterministic_plan, [], "deterministic_eval", 0.4, 0.7),
            ("robust", rep.robust_plan, rep.robust_stock, "robust_eval", 0.7, 1.0)):
        if state.cancel_requested:
            rep.message += " Cancelled during the out-of-sample evaluation."
            break
        ev_state = SolveState(on_progress=lambda f, m, lo=lo, hi=hi, label=label:
                              state.progress(lo + (hi - lo) * f, f"evaluating the {label} plan: {m}"))
        state.cancel_hooks.append(ev_state.request_cancel)
        try:
            report = run_risk(project, n_eval, seed=seed + 1, workers=workers, scheduler=scheduler,
                              options=replace(options, time_limit_s=time_limit), state=ev_state, mode="plan", plan=plan,
                              stock_floors=floors)
        finally:
            state.cancel_hooks.remove(ev_state.request_cancel)
        setattr(rep, attr, report)
    rep.seconds = time.perf_counter() - t0
    if not state.cancel_requested:
        state.progress(1.0, "done")
    return rep


def _copy_element(e):
    from planner.analysis.stress import StressElement

    return StressElement(e.id, e.kind, e.name, list(e.facilities), list(e.markets))


def _extra_in(e, years) -> float:
    """An element's defense shortfall beyond the baseline in ``years`` (t)."""
    return sum(v for by in e.extra_t.values() for y, v in by.items() if y in years)


def _critical_elements(project, rep: RobustReport, years, ids, countries, workers, scheduler, options,
                       outage_years=None) -> list:
    """The deterministic plan's single points of failure in ``years`` with the element out in
    ``outage_years`` (default ``years``; facilities, countries too when asked), or exactly the
    elements ``ids``; recorded in ``rep.n1``."""
    outage_years = outage_years or years
    from planner.analysis.stress import run_stress, stress_elements

    s = project.settings
    if not years or years[0] < s.start_year or years[-1] > s.end_year:
        raise RiskRunError(f"the N-1 years must be within {s.start_year}-{s.end_year} (got {years})")
    elements = None
    if ids:
        known = {e.id: e for e in stress_elements(project)}
        unknown = [i for i in ids if i not in known]
        if unknown:
            raise RiskRunError(f"unknown N-1 element(s) {', '.join(unknown)} (use facility:ID or country:CC)")
        elements = [known[i] for i in ids]
    screen = run_stress(project, years=outage_years, plan=rep.deterministic_plan, workers=workers,
                        scheduler=scheduler, options=options, elements=elements)
    critical = [e for e in screen.elements if (ids and e.id in ids) or
                (not ids and _extra_in(e, years) > 0 and (countries or e.kind == "facility"))]
    rep.n1 = {"years": list(years), "outage_years": list(outage_years), "critical": [e.id for e in critical],
              "deterministic_extra_t": {e.id: _extra_in(e, years) for e in critical}, "robust_extra_t": {}}
    return critical


def mean_unmet_t(report: RiskReport | None) -> float | None:
    """Mean over samples with a plan of the tonnes of demand left unmet (every segment and year)."""
    return None if report is None else report.mean_unmet_total_t()
