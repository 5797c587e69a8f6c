#!/usr/bin/env bash
# Distributed runs (issue 16), at default settings (shard size 1,000, concurrency 1,000, lease 30 s, heartbeat 10 s):
#  1. throughput: a plan/apply workflow activating every INACTIVE SIM of a 100,000-product fleet (31,045 SIMs,
#     so 32 shards; 20 ms latency, async changes complete after 1 s; 1NCE's 10 requests/s lifted, in the simulator
#     and the clients alike, since a per-process pace of a backend is not what is measured here) run by `cmo run`
#     alone (the baseline, same PostgreSQL journal), then
#     `cmo run --distributed` with 1, 2 and 3 workers (the coordinator's own, plus `cmo worker` processes),
#     alternating in the same run, each against a fresh simulator and a fresh database: medians and ratios;
#  2. the overhead of claiming and fencing per change: (1-worker distributed wall - baseline wall) / changes;
#  3. takeover: a worker killed with SIGKILL while it holds a shard; the time until another worker takes it over
#     (journal time of the took_over event less the kill), with the default lease and grace (request timeout 60 s +
#     5 s) and with short ones (lease 3 s, heartbeat 1 s, grace 4 s, request timeout 2 s).
# Usage: RUNS=3 scripts/bench/distributed.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/lib/ensure-deps.sh
. scripts/lib/measure.sh
. scripts/lib/sim.sh
ensure_lua_dev
ensure_debian_packages time postgresql postgresql-client

runs=${RUNS:-3}
fleet=${FLEET:-100000}
release_cmo
work=$(mktemp -d)
chmod 755 "$work"
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; sim_stop; scripts/pg-cluster stop "$work/pg"; rm -rf "$work"' EXIT
pg_url=$(scripts/pg-cluster start "$work/pg")
pg_psql() { PGPASSWORD=$(cat "$work/pg/password") psql -X -q -A -t -h 127.0.0.1 -p "$(cat "$work/pg/port")" -U cmo "$@"; }
script=scripts/bench/distributed_activate.lua
printf '[backends.1NCE]\nrequests_per_second = 0\n' > "$work/backends.toml"
export CMO_BACKENDS_FILE="$work/backends.toml"

# A distributed run with $1 workers (the coordinator's own and $1 - 1 more) on database $2.
distributed() {
    local workers=$1 url=$2 id=$3
    "$cmo" run "$script" --distributed --journal "$url" --run-id "$id" &
    local coordinator=$!
    for _ in $(seq 1 600); do
        [ "$(pg_psql -d "${url##*/}" -c "SELECT count(*) FROM dist_run" 2>/dev/null || echo 0)" = 1 ] && break
        sleep 0.05
    done
    local extra=()
    for n in $(seq 2 "$workers"); do
        "$cmo" worker --journal "$url" --run "$id" --name "w$n" 2>/dev/null &
        extra+=($!)
    done
    wait "$coordinator"
    for pid in "${extra[@]}"; do wait "$pid"; done
}

echo "machine: $(nproc) cores, $(uname -m); fleet $fleet, latency 20 ms, async delay 1000 ms, 1NCE unpaced; default settings"
# PARTS=takeover measures the takeover alone.
[[ "${PARTS:-throughput takeover}" == *throughput* ]] && for run in $(seq "$runs"); do
    for mode in single 1 2 3; do
        db="r${run}_$mode"
        pg_psql -d cmo -c "CREATE DATABASE $db"
        url="${pg_url%/cmo}/$db"
        sim_start "$work" "$cmo" sim --port 0 --fleet "$fleet" --seed 42 --latency-ms 20 --async-delay-ms 1000 --backends "$work/backends.toml"
        if [ "$mode" = single ]; then
            read -r wall user sys rss < <(measure "$work/$mode.out" "$cmo" run --journal "$url" "$script")
        else
            export -f distributed pg_psql; export cmo script work
            read -r wall user sys rss < <(measure "$work/$mode.out" bash -c "distributed $mode $url d$run$mode")
        fi
        sim_stop
        changes=$(pg_psql -d "$db" -c "SELECT count(*) FROM change WHERE state = 'changed'")
        echo "$mode run $run: wall ${wall}s, $changes changed, $(grep -c . "$work/$mode.out") output lines"
        echo "$wall" >> "$work/$mode.wall"
        echo "$changes" > "$work/changes"
    done
done
[[ "${PARTS:-throughput takeover}" == *throughput* ]] && {
changes=$(cat "$work/changes")
s=$(median < "$work/single.wall"); w1=$(median < "$work/1.wall"); w2=$(median < "$work/2.wall"); w3=$(median < "$work/3.wall")
echo
echo "== throughput, medians of $runs runs ($changes changes each)"
for pair in "cmo run (baseline):$s" "1 worker:$w1" "2 workers:$w2" "3 workers:$w3"; do
    name=${pair%:*}; wall=${pair##*:}
    printf "%-20s wall %6.2fs  %7.0f changes/s  %.2fx the 1-worker throughput\n" "$name" "$wall" \
        "$(awk -v c="$changes" -v w="$wall" 'BEGIN { print c / w }')" "$(awk -v a="$w1" -v b="$wall" 'BEGIN { print a / b }')"
done
echo "claim and fencing overhead: $(awk -v a="$w1" -v b="$s" -v c="$changes" 'BEGIN { printf "%.2f ms", (a - b) * 1000 / c }') per change (1-worker distributed less the baseline, over the changes)"
}

# Takeover: three workers on a run; once one holds a shard past its first changes, kill it.
takeover() {
    local label=$1 db=$2; shift 2
    pg_psql -d cmo -c "CREATE DATABASE $db"
    local url="${pg_url%/cmo}/$db"
    sim_start "$work" "$cmo" sim --port 0 --fleet "$fleet" --seed 42 --latency-ms 20 --async-delay-ms 1000 --backends "$work/backends.toml"
    "$cmo" run "$script" --distributed --no-local-worker --shard-size 200 --concurrency 20 --journal "$url" --run-id "$db" "$@" >/dev/null 2>&1 &
    local coordinator=$!
    local victims=()
    for _ in $(seq 1 600); do
        [ "$(pg_psql -d "$db" -c "SELECT count(*) FROM dist_run" 2>/dev/null || echo 0)" = 1 ] && break
        sleep 0.05
    done
    for n in 1 2 3; do
        "$cmo" worker --journal "$url" --run "$db" --name "w$n" "$@" >/dev/null 2>&1 &
        victims+=($!)
    done
    for _ in $(seq 1 2400); do
        [ "$(pg_psql -d "$db" -c "SELECT count(*) FROM change WHERE dist_worker = 'w1'")" -ge 50 ] && break
        sleep 0.05
    done
    local killed_at taken=""
    killed_at=$(date +%s.%N)
    kill -9 "${victims[0]}"
    # Once a shard of the killed worker is taken over, the rest of the run is not needed.
    for _ in $(seq 1 3000); do
        taken=$(pg_psql -d "$db" -c "SELECT extract(epoch FROM min(t.at)) FROM dist_lease_event t JOIN dist_lease_event h ON h.shard = t.shard AND h.epoch = t.epoch - 1 AND h.worker = 'w1' WHERE t.event = 'took_over'")
        [ -n "$taken" ] && break
        sleep 0.1
    done
    kill "$coordinator" "${victims[@]:1}" 2>/dev/null || true
    wait "$coordinator" "${victims[@]:1}" 2>/dev/null || true
    sim_stop
    awk -v a="$taken" -v k="$killed_at" 'BEGIN { printf "%.2f\n", a - k }' >> "$work/takeover-$label"
    echo "takeover ($label) run: $(tail -1 "$work/takeover-$label") s from the kill to the takeover"
}
mkdir -p "$work/config/cmo"
printf '[profiles.default]\nrequest_timeout = 2\n' > "$work/config/cmo/config.toml"
for run in $(seq "$runs"); do
    takeover default "t${run}_default"
    XDG_CONFIG_HOME="$work/config" takeover short "t${run}_short" --lease 3 --heartbeat 1 --lease-grace 4
done 2>&1
echo
echo "== takeover, medians of $runs runs"
echo "default terms (lease 30 s, grace 65 s): $(median < "$work/takeover-default") s"
echo "short terms (lease 3 s, grace 4 s):     $(median < "$work/takeover-short") s"
