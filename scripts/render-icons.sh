#!/usr/bin/env bash
# Renders resources/icons/houfu.svg (drawn by hand) to the PNGs the .deb installs (48, 128, 256 px) and to
# houfu.ico (16-256 px, PNG-compressed) for the Windows programs and shortcuts. The results are committed;
# run this again only after changing the SVG. Installs librsvg2-bin (rsvg-convert) when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
icons=resources/icons

if ! command -v rsvg-convert >/dev/null 2>&1; then
    if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get update -qq
    $sudo apt-get install -y -qq --no-install-recommends librsvg2-bin >/dev/null
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for size in 16 32 48 128 256; do
    rsvg-convert -w "$size" -h "$size" "$icons/houfu.svg" -o "$tmp/$size.png"
done
for size in 48 128 256; do
    cp "$tmp/$size.png" "$icons/houfu-$size.png"
done
python3 packaging/make_ico.py "$icons/houfu.ico" "$tmp"/16.png "$tmp"/32.png "$tmp"/48.png "$tmp"/256.png
