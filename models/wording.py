"""Counts in plain English: "1 option", "2 options", never "option(s)".

    count(1, "option")            -> "1 option"
    count(3, "facility", "facilities") -> "3 facilities"
    count(1_250, "sample")        -> "1,250 samples"

Used by every message that states how many of something there are (the app, the command line).
"""

from __future__ import annotations


def plural(n: int | float, word: str, plural_word: str | None = None) -> str:
    """``word`` when ``n`` is exactly one, else its plural (``plural_word``, or ``word`` + "s")."""
    return word if n == 1 else (plural_word or word + "s")


def count(n: int | float, word: str, plural_word: str | None = None) -> str:
    """'1 option', '2 options', '1,250 samples' (thousands separated, whole numbers)."""
    return f"{n:,.0f} {plural(n, word, plural_word)}"
