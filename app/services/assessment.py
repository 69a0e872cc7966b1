"""年度目标考核 (issue 5): a yearly score for each village and each department, computed from its records —
plan completion, visits done vs due, problems resolved on time, archive completeness, 督查 findings — with
weights kept in the settings table and every score explained down to the records behind it.

Each part scores 0–100; a part that does not apply to a subject (a department keeps no archive) is left
out and the weights of the rest are scaled up, so subjects are comparable. No Qt; one read per call.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select

from app import vocab
from app.db import Database
from app.models import Cadre, Household, Inspection, Problem, Setting, Unit, Village
from app.services import plans, stats

SETTING_KEY = "assessment.weights"
PARTS: tuple[tuple[str, str], ...] = (
    ("plan", "计划完成"), ("visits", "走访完成"), ("problems", "问题按期办结"), ("archive", "档案完整"),
    ("inspections", "督查情况"),
)
DEFAULT_WEIGHTS: dict[str, int] = {"plan": 30, "visits": 25, "problems": 20, "archive": 15, "inspections": 10}
# 督查: each issue found costs this many points, a 通报 more, 追责 more still.
ISSUE_PENALTY, NOTICE_PENALTY, ACCOUNTABILITY_PENALTY = 5, 10, 20
EVIDENCE_LIMIT = 200


def load_weights(db: Database) -> dict[str, int]:
    with db.read() as s:
        row = s.get(Setting, SETTING_KEY)
    weights = dict(DEFAULT_WEIGHTS)
    if row is not None and row.value:
        try:
            stored = json.loads(row.value)
            weights.update({k: int(v) for k, v in stored.items() if k in DEFAULT_WEIGHTS})
        except (ValueError, TypeError):
            pass
    return weights


def save_weights(db: Database, weights: dict[str, int]) -> dict[str, int]:
    """Keep the weights (whole numbers ≥ 0, not all 0) in the settings table."""
    from app.errors import FieldProblem, Refused

    clean = {k: int(weights.get(k, 0)) for k in DEFAULT_WEIGHTS}
    if any(v < 0 for v in clean.values()) or not any(clean.values()):
        raise Refused([FieldProblem("weights", "权重应为不小于 0 的整数，且不能全为 0")])
    with db.write() as s:
        row = s.get(Setting, SETTING_KEY) or Setting(key=SETTING_KEY)
        row.value = json.dumps(clean, ensure_ascii=False)
        s.add(row)
    return clean


@dataclass(frozen=True, slots=True)
class Evidence:
    """One record behind a score: its ledger, id, and a line the clerk can recognise."""

    kind: str  # 计划任务 / 走访 / 问题 / 户档案 / 督查
    record_id: int
    text: str
    counts: bool  # True = in favour, False = against


@dataclass
class Part:
    key: str
    label: str
    weight: int
    score: Decimal | None  # 0–100; None = does not apply
    basis: str  # how the score was computed, in words and figures
    evidence: list[Evidence] = field(default_factory=list)


@dataclass
class Subject:
    kind: str  # 村 / 部门
    id: int  # village id or unit id
    name: str
    parts: list[Part]

    @property
    def total(self) -> Decimal:
        applied = [p for p in self.parts if p.score is not None and p.weight > 0]
        weight = sum(p.weight for p in applied)
        if not weight:
            return Decimal(0)
        return (sum(p.score * p.weight for p in applied) / weight).quantize(Decimal("0.1"))

    def part(self, key: str) -> Part:
        return next(p for p in self.parts if p.key == key)

    def explain(self) -> str:
        """The whole score in words: each part, its weight and its basis."""
        lines = [f"{self.name}（{self.kind}）总分 {self.total}"]
        for p in self.parts:
            if p.score is None:
                lines.append(f"· {p.label}：不适用（{p.basis}）")
            else:
                lines.append(f"· {p.label} {p.score:.1f} 分 × 权重 {p.weight}：{p.basis}")
        return "\n".join(lines)


def _pct(good: int, total: int) -> Decimal | None:
    return None if total == 0 else (Decimal(good) * 100 / Decimal(total)).quantize(Decimal("0.1"))


def assess(db: Database, year: int, *, today: dt.date | None = None,
           weights: dict[str, int] | None = None) -> list[Subject]:
    """Every village and every department with its parts for `year` (up to today within the current year)."""
    today = today or dt.date.today()
    weights = weights or load_weights(db)
    last = min(today, dt.date(year, 12, 31))
    last_month = plans.month_text(year, last.month) if last.year == year else plans.month_text(year, 12)
    if last.year < year:
        last_month = plans.month_text(year, 1)
    with db.read() as s:
        villages = list(s.execute(select(Village.id, Village.name).order_by(Village.name)))
        units = list(s.execute(select(Unit.id, Unit.name, Unit.kind, Unit.village_id).where(Unit.active)
                               .order_by(Unit.kind, Unit.id)))
        unit_village = {uid: vid for uid, _n, _k, vid in units if vid is not None}
        cadre_unit = dict(s.execute(select(Cadre.id, Cadre.unit_id)).all())
        household_village = dict(s.execute(select(Household.id, Household.village_id)
                                           .where(Household.status == vocab.HOUSEHOLD_ACTIVE)).all())
        labels = dict(s.execute(select(Household.id, Household.head_name)).all())

        # 走访: each month of the year so far, each household due.
        visits: dict[tuple[str, int], list[Evidence]] = defaultdict(list)
        months = [plans.month_text(year, m) for m in range(1, int(last_month[5:]) + 1)] if last.year == year else []
        for month in months:
            for hid, (cid, done) in stats.visit_status(s, month).items():
                ev = Evidence("走访", hid, f"{month} {labels.get(hid) or '户'}{'已走访' if done else '未走访'}", done)
                if hid in household_village:
                    visits[("村", household_village[hid])].append(ev)
                if cadre_unit.get(cid) is not None:
                    visits[("部门", cadre_unit[cid])].append(ev)

        # 问题: those due in the year (deadline in the year and not after today).
        problems: dict[tuple[str, int], list[Evidence]] = defaultdict(list)
        rows = s.execute(select(Problem.id, Problem.description, Problem.deadline, Problem.status,
                                Problem.resolved_date, Problem.unit_id, Problem.village_id)
                         .where(Problem.deadline >= dt.date(year, 1, 1), Problem.deadline <= last))
        for pid, text, deadline, status, resolved, unit_id, village_id in rows:
            on_time = status == "已解决" and resolved is not None and resolved <= deadline
            note = (f"{deadline.isoformat()} 到期，" + ("按期办结" if on_time else
                    f"{resolved.isoformat()} 办结（超期）" if resolved else f"{status}（逾期）"))
            ev = Evidence("问题", pid, f"{text[:30]}：{note}", on_time)
            if unit_id is not None:
                problems[("部门", unit_id)].append(ev)
            vid = village_id or unit_village.get(unit_id)
            if vid is not None:
                problems[("村", vid)].append(ev)

        # 档案: households 在册 of the village and their §4.5 state.
        archive: dict[int, list[Evidence]] = defaultdict(list)
        for hid, vid, state, no in s.execute(select(Household.id, Household.village_id, Household.archive_state,
                                                    Household.archive_no)
                                             .where(Household.status == vocab.HOUSEHOLD_ACTIVE)):
            if vid is not None:
                archive[vid].append(Evidence("户档案", hid, f"{labels.get(hid) or ''}（{no}）"
                                             f"{vocab.ARCHIVE_STATE_LABELS.get(state, '')}", state == 0))

        # 督查
        inspections: dict[tuple[str, int], list[tuple]] = defaultdict(list)
        for row in s.execute(select(Inspection.id, Inspection.date, Inspection.unit_id, Inspection.village_id,
                                    Inspection.issues_found, Inspection.notice_issued, Inspection.accountability,
                                    Inspection.findings)
                             .where(Inspection.date >= dt.date(year, 1, 1), Inspection.date <= dt.date(year, 12, 31))):
            if row[2] is not None:
                inspections[("部门", row[2])].append(row)
            vid = row[3] or unit_village.get(row[2])
            if vid is not None:
                inspections[("村", vid)].append(row)

    statuses = plans.item_statuses(db, year, last_month, today=today)
    plan_items: dict[tuple[str, int], list[plans.ItemStatus]] = defaultdict(list)
    for st in statuses:
        if st.unit_id is None:
            continue
        plan_items[("部门", st.unit_id)].append(st)
        if st.unit_id in unit_village:
            plan_items[("村", unit_village[st.unit_id])].append(st)

    def plan_part(key) -> Part:
        items = plan_items.get(key, [])
        if not items:
            return Part("plan", "计划完成", weights["plan"], None, f"{year}年计划中没有由其负责的任务")
        avg = sum((i.completion for i in items), Decimal(0)) / len(items) * 100
        ev = [Evidence("计划任务", i.id, f"{i.title}：完成 {i.done.normalize():f}/{i.target.normalize():f}"
                       f"{i.target_unit}（{i.percent}）", i.completion >= i.expected) for i in items]
        return Part("plan", "计划完成", weights["plan"], avg.quantize(Decimal("0.1")),
                    f"{len(items)} 项任务平均完成率 {avg:.1f}%", ev)

    def ratio_part(pkey, label, evs, noun_done, noun_all) -> Part:
        good = sum(e.counts for e in evs)
        score = _pct(good, len(evs))
        basis = f"{noun_all} {len(evs)}，{noun_done} {good}" if evs else f"{year}年没有{noun_all}"
        return Part(pkey, label, weights[pkey], score, basis, sorted(evs, key=lambda e: e.counts)[:EVIDENCE_LIMIT])

    def inspection_part(key) -> Part:
        rows = inspections.get(key, [])
        if not rows:
            return Part("inspections", "督查情况", weights["inspections"], Decimal(100), f"{year}年未被督查发现问题")
        penalty = 0
        ev = []
        for iid, day, _u, _v, issues, notice, account, findings in rows:
            cost = (issues or 0) * ISSUE_PENALTY + (NOTICE_PENALTY if notice else 0) + \
                (ACCOUNTABILITY_PENALTY if account else 0)
            penalty += cost
            ev.append(Evidence("督查", iid, f"{day.isoformat()} {findings[:30]}：发现问题 {issues or 0} 个"
                               f"{'，已通报' if notice else ''}{'，有追责' if account else ''}（扣 {cost} 分）", cost == 0))
        return Part("inspections", "督查情况", weights["inspections"], Decimal(max(100 - penalty, 0)),
                    f"督查 {len(rows)} 次，共扣 {penalty} 分（每个问题 {ISSUE_PENALTY}、通报 {NOTICE_PENALTY}、"
                    f"追责 {ACCOUNTABILITY_PENALTY}）", ev)

    out: list[Subject] = []
    for vid, name in villages:
        key = ("村", vid)
        out.append(Subject("村", vid, name, [
            plan_part(key),
            ratio_part("visits", "走访完成", visits.get(key, []), "按月走访到位", "应走访户次"),
            ratio_part("problems", "问题按期办结", problems.get(key, []), "按期办结", "到期问题"),
            ratio_part("archive", "档案完整", archive.get(vid, []), "完整", "在册户"),
            inspection_part(key),
        ]))
    for uid, name, kind, _vid in units:
        if kind != "部门":
            continue
        key = ("部门", uid)
        out.append(Subject("部门", uid, name, [
            plan_part(key),
            ratio_part("visits", "走访完成", visits.get(key, []), "按月走访到位", "本单位干部应走访户次"),
            ratio_part("problems", "问题按期办结", problems.get(key, []), "按期办结", "到期问题"),
            Part("archive", "档案完整", weights["archive"], None, "部门不管理户档案"),
            inspection_part(key),
        ]))
    return out
