"""一户一档 cards (SPEC §6): one household per page, drawn from `model.Card`. No Qt, no database."""

from __future__ import annotations

import io

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Spacer

from app.reports import layout
from app.reports.fonts import FontSet, load_fonts
from app.reports.layout import Styles, table
from app.reports.model import BuildResult, Card


def _card(st: Styles, c: Card, town_name: str) -> list:
    flow = [st.p(f"{town_name}搬迁群众一户一档", st.title),
            st.p(f"档案编号：{c.archive_no}　　户主：{c.head}　　{c.village}{c.group}　　安置点：{c.point or '—'}",
                 st.note), Spacer(1, 3 * mm)]
    pairs = c.facts + [("", "")] * (len(c.facts) % 2)
    rows = [[pairs[i][0], pairs[i][1], pairs[i + 1][0], pairs[i + 1][1]] for i in range(0, len(pairs), 2)]
    flow.append(table(st, ["项目", "情况", "项目", "情况"], rows, [.2, .3, .17, .33]))
    flow.append(st.p("家庭成员", st.h2))
    flow.append(table(st, ["姓名", "关系", "性别", "公民身份号码", "健康", "劳动能力", "就业", "状态"],
                      [list(m) for m in c.members], [.11, .08, .07, .25, .1, .14, .15, .1]))
    flow.append(st.p("重点户类型", st.h2))
    flow.append(table(st, ["类型", "依据"], [list(t) for t in c.tags], [.25, .75]) if c.tags
                else st.p("不属于重点户。", st.note))
    flow.append(st.p("包保", st.h2))
    flow.append(st.p(f"一对一包保干部：{c.cadre}" + (f"；分类包保：{c.unit_baobao}" if c.unit_baobao else ""),
                     st.note))
    flow.append(st.p("最近走访", st.h2))
    flow.append(table(st, ["日期", "干部", "方式", "走访情况"], [list(v) for v in c.visits], [.16, .14, .1, .6])
                if c.visits else st.p("无走访记录。", st.note))
    flow.append(st.p("未办结问题", st.h2))
    flow.append(table(st, ["发现日期", "领域", "问题", "责任单位", "期限"], [list(p) for p in c.problems],
                      [.15, .12, .43, .16, .14]) if c.problems else st.p("无未办结问题。", st.note))
    return flow


def build(cards: list[Card], *, town_name: str = "", fonts: FontSet | None = None) -> BuildResult:
    """One page per household (a long card runs on, the next household starts on a new page)."""
    fonts = fonts or load_fonts()
    fonts.missing.clear()
    st = Styles(fonts)
    # A card must fit on one page: a smaller title and tighter headings than the packet's.
    st.title = ParagraphStyle("card_title", parent=st.title, fontSize=18, leading=26, spaceAfter=6)
    st.h2 = ParagraphStyle("card_h2", parent=st.h2, fontSize=12, leading=18, spaceBefore=4, spaceAfter=2,
                           keepWithNext=1)
    buf = io.BytesIO()
    doc = layout.document(buf, fonts, title=f"{town_name}一户一档")
    flow: list = []
    for i, c in enumerate(cards):
        if i:
            flow.append(PageBreak())
        flow += _card(st, c, town_name)
    if not flow:
        flow.append(st.p("没有符合条件的户。"))
    doc.build(flow)
    return BuildResult(buf.getvalue(), doc.page, [f"{c.head}（{c.archive_no}）" for c in cards], fonts.warnings())
