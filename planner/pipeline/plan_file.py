"""A plan to evaluate (``risk --plan RESULT_JSON``): read like a project file, checked row by row.

Reading has the project loader's protections (models.io): a regular file only (a FIFO or device
is refused without blocking), at most 64 MiB, UTF-8 (or UTF-16/32 with a BOM), no NaN/Infinity, no
duplicate keys, no overlong numbers, nesting at most 32 levels.

Then the result itself: its ``status``, when given (a plan written by hand may leave it out), must be
one with a plan (optimal, time_limit_feasible; the result of an infeasible or failed solve has no
plan to evaluate), and every row of
``investments`` names a known option of the project, a decided year in which that option can be
decided (models.validation.option_decision_years, with the run's scenario applied), and added
t/yr that is a finite number >= 0. Per option, as the model allows (planner.model.build): the
rows add up to at most ``max_add_tpy``; an option with a yes/no build decision is built in one
year only, with at least ``min_add_tpy``. Rows of 0 t/yr are kept out of the plan. Every problem
is reported with its location (``investments[3].added_tpy``); nothing is dropped or clamped.
"""

from __future__ import annotations

import math
import os
from typing import Any

from models.io import ProjectFileError, parse_json_document, read_text_file
from models.project import Project
from models.validation import Problem, describe_value, option_decision_years

PLAN_STATUSES = ("optimal", "time_limit_feasible")
KNOWN_STATUSES = PLAN_STATUSES + ("time_limit", "infeasible", "unbounded", "cancelled", "error")
#: t/yr a plan may exceed an option's maximum by (solver round-off in the JSON it came from)
ABS_TOL_TPY = 1e-6
REL_TOL = 1e-9


def _years_text(years: range) -> str:
    if not years:
        return "it has no decision year in this horizon"
    if len(years) > 1:
        return f"its decision years are {years[0]}-{years[-1]}"
    return f"its only decision year is {years[0]}"


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def plan_problems(data: Any, project: Project) -> tuple[list[list[Any]], list[Problem]]:
    """The decisions ``[[option, decided year, added t/yr], ...]`` (rows > 0 t/yr) of a parsed
    result JSON, and every problem found (an empty list: the plan can be evaluated)."""
    if not isinstance(data, dict):
        return [], [Problem("", "the top level must be a JSON object (a result JSON written by solve --json)")]
    problems: list[Problem] = []
    status = data.get("status")
    if "status" not in data:
        pass  # a plan written by hand: only its rows (a result JSON written by solve --json has a status)
    elif not isinstance(status, str):
        problems.append(Problem("status", f"must be text, not {describe_value(status)}"))
    elif status not in KNOWN_STATUSES:
        problems.append(Problem("status", f"unknown status {status[:40]!r} (one of {', '.join(KNOWN_STATUSES)})"))
    elif status not in PLAN_STATUSES:
        problems.append(Problem("status", f"the result has no plan (status {status!r}): its solve found none, "
                                          "so there is nothing to evaluate; solve until it finds a plan"))
    rows = data.get("investments")
    if "investments" not in data:
        return [], problems + [Problem("investments", "required field is missing: not a result JSON "
                                                       "(write one with solve --json)")]
    if not isinstance(rows, list):
        return [], problems + [Problem("investments", f"must be a list, not {describe_value(rows)}")]
    options = {o.id: o for f in project.facilities for o in f.options}
    decisions: list[list[Any]] = []
    totals: dict[str, float] = {}
    built_years: dict[str, list[int]] = {}
    for i, row in enumerate(rows):
        loc = f"investments[{i}]"
        if not isinstance(row, dict):
            problems.append(Problem(loc, f"must be an object with option, decided_year and added_tpy, not "
                                         f"{describe_value(row)}"))
            continue
        bad = False
        for key, ok, words in (("option", lambda v: isinstance(v, str), "text"),
                               ("decided_year", lambda v: isinstance(v, int) and not isinstance(v, bool),
                                "a whole number"),
                               ("added_tpy", _is_number, "a number")):
            if key not in row:
                problems.append(Problem(f"{loc}.{key}", "required field is missing"))
                bad = True
            elif not ok(row[key]):
                problems.append(Problem(f"{loc}.{key}", f"must be {words}, not {describe_value(row[key])}"))
                bad = True
        if bad:
            continue
        oid, year, tpy = row["option"], row["decided_year"], float(row["added_tpy"])
        if not math.isfinite(tpy) or tpy < 0:
            problems.append(Problem(f"{loc}.added_tpy", f"must be a finite number >= 0, not {tpy!r}"))
            continue
        o = options.get(oid)
        if o is None:
            problems.append(Problem(f"{loc}.option", f"unknown expansion option {oid[:70]!r} (not in the project)"))
            continue
        allowed = option_decision_years(project, oid)
        if year not in allowed:
            problems.append(Problem(f"{loc}.decided_year",
                                    f"option {oid!r} cannot be decided in {year}: {_years_text(allowed)}"))
            continue
        if tpy == 0:
            continue
        totals[oid] = totals.get(oid, 0.0) + tpy
        if totals[oid] > o.max_add_tpy * (1 + REL_TOL) + ABS_TOL_TPY:
            problems.append(Problem(f"{loc}.added_tpy",
                                    f"the plan adds {totals[oid]:,.12g} t/yr to option {oid!r}, more "
                                    f"than its maximum of {o.max_add_tpy:,.12g} t/yr"))
            continue
        if o.has_build_decision:
            if tpy < o.min_add_tpy * (1 - REL_TOL) - ABS_TOL_TPY:
                problems.append(Problem(f"{loc}.added_tpy", f"{tpy:,.12g} t/yr is below option {oid!r}'s minimum size "
                                                            f"of {o.min_add_tpy:,.12g} t/yr"))
                continue
            built_years.setdefault(oid, []).append(year)
            if len(set(built_years[oid])) > 1:
                problems.append(Problem(f"{loc}.decided_year",
                                        f"option {oid!r} is built once (a yes/no build decision), "
                                        f"but the plan builds it in {min(built_years[oid])} and {year}"))
                continue
        decisions.append([oid, year, tpy])
    return decisions, problems


def read_plan_file(path: str | os.PathLike[str], project: Project) -> list[list[Any]]:
    """The decisions of the result JSON at ``path``, checked against ``project`` (the scenario the
    risk run samples around already applied). Raises ProjectFileError with every located problem."""
    what = "result JSON (written by solve --json)"
    text = read_text_file(path, what)
    data = parse_json_document(text, os.fspath(path))
    decisions, problems = plan_problems(data, project)
    if problems:
        raise ProjectFileError(path, problems)
    return decisions


__all__ = ["PLAN_STATUSES", "plan_problems", "read_plan_file"]
