"""One way to write a command's report files: --json and --xlsx of stress, robust and sweep."""

from __future__ import annotations

import json

import pytest

from planner.analysis.risk import RiskRunError
from planner.cli.common import EXIT_BAD_INPUT, EXIT_FAILED, EXIT_OK
from planner.cli.outputs import run_analysis, where_ran, write_json, write_workbook
from planner.progress import SolveState
from planner.reports.xlsx import ReportWriteError


def test_json_is_written_and_said(tmp_path, capsys):
    path = tmp_path / "report.json"
    assert write_json(path, json.dumps({"a": 1})) == EXIT_OK
    assert json.loads(path.read_text(encoding="utf-8")) == {"a": 1}
    assert capsys.readouterr().out == f"wrote {path}\n"


def test_json_that_cannot_be_written_fails_the_command_with_the_reason(tmp_path, capsys):
    path = tmp_path / "no such folder" / "report.json"
    assert write_json(path, "{}") == EXIT_FAILED
    err = capsys.readouterr().err
    assert err.startswith(f"mine2magnet: cannot write {path}: ") and "No such file" in err
    assert not path.exists()


def test_nothing_asked_nothing_written(capsys):
    assert write_json(None, "{}") == EXIT_OK
    assert write_workbook(None, lambda: 1 / 0) == EXIT_OK  # the writer is not even called
    assert capsys.readouterr() == ("", "")


def test_a_workbook_error_is_told_in_its_own_words(tmp_path, capsys):
    def refuse() -> None:
        raise ReportWriteError("plan.xlsx", "it is open in another program")

    assert write_workbook(tmp_path / "plan.xlsx", refuse) == EXIT_FAILED
    assert capsys.readouterr().err == "mine2magnet: cannot write workbook plan.xlsx: it is open in another program\n"


def test_stepped_progress_prints_once_per_step(capsys):
    """Steps of 1/4: 0.0 (step 0), 0.1 (still 0), 0.25 (1), 0.3 (1), 0.6 (2), 1.0 (4) -> 4 lines."""
    from planner.cli.outputs import stepped_progress

    on_progress = stepped_progress(4)
    for fraction in (0.0, 0.1, 0.25, 0.3, 0.6, 1.0):
        on_progress(fraction, f"{fraction:.2f} done")
    assert capsys.readouterr().err == "  0.00 done\n  0.25 done\n  0.60 done\n  1.00 done\n"


def test_an_analysis_run_returns_its_report():
    assert run_analysis(SolveState(), lambda: "report") == ("report", EXIT_OK)


def test_bad_input_found_while_running_is_told_and_exits_2(capsys):
    def run():
        raise RiskRunError("no scenario 'chna_cut'")

    assert run_analysis(SolveState(), run) == (None, EXIT_BAD_INPUT)
    assert capsys.readouterr().err == "mine2magnet: no scenario 'chna_cut'\n"


def test_ctrl_c_asks_the_workers_to_stop_and_goes_on():
    state = SolveState()

    def run():
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_analysis(state, run)
    assert state.cancel_requested


def test_where_the_runs_went_is_said_in_words():
    assert where_ran(None, 1) == "1 worker"
    assert where_ran(None, 2) == "2 workers"
    assert where_ran("tls://10.0.0.5:8786", 2) == "scheduler tls://10.0.0.5:8786"
