"""The named inputs a sensitivity sweep varies, and how each one changes a copy of a project.

=====================  ============  =====================================================  ========
name                   unit          what the value does                                   nominal
=====================  ============  =====================================================  ========
capex                  factor        every option's capex_musd_per_tpy and fixed_capex_musd x v  1
opex                   factor        every facility's variable and fixed opex, and every
                                     option's fixed opex, x v                               1
price                  factor        every market's price_usd_per_t x v                     1
price:MARKET           factor        that market's price x v                                1
demand                 factor        every demand's tonnes (and platform units) x v         1
demand:SEGMENT         factor        demands of that segment (defense or commercial) x v    1
delay                  years         facilities not yet online come online v years later,
                                     options decided v years later (rounded to whole years) 0
delay:FACILITY         years         the same for one facility                              0
budget                 $M            settings.budget_total_musd := v (capex over the horizon) the project's
budget_per_year        $M/yr         settings.budget_musd_per_year := v                      the project's
government_budget      $M            levers.government_budget_total_musd := v                the project's
capacity:FACILITY      t/yr          that facility's existing capacity_tpy := v              the project's
=====================  ============  =====================================================  ========

Factors and delays reuse the scenario overrides (models.scenarios), so a sweep point means what
the same scenario would mean.
"""

from __future__ import annotations

from dataclasses import dataclass

from models.project import CapexOverride, DelayOverride, DemandOverride, FacilityFilter, Project, Scenario
from models.scenarios import apply_scenario
from models.vocab import Segment

#: base name -> (unit, needs a target after ':', the target is optional)
KINDS: dict[str, tuple[str, bool, bool]] = {
    "capex": ("factor", False, False),
    "opex": ("factor", False, False),
    "price": ("factor", True, True),
    "demand": ("factor", True, True),
    "delay": ("years", True, True),
    "budget": ("$M", False, False),
    "budget_per_year": ("$M/yr", False, False),
    "government_budget": ("$M", False, False),
    "capacity": ("t/yr", True, False),
}


class SweepInputError(ValueError):
    """A sweep input that does not exist or cannot apply to this project (the message says why)."""


@dataclass(frozen=True)
class SweepInput:
    """A named input and the range it takes: ``steps`` evenly spaced values from low to high."""

    name: str
    low: float
    high: float
    steps: int = 3

    @property
    def kind(self) -> str:
        return self.name.split(":", 1)[0]

    @property
    def target(self) -> str | None:
        parts = self.name.split(":", 1)
        return parts[1] if len(parts) == 2 else None

    @property
    def unit(self) -> str:
        return KINDS[self.kind][0]

    def values(self) -> list[float]:
        """low, ..., high (``steps`` values; whole years for delays, duplicates removed)."""
        n = max(2, self.steps) if self.high != self.low else 1
        vals = [self.low + (self.high - self.low) * k / (n - 1) for k in range(n)] if n > 1 else [self.low]
        if self.kind == "delay":
            vals = [float(round(v)) for v in vals]
        out: list[float] = []
        for v in vals:
            if v not in out:
                out.append(v)
        return out


def parse_vary(text: str) -> SweepInput:
    """``NAME=LOW:HIGH[:STEPS]`` -> SweepInput (syntax only; :func:`check_input` checks the project)."""
    name, eq, rng = text.partition("=")
    name = name.strip()
    if not eq or not name:
        raise SweepInputError(f"{text!r}: expected NAME=LOW:HIGH[:STEPS], e.g. capex=0.8:1.2")
    parts = rng.split(":")
    if len(parts) not in (2, 3):
        raise SweepInputError(f"{text!r}: expected NAME=LOW:HIGH[:STEPS], e.g. capex=0.8:1.2:5")
    try:
        low, high = float(parts[0]), float(parts[1])
    except ValueError:
        raise SweepInputError(f"{text!r}: LOW and HIGH must be numbers") from None
    steps = 3
    if len(parts) == 3:
        try:
            steps = int(parts[2])
        except ValueError:
            raise SweepInputError(f"{text!r}: STEPS must be a whole number") from None
    if not (2 <= steps <= 101):
        raise SweepInputError(f"{text!r}: STEPS must be from 2 to 101 (got {steps})")
    for v in (low, high):
        if v != v or v in (float("inf"), float("-inf")):
            raise SweepInputError(f"{text!r}: LOW and HIGH must be finite")
    if high < low:
        raise SweepInputError(f"{text!r}: HIGH must be >= LOW")
    return SweepInput(name, low, high, steps)


def check_input(project: Project, inp: SweepInput) -> None:
    """SweepInputError when ``inp`` names no known input or a target this project lacks, or when its
    range is impossible (a negative factor, capacity or budget)."""
    if inp.kind not in KINDS:
        raise SweepInputError(f"unknown input {inp.name!r} (known: {', '.join(names_help())})")
    _unit, takes_target, optional = KINDS[inp.kind]
    target = inp.target
    if target is None and takes_target and not optional:
        raise SweepInputError(f"{inp.name!r}: name the facility, e.g. "
                              f"{inp.kind}:{project.facilities[0].id if project.facilities else 'ID'}")
    if target is not None and not takes_target:
        raise SweepInputError(f"{inp.name!r}: {inp.kind} takes no ':' target")
    if target is not None:
        if inp.kind == "price" and target not in {m.id for m in project.markets}:
            raise SweepInputError(f"{inp.name!r}: no market {target!r} (markets: "
                                  f"{', '.join(m.id for m in project.markets) or 'none'})")
        if inp.kind == "demand" and target not in {s.value for s in Segment}:
            raise SweepInputError(f"{inp.name!r}: the segment must be defense or commercial")
        if inp.kind in ("delay", "capacity") and target not in {f.id for f in project.facilities}:
            raise SweepInputError(f"{inp.name!r}: no facility {target!r}")
    if inp.kind != "delay" and inp.low < 0:
        raise SweepInputError(f"{inp.name!r}: values must be >= 0 (got {inp.low:g})")
    if inp.kind == "delay" and not (-30 <= inp.low <= inp.high <= 30):
        raise SweepInputError(f"{inp.name!r}: delays must be within -30..30 years")


def names_help() -> list[str]:
    return ["capex", "opex", "price", "price:MARKET", "demand", "demand:defense", "demand:commercial", "delay",
            "delay:FACILITY", "budget", "budget_per_year", "government_budget", "capacity:FACILITY"]


def nominal_value(project: Project, name: str) -> float | None:
    """The value an input has in the project itself (None: no budget set, i.e. unlimited)."""
    kind, _, target = name.partition(":")
    if kind in ("capex", "opex", "price", "demand"):
        return 1.0
    if kind == "delay":
        return 0.0
    if kind == "budget":
        return project.settings.budget_total_musd
    if kind == "budget_per_year":
        return project.settings.budget_musd_per_year
    if kind == "government_budget":
        return project.levers.government_budget_total_musd
    if kind == "capacity":
        return project.facility(target).capacity_tpy
    raise SweepInputError(f"unknown input {name!r}")


def _override(project: Project, override) -> Project:
    return apply_scenario(project, Scenario(id="sweep", overrides=[override]))


def apply_value(project: Project, name: str, value: float) -> Project:
    """``project`` with input ``name`` set to ``value`` (changed in place, or a changed copy for the
    inputs that reuse a scenario override: use the return value)."""
    kind, _, target = name.partition(":")
    if kind == "capex":
        project = _override(project, CapexOverride(factor=value))
    elif kind == "opex":
        for f in project.facilities:
            f.variable_opex_usd_per_t = f.variable_opex_usd_per_t * value
            f.fixed_opex_musd_per_yr = f.fixed_opex_musd_per_yr * value
            for o in f.options:
                o.fixed_opex_musd_per_yr = o.fixed_opex_musd_per_yr * value
    elif kind == "price":
        for m in project.markets:
            if not target or m.id == target:
                m.price_usd_per_t = m.price_usd_per_t * value
    elif kind == "demand":
        project = _override(project, DemandOverride(factor=value, segment=Segment(target) if target else None))
    elif kind == "delay":
        years = int(round(value))
        if years:
            where = FacilityFilter(ids=[target]) if target else FacilityFilter()
            project = _override(project, DelayOverride(where=where, years=years))
    elif kind == "budget":
        project.settings.budget_total_musd = value
    elif kind == "budget_per_year":
        project.settings.budget_musd_per_year = value
    elif kind == "government_budget":
        project.levers.government_budget_total_musd = value
    elif kind == "capacity":
        project.facility(target).capacity_tpy = value
    else:
        raise SweepInputError(f"unknown input {name!r}")
    return project


def point_project(project: Project, values: dict[str, float]) -> Project:
    """A deep copy of ``project`` with every input in ``values`` set (in the order given)."""
    copy = project.model_copy(deep=True)
    for name, value in values.items():
        copy = apply_value(copy, name, value)
    return copy
