#!/usr/bin/env bash
# The fleet job over TLS (issue 12): scripts/bench/fleet_activate.lua against `cmo sim` over plain HTTP, over TLS
# with HTTP/2 (offered by ALPN, taken by cmo), over TLS with HTTP/1.1 only (`--no-http2`), and the aiohttp peer
# (scripts/bench/fleet_peer.py, HTTP/1.1: aiohttp has no HTTP/2) over TLS trusting the same generated CA
# (SSL_CERT_FILE=$CMO_CA_FILE). Each job gets a fresh simulator with the same seed; 20 ms latency, async changes
# complete after 1 s, concurrency 64, as scripts/bench/fleet.sh.
# Usage: RUNS=3 FLEET=5000 [CMO=/path/to/cmo, else a release build] scripts/bench/tls.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/lib/ensure-deps.sh
. scripts/lib/measure.sh
. scripts/lib/sim.sh
ensure_lua_dev
ensure_debian_packages python3 python3-aiohttp curl time

runs=${RUNS:-3}
fleet=${FLEET:-5000}
concurrency=64
latency_ms=20
release_cmo
work=$(mktemp -d)
trap 'sim_stop; rm -rf "$work"' EXIT

start_sim() { # extra cmo sim flags...: a fresh simulator, the CMO_* environment (CMO_CA_FILE with --tls) exported
    unset CMO_CA_FILE
    sim_start "$work" "$cmo" sim --port 0 --fleet "$fleet" --seed 42 --latency-ms "$latency_ms" --async-delay-ms 1000 "$@"
}

cpu() { awk -v u="$1" -v s="$2" 'BEGIN { print u + s }'; }

job_cmo() { # name, cmo sim flags...
    local name="$1"
    shift
    start_sim "$@"
    read -r wall user sys rss < <(measure "$work/$name.out" "$cmo" run --no-journal --stats --concurrency "$concurrency" scripts/bench/fleet_activate.lua)
    sim_stop
    grep -q '^activated' "$work/$name.out" || { cat "$work/$name.out" >&2; exit 1; }
    echo "$name run $run: wall ${wall}s cpu $(cpu "$user" "$sys")s rss $((rss / 1024))MiB $(sed -n 's/^api: \([0-9]*\) requests.*/requests \1/p' "$work/$name.out")   $(grep '^activated' "$work/$name.out")"
    echo "$wall" >> "$work/$name.wall"; cpu "$user" "$sys" >> "$work/$name.cpu"
}

echo "machine: $(nproc) cores, $(uname -m); fleet $fleet, latency ${latency_ms} ms, async delay 1000 ms, concurrency $concurrency"
for run in $(seq "$runs"); do
    job_cmo plain
    job_cmo tls-h2 --tls
    job_cmo tls-h1 --tls --no-http2

    start_sim --tls --no-http2
    read -r wall user sys rss < <(SSL_CERT_FILE="$CMO_CA_FILE" measure "$work/py.out" /usr/bin/python3 scripts/bench/fleet_peer.py "$concurrency")
    sim_stop
    grep -q '^requests=' "$work/py.out" || { cat "$work/py.out" >&2; exit 1; }
    echo "python-tls run $run: wall ${wall}s cpu $(cpu "$user" "$sys")s rss $((rss / 1024))MiB $(cat "$work/py.out")"
    echo "$wall" >> "$work/py.wall"; cpu "$user" "$sys" >> "$work/py.cpu"
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
pw=$(median < "$work/plain.wall"); pc=$(median < "$work/plain.cpu")
h2w=$(median < "$work/tls-h2.wall"); h2c=$(median < "$work/tls-h2.cpu")
h1w=$(median < "$work/tls-h1.wall"); h1c=$(median < "$work/tls-h1.cpu")
yw=$(median < "$work/py.wall"); yc=$(median < "$work/py.cpu")
echo
echo "== medians of $runs runs (cmo's own wall and CPU; the simulator runs in its own process)"
echo "cmo plain HTTP/1.1:   wall ${pw}s  cpu ${pc}s"
echo "cmo TLS HTTP/2:       wall ${h2w}s  cpu ${h2c}s"
echo "cmo TLS HTTP/1.1:     wall ${h1w}s  cpu ${h1c}s"
echo "python TLS HTTP/1.1:  wall ${yw}s  cpu ${yc}s"
echo "TLS h2 / plain:   wall $(ratio "$h2w" "$pw")  cpu $(ratio "$h2c" "$pc")"
echo "TLS h1 / plain:   wall $(ratio "$h1w" "$pw")  cpu $(ratio "$h1c" "$pc")"
echo "h2 / h1 (TLS):    wall $(ratio "$h2w" "$h1w")  cpu $(ratio "$h2c" "$h1c")"
echo "cmo TLS h1 / python TLS: wall $(ratio "$h1w" "$yw")  cpu $(ratio "$h1c" "$yc")"
echo "cmo TLS h2 / python TLS: wall $(ratio "$h2w" "$yw")  cpu $(ratio "$h2c" "$yc")"
