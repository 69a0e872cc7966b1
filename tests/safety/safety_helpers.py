"""Helpers shared by the safety tests (not tests): a small archive made through the services, file hashes."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

from app.db import Database, create_database
from app.rules import make_id
from app.services import town
from app.services.households import HouseholdData, MemberData, save_household

# A resident ID standing alone: 18 characters not inside a longer run of hex digits (a SHA-256 often
# holds 18 decimal digits in a row).
ID_PATTERN = r"(?<![0-9A-Fa-f])\d{17}[\dX](?![0-9A-Za-z])"


def family(head: str, seq: int) -> list[MemberData]:
    """A head and a spouse with valid, distinct IDs (seq keeps them unique within a test)."""
    return [
        MemberData(name=head, relation="户主", sex="男", labour="普通劳动力",
                   id_number=make_id("522601", dt.date(1968, 1 + seq % 12, 1 + seq % 28), (2 * seq + 1) % 1000)),
        MemberData(name="李秀英", relation="配偶", sex="女", labour="弱劳动力",
                   id_number=make_id("522601", dt.date(1970, 1 + seq % 12, 1 + seq % 28), (2 * seq) % 1000)),
    ]


def make_archive(path: Path, households: int = 3) -> tuple[Database, list[int]]:
    """A new database at path with a town, a village, a settlement point and some households; open."""
    db = create_database(path)
    town.seed_reference_data(db)
    town.save_town(db, town.TownData(town_name="清江镇", county_name="某县"))
    village = town.save_village(db, town.VillageData(name="清江村"))
    point = town.save_point(db, town.PointData(name="新寨安置点", village_id=village, kind="集中"))
    ids = []
    heads = ["王明华", "李大山", "张桂英", "刘德明", "陈小芳", "杨光荣", "赵春生", "黄建国"]
    for i in range(households):
        data = HouseholdData(village_id=village, settlement_point_id=point, housing_status="自有安置房",
                             members=family(heads[i % len(heads)] + ("" if i < len(heads) else str(i)), i + 1))
        ids.append(save_household(db, data).household_id)
    return db, ids


def file_digest(path: Path) -> str:
    """SHA-256 of a file's bytes (to prove that nothing was written)."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()
