"""The ledgers of work done (SPEC §3), each declared once: 就业创业, 兜底保障, 住房, 资金, 项目, 活动, 党建,
调度会, 督查. The table, filters, form, validation and Excel export of each follow from its declaration.

Where an entry changes a household's situation (a 无房户 placed in a 公租房; a member placed in a job) the
declaration's `after_write` brings the archive along inside the same transaction, with a history reason
that names the ledger (`app.ledgers.effects`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal

from sqlalchemy import func, or_, select

from app import vocab
from app.ledgers import effects
from app.ledgers.spec import (
    REF_HOUSEHOLD,
    REF_MEMBER,
    REF_POINT,
    REF_UNIT,
    REF_VILLAGE,
    Check,
    Field,
    Kind,
    Ledger,
    Preset,
    Virtual,
    not_before,
    not_future,
    today_default,
)
from app.models import (
    Activity,
    EmploymentRecord,
    FundRecord,
    Household,
    HousingRecord,
    Inspection,
    Meeting,
    MeetingDecision,
    PartyRecord,
    Project,
    SettlementPoint,
    SupportRecord,
    Village,
)


def _needs(key: str, label: str, when_key: str, when: tuple[str, ...], why: str) -> Check:
    """`key` must be filled when `when_key` is one of `when`."""
    return Check(key, lambda v, _t: f"{why}请填写“{label}”"
                 if v.get(when_key) in when and (v.get(key) is None or v.get(key) == "") else None)


def _household_village(model) -> Virtual:
    def fetch(s, ids: list[int], today_default: dt.date) -> Mapping[int, str]:
        rows = s.execute(select(model.id, Village.name).join(Household, Household.id == model.household_id)
                         .join(Village, Village.id == Household.village_id).where(model.id.in_(ids)))
        return dict(rows.all())
    return Virtual("village", "村", fetch, width=8)


def _point_village(model) -> Virtual:
    def fetch(s, ids: list[int], today_default: dt.date) -> Mapping[int, str]:
        rows = s.execute(select(model.id, Village.name)
                         .join(SettlementPoint, SettlementPoint.id == model.settlement_point_id)
                         .join(Village, Village.id == SettlementPoint.village_id).where(model.id.in_(ids)))
        return dict(rows.all())
    return Virtual("village", "村", fetch, width=8)


# ------------------------------------------------------------------------------------------ 就业创业

SUBSIDY_KINDS: tuple[str, ...] = ("创业一次性补贴", "场租补贴", "小额贷款担保贴息")
PLACEMENT = "就业安置"

EMPLOYMENT = Ledger(
    name="employment",
    title="就业创业台账",
    nav="就业创业",
    model=EmploymentRecord,
    description="按人登记技能培训、就业安置、小作坊和三项补贴；就业安置会同步更新该成员的就业情况。",
    date_field="date",
    household_field="household_id",
    count_field="kind",
    noun="人次",
    fields=(
        Field("date", "日期", Kind.DATE, required=True, default=today_default, width=11),
        Field("household_id", "所在户", Kind.REF, ref=REF_HOUSEHOLD, required=True, search=True, width=20),
        Field("member_id", "家庭成员", Kind.REF, ref=REF_MEMBER, required=True, search=True, width=9,
              hint="先选择户，再选择其中的成员"),
        Field("kind", "类别", Kind.CHOICE, required=True, choices=vocab.EMPLOYMENT_KINDS, filter=True, width=13),
        Field("detail", "培训/就业/经营内容", Kind.TEXT, search=True, width=22,
              hint="培训项目、用工单位及岗位、小作坊名称"),
        Field("employment", "安置后就业情况", Kind.CHOICE, choices=vocab.EMPLOYMENT, width=11,
              hint="就业安置时填写，保存后同步到该成员档案"),
        Field("amount", "补贴金额（元）", Kind.MONEY, width=12, minimum=Decimal(0)),
        Field("notes", "备注", Kind.LONGTEXT, search=True, width=24),
    ),
    virtuals=(_household_village(EmploymentRecord),),
    columns=("date", "village", "household_id", "member_id", "kind", "detail", "employment", "amount", "notes"),
    checks=(
        not_future("date", "日期"),
        _needs("employment", "安置后就业情况", "kind", (PLACEMENT,), "就业安置"),
        _needs("amount", "补贴金额（元）", "kind", SUBSIDY_KINDS, "发放补贴时"),
    ),
    after_write=effects.employment_placed,
)


# ------------------------------------------------------------------------------------------ 兜底保障


def _in_force(today: dt.date):
    return (SupportRecord.start_date <= today) & or_(SupportRecord.end_date.is_(None), SupportRecord.end_date >= today)


SUPPORT = Ledger(
    name="support",
    title="兜底保障台账",
    nav="兜底保障",
    model=SupportRecord,
    description="低保、特困供养、临时救助、医疗救助：类别、金额、保障期限，做到应保尽保。",
    date_field="start_date",
    household_field="household_id",
    count_field="kind",
    fields=(
        Field("household_id", "保障户", Kind.REF, ref=REF_HOUSEHOLD, required=True, search=True, width=20),
        Field("member_id", "保障对象", Kind.REF, ref=REF_MEMBER, search=True, width=9, hint="整户保障时不选"),
        Field("kind", "保障类别", Kind.CHOICE, required=True, choices=vocab.SUPPORT_KINDS, filter=True, width=9),
        Field("amount", "金额（元）", Kind.MONEY, required=True, width=12, minimum=Decimal(0),
              hint="每月标准或一次性金额"),
        Field("start_date", "开始日期", Kind.DATE, required=True, default=today_default, width=11),
        Field("end_date", "截止日期", Kind.DATE, width=11, hint="长期保障可不填"),
        Field("notes", "备注", Kind.LONGTEXT, search=True, width=24),
    ),
    virtuals=(_household_village(SupportRecord),),
    presets=(Preset("保障中", _in_force),),
    columns=("start_date", "end_date", "village", "household_id", "member_id", "kind", "amount", "notes"),
    checks=(not_before("end_date", "截止日期", "start_date", "开始日期"),),
)


# ------------------------------------------------------------------------------------------ 住房

NO_HOUSE_PLACEMENT, LEAK_REPAIR, HAZARD_PLACEMENT = vocab.HOUSING_KINDS

HOUSING = Ledger(
    name="housing",
    title="住房保障台账",
    nav="住房保障",
    model=HousingRecord,
    description="无房户安置（廉租房、公租房、安置小区空余房屋）、漏水维修、地灾过渡安置；安置后户档案同步更新。",
    date_field="date",
    household_field="household_id",
    count_field="kind",
    noun="户次",
    fields=(
        Field("date", "日期", Kind.DATE, required=True, default=today_default, width=11),
        Field("household_id", "户", Kind.REF, ref=REF_HOUSEHOLD, required=True, search=True, width=20),
        Field("kind", "类别", Kind.CHOICE, required=True, choices=vocab.HOUSING_KINDS, filter=True, width=11),
        Field("placement", "安置房源", Kind.CHOICE, choices=vocab.HOUSING_PLACEMENTS, filter=True, width=12,
              hint="无房户安置时必填，保存后该户住房情况随之变更"),
        Field("amount", "费用（元）", Kind.MONEY, width=12, minimum=Decimal(0)),
        Field("completed", "已完成", Kind.BOOL, filter=True, width=7),
        Field("detail", "情况说明", Kind.LONGTEXT, search=True, width=30, hint="房源地址、维修内容、过渡安置地点等"),
    ),
    virtuals=(_household_village(HousingRecord),),
    presets=(Preset("未完成", lambda _t: HousingRecord.completed.is_(False)),),
    columns=("date", "village", "household_id", "kind", "placement", "amount", "completed", "detail"),
    checks=(
        not_future("date", "日期"),
        _needs("placement", "安置房源", "kind", (NO_HOUSE_PLACEMENT,), "无房户安置"),
    ),
    after_write=effects.housing_changed,
)


# ------------------------------------------------------------------------------------------ 资金

FUNDS = Ledger(
    name="funds",
    title="资金台账",
    nav="资金",
    model=FundRecord,
    description="临时困难补助和其他资金：来源、金额、对象、日期。金额精确到分。",
    date_field="date",
    household_field="household_id",
    village_field="village_id",
    count_field="source",
    noun="笔",
    fields=(
        Field("date", "发放日期", Kind.DATE, required=True, default=today_default, width=11),
        Field("source", "资金来源", Kind.CHOICE, required=True, choices=vocab.FUND_SOURCES, filter=True, width=14),
        Field("kind", "资金类别", Kind.CHOICE, required=True, choices=vocab.FUND_KINDS, filter=True, width=12),
        Field("amount", "金额（元）", Kind.MONEY, required=True, width=13, minimum=Decimal("0.01")),
        Field("household_id", "发放对象户", Kind.REF, ref=REF_HOUSEHOLD, search=True, width=20,
              hint="发给某一户时选择；该户的村会自动带出"),
        Field("village_id", "村", Kind.REF, ref=REF_VILLAGE, width=8),
        Field("recipient", "领取人/单位", Kind.TEXT, search=True, width=12),
        Field("notes", "用途及备注", Kind.LONGTEXT, search=True, width=26),
    ),
    columns=("date", "source", "kind", "amount", "village_id", "household_id", "recipient", "notes"),
    checks=(not_future("date", "发放日期"),),
)


# ------------------------------------------------------------------------------------------ 项目


def _use_rate(s, ids: list[int], today_default: dt.date) -> Mapping[int, str]:
    rows = s.execute(select(Project.id, Project.budget, Project.spent).where(Project.id.in_(ids)))
    return {i: f"{(spent / budget * 100):.1f}%" for i, budget, spent in rows if budget and spent is not None}


PROJECTS = Ledger(
    name="projects",
    title="项目台账",
    nav="项目",
    model=Project,
    description="安置点基础设施项目（道路、广场、停车场、污水管网、路灯、绿化……）：资金、进度和验收。",
    date_field="start_date",
    point_field="settlement_point_id",
    village_field="village_id",
    count_field="status",
    noun="个",
    fields=(
        Field("name", "项目名称", Kind.TEXT, required=True, search=True, width=24),
        Field("category", "项目类别", Kind.CHOICE, required=True, choices=vocab.PROJECT_CATEGORIES, filter=True,
              width=10),
        Field("settlement_point_id", "安置点", Kind.REF, ref=REF_POINT, search=True, width=12),
        Field("village_id", "村", Kind.REF, ref=REF_VILLAGE, width=8),
        Field("funding_source", "资金来源", Kind.TEXT, search=True, width=16, hint="例如 移民后期扶持项目资金"),
        Field("budget", "计划投资（元）", Kind.MONEY, width=14, minimum=Decimal(0)),
        Field("spent", "已支出（元）", Kind.MONEY, width=14, minimum=Decimal(0)),
        Field("progress_pct", "进度（%）", Kind.INT, width=8, minimum=0, maximum=100, default=0),
        Field("status", "项目状态", Kind.CHOICE, required=True, choices=vocab.PROJECT_STATUS, default="谋划",
              filter=True, width=8),
        Field("start_date", "开工日期", Kind.DATE, width=11),
        Field("acceptance_date", "验收日期", Kind.DATE, width=11),
        Field("unit_id", "责任单位", Kind.REF, ref=REF_UNIT, filter=True, width=11),
        Field("notes", "建设内容及备注", Kind.LONGTEXT, search=True, width=26),
    ),
    virtuals=(Virtual("use_rate", "资金使用率", _use_rate, width=9),),
    presets=(Preset("未验收", lambda _t: Project.status != "已验收"),),
    columns=("name", "category", "village_id", "settlement_point_id", "funding_source", "budget", "spent",
             "use_rate", "progress_pct", "status", "start_date", "acceptance_date", "unit_id", "notes"),
    checks=(
        _needs("acceptance_date", "验收日期", "status", ("已验收",), "项目已验收，"),
        not_before("acceptance_date", "验收日期", "start_date", "开工日期"),
        not_future("acceptance_date", "验收日期"),
        Check("spent", lambda v, _t: "“已支出（元）”超过了“计划投资（元）”，请核对"
              if v.get("spent") is not None and v.get("budget") is not None and v["spent"] > v["budget"] else None),
    ),
)


# ------------------------------------------------------------------------------------------ 活动

FUSION = "居民融合共建活动"


def _fusion_of_year(s, ids: list[int], today_default: dt.date) -> Mapping[int, str]:
    """For a 融合共建 activity: which one of its point's year it is (第 n 次)."""
    rows = s.execute(select(Activity.id, Activity.settlement_point_id, Activity.date)
                     .where(Activity.id.in_(ids), Activity.kind == FUSION))
    out: dict[int, str] = {}
    for i, point, day in rows:
        if point is None:
            out[i] = "未填安置点"
            continue
        n = s.scalar(select(func.count()).where(
            Activity.kind == FUSION, Activity.settlement_point_id == point,
            Activity.date >= dt.date(day.year, 1, 1),
            or_(Activity.date < day, (Activity.date == day) & (Activity.id <= i))))
        out[i] = f"该点{day.year}年第 {n} 次"
    return out


ACTIVITIES = Ledger(
    name="activities",
    title="活动台账",
    nav="活动",
    model=Activity,
    description="居民融合共建、评比激励和宣传活动。每个安置点每年至少开展一次居民融合共建活动。",
    date_field="date",
    point_field="settlement_point_id",
    count_field="kind",
    noun="次",
    fields=(
        Field("date", "活动日期", Kind.DATE, required=True, default=today_default, width=11),
        Field("kind", "活动类别", Kind.CHOICE, required=True, choices=vocab.ACTIVITY_KINDS, filter=True, width=15),
        Field("title", "活动名称", Kind.TEXT, required=True, search=True, width=26),
        Field("settlement_point_id", "安置点", Kind.REF, ref=REF_POINT, filter=True, search=True, width=12),
        Field("organiser", "组织单位", Kind.TEXT, search=True, width=12),
        Field("participants", "参加人数", Kind.INT, width=8, minimum=0),
        Field("summary", "活动情况", Kind.LONGTEXT, search=True, width=30),
    ),
    virtuals=(_point_village(Activity), Virtual("fusion", "融合共建", _fusion_of_year, width=14)),
    columns=("date", "kind", "title", "village", "settlement_point_id", "fusion", "organiser", "participants",
             "summary"),
    checks=(
        not_future("date", "活动日期"),
        _needs("settlement_point_id", "安置点", "kind", (FUSION,), "居民融合共建活动按安置点考核，"),
    ),
)


# ------------------------------------------------------------------------------------------ 党建

PARTY = Ledger(
    name="party",
    title="党建台账",
    nav="党建",
    model=PartyRecord,
    description="搬迁群众中的党员、致富带头人、人才储备库、双培进展和安置点党组织建设。",
    date_field="date",
    point_field="settlement_point_id",
    count_field="kind",
    fields=(
        Field("date", "登记日期", Kind.DATE, required=True, default=today_default, width=11),
        Field("kind", "类别", Kind.CHOICE, required=True, choices=vocab.PARTY_KINDS, filter=True, width=10),
        Field("settlement_point_id", "安置点", Kind.REF, ref=REF_POINT, filter=True, search=True, width=12),
        Field("status", "进展/状态", Kind.TEXT, search=True, width=14,
              hint="如 双培：已培养为致富能手 / 已发展为入党积极分子"),
        Field("detail", "姓名及情况", Kind.LONGTEXT, required=True, search=True, width=40),
    ),
    virtuals=(_point_village(PartyRecord),),
    columns=("date", "kind", "village", "settlement_point_id", "detail", "status"),
    checks=(not_future("date", "登记日期"),),
)


# ------------------------------------------------------------------------------------------ 调度会


def _decisions(s, ids: list[int], today_default: dt.date) -> Mapping[int, str]:
    out: dict[int, list[str]] = {}
    for mid, text, plan_item, problem in s.execute(
            select(MeetingDecision.meeting_id, MeetingDecision.text, MeetingDecision.plan_item_id,
                   MeetingDecision.problem_id).where(MeetingDecision.meeting_id.in_(ids))
            .order_by(MeetingDecision.id)):
        mark = "（已转计划）" if plan_item else "（已转问题）" if problem else ""
        out.setdefault(mid, []).append(f"{len(out.get(mid, [])) + 1}. {text}{mark}")
    return {i: "\n".join(lines) for i, lines in out.items()}


def _decision_count(s, ids: list[int], today_default: dt.date) -> Mapping[int, str]:
    rows = s.execute(select(MeetingDecision.meeting_id, func.count()).where(MeetingDecision.meeting_id.in_(ids))
                     .group_by(MeetingDecision.meeting_id))
    return {i: f"{n} 项" for i, n in rows}


MEETINGS = Ledger(
    name="meetings",
    title="调度会台账",
    nav="调度会",
    model=Meeting,
    description="领导小组调度会：时间、主持人、参会人员和议定事项；议定事项可一键转为计划任务或问题。",
    date_field="date",
    noun="次",
    fields=(
        Field("date", "会议日期", Kind.DATE, required=True, default=today_default, width=11),
        Field("title", "会议名称", Kind.TEXT, required=True, search=True, width=26),
        Field("chair", "主持人", Kind.TEXT, required=True, search=True, width=8, picks="cadre"),
        Field("attendees", "参会人员", Kind.LONGTEXT, search=True, width=24, picks="cadre"),
        Field("minutes", "会议内容", Kind.LONGTEXT, search=True, width=30),
    ),
    virtuals=(Virtual("decision_count", "议定事项", _decision_count, width=8, export=False),
              Virtual("decisions", "议定事项", _decisions, width=40, table=False)),
    columns=("date", "title", "chair", "attendees", "decision_count", "minutes"),
    checks=(not_future("date", "会议日期"),),
)


# ------------------------------------------------------------------------------------------ 督查

INSPECTIONS = Ledger(
    name="inspections",
    title="督查台账",
    nav="督查",
    model=Inspection,
    description="对责任单位和村的督查：发现的问题、通报和追责情况。",
    date_field="date",
    village_field="village_id",
    noun="次",
    fields=(
        Field("date", "督查日期", Kind.DATE, required=True, default=today_default, width=11),
        Field("unit_id", "被督查单位", Kind.REF, ref=REF_UNIT, filter=True, search=True, width=12),
        Field("village_id", "被督查村", Kind.REF, ref=REF_VILLAGE, width=8),
        Field("issues_found", "发现问题数", Kind.INT, width=8, minimum=0, default=0),
        Field("notice_issued", "已通报", Kind.BOOL, filter=True, width=7),
        Field("notice_no", "通报文号", Kind.TEXT, search=True, width=14),
        Field("findings", "督查发现", Kind.LONGTEXT, required=True, search=True, width=36),
        Field("accountability", "追责问责", Kind.LONGTEXT, search=True, width=20),
    ),
    presets=(Preset("已通报", lambda _t: Inspection.notice_issued.is_(True)),
             Preset("有追责", lambda _t: Inspection.accountability != "")),
    columns=("date", "unit_id", "village_id", "issues_found", "findings", "notice_issued", "notice_no",
             "accountability"),
    checks=(
        not_future("date", "督查日期"),
        Check("unit_id", lambda v, _t: "请选择“被督查单位”或“被督查村”"
              if v.get("unit_id") is None and v.get("village_id") is None else None),
        _needs("notice_no", "通报文号", "notice_issued", (True,), "已通报的，"),
    ),
)

WORK_LEDGERS: tuple[Ledger, ...] = (
    EMPLOYMENT, SUPPORT, HOUSING, FUNDS, PROJECTS, ACTIVITIES, PARTY, MEETINGS, INSPECTIONS,
)
