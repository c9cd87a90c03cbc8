#!/bin/sh
# Creates Temporal's two PostgreSQL databases on the first run and brings their schemas up to the
# server's version on every run (update-schema applies only what is missing). The schemas are this
# folder's copy (schema/, from the server release the compose file and the cluster test run), so the
# admin-tools image and a local run (test/cluster, bench/scale.ts) apply the same files.
# Settings as the server takes them: POSTGRES_SEEDS, DB_PORT, POSTGRES_USER, POSTGRES_PWD.
set -eu
HOST="${POSTGRES_SEEDS:-postgresql}"
PORT="${DB_PORT:-5432}"
SCHEMA_DIR="${SCHEMA_DIR:-$(cd "$(dirname "$0")" && pwd)/schema/postgresql/v12}"
# The password goes by the tool's environment variable, never on a command line (ps shows those).
export SQL_PASSWORD="${POSTGRES_PWD:-}"
tool() { temporal-sql-tool --plugin postgres12 --ep "$HOST" -p "$PORT" -u "$POSTGRES_USER" "$@"; }
if command -v nc >/dev/null 2>&1; then nc -z -w 30 "$HOST" "$PORT"; fi
for db in temporal temporal_visibility; do
  # Both are no-ops on a database set up before (a restart): create-database ignores "already exists",
  # and setup-schema starts the version record at 0.0 only where there is none. Any other error stops here.
  tool --db "$db" create-database
  tool --db "$db" setup-schema -v 0.0
done
tool --db temporal update-schema -d "$SCHEMA_DIR/temporal/versioned"
tool --db temporal_visibility update-schema -d "$SCHEMA_DIR/visibility/versioned"
echo 'Temporal schemas are up to date'
