"""首页: the figures of the dashboard. The headline numbers are `stats.stats()` itself (the SPEC §7 counts
that `stats --json` prints), so the screen and the command line can never disagree; the breakdowns come
from the same module's queries. Plain data out, no Qt; one read transaction per part."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select

from app import vocab
from app.db import Database
from app.models import SettlementPoint, Village
from app.services import stats


@dataclass(frozen=True, slots=True)
class PlaceCount:
    id: int
    name: str
    village: str  # for a point
    kind: str  # for a point: 集中 / 分散
    households: int
    members: int


@dataclass
class Dashboard:
    today: dt.date
    month: str
    stats: dict  # exactly stats.stats(db, month, today) without its people detail (not shown here)
    villages: list[PlaceCount] = field(default_factory=list)
    points: list[PlaceCount] = field(default_factory=list)
    archive: dict[int, int] = field(default_factory=dict)  # vocab archive state -> households
    points_failing: int = 0  # points (of any size) lacking the 包保 leader §4.3 asks for

    @property
    def households(self) -> int:
        return self.stats["households"]

    @property
    def members(self) -> int:
        return self.stats["members"]

    @property
    def visits_behind(self) -> int:
        return self.stats["visits"]["due"] - self.stats["visits"]["done"]

    @property
    def archive_complete_pct(self) -> float | None:
        """None when there is no household: no rate over nothing."""
        total = sum(self.archive.values())
        return 100.0 * self.archive.get(vocab.ARCHIVE_COMPLETE, 0) / total if total else None


def load(db: Database, *, today: dt.date | None = None, month: str | None = None) -> Dashboard:
    """Everything the 首页 shows, for `today` (the visits of `month`, default this month)."""
    today = today or dt.date.today()
    month = month or f"{today.year:04d}-{today.month:02d}"
    figures = stats.stats(db, month=month, today=today, people_detail=False)
    with db.read() as s:
        village_ids = dict(s.execute(select(Village.name, Village.id)).all())
        villages = [PlaceCount(village_ids[name], name, "", "", v["households"], v["members"])
                    for name, v in figures["villages"].items() if name in village_ids]
        per_point = stats.point_breakdown(s)
        points = [PlaceCount(pid, name, vname, kind, *per_point.get(pid, (0, 0)))
                  for pid, name, vname, kind in s.execute(
                      select(SettlementPoint.id, SettlementPoint.name, Village.name, SettlementPoint.kind)
                      .join(Village).order_by(Village.name, SettlementPoint.name))]
        archive = stats.archive_state_counts(s)
        # Points of any size whose 包保 breaks §4.3, by the rule 包保's page applies (app.rules.coverage).
        failing = len(stats.uncovered_points(s, sizes={pid: n for pid, (n, _people) in per_point.items()}))
    villages.sort(key=lambda v: -v.households)
    points.sort(key=lambda p: -p.households)
    return Dashboard(today, month, figures, villages, points, archive, failing)
