"""后扶人口 and 直补 (SPEC §11): each member's support facts, and each half's payment reconciliation.

SubsidyFacts holds one row per member the county's roster names (member_id is the key, so a member has at
most one). A half's reconciliation (SubsidyHalf) is kept with its entries: every person the bank's return
and the roster disagree on, so the page can show what is still open. The county settings (standard, years,
whether natural changes add people) are kept as Setting rows (see app/services/subsidy_settings.py).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models._common import Money, Timestamps, now
from app.models.base import Base


class SubsidyFacts(Timestamps, Base):
    __tablename__ = "subsidy_facts"

    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), primary_key=True)
    on_roster: Mapped[bool] = mapped_column(Boolean, default=True)  # 纳入后扶名册
    category: Mapped[str] = mapped_column(String(10), default="")  # 扶持类别: vocab.SUBSIDY_CATEGORIES
    start_on: Mapped[dt.date | None] = mapped_column(Date)  # 纳入扶持时间
    # 一卡通账号 (digits only); indexed for the few without one (直补-无账号)
    account: Mapped[str] = mapped_column(String(30), default="", index=True)
    bank: Mapped[str] = mapped_column(String(60), default="")  # 开户银行
    state: Mapped[str] = mapped_column(String(4), default="在册")  # 在册 / 核减
    reduced_on: Mapped[dt.date | None] = mapped_column(Date)  # 核减时间
    reduced_reason: Mapped[str] = mapped_column(String(60), default="")  # 核减原因


class SubsidyHalf(Base):
    """The bank's return of one half, reconciled against that half's roster (the latest reconciliation)."""

    __tablename__ = "subsidy_halves"
    __table_args__ = (UniqueConstraint("year", "half"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    half: Mapped[int] = mapped_column(Integer)  # 1 or 2
    reconciled_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    source: Mapped[str] = mapped_column(String(255), default="")  # the bank file's name
    due_people: Mapped[int] = mapped_column(Integer, default=0)
    due_amount: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    paid_ok: Mapped[int] = mapped_column(Integer, default=0)
    paid_amount: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))  # what the bank paid, successes

    entries: Mapped[list[SubsidyEntry]] = relationship(cascade="all, delete-orphan", order_by="SubsidyEntry.id")


class SubsidyEntry(Base):
    """One person on one of a reconciliation's lists (overpaid, unpaid, failed, amount_mismatch, unknown)."""

    __tablename__ = "subsidy_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    half_id: Mapped[int] = mapped_column(ForeignKey("subsidy_halves.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    name: Mapped[str] = mapped_column(String(40), default="")
    id_number: Mapped[str] = mapped_column(String(18), default="")
    village: Mapped[str] = mapped_column(String(60), default="")
    due: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    paid: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    reason: Mapped[str] = mapped_column(String(200), default="")
