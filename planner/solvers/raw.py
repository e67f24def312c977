"""What a solver hands back, whichever backend ran it: the point, duals and the true status."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

import numpy as np


class RawStatus(str, Enum):
    OPTIMAL = "optimal"
    FEASIBLE = "feasible"  # stopped early (time limit) with a solution
    NO_SOLUTION = "no_solution"  # stopped early without a solution
    INFEASIBLE = "infeasible"
    UNBOUNDED = "unbounded"
    CANCELLED = "cancelled"
    ERROR = "error"


@dataclass
class RawSolution:
    status: RawStatus
    x: np.ndarray | None = None
    row_duals: np.ndarray | None = None  # d objective / d row bound (minimisation)
    objective: float | None = None
    seconds: float = 0.0
    handoff_seconds: float = 0.0  # time spent passing the model to the solver
    message: str = ""
    log: list[str] = field(default_factory=list)
