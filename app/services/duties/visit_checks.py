"""Visit duties (SPEC §4.4): every one-to-one household visited by its cadre each calendar month; every
settlement point holding a 融合共建 activity each calendar year (a reminder from the fourth quarter, a
finding once the year is over — on 31 December, and through the first quarter that follows)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import Activity, Cadre, PointAssignment, Visit
from app.rules import coverage
from app.services import stats
from app.services.duties.base import PROBLEM, REMINDER, Check, Finding, Found, register
from app.services.duties.common import (
    among,
    as_date,
    fetch,
    in_force,
    is_month_end,
    month_start,
    point_names,
    point_sizes,
    register_of,
)


def households_behind(s: Session, as_of: dt.date) -> Found:
    """One-to-one households on the register whose cadre has not visited them this month; detail:
    {household: (cadre id, cadre, assignment start)}. A problem on the month's last day, before it a reminder."""
    reg = register_of(s, as_of)
    visited = set(fetch(s, select(Visit.household_id, Visit.cadre_id).distinct()
                        .where(Visit.date >= month_start(as_of), Visit.date <= as_of)))
    behind = {hid: (cid, name, began) for hid, cid, name, began in reg.assignments if (hid, cid) not in visited}
    behind = {hid: behind[hid] for hid in reg.among_present(behind)}
    return Found(behind, PROBLEM if is_month_end(as_of) else REMINDER, behind)


def households_not_visited(s: Session, as_of: dt.date, found: Found) -> list[Finding]:
    reg = register_of(s, as_of)
    behind = found.detail
    behind = {hid: behind[hid] for hid in reg.sorted(behind)}
    last: dict[tuple[int, int], dt.date | None] = {}
    for hid, cid, day in fetch(s, select(Visit.household_id, Visit.cadre_id, func.max(Visit.date))
                               .where(among(Visit.household_id), Visit.date <= as_of)
                               .group_by(Visit.household_id, Visit.cadre_id), behind):
        last[(hid, cid)] = as_date(day)
    out = []
    for hid in sorted(behind, key=lambda h: (behind[h][1], reg.key[h])):
        cid, cadre, began = behind[hid]
        last_visit = last.get((hid, cid))
        when = f"上次走访 {last_visit.isoformat()}" if last_visit else "包保以来尚未走访"
        out.append(Finding("走访", found.severity, reg.label[hid], "household", hid, cadre,
                           last_visit or as_date(began),
                           f"{as_of.month}月尚未走访（{when}），请{cadre}本月内入户走访并登记"))
    return out


def points_without_fusion(s: Session, as_of: dt.date) -> list[Finding]:
    years: list[tuple[int, str]] = []
    if as_of.month == 12 and as_of.day == 31:
        years.append((as_of.year, PROBLEM))
    elif as_of.month >= 10:
        years.append((as_of.year, REMINDER))
    if as_of.month <= 3:
        years.append((as_of.year - 1, PROBLEM))
    if not years:
        return []
    sizes = point_sizes(s, as_of)
    names = point_names(s)
    leads = dict(s.execute(select(PointAssignment.settlement_point_id, Cadre.name)
                           .join(Cadre, Cadre.id == PointAssignment.cadre_id)
                           .where(in_force(PointAssignment, as_of), PointAssignment.role == coverage.ROLE_LEAD)).all())
    out = []
    for year, severity in years:
        end = min(as_of, dt.date(year, 12, 31))
        held = set(s.scalars(select(Activity.settlement_point_id).where(
            Activity.kind == stats.FUSION_ACTIVITY, Activity.date >= dt.date(year, 1, 1), Activity.date <= end)))
        last = dict(s.execute(select(Activity.settlement_point_id, func.max(Activity.date))
                              .where(Activity.kind == stats.FUSION_ACTIVITY, Activity.date <= end)
                              .group_by(Activity.settlement_point_id)).all())
        for pid in sorted(sizes, key=lambda p: names.get(p, ("",))[0]):
            if not sizes[pid] or pid in held:
                continue
            name, _kind, village = names.get(pid, ("", "", ""))
            if severity == REMINDER:
                what = f"{year}年尚未开展居民融合共建活动，请在年底前组织一次并登记"
            else:
                what = f"{year}年全年未开展居民融合共建活动，请说明原因并尽快组织"
            out.append(Finding("融合共建", severity, name, "point", pid, leads.get(pid) or village,
                               as_date(last.get(pid)), what))
    return out


register(Check.split("走访", "本月未走访", REMINDER, "household", households_behind, households_not_visited))
register(Check("融合共建", "安置点未开展融合共建活动", REMINDER, "point", points_without_fusion))
