"""The map: facilities at their coordinates on an offline world basemap, flows as arcs.

Basemap: Natural Earth 1:110m countries (public domain), simplified once into
``ui/resources/world_110m.json`` by ``ui/resources/make_basemap.py``; no network at run time.

Projection: plate carree (equirectangular), scene x = lon x ``DEG``, scene y = -lat x ``DEG``
(``ui.views.map_projection``: the projection, the central meridian and the great circles). The map
ends at ``SOUTH_EDGE_LAT`` (60 S): Antarctica, with no facility and in this projection a band across
the whole width, is left out. Land is cut at the data's 180th meridian (``split_at_seam``) and its
outline leaves out the cut edges (``coast_lines``), so the Pacific-centred map of an Australia - US
chain shows no line down Chukotka or Fiji.
Markers and arcs are drawn in pixels (they keep their size while zooming): the marker shape
says the stage, the fill the country (same colours as the chain
view), a thick red outline covered output (covered country or Chinese process technology),
a faded fill a facility not yet built (planned or concept), an amber ring a single point of failure
of the last stress test (``ui.document.stress_marks``; tooltip: its shortfall). Facilities at the same place are
spread on a small circle so each stays visible and clickable.

``show_flows(result, year, material)``: facility-to-facility tonnes of that year (all classes
and source mines summed, one material or all) as great-circle arcs; width = 1 + 9 x
sqrt(t / t_max) px, t_max = the largest arc that year.

Selection is ``Document.current_facility`` (shared with the chain view, the tables and the
inspector). Clicking the map while placing (``start_placing``) or "Place ... here" in the
context menu sets the facility's latitude and longitude as one undoable step; "Add facility
here" adds a new facility at that point (one undoable step).
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPointF, QRectF, QSizeF, Qt, QTimer, Signal
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
    QPainterPathStroker,
    QPen,
    QPolygonF,
    QTransform,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QComboBox,
    QGraphicsItem,
    QGraphicsPathItem,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QStyleOptionGraphicsItem,
    QVBoxLayout,
    QWidget,
)

from models.covered import is_covered_facility
from models.project import Facility
from models.vocab import Material, Stage, Status, stage_label
from ui.document.document import Document, unique_id
from ui.document.fields import country_label, fmt_number, label_of
from ui.runtime import turns
from ui.views.document_view import follow_document, prepare_scene_view
from ui.views.flow_bar import HorizonYears, material_combo
from ui.views.map_projection import (
    DEG,
    arc_path,
    central_meridian_of,
    coast_lines,
    project_point,
    split_at_seam,
    unproject,
)
from ui.views.palette import MATERIAL_COLOURS, SPOF_COLOUR, SPOF_EDGE, country_colour, exec_menu

BASEMAP = Path(__file__).resolve().parents[1] / "resources" / "world_110m.json"
MARKER_R = 7.0  # px
SPREAD_R = 10.0  # px: radius of the circle that facilities at one place are spread on
SAME_PLACE_DEG = 0.08
OCEAN, LAND, BORDER = QColor("#dbe7f1"), QColor("#f4f1ea"), QColor("#b9b2a1")
SELECT_COLOUR = QColor("#0a58ca")
COVERED_COLOUR = QColor("#d32f2f")
LEADER_PEN = QPen(QColor(60, 60, 60, 140), 1)  # from a spread marker to its true place
SELECTED_PEN, HOVER_PEN = QPen(SELECT_COLOUR, 2.5), QPen(SELECT_COLOUR, 1.5)
SPOF_R = MARKER_R + 8.5  # px: the single-point-of-failure ring (outside the selection ring)
SPOF_EDGE_PEN, SPOF_PEN = QPen(SPOF_EDGE, 5.4), QPen(SPOF_COLOUR, 3.4)  # a black-edged amber ring


#: the map's southern edge (degrees): land wholly south of it (Antarctica) is left out, the
#: graticule stops there and "Whole world" shows down to it
SOUTH_EDGE_LAT = -60.0
#: the map's northern edge (degrees): the northernmost land (Greenland) reaches 83.6 N
NORTH_EDGE_LAT = 90.0
#: width (degrees of longitude) of the bands the basemap's land is cut into (see MapView._add_basemap)
LAND_BAND_DEG = 30.0
#: degrees around an arc that its pen may cover: half the widest arc (5 px) at 2 px per degree,
#: about the whole world in a small map window (see LinePathItem)
ARC_MARGIN_DEG = 3.0
#: degrees of the band along an arc that shows its tooltip
ARC_HOVER_DEG = 1.5
#: degrees around a coast or grid line that its 1 px pen may cover
LINE_MARGIN_DEG = 1.0


def marker_shape(stage: Stage, r: float = MARKER_R) -> QPainterPath:
    """Marker outline by stage, centred on (0, 0), radius ``r`` px.

    mine: triangle, cracking: square, separation: diamond, recycling: triangle down,
    metal: hexagon, cobalt: pentagon, NdFeB magnets: circle, SmCo magnets: circle with a hole.
    """
    def polygon(n: int, rot: float, radius: float = r) -> QPainterPath:
        pts = [QPointF(radius * math.cos(rot + 2 * math.pi * k / n), radius * math.sin(rot + 2 * math.pi * k / n))
               for k in range(n)]
        p = QPainterPath()
        p.addPolygon(QPolygonF(pts + pts[:1]))
        return p

    if stage is Stage.MINE:
        return polygon(3, -math.pi / 2, r * 1.15)
    if stage is Stage.CRACKING:
        return polygon(4, math.pi / 4, r * 1.1)
    if stage is Stage.SEPARATION:
        return polygon(4, 0, r * 1.15)
    if stage is Stage.RECYCLING:
        return polygon(3, math.pi / 2, r * 1.15)
    if stage is Stage.METAL:
        return polygon(6, 0)
    if stage is Stage.COBALT:
        return polygon(5, -math.pi / 2)
    p = QPainterPath()
    p.addEllipse(QPointF(0, 0), r, r)
    if stage is Stage.MAGNET_SMCO:
        p.addEllipse(QPointF(0, 0), r * 0.42, r * 0.42)
    return p


STAGE_LEGEND = tuple((stage, stage_label(stage)) for stage in (
    Stage.MINE, Stage.CRACKING, Stage.SEPARATION, Stage.RECYCLING, Stage.METAL, Stage.COBALT,
    Stage.MAGNET_NDFEB, Stage.MAGNET_SMCO))


def load_basemap() -> list[list[tuple[float, float]]]:
    """Land rings as lists of (lon, lat) from the bundled Natural Earth file."""
    data = json.loads(BASEMAP.read_text(encoding="utf-8"))
    rings = []
    for country in data["countries"]:
        for flat in country["rings"]:
            rings.append(list(zip(flat[0::2], flat[1::2])))
    return rings


Ring = list[tuple[float, float]]


def land_parts(rings: list[Ring]) -> list[tuple[Ring, list[Ring]]]:
    """The land the map draws: (part to fill, its coast lines) for each ring north of
    ``SOUTH_EDGE_LAT``, cut at the 180th meridian (``split_at_seam``), with the cut edges left out of
    the coast lines (``coast_lines``)."""
    out = []
    for ring in rings:
        if max(lat for _lon, lat in ring) < SOUTH_EDGE_LAT:
            continue
        for part in split_at_seam(ring, 180.0):
            out.append((part, coast_lines(part, 180.0)))
    return out


class MarkerItem(QGraphicsItem):
    """One facility at its coordinates; drawn in pixels (ignores the view's zoom)."""

    def __init__(self, facility: Facility, covered: bool, lon0: float = 0.0):
        super().__init__()
        self.facility = facility
        self.covered = covered
        self.offset = QPointF(0, 0)  # px, when several facilities share a place
        self.site: tuple[int, int] | None = None  # the place's key when it is shared (MapView.rebuild)
        self.selected = False
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations, True)
        self.setAcceptHoverEvents(True)
        self.setZValue(10)
        self._hover = False
        self.setPos(project_point(facility.lat or 0.0, facility.lon or 0.0, lon0))
        self._shape = marker_shape(facility.stage)
        self._leader = False
        self.risk_mark = ""  # "single point of failure: ..." (set_risk_mark)
        fill = country_colour(facility.country)
        if facility.status in (Status.PLANNED, Status.CONCEPT):
            fill.setAlphaF(0.45)
        self._brush = QBrush(fill)
        self._pen = QPen(COVERED_COLOUR, 2.6) if covered else QPen(QColor("#1f1f1f"), 1.1)
        f = facility
        lines = [f"<b>{_esc(f.name or f.id)}</b>",
                 f"{label_of(f.stage)}, {label_of(f.status)}, {country_label(f.country)}",
                 f"{fmt_number(f.capacity_tpy)} t/yr" + (f" \u00b7 online {f.online_year}" if f.online_year else ""),
                 f"{f.lat:.2f}\u00b0, {f.lon:.2f}\u00b0" if f.lat is not None and f.lon is not None else ""]
        if covered:
            lines.append("<span style='color:#b00020'><b>covered output</b></span>")
        lines.append(f"<span style='color:#777'>id {_esc(f.id)}</span>")
        self._base_tooltip = "<br>".join(x for x in lines if x)
        self.setToolTip(self._base_tooltip)

    def set_risk_mark(self, text: str) -> None:
        """Ring (and tooltip line) of a single point of failure; "" removes it."""
        if text == self.risk_mark:
            return
        self.prepareGeometryChange()  # the ring reaches beyond the plain marker
        self.risk_mark = text
        self.setToolTip(self._base_tooltip + (f"<br><span style='color:#8a4b00'><b>{_esc(text)}</b></span>"
                                              if text else ""))
        self.setZValue((12 if self.selected else 10) + (0.5 if text else 0.0))
        self.update()

    def set_offset(self, offset: QPointF) -> None:
        self.prepareGeometryChange()
        self.offset = offset
        self._leader = offset.manhattanLength() > 0

    def set_selected(self, selected: bool) -> None:
        if selected != self.selected:
            self.selected = selected
            self.setZValue((12 if selected else 10) + (0.5 if self.risk_mark else 0.0))
            self.update()

    def boundingRect(self) -> QRectF:
        r = SPOF_R + 3.5 if self.risk_mark else MARKER_R * 1.2 + 6
        return QRectF(self.offset.x() - r, self.offset.y() - r, 2 * r, 2 * r)

    def shape(self) -> QPainterPath:
        p = QPainterPath()
        p.addEllipse(self.offset, MARKER_R + 2, MARKER_R + 2)
        return p

    def hoverEnterEvent(self, event: Any) -> None:
        self._hover = True
        self.update()

    def hoverLeaveEvent(self, event: Any) -> None:
        self._hover = False
        self.update()

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        # pens and brush are made once per marker (a marker is rebuilt when its facility
        # changes): made here, they were a third of the markers' ~6 ms per map paint
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.translate(self.offset)
        if self._leader:  # a thin leader to the true place
            painter.setPen(LEADER_PEN)
            painter.drawLine(QPointF(0, 0), -self.offset)
        if self.risk_mark:
            painter.setBrush(Qt.BrushStyle.NoBrush)
            for pen in (SPOF_EDGE_PEN, SPOF_PEN):
                painter.setPen(pen)
                painter.drawEllipse(QPointF(0, 0), SPOF_R, SPOF_R)
        if self.selected or self._hover:
            painter.setPen(SELECTED_PEN if self.selected else HOVER_PEN)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawEllipse(QPointF(0, 0), MARKER_R + 5, MARKER_R + 5)
        painter.setPen(self._pen)
        painter.setBrush(self._brush)
        painter.drawPath(self._shape)


class LinePathItem(QGraphicsPathItem):
    """A path drawn with a cosmetic pen (pixels wide at any zoom), bounded by its control points.

    QGraphicsPathItem bounds a path with a pen by stroking it (``shape()``): for the basemap's
    29,000 coast points that cost ~25 ms of the map's first paint, and an item whose ``shape()``
    is overridden to be empty got an empty bounding rect (its area was not redrawn when it went).
    Here the bounding rect is the control-point rect widened by ``margin`` scene units (the pen's
    half-width at the least zoom the map is seen at), and the shape is the path itself.
    """

    def __init__(self, path: QPainterPath, margin: float):
        super().__init__(path)
        self._margin = margin
        self._brect: QRectF | None = None

    def setPath(self, path: QPainterPath) -> None:  # noqa: N802 (Qt's name)
        self.prepareGeometryChange()
        self._brect = None
        super().setPath(path)

    def boundingRect(self) -> QRectF:
        if self._brect is None:
            m = self._margin
            self._brect = self.path().controlPointRect().adjusted(-m, -m, m, m)
        return self._brect

    def shape(self) -> QPainterPath:
        return self.path()


class LandItem(LinePathItem):
    """Land of one band of longitude: the fill without antialiasing, the coasts and borders with.

    An antialiased fill of the coasts cost ~24 ms per paint of the world at 1,000 px, an aliased
    one ~1.3 ms; the antialiased coast line (0.7 px, drawn over the fill's edge) hides the steps,
    so the two look the same even at 3x (bench: ``bench/bench_ui_stalls.py``, map step).
    ``outline``: the coast and border lines, without the edges where land was cut at the seam.
    """

    def __init__(self, path: QPainterPath, outline: QPainterPath, margin: float):
        super().__init__(path, margin)
        self.outline = outline

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(self.brush())
        painter.drawPath(self.path())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(self.pen())
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(self.outline)
        painter.restore()


class FlowLook:
    """What a flow's drawing says, shared by arcs and same-place loops: tonnes, pen width (px,
    1 + 9 sqrt(t / t_max): the year's biggest flow is 10 px), colour (the material's, grey for
    several) and tooltip (from, to, tonnes by material)."""

    def __init__(self, src: Facility, dst: Facility, by_material: dict[str, float], biggest: float):
        self.src, self.dst = src, dst
        self.by_material = dict(by_material)
        self.tonnes = sum(by_material.values())
        self.width = 1.0 + 9.0 * math.sqrt(self.tonnes / biggest) if biggest > 0 else 1.0
        if len(by_material) == 1:
            colour = QColor(MATERIAL_COLOURS.get(_material(next(iter(by_material))), "#455a64"))
        else:
            colour = QColor("#455a64")
        colour.setAlphaF(0.75)
        self.colour = colour
        parts = "<br>".join(f"{label_of(_material(m))}: {fmt_number(float(round(t, 1)))} t"
                            for m, t in sorted(by_material.items(), key=lambda kv: -kv[1]))
        self.tooltip = (f"<b>{_esc(src.name or src.id)} \u2192 {_esc(dst.name or dst.id)}</b><br>"
                        f"{fmt_number(float(round(self.tonnes, 1)))} t<br>{parts}")

    def pen(self, cosmetic: bool) -> QPen:
        pen = QPen(self.colour, self.width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
        pen.setCosmetic(cosmetic)
        return pen

    def apply(self, item: QGraphicsItem) -> None:
        item.src, item.dst = self.src, self.dst
        item.by_material, item.tonnes, item.width = self.by_material, self.tonnes, self.width
        item.setAcceptedMouseButtons(Qt.MouseButton.NoButton)  # clicks go to the markers and the map
        item.setZValue(5 + min(self.width, 10) / 100)  # big flows above small ones
        item.setToolTip(self.tooltip)


#: facilities named on the map: those moving the most tonnes in the year shown
MAP_LABELS = 8


class MapLabel(QGraphicsSimpleTextItem):
    """A facility's name on a pale box, readable over arcs and other markers."""

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        painter.save()
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(255, 255, 255, 215))
        painter.drawRoundedRect(self.boundingRect().adjusted(-2, 0, 2, 0), 3, 3)
        painter.restore()
        super().paint(painter, option, widget)

#: px between an arc's arrowhead and its end (the destination marker's radius and a little)
ARROW_SETBACK_PX = 9.0


class FlowArc(LinePathItem):
    """Tonnes moved between two facilities in one year, as a great-circle arc."""

    def __init__(self, src: Facility, dst: Facility, by_material: dict[str, float], biggest: float, lon0: float = 0.0):
        super().__init__(arc_path(src.lat or 0.0, src.lon or 0.0, dst.lat or 0.0, dst.lon or 0.0, lon0),
                         ARC_MARGIN_DEG * DEG)
        self._hover_shape: QPainterPath | None = None
        look = FlowLook(src, dst, by_material, biggest)
        look.apply(self)
        self.setPen(look.pen(cosmetic=True))
        # an arc over the map's seam ends beyond the edge, away from the destination's marker:
        # its end gets a ring and the destination's name there
        end = self.path().currentPosition()
        here = project_point(dst.lat or 0.0, dst.lon or 0.0, lon0)
        self.crosses_seam = abs(end.x() - here.x()) > 1e-6

    def arrow_head(self, to_device: Any) -> QPolygonF:
        """A triangle in device px pointing along the arc's last step at its end, set back by
        ARROW_SETBACK_PX so the destination's marker does not hide it; size grows with the width."""
        path = self.path()
        n = path.elementCount()
        tip = to_device.map(QPointF(path.elementAt(n - 1).x, path.elementAt(n - 1).y))
        k = n - 2
        before = to_device.map(QPointF(path.elementAt(k).x, path.elementAt(k).y))
        while k > 0 and math.hypot(tip.x() - before.x(), tip.y() - before.y()) < 4:  # a step too short to aim
            k -= 1
            before = to_device.map(QPointF(path.elementAt(k).x, path.elementAt(k).y))
        dx, dy = tip.x() - before.x(), tip.y() - before.y()
        d = math.hypot(dx, dy) or 1.0
        ux, uy = dx / d, dy / d
        size = 5.0 + 0.6 * self.width
        point = QPointF(tip.x() - ux * ARROW_SETBACK_PX, tip.y() - uy * ARROW_SETBACK_PX)
        back = QPointF(point.x() - ux * size * 1.6, point.y() - uy * size * 1.6)
        return QPolygonF([point, QPointF(back.x() - uy * size, back.y() + ux * size),
                          QPointF(back.x() + uy * size, back.y() - ux * size)])

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        super().paint(painter, option, widget)
        to_device = painter.worldTransform()
        painter.save()
        painter.resetTransform()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        colour = QColor(self.pen().color())
        colour.setAlphaF(0.9)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        painter.drawPolygon(self.arrow_head(to_device))
        if self.crosses_seam:
            end = to_device.map(self.path().currentPosition())
            painter.setBrush(QColor(255, 255, 255, 230))
            painter.setPen(QPen(colour, 2))
            painter.drawEllipse(end, 6, 6)
            # the destination's name where the arc ends, kept inside the view when the end is
            # beyond its edge ("<- Noveon Magnetics" at the left edge)
            name = self.dst.name or self.dst.id
            area = QRectF(widget.rect()) if widget is not None else QRectF(painter.viewport())
            text_w = painter.fontMetrics().horizontalAdvance(name + " ← ")
            if end.x() < area.left() + 4:
                label, x = "← " + name, area.left() + 4
            elif end.x() > area.right() - text_w:
                label, x = name + " →", area.right() - text_w
            else:
                label, x = name, end.x() + 9
            y = min(max(end.y() + 4, area.top() + 14), area.bottom() - 4)
            painter.setPen(QColor("#263238"))
            painter.drawText(QPointF(x, y), label)
        painter.restore()

    def shape(self) -> QPainterPath:
        """A band ARC_HOVER_DEG wide along the arc, for its tooltip (the arc takes no clicks:
        they go to the markers and the map). Stroked on first hover, not on paint."""
        if self._hover_shape is None:
            stroker = QPainterPathStroker()
            stroker.setWidth(ARC_HOVER_DEG * DEG)
            self._hover_shape = stroker.createStroke(self.path())
        return self._hover_shape


#: px that a same-place loop bulges beyond the circle its facilities' markers are spread on
SITE_LOOP_PX = 14.0


def site_loop_path(a: QPointF, b: QPointF) -> QPainterPath:
    """A curve in px from marker offset ``a`` to ``b`` (both around the place, at 0, 0) that bulges
    away from the place: control point = the offsets' midpoint m pushed outwards (along m, or
    across a -> b when m is the place itself) by half of |b - a| + ``SITE_LOOP_PX``."""
    mid = (a + b) / 2
    chord = b - a
    half = math.hypot(chord.x(), chord.y()) / 2
    out = math.hypot(mid.x(), mid.y())
    if out > 1e-6:
        direction = QPointF(mid.x() / out, mid.y() / out)
    elif half > 1e-6:
        direction = QPointF(-chord.y() / (2 * half), chord.x() / (2 * half))
    else:
        direction = QPointF(0.0, -1.0)
    path = QPainterPath(a)
    path.quadTo(mid + direction * (half + SITE_LOOP_PX), b)
    return path


class SiteFlow(QGraphicsPathItem):
    """Tonnes moved between two facilities at one place (a mine and its separation plant at
    Mountain Pass): a great-circle arc between them has no length, so the flow is a loop drawn
    in px from one spread marker to the other (see MapView.rebuild's spreading). Both ends are
    taken at the first facility's place: the two lie within SAME_PLACE_DEG of each other."""

    def __init__(self, src_marker: MarkerItem, dst_marker: MarkerItem, by_material: dict[str, float], biggest: float):
        super().__init__(site_loop_path(src_marker.offset, dst_marker.offset))
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations, True)
        self.setPos(src_marker.pos())
        look = FlowLook(src_marker.facility, dst_marker.facility, by_material, biggest)
        look.apply(self)
        self.setPen(look.pen(cosmetic=False))


def _material(value: str) -> Any:
    try:
        return Material(value)
    except ValueError:
        return value


class MapView(QGraphicsView):
    """World basemap with facility markers and flow arcs."""

    facility_activated = Signal(object)  # double-click on a marker
    placing_changed = Signal(object)  # the facility waiting for a click, or None
    flows_drawn = Signal()  # the arcs were (re)drawn
    message = Signal(str)

    def __init__(self, doc: Document, parent: QWidget | None = None):
        super().__init__(parent)
        self.doc = doc
        prepare_scene_view(self)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.BoundingRectViewportUpdate)
        self.setBackgroundBrush(QBrush(OCEAN))
        # no scroll bars: the map pans by dragging (scroll bars coming and going would resize and re-fit forever)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.markers: dict[str, MarkerItem] = {}
        self.arcs: list[FlowArc | SiteFlow] = []
        self.labels: dict[str, MapLabel] = {}  # facility id -> its name on the map
        self._flows_stale = False  # arcs to redraw when the map is next shown
        self._rebuild_pending = False  # a project opened while the map was hidden
        self.unplaced: list[Facility] = []
        self.placing: Facility | None = None
        self._result: Any = None
        self._year: int | None = None
        self._material: str | None = None
        self._fitted = False
        self.lon0 = 0.0  # the map's central meridian (degrees east); chosen in rebuild
        self._add_basemap()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.rebuild)
        follow_document(self, doc, self._select)
        self.rebuild()

    # ------------------------------------------------------------ building
    def _add_basemap(self) -> None:
        """Graticule and land, drawn three times side by side (longitudes -540..540): moved by
        -lon0 they cover the map whatever its central meridian, and an arc that runs past the
        seam still has the coasts under it."""
        scene = self.scene()
        # the scene keeps the whole globe's height: a view fitted to the facilities (Australia's
        # at 35-40 S and a margin) is never pushed up by the scene's edge under the legend
        scene.setSceneRect(QRectF(-360 * DEG, -90 * DEG, 720 * DEG, 180 * DEG))
        grid = QPainterPath()
        for lon in range(-540, 541, 30):
            grid.moveTo(QPointF(lon * DEG, -SOUTH_EDGE_LAT * DEG))
            grid.lineTo(QPointF(lon * DEG, -NORTH_EDGE_LAT * DEG))
        for lat in range(-60, 61, 30):
            grid.moveTo(QPointF(-540 * DEG, -lat * DEG))
            grid.lineTo(QPointF(540 * DEG, -lat * DEG))
        pen = QPen(QColor("#c5d6e4"), 0.8)
        pen.setCosmetic(True)
        self.grid = LinePathItem(grid, LINE_MARGIN_DEG * DEG)
        self.grid.setPen(pen)
        scene.addItem(self.grid)
        self.grid.setZValue(0)
        # the land as one item per LAND_BAND_DEG band of longitude (a ring goes to the band of its
        # west edge), so a repaint only runs through the coasts near the part on screen: one
        # path of all three copies (29,000 points) cost ~22 ms per repaint, a third of it visible
        bands: dict[int, tuple[QPainterPath, QPainterPath]] = {}
        for part, lines in land_parts(load_basemap()):
            west = min(lon for lon, _lat in part)
            for shift in (-360.0, 0.0, 360.0):
                band, outline = bands.setdefault(math.floor((west + shift) / LAND_BAND_DEG),
                                                 (QPainterPath(), QPainterPath()))
                band.setFillRule(Qt.FillRule.WindingFill)
                band.addPolygon(QPolygonF([QPointF((lon + shift) * DEG, -lat * DEG) for lon, lat in part]))
                band.closeSubpath()
                for line in lines:
                    outline.addPolygon(QPolygonF([QPointF((lon + shift) * DEG, -lat * DEG) for lon, lat in line]))
        pen = QPen(BORDER, 0.7)
        pen.setCosmetic(True)
        self.land_items = []
        for _band, (path, outline) in sorted(bands.items()):
            item = LandItem(path, outline, LINE_MARGIN_DEG * DEG)
            item.setPen(pen)
            item.setBrush(QBrush(LAND))
            scene.addItem(item)
            item.setZValue(1)
            self.land_items.append(item)
        self._place_basemap()

    def _place_basemap(self) -> None:
        for item in (self.grid, *self.land_items):
            item.setPos(-self.lon0 * DEG, 0.0)

    def schedule_rebuild(self) -> None:
        self._timer.start()

    def _project_replaced(self) -> None:
        self._result = None
        self.placing = None
        self.placing_changed.emit(None)
        self._fitted = False
        if self.isVisible():
            self.rebuild()
            self.fit()
        else:  # opening a project while the chain tab is shown: markers and seam on a turn of their
            # own (ui.runtime.turns), or when the map is shown, whichever comes first
            self._rebuild_pending = True
            turns.post(self._rebuild_if_pending, (id(self), "map rebuild"), owner=self)

    def _list_changed(self, owner: Any, attr: str, _index: int) -> None:
        if attr in ("facilities", "routes"):
            self.schedule_rebuild()

    MAP_FIELDS = frozenset({"id", "lat", "lon", "stage", "country", "name", "status", "chinese_technology",
                            "capacity_tpy", "online_year", "covered_countries"})

    def _field_changed(self, obj: Any, attr: str) -> None:
        if attr in self.MAP_FIELDS:
            self.schedule_rebuild()

    def _rebuild_if_pending(self) -> None:
        if self._rebuild_pending:
            self.rebuild()

    def rebuild(self) -> None:
        """Markers (and the flow arcs) from the project; keeps basemap, zoom and selection."""
        self._timer.stop()
        self._rebuild_pending = False
        turns.cancel((id(self), "map rebuild"))
        scene = self.scene()
        for label in self.labels.values():  # names sit beside markers that are about to go
            scene.removeItem(label)
        self.labels = {}
        for item in list(self.markers.values()):
            scene.removeItem(item)
        self.markers.clear()
        project = self.doc.project
        covered = project.settings.covered_countries
        lon0 = central_meridian_of(project)
        if lon0 != self.lon0:
            self.lon0 = lon0
            self._place_basemap()
        self.unplaced = []
        groups: dict[tuple[int, int], list[MarkerItem]] = defaultdict(list)
        for f in project.facilities:
            if f.lat is None or f.lon is None:
                self.unplaced.append(f)
                continue
            if f.id in self.markers:
                continue
            m = MarkerItem(f, is_covered_facility(f, covered), self.lon0)
            if self.stress_marks is not None:
                m.set_risk_mark(self.stress_marks.mark_of(f.id))
            scene.addItem(m)
            self.markers[f.id] = m
            groups[(round(f.lat / SAME_PLACE_DEG), round(f.lon / SAME_PLACE_DEG))].append(m)
        for key, members in groups.items():
            if len(members) > 1:
                for m in members:
                    m.site = key  # flows between them are loops (SiteFlow), not zero-length arcs
                n = len(members)
                radius = max(SPREAD_R, n * (MARKER_R * 2.2) / (2 * math.pi))
                for k, m in enumerate(members):
                    a = -math.pi / 2 + 2 * math.pi * k / n
                    m.set_offset(QPointF(radius * math.cos(a), radius * math.sin(a)))
        self._select(self.doc.current_facility)
        self._draw_flows()
        if self.placing is not None and not any(f is self.placing for f in project.facilities):
            self.stop_placing()

    # ---------------------------------------------------- stress test marks
    def apply_stress_marks(self) -> None:
        """Rings on the facilities the last stress test named; the legend gets its entry."""
        for fid, m in self.markers.items():
            m.set_risk_mark(self.stress_marks.mark_of(fid) if self.stress_marks is not None else "")
        self.viewport().update()

    def marked_facilities(self) -> dict[str, str]:
        """Facility id -> the mark its marker carries."""
        return {fid: m.risk_mark for fid, m in self.markers.items() if m.risk_mark}

    # ---------------------------------------------------------------- flows
    def show_flows(self, result: Any, year: int | None, material: str | None = None) -> None:
        """Arcs for the facility-to-facility flows of ``year`` (one ``material`` or all)."""
        self._result, self._year, self._material = result, year, material
        self._draw_flows()

    def _draw_flows(self) -> None:
        """Draw the arcs now when the map is shown; a hidden map draws them on a turn of their own
        (ui.runtime.turns: a new plan's other updates, and the chain on screen, do not wait for them),
        or when it is shown, whichever comes first."""
        if not self.isVisible():
            self._flows_stale = True
            turns.post(self._draw_stale_flows, (id(self), "map flows"), owner=self)
            return
        self._draw_flows_now()

    def _draw_stale_flows(self) -> None:
        if self._flows_stale and not self._rebuild_pending:  # a pending rebuild draws them too
            self._draw_flows_now()

    def _draw_flows_now(self) -> None:
        self._flows_stale = False
        turns.cancel((id(self), "map flows"))
        scene = self.scene()
        for arc in self.arcs:
            scene.removeItem(arc)
        self.arcs.clear()
        result, year = self._result, self._year
        if result is None or not getattr(result, "has_plan", False) or year is None:
            self._label_main_facilities()  # no arcs: no names
            self.viewport().update()
            self.flows_drawn.emit()
            return
        by_id = {f.id: f for f in self.doc.project.facilities}
        pairs: dict[tuple[str, str], dict[str, float]] = defaultdict(lambda: defaultdict(float))
        for fl in result.flows:
            if fl.year != year or fl.tonnes <= 1e-6:
                continue
            m = str(getattr(fl.material, "value", fl.material))
            if self._material is not None and m != self._material:
                continue
            a, b = by_id.get(fl.from_id), by_id.get(fl.to_id)
            if a is None or b is None or a.lat is None or a.lon is None or b.lat is None or b.lon is None:
                continue
            pairs[(a.id, b.id)][m] += fl.tonnes
        biggest = max((sum(v.values()) for v in pairs.values()), default=0.0)
        for (a, b), by_material in sorted(pairs.items(), key=lambda kv: sum(kv[1].values())):
            ma, mb = self.markers.get(a), self.markers.get(b)
            if ma is not None and mb is not None and ma.site is not None and ma.site == mb.site:
                arc: FlowArc | SiteFlow = SiteFlow(ma, mb, by_material, biggest)
            else:
                arc = FlowArc(by_id[a], by_id[b], by_material, biggest, self.lon0)
            scene.addItem(arc)
            self.arcs.append(arc)
        self._label_main_facilities()
        self.viewport().update()  # the flow legend (drawn in the foreground) follows the arcs
        self.flows_drawn.emit()

    def _label_main_facilities(self) -> None:
        """Names beside the MAP_LABELS facilities that move the most tonnes (in + out) in the
        drawn year; a name that would overlap one already placed (at the current zoom) is left
        out, and the marker's tooltip still has it."""
        for label in self.labels.values():
            if label.scene() is not None:
                label.scene().removeItem(label)
        self.labels = {}
        through: dict[str, float] = defaultdict(float)
        for a in self.arcs:
            through[a.src.id] += a.tonnes
            through[a.dst.id] += a.tonnes
        placed: list[QRectF] = []
        font = QFont()
        font.setPointSizeF(8.0)
        fm = QFontMetrics(font)
        for fid, _t in sorted(through.items(), key=lambda kv: -kv[1]):
            if len(self.labels) >= MAP_LABELS:
                break
            marker = self.markers.get(fid)
            if marker is None:
                continue
            text = marker.facility.name or fid
            at = marker.offset + QPointF(9, -fm.height() / 2)
            box = QRectF(QPointF(self.mapFromScene(marker.pos())) + at, QSizeF(fm.horizontalAdvance(text), fm.height()))
            if any(box.intersects(p) for p in placed):
                continue
            placed.append(box.adjusted(-2, -1, 2, 1))
            label = MapLabel(text)  # in pixels beside its marker at any zoom, above every marker
            label.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations, True)
            label.setFont(font)
            label.setBrush(QBrush(QColor("#1d2630")))
            label.setPos(marker.pos())
            label.setTransform(QTransform.fromTranslate(at.x(), at.y()))
            label.setZValue(20)
            self.scene().addItem(label)
            label.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
            self.labels[fid] = label

    def flow_legend(self) -> list[tuple[str, str]]:
        """(label, colour name) of each arc colour on the map, in the order of MATERIAL_COLOURS:
        one per material an arc carries alone, and "several materials" for the grey mixed arcs."""
        single = {str(next(iter(a.by_material))) for a in self.arcs if len(a.by_material) == 1}
        mixed = any(len(a.by_material) > 1 for a in self.arcs)
        out = [(label_of(_material(m)), QColor(MATERIAL_COLOURS.get(_material(m), "#455a64")).name())
               for m in sorted(single, key=lambda m: list(MATERIAL_COLOURS).index(_material(m))
                               if _material(m) in MATERIAL_COLOURS else 99)]
        if mixed:
            out.append(("several materials", "#455a64"))
        return out

    def flow_tonnes(self) -> dict[tuple[str, str], float]:
        """Drawn arcs as {(from id, to id): tonnes}."""
        return {(a.src.id, a.dst.id): a.tonnes for a in self.arcs}

    # ------------------------------------------------------------ selection
    def _select(self, facility: Facility | None) -> None:
        for m in self.markers.values():
            m.set_selected(m.facility is facility)

    def marker_at(self, view_pos: Any) -> MarkerItem | None:
        """The marker under a viewport point; of overlapping ones, the one centred nearest."""
        hits = [i for i in self.items(view_pos) if isinstance(i, MarkerItem)]
        if not hits:
            return None
        return min(hits, key=lambda m: (self.view_pos_of(m.facility.id) - view_pos).manhattanLength())

    def view_pos_of(self, facility_id: str) -> Any:
        """Viewport position (QPoint) of a facility's marker centre, offset included."""
        m = self.markers[facility_id]
        return self.mapFromScene(m.pos()) + m.offset.toPoint()

    # -------------------------------------------------------------- placing
    def start_placing(self, facility: Facility) -> None:
        """The next left click on the map sets ``facility``'s coordinates."""
        self.placing = facility
        self.viewport().setCursor(Qt.CursorShape.CrossCursor)
        self.placing_changed.emit(facility)

    def stop_placing(self) -> None:
        self.placing = None
        self.viewport().unsetCursor()
        self.placing_changed.emit(None)

    def place(self, facility: Facility, lat: float, lon: float) -> None:
        """Set latitude and longitude (rounded to 0.01 degree, about 1 km) as one undo step."""
        lat, lon = round(lat, 2), round(lon, 2)
        with self.doc.macro(f"Place {facility.name or facility.id} at {lat:.2f}, {lon:.2f}"):
            self.doc.set_field(facility, "lat", lat)
            self.doc.set_field(facility, "lon", lon)
        self.message.emit(f"Placed {facility.name or facility.id} at {lat:.2f}\u00b0, {lon:.2f}\u00b0 "
                          "(Undo moves it back)")

    def add_facility_at(self, stage: Stage, lat: float, lon: float) -> Facility:
        """A new planned facility of ``stage`` at the point (one undoable step); selects it."""
        fid = unique_id(f"new-{stage.value}", self.doc.taken_ids("facilities"))
        f = Facility(id=fid, name=f"New {label_of(stage)}", stage=stage, country="US", status=Status.PLANNED,
                     lat=round(lat, 2), lon=round(lon, 2)).with_default_recipe()
        self.doc.add_facility(f)
        self.doc.set_current_facility(f)
        return f

    # --------------------------------------------------------------- mouse
    def mousePressEvent(self, event: Any) -> None:
        pos = event.position().toPoint()
        if event.button() == Qt.MouseButton.LeftButton:
            if self.placing is not None:
                facility = self.placing
                self.stop_placing()
                lat, lon = unproject(self.mapToScene(pos), self.lon0)
                self.place(facility, lat, lon)
                event.accept()
                return
            marker = self.marker_at(pos)
            if marker is not None:
                self.doc.set_current_facility(marker.facility)
                event.accept()
                return
        super().mousePressEvent(event)

    def mouseDoubleClickEvent(self, event: Any) -> None:
        marker = self.marker_at(event.position().toPoint())
        if marker is not None:
            self.doc.set_current_facility(marker.facility)
            self.facility_activated.emit(marker.facility)
            return
        super().mouseDoubleClickEvent(event)

    def keyPressEvent(self, event: Any) -> None:
        if event.key() == Qt.Key.Key_Escape and self.placing is not None:
            self.stop_placing()
            return
        super().keyPressEvent(event)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        marker = self.marker_at(event.pos())
        menu = QMenu(self)
        if marker is not None:
            f = marker.facility
            self.doc.set_current_facility(f)
            menu.addAction(f"Move {f.name or f.id}...", lambda: self.start_placing(f))
        else:
            lat, lon = unproject(self.mapToScene(event.pos()), self.lon0)
            current = self.doc.current_facility
            if current is not None:
                menu.addAction(f"Place {current.name or current.id} here ({lat:.2f}\u00b0, {lon:.2f}\u00b0)",
                               lambda: self.place(current, lat, lon))
            add = menu.addMenu("Add facility here")
            for stage in Stage:
                add.addAction(label_of(stage), lambda s=stage: self.add_facility_at(s, lat, lon))
            menu.addSeparator()
            menu.addAction("Fit to facilities", self.fit)
            menu.addAction("Whole world", self.fit_world)
        exec_menu(menu, event.globalPos())

    def wheelEvent(self, event: QWheelEvent) -> None:
        """The wheel zooms about the mouse (map convention); never beyond 1 px = 0.002 degree."""
        factor = 1.2 if event.angleDelta().y() > 0 else 1 / 1.2
        scale = self.transform().m11() * factor
        if 0.05 <= scale <= 60:
            self.scale(factor, factor)
        self._fitted = False

    # ----------------------------------------------------------------- zoom
    def fit(self) -> None:
        """Zoom to the placed facilities (the whole world when there are none)."""
        pts = [m.pos() for m in self.markers.values()]
        if not pts:
            self.fit_world()
            return
        xs, ys = [p.x() for p in pts], [p.y() for p in pts]
        rect = QRectF(min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys))
        margin = max(rect.width(), rect.height()) * 0.06 + 10 * DEG
        self.fitInView(rect.adjusted(-margin, -margin, margin, margin), Qt.AspectRatioMode.KeepAspectRatio)
        self._fitted = True
        self._label_main_facilities()  # which names overlap depends on the zoom

    def fit_world(self) -> None:
        top = min(85.0, NORTH_EDGE_LAT)
        self.fitInView(QRectF(-180 * DEG, -top * DEG, 360 * DEG, (top - SOUTH_EDGE_LAT) * DEG),
                       Qt.AspectRatioMode.KeepAspectRatio)
        self._fitted = True

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if self._rebuild_pending:
            self.rebuild()
        if self._flows_stale:
            self._draw_flows_now()
        if not self._fitted:  # now, before the first paint (a fit on the next turn painted the whole map twice)
            self.fit()

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        if self._fitted:
            self.fit()

    # --------------------------------------------------------------- legend
    def drawForeground(self, painter: QPainter, rect: QRectF) -> None:
        """Legend of marker shapes and outlines, fixed at the bottom left of the viewport."""
        painter.save()
        painter.resetTransform()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        font = QFont()
        font.setPointSizeF(8.5)
        painter.setFont(font)
        fm = QFontMetrics(font)
        entries: list[tuple[QPainterPath | None, str, QPen, QBrush]] = []
        plain = QPen(QColor("#1f1f1f"), 1.1)
        grey = QBrush(QColor("#9e9e9e"))
        for stage, text in STAGE_LEGEND:
            entries.append((marker_shape(stage, 5.5), text, plain, grey))
        entries.append((marker_shape(Stage.MAGNET_NDFEB, 5.5), "covered output", QPen(COVERED_COLOUR, 2.4), grey))
        faded = QColor("#9e9e9e")
        faded.setAlphaF(0.45)
        entries.append((marker_shape(Stage.MAGNET_NDFEB, 5.5), "planned / concept", plain, QBrush(faded)))
        if any(m.risk_mark for m in self.markers.values()):
            ring = QPainterPath()
            ring.addEllipse(QPointF(0, 0), 5.5, 5.5)
            title = self.stress_marks.title if self.stress_marks is not None else ""
            entries.append((ring, f"single point of failure ({title or 'stress test'})", QPen(SPOF_COLOUR, 3.2),
                            QBrush(Qt.BrushStyle.NoBrush)))
        row_h = 17
        width = 24 + max(fm.horizontalAdvance(t) for _s, t, _p, _b in entries) + 10
        height = row_h * len(entries) + 26
        vp = self.viewport().rect()
        box = QRectF(8, vp.height() - height - 8, width, height)
        painter.setPen(QPen(QColor("#bbbbbb"), 1))
        painter.setBrush(QBrush(QColor(255, 255, 255, 225)))
        painter.drawRoundedRect(box, 5, 5)
        painter.setPen(QColor("#333333"))
        bold = QFont(font)
        bold.setBold(True)
        painter.setFont(bold)
        painter.drawText(QPointF(box.left() + 8, box.top() + 15), "Stage (fill = country)")
        painter.setFont(font)
        y = box.top() + 22
        for shape, text, pen, brush in entries:
            painter.save()
            painter.translate(box.left() + 14, y + row_h / 2)
            painter.setPen(pen)
            painter.setBrush(brush)
            if shape is not None:
                painter.drawPath(shape)
            painter.restore()
            painter.setPen(QColor("#333333"))
            painter.drawText(QPointF(box.left() + 26, y + row_h / 2 + fm.ascent() / 2 - 1), text)
            y += row_h
        self._draw_flow_legend(painter, font, bold, fm, QPointF(box.right() + 8, box.bottom()))
        painter.restore()

    def _draw_flow_legend(self, painter: QPainter, font: QFont, bold: QFont, fm: QFontMetrics,
                          bottom_left: QPointF) -> None:
        """The arcs' colours by material (only those drawn) beside the stage legend; width = tonnes."""
        entries = self.flow_legend()
        if not entries:
            return
        row_h = 17
        title = "Flows (width = tonnes)"
        width = max([24 + fm.horizontalAdvance(t) for t, _c in entries]
                    + [QFontMetrics(bold).horizontalAdvance(title)]) + 18
        height = row_h * len(entries) + 26
        box = QRectF(bottom_left.x(), bottom_left.y() - height, width, height)
        painter.setPen(QPen(QColor("#bbbbbb"), 1))
        painter.setBrush(QBrush(QColor(255, 255, 255, 225)))
        painter.drawRoundedRect(box, 5, 5)
        painter.setFont(bold)
        painter.setPen(QColor("#333333"))
        painter.drawText(QPointF(box.left() + 8, box.top() + 15), title)
        painter.setFont(font)
        y = box.top() + 22
        for text, colour in entries:
            painter.setPen(QPen(QColor(colour), 3, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
            painter.drawLine(QPointF(box.left() + 8, y + row_h / 2), QPointF(box.left() + 22, y + row_h / 2))
            painter.setPen(QColor("#333333"))
            painter.drawText(QPointF(box.left() + 28, y + row_h / 2 + fm.ascent() / 2 - 1), text)
            y += row_h


class MapPanel(HorizonYears, QWidget):
    """The map with a bar: flow year and material, place the selected facility, fit."""

    def __init__(self, doc: Document, parent: QWidget | None = None):
        super().__init__(parent)
        self.doc = doc
        self.view = MapView(doc)
        self.year_combo = QComboBox()
        self.year_combo.setToolTip("Arcs show the plan's flows between facilities in this year")
        self.material_combo = material_combo("Show the flows of one material only")
        self.place_button = QPushButton("Place on map")
        self.place_button.setCheckable(True)
        self.place_button.setToolTip("Then click the map to set the selected facility's coordinates (Esc cancels)")
        self.place_button.toggled.connect(self._place_toggled)
        self.fit_button = QPushButton("Fit")
        self.fit_button.setToolTip("Zoom to the facilities (the wheel zooms, drag pans)")
        self.fit_button.clicked.connect(self.view.fit)
        self.note = QLabel()
        self.note.setTextFormat(Qt.TextFormat.RichText)
        bar = QHBoxLayout()
        bar.setContentsMargins(8, 4, 8, 0)
        bar.addWidget(self.note, 1)
        bar.addWidget(self.place_button)
        bar.addWidget(QLabel("Flows in"))
        bar.addWidget(self.year_combo)
        bar.addWidget(self.material_combo)
        bar.addWidget(self.fit_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.view)
        self.year_combo.currentIndexChanged.connect(lambda _i: self._update_flows())
        self.material_combo.currentIndexChanged.connect(lambda _i: self._update_flows())
        self.view.placing_changed.connect(self._placing_changed)
        # Esc cancels placing wherever the focus is in the window (the inspector, a table), not only
        # on the map; enabled only while placing, so at other times Esc still closes an editor
        self.cancel_placing_action = QAction("Cancel placing", self)
        self.cancel_placing_action.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        self.cancel_placing_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.cancel_placing_action.setEnabled(False)
        self.cancel_placing_action.triggered.connect(lambda _c=False: self.view.stop_placing())
        self.addAction(self.cancel_placing_action)
        self.view.flows_drawn.connect(self._update_note)
        doc.result_changed.connect(lambda _r: self._update_flows())
        doc.current_facility_changed.connect(lambda _f: self._update_note())
        doc.inputs_changed.connect(lambda _r: self._update_note())
        self._follow_horizon()

    def _years_filled(self) -> None:
        self._update_flows()

    def set_year(self, year: int | None) -> None:
        if year is None:
            return
        i = self.year_combo.findData(int(year))
        if i >= 0 and i != self.year_combo.currentIndex():
            self.year_combo.setCurrentIndex(i)

    def set_material(self, material: str | None) -> None:
        i = self.material_combo.findData(material)
        if i >= 0:
            self.material_combo.setCurrentIndex(i)

    def _update_flows(self) -> None:
        r = self.doc.result
        has_plan = r is not None and getattr(r, "has_plan", False)
        self.year_combo.setEnabled(has_plan)
        self.material_combo.setEnabled(has_plan)
        self.view.show_flows(r if has_plan else None, self.year(), self.material_combo.currentData())
        self._update_note()

    def _place_toggled(self, on: bool) -> None:
        f = self.doc.current_facility
        if on and f is not None:
            self.view.start_placing(f)
        elif on:
            self.place_button.setChecked(False)
            self.view.message.emit("Select a facility first, then click the map to place it")
        elif self.view.placing is not None:
            self.view.stop_placing()

    def _placing_changed(self, facility: Any) -> None:
        self.cancel_placing_action.setEnabled(facility is not None)
        self.place_button.blockSignals(True)
        self.place_button.setChecked(facility is not None)
        self.place_button.blockSignals(False)
        self._update_note()

    def _update_note(self) -> None:
        f = self.doc.current_facility
        self.place_button.setEnabled(f is not None)
        parts = []
        if self.view.placing is not None:
            p = self.view.placing
            parts.append(f"<b style='color:#0a58ca'>Click the map to place {_esc(p.name or p.id)}</b> (Esc cancels)")
        elif f is not None and (f.lat is None or f.lon is None):
            parts.append(f"<b style='color:#9a6700'>{_esc(f.name or f.id)} has no coordinates</b>: "
                         "press <i>Place on map</i>, then click where it is")
        n = sum(1 for x in self.doc.project.facilities if x.lat is None or x.lon is None)
        if n and not parts:
            parts.append(f"<span style='color:#666'>{n} facilit{'y' if n == 1 else 'ies'} without coordinates "
                         "(not shown)</span>")
        r = self.doc.result
        if r is None or not getattr(r, "has_plan", False):
            parts.append("<span style='color:#666'>solve to see flows</span>")
        elif self.doc.result_is_stale:
            parts.append("<span style='color:#9a6700'><b>plan out of date</b></span>")
        else:
            total = sum(self.view.flow_tonnes().values())
            parts.append(f"<span style='color:#444'>{len(self.view.arcs)} flows, "
                         f"{fmt_number(float(round(total)))} t</span>")
        self.note.setText(" \u00b7 ".join(parts))


def _esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
