"""Consumer positions kept in Postgres, in the same transaction as the consumer's effect.

The one way to record a position: `advance` first in the consumer's transaction, then the
effect (a store save with `conn=`). That is the lock order of shared/schema.py: the
partition's advisory lock, then the event store's table lock."""

from dataclasses import dataclass

import asyncpg


@dataclass(frozen=True)
class Position:
    """A Kafka message's place: offsets only rise within one topic partition."""

    consumer: str
    topic: str
    partition: int
    offset: int

    def as_args(self) -> tuple[str, str, int, int]:
        return (self.consumer, self.topic, self.partition, self.offset)


async def advance(conn: asyncpg.Connection, position: Position) -> int | None:
    """Move to `position` inside the caller's transaction; return the previous offset (-1 if
    none), or None if `position` was processed already. Concurrent callers for one topic
    partition wait for each other until commit."""
    return await conn.fetchval("SELECT advance_position($1, $2, $3, $4)", *position.as_args())


async def committed_offsets(pool: asyncpg.Pool, consumer: str) -> dict[tuple[str, int], int]:
    rows = await pool.fetch(
        "SELECT topic, partition, kafka_offset FROM tracking WHERE consumer = $1", consumer
    )
    return {(r["topic"], r["partition"]): r["kafka_offset"] for r in rows}
