"""A word-wrapped label that is never given less height than its wrapped text needs.

A word-wrapped QLabel tells its height only through height-for-width, and not every layout asks:
in the inspector (a QFormLayout row inside a scroll area) a refusal of eight lines at the field's
220 px got the four lines its size hint asked for at 480 px, and was clipped top and bottom.
``WrappedLabel`` sets its own minimum height to its text's height at its current width whenever
its text or width changes, and a minimum height every layout keeps. The height is measured as
QLabel lays out plain text (QFontMetrics.boundingRect with word wrap at the width inside its
margins), not with ``heightForWidth``, which never answers less than the minimum height already
set (a label made wider again would keep the height it had when narrow). Plain text only.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget


class WrappedLabel(QLabel):
    """A QLabel with word wrap whose minimum height follows its text's height at its width."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(True)
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self._fit()

    def setText(self, text: str) -> None:  # noqa: N802 (Qt name)
        super().setText(text)
        self._fit()

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        self._fit()

    def needed_height(self, width: int | None = None) -> int:
        """px the text needs when the label is ``width`` px wide (default: its width now)."""
        if not self.text():
            return 0
        m = self.contentsMargins()
        inner = (self.width() if width is None else width) - m.left() - m.right() - 2 * self.margin()
        flags = int(self.alignment()) | int(Qt.TextFlag.TextWordWrap)
        text = self.fontMetrics().boundingRect(QRect(0, 0, max(1, inner), 1_000_000), flags, self.text())
        return text.height() + m.top() + m.bottom() + 2 * self.margin()

    def _fit(self) -> None:
        height = self.needed_height()
        if height != self.minimumHeight():
            self.setMinimumHeight(height)
