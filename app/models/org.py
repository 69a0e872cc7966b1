"""The organisation (SPEC §3): town profile, villages, settlement points, responsible units, cadres."""

from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base
from app.models._common import Timestamps


class TownProfile(Timestamps, Base):
    """The single row describing the town; printed on every report."""

    __tablename__ = "town_profile"

    id: Mapped[int] = mapped_column(primary_key=True)
    town_name: Mapped[str] = mapped_column(String(60), default="")
    county_name: Mapped[str] = mapped_column(String(60), default="")
    station_name: Mapped[str] = mapped_column(String(60), default="")
    leader: Mapped[str] = mapped_column(String(60), default="")  # 组长
    deputy_leaders: Mapped[str] = mapped_column(Text, default="")  # 副组长, one per line
    group_members: Mapped[str] = mapped_column(Text, default="")  # 成员
    office_director: Mapped[str] = mapped_column(String(60), default="")  # 办公室主任
    daily_contact: Mapped[str] = mapped_column(String(60), default="")  # 日常联系人
    contact_phone: Mapped[str] = mapped_column(String(40), default="")


class Village(Timestamps, Base):
    __tablename__ = "villages"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    secretary: Mapped[str] = mapped_column(String(60), default="")  # 支书
    director: Mapped[str] = mapped_column(String(60), default="")  # 主任
    phone: Mapped[str] = mapped_column(String(40), default="")

    points: Mapped[list[SettlementPoint]] = relationship(back_populates="village")


class SettlementPoint(Timestamps, Base):
    """安置点; its household count is derived from the households, never typed."""

    __tablename__ = "settlement_points"
    __table_args__ = (UniqueConstraint("village_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    village_id: Mapped[int] = mapped_column(ForeignKey("villages.id", ondelete="RESTRICT"), index=True)
    kind: Mapped[str] = mapped_column(String(10), default="集中")  # vocab.POINT_KINDS
    address: Mapped[str] = mapped_column(String(200), default="")

    village: Mapped[Village] = relationship(back_populates="points")


class Unit(Timestamps, Base):
    """责任单位: a department or a village (editable list, seeded with the town's departments)."""

    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    kind: Mapped[str] = mapped_column(String(10), default="部门")  # vocab.UNIT_KINDS
    village_id: Mapped[int | None] = mapped_column(ForeignKey("villages.id", ondelete="SET NULL"))
    head: Mapped[str] = mapped_column(String(60), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Cadre(Timestamps, Base):
    """干部 who take 包保 and visits."""

    __tablename__ = "cadres"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40), index=True)
    post: Mapped[str] = mapped_column(String(60), default="")  # 职务
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="SET NULL"), index=True)
    phone: Mapped[str] = mapped_column(String(40), default="")
    rank: Mapped[str] = mapped_column(String(20))  # vocab.CADRE_RANKS
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)

    unit: Mapped[Unit | None] = relationship()


class Setting(Base):
    """Small key/value settings kept with the data (e.g. assessment weights, last backup time)."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")
