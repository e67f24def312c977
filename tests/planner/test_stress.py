"""N-1 stress test: each facility and country out, defense shortfall ranked (hand-checked)."""

from __future__ import annotations

import json

import pytest

from planner.analysis.stress import run_stress
from planner.cli.main import main as cli_main
from planner.pipeline.solve import SolveOptions
from planner.reports.text import stress_lines

from .resilience_fixtures import sole_and_dual_project

OPTIONS = SolveOptions(time_limit_s=30)


def test_the_sole_supplier_is_named_with_the_hand_figure():
    """sole_and_dual_project's docstring: out in 2027, country AU 130 t (NdFeB 100 + SmCo 30),
    smco_us 30 t and country US 30 t (SmCo), mag_us 0 (mag_ca takes over); mag_ca is idle in
    the plan, so it is not screened as a facility; country CA changes nothing."""
    rep = run_stress(sole_and_dual_project(), years=[2027], workers=1, options=OPTIONS)
    assert rep.n_failed == 0 and rep.baseline_shortfall_t == {"ndfeb_magnet": {y: 0.0 for y in (2026, 2027, 2028)},
                                                               "smco_magnet": {y: 0.0 for y in (2026, 2027, 2028)}}
    by_id = {e.id: e for e in rep.elements}
    assert set(by_id) == {"facility:mag_us", "facility:smco_us", "country:US", "country:AU"}
    assert [(e.id, e.total_extra_t) for e in rep.single_points_of_failure] == [
        ("country:AU", pytest.approx(130.0)), ("country:US", pytest.approx(30.0)),
        ("facility:smco_us", pytest.approx(30.0))]
    assert by_id["facility:smco_us"].extra_t == {"smco_magnet": {2027: pytest.approx(30.0)}}
    assert by_id["country:AU"].extra_t == {"ndfeb_magnet": {2027: pytest.approx(100.0)},
                                           "smco_magnet": {2027: pytest.approx(30.0)}}
    assert not by_id["facility:mag_us"].single_point_of_failure and by_id["facility:mag_us"].total_extra_t == 0.0
    text = "\n".join(stress_lines(rep))
    assert "facility:smco_us" in text and "smco_magnet 2027: 30.0" in text


def test_two_workers_give_the_same_ranking():
    one = run_stress(sole_and_dual_project(), years=[2027, 2028], workers=1, options=OPTIONS)
    two = run_stress(sole_and_dual_project(), years=[2027, 2028], workers=2, options=OPTIONS)
    assert [(e.id, round(e.total_extra_t, 6)) for e in one.elements] == [
        (e.id, round(e.total_extra_t, 6)) for e in two.elements]
    assert one.single_points_of_failure[0].total_extra_t == pytest.approx(260.0)  # AU: 130 t in each of 2 years


def test_cli_stress_prints_json_and_refuses_bad_years(tmp_path, capsys):
    from models.io import save_project

    path = tmp_path / "sd.m2m.json"
    save_project(sole_and_dual_project(), path)
    out = tmp_path / "stress.json"
    book = tmp_path / "stress.xlsx"
    assert cli_main(["stress", str(path), "--years", "2027", "--workers", "1", "--json", str(out),
                     "--xlsx", str(book)]) == 0
    text = capsys.readouterr().out
    assert "Single points of failure (3)" in text
    data = json.loads(out.read_text())
    assert data["single_points_of_failure"] == ["country:AU", "country:US", "facility:smco_us"]
    assert data["elements"][0]["extra_t"]["ndfeb_magnet"]["2027"] == pytest.approx(100.0)
    from openpyxl import load_workbook

    ws = load_workbook(book)["Stress"]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=5)]
    assert [r[0] for r in rows if r[5] == "yes"] == ["country:AU", "country:US", "facility:smco_us"]
    assert rows[0][4] == pytest.approx(130.0)
    assert cli_main(["stress", str(path), "--years", "2030-2031"]) == 2
    assert "stressed years must be consecutive within 2026-2028" in capsys.readouterr().err
    with pytest.raises(SystemExit) as ex:  # argparse's type check: exit 2 with the message
        cli_main(["stress", str(path), "--years", "20x7"])
    assert ex.value.code == 2 and "expected YEAR or FIRST-LAST" in capsys.readouterr().err


def test_cli_stress_takes_a_plan_file_and_refuses_a_bad_one(tmp_path, capsys):
    """solve --json writes the plan (nothing built); stress --plan stresses it: same ranking."""
    from models.io import save_project

    path = tmp_path / "sd.m2m.json"
    save_project(sole_and_dual_project(), path)
    plan = tmp_path / "plan.json"
    assert cli_main(["solve", str(path), "--json", str(plan)]) == 0
    capsys.readouterr()
    assert cli_main(["stress", str(path), "--years", "2027", "--workers", "1", "--plan", str(plan)]) == 0
    assert "Single points of failure (3)" in capsys.readouterr().out
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2")
    assert cli_main(["stress", str(path), "--plan", str(bad)]) == 2
    assert "Traceback" not in capsys.readouterr().err
