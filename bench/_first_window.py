"""Child process of bench_archive: launch the real GUI on a database and report when it is usable.

Prints seconds since the parent's start stamp (argv[2]) when the window is shown and when the household
list is filled, then the peak memory, and quits."""

import os
import resource
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from pathlib import Path  # noqa: E402

from app.db import open_database  # noqa: E402
from app.ui.main import make_application  # noqa: E402
from app.ui.main_window import MainWindow  # noqa: E402

started = float(sys.argv[2])
app = make_application()
db = open_database(Path(sys.argv[1]))
window = MainWindow(db)
loaded: list[float] = []
window.households.loaded.connect(lambda n: (loaded.append(time.time() - started), print(f"list {loaded[0]:.3f} {n}")))
window.show()
app.processEvents()
print(f"window {time.time() - started:.3f}")
while not loaded:
    app.processEvents()
    time.sleep(0.001)
print(f"maxrss_mb {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}")
