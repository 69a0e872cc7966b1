"""年度计划责任分解表 as a PDF (A4, the shared fonts and ruled tables): by 责任单位, then by 责任人; each group
heads its items. No Qt, no database."""

from __future__ import annotations

import io
from itertools import groupby

from app.reports import layout
from app.reports.fonts import FontSet, load_fonts
from app.reports.layout import Styles, table
from app.reports.monthly import BuildResult
from app.reports.plan_model import PlanSheet

_HEADER = ["序号", "所属领域", "任务内容", "目标", "完成时限", "进度来源", "完成", "完成率", "推进情况"]
_WIDTHS = [.05, .1, .22, .09, .15, .1, .07, .08, .14]


def build(sheet: PlanSheet, *, fonts: FontSet | None = None) -> BuildResult:
    fonts = fonts or load_fonts()
    fonts.missing.clear()
    st = Styles(fonts)
    buf = io.BytesIO()
    doc = layout.document(buf, fonts, title=sheet.title)
    month = int(sheet.month[5:])
    flow: list = [st.p(sheet.title, st.title),
                  st.p(f"填报单位：{sheet.unit}　　截至 {sheet.year}年{month}月　　"
                       f"打印日期：{sheet.date.year}年{sheet.date.month}月{sheet.date.day}日", st.note)]
    sections = []
    for heading, rows, other in (("一、按责任单位", sheet.by_unit, "责任人"), ("二、按责任人", sheet.by_person, "责任单位")):
        flow.append(st.p(heading, st.h1))
        sections.append(heading)
        if not rows:
            flow.append(st.p("本年度计划尚无任务。", st.note))
            continue
        for group, items in groupby(rows, key=lambda r: r.group):
            items = list(items)
            others = "、".join(dict.fromkeys(x for r in items for x in r.other.split("、") if x))
            flow.append(st.p(f"{group}（{len(items)} 项" + (f"；{other}：{others}" if others else "") + "）", st.h2))
            flow.append(table(st, _HEADER, [[i, r.focus_area, r.title, r.target, r.deadline, r.source, r.done,
                                             r.percent, r.state] for i, r in enumerate(items, start=1)],
                              _WIDTHS, numeric={0, 6, 7}))
    doc.build(flow)
    return BuildResult(buf.getvalue(), doc.page, sections, fonts.warnings())
