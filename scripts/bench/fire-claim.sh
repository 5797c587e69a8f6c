#!/usr/bin/env bash
# Fire-claim latency (issue 15, schedule replicas) on a local throwaway cluster (scripts/pg-cluster).
#
# pgbench runs the claim transaction PostgresJournal.claimFire sends (Sources/CMOJournal/Postgres/
# PostgresJournal+fires.swift): the job's row made if missing, locked with SELECT ... FOR UPDATE, the job's fires read
# in a separate statement, the decision inserted keyed by (schedule, job, fire_at), the job's row updated, COMMIT.
# Each transaction claims a new fire time of the same job (the contended row), with 1 and 3 clients (three replicas).
# Per-transaction latencies are logged; the figure is their median (and p99) over N claims per client count.
# It measures the SQL round trips on the server, not the Swift client's own overhead.
# Usage: N=2000 scripts/bench/fire-claim.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/lib/ensure-deps.sh
ensure_debian_packages postgresql postgresql-client

n=${N:-2000}
work=$(mktemp -d)
chmod 755 "$work"
trap 'scripts/pg-cluster stop "$work/cluster" > /dev/null 2>&1 || true; rm -rf "$work"' EXIT
url="$(scripts/pg-cluster start "$work/cluster")"
# The schema as cmo makes it (migration 1's two schedule tables).
psql -q "$url" <<'SQL'
CREATE TABLE schedule_job (schedule text NOT NULL, name text NOT NULL, scheduled_through timestamptz,
    last_fire_at timestamptz, last_run_id text, last_exit_code integer, last_succeeded boolean,
    last_finished_at timestamptz, consecutive_failures integer NOT NULL DEFAULT 0, paused boolean NOT NULL DEFAULT false,
    definition_hash text, PRIMARY KEY (schedule, name));
CREATE TABLE schedule_fire (schedule text NOT NULL, job text NOT NULL, fire_at timestamptz NOT NULL,
    decision text NOT NULL, run_id text, replica text NOT NULL, decided_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    heartbeat_at timestamptz, ended_at timestamptz, PRIMARY KEY (schedule, job, fire_at));
CREATE SEQUENCE fire_seq;
SQL
cat > "$work/claim.sql" <<'SQL'
\set replica random(1, 3)
BEGIN;
INSERT INTO schedule_job (schedule, name) VALUES ('/etc/cmo/jobs.toml', 'nightly') ON CONFLICT DO NOTHING;
SELECT scheduled_through, consecutive_failures, paused, definition_hash FROM schedule_job
    WHERE schedule = '/etc/cmo/jobs.toml' AND name = 'nightly' FOR UPDATE;
SELECT nextval('fire_seq') AS k \gset
SELECT fire_at, decision, run_id, replica, ended_at IS NOT NULL FROM schedule_fire
    WHERE schedule = '/etc/cmo/jobs.toml' AND job = 'nightly'
      AND (fire_at = timestamptz '2030-01-01' + :k * interval '1 minute' OR ended_at IS NULL);
INSERT INTO schedule_fire (schedule, job, fire_at, decision, run_id, replica, heartbeat_at, ended_at)
    VALUES ('/etc/cmo/jobs.toml', 'nightly', timestamptz '2030-01-01' + :k * interval '1 minute', 'started', 'run-' || :k,
            'r' || :replica, clock_timestamp(), clock_timestamp());
UPDATE schedule_job SET scheduled_through = timestamptz '2030-01-01' + :k * interval '1 minute',
    last_fire_at = timestamptz '2030-01-01' + :k * interval '1 minute', definition_hash = coalesce(definition_hash, 'h')
    WHERE schedule = '/etc/cmo/jobs.toml' AND name = 'nightly';
COMMIT;
SQL
echo "fire-claim latency, $n claims per client count, $(nproc) cores"
for clients in 1 3; do
    rm -f "$work"/pgbench_log.*
    (cd "$work" && pgbench -n -c "$clients" -t $((n / clients)) -f claim.sql -l "$url" > "$work/pgbench.out" 2>&1) || { cat "$work/pgbench.out" >&2; exit 1; }
    # Column 3 of pgbench's per-transaction log is the latency in microseconds.
    cat "$work"/pgbench_log.* | awk '{print $3}' | sort -n | awk -v c="$clients" '
        { v[NR] = $1 } END { printf "  %d client(s): median %.2f ms, p99 %.2f ms over %d claims\n", c, v[int((NR + 1) / 2)] / 1000, v[int(NR * 0.99)] / 1000, NR }'
done
