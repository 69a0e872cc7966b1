"""The plain data the report writers draw: the 月报 as a 公文 (head, sections, 落款, 抄送) followed by an annex
of headings, paragraphs, tables and charts, and the 一户一档 cards. The services fill these; the PDF and the
.docx writers only lay them out. No database, no Qt, no services."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from app import outputs


def write_atomically(path: Path | str, data: bytes) -> Path:
    """Write `data` to `path` through the output guard: never over the database, temporary file in the same
    folder, fsync, rename; raises outputs.OutputError (one Chinese line), leaving any existing file as it was."""
    return outputs.write_bytes(path, data)


@dataclass
class BuildResult:
    """What a build produced: the file's bytes, its page count, its sections and the warnings to show."""

    pdf: bytes
    pages: int
    sections: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def save(self, path: Path | str) -> Path:
        """Write the PDF through the output guard (see `write_atomically`)."""
        return write_atomically(path, self.pdf)


# ------------------------------------------------------------------------------------------ blocks


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1  # 1 一、 2 （一）


@dataclass(frozen=True)
class Para:
    text: str
    note: bool = False  # small print under a table


@dataclass(frozen=True)
class Table:
    headers: list[str]
    rows: list[list[object]]
    widths: list[float]  # fractions of the text width
    numeric: frozenset[int] = frozenset()
    total: bool = False  # the last row is a 合计


@dataclass(frozen=True)
class Chart:
    title: str
    names: list[str]
    values: list[float]
    horizontal: bool = False  # horizontal bars of a percentage (0–100), else vertical bars of counts


Block = Heading | Para | Table | Chart


# ------------------------------------------------------------------------------------------ the 月报


@dataclass
class Section:
    """One numbered section of the 公文's body: its key (kept with the month), heading and text; the text's
    lines are its paragraphs."""

    key: str
    title: str
    text: str


@dataclass
class MonthlyDocument:
    """The 月报 of one month as it is printed."""

    title: str  # 《…关于…的报告》 without the book-title marks
    addressee: str  # 主送
    sections: list[Section]
    signer: str  # 落款: the station
    dated: str  # 落款 date, 2026年1月3日
    copy_to: str  # 抄送
    annex: list[Block]
    month_label: str  # 2026年1月
    banner: str = ""  # e.g. 更正版 note, printed under the title

    @property
    def section_titles(self) -> list[str]:
        return [s.title for s in self.sections]


# ------------------------------------------------------------------------------------------ 一户一档


@dataclass
class Card:
    archive_no: str
    head: str
    village: str
    group: str
    point: str
    facts: list[tuple[str, str]]  # label, value
    members: list[tuple[str, ...]]
    tags: list[tuple[str, str]]  # tag, reason
    cadre: str
    unit_baobao: str
    visits: list[tuple[str, str, str, str]]  # date, cadre, way, findings
    problems: list[tuple[str, str, str, str, str]]  # found, area, description, unit, deadline
