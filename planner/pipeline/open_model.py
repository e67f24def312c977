"""The model mine2magnet solves, opened up: as a PuLP problem, or written as MPS / CPLEX-LP.

``build_model`` is the same build ``solve_project`` runs (scenario applied, project validated,
network, constraint families); ``to_pulp`` hands it to PuLP with readable names, and
``write_model_file`` writes it for any other tool. Names follow the key tuples:
``<kind or family>.<key parts>`` (see :func:`planner.solvers.pulp_bridge.readable_names`).

Example (Python)::

    from models import load_project
    from planner.pipeline.open_model import to_pulp

    prob = to_pulp(load_project("sample_projects/teaching_chain.m2m.json"))
    capacity = [c for c in prob.constraints() if c.name.startswith("capacity.")]
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from models import Project, apply_scenario
from models.wording import count
from models.validation import errors, validate_project

from planner.model.build import BuildOptions, ModelIndex, create_model
from planner.model.lp import LinearProgram
from planner.model.network import Network, build_network
from planner.solvers.pulp_bridge import PulpModel, to_pulp_problem, write_model


class ModelBuildError(ValueError):
    """The project (under its scenario) cannot be built: unknown scenario or validation errors."""


@dataclass
class BuiltModel:
    lp: LinearProgram
    index: ModelIndex
    network: Network


def build_model(project: Project, scenario: str | None = None, relax_integers: bool = False) -> BuiltModel:
    """Apply ``scenario``, validate, and build the LinearProgram exactly as ``solve_project`` does."""
    try:
        scenario_project = apply_scenario(project, scenario)
    except KeyError as e:
        raise ModelBuildError(str(e.args[0])) from None
    problems = errors(validate_project(scenario_project))
    if problems:
        raise ModelBuildError(f"the project has {count(len(problems), 'problem')}: " + "; ".join(str(p) for p in problems[:5]))
    net = build_network(scenario_project)
    lp, idx = create_model(net, BuildOptions(relax_integers=relax_integers))
    return BuiltModel(lp, idx, net)


def to_pulp_model(project: Project, scenario: str | None = None, relax_integers: bool = False) -> PulpModel:
    """The PuLP problem with the mapping back to rows and columns (see :class:`PulpModel`)."""
    return to_pulp_problem(build_model(project, scenario, relax_integers).lp)


def to_pulp(project: Project, scenario: str | None = None, relax_integers: bool = False):
    """The ``pulp.LpProblem`` mine2magnet solves for ``project`` (minimise discounted cost, $M)."""
    return to_pulp_model(project, scenario, relax_integers).problem


def write_model_file(project: Project, path: str | os.PathLike, fmt: str | None = None,
                     scenario: str | None = None, relax_integers: bool = False) -> Path:
    """Write the model as ``fmt`` ("mps" or "lp"; default from the suffix) to ``path`` atomically."""
    return write_model(build_model(project, scenario, relax_integers).lp, path, fmt)


__all__ = ["BuiltModel", "ModelBuildError", "build_model", "to_pulp", "to_pulp_model", "write_model_file"]
