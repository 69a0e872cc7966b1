"""The county summary (SPEC §8, §7 `report county` / `export county`, the 县级汇总 page): each town's figures
side by side, ranked, with a county total row. Every figure of a town is what `stats.stats()` narrowed to that
town gives, counted for all towns at once by grouped-by-town queries over the same conditions, so the summary,
`stats --town` and the town's own `stats` never disagree. No Qt here."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import func, select

from app import vocab
from app.db import Database
from app.ledgers.conditions import problem_open, problem_overdue
from app.models import Household, Problem
from app.services import stats as stats_service
from app.services import town as town_service
from app.services.county import list_towns
from app.services.duties import compute_findings
from app.services.duties.cross_town import as_dict
from app.services.town_scope import county_read

KEY_COLUMNS, RULES, RANKING = vocab.COUNTY_KEY_COLUMNS, vocab.COUNTY_RULES, vocab.COUNTY_RANKING
RULE_CROSS_TOWN = vocab.RULE_CROSS_TOWN


@dataclass
class TownRow:
    name: str
    households: int = 0
    members: int = 0
    key_groups: dict[str, int] = field(default_factory=dict)
    key_households: int = 0
    key_uncovered: int = 0
    visits_due: int = 0
    visits_done: int = 0
    problems_open: int = 0
    problems_overdue: int = 0
    findings: dict[str, int] = field(default_factory=dict)
    copy_taken_at: str = ""
    rank: int = 0

    @property
    def coverage(self) -> float:
        """包保覆盖率: the share of key households with a one-to-one cadre (1.0 when there are none)."""
        return 1.0 if not self.key_households else (self.key_households - self.key_uncovered) / self.key_households

    @property
    def visit_rate(self) -> float:
        return 1.0 if not self.visits_due else self.visits_done / self.visits_due

    def add(self, other: TownRow) -> None:
        for attr in ("households", "members", "key_households", "key_uncovered", "visits_due", "visits_done",
                     "problems_open", "problems_overdue"):
            setattr(self, attr, getattr(self, attr) + getattr(other, attr))
        for k, v in other.key_groups.items():
            self.key_groups[k] = self.key_groups.get(k, 0) + v
        for k, v in other.findings.items():
            self.findings[k] = self.findings.get(k, 0) + v


@dataclass
class CountySummary:
    county: str
    month: str
    today: dt.date
    towns: list[TownRow]
    total: TownRow
    cross_town: list[dict]

    HEADERS = ("排名", "镇（乡）", "在册户数", "在册人数", *KEY_COLUMNS, "重点户", "未落实一对一包保", "包保覆盖率",
               "应走访", "已走访", "未办结问题", "逾期问题", *(f"{r}（条）" for r in RULES), "最近副本导出时间")

    def rows(self) -> list[list[object]]:
        """The table as printed and exported: one row per town by rank, then the county total."""
        return [self._row(t, str(t.rank)) for t in self.towns] + [self._row(self.total, "")]

    @staticmethod
    def _row(t: TownRow, rank: str) -> list[object]:
        return [rank, t.name, t.households, t.members, *(t.key_groups.get(k, 0) for k in KEY_COLUMNS),
                t.key_households, t.key_uncovered, f"{100 * t.coverage:.1f}%", t.visits_due, t.visits_done,
                t.problems_open, t.problems_overdue, *(t.findings.get(r, 0) for r in RULES), t.copy_taken_at]


def _town_figures(s, month: str, today: dt.date) -> dict[int, dict]:
    """Each town's figures of the summary, from grouped-by-town queries over the whole county: the same
    conditions and counts as stats.stats() narrowed to a town (app.services.stats), one query per figure
    instead of every figure once per town. {town id: {...}}; a town without households is absent."""
    active = Household.status == vocab.HOUSEHOLD_ACTIVE
    figures: dict[int, dict] = {}

    def town(tid: int) -> dict:
        return figures.setdefault(tid, {"flags": {}, "states": Counter(), "uncovered": 0, "visits": (0, 0),
                                        "open": 0, "overdue": 0})

    for tid, flags, n in s.execute(select(Household.town_id, Household.key_flags, func.count()).where(active)
                                   .group_by(Household.town_id, Household.key_flags)):
        town(tid)["flags"][flags] = n
    for tid, state, n in s.execute(select(Household.town_id, Household.archive_state, func.count()).where(active)
                                   .group_by(Household.town_id, Household.archive_state)):
        town(tid)["states"][state] = n
    for tid, n in s.execute(select(Household.town_id, func.count()).select_from(Household)
                            .where(stats_service.key_uncovered()).group_by(Household.town_id)):
        town(tid)["uncovered"] = n
    for tid, tally in stats_service.visit_tally(s, month, by=Household.town_id).items():
        town(tid)["visits"] = tally
    for tid, n in s.execute(select(Problem.town_id, func.count()).where(problem_open()).group_by(Problem.town_id)):
        town(tid)["open"] = n
    for tid, n in s.execute(select(Problem.town_id, func.count()).where(problem_overdue(today))
                            .group_by(Problem.town_id)):
        town(tid)["overdue"] = n
    return figures


def county_summary(db: Database, *, month: str | None = None, today: dt.date | None = None) -> CountySummary:
    """Each town's figures (as of today; visits of month), ranked, and the county total."""
    today = today or dt.date.today()
    month = month or f"{today.year:04d}-{today.month:02d}"
    with county_read(db) as s:
        cross = [as_dict(f) for f in compute_findings(s, today, rules=[RULE_CROSS_TOWN]).items]
        figures = _town_figures(s, month, today)
    county = town_service.load_town(db).county_name
    cross_by_town = Counter(t for f in cross for t in f["towns"])
    rows = []
    for t in list_towns(db):
        f = figures.get(t.id) or {"flags": {}, "states": Counter(), "uncovered": 0, "visits": (0, 0), "open": 0,
                                  "overdue": 0}
        key_groups, key_households = stats_service.key_group_counts(f["flags"])
        row = TownRow(
            name=t.name, households=t.households, members=t.members,
            key_groups={k: key_groups.get(k, 0) for k in KEY_COLUMNS},
            key_households=key_households, key_uncovered=f["uncovered"],
            visits_due=f["visits"][0], visits_done=f["visits"][1],
            problems_open=f["open"], problems_overdue=f["overdue"],
            copy_taken_at=t.taken_at,
        )
        states = f["states"]
        row.findings = {
            "包保-一对一": row.key_uncovered, "问题-逾期": row.problems_overdue,
            "档案-不完整": states.get(vocab.ARCHIVE_INCOMPLETE, 0), "档案-不一致": states.get(vocab.ARCHIVE_INCONSISTENT, 0),
            RULE_CROSS_TOWN: cross_by_town.get(t.name, 0),
        }
        rows.append(row)
    rows.sort(key=lambda r: (-r.coverage, -r.visit_rate, r.problems_overdue, r.name))
    total = TownRow(name="全县合计", key_groups={k: 0 for k in KEY_COLUMNS}, findings={r: 0 for r in RULES})
    for i, r in enumerate(rows, start=1):
        r.rank = i
        total.add(r)
    total.findings[RULE_CROSS_TOWN] = len(cross)  # one ID shared by two towns is one finding for the county
    return CountySummary(county, month, today, rows, total, cross)


def county_pdf(db: Database, out, *, month: str | None = None, today: dt.date | None = None):
    """Gather the county summary of db and write its PDF to out (safely); returns the BuildResult."""
    from app import outputs
    from app.reports.county import build

    result = build(county_summary(db, month=month, today=today))
    outputs.write_bytes(out, result.pdf, databases=[db.path])
    return result
