"""Aggregate Monte Carlo samples into the answer an analyst wants.

"How likely are we to have compliant magnets in 2027, and which projects matter most?"

Every sample counts. A sample without a verified plan (infeasible, time limit without a plan,
solver error, failed verification) is a future in which the team has no plan to run: it counts in
every probability as NOT met, its defense demand counted short in the mean shortfall, and it is
listed with its reason in plain words. Probabilities and mean shortfalls are over all completed
samples (``n_completed``); only the cost percentiles and investment shares, which need a plan, are
over the ``n_ok`` samples with one (the report says so).

* P(met)[product][year]: share of all completed samples whose defense demand for that product and
  year was fully served (clean material from the compliance year on), shortfall <= 1e-6 x
  max(1, demand) t; a sample without a plan is never met.
* Cost P10/P50/P90: percentiles (linear interpolation) of total_cost_musd (discounted $M, without
  the unmet-demand penalty).
* Investment frequency: share of samples building the option (any added t/yr > 0).
* Bottleneck frequency: share of samples in which a facility's capacity was binding in a year with
  unmet demand, and the mean of its highest shadow price there ($/t of capacity: what one more t/yr
  would have saved); ties in frequency are ranked by that value.
* Drivers: for each facility whose delay varies across samples,
  impact = P(all defense demand met in the target year | on time) - P(... | delayed), with its
  standard error sqrt(p1 (1 - p1) / n1 + p2 (1 - p2) / n2), and cost delta = mean cost when
  delayed - mean cost when on time ($M). Delays are drawn independently per facility, so each
  impact is an unbiased marginal estimate -- but with few samples several facilities can share
  the same delayed samples by chance; read the standard error.
"""

from __future__ import annotations

import json
import math
import statistics
from dataclasses import asdict, dataclass, field
from typing import Any, Iterable

import numpy as np

from planner.analysis.risk_worker import MET_TOL, SampleSummary


@dataclass
class InvestmentFrequency:
    facility: str
    option: str
    share: float  # of samples with a plan
    count: int
    mean_added_tpy: float  # over the samples that build it
    median_decided_year: float


@dataclass
class BottleneckFrequency:
    facility: str
    share: float  # of samples with a plan
    count: int
    mean_shadow_usd_per_t: float = 0.0  # mean over those samples of its highest shadow price in an unmet year


@dataclass
class Driver:
    """How much a facility's delay moves the chance of meeting the target year's defense demand."""

    facility: str
    n_on_time: int
    n_delayed: int
    p_met_on_time: float
    p_met_delayed: float
    impact: float  # p_met_on_time - p_met_delayed
    cost_delta_musd: float | None  # mean cost delayed - mean cost on time
    impact_se: float = 0.0  # standard error: sqrt(p1 (1 - p1) / n1 + p2 (1 - p2) / n2)


@dataclass
class FailedSample:
    index: int
    status: str
    message: str


@dataclass
class RiskReport:
    project: str
    n_requested: int
    seed: int
    target_year: int  # the compliance start year (2027)
    workers: int | None = None
    scheduler: str | None = None
    cancelled: bool = False
    n_completed: int = 0
    n_ok: int = 0
    p_met: dict[str, dict[int, float]] = field(default_factory=dict)
    p_met_all: dict[int, float] = field(default_factory=dict)  # every defense product met that year
    mean_shortfall_t: dict[str, dict[int, float]] = field(default_factory=dict)
    mean_unmet_by_segment_t: dict[str, float] = field(default_factory=dict)  # segment -> mean t over the horizon
    cost_musd: dict[str, float] = field(default_factory=dict)  # p10, p50, p90, mean, min, max
    investments: list[InvestmentFrequency] = field(default_factory=list)
    bottlenecks: list[BottleneckFrequency] = field(default_factory=list)
    drivers: list[Driver] = field(default_factory=list)
    failures: list[FailedSample] = field(default_factory=list)
    #: catalogue events and the shortfalls they cause in the target year (risk_report.event_impacts)
    event_impacts: list[dict[str, Any]] = field(default_factory=list)
    #: commitments breached: [{"contract", "kind", "year", "samples", "share", "mean_tonnes_short"}]
    breaches: list[dict[str, Any]] = field(default_factory=list)
    samples: list[SampleSummary] = field(default_factory=list)
    seconds: float = 0.0
    #: "plan": a committed plan evaluated per sample (here-and-now); "foresight": every sample
    #: re-planned with hindsight of its delays (perfect foresight, wait-and-see)
    mode: str = "foresight"
    commit_year: int | None = None  # plan mode: decisions decided up to this year are fixed
    later: str | None = None  # plan mode: later decisions "plan" (follow the plan) or "reoptimise"
    plan: list[list[Any]] = field(default_factory=list)  # [option, decided year, added t/yr]
    #: the plan's stock build held in its own operations: [stockpile id, year, t at year-end]
    stock_floors: list[list[Any]] = field(default_factory=list)
    plan_cost_musd: float | None = None  # deterministic cost of the evaluated plan (when solved here)
    plan_seconds: float = 0.0  # part of ``seconds`` spent solving that plan before sampling
    #: value of information (when a perfect-foresight run on the same samples was made):
    #: {"p_met_all": {year: P(foresight) - P(plan)}, "mean_cost_musd": plan - foresight}
    value_of_information: dict[str, Any] = field(default_factory=dict)

    @property
    def mode_label(self) -> str:
        if self.mode == "plan":
            if self.later == "plan":
                return ("evaluating the committed plan without foresight (every investment fixed; each sample "
                        "runs the plan's own operations until an event is revealed in its first year, then "
                        "re-plans operations knowing only the events revealed so far)")
            return (f"evaluating the committed plan (decisions up to {self.commit_year} fixed, later decisions "
                    "and operations re-optimised per sample knowing its whole future)")
        return "perfect foresight (every sample re-planned with hindsight of its delays)"

    @property
    def defense_first(self) -> str:
        """How every sample serves defense demand first (JSON ``defense_first``)."""
        if self.mode == "plan":
            return ("lexicographic: unmet tonnes of each priority level above the lowest (defense first) minimised "
                    "before cost, the lowest level (commercial) priced at the unmet penalty; the verifier's "
                    "priority check runs on every sample")
        return ("lexicographic as a plan: unmet tonnes by priority level (defense first), then cost; the verifier's "
                "priority check runs on every sample")

    @property
    def n_failed(self) -> int:
        return len(self.failures)

    def mean_unmet_total_t(self) -> float | None:
        """Mean over samples with a plan of the tonnes of demand left unmet (every segment and year);
        None when no sample has a plan."""
        ok = [s.unmet_total_t for s in self.samples if s.ok]
        return sum(ok) / len(ok) if ok else None

    def costs(self) -> list[float]:
        """Total cost ($M) of every sample with a plan, in sample order."""
        return [s.total_cost_musd for s in self.samples if s.ok and s.total_cost_musd is not None]

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["n_failed"] = self.n_failed
        d["p_met"] = {p: {str(y): v for y, v in by.items()} for p, by in self.p_met.items()}
        d["p_met_all"] = {str(y): v for y, v in self.p_met_all.items()}
        d["mean_shortfall_t"] = {p: {str(y): v for y, v in by.items()} for p, by in self.mean_shortfall_t.items()}
        d["samples"] = [s.to_dict() for s in self.samples]
        d["mode_label"] = self.mode_label
        d["defense_first"] = self.defense_first
        voi = d.get("value_of_information") or {}
        if "p_met_all" in voi:
            voi["p_met_all"] = {str(y): v for y, v in voi["p_met_all"].items()}
        return d

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, allow_nan=False) + "\n"


def _met(s: SampleSummary, product: str, year: int) -> bool:
    if not s.ok:
        return False
    demand = s.defense_demand_t.get(product, {}).get(year, 0.0)
    return s.defense_shortfall_t.get(product, {}).get(year, 0.0) <= MET_TOL * max(1.0, demand)


def _met_all(s: SampleSummary, year: int) -> bool:
    if not s.ok:
        return False
    return all(_met(s, p, year) for p in s.defense_demand_t if year in s.defense_demand_t[p])


def value_of_information(plan: RiskReport, foresight: RiskReport) -> dict[str, Any]:
    """Perfect foresight minus plan evaluation on the same samples: the P(all defense met) points
    hindsight adds per year, and the mean cost ($M, discounted, without penalty) it saves."""
    out: dict[str, Any] = {"p_met_all": {y: foresight.p_met_all[y] - plan.p_met_all[y]
                                         for y in plan.p_met_all if y in foresight.p_met_all}}
    if plan.cost_musd and foresight.cost_musd:
        out["mean_cost_musd"] = plan.cost_musd["mean"] - foresight.cost_musd["mean"]
    from planner.analysis.plan_ranking import RANK_RULE, rank_plans

    # the two ranked (planner.analysis.plan_ranking): the cost saved is never shown without the shortfalls
    out["ranking"] = {"rule": RANK_RULE, "plans": [s.to_dict() for s in rank_plans([("committed plan", plan),
                                                                                    ("hindsight", foresight)])]}
    return out


def aggregate(
    summaries: Iterable[SampleSummary],
    *,
    project: str,
    n_requested: int,
    seed: int,
    target_year: int,
    workers: int | None = None,
    scheduler: str | None = None,
    cancelled: bool = False,
    seconds: float = 0.0,
) -> RiskReport:
    """Build the report from per-sample summaries (taken in sample-index order)."""
    samples = sorted(summaries, key=lambda s: s.index)
    ok = [s for s in samples if s.ok]
    rep = RiskReport(
        project=project, n_requested=n_requested, seed=seed, target_year=target_year, workers=workers,
        scheduler=scheduler, cancelled=cancelled, n_completed=len(samples), n_ok=len(ok), samples=samples,
        seconds=seconds,
    )
    rep.failures = [FailedSample(s.index, s.status, s.message) for s in samples if not s.ok]
    fill_probabilities(rep, samples)
    rep.breaches = breach_summary(samples)
    if not ok:
        return rep
    n = len(ok)

    costs = np.array([s.total_cost_musd for s in ok if s.total_cost_musd is not None], dtype=float)
    if costs.size:
        p10, p50, p90 = np.percentile(costs, [10, 50, 90])
        rep.cost_musd = {
            "p10": float(p10), "p50": float(p50), "p90": float(p90), "mean": float(costs.mean()),
            "min": float(costs.min()), "max": float(costs.max()),
        }

    builds: dict[tuple[str, str], list[tuple[int, float]]] = {}
    for s in ok:
        for facility, option, decided, added in s.investments:
            builds.setdefault((facility, option), []).append((int(decided), float(added)))
    rep.investments = sorted(
        (
            InvestmentFrequency(
                facility=f, option=o, share=len(v) / n, count=len(v),
                mean_added_tpy=sum(a for _, a in v) / len(v),
                median_decided_year=float(statistics.median(y for y, _ in v)),
            )
            for (f, o), v in builds.items()
        ),
        key=lambda r: (-r.share, r.facility, r.option),
    )

    shadows: dict[str, list[float]] = {}
    for s in ok:
        for facility, shadow in s.bottlenecks:
            shadows.setdefault(facility, []).append(float(shadow))
    rep.bottlenecks = sorted(
        (BottleneckFrequency(f, len(v) / n, len(v), sum(v) / len(v)) for f, v in shadows.items()),
        key=lambda r: (-r.share, -r.mean_shadow_usd_per_t, r.facility),
    )

    rep.drivers = _drivers(samples, target_year)
    return rep


def fill_probabilities(rep: "RiskReport", samples: list[SampleSummary]) -> None:
    """P(met) per product and year, P(all met), mean shortfall and mean unmet by segment, over every
    completed sample (a sample without a plan: not met, its demand short)."""
    if not samples:
        return
    n = sum(s.weight for s in samples)  # weighted shares (weights are 1 without stratified events)
    products = sorted({p for s in samples for p in s.defense_demand_t})
    years = sorted({y for s in samples for p in s.defense_demand_t for y in s.defense_demand_t[p]})
    for p in products:
        p_years = sorted({y for s in samples for y in s.defense_demand_t.get(p, {})})
        rep.p_met[p] = {y: sum(s.weight * _met(s, p, y) for s in samples) / n for y in p_years}
        rep.mean_shortfall_t[p] = {y: sum(s.weight * s.defense_shortfall_t.get(p, {}).get(y, 0.0) for s in samples) / n
                                   for y in p_years}
    rep.p_met_all = {y: sum(s.weight * _met_all(s, y) for s in samples) / n for y in years}
    rep.mean_unmet_by_segment_t = {seg: sum(s.weight * s.unmet_by_segment_t.get(seg, 0.0) for s in samples) / n
                                   for seg in ("defense", "commercial")}
    rep.event_impacts = event_impacts(samples, rep.target_year)


def event_impacts(samples: list[SampleSummary], year: int) -> list[dict[str, Any]]:
    """Which catalogue events cause shortfalls in ``year``: for each event id drawn in some sample,
    (weighted) P(all defense met | event) and P(... | no event), and per product the share of the
    samples short in ``year`` that had the event. Ranked by impact = P(met | without) - P(met | with)."""
    ids = sorted({row[0] for s in samples for row in s.events})
    out = []
    products = sorted({p for s in samples for p in s.defense_demand_t if year in s.defense_demand_t[p]})
    for eid in ids:
        has = [s for s in samples if any(row[0] == eid for row in s.events)]
        hasnt = [s for s in samples if not any(row[0] == eid for row in s.events)]
        w_has, w_not = sum(s.weight for s in has), sum(s.weight for s in hasnt)
        p_with = sum(s.weight * _met_all(s, year) for s in has) / w_has if w_has else None
        p_without = sum(s.weight * _met_all(s, year) for s in hasnt) / w_not if w_not else None
        in_short = {}
        for p in products:
            short = [s for s in samples if not _met(s, p, year)]
            if short:
                in_short[p] = sum(s.weight for s in short if s in has) / sum(s.weight for s in short)
        kind = next(row[1] for s in has for row in s.events if row[0] == eid)
        out.append({"event": eid, "kind": kind, "samples": len(has), "p_met_with": p_with, "p_met_without": p_without,
                    "impact": (p_without - p_with) if p_with is not None and p_without is not None else None,
                    "share_of_short_samples": in_short})
    out.sort(key=lambda d: (-(d["impact"] or 0.0), d["event"]))
    return out


def breach_summary(samples: list[SampleSummary]) -> list[dict[str, Any]]:
    """Per breached commitment and year: in how many samples, share of all samples, mean tonnes
    short over those samples."""
    acc: dict[tuple[str, str, int], list[float]] = {}
    for s in samples:
        for cid, kind, y, t in s.breaches:
            acc.setdefault((str(cid), str(kind), int(y)), []).append(float(t))
    n = max(1, len(samples))
    return [{"contract": c, "kind": k, "year": y, "samples": len(v), "share": len(v) / n,
             "mean_tonnes_short": sum(v) / len(v)} for (c, k, y), v in sorted(acc.items())]


def _drivers(ok: list[SampleSummary], year: int) -> list[Driver]:
    """Facilities ranked by how much their delay lowers P(all defense demand met in ``year``)."""
    facilities = sorted({f for s in ok for f in s.delays})
    out = []
    for f in facilities:
        on_time = [s for s in ok if s.delays.get(f, 0) == 0]
        delayed = [s for s in ok if s.delays.get(f, 0) > 0]
        if not on_time or not delayed:
            continue
        p_on = sum(_met_all(s, year) for s in on_time) / len(on_time)
        p_del = sum(_met_all(s, year) for s in delayed) / len(delayed)
        c_on = [s.total_cost_musd for s in on_time if s.total_cost_musd is not None]
        c_del = [s.total_cost_musd for s in delayed if s.total_cost_musd is not None]
        cost_delta = (sum(c_del) / len(c_del) - sum(c_on) / len(c_on)) if c_on and c_del else None
        se = math.sqrt(p_on * (1 - p_on) / len(on_time) + p_del * (1 - p_del) / len(delayed))
        out.append(Driver(f, len(on_time), len(delayed), p_on, p_del, p_on - p_del, cost_delta, se))
    out.sort(key=lambda d: (-d.impact, -(d.cost_delta_musd or 0.0), d.facility))
    return out
