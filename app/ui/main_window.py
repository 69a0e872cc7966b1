"""The main window: navigation on the left, one page per area that exists, the database in the status bar."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app import APP_NAME, __version__
from app.db import Database
from app.services import town
from app.services.county import list_towns
from app.ui.dashboard import BAOBAO, HOUSEHOLDS, PROBLEMS, VISITS
from app.ui.data_safety import DataSafetyPage
from app.ui.household_list import HouseholdListPage
from app.ui.ledger_pages import WorkPages
from app.ui.widgets import fill_combo

if TYPE_CHECKING:  # the pages built on first use are imported then, not before the first window
    from app.ui.org_page import OrgPage
    from app.ui.report_page import ReportPage

# The navigation entry behind each kind of 首页 figure.
TARGET_PAGES = {HOUSEHOLDS: "户档案", BAOBAO: "包保", VISITS: "走访", PROBLEMS: "问题台账"}


def _subsidy_page(db: Database) -> QWidget:
    from app.ui.subsidy_page import SubsidyPage

    return SubsidyPage(db)


class LazyPage(QWidget):
    """Stands in the page stack for a page that is built the first time it is shown."""

    def __init__(self, factory: Callable[[], QWidget]) -> None:
        super().__init__()
        self._factory = factory
        self.page: QWidget | None = None
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)

    def ensure(self) -> QWidget:
        if self.page is None:
            self.page = self._factory()
            self._layout.addWidget(self.page)
        return self.page


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
        self.town_filter: QComboBox | None = None
        if db.county:  # a county database: every screen can be narrowed to one town
            self.town_filter = QComboBox()
            self.town_filter.setToolTip("只看一个镇的户档案、首页和台账")
            fill_combo(self.town_filter, [(t.name, t.id) for t in list_towns(db)], blank="全部镇")
            self.town_filter.currentIndexChanged.connect(self._town_changed)
            side_layout.addWidget(self.town_filter)
        side_layout.addWidget(self.nav, 1)
        outer.addWidget(side)

        self.pages = QStackedWidget()
        outer.addWidget(self.pages, 1)
        self.setCentralWidget(central)

        self._report: ReportPage | None = None
        self._org: OrgPage | None = None
        self.work = WorkPages(db)
        if not db.county:  # 首页 is the first page: its reads go first, ahead of the household list's
            self.work.dashboard.start_early()
        self.households = HouseholdListPage(db)
        if db.county:
            from app.ui.county_page import CountyPage

            self.add_page("县级汇总", lambda: CountyPage(db))
        self.add_page("首页", self.work.dashboard)
        self.add_page("户档案", self.households)
        for name, factory in self.work.nav_entries():
            if name == "干部与单位":
                self.add_page("后扶直补", lambda: _subsidy_page(db))
                self.add_page("月报", lambda: self.report)
            self.add_page(name, factory)
        self.add_page("基础信息", lambda: self.org)
        self.safety = DataSafetyPage(db)
        self.add_page("数据安全", self.safety)
        self.work.dashboard.open_requested.connect(self.open_target)
        self.work.dashboard.household_requested.connect(self.households.open_household)
        self.households.visit_requested.connect(lambda hid: self.work.visits.record_visit(hid))
        self.households.problem_requested.connect(lambda hid: self.work.problems.register(household_id=hid))
        self.households.print_requested.connect(self.print_card)
        self.nav.currentRowChanged.connect(self._show_row)
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

    def add_page(self, name: str, page: QWidget | Callable[[], QWidget]) -> None:
        """A navigation entry; a page given as a factory is built the first time it is shown."""
        item = QListWidgetItem(name)
        item.setSizeHint(item.sizeHint().expandedTo(self.nav.sizeHint().boundedTo(item.sizeHint())))
        self.nav.addItem(item)
        self.pages.addWidget(page if isinstance(page, QWidget) else LazyPage(page))

    def _town_changed(self) -> None:
        """Narrow the database's reads to the chosen town and show the open lists again."""
        self.db.town_id = self.town_filter.currentData()
        self.households.refresh()
        self.work.dashboard.refresh()

    def page_at(self, row: int) -> QWidget:
        """The page of a navigation row, built if it was not yet."""
        widget = self.pages.widget(row)
        return widget.ensure() if isinstance(widget, LazyPage) else widget

    def current_page(self) -> QWidget:
        return self.page_at(self.nav.currentRow())

    def show_page(self, name: str) -> QWidget:
        """Switch to the navigation entry called name; returns its page."""
        row = [self.nav.item(i).text() for i in range(self.nav.count())].index(name)
        self.nav.setCurrentRow(row)
        return self.page_at(row)

    def _show_row(self, row: int) -> None:
        self.page_at(row)
        self.pages.setCurrentIndex(row)

    @property
    def report(self) -> ReportPage:
        if self._report is None:
            from app.ui.report_page import ReportPage

            self._report = ReportPage(self.db)
        return self._report

    @property
    def org(self) -> OrgPage:
        if self._org is None:
            from app.ui.org_page import OrgPage

            self._org = OrgPage(self.db)
            self._org.changed.connect(self.households.reload_choices)
        return self._org

    def open_target(self, target) -> None:
        """A 首页 figure was clicked: show the list behind it, filtered."""
        self.show_page(TARGET_PAGES[target.page])
        self.work.page_for(target, self.households).apply_filter(**target.filters)

    def print_card(self, household_id: int) -> None:
        """打印一户一档 from the household window: the 月报 page builds the card and shows it to print."""
        self.show_page("月报")
        self.report.build_cards_for([household_id], "本户")

    def focus_search(self) -> None:
        self.show_page("户档案")
        self.households.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.households.search.selectAll()

    def closeEvent(self, event) -> None:
        self.safety.shutdown()
        self.households.background.wait(3000)
        self.work.wait(3000)
        if self._report is not None:
            self._report.wait(3000)
        super().closeEvent(event)
