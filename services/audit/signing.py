"""The ledger's Ed25519 signing key: from settings in production, generated once per machine in
development and test, and checked against the pinned public key when one is set."""

import base64
import binascii
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from services.audit.settings import AuditSettings
from services.audit.verifier import key_id_of

SEED_SIZE = 32


class SigningKeyError(RuntimeError):
    """The service must not start: its key is missing, malformed, or not the pinned one."""


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
    signer = Signer(Ed25519PrivateKey.from_private_bytes(_seed(settings)))
    pinned = settings.pinned_public_key
    if pinned and _decode(pinned, "AUDIT_PINNED_PUBLIC_KEY") != signer.public_key:
        raise SigningKeyError(
            f"the signing key (public key {signer.public_key_b64}) is not the pinned one"
        )
    return signer


def new_seed_b64() -> str:
    return base64.b64encode(os.urandom(SEED_SIZE)).decode()


def _seed(settings: AuditSettings) -> bytes:
    if settings.signing_key is not None:
        return _decode(settings.signing_key.get_secret_value(), "AUDIT_SIGNING_KEY")
    if settings.environment == "production":
        raise SigningKeyError("AUDIT_SIGNING_KEY is required in production")
    return _decode(_development_key(settings.signing_key_file), str(settings.signing_key_file))


def _development_key(path: Path) -> str:
    """Read the key file, creating it (owner-only) on first use; safe when two start at once."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f"{path.name}.{os.getpid()}.new")
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as file:
            file.write(new_seed_b64() + "\n")
        try:
            os.link(draft, path)  # atomic, and never replaces a key another process made
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text().strip()


def _decode(value: str, name: str) -> bytes:
    try:
        raw = base64.b64decode(value, validate=True)
    except binascii.Error:
        raise SigningKeyError(f"{name} is not base64") from None
    if len(raw) != SEED_SIZE:
        raise SigningKeyError(f"{name} must be {SEED_SIZE} bytes in base64, not {len(raw)}")
    return raw
