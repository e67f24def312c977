"""The plan kept beside its project file (planner/reports/plan_file.py): path, round trip, digest,
and files that are not plans."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from planner.reports.plan_file import KeptPlan, PlanFileError, inputs_digest, plan_path, read_plan, write_plan
from tests.planner.test_report_xlsx import make_project, make_result


def test_plan_path_sits_beside_the_project():
    assert plan_path("/a/b/chain.m2m.json") == Path("/a/b/chain.m2m.plan.json")
    assert plan_path("/a/chain.JSON") == Path("/a/chain.plan.json")
    assert plan_path("/a/chain") == Path("/a/chain.plan.json")


def test_round_trip_and_the_project_file_is_untouched(tmp_path):
    project_file = tmp_path / "chain.m2m.json"
    project_file.write_text("{}")  # the project file is never read or written by the plan file
    p, r = make_project(), make_result()
    written = write_plan(project_file, KeptPlan(r, inputs_digest(p), "highs", "tight", 30.0))
    assert written == tmp_path / "chain.m2m.plan.json" and project_file.read_text() == "{}"
    kept = read_plan(project_file)
    assert kept.result.to_dict() == r.to_dict()
    assert (kept.solver, kept.scenario, kept.time_limit_s) == ("highs", "tight", 30.0)
    assert kept.matches(p)
    p.demands[0].tonnes_by_year[2027] = 201.0
    assert not kept.matches(p)  # one input changed: the plan is out of date


def test_missing_plan_reads_as_none(tmp_path):
    assert read_plan(tmp_path / "x.m2m.json") is None


@pytest.mark.parametrize("content, reason", [
    ("not json", "not a readable plan"),
    (json.dumps([1, 2]), "not a mine2magnet plan file"),
    (json.dumps({"format": "mine2magnet-plan", "version": 9}), "version 9 is not 1"),
    (json.dumps({"format": "mine2magnet-plan", "version": 1, "result": {"status": "nonsense"}}), "not readable"),
])
def test_a_file_that_is_not_a_plan_says_why(tmp_path, content, reason):
    (tmp_path / "x.m2m.plan.json").write_text(content)
    with pytest.raises(PlanFileError, match=reason):
        read_plan(tmp_path / "x.m2m.json")
