# Shared by the deploy scripts: where state lives, logging, waiting.
STATE_DIR=${RAPPORT_STATE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/.state}
# The development secrets belong with the machine's one PostgreSQL cluster, not with a
# checkout: two checkouts on one machine must read each other's encrypted events.
SECRETS_DIR=${RAPPORT_SECRETS_DIR:-/var/lib/rapport/dev-secrets}
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
