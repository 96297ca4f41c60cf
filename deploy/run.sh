#!/usr/bin/env bash
# Starts every service against the local PostgreSQL and Kafka, prints where each listens,
# and stops them all on Ctrl-C. The infrastructure stays up (make infra-down stops it).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/common.sh"
cd "$here/.."

set -a; source "$STATE_DIR/dev.env"; set +a
declare -A PORTS=([intake]=8001 [audit]=8004)
mkdir -p "$STATE_DIR/logs"

pids=()
stop() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; log "services stopped"; }
trap stop EXIT INT TERM

for service in "${!PORTS[@]}"; do
  prefix=${service^^}
  export "${prefix}_LOG_FORMAT=$RAPPORT_LOG_FORMAT"
  .venv/bin/python -m "services.$service" > >(tee -a "$STATE_DIR/logs/$service.log") 2>&1 &
  pids+=($!)
done
for service in "${!PORTS[@]}"; do
  url="http://127.0.0.1:${PORTS[$service]}"
  wait_for "$service" 60 curl -sf "$url/health/ready"
  log "$service listening on $url (OpenAPI at $url/docs)"
done
log "Rapport is up; Ctrl-C stops the services"
wait -n "${pids[@]}"
