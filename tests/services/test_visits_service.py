"""走访 (SPEC §4.4): a visit and the problem it raised saved together; the monthly matrix and per-cadre
figures use the same definition of due and done as `stats`."""

from __future__ import annotations

import datetime as dt

import pytest

from app.ledgers import PROBLEMS, VISITS, LedgerRefused, engine
from app.services import baobao as bs
from app.services import stats
from app.services import visits as vs
from tests.ledgers.helpers import cadre, key_households

TODAY = dt.date.today()
MONTH = f"{TODAY:%Y-%m}"
DAY = dt.timedelta(days=1)


@pytest.fixture
def covered(db, add_household):
    """Three key households under one cadre's one-to-one 包保 since last year; returns (homes, cadre id)."""
    homes = key_households(add_household)
    c = cadre(db, "张包保")
    bs.assign_households(db, [homes["低收入"], homes["无房"], homes["两者"]], c, TODAY.replace(day=1) - 400 * DAY)
    return homes, c


def visit(db, household: int, cadre_id: int, day: dt.date = TODAY, findings: str = "了解近况"):
    return vs.record_visit(db, {"date": day, "cadre_id": cadre_id, "household_id": household, "way": "入户",
                                "findings": findings})


def test_a_visit_by_the_cadre_counts_as_done_this_month(db, covered):
    """After the cadre visits one household, stats, the matrix and the per-cadre view each count it."""
    homes, c = covered
    assert stats.stats(db, month=MONTH)["visits"] == {"month": MONTH, "due": 3, "done": 0}
    visit(db, homes["低收入"], c)
    assert stats.stats(db, month=MONTH)["visits"]["done"] == 1
    matrix = vs.matrix(db, TODAY.year, today=TODAY)
    assert (matrix.due, matrix.done) == (3, 1)
    row = next(r for r in matrix.rows if r.household_id == homes["低收入"])
    assert row.counts[TODAY.month - 1] == 1 and not row.behind
    assert all(r.behind for r in matrix.rows if r.household_id != homes["低收入"])
    assert all(count is None for count in row.counts[TODAY.month:])
    me = next(x for x in vs.by_cadre(db, MONTH) if x.cadre_id == c)
    assert (me.households, me.visited, me.behind, me.visits) == (3, 1, 2, 1)
    mine = {h.household_id: h for h in vs.cadre_households(db, c, MONTH)}
    assert mine[homes["低收入"]].visited and mine[homes["低收入"]].last_visit == TODAY


def test_a_visit_by_another_cadre_does_not_count(db, covered):
    """Only the household's own 包保 cadre's visit fulfils the monthly visit."""
    homes, _c = covered
    visit(db, homes["低收入"], cadre(db, "李路过"))
    assert stats.stats(db, month=MONTH)["visits"]["done"] == 0
    assert vs.matrix(db, TODAY.year, today=TODAY).done == 0


def test_earlier_months_are_credited_to_the_cadre_of_the_time(db, covered):
    """After a reassignment, visits made by the previous cadre during their 包保 still show in their month."""
    homes, old = covered
    if TODAY.month == 1:
        pytest.skip("needs an earlier month in the same year")
    last_month = TODAY.replace(day=1) - DAY
    visit(db, homes["无房"], old, last_month)
    new = cadre(db, "李接手")
    bs.assign_households(db, [homes["无房"]], new, TODAY.replace(day=1))
    row = next(r for r in vs.matrix(db, TODAY.year, today=TODAY).rows if r.household_id == homes["无房"])
    assert row.cadre == "李接手" and row.counts[last_month.month - 1] == 1 and row.behind


def test_a_visit_and_its_problem_are_saved_together(db, covered):
    """Raising a problem while recording a visit registers it as 走访 at the visit's household and date."""
    homes, c = covered
    saved = vs.record_visit(db, {"date": TODAY - DAY, "cadre_id": c, "household_id": homes["无房"], "way": "入户",
                                 "findings": "屋顶漏雨"},
                            {"focus_area": "住房保障", "description": "屋顶漏雨，需维修", "deadline": TODAY + 9 * DAY})
    problem = engine.load(db, PROBLEMS, saved.problem_id).values
    assert (problem["source"], problem["household_id"], problem["visit_id"], problem["found_date"]) == \
        ("走访", homes["无房"], saved.visit_id, TODAY - DAY)
    assert stats.stats(db)["problems"]["open"] == 1
    assert engine.fetch_rows(db, VISITS, [saved.visit_id])[0].labels["problems"] == "1 个"


def test_a_refused_problem_writes_neither(db, covered):
    """If the problem raised on a visit is incomplete, neither the visit nor the problem is written."""
    homes, c = covered
    with pytest.raises(LedgerRefused) as refused:
        vs.record_visit(db, {"date": TODAY, "cadre_id": c, "household_id": homes["无房"], "way": "入户"},
                        {"focus_area": None, "description": "漏雨"})
    assert [e.field for e in refused.value.errors] == ["problem.focus_area"]
    assert "问题：请选择“所属领域”" in refused.value.errors[0].message
    assert engine.query(db, VISITS).ids == [] and engine.query(db, PROBLEMS).ids == []


def test_a_visit_cannot_be_in_the_future(db, covered):
    """A visit dated tomorrow is refused naming 走访日期."""
    homes, c = covered
    with pytest.raises(LedgerRefused, match="“走访日期”不能晚于今天"):
        visit(db, homes["无房"], c, TODAY + DAY)


def test_a_new_visit_proposes_the_households_cadre(db, covered):
    """Starting a visit for a covered household proposes its 包保 cadre."""
    homes, c = covered
    record = vs.new_visit(db, household_id=homes["两者"])
    assert record.values["cadre_id"] == c and record.labels["household_id"].startswith("李两者")


def test_points_without_a_fusion_activity_this_year_are_behind(db, place, add_household):
    """A point with households and no 居民融合共建活动 this year is behind; one activity puts it right."""
    from app.models import Activity

    add_household("甲", point=place[1])
    add_household("乙", point=place[2])
    with db.write() as s:
        s.add(Activity(date=TODAY, kind="居民融合共建活动", settlement_point_id=place[1], title="邻里节"))
        s.add(Activity(date=TODAY, kind="宣传", settlement_point_id=place[2], title="政策宣讲"))
    status = {p.point_id: p for p in vs.fusion_status(db, TODAY.year)}
    assert not status[place[1]].behind and status[place[1]].last == TODAY
    assert status[place[2]].behind  # a 宣传 activity is not a 融合共建 activity
    assert vs.fusion_status(db, TODAY.year)[0].point_id == place[2]  # behind first
