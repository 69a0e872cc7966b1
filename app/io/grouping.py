"""Step 3 of the import: a sheet's data rows grouped into households (SPEC §5 layouts A and B). Pure.

Layout B (a 户编号 column): rows with the same 户编号 form one household; a blank 户编号 continues the
household above (a merged cell). Layout A (no 户编号): a household starts on a row whose household columns
(序号, 户主姓名, 安置点 …) are filled with new values, and a row with blank household columns continues the
household above. Blank rows, 合计/总计 rows, footers (填表人, 审核人, 填报日期 …) and the column-number or
unit line under a header are skipped.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from app import vocab
from app.io.headers import HOUSEHOLD_KEYS, MEMBER_KEYS, Header, find_header, match_header
from app.io.workbook import Sheet
from app.rules import normalize_relation, to_halfwidth

LAYOUT_A, LAYOUT_B = "A", "B"

_TOTAL = re.compile(r"^(合计|总计|小计|共计|累计)")
_FOOTER = re.compile(
    r"^(填表人|填报人|制表人|统计人|审核人|审核|复核人|审批人|负责人|单位负责人|主要负责人|分管领导|村负责人|"
    r"经办人|填报日期|填表日期|制表日期|填报时间|报送日期|填报单位|联系人|联系电话[:：]|"
    r"制表单位|制表|编制|村支书|村主任|村委会|经办|核实人|调查人|统计员|"
    r"(注|说明|备注|日期|签字|签名)([:：\d、.．]|$))"
)
_STAMP = re.compile(r"盖章|签字|签名")
_NUMBERING = re.compile(r"^([0-9]{1,3}|[甲乙丙丁戊己庚辛壬癸])$")
_UNIT = re.compile(r"^[(（\[【]?[^()（）]{0,4}[)）\]】]?$")
_UNITS = frozenset({"亩", "元", "人", "岁", "户", "平方米", "万元"})
# Household columns whose value on a member's row may be that member's own (see SECOND_COLUMN in headers).
DUAL = {"phone": "member_phone", "notes": "member_notes"}


@dataclass(slots=True)
class Cell:
    value: object
    row: int
    col: int


@dataclass(slots=True)
class RawMember:
    """One person's row: member field -> value (non-blank only), and where each came from."""

    row: int
    values: dict[str, object] = field(default_factory=dict)
    cols: dict[str, int] = field(default_factory=dict)


@dataclass(slots=True)
class RawHousehold:
    """A household as found: its household values (first non-blank of each), its member rows, conflicts."""

    sheet: str
    first_row: int
    key: str = ""
    values: dict[str, Cell] = field(default_factory=dict)
    members: list[RawMember] = field(default_factory=list)
    conflicts: list[tuple[str, Cell, Cell]] = field(default_factory=list)  # (field, first value, other value)
    rows: list[int] = field(default_factory=list)


@dataclass
class SheetParse:
    """What one sheet holds: its header and households, or why it was skipped."""

    name: str
    header: Header | None
    households: list[RawHousehold] = field(default_factory=list)
    skipped_reason: str = ""
    layout: str = ""
    rows_skipped: int = 0


def clean_value(value: object) -> object:
    """A cell value with blank text made None and other text stripped."""
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def same(a: object, b: object) -> bool:
    """Two cell values mean the same: compared as half-width text without whitespace; 2.0 equals 2."""
    return _key(a) == _key(b)


_KEYS: dict[str, str] = {}


def _key(value: object) -> str:
    if type(value) is str:
        key = _KEYS.get(value)
        if key is None:
            key = "".join(to_halfwidth(value).split())
            if len(_KEYS) < 100_000:  # a register repeats its 户编号, 村 and 组 on many rows
                _KEYS[value] = key
        return key
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "".join(to_halfwidth(str(value)).split())


def _first_text(cells: tuple) -> str | None:
    for v in cells:
        if isinstance(v, str):
            text = "".join(v.split())
            if text:
                return text
        elif v is not None:
            return None
    return None


def skip_reason(cells: tuple) -> str | None:
    """Why a data row is not a person: "空行", "合计行" or "表尾" (None for a row to read)."""
    if not any(v is not None and (not isinstance(v, str) or v.strip()) for v in cells):
        return "空行"
    text = _first_text(cells)
    if text is None:
        return None
    try:
        return _TEXT_REASONS[text]
    except KeyError:
        pass
    reason = _text_reason(text)
    if len(_TEXT_REASONS) < 50_000:  # a row's first text is mostly its 户编号 or 村, repeated row after row
        _TEXT_REASONS[text] = reason
    return reason


_TEXT_REASONS: dict[str, str | None] = {}


def _text_reason(text: str) -> str | None:
    if _TOTAL.match(text):
        return "合计行"
    if _FOOTER.match(text) or (_STAMP.search(text) and len(text) < 60):
        return "表尾"
    return None


_NAME_HEADERS: dict[str, bool] = {}


def _names_the_name_column(text: str) -> bool:
    """match_header(text) == "name", remembered: the test runs on every person's name."""
    if "名" not in text:  # every header naming the name column does (姓名, 成员姓名 …): most names do not
        return False
    found = _NAME_HEADERS.get(text)
    if found is None:
        found = match_header(text) == "name"
        if len(_NAME_HEADERS) < 50_000:
            _NAME_HEADERS[text] = found
    return found


def _repeats_header(cells: tuple, columns: dict[str, int]) -> bool:
    """A header line copied again further down (registers pasted page by page)."""
    col = columns.get("name", 0)
    probe = cells[col - 1] if 0 < col <= len(cells) else None
    if not isinstance(probe, str) or not _names_the_name_column(probe):  # cheap test first: one cell per row
        return False
    filled = [v for v in cells if isinstance(v, str) and v.strip()]
    if len(filled) < 3:
        return False
    matched = sum(1 for v in filled if match_header(v) is not None)
    return matched >= 3 and matched * 2 >= len([v for v in cells if v is not None])


def _lone_text(cells: tuple) -> bool:
    """True for a row whose only content is one text of some length (a remark line, often merged across)."""
    filled = [v for v in cells if v is not None and (not isinstance(v, str) or v.strip())]
    return len(filled) == 1 and isinstance(filled[0], str) and len(filled[0].strip()) >= 6


def _is_numbering_or_units(cells: tuple) -> bool:
    """The line some forms put under the header: column numbers (1 2 3 / 甲 乙) or units ((亩) (元))."""
    filled = [v for v in cells if v is not None and (not isinstance(v, str) or v.strip())]
    if len(filled) < 2:
        return False
    for v in filled:
        if isinstance(v, bool):
            return False
        if isinstance(v, int) and 0 <= v < 1000:
            continue
        text = "".join(to_halfwidth(str(v)).split())
        if _NUMBERING.match(text):
            continue
        if text[:1] in "(（[【" and _UNIT.match(text):
            continue
        if text in _UNITS:
            continue
        return False
    return True


def _row_picker(columns: dict[str, int]) -> Callable[[tuple], dict[str, object]]:
    """A row's non-blank values by field, text stripped (clean_value inlined: it runs for every cell of the
    register), the sheet's columns picked out by one itemgetter in place of a look-up per field."""
    keys = tuple(columns)
    width = max(columns.values(), default=0)
    pad = (None,) * width
    get = operator.itemgetter(*(columns[k] - 1 for k in keys)) if keys else None

    def pick(cells: tuple) -> dict[str, object]:
        if get is None:
            return {}
        if len(cells) < width:
            cells = cells + pad[len(cells):]
        picked = get(cells)
        out: dict[str, object] = {}
        for key, v in zip(keys, picked if len(keys) > 1 else (picked,)):
            if v is None:
                continue
            if type(v) is str:
                v = v.strip()
                if not v:
                    continue
            out[key] = v
        return out

    return pick


def _is_head(values: dict[str, object]) -> bool:
    relation = values.get("relation")
    return relation is not None and normalize_relation(str(relation)) == vocab.HEAD


def _add(h: RawHousehold, row: int, values: dict[str, object], columns: dict[str, int]) -> None:
    """Put a row's values into household h: household values first-wins (with conflicts), member values as a member."""
    h.rows.append(row)
    member_values: dict[str, object] = {}
    member_cols: dict[str, int] = {}
    household: list[tuple[str, object]] = []
    for key, value in values.items():  # one pass: member values, and the household's to compare below
        if key in MEMBER_KEYS:
            member_values[key] = value
            member_cols[key] = columns[key]
        else:
            household.append((key, value))
    member = RawMember(row, member_values, member_cols) if member_values else None
    held = h.values
    for key, value in household:
        first = held.get(key)
        if first is None:
            held[key] = Cell(value, row, columns[key])
        elif first.value != value and not same(first.value, value):
            cell = Cell(value, row, columns[key])
            if key in DUAL:
                if member is not None and DUAL[key] not in member.values:
                    member.values[DUAL[key]] = value
                    member.cols[DUAL[key]] = columns[key]
            elif key not in ("serial", "household_key"):
                h.conflicts.append((key, first, cell))
    if member is not None:
        h.members.append(member)


def group_sheet(sheet: Sheet, header: Header | None = None) -> SheetParse:
    """The households of one sheet (header found if not given); a sheet without a header is skipped with a reason."""
    header = header or find_header(sheet)
    result = SheetParse(sheet.name, header)
    if sheet.hidden:
        result.header = None
        result.skipped_reason = "隐藏的工作表"
        return result
    if header is None:
        result.skipped_reason = "空表" if not any(sheet.rows) else "没有找到可识别的表头（需要“姓名”和“身份证号”或“与户主关系”等列）"
        return result
    columns = header.columns
    rows: list[tuple[int, dict[str, object]]] = []
    start = header.data_start
    row_values = _row_picker(columns)
    for index in range(start - 1, len(sheet.rows)):
        cells = sheet.rows[index]
        number = index + 1
        reason = skip_reason(cells)
        if reason is None and number < start + 2 and _is_numbering_or_units(cells):
            reason = "编号行"
        if reason is None and _repeats_header(cells, columns):
            reason = "重复的表头"
        if reason is not None:
            if reason != "空行":
                result.rows_skipped += 1
            continue
        values = row_values(cells)
        if values.keys() <= {"serial"}:
            values = {}  # a pre-numbered empty row of a template
        elif not values.keys() & MEMBER_KEYS and _lone_text(cells):
            values = {}  # a note line under the table (one long text, no person in it)
        if values:
            rows.append((number, values))
        else:
            result.rows_skipped += 1
    if "household_key" in columns and any("household_key" in values for _, values in rows):
        result.layout = LAYOUT_B
        result.households = _group_b(sheet.name, rows, columns)
    else:
        result.layout = LAYOUT_A
        result.households = _group_a(sheet.name, rows, columns)
    if not result.households:
        result.skipped_reason = "表头下面没有数据"
    return result


def _group_b(sheet: str, rows: list[tuple[int, dict[str, object]]], columns: dict[str, int]) -> list[RawHousehold]:
    """Rows with the same 户编号 form a household. When 户编号 restarts in each village of one sheet, the 村 on a
    row tells the households apart; a row without 村 joins the household it follows (or the last with that key)."""
    households: list[RawHousehold] = []
    by_key: dict[str, list[RawHousehold]] = {}
    current: RawHousehold | None = None
    for number, values in rows:
        raw_key = values.get("household_key")
        if raw_key is not None:
            key = _key(raw_key)
            candidates = by_key.get(key, [])
            village = values.get("village")
            found = None
            if village is not None:
                for h in reversed(candidates):
                    other = h.values.get("village")
                    if other is None or same(other.value, village):
                        found = h
                        break
            elif current is not None and current.key == key:
                found = current
            elif candidates:
                found = candidates[-1]
            if found is None:
                found = RawHousehold(sheet, number, key)
                households.append(found)
                by_key.setdefault(key, []).append(found)
            current = found
        elif current is None:
            current = RawHousehold(sheet, number)
            households.append(current)
        _add(current, number, values, columns)
    return households


def _serial_per_person(rows: list[tuple[int, dict[str, object]]]) -> bool:
    """True when 序号 numbers people, not households: it is filled on most rows of non-heads."""
    others = [values for _, values in rows if "relation" in values and not _is_head(values)]
    if not others:
        return False
    numbered = sum(1 for values in others if "serial" in values)
    return numbered * 5 >= len(others) * 4


def _group_a(sheet: str, rows: list[tuple[int, dict[str, object]]], columns: dict[str, int]) -> list[RawHousehold]:
    identity = {"head_name"} if _serial_per_person(rows) else {"head_name", "serial"}
    households: list[RawHousehold] = []
    current: RawHousehold | None = None
    has_head = False
    for number, values in rows:
        block = {k: v for k, v in values.items() if k in HOUSEHOLD_KEYS and k not in DUAL
                 and not (k == "serial" and "serial" not in identity)}
        new = current is None
        if not new and block:
            for key, value in block.items():
                first = current.values.get(key)
                if key in identity:
                    if first is None or not same(first.value, value):
                        new = True
                        break
                elif first is not None and not same(first.value, value):
                    new = True
                    break
            else:
                new = _is_head(values) and has_head
        if new:
            current = RawHousehold(sheet, number)
            households.append(current)
            has_head = False
        _add(current, number, values, columns)
        has_head = has_head or _is_head(values)
    return households
