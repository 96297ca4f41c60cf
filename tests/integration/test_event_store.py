"""The shared event store against the real PostgreSQL."""

import asyncio
import random

import pytest

from shared.eventstore import AggregateNotFound, ConcurrencyConflict, EventStore
from shared.tracking import Position, advance
from tests.support.aggregates import meta_for, new_counter


async def test_saved_aggregate_comes_back_with_its_state_and_at_any_version(store: EventStore):
    counter = new_counter(increments=3)
    await store.save(counter)

    assert (await store.get(counter.id)).count == 3
    assert (await store.get(counter.id, version=2)).count == 1


async def test_unknown_aggregate_is_not_found(store: EventStore):
    with pytest.raises(AggregateNotFound):
        await store.get(new_counter().id)


async def test_state_is_encrypted_at_rest(store: EventStore):
    counter = new_counter()
    await store.save(counter)
    state = await store.pool.fetchval(
        "SELECT state FROM stored_events WHERE originator_id = $1", counter.id
    )
    assert b"tester" not in state and b"meta" not in state


async def test_two_saves_of_the_same_version_one_wins_the_other_conflicts(store: EventStore):
    counter = new_counter()
    await store.save(counter)
    first, second = await store.get(counter.id), await store.get(counter.id)
    first.increment(by=1, meta=meta_for(counter.id))
    second.increment(by=10, meta=meta_for(counter.id))

    results = await asyncio.gather(store.save(first), store.save(second), return_exceptions=True)

    assert sorted(type(r).__name__ for r in results) == ["ConcurrencyConflict", "list"]
    assert (await store.get(counter.id)).count in (1, 10)


async def test_a_save_of_several_aggregates_stores_all_or_nothing(store: EventStore):
    saved = new_counter()
    await store.save(saved)
    stale = await store.get(saved.id)
    stale.increment(by=1, meta=meta_for(saved.id))
    other = await store.get(saved.id)
    other.increment(by=1, meta=meta_for(saved.id))
    await store.save(other)
    fresh = new_counter(increments=2)

    with pytest.raises(ConcurrencyConflict):
        await store.save(fresh, stale)

    with pytest.raises(AggregateNotFound):
        await store.get(fresh.id)


async def test_tailing_reader_sees_every_event_once_in_commit_order_under_concurrent_writers(
    store: EventStore,
):
    writers, saves_per_writer = 16, 25
    seen: list[int] = []
    done = asyncio.Event()

    async def write() -> None:
        for _ in range(saves_per_writer):
            await store.save(
                *[new_counter(random.randint(0, 3)) for _ in range(random.randint(1, 2))]
            )

    async def tail() -> None:
        position = 0
        while True:
            finished = done.is_set()
            batch = await store.notifications(position, 50)
            seen.extend(n.id for n in batch)
            position = batch[-1].id if batch else position
            if finished and not batch:
                return

    reader = asyncio.create_task(tail())
    await asyncio.gather(*(write() for _ in range(writers)))
    done.set()
    await reader

    stored = [
        r[0]
        for r in await store.pool.fetch(
            "SELECT notification_id FROM stored_events ORDER BY notification_id"
        )
    ]
    assert seen == stored
    assert len(set(seen)) == len(seen)


async def test_concurrent_consumers_of_one_partition_apply_a_position_once(store: EventStore):
    position = Position("policy", "intake.events", 2, 7)

    async def apply() -> int | None:
        async with store.pool.acquire() as conn, conn.transaction():
            previous = await advance(conn, position)
            await asyncio.sleep(0.05)  # the effect, while the other waits
            return previous

    results = await asyncio.gather(*(apply() for _ in range(5)))

    assert sorted(results, key=str) == [-1, None, None, None, None]
