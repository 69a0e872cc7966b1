"""The finding of a county database (SPEC §4.7): 跨镇重复, the same ID held by two towns' members 在册,
listed with both towns. Only a county database holds more than one town; a town's database has none.
The duty check that reports it is app.services.duties.cross_town."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import vocab
from app.ledgers.conditions import people_on_register
from app.models import Household, Member, Town
from app.rules.idnumber import mask_id

RULE_CROSS_TOWN = vocab.RULE_CROSS_TOWN
SEVERITY = "问题"


@dataclass(frozen=True, slots=True)
class Duplicate:
    """One ID held 在册 in more than one town: its holders (town, archive number, name) by town."""

    id_number: str
    member_id: int  # the first holder (the finding's subject)
    towns: tuple[str, ...]
    holders: tuple[tuple[str, str, str], ...]

    @property
    def subject(self) -> str:
        return mask_id(self.id_number)

    @property
    def message(self) -> str:
        where = "；".join(f"{t} 档案编号 {no} 的{name}" for t, no, name in self.holders)
        return f"身份证号 {self.subject} 同时登记在{'和'.join(self.towns)}：{where}，请与相关镇核实后只保留一处"


def cross_town_duplicates(s: Session, town_id: int | None = None) -> list[Duplicate]:
    """Every ID held 在册 in more than one town, by ID; narrowed to the IDs that town_id holds when given.
    Reads every town: the caller's session must not be narrowed to one (town_scope.every_town). A database
    whose households belong to one town holds none, and is answered without grouping its members."""
    if (s.scalar(select(func.count(func.distinct(Household.town_id)))) or 0) < 2:
        return []
    active = (people_on_register(), Member.id_number != "")
    shared = (select(Member.id_number).join(Household, Household.id == Member.household_id).where(*active)
              .group_by(Member.id_number).having(func.count(func.distinct(Household.town_id)) > 1))
    holders: dict[str, list[tuple[int, int, str, str, str]]] = defaultdict(list)
    for idn, mid, tid, tname, no, name in s.execute(
        select(Member.id_number, Member.id, Household.town_id, Town.name, Household.archive_no, Member.name)
        .join(Household, Household.id == Member.household_id).join(Town, Town.id == Household.town_id)
        .where(*active, Member.id_number.in_(shared)).order_by(Member.id_number, Town.name, Household.archive_no)
    ):
        holders[idn].append((mid, tid, tname, no, name))
    found = []
    for idn, rows in holders.items():
        if town_id is not None and all(tid != town_id for _m, tid, *_ in rows):
            continue
        found.append(Duplicate(idn, min(r[0] for r in rows), tuple(sorted({r[2] for r in rows})),
                               tuple((t, no, name) for _m, _t, t, no, name in rows)))
    return found
