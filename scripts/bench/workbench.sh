#!/usr/bin/env bash
# The workbench benchmark (issue 13): `cmo test scripts/bench/workbench`, 20 workflow tests in 4 files, each test
# activate-offering.lua on its own 1,000-SIM fleet (seeds 1-20) whose async changes take 60 s of simulated time.
# Prints each run's wall seconds and the median of RUNS (default 3).
# Usage: RUNS=3 [CMO=/path/to/cmo, else a release build] scripts/bench/workbench.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/lib/ensure-deps.sh
. scripts/lib/measure.sh
ensure_lua_dev
ensure_debian_packages time

runs=${RUNS:-3}
release_cmo
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

: > "$work/walls"
for run in $(seq "$runs"); do
    read -r wall user sys rss < <(measure "$work/out" "$cmo" test scripts/bench/workbench)
    if ! grep -q "^20 tests: 20 passed" "$work/out"; then
        cat "$work/out" >&2
        echo "workbench: the suite did not pass" >&2
        exit 1
    fi
    echo "run $run: wall ${wall}s user ${user}s sys ${sys}s max RSS ${rss} KiB ($(tail -1 "$work/out"))"
    echo "$wall" >> "$work/walls"
done
echo "median wall: $(median < "$work/walls") s over $runs runs (20 tests, 1,000 SIMs each, 60 s async changes)"
