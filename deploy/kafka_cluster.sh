#!/usr/bin/env bash
# A three-broker Apache Kafka cluster on loopback for the fault tests, in KRaft mode with a
# dedicated controller (node 0), so that any brokers may be killed and the cluster still
# moves leaders and shrinks in-sync replicas as a production cluster with a controller
# quorum does. Topics get their replication (3, min.insync.replicas 2 in production) from
# the services' settings, not from broker defaults, so the tests see what the services ask
# for. It uses the jars deploy/kafka.sh resolves and never touches the broker on 9092.
# Idempotent: storage is formatted once; a running node is reused; up starts only the
# nodes that are not running (and the controller).
#   deploy/kafka_cluster.sh up [BROKER...] | down [BROKER...] | kill BROKER... | status | clean
# KAFKA_CLUSTER_PORT (default 19092): broker N (1-3) listens on PORT+N-1, the controller on
# PORT+3. The storage lives in $RAPPORT_HOME/kafka-cluster-PORT (clean removes it).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/common.sh"

PORT=${KAFKA_CLUSTER_PORT:-19092}
CONTROLLER=0
BROKERS=(1 2 3)
NODES=("$CONTROLLER" "${BROKERS[@]}")
LIBS="$RAPPORT_HOME/kafka/libs"
DIR="$RAPPORT_HOME/kafka-cluster-$PORT"
HEAP=${KAFKA_CLUSTER_HEAP:-320m}

client_port() { echo $((PORT + $1 - 1)); }
controller_port() { echo $((PORT + 3)); }
node_dir() { echo "$DIR/node$1"; }
pidfile() { echo "$(node_dir "$1")/kafka.pid"; }

write_config() {
  local n=$1 roles listeners
  if [ "$n" = "$CONTROLLER" ]; then
    roles=controller listeners="CONTROLLER://127.0.0.1:$(controller_port)"
  else
    roles=broker listeners="PLAINTEXT://127.0.0.1:$(client_port "$n")"
  fi
  cat >"$(node_dir "$n")/server.properties" <<EOF
process.roles=$roles
node.id=$n
controller.quorum.voters=$CONTROLLER@127.0.0.1:$(controller_port)
listeners=$listeners
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$(node_dir "$n")/data
num.partitions=3
offsets.topic.replication.factor=3
offsets.topic.num.partitions=3
transaction.state.log.replication.factor=3
transaction.state.log.min.isr=2
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
unclean.leader.election.enable=false
EOF
  [ "$n" = "$CONTROLLER" ] || echo "advertised.listeners=$listeners" >>"$(node_dir "$n")/server.properties"
}

kafka_java() {
  local n=$1
  shift
  java -Xms"$HEAP" -Xmx"$HEAP" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
    -Dlog4j2.configurationFile="$here/kafka/log4j2.properties" \
    -Dkafka.logs.dir="$(node_dir "$n")/logs" -cp "$LIBS/*" "$@"
}

format_storage() {
  [ -f "$DIR/cluster.id" ] || kafka_java 1 kafka.tools.StorageTool random-uuid >"$DIR/cluster.id"
  local n pids=()
  for n in "${NODES[@]}"; do
    mkdir -p "$(node_dir "$n")/logs"
    write_config "$n"
    [ -f "$(node_dir "$n")/data/meta.properties" ] && continue
    kafka_java "$n" kafka.tools.StorageTool format -t "$(cat "$DIR/cluster.id")" \
      -c "$(node_dir "$n")/server.properties" --ignore-formatted >/dev/null &
    pids+=($!)
  done
  for pid in "${pids[@]}"; do wait "$pid"; done
}

# The recorded process is alive and still this node's broker.
running() {
  local file
  file=$(pidfile "$1")
  [ -f "$file" ] && grep -qa "$(node_dir "$1")/server.properties" "/proc/$(cat "$file")/cmdline" 2>/dev/null
}

answers() {
  if [ "$1" = "$CONTROLLER" ]; then
    python3 "$here/kafka_ready.py" 127.0.0.1 "$(controller_port)"
  else
    python3 "$here/kafka_ready.py" 127.0.0.1 "$(client_port "$1")"
  fi
}

start_node() {
  local n=$1
  running "$n" && return 0
  if answers "$n"; then
    log "another process answers on Kafka cluster node $n's port; stop it first"
    return 1
  fi
  # The client JIT and a serial collector: a test's load is small, and on a busy machine
  # three JVMs starting at once spend far less CPU warming up this way.
  nohup java -Xms"$HEAP" -Xmx"$HEAP" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
    -Dlog4j2.configurationFile="$here/kafka/log4j2.properties" \
    -Dkafka.logs.dir="$(node_dir "$n")/logs" -cp "$LIBS/*" \
    kafka.Kafka "$(node_dir "$n")/server.properties" >"$(node_dir "$n")/logs/stdout.log" 2>&1 &
  echo $! >"$(pidfile "$n")"
}

wait_answering() {
  local n
  for _ in $(seq 120); do
    local all=1
    for n in "$@"; do
      if ! running "$n"; then
        log "Kafka node $n exited during start-up; the end of its log:"
        tail -20 "$(node_dir "$n")/logs/server.log" >&2 || true
        return 1
      fi
      answers "$n" || all=0
    done
    [ $all = 1 ] && return 0
    sleep 1
  done
  log "Kafka nodes $* did not answer within 120s"
  return 1
}

up() {
  local nodes=("$CONTROLLER" "$@")
  [ $# -gt 0 ] || nodes=("${NODES[@]}")
  bash "$here/kafka.sh" resolve_jars
  mkdir -p "$DIR"
  format_storage
  local n
  for n in "${nodes[@]}"; do start_node "$n"; done
  wait_answering "${nodes[@]}"
  log "Kafka cluster nodes ${nodes[*]} ready ($(bootstrap))"
}

stop_node() {
  local n=$1 signal=$2 pid
  running "$n" || { rm -f "$(pidfile "$n")"; return 0; }
  pid=$(cat "$(pidfile "$n")")
  kill "-$signal" "$pid"
  for _ in $(seq 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  kill -0 "$pid" 2>/dev/null && { log "Kafka node $n did not stop in 30s; killing it"; kill -KILL "$pid"; }
  rm -f "$(pidfile "$n")"
}

down() {
  local n nodes=("$@")
  [ $# -gt 0 ] || nodes=("${BROKERS[@]}")
  for n in "${nodes[@]}"; do stop_node "$n" TERM & done
  wait
  # The controller last: brokers shutting down hand their partitions over through it.
  [ $# -gt 0 ] || { stop_node "$CONTROLLER" TERM; nodes+=("$CONTROLLER"); }
  log "Kafka cluster nodes ${nodes[*]} stopped"
}

# SIGKILL: no shutdown, as when the machine dies.
kill_nodes() {
  local n
  for n in "$@"; do stop_node "$n" KILL & done  # at once, as when a rack loses power
  wait
  log "Kafka cluster nodes $* killed"
}

bootstrap() {
  local n out=()
  for n in "${BROKERS[@]}"; do out+=("127.0.0.1:$(client_port "$n")"); done
  (IFS=,; echo "${out[*]}")
}

status() {
  local n
  for n in "${NODES[@]}"; do
    if running "$n" && answers "$n"; then echo "node $n running"
    else echo "node $n not running"; fi
  done
}

clean() {
  down
  rm -rf "$DIR"
}

command=${1:-up}
shift || true
case "$command" in
  up | down | status | clean | bootstrap) "$command" "$@" ;;
  kill) kill_nodes "${@:?which nodes}" ;;
  *) echo "usage: $0 up|down [NODE...] | kill NODE... | status | bootstrap | clean" >&2; exit 2 ;;
esac
