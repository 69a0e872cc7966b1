"""Step 4 of the import: every value normalised and checked with the shared rules (SPEC §5). Pure.

Input: the grouped households of every sheet of every file. Output: `Validation`, households ready to
apply with their errors and warnings (the checks against what the database holds, `Known`, are added by
`against.check_against`), each issue tied to file, sheet, Excel row, column and a Chinese message that says what to fix.
A household with any error is never applied; an error about a whole sheet (no 村 column) counts against
every household of that sheet.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import TypeVar

from openpyxl.utils import get_column_letter

from app import vocab
from app.io.grouping import Cell, RawHousehold, RawMember, SheetParse
from app.io.headers import BY_KEY, Header
from app.io.workbook import ShownFloat
from app.rules import (
    check_id,
    is_party_member,
    mask_id,
    normalize_group,
    normalize_name,
    normalize_phone,
    normalize_relation,
    normalize_sex,
    parse_decimal,
    parse_relocation_date,
    parse_tags,
    to_halfwidth,
)
from app.rules.dates import read_birth_date, read_date
from app.rules.members import BIRTH_VS_ID, SEX_VS_ID, agreement_issues, head_issues
from app.services.households import HouseholdData, MemberData

ERROR, WARNING = "error", "warning"
_T = TypeVar("_T")
EARLIEST_REGISTER = dt.date(1949, 10, 1)  # a registration date before this is a typing error


@dataclass(frozen=True, slots=True)
class Issue:
    """An error or warning: where (file, sheet, Excel row, column letter and its header) and what to fix."""

    severity: str
    file: str
    sheet: str
    row: int | None
    column: str
    header: str
    message: str
    value: str = ""  # the cell's content as read, for the wizard

    def __post_init__(self) -> None:
        # A message quotes cell values; a line break typed inside a cell must not split the clerk's one line.
        if any(c in self.message for c in "\r\n\t\v\f"):
            object.__setattr__(self, "message", " ".join(self.message.split()))

    def as_json(self) -> dict:
        """The SPEC §7 shape: {"file", "sheet", "row", "column", "message"}."""
        return {"file": self.file, "sheet": self.sheet, "row": self.row, "column": self.column,
                "message": self.message}


@dataclass(frozen=True, slots=True)
class Person:
    """Someone already in the database, found by ID number."""

    household_id: int
    archive_no: str
    name: str
    relation: str
    status: str


@dataclass
class Known:
    """What the database holds that the checks need (see apply.load_known)."""

    people: dict[str, Person] = field(default_factory=dict)
    heads: dict[int, set[str]] = field(default_factory=dict)  # household id -> IDs of its 在册 户主
    villages: set[str] = field(default_factory=set)
    points: set[tuple[str, str]] = field(default_factory=set)  # (village, point)
    archive_nos: dict[str, int] = field(default_factory=dict)  # archive number -> household id


@dataclass(slots=True)
class MemberIn:
    row: int
    data: MemberData
    present: AbstractSet[str]  # MemberData attributes the file gives (only these overwrite the archive)
    cols: dict[str, int] = field(default_factory=dict)
    derived: AbstractSet[str] = frozenset()  # filled from the ID (sex, birth date): only fill blanks


@dataclass(slots=True)
class HouseholdIn:
    """One household as it will be applied: normalised data, which fields the file gives, and its issues."""

    file: str
    sheet: str
    first_row: int
    rows: list[int]
    data: HouseholdData
    present: AbstractSet[str]
    members: list[MemberIn]
    village: str | None = None
    point: str | None = None
    archive_no: str = ""  # the archive number a new household gets (from file_archive_no when free)
    file_archive_no: str = ""  # from a 档案编号 column
    original_no: str = ""  # 原户编号: the register's own 户编号 / 户号 / 家庭编号 ("" when not given)
    registered_on: dt.date | None = None  # from a 登记日期 / 迁入日期 column
    tags_present: bool = False
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    db_issues: list[Issue] = field(default_factory=list)  # from check_against (replaced on each call)
    match_id: int | None = None  # the database household it updates
    sheet_key: tuple[str, str] = ("", "")
    places: dict[str, tuple[int, str, str]] = field(default_factory=dict)  # 村/安置点 -> (row, column, header)
    village_unknown: bool = False  # the sheet has no 村 column and no village was named (already an error)

    @property
    def ok(self) -> bool:
        return not self.errors and not any(i.severity == ERROR for i in self.db_issues)

    @property
    def head(self) -> MemberIn | None:
        heads = [m for m in self.members if m.data.relation == vocab.HEAD and m.data.status == vocab.MEMBER_ACTIVE]
        return heads[0] if len(heads) == 1 else None


@dataclass
class SheetInfo:
    file: str
    name: str
    header_row: int | None
    households: int
    members: int
    skipped_reason: str = ""
    layout: str = ""


@dataclass
class Validation:
    """All households found, every issue (errors first within a row), each sheet's outcome, new places."""

    households: list[HouseholdIn]
    issues: list[Issue]
    sheets: list[SheetInfo]
    new_villages: list[str] = field(default_factory=list)  # to be created (confirmed by the clerk)
    new_points: list[tuple[str, str]] = field(default_factory=list)
    general: list[Issue] = field(default_factory=list)  # issues about a whole sheet or file
    places: list = field(default_factory=list)  # every unknown place (checks.NewPlace), confirmed or not
    renames: list = field(default_factory=list)  # every same-ID-other-name person (checks.Rename)

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == ERROR]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == WARNING]

    @property
    def valid(self) -> list[HouseholdIn]:
        return [h for h in self.households if h.ok]


@dataclass
class Options:
    """village: the village for rows without one (the clerk's choice); village_hint: how to name it, in Chinese."""

    village: str | None = None
    village_hint: str = "请用 --village 指定村名"
    today: dt.date | None = None
    # Safety of imports (SPEC §5): what the clerk confirmed, everything or one by one, and how to say so.
    allow_rename: bool = False  # --allow-rename: every same-ID-other-name person is renamed
    renames_confirmed: frozenset[str] = frozenset()  # ID numbers whose new name the clerk confirmed
    new_places: bool = False  # --new-village: every unknown village and point is created
    places_confirmed: frozenset[tuple[str, ...]] = frozenset()  # checks.NewPlace.key of the confirmed ones
    rename_hint: str = "如确实是改名，请加 --allow-rename 重新导入"
    place_hint: str = "如确实是新的村或安置点，请加 --new-village 重新导入"
    registered_on: dt.date | None = None  # the batch's registration date when the file has no such column


# ------------------------------------------------------------------------------------------ values


def text(value: object) -> str:
    """A cell value as text: whole floats without ".0", dates as YYYY-MM-DD, None as ""."""
    if type(value) is str:
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, ShownFloat):
        return value.shown()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _date_value(value: object) -> object:
    """A cell as rules.dates reads it: date cells as they are, numbers (20190503) as the text they show."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return text(value)
    return value


def _compact(value: object) -> str:
    return "".join(to_halfwidth(text(value)).split())


def place_name(value: object) -> str:
    """A village or settlement point name as stored: no whitespace (as services.town does), half-width."""
    return _compact(value)


_YES = frozenset({"是", "有", "漏", "漏水", "√", "✓", "Y", "YES", "1", "TRUE"})
_NO = frozenset({"否", "无", "没有", "不漏", "不漏水", "×", "✗", "N", "NO", "0", "FALSE"})


_CHOICES_SEEN: dict[tuple[int, str], str | None] = {}


def _choice(value: object, choices: Iterable[str], synonyms: dict[str, str]) -> str | None:
    """The vocabulary word a cell means (exact, or a listed synonym), None when it is not one."""
    key = (id(synonyms), value) if type(value) is str else None
    if key is not None and key in _CHOICES_SEEN:
        return _CHOICES_SEEN[key]
    word = _compact(value)
    found = word if word in choices else synonyms.get(word)
    if key is not None and len(_CHOICES_SEEN) < 10_000:  # a register repeats the same few words
        _CHOICES_SEEN[key] = found
    return found


def _remembered(read: Callable[[object], _T]) -> Callable[[object], _T]:
    """read(value) remembered for each distinct text value (a register repeats the same few words down a
    column: 户主, 男, 汉, 初中); other values are read each time. `read` must depend on the value alone."""
    seen: dict[str, _T] = {}

    def remembered(value: object) -> _T:
        if type(value) is not str:
            return read(value)
        try:
            return seen[value]
        except KeyError:
            found = read(value)
            if len(seen) < 10_000:
                seen[value] = found
            return found

    return remembered


_relation_of = _remembered(lambda v: normalize_relation(to_halfwidth(text(v))))
_sex_of = _remembered(lambda v: normalize_sex(text(v)))
_party_of = _remembered(lambda v: is_party_member(to_halfwidth(text(v))))
_short_text = _remembered(lambda v: text(v)[:20])


_SETTLEMENT = {"集中": "集中安置", "分散": "分散安置"}
_HOUSING = {"无": "无房", "无房户": "无房", "租房": "租住", "借住": "借住亲友房", "借住亲友": "借住亲友房",
            "安置房": "自有安置房", "自有住房": "自有安置房", "空余房": "安置小区空余房"}
_HEALTH = {"良好": "健康", "慢性病": "长期慢性病", "患慢性病": "长期慢性病", "重病": "大病", "患大病": "大病",
           "残疾人": "残疾"}
_LABOUR = {"普通": "普通劳动力", "技能": "技能劳动力", "弱": "弱劳动力", "半": "半劳动力", "丧失": "丧失劳动力",
           "丧失劳动能力": "丧失劳动力", "无": "无劳动力", "无劳动能力": "无劳动力"}
_EMPLOYMENT = {"务农": "在家务农", "在家": "在家务农", "学生": "在校生", "在校学生": "在校生", "上学": "在校生",
               "公益岗": "公益性岗位", "公益性岗": "公益性岗位", "创业": "自主创业", "无业": "无", "待业": "无",
               "县内": "县内务工", "县外省内": "县外省内务工", "省外": "省外务工"}
_MEMBER_STATUS = {"正常": "在册", "已迁出": "迁出", "迁走": "迁出", "去世": "死亡", "已故": "死亡", "已死亡": "死亡"}
_HOUSEHOLD_STATUS = {"正常": "在册", "迁出": "整户迁出"}
_NO_TAGS = frozenset({"无", "否", "一般户", "普通户", "一般", "/", "-", "—"})


def parse_count(value: object) -> int | None:
    """A whole number of people from 4, 4.0, "4", "４人"; None when it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, float):
        return int(value) if value.is_integer() and value >= 0 else None
    word = _compact(value).removesuffix("人").removesuffix("口")
    return int(word) if word.isdigit() and len(word) < 6 else None


def _month_may_have_lost_zero(value: object) -> bool:
    """A plain number such as 2019.1: January as read, but Excel turns a typed 2019.10 into the same number."""
    return isinstance(value, float) and not isinstance(value, ShownFloat) and f"{value:.6g}".endswith(".1")


def _relocation_value(value: object) -> object:
    """Read 2019.10 as Excel shows it: a fixed-decimals number becomes its shown text."""
    if isinstance(value, ShownFloat):
        return value.shown()
    return value


# --------------------------------------------------------------------------------------- checking


_SETS: dict[frozenset[str], frozenset[str]] = {}


def _shared(names: set[str]) -> frozenset[str]:
    """One frozen set for each set of names: a register's members mostly give the same fields (a set of ten
    names is half a kilobyte, forty thousand times over)."""
    key = frozenset(names)
    if len(_SETS) >= 10_000:
        return key
    return _SETS.setdefault(key, key)


class _Checker:
    def __init__(self, file: str, sheet: SheetParse, options: Options) -> None:
        self.file = file
        self.sheet = sheet
        self.header: Header = sheet.header  # type: ignore[assignment]
        self.options = options
        self.today = options.today or dt.date.today()  # read once: the rules would ask the clock for each cell

    def issue(self, severity: str, row: int | None, key: str | None, message: str, value: object = None,
              col: int | None = None) -> Issue:
        if col is None and key is not None:
            col = self.header.columns.get(key)
        letter = get_column_letter(col) if col else ""
        header = self.header.titles.get(col, BY_KEY[key].label if key else "") if col else (
            BY_KEY[key].label if key else "")
        return Issue(severity, self.file, self.sheet.name, row, letter, header, message,
                     "" if value is None else text(value))

    def _where(self, c: Cell, key: str) -> tuple[int, str, str]:
        return c.row, get_column_letter(c.col), self.header.titles.get(c.col, BY_KEY[key].label)

    def household(self, raw: RawHousehold) -> HouseholdIn:
        data = HouseholdData()
        present: set[str] = set()
        h = HouseholdIn(self.file, self.sheet.name, raw.first_row, raw.rows, data, present, [],
                        sheet_key=(self.file, self.sheet.name))
        err = h.errors.append
        v = raw.values

        def cell(key: str) -> Cell | None:
            return v.get(key)

        for key, first, other in raw.conflicts:
            label = BY_KEY[key].label
            err(self.issue(ERROR, other.row, key,
                           f"同一户的{label}前后不一致：第{first.row}行是“{text(first.value)}”，本行是“{text(other.value)}”，"
                           "请统一为同一个值", other.value, other.col))

        for key in ("household_key", "original_no"):
            if (c := cell(key)) is None:
                continue
            if self.header.titles.get(c.col, "").replace(" ", "") == "档案编号":  # our own number, sent back
                h.file_archive_no = h.archive_no = _compact(c.value)[:40]
            elif not h.original_no:
                h.original_no = _compact(c.value)[:40]
        if (c := cell("registered_on")) is not None:
            when, problem = read_date(c.value, "登记日期", today=self.today,
                                      earliest=EARLIEST_REGISTER)
            if problem:
                err(self.issue(ERROR, c.row, "registered_on", problem, c.value, c.col))
            else:
                h.registered_on = when
        if (c := cell("village")) is not None:
            h.village = place_name(c.value)[:60]
            h.places["村"] = self._where(c, "village")
        elif self.options.village:
            h.village = place_name(self.options.village)[:60]
        if (c := cell("point")) is not None:
            h.point = place_name(c.value)[:80]
            h.places["安置点"] = self._where(c, "point")
        if (c := cell("group_name")) is not None:
            data.group_name = normalize_group(text(c.value))[:40]
            present.add("group_name")
        for key, attr in (("original_residence", "original_residence"), ("address", "address")):
            if (c := cell(key)) is not None:
                setattr(data, attr, text(c.value)[:200])
                present.add(attr)
        if (c := cell("notes")) is not None:
            data.notes = text(c.value)
            present.add("notes")
        if (c := cell("phone")) is not None:
            data.phone = normalize_phone(c.value)[:40]
            present.add("phone")

        if (c := cell("settlement_type")) is not None:
            value = _choice(c.value, vocab.SETTLEMENT_TYPES, _SETTLEMENT)
            if value is None:
                err(self.issue(ERROR, c.row, "settlement_type",
                               f"安置方式“{text(c.value)}”无法识别，请填写集中安置或分散安置", c.value, c.col))
            else:
                data.settlement_type = value
                present.add("settlement_type")
        if (c := cell("housing_status")) is not None:
            value = _choice(c.value, vocab.HOUSING_STATUS, _HOUSING)
            if value is None:
                err(self.issue(ERROR, c.row, "housing_status",
                               f"住房情况“{text(c.value)}”无法识别，请填写{'、'.join(vocab.HOUSING_STATUS)}中的一项",
                               c.value, c.col))
            else:
                data.housing_status = value
                present.add("housing_status")
        for key, attr, label in (("house_leaks", "house_leaks", "房屋漏水"),
                                 ("geohazard_unmoved", "geohazard_unmoved", "受地灾威胁未搬迁")):
            if (c := cell(key)) is not None:
                word = _compact(c.value).upper()
                if word in _YES:
                    setattr(data, attr, True)
                    present.add(attr)
                elif word in _NO:
                    setattr(data, attr, False)
                    present.add(attr)
                else:
                    err(self.issue(ERROR, c.row, key, f"{label}“{text(c.value)}”无法识别，请填写“是”或“否”",
                                   c.value, c.col))
        if (c := cell("relocation_date")) is not None:
            value, problem = parse_relocation_date(_relocation_value(c.value), self.today)
            if problem:
                err(self.issue(ERROR, c.row, "relocation_date", problem, c.value, c.col))
            elif value:
                data.relocation_date = value
                present.add("relocation_date")
                if _month_may_have_lost_zero(_relocation_value(c.value)):
                    h.warnings.append(self.issue(
                        WARNING, c.row, "relocation_date",
                        f"搬迁时间“{text(c.value)}”是数字，按{value[:4]}年1月导入；如果原来填的是{value[:4]}.10（10月），"
                        "Excel 已把末尾的0去掉，请把这一列设为“文本”后重新填写，或导入后在户档案中改正",
                        c.value, c.col))
        for key, attr, label in (("land_mu", "land_mu", "承包地面积"), ("annual_income", "annual_income", "家庭年收入")):
            if (c := cell(key)) is not None:
                value, problem = parse_decimal(c.value, label)
                if problem:
                    err(self.issue(ERROR, c.row, key, problem, c.value, c.col))
                elif value is not None:
                    limit = 100_000 if key == "land_mu" else 1_000_000_000
                    if value >= limit:
                        err(self.issue(ERROR, c.row, key, f"{label}“{text(c.value)}”大得不合常理，请核对单位和数字",
                                       c.value, c.col))
                    else:
                        setattr(data, attr, value.quantize(value.__class__("0.01")))
                        present.add(attr)
        if (c := cell("household_size")) is not None:
            count = parse_count(c.value)
            if count is None or count > 99:
                err(self.issue(ERROR, c.row, "household_size",
                               f"家庭人口“{text(c.value)}”无法识别，请填写整数人数，例如 4", c.value, c.col))
            else:
                data.household_size = count
                present.add("household_size")
        if (c := cell("household_status")) is not None:
            value = _choice(c.value, vocab.HOUSEHOLD_STATUS, _HOUSEHOLD_STATUS)
            if value is None:
                err(self.issue(ERROR, c.row, "household_status",
                               f"户状态“{text(c.value)}”无法识别，请填写{'、'.join(vocab.HOUSEHOLD_STATUS)}中的一项",
                               c.value, c.col))
            else:
                data.status = value
                present.add("status")
        if (c := cell("tags")) is not None:
            tags: set[str] = set()
            unknown: list[str] = []
            for tag in parse_tags(to_halfwidth(text(c.value))):
                if tag in vocab.KEY_TAGS:
                    tags.add(tag)
                elif tag not in _NO_TAGS:
                    unknown.append(tag)
            if unknown:
                err(self.issue(ERROR, c.row, "tags",
                               f"户类型中的“{'、'.join(unknown)}”无法识别，只能填写{'、'.join(vocab.KEY_TAGS)}"
                               "（可填多个，用顿号隔开；没有就留空或填“无”）", c.value, c.col))
            else:
                data.declared_tags = tags
                h.tags_present = True

        for rm in raw.members:
            h.members.append(self.member(rm, h))
        data.members = [m.data for m in h.members]
        h.present = _shared(present)
        self.household_checks(raw, h)
        return h

    def member(self, rm: RawMember, h: HouseholdIn) -> MemberIn:
        m = MemberData()
        present: set[str] = set()
        derived: set[str] = set()
        v = rm.values
        row = rm.row
        err = h.errors.append
        warn = h.warnings.append

        def col(key: str) -> int | None:
            return rm.cols.get(key)

        name = normalize_name(text(v.get("name")))[:40]
        if name:
            m.name = name
            present.add("name")
        else:
            err(self.issue(ERROR, row, "name", "没有填写姓名，请补填这位成员的姓名", None, col("name")
                           or self.header.columns.get("name")))
        who = name or "该成员"

        raw_relation = v.get("relation")
        if raw_relation is None:
            err(self.issue(ERROR, row, "relation",
                           f"{who}没有填写与户主关系，请填写{'、'.join(vocab.RELATIONS)}中的一项", None,
                           self.header.columns.get("relation")))
        else:
            relation = _relation_of(raw_relation)
            if relation is None:
                err(self.issue(ERROR, row, "relation",
                               f"{who}的与户主关系“{text(raw_relation)}”无法识别，请填写{'、'.join(vocab.RELATIONS)}中的一项",
                               raw_relation, col("relation")))
            else:
                m.relation = relation
                present.add("relation")

        raw_sex = v.get("sex")
        if raw_sex is not None:
            sex = _sex_of(raw_sex)
            if sex is None:
                err(self.issue(ERROR, row, "sex", f"{who}的性别“{text(raw_sex)}”无法识别，请填写男或女",
                               raw_sex, col("sex")))
            else:
                m.sex = sex
                present.add("sex")

        raw_id = v.get("id_number")
        id_cols = col("id_number") or self.header.columns.get("id_number")
        check = None
        if raw_id is None:
            if m.relation == vocab.HEAD:
                err(self.issue(ERROR, row, "id_number",
                               f"户主{who}没有填写身份证号；导入时要靠户主身份证号识别该户，请补填18位身份证号", None, id_cols))
            elif "id_number" in self.header.columns:
                warn(self.issue(WARNING, row, "id_number", f"{who}没有填写身份证号，档案将不完整，请尽快补填",
                                None, id_cols))
        else:
            check = check_id(float(raw_id) if isinstance(raw_id, ShownFloat) else raw_id, self.today)
            if check.ok:
                m.id_number = check.normalized
                present.add("id_number")
            else:
                err(self.issue(ERROR, row, "id_number", f"{who}的{check.error}", raw_id, id_cols))
        if check is not None and check.ok and not m.sex:
            m.sex = check.sex or ""
            derived.add("sex")

        raw_birth = v.get("birth_date")
        if raw_birth is not None:
            birth, problem = read_birth_date(_date_value(raw_birth), self.today)
            if problem:
                err(self.issue(ERROR, row, "birth_date", f"{who}的{problem}", raw_birth, col("birth_date")))
            elif birth is not None:
                m.birth_date = birth
                present.add("birth_date")
        elif check is not None and check.ok:
            m.birth_date = check.birth_date
            derived.add("birth_date")
        if check is not None and check.ok:
            for issue in agreement_issues(m, check, who):
                if issue.code == SEX_VS_ID:
                    warn(self.issue(WARNING, row, "sex", issue.message, raw_sex, col("sex")))
                elif issue.code == BIRTH_VS_ID:
                    warn(self.issue(WARNING, row, "birth_date", issue.message, raw_birth, col("birth_date")))

        for key, attr in (("ethnic_group", "ethnic_group"), ("education", "education")):
            if key in v:
                setattr(m, attr, _short_text(v[key]))
                present.add(attr)
        for key, attr, choices, synonyms, label in (
            ("health", "health", vocab.HEALTH, _HEALTH, "健康状况"),
            ("labour", "labour", vocab.LABOUR, _LABOUR, "劳动能力"),
            ("employment", "employment", vocab.EMPLOYMENT, _EMPLOYMENT, "就业情况"),
            ("member_status", "status", vocab.MEMBER_STATUS, _MEMBER_STATUS, "人员状态"),
        ):
            if key in v:
                value = _choice(v[key], choices, synonyms)
                if value is None:
                    err(self.issue(ERROR, row, key,
                                   f"{who}的{label}“{text(v[key])}”无法识别，请填写{'、'.join(choices)}中的一项",
                                   v[key], col(key)))
                else:
                    setattr(m, attr, value)
                    present.add(attr)
        if "party_member" in v:
            m.party_member = _party_of(v["party_member"])
            present.add("party_member")
        if "member_phone" in v:
            m.phone = normalize_phone(v["member_phone"])[:40]
            present.add("phone")
        if "member_notes" in v:
            m.notes = text(v["member_notes"])
            present.add("notes")
        if "status_date" in v:
            when, problem = read_date(_date_value(v["status_date"]), "变动日期")
            if problem:
                err(self.issue(ERROR, row, "status_date", f"{who}的{problem}", v["status_date"], col("status_date")))
            elif when is not None:
                m.status_date = when
                present.add("status_date")
        if m.status != vocab.MEMBER_ACTIVE and m.status_date is None and "member_status" in v:
            err(self.issue(ERROR, row, "status_date", f"{who}已{m.status}，请填写变动日期", None,
                           self.header.columns.get("status_date") or col("member_status")))
        return MemberIn(row, m, _shared(present), rm.cols, _shared(derived))

    def household_checks(self, raw: RawHousehold, h: HouseholdIn) -> None:
        heads = [m for m in h.members if m.data.relation == vocab.HEAD and m.data.status == vocab.MEMBER_ACTIVE]
        relation_col = self.header.columns.get("relation")
        if not h.members:
            h.errors.append(self.issue(ERROR, raw.first_row, "relation",
                                       "这一行有户的信息，但下面没有任何家庭成员，请补填成员或删除这一行", None,
                                       relation_col))
        else:
            for issue in head_issues([m.data for m in h.members]):
                if issue.index is None:
                    h.errors.append(self.issue(ERROR, raw.first_row, "relation", issue.message, None, relation_col))
                else:
                    h.errors.append(self.issue(ERROR, h.members[issue.index].row, "relation", issue.message, "户主",
                                               relation_col))
        active = sum(1 for m in h.members if m.data.status == vocab.MEMBER_ACTIVE)
        if h.data.household_size is not None and h.data.household_size != active and h.members:
            c = raw.values["household_size"]
            h.warnings.append(self.issue(WARNING, c.row, "household_size",
                                         f"家庭人口填写为{h.data.household_size}人，但表中该户有{active}位在册成员，请核对",
                                         c.value, c.col))
        if (c := raw.values.get("head_name")) is not None and len(heads) == 1 and heads[0].data.name:
            if normalize_name(text(c.value)) != heads[0].data.name:
                h.warnings.append(self.issue(WARNING, c.row, "head_name",
                                             f"户主姓名填写为“{text(c.value)}”，但与户主关系为户主的成员是"
                                             f"“{heads[0].data.name}”，请核对", c.value, c.col))


def validate(parsed: Iterable[tuple[str, list[SheetParse]]], options: Options | None = None,
             cancel: Callable[[], bool] | None = None) -> Validation:
    """Check every household of every file against the rules and against each other (not the database yet)."""
    options = options or Options()
    households: list[HouseholdIn] = []
    general: list[Issue] = []
    sheets: list[SheetInfo] = []
    for file, sheet_parses in parsed:
        before = len(households)
        for sp in sheet_parses:
            if sp.header is None or not sp.households:
                sheets.append(SheetInfo(file, sp.name, sp.header.row if sp.header else None, 0, 0,
                                        sp.skipped_reason or "没有数据", sp.layout))
                continue
            checker = _Checker(file, sp, options)
            found = []
            for index, raw in enumerate(sp.households):
                if cancel is not None and index % 500 == 0 and cancel():
                    from app.io.workbook import Cancelled

                    raise Cancelled()
                found.append(checker.household(raw))
            if "village" not in sp.header.columns and not options.village:
                problem = checker.issue(
                    ERROR, sp.header.row, None,
                    f"工作表“{sp.name}”没有“村”列，无法确定这些户属于哪个村：{options.village_hint}")
                general.append(problem)
                for h in found:
                    h.errors.append(problem)
                    h.village_unknown = True
            households.extend(found)
            sheets.append(SheetInfo(file, sp.name, sp.header.row, len(found), sum(len(h.members) for h in found),
                                    "", sp.layout))
        if len(households) == before:
            reasons = "；".join(f"“{sp.name}”：{sp.skipped_reason}" for sp in sheet_parses if sp.skipped_reason)
            general.append(Issue(ERROR, file, "", None, "", "",
                                 "文件中没有找到可以导入的户：" + (reasons or "没有工作表")
                                 + "。请确认表头含有“姓名”“与户主关系”“身份证号”等列"))
    _duplicates(households)
    validation = Validation(households, [], sheets, general=general)
    collect(validation)
    return validation


def collect(validation: Validation) -> None:
    """Gather every household's issues into validation.issues, each once, in sheet and row order."""
    issues: list[Issue] = list(validation.general)
    seen: set[int] = {id(i) for i in issues}
    for h in validation.households:
        for i in h.errors + h.warnings + h.db_issues:
            if id(i) not in seen:
                seen.add(id(i))
                issues.append(i)
    issues.sort(key=lambda i: (i.file, i.sheet, i.row or 0, i.severity != ERROR, i.column))
    validation.issues = issues


def id_issue(h: HouseholdIn, m: MemberIn, message: str) -> Issue:
    col = m.cols.get("id_number")
    return Issue(ERROR, h.file, h.sheet, m.row, get_column_letter(col) if col else "", "身份证号", message, m.data.id_number)


def _duplicates(households: list[HouseholdIn]) -> None:
    """An ID on more than one row of this import is an error on every row that carries it."""
    holders: dict[str, list[tuple[HouseholdIn, MemberIn]]] = {}
    for h in households:
        for m in h.members:
            if m.data.id_number:
                holders.setdefault(m.data.id_number, []).append((h, m))
    for idn, rows in holders.items():
        if len(rows) < 2:
            continue
        for h, m in rows:
            others = "、".join(
                (f"{o.sheet}第{om.row}行" if (o.file, o.sheet) != (h.file, h.sheet) else f"第{om.row}行")
                + (f"（{o.file}）" if o.file != h.file else "")
                for o, om in rows if om is not m)
            h.errors.append(id_issue(h, m, f"{m.data.name or '该成员'}的身份证号 {mask_id(idn)} 在本次导入中重复出现（另见{others}），"
                                            "同一个人只能登记一次，请核对"))
