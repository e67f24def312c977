"""models/, planner/ and the Python API mine2magnet/ must never import Qt (PySide6): checked in a clean interpreter."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import pytest

from .conftest import ROOT

CHECK = r"""
import importlib, pkgutil, sys
imported = []
for package_name in ("models", "planner", "mine2magnet"):
    package = importlib.import_module(package_name)
    imported.append(package_name)
    for info in pkgutil.walk_packages(package.__path__, package_name + "."):
        importlib.import_module(info.name)
        imported.append(info.name)
qt = sorted(m for m in sys.modules if m.split(".")[0] in ("PySide6", "shiboken6"))
print(len(imported), "modules imported")
assert not qt, f"Qt imported by models/planner: {qt[:5]}"
assert "PySide6" not in sys.modules
"""


def test_models_and_planner_do_not_import_qt():
    proc = subprocess.run([sys.executable, "-c", CHECK], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    count = int(proc.stdout.split()[0])
    assert count >= 12  # every module under models/ and planner/ was really imported


def test_the_check_would_catch_qt():
    """The same check fails when a Qt module is imported (so the test above can fail)."""
    if importlib.util.find_spec("PySide6") is None:
        pytest.skip("PySide6 not installed (the non-Qt run)")
    leaky = "import PySide6\n" + CHECK
    proc = subprocess.run([sys.executable, "-c", leaky], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode != 0 and "Qt imported" in proc.stderr
