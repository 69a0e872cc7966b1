"""The town profile and the reference lists (villages, settlement points, units, cadres) the archive uses."""

from __future__ import annotations

from dataclasses import dataclass, fields

from sqlalchemy import func, select

from app import vocab
from app.db import Database
from app.models import Cadre, Household, SettlementPoint, TownProfile, Unit, Village


@dataclass
class TownData:
    town_name: str = ""
    county_name: str = ""
    station_name: str = ""
    leader: str = ""
    deputy_leaders: str = ""
    group_members: str = ""
    office_director: str = ""
    daily_contact: str = ""
    contact_phone: str = ""

    @property
    def is_set_up(self) -> bool:
        return bool(self.town_name.strip())


TOWN_LABELS: dict[str, str] = {
    "county_name": "县（区）", "town_name": "镇（乡）", "station_name": "站所名称",
    "leader": "领导小组组长", "deputy_leaders": "副组长", "group_members": "成员",
    "office_director": "办公室主任", "daily_contact": "日常联系人", "contact_phone": "联系电话",
}


def seed_reference_data(db: Database) -> None:
    """A new database gets the town's standard departments and an empty town profile."""
    with db.write() as s:
        existing = set(s.scalars(select(Unit.name)))
        for name in vocab.DEFAULT_UNITS:
            if name not in existing:
                s.add(Unit(name=name, kind="部门"))
        if s.get(TownProfile, 1) is None:
            s.add(TownProfile(id=1))


def load_town(db: Database) -> TownData:
    with db.read() as s:
        row = s.get(TownProfile, 1)
        if row is None:
            return TownData()
        return TownData(**{f.name: getattr(row, f.name) or "" for f in fields(TownData)})


def save_town(db: Database, data: TownData) -> None:
    """Save the town profile (one transaction); the town name is required."""
    if not data.town_name.strip():
        raise ValueError("请填写镇（乡）名称")
    with db.write() as s:
        row = s.get(TownProfile, 1) or TownProfile(id=1)
        for f in fields(TownData):
            setattr(row, f.name, getattr(data, f.name).strip())
        s.add(row)


@dataclass(frozen=True, slots=True)
class Choice:
    """An id and the label a clerk picks it by."""

    id: int
    label: str
    parent_id: int | None = None


def villages(db: Database) -> list[Choice]:
    with db.read() as s:
        return [Choice(i, n) for i, n in s.execute(select(Village.id, Village.name).order_by(Village.name))]


def settlement_points(db: Database) -> list[Choice]:
    """Every settlement point, labelled by name, with its village as parent."""
    with db.read() as s:
        rows = s.execute(
            select(SettlementPoint.id, SettlementPoint.name, SettlementPoint.village_id)
            .order_by(SettlementPoint.village_id, SettlementPoint.name)
        )
        return [Choice(i, n, v) for i, n, v in rows]


def cadres(db: Database) -> list[Choice]:
    with db.read() as s:
        rows = s.execute(select(Cadre.id, Cadre.name, Cadre.post).where(Cadre.active).order_by(Cadre.name))
        return [Choice(i, f"{n}（{p}）" if p else n) for i, n, p in rows]


def point_household_counts(db: Database) -> dict[int, int]:
    """Households 在册 per settlement point: the derived count (never typed)."""
    with db.read() as s:
        rows = s.execute(
            select(Household.settlement_point_id, func.count())
            .where(Household.status == vocab.HOUSEHOLD_ACTIVE, Household.settlement_point_id.is_not(None))
            .group_by(Household.settlement_point_id)
        )
        return dict(rows.all())
