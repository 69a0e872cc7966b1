"""The county database's towns (SPEC §7 `county towns`, `stats` by town): which towns it holds, from which
copy, and the counts of each. No Qt here."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import vocab
from app.db import Database
from app.ledgers.conditions import people_on_register
from app.models import Household, Member, Town
from app.services.town_scope import county_read


@dataclass(frozen=True, slots=True)
class TownCopy:
    id: int
    name: str
    county: str
    taken_at: str
    sha256: str
    schema_revision: str
    merged_at: str
    households: int
    members: int

    def as_json(self) -> dict:
        d = asdict(self)
        d.pop("id")
        return d


def town_counts(s: Session) -> dict[int, tuple[int, int]]:
    """town id -> (households 在册, members 在册 of those households)."""
    households = dict(s.execute(select(Household.town_id, func.count()).where(
        Household.status == vocab.HOUSEHOLD_ACTIVE).group_by(Household.town_id)).all())
    members = dict(s.execute(
        select(Household.town_id, func.count()).select_from(Member).join(Household, Household.id == Member.household_id)
        .where(people_on_register())
        .group_by(Household.town_id)).all())
    return {tid: (households.get(tid, 0), members.get(tid, 0)) for tid in set(households) | set(members)}


def list_towns(db: Database) -> list[TownCopy]:
    """The towns held, by name, with their copy's facts and counts."""
    with county_read(db) as s:
        counts = town_counts(s)
        rows = s.scalars(select(Town).order_by(Town.name)).all()
        return [TownCopy(t.id, t.name, t.county, t.copy_taken_at, t.copy_sha256, t.copy_revision, t.merged_at,
                         *counts.get(t.id, (0, 0))) for t in rows]


def town_id_by_name(db: Database, name: str) -> int:
    """The id of the town called name; ValueError (a Chinese line naming the towns held) when there is none."""
    with db.read() as s:
        towns = dict(s.execute(select(Town.name, Town.id)).all())
    if name not in towns:
        held = "、".join(sorted(towns)) or "（无）"
        raise ValueError(f"数据库中没有“{name}”；现有：{held}")
    return towns[name]


def town_option(db: Database, name: str | None) -> int | None:
    """A command's --town: the id of that town of a county database; None for no town, and for a town's own
    database named by its own name (it is its one town). ValueError (a Chinese line) for any other name."""
    if not name:
        return None
    if not db.county:
        from app.services import town

        own = town.load_town(db).town_name
        if name != own:
            raise ValueError(f"这个数据库是“{own}”的台账，没有“{name}”")
        return None
    return town_id_by_name(db, name)
