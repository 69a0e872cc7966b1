"""run_gui holds the instance lock (app.dblock) of the file the window actually works on."""

from __future__ import annotations

import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from app import dblock
from app.db import create_database, open_database
from app.services import town
from app.ui.main_window import MainWindow


def test_a_file_opened_from_the_welcome_screen_is_the_one_the_window_holds(qtbot, tmp_path, monkeypatch):
    """No database at the default place; the clerk opens another file from the welcome screen: while the window
    is open a command cannot write to that file, and the default place is not held."""
    from app.ui import main as gui_main
    from app.ui import password, startup

    chosen = tmp_path / "其他" / "town.db"
    chosen.parent.mkdir()
    db = create_database(chosen)
    town.seed_reference_data(db)
    town.save_town(db, town.TownData(town_name="清江镇", county_name="某县"))
    db.close()
    default = tmp_path / "默认" / "houfu.db"
    default.parent.mkdir()
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # run_gui installs its own; put it back afterwards
    monkeypatch.setattr(startup, "open_for_gui", lambda _path: open_database(chosen))
    monkeypatch.setattr(password, "ask_password_at_launch", lambda _db: True)
    seen: dict[str, bool] = {}

    def while_open() -> None:
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
        if not windows:
            QTimer.singleShot(50, while_open)
            return
        try:
            for name, path in (("chosen_held", chosen), ("default_held", default)):
                try:
                    lock = dblock.hold_writer(path)
                except dblock.LockBusy:
                    seen[name] = True
                else:
                    seen[name] = False
                    if lock is not None:
                        lock.release()
        finally:
            windows[0].close()

    QTimer.singleShot(0, while_open)
    assert gui_main.run_gui(default) == 0
    assert seen == {"chosen_held": True, "default_held": False}
    lock = dblock.hold_writer(chosen)  # the window is gone: commands may write again
    assert lock is not None
    lock.release()
