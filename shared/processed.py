"""The event ids each consumer has applied, written in the transaction of the effect.

Positions alone make a redelivered offset harmless; this makes a republished event harmless
too: a relay that died after the broker's acknowledgement and before recording its position
publishes the event again, at a new offset, and every consumer still applies it once. The
digest of the message's bytes tells a repeat (same bytes: skipped) from an id reused for
different content (handed to the handler, which raises its own alarm, as the ledger does).
"""

import hashlib
from typing import Protocol, TypeVar
from uuid import UUID

import asyncpg

from shared.schema import create_idempotently

SCHEMA = """
CREATE TABLE IF NOT EXISTS processed_events (
    consumer text NOT NULL,
    event_id uuid NOT NULL,
    digest bytea NOT NULL,
    processed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, event_id)
);
"""

# Records the ids not seen yet and returns them; the others are repeats (or reused ids).
_CLAIM = """
INSERT INTO processed_events (consumer, event_id, digest)
SELECT $1, i.event_id, i.digest FROM unnest($2::uuid[], $3::bytea[]) AS i(event_id, digest)
ON CONFLICT DO NOTHING
RETURNING event_id
"""
_DIGESTS = """
SELECT event_id, digest FROM processed_events WHERE consumer = $1 AND event_id = ANY($2::uuid[])
"""


class Message(Protocol):
    @property
    def event_id(self) -> UUID: ...
    @property
    def digest(self) -> bytes: ...


M = TypeVar("M", bound=Message)


def digest_of(value: bytes | None) -> bytes:
    return hashlib.sha256(value or b"").digest()


async def ensure_processed_schema(conn: asyncpg.Connection) -> None:
    await create_idempotently(conn, SCHEMA)


async def to_apply(
    conn: asyncpg.Connection, consumer: str, messages: list[M]
) -> tuple[list[M], list[M]]:
    """Record the messages as applied by `consumer`, inside the caller's transaction.

    Returns, in delivery order, the messages to apply (first deliveries, and ids seen before
    with other bytes) and, of those, the reused ids to raise an alarm about. The rest are
    repeats: skip them."""
    firsts: dict[UUID, M] = {}
    reused: list[M] = []
    for message in messages:
        first = firsts.setdefault(message.event_id, message)
        if first is not message and first.digest != message.digest:
            reused.append(message)
    ids, digests = list(firsts), [m.digest for m in firsts.values()]
    new = {r["event_id"] for r in await conn.fetch(_CLAIM, consumer, ids, digests)}
    if len(new) < len(ids):  # rare: a redelivery or a republished event
        seen = [i for i in ids if i not in new]
        stored = {r["event_id"]: r["digest"] for r in await conn.fetch(_DIGESTS, consumer, seen)}
        reused += [firsts[i] for i in seen if stored.get(i, firsts[i].digest) != firsts[i].digest]
    keep = {id(firsts[i]) for i in new} | {id(m) for m in reused}
    return [m for m in messages if id(m) in keep], reused
