"""Contracts and levers placed on the build-out timeline (plain data, no Qt).

- **bands**: an offtake or a price floor over the years it is active in the horizon, on its
  producer's row, with the tonnes the plan took / sold and the money of each year (from
  ``result.levers``);
- **points**: a grant, a policy grant (viability gap) or a loan in its year: on the investment of
  the option it funds (decision year) or, for a loan to an existing facility, on the facility row
  in its draw year;
- **stockpiles**: one row per government stockpile with the tonnes bought and released and the
  level held at each year-end.

Names are the project's (lever name, facility name); ids go in tooltips.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from models.project import Project
from planner.result import PlanResult
from ui.document.names import facility_name

from .summary import solved_project

KIND_WORDS = {"offtake": "offtake", "price_floor": "price floor", "grant": "grant", "policy_grant": "policy grant",
              "loan": "loan"}


@dataclass
class LeverBand:
    """An offtake or price floor active in ``years`` at ``facility``."""

    kind: str  # "offtake" | "price_floor"
    lever_id: str
    name: str
    facility: str
    years: list[int]
    tonnes_by_year: dict[int, float] = field(default_factory=dict)  # taken (offtake) / sold (price floor)

    def filled(self, year: int) -> bool:
        """Drawn filled: tonnes taken under an offtake / a top-up paid under a price floor."""
        if self.kind == "price_floor":
            return self.cost_by_year.get(year, 0.0) > 0
        return self.tonnes_by_year.get(year, 0.0) > 0

    cost_by_year: dict[int, float] = field(default_factory=dict)  # $M of that year (undiscounted)
    payer: str = "government"
    detail: str = ""  # e.g. "min 2,599 t/yr at $75,000/t" or "floor $110,000/t"
    shortfall_by_year: dict[int, float] = field(default_factory=dict)  # offtake minimum not taken (t)

    def tooltip(self, facility_label: str, year: int) -> str:
        words = KIND_WORDS.get(self.kind, self.kind)
        head = f"{self.name} ({words}, id {self.lever_id}) at {facility_label}: {year}, "
        if self.kind == "price_floor" and year in self.tonnes_by_year and self.cost_by_year.get(year, 0.0) <= 0:
            text = head + f"{self.tonnes_by_year[year]:,.0f} t sold, benchmark at or above the floor: no top-up"
        elif year in self.tonnes_by_year:
            what = "taken" if self.kind == "offtake" else "sold under the floor"
            text = (head + f"{self.tonnes_by_year[year]:,.0f} t {what}, "
                    f"{self.payer} pays ${self.cost_by_year.get(year, 0.0):,.2f} M")
        elif self.kind == "offtake":
            text = head + "nothing taken"
        else:
            text = head + "nothing sold: no top-up"
        if self.detail:
            text += f"; {self.detail}"
        short = self.shortfall_by_year.get(year, 0.0)
        if short > 0:
            text += f"; {short:,.0f} t short of the minimum"
        return text


@dataclass
class LeverPoint:
    """A grant, policy grant or loan in ``year``; ``option`` = the option id it funds ('' for a facility loan)."""

    kind: str  # "grant" | "policy_grant" | "loan"
    lever_id: str
    name: str
    facility: str
    option: str
    year: int
    cost_musd: float

    def tooltip(self, facility_label: str) -> str:
        words = KIND_WORDS.get(self.kind, self.kind)
        money = "subsidy" if self.kind == "loan" else "paid"
        where = f"{facility_label}" + (f" (option {self.option})" if self.option else "")
        return (f"{self.name} ({words}, id {self.lever_id}) for {where}: {self.year}, "
                f"government {money} ${self.cost_musd:,.2f} M")


@dataclass
class StockpileMarks:
    stockpile: str
    name: str
    material: str
    capacity_t: float
    buys: dict[int, float] = field(default_factory=dict)
    releases: dict[int, float] = field(default_factory=dict)
    level: dict[int, float] = field(default_factory=dict)  # t held at year-end


@dataclass
class LeverMarks:
    bands: dict[str, list[LeverBand]] = field(default_factory=dict)  # facility id -> bands
    points: dict[str, list[LeverPoint]] = field(default_factory=dict)  # facility id -> points
    stockpiles: list[StockpileMarks] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.bands or self.points or self.stockpiles)


def _active_years(first: int | None, last: int | None, years: list[int]) -> list[int]:
    return [y for y in years if (first is None or y >= first) and (last is None or y <= last)]


def lever_marks(project: Project, result: PlanResult) -> LeverMarks:
    """The levers of ``project`` (the solved scenario) with what ``result`` did with them."""
    p = solved_project(project, result)
    years = p.settings.years
    lv = p.levers
    out = LeverMarks()
    lines = defaultdict(list)
    for r in result.levers:
        lines[(r.kind, r.lever_id)].append(r)

    def band(kind: str, x, facility: str, detail: str, payer: str) -> None:
        active = _active_years(x.first_year, x.last_year, years)
        if not active:
            return
        b = LeverBand(kind, x.id, x.name or x.id, facility, active, payer=payer, detail=detail)
        for r in lines[(kind, x.id)]:
            b.tonnes_by_year[r.year] = b.tonnes_by_year.get(r.year, 0.0) + r.tonnes
            b.cost_by_year[r.year] = b.cost_by_year.get(r.year, 0.0) + r.cost_musd
        for r in lines[("offtake_shortfall", x.id)]:
            b.shortfall_by_year[r.year] = b.shortfall_by_year.get(r.year, 0.0) + r.tonnes
        out.bands.setdefault(facility, []).append(b)

    for o in lv.offtakes:
        mins = sorted({o.minimum(y) for y in years if o.active(y)})
        detail = ""
        if mins:
            detail = f"min {mins[0]:,.0f} t/yr" if len(mins) == 1 else f"min {mins[0]:,.0f}-{mins[-1]:,.0f} t/yr"
        detail += f" at ${o.price_usd_per_t:,.0f}/t, paid by {o.buyer}"
        band("offtake", o, o.facility_id, detail, o.buyer)
    for pf in lv.price_floors:
        band("price_floor", pf, pf.facility_id, f"floor ${pf.floor_usd_per_t:,.0f}/t", "government")

    names = {x.id: x.name or x.id for x in [*lv.grants, *lv.loans]}
    option_facility = {o.id: f.id for f in p.facilities for o in f.options}
    option_of = {g.id: g.option_id for g in lv.grants} | {ln.id: ln.option_id or "" for ln in lv.loans}
    for r in result.levers:
        if r.kind not in ("grant", "policy_grant", "loan"):
            continue
        if r.kind == "policy_grant":  # lever_id is the option's id
            option, name = r.lever_id, "Viability gap"
        else:
            option, name = option_of.get(r.lever_id, ""), names.get(r.lever_id, r.lever_id)
        facility = option_facility.get(option, r.facility) if option else r.facility
        out.points.setdefault(facility, []).append(
            LeverPoint(r.kind, r.lever_id, name, facility, option, r.year, r.cost_musd))

    for s in lv.stockpiles:
        m = StockpileMarks(s.id, s.name or s.id, s.material.value, s.capacity_t)
        for r in result.levers:
            if r.lever_id != s.id:
                continue
            target = {"stockpile_buy": m.buys, "stockpile_release": m.releases,
                      "stockpile_holding": m.level}.get(r.kind)
            if target is not None:
                target[r.year] = target.get(r.year, 0.0) + r.tonnes
        out.stockpiles.append(m)
    return out


def facility_label(project: Project, facility_id: str) -> str:
    return facility_name(project, facility_id)
