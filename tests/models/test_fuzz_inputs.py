"""Property-based fuzz test of the input contract: exit 0 or a located error with exit 2,
never a traceback, never a hang (SIGALRM per case).

CI runs a bounded, derandomised number of examples (M2M_FUZZ_EXAMPLES, default 150 per strategy);
``python bench/fuzz_inputs.py`` runs thousands with fresh random seeds.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from .fuzz_contract import (
    check_solve,
    check_validate,
    mutated_bytes,
    mutated_documents,
    mutated_v1_documents,
    random_documents,
    scenario_and_lever_documents,
)

pytestmark = pytest.mark.skipif(os.name != "posix", reason="per-case timeout uses SIGALRM")

EXAMPLES = int(os.environ.get("M2M_FUZZ_EXAMPLES", "150"))
LONG = os.environ.get("M2M_FUZZ_LONG") == "1"
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=not LONG,  # CI: the same examples every run; the long run explores
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _write(data: bytes) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="m2m_fuzz_"))
    path = folder / "fuzz.m2m.json"
    path.write_bytes(data)
    return path


def _cleanup(path: Path) -> None:
    for p in path.parent.iterdir():
        p.unlink()
    path.parent.rmdir()


@FUZZ
@given(mutated_documents)
def test_mutated_valid_documents(doc):
    path = _write(json.dumps(doc).encode("utf-8"))
    try:
        check_validate(path)
    finally:
        _cleanup(path)


@FUZZ
@given(mutated_v1_documents())
def test_mutated_version_1_documents(doc):
    path = _write(json.dumps(doc).encode("utf-8"))
    try:
        check_validate(path)
    finally:
        _cleanup(path)


@FUZZ
@given(random_documents)
def test_random_json(doc):
    path = _write(json.dumps(doc).encode("utf-8"))
    try:
        check_validate(path)
    finally:
        _cleanup(path)


@FUZZ
@given(mutated_bytes())
def test_mutated_bytes(raw):
    path = _write(raw)
    try:
        check_validate(path)
    finally:
        _cleanup(path)


@settings(FUZZ, max_examples=max(5, EXAMPLES // 4))
@given(mutated_documents)
def test_mutated_documents_solve_or_refuse(doc):
    """Whatever validates also solves (exit 0/1) without a traceback; the rest exits 2."""
    path = _write(json.dumps(doc).encode("utf-8"))
    try:
        check_solve(path)
    finally:
        _cleanup(path)


@settings(FUZZ, max_examples=max(3, EXAMPLES // 15))
@given(mutated_documents)
def test_mutated_documents_scenarios_and_risk(doc):
    """``scenarios`` and a two-sample serial ``risk`` keep the same contract."""
    path = _write(json.dumps(doc).encode("utf-8"))
    try:
        check_solve(path, command=("scenarios",))
        check_solve(path, command=("risk", "-n", "2", "--workers", "1"))
    finally:
        _cleanup(path)


@FUZZ
@given(scenario_and_lever_documents())
def test_scenario_overrides_and_levers_validate_or_refuse(doc):
    """Random scenario overrides and lever sections: validate exits 0 or 2 with located problems."""
    path = _write(json.dumps(doc).encode("utf-8"))
    try:
        check_validate(path)
    finally:
        _cleanup(path)


@settings(FUZZ, max_examples=max(5, EXAMPLES // 5))
@given(scenario_and_lever_documents())
def test_scenario_overrides_and_levers_solve_or_refuse(doc):
    """Whatever validates also solves under each of its scenarios (exit 0/1), writes its model file,
    or exits 2; never a traceback."""
    path = _write(json.dumps(doc).encode("utf-8"))
    try:
        if check_validate(path) == 0:
            for s in doc["scenarios"]:
                check_solve(path, command=("solve", "--scenario", s["id"], "--write-mps", str(path.parent / "m.mps")))
    finally:
        _cleanup(path)
