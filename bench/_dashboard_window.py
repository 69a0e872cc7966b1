"""Child process of bench_duties: open the main window on 首页 and report when its figures and its
督办提醒 panel are shown, and when the list behind the panel is at hand (seconds since the parent's start
stamp, argv[2])."""

import os
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from pathlib import Path  # noqa: E402

from app.db import open_database  # noqa: E402
from app.ui.main import freeze_startup, make_application  # noqa: E402
from app.ui.main_window import MainWindow  # noqa: E402

freeze_startup()  # as run_gui does, after its imports

started = float(sys.argv[2])
app = make_application()
db = open_database(Path(sys.argv[1]))
window = MainWindow(db)
dashboard = window.work.dashboard
done: dict[str, float] = {}
dashboard.loaded.connect(lambda: done.setdefault("figures", time.time() - started))
dashboard.duties_loaded.connect(lambda: done.setdefault("panel", time.time() - started))
dashboard.duties_listed.connect(lambda: done.setdefault("list", time.time() - started))
window.show()
app.processEvents()
print(f"window {time.time() - started:.3f}")
while len(done) < 3 and time.time() - started < 60:
    app.processEvents()
    time.sleep(0.001)
print(f"figures {done.get('figures', -1):.3f}")
print(f"panel {done.get('panel', -1):.3f}")
print(f"list {done.get('list', -1):.3f}")
print(f"findings {sum(dashboard.findings.by_rule.values()) if dashboard.findings else -1}")
window.close()  # as the clerk would: the window waits for its lanes, so nothing runs on at exit
db.close()
