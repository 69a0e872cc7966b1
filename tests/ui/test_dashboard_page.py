"""首页: the figures are stats' figures, and each one opens the list behind it with the same count."""

from __future__ import annotations

import datetime as dt

import pytest

from app import vocab
from app.services import problems as ps
from app.services import stats
from app.ui.dashboard import DashboardPage, Target
from app.ui.household_list import HouseholdListPage
from app.ui.main_window import MainWindow
from tests.ledgers.helpers import key_households, unit_id

TODAY = dt.date.today()


@pytest.fixture
def homes(add_household):
    return key_households(add_household)


@pytest.fixture
def dashboard(qtbot, db, homes):
    page = DashboardPage(db)
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.loaded, timeout=3000):
        page.show()
    return page


def overdue_problem(db) -> int:
    return ps.register(db, {"found_date": TODAY - dt.timedelta(days=20), "source": "督查", "focus_area": "环境整治",
                            "description": "垃圾积存", "unit_id": unit_id(db, "镇水利移民站"),
                            "deadline": TODAY - dt.timedelta(days=2)}).id


def test_the_figures_are_the_stats_figures(db, dashboard):
    """Each card shows the number stats --json prints."""
    figures = stats.stats(db)
    assert dashboard.cards["households"].value.text() == str(figures["households"])
    assert dashboard.cards["members"].value.text() == str(figures["members"])
    assert dashboard.cards["sante"].value.text() == str(figures["key_groups"]["三特户"])
    assert dashboard.cards["sanwu"].value.text() == str(figures["key_groups"]["三无户"])
    assert dashboard.cards["uncovered"].value.text() == str(figures["baobao"]["key_households_uncovered"]) == "3"
    assert dashboard.cards["open"].value.text() == "0"


def test_clicking_a_figure_opens_the_list_with_that_many_households(qtbot, db, dashboard):
    """三无户 on the 首页 opens the household list filtered to 三无户, listing as many as the card says."""
    targets: list[Target] = []
    dashboard.open_requested.connect(targets.append)
    dashboard.click("sanwu")
    assert targets == [Target("households", {"key_group": vocab.GROUP_SANWU})]
    households = HouseholdListPage(db)
    qtbot.addWidget(households)
    with qtbot.waitSignal(households.loaded, timeout=3000):
        households.apply_filter(**targets[0].filters)
    assert households.model.rowCount() == int(dashboard.cards["sanwu"].value.text()) == 2


def test_clicking_a_village_row_lists_its_households(qtbot, db, place, dashboard):
    """A village's row on the 首页 opens the household list for that village."""
    targets: list[Target] = []
    dashboard.open_requested.connect(targets.append)
    dashboard.village_view.clicked.emit(dashboard.village_model.index(0, 0))
    assert targets == [Target("households", {"village_id": place[0]})]


def test_the_main_window_routes_a_figure_to_its_page(qtbot, db, homes):
    """In the main window, clicking 逾期问题 switches to 问题台账 showing only the overdue problem."""
    overdue_problem(db)
    window = MainWindow(db)
    qtbot.addWidget(window)
    work = window.work
    names = [window.nav.item(i).text() for i in range(window.nav.count())]
    assert names[0] == "首页" and {"包保", "走访", "问题台账", "干部与单位"} <= set(names)
    window.show()
    assert window.current_page() is work.dashboard
    qtbot.waitUntil(lambda: work.dashboard.cards["overdue"].value.text() == "1", timeout=3000)
    assert work.dashboard.cards["overdue"].value.text() == "1"
    with qtbot.waitSignal(work.problems.loaded, timeout=3000):
        work.dashboard.click("overdue")
    assert window.current_page() is work.problems
    assert work.problems.preset.currentData() == "逾期" and work.problems.model.rowCount() == 1
    work.dashboard.click("uncovered")
    assert window.current_page() is work.baobao
    assert len(work.baobao.uncovered_model.rows) == 3
    work.dashboard.click("visits")
    assert window.current_page() is work.visits and work.visits.matrix.behind_only.isChecked()
    work.wait()


def test_the_window_reads_the_home_page_once_and_before_the_household_list(qtbot, db, homes, monkeypatch):
    """首页 is the first page: its figures are asked for while the window is built, ahead of the household
    list's query, and showing the window does not read them a second time."""
    from app.services import dashboard as ds
    from app.services import households as hs

    calls: list[str] = []
    load, query_list = ds.load, hs.query_list
    monkeypatch.setattr(ds, "load", lambda *a, **k: (calls.append("首页"), load(*a, **k))[1])
    monkeypatch.setattr(hs, "query_list", lambda *a, **k: (calls.append("户档案"), query_list(*a, **k))[1])
    window = MainWindow(db)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.work.dashboard.loaded, timeout=5000):
        window.show()
    qtbot.waitUntil(lambda: "户档案" in calls, timeout=5000)
    assert calls == ["首页", "户档案"]
    assert window.work.dashboard.cards["households"].value.text() == str(stats.stats(db)["households"])


def test_every_card_line_fits_at_1366_pixels_with_county_sized_counts(qtbot, dashboard):
    """At 1366×705 with six-digit counts, no card's line of detail is cut at the card's edge."""
    import copy

    def inflated(value):
        if isinstance(value, dict):
            return {k: inflated(v) for k, v in value.items()}
        return 888_888 if isinstance(value, int) and not isinstance(value, bool) else value

    data = copy.copy(dashboard.data)
    data.stats = inflated(dashboard.data.stats)
    data.stats["visits"]["month"] = dashboard.data.stats["visits"]["month"]
    data.stats["baobao"].update(points_50plus=8_888, points_50plus_without_town_leader=8_888)  # points: thousands
    data.archive = {state: 888_888 for state in dashboard.data.archive}
    data.points_failing = 888
    dashboard.resize(1366 - 180, 705)  # the window's width less the navigation bar
    dashboard.show_data(data)
    qtbot.wait(10)
    for name, card in dashboard.cards.items():
        text = card.detail.text()
        assert card.detail.fontMetrics().horizontalAdvance(text) <= card.detail.width(), (name, text)
