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
# The ledger's and the witness's Ed25519 seeds (base64): each service would make its own at
# start-up, but each must be given the other's public key, so they are made here first.
for signer in audit witness; do
  seed_file="$SECRETS_DIR/$signer-signing.key"
  if [ ! -s "$seed_file" ]; then
    (umask 077 && python3 -c 'import base64, os; print(base64.b64encode(os.urandom(32)).decode())' >"$seed_file")
  fi
done
# public_key_of SEED_FILE: the raw Ed25519 public key, base64 (PKCS#8 is a fixed prefix + seed).
public_key_of() {
  { printf '\x30\x2e\x02\x01\x00\x30\x05\x06\x03\x2b\x65\x70\x04\x22\x04\x20'; base64 -d "$1"; } |
    openssl pkey -inform DER -pubout -outform DER | tail -c 32 | base64
}
# The witness's verifier key (C2SP tlog-cosignature): name+hex(key hash)+base64(0x04 || key).
WITNESS_NAME=rapport-witness
witness_public=$(public_key_of "$SECRETS_DIR/witness-signing.key")
witness_hash=$({ printf '%s\n\x04' "$WITNESS_NAME"; base64 -d <<<"$witness_public"; } |
  openssl dgst -sha256 -binary | head -c 4 | od -An -tx1 | tr -d ' \n')
witness_vkey="$WITNESS_NAME+$witness_hash+$({ printf '\x04'; base64 -d <<<"$witness_public"; } | base64)"
{
  cat "$STATE_DIR/postgres.env"
  echo "INTAKE_DIGEST_KEY=$(cat "$digest_key_file")"
  for service in "${CIPHERED[@]}"; do
    echo "${service^^}_CIPHER_KEY=$(cat "$SECRETS_DIR/$service.cipher_key")"
  done
  echo "AUDIT_SIGNING_KEY_FILE=$SECRETS_DIR/audit-signing.key"
  echo "AUDIT_WITNESS_KEY=$witness_vkey"
  echo "WITNESS_NAME=$WITNESS_NAME"
  echo "WITNESS_SIGNING_KEY_FILE=$SECRETS_DIR/witness-signing.key"
  echo "WITNESS_LOG_PUBLIC_KEY=$(public_key_of "$SECRETS_DIR/audit-signing.key")"
  bash "$here/identity_keys.sh"
  echo "RAPPORT_LOG_FORMAT=${RAPPORT_LOG_FORMAT:-console}"
} >"$STATE_DIR/dev.env"
chmod 600 "$STATE_DIR/dev.env"
