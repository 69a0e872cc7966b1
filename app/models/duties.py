"""督办提醒 closures (SPEC §4.7): the clerk's confirmation that a finding does not apply (e.g. 应保尽保: 不符合条件),
kept with who and when, and the fingerprint of the facts it was judged on. A closure holds only while the
subject's facts still have that fingerprint; when they change, the finding shows again."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models._common import now
from app.models.base import Base


class FindingClosure(Base):
    """One closure of one finding; never deleted, so every judgement stays on record."""

    __tablename__ = "finding_closures"
    __table_args__ = (Index("ix_finding_closures_rule_subject", "rule", "subject_kind", "subject_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    rule: Mapped[str] = mapped_column(String(20))  # the SPEC §4.7 rule code, e.g. 应保尽保
    subject_kind: Mapped[str] = mapped_column(String(20))  # household, point, …
    subject_id: Mapped[int] = mapped_column(Integer)
    fingerprint: Mapped[str] = mapped_column(String(64))  # of the facts the judgement was made on
    reason: Mapped[str] = mapped_column(Text)  # 不符合条件：…
    closed_by: Mapped[str] = mapped_column(String(40))
    closed_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
