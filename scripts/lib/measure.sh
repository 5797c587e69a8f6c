#!/usr/bin/env bash
# Sourced by the benchmarks:
#   measure OUTFILE COMMAND...   runs COMMAND with stdout and stderr in OUTFILE under GNU time and prints
#                                "wall_s user_s sys_s max_rss_kib" (uses the caller's $work for time's file)
#   median                       the median (the middle value; the upper one of an even count) of the numbers
#                                on standard input, one a line
#   release_cmo                  sets $cmo: $CMO when given, else this checkout built as scripts/install builds it
#                                (scripts/lib/release-build.sh: the binary operators run)
release_cmo() {
    if [ -n "${CMO:-}" ]; then
        cmo=$CMO
    else
        . "$(dirname "${BASH_SOURCE[0]}")/release-build.sh"
        release_build --product cmo >&2
        cmo="$(release_build --show-bin-path)/cmo"
    fi
}

measure() {
    /usr/bin/time -f "%e %U %S %M" -o "${work:?}/time" "${@:2}" > "$1" 2>&1
    cat "$work/time"
}

median() { sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
