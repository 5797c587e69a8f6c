#!/usr/bin/env bash
# Sourced by scripts/demo, scripts/test and the benchmarks: installs what a fresh Debian machine lacks.
# Usage: ensure_debian_packages PKG... ; ensure_lua_dev
set -euo pipefail

apt_updated=0

# Installs the given Debian packages with apt-get when dpkg does not list them (apt-get update once first).
ensure_debian_packages() {
    local missing=()
    local pkg
    for pkg in "$@"; do
        dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    echo "==> installing ${missing[*]} (apt-get)" >&2
    if [ "$apt_updated" -eq 0 ]; then
        $sudo apt-get update -qq >&2
        apt_updated=1
    fi
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >&2
}

# tinyproxy for the tests through a real proxy (started by the tests themselves, each on a port of its own; the
# system service the package may start is not used).
ensure_tinyproxy() {
    ensure_debian_packages tinyproxy
}

# Lua 5.4 headers and library, found through pkg-config as the CLua target expects.
ensure_lua_dev() {
    if ! command -v pkg-config >/dev/null 2>&1 || ! pkg-config --exists lua5.4; then
        ensure_debian_packages pkg-config liblua5.4-dev
    fi
    # The journal and the simulator's --state use SQLite through GRDB; the REPL edits lines with libedit.
    ensure_debian_packages libsqlite3-dev libedit-dev
}
