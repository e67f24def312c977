"""CSV packages: every table and its datapackage.json read back equal; user text is written
spreadsheet-safe and reversibly; --csv on the command line writes the package."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from planner.cli.main import main
from planner.pipeline.solve import SolveOptions, solve_project
from planner.reports.csv_package import read_csv_package, safe_cell, unsafe_cell, write_csv_package
from planner.reports.tables import PLAN_TABLES, N, S, TableSpec, Y, frame, plan_tables
from tests.planner.helpers import TEACHING, teaching


@pytest.fixture(scope="module")
def tables():
    return plan_tables(solve_project(teaching(), SolveOptions(solver="highs")))


def test_plan_package_round_trips_exactly(tables, tmp_path):
    write_csv_package(tmp_path, tables, {t.name: t for t in PLAN_TABLES}, name="Teaching chain base")
    back = read_csv_package(tmp_path)
    assert list(back) == [t.name for t in PLAN_TABLES]
    for name, df in tables.items():
        pd.testing.assert_frame_equal(df, back[name], check_exact=True)


def test_descriptor_names_types_and_units(tables, tmp_path):
    write_csv_package(tmp_path, tables, {t.name: t for t in PLAN_TABLES}, name="Teaching chain base")
    desc = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))
    assert desc["profile"] == "tabular-data-package" and desc["name"] == "teaching-chain-base"
    flows = next(r for r in desc["resources"] if r["name"] == "flows")
    assert flows["path"] == "flows.csv" and flows["profile"] == "tabular-data-resource"
    fields = {f["name"]: f for f in flows["schema"]["fields"]}
    assert fields["year"]["type"] == "year" and fields["flow_t"]["type"] == "number" and fields["flow_t"]["unit"] == "t"
    assert fields["from_id"]["constraints"] == {"required": True} and "constraints" not in fields["source"]
    header = (tmp_path / "flows.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.split(",") == [f["name"] for f in flows["schema"]["fields"]]


@pytest.mark.parametrize("text, written", [
    ("=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"), ("+1", "'+1"), ("-2", "'-2"), ("@SUM", "'@SUM"),
    ("\tx", "'\tx"), ("'quoted", "''quoted"), ("Mountain Pass", "Mountain Pass"), ("a\x01b", "a\ufffdb"),
])
def test_safe_cell(text, written):
    assert safe_cell(text) == written
    if "\x01" not in text:
        assert unsafe_cell(safe_cell(text)) == text


def test_user_text_round_trips_through_csv(tmp_path):
    spec = TableSpec("notes", "user text", (S("name"), S("note", nullable=True), Y(), N("value_t", "t", nullable=True)))
    df = frame(spec,
               [("=cmd|' /C calc'!A0", "+risky", 2027, 1.5), ("'already", None, 2028, None), ("", "-5", 2029, 0.1)])
    write_csv_package(tmp_path, {"notes": df}, {"notes": spec}, name="notes")
    raw = (tmp_path / "notes.csv").read_text(encoding="utf-8")
    assert "\n'=cmd" in raw and ",'+risky," in raw and "\n=" not in raw
    pd.testing.assert_frame_equal(read_csv_package(tmp_path)["notes"], df, check_exact=True)


def test_solve_csv_on_the_command_line(tmp_path, capsys):
    out = tmp_path / "csv"
    assert main(["solve", str(TEACHING), "--solver", "highs", "--csv", str(out)]) == 0
    back = read_csv_package(out)
    inv = back["investments"]
    assert inv[["option", "decided_year"]].values.tolist() == [["t_magnet_build", 2026]]
    assert back["summary"]["total_cost_musd"].iloc[0] == pytest.approx(84.8471, abs=1e-6)
    assert "wrote 16 CSV tables" in capsys.readouterr().out


def test_scenarios_csv_stacks_by_scenario(tmp_path):
    out = tmp_path / "csv"
    assert main(["scenarios", str(TEACHING), "--solver", "highs", "--csv", str(out)]) == 0
    back = read_csv_package(out)
    assert list(back["summary"].columns[:2]) == ["scenario_id", "scenario"]
    assert back["summary"]["scenario_id"].iloc[0] == "base"


def test_unwritable_csv_folder_exits_1(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert main(["solve", str(TEACHING), "--solver", "highs", "--csv", str(blocker / "sub")]) == 1
    assert "cannot create the folder" in capsys.readouterr().err


def test_risk_and_robust_csv_on_the_command_line(tmp_path):
    """risk and robust --csv: the tables read back and agree with the run's own JSON."""
    risk_dir, risk_json = tmp_path / "risk", tmp_path / "risk.json"
    assert main(["risk", str(TEACHING), "-n", "3", "--workers", "1", "--seed", "4", "--solver", "highs",
                 "--csv", str(risk_dir), "--json", str(risk_json)]) == 0
    back = read_csv_package(risk_dir)
    data = json.loads(risk_json.read_text())
    assert back["risk_samples"]["sample"].tolist() == [0, 1, 2]
    assert back["risk_samples"]["total_cost_musd"].tolist() == [s["total_cost_musd"] for s in data["samples"]]
    assert back["risk_summary"]["n_ok"].iloc[0] == data["n_ok"] == 3
    p_all = back["risk_p_met"].query("product == 'all'").set_index("year")["p_met"]
    assert {str(y): p for y, p in p_all.items()} == data["p_met_all"]
    robust_dir = tmp_path / "robust"
    main(["robust", str(TEACHING), "-n", "2", "--eval", "2", "--workers", "1", "--csv", str(robust_dir)])
    rob = read_csv_package(robust_dir)
    assert set(rob) == {"robust_summary", "robust_plans", "robust_hedge", "robust_stock_hedge", "robust_ranking"}
    assert rob["robust_stock_hedge"].empty  # the teaching chain has no government stockpile
    assert sorted(rob["robust_ranking"]["plan"]) == ["deterministic", "robust"]
    assert rob["robust_ranking"]["rank"].tolist() == [1, 2]
    assert set(rob["robust_plans"]["plan"]) <= {"deterministic", "robust"} and len(rob["robust_plans"]) >= 2


def test_robust_csv_lists_the_stock_hedge_and_round_trips(tmp_path):
    """robust -n 0 --n1-secure 2027 --csv on tests/planner/test_stock_hedge.py's chain: one stock
    hedge row, dla (NdFeB) held at the end of 2026, 0 -> 100 t, the government pays 50,000 $/t x
    100 t = 5 $M and 1,000 $/t/yr x 100 t = 0.1 $M a year; the CSV and datapackage.json read back
    equal to the run's own table, and agree with its JSON."""
    from models.io import save_project
    from planner.reports.tables import ROBUST_STOCK_HEDGE
    from tests.planner.resilience_fixtures import stock_hedge_project

    path, out, js = tmp_path / "stock.m2m.json", tmp_path / "csv", tmp_path / "r.json"
    save_project(stock_hedge_project(), path)
    assert main(["robust", str(path), "-n", "0", "--n1-secure", "2027", "--eval", "2", "--workers", "1",
                 "--csv", str(out), "--json", str(js)]) == 0
    back = read_csv_package(out)["robust_stock_hedge"]
    assert list(back.columns) == ROBUST_STOCK_HEDGE.names == [
        "stockpile", "product", "year", "deterministic_t", "robust_t", "extra_t", "purchase_musd",
        "holding_musd_per_yr", "payer"]
    (row,) = back.itertuples(index=False)
    assert (row.stockpile, row.product, row.year, row.payer) == ("dla", "ndfeb_magnet", 2026, "government")
    assert row.deterministic_t == pytest.approx(0.0, abs=1e-6) and row.robust_t == pytest.approx(100.0, abs=1e-5)
    assert row.purchase_musd == pytest.approx(5.0, abs=1e-5) and row.holding_musd_per_yr == pytest.approx(0.1, abs=1e-6)
    data = json.loads(js.read_text())
    (h,) = data["stock_hedge"]
    assert (h["robust_t"], h["purchase_musd"]) == (row.robust_t, row.purchase_musd)
    schema = json.loads((out / "datapackage.json").read_text())
    res = next(r for r in schema["resources"] if r["name"] == "robust_stock_hedge")
    fields = {f["name"]: f for f in res["schema"]["fields"]}
    assert (fields["robust_t"]["unit"], fields["purchase_musd"]["unit"], fields["holding_musd_per_yr"]["unit"]) == (
        "t", "$M", "$M/yr")
