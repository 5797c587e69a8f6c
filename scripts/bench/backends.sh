#!/usr/bin/env bash
# The mixed-fleet benchmark (issue 11). A fleet over the ten backends (`cmo sim --fleet 10000 --seed 5
# --latency-ms 20 --async-delay-ms 500`; the simulator holds 1NCE to 10 requests/s per client, as the real
# service does): suspend every ACTIVE SIM with scripts/bench/backends_suspend.lua at default settings.
#   - mixed: all ACTIVE SIMs, per-backend spacing from the catalogue (the default): when the non-1NCE SIMs are
#     done, when 1NCE's are, and how many 429s the simulator sent;
#   - without 1NCE: the same job leaving the 1NCE SIMs out (--var skip_1nce=1): the others' pace alone;
#   - one global limit: the same job with --rate-limit 10 for every request (1NCE's pace for everyone), on a
#     fleet of GLOBAL_FLEET products (1,000 by default) since at 10 requests/s the full fleet would take minutes.
# Usage: RUNS=3 [CMO=/path/to/cmo, else a release build] [GLOBAL_FLEET=1000] scripts/bench/backends.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/lib/ensure-deps.sh
. scripts/lib/measure.sh
. scripts/lib/sim.sh
ensure_lua_dev
ensure_debian_packages time

runs=${RUNS:-3}
global_fleet=${GLOBAL_FLEET:-1000}
release_cmo
work=$(mktemp -d)
trap 'sim_stop; rm -rf "$work"' EXIT

job() { # label fleet extra cmo options...
    local label=$1 size=$2
    shift 2
    sim_start "$work" "$cmo" sim --port 0 --fleet "$size" --seed 5 --latency-ms 20 --async-delay-ms 500
    read -r wall _ _ _ < <(measure "$work/$label.out" "$cmo" run --no-journal --stats "$@" scripts/bench/backends_suspend.lua)
    local line api
    line=$(grep '^others:' "$work/$label.out")
    api=$(grep '^api:' "$work/$label.out" | cut -d, -f1-3)
    sim_stop
    echo "$label run $run: wall ${wall}s   $line   $api"
    echo "$line" | sed -n 's/^others: [0-9]* done at \([0-9.]*\) s.*/\1/p' >> "$work/$label.others"
    echo "$line" | sed -n 's/.*1NCE: [0-9]* done at \([0-9.]*\) s.*/\1/p' >> "$work/$label.ones"
    echo "$wall" >> "$work/$label.wall"
}

echo "machine: $(nproc) cores, $(uname -m); fleet 10000 (seed 5) over ten backends, latency 20 ms, async delay 500 ms"
for run in $(seq "$runs"); do
    job mixed 10000
    job alone 10000 --var skip_1nce=1
done
run=1
job global "$global_fleet" --rate-limit 10

mo=$(median < "$work/mixed.others"); m1=$(median < "$work/mixed.ones"); ao=$(median < "$work/alone.others")
echo "median: non-1NCE SIMs done at ${mo}s in the mixed fleet, ${ao}s without any 1NCE SIM (ratio $(awk -v a="$mo" -v b="$ao" 'BEGIN { printf "%.2f", a / b }')); 1NCE SIMs done at ${m1}s"
echo "one global limit of 10 requests/s, fleet $global_fleet: $(cat "$work/global.wall")s"
