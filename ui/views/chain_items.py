"""The chain view's drawn items: a facility's node (fill = country, outline = status, badges for
covered output, new investment and a single point of failure, a port to drag a route from) and a route's arrow (colour =
material, width and label = the plan's tonnes in the year shown)."""

from __future__ import annotations

import math
from typing import Any

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetrics,
    QPainter,
    QPainterPath,
    QPen,
    QPolygonF,
)
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsPathItem,
    QGraphicsRectItem,
    QStyle,
    QStyleOptionGraphicsItem,
    QWidget,
)

from models.covered import CHINESE_TECHNOLOGY
from models.project import Facility, Route
from models.vocab import Stage, Status
from models.wording import count
from ui.document.fields import country_label, fmt_number, label_of
from ui.views.chain_layout import NODE_H, NODE_W
from ui.views.palette import INVEST_COLOUR, MATERIAL_COLOURS, SPOF_COLOUR, SPOF_EDGE, STATUS_PEN, country_colour

#: arrows at least this wide (px, i.e. flows of >= ~10 % of the year's largest) carry a tonnes label
LABEL_MIN_WIDTH = 1.0 + 11.0 * math.sqrt(0.10)


class FacilityNode(QGraphicsRectItem):
    """One facility: rounded box, country stripe, name, facts line, status outline, badges."""

    def __init__(self, facility: Facility, reasons: list[str]):
        """``reasons``: why its output is covered (models.covered.covered_reasons; [] = not covered)."""
        super().__init__(0, 0, NODE_W, NODE_H)
        self.facility = facility
        self.reasons = reasons
        self.covered = bool(reasons)
        self.investment: str = ""  # "+1,000 t/yr from 2029" when the plan invests here
        self.invest_online = False
        self.risk_mark: str = ""  # "single point of failure: ..." after a stress test (ui.document.stress_marks)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable, True)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsMovable, True)
        self.setAcceptHoverEvents(True)
        self.setZValue(2)
        # painted once into a pixmap and re-used until update(): the text layout of 56 nodes was
        # a third of every repaint of the chain
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self._hover = False
        self._base_tooltip = ""
        self.edges: list[RouteEdge] = []  # arrows from or to this node (re-drawn when it moves)
        self.refresh(reasons)

    def reroute_edges(self) -> None:
        """Arrows follow the node after it moved (no itemChange override: that would call
        Python for every change of every node)."""
        for edge in self.edges:
            edge.reroute()

    def refresh(self, reasons: list[str]) -> None:
        """Re-read the facility (capacity, status, flags...) after an edit; repaint."""
        self.reasons = reasons
        self.covered = covered = bool(reasons)
        f = self.facility
        lines = [f"<b>{_esc(f.name or f.id)}</b> ({_esc(f.id)})",
                 f"{label_of(f.stage)}, {label_of(f.status)}, {country_label(f.country)}",
                 f"capacity {fmt_number(f.capacity_tpy)} t/yr"
                 + (f", online {f.online_year}" if f.online_year else "")]
        if f.options:
            lines.append(count(len(f.options), "expansion option"))
        if covered:
            lines.append("<span style='color:#b00020'><b>covered output</b>: "
                         + " and ".join(reasons)
                         + "</span>")
        self._base_tooltip = "<br>".join(lines)
        self._set_tooltip()
        self.update()

    def _set_tooltip(self) -> None:
        tip = self._base_tooltip
        if self.investment:
            tip += f"<br><span style='color:#1b7a3d'><b>Plan invests:</b> {self.investment}</span>"
        if self.risk_mark:
            tip += f"<br><span style='color:#8a4b00'><b>{_esc(self.risk_mark)}</b></span>"
        self.setToolTip(tip)

    def set_investment(self, text: str, online: bool) -> None:
        if (text, online) == (self.investment, self.invest_online):
            return  # unchanged: keep the cached picture (a repaint of a node costs ~1 ms)
        self.investment, self.invest_online = text, online
        self._set_tooltip()
        self.update()

    def set_risk_mark(self, text: str) -> None:
        """Mark (text) or unmark ("") the node as a single point of failure: amber ring, warning badge."""
        if text == self.risk_mark:
            return
        self.risk_mark = text
        self._set_tooltip()
        self.update()

    def boundingRect(self) -> QRectF:
        return QRectF(-8, -8, NODE_W + 16, NODE_H + 16)

    def hoverEnterEvent(self, event: Any) -> None:
        self._hover = True
        self.update()

    def hoverLeaveEvent(self, event: Any) -> None:
        self._hover = False
        self.update()

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        f = self.facility
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        colour = country_colour(f.country)
        faded = f.status is Status.CONCEPT
        rect = QRectF(0, 0, NODE_W, NODE_H)
        if self.risk_mark:  # outside the investment glow (which reaches 6.5 px out)
            painter.setPen(QPen(SPOF_COLOUR, 3))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(rect.adjusted(-6.5, -6.5, 6.5, 6.5), 11, 11)
        if self.investment:
            glow = QPen(INVEST_COLOUR, 5 if self.invest_online else 3,
                        Qt.PenStyle.SolidLine if self.invest_online else Qt.PenStyle.DashLine)
            painter.setPen(glow)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(rect.adjusted(-4, -4, 4, 4), 9, 9)
        a = 0.10 if faded else 0.18  # the country colour at 10-18 % over white, as one opaque fill
        fill = QColor(round(255 * (1 - a) + colour.red() * a), round(255 * (1 - a) + colour.green() * a),
                      round(255 * (1 - a) + colour.blue() * a))
        painter.setBrush(QBrush(fill))
        style, width = STATUS_PEN.get(f.status, (Qt.PenStyle.SolidLine, 1.5))
        outline = QColor("#1f1f1f") if not faded else QColor("#777777")
        if self.isSelected():
            outline, width = QColor("#0a58ca"), width + 1.6
        elif self._hover:
            outline = QColor("#0a58ca")
        pen = QPen(outline, width, style)
        painter.setPen(pen)
        painter.drawRoundedRect(rect, 7, 7)
        # country stripe
        stripe = QPainterPath()
        stripe.addRoundedRect(QRectF(1, 1, 9, NODE_H - 2), 5, 5)
        painter.fillPath(stripe, QBrush(colour))
        # text
        name_font = QFont()
        name_font.setPointSizeF(9.5)
        name_font.setBold(True)
        painter.setFont(name_font)
        painter.setPen(QColor("#111111") if not faded else QColor("#555555"))
        fm = QFontMetrics(name_font)
        text_w = NODE_W - 24 - (22 if self.covered else 0) - (24 if self.risk_mark else 0)
        painter.drawText(QRectF(16, 5, text_w, 20), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         fm.elidedText(f.name or f.id, Qt.TextElideMode.ElideRight, int(text_w)))
        small = QFont()
        small.setPointSizeF(8.0)
        painter.setFont(small)
        painter.setPen(QColor("#333333") if not faded else QColor("#666666"))
        sfm = QFontMetrics(small)
        line2 = f"{f.country} \u00b7 {label_of(f.status)} \u00b7 {fmt_number(f.capacity_tpy)} t/yr"
        painter.drawText(QRectF(16, 25, NODE_W - 22, 14), Qt.AlignmentFlag.AlignLeft,
                         sfm.elidedText(line2, Qt.TextElideMode.ElideRight, int(NODE_W - 22)))
        extra = label_of(f.stage) if f.stage in (Stage.RECYCLING, Stage.COBALT, Stage.MAGNET_SMCO,
                                                 Stage.MAGNET_NDFEB) else ""
        if f.options:
            extra = (extra + " \u00b7 " if extra else "") + count(len(f.options), "option")
        if f.online_year:
            extra = (extra + " \u00b7 " if extra else "") + f"online {f.online_year}"
        if self.investment:  # the plan's new capacity replaces the third line
            bold = QFont(small)
            bold.setBold(True)
            painter.setFont(bold)
            painter.setPen(INVEST_COLOUR.darker(140))
            extra = self.investment
        painter.drawText(QRectF(16, 39, NODE_W - 22, 14), Qt.AlignmentFlag.AlignLeft,
                         sfm.elidedText(extra, Qt.TextElideMode.ElideRight, int(NODE_W - 22)))
        if self._hover and not faded:  # the connect port
            painter.setPen(QPen(QColor("#0a58ca"), 1.5))
            painter.setBrush(QBrush(QColor("white")))
            painter.drawEllipse(QPointF(NODE_W, NODE_H / 2), self.PORT_R, self.PORT_R)
        if self.covered:
            painter.setPen(QPen(QColor("white"), 1.5))
            painter.setBrush(QBrush(QColor("#d32f2f")))
            painter.drawEllipse(QRectF(NODE_W - 26, 5, 20, 20))
            bold = QFont(small)
            bold.setBold(True)
            painter.setFont(bold)
            painter.drawText(QRectF(NODE_W - 26, 5, 20, 20), Qt.AlignmentFlag.AlignCenter,
                             "CT" if self.reasons == [CHINESE_TECHNOLOGY] else "!")
        if self.risk_mark:
            spof_badge(painter, QPointF(NODE_W - 16 - (24 if self.covered else 0), 15), small)

    PORT_R = 6.0

    def in_port(self, scene_point: QPointF) -> bool:
        """True on the round port at the middle of the right edge (drag from it to connect)."""
        local = self.mapFromScene(scene_point)
        return (local - QPointF(NODE_W, NODE_H / 2)).manhattanLength() <= self.PORT_R * 2

    def port_out(self) -> QPointF:
        return self.scenePos() + QPointF(NODE_W, NODE_H / 2)

    def port_in(self) -> QPointF:
        return self.scenePos() + QPointF(0, NODE_H / 2)


class RouteEdge(QGraphicsPathItem):
    """A route as an arrow; width follows flow tonnes once ``set_tonnes`` is called."""

    def __init__(self, route: Route, src: FacilityNode, dst: FacilityNode, lane: int = 0):
        super().__init__()
        self.route, self.src, self.dst = route, src, dst
        self.tonnes: float | None = None
        self.setZValue(1)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable, True)
        self.colour = QColor(MATERIAL_COLOURS.get(route.material, "#555555"))
        self._lane = lane
        self.emphasis = 0  # 1 = a route of the selected facility, -1 = faded, 0 = normal
        self._many = False
        self.width = 1.6
        self._tip_text: str | None = None  # built when a tooltip is asked for (see tip_text)
        self._brect: QRectF | None = None
        self._shape: QPainterPath | None = None
        self.layered = False  # drawn by the view's shared route layer (see ChainView._sync_layers)
        self._build_path()
        self._update_pen()
        self.head_polygon()  # made now, in the drawing's slices, not all at once by the layers

    def _build_path(self) -> None:
        a, b = self.src.port_out(), self.dst.port_in()
        off = self._lane * 5.0
        a += QPointF(0, off)
        b += QPointF(-10, off)  # leave room for the head
        path = QPainterPath(a)
        if b.x() > a.x() + 20:
            dx = (b.x() - a.x()) * 0.5
            path.cubicTo(a + QPointF(dx, 0), b - QPointF(dx, 0), b)
        else:  # backwards or same column: loop below the nodes
            drop = NODE_H * 0.9 + abs(self._lane) * 6
            c1 = a + QPointF(60, drop)
            c2 = b + QPointF(-60, drop)
            path.cubicTo(c1, c2, b)
        self.setPath(path)
        self._brect = self._shape = None
        self._end, self._angle = b, path.angleAtPercent(1.0)
        self._head: tuple[float, QPolygonF] | None = None

    def reroute(self) -> None:
        """Follow the ends after a node moved."""
        self.prepareGeometryChange()
        self._build_path()

    def _tip(self) -> None:
        """The tooltip is out of date; it is rebuilt when the pointer rests on the arrow (the
        view's ToolTip event calls ``tip_text``): building 387 tooltips on every flow-year change
        or rebuild cost about 30 ms on the GUI thread."""
        self._tip_text = None

    def tip_text(self) -> str:
        """The arrow's tooltip (ends, material, id, cost, capacity and the year's flow); also set
        as the item's toolTip."""
        if self._tip_text is not None:
            return self._tip_text
        r = self.route
        a, b = self.src.facility, self.dst.facility
        tip = (f"<b>{_esc(a.name or a.id)} \u2192 {_esc(b.name or b.id)}</b><br>{label_of(r.material)}"
               f"<br><span style='color:#777'>route {_esc(r.id)}</span>")
        if r.transport_usd_per_t is not None:
            tip += f"<br>transport {fmt_number(r.transport_usd_per_t)} $/t"
        if r.capacity_tpy is not None:
            tip += f"<br>capacity {fmt_number(r.capacity_tpy)} t/yr"
        if self.tonnes is not None and self.tonnes > 1e-9:
            tip += f"<br><b>flow {fmt_number(round(self.tonnes, 1))} t</b>"
        self._tip_text = tip
        self.setToolTip(tip)
        return tip

    def set_emphasis(self, emphasis: int, many: bool = False) -> None:
        if (emphasis, many) != (self.emphasis, self._many):
            self.emphasis, self._many = emphasis, many
            flows = self.tonnes is not None and self.tonnes > 1e-9
            self.setZValue((1.5 if emphasis > 0 else 1.0) + (0.3 if flows else 0.0))
            self._update_pen()
            self.update()

    def _update_pen(self) -> None:
        colour = QColor(self.colour)
        alpha = 0.45 if self._many else 0.9
        if self.tonnes is not None and self.tonnes <= 1e-9:
            alpha = 0.2
        if self.emphasis > 0:
            alpha = 1.0
        elif self.emphasis < 0:
            alpha = min(alpha, 0.12)
        colour.setAlphaF(alpha)
        width = self.width + (1.4 if self.emphasis > 0 else 0.0)
        key = (colour.rgba(), width)
        if key == getattr(self, "_pen_key", None):
            return  # unchanged: setPen would re-measure the item for nothing
        self._pen_key = key
        self.setPen(QPen(colour, width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        self._brect = self._shape = None

    def refresh(self) -> None:
        """Re-read the route's cost and capacity (tooltip) after an edit."""
        self._tip()
        self.update()

    def set_tonnes(self, tonnes: float | None, max_tonnes: float) -> None:
        """Width 1.6 px without flows; with flows 1 + 11 * sqrt(t / max t) px (0 t: faint)."""
        self.tonnes = tonnes
        if tonnes is None:
            self.width = 1.6
        elif tonnes <= 1e-9 or max_tonnes <= 0:
            self.width = 1.0
        else:
            self.width = 1.0 + 11.0 * math.sqrt(tonnes / max_tonnes)
        # routes with flow this year are drawn above unused ones (which are faint)
        z = (1.5 if self.emphasis > 0 else 1.0) + (0.3 if tonnes is not None and tonnes > 1e-9 else 0.0)
        if z != self.zValue():
            self.setZValue(z)
        self._update_pen()
        self._tip()
        self.update()

    def has_label(self) -> bool:
        return self.tonnes is not None and self.tonnes > 1e-9 and self.width >= LABEL_MIN_WIDTH

    def layer_key(self) -> tuple[int, float, float] | None:
        """(pen colour, width, z) when this arrow may be drawn by a shared layer: not emphasised,
        not selected and without a tonnage label; None when it paints itself."""
        if self.emphasis > 0 or self.isSelected() or self.has_label():
            return None
        rgba, width = self._pen_key  # the pen's colour and width, kept by _update_pen
        return rgba, width, self.zValue()

    def head_polygon(self) -> QPolygonF:
        """The arrow head: a triangle of side 7 + width px pointing along the path's end (kept
        until the path or the width changes: the layers ask for all 479 heads at every rebuild)."""
        if self._head is not None and self._head[0] == self.width:
            return self._head[1]
        size = 7.0 + self.width
        ang = math.radians(-self._angle)
        tip = self._end + QPointF(10 * math.cos(ang), 10 * math.sin(ang))
        left = tip - QPointF(size * math.cos(ang - 0.45), size * math.sin(ang - 0.45))
        right = tip - QPointF(size * math.cos(ang + 0.45), size * math.sin(ang + 0.45))
        self._head = (self.width, QPolygonF([tip, left, right]))
        return self._head[1]

    def boundingRect(self) -> QRectF:
        # cached: Qt asks for it thousands of times while building and painting the scene
        if self._brect is None:  # the curve's control points bound it; QGraphicsPathItem's own
            # boundingRect strokes the path through shape(), which cost ~0.1 ms per arrow
            m = 14.0 + self.pen().widthF() / 2
            self._brect = self.path().controlPointRect().adjusted(-m, -m, m, m)
        return self._brect

    def shape(self) -> QPainterPath:
        if self._shape is None:
            from PySide6.QtGui import QPainterPathStroker

            stroker = QPainterPathStroker()
            stroker.setWidth(max(8.0, self.width + 4))
            self._shape = stroker.createStroke(self.path())
        return self._shape

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        pen = self.pen()
        if option.state & QStyle.StateFlag.State_Selected:
            pen = QPen(pen)
            pen.setColor(QColor("#0a58ca"))  # blue when selected (no itemChange override in Python)
        # faint routes (unused this year, or faded) are drawn without antialiasing: most of the
        # 387 arrows, and antialiased wide curves were most of the painting time
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, pen.color().alphaF() > 0.25)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(self.path())
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(pen.color())
        painter.drawPolygon(self.head_polygon())
        if self.has_label():
            font = QFont()
            font.setPointSizeF(8.5)
            font.setBold(True)
            painter.setFont(font)
            text = f"{fmt_number(float(round(self.tonnes)))} t"
            fm = QFontMetrics(font)
            mid = self.path().pointAtPercent(0.5)
            box = QRectF(mid.x() - fm.horizontalAdvance(text) / 2 - 3, mid.y() - fm.height() / 2 - 1,
                         fm.horizontalAdvance(text) + 6, fm.height() + 2)
            painter.setPen(QPen(self.colour, 1))
            painter.setBrush(QBrush(QColor(255, 255, 255, 235)))
            painter.drawRoundedRect(box, 3, 3)  # a white plate keeps the label readable over arrows
            painter.setPen(QColor("#1a1a1a"))
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)


def spof_badge(painter: QPainter, centre: QPointF, font: QFont, size: float = 20.0) -> None:
    """The single-point-of-failure badge: an amber triangle with a black edge and a "1" (N-1)."""
    h = size * 0.87
    tri = QPolygonF([QPointF(centre.x(), centre.y() - h / 2), QPointF(centre.x() + size / 2, centre.y() + h / 2),
                     QPointF(centre.x() - size / 2, centre.y() + h / 2)])
    painter.setPen(QPen(SPOF_EDGE, 1.3))
    painter.setBrush(QBrush(SPOF_COLOUR))
    painter.drawPolygon(tri)
    bold = QFont(font)
    bold.setBold(True)
    painter.setFont(bold)
    painter.drawText(QRectF(centre.x() - size / 2, centre.y() - h / 2 + 3, size, h), Qt.AlignmentFlag.AlignCenter, "1")


def _esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
