"""Connect two facilities: pick a source, a target and a material the source produces and the
target consumes (``models.validation.producible`` / ``consumable``); the result is a Route."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from models.project import Facility, Route
from models.validation import consumable, producible
from models.vocab import Material
from ui.document.document import Document, unique_id
from ui.document.fields import label_of, parse_float


def connectable_materials(source: Facility, target: Facility) -> list:
    """Materials that can move from ``source`` to ``target``, in vocabulary order."""
    if source is target:
        return []
    return sorted(producible(source) & consumable(target), key=list(Material).index)


class ConnectDialog(QDialog):
    def __init__(self, doc: Document, source: Facility | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.doc = doc
        self.setWindowTitle("Connect facilities")
        self.setMinimumWidth(480)
        self.source_combo = QComboBox()
        self.target_combo = QComboBox()
        self.material_combo = QComboBox()
        self.cost_edit = QLineEdit()
        self.cost_edit.setPlaceholderText("empty: great-circle distance x transport rate")
        for f in doc.project.facilities:
            if producible(f):
                self.source_combo.addItem(self._label(f), f.id)
        if source is not None:
            i = self.source_combo.findData(source.id)
            if i >= 0:
                self.source_combo.setCurrentIndex(i)
        self.source_combo.currentIndexChanged.connect(self._fill_targets)
        self.target_combo.currentIndexChanged.connect(self._fill_materials)
        form = QFormLayout()
        form.addRow("From", self.source_combo)
        form.addRow("To", self.target_combo)
        form.addRow("Material", self.material_combo)
        form.addRow("Transport ($/t)", self.cost_edit)
        self.info = QLabel()
        self.info.setWordWrap(True)
        self.info.setStyleSheet("color: #b00020;")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.info)
        layout.addWidget(self.buttons)
        self._route: Route | None = None
        self._fill_targets()

    @staticmethod
    def _label(f: Facility) -> str:
        return f"{f.name or f.id} ({f.id}, {label_of(f.stage)}, {f.country})"

    def _facility(self, combo: QComboBox) -> Facility | None:
        fid = combo.currentData()
        return next((f for f in self.doc.project.facilities if f.id == fid), None)

    def _fill_targets(self) -> None:
        src = self._facility(self.source_combo)
        self.target_combo.blockSignals(True)
        self.target_combo.clear()
        if src is not None:
            for f in self.doc.project.facilities:
                if connectable_materials(src, f):
                    self.target_combo.addItem(self._label(f), f.id)
        self.target_combo.blockSignals(False)
        self._fill_materials()

    def _fill_materials(self) -> None:
        src, dst = self._facility(self.source_combo), self._facility(self.target_combo)
        self.material_combo.clear()
        materials = connectable_materials(src, dst) if src is not None and dst is not None else []
        for m in materials:
            self.material_combo.addItem(label_of(m), m.value)
        ok = bool(materials)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)
        if src is None:
            self.info.setText("No facility produces anything yet.")
        elif self.target_combo.count() == 0:
            self.info.setText(f"No facility uses what {src.name or src.id} makes.")
        else:
            self.info.setText("")

    def set_target(self, target_id: str, material: str | None = None) -> None:
        """Pick the target (and material) programmatically (tests, drag-to-connect)."""
        i = self.target_combo.findData(target_id)
        if i >= 0:
            self.target_combo.setCurrentIndex(i)
        if material is not None:
            j = self.material_combo.findData(material)
            if j >= 0:
                self.material_combo.setCurrentIndex(j)

    def build_route(self) -> Route:
        src, dst = self._facility(self.source_combo), self._facility(self.target_combo)
        material = self.material_combo.currentData()
        if src is None or dst is None or not material:
            raise ValueError("choose a source, a target and a material")
        cost = parse_float(self.cost_edit.text(), optional=True)
        prefix = f"{src.id}-to-{dst.id}"[:50]
        rid = unique_id(prefix, self.doc.taken_ids("routes"))
        return Route(id=rid, from_id=src.id, to_id=dst.id, material=material, transport_usd_per_t=cost)

    def accept(self) -> None:
        try:
            self._route = self.build_route()
        except ValueError as e:
            self.info.setText(str(e))
            return
        super().accept()

    def route(self) -> Route | None:
        return self._route
