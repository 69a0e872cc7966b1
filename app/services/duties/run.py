"""Running the findings for a screen or a command: one read transaction, as of a date the caller names."""

from __future__ import annotations

import datetime as dt

from app.db import Database
from app.services.bulk import gc_held
from app.services.duties.base import CHECKS, Findings, check_by_code, compute_findings, count_findings
from app.services.town_scope import town_read

# The SPEC §4.7 list, in its order: findings are listed, and by_rule counted, in this order; a rule declared
# outside it follows in registry order.
RULE_ORDER: tuple[str, ...] = (
    "包保-安置点", "包保-一对一", "分类包保-因病", "分类包保-因学", "走访", "融合共建", "应保尽保", "住房-漏水",
    "住房-地灾", "住房-无房", "问题-逾期", "问题-临期", "问题-无责任人", "问题-无理由", "计划-滞后", "计划-无责任",
    "档案-不完整", "档案-不一致", "直补-应核减", "直补-无账号", "跨镇重复",
)


def put_in_order() -> None:
    """Sort the registry into RULE_ORDER (stable: rules outside it keep their registry order, last)."""
    rank = {code: i for i, code in enumerate(RULE_ORDER)}
    CHECKS.sort(key=lambda c: rank.get(c.code, len(rank)))


def findings(db: Database, as_of: dt.date, *, town_id: int | None = None) -> Findings:
    """Every finding as of `as_of` in one read transaction; of one town's records when town_id is given
    (a county database), else of what db is narrowed to."""
    with gc_held(), town_read(db, town_id) as s:  # tens of thousands of rows and findings, and no cycles
        return compute_findings(s, as_of)


def counts(db: Database, as_of: dt.date, *, town_id: int | None = None) -> Findings:
    """How many findings each rule has as of `as_of` (by_rule, closed, worst; no items), in one read
    transaction: what findings() counts, without wording the findings."""
    with gc_held(), town_read(db, town_id) as s:
        return count_findings(s, as_of)


def title_of(code: str) -> str:
    """How 首页 names a rule."""
    try:
        return check_by_code(code).title
    except KeyError:
        return code


