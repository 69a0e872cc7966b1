"""The 首页's figures are `stats --json`'s figures, with breakdowns from the same queries."""

from __future__ import annotations

import datetime as dt

from app import vocab
from app.services import baobao as bs
from app.services import dashboard as ds
from app.services import stats
from tests.ledgers.helpers import cadre, key_households


def test_dashboard_figures_are_the_stats_figures(db, place, add_household):
    """Every headline number on the 首页 is the stats object; village and point rows add up to it."""
    homes = key_households(add_household)
    bs.assign_households(db, [homes["低收入"]], cadre(db), dt.date.today())
    d = ds.load(db)
    full = stats.stats(db)
    assert d.stats == {k: v for k, v in full.items() if k not in stats.PEOPLE_DETAIL}  # the same counts
    assert d.members == full["members"] == sum(full["employment"].values())
    assert sum(v.households for v in d.villages) == d.households == 4
    assert sum(p.households for p in d.points) == 4 and sum(p.members for p in d.points) == d.members
    assert d.stats["baobao"]["key_households_uncovered"] == 2
    assert d.archive[vocab.ARCHIVE_COMPLETE] + d.archive[vocab.ARCHIVE_INCOMPLETE] \
        + d.archive[vocab.ARCHIVE_INCONSISTENT] == 4
    assert d.points_failing == 1  # the point with households has no 包保 cadre at all
