"""Checks an offline wheel folder for a target the build machine is not: every wheel installs on CPython
3.11 for 64-bit Windows, and every requirement of every wheel that applies there (markers evaluated for
Windows, not for this machine) is met by a wheel in the folder.

Usage: python check_wheelhouse.py WHEEL_DIR
Prints each unmet requirement on its own line (to be downloaded) and exits 1 when there is any; exits 2
when a wheel cannot be installed on the target at all. Needs the `packaging` library (a PyInstaller
dependency, so present in build/venv)."""

from __future__ import annotations

import sys
import zipfile
from email.parser import Parser
from pathlib import Path

from packaging.requirements import Requirement
from packaging.tags import compatible_tags, cpython_tags
from packaging.utils import canonicalize_name, parse_wheel_filename

WINDOWS_CP311 = {
    "os_name": "nt", "sys_platform": "win32", "platform_system": "Windows", "platform_machine": "AMD64",
    "platform_release": "10", "platform_version": "10.0.19045", "python_version": "3.11",
    "python_full_version": "3.11.9", "implementation_name": "cpython", "implementation_version": "3.11.9",
    "platform_python_implementation": "CPython", "extra": "",
}
TARGET_TAGS = set(cpython_tags((3, 11), abis=["cp311"], platforms=["win_amd64"])) | \
    set(compatible_tags((3, 11), interpreter="cp311", platforms=["win_amd64"]))


def metadata(wheel: Path):
    with zipfile.ZipFile(wheel) as zf:
        name = next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA") and n.count("/") == 1)
        return Parser().parsestr(zf.read(name).decode("utf-8"))


def main(folder: Path) -> int:
    available = {}
    unusable = []
    for wheel in sorted(folder.glob("*.whl")):
        name, version, _build, tags = parse_wheel_filename(wheel.name)
        if not tags & TARGET_TAGS:
            unusable.append(wheel.name)
        available[name] = version
    if unusable:
        for name in unusable:
            print(f"不能在 64 位 Windows 的 Python 3.11 上安装：{name}", file=sys.stderr)
        return 2
    unmet = []
    for wheel in sorted(folder.glob("*.whl")):
        for line in metadata(wheel).get_all("Requires-Dist") or []:
            req = Requirement(line)
            if req.marker is not None and not req.marker.evaluate(WINDOWS_CP311):
                continue
            version = available.get(canonicalize_name(req.name))
            if version is None or not req.specifier.contains(version, prereleases=True):
                unmet.append(str(Requirement(f"{req.name}{req.specifier}")))
    for line in sorted(set(unmet)):
        print(line)
    return 1 if unmet else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
