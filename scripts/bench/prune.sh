#!/usr/bin/env bash
# Retention (issue 14): `cmo runs prune --older-than 30d` on a journal of 10,000 runs, one every 6 minutes over the
# last ~42 days, 10 changes each (100,000 changes, written straight into SQLite); every 50th run has an open change
# (`intent`) and is kept. Each measurement starts from a fresh copy of the same journal; wall time, and the
# journal's size before and after. Then `--dry-run` on the same journal (it only counts).
# Usage: CMO=path/to/cmo RUNS=5 scripts/bench/prune.sh   (default: a release build)
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/lib/ensure-deps.sh
. scripts/lib/measure.sh
ensure_lua_dev
ensure_debian_packages sqlite3

runs=${RUNS:-5}
release_cmo
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

template="$work/template.sqlite"
"$cmo" runs --journal "$template" > /dev/null   # creates and migrates the journal
now=$(date +%s)
sqlite3 "$template" > /dev/null <<SQL
PRAGMA journal_mode = WAL;
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000)
INSERT INTO run (id, root_id, script_path, script_hash, vars, inputs, dry_run, job, started_at, ended_at, exit_code,
                 counts, pid)
SELECT printf('r%05d', i), printf('r%05d', i), '/ops/job.lua', 'h', '{}', '{}', 0, 'job',
       datetime($now - i * 360, 'unixepoch') || '.000', datetime($now - i * 360 + 30, 'unixepoch') || '.000', 0,
       '{"changed":10}', 1
FROM n;
WITH RECURSIVE c(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM c WHERE j < 99999)
INSERT INTO change (run_id, root_id, key, product_id, iccid, ops, from_status, to_status, async, state, intent_at,
                    sent_at, http_status, error, correlation_id, ended_at)
SELECT printf('r%05d', j / 10 + 1), printf('r%05d', j / 10 + 1), 'P-' || j, 'P-' || j, '8949' || j, '[]',
       'INACTIVE', 'ACTIVE', 0, CASE WHEN (j / 10 + 1) % 50 = 0 AND j % 10 = 0 THEN 'intent' ELSE 'changed' END,
       '2026-01-01 00:00:00.000', '2026-01-01 00:00:00.000', 200, NULL, 'corr-' || j, '2026-01-01 00:00:01.000'
FROM c;
COMMIT;
PRAGMA wal_checkpoint(TRUNCATE);
SQL


echo "machine: $(nproc) cores, $(uname -m); journal: 10,000 runs, 100,000 changes ($(du -k "$template" | cut -f1) KiB); cmo $cmo"
for run in $(seq "$runs"); do
    cp "$template" "$work/journal.sqlite"
    read -r wall user sys rss < <(measure "$work/out" "$cmo" runs prune --older-than 30d --journal "$work/journal.sqlite")
    echo "run $run: wall ${wall}s user ${user}s sys ${sys}s rss $((rss / 1024))MiB | $(cat "$work/out")"
    echo "$wall" >> "$work/walls"
done
echo "median wall: $(median < "$work/walls")s"
cp "$template" "$work/journal.sqlite"
read -r wall _ _ _ < <(measure "$work/out" "$cmo" runs prune --older-than 30d --dry-run --journal "$work/journal.sqlite")
echo "dry run: wall ${wall}s | $(cat "$work/out")"
