"""问题台账 workflow: register from where the problem was found, progress, resolve, 暂无法解决, reopen,
overdue — and the counts that stats and the dashboard show move with it."""

from __future__ import annotations

import datetime as dt

import pytest

from app.ledgers import PROBLEMS, LedgerQuery, LedgerRefused, engine
from app.services import problems as ps
from app.services import stats
from tests.ledgers.helpers import unit_id

TODAY = dt.date.today()
DAY = dt.timedelta(days=1)


def register(db, **values):
    raw = {"found_date": TODAY - 20 * DAY, "source": "群众反映", "focus_area": "住房保障",
           "description": "房屋漏水", "unit_id": unit_id(db, "镇村建中心"), "deadline": TODAY + 10 * DAY}
    raw.update(values)
    return ps.register(db, raw).id


def test_a_problem_at_a_household_is_filed_under_its_village_and_point(db, place, add_household):
    """Registering a problem for a household files it under that household's village and point too."""
    hid = add_household("赵漏水")
    record = ps.new_problem(db, household_id=hid)
    assert record.values["village_id"] == place[0] and record.values["settlement_point_id"] == place[1]
    problem_id = register(db, household_id=hid, village_id=None, settlement_point_id=None)
    values = engine.load(db, PROBLEMS, problem_id).values
    assert (values["village_id"], values["settlement_point_id"]) == (place[0], place[1])
    assert engine.query(db, PROBLEMS, LedgerQuery(village_id=place[0])).ids == [problem_id]


def test_a_problem_at_a_point_takes_its_village(db, place):
    """A problem about a settlement point is found under the point's village."""
    problem_id = register(db, settlement_point_id=place[2])
    assert engine.load(db, PROBLEMS, problem_id).values["village_id"] == place[0]


def test_progress_moves_a_new_problem_to_in_progress(db):
    """The first progress note turns 待办 into 办理中 and is listed with its date."""
    problem_id = register(db)
    ps.record_progress(db, problem_id, TODAY - DAY, "已联系施工队")
    detail = ps.detail(db, problem_id)
    assert detail.record.values["status"] == "办理中"
    assert [(p.date, p.note) for p in detail.progress] == [(TODAY - DAY, "已联系施工队")]


def test_progress_needs_a_note_and_a_sensible_date(db):
    """A blank note, a future date or a date before the problem was found is refused."""
    problem_id = register(db)
    with pytest.raises(LedgerRefused, match="请填写“进展情况”"):
        ps.record_progress(db, problem_id, TODAY, "  ")
    with pytest.raises(LedgerRefused, match="不能晚于今天"):
        ps.record_progress(db, problem_id, TODAY + DAY, "明天的事")
    with pytest.raises(LedgerRefused, match="不能早于"):
        ps.record_progress(db, problem_id, TODAY - 30 * DAY, "太早")
    assert ps.detail(db, problem_id).progress == []


def test_resolving_needs_a_result_and_closes_the_problem(db):
    """办结 without a result is refused naming 办理结果; with one the problem is 已解决 and no longer open."""
    problem_id = register(db)
    before = stats.stats(db)["problems"]["open"]
    with pytest.raises(LedgerRefused, match="办理结果"):
        ps.resolve(db, problem_id, TODAY, "")
    ps.resolve(db, problem_id, TODAY, "已维修屋面")
    values = engine.load(db, PROBLEMS, problem_id).values
    assert (values["status"], values["resolved_date"], values["result"]) == ("已解决", TODAY, "已维修屋面")
    assert stats.stats(db)["problems"]["open"] == before - 1
    with pytest.raises(LedgerRefused, match="已解决"):
        ps.record_progress(db, problem_id, TODAY, "再来一条")


def test_unresolvable_needs_a_reason(db):
    """暂无法解决 without a reason is refused; with one it is closed and keeps the reason."""
    problem_id = register(db)
    with pytest.raises(LedgerRefused, match="暂无法解决原因"):
        ps.mark_unresolvable(db, problem_id, TODAY, "")
    ps.mark_unresolvable(db, problem_id, TODAY, "资金未落实，列入明年计划")
    values = engine.load(db, PROBLEMS, problem_id).values
    assert values["status"] == "暂无法解决" and values["unresolvable_reason"] == "资金未落实，列入明年计划"


def test_reopening_puts_a_closed_problem_back_in_hand(db):
    """重新办理 makes a resolved problem 办理中 again and open in the counts."""
    problem_id = register(db)
    ps.resolve(db, problem_id, TODAY, "已解决")
    ps.reopen(db, problem_id)
    assert engine.load(db, PROBLEMS, problem_id).values["status"] == "办理中"
    assert stats.stats(db)["problems"]["open"] == 1


def test_an_open_problem_past_its_deadline_is_overdue_everywhere(db):
    """An open problem past its deadline is overdue in stats, the 逾期 filter and its row; resolved, it is not."""
    late = register(db, deadline=TODAY - 3 * DAY)
    on_time = register(db, deadline=TODAY + 3 * DAY)
    no_deadline = register(db, deadline=None)
    assert stats.stats(db)["problems"] == {"open": 3, "overdue": 1}
    result = engine.query(db, PROBLEMS, LedgerQuery(preset="逾期"))
    assert result.ids == [late] and result.alerts == 1
    rows = {r.id: r for r in engine.fetch_rows(db, PROBLEMS, [late, on_time, no_deadline])}
    assert rows[late].alert and not rows[on_time].alert and not rows[no_deadline].alert
    assert rows[late].labels["deadline_note"] == "逾期 3 天"
    ps.resolve(db, late, TODAY, "已处理")
    assert stats.stats(db)["problems"] == {"open": 2, "overdue": 0}


def test_deadline_before_found_date_is_refused(db):
    """A deadline earlier than the day the problem was found is refused naming both fields."""
    with pytest.raises(LedgerRefused, match="“办理期限”不能早于“发现日期”"):
        register(db, deadline=TODAY - 30 * DAY)
