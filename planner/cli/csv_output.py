"""``--csv DIR`` for solve, scenarios, risk, robust and sweep: one CSV per table and a Frictionless
datapackage.json (planner.reports.csv_package)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from planner.cli.common import EXIT_FAILED, EXIT_OK


def add_csv_argument(p: argparse.ArgumentParser) -> None:
    p.add_argument("--csv", metavar="DIR", help="write one CSV per table and a Frictionless datapackage.json into DIR")


def write_csv(folder: str | None, tables: dict[str, Any], specs: dict[str, Any], *, name: str, description: str) -> int:
    """Write the package when ``folder`` is given; EXIT_FAILED (with a message) when it cannot be written."""
    if not folder:
        return EXIT_OK
    from planner.reports.csv_package import CsvPackageError, write_csv_package

    try:
        paths = write_csv_package(folder, tables, specs, name=name, description=description)
    except CsvPackageError as e:
        print(f"mine2magnet: {e}", file=sys.stderr)
        return EXIT_FAILED
    print(f"wrote {len(paths) - 1} CSV tables and datapackage.json to {folder}")
    return EXIT_OK


def plan_csv(folder: str | None, project: Any, result: Any) -> int:
    if not folder:
        return EXIT_OK
    from planner.reports.tables import PLAN_TABLES, plan_tables

    return write_csv(folder, plan_tables(result), {t.name: t for t in PLAN_TABLES},
                     name=f"{project.name} {result.scenario}",
                     description=f"mine2magnet plan of {project.name!r}, scenario {result.scenario}.")


def scenarios_csv(folder: str | None, project: Any, results: dict[str, Any]) -> int:
    if not folder:
        return EXIT_OK
    from planner.reports.tables import scenario_tables

    tables, specs = scenario_tables(results)
    return write_csv(folder, tables, specs, name=f"{project.name} scenarios",
                     description=f"mine2magnet: base and every scenario of {project.name!r}, stacked by scenario_id.")


def risk_csv(folder: str | None, report: Any) -> int:
    if not folder:
        return EXIT_OK
    from planner.reports.tables import RISK_TABLES, risk_tables

    return write_csv(folder, risk_tables(report), {t.name: t for t in RISK_TABLES}, name=f"{report.project} risk",
                     description=f"mine2magnet Monte Carlo risk of {report.project!r} (seed {report.seed}).")


def robust_csv(folder: str | None, report: Any) -> int:
    if not folder:
        return EXIT_OK
    from planner.reports.tables import ROBUST_TABLES, robust_tables

    return write_csv(folder, robust_tables(report), {t.name: t for t in ROBUST_TABLES}, name=f"{report.project} robust",
                     description=f"mine2magnet robust plan of {report.project!r}.")
