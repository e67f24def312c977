"""Figures the Excel report shows, derived from a PlanResult (and the project) without openpyxl.

Everything here is plain arithmetic on the result rows, so tests can check it by hand:

* supply vs demand: per (product, segment, year) demand = sum of DemandRow.demand over demand
  ids, clean = sum of delivered_clean, other origin = sum of (delivered - delivered_clean),
  unmet = sum of unmet (all t; sums use math.fsum);
* compliant supply: per product and year from the compliance year, defense demand and the clean
  tonnes delivered to it; share met compliantly = clean to defense / defense demand;
* capacity build-out: per stage and year, existing capacity = min(capacity, existing schedule of
  the facility, see models.schedules.existing_capacity_tpy), added by the plan = capacity - existing
  (t/yr in each stage's activity unit).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from models.project import Facility, Project
from models.scenarios import ScenarioError, apply_scenario
from models.schedules import existing_capacity_tpy
from models.vocab import CAPACITY_BASIS, STAGE_ORDER, Stage
from models.vocab import material_label as vocab_material_label

from planner.result import Investment, PlanResult, Status

STATUS_LABELS = {
    Status.OPTIMAL: "Optimal plan found",
    Status.TIME_LIMIT_FEASIBLE: "Plan found, but the time limit stopped the solver before it proved the plan optimal",
    Status.TIME_LIMIT: "No plan: the time limit was reached before any feasible plan was found",
    Status.INFEASIBLE: "No plan: the constraints cannot all be met",
    Status.UNBOUNDED: "No plan: the model is unbounded (a cost or limit is missing)",
    Status.CANCELLED: "No plan: the solve was cancelled",
    Status.ERROR: "No plan: the solve failed with an error",
}

UNKNOWN_STAGE = "unknown"


def material_label(material: str) -> str:
    """The workbook names a material with its unit when that is not plain tonnes (models.vocab)."""
    return vocab_material_label(material, with_unit=True)


def stage_order_key(stage: str) -> int:
    order = [s.value for s in STAGE_ORDER]
    return order.index(stage) if stage in order else len(order)


def capacity_basis(stage: str) -> str:
    try:
        return CAPACITY_BASIS[Stage(stage)]
    except ValueError:
        return ""


def scenario_project(project: Project, scenario: str) -> tuple[Project, str]:
    """The project as the scenario saw it, and a note when the scenario could not be applied.

    "base" (or an empty name) is the base project; a scenario id or name stored in the project is
    applied with :func:`models.scenarios.apply_scenario`.
    """
    try:
        return apply_scenario(project, scenario or "base"), ""
    except KeyError:
        return project, f"scenario {scenario!r} is not in the project; assumptions shown are the base project's"
    except ScenarioError as e:
        return project, f"scenario {scenario!r} cannot be applied ({e.message}); assumptions shown are the base project's"


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


@dataclass(frozen=True)
class SupplyRow:
    """Supply against demand for one product, segment ("all" when summed) and year; all t."""

    product: str
    segment: str
    year: int
    demand: float
    clean: float
    other: float
    unmet: float

    @property
    def delivered(self) -> float:
        return self.clean + self.other

    @property
    def met_share(self) -> float | None:
        """Delivered / demand (None when there is no demand)."""
        return self.delivered / self.demand if self.demand > 0 else None

    @property
    def clean_share(self) -> float | None:
        """Clean / delivered (None when nothing was delivered)."""
        return self.clean / self.delivered if self.delivered > 0 else None


def _supply_rows(result: PlanResult, by_segment: bool) -> list[SupplyRow]:
    parts: dict[tuple[str, str, int], list[list[float]]] = defaultdict(lambda: [[], [], [], []])
    for r in result.demand:
        key = (r.product, r.segment if by_segment else "all", r.year)
        acc = parts[key]
        acc[0].append(r.demand)
        acc[1].append(r.delivered_clean)
        acc[2].append(r.delivered - r.delivered_clean)
        acc[3].append(r.unmet)
    return [
        SupplyRow(p, s, y, math.fsum(a[0]), math.fsum(a[1]), math.fsum(a[2]), math.fsum(a[3]))
        for (p, s, y), a in sorted(parts.items())
    ]


def supply_by_segment(result: PlanResult) -> list[SupplyRow]:
    """One row per (product, segment, year), sorted; sums over demand ids (t)."""
    return _supply_rows(result, by_segment=True)


def supply_by_product(result: PlanResult) -> dict[str, list[SupplyRow]]:
    """Per product, one row per year summed over segments and demand ids (t), years ascending."""
    out: dict[str, list[SupplyRow]] = defaultdict(list)
    for row in _supply_rows(result, by_segment=False):
        out[row.product].append(row)
    return dict(out)


@dataclass(frozen=True)
class CompliantRow:
    """Compliant supply of one product in one year from the compliance year (t)."""

    product: str
    year: int
    defense_demand: float
    defense_clean: float  # clean tonnes delivered to defense demand
    all_demand: float
    all_clean: float  # clean tonnes delivered to all segments
    unmet: float  # all segments

    @property
    def defense_met_share(self) -> float | None:
        return self.defense_clean / self.defense_demand if self.defense_demand > 0 else None


def compliant_supply(result: PlanResult, compliance_year: int) -> list[CompliantRow]:
    """Per product and year >= compliance_year, sorted by product then year."""
    seg = supply_by_segment(result)
    keys = sorted({(r.product, r.year) for r in seg if r.year >= compliance_year})
    out = []
    for product, year in keys:
        rows = [r for r in seg if r.product == product and r.year == year]
        defense = [r for r in rows if r.segment == "defense"]
        out.append(CompliantRow(
            product=product,
            year=year,
            defense_demand=math.fsum(r.demand for r in defense),
            defense_clean=math.fsum(r.clean for r in defense),
            all_demand=math.fsum(r.demand for r in rows),
            all_clean=math.fsum(r.clean for r in rows),
            unmet=math.fsum(r.unmet for r in rows),
        ))
    return out


def unmet_by_product(result: PlanResult) -> list[tuple[str, float, int | None]]:
    """(product, unmet t over all years, first year with unmet > 1 gram or None), by product."""
    total: dict[str, list[float]] = defaultdict(list)
    first: dict[str, int | None] = {}
    for r in result.demand:
        total[r.product].append(r.unmet)
        first.setdefault(r.product, None)
        if r.unmet > 1e-6 and (first[r.product] is None or r.year < first[r.product]):
            first[r.product] = r.year
    return [(p, math.fsum(v), first[p]) for p, v in sorted(total.items())]


def compliance_share(result: PlanResult, product: str, year: int) -> float | None:
    """ComplianceRow.clean_share for a product-year (None when the result has no such row)."""
    for c in result.compliance:
        if c.product == product and c.year == year:
            return c.clean_share
    return None


@dataclass(frozen=True)
class BuildoutRow:
    year: int
    existing_tpy: float
    added_tpy: float


def capacity_by_stage(result: PlanResult, project: Project) -> dict[str, list[BuildoutRow]]:
    """Per stage (in chain order), per year: existing and plan-added capacity (t/yr, stage unit).

    For each CapacityRow: existing = min(capacity, existing schedule of the facility in ``project``);
    added = capacity - existing. Facilities not in ``project`` fall under stage "unknown" with their
    whole capacity counted as existing.
    """
    facilities = {f.id: f for f in project.facilities}
    acc: dict[str, dict[int, tuple[list[float], list[float]]]] = defaultdict(lambda: defaultdict(lambda: ([], [])))
    for c in result.capacity:
        f = facilities.get(c.facility)
        if f is None:
            stage, existing = UNKNOWN_STAGE, c.capacity_tpy
        else:
            stage, existing = f.stage.value, min(c.capacity_tpy, existing_capacity_tpy(f, c.year))
        ex, add = acc[stage][c.year]
        ex.append(existing)
        add.append(c.capacity_tpy - existing)
    out = {}
    for stage in sorted(acc, key=stage_order_key):
        out[stage] = [BuildoutRow(y, math.fsum(ex), math.fsum(add)) for y, (ex, add) in sorted(acc[stage].items())]
    return out


def top_investments(result: PlanResult, n: int = 5) -> list[Investment]:
    """The ``n`` investments with the largest capex (ties: earlier decision first)."""
    return sorted(result.investments, key=lambda i: (-i.capex_musd, i.decided_year, i.facility, i.option))[:n]
