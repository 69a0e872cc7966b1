"""The app.io package stays below the GUI: no Qt, so the command line and the tests run it without a display."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import app.io

IO_DIR = Path(app.io.__file__).parent


@pytest.mark.parametrize("path", sorted(IO_DIR.glob("*.py")), ids=lambda p: p.name)
def test_io_modules_do_not_import_qt(path: Path) -> None:
    """No module of app.io imports PySide6 or app.ui."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        for name in names:
            assert not name.startswith(("PySide6", "app.ui")), f"{path.name} imports {name}"
