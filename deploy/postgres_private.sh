#!/usr/bin/env bash
# A private PostgreSQL cluster for tests that restart their database: its own data folder and
# port, run by the machine's PostgreSQL binaries, never the shared cluster on 5432. One login
# role, `rapport`, may create databases; its password is generated at first start and kept
# in the cluster's folder, never in the repository. Idempotent: initialised once, a running
# cluster is reused.
#   deploy/postgres_private.sh up|down|url|clean NAME PORT
#   deploy/postgres_private.sh restart NAME PORT [SECONDS_DOWN]
#   url prints postgresql://rapport:…@127.0.0.1:PORT/postgres for creating test databases.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/common.sh"

command=${1:?usage: $0 up|down|restart|url|clean NAME PORT}
NAME=${2:?cluster name}
PORT=${3:?port}
DIR="$RAPPORT_HOME/pg-private/$NAME"
DATA="$DIR/data"
DOWN_FOR=${4:-}

as_postgres() { runuser -u postgres -- "$@"; }

binaries() {
  if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
    log "installing Debian's postgresql"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  fi
  dirname "$(ls -d /usr/lib/postgresql/*/bin/postgres | sort -V | tail -1)"
}
BIN=$(binaries)
pg_ctl() { as_postgres "$BIN/pg_ctl" -D "$DATA" "$@"; }
psql_admin() { as_postgres "$BIN/psql" -h "$DIR" -p "$PORT" -v ON_ERROR_STOP=1 -qtAX -d postgres "$@"; }

initialise() {
  [ -f "$DATA/PG_VERSION" ] && return 0
  log "initialising private PostgreSQL $NAME in $DATA"
  mkdir -p "$DIR"
  chown postgres:postgres "$DIR"
  chmod 700 "$DIR"
  as_postgres "$BIN/initdb" -D "$DATA" -U postgres --auth-local=peer --auth-host=scram-sha-256 \
    --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  cat >>"$DATA/postgresql.conf" <<EOF
port = $PORT
listen_addresses = '127.0.0.1'
unix_socket_directories = '$DIR'
max_connections = 200
shared_buffers = 64MB
EOF
}

password() {
  local file="$DIR/password"
  [ -s "$file" ] || (umask 077 && python3 -c 'import secrets; print(secrets.token_urlsafe(24))' >"$file")
  cat "$file"
}

up() {
  initialise
  if ! pg_ctl status >/dev/null 2>&1; then
    pg_ctl -l "$DIR/server.log" -w -t 60 start >/dev/null
  fi
  local secret
  secret=$(password)
  if [ -z "$(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname = 'rapport'")" ]; then
    psql_admin -c "CREATE ROLE rapport LOGIN CREATEDB PASSWORD '$secret'"
  fi
  # A test drops its databases WITH (FORCE): that ends autovacuum's workers in them too.
  psql_admin -c "SET client_min_messages = warning; GRANT pg_signal_backend TO rapport"
  log "private PostgreSQL $NAME ready on 127.0.0.1:$PORT"
}

down() {
  [ -f "$DATA/PG_VERSION" ] || return 0
  pg_ctl status >/dev/null 2>&1 || return 0
  pg_ctl -m fast -w stop >/dev/null
  log "private PostgreSQL $NAME stopped"
}

# A fast restart, as an operator or a failover does it: every connection is cut. With
# SECONDS_DOWN the cluster stays stopped that long, as in a slower restart.
restart() {
  if [ -z "$DOWN_FOR" ]; then
    pg_ctl -m fast -w -t 60 restart -l "$DIR/server.log" >/dev/null
  else
    pg_ctl -m fast -w stop >/dev/null
    sleep "$DOWN_FOR"
    pg_ctl -l "$DIR/server.log" -w -t 60 start >/dev/null
  fi
  log "private PostgreSQL $NAME restarted"
}

url() { echo "postgresql://rapport:$(password)@127.0.0.1:$PORT/postgres?sslmode=disable"; }

clean() {
  down
  rm -rf "$DIR"
}

case "$command" in
  up | down | restart | url | clean) "$command" ;;
  *) echo "usage: $0 up|down|restart|url|clean NAME PORT" >&2; exit 2 ;;
esac
