"""The audit ledger's storage: every event of every topic once, in arrival order."""

from typing import Any

import asyncpg

from services.audit.verifier import leaf_hash
from shared.consumer import Delivered

LEDGER_SCHEMA = """
CREATE TABLE IF NOT EXISTS ledger_entries (
    leaf_index bigint PRIMARY KEY,
    event_id uuid NOT NULL UNIQUE,
    type text NOT NULL,
    case_id uuid,
    topic text NOT NULL,
    kafka_partition int NOT NULL,
    kafka_offset bigint NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    envelope bytea NOT NULL,      -- canonical JSON, the bytes the leaf hash covers
    leaf_hash bytea NOT NULL
);
CREATE INDEX IF NOT EXISTS ledger_entries_case ON ledger_entries (case_id, leaf_index);
"""


async def ensure_ledger_schema(conn: asyncpg.Connection) -> None:
    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock(4243)")
        await conn.execute(LEDGER_SCHEMA)


async def append(conn: asyncpg.Connection, items: list[Delivered]) -> int:
    """Append the events not in the ledger yet, in the order given; return how many.

    Runs inside the consumer's transaction; the table lock keeps leaf indexes gapless and in
    commit order when more than one consumer appends."""
    await conn.execute("LOCK TABLE ledger_entries IN EXCLUSIVE MODE")
    ids = [item.envelope.event_id for item in items]
    seen = {r["event_id"] for r in await conn.fetch(
        "SELECT event_id FROM ledger_entries WHERE event_id = ANY($1::uuid[])", ids
    )}
    size = await conn.fetchval("SELECT coalesce(max(leaf_index) + 1, 0) FROM ledger_entries")
    rows = []
    for item in items:
        envelope = item.envelope
        if envelope.event_id in seen:
            continue
        seen.add(envelope.event_id)
        canonical = envelope.canonical_json()
        rows.append((
            size + len(rows), envelope.event_id, envelope.type, envelope.case_id,
            item.topic, item.partition, item.offset, canonical, leaf_hash(canonical),
        ))
    await conn.copy_records_to_table(
        "ledger_entries",
        records=rows,
        columns=["leaf_index", "event_id", "type", "case_id", "topic", "kafka_partition",
                 "kafka_offset", "envelope", "leaf_hash"],
    )
    return len(rows)


async def entries(pool: asyncpg.Pool, after: int, limit: int) -> list[dict[str, Any]]:
    rows = await pool.fetch(
        "SELECT leaf_index, event_id, type, case_id, topic, kafka_partition, kafka_offset,"
        " received_at, envelope, leaf_hash FROM ledger_entries WHERE leaf_index > $1"
        " ORDER BY leaf_index LIMIT $2",
        after,
        limit,
    )
    return [_entry(r) for r in rows]


def _entry(row: asyncpg.Record) -> dict[str, Any]:
    entry = dict(row)
    entry["envelope"] = row["envelope"].decode()
    entry["leaf_hash"] = row["leaf_hash"].hex()
    return entry
