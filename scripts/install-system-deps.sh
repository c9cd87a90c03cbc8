#!/usr/bin/env bash
# System packages the test suite uses beyond Node and Python: Chromium (browser tests of the support
# page, driven by playwright-core) and poppler-utils (pdfinfo/pdftoppm check the sandbox's PDFs), and
# PostgreSQL 15 (the cluster test's Temporal server stores its state there: npm run test:cluster).
# Debian/Ubuntu only; elsewhere install the equivalents by hand.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v pdfinfo >/dev/null 2>&1 || need+=(poppler-utils)
[ -x /usr/lib/postgresql/15/bin/postgres ] || need+=(postgresql-15)
[ ${#need[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
  echo "Missing: ${need[*]}. Install them with your package manager." >&2
  exit 1
fi
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
