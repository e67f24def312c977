"""ui/ as folders: each subpackage says in one line what it holds, no module is left loose beside
them, the layers point down, and no project module is loaded through importlib (import-linter
could not see that arrow).

import-linter (run by ``tasks.py test``) checks the layers contract; this test checks the same
from pytest with grimp, naming the modules of an upward arrow.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[2]
#: ui's layers, top to bottom (as in pyproject.toml); a set is a layer of independent siblings
LAYERS = [{"shell"}, {"panels", "results", "views"}, {"editors"}, {"document"}, {"widgets", "runtime"}]
#: ui/results/ keeps its longer docstring (why the package imports no Qt); the others say it in one line
ONE_LINERS = sorted(set().union(*LAYERS) - {"results"})


def importlib_uses(source: str) -> list[int]:
    """Line numbers where ``source`` imports importlib or calls ``__import__``."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import) and any(a.name.split(".")[0] == "importlib" for a in node.names):
            lines.append(node.lineno)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "importlib":
            lines.append(node.lineno)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "__import__":
            lines.append(node.lineno)
    return lines


def test_no_loose_module_files_in_ui():
    assert sorted(p.name for p in (ROOT / "ui").glob("*.py")) == ["__init__.py"]


@pytest.mark.parametrize("name", ONE_LINERS)
def test_each_ui_subpackage_says_in_one_line_what_it_holds(name):
    doc = importlib.import_module(f"ui.{name}").__doc__
    assert doc and len(doc.strip().splitlines()) == 1


def test_no_importlib_in_ui():
    found = {str(p.relative_to(ROOT)): importlib_uses(p.read_text(encoding="utf-8"))
             for p in sorted((ROOT / "ui").rglob("*.py"))}
    assert {f: lines for f, lines in found.items() if lines} == {}


def test_the_importlib_check_can_fail():
    source = "import os\nimport importlib\nfrom importlib import import_module\nx = __import__('ui.shell')\n"
    assert importlib_uses(source) == [2, 3, 4]


def test_ui_layers_point_down():
    graph = grimp.build_graph("ui")

    def layer(module: str) -> int | None:
        parts = module.split(".")
        if len(parts) < 2:
            return None
        return next((i for i, names in enumerate(LAYERS) if parts[1] in names), None)

    wrong = []
    for module in graph.modules:
        lm = layer(module)
        if lm is None:
            continue
        for imported in graph.find_modules_directly_imported_by(module):
            li = layer(imported)
            sideways = li == lm and imported.split(".")[1] != module.split(".")[1]
            if li is not None and (li < lm or sideways):
                wrong.append(f"{module} -> {imported}")
    assert not wrong, wrong
