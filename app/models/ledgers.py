"""The ledgers of problems and of work done (SPEC §3). Each row is dated and linked to a household, a
settlement point or a village where that applies; money is exact (ScaledDecimal, 分)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models._common import Money, Timestamps, TownScoped
from app.models.base import Base


def _fk(target: str, ondelete: str = "SET NULL", index: bool = True):
    return mapped_column(ForeignKey(target, ondelete=ondelete), index=index)


class Problem(TownScoped, Timestamps, Base):
    """问题台账."""

    __tablename__ = "problems"

    id: Mapped[int] = mapped_column(primary_key=True)
    found_date: Mapped[dt.date] = mapped_column(Date, index=True)
    source: Mapped[str] = mapped_column(String(10))  # vocab.PROBLEM_SOURCES
    focus_area: Mapped[str] = mapped_column(String(10), index=True)  # vocab.FOCUS_AREAS
    description: Mapped[str] = mapped_column(Text)
    household_id: Mapped[int | None] = _fk("households.id")
    settlement_point_id: Mapped[int | None] = _fk("settlement_points.id")
    village_id: Mapped[int | None] = _fk("villages.id")
    visit_id: Mapped[int | None] = _fk("visits.id")
    unit_id: Mapped[int | None] = _fk("units.id")
    responsible_cadre_id: Mapped[int | None] = _fk("cadres.id")
    responsible_person: Mapped[str] = mapped_column(String(40), default="")
    deadline: Mapped[dt.date | None] = mapped_column(Date, index=True)
    measures: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default="待办", index=True)  # vocab.PROBLEM_STATUS
    unresolvable_reason: Mapped[str] = mapped_column(Text, default="")
    resolved_date: Mapped[dt.date | None] = mapped_column(Date)
    result: Mapped[str] = mapped_column(Text, default="")
    priority: Mapped[str] = mapped_column(String(4), default="一般", server_default="一般")  # vocab.PRIORITIES
    # The plan item this problem serves. No ON DELETE action (SQLite cannot add one to an existing table in
    # place): deleting a plan item clears this link first (services.plans.delete_item).
    plan_item_id: Mapped[int | None] = mapped_column(ForeignKey("plan_items.id"), index=True)

    progress: Mapped[list[ProblemProgress]] = relationship(
        order_by="ProblemProgress.date", cascade="all, delete-orphan"
    )


class ProblemProgress(Base):
    __tablename__ = "problem_progress"

    id: Mapped[int] = mapped_column(primary_key=True)
    problem_id: Mapped[int] = mapped_column(ForeignKey("problems.id", ondelete="CASCADE"), index=True)
    date: Mapped[dt.date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text)


class Visit(TownScoped, Timestamps, Base):
    """走访: a cadre's visit to a household."""

    __tablename__ = "visits"
    # Both lead with what they are searched by and carry who visited whom, so that a month's visits and a
    # household's last visit by its cadre (走访, 首页's tally) are read from the index alone.
    __table_args__ = (Index("ix_visits_date", "date", "household_id", "cadre_id"),
                      Index("ix_visits_household_id", "household_id", "cadre_id", "date"))

    id: Mapped[int] = mapped_column(primary_key=True)
    date: Mapped[dt.date] = mapped_column(Date)
    cadre_id: Mapped[int | None] = _fk("cadres.id")
    household_id: Mapped[int] = _fk("households.id", ondelete="RESTRICT", index=False)
    way: Mapped[str] = mapped_column(String(4), default="入户")  # vocab.VISIT_WAYS
    findings: Mapped[str] = mapped_column(Text, default="")


class EmploymentRecord(TownScoped, Timestamps, Base):
    """就业创业 per member: trainings, placements, 小作坊, the three subsidies."""

    __tablename__ = "employment_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    date: Mapped[dt.date] = mapped_column(Date, index=True)
    household_id: Mapped[int] = _fk("households.id", ondelete="RESTRICT")
    member_id: Mapped[int | None] = _fk("members.id")
    kind: Mapped[str] = mapped_column(String(12))  # vocab.EMPLOYMENT_KINDS
    detail: Mapped[str] = mapped_column(String(200), default="")  # course, employer, workshop
    employment: Mapped[str] = mapped_column(String(10), default="")  # new employment, for placements
    amount: Mapped[Decimal | None] = mapped_column(Money)
    notes: Mapped[str] = mapped_column(Text, default="")


class SupportRecord(TownScoped, Timestamps, Base):
    """兜底保障: 低保, 特困供养, 临时救助, 医疗救助."""

    __tablename__ = "support_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = _fk("households.id", ondelete="RESTRICT")
    member_id: Mapped[int | None] = _fk("members.id")
    kind: Mapped[str] = mapped_column(String(10))  # vocab.SUPPORT_KINDS
    amount: Mapped[Decimal] = mapped_column(Money)
    start_date: Mapped[dt.date] = mapped_column(Date, index=True)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")


class HousingRecord(TownScoped, Timestamps, Base):
    """住房: placement of 无房户, leak repairs, transitional placement of geological-hazard households."""

    __tablename__ = "housing_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    date: Mapped[dt.date] = mapped_column(Date, index=True)
    household_id: Mapped[int] = _fk("households.id", ondelete="RESTRICT")
    kind: Mapped[str] = mapped_column(String(10))  # vocab.HOUSING_KINDS
    placement: Mapped[str] = mapped_column(String(10), default="")  # vocab.HOUSING_PLACEMENTS
    detail: Mapped[str] = mapped_column(Text, default="")
    amount: Mapped[Decimal | None] = mapped_column(Money)
    completed: Mapped[bool] = mapped_column(Boolean, default=False)


class FundRecord(TownScoped, Timestamps, Base):
    """资金: hardship subsidies and other funds."""

    __tablename__ = "fund_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    date: Mapped[dt.date] = mapped_column(Date, index=True)
    source: Mapped[str] = mapped_column(String(20))  # vocab.FUND_SOURCES
    kind: Mapped[str] = mapped_column(String(20), default="")  # vocab.FUND_KINDS
    amount: Mapped[Decimal] = mapped_column(Money)
    household_id: Mapped[int | None] = _fk("households.id")
    village_id: Mapped[int | None] = _fk("villages.id")
    recipient: Mapped[str] = mapped_column(String(80), default="")
    notes: Mapped[str] = mapped_column(Text, default="")


class Project(TownScoped, Timestamps, Base):
    """项目: infrastructure in settlement points."""

    __tablename__ = "projects"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    category: Mapped[str] = mapped_column(String(10))  # vocab.PROJECT_CATEGORIES
    settlement_point_id: Mapped[int | None] = _fk("settlement_points.id")
    village_id: Mapped[int | None] = _fk("villages.id")
    funding_source: Mapped[str] = mapped_column(String(40), default="")
    budget: Mapped[Decimal | None] = mapped_column(Money)
    spent: Mapped[Decimal | None] = mapped_column(Money)
    progress_pct: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(10), default="谋划")  # vocab.PROJECT_STATUS
    start_date: Mapped[dt.date | None] = mapped_column(Date, index=True)
    acceptance_date: Mapped[dt.date | None] = mapped_column(Date)
    unit_id: Mapped[int | None] = _fk("units.id")
    notes: Mapped[str] = mapped_column(Text, default="")


class Activity(TownScoped, Timestamps, Base):
    """活动: 居民融合共建活动, 评比/激励, 宣传 (each point needs a 融合共建 activity every year)."""

    __tablename__ = "activities"

    id: Mapped[int] = mapped_column(primary_key=True)
    date: Mapped[dt.date] = mapped_column(Date, index=True)
    kind: Mapped[str] = mapped_column(String(10))  # vocab.ACTIVITY_KINDS
    title: Mapped[str] = mapped_column(String(120), default="")
    settlement_point_id: Mapped[int | None] = _fk("settlement_points.id")
    organiser: Mapped[str] = mapped_column(String(80), default="")
    participants: Mapped[int | None] = mapped_column(Integer)
    summary: Mapped[str] = mapped_column(Text, default="")


class PartyRecord(TownScoped, Timestamps, Base):
    """党建: party members, 致富带头人, 人才储备库, 双培 progress, the point's party organisation."""

    __tablename__ = "party_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    date: Mapped[dt.date] = mapped_column(Date, index=True)
    kind: Mapped[str] = mapped_column(String(10))  # vocab.PARTY_KINDS
    member_id: Mapped[int | None] = _fk("members.id")
    settlement_point_id: Mapped[int | None] = _fk("settlement_points.id")
    detail: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="")


class Meeting(TownScoped, Timestamps, Base):
    """调度会; its decisions may become plan items or problems."""

    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    date: Mapped[dt.date] = mapped_column(Date, index=True)
    title: Mapped[str] = mapped_column(String(120), default="")
    chair: Mapped[str] = mapped_column(String(40), default="")
    attendees: Mapped[str] = mapped_column(Text, default="")
    minutes: Mapped[str] = mapped_column(Text, default="")

    decisions: Mapped[list[MeetingDecision]] = relationship(cascade="all, delete-orphan")


class MeetingDecision(Base):
    __tablename__ = "meeting_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    unit_id: Mapped[int | None] = _fk("units.id")
    deadline: Mapped[dt.date | None] = mapped_column(Date)
    plan_item_id: Mapped[int | None] = _fk("plan_items.id")
    problem_id: Mapped[int | None] = _fk("problems.id")


class Inspection(TownScoped, Timestamps, Base):
    """督查: target unit or village, findings, 通报, 追责."""

    __tablename__ = "inspections"

    id: Mapped[int] = mapped_column(primary_key=True)
    date: Mapped[dt.date] = mapped_column(Date, index=True)
    unit_id: Mapped[int | None] = _fk("units.id")
    village_id: Mapped[int | None] = _fk("villages.id")
    findings: Mapped[str] = mapped_column(Text, default="")
    issues_found: Mapped[int] = mapped_column(Integer, default=0)
    notice_issued: Mapped[bool] = mapped_column(Boolean, default=False)
    notice_no: Mapped[str] = mapped_column(String(60), default="")
    accountability: Mapped[str] = mapped_column(Text, default="")
