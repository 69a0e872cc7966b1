"""督办提醒 on the 首页, the 问题台账 import dialog and the plan's measures and 责任分解表, as the clerk uses them."""

from __future__ import annotations

import datetime as dt

from openpyxl import load_workbook
from PySide6.QtWidgets import QPushButton

from app.ledgers import PROBLEMS, engine
from app.services import duties, plans
from app.ui.dashboard import DashboardPage
from app.ui.duties_panel import CloseDialog, FindingsDialog
from app.ui.plan_page import ItemDialog, PlanPage
from app.ui.problem_import import ProblemImportDialog
from tests.io.test_problems_import import ledger, problem_rows
from tests.ledgers.helpers import answer, silence_messages, unit_id
from tests.ui.qt_helpers import on_modal

TODAY = dt.date.today()


def loaded_dashboard(qtbot, db) -> DashboardPage:
    """首页 with its 督办提醒 counts and the list behind them (worded in the background after the counts)."""
    page = DashboardPage(db)
    qtbot.addWidget(page)
    page.resize(1366, 705)
    with qtbot.waitSignal(page.duties_listed, timeout=5000):
        page.show()
    return page


def test_the_panel_counts_each_rule_and_opens_its_list(qtbot, db, add_household):
    """The panel lists the rules with findings and their counts; clicking one shows exactly its findings."""
    low = add_household("钱低收", tags=("低收入户",))
    add_household("孙无房", housing="无房")
    page = loaded_dashboard(qtbot, db)
    counts = {row[0]: row[2] for row in page.duties_model.rows}
    assert counts["包保-一对一"] == 2 and counts["应保尽保"] == 1
    assert counts == {k: v for k, v in duties.findings(db, TODAY).by_rule.items() if v}
    row = next(i for i, r in enumerate(page.duties_model.rows) if r[0] == "应保尽保")
    seen: list[int] = []

    def look(dialog: FindingsDialog) -> None:
        seen.extend(f.subject_id for f in dialog.model.rows)
        assert dialog.count.text() == "共 1 条"

    with on_modal(FindingsDialog, look):
        page.duties_view.clicked.emit(page.duties_model.index(row, 0))
    assert seen == [low]


def test_the_panel_shows_counts_first_and_the_list_behind_them_follows(qtbot, db, add_household):
    """The panel fills from the counts alone; the list is worded next, and its counts are the panel's."""
    add_household("钱低收", tags=("低收入户",))
    add_household("孙无房", housing="无房")
    page = DashboardPage(db)
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.duties_listed, timeout=5000), qtbot.waitSignal(page.duties_loaded, timeout=5000):
        page.show()
    assert page.findings is not None and page.findings.listed
    assert {f.rule for f in page.findings.items} >= {"包保-一对一", "应保尽保"}
    counts = {row[0]: row[2] for row in page.duties_model.rows}
    assert counts == {k: v for k, v in duties.findings(db, TODAY).by_rule.items() if v}


def test_a_count_clicked_before_its_list_arrives_opens_the_list_when_it_does(qtbot, db, add_household,
                                                                            monkeypatch):
    """A click on the panel while the list is still being worded says so, and the rule's list opens as soon as
    it is at hand; the GUI thread does not word it."""
    import threading

    low = add_household("钱低收", tags=("低收入户",))
    release = threading.Event()
    listed = duties.findings
    gui = threading.get_ident()
    worded_on: list[int] = []

    def held(*args, **kwargs):
        worded_on.append(threading.get_ident())
        release.wait(10)
        return listed(*args, **kwargs)

    monkeypatch.setattr(duties, "findings", held)
    page = DashboardPage(db)
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.duties_loaded, timeout=5000):
        page.show()
    assert page.findings is not None and not page.findings.listed and page.findings.items == []
    row = next(i for i, r in enumerate(page.duties_model.rows) if r[0] == "应保尽保")
    page.duties_view.clicked.emit(page.duties_model.index(row, 0))
    assert "正在整理清单" in page.table_titles["duties"].text()
    seen: list[int] = []
    with (on_modal(FindingsDialog, lambda dialog: seen.extend(f.subject_id for f in dialog.model.rows)),
          qtbot.waitSignal(page.duties_listed, timeout=5000)):
        release.set()
    assert seen == [low] and page.findings.listed
    assert worded_on and gui not in worded_on
    assert "点击查看" in page.table_titles["duties"].text()


def test_a_list_still_being_worded_when_the_page_refreshes_is_not_shown(qtbot, db, add_household, monkeypatch):
    """The list behind the panel that was being worded when the clerk came back with a changed record (刷新) is
    of the records before: it is dropped, and only the list of the new counts is shown."""
    import threading

    add_household("钱低收", tags=("低收入户",))
    release = threading.Event()
    listed = duties.findings

    def held(*args, **kwargs):  # reads the records, then waits before it hands the list over
        found = listed(*args, **kwargs)
        release.wait(10)
        return found

    monkeypatch.setattr(duties, "findings", held)
    page = DashboardPage(db)
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.duties_loaded, timeout=5000):
        page.show()
    add_household("孙低收", tags=("低收入户",))
    page.refresh()  # its counts queue behind the list being worded
    lists: list[duties.Findings] = []
    page.duties_listed.connect(lambda: lists.append(page.findings))
    with qtbot.waitSignal(page.duties_loaded, timeout=5000):
        release.set()
    assert {r[0]: r[2] for r in page.duties_model.rows}["应保尽保"] == 2
    qtbot.waitUntil(lambda: bool(lists), timeout=5000)
    assert [f.by_rule["应保尽保"] for f in lists] == [2]


def test_a_support_finding_is_closed_from_the_list_and_a_household_opens(qtbot, db, add_household):
    """确认不符合条件 with a reason removes the finding and keeps the closure; double-clicking a household's
    finding asks to open that household."""
    low = add_household("钱低收", tags=("低收入户",))
    dialog = FindingsDialog(db, duties.findings(db, TODAY), "应保尽保")
    qtbot.addWidget(dialog)
    dialog.show()
    opened: list[int] = []
    dialog.household_requested.connect(opened.append)
    dialog.view.selectRow(0)
    assert dialog.close_button.isEnabled() and dialog.open_button.isEnabled()
    dialog.view.doubleClicked.emit(dialog.model.index(0, 2))
    assert opened == [low]

    def refuse_then_fill(d: CloseDialog) -> None:
        d.ok.click()  # the reason is still only the prompt: refused, the dialog stays
        assert d.isVisible() and "原因" in d.banner.text()
        d.reason.setPlainText("不符合条件：子女已赡养")
        d.who.setText("刘文书")
        d.ok.click()

    with on_modal(CloseDialog, refuse_then_fill):
        closure = dialog.close_selected()
    assert closure is not None and closure.closed_by == "刘文书"
    assert dialog.model.rowCount() == 0 and "已确认不符合条件" in dialog.count.text()
    assert duties.findings(db, TODAY).of_rule("应保尽保") == []


def test_problem_ledgers_are_checked_then_imported_from_the_problem_page(qtbot, db, place, tmp_path):
    """检查文件 shows what would be added; 全部导入 writes it; the same file again adds nothing."""
    path = ledger(tmp_path / "台账.xlsx", problem_rows(household=False))
    dialog = ProblemImportDialog(db)
    qtbot.addWidget(dialog)
    dialog.set_files([path])
    with qtbot.waitSignal(dialog.finished_job, timeout=5000):
        dialog.check_button.click()
    assert "可新增 3 个" in dialog.status.text() and dialog.import_all_button.isEnabled()
    assert engine.query(db, PROBLEMS).ids == []
    with qtbot.waitSignal(dialog.imported, timeout=5000):
        dialog.import_all_button.click()
    assert len(engine.query(db, PROBLEMS).ids) == 3
    urgent = engine.query(db, PROBLEMS).ids[0]
    assert engine.load(db, PROBLEMS, urgent).values["priority"] == "紧急"
    with qtbot.waitSignal(dialog.finished_job, timeout=5000):
        dialog.check_button.click()
    assert "可新增 0 个" in dialog.status.text() and not dialog.import_all_button.isEnabled()


def test_a_ledger_with_errors_offers_only_the_valid_rows_and_an_error_report(qtbot, db, place, tmp_path, monkeypatch):
    """With an error, 全部导入 is off, 仅导入无错误的行 imports the rest, and the error workbook is saved."""
    silence_messages(monkeypatch, "app.ui.problem_import")
    rows = problem_rows(household=False)
    rows[0][3] = "卫生"
    path = ledger(tmp_path / "台账.xlsx", rows)
    dialog = ProblemImportDialog(db)
    qtbot.addWidget(dialog)
    dialog.set_files([path])
    with qtbot.waitSignal(dialog.finished_job, timeout=5000):
        dialog.check_button.click()
    assert not dialog.import_all_button.isEnabled() and dialog.import_valid_button.isEnabled()
    assert dialog.model.rowCount() == 1
    written = dialog.save_report(str(tmp_path / "报告.xlsx"))
    assert written and load_workbook(written[0])["问题台账"].cell(row=3, column=15).value == "错误说明"
    with qtbot.waitSignal(dialog.imported, timeout=5000):
        dialog.import_valid_button.click()
    assert len(engine.query(db, PROBLEMS).ids) == 2


def test_a_plan_item_takes_its_progress_from_a_ledger_and_the_breakdown_prints(qtbot, db, tmp_path, monkeypatch):
    """Choosing 技能培训人次 as the item's 进度来源 saves it; the list shows the source; 打印责任分解表 writes
    the Excel and the PDF."""
    shown = silence_messages(monkeypatch, "app.ui.plan_page")
    pid = plans.plan_id(db, TODAY.year)
    item = plans.save_item(db, plans.ItemData(pid, "创业就业", "技能培训", "200", "人次", unit_id(db, "镇人社中心"),
                                              responsible_person="张三"))
    page = PlanPage(db, today=TODAY)
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.loaded, timeout=3000):
        page.show()
    assert page.items_model.rows[0].source == "手填"

    def pick(d: ItemDialog) -> None:
        d.measure.setCurrentIndex(d.measure.findData("training"))

    answer(ItemDialog, pick)
    page.items_view.selectRow(0)
    page.edit_selected()
    assert plans.load_item(db, item).measure == "training"
    assert page.items_model.rows[0].source.startswith("技能培训")
    page.items_view.selectRow(0)
    page.enter_progress()
    assert "自动统计" in shown[-1]
    xlsx = page.save_breakdown(str(tmp_path / "分解.xlsx"))
    pdf = page.save_breakdown(str(tmp_path / "分解.pdf"))
    ws = load_workbook(xlsx)["按责任单位"]
    assert ws.cell(row=4, column=2).value == "镇人社中心" and ws.cell(row=4, column=8).value.startswith("技能培训")
    assert pdf.read_bytes().startswith(b"%PDF")



def test_the_problem_ledger_lists_urgent_problems_first(qtbot, db):
    """先急后缓: an older 紧急 problem is listed above newer 一般 ones; sorting by a column is the clerk's choice."""
    from app.services import problems as ps
    from app.ui.ledger_problems import ProblemsPage

    def register(text: str, found: dt.date, priority: str) -> None:
        ps.register(db, {"found_date": found, "source": "走访", "focus_area": "住房保障", "description": text,
                         "priority": priority, "unit_id": unit_id(db, "镇村建中心")})

    register("房屋漏水", TODAY - dt.timedelta(days=20), "紧急")
    register("路灯不亮", TODAY - dt.timedelta(days=2), "一般")
    register("垃圾堆积", TODAY - dt.timedelta(days=1), "一般")
    page = ProblemsPage(db)
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.loaded, timeout=3000):
        page.show()
    labels = [c.label for c in page.model.columns]
    col, pri = labels.index("问题描述"), labels.index("紧急程度")
    rows = [(page.model.data(page.model.index(r, pri)), page.model.data(page.model.index(r, col)))
            for r in range(page.model.rowCount())]
    assert rows == [("紧急", "房屋漏水"), ("一般", "垃圾堆积"), ("一般", "路灯不亮")]


def test_a_point_cadre_becomes_its_leader_from_the_baobao_page(qtbot, db, place, add_household):
    """In 包保记录 of a point, 改为牵头/成员 turns a member into the 牵头 (the former 牵头 stays as 成员)."""
    from app.services import baobao as bs
    from app.ui.baobao_page import BaobaoPage, HistoryDialog, _FormDialog
    from tests.ledgers.helpers import cadre

    add_household("张一", point=place[1])
    first = cadre(db, "村干部甲", "村干部")
    town_leader = cadre(db, "郑镇长", "镇级主要领导", "镇长")
    bs.assign_point(db, place[1], first, "牵头", dt.date(2024, 1, 1))
    bs.assign_point(db, place[1], town_leader, "成员", dt.date(2024, 1, 1))
    page = BaobaoPage(db)
    qtbot.addWidget(page)
    page.show()
    page.refresh()
    row = next(i for i, p in enumerate(page.points_model.rows) if p.point_id == place[1])
    page.points_view.selectRow(row)

    def promote(d: HistoryDialog) -> None:
        view = d.findChild(type(page.points_view), "history")
        target = next(r for r in range(view.model().rowCount()) if "郑镇长" in str(view.model().rows[r].who))
        view.selectRow(target)
        answer(_FormDialog, lambda _f: None)
        d.findChild(QPushButton, "point_role_button").click()

    answer(HistoryDialog, promote, accept_with=lambda d: None)
    page.point_history()
    point = next(p for p in page.points_model.rows if p.point_id == place[1])
    assert "郑镇长（镇级主要领导·牵头）" in point.leaders and "村干部甲（村干部·成员）" in point.leaders


def test_the_panel_shows_the_subsidy_rules_and_a_persons_finding_opens_the_household(qtbot, db, add_household):
    """A death recorded in the archive of someone on the 后扶 roster, and a roster person without an account,
    appear on 首页 as 直补-应核减 and 直补-无账号; the list names the person (ID masked) and opens the household."""
    from app.services import subsidy
    from app.services.households import load_household, save_household
    from tests.conftest import family

    hid = add_household("王明华", members=family("王明华", 31, spouse="李秀英"))
    data = load_household(db, hid)
    head, spouse = (m.id for m in data.members)
    for mid, account in ((head, "6228480000000000123"), (spouse, "")):
        subsidy.save_facts(db, mid, subsidy.FactsData(category="原迁人口", account=account,
                                                      start_on=dt.date(2015, 3, 1)))
    data.members[0].status, data.members[0].status_date = "死亡", TODAY - dt.timedelta(days=5)
    save_household(db, data)
    page = loaded_dashboard(qtbot, db)
    counts = {row[0]: row[2] for row in page.duties_model.rows}
    assert counts["直补-应核减"] == 1 and counts["直补-无账号"] == 1
    titles = [row[1] for row in page.duties_model.rows]
    assert "死亡或迁出未核减" in titles and "后扶人口缺一卡通账号" in titles
    row = next(i for i, r in enumerate(page.duties_model.rows) if r[0] == "直补-应核减")
    seen: list[tuple[int | None, str]] = []
    opened: list[int] = []

    def look(dialog: FindingsDialog) -> None:
        seen.extend((f.subject_id, f.subject) for f in dialog.model.rows)
        dialog.household_requested.connect(opened.append)
        dialog.view.selectRow(0)
        assert dialog.open_button.isEnabled() and not dialog.close_button.isEnabled()
        dialog.view.doubleClicked.emit(dialog.model.index(0, 2))

    with on_modal(FindingsDialog, look):
        page.duties_view.clicked.emit(page.duties_model.index(row, 0))
    idn = data.members[0].id_number
    assert [s for s, _ in seen] == [head] and "王明华" in seen[0][1]
    assert idn not in seen[0][1] and idn[-4:] in seen[0][1]
    assert opened == [hid]


def test_the_panel_is_read_beside_the_figures_not_behind_the_worker(qtbot, db, add_household):
    """首页's 督办提醒 do not wait for the database worker: while a long job holds it, the panel still fills,
    and the figures follow once the job ends."""
    import threading

    from app.ui import taskman

    add_household("钱低收", tags=("低收入户",))
    release = threading.Event()
    held = taskman.Task(lambda _progress, _cancelled: release.wait(10)).start()
    try:
        page = DashboardPage(db)
        qtbot.addWidget(page)
        with qtbot.waitSignal(page.duties_loaded, timeout=5000):
            page.show()
        assert page.data is None and not held.ended  # the figures still wait behind the held worker
        assert {row[0]: row[2] for row in page.duties_model.rows}["应保尽保"] == 1
    finally:
        release.set()
    qtbot.waitUntil(lambda: page.data is not None, timeout=5000)


def test_the_home_tables_are_as_wide_as_their_widest_number(qtbot, db, add_household):
    """The number columns of 首页's tables are sized from every row's text, the last row's included (Qt's
    own sizing reads only the first thousand rows)."""
    import dataclasses

    from PySide6.QtWidgets import QHeaderView

    add_household("户一")
    page = loaded_dashboard(qtbot, db)
    point = page.data.points[0]
    many = [point] * 1500 + [dataclasses.replace(point, households=12_345_678)]
    page.show_data(dataclasses.replace(page.data, points=many))
    header = page.point_view.horizontalHeader()
    col = next(i for i, c in enumerate(page.point_model.columns) if c.label == "户数")
    assert page.point_model.rowCount() == 1501
    assert header.sectionResizeMode(col) == QHeaderView.ResizeMode.Fixed
    assert header.sectionSize(col) > page.point_view.fontMetrics().horizontalAdvance("12345678")
