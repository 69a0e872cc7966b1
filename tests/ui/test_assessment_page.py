"""年度目标考核 as the clerk uses it: the ranking, the selected village's score explained down to its
records, editable weights that change the total, and the Excel export."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import openpyxl

from app.ledgers import LEDGERS, engine
from app.ui import file_dialogs
from app.ui.assessment_page import AssessmentPage
from tests.ledgers.helpers import silence_messages, unit_id

TODAY = dt.date(2026, 6, 30)


def test_a_villages_score_is_traced_to_its_records_and_weights_change_it(qtbot, db, place, add_household,
                                                                         tmp_path, monkeypatch):
    """Selecting 清江村 shows its parts; the problem part lists the late problem; new weights change the total."""
    village = place[0]
    hid = add_household("王明华")
    engine.save(db, LEDGERS["problems"], None, {
        "found_date": dt.date(2026, 1, 5), "source": "走访", "focus_area": "住房保障", "description": "屋顶漏水",
        "household_id": hid, "unit_id": unit_id(db, "镇村建中心"), "deadline": dt.date(2026, 2, 1)})
    page = AssessmentPage(db, today=TODAY)
    qtbot.addWidget(page)
    page.resize(1180, 700)
    with qtbot.waitSignal(page.loaded, timeout=3000):
        page.show()
    page.select("村", "清江村")
    subject = page.selected_subject()
    assert subject is not None and subject.id == village
    assert "清江村（村）总分" in page.explain_title.text()
    labels = [p.label for p in page.parts_model.rows]
    page.parts_view.selectRow(labels.index("问题按期办结"))
    assert [e.text[:4] for e in page.evidence_model.rows] == ["屋顶漏水"]
    before = subject.total
    page.weights["problems"].setValue(0)
    with qtbot.waitSignal(page.loaded, timeout=3000):
        page.save_weights.click()
    after = page.selected_subject().total
    # (0 × 20 + 100 × 15 + 100 × 10) / 45 with problems weighted 20, then problems weighted 0
    assert before == Decimal("55.6") and after == Decimal("100.0")
    out = tmp_path / "考核.xlsx"
    monkeypatch.setattr(file_dialogs, "get_save_path", lambda *a, **k: str(out))
    shown = silence_messages(monkeypatch, "app.ui.assessment_page")
    with qtbot.waitSignal(page.exported, timeout=10000):
        page.export_button.click()
    assert shown and "已导出" in shown[0]
    ws = openpyxl.load_workbook(out).active
    assert ws["A1"].value == "清江镇2026年度搬迁群众后续扶持目标考核"
