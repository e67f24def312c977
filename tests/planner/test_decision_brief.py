"""The decision brief's content (planner.reports.brief) and its workbook sheet, read back with openpyxl.

The plan is the hand-made one of test_report_xlsx (figures easy to check) with three government
lever lines added: a $6.0M grant towards US Magnets' 2026 build and a price floor paying $2.5M in
2027 and $3.0M in 2028.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from openpyxl import load_workbook

from planner.reports.brief import (
    RISK_NOT_RUN,
    STRESS_NOT_RUN,
    RiskSummary,
    build_brief,
    risk_headline,
    stress_rows_plain,
)
from planner.reports.xlsx import write_plan_workbook
from planner.result import LeverRow, PlanResult, Status
from tests.planner.test_report_xlsx import SOLVED_AT, make_project, make_result


def plan() -> PlanResult:
    r = make_result()
    r.investments[0].defense_qualified_year = 2028  # what extraction gives the magnet plant (no lag)
    r.levers = [LeverRow("grant", "g1", "mag-us", 2026, 150.0, 6.0, "government"),
                LeverRow("price_floor", "pf1", "mag-us", 2027, 100.0, 2.5, "government"),
                LeverRow("price_floor", "pf1", "mag-us", 2028, 300.0, 3.0, "government")]
    r.cost_breakdown_musd.update(government=10.0, industry=52.5)
    return r


STRESS = [
    {"contingency": "mag-us", "product": "ndfeb_magnet", "year": 2027, "defense_shortfall_t": 151.0},
    SimpleNamespace(contingency="mine-au", product="ndfeb_magnet", year=2027, defense_shortfall_t=0.0),
]


def test_what_to_fund_rows_with_years_capex_and_payer():
    """Investments by decision year. US Magnets 'Line 2': decided 2026, online 2028, defense from 2028
    (no qualification lag), 150 t/yr x $0.1M = $15.0M, of which the $6.0M grant is the government's
    and 15.0 - 6.0 = $9.0M industry's. '=1+1' 'Phase 2' (a separation plant): 2027, 2028, 200 t/yr,
    $10.0M, industry; upstream, so no defense date (its lag is not carried down the chain) -- never
    its online year shown as one."""
    b = build_brief(make_project(), plan(), solved_at=SOLVED_AT)
    fund = b.section("What to fund")
    assert fund.rows == (
        ("US Magnets", "Line 2", 2026, 2028, 2028, 150.0, 15.0, "government $6.0M, industry $9.0M"),
        ("=1+1", "Phase 2", 2027, 2028, "- (upstream)", 200.0, 10.0, "industry"),
    )
    assert fund.notes == ("2 investments, capex $25.0M in money of each decision year (undiscounted).",)


def test_levers_with_government_cost_per_year():
    b = build_brief(make_project(), plan(), solved_at=SOLVED_AT)
    levers = b.section("Contracts and levers")
    assert levers.rows == (
        ("g1", "Capex grant", "US Magnets", "government", "2026: 6.0", 6.0),
        ("pf1", "Price floor", "US Magnets", "government", "2027: 2.5; 2028: 3.0", 5.5),
    )
    assert levers.notes[0] == "Government pays per year ($M, undiscounted): 2026: 6.0; 2027: 2.5; 2028: 3.0."


def test_defense_coverage_2026_to_2028_without_stress():
    """Compliance year 2027 -> 2026-2028. Defense NdFeB = def-ndfeb + the F-35's 10 kg x 100 = 1 t.
    2026: 100 t demand, 100 delivered, 40 clean, 0 short; the one flow into defense that year is
    60 t of China's (covered) magnets, allowed before the compliance year. 2027: 201, 151, 151, 50 short;
    the clean tonne comes from US Magnets. 2028: 300 all clean."""
    b = build_brief(make_project(), plan(), solved_at=SOLVED_AT)
    cov = b.section("Defense coverage")
    assert cov.title == "Defense coverage 2026-2028"
    assert cov.rows == (
        ("NdFeB magnet", 2026, 100.0, 100.0, 40.0, 0.0, "China magnets", STRESS_NOT_RUN),
        ("NdFeB magnet", 2027, 201.0, 151.0, 151.0, 50.0, "US Magnets", STRESS_NOT_RUN),
        ("NdFeB magnet", 2028, 300.0, 300.0, 300.0, 0.0, "none", STRESS_NOT_RUN),
    )
    head = dict(b.headline)
    assert head["Stress test"] == STRESS_NOT_RUN
    assert head["Risk"] == RISK_NOT_RUN
    # the shortfall sits beside the cost: 50 t of defense over the horizon, all of it in 2026-2028
    assert head["Cost and shortfall"] == ("$62.5M discounted total cost; defense shortfall 50.0 t over the horizon, "
                                          "50.0 t in 2026-2028; commercial shortfall 0.0 t")
    assert head["Who pays"] == "government $10.0M, industry $52.5M (discounted)"


def test_single_points_of_failure_from_a_stress_result():
    b = build_brief(make_project(), plan(), solved_at=SOLVED_AT, stress=STRESS)
    cov = b.section("Defense coverage")
    assert [r[-1] for r in cov.rows] == ["not stressed", "US Magnets (151.0 t short)", "not stressed"]
    assert dict(b.headline)["Stress test"] == ("1 single point of failure (the most defense demand short in one "
                                               "product and year): US Magnets (151.0 t short)")


def test_risk_headline_counts_failed_samples_as_not_met():
    """8 of 10 samples have a plan and 75 % of those meet 2027: 0.75 x 8 / 10 = 60 % of all samples."""
    report = SimpleNamespace(n_completed=10, n_ok=8, target_year=2027, p_met_all={2027: 0.75},
                             cost_musd={"p10": 50.0, "p50": 60.0, "p90": 70.0},
                             mean_unmet_by_segment_t={"defense": 12.5})
    assert risk_headline(report) == ("P(all defense demand met in 2027) = 60% of 10 samples (2 without a plan count "
                                     "as not met); cost P10/P50/P90 $50M / $60M / $70M with mean defense "
                                     "shortfall 12.5 t")
    # the plain summary the app hands to threads and the workbook's child process: the same line,
    # and it survives pickling (a spawned process receives it that way)
    import pickle

    summary = pickle.loads(pickle.dumps(RiskSummary.of(report, "china_cut")))
    assert summary.scenario == "china_cut" and risk_headline(summary) == risk_headline(report)


def test_a_missing_run_is_described_in_the_words_given():
    """The app says why there is no current run; the coverage rows and the headline carry it."""
    why = "stress test out of date: the project changed since it ran (run it again)"
    b = build_brief(make_project(), plan(), solved_at=SOLVED_AT, stress_missing=why, risk_missing="risk analysis x")
    assert dict(b.headline)["Stress test"] == why and dict(b.headline)["Risk"] == "risk analysis x"
    assert {r[-1] for r in b.section("Defense coverage").rows} == {why}
    # plain stress rows give the same brief as the rows they came from
    assert build_brief(make_project(), plan(), solved_at=SOLVED_AT, stress=stress_rows_plain(STRESS)) == build_brief(
        make_project(), plan(), solved_at=SOLVED_AT, stress=STRESS)


def test_no_plan_brief_says_why_and_has_no_tables():
    failed = PlanResult(status=Status.INFEASIBLE, message="no plan meets the 2026 capex budget", solver="cbc")
    b = build_brief(make_project(), failed, solved_at=SOLVED_AT)
    assert not b.has_plan and b.sections == ()
    assert dict(b.headline)["Why"] == "no plan meets the 2026 capex budget"


def test_brief_is_the_workbooks_first_sheet(tmp_path):
    path = tmp_path / "plan.xlsx"
    write_plan_workbook(path, make_project(), plan(), solved_at=SOLVED_AT, stress=STRESS)
    wb = load_workbook(path)
    ws = wb.worksheets[0]
    assert ws.title == "Decision brief"
    cells = {(c.row, c.column): c.value for row in ws.iter_rows() for c in row if c.value is not None}
    text = [v for v in cells.values() if isinstance(v, str)]
    assert "Decision brief: =Teaching project" in text  # literal text, never a formula
    assert "What to fund" in text and "Contracts and levers" in text and "Defense coverage 2026-2028" in text
    row = next(r for (r, c), v in cells.items() if c == 1 and v == "US Magnets")
    assert [cells.get((row, c)) for c in range(1, 9)] == [
        "US Magnets", "Line 2", 2026, 2028, 2028, 150, 15, "government $6.0M, industry $9.0M"]
    cov = [r for (r, c), v in cells.items() if c == 1 and v == "NdFeB magnet"]
    assert [cells.get((r, 6)) for r in sorted(cov)] == [0, 50, 0]  # short (t), 2026-2028
    assert [cells.get((r, 8)) for r in sorted(cov)] == ["not stressed", "US Magnets (151.0 t short)", "not stressed"]
    # printed: landscape, one page wide, print area over the brief
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    assert ws.print_area is not None and "$A$1:$H$" in ws.print_area


@pytest.mark.parametrize("scenario", ["tight"])
def test_scenario_named_in_the_headline(scenario):
    b = build_brief(make_project(), make_result(scenario), solved_at=SOLVED_AT)
    assert dict(b.headline)["Scenario"] == "Tight budget: Half the budget"


def test_a_stockpile_release_is_a_defense_supplier_shown_in_tonnes():
    """DLA releases 10 t of NdFeB magnets to defense in 2028: the stockpile is a direct supplier
    that year, and its lever line reads in tonnes, not dollars."""
    from models.project import GovStockpile

    p = make_project()
    p.levers.stockpiles.append(GovStockpile(id="dla", name="DLA NdFeB stockpile", material="ndfeb_magnet",
                                            capacity_t=100))
    r = plan()
    r.levers.append(LeverRow("stockpile_release", "dla", "dla", 2028, 10.0, 0.0, "government"))
    r.flows.append(r.flows[0].__class__("mine-au", "mag-us", "concentrate", 2027, "clean", 5.0))
    b = build_brief(p, r, solved_at=SOLVED_AT)
    cov = {row[1]: row[6] for row in b.section("Defense coverage").rows}
    assert cov[2028] == "DLA NdFeB stockpile"
    assert cov[2027] == "US Magnets (+1 upstream)"  # the mine feeding US Magnets in 2027
    release = [row for row in b.section("Contracts and levers").rows if row[1] == "Stockpile release"]
    assert release == [("DLA NdFeB stockpile", "Stockpile release", "DLA NdFeB stockpile", "government",
                        "2028: 10.0 t released", None)]


def test_an_n1_stress_report_gives_the_single_points_of_failure():
    """The stress test's report shape: elements with their shortfall beyond the baseline (extra_t)."""
    report = SimpleNamespace(elements=[
        SimpleNamespace(id="facility:mag-us", name="US Magnets", extra_t={"ndfeb_magnet": {2027: 151.0, 2028: 300.0}}),
        SimpleNamespace(id="country:AU", name="Australia", extra_t={"ndfeb_magnet": {2027: 0.0, 2028: 0.0}}),
    ])
    b = build_brief(make_project(), plan(), solved_at=SOLVED_AT, stress=report)
    assert [r[-1] for r in b.section("Defense coverage").rows] == [
        "not stressed", "US Magnets (151.0 t short)", "US Magnets (300.0 t short)"]
    # the headline: each single point of failure with its worst product-year, max(151, 300) = 300 t
    assert dict(b.headline)["Stress test"].endswith(": US Magnets (300.0 t short)")
