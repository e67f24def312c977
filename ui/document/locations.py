"""Problem locations such as ``facilities[3].options[1].max_add_tpy`` parsed into steps."""

from __future__ import annotations

import re
from dataclasses import dataclass

_STEP = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)((?:\[\d+\])*)")


@dataclass(frozen=True)
class Step:
    name: str
    index: int | None = None


def parse_location(location: str) -> list[Step]:
    """'facilities[3].options[1].max_add_tpy' -> [facilities 3, options 1, max_add_tpy];
    'demands[0].tonnes_by_year.2040' -> [demands 0, tonnes_by_year, 2040]. Unparsable parts
    (e.g. 'line 3 column 5') end the list."""
    steps: list[Step] = []
    for part in location.split("."):
        part = part.strip()
        if not part:
            continue
        if part.isdigit():
            steps.append(Step(part))
            continue
        m = _STEP.fullmatch(part)
        if m is None:
            break
        name, brackets = m.group(1), m.group(2)
        indices = [int(i) for i in re.findall(r"\[(\d+)\]", brackets)]
        steps.append(Step(name, indices[0] if indices else None))
    return steps


@dataclass(frozen=True)
class Target:
    """Where a location points: a list of the project and a row in it, maybe a sub-row and field."""

    list_name: str | None  # "facilities", "routes", ..., or None for settings / project fields
    row: int | None = None
    sub_list: str | None = None  # "options" / "overrides"
    sub_row: int | None = None
    field: str | None = None
    year: int | None = None  # for tonnes_by_year / units_by_year columns


def target_of(location: str) -> Target:
    steps = parse_location(location)
    if not steps:
        return Target(None)
    first = steps[0]
    if first.name == "settings":
        return Target(None, field=steps[1].name if len(steps) > 1 else None)
    if first.index is None:
        return Target(None, field=first.name)
    rest = steps[1:]
    sub_list = sub_row = field = year = None
    if rest and rest[0].index is not None:
        sub_list, sub_row = rest[0].name, rest[0].index
        rest = rest[1:]
    if rest:
        field = rest[0].name
        if len(rest) > 1 and rest[1].name.isdigit():
            year = int(rest[1].name)
    return Target(first.name, first.index, sub_list, sub_row, field, year)
