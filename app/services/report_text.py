"""The drafted text of the 月报's four sections (SPEC §6): plain Chinese sentences with the figures in them
and last month's figure beside each headline, written from `monthly_facts.MonthlyFacts`. Each section is
one function so that the clerk can redraft one section alone; a line of the text is a paragraph."""

from __future__ import annotations

from decimal import Decimal

from app import vocab
from app.services.duties import check_by_code
from app.services.monthly_facts import MonthlyFacts, ProblemLine

SECTIONS: tuple[tuple[str, str], ...] = (
    ("basic", "一、基本情况"),
    ("work", "二、工作开展情况"),
    ("problems", "三、存在问题"),
    ("plans", "四、下步工作打算"),
)
SECTION_TITLES = dict(SECTIONS)
NAMED = 10  # items named in a sentence; the annex lists them all
ORDINALS = "一二三四五六七八九十"
# Findings that 三、存在问题 states in sentences of their own, from the same figures; every other rule with
# findings at the month's end is stated by its title and count.
STATED_RULES = frozenset({"问题-逾期", "包保-一对一", "包保-安置点", "走访", "计划-滞后", "档案-不完整", "档案-不一致"})
SUBJECT_UNITS = {"household": "户", "point": "个安置点", "problem": "个", "plan_item": "项", "cadre": "名",
                 "unit": "个单位", "person": "人"}


def _get(figures: dict | None, path: str):
    value = figures
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def _vs(f: MonthlyFacts, path: str, unit: str) -> str:
    """（上月 N 户，增加 k 户）beside a headline figure; nothing when last month is unknown."""
    now, before = _get(f.figures, path), _get(f.previous, path)
    if before is None or now is None:
        return ""
    diff = now - before
    change = "持平" if diff == 0 else (f"增加{diff}{unit}" if diff > 0 else f"减少{-diff}{unit}")
    return f"（上月{before}{unit}，{change}）"


def _pct(a: int, b: int) -> str:
    return f"{100 * a / b:.1f}%" if b else "—"


def _yuan(v: Decimal) -> str:
    return f"{v:,.2f}"


def _date(d) -> str:
    return f"{d.month}月{d.day}日" if d else "未定期限"


def _ordinal(i: int) -> str:
    return ORDINALS[i] if i < len(ORDINALS) else str(i + 1)


def _join(items: list[str]) -> str:
    return "；".join(items)


def basic(f: MonthlyFacts) -> str:
    """一、基本情况: the register at the month's end and its movements, key groups and 包保."""
    fig, mv, bb, kg = f.figures, f.figures["movements"], f.figures["baobao"], f.figures["key_groups"]
    d = f.day
    villages = [v for v in fig["villages"].values() if v["households"]]
    lines = [
        f"截至{d.year}年{d.month}月{d.day}日，全镇共有搬迁群众在册{fig['households']}户"
        f"{_vs(f, 'households', '户')}、{fig['members']}人{_vs(f, 'members', '人')}，分布在{len(villages)}个村、"
        f"{f.report['points']}个安置点。",
        f"本月迁入{mv['households_in']}户{mv['members_in']}人，整户迁出{mv['households_out']}户，迁出"
        f"{mv['members_out']}人，出生{mv['births']}人，死亡{mv['deaths']}人。",
    ]
    if f.subsidy_people or _get(f.previous, "report.subsidy.people"):
        lines.append(f"截至{d.month}月{d.day}日，大中型水库移民后期扶持人口（后扶人口）中在扶持期内、应享受直补的"
                     f"{f.subsidy_people}人{_vs(f, 'report.subsidy.people', '人')}。")
    lines += [
        f"重点群体中，三特户{kg[vocab.GROUP_SANTE]}户{_vs(f, 'key_groups.' + vocab.GROUP_SANTE, '户')}，其中"
        + "、".join(f"{t}{kg[t]}户" for t in vocab.SANTE_TAGS) + f"；三无户{kg[vocab.GROUP_SANWU]}户"
        f"{_vs(f, 'key_groups.' + vocab.GROUP_SANWU, '户')}，其中" + "、".join(f"{t}{kg[t]}户" for t in vocab.SANWU_TAGS)
        + "。",
    ]
    covered = bb["key_households"] - bb["key_households_uncovered"]
    lines.append(
        f"包保落实方面，重点户（三特户或三无户）{bb['key_households']}户，已落实一对一包保{covered}户，覆盖率"
        f"{_pct(covered, bb['key_households'])}；未落实{bb['key_households_uncovered']}户"
        f"{_vs(f, 'baobao.key_households_uncovered', '户')}。50户以上集中安置点{bb['points_50plus']}个，其中无镇级"
        f"主要领导包保{bb['points_50plus_without_town_leader']}个；安置点包保未按要求落实的共"
        f"{f.report['points_failing']}个。")
    return "\n".join(lines)


def work(f: MonthlyFacts) -> str:
    """二、工作开展情况: the month's work under the 八个紧盯, from the ledgers."""
    fig, rep = f.figures, f.report
    v, pr = fig["visits"], fig["problems"]
    parts: list[str] = []
    parts.append(f"包保走访。本月应走访一对一包保户{v['due']}户，已由包保干部走访{v['done']}户"
                 f"{_vs(f, 'visits.done', '户')}，走访率{_pct(v['done'], v['due'])}。")
    parts.append(f"问题办理。本月新发现问题{rep['problems_new']}个，办结{rep['problems_resolved']}个"
                 f"{_vs(f, 'report.problems_resolved', '个')}；截至月底未办结{pr['open']}个"
                 f"{_vs(f, 'problems.open', '个')}，其中逾期{pr['overdue']}个。")
    if f.employment:
        kinds = "，".join(f"{k}{n}人次" + (f"、金额{_yuan(a)}元" if a else "") for k, n, a in f.employment)
        parts.append(f"创业就业。本月{kinds}。")
    else:
        parts.append("创业就业。本月无新增就业创业记录。")
    emp = fig.get("employment", {})
    working = sum(emp.get(k, 0) for k in ("县内务工", "县外省内务工", "省外务工", "公益性岗位", "自主创业"))
    if working:
        parts[-1] += f"月末在册人员中务工、公益性岗位和自主创业共{working}人。"
    sup = f.support_end
    held = "、".join(f"{k}{sup[k]}户" for k in vocab.SUPPORT_KINDS if sup.get(k))
    new = "，".join(f"{k}{n}笔{_yuan(a)}元" for k, n, a in f.support_new)
    parts.append("政策兜底。" + (f"本月新增{new}；" if new else "本月无新增兜底保障记录；")
                 + f"月末享受兜底保障{sup.get('合计', 0)}户{_vs(f, 'report.support_households', '户')}"
                 + (f"（{held}）" if held else "") + "。")
    for h in f.subsidy_paid:
        parts.append(_paid(h))
    if f.housing:
        parts.append("住房保障。本月" + "，".join(f"{k}{n}户（已完成{c}户）" for k, n, c in f.housing) + "。")
    else:
        parts.append("住房保障。本月无新增住房保障记录。")
    building = [p for p in f.projects if p[3] in ("在建", "完工")]
    accepted = [p for p in f.projects if p[3] == "已验收"]
    parts.append(f"环境整治。安置点基础设施项目在建或完工待验收{len(building)}个，本月验收{len(accepted)}个。")
    by_kind: dict[str, int] = {}
    for _d, kind, *_rest in f.activities:
        by_kind[kind] = by_kind.get(kind, 0) + 1
    done_points = rep["fusion_points_done"]
    parts.append(f"融合共建和宣传引导。本月开展活动{len(f.activities)}次"
                 + (f"（{'、'.join(f'{k}{n}次' for k, n in by_kind.items())}）" if by_kind else "")
                 + f"；今年已开展居民融合共建活动的安置点{done_points}个，尚有{len(f.fusion) - done_points}个未开展。")
    party = "、".join(f"{k}{n}条" for k, n in f.party)
    parts.append(f"组织建设。在册搬迁群众中有党员{fig.get('party_members', 0)}人{_vs(f, 'party_members', '人')}"
                 + (f"；本月党建工作记录{party}" if party else "") + "。")
    done = rep["decisions_done"]
    parts.append(f"调度督查。本月召开调度会{f.meetings}次，涉及议定事项{len(f.decisions)}项，已落实{done}项"
                 + (f"；开展督查{len(f.inspections)}次，发现问题{rep['inspection_issues']}个，发出通报"
                    f"{sum(1 for r in f.inspections if r[4])}份" if f.inspections else "；本月未开展督查")
                 + "。")
    arc = f.archive
    total = sum(arc.values())
    parts.append(f"一户一档。在册户中档案完整{arc.get('完整', 0)}户，不完整{arc.get('不完整', 0)}户，不一致"
                 f"{arc.get('不一致', 0)}户，完整率{_pct(arc.get('完整', 0), total)}。")
    if f.funds:
        amount = sum((a for *_x, a in f.funds), Decimal(0))
        parts.append(f"资金保障。本月发放各类资金{sum(n for _s, n, _a in f.funds)}笔，共{_yuan(amount)}元。")
    return "\n".join(f"（{_ordinal(i)}）{p}" for i, p in enumerate(parts))


def _paid(h: dict) -> str:
    """后扶直补: a half reconciled this month — what was due and paid, and what is still open."""
    still = [f"{label}{h[k]}{unit}" for k, label, unit in (
        ("unpaid", "漏发（应补发）", "人"), ("overpaid", "多发（应追缴）", "人"), ("failed", "发放失败", "人"),
        ("amount_mismatch", "金额不符", "人"), ("unknown", "身份证号不在档案中", "条")) if h.get(k)]
    tail = ("尚有" + "、".join(still) + "待处理") if still else "无漏发、多发和发放失败"
    return (f"后扶直补。本月核对{h['label']}直补发放结果：应发{h['due_people']}人{_yuan(Decimal(str(h['due_amount'])))}"
            f"元，银行发放成功{_yuan(Decimal(str(h['paid_amount'])))}元，其中足额发放{h['paid_ok']}人；{tail}。")


def _problem_text(p: ProblemLine, *, overdue: bool) -> str:
    tail = f"逾期{p.days_overdue}天" if overdue else f"{_date(p.deadline)}到期"
    return f"{p.where + '：' if p.where else ''}{p.description}（责任单位{p.unit}，责任人{p.person}，{tail}）"


def problems(f: MonthlyFacts) -> str:
    """三、存在问题: overdue problems with owner and days overdue, 包保 breaks, visits and plan items behind."""
    fig = f.figures
    parts: list[str] = []
    if f.overdue:
        worst = sorted(f.overdue, key=lambda p: -p.days_overdue)[:NAMED]
        parts.append(f"逾期未办结问题{fig['problems']['overdue']}个{_vs(f, 'problems.overdue', '个')}，主要是："
                     + _join([_problem_text(p, overdue=True) for p in worst])
                     + ("。" if fig["problems"]["overdue"] <= NAMED else "等，详见附件。"))
    bb = fig["baobao"]
    if bb["key_households_uncovered"] or f.report["points_failing"]:
        parts.append(f"包保落实不到位：{bb['key_households_uncovered']}户重点户未落实一对一包保，"
                     f"{f.report['points_failing']}个安置点包保不符合要求"
                     + (f"（{'、'.join(p.name for p in f.points if not p.ok)[:200]}）" if f.report["points_failing"]
                        else "") + "。")
    v = fig["visits"]
    if v["due"] > v["done"]:
        cadres = [c for c in f.cadre_visits if c[2] > c[3]]
        named = "、".join(f"{n}{d - k}户" for n, _r, d, k in cadres[:NAMED])
        parts.append(f"走访不到位：本月有{v['due'] - v['done']}户一对一包保户未走访，涉及包保干部{len(cadres)}名"
                     + (f"（{named}{'等' if len(cadres) > NAMED else ''}）" if named else "") + "。")
    behind = [i for i in f.plan_items if i.behind]
    if behind:
        named = "；".join(f"{i.title}（{i.unit or '未明确单位'}，完成{i.percent}，应完成{i.expected * 100:.0f}%）"
                         for i in behind[:NAMED])
        parts.append(f"年度计划进度滞后：{len(behind)}项计划事项落后于序时进度，主要是{named}"
                     + ("等" if len(behind) > NAMED else "") + "。")
    arc = f.archive
    if arc.get("不完整") or arc.get("不一致"):
        parts.append(f"档案资料不齐全：{arc.get('不完整', 0)}户档案不完整、{arc.get('不一致', 0)}户档案信息不一致，"
                     f"需各村核实补齐。")
    others = [f"{f.duty_titles.get(rule, rule)}{n}{_subject_unit(rule)}" for rule, n in f.duties.items()
              if rule not in STATED_RULES]
    if others:
        parts.append(f"督办提醒尚未处理：{'，'.join(others)}，详见督办提醒清单。")
    if not parts:
        return "本月未发现需要报告的问题。"
    return "\n".join(f"{_ordinal(i)}是{p}" for i, p in enumerate(parts))


def _subject_unit(rule: str) -> str:
    try:
        return SUBJECT_UNITS.get(check_by_code(rule).subject_kind, "项")
    except KeyError:
        return "项"


def plans(f: MonthlyFacts) -> str:
    """四、下步工作打算: problems and plan items due next month, points still owing their activity."""
    parts: list[str] = []
    nxt = f.next_label
    if f.due_next:
        parts.append(f"抓好问题整改。{nxt}到期问题{f.due_next_total}个："
                     + _join([_problem_text(p, overdue=False) for p in f.due_next[:NAMED]])
                     + ("等" if f.due_next_total > NAMED else "") + "，督促责任单位按期办结。")
    if f.overdue:
        parts.append(f"对逾期未办结的{f.figures['problems']['overdue']}个问题挂牌督办，明确整改时限，逐一销号。")
    if f.plan_due_next:
        parts.append(f"推进计划落实。{nxt}到期计划事项{len(f.plan_due_next)}项："
                     + "；".join(f"{i.title}（{i.unit or '未明确单位'}，目前完成{i.percent}）"
                                for i in f.plan_due_next[:NAMED])
                     + ("等" if len(f.plan_due_next) > NAMED else "") + "。")
    owing = [p for p, _v, n, _l in f.fusion if not n]
    if owing:
        parts.append(f"抓好融合共建。今年尚未开展居民融合共建活动的安置点{len(owing)}个（"
                     + "、".join(owing[:NAMED]) + ("等" if len(owing) > NAMED else "") + "），年内须各组织一次以上。")
    bb = f.figures["baobao"]
    if bb["key_households_uncovered"]:
        parts.append(f"补齐包保。为未落实一对一包保的{bb['key_households_uncovered']}户重点户明确包保干部，"
                     f"做到每月走访一次。")
    parts.append("坚持每月定期走访和调度，及时更新一户一档和各项台账，按月向镇党委、政府报告工作情况。")
    return "\n".join(f"（{_ordinal(i)}）{p}" for i, p in enumerate(parts))


DRAFTERS = {"basic": basic, "work": work, "problems": problems, "plans": plans}


def drafts(f: MonthlyFacts) -> dict[str, str]:
    """Every section drafted from the records: {section key: text}."""
    return {key: DRAFTERS[key](f) for key, _title in SECTIONS}
