"""Labels and name lookups the Excel report uses; the figures themselves come from
:mod:`planner.reports.figures` (the one source shared with the dashboard and the brief), and are
re-exported here for the sheets."""

from __future__ import annotations

from models.project import Facility, Project
from models.vocab import CAPACITY_BASIS, Stage
from models.vocab import material_label as vocab_material_label
from planner.reports.figures import (  # noqa: F401  (re-exported for the sheets)
    UNKNOWN_STAGE,
    CompliantRow,
    StageCapacity,
    SupplyRow,
    capacity_by_stage,
    compliance_share,
    compliant_supply,
    scenario_project,
    stage_order_key,
    supply_by_product,
    supply_by_segment,
    top_investments,
    unmet_by_product,
)
from planner.result import Status

STATUS_LABELS = {
    Status.OPTIMAL: "Optimal plan found",
    Status.TIME_LIMIT_FEASIBLE: "Plan found, but the time limit stopped the solver before it proved the plan optimal",
    Status.TIME_LIMIT: "No plan: the time limit was reached before any feasible plan was found",
    Status.INFEASIBLE: "No plan: the constraints cannot all be met",
    Status.UNBOUNDED: "No plan: the model is unbounded (a cost or limit is missing)",
    Status.CANCELLED: "No plan: the solve was cancelled",
    Status.ERROR: "No plan: the solve failed with an error",
}

def material_label(material: str) -> str:
    """The workbook names a material with its unit when that is not plain tonnes (models.vocab)."""
    return vocab_material_label(material, with_unit=True)


def capacity_basis(stage: str) -> str:
    try:
        return CAPACITY_BASIS[Stage(stage)]
    except ValueError:
        return ""


class Lookup:
    """Names of facilities, options, markets and demands by id (ids not found give '')."""

    def __init__(self, project: Project):
        self.facilities: dict[str, Facility] = {f.id: f for f in project.facilities}
        self.options = {(f.id, o.id): o for f in project.facilities for o in f.options}
        self.names: dict[str, str] = {}
        for m in project.markets:
            self.names[m.id] = m.name or m.id
        for d in project.demands:
            self.names[d.id] = d.name or d.id
        for st in project.levers.stockpiles:
            self.names[st.id] = st.name or st.id
        for f in project.facilities:
            self.names[f.id] = f.name
        self.platform_names = {p.id: p.name or p.id for p in project.platforms}

    def name(self, node_id: str) -> str:
        """Facility, market or demand name; platform demand ids look like platform:<id>:<product>."""
        if node_id in self.names:
            return self.names[node_id]
        if node_id.startswith("platform:"):
            parts = node_id.split(":")
            if len(parts) >= 3:
                return f"{self.platform_names.get(parts[1], parts[1])} ({material_label(parts[2])})"
        return ""

    def facility_fields(self, facility_id: str) -> tuple[str, str, str, str]:
        """(name, operator, country, stage) of a facility; an unknown id gives (id, "", "", "unknown")."""
        f = self.facilities.get(facility_id)
        if f is None:
            return (facility_id, "", "", UNKNOWN_STAGE)
        return (f.name, f.operator, f.country, f.stage.value)

    def stage(self, facility_id: str) -> str:
        f = self.facilities.get(facility_id)
        return f.stage.value if f is not None else UNKNOWN_STAGE

    def option_name(self, facility_id: str, option_id: str) -> str:
        o = self.options.get((facility_id, option_id))
        return (o.name or o.id) if o is not None else option_id


def lever_display_name(project: Project, kind: str, lever_id: str) -> str:
    """A lever line's name: the lever's own name (its id when unnamed); for a policy grant (whose id
    is the option's) 'Viability gap of <facility>: <option>'."""
    lv = project.levers
    for x in [*lv.offtakes, *lv.price_floors, *lv.grants, *lv.loans, *lv.import_licences, *lv.stockpiles]:
        if x.id == lever_id and kind != "policy_grant":
            return x.name or x.id
    if kind == "policy_grant":
        for f in project.facilities:
            for o in f.options:
                if o.id == lever_id:
                    return f"Viability gap of {f.name or f.id}: {o.name or o.id}"
    return lever_id
