"""The architecture as folders: planner's subpackages say what they hold, and no import cycle exists.

import-linter (run by ``tasks.py test``) checks the layer contracts; this test checks the same
properties from inside pytest with grimp (import-linter's graph library), so a cycle fails here
with the modules named.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[2]
SUBPACKAGES = ["model", "solvers", "pipeline", "analysis", "reports", "cli"]
#: planner's layers, top to bottom: a module may import only from its own layer or lower ones.
LAYERS = ["cli", "reports", "analysis", "pipeline", "solvers", "model"]


@pytest.fixture(scope="module")
def graph():
    return grimp.build_graph("models", "planner", "ui")


def test_no_flat_module_files_left_in_planner():
    flat = sorted(p.name for p in (ROOT / "planner").glob("*.py"))
    assert flat == ["__init__.py", "progress.py", "result.py"]


@pytest.mark.parametrize("name", SUBPACKAGES)
def test_each_subpackage_says_in_one_line_what_it_holds(name):
    doc = importlib.import_module(f"planner.{name}").__doc__
    assert doc and len(doc.strip().splitlines()) == 1


def test_no_import_cycles(graph):
    cycles = set()
    for module in graph.modules:
        for imported in graph.find_modules_directly_imported_by(module):
            if imported in graph.modules and graph.chain_exists(importer=imported, imported=module):
                cycles.add(tuple(sorted((module, imported))))
    assert not cycles, f"import cycles: {sorted(cycles)}"


def test_the_cycle_check_can_fail():
    g = grimp.ImportGraph()
    g.add_import(importer="a.x", imported="a.y")
    g.add_import(importer="a.y", imported="a.x")
    assert g.chain_exists(importer="a.y", imported="a.x") and g.chain_exists(importer="a.x", imported="a.y")


def test_planner_layers_point_down(graph):
    def layer(module: str) -> int | None:
        parts = module.split(".")
        return LAYERS.index(parts[1]) if len(parts) > 1 and parts[0] == "planner" and parts[1] in LAYERS else None

    upward = []
    for module in graph.modules:
        lm = layer(module)
        if lm is None:
            continue
        for imported in graph.find_modules_directly_imported_by(module):
            li = layer(imported)
            if li is not None and li < lm:
                upward.append(f"{module} -> {imported}")
    assert not upward, upward


def test_reports_never_reach_a_solver(graph):
    reached = graph.find_downstream_modules("planner.reports", as_package=True)
    assert not {m for m in reached if m.startswith(("planner.solvers", "highspy", "pulp"))}


def test_the_network_carries_no_project_and_nothing_reaches_back_for_one():
    """Network has index sets (settings, levers, policy_enabled, tracked_routes...) instead of the raw
    project, so families, verifier and extraction read only the network: no ``net.project`` left."""
    import dataclasses
    import re

    from planner.model.network import Network

    assert "project" not in {f.name for f in dataclasses.fields(Network)}
    reach_backs = [f"{p.relative_to(ROOT)}:{n}" for p in sorted((ROOT / "planner").rglob("*.py"))
                   for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
                   if re.search(r"\bnet(work)?\.project\b", line)]
    assert reach_backs == []


def test_the_lever_verifier_uses_no_constraint_family(graph):
    """verify_levers recomputes every lever rule from the variable keys and the network's index sets;
    it imports no module that writes the model's rows (the families in planner.model)."""
    imported = graph.find_modules_directly_imported_by("planner.pipeline.verify_levers")
    families = {m for m in imported if m.startswith("planner.model.")} - {"planner.model.network", "planner.model.lp"}
    assert families == set()
    assert "planner.model.network" in imported


def test_docs_architecture_names_every_module_and_only_existing_paths():
    """docs/architecture.md matches the folders: each module of planner/ and models/ is named in it
    (by file name, or by a pattern such as ``risk*.py``), and each path it gives exists."""
    import fnmatch
    import re

    doc = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    named = set(re.findall(r"[\w*]+\.py", doc))
    modules = [p for pkg in ("planner", "models") for p in sorted((ROOT / pkg).rglob("*.py"))
               if p.name not in ("__init__.py", "__main__.py")]
    unnamed = [str(p.relative_to(ROOT)) for p in modules if not any(fnmatch.fnmatch(p.name, n) for n in named)]
    assert unnamed == []
    paths = re.findall(r"`((?:planner|models|ui|tests|bench|tools|docs)/[^`*\s]+)`", doc)
    assert paths and [p for p in paths if not (ROOT / p).exists()] == []
