#!/usr/bin/env bash
# The schedule daemon's window (issue 14): `cmo schedule FILE --listen` with a journal of 10,000 runs (5 jobs,
# 10 changes each: 100,000 changes, written straight into SQLite), jobs that do not fire during the measurement.
#   1. idle: the daemon left alone for IDLE seconds (60): CPU % (utime + stime from /proc/PID/stat over the wall
#      time) and RSS (VmRSS from /proc/PID/status) at the end;
#   2. /metrics and the status page /: wrk, one connection, one thread, DURATION seconds (10) each, latency
#      percentiles from wrk --latency (p50, p99), then the RSS again; /healthz (answers a constant) the same way,
#      as the floor the machine allows (on a machine busy with other work its p99 shows the scheduling delays).
# Usage: CMO=path/to/cmo IDLE=60 DURATION=10 RUNS=3 scripts/bench/daemon.sh   (default: a release build)
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/lib/ensure-deps.sh
. scripts/lib/measure.sh
ensure_lua_dev
ensure_debian_packages sqlite3 wrk curl

idle=${IDLE:-60}
duration=${DURATION:-10}
runs=${RUNS:-3}
release_cmo
work=$(mktemp -d)
daemon=""
trap '[ -n "$daemon" ] && kill "$daemon" 2>/dev/null; rm -rf "$work"' EXIT

journal="$work/journal.sqlite"
"$cmo" runs --journal "$journal" > /dev/null   # creates and migrates the journal
sqlite3 "$journal" <<'SQL'
PRAGMA journal_mode = WAL;
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000)
INSERT INTO run (id, root_id, script_path, script_hash, vars, inputs, dry_run, job, started_at, ended_at, exit_code,
                 counts, pid, api_requests, api_retries, api_rate_limited, api_token_fetches)
SELECT printf('20260101-%06d-%04x', i, i % 65536), printf('20260101-%06d-%04x', i, i % 65536), '/ops/job.lua', 'h',
       '{}', '{}', 0, 'job-' || (i % 5), datetime(1767225600 + i * 600, 'unixepoch') || '.000',
       datetime(1767225600 + i * 600 + 30 + i % 90, 'unixepoch') || '.000', CASE WHEN i % 17 = 0 THEN 3 ELSE 0 END,
       CASE WHEN i % 17 = 0 THEN '{"changed":9,"failed":1}' ELSE '{"changed":10}' END, 1, 12, i % 3, i % 7 = 0, 1
FROM n;
WITH RECURSIVE c(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM c WHERE j < 99999)
INSERT INTO change (run_id, root_id, key, product_id, iccid, ops, from_status, to_status, async, state, intent_at,
                    sent_at, http_status, error, correlation_id, ended_at)
SELECT printf('20260101-%06d-%04x', j / 10 + 1, (j / 10 + 1) % 65536), printf('20260101-%06d-%04x', j / 10 + 1, (j / 10 + 1) % 65536),
       'P-' || j, 'P-' || j, '8949' || j, '[]', 'INACTIVE', 'ACTIVE', 0,
       CASE WHEN (j / 10 + 1) % 17 = 0 AND j % 10 = 0 THEN 'failed' ELSE 'changed' END,
       '2026-01-01 00:00:00.000', '2026-01-01 00:00:00.000', 200, NULL, 'corr-' || j, '2026-01-01 00:00:01.000'
FROM c;
COMMIT;
SQL
{
    for job in 0 1 2 3 4; do
        printf '[[job]]\nname = "job-%s"\ncron = "0 0 1 1 *"\nscript = "job.lua"\n\n' "$job"
    done
} > "$work/jobs.toml"
echo 'print("never fires here")' > "$work/job.lua"

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
# wrk's --latency lines: "50%  1.23ms" -> milliseconds.
percentile() {
    awk -v p="$1" '$1 == p { v = $2; if (v ~ /us$/) { sub(/us$/, "", v); v /= 1000 } else if (v ~ /ms$/) { sub(/ms$/, "", v) } else if (v ~ /s$/) { sub(/s$/, "", v); v *= 1000 } print v }' "$2"
}

echo "machine: $(nproc) cores, $(uname -m); journal: 10,000 runs, 100,000 changes ($(du -k "$journal" | cut -f1) KiB); cmo $cmo"
hz=$(getconf CLK_TCK)
for run in $(seq "$runs"); do
    "$cmo" schedule "$work/jobs.toml" --journal "$journal" --listen 127.0.0.1:0 2> "$work/daemon.err" &
    daemon=$!
    for _ in $(seq 200); do grep -q "listening on" "$work/daemon.err" && break; sleep 0.05; done
    url=$(grep -o 'http://127.0.0.1:[0-9]*' "$work/daemon.err" | head -1)
    sleep 2   # start-up done
    t0=$(cpu_ticks "$daemon"); s0=$(date +%s.%N)
    sleep "$idle"
    t1=$(cpu_ticks "$daemon"); s1=$(date +%s.%N)
    cpu=$(awk -v a="$t0" -v b="$t1" -v s="$s0" -v e="$s1" -v hz="$hz" 'BEGIN { printf "%.3f", (b - a) / hz / (e - s) * 100 }')
    idle_rss=$(rss_kib "$daemon")
    wrk -t1 -c1 -d"${duration}s" --latency "$url/metrics" > "$work/metrics.wrk"
    wrk -t1 -c1 -d"${duration}s" --latency "$url/" > "$work/page.wrk"
    wrk -t1 -c1 -d"${duration}s" --latency "$url/healthz" > "$work/health.wrk"
    busy_rss=$(rss_kib "$daemon")
    m50=$(percentile 50% "$work/metrics.wrk"); m99=$(percentile 99% "$work/metrics.wrk")
    p50=$(percentile 50% "$work/page.wrk"); p99=$(percentile 99% "$work/page.wrk")
    h50=$(percentile 50% "$work/health.wrk"); h99=$(percentile 99% "$work/health.wrk")
    mreq=$(awk '/requests in/ { print $1 }' "$work/metrics.wrk"); preq=$(awk '/requests in/ { print $1 }' "$work/page.wrk")
    echo "run $run: idle ${idle}s cpu ${cpu}% rss $((idle_rss / 1024))MiB | /metrics p50 ${m50}ms p99 ${m99}ms ($mreq requests) | / p50 ${p50}ms p99 ${p99}ms ($preq requests) | /healthz p50 ${h50}ms p99 ${h99}ms | rss after $((busy_rss / 1024))MiB | load $(cut -d' ' -f1 /proc/loadavg)"
    echo "$cpu" >> "$work/cpu"; echo "$idle_rss" >> "$work/rss"; echo "$busy_rss" >> "$work/busy"
    echo "$m50" >> "$work/m50"; echo "$m99" >> "$work/m99"; echo "$p50" >> "$work/p50"; echo "$p99" >> "$work/p99"
    echo "$h50" >> "$work/h50"; echo "$h99" >> "$work/h99"
    kill -TERM "$daemon"; wait "$daemon" || true; daemon=""
done
echo
echo "medians of $runs: idle cpu $(median < "$work/cpu")%, idle rss $(( $(median < "$work/rss") / 1024 ))MiB;" \
    "/metrics p50 $(median < "$work/m50")ms p99 $(median < "$work/m99")ms; / p50 $(median < "$work/p50")ms" \
    "p99 $(median < "$work/p99")ms; /healthz p50 $(median < "$work/h50")ms p99 $(median < "$work/h99")ms; rss after load $(( $(median < "$work/busy") / 1024 ))MiB"
