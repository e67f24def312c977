"""Counts read as English: one helper for every "1 option" / "2 options" of the app and CLI."""

from __future__ import annotations

from models.wording import count, plural


def test_one_is_singular_everything_else_plural():
    assert count(1, "option") == "1 option"
    assert count(0, "warning") == "0 warnings"
    assert count(2, "error") == "2 errors"
    assert count(1_250, "sample") == "1,250 samples"
    assert count(3, "facility", "facilities") == "3 facilities"
    assert count(1, "facility", "facilities") == "1 facility"
    assert plural(1.0, "scenario") == "scenario" and plural(1.5, "tonne") == "tonnes"
