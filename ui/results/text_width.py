"""Column widths from text without measuring every cell (results tables).

A table of a large plan has thousands of rows; measuring each cell in pixels
(ResizeToContents, resizeColumnToContents) stalled the window for 16-250 ms. Only the
``WIDEST_CANDIDATES`` longest strings by characters are measured: the widest in pixels is
almost always among them.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtGui import QFontMetrics

#: the longest strings (by characters) of a column that are measured in pixels
WIDEST_CANDIDATES = 12


def widest_text_px(fm: QFontMetrics, texts: Iterable[str], pad: int = 0) -> int:
    """Pixel width of the widest of ``texts`` (measuring only the longest few), plus ``pad``;
    0 when there are none."""
    longest = sorted(set(texts), key=len)[-WIDEST_CANDIDATES:]
    return max((fm.horizontalAdvance(x) + pad for x in longest), default=0)
