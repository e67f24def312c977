"""Project consistency checks: every problem with its location, none raised early.

Field-level rules (ranges, country codes, enums) are enforced by the schema in
:mod:`models.project`; the ``check_*`` functions here look across objects.
``validate_project`` returns all problems; an empty list means the project can be solved.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Iterable

from pydantic import ValidationError

from .delays import delayed_online_year
from .magnitudes import limit_text, platform_magnet_tonnes, unreal_numbers
from .project import Project
from .scenarios import BASE_SCENARIO_ID, ScenarioError, apply_scenario
from .slips import can_slip
from .vocab import (
    DEMAND_PRODUCTS,
    METAL_OF,
    OXIDE_OF,
    RECIPE_STAGES,
    SOURCED_MATERIALS,
    STOICHIOMETRIC_METAL_PER_OXIDE,
    Element,
    Material,
    Stage,
)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a project. ``location`` is a path like ``facilities[3].capacity_tpy``."""

    location: str
    message: str
    severity: str = "error"  # "error" blocks solving; "warning" does not
    #: the offending value as read (a schema problem of a file: ``found -5``), when ``has_found``
    found: object = dc_field(default=None, compare=False, repr=False)
    has_found: bool = dc_field(default=False, compare=False, repr=False)

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.location else self.message

    def named(self, source: object = None) -> str:
        """The problem by the thing's name and the field's label (models.problem_names):
        ``Facility 'Mountain Pass' (facilities[0]): capacity (t/yr) must be >= 0, found -5``;
        ``source`` is the Project (or a file's raw JSON data) the location points into."""
        from .problem_names import load_message

        return load_message(self.location, self.message, source, self.found, self.has_found)


def format_loc(loc: Iterable[object]) -> str:
    """('facilities', 3, 'capacity_tpy') -> 'facilities[3].capacity_tpy'."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif _PLAIN_KEY.fullmatch(str(part)) or part == "[key]":
            out += ("." if out else "") + str(part)
        else:  # a key with spaces, dots or nothing at all: quoted, so the location stays readable
            out += f"[{_quoted(str(part))}]"
    return out


def _quoted(text: str) -> str:
    """Double-quoted like JSON, with every non-printable character escaped (one line, no tricks)."""
    return '"' + "".join(c if c.isprintable() and c not in '"\\' else json.dumps(c)[1:-1] for c in text) + '"'


_PLAIN_KEY = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_\-]*$")


def problems_from_validation_error(err: ValidationError, prefix: str = "") -> list[Problem]:
    """Translate pydantic errors into located, plain-language problems."""
    problems = []
    for e in err.errors():
        loc = _strip_union_tags(e["loc"])
        inner = format_loc(loc)
        if prefix:  # an already formatted path such as "facilities[0]"
            location = f"{prefix}{inner}" if inner.startswith("[") or not inner else f"{prefix}.{inner}"
        else:
            location = inner
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
        elif e["type"] in _TYPE_WORDS:
            msg = f"must be {_TYPE_WORDS[e['type']]}, not {describe_value(e.get('input'))}"
        elif e["type"] == "enum" and "expected" in e.get("ctx", {}):
            msg = f"must be one of {e['ctx']['expected']}"
        elif e["type"] == "string_pattern_mismatch":
            msg = "must be an id of letters, digits, '_', '.' or '-' (max 64, not starting with a symbol)"
        value = e.get("input")
        shown = (e["type"] not in _TYPE_WORDS and e["type"] not in ("missing", "extra_forbidden")
                 and "input" in e and not isinstance(value, (dict, list)))
        problems.append(Problem(location, msg, found=value if shown else None, has_found=shown))
    return problems


_TYPE_WORDS = {
    "float_type": "a number", "float_parsing": "a number", "int_type": "a whole number",
    "int_parsing": "a whole number", "int_from_float": "a whole number", "bool_type": "true or false",
    "bool_parsing": "true or false", "string_type": "text", "list_type": "a list",
    "dict_type": "an object", "model_type": "an object", "model_attributes_type": "an object",
}


def describe_value(value: object) -> str:
    """A JSON value in a planner's words: null, true, the text '1000', the number 5, a list."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f"the text {value[:40]!r}"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, (int, float)):
        return f"the number {value!r}"
    return type(value).__name__


_UNION_TAGS = {"delay", "market_cap", "demand", "capex", "settings", "policy", "invest", "stock_build"}


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
                Problem(f"{loc}.lat", "no coordinates: routes from or to it need a transport cost ($/t) set by hand",
                        "warning")
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
        for y in f.availability_risk:
            if not lo <= y <= hi:
                problems.append(Problem(f"facilities[{i}].availability_risk.{y}",
                                        f"year outside the horizon {lo}-{hi} (never drawn)", "warning"))
        for j, o in enumerate(f.options):
            if o.earliest_decision_year is not None and o.earliest_decision_year > hi:
                problems.append(
                    Problem(f"facilities[{i}].options[{j}].earliest_decision_year", f"after the horizon end {hi}",
                            "warning")
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


def option_decision_years(p: Project, option_id: str) -> range:
    """Years option ``option_id`` may be decided in ``p`` (as planner.model.network.decision_years):
    from max(start year, earliest decision year) to end year - lead time (online inside the horizon)."""
    s = p.settings
    for f in p.facilities:
        for o in f.options:
            if o.id == option_id:
                return range(max(s.start_year, o.earliest_decision_year or s.start_year),
                             s.end_year - o.lead_time_years + 1)
    return range(0)


def _years_text(years: range) -> str:
    if not years:
        return "it has no decision year in this horizon (its lead time ends after the last year)"
    return (f"its decision years are {years[0]}-{years[-1]}" if len(years) > 1
            else f"its only decision year is {years[0]}")


def check_scenarios(p: Project) -> list[Problem]:
    """Scenario filters name known facilities; invest overrides name known options and a year in
    which the option can be decided (under that scenario: a delay or settings override in it can
    move the decision years); an option's own committed years likewise."""
    problems = []
    for i, f in enumerate(p.facilities):
        for j, o in enumerate(f.options):
            for y, t in sorted(o.committed_tpy_by_year.items()):
                if t > o.max_add_tpy:
                    problems.append(Problem(f"facilities[{i}].options[{j}].committed_tpy_by_year.{y}",
                                            f"{t:,.12g} t/yr is more than the option can add (max_add_tpy "
                                            f"{o.max_add_tpy:,.12g})"))
            allowed = option_decision_years(p, o.id)
            for y in sorted(o.committed_tpy_by_year):
                if y not in allowed:
                    problems.append(Problem(f"facilities[{i}].options[{j}].committed_tpy_by_year.{y}",
                                            f"option {o.id!r} cannot be decided in {y}: {_years_text(allowed)}"))
    for i in range(len(p.scenarios)):
        problems += scenario_problems(p, i)
    return problems


def _stock_build_problems(p: Project, where: str, o) -> list[Problem]:
    """A stock build names a year of the horizon and no more tonnes than the stockpile can hold (an
    unknown stockpile is the applied scenario's error, models.scenarios, located at the override)."""
    stock = next((s for s in p.levers.stockpiles if s.id == o.stockpile_id), None)
    if stock is None:
        return []
    out = []
    if not p.settings.start_year <= o.year <= p.settings.end_year:
        out.append(Problem(f"{where}.year", f"{o.year} is outside the planning years "
                                            f"{p.settings.start_year}-{p.settings.end_year}"))
    if o.tonnes > stock.capacity_t:
        out.append(Problem(f"{where}.tonnes", f"{o.tonnes:,.12g} t is more than stockpile {stock.id!r} can hold "
                                              f"(capacity_t {stock.capacity_t:,.12g})"))
    return out


def scenario_problems(p: Project, i: int) -> list[Problem]:
    """The checks of scenario ``i`` of ``p`` (see check_scenarios), located at it."""
    s = p.scenarios[i]
    ids = {f.id for f in p.facilities}
    max_add = {o.id: o.max_add_tpy for f in p.facilities for o in f.options}
    applied = None
    problems = _scenario_applied_problems(p, i)
    for j, o in enumerate(s.overrides):
        where = getattr(o, "where", None)
        for fid in where.ids if where else []:
            if fid not in ids:
                problems.append(Problem(f"scenarios[{i}].overrides[{j}].where.ids", f"unknown facility {fid!r}"))
        if getattr(o, "kind", None) == "policy":
            known = {x.id for attr in ("offtakes", "price_floors", "grants", "loans") for x in getattr(p.levers, attr)}
            for lid in o.drop_lever_ids:
                if lid not in known:
                    problems.append(Problem(f"scenarios[{i}].overrides[{j}].drop_lever_ids",
                                            f"unknown contract {lid!r} (offtake, price floor, grant or loan): "
                                            "nothing to drop", "warning"))
        if getattr(o, "kind", None) == "stock_build":
            problems += _stock_build_problems(p, f"scenarios[{i}].overrides[{j}]", o)
        if getattr(o, "kind", None) != "invest":
            continue
        if o.option_id not in max_add:
            problems.append(Problem(f"scenarios[{i}].overrides[{j}].option_id",
                                    f"unknown expansion option {o.option_id!r}"))
            continue
        top = max_add[o.option_id]
        if o.added_tpy > top:
            problems.append(Problem(f"scenarios[{i}].overrides[{j}].added_tpy",
                                    f"{o.added_tpy:,.12g} t/yr is more than option {o.option_id!r} can add "
                                    f"(max_add_tpy {top:,.12g}); it would be cut to {top:,.12g} unseen"))
        if applied is None:
            try:
                applied = apply_scenario(p, s)
            except ScenarioError:  # another override is broken (reported above): base years
                applied = p
        allowed = option_decision_years(applied, o.option_id)
        if o.year not in allowed:
            problems.append(Problem(
                f"scenarios[{i}].overrides[{j}].year",
                f"scenario {s.id!r}: option {o.option_id!r} cannot be decided in {o.year} "
                f"(an invest override there would be ignored): {_years_text(allowed)}"))
    return problems


def applied_project_problems(base: Project, applied: Project, scenario: str | None) -> list[Problem]:
    """Errors that refuse a solve of ``applied`` (``base`` with ``scenario`` applied): every check of
    the applied project, except that the scenarios it still stores are not applied again on top of
    it (a demand x 1e5 checked as x 1e10; another scenario's invest year judged under this one's
    delay), plus the checks of the applied scenario itself, located in ``base``."""
    problems = errors(validate_project(applied.model_copy(update={"scenarios": []})))
    key = BASE_SCENARIO_ID if scenario is None else scenario
    try:
        chosen = base.scenario(key)
    except KeyError:
        return problems
    index = next(i for i, s in enumerate(base.scenarios) if s is chosen)
    return problems + errors(scenario_problems(base, index))


def _scenario_applied_problems(p: Project, i: int) -> list[Problem]:
    """Apply scenario ``i`` and report what it breaks, located at the scenario: an override that
    cannot be applied (error), numbers that cannot be real in the applied project (errors, as
    check_magnitudes), a facility a delay pushes to or past its closure year (a warning: it never
    runs in that scenario), a name that is another scenario's id (error: ids are looked up first)."""
    s = p.scenarios[i]
    out: list[Problem] = []
    for k, other in enumerate(p.scenarios):
        if k != i and s.name and s.name == other.id:
            out.append(Problem(f"scenarios[{i}].name", f"the name {s.name!r} is the id of scenarios[{k}]: "
                                                       f"--scenario {s.name} would pick that one; rename it"))
    if s.name == BASE_SCENARIO_ID and s.id != BASE_SCENARIO_ID:
        out.append(Problem(f"scenarios[{i}].name", "the name 'base' is taken by the base project; rename it"))
    try:
        applied = apply_scenario(p, s)
    except ScenarioError as e:
        return out + [Problem(e.location, e.message)]
    for pr in check_magnitudes(applied):
        if pr.severity == "error":
            out.append(Problem(f"scenarios[{i}]", f"scenario {s.id!r} makes {pr.location} {pr.message}"))
    start = p.settings.start_year
    for j, o in enumerate(s.overrides):
        if getattr(o, "kind", None) != "delay":
            continue
        for f in p.facilities:
            moved = delayed_online_year(f, o.years, start) if o.where.matches(f) else None
            if moved is not None and not moved.runs and f.capacity_tpy > 0:
                past = (f"its closure year {f.closure_year}" if f.closure_year is not None
                        else "the last supported year 2200")
                out.append(Problem(f"scenarios[{i}].overrides[{j}]",
                                   f"scenario {s.id!r} delays {f.id!r} by {o.years} years, to or past {past}: "
                                   "it never runs in this scenario", "warning"))
    return out


def _contract_target_problems(loc: str, x, facilities: dict) -> list[Problem]:
    """A contract or lever at ``loc`` names a known facility (``x.facility_id``) that produces its
    material, and the material is not a sourced one (concentrate etc. carry no source assay)."""
    f = facilities.get(x.facility_id)
    if f is None:
        return [Problem(f"{loc}.facility_id", f"unknown facility {x.facility_id!r}")]
    if x.material not in producible(f):
        return [Problem(f"{loc}.material", f"{f.id!r} does not produce {x.material.value}")]
    if x.material in SOURCED_MATERIALS:
        return [Problem(f"{loc}.material", "contracts are on materials without a source assay")]
    return []


def _check_policy_candidates(p: Project) -> list[Problem]:
    """Policy mode's candidate floors and offtakes and facility margins: known facilities, producible
    unsourced materials, a benchmark, unique ids, one supported material per facility."""
    facilities = {f.id: f for f in p.facilities}
    pol = p.levers.policy
    problems: list[Problem] = []
    material_of: dict[str, str] = {}
    for attr in ("candidate_floors", "candidate_offtakes"):
        items = getattr(pol, attr)
        dup = _duplicates([x.id for x in items])
        for i, x in enumerate(items):
            loc = f"levers.policy.{attr}[{i}]"
            if x.id in dup:
                problems.append(Problem(f"{loc}.id", f"duplicate id {x.id!r}"))
            target = _contract_target_problems(loc, x, facilities)
            problems += target
            if not target and material_of.setdefault(x.facility_id, x.material.value) != x.material.value:
                problems.append(Problem(f"{loc}.material",
                                        f"the candidate levers on {x.facility_id!r} must all name one "
                                        f"material ({material_of[x.facility_id]})"))
            if not x.benchmark_usd_per_t_by_year:
                problems.append(Problem(f"{loc}.benchmark_usd_per_t_by_year", "give at least one benchmark year"))
            if getattr(x, "segment", None) is not None and x.material not in DEMAND_PRODUCTS:
                problems.append(Problem(f"{loc}.segment", "a segment applies only to demand products"))
    for fid in pol.facility_margins_usd_per_t:
        if fid not in facilities:
            problems.append(Problem(f"levers.policy.facility_margins_usd_per_t.{fid}", f"unknown facility {fid!r}"))
    return problems


def check_levers(p: Project) -> list[Problem]:
    """Contracts and levers name known facilities, options and producible materials; ids are
    unique per kind; a fixed grant amount needs a yes/no build decision; years lie in the horizon."""
    facilities = {f.id: f for f in p.facilities}
    options = {o.id: o for f in p.facilities for o in f.options}
    lv = p.levers
    lo, hi = p.settings.start_year, p.settings.end_year
    problems: list[Problem] = []
    for attr in ("offtakes", "price_floors", "grants", "loans", "import_licences", "stockpiles"):
        items = getattr(lv, attr)
        dup = _duplicates([x.id for x in items])
        for i, x in enumerate(items):
            if x.id in dup:
                problems.append(Problem(f"levers.{attr}[{i}].id", f"duplicate id {x.id!r}"))
    for attr in ("offtakes", "price_floors"):
        for i, x in enumerate(getattr(lv, attr)):
            problems += _contract_target_problems(f"levers.{attr}[{i}]", x, facilities)
    for i, o in enumerate(lv.offtakes):
        if o.segment is not None and o.material not in DEMAND_PRODUCTS:
            problems.append(Problem(f"levers.offtakes[{i}].segment", "a segment applies only to demand products"))
    for i, pf in enumerate(lv.price_floors):
        if not pf.benchmark_usd_per_t_by_year:
            problems.append(Problem(f"levers.price_floors[{i}].benchmark_usd_per_t_by_year",
                                    "give at least one benchmark year"))
    for i, g in enumerate(lv.grants):
        o = options.get(g.option_id)
        if o is None:
            problems.append(Problem(f"levers.grants[{i}].option_id", f"unknown option {g.option_id!r}"))
        elif g.amount_musd > 0 and not o.has_build_decision:
            problems.append(Problem(f"levers.grants[{i}].amount_musd",
                                    "a fixed amount needs an option with a yes/no build decision "
                                    "(fixed capex or minimum size)"))
        elif g.amount_musd > o.fixed_capex_musd > 0:
            problems.append(Problem(f"levers.grants[{i}].amount_musd",
                                    f"exceeds the option's fixed capex {o.fixed_capex_musd:g}"))
        if g.share == 0 and g.amount_musd == 0:
            problems.append(Problem(f"levers.grants[{i}]", "grant has neither a share nor an amount", "warning"))
    for i, ln in enumerate(lv.loans):
        if ln.option_id is not None and ln.option_id not in options:
            problems.append(Problem(f"levers.loans[{i}].option_id", f"unknown option {ln.option_id!r}"))
        if ln.facility_id is not None and ln.facility_id not in facilities:
            problems.append(Problem(f"levers.loans[{i}].facility_id", f"unknown facility {ln.facility_id!r}"))
        if ln.year is not None and not lo <= ln.year <= hi:
            problems.append(Problem(f"levers.loans[{i}].year", f"year outside the horizon {lo}-{hi}"))
    for oid in lv.policy.option_margins_usd_per_t:
        if oid not in options:
            problems.append(Problem(f"levers.policy.option_margins_usd_per_t.{oid}", f"unknown option {oid!r}"))
    problems += _check_policy_candidates(p)
    for i, s in enumerate(lv.stockpiles):
        if s.material in SOURCED_MATERIALS:
            problems.append(Problem(f"levers.stockpiles[{i}].material",
                                    "a stockpile holds materials without a source assay"))
        for y in s.committed_t_by_year:
            if not lo <= y <= hi:
                problems.append(Problem(f"levers.stockpiles[{i}].committed_t_by_year.{y}",
                                        f"year outside the horizon {lo}-{hi}"))
        if s.max_buy_tpy is not None and any(t > s.max_buy_tpy for t in s.committed_t_by_year.values()):
            problems.append(Problem(f"levers.stockpiles[{i}].committed_t_by_year",
                                    "a committed purchase exceeds the most it may buy per year (max buy, t/yr)"))
    return problems


# ----------------------------------------------------------------------------- physics
#: t of each rare-earth element per t of material, from the stoichiometric factors (oxides: kg
#: metal per kg oxide; metals: 1). Magnets and scrap are not listed here: see MAGNET_CONTENT_MAX.
def element_content(material: Material) -> dict[Element, float]:
    for e, m in OXIDE_OF.items():
        if m is material:
            return {e: STOICHIOMETRIC_METAL_PER_OXIDE[e]}
    for e, m in METAL_OF.items():
        if m is material:
            return {e: 1.0}
    return {}


#: Upper bounds on what a magnet (or magnet scrap) fed to a recycler can hold, t per t (assumed:
#: sintered NdFeB is ~29-33 % NdPr and up to ~10 % Dy or a few % Tb in high-coercivity grades, at
#: most ~35 % rare earths in all; SmCo5 is 33.8 % Sm by stoichiometry, Sm2Co17 ~25 %).
MAGNET_CONTENT_MAX: dict[Material, tuple[dict[Element, float], float]] = {
    Material.NDFEB_SCRAP: ({Element.NDPR: 0.35, Element.DY: 0.12, Element.TB: 0.06}, 0.35),
    Material.NDFEB_MAGNET: ({Element.NDPR: 0.35, Element.DY: 0.12, Element.TB: 0.06}, 0.35),
    Material.SMCO_MAGNET: ({Element.SM: 0.37}, 0.37),
}
#: Least rare-earth content of NdFeB scrap made from rare-earth inputs (assumed: ~25 %; the
#: Nd2Fe14B phase alone is 26.7 % Nd). Scrap made from nothing is a collection point (a source,
#: like a mine); magnets as outputs are sinks.
SCRAP_CONTENT_MIN = 0.25
ELEMENT_TOL = 1e-9


def _recipe_element_balance(f) -> list[tuple[str, float, float]]:
    """(element or "rare earths in all", t out, t in) per t of activity of a recipe facility;
    out > in means the recipe creates mass. Oxide and metal carry stoichiometric content;
    magnet and scrap inputs count at their maximum content; magnet outputs are sinks; scrap
    output counts at its minimum content when the recipe takes any rare-earth input."""
    out_e: dict[Element, float] = {}
    in_e: dict[Element, float] = {}
    in_total = 0.0
    for m, t in f.recipe_inputs.items():
        per_e, total = MAGNET_CONTENT_MAX.get(m, (element_content(m), None))
        for e, c in per_e.items():
            in_e[e] = in_e.get(e, 0.0) + c * t
        in_total += (total if total is not None else sum(per_e.values())) * t
    out_total = 0.0
    for m, t in f.recipe_outputs.items():
        if m is Material.NDFEB_SCRAP:
            out_total += SCRAP_CONTENT_MIN * t if in_total > 0 else 0.0
            continue
        for e, c in element_content(m).items():  # magnets: none (sinks)
            out_e[e] = out_e.get(e, 0.0) + c * t
            out_total += c * t
    rows = [(e.value, out_e[e], in_e.get(e, 0.0)) for e in Element if out_e.get(e, 0.0) > 0]
    if out_total > 0 and in_total > 0:
        rows.append(("rare earths in all", out_total, in_total))
    return rows


def check_element_mass(p: Project) -> list[Problem]:
    """Per rare-earth element, through the stoichiometric factors, no process yields more element
    than it takes in: for a recipe (magnets, recycling, cobalt) sum_out t x content <= sum_in t x
    content per t of activity, with magnet outputs as sinks and magnet or scrap inputs at their
    maximum content. Separation (assay x recovery <= 1), cracking and metal making (recoveries
    <= 1) conserve mass by their schema ranges, so no chain of processes, and no cycle of routes,
    can create element mass (a recycler turning 1 t NdPr metal into 2 t, or metal -> oxide x 1.5,
    is refused here)."""
    problems = []
    for i, f in enumerate(p.facilities):
        if f.stage not in RECIPE_STAGES:
            continue
        for what, out_t, in_t in _recipe_element_balance(f):  # the first violation per facility
            if out_t > in_t * (1 + ELEMENT_TOL) + ELEMENT_TOL:
                problems.append(Problem(
                    f"facilities[{i}].recipe_outputs",
                    f"creates {what}: {out_t:.4g} t of element out per t of activity from {in_t:.4g} t in "
                    "(through the stoichiometric factors); a process cannot make rare-earth mass",
                ))
                break
    return problems


#: Tonnages at or above this cannot be real (world rare-earth oxide output is ~3.5e5 t/yr).
MAX_TONNES = 1e9
MAX_USD_PER_T = 1e12
#: An online year this many years after the horizon end is flagged (it never contributes).
FAR_YEARS = 10


def check_magnitudes(p: Project) -> list[Problem]:
    """Numbers that cannot be real: tonnages >= 1e9 t (demand, capacities, caps, platform
    demand), prices >= $1e12/t, and the limits of models.magnitudes (capex, fixed opex, transport
    per t-km, stocks, lever amounts) (errors); a compliance year outside the horizon, an online year or
    earliest decision year far past it (warnings)."""
    problems: list[Problem] = []

    def big(loc: str, v: float | None, unit: str = "t") -> None:
        if v is not None and v >= MAX_TONNES:
            problems.append(Problem(loc, f"{v:.3g} {unit} cannot be real (at most {MAX_TONNES:.0e} {unit})"))

    for i, d in enumerate(p.demands):
        for y, t in d.tonnes_by_year.items():
            big(f"demands[{i}].tonnes_by_year.{y}", t)
    for i, pl in enumerate(p.platforms):
        for y, u in pl.units_by_year.items():
            big(f"platforms[{i}].units_by_year.{y}", platform_magnet_tonnes(pl, u), "t of magnet demand")
    for loc, value, limit in unreal_numbers(p):
        problems.append(Problem(loc, limit_text(value, limit)))
    for i, f in enumerate(p.facilities):
        big(f"facilities[{i}].capacity_tpy", f.capacity_tpy, "t/yr")
        for j, o in enumerate(f.options):
            big(f"facilities[{i}].options[{j}].max_add_tpy", o.max_add_tpy, "t/yr")
        if f.variable_opex_usd_per_t >= MAX_USD_PER_T:
            problems.append(Problem(f"facilities[{i}].variable_opex_usd_per_t", "cannot be real (at most $1e12/t)"))
    for i, r in enumerate(p.routes):
        big(f"routes[{i}].capacity_tpy", r.capacity_tpy, "t/yr")
        if r.transport_usd_per_t is not None and r.transport_usd_per_t >= MAX_USD_PER_T:
            problems.append(Problem(f"routes[{i}].transport_usd_per_t", "cannot be real (at most $1e12/t)"))
    for i, m in enumerate(p.markets):
        big(f"markets[{i}].cap_tpy", m.cap_tpy, "t/yr")
        if m.price_usd_per_t >= MAX_USD_PER_T:
            problems.append(Problem(f"markets[{i}].price_usd_per_t", "cannot be real (at most $1e12/t)"))
    s = p.settings
    if not s.start_year <= s.compliance_start_year <= s.end_year:
        when = ("every year of the horizon must be compliant" if s.compliance_start_year < s.start_year
                else "no year of the horizon is held to the compliance rule")
        problems.append(Problem("settings.compliance_start_year",
                                f"{s.compliance_start_year} is outside the horizon {s.start_year}-{s.end_year}: {when}",
                                "warning"))
    for i, f in enumerate(p.facilities):
        if f.online_year is not None and f.online_year > s.end_year + FAR_YEARS:
            problems.append(Problem(f"facilities[{i}].online_year",
                                    f"{f.online_year} is more than {FAR_YEARS} years after the horizon end "
                                    f"{s.end_year}: the facility never contributes", "warning"))
    return problems


def check_risk_catalogue(p: Project) -> list[Problem]:
    """The risk catalogue's references: facilities, countries and products it names must exist."""
    cat = p.settings.risk.catalogue
    if cat is None:
        return []
    problems: list[Problem] = []
    where = "settings.risk.catalogue"
    ids = {f.id for f in p.facilities}
    for i, o in enumerate(cat.facility_outages):
        if o.facility_id not in ids:
            problems.append(Problem(f"{where}.facility_outages[{i}].facility_id",
                                    f"unknown facility {o.facility_id!r}"))
    countries = {f.country for f in p.facilities} | {m.origin_country for m in p.markets}
    for i, e in enumerate(cat.export_stops):
        if e.country not in countries:
            problems.append(Problem(f"{where}.export_stops[{i}].country",
                                    f"no facility or market in {e.country}: the stop would change nothing", "warning"))
    products = {d.product for d in p.demands if d.segment.value == "defense"} | (
        {"ndfeb_magnet", "smco_magnet"} if p.platforms else set())
    for i, sg in enumerate(cat.demand_surges):
        if sg.product.value not in {getattr(x, "value", x) for x in products}:
            problems.append(Problem(f"{where}.demand_surges[{i}].product",
                                    f"no defense demand of {sg.product.value} to surge", "warning"))
    problems.extend(_check_slips(p, where))
    return problems


def _check_slips(p: Project, where: str) -> list[Problem]:
    """facility_slips name known facilities (error); a slip with a probability that can change
    nothing in the horizon (no new circuit, no ramp left, qualified already) is a warning
    (models.slips; probability 0 is how an entry switches its stage's default off)."""
    facilities = {f.id: f for f in p.facilities}
    problems: list[Problem] = []
    for i, fs in enumerate(p.settings.risk.catalogue.facility_slips):
        f = facilities.get(fs.facility_id)
        if f is None:
            problems.append(Problem(f"{where}.facility_slips[{i}].facility_id", f"unknown facility {fs.facility_id!r}"))
            continue
        for kind in ("circuit", "ramp_up", "qualification"):
            entry = getattr(fs, kind)
            if entry is not None and entry.probability > 0 and not can_slip(f, kind, p.settings):
                why = {"circuit": "no circuit (element_online_year) starts in the horizon",
                       "ramp_up": "no ramp-up (online_year, ramp_up_shares) left in the horizon",
                       "qualification": "it is not due to qualify in the horizon"}[kind]
                problems.append(Problem(f"{where}.facility_slips[{i}].{kind}",
                                        f"facility {f.id!r} has nothing to slip: {why}", "warning"))
    return problems


def check_sales_markets(p: Project) -> list:
    """Each sales market sells a material without a source assay, names known facilities that make
    it, and lists years inside the horizon; each reported output names a known facility."""
    facilities = {f.id: f for f in p.facilities}
    problems: list[Problem] = []
    s = p.settings
    seen: set[str] = set()
    for i, m in enumerate(p.sales_markets):
        loc = f"sales_markets[{i}]"
        if m.id in seen:
            problems.append(Problem(f"{loc}.id", f"duplicate sales market id {m.id!r}"))
        seen.add(m.id)
        if m.material in SOURCED_MATERIALS:
            problems.append(Problem(f"{loc}.material", f"{m.material.value} carries its mine's assay: sell oxide, "
                                                        "metal or magnets instead"))
        for j, fid in enumerate(m.facility_ids):
            f = facilities.get(fid)
            if f is None:
                problems.append(Problem(f"{loc}.facility_ids[{j}]", f"unknown facility {fid!r}"))
            elif m.material not in producible(f):
                problems.append(Problem(f"{loc}.facility_ids[{j}]", f"{fid!r} does not produce {m.material.value}"))
        for field in ("reserved_tpy_by_year",):
            for y in getattr(m, field):
                if not s.start_year <= y <= s.end_year:
                    problems.append(Problem(f"{loc}.{field}", f"year {y} is outside the horizon "
                                                             f"{s.start_year}-{s.end_year}", "warning"))
    for i, r in enumerate(p.reported_output):
        if r.facility_id not in facilities:
            problems.append(Problem(f"reported_output[{i}].facility_id", f"unknown facility {r.facility_id!r}"))
    return problems


CHECKS = (
    check_unique_ids,
    check_routes,
    check_facilities,
    check_years,
    check_missing_transport,
    check_scenarios,
    check_element_mass,
    check_magnitudes,
    check_levers,
    check_risk_catalogue,
    check_sales_markets,
)


def validate_project(p: Project) -> list[Problem]:
    """Run every cross-object check; returns errors and warnings (errors first)."""
    problems: list[Problem] = []
    for check in CHECKS:
        problems.extend(check(p))
    return sorted(problems, key=lambda pr: pr.severity != "error")


def errors(problems: list[Problem]) -> list[Problem]:
    return [pr for pr in problems if pr.severity == "error"]
