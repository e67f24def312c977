"""Contracts and levers on hand-solved micro chains (helpers.mini_chain: discount rate 0, no salvage).

mini_chain: AU mine (1,000 t TREO, 25 % NdPr) -> US separation (80 % recovery) -> US metal (100 t)
-> US magnet plant (0.34 t NdPr metal per t magnet, $25,000/t opex); China magnets at $45,000/t;
defense demand 100 t/yr. 100 t of magnets need 34 t metal = 34 / 0.85 = 40 t NdPr oxide.
"""

import pytest

from models.project import (
    Demand,
    GovStockpile,
    Grant,
    ImportLicence,
    Loan,
    Offtake,
    PriceFloor,
)
from models.validation import errors, validate_project
from planner.pipeline.solve import SolveOptions, solve_project
from planner.result import PlanResult

from .helpers import mini_chain, option, produced, unmet


def solve(project, solver="highs") -> PlanResult:
    r = solve_project(project, SolveOptions(solver=solver))
    assert r.has_plan, r.message
    assert all(c.passed for c in r.checks), [c for c in r.checks if not c.passed]
    return r


def lever_total(r: PlanResult, kind: str) -> float:
    return sum(x.cost_musd for x in r.levers if x.kind == kind)


def commercial_chain():
    """Magnet plant 200 t/yr; 150 t/yr commercial demand only; China magnets at $20,000/t, cheaper
    than the plant's $25,000/t opex (upstream stages cost nothing here)."""
    p = mini_chain(magnet_capacity=200)
    p.markets[0].price_usd_per_t = 20_000
    p.demands = [Demand(id="com", product="ndfeb_magnet", segment="commercial",
                        tonnes_by_year={y: 150.0 for y in range(2026, 2030)})]
    return p


@pytest.mark.parametrize("solver", ["highs", "cbc"])
def test_take_or_pay_offtake_keeps_a_plant_running_when_imports_are_cheaper(solver):
    """Without the offtake the plant idles: 150 t x $20,000 = $3.0M/yr of imports, $12.0M over 4 years.
    A take-or-pay minimum of 120 t/yr from the plant to commercial buyers makes it run 120 t/yr:
    120 x $25,000 + 30 x $20,000 = $3.6M/yr, $14.4M in total. The buyer (industry) pays
    120 t x $50,000 = $6.0M/yr to the producer: a transfer, so the government pays nothing."""
    base = solve(commercial_chain(), solver)
    assert produced(base, "mag", "ndfeb_magnet", 2027) == pytest.approx(0, abs=1e-6)
    assert base.total_cost_musd == pytest.approx(12.0)
    p = commercial_chain()
    p.levers.offtakes = [Offtake(id="ot", facility_id="mag", material="ndfeb_magnet", segment="commercial",
                                 min_tpy=120, max_tpy=180, price_usd_per_t=50_000)]
    r = solve(p, solver)
    for y in range(2026, 2030):
        assert produced(r, "mag", "ndfeb_magnet", y) == pytest.approx(120)
    assert r.total_cost_musd == pytest.approx(14.4)
    rows = [x for x in r.levers if x.kind == "offtake"]
    assert [(x.year, x.tonnes, x.cost_musd, x.payer) for x in rows] == [
        (y, pytest.approx(120), pytest.approx(6.0), "industry") for y in range(2026, 2030)]
    assert r.cost_breakdown_musd["government"] == pytest.approx(0.0)
    assert r.cost_breakdown_musd["industry"] == pytest.approx(14.4)


def test_offtake_beyond_capacity_is_a_reported_shortfall_not_an_infeasible_model():
    """Minimum 250 t/yr from a 200 t/yr plant: it delivers 150 t (all the demand there is) and 100 t/yr
    of the commitment is short, reported as offtake_shortfall lines."""
    p = commercial_chain()
    p.levers.offtakes = [Offtake(id="ot", facility_id="mag", material="ndfeb_magnet", min_tpy=250)]
    r = solve(p)
    short = [x for x in r.levers if x.kind == "offtake_shortfall"]
    assert [x.tonnes for x in short] == [pytest.approx(100)] * 4


def test_price_floor_government_pays_floor_minus_benchmark_times_tonnes():
    """Floor $110,000/t on the separation plant's NdPr oxide; benchmark $70,000/t in 2026 (and 2027, the
    nearest earlier year), $120,000/t from 2028. The chain makes 100 t magnets a year = 40 t oxide.
    Government: 2026 and 2027: (110,000 - 70,000) x 40 t = $1.6M each; 2028-29: benchmark above the
    floor, $0. Total $3.2M (discount rate 0). The plan and its total cost are those without the floor.
    (Separation and metal get $100/t opex so that making oxide nobody uses is not a free tie.)"""
    def chain():
        p = mini_chain(magnet_capacity=200)
        p.facilities[1].variable_opex_usd_per_t = p.facilities[2].variable_opex_usd_per_t = 100
        return p

    base = solve(chain())
    p = chain()
    p.levers.price_floors = [PriceFloor(id="pf", facility_id="sep", material="ndpr_oxide", floor_usd_per_t=110_000,
                                        benchmark_usd_per_t_by_year={2026: 70_000, 2028: 120_000})]
    r = solve(p)
    rows = {x.year: x for x in r.levers if x.kind == "price_floor"}
    assert rows[2026].tonnes == pytest.approx(40) and rows[2026].cost_musd == pytest.approx(1.6)
    assert rows[2027].cost_musd == pytest.approx(1.6)
    assert rows[2028].cost_musd == pytest.approx(0.0) and rows[2029].cost_musd == pytest.approx(0.0)
    assert r.cost_breakdown_musd["government"] == pytest.approx(3.2)
    assert r.total_cost_musd == pytest.approx(base.total_cost_musd)
    assert r.cost_breakdown_musd["industry"] == pytest.approx(base.total_cost_musd - 3.2)


def test_half_grant_moves_exactly_half_the_capex_to_government_and_keeps_the_total():
    """Option: $2M fixed + $0.05M per t/yr, lead 1; the plan builds 100 t/yr in 2026 for $7M
    (2 + 100 x 0.05). A 50 % grant: government pays $3.5M, industry's share of the total falls by
    $3.5M, and the total cost (and the plan) is unchanged."""
    base = solve(mini_chain(magnet_option=option(fixed_capex_musd=2.0)))
    assert base.investments[0].capex_musd == pytest.approx(7.0)
    p = mini_chain(magnet_option=option(fixed_capex_musd=2.0))
    p.levers.grants = [Grant(id="g", option_id="mag_x", share=0.5)]
    r = solve(p)
    assert [(i.option, i.decided_year, i.added_tpy) for i in r.investments] == [("mag_x", 2026, pytest.approx(100))]
    assert lever_total(r, "grant") == pytest.approx(3.5)
    assert r.cost_breakdown_musd["government"] == pytest.approx(3.5)
    assert r.total_cost_musd == pytest.approx(base.total_cost_musd)
    assert r.cost_breakdown_musd["industry"] == pytest.approx(base.cost_breakdown_musd["industry"] - 3.5)
    assert r.cost_breakdown_musd["government"] + r.cost_breakdown_musd["industry"] == pytest.approx(r.total_cost_musd)


def test_loan_subsidy_is_principal_minus_present_value_of_the_annuity():
    """A $10M loan at 0 % over 2 years to the $7M build: principal min(10, 7) = $7M, annuity $3.5M/yr.
    With the project discount rate set to 10 %: PV = 3.5/1.1 + 3.5/1.21 = 3.1818 + 2.8926 = 6.0744,
    subsidy 7 - 6.0744 = $0.9256M in 2026 (base year, d = 1)."""
    p = mini_chain(magnet_option=option(fixed_capex_musd=2.0))
    p.settings.discount_rate = 0.10
    p.levers.loans = [Loan(id="l", option_id="mag_x", amount_musd=10, rate=0.0, term_years=2)]
    r = solve(p)
    (row,) = [x for x in r.levers if x.kind == "loan"]
    assert row.year == 2026 and row.cost_musd == pytest.approx(7 - 3.5 / 1.1 - 3.5 / 1.21, abs=1e-6)
    assert r.cost_breakdown_musd["government"] == pytest.approx(0.925620, abs=1e-6)


def test_stockpile_bought_in_2026_is_released_in_2027_to_cover_a_shortfall():
    """The magnet plant (100 t/yr) closes at the end of 2026; defense wants 100 t in 2027 only and China
    is covered from 2027, so without a stockpile 100 t are unmet. A government stockpile buys 100 t in
    2026 at $30,000/t ($3.0M transfer, + $1/t handling = $0.0001M) and holds them one year-end at
    $1,000/t ($0.1M real cost), then releases them in 2027: nothing unmet; government pays $3.1001M."""
    def chain():
        p = mini_chain(years=(2026, 2027), magnet_capacity=100)
        p.facilities[3].closure_year = 2027
        p.demands[0].tonnes_by_year = {2027: 100.0}
        return p

    assert unmet(solve(chain()), "defense", 2027) == pytest.approx(100)
    p = chain()
    p.levers.stockpiles = [GovStockpile(id="dla", material="ndfeb_magnet", capacity_t=500,
                                        holding_usd_per_t_yr=1_000, purchase_price_usd_per_t=30_000)]
    r = solve(p)
    assert unmet(r, "defense", 2027) == pytest.approx(0, abs=1e-6)
    kinds = {(x.kind, x.year): x for x in r.levers}
    assert kinds[("stockpile_buy", 2026)].tonnes == pytest.approx(100)
    assert kinds[("stockpile_holding", 2026)].tonnes == pytest.approx(100)
    assert kinds[("stockpile_release", 2027)].tonnes == pytest.approx(100)
    assert r.cost_breakdown_musd["government"] == pytest.approx(3.1001)
    assert r.objective == pytest.approx(r.total_cost_musd)  # holding and handling are in the total
    row = [d for d in r.demand if d.year == 2027][0]
    assert row.delivered == pytest.approx(100) and row.delivered_clean == pytest.approx(100)


def test_committed_stockpile_purchase_is_honoured():
    """DLA-style commitment: buy 60 t in 2026 although nothing needs it (it is released or held)."""
    p = mini_chain(years=(2026, 2027), magnet_capacity=200)
    p.levers.stockpiles = [GovStockpile(id="dla", material="ndfeb_magnet", capacity_t=500,
                                        committed_t_by_year={2026: 60})]
    r = solve(p)
    assert sum(x.tonnes for x in r.levers if x.kind == "stockpile_buy" and x.year == 2026) == pytest.approx(60)


def test_china_licenses_commercial_buyers_but_not_defense():
    """In 2026 (before the compliance year) defense may still buy Chinese magnets; a licence cap of 0 t
    for defense buyers leaves the 100 t unmet (the US plant has no capacity), while commercial
    demand (licence cap 50 t) buys 50 t and leaves 30 t unmet."""
    p = mini_chain(years=(2026, 2026), magnet_capacity=0)
    p.demands.append(Demand(id="com", product="ndfeb_magnet", segment="commercial", tonnes_by_year={2026: 80.0}))
    assert unmet(solve(p), "defense", 2026) == pytest.approx(0, abs=1e-6)
    p.levers.import_licences = [
        ImportLicence(id="cn_def", origin_country="CN", segment="defense", cap_tpy=0),
        ImportLicence(id="cn_com", origin_country="CN", segment="commercial", cap_tpy=50),
    ]
    r = solve(p)
    assert unmet(r, "defense", 2026) == pytest.approx(100)
    assert unmet(r, "com", 2026) == pytest.approx(30)


def test_projects_without_levers_have_no_lever_lines_and_industry_pays_all():
    r = solve(mini_chain(magnet_capacity=200))
    assert r.levers == []
    assert r.cost_breakdown_musd["government"] == 0.0
    assert r.cost_breakdown_musd["industry"] == pytest.approx(r.total_cost_musd)
    assert not any(c.name == "levers" for c in r.checks)


def test_bad_levers_get_located_messages():
    p = mini_chain()
    p.levers.offtakes = [Offtake(id="ot", facility_id="nowhere", material="ndfeb_magnet")]
    p.levers.price_floors = [PriceFloor(id="pf", facility_id="mine", material="ndpr_oxide", floor_usd_per_t=1)]
    p.levers.grants = [Grant(id="g", option_id="nope", share=0.5)]
    msgs = {str(e) for e in errors(validate_project(p))}
    assert "levers.offtakes[0].facility_id: unknown facility 'nowhere'" in msgs
    assert "levers.price_floors[0].material: 'mine' does not produce ndpr_oxide" in msgs
    assert "levers.grants[0].option_id: unknown option 'nope'" in msgs
    assert "levers.price_floors[0].benchmark_usd_per_t_by_year: give at least one benchmark year" in msgs


def test_cli_summary_and_result_json_carry_the_levers():
    """The 50 % grant of the $7M build: a 'Who pays' line and a grant line of $3.5M paid by government;
    the JSON has a levers key with the same row, and round-trips."""
    import json

    from planner.reports.text import format_summary

    p = mini_chain(magnet_option=option(fixed_capex_musd=2.0))
    p.levers.grants = [Grant(id="g", option_id="mag_x", share=0.5)]
    r = solve(p)
    text = format_summary(r)
    assert "Who pays (discounted): government $3.5M" in text
    line = [x for x in text.splitlines() if x.startswith("grant")][0]
    assert line.split() == ["grant", "g", "mag", "2026", "100.0", "3.5", "government"]
    d = json.loads(r.to_json())
    assert d["levers"] == [{"kind": "grant", "lever_id": "g", "facility": "mag", "year": 2026, "tonnes": 100.0,
                            "cost_musd": 3.5, "payer": "government"}]
    assert d["cost_breakdown_musd"]["government"] == 3.5
    assert PlanResult.from_dict(d).levers == r.levers


# ------------------------------------------------------------------------------- policy mode
AF_10_20 = (1 - 1.1 ** -20) / 0.1  # 8.513564: present value of 1/yr for 20 years at a 10 % hurdle


def policy_chain(margin_usd_per_t: float, budget_total: float | None):
    """The magnet plant does not exist; a yes/no option adds 100 t/yr for $5M (decided 2026, online
    2027). Defense wants 100 t/yr; China is covered from 2027, so without the plant 300 t are unmet
    in 2027-29. Viability at a 10 % hurdle over 20 years, full utilisation: industry's margin is
    worth m x 100 t x 8.513564 x 1e-6 $M; gap = 5 - that."""
    p = mini_chain(magnet_option=option(fixed_capex_musd=5.0, capex_musd_per_tpy=0.0, min_add_tpy=100,
                                        max_add_tpy=100))
    p.settings.asset_life_years = 20
    pol = p.levers.policy
    pol.enabled, pol.hurdle_rate, pol.utilisation = True, 0.10, 1.0
    pol.option_margins_usd_per_t = {"mag_x": margin_usd_per_t}
    p.levers.government_budget_total_musd = budget_total
    return p


def test_policy_mode_builds_a_non_viable_project_only_when_the_government_funds_the_gap():
    """Margin $2,000/t: worth 2,000 x 100 x 8.513564 x 1e-6 = $1.70271M against $5M capex: gap $3.29729M.
    A $3M government budget cannot fund it: not built, 300 t of defense demand unmet. A $4M budget:
    built in 2026 with a policy grant of exactly $3.29729M (the government's whole cost, discount 0)."""
    gap = 5.0 - 2000 * 100 * AF_10_20 * 1e-6
    assert gap == pytest.approx(3.29729, abs=1e-5)
    r = solve(policy_chain(2000, 3.0))
    assert r.investments == []
    assert sum(unmet(r, "defense", y) for y in (2027, 2028, 2029)) == pytest.approx(300)
    r = solve(policy_chain(2000, 4.0))
    assert [(i.option, i.decided_year) for i in r.investments] == [("mag_x", 2026)]
    assert sum(unmet(r, "defense", y) for y in (2027, 2028, 2029)) == pytest.approx(0, abs=1e-6)
    (row,) = [x for x in r.levers if x.kind == "policy_grant"]
    assert row.cost_musd == pytest.approx(gap, abs=1e-6) and row.payer == "government"
    assert r.cost_breakdown_musd["government"] == pytest.approx(gap, abs=1e-6)


def test_policy_mode_leaves_a_viable_project_to_industry():
    """Margin $10,000/t: worth $8.51M > $5M capex: viable, so industry builds it with no government
    money even with a zero government budget."""
    r = solve(policy_chain(10_000, 0.0))
    assert [(i.option, i.decided_year) for i in r.investments] == [("mag_x", 2026)]
    assert r.cost_breakdown_musd["government"] == pytest.approx(0.0, abs=1e-9)
    assert not [x for x in r.levers if x.kind == "policy_grant"]


def test_policy_mode_funds_the_gap_that_removes_the_most_defense_shortfall():
    """A second plant's option adds 50 t/yr for $2M with no margin (gap $2M). With $3.5M the government
    can fund one gap: mag_x ($3.297M) removes 300 t of shortfall (91 t per $M), mag2_x ($2M) only
    150 t (75 t per $M). Defense shortfall comes first, so it funds mag_x."""
    from models.project import Facility, Route

    p = policy_chain(2000, 3.5)
    p.facilities.append(Facility(id="mag2", name="Magnets 2", stage="magnet_ndfeb", country="US",
                                 recipe_inputs={"ndpr_metal": 0.34}, recipe_outputs={"ndfeb_magnet": 1.0},
                                 variable_opex_usd_per_t=25000,
                                 options=[option(id="mag2_x", fixed_capex_musd=2.0, capex_musd_per_tpy=0.0,
                                                 min_add_tpy=50, max_add_tpy=50)]))
    p.routes.append(Route(id="r_metal2", from_id="metal", to_id="mag2", material="ndpr_metal", transport_usd_per_t=0))
    p.levers.policy.option_margins_usd_per_t["mag2_x"] = 0.0
    r = solve(p)
    assert [i.option for i in r.investments] == ["mag_x"]
    assert sum(unmet(r, "defense", y) for y in (2027, 2028, 2029)) == pytest.approx(0, abs=1e-6)


# ------------------------------------------ policy mode: price-floor tonnage, guaranteed offtakes
def operating_chain(margin: float | None = -10_000.0):
    """mini_chain with an existing 200 t/yr magnet plant (opex $25,000/t), defense 100 t/yr and
    commercial 80 t/yr; Chinese magnets $45,000/t (covered from 2027, so defense can buy them only
    in 2026). Policy mode on; the plant's margin at the $45,000/t benchmark is ``margin`` $/t
    (None = not listed: viable). Without policy mode the plant makes 180 t/yr for
    180 x 25,000 x 4 = $18.0M."""
    p = mini_chain(magnet_capacity=200)
    p.demands.append(Demand(id="com", product="ndfeb_magnet", segment="commercial",
                            tonnes_by_year={y: 80.0 for y in range(2026, 2030)}))
    p.levers.policy.enabled = True
    if margin is not None:
        p.levers.policy.facility_margins_usd_per_t = {"mag": margin}
    return p


def floor_candidate(floor=60_000.0, **kw):
    from models.project import CandidateFloor
    return CandidateFloor(id="cf", facility_id="mag", material="ndfeb_magnet", floor_usd_per_t=floor,
                          benchmark_usd_per_t_by_year={2026: 45_000.0}, max_tpy=500, **kw)


def offtake_candidate(price=60_000.0, facility="mag", id="go", **kw):
    from models.project import GuaranteedOfftake
    return GuaranteedOfftake(id=id, facility_id=facility, material="ndfeb_magnet", segment="defense",
                             price_usd_per_t=price, benchmark_usd_per_t_by_year={2026: 45_000.0}, **kw)


@pytest.mark.parametrize("solver", ["highs", "cbc"])
def test_policy_non_viable_plant_runs_only_for_the_floor_tonnage_the_defense_need_requires(solver):
    """Margin -$10,000/t at the benchmark: the plant is not viable and may only make floor-covered
    tonnes. Candidate floor $60,000/t vs benchmark $45,000/t: top-up $15,000/t >= $10,000/t loss.
    2026: China may still serve defense, so no floor (defense shortfall 0 without it); 2027-29: the
    floor covers exactly 100 t/yr (the defense need, not the 180 t the plant could sell; commercial
    80 t/yr is bought from China). Government: 15,000 x 100 x 3 = $4.5M. Total cost: 2026 180 t x
    45,000 = 8.1M; 2027-29 100 x 25,000 + 80 x 45,000 = 6.1M/yr -> 8.1 + 18.3 = $26.4M.
    A floor of $50,000/t (top-up 5,000 < 10,000 loss) cannot make it run: 300 t unmet."""
    base = operating_chain()
    base.levers.policy.enabled = False
    assert solve(base, solver).total_cost_musd == pytest.approx(18.0)  # margins are ignored outside policy mode
    p = operating_chain()
    p.levers.policy.candidate_floors = [floor_candidate()]
    r = solve(p, solver)
    # 2026: 0 within the government stage's $1 tolerance (~7e-5 t at $15,000/t; payers.POLICY_EPS_T)
    assert [produced(r, "mag", "ndfeb_magnet", y) for y in range(2026, 2030)] == [
        pytest.approx(0, abs=1e-4), pytest.approx(100), pytest.approx(100), pytest.approx(100)]
    rows = [(x.kind, x.year, x.tonnes, x.cost_musd, x.payer) for x in r.levers if x.kind == "policy_floor"]
    assert rows == [("policy_floor", y, pytest.approx(100), pytest.approx(1.5), "government")
                    for y in (2027, 2028, 2029)]
    assert r.cost_breakdown_musd["government"] == pytest.approx(4.5)
    assert r.total_cost_musd == pytest.approx(26.4)
    assert sum(unmet(r, "defense", y) for y in range(2026, 2030)) == pytest.approx(0, abs=1e-6)
    p = operating_chain()
    p.levers.policy.candidate_floors = [floor_candidate(floor=50_000.0)]
    r = solve(p, solver)
    assert sum(unmet(r, "defense", y) for y in (2027, 2028, 2029)) == pytest.approx(300)
    assert r.cost_breakdown_musd["government"] == pytest.approx(0.0)


def test_policy_guaranteed_offtake_keeps_a_non_viable_plant_running_and_leaves_a_viable_one_to_industry():
    """Candidate guaranteed offtake for defense at $60,000/t vs the $45,000/t benchmark ($15,000/t).
    Non-viable plant (-$10,000/t): the government guarantees 100 t/yr in 2027-29 (what defense
    takes), pays 15,000 x 300 = $4.5M; the plant makes 100 t/yr. Viable plant (margin not listed):
    industry runs it for defense and commercial (180 t/yr, $18.0M) and the government signs
    nothing: cost to government 0."""
    p = operating_chain()
    p.levers.policy.candidate_offtakes = [offtake_candidate()]
    r = solve(p)
    assert [produced(r, "mag", "ndfeb_magnet", y) for y in (2027, 2028, 2029)] == [pytest.approx(100)] * 3
    rows = [(x.year, x.tonnes, x.cost_musd) for x in r.levers if x.kind == "policy_offtake"]
    assert rows == [(y, pytest.approx(100), pytest.approx(1.5)) for y in (2027, 2028, 2029)]
    assert r.cost_breakdown_musd["government"] == pytest.approx(4.5)
    p = operating_chain(margin=None)
    p.levers.policy.candidate_offtakes = [offtake_candidate()]
    r = solve(p)
    assert [produced(r, "mag", "ndfeb_magnet", y) for y in range(2026, 2030)] == [pytest.approx(180)] * 4
    assert r.total_cost_musd == pytest.approx(18.0)
    assert r.cost_breakdown_musd["government"] == pytest.approx(0.0, abs=1e-9)
    assert not [x for x in r.levers if x.kind.startswith("policy_")]


def test_policy_budget_funds_the_lever_that_removes_the_most_defense_shortfall_per_dollar():
    """Two non-viable plants, government budget $0.6M/yr. Plant A (mag, 200 t/yr): candidate floor
    at $15,000/t of support (66.7 t per $M). Plant B (mag2, 60 t/yr, margin -$4,000/t): guaranteed
    defense offtake at $50,000/t = $5,000/t of support (200 t per $M). Defense shortfall first:
    B's 60 t cost 60 x 5,000 = $0.3M, the remaining $0.3M buys 0.3M / 15,000 = 20 t from A:
    80 t/yr met, 20 t/yr short in 2027-29 (60 t). Funding A first would meet only 0.6M / 15,000 = 40 t.
    Government: $0.6M in each of 2027-29 = $1.8M."""
    from models.project import Facility, Route

    p = operating_chain()
    p.demands = [d for d in p.demands if d.id == "defense"]
    p.facilities.append(Facility(id="mag2", name="Magnets 2", stage="magnet_ndfeb", country="US", capacity_tpy=60,
                                 recipe_inputs={"ndpr_metal": 0.34}, recipe_outputs={"ndfeb_magnet": 1.0},
                                 variable_opex_usd_per_t=25000))
    p.routes.append(Route(id="r_metal2", from_id="metal", to_id="mag2", material="ndpr_metal", transport_usd_per_t=0))
    p.levers.policy.facility_margins_usd_per_t["mag2"] = -4_000.0
    p.levers.policy.candidate_floors = [floor_candidate()]
    p.levers.policy.candidate_offtakes = [offtake_candidate(price=50_000.0, facility="mag2", id="go2")]
    p.levers.government_budget_musd_per_year = 0.6
    r = solve(p)
    for y in (2027, 2028, 2029):
        assert produced(r, "mag2", "ndfeb_magnet", y) == pytest.approx(60)
        assert produced(r, "mag", "ndfeb_magnet", y) == pytest.approx(20)
        assert unmet(r, "defense", y) == pytest.approx(20)
    assert r.cost_breakdown_musd["government"] == pytest.approx(1.8)
    assert {x.kind: x.cost_musd for x in r.levers if x.year == 2027} == {
        "policy_floor": pytest.approx(0.3), "policy_offtake": pytest.approx(0.3)}


def test_candidate_levers_change_nothing_without_policy_mode():
    """Candidates and facility margins are inputs of policy mode only: with it off the model has the
    same columns and rows as without them (teaching chain: $84.8471M, government 0)."""
    from models.project import CandidateFloor
    from planner.model.build import create_model
    from planner.model.network import build_network

    from .helpers import teaching

    t = teaching()
    lp0, _ = create_model(build_network(t))
    fid = t.facilities[0].id
    producible = __import__("models.validation", fromlist=["producible"]).producible
    mat = next(iter(sorted(m.value for m in producible(t.facilities[-1]))))
    t.levers.policy.facility_margins_usd_per_t = {fid: -1.0}
    t.levers.policy.candidate_floors = [CandidateFloor(id="cf", facility_id=t.facilities[-1].id, material=mat,
                                                       floor_usd_per_t=1e5, benchmark_usd_per_t_by_year={2026: 1.0})]
    lp1, _ = create_model(build_network(t))
    assert lp1.var_keys == lp0.var_keys and lp1.n_rows == lp0.n_rows
    r = solve(t)
    assert r.total_cost_musd == pytest.approx(84.8471, abs=1e-4)
    assert r.cost_breakdown_musd["government"] == 0.0 and r.levers == []


def test_bad_policy_candidates_get_located_messages():
    from models.project import CandidateFloor, GuaranteedOfftake

    p = operating_chain()
    p.levers.policy.facility_margins_usd_per_t["ghost"] = -1.0
    p.levers.policy.candidate_floors = [
        CandidateFloor(id="a", facility_id="nowhere", material="ndfeb_magnet", floor_usd_per_t=1,
                       benchmark_usd_per_t_by_year={2026: 0}),
        CandidateFloor(id="b", facility_id="sep", material="ndpr_oxide", floor_usd_per_t=1)]
    p.levers.policy.candidate_offtakes = [GuaranteedOfftake(id="c", facility_id="sep", material="ndpr_metal",
                                                            price_usd_per_t=1, benchmark_usd_per_t_by_year={2026: 0})]
    msgs = {str(e) for e in errors(validate_project(p))}
    assert "levers.policy.facility_margins_usd_per_t.ghost: unknown facility 'ghost'" in msgs
    assert "levers.policy.candidate_floors[0].facility_id: unknown facility 'nowhere'" in msgs
    assert "levers.policy.candidate_floors[1].benchmark_usd_per_t_by_year: give at least one benchmark year" in msgs
    assert "levers.policy.candidate_offtakes[0].material: 'sep' does not produce ndpr_metal" in msgs
    with pytest.raises(ValueError, match="max_tpy"):
        GuaranteedOfftake(id="d", facility_id="mag", material="ndfeb_magnet", price_usd_per_t=1, max_tpy=-5)


def test_verifier_catches_a_non_viable_plant_making_uncovered_tonnes():
    """The policy plan of the floor test passes the lever check; raising the plant's 2027 activity by
    10 t (110 t made, 100 t covered) or the floor tonnage above sold fails it, located."""
    import numpy as np

    from planner.model.build import create_model
    from planner.model.network import build_network
    from planner.pipeline.verify_levers import check_levers

    p = operating_chain()
    p.levers.policy.candidate_floors = [floor_candidate()]
    net = build_network(p)
    lp, _ = create_model(net)
    x = np.zeros(lp.n_vars)
    # the hand plan's lever part: 100 t made and covered in 2027 (nothing else needed for this check)
    x[lp.var(("act", "mag|", 2027, "clean"))] = 100.0
    x[lp.var(("pfq", "cf", 2027))] = 100.0
    assert check_levers(lp, x, net).passed
    x[lp.var(("act", "mag|", 2027, "clean"))] = 110.0
    c = check_levers(lp, x, net)
    assert not c.passed and "viability mag 2027: makes 110 t ndfeb_magnet > 100 t covered" in c.detail
    x[lp.var(("act", "mag|", 2027, "clean"))] = 90.0
    c = check_levers(lp, x, net)
    assert not c.passed and "policy floor cf 2027: 100 t > sold 90" in c.detail


# ------------------------------------------------------------------ recycled-feed offtakes
def recycled_chain(recycled_feed: bool):
    """mini_chain plus a US recycler (100 t scrap/yr from a collector, 0.26 t NdPr oxide per t) that
    ships oxide to the metal plant, which also gets the mine's oxide. Magnet plant 200 t/yr; defense
    100 t/yr and commercial 100 t/yr. An Apple-style commercial offtake of 80 t/yr from the magnet plant."""
    from models.project import Facility, Route

    p = mini_chain(magnet_capacity=200)
    p.facilities.append(Facility(id="col", name="Scrap collection", stage="recycling", country="US", capacity_tpy=1000,
                                 recipe_inputs={}, recipe_outputs={"ndfeb_scrap": 1.0}))
    p.facilities.append(Facility(id="rec", name="Recycler", stage="recycling", country="US", capacity_tpy=100,
                                 recipe_inputs={"ndfeb_scrap": 1.0}, recipe_outputs={"ndpr_oxide": 0.26}))
    p.routes.append(Route(id="r_scrap", from_id="col", to_id="rec", material="ndfeb_scrap", transport_usd_per_t=0))
    p.routes.append(Route(id="r_rec", from_id="rec", to_id="metal", material="ndpr_oxide", transport_usd_per_t=0))
    p.demands.append(Demand(id="com", product="ndfeb_magnet", segment="commercial",
                            tonnes_by_year={y: 100.0 for y in range(2026, 2030)}))
    p.levers.offtakes = [Offtake(id="apple", facility_id="mag", material="ndfeb_magnet", segment="commercial",
                                 min_tpy=80, price_usd_per_t=100_000, recycled_feed=recycled_feed)]
    return p


@pytest.mark.parametrize("solver", ["highs", "cbc"])
def test_recycled_feed_offtake_counts_only_magnets_made_from_recycled_feed(solver):
    """Recycled oxide: 100 t x 0.26 = 26 t/yr -> metal 26 x 0.85 = 22.1 t -> magnets 22.1 / 0.34 = 65 t/yr.
    With the recycled-feed condition the 80 t/yr offtake can take only 65 t: 15 t/yr short (reported),
    although the plant makes 200 t/yr from mined feed too. Without it the 80 t are taken in full."""
    r = solve(recycled_chain(False), solver)
    assert not [x for x in r.levers if x.kind == "offtake_shortfall"]
    r = solve(recycled_chain(True), solver)
    short = {x.year: x.tonnes for x in r.levers if x.kind == "offtake_shortfall"}
    assert short == {y: pytest.approx(15.0, abs=1e-4) for y in range(2026, 2030)}
    assert {x.year: x.tonnes for x in r.levers if x.kind == "offtake"} == {
        y: pytest.approx(65.0, abs=1e-4) for y in range(2026, 2030)}
    assert produced(r, "rec", "ndpr_oxide", 2027) == pytest.approx(26.0)


def test_verifier_catches_recycled_offtake_tonnes_without_recycled_feed():
    """The recycled-feed plan passes; moving 10 t more magnets to commercial in 2027 as if recycled
    (75 t taken, 65 t backed) fails the lever check, located."""
    import numpy as np

    from planner.model.build import create_model
    from planner.model.network import build_network
    from planner.pipeline.verify_levers import check_levers

    p = recycled_chain(True)
    r = solve(p)
    net = build_network(p)
    lp, _ = create_model(net)
    x = np.zeros(lp.n_vars)
    for key, v in [(("flow", "r_rec", "", 2027, "clean"), 26.0), (("rflow", "r_rec", 2027), 26.0),
                   (("flow", "r_metal", "", 2027, "clean"), 50.0), (("rflow", "r_metal", 2027), 22.1),
                   (("del", "mag", "com", 2027, "clean"), 65.0), (("otshort", "apple", 2027), 15.0)]:
        x[lp.var(key)] = v
    for y in (2026, 2028, 2029):
        x[lp.var(("otshort", "apple", y))] = 80.0
    assert check_levers(lp, x, net).passed, check_levers(lp, x, net).detail
    x[lp.var(("del", "mag", "com", 2027, "clean"))] = 75.0
    c = check_levers(lp, x, net)
    assert not c.passed and "offtake apple 2027: 75 t taken > 65 t made from recycled feed" in c.detail
    assert r.has_plan


def test_cli_summary_and_json_carry_the_chosen_floor_tonnage():
    """The floor test's plan: one CLI line 'policy_floor cf mag 2027-2029 300.0 4.5 government'
    (100 t x $15,000/t in each of 3 years) and JSON rows of kind policy_floor."""
    import json

    from planner.reports.text import format_summary

    p = operating_chain()
    p.levers.policy.candidate_floors = [floor_candidate()]
    r = solve(p)
    line = [x for x in format_summary(r).splitlines() if x.startswith("policy_floor")][0]
    assert line.split() == ["policy_floor", "cf", "mag", "2027-2029", "300.0", "4.5", "government"]
    rows = [x for x in json.loads(r.to_json())["levers"] if x["kind"] == "policy_floor"]
    assert [(x["year"], x["tonnes"], x["cost_musd"]) for x in rows] == [
        (y, pytest.approx(100.0, abs=1e-4), pytest.approx(1.5, abs=1e-6)) for y in (2027, 2028, 2029)]


def test_policy_scenario_dropping_an_unknown_contract_is_a_located_warning():
    """drop_lever_ids names contracts the policy scenario removes; an unknown id is a warning (nothing
    to drop), located at the override; a known one is removed from the scenario's project only."""
    from models.project import PolicyOverride, Scenario
    from models.scenarios import apply_scenario
    from models.validation import validate_project

    p = commercial_chain()
    p.levers.offtakes = [Offtake(id="ot", facility_id="mag", material="ndfeb_magnet", min_tpy=10)]
    p.scenarios = [Scenario(id="pol", name="Policy", overrides=[PolicyOverride(drop_lever_ids=["ot", "ghost"])])]
    probs = [x for x in validate_project(p) if "drop_lever_ids" in x.location]
    assert [(x.location, x.severity) for x in probs] == [("scenarios[0].overrides[0].drop_lever_ids", "warning")]
    assert "'ghost'" in probs[0].message
    q = apply_scenario(p, "pol")
    assert q.levers.offtakes == [] and q.levers.policy.enabled and len(p.levers.offtakes) == 1
    # the applied copy is validated before solving: its scenarios have nothing left to drop
    assert [x for x in validate_project(q) if "drop_lever_ids" in x.location] == []


def test_policy_option_on_a_facility_with_an_operating_margin_has_a_capex_only_gap():
    """policy_chain's $5M plant (100 t/yr, online 2027) with margin -$2,000/t both as option margin and
    as the facility's operating margin, and a candidate floor $60,000/t vs $45,000/t. The operating
    losses are bought per tonne by the floor, so the option's gap is its capex only: $5M (not
    5 + 2,000 x 100 x 8.5136e-6 = $6.70M). Government: 5 + 3 years x 100 t x $15,000 = 5 + 4.5 = $9.5M;
    no defense shortfall from 2027."""
    p = policy_chain(-2000, None)
    p.levers.policy.facility_margins_usd_per_t = {"mag": -2000.0}
    p.levers.policy.candidate_floors = [floor_candidate()]
    r = solve(p)
    (grant,) = [x for x in r.levers if x.kind == "policy_grant"]
    assert grant.cost_musd == pytest.approx(5.0, abs=1e-6)
    assert [x.tonnes for x in r.levers if x.kind == "policy_floor"] == [pytest.approx(100, abs=1e-4)] * 3
    assert r.cost_breakdown_musd["government"] == pytest.approx(9.5, abs=1e-5)
    assert sum(unmet(r, "defense", y) for y in (2027, 2028, 2029)) == pytest.approx(0, abs=1e-6)
