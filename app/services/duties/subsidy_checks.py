"""直补 duties (SPEC §11): a person on the 后扶 roster whom the archive shows 死亡 or 迁出 and who is not yet
核减 (直补-应核减), and a person on the roster with no 一卡通账号 (直补-无账号). Who is found is decided by
app.services.subsidy_roster's queries; this module names the person, the owner and what to do."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Household, Village
from app.rules.idnumber import mask_id
from app.services import subsidy_roster
from app.services.duties.base import PROBLEM, Check, Finding, Found, register
from app.services.duties.common import as_date, chunks, register_of
from app.services.subsidy_roster import FindingRow


def _named(s: Session, as_of: dt.date, rows: list[FindingRow]) -> list[tuple[FindingRow, str, str]]:
    """(row, village, owner) in list order (village, archive number). A household that has left the
    register still names its village: the person stays on the roster until the 核减 is recorded."""
    reg = register_of(s, as_of)
    households = list(dict.fromkeys(r.household_id for r in rows))
    reg.sorted(households)
    village = {h: reg.village[h] for h in households if reg.on_register(h)}
    for chunk in chunks([h for h in households if h not in village], 900):
        village.update(s.execute(select(Household.id, Village.name).outerjoin(Village, Village.id == Household.village_id)
                                 .where(Household.id.in_(chunk))).all())
    named = [(r, village.get(r.household_id) or "", reg.cadre.get(r.household_id) or village.get(r.household_id) or "")
             for r in rows if r.household_id in village]
    order = {r.member_id: i for i, r in enumerate(rows)}
    named.sort(key=lambda n: (n[1], n[0].archive_no, order[n[0].member_id]))
    return named


def person_subject(village: str, row: FindingRow) -> str:
    """村 姓名（身份证号 masked，档案编号）."""
    idn = mask_id(row.id_number) if row.id_number else "无身份证号"
    return f"{village + ' ' if village else ''}{row.name}（{idn}，档案编号 {row.archive_no}）"


def _on_roster(find):
    """The people a subsidy_roster query finds (each row's household exists, so each is named)."""
    def which(s: Session, as_of: dt.date) -> Found:
        rows = find(s, as_of)
        return Found([r.member_id for r in rows], PROBLEM, rows)
    return which


def should_reduce(s: Session, as_of: dt.date, found: Found) -> list[Finding]:
    out = []
    for row, village, owner in _named(s, as_of, found.detail):
        day = as_date(row.status_date)
        when = f"（{day.isoformat()}）" if day else ""
        out.append(Finding("直补-应核减", PROBLEM, person_subject(village, row), "person", row.member_id, owner, day,
                           f"档案记载已{row.status}{when}，仍在后扶名册上：请在后扶直补中办理核减，"
                           f"填写核减时间和核减原因", household_id=row.household_id))
    return out


def without_account(s: Session, as_of: dt.date, found: Found) -> list[Finding]:
    out = []
    for row, village, owner in _named(s, as_of, found.detail):
        start = as_date(row.start_on)
        later = start is not None and start > as_of
        what = (f"将于 {start.isoformat()} 纳入扶持，" if later and start else "") + \
            "在后扶名册上但没有一卡通账号，直补无法发放：请补录一卡通账号和开户银行"
        out.append(Finding("直补-无账号", PROBLEM, person_subject(village, row), "person", row.member_id, owner,
                           None if later else start, what, household_id=row.household_id))
    return out


register(Check.split("直补-应核减", "死亡或迁出未核减", PROBLEM, "person", _on_roster(subsidy_roster.should_reduce_in),
                     should_reduce))
register(Check.split("直补-无账号", "后扶人口缺一卡通账号", PROBLEM, "person",
                     _on_roster(subsidy_roster.without_account_in), without_account))
