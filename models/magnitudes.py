"""Numbers that pass the schema (finite, >= 0) but cannot be real, and would overflow the model's
costs to infinity (a price of 1e308 $/t x 1 t/yr is finite; summed over years it is not) or leave
the solver with a model it cannot solve ("solver failed: Unknown"). Each is an error, located.

Limits (each at least 1,000 times anything real):

* tonnes and t/yr: < 1e9 (world rare-earth oxide output is ~3.5e5 t/yr);
* money per tonne ($/t, $/t/yr, margins in either sign): < 1e12;
* money in $M (fixed capex and opex, grants, loans, budgets): < 1e9 ($1e15, ten times world GDP);
* capex per t/yr ($M per t/yr): < 1e6 (= $1e12 per t/yr);
* transport per tonne-km ($/t/km): < 1e6 (x 20,000 km = $2e10/t);
* platforms: magnet demand units x magnet kg per unit / 1000 < 1e9 t, with the kg converted from
  rare-earth content by the RE share (a share of 1e-300 makes any content unreal).
"""

from __future__ import annotations

from typing import Iterator

from .project import Project

#: (limit, unit) pairs
MAX_TONNES = (1e9, "t")
MAX_USD_PER_T = (1e12, "$/t")
MAX_MUSD = (1e9, "$M")
MAX_MUSD_PER_TPY = (1e6, "$M per t/yr")
MAX_USD_PER_T_KM = (1e6, "$/t/km")

#: lever lists and their fields: (list attribute, [(field, limit)]); ``*_by_year`` fields are dicts
_LEVER_FIELDS = (
    ("offtakes", [("min_tpy", MAX_TONNES), ("min_tpy_by_year", MAX_TONNES), ("max_tpy", MAX_TONNES),
                  ("price_usd_per_t", MAX_USD_PER_T)]),
    ("price_floors", [("floor_usd_per_t", MAX_USD_PER_T), ("benchmark_usd_per_t_by_year", MAX_USD_PER_T)]),
    ("grants", [("amount_musd", MAX_MUSD)]),
    ("loans", [("amount_musd", MAX_MUSD)]),
    ("import_licences", [("cap_tpy", MAX_TONNES)]),
    ("stockpiles", [("capacity_t", MAX_TONNES), ("initial_t", MAX_TONNES), ("holding_usd_per_t_yr", MAX_USD_PER_T),
                    ("purchase_price_usd_per_t", MAX_USD_PER_T), ("committed_t_by_year", MAX_TONNES),
                    ("max_buy_tpy", MAX_TONNES)]),
)
_CANDIDATE_FIELDS = (
    ("candidate_floors", [("floor_usd_per_t", MAX_USD_PER_T), ("benchmark_usd_per_t_by_year", MAX_USD_PER_T),
                          ("max_tpy", MAX_TONNES)]),
    ("candidate_offtakes", [("price_usd_per_t", MAX_USD_PER_T), ("benchmark_usd_per_t_by_year", MAX_USD_PER_T),
                            ("max_tpy", MAX_TONNES)]),
)


def _values(loc: str, value) -> Iterator[tuple[str, float]]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield f"{loc}.{k}", v
    elif value is not None:
        yield loc, value


def unreal_numbers(p: Project) -> Iterator[tuple[str, float, tuple[float, str]]]:
    """(location, value, (limit, unit)) of every number at or above its limit (absolute value, for
    margins that may be negative)."""

    def check(loc: str, value, limit: tuple[float, str]):
        for where, v in _values(loc, value):
            if abs(v) >= limit[0]:
                yield where, v, limit

    s = p.settings
    yield from check("settings.transport_usd_per_t_km", s.transport_usd_per_t_km, MAX_USD_PER_T_KM)
    yield from check("settings.unmet_penalty_usd_per_t", s.unmet_penalty_usd_per_t, MAX_USD_PER_T)
    yield from check("settings.stock_holding_usd_per_t_yr", s.stock_holding_usd_per_t_yr, MAX_USD_PER_T)
    yield from check("settings.budget_musd_per_year", s.budget_musd_per_year, MAX_MUSD)
    yield from check("settings.budget_total_musd", s.budget_total_musd, MAX_MUSD)
    for i, f in enumerate(p.facilities):
        loc = f"facilities[{i}]"
        yield from check(f"{loc}.fixed_opex_musd_per_yr", f.fixed_opex_musd_per_yr, MAX_MUSD)
        yield from check(f"{loc}.stock_initial_t", f.stock_initial_t, MAX_TONNES)
        yield from check(f"{loc}.stock_max_draw_tpy", f.stock_max_draw_tpy, MAX_TONNES)
        yield from check(f"{loc}.stock_holding_usd_per_t_yr", f.stock_holding_usd_per_t_yr, MAX_USD_PER_T)
        for j, o in enumerate(f.options):
            oloc = f"{loc}.options[{j}]"
            yield from check(f"{oloc}.capex_musd_per_tpy", o.capex_musd_per_tpy, MAX_MUSD_PER_TPY)
            yield from check(f"{oloc}.fixed_capex_musd", o.fixed_capex_musd, MAX_MUSD)
            yield from check(f"{oloc}.fixed_opex_musd_per_yr", o.fixed_opex_musd_per_yr, MAX_MUSD)
            yield from check(f"{oloc}.committed_tpy_by_year", o.committed_tpy_by_year, MAX_TONNES)
    lv = p.levers
    for attr, fields in _LEVER_FIELDS:
        for i, x in enumerate(getattr(lv, attr)):
            for field, limit in fields:
                yield from check(f"levers.{attr}[{i}].{field}", getattr(x, field), limit)
    yield from check("levers.government_budget_musd_per_year", lv.government_budget_musd_per_year, MAX_MUSD)
    yield from check("levers.government_budget_total_musd", lv.government_budget_total_musd, MAX_MUSD)
    pol = lv.policy
    for attr, fields in _CANDIDATE_FIELDS:
        for i, x in enumerate(getattr(pol, attr)):
            for field, limit in fields:
                yield from check(f"levers.policy.{attr}[{i}].{field}", getattr(x, field), limit)
    yield from check("levers.policy.option_margins_usd_per_t", pol.option_margins_usd_per_t, MAX_USD_PER_T)
    yield from check("levers.policy.facility_margins_usd_per_t", pol.facility_margins_usd_per_t, MAX_USD_PER_T)


def platform_magnet_tonnes(pl, units: float) -> float:
    """t of magnet a platform's ``units`` need: units x max(NdFeB, SmCo magnet kg per unit) / 1000,
    the kg converted from rare-earth content by the RE share where that is the basis."""
    try:
        kg = max(pl.ndfeb_magnet_kg_per_unit, pl.smco_magnet_kg_per_unit)
        return units * kg / 1000.0
    except OverflowError:
        return float("inf")


def limit_text(value: float, limit: tuple[float, str]) -> str:
    """'1e+308 $/t cannot be real (at most 1e+12 $/t)'."""
    top, unit = limit
    return f"{value:.3g} {unit} cannot be real (at most {top:.0e} {unit})"
