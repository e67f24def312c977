"""KPI cards: a small title, one large figure and a line of detail."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QLabel, QSizePolicy, QVBoxLayout, QWidget

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
        return f"{short_label(k.product)} {k.year}", "no demand", f"No {material_label(k.product)} demand in {k.year}.", NEUTRAL
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
    plural = "s" if k.n_investments != 1 else ""
    return [
        ("Total cost (discounted)", format_musd(k.total_cost_musd), f"Excl. the unmet-demand penalty<br>{unmet}", NEUTRAL),
        ("Capex (discounted)", format_musd(k.capex_musd),
         f"Net of end-of-horizon salvage<br>{k.n_investments} investment{plural} · "
         f"${k.capex_committed_musd:,.1f} M undiscounted", NEUTRAL),
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
