"""Apply a scenario's overrides to a copy of the base project.

The base project is never modified. Overrides apply in the order listed.
"""

from __future__ import annotations

from pydantic import ValidationError

from .delays import DelayError, delay_facility
from .project import (
    CapexOverride,
    DelayOverride,
    DemandOverride,
    MarketCapOverride,
    PolicyOverride,
    Project,
    SalesOverride,
    Scenario,
    SettingsOverride,
    StockBuildOverride,
)
from .vocab import Material, Segment

BASE_SCENARIO_ID = "base"


def _apply_delay(p: Project, o: DelayOverride, where: str = "") -> None:
    """The shared delay rule (models.delays) for every matching facility and its options."""
    s = p.settings
    for i, f in enumerate(p.facilities):
        if o.where.matches(f):
            p.facilities[i] = delay_facility(f, o.years, s.start_year, s.end_year, where=f"facilities[{i}]")


def _apply_market_cap(p: Project, o: MarketCapOverride) -> None:
    """cap := cap x factor (an unlimited cap becomes 0 when factor is 0)."""
    for m in p.markets:
        if o.origin_countries and m.origin_country not in o.origin_countries:
            continue
        if o.materials and m.material not in o.materials:
            continue
        if m.cap_tpy is None:
            if o.factor == 0:
                m.cap_tpy = 0.0
        else:
            m.cap_tpy = m.cap_tpy * o.factor


def _demand_matches(o: DemandOverride, product: Material, segment: Segment) -> bool:
    return (o.segment is None or o.segment == segment) and (not o.products or product in o.products)


def _apply_demand(p: Project, o: DemandOverride) -> None:
    """tonnes := tonnes x factor for matching demands; defense platforms' units x factor."""
    for d in p.demands:
        if _demand_matches(o, d.product, d.segment):
            d.tonnes_by_year = {y: t * o.factor for y, t in d.tonnes_by_year.items()}
    if o.segment in (None, Segment.DEFENSE):
        for pl in p.platforms:
            touches = (pl.ndfeb_kg_per_unit and _demand_matches(o, Material.NDFEB_MAGNET, Segment.DEFENSE)) or (
                pl.smco_kg_per_unit and _demand_matches(o, Material.SMCO_MAGNET, Segment.DEFENSE)
            )
            if touches and not o.products:
                pl.units_by_year = {y: u * o.factor for y, u in pl.units_by_year.items()}
            elif touches:
                if Material.NDFEB_MAGNET in o.products:
                    pl.ndfeb_kg_per_unit = pl.ndfeb_kg_per_unit * o.factor
                if Material.SMCO_MAGNET in o.products:
                    pl.smco_kg_per_unit = pl.smco_kg_per_unit * o.factor


def _apply_capex(p: Project, o: CapexOverride) -> None:
    """capex_musd_per_tpy and fixed_capex_musd x factor for options of matching facilities."""
    for f in p.facilities:
        if o.where.matches(f):
            for opt in f.options:
                opt.capex_musd_per_tpy = opt.capex_musd_per_tpy * o.factor
                opt.fixed_capex_musd = opt.fixed_capex_musd * o.factor


def _apply_settings(p: Project, o: SettingsOverride) -> None:
    for field in ("budget_musd_per_year", "budget_total_musd", "de_minimis_share", "compliance_start_year",
                  "discount_rate"):
        value = getattr(o, field)
        if value is not None:
            setattr(p.settings, field, value)


def _apply_policy(p: Project, o: PolicyOverride) -> None:
    """Policy-design mode on/off, the government budget (levers.government_budget_*), and the input
    contracts named in drop_lever_ids removed (the optimizer decides them as candidates instead)."""
    p.levers.policy.enabled = o.enabled
    drop = set(o.drop_lever_ids)
    for attr in ("offtakes", "price_floors", "grants", "loans"):
        setattr(p.levers, attr, [x for x in getattr(p.levers, attr) if x.id not in drop])
    for sc in p.scenarios:  # the copy no longer holds them: its own scenarios have nothing left to drop
        for ov in sc.overrides:
            if getattr(ov, "kind", None) == "policy":
                ov.drop_lever_ids = [i for i in ov.drop_lever_ids if i not in drop]
    for field in ("government_budget_musd_per_year", "government_budget_total_musd"):
        value = getattr(o, field)
        if value is not None:
            setattr(p.levers, field, value)



def _apply_invest(p: Project, o) -> None:
    """The option's committed_tpy_by_year[year] := max(existing, added_tpy) (the model's lower bound)."""
    for f in p.facilities:
        for opt in f.options:
            if opt.id == o.option_id:
                opt.committed_tpy_by_year = {**opt.committed_tpy_by_year,
                                             o.year: max(o.added_tpy, opt.committed_tpy_by_year.get(o.year, 0.0))}



class _UnknownStockpile(ValueError):
    """A stock build names a stockpile the project does not have."""


def _apply_stock_build(p: Project, o: StockBuildOverride) -> None:
    """Stockpile ``stockpile_id``: min_level_t_by_year[year] := max(existing, tonnes) (a floor on its
    year-end level, t; the model prices a shortfall like unmet demand)."""
    for s in p.levers.stockpiles:
        if s.id == o.stockpile_id:
            s.min_level_t_by_year = {**s.min_level_t_by_year,
                                     o.year: max(o.tonnes, s.min_level_t_by_year.get(o.year, 0.0))}
            return
    known = ", ".join(s.id for s in p.levers.stockpiles) or "none"
    raise _UnknownStockpile(f"stock build: unknown government stockpile {o.stockpile_id!r} (known: {known})")


def _apply_sales(p: Project, o: SalesOverride) -> None:
    """Matching sales markets: cap(y) x cap_factor and price(y) x price_factor for every listed year
    (an unlimited cap stays unlimited)."""
    for m in p.sales_markets:
        if (o.market_ids and m.id not in o.market_ids) or (o.countries and m.country not in o.countries) \
                or (o.materials and m.material not in o.materials):
            continue
        m.cap_tpy_by_year = {y: c * o.cap_factor for y, c in m.cap_tpy_by_year.items()}
        m.price_usd_per_t_by_year = {y: v * o.price_factor for y, v in m.price_usd_per_t_by_year.items()}


_APPLY = {
    "sales": _apply_sales,
    "policy": _apply_policy,
    "invest": _apply_invest,
    "delay": _apply_delay,
    "market_cap": _apply_market_cap,
    "demand": _apply_demand,
    "capex": _apply_capex,
    "settings": _apply_settings,
    "stock_build": _apply_stock_build,
}


class ScenarioError(ValueError):
    """A scenario's override cannot be applied (a factor that overflows, a delay past the supported
    years). ``location`` is ``scenarios[i].overrides[j]`` (or the scenario's id when it is not
    stored in the project); ``message`` says what broke, in the planner's words."""

    def __init__(self, location: str, message: str):
        super().__init__(f"{location}: {message}")
        self.location = location
        self.message = message


def _override_problem(e: Exception) -> str:
    if isinstance(e, DelayError):
        return e.message
    first = e.errors()[0] if isinstance(e, ValidationError) and e.errors() else None
    if first is None:
        return str(e)
    value = first.get("input")
    what = f"the value {value!r}" if isinstance(value, (int, float)) else "a value"
    if first["type"] == "finite_number" or (isinstance(value, float) and value != value):
        return f"it makes {what} that is not a finite number (a factor too large?)"
    return f"it makes {what} the project refuses: {first['msg']}"


def apply_scenario(project: Project, scenario: Scenario | str | None) -> Project:
    """Return a deep copy of ``project`` with the scenario's overrides applied.

    ``scenario`` may be a Scenario, its id or name (ids first), or None / "base" for the base
    project (a "base" scenario stored in the project is applied if present). Raises KeyError for
    an unknown scenario and ScenarioError when an override cannot be applied. In the copy, a
    stored "base" scenario has no overrides left (the copy is the scenario's project: applying
    "no scenario" to it again changes nothing, also after a JSON round trip to a cluster worker).
    """
    copy = project.model_copy(deep=True)
    if scenario is None:  # the base: a stored "base" scenario is the base (as ``--scenario base``)
        if not any(s.id == BASE_SCENARIO_ID for s in project.scenarios):
            return copy
        scenario = BASE_SCENARIO_ID
    if isinstance(scenario, str):
        try:
            scenario = project.scenario(scenario)
        except KeyError:
            if scenario == BASE_SCENARIO_ID:
                return copy
            known = ", ".join(s.id for s in project.scenarios) or "none"
            raise KeyError(f"unknown scenario {scenario!r} (known: {known})") from None
    index = next((i for i, s in enumerate(project.scenarios) if s is scenario), None)
    prefix = f"scenarios[{index}]" if index is not None else f"scenario {scenario.id!r}"
    for j, override in enumerate(scenario.overrides):
        try:
            _APPLY[override.kind](copy, override)
        except (ValidationError, DelayError, OverflowError, _UnknownStockpile) as e:
            raise ScenarioError(f"{prefix}.overrides[{j}]",
                                f"scenario {scenario.id!r}: {_override_problem(e)}") from None
    for stored in copy.scenarios:  # the copy is this scenario's project: its own base adds nothing more
        if stored.id == BASE_SCENARIO_ID:  # (a solve of the copy with no scenario must not apply it again)
            stored.overrides = []
    if scenario.licence_year is not None:  # China's licence reaches content from this year
        copy.settings.licence_year = scenario.licence_year
    return copy


def government_budget_overrides(project: Project) -> list[tuple[Scenario, float | None, float | None]]:
    """Scenarios whose policy override sets its own government budget: (scenario, $M per year or
    None, $M in total or None). When such a scenario is solved its budget replaces the project's
    (levers.government_budget_*); every other scenario and the base use the project's."""
    out = []
    for sc in project.scenarios:
        for ov in sc.overrides:
            if isinstance(ov, PolicyOverride) and (ov.government_budget_musd_per_year is not None
                                                    or ov.government_budget_total_musd is not None):
                out.append((sc, ov.government_budget_musd_per_year, ov.government_budget_total_musd))
    return out


def _budget_text(per_year: float | None, total: float | None) -> str:
    parts = ([f"${per_year:,.1f}M per year"] if per_year is not None else []) + (
        [f"${total:,.1f}M in total"] if total is not None else [])
    return " and ".join(parts) or "no cap"


def government_budget_note(project: Project, scenario: str | None = None) -> str:
    """Plain words on which government budget applies.

    Without ``scenario``: for the Policy design page (which scenarios replace the page's budget).
    With one: for a result of that scenario (whose budget it was solved with, and whether a
    scenario override replaced the project's)."""
    own = _budget_text(project.levers.government_budget_musd_per_year, project.levers.government_budget_total_musd)
    overrides = government_budget_overrides(project)
    if scenario is None:
        if not overrides:
            return f"Every scenario and the base case use this budget ({own}); no scenario sets its own."
        names = "; ".join(f"'{sc.name or sc.id}' sets {_budget_text(y, t)}" for sc, y, t in overrides)
        n_other = len(project.scenarios) - len(overrides)
        return (f"Replaced when solving: {names}, which replaces this budget when that scenario is solved. "
                f"The base case and the {n_other} other scenario{'s' if n_other != 1 else ''} use this budget ({own}).")
    match = [(sc, y, t) for sc, y, t in overrides if scenario in (sc.id, sc.name)]
    if match:
        sc, y, t = match[0]
        return (f"{_budget_text(y, t)}, set by scenario '{sc.name or sc.id}' (it replaces the project's "
                f"government budget, {own})")
    return f"{own} (the project's; this scenario does not set its own)"
