"""The main window: navigation on the left, one page per area that exists, the database in the status bar."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QMainWindow, QStackedWidget, QVBoxLayout, QWidget,
)

from app import APP_NAME, __version__
from app.db import Database
from app.services import town
from app.ui.data_safety import DataSafetyPage
from app.ui.household_list import HouseholdListPage
from app.ui.ledger_pages import WorkPages
from app.ui.org_page import OrgPage
from app.ui.report_page import ReportPage


class MainWindow(QMainWindow):
    def __init__(self, db: Database) -> None:
        super().__init__()
        self.db = db
        profile = town.load_town(db)
        self.setWindowTitle(f"{APP_NAME} — {profile.town_name}" if profile.town_name else APP_NAME)

        central = QWidget()
        outer = QHBoxLayout(central)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)

        side = QWidget()
        side.setFixedWidth(180)
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.setSpacing(0)
        title = QLabel("后续扶持台账")
        title.setObjectName("NavTitle")
        sub = QLabel(profile.station_name or profile.town_name or "搬迁群众后续扶持")
        sub.setObjectName("NavSub")
        sub.setWordWrap(True)
        self.nav = QListWidget()
        self.nav.setObjectName("NavList")
        side_layout.addWidget(title)
        side_layout.addWidget(sub)
        side_layout.addWidget(self.nav, 1)
        outer.addWidget(side)

        self.pages = QStackedWidget()
        outer.addWidget(self.pages, 1)
        self.setCentralWidget(central)

        self.households = HouseholdListPage(db)
        self.org = OrgPage(db)
        self.org.changed.connect(self.households.reload_choices)
        self.work = WorkPages(db)
        self.add_page("首页", self.work.dashboard)
        self.add_page("户档案", self.households)
        self.report = ReportPage(db)
        for name, page in self.work.nav_pages():
            if name == "干部与单位":
                self.add_page("月报", self.report)
            self.add_page(name, page)
        self.add_page("基础信息", self.org)
        self.safety = DataSafetyPage(db)
        self.add_page("数据安全", self.safety)
        self.work.dashboard.open_requested.connect(self.open_target)
        self.nav.currentRowChanged.connect(self.pages.setCurrentIndex)
        self.nav.setCurrentRow(0)

        for i in range(self.nav.count()):
            QShortcut(QKeySequence(f"Ctrl+{i + 1}"), self, activated=lambda i=i: self.nav.setCurrentRow(i))
        QShortcut(QKeySequence.StandardKey.Find, self, activated=self.focus_search)

        status = f"数据库：{db.path}"
        if db.readonly:
            status += f"    【只读】{db.readonly_reason}"
        self.statusBar().showMessage(status)
        self.statusBar().addPermanentWidget(QLabel(f"版本 {__version__}"))
        self.resize(1280, 720)

    def add_page(self, name: str, page: QWidget) -> None:
        item = QListWidgetItem(name)
        item.setSizeHint(item.sizeHint().expandedTo(self.nav.sizeHint().boundedTo(item.sizeHint())))
        self.nav.addItem(item)
        self.pages.addWidget(page)

    def open_target(self, target) -> None:
        """A 首页 figure was clicked: show the list behind it."""
        self.work.open(target, self.households, lambda page: self.nav.setCurrentRow(self.pages.indexOf(page)))

    def focus_search(self) -> None:
        self.nav.setCurrentRow(self.pages.indexOf(self.households))
        self.households.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.households.search.selectAll()

    def closeEvent(self, event) -> None:
        self.safety.shutdown()
        self.households.background.wait(3000)
        self.work.wait(3000)
        self.report.wait(3000)
        super().closeEvent(event)
