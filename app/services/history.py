"""The change history of households and members, kept as a hash chain so tampering can be detected."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db import Database
from app.dbsql import insert_many
from app.models import ChangeLog, TownRange
from app.models._common import now


@dataclass(frozen=True, slots=True)
class Change:
    """One changed field: the subject (户 or a member's name), the field label, old and new text."""

    subject: str
    field: str
    old: str
    new: str
    member_id: int | None = None


def _row_hash(prev: str, at: dt.datetime, household_id: int | None, member_id: int | None,
              subject: str, field: str, old: str, new: str, reason: str) -> str:
    return _hash_of(prev, at.isoformat(sep=" "), household_id, member_id, subject, field, old, new, reason)


def _hash_of(prev: str, at_text: str, household_id: int | None, member_id: int | None,
             subject: str, field: str, old: str, new: str, reason: str) -> str:
    payload = "\x1f".join([
        prev, at_text, str(household_id or ""), str(member_id or ""), subject, field, old, new, reason,
    ])
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def record(session: Session, household_id: int | None, changes: list[Change], reason: str,
           at: dt.datetime | None = None) -> None:
    """Append changes to the history inside the caller's transaction, extending the hash chain."""
    record_many(session, [(household_id, changes)], reason, at)


def record_many(session: Session, entries: list[tuple[int | None, list[Change]]], reason: str,
                at: dt.datetime | None = None) -> None:
    """Append the changes of many households (an import's 10,000) in one go: one query for the chain's last
    link, one bulk insert whose order keeps the ids in chain order, as verify_chain reads them."""
    if not any(changes for _hid, changes in entries):
        return
    session.flush()
    at = at or now()
    prev = session.scalar(select(ChangeLog.row_hash).order_by(ChangeLog.id.desc()).limit(1)) or ""
    at_text = at.isoformat(sep=" ")
    rows = []
    for household_id, changes in entries:
        for c in changes:
            prev = _hash_of(prev, at_text, household_id, c.member_id, c.subject, c.field, c.old, c.new, reason)
            rows.append({"at": at, "household_id": household_id, "member_id": c.member_id, "subject": c.subject,
                         "field": c.field, "old_value": c.old, "new_value": c.new, "reason": reason,
                         "row_hash": prev})
    insert_many(session, ChangeLog.__table__, rows)


def display_text(value) -> str:
    """How a field's value is written into the history: blank, 是/否, ISO dates, else str()."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


@dataclass(frozen=True, slots=True)
class HistoryRow:
    at: dt.datetime
    subject: str
    field: str
    old: str
    new: str
    reason: str


def household_history(db: Database, household_id: int) -> list[HistoryRow]:
    """The history of one household, newest first."""
    with db.read() as s:
        rows = s.execute(
            select(ChangeLog.at, ChangeLog.subject, ChangeLog.field, ChangeLog.old_value, ChangeLog.new_value,
                   ChangeLog.reason)
            .where(ChangeLog.household_id == household_id)
            .order_by(ChangeLog.id.desc())
        )
        return [HistoryRow(*r) for r in rows]


def verify_chain(db: Database) -> list[str]:
    """Messages for every history row whose hash does not follow from the row and its predecessor."""
    problems: list[str] = []
    prev = ""
    with db.read() as s:
        # In a county database each town's history is its own chain, in the id range the merge gave it.
        starts = set(s.scalars(select(TownRange.first_id).where(
            TownRange.table_name == ChangeLog.__tablename__))) if db.county else set()
        for row in s.execute(select(ChangeLog).order_by(ChangeLog.id)).scalars():
            if row.id in starts:
                prev = ""
            expected = _row_hash(prev, row.at, row.household_id, row.member_id, row.subject, row.field,
                                 row.old_value, row.new_value, row.reason)
            if row.row_hash != expected:
                problems.append(f"变更记录第 {row.id} 条被改动过（与前后记录的校验值不符）")
            prev = row.row_hash
    return problems
