#!/usr/bin/env bash
# Keycloak, the development identity provider, for machines without a Docker engine: the
# official distribution zip (org.keycloak:keycloak-quarkus-dist) resolved from Maven Central,
# run with `start-dev` on 127.0.0.1:8180 on a Java 21+ JDK found in /usr/lib/jvm, with the
# realm of deploy/keycloak/ imported (client rapport-staff, the six roles, demo staff).
# Idempotent: unpacked once in $RAPPORT_HOME/keycloak; a running server is reused; a changed
# realm file is imported afresh. Admin and demo passwords are generated once into
# $RAPPORT_HOME/dev-secrets (keycloak.admin_password, keycloak.demo_password).
#   deploy/keycloak.sh up | down | status
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/common.sh"

VERSION=${KEYCLOAK_VERSION:-26.4.7}
PORT=${KEYCLOAK_PORT:-8180}
KC_BASE="$RAPPORT_HOME/keycloak"
KC_DIR="$KC_BASE/keycloak-$VERSION"
PIDFILE="$KC_BASE/keycloak.pid"
LOGFILE="$KC_BASE/keycloak.log"
ISSUER="http://127.0.0.1:$PORT/realms/rapport"

resolve() {
  [ -x "$KC_DIR/bin/kc.sh" ] && return 0
  log "resolving Keycloak $VERSION from Maven Central"
  mkdir -p "$KC_BASE"
  mvn -B -q org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy \
    -Dartifact="org.keycloak:keycloak-quarkus-dist:$VERSION:zip" -DoutputDirectory="$KC_BASE" \
    2>&1 | sed 's/\x1b\[[0-9;]*m//g' >&2
  python3 -m zipfile -e "$KC_BASE/keycloak-quarkus-dist-$VERSION.zip" "$KC_BASE"
  chmod +x "$KC_DIR"/bin/*.sh
  rm -f "$KC_BASE/keycloak-quarkus-dist-$VERSION.zip"
}

# A JDK of Java 21 or newer (Keycloak 26 needs it; the machine's default may be 17).
find_java() {
  local candidate major
  for candidate in ${KEYCLOAK_JAVA_HOME:-} /usr/lib/jvm/*; do
    [ -x "$candidate/bin/java" ] || continue
    major=$("$candidate/bin/java" -XshowSettings:properties -version 2>&1 \
      | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p')
    if [ -n "$major" ] && [ "$major" -ge 21 ]; then echo "$candidate"; return 0; fi
  done
  log "Keycloak $VERSION needs Java 21 or newer and no such JDK is in /usr/lib/jvm;"
  log "install one (e.g. apt-get install openjdk-21-jdk-headless or Temurin 25) or set KEYCLOAK_JAVA_HOME"
  return 1
}

secret() {  # secret NAME: a generated password kept in the machine's dev secrets
  local file="$SECRETS_DIR/keycloak.$1"
  [ -s "$file" ] || (umask 077 && python3 -c 'import secrets; print(secrets.token_urlsafe(18))' >"$file")
  cat "$file"
}

# The realm with demo users and their password; a change to it means a fresh import.
prepare_realm() {
  local import="$KC_DIR/data/import" stamp="$KC_BASE/.realm.sha256" want
  secret demo_password >/dev/null
  mkdir -p "$import"
  (umask 077 && python3 "$here/keycloak/realm.py" "$SECRETS_DIR/keycloak.demo_password" "$import/rapport-realm.json")
  want=$(cat "$import/rapport-realm.json" | sha256sum | cut -d' ' -f1)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    running && down
    log "importing the rapport realm afresh (development data of Keycloak reset)"
    rm -rf "$KC_DIR/data/h2"
    echo "$want" >"$stamp"
  fi
}

running() { [ -f "$PIDFILE" ] && grep -qa "$KC_DIR" "/proc/$(cat "$PIDFILE")/cmdline" 2>/dev/null; }
answers() { curl -sf -o /dev/null "$ISSUER/.well-known/openid-configuration"; }

up() {
  resolve
  local java_home
  java_home=$(find_java)
  prepare_realm
  if ! running && curl -s -o /dev/null "http://127.0.0.1:$PORT/"; then
    log "something else answers on 127.0.0.1:$PORT (not the Keycloak in $KC_DIR); stop it first"
    return 1
  fi
  if ! running; then
    log "starting Keycloak $VERSION on 127.0.0.1:$PORT (Java in $java_home)"
    JAVA_HOME="$java_home" JAVA_OPTS_KC_HEAP="-Xms64m -Xmx512m" \
      KC_BOOTSTRAP_ADMIN_USERNAME=admin KC_BOOTSTRAP_ADMIN_PASSWORD="$(secret admin_password)" \
      nohup setsid "$KC_DIR/bin/kc.sh" start-dev --http-host 127.0.0.1 --http-port "$PORT" \
      --import-realm --health-enabled=false >"$LOGFILE" 2>&1 </dev/null &
    echo $! >"$PIDFILE"
  fi
  for _ in $(seq 120); do
    if ! kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
      log "Keycloak exited during start-up; the end of its log:"
      tail -20 "$LOGFILE" >&2 || true
      return 1
    fi
    answers && { log "Keycloak ready: sign-in at $ISSUER (demo users <role>.<site>, password in $SECRETS_DIR/keycloak.demo_password)"; return 0; }
    sleep 1
  done
  log "Keycloak did not answer within 120s; see $LOGFILE"
  return 1
}

down() {
  running || { rm -f "$PIDFILE"; return 0; }
  stop_pid Keycloak "$PIDFILE" 30
}

status() { running && answers && echo "Keycloak running (pid $(cat "$PIDFILE")) at $ISSUER" || echo "Keycloak not running"; }

"${1:-up}"
