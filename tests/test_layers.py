"""The shape of app/: no import cycle between its packages and no Qt outside app/ui (STYLE "Layers")."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parent.parent / "app"

# The one known exception: app.services.report_data draws the 月报 through app.reports, whose modules take their
# data types from report_data. It goes when the report rework moves those types into a module of their own.
EXPECTED_EDGES = {("app.services.report_data", "app.reports")}


def module_name(path: Path) -> str:
    name = ".".join(path.relative_to(APP.parent).with_suffix("").parts)
    return name.removesuffix(".__init__")


def package(module: str) -> str:
    """app.services.stats -> app.services; app.db -> app.db (a top-level module is its own unit)."""
    return ".".join(module.split(".")[:2])


def imports(path: Path) -> list[tuple[int, str]]:
    """Every module path imports, at any depth (inside functions too), as absolute dotted names."""
    module = module_name(path)
    here = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = ".".join(here[: len(here) - node.level + 1] if node.level else [])
            target = ".".join(p for p in (base, node.module or "") if p) if node.level else node.module or ""
            found.append((node.lineno, target))
            found += [(node.lineno, f"{target}.{alias.name}") for alias in node.names]
    return found


def package_edges() -> dict[str, dict[str, list[str]]]:
    """package -> imported package -> where ("app/x.py:12"), skipping EXPECTED_EDGES."""
    edges: dict[str, dict[str, list[str]]] = {}
    for path in sorted(APP.rglob("*.py")):
        module = module_name(path)
        for line, target in imports(path):
            if not target.startswith("app.") or target.count(".") < 1:
                continue
            src, dst = package(module), package(target)
            if src == dst or any(module == m and dst == p for m, p in EXPECTED_EDGES):
                continue
            edges.setdefault(src, {}).setdefault(dst, []).append(f"{path.relative_to(APP.parent)}:{line}")
    return edges


def cycles(edges: dict[str, dict[str, list[str]]]) -> list[list[str]]:
    """The strongly connected components of more than one package (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in edges.get(v, {}):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in list(edges):
        if v not in index:
            visit(v)
    return found


def test_no_import_cycle_between_packages_of_app():
    """No two packages of app/ import each other, directly or round a loop, counting imports inside functions."""
    edges = package_edges()
    problems = []
    for component in cycles(edges):
        where = [f"{a} -> {b}: {', '.join(dict.fromkeys(edges[a][b]))}" for a in component for b in edges.get(a, {})
                 if b in component]
        problems.append(" <-> ".join(component) + "\n    " + "\n    ".join(where))
    assert not problems, "import cycles between packages:\n" + "\n".join(problems)


def test_the_cycle_check_finds_a_cycle():
    """The check itself sees a loop of three packages and ignores a chain."""
    assert cycles({"a": {"b": []}, "b": {"c": []}, "c": {"a": []}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b": []}, "b": {"c": []}}) == []


QT_FREE = sorted(p for p in APP.rglob("*.py") if "ui" not in p.relative_to(APP).parts[:1])


@pytest.mark.parametrize("path", QT_FREE, ids=lambda p: str(p.relative_to(APP)))
def test_nothing_outside_app_ui_imports_qt(path: Path):
    """No module outside app/ui imports PySide6, not even inside a function (the GUI's entry point in cli.py
    reaches Qt only through app.ui)."""
    bad = [f"{line}: {name}" for line, name in imports(path) if name.split(".")[0] in ("PySide6", "shiboken6")]
    assert not bad, f"{path.relative_to(APP.parent)} imports Qt: {bad}"


def test_importing_everything_outside_app_ui_loads_no_qt():
    """Importing every module outside app/ui (the migrations aside) leaves PySide6 unloaded."""
    names = [module_name(p) for p in QT_FREE if "migrations" not in p.parts and p.name != "__main__.py"]
    code = "import importlib, sys\n" + "".join(f"importlib.import_module({n!r})\n" for n in names) + \
        "print(sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=APP.parent).stdout
    assert out.strip() == "[]"
