"""Names, not ids: how facilities, expansion options and scenarios are called on screen.

Ids stay in tooltips. The base case has one name everywhere: the name of the project's
``base`` scenario when it has one (the real sample: "Base case"), else "Base case".
"""

from __future__ import annotations

from typing import Any

BASE_ID = "base"
BASE_NAME = "Base case"


def base_scenario_name(project: Any) -> str:
    for sc in getattr(project, "scenarios", []) or []:
        if sc.id == BASE_ID:
            return sc.name or BASE_NAME
    return BASE_NAME


def scenario_choices(project: Any) -> list[tuple[str, str | None]]:
    """(name, id) for a scenario picker: the base case first (id None), then every other scenario."""
    return [(base_scenario_name(project), None)] + [
        (sc.name or sc.id, sc.id) for sc in getattr(project, "scenarios", []) or [] if sc.id != BASE_ID]


def scenario_name(project: Any, scenario_id: str | None) -> str:
    """None / "base" -> the base case's name; a scenario id -> its name (the id when unknown)."""
    if not scenario_id or scenario_id == BASE_ID:
        return base_scenario_name(project)
    for sc in getattr(project, "scenarios", []) or []:
        if sc.id == scenario_id:
            return sc.name or sc.id
    return scenario_id


def facility_name(project: Any, facility_id: str) -> str:
    for f in getattr(project, "facilities", []) or []:
        if f.id == facility_id:
            return f.name or f.id
    return facility_id


def option_name(project: Any, facility_id: str, option_id: str) -> str:
    """The expansion option's name ("Expansion" when unnamed); the id when unknown."""
    for f in getattr(project, "facilities", []) or []:
        if f.id == facility_id:
            for o in f.options:
                if o.id == option_id:
                    return o.name or o.id
    return option_id


def investment_name(project: Any, facility_id: str, option_id: str) -> str:
    """'Aclara Carina: Carina build' (facility name: option name)."""
    return f"{facility_name(project, facility_id)}: {option_name(project, facility_id, option_id)}"


def investment_text(added_tpy: float, online_year: int) -> str:
    """'3,068 t/yr · online 2026': the added capacity and the year it first produces."""
    return f"{added_tpy:,.0f} t/yr \u00b7 online {online_year}"


def connect_text(project: Any, route: Any) -> str:
    """The undo text of a new route: 'Connect Mountain Pass mine to MP metal plant' (names, not ids)."""
    return f"Connect {facility_name(project, route.from_id)} to {facility_name(project, route.to_id)}"


def route_text(project: Any, route: Any) -> str:
    """'Mountain Pass mine \u2192 MP metal plant': a route by its ends' names."""
    return f"{facility_name(project, route.from_id)} \u2192 {facility_name(project, route.to_id)}"
