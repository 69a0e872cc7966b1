"""What a ledger entry does to the household archive (SPEC §3, issue 5): run inside the save's transaction
by a declaration's `after_write`, so the entry and the archive change together or not at all, and the
history says which ledger changed what and why.

- 住房 / 无房户安置 with a placement: the household's 住房情况 becomes that placement (no longer 无房).
- 住房 / 漏水维修 completed: 房屋漏水 becomes 否.  住房 / 地灾过渡安置 completed: 受地灾威胁未搬迁 becomes 否.
- 就业创业 / 就业安置 with an employment value: the member's 就业情况 becomes it.
"""

from __future__ import annotations

import datetime as dt

from app.ledgers import hooks
from app.ledgers.hooks import ArchiveChange
from app.ledgers.spec import LedgerError, LedgerRefused
from app.models import Household, Member


def _refresh(s, household: Household) -> None:
    hooks.refresh_derived(s, household)


def _bool_text(value) -> str:
    return "" if value is None else ("是" if value else "否")


def housing_changed(s, row, _today: dt.date) -> None:
    """The archive follows a 住房 entry (see the module docstring)."""
    h = s.get(Household, row.household_id)
    if h is None:
        return
    changes: list[ArchiveChange] = []
    reason = ""
    if row.kind == "无房户安置" and row.placement and h.housing_status != row.placement:
        changes.append(ArchiveChange("户", "住房情况", h.housing_status or "", row.placement))
        h.housing_status = row.placement
        reason = f"住房台账：{row.placement}安置"
    elif row.kind == "漏水维修" and row.completed and h.house_leaks:
        changes.append(ArchiveChange("户", "房屋漏水", _bool_text(h.house_leaks), "否"))
        h.house_leaks = False
        reason = "住房台账：漏水维修完成"
    elif row.kind == "地灾过渡安置" and row.completed and h.geohazard_unmoved:
        changes.append(ArchiveChange("户", "受地质灾害威胁未搬迁", _bool_text(h.geohazard_unmoved), "否"))
        h.geohazard_unmoved = False
        reason = "住房台账：地灾过渡安置"
    if changes:
        hooks.record_history(s, h.id, changes, reason)
        s.flush()
        _refresh(s, h)


def employment_placed(s, row, _today: dt.date) -> None:
    """The member's 就业情况 follows a 就业安置 entry; a member of another household is refused."""
    if row.member_id is None:
        return
    m = s.get(Member, row.member_id)
    if m is None or m.household_id != row.household_id:
        raise LedgerRefused([LedgerError("member_id", "所选“家庭成员”不属于所选的户，请重新选择")])
    if row.kind != "就业安置" or not row.employment or m.employment == row.employment:
        return
    change = ArchiveChange(m.name, "就业情况", m.employment or "", row.employment, m.id)
    hooks.record_history(s, m.household_id, [change],
                         f"就业创业台账：就业安置（{row.detail}）" if row.detail else "就业创业台账：就业安置")
    m.employment = row.employment
    s.flush()
    h = s.get(Household, m.household_id)
    if h is not None:
        _refresh(s, h)
