#!/usr/bin/env bash
# The natural script benchmark (issue 10). One simulator per run (`cmo sim --fleet 3000 --seed 99 --latency-ms 20
# --async-delay-ms 1000`), activating its INACTIVE cellular SIMs:
#   - natural_activate.lua with no concurrency option and --max-in-flight 64 (the default settings), with this
#     build and, when BEFORE=path/to/old/cmo is given, with that build (the same script, same run);
#   - natural_peer.py, Python asyncio + aiohttp with 64 requests in flight;
#   - requests per changed SIM, and the same job against a 10 requests/s limit (FLEET_LIMITED products, a
#     simulator with --rate-limit 10 and cmo with --rate-limit 10);
#   - peak RSS of the natural script over a 10,000-SIM fleet (34,000 products).
# Usage: RUNS=3 [BEFORE=/path/to/old/cmo] [CMO=/path/to/cmo, else a release build] scripts/bench/natural.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/lib/ensure-deps.sh
. scripts/lib/measure.sh
. scripts/lib/sim.sh
ensure_lua_dev
ensure_debian_packages python3 python3-aiohttp time

runs=${RUNS:-3}
limited_fleet=${FLEET_LIMITED:-300}
release_cmo
before=${BEFORE:-}
work=$(mktemp -d)
trap 'sim_stop; rm -rf "$work"' EXIT

sim() { # fleet size, extra simulator options...
    local size=$1
    shift
    sim_start "$work" "$cmo" sim --port 0 --fleet "$size" --seed 99 --latency-ms 20 --async-delay-ms 1000 "$@"
}

run_cmo() { # label binary extra-options...
    local label=$1 binary=$2
    shift 2
    sim 3000
    read -r wall user sys rss < <(measure "$work/$label.out" "$binary" run --no-journal --stats --max-in-flight 64 "$@" scripts/bench/natural_activate.lua)
    sim_stop
    local requests changed
    requests=$(sed -n 's/^api: \([0-9]*\) requests.*/\1/p' "$work/$label.out")
    changed=$(sed -n 's/^activated \([0-9]*\) of.*/\1/p' "$work/$label.out")
    echo "$label run $run: wall ${wall}s rss $((rss / 1024))MiB requests $requests ($(awk -v r="$requests" -v c="$changed" 'BEGIN { printf "%.2f", r / c }') per SIM)   $(grep '^activated' "$work/$label.out")"
    echo "$wall" >> "$work/$label.wall"
    awk -v r="$requests" -v c="$changed" 'BEGIN { printf "%.3f\n", r / c }' >> "$work/$label.per"
}

echo "machine: $(nproc) cores, $(uname -m); fleet 3000 (seed 99), latency 20 ms, async delay 1000 ms, --max-in-flight 64"
for run in $(seq "$runs"); do
    run_cmo natural "$cmo"
    [ -n "$before" ] && run_cmo before "$before"
    sim 3000
    read -r wall _ _ _ < <(measure "$work/py.out" /usr/bin/python3 scripts/bench/natural_peer.py 64)
    sim_stop
    echo "python run $run: wall ${wall}s   $(cat "$work/py.out")"
    echo "$wall" >> "$work/py.wall"
done

# The same job against a backend limited to 10 requests/s (1NCE's published limit).
limited() { # label binary
    sim "$limited_fleet" --rate-limit 10
    read -r wall _ _ _ < <(measure "$work/$1-limited.out" "$2" run --no-journal --stats --rate-limit 10 scripts/bench/natural_activate.lua)
    sim_stop
    echo "$1 at 10 requests/s, fleet $limited_fleet: wall ${wall}s   $(grep -h '^activated\|^api:' "$work/$1-limited.out" | tr '\n' ' ')"
}
limited natural "$cmo"
[ -n "$before" ] && limited before "$before"

# Peak RSS at 10,000 SIMs: a fleet of 34,000 products has about 10,000 INACTIVE cellular ones.
sim 34000 --async-delay-ms 200
read -r wall _ _ rss < <(measure "$work/big.out" "$cmo" run --no-journal --max-in-flight 64 scripts/bench/natural_activate.lua)
sim_stop
echo "natural script, fleet 34000: wall ${wall}s peak rss $((rss / 1024))MiB   $(cat "$work/big.out")"

nw=$(median < "$work/natural.wall"); pw=$(median < "$work/py.wall"); np=$(median < "$work/natural.per")
echo "median: natural ${nw}s, python ${pw}s, ratio $(awk -v a="$nw" -v b="$pw" 'BEGIN { printf "%.2f", a / b }'); requests per changed SIM ${np}"
if [ -n "$before" ]; then
    bw=$(median < "$work/before.wall"); bp=$(median < "$work/before.per")
    echo "median before: ${bw}s, requests per changed SIM ${bp}; after/before wall $(awk -v a="$nw" -v b="$bw" 'BEGIN { printf "%.2f", a / b }')"
fi
