"""The 县级汇总 page: shown only for a county database; the towns ranked with the county total; PDF and Excel
saved; the towns' records read-only."""

from __future__ import annotations

import openpyxl

from app.db import open_database
from app.services.county_merge import create_county, merge_copies
from app.ui.main_window import MainWindow
from tests.services.county_helpers import copy_of, make_town


def test_county_window_has_the_summary_page_read_only_and_exports(qtbot, tmp_path, db, monkeypatch):
    copies = [copy_of(make_town(tmp_path, name, households=12, seed=i), tmp_path / f"{name}-c.db")
              for i, name in enumerate(("清江镇", "白河镇"), start=1)]
    county_path = tmp_path / "县.db"
    county = create_county(county_path, "竹山县")
    merge_copies(county, copies)
    county.close()

    town_window = MainWindow(db)
    qtbot.addWidget(town_window)
    assert "县级汇总" not in [town_window.nav.item(i).text() for i in range(town_window.nav.count())]

    county_db = open_database(county_path)
    try:
        assert county_db.readonly
        window = MainWindow(county_db)
        qtbot.addWidget(window)
        window.resize(1366, 705)
        window.show()
        page = window.show_page("县级汇总")
        qtbot.waitUntil(lambda: page.table.rowCount() == 3, timeout=30000)
        names = [page.table.item(r, 1).text() for r in range(3)]
        assert set(names[:2]) == {"清江镇", "白河镇"} and names[2] == "全县合计"
        total = int(page.table.item(2, 2).text())
        assert total == int(page.table.item(0, 2).text()) + int(page.table.item(1, 2).text())
        assert "只读" in window.statusBar().currentMessage()
        window.grab().save(str(tmp_path / "county.png"))

        pdf, xlsx = tmp_path / "汇总.pdf", tmp_path / "汇总.xlsx"
        assert page.pdf_button.isEnabled()
        page.save_pdf(str(pdf))
        qtbot.waitUntil(lambda: pdf.exists() and "已导出" in page.status.text(), timeout=30000)
        page.save_xlsx(str(xlsx))
        qtbot.waitUntil(lambda: xlsx.exists() and "已导出" in page.status.text(), timeout=30000)
        assert pdf.read_bytes().startswith(b"%PDF")
        assert openpyxl.load_workbook(xlsx).active.cell(4, 2).value in {"清江镇", "白河镇"}

        households = window.show_page("户档案")
        qtbot.wait(200)
        assert not households.new_button.isEnabled() and not households.import_button.isEnabled()
        assert households.export_button.isEnabled()
        qtbot.waitUntil(lambda: households.model.rowCount() > 0, timeout=30000)
        qtbot.wait(300)
        everyone = households.model.rowCount()
        shown = {}
        for name in ("白河镇", "清江镇"):
            window.town_filter.setCurrentIndex(window.town_filter.findText(name))
            qtbot.waitUntil(lambda: 0 < households.model.rowCount() < everyone, timeout=30000)
            qtbot.wait(300)
            shown[name] = households.model.rowCount()
        assert shown["白河镇"] + shown["清江镇"] == everyone
        window.town_filter.setCurrentIndex(0)
        qtbot.waitUntil(lambda: households.model.rowCount() == everyone, timeout=30000)

        # The 月报 is one town's: over every town it is refused with what to do; with a town chosen it is that
        # town's report, named for it.
        from pypdf import PdfReader

        from tests.ledgers.helpers import silence_messages

        shown = silence_messages(monkeypatch, "app.ui.report_page")
        report = window.show_page("月报")
        report.build_monthly()
        qtbot.waitUntil(lambda: report.build_button.isEnabled() and bool(shown), timeout=30000)
        assert "月报是一个镇的月报" in shown[0] and report.result is None
        window.town_filter.setCurrentIndex(window.town_filter.findText("白河镇"))
        report.build_monthly()
        qtbot.waitUntil(lambda: report.result is not None and report.build_button.isEnabled(), timeout=60000)
        report.save_pdf(str(tmp_path / "白河镇月报.pdf"))
        text = "".join(p.extract_text() for p in PdfReader(tmp_path / "白河镇月报.pdf").pages)
        assert "白河镇水利移民站关于" in text.replace("\n", "") and len(shown) == 1
    finally:
        county_db.close()
