#!/usr/bin/env bash
# Installs the Debian packages Houfu needs that this machine lacks: Qt's runtime libraries (for the window
# and for offscreen tests) and, where Python lacks it, venv. With --test also 7-Zip, which the tests use to
# open an encrypted county copy as the county's PC would, and PostgreSQL's server (the county tests also run
# on a throwaway PostgreSQL cluster that the tests start on a Unix socket). Uses apt-get as root, else sudo.
set -euo pipefail

packages=(libegl1 libgl1 libglib2.0-0 libfontconfig1 libdbus-1-3 libxkbcommon0 libxkbcommon-x11-0
          libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-render-util0 libxcb-image0
          libxcb-randr0 libxcb-xinerama0 libxcb-xkb1)
if [ "${1:-}" = "--test" ]; then
    packages+=(7zip postgresql)
fi
if ! python3 -c "import ensurepip, venv" >/dev/null 2>&1; then
    packages+=(python3-venv)
fi

missing=()
for p in "${packages[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
