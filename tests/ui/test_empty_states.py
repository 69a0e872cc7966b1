"""An empty database tells the clerk what to do first and shows no rate over nothing."""

from __future__ import annotations

import pytest

from app.ui.main_window import MainWindow


@pytest.fixture
def window(qtbot, db):
    w = MainWindow(db)
    qtbot.addWidget(w)
    w.resize(1366, 705)
    w.show()
    return w


def test_the_dashboard_says_what_to_do_first_and_shows_no_rate(qtbot, window):
    dashboard = window.work.dashboard
    qtbot.waitUntil(lambda: dashboard.empty_hint.isVisible(), timeout=5000)
    assert "导入花名册" in dashboard.empty_hint.text() and "基础信息" in dashboard.empty_hint.text()
    detail = dashboard.cards["archive"].findChildren(type(dashboard.empty_hint))
    assert any("完整率 —" in label.text() for label in detail)
    assert not any("100" in label.text() for label in detail)


def test_the_household_list_says_what_to_do_first(qtbot, window):
    page = window.show_page("户档案")
    qtbot.waitUntil(lambda: "导入花名册" in page.count_label.text(), timeout=5000)


def test_a_ledger_says_how_to_add_the_first_record(qtbot, window):
    page = window.show_page("问题台账")
    qtbot.waitUntil(lambda: "还没有问题台账记录" in page.count_label.text(), timeout=5000)


def test_the_assessment_shows_no_data_not_100_points(qtbot, window):
    page = window.show_page("年度考核")
    with qtbot.waitSignal(page.loaded, timeout=10000):
        page.refresh()
    assert page.empty_hint.isVisible()
    totals = {page.model.data(page.model.index(r, page.model.columnCount() - 1)) for r in range(page.model.rowCount())}
    assert totals <= {"暂无数据"}
    assert page.model.rowCount() > 0  # the departments are listed, unscored


def test_the_dashboard_rate_appears_with_households(qtbot, db, add_household, window):
    add_household("王明华")
    dashboard = window.work.dashboard
    with qtbot.waitSignal(dashboard.loaded, timeout=5000):
        dashboard.refresh()
    assert not dashboard.empty_hint.isVisible()
    labels = dashboard.cards["archive"].findChildren(type(dashboard.empty_hint))
    assert any("完整率 100.0%" in label.text() for label in labels)
