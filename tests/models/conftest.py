"""Shared fixtures for the models tests: sample paths and a small JSON-document factory."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "sample_projects"
REAL = SAMPLES / "us_allied_mine_to_magnet.m2m.json"
TEACHING = SAMPLES / "teaching_chain.m2m.json"
SAMPLE_PATHS = [REAL, TEACHING]


@pytest.fixture
def teaching_doc() -> dict:
    """The teaching chain as plain JSON data (a fresh copy per test, safe to mutate)."""
    return json.loads(TEACHING.read_text(encoding="utf-8"))


def write_json(path: Path, data: dict) -> Path:
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return path
