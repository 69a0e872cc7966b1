#!/usr/bin/env bash
# Builds the offline Windows kit dist/houfu-windows/: the project's wheel and every dependency as wheels for
# CPython 3.11 on 64-bit Windows (wheels/), install.bat (a virtual environment from the installed Python 3.11,
# `pip install --no-index --find-links`, desktop and Start-menu shortcuts), uninstall.bat, the icon and
# 安装说明.txt. Runs on Linux; needs the package index once, the office PC never does.
#
# Encodings: the .bat files are GBK with CRLF (cmd.exe on a Chinese Windows reads batch files in code
# page 936); 安装说明.txt and make-shortcuts.ps1 are UTF-8 with BOM and CRLF (Notepad and Windows
# PowerShell 5 then read them correctly).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! python3 -c "import ensurepip, venv" >/dev/null 2>&1; then
    bash scripts/install-debian-deps.sh
fi
if [ ! -x build/venv/bin/python ]; then
    python3 -m venv build/venv
fi
build/venv/bin/pip install -q ".[bundle]"   # the same build environment as the bundle (for `packaging`)
pip=(build/venv/bin/python -m pip)

kit=dist/houfu-windows
rm -rf "$kit" "$kit.tmp"
mkdir -p "$kit.tmp/wheels"

"${pip[@]}" wheel -q --no-deps -w "$kit.tmp/wheels" .
project_wheel=$(ls "$kit.tmp"/wheels/houfu-*.whl)
# What the installed program reads from files beside its code must be in the wheel.
build/venv/bin/python - "$project_wheel" <<'PY'
import sys, zipfile
names = set(zipfile.ZipFile(sys.argv[1]).namelist())
wanted = ["resources/fonts/wqy-microhei.ttc", "resources/style.qss", "resources/icons/houfu-256.png",
          "app/migrations/env.py", "app/migrations/script.py.mako"]
missing = [n for n in wanted if n not in names]
if not any(n.startswith("app/migrations/versions/") and n.endswith(".py") for n in names):
    missing.append("app/migrations/versions/*.py")
if missing:
    sys.exit("wheel 中缺少：" + "、".join(missing))
PY
target=(--only-binary=:all: --platform win_amd64 --python-version 3.11 --implementation cp)
"${pip[@]}" download -q "${target[@]}" -d "$kit.tmp/wheels" "$project_wheel"

# pip evaluates environment markers for this machine, not for Windows: add what Windows alone needs.
for _ in 1 2 3; do
    if missing=$(build/venv/bin/python packaging/check_wheelhouse.py "$kit.tmp/wheels"); then
        break
    fi
    [ -n "$missing" ] || exit 1
    echo "补充 Windows 专用的依赖：$(echo "$missing" | paste -sd' ')"
    mapfile -t reqs <<<"$missing"
    "${pip[@]}" download -q "${target[@]}" -d "$kit.tmp/wheels" "${reqs[@]}"
done
build/venv/bin/python packaging/check_wheelhouse.py "$kit.tmp/wheels" >/dev/null
# What pip on the office PC will do, resolved here for that platform, from the folder alone.
"${pip[@]}" install -q --dry-run --ignore-installed --no-index --find-links "$kit.tmp/wheels" "${target[@]}" \
    --target "$kit.tmp/dry-run" houfu
rm -rf "$kit.tmp/dry-run"

build/venv/bin/python - "$kit.tmp" <<'PY'
import sys
from pathlib import Path

kit = Path(sys.argv[1])
source = Path("packaging/windows")
files = {  # name in the kit: (template, encoding)
    "install.bat": ("install.bat", "gbk"),
    "uninstall.bat": ("uninstall.bat", "gbk"),
    "make-shortcuts.ps1": ("make-shortcuts.ps1", "utf-8-sig"),
    "安装说明.txt": ("安装说明.txt", "utf-8-sig"),
}
for name, (template, encoding) in files.items():
    text = (source / template).read_text(encoding="utf-8").replace("\r\n", "\n").replace("\n", "\r\n")
    (kit / name).write_bytes(text.encode(encoding))
(kit / "houfu.ico").write_bytes(Path("resources/icons/houfu.ico").read_bytes())
PY

mv "$kit.tmp" "$kit"
echo "Windows 离线安装包：$kit/（$(ls "$kit"/wheels/*.whl | wc -l) 个 wheel，$(du -sh "$kit" | cut -f1)）"
