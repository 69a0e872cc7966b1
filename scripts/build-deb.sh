#!/usr/bin/env bash
# Packs the bundle dist/houfu/ (from scripts/build-bundle.sh) as dist/houfu_VERSION_ARCH.deb with dpkg-deb
# alone: the programs in /opt/houfu/, launchers /usr/bin/houfu and /usr/bin/houfu-gui, the desktop entry and
# the icon. The package holds nothing else: the clerk's data directory (~/.local/share/houfu) is never part
# of it, so installing a newer package leaves the data alone; the program upgrades the database on open.
#
#   bash scripts/build-deb.sh [--version V] [--out DIR]    (defaults: pyproject's version, dist/)
set -euo pipefail
cd "$(dirname "$0")/.."

version=$(python3 -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["version"])')
out=dist
while [ $# -gt 0 ]; do
    case "$1" in
        --version) version=$2; shift 2 ;;
        --out) out=$2; shift 2 ;;
        *) echo "用法：bash scripts/build-deb.sh [--version 版本] [--out 目录]" >&2; exit 2 ;;
    esac
done
if [ ! -x dist/houfu/houfu ]; then
    echo "没有找到 dist/houfu/houfu，请先运行 bash scripts/build-bundle.sh" >&2
    exit 2
fi
arch=$(dpkg --print-architecture)

# Libraries the bundle uses from the system rather than carrying them (see SYSTEM_LIBS in the spec and
# PyInstaller's own exclusions), and the package that provides each on Debian, UOS and Kylin.
declare -A provider=(
    [libc.so.6]=libc6 [libm.so.6]=libc6 [libdl.so.2]=libc6 [libpthread.so.0]=libc6 [librt.so.1]=libc6
    [libresolv.so.2]=libc6 [libutil.so.1]=libc6 [ld-linux-x86-64.so.2]=libc6 [ld-linux-aarch64.so.1]=libc6
    [libGL.so.1]=libgl1 [libEGL.so.1]=libegl1 [libxcb.so.1]=libxcb1
    [libcups.so.2]="libcups2 | libcups2t64" [libgssapi_krb5.so.2]=libgssapi-krb5-2 [libdbus-1.so.3]=libdbus-1-3
    [libfontconfig.so.1]=libfontconfig1 [libfreetype.so.6]=libfreetype6 [libX11.so.6]=libx11-6
    [libX11-xcb.so.1]=libx11-xcb1 [libglib-2.0.so.0]="libglib2.0-0 | libglib2.0-0t64"
    [libgthread-2.0.so.0]="libglib2.0-0 | libglib2.0-0t64"
)
mapfile -t elves < <(find dist/houfu -type f \( -name '*.so*' -o -perm -u+x \) -exec sh -c \
    'head -c4 "$1" | grep -q "ELF" && echo "$1"' _ {} \;)
bundled=$(find dist/houfu -name '*.so*' -printf '%f\n' | sort -u)
needed=$(for f in "${elves[@]}"; do objdump -p "$f" | awk '/^ *NEEDED/ {print $2}'; done | sort -u)
depends=()
unknown=()
for lib in $(comm -23 <(echo "$needed") <(echo "$bundled")); do
    if [ -n "${provider[$lib]:-}" ]; then depends+=("${provider[$lib]}"); else unknown+=("$lib"); fi
done
if [ ${#unknown[@]} -gt 0 ]; then
    echo "打包中止：程序需要系统库 ${unknown[*]}，但没有写明由哪个软件包提供（scripts/build-deb.sh 的 provider 表）" >&2
    exit 1
fi
glibc=$(for f in "${elves[@]}"; do objdump -T "$f" 2>/dev/null; done | grep -oE 'GLIBC_[0-9]+(\.[0-9]+)+' \
    | sed 's/GLIBC_//' | sort -uV | tail -1)
depends_line=$(printf '%s\n' "${depends[@]}" | sort -u | sed "s/^libc6$/libc6 (>= $glibc)/" \
    | paste -sd, | sed 's/,/, /g')

stage=$(mktemp -d "${TMPDIR:-/tmp}/houfu-deb.XXXXXX")
trap 'rm -rf "$stage"' EXIT
root=$stage/root
mkdir -p "$root/opt" "$root/usr/bin" "$root/usr/share/applications" "$root/DEBIAN"
cp -a dist/houfu "$root/opt/houfu"
for program in houfu houfu-gui; do
    printf '#!/bin/sh\nexec /opt/houfu/%s "$@"\n' "$program" > "$root/usr/bin/$program"
done
for size in 48 128 256; do
    install -D -m 644 "resources/icons/houfu-$size.png" "$root/usr/share/icons/hicolor/${size}x${size}/apps/houfu.png"
done
install -D -m 644 resources/icons/houfu.svg "$root/usr/share/icons/hicolor/scalable/apps/houfu.svg"
cat > "$root/usr/share/applications/houfu.desktop" <<'EOF'
[Desktop Entry]
Type=Application
Version=1.0
Name=搬迁群众后续扶持台账
GenericName=后续扶持台账
Comment=镇水利移民站的一户一档、问题和工作台账、包保走访、年度计划与月报，无需网络
Exec=houfu-gui
Icon=houfu
Terminal=false
Categories=Office;
Keywords=移民;后扶;台账;一户一档;月报;
EOF
install -D -m 644 resources/fonts/LICENSE-Apache-2.0.txt "$root/usr/share/doc/houfu/LICENSE-Apache-2.0.txt"
install -D -m 644 resources/fonts/wqy-microhei-COPYRIGHT.txt "$root/usr/share/doc/houfu/wqy-microhei-COPYRIGHT.txt"

# Plain permissions whatever the umask: directories and programs 755, everything else 644.
find "$root" -type d -exec chmod 755 {} +
find "$root" -type f -perm -u+x -exec chmod 755 {} +
find "$root" -type f ! -perm -u+x -exec chmod 644 {} +
chmod 755 "$root/usr/bin/houfu" "$root/usr/bin/houfu-gui"

installed_kb=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
cat > "$root/DEBIAN/control" <<EOF
Package: houfu
Version: $version
Architecture: $arch
Maintainer: Houfu <houfu@localhost>
Installed-Size: $installed_kb
Depends: $depends_line
Section: misc
Priority: optional
Description: 搬迁群众后续扶持台账（镇水利移民站，离线使用）
 一户一档、问题台账与工作台账、包保与走访、年度计划，以及每月报送的月报。
 程序自带运行环境，安装在 /opt/houfu；数据保存在每个用户自己的数据目录
 （~/.local/share/houfu），安装新版本不会改动它。
EOF

mkdir -p "$out"
# gzip: every dpkg reads it, and it packs in seconds (xz saves a quarter of the size at twenty times the time)
deb="$out/houfu_${version}_${arch}.deb"
dpkg-deb --root-owner-group -Zgzip -z6 --build "$root" "$deb.tmp" >/dev/null
mv "$deb.tmp" "$deb"
echo "安装包：$deb（$(du -h "$deb" | cut -f1)）"
