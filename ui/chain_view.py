"""The chain view: facilities as nodes in stage columns, routes as arrows.

Columns (left to right): mines, cracking, separation / recycling, metal / cobalt, magnets
(``models.vocab.STAGE_ORDER``). Nodes are filled with their country's colour (legend at the
bottom), their outline shows the status (operating solid, committed thin, construction
dash-dot, planned dashed, concept dotted and faded) and a red badge marks covered output
(a covered country or Chinese process technology). Selecting a node selects the facility
everywhere (``Document.current_facility``). The context menu adds, connects and deletes
facilities; all changes are undoable.

``show_flows(result, year)`` sets arrow widths by the tonnes moved in ``year`` and marks
facilities with new investments in the plan.
"""

from __future__ import annotations

import colorsys
import math
import zlib
from collections import defaultdict
from typing import Any, Iterator

from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QBrush,
    QColor,
    QContextMenuEvent,
    QFont,
    QFontMetrics,
    QKeySequence,
    QPainter,
    QPainterPath,
    QPen,
    QPolygonF,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsPathItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QMenu,
    QStyle,
    QStyleOptionGraphicsItem,
    QWidget,
)

from models.covered import CHINESE_TECHNOLOGY, covered_reasons
from models.project import ExpansionOption, Facility, Route
from models.vocab import Material, Stage, Status

from .connect_dialog import ConnectDialog, connectable_materials
from .document import Document, unique_id
from . import turns
from .fields import country_label, fmt_number, label_of

COLUMNS: tuple[tuple[str, tuple[Stage, ...]], ...] = (
    ("Mines", (Stage.MINE,)),
    ("Cracking", (Stage.CRACKING,)),
    ("Separation / recycling", (Stage.SEPARATION, Stage.RECYCLING)),
    ("Metal / cobalt", (Stage.METAL, Stage.COBALT)),
    ("Magnets", (Stage.MAGNET_NDFEB, Stage.MAGNET_SMCO)),
)
COLUMN_OF = {stage: c for c, (_title, stages) in enumerate(COLUMNS) for stage in stages}

NODE_W, NODE_H = 214.0, 58.0
ROW_GAP = 74.0  # node pitch within a column
SUB_GAP = NODE_W + 26.0  # pitch of the sub-columns of one tall stage column
COL_SPACE = 70.0  # extra room between stage columns for the arrows
COL_GAP = NODE_W + COL_SPACE  # pitch of stage columns that fit in one sub-column
TOP = 40.0
LEGEND_H = 70.0
DEFAULT_VIEW = (1000, 650)


def rows_per_column(counts: list[int], view_w: float, view_h: float) -> int:
    """Most nodes stacked in one sub-column, chosen so the whole chain fits the view largest.

    A stage column with n facilities is drawn as ceil(n / cap) sub-columns of at most ``cap``
    nodes. Scene width = sub-columns x SUB_GAP + gaps between stage columns; height =
    cap x ROW_GAP + title and legend. Returns the cap with the largest fit scale
    min(view_w / width, view_h / height) (ties: the taller layout, fewer sub-columns).
    """
    tallest = max(counts, default=1) or 1
    best_scale, best_cap = -1.0, tallest
    for cap in range(tallest, min(tallest, 4) - 1, -1):
        subs = [max(1, math.ceil(n / cap)) for n in counts]
        width = sum(subs) * SUB_GAP + (len(counts) - 1) * COL_SPACE
        height = TOP + cap * ROW_GAP + LEGEND_H
        scale = min(view_w / width, view_h / height)
        if scale > best_scale + 1e-9:
            best_scale, best_cap = scale, cap
    return best_cap

COUNTRY_COLOURS = {
    "US": "#2f6db5", "AU": "#d99a00", "CA": "#00897b", "JP": "#8e44ad", "KR": "#5c6bc0",
    "GB": "#34495e", "DE": "#7f8c8d", "FR": "#2980b9", "EE": "#27ae60", "VN": "#d35400",
    "MY": "#6d4c41", "BR": "#2e7d32", "CN": "#8b1a1a", "RU": "#5d4037", "IN": "#ef6c00",
    "GL": "#00838f", "SE": "#1565c0", "NO": "#ad1457", "ZA": "#558b2f", "TZ": "#9e9d24",
}
STATUS_PEN = {
    Status.OPERATING: (Qt.PenStyle.SolidLine, 2.2),
    Status.COMMITTED: (Qt.PenStyle.SolidLine, 1.2),
    Status.CONSTRUCTION: (Qt.PenStyle.DashDotLine, 1.8),
    Status.PLANNED: (Qt.PenStyle.DashLine, 1.8),
    Status.CONCEPT: (Qt.PenStyle.DotLine, 1.8),
}
#: one clearly different colour per material (Tableau-style hues; oxides warm, metals cool)
MATERIAL_COLOURS = {
    Material.CONCENTRATE: "#8c564b", Material.MIXED_CARBONATE: "#c49a6c",
    Material.NDPR_OXIDE: "#ff7f0e", Material.DY_OXIDE: "#bcbd22", Material.TB_OXIDE: "#17becf",
    Material.SM_OXIDE: "#e377c2", Material.NDPR_METAL: "#1f77b4", Material.DY_METAL: "#2ca02c",
    Material.TB_METAL: "#9467bd", Material.SM_METAL: "#d62728", Material.COBALT: "#393b79",
    Material.NDFEB_SCRAP: "#7f7f7f", Material.NDFEB_MAGNET: "#111111", Material.SMCO_MAGNET: "#ad1457",
}
INVEST_COLOUR = QColor("#1b9e4b")
#: arrows at least this wide (px, i.e. flows of >= ~10 % of the year's largest) carry a tonnes label
LABEL_MIN_WIDTH = 1.0 + 11.0 * math.sqrt(0.10)


def exec_menu(menu: QMenu, pos: Any) -> None:
    """Show a context menu (a module function so tests can answer it without a click)."""
    menu.exec(pos)


def country_colour(code: str) -> QColor:
    """Fixed colours for common countries; a stable hash-derived hue for the others."""
    if code in COUNTRY_COLOURS:
        return QColor(COUNTRY_COLOURS[code])
    hue = (zlib.crc32(code.encode()) % 360) / 360.0
    r, g, b = colorsys.hsv_to_rgb(hue, 0.55, 0.75)
    return QColor(int(r * 255), int(g * 255), int(b * 255))


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
            lines.append(f"{len(f.options)} expansion option(s)")
        if covered:
            lines.append("<span style='color:#b00020'><b>covered output</b>: "
                         + " and ".join(reasons)
                         + "</span>")
        self._base_tooltip = "<br>".join(lines)
        self.setToolTip(self._base_tooltip + (f"<br><span style='color:#1b7a3d'><b>Plan invests:</b> "
                                              f"{self.investment}</span>" if self.investment else ""))
        self.update()

    def set_investment(self, text: str, online: bool) -> None:
        if (text, online) == (self.investment, self.invest_online):
            return  # unchanged: keep the cached picture (a repaint of a node costs ~1 ms)
        self.investment, self.invest_online = text, online
        self.setToolTip(self._base_tooltip + (f"<br><span style='color:#1b7a3d'><b>Plan invests:</b> {text}</span>"
                                              if text else ""))
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
        text_w = NODE_W - 24 - (22 if self.covered else 0)
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
            extra = (extra + " \u00b7 " if extra else "") + f"{len(f.options)} option(s)"
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


class ChainView(QGraphicsView):
    """Stage-column drawing of the project's facilities and routes."""

    facility_activated = Signal(object)  # double-click on a node
    message = Signal(str)

    def __init__(self, doc: Document, parent: QWidget | None = None):
        super().__init__(parent)
        self.doc = doc
        self.setScene(QGraphicsScene(self))
        # no BSP index: rebuilding it (on a timer, 2 s after items come or go: the shared route
        # layers are replaced at every change of selection or flows) took ~14 ms of a later turn;
        # painting and hit tests over ~600 items cost the same without it
        self.scene().setItemIndexMethod(QGraphicsScene.ItemIndexMethod.NoIndex)
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setBackgroundBrush(QBrush(QColor("#fbfbfa")))
        self.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.nodes: dict[str, FacilityNode] = {}
        self.edges: list[RouteEdge] = []
        self._result: Any = None
        self._year: int | None = None
        self._fitted = False
        self._syncing = False
        self._cap = 0
        self._drag_source: FacilityNode | None = None
        self._drag_line: QGraphicsPathItem | None = None
        self._column_x: list[float] = []  # left edge of each stage column (scene x)
        self._auto_pos: dict[str, QPointF] = {}  # where each node sits without a dragged position
        self._press_pos: dict[str, QPointF] = {}
        self._material_filter: str | None = None
        self._stage_filter: Stage | None = None
        self._layers: list[QGraphicsPathItem] = []  # shared route layers (see _sync_layers)
        self._selected_edges: set[int] = set()
        self._building = False
        self._layers_pending = False
        self._generation = 0  # counts rebuilds (show_flows skips work it has done for this one)
        self._flows_key: tuple | None = None
        self._flows_result: Any = None
        self._rebuild_timer = QTimer(self)
        self._rebuild_timer.setSingleShot(True)
        self._rebuild_timer.setInterval(0)
        self._rebuild_timer.timeout.connect(self.rebuild)
        self._slices: Iterator[None] | None = None
        self._slice_key = (id(self), "chain slices")  # in ui.turns' queue (one slice per turn)
        self._layers_key = (id(self), "chain layers")
        self.scene().selectionChanged.connect(self._scene_selection_changed)
        delete_action = QAction("Delete facility", self)
        delete_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        delete_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        delete_action.triggered.connect(self.delete_selected)
        self.addAction(delete_action)
        doc.project_replaced.connect(self._project_replaced)
        doc.items_inserted.connect(self._list_changed)
        doc.items_removed.connect(self._list_changed)
        doc.field_changed.connect(self._field_changed)
        doc.current_facility_changed.connect(self._select_facility)
        self.rebuild()

    # ------------------------------------------------------------ building
    def schedule_rebuild(self) -> None:
        self._rebuild_timer.start()

    def _project_replaced(self) -> None:
        self._fitted = False
        self._auto_pos.clear()  # a new project is laid out afresh
        self._result = None
        if len(self.doc.project.routes) > self.EDGES_PER_SLICE:
            self.rebuild_in_slices()
        else:  # small: at once
            self.rebuild()

    def _list_changed(self, owner: Any, attr: str, _index: int) -> None:
        if attr in ("facilities", "routes"):
            self.schedule_rebuild()
        elif attr == "options" and isinstance(owner, Facility):
            self._refresh_node(owner)

    #: facility fields that move nodes (column, order) or re-join arrows: these redraw everything
    LAYOUT_FIELDS = frozenset({"id", "stage", "country", "name"})

    def _field_changed(self, obj: Any, attr: str) -> None:
        """Redraw all only when the layout changes; otherwise refresh the one node or arrow."""
        if isinstance(obj, Facility):
            if attr in self.LAYOUT_FIELDS:
                if attr == "stage":  # to its new column: forget where it sat
                    self._auto_pos.pop(obj.id, None)
                self.schedule_rebuild()
            else:
                self._refresh_node(obj)
        elif isinstance(obj, Route):
            if attr in ("from_id", "to_id", "material"):
                self.schedule_rebuild()
            else:
                for edge in self.edges:
                    if edge.route is obj:
                        edge.refresh()
        elif attr == "covered_countries":
            self.schedule_rebuild()
        elif obj is self.doc.project and attr == "chain_layout":
            self._apply_layout()

    def _refresh_node(self, facility: Facility) -> None:
        node = self.nodes.get(facility.id)
        if node is None or node.facility is not facility:
            self.schedule_rebuild()
            return
        node.refresh(covered_reasons(facility, self.doc.project.settings.covered_countries))

    def rebuild(self) -> None:
        """Redraw every node and arrow from the project (keeps the selection and the flows)."""
        self._stop_sliced()
        for _ in self._rebuild_steps():
            pass

    #: arrows made per turn of the event loop when a new project is drawn in slices
    EDGES_PER_SLICE = 80
    #: nodes shown per turn then (a node's first paint, text and all, costs about 0.6 ms)
    NODES_PER_SLICE = 12

    def rebuild_in_slices(self) -> None:
        """Like ``rebuild`` but a few turns of the event loop at a time (nodes first, then
        EDGES_PER_SLICE arrows per turn), so opening the 479-route sample never freezes the
        window for the whole drawing; ``finish_rebuild`` completes it at once."""
        self._stop_sliced()
        self._rebuild_timer.stop()
        self._slices = self._rebuild_steps(reveal_in_slices=True)
        turns.post(self._next_slice, self._slice_key, owner=self)

    @property
    def is_building(self) -> bool:
        return self._slices is not None

    def finish_rebuild(self) -> None:
        """Complete a drawing started by ``rebuild_in_slices`` now (nothing when none runs)."""
        steps, self._slices = self._slices, None
        turns.cancel(self._slice_key)
        if steps is not None:
            for _ in steps:
                pass

    def _next_slice(self) -> None:
        if self._slices is None:
            return
        try:
            next(self._slices)
        except StopIteration:
            self._slices = None
            return
        turns.post(self._next_slice, self._slice_key, owner=self)

    def _stop_sliced(self) -> None:
        steps, self._slices = self._slices, None
        turns.cancel(self._slice_key)
        if steps is not None:
            steps.close()  # the rebuild that follows starts afresh
            self._syncing = self._building = False

    def _rebuild_steps(self, reveal_in_slices: bool = False) -> Iterator[None]:
        """The drawing, as steps: nodes and legend, then arrows in slices, then flows and layers.

        ``reveal_in_slices``: nodes are made hidden and shown NODES_PER_SLICE per step, so their
        first paint (cached afterwards) is spread over several turns too."""
        self._rebuild_timer.stop()
        scene = self.scene()
        self._syncing = True
        self._building = True
        try:
            self._layers = []
            self._selected_edges = set()
            self._generation += 1
            self._flows_key = None
            scene.clear()
            self.nodes.clear()
            self.edges.clear()
            project = self.doc.project
            covered = project.settings.covered_countries
            columns: dict[int, list[Facility]] = defaultdict(list)
            for f in project.facilities:
                columns[COLUMN_OF.get(f.stage, 0)].append(f)
            stage_rank = {s: i for i, s in enumerate(Stage)}
            counts = [len(columns.get(c, [])) for c in range(len(COLUMNS))]
            cap = rows_per_column(counts, *self._view_size())
            if cap != self._cap:
                self._auto_pos.clear()  # another fit of columns: lay out afresh
            self._cap = cap
            keep = dict(self._auto_pos)  # nodes already on screen stay where they are
            new_nodes: list[tuple[FacilityNode, int]] = []
            self._column_x = []
            x = 0.0
            for c, (title, _stages) in enumerate(COLUMNS):
                head = QGraphicsSimpleTextItem(title)
                font = QFont()
                font.setPointSizeF(11)
                font.setBold(True)
                head.setFont(font)
                head.setBrush(QBrush(QColor("#444444")))
                head.setPos(x, 0)
                scene.addItem(head)
                facs = sorted(columns.get(c, []),
                              key=lambda f: (stage_rank[f.stage], f.country, (f.name or f.id).lower()))
                for r, f in enumerate(facs):
                    if f.id in self.nodes:  # duplicate id: the validation panel reports it
                        continue
                    node = FacilityNode(f, covered_reasons(f, covered))
                    if reveal_in_slices:
                        node.setVisible(False)
                    if keep and f.id not in keep:
                        new_nodes.append((node, c))  # placed below its column, the others stay
                    node.setPos(keep.get(f.id, QPointF(x + (r // cap) * SUB_GAP, TOP + (r % cap) * ROW_GAP)))
                    scene.addItem(node)
                    self.nodes[f.id] = node
                subs = max(1, math.ceil(len(facs) / cap))
                self._column_x.append(x)
                x += subs * SUB_GAP + COL_SPACE
            tallest = min(cap, max(counts, default=1))
            for node, c in new_nodes:
                left = self._column_x[c]
                right = left + (self._column_x[c + 1] - COL_SPACE if c + 1 < len(self._column_x) else left + NODE_W)
                below = [n.pos().y() for n in self.nodes.values()
                         if n is not node and n.facility.id in keep and left - 1 <= n.pos().x() < right]
                node.setPos(left, (max(below) + ROW_GAP) if below else TOP)
            self._auto_pos = {fid: QPointF(n.pos()) for fid, n in self.nodes.items()}
            layout = project.chain_layout
            for fid, node in self.nodes.items():
                if fid in layout:
                    node.setPos(*layout[fid])
            tallest = max(tallest, int(max(((n.pos().y() - TOP) / ROW_GAP + 1 for n in self.nodes.values()),
                                           default=1)))
            self._add_legend(TOP + max(tallest, 1) * ROW_GAP + 20, max(x - COL_SPACE, 900.0))
            if not self._fitted and self.isVisible():
                # zoom now, from the nodes and the legend: fitting after the arrows would change
                # the scale once more and re-render every node's cached picture
                scene.setSceneRect(scene.itemsBoundingRect().adjusted(-30, -20, 30, 30))
                self.fit()
            yield
            if reveal_in_slices:
                for k, node in enumerate(self.nodes.values()):
                    if k and k % self.NODES_PER_SLICE == 0:
                        yield
                    node.setVisible(True)
                yield
            lanes: dict[tuple[str, str], int] = defaultdict(int)
            for k, route in enumerate(project.routes):
                if k and k % self.EDGES_PER_SLICE == 0:
                    yield
                src, dst = self.nodes.get(route.from_id), self.nodes.get(route.to_id)
                if src is None or dst is None or src is dst:
                    continue
                key = (route.from_id, route.to_id)
                n = lanes[key]
                lanes[key] += 1
                lane = (n + 1) // 2 * (1 if n % 2 else -1)
                edge = RouteEdge(route, src, dst, lane)
                edge.setVisible(False)  # shown (or filtered) at the end, then drawn by the layers
                scene.addItem(edge)
                self.edges.append(edge)
                src.edges.append(edge)
                dst.edges.append(edge)
            current = self.doc.current_facility
            if current is not None and current.id in self.nodes and self.nodes[current.id].facility is current:
                self.nodes[current.id].setSelected(True)
            yield
            self._emphasize(current)
        finally:
            self._syncing = False
        try:
            if self._result is not None and self._year is not None:
                yield
                self.show_flows(self._result, self._year)
            yield
            self._apply_filter()
        finally:
            self._building = False
        self._sync_layers()
        rect = scene.itemsBoundingRect().adjusted(-30, -20, 30, 30)
        scene.setSceneRect(rect)
        if not self._fitted and self.isVisible():
            self.fit()

    def _add_legend(self, y: float, max_width: float = 900.0) -> None:
        scene = self.scene()
        project = self.doc.project
        small = QFont()
        small.setPointSizeF(9.5)
        bold = QFont(small)
        bold.setBold(True)
        x = 0.0

        def text(s: str, px: float, py: float, font: QFont = small, colour: str = "#333333") -> float:
            item = QGraphicsSimpleTextItem(s)
            item.setFont(font)
            item.setBrush(QBrush(QColor(colour)))
            item.setPos(px, py)
            scene.addItem(item)
            return item.boundingRect().width()

        countries = sorted({f.country for f in project.facilities})
        x += text("Countries:", x, y, bold) + 10
        for code in countries:
            label_w = QFontMetrics(small).horizontalAdvance(country_label(code))
            if x + 16 + label_w > max_width:
                x, y = 80.0, y + 20
            swatch = QGraphicsRectItem(x, y + 2, 12, 12)
            swatch.setBrush(QBrush(country_colour(code)))
            swatch.setPen(QPen(Qt.PenStyle.NoPen))
            scene.addItem(swatch)
            x += 16 + text(country_label(code), x + 16, y) + 14
        y2 = y + 24
        x = text("Status:", 0, y2, bold) + 10
        for status in Status:
            style, width = STATUS_PEN[status]
            line = QGraphicsPathItem()
            path = QPainterPath(QPointF(x, y2 + 8))
            path.lineTo(x + 26, y2 + 8)
            line.setPath(path)
            line.setPen(QPen(QColor("#222222"), width, style))
            scene.addItem(line)
            x += 32 + text(label_of(status), x + 32, y2) + 16
        badge = QGraphicsRectItem(x + 8, y2 + 1, 14, 14)
        badge.setBrush(QBrush(QColor("#d32f2f")))
        badge.setPen(QPen(Qt.PenStyle.NoPen))
        scene.addItem(badge)
        x += 28 + text("covered output (covered country or Chinese technology)", x + 28, y2) + 16
        glow = QGraphicsRectItem(x + 8, y2 + 1, 14, 14)
        glow.setPen(QPen(INVEST_COLOUR, 3))
        scene.addItem(glow)
        text("new investment in the plan", x + 28, y2)
        # materials: the arrow colours (only those the routes carry)
        present = {r.material for r in project.routes}
        used = [m for m in Material if m in present]
        y3 = y2 + 24
        x = text("Materials:", 0, y3, bold) + 10
        for m in used:
            label_w = QFontMetrics(small).horizontalAdvance(label_of(m))
            if x + 32 + label_w > max_width:
                x, y3 = 80.0, y3 + 20
            line = QGraphicsPathItem()
            path = QPainterPath(QPointF(x, y3 + 8))
            path.lineTo(x + 24, y3 + 8)
            line.setPath(path)
            line.setPen(QPen(QColor(MATERIAL_COLOURS[m]), 4, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
            scene.addItem(line)
            x += 30 + text(label_of(m), x + 30, y3) + 14

    # ------------------------------------------------------ layout and filters
    def _apply_layout(self) -> None:
        """Put every node where ``project.chain_layout`` says, else where the layout put it."""
        layout = self.doc.project.chain_layout
        for fid, node in self.nodes.items():
            want = QPointF(*layout[fid]) if fid in layout else self._auto_pos.get(fid)
            if want is not None and node.pos() != want:
                node.setPos(want)
                node.reroute_edges()
        self._sync_layers()
        self.scene().setSceneRect(self.scene().itemsBoundingRect().adjusted(-30, -20, 30, 30))

    def set_filter(self, material: str | None = None, stage: Stage | None = None) -> None:
        """Show only routes of ``material``; with ``stage``, only that stage's facilities stand out
        (others faded) and only routes from or to them are drawn. None = all."""
        self._material_filter, self._stage_filter = material, stage
        self._apply_filter()

    def _apply_filter(self) -> None:
        material, stage = self._material_filter, self._stage_filter
        for node in self.nodes.values():
            node.setOpacity(1.0 if stage is None or node.facility.stage is stage else 0.3)
        for edge in self.edges:
            ok = material is None or edge.route.material.value == material
            if ok and stage is not None:
                ok = stage in (edge.src.facility.stage, edge.dst.facility.stage)
            edge.setVisible(ok)
        self._sync_layers()

    def _sync_layers(self) -> None:
        """Draw the plain arrows (not emphasised, not selected, unlabelled) as one path item per
        pen, with their heads as one filled path per pen.

        Painting 387-479 arrows one item at a time cost about 45 ms of CPU per repaint (QGraphicsView
        spends ~30 us per item before anything is drawn, and most arrows are faint). Those arrows
        keep their item for the pointer (selection, tooltip, context menu) with the
        ItemHasNoContents flag, so Qt skips them when painting; the few emphasised, selected or
        labelled arrows still paint themselves.
        """
        if self._building or self._layers_pending:
            return
        # once per turn of the event loop: opening a project asks five times (rebuild, flows,
        # emphasis, filter, year); the arrows' flags change only here, with the layers, so what is
        # painted is consistent (at worst one frame shows the previous pens)
        self._layers_pending = True
        turns.post(self.flush_layers, self._layers_key, owner=self)

    def flush_layers(self) -> None:
        """Bring the shared layers up to date now (normally done on the next turn of the loop)."""
        if not self._layers_pending or self._building:
            return
        self._layers_pending = False
        scene = self.scene()
        for item in self._layers:
            scene.removeItem(item)
        self._layers = []
        groups: dict[tuple[int, float, float], list[RouteEdge]] = defaultdict(list)
        for edge in self.edges:
            key = edge.layer_key() if edge.isVisible() else None
            layered = key is not None
            if layered != edge.layered:
                edge.layered = layered
                edge.setFlag(QGraphicsItem.GraphicsItemFlag.ItemHasNoContents, layered)
                edge.update()
            if layered:
                groups[key].append(edge)
        for (rgba, width, z), edges in groups.items():
            colour = QColor.fromRgba(rgba)
            curves, heads = QPainterPath(), QPainterPath()
            for edge in edges:
                curves.addPath(edge.path())
                heads.addPolygon(edge.head_polygon())
            line = QGraphicsPathItem(curves)
            line.setPen(QPen(colour, width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
            head = QGraphicsPathItem(heads)
            head.setPen(QPen(Qt.PenStyle.NoPen))
            head.setBrush(QBrush(colour))
            for item in (line, head):
                item.setZValue(z - 0.01)  # under the arrows' (empty) items, so the pointer finds those
                item.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
                scene.addItem(item)
                self._layers.append(item)

    def layered_edges(self) -> list[RouteEdge]:
        """Arrows drawn by the shared layers (the others paint themselves)."""
        self.flush_layers()
        return [e for e in self.edges if e.layered]

    def layer_items(self) -> list[QGraphicsPathItem]:
        """The shared layers' path items (curves and heads, one pair per pen)."""
        self.flush_layers()
        return list(self._layers)

    def visible_routes(self) -> list[Route]:
        return [e.route for e in self.edges if e.isVisible()]

    def fit(self) -> None:
        """Zoom to show the whole chain (never magnify beyond 100 %)."""
        rect = self.scene().sceneRect()
        if rect.isEmpty():
            return
        self.resetTransform()
        self.fitInView(rect, Qt.AspectRatioMode.KeepAspectRatio)
        if self.transform().m11() > 1.0:
            self.resetTransform()
        self._fitted = True

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if not self._fitted:
            QTimer.singleShot(0, self.fit)

    def _view_size(self) -> tuple[float, float]:
        vp = self.viewport().size()
        if vp.width() < 300 or vp.height() < 200:
            return DEFAULT_VIEW
        return float(vp.width()), float(vp.height())

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        counts = [0] * len(COLUMNS)
        for f in self.doc.project.facilities:
            counts[COLUMN_OF.get(f.stage, 0)] += 1
        if rows_per_column(counts, *self._view_size()) != self._cap:
            self._fitted = False
            self.schedule_rebuild()
        elif self._fitted:
            self.fit()

    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.flush_layers()  # never paint 479 arrows one by one while the layers wait
        elif event.type() == QEvent.Type.ToolTip:  # arrows build their tooltip only when asked
            for item in self.items(event.pos()):
                if isinstance(item, RouteEdge):
                    item.tip_text()
                    break
                if isinstance(item, FacilityNode):
                    break
        return super().viewportEvent(event)

    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            factor = 1.15 if event.angleDelta().y() > 0 else 1 / 1.15
            self.scale(factor, factor)
            self._fitted = False
            return
        super().wheelEvent(event)

    # ------------------------------------------------------------ selection
    def _scene_selection_changed(self) -> None:
        selected_edges = {id(e) for e in self.scene().selectedItems() if isinstance(e, RouteEdge)}
        if selected_edges != self._selected_edges:  # a selected arrow paints itself (in blue)
            self._selected_edges = selected_edges
            self._sync_layers()
        if self._syncing:
            return
        selected = [i for i in self.scene().selectedItems() if isinstance(i, FacilityNode)]
        if selected:
            self.doc.set_current_facility(selected[0].facility)

    def _emphasize(self, facility: Facility | None) -> None:
        """Routes of the selected facility stand out; the others fade (all normal without one)."""
        many = len(self.edges) > 120
        fid = facility.id if facility is not None else None
        for edge in self.edges:
            if fid is None:
                edge.set_emphasis(0, many)
            elif fid in (edge.route.from_id, edge.route.to_id):
                edge.set_emphasis(1, many)
            else:
                edge.set_emphasis(-1, many)
        self._sync_layers()

    def _select_facility(self, facility: Facility | None) -> None:
        self._syncing = True
        try:
            for node in self.nodes.values():
                node.setSelected(node.facility is facility)
            if facility is not None and facility.id in self.nodes:
                self.ensureVisible(self.nodes[facility.id], 40, 40)
            self._emphasize(facility)
        finally:
            self._syncing = False

    # ------------------------------------------------------- drag to connect
    def _node_at(self, view_pos: Any) -> FacilityNode | None:
        for item in self.items(view_pos):
            if isinstance(item, FacilityNode):
                return item
        return None

    def mousePressEvent(self, event: Any) -> None:
        """Shift+drag from a node (or drag from its right-hand port) to another node connects them."""
        pos = event.position().toPoint()
        node = self._node_at(pos) if event.button() == Qt.MouseButton.LeftButton else None
        if node is not None and (event.modifiers() & Qt.KeyboardModifier.ShiftModifier
                                 or node.in_port(self.mapToScene(pos))):
            self._drag_source = node
            self._drag_line = QGraphicsPathItem()
            self._drag_line.setPen(QPen(QColor("#0a58ca"), 2, Qt.PenStyle.DashLine))
            self._drag_line.setZValue(5)
            self.scene().addItem(self._drag_line)
            self.setDragMode(QGraphicsView.DragMode.NoDrag)
            self.viewport().setCursor(Qt.CursorShape.CrossCursor)
            event.accept()
            return
        self._press_pos = {fid: QPointF(n.pos()) for fid, n in self.nodes.items()} if node is not None else {}
        super().mousePressEvent(event)

    def _commit_moves(self) -> None:
        """Nodes dragged since the press keep their place: one undoable 'Move' in chain_layout."""
        before, self._press_pos = self._press_pos, {}
        moved = [fid for fid, p in before.items() if fid in self.nodes and self.nodes[fid].pos() != p]
        if not moved:
            return
        layout = dict(self.doc.project.chain_layout)
        for fid in moved:
            p = self.nodes[fid].pos()
            layout[fid] = (round(p.x(), 1), round(p.y(), 1))
        f = self.nodes[moved[0]].facility
        name = f.name or f.id if len(moved) == 1 else f"{len(moved)} facilities"
        self.doc.set_field(self.doc.project, "chain_layout", layout, text=f"Move {name}")
        self._apply_layout()

    def mouseMoveEvent(self, event: Any) -> None:
        if self._drag_source is not None and self._drag_line is not None:
            path = QPainterPath(self._drag_source.port_out())
            path.lineTo(self.mapToScene(event.position().toPoint()))
            self._drag_line.setPath(path)
            event.accept()
            return
        super().mouseMoveEvent(event)
        if self._press_pos:  # dragging nodes: their arrows follow
            for fid, p in self._press_pos.items():
                node = self.nodes.get(fid)
                if node is not None and node.pos() != getattr(node, "_drawn_at", p):
                    node._drawn_at = QPointF(node.pos())
                    node.reroute_edges()
                    self._sync_layers()

    def mouseReleaseEvent(self, event: Any) -> None:
        if self._drag_source is None and self._press_pos:
            super().mouseReleaseEvent(event)
            self._commit_moves()
            return
        if self._drag_source is not None:
            source = self._drag_source
            self._drag_source = None
            if self._drag_line is not None:
                self.scene().removeItem(self._drag_line)
                self._drag_line = None
            self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
            self.viewport().unsetCursor()
            target = self._node_at(event.position().toPoint())
            if target is not None and target is not source:
                self.connect_between(source.facility, target.facility)
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def connect_between(self, source: Facility, target: Facility) -> Route | None:
        """Add a route source -> target: at once when one material fits, else ask which one."""
        materials = connectable_materials(source, target)
        if not materials:
            self.message.emit(f"Cannot connect: {target.name or target.id} uses nothing that "
                              f"{source.name or source.id} makes")
            return None
        if len(materials) > 1:
            dialog = ConnectDialog(self.doc, source, self)
            dialog.set_target(target.id)
            if dialog.exec() != ConnectDialog.DialogCode.Accepted or dialog.route() is None:
                return None
            route = dialog.route()
        else:
            rid = unique_id(f"{source.id}-to-{target.id}"[:50], self.doc.taken_ids("routes"))
            route = Route(id=rid, from_id=source.id, to_id=target.id, material=materials[0])
        self.doc.insert_item(self.doc.project, "routes", route, text=f"Connect {route.from_id} to {route.to_id}")
        self.message.emit(f"Connected {route.from_id} to {route.to_id} ({label_of(route.material)})")
        return route

    def mouseDoubleClickEvent(self, event: Any) -> None:
        item = self.itemAt(event.position().toPoint())
        if isinstance(item, FacilityNode):
            self.doc.set_current_facility(item.facility)
            self.facility_activated.emit(item.facility)
            return
        super().mouseDoubleClickEvent(event)

    # ---------------------------------------------------------------- flows
    def show_flows(self, result: Any, year: int) -> None:
        """Arrow widths by tonnes moved in ``year``; mark facilities the plan invests in.

        Width = 1 + 11 * sqrt(t / t_max) px, t = tonnes of the route's material from its source
        to its target in ``year`` (all classes and source mines summed), t_max = the largest such
        flow that year. ``result=None`` (or a result without a plan) clears the flows.
        Facilities with an investment get a green outline: solid when online by ``year``,
        dashed when it comes online later; the label gives added t/yr and the online year.
        """
        has_plan = result is not None and getattr(result, "has_plan", False)
        key = (id(result), year, self._generation) if has_plan else (None, None, self._generation)
        self._result, self._year = result, year
        if key == self._flows_key and (not has_plan or result is self._flows_result):
            return  # already shown (opening a project asks for "no flows" three times)
        self._flows_key, self._flows_result = key, result if has_plan else None
        tonnes: dict[tuple[str, str, str], float] = defaultdict(float)
        if has_plan:
            for fl in result.flows:
                if fl.year == year:
                    tonnes[(fl.from_id, fl.to_id, str(getattr(fl.material, "value", fl.material)))] += fl.tonnes
        biggest = max(tonnes.values(), default=0.0)
        for edge in self.edges:
            r = edge.route
            t = tonnes.get((r.from_id, r.to_id, r.material.value), 0.0) if has_plan else None
            edge.set_tonnes(t, biggest)
        invest: dict[str, list[Any]] = defaultdict(list)
        if has_plan:
            for inv in result.investments:
                invest[inv.facility].append(inv)
        for fid, node in self.nodes.items():
            items = invest.get(fid, [])
            if not items:
                node.set_investment("", False)
                continue
            added = sum(i.added_tpy for i in items)
            first = min(i.online_year for i in items)
            node.set_investment(f"+{fmt_number(float(round(added)))} t/yr from {first}", first <= year)
        self._sync_layers()

    def invested_facilities(self) -> set[str]:
        return {fid for fid, node in self.nodes.items() if node.investment}

    # ---------------------------------------------------------- context menu
    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        item = self.itemAt(event.pos())
        menu = QMenu(self)
        if isinstance(item, FacilityNode):
            f = item.facility
            self.doc.set_current_facility(f)
            menu.addAction(f"Connect {f.name or f.id} to...", lambda: self.connect_from(f))
            menu.addAction("Add expansion option", lambda: self.add_option(f))
            menu.addSeparator()
            menu.addAction(f"Delete {f.name or f.id} and its routes", lambda: self.doc.remove_facility(f))
        elif isinstance(item, RouteEdge):
            r = item.route
            menu.addAction(f"Delete route {r.id}", lambda: self.delete_route(r))
        else:
            x = self.mapToScene(event.pos()).x()
            column = self.column_at(x)
            add = menu.addMenu("Add facility")
            for stage in Stage:
                act: QAction = add.addAction(label_of(stage), lambda s=stage: self.add_facility(s))
                if COLUMN_OF[stage] == column:
                    add.setDefaultAction(act)
            menu.addSeparator()
            menu.addAction("Fit to window", self.fit)
            if self.doc.project.chain_layout:
                menu.addAction("Arrange automatically (forget dragged places)", self.arrange_automatically)
        exec_menu(menu, event.globalPos())

    def arrange_automatically(self) -> None:
        """Back to the stage-column layout (undoable)."""
        self.doc.set_field(self.doc.project, "chain_layout", {}, text="Arrange the chain automatically")
        self._auto_pos.clear()
        self.rebuild()

    def column_at(self, x: float) -> int:
        """Index of the stage column under scene x (for 'Add facility' in the context menu)."""
        column = 0
        for c, left in enumerate(self._column_x):
            if x >= left - COL_SPACE / 2:
                column = c
        return column

    def add_facility(self, stage: Stage) -> Facility:
        fid = unique_id(f"new-{stage.value}", self.doc.taken_ids("facilities"))
        f = Facility(id=fid, name=f"New {label_of(stage)}", stage=stage, country="US",
                     status=Status.PLANNED).with_default_recipe()
        self.doc.add_facility(f)
        self.doc.set_current_facility(f)
        return f

    def add_option(self, f: Facility) -> None:
        oid = unique_id(f"{f.id}-expansion", self.doc.taken_ids("options"))
        self.doc.insert_item(f, "options", ExpansionOption(id=oid, name="Expansion", max_add_tpy=1000.0),
                             text=f"Add expansion option to {f.id}")

    def delete_selected(self) -> None:
        """Delete the selected facility (and its routes) or the selected route."""
        edges = [i for i in self.scene().selectedItems() if isinstance(i, RouteEdge)]
        if edges:
            self.delete_route(edges[0].route)
        elif self.doc.current_facility is not None:
            self.doc.remove_facility(self.doc.current_facility)

    def delete_route(self, route: Route) -> None:
        index = next(i for i, r in enumerate(self.doc.project.routes) if r is route)
        self.doc.remove_item(self.doc.project, "routes", index, f"Delete route {route.id}")

    def connect_from(self, source: Facility) -> Route | None:
        """Ask for a target and a material (source produces, target consumes); add the route."""
        dialog = ConnectDialog(self.doc, source, self)
        if dialog.exec() != ConnectDialog.DialogCode.Accepted:
            return None
        route = dialog.route()
        if route is not None:
            self.doc.insert_item(self.doc.project, "routes", route, text=f"Connect {route.from_id} to {route.to_id}")
        return route


def _esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
