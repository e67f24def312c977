"""The corpus of nasty real-world project files (tests/corpus/): each must give exactly the stored
message(s) and exit code from ``mine2magnet validate`` (tests/corpus/expected.json says why each
file is there). Add a file: put it in tests/corpus/ and its expected answer in expected.json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .fuzz_contract import run_cli

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
EXPECTED = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))


def test_every_corpus_file_has_an_expectation():
    files = {p.name for p in CORPUS.iterdir() if p.name != "expected.json"}
    assert files == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_file_gives_its_message(name):
    path = CORPUS / name
    code, out, err = run_cli(["validate", str(path)])
    expected = EXPECTED[name]
    assert code == expected["exit"], err
    assert "Traceback" not in err
    if code == 0:
        assert out.startswith(f"{path}: valid (")
    # exit 2: the problems; exit 0: the warnings (e.g. a scenario under which a facility never runs)
    assert [line[len(f"{path}: "):] for line in err.splitlines() if line.strip()] == expected["messages"]
