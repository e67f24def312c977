"""The risk catalogue: schema, stratified draws with weights, effects, and which events cause shortfalls."""

from __future__ import annotations

import json

import pytest

from models.io import ProjectFileError, parse_project_text, project_to_json
from planner.analysis.risk import run_risk
from planner.analysis.risk_events import draw_events, stratum, window_probability
from planner.pipeline.solve import SolveOptions
from planner.reports.text import risk_summary_lines as summary_lines

from .resilience_fixtures import catalogue_project

OPTIONS = SolveOptions(time_limit_s=30)


def test_every_entry_needs_a_source_and_errors_are_located():
    p = catalogue_project()
    data = json.loads(project_to_json(p))
    assert data["settings"]["risk"]["catalogue"]["outage_by_stage"]["magnet_ndfeb"]["source"] == "assumed"
    assert parse_project_text(project_to_json(p), "x").settings.risk.catalogue == p.settings.risk.catalogue
    data["settings"]["risk"]["catalogue"]["outage_by_stage"]["magnet_ndfeb"]["source"] = " "
    data["settings"]["risk"]["catalogue"]["outage_by_stage"]["magnet_ndfeb"]["annual_probability"] = 1.5
    with pytest.raises(ProjectFileError) as err:
        parse_project_text(json.dumps(data), "x.json")
    locations = [pr.location for pr in err.value.problems]
    assert "settings.risk.catalogue.outage_by_stage.magnet_ndfeb.source" in locations
    assert "settings.risk.catalogue.outage_by_stage.magnet_ndfeb.annual_probability" in locations
    # said by the fields' labels (models.problem_names), with the value found
    assert ("Settings: risk, catalogue, outage by stage, magnet ndfeb, annual probability must be <= 1, found 1.5"
            in err.value.lines)
    # a project without a catalogue saves as before (no key)
    q = catalogue_project()
    q.settings.risk.catalogue = None
    assert "catalogue" not in json.loads(project_to_json(q))["settings"]["risk"]


def test_window_probability_and_strata_by_hand():
    """q = 1 - (1 - p)^W: p = 0.1 over 3 years -> 0.271. K = min(ceil(1/q), 20): q = 0.25 -> 4,
    q = 0.04 -> 20 (capped), q = 0.6 -> 0 (not rare: a plain draw)."""
    assert window_probability(0.1, 3) == pytest.approx(0.271)
    assert (stratum(0.25, 0.5), stratum(0.04, 0.5), stratum(0.6, 0.5)) == (4, 20, 0)


def test_a_rare_outage_is_in_its_share_of_futures_with_a_weight():
    """q = 0.25 -> exactly 1 sample in each block of 4 has the outage, weight q K = 1 with it and
    (1 - q)/(1 - 1/K) = 1 without. q = 0.04 -> K = 20: 1 in 20, weight 0.04 x 20 = 0.8 with it,
    0.96 / 0.95 = 1.0105 without; the weights of 20 consecutive samples add up to 20."""
    p = catalogue_project(0.25)
    draws = [draw_events(p, 7, i) for i in range(12)]
    hit = [i for i, (ev, _) in enumerate(draws) if ev]
    assert [i // 4 for i in hit] == [0, 1, 2]  # one in each block of 4 consecutive samples
    assert all(w == pytest.approx(1.0) for _, w in draws)
    (ev,), _ = draws[hit[0]]
    assert (ev.id, ev.kind, ev.first_year, ev.last_year, ev.facilities) == ("outage:mag", "outage", 2027, 2027, ["mag"])
    rare = catalogue_project(0.04)
    draws = [draw_events(rare, 7, i) for i in range(20)]
    assert sum(1 for ev, _ in draws if ev) == 1
    assert sorted({round(w, 6) for _, w in draws}) == [0.8, round(0.96 / 0.95, 6)]
    assert sum(w for _, w in draws) == pytest.approx(20.0)


def test_risk_with_the_outage_counts_it_and_names_the_event():
    """8 samples, q = 0.25: 2 have the outage and are 100 t short in 2027: P(met 2027) = 6/8,
    mean shortfall 200/8 = 25 t; P(met 2026) = P(met 2028) = 1. The report names outage:mag
    with P(met 2027) 0 % with it vs 100 % without, in 100 % of the short samples."""
    rep = run_risk(catalogue_project(0.25), 8, seed=7, workers=1, options=OPTIONS)
    assert rep.n_failed == 0
    assert rep.p_met["ndfeb_magnet"] == {2026: 1.0, 2027: 0.75, 2028: 1.0}
    assert rep.mean_shortfall_t["ndfeb_magnet"][2027] == pytest.approx(25.0)
    (e,) = rep.event_impacts
    assert (e["event"], e["samples"], e["p_met_with"], e["p_met_without"]) == ("outage:mag", 2, 0.0, 1.0)
    assert e["share_of_short_samples"] == {"ndfeb_magnet": 1.0}
    text = "\n".join(summary_lines(rep))
    assert "outage:mag" in text and "short samples with it: ndfeb_magnet 100%" in text


def test_an_export_stop_stops_the_country_s_markets():
    """Japan's stop (q = 0.25, no outage): the metal market is capped at 0 in 2027 in 2 of 8
    samples -> 100 t short there: P(met 2027) = 0.75."""
    p = catalogue_project(0.0, 0.25)
    ev = next(e for i in range(8) for e in draw_events(p, 3, i)[0])
    assert (ev.id, ev.markets, ev.facilities) == ("export_stop:JP", {"jp_metal": 0.0}, [])
    rep = run_risk(p, 8, seed=3, workers=1, options=OPTIONS)
    assert rep.p_met["ndfeb_magnet"][2027] == 0.75 and rep.n_failed == 0


def test_two_rare_events_meet_by_chance_not_by_construction():
    """Outage and export stop, each q = 0.25 (K = 4): each is in exactly one sample of every block
    of 4; over 12 blocks they share a sample in some blocks and not in others."""
    p = catalogue_project(0.25, 0.25)
    both = 0
    for b in range(12):
        kinds = [{e.kind for e in draw_events(p, 11, i)[0]} for i in range(4 * b, 4 * b + 4)]
        assert sum("outage" in k for k in kinds) == 1 and sum("export_stop" in k for k in kinds) == 1
        both += any(k == {"outage", "export_stop"} for k in kinds)
    assert 0 < both < 12


def test_licence_states_take_their_shares_and_a_surge_multiplies_defense_demand():
    """Licence states 0.3 / 0.5 / 0.2 over 10 samples: 3 / 5 / 2 (the Weyl sequence keeps every
    state within 1 of its share). A surge x 2.5 (q = 0.25, 2027) makes 2027's defense demand
    250 t against 200 t of capacity: 50 t short in 2 of 8 samples: P(met 2027) = 0.75."""
    from models.risk_catalogue import DemandSurge, LicenceRegime, LicenceState, MarketCap

    p = catalogue_project(0.0)
    p.settings.risk.catalogue.licence_regime = LicenceRegime(
        from_year=2027, source="assumed", states=[
            LicenceState(id="strict", probability=0.3, caps=[MarketCap(origin_country="JP", cap_tpy=0.0)]),
            LicenceState(id="case", probability=0.5, caps=[MarketCap(origin_country="JP", cap_tpy=500.0)]),
            LicenceState(id="open", probability=0.2, caps=[])])
    states = [next((e.id for e in draw_events(p, 2, i)[0] if e.kind == "licence"), "licence:open") for i in range(10)]
    counts = {s: states.count(s) for s in ("licence:strict", "licence:case", "licence:open")}
    assert all(abs(counts[s] - 10 * q) <= 1 for s, q in (("licence:strict", 0.3), ("licence:case", 0.5),
                                                          ("licence:open", 0.2)))
    q = catalogue_project(0.0)
    q.settings.risk.catalogue.demand_surges = [DemandSurge(id="x", product="ndfeb_magnet", annual_probability=0.25,
                                                           low=2.5, mode=2.5, high=2.5, source="assumed")]
    rep = run_risk(q, 8, seed=4, workers=1, options=OPTIONS)
    assert rep.p_met["ndfeb_magnet"][2027] == 0.75 and rep.mean_shortfall_t["ndfeb_magnet"][2027] == pytest.approx(12.5)
    surged = [s for s in rep.samples if s.events]
    assert len(surged) == 2 and all(s.defense_demand_t["ndfeb_magnet"][2027] == pytest.approx(250.0) for s in surged)
