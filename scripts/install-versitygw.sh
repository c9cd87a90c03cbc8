#!/usr/bin/env bash
# versitygw (Apache-2.0), the S3-compatible server the S3 storage tests and bench/s3-statement.ts start
# on loopback: one Go binary serving a folder as S3. Built once from the Go module proxy into a cache
# shared by every clone (2 min of CPU, 2.5-11 min on a busy 2-core machine; then instant). Needs Go 1.25 or later; with an older
# go the toolchain line fetches one (GOTOOLCHAIN is honoured by go itself).
# Prints the binary's path. VERSITYGW_BIN names an existing binary instead (nothing is built then).
set -euo pipefail
VERSION=v1.8.0
if [ -n "${VERSITYGW_BIN:-}" ]; then
  [ -x "$VERSITYGW_BIN" ] || { echo "VERSITYGW_BIN=$VERSITYGW_BIN is not an executable file" >&2; exit 1; }
  echo "$VERSITYGW_BIN"
  exit 0
fi
dir="${XDG_CACHE_HOME:-$HOME/.cache}/mx-temporal-guides/versitygw-$VERSION"
bin="$dir/versitygw"
if [ -x "$bin" ]; then
  echo "$bin"
  exit 0
fi
if ! command -v go >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
  # Debian's Go may be older than 1.25: GOTOOLCHAIN=auto below then fetches a newer one.
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends golang-go ca-certificates >&2
fi
if ! command -v go >/dev/null 2>&1; then
  echo "versitygw is not installed and go is missing: install Go 1.25+ (https://go.dev/dl/), or set VERSITYGW_BIN" >&2
  exit 1
fi
# go.mod of versitygw $VERSION says "go 1.25.0": an older local go switches toolchain through the proxy.
export GOTOOLCHAIN="${GOTOOLCHAIN:-auto}"
mkdir -p "$dir"
echo "Building versitygw $VERSION into $dir (once; a few minutes)" >&2
GOBIN="$dir" go install "github.com/versity/versitygw/cmd/versitygw@$VERSION" >&2
echo "$bin"
