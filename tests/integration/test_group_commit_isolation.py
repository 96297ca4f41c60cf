"""One bad save among many concurrent ones fails alone (issue 7, fault 1), against the real
PostgreSQL: the group commit retries a failed group save by save."""

import asyncio
from typing import Any

import asyncpg
import pytest

from shared.eventstore import AggregateNotFound, EventStore
from tests.support.aggregates import Counter, new_counter

ROUNDS, SAVES = 20, 30


async def label_projection(conn: asyncpg.Connection, aggregates: Any) -> None:
    """A read model whose text column PostgreSQL refuses a NUL in: the fault of the issue."""
    labels = [(a.id, getattr(a, "label", "fine")) for a in aggregates if isinstance(a, Counter)]
    await conn.executemany("INSERT INTO counter_labels VALUES ($1, $2)", labels)


@pytest.fixture
async def labelled_store(store: EventStore) -> EventStore:
    await store.pool.execute("CREATE TABLE counter_labels (id uuid PRIMARY KEY, label text)")
    return EventStore(store.pool, store.mapper, projection=label_projection)


async def test_a_save_its_projection_refuses_fails_alone_among_concurrent_saves(
    labelled_store: EventStore,
):
    for _ in range(ROUNDS):
        counters = [new_counter(increments=1) for _ in range(SAVES)]
        poisoned = counters[SAVES // 2]
        poisoned.label = "therapist\x00"  # type: ignore[attr-defined]

        results = await asyncio.gather(
            *(labelled_store.save(c) for c in counters), return_exceptions=True
        )

        failed = [c for c, r in zip(counters, results, strict=True) if isinstance(r, Exception)]
        assert failed == [poisoned], [r for r in results if isinstance(r, Exception)]
        assert isinstance(results[SAVES // 2], asyncpg.DataError)
        with pytest.raises(AggregateNotFound):
            await labelled_store.get(poisoned.id)
        for counter in counters:
            if counter is not poisoned:
                assert (await labelled_store.get(counter.id)).count == 1
