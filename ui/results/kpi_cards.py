"""KPI cards: a small title, one large figure and a line of detail."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QLabel, QSizePolicy, QVBoxLayout, QWidget

from ui.results.summary import Kpis, ProductKpi, material_label

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
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.title_label = QLabel(title)
        self.title_label.setStyleSheet("color: #5b6570; font-size: 9pt;")
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

    def set(self, title: str, value: str, detail: str = "", colour: str = NEUTRAL) -> None:
        self.title_label.setText(title)
        self.value_label.setText(value)
        if colour != self.colour:  # re-polishing a style sheet is slow: only when it changes
            self.colour = colour
            self.value_label.setStyleSheet(f"color: {colour}; font-size: 17pt; font-weight: 600;")
        self.detail_label.setText(detail)
        self.setToolTip(f"{title}: {value}")


def format_musd(v: float | None) -> str:
    return "—" if v is None else f"${v:,.1f} M"


def format_share(v: float | None) -> str:
    return "—" if v is None else f"{100 * v:.1f} %"


def product_card_text(k: ProductKpi) -> tuple[str, str, str, str]:
    """(title, value, detail, colour) of a product card: compliant share and unmet t in the KPI year."""
    title = f"{material_label(k.product)} · {k.year}"
    if k.demand_t <= 1e-9:
        return title, "no demand", f"No {material_label(k.product)} demand in {k.year}.", NEUTRAL
    value = f"{format_share(k.clean_share)} compliant"
    detail = f"Unmet {k.unmet_t:,.1f} t of {k.demand_t:,.1f} t demand"
    if k.unmet_t > 1e-6:
        detail = f"<span style='color:{BAD}; font-weight:600'>{detail}</span>"
    if k.defense_covered_origin:
        detail += f"<br><span style='color:{BAD}; font-weight:600'>Covered origin in defense supply</span>"
    colour = GOOD
    if k.defense_covered_origin or k.clean_share is None:
        colour = BAD
    elif k.clean_share < 1 - 1e-6:
        colour = WARN
    return title, value, detail, colour


def cost_cards_text(k: Kpis) -> list[tuple[str, str, str, str]]:
    """(title, value, detail, colour) for the total cost and capex cards."""
    return [
        ("Total cost (discounted)", format_musd(k.total_cost_musd), "Excl. the unmet-demand penalty", NEUTRAL),
        ("Capex (discounted)", format_musd(k.capex_musd), "Net of end-of-horizon salvage", NEUTRAL),
    ]
