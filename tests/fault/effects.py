"""A consumer whose effect is not idempotent by itself: it adds one row per event it applies,
with nothing unique in the table. Built on the shared consumer runner like every service's
consumer, so it shows what any consumer does when an event comes twice."""

import asyncio
import uuid
from collections import Counter
from contextlib import asynccontextmanager
from dataclasses import dataclass

import asyncpg

from shared.consumer import Consumer, Delivered
from shared.schema import ensure_schema
from shared.tracking import committed_offsets

EFFECTS = "CREATE TABLE IF NOT EXISTS effects (event_id uuid NOT NULL, case_id uuid)"


async def add_effects(conn: asyncpg.Connection, batch: list[Delivered]) -> None:
    rows = [(d.envelope.event_id, d.envelope.case_id) for d in batch]
    await conn.executemany("INSERT INTO effects (event_id, case_id) VALUES ($1, $2)", rows)


@dataclass
class CountingConsumer:
    name: str
    pool: asyncpg.Pool

    async def effects_of(self, case_ids: set[str]) -> Counter[str]:
        rows = await self.pool.fetch(
            "SELECT case_id::text AS case_id, count(*) AS n FROM effects"
            " WHERE case_id = ANY($1::uuid[]) GROUP BY case_id",
            list(case_ids),
        )
        return Counter({r["case_id"]: r["n"] for r in rows})


@asynccontextmanager
async def counting_consumer(database_url: str, bootstrap: str, topic: str):
    pool = await asyncpg.create_pool(database_url, min_size=1, max_size=4)
    async with pool.acquire() as conn:
        await ensure_schema(conn)
        await conn.execute(EFFECTS)
    name = f"fault-effects-{uuid.uuid4().hex[:8]}"
    task = asyncio.create_task(Consumer(name, [topic], bootstrap, pool, add_effects).run())
    try:
        yield CountingConsumer(name, pool)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await pool.close()


async def wait_until_consumed(
    pool: asyncpg.Pool, consumer: str, topic: str, ends: dict[int, int], seconds: float = 90
) -> None:
    """Until the consumer's tracked position is at the end offsets of every partition."""
    for _ in range(int(seconds * 5)):
        tracked = await committed_offsets(pool, consumer)
        if all(tracked.get((topic, p), -1) >= end - 1 for p, end in ends.items() if end):
            return
        await asyncio.sleep(0.2)
    raise TimeoutError(f"{consumer} did not reach {ends} of {topic} in {seconds}s")
