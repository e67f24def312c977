"""Scenarios: overrides reach the solved plan, solve_scenarios order, compare(), the CLI."""

from __future__ import annotations

import json

import pytest

from models import save_project
from planner.analysis.comparison import compare
from planner.analysis.scenarios import solve_scenarios
from planner.pipeline.solve import SolveOptions
from planner.progress import SolveState
from planner.reports.text import comparison_table
from planner.result import Investment, PlanResult, Status

from .risk_fixtures import teaching_project

OPTIONS = SolveOptions(time_limit_s=30)


@pytest.fixture(scope="module")
def results():
    return solve_scenarios(teaching_project(), OPTIONS)


def test_base_first_then_every_scenario_in_file_order(results):
    assert list(results) == ["base", "china_cut", "sep_late", "demand_x2", "capex_up"]
    assert all(r.has_plan for r in results.values())
    assert [r.scenario for r in results.values()] == list(results)


def _produced(result, facility):
    out: dict[int, float] = {}
    for row in result.production:
        if row.facility == facility:
            out[row.year] = out.get(row.year, 0.0) + row.tonnes
    return out


def test_a_delayed_facility_produces_nothing_before_its_new_online_year(results):
    base, late = _produced(results["base"], "sep_us"), _produced(results["sep_late"], "sep_us")
    assert base.get(2027, 0) > 1.0  # on time: separation runs from 2027
    assert all(t <= 1e-6 for y, t in late.items() if y < 2029)  # online 2027 + 2
    assert late.get(2029, 0) > 1.0
    # and downstream: the metal plant has no oxide to work in 2027-2028 beyond what a market could give
    assert sum(r.unmet for r in results["sep_late"].demand if r.year in (2027, 2028)) > 0


def test_china_cut_never_costs_less_than_base(results):
    base, cut = results["base"], results["china_cut"]
    # Removing a supply option can only raise the optimum of the full objective (cost + unmet penalty).
    assert cut.objective >= base.objective - 1e-6 * abs(base.objective)
    assert cut.unmet_total() >= base.unmet_total() - 1e-6
    # The cost without penalty may fall only because demand goes unmet (nothing bought for it).
    assert cut.total_cost_musd >= base.total_cost_musd - 1e-6 or cut.unmet_total() > base.unmet_total()


def test_demand_and_capex_overrides_reach_the_plan(results):
    d2 = [r for r in results["demand_x2"].demand if r.segment == "defense" and r.year == 2030]
    assert sum(r.demand for r in d2) == pytest.approx(300.0)
    (inv_b,) = results["base"].investments
    (inv_c,) = results["capex_up"].investments
    assert (inv_b.facility, inv_b.added_tpy) == (inv_c.facility, inv_c.added_tpy)
    assert inv_c.capex_musd == pytest.approx(1.3 * inv_b.capex_musd)  # capex +30 %, same build


def test_compare_reports_the_figures_and_the_investments_that_differ(results):
    cmp = compare(results, year=2027)
    assert cmp.ids == list(results)
    for sid, r in results.items():
        s = cmp.summary(sid)
        assert s.total_cost_musd == r.total_cost_musd and s.capex_musd == r.cost_breakdown_musd["capex"]
        assert s.unmet_total_t == pytest.approx(r.unmet_total())
        want = {c.product: c.clean_share for c in r.compliance if c.year == 2027}
        assert s.compliant_share == want
    assert cmp.summary("sep_late").unmet_t["ndfeb_magnet"][2028] == pytest.approx(75.0)
    diffs = {(d.facility, d.option): d for d in cmp.investment_diffs}
    # metal_x is built only when defense demand doubles
    assert diffs[("metal_us", "metal_x")].reason == "built in some scenarios only"
    assert diffs[("metal_us", "metal_x")].by_scenario["base"] is None
    assert diffs[("metal_us", "metal_x")].by_scenario["demand_x2"] is not None
    # magnet_x: decided a year later when separation is late
    assert diffs[("magnet_us", "magnet_x")].reason == "decision year differs"
    text = "\n".join(comparison_table(cmp))
    assert "sep_late" in text and "metal_us/metal_x" in text and "not built" in text
    data = json.loads(cmp.to_json())
    assert data["scenarios"][0]["scenario"] == "base"


def _result(sid, invs):
    r = PlanResult(Status.OPTIMAL, "ok", "highs", sid, objective=1.0, total_cost_musd=1.0,
                   cost_breakdown_musd={"capex": 0.5})
    r.investments = [Investment(f, o, y, y + 2, a, 1.0) for f, o, y, a in invs]
    return r


def test_compare_size_tolerance_and_split_builds():
    res = {
        "base": _result("base", [("f", "a", 2026, 100.0), ("f", "b", 2026, 100.0), ("f", "c", 2027, 40.0),
                                 ("f", "c", 2026, 60.0)]),
        "s1": _result("s1", [("f", "a", 2026, 100.4), ("f", "b", 2026, 110.0), ("f", "c", 2026, 100.0)]),
        "broken": PlanResult(Status.INFEASIBLE, "no plan", "highs", "broken"),
    }
    cmp = compare(res)
    assert cmp.common_investments == [("f", "a"), ("f", "c")]  # within 0.5 t/yr; c: 60 + 40 from 2026
    (d,) = cmp.investment_diffs
    assert (d.option, d.reason) == ("b", "size differs")
    assert "broken" not in d.by_scenario
    assert not cmp.summary("broken").has_plan and cmp.summary("broken").total_cost_musd is None


def test_cancel_returns_what_was_solved():
    state = SolveState()
    seen = []

    def on_progress(fraction, message):
        seen.append(message)
        if message.startswith("china_cut"):
            state.request_cancel()

    state._on_progress = on_progress
    out = solve_scenarios(teaching_project(), OPTIONS, state)
    assert list(out) in (["base"], ["base", "china_cut"])


# ------------------------------------------------------------------------------------ CLI
def _cli(argv):
    from planner.cli.main import main

    try:
        return main(argv)
    except SystemExit as e:
        return e.code


def test_cli_scenarios_table_and_json(tmp_path, capsys):
    src = tmp_path / "t.m2m.json"
    save_project(teaching_project(), src)
    out = tmp_path / "s.json"
    assert _cli(["scenarios", str(src), "--json", str(out), "--time-limit", "30"]) == 0
    text = capsys.readouterr().out
    header = next(line for line in text.splitlines() if "china_cut" in line)
    assert header.split() == ["base", "china_cut", "sep_late", "demand_x2", "capex_up"]
    assert "total cost" in text and "clean share 2027" in text
    data = json.loads(out.read_text())
    assert list(data["results"]) == ["base", "china_cut", "sep_late", "demand_x2", "capex_up"]
    assert data["comparison"]["scenarios"][2]["unmet_t"]["ndfeb_magnet"]["2028"] == pytest.approx(75.0)


def test_cli_scenarios_xlsx(tmp_path, capsys):
    src = tmp_path / "t.m2m.json"
    save_project(teaching_project(), src)
    out = tmp_path / "s.xlsx"
    code = _cli(["scenarios", str(src), "--xlsx", str(out)])
    try:
        import planner.reports.xlsx as rx  # written by another helper
        has_writer = hasattr(rx, "write_scenarios_workbook")
    except ImportError:
        has_writer = False
    if has_writer:
        import openpyxl

        assert code == 0
        ws = openpyxl.load_workbook(out)["Scenario comparison"]
        rows = list(ws.iter_rows(values_only=True))
        header = next(r for r in rows if r and r[0] == "Figure")
        assert list(header[1:6]) == ["base", "china_cut", "sep_late", "demand_x2", "capex_up"]
        cost = next(r for r in rows if r and r[0] == "Total cost ($M)")
        assert all(isinstance(v, float) for v in cost[1:6])  # numbers, not text
        assert cost[1] < cost[4]  # base is cheaper than doubled defense demand
    else:
        assert code == 1 and "not available" in capsys.readouterr().err and not out.exists()


def test_cli_scenarios_bad_input(tmp_path, capsys):
    assert _cli(["scenarios", str(tmp_path / "missing.json")]) == 2
    src = tmp_path / "t.m2m.json"
    save_project(teaching_project(), src)
    assert _cli(["scenarios", str(src), "--time-limit", "-1"]) == 2
    assert "Traceback" not in capsys.readouterr().err
