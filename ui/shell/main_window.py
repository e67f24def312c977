"""The main window: chain view and tables in tabs, inspector, validation, solve and results.

File handling: New / Open / Save / Save As / Recent files (QSettings). The title shows the
file name and a modified mark (``[*]``) driven by the undo stack's clean state. Closing with
unsaved changes asks first. While modified, the project is autosaved every N seconds
(preference) to a recovery file, offered again at the next start after a crash
(:mod:`ui.shell.recovery`).

The solve panel (``ui.panels.solve_panel.SolvePanel``) is a dock on the right; the results
dashboard (``ui.results.dashboard.ResultsDashboard``), the scenario comparison and the risk
panel are tabs after the editing tabs.
"""

from __future__ import annotations

import time
from functools import partial
from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QByteArray, QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDockWidget,
    QFileDialog,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QPlainTextEdit,
    QTabWidget,
    QTextEdit,
    QWidget,
)

from models.disk_stamp import FileChangedError
from models.io import ProjectFileError, load_project, save_project
from models.project import Project
from models.validation import Problem, validate_project
from models.wording import count
from planner.reports.plan_file import KeptPlan, PlanFileError, read_plan, write_plan
from ui.document.document import Document
from ui.document.locations import target_of
from ui.document.names import connect_text
from ui.editors.connect_dialog import ConnectDialog
from ui.editors.inspector import Inspector
from ui.editors.levers_tab import LeversTab
from ui.editors.settings_panel import SettingsPanel
from ui.editors.table_views import (
    FacilitiesTab,
    ListEditor,
    ScenariosTab,
    demand_editor,
    markets_editor,
    platforms_editor,
    routes_editor,
)
from ui.panels.risk_panel import RiskPanel
from ui.panels.scenario_compare_view import ScenarioCompareView
from ui.panels.sensitivity_panel import SensitivityPanel
from ui.panels.solve_panel import SolvePanel
from ui.panels.validation_panel import ValidationPanel
from ui.results.dashboard import ResultsDashboard
from ui.runtime import turns
from ui.runtime.background import BackgroundTask
from ui.runtime.heap import freeze_heap, freeze_heap_later
from ui.runtime.warm_up import warm_up_workbook_writer
from ui.shell import dialogs, recovery, repair_mode, run_menu
from ui.shell.undo_buttons import fixed_undo_redo_actions
from ui.views.chain_panel import ChainPanel
from ui.views.chain_view import ChainView
from ui.views.map_projection import central_meridian_of
from ui.views.map_view import MapPanel, MapView
from ui.widgets import accessible

FILE_FILTER = "mine2magnet projects (*.m2m.json *.json);;All files (*)"
#: s a solved plan waits at most for the window's work after a solve before it is kept beside the project
KEEP_PLAN_WAIT_S = 2.0


def read_kept_plan(path: str) -> Any:
    """The plan kept beside ``path`` (a KeptPlan), None when there is none, or the reason (str)
    it could not be read; never raises (the project opens either way)."""
    try:
        return read_plan(path)
    except PlanFileError as e:
        return str(e)


class MainWindow(QMainWindow):
    def __init__(self, project: Project | None = None, path: str | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.doc = Document(project, path, self)
        self.autosaver = recovery.Autosaver()
        self._autosaved_revision = -1
        self.resize(1400, 900)
        self.setMinimumSize(900, 600)
        self.setDockOptions(QMainWindow.DockOption.AnimatedDocks | QMainWindow.DockOption.AllowTabbedDocks)

        # central tabs
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.chain_panel = ChainPanel(self.doc)
        self.chain_view: ChainView = self.chain_panel.view
        self.map_panel = MapPanel(self.doc)
        self.map_view: MapView = self.map_panel.view
        # one flow year for the chain and the map
        self.chain_panel.year_combo.currentIndexChanged.connect(
            lambda _i: self.map_panel.set_year(self.chain_panel.year()))
        self.map_panel.year_combo.currentIndexChanged.connect(
            lambda _i: self.chain_panel.set_year(self.map_panel.year()))
        self.facilities_tab = FacilitiesTab(self.doc)
        self.routes_editor = routes_editor(self.doc, self._new_route)
        self.markets_editor = markets_editor(self.doc)
        self.demand_editor = demand_editor(self.doc)
        self.platforms_editor = platforms_editor(self.doc)
        self.scenarios_tab = ScenariosTab(self.doc)
        self.levers_tab = LeversTab(self.doc)
        self.settings_panel = SettingsPanel(self.doc)
        self.tabs.addTab(self.chain_panel, "Chain")
        self.tabs.addTab(self.map_panel, "Map")
        self.tabs.addTab(self.facilities_tab, "Facilities")
        self.tabs.addTab(self.routes_editor, "Routes")
        self.tabs.addTab(self.markets_editor, "Markets")
        self.tabs.addTab(self.demand_editor, "Demand")
        self.tabs.addTab(self.platforms_editor, "Platforms")
        self.tabs.addTab(self.scenarios_tab, "Scenarios")
        self.tabs.addTab(self.levers_tab, "Contracts and levers")
        self.tabs.addTab(self.settings_panel, "Settings")
        self.setCentralWidget(self.tabs)
        self.list_editors: dict[str, ListEditor] = {
            "facilities": self.facilities_tab.facilities,
            "routes": self.routes_editor,
            "markets": self.markets_editor,
            "demands": self.demand_editor,
            "platforms": self.platforms_editor,
            "scenarios": self.scenarios_tab.table,
        }
        self._tab_of = {
            "facilities": self.facilities_tab, "routes": self.routes_editor, "markets": self.markets_editor,
            "demands": self.demand_editor, "platforms": self.platforms_editor, "scenarios": self.scenarios_tab,
        }

        # docks
        self.inspector = Inspector(self.doc)
        self.inspector_dock = self._dock("Inspector", self.inspector, Qt.DockWidgetArea.RightDockWidgetArea)
        self.validation = ValidationPanel(self.doc)
        self.validation_dock = self._dock("Validation", self.validation, Qt.DockWidgetArea.BottomDockWidgetArea)

        # solve dock, results, comparison and risk tabs
        self._install_solve_and_results()

        for w in (self.facilities_tab, self.routes_editor, self.markets_editor, self.demand_editor,
                  self.platforms_editor, self.scenarios_tab, self.levers_tab, self.settings_panel, self.chain_view,
                  self.map_view):
            w.message.connect(self.show_message)
        self.inspector.message.connect(self.show_message)
        self.doc.edit_rejected.connect(lambda m: self.show_message(f"Refused: {m}"))
        self.validation.location_activated.connect(self.reveal_location)
        self.validation.problems_changed.connect(self._problems_changed)
        self.chain_view.facility_activated.connect(self._focus_inspector)
        self._inspector_auto_hidden = False
        # on the turn after the tab's: the new page paints first, the docks' re-layout and repaint
        # follow (the two in one turn made the results tab's first show a 50-80 ms freeze)
        self.tabs.currentChanged.connect(
            lambda _i: turns.post(self._adapt_docks, key=(id(self), "adapt docks"), owner=self))
        self.doc.current_facility_changed.connect(lambda _f: self._adapt_docks())
        self.map_view.facility_activated.connect(self._focus_inspector)

        self._build_actions()
        self._build_menus()
        self._build_toolbar()
        repair_mode.install(self)  # Open for repair: Solve and exports wait for the last stand-in
        self.counts = QLabel()
        self.problem_count = QLabel()
        self.statusBar().addPermanentWidget(self.problem_count)
        self.statusBar().addPermanentWidget(self.counts)

        self.doc.modified_changed.connect(self.setWindowModified)
        self.doc.path_changed.connect(lambda _p: self._update_title())
        self.doc.project_replaced.connect(self._update_title)
        self.doc.inputs_changed.connect(lambda _r: self._update_counts())
        self._update_title()
        self._update_counts()
        self._problems_changed(self.validation.problems)

        # Ctrl+Z / Ctrl+Shift+Z undo the project from anywhere, also from a text field: the text
        # field that has the focus gets this window as event filter (only that one, so Python
        # does not see every event of the application)
        self._undo_filter_installed = False
        self._filtered_editor: QWidget | None = None
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._focus_changed)
            self._undo_filter_installed = True

        self._open_task: BackgroundTask | None = None
        self._plan_tasks: set[BackgroundTask] = set()  # plans being kept beside the project file
        self._plan_keep_pending = False  # a plan to keep once the window's work after a solve is done
        self.kept_plan_problem = ""  # why the plan beside the last opened file was not shown
        # the long-lived heap (Qt wrappers, the project, the plan) leaves the garbage collector's
        # scans: a full collection triggered by a worker (openpyxl writing the workbook makes
        # many objects) scanned all of it while holding the GIL, a 70 ms freeze of the window
        self.doc.result_changed.connect(lambda _r: freeze_heap_later())
        self.doc.project_replaced.connect(freeze_heap_later)
        QTimer.singleShot(0, freeze_heap)
        QTimer.singleShot(2000, warm_up_workbook_writer)  # after start-up and a first open
        self.autosave_timer = QTimer(self)
        self.autosave_timer.timeout.connect(self.autosave_now)
        self.autosave_timer.start(recovery.autosave_seconds() * 1000)
        self._restore_geometry()
        accessible.name_inputs(self)  # what a screen reader says for each field (ui.widgets.accessible)

    # --------------------------------------------------------------- layout
    def _dock(self, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(title.replace(" ", "") + "Dock")
        dock.setWidget(widget)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                         | QDockWidget.DockWidgetFeature.DockWidgetClosable
                         | QDockWidget.DockWidgetFeature.DockWidgetFloatable)
        self.addDockWidget(area, dock)
        return dock

    def _install_solve_and_results(self) -> None:
        self.solve_panel = SolvePanel(self.doc, self)
        self.solve_dock = self._dock("Solve", self.solve_panel, Qt.DockWidgetArea.RightDockWidgetArea)
        self.splitDockWidget(self.inspector_dock, self.solve_dock, Qt.Orientation.Vertical)
        self.resizeDocks([self.inspector_dock, self.solve_dock], [560, 300], Qt.Orientation.Vertical)
        self.solve_panel.result_ready.connect(self._result_ready)
        self.results_dashboard = self._make_dashboard()
        self.tabs.addTab(self.results_dashboard, "Results")
        # scenario comparison and Monte Carlo risk; short titles: the thirteen tabs fit the
        # 1,004 px a 1400 px window leaves beside the docks ("Compare scenarios" made the tab bar
        # 1,042 px and hid the Risk tab behind scroll arrows)
        self.compare_view = ScenarioCompareView(self.doc, self)
        self.risk_panel = RiskPanel(self.doc, self)
        self.risk_panel.catalogue_requested.connect(self.show_risk_catalogue)
        self.sensitivity_panel = SensitivityPanel(self.doc, self)
        self.analysis_panels: list[QWidget] = [self.compare_view, self.risk_panel]
        for panel, title, tip in (
            (self.compare_view, "Compare", "Compare the scenarios' plans side by side"),
            (self.risk_panel, "Risk", "Monte Carlo of delays and cost overruns: what the plan risks"),
        ):
            index = self.tabs.addTab(panel, title)
            self.tabs.setTabToolTip(index, tip)
        self.resizeDocks([self.inspector_dock], [390], Qt.Orientation.Horizontal)
        self.resizeDocks([self.validation_dock], [150], Qt.Orientation.Vertical)
        # sensitivity sweeps: a floating window (View > Sensitivity), not a fourteenth tab -- the
        # thirteen tabs already fill the 1,004 px a 1400 px window leaves beside the docks
        self.sensitivity_dock = self._dock("Sensitivity", self.sensitivity_panel,
                                           Qt.DockWidgetArea.BottomDockWidgetArea)
        self.sensitivity_dock.setFloating(True)
        self.sensitivity_dock.resize(1150, 720)
        self.sensitivity_dock.hide()

    def _make_dashboard(self) -> ResultsDashboard:
        """The results dashboard, its flow year tied to the chain view's (and so the map's) both ways."""
        dashboard = ResultsDashboard(self.doc, self)
        dashboard.year_changed.connect(self.chain_panel.set_year)
        combo = dashboard.flow_year_combo

        def push(_i: int) -> None:  # only years the dashboard's plan has (none before a solve)
            y = self.chain_panel.year()
            if y is not None and combo.findData(y) >= 0 and dashboard.flow_year != y:
                dashboard.set_flow_year(y)
        self.chain_panel.year_combo.currentIndexChanged.connect(push)

        def follow(_r: Any) -> None:  # a new plan: the chain and the map show the dashboard's (KPI) year
            y = dashboard.flow_year
            if y is not None:
                self.chain_panel.set_year(y)
        self.doc.result_changed.connect(follow)
        return dashboard

    def _result_ready(self, result: Any) -> None:
        """The solve panel stores the result in the document itself; here: a status line."""
        status = getattr(getattr(result, "status", None), "value", "")
        self.show_message(f"Solve finished: {status}. {getattr(result, 'message', '')}")
        if self.doc.path and not self.doc.is_modified() and self.doc.result is result:
            self._keep_plan_when_idle(time.monotonic() + KEEP_PLAN_WAIT_S)

    def _keep_plan_when_idle(self, deadline: float) -> None:
        """Keep the plan once the GUI work the new plan started (the dashboard's charts, the
        chain's and the map's flows: jobs of ui.runtime.turns) is done, or at ``deadline``. The
        writer's Python work (PlanResult.to_dict and the JSON, ~35 ms on the real sample) on a
        thread beside that work shared the interpreter lock with it: 26 ms of the GUI thread's
        work took 81 ms (bench/bench_ui_stalls.py, solve step)."""
        self._plan_keep_pending = True
        if len(turns.queue()) and time.monotonic() < deadline:
            turns.post(partial(self._keep_plan_when_idle, deadline), (id(self), "keep plan"), owner=self)
            return
        self._plan_keep_pending = False
        if self.doc.path and not self.doc.is_modified() and self.doc.result is not None:
            self.keep_plan()

    def export_brief(self) -> None:
        """File > Export brief...: the Decision view asks for a path and writes the PDF off the GUI thread."""
        self.results_dashboard.decision_view.ask_and_export()

    def keep_plan(self) -> None:
        """Keep the document's plan beside its saved project file (``<name>.m2m.plan.json``), on a
        worker thread: after a save, and after a solve of a saved project without unsaved edits.
        A result without a plan is not kept (the last plan stays)."""
        result, path = self.doc.result, self.doc.path
        if result is None or not path or not getattr(result, "has_plan", False):
            return
        solver, scenario, limit = self.solve_panel.choices()
        kept = KeptPlan(result, self.doc.result_digest, solver, scenario, limit)

        def work(_state: Any) -> str:
            try:
                write_plan(path, kept)
            except (OSError, ValueError) as e:
                return f"The plan was not kept beside the project: {getattr(e, 'strerror', None) or e}"
            return ""

        task = BackgroundTask(work, self)
        task.result_ready.connect(lambda err: err and self.show_message(err, 15000))
        task.thread_finished.connect(lambda t=task: self._plan_tasks.discard(t))
        self._plan_tasks.add(task)
        task.start()

    def wait_plan_kept(self, ms: int = 30_000) -> bool:
        """Until plans being written are on disk (on close and in tests), handling events meanwhile:
        a plan keep waits for the window's queued work (``_plan_keep_pending``) before its thread
        starts, and the finished task's result is delivered through the GUI thread's event loop."""
        deadline = time.monotonic() + ms / 1000.0
        while ((self._plan_keep_pending or any(not t.is_finished() for t in list(self._plan_tasks)))
               and time.monotonic() < deadline):
            QApplication.processEvents()
            time.sleep(0.005)
        return not self._plan_keep_pending and all(t.is_finished() for t in list(self._plan_tasks))

    # -------------------------------------------------------------- actions
    def _action(self, text: str, slot: Callable, shortcut: Any = None, tip: str = "") -> QAction:
        act = QAction(text, self)
        if shortcut is not None:
            if isinstance(shortcut, (list, tuple)):
                act.setShortcuts([QKeySequence(s) for s in shortcut])
            else:
                act.setShortcut(QKeySequence(shortcut))
        if tip:
            act.setStatusTip(tip)
            act.setToolTip(tip)
        act.triggered.connect(lambda _checked=False: slot())
        return act

    def _build_actions(self) -> None:
        K = QKeySequence.StandardKey
        self.act_new = self._action("&New", self.new_project, K.New, "Start a new, empty project")
        self.act_open = self._action("&Open...", self.open_dialog, K.Open, "Open a project file")
        self.act_save = self._action("&Save", self.save, K.Save, "Save the project")
        self.act_save_as = self._action("Save &As...", self.save_as, K.SaveAs, "Save the project under a new name")
        self.act_quit = self._action("&Quit", self.close, K.Quit, "Close mine2magnet")
        self.act_export_brief = self._action("Export &brief (PDF)...", self.export_brief, "Ctrl+Shift+B",
                                             "Write the plan's one-page decision brief as a PDF")
        self.act_undo = self.doc.undo_stack.createUndoAction(self, "&Undo")
        self.act_undo.setShortcut(QKeySequence("Ctrl+Z"))
        self.act_redo = self.doc.undo_stack.createRedoAction(self, "&Redo")
        self.act_redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        self.act_prefs = self._action("&Preferences...", self.preferences, None, "Autosave interval and recent files")
        self.act_add_facility = self._action("Add &facility", self.add_facility, "Ctrl+Shift+F",
                                             "Add a facility (right-click the chain view for a stage)")
        self.act_connect = self._action("&Connect...", self.connect_selected, "Ctrl+Shift+C",
                                        "Add a route from the selected facility")
        self.act_delete_facility = self._action("&Delete facility", self.delete_selected_facility, None,
                                                "Delete the selected facility and its routes")
        self.act_delete_facility.setEnabled(self.doc.current_facility is not None)
        self.doc.current_facility_changed.connect(lambda f: self.act_delete_facility.setEnabled(f is not None))
        self.act_validate = self._action("&Validate now", self.validation.refresh, "F7", "Re-run every check")
        self.act_fit = self._action("&Fit to window", self._fit_current, "Ctrl+0",
                                    "Zoom to show the whole chain (or all facilities on the map)")

    def _build_menus(self) -> None:
        mb = self.menuBar()
        m = mb.addMenu("&File")
        m.addActions([self.act_new, self.act_open])
        self.recent_menu = m.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        self._fill_recent_menu()
        m.addSeparator()
        m.addActions([self.act_save, self.act_save_as])
        m.addSeparator()
        m.addAction(self.act_export_brief)
        m.addSeparator()
        m.addAction(self.act_quit)
        m = mb.addMenu("&Edit")
        m.addActions([self.act_undo, self.act_redo])
        m.addSeparator()
        m.addAction(self.act_prefs)
        m = mb.addMenu("&Chain")
        m.addActions([self.act_add_facility, self.act_connect, self.act_delete_facility])
        m.addSeparator()
        m.addActions([self.act_validate, self.act_fit])
        m = mb.addMenu("&View")
        for dock in (self.inspector_dock, self.validation_dock, self.solve_dock,
                     getattr(self, "sensitivity_dock", None)):
            if dock is not None:
                m.addAction(dock.toggleViewAction())
        self.run_menu = run_menu.RunMenu(self)
        m = mb.addMenu("&Help")
        self.act_guide = self._action("&User guide", lambda: run_menu.open_user_guide(self), "F1",
                                      "How to build, check, solve and share a plan")
        m.addAction(self.act_guide)
        m.addAction(self._action("&About mine2magnet", self.about, None, "The version and what it is for"))

    def _build_toolbar(self) -> None:
        tb = self.addToolBar("Main")
        tb.setObjectName("MainToolBar")
        tb.setMovable(False)
        tb.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        tb.addActions([self.act_new, self.act_open, self.act_save])
        tb.addSeparator()
        # fixed labels, the command in the tooltip: "Undo Edit Capacity (t/yr)" in the toolbar made
        # every button after it move whenever the last command changed
        self.tb_undo, self.tb_redo = fixed_undo_redo_actions(self.doc.undo_stack, self)
        tb.addActions([self.tb_undo, self.tb_redo])
        tb.addSeparator()
        tb.addActions([self.act_add_facility, self.act_connect, self.act_delete_facility])
        tb.addSeparator()
        tb.addAction(self.act_validate)

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        files = recovery.recent_files()
        for i, path in enumerate(files):
            act = self.recent_menu.addAction(f"&{i + 1} {Path(path).name}   ({Path(path).parent})")
            act.setData(path)
            act.triggered.connect(lambda _c=False, p=path: self.open_recent(p))
        if not files:
            self.recent_menu.addAction("(no recent files)").setEnabled(False)
        else:
            self.recent_menu.addSeparator()
            self.recent_menu.addAction("Clear list", recovery.clear_recent_files)

    # ------------------------------------------------------------ status
    def show_message(self, text: str, ms: int = 8000) -> None:
        self.statusBar().showMessage(text, ms)

    def _update_title(self) -> None:
        path = self.doc.path
        name = Path(path).name if path else "Untitled"
        self.setWindowTitle(f"{name}{repair_mode.title_suffix(self)}[*] - {self.doc.project.name} - mine2magnet")
        self.setWindowModified(self.doc.is_modified())

    def _update_counts(self) -> None:
        p = self.doc.project
        self.counts.setText(f"{len(p.facilities)} facilities \u00b7 {len(p.routes)} routes \u00b7 "
                            f"{len(p.markets)} markets \u00b7 {len(p.demands)} demands \u00b7 "
                            f"{len(p.scenarios)} scenarios")

    def _problems_changed(self, problems: list) -> None:
        n_err = sum(1 for p in problems if p.severity == "error")
        n_warn = len(problems) - n_err
        if n_err:
            self.problem_count.setText(f"<span style='color:#b00020'><b>{count(n_err, 'error')}</b></span>, "
                                       f"{count(n_warn, 'warning')}")
        else:
            self.problem_count.setText(f"<span style='color:#1b7a3d'>valid</span>, {count(n_warn, 'warning')}")
        for name, editor in self.list_editors.items():
            editor.model.set_problems(self.validation.problem_cells(name))
        self.levers_tab.set_problems(problems)

    # -------------------------------------------------------------- files
    def maybe_save(self) -> bool:
        """True when it is fine to drop the current project (saved, discarded or unmodified)."""
        if not self.doc.is_modified():
            return True
        name = Path(self.doc.path).name if self.doc.path else "the untitled project"
        answer = dialogs.exec_dialog(dialogs.unsaved_box(self, name))
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        return answer == QMessageBox.StandardButton.Discard

    def new_project(self) -> None:
        if not self.maybe_save():
            return
        self.autosaver.discard()
        self.doc.set_project(Project(), None)
        self.show_message("New project")

    def open_dialog(self) -> None:
        if not self.maybe_save():
            return
        start = str(Path(self.doc.path).parent) if self.doc.path else str(Path.cwd())
        path, _ = QFileDialog.getOpenFileName(self, "Open project", start, FILE_FILTER)
        if path:
            self.open_path(path, ask=False, background=True)

    def open_recent(self, path: str) -> None:
        self.open_path(path, background=True)

    @property
    def is_opening(self) -> bool:
        """True while a file is being read on a worker thread (open_path(background=True))."""
        return self._open_task is not None

    def open_path(self, path: str, ask: bool = True, background: bool = False) -> bool:
        """Open a project file; a broken file shows its located problems and changes nothing.

        ``background=True`` (File > Open, recent files): reading, parsing and checking the file
        (about 150 ms of CPU on the real sample) run on a worker thread with a busy cursor, and the
        window swaps the project in when it is ready; the return value then only says that
        opening started. Otherwise all of it happens before returning.
        """
        if ask and not self.maybe_save():
            return False
        if not background:
            try:
                project = load_project(path, check_consistency=False)
            except ProjectFileError as e:
                return self._open_failed(path, e)
            opened = self._opened(path, project, None, kept=read_kept_plan(path))
            self.chain_view.finish_rebuild()  # done when this returns
            recovery.add_recent_file(path)
            return opened
        if self._open_task is not None:
            return False

        def work(_state: Any) -> Any:  # worker thread: no widgets, no document
            try:
                project = load_project(path, check_consistency=False)
            except ProjectFileError as e:
                return repair_mode.prepare(path, e)  # bad values: the stand-ins, read here too
            problems = validate_project(project)
            kept = read_kept_plan(path)  # the last plan beside the file (planner.reports.plan_file)
            try:  # the map's seam, here rather than on the GUI thread (pure arithmetic, remembered)
                central_meridian_of(project)
            except Exception:  # a project the map cannot draw still opens; the map says why later
                pass
            return project, problems, kept

        from PySide6.QtGui import QGuiApplication

        task = BackgroundTask(work, self)
        task.result_ready.connect(lambda out, p=path: self._open_finished(p, out))
        task.failed.connect(lambda text, p=path: self._open_finished(
            p, ProjectFileError(p, [Problem("", text.splitlines()[0])])))
        task.thread_finished.connect(self._open_thread_finished)
        self._open_task = task
        QGuiApplication.setOverrideCursor(Qt.CursorShape.BusyCursor)
        self.statusBar().showMessage(f"Opening {Path(path).name}\u2026")
        task.start()
        return True

    def _open_finished(self, path: str, out: Any) -> None:
        from PySide6.QtGui import QGuiApplication

        QGuiApplication.restoreOverrideCursor()
        if isinstance(out, ProjectFileError):
            self._open_failed(path, out)
        elif isinstance(out, repair_mode.Prepared):
            self._open_failed(path, out.error, out)
        else:
            project, problems, kept = out
            self._opened(path, project, problems, list_later=True, kept=kept)
            turns.post(lambda: recovery.add_recent_file(path))  # a settings write: a turn of its own

    def _open_thread_finished(self) -> None:
        self._open_task = None

    def _open_failed(self, path: str, e: ProjectFileError, prepared: Any = None) -> bool:
        if e.repairable:  # JSON of the right shape with bad values: offer Open for repair
            opened = repair_mode.offer(self, path, e, prepared)
            if opened is not None:
                return opened
        dialogs.exec_dialog(dialogs.problems_box(
            self, "Cannot open project",
            f"<b>{Path(path).name}</b> cannot be opened: {count(len(e.problems), 'problem')} "
            f"{'was' if len(e.problems) == 1 else 'were'} found.",
            e.lines))
        self.show_message(f"Could not open {path}")
        return False

    def _opened(self, path: str, project: Project, problems: list | None, list_later: bool = False,
                kept: Any = None) -> bool:
        """Show the project just read (``problems``: its validation, when already run).

        ``list_later``: the problems are listed on the next turn of the event loop (ui.runtime.turns), not
        in the same turn as the project's swap (File > Open: about 14 ms for the sample's list)."""
        self.autosaver.discard()
        self.doc.set_project(project, str(Path(path).resolve()))
        self._autosaved_revision = self.doc.revision
        self.kept_plan_problem = kept if isinstance(kept, str) else ""  # said with the "Opened" message
        if kept is not None and not isinstance(kept, str):
            self.solve_panel.restore_choices(kept.solver, kept.scenario)
            if list_later:  # File > Open: the kept plan on a turn of its own, not in the project
                # swap's (the sample: 45-53 ms of the GUI thread in one turn, bench/bench_ui_stalls.py)
                turns.post(partial(self._restore_kept_plan, project, kept), (id(self), "kept plan"), owner=self)
            else:
                self._restore_kept_plan(project, kept)
        if list_later:
            revision = self.doc.revision
            turns.post(lambda: self._list_opened_problems(path, problems if self.doc.revision == revision else None),
                       (id(self), "opened problems"), owner=self)
            self.show_message(f"Opened {Path(path).name}")
            return True
        self._list_opened_problems(path, problems)
        return True

    def _restore_kept_plan(self, project: Project, kept: Any) -> None:
        if self.doc.project is project:  # not when another project was opened meanwhile
            self.doc.restore_result(kept.result, kept.inputs_digest)

    def _list_opened_problems(self, path: str, problems: list | None) -> None:
        """List the opened project's problems (once, now: not again after the debounce) and say
        how many errors there are."""
        self.validation.refresh(problems)
        errors = [p for p in self.validation.problems if p.severity == "error"]
        if errors:
            self.validation_dock.show()
            self.show_message(f"Opened {Path(path).name}: {count(len(errors), 'problem')} to fix, see Validation",
                              15000)
        else:
            self.show_message(f"Opened {Path(path).name}")
        if self.kept_plan_problem:
            self.show_message(f"Opened {Path(path).name}; its last plan was not shown: {self.kept_plan_problem}", 15000)

    def save(self) -> bool:
        if not self.doc.path:
            return self.save_as()
        return self.save_to(self.doc.path)

    def save_as(self) -> bool:
        default = self.doc.path or str(Path.cwd() / (self._safe_name(self.doc.project.name) + ".m2m.json"))
        path, _ = QFileDialog.getSaveFileName(self, "Save project as", default, FILE_FILTER)
        if not path:
            return False
        if not path.endswith(".json"):
            path += ".m2m.json"
        return self.save_to(path)

    @staticmethod
    def _safe_name(name: str) -> str:
        keep = "".join(c if c.isalnum() or c in "-_ " else "_" for c in name).strip()
        return (keep or "project").replace(" ", "_")

    def save_to(self, path: str) -> bool:
        """Save atomically (models.io); on failure the old file is intact and a message says why.
        When the file changed on disk since it was opened, asks: Overwrite, Reload or Cancel.
        A file opened for repair is not saved over while stand-ins remain (ui.shell.repair_mode)."""
        if not repair_mode.may_save(self, path):
            return False
        try:
            try:
                save_project(self.doc.project, path)
            except FileChangedError:
                answer = dialogs.exec_dialog(dialogs.changed_on_disk_box(self, Path(path).name))
                if answer == QMessageBox.StandardButton.Save:
                    save_project(self.doc.project, path, overwrite=True)
                else:
                    if answer == QMessageBox.StandardButton.Reset:
                        self.doc.undo_stack.setClean()  # the user chose to drop these edits
                        self.open_path(path, ask=False)
                    return False
        except OSError as e:
            dialogs.exec_dialog(dialogs.error_box(self, "Cannot save project", "The project was not saved.",
                                                  str(e.strerror or e)))
            return False
        self.doc.mark_saved(str(Path(path).resolve()))
        repair_mode.saved(self)
        self.keep_plan()
        self.autosaver.discard()
        self._autosaved_revision = self.doc.revision
        recovery.add_recent_file(path)
        errors = [p for p in self.validation.problems if p.severity == "error"]
        note = f" (with {count(len(errors), 'error')} to fix before solving)" if errors else ""
        self.show_message(f"Saved {Path(path).name}{note}")
        return True

    # ----------------------------------------------------------- autosave
    def autosave_now(self) -> Path | None:
        """Write the recovery file if there are unsaved changes not yet autosaved."""
        if not self.doc.is_modified() or self.doc.revision == self._autosaved_revision:
            return None
        try:
            repairing = self.doc.repair.original_path if repair_mode.open_count(self) else None
            rf = self.autosaver.write(self.doc.project, self.doc.path, repairing)
        except OSError as e:
            self.show_message(f"Autosave failed: {e}")
            return None
        self._autosaved_revision = self.doc.revision
        return rf.path

    def offer_recovery(self) -> bool:
        """Offer the newest autosave left by a crashed session. True when it was recovered."""
        pending = recovery.pending_recoveries()
        if not pending:
            return False
        rf = pending[0]
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(rf.saved_at))
        answer = dialogs.exec_dialog(dialogs.recovery_box(self, rf.original, when, len(pending), rf.repairing))
        if answer == QMessageBox.StandardButton.Discard:
            rf.discard()
            return False
        if answer != QMessageBox.StandardButton.Yes:
            return False
        try:
            project = rf.load()
        except (ProjectFileError, OSError) as e:
            problems = getattr(e, "problems", [])
            dialogs.exec_dialog(dialogs.problems_box(self, "Cannot recover", "The autosave is unreadable.", problems)
                                if problems else dialogs.error_box(self, "Cannot recover", str(e)))
            return False
        self.doc.set_project(project, rf.original, modified=True)
        rf.discard()
        self.autosave_now()  # keep it safe under this process's name
        self.show_message("Recovered unsaved changes: save them to keep them", 15000)
        return True

    def preferences(self) -> None:
        seconds, ok = QInputDialog.getInt(self, "Preferences", "Autosave unsaved changes every (seconds):",
                                          recovery.autosave_seconds(), 5, 3600, 5)
        if ok:
            recovery.set_autosave_seconds(seconds)
            self.autosave_timer.start(seconds * 1000)

    # -------------------------------------------------------- chain edits
    def add_facility(self) -> None:
        f = self.chain_view.add_facility(self._stage_for_new())
        self._focus_inspector(f)
        if self.tabs.currentWidget() is self.map_panel:  # on the map: the next click places it
            self.map_view.start_placing(f)

    def _stage_for_new(self) -> Any:
        from models.vocab import Stage

        current = self.doc.current_facility
        return current.stage if current is not None else Stage.MINE

    def connect_selected(self) -> None:
        if self.doc.current_facility is None:
            self._new_route_dialog(None)
        else:
            self.chain_view.connect_from(self.doc.current_facility)

    def _new_route(self) -> None:
        """Routes tab 'Add': choose the ends and the material in the connect dialog."""
        self._new_route_dialog(self.doc.current_facility)
        return None

    def _new_route_dialog(self, source: Any) -> None:
        dialog = ConnectDialog(self.doc, source, self)
        if dialog.exec() == ConnectDialog.DialogCode.Accepted and dialog.route() is not None:
            r = dialog.route()
            self.doc.insert_item(self.doc.project, "routes", r, text=connect_text(self.doc.project, r))

    def delete_selected_facility(self) -> None:
        f = self.doc.current_facility
        if f is None:
            self.show_message("Select a facility first")
            return
        self.doc.remove_facility(f)
        self.show_message(f"Deleted {f.name or f.id} and its routes (Undo brings them back)")

    def _adapt_docks(self) -> None:
        """On the results, comparison and risk tabs an empty inspector steps aside (the solve
        panel and its log get the right column); it comes back on the editing tabs or when a
        facility is selected. A dock the user closed stays closed."""
        analysis = [self.results_dashboard, *self.analysis_panels]
        on_analysis = any(self.tabs.currentWidget() is w for w in analysis if w is not None)
        idle = self.doc.current_facility is None
        if on_analysis and idle and self.inspector_dock.isVisible() and not self.inspector_dock.isFloating():
            self.inspector_dock.hide()
            self._inspector_auto_hidden = True
        elif self._inspector_auto_hidden and (not on_analysis or not idle):
            self.inspector_dock.show()
            self._inspector_auto_hidden = False

    def _fit_current(self) -> None:
        (self.map_view if self.tabs.currentWidget() is self.map_panel else self.chain_view).fit()

    def _focus_inspector(self, _facility: Any = None) -> None:
        self.inspector_dock.show()
        self.inspector_dock.raise_()

    # ---------------------------------------------------------- navigation
    def show_risk_catalogue(self) -> None:
        """The Settings tab's Risk catalogue page (from the Risk tab's "Edit the risk catalogue")."""
        self.tabs.setCurrentWidget(self.settings_panel)
        self.settings_panel.show_catalogue()

    def reveal_location(self, location: str) -> None:
        """Select what a problem location points at: a table cell, a node, a settings field."""
        if location.startswith("levers"):  # contracts and levers: their own tab
            self.tabs.setCurrentWidget(self.levers_tab)
            if not self.levers_tab.reveal(location):
                self.show_message(f"{location}: not found (the project changed since the check)")
            return
        if location.startswith("settings.risk"):  # the Settings tab's Risk catalogue page
            self.show_risk_catalogue()
            if not self.settings_panel.risk_catalogue.reveal(location):
                self.show_message(f"{location}: not found (the project changed since the check)")
            return
        t = target_of(location)
        project = self.doc.project
        if t.list_name is None:
            self.tabs.setCurrentWidget(self.settings_panel)
            if t.field:
                self.settings_panel.focus_field(t.field)
            return
        items = getattr(project, t.list_name, None)
        if not isinstance(items, list) or t.row is None or not 0 <= t.row < len(items):
            self.show_message(f"{location}: not found (the project changed since the check)")
            return
        editor = self.list_editors.get(t.list_name)
        if t.list_name == "facilities":
            facility = items[t.row]
            self.doc.set_current_facility(facility)
            if t.sub_list == "options" and t.sub_row is not None:
                self.tabs.setCurrentWidget(self.facilities_tab)
                opts = self.facilities_tab.options
                opts.select_cell(t.sub_row, max(0, opts.model.column_of(t.field or "id")))
                return
            column = editor.model.column_of(t.field) if t.field else 0
            if column < 0:  # a field only the inspector shows (assay, recipes): chain + inspector
                self.tabs.setCurrentWidget(self.chain_panel)
                self._focus_inspector()
                w = self.inspector.form.editors.get(t.field or "")
                if w is not None:
                    w.setFocus()
                return
            self.tabs.setCurrentWidget(self.facilities_tab)
            editor.select_cell(t.row, column)
            return
        if editor is None:
            return
        self.tabs.setCurrentWidget(self._tab_of[t.list_name])
        column = editor.model.column_of(t.field, t.year) if t.field else 0
        editor.select_cell(t.row, max(column, 0))
        if t.list_name == "scenarios":
            self.scenarios_tab.overrides.set_scenario(items[t.row])

    def about(self) -> None:
        box = QMessageBox(QMessageBox.Icon.Information, "About mine2magnet", run_menu.about_text(),
                          QMessageBox.StandardButton.Ok, self)
        dialogs.exec_dialog(box)

    # ------------------------------------------------------- undo anywhere
    _TEXT_EDITORS = (QLineEdit, QAbstractSpinBox, QComboBox, QPlainTextEdit, QTextEdit)

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        if self._filtered_editor is not None:
            try:
                self._filtered_editor.removeEventFilter(self)
            except RuntimeError:  # already deleted
                pass
            self._filtered_editor = None
        if isinstance(new, self._TEXT_EDITORS) and self.isAncestorOf(new):
            new.installEventFilter(self)
            self._filtered_editor = new

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        """Text fields of this window do not swallow Ctrl+Z / Ctrl+Shift+Z / Ctrl+Y.

        Qt asks the focused widget first (ShortcutOverride) and a line edit claims the undo keys
        for its own text. Here the claim is refused, so the window's Undo / Redo act on the project
        from anywhere. Only typing not yet committed (the field still being edited) is undone by
        the field itself first.
        """
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent) \
                and isinstance(obj, self._TEXT_EDITORS) and isinstance(obj, QWidget) and self.isAncestorOf(obj):
            undo = event.matches(QKeySequence.StandardKey.Undo)
            redo = event.matches(QKeySequence.StandardKey.Redo) or (
                event.key() in (Qt.Key.Key_Z, Qt.Key.Key_Y)
                and event.modifiers() & Qt.KeyboardModifier.ControlModifier)
            if undo or redo:
                line = obj if isinstance(obj, QLineEdit) else getattr(obj, "lineEdit", lambda: None)()
                typing = isinstance(line, QLineEdit) and line.isModified() and not line.isReadOnly()
                if undo and typing and line.isUndoAvailable():
                    return False  # the field first reverts what was typed and not committed
                event.ignore()
                return True
        return super().eventFilter(obj, event)

    # ---------------------------------------------------------- lifecycle
    def _restore_geometry(self) -> None:
        s = recovery.app_settings()
        geometry = s.value("window/geometry")
        state = s.value("window/state")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        if isinstance(state, QByteArray) and not state.isEmpty():
            self.restoreState(state)

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if not getattr(self, "_docks_sized", False):
            self._docks_sized = True
            if self.solve_dock is not None and recovery.app_settings().value("window/state") is None:
                self.resizeDocks([self.inspector_dock, self.solve_dock], [540, 320], Qt.Orientation.Vertical)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.maybe_save():
            event.ignore()
            return
        self.shutdown()
        s = recovery.app_settings()
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/state", self.saveState())
        event.accept()

    def shutdown(self) -> None:
        """Stop timers and background work; remove this session's autosave (a clean exit)."""
        self.autosave_timer.stop()
        if self._undo_filter_installed:
            app = QApplication.instance()
            if isinstance(app, QApplication):
                app.focusChanged.disconnect(self._focus_changed)
            self._focus_changed(None, None)
            self._undo_filter_installed = False
        self.validation.stop()
        if self._open_task is not None:
            self._open_task.wait()  # a file being read: let the worker thread end
        self.results_dashboard.wait_export()  # let a workbook being written finish (never a half-written file)
        self.wait_plan_kept()  # and a plan being kept beside the project
        self.solve_panel.shutdown()  # cancels a running solve and waits for its thread
        # cancel a running run, join its thread
        for panel in (self.compare_view, self.risk_panel, self.sensitivity_panel):
            if panel.is_running():
                panel.cancel()
                panel.wait(30_000)
        self.autosaver.discard()
