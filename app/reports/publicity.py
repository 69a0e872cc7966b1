"""The village 公示 of 后扶人口 (SPEC §11) as PDF: one page set per village (its own page numbers), GB/T
9704-like as the 月报: title, the notice with 公示期 and 监督电话, the roster with masked IDs, the year's
changes with reasons, and the 落款. No Qt, no database."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    PageBreak,
    PageTemplate,
    Spacer,
)

from app import outputs
from app.reports import layout
from app.reports.fonts import load_fonts
from app.reports.layout import Styles, table
from app.reports.publicity_model import PublicityData


@dataclass
class PublicityResult:
    pdf: bytes
    pages: int

    def save(self, path: Path | str) -> Path:
        """Write the PDF through the output guard (temporary file, fsync, rename; never over the database);
        raises outputs.OutputError with one Chinese line, leaving any existing file unchanged."""
        return outputs.write_bytes(path, self.pdf)


class _RestartNumbers(Flowable):
    """Placed first on a village's first page: its pages are numbered from 1 again."""

    def wrap(self, avail_width, avail_height):
        return 0, 0

    def draw(self):
        doc = self.canv._doctemplate
        doc.number_offset = self.canv.getPageNumber() - 1


def _cn(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def build(data: PublicityData) -> PublicityResult:
    fonts = load_fonts()
    st = Styles(fonts)
    sign = ParagraphStyle("sign", parent=st.body, alignment=TA_RIGHT, firstLineIndent=0)
    buffer = io.BytesIO()
    title = f"{data.town}{data.year}年大中型水库移民后期扶持人口公示"
    doc = BaseDocTemplate(buffer, pagesize=layout.A4, leftMargin=layout.LEFT, rightMargin=layout.RIGHT,
                          topMargin=layout.TOP, bottomMargin=layout.BOTTOM, title=title,
                          initialFontName=fonts.body, creator="houfu")
    doc.fonts = fonts
    doc.number_offset = 0
    frame = Frame(layout.LEFT, layout.BOTTOM, layout.TEXT_W, layout.PAGE_H - layout.TOP - layout.BOTTOM,
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame], onPageEnd=layout.page_number)])
    story = []
    for index, village in enumerate(data.villages):
        if index:
            story.append(PageBreak())
        story.append(_RestartNumbers())
        story.append(st.p(title, st.title))
        story.append(st.p(f"（{village.name}）", st.cover))
        story.append(Spacer(1, 6))
        hotline = f"监督电话：{data.hotline}。" if data.hotline else ""
        story.append(st.p(
            f"根据大中型水库移民后期扶持政策，现将{village.name}{data.year}年后期扶持人口（共 {len(village.rows)} 人，"
            f"直补资金 {village.amount:,.2f} 元，标准每人每年 {data.standard:,.0f} 元）及本年度变动情况予以公示。"
            f"公示期为{_cn(data.start)}至{_cn(data.end)}。如有异议，请在公示期内向{data.signature}反映。{hotline}"))
        story.append(st.p("一、后期扶持人口名单", st.h1))
        if village.rows:
            story.append(table(st, ["序号", "组", "户主", "姓名", "身份证号", "类别", "金额（元）"],
                               [[i] + r for i, r in enumerate(village.rows, start=1)],
                               [0.07, 0.09, 0.13, 0.13, 0.29, 0.14, 0.15], numeric={6}))
        else:
            story.append(st.p("本年度无后期扶持人口。"))
        story.append(st.p("二、本年度变动情况", st.h1))
        if village.changes:
            story.append(table(st, ["序号", "姓名", "身份证号", "变动", "原因", "日期"],
                               [[i] + r for i, r in enumerate(village.changes, start=1)],
                               [0.07, 0.13, 0.28, 0.1, 0.26, 0.16]))
        else:
            story.append(st.p("本年度无变动。"))
        story.append(Spacer(1, 24))
        story.append(st.p(data.signature, sign))
        story.append(st.p(_cn(data.start), sign))
    doc.build(story)
    pdf = buffer.getvalue()
    return PublicityResult(pdf, doc.page)
