"""A one-line label that shortens its text with "..." (full text in its tooltip) instead of
widening its parent: its width never moves a layout (risk cards, the export status line).

Its horizontal size policy is Ignored, so a layout may give it any width, down to none. Given a
fixed width (``setFixedWidth``, the export confirmations) it becomes Fixed: a layout treats an
Ignored item's size hint as 0 px, and the label, held at its fixed width all the same, was drawn
over the widgets the layout had placed beside it ("Saved <path>" under the Export buttons).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget


class ElidedLabel(QLabel):
    """A one-line label that shortens its text with "…" instead of widening its parent.

    ``elide``: where the "…" goes; ``Qt.TextElideMode.ElideMiddle`` keeps the end of the text (a
    saved file's name at the end of its path)."""

    def __init__(self, text: str = "", parent: QWidget | None = None,
                 elide: Qt.TextElideMode = Qt.TextElideMode.ElideRight) -> None:
        super().__init__(parent)
        self._full = ""
        self._elide_mode = elide
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setText(text)

    def setFixedWidth(self, width: int) -> None:  # noqa: N802 (Qt name)
        """A fixed width the layout keeps free beside the label (policy Fixed, not Ignored)."""
        super().setFixedWidth(width)
        policy = self.sizePolicy()
        policy.setHorizontalPolicy(QSizePolicy.Policy.Fixed)
        self.setSizePolicy(policy)

    def setText(self, text: str) -> None:  # noqa: N802 (Qt name)
        self._full = text
        self.setToolTip(text if text else "")
        self._elide()

    def full_text(self) -> str:
        return self._full

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        if self.wordWrap():  # wrapping instead (the card's figure, when too long for one line)
            super().setText(self._full)
            return
        width = max(10, self.width() - 2)
        super().setText(self.fontMetrics().elidedText(self._full, self._elide_mode, width))
