#!/usr/bin/env bash
# Checks the built bundle and .deb as the clerk's PC would run them, with no Python of ours anywhere on PATH
# (env -i PATH=/usr/bin:/bin, a fresh HOME):
#   1. the frozen program: init, demo --households 300, report monthly, stats, check, a PostgreSQL URL
#      (psycopg is in the bundle: an unreachable server is one Chinese line), and the window offscreen
#      for a few seconds (HOUFU_SMOKE_SECONDS, handled in app/ui/main.py);
#   2. the .deb: its contents (launchers, desktop entry, icons, nothing outside /opt and /usr), installed
#      with dpkg into a throwaway root; a clerk's data directory made by the installed program; a newer
#      package installed over it; the data directory byte for byte unchanged and still opened by the new
#      program.
# Run after scripts/build-bundle.sh. Exits non-zero with a line saying what failed.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
bundle=$repo/dist/houfu
version=$(python3 -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["version"])')
deb=$(ls dist/houfu_"$version"_*.deb)

work=$(mktemp -d "${TMPDIR:-/tmp}/houfu-smoke.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() { echo "检查未通过：$*" >&2; exit 1; }
# The program as an office PC runs it: nothing of this machine's Python or virtual environments.
run() { env -i PATH=/usr/bin:/bin HOME="$work/home" LANG=C.UTF-8 "$@"; }
mkdir -p "$work/home"

echo "== 冻结的程序（$bundle）"
month=$(date +%Y-%m)
db=$work/smoke.db
run "$bundle/houfu" --db "$db" init || fail "init"
run "$bundle/houfu" --db "$db" demo --households 300 || fail "demo --households 300"
run "$bundle/houfu" --db "$db" report monthly --month "$month" --out "$work/月报.pdf" || fail "report monthly"
head -c 5 "$work/月报.pdf" | grep -q '%PDF-' || fail "月报不是 PDF 文件"
run "$bundle/houfu" --db "$db" stats --json > "$work/stats.json" || fail "stats"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d, d' "$work/stats.json" || fail "stats --json 的输出"
run "$bundle/houfu" --db "$db" check > /dev/null || fail "check"
# A county database on PostgreSQL: the frozen program has psycopg (no server listens in $work, so it says that).
if run "$bundle/houfu" --db "postgresql+psycopg://houfu@/houfu?host=$work" county towns 2> "$work/pg.err"; then
    fail "county towns 连接不存在的数据库服务器时没有报错"
fi
grep -q "无法连接数据库服务器" "$work/pg.err" || { cat "$work/pg.err" >&2; fail "冻结的程序不能连接 PostgreSQL"; }

run QT_QPA_PLATFORM=offscreen HOUFU_SMOKE_SECONDS=3 timeout 120 "$bundle/houfu-gui" --db "$db" \
    2> "$work/gui.err" || { cat "$work/gui.err" >&2; fail "图形界面没有正常退出"; }
grep -q "已显示主窗口" "$work/gui.err" || { cat "$work/gui.err" >&2; fail "图形界面没有显示主窗口"; }
if grep -q "Traceback" "$work/gui.err"; then cat "$work/gui.err" >&2; fail "图形界面出错"; fi
echo "程序检查通过：init、demo、report monthly、stats、check、PostgreSQL 组件、主窗口"

echo "== 安装包（$deb）"
listing=$(dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./||')
for path in opt/houfu/houfu opt/houfu/houfu-gui usr/bin/houfu usr/bin/houfu-gui usr/share/applications/houfu.desktop \
        usr/share/icons/hicolor/48x48/apps/houfu.png usr/share/icons/hicolor/128x128/apps/houfu.png \
        usr/share/icons/hicolor/256x256/apps/houfu.png usr/share/icons/hicolor/scalable/apps/houfu.svg; do
    grep -qx "$path" <<<"$listing" || fail "安装包中缺少 /$path"
done
outside=$(grep -vE '^(|opt/|opt/houfu(/.*)?|usr/|usr/(bin|share)/?.*)$' <<<"$listing" || true)
[ -z "$outside" ] || fail "安装包在 /opt 和 /usr 以外写入文件：$outside"

# A throwaway root with its own dpkg database: the real one is never touched.
root=$work/root
mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates" "$root/var/lib/dpkg/triggers"
touch "$root/var/lib/dpkg/status" "$root/var/lib/dpkg/available"
install_deb() {  # dependencies are this machine's business, not the throwaway root's (its database is empty)
    dpkg --root="$root" --force-depends --force-not-root --log=/dev/null -i "$1" > "$work/dpkg.log" 2>&1 \
        || { cat "$work/dpkg.log" >&2; return 1; }
}
install_deb "$deb" || fail "dpkg 无法安装 $deb"
for path in usr/bin/houfu usr/bin/houfu-gui usr/share/applications/houfu.desktop \
        usr/share/icons/hicolor/256x256/apps/houfu.png opt/houfu/_internal; do
    [ -e "$root/$path" ] || fail "安装后缺少 /$path"
done
grep -qx "Exec=houfu-gui" "$root/usr/share/applications/houfu.desktop" || fail "桌面文件的 Exec"
grep -qx "Name=搬迁群众后续扶持台账" "$root/usr/share/applications/houfu.desktop" || fail "桌面文件的 Name"
grep -qx "exec /opt/houfu/houfu \"\$@\"" "$root/usr/bin/houfu" || fail "启动脚本 /usr/bin/houfu"

# The clerk's data, made by the installed program in its default place (the per-user data directory).
clerk=$work/clerk
mkdir -p "$clerk"
as_clerk() { env -i PATH=/usr/bin:/bin HOME="$clerk" LANG=C.UTF-8 "$@"; }
as_clerk "$root/opt/houfu/houfu" demo --households 50 > /dev/null || fail "安装后的程序无法生成数据"
as_clerk "$root/opt/houfu/houfu" backup > /dev/null || fail "安装后的程序无法备份"
data=$clerk/.local/share/houfu
[ -f "$data/houfu.db" ] || fail "数据目录中没有 houfu.db"
fingerprint() { (cd "$data" && find . -printf '%p %s %m\n' | sort && find . -type f -print0 | sort -z \
    | xargs -0 sha256sum); }
as_clerk "$root/opt/houfu/houfu" stats --json > "$work/stats-before.json"
fingerprint > "$work/data-before"

# A newer package over it (the same bundle under a higher version number, as an upgrade is to dpkg).
newer=$work/newer
bash scripts/build-deb.sh --version "$version+1" --out "$newer" > /dev/null
install_deb "$newer"/houfu_*.deb || fail "dpkg 无法升级到新版本"
grep -A8 '^Package: houfu$' "$root/var/lib/dpkg/status" | grep -qx "Version: $version+1" \
    || fail "升级后的版本号不对"
fingerprint > "$work/data-after"
diff "$work/data-before" "$work/data-after" > /dev/null || fail "安装新版本改动了数据目录"
as_clerk "$root/opt/houfu/houfu" stats --json > "$work/stats-after.json"
python3 -c 'import json,sys; a,b=(json.load(open(p)) for p in sys.argv[1:]); assert a == b, (a, b)' \
    "$work/stats-before.json" "$work/stats-after.json" || fail "升级后统计数字变了"
echo "安装包检查通过：启动脚本、桌面文件、图标就位；升级后数据目录未变，数据照常打开"
