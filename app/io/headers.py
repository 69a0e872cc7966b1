"""Step 2 of the import: the register's columns (SPEC §5 header table) and finding a sheet's header.

`FIELDS` declares every column the importer understands: its key, its Chinese label (used in messages and
as the export header), the accepted header names, and whether it belongs to the household or the member.
Names after the SPEC's own on a line, and the extension fields at the end, are not in the SPEC table; the export writes them so that an
exported archive imports back unchanged, and villages may use them too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from app.io.workbook import Sheet
from app.rules import to_halfwidth

HOUSEHOLD, MEMBER = "household", "member"


@dataclass(frozen=True, slots=True)
class Field:
    key: str
    label: str
    headers: tuple[str, ...]
    level: str


FIELDS: tuple[Field, ...] = (
    Field("household_key", "户编号", ("户编号", "户号", "档案编号", "家庭编号"), HOUSEHOLD),
    Field("serial", "序号", ("序号",), HOUSEHOLD),
    Field("head_name", "户主姓名", ("户主姓名", "户主"), HOUSEHOLD),
    Field("village", "村", ("村", "所在村", "村名", "行政村"), HOUSEHOLD),
    Field("group_name", "组", ("组", "组别", "村民组", "所在组", "村民小组", "小组"), HOUSEHOLD),
    Field("point", "安置点", ("安置点", "安置地点", "安置小区", "安置点名称", "安置区"), HOUSEHOLD),
    Field("settlement_type", "安置方式", ("安置方式", "安置类型"), HOUSEHOLD),
    Field("relocation_date", "搬迁时间", ("搬迁时间", "搬迁年份", "搬迁日期", "搬迁年度", "搬迁年月"), HOUSEHOLD),
    Field("original_residence", "原居住地", ("原居住地", "搬迁前住址", "原住址"), HOUSEHOLD),
    Field("household_size", "家庭人口", ("家庭人口", "家庭人口数", "人口数", "家庭人数"), HOUSEHOLD),
    Field("housing_status", "住房情况", ("住房情况", "住房状况"), HOUSEHOLD),
    Field("house_leaks", "房屋漏水", ("房屋漏水", "房屋是否漏水"), HOUSEHOLD),
    Field("land_mu", "承包地面积（亩）", ("承包地面积（亩）", "承包地（亩）", "耕地面积（亩）", "承包地面积"), HOUSEHOLD),
    Field("annual_income", "家庭年收入（元）", ("家庭年收入（元）", "家庭年纯收入（元）", "年收入"), HOUSEHOLD),
    Field("phone", "联系电话", ("联系电话", "联系方式", "电话", "手机号码", "手机号"), HOUSEHOLD),
    Field("tags", "户类型", ("户类型", "重点户类型", "户属性", "户类别"), HOUSEHOLD),
    Field("name", "姓名", ("姓名", "成员姓名"), MEMBER),
    Field("relation", "与户主关系", ("与户主关系", "关系", "与户主的关系", "家庭关系"), MEMBER),
    Field("sex", "性别", ("性别",), MEMBER),
    Field("id_number", "身份证号", ("身份证号", "身份证号码", "公民身份号码", "证件号码"), MEMBER),
    Field("ethnic_group", "民族", ("民族",), MEMBER),
    Field("education", "文化程度", ("文化程度", "学历"), MEMBER),
    Field("health", "健康状况", ("健康状况", "身体状况"), MEMBER),
    Field("labour", "劳动能力", ("劳动能力", "劳动技能", "劳动力状况", "劳动力类型"), MEMBER),
    Field("employment", "就业情况", ("就业情况", "务工情况", "就业状况", "就业状态"), MEMBER),
    Field("party_member", "政治面貌", ("是否党员", "政治面貌"), MEMBER),
    Field("notes", "备注", ("备注",), HOUSEHOLD),
    # Extensions (not in the SPEC table): what the export needs to round-trip the archive.
    Field("address", "现住址", ("现住址", "现居住地址", "现住地址", "现居住地"), HOUSEHOLD),
    Field("geohazard_unmoved", "受地灾威胁未搬迁", ("受地灾威胁未搬迁", "受地质灾害威胁未搬迁"), HOUSEHOLD),
    Field("household_status", "户状态", ("户状态",), HOUSEHOLD),
    Field("birth_date", "出生日期", ("出生日期", "出生年月"), MEMBER),
    Field("member_phone", "本人电话", ("本人电话", "成员电话", "个人电话", "本人联系电话"), MEMBER),
    Field("member_status", "人员状态", ("人员状态", "成员状态"), MEMBER),
    Field("status_date", "变动日期", ("变动日期", "迁出或死亡日期"), MEMBER),
    Field("member_notes", "成员备注", ("成员备注", "个人备注"), MEMBER),
    # The register's own 户编号 under its own name (how the export writes it beside our 档案编号), and the
    # date the household entered the town's register (SPEC §4.8).
    Field("original_no", "原户编号", ("原户编号",), HOUSEHOLD),
    Field("registered_on", "登记日期", ("登记日期", "迁入日期", "登记时间", "迁入时间"), HOUSEHOLD),
)
BY_KEY: dict[str, Field] = {f.key: f for f in FIELDS}
HOUSEHOLD_KEYS: frozenset[str] = frozenset(f.key for f in FIELDS if f.level == HOUSEHOLD)
MEMBER_KEYS: frozenset[str] = frozenset(f.key for f in FIELDS if f.level == MEMBER)
# A second column with the same household header holds the member's own value; a second household-key
# column (档案编号 beside 户编号) holds the other number (validate tells them apart by their titles).
SECOND_COLUMN: dict[str, str] = {"phone": "member_phone", "notes": "member_notes", "household_key": "original_no"}

HEADER_ROWS = 12  # the header starts within the first 12 rows (SPEC §5)

_BRACKETS = re.compile(r"[()\[\]【】〔〕<>《》]")
_BRACKETED = re.compile(r"[(\[【〔<《][^()\[\]【】〔〕<>《》]*[)\]】〕>》]")
_DECORATION = re.compile(r"[*:：\s]")


def header_key(text: object) -> str:
    """A header cell as compared: half-width, no whitespace, no brackets, no * or colon."""
    if text is None:
        return ""
    return _BRACKETS.sub("", _DECORATION.sub("", to_halfwidth(str(text))))


def _without_bracketed(text: object) -> str:
    return header_key(_BRACKETED.sub("", _DECORATION.sub("", to_halfwidth(str(text or "")))))


_ACCEPTED: dict[str, str] = {}
for _f in FIELDS:
    for _h in _f.headers:
        _ACCEPTED.setdefault(header_key(_h), _f.key)


# Words a register puts before a member column's name: 成员姓名 is 姓名, 公民身份证号码 is 身份证号码.
_PREFIXES = ("家庭成员", "家庭人员", "成员", "人员", "本人", "公民")


def match_header(text: object) -> str | None:
    """The field key a header cell names, or None; "身份证号码（18位）" matches after dropping the bracket part,
    "家庭成员姓名" after dropping the leading group word."""
    key = header_key(text)
    if not key:
        return None
    found = _ACCEPTED.get(key)
    if found is None:
        key = _without_bracketed(text)
        found = _ACCEPTED.get(key)
    if found is None:
        for prefix in _PREFIXES:
            if key.startswith(prefix) and len(key) > len(prefix):
                found = _ACCEPTED.get(key[len(prefix):])
                if found is not None:
                    break
    return found


@dataclass
class Header:
    """Where a sheet's header is and what each column holds.

    row: the Excel row of the (first) header row; span: 1 or 2 rows; columns: field key -> 1-based column;
    titles: 1-based column -> the header text as shown (the two rows combined with "/").
    """

    row: int
    span: int
    columns: dict[str, int] = field(default_factory=dict)
    titles: dict[int, str] = field(default_factory=dict)

    @property
    def data_start(self) -> int:
        return self.row + self.span

    def title(self, key: str) -> str:
        col = self.columns.get(key)
        return self.titles.get(col, BY_KEY[key].label) if col else BY_KEY[key].label


def _row_texts(sheet: Sheet, row: int) -> list[str]:
    cells = sheet.rows[row - 1] if 1 <= row <= len(sheet.rows) else ()
    return ["" if v is None else str(v).strip() for v in cells]


def _filled_from_merges(sheet: Sheet, row: int, texts: list[str]) -> list[str]:
    """A header row's texts with each horizontally merged cell's text copied into the columns it spans."""
    out = list(texts)
    for r1, c1, r2, c2 in sheet.merged:
        if r1 <= row <= r2 and c2 > c1 and c1 <= len(texts):
            source = sheet.value(r1, c1)
            text = "" if source is None else str(source).strip()
            if c2 > len(out):
                out.extend([""] * (c2 - len(out)))
            for c in range(c1, c2 + 1):
                if not out[c - 1]:
                    out[c - 1] = text
    return out


def _assign(candidates: list[tuple[int, str | None, str]]) -> tuple[dict[str, int], dict[int, str]]:
    """Columns for fields, first column wins; a second phone/notes column becomes the member's own."""
    columns: dict[str, int] = {}
    titles: dict[int, str] = {}
    for col, key, title in candidates:
        if title:
            titles[col] = title
        if key is None:
            continue
        if key in columns:
            key = SECOND_COLUMN.get(key)
            if key is None or key in columns:
                continue
        columns[key] = col
    return columns, titles


def _single(texts: list[str]) -> tuple[dict[str, int], dict[int, str]]:
    return _assign([(i, match_header(t), t) for i, t in enumerate(texts, start=1)])


def _double(top: list[str], bottom: list[str]) -> tuple[dict[str, int], dict[int, str]]:
    width = max(len(top), len(bottom))
    top = top + [""] * (width - len(top))
    bottom = bottom + [""] * (width - len(bottom))
    candidates = []
    for i, (t, b) in enumerate(zip(top, bottom), start=1):
        # The combined text first ("承包地面积" over "（亩）"), then the sub-header, then the group header.
        key = match_header(t + b) if t and b and t != b else None
        if key is None and b:
            key = match_header(b)
        if key is None and t:
            key = match_header(t)
        title = "/".join(x for x in dict.fromkeys((t, b)) if x)
        candidates.append((i, key, title))
    return _assign(candidates)


def _recognisable(columns: dict[str, int]) -> bool:
    """A register header names the member (姓名) and at least their ID or relation."""
    return "name" in columns and ("id_number" in columns or "relation" in columns)


def _looks_like_subheader(texts: list[str]) -> bool:
    filled = [t for t in texts if t]
    matched = sum(1 for t in filled if match_header(t))
    return matched >= 2 and matched * 2 >= len(filled)


def find_header(sheet: Sheet) -> Header | None:
    """The best header in the sheet's first 12 rows (one row, or two rows combined), or None if there is none."""
    best: tuple[int, int, Header] | None = None  # (score, -span, header)
    last = min(HEADER_ROWS, len(sheet.rows))
    for row in range(1, last + 1):
        texts = _filled_from_merges(sheet, row, _row_texts(sheet, row))
        if not any(texts):
            continue
        columns, titles = _single(texts)
        options = []
        if _recognisable(columns):
            options.append((len(columns), -1, Header(row, 1, columns, titles)))
        below = _filled_from_merges(sheet, row + 1, _row_texts(sheet, row + 1))
        if _looks_like_subheader(below):
            columns2, titles2 = _double(texts, below)
            # The upper row must add something, else the lower row is a header on its own (the row above is a title).
            if _recognisable(columns2) and len(columns2) > len(_single(below)[0]):
                options.append((len(columns2), -2, Header(row, 2, columns2, titles2)))
        for option in options:
            if best is None or option[:2] > best[:2]:
                best = option
    return best[2] if best else None
