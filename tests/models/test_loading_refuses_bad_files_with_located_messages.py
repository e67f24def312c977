"""Loading: old files, paths that are not regular files, strict types, located messages.

Every problem must be a located
``ProjectFileError`` (never TypeError/KeyError/ValueError), in the user's terms.
"""

from __future__ import annotations

import copy
import json
import os
import threading
from pathlib import Path

import pytest

import models.io as io
from models import ProjectFileError, load_project, parse_project_text

from .conftest import write_json
from .test_migration import V1_DOCUMENT


def problems_of(path) -> list[str]:
    with pytest.raises(ProjectFileError) as info:
        load_project(path)
    assert info.value.problems, "a ProjectFileError must list at least one problem"
    return [str(p) for p in info.value.problems]


# ----------------------------------------------------------------- old files
def _v1(**changes) -> dict:
    doc = copy.deepcopy(V1_DOCUMENT)
    for dotted, value in changes.items():
        *head, last = dotted.split("__")
        node = doc
        for part in head:
            node = node[int(part)] if part.isdigit() else node[part]
        if value is _DELETE:
            del node[int(last) if last.isdigit() else last]
        else:
            node[int(last) if last.isdigit() else last] = value
    return doc


_DELETE = object()

V1_CASES = [
    # (change, expected problem text)
    ({"facilities__0__capacity_schedule": 5},
     "facilities[0].capacity_schedule: must be a list of {year, capacity_tpy} steps"),
    ({"facilities__0__capacity_schedule__0__year": _DELETE},
     "facilities[0].capacity_schedule[0].year: required field is missing"),
    ({"facilities__0__capacity_schedule__0__year": "2029"},
     "facilities[0].capacity_schedule[0].year: must be a whole year, not the text '2029'"),
    ({"facilities__0__capacity_schedule__0__capacity_tpy": None},
     "facilities[0].capacity_schedule[0].capacity_tpy: must be a number, not null"),
    ({"facilities__0__capacity_schedule__0__capacity_tpy": "1000"},
     "facilities[0].capacity_schedule[0].capacity_tpy: must be a number, not the text '1000'"),
    ({"facilities__0__capacity_schedule__0__capacity_tpy": -5},
     "facilities[0].capacity_schedule[0].capacity_tpy: must be >= 0"),
    ({"facilities__0__capacity_schedule__1": 7},
     "facilities[0].capacity_schedule[1]: must be an object {year, capacity_tpy}"),
    ({"facilities__0__capacity_schedule__0__year": 10**12},
     "facilities[0].capacity_schedule[0].year: must be between 1900 and 2200"),
    ({"demands__0__tonnes": 12}, "demands[0].tonnes: must be a list of {year, t} entries"),
    ({"demands__0__tonnes__0__t": _DELETE}, "demands[0].tonnes[0].t: required field is missing"),
    ({"demands__0__tonnes__1__year": None}, "demands[0].tonnes[1].year: must be a whole year, not null"),
    ({"demands__0__tonnes__1__year": 2027}, "demands[0].tonnes[1].year: year 2027 appears twice"),
    ({"facilities": 3}, "facilities: must be a list, not the number 3"),
    ({"demands": "abc"}, "demands: must be a list, not the text 'abc'"),
    ({"settings__deminimis": "5%"}, "settings.deminimis: must be a number, not the text '5%'"),
]


@pytest.mark.parametrize("change,expected", V1_CASES, ids=[e.split(":")[0] for _, e in V1_CASES])
def test_bad_v1_files_give_located_problems(tmp_path, change, expected):
    path = write_json(tmp_path / "old.m2m.json", _v1(**change))
    assert expected in problems_of(path)


def test_all_v1_problems_are_reported_together(tmp_path):
    doc = _v1(facilities__0__capacity_schedule__0__year=_DELETE, demands__0__tonnes__0__t="x")
    found = problems_of(write_json(tmp_path / "old.m2m.json", doc))
    assert "facilities[0].capacity_schedule[0].year: required field is missing" in found
    assert "demands[0].tonnes[0].t: must be a number, not the text 'x'" in found


def test_long_v1_ramp_is_reported_in_v1_terms(tmp_path):
    doc = _v1(facilities__0__capacity_schedule=[{"year": 2000, "capacity_tpy": 1}, {"year": 2100, "capacity_tpy": 5}])
    found = problems_of(write_json(tmp_path / "old.m2m.json", doc))
    assert "facilities[0].capacity_schedule: the steps span 100 years; a ramp-up may last at most 20" in found


# ----------------------------------------------------------------- not regular files
def test_empty_path_says_so():
    assert problems_of("") == ["no file name given"]


def test_name_with_a_nul_character():
    assert problems_of("plan\x00.m2m.json") == ["cannot read: the file name contains a NUL character"]


def test_dev_zero_is_refused_without_reading_it():
    assert problems_of("/dev/zero") == ["is not a regular file (a device, pipe or socket); choose a project file"]


def test_fifo_without_writer_does_not_block(tmp_path):
    fifo = tmp_path / "pipe.m2m.json"
    os.mkfifo(fifo)
    box: dict = {}

    def run():
        try:
            load_project(fifo)
        except ProjectFileError as e:
            box["problems"] = [str(p) for p in e.problems]

    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.join(10)
    if t.is_alive():  # unblock the reader so the test process can exit
        fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
        os.close(fd)
        t.join(5)
        pytest.fail("loading a FIFO with no writer blocked")
    assert box["problems"] == ["is not a regular file (a device, pipe or socket); choose a project file"]


def test_read_is_bounded_whatever_stat_says(tmp_path, monkeypatch):
    """A file that grows after stat (or whose stat lies, as in /proc) is read at most limit + 1 bytes."""
    path = tmp_path / "big.m2m.json"
    path.write_bytes(b" " * 5000)
    monkeypatch.setattr(io, "MAX_FILE_BYTES", 1000)
    real_stat, real_fstat = os.stat, os.fstat

    class Lying:
        def __init__(self, st):
            self._st = st

        def __getattr__(self, name):
            return 0 if name == "st_size" else getattr(self._st, name)

    monkeypatch.setattr(os, "fstat", lambda fd: Lying(real_fstat(fd)))
    monkeypatch.setattr(Path, "stat", lambda self, **kw: Lying(real_stat(self)))
    assert problems_of(path) == ["file is larger than the limit of 1,000 bytes"]


def test_value_count_is_bounded_before_parsing(tmp_path, monkeypatch):
    """Memory: a 64 MiB list of zeros would be 32 million values; the count is checked first."""
    monkeypatch.setattr(io, "MAX_JSON_VALUES", 1000)
    path = tmp_path / "many.m2m.json"
    path.write_text('{"schema_version": 3, "notes": [' + ",".join(["0"] * 2000) + "]}")
    assert problems_of(path) == ["the file holds about 2,002 values (numbers, texts, lists, objects); the limit is "
                                 "1,000"]  # 2000 commas, one { and one [


# ----------------------------------------------------------------- strict types
@pytest.mark.parametrize(
    "value,expected",
    [
        ("1000", "facilities[0].capacity_tpy: must be a number, not the text '1000'"),
        (True, "facilities[0].capacity_tpy: must be a number, not true"),
        (None, "facilities[0].capacity_tpy: must be a number, not null"),
        ([1], "facilities[0].capacity_tpy: must be a number, not a list"),
    ],
)
def test_numbers_are_strict(tmp_path, teaching_doc, value, expected):
    teaching_doc["facilities"][0]["capacity_tpy"] = value
    assert expected in problems_of(write_json(tmp_path / "p.m2m.json", teaching_doc))


def test_other_strict_types(tmp_path, teaching_doc):
    teaching_doc["settings"]["start_year"] = 2026.0
    teaching_doc["facilities"][0]["chinese_technology"] = "no"
    teaching_doc["facilities"][0]["name"] = 5
    found = problems_of(write_json(tmp_path / "p.m2m.json", teaching_doc))
    assert "settings.start_year: must be a whole number, not the number 2026.0" in found
    assert "facilities[0].chinese_technology: must be true or false, not the text 'no'" in found
    assert "facilities[0].name: must be text, not the number 5" in found


def test_integers_stay_valid_for_float_fields(tmp_path, teaching_doc):
    teaching_doc["facilities"][0]["capacity_tpy"] = 1000
    project = load_project(write_json(tmp_path / "p.m2m.json", teaching_doc))
    assert project.facilities[0].capacity_tpy == 1000.0


def test_gui_assignment_stays_lax(teaching_doc):
    """Cell edits (validate_assignment) keep converting editor values: only files are strict."""
    project = parse_project_text(json.dumps(teaching_doc))
    project.facilities[0].capacity_tpy = "250"
    assert project.facilities[0].capacity_tpy == 250.0


# ----------------------------------------------------------------- located messages
def test_duplicate_key_is_located(tmp_path):
    path = tmp_path / "dup.m2m.json"
    path.write_text('{\n  "schema_version": 3,\n  "settings": {"start_year": 2026,\n    "start_year": 2027}\n}\n')
    assert problems_of(path) == ["line 4 column 5: settings: the field 'start_year' appears twice"]


def test_duplicate_key_inside_a_list_is_located(tmp_path):
    path = tmp_path / "dup.m2m.json"
    path.write_text('{"schema_version": 3, "facilities": [{"id": "a"}, {"id": "b", "name": "x", "id": "c"}]}')
    assert problems_of(path) == ["line 1 column 76: facilities[1]: the field 'id' appears twice"]


def test_huge_integer_is_located(tmp_path):
    path = tmp_path / "big.m2m.json"
    path.write_text('{"schema_version": 3,\n "settings": {"start_year": ' + "9" * 5000 + "}}")
    found = problems_of(path)
    assert found == ["line 2 column 29: settings.start_year: a number with 5000 digits is too long (at most 300)"]
    assert "set_int_max_str_digits" not in found[0]


@pytest.mark.parametrize(
    "text,expected",
    [
        ('{"schema_version": 3, "name": "a\nb"}',
         "line 1 column 33: not valid JSON: a line break inside text must be written as \\n"),
        ('{"schema_version": 3, "name": "abc',
         "line 1 column 31: not valid JSON: the text starting here is never closed with '\"'"),
        ('{"schema_version": 3, "name": "a\\qb"}', "line 1 column 33: not valid JSON: invalid escape '\\q' in text"),
        ('{"schema_version": 3,}',
         "line 1 column 22: not valid JSON: expected a field name in double quotes (a trailing comma?)"),
        ('{"schema_version": 3} x', "line 1 column 23: not valid JSON: unexpected text after the end of the document"),
    ],
)
def test_syntax_errors_read_well(tmp_path, text, expected):
    path = tmp_path / "bad.m2m.json"
    path.write_text(text)
    found = problems_of(path)
    assert found == [expected]
    assert not found[0].endswith(" at")


@pytest.mark.parametrize("codec,name", [("utf-16-le", "UTF-16 little-endian"), ("utf-16-be", "UTF-16 big-endian")])
def test_utf16_without_bom_is_named(tmp_path, teaching_doc, codec, name):
    path = tmp_path / "u16.m2m.json"
    path.write_bytes(json.dumps(teaching_doc).encode(codec))
    assert problems_of(path) == [f"the file is {name} text without a byte-order mark; save it as UTF-8"]


@pytest.mark.parametrize("codec", ["utf-16", "utf-8-sig"])
def test_text_with_a_bom_is_read(tmp_path, teaching_doc, codec):
    path = tmp_path / "bom.m2m.json"
    path.write_bytes(json.dumps(teaching_doc).encode(codec))
    assert load_project(path).name == teaching_doc["name"]


def test_bad_utf8_names_line_and_column(tmp_path):
    path = tmp_path / "latin1.m2m.json"
    path.write_bytes(b'{"schema_version": 3,\n "name": "Caf\xe9"}')
    assert problems_of(path) == ["line 2 column 14: not UTF-8 text (byte 35); save the file as UTF-8"]


@pytest.mark.parametrize("key,shown", [("", '[""]'), ("0\n", '["0\\n"]'), ("a b", '["a b"]'), ("\x85", '["\\u0085"]')])
def test_odd_field_names_are_quoted_in_locations(tmp_path, key, shown):
    """Found by the fuzz test: a field name that is empty, has a space or a line break still gets
    a readable one-line location."""
    path = tmp_path / "odd.m2m.json"
    path.write_text(json.dumps({"schema_version": 3, key: 1}))
    assert problems_of(path) == [f"{shown}: unknown field"]
