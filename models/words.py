"""Words for counts in user text: "1 problem", "2 problems" (never "problem(s)")."""

from __future__ import annotations


def plural(n: int, word: str, many: str | None = None) -> str:
    """``n`` and ``word`` agreeing in number: plural(1, "option") -> "1 option", plural(3, "option")
    -> "3 options", plural(2, "facility-year", "facility-years"); ``many`` for irregular plurals."""
    return f"{n:,} {word if n == 1 else (many or word + 's')}"
