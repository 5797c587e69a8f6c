#!/usr/bin/env bash
# Measures CMOClient: GETs per second of product(id:) at concurrency 64 through the client (cmo-client-bench),
# against wrk's rate on the same endpoint of the same simulator, alternating in the same run.
# Usage: scripts/bench/client.sh        (RUNS=5 SECONDS_PER_RUN=10 CONCURRENCY=64 THREADS=2 by default)
# Prints one line per run, the medians and the ratio client/wrk (target: at least 0.6).
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/lib/ensure-deps.sh
ensure_lua_dev
ensure_debian_packages wrk curl

RUNS="${RUNS:-5}"
SECONDS_PER_RUN="${SECONDS_PER_RUN:-10}"
CONCURRENCY="${CONCURRENCY:-64}"
THREADS="${THREADS:-2}"

echo "==> swift build -c release --product cmo / cmo-client-bench" >&2
swift build -c release --product cmo >&2
swift build -c release --product cmo-client-bench >&2
bin_dir="$(swift build -c release --show-bin-path)"

work="$(mktemp -d)"
sim_pid=""
cleanup() {
    if [ -n "$sim_pid" ]; then kill "$sim_pid" 2>/dev/null || true; wait "$sim_pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

# No latency, long-lived tokens: the endpoint is as fast as the simulator can answer.
"$bin_dir/cmo" sim --port 0 --fleet 1000 --seed 1 --token-ttl 3600 >"$work/sim.out" 2>"$work/sim.err" &
sim_pid=$!
for _ in $(seq 1 100); do
    grep -q '^CMO_API_URL=' "$work/sim.out" 2>/dev/null && break
    sleep 0.1
done
env_line="$(grep '^CMO_API_URL=' "$work/sim.out")" || { cat "$work/sim.err" >&2; echo "simulator did not start" >&2; exit 1; }
for pair in $env_line; do export "${pair?}"; done
echo "==> $(head -n1 "$work/sim.out")" >&2

token="$(curl -sS -X POST "$CMO_AUTH_URL" -H 'Content-Type: application/x-www-form-urlencoded' \
    --data "grant_type=client_credentials&client_id=$CMO_CLIENT_ID&client_secret=$CMO_CLIENT_SECRET" \
    | sed -E 's/.*"access_token":"([^"]+)".*/\1/')"
product_id="$(curl -sS -H "Authorization: Bearer $token" "$CMO_API_URL/$CMO_TENANT/product?fields=id&pageSize=1" \
    | grep -oE '"id":"[^"]+"' | head -n1 | sed -E 's/"id":"([^"]+)"/\1/')"
[ -n "$product_id" ] || { echo "no product id" >&2; exit 1; }
url="$CMO_API_URL/$CMO_TENANT/product/$product_id"
echo "==> GET $url, concurrency $CONCURRENCY, ${SECONDS_PER_RUN}s per measurement, $RUNS runs" >&2

median() { sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else printf "%.0f\n", (a[NR/2]+a[NR/2+1])/2}'; }

: >"$work/wrk"
: >"$work/client"
for run in $(seq 1 "$RUNS"); do
    wrk_rate="$(wrk -t"$THREADS" -c"$CONCURRENCY" -d"${SECONDS_PER_RUN}s" -H "Authorization: Bearer $token" \
        -H 'Accept: application/json' "$url" | awk '/^Requests\/sec:/ {printf "%.0f", $2}')"
    client_line="$("$bin_dir/cmo-client-bench" "$product_id" --concurrency "$CONCURRENCY" \
        --seconds "$SECONDS_PER_RUN" --warmup 1)"
    client_rate="$(sed -E 's/.*rate=([0-9]+).*/\1/' <<<"$client_line")"
    echo "$wrk_rate" >>"$work/wrk"
    echo "$client_rate" >>"$work/client"
    echo "run $run: wrk ${wrk_rate}/s, CMOClient ${client_rate}/s ($client_line)"
done

wrk_median="$(median <"$work/wrk")"
client_median="$(median <"$work/client")"
ratio="$(awk -v c="$client_median" -v w="$wrk_median" 'BEGIN {printf "%.2f", c / w}')"
echo "median: wrk ${wrk_median}/s, CMOClient ${client_median}/s, ratio ${ratio} (target >= 0.60)"
echo "machine: $(nproc) cores, $(uname -sr), $(swift --version 2>/dev/null | head -n1)"
