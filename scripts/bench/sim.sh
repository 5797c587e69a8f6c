#!/usr/bin/env bash
# Measures the simulator: requests per second for GET product/{id} and for a PATCH, with wrk at 64 connections.
# Usage: scripts/bench/sim.sh            (RUNS=5 DURATION=10s CONNECTIONS=64 THREADS=2 by default;
#        CMO_BIN=path/to/cmo skips the release build and measures that binary)
# Prints one line per run and the medians. The simulator and wrk share this machine's cores.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/lib/ensure-deps.sh
. scripts/lib/sim.sh
ensure_lua_dev
ensure_debian_packages wrk curl

RUNS="${RUNS:-5}"
DURATION="${DURATION:-10s}"
CONNECTIONS="${CONNECTIONS:-64}"
THREADS="${THREADS:-2}"
FLEET="${FLEET:-1000}"

if [ -n "${CMO_BIN:-}" ]; then
    bin="$CMO_BIN"
else
    echo "==> swift build -c release --product cmo" >&2
    swift build -c release --product cmo >&2
    bin="$(swift build -c release --show-bin-path)/cmo"
fi

work="$(mktemp -d)"
trap 'sim_stop; rm -rf "$work"' EXIT

sim_start "$work" "$bin" sim --port 0 --fleet "$FLEET" --seed 1 --token-ttl 3600
echo "==> $(head -n1 "$work/sim.out")" >&2
token="$(sim_token)"
tenant_url="$CMO_API_URL/$CMO_TENANT"
tenant_path="/${tenant_url#http://*/}"

# 100 products of synchronous backends, so that every PATCH answers 200 at once.
curl -sS -H "Authorization: Bearer $token" "$tenant_url/product?fields=id&pageSize=100&connectivityType=CELLULAR" \
    | grep -oE '"id":"(JASPER|TMUS|1NCE)-[0-9]+"' | sed -E 's/"id":"([^"]+)"/\1/' >"$work/ids"
[ -s "$work/ids" ] || { echo "no product ids" >&2; exit 1; }

median() { sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else printf "%.2f\n", (a[NR/2]+a[NR/2+1])/2}'; }

run_mode() {
    local mode="$1" results=()
    for run in $(seq 1 "$RUNS"); do
        local out
        out="$(MODE="$mode" SIM_IDS_FILE="$work/ids" SIM_TOKEN="$token" SIM_TENANT_PATH="$tenant_path" \
            wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s scripts/bench/sim-requests.lua "${CMO_API_URL%%/connection-management-orchestrator*}")"
        local rps p50 p99 errors
        rps="$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")"
        p50="$(awk '$1 == "50%" {print $2}' <<<"$out")"
        p99="$(awk '$1 == "99%" {print $2}' <<<"$out")"
        errors="$(awk -F= '/^non2xx_or_errors=/ {print $2}' <<<"$out")"
        echo "$mode run $run: $rps req/s, p50 $p50, p99 $p99, non-2xx/errors $errors"
        results+=("$rps")
    done
    echo "$mode median: $(printf '%s\n' "${results[@]}" | median) req/s over $RUNS runs"
}

echo "machine: $(nproc) cores; wrk -t$THREADS -c$CONNECTIONS -d$DURATION; fleet $FLEET"
run_mode get
run_mode patch
