"""QtCharts charts of a plan: supply vs demand, cost by year, marginal cost.

Each ``*_chart`` function returns a new QChart built from the figures in ``ui.results.summary``;
the dashboard swaps it into a ``QChartView``. Bars use a category axis of years; lines drawn
over bars use x = the category index (0, 1, ...), which QtCharts places at the bar centres.
"""

from __future__ import annotations

import math

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QChart,
    QChartView,
    QLineSeries,
    QLogValueAxis,
    QStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QLocale, QMargins, QPointF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen

from ui.results.summary import SupplyYear, material_label, short_label

SUPPLY_COLOURS = {"Clean": QColor(42, 157, 143), "Other origin": QColor(233, 196, 106), "Unmet": QColor(209, 73, 91)}
COST_COLOURS = {"Capex": QColor(38, 70, 83), "Opex": QColor(42, 157, 143), "Transport": QColor(233, 196, 106),
                "Purchases": QColor(231, 111, 81)}
LINE_COLOURS = [QColor(38, 120, 178), QColor(209, 73, 91), QColor(42, 157, 143), QColor(141, 106, 159),
                QColor(233, 150, 50), QColor(90, 90, 90)]


def _base_chart(title: str) -> QChart:
    chart = QChart()
    chart.setTitle(title)
    f = QFont(chart.titleFont())
    f.setBold(True)
    f.setPointSizeF(max(9.0, f.pointSizeF()))
    chart.setTitleFont(f)
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.setMargins(QMargins(4, 4, 4, 4))
    chart.setBackgroundRoundness(0)
    chart.layout().setContentsMargins(0, 0, 0, 0)
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    chart.setLocale(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    chart.setLocalizeNumbers(True)  # axis labels with thousands separators: 20,000
    return chart


def _nice_max(v: float) -> float:
    """Round up to 1, 2, 2.5 or 5 x 10^n so axis ticks fall on round numbers."""
    if v <= 0:
        return 1.0
    e = 10 ** math.floor(math.log10(v))
    for m in (1, 2, 2.5, 5, 10):
        if v <= m * e * 1.0000001:
            return m * e
    return 10 * e


def _value_axis(title: str, top: float, fmt: str = "%.0f") -> QValueAxis:
    axis = QValueAxis()
    axis.setRange(0, _nice_max(top * 1.05))
    axis.setTickCount(6)
    axis.setLabelFormat(fmt)
    axis.setTitleText(title)
    return axis


YEAR_LABEL_PAD_PX = 14  # a year label shows whole when its category is this much wider than the text
YEAR_STEPS = (1, 2, 5, 10)


def year_label_step(n_years: int, plot_width_px: float, label_width_px: float) -> int:
    """Label every k-th year: the smallest k of ``YEAR_STEPS`` for which k categories of
    ``plot_width_px / n_years`` px hold a label (``label_width_px + YEAR_LABEL_PAD_PX``). QtCharts
    shortens a label that does not fit to "20..." (every year of a 10-year plan at 470 px)."""
    per = plot_width_px / max(1, n_years)
    return next((k for k in YEAR_STEPS if per * k >= label_width_px + YEAR_LABEL_PAD_PX), YEAR_STEPS[-1])


def year_labels(years: list[int], step: int) -> list[str]:
    """Every ``step``-th year, counted from the first; blanks in between (distinct, as categories must be)."""
    return [str(y) if i % step == 0 else " " * (i + 1) for i, y in enumerate(years)]


def _year_axis(years: list[int], chart: QChart) -> QBarCategoryAxis:
    """A category axis of years whose labels thin out (every 2nd, 5th, 10th year) when the plot is
    too narrow for all of them; re-fitted whenever ``chart``'s plot area changes size."""
    axis = QBarCategoryAxis()
    axis.setTruncateLabels(False)  # a label may use its blank neighbours' room ("20..." otherwise)
    shown = {"step": 1 if len(years) <= 16 else 2}
    axis.append(year_labels(years, shown["step"]))

    def fit(area) -> None:
        label = QFontMetricsF(axis.labelsFont()).horizontalAdvance(str(max(years, default=2026)))
        step = year_label_step(len(years), area.width(), label)
        if step != shown["step"]:
            shown["step"] = step
            axis.setCategories(year_labels(years, step))

    chart.plotAreaChanged.connect(fit)
    return axis


def supply_chart(product: str, rows: list[SupplyYear], segment: str | None = None) -> QChart:
    """Stacked bars per year: clean, other-origin and unmet tonnes; a line for total demand."""
    scope = f"{segment} " if segment else ""
    chart = _base_chart(f"{material_label(product)}: {scope}supply vs demand (t)")
    years = [r.year for r in rows]
    series = QStackedBarSeries()
    for name, values in (
        ("Clean", [r.clean_t for r in rows]),
        ("Other origin", [r.other_t for r in rows]),
        ("Unmet", [r.unmet_t for r in rows]),
    ):
        s = QBarSet(name)
        s.append(values)
        s.setColor(SUPPLY_COLOURS[name])
        s.setBorderColor(SUPPLY_COLOURS[name].darker(115))
        series.append(s)
    series.setBarWidth(0.7)
    chart.addSeries(series)
    demand = QLineSeries()
    demand.setName("Demand")
    for i, r in enumerate(rows):
        demand.append(QPointF(i, r.demand_t))
    demand.setPen(QPen(QColor(30, 30, 30), 2.0, Qt.PenStyle.DashLine))
    demand.setPointsVisible(True)
    chart.addSeries(demand)
    x = _year_axis(years, chart)
    top = max([r.clean_t + r.other_t + r.unmet_t for r in rows] + [r.demand_t for r in rows] + [1.0])
    y = _value_axis("t", top)
    chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
    for s in (series, demand):
        s.attachAxis(x)
        s.attachAxis(y)
    return chart


def cost_chart(rows: list[tuple[int, dict[str, float]]]) -> QChart:
    """Stacked bars per year: capex, opex, transport, purchases ($M of that year, undiscounted)."""
    chart = _base_chart("Cost by year ($M, undiscounted)")
    years = [y for y, _ in rows]
    series = QStackedBarSeries()
    for name, colour in COST_COLOURS.items():
        s = QBarSet(name)
        s.append([parts.get(name, 0.0) for _, parts in rows])
        s.setColor(colour)
        s.setBorderColor(colour.darker(115))
        series.append(s)
    series.setBarWidth(0.7)
    chart.addSeries(series)
    x = _year_axis(years, chart)
    pos_top = max([sum(max(0.0, v) for v in parts.values()) for _, parts in rows] + [1.0])
    neg_bottom = min([sum(min(0.0, v) for v in parts.values()) for _, parts in rows] + [0.0])
    y = _value_axis("$M", pos_top, "%.0f")
    if neg_bottom < 0:
        y.setMin(-_nice_max(-neg_bottom * 1.05))
    chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(x)
    series.attachAxis(y)
    return chart


def marginal_chart(series_data: dict[tuple[str, str], list[tuple[int, float]]], years: list[int],
                   unpriced: list[str] | None = None) -> QChart:
    """One line per (product, segment): marginal cost of one more tonne ($/t, discounted duals).

    Product-years whose dual is set by the unmet penalty (a setting) are not in ``series_data``:
    ``unpriced`` names them in the title ("not priced: no compliant supply to spare").
    A logarithmic axis is used when all values are positive and span more than 50x.
    """
    title = "Marginal cost of one more tonne ($/t)"
    if unpriced:
        shown = ", ".join(unpriced[:4]) + (f" and {len(unpriced) - 4} more" if len(unpriced) > 4 else "")
        title += (f"<br><span style='font-weight:normal; color:#b3261e'>not priced (no compliant supply to spare): "
                  f"{shown}</span>")
    chart = _base_chart(title)
    values = [v for pts in series_data.values() for _, v in pts]
    use_log = bool(values) and min(values) > 0 and max(values) / min(values) > 50
    x = _year_axis(years, chart)  # points sit at x = index of their year (category centres)
    index = {y: i for i, y in enumerate(years)}
    if use_log:
        y = QLogValueAxis()
        y.setBase(10)
        y.setLabelFormat("%.3g")
        y.setRange(10 ** math.floor(math.log10(min(values))), 10 ** math.ceil(math.log10(max(values))))
        y.setTitleText("$/t (log scale)")
    else:
        top = max(values + [1.0])
        bottom = min(values + [0.0])
        y = _value_axis("$/t", top, "%.0f")
        if bottom < 0:
            y.setMin(-_nice_max(-bottom * 1.05))
    chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
    coloured = list(enumerate(series_data.items()))
    # commercial lines last, dashed, so a commercial line that coincides with the defense line is
    # drawn on top and the defense line shows through its gaps; its legend says it coincides
    coloured.sort(key=lambda e: e[1][0][1] == "commercial")
    drawn: dict[str, dict[int, float]] = {}
    for i, ((product, segment), pts) in coloured:
        s = QLineSeries()
        name = f"{short_label(product)} {segment}"
        same = [other for other, prev in drawn.items() if prev and dict(pts).keys() == prev.keys()
                and all(abs(v - prev[y]) <= 1e-3 * max(1.0, abs(v)) for y, v in pts)]
        drawn[name] = dict(pts)
        # "NdFeB commercial (= defense)": the product is said once ("(= NdFeB defense)" made the
        # legend too long for a half-width chart at 1400 x 900 and it was cut)
        twin = same[0].removeprefix(short_label(product) + " ") if same else ""
        s.setName(f"{name} (= {twin})" if same else name)
        for year, v in pts:
            if (use_log and v <= 0) or year not in index:
                continue
            s.append(QPointF(index[year], v))
        # commercial dashed, so it stays visible where it coincides with the defense line
        style = Qt.PenStyle.DashLine if segment == "commercial" else Qt.PenStyle.SolidLine
        s.setPen(QPen(LINE_COLOURS[i % len(LINE_COLOURS)], 2.0, style))
        s.setPointsVisible(True)
        chart.addSeries(s)
        s.attachAxis(x)
        s.attachAxis(y)
    return chart


def message_chart(title: str) -> QChart:
    """An empty chart that only carries a title (e.g. 'No cost data')."""
    chart = _base_chart(title)
    chart.legend().hide()
    return chart


def make_chart_view() -> QChartView:
    view = QChartView()
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setBackgroundBrush(QColor("white"))
    view.setFrameShape(QChartView.Shape.NoFrame)
    view.setMinimumHeight(240)
    return view
