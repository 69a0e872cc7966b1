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
