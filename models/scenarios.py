"""Apply a scenario's overrides to a copy of the base project.

The base project is never modified. Overrides apply in the order listed.
"""

from __future__ import annotations

from .project import (
    CapexOverride,
    DelayOverride,
    DemandOverride,
    MarketCapOverride,
    Project,
    Scenario,
    PolicyOverride,
    SalesOverride,
    SettingsOverride,
)
from .vocab import Material, Segment

BASE_SCENARIO_ID = "base"


def _apply_delay(p: Project, o: DelayOverride) -> None:
    """Online year += years for matching facilities not yet online; option decision years too."""
    for f in p.facilities:
        if not o.where.matches(f):
            continue
        if f.online_year is not None and f.online_year >= p.settings.start_year:
            f.online_year = f.online_year + o.years
        elif f.online_year is None and f.status.value != "operating":
            f.online_year = p.settings.start_year + o.years
        for opt in f.options:
            base = opt.earliest_decision_year or p.settings.start_year
            opt.earliest_decision_year = base + o.years


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
    for field in ("budget_musd_per_year", "budget_total_musd", "de_minimis_share", "compliance_start_year", "discount_rate"):
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
}


def apply_scenario(project: Project, scenario: Scenario | str | None) -> Project:
    """Return a deep copy of ``project`` with the scenario's overrides applied.

    ``scenario`` may be a Scenario, its id or name, or None / "base" for the base project
    (a "base" scenario stored in the project is applied if present).
    """
    copy = project.model_copy(deep=True)
    if scenario is None:
        return copy
    if isinstance(scenario, str):
        try:
            scenario = project.scenario(scenario)
        except KeyError:
            if scenario == BASE_SCENARIO_ID:
                return copy
            known = ", ".join(s.id for s in project.scenarios) or "none"
            raise KeyError(f"unknown scenario {scenario!r} (known: {known})") from None
    for override in scenario.overrides:
        _APPLY[override.kind](copy, override)
    if scenario.licence_year is not None:
        copy.settings.licence_year = scenario.licence_year
    return copy
