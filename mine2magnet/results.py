"""What the API's runs return: thin wrappers that hand out DataFrames (planner.reports.tables) and
write JSON, CSV packages and workbooks."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pandas as pd

from models.io import atomic_write_bytes
from models.project import Project
from planner.reports.csv_package import write_csv_package
from planner.reports.tables import (
    PLAN_TABLES,
    RISK_TABLES,
    ROBUST_TABLES,
    plan_table,
    plan_tables,
    risk_tables,
    robust_tables,
    scenario_tables,
    sweep_tables,
)
from planner.result import PlanResult


def _write_text(path: str | os.PathLike[str], text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"), keep_backup=False)


class Plan:
    """A solved plan. Every table is a DataFrame property (typed columns, units in the names):
    ``summary``, ``investments``, ``production``, ``flows``, ``demand``, ``demand_by_segment``,
    ``levers``, ``stocks``, ``stock_remaining``, ``marginal_costs``, ``bottlenecks``, ``compliance``,
    ``capacity``, ``costs_by_year``, ``qualification``, ``checks``. ``result`` is the
    :class:`planner.result.PlanResult` itself."""

    TABLES = tuple(t.name for t in PLAN_TABLES)

    def __init__(self, result: PlanResult, project: Project | None = None):
        self.result = result
        self.project = project
        self._tables: dict[str, pd.DataFrame] = {}

    def __repr__(self) -> str:
        cost = f", total cost {self.result.total_cost_musd:,.2f} $M" if self.result.total_cost_musd is not None else ""
        return f"<Plan {self.result.scenario}: {self.result.status.value}{cost}>"

    @property
    def status(self) -> str:
        return self.result.status.value

    @property
    def has_plan(self) -> bool:
        return self.result.has_plan

    @property
    def total_cost_musd(self) -> float | None:
        return self.result.total_cost_musd

    def table(self, name: str) -> pd.DataFrame:
        """A copy of one table (see ``TABLES``); edit it freely."""
        if name not in self._tables:
            self._tables[name] = plan_table(self.result, name)
        return self._tables[name].copy()

    def tables(self) -> dict[str, pd.DataFrame]:
        return {name: self.table(name) for name in self.TABLES}

    def __getattr__(self, name: str) -> pd.DataFrame:
        if name in Plan.TABLES:
            return self.table(name)
        raise AttributeError(name)

    def __dir__(self):
        return [*super().__dir__(), *self.TABLES]

    def to_json(self, path: str | os.PathLike[str]) -> None:
        """The result JSON (as ``mine2magnet solve --json``); :func:`mine2magnet.read_result` reads it."""
        _write_text(path, self.result.to_json())

    def to_csv(self, folder: str | os.PathLike[str]) -> list[Path]:
        """One CSV per table and a Frictionless datapackage.json (see planner.reports.csv_package)."""
        name = self.project.name if self.project is not None else "mine2magnet plan"
        return write_csv_package(folder, plan_tables(self.result), {t.name: t for t in PLAN_TABLES},
                                 name=f"{name} {self.result.scenario}", description=f"mine2magnet plan of {name!r}, "
                                 f"scenario {self.result.scenario}.")

    def to_xlsx(self, path: str | os.PathLike[str]) -> None:
        """The plan workbook (as ``mine2magnet solve --xlsx``); needs the project it was solved from."""
        if self.project is None:
            raise ValueError("the workbook needs the project: read_result(path, project=...)")
        from planner.reports.xlsx import write_plan_workbook

        write_plan_workbook(path, self.project, self.result)


class ScenarioSet:
    """Base and every scenario solved: ``plans`` (scenario id -> Plan, base first), ``comparison``
    (one summary row per scenario) and ``table(name)`` (a plan table of every scenario stacked,
    with a ``scenario_id`` column in front)."""

    def __init__(self, results: dict[str, PlanResult], project: Project | None = None):
        self.results = results
        self.project = project
        self.plans = {sid: Plan(r, project) for sid, r in results.items()}
        self._tables, self._specs = scenario_tables(results)

    def __repr__(self) -> str:
        return f"<ScenarioSet {', '.join(self.plans)}>"

    @property
    def comparison(self) -> pd.DataFrame:
        return self.table("summary")

    def table(self, name: str) -> pd.DataFrame:
        return self._tables[name].copy()

    def to_json(self, path: str | os.PathLike[str]) -> None:
        """As ``mine2magnet scenarios --json``: the comparison and every result."""
        from planner.analysis.comparison import compare

        year = self.project.settings.compliance_start_year if self.project is not None else 2027
        data = {"project": self.project.name if self.project is not None else "",
                "comparison": compare(self.results, year=year).to_dict(),
                "results": {sid: r.to_dict() for sid, r in self.results.items()}}
        _write_text(path, json.dumps(data, indent=2, allow_nan=False) + "\n")

    def to_csv(self, folder: str | os.PathLike[str]) -> list[Path]:
        name = self.project.name if self.project is not None else "mine2magnet scenarios"
        return write_csv_package(folder, self._tables, self._specs, name=f"{name} scenarios",
                                 description=f"mine2magnet: base and every scenario of {name!r}, "
                                             "stacked by scenario_id.")


class _ReportTables:
    """Shared by risk, robust and sweep runs: ``report`` plus its DataFrames."""

    def __init__(self, report: Any, tables: dict[str, pd.DataFrame], specs: dict[str, Any], title: str):
        self.report = report
        self._tables = tables
        self._specs = specs
        self._title = title

    def table(self, name: str) -> pd.DataFrame:
        return self._tables[name].copy()

    def tables(self) -> dict[str, pd.DataFrame]:
        return {k: v.copy() for k, v in self._tables.items()}

    def to_json(self, path: str | os.PathLike[str]) -> None:
        _write_text(path, self.report.to_json())

    def to_csv(self, folder: str | os.PathLike[str]) -> list[Path]:
        return write_csv_package(folder, self._tables, self._specs, name=self._title,
                                 description=f"mine2magnet {self._title}.")


class RiskRun(_ReportTables):
    """A Monte Carlo run: ``report`` (planner.analysis.risk_report.RiskReport) and its tables
    ``summary``, ``p_met``, ``samples``, ``drivers``, ``investments``."""

    def __init__(self, report: Any):
        super().__init__(report, risk_tables(report), {t.name: t for t in RISK_TABLES}, f"risk {report.project}")

    def __getattr__(self, name: str) -> pd.DataFrame:
        if name in ("summary", "p_met", "samples", "drivers", "investments"):
            return self.table(f"risk_{name}")
        raise AttributeError(name)


class RobustRun(_ReportTables):
    """A robust plan: ``report`` (planner.analysis.robust.RobustReport), tables ``summary``,
    ``plans``, ``hedge`` (investments), ``stock_hedge`` (stock held at a year-end beyond the
    deterministic plan: ``deterministic_t``, ``robust_t``, ``extra_t``, ``purchase_musd``,
    ``holding_musd_per_yr``, ``payer``) and ``ranking``."""

    def __init__(self, report: Any):
        super().__init__(report, robust_tables(report), {t.name: t for t in ROBUST_TABLES}, f"robust {report.project}")

    def __getattr__(self, name: str) -> pd.DataFrame:
        if name in ("summary", "plans", "hedge", "stock_hedge", "ranking"):
            return self.table(f"robust_{name}")
        raise AttributeError(name)


class SweepRun(_ReportTables):
    """A sensitivity sweep: ``report`` (planner.analysis.sweep.SweepReport), ``points`` (one row per
    point) and ``tornado`` (one row per input, largest cost swing first)."""

    def __init__(self, report: Any):
        tables, specs = sweep_tables(report)
        super().__init__(report, tables, specs, f"sweep {report.project}")

    @property
    def points(self) -> pd.DataFrame:
        return self.table("sweep_points")

    @property
    def tornado(self) -> pd.DataFrame:
        return self.table("sweep_tornado")

    def to_xlsx(self, path: str | os.PathLike[str]) -> None:
        """A workbook with the tornado (table and bar chart) and every point."""
        from planner.reports.sweep_xlsx import write_sweep_workbook

        write_sweep_workbook(path, self.report)
