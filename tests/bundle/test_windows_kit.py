"""The Windows kit's wheel-folder check (packaging/check_wheelhouse.py): a dependency only Windows needs is
found missing even though this machine would not ask for it, and a wheel for another platform is refused."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHECK = ROOT / "packaging" / "check_wheelhouse.py"


def _wheel(folder: Path, name: str, version: str, tag: str = "py3-none-any", requires: tuple[str, ...] = ()):
    dist = f"{name}-{version}"
    meta = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
    meta += "".join(f"Requires-Dist: {r}\n" for r in requires)
    with zipfile.ZipFile(folder / f"{dist}-{tag}.whl", "w") as zf:
        zf.writestr(f"{dist}.dist-info/METADATA", meta)


def _check(folder: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(CHECK), str(folder)], capture_output=True, text=True)


def test_a_requirement_only_windows_has_is_reported_until_its_wheel_is_there(tmp_path):
    _wheel(tmp_path, "houfu", "0.1.0", requires=(
        "sqlalchemy>=2", 'colorama; sys_platform == "win32"', 'uvloop; sys_platform != "win32"',
        'pytest; extra == "test"'))
    _wheel(tmp_path, "sqlalchemy", "2.1.0", tag="cp311-cp311-win_amd64")
    result = _check(tmp_path)
    assert result.returncode == 1
    assert result.stdout.split() == ["colorama"]
    _wheel(tmp_path, "colorama", "0.4.6", tag="py2.py3-none-any")
    assert _check(tmp_path).returncode == 0


def test_a_too_old_version_counts_as_missing(tmp_path):
    _wheel(tmp_path, "houfu", "0.1.0", requires=("openpyxl>=3.1,<4",))
    _wheel(tmp_path, "openpyxl", "3.0.10")
    result = _check(tmp_path)
    assert result.returncode == 1
    assert result.stdout.strip() in ("openpyxl<4,>=3.1", "openpyxl>=3.1,<4")


def test_a_wheel_for_another_platform_is_refused(tmp_path):
    _wheel(tmp_path, "houfu", "0.1.0", requires=("markupsafe",))
    _wheel(tmp_path, "markupsafe", "3.0.2", tag="cp311-cp311-manylinux_2_17_x86_64")
    result = _check(tmp_path)
    assert result.returncode == 2
    assert "markupsafe-3.0.2-cp311-cp311-manylinux_2_17_x86_64.whl" in result.stderr


def test_abi3_wheels_for_older_pythons_are_accepted(tmp_path):
    _wheel(tmp_path, "houfu", "0.1.0", requires=("PySide6-Essentials>=6.8",))
    _wheel(tmp_path, "pyside6_essentials", "6.11.3", tag="cp310-abi3-win_amd64")
    assert _check(tmp_path).returncode == 0


def test_the_shipped_icon_holds_the_sizes_windows_uses():
    spec = importlib.util.spec_from_file_location("make_ico", ROOT / "packaging" / "make_ico.py")
    make_ico = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_ico)
    data = (ROOT / "resources" / "icons" / "houfu.ico").read_bytes()
    count = int.from_bytes(data[4:6], "little")
    sizes = []
    for i in range(count):
        entry = data[6 + 16 * i: 22 + 16 * i]
        length, offset = int.from_bytes(entry[8:12], "little"), int.from_bytes(entry[12:16], "little")
        sizes.append(make_ico.png_size(data[offset:offset + length])[0])
    assert sizes == [16, 32, 48, 256]
