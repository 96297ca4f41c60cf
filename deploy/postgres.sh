#!/usr/bin/env bash
# PostgreSQL for machines without a Docker engine: Debian's package, one role, one password
# and one database per service; a role connects to its own database only. Idempotent: a
# second run changes nothing.
#   deploy/postgres.sh up     install if missing, start, create roles and databases
#   deploy/postgres.sh down   stop the cluster
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/common.sh"

# One role and database per service of the registry (the machine's python3 reads it).
mapfile -t SERVICES < <(python3 "$here/../shared/registry.py" databases)

MAX_CONNECTIONS=400

as_postgres() { runuser -u postgres -- "$@"; }
psql_admin() { as_postgres psql -v ON_ERROR_STOP=1 -qtAX "$@"; }
# PGHOST and PGPORT (psql's own) point `up` at another running cluster, as a test does: it
# then makes the roles and databases there and never starts or restarts a cluster.
PORT=${PGPORT:-5432}

install_if_missing() {
  if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
    log "installing Debian's postgresql"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  fi
}

cluster() { pg_lsclusters --no-header | awk 'NR==1 {print $1, $2, $4}'; }

start_cluster() {
  read -r version name status < <(cluster)
  if [ "$status" != "online" ]; then
    log "starting PostgreSQL $version/$name"
    pg_ctlcluster --skip-systemctl-redirect "$version" "$name" start
  fi
  wait_for "PostgreSQL" 30 as_postgres pg_isready -q -h 127.0.0.1 -p "$PORT"
  # Every service keeps a pool, and a test run starts a stack of its own beside `make run`:
  # Debian's 100 connections run out on one machine.
  if [ "$(psql_admin -c 'SHOW max_connections')" -lt "$MAX_CONNECTIONS" ]; then
    log "raising max_connections to $MAX_CONNECTIONS (a restart of PostgreSQL)"
    psql_admin -c "ALTER SYSTEM SET max_connections = $MAX_CONNECTIONS"
    pg_ctlcluster --skip-systemctl-redirect "$version" "$name" restart
    wait_for "PostgreSQL" 30 as_postgres pg_isready -q -h 127.0.0.1 -p "$PORT"
  fi
}

# Each role's development password is its own, generated on this machine at its first
# start and never committed: one service's credentials open no other service's database.
dev_password() {
  local file="$SECRETS_DIR/postgres.$1.password"
  [ -s "$file" ] || (umask 077 && python3 -c 'import secrets; print(secrets.token_urlsafe(24))' >"$file")
  cat "$file"
}

ensure_role_and_database() {
  local name=$1 password=$2
  if [ -z "$(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname = '$name'")" ]; then
    psql_admin -c "CREATE ROLE $name LOGIN PASSWORD '$password'"
  elif ! PGPASSWORD=$password psql -qtAX -h 127.0.0.1 -p "$PORT" -U "$name" -d postgres -c 'SELECT 1' >/dev/null 2>&1; then
    # a new secret (the secrets folder was wiped, or from before one password per role)
    psql_admin -c "ALTER ROLE $name PASSWORD '$password'"
  fi
  if [ -z "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '$name'")" ]; then
    psql_admin -c "CREATE DATABASE $name OWNER $name"
  fi
  # Every role may connect to every database unless PUBLIC's grant is taken away; the
  # owner keeps its own.
  psql_admin -c "REVOKE CONNECT, TEMPORARY ON DATABASE $name FROM PUBLIC"
}

write_env() {
  local env="$STATE_DIR/postgres.env"
  (umask 077 && : >"$env.tmp")
  for name in "${SERVICES[@]}"; do
    # Loopback only: TLS would cost CPU on both ends and protect nothing.
    echo "${name^^}_DATABASE_URL=postgresql://$name:$(dev_password "$name")@127.0.0.1:$PORT/$name?sslmode=disable" >>"$env.tmp"
  done
  mv "$env.tmp" "$env"
}

up() {
  install_if_missing
  [ -n "${PGHOST:-}" ] || start_cluster
  for name in "${SERVICES[@]}"; do ensure_role_and_database "$name" "$(dev_password "$name")"; done
  write_env
  log "PostgreSQL ready on 127.0.0.1:$PORT (databases: ${SERVICES[*]}, each its own role and password)"
}

down() {
  read -r version name status < <(cluster) || return 0
  if [ "$status" = "online" ]; then
    pg_ctlcluster --skip-systemctl-redirect "$version" "$name" stop
    log "PostgreSQL stopped"
  fi
}

"${1:-up}"
