"""年度计划 / 发展规划 (SPEC §3): items under a focus area with a measurable target, and monthly progress;
completion is computed from progress, never typed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models._common import Timestamps, TownScoped
from app.models.base import Base, ScaledDecimal

Quantity = ScaledDecimal(2)


class Plan(TownScoped, Timestamps, Base):
    __tablename__ = "plans"
    __table_args__ = (UniqueConstraint("town_id", "year", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(10), default="年度计划")  # vocab.PLAN_KINDS
    title: Mapped[str] = mapped_column(String(120), default="")

    items: Mapped[list[PlanItem]] = relationship(back_populates="plan", cascade="all, delete-orphan")


class PlanItem(Timestamps, Base):
    __tablename__ = "plan_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    focus_area: Mapped[str] = mapped_column(String(10), index=True)  # vocab.FOCUS_AREAS
    title: Mapped[str] = mapped_column(String(200))
    target_value: Mapped[Decimal] = mapped_column(Quantity)
    target_unit: Mapped[str] = mapped_column(String(10), default="")  # 人次, 户, 个 …
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="SET NULL"), index=True)
    responsible_cadre_id: Mapped[int | None] = mapped_column(ForeignKey("cadres.id", ondelete="SET NULL"))
    responsible_person: Mapped[str] = mapped_column(String(40), default="")
    deadline: Mapped[dt.date | None] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")
    # What measures the item from the records (app.services.plan_measures code); "" = progress typed (手填).
    measure: Mapped[str] = mapped_column(String(20), default="", server_default="")

    plan: Mapped[Plan] = relationship(back_populates="items")
    progress: Mapped[list[PlanProgress]] = relationship(
        order_by="PlanProgress.month", cascade="all, delete-orphan"
    )


class PlanProgress(Base):
    """Progress achieved in one month towards an item's target."""

    __tablename__ = "plan_progress"
    __table_args__ = (UniqueConstraint("item_id", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("plan_items.id", ondelete="CASCADE"), index=True)
    month: Mapped[str] = mapped_column(String(7))  # YYYY-MM
    value: Mapped[Decimal] = mapped_column(Quantity)
    note: Mapped[str] = mapped_column(Text, default="")
