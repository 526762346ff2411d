#!/usr/bin/env bash
# Provide a local PostgreSQL for the store tests on a Debian machine, as root.
# Every step is skipped when already done, so running it twice is safe.
# Progress goes to stderr; stdout carries only the connection URL, so callers can do:
#   export TEST_DATABASE_URL="$(.ci/postgres.sh)"
set -euo pipefail

ROLE=channel
PASSWORD=channel
DATABASE=channel_test

log() { echo "postgres.sh: $*" >&2; }

if [ "$(id -u)" -ne 0 ]; then
  log "must run as root (it installs packages and switches to the postgres user)"
  exit 1
fi

if ! command -v pg_lsclusters >/dev/null 2>&1 || ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  log "installing postgresql with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update >&2
  apt-get install -y --no-install-recommends postgresql >&2
fi

# Debian's package creates a "main" cluster for the installed major version; use the newest one listed.
cluster_line() { pg_lsclusters --no-header | sort -k1,1V | tail -n 1; }
if [ -z "$(cluster_line)" ]; then
  version="$(ls /usr/lib/postgresql | sort -V | tail -n 1)"
  log "creating cluster $version/main"
  pg_createcluster "$version" main >&2
fi
read -r version cluster port status _ <<<"$(cluster_line)"

if [ "$status" != "online" ]; then
  log "starting cluster $version/$cluster"
  pg_ctlcluster "$version" "$cluster" start >&2
fi

for _ in $(seq 1 60); do
  if pg_isready -q -h 127.0.0.1 -p "$port"; then break; fi
  sleep 0.5
done
pg_isready -q -h 127.0.0.1 -p "$port" || { log "server on port $port did not become ready"; exit 1; }

as_postgres() { runuser -u postgres -- "$@"; }
psql_admin() { as_postgres psql -p "$port" -v ON_ERROR_STOP=1 -tAc "$1"; }

if [ "$(psql_admin "SELECT 1 FROM pg_roles WHERE rolname = '$ROLE'")" != "1" ]; then
  log "creating role $ROLE"
  psql_admin "CREATE ROLE $ROLE LOGIN PASSWORD '$PASSWORD' SUPERUSER" >&2
fi

if [ "$(psql_admin "SELECT 1 FROM pg_database WHERE datname = '$DATABASE'")" != "1" ]; then
  log "creating database $DATABASE"
  as_postgres createdb -p "$port" -O "$ROLE" "$DATABASE" >&2
fi

echo "postgres://$ROLE:$PASSWORD@127.0.0.1:$port/$DATABASE"
