"""The finding of a county database (SPEC §4.7): 跨镇重复, the same ID held by two towns' members 在册,
listed with both towns. Only a county database holds more than one town; a town's database has none."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import vocab
from app.models import Household, Member, Town
from app.rules.idnumber import mask_id

RULE_CROSS_TOWN = vocab.RULE_CROSS_TOWN
SEVERITY = "问题"


def cross_town_duplicates(s: Session, town_id: int | None = None) -> list[dict]:
    """One finding per ID held 在册 in more than one town (in the shape of `check --duties`), with the towns
    and the holders; narrowed to the IDs that town_id holds when given."""
    active = (Member.status == vocab.MEMBER_ACTIVE, Household.status == vocab.HOUSEHOLD_ACTIVE,
              Member.id_number != "")
    shared = (select(Member.id_number).join(Household, Household.id == Member.household_id).where(*active)
              .group_by(Member.id_number).having(func.count(func.distinct(Household.town_id)) > 1))
    holders: dict[str, list[tuple[int, str, str, str]]] = defaultdict(list)
    for idn, tid, tname, no, name in s.execute(
        select(Member.id_number, Household.town_id, Town.name, Household.archive_no, Member.name)
        .join(Household, Household.id == Member.household_id).join(Town, Town.id == Household.town_id)
        .where(*active, Member.id_number.in_(shared)).order_by(Member.id_number, Town.name, Household.archive_no)
    ):
        holders[idn].append((tid, tname, no, name))
    findings = []
    for idn, rows in holders.items():
        if town_id is not None and all(tid != town_id for tid, *_ in rows):
            continue
        towns = sorted({t for _, t, _, _ in rows})
        where = "；".join(f"{t} 档案编号 {no} 的{name}" for _, t, no, name in rows)
        findings.append({
            "rule": RULE_CROSS_TOWN, "severity": SEVERITY, "subject": mask_id(idn), "owner": "、".join(towns),
            "since": None, "towns": towns,
            "message": f"身份证号 {mask_id(idn)} 同时登记在{'和'.join(towns)}：{where}",
        })
    return findings
