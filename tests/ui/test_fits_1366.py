"""Every page, each of its tabs, and the household window at 1366×705 (a 1366×768 laptop with a taskbar),
with the program's own font and style: no label, button, field, placeholder or visible column header is cut
off or lies outside the window."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from PySide6.QtWidgets import QApplication, QTabWidget

from app.demo.generate import generate
from app.ui.main import setup_application
from app.ui.main_window import MainWindow
from tests.ui.layout_check import problems

WIDTH, HEIGHT = 1366, 705


@pytest.fixture
def styled_app(qapp):
    font, sheet = qapp.font(), qapp.styleSheet()
    setup_application(qapp)
    yield qapp
    qapp.setStyleSheet(sheet)
    qapp.setFont(font)


def settle(seconds: float = 0.3) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        QApplication.processEvents()
        time.sleep(0.01)


def walk(window: MainWindow) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for row in range(window.nav.count()):
        name = window.nav.item(row).text()
        window.nav.setCurrentRow(row)
        settle()
        found[name] = problems(window)
        page = window.current_page()
        for tabs in [t for t in page.findChildren(QTabWidget) if t.isVisible()][:2]:
            for i in range(tabs.count()):
                tabs.setCurrentIndex(i)
                settle(0.15)
                found[f"{name} · {tabs.tabText(i)}"] = problems(window)
            tabs.setCurrentIndex(0)
    return found


@pytest.mark.parametrize("filled", [False, True], ids=["empty", "with-data"])
def test_every_page_fits_at_1366x705(qtbot, db, styled_app, filled):
    if filled:
        generate(db, 120, today=dt.date.today())
    window = MainWindow(db)
    qtbot.addWidget(window)
    window.resize(WIDTH, HEIGHT)
    window.show()
    settle()
    found = {page: issues for page, issues in walk(window).items() if issues}
    assert not found, "\n".join(f"{page}：\n  " + "\n  ".join(issues[:8]) for page, issues in found.items())


def test_the_household_window_fits_at_1366x705(qtbot, db, styled_app):
    generate(db, 20, today=dt.date.today())
    window = MainWindow(db)
    qtbot.addWidget(window)
    window.resize(WIDTH, HEIGHT)
    window.show()
    page = window.show_page("户档案")
    qtbot.waitUntil(lambda: page.model.rowCount() > 0, timeout=5000)
    editor = page.editor_for(page.model.household_id(0))
    editor.resize(min(1200, WIDTH - 40), HEIGHT - 40)  # what _size_to_screen gives on that screen
    editor.show()
    settle()
    found = {}
    for i in range(editor.tabs.count()):
        editor.tabs.setCurrentIndex(i)
        settle(0.15)
        issues = problems(editor)
        if issues:
            found[editor.tabs.tabText(i)] = issues
    assert not found, "\n".join(f"{tab}：\n  " + "\n  ".join(issues[:8]) for tab, issues in found.items())


def test_the_check_finds_cut_text_and_widgets_outside_the_window(qtbot, styled_app):
    """The walk above can fail: a label too narrow for its text, a button beyond the window's edge and a
    table column beyond the table's edge are all reported."""
    from PySide6.QtGui import QStandardItemModel
    from PySide6.QtWidgets import QLabel, QPushButton, QTableView, QWidget

    window = QWidget()
    qtbot.addWidget(window)
    window.resize(400, 300)
    label = QLabel("受地质灾害威胁未搬迁户的申报重点户", window)
    label.setGeometry(10, 10, 60, 24)
    button = QPushButton("打印一户一档…", window)
    button.setGeometry(380, 10, 120, 30)
    view = QTableView(window)
    model = QStandardItemModel(1, 3)
    model.setHorizontalHeaderLabels(["问题描述", "办结日期", "最新进展"])
    view.setModel(model)
    view.setGeometry(10, 60, 200, 200)
    for c in range(3):
        view.setColumnWidth(c, 120)
    window.show()
    settle()
    found = "\n".join(problems(window))
    assert "受地质灾害" in found and "打印一户一档" in found and "最新进展" in found
