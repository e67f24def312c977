"""Schema version 1 files (hand-written per models/migrations.py) load as version 2 with the right values."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from models import SCHEMA_VERSION, load_project, save_project
from models.schedules import existing_capacity_tpy

V1_DOCUMENT = {
    "schema_version": 1,
    "name": "Old format project",
    "settings": {"start_year": 2026, "end_year": 2030, "base_year": 2026, "deminimis": 0.05},
    "facilities": [
        {
            "id": "mine", "name": "Old mine", "country": "AU", "lat": -28.9, "lon": 122.5, "stage": "mine",
            "assay": {"ndpr": 0.25},
            "capacity_schedule": [
                {"year": 2029, "capacity_tpy": 1000},
                {"year": 2026, "capacity_tpy": 0},
                {"year": 2027, "capacity_tpy": 400},
            ],
        },
        {
            "id": "sep", "name": "Old separation", "country": "US", "lat": 35.5, "lon": -115.5,
            "stage": "separation", "capacity_tpy": 800, "element_recovery": {"ndpr": 0.9},
        },
    ],
    "routes": [{"id": "r1", "from_id": "mine", "to_id": "sep", "material": "concentrate"}],
    "demands": [
        {
            "id": "d", "product": "ndpr_oxide", "segment": "defense",
            "tonnes": [{"year": 2027, "t": 10}, {"year": 2030, "t": 12.5}],
        }
    ],
}


@pytest.fixture
def migrated(tmp_path):
    path = tmp_path / "old.m2m.json"
    path.write_text(json.dumps(V1_DOCUMENT, indent=2))
    return load_project(path), path


def test_v1_capacity_schedule_becomes_capacity_online_year_and_ramp(migrated):
    project, _ = migrated
    mine = project.facility("mine")
    assert mine.capacity_tpy == 1000
    assert mine.online_year == 2027  # first year with output (the 2026 zero step is dropped)
    assert mine.ramp_up_shares == [0.4, 0.4]  # 2027 and 2028 at 400 t, full from 2029
    assert [existing_capacity_tpy(mine, y) for y in range(2026, 2031)] == [0, 400, 400, 1000, 1000]


def test_v1_facility_without_schedule_is_unchanged(migrated):
    project, _ = migrated
    sep = project.facility("sep")
    assert sep.capacity_tpy == 800 and sep.online_year is None and sep.ramp_up_shares == []


def test_v1_demand_list_becomes_tonnes_by_year(migrated):
    project, _ = migrated
    assert project.demands[0].tonnes_by_year == {2027: 10.0, 2030: 12.5}


def test_v1_deminimis_renamed(migrated):
    project, _ = migrated
    assert project.settings.de_minimis_share == 0.05


def test_migrated_project_saves_as_current_version(migrated, tmp_path):
    project, path = migrated
    assert project.schema_version == SCHEMA_VERSION == 3
    out = tmp_path / "new.m2m.json"
    save_project(project, out)
    data = json.loads(out.read_text())
    assert data["schema_version"] == 3
    assert "capacity_schedule" not in data["facilities"][0]
    assert data["settings"]["de_minimis_share"] == 0.05
    assert load_project(out) == project


@pytest.mark.parametrize("bad", [0, -1, "2", 1.5, True, None])
def test_invalid_schema_versions(tmp_path, bad):
    from models import ProjectFileError

    doc = dict(V1_DOCUMENT, schema_version=bad)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(ProjectFileError) as info:
        load_project(path)
    (problem,) = info.value.problems
    assert problem.location == "schema_version"


def test_version_2_file_migrates_to_3_unchanged(tmp_path):
    """Version 3 only adds optional fields: a version-2 file loads with the same content."""
    sample = Path(__file__).resolve().parents[2] / "sample_projects" / "teaching_chain.m2m.json"
    data = json.loads(sample.read_text())
    data["schema_version"] = 2
    old = tmp_path / "v2.m2m.json"
    old.write_text(json.dumps(data))
    assert load_project(old) == load_project(sample)
