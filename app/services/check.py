"""`check`: the soundness of the file (integrity, foreign keys, history chain) and the SPEC §4.5 findings of
every household, recomputed from the source fields rather than read from the cached columns."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import vocab
from app.db import Database, integrity_check
from app.models import Household, HouseholdTag, Member
from app.rules import HouseholdFacts, MemberFacts, archive_state, check_archive
from app.services.history import verify_chain


def scan_households(s: Session, status: str | None = vocab.HOUSEHOLD_ACTIVE
                    ) -> Iterator[tuple[int, str, int, HouseholdFacts]]:
    """(id, archive_no, cached archive_state, facts) for every household, members loaded in bulk."""
    cond = [Household.status == status] if status else []
    tags: dict[int, set[str]] = defaultdict(set)
    for hid, tag in s.execute(select(HouseholdTag.household_id, HouseholdTag.tag)):
        tags[hid].add(tag)
    members: dict[int, list[MemberFacts]] = defaultdict(list)
    for row in s.execute(select(Member.household_id, Member.name, Member.relation, Member.sex, Member.id_number,
                                Member.birth_date, Member.labour, Member.status, Member.id)
                         .order_by(Member.household_id, Member.sort_order)):
        members[row[0]].append(MemberFacts(*row[1:]))
    for hid, no, village, point, housing, land, size, cached in s.execute(
        select(Household.id, Household.archive_no, Household.village_id, Household.settlement_point_id,
               Household.housing_status, Household.land_mu, Household.household_size, Household.archive_state)
        .where(*cond).order_by(Household.archive_no)
    ):
        yield hid, no, cached, HouseholdFacts(
            members=members.get(hid, []), village=str(village) if village else None,
            settlement_point=str(point) if point else None, housing_status=housing or None, land_mu=land,
            declared_tags=frozenset(tags.get(hid, ())), household_size=size,
        )


def duplicate_id_holders(s: Session) -> dict[str, list[tuple[int, str]]]:
    """IDs held by more than one person: ID -> [(household_id, description of the holder)]."""
    dup = select(Member.id_number).where(Member.id_number != "").group_by(Member.id_number).having(func.count() > 1)
    holders: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for idn, hid, no, name in s.execute(
        select(Member.id_number, Member.household_id, Household.archive_no, Member.name)
        .join(Household, Household.id == Member.household_id).where(Member.id_number.in_(dup))
    ):
        holders[idn].append((hid, f"档案编号 {no} 的{name}"))
    return holders


@dataclass
class CheckReport:
    integrity: list[str]
    history: list[str]
    households: int
    states: dict[str, int]
    findings: list[dict]
    stale_cache: int
    cross_town: list[dict] | None = None  # 跨镇重复, in a county database only

    @property
    def file_ok(self) -> bool:
        return not self.integrity and not self.history

    def as_json(self) -> dict:
        return {
            "integrity": "ok" if not self.integrity else self.integrity,
            "history_chain": "ok" if not self.history else self.history,
            "households_checked": self.households,
            "archive": self.states,
            "findings": self.findings,
            "stale_cache": self.stale_cache,
            **({"cross_town": self.cross_town} if self.cross_town is not None else {}),
        }


def run_check(db: Database) -> CheckReport:
    """Check the file and every household 在册; read-only."""
    problems = integrity_check(db.engine)
    chain = verify_chain(db)
    states = {label: 0 for label in vocab.ARCHIVE_STATE_LABELS.values()}
    findings: list[dict] = []
    stale = 0
    n = 0
    with db.read() as s:
        holders = duplicate_id_holders(s)
        for hid, no, cached, facts in scan_households(s):
            n += 1
            elsewhere = {}
            for m in facts.members:
                for other_hid, desc in holders.get(m.id_number or "", ()):
                    if other_hid != hid:
                        elsewhere[m.id_number] = desc
            result = check_archive(facts, elsewhere)
            state = archive_state(result)
            states[vocab.ARCHIVE_STATE_LABELS[state]] += 1
            stale += state != cached
            for f in result:
                findings.append({"archive_no": no, "household_id": hid, "severity": f.severity, "field": f.field,
                                 "member": f.member_name or "", "message": f.message})
        cross = _cross_town(s) if db.county else None
    return CheckReport(problems, chain, n, states, findings, stale, cross)


def _cross_town(s: Session) -> list[dict]:
    """跨镇重复 as the duty check reports it (one rule, one path), in the shape listed under cross_town."""
    from app.services.duties import compute_findings
    from app.services.duties.cross_town import as_dict

    return [as_dict(f) for f in compute_findings(s, dt.date.today(), rules=[vocab.RULE_CROSS_TOWN]).items]
