"""What every report sheet needs: the result, the project as the scenario saw it, name lookups."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from models.project import Project
from planner.reports.data import Lookup, scenario_project
from planner.result import PlanResult


@dataclass
class ReportContext:
    """``project`` is the base project (as in the file); ``scenario_project`` has the result's
    scenario overrides applied (settings, budgets, delays) and drives assumptions and capacity."""

    project: Project
    result: PlanResult
    solved_at: datetime
    unsaved_edits: bool = False  # the project given has edits not yet saved to its file
    scenario_project: Project = field(init=False)
    scenario_note: str = field(init=False)
    lookup: Lookup = field(init=False)

    def __post_init__(self) -> None:
        self.scenario_project, self.scenario_note = scenario_project(self.project, self.result.scenario)
        self.lookup = Lookup(self.project)

    @property
    def settings(self):
        return self.scenario_project.settings
