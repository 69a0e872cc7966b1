"""The 月报 as a Word document (.docx, python-docx), the twin of the PDF for offices that revise in Word:
the same 公文 in a GB/T 9704 layout (A4, margins 37/35/28/26 mm, title 2号 bold Song, body 3号 FangSong,
headings 3号 Hei, "— N —" page numbers outside on odd and even pages) and the same 附件 tables, whose header
rows repeat across pages. Charts are left to the PDF: their figures are in the tables beside them.
No Qt, no database."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt

from app.reports.model import Block, Heading, MonthlyDocument, Para, Table

BODY_FONT = "仿宋"  # Windows' FangSong; Word falls back to its own choice where it is missing
BODY_FONT_LATIN = "FangSong"
HEI_FONT = "黑体"
TITLE_FONT = "宋体"
SIZE_TITLE = Pt(22)  # 2号
SIZE_BODY = Pt(16)  # 3号
SIZE_COPY = Pt(14)  # 4号
SIZE_CELL = Pt(10.5)  # 5号
ANNEX = "附件"


def _font(run, east_asian: str, size, *, bold: bool = False, latin: str | None = None) -> None:
    """Set a run's font for Chinese (eastAsia) and Latin text alike."""
    run.font.size = size
    run.font.bold = bold
    run.font.name = latin or east_asian
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:eastAsia", "w:ascii", "w:hAnsi"):
        fonts.set(qn(attr), east_asian if attr == "w:eastAsia" else (latin or east_asian))


def _para(doc, text: str, *, font: str = BODY_FONT, size=SIZE_BODY, bold: bool = False, indent: bool = True,
          align=None, space_after: float = 0):
    p = doc.add_paragraph()
    fmt = p.paragraph_format
    fmt.line_spacing = Pt(28) if size == SIZE_BODY else None
    fmt.space_after = Pt(space_after)
    fmt.space_before = Pt(0)
    if indent:
        fmt.first_line_indent = Pt(size.pt * 2)
    if align is not None:
        p.alignment = align
    _font(p.add_run(text), font, size, bold=bold, latin=BODY_FONT_LATIN if font == BODY_FONT else None)
    return p


def _page_number(paragraph) -> None:
    """— PAGE — as a field Word updates."""
    _font(paragraph.add_run("— "), TITLE_FONT, SIZE_COPY)
    run = paragraph.add_run()
    _font(run, TITLE_FONT, SIZE_COPY)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._element.append(el)
    _font(paragraph.add_run(" —"), TITLE_FONT, SIZE_COPY)


def _setup(doc) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(21)
    doc.settings.odd_and_even_pages_header_footer = True
    odd = section.footer.paragraphs[0]
    odd.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _page_number(odd)
    even = section.even_page_footer.paragraphs[0]
    even.alignment = WD_ALIGN_PARAGRAPH.LEFT
    _page_number(even)
    normal = doc.styles["Normal"]
    normal.font.size = SIZE_BODY
    normal.font.name = BODY_FONT_LATIN
    rpr = normal.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    fonts.set(qn("w:eastAsia"), BODY_FONT)


def _repeat_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)
    no_split = OxmlElement("w:cantSplit")
    tr_pr.append(no_split)


def _cell_styles(doc):
    """Paragraph styles of table cells (FangSong body, Hei header, 5号), made once per document: setting the
    font run by run costs seconds at a county's list lengths."""
    from docx.enum.style import WD_STYLE_TYPE

    styles = doc.styles
    if "HoufuCell" not in [s.name for s in styles]:
        for name, east_asian in (("HoufuCell", BODY_FONT), ("HoufuHead", HEI_FONT)):
            st = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
            st.base_style = styles["Normal"]
            st.font.size = SIZE_CELL
            st.font.name = BODY_FONT_LATIN if east_asian == BODY_FONT else east_asian
            st.paragraph_format.first_line_indent = Pt(0)
            st.paragraph_format.space_after = Pt(0)
            rpr = st.element.get_or_add_rPr()
            fonts = rpr.find(qn("w:rFonts"))
            if fonts is None:
                fonts = OxmlElement("w:rFonts")
                rpr.insert(0, fonts)
            fonts.set(qn("w:eastAsia"), east_asian)
    return styles["HoufuCell"].style_id, styles["HoufuHead"].style_id


def _table(doc, t: Table) -> None:
    # Rows are added one by one and their cells taken from the row itself: indexing table.rows[r].cells
    # walks the whole table each time, which at a county's 500-row lists costs seconds.
    cell_style, head_style = _cell_styles(doc)
    table = doc.add_table(rows=1, cols=len(t.headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    total_width = Mm(210 - 28 - 26)
    widths = [int(total_width * w) for w in t.widths]
    head = table.rows[0]
    _repeat_header(head)
    for i, (cell, h) in enumerate(zip(head.cells, t.headers, strict=True)):
        cell.width = widths[i]
        p = cell.paragraphs[0]
        p._p.style = head_style  # the style id set directly: the public setter looks the style up each time
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.add_run(h)
    # The body rows are written as one piece of XML and parsed once: building them cell by cell through
    # python-docx's element helpers costs seconds at a county's list lengths.
    twips = [w // 635 for w in widths]  # EMU → twentieths of a point
    rows = []
    last = len(t.rows)
    for r, values in enumerate(t.rows, start=1):
        bold = "<w:rPr><w:b/></w:rPr>" if t.total and r == last else ""
        cells = []
        for i, value in enumerate(values):
            align = '<w:jc w:val="right"/>' if i in t.numeric else ""
            text = escape("" if value is None else str(value))
            cells.append(f'<w:tc><w:tcPr><w:tcW w:w="{twips[i]}" w:type="dxa"/></w:tcPr><w:p><w:pPr>'
                         f'<w:pStyle w:val="{cell_style}"/>{align}</w:pPr><w:r>{bold}'
                         f'<w:t xml:space="preserve">{text}</w:t></w:r></w:p></w:tc>')
        rows.append(f"<w:tr>{''.join(cells)}</w:tr>")
    if rows:
        parsed = parse_xml(f"<w:tbl {nsdecls('w')}>{''.join(rows)}</w:tbl>")
        for tr in list(parsed):
            table._tbl.append(tr)
    doc.add_paragraph()


def _blocks(doc, items: list[Block]) -> None:
    for b in items:
        if isinstance(b, Heading):
            _para(doc, b.text, font=HEI_FONT, size=SIZE_BODY if b.level == 1 else SIZE_COPY, indent=False,
                  space_after=4)
        elif isinstance(b, Para):
            _para(doc, b.text, size=Pt(11) if b.note else SIZE_COPY, indent=not b.note)
        elif isinstance(b, Table):
            _table(doc, b)


def build(data: MonthlyDocument) -> bytes:
    """The .docx bytes of the 月报."""
    doc = Document()
    _setup(doc)
    _para(doc, data.title, font=TITLE_FONT, size=SIZE_TITLE, bold=True, indent=False,
          align=WD_ALIGN_PARAGRAPH.CENTER, space_after=12)
    if data.banner:
        _para(doc, data.banner, size=Pt(12), indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(doc, f"{data.addressee}：", indent=False)
    for section in data.sections:
        _para(doc, section.title, font=HEI_FONT)
        for line in section.text.splitlines():
            if line.strip():
                _para(doc, line.strip())
    doc.add_paragraph()
    for text in (data.signer, data.dated):
        p = _para(doc, text, indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
        p.paragraph_format.right_indent = Pt(32)
    doc.add_paragraph()
    copy = _para(doc, f"抄送：{data.copy_to}。", size=SIZE_COPY, indent=False)
    _border(copy)
    if data.annex:
        doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        _para(doc, ANNEX, font=HEI_FONT, indent=False, space_after=6)
        _blocks(doc, data.annex)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _border(paragraph) -> None:
    """The 版记's rules: a line above and below the 抄送 line."""
    p_pr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    for side, size in (("top", "8"), ("bottom", "4")):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:val"), "single")
        el.set(qn("w:sz"), size)
        el.set(qn("w:space"), "1")
        el.set(qn("w:color"), "000000")
        borders.append(el)
    p_pr.append(borders)

