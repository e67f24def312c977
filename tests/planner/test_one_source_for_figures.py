"""The plan's figures have one definition (planner.reports.figures): the dashboard (ui/results),
the workbook and the decision brief (planner/reports) only format them.

Checked on the source: (1) no module other than figures defines a function or class of the same
name as one of figures' public ones; (2) no module of ui/results or planner/reports sums the
result's rows itself: no sum()/fsum() over a comprehension that iterates a PlanResult row list
(``.demand``, ``.investments``, ...), and no ``+=`` inside a ``for`` loop over one.
"""

from __future__ import annotations

import ast
from dataclasses import fields
from pathlib import Path

from planner.reports import figures
from planner.result import PlanResult

ROOT = Path(__file__).resolve().parents[2]
FIGURES = ROOT / "planner" / "reports" / "figures.py"
ROW_LISTS = {f.name for f in fields(PlanResult) if f.name not in ("checks", "limiting", "relaxations")} - {
    "status", "message", "solver", "scenario", "objective", "total_cost_musd", "cost_breakdown_musd", "solve_seconds",
    "build_seconds", "n_variables", "n_constraints", "log"}
SHOWING = [p for d in ("ui/results", "planner/reports") for p in sorted((ROOT / d).glob("*.py")) if p != FIGURES]


def _sources(*folders: str):
    for folder in folders:
        for path in sorted((ROOT / folder).rglob("*.py")):
            if path != FIGURES:
                yield path, ast.parse(path.read_text(encoding="utf-8"))


def _iterates_rows(node: ast.AST) -> bool:
    """``for ... in <anything>.demand`` (or another PlanResult row list), possibly sorted(...)."""
    if isinstance(node, ast.Call) and node.args:
        return _iterates_rows(node.args[0])
    return (isinstance(node, ast.Attribute) and node.attr in ROW_LISTS
            and "project" not in ast.unparse(node.value))  # project.levers, project.demands: inputs, not results


def test_figure_functions_are_defined_once():
    public = {name for name, obj in vars(figures).items()
              if not name.startswith("_") and getattr(obj, "__module__", None) == figures.__name__}
    assert {"compute_kpis", "supply_by_product", "compliant_supply", "top_investments", "buildout_rows"} <= public
    again = [f"{path.relative_to(ROOT)}:{node.lineno} {node.name}"
             for path, tree in _sources("models", "planner", "ui", "bench")
             for node in ast.walk(tree)
             if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.name in public]
    assert again == []


def test_dashboard_workbook_and_brief_sum_no_result_rows_themselves():
    found = []
    for path in SHOWING:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            name = getattr(node.func, "id", getattr(node.func, "attr", "")) if isinstance(node, ast.Call) else ""
            if (name in ("sum", "fsum")
                    and node.args and isinstance(node.args[0], (ast.GeneratorExp, ast.ListComp))
                    and any(_iterates_rows(g.iter) for g in node.args[0].generators)):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} sums result rows")
            if isinstance(node, ast.For) and _iterates_rows(node.iter):
                if any(isinstance(n, ast.AugAssign) for n in ast.walk(node)):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} accumulates result rows")
    assert found == []


def test_the_checks_would_see_a_copy(tmp_path):
    """The detector itself: a module that sums demand rows is caught."""
    tree = ast.parse("def f(result):\n    t = 0\n    for r in result.demand:\n        t += r.unmet\n"
                     "    return t + sum(i.capex_musd for i in result.investments)\n")
    loops = [n for n in ast.walk(tree) if isinstance(n, ast.For) and _iterates_rows(n.iter)]
    sums = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, "id", "") == "sum"
            and any(_iterates_rows(g.iter) for g in n.args[0].generators)]
    assert len(loops) == 1 and len(sums) == 1
