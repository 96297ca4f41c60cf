"""Reading the ledger's entries."""

from typing import Any, TypeAlias
from uuid import UUID

import asyncpg

from services.audit.errors import NotFound

Db: TypeAlias = asyncpg.Pool | asyncpg.Connection

COLUMNS = (
    "leaf_index, event_id, type, case_id, topic, kafka_partition, kafka_offset, received_at,"
    " envelope, leaf_hash"
)


async def tree_size(db: Db) -> int:
    return await db.fetchval("SELECT coalesce(max(leaf_index) + 1, 0) FROM ledger_entries")


async def page(db: Db, after: int, limit: int, below: int | None = None) -> list[asyncpg.Record]:
    """Entries in leaf order after `after` (and below leaf `below`, when given)."""
    return await db.fetch(
        f"SELECT {COLUMNS} FROM ledger_entries WHERE leaf_index > $1 AND leaf_index < $2"
        " ORDER BY leaf_index LIMIT $3",
        after,
        2**62 if below is None else below,
        limit,
    )


async def of_case(db: Db, case_id: UUID, below: int) -> list[asyncpg.Record]:
    """The case's leaf indexes and envelopes (all a history or bundle reads of them)."""
    return await db.fetch(
        "SELECT leaf_index, envelope FROM ledger_entries WHERE case_id = $1 AND leaf_index < $2"
        " ORDER BY leaf_index",
        case_id,
        below,
    )


async def leaf_index_of(db: Db, event_id: UUID) -> int:
    index = await db.fetchval("SELECT leaf_index FROM ledger_entries WHERE event_id = $1", event_id)
    if index is None:
        raise NotFound(f"event {event_id} is not in the ledger")
    return index


async def by_leaf_index(db: Db, leaf_index: int) -> asyncpg.Record:
    sql = f"SELECT {COLUMNS} FROM ledger_entries WHERE leaf_index = $1"
    row = await db.fetchrow(sql, leaf_index)
    if row is None:
        raise NotFound(f"no ledger entry at leaf index {leaf_index}")
    return row


def as_json(row: asyncpg.Record) -> dict[str, Any]:
    """An entry for an HTTP answer: the envelope as text (the exact bytes hashed), hashes hex."""
    entry = dict(row)
    entry["envelope"] = row["envelope"].decode()
    entry["leaf_hash"] = row["leaf_hash"].hex()
    return entry
