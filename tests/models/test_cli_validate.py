"""`mine2magnet validate`: exit 0 for the samples, 2 with one line per problem, never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from planner.cli import main as cli

from .conftest import ROOT, SAMPLE_PATHS, write_json

VENV_PYTHON = ROOT / ".venv" / "bin" / "python"
PYTHON = str(VENV_PYTHON) if VENV_PYTHON.exists() else sys.executable


def run_main(argv: list[str]) -> int:
    """planner.cli.main.main either returns an exit code or raises SystemExit (bad input)."""
    try:
        return cli.main(argv)
    except SystemExit as e:
        return int(e.code)


def run_subprocess(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [PYTHON, "-m", "planner.cli", *args], cwd=ROOT, capture_output=True, text=True, timeout=120,
    )


@pytest.fixture
def broken(tmp_path, teaching_doc) -> Path:
    """The teaching chain with exactly two problems."""
    teaching_doc["facilities"][3]["capacity_tpy"] = -1
    teaching_doc["markets"][0]["origin_country"] = "XX"
    return write_json(tmp_path / "broken.m2m.json", teaching_doc)


# by the thing's name and the field's label, the raw location in brackets, the value as found
EXPECTED_BROKEN = [
    "Facility 'Teaching NdFeB magnet plant (Texas)' (facilities[3]): capacity (t/yr) must be >= 0, found -1",
    "Market 'China NdFeB magnets' (markets[0]), origin country: unknown ISO 3166 alpha-2 country code 'XX'",
]


@pytest.mark.parametrize("path", SAMPLE_PATHS, ids=lambda p: p.name)
def test_validate_samples_in_process(path, capsys):
    assert run_main(["validate", str(path)]) == 0
    out = capsys.readouterr().out
    assert f"{path}: valid (" in out


def test_validate_broken_in_process(broken, capsys):
    assert run_main(["validate", str(broken)]) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert lines == [f"{broken}: {msg}" for msg in EXPECTED_BROKEN]
    assert "Traceback" not in captured.err + captured.out


@pytest.mark.parametrize("path", SAMPLE_PATHS, ids=lambda p: p.name)
def test_validate_samples_subprocess(path):
    proc = run_subprocess("validate", str(path))
    assert proc.returncode == 0, proc.stderr
    assert "valid (" in proc.stdout
    assert "Traceback" not in proc.stderr


def test_validate_broken_subprocess(broken):
    proc = run_subprocess("validate", str(broken))
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [f"{broken}: {msg}" for msg in EXPECTED_BROKEN]
    assert "Traceback" not in proc.stderr and proc.stdout == ""


@pytest.mark.parametrize(
    "content, expected",
    [
        (b"", "file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\xff", "line 1 column 1: not UTF-8 text (byte 0)"),
        (b'{"schema_version": 2, "name": ', "not valid JSON"),
    ],
    ids=["empty", "binary", "truncated"],
)
def test_validate_unreadable_files_subprocess(tmp_path, content, expected):
    path = tmp_path / "bad.m2m.json"
    path.write_bytes(content)
    proc = run_subprocess("validate", str(path))
    assert proc.returncode == 2
    (line,) = proc.stderr.strip().splitlines()
    assert line.startswith(f"{path}: ") and expected in line
    assert "Traceback" not in proc.stderr


def test_validate_missing_file(tmp_path, capsys):
    assert run_main(["validate", str(tmp_path / "nope.json")]) == 2
    assert capsys.readouterr().err.strip() == f"{tmp_path / 'nope.json'}: file not found"
