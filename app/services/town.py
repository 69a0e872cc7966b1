"""The town profile and the reference lists (villages, settlement points, units, cadres) the archive uses."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

from sqlalchemy import func, select

from app import vocab
from app.db import Database
from app.models import Cadre, Household, SettlementPoint, Town, TownProfile, Unit, Village
from app.models._common import HOME_TOWN_ID


@dataclass
class TownData:
    town_name: str = ""
    county_name: str = ""
    station_name: str = ""
    county_bureau: str = vocab.DEFAULT_COUNTY_BUREAU
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
    "county_bureau": "县级主管部门",
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
    """The town profile; in a county database narrowed to one of its towns (db.town_id), that town's name and
    county, so that what is printed for the town (the 月报's title and addressee) names it."""
    with db.read() as s:
        row = s.get(TownProfile, 1)
        data = TownData() if row is None else TownData(**{f.name: getattr(row, f.name) or "" for f in fields(TownData)})
        held = s.get(Town, db.town_id) if db.county and db.town_id is not None else None
        if held is not None:
            data = replace(data, town_name=held.name, county_name=held.county or data.county_name, station_name="")
        return replace(data, county_bureau=data.county_bureau or vocab.DEFAULT_COUNTY_BUREAU)


def save_town(db: Database, data: TownData) -> None:
    """Save the town profile (one transaction); the town name is required."""
    if not data.town_name.strip():
        raise ValueError("请填写镇（乡）名称")
    with db.write() as s:
        row = s.get(TownProfile, 1) or TownProfile(id=1)
        for f in fields(TownData):
            setattr(row, f.name, getattr(data, f.name).strip())
        s.add(row)
        home = s.get(Town, HOME_TOWN_ID)
        if home is not None:  # the town's own row (its name travels with its copies to the county)
            home.name, home.county = row.town_name, row.county_name


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


def point_kinds(db: Database) -> dict[int, str]:
    """Each settlement point's kind (集中 / 分散)."""
    with db.read() as s:
        return dict(s.execute(select(SettlementPoint.id, SettlementPoint.kind)).all())


def point_household_counts(db: Database) -> dict[int, int]:
    """Households 在册 per settlement point: the derived count (never typed)."""
    with db.read() as s:
        rows = s.execute(
            select(Household.settlement_point_id, func.count())
            .where(Household.status == vocab.HOUSEHOLD_ACTIVE, Household.settlement_point_id.is_not(None))
            .group_by(Household.settlement_point_id)
        )
        return dict(rows.all())


@dataclass
class VillageData:
    id: int | None = None
    name: str = ""
    secretary: str = ""
    director: str = ""
    phone: str = ""
    households: int = 0  # derived, read-only
    members: int = 0  # derived, read-only


@dataclass
class PointData:
    id: int | None = None
    name: str = ""
    village_id: int | None = None
    kind: str = "集中"
    address: str = ""
    village: str = ""  # display only
    households: int = 0  # derived, read-only


def list_villages(db: Database) -> list[VillageData]:
    """Villages with their households and people 在册 (derived)."""
    with db.read() as s:
        counts = {
            vid: (n, int(p)) for vid, n, p in s.execute(
                select(Household.village_id, func.count(), func.coalesce(func.sum(Household.member_count), 0))
                .where(Household.status == vocab.HOUSEHOLD_ACTIVE).group_by(Household.village_id))
        }
        return [
            VillageData(v.id, v.name, v.secretary, v.director, v.phone, *counts.get(v.id, (0, 0)))
            for v in s.scalars(select(Village).order_by(Village.name))
        ]


def list_points(db: Database) -> list[PointData]:
    """Settlement points with their village and household count (derived)."""
    counts = point_household_counts(db)
    with db.read() as s:
        rows = s.execute(select(SettlementPoint, Village.name).join(Village)
                         .order_by(Village.name, SettlementPoint.name))
        return [PointData(p.id, p.name, p.village_id, p.kind, p.address, vname, counts.get(p.id, 0))
                for p, vname in rows]


def save_village(db: Database, data: VillageData) -> int:
    """Add or update a village; its name is required and unique. Returns its id."""
    name = "".join(data.name.split())
    if not name:
        raise ValueError("请填写村名")
    with db.write() as s:
        clash = s.scalar(select(Village.id).where(Village.name == name, Village.id != (data.id or 0)))
        if clash is not None:
            raise ValueError(f"已有名为“{name}”的村")
        v = s.get(Village, data.id) if data.id else None
        if v is None:
            v = Village(name=name)
            s.add(v)
            if s.scalar(select(Unit.id).where(Unit.name == name)) is None:
                s.add(Unit(name=name, kind="村"))
        v.name, v.secretary, v.director, v.phone = name, data.secretary.strip(), data.director.strip(), data.phone.strip()
        s.flush()
        return v.id


def save_point(db: Database, data: PointData) -> int:
    """Add or update a settlement point; name and village are required, unique within the village."""
    name = "".join(data.name.split())
    if not name:
        raise ValueError("请填写安置点名称")
    if data.village_id is None:
        raise ValueError("请选择安置点所在的村")
    if data.kind not in vocab.POINT_KINDS:
        raise ValueError("请选择安置类型（集中或分散）")
    with db.write() as s:
        clash = s.scalar(select(SettlementPoint.id).where(
            SettlementPoint.name == name, SettlementPoint.village_id == data.village_id,
            SettlementPoint.id != (data.id or 0)))
        if clash is not None:
            raise ValueError(f"该村已有名为“{name}”的安置点")
        p = s.get(SettlementPoint, data.id) if data.id else None
        if p is None:
            p = SettlementPoint(name=name, village_id=data.village_id)
            s.add(p)
        p.name, p.village_id, p.kind, p.address = name, data.village_id, data.kind, data.address.strip()
        s.flush()
        return p.id
