"""The 月报 PDF (SPEC §6) drawn from `report_data.MonthlyData`. No Qt, no database: the service gathers the
figures, this module only lays them out."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, PageBreak, Spacer

from app import outputs
from app.reports import layout
from app.reports.fonts import FontSet, load_fonts
from app.reports.layout import Styles, table
from app.services.report_data import LIST_LIMIT, MonthlyData

SECTIONS = ("一、基本情况和本月变动", "二、重点群体和包保落实", "三、走访情况", "四、问题台账",
            "五、计划推进", "六、就业、保障和资金", "七、项目和活动")
FULL_LIST_MAX = 80  # longer lists of points or cadres print only those that need attention
BAR = colors.HexColor("#4A6FA5")
BAR2 = colors.HexColor("#C0504D")


@dataclass
class BuildResult:
    """What a build produced: the PDF bytes, its page count, its sections and the warnings to show."""

    pdf: bytes
    pages: int
    sections: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def save(self, path: Path | str) -> Path:
        """Write the PDF through the output guard (never over the database; temporary file, fsync, rename);
        raises outputs.OutputError with one Chinese line, leaving any existing file unchanged."""
        return outputs.write_bytes(path, self.pdf)


def _yuan(v: Decimal) -> str:
    return f"{v:,.2f}"


def _pct(a: int, b: int) -> str:
    return f"{100 * a / b:.1f}%" if b else "—"


def _bar_by_village(fonts: FontSet, names: list[str], values: list[int]) -> Drawing:
    w, h = layout.TEXT_W, 62 * mm
    d = Drawing(w, h)
    d.initialFontName = fonts.body  # the renderer's initial font; else Helvetica (not embedded) is referenced
    c = VerticalBarChart()
    c.x, c.y, c.width, c.height = 36, 28, w - 50, h - 52
    c.data = [values]
    c.valueAxis.valueMax = max(10, int(max(values, default=0) * 1.15))
    c.categoryAxis.categoryNames = names
    c.categoryAxis.labels.fontName = fonts.body
    c.categoryAxis.labels.fontSize = 9 if len(names) <= 12 else 7
    c.categoryAxis.labels.angle = 0 if len(names) <= 8 else 30
    c.categoryAxis.labels.boxAnchor = "n" if len(names) <= 8 else "ne"
    c.valueAxis.labels.fontName = fonts.body
    c.valueAxis.labels.fontSize = 8
    c.valueAxis.valueMin = 0
    c.bars[0].fillColor = BAR
    c.bars[0].strokeColor = None
    c.barLabelFormat = "%d"
    c.barLabels.fontName = fonts.body
    c.barLabels.fontSize = 8
    c.barLabels.nudge = 6
    d.add(c)
    d.add(String(w / 2, h - 10, "各村在册户数（户）", fontName=fonts.hei, fontSize=11, textAnchor="middle"))
    for n in names:
        fonts.check(n)
    return d


def _bar_progress(fonts: FontSet, names: list[str], values: list[float]) -> Drawing:
    w = layout.TEXT_W
    h = 30 + 18 * len(names) + 20
    d = Drawing(w, h)
    d.initialFontName = fonts.body  # the renderer's initial font; else Helvetica (not embedded) is referenced
    c = HorizontalBarChart()
    c.x, c.y, c.width, c.height = 70, 20, w - 110, h - 44
    c.data = [list(reversed(values))]
    c.categoryAxis.categoryNames = list(reversed(names))
    c.categoryAxis.labels.fontName = fonts.body
    c.categoryAxis.labels.fontSize = 10
    c.valueAxis.valueMin, c.valueAxis.valueMax, c.valueAxis.valueStep = 0, 100, 20
    c.valueAxis.labels.fontName = fonts.body
    c.valueAxis.labels.fontSize = 8
    c.valueAxis.labelTextFormat = "%d%%"
    c.bars[0].fillColor = BAR
    c.bars[0].strokeColor = None
    c.barLabelFormat = "%.0f%%"
    c.barLabels.fontName = fonts.body
    c.barLabels.fontSize = 8
    c.barLabels.nudge = 12
    d.add(c)
    d.add(String(w / 2, h - 12, "八个紧盯年度计划完成进度（%）", fontName=fonts.hei, fontSize=11,
                 textAnchor="middle"))
    return d


def _cover(st: Styles, d: MonthlyData) -> list:
    t = d.town
    place = f"{t.county_name}{t.town_name}" if t.county_name or t.town_name else ""
    station = t.station_name or (f"{t.town_name}水利移民站" if t.town_name else "水利移民站")
    return [Spacer(1, 40 * mm), st.p(place, st.cover_big), st.p("搬迁群众后续扶持工作", st.cover_big),
            st.p("月　　报", st.cover_big), Spacer(1, 8 * mm), st.p(f"（{d.month_label}）", st.cover),
            Spacer(1, 70 * mm), st.p(station, st.cover),
            st.p(f"{d.today.year}年{d.today.month}月{d.today.day}日", st.cover),
            Spacer(1, 10 * mm),
            st.p(f"报送：{t.town_name or '镇'}党委、政府", st.note),
            st.p(f"联系人：{t.daily_contact}　　联系电话：{t.contact_phone}"
                 if t.daily_contact or t.contact_phone else "", st.note),
            PageBreak()]


def _summary(st: Styles, d: MonthlyData) -> list:
    s = d.stats
    moved_in = sum(v.moved_in_households for v in d.villages)
    moved_in_m = sum(v.moved_in_members for v in d.villages)
    out_, births, deaths = (sum(getattr(v, a) for v in d.villages) for a in ("moved_out", "births", "deaths"))
    flow = [st.p(SECTIONS[0], st.h1),
            st.p(f"截至{d.today.year}年{d.today.month}月{d.today.day}日，全镇共有搬迁群众在册 {s['households']} 户 "
                 f"{s['members']} 人，分布在 {len(s['villages'])} 个村、{len(d.points)} 个安置点。{d.month_label}"
                 f"新增（录入）{moved_in} 户 {moved_in_m} 人，迁出 {out_} 人，出生 {births} 人，死亡 {deaths} 人。"),
            st.p("（一）分村情况", st.h2)]
    rows = [[v.name, v.households, v.members, v.moved_in_households, v.moved_in_members, v.moved_out, v.births,
             v.deaths] for v in d.villages]
    rows.append(["合计", s["households"], s["members"], moved_in, moved_in_m, out_, births, deaths])
    flow.append(table(st, ["村", "在册户数", "在册人数", "本月新增户", "本月新增人", "本月迁出", "本月出生",
                           "本月死亡"], rows, [.2, .1, .1, .12, .12, .12, .12, .12], numeric=set(range(1, 8)),
                      total=True))
    if d.villages:
        flow += [Spacer(1, 4 * mm),
                 _bar_by_village(st.fonts, [v.name for v in d.villages], [v.households for v in d.villages])]
    flow.append(st.p("（二）分安置点情况", st.h2))
    rows = [[p.name, p.village, p.kind, p.households, d.point_members.get(p.point_id, 0)] for p in d.points]
    flow.append(table(st, ["安置点", "所在村", "类型", "在册户数", "在册人数"], rows, [.36, .2, .12, .16, .16],
                      numeric={3, 4}))
    return flow


def _key_groups(st: Styles, d: MonthlyData) -> list:
    kg, bb = d.stats["key_groups"], d.stats["baobao"]
    covered = bb["key_households"] - bb["key_households_uncovered"]
    flow = [st.p(SECTIONS[1], st.h1),
            st.p(f"全镇重点户（三特户或三无户）{bb['key_households']} 户，已落实一对一包保 {covered} 户，"
                 f"覆盖率 {_pct(covered, bb['key_households'])}；未落实 {bb['key_households_uncovered']} 户。"
                 f"50户以上集中安置点 {bb['points_50plus']} 个，其中无镇级主要领导包保 "
                 f"{bb['points_50plus_without_town_leader']} 个。"),
            st.p("（一）重点群体", st.h2),
            table(st, ["类别", "户数"], [[k, v] for k, v in kg.items()], [.35, .2], numeric={1})]
    failing = [p for p in d.points if not p.ok]
    flow.append(st.p("（二）安置点包保", st.h2))
    shown = d.points if len(d.points) <= FULL_LIST_MAX else failing
    if shown:
        rows = [[p.name, p.village, p.households, p.leaders or "（无）", "落实" if p.ok else p.problem]
                for p in shown]
        flow.append(table(st, ["安置点", "所在村", "户数", "包保干部", "落实情况"], rows, [.22, .13, .08, .33, .24],
                          numeric={2}))
    if failing:
        flow.append(st.p(f"有 {len(failing)} 个安置点包保未按要求落实，请尽快明确。", st.note))
    if shown is failing:
        flow.append(st.p(f"其余 {len(d.points) - len(failing)} 个安置点包保均已落实，不再逐一列出。", st.note))
    if d.uncovered:
        flow.append(st.p("（三）未落实一对一包保的重点户", st.h2))
        rows = [[i + 1, k.label, k.village, k.point, k.tags] for i, k in enumerate(d.uncovered)]
        flow.append(table(st, ["序号", "户主（档案编号）", "村", "安置点", "重点户类型"], rows,
                          [.08, .3, .14, .24, .24], numeric={0}))
        if bb["key_households_uncovered"] > len(d.uncovered):
            flow.append(st.p(f"仅列前 {len(d.uncovered)} 户，共 {bb['key_households_uncovered']} 户。", st.note))
    return flow


def _visits(st: Styles, d: MonthlyData) -> list:
    v = d.stats["visits"]
    flow = [st.p(SECTIONS[2], st.h1),
            st.p(f"{d.month_label}应走访（一对一包保户）{v['due']} 户，已由包保干部走访 {v['done']} 户，"
                 f"走访率 {_pct(v['done'], v['due'])}，未走访 {v['due'] - v['done']} 户。"),
            st.p("（一）各包保干部走访情况", st.h2)]
    cadres = d.cadre_visits if len(d.cadre_visits) <= FULL_LIST_MAX else [r for r in d.cadre_visits if r[2] > r[3]]
    rows = [[name, rank, due, done, due - done, _pct(done, due)] for name, rank, due, done in cadres]
    if rows:
        flow.append(table(st, ["包保干部", "职级", "应走访", "已走访", "未走访", "走访率"], rows,
                          [.18, .26, .13, .13, .13, .17], numeric={2, 3, 4, 5}))
    if len(cadres) < len(d.cadre_visits):
        flow.append(st.p(f"只列出本月有未走访户的 {len(cadres)} 名干部；其余 {len(d.cadre_visits) - len(cadres)} 名"
                         f"干部本月已走访全部包保户。", st.note))
    if d.behind:
        flow.append(st.p("（二）本月未走访的户", st.h2))
        rows = [[i + 1, *r] for i, r in enumerate(d.behind)]
        flow.append(table(st, ["序号", "户主（档案编号）", "村", "安置点", "包保干部"], rows,
                          [.08, .32, .16, .26, .18], numeric={0}))
        if d.behind_total > len(d.behind):
            flow.append(st.p(f"仅列前 {LIST_LIMIT} 户，共 {d.behind_total} 户；完整名单见系统“走访”页。", st.note))
    return flow


def _problems(st: Styles, d: MonthlyData) -> list:
    p = d.stats["problems"]
    new = sum(r.new for r in d.problems_by_area)
    resolved = sum(r.resolved for r in d.problems_by_area)
    flow = [st.p(SECTIONS[3], st.h1),
            st.p(f"{d.month_label}新发现问题 {new} 个，办结（已解决）{resolved} 个；截至报告日未办结 {p['open']} 个，"
                 f"其中逾期 {p['overdue']} 个。"),
            st.p("（一）按责任单位", st.h2)]
    head = ["新发现", "已解决", "未办结", "其中逾期"]
    rows = [[r.name, r.new, r.resolved, r.open, r.overdue] for r in d.problems_by_unit]
    rows.append(["合计", sum(r.new for r in d.problems_by_unit), sum(r.resolved for r in d.problems_by_unit),
                 p["open"], p["overdue"]])
    flow.append(table(st, ["责任单位", *head], rows, [.36, .16, .16, .16, .16], numeric={1, 2, 3, 4}, total=True))
    flow.append(st.p("（二）按八个紧盯", st.h2))
    rows = [[r.name, r.new, r.resolved, r.open, r.overdue] for r in d.problems_by_area]
    flow.append(table(st, ["领域", *head], rows, [.36, .16, .16, .16, .16], numeric={1, 2, 3, 4}))
    return flow


def _plans(st: Styles, d: MonthlyData) -> list:
    flow = [st.p(SECTIONS[4], st.h1)]
    if not d.plans:
        return flow + [st.p(f"{d.month[:4]}年度计划尚未录入。")]
    flow.append(_bar_progress(st.fonts, [r.focus_area for r in d.plans], [r.pct for r in d.plans]))
    rows = [[r.focus_area, r.items, r.done_items, f"{r.pct:.1f}%"] for r in d.plans]
    flow.append(table(st, ["领域", "计划事项", "已完成事项", "平均完成进度"], rows, [.3, .2, .25, .25],
                      numeric={1, 2, 3}))
    flow.append(st.p("计划事项明细", st.h2))
    rows = [[a, t, tgt, done, f"{pct:.0f}%"] for a, t, tgt, done, pct in d.plan_items]
    flow.append(table(st, ["领域", "事项", "目标", "累计完成", "进度"], rows, [.13, .45, .14, .14, .14],
                      numeric={2, 3, 4}))
    return flow


def _work(st: Styles, d: MonthlyData) -> list:
    flow = [st.p(SECTIONS[5], st.h1), st.p("（一）就业创业", st.h2)]
    if d.employment:
        flow.append(table(st, ["类别", "人次（笔）", "金额（元）"],
                          [[k, n, _yuan(a) if a else "—"] for k, n, a in d.employment], [.4, .25, .35],
                          numeric={1, 2}))
    else:
        flow.append(st.p("本月无就业创业记录。"))
    if d.trainings:
        flow.append(st.p("本月技能培训", st.h2))
        flow.append(table(st, ["日期", "户主（档案编号）", "培训内容"], [list(r) for r in d.trainings],
                          [.18, .37, .45]))
    flow.append(st.p("（二）兜底保障和住房保障", st.h2))
    rows = [[k, n, _yuan(a)] for k, n, a in d.support] + [[k, n, f"已完成 {c}"] for k, n, c in d.housing]
    flow.append(table(st, ["类别", "本月新增（笔）", "金额（元）/完成"], rows, [.4, .25, .35], numeric={1, 2})
                if rows else st.p("本月无新增记录。"))
    flow.append(st.p("（三）资金", st.h2))
    if d.funds:
        rows = [[src, n, _yuan(a)] for src, n, a in d.funds]
        rows.append(["合计", sum(n for _s, n, _a in d.funds), _yuan(sum((a for *_x, a in d.funds), Decimal(0)))])
        flow.append(table(st, ["资金来源", "笔数", "金额（元）"], rows, [.4, .25, .35], numeric={1, 2}, total=True))
    else:
        flow.append(st.p("本月无资金发放记录。"))
    return flow


def _projects(st: Styles, d: MonthlyData) -> list:
    flow = [st.p(SECTIONS[6], st.h1), st.p("（一）安置点基础设施项目", st.h2)]
    if d.projects:
        rows = [[name, cat, point, status, f"{pct}%", src] for name, cat, point, status, pct, src in d.projects]
        flow.append(table(st, ["项目名称", "类别", "安置点", "状态", "进度", "资金来源"], rows,
                          [.28, .1, .17, .08, .09, .28], numeric={4}))
    else:
        flow.append(st.p("无在建项目。"))
    flow.append(st.p("（二）本月活动", st.h2))
    if d.activities:
        flow.append(table(st, ["日期", "类别", "活动", "安置点", "参加人数"], [list(r) for r in d.activities],
                          [.15, .18, .35, .2, .12], numeric={4}))
    else:
        flow.append(st.p("本月无活动记录。"))
    return flow


def build(data: MonthlyData, *, fonts: FontSet | None = None) -> BuildResult:
    """Draw the 月报 of `data`; the result holds the PDF and the warnings (e.g. characters no font has)."""
    fonts = fonts or load_fonts()
    fonts.missing.clear()
    st = Styles(fonts)
    buf = io.BytesIO()
    doc = layout.document(buf, fonts, title=f"{data.town.town_name}搬迁群众后续扶持工作月报（{data.month_label}）",
                          number_offset=1)
    flow = _cover(st, data)
    parts = (_summary, _key_groups, _visits, _problems, _plans, _work, _projects)
    for i, part in enumerate(parts):
        items = part(st, data)
        if i:
            flow.append(CondPageBreak(60 * mm))
        flow.extend(items)  # headings keep with what follows them (keepWithNext)
    doc.build(flow)
    pdf = buf.getvalue()
    warnings = fonts.warnings()
    return BuildResult(pdf, doc.page, ["封面", *SECTIONS], warnings)
