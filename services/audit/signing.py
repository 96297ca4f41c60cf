"""The ledger's Ed25519 signing key: from settings in production, generated once per machine in
development and test (shared/signing_keys.py), and checked against the pinned public key when
one is set."""

import base64
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from services.audit.settings import AuditSettings
from services.audit.verifier import key_id_of
from shared.signing_keys import SigningKeyError, decode_b64, load_private_key, new_seed_b64

__all__ = ["Signer", "SigningKeyError", "load_signer", "new_seed_b64"]


@dataclass(frozen=True)
class Signer:
    private_key: Ed25519PrivateKey

    @property
    def public_key(self) -> bytes:
        return self.private_key.public_key().public_bytes_raw()

    @property
    def public_key_b64(self) -> str:
        return base64.b64encode(self.public_key).decode()

    @property
    def key_id(self) -> str:
        """Names the key in checkpoints, so a rotation shows; not secret."""
        return key_id_of(self.public_key)

    def sign(self, data: bytes) -> bytes:
        return self.private_key.sign(data)


def load_signer(settings: AuditSettings) -> Signer:
    signer = Signer(load_private_key(settings.signing_key, settings.signing_key_file,
                                     settings.environment, "AUDIT_SIGNING_KEY"))  # fmt: skip
    pinned = settings.pinned_public_key
    if pinned and decode_b64(pinned, "AUDIT_PINNED_PUBLIC_KEY") != signer.public_key:
        raise SigningKeyError(
            f"the signing key (public key {signer.public_key_b64}) is not the pinned one"
        )
    return signer
