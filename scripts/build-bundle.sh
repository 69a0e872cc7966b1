#!/usr/bin/env bash
# Builds the one-folder bundle dist/houfu/ (PyInstaller, packaging/houfu.spec) and the .deb beside it
# (scripts/build-deb.sh). Needs nothing but a Debian-like system with Python 3.11: the Debian packages it
# lacks are installed (as root with apt-get, else sudo), PyInstaller comes from the project's "bundle" extra
# into its own environment build/venv (the developer's .venv is left alone).
#
#   bash scripts/build-bundle.sh            # bundle + .deb
#   bash scripts/build-bundle.sh --no-deb   # bundle only
set -euo pipefail
cd "$(dirname "$0")/.."

make_deb=1
[ "${1:-}" = "--no-deb" ] && make_deb=0

# Qt's runtime libraries (the analysis loads PySide6) and venv, as for running the program; binutils
# (objdump) for the libraries' dependencies.
bash scripts/install-debian-deps.sh
if ! command -v objdump >/dev/null 2>&1; then
    if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get update -qq
    $sudo apt-get install -y -qq --no-install-recommends binutils >/dev/null
fi

started=$(date +%s)
if [ ! -x build/venv/bin/python ]; then
    python3 -m venv build/venv
fi
# The project itself is installed too (so its dependencies are exactly pyproject's); the analysis reads
# app/ from this folder (pathex in the spec).
build/venv/bin/pip install -q ".[bundle]"

build/venv/bin/pyinstaller --noconfirm --log-level WARN --distpath dist --workpath build/pyinstaller \
    packaging/houfu.spec
echo "程序文件夹：dist/houfu/（$(du -sh dist/houfu | cut -f1)，用时 $(( $(date +%s) - started )) 秒）"

if [ "$make_deb" = 1 ]; then
    bash scripts/build-deb.sh
fi
