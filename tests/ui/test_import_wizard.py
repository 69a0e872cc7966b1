"""The import wizard as a clerk uses it: choose files, read the preview and its errors, import the valid ones."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from app.services import households as hs
from app.ui import file_dialogs
from app.ui.import_wizard import ImportWizard
from tests.conftest import type_into
from tests.io.registers import family_rows, layout_a, layout_b, simple


@pytest.fixture
def wizard(qtbot, db):
    dialog = ImportWizard(db)
    qtbot.addWidget(dialog)
    dialog.show()
    yield dialog
    if dialog.job is not None:
        dialog.job.stop.set()
        dialog.job.wait()


def choose(monkeypatch, qtbot, wizard, *paths: Path) -> None:
    monkeypatch.setattr(file_dialogs, "get_open_paths", lambda *a, **k: [str(p) for p in paths])
    qtbot.mouseClick(wizard.choose_button, Qt.MouseButton.LeftButton)


def check(qtbot, wizard):
    with qtbot.waitSignal(wizard.checked, timeout=20000) as blocker:
        qtbot.mouseClick(wizard.check_button, Qt.MouseButton.LeftButton)
    return blocker.args[0]


def confirm_new_places(qtbot, wizard):
    """The clerk confirms every new village and settlement point (需要确认 → 全部勾选); the preview follows."""
    with qtbot.waitSignal(wizard.checked, timeout=20000) as blocker:
        qtbot.mouseClick(wizard.places.all_button, Qt.MouseButton.LeftButton)
    return blocker.args[0]


def test_preview_shows_counts_errors_and_the_cell(qtbot, monkeypatch, tmp_path, wizard, db):
    """After 检查文件 the preview counts households and people, lists errors by row and column, shows the cell."""
    rows = family_rows("1", 21) + family_rows("2", 23)
    rows[2][5] = "52260119700101001"  # the second household's head: 17 characters
    choose(monkeypatch, qtbot, wizard, simple(tmp_path / "r.xlsx", rows), layout_a(tmp_path / "a.xlsx"))
    assert wizard.file_list.count() == 2
    check(qtbot, wizard)
    prepared = confirm_new_places(qtbot, wizard)
    assert prepared.households == 5 and prepared.members == 11
    text = wizard.preview.text()
    assert "找到 5 户、11 人" in text and "填表说明" in text and "平寨村" in text and "新寨安置点" in text
    assert not wizard.import_all_button.isEnabled() and wizard.import_valid_button.isEnabled()
    model = wizard.model
    first = [model.data(model.index(0, c)) for c in range(model.columnCount())]
    assert first[:4] == ["错误", "r.xlsx", "Sheet1", "4"] and first[4].startswith("F")
    wizard.table.selectRow(0)
    assert "52260119700101001" in wizard.cell.text() and "F4" in wizard.cell.text()


def test_import_valid_only_then_summary_and_archive(qtbot, monkeypatch, tmp_path, wizard, db):
    """仅导入无错误的户 writes the good households, shows the summary and emits imported."""
    rows = family_rows("1", 1) + family_rows("2", 3)
    rows[3][3] = "邻居"
    choose(monkeypatch, qtbot, wizard, simple(tmp_path / "r.xlsx", rows))
    check(qtbot, wizard)
    confirm_new_places(qtbot, wizard)
    with qtbot.waitSignal(wizard.imported, timeout=20000) as blocker:
        qtbot.mouseClick(wizard.import_valid_button, Qt.MouseButton.LeftButton)
    result = blocker.args[0]
    assert (result.households_imported, result.households_skipped) == (1, 1)
    assert "新增 1 户" in wizard.preview.text() and "跳过（有错误）1 户" in wizard.preview.text()
    assert [r.head_name for r in hs.fetch_rows(db, hs.query_ids(db, hs.HouseholdQuery()))] == ["户主1"]
    assert not wizard.import_valid_button.isEnabled()


def test_import_all_with_a_typed_village(qtbot, monkeypatch, tmp_path, wizard, db):
    """A register without a 村 column is refused until the clerk names the village; then 全部导入 writes it all."""
    choose(monkeypatch, qtbot, wizard, layout_b(tmp_path / "b.xlsx"))
    prepared = check(qtbot, wizard)
    assert prepared.errors and "所属村" in prepared.errors[0].message
    assert not wizard.import_valid_button.isEnabled()
    wizard.village.lineEdit().clear()
    type_into(wizard.village.lineEdit(), "河坝村")
    prepared = check(qtbot, wizard)
    assert [p.label for p in prepared.validation.places] == ["村“河坝村”", "安置点“河坝安置小区”（河坝村）"]
    assert not wizard.import_all_button.isEnabled()  # a new village is created only when the clerk confirms it
    prepared = confirm_new_places(qtbot, wizard)
    assert prepared.errors == [] and wizard.import_all_button.isEnabled()
    with qtbot.waitSignal(wizard.imported, timeout=20000):
        qtbot.mouseClick(wizard.import_all_button, Qt.MouseButton.LeftButton)
    rows = hs.fetch_rows(db, hs.query_ids(db, hs.HouseholdQuery()))
    assert len(rows) == 2 and {r.village for r in rows} == {"河坝村"}


def test_unreadable_file_is_listed_as_an_error(qtbot, monkeypatch, tmp_path, wizard):
    """A file that is not a workbook appears as one error naming it; the others can still be imported."""
    bad = tmp_path / "坏.xlsx"
    bad.write_text("x")
    choose(monkeypatch, qtbot, wizard, bad, simple(tmp_path / "ok.xlsx", family_rows("1", 1)))
    check(qtbot, wizard)
    prepared = confirm_new_places(qtbot, wizard)
    assert "坏.xlsx" in prepared.errors[0].message
    assert wizard.import_valid_button.isEnabled() and not wizard.import_all_button.isEnabled()


def test_error_report_and_template_buttons(qtbot, monkeypatch, tmp_path, wizard):
    """导出错误报告 writes the marked copy in the background; 保存空白模板 writes the template."""
    rows = family_rows("1", 1) + [["清江村", "2", "赵六", "户主", "男", "5226011968", None, None]]
    choose(monkeypatch, qtbot, wizard, simple(tmp_path / "r.xlsx", rows))
    check(qtbot, wizard)
    report = tmp_path / "报告.xlsx"
    monkeypatch.setattr(file_dialogs, "get_save_path", lambda *a, **k: str(report))
    with qtbot.waitSignal(wizard.finished_job, timeout=20000):
        qtbot.mouseClick(wizard.report_button, Qt.MouseButton.LeftButton)
    assert report.exists() and "错误报告已保存" in wizard.status.text()
    template = tmp_path / "模板.xlsx"
    monkeypatch.setattr(file_dialogs, "get_save_path", lambda *a, **k: str(template))
    qtbot.mouseClick(wizard.template_button, Qt.MouseButton.LeftButton)
    assert template.exists() and "空白模板已保存" in wizard.status.text()


def test_cancel_stops_the_check(qtbot, monkeypatch, tmp_path, wizard):
    """取消 during a check stops it and says nothing was written; the dialog stays usable."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("大表")
    ws.append(["村", "户编号", "姓名", "与户主关系", "身份证号"])
    for i in range(20000):
        ws.append(["清江村", i, f"户主{i}", "户主", "52260119700101001X"])
    wb.save(tmp_path / "big.xlsx")
    choose(monkeypatch, qtbot, wizard, tmp_path / "big.xlsx")
    with qtbot.waitSignal(wizard.finished_job, timeout=30000):
        qtbot.mouseClick(wizard.check_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: wizard.cancel_button.isEnabled(), timeout=5000)
        qtbot.mouseClick(wizard.cancel_button, Qt.MouseButton.LeftButton)
    assert "已取消" in wizard.status.text() and wizard.prepared is None
    assert wizard.check_button.isEnabled()


def test_old_excel_and_ods_registers_import_from_the_wizard(qtbot, monkeypatch, tmp_path, wizard, db):
    """The file chooser offers .xls/.xlsb/.ods too; a village's .xls and another's .ods are checked like .xlsx."""
    from tests.io.other_formats import to_ods, to_xls

    offered = {}

    def pick(parent, title, folder, name_filter):
        offered["filter"] = name_filter
        return [str(to_xls(layout_a(tmp_path / "a.xlsx"), tmp_path / "平寨村.xls")),
                str(to_ods(layout_b(tmp_path / "b.xlsx"), tmp_path / "河坝村.ods"))]

    monkeypatch.setattr(file_dialogs, "get_open_paths", pick)
    qtbot.mouseClick(wizard.choose_button, Qt.MouseButton.LeftButton)
    assert all(f"*.{ext}" in offered["filter"] for ext in ("xlsx", "xlsm", "xls", "xlsb", "ods"))
    assert wizard.file_list.count() == 2
    prepared = check(qtbot, wizard)
    assert prepared.households == 5 and not prepared.unreadable
