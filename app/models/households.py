"""The household archive (一户一档, SPEC §3): households, members, change history, attachments.

Household.key_flags, archive_state, head_name, member_count and search_text are derived values cached on
the row by the household service whenever the household or its members change, so that the list filters
100,000 households without loading members. `check` recomputes them from the source fields.
search_text is also indexed by the trigram full-text table household_fts (migration 0002, kept in step
by triggers), which is not mapped here.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from app.models._common import Area, Money, Timestamps, TownScoped, now
from app.models.base import Base
from app.models.org import SettlementPoint, Village


class Household(TownScoped, Timestamps, Base):
    __tablename__ = "households"
    __table_args__ = (
        Index("ix_households_village_point", "village_id", "settlement_point_id"),
        # Covers the list's default query (status filter, archive order, people count) without a sort.
        Index("ix_households_list_order", "status", "archive_no", "id", "member_count"),
        # Covers the counts of households 在册 by village, point, key group and archive state (首页, stats).
        Index("ix_households_tally", "status", "village_id", "settlement_point_id", "key_flags", "archive_state",
              "member_count"),
        # Covers the reads of the households on the register on a day (asof.household_present) with the facts
        # the duty checks test: 首页's findings scan it instead of the wide rows.
        Index("ix_households_present", "registered_on", "left_on", "status", "created_at", "settlement_point_id",
              "key_flags", "house_leaks", "geohazard_unmoved", "archive_state"),
        UniqueConstraint("town_id", "archive_no"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    archive_no: Mapped[str] = mapped_column(String(40))  # 档案编号
    village_id: Mapped[int | None] = mapped_column(ForeignKey("villages.id", ondelete="RESTRICT"), index=True)
    group_name: Mapped[str] = mapped_column(String(40), default="")  # 组
    settlement_point_id: Mapped[int | None] = mapped_column(
        ForeignKey("settlement_points.id", ondelete="RESTRICT"), index=True
    )
    address: Mapped[str] = mapped_column(String(200), default="")
    original_residence: Mapped[str] = mapped_column(String(200), default="")  # 原居住地
    relocation_date: Mapped[str] = mapped_column(String(10), default="")  # YYYY, YYYY-MM or YYYY-MM-DD
    settlement_type: Mapped[str] = mapped_column(String(10), default="")  # vocab.SETTLEMENT_TYPES
    housing_status: Mapped[str] = mapped_column(String(20), default="")  # vocab.HOUSING_STATUS
    house_leaks: Mapped[bool | None] = mapped_column(Boolean)
    geohazard_unmoved: Mapped[bool | None] = mapped_column(Boolean)  # 受地质灾害威胁未搬迁
    land_mu: Mapped[Decimal | None] = mapped_column(Area)  # blank = unknown
    annual_income: Mapped[Decimal | None] = mapped_column(Money)  # 元
    phone: Mapped[str] = mapped_column(String(40), default="")
    household_size: Mapped[int | None] = mapped_column(Integer)  # 家庭人口 as recorded
    notes: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default="在册")  # vocab.HOUSEHOLD_STATUS; ix_households_tally
    original_no: Mapped[str] = mapped_column(String(40), default="", index=True)  # 原户编号: the register's own 户编号
    registered_on: Mapped[dt.date | None] = mapped_column(Date)  # entered the town's register (登记/迁入, §4.8)
    left_on: Mapped[dt.date | None] = mapped_column(Date)  # left the register (整户迁出/注销)

    # Derived caches (see module docstring).
    key_flags: Mapped[int] = mapped_column(Integer, default=0, index=True)
    archive_state: Mapped[int] = mapped_column(Integer, default=0, index=True)
    head_name: Mapped[str] = mapped_column(String(40), default="")
    member_count: Mapped[int] = mapped_column(Integer, default=0)
    search_text: Mapped[str] = mapped_column(Text, default="")

    village: Mapped[Village | None] = relationship()
    settlement_point: Mapped[SettlementPoint | None] = relationship()
    members: Mapped[list[Member]] = relationship(
        back_populates="household", order_by="Member.sort_order", cascade="all, delete-orphan"
    )
    tags: Mapped[list[HouseholdTag]] = relationship(cascade="all, delete-orphan")


class HouseholdTag(Base):
    """A key-group tag declared for a household (derived tags are not stored here)."""

    __tablename__ = "household_tags"

    household_id: Mapped[int] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"), primary_key=True)
    tag: Mapped[str] = mapped_column(String(20), primary_key=True)


MEMBERS_SICK = "status = '在册' AND health IN ('大病', '长期慢性病')"
MEMBERS_PUPIL = "status = '在册' AND employment = '在校生'"


class Member(Timestamps, Base):
    """家庭成员; never deleted: a person leaves with status 迁出 or 死亡 and a date."""

    __tablename__ = "members"
    __table_args__ = (
        # The members the 分类包保 duty rules look for (SPEC §4.7), so that a county is not scanned in full.
        Index("ix_members_sick", "household_id", sqlite_where=text(MEMBERS_SICK), postgresql_where=text(MEMBERS_SICK)),
        Index("ix_members_pupil", "household_id", sqlite_where=text(MEMBERS_PUPIL), postgresql_where=text(MEMBERS_PUPIL)),
        # A household's members and their status: the members 在册 of the households 在册 are counted from
        # this index and the households' own, without reading the members' rows.
        Index("ix_members_household_id", "household_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id", ondelete="RESTRICT"))
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(40), default="")
    relation: Mapped[str] = mapped_column(String(10), default="")
    sex: Mapped[str] = mapped_column(String(2), default="")
    id_number: Mapped[str] = mapped_column(String(18), default="", index=True)
    birth_date: Mapped[dt.date | None] = mapped_column(Date)
    ethnic_group: Mapped[str] = mapped_column(String(20), default="")
    education: Mapped[str] = mapped_column(String(20), default="")
    health: Mapped[str] = mapped_column(String(10), default="")
    labour: Mapped[str] = mapped_column(String(10), default="")
    employment: Mapped[str] = mapped_column(String(10), default="")
    party_member: Mapped[bool] = mapped_column(Boolean, default=False)
    phone: Mapped[str] = mapped_column(String(40), default="")
    status: Mapped[str] = mapped_column(String(4), default="在册", index=True)  # vocab.MEMBER_STATUS
    status_date: Mapped[dt.date | None] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")

    household: Mapped[Household] = relationship(back_populates="members")


class ChangeLog(Base):
    """One changed field of a household or member: when, what, old and new value, and why.

    Rows form a hash chain (row_hash covers the row and the previous row's hash) so that `check` can tell
    when history was altered outside the application.
    """

    __tablename__ = "change_log"
    __table_args__ = (Index("ix_change_log_household_at", "household_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id", ondelete="SET NULL"))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    subject: Mapped[str] = mapped_column(String(40), default="")  # e.g. "户" or the member's name
    field: Mapped[str] = mapped_column(String(40))  # the Chinese field label
    old_value: Mapped[str] = mapped_column(Text, default="")
    new_value: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str] = mapped_column(String(200), default="")  # 编辑 / 导入 / a ledger entry …
    row_hash: Mapped[str] = mapped_column(String(64), default="")


class Attachment(Base):
    """A scanned document or photo of a household, stored inside the database with its SHA-256."""

    __tablename__ = "attachments"
    __table_args__ = (UniqueConstraint("household_id", "sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    title: Mapped[str] = mapped_column(String(200), default="")
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    added_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    data: Mapped[bytes] = deferred(mapped_column(LargeBinary))
