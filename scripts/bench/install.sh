#!/usr/bin/env bash
# Install (issue 14): the installed cmo's size before and after strip, and its idle memory against the dynamically
# linked release build. Each binary runs `cmo run --no-api` (journal in a temporary state directory) of a script that sleeps 3 s; VmRSS is read
# from /proc/PID/status 2 s in (median of RUNS runs), with the binaries' shared-library lists.
#
# Usage: RUNS=5 scripts/bench/install.sh
#   builds: scripts/install into a temporary prefix (scripts/lib/release-build.sh: static Swift runtime, lld with
#   RELR relocations and no exported symbols, stripped, in .build-install) and `swift build -c release --product
#   cmo` (dynamic, in .build); CMO=PATH uses that binary as the dynamic one.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/lib/measure.sh
. scripts/lib/release-build.sh
runs="${RUNS:-5}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

scripts/install "$work/prefix" >&2
installed="$work/prefix/bin/cmo"
unstripped="$(release_build --show-bin-path)/cmo"
if [ -n "${CMO:-}" ]; then
    dynamic=$CMO
else
    swift build -c release --product cmo >&2
    dynamic="$(swift build -c release --show-bin-path)/cmo"
fi

cat >"$work/idle.lua" <<'LUA'
cmo.sleep(3)
LUA

# idle_rss BINARY: VmRSS in KiB, 2 s into the sleep.
idle_rss() {
    XDG_STATE_HOME="$work/state" "$1" run --no-api "$work/idle.lua" &
    local pid=$!
    sleep 2
    awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status"
    wait "$pid"
}

mib() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1048576 }'; }
echo "binary                          size          shared libraries"
for pair in "static, unstripped:$unstripped" "static, stripped (installed):$installed" "dynamic (swift build -c release):$dynamic"; do
    name="${pair%%:*}" path="${pair#*:}"
    printf '%-32s %8s MiB   %s\n' "$name" "$(mib "$(stat -c %s "$path")")" \
        "$(ldd "$path" | awk '{ print $1 }' | sed 's/\.so.*//' | sort | tr '\n' ' ')"
done
echo
echo "idle VmRSS (KiB, median of $runs runs, cmo run --no-api of cmo.sleep(3))"
for pair in "static, stripped:$installed" "dynamic:$dynamic"; do
    name="${pair%%:*}" path="${pair#*:}"
    values="$(for _ in $(seq "$runs"); do idle_rss "$path"; done)"
    printf '%-18s median %s   (runs: %s)\n' "$name" "$(median <<<"$values")" "$(tr '\n' ' ' <<<"$values")"
done
