"""The organisation (SPEC §3): town profile, villages, settlement points, responsible units, cadres."""

from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models._common import Timestamps, TownScoped
from app.models.base import Base
from app.vocab import DEFAULT_COUNTY_BUREAU


class TownProfile(Timestamps, Base):
    """The single row describing the town; printed on every report."""

    __tablename__ = "town_profile"

    id: Mapped[int] = mapped_column(primary_key=True)
    town_name: Mapped[str] = mapped_column(String(60), default="")
    county_name: Mapped[str] = mapped_column(String(60), default="")
    station_name: Mapped[str] = mapped_column(String(60), default="")
    county_bureau: Mapped[str] = mapped_column(String(60), default=DEFAULT_COUNTY_BUREAU,
                                               server_default=DEFAULT_COUNTY_BUREAU)  # who receives 导出给县局
    leader: Mapped[str] = mapped_column(String(60), default="")  # 组长
    deputy_leaders: Mapped[str] = mapped_column(Text, default="")  # 副组长, one per line
    group_members: Mapped[str] = mapped_column(Text, default="")  # 成员
    office_director: Mapped[str] = mapped_column(String(60), default="")  # 办公室主任
    daily_contact: Mapped[str] = mapped_column(String(60), default="")  # 日常联系人
    contact_phone: Mapped[str] = mapped_column(String(40), default="")


class Village(TownScoped, Timestamps, Base):
    __tablename__ = "villages"
    __table_args__ = (UniqueConstraint("town_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    secretary: Mapped[str] = mapped_column(String(60), default="")  # 支书
    director: Mapped[str] = mapped_column(String(60), default="")  # 主任
    phone: Mapped[str] = mapped_column(String(40), default="")

    points: Mapped[list[SettlementPoint]] = relationship(back_populates="village")


class SettlementPoint(TownScoped, Timestamps, Base):
    """安置点; its household count is derived from the households, never typed."""

    __tablename__ = "settlement_points"
    __table_args__ = (UniqueConstraint("village_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    village_id: Mapped[int] = mapped_column(ForeignKey("villages.id", ondelete="RESTRICT"), index=True)
    kind: Mapped[str] = mapped_column(String(10), default="集中")  # vocab.POINT_KINDS
    address: Mapped[str] = mapped_column(String(200), default="")

    village: Mapped[Village] = relationship(back_populates="points")


class Unit(TownScoped, Timestamps, Base):
    """责任单位: a department or a village (editable list, seeded with the town's departments)."""

    __tablename__ = "units"
    __table_args__ = (UniqueConstraint("town_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(10), default="部门")  # vocab.UNIT_KINDS
    village_id: Mapped[int | None] = mapped_column(ForeignKey("villages.id", ondelete="SET NULL"))
    head: Mapped[str] = mapped_column(String(60), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Cadre(TownScoped, Timestamps, Base):
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


class Town(Base):
    """A town whose records the database holds: exactly one in a town's database (made by the migration, with
    a random uid that stays with the town through renames and copies), several in a county database, each with
    the facts of the copy it was last merged from."""

    __tablename__ = "towns"

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(60), default="")
    county: Mapped[str] = mapped_column(String(60), default="")
    copy_taken_at: Mapped[str] = mapped_column(String(19), default="")  # the manifest's taken_at
    copy_sha256: Mapped[str] = mapped_column(String(64), default="")
    copy_revision: Mapped[str] = mapped_column(String(40), default="")
    merged_at: Mapped[str] = mapped_column(String(19), default="")


class TownRange(Base):
    """In a county database: the id range a town's rows occupy in one table (ids are shifted on merge, so each
    town's rows of a table are one contiguous range); the merge replaces a town by deleting its ranges."""

    __tablename__ = "town_ranges"

    town_id: Mapped[int] = mapped_column(ForeignKey("towns.id", ondelete="CASCADE"), primary_key=True)
    table_name: Mapped[str] = mapped_column(String(80), primary_key=True)
    first_id: Mapped[int] = mapped_column(Integer)
    last_id: Mapped[int] = mapped_column(Integer)
