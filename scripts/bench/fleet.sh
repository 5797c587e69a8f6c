#!/usr/bin/env bash
# The fleet benchmark (issue 4): activate every INACTIVE SIM of a 10,000-product simulated fleet (20 ms latency,
# async changes complete after 1 s) at concurrency 64, with cmo and, in the same run, with a Python
# asyncio + aiohttp peer, plus the tutorial's sequential curl loop on a 200-SIM sample. Also the peak RSS of cmo
# listing 100,000 products against listing 1,000. Each run gets a fresh simulator with the same seed.
# With BEFORE=path/to/an/older/cmo the same job runs with that build too, in the same run (before/after).
# Usage: RUNS=3 [BEFORE=/path/to/old/cmo] [CMO=/path/to/cmo, else a release build] scripts/bench/fleet.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/lib/ensure-deps.sh
. scripts/lib/measure.sh
. scripts/lib/sim.sh
ensure_lua_dev
ensure_debian_packages python3 python3-aiohttp curl time

runs=${RUNS:-3}
fleet=${FLEET:-10000}
concurrency=64
latency_ms=20
release_cmo
before=${BEFORE:-}
work=$(mktemp -d)
trap 'sim_stop; rm -rf "$work"' EXIT

start_sim() { # fleet size: a fresh simulator, the CMO_* environment exported
    sim_start "$work" "$cmo" sim --port 0 --fleet "$1" --seed 42 --latency-ms "$latency_ms" --async-delay-ms 1000
}

echo "machine: $(nproc) cores, $(uname -m); fleet $fleet, latency ${latency_ms} ms, async delay 1000 ms, concurrency $concurrency"
for run in $(seq "$runs"); do
    start_sim "$fleet"
    read -r wall user sys rss < <(measure "$work/cmo.out" "$cmo" run --journal "$work/journal-$run.sqlite" --stats --concurrency "$concurrency" scripts/bench/fleet_activate.lua)
    requests=$(sed -n 's/^api: \([0-9]*\) requests.*/\1/p' "$work/cmo.out")
    sim_stop
    echo "cmo    run $run: wall ${wall}s cpu $(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')s rss $((rss / 1024))MiB requests $requests   $(grep '^activated' "$work/cmo.out")"
    echo "$wall" >> "$work/cmo.wall"; awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }' >> "$work/cmo.cpu"
    echo "$rss" >> "$work/cmo.rss"; echo "$requests" >> "$work/cmo.requests"

    if [ -n "$before" ]; then
        start_sim "$fleet"
        read -r wall user sys rss < <(measure "$work/before.out" "$before" run --journal "$work/journal-before-$run.sqlite" --stats --concurrency "$concurrency" scripts/bench/fleet_activate.lua)
        sim_stop
        echo "before run $run: wall ${wall}s cpu $(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')s rss $((rss / 1024))MiB requests $(sed -n 's/^api: \([0-9]*\) requests.*/\1/p' "$work/before.out")   $(grep '^activated' "$work/before.out")"
        echo "$wall" >> "$work/before.wall"
    fi

    start_sim "$fleet"
    read -r wall user sys rss < <(measure "$work/py.out" /usr/bin/python3 scripts/bench/fleet_peer.py "$concurrency")
    sim_stop
    echo "python run $run: wall ${wall}s cpu $(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')s rss $((rss / 1024))MiB $(cat "$work/py.out")"
    echo "$wall" >> "$work/py.wall"; awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }' >> "$work/py.cpu"
done

start_sim "$fleet"
read -r curl_wall _ _ _ < <(measure "$work/curl.out" bash scripts/bench/fleet_curl.sh 200)
sim_stop
echo "curl loop, 200 SIMs: wall ${curl_wall}s"

for size in 1000 100000; do
    start_sim "$size"
    read -r _ _ _ rss < <(measure "$work/list.out" "$cmo" run --no-journal scripts/bench/fleet_list.lua)
    sim_stop
    echo "$rss" > "$work/list.$size"
    echo "cmo listing $size products: rss $((rss / 1024))MiB ($(cat "$work/list.out"))"
done

cw=$(median < "$work/cmo.wall"); cc=$(median < "$work/cmo.cpu"); cr=$(median < "$work/cmo.rss"); rq=$(median < "$work/cmo.requests")
pw=$(median < "$work/py.wall"); pc=$(median < "$work/py.cpu")
ideal=$(awk -v r="$rq" -v l="$latency_ms" -v c="$concurrency" 'BEGIN { printf "%.2f", r * l / 1000 / c }')
inactive=$(grep -o 'activated [0-9]* synchronously and [0-9]*' "$work/cmo.out" | awk '{ print $2 + $5 }')
echo
echo "== medians of $runs runs"
echo "cmo:    wall ${cw}s  cpu ${cc}s  peak rss $((cr / 1024)) MiB  requests $rq  (activated $inactive SIMs)"
echo "python: wall ${pw}s  cpu ${pc}s"
if [ -n "$before" ]; then
    bw=$(median < "$work/before.wall")
    echo "before: wall ${bw}s; after/before = $(awk -v a="$cw" -v b="$bw" 'BEGIN { printf "%.2f", a / b }')"
fi
echo "ideal bound: $rq requests x ${latency_ms} ms / $concurrency = ${ideal}s; cmo/ideal = $(awk -v a="$cw" -v b="$ideal" 'BEGIN { printf "%.2f", a / b }')"
echo "cmo/python wall = $(awk -v a="$cw" -v b="$pw" 'BEGIN { printf "%.2f", a / b }'), cpu = $(awk -v a="$cc" -v b="$pc" 'BEGIN { printf "%.2f", a / b }')"
echo "curl loop: $(awk -v w="$curl_wall" 'BEGIN { printf "%.3f", w / 200 }') s per SIM, so about $(awk -v w="$curl_wall" -v n="$inactive" 'BEGIN { printf "%.0f", w / 200 * n }') s for all $inactive"
echo "listing rss: 100,000 products $(( $(cat "$work/list.100000") / 1024 )) MiB vs 1,000 products $(( $(cat "$work/list.1000") / 1024 )) MiB; ratio $(awk -v a="$(cat "$work/list.100000")" -v b="$(cat "$work/list.1000")" 'BEGIN { printf "%.2f", a / b }')"
