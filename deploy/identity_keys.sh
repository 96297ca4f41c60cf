#!/usr/bin/env bash
# The gateway's development key pair for its identity assertions (shared/identity.py),
# generated once per machine into the dev secrets; prints the two settings for dev.env:
# GATEWAY_ASSERTION_KEY (the seed, the gateway only), RAPPORT_IDENTITY_PUBLIC_KEY, and the
# claim the development realm names staff by.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/common.sh"

der="$SECRETS_DIR/gateway-assertion.der"
if [ ! -s "$der" ]; then
  (umask 077 && openssl genpkey -algorithm ed25519 -outform DER -out "$der")
fi
# PKCS#8 and SubjectPublicKeyInfo of Ed25519 both end with the 32 raw key bytes.
echo "GATEWAY_ASSERTION_KEY=$(tail -c 32 "$der" | base64)"
echo "RAPPORT_IDENTITY_PUBLIC_KEY=$(openssl pkey -inform DER -in "$der" -pubout -outform DER | tail -c 32 | base64)"
# The demo realm's usernames (therapist.north) are the staff ids cases are allocated to.
echo "GATEWAY_SUBJECT_CLAIM=preferred_username"
