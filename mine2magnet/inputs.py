"""A project's facilities, routes, markets and demand as DataFrames, and back through the same
validation as a project file.

``facilities(project)`` etc. return one row per object (demand: one row per demand and year) with
the scalar fields as typed columns. ``with_tables(project, facilities=df, ...)`` builds a new
project: each row updates the object with the same id (fields not in the table -- recipes,
options, sources -- are kept) or adds a new one (defaults for the rest); objects without a row are
removed. The result goes through the project-file loader's schema and consistency checks; every
problem is reported with its table, row and column::

    facilities row 3 (Mountain Pass) capacity_tpy: must be >= 0

"row N" is the DataFrame's index label of that row (its position with the default RangeIndex).
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

import pandas as pd

from models.io import ProjectFileError, parse_project_text
from models.project import Project
from planner.reports.tables import B, Int, N, S, TableSpec, Y, frame

FACILITIES = TableSpec("facilities",
                       "Facilities: the scalar fields (recipes, options and sources stay in the project).", (
    S("id"), S("name"), S("operator"), S("country", "ISO 3166 alpha-2"), S("region"),
    N("lat", "degrees", "", True), N("lon", "degrees", "", True), S("stage"), S("status"),
    N("capacity_tpy", "t/yr", "existing capacity (stage's activity unit)"),
    Y("online_year", "first year of output (empty: online before the horizon)", True), Y("closure_year", nullable=True),
    N("treo_recovery", "share 0-1"), N("variable_opex_usd_per_t", "$/t"), N("fixed_opex_musd_per_yr", "$M/yr"),
    B("chinese_technology"), Int("qualification_years", "years", "", True),
    N("stock_initial_t", "t", "finite stock (stockpile, tailings)", True), N("stock_max_draw_tpy", "t/yr", "", True),
))

ROUTES = TableSpec("routes", "Routes between facilities.", (
    S("id"), S("from_id"), S("to_id"), S("material"),
    N("transport_usd_per_t", "$/t", "empty: great-circle distance x the per-km rate", True),
    N("capacity_tpy", "t/yr", "empty: unlimited", True),
))

MARKETS = TableSpec("markets", "Import markets.", (
    S("id"), S("name"), S("material"), S("origin_country"), N("price_usd_per_t", "$/t"),
    N("cap_tpy", "t/yr", "empty: unlimited", True), Y("first_year", nullable=True), Y("last_year", nullable=True),
))

DEMAND = TableSpec("demand", "Demand: one row per demand and year (a demand without years has one row with no year).", (
    S("demand_id"), S("name"), S("product"), S("segment", "defense or commercial"),
    Int("priority", "", "empty: 1 for defense, 2 for commercial", True), Y("year", nullable=True),
    N("tonnes_t", "t", "", True),
))

INPUT_TABLES = {t.name: t for t in (FACILITIES, ROUTES, MARKETS, DEMAND)}
_LIST_OF = {"facilities": "facilities", "routes": "routes", "markets": "markets", "demand": "demands"}


class InputTableError(ValueError):
    """Tables that do not make a valid project. ``problems``: one located line each."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        more = f"\n  ... and {len(problems) - 30} more" if len(problems) > 30 else ""
        super().__init__(f"{len(problems)} problem(s) in the tables:\n"
                         + "\n".join(f"  {p}" for p in problems[:30]) + more)


def _value(obj: Any, attr: str) -> Any:
    v = getattr(obj, attr)
    return v.value if hasattr(v, "value") else v


def facilities(project: Project) -> pd.DataFrame:
    return frame(FACILITIES, [tuple(_value(f, c.name) for c in FACILITIES.columns) for f in project.facilities])


def routes(project: Project) -> pd.DataFrame:
    return frame(ROUTES, [tuple(_value(r, c.name) for c in ROUTES.columns) for r in project.routes])


def markets(project: Project) -> pd.DataFrame:
    return frame(MARKETS, [tuple(_value(m, c.name) for c in MARKETS.columns) for m in project.markets])


def demand(project: Project) -> pd.DataFrame:
    rows = []
    for d in project.demands:
        head = (d.id, d.name, d.product.value, d.segment.value, d.priority)
        years = sorted(d.tonnes_by_year.items())
        rows += [(*head, y, t) for y, t in years] if years else [(*head, None, None)]
    return frame(DEMAND, rows)


def _plain(v: Any, kind: str) -> Any:
    """A cell as JSON: missing -> None; numpy scalars -> Python; whole floats in integer columns -> int."""
    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return None
    if hasattr(v, "item"):
        v = v.item()
    if kind in ("integer", "year") and isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def _check_columns(name: str, df: pd.DataFrame, spec: TableSpec, problems: list[str]) -> bool:
    missing = [c for c in spec.names if c not in df.columns]
    extra = [c for c in df.columns if c not in spec.names]
    if missing:
        problems.append(f"{name}: missing column(s) {', '.join(missing)}")
    if extra:
        problems.append(f"{name}: unknown column(s) {', '.join(map(str, extra))} (known: {', '.join(spec.names)})")
    return not missing and not extra


def _objects(name: str, df: pd.DataFrame, originals: list[dict[str, Any]]) -> list[dict[str, Any]]:
    spec = INPUT_TABLES[name]
    by_id = {o["id"]: o for o in originals}
    out = []
    for _, row in df.iterrows():
        obj = {c.name: _plain(row[c.name], c.kind) for c in spec.columns}
        base = dict(by_id.get(obj["id"], {}))
        base.update(obj)
        out.append(base)
    return out


def _demands(df: pd.DataFrame, originals: list[dict[str, Any]],
             problems: list[str]) -> tuple[list[dict[str, Any]], list[list[Any]]]:
    """Demand objects from the long table, and for each the row labels it came from."""
    by_id = {o["id"]: o for o in originals}
    order: list[str] = []
    groups: dict[str, list[tuple[Any, dict[str, Any]]]] = {}
    for label, row in df.iterrows():
        cells = {c.name: _plain(row[c.name], c.kind) for c in DEMAND.columns}
        key = cells["demand_id"]
        if key not in groups:
            order.append(key)
            groups[key] = []
        groups[key].append((label, cells))
    out, labels = [], []
    for key in order:
        rows = groups[key]
        first = rows[0][1]
        for attr in ("name", "product", "segment", "priority"):
            differ = [lab for lab, c in rows if c[attr] != first[attr]]
            if differ:
                problems.append(f"demand rows {_rows_text([lab for lab, _ in rows])} ({key}) {attr}: differs between "
                                f"the rows of one demand (row {differ[0]} has "
                                f"{rows[[lab for lab, _ in rows].index(differ[0])][1][attr]!r}, "
                                f"row {rows[0][0]} {first[attr]!r})")
        tonnes: dict[str, Any] = {}
        for lab, c in rows:
            if c["year"] is None:
                if c["tonnes_t"] is not None:
                    problems.append(f"demand row {lab} ({key}) year: missing (tonnes_t is {c['tonnes_t']!r})")
                continue
            if str(c["year"]) in tonnes:
                problems.append(f"demand row {lab} ({key}) year: {c['year']} appears twice for this demand")
            tonnes[str(c["year"])] = 0.0 if c["tonnes_t"] is None else c["tonnes_t"]
        obj = dict(by_id.get(key, {}))
        obj.update(id=key, name=first["name"], product=first["product"], segment=first["segment"],
                   priority=first["priority"], tonnes_by_year=tonnes)
        out.append(obj)
        labels.append([lab for lab, _ in rows])
    return out, labels


def _rows_text(labels: list[Any]) -> str:
    if len(labels) > 1 and all(isinstance(x, int) for x in labels) and labels == list(range(labels[0], labels[-1] + 1)):
        return f"{labels[0]}-{labels[-1]}"
    return ", ".join(str(x) for x in labels)


_LOC = re.compile(r"^(facilities|routes|markets|demands)\[(\d+)\]\.?(.*)$")


def _located(problem: str, where: dict[str, tuple[str, list[list[Any]], list[str]]]) -> str:
    """'facilities[3].capacity_tpy: must be >= 0' -> 'facilities row 3 (Mountain Pass) capacity_tpy: must be >= 0'."""
    loc, sep, message = problem.partition(": ")
    m = _LOC.match(loc)
    if not m or m.group(1) not in where:
        return problem
    table, labels, names = where[m.group(1)]
    i = int(m.group(2))
    if i >= len(labels):
        return problem
    rows = labels[i]
    field = m.group(3)
    if table == "demand" and field.startswith("tonnes_by_year"):
        field = "tonnes_t" + field[len("tonnes_by_year"):]
    what = f"row {rows[0]}" if len(rows) == 1 else f"rows {_rows_text(rows)}"
    return f"{table} {what} ({names[i]}){' ' + field if field else ''}{sep}{message}"


def with_tables(project: Project, *, facilities: pd.DataFrame | None = None, routes: pd.DataFrame | None = None,
                markets: pd.DataFrame | None = None, demand: pd.DataFrame | None = None) -> Project:
    """A new project with the given tables in place of its facilities, routes, markets, demand.

    Validated as a project file is (schema and consistency); raises InputTableError listing every
    problem with its table, row and column. The project passed in is never changed."""
    data = json.loads(project.model_dump_json())
    problems: list[str] = []
    where: dict[str, tuple[str, list[list[Any]], list[str]]] = {}
    for name, df in (("facilities", facilities), ("routes", routes), ("markets", markets)):
        if df is None:
            continue
        if not _check_columns(name, df, INPUT_TABLES[name], problems):
            continue
        objs = _objects(name, df, data[_LIST_OF[name]])
        data[_LIST_OF[name]] = objs
        where[_LIST_OF[name]] = (name, [[lab] for lab in df.index], [str(o.get("name") or o.get("id")) for o in objs])
    if demand is not None and _check_columns("demand", demand, DEMAND, problems):
        objs, labels = _demands(demand, data["demands"], problems)
        data["demands"] = objs
        where["demands"] = ("demand", labels, [str(o.get("id")) for o in objs])
    if problems:
        raise InputTableError(problems)
    try:
        return parse_project_text(json.dumps(data, allow_nan=False), "<tables>")
    except ProjectFileError as e:
        raise InputTableError([_located(str(p), where) for p in e.problems]) from None
    except ValueError as e:  # a non-finite number in a cell
        raise InputTableError([f"a cell holds a value a project cannot: {e}"]) from None


def _drop_years_after(obj: Any, end_year: int) -> None:
    """In place: every year-keyed mapping (``*_by_year``, ``availability_risk``) loses years > end_year."""
    if isinstance(obj, dict):
        for key, value in list(obj.items()):
            if isinstance(value, dict) and (key.endswith("_by_year") or key == "availability_risk"):
                obj[key] = {y: v for y, v in value.items() if int(y) <= end_year}
            else:
                _drop_years_after(value, end_year)
    elif isinstance(obj, list):
        for value in obj:
            _drop_years_after(value, end_year)


def with_horizon(project: Project, end_year: int) -> Project:
    """The project planned to ``end_year`` only (for quick looks): settings.end_year := end_year
    and every year-keyed figure after it (demand tonnes, platform units, committed capacity, ...)
    dropped. Validated as a file is; InputTableError lists what still points past the horizon."""
    data = json.loads(project.model_dump_json())
    data["settings"]["end_year"] = int(end_year)
    _drop_years_after(data, int(end_year))
    try:
        return parse_project_text(json.dumps(data, allow_nan=False), "<horizon>")
    except ProjectFileError as e:
        raise InputTableError([str(p) for p in e.problems]) from None
