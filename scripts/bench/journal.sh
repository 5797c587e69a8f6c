#!/usr/bin/env bash
# Journal overhead (issues 5 and 15): the fleet benchmark's job (activate every INACTIVE SIM of a 10,000-product
# fleet, 20 ms latency, async changes complete after 1 s, concurrency 64) with the SQLite journal (the default: every
# change written before its PATCH and after its answer, synchronous=FULL), with a PostgreSQL journal on a local
# throwaway cluster (scripts/pg-cluster, a fresh database per run) and with --no-journal, alternating in the same
# run, each against a fresh simulator with the same seed. Prints medians and the ratios.
# Usage: RUNS=5 scripts/bench/journal.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/lib/ensure-deps.sh
. scripts/lib/measure.sh
. scripts/lib/sim.sh
ensure_lua_dev
ensure_debian_packages time sqlite3 postgresql postgresql-client

runs=${RUNS:-5}
fleet=${FLEET:-10000}
concurrency=64
swift build -c release --product cmo >&2
cmo="$(swift build -c release --show-bin-path)/cmo"
work=$(mktemp -d)
chmod 755 "$work"
trap 'sim_stop; scripts/pg-cluster stop "$work/pg"; rm -rf "$work"' EXIT
pg_url=$(scripts/pg-cluster start "$work/pg")
pg_psql() { PGPASSWORD=$(cat "$work/pg/password") psql -X -q -A -t -h 127.0.0.1 -p "$(cat "$work/pg/port")" -U cmo "$@"; }


echo "machine: $(nproc) cores, $(uname -m); fleet $fleet, latency 20 ms, async delay 1000 ms, concurrency $concurrency"
for run in $(seq "$runs"); do
    pg_psql -d cmo -c "CREATE DATABASE run$run"
    for mode in journal postgres none; do
        sim_start "$work" "$cmo" sim --port 0 --fleet "$fleet" --seed 42 --latency-ms 20 --async-delay-ms 1000
        case $mode in
            journal) flag=(--journal "$work/journal-$run.sqlite") ;;
            postgres) flag=(--journal "${pg_url%/cmo}/run$run") ;;
            none) flag=(--no-journal) ;;
        esac
        read -r wall user sys rss < <(measure "$work/$mode.out" "$cmo" run "${flag[@]}" --concurrency "$concurrency" scripts/bench/fleet_activate.lua)
        sim_stop
        cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')
        echo "$mode run $run: wall ${wall}s cpu ${cpu}s rss $((rss / 1024))MiB   $(grep '^activated' "$work/$mode.out")"
        echo "$wall" >> "$work/$mode.wall"; echo "$cpu" >> "$work/$mode.cpu"
    done
    rows=$(sqlite3 "$work/journal-$run.sqlite" "SELECT count(*) FROM change" 2>/dev/null || echo "?")
    echo "  journal of run $run: $rows changes, $(du -k "$work/journal-$run.sqlite"* | awk '{ s += $1 } END { print s }') KiB; PostgreSQL: $(pg_psql -d "run$run" -c "SELECT count(*) FROM change") changes"
done
jw=$(median < "$work/journal.wall"); jc=$(median < "$work/journal.cpu")
pw=$(median < "$work/postgres.wall"); pc=$(median < "$work/postgres.cpu")
nw=$(median < "$work/none.wall"); nc=$(median < "$work/none.cpu")
echo
echo "== medians of $runs runs"
echo "SQLite:       wall ${jw}s  cpu ${jc}s"
echo "PostgreSQL:   wall ${pw}s  cpu ${pc}s (cmo's CPU; the server's is not counted)"
echo "--no-journal: wall ${nw}s  cpu ${nc}s"
echo "SQLite/no-journal: wall $(awk -v a="$jw" -v b="$nw" 'BEGIN { printf "%.3f", a / b }'), cpu $(awk -v a="$jc" -v b="$nc" 'BEGIN { printf "%.3f", a / b }')"
echo "PostgreSQL/no-journal: wall $(awk -v a="$pw" -v b="$nw" 'BEGIN { printf "%.3f", a / b }'), cpu $(awk -v a="$pc" -v b="$nc" 'BEGIN { printf "%.3f", a / b }')"
