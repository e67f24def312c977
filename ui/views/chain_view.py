"""The chain view: facilities as nodes in stage columns, routes as arrows.

Columns (left to right): mines, cracking, separation / recycling, metal / cobalt, magnets
(``models.vocab.STAGE_ORDER``). Nodes are filled with their country's colour (legend at the
bottom), their outline shows the status (operating solid, committed thin, construction
dash-dot, planned dashed, concept dotted and faded) and a red badge marks covered output
(a covered country or Chinese process technology). Selecting a node selects the facility
everywhere (``Document.current_facility``). The context menu adds, connects and deletes
facilities; all changes are undoable.

``show_flows(result, year)`` sets arrow widths by the tonnes moved in ``year`` and marks
facilities with new investments in the plan. After a stress test, its single points of failure
(``ui.document.stress_marks``) carry an amber ring and badge, their tooltip the shortfall, and the
legend an entry; the marks go when the document clears them.
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any, Iterator

from PySide6.QtCore import QEvent, QPointF, Qt, QTimer, Signal
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
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsPathItem,
    QGraphicsRectItem,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QMenu,
    QWidget,
)

from models.covered import covered_reasons
from models.project import ExpansionOption, Facility, Route
from models.vocab import Material, Stage, Status
from ui.document.document import Document, unique_id
from ui.document.fields import country_label, fmt_number, label_of
from ui.document.names import connect_text, route_text
from ui.editors.connect_dialog import ConnectDialog, connectable_materials
from ui.runtime import turns
from ui.views.chain_items import FacilityNode, RouteEdge, spof_badge
from ui.views.chain_layout import (
    COL_SPACE,
    COLUMN_OF,
    COLUMNS,
    LAYOUT_VIEW,
    NODE_W,
    ROW_GAP,
    SUB_GAP,
    TOP,
    column_slots,
    rows_per_column,
)
from ui.views.document_view import follow_document, prepare_scene_view
from ui.views.palette import INVEST_COLOUR, MATERIAL_COLOURS, STATUS_PEN, country_colour, exec_menu


def spof_legend_text(title: str) -> str:
    """E.g. "single point of failure (stress test of China cut-off, 2026-2028: out alone, defense short)"."""
    return f"single point of failure ({title or 'stress test'}: out alone, defense short)"


class _SpofLegendBadge(QGraphicsRectItem):
    """The legend's single-point-of-failure badge (the nodes' amber triangle)."""

    def __init__(self, cx: float, cy: float):
        super().__init__(cx - 11, cy - 10, 22, 20)
        self._centre = QPointF(cx, cy)

    def paint(self, painter: QPainter, option: Any, widget: QWidget | None = None) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        font = QFont()
        font.setPointSizeF(7.5)
        spof_badge(painter, self._centre, font, 17.0)


class ChainView(QGraphicsView):
    """Stage-column drawing of the project's facilities and routes."""

    facility_activated = Signal(object)  # double-click on a node
    message = Signal(str)

    def __init__(self, doc: Document, parent: QWidget | None = None):
        super().__init__(parent)
        self.doc = doc
        prepare_scene_view(self)
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
        self._slice_key = (id(self), "chain slices")  # in ui.runtime.turns' queue (one slice per turn)
        self._layers_key = (id(self), "chain layers")
        self.scene().selectionChanged.connect(self._scene_selection_changed)
        delete_action = QAction("Delete facility", self)
        delete_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        delete_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        delete_action.triggered.connect(self.delete_selected)
        self.addAction(delete_action)
        self._spof_legend: list[QGraphicsItem] = []
        follow_document(self, doc, self._select_facility)
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
            cap = rows_per_column(counts, *LAYOUT_VIEW)
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
                slots = column_slots(len(facs), cap)
                for r, f in enumerate(facs):
                    if f.id in self.nodes:  # duplicate id: the validation panel reports it
                        continue
                    sub, row = slots[r]
                    node = FacilityNode(f, covered_reasons(f, covered))
                    if self.stress_marks is not None:
                        node.risk_mark = self.stress_marks.mark_of(f.id)  # before its first paint
                    if reveal_in_slices:
                        node.setVisible(False)
                    if keep and f.id not in keep:
                        new_nodes.append((node, c))  # placed below its column, the others stay
                    node.setPos(keep.get(f.id, QPointF(x + sub * SUB_GAP, TOP + row * ROW_GAP)))
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
        # single points of failure, a row of their own: shown while the stress test's marks are
        y4 = y3 + 24
        head = QGraphicsSimpleTextItem("Stress test:")
        head.setFont(bold)
        head.setBrush(QBrush(QColor("#333333")))
        head.setPos(0, y4)
        scene.addItem(head)
        x = head.boundingRect().width() + 10
        badge_item = _SpofLegendBadge(x + 9, y4 + 8)
        scene.addItem(badge_item)
        label = QGraphicsSimpleTextItem(spof_legend_text(""))
        label.setFont(small)
        label.setBrush(QBrush(QColor("#333333")))
        label.setPos(x + 24, y4)
        scene.addItem(label)
        self._spof_legend = [head, badge_item, label]
        self._show_spof_legend()

    # ---------------------------------------------------- stress test marks
    def apply_stress_marks(self) -> None:
        """Ring and badge on the facilities the last stress test named (tooltip: the shortfall)."""
        for fid, node in self.nodes.items():
            node.set_risk_mark(self.stress_marks.mark_of(fid) if self.stress_marks is not None else "")
        self._show_spof_legend()

    def _show_spof_legend(self) -> None:
        """The legend entry while marks are shown, naming their test ("stress test of china_cut, ...")."""
        on = self.stress_marks is not None and bool(self.stress_marks.marks)
        for item in self._spof_legend:
            item.setVisible(on)
        if on:
            self._spof_legend[-1].setText(spof_legend_text(self.stress_marks.title))

    def marked_facilities(self) -> dict[str, str]:
        """Facility id -> the mark its node carries (single points of failure of the last stress test)."""
        return {fid: node.risk_mark for fid, node in self.nodes.items() if node.risk_mark}

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

    def resizeEvent(self, event: Any) -> None:
        """A new size zooms the drawing; the layout itself depends on the project alone
        (LAYOUT_VIEW), so a window of another size never rearranges the chain."""
        super().resizeEvent(event)
        if self._fitted:
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
        self.doc.insert_item(self.doc.project, "routes", route, text=connect_text(self.doc.project, route))
        self.message.emit(f"Connected {source.name or source.id} to {target.name or target.id} "
                          f"({label_of(route.material)})")
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
                             text=f"Add expansion option to {f.name or f.id}")

    def delete_selected(self) -> None:
        """Delete the selected facility (and its routes) or the selected route."""
        edges = [i for i in self.scene().selectedItems() if isinstance(i, RouteEdge)]
        if edges:
            self.delete_route(edges[0].route)
        elif self.doc.current_facility is not None:
            self.doc.remove_facility(self.doc.current_facility)

    def delete_route(self, route: Route) -> None:
        index = next(i for i, r in enumerate(self.doc.project.routes) if r is route)
        self.doc.remove_item(self.doc.project, "routes", index, "Delete route " + route_text(self.doc.project, route))

    def connect_from(self, source: Facility) -> Route | None:
        """Ask for a target and a material (source produces, target consumes); add the route."""
        dialog = ConnectDialog(self.doc, source, self)
        if dialog.exec() != ConnectDialog.DialogCode.Accepted:
            return None
        route = dialog.route()
        if route is not None:
            self.doc.insert_item(self.doc.project, "routes", route, text=connect_text(self.doc.project, route))
        return route
