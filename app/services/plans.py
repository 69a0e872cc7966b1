"""年度计划 / 发展规划 (SPEC §3): items under the eight focus areas with a measurable target, 责任单位, 责任人
and deadline; monthly progress entries; completion computed from progress, never typed; the 责任分解 by
unit and by person that says who is behind this month.

"Behind" for a month: the item is not complete and what it has achieved up to the end of that month is
less than its target times the share of its time elapsed (January of the plan's year to the deadline's
month, or December when there is no deadline). No Qt; one session per call.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from sqlalchemy import func, select, update

from app import vocab
from app.db import Database
from app.errors import FieldProblem, Refused
from app.models import Cadre, Plan, PlanItem, PlanProgress, Problem, Unit
from app.services import plan_measures
from app.services.town_scope import only_town

ZERO = Decimal(0)


def _refuse(key: str, message: str) -> Refused:
    return Refused([FieldProblem(key, message)])


def month_text(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def plan_id(db: Database, year: int, kind: str = "年度计划", *, create: bool = True) -> int | None:
    """The plan of a year and kind, created (titled after the town) when missing and create is true."""
    if kind not in vocab.PLAN_KINDS:
        raise ValueError(kind)
    with db.write() if create and not db.readonly else db.read() as s:
        found = s.scalar(select(Plan.id).where(Plan.year == year, Plan.kind == kind))
        if found is not None or not create or db.readonly:
            return found
        plan = Plan(year=year, kind=kind, title=f"{year}年搬迁群众后续扶持{kind}")
        s.add(plan)
        s.flush()
        return plan.id


def plan_years(db: Database) -> list[int]:
    with db.read() as s:
        return sorted(set(s.scalars(select(Plan.year))), reverse=True)


# ------------------------------------------------------------------------------------------ items


@dataclass
class ItemData:
    """One plan item as the form edits it."""

    plan_id: int
    focus_area: str = ""
    title: str = ""
    target_value: Decimal | str | None = None
    target_unit: str = ""
    unit_id: int | None = None
    responsible_cadre_id: int | None = None
    responsible_person: str = ""
    deadline: dt.date | None = None
    notes: str = ""
    id: int | None = None
    measure: str = ""  # plan_measures code; "" = progress typed month by month (手填)


def _decimal(value, key: str, label: str) -> Decimal:
    if isinstance(value, Decimal):
        return value
    try:
        number = Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        raise _refuse(key, f"“{label}”应为数字，例如 200，而不是“{value}”") from None
    if not number.is_finite():
        raise _refuse(key, f"“{label}”应为数字")
    return number


def validate_item(data: ItemData) -> list[FieldProblem]:
    errors: list[FieldProblem] = []
    if data.focus_area not in vocab.FOCUS_AREAS:
        errors.append(FieldProblem("focus_area", "请选择“所属领域”（八个紧盯之一）"))
    if not data.title.strip():
        errors.append(FieldProblem("title", "请填写“任务内容”"))
    if data.target_value in (None, ""):
        errors.append(FieldProblem("target_value", "请填写“目标值”，例如 培训 200 人次 填 200"))
    else:
        try:
            value = _decimal(data.target_value, "target_value", "目标值")
            if value <= 0:
                errors.append(FieldProblem("target_value", "“目标值”应大于 0"))
        except Refused as exc:
            errors.extend(exc.errors)
    if data.unit_id is None:
        errors.append(FieldProblem("unit_id", "请选择“责任单位”"))
    if data.measure and data.measure not in plan_measures.BY_CODE:
        errors.append(FieldProblem("measure", "请从列表中选择“进度来源”"))
    return errors


def save_item(db: Database, data: ItemData) -> int:
    """Validate and save one plan item (one transaction). Raises Refused naming each field."""
    errors = validate_item(data)
    if errors:
        raise Refused(errors)
    with db.write() as s:
        item = s.get(PlanItem, data.id) if data.id is not None else PlanItem(plan_id=data.plan_id)
        if item is None:
            raise _refuse("id", "该计划任务已不存在，无法保存")
        if data.id is None:
            s.add(item)
        item.focus_area = data.focus_area
        item.title = " ".join(data.title.split())
        item.target_value = _decimal(data.target_value, "target_value", "目标值").quantize(Decimal("0.01"))
        item.target_unit = data.target_unit.strip()
        item.unit_id = data.unit_id
        item.responsible_cadre_id = data.responsible_cadre_id
        item.responsible_person = data.responsible_person.strip()
        item.deadline = data.deadline
        item.notes = data.notes.strip()
        item.measure = data.measure or ""
        s.flush()
        return item.id


def load_item(db: Database, item_id: int) -> ItemData:
    with db.read() as s:
        i = s.get(PlanItem, item_id)
        if i is None:
            raise LookupError("该计划任务已不存在")
        return ItemData(i.plan_id, i.focus_area, i.title, i.target_value, i.target_unit, i.unit_id,
                        i.responsible_cadre_id, i.responsible_person, i.deadline, i.notes, i.id, i.measure)


def delete_item(db: Database, item_id: int) -> None:
    with db.write() as s:
        item = s.get(PlanItem, item_id)
        if item is not None:
            s.execute(update(Problem).where(Problem.plan_item_id == item_id).values(plan_item_id=None))
            s.delete(item)


def record_progress(db: Database, item_id: int, month: str, value, note: str = "") -> None:
    """Set what an item achieved in one month (YYYY-MM); entering a month again replaces its figure."""
    number = _decimal(value, "value", "本月完成")
    if number < 0:
        raise _refuse("value", "“本月完成”不能为负数")
    try:
        dt.date(int(month[:4]), int(month[5:7]), 1)
    except (ValueError, IndexError):
        raise _refuse("month", f"月份应为 年-月，例如 2026-05，而不是“{month}”") from None
    with db.write() as s:
        item = s.get(PlanItem, item_id)
        if item is None:
            raise _refuse("id", "该计划任务已不存在")
        if item.measure:
            raise _refuse("value", f"该任务的进度由“{plan_measures.label(item.measure)}”自动统计，不需要手填；"
                                   "如要手填，请先在任务中把“进度来源”改为手填")
        row = s.scalar(select(PlanProgress).where(PlanProgress.item_id == item_id, PlanProgress.month == month))
        if row is None:
            row = PlanProgress(item_id=item_id, month=month, value=number, note=note.strip())
            s.add(row)
        else:
            row.value, row.note = number, note.strip()


@dataclass(frozen=True, slots=True)
class ProgressEntry:
    month: str
    value: Decimal
    note: str


def progress_of(db: Database, item_id: int) -> list[ProgressEntry]:
    with db.read() as s:
        rows = s.execute(select(PlanProgress.month, PlanProgress.value, PlanProgress.note)
                         .where(PlanProgress.item_id == item_id).order_by(PlanProgress.month))
        return [ProgressEntry(*r) for r in rows]


# ------------------------------------------------------------------------------------------ status


def completion(target: Decimal, done: Decimal) -> Decimal:
    """Share of the target achieved, 0–1 (over-achievement counts as complete)."""
    if not target or target <= 0:
        return ZERO
    return min(done / target, Decimal(1))


def expected_share(year: int, month: str, deadline: dt.date | None) -> Decimal:
    """Share of an item's target due by the end of `month` (linear from January to the deadline month)."""
    y, m = int(month[:4]), int(month[5:7])
    end = (deadline.year, deadline.month) if deadline is not None else (year, 12)
    total = (end[0] - year) * 12 + end[1]
    elapsed = (y - year) * 12 + m
    if total <= 0 or elapsed >= total:
        return Decimal(1) if elapsed >= 1 else ZERO
    return Decimal(max(elapsed, 0)) / Decimal(total)


@dataclass(frozen=True, slots=True)
class ItemStatus:
    """One plan item as the plan view shows it, for a given month."""

    id: int
    focus_area: str
    title: str
    target: Decimal
    target_unit: str
    unit_id: int | None
    unit: str
    person: str
    deadline: dt.date | None
    done: Decimal  # achieved up to the end of the month
    this_month: Decimal
    completion: Decimal  # 0–1
    expected: Decimal  # 0–1, share due by the end of the month
    behind: bool
    overdue: bool  # deadline passed and not complete
    measure: str = ""  # plan_measures code; "" = typed
    plan_year: int = 0

    @property
    def source(self) -> str:
        """Where the progress comes from: the measure's label, or 手填."""
        return plan_measures.label(self.measure)

    @property
    def percent(self) -> str:
        return f"{self.completion * 100:.0f}%"

    @property
    def shortfall(self) -> Decimal:
        """How much more was due by the end of the month."""
        return max(self.target * self.expected - self.done, ZERO).quantize(Decimal("0.01"))


def item_statuses(db: Database, year: int, month: str, *, kind: str = "年度计划", unit_id: int | None = None,
                  person: str | None = None, focus_area: str | None = None, today: dt.date | None = None,
                  ) -> list[ItemStatus]:
    """The plan's items with completion as of the end of `month`, filtered by unit, person or focus area."""
    today = today or dt.date.today()
    with db.read() as s:
        return statuses(s, year, month, kind=kind, unit_id=unit_id, person=person, focus_area=focus_area,
                        today=today)


def statuses(s, year: int, month: str, *, kind: str = "年度计划", unit_id: int | None = None,
             person: str | None = None, focus_area: str | None = None, today: dt.date) -> list[ItemStatus]:
    """item_statuses inside the caller's session (the duty checks run many rules in one read). A county
    database read over every town holds one plan per town: each town's items, town by town, each measured
    against that town's own ledgers."""
    towns = s.scalars(select(Plan.town_id).distinct().where(Plan.year == year, Plan.kind == kind)
                      .order_by(Plan.town_id)).all()
    if len(towns) > 1:
        out: list[ItemStatus] = []
        for town_id in towns:
            with only_town(s, town_id):
                out += _statuses(s, year, month, kind=kind, unit_id=unit_id, person=person, focus_area=focus_area,
                                 today=today)
        return out
    return _statuses(s, year, month, kind=kind, unit_id=unit_id, person=person, focus_area=focus_area, today=today)


def _statuses(s, year: int, month: str, *, kind: str, unit_id: int | None, person: str | None,
              focus_area: str | None, today: dt.date) -> list[ItemStatus]:
    pid = s.scalar(select(Plan.id).where(Plan.year == year, Plan.kind == kind))
    if pid is None:
        return []
    stmt = (select(PlanItem, Unit.name, Cadre.name).outerjoin(Unit, Unit.id == PlanItem.unit_id)
            .outerjoin(Cadre, Cadre.id == PlanItem.responsible_cadre_id).where(PlanItem.plan_id == pid))
    if unit_id is not None:
        stmt = stmt.where(PlanItem.unit_id == unit_id)
    if focus_area:
        stmt = stmt.where(PlanItem.focus_area == focus_area)
    rows = s.execute(stmt).all()
    ids = [r[0].id for r in rows]
    done: dict[int, Decimal] = {}
    this: dict[int, Decimal] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        done.update(s.execute(select(PlanProgress.item_id, func.sum(PlanProgress.value))
                              .where(PlanProgress.item_id.in_(chunk), PlanProgress.month <= month)
                              .group_by(PlanProgress.item_id)).all())
        this.update(s.execute(select(PlanProgress.item_id, PlanProgress.value)
                              .where(PlanProgress.item_id.in_(chunk), PlanProgress.month == month)).all())
    out: list[ItemStatus] = []
    order = {a: i for i, a in enumerate(vocab.FOCUS_AREAS)}
    month_end = _month_end(month)
    first_of_month = month_end.replace(day=1)
    measured: dict[str, tuple[Decimal, Decimal]] = {}
    for item, unit_name, cadre_name in rows:
        who = "、".join(dict.fromkeys(x for x in (cadre_name, item.responsible_person) if x))
        if person and person not in who:
            continue
        if item.measure in plan_measures.BY_CODE:
            if item.measure not in measured:
                measured[item.measure] = plan_measures.measured(s, item.measure, year, first_of_month, month_end)
            achieved, in_month = measured[item.measure]
        else:
            achieved, in_month = Decimal(done.get(item.id) or 0), Decimal(this.get(item.id) or 0)
        share = completion(item.target_value, achieved)
        expected = expected_share(year, month, item.deadline)
        complete = share >= 1
        out.append(ItemStatus(
            item.id, item.focus_area, item.title, item.target_value, item.target_unit, item.unit_id,
            unit_name or "", who, item.deadline, achieved, in_month, share, expected,
            behind=not complete and achieved < item.target_value * expected,
            overdue=not complete and item.deadline is not None and item.deadline < min(today, month_end),
            measure=item.measure if item.measure in plan_measures.BY_CODE else "", plan_year=year))
    out.sort(key=lambda r: (order.get(r.focus_area, 99), r.unit, r.id))
    return out


def _month_end(month: str) -> dt.date:
    y, m = int(month[:4]), int(month[5:7])
    return dt.date(y + (m == 12), m % 12 + 1, 1) - dt.timedelta(days=1)


@dataclass
class Responsibility:
    """One line of the 责任分解: a unit (or a person) and how its items stand this month."""

    name: str
    unit_id: int | None = None
    items: int = 0
    complete: int = 0
    behind: int = 0
    overdue: int = 0
    completion_sum: Decimal = ZERO
    behind_titles: list[str] = field(default_factory=list)

    @property
    def average(self) -> Decimal:
        return self.completion_sum / self.items if self.items else ZERO


def decompose(statuses: Iterable[ItemStatus], by: str = "unit") -> list[Responsibility]:
    """责任分解: the items grouped by 责任单位 (by="unit") or 责任人 (by="person"), most behind first."""
    groups: dict[str, Responsibility] = {}
    for st in statuses:
        names = [st.unit or "（未定责任单位）"] if by == "unit" else (st.person.split("、") if st.person
                                                                        else ["（未定责任人）"])
        for name in names:
            g = groups.setdefault(name, Responsibility(name, st.unit_id if by == "unit" else None))
            g.items += 1
            g.complete += st.completion >= 1
            g.behind += st.behind
            g.overdue += st.overdue
            g.completion_sum += st.completion
            if st.behind:
                g.behind_titles.append(st.title)
    return sorted(groups.values(), key=lambda g: (-g.behind, g.average, g.name))


def by_focus_area(statuses: Iterable[ItemStatus]) -> dict[str, tuple[int, Decimal]]:
    """Per focus area (in the fixed order): (items, average completion 0–1)."""
    sums: dict[str, list] = {a: [0, ZERO] for a in vocab.FOCUS_AREAS}
    for st in statuses:
        sums.setdefault(st.focus_area, [0, ZERO])
        sums[st.focus_area][0] += 1
        sums[st.focus_area][1] += st.completion
    return {a: (n, (total / n if n else ZERO)) for a, (n, total) in sums.items()}
