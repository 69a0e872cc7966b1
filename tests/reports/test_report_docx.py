"""The .docx twin of the 月报, read back with python-docx: the same 公文 and tables, FangSong body, repeated
table headers and "— PAGE —" footers."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from docx import Document
from docx.oxml.ns import qn

from app import demo
from app.services import monthly_report

TODAY = dt.date(2025, 6, 18)


@pytest.fixture
def word(db):
    """(the MonthState of June, its .docx read back)."""
    demo.generate(db, 150, seed=7, today=TODAY)
    state = monthly_report.month_state(db, "2025-06", today=TODAY)
    return state, Document(io.BytesIO(state.docx()))


def test_the_docx_holds_the_same_gongwen(word):
    """Title, 主送, every section with its text, 落款 and 抄送 are paragraphs of the document."""
    state, doc = word
    text = [p.text for p in doc.paragraphs]
    assert text[0] == state.document.title
    assert "清江镇党委、清江镇政府：" in text
    for section in state.document.sections:
        assert section.title in text
        for line in section.text.splitlines():
            assert line.strip() in text
    assert "清江镇水利移民站" in text and "2025年6月18日" in text
    assert "抄送：县农业农村局。" in text and "附件" in text


def test_the_docx_tables_are_the_annex_tables(word):
    """Every annex table is a Word table with the same header, repeated on each page, and the same rows."""
    from app.reports.model import Table

    state, doc = word
    tables = [b for b in state.document.annex if isinstance(b, Table)]
    assert len(doc.tables) == len(tables) > 10
    for made, read in zip(tables, doc.tables, strict=True):
        assert [c.text for c in read.rows[0].cells] == made.headers
        assert len(read.rows) == len(made.rows) + 1
        assert read.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    first = doc.tables[0]
    assert [c.text for c in first.rows[-1].cells][:3] == ["合计", str(state.prepared.figures["households"]),
                                                         str(state.prepared.figures["members"])]


def test_the_body_is_fangsong_and_pages_are_numbered(word):
    """Body runs name 仿宋 as their East Asian font at 16 pt; odd and even footers carry a PAGE field."""
    _state, doc = word
    body = next(p for p in doc.paragraphs if p.text.startswith("截至"))
    run = body.runs[0]
    assert run.font.size.pt == 16
    assert run._element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "仿宋"
    section = doc.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.left_margin.mm) == 28
    for footer in (section.footer, section.even_page_footer):
        xml = footer.paragraphs[0]._p.xml
        assert "PAGE" in xml and "— " in footer.paragraphs[0].text
