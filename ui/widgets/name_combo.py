"""A picker of things planners name themselves (scenarios): its width does not follow the longest
name. A QComboBox sized to its contents made a 170-character scenario name the minimum width of the
Solve dock (1,140 px) and of the Risk tab, and the window squeezed everything else for it."""

from __future__ import annotations

from typing import Any, Iterable

from PySide6.QtWidgets import QComboBox, QStyle, QWidget

NAME_CHARS = 24  # the width of the closed picker: about this many average characters
POPUP_MAX_PX = 640  # the open list shows names whole up to this width


def refill(combo: QComboBox, items: Iterable[tuple[str, Any]]) -> None:
    """Replace ``combo``'s items with ``(text, data)`` pairs without emitting signals, keeping the
    current choice (by data) when it is still there, else the first item; a NameCombo is refitted."""
    current = combo.currentData()
    combo.blockSignals(True)
    combo.clear()
    for text, data in items:
        combo.addItem(text, data)
    combo.setCurrentIndex(max(0, combo.findData(current)))
    combo.blockSignals(False)
    if isinstance(combo, NameCombo):
        combo.refit()


class NameCombo(QComboBox):
    """A combo box about ``chars`` characters wide whatever its items; the open list is as wide as
    the longest name (up to ``POPUP_MAX_PX``) and the tooltip gives the chosen name in full.
    Call ``refit()`` after filling it."""

    def __init__(self, help_text: str = "", chars: int = NAME_CHARS, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.help_text = help_text
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(chars)
        self.currentIndexChanged.connect(self._update_tooltip)
        self._update_tooltip()

    def refit(self) -> None:
        """Widen the open list to the longest item: text width (the list's font) + 24 px of item
        margins + frame + scroll bar, at most ``POPUP_MAX_PX``."""
        view = self.view()
        fm = view.fontMetrics()
        widest = max((fm.horizontalAdvance(self.itemText(i)) for i in range(self.count())), default=0)
        extra = 24 + 2 * view.frameWidth() + self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        view.setMinimumWidth(min(POPUP_MAX_PX, widest + extra))
        self._update_tooltip()

    def _update_tooltip(self, *_args: object) -> None:
        name = self.currentText()
        self.setToolTip("\n".join(t for t in (name, self.help_text) if t))
