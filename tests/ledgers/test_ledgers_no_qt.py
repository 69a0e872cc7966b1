"""The ledger mechanism and the new services import no Qt (STYLE example 1)."""

from __future__ import annotations

import subprocess
import sys


def test_ledgers_and_services_import_without_qt():
    """Importing app.ledgers and the 包保/走访/问题/首页/干部 services loads no PySide6 module."""
    code = ("import sys; import app.ledgers, app.ledgers.engine, app.services.baobao, app.services.visits, "
            "app.services.problems, app.services.dashboard, app.services.people; "
            "print([m for m in sys.modules if m.startswith('PySide6')])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
