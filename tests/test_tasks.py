"""tasks.py test: every test but the timing ones first, then the timing ones serially, then the
layer check and ruff; the command fails when any of the four fails."""

from __future__ import annotations

import pytest

import tasks


@pytest.mark.parametrize("codes, expected", [
    ((0, 0, 0, 0), 0),
    ((1, 0, 0, 0), 1),  # a test failed in the first step
    ((0, 1, 0, 0), 1),  # a timing test failed
    ((0, 0, 1, 0), 1),  # a layer contract broken
    ((0, 0, 0, 1), 1),  # a ruff finding
    ((5, 0, 0, 0), 0),  # the selection held only timing tests
    ((0, 5, 0, 0), 0),  # the selection held no timing test
    ((5, 5, 0, 0), 5),  # nothing selected at all
])
def test_the_test_command_runs_two_steps_and_fails_when_either_fails(monkeypatch, codes, expected):
    calls = []

    def fake_call(cmd, **kwargs):
        calls.append(cmd)
        return codes[len(calls) - 1]

    monkeypatch.setattr(tasks.subprocess, "call", fake_call)
    assert tasks.run_tests(["-x", "tests/ui"], {}) == expected
    first, second, lint, style = calls
    assert first[-4:] == ["-m", "not timing", "-x", "tests/ui"]
    assert second[-4:] == ["-m", "timing", "-x", "tests/ui"] and "-n" not in second  # serial
    assert lint[0].endswith("lint-imports")
    assert style[0].endswith("ruff") and style[1:] == ["check", "."]  # the whole tree, not only the test paths


def test_the_timing_marker_is_registered():
    import tomllib

    markers = tomllib.loads((tasks.ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]["markers"]
    assert any(m.startswith("timing:") for m in markers)
