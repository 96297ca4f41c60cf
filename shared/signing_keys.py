"""Ed25519 signing keys of the services that sign (the audit ledger, the witness): given as a
setting (base64 of the 32-byte seed) in production, generated once into a file in
development and test, so a restart keeps the key its signatures were made with."""

import base64
import binascii
import os
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pydantic import SecretStr

SEED_SIZE = 32


class SigningKeyError(RuntimeError):
    """The service must not start: its key is missing, malformed, or not the pinned one."""


def load_private_key(
    setting: SecretStr | None, key_file: Path, environment: str, name: str
) -> Ed25519PrivateKey:
    """The key from the setting `name`; without one, in production an error, otherwise the
    development key in `key_file` (created on first use)."""
    if setting is not None:
        seed = decode_seed(setting.get_secret_value(), name)
    elif environment == "production":
        raise SigningKeyError(f"{name} is required in production")
    else:
        seed = decode_seed(development_key(key_file), str(key_file))
    return Ed25519PrivateKey.from_private_bytes(seed)


def new_seed_b64() -> str:
    return base64.b64encode(os.urandom(SEED_SIZE)).decode()


def development_key(path: Path) -> str:
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


def decode_seed(value: str, name: str) -> bytes:
    raw = decode_b64(value, name)
    if len(raw) != SEED_SIZE:
        raise SigningKeyError(f"{name} must be {SEED_SIZE} bytes in base64, not {len(raw)}")
    return raw


def decode_b64(value: str, name: str) -> bytes:
    try:
        return base64.b64decode(value, validate=True)
    except binascii.Error:
        raise SigningKeyError(f"{name} is not base64") from None
