"""The 月报 PDF (SPEC §6) drawn from `model.MonthlyDocument`: a 公文 after GB/T 9704 (title, 主送, sections
一 to 四, 落款, 抄送) and then the 附件 of tables and charts. No Qt, no database: the service gathers the
figures and drafts the text, this module only lays them out."""

from __future__ import annotations

import io

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.shapes import Drawing, Line, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, KeepTogether, PageBreak, Spacer

from app.reports import layout
from app.reports.fonts import FontSet, load_fonts
from app.reports.layout import Styles, table
from app.reports.model import Block, BuildResult, Chart, Heading, MonthlyDocument, Para, Table

BAR = colors.HexColor("#4A6FA5")
ANNEX = "附件"


def _bar(fonts: FontSet, c: Chart) -> Drawing:
    w = layout.TEXT_W
    if c.horizontal:
        h = 30 + 18 * len(c.names) + 20
        d = Drawing(w, h)
        chart = HorizontalBarChart()
        chart.x, chart.y, chart.width, chart.height = 70, 20, w - 110, h - 44
        chart.data = [list(reversed(c.values))]
        chart.categoryAxis.categoryNames = list(reversed(c.names))
        chart.categoryAxis.labels.fontSize = 10
        chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, 100, 20
        chart.valueAxis.labelTextFormat = "%d%%"
        chart.barLabelFormat = "%.0f%%"
        chart.barLabels.nudge = 12
    else:
        h = 62 * mm
        d = Drawing(w, h)
        chart = VerticalBarChart()
        chart.x, chart.y, chart.width, chart.height = 36, 28, w - 50, h - 52
        chart.data = [list(c.values)]
        chart.valueAxis.valueMin = 0
        chart.valueAxis.valueMax = max(10, int(max(c.values, default=0) * 1.15))
        chart.categoryAxis.categoryNames = list(c.names)
        chart.categoryAxis.labels.fontSize = 9 if len(c.names) <= 12 else 7
        chart.categoryAxis.labels.angle = 0 if len(c.names) <= 8 else 30
        chart.categoryAxis.labels.boxAnchor = "n" if len(c.names) <= 8 else "ne"
        chart.barLabelFormat = "%d"
        chart.barLabels.nudge = 6
    d.initialFontName = fonts.body  # the renderer's initial font; else Helvetica (not embedded) is referenced
    chart.categoryAxis.labels.fontName = fonts.body
    chart.valueAxis.labels.fontName = fonts.body
    chart.valueAxis.labels.fontSize = 8
    chart.bars[0].fillColor = BAR
    chart.bars[0].strokeColor = None
    chart.barLabels.fontName = fonts.body
    chart.barLabels.fontSize = 8
    d.add(chart)
    d.add(String(w / 2, h - 11, c.title, fontName=fonts.hei, fontSize=11, textAnchor="middle"))
    for n in (c.title, *c.names):
        fonts.check(n)
    return d


def blocks(st: Styles, items: list[Block]) -> list:
    """The flowables of annex blocks."""
    flow: list = []
    for b in items:
        if isinstance(b, Heading):
            if b.level == 1:
                flow.append(CondPageBreak(60 * mm))
            flow.append(st.p(b.text, st.h1 if b.level == 1 else st.h2))
        elif isinstance(b, Para):
            flow.append(st.p(b.text, st.note if b.note else st.annex))
        elif isinstance(b, Table):
            flow.append(table(st, b.headers, b.rows, b.widths, numeric=set(b.numeric), total=b.total))
        elif isinstance(b, Chart):
            flow += [Spacer(1, 3 * mm), _bar(st.fonts, b)]
    return flow


def _rule(fonts: FontSet, width: float, weight: float) -> Drawing:
    d = Drawing(width, 2)
    d.initialFontName = fonts.body  # else Helvetica (not embedded) is referenced
    d.add(Line(0, 1, width, 1, strokeWidth=weight, strokeColor=colors.black))
    return d


def body(st: Styles, doc: MonthlyDocument) -> list:
    """The 公文 itself: title, 主送, sections, 落款 and the 版记 with 抄送."""
    flow: list = [Spacer(1, 6 * mm), st.p(doc.title, st.title)]
    if doc.banner:
        flow.append(st.p(doc.banner, st.banner))
    flow += [Spacer(1, 4 * mm), st.p(f"{doc.addressee}：", st.flush)]
    for section in doc.sections:
        flow.append(layout.Heading(st.fonts.markup(section.title, st.section.fontName), st.section))
        for line in section.text.splitlines():
            if line.strip():
                flow.append(st.p(line.strip(), st.body))
    flow += [Spacer(1, 10 * mm),
             KeepTogether([st.p(doc.signer, st.sign), st.p(doc.dated, st.sign)]),
             Spacer(1, 14 * mm),
             KeepTogether([_rule(st.fonts, layout.TEXT_W, 1), st.p(f"抄送：{doc.copy_to}。", st.copy),
                           _rule(st.fonts, layout.TEXT_W, 0.5)])]
    return flow


def _styles(fonts: FontSet) -> Styles:
    st = Styles(fonts)
    base = dict(wordWrap="CJK", textColor=colors.black)
    st.flush = ParagraphStyle("flush", parent=st.body, firstLineIndent=0)
    st.section = ParagraphStyle("section", fontName=fonts.hei, fontSize=16, leading=28, firstLineIndent=32,
                                spaceBefore=2, **base)
    st.sign = ParagraphStyle("sign", parent=st.body, firstLineIndent=0, alignment=TA_RIGHT, rightIndent=32)
    st.copy = ParagraphStyle("copy", fontName=fonts.body, fontSize=14, leading=26, leftIndent=14, **base)
    st.banner = ParagraphStyle("banner", fontName=fonts.body, fontSize=12, leading=18, alignment=1, **base)
    st.annex = ParagraphStyle("annex", parent=st.body, fontSize=14, leading=24, alignment=TA_LEFT)
    return st


def build(doc_data: MonthlyDocument, *, fonts: FontSet | None = None) -> BuildResult:
    """Draw the 月报; the result holds the PDF and the warnings (e.g. characters no font has)."""
    fonts = fonts or load_fonts()
    fonts.missing.clear()
    st = _styles(fonts)
    buf = io.BytesIO()
    doc = layout.document(buf, fonts, title=doc_data.title)
    flow = body(st, doc_data)
    if doc_data.annex:
        flow += [PageBreak(), st.p(ANNEX, st.h1)]
        flow += blocks(st, doc_data.annex)
    doc.build(flow)
    headings = [b.text for b in doc_data.annex if isinstance(b, Heading) and b.level == 1]
    return BuildResult(buf.getvalue(), doc.page, [*doc_data.section_titles, *(f"{ANNEX}：{h}" for h in headings)],
                       fonts.warnings())
