"""Closing a finding (SPEC §4.7, 应保尽保): the clerk confirms it does not apply — 不符合条件 with a reason —
and the closure is kept with who and when and a fingerprint of the facts the rule judges. The finding
stays closed while those facts are unchanged and shows again when they change (a new tag, a member's
labour, a 兜底 record begun or ended). Closures are never deleted: each judgement stays on record."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db import Database
from app.ledgers import LedgerError, LedgerRefused
from app.models import FindingClosure
from app.models._common import now
from app.services.duties.base import Check, check_by_code


def digest(parts: Iterable[object]) -> str:
    """SHA-256 of the facts, in a fixed order, as text."""
    return hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8")).hexdigest()


def _latest(s: Session, rule: str, kind: str, ids: list[int]) -> dict[int, FindingClosure]:
    out: dict[int, FindingClosure] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        newest = (select(FindingClosure.subject_id, func.max(FindingClosure.id).label("cid"))
                  .where(FindingClosure.rule == rule, FindingClosure.subject_kind == kind,
                         FindingClosure.subject_id.in_(chunk))
                  .group_by(FindingClosure.subject_id).subquery())
        for c in s.scalars(select(FindingClosure).join(newest, newest.c.cid == FindingClosure.id)):
            out[c.subject_id] = c
    return out


def closed_among(s: Session, check: Check, ids: Collection[int]) -> set[int]:
    """The subjects among ids with a closure whose fingerprint still matches the subject's facts."""
    if not ids or check.fingerprint is None:
        return set()
    has_closure = set(s.scalars(select(FindingClosure.subject_id).distinct()
                                .where(FindingClosure.rule == check.code)))
    wanted = sorted(i for i in ids if i in has_closure)
    if not wanted:
        return set()
    closures = _latest(s, check.code, check.subject_kind, wanted)
    prints = check.fingerprint(s, wanted)
    return {i for i, c in closures.items() if prints.get(i) == c.fingerprint}


@dataclass(frozen=True, slots=True)
class Closure:
    id: int
    rule: str
    subject_id: int
    reason: str
    closed_by: str
    closed_at: dt.datetime
    holds: bool  # the facts are unchanged since, so the finding stays closed


def close(db: Database, rule: str, subject_id: int, reason: str, closed_by: str, *,
          at: dt.datetime | None = None) -> Closure:
    """Close one finding of a closable rule with a reason and who confirmed it (one transaction)."""
    try:
        check = check_by_code(rule)
    except KeyError:
        raise LedgerRefused([LedgerError("rule", f"没有“{rule}”这条督办规则")]) from None
    if check.fingerprint is None:
        raise LedgerRefused([LedgerError("rule", f"“{rule}”的提醒不能手工关闭，请按提示办理")])
    reason = " ".join((reason or "").split())
    closed_by = " ".join((closed_by or "").split())
    errors = []
    if not reason:
        errors.append(LedgerError("reason", "请填写“原因”，例如：不符合条件：家庭收入超过低保标准"))
    if not closed_by:
        errors.append(LedgerError("closed_by", "请填写“确认人”"))
    if errors:
        raise LedgerRefused(errors)
    with db.write() as s:
        prints = check.fingerprint(s, [subject_id])
        if subject_id not in prints:
            raise LedgerRefused([LedgerError("subject", "该户已不存在")])
        row = FindingClosure(rule=rule, subject_kind=check.subject_kind, subject_id=subject_id,
                             fingerprint=prints[subject_id], reason=reason[:500], closed_by=closed_by[:40],
                             closed_at=at or now())
        s.add(row)
        s.flush()
        return Closure(row.id, rule, subject_id, row.reason, row.closed_by, row.closed_at, True)


def closures(db: Database, rule: str | None = None, subject_id: int | None = None) -> list[Closure]:
    """Every closure (newest first), and whether each still holds against the facts as they are now."""
    with db.read() as s:
        stmt = select(FindingClosure).order_by(FindingClosure.id.desc())
        if rule is not None:
            stmt = stmt.where(FindingClosure.rule == rule)
        if subject_id is not None:
            stmt = stmt.where(FindingClosure.subject_id == subject_id)
        rows = list(s.scalars(stmt))
        latest: dict[tuple[str, int], int] = {}
        for c in rows:
            latest.setdefault((c.rule, c.subject_id), c.id)
        prints: dict[str, dict[int, str]] = {}
        for code in {c.rule for c in rows}:
            try:
                check = check_by_code(code)
            except KeyError:
                continue
            if check.fingerprint is not None:
                prints[code] = check.fingerprint(s, sorted({c.subject_id for c in rows if c.rule == code}))
        return [Closure(c.id, c.rule, c.subject_id, c.reason, c.closed_by, c.closed_at,
                        latest[(c.rule, c.subject_id)] == c.id and prints.get(c.rule, {}).get(c.subject_id)
                        == c.fingerprint) for c in rows]
