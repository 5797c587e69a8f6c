#!/usr/bin/env bash
# Sourced by the benchmarks: runs `cmo sim` in the background and reads the environment it prints.
#   sim_start WORKDIR COMMAND...   starts COMMAND (a `cmo sim` line, possibly behind taskset), waits for its two
#                                  lines, exports CMO_API_URL, CMO_TENANT, CMO_AUTH_URL, CMO_CLIENT_ID,
#                                  CMO_CLIENT_SECRET; sets sim_pid
#   sim_stop                       stops it (safe to call twice; use it in an EXIT trap)
#   sim_token                      prints a fresh access token
sim_pid=""

sim_start() {
    local work="$1"
    shift
    "$@" >"$work/sim.out" 2>"$work/sim.err" &
    sim_pid=$!
    for _ in $(seq 1 600); do
        grep -q '^CMO_API_URL=' "$work/sim.out" 2>/dev/null && break
        sleep 0.1
    done
    local env_line
    env_line="$(grep '^CMO_API_URL=' "$work/sim.out")" || { cat "$work/sim.err" >&2; echo "simulator did not start" >&2; exit 1; }
    for pair in $env_line; do export "${pair?}"; done
}

sim_stop() {
    if [ -n "$sim_pid" ]; then
        kill "$sim_pid" 2>/dev/null || true
        wait "$sim_pid" 2>/dev/null || true
        sim_pid=""
    fi
}

sim_token() {
    curl -sS -X POST "$CMO_AUTH_URL" -H 'Content-Type: application/x-www-form-urlencoded' \
        --data "grant_type=client_credentials&client_id=$CMO_CLIENT_ID&client_secret=$CMO_CLIENT_SECRET" \
        | sed -E 's/.*"access_token":"([^"]+)".*/\1/'
}
