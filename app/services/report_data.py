"""The plain data of the 月报 and of the 一户一档 cards (SPEC §6). Headline figures are `stats.stats()` itself
and the breakdowns come from the queries of `stats`, `baobao` and `visits`, so the packet, the dashboard
and `stats --json` never disagree. No Qt; the report modules draw what this returns. IDs are masked here
unless full IDs are asked for."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import func, select

from app import vocab
from app.db import Database
from app.ledgers.engine import household_label
from app.models import (
    Activity, Cadre, EmploymentRecord, FundRecord, Household, HouseholdAssignment, HousingRecord, Member, Problem,
    Project, SettlementPoint, SupportRecord, Unit, UnitAssignment, Village, Visit,
)
from app.models.plans import Plan, PlanItem, PlanProgress
from app.rules import mask_id
from app.rules.keygroups import derive_key_groups
from app.services import baobao, stats, town

LIST_LIMIT = 500  # rows of a named list printed in the packet; the rest is counted, not listed
NO_UNIT = "（未指定单位）"


@dataclass
class VillageRow:
    name: str
    households: int
    members: int
    moved_in_households: int = 0
    moved_in_members: int = 0
    moved_out: int = 0
    births: int = 0
    deaths: int = 0


@dataclass
class ProblemRow:
    name: str
    new: int = 0
    resolved: int = 0
    open: int = 0
    overdue: int = 0


@dataclass
class PlanRow:
    focus_area: str
    items: int
    done_items: int
    pct: float  # average completion of the items, 0..100


@dataclass
class MonthlyData:
    town: town.TownData
    month: str
    today: dt.date
    full_ids: bool
    stats: dict  # exactly stats.stats(db, month, today)
    villages: list[VillageRow] = field(default_factory=list)
    points: list[baobao.PointCoverage] = field(default_factory=list)
    point_members: dict[int, int] = field(default_factory=dict)
    uncovered: list[baobao.KeyHousehold] = field(default_factory=list)
    cadre_visits: list[tuple[str, str, int, int]] = field(default_factory=list)  # cadre, rank, due, done
    behind: list[tuple[str, str, str, str]] = field(default_factory=list)  # household, village, point, cadre
    behind_total: int = 0
    problems_by_unit: list[ProblemRow] = field(default_factory=list)
    problems_by_area: list[ProblemRow] = field(default_factory=list)
    plans: list[PlanRow] = field(default_factory=list)
    plan_items: list[tuple[str, str, str, str, float]] = field(default_factory=list)  # area, item, target, done, %
    employment: list[tuple[str, int, Decimal]] = field(default_factory=list)  # kind, records, amount
    trainings: list[tuple[str, str, str]] = field(default_factory=list)  # date, household, course
    support: list[tuple[str, int, Decimal]] = field(default_factory=list)
    housing: list[tuple[str, int, int]] = field(default_factory=list)  # kind, records, completed
    funds: list[tuple[str, int, Decimal]] = field(default_factory=list)  # source, records, amount
    projects: list[tuple[str, str, str, str, int, str]] = field(default_factory=list)
    activities: list[tuple[str, str, str, str, str]] = field(default_factory=list)

    @property
    def month_label(self) -> str:
        y, m = self.month.split("-")
        return f"{int(y)}年{int(m)}月"


def _money(value) -> Decimal:
    return Decimal(value or 0)


def monthly(db: Database, month: str, *, today: dt.date | None = None, full_ids: bool = False,
            progress=None) -> MonthlyData:
    """Everything the 月报 of `month` prints, as of `today`. `progress(percent, text)` is called between parts."""
    today = today or dt.date.today()
    step = progress or (lambda _p, _t: None)
    start, end = stats.month_bounds(month)
    start_dt, end_dt = dt.datetime.combine(start, dt.time()), dt.datetime.combine(end, dt.time())
    step(5, "汇总户数和人数")
    data = MonthlyData(town.load_town(db), month, today, full_ids, stats.stats(db, month=month, today=today))
    data.points = baobao.point_coverage(db)
    step(20, "统计本月变动")
    with db.read() as s:
        names = dict(s.execute(select(Village.id, Village.name)).all())
        rows = {name: VillageRow(name, v["households"], v["members"]) for name, v in data.stats["villages"].items()}

        def per_village(stmt):
            return {names.get(vid): n for vid, n in s.execute(stmt.group_by(Household.village_id))}

        hh_in = per_village(select(Household.village_id, func.count())
                            .where(Household.created_at >= start_dt, Household.created_at < end_dt))
        m_in = per_village(select(Household.village_id, func.count()).select_from(Member).join(Household)
                           .where(Member.created_at >= start_dt, Member.created_at < end_dt))
        out = per_village(select(Household.village_id, func.count()).select_from(Member).join(Household)
                          .where(Member.status == "迁出", Member.status_date >= start, Member.status_date < end))
        births = per_village(select(Household.village_id, func.count()).select_from(Member).join(Household)
                             .where(Member.birth_date >= start, Member.birth_date < end))
        deaths = per_village(select(Household.village_id, func.count()).select_from(Member).join(Household)
                             .where(Member.status == "死亡", Member.status_date >= start, Member.status_date < end))
        for name in set(hh_in) | set(m_in) | set(out) | set(births) | set(deaths):
            rows.setdefault(name or "（未填村）", VillageRow(name or "（未填村）", 0, 0))
        for attr, counts in (("moved_in_households", hh_in), ("moved_in_members", m_in), ("moved_out", out),
                             ("births", births), ("deaths", deaths)):
            for name, n in counts.items():
                setattr(rows[name or "（未填村）"], attr, n)
        data.villages = sorted(rows.values(), key=lambda r: r.name)
        data.point_members = {pid: m for pid, (_n, m) in stats.point_breakdown(s).items()}

        step(35, "包保和走访")
        data.uncovered = baobao._key_households(s, stats.key_uncovered())[:LIST_LIMIT]
        status = stats.visit_status(s, month)
        cadres = {cid: (name, rank) for cid, name, rank in s.execute(select(Cadre.id, Cadre.name, Cadre.rank))}
        per_cadre: dict[int, list[int]] = defaultdict(lambda: [0, 0])
        behind_ids = []
        for hid, (cid, ok) in status.items():
            per_cadre[cid][0] += 1
            per_cadre[cid][1] += ok
            if not ok:
                behind_ids.append(hid)
        data.cadre_visits = sorted(((cadres.get(cid, ("", ""))[0], cadres.get(cid, ("", ""))[1], d, k)
                                    for cid, (d, k) in per_cadre.items()),
                                   key=lambda r: (vocab.RANK_ORDER.get(r[1], 9), -(r[2] - r[3]), r[0]))
        data.behind_total = len(behind_ids)
        if behind_ids:
            due = stats.visits_due().where(~stats.visited_by_cadre(start, end)).subquery()
            for head, no, village, point, cname in s.execute(
                    select(Household.head_name, Household.archive_no, Village.name, SettlementPoint.name, Cadre.name)
                    .join(due, due.c.household_id == Household.id)
                    .join(Cadre, Cadre.id == due.c.cadre_id)
                    .outerjoin(Village, Village.id == Household.village_id)
                    .outerjoin(SettlementPoint, SettlementPoint.id == Household.settlement_point_id)
                    .order_by(Village.name, Household.archive_no).limit(LIST_LIMIT)):
                data.behind.append((household_label(head, no), village or "", point or "", cname))

        step(50, "问题台账")
        data.problems_by_unit, data.problems_by_area = _problems(s, start, end, today)
        step(65, "计划进度")
        data.plans, data.plan_items = _plans(s, month)
        step(75, "就业、保障和资金")
        _work(s, data, start, end)
    step(90, "生成PDF")
    return data


def _problems(s, start, end, today) -> tuple[list[ProblemRow], list[ProblemRow]]:
    new = Problem.found_date.between(start, end - dt.timedelta(days=1))
    resolved = (Problem.status == "已解决") & Problem.resolved_date.between(start, end - dt.timedelta(days=1))
    cols = [func.sum(func.iif(c, 1, 0)) for c in (new, resolved, stats.problem_open(), stats.problem_overdue(today))]
    by_unit = [ProblemRow(name or NO_UNIT, *(int(v or 0) for v in vals))
               for name, *vals in s.execute(select(Unit.name, *cols).select_from(Problem)
                                            .outerjoin(Unit, Unit.id == Problem.unit_id)
                                            .group_by(Unit.name).order_by(Unit.name))]
    by_unit = [r for r in by_unit if r.new or r.resolved or r.open]
    area = {name: ProblemRow(name) for name in vocab.FOCUS_AREAS}
    for name, *vals in s.execute(select(Problem.focus_area, *cols).group_by(Problem.focus_area)):
        area[name] = ProblemRow(name, *(int(v or 0) for v in vals))
    return by_unit, list(area.values())


def _plans(s, month: str) -> tuple[list[PlanRow], list]:
    year = int(month[:4])
    done = dict(s.execute(select(PlanProgress.item_id, func.sum(PlanProgress.value))
                          .where(PlanProgress.month <= month, PlanProgress.month >= f"{year:04d}-01")
                          .group_by(PlanProgress.item_id)).all())
    per_area: dict[str, list[float]] = defaultdict(list)
    items = []
    for iid, area, title, target, unit in s.execute(
            select(PlanItem.id, PlanItem.focus_area, PlanItem.title, PlanItem.target_value, PlanItem.target_unit)
            .join(Plan).where(Plan.year == year, Plan.kind == "年度计划")
            .order_by(PlanItem.focus_area, PlanItem.id)):
        value = Decimal(done.get(iid) or 0)
        pct = min(100.0, float(value / target * 100)) if target else 100.0
        per_area[area].append(pct)
        items.append((area, title, f"{target.normalize():f}{unit}", f"{value.normalize():f}{unit}", pct))
    order = {a: i for i, a in enumerate(vocab.FOCUS_AREAS)}
    items.sort(key=lambda r: order.get(r[0], 99))
    rows = [PlanRow(a, len(per_area[a]), sum(p >= 100 for p in per_area[a]),
                    sum(per_area[a]) / len(per_area[a]) if per_area[a] else 0.0)
            for a in vocab.FOCUS_AREAS if per_area.get(a)]
    return rows, items


def _work(s, data: MonthlyData, start, end) -> None:
    last = end - dt.timedelta(days=1)

    def in_month(col):
        return col.between(start, last)

    emp = {k: (n, a) for k, n, a in s.execute(
        select(EmploymentRecord.kind, func.count(), func.sum(EmploymentRecord.amount))
        .where(in_month(EmploymentRecord.date)).group_by(EmploymentRecord.kind))}
    data.employment = [(k, emp[k][0], _money(emp[k][1])) for k in vocab.EMPLOYMENT_KINDS if k in emp]
    for day, head, no, detail in s.execute(
            select(EmploymentRecord.date, Household.head_name, Household.archive_no, EmploymentRecord.detail)
            .join(Household).where(in_month(EmploymentRecord.date), EmploymentRecord.kind == "技能培训")
            .order_by(EmploymentRecord.date).limit(LIST_LIMIT)):
        data.trainings.append((day.isoformat(), household_label(head, no), detail))
    sup = {k: (n, a) for k, n, a in s.execute(
        select(SupportRecord.kind, func.count(), func.sum(SupportRecord.amount))
        .where(in_month(SupportRecord.start_date)).group_by(SupportRecord.kind))}
    data.support = [(k, sup[k][0], _money(sup[k][1])) for k in vocab.SUPPORT_KINDS if k in sup]
    hou = {k: (n, c) for k, n, c in s.execute(
        select(HousingRecord.kind, func.count(), func.sum(func.iif(HousingRecord.completed, 1, 0)))
        .where(in_month(HousingRecord.date)).group_by(HousingRecord.kind))}
    data.housing = [(k, hou[k][0], int(hou[k][1] or 0)) for k in vocab.HOUSING_KINDS if k in hou]
    data.funds = [(src, n, _money(a)) for src, n, a in s.execute(
        select(FundRecord.source, func.count(), func.sum(FundRecord.amount))
        .where(in_month(FundRecord.date)).group_by(FundRecord.source).order_by(FundRecord.source))]
    for name, cat, point, status, pct, src in s.execute(
            select(Project.name, Project.category, SettlementPoint.name, Project.status, Project.progress_pct,
                   Project.funding_source)
            .outerjoin(SettlementPoint, SettlementPoint.id == Project.settlement_point_id)
            .where((Project.status != "已验收") | in_month(Project.acceptance_date))
            .order_by(Project.status, Project.name).limit(LIST_LIMIT)):
        data.projects.append((name, cat, point or "", status, int(pct or 0), src))
    for day, kind, title, point, n in s.execute(
            select(Activity.date, Activity.kind, Activity.title, SettlementPoint.name, Activity.participants)
            .outerjoin(SettlementPoint, SettlementPoint.id == Activity.settlement_point_id)
            .where(in_month(Activity.date)).order_by(Activity.date).limit(LIST_LIMIT)):
        data.activities.append((day.isoformat(), kind, title, point or "", "" if n is None else str(n)))


# ------------------------------------------------------------------------------------------ 一户一档 cards


@dataclass
class Card:
    archive_no: str
    head: str
    village: str
    group: str
    point: str
    facts: list[tuple[str, str]]  # label, value
    members: list[tuple[str, ...]]
    tags: list[tuple[str, str]]  # tag, reason
    cadre: str
    unit_baobao: str
    visits: list[tuple[str, str, str, str]]  # date, cadre, way, findings
    problems: list[tuple[str, str, str, str, str]]  # found, area, description, unit, deadline


def _yes_no(v) -> str:
    return "" if v is None else ("是" if v else "否")


def card_ids(db: Database, *, archive_nos: list[str] | None = None, point: str | None = None,
             household_ids: list[int] | None = None, point_id: int | None = None) -> list[int]:
    """Household ids for cards: by archive numbers, by settlement point name (households 在册), or given ids.
    ValueError (Chinese) when a number or point is not found."""
    with db.read() as s:
        if household_ids is not None:
            return list(household_ids)
        if archive_nos:
            found = dict(s.execute(select(Household.archive_no, Household.id)
                                   .where(Household.archive_no.in_(archive_nos))).all())
            missing = [n for n in archive_nos if n not in found]
            if missing:
                raise ValueError(f"找不到档案编号：{'、'.join(missing)}")
            return [found[n] for n in archive_nos]
        pids = [point_id] if point_id is not None else \
            list(s.scalars(select(SettlementPoint.id).where(SettlementPoint.name == point)))
        if not pids:
            raise ValueError(f"找不到安置点：{point}")
        return list(s.scalars(select(Household.id).where(Household.settlement_point_id.in_(pids),
                                                         stats.ACTIVE_HOUSEHOLD).order_by(Household.archive_no)))


def cards(db: Database, household_ids: list[int], *, full_ids: bool = False, progress=None) -> list[Card]:
    """One 一户一档 card per household, in the order given."""
    from app.services.households import facts_of, load_household

    out = []
    for i, hid in enumerate(household_ids):
        if progress and i % 20 == 0:
            progress(int(90 * i / max(1, len(household_ids))), f"第 {i + 1}/{len(household_ids)} 户")
        data = load_household(db, hid)
        with db.read() as s:
            h = s.get(Household, hid)
            village = h.village.name if h.village else ""
            point = h.settlement_point.name if h.settlement_point else ""
            cadre = s.execute(select(Cadre.name, Cadre.rank, Cadre.phone).join(HouseholdAssignment)
                              .where(HouseholdAssignment.household_id == hid,
                                     HouseholdAssignment.end_date.is_(None))).first()
            units = [f"{u}（{r}）" for u, r in s.execute(
                select(Unit.name, UnitAssignment.reason).join(UnitAssignment)
                .where(UnitAssignment.household_id == hid, UnitAssignment.end_date.is_(None)))]
            visits = [(d.isoformat(), c or "", w, f) for d, c, w, f in s.execute(
                select(Visit.date, Cadre.name, Visit.way, Visit.findings).outerjoin(Cadre, Cadre.id == Visit.cadre_id)
                .where(Visit.household_id == hid).order_by(Visit.date.desc()).limit(3))]
            problems = [(f.isoformat(), a, d, u or "", dl.isoformat() if dl else "") for f, a, d, u, dl in s.execute(
                select(Problem.found_date, Problem.focus_area, Problem.description, Unit.name, Problem.deadline)
                .outerjoin(Unit, Unit.id == Problem.unit_id)
                .where(Problem.household_id == hid, stats.problem_open()).order_by(Problem.found_date))]
        head = next((m.name for m in data.members if m.relation == vocab.HEAD), "")
        members = [(m.name, m.relation, m.sex, m.id_number if full_ids else mask_id(m.id_number),
                    m.health, m.labour, m.employment, m.status)
                   for m in data.members]
        facts = [("住房情况", data.housing_status), ("房屋漏水", _yes_no(data.house_leaks)),
                 ("地灾威胁未搬迁", _yes_no(data.geohazard_unmoved)),
                 ("承包地（亩）", "" if data.land_mu is None else f"{data.land_mu}"),
                 ("家庭年收入（元）", "" if data.annual_income is None else f"{data.annual_income}"),
                 ("搬迁时间", data.relocation_date), ("安置方式", data.settlement_type),
                 ("原居住地", data.original_residence), ("联系电话", data.phone), ("住址", data.address)]
        tags = [(t.tag, t.reason) for t in derive_key_groups(facts_of(data, village or None, point or None))]
        out.append(Card(data.archive_no, head, village, data.group_name, point, facts, members, tags,
                        f"{cadre[0]}（{cadre[1]}，{cadre[2]}）" if cadre else "未落实", "、".join(units),
                        visits, problems))
    return out


__all__ = ["Card", "MonthlyData", "card_ids", "cards", "cards_pdf", "monthly", "monthly_pdf"]


# ------------------------------------------------------------------------------------------ PDFs


def monthly_pdf(db: Database, month: str, *, full_ids: bool = False, today: dt.date | None = None,
                progress=None):
    """Gather and draw the 月报 of `month`: a `reports.monthly.BuildResult` (PDF bytes, pages, warnings)."""
    from app.reports import monthly as drawing

    data = monthly(db, month, today=today, full_ids=full_ids, progress=progress)
    result = drawing.build(data)
    if progress:
        progress(100, "完成")
    return result


def cards_pdf(db: Database, *, archive_nos: list[str] | None = None, point: str | None = None,
              household_ids: list[int] | None = None, point_id: int | None = None, full_ids: bool = False,
              progress=None):
    """Gather and draw 一户一档 cards for archive numbers, a settlement point (name or id), or household ids."""
    from app.reports import cards as drawing

    ids = card_ids(db, archive_nos=archive_nos, point=point, household_ids=household_ids, point_id=point_id)
    result = drawing.build(cards(db, ids, full_ids=full_ids, progress=progress),
                           town_name=town.load_town(db).town_name)
    if progress:
        progress(100, "完成")
    return result
