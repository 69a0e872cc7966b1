"""Page layout shared by every PDF: A4 after GB/T 9704 (margins 37/35/28/26 mm), FangSong-style body,
Song/Hei titles, "— N —" page numbers (odd pages right, even pages left), and CJK-wrapping tables whose
header repeats on every page and whose rows never split. No Qt, no database."""

from __future__ import annotations

from reportlab.lib import colors, textsplit
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Paragraph, Table, TableStyle
from reportlab.platypus import paragraph as _paragraph

from app.reports.fonts import FontSet

# Marks that may not begin a line in Chinese text (GB/T 15834). ReportLab's CJK wrap hangs one such mark at the
# end of a line, but its list is the Japanese one (no full-width comma, semicolon, colon, ! ? or closing quotes)
# and it hangs only one: "户）" + "。" still put "。" at the start of the next line. The list is extended and the
# single-font splitter is wrapped so that a line that would start with such marks takes the character before
# them along instead.
NO_LINE_START = "，。、；：！？）》」』】〕〉”’…%‰℃,.;:!?)]}"
NO_LINE_END = "（《「『【〔〈“‘([{"  # opening marks go down with what they open
textsplit.ALL_CANNOT_START = _paragraph.ALL_CANNOT_START = "".join(
    dict.fromkeys(textsplit.ALL_CANNOT_START + NO_LINE_START))  # the plain splitter's copy and the frag splitter's
_plain_split = textsplit.wordSplit


def _split_chinese(word, maxWidths, fontName, fontSize, encoding="utf8"):
    lines = _plain_split(word, maxWidths, fontName, fontSize, encoding)
    if not isinstance(word, str):
        return lines
    widths = list(maxWidths) if isinstance(maxWidths, (list, tuple)) else [maxWidths]
    for _ in range(len(lines)):
        bad = next((n for n in range(1, len(lines)) if lines[n][1][:1] in tuple(NO_LINE_START)
                    or lines[n - 1][1][-1:] in tuple(NO_LINE_END)), None)
        if bad is None:
            break
        prev = lines[bad - 1][1]
        k = 1  # characters moved down: the one before the closing marks, or the opening marks themselves
        while k < len(prev) and (prev[-k] in NO_LINE_START or prev[-k - 1] in NO_LINE_END):
            k += 1
        if k >= len(prev):
            break
        head, width = prev[:-k], widths[min(bad - 1, len(widths) - 1)]
        rest = prev[-k:] + "".join(text for _space, text in lines[bad:])
        tail = _plain_split(rest, widths[bad:] or widths[-1:], fontName, fontSize, encoding)
        lines = [*lines[:bad - 1], [width - stringWidth(head, fontName, fontSize), head], *tail]
    return lines


_paragraph.wordSplit = _split_chinese


PAGE_W, PAGE_H = A4
TOP, BOTTOM, LEFT, RIGHT = 37 * mm, 35 * mm, 28 * mm, 26 * mm
TEXT_W = PAGE_W - LEFT - RIGHT
RULE = colors.HexColor("#333333")
HEAD_BG = colors.HexColor("#EDEDED")
HEADING_ROOM = 32 * mm  # a heading needs this much below it (itself and the first rows of its table)


class Styles:
    """Paragraph styles of one build, on the fonts chosen for it."""

    def __init__(self, fonts: FontSet) -> None:
        self.fonts = fonts
        base = dict(wordWrap="CJK", textColor=colors.black)
        self.title = ParagraphStyle("title", fontName=fonts.title, fontSize=22, leading=33, alignment=TA_CENTER,
                                    spaceAfter=12, **base)
        self.h1 = ParagraphStyle("h1", fontName=fonts.hei, fontSize=16, leading=28, spaceBefore=10, spaceAfter=4,
                                 **base)
        self.h2 = ParagraphStyle("h2", fontName=fonts.hei, fontSize=13, leading=22, spaceBefore=6, spaceAfter=3,
                                 **base)
        self.body = ParagraphStyle("body", fontName=fonts.body, fontSize=16, leading=28, firstLineIndent=32,
                                   alignment=TA_LEFT, **base)
        self.note = ParagraphStyle("note", fontName=fonts.body, fontSize=11, leading=17, **base)
        self.cell = ParagraphStyle("cell", fontName=fonts.body, fontSize=10.5, leading=14, **base)
        self.cell_r = ParagraphStyle("cell_r", parent=self.cell, alignment=TA_RIGHT)
        self.cell_c = ParagraphStyle("cell_c", parent=self.cell, alignment=TA_CENTER)
        self.head = ParagraphStyle("head", fontName=fonts.hei, fontSize=10.5, leading=14, alignment=TA_CENTER,
                                   **base)
        self.cover_big = ParagraphStyle("cover_big", fontName=fonts.title, fontSize=26, leading=40,
                                        alignment=TA_CENTER, **base)
        self.cover = ParagraphStyle("cover", fontName=fonts.body, fontSize=16, leading=30, alignment=TA_CENTER,
                                    **base)

    def p(self, text: object, style: ParagraphStyle | None = None) -> Paragraph:
        style = style or self.body
        if style.name in ("h1", "h2"):
            return Heading(self.fonts.markup(text, style.fontName), style)
        return Paragraph(self.fonts.markup(text, style.fontName), style)


class Heading(Paragraph):
    """A heading that starts a new page when less than HEADING_ROOM is left below it, so it never sits alone
    at the foot of a page; unlike keepWithNext it does not drag a whole long table to the next page."""

    def wrap(self, avail_width, avail_height):
        w, h = super().wrap(avail_width, avail_height)
        return (w, avail_height + 1) if avail_height < HEADING_ROOM else (w, h)

    def split(self, avail_width, avail_height):
        return [] if avail_height < HEADING_ROOM else super().split(avail_width, avail_height)


def table(st: Styles, header: list[str], rows: list[list[object]], widths: list[float], *,
          numeric: set[int] = frozenset(), total: bool = False) -> Table:
    """A ruled table: Paragraph cells (CJK wrap), header repeated on every page, rows never split; widths
    are fractions of the text width. `numeric` columns align right; `total` bolds the last row."""
    head = [Paragraph(st.fonts.markup(h, st.fonts.hei), st.head) for h in header]
    # A cell that fits on one line in the body font needs no wrapping or fallback: a plain string is several
    # times cheaper to lay out than a Paragraph, which matters at county size. Anything else is a Paragraph.
    room = [w * TEXT_W - 6 for w in widths]
    fonts = st.fonts

    def cell(i: int, v: object):
        text = "" if v is None else str(v)
        if "\n" not in text and fonts.plain_fits(text, room[i], st.cell.fontSize):
            return text
        return st.p(text, st.cell_r if i in numeric else st.cell)

    body = [[cell(i, v) for i, v in enumerate(r)] for r in rows]
    t = Table([head] + body, colWidths=[w * TEXT_W for w in widths], repeatRows=1, splitInRow=0, hAlign="CENTER")
    style = [("FONT", (0, 0), (-1, -1), st.fonts.body, st.cell.fontSize, st.cell.leading),  # plain cells; no Helvetica
             ("GRID", (0, 0), (-1, -1), 0.5, RULE), ("BACKGROUND", (0, 0), (-1, 0), HEAD_BG),
             ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("TOPPADDING", (0, 0), (-1, -1), 3),
             ("BOTTOMPADDING", (0, 0), (-1, -1), 3), ("LEFTPADDING", (0, 0), (-1, -1), 3),
             ("RIGHTPADDING", (0, 0), (-1, -1), 3)]
    for i in numeric:
        style.append(("ALIGN", (i, 1), (i, -1), "RIGHT"))
    if total and rows:
        style.append(("BACKGROUND", (0, -1), (-1, -1), colors.HexColor("#F6F6F6")))
    t.setStyle(TableStyle(style))
    return t


def page_number(canvas, doc) -> None:
    """"— N —" at the foot: odd pages on the right, even pages on the left (GB/T 9704 §7.5)."""
    n = canvas.getPageNumber() - getattr(doc, "number_offset", 0)
    if n < 1:
        return
    canvas.saveState()
    canvas.setFont(doc.fonts.title, 14)
    text = f"— {n} —"
    y = BOTTOM - 14 * mm
    if n % 2:
        canvas.drawRightString(PAGE_W - RIGHT - 7 * mm, y, text)
    else:
        canvas.drawString(LEFT + 7 * mm, y, text)
    canvas.restoreState()


def document(out, fonts: FontSet, *, title: str, number_offset: int = 0) -> BaseDocTemplate:
    """An A4 document with the GB/T 9704 text area; pages before `number_offset` + 1 carry no number."""
    doc = BaseDocTemplate(out, pagesize=A4, leftMargin=LEFT, rightMargin=RIGHT, topMargin=TOP,
                          bottomMargin=BOTTOM, title=title, initialFontName=fonts.body, author="搬迁群众后续扶持台账", creator="houfu")
    doc.fonts = fonts
    doc.number_offset = number_offset
    frame = Frame(LEFT, BOTTOM, TEXT_W, PAGE_H - TOP - BOTTOM, id="text", leftPadding=0, rightPadding=0,
                  topPadding=0, bottomPadding=0)
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=page_number)])
    return doc
