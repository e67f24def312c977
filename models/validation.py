"""Project consistency checks: every problem with its location, none raised early.

Field-level rules (ranges, country codes, enums) are enforced by the schema in
:mod:`models.project`; the ``check_*`` functions here look across objects.
``validate_project`` returns all problems; an empty list means the project can be solved.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Iterable

from pydantic import ValidationError

from .project import Project
from .vocab import RECIPE_STAGES, Material, Stage


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a project. ``location`` is a path like ``facilities[3].capacity_tpy``."""

    location: str
    message: str
    severity: str = "error"  # "error" blocks solving; "warning" does not

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.location else self.message


def format_loc(loc: Iterable[object]) -> str:
    """('facilities', 3, 'capacity_tpy') -> 'facilities[3].capacity_tpy'."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def problems_from_validation_error(err: ValidationError, prefix: str = "") -> list[Problem]:
    """Translate pydantic errors into located, plain-language problems."""
    problems = []
    for e in err.errors():
        loc = _strip_union_tags(e["loc"])
        location = format_loc(([prefix] if prefix else []) + loc)
        msg = e["msg"]
        if msg.startswith("Value error, "):
            msg = msg[len("Value error, ") :]
        if e["type"] == "greater_than_equal":
            msg = f"must be >= {_plain_number(e['ctx']['ge'])}"
        elif e["type"] == "less_than_equal":
            msg = f"must be <= {_plain_number(e['ctx']['le'])}"
        elif e["type"] == "extra_forbidden":
            msg = "unknown field"
        elif e["type"] == "missing":
            msg = "required field is missing"
        elif e["type"] == "string_pattern_mismatch":
            msg = "must be an id of letters, digits, '_', '.' or '-' (max 64, not starting with a symbol)"
        problems.append(Problem(location, msg))
    return problems


_UNION_TAGS = {"delay", "market_cap", "demand", "capex", "settings"}


def _strip_union_tags(loc: Iterable[object]) -> list[object]:
    """Drop pydantic's discriminator tag after ``overrides[i]`` (``overrides.3.delay.years``).

    Only there: ``settings`` is also a top-level field name and must stay in the location.
    """
    parts = list(loc)
    out: list[object] = []
    for i, part in enumerate(parts):
        is_tag = (
            isinstance(part, str) and part in _UNION_TAGS and i >= 2
            and isinstance(parts[i - 1], int) and parts[i - 2] == "overrides"
        )
        if not is_tag:
            out.append(part)
    return out


def _plain_number(value: object) -> object:
    """0.0 -> 0 so messages read ``must be >= 0``; other values unchanged."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _duplicates(ids: list[str]) -> set[str]:
    return {i for i, n in Counter(ids).items() if n > 1}


def check_unique_ids(p: Project) -> list[Problem]:
    """Ids are unique within facilities, options (per project), routes, markets, demands, platforms, scenarios."""
    problems: list[Problem] = []
    for attr in ("facilities", "routes", "markets", "demands", "platforms", "scenarios"):
        items = getattr(p, attr)
        dup = _duplicates([x.id for x in items])
        for i, x in enumerate(items):
            if x.id in dup:
                problems.append(Problem(f"{attr}[{i}].id", f"duplicate id {x.id!r}"))
    option_ids = [o.id for f in p.facilities for o in f.options]
    dup = _duplicates(option_ids)
    for i, f in enumerate(p.facilities):
        for j, o in enumerate(f.options):
            if o.id in dup:
                problems.append(Problem(f"facilities[{i}].options[{j}].id", f"duplicate option id {o.id!r}"))
    return problems


def check_routes(p: Project) -> list[Problem]:
    """Routes join known facilities; the sender can make the material and the receiver use it."""
    ids = {f.id: f for f in p.facilities}
    problems = []
    for i, r in enumerate(p.routes):
        src, dst = ids.get(r.from_id), ids.get(r.to_id)
        if src is None:
            problems.append(Problem(f"routes[{i}].from_id", f"unknown facility {r.from_id!r}"))
        if dst is None:
            problems.append(Problem(f"routes[{i}].to_id", f"unknown facility {r.to_id!r}"))
        if r.from_id == r.to_id:
            problems.append(Problem(f"routes[{i}]", "a route cannot start and end at the same facility"))
        if src is not None and r.material not in producible(src):
            problems.append(Problem(f"routes[{i}].material", f"{src.id!r} does not produce {r.material.value}"))
        if dst is not None and r.material not in consumable(dst):
            problems.append(Problem(f"routes[{i}].material", f"{dst.id!r} does not use {r.material.value}"))
    return problems


def producible(f) -> set[Material]:
    """Materials a facility can output, given its stage and recipe."""
    from .vocab import METAL_OF, OXIDE_OF

    if f.stage is Stage.MINE:
        return {Material.CONCENTRATE}
    if f.stage is Stage.CRACKING:
        return {Material.MIXED_CARBONATE}
    if f.stage is Stage.SEPARATION:
        return {OXIDE_OF[e] for e in (f.element_recovery or OXIDE_OF)}
    if f.stage is Stage.METAL:
        return {METAL_OF[e] for e in (f.element_recovery or METAL_OF)}
    if f.stage in RECIPE_STAGES:
        return set(f.recipe_outputs)
    return set()


def consumable(f) -> set[Material]:
    """Materials a facility can take in, given its stage and recipe."""
    from .vocab import OXIDE_OF

    if f.stage is Stage.MINE:
        return set()
    if f.stage is Stage.CRACKING:
        return {Material.CONCENTRATE}
    if f.stage is Stage.SEPARATION:
        return {Material(f.separation_feed)}
    if f.stage is Stage.METAL:
        return {OXIDE_OF[e] for e in (f.element_recovery or OXIDE_OF)}
    if f.stage in RECIPE_STAGES:
        return set(f.recipe_inputs)
    return set()


def check_facilities(p: Project) -> list[Problem]:
    """Stage-specific completeness: mines need an assay, recipe stages need outputs, etc."""
    problems = []
    for i, f in enumerate(p.facilities):
        loc = f"facilities[{i}]"
        if f.stage is Stage.MINE and not f.assay and (f.capacity_tpy > 0 or f.options):
            problems.append(Problem(f"{loc}.assay", "a mine needs an assay (share of TREO per element)"))
        if f.stage in RECIPE_STAGES and not f.recipe_outputs:
            problems.append(Problem(f"{loc}.recipe_outputs", f"stage {f.stage.value} needs at least one output"))
        if f.stage in (Stage.SEPARATION, Stage.METAL) and not f.element_recovery:
            problems.append(Problem(f"{loc}.element_recovery", "list the elements recovered and their recovery"))
        if f.lat is None or f.lon is None:
            problems.append(
                Problem(f"{loc}.lat", "no coordinates: routes from/to it need a transport_usd_per_t", "warning")
            )
        for j, o in enumerate(f.options):
            if o.max_add_tpy == 0:
                problems.append(Problem(f"{loc}.options[{j}].max_add_tpy", "option adds no capacity", "warning"))
    return problems


def check_years(p: Project) -> list[Problem]:
    """Demand, platform and option years fall inside the horizon."""
    s = p.settings
    lo, hi = s.start_year, s.end_year
    problems = []
    for i, d in enumerate(p.demands):
        for y in d.tonnes_by_year:
            if not lo <= y <= hi:
                problems.append(Problem(f"demands[{i}].tonnes_by_year.{y}", f"year outside the horizon {lo}-{hi}"))
    for i, pl in enumerate(p.platforms):
        for y in pl.units_by_year:
            if not lo <= y <= hi:
                problems.append(Problem(f"platforms[{i}].units_by_year.{y}", f"year outside the horizon {lo}-{hi}"))
    for i, f in enumerate(p.facilities):
        for j, o in enumerate(f.options):
            if o.earliest_decision_year is not None and o.earliest_decision_year > hi:
                problems.append(
                    Problem(f"facilities[{i}].options[{j}].earliest_decision_year", f"after the horizon end {hi}", "warning")
                )
    if not lo <= s.base_year <= hi:
        problems.append(Problem("settings.base_year", f"must lie in the horizon {lo}-{hi}"))
    return problems


def check_missing_transport(p: Project) -> list[Problem]:
    """A route without a cost needs coordinates at both ends."""
    ids = {f.id: f for f in p.facilities}
    problems = []
    for i, r in enumerate(p.routes):
        if r.transport_usd_per_t is not None:
            continue
        for end in (r.from_id, r.to_id):
            f = ids.get(end)
            if f is not None and (f.lat is None or f.lon is None):
                problems.append(
                    Problem(f"routes[{i}].transport_usd_per_t", f"set a cost: {end!r} has no coordinates")
                )
    return problems


def check_scenarios(p: Project) -> list[Problem]:
    """Scenario filters name known facilities; invest overrides name known options."""
    ids = {f.id for f in p.facilities}
    options = {o.id for f in p.facilities for o in f.options}
    problems = []
    for i, s in enumerate(p.scenarios):
        for j, o in enumerate(s.overrides):
            where = getattr(o, "where", None)
            for fid in where.ids if where else []:
                if fid not in ids:
                    problems.append(Problem(f"scenarios[{i}].overrides[{j}].where.ids", f"unknown facility {fid!r}"))
            if getattr(o, "kind", None) == "invest" and o.option_id not in options:
                problems.append(Problem(f"scenarios[{i}].overrides[{j}].option_id", f"unknown expansion option {o.option_id!r}"))
    return problems


CHECKS = (
    check_unique_ids,
    check_routes,
    check_facilities,
    check_years,
    check_missing_transport,
    check_scenarios,
)


def validate_project(p: Project) -> list[Problem]:
    """Run every cross-object check; returns errors and warnings (errors first)."""
    problems: list[Problem] = []
    for check in CHECKS:
        problems.extend(check(p))
    return sorted(problems, key=lambda pr: pr.severity != "error")


def errors(problems: list[Problem]) -> list[Problem]:
    return [pr for pr in problems if pr.severity == "error"]
