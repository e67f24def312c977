"""Load problems by the thing's name and the field's label (models.problem_names), and a file with
bad values read with stand-ins (models.repair) -- or refused when its structure is wrong."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from models.io import ProjectFileError, load_project, parse_project_text, project_to_json
from models.repair import MISSING, repair_project_file, repair_project_text
from tests.models.fuzz_contract import run_cli

ROOT = Path(__file__).resolve().parents[2]
REAL = ROOT / "sample_projects" / "us_allied_mine_to_magnet.m2m.json"
TEACHING = ROOT / "sample_projects" / "teaching_chain.m2m.json"


def _real() -> dict:
    return json.loads(REAL.read_text(encoding="utf-8"))


def test_cli_names_the_facility_and_the_field_label_with_the_value_found(tmp_path):
    data = _real()
    assert data["facilities"][0]["name"] == "Mountain Pass mine & concentrator"
    data["facilities"][0]["capacity_tpy"] = -5
    bad = tmp_path / "bad.m2m.json"
    bad.write_text(json.dumps(data))
    code, out, err = run_cli(["validate", str(bad)])
    assert code == 2 and out == "" and "Traceback" not in err
    assert err.splitlines() == [f"{bad}: Facility 'Mountain Pass mine & concentrator' (facilities[0]): "
                                "capacity (t/yr) must be >= 0, found -5"]


def test_cross_object_problems_are_named_too(tmp_path):
    """A route to a facility that does not exist: found after the schema, named from the project."""
    data = json.loads(TEACHING.read_text(encoding="utf-8"))
    data["routes"][0]["to_id"] = "nowhere"
    src = {f["id"]: f["name"] for f in data["facilities"]}[data["routes"][0]["from_id"]]
    bad = tmp_path / "bad.m2m.json"
    bad.write_text(json.dumps(data))
    with pytest.raises(ProjectFileError) as e:
        load_project(bad)
    assert f"Route '{src} \u2192 nowhere' (routes[0]), to facility: unknown facility 'nowhere'" in e.value.lines
    assert str(e.value.problems[0]).startswith("routes[0].")  # the raw location stays for navigation


def test_one_negative_capacity_gets_its_default_and_the_rest_is_kept(tmp_path):
    data = _real()
    data["facilities"][0]["capacity_tpy"] = -5
    bad = tmp_path / "bad.m2m.json"
    bad.write_text(json.dumps(data))
    project, repairs = repair_project_file(bad)
    (r,) = repairs
    assert (r.location, r.path, r.field, r.found, r.standin_text) == (
        "facilities[0].capacity_tpy", ("facilities", 0), "capacity_tpy", -5, "0")
    assert r.text == ("Facility 'Mountain Pass mine & concentrator' (facilities[0]): capacity (t/yr) must be >= 0, "
                      "found -5")
    assert project.facilities[0].capacity_tpy == 0.0
    # everything else as in the file: the repaired project differs from the strict one only there
    data["facilities"][0]["capacity_tpy"] = 0.0
    assert project == parse_project_text(json.dumps(data), check_consistency=False)


def test_route_market_settings_dict_entry_and_cross_field_stand_ins():
    data = json.loads(TEACHING.read_text(encoding="utf-8"))
    data["routes"][1]["capacity_tpy"] = -10                 # default: no cap (None)
    data["markets"][0]["price_usd_per_t"] = -3              # default 0
    data["settings"]["discount_rate"] = 2                   # default 0.08
    year = next(iter(data["demands"][0]["tonnes_by_year"]))
    data["demands"][0]["tonnes_by_year"][year] = -4         # the entry left out
    data["facilities"][1]["online_year"] = 2030
    data["facilities"][1]["closure_year"] = 2028            # closure before online: closure back to None
    data["facilities"][0]["capacity_tp"] = 5                # unknown field: left out
    project, repairs = repair_project_text(json.dumps(data))
    got = {r.location: (r.found, r.standin_text) for r in repairs}
    assert got == {"routes[1].capacity_tpy": (-10, "empty"), "markets[0].price_usd_per_t": (-3, "0"),
                   "settings.discount_rate": (2, "0.08"), f"demands[0].tonnes_by_year.{year}": (-4, f"entry {year} "
                                                                                                   "left out"),
                   "facilities[1].closure_year": (2028, "empty"), "facilities[0].capacity_tp": (5, "left out")}
    assert project.routes[1].capacity_tpy is None and project.markets[0].price_usd_per_t == 0
    assert project.settings.discount_rate == 0.08 and int(year) not in project.demands[0].tonnes_by_year
    assert project.facilities[1].closure_year is None and project.facilities[1].online_year == 2030
    # the repaired project saves to a file that loads strictly
    assert parse_project_text(project_to_json(project), check_consistency=False) == project


def test_missing_required_field_gets_a_plain_value_and_missing_is_recorded():
    data = json.loads(TEACHING.read_text(encoding="utf-8"))
    del data["facilities"][0]["name"]
    data["facilities"][1]["stage"] = "smelter"
    project, repairs = repair_project_text(json.dumps(data))
    by_loc = {r.location: r for r in repairs}
    assert by_loc["facilities[0].name"].found is MISSING and project.facilities[0].name == ""
    assert by_loc["facilities[1].stage"].found == "smelter" and project.facilities[1].stage.value == "mine"
    assert by_loc["facilities[1].stage"].message.startswith("must be one of 'mine', 'cracking'")


@pytest.mark.parametrize("mutate, said", [
    (lambda d: d.__setitem__("facilities", {"not": "a list"}), "facilities: must be a list, not an object"),
    (lambda d: d["facilities"].__setitem__(0, 5), "Facility (facilities[0]): must be an object, not the number 5"),
    (lambda d: d.__setitem__("settings", [1]), "Settings: must be an object, not a list"),
], ids=["facilities-not-a-list", "facility-not-an-object", "settings-not-an-object"])
def test_structurally_wrong_files_are_refused_not_repaired(mutate, said):
    data = json.loads(TEACHING.read_text(encoding="utf-8"))
    mutate(data)
    with pytest.raises(ProjectFileError) as e:
        repair_project_text(json.dumps(data))
    assert any(said in line for line in e.value.lines)


def test_not_json_and_limits_are_refused_as_by_the_strict_loader():
    with pytest.raises(ProjectFileError) as e:
        repair_project_text('{"facilities": [}')
    assert e.value.problems[0].message.startswith("not valid JSON")
    with pytest.raises(ProjectFileError) as e:
        repair_project_text("[" * 100 + "]" * 100)
    assert "nesting deeper than 32 levels" in str(e.value)


def test_a_bad_value_inside_a_scenario_override_is_repaired_in_its_kind():
    """An override is one of several kinds (delay, market cap, ...): the stand-in comes from the
    kind the file names; a delay of 99 years (the range is -30..30) is held at 0 years."""
    data = _real()
    i = next(k for k, s in enumerate(data["scenarios"]) if s["overrides"] and s["overrides"][0]["kind"] == "delay")
    data["scenarios"][i]["overrides"][0]["years"] = 99
    project, (r,) = repair_project_text(json.dumps(data))
    assert (r.location, r.found, r.standin_text) == (f"scenarios[{i}].overrides[0].years", 99, "0")
    assert project.scenarios[i].overrides[0].years == 0
    data["scenarios"][i]["overrides"][0]["kind"] = "no-such-kind"  # structure: refused
    with pytest.raises(ProjectFileError):
        repair_project_text(json.dumps(data))
