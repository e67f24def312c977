"""Every class of bad project file gives a clear, located problem and never a crash."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import models.io as io
from models import ProjectFileError, load_project, parse_project_text

from .conftest import TEACHING, write_json


def problems_of(path: Path) -> list[str]:
    with pytest.raises(ProjectFileError) as info:
        load_project(path)
    assert info.value.problems, "a ProjectFileError must list at least one problem"
    return [str(p) for p in info.value.problems]


def test_nan_is_refused(tmp_path, teaching_doc):
    text = json.dumps(teaching_doc, indent=2).replace('"capacity_tpy": 1000.0', '"capacity_tpy": NaN', 1)
    assert "NaN" in text
    path = tmp_path / "p.json"
    path.write_text(text)
    (msg,) = problems_of(path)
    line_no = next(i for i, line in enumerate(text.splitlines(), 1) if "NaN" in line)
    column = text.splitlines()[line_no - 1].index("NaN") + 1
    assert msg == f"line {line_no} column {column}: not valid JSON: NaN is not allowed (numbers must be finite)"


def test_nan_inside_a_string_is_fine(tmp_path, teaching_doc):
    teaching_doc["notes"] = "NaN and Infinity are words here"
    assert load_project(write_json(tmp_path / "p.json", teaching_doc)).notes.startswith("NaN")


@pytest.mark.parametrize("token", ["Infinity", "-Infinity"])
def test_infinity_is_refused(tmp_path, teaching_doc, token):
    text = json.dumps(teaching_doc, indent=2).replace('"capacity_tpy": 1000.0', f'"capacity_tpy": {token}', 1)
    path = tmp_path / "p.json"
    path.write_text(text)
    (msg,) = problems_of(path)
    assert msg.startswith("line ") and f"{token} is not allowed (numbers must be finite)" in msg


def test_unknown_ids_in_routes(tmp_path, teaching_doc):
    teaching_doc["routes"][1]["from_id"] = "no_such_plant"
    teaching_doc["routes"][2]["to_id"] = "ghost"
    msgs = problems_of(write_json(tmp_path / "p.json", teaching_doc))
    assert "routes[1].from_id: unknown facility 'no_such_plant'" in msgs
    assert "routes[2].to_id: unknown facility 'ghost'" in msgs


def test_duplicate_ids(tmp_path, teaching_doc):
    teaching_doc["demands"][1]["id"] = "t_defense"
    msgs = problems_of(write_json(tmp_path / "p.json", teaching_doc))
    assert msgs == ["demands[0].id: duplicate id 't_defense'", "demands[1].id: duplicate id 't_defense'"]


def test_duplicate_json_keys(tmp_path):
    path = tmp_path / "p.json"
    path.write_text('{"schema_version": 2, "name": "a", "name": "b"}')
    (msg,) = problems_of(path)
    assert msg == "line 1 column 36: the field 'name' appears twice"


@pytest.mark.parametrize(
    "where, field, bad",
    [("facilities", "country", "XX"), ("markets", "origin_country", "ZZ")],
)
def test_unknown_country_codes(tmp_path, teaching_doc, where, field, bad):
    teaching_doc[where][0][field] = bad
    (msg,) = problems_of(write_json(tmp_path / "p.json", teaching_doc))
    assert msg == f"{where}[0].{field}: unknown ISO 3166 alpha-2 country code '{bad}'"


def test_unknown_covered_country(tmp_path, teaching_doc):
    teaching_doc["settings"]["covered_countries"] = ["CN", "QQ"]
    (msg,) = problems_of(write_json(tmp_path / "p.json", teaching_doc))
    assert msg.startswith("settings.covered_countries") and "'QQ'" in msg


def test_scenario_override_error_is_located(tmp_path):
    doc = json.loads((TEACHING.parent / "us_allied_mine_to_magnet.m2m.json").read_text())
    doc["scenarios"][2]["overrides"][0]["years"] = 99
    (msg,) = problems_of(write_json(tmp_path / "p.json", doc))
    assert msg == "scenarios[2].overrides[0].years: must be <= 30"


def test_demand_year_outside_horizon(tmp_path, teaching_doc):
    teaching_doc["demands"][0]["tonnes_by_year"]["2040"] = 5.0
    (msg,) = problems_of(write_json(tmp_path / "p.json", teaching_doc))
    assert msg == "demands[0].tonnes_by_year.2040: year outside the horizon 2026-2029"


def test_platform_year_outside_horizon(tmp_path, teaching_doc):
    teaching_doc["platforms"] = [{"id": "f35", "units_by_year": {"2025": 10}, "ndfeb_kg_per_unit": 417}]
    (msg,) = problems_of(write_json(tmp_path / "p.json", teaching_doc))
    assert msg == "platforms[0].units_by_year.2025: year outside the horizon 2026-2029"


def test_newer_schema_version(tmp_path, teaching_doc):
    teaching_doc["schema_version"] = 99
    (msg,) = problems_of(write_json(tmp_path / "p.json", teaching_doc))
    assert msg.startswith("schema_version:") and "99" in msg and "newer" in msg


def test_missing_schema_version(tmp_path, teaching_doc):
    del teaching_doc["schema_version"]
    (msg,) = problems_of(write_json(tmp_path / "p.json", teaching_doc))
    assert msg.startswith("schema_version:") and "missing" in msg


def test_truncated_json(tmp_path):
    text = TEACHING.read_text()
    path = tmp_path / "p.json"
    path.write_text(text[: len(text) // 2])
    (msg,) = problems_of(path)
    assert msg.startswith("line ") and "column" in msg and "not valid JSON" in msg


@pytest.mark.parametrize(
    "content",
    [b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe", bytes(range(256))],
    ids=["png", "all-bytes"],
)
def test_binary_file(tmp_path, content):
    path = tmp_path / "p.m2m.json"
    path.write_bytes(content)
    (msg,) = problems_of(path)
    assert msg.startswith("line ") and "not UTF-8 text (byte " in msg and msg.endswith("save the file as UTF-8")


def test_valid_utf8_but_not_json(tmp_path):
    path = tmp_path / "p.json"
    path.write_text("name = 'not json'\n")
    (msg,) = problems_of(path)
    assert "not valid JSON" in msg and msg.startswith("line 1 column 1")


def test_top_level_not_an_object(tmp_path):
    path = tmp_path / "p.json"
    path.write_text("[1, 2, 3]")
    (msg,) = problems_of(path)
    assert "top level must be a JSON object" in msg


@pytest.mark.parametrize("content", ["", "   \n\t\n"], ids=["empty", "whitespace"])
def test_empty_file(tmp_path, content):
    path = tmp_path / "p.json"
    path.write_text(content)
    assert problems_of(path) == ["file is empty"]


def test_missing_file_and_folder(tmp_path):
    assert problems_of(tmp_path / "nope.json") == ["file not found"]
    assert problems_of(tmp_path) == ["is a folder, not a project file"]


def test_file_too_large(tmp_path, monkeypatch):
    monkeypatch.setattr(io, "MAX_FILE_BYTES", 1000)
    path = tmp_path / "p.json"
    path.write_bytes(TEACHING.read_bytes())
    (msg,) = problems_of(path)
    assert msg == f"file is {path.stat().st_size:,} bytes; the limit is 1,000 bytes"


def test_nesting_too_deep(tmp_path):
    depth = io.MAX_NESTING + 5
    path = tmp_path / "p.json"
    path.write_text('{"schema_version": 2, "notes": ' + "[" * depth + "]" * depth + "}")
    (msg,) = problems_of(path)
    assert "nesting deeper than" in msg


def test_extremely_deep_nesting_does_not_crash(tmp_path):
    path = tmp_path / "p.json"
    path.write_text("[" * 200_000 + "]" * 200_000)
    (msg,) = problems_of(path)
    assert "nesting" in msg


def test_negative_capacity_is_located(tmp_path, teaching_doc):
    teaching_doc["facilities"][3]["capacity_tpy"] = -5
    (msg,) = problems_of(write_json(tmp_path / "p.json", teaching_doc))
    assert msg == "facilities[3].capacity_tpy: must be >= 0"


def test_several_problems_are_all_reported(tmp_path, teaching_doc):
    teaching_doc["facilities"][0]["capacity_tpy"] = -1
    teaching_doc["facilities"][2]["lat"] = 123
    teaching_doc["markets"][0]["price_usd_per_t"] = -3
    msgs = problems_of(write_json(tmp_path / "p.json", teaching_doc))
    assert "facilities[0].capacity_tpy: must be >= 0" in msgs
    assert "facilities[2].lat: must be <= 90" in msgs
    assert "markets[0].price_usd_per_t: must be >= 0" in msgs


def test_unknown_field_is_refused(tmp_path, teaching_doc):
    teaching_doc["facilities"][0]["capacity_tpa"] = 5
    (msg,) = problems_of(write_json(tmp_path / "p.json", teaching_doc))
    assert msg == "facilities[0].capacity_tpa: unknown field"


def test_formula_like_name_is_stored_verbatim(tmp_path, teaching_doc):
    """A name starting with '=' is plain text: stored and saved back exactly, never evaluated."""
    name = '=HYPERLINK("http://evil.example","x")+1'
    teaching_doc["facilities"][0]["name"] = name
    teaching_doc["demands"][0]["name"] = "=1+1"
    path = write_json(tmp_path / "p.json", teaching_doc)
    project = load_project(path)
    assert project.facilities[0].name == name
    assert project.demands[0].name == "=1+1"
    out = tmp_path / "again.json"
    from models import save_project

    save_project(project, out)
    assert json.loads(out.read_text())["facilities"][0]["name"] == name


def test_parse_text_reports_where(teaching_doc):
    teaching_doc["facilities"][1]["capacity_tpy"] = -2
    with pytest.raises(ProjectFileError) as info:
        parse_project_text(json.dumps(teaching_doc), "clipboard")
    assert info.value.path == "clipboard"
    assert str(info.value).startswith("clipboard: 1 problem\n")
