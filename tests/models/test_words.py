"""Counts in user text agree in number (no "problem(s)")."""

from models.io import ProjectFileError
from models.validation import Problem
from models.words import plural


def test_plural_by_hand():
    assert plural(1, "option") == "1 option"
    assert plural(0, "option") == "0 options"
    assert plural(2, "facility-year") == "2 facility-years"
    assert plural(1_500, "sample") == "1,500 samples"
    assert plural(3, "child", "children") == "3 children"


def test_a_file_error_counts_in_words():
    assert str(ProjectFileError("p.json", [Problem("a", "bad")])).startswith("p.json: 1 problem\n")
    assert str(ProjectFileError("p.json", [Problem("a", "x"), Problem("b", "y")])).startswith("p.json: 2 problems\n")
