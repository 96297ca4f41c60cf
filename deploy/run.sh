#!/usr/bin/env bash
# Starts every service of shared/registry.py against the local PostgreSQL and Kafka, prints
# where each listens, and keeps them up: a service that dies is named and restarted with
# backoff while the others keep serving. Ctrl-C (or SIGTERM) stops them all. The
# infrastructure stays up (make infra-down stops it).
#   RAPPORT_PORT_BASE=18200 deploy/run.sh   moves every port (base + the registry's last digit)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/common.sh"
cd "$here/.."

set -a; source "$STATE_DIR/dev.env"; set +a
PORT_BASE=${RAPPORT_PORT_BASE:-8000}
RESTART_DELAYS=(1 2 5 10 30)  # seconds; back to the first after a minute of running
mkdir -p "$STATE_DIR/logs"

url_of() { echo "http://127.0.0.1:$1"; }

# How a process ended, from the status `wait` gave: "exited with status 1", "killed by SIGKILL".
how_it_ended() {
  if (($1 > 128)); then echo "killed by SIG$(kill -l $(($1 - 128)))"; else echo "exited with status $1"; fi
}

# supervise NAME PORT: run the service; when it dies, say so and start it again.
supervise() {
  local name=$1 port=$2 child="" watcher="" stopping="" failures=0 started status delay
  trap 'stopping=1; kill -TERM $child $watcher 2>/dev/null; ' TERM INT
  export "${name^^}_PORT=$port" "${name^^}_LOG_FORMAT=$RAPPORT_LOG_FORMAT"
  while true; do
    started=$SECONDS
    # In a session of its own, so Ctrl-C reaches this script, which stops the services in
    # order, and not each service on its own (which its supervisor would then restart).
    setsid .venv/bin/python -m "services.$name" > >(tee -a "$STATE_DIR/logs/$name.log") 2>&1 &
    child=$!
    status=0
    wait "$child" || status=$?
    while kill -0 "$child" 2>/dev/null; do wait "$child" || status=$?; done  # wait again after a trap
    child=""
    [ -n "$stopping" ] && return 0
    if ((SECONDS - started > 60)); then failures=1; else failures=$((failures + 1)); fi
    delay=${RESTART_DELAYS[$((failures > ${#RESTART_DELAYS[@]} ? ${#RESTART_DELAYS[@]} - 1 : failures - 1))]}
    log "$name died ($(how_it_ended "$status")); restarting it in ${delay}s (restart $failures); the others keep serving"
    sleep "$delay" &
    child=$!
    wait "$child" || true
    child=""
    [ -n "$stopping" ] && return 0
    log "$name restarting on $(url_of "$port")"
    (wait_for "$name" 60 curl -sf "$(url_of "$port")/health/ready" && log "$name is back") &
    watcher=$!
  done
}

supervisors=()
sleeper=""
stop() {
  trap - EXIT INT TERM
  kill -TERM "${supervisors[@]}" $sleeper 2>/dev/null || true
  wait 2>/dev/null || true
  log "services stopped"
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

declare -A PORTS=()
while read -r name port; do
  PORTS[$name]=$((PORT_BASE + port % 10))
  supervise "$name" "${PORTS[$name]}" &
  supervisors+=($!)
done < <(python3 shared/registry.py running)

for name in "${!PORTS[@]}"; do
  url=$(url_of "${PORTS[$name]}")
  wait_for "$name" 60 curl -sf "$url/health/ready"
  log "$name listening on $url (OpenAPI at $url/docs)"
done
log "Rapport is up; a service that dies is restarted; Ctrl-C stops them all"
log "staff web app: $(url_of "$PORT_BASE")/web/ (sign in as a demo user <role>.<site>, e.g. therapist.north; password in $SECRETS_DIR/keycloak.demo_password)"
sleep infinity &
sleeper=$!
wait "$sleeper"
