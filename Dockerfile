# cmo in a container: `cmo schedule` (or any cmo command) as a non-root user, the journal in a volume.
#
#   docker build -t cmo .
#   docker run --rm cmo --version
#   docker run -d --name cmo -v cmo-state:/var/lib/cmo -v "$PWD/ops:/etc/cmo:ro" \
#       -e CMO_API_URL -e CMO_TENANT -e CMO_AUTH_URL -e CMO_CLIENT_ID -e CMO_CLIENT_SECRET \
#       cmo schedule /etc/cmo/schedule.toml
#
# (Not built in this project's CI, which has no Docker daemon; its build stage is scripts/install, which
# scripts/test-install tests.)
#
# Build stage: scripts/install (release build, Swift runtime linked statically, stripped; stdlib, completions and
# man pages) into a staging directory. Runtime stage: Debian slim with the libraries cmo links dynamically (ldd: libc,
# libm, libgcc_s, libstdc++, libz, liblua5.4, libsqlite3, libedit; no Swift runtime), CA certificates and time zones.
ARG SWIFT_IMAGE=swift:6.3-bookworm

FROM ${SWIFT_IMAGE} AS build
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        pkg-config liblua5.4-dev libsqlite3-dev libedit-dev binutils \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Dependencies first, so a change to cmo's sources does not fetch them again (Package.resolved is optional).
COPY Package.swift Package.resolve[d] ./
RUN swift package resolve --scratch-path .build-install
COPY . .
RUN DESTDIR=/staging scripts/install /usr/local

FROM debian:bookworm-slim
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        liblua5.4-0 libsqlite3-0 libedit2 libstdc++6 zlib1g ca-certificates tzdata \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --user-group --uid 10001 --home-dir /var/lib/cmo --shell /usr/sbin/nologin cmo \
    && install -d -o cmo -g cmo -m 0700 /var/lib/cmo
COPY --from=build /staging/usr/local/ /usr/local/
# The journal: $XDG_STATE_HOME/cmo/journal.sqlite, i.e. /var/lib/cmo/cmo/journal.sqlite, in the volume.
ENV XDG_STATE_HOME=/var/lib/cmo \
    HOME=/var/lib/cmo
VOLUME ["/var/lib/cmo"]
USER cmo
WORKDIR /var/lib/cmo
ENTRYPOINT ["cmo"]
CMD ["--help"]
