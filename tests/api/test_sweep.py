"""Sensitivity sweeps: slopes worked out by hand on the teaching chain, the same report on one and
two workers, the command line, and the tornado of the real sample."""

from __future__ import annotations

import json

import pytest

import mine2magnet as m2m
from planner.analysis.sweep import run_sweep, sweep_points
from planner.analysis.sweep_inputs import SweepInput, SweepInputError, parse_vary
from planner.cli.main import main
from planner.pipeline.solve import SolveOptions
from planner.reports.csv_package import read_csv_package
from tests.planner.helpers import REAL, TEACHING, teaching

HIGHS = SolveOptions(solver="highs")


@pytest.fixture(scope="module")
def report():
    return run_sweep(teaching(), [SweepInput("price:t_cn_magnet", 0.9, 1.0, 2), SweepInput("capex", 0.5, 1.5, 3)],
                     workers=1, options=HIGHS)


def test_price_slope_equals_hand_working(report):
    """China's magnet price x f, f in [0.9, 1.0]: the plan does not change (a domestic tonne costs at
    least $46,157 variable + $50,000 per t/yr of new capacity, above $45,000 x f), so only the
    purchases move: 300 t commercial x 4 years + 100 t defense in 2026 = 1,300 t bought at
    $45,000 x f. Slope = 1,300 t x $45,000 = $58.5M per unit of f; at f = 0.9 the cost falls by
    5.85 $M from $84.8471M to $78.9971M."""
    row = next(t for t in report.tornado() if t.input == "price:t_cn_magnet")
    assert row.cost_slope_musd_per_unit == pytest.approx(58.5, abs=1e-6)
    assert row.cost_delta_low_musd == pytest.approx(-5.85, abs=1e-6)
    assert row.cost_low_musd == pytest.approx(78.9971, abs=1e-6)
    assert row.cost_delta_high_musd == pytest.approx(0.0, abs=1e-6)
    assert row.government_slope_musd_per_unit == pytest.approx(0.0, abs=1e-9)  # no levers
    assert row.coverage_slope_per_unit == pytest.approx(0.0, abs=1e-9)  # 2027 defense fully clean throughout


def test_capex_slope_equals_hand_working(report):
    """capex x f scales the one build: 100 t/yr x $50,000 + $2,000,000 fixed = $7.0M at f = 1 (no
    salvage, discount rate 0); the build stays (unmet defense would cost $5M/t), so the slope is
    $7.0M per unit of f: -3.5 at f = 0.5, +3.5 at f = 1.5."""
    row = next(t for t in report.tornado() if t.input == "capex")
    assert row.cost_slope_musd_per_unit == pytest.approx(7.0, abs=1e-6)
    assert (row.cost_delta_low_musd, row.cost_delta_high_musd) == pytest.approx((-3.5, 3.5), abs=1e-6)
    assert row.cost_swing_musd == pytest.approx(7.0, abs=1e-6)


def test_tornado_ranks_by_cost_swing(report):
    # capex swings 7.0 $M, price 5.85 $M
    assert [t.input for t in report.tornado()] == ["capex", "price:t_cn_magnet"]
    assert report.base.total_cost_musd == pytest.approx(84.8471, abs=1e-6)
    assert [p.index for p in report.points] == list(range(6))


def test_delay_loses_2027_coverage():
    """t_magnet delayed 1 year: the build decided in 2026 is not allowed (earliest decision 2027), so
    2027 has no clean magnet: coverage 100 % -> 0 % (100 t defense unmet in 2027)."""
    rep = run_sweep(teaching(), [SweepInput("delay:t_magnet", 0, 1, 2)], workers=1, options=HIGHS)
    row = rep.tornado()[0]
    assert row.coverage_delta_high == pytest.approx(-1.0, abs=1e-9)
    assert rep.points[-1].defense_unmet_t == pytest.approx(100.0, abs=1e-6)


def test_same_report_on_one_and_two_workers(report):
    two = run_sweep(teaching(), report.inputs, workers=2, options=HIGHS)
    strip = lambda r: [(p.index, p.values, p.status, p.total_cost_musd, p.government_cost_musd, p.defense_coverage)
                       for p in r.points]  # noqa: E731
    assert strip(two) == strip(report)
    assert two.workers == 2


def test_points_one_at_a_time_and_grid():
    p = teaching()
    inputs = [SweepInput("capex", 0.8, 1.2, 3), SweepInput("demand", 1.0, 2.0, 2)]
    assert sweep_points(p, inputs) == [{}, {"capex": 0.8}, {"capex": 1.0}, {"capex": 1.2}, {"demand": 1.0},
                                       {"demand": 2.0}]
    assert len(sweep_points(p, inputs, grid=True)) == 6
    assert sweep_points(p, inputs, grid=True)[1] == {"capex": 0.8, "demand": 2.0}


@pytest.mark.parametrize("text, message", [
    ("capex", "expected NAME=LOW:HIGH"), ("capex=1.2:0.8", "HIGH must be >= LOW"), ("capex=a:1", "must be numbers"),
    ("capex=0.8:1.2:1", "STEPS must be from 2"),
])
def test_bad_vary_syntax(text, message):
    with pytest.raises(SweepInputError, match=message):
        parse_vary(text)


@pytest.mark.parametrize("vary, message", [
    ("bogus=1:2", "unknown input 'bogus'"), ("capacity:nowhere=1:2", "no facility 'nowhere'"),
    ("price:nowhere=1:2", "no market 'nowhere'"), ("capex=-1:2", "must be >= 0"),
])
def test_cli_bad_input_exits_2(vary, message, capsys):
    assert main(["sweep", str(TEACHING), "--vary", vary]) == 2
    assert message in capsys.readouterr().err


def test_cli_writes_json_csv_and_workbook(tmp_path, capsys):
    from openpyxl import load_workbook

    out = tmp_path
    code = main(["sweep", str(TEACHING), "--solver", "highs", "--vary", "capex=0.5:1.5:2", "--workers", "1",
                 "--json", str(out / "s.json"), "--csv", str(out / "csv"), "--xlsx", str(out / "s.xlsx")])
    assert code == 0
    text = capsys.readouterr().out
    assert "capex" in text and "+7.00" in text  # the slope in the printed tornado
    data = json.loads((out / "s.json").read_text())
    assert data["tornado"][0]["cost_slope_musd_per_unit"] == pytest.approx(7.0, abs=1e-6)
    back = read_csv_package(out / "csv")
    assert back["sweep_tornado"]["cost_swing_musd"].iloc[0] == pytest.approx(7.0, abs=1e-6)
    assert list(back["sweep_points"]["capex"].isna()) == [True, False, False]  # the base point leaves capex nominal
    wb = load_workbook(out / "s.xlsx")
    assert wb.sheetnames == ["Tornado", "Points"]
    assert len(wb["Tornado"]._charts) == 1 and wb["Tornado"]._charts[0].type == "bar"


def test_real_sample_tornado_ranks_its_inputs():
    """The real sample (LP relaxation, to keep it quick): the tornado lists the inputs by cost swing,
    each delta is its point's cost minus the base point's, and more demand costs more."""
    run = m2m.sweep(m2m.load(REAL), ["demand=0.8:1.2:2", "price=0.9:1.1:2"], workers=1, relax=True, solver="highs")
    t = run.tornado
    assert len(t) == 2 and list(t["cost_swing_musd"]) == sorted(t["cost_swing_musd"], reverse=True)
    base = run.points.set_index("point").loc[0, "total_cost_musd"]
    for _, row in t.iterrows():
        assert row["cost_low_musd"] - base == pytest.approx(row["cost_delta_low_musd"], abs=1e-9)
        assert row["cost_swing_musd"] > 0
    demand = t.set_index("input").loc["demand"]
    assert demand["cost_delta_high_musd"] > 0 > demand["cost_delta_low_musd"]  # more demand costs more


def test_same_report_on_a_dask_scheduler(report):
    """The sweep on a local Dask cluster (2 worker processes) gives the in-process points."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None) as cluster:
        rep = run_sweep(teaching(), report.inputs, scheduler=cluster.scheduler_address, options=HIGHS)
    strip = lambda r: [(p.index, p.values, p.status, p.total_cost_musd, p.defense_coverage) for p in r.points]  # noqa: E731
    assert strip(rep) == strip(report) and rep.scheduler == cluster.scheduler_address


def test_unreachable_scheduler_exits_2(capsys):
    assert main(["sweep", str(TEACHING), "--vary", "capex=0.8:1.2", "--scheduler", "tcp://127.0.0.1:1"]) == 2
    assert "cannot connect to the Dask scheduler" in capsys.readouterr().err
