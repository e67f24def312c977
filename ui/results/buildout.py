"""Capacity build-out timeline (Gantt style), one row per facility, painted with QPainter.

Each facility row shows its existing capacity as a grey bar over the years it has any (darker
where it is nearer its peak), each investment as a coloured bar from its online year to the end
of the horizon, with a thin line from the decision year to the online year (the lead time) and a
label "+added t/yr · $capex M". The planned total capacity (existing + online additions, from
``result.capacity``) is written at the right end of the row for the last year.

Contracts and levers (:mod:`ui.results.lever_marks`) are drawn in their own colours: an offtake or
price floor as an outlined band over its active years under its producer (filled where the plan
took tonnes under the offtake / the government paid a top-up), a grant, policy grant or loan as a diamond at its year
(on the investment it funds, else on the facility row), and a "Government stockpiles" group with each
stockpile's year-end level, buys (up triangles) and releases (down triangles). Tooltips name them.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QMouseEvent, QPainter, QPaintEvent, QPen, QPolygonF
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from models.project import Project
from planner.result import PlanResult
from ui.results.lever_marks import LeverBand, LeverMarks, LeverPoint, lever_marks
from ui.results.summary import BuildoutRow, buildout_rows, stage_name

EXISTING = QColor(150, 160, 172)
INVEST = QColor(38, 120, 178)
LEAD = QColor(38, 120, 178)
GRID = QColor(228, 230, 234)
#: contracts and levers (the dashboard's legend uses the same colours)
OFFTAKE = QColor(46, 139, 87)
FLOOR = QColor(199, 124, 2)
GRANT = QColor(123, 63, 160)
LOAN = QColor(0, 128, 128)
BUY = QColor(46, 139, 87)
RELEASE = QColor(179, 38, 30)
STOCK = QColor(123, 63, 160)
BAND_COLOURS = {"offtake": OFFTAKE, "price_floor": FLOOR}
POINT_COLOURS = {"grant": GRANT, "policy_grant": GRANT, "loan": LOAN}


class BuildoutTimeline(QWidget):
    """Gantt-style chart of existing capacity and investments per facility."""

    ROW_H = 24
    SUB_H = 20

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
        self.rows: list[BuildoutRow] = []
        self.marks = LeverMarks()
        self._project: Project | None = None
        self.years: list[int] = []
        self.empty_text = "No result to show."
        self._hits: list[tuple[QRectF, str]] = []
        f = QFont(self.font())
        f.setPointSizeF(max(8.0, f.pointSizeF() * 0.95))
        self._font = f
        self._bold = QFont(f)
        self._bold.setBold(True)

    def set_result(self, project: Project | None, result: PlanResult | None) -> None:
        if project is None or result is None or not result.has_plan:
            self.rows, self.years, self.marks, self._project = [], [], LeverMarks(), None
            self.empty_text = "No plan to show." if result is not None else "No result to show."
        else:
            self.rows = buildout_rows(project, result, stage_label=stage_name)
            self.years = project.settings.years
            self.marks = lever_marks(project, result)
            self._project = project
            self.empty_text = "No facility has capacity in the horizon."
        self.updateGeometry()
        self.update()

    GROUP_H = 22

    def _groups(self) -> int:
        return sum(1 for i, r in enumerate(self.rows) if i == 0 or r.stage != self.rows[i - 1].stage)

    def bands_of(self, row: BuildoutRow) -> list[LeverBand]:
        return self.marks.bands.get(row.facility, [])

    def _row_height(self, row: BuildoutRow) -> int:
        return self.ROW_H + self.SUB_H * (len(row.investments) + len(self.bands_of(row)))

    def _content_height(self) -> int:
        rows = sum(self._row_height(r) for r in self.rows)
        stock = (self.GROUP_H + self.ROW_H * len(self.marks.stockpiles)) if self.marks.stockpiles else 0
        return 40 + rows + self.GROUP_H * self._groups() + stock + 10

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(1000, max(200, self._content_height()))

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(600, max(160, self._content_height()))

    def _label_width(self) -> int:
        fm = QFontMetrics(self._font)
        widest = max((fm.horizontalAdvance(r.name) for r in self.rows), default=100)
        return int(min(max(160, widest + 16), self.width() * 0.3))

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), QColor("white"))
        self._hits = []
        if not self.rows:
            p.setPen(QColor(110, 110, 110))
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.empty_text)
            return
        fm = QFontMetrics(self._font)
        label_w = self._label_width()
        right_w = fm.horizontalAdvance("99,999 t/yr") + 16
        x0 = label_w
        x1 = self.width() - right_w
        n = len(self.years)
        col_w = (x1 - x0) / max(1, n)

        def x_of(year: float) -> float:
            return x0 + (year - self.years[0]) * col_w

        # year axis and grid
        p.setFont(self._bold)
        p.setPen(QColor(80, 80, 80))
        top = 30
        for y in self.years:
            r = QRectF(x_of(y), 6, col_w, 20)
            p.drawText(r, Qt.AlignmentFlag.AlignCenter, str(y))
        p.drawText(QRectF(x1 + 8, 6, right_w, 20), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                   f"{self.years[-1]} cap.")
        p.setPen(QPen(GRID, 1))
        bottom = self._content_height() - 10
        for i in range(n + 1):
            x = x0 + i * col_w
            p.drawLine(QPointF(x, top), QPointF(x, bottom))

        p.setFont(self._font)
        y = top
        last = self.years[-1]
        visible_top, visible_bottom = event.rect().top() - 2, event.rect().bottom() + 2
        for idx, row in enumerate(self.rows):
            row_h = self._row_height(row)
            group_h = self.GROUP_H if idx == 0 or row.stage != self.rows[idx - 1].stage else 0
            if y + group_h + row_h < visible_top or y > visible_bottom:  # off screen: skip the drawing
                y += group_h + row_h
                continue
            if idx == 0 or row.stage != self.rows[idx - 1].stage:  # stage group header
                p.fillRect(QRectF(0, y, self.width(), self.GROUP_H), QColor(236, 239, 243))
                p.setFont(self._bold)
                p.setPen(QColor(70, 80, 92))
                p.drawText(QRectF(6, y, label_w, self.GROUP_H),
                           Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, row.stage)
                p.setFont(self._font)
                y += self.GROUP_H
            h = row_h
            if idx % 2 == 1:
                p.fillRect(QRectF(0, y, self.width(), h), QColor(247, 248, 250))
            # facility name + stage
            p.setPen(QColor(25, 25, 25))
            name = fm.elidedText(row.name, Qt.TextElideMode.ElideRight, label_w - 12)
            p.drawText(QRectF(6, y, label_w - 10, self.ROW_H),
                       Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, name)
            self._hits.append((QRectF(0, y, label_w, self.ROW_H), f"{row.name} ({row.stage})"))
            # existing capacity
            peak = max(row.existing_tpy.values(), default=0.0)
            for yr, cap in row.existing_tpy.items():
                if cap <= 0:
                    continue
                c = QColor(EXISTING)
                c.setAlpha(int(90 + 165 * cap / peak))
                rect = QRectF(x_of(yr) + 0.5, y + 6, col_w - 1, self.ROW_H - 12)
                p.fillRect(rect, c)
                self._hits.append((rect, f"{row.name}: existing capacity {cap:,.0f} t/yr in {yr}"))
            # investments
            for j, inv in enumerate(row.investments):
                sy = y + self.ROW_H + j * self.SUB_H
                mid = sy + self.SUB_H / 2
                p.setPen(QPen(LEAD, 1.5, Qt.PenStyle.DashLine))
                if inv.online_year > inv.decided_year:
                    p.drawLine(QPointF(x_of(inv.decided_year) + col_w / 2, mid), QPointF(x_of(inv.online_year), mid))
                p.setPen(Qt.PenStyle.NoPen)
                p.setBrush(LEAD)
                d = QPointF(x_of(inv.decided_year) + col_w / 2, mid)
                p.drawEllipse(d, 3.5, 3.5)
                end_year = min(last + 1, max(inv.online_year, self.years[0]) + 99)
                bar = QRectF(x_of(inv.online_year), sy + 3, x_of(end_year) - x_of(inv.online_year), self.SUB_H - 6)
                if inv.online_year <= last:
                    p.fillRect(bar, INVEST)
                text = f"+{inv.added_tpy:,.0f} t/yr · ${inv.capex_musd:,.0f} M"
                tw = fm.horizontalAdvance(text) + 8
                p.setPen(QColor("white") if bar.width() >= tw and inv.online_year <= last else QColor(20, 60, 100))
                if bar.width() >= tw and inv.online_year <= last:
                    p.drawText(bar.adjusted(4, 0, 0, 0), Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                               text)
                else:  # not enough room inside: write it left of the decision dot
                    tr = QRectF(d.x() - 8 - tw, sy, tw, self.SUB_H)
                    if tr.left() < x0:
                        tr = QRectF(x0 + 2, sy, tw, self.SUB_H)
                    p.drawText(tr, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight, text)
                p.setPen(QColor(90, 90, 90))
                p.drawText(QRectF(16, sy, label_w - 20, self.SUB_H),
                           Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                           fm.elidedText(f"↳ {inv.option}", Qt.TextElideMode.ElideRight, label_w - 24))
                self._hits.append((
                    QRectF(x_of(inv.decided_year), sy, x_of(last + 1) - x_of(inv.decided_year), self.SUB_H),
                    f"{row.name} — {inv.option}: decided {inv.decided_year}, online {inv.online_year}, "
                    f"+{inv.added_tpy:,.0f} t/yr, capex ${inv.capex_musd:,.1f} M (undiscounted)",
                ))
            # contracts: one band per offtake / price floor under the investments
            for j, b in enumerate(self.bands_of(row)):
                sy = y + self.ROW_H + (len(row.investments) + j) * self.SUB_H
                self._paint_band(p, fm, b, row, sy, x_of, col_w, label_w)
            # grants, policy grants and loans: diamonds at their year
            option_rows = {inv.option_id: y + self.ROW_H + j * self.SUB_H for j, inv in enumerate(row.investments)}
            taken: dict[tuple[float, int], int] = {}
            for pt in self.marks.points.get(row.facility, []):
                sy = option_rows.get(pt.option, y) if pt.option else y
                sub_h = self.SUB_H if pt.option in option_rows else self.ROW_H
                k = taken.get((sy, pt.year), 0)
                taken[(sy, pt.year)] = k + 1
                centre = QPointF(x_of(pt.year) + col_w / 2 + 10 + 10 * k, sy + sub_h / 2)
                self._paint_point(p, pt, row, centre)
            total = row.capacity_tpy.get(last, row.existing_tpy.get(last, 0.0))
            p.setPen(QColor(40, 40, 40))
            p.drawText(QRectF(x1 + 8, y, right_w - 8, self.ROW_H),
                       Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, f"{total:,.0f} t/yr")
            y += h
        if self.marks.stockpiles:
            self._paint_stockpiles(p, fm, y, x_of, col_w, label_w)
        p.end()

    # ------------------------------------------------------------ levers
    def _paint_band(self, p: QPainter, fm: QFontMetrics, b: LeverBand, row: BuildoutRow, sy: float, x_of,
                    col_w: float, label_w: int) -> None:
        """An outlined band over the active years; filled in years with tonnes under the contract."""
        colour = BAND_COLOURS.get(b.kind, OFFTAKE)
        light, strong = QColor(colour), QColor(colour)
        light.setAlpha(35)
        strong.setAlpha(150)
        first, last_year = b.years[0], b.years[-1]
        outline = QRectF(x_of(first) + 1, sy + 4, x_of(last_year + 1) - x_of(first) - 2, self.SUB_H - 8)
        p.setPen(Qt.PenStyle.NoPen)
        p.fillRect(outline, light)
        for yr in b.years:
            cell = QRectF(x_of(yr) + 1, sy + 4, col_w - 2, self.SUB_H - 8)
            if b.filled(yr):
                p.fillRect(cell, strong)
            self._hits.append((QRectF(x_of(yr), sy, col_w, self.SUB_H), b.tooltip(row.name, yr)))
        p.setPen(QPen(colour, 1.2))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawRect(outline)
        p.setPen(QColor(colour).darker(140))
        p.drawText(QRectF(16, sy, label_w - 20, self.SUB_H), Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                   fm.elidedText(f"↳ {b.name}", Qt.TextElideMode.ElideRight, label_w - 24))
        self._hits.append((QRectF(0, sy, label_w, self.SUB_H),
                           f"{b.name} ({'offtake' if b.kind == 'offtake' else 'price floor'}, id {b.lever_id}) at "
                           f"{row.name}, {first}-{last_year}; {b.detail}"))

    def _paint_point(self, p: QPainter, pt: LeverPoint, row: BuildoutRow, centre: QPointF) -> None:
        colour = POINT_COLOURS.get(pt.kind, GRANT)
        r = 5.0
        diamond = QPolygonF([QPointF(centre.x(), centre.y() - r), QPointF(centre.x() + r, centre.y()),
                             QPointF(centre.x(), centre.y() + r), QPointF(centre.x() - r, centre.y())])
        p.setPen(QPen(QColor("white"), 1))
        p.setBrush(colour)
        p.drawPolygon(diamond)
        self._hits.append((QRectF(centre.x() - r - 1, centre.y() - r - 1, 2 * r + 2, 2 * r + 2), pt.tooltip(row.name)))

    def _paint_stockpiles(self, p: QPainter, fm: QFontMetrics, y: float, x_of, col_w: float, label_w: int) -> None:
        """Group 'Government stockpiles': level held at year-end (bar), buys (up) and releases (down)."""
        p.fillRect(QRectF(0, y, self.width(), self.GROUP_H), QColor(236, 239, 243))
        p.setFont(self._bold)
        p.setPen(QColor(70, 80, 92))
        p.drawText(QRectF(6, y, label_w, self.GROUP_H), Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                   "Government stockpiles")
        p.setFont(self._font)
        y += self.GROUP_H
        for s in self.marks.stockpiles:
            p.setPen(QColor(25, 25, 25))
            p.drawText(QRectF(6, y, label_w - 10, self.ROW_H),
                       Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                       fm.elidedText(s.name, Qt.TextElideMode.ElideRight, label_w - 12))
            self._hits.append((QRectF(0, y, label_w, self.ROW_H),
                               f"{s.name} (government stockpile of {s.material}, id {s.stockpile}), "
                               f"capacity {s.capacity_t:,.0f} t"))
            peak = max([s.capacity_t, *s.level.values()]) or 1.0
            for yr in self.years:
                level, buy, rel = s.level.get(yr, 0.0), s.buys.get(yr, 0.0), s.releases.get(yr, 0.0)
                cell = QRectF(x_of(yr), y, col_w, self.ROW_H)
                if level > 0:
                    c = QColor(STOCK)
                    c.setAlpha(int(40 + 120 * min(1.0, level / peak)))
                    p.fillRect(QRectF(x_of(yr) + 0.5, y + 6, col_w - 1, self.ROW_H - 12), c)
                cx, cy = cell.center().x(), cell.center().y()
                if buy > 0:
                    self._triangle(p, QPointF(cx - 7, cy), up=True, colour=BUY)
                if rel > 0:
                    self._triangle(p, QPointF(cx + 7, cy), up=False, colour=RELEASE)
                if level > 0 or buy > 0 or rel > 0:
                    self._hits.append((cell, f"{s.name} in {yr}: bought {buy:,.1f} t, "
                                             f"released {rel:,.1f} t to defense, {level:,.1f} t held at year-end"))
            y += self.ROW_H

    @staticmethod
    def _triangle(p: QPainter, c: QPointF, up: bool, colour: QColor) -> None:
        r = 5.5
        pts = ([QPointF(c.x(), c.y() - r), QPointF(c.x() + r, c.y() + r * 0.8),
                QPointF(c.x() - r, c.y() + r * 0.8)] if up
               else [QPointF(c.x(), c.y() + r), QPointF(c.x() + r, c.y() - r * 0.8),
                     QPointF(c.x() - r, c.y() - r * 0.8)])
        p.setPen(QPen(QColor("white"), 1))
        p.setBrush(colour)
        p.drawPolygon(QPolygonF(pts))

    def hits(self) -> list[tuple[QRectF, str]]:
        """(area, tooltip) of the last paint."""
        return list(self._hits)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        pos = event.position()
        for rect, text in reversed(self._hits):
            if rect.contains(pos):
                QToolTip.showText(event.globalPosition().toPoint(), text, self)
                return
        QToolTip.hideText()
