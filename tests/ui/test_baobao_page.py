"""包保 as the clerk works it: on a fresh archive every key household is listed as uncovered; assigning a
cadre takes it off the list; bulk assignment and reassignment keep the history; points get their leader."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QItemSelectionModel
from PySide6.QtWidgets import QComboBox

from app.services import baobao as bs
from app.services import stats
from app.ui.baobao_page import BaobaoPage, HistoryDialog, _FormDialog
from tests.ledgers.helpers import answer, cadre, key_households

TODAY = dt.date.today()


@pytest.fixture
def homes(add_household):
    return key_households(add_household)


@pytest.fixture
def page(qtbot, db, homes):
    widget = BaobaoPage(db)
    qtbot.addWidget(widget)
    widget.show()
    return widget


def choose_cadre(cadre_id: int):
    def fill(d: _FormDialog) -> None:
        box = next(c for c in d.findChildren(QComboBox) if c.objectName() == "cadre")
        box.setCurrentIndex(box.findData(cadre_id))

    return fill


def select_rows(view, rows) -> None:
    model = view.model()
    view.clearSelection()
    for r in rows:
        view.selectionModel().select(model.index(r, 0), QItemSelectionModel.SelectionFlag.Select
                                     | QItemSelectionModel.SelectionFlag.Rows)


def test_a_fresh_archive_lists_every_sante_and_sanwu_household(db, homes, page):
    """With no 包保 yet every 三特户 and 三无户, and no other household, is listed uncovered, as stats says."""
    listed = {h.household_id for h in page.uncovered_model.rows}
    assert listed == {homes["低收入"], homes["无房"], homes["两者"]}
    assert "未落实一对一包保 3 户" in page.summary.text()
    assert stats.stats(db)["baobao"]["key_households_uncovered"] == 3


def test_assigning_a_cadre_takes_the_household_off_the_uncovered_list(db, homes, page):
    """Selecting an uncovered household and 指定包保干部 removes it from the list at once."""
    c = cadre(db, "张包保")
    page.refresh()
    row = next(i for i, h in enumerate(page.uncovered_model.rows) if h.household_id == homes["无房"])
    select_rows(page.uncovered_view, [row])
    answer(_FormDialog, choose_cadre(c))
    assert page.assign_uncovered() is not None
    assert homes["无房"] not in {h.household_id for h in page.uncovered_model.rows}
    assert "未落实一对一包保 2 户" in page.summary.text()
    assert stats.stats(db)["baobao"]["key_households_uncovered"] == 2


def test_assigning_without_a_cadre_is_refused(db, homes, page):
    """确定 without choosing a cadre keeps the dialog open with 请选择“包保干部”; nothing changes."""
    select_rows(page.uncovered_view, [0])
    seen: list[str] = []

    def press(d: _FormDialog) -> None:
        d.ok.click()
        seen.extend(d.banner.messages())

    answer(_FormDialog, lambda d: None, accept_with=press)
    assert page.assign_uncovered() is None
    assert seen == ["请选择“包保干部”"]
    assert len(page.uncovered_model.rows) == 3


def test_bulk_assignment_then_reassignment_keeps_history(qtbot, db, homes, page):
    """Several households get one cadre at once; one of them reassigned shows both cadres in its history."""
    first, second = cadre(db, "张一"), cadre(db, "李二")
    with qtbot.waitSignal(page.loaded, timeout=3000):
        page.tabs.setCurrentIndex(1)
    assert page.household_model.rowCount() == 3  # 重点户 by default
    select_rows(page.household_view, [0, 1, 2])
    answer(_FormDialog, choose_cadre(first))
    with qtbot.waitSignal(page.loaded, timeout=3000):
        result = page.assign_selected()
    assert result.assigned == 3
    assert page.uncovered_model.rows == []
    cadres = {page.household_model.row(r).cadre for r in range(3)}
    assert cadres == {"张一"}

    target = page.household_model.id_at(0)
    select_rows(page.household_view, [0])
    answer(_FormDialog, choose_cadre(second))
    with qtbot.waitSignal(page.loaded, timeout=3000):
        assert page.assign_selected().reassigned == 1
    assert page.household_model.row(page.household_model.ids.index(target)).cadre == "李二"
    select_rows(page.household_view, [page.household_model.ids.index(target)])
    history: list[str] = []
    answer(HistoryDialog, lambda d: history.extend(
        f"{e.who.split('（')[0]}:{'至今' if e.end is None else '已结束'}" for e in d.findChild(
            type(page.points_view), "history").model().rows))
    page.history_selected()
    assert history == ["李二:至今", "张一:已结束"]


def test_uncovered_filter_in_the_household_tab(qtbot, db, homes, page):
    """包保 filter 未落实包保 lists exactly the uncovered key households."""
    bs.assign_households(db, [homes["低收入"]], cadre(db), TODAY)
    with qtbot.waitSignal(page.loaded, timeout=3000):
        page.tabs.setCurrentIndex(1)
    with qtbot.waitSignal(page.loaded, timeout=3000):
        page.cover.setCurrentIndex(page.cover.findData(bs.COVERAGE_UNCOVERED))
    assert set(page.household_model.ids) == {homes["无房"], homes["两者"]}


def test_a_point_gets_its_leader(db, place, homes, page):
    """A point breaking the rule is listed red as 未落实; assigning a 联系村党政班子成员 makes it 符合."""
    leader = cadre(db, "联系领导", "联系村党政班子成员", "副镇长")
    page.refresh()
    row = next(i for i, p in enumerate(page.points_model.rows) if p.point_id == place[1])
    assert not page.points_model.rows[row].ok
    page.points_view.selectRow(row)
    answer(_FormDialog, choose_cadre(leader))
    assert page.assign_point() is not None
    point = next(p for p in page.points_model.rows if p.point_id == place[1])
    assert point.ok and "联系领导" in point.leaders


def test_the_selection_survives_a_refresh(qtbot, db, homes, page):
    """Households selected before the list reloads are still selected after it."""
    with qtbot.waitSignal(page.loaded, timeout=3000):
        page.tabs.setCurrentIndex(1)
    select_rows(page.household_view, [0, 2])
    chosen = page.selected_households()
    with qtbot.waitSignal(page.loaded, timeout=3000):
        page.refresh_households()
    assert page.selected_households() == chosen and len(chosen) == 2
