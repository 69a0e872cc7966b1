"""The 后扶直补 page: import the 名册 (check first, then import), see the roster of a half, reconcile the
bank's return and see what is still open, 核减 a finding in one click (prefilled), print the 公示."""

from __future__ import annotations

import datetime as dt
import re

from openpyxl import Workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPlainTextEdit
from sqlalchemy import select

from app.models import Member
from app.services import subsidy
from app.ui import file_dialogs, subsidy_page
from app.ui.subsidy_page import SubsidyPage
from tests.conftest import family


def _roster_file(path, people):
    wb = Workbook()
    ws = wb.active
    ws.append(["姓名", "身份证号码", "扶持类别", "纳入扶持时间", "一卡通账号", "开户银行"])
    for i, m in enumerate(people):
        ws.append([m.name, m.id_number, "原迁人口", "2015-03-01", f"6228480000000001{i:03d}", "农业银行"])
    for row in ws.iter_rows(min_row=2):
        row[1].number_format = row[4].number_format = "@"
    wb.save(path)


def _people_and_page(qtbot, db):
    """The members, and the page on 2026 H1 with nobody on the roster yet."""
    with db.read() as s:
        people = list(s.scalars(select(Member).order_by(Member.id)))
    page = SubsidyPage(db)
    qtbot.addWidget(page)
    page.year.setValue(2026)
    page.half.setCurrentIndex(0)
    qtbot.waitUntil(lambda: "应发 0 人" in page.roster_status.text())
    return people, page


def test_page_imports_shows_reconciles_and_reduces(qtbot, db, add_household, tmp_path, monkeypatch):
    for i in range(2):
        add_household(f"王{i}华", members=family(f"王{i}华", 400 + i, spouse=f"李{i}英"))
    people, page = _people_and_page(qtbot, db)

    roster = tmp_path / "名册.xlsx"
    _roster_file(roster, people)
    monkeypatch.setattr(file_dialogs, "get_open_paths", lambda *a, **k: [str(roster)])
    seen = {}

    def accept(dialog):
        seen["text"] = dialog.findChild(QPlainTextEdit).toPlainText()
        return 1

    monkeypatch.setattr(subsidy_page.ImportOutcomeDialog, "exec", accept)
    monkeypatch.setattr(subsidy_page, "info", lambda *a, **k: None)
    qtbot.mouseClick(page.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "应发 4 人" in page.roster_status.text(), timeout=10000)
    assert page.roster_table.rowCount() == 4
    assert "将新增 4 人" in seen["text"]
    assert all("*" in page.roster_table.item(r, 4).text() for r in range(4))

    page.search.setText(people[1].name)
    qtbot.mouseClick(page.query_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.roster_table.rowCount() == 1)
    assert page.roster_table.item(0, 3).text() == people[1].name

    bank = tmp_path / "发放结果.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.append(["姓名", "身份证号码", "发放金额（元）", "发放状态"])
    for m in people[:3]:
        ws.append([m.name, m.id_number, 300, "成功"])
    wb.save(bank)
    monkeypatch.setattr(file_dialogs, "get_open_path", lambda *a, **k: str(bank))
    qtbot.mouseClick(page.bank_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "尚待处理" in page.bank_status.text(), timeout=10000)
    page.list_kind.setCurrentIndex(1)  # 漏发
    assert page.bank_table.rowCount() == 1 and page.bank_table.item(0, 0).text() == people[3].name

    with db.write() as s:
        dead = s.get(Member, people[0].id)
        dead.status, dead.status_date = "死亡", dt.date(2026, 2, 3)
    page.refresh()
    qtbot.waitUntil(lambda: "直补-应核减 1 人" in page.findings_status.text())
    from app.services import duties  # the page lists the findings 首页 and `check --duties` list

    (finding,) = duties.findings(db, dt.date.today()).of_rule("直补-应核减")
    assert page.findings_table.item(0, 1).text() == finding.subject and people[0].id_number not in finding.subject
    page.findings_table.selectRow(0)

    def reduce(dialog):
        assert dialog.reason.currentText() == "死亡" and dialog.day.date().toString("yyyy-MM-dd") == "2026-02-03"
        dialog.save()
        return 1

    monkeypatch.setattr(subsidy_page.ReduceDialog, "exec", reduce)
    qtbot.mouseClick(page.reduce_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "直补-应核减 0 人" in page.findings_status.text())
    assert subsidy.load_facts(db, people[0].id).state == "核减"

    out = tmp_path / "公示.pdf"
    monkeypatch.setattr(file_dialogs, "get_save_path", lambda *a, **k: str(out))
    qtbot.mouseClick(page.publicity_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: out.exists() and "已生成公示" in page.status.text(), timeout=15000)


def test_county_settings_on_the_org_page_change_the_roster(qtbot, db, add_household, monkeypatch):
    from app.rules.subsidy import half_start  # noqa: F401 - the rule the settings feed
    from app.services.subsidy_roster import roster_summary
    from app.ui import subsidy_settings
    from app.ui.org_page import OrgPage

    add_household()
    with db.read() as s:
        member_id = s.scalars(select(Member.id)).first()
    subsidy.save_facts(db, member_id, subsidy.FactsData(category="现状人口", account="6228480000000000555"))
    assert roster_summary(db, 2026, 2).people == 0
    page = OrgPage(db)
    qtbot.addWidget(page)
    tab = page.subsidy_settings
    monkeypatch.setattr(subsidy_settings, "info", lambda *a, **k: None)
    tab.years.setValue(25)
    tab.standard.setValue(800)
    tab.hotline.setText("0851-7654321")
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    summary = roster_summary(db, 2026, 2)
    assert (summary.people, summary.amount) == (1, 400)
    assert subsidy.load_settings(db).hotline == "0851-7654321"


def test_roster_saved_as_xls_imports_through_the_page(qtbot, db, add_household, tmp_path, monkeypatch):
    """A village's 名册 saved by WPS or old Excel as .xls is offered by the dialog and imported like the .xlsx."""
    from tests.io.other_formats import to_xls

    add_household("赵一华", members=family("赵一华", 410, spouse="钱一英"))
    people, page = _people_and_page(qtbot, db)
    source = tmp_path / "名册.xlsx"
    _roster_file(source, people)
    roster = to_xls(source, tmp_path / "名册.xls")
    filters = []

    def choose(_parent, _title, _folder, name_filter):
        filters.append(name_filter)
        return [str(roster)]

    monkeypatch.setattr(file_dialogs, "get_open_paths", choose)
    monkeypatch.setattr(subsidy_page.ImportOutcomeDialog, "exec", lambda _dialog: 1)
    monkeypatch.setattr(subsidy_page, "info", lambda *a, **k: None)
    qtbot.mouseClick(page.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "应发 2 人" in page.roster_status.text(), timeout=10000)
    assert {".xlsx", ".xls", ".xlsb", ".ods"} <= set(re.findall(r"\*(\.\w+)", filters[0]))
    assert page.roster_table.rowCount() == 2
