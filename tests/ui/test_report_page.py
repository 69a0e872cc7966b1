"""The 月报 page: builds off the GUI thread with progress, previews the pages, saves, prints and makes cards."""

from __future__ import annotations

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QPageSize, QPdfWriter

from app.ui.report_page import ReportPage


@pytest.fixture
def homes(add_household):
    return [add_household("王明华"), add_household("张国强")]


@pytest.fixture
def page(qtbot, db, homes):
    widget = ReportPage(db)
    qtbot.addWidget(widget)
    widget.resize(1366, 705)  # the office screen; a window left at its default size squeezes the buttons away
    widget.show()
    return widget


def build(qtbot, page, button) -> list[int]:
    """Click a build button and wait for the result; returns the progress percentages reported."""
    seen: list[int] = []
    page._progress.changed.connect(lambda pct, _text: seen.append(pct))
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.result is not None and page.build_button.isEnabled(), timeout=60000)
    return seen


def test_building_the_packet_previews_its_pages_and_saves_it(qtbot, page, tmp_path):
    """生成月报 builds the chosen month in the background; the pages (or their list) show; 保存 writes the PDF."""
    page.month.setDate(QDate(2026, 5, 1))
    assert not page.save_button.isEnabled()
    seen = build(qtbot, page, page.build_button)
    assert seen and seen[-1] == 100
    assert page.kind == "月报2026-05"
    assert page.save_button.isEnabled() and page.print_button.isEnabled()
    assert "共" in page.status.text()
    assert page.preview_pages == page.result.pages
    out = page.save_pdf(str(tmp_path / "m.pdf"))
    assert len(PdfReader(str(out)).pages) == page.result.pages


def test_printing_paints_every_page(qtbot, page, tmp_path):
    """打印 paints each page of the packet onto the printer, one sheet per page."""
    build(qtbot, page, page.build_button)
    writer = QPdfWriter(str(tmp_path / "printed.pdf"))
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setResolution(100)
    page.print_dpi = 60
    assert page.print_to(writer) == page.result.pages
    assert len(PdfReader(str(tmp_path / "printed.pdf")).pages) == page.result.pages


def test_cards_for_the_chosen_point(qtbot, page, homes):
    """The point's card button builds one page per household of the point."""
    page.point.setCurrentIndex(page.point.findText("新寨安置点"))
    build(qtbot, page, page.point_cards)
    assert page.result.pages == len(homes)
    assert page.kind == "一户一档-新寨安置点"


def test_an_unknown_archive_number_is_a_plain_warning(qtbot, page, monkeypatch):
    """A household card for a number that does not exist warns the clerk and builds nothing."""
    warned = []
    monkeypatch.setattr("app.ui.report_page.warn", lambda _p, _t, text: warned.append(text))
    page.archive_no.setText("NO-SUCH")
    qtbot.mouseClick(page.household_cards, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(warned), timeout=30000)
    assert "NO-SUCH" in warned[0] and page.result is None


def test_cards_for_households_chosen_elsewhere(qtbot, page, homes):
    """Cards for a list of household ids (the 户档案 selection) print one page per household."""
    page.build_cards_for(homes[:1], "王明华")
    qtbot.waitUntil(lambda: page.result is not None and page.build_button.isEnabled(), timeout=60000)
    assert page.result.pages == 1 and page.kind == "一户一档-王明华"


def test_when_pages_cannot_be_rendered_the_page_lists_the_sections(qtbot, page, monkeypatch):
    """If PDFium cannot render the file, the preview shows the page count and the sections, not an error."""
    from PySide6.QtWidgets import QLabel

    def fail(*_a, **_k):
        raise RuntimeError("PDF 页面渲染失败")

    monkeypatch.setattr("app.reports.preview.render_pages", fail)
    build(qtbot, page, page.build_button)
    label = page.pages_box.findChild(QLabel, "previewFallback")
    assert label is not None and f"共 {page.result.pages} 页" in label.text() and "四、问题台账" in label.text()
    assert page.open_button.isEnabled()


def last_month() -> QDate:
    today = QDate.currentDate()
    return QDate(today.year(), today.month(), 1).addMonths(-1)


def build_month(qtbot, page, when: QDate) -> None:
    page.month.setDate(when)
    build(qtbot, page, page.build_button)
    qtbot.waitUntil(lambda: page.month_state is not None and page.editor.save_button.isEnabled(), timeout=60000)


def test_editing_a_section_is_kept_and_redraft_restores_the_draft(qtbot, page, db):
    """The section boxes hold the drafts; an edit saved with 保存修改 is kept with the month and printed;
    重新生成 puts the draft back."""
    from app.services import monthly_report
    from tests.ui.qt_helpers import type_text

    build_month(qtbot, page, last_month())
    month = page.selected_month()
    box = page.editor.boxes["problems"]
    draft = page.month_state.prepared.drafts["problems"]
    assert box.toPlainText() == draft
    from PySide6.QtGui import QTextCursor

    page.editor.tabs.setCurrentIndex(2)  # 存在问题
    page.activateWindow()
    box.setFocus()
    box.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClick(box, Qt.Key.Key_Return)
    type_text(qtbot, box, "部分村报送资料不及时。")
    qtbot.waitUntil(lambda: box.toPlainText().endswith("\n部分村报送资料不及时。"), timeout=5000)
    qtbot.mouseClick(page.editor.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.build_button.isEnabled() and "部分村报送资料不及时" in
                    page.month_state.document.sections[2].text, timeout=60000)
    assert monthly_report.section_edits(db, month)["problems"].endswith("部分村报送资料不及时。")
    page.editor.tabs.setCurrentIndex(0)  # 基本情况
    basic = page.editor.boxes["basic"]
    basic.setPlainText("随手改的文字")
    qtbot.mouseClick(page.editor.redraft_buttons["basic"], Qt.MouseButton.LeftButton)
    assert basic.toPlainText() == page.month_state.prepared.drafts["basic"]


def test_filing_from_the_page_stores_the_month_and_remembers_the_name(qtbot, page, db, monkeypatch):
    """报送 with a typed name files the month with the boxes' text; the page then shows the filed version,
    nothing changed since, and the name is filled in next time."""
    from app.services import monthly_report
    from tests.ui.qt_helpers import type_text

    monkeypatch.setattr("app.ui.report_page.confirm", lambda *_a, **_k: True)
    build_month(qtbot, page, last_month())
    month = page.selected_month()
    page.editor.boxes["plans"].setPlainText("下月重点抓好问题整改。")
    page.editor.filer.clear()
    page.editor.filer.setFocus()
    type_text(qtbot, page.editor.filer, "王会计")
    qtbot.waitUntil(lambda: page.editor.filer.text() == "王会计", timeout=5000)
    qtbot.mouseClick(page.editor.file_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(monthly_report.filed_versions(db, month)) and page.month_state is not None
                    and page.month_state.filed is not None and page.build_button.isEnabled(), timeout=60000)
    v = monthly_report.filed_versions(db, month)[0]
    assert (v.version, v.kind, v.filed_by) == (1, "报送", "王会计")
    assert monthly_report.filed_texts(db, month)["plans"] == "下月重点抓好问题整改。"
    assert "已报送第1版" in page.editor.filing.text()
    assert page.editor.changes.item(0).text() == "报送以来数字和文字均无变化。"
    assert page.result.pdf == monthly_report.filed_files(db, month)[0]
    assert page.editor.file_button.text() == "报送更正版…"
    again = ReportPage(db)
    qtbot.addWidget(again)
    assert again.editor.filer.text() == "王会计"


def test_preview_zooms_and_jumps_to_a_page(qtbot, page, tmp_path):
    """缩放 redraws the pages larger or smaller; 跳转 scrolls to the chosen page; 保存Word writes the .docx."""
    from docx import Document

    build_month(qtbot, page, last_month())
    width = page.page_labels()[0].pixmap().width()
    page.zoom.setCurrentIndex(page.zoom.findData(150))
    assert page.page_labels()[0].pixmap().width() > width * 1.4
    assert page.preview_pages == page.result.pages
    page.page_spin.setValue(3)
    qtbot.mouseClick(page.jump_button, Qt.MouseButton.LeftButton)
    target = page.page_labels()[2]
    qtbot.waitUntil(lambda: page.scroll.verticalScrollBar().value() >= target.y() - 10 > 0, timeout=5000)
    out = page.save_docx(str(tmp_path / "月报.docx"))
    assert Document(str(out)).paragraphs[0].text == page.month_state.document.title
