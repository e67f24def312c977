"""Issue 25 (hardening round two), command line: outputs that would destroy an input (class 4),
the plan file of ``risk --plan`` (class 6), the whole solve's time limit (class 10), cluster
addresses (class 11) and the smaller ones (class 12)."""

from __future__ import annotations

import json
import os
import shutil

import pytest

from planner.cli.main import main

from .helpers import TEACHING


def run(argv: list[str], capsys) -> tuple[int, str, str]:
    try:
        code = main(argv)
    except SystemExit as e:
        code = int(e.code)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def project(tmp_path):
    path = tmp_path / "chain.m2m.json"
    shutil.copyfile(TEACHING, path)
    return path


# ------------------------------------------------------------------ class 4
@pytest.mark.parametrize("option", ["--json", "--xlsx", "--write-mps", "--write-lp"])
def test_class4_solve_refuses_to_write_over_its_project(project, option, capsys):
    before = project.read_bytes()
    code, out, err = run(["solve", str(project), option, str(project)], capsys)
    assert code == 2
    assert err.strip() == (f"mine2magnet: {option} {project}: that is the project file {project}, an input of this "
                           "command; writing there would destroy it. Choose another output file")
    assert project.read_bytes() == before
    assert sorted(p.name for p in project.parent.iterdir()) == ["chain.m2m.json"]  # no .bak, no temp file


def test_class4_a_symlink_or_hard_link_to_the_project_is_the_project(project, capsys):
    link = project.parent / "out.json"
    link.symlink_to(project)
    hard = project.parent / "hard.json"
    os.link(project, hard)
    before = project.read_bytes()
    for out_path in (link, hard):
        code, out, err = run(["solve", str(project), "--json", str(out_path)], capsys)
        assert code == 2 and "an input of this command" in err
    relative = os.path.relpath(project)
    code, out, err = run(["scenarios", str(project), "--xlsx", relative], capsys)
    assert code == 2 and "an input of this command" in err
    assert project.read_bytes() == before


def test_class4_risk_refuses_to_write_over_its_plan(project, tmp_path, capsys):
    plan = tmp_path / "plan.json"
    plan.write_text('{"status": "optimal", "investments": []}', encoding="utf-8")
    code, out, err = run(["risk", str(project), "-n", "2", "--plan", str(plan), "--json", str(plan)], capsys)
    assert code == 2
    assert f"--json {plan}: that is the plan (--plan) {plan}, an input of this command" in err
    assert plan.read_text(encoding="utf-8") == '{"status": "optimal", "investments": []}'


def test_class4_two_outputs_on_one_file_are_refused(project, tmp_path, capsys):
    out_path = tmp_path / "out"
    code, out, err = run(["solve", str(project), "--json", str(out_path), "--xlsx", str(out_path)], capsys)
    assert code == 2
    assert err.strip() == f"mine2magnet: --json and --xlsx name the same file {out_path}; give each output its own file"
    assert not out_path.exists()


# ------------------------------------------------------------------ class 12 (output names)
@pytest.mark.parametrize("command", [["solve"], ["scenarios"], ["risk", "-n", "2"]])
def test_class12_an_empty_output_name_is_refused(project, command, capsys):
    code, out, err = run([command[0], str(project), *command[1:], "--json", ""], capsys)
    assert code == 2
    assert err.strip() == "mine2magnet: --json: no file name given"
