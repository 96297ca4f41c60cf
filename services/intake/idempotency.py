"""Retries that do not duplicate: a command sent with an `Idempotency-Key` header is done
once per (caller, key). The key is recorded in the same transaction as the command's events
(the store's projection, from a tag the save puts on the first aggregate), so a command is
either saved with its key or not at all; its answer is kept beside the key once sent, and a
retry with the same key and request gets that answer again, nothing saved twice. The same
key with another request is refused."""

from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import asyncpg

from shared.schema import create_idempotently

SCHEMA = """
CREATE TABLE IF NOT EXISTS intake_idempotency (
    actor_id text NOT NULL,
    key text NOT NULL,
    fingerprint text NOT NULL,
    aggregate_id uuid NOT NULL,
    status int,
    location text,
    body jsonb,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (actor_id, key)
);
"""
PRIMARY_KEY = "intake_idempotency_pkey"
TAG = "_rapport_idempotency"


@dataclass(frozen=True)
class Attempt:
    actor_id: str
    key: str
    fingerprint: str  # SHA-256 of method, path and body


# The attempt of the command this request runs (set by the API, read when it saves).
CURRENT: ContextVar[Attempt | None] = ContextVar("idempotency_attempt", default=None)


def tag(aggregates: tuple[Any, ...]) -> None:
    """Mark the first aggregate of a save with this request's attempt, if it has one."""
    attempt = CURRENT.get()
    if attempt is not None and aggregates:
        setattr(aggregates[0], TAG, attempt)
        CURRENT.set(None)  # one command, one key: a second save of the request is not it


async def ensure_schema(conn: asyncpg.Connection) -> None:
    await create_idempotently(conn, SCHEMA)


async def project(conn: asyncpg.Connection, aggregates: Any) -> None:
    """In the save's transaction: the key of the command that saved these aggregates."""
    for aggregate in aggregates:
        attempt = getattr(aggregate, TAG, None)
        if attempt is not None:
            await conn.execute(
                "INSERT INTO intake_idempotency (actor_id, key, fingerprint, aggregate_id)"
                " VALUES ($1, $2, $3, $4)",
                attempt.actor_id,
                attempt.key,
                attempt.fingerprint,
                aggregate.id,
            )


async def find(pool: asyncpg.Pool, attempt: Attempt) -> asyncpg.Record | None:
    return await pool.fetchrow(
        "SELECT * FROM intake_idempotency WHERE actor_id = $1 AND key = $2",
        attempt.actor_id,
        attempt.key,
    )


async def keep_answer(
    pool: asyncpg.Pool, attempt: Attempt, status: int, location: str | None, body: str
) -> None:
    await pool.execute(
        "UPDATE intake_idempotency SET status = $3, location = $4, body = $5::jsonb"
        " WHERE actor_id = $1 AND key = $2",
        attempt.actor_id,
        attempt.key,
        status,
        location,
        body,
    )
