"""`demo` entry point: generate() checks the database is empty and runs every step in one transaction."""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Callable

from sqlalchemy import func, select

from app.db import Database
from app.demo.baobao import BaobaoSteps
from app.demo.base import DemoError, DemoSummary
from app.demo.households import HouseholdSteps
from app.demo.ledgers import LedgerSteps
from app.demo.org import OrgSteps
from app.demo.plans import PlanSteps
from app.demo.subsidy import SubsidySteps
from app.models import Household


def generate(
    db: Database,
    households: int,
    seed: int = 1,
    today: dt.date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> DemoSummary:
    """Fill an empty database with `households` synthetic households and everything around them (one transaction).

    Raises DemoError when the database already holds households or the count is not positive. `progress`
    is called with (households written, households requested) as the work goes on.
    """
    if not isinstance(households, int) or isinstance(households, bool) or households < 1:
        raise DemoError("户数必须是正整数")
    today = today or dt.date.today()
    gc_was_enabled = gc.isenabled()
    gc.disable()  # a million short-lived rows and no cycles: the collector would only cost time
    try:
        with db.write() as s:
            existing = s.scalar(select(func.count()).select_from(Household)) or 0
            if existing:
                raise DemoError(f"数据库中已有 {existing} 户档案，演示数据只能生成到空数据库中。请新建一个数据库后再生成。")
            return _Demo(s, households, seed, today, progress).run()
    finally:
        if gc_was_enabled:
            gc.enable()


class _Demo(OrgSteps, HouseholdSteps, BaobaoSteps, LedgerSteps, PlanSteps, SubsidySteps):
    """All the steps, in the order they depend on each other."""

    def run(self) -> DemoSummary:
        self._organisation()
        self._households()
        self._subsidy()
        self._cadres()
        self._baobao()
        self._visits()
        self._inspections()
        self._problems()
        self._employment()
        self._support()
        self._housing()
        self._funds()
        self._projects()
        self._activities()
        self._party()
        self._plan()
        self._meetings()
        if self.progress:
            self.progress(self.n, self.n)
        return self.summary
