#!/usr/bin/env bash
# Sourced by the benchmarks:
#   measure OUTFILE COMMAND...   runs COMMAND with stdout and stderr in OUTFILE under GNU time and prints
#                                "wall_s user_s sys_s max_rss_kib" (uses the caller's $work for time's file)
#   median                       the median (the middle value; the upper one of an even count) of the numbers
#                                on standard input, one a line
#   release_cmo                  sets $cmo: $CMO when given, else a release build of this checkout
release_cmo() {
    if [ -n "${CMO:-}" ]; then
        cmo=$CMO
    else
        swift build -c release --product cmo >&2
        cmo="$(swift build -c release --show-bin-path)/cmo"
    fi
}

measure() {
    /usr/bin/time -f "%e %U %S %M" -o "${work:?}/time" "${@:2}" > "$1" 2>&1
    cat "$work/time"
}

median() { sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
