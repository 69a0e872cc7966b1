"""问题台账 as the clerk works it: overdue problems stand out, progress and 办结 move the counts, a problem
is registered from a household with its village and point filled in."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt

from app.services import problems as ps
from app.services import stats
from app.ui.ledger_page import LedgerForm
from app.ui.ledger_problems import NoteDialog, ProblemsPage
from app.ui.ledger_widgets import RED
from tests.conftest import type_into
from tests.ledgers.helpers import answer, unit_id

TODAY = dt.date.today()
DAY = dt.timedelta(days=1)


def register(db, description: str, deadline: dt.date | None, **extra) -> int:
    raw = {"found_date": TODAY - 20 * DAY, "source": "群众反映", "focus_area": "住房保障",
           "description": description, "unit_id": unit_id(db, "镇村建中心"), "deadline": deadline, **extra}
    return ps.register(db, raw).id


@pytest.fixture
def page(qtbot, db):
    widget = ProblemsPage(db)
    qtbot.addWidget(widget)
    return widget


def show(qtbot, page: ProblemsPage) -> None:
    with qtbot.waitSignal(page.loaded, timeout=3000):
        page.show()


def row_of(page: ProblemsPage, description: str) -> int:
    col = [c.label for c in page.model.columns].index("问题描述")
    return next(r for r in range(page.model.rowCount())
                if page.model.data(page.model.index(r, col)) == description)


def test_a_problem_past_its_deadline_shows_as_overdue(qtbot, db, page):
    """An open problem past its deadline is red, says 逾期 N 天, and is counted in the 逾期 figure."""
    register(db, "屋顶漏水", TODAY - 3 * DAY)
    register(db, "路灯不亮", TODAY + 5 * DAY)
    show(qtbot, page)
    late, fine = row_of(page, "屋顶漏水"), row_of(page, "路灯不亮")
    brush = page.model.data(page.model.index(late, 0), Qt.ItemDataRole.ForegroundRole)
    assert brush is not None and brush.color() == RED
    assert page.model.data(page.model.index(fine, 0), Qt.ItemDataRole.ForegroundRole) is None
    note_col = [c.label for c in page.model.columns].index("期限提示")
    assert page.model.data(page.model.index(late, note_col)) == "逾期 3 天"
    assert "逾期 1</b>" in page.count_label.text()
    page.view.selectRow(late)
    assert "逾期 3 天" in page.detail_label.text()
    with qtbot.waitSignal(page.loaded, timeout=3000):
        page.preset.setCurrentIndex(page.preset.findData("逾期"))
    assert page.model.rowCount() == 1


def test_progress_then_resolve_moves_the_counts(qtbot, db, page):
    """记录进展 makes it 办理中; 办结 needs a result, then it is 已解决 and the open count drops."""
    register(db, "屋顶漏水", TODAY + 5 * DAY)
    show(qtbot, page)
    page.view.selectRow(0)
    assert page.progress_button.isEnabled() and not page.reopen_button.isEnabled()

    answer(NoteDialog, lambda d: type_into(d.text, "已联系施工队"))
    with qtbot.waitSignal(page.loaded, timeout=3000):
        page.progress_button.click()
    assert "办理中 1" in page.count_label.text()
    assert [p.note for p in page.progress_model.rows] == ["已联系施工队"]

    refusals: list[str] = []

    def press_blank(d: NoteDialog) -> None:
        d.ok.click()
        refusals.extend(d.banner.messages())

    answer(NoteDialog, lambda d: None, accept_with=press_blank)
    page.resolve_button.click()
    assert refusals == ["状态为“已解决”时请填写“办理结果”"]
    assert stats.stats(db)["problems"]["open"] == 1

    answer(NoteDialog, lambda d: type_into(d.text, "已维修屋面"))
    with qtbot.waitSignal(page.loaded, timeout=3000):
        page.resolve_button.click()
    assert "已解决 1" in page.count_label.text() and "待办 0" in page.count_label.text()
    assert stats.stats(db)["problems"] == {"open": 0, "overdue": 0}
    assert page.reopen_button.isEnabled() and not page.resolve_button.isEnabled()
    assert "已维修屋面" in page.detail_label.text()


def test_unresolvable_needs_a_reason(qtbot, db, page):
    """暂无法解决 with a reason closes the problem and shows the reason in the details."""
    register(db, "缺少耕地", None)
    show(qtbot, page)
    page.view.selectRow(0)
    answer(NoteDialog, lambda d: type_into(d.text, "无可调整土地"))
    with qtbot.waitSignal(page.loaded, timeout=3000):
        page.unresolvable_button.click()
    assert "暂无法解决 1" in page.count_label.text()
    assert "无可调整土地" in page.detail_label.text()


def test_registering_from_a_household_fills_its_village_and_point(qtbot, db, place, add_household, page):
    """登记问题 for a household shows its village and point in the list without the clerk choosing them."""
    hid = add_household("赵漏水")
    show(qtbot, page)

    def fill(form: LedgerForm) -> None:
        form.widgets["focus_area"].setCurrentIndex(form.widgets["focus_area"].findData("住房保障"))
        type_into(form.widgets["description"], "房屋漏水")

    answer(LedgerForm, fill)
    with qtbot.waitSignal(page.loaded, timeout=3000):
        assert page.register(household_id=hid) is not None
    labels = [c.label for c in page.model.columns]
    assert page.model.data(page.model.index(0, labels.index("涉及户"))).startswith("赵漏水")
    assert page.model.data(page.model.index(0, labels.index("村"))) == "清江村"
    assert page.model.data(page.model.index(0, labels.index("安置点"))) == "新寨安置点"


def test_choosing_a_household_in_the_form_shows_its_village_and_point(qtbot, db, place, add_household, page):
    """Picking the household in the problem form fills in its village and settlement point at once."""
    hid = add_household("钱某", point=place[2])
    from app.ledgers import PROBLEMS, engine

    form = LedgerForm(db, PROBLEMS, engine.new_record(PROBLEMS), page)
    qtbot.addWidget(form)
    form.widgets["household_id"].set_value(hid, "钱某")
    assert form.widgets["village_id"].currentData() == place[0]
    assert form.widgets["settlement_point_id"].currentData() == place[2]
