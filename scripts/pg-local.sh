#!/bin/sh
# Starts the machine's Debian PostgreSQL cluster (installing it if missing) and makes sure the
# role Tenon's PostgreSQL tests use exists. Prints the base URL for TEST_DATABASE_URL.
set -e
sh "$(dirname "$0")/ensure-system-deps.sh" postgresql >&2
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
version=$(ls /usr/lib/postgresql | sort -n | tail -1)
if ! pg_lsclusters -h | grep -q "^$version main"; then
  $SUDO pg_createcluster "$version" main >&2
fi
if ! pg_lsclusters -h | grep -q "^$version main .* online"; then
  $SUDO pg_ctlcluster "$version" main start >&2
fi
port=$(pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main" { print $3 }')
run_psql() { $SUDO su postgres -c "psql -p $port -v ON_ERROR_STOP=1 -qtAc \"$1\""; }
if [ "$(run_psql "SELECT 1 FROM pg_roles WHERE rolname = 'tenon'")" != "1" ]; then
  run_psql "CREATE ROLE tenon LOGIN CREATEDB PASSWORD 'tenon'" >&2
fi
# Tests drop their databases WITH (FORCE), which may have to end an autovacuum worker.
run_psql "GRANT pg_signal_backend TO tenon" >&2
echo "postgresql://tenon:tenon@127.0.0.1:$port/postgres"
