#!/usr/bin/env bash
# Writes .state/dev.env: the environment of every service on this machine. Development keys
# are generated here once and kept in the machine's secrets folder, never in the repository.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/common.sh"

# Every service that encrypts at rest (the registry's `cipher_key` secret) gets its own key.
mapfile -t CIPHERED < <(python3 "$here/../shared/registry.py" ciphered)
for service in "${CIPHERED[@]}"; do
  key_file="$SECRETS_DIR/$service.cipher_key"
  if [ ! -s "$key_file" ]; then
    (umask 077 && python3 -c 'import base64, os; print(base64.b64encode(os.urandom(32)).decode())' >"$key_file")
  fi
done
# Intake's key for the HMAC digests of short free text on Kafka (services/intake/digests.py).
digest_key_file="$SECRETS_DIR/intake.digest_key"
if [ ! -s "$digest_key_file" ]; then
  (umask 077 && python3 -c 'import base64, os; print(base64.b64encode(os.urandom(32)).decode())' >"$digest_key_file")
fi
{
  cat "$STATE_DIR/postgres.env"
  echo "INTAKE_DIGEST_KEY=$(cat "$digest_key_file")"
  for service in "${CIPHERED[@]}"; do
    echo "${service^^}_CIPHER_KEY=$(cat "$SECRETS_DIR/$service.cipher_key")"
  done
  echo "AUDIT_SIGNING_KEY_FILE=$SECRETS_DIR/audit-signing.key"
  bash "$here/identity_keys.sh"
  echo "RAPPORT_LOG_FORMAT=${RAPPORT_LOG_FORMAT:-console}"
} >"$STATE_DIR/dev.env"
chmod 600 "$STATE_DIR/dev.env"
