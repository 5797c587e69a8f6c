#!/usr/bin/env bash
# LuaKit micro-benchmarks (issue 2):
#  1. the cost of one Lua -> Swift -> Lua call of a no-op binding (1e6 calls), against an empty Lua function and
#     a C function of Lua's own library in the same run;
#  2. json.decode throughput on a ~1 MB document, against Debian's lua-cjson under lua5.4 in the same run;
#  3. memory (Lua heap and RSS) per cmo.parallel worker that waits, for 1,000 and 10,000 workers (one run).
# Prints one line per figure; medians of RUNS runs (default 5).
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/lib/ensure-deps.sh
. scripts/lib/measure.sh
ensure_lua_dev
ensure_debian_packages lua5.4 lua-cjson

runs=${RUNS:-5}
swift build -c release --product cmo-bench >&2
bench="$(swift build -c release --show-bin-path)/cmo-bench"
doc=$(mktemp --suffix=.json)
trap 'rm -f "$doc"' EXIT
lua5.4 scripts/bench/make_products_json.lua 1024 > "$doc"

field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p"; }

echo "machine: $(nproc) cores, $(uname -m), $(lua5.4 -v 2>&1 | head -1)"
echo "== no-op binding call (1e6 calls per sample; each run reports the median of 5 samples)"
bindings=(); luafns=(); cfns=()
for _ in $(seq "$runs"); do
    line=$("$bench" binding 1000000)
    bindings+=("$(echo "$line" | field binding_ns)")
    luafns+=("$(echo "$line" | field lua_function_ns)")
    cfns+=("$(echo "$line" | field lua_c_function_ns)")
done
b=$(printf '%s\n' "${bindings[@]}" | median)
l=$(printf '%s\n' "${luafns[@]}" | median)
c=$(printf '%s\n' "${cfns[@]}" | median)
echo "no-op Swift binding: ${b} ns/call   empty Lua function: ${l} ns/call   Lua's C function (rawlen): ${c} ns/call"

echo "== json.decode of $(wc -c < "$doc") bytes (3 s per run)"
ours=(); theirs=()
for _ in $(seq "$runs"); do
    ours+=("$("$bench" json "$doc" 3 | field mb_per_s)")
    theirs+=("$(lua5.4 scripts/bench/json_cjson.lua "$doc" 3 | field mb_per_s)")
done
o=$(printf '%s\n' "${ours[@]}" | median)
t=$(printf '%s\n' "${theirs[@]}" | median)
echo "cmo json.decode: ${o} MB/s   lua-cjson: ${t} MB/s   ratio: $(awk -v o="$o" -v t="$t" 'BEGIN { printf "%.2f", o / t }')"

echo "== memory per parallel worker that waits (N workers at once: in sleep, or in task:wait() on one task)"
for n in 1000 10000; do for wait in sleep join; do "$bench" waiters "$n" "$wait"; done; done
