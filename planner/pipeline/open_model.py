"""The model mine2magnet solves, opened up: as a PuLP problem, or written as MPS / CPLEX-LP.

``build_model`` (planner.pipeline.build_sequence) is the build ``solve_project`` runs (scenario
applied, project validated, network, constraint families); ``to_pulp`` hands it to PuLP with readable names, and
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
from pathlib import Path

from models import Project
from planner.pipeline.build_sequence import BuiltModel, ModelBuildError, build_model
from planner.solvers.pulp_bridge import PulpModel, to_pulp_problem, write_model


def to_pulp_model(project: Project, scenario: str | None = None, relax_integers: bool = False) -> PulpModel:
    """The PuLP problem with the mapping back to rows and columns (see :class:`PulpModel`)."""
    return to_pulp_problem(build_model(project, scenario, relax_integers).lp)


def to_pulp(project: Project, scenario: str | None = None, relax_integers: bool = False):
    """The ``pulp.LpProblem`` mine2magnet solves for ``project`` (minimise discounted cost, $M)."""
    return to_pulp_model(project, scenario, relax_integers).problem


def write_model_file(project: Project, path: str | os.PathLike, fmt: str | None = None,
                     scenario: str | None = None, relax_integers: bool = False) -> Path:
    """Write the model as ``fmt`` ("mps" or "lp"; default from the suffix) to ``path`` atomically."""
    return write_built_model(build_model(project, scenario, relax_integers), path, fmt)


def write_built_model(built: BuiltModel, path: str | os.PathLike, fmt: str | None = None) -> Path:
    """Write a model already built (``solve --write-mps`` then solves this same one) to ``path``."""
    return write_model(built.lp, path, fmt)


__all__ = ["BuiltModel", "ModelBuildError", "build_model", "to_pulp", "to_pulp_model", "write_built_model",
           "write_model_file"]
