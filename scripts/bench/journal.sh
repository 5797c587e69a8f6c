#!/usr/bin/env bash
# Journal overhead (issue 5): the fleet benchmark's job (activate every INACTIVE SIM of a 10,000-product fleet,
# 20 ms latency, async changes complete after 1 s, concurrency 64) with the journal on (the default: every change
# written to SQLite before its PATCH and after its answer, synchronous=FULL) and with --no-journal, alternating
# in the same run, each against a fresh simulator with the same seed. Prints medians and the ratio.
# Usage: RUNS=5 scripts/bench/journal.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/lib/ensure-deps.sh
. scripts/lib/measure.sh
. scripts/lib/sim.sh
ensure_lua_dev
ensure_debian_packages time sqlite3

runs=${RUNS:-5}
fleet=${FLEET:-10000}
concurrency=64
swift build -c release --product cmo >&2
cmo="$(swift build -c release --show-bin-path)/cmo"
work=$(mktemp -d)
trap 'sim_stop; rm -rf "$work"' EXIT


echo "machine: $(nproc) cores, $(uname -m); fleet $fleet, latency 20 ms, async delay 1000 ms, concurrency $concurrency"
for run in $(seq "$runs"); do
    for mode in journal none; do
        sim_start "$work" "$cmo" sim --port 0 --fleet "$fleet" --seed 42 --latency-ms 20 --async-delay-ms 1000
        if [ "$mode" = journal ]; then flag=(--journal "$work/journal-$run.sqlite"); else flag=(--no-journal); fi
        read -r wall user sys rss < <(measure "$work/$mode.out" "$cmo" run "${flag[@]}" --concurrency "$concurrency" scripts/bench/fleet_activate.lua)
        sim_stop
        cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')
        echo "$mode run $run: wall ${wall}s cpu ${cpu}s rss $((rss / 1024))MiB   $(grep '^activated' "$work/$mode.out")"
        echo "$wall" >> "$work/$mode.wall"; echo "$cpu" >> "$work/$mode.cpu"
    done
    rows=$(sqlite3 "$work/journal-$run.sqlite" "SELECT count(*) FROM change" 2>/dev/null || echo "?")
    echo "  journal of run $run: $rows changes, $(du -k "$work/journal-$run.sqlite"* | awk '{ s += $1 } END { print s }') KiB"
done
jw=$(median < "$work/journal.wall"); jc=$(median < "$work/journal.cpu")
nw=$(median < "$work/none.wall"); nc=$(median < "$work/none.cpu")
echo
echo "== medians of $runs runs"
echo "journal on:   wall ${jw}s  cpu ${jc}s"
echo "--no-journal: wall ${nw}s  cpu ${nc}s"
echo "journal/no-journal: wall $(awk -v a="$jw" -v b="$nw" 'BEGIN { printf "%.3f", a / b }'), cpu $(awk -v a="$jc" -v b="$nc" 'BEGIN { printf "%.3f", a / b }')"
