"""The 附件 of the 月报: the tables and charts behind the text, as `reports.model` blocks, from the facts of
the month (as of its last day)."""

from __future__ import annotations

from decimal import Decimal

from app import vocab
from app.reports.model import Block, Chart, Heading, Para, Table
from app.services.monthly_facts import LIST_LIMIT, MonthlyFacts, ProblemLine

FULL_LIST_MAX = 80  # longer lists of points or cadres print only those that need attention


def _capped(rows: list, what: str, where: str) -> tuple[list, list[Block]]:
    """The first LIST_LIMIT rows, and a note of how many were left out."""
    if len(rows) <= LIST_LIMIT:
        return rows, []
    return rows[:LIST_LIMIT], [Para(f"仅列前 {LIST_LIMIT} {what}，共 {len(rows)} {what}；完整情况见系统“{where}”页。",
                                    note=True)]


def _yuan(v: Decimal) -> str:
    return f"{v:,.2f}"


def _pct(a: int, b: int) -> str:
    return f"{100 * a / b:.1f}%" if b else "—"


def _prev(f: MonthlyFacts, *path: str):
    value = f.previous
    for p in path:
        if not isinstance(value, dict) or p not in value:
            return "—"
        value = value[p]
    return value


def _register(f: MonthlyFacts) -> list[Block]:
    fig = f.figures
    out: list[Block] = [Heading("一、在册户数和人数"), Heading("（一）分村情况", 2)]
    keys = ("households_in", "members_in", "households_out", "members_out", "births", "deaths")
    rows = []
    for name, v in fig["villages"].items():
        mv = f.movements.get(name, {})
        if not v["households"] and not any(mv.get(k) for k in keys):
            continue
        rows.append([name, v["households"], v["members"], *(mv.get(k, 0) for k in keys)])
    mv = fig["movements"]
    rows.append(["合计", fig["households"], fig["members"], *(mv[k] for k in keys)])
    out.append(Table(["村", "在册户数", "在册人数", "迁入户", "迁入人", "迁出户", "迁出人", "出生", "死亡"], rows,
                     [.2, .1, .1, .1, .1, .1, .1, .1, .1], frozenset(range(1, 9)), total=True))
    named = [r for r in rows[:-1] if r[1]]
    if named:
        out.append(Chart("各村在册户数（户）", [r[0] for r in named], [r[1] for r in named]))
    out.append(Heading("（二）分安置点情况", 2))
    points, note = _capped(sorted(f.points, key=lambda p: -p.households), "个安置点", "包保")
    out.append(Table(["安置点", "所在村", "类型", "在册户数", "在册人数"],
                     [[p.name, p.village, p.kind, p.households, p.members] for p in points],
                     [.36, .2, .12, .16, .16], frozenset({3, 4})))
    out += note
    return out


def _key_groups(f: MonthlyFacts) -> list[Block]:
    kg, bb = f.figures["key_groups"], f.figures["baobao"]
    out: list[Block] = [Heading("二、重点群体和包保落实"), Heading("（一）重点群体", 2),
                        Table(["类别", "本月户数", "上月户数"], [[k, v, _prev(f, "key_groups", k)] for k, v in kg.items()],
                              [.35, .2, .2], frozenset({1, 2}))]
    failing = [p for p in f.points if not p.ok]
    shown = f.points if len(f.points) <= FULL_LIST_MAX else failing
    out.append(Heading("（二）安置点包保", 2))
    listed, note = _capped(shown, "个安置点", "包保")
    if listed:
        out.append(Table(["安置点", "所在村", "户数", "包保干部", "落实情况"],
                         [[p.name, p.village, p.households, p.leaders or "（无）", "落实" if p.ok else p.problem]
                          for p in listed], [.22, .13, .08, .33, .24], frozenset({2})))
    out += note
    if shown is failing and len(f.points) > len(failing):
        out.append(Para(f"其余 {len(f.points) - len(failing)} 个安置点包保均已落实，不再逐一列出。", note=True))
    if f.uncovered:
        out.append(Heading("（三）未落实一对一包保的重点户", 2))
        out.append(Table(["序号", "户主（档案编号）", "村", "安置点", "重点户类型"],
                         [[i + 1, *r] for i, r in enumerate(f.uncovered)], [.08, .3, .14, .24, .24], frozenset({0})))
        if bb["key_households_uncovered"] > len(f.uncovered):
            out.append(Para(f"仅列前 {len(f.uncovered)} 户，共 {bb['key_households_uncovered']} 户。", note=True))
    return out


def _visits(f: MonthlyFacts) -> list[Block]:
    out: list[Block] = [Heading("三、走访情况"), Heading("（一）各包保干部走访情况", 2)]
    cadres = f.cadre_visits if len(f.cadre_visits) <= FULL_LIST_MAX else sorted(
        (r for r in f.cadre_visits if r[2] > r[3]), key=lambda r: (-(r[2] - r[3]), r[0]))
    listed, note = _capped(cadres, "名干部", "走访")
    if listed:
        out.append(Table(["包保干部", "职级", "应走访", "已走访", "未走访", "走访率"],
                         [[n, r, d, k, d - k, _pct(k, d)] for n, r, d, k in listed],
                         [.18, .26, .13, .13, .13, .17], frozenset({2, 3, 4, 5})))
    else:
        out.append(Para("本月无一对一包保户。"))
    out += note
    if len(cadres) < len(f.cadre_visits):
        out.append(Para(f"只列出本月有未走访户的 {len(cadres)} 名干部；其余 {len(f.cadre_visits) - len(cadres)} 名"
                        f"干部本月已走访全部包保户。", note=True))
    if f.behind:
        out.append(Heading("（二）本月未走访的户", 2))
        out.append(Table(["序号", "户主（档案编号）", "村", "安置点", "包保干部"],
                         [[i + 1, *r] for i, r in enumerate(f.behind)], [.08, .32, .16, .26, .18], frozenset({0})))
        if f.behind_total > len(f.behind):
            out.append(Para(f"仅列前 {LIST_LIMIT} 户，共 {f.behind_total} 户；完整名单见系统“走访”页。", note=True))
    return out


def _problem_rows(lines: list[ProblemLine], *, overdue: bool) -> list[list[object]]:
    return [[i + 1, p.description, p.where, p.unit, p.person, p.deadline.isoformat() if p.deadline else "",
             p.days_overdue if overdue else ""] for i, p in enumerate(lines)]


def _problems(f: MonthlyFacts) -> list[Block]:
    head = ["新发现", "已解决", "未办结", "其中逾期"]
    pr = f.figures["problems"]
    out: list[Block] = [Heading("四、问题台账"), Heading("（一）按责任单位", 2)]
    rows = [[r.name, r.new, r.resolved, r.open, r.overdue] for r in f.problems_by_unit]
    rows.append(["合计", sum(r.new for r in f.problems_by_unit), sum(r.resolved for r in f.problems_by_unit),
                 pr["open"], pr["overdue"]])
    out.append(Table(["责任单位", *head], rows, [.36, .16, .16, .16, .16], frozenset({1, 2, 3, 4}), total=True))
    out.append(Heading("（二）按八个紧盯", 2))
    out.append(Table(["领域", *head], [[r.name, r.new, r.resolved, r.open, r.overdue] for r in f.problems_by_area],
                     [.36, .16, .16, .16, .16], frozenset({1, 2, 3, 4})))
    widths = [.06, .34, .16, .14, .1, .12, .08]
    if f.overdue:
        out.append(Heading("（三）逾期未办结问题", 2))
        out.append(Table(["序号", "问题", "户/村", "责任单位", "责任人", "办结时限", "逾期天数"],
                         _problem_rows(f.overdue, overdue=True), widths, frozenset({0, 6})))
        if pr["overdue"] > len(f.overdue):
            out.append(Para(f"仅列前 {len(f.overdue)} 个，共 {pr['overdue']} 个；完整清单见系统“问题台账”页。", note=True))
    if f.due_next:
        out.append(Heading(f"（四）{f.next_label}到期的问题", 2))
        out.append(Table(["序号", "问题", "户/村", "责任单位", "责任人", "办结时限", ""],
                         _problem_rows(f.due_next, overdue=False), widths, frozenset({0})))
        if f.due_next_total > len(f.due_next):
            out.append(Para(f"仅列前 {len(f.due_next)} 个，共 {f.due_next_total} 个；完整清单见系统“问题台账”页。",
                            note=True))
    return out


def _plans(f: MonthlyFacts) -> list[Block]:
    out: list[Block] = [Heading("五、计划推进")]
    if not f.plan_items:
        return out + [Para(f"{f.day.year}年度计划尚未录入。")]
    per: dict[str, list] = {}
    for i in f.plan_items:
        per.setdefault(i.focus_area, []).append(i)
    areas = [a for a in vocab.FOCUS_AREAS if a in per]
    avg = {a: float(sum(i.completion for i in per[a]) / len(per[a]) * 100) for a in areas}
    out.append(Chart("八个紧盯年度计划完成进度（%）", areas, [avg[a] for a in areas], horizontal=True))
    out.append(Table(["领域", "计划事项", "已完成事项", "进度滞后", "平均完成进度"],
                     [[a, len(per[a]), sum(i.completion >= 1 for i in per[a]), sum(i.behind for i in per[a]),
                       f"{avg[a]:.1f}%"] for a in areas], [.24, .17, .2, .17, .22], frozenset({1, 2, 3, 4})))
    out.append(Heading("计划事项明细", 2))
    out.append(Table(["领域", "事项", "责任单位", "目标", "累计完成", "进度"],
                     [[i.focus_area, i.title, i.unit, f"{i.target.normalize():f}{i.target_unit}",
                       f"{i.done.normalize():f}{i.target_unit}", i.percent + ("（滞后）" if i.behind else "")]
                      for i in f.plan_items], [.12, .34, .14, .13, .13, .14], frozenset({3, 4, 5})))
    return out


def _work(f: MonthlyFacts) -> list[Block]:
    out: list[Block] = [Heading("六、就业、保障和资金"), Heading("（一）就业创业", 2)]
    if f.employment:
        out.append(Table(["类别", "人次（笔）", "金额（元）"],
                         [[k, n, _yuan(a) if a else "—"] for k, n, a in f.employment], [.4, .25, .35],
                         frozenset({1, 2})))
    else:
        out.append(Para("本月无就业创业记录。"))
    emp = f.figures.get("employment", {})
    if emp:
        out.append(Heading("月末在册人员就业情况", 2))
        out.append(Table(["就业情况", "人数"], [[k, n] for k, n in emp.items()], [.4, .25], frozenset({1})))
    if f.trainings:
        out.append(Heading("本月技能培训", 2))
        out.append(Table(["日期", "户主（档案编号）", "培训内容"], [list(r) for r in f.trainings], [.18, .37, .45]))
    out.append(Heading("（二）兜底保障", 2))
    rows = [[k, f.support_end.get(k, 0), next((n for kk, n, _a in f.support_new if kk == k), 0),
             _yuan(next((a for kk, _n, a in f.support_new if kk == k), Decimal(0)))] for k in vocab.SUPPORT_KINDS]
    rows.append(["合计（户数不重复计）", f.support_end.get("合计", 0), sum(n for _k, n, _a in f.support_new),
                 _yuan(sum((a for *_x, a in f.support_new), Decimal(0)))])
    out.append(Table(["类别", "月末享受户数", "本月新增（笔）", "本月新增金额（元）"], rows, [.34, .22, .22, .22],
                     frozenset({1, 2, 3}), total=True))
    out.append(Heading("（三）住房保障", 2))
    out.append(Table(["类别", "本月记录（户）", "已完成"], [[k, n, c] for k, n, c in f.housing], [.4, .3, .3],
                     frozenset({1, 2})) if f.housing else Para("本月无住房保障记录。"))
    out.append(Heading("（四）资金", 2))
    if f.funds:
        rows = [[src, n, _yuan(a)] for src, n, a in f.funds]
        rows.append(["合计", sum(n for _s, n, _a in f.funds), _yuan(sum((a for *_x, a in f.funds), Decimal(0)))])
        out.append(Table(["资金来源", "笔数", "金额（元）"], rows, [.4, .25, .35], frozenset({1, 2}), total=True))
    else:
        out.append(Para("本月无资金发放记录。"))
    return out


def _projects(f: MonthlyFacts) -> list[Block]:
    out: list[Block] = [Heading("七、项目、活动和融合共建"), Heading("（一）安置点基础设施项目", 2)]
    out.append(Table(["项目名称", "类别", "安置点", "状态", "进度", "资金来源"],
                     [[n, c, p, st, f"{pct}%", src] for n, c, p, st, pct, src in f.projects],
                     [.28, .1, .17, .08, .09, .28], frozenset({4})) if f.projects else Para("无在建项目。"))
    out.append(Heading("（二）本月活动", 2))
    out.append(Table(["日期", "类别", "活动", "安置点", "参加人数"], [list(r) for r in f.activities],
                     [.15, .18, .35, .2, .12], frozenset({4})) if f.activities else Para("本月无活动记录。"))
    out.append(Heading(f"（三）{f.day.year}年各安置点居民融合共建活动", 2))
    shown = f.fusion if len(f.fusion) <= FULL_LIST_MAX else [r for r in f.fusion if not r[2]]
    listed, note = _capped(shown, "个安置点", "走访")
    out.append(Table(["安置点", "所在村", "今年次数", "最近一次"],
                     [[p, v, n, last or "未开展"] for p, v, n, last in listed], [.36, .22, .18, .24], frozenset({2}))
               if listed else Para("各安置点今年均已开展居民融合共建活动。"))
    out += note
    return out


def _governance(f: MonthlyFacts) -> list[Block]:
    out: list[Block] = [Heading("八、调度、督查、党建和档案"), Heading("（一）调度会议定事项落实情况", 2)]
    out.append(Table(["会议", "议定事项", "责任单位", "时限", "落实情况"],
                     [[d.meeting, d.text, d.unit, d.deadline.isoformat() if d.deadline else "", d.follow]
                      for d in f.decisions], [.18, .4, .14, .12, .16]) if f.decisions else Para("本月无调度会议定事项。"))
    out.append(Heading("（二）督查情况", 2))
    out.append(Table(["日期", "督查对象", "发现问题", "问题数", "通报", "追责"], [list(r) for r in f.inspections],
                     [.12, .14, .36, .09, .13, .16], frozenset({3})) if f.inspections else Para("本月未开展督查。"))
    out.append(Heading("（三）党建", 2))
    rows = [["在册党员（人）", f.figures.get("party_members", 0)], *[[f"本月{k}记录（条）", n] for k, n in f.party]]
    out.append(Table(["项目", "数量"], rows, [.45, .2], frozenset({1})))
    out.append(Heading("（四）一户一档完整性", 2))
    total = sum(f.archive.values())
    out.append(Table(["档案状态", "户数", "占比"], [[k, n, _pct(n, total)] for k, n in f.archive.items()],
                     [.3, .2, .2], frozenset({1, 2})))
    return out


def annex(f: MonthlyFacts) -> list[Block]:
    """Every table and chart of the 附件, in order."""
    out: list[Block] = []
    for part in (_register, _key_groups, _visits, _problems, _plans, _work, _projects, _governance):
        out += part(f)
    return out
