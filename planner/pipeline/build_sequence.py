"""The build sequence of one solve, written once: scenario -> validate -> network -> model.

``build_model`` is what ``solve_project`` runs before the solver, what ``open_model`` writes as
MPS / CPLEX-LP and hands to PuLP, and (through ``build_network_and_model``, without the scenario
and validation steps, on an already sampled project) what a Monte Carlo sample's model is built
from. ``solve --write-mps`` builds it once and hands the same :class:`BuiltModel` to the solve.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from models import Project, apply_scenario
from models.scenarios import ScenarioError
from models.validation import applied_project_problems
from models.wording import count
from planner.model.build import BuildOptions, ModelIndex, create_model
from planner.model.lp import LinearProgram
from planner.model.network import Network, build_network
from planner.result import PlanResult, Status

#: Defense-first weighting of the unmet penalty used by risk evaluation and robust plans: a tonne of
#: defense demand left unmet costs this many times the project's unmet penalty, so whenever supply is
#: short the solver serves defense before commercial demand (a weighted stand-in for a lexicographic
#: "defense shortfall first" objective; reported costs never include the penalty).
DEFENSE_FIRST_WEIGHT = 10.0


class ModelBuildError(ValueError):
    """The project (under its scenario) cannot be built: unknown scenario or validation errors."""


@dataclass
class BuiltModel:
    """A model ready for a solver, with what it was built from.

    ``project`` is the project with the scenario applied (its settings give the time limit and
    gap); ``build_seconds`` is the wall time of network + model (s); the remaining fields record the
    build parameters so a solve can refuse a model built for other options.
    """

    lp: LinearProgram
    index: ModelIndex
    network: Network
    project: Project
    scenario: str | None = None
    relax_integers: bool = False
    capacity_shares: dict | None = None
    defense_weight: float = 1.0
    build_seconds: float = 0.0


#: how the message of a project that does not validate begins (the CLI exits 2 for those)
INPUT_PROBLEMS_PREFIX = "The project has "


def is_input_error(result: PlanResult) -> bool:
    """True for an ERROR result that reports the project's own problems (bad input)."""
    return result.status is Status.ERROR and result.message.startswith(INPUT_PROBLEMS_PREFIX)


def checked_project(project: Project, scenario: str | None) -> Project:
    """``project`` with ``scenario`` applied (None = base), validated; raises ModelBuildError with
    the unknown scenario or the first five validation errors (``"The project has 2 problems: ..."``)."""
    try:
        applied = apply_scenario(project, scenario)
    except KeyError as e:
        raise ModelBuildError(str(e.args[0])) from None
    except ScenarioError as e:
        raise ModelBuildError(f"{INPUT_PROBLEMS_PREFIX}1 problem: {e}") from None
    # the copy's stored scenarios are not applied again on top of it; the applied one's own checks are
    problems = applied_project_problems(project, applied, scenario)
    if problems:
        text = "; ".join(str(p) for p in problems[:5])
        raise ModelBuildError(f"{INPUT_PROBLEMS_PREFIX}{count(len(problems), 'problem')}: {text}")
    return applied


def apply_defense_weight(lp: LinearProgram, net: Network, weight: float) -> list[int]:
    """Multiply the cost of unmet[d,y] of every defense demand d by ``weight``; returns those columns."""
    defense = {d.id for d in net.demands if d.segment == "defense"}
    cols = [j for j, key in enumerate(lp.var_keys) if key[0] == "unmet" and key[1] in defense]
    for j in cols:
        lp.var_cost[j] *= weight
    return cols


def build_network_and_model(project: Project, *, relax_integers: bool = False, capacity_shares: dict | None = None,
                            defense_weight: float = 1.0) -> BuiltModel:
    """network -> ramp-up shares (planner.model.availability) -> model -> defense weight, for a
    project that is already scenario-applied and valid (or a Monte Carlo sample of one)."""
    t0 = time.perf_counter()
    net = build_network(project)
    if capacity_shares:
        from planner.model.availability import apply_capacity_shares

        apply_capacity_shares(net, capacity_shares)
    lp, idx = create_model(net, BuildOptions(relax_integers=relax_integers))
    if defense_weight != 1.0:
        apply_defense_weight(lp, net, defense_weight)
    return BuiltModel(lp, idx, net, project, relax_integers=relax_integers, capacity_shares=capacity_shares,
                      defense_weight=defense_weight, build_seconds=time.perf_counter() - t0)


def build_model(project: Project, scenario: str | None = None, relax_integers: bool = False, *,
                capacity_shares: dict | None = None, defense_weight: float = 1.0) -> BuiltModel:
    """The whole sequence: :func:`checked_project` then :func:`build_network_and_model`."""
    built = build_network_and_model(checked_project(project, scenario), relax_integers=relax_integers,
                                    capacity_shares=capacity_shares, defense_weight=defense_weight)
    built.scenario = scenario
    return built


__all__ = ["DEFENSE_FIRST_WEIGHT", "BuiltModel", "ModelBuildError", "apply_defense_weight", "build_model",
           "build_network_and_model", "checked_project"]
