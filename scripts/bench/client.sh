#!/usr/bin/env bash
# Measures CMOClient: GETs per second of product(id:) at concurrency 64 through the client (cmo-client-bench),
# against wrk's rate on the same endpoint of the same simulator, alternating in the same run.
# Usage: scripts/bench/client.sh        (RUNS=5 SECONDS_PER_RUN=10 CONCURRENCY=64 THREADS=2 by default)
# Prints one line per run, the medians and the ratio client/wrk (target: at least 0.6).
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/lib/ensure-deps.sh
. scripts/lib/sim.sh
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
trap 'sim_stop; rm -rf "$work"' EXIT

# On two or more cores the simulator gets core 0 and the load generator (wrk, then the client) core 1, so that both
# generators meet the same server with the same CPU; PIN=0 turns this off.
sim_cpu=()
load_cpu=()
if [ "${PIN:-1}" = 1 ] && command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
    sim_cpu=(taskset -c 0)
    load_cpu=(taskset -c 1)
fi

# No latency, long-lived tokens: the endpoint is as fast as the simulator can answer.
sim_start "$work" "${sim_cpu[@]}" "$bin_dir/cmo" sim --port 0 --fleet 1000 --seed 1 --token-ttl 3600
echo "==> $(head -n1 "$work/sim.out")" >&2
token="$(sim_token)"
product_id="$(curl -sS -H "Authorization: Bearer $token" "$CMO_API_URL/$CMO_TENANT/product?fields=id&pageSize=1" \
    | grep -oE '"id":"[^"]+"' | head -n1 | sed -E 's/"id":"([^"]+)"/\1/')"
[ -n "$product_id" ] || { echo "no product id" >&2; exit 1; }
url="$CMO_API_URL/$CMO_TENANT/product/$product_id"
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
echo "==> GET $url, concurrency $CONCURRENCY, ${SECONDS_PER_RUN}s per measurement, $RUNS runs" >&2

median() { sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else printf "%.3f\n", (a[NR/2]+a[NR/2+1])/2}'; }

: >"$work/wrk"
: >"$work/client"
: >"$work/ratio"
for run in $(seq 1 "$RUNS"); do
    wrk_rate="$("${load_cpu[@]}" wrk -t"$THREADS" -c"$CONCURRENCY" -d"${SECONDS_PER_RUN}s" -H "Authorization: Bearer $token" \
        -H 'Accept: application/json' "$url" | awk '/^Requests\/sec:/ {printf "%.0f", $2}')"
    client_line="$("${load_cpu[@]}" "$bin_dir/cmo-client-bench" "$product_id" --concurrency "$CONCURRENCY" \
        --seconds "$SECONDS_PER_RUN" --warmup 1)"
    client_rate="$(sed -E 's/.*rate=([0-9]+).*/\1/' <<<"$client_line")"
    echo "$wrk_rate" >>"$work/wrk"
    echo "$client_rate" >>"$work/client"
    awk -v c="$client_rate" -v w="$wrk_rate" 'BEGIN {printf "%.3f\n", c / w}' >>"$work/ratio"
    echo "run $run: wrk ${wrk_rate}/s, CMOClient ${client_rate}/s ($client_line)"
done

wrk_median="$(median <"$work/wrk")"
client_median="$(median <"$work/client")"
ratio="$(awk -v c="$client_median" -v w="$wrk_median" 'BEGIN {printf "%.2f", c / w}')"
pair_ratio="$(median <"$work/ratio")"
echo "median: wrk ${wrk_median}/s, CMOClient ${client_median}/s, ratio of medians ${ratio}, median of per-run ratios ${pair_ratio} (target >= 0.60)"
echo "pinning: ${sim_cpu[*]:-none} for the simulator, ${load_cpu[*]:-none} for wrk and the client; load average before: $load_before"
echo "machine: $(nproc) cores, $(uname -sr), $(swift --version 2>/dev/null | head -n1)"
