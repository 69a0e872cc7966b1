"""The county summary PDF (`report county`): each town's figures ranked, the county total, and charts.
Drawn from `services.county_summary.CountySummary`; no Qt, no database."""

from __future__ import annotations

import io

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from app import vocab
from app.reports import layout
from app.reports.fonts import FontSet, load_fonts
from app.reports.layout import Styles, table
from app.reports.monthly import BuildResult

BAR = colors.HexColor("#4A6FA5")
BAR2 = colors.HexColor("#C0504D")


def _bars(fonts: FontSet, title: str, names: list[str], series: list[list[float]], fmt: str,
          value_max: float | None = None) -> Drawing:
    w, h = layout.TEXT_W, 64 * mm
    d = Drawing(w, h)
    d.initialFontName = fonts.body
    c = VerticalBarChart()
    c.x, c.y, c.width, c.height = 40, 30, w - 54, h - 54
    c.data = series
    top = max((v for s in series for v in s), default=0)
    c.valueAxis.valueMin = 0
    c.valueAxis.valueMax = value_max if value_max is not None else max(10, top * 1.15)
    c.categoryAxis.categoryNames = names
    c.categoryAxis.labels.fontName = fonts.body
    c.categoryAxis.labels.fontSize = 9 if len(names) <= 12 else 7
    c.categoryAxis.labels.angle = 0 if len(names) <= 8 else 30
    c.categoryAxis.labels.boxAnchor = "n" if len(names) <= 8 else "ne"
    c.valueAxis.labels.fontName = fonts.body
    c.valueAxis.labels.fontSize = 8
    for i, colour in enumerate((BAR, BAR2)[:len(series)]):
        c.bars[i].fillColor = colour
        c.bars[i].strokeColor = None
    c.barLabelFormat = fmt
    c.barLabels.fontName = fonts.body
    c.barLabels.fontSize = 7
    c.barLabels.nudge = 6
    d.add(c)
    d.add(String(w / 2, h - 10, title, fontName=fonts.hei, fontSize=11, textAnchor="middle"))
    for n in names:
        fonts.check(n)
    return d


def build(summary, *, fonts: FontSet | None = None) -> BuildResult:
    """Draw the county summary; the result holds the PDF and the warnings."""
    KEY_COLUMNS, RANKING, RULES = vocab.COUNTY_KEY_COLUMNS, vocab.COUNTY_RANKING, vocab.COUNTY_RULES
    fonts = fonts or load_fonts()
    fonts.missing.clear()
    st = Styles(fonts)
    buf = io.BytesIO()
    county = summary.county or "全县"
    doc = layout.document(buf, fonts, title=f"{county}搬迁群众后续扶持工作分镇汇总")
    towns, total = summary.towns, summary.total
    d = summary.today
    flow = [st.p(f"{county}搬迁群众后续扶持工作分镇汇总", st.title),
            st.p(f"截至{d.year}年{d.month}月{d.day}日，县级汇总数据库收到 {len(towns)} 个镇（乡）的副本，"
                 f"全县共有搬迁群众在册 {total.households} 户 {total.members} 人；重点户 {total.key_households} 户，"
                 f"其中未落实一对一包保 {total.key_uncovered} 户；{summary.month}应走访 {total.visits_due} 户，"
                 f"已走访 {total.visits_done} 户；未办结问题 {total.problems_open} 个，其中逾期 "
                 f"{total.problems_overdue} 个；同一身份证号登记在两个镇的 {len(summary.cross_town)} 人。"),
            st.p(RANKING + "。", st.note),
            st.p("一、户数、人数和重点群体", st.h1)]
    rows = [[r.rank or "", r.name, r.households, r.members, *(r.key_groups.get(k, 0) for k in KEY_COLUMNS),
             r.key_households, r.key_uncovered, f"{100 * r.coverage:.1f}%"] for r in [*towns, total]]
    flow.append(table(st, ["排名", "镇（乡）", "在册户数", "在册人数", *KEY_COLUMNS, "重点户", "未包保", "包保覆盖率"],
                      rows, [.06, .14, .09, .09, .08, .08, .08, .08, .08, .08, .14], numeric=set(range(2, 11)),
                      total=True))
    if towns:
        names = [r.name for r in towns]
        flow += [Spacer(1, 4 * mm), _bars(fonts, "各镇在册户数（户）", names, [[r.households for r in towns]], "%d"),
                 Spacer(1, 2 * mm),
                 _bars(fonts, "各镇包保覆盖率（%）", names, [[round(100 * r.coverage, 1) for r in towns]], "%.1f", 100)]
    flow.append(st.p("二、走访和问题", st.h1))
    rows = [[r.rank or "", r.name, r.visits_due, r.visits_done,
             f"{100 * r.visit_rate:.1f}%", r.problems_open, r.problems_overdue, r.copy_taken_at[:10]]
            for r in [*towns, total]]
    flow.append(table(st, ["排名", "镇（乡）", f"应走访（{summary.month}）", "已走访", "走访完成率", "未办结问题",
                           "逾期问题", "最近副本"], rows, [.07, .17, .14, .1, .12, .12, .1, .18],
                      numeric=set(range(2, 7)), total=True))
    if towns:
        flow += [Spacer(1, 4 * mm),
                 _bars(fonts, "各镇走访：应走访（蓝）与已走访（红）", [r.name for r in towns],
                       [[r.visits_due for r in towns], [r.visits_done for r in towns]], "%d")]
    flow.append(st.p("三、问题清单（按规则）", st.h1))
    rows = [[r.rank or "", r.name, *(r.findings.get(k, 0) for k in RULES)] for r in [*towns, total]]
    flow.append(table(st, ["排名", "镇（乡）", *RULES], rows, [.08, .17, *([.75 / len(RULES)] * len(RULES))],
                      numeric=set(range(2, 2 + len(RULES))), total=True))
    if summary.cross_town:
        flow.append(st.p("四、跨镇重复登记", st.h1))
        rows = [[i, f["subject"], f["owner"], f["message"]] for i, f in enumerate(summary.cross_town[:500], 1)]
        flow.append(table(st, ["序号", "身份证号", "所在镇", "情况"], rows, [.08, .22, .2, .5], numeric={0}))
        if len(summary.cross_town) > 500:
            flow.append(st.p(f"另有 {len(summary.cross_town) - 500} 人未列出。", st.note))
    doc.build(flow)
    return BuildResult(buf.getvalue(), doc.page, ["分镇汇总"], fonts.warnings())
