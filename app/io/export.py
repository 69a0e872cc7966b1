"""Export the household archive to .xlsx and write the blank import template (SPEC §6 ledger layout).

The export is one row per person, household columns repeated on each row and grouped by 档案编号, in the
headers the importer reads (`headers.FIELDS`), so exporting and importing into an empty database gives the
same archive. The template is the same layout, empty, with the SPEC §5 columns and drop-down lists.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from app import vocab
from app.db import Database
from app.dbsql import driver_rows
from app.io.headers import BY_KEY
from app.io.xlsx_layout import DATE, TEXT, LedgerColumn, LedgerSheet, write_ledger
from app.models import Household, Member, SettlementPoint, Town, Village
from app.rules import mask_id
from app.services import town
from app.services.town_scope import county_read, town_read

PARTY_YES, PARTY_NO = "中共党员", "群众"

# (field key, header, width, number format, template choices)
_COLUMNS: list[tuple[str, str, float, str | None, tuple[str, ...]]] = [
    ("household_key", "档案编号", 11, TEXT, ()),
    ("head_name", "户主姓名", 9, None, ()),
    ("village", "村", 9, None, ()),
    ("group_name", "组", 6, TEXT, ()),
    ("point", "安置点", 12, None, ()),
    ("settlement_type", "安置方式", 9, None, vocab.SETTLEMENT_TYPES),
    ("relocation_date", "搬迁时间", 9, TEXT, ()),
    ("original_residence", "原居住地", 14, None, ()),
    ("address", "现住址", 14, None, ()),
    ("household_size", "家庭人口", 6, None, ()),
    ("housing_status", "住房情况", 11, None, vocab.HOUSING_STATUS),
    ("house_leaks", "房屋漏水", 6, None, ("是", "否")),
    ("geohazard_unmoved", "受地灾威胁未搬迁", 8, None, ("是", "否")),
    ("land_mu", "承包地面积（亩）", 8, "0.00", ()),
    ("annual_income", "家庭年收入（元）", 10, "0.00", ()),
    ("phone", "联系电话", 12, TEXT, ()),
    ("tags", "户类型", 12, None, ()),
    ("household_status", "户状态", 8, None, vocab.HOUSEHOLD_STATUS),
    ("notes", "备注", 14, None, ()),
    ("name", "姓名", 9, None, ()),
    ("relation", "与户主关系", 8, None, vocab.RELATIONS),
    ("sex", "性别", 5, None, vocab.SEXES),
    ("id_number", "身份证号", 20, TEXT, ()),
    ("birth_date", "出生日期", 11, DATE, ()),
    ("ethnic_group", "民族", 6, None, ()),
    ("education", "文化程度", 8, None, ()),
    ("health", "健康状况", 9, None, vocab.HEALTH),
    ("labour", "劳动能力", 10, None, vocab.LABOUR),
    ("employment", "就业情况", 11, None, vocab.EMPLOYMENT),
    ("party_member", "政治面貌", 8, None, (PARTY_YES, PARTY_NO)),
    ("member_phone", "本人电话", 12, TEXT, ()),
    ("member_status", "人员状态", 8, None, vocab.MEMBER_STATUS),
    ("status_date", "变动日期", 11, DATE, ()),
    ("member_notes", "成员备注", 14, None, ()),
    ("original_no", "原户编号", 11, TEXT, ()),
    ("registered_on", "登记日期", 11, DATE, ()),
]
# The blank template: the SPEC §5 columns a village fills in (户编号 groups a household's rows).
_TEMPLATE_KEYS = ("household_key", "head_name", "village", "group_name", "point", "settlement_type",
                  "relocation_date", "original_residence", "household_size", "housing_status", "house_leaks",
                  "land_mu", "annual_income", "phone", "tags", "name", "relation", "sex", "id_number",
                  "ethnic_group", "education", "health", "labour", "employment", "party_member", "notes")

assert all(key in BY_KEY for key, *_ in _COLUMNS), "export columns out of step with headers.FIELDS"


@dataclass(frozen=True, slots=True)
class ExportSummary:
    households: int
    members: int
    path: Path


def _yes_no(value: bool | None) -> str | None:
    return None if value is None else ("是" if value else "否")


# A row is the household's leading columns, the member's, then the household's trailing ones (原户编号, 登记日期):
# built as tuples in that order, not as a dict per person (a county export writes 400,000 rows).
_HEAD_KEYS = ("household_key", "head_name", "village", "group_name", "point", "settlement_type", "relocation_date",
              "original_residence", "address", "household_size", "housing_status", "house_leaks",
              "geohazard_unmoved", "land_mu", "annual_income", "phone", "tags", "household_status", "notes")
_MEMBER_KEYS = ("name", "relation", "sex", "id_number", "birth_date", "ethnic_group", "education", "health",
                "labour", "employment", "party_member", "member_phone", "member_status", "status_date",
                "member_notes")
_TAIL_KEYS = ("original_no", "registered_on")
assert tuple(key for key, *_ in _COLUMNS) == _HEAD_KEYS + _MEMBER_KEYS + _TAIL_KEYS, "export row out of step"
_HOUSEHOLD_FIELDS = tuple(getattr(Household, name) for name in (
    "id", "archive_no", "head_name", "village_id", "group_name", "settlement_point_id", "settlement_type",
    "relocation_date", "original_residence", "address", "household_size", "housing_status", "house_leaks",
    "geohazard_unmoved", "land_mu", "annual_income", "phone", "status", "notes", "original_no", "registered_on",
    "town_id"))
_MEMBER_FIELDS = tuple(getattr(Member, name) for name in (
    "household_id", "name", "relation", "sex", "id_number", "birth_date", "ethnic_group", "education", "health",
    "labour", "employment", "party_member", "phone", "status", "status_date", "notes"))
_PAGE = 2000  # households read at a time


def _select_sql(fields, table: str, key: str, tail: str) -> str:
    """SELECT of the fields from table for the households of a page, `{ids}` standing for their ids."""
    return (f"SELECT {', '.join(f.expression.name for f in fields)} FROM {table} WHERE {key} IN ({{ids}}) {tail}").strip()


_HOUSEHOLD_SQL = _select_sql(_HOUSEHOLD_FIELDS, "households", "id", "")
_MEMBER_SQL = _select_sql(_MEMBER_FIELDS, "members", "household_id", "ORDER BY household_id, sort_order, id")
_TAG_SQL = "SELECT household_id, tag FROM household_tags WHERE household_id IN ({ids}) ORDER BY household_id, tag"


class _Converted(dict):
    """What SQLAlchemy makes of a value of one column read from the driver (text to date on SQLite, integer 分
    to 元 ...), made once per distinct value: a county's 400,000 birth dates hold a few thousand days."""

    def __init__(self, column, dialect) -> None:
        super().__init__()
        process = column.expression.type.dialect_impl(dialect).result_processor(dialect, None)
        self.process = process or (lambda value: value)
        self[None] = None

    def __missing__(self, value: object) -> object:
        converted = self[value] = self.process(value)
        return converted


def _household_rows(db: Database, progress: Callable[[float], None] | None, mask_ids: bool = False,
                    town_id: int | None = None, town_names: dict[int, str] | None = None,
                    counted: list[int] | None = None) -> Iterator[list[object]]:
    """A row per member, households in archive-number order, read in pages of 2,000 households: of town_id
    only when given (else as db is narrowed); with town_names (a county's every town), by town and each row
    led by its town's name. The id of each household written (one with members) is added to counted.

    The ids come through the ORM (narrowed to the session's town); the pages' columns straight from the driver
    (`dbsql.driver_rows`) and converted as SQLAlchemy would: building its rows is most of the time of reading
    a county's 400,000 members."""
    with town_read(db, town_id) as s:
        villages = dict(s.execute(select(Village.id, Village.name)).all())
        points = dict(s.execute(select(SettlementPoint.id, SettlementPoint.name)).all())
        order = select(Household.id).order_by(Household.archive_no, Household.id)
        if town_names is not None:
            order = (select(Household.id).join(Town, Town.id == Household.town_id)
                     .order_by(Town.name, Town.id, Household.archive_no, Household.id))
        ids = list(s.scalars(order))
        dialect = s.get_bind().dialect
    # Booleans need no conversion (0/1 or False/True index yes_no and party alike); dates and amounts do.
    land, income, registered = (_Converted(c, dialect) for c in (Household.land_mu, Household.annual_income,
                                                                 Household.registered_on))
    day = _Converted(Member.birth_date, dialect)
    yes_no = {None: None, True: "是", False: "否"}
    party = {True: PARTY_YES, False: PARTY_NO}
    for start in range(0, len(ids), _PAGE):
        chunk = ids[start:start + _PAGE]
        listed = ",".join(str(int(i)) for i in chunk)
        with town_read(db, town_id) as s:
            households = {h[0]: h for h in driver_rows(s, _HOUSEHOLD_SQL.format(ids=listed))}
            # Text columns are NOT NULL: `or None` leaves a blank cell for "".
            members: dict[int, list] = {i: [] for i in chunk}
            for (hid, name, relation, sex, idn, birth, ethnic, education, health, labour, employment, party_member,
                 phone, status, status_date, notes) in driver_rows(s, _MEMBER_SQL.format(ids=listed)):
                members[hid].append((
                    name, relation or None, sex or None,
                    (mask_id(idn) if mask_ids and idn else idn) or None, day[birth], ethnic or None,
                    education or None, health or None, labour or None, employment or None, party[bool(party_member)],
                    phone or None, status, day[status_date], notes or None))
            tags: dict[int, list[str]] = {i: [] for i in chunk}
            for hid, tag in driver_rows(s, _TAG_SQL.format(ids=listed)):
                tags[hid].append(tag)
        for hid in chunk:
            (_, archive_no, head_name, village_id, group_name, point_id, settlement_type, relocation_date,
             original_residence, address, household_size, housing_status, house_leaks, geohazard_unmoved, land_mu,
             annual_income, phone, status, notes, original_no, registered_on, home) = households[hid]
            head: tuple[object, ...] = (
                archive_no, head_name or None, villages.get(village_id), group_name or None, points.get(point_id),
                settlement_type or None, relocation_date or None, original_residence or None, address or None,
                household_size, housing_status or None, yes_no[house_leaks], yes_no[geohazard_unmoved],
                land[land_mu], income[annual_income], phone or None, "、".join(tags[hid]) or None, status,
                notes or None)
            if town_names is not None:
                head = (town_names.get(home), *head)
            tail = (original_no or None, registered[registered_on])
            people = members[hid]
            if people and counted is not None:
                counted.append(hid)
            for person in people:
                yield [*head, *person, *tail]
        if progress is not None:
            progress(min((start + len(chunk)) / max(len(ids), 1), 1.0))


def export_households(db: Database, path: Path, *, progress: Callable[[float], None] | None = None,
                      today: dt.date | None = None, mask_ids: bool = False,
                      town_id: int | None = None) -> ExportSummary:
    """Write the whole archive (every household and member, any status) to path as a ledger workbook.
    With mask_ids the ID numbers show only their first 6 and last 4 characters (the file can then be read
    and printed, but not imported again).

    A county database read over every town (no town_id, db not narrowed) holds the same 户编号 in several
    towns: its rows are by town, led by a 镇 column, under the county's title. With a town (town_id, or db
    narrowed to one) the sheet is that town's alone, in the town's own layout, its title naming the town."""
    profile = town.load_town(db)
    unit = profile.station_name or profile.town_name
    place = profile.town_name
    town_names: dict[int, str] | None = None
    columns = [LedgerColumn(header, width, fmt) for _, header, width, fmt, _ in _COLUMNS]
    if db.county:
        with county_read(db) as s:
            names = dict(s.execute(select(Town.id, Town.name)).all())
        chosen = town_id if town_id is not None else db.town_id
        if chosen is None:
            town_names = names
            place = unit = profile.county_name or "全县"
            columns.insert(0, LedgerColumn("镇", 10))
        else:
            place = unit = names.get(chosen, "")
    counted: list[int] = []  # by id: a county database holds the same 户编号 in several towns
    rows = _household_rows(db, progress, mask_ids, town_id, town_names, counted)
    title = f"{place}搬迁群众花名册（一户一档）" if place else "搬迁群众花名册（一户一档）"
    (members,) = write_ledger(path, [LedgerSheet("搬迁群众花名册", title, columns, rows, unit=unit, date=today)])
    return ExportSummary(len(counted), members, Path(path))


_INSTRUCTIONS = (
    "填表说明",
    "1. 每位家庭成员填一行；同一户的成员填写相同的“户编号”（户主那一行填写户的信息即可，其他成员可以留空）。",
    "2. “身份证号”一列已设为文本格式，请填写完整的18位号码；不要把这一列改成数字格式，否则最后几位会丢失。",
    "3. 与户主关系填写：" + "、".join(vocab.RELATIONS) + "。每户只能有一位户主。",
    "4. 搬迁时间可写成 2019、2019.10（2019年10月）、2019年5月、2019-05-03 或 2019/05/03。",
    "5. 户类型可填：" + "、".join(vocab.KEY_TAGS) + "，多个用顿号隔开；没有就留空。",
    "6. 住房情况、健康状况、劳动能力、就业情况、安置方式请从下拉列表中选择。",
    "7. 政治面貌填“中共党员”或“预备党员”的视为党员，其他视为非党员。",
    "8. 表格下方的合计、填表人、审核人等行不会被导入，可以保留。",
)


def write_template(path: Path, *, unit: str = "", blank_rows: int = 200, today: dt.date | None = None) -> Path:
    """The blank register a village fills in: the ledger layout with the import columns, drop-downs and notes."""
    columns = []
    for key in _TEMPLATE_KEYS:
        _, header, width, fmt, choices = next(c for c in _COLUMNS if c[0] == key)
        if key == "household_key":
            header = "户编号"
        columns.append(LedgerColumn(header, width, fmt, choices))
    sheets = [
        LedgerSheet("搬迁群众花名册", "搬迁群众花名册", columns, [], unit=unit, date=today, blank_rows=blank_rows),
        LedgerSheet("填表说明", "填表说明", [LedgerColumn("说明", 110)], [[line] for line in _INSTRUCTIONS[1:]],
                    unit=unit, date=today, footer=()),
    ]
    write_ledger(path, sheets)
    return Path(path)
