"""走访 as the clerk works it: record a visit and see the monthly matrix and the 首页 change; raise a
problem from the visit, resolve it in 问题台账, and see the counts move."""

from __future__ import annotations

import datetime as dt

import pytest

from app.services import baobao as bs
from app.services import stats
from app.ui.dashboard import DashboardPage
from app.ui.ledger_page import LedgerForm
from app.ui.ledger_problems import NoteDialog, ProblemsPage
from app.ui.visits_page import VisitForm, VisitsPage
from tests.conftest import type_into
from tests.ledgers.helpers import answer, cadre, key_households

TODAY = dt.date.today()
MONTH = f"{TODAY:%Y-%m}"


@pytest.fixture
def covered(db, add_household):
    homes = key_households(add_household)
    c = cadre(db, "张包保")
    bs.assign_households(db, [homes["低收入"], homes["无房"]], c, TODAY.replace(day=1))
    return homes, c


def shown_dashboard(qtbot, db) -> DashboardPage:
    page = DashboardPage(db)
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.loaded, timeout=3000):
        page.show()
    return page


def refreshed(qtbot, page: DashboardPage) -> DashboardPage:
    with qtbot.waitSignal(page.loaded, timeout=3000):
        page.refresh()
    return page


def shown_visits(qtbot, db) -> VisitsPage:
    page = VisitsPage(db)
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.matrix.loaded, timeout=3000):
        page.show()
    return page


def test_recording_a_visit_changes_the_matrix_and_the_dashboard(qtbot, db, covered):
    """A visit recorded from the matrix clears the household in the matrix, the page and the 首页's 本月未走访."""
    homes, c = covered
    dashboard = shown_dashboard(qtbot, db)
    assert dashboard.cards["visits"].value.text() == "2"
    page = shown_visits(qtbot, db)
    assert "未走访 2 户" in page.summary.text()
    row = next(i for i, r in enumerate(page.matrix.model.rows) if r.household_id == homes["无房"])
    month_col = 6 + TODAY.month - 1
    assert page.matrix.model.data(page.matrix.model.index(row, month_col)) == "未访"

    proposed: list[object] = []

    def fill(form: VisitForm) -> None:
        proposed.append(form.widgets["cadre_id"].currentData())
        type_into(form.widgets["findings"], "了解就业情况")

    answer(VisitForm, fill)
    with qtbot.waitSignal(page.matrix.loaded, timeout=3000):
        page.matrix.record_requested.emit(homes["无房"])
    assert proposed == [c]  # the household's own 包保 cadre is proposed
    row = next(i for i, r in enumerate(page.matrix.model.rows) if r.household_id == homes["无房"])
    assert page.matrix.model.data(page.matrix.model.index(row, month_col)) == "✓"
    assert "已走访 <b>1</b> 户" in page.summary.text() and "未走访 1 户" in page.summary.text()
    assert refreshed(qtbot, dashboard).cards["visits"].value.text() == "1"
    assert stats.stats(db, month=MONTH)["visits"] == {"month": MONTH, "due": 2, "done": 1}


def test_only_behind_lists_who_is_behind(qtbot, db, covered):
    """只看本月未走访 lists only the households not yet visited this month."""
    homes, c = covered
    from app.services import visits as vs

    vs.record_visit(db, {"date": TODAY, "cadre_id": c, "household_id": homes["低收入"], "way": "电话"})
    page = shown_visits(qtbot, db)
    with qtbot.waitSignal(page.matrix.loaded, timeout=3000):
        page.apply_filter(behind=True)
    assert [r.household_id for r in page.matrix.model.rows] == [homes["无房"]]


def test_a_problem_raised_on_a_visit_then_resolved_moves_the_counts(qtbot, db, covered):
    """A problem raised with the visit counts as open on the 首页 until it is resolved in 问题台账."""
    homes, _c = covered
    dashboard = shown_dashboard(qtbot, db)
    assert dashboard.cards["open"].value.text() == "0"
    page = shown_visits(qtbot, db)

    def fill(form: VisitForm) -> None:
        form.widgets["household_id"].set_value(homes["低收入"], "钱低收")
        type_into(form.widgets["findings"], "屋顶漏雨")
        form.problem_box.setChecked(True)
        focus = form.problem_grid.widgets["focus_area"]
        focus.setCurrentIndex(focus.findData("住房保障"))

    answer(VisitForm, fill)
    page.record_button.click()
    assert refreshed(qtbot, dashboard).cards["open"].value.text() == "1"

    problems = ProblemsPage(db)
    qtbot.addWidget(problems)
    with qtbot.waitSignal(problems.loaded, timeout=3000):
        problems.show()
    labels = [c.label for c in problems.model.columns]
    assert problems.model.data(problems.model.index(0, labels.index("问题描述"))) == "屋顶漏雨"
    assert problems.model.data(problems.model.index(0, labels.index("问题来源"))) == "走访"
    problems.view.selectRow(0)
    assert "来源走访" in problems.detail_label.text()
    answer(NoteDialog, lambda d: type_into(d.text, "已修好"))
    with qtbot.waitSignal(problems.loaded, timeout=3000):
        problems.resolve_button.click()
    assert refreshed(qtbot, dashboard).cards["open"].value.text() == "0"
    assert stats.stats(db)["problems"] == {"open": 0, "overdue": 0}


def test_raising_a_problem_from_a_recorded_visit(qtbot, db, covered):
    """由此登记问题 on a visit in the records tab opens a problem already filled from the visit."""
    homes, c = covered
    from app.services import visits as vs

    vs.record_visit(db, {"date": TODAY, "cadre_id": c, "household_id": homes["无房"], "way": "入户",
                         "findings": "无房居住，借住亲友家"})
    page = shown_visits(qtbot, db)
    with qtbot.waitSignal(page.records.loaded, timeout=3000):
        page.tabs.setCurrentWidget(page.records)
    page.records.view.selectRow(0)
    seen: dict[str, object] = {}

    def fill(form: LedgerForm) -> None:
        seen["description"] = form.widgets["description"].toPlainText()
        seen["source"] = form.widgets["source"].currentData()
        form.widgets["focus_area"].setCurrentIndex(form.widgets["focus_area"].findData("住房保障"))

    answer(LedgerForm, fill)
    with qtbot.waitSignal(page.records.loaded, timeout=3000):
        assert page.records.raise_problem() is not None
    assert seen == {"description": "无房居住，借住亲友家", "source": "走访"}
    labels = [col.label for col in page.records.model.columns]
    assert page.records.model.data(page.records.model.index(0, labels.index("登记问题"))) == "1 个"


def test_per_cadre_view_lists_the_cadres_households(qtbot, db, covered):
    """按干部查看 shows each cadre's households and who is still to be visited this month."""
    homes, c = covered
    page = shown_visits(qtbot, db)
    page.apply_filter(cadre_id=c)
    assert page.tabs.currentWidget() is page.cadres
    me = next(r for r in page.cadres.cadre_model.rows if r.cadre_id == c)
    assert (me.households, me.visited, me.behind) == (2, 0, 2)
    assert {h.household_id for h in page.cadres.household_model.rows} == {homes["低收入"], homes["无房"]}


def test_the_fusion_tab_lists_points_without_an_activity(qtbot, db, place, covered):
    """融合共建活动 lists the point that has held none this year in red, with the count of such points."""
    page = shown_visits(qtbot, db)
    page.tabs.setCurrentWidget(page.fusion)
    assert [p.point_id for p in page.fusion.model.rows] == [place[1]]
    assert "尚未开展 1 个" in page.fusion.summary.text()


def test_an_activity_added_on_the_fusion_tab_counts_for_its_point(qtbot, db, place, covered):
    """新增活动 on 融合共建 opens the 活动 form for the selected point; once saved the point is no longer behind."""
    page = shown_visits(qtbot, db)
    page.tabs.setCurrentWidget(page.fusion)
    page.fusion.refresh()
    assert page.fusion.model.rows and all(p.behind for p in page.fusion.model.rows)
    page.fusion.view.selectRow(0)
    point_id = page.fusion.model.rows[0].point_id
    seen = []

    def fill(form: LedgerForm) -> None:
        seen.append((form.widgets["kind"].currentData(), form.widgets["settlement_point_id"].currentData()))
        type_into(form.widgets["title"], "邻里节")

    answer(LedgerForm, fill)
    assert page.fusion.add_activity() is not None
    assert seen == [("居民融合共建活动", point_id)]
    row = next(p for p in page.fusion.model.rows if p.point_id == point_id)
    assert not row.behind and row.activities == 1


def test_the_unvisited_list_is_exported_and_printed(qtbot, db, covered, tmp_path):
    """导出未走访 writes the households behind this month in the township layout; 打印 prints the same list."""
    import openpyxl
    from PySide6.QtPrintSupport import QPrinter

    from app.services import visits as vs
    from app.ui import unvisited

    homes, c = covered
    vs.record_visit(db, {"date": TODAY, "cadre_id": c, "household_id": homes["低收入"], "way": "电话"})
    page = shown_visits(qtbot, db)
    target = page.matrix.export_unvisited(str(tmp_path / "未走访.xlsx"))
    sheet = openpyxl.load_workbook(target).active
    cells = [str(v) for row in sheet.iter_rows(values_only=True) for v in row if v is not None]
    assert any("未走访户清单" in v for v in cells)
    assert "孙无房" in cells and "钱低收" not in cells
    printer = QPrinter()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "未走访.pdf"))
    assert unvisited.print_list(page, db, page.matrix.matrix, printer)
    assert (tmp_path / "未走访.pdf").stat().st_size > 1000
    assert "孙无房" in unvisited.document(db, page.matrix.matrix).toPlainText()
