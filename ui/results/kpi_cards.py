"""KPI cards: a small title, one large figure and a line of detail."""

from __future__ import annotations

import re

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QFontMetrics, QResizeEvent
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from ui.results.summary import Kpis, ProductKpi, material_label, short_label

GOOD, WARN, BAD, NEUTRAL = "#1b7a3d", "#9a6700", "#b3261e", "#1d2733"


class KpiCard(QFrame):
    """Title (small, grey), value (large, bold, coloured), detail (small)."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("kpiCard")
        self.setStyleSheet(
            "QFrame#kpiCard { background: #ffffff; border: 1px solid #d9dde3; border-radius: 6px; }"
            " QLabel { border: none; background: transparent; }"
        )
        # equal widths in a row whatever the text: the layout shares space by stretch only
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.setMinimumWidth(180)
        self.title_label = QLabel(title)
        self.title_label.setStyleSheet("color: #5b6570; font-size: 9pt;")
        self.title_label.setWordWrap(True)
        self.colour = NEUTRAL
        self.value_label = QLabel("—")
        self.value_label.setStyleSheet(f"color: {NEUTRAL}; font-size: 17pt; font-weight: 600;")
        self.detail_label = QLabel("")
        self.detail_label.setStyleSheet("color: #5b6570; font-size: 9pt;")
        self.detail_label.setWordWrap(True)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(12, 8, 12, 8)
        lay.setSpacing(2)
        lay.addWidget(self.title_label)
        lay.addWidget(self.value_label)
        lay.addWidget(self.detail_label)
        lay.addStretch(1)

    def set(self, title: str, value: str, detail: str = "", colour: str = NEUTRAL) -> None:
        self.title_label.setText(title)
        self.value_label.setText(value)
        if colour != self.colour:  # re-polishing a style sheet is slow: only when it changes
            self.colour = colour
            self.value_label.setStyleSheet(f"color: {colour}; font-size: 17pt; font-weight: 600;")
        self.detail_label.setText(detail)
        self.setToolTip(f"{title}: {value}")
        self.updateGeometry()

    def needed_width(self) -> int:
        """Width (px) at which every line of the title, value and detail fits unwrapped."""
        widest = 0
        for label in (self.title_label, self.value_label, self.detail_label):
            label.ensurePolished()  # the style sheet's font size applies from here
            fm = QFontMetrics(label.font())
            text = re.sub(r"<[^>]+>", "", label.text().replace("<br>", "\n"))
            for line in text.split("\n"):
                widest = max(widest, fm.horizontalAdvance(line))
        m = self.layout().contentsMargins()
        return widest + m.left() + m.right() + 2 * self.frameWidth() + 6


class KpiGrid(QWidget):
    """The KPI cards in a grid of equal columns that adapts to the width.

    It uses as many columns as fit the widest card's text (``KpiCard.needed_width``), choosing only
    counts that leave no card alone on a row (5 cards: one row of 5 or 3 + 2; 4 cards: 4 or 2 + 2).
    Call ``set_shown`` to show or hide a card and ``relayout`` after the cards' texts change.
    """

    SPACING = 8

    def __init__(self, cards: list[KpiCard], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.cards = list(cards)
        self._shown = {id(c): True for c in self.cards}
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setSpacing(self.SPACING)
        self.columns = 0
        self._placed: list[KpiCard] = []
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        for c in self.cards:
            c.installEventFilter(self)
            # cards of a row take the row's height (text stays at the top: the card ends in a stretch)
            c.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Minimum)
        self.relayout()

    def shown_cards(self) -> list[KpiCard]:
        return [c for c in self.cards if self._shown[id(c)]]

    def set_shown(self, card: KpiCard, shown: bool) -> None:
        if self._shown[id(card)] != shown:
            self._shown[id(card)] = shown
            self.relayout(force=True)

    @staticmethod
    def column_choices(n: int) -> list[int]:
        """Column counts (most first) that leave no card alone on a row: 5 -> [5, 3], 4 -> [4, 2]."""
        if n <= 2:
            return [max(n, 1)]
        return [c for c in range(n, 1, -1) if n % c != 1]

    def columns_for(self, width: int) -> int:
        cards = self.shown_cards()
        need = max((c.needed_width() for c in cards), default=0)
        choices = self.column_choices(len(cards))
        for c in choices:
            if (width - self.SPACING * (c - 1)) / c >= need:
                return c
        return choices[-1]

    def relayout(self, force: bool = False) -> None:
        cards = self.shown_cards()
        cols = self.columns_for(self.width() if self.width() > 0 else 1400)
        if not force and cols == self.columns and cards == self._placed:
            return
        for c in self.cards:
            self.grid.removeWidget(c)
        for i in range(self.grid.columnCount()):
            self.grid.setColumnStretch(i, 0)
        for k, c in enumerate(cards):
            self.grid.addWidget(c, k // cols, k % cols)
            c.show()
        for c in self.cards:
            if not self._shown[id(c)]:
                c.hide()
        for i in range(cols):
            self.grid.setColumnStretch(i, 1)
        self.columns, self._placed = cols, cards
        self.updateGeometry()

    def rows(self) -> list[list[KpiCard]]:
        """The cards row by row as placed (tests)."""
        cols = max(1, self.columns)
        cards = self._placed
        return [cards[i:i + cols] for i in range(0, len(cards), cols)]

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self.relayout()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.LayoutRequest and obj in self.cards:
            self.relayout()
        return False


def format_musd(v: float | None) -> str:
    return "—" if v is None else f"${v:,.1f} M"


def format_t(v: float) -> str:
    """Tonnes: whole tonnes from 100 t, one decimal below."""
    return f"{v:,.0f} t" if abs(v) >= 100 else f"{v:,.1f} t"


def format_share(v: float | None) -> str:
    return "—" if v is None else f"{100 * v:.1f} %"


def product_card_text(k: ProductKpi) -> tuple[str, str, str, str]:
    """(title, value, detail, colour) of a product card in the KPI year.

    Value: the compliant (clean) share of defense deliveries — what 10 U.S.C. 4872 is about;
    detail: the clean share of all deliveries (ComplianceRow) and unmet t of total demand.
    """
    if k.demand_t <= 1e-9:
        return (f"{short_label(k.product)} {k.year}", "no demand",
                f"No {material_label(k.product)} demand in {k.year}.", NEUTRAL)
    if k.defense_demand_t > 1e-9:
        title = f"{short_label(k.product)} {k.year} · defense compliant"
        share = k.defense_clean_share
    else:
        title = f"{short_label(k.product)} {k.year} · compliant"
        share = k.clean_share
    value = format_share(share) if share is not None else "none delivered"
    whose = "of defense tonnes delivered" if k.defense_demand_t > 1e-9 else "of tonnes delivered"
    lines = [whose, f"All segments {format_share(k.clean_share)} clean"]
    c_demand, c_unmet = k.demand_t - k.defense_demand_t, k.unmet_t - k.defense_unmet_t
    for label, u, d in (("Defense", k.defense_unmet_t, k.defense_demand_t), ("Commercial", c_unmet, c_demand)):
        if d <= 1e-9:
            continue
        text = f"{label} unmet {format_t(u)} of {format_t(d)}"
        lines.append(f"<span style='color:{BAD}; font-weight:600'>{text}</span>" if u > 1e-6 else text)
    if k.defense_covered_origin:
        lines.append(f"<span style='color:{BAD}; font-weight:600'>Covered origin in defense supply</span>")
    colour = GOOD
    if k.defense_covered_origin or share is None:
        colour = BAD
    elif share < 1 - 1e-6 or k.defense_unmet_t > 1e-6:
        colour = WARN
    return title, value, "<br>".join(lines), colour


def cost_cards_text(k: Kpis) -> list[tuple[str, str, str, str]]:
    """(title, value, detail, colour) for the total cost and capex cards."""
    parts = []
    for label, u in (("Defense", k.defense_unmet_total_t), ("Commercial", k.unmet_total_t - k.defense_unmet_total_t)):
        text = f"{label} unmet, all years: {format_t(u)}"
        parts.append(f"<span style='color:{BAD}; font-weight:600'>{text}</span>" if u > 1e-6 else text)
    unmet = "<br>".join(parts)
    if k.revenue_musd is not None and k.net_cost_musd is not None:  # outside buyers: net cost beside the gross
        unmet = (f"Net of outside sales {format_musd(k.net_cost_musd)} (revenue {format_musd(k.revenue_musd)})"
                 f"<br>{unmet}")
    plural = "s" if k.n_investments != 1 else ""
    return [
        ("Total cost (discounted)", format_musd(k.total_cost_musd), f"Excl. the unmet-demand penalty<br>{unmet}",
         NEUTRAL),
        ("Capex (discounted)", format_musd(k.capex_musd),
         f"Net of end-of-horizon salvage<br>{k.n_investments} investment{plural},"
         f"<br>${k.capex_committed_musd:,.1f} M undiscounted", NEUTRAL),  # short lines: 5 cards fit one row sooner
    ]


def government_card_text(result) -> tuple[str, str, str, str]:
    """(title, value, detail, colour) of the cost-to-government card: cost_breakdown_musd's
    government figure (discounted), industry's share, and the number of lever lines."""
    b = result.cost_breakdown_musd
    gov, ind = b.get("government"), b.get("industry")
    if gov is None:
        return "Cost to government", "—", "This result has no payer split.", NEUTRAL
    kinds = {x.kind for x in result.levers}
    detail = f"Industry pays {format_musd(ind)}<br>"
    detail += f"{len(result.levers)} lever lines, {len(kinds)} kinds" if kinds else "No contracts or levers"
    return "Cost to government (discounted)", format_musd(gov), detail, NEUTRAL
