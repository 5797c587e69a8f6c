#!/usr/bin/env bash
# The tenant bucket (issue 15, `cmo run --tenant-rate-limit`) on a local throwaway cluster (scripts/pg-cluster).
#
# 1. Reservations per second: pgbench runs the bucket's own reservation statement (TenantRateBucket.reserve: four
#    slots of 1/20 s, one UPDATE of the tenant's row returning how far the new tat lies ahead, committed without
#    waiting for the WAL flush) for DURATION seconds,
#    with 1, 3 and 8 clients on ONE tenant row (the contended case: every process of a tenant updates the same row).
#    The median of RUNS runs each.
# 2. The bucket in the request path: a cmo run reading the JASPER products (no backend limit) 5,000 times, 8 at a
#    time, from cmo sim (wall time, start-up included): without a tenant limit, with --tenant-rate-limit 100000 (far
#    above what the simulator serves, so only the bucket's cost shows), and with --tenant-rate-limit 500 (does one
#    process reach the limit?). Requests per second, the median of RUNS runs.
# Usage: CMO=path/to/cmo RUNS=5 DURATION=10 scripts/bench/tenant-bucket.sh   (default: a release build)
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/lib/ensure-deps.sh
. scripts/lib/measure.sh
ensure_lua_dev
ensure_debian_packages postgresql postgresql-client

runs=${RUNS:-5}
duration=${DURATION:-10}
release_cmo
work=$(mktemp -d)
chmod 755 "$work"   # the cluster's owner (postgres, when run as root) must reach its directory
sim_pid=
cleanup() {
    [ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null || true
    scripts/pg-cluster stop "$work/cluster" > /dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

url=$(scripts/pg-cluster start "$work/cluster")
export PGPASSWORD; PGPASSWORD=$(sed -E 's|^postgres://[^:]*:([^@]*)@.*|\1|' <<< "$url")
plain=$(sed -E 's|^(postgres://[^:]*):[^@]*@|\1@|' <<< "$url")   # the URL without its password
host_port=$(sed -E 's|^postgres://[^@]*@([^/]*)/.*|\1|' <<< "$url")
"$cmo" runs --journal "$plain" > /dev/null   # creates and migrates the journal (tenant_rate among its tables)
psql -q "$plain" -c "INSERT INTO tenant_rate (tenant) VALUES ('http://bench/api/eos/ bench') ON CONFLICT DO NOTHING"

cat > "$work/reserve.sql" <<'SQL'
UPDATE tenant_rate SET tat = greatest(tat, clock_timestamp()) + 200000 * interval '1 microsecond'
FROM (SELECT set_config('synchronous_commit', 'off', true)) AS unsynchronized
WHERE tenant = 'http://bench/api/eos/ bench'
RETURNING (extract(epoch FROM tat - clock_timestamp()) * 1000000)::bigint;
SQL

echo "== reservations per second on one tenant row (pgbench, ${duration} s, median of $runs; PostgreSQL at $host_port)"
for clients in 1 3 8; do
    for _ in $(seq "$runs"); do
        pgbench -n -f "$work/reserve.sql" -c "$clients" -j "$clients" -T "$duration" "$plain" 2>/dev/null \
            | awk '/^tps/ { print $3 }'
    done | median | awk -v c="$clients" '{ printf "%d client(s): %.0f reservations/s\n", c, $1 }'
done

echo "== requests per second of a read-only run (5,000 reads, 8 at a time), median of $runs"
"$cmo" sim --port 0 --fleet 200 > "$work/sim.out" 2>&1 &
sim_pid=$!
for _ in $(seq 50); do grep -q '^CMO_API_URL=' "$work/sim.out" 2>/dev/null && break; sleep 0.1; done
export $(grep '^CMO_API_URL=' "$work/sim.out")
script=Tests/Fixtures/tenant-rate/reads.lua
for mode in none 100000 500; do
    for _ in $(seq "$runs"); do
        if [ "$mode" = none ]; then extra=(); else extra=(--tenant-rate-limit "$mode"); fi
        start=$(date +%s.%N)
        "$cmo" run "$script" --var reads=5000 --var backend=JASPER --journal "$plain" "${extra[@]}" > /dev/null
        end=$(date +%s.%N)
        awk -v s="$start" -v e="$end" 'BEGIN { print 5001 / (e - s) }'
    done | median | awk -v m="$mode" '{ printf "%s: %.0f requests/s\n", (m == "none" ? "no tenant limit" : "--tenant-rate-limit " m), $1 }'
done
