"""The analyst walk-through (docs/examples/analyst_walkthrough.py) runs and writes what it says."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from openpyxl import load_workbook

from planner.reports.csv_package import read_csv_package

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "docs" / "examples" / "analyst_walkthrough.py"


def test_walkthrough_runs_quick(tmp_path):
    done = subprocess.run([sys.executable, str(SCRIPT), "--quick", "--out", str(tmp_path)], cwd=tmp_path,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    out = done.stdout
    assert "horizon 2026-2029" in out and "defense +20 % from 2028" in out and "china_cut" in out
    tornado = read_csv_package(tmp_path / "sweep_csv")["sweep_tornado"]
    assert sorted(tornado["input"]) == ["capex", "demand:defense", "price"]
    assert list(tornado["cost_swing_musd"]) == sorted(tornado["cost_swing_musd"], reverse=True)
    assert (tornado["n_failed"] == 0).all()
    plan = read_csv_package(tmp_path / "plan_csv")
    assert plan["summary"]["status"].iloc[0] == "optimal"
    assert load_workbook(tmp_path / "sweep.xlsx").sheetnames == ["Tornado", "Points"]
