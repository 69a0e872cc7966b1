"""The pages of the daily work and their place in the navigation: 首页, 包保, 走访 and 问题台账 (the daily
ledgers), 工作台账 (one tab per other declared ledger, in declaration order), 年度计划, 年度考核, 干部与单位.
A ledger declared with a `nav` entry gets a page here without any change to the main window: LedgerPage, or
its own subclass when it has a workflow (PAGE_TYPES).

The main window adds `nav_pages()` and routes the 首页's clicks with `open()`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property

from PySide6.QtWidgets import QTabWidget, QWidget

from app.db import Database
from app.ledgers import LEDGERS, Ledger
from app.ui.assessment_page import AssessmentPage
from app.ui.baobao_page import BaobaoPage
from app.ui.dashboard import BAOBAO, HOUSEHOLDS, PROBLEMS, VISITS, DashboardPage, Target
from app.ui.ledger_page import LedgerPage
from app.ui.ledger_problems import ProblemsPage
from app.ui.ledger_work import PAGES as WORK_PAGES
from app.ui.people_page import PeoplePage
from app.ui.plan_page import PlanPage
from app.ui.visits_page import VisitsPage

# Ledgers whose page adds a workflow to LedgerPage; every other declared ledger gets LedgerPage itself.
PAGE_TYPES: dict[str, Callable[[Database], QWidget]] = {"problems": ProblemsPage, "visits": VisitsPage,
                                                         **WORK_PAGES}


# Ledgers used every day get their own navigation entry; the others share 工作台账 as tabs, so that the
# navigation fits a 1366×768 screen.
DAILY_LEDGERS = ("visits", "problems")
WORK_LEDGERS_NAV = "工作台账"


def ledger_page(db: Database, ledger: Ledger) -> QWidget:
    factory = PAGE_TYPES.get(ledger.name)
    return factory(db) if factory is not None else LedgerPage(db, ledger)


class WorkPages:
    """The work pages, each built the first time it is needed (the 首页 at once), so that the window opens
    fast; the main window adds them and forwards the 首页's requests to `open`."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.dashboard = DashboardPage(db)

    @cached_property
    def baobao(self) -> BaobaoPage:
        return BaobaoPage(self.db)

    @cached_property
    def ledgers(self) -> dict[str, QWidget]:
        return {name: ledger_page(self.db, ledger) for name, ledger in LEDGERS.items() if ledger.nav}

    @cached_property
    def work_ledgers(self) -> QTabWidget:
        tabs = QTabWidget()
        tabs.setObjectName("WorkLedgers")
        tabs.setDocumentMode(True)
        for name, page in self.ledgers.items():
            if name not in DAILY_LEDGERS:
                tabs.addTab(page, LEDGERS[name].nav)
        return tabs

    @cached_property
    def plan(self) -> PlanPage:
        return PlanPage(self.db)

    @cached_property
    def assessment(self) -> AssessmentPage:
        return AssessmentPage(self.db)

    @cached_property
    def people(self) -> PeoplePage:
        return PeoplePage(self.db)

    def nav_entries(self) -> list[tuple[str, Callable[[], QWidget]]]:
        """(navigation name, page factory) to add after 户档案, in order; nothing is built until called."""
        entries: list[tuple[str, Callable[[], QWidget]]] = [("包保", lambda: self.baobao)]
        entries += [(LEDGERS[name].nav, lambda name=name: self.ledgers[name])
                    for name in DAILY_LEDGERS if LEDGERS[name].nav]
        if any(ledger.nav for name, ledger in LEDGERS.items() if name not in DAILY_LEDGERS):
            entries.append((WORK_LEDGERS_NAV, lambda: self.work_ledgers))
        entries += [("年度计划", lambda: self.plan), ("年度考核", lambda: self.assessment),
                    ("干部与单位", lambda: self.people)]
        return entries

    @property
    def visits(self) -> VisitsPage:
        return self.ledgers["visits"]

    @property
    def problems(self) -> ProblemsPage:
        return self.ledgers["problems"]

    def nav_pages(self) -> list[tuple[str, QWidget]]:
        """(navigation name, page) to add after 户档案, in order; builds every page."""
        return [(name, factory()) for name, factory in self.nav_entries()]

    def page_for(self, target: Target, households: QWidget) -> QWidget:
        return {HOUSEHOLDS: households, BAOBAO: self.baobao, VISITS: self.visits,
                PROBLEMS: self.problems}[target.page]

    def open(self, target: Target, households: QWidget, show: Callable[[QWidget], None]) -> QWidget:
        """Show the page behind a 首页 figure (`show(page)` switches the navigation) and filter it."""
        page = self.page_for(target, households)
        show(page)
        page.apply_filter(**target.filters)
        return page

    def wait(self, msecs: int = 3000) -> None:
        """Let background queries finish (on closing the window)."""
        self.dashboard.background.wait(msecs)
        self.dashboard.duties_background.wait(msecs)
        if "assessment" in self.__dict__:
            self.assessment.background.wait(msecs)
