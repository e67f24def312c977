"""A hedge that cannot slip: stock the robust plan builds in 2026 and every future follows until its
event is revealed (planner.analysis.saa non-anticipativity, EvalSpec.stock_floors)."""

from __future__ import annotations

import pytest

from planner.analysis.risk import run_risk
from planner.analysis.robust import run_robust
from planner.pipeline.solve import SolveOptions
from planner.reports.text import robust_lines

from .resilience_fixtures import stock_hedge_project

OPTIONS = SolveOptions(time_limit_s=30)


def test_the_robust_plan_buys_the_stock_the_hand_calculation_says_and_lifts_p_met_to_100():
    """stock_hedge_project's docstring: the deterministic plan holds no stock, P(defense met 2027)
    = 75 % out of sample (mean 2027 shortfall 25 t); over 4 sampled futures (one with the outage)
    the robust plan holds X = 100 t in ``dla`` at the end of 2026 -- the government pays 5 $M
    for it, holding 0.1 $M a year -- and out of sample P = 100 %, shortfall 0."""
    rep = run_robust(stock_hedge_project(), 4, n_eval=8, seed=0, workers=1, options=OPTIONS)
    assert rep.has_plan, rep.message
    assert rep.deterministic_plan == [] and rep.robust_plan == []
    assert rep.robust_stock == [["dla", 2026, pytest.approx(100.0, abs=1e-5)]]
    (h,) = rep.stock_hedge
    assert (h.stockpile, h.year, h.payer) == ("dla", 2026, "government")
    assert h.deterministic_t == pytest.approx(0.0, abs=1e-6) and h.extra_t == pytest.approx(100.0, abs=1e-5)
    assert h.purchase_musd == pytest.approx(5.0, abs=1e-5)
    assert h.holding_musd_per_yr == pytest.approx(0.1, abs=1e-6)
    d, r = rep.deterministic_eval, rep.robust_eval
    assert d.n_failed == 0 and r.n_failed == 0
    assert d.p_met["ndfeb_magnet"][2027] == pytest.approx(0.75)
    assert d.mean_shortfall_t["ndfeb_magnet"][2027] == pytest.approx(25.0, abs=1e-5)
    assert r.p_met["ndfeb_magnet"][2027] == pytest.approx(1.0)
    assert r.mean_shortfall_t["ndfeb_magnet"][2027] == pytest.approx(0.0, abs=1e-5)
    assert r.stock_floors == rep.robust_stock
    text = "\n".join(robust_lines(rep))
    assert "dla" in text and "government" in text


def test_the_n1_secure_plan_for_a_2027_outage_is_stock_bought_in_2026():
    """N-1 secure in 2027 with ``mag`` out in 2027 alone (-n 0): the contingency shares 2026 with the
    forecast, so the hedge is the same 100 t held at the end of 2026, no investment."""
    rep = run_robust(stock_hedge_project(), 0, n_eval=4, workers=1, options=OPTIONS, n1_years=[2027])
    assert rep.has_plan, rep.message
    assert rep.n1["critical"] == ["facility:mag"]
    assert rep.n1["deterministic_extra_t"] == {"facility:mag": pytest.approx(100.0)}
    assert rep.robust_plan == [] and rep.robust_stock == [["dla", 2026, pytest.approx(100.0, abs=1e-5)]]
    assert rep.n1["robust_extra_t"] == {"facility:mag": pytest.approx(0.0, abs=1e-5)}


def test_evaluation_follows_a_stock_build_until_the_event_is_revealed():
    """The deterministic plan with 100 t held at the end of 2026 by hand: every future runs it in
    2026 (the outage is revealed in 2027), so P(defense met 2027) = 100 %; a floor of 60 t leaves
    the outage futures 40 t short: P = 75 %, mean shortfall 0.25 x 40 = 10 t."""
    p = stock_hedge_project()
    full = run_risk(p, 8, seed=0, workers=1, options=OPTIONS, plan=[], stock_floors=[["dla", 2026, 100.0]])
    assert full.p_met["ndfeb_magnet"][2027] == pytest.approx(1.0)
    part = run_risk(p, 8, seed=0, workers=1, options=OPTIONS, plan=[], stock_floors=[["dla", 2026, 60.0]])
    assert part.p_met["ndfeb_magnet"][2027] == pytest.approx(0.75)
    assert part.mean_shortfall_t["ndfeb_magnet"][2027] == pytest.approx(10.0, abs=1e-5)


def test_a_stock_floor_on_an_unknown_stockpile_is_refused_with_its_place():
    from planner.analysis.risk import RiskRunError

    with pytest.raises(RiskRunError, match=r"stock_floors\[0\]"):
        run_risk(stock_hedge_project(), 2, workers=1, options=OPTIONS, plan=[], stock_floors=[["nds", 2026, 1.0]])


def test_a_stock_build_survives_an_unrelated_reveal_in_its_own_year():
    """The plant's 2026 availability drawn in [90 %, 100 %] of 250 t/yr (225-250 t, enough for
    100 t of demand and 100 t of stock) is revealed at the start of 2026 in every sample, before the
    stock is built; the re-plan keeps the plan's stock build (a soft commitment), so the 2027
    outage futures still find 100 t in store: P(defense met 2027) = 100 %, no breach."""
    from models.project import AvailabilityDistribution

    p = stock_hedge_project()
    p.facilities[0].capacity_tpy = 250
    p.facilities[0].availability_risk = {2026: AvailabilityDistribution(low=0.9, mode=0.95, high=1.0)}
    rep = run_risk(p, 8, seed=0, workers=1, options=OPTIONS, plan=[], stock_floors=[["dla", 2026, 100.0]])
    assert rep.n_failed == 0 and rep.p_met["ndfeb_magnet"][2027] == pytest.approx(1.0)
    assert rep.breaches == []


def test_the_workbook_lists_the_stock_hedge_with_its_payer(tmp_path):
    """The robust workbook's "Stock hedge" sheet: dla, held at the end of 2026, 0 -> 100 t, the
    government pays 5 $M for it and 0.1 $M a year to hold it."""
    from openpyxl import load_workbook

    from planner.reports.robust_xlsx import write_robust_workbook

    rep = run_robust(stock_hedge_project(), 0, n_eval=2, workers=1, options=OPTIONS, n1_years=[2027])
    write_robust_workbook(rep, tmp_path / "r.xlsx")
    wb = load_workbook(tmp_path / "r.xlsx")
    rows = [[c.value for c in r] for r in wb["Stock hedge"].iter_rows(min_row=2)]
    assert len(rows) == 1
    sid, material, year, det, rob, extra, purchase, holding, payer = rows[0]
    assert (sid, material, year, payer) == ("dla", "ndfeb_magnet", 2026, "government")
    assert (det, rob, extra) == (pytest.approx(0.0, abs=1e-6), pytest.approx(100.0, abs=1e-5),
                                 pytest.approx(100.0, abs=1e-5))
    assert purchase == pytest.approx(5.0, abs=1e-5) and holding == pytest.approx(0.1, abs=1e-6)


def test_cli_risk_evaluates_a_plan_with_its_stock_build(tmp_path, capsys):
    """``risk`` of the deterministic plan (no investment) with ``--stock-build dla:2026:100``: the hand
    figure P(defense met 2027) = 100 % instead of 75 %; a malformed or unknown stock build is bad
    input (exit 2) with its text in the message."""
    import json

    from models.io import save_project
    from planner.cli.main import main as cli_main

    path = tmp_path / "stock.m2m.json"
    save_project(stock_hedge_project(), path)
    out = tmp_path / "risk.json"
    code = cli_main(["risk", str(path), "-n", "4", "--workers", "1", "--stock-build", "dla:2026:100",
                     "--json", str(out)])
    text = capsys.readouterr().out
    assert code == 0, text
    assert "Stock build held by the plan's own operations" in text and "dla 100.0 t at the end of 2026" in text
    data = json.loads(out.read_text())
    assert data["stock_floors"] == [["dla", 2026, 100.0]] and data["p_met"]["ndfeb_magnet"]["2027"] == 1.0
    for bad, words in (("dla:2026", "expected STOCKPILE:YEAR:TONNES"), ("dla:2026:-1", "expected STOCKPILE"),
                       ("nds:2026:5", "stock_floors[0]")):
        assert cli_main(["risk", str(path), "-n", "2", "--workers", "1", "--stock-build", bad]) == 2
        assert words in capsys.readouterr().err


def test_cli_stress_with_the_stock_build_no_longer_names_the_plant(tmp_path, capsys):
    """``stress --years 2027``: the deterministic plan's sole plant, its country (US) and the metal's
    origin (JP) out in 2027 each leave 100 t short; with ``--stock-build dla:2026:100`` the 2026
    stock covers 2027 and none of them is a single point of failure."""
    from models.io import save_project
    from planner.cli.main import main as cli_main

    path = tmp_path / "stock.m2m.json"
    save_project(stock_hedge_project(), path)
    out = tmp_path / "s.json"
    assert cli_main(["stress", str(path), "--years", "2027", "--workers", "1", "--json", str(out)]) == 0
    import json

    before = json.loads(out.read_text())
    assert sorted(e["id"] for e in before["elements"] if e["total_extra_t"] > 1e-6) == [
        "country:JP", "country:US", "facility:mag"]
    capsys.readouterr()
    assert cli_main(["stress", str(path), "--years", "2027", "--workers", "1", "--stock-build", "dla:2026:100",
                     "--json", str(out)]) == 0
    assert "Stock build held by the plan's own operations: dla 100.0 t at the end of 2026" in capsys.readouterr().out
    after = json.loads(out.read_text())
    assert [e["id"] for e in after["elements"] if e["total_extra_t"] > 1e-6] == []
    assert cli_main(["stress", str(path), "--years", "2027", "--workers", "1", "--stock-build", "nds:2026:1"]) == 2
    assert "stock_floors[0]" in capsys.readouterr().err
