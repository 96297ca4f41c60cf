# Shared by the deploy scripts: where state lives, logging, waiting.
# The checkout's own state: the services' environment and logs.
STATE_DIR=${RAPPORT_STATE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/.state}
# The machine's: PostgreSQL is one cluster per machine, so the Kafka broker's storage and the
# development secrets live beside it, not in a checkout. A second checkout then reads the
# same encrypted events, and the consumers' positions in Postgres match the broker's offsets.
RAPPORT_HOME=${RAPPORT_HOME:-/var/lib/rapport}
SECRETS_DIR="$RAPPORT_HOME/dev-secrets"
mkdir -p "$STATE_DIR" "$SECRETS_DIR"
chmod 700 "$SECRETS_DIR"

log() { echo "[deploy] $*" >&2; }

# wait_for NAME SECONDS COMMAND...: retry COMMAND once a second until it succeeds.
wait_for() {
  local name=$1 seconds=$2
  shift 2
  for _ in $(seq "$seconds"); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 1
  done
  log "$name did not become ready within ${seconds}s"
  return 1
}

# stop_pid NAME PIDFILE SECONDS: SIGTERM the process, give it SECONDS to stop, then SIGKILL.
stop_pid() {
  local name=$1 pidfile=$2 seconds=$3 pid
  pid=$(cat "$pidfile")
  kill -TERM "$pid"
  for _ in $(seq "$seconds"); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
  kill -0 "$pid" 2>/dev/null && { log "$name did not stop in ${seconds}s; killing it"; kill -KILL "$pid"; }
  rm -f "$pidfile"
  log "$name stopped"
}
