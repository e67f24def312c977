"""The Python API (mine2magnet): the teaching chain's DataFrames equal its hand-worked plan
(docs/teaching_chain.md), a result JSON reads back into equal DataFrames, and input tables go back
through the project file's validation with located errors."""

from __future__ import annotations

import pandas as pd
import pytest

import mine2magnet as m2m
from tests.planner.helpers import REAL, TEACHING


@pytest.fixture(scope="module")
def plan():
    return m2m.solve(m2m.load(TEACHING), solver="highs")


def test_teaching_summary_equals_hand_total(plan):
    # docs/teaching_chain.md section 6: capex 7.0 + opex 19.24 + transport 0.1071 + purchases 58.5 = 84.8471 $M
    s = plan.summary.iloc[0]
    assert s["status"] == "optimal"
    assert s["total_cost_musd"] == pytest.approx(84.8471, abs=1e-6)
    assert (s["capex_musd"], s["opex_musd"], s["transport_musd"], s["purchases_musd"]) == pytest.approx(
        (7.0, 19.24, 0.1071, 58.5), abs=1e-6)
    assert s["government_cost_musd"] == pytest.approx(0.0, abs=1e-9)  # no levers: industry pays all
    assert s["unmet_defense_t"] == pytest.approx(0.0, abs=1e-6)


def test_teaching_investments_frame(plan):
    inv = plan.investments
    assert list(inv.columns) == ["facility", "option", "decided_year", "online_year", "defense_qualified_year",
                                 "added_tpy", "capex_musd"]
    assert str(inv["decided_year"].dtype) == "int64" and str(inv["facility"].dtype) == "string"
    assert inv[["facility", "option", "decided_year", "online_year"]].values.tolist() == [
        ["t_magnet", "t_magnet_build", 2026, 2027]]
    # 100 t/yr x $50,000 + $2,000,000 fixed = $7,000,000 (section 5)
    assert inv["added_tpy"].iloc[0] == pytest.approx(100.0, abs=1e-6)
    assert inv["capex_musd"].iloc[0] == pytest.approx(7.0, abs=1e-9)


def test_teaching_flows_frame_equals_hand_table(plan):
    f = plan.flows
    pivot = f.pivot_table(index=["from_id", "to_id", "class"], columns="year", values="flow_t", aggfunc="sum",
                          fill_value=0.0)
    # docs/teaching_chain.md section 5, the flow table (t per year 2026..2029)
    hand = {
        ("t_cn_magnet", "t_commercial", "covered"): [300, 300, 300, 300],
        ("t_cn_magnet", "t_defense", "covered"): [100, 0, 0, 0],
        ("t_mine", "t_sep", "clean"): [0, 200, 200, 200],  # 34 / 0.85 / (0.25 x 0.80) = 200 t TREO
        ("t_sep", "t_metal", "clean"): [0, 40, 40, 40],  # 34 / 0.85
        ("t_metal", "t_magnet", "clean"): [0, 34, 34, 34],  # 100 t x 0.34
        ("t_magnet", "t_defense", "clean"): [0, 100, 100, 100],
    }
    for key, tonnes in hand.items():
        got = [pivot.loc[key].get(y, 0.0) if key in pivot.index else 0.0 for y in (2026, 2027, 2028, 2029)]
        assert got == pytest.approx(tonnes, abs=1e-6), key


def test_teaching_demand_and_costs_frames(plan):
    seg = plan.demand_by_segment.set_index(["segment", "year"])
    # defense 100 t/yr: all delivered, clean only from 2027 (China allowed in 2026, before compliance)
    assert seg.loc[("defense", 2026), "delivered_clean_t"] == pytest.approx(0.0, abs=1e-6)
    assert seg.loc[("defense", 2027), "delivered_clean_t"] == pytest.approx(100.0, abs=1e-6)
    assert seg.loc[("commercial", 2028), "delivered_t"] == pytest.approx(300.0, abs=1e-6)
    assert (seg["unmet_t"].abs() < 1e-6).all() and list(seg["met_share"]) == pytest.approx([1.0] * 8)
    c = plan.costs_by_year.set_index("year")
    # section 6: 2026 = 7.0 capex + 1.0 opex + 18.0 purchases = 26.0; 2027 = 6.08 + 0.0357 + 13.5 = 19.6157
    assert c.loc[2026, "total_musd"] == pytest.approx(26.0, abs=1e-6)
    assert c.loc[2027, "total_musd"] == pytest.approx(19.6157, abs=1e-6)
    assert c["total_musd"].sum() == pytest.approx(84.8471, abs=1e-6)
    assert plan.checks["passed"].all() and plan.levers.empty and list(plan.levers.columns)[-1] == "payer"


def test_result_json_reads_back_into_equal_frames(plan, tmp_path):
    path = tmp_path / "plan.json"
    plan.to_json(path)
    back = m2m.read_result(path)
    for name in m2m.Plan.TABLES:
        pd.testing.assert_frame_equal(plan.table(name), back.table(name), check_exact=True)


def test_input_tables_round_trip_unchanged():
    project = m2m.load(REAL)
    again = m2m.with_tables(project, facilities=m2m.facilities(project), routes=m2m.routes(project),
                            markets=m2m.markets(project), demand=m2m.demand(project))
    assert again.model_dump() == project.model_dump()


def test_demand_edited_in_pandas_changes_the_project():
    project = m2m.load(TEACHING)
    dem = m2m.demand(project)
    assert len(dem) == 8  # 2 demands x 4 years
    dem.loc[(dem.demand_id == "t_defense") & (dem.year == 2028), "tonnes_t"] = 150.0
    edited = m2m.with_tables(project, demand=dem)
    assert {d.id: d.tonnes_by_year[2028] for d in edited.demands} == {"t_defense": 150.0, "t_commercial": 300.0}
    assert project.demands[0].tonnes_by_year[2028] == 100.0  # the original is untouched


def test_bad_cell_is_located_by_table_row_and_name():
    project = m2m.load(REAL)
    fac = m2m.facilities(project)
    row = int(fac.index[fac["name"].str.contains("Mountain Pass")][0])
    fac.loc[row, "capacity_tpy"] = -5.0
    with pytest.raises(m2m.InputTableError) as e:
        m2m.with_tables(project, facilities=fac)
    name = fac.loc[row, "name"]
    assert e.value.problems == [f"facilities row {row} ({name}) capacity_tpy: must be >= 0"]


def test_route_to_a_removed_facility_is_located():
    project = m2m.load(TEACHING)
    fac = m2m.facilities(project)
    fac = fac[fac.id != "t_metal"]  # routes t_oxide and t_metal_out now point nowhere
    with pytest.raises(m2m.InputTableError) as e:
        m2m.with_tables(project, facilities=fac)
    assert any(p.startswith("routes[") and "unknown facility 't_metal'" in p for p in e.value.problems)


def test_demand_rows_of_one_demand_must_agree():
    project = m2m.load(TEACHING)
    dem = m2m.demand(project)
    dem.loc[1, "segment"] = "commercial"
    with pytest.raises(m2m.InputTableError) as e:
        m2m.with_tables(project, demand=dem)
    assert any("segment: differs between the rows of one demand" in p for p in e.value.problems)
    dem = m2m.demand(project)
    dem.loc[2, "tonnes_t"] = -1.0
    with pytest.raises(m2m.InputTableError) as e:
        m2m.with_tables(project, demand=dem)
    assert e.value.problems[0].startswith("demand rows 0-3 (t_") and "must be >= 0" in e.value.problems[0]


def test_unknown_column_is_refused():
    project = m2m.load(TEACHING)
    fac = m2m.facilities(project).assign(capacity=1.0)
    with pytest.raises(m2m.InputTableError, match="unknown column"):
        m2m.with_tables(project, facilities=fac)


def test_scenarios_and_risk_through_the_api():
    from tests.planner.risk_fixtures import teaching_project

    project = teaching_project()  # the teaching chain with four scenarios
    sc = m2m.scenarios(project, only=["china_cut"], solver="highs")
    assert list(sc.plans) == ["base", "china_cut"]
    assert sc.comparison["scenario_id"].tolist() == ["base", "china_cut"]
    alone = m2m.solve(project, "china_cut", solver="highs").total_cost_musd
    assert sc.comparison.set_index("scenario_id").loc["china_cut", "total_cost_musd"] == pytest.approx(alone, abs=1e-6)
    inv = sc.table("investments")
    assert set(inv["scenario_id"]) <= {"base", "china_cut"} and "base" in set(inv["scenario_id"])
    risk = m2m.risk(project, n=2, workers=1, seed=3, solver="highs")
    assert risk.samples["sample"].tolist() == [0, 1] and risk.summary["n_ok"].iloc[0] == 2
    with pytest.raises(ValueError, match="unknown scenario"):
        m2m.solve(project, "nope")


def test_robust_run_exposes_the_stock_hedge_with_units_in_its_columns():
    """m2m.robust(..., k=0, n1_years=[2027]) on tests/planner/test_stock_hedge.py's chain: the
    N-1-secure plan holds 100 t in dla at the end of 2026 where the deterministic plan holds none;
    the government pays 50,000 $/t x 100 t = 5 $M and 1,000 $/t/yr x 100 t = 0.1 $M a year."""
    from tests.planner.resilience_fixtures import stock_hedge_project

    rob = m2m.robust(stock_hedge_project(), 0, n_eval=2, workers=1, n1_years=[2027], time_limit_s=30)
    df = rob.stock_hedge
    assert list(df.columns) == ["stockpile", "product", "year", "deterministic_t", "robust_t", "extra_t",
                                "purchase_musd", "holding_musd_per_yr", "payer"]
    assert df[["stockpile", "product", "year", "payer"]].values.tolist() == [
        ["dla", "ndfeb_magnet", 2026, "government"]]
    assert df["extra_t"].iloc[0] == pytest.approx(100.0, abs=1e-5)
    assert df["purchase_musd"].iloc[0] == pytest.approx(5.0, abs=1e-5)
    assert df["holding_musd_per_yr"].iloc[0] == pytest.approx(0.1, abs=1e-6)
    assert rob.report.n1["critical"] == ["facility:mag"]
