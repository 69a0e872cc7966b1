"""Everything the 月报 of a month says, gathered as of the month's last day (SPEC §4.8, §6): the register
and its movements, key groups, 包保, visits, problems, plans and the month's ledgers, with the lists behind
the figures. Plain data; the drafting (`report_text`) and the layout (`report_data`) read it."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import and_, func, or_, select

from app import vocab
from app.db import Database
from app.ledgers.engine import household_label
from app.models import (
    Activity,
    Cadre,
    EmploymentRecord,
    FundRecord,
    Household,
    HousingRecord,
    Inspection,
    Meeting,
    MeetingDecision,
    PartyRecord,
    Problem,
    Project,
    SettlementPoint,
    SupportRecord,
    Unit,
    Village,
)
from app.rules import flags_to_tags
from app.services import asof, asof_archive, plans, subsidy_reconcile, subsidy_roster, town
from app.services.duties import count_findings, title_of
from app.services.stats import FUSION_ACTIVITY, month_bounds
from app.services.subsidy_roster import money_json

LIST_LIMIT = 100  # rows of a named list printed in the 月报; the rest is counted, not listed
NO_UNIT = "（未指定单位）"


def previous_month(month: str) -> str:
    y, m = int(month[:4]), int(month[5:7])
    return f"{y - (m == 1):04d}-{(m - 2) % 12 + 1:02d}"


def next_month(month: str) -> str:
    return f"{month_bounds(month)[1]:%Y-%m}"


@dataclass
class ProblemLine:
    """A problem named in the text: what, where, who owns it, by when."""

    description: str
    where: str
    unit: str
    person: str
    deadline: dt.date | None
    days_overdue: int = 0
    focus_area: str = ""
    priority: str = ""


@dataclass
class PointLine:
    point_id: int
    name: str
    village: str
    kind: str
    households: int
    members: int
    leaders: str
    ok: bool
    problem: str


@dataclass
class DecisionLine:
    meeting: str  # date and title
    text: str
    unit: str
    deadline: dt.date | None
    follow: str  # 已落实 / 推进中 / 逾期未落实 / 未转任务
    plan_item_id: int | None = None


@dataclass
class CountRow:
    name: str
    new: int = 0
    resolved: int = 0
    open: int = 0
    overdue: int = 0


@dataclass
class MonthlyFacts:
    town: town.TownData
    month: str
    day: dt.date  # the month's last day (today while it is not over): every figure is as of its end
    figures: dict  # asof.figures(...) plus the report's own figures under "report"
    previous: dict | None = None  # last month's figures (filed where filed)
    previous_filed: bool = False
    movements: dict[str, dict[str, int]] = field(default_factory=dict)  # per village
    points: list[PointLine] = field(default_factory=list)
    uncovered: list[tuple[str, str, str, str]] = field(default_factory=list)  # household, village, point, tags
    cadre_visits: list[tuple[str, str, int, int]] = field(default_factory=list)  # cadre, rank, due, done
    behind: list[tuple[str, str, str, str]] = field(default_factory=list)  # household, village, point, cadre
    behind_total: int = 0
    problems_by_unit: list[CountRow] = field(default_factory=list)
    problems_by_area: list[CountRow] = field(default_factory=list)
    overdue: list[ProblemLine] = field(default_factory=list)
    due_next: list[ProblemLine] = field(default_factory=list)  # the first LIST_LIMIT of due_next_total
    due_next_total: int = 0
    plan_items: list[plans.ItemStatus] = field(default_factory=list)
    plan_due_next: list[plans.ItemStatus] = field(default_factory=list)
    employment: list[tuple[str, int, Decimal]] = field(default_factory=list)  # kind, records, amount
    trainings: list[tuple[str, str, str]] = field(default_factory=list)  # date, household, course
    support_new: list[tuple[str, int, Decimal]] = field(default_factory=list)  # kind, records, amount
    support_end: dict[str, int] = field(default_factory=dict)  # kind → households supported at the day
    housing: list[tuple[str, int, int]] = field(default_factory=list)  # kind, records, completed
    funds: list[tuple[str, int, Decimal]] = field(default_factory=list)
    projects: list[tuple[str, str, str, str, int, str]] = field(default_factory=list)
    activities: list[tuple[str, str, str, str, str]] = field(default_factory=list)
    fusion: list[tuple[str, str, int, str]] = field(default_factory=list)  # point, village, count, last date
    decisions: list[DecisionLine] = field(default_factory=list)
    meetings: int = 0
    inspections: list[tuple[str, str, str, int, str, str]] = field(default_factory=list)
    party: list[tuple[str, int]] = field(default_factory=list)  # kind, records this month
    archive: dict[str, int] = field(default_factory=dict)  # 完整 / 不完整 / 不一致 → households
    # the duties findings as of the day (SPEC §4.7): rule → distinct subjects, in the registry's order
    duties: dict[str, int] = field(default_factory=dict)
    duty_titles: dict[str, str] = field(default_factory=dict)
    subsidy_people: int = 0  # the 后扶人口 roster's size on the day (SPEC §11)
    subsidy_paid: list[dict] = field(default_factory=list)  # the halves reconciled in the month (HALF_KEYS)

    @property
    def month_label(self) -> str:
        return f"{int(self.month[:4])}年{int(self.month[5:7])}月"

    @property
    def next_label(self) -> str:
        n = next_month(self.month)
        return f"{int(n[:4])}年{int(n[5:7])}月"

    @property
    def report(self) -> dict:
        return self.figures["report"]


def _money(value) -> Decimal:
    return Decimal(value or 0)


def _previous(db: Database, month: str) -> dict:
    prev = previous_month(month)
    with db.read() as s:
        return asof.figures(s, asof.month_end(prev), month=prev, brief=True)


def gather(db: Database, month: str, *, previous: dict | None = None, previous_filed: bool = False,
           today: dt.date | None = None, progress=None) -> MonthlyFacts:
    """The facts of `month` as of its last day. `previous` is last month's figures when filed; otherwise they
    are computed as of that month's end, on a second connection while this month's are gathered. A month not
    over yet is gathered as of `today`."""
    step = progress or (lambda _p, _t: None)
    day = asof.report_day(month, today)
    start, end = month_bounds(month)
    with ThreadPoolExecutor(max_workers=2) as pool:
        earlier = pool.submit(_previous, db, month) if previous is None else None
        found = pool.submit(_findings, db, day)  # its own read connection, while the figures are gathered
        with db.read() as s:
            step(5, "汇总户数和人数")
            view = asof.AsOf.at(s, day)
            figs = asof.figures(s, day, month=month, view=view)
            f = MonthlyFacts(town.load_town(db), month, day, figs, previous_filed=previous_filed)
            f.movements = view.movements(start)
            step(20, "包保和走访")
            _points(s, f, view)
            _uncovered(s, f, view)
            _visits(s, f, view, start, end)
            step(40, "问题台账")
            _problems(s, f, start)
            step(55, "就业、保障和资金")
            _work(s, f, start)
            _meetings(s, f, start)
            _archive(s, f)
            step(60, "后扶直补")
            _subsidy(s, f, start)
        step(65, "计划进度")
        f.plan_items = plans.item_statuses(db, day.year, month, today=day)
        f.previous = earlier.result() if earlier is not None else previous
        step(80, "督办提醒")
        f.duties = found.result()
        f.duty_titles = {rule: title_of(rule) for rule in f.duties}
    nxt_start, nxt_end = month_bounds(next_month(month))
    f.plan_due_next = [i for i in f.plan_items if i.deadline and nxt_start <= i.deadline < nxt_end
                       and i.completion < 1]
    items = {i.id: i for i in f.plan_items}
    for d in f.decisions:
        item = items.get(d.plan_item_id) if d.plan_item_id else None
        if item is not None:
            d.follow = "已落实" if item.completion >= 1 else ("进度滞后" if item.behind else "推进中")
    _report_figures(f)
    return f


def _points(s, f: MonthlyFacts, view: asof.AsOf) -> None:
    sizes = view.points()
    big = set(asof.big_points(s, sizes))
    leaders = view.point_leaders()
    town_leader, link = vocab.CADRE_RANKS[0], "联系村党政班子成员"
    ok_ranks = {r for r in vocab.CADRE_RANKS if vocab.RANK_ORDER[r] <= vocab.RANK_ORDER[link]}
    for pid, name, village, kind in s.execute(select(SettlementPoint.id, SettlementPoint.name, Village.name,
                                                     SettlementPoint.kind).join(Village)
                                              .order_by(Village.name, SettlementPoint.name)):
        n, m = sizes.get(pid, (0, 0))
        if not n:
            continue
        held = leaders.get(pid, [])
        if pid in big:
            ok = any(rank == town_leader for _c, rank, _r in held)
            problem = "" if ok else f"{n}户的集中安置点，缺少镇级主要领导牵头包保"
        else:
            ok = any(rank in ok_ranks for _c, rank, _r in held)
            problem = "" if ok else "缺少联系村党政班子成员（或以上）包保"
        f.points.append(PointLine(pid, name, village, kind, n, m,
                                  "、".join(f"{c}（{rank}·{role}）" for c, rank, role in held), ok, problem))


def _uncovered(s, f: MonthlyFacts, view: asof.AsOf) -> None:
    _n, ids = view.uncovered_ids(limit=LIST_LIMIT)
    flags = {hid: t.flags for hid, t in view.changed.households.items()}
    rows = {}
    for chunk in asof.chunks(ids):
        for hid, head, no, village, point, key in s.execute(
                select(Household.id, Household.head_name, Household.archive_no, Village.name, SettlementPoint.name,
                       Household.key_flags)
                .outerjoin(Village, Village.id == Household.village_id)
                .outerjoin(SettlementPoint, SettlementPoint.id == Household.settlement_point_id)
                .where(Household.id.in_(chunk))):
            rows[hid] = (household_label(head, no), village or "", point or "",
                         "、".join(flags_to_tags(flags.get(hid, key))))
    f.uncovered = [rows[hid] for hid in ids if hid in rows]


def _visits(s, f: MonthlyFacts, view: asof.AsOf, start: dt.date, end: dt.date) -> None:
    cadres = {cid: (name, rank) for cid, name, rank in s.execute(select(Cadre.id, Cadre.name, Cadre.rank))}
    f.cadre_visits = sorted(((*cadres.get(cid, ("", "")), d, k) for cid, (d, k) in view.visits(f.month).items()),
                            key=lambda r: (vocab.RANK_ORDER.get(r[1], 9), -(r[2] - r[3]), r[0]))
    f.behind_total = sum(d - k for _n, _r, d, k in f.cadre_visits)
    due = asof.visits_due_at(f.day).where(~asof.visited_in(start, end)).subquery()
    for head, no, village, point, cname in s.execute(
            select(Household.head_name, Household.archive_no, Village.name, SettlementPoint.name, Cadre.name)
            .join(due, due.c.household_id == Household.id).join(Cadre, Cadre.id == due.c.cadre_id)
            .outerjoin(Village, Village.id == Household.village_id)
            .outerjoin(SettlementPoint, SettlementPoint.id == Household.settlement_point_id)
            .order_by(Village.name, Household.archive_no).limit(LIST_LIMIT)):
        f.behind.append((household_label(head, no), village or "", point or "", cname))


def _problem_lines(s, cond, day: dt.date, order) -> list[ProblemLine]:
    out = []
    for desc, head, no, village, unit, cadre, person, deadline, area in s.execute(
            select(Problem.description, Household.head_name, Household.archive_no, Village.name, Unit.name,
                   Cadre.name, Problem.responsible_person, Problem.deadline, Problem.focus_area)
            .outerjoin(Household, Household.id == Problem.household_id)
            .outerjoin(Village, Village.id == Problem.village_id)
            .outerjoin(Unit, Unit.id == Problem.unit_id)
            .outerjoin(Cadre, Cadre.id == Problem.responsible_cadre_id)
            .where(cond).order_by(*order).limit(LIST_LIMIT)):
        where = household_label(head, no) if head or no else (village or "")
        who = "、".join(dict.fromkeys(x for x in (cadre, person) if x))
        late = (day - deadline).days if deadline and deadline < day else 0
        out.append(ProblemLine(desc, where, unit or NO_UNIT, who or "（未明确）", deadline, late, area))
    return out


def _problems(s, f: MonthlyFacts, start: dt.date) -> None:
    day = f.day
    new = Problem.found_date.between(start, day)
    resolved = and_(Problem.status == "已解决", Problem.resolved_date.between(start, day))
    cols = [func.sum(func.iif(c, 1, 0)) for c in (new, resolved, asof.problem_open_at(day),
                                                   asof.problem_overdue_at(day))]
    rows = [CountRow(name or NO_UNIT, *(int(v or 0) for v in vals))
            for name, *vals in s.execute(select(Unit.name, *cols).select_from(Problem)
                                         .outerjoin(Unit, Unit.id == Problem.unit_id)
                                         .where(Problem.found_date <= day)
                                         .group_by(Unit.name).order_by(Unit.name))]
    f.problems_by_unit = [r for r in rows if r.new or r.resolved or r.open]
    area = {name: CountRow(name) for name in vocab.FOCUS_AREAS}
    for name, *vals in s.execute(select(Problem.focus_area, *cols).where(Problem.found_date <= day)
                                 .group_by(Problem.focus_area)):
        area[name] = CountRow(name, *(int(v or 0) for v in vals))
    f.problems_by_area = list(area.values())
    f.overdue = _problem_lines(s, asof.problem_overdue_at(day), day, (Problem.deadline, Problem.id))
    nxt_start, nxt_end = month_bounds(next_month(f.month))
    due_next = and_(asof.problem_open_at(day), Problem.deadline >= nxt_start, Problem.deadline < nxt_end)
    f.due_next = _problem_lines(s, due_next, day, (Problem.deadline, Problem.id))
    f.due_next_total = s.scalar(select(func.count()).where(due_next)) or 0


def _work(s, f: MonthlyFacts, start: dt.date) -> None:
    day = f.day

    def in_month(col):
        return col.between(start, day)

    emp = {k: (n, a) for k, n, a in s.execute(
        select(EmploymentRecord.kind, func.count(), func.sum(EmploymentRecord.amount))
        .where(in_month(EmploymentRecord.date)).group_by(EmploymentRecord.kind))}
    f.employment = [(k, emp[k][0], _money(emp[k][1])) for k in vocab.EMPLOYMENT_KINDS if k in emp]
    for d, head, no, detail in s.execute(
            select(EmploymentRecord.date, Household.head_name, Household.archive_no, EmploymentRecord.detail)
            .join(Household).where(in_month(EmploymentRecord.date), EmploymentRecord.kind == "技能培训")
            .order_by(EmploymentRecord.date, EmploymentRecord.id).limit(LIST_LIMIT)):
        f.trainings.append((d.isoformat(), household_label(head, no), detail))
    sup = {k: (n, a) for k, n, a in s.execute(
        select(SupportRecord.kind, func.count(), func.sum(SupportRecord.amount))
        .where(in_month(SupportRecord.start_date)).group_by(SupportRecord.kind))}
    f.support_new = [(k, sup[k][0], _money(sup[k][1])) for k in vocab.SUPPORT_KINDS if k in sup]
    held = dict(s.execute(select(SupportRecord.kind, func.count(SupportRecord.household_id.distinct()))
                          .join(Household, Household.id == SupportRecord.household_id)
                          .where(SupportRecord.start_date <= day,
                                 or_(SupportRecord.end_date.is_(None), SupportRecord.end_date >= day),
                                 asof.household_present(day))
                          .group_by(SupportRecord.kind)).all())
    f.support_end = {k: held.get(k, 0) for k in vocab.SUPPORT_KINDS}
    f.support_end["合计"] = s.scalar(
        select(func.count(SupportRecord.household_id.distinct()))
        .join(Household, Household.id == SupportRecord.household_id)
        .where(SupportRecord.start_date <= day, or_(SupportRecord.end_date.is_(None), SupportRecord.end_date >= day),
               asof.household_present(day))) or 0
    hou = {k: (n, c) for k, n, c in s.execute(
        select(HousingRecord.kind, func.count(), func.sum(func.iif(HousingRecord.completed, 1, 0)))
        .where(in_month(HousingRecord.date)).group_by(HousingRecord.kind))}
    f.housing = [(k, hou[k][0], int(hou[k][1] or 0)) for k in vocab.HOUSING_KINDS if k in hou]
    f.funds = [(src, n, _money(a)) for src, n, a in s.execute(
        select(FundRecord.source, func.count(), func.sum(FundRecord.amount))
        .where(in_month(FundRecord.date)).group_by(FundRecord.source).order_by(FundRecord.source))]
    for name, cat, point, status, pct, src in s.execute(
            select(Project.name, Project.category, SettlementPoint.name, Project.status, Project.progress_pct,
                   Project.funding_source)
            .outerjoin(SettlementPoint, SettlementPoint.id == Project.settlement_point_id)
            .where(or_(Project.start_date.is_(None), Project.start_date <= day),
                   or_(Project.status != "已验收", in_month(Project.acceptance_date)))
            .order_by(Project.status, Project.name, Project.id).limit(LIST_LIMIT)):
        f.projects.append((name, cat, point or "", status, int(pct or 0), src))
    for d, kind, title, point, n in s.execute(
            select(Activity.date, Activity.kind, Activity.title, SettlementPoint.name, Activity.participants)
            .outerjoin(SettlementPoint, SettlementPoint.id == Activity.settlement_point_id)
            .where(in_month(Activity.date)).order_by(Activity.date, Activity.id).limit(LIST_LIMIT)):
        f.activities.append((d.isoformat(), kind, title, point or "", "" if n is None else str(n)))
    year_start = dt.date(day.year, 1, 1)
    done = {pid: (n, last) for pid, n, last in s.execute(
        select(Activity.settlement_point_id, func.count(), func.max(Activity.date))
        .where(Activity.kind == FUSION_ACTIVITY, Activity.date >= year_start, Activity.date <= day,
               Activity.settlement_point_id.is_not(None)).group_by(Activity.settlement_point_id))}
    for p in f.points:
        n, last = done.get(p.point_id, (0, None))
        f.fusion.append((p.name, p.village, n, last.isoformat() if last else ""))
    f.party = [(k, n) for k, n in s.execute(select(PartyRecord.kind, func.count())
                                            .where(in_month(PartyRecord.date)).group_by(PartyRecord.kind))]
    order = {k: i for i, k in enumerate(vocab.PARTY_KINDS)}
    f.party.sort(key=lambda r: order.get(r[0], 99))


def _meetings(s, f: MonthlyFacts, start: dt.date) -> None:
    day = f.day
    f.meetings = s.scalar(select(func.count()).where(Meeting.date.between(start, day))) or 0
    for m_date, title, text, unit, deadline, item_id, problem_id, p_status, p_resolved in s.execute(
            select(Meeting.date, Meeting.title, MeetingDecision.text, Unit.name, MeetingDecision.deadline,
                   MeetingDecision.plan_item_id, MeetingDecision.problem_id, Problem.status, Problem.resolved_date)
            .join(Meeting, Meeting.id == MeetingDecision.meeting_id)
            .outerjoin(Unit, Unit.id == MeetingDecision.unit_id)
            .outerjoin(Problem, Problem.id == MeetingDecision.problem_id)
            .where(Meeting.date <= day, or_(Meeting.date >= start, MeetingDecision.deadline.between(start, day)))
            .order_by(Meeting.date, MeetingDecision.id).limit(LIST_LIMIT)):
        if problem_id:
            closed = p_resolved is not None and p_resolved <= day and p_status not in vocab.PROBLEM_OPEN
            follow = "已落实" if closed else ("逾期未落实" if deadline and deadline < day else "推进中")
        elif item_id:
            follow = "已转为计划任务"  # refined from the plan's progress once it is read (see gather)
        else:
            follow = "逾期未落实" if deadline and deadline < day else "未转任务"
        f.decisions.append(DecisionLine(f"{m_date:%m-%d} {title}".strip(), text, unit or "", deadline, follow,
                                        item_id))
    for d, unit, village, findings, n, notice, no, acc in s.execute(
            select(Inspection.date, Unit.name, Village.name, Inspection.findings, Inspection.issues_found,
                   Inspection.notice_issued, Inspection.notice_no, Inspection.accountability)
            .outerjoin(Unit, Unit.id == Inspection.unit_id).outerjoin(Village, Village.id == Inspection.village_id)
            .where(Inspection.date.between(start, day)).order_by(Inspection.date, Inspection.id)):
        f.inspections.append((d.isoformat(), unit or village or "", findings, int(n or 0),
                              (no or "已通报") if notice else "", acc))


def _archive(s, f: MonthlyFacts) -> None:
    """档案完整率 as of the day: households on the register then, judged by their fields as they stood."""
    counts: dict[str, int] = defaultdict(int)
    for state, n in asof_archive.archive_counts(s, f.day).items():
        counts[vocab.ARCHIVE_STATE_LABELS.get(state, "不一致")] += n
    f.archive = {label: counts.get(label, 0) for label in vocab.ARCHIVE_STATE_LABELS.values()}


def _findings(db: Database, day: dt.date) -> dict[str, int]:
    """The duties findings as of the day, by rule (those with any), from a read transaction of their own:
    counted, not worded (the 月报 names the rules and their counts)."""
    with db.read() as s:
        return {rule: n for rule, n in count_findings(s, day).by_rule.items() if n}


def _half(r) -> dict:
    """A reconciled half as the 月报 states it (plain JSON: it is filed with the month's figures)."""
    open_ = {k: len(r.lists.get(k, [])) for k in subsidy_reconcile.KINDS}
    return {"year": r.year, "half": r.half, "label": r.title, "due_people": r.due_people,
            "due_amount": money_json(r.due_amount), "paid_ok": r.paid_ok, "paid_amount": money_json(r.paid_amount),
            **open_}


def _subsidy(s, f: MonthlyFacts, start: dt.date) -> None:
    """The roster's size at the day, and the halves whose bank return was reconciled in the month."""
    f.subsidy_people = subsidy_roster.supported_count(s, f.day)
    first = dt.datetime.combine(start, dt.time())
    after = dt.datetime.combine(month_bounds(f.month)[1], dt.time())
    f.subsidy_paid = [_half(r) for r in subsidy_reconcile.reconciled_between(s, first, after) if r is not None]


def _report_figures(f: MonthlyFacts) -> None:
    """The figures the text states beyond `stats`, kept with a filed version for the next month's 上月."""
    behind_items = [i for i in f.plan_items if i.behind]
    f.figures["report"] = {
        "points": len(f.points),
        "points_failing": sum(not p.ok for p in f.points),
        "problems_new": sum(r.new for r in f.problems_by_area),
        "problems_resolved": sum(r.resolved for r in f.problems_by_area),
        "support_households": f.support_end.get("合计", 0),
        "support": {k: n for k, n in f.support_end.items() if k != "合计"},
        "trainings": sum(n for k, n, _a in f.employment if k == "技能培训"),
        "placements": sum(n for k, n, _a in f.employment if k == "就业安置"),
        "activities": len(f.activities),
        "fusion_points_done": sum(1 for _p, _v, n, _l in f.fusion if n),
        "meetings": f.meetings,
        "decisions": len(f.decisions),
        "decisions_done": sum(d.follow == "已落实" for d in f.decisions),
        "inspections": len(f.inspections),
        "inspection_issues": sum(r[3] for r in f.inspections),
        "plan_items": len(f.plan_items),
        "plan_items_behind": len(behind_items),
        "plan_items_complete": sum(i.completion >= 1 for i in f.plan_items),
        "archive": dict(f.archive),
        "funds_amount": f"{sum((a for *_x, a in f.funds), Decimal(0)):.2f}",
        "duties": dict(f.duties),
        "subsidy": {"people": f.subsidy_people, "paid": [dict(h) for h in f.subsidy_paid]},
    }
