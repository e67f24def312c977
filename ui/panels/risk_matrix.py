"""Likelihood versus impact of the N-1 stress test, drawn with QPainter (a labelled scatter over a
3 x 3 heat grid), and the list of elements without a probability in the catalogue.

x = P(the element's outage starts in the stressed years) from the risk catalogue, y = its defense
shortfall beyond the baseline summed over the stressed years and products (t); the data is
``planner.reports.stress_marks.risk_matrix``. The heat grid splits each axis into thirds of its
range (0 .. a round maximum above the largest point): green where both are low, red where both
are high; it orders the eye, it is not a threshold. Single points of failure are large red dots,
the other elements small grey ones. Elements at one spot (same pixel) share one dot, labelled with
their count. Names are placed beside their dot where they do not cover another label (single points
of failure first, by impact); every dot has a tooltip with its name, probability and shortfall,
and a click on a facility's dot selects that facility everywhere (chain, map, inspector).

The dashboard's bar and line charts use QtCharts; this one is QPainter (like the Sankey diagram)
because QtCharts cannot place non-overlapping point labels or draw a heat grid under a scatter.
"""

from __future__ import annotations

import math
from typing import Any

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPen
from PySide6.QtWidgets import QLabel, QToolTip, QWidget

from planner.reports.stress_marks import MatrixPoint, RiskMatrix

__all__ = ["RiskMatrixView", "UnratedList"]

#: heat of a cell by (likelihood third + impact third): 0 .. 4, green to red
HEAT = [QColor("#e3f1e4"), QColor("#f0f4dc"), QColor("#fdf3d6"), QColor("#fde3cc"), QColor("#f9d0cc")]
SPOF_DOT, OTHER_DOT = QColor("#c62828"), QColor("#7a7a7a")
MARGIN_L, MARGIN_R, MARGIN_T, MARGIN_B = 64.0, 18.0, 28.0, 46.0


def nice_ceiling(v: float) -> float:
    """The round number (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 x 10^n) at or above ``v`` (v <= 0: 1)."""
    if v <= 0:
        return 1.0
    e = 10 ** math.floor(math.log10(v))
    for m in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if v <= m * e * 1.0000001:
            return m * e
    return 10 * e


def tick_step(v_max: float) -> tuple[float, int]:
    """(step, count): 3 to 6 steps of a round size (1, 2, 2.5 or 5 x 10^n) up to ``v_max`` when one
    fits (every nice_ceiling value has one), else quarters."""
    for n in (4, 5, 6, 3):
        step = v_max / n
        e = 10 ** math.floor(math.log10(step))
        if any(abs(step - m * e) <= 1e-9 * step for m in (1, 2, 2.5, 5)):
            return step, n
    return v_max / 4, 4


def _decimals(step: float) -> int:
    """Decimals that print ``step`` exactly (0, 1 or 2)."""
    for d in (0, 1, 2):
        if abs(step * 10 ** d - round(step * 10 ** d)) < 1e-6:
            return d
    return 2


class RiskMatrixView(QWidget):
    """The scatter (module docstring). ``set_matrix(matrix)``; ``groups``: the dots drawn. A click on a
    dot emits ``element_clicked(id)`` (a facility of the dot first)."""

    element_clicked = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.matrix: RiskMatrix | None = None
        self.x_max = self.y_max = 1.0
        self.groups: list[tuple[QPointF, list[MatrixPoint]]] = []  # dot centre (px) and its elements
        self.labels: dict[str, QRectF] = {}  # element id (first of its dot) -> label box drawn
        self.setMinimumSize(340, 160)
        self.setMouseTracking(True)
        self.setAccessibleName("Likelihood versus impact of each element's outage")

    def sizeHint(self) -> QSize:
        return QSize(620, 340)

    @property
    def points(self) -> list[MatrixPoint]:
        return list(self.matrix.points) if self.matrix is not None else []

    def set_matrix(self, matrix: RiskMatrix | None) -> None:
        self.matrix = matrix
        pts = self.points
        # a round maximum: 10 % when all probabilities are small; at least 1 t
        self.x_max = min(1.0, nice_ceiling(max([p.probability or 0.0 for p in pts] + [0.01]) * 1.08))
        self.y_max = nice_ceiling(max([p.shortfall_t for p in pts] + [1.0]) * 1.08)
        self._layout()
        self.update()

    # ------------------------------------------------------------- geometry
    def plot_rect(self) -> QRectF:
        return QRectF(MARGIN_L, MARGIN_T, max(10.0, self.width() - MARGIN_L - MARGIN_R),
                      max(10.0, self.height() - MARGIN_T - MARGIN_B))

    def position(self, probability: float, shortfall_t: float) -> QPointF:
        r = self.plot_rect()
        return QPointF(r.left() + r.width() * probability / self.x_max,
                       r.bottom() - r.height() * shortfall_t / self.y_max)

    def position_of(self, element_id: str) -> QPointF:
        p = next(p for p in self.points if p.id == element_id)
        return self.position(p.probability or 0.0, p.shortfall_t)

    def _layout(self) -> None:
        """Dots (elements at one pixel share a dot) and their labels, greedily without overlaps."""
        spots: dict[tuple[int, int], list[MatrixPoint]] = {}
        for p in self.points:
            c = self.position(p.probability or 0.0, p.shortfall_t)
            spots.setdefault((round(c.x()), round(c.y())), []).append(p)
        self.groups = [(QPointF(x, y), members) for (x, y), members in spots.items()]
        # SPOF dots first, then by impact: their names get the free places
        self.groups.sort(key=lambda g: (not any(p.single_point_of_failure for p in g[1]),
                                        -max(p.shortfall_t for p in g[1])))
        fm = QFontMetricsF(self._label_font())
        plot = self.plot_rect().adjusted(0, -6, MARGIN_R - 2, 0)  # never over the axes' figures
        taken = [QRectF(c.x() - 7, c.y() - 7, 14, 14) for c, _m in self.groups]
        self.labels = {}
        for centre, members in self.groups:
            text = self.label_text(members)
            w, h = fm.horizontalAdvance(text) + 4, fm.height()
            for dx, dy in ((9, -h / 2), (-9 - w, -h / 2), (-w / 2, -9 - h), (-w / 2, 9), (9, -h), (9, 0)):
                box = QRectF(centre.x() + dx, centre.y() + dy, w, h)
                if plot.contains(box) and not any(box.intersects(t) for t in taken):
                    taken.append(box)
                    self.labels[members[0].id] = box
                    break

    @staticmethod
    def label_text(members: list[MatrixPoint]) -> str:
        return members[0].name if len(members) == 1 else f"{members[0].name} +{len(members) - 1}"

    @staticmethod
    def _label_font() -> QFont:
        f = QFont()
        f.setPointSizeF(8.0)
        return f

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self._layout()

    # ---------------------------------------------------------------- paint
    def paintEvent(self, event: Any) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), QColor("white"))
        r = self.plot_rect()
        for i in range(3):  # the heat grid: thirds of each axis
            for j in range(3):
                cell = QRectF(r.left() + r.width() * i / 3, r.bottom() - r.height() * (j + 1) / 3,
                              r.width() / 3, r.height() / 3)
                p.fillRect(cell, HEAT[i + j])
        p.setPen(QPen(QColor("#9a9a9a"), 1))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawRect(r)
        font = QFont()
        font.setPointSizeF(8.0)
        p.setFont(font)
        fm = QFontMetricsF(font)
        p.setPen(QColor("#444444"))
        x_step, nx = tick_step(self.x_max)
        y_step, ny = tick_step(self.y_max)
        for k in range(nx + 1):
            x = r.left() + r.width() * k / nx
            p.drawLine(QPointF(x, r.bottom()), QPointF(x, r.bottom() + 4))
            p.drawText(QRectF(x - 40, r.bottom() + 5, 80, fm.height()), Qt.AlignmentFlag.AlignHCenter,
                       f"{100 * x_step * k:.{_decimals(100 * x_step)}f} %")
        for k in range(ny + 1):
            y = r.bottom() - r.height() * k / ny
            p.drawLine(QPointF(r.left() - 4, y), QPointF(r.left(), y))
            p.drawText(QRectF(0, y - fm.height() / 2, r.left() - 7, fm.height()),
                       Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                       f"{y_step * k:,.{_decimals(y_step)}f}")
        span = self.matrix.span if self.matrix is not None else ""
        bold = QFont(font)
        bold.setBold(True)
        p.setFont(bold)
        p.drawText(QRectF(r.left(), r.bottom() + 5 + fm.height(), r.width(), fm.height() + 4),
                   Qt.AlignmentFlag.AlignHCenter,
                   f"Likelihood: P(outage starts in {span}) from the risk catalogue")
        p.drawText(QRectF(r.left(), 4, r.width(), fm.height() + 4), Qt.AlignmentFlag.AlignLeft,
                   f"Impact: defense shortfall beyond the baseline, {span} (t)")
        p.setFont(font)
        if self.matrix is not None and not self.points:
            p.setPen(QColor("#666666"))
            p.drawText(r, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                       "No element has a probability in the risk catalogue")
        for centre, members in reversed(self.groups):  # the SPOFs last: on top
            spof = any(m.single_point_of_failure for m in members)
            rad = 6.5 if spof else 4.0
            p.setPen(QPen(QColor("white"), 1.4))
            p.setBrush(QBrush(SPOF_DOT if spof else OTHER_DOT))
            p.drawEllipse(centre, rad, rad)
            if len(members) > 1 and not spof:
                p.setPen(QPen(OTHER_DOT, 1))
                p.setBrush(Qt.BrushStyle.NoBrush)
                p.drawEllipse(centre, rad + 2.5, rad + 2.5)
        p.setFont(self._label_font())
        for _centre, members in self.groups:
            box = self.labels.get(members[0].id)
            if box is None:
                continue
            spof = any(m.single_point_of_failure for m in members)
            p.setPen(QColor("#7f1212") if spof else QColor("#4a4a4a"))
            p.drawText(box, Qt.AlignmentFlag.AlignCenter, self.label_text(members))
        p.end()

    # -------------------------------------------------------------- tooltip
    def group_at(self, pos: QPointF, within: float = 9.0) -> list[MatrixPoint]:
        best, dist = [], within
        for centre, members in self.groups:
            d = math.hypot(centre.x() - pos.x(), centre.y() - pos.y())
            if d <= dist:
                best, dist = members, d
        return best

    def tooltip_text(self, members: list[MatrixPoint]) -> str:
        span = self.matrix.span if self.matrix is not None else ""
        lines = []
        for m in members[:12]:
            head = f"<b>{_esc(m.name)}</b>" + (" — single point of failure" if m.single_point_of_failure else "")
            lines.append(f"{head}<br>P(outage in {span}) {100 * (m.probability or 0.0):.1f} %, "
                         f"{m.shortfall_t:,.1f} t short beyond the baseline ({100 * m.share:.1f} % of defense "
                         f"demand)<br><span style='color:#555'>{_esc(m.detail)}</span>")
        if len(members) > 12:
            lines.append(f"... and {len(members) - 12} more")
        return "<br>".join(lines)

    def mousePressEvent(self, event: Any) -> None:
        members = self.group_at(event.position())
        if members and event.button() == Qt.MouseButton.LeftButton:
            first = next((m for m in members if m.kind == "facility"), members[0])
            self.element_clicked.emit(first.id)
            event.accept()
            return
        super().mousePressEvent(event)

    def event(self, e: QEvent) -> bool:
        if e.type() == QEvent.Type.ToolTip:
            members = self.group_at(QPointF(e.pos()))
            if members:
                QToolTip.showText(e.globalPos(), self.tooltip_text(members), self)
            else:
                QToolTip.hideText()
                e.ignore()
            return True
        return super().event(e)


class UnratedList(QLabel):
    """Elements without a probability in the catalogue, as a wrapped line under the matrix: name and
    shortfall (single points of failure in red)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setAccessibleName("Elements with no probability in the catalogue")
        self.points: list[MatrixPoint] = []

    def set_points(self, points: list[MatrixPoint]) -> None:
        self.points = list(points)
        if not points:
            self.setText("<b>No probability in catalogue</b>: none (every element has one)")
            return
        parts = [f"<span style='color:#c62828'>{_esc(t)}</span>" if m.single_point_of_failure else _esc(t)
                 for m, t in zip(points, self.texts())]
        self.setText(f"<b>No probability in catalogue ({len(points)}):</b> " + "; ".join(parts))
        self.setToolTip("<br>".join(f"{_esc(m.name)}: {_esc(m.detail)}" for m in points[:30]))

    def texts(self) -> list[str]:
        return [f"{m.name}: {m.shortfall_t:,.1f} t" + (" — single point of failure" if m.single_point_of_failure
                                                       else "") for m in self.points]


def _esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
