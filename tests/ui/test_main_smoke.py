"""Starting the GUI through run_gui: the window icon, and the check hook a built bundle is tested with."""

from __future__ import annotations

import time

from PySide6.QtWidgets import QApplication

from app.db import create_database
from app.services import town
from app.ui.main import SMOKE_ENV, run_gui


def _ready_database(path):
    db = create_database(path)
    town.seed_reference_data(db)
    town.save_town(db, town.TownData(town_name="清江镇", county_name="某县", station_name="清江镇水利移民站"))
    db.close()


def test_smoke_seconds_shows_the_window_then_quits_cleanly(qtbot, tmp_path, monkeypatch, capsys):
    """With HOUFU_SMOKE_SECONDS the real start-up runs to the main window, says so, and exits with 0."""
    path = tmp_path / "smoke.db"
    _ready_database(path)
    monkeypatch.setenv(SMOKE_ENV, "0.3")
    started = time.monotonic()
    assert run_gui(path) == 0
    assert time.monotonic() - started < 30
    assert "已显示主窗口" in capsys.readouterr().err
    assert path.exists()


def test_the_application_carries_the_houfu_icon(qtbot, tmp_path, monkeypatch):
    """Every window (and the task bar) shows the application's icon."""
    path = tmp_path / "icon.db"
    _ready_database(path)
    monkeypatch.setenv(SMOKE_ENV, "0")
    assert run_gui(path) == 0
    icon = QApplication.instance().windowIcon()
    assert not icon.isNull()
    assert icon.pixmap(48, 48).width() == 48
