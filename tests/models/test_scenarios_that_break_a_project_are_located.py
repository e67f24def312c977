"""Issue 25, classes 1, 2 and 8: scenario overrides that break a project are reported located (no
traceback from any command), one delay rule for scenarios, Monte Carlo and plan evaluation,
country codes in filters, and scenario lookup (ids first)."""

from __future__ import annotations

import copy
import json

import pytest

from models import apply_scenario, load_project
from models.delays import DelayError, delay_facility
from models.scenarios import ScenarioError

from .conftest import REAL
from .fuzz_contract import TEACHING_DOC, run_cli


def _doc_with(scenarios: list[dict], **magnet) -> dict:
    """The teaching chain with its magnet plant given ``magnet`` fields and ``scenarios``."""
    doc = copy.deepcopy(TEACHING_DOC)
    plant = next(f for f in doc["facilities"] if f["id"] == "t_magnet")
    plant.update(magnet)
    doc["scenarios"] = scenarios
    return doc


def _write(tmp_path, doc: dict, name: str = "p.m2m.json"):
    path = tmp_path / name
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


LATE = {"id": "late", "name": "Magnet plant late", "overrides": [{"kind": "delay", "years": 3}]}


# ------------------------------------------------------------------ class 1
def test_delay_past_closure_means_the_plant_never_runs(tmp_path):
    """Magnet plant planned, 50 t/yr from 2027, closing 2029; a 3-year delay moves it to 2030 >= 2029:
    it never runs in that scenario (capacity 0), validate says so as a located warning, and every
    command that applies the scenario runs without a traceback."""
    path = _write(tmp_path, _doc_with([LATE], capacity_tpy=50.0, online_year=2027, closure_year=2029))
    code, out, err = run_cli(["validate", str(path)])
    assert code == 0, err
    assert (f"{path}: warning: Scenario 'Magnet plant late' (scenarios[0]), override 1: scenario 'late' delays "
            "'t_magnet' by 3 years, "
            "to or past its closure year 2029: it never runs in this scenario") in err.splitlines()
    late = apply_scenario(load_project(path), "late")
    plant = late.facility("t_magnet")
    assert (plant.capacity_tpy, plant.online_year, plant.closure_year) == (0.0, 2027, 2029)
    assert late.facility("t_magnet").options[0].earliest_decision_year == 2026 + 3
    for argv in (["solve", str(path), "--scenario", "late"],
                 ["solve", str(path), "--scenario", "late", "--write-mps", str(tmp_path / "m.mps")],
                 ["scenarios", str(path)],
                 ["risk", str(path), "--scenario", "late", "-n", "2", "--workers", "1"]):
        code, out, err = run_cli(argv)
        assert code == 0, (argv, err)
        assert "Traceback" not in err
    assert (tmp_path / "m.mps").stat().st_size > 0


def test_real_sample_with_a_closure_year_solves_under_delays():
    """The issue's example: yangibana (construction, online 2028) closes in 2029; the +2-year
    scenario moves it to 2030 >= 2029, so it never runs instead of raising."""
    p = load_project(REAL)
    p.facility("yangibana").closure_year = 2029
    delayed = apply_scenario(p, "delays")
    assert delayed.facility("yangibana").capacity_tpy == 0.0
    assert delayed.facility("yangibana").online_year == 2028
    assert p.facility("yangibana").capacity_tpy > 0  # the base is untouched


def test_a_factor_that_overflows_is_a_located_error(tmp_path):
    """Demand x 1e308 of 100 t is infinity: refused at the override, by validate (exit 2) and by
    every command; in memory apply_scenario raises ScenarioError and solve_project reports it."""
    surge = {"id": "surge", "overrides": [{"kind": "demand", "factor": 1e308}]}
    path = _write(tmp_path, _doc_with([surge]))
    code, out, err = run_cli(["validate", str(path)])
    assert code == 2
    assert err.splitlines() == [f"{path}: Scenario 'surge' (scenarios[0]), override 1: scenario 'surge': it makes "
                                "the value inf "
                                "that is not a finite number (a factor too large?)"]
    for argv in (["solve", str(path), "--scenario", "surge"], ["risk", str(path), "-n", "2", "--workers", "1"]):
        code, out, err = run_cli(argv)
        assert code == 2 and "Traceback" not in err
    p = load_project(path, check_consistency=False)
    with pytest.raises(ScenarioError) as e:
        apply_scenario(p, "surge")
    assert e.value.location == "scenarios[0].overrides[0]"
    from planner.pipeline.solve import SolveOptions, solve_project

    result = solve_project(p, SolveOptions(scenario="surge"))
    assert result.status.value == "error" and "scenarios[0].overrides[0]" in result.message


def test_a_factor_that_makes_numbers_unreal_is_located_at_the_scenario(tmp_path):
    """Demand x 1e10 of 100 t = 1e12 t >= the 1e9 t limit of check_magnitudes: finite, but refused."""
    surge = {"id": "surge", "overrides": [{"kind": "demand", "segment": "defense", "factor": 1e10}]}
    path = _write(tmp_path, _doc_with([surge]))
    code, out, err = run_cli(["validate", str(path)])
    assert code == 2
    assert err.splitlines()[0] == (f"{path}: Scenario 'surge' (scenarios[0]): scenario 'surge' makes "
                                   "demands[0].tonnes_by_year.2026 "
                                   "1e+12 t cannot be real (at most 1e+09 t)")


def test_delay_past_the_supported_years():
    """Online 2190 + 15 = 2205 > 2200: never runs. An option's first decision year 2190 + 15 = 2205
    is stored as 2200 while 2200 > end year - lead time (2035 - 1); with end year 2200 and no lead
    time that would let it be decided in 2200, so the delay is refused, located."""
    p = load_project(REAL)
    f = p.facility("nolans_mine").model_copy(update={"online_year": 2190})
    moved = delay_facility(f, 15, 2026, 2035, where="facilities[4]")
    assert moved.capacity_tpy == 0.0 and moved.online_year == 2190
    opt = f.options[0].model_copy(update={"earliest_decision_year": 2190, "lead_time_years": 0})
    g = f.model_copy(update={"options": [opt]})
    assert delay_facility(g, 15, 2026, 2035).options[0].earliest_decision_year == 2200
    with pytest.raises(DelayError) as e:
        delay_facility(g, 15, 2170, 2200, where="facilities[4]")
    assert str(e.value) == (f"facilities[4].options[0]: a delay of 15 years moves option {opt.id!r}'s first decision "
                            "year to 2205, past the last supported year 2200")


def test_one_delay_rule_for_scenarios_samples_and_plan_evaluation():
    """The same delays applied by a scenario, a Monte Carlo draw and plan evaluation's rebuild
    path give the same facilities (online year, capacity, options' first decision years)."""
    from models.project import DelayOverride, FacilityFilter, Scenario
    from planner.analysis.plan_eval import apply_delays_and_overruns
    from planner.analysis.risk_sampling import SampleDraw, apply_draw

    p = load_project(REAL)
    p.facility("yangibana").closure_year = 2029  # 2028 + 2 = 2030 >= 2029: never runs
    delays = {"yangibana": 2, "nolans_mine": 3, "eneabba_ref": 1, "mp_sep": 2, "ucore_lsmc": 4}
    p.scenarios = [Scenario(id=f"d_{fid}", overrides=[DelayOverride(where=FacilityFilter(ids=[fid]), years=d)])
                   for fid, d in delays.items()]
    sampled = apply_draw(p, SampleDraw(index=0, delays=delays))
    evaluated = apply_delays_and_overruns(p, delays, {})

    def key(f):
        return f.online_year, f.capacity_tpy, [o.earliest_decision_year for o in f.options]

    for fid in delays:
        by_scenario = apply_scenario(p, f"d_{fid}").facility(fid)
        assert key(by_scenario) == key(sampled.facility(fid)) == key(evaluated.facility(fid)), fid
    assert key(sampled.facility("yangibana"))[:2] == (2028, 0.0)
    assert sampled.facility("mp_sep").online_year == p.facility("mp_sep").online_year  # operating: options only


# ------------------------------------------------------------------ class 8
def test_ids_are_looked_up_before_names():
    """Scenario 'a' is named 's1' and listed first; the one whose id is 's1' is found by 's1'."""
    from models.project import Project, Scenario

    p = Project(scenarios=[Scenario(id="a", name="s1"), Scenario(id="s1", name="other")])
    assert p.scenario("s1").id == "s1"
    assert p.scenario("other").id == "s1"  # names still work when no id matches


def test_a_name_that_is_another_scenarios_id_is_refused(tmp_path):
    scenarios = [{"id": "a", "name": "s1", "overrides": []}, {"id": "s1", "overrides": []},
                 {"id": "b", "name": "base", "overrides": []}]
    path = _write(tmp_path, _doc_with(scenarios))
    code, out, err = run_cli(["validate", str(path)])
    assert code == 2
    assert err.splitlines() == [
        f"{path}: Scenario 's1' (scenarios[0]), name: the name 's1' is the id of scenarios[1]: --scenario s1 would "
        "pick that one; rename it",
        f"{path}: Scenario 'base' (scenarios[2]), name: the name 'base' is taken by the base project; rename it",
    ]


def test_a_stored_base_scenario_is_the_base_for_plain_solve_too(tmp_path):
    """A stored scenario with id 'base' halving demand: plain solve and --scenario base both apply
    it (100 t defense a year -> 50 t)."""
    base = {"id": "base", "overrides": [{"kind": "demand", "factor": 0.5}]}
    p = load_project(_write(tmp_path, _doc_with([base])))
    plain, named = apply_scenario(p, None), apply_scenario(p, "base")
    assert plain.demands[0].tonnes_by_year[2026] == named.demands[0].tonnes_by_year[2026] == 50.0
    from planner.pipeline.solve import SolveOptions, solve_project

    a = solve_project(p, SolveOptions())
    b = solve_project(p, SolveOptions(scenario="base"))
    assert a.has_plan and b.has_plan
    assert sum(r.demand for r in a.demand) == sum(r.demand for r in b.demand) == 0.5 * (4 * 100 + 4 * 300)


# ------------------------------------------------------------------ class 7
LEVER_CASES = [
    ("levers", {"offtakes": [{"id": "o1", "facility_id": "t_metal", "material": "ndpr_metal", "min_tpy": 1,
                              "price_usd_per_t": 1e308}]},
     "levers.offtakes[0].price_usd_per_t: 1e+308 $/t cannot be real (at most 1e+12 $/t)"),
    ("levers", {"loans": [{"id": "l1", "option_id": "t_magnet_build", "amount_musd": 1e308, "rate": 0.05}]},
     "levers.loans[0].amount_musd: 1e+308 $M cannot be real (at most 1e+09 $M)"),
    ("levers", {"stockpiles": [{"id": "s1", "material": "ndpr_metal", "capacity_t": 1e300}]},
     "levers.stockpiles[0].capacity_t: 1e+300 t cannot be real (at most 1e+09 t)"),
    ("levers", {"policy": {"facility_margins_usd_per_t": {"t_metal": -1e300}}},
     "levers.policy.facility_margins_usd_per_t.t_metal: -1e+300 $/t cannot be real (at most 1e+12 $/t)"),
    ("option", {"capex_musd_per_tpy": 1e300},
     "facilities[3].options[0].capex_musd_per_tpy: 1e+300 $M per t/yr cannot be real (at most 1e+06 $M per t/yr)"),
    ("option", {"fixed_opex_musd_per_yr": 1e300},
     "facilities[3].options[0].fixed_opex_musd_per_yr: 1e+300 $M cannot be real (at most 1e+09 $M)"),
    ("settings", {"transport_usd_per_t_km": 1e300},
     "settings.transport_usd_per_t_km: 1e+300 $/t/km cannot be real (at most 1e+06 $/t/km)"),
    ("mine", {"stock_initial_t": 1e300}, "facilities[0].stock_initial_t: 1e+300 t cannot be real (at most 1e+09 t)"),
    ("platform", {"id": "jet", "units_by_year": {"2027": 10}, "ndfeb_kg_per_unit": 400, "ndfeb_kg_basis": "rare_earth",
                  "ndfeb_re_share": 1e-300},
     # 10 units x 400 kg RE / 1e-300 RE share / 1000 = 4e300 t of magnet
     "platforms[0].units_by_year.2027: 4e+300 t of magnet demand cannot be real (at most 1e+09 t of magnet demand)"),
]


#: what the command line says for each location: the thing by its name, the field by its label
NAMED = {
    "levers.offtakes[0].price_usd_per_t": "Offtake 'o1' (levers.offtakes[0]), price ($/t)",
    "levers.loans[0].amount_musd": "Loan 'l1' (levers.loans[0]), amount ($M)",
    "levers.stockpiles[0].capacity_t": "Government stockpile 's1' (levers.stockpiles[0]), capacity (t)",
    "facilities[3].options[0].capex_musd_per_tpy":
        "Facility 'Teaching NdFeB magnet plant (Texas)' (facilities[3]), option 1, capex ($M per t/yr)",
    "facilities[3].options[0].fixed_opex_musd_per_yr":
        "Facility 'Teaching NdFeB magnet plant (Texas)' (facilities[3]), option 1, fixed opex ($M/yr)",
    "settings.transport_usd_per_t_km": "Settings, transport ($/t-km)",
    "facilities[0].stock_initial_t":
        "Facility 'Teaching mine (Western Australia)' (facilities[0]), finite stock (t TREO)",
    "platforms[0].units_by_year.2027": "Platform 'jet' (platforms[0]), units, 2027",
}


@pytest.mark.parametrize("where,fields,message", LEVER_CASES, ids=[m.split(":")[0] for *_, m in LEVER_CASES])
def test_numbers_that_pass_the_schema_but_cannot_be_real(tmp_path, where, fields, message):
    """Each used to pass validate and end in a JSON writer's ValueError, 'solver failed: Unknown' or
    'infeasible'; now validate and solve refuse it, located, exit 2."""
    doc = _doc_with([])
    if where == "levers":
        doc["levers"] = fields
    elif where == "option":
        doc["facilities"][3]["options"][0].update(fields)
    elif where == "settings":
        doc["settings"].update(fields)
    elif where == "mine":
        doc["facilities"][0].update(fields)
    else:
        doc["platforms"] = [fields]
    path = _write(tmp_path, doc)
    for command in ("validate", "solve"):
        code, out, err = run_cli([command, str(path)])
        assert code == 2, err
        location, rest = message.split(": ", 1)
        assert err.splitlines() == [f"{path}: {NAMED.get(location, location)}: {rest}"]


def test_a_failed_result_with_an_infinite_violation_writes_its_json():
    """A check failed by an infinite violation (and an overflowed objective) used to make to_json
    raise 'Out of range float values are not JSON compliant'; they are written as null."""
    import math

    from planner.result import Check, PlanResult, Status

    r = PlanResult(Status.ERROR, "fails verification", "highs", objective=math.inf,
                   checks=[Check("balance", False, math.inf, "x")])
    data = json.loads(r.to_json())
    assert data["objective"] is None and data["checks"][0]["max_violation"] is None
    back = PlanResult.from_dict(data)
    assert back.checks[0].max_violation == math.inf


# ------------------------------------------------------------------ class 2
def test_country_codes_in_scenario_filters_are_normalised(tmp_path):
    """A China cut written with 'cn' cuts the CN market (it used to cut nothing); ' au ' in a
    facility filter matches the AU mine."""
    cut = {"id": "cut", "overrides": [{"kind": "market_cap", "origin_countries": ["cn"], "factor": 0},
                                      {"kind": "delay", "where": {"countries": [" au "]}, "years": 1}]}
    p = load_project(_write(tmp_path, _doc_with([cut])))
    assert p.scenarios[0].overrides[0].origin_countries == ["CN"]
    applied = apply_scenario(p, "cut")
    cn = [m for m in applied.markets if m.origin_country == "CN"]
    assert cn and all(m.cap_tpy == 0 for m in cn)
    assert p.scenarios[0].overrides[1].where.countries == ["AU"]


def test_unknown_country_codes_in_scenario_filters_are_refused(tmp_path):
    bad = {"id": "bad", "overrides": [{"kind": "market_cap", "origin_countries": ["CN", "XX"], "factor": 0},
                                      {"kind": "capex", "where": {"countries": ["Chinaa"]}, "factor": 2}]}
    path = _write(tmp_path, _doc_with([bad]))
    code, out, err = run_cli(["validate", str(path)])
    assert code == 2
    assert err.splitlines() == [
        f"{path}: Scenario 'bad' (scenarios[0]), override 1, origin country 2: unknown ISO 3166 alpha-2 country "
        "code 'XX'",
        f"{path}: Scenario 'bad' (scenarios[0]), override 2, where, country 1: unknown ISO 3166 alpha-2 country code "
        "'Chinaa'",
    ]


def test_a_scenario_copy_is_not_given_the_stored_base_again(tmp_path):
    """Stored base halves demand (100 -> 50 t), scenario 'up' doubles it (100 -> 200 t). The copy
    for 'up' holds 200 t; solving that copy with no scenario (as risk and robust do) keeps 200 t,
    not 100 (the base applied on top), also after a JSON round trip (a cluster worker)."""
    from models import parse_project_text, project_to_json

    base = {"id": "base", "overrides": [{"kind": "demand", "factor": 0.5}]}
    up = {"id": "up", "overrides": [{"kind": "demand", "factor": 2}]}
    p = load_project(_write(tmp_path, _doc_with([base, up])))
    copy_up = apply_scenario(p, "up")
    assert copy_up.demands[0].tonnes_by_year[2026] == 200.0
    assert apply_scenario(copy_up, None).demands[0].tonnes_by_year[2026] == 200.0
    again = parse_project_text(project_to_json(copy_up))
    assert apply_scenario(again, None).demands[0].tonnes_by_year[2026] == 200.0


def test_a_scenario_project_is_not_checked_with_its_scenarios_applied_on_top(tmp_path):
    """Demand x 1e5 (100 t -> 1e7 t, real enough) used to be refused by solve --scenario because the
    check applied the stored scenarios again to the applied copy (1e7 x 1e5 = 1e12 t)."""
    big = {"id": "big", "overrides": [{"kind": "demand", "segment": "defense", "factor": 1e5}]}
    path = _write(tmp_path, _doc_with([big]))
    assert run_cli(["validate", str(path)])[0] == 0
    code, out, err = run_cli(["solve", str(path), "--scenario", "big", "--time-limit", "20"])
    assert code == 0, out
