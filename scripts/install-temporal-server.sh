#!/usr/bin/env bash
# Builds the Temporal server (not the dev server) and its SQL schema tool from source, pinned, into a
# cache outside the clone, so a fresh clone on the same machine (CI) reuses the build and a fresh
# machine still gets one. The cluster test (test/cluster) and bench/scale.ts run these binaries on
# PostgreSQL. Idempotent: prints the directory and exits at once when both binaries are there.
#
#   scripts/install-temporal-server.sh            # build if missing, print the directory
#   TEMPORAL_SERVER_DIR=/some/dir scripts/install-temporal-server.sh
#
# Why from source: there is no Docker here, and Temporal publishes the server as Go code and images,
# not as a standalone download for every platform. The module needs a newer Go than many machines have,
# so the toolchain is pinned too (the go command downloads it through the Go module proxy).
set -euo pipefail

TEMPORAL_SERVER_VERSION="${TEMPORAL_SERVER_VERSION:-v1.32.2}"
GO_TOOLCHAIN="${TEMPORAL_GO_TOOLCHAIN:-go1.27.3}"
DIR="${TEMPORAL_SERVER_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/mx-temporal-guides/temporal-server-${TEMPORAL_SERVER_VERSION}}"

if [ -x "$DIR/bin/temporal-server" ] && [ -x "$DIR/bin/temporal-sql-tool" ]; then
  echo "Temporal server ${TEMPORAL_SERVER_VERSION} is built: $DIR/bin"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  echo "The Temporal server is built with Go, which is missing: install Go (https://go.dev/dl/), then run $0 again." >&2
  exit 1
fi

mkdir -p "$DIR/bin"
echo "Building the Temporal server ${TEMPORAL_SERVER_VERSION} with ${GO_TOOLCHAIN} into $DIR/bin (6-12 minutes on 2 cores, once)"
# GOBIN puts the binaries in the cache; the go build cache keeps the second tool quick.
export GOTOOLCHAIN="$GO_TOOLCHAIN" GOBIN="$DIR/bin.partial" GOFLAGS="${GOFLAGS:-} -trimpath"
mkdir -p "$GOBIN"
go install "go.temporal.io/server/cmd/server@${TEMPORAL_SERVER_VERSION}"
go install "go.temporal.io/server/cmd/tools/sql@${TEMPORAL_SERVER_VERSION}"
# Renamed only once both built, so an interrupted build is never taken for a finished one.
mv -f "$GOBIN/sql" "$DIR/bin/temporal-sql-tool"
mv -f "$GOBIN/server" "$DIR/bin/temporal-server"
rmdir "$GOBIN" 2>/dev/null || true
echo "Temporal server ${TEMPORAL_SERVER_VERSION} is built: $DIR/bin"
