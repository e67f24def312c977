"""Derived per-year figures: existing capacity schedules and total demand (incl. platforms)."""

from __future__ import annotations

from collections import defaultdict

from .project import ExpansionOption, Facility, Project, Settings
from .vocab import Material, Segment


def ramp_share(ramp_up_shares: list[float], years_since_online: int) -> float:
    """Share of nameplate available ``years_since_online`` years after first output.

    ramp_up_shares[i] applies in year online + i; after the list ends, the share is 1.
    Before online (negative argument) the share is 0.
    """
    if years_since_online < 0:
        return 0.0
    if years_since_online < len(ramp_up_shares):
        return float(ramp_up_shares[years_since_online])
    return 1.0


def existing_capacity_tpy(facility: Facility, year: int) -> float:
    """Existing capacity (t/yr of activity) in ``year``.

    capacity_tpy x ramp_share(year - online_year); 0 from closure_year on. A facility without
    online_year is at full capacity throughout the horizon.
    """
    if facility.closure_year is not None and year >= facility.closure_year:
        return 0.0
    if facility.online_year is None:
        return facility.capacity_tpy
    return facility.capacity_tpy * ramp_share(facility.ramp_up_shares, year - facility.online_year)


def platform_demand_t(project: Project) -> dict[tuple[Material, int], float]:
    """Defense magnet demand from platform build schedules, t by (product, year).

    t = units built x magnet kg per unit / 1000 (rare-earth kg converted: kg / RE share).
    """
    out: dict[tuple[Material, int], float] = defaultdict(float)
    for p in project.platforms:
        for year, units in p.units_by_year.items():
            if p.ndfeb_kg_per_unit:
                out[(Material.NDFEB_MAGNET, year)] += units * p.ndfeb_magnet_kg_per_unit / 1000.0
            if p.smco_kg_per_unit:
                out[(Material.SMCO_MAGNET, year)] += units * p.smco_magnet_kg_per_unit / 1000.0
    return dict(out)


def total_demand_t(project: Project) -> dict[tuple[Material, Segment, int], float]:
    """All demand in t by (product, segment, year): explicit demands plus platform demand."""
    out: dict[tuple[Material, Segment, int], float] = defaultdict(float)
    for d in project.demands:
        for year, t in d.tonnes_by_year.items():
            out[(d.product, d.segment, year)] += t
    for (product, year), t in platform_demand_t(project).items():
        out[(product, Segment.DEFENSE, year)] += t
    return dict(out)


def qualification_lag(facility: Facility, settings: Settings, option: ExpansionOption | None = None) -> int:
    """Years from first output until defense buyers accept the output (supplier qualification).

    An option's own ``qualification_years`` if set, else the facility's, else
    ``settings.qualification_years_by_stage[stage]``, else 0.
    """
    if option is not None and option.qualification_years is not None:
        return option.qualification_years
    if facility.qualification_years is not None:
        return facility.qualification_years
    return settings.qualification_years_by_stage.get(facility.stage, 0)


def qualified_from_year(facility: Facility, settings: Settings) -> int | None:
    """First year the facility's existing capacity may serve defense: online_year + lag.

    A facility without online_year (online before the horizon) is taken as qualified already;
    None when it has no existing capacity (only expansion options, each qualified from its
    online year + lag).
    """
    if facility.capacity_tpy <= 0:
        return None
    if facility.online_year is None:
        return settings.start_year
    return facility.online_year + qualification_lag(facility, settings)
