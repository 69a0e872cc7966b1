"""包保 duties (SPEC §4.3): points without the leader they need, key households without exactly one
one-to-one cadre, households with a sick member or a pupil and no 因病 / 因学 分类包保 department."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import vocab
from app.models import Cadre, HouseholdAssignment, PointAssignment, UnitAssignment
from app.rules import coverage
from app.services import stats
from app.services.duties.base import PROBLEM, Check, Finding, Found, register
from app.services.duties.common import (
    PUPILS,
    SICK,
    among,
    as_date,
    facts_of,
    fetch,
    in_force,
    members_needing,
    point_names,
    point_sizes,
    register_of,
)

KEY_MASK = vocab.SANTE_MASK | vocab.SANWU_MASK


def points_without_leader(s: Session, as_of: dt.date) -> list[Finding]:
    sizes = point_sizes(s, as_of)
    holders = stats.point_holders(s, as_of)
    names = point_names(s)
    leads: dict[int, str] = {}
    for pid, name in s.execute(select(PointAssignment.settlement_point_id, Cadre.name)
                               .join(Cadre, Cadre.id == PointAssignment.cadre_id)
                               .where(in_force(PointAssignment, as_of), PointAssignment.role == coverage.ROLE_LEAD)):
        leads[pid] = name
    lost = dict(s.execute(select(PointAssignment.settlement_point_id, func.max(PointAssignment.end_date))
                          .where(PointAssignment.end_date <= as_of)
                          .group_by(PointAssignment.settlement_point_id)).all())
    out = []
    for pid in sorted(sizes, key=lambda p: names.get(p, ("",))[0]):
        n = sizes[pid]
        name, kind, village = names.get(pid, ("", "", ""))
        if not n or coverage.point_covered(kind, n, holders.get(pid, ())):
            continue
        if coverage.is_big_point(kind, n):
            what = (f"在册 {n} 户，须由镇级主要领导牵头包保（作为成员不算），请安排镇级主要领导牵头")
        else:
            what = "请安排联系村党政班子成员（或以上）包保该安置点"
        out.append(Finding("包保-安置点", PROBLEM, name, "point", pid, leads.get(pid) or village,
                           as_date(lost.get(pid)), what))
    return out


def key_households_held_wrongly(s: Session, as_of: dt.date) -> Found:
    """三特户 and 三无户 without exactly one one-to-one cadre in force; detail: {household: how many}."""
    reg = register_of(s, as_of)
    key = facts_of(s, as_of).with_flags(KEY_MASK)  # households on the register
    held: dict[int, int] = {}
    for hid, *_rest in reg.assignments:
        held[hid] = held.get(hid, 0) + 1
    wrong = {h: held.get(h, 0) for h in key if held.get(h, 0) != 1}
    return Found(wrong, PROBLEM, wrong)


def key_households_one_to_one(s: Session, as_of: dt.date, found: Found) -> list[Finding]:
    reg = register_of(s, as_of)
    held: dict[int, int] = found.detail
    wrong = reg.sorted(held)
    unheld = [h for h in wrong if not held[h]]
    ended = dict(fetch(s, select(HouseholdAssignment.household_id, func.max(HouseholdAssignment.end_date))
                       .where(among(HouseholdAssignment.household_id), HouseholdAssignment.end_date <= as_of)
                       .group_by(HouseholdAssignment.household_id), unheld)) if unheld else {}
    out = []
    for hid in wrong:
        n = held[hid]
        if n == 0:
            out.append(Finding("包保-一对一", PROBLEM, reg.label[hid], "household", hid, reg.village[hid],
                               as_date(ended.get(hid)), "三特户、三无户须由一名干部一对一包保：请指定包保干部"))
        else:
            out.append(Finding("包保-一对一", PROBLEM, reg.label[hid], "household", hid, reg.cadre.get(hid, ""), None,
                               f"该户同时有 {n} 名一对一包保干部（{reg.cadre.get(hid, '')}），请只保留一名"))
    return out


def _classified(reason: str, which: str):
    """Households on the register with a member who needs a 分类包保 `reason` department, and none in force."""
    def run(s: Session, as_of: dt.date) -> Found:
        left = members_needing(s, which, select(UnitAssignment.household_id)
                               .where(UnitAssignment.reason == reason, in_force(UnitAssignment, as_of)))
        return Found(register_of(s, as_of).among_present(left), PROBLEM)
    return run


def _classified_named(code: str, reason: str, who: str):
    def run(s: Session, as_of: dt.date, found: Found) -> list[Finding]:
        reg = register_of(s, as_of)
        return [Finding(code, PROBLEM, reg.label[hid], "household", hid, reg.owner(hid), None,
                        f"家中有{who}，请安排镇属部门{reason}分类包保") for hid in reg.sorted(found.ids)]
    return run


register(Check("包保-安置点", "安置点包保未落实", PROBLEM, "point", points_without_leader))
register(Check.split("包保-一对一", "重点户未落实一对一包保", PROBLEM, "household", key_households_held_wrongly,
                     key_households_one_to_one))
register(Check.split("分类包保-因病", "患病户未落实因病包保", PROBLEM, "household", _classified("因病", SICK),
                     _classified_named("分类包保-因病", "因病", "大病或长期慢性病患者")))
register(Check.split("分类包保-因学", "有在校生户未落实因学包保", PROBLEM, "household", _classified("因学", PUPILS),
                     _classified_named("分类包保-因学", "因学", "在校生")))
