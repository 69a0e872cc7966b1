"""Running the findings for a screen or a command: one read transaction, as of a date the caller names."""

from __future__ import annotations

import datetime as dt

from app.db import Database
from app.services.duties.base import Findings, check_by_code, compute_findings

# The SPEC §4.7 list, in its order; rules declared elsewhere (直补 …) follow in registry order.
RULE_ORDER: tuple[str, ...] = (
    "包保-安置点", "包保-一对一", "分类包保-因病", "分类包保-因学", "走访", "融合共建", "应保尽保", "住房-漏水",
    "住房-地灾", "住房-无房", "问题-逾期", "问题-临期", "问题-无责任人", "问题-无理由", "计划-滞后", "计划-无责任",
    "档案-不完整", "档案-不一致",
)


def findings(db: Database, as_of: dt.date) -> Findings:
    """Every finding as of `as_of` in one read transaction."""
    with db.read() as s:
        return compute_findings(s, as_of)


def title_of(code: str) -> str:
    """How 首页 names a rule."""
    try:
        return check_by_code(code).title
    except KeyError:
        return code


