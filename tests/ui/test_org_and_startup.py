"""First run, the town profile, villages and settlement points, and the main window's navigation."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog

from app.db import create_database
from app.services import town
from app.ui.main_window import MainWindow
from app.ui.org_page import OrgPage, PointDialog, TownSetupDialog, VillageDialog
from tests.conftest import type_into


def test_first_run_setup_saves_the_town_profile(qtbot, tmp_path):
    """On a new database the clerk fills the town name and it is saved for the reports."""
    db = create_database(tmp_path / "new.db")
    town.seed_reference_data(db)
    dialog = TownSetupDialog(db)
    qtbot.addWidget(dialog)
    type_into(dialog.form.fields["town_name"], "清江镇")
    type_into(dialog.form.fields["station_name"], "清江镇水利移民站")
    dialog.ok.click()
    assert dialog.result() == QDialog.DialogCode.Accepted
    saved = town.load_town(db)
    assert saved.town_name == "清江镇" and saved.station_name == "清江镇水利移民站"


def test_first_run_setup_requires_the_town_name(qtbot, tmp_path, monkeypatch):
    """Saving without a town name is refused with a message and nothing is saved."""
    db = create_database(tmp_path / "new.db")
    town.seed_reference_data(db)
    messages = []
    monkeypatch.setattr("app.ui.org_page.warn", lambda _p, _t, text: messages.append(text))
    dialog = TownSetupDialog(db)
    qtbot.addWidget(dialog)
    dialog.ok.click()
    assert messages == ["请填写镇（乡）名称"]
    assert not town.load_town(db).is_set_up


def _answer(dialog_type, fill):
    """Fill the next modal dialog of dialog_type when it appears, then accept it."""

    def poke():
        for w in QApplication.topLevelWidgets():
            if isinstance(w, dialog_type) and w.isVisible():
                fill(w)
                w.accept()
                return
        QTimer.singleShot(20, poke)

    QTimer.singleShot(0, poke)


def test_adding_a_village_and_a_point_shows_them_with_derived_counts(qtbot, db, add_household):
    """A new village and point appear in their lists; household counts come from the archive."""
    page = OrgPage(db)
    qtbot.addWidget(page)
    _answer(VillageDialog, lambda d: d.name.setText("翁昭村"))
    page.add_village()
    names = [v.name for v in page.village_model.rows]
    assert "翁昭村" in names
    village_id = next(v.id for v in page.village_model.rows if v.name == "翁昭村")

    def fill_point(d):
        d.name.setText("山宝沟安置点")
        d.village.setCurrentIndex(d.village.findData(village_id))

    _answer(PointDialog, fill_point)
    page.add_point()
    point = next(p for p in page.point_model.rows if p.name == "山宝沟安置点")
    assert point.village == "翁昭村" and point.households == 0
    add_household("张国强", point=point.id)
    page.reload()
    assert next(p for p in page.point_model.rows if p.name == "山宝沟安置点").households == 1


def test_main_window_navigates_between_pages(qtbot, db):
    """The navigation lists the areas that exist and switches pages."""
    window = MainWindow(db)
    qtbot.addWidget(window)
    labels = [window.nav.item(i).text() for i in range(window.nav.count())]
    assert labels[:5] == ["首页", "户档案", "包保", "走访", "问题台账"]
    assert labels[-3:] == ["干部与单位", "基础信息", "数据安全"]
    assert window.current_page() is window.work.dashboard
    window.nav.setCurrentRow(labels.index("基础信息"))
    assert window.current_page() is window.org
    assert "清江镇" in window.windowTitle()


def test_pages_are_built_when_first_shown(qtbot, db):
    """The window opens with only 首页 and 户档案 built; another page is built when the clerk opens it."""
    window = MainWindow(db)
    qtbot.addWidget(window)
    assert window._org is None and "baobao" not in window.work.__dict__
    window.show_page("包保")
    assert "baobao" in window.work.__dict__ and window.current_page() is window.work.baobao
    window.show_page("基础信息")
    assert window.current_page() is window.org


def test_first_run_demo_is_generated_on_the_worker_and_opens(qtbot, tmp_path, monkeypatch):
    """Choosing 生成演示数据 on first run fills a new database off the GUI thread; reopening it later works."""
    import threading

    from sqlalchemy import func, select

    from app import demo
    from app.models import Household
    from app.ui import startup

    monkeypatch.setattr(startup, "DEMO_HOUSEHOLDS", 40)
    threads = []
    real = demo.generate
    monkeypatch.setattr(demo, "generate", lambda *a, **k: threads.append(threading.get_ident()) or real(*a, **k))

    def choose_demo(self):
        self.choice = startup.WelcomeDialog.DEMO
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(startup.WelcomeDialog, "exec", choose_demo)
    path = tmp_path / "demo.db"
    db = startup.open_for_gui(path)
    assert db is not None and threads and threads[0] != threading.get_ident()
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Household)) == 40
    db.close()
    again = startup.open_for_gui(path)
    assert again is not None and not again.readonly
    again.close()
