"""包保 (SPEC §4.3): cadres over settlement points, one-to-one cadres over households, departments over
households by reason. Assignments end rather than disappear (end_date), so reassignment keeps history."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models._common import Timestamps
from app.models.base import Base
from app.models.org import Cadre, Unit


class PointAssignment(Timestamps, Base):
    __tablename__ = "point_assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    settlement_point_id: Mapped[int] = mapped_column(
        ForeignKey("settlement_points.id", ondelete="CASCADE"), index=True
    )
    cadre_id: Mapped[int] = mapped_column(ForeignKey("cadres.id", ondelete="RESTRICT"), index=True)
    role: Mapped[str] = mapped_column(String(10), default="牵头")  # 牵头 / 成员
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)

    cadre: Mapped[Cadre] = relationship()


class HouseholdAssignment(Timestamps, Base):
    """一对一包保: at most one current (end_date IS NULL) assignment per household."""

    __tablename__ = "household_assignments"
    __table_args__ = (
        Index(
            "uq_household_assignments_current", "household_id", unique=True,
            sqlite_where=text("end_date IS NULL"), postgresql_where=text("end_date IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"), index=True)
    cadre_id: Mapped[int] = mapped_column(ForeignKey("cadres.id", ondelete="RESTRICT"), index=True)
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)

    cadre: Mapped[Cadre] = relationship()


class UnitAssignment(Timestamps, Base):
    """分类包保: a department takes a household for a reason (因病, 因学, …)."""

    __tablename__ = "unit_assignments"
    # The 分类包保 in force for a reason (因病, 因学), read from the index alone by the duty checks.
    __table_args__ = (Index("ix_unit_assignments_reason", "reason", "start_date", "end_date", "household_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="RESTRICT"), index=True)
    reason: Mapped[str] = mapped_column(String(10))  # vocab.UNIT_BAOBAO_REASONS
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)

    unit: Mapped[Unit] = relationship()
