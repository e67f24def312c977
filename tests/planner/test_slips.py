"""Slips of new circuits, ramp-ups and qualification as catalogue events: drawn per future, revealed
in the year the slipped thing was due, applied by the rules of models.slips, named in the report."""

from __future__ import annotations

import json

import pytest

from models.io import ProjectFileError, parse_project_text, project_to_json
from models.slips import apply_slips, circuit_source_year, slip_ramp, slip_window
from models.validation import validate_project
from models.vocab import Element, Status
from planner.analysis.plan_eval import EvalSpec, SampleModel, rebuild_and_solve
from planner.analysis.risk import run_risk
from planner.analysis.risk_events import draw_events
from planner.analysis.risk_sampling import draw_sample
from planner.pipeline.solve import SolveOptions
from planner.reports.text import risk_summary_lines

from .slip_fixtures import circuit_project, option_qualification_project, qualification_project, ramp_project

OPTIONS = SolveOptions(time_limit_s=30)


def _rows(result):
    """(demand, year, delivered, unmet) of every demand row, rounded: what both paths must agree on."""
    return sorted((d.demand_id, d.year, round(d.delivered, 6), round(d.unmet, 6)) for d in result.demand)


def test_the_rules_by_hand():
    """Circuit: Dy due 2027, +1 -> 2028; a circuit that ran before the horizon (2020) stays; in
    2028 the plant makes what it made in 2027 unslipped, in 2026 what it made in 2025 (start - 1).
    Ramp: online 2027, [0.5] + 1 year -> [0.5, 0.5]; mid-ramp (online 2025, [0.3, 0.6, 0.9],
    start 2026) the stall is at 2025's 0.3: [0.3, 0.3, 0.6, 0.9]. Windows: circuit 2027-2027,
    ramp 2028-2028, qualification 2027-2027 (+1) and, for a plant under construction delayed a year
    (models.delays; an operating plant is never delayed), 2028."""
    p = circuit_project()
    sep = p.facilities[1].model_copy(update={"element_online_year": {Element.DY: 2027, Element.TB: 2020}})
    moved = apply_slips(sep, {"circuit": 1}, p.settings)
    assert moved.element_online_year == {Element.DY: 2028, Element.TB: 2020}
    assert (circuit_source_year(2028, 1, 2026), circuit_source_year(2026, 1, 2026)) == (2027, 2025)
    assert slip_window(sep, "circuit", 1, p.settings) == (2027, 2027)
    mag = ramp_project().facilities[0]
    assert slip_ramp(mag, 1, 2026).ramp_up_shares == [0.5, 0.5]
    mid = mag.model_copy(update={"online_year": 2025, "ramp_up_shares": [0.3, 0.6, 0.9]})
    assert slip_ramp(mid, 1, 2026).ramp_up_shares == [0.3, 0.3, 0.6, 0.9]
    assert slip_window(mag, "ramp_up", 1, p.settings) == (2028, 2028)
    q = qualification_project().facilities[0]
    assert slip_window(q, "qualification", 1, p.settings) == (2027, 2027)
    assert slip_window(q, "qualification", 1, p.settings, delay=1) == (2027, 2027)  # operating: no delay
    building = q.model_copy(update={"status": Status.CONSTRUCTION})
    assert slip_window(building, "qualification", 1, p.settings, delay=1) == (2028, 2028)


def test_a_circuit_slip_of_the_sole_dy_circuit_gives_the_hand_probability_and_is_named():
    """circuit_project: slip of 1 year with probability 0.5, stratified (K = 2): exactly 2 of 4
    futures have it, weight 1 each. Those are 50 t short in 2027 (no Dy exists before 2028),
    the others met: P(defense Dy met 2027) = 2/4 = 0.5, mean shortfall 2 x 50 / 4 = 25 t;
    2028 met in all. The report names circuit_slip:sep: P(met) 0 % with it, 100 % without, in
    every short sample."""
    p = circuit_project()
    draws = [draw_events(p, 1, i) for i in range(4)]
    slipped = [i for i, (ev, _) in enumerate(draws) if ev]
    assert len(slipped) == 2 and all(w == pytest.approx(1.0) for _, w in draws)
    ev = draws[slipped[0]][0][0]
    assert (ev.id, ev.kind, ev.first_year, ev.last_year, ev.slipped, ev.extra_years) == (
        "circuit_slip:sep", "circuit_slip", 2027, 2027, "sep", 1)
    rep = run_risk(p, 4, seed=1, workers=1, options=OPTIONS)
    assert rep.n_failed == 0
    assert rep.p_met["dy_oxide"] == {2027: 0.5, 2028: 1.0}
    assert rep.mean_shortfall_t["dy_oxide"][2027] == pytest.approx(25.0)
    (e,) = rep.event_impacts
    assert (e["event"], e["kind"], e["samples"], e["p_met_with"], e["p_met_without"]) == (
        "circuit_slip:sep", "circuit_slip", 2, 0.0, 1.0)
    assert e["share_of_short_samples"] == {"dy_oxide": 1.0}
    assert "circuit_slip:sep" in "\n".join(risk_summary_lines(rep))


@pytest.mark.parametrize("years, short", [([1], {2027: 50.0, 2028: 0.0}), ([2], {2027: 50.0, 2028: 50.0})])
def test_warm_and_rebuilt_paths_agree_on_a_circuit_slip(years, short):
    """A slip of 1 year: 2027 short 50 t; of 2 years: 2027 and 2028 short 50 t each (the circuit
    starts 2029, after the horizon). The warm model (activity bounds by the source-year rule)
    and the rebuilt model (element_online_year moved, phases rebuilt) give the same rows."""
    p = circuit_project(1.0, years)
    d = draw_sample(p, 1, 0)
    assert [e.extra_years for e in d.events] == years
    model = SampleModel(p, EvalSpec(decisions=[]))
    warm = model.solve(d.delays, d.overruns, events=d.events)
    ref = rebuild_and_solve(p, EvalSpec(decisions=[]), d)
    assert warm.has_plan and ref.has_plan
    assert _rows(warm) == _rows(ref)
    assert {r.year: r.unmet for r in warm.demand} == pytest.approx(short)
    assert model.n_rebuilt == 0 and model.n_reveal_solves == 1  # one re-plan, at the due year 2027
    # the next sample on the same model, without a slip, is met again (bounds restored)
    assert {r.year: r.unmet for r in model.solve({}, {}).demand} == pytest.approx({2027: 0.0, 2028: 0.0})


def test_a_later_circuit_keeps_its_slot_under_the_rule():
    """Dy due 2027 and Tb due 2028 at the same plant (assay Tb 5 %), slip 1 year: Dy from 2028,
    Tb from 2029. Defense Tb 10 t in 2028: met on time (50 t of Tb), short 10 t when slipped.
    The warm path runs in 2028 the 2027 phase (NdPr + Dy, no Tb) and agrees with the rebuild."""
    p = circuit_project(1.0, [1])
    mine, sep = p.facilities
    p.facilities = [mine.model_copy(update={"assay": {**mine.assay, Element.TB: 0.05}}),
                    sep.model_copy(update={"element_recovery": {**sep.element_recovery, Element.TB: 1.0},
                                           "element_online_year": {**sep.element_online_year, Element.TB: 2028}})]
    from models import Demand

    p.demands.append(Demand(id="defense_tb", product="tb_oxide", segment="defense", tonnes_by_year={2028: 10.0}))
    d = draw_sample(p, 1, 0)
    warm = SampleModel(p, EvalSpec(decisions=[])).solve(d.delays, d.overruns, events=d.events)
    ref = rebuild_and_solve(p, EvalSpec(decisions=[]), d)
    assert _rows(warm) == _rows(ref)
    assert {(r.demand_id, r.year): r.unmet for r in warm.demand} == pytest.approx(
        {("defense_dy", 2027): 50.0, ("defense_dy", 2028): 0.0, ("defense_tb", 2028): 10.0})


def test_a_qualification_slip_keeps_output_from_defense_but_not_from_commercial():
    """qualification_project, slip certain: the plant qualifies in 2028 instead of 2027. 2027:
    defense gets 0 of its 100 t (short 100) while commercial takes all 200 t (on time: 100 t to
    defense, 100 t to commercial); 2028 as on time. Both paths agree; P(defense met 2027) = 0,
    2028 = 1. The plant's lag is 0, so the warm model adds its qualification rows for the slip."""
    p = qualification_project(1.0)
    d = draw_sample(p, 1, 0)
    (ev,) = d.events
    assert (ev.id, ev.first_year, ev.last_year) == ("qualification_slip:mag", 2027, 2027)
    model = SampleModel(p, EvalSpec(decisions=[]))
    on_time = model.solve({}, {})
    assert {(r.demand_id, r.year): r.delivered for r in on_time.demand} == pytest.approx(
        {("defense", 2027): 100.0, ("commercial", 2027): 100.0, ("defense", 2028): 100.0, ("commercial", 2028): 100.0})
    warm = model.solve(d.delays, d.overruns, events=d.events)
    ref = rebuild_and_solve(p, EvalSpec(decisions=[]), d)
    assert _rows(warm) == _rows(ref)
    assert {(r.demand_id, r.year): r.delivered for r in warm.demand} == pytest.approx(
        {("defense", 2027): 0.0, ("commercial", 2027): 200.0, ("defense", 2028): 100.0, ("commercial", 2028): 100.0})
    assert warm.objective == pytest.approx(ref.objective, rel=1e-7)
    rep = run_risk(p, 2, seed=1, workers=1, options=OPTIONS)
    assert rep.p_met["ndfeb_magnet"] == {2027: 0.0, 2028: 1.0}
    assert rep.event_impacts[0]["event"] == "qualification_slip:mag"


def test_a_ramp_slip_is_revealed_when_the_ramp_was_due_not_before():
    """ramp_project, slip 1 year with probability 0.5 (K = 2): 2 of 4 futures hold the 50 % share
    in 2028 (150 t for 250 t). Honestly the stall is learnt in 2028, after 2027 ran the plan
    (nothing stocked): 100 t short, mean 2 x 100 / 4 = 50 t. With perfect foresight the sample
    stocks 2027's spare 50 t: 50 t short, mean 25 t. P(met 2028) = 0.5 either way."""
    p = ramp_project()
    honest = run_risk(p, 4, seed=1, workers=1, options=OPTIONS)
    hindsight = run_risk(p, 4, seed=1, workers=1, options=OPTIONS, mode="foresight")
    assert honest.p_met["ndfeb_magnet"] == {2027: 1.0, 2028: 0.5} == hindsight.p_met["ndfeb_magnet"]
    assert honest.mean_shortfall_t["ndfeb_magnet"][2028] == pytest.approx(50.0)
    assert hindsight.mean_shortfall_t["ndfeb_magnet"][2028] == pytest.approx(25.0)
    assert {tuple(s.events[0][:4]) for s in honest.samples if s.events} == {("ramp_up_slip:mag", "ramp_up_slip",
                                                                             2028, 2028)}


def test_bad_slip_entries_get_located_errors():
    """Negative extra years, probabilities not adding up to 1, no source: located parse errors;
    an unknown facility: a located error; a facility with nothing to slip: a located warning; a
    group shared by a slip and an outage: refused."""
    data = json.loads(project_to_json(circuit_project()))
    cat = data["settings"]["risk"]["catalogue"]
    cat["facility_slips"][0]["circuit"]["extra_years"] = {"years": [-1, 2], "probabilities": [0.5, 0.5]}
    cat["facility_slips"][0]["circuit"]["source"] = " "
    cat["slips_by_stage"] = {"separation": {"ramp_up": {"probability": 0.2, "source": "assumed", "extra_years": {
        "years": [1, 2], "probabilities": [0.5, 0.6]}}}}
    with pytest.raises(ProjectFileError) as err:
        parse_project_text(json.dumps(data), "x.json")
    found = {pr.location: pr.message for pr in err.value.problems}
    assert "must be >= 0" in found["settings.risk.catalogue.facility_slips[0].circuit.extra_years.years[0]"]
    assert "needs a source" in found["settings.risk.catalogue.facility_slips[0].circuit.source"]
    assert "add up to 1" in found["settings.risk.catalogue.slips_by_stage.separation.ramp_up.extra_years"]
    # said by the fields' labels, with the value found
    assert ("Settings: risk, catalogue, facility slip 1, circuit, extra years, year 1 must be >= 0, found -1"
            in err.value.lines)

    data = json.loads(project_to_json(circuit_project()))
    data["settings"]["risk"]["catalogue"]["facility_slips"][0]["facility_id"] = "nope"
    with pytest.raises(ProjectFileError) as err:
        parse_project_text(json.dumps(data), "x.json")
    found = {pr.location: pr.message for pr in err.value.problems}
    assert found["settings.risk.catalogue.facility_slips[0].facility_id"] == "unknown facility 'nope'"

    p = circuit_project()
    p.settings.risk.catalogue.facility_slips[0].facility_id = "mine"
    (w,) = [pr for pr in validate_project(p) if "catalogue" in pr.location]
    assert (w.location, w.severity) == ("settings.risk.catalogue.facility_slips[0].circuit", "warning")
    assert "nothing to slip" in w.message

    data = json.loads(project_to_json(circuit_project()))
    cat = data["settings"]["risk"]["catalogue"]
    cat["facility_slips"][0]["circuit"]["group"] = "g"
    cat["outage_by_stage"] = {"mine": {"annual_probability": 0.1, "source": "assumed", "group": "g"}}
    with pytest.raises(ProjectFileError) as err:
        parse_project_text(json.dumps(data), "x.json")
    (pr,) = err.value.problems
    assert pr.location == "settings.risk.catalogue" and "mixes slips with other events" in pr.message


def test_a_qualification_slip_moves_an_addition_s_qualification_too():
    """option_qualification_project: the plan adds 300 t/yr decided 2026 (online 2027, lag 0). The
    slip is revealed in 2027, the year the addition was due to qualify under the plan: defense
    2027 gets 0 of 100 t, commercial takes its 200 t; 2028 as planned. The warm model lowers the
    qualification row by the fixed addition's output (300 t) and agrees with the rebuilt model, in
    which the option's lag is 1; P(defense met 2027) = 0, 2028 = 1."""
    from planner.analysis.plan_eval import plan_decisions
    from planner.pipeline.solve import solve_project

    p = option_qualification_project(1.0)
    plan = solve_project(p, OPTIONS)
    decisions = plan_decisions(plan)
    assert decisions == [["mag_build", 2026, pytest.approx(300.0)]]
    d = draw_sample(p, 1, 0)
    (ev,) = d.events
    assert (ev.id, ev.first_year) == ("qualification_slip:mag", 2027)
    spec = EvalSpec(decisions=decisions)
    warm = SampleModel(p, spec).solve(d.delays, d.overruns, events=d.events)
    ref = rebuild_and_solve(p, spec, d)
    assert _rows(warm) == _rows(ref)
    assert {(r.demand_id, r.year): r.delivered for r in warm.demand} == pytest.approx(
        {("defense", 2027): 0.0, ("commercial", 2027): 200.0, ("defense", 2028): 100.0, ("commercial", 2028): 200.0})
    rep = run_risk(p, 2, seed=1, workers=1, options=OPTIONS)
    assert rep.p_met["ndfeb_magnet"] == {2027: 0.0, 2028: 1.0} and rep.n_failed == 0
    # with free additions (perfect foresight) the warm model cannot move the term: the reference path
    hindsight = SampleModel(p, EvalSpec(mode="foresight"))
    free = hindsight.solve(d.delays, d.overruns, events=d.events)
    assert hindsight.n_rebuilt == 1
    assert _rows(free) == _rows(rebuild_and_solve(p, EvalSpec(mode="foresight"), d))
    assert {(r.demand_id, r.year): r.unmet for r in free.demand if r.demand_id == "defense"} == pytest.approx(
        {("defense", 2027): 100.0, ("defense", 2028): 0.0})


def test_a_slip_is_revealed_on_the_delayed_schedule_and_leaves_other_draws_alone():
    """ramp_project's plant under construction: undelayed, its stall shows in 2028 (event
    2028-2028); delayed a year (online 2028, 50 % share in 2028 either way) the stall would show in
    2029, after the horizon: no event, nothing for the sample to learn. Adding a qualification slip
    (probability 0.5, drawn in some of 8 futures) to a catalogue leaves the outages drawn for the
    same seeds as they were (slips are drawn after every other event)."""
    from .resilience_fixtures import catalogue_project

    p = ramp_project(1.0)
    p.facilities[0] = p.facilities[0].model_copy(update={"status": Status.CONSTRUCTION})
    (ev,), _ = draw_events(p, 1, 0)
    assert (ev.first_year, ev.last_year) == (2028, 2028)
    assert draw_events(p, 1, 0, delays={"mag": 1}) == ([], 1.0)
    plain = catalogue_project(0.25)
    with_slip = catalogue_project(0.25)
    with_slip.settings.risk.catalogue = with_slip.settings.risk.catalogue.model_copy(update={
        "facility_slips": qualification_project(0.5).settings.risk.catalogue.facility_slips})
    for p in (plain, with_slip):  # the plant is due to qualify in 2027, inside the window (2027)
        p.facilities[0] = p.facilities[0].model_copy(update={"online_year": 2027})
    slipped = 0
    for i in range(8):
        events = draw_events(with_slip, 5, i)[0]
        assert [e for e in events if e.kind == "outage"] == draw_events(plain, 5, i)[0]
        slipped += any(e.kind == "qualification_slip" for e in events)
    assert 0 < slipped < 8
