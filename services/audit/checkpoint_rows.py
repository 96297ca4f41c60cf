"""Signed checkpoints as stored (ledger_checkpoints, with the witness's cosignatures) and the
queries that read them; the Checkpointer (checkpoints.py) writes them."""

import base64
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeAlias

import asyncpg

from services.audit.errors import NoCheckpointYet, NotFound
from services.audit.verifier import CASE_INDEX_LINE, ORIGIN, checkpoint_body, checkpoint_note

Db: TypeAlias = asyncpg.Pool | asyncpg.Connection
# A cosignature belongs to the checkpoint of its id only at its tree size: a checkpoint made
# after deleted ones takes the first deleted one's id, and must not wear its cosignature
# (it would never be shown to the witness, which would refuse it).
COLUMNS = (
    "id, tree_size, root_hash, issued_at, key_id, signature, note_signature, case_index_root,"
    " ARRAY(SELECT line FROM ledger_cosignatures c WHERE c.checkpoint_id = ledger_checkpoints.id"
    " AND c.tree_size = ledger_checkpoints.tree_size ORDER BY witness) AS cosignatures"
)

NEWEST_INDEXED = (
    f"SELECT {COLUMNS} FROM ledger_checkpoints WHERE case_index_root IS NOT NULL"
    " ORDER BY id DESC LIMIT 1"
)


@dataclass(frozen=True)
class Checkpoint:
    id: int
    tree_size: int
    root_hash: bytes
    issued_at: datetime
    key_id: str
    signature: bytes
    note_signature: bytes | None = None  # key hash || Ed25519 signature of note_text()
    case_index_root: bytes | None = None  # None: from before the case index
    cosignatures: Sequence[str] = ()  # the witnesses' lines (C2SP tlog-cosignature)

    @property
    def issued_at_text(self) -> str:
        return rfc3339(self.issued_at)

    def body(self) -> bytes:
        return checkpoint_body(self.tree_size, self.root_hash, self.issued_at_text)

    def note_text(self) -> str:
        extensions = [f"checkpoint {self.id} {self.issued_at_text}"]
        if self.case_index_root is not None:
            extensions.append(CASE_INDEX_LINE + base64.b64encode(self.case_index_root).decode())
        return checkpoint_note(ORIGIN, self.tree_size, self.root_hash, extensions)

    def signed_note(self) -> str | None:
        """The C2SP tlog-checkpoint signed note, with the witness's cosignature once it has
        one; None for checkpoints from before notes."""
        if self.note_signature is None:
            return None
        blob = base64.b64encode(self.note_signature).decode()
        return f"{self.note_text()}\n\u2014 {ORIGIN} {blob}\n" + "".join(self.cosignatures)

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "tree_size": self.tree_size,
            "root_hash": self.root_hash.hex(),
            "issued_at": self.issued_at_text,
            "key_id": self.key_id,
            "signature": base64.b64encode(self.signature).decode(),
            "note": self.signed_note(),
        }


def rfc3339(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


async def latest_or_none(db: Db) -> Checkpoint | None:
    row = await db.fetchrow(f"SELECT {COLUMNS} FROM ledger_checkpoints ORDER BY id DESC LIMIT 1")
    return Checkpoint(**dict(row)) if row else None


async def by_id_or_none(db: Db, checkpoint_id: int) -> Checkpoint | None:
    row = await db.fetchrow(f"SELECT {COLUMNS} FROM ledger_checkpoints WHERE id = $1",
                            checkpoint_id)  # fmt: skip
    return Checkpoint(**dict(row)) if row else None


async def latest(db: Db) -> Checkpoint:
    checkpoint = await latest_or_none(db)
    if checkpoint is None:
        raise NoCheckpointYet("no checkpoint has been issued yet; POST /checkpoints issues one")
    return checkpoint


async def latest_cosigned(db: Db) -> Checkpoint:
    """The newest checkpoint a witness cosigned, or the latest when none is."""
    row = await db.fetchrow(
        f"SELECT {COLUMNS} FROM ledger_checkpoints WHERE id = (SELECT max(c.checkpoint_id)"
        " FROM ledger_cosignatures c JOIN ledger_checkpoints k"
        " ON k.id = c.checkpoint_id AND k.tree_size = c.tree_size)"
    )
    return Checkpoint(**dict(row)) if row else await latest(db)


async def by_id(db: Db, checkpoint_id: int) -> Checkpoint:
    row = await db.fetchrow(f"SELECT {COLUMNS} FROM ledger_checkpoints WHERE id = $1",
                            checkpoint_id)  # fmt: skip
    if row is None:
        raise NotFound(f"no checkpoint #{checkpoint_id}")
    return Checkpoint(**dict(row))


async def chosen(db: Db, checkpoint_id: int | None) -> Checkpoint:
    """The checkpoint asked for, or the latest."""
    return await latest(db) if checkpoint_id is None else await by_id(db, checkpoint_id)


async def page(db: Db, after_id: int, limit: int) -> list[Checkpoint]:
    rows = await db.fetch(
        f"SELECT {COLUMNS} FROM ledger_checkpoints WHERE id > $1 ORDER BY id LIMIT $2",
        after_id, limit,
    )  # fmt: skip
    return [Checkpoint(**dict(r)) for r in rows]


async def between(db: Db, since_id: int, checkpoint_id: int) -> list[Checkpoint]:
    """The checkpoints issued from `since_id` up to `checkpoint_id`, oldest first."""
    rows = await db.fetch(
        f"SELECT {COLUMNS} FROM ledger_checkpoints WHERE id BETWEEN $1 AND $2 ORDER BY id",
        since_id, checkpoint_id,
    )  # fmt: skip
    return [Checkpoint(**dict(r)) for r in rows]
