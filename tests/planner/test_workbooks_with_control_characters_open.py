"""Control characters in any text that reaches a workbook (project name,
facility names, source URLs, scenario names) give a file that opens; the tests reopen it with
openpyxl and parse every XML part of the .xlsx as Excel would."""

from __future__ import annotations

import copy
import json
import zipfile
from xml.etree import ElementTree

import openpyxl
import pytest

from tests.models.fuzz_contract import TEACHING_DOC, run_cli

CONTROL = "".join(chr(c) for c in range(1, 32) if chr(c) not in "\t\n\r")  # what XML 1.0 cannot hold


def _hostile_project(tmp_path, where: str):
    doc = copy.deepcopy(TEACHING_DOC)
    if where == "name":
        doc["name"] = f"Chain{CONTROL}name"
    elif where == "url":
        doc["facilities"][0]["sources"] = [{"url": "https://example.com/a\u0001b c", "supports": "x"}]
    elif where == "facility":
        doc["facilities"][0]["name"] = "Mine\u0003\u001f"
    elif where == "scenario":
        doc["scenarios"] = [{"id": "s1", "name": "Cut\u0001", "overrides": []}]
    path = tmp_path / "p.m2m.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def _reopen(xlsx):
    with zipfile.ZipFile(xlsx) as z:
        for name in z.namelist():
            if name.endswith((".xml", ".rels")):
                ElementTree.fromstring(z.read(name))  # raises on a character XML cannot hold
    return openpyxl.load_workbook(xlsx)


@pytest.mark.parametrize("where", ["name", "url", "facility", "scenario"])
def test_control_characters_give_a_workbook_that_opens(tmp_path, where):
    path = _hostile_project(tmp_path, where)
    for command in ("solve", "scenarios"):
        xlsx = tmp_path / f"{command}.xlsx"
        code, out, err = run_cli([command, str(path), "--xlsx", str(xlsx)])
        assert code == 0, err
        wb = _reopen(xlsx)
        assert "Summary" in wb.sheetnames or "Scenario comparison" in wb.sheetnames


def test_the_title_and_the_link_keep_their_meaning(tmp_path):
    """Illegal characters become U+FFFD in text; in a link target they are percent-encoded."""
    path = _hostile_project(tmp_path, "name")
    xlsx = tmp_path / "plan.xlsx"
    assert run_cli(["solve", str(path), "--xlsx", str(xlsx)])[0] == 0
    assert _reopen(xlsx).properties.title == "mine2magnet plan: Chain" + "\ufffd" * len(CONTROL) + "name"
    path = _hostile_project(tmp_path, "url")
    assert run_cli(["solve", str(path), "--xlsx", str(xlsx)])[0] == 0
    wb = _reopen(xlsx)
    links = [c.hyperlink.target for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.hyperlink]
    assert "https://example.com/a%01b%20c" in links
