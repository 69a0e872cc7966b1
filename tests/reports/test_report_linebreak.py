"""Chinese line breaking in the PDFs: no line starts with a closing mark (，。、；：！？）》” …) or ends with an
opening one, and a closing mark after a digit or a closing bracket stays with what it closes."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader
from reportlab.platypus.paragraph import Paragraph as StockParagraph

from app.reports import layout, monthly
from app.reports.fonts import load_fonts
from app.reports.linebreak import CLOSING, OPENING, Paragraph, choose_break, line_starts
from app.reports.model import MonthlyDocument, Section

# A 存在问题 sentence as the 月报 drafts it: digits before ，and ）, "）；“", a masked archive number.
SAMPLE = ("截至2026年10月31日，全镇逾期未办结问题12个（上月9个，增加3个），主要是：新寨村 王明华（HF000123）：房屋漏水"
          "（责任单位住建办，责任人张三，逾期30天）；“两不愁三保障”回头看，完成率85.5%，《实施方案》已印发。")


def lines(cls, text: str, style) -> list[str]:
    """The lines a paragraph of `cls` sets `text` in, at the report's text width."""
    fonts = style.fonts if hasattr(style, "fonts") else None
    p = cls(text if fonts is None else fonts.markup(text), style)
    p.wrap(layout.TEXT_W, 10_000)
    bl = p.blPara
    if bl.kind == 1:
        return ["".join(w.text for w in ln.words) for ln in bl.lines]
    return ["".join(ln[1]) for ln in bl.lines]


def bad_breaks(rows: list[str]) -> list[tuple[str, str]]:
    return [(a[-4:], b[:4]) for a, b in zip(rows, rows[1:], strict=False)
            if b[:1] in CLOSING or a[-1:] in OPENING]


@pytest.fixture(scope="module")
def body():
    fonts = load_fonts()
    style = layout.Styles(fonts).body
    style.fonts = fonts
    return style


def test_no_line_starts_with_a_closing_mark_wherever_the_sample_falls(body):
    """Shifted by 0..40 characters, the sample never breaks before ，。）；： or after （《“, and every character
    is set once, in order; reportlab's own CJK wrap breaks the same text badly."""
    stock_bad = 0
    for shift in range(41):
        text = "某" * shift + SAMPLE
        ours = lines(Paragraph, text, body)
        assert bad_breaks(ours) == [], shift
        assert "".join(ours).replace(" ", "") == text.replace(" ", "")
        stock_bad += len(bad_breaks(lines(StockParagraph, text, body)))
    assert stock_bad > 0  # the sample is one that used to break badly


def test_a_closing_mark_after_a_digit_or_a_bracket_goes_down_with_it():
    """Where ，falls after "30" or 。after "）", the digits (or the bracket and the character before it) start
    the next line with the mark; a number is never cut in two."""
    text = "甲乙丙丁30，戊己"
    widths = [1.0] * len(text)
    starts = line_starts(text, widths, [6])  # "甲乙丙丁30" fills the line; "，" does not fit
    assert [text[a:b] for a, b in zip(starts, [*starts[1:], len(text)], strict=True)] == ["甲乙丙丁", "30，戊己"]
    text = "甲乙丙丁天）。戊"
    starts = line_starts(text, [1.0] * len(text), [6])
    assert text[starts[1]:].startswith("天）。")
    assert choose_break("甲乙12345", 0, 6) == 2  # not "甲乙1234" | "5"


def test_an_opening_mark_never_ends_a_line_and_a_line_of_marks_hangs():
    """（ at a line's end goes down to what it opens; a line holding nothing but one character and closing marks
    keeps the marks (they hang) rather than looping or starting the next line with them."""
    text = "甲乙丙丁戊（己庚）"
    starts = line_starts(text, [1.0] * len(text), [6])
    assert text[starts[1]] == "（"
    assert choose_break("甲）」。乙", 0, 1) == 4


def test_the_monthly_pdf_sets_no_line_start_on_a_closing_mark(tmp_path):
    """The 月报 PDF drawn from a section of such sentences: in the page text, no line begins with a closing
    mark (pdftotext-like extraction by pypdf keeps the visual lines)."""
    paragraphs = "\n".join("某" * k + SAMPLE for k in range(0, 28, 3))
    doc = MonthlyDocument(title="清江镇水利移民站关于2026年10月搬迁群众后续扶持工作情况的报告", addressee="清江镇党委、清江镇政府",
                          sections=[Section("problems", "三、存在问题", paragraphs)], signer="清江镇水利移民站",
                          dated="2026年11月3日", copy_to="县农业农村局", annex=[], month_label="2026年10月")
    pdf = monthly.build(doc).pdf
    rows = [re.sub(r"\s+", "", r) for page in PdfReader(io.BytesIO(pdf)).pages
            for r in (page.extract_text() or "").splitlines()]
    rows = [r for r in rows if r and not re.fullmatch(r"—\d+—", r)]  # not the "— N —" page numbers
    assert sum("责任单位住建办" in r for r in rows) >= 5  # the sample is there, set over many lines
    starts = [r[0] for r in rows]
    assert not [r for r in rows if r[0] in CLOSING], [r for r in rows if r[0] in CLOSING][:3]
    assert "，" not in starts and "）" not in starts
