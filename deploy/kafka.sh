#!/usr/bin/env bash
# Apache Kafka for machines without a Docker engine: the official broker jars, resolved
# from Maven Central by deploy/kafka/pom.xml, run in KRaft mode on 127.0.0.1:9092.
# Idempotent: jars are resolved and storage formatted once (in $RAPPORT_HOME/kafka, beside the
# machine's PostgreSQL); a running broker is reused.
#   deploy/kafka.sh up | down | status
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/common.sh"

KAFKA_DIR="$RAPPORT_HOME/kafka"
LIBS="$KAFKA_DIR/libs"
DATA="$KAFKA_DIR/data"
PIDFILE="$KAFKA_DIR/kafka.pid"
CONFIG="$KAFKA_DIR/server.properties"
HEAP=${KAFKA_HEAP:-512m}
JAVA_OPTS=(-Xms"$HEAP" -Xmx"$HEAP" -XX:+UseG1GC
           -Dlog4j2.configurationFile="$here/kafka/log4j2.properties" -Dkafka.logs.dir="$KAFKA_DIR/logs")

resolve_jars() {
  local stamp="$LIBS/.pom.sha256" want
  want=$(sha256sum "$here/kafka/pom.xml" | cut -d' ' -f1)
  [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && return 0
  log "resolving Apache Kafka jars from Maven Central"
  rm -rf "$LIBS" && mkdir -p "$LIBS"
  # This Maven prints colour codes even in batch mode; strip them from its messages.
  mvn -B -q -f "$here/kafka/pom.xml" \
    org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$LIBS" 2>&1 | sed 's/\x1b\[[0-9;]*m//g' >&2
  echo "$want" >"$stamp"
}

kafka_java() { java "${JAVA_OPTS[@]}" -cp "$LIBS/*" "$@"; }

format_storage() {
  { cat "$here/kafka/server.properties"; echo "log.dirs=$DATA"; } >"$CONFIG"
  [ -f "$DATA/meta.properties" ] && return 0
  local cluster_id
  cluster_id=$(kafka_java kafka.tools.StorageTool random-uuid)
  log "formatting Kafka storage (cluster $cluster_id)"
  kafka_java kafka.tools.StorageTool format -t "$cluster_id" -c "$CONFIG" --ignore-formatted >/dev/null
}

# The recorded process is alive and still the broker (its pid may be another's after a reboot).
running() { [ -f "$PIDFILE" ] && grep -qa kafka.Kafka "/proc/$(cat "$PIDFILE")/cmdline" 2>/dev/null; }

# Ready when the broker answers an ApiVersions request on its client port.
answers() { python3 "$here/kafka_ready.py" 127.0.0.1 9092; }

up() {
  resolve_jars
  format_storage
  mkdir -p "$KAFKA_DIR/logs"
  if ! running && answers; then
    log "another broker already answers on 127.0.0.1:9092 (not the one in $KAFKA_DIR); stop it first"
    return 1
  fi
  if ! running; then
    log "starting Apache Kafka ($(cd "$LIBS" && ls kafka_2.13-*.jar), heap $HEAP)"
    nohup java "${JAVA_OPTS[@]}" -cp "$LIBS/*" kafka.Kafka "$CONFIG" \
      >"$KAFKA_DIR/logs/stdout.log" 2>&1 &
    echo $! >"$PIDFILE"
  fi
  for _ in $(seq 90); do
    if ! running; then
      log "Kafka exited during start-up; the end of its logs:"
      tail -20 "$KAFKA_DIR/logs/server.log" "$KAFKA_DIR/logs/stdout.log" >&2 || true
      return 1
    fi
    answers && { log "Kafka ready on 127.0.0.1:9092"; return 0; }
    sleep 1
  done
  log "Kafka did not answer within 90s"
  return 1
}

down() {
  running || { rm -f "$PIDFILE"; return 0; }
  stop_pid Kafka "$PIDFILE" 60
}

status() { running && answers && echo "Kafka running (pid $(cat "$PIDFILE"))" || echo "Kafka not running"; }

"${1:-up}"
