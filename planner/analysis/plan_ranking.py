"""Plans compared out of sample, ranked by the rule that never rewards a shortfall.

A Monte Carlo evaluation of a plan (planner.analysis.risk_report.RiskReport) gives, over its
futures, the mean tonnes it leaves short and its mean cost. Plans compared this way (the robust plan
against the deterministic plan, a committed plan against hindsight) are ranked with
planner.analysis.shortfall_value.rank_key, as the scenario comparison is:

    1. mean defense shortfall      (t over the horizon, mean over every completed future; a future
                                    without a plan counts its whole demand short)
    2. mean commercial shortfall   (t, the same way)
    3. mean contract shortfall     (t of take-or-pay offtakes and reserved sales left short, mean)
    4. mean net cost               ($M discounted, cost - outside sales revenue, mean over the
                                    futures with a plan)

each shortfall compared to 1 kg; an evaluation without any future that has a plan ranks last. A
cheaper plan that leaves more defense demand short ranks below a dearer one that does not, and every
listing puts the shortfalls beside the cost (:func:`standing_text`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from planner.analysis.shortfall_value import rank_key

RANK_RULE = "defense shortfall, then commercial shortfall, then contract shortfall, then net cost"


@dataclass
class PlanStanding:
    """One plan's place in a ranking, with the figures the rank is decided on (means over futures)."""

    plan: str  # "robust", "deterministic", "committed plan", "hindsight", ...
    rank: int  # 1 = best
    has_plan: bool  # some future of its evaluation has a plan
    mean_defense_shortfall_t: float
    mean_commercial_shortfall_t: float
    mean_contract_shortfall_t: float
    mean_net_cost_musd: float | None
    failed_samples: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _weighted_mean(pairs: list[tuple[float, float]]) -> float:
    total = sum(w for w, _ in pairs)
    return sum(w * v for w, v in pairs) / total if total else 0.0


def mean_net_cost_musd(report: Any) -> float | None:
    """Mean net cost ($M discounted) over the futures with a plan (the total cost where a future
    records no net cost, as without outside buyers); None without such a future."""
    costs = [s.net_cost_musd if getattr(s, "net_cost_musd", None) is not None else s.total_cost_musd
             for s in report.samples if s.ok]
    costs = [c for c in costs if c is not None]
    if costs:
        return sum(costs) / len(costs)
    return (report.cost_musd or {}).get("mean")  # a report read back without its samples


def mean_contract_shortfall_t(report: Any) -> float:
    """Mean over every completed future (weighted) of the contracted tonnes left short."""
    return _weighted_mean([(s.weight, float(getattr(s, "contract_shortfall_t", 0.0) or 0.0))
                           for s in report.samples])


def standing(label: str, report: Any) -> PlanStanding:
    """A plan's figures from its evaluation ``report`` (a RiskReport; rank filled by :func:`rank_plans`)."""
    m = report.mean_unmet_by_segment_t or {}
    return PlanStanding(label, 0, report.n_ok > 0, float(m.get("defense", 0.0)), float(m.get("commercial", 0.0)),
                        mean_contract_shortfall_t(report), mean_net_cost_musd(report), report.n_failed)


def standing_key(s: PlanStanding) -> tuple:
    return rank_key(s.mean_defense_shortfall_t, s.mean_commercial_shortfall_t, s.mean_net_cost_musd, s.has_plan,
                    s.mean_contract_shortfall_t)


def rank_plans(evaluations: list[tuple[str, Any]]) -> list[PlanStanding]:
    """(label, RiskReport or None) pairs -> their standings, best first (ties keep the given order;
    a pair without a report is left out)."""
    out = sorted((standing(label, rep) for label, rep in evaluations if rep is not None), key=standing_key)
    for i, s in enumerate(out):
        s.rank = i + 1
    return out


def robust_ranking(rep: Any) -> list[PlanStanding]:
    """The deterministic and the robust plan of a RobustReport, ranked on their out-of-sample evaluations
    ([] before both are evaluated)."""
    if rep.deterministic_eval is None or rep.robust_eval is None:
        return []
    return rank_plans([("deterministic", rep.deterministic_eval), ("robust", rep.robust_eval)])


def standing_text(s: PlanStanding) -> str:
    """'defense 5.0 t short, commercial 0.0 t, contracts 0.0 t; net cost 100.0 $M' (means over futures)."""
    cost = f"{s.mean_net_cost_musd:,.1f} $M" if s.mean_net_cost_musd is not None else "-"
    failed = f"; {s.failed_samples} futures without a plan" if s.failed_samples else ""
    return (f"defense {s.mean_defense_shortfall_t:,.1f} t short, commercial {s.mean_commercial_shortfall_t:,.1f} t, "
            f"contracts {s.mean_contract_shortfall_t:,.1f} t; net cost {cost}{failed}")


def ranking_lines(standings: list[PlanStanding], indent: str = "  ") -> list[str]:
    """One line per plan, best first: rank, name, shortfalls beside the cost."""
    width = max((len(s.plan) for s in standings), default=0)
    return [f"{indent}{s.rank}. {s.plan:<{width}}  {standing_text(s)}" for s in standings]


__all__ = ["PlanStanding", "RANK_RULE", "mean_contract_shortfall_t", "mean_net_cost_musd", "rank_plans",
           "ranking_lines", "robust_ranking", "standing", "standing_key", "standing_text"]
