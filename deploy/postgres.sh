#!/usr/bin/env bash
# PostgreSQL for machines without a Docker engine: Debian's package, one role and one
# database per service. Idempotent: a second run changes nothing.
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
  wait_for "PostgreSQL" 30 as_postgres pg_isready -q -h 127.0.0.1 -p 5432
  # Every service keeps a pool, and a test run starts a stack of its own beside `make run`:
  # Debian's 100 connections run out on one machine.
  if [ "$(psql_admin -c 'SHOW max_connections')" -lt "$MAX_CONNECTIONS" ]; then
    log "raising max_connections to $MAX_CONNECTIONS (a restart of PostgreSQL)"
    psql_admin -c "ALTER SYSTEM SET max_connections = $MAX_CONNECTIONS"
    pg_ctlcluster --skip-systemctl-redirect "$version" "$name" restart
    wait_for "PostgreSQL" 30 as_postgres pg_isready -q -h 127.0.0.1 -p 5432
  fi
}

# The development password is generated on this machine at first start, never committed.
dev_password() {
  local file="$SECRETS_DIR/postgres.password"
  [ -s "$file" ] || (umask 077 && python3 -c 'import secrets; print(secrets.token_urlsafe(24))' >"$file")
  cat "$file"
}

ensure_role_and_database() {
  local name=$1 password=$2
  if [ -z "$(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname = '$name'")" ]; then
    psql_admin -c "CREATE ROLE $name LOGIN PASSWORD '$password'"
  elif ! PGPASSWORD=$password psql -qtAX -h 127.0.0.1 -U "$name" -d postgres -c 'SELECT 1' >/dev/null 2>&1; then
    psql_admin -c "ALTER ROLE $name PASSWORD '$password'"  # the state folder was wiped
  fi
  if [ -z "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '$name'")" ]; then
    psql_admin -c "CREATE DATABASE $name OWNER $name"
  fi
}

write_env() {
  local password=$1 env="$STATE_DIR/postgres.env"
  : >"$env.tmp"
  for name in "${SERVICES[@]}"; do
    # Loopback only: TLS would cost CPU on both ends and protect nothing.
    echo "${name^^}_DATABASE_URL=postgresql://$name:$password@127.0.0.1:5432/$name?sslmode=disable" >>"$env.tmp"
  done
  mv "$env.tmp" "$env"
}

up() {
  install_if_missing
  start_cluster
  local password
  password=$(dev_password)
  for name in "${SERVICES[@]}"; do ensure_role_and_database "$name" "$password"; done
  write_env "$password"
  log "PostgreSQL ready on 127.0.0.1:5432 (databases: ${SERVICES[*]})"
}

down() {
  read -r version name status < <(cluster) || return 0
  if [ "$status" = "online" ]; then
    pg_ctlcluster --skip-systemctl-redirect "$version" "$name" stop
    log "PostgreSQL stopped"
  fi
}

"${1:-up}"
