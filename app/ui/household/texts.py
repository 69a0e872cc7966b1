"""The household window's words, colours and style sheet, and how it formats and reads values."""

from __future__ import annotations

from decimal import Decimal

from app import vocab
from app.services.households import MemberData

# ------------------------------------------------------------------------------------------ texts & looks

TITLE_NEW = "新建户档案"
TITLE_EXISTING = "户档案 — {head}（{no}）"
NO_HEAD = "未填户主"
UNSAVED_QUESTION = "是否保存修改？"
UNSAVED_DETAIL = "该户档案有尚未保存的修改。"
BTN_SAVE = "保存"
BTN_DISCARD = "不保存"
BTN_CANCEL = "取消"
BTN_OK = "确定"
UNKNOWN = "未填"
YES, NO = "是", "否"
DIRTY_HINT = "● 有未保存的修改"

ETHNIC_GROUPS: tuple[str, ...] = (
    "汉族", "苗族", "布依族", "侗族", "土家族", "彝族", "仡佬族", "水族", "回族", "白族", "瑶族", "壮族",
    "畲族", "毛南族", "蒙古族", "满族", "仫佬族", "羌族",
)
DEFAULT_ETHNIC_GROUP = "汉族"
EDUCATION_LEVELS: tuple[str, ...] = ("文盲或半文盲", "小学", "初中", "高中", "中专", "大专", "本科及以上")

MEMBER_COLUMNS: tuple[str, ...] = (
    "name", "relation", "sex", "id_number", "birth_date", "labour", "employment", "health", "status",
)

RED = "#c0392b"
AMBER = "#a05a00"
GREEN = "#2e7d32"
GREY = "#8a8a8a"

EDITOR_CSS = f"""
QLineEdit[invalid="true"], QComboBox[invalid="true"], QPlainTextEdit[invalid="true"] {{
    border: 1px solid {RED}; border-radius: 3px; background: #fff5f5; padding: 2px 4px;
}}
QLabel[role="error"] {{ color: {RED}; }}
QLabel[role="warning"] {{ color: {AMBER}; }}
QLabel[role="hint"] {{ color: #666666; }}
QLabel[role="dirty"] {{ color: {AMBER}; }}
QLabel[role="banner"] {{ background: #fff4d6; border: 1px solid #e6c877; padding: 4px 8px; }}
QLabel[role="section"] {{ font-weight: bold; color: #333333; padding-top: 4px; }}
QFrame#checkPanel {{ background: #fafbfc; border: 1px solid #d8dde3; border-radius: 4px; }}
QFrame#checkPanel QScrollArea, QFrame#checkPanel QScrollArea > QWidget > QWidget {{ background: transparent; }}
"""


def format_decimal(value: Decimal | None) -> str:
    """2.50 -> "2.5", 35000.00 -> "35000", None -> ""."""
    if value is None:
        return ""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def format_size(size: int) -> str:
    """A file size as the clerk reads it: KB under 1 MB, else MB with one decimal."""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def status_text(m: MemberData) -> str:
    if m.status == vocab.MEMBER_ACTIVE or m.status_date is None:
        return m.status
    return f"{m.status}（{m.status_date.isoformat()}）"
