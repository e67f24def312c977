"""Schema migrations: each step turns version n into n + 1 on plain JSON data.

Version 1 (the first public format) differs from version 2 in three ways:
- ``facilities[*].capacity_schedule`` was a list ``[{"year": y, "capacity_tpy": c}]``; version 2
  uses ``capacity_tpy`` + ``online_year`` (+ ``ramp_up_shares``); we take the final capacity and
  the first year with output, and turn intermediate steps into ramp-up shares.
- ``demands[*].tonnes`` was a list ``[{"year": y, "t": x}]``; version 2 uses ``tonnes_by_year``.
- ``settings.deminimis`` was renamed ``settings.de_minimis_share``.

Version 3 adds optional sections and fields (demand priorities, finite stocks, qualification lags,
platform content basis, contracts and policy levers); every one has a default that reproduces the
version-2 meaning, so a version-2 file migrates by taking the defaults. Issue 9 (parts 5-8) adds:
``facilities[*].stock_initial_t`` / ``stock_max_draw_tpy`` / ``stock_holding_usd_per_t_yr`` (None /
None / 0: no finite stock), ``facilities[*].qualification_years`` and
``facilities[*].options[*].qualification_years`` (None: the stage default),
``settings.qualification_years_by_stage`` (empty: no lag) and ``settings.qualification_note``,
``facilities[*].element_online_year`` (empty: every element from the plant's start),
``platforms[*].ndfeb_kg_basis`` / ``smco_kg_basis`` ("magnet": the kg are magnet mass, as in v2) with
``ndfeb_re_share`` / ``smco_re_share`` (t rare earth per t magnet, used for "rare_earth" kg).
- ``levers`` (offtakes, price_floors, grants, loans, import_licences, stockpiles, government
  budget): every list empty and no government budget by default, which changes nothing.
"""

from __future__ import annotations

import math
from typing import Any, Callable

from .project import SCHEMA_VERSION
from .validation import Problem
from .validation import describe_value as _describe

MAX_RAMP_YEARS = 20  # as Facility.ramp_up_shares


class MigrationError(ValueError):
    """An old file whose content does not have the shape its version prescribes; ``problems``
    are located in the old file's own terms (``facilities[0].capacity_schedule[1].year``)."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


def _year(value: Any, where: str, problems: list[Problem]) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        problems.append(Problem(where, f"must be a whole year, not {_describe(value)}"))
        return None
    if not 1900 <= value <= 2200:
        problems.append(Problem(where, "must be between 1900 and 2200"))
        return None
    return value


def _tonnes(value: Any, where: str, problems: list[Problem]) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        problems.append(Problem(where, f"must be a number, not {_describe(value)}"))
        return None
    if not math.isfinite(value):
        problems.append(Problem(where, "must be a finite number"))
        return None
    if value < 0:
        problems.append(Problem(where, "must be >= 0"))
        return None
    return value


def _rows(value: Any, where: str, fields: tuple[str, str], problems: list[Problem]) -> list[tuple[int, float, str]]:
    """Validated ``(year, amount, location)`` rows of a v1 year list such as ``[{"year", "t"}]``."""
    shape = "{" + ", ".join(fields) + "}"
    if value is None:
        return []
    if not isinstance(value, list):
        kind = "steps" if fields[1] == "capacity_tpy" else "entries"
        problems.append(Problem(where, f"must be a list of {shape} {kind}"))
        return []
    rows: list[tuple[int, float, str]] = []
    seen: set[int] = set()
    for i, item in enumerate(value):
        here = f"{where}[{i}]"
        if not isinstance(item, dict):
            problems.append(Problem(here, f"must be an object {shape}"))
            continue
        found = True
        for name in fields:
            if name not in item:
                problems.append(Problem(f"{here}.{name}", "required field is missing"))
                found = False
        for name in item:
            if name not in fields:
                problems.append(Problem(f"{here}.{name}", "unknown field"))
                found = False
        if not found:
            continue
        year = _year(item[fields[0]], f"{here}.{fields[0]}", problems)
        amount = _tonnes(item[fields[1]], f"{here}.{fields[1]}", problems)
        if year is None or amount is None:
            continue
        if year in seen:
            problems.append(Problem(f"{here}.{fields[0]}", f"year {year} appears twice"))
            continue
        seen.add(year)
        rows.append((year, amount, here))
    return rows


def _v1_facility(f: dict[str, Any], where: str, problems: list[Problem]) -> None:
    """capacity_schedule -> capacity_tpy (final step), online_year (first step with output) and
    ramp_up_shares (capacity of each year from online_year to the final step / final capacity)."""
    n_before = len(problems)
    both = [k for k in ("capacity_tpy", "online_year", "ramp_up_shares") if k in f]
    if both:  # the schedule would silently overwrite them
        problems.append(Problem(f"{where}.capacity_schedule", f"give either capacity_schedule (version 1) or "
                                                              f"{' / '.join(both)}, not both"))
        f.pop("capacity_schedule")
        return
    rows = _rows(f.pop("capacity_schedule"), f"{where}.capacity_schedule", ("year", "capacity_tpy"), problems)
    if len(problems) > n_before:
        return
    steps = sorted((year, cap) for year, cap, _ in rows if cap > 0)
    if not steps:
        return
    first, final_year, final = steps[0][0], steps[-1][0], steps[-1][1]
    if final_year - first > MAX_RAMP_YEARS:
        problems.append(Problem(f"{where}.capacity_schedule",
                                f"the steps span {final_year - first} years; a ramp-up may last at most "
                                f"{MAX_RAMP_YEARS}"))
        return
    by_year = dict(steps)
    shares, last = [], 0.0
    for year in range(first, final_year):
        last = by_year.get(year, last)
        shares.append(round(last / final, 6))
    f["capacity_tpy"] = final
    f["online_year"] = first
    f["ramp_up_shares"] = shares


def _v1_to_v2(data: dict[str, Any]) -> dict[str, Any]:
    """Every v1-only field is checked for shape first; all problems are reported together."""
    problems: list[Problem] = []
    facilities = data.get("facilities")
    if isinstance(facilities, list):  # any other shape is reported by the schema ("must be a list")
        for i, f in enumerate(facilities):
            if isinstance(f, dict) and "capacity_schedule" in f:
                _v1_facility(f, f"facilities[{i}]", problems)
    demands = data.get("demands")
    if isinstance(demands, list):
        for i, d in enumerate(demands):
            if isinstance(d, dict) and "tonnes" in d and "tonnes_by_year" in d:
                problems.append(Problem(f"demands[{i}].tonnes",
                                        "give either tonnes (version 1) or tonnes_by_year, not both"))
            elif isinstance(d, dict) and "tonnes" in d:
                rows = _rows(d.pop("tonnes"), f"demands[{i}].tonnes", ("year", "t"), problems)
                d["tonnes_by_year"] = {str(year): t for year, t, _ in rows}
    settings = data.get("settings")
    if isinstance(settings, dict) and "deminimis" in settings:
        value = settings.pop("deminimis")
        if "de_minimis_share" in settings:
            problems.append(Problem("settings.deminimis",
                                    "give either deminimis (version 1) or de_minimis_share, not both"))
        elif isinstance(value, bool) or not isinstance(value, (int, float)):
            problems.append(Problem("settings.deminimis", f"must be a number, not {_describe(value)}"))
        elif not (math.isfinite(value) and 0 <= value <= 1):
            problems.append(Problem("settings.deminimis", "must be a share between 0 and 1"))
        else:
            settings["de_minimis_share"] = value
    if problems:
        raise MigrationError(problems)
    data["schema_version"] = 2
    return data


def _v2_to_v3(data: dict[str, Any]) -> dict[str, Any]:
    """Version 3 only adds optional fields whose defaults keep the version-2 meaning.

    - ``chain_layout``: positions of facilities dragged in the desktop chain view (empty = automatic).
    Risk (issue 11): ExpansionOption.committed_tpy_by_year (empty = free) and the scenario
    override kind "invest" (commit an option's t/yr in a year).
    Levers (issue 10): ``levers.policy.facility_margins_usd_per_t`` (empty = every facility viable),
    ``levers.policy.candidate_floors`` / ``candidate_offtakes`` (empty = no lever to choose), used only
    in policy mode; ``Offtake.recycled_feed`` (False = any feed counts); ``PolicyOverride.drop_lever_ids``
    (empty = the scenario keeps every input contract).
    Facility.availability_risk (per year a triangular share of the scheduled capacity available in
    Monte Carlo samples; empty = the schedule).
    """
    data["schema_version"] = 3
    return data


MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {1: _v1_to_v2, 2: _v2_to_v3}


def migrate(data: dict[str, Any]) -> dict[str, Any]:
    """Bring ``data`` to the current schema version; ValueError for unknown/newer versions."""
    version = data.get("schema_version")
    if version is None:
        raise ValueError("missing schema_version: is this a mine2magnet project file?")
    if not isinstance(version, int) or isinstance(version, bool):
        raise ValueError(f"must be a whole number such as {SCHEMA_VERSION}, not {_describe(version)}")
    if version < 1:
        raise ValueError(f"invalid schema_version {version!r}")
    if version > SCHEMA_VERSION:
        raise ValueError(
            f"file uses schema version {version}, newer than this mine2magnet supports ({SCHEMA_VERSION}); "
            "please update the app"
        )
    while version < SCHEMA_VERSION:
        data = MIGRATIONS[version](data)
        version = data["schema_version"]
    return data
