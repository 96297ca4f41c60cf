"""A witness (C2SP tlog-witness): a second signer, with its own key and its own storage, that
cosigns a log's checkpoint only after checking that it extends the last checkpoint of that
log it cosigned. A log that forks its history, or is rewritten, cannot get a cosignature for
the new branch, so verifiers that require the witness's cosignature cannot be shown it.

The checks of add-checkpoint: the note carries the log's signature; `old_size` is the size
the witness last cosigned (else a conflict that tells the log that size); the consistency
proof from that tree to the new one verifies. The cosignature is C2SP tlog-cosignature:
Ed25519 over "cosignature/v1\\ntime <unix seconds>\\n" + the note's text.

The HTTP side (api.py) maps the refusals to the protocol's statuses: 404 an unknown log, 403
not signed by it, 400 an old size above the new, 409 a stale old size (the body says the
witness's), 422 a proof that does not verify.
"""

import base64
import struct
import time
from dataclasses import dataclass

import asyncpg
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from services.audit.verifier import (
    EMPTY_ROOT,
    WitnessKey,
    cosignature_message,
    open_note,
    verify_consistency,
)

WITNESS_SCHEMA = """
CREATE TABLE IF NOT EXISTS witness_latest (
    origin text PRIMARY KEY,          -- the log
    tree_size bigint NOT NULL,        -- the last checkpoint cosigned
    root_hash bytea NOT NULL,
    cosigned_at timestamptz NOT NULL DEFAULT now()
);
"""


class WitnessRefused(Exception):
    """The checkpoint is not cosigned: the reason says why (422: it does not extend)."""


class UnknownLog(WitnessRefused):
    """404: the note's origin is not a log this witness follows."""


class NotSignedByLog(WitnessRefused):
    """403: the note does not carry the log's signature."""


class BadOldSize(WitnessRefused):
    """400: the old size is above the checkpoint's."""


class OldSizeConflict(WitnessRefused):
    def __init__(self, latest_size: int) -> None:
        super().__init__(f"the last checkpoint cosigned has size {latest_size}")
        self.latest_size = latest_size


@dataclass(frozen=True)
class Log:
    origin: str
    public_key: bytes  # the log's Ed25519 key, which signs its notes under `origin`


class Witness:
    def __init__(self, pool: asyncpg.Pool, name: str, key: Ed25519PrivateKey, log: Log):
        self.pool, self.name, self.key, self.log = pool, name, key, log
        self.public = WitnessKey(name, key.public_key().public_bytes_raw())

    async def ensure_schema(self) -> None:
        async with self.pool.acquire() as conn:
            await conn.execute(WITNESS_SCHEMA)

    async def add_checkpoint(self, old_size: int, proof: list[bytes], note: str) -> str:
        """The cosignature line for `note`, once it is shown to extend the last cosigned."""
        origin = note.partition("\n")[0]
        if origin != self.log.origin:
            raise UnknownLog(f"this witness does not follow the log {origin!r}")
        text = open_note(note, self.log.origin, self.log.public_key)
        if text is None:
            raise NotSignedByLog(f"the note is not signed by the log {self.log.origin}")
        lines = text.splitlines()
        size, root = int(lines[1]), base64.b64decode(lines[2])
        if old_size > size:
            raise BadOldSize(f"the old size {old_size} is above the checkpoint's {size}")
        async with self.pool.acquire() as conn, conn.transaction():
            latest = await conn.fetchrow(
                "SELECT tree_size, root_hash FROM witness_latest WHERE origin = $1 FOR UPDATE",
                self.log.origin,
            )
            latest_size, latest_root = (latest[0], latest[1]) if latest else (0, EMPTY_ROOT)
            if old_size != latest_size:
                raise OldSizeConflict(latest_size)
            if not verify_consistency(latest_size, size, latest_root, root, proof):
                raise WitnessRefused(
                    f"the tree of size {size} does not extend the one of size {latest_size}"
                    " cosigned before: not cosigned"
                )
            await conn.execute(
                "INSERT INTO witness_latest (origin, tree_size, root_hash) VALUES ($1, $2, $3)"
                " ON CONFLICT (origin) DO UPDATE SET tree_size = $2, root_hash = $3,"
                " cosigned_at = now()",
                self.log.origin, size, root,
            )  # fmt: skip
        return self._cosign(text)

    def _cosign(self, text: str) -> str:
        now = int(time.time())
        blob = self.public.key_hash + struct.pack(">Q", now)
        blob += self.key.sign(cosignature_message(text, now))
        return f"\u2014 {self.name} {base64.b64encode(blob).decode()}\n"
