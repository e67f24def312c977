"""Scenario overrides on the real sample: each does what it says and never touches the base project."""

from __future__ import annotations

import pytest

from models import apply_scenario, load_project, project_to_json
from models.schedules import existing_capacity_tpy, total_demand_t
from models.vocab import Segment, Status

from .conftest import REAL


@pytest.fixture(scope="module")
def base():
    return load_project(REAL)


@pytest.fixture(scope="module")
def base_json(base):
    return project_to_json(base)


NOT_OPERATING = {Status.CONSTRUCTION, Status.COMMITTED, Status.PLANNED, Status.CONCEPT}


def test_base_scenario_is_an_equal_copy(base):
    for scenario in (None, "base"):
        copy = apply_scenario(base, scenario)
        assert copy == base and copy is not base
        assert copy.facilities[0] is not base.facilities[0]


def test_delays_shift_online_years_of_unbuilt_projects(base):
    delayed = apply_scenario(base, "delays")
    checked = 0
    for before, after in zip(base.facilities, delayed.facilities):
        if before.status in NOT_OPERATING and before.online_year is not None:
            assert after.online_year == before.online_year + 2, before.id
            checked += 1
        elif before.status is Status.OPERATING:
            assert after.online_year == before.online_year, before.id
        for ob, oa in zip(before.options, after.options):
            expected = ob.earliest_decision_year + 2 if before.status in NOT_OPERATING else ob.earliest_decision_year
            assert oa.earliest_decision_year == expected, ob.id
    assert checked >= 8
    eneabba_b, eneabba_d = base.facility("eneabba_ref"), delayed.facility("eneabba_ref")
    assert (eneabba_b.online_year, eneabba_d.online_year) == (2027, 2029)
    assert existing_capacity_tpy(eneabba_b, 2027) > 0 and existing_capacity_tpy(eneabba_d, 2028) == 0
    assert delayed.facility("mp_10x").options[0].earliest_decision_year == 2028


def test_china_cut_zeroes_chinese_caps_only(base):
    cut = apply_scenario(base, "china_cut")
    cn = [m for m in cut.markets if m.origin_country == "CN"]
    assert len(cn) >= 8 and all(m.cap_tpy == 0 for m in cn)
    for before, after in zip(base.markets, cut.markets):
        if before.origin_country != "CN":
            assert after.cap_tpy == before.cap_tpy, before.id


def test_demand_surge_doubles_defense_including_platforms(base):
    surge = apply_scenario(base, "demand_surge")
    d0, d1 = total_demand_t(base), total_demand_t(surge)
    assert d0.keys() == d1.keys()
    for key, tonnes in d0.items():
        _, segment, _ = key
        factor = 2.0 if segment is Segment.DEFENSE else 1.0
        assert d1[key] == pytest.approx(tonnes * factor), key
    f35_before, f35_after = base.platforms[0], surge.platforms[0]
    assert f35_after.units_by_year[2030] == 2 * f35_before.units_by_year[2030]


def test_capex_overrun_raises_every_option_by_30_percent(base):
    over = apply_scenario(base, "capex_overrun")
    n = 0
    for fb, fa in zip(base.facilities, over.facilities):
        for ob, oa in zip(fb.options, fa.options):
            assert oa.capex_musd_per_tpy == pytest.approx(1.3 * ob.capex_musd_per_tpy)
            assert oa.fixed_capex_musd == pytest.approx(1.3 * ob.fixed_capex_musd)
            n += 1
    assert n >= 20


@pytest.mark.parametrize("scenario", ["base", "china_cut", "delays", "demand_surge", "capex_overrun"])
def test_scenarios_never_mutate_the_base(base, base_json, scenario):
    apply_scenario(base, scenario)
    assert project_to_json(base) == base_json
    assert project_to_json(load_project(REAL)) == base_json


def test_scenario_by_name(base):
    assert apply_scenario(base, "China cut-off") == apply_scenario(base, "china_cut")


def test_unknown_scenario_names_the_known_ones(base):
    with pytest.raises(KeyError) as info:
        apply_scenario(base, "nope")
    assert "nope" in str(info.value) and "china_cut" in str(info.value)


def test_invest_override_outside_the_decision_years_is_refused_with_its_location():
    """Horizon 2026-2030; option ``x`` earliest decision 2027, lead time 2 -> decision years 2027-2028.
    An invest override in 2026 or 2029 would be ignored by the model: refused at validation, naming
    scenario, option, year and the allowed years; 2028 is fine. A delay of 1 year in the same scenario
    moves the first decision year to 2028, so 2027 is refused there."""
    from models import DelayOverride, ExpansionOption, Facility, FacilityFilter, Project, Scenario
    from models.project import InvestOverride
    from models.validation import errors, validate_project

    p = Project(name="invest years")
    p.settings.start_year, p.settings.end_year, p.settings.base_year = 2026, 2030, 2026
    p.facilities = [Facility(id="mag", name="Magnets", stage="magnet_ndfeb", country="US", capacity_tpy=10,
                             status="construction", online_year=2027,
                             recipe_inputs={"ndpr_metal": 0.34}, recipe_outputs={"ndfeb_magnet": 1.0},
                             options=[ExpansionOption(id="x", max_add_tpy=50, capex_musd_per_tpy=0.1, lead_time_years=2,
                                                      earliest_decision_year=2027)])]
    p.scenarios = [Scenario(id="ok", name="ok", overrides=[InvestOverride(option_id="x", year=2028, added_tpy=5)]),
                   Scenario(id="early", name="early",
                            overrides=[InvestOverride(option_id="x", year=2026, added_tpy=5)]),
                   Scenario(id="late", name="late", overrides=[InvestOverride(option_id="x", year=2029, added_tpy=5)]),
                   Scenario(id="delayed", name="delayed", overrides=[
                       DelayOverride(where=FacilityFilter(ids=["mag"]), years=1),
                       InvestOverride(option_id="x", year=2027, added_tpy=5)])]
    found = {pr.location: pr.message for pr in errors(validate_project(p)) if ".year" in pr.location}
    assert set(found) == {"scenarios[1].overrides[0].year", "scenarios[2].overrides[0].year",
                          "scenarios[3].overrides[1].year"}
    assert found["scenarios[1].overrides[0].year"] == (
        "scenario 'early': option 'x' cannot be decided in 2026 (an invest override there would be ignored): "
        "its decision years are 2027-2028")
    assert "in 2029" in found["scenarios[2].overrides[0].year"]
    assert found["scenarios[3].overrides[1].year"].endswith("its only decision year is 2028")
    p.scenarios = []
    p.facilities[0].options[0].committed_tpy_by_year = {2028: 5.0, 2030: 5.0}
    assert [str(pr) for pr in errors(validate_project(p))] == [
        "facilities[0].options[0].committed_tpy_by_year.2030: option 'x' cannot be decided in 2030: "
        "its decision years are 2027-2028"]
