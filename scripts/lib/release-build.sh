#!/usr/bin/env bash
# Sourced by scripts/install and the benchmarks: how the cmo that operators run is built.
#   release_build ARGS...   runs `swift build` with the release settings below and ARGS (e.g. --show-bin-path)
#   release_scratch         the build directory ($CMO_INSTALL_SCRATCH, default .build-install)
#
# - --static-swift-stdlib: the Swift runtime and Foundation linked in; the binary needs only Debian's libraries.
# - lld with -z pack-relative-relocs: the binary's 150,000 relative relocations as a RELR table (DT_RELR, glibc
#   2.36 and later, Debian 12) instead of 3.5 MiB of RELA entries the loader reads and applies page by page.
# - --no-export-dynamic: the 54,000 Swift symbols stay out of the dynamic symbol table (nothing loads cmo as a
#   library or looks its symbols up), so the loader does not read them either.
# Together they take an idle `cmo run` from 34.7 to 28.9 MiB resident (BENCHMARKS.md, the natural script, 06:25).
release_scratch="${CMO_INSTALL_SCRATCH:-.build-install}"
release_build_flags=(
    -c release --static-swift-stdlib
    -Xswiftc -use-ld=lld -Xlinker -z -Xlinker pack-relative-relocs -Xlinker --no-export-dynamic
)

release_build() {
    swift build "${release_build_flags[@]}" --scratch-path "$release_scratch" "$@"
}
