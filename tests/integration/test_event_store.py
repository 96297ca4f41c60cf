"""The shared event store against the real PostgreSQL."""

import asyncio
import json
import os
import random
import sys
from asyncio.subprocess import PIPE
from collections.abc import Sequence

import asyncpg
import pytest

from shared.eventstore import AggregateNotFound, ConcurrencyConflict, EventStore
from shared.mapping import build_mapper, new_cipher_key
from shared.tracking import Position, advance
from tests.conftest import database_url
from tests.support.aggregates import meta_for, new_counter
from tests.support.stack import ROOT
from tests.support.stores import schema_of, separate_stores


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


async def test_two_saves_of_the_same_versions_in_two_instances_one_wins_the_other_conflicts(
    store: EventStore,
):
    """Two instances of a service (two stores, two pools) each save the next version of the
    same fifty counters at once, ten times over: two transactions race each time."""
    instances = separate_stores(database_url("intake"), await schema_of(store), store.mapper, 2)
    async with instances as (one, other):
        for _ in range(10):
            counters = [new_counter() for _ in range(50)]
            await store.save(*counters)
            firsts = [await one.get(c.id) for c in counters]
            seconds = [await other.get(c.id) for c in counters]
            for first, second in zip(firsts, seconds, strict=True):
                first.increment(by=1, meta=meta_for(first.id))
                second.increment(by=10, meta=meta_for(second.id))

            results = await asyncio.gather(
                one.save(*firsts), other.save(*seconds), return_exceptions=True
            )

            assert sorted(type(r).__name__ for r in results) == ["ConcurrencyConflict", "list"]
            winner = 1 if isinstance(results[0], list) else 10
            assert {(await store.get(c.id)).count for c in counters} == {winner}


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


async def test_tailing_reader_sees_every_event_once_in_commit_order_under_writers_in_many_instances(
    isolated_pool: asyncpg.Pool,
):
    """Writers in six instances (stores on separate pools) commit overlapping transactions,
    each kept open a moment by its read-model write, as intake's case index is; a reader
    tailing by notification id from a process of its own, as the relay does, must miss none
    of them."""
    key, saves_per_writer, url = new_cipher_key(), 30, database_url("intake")
    schema = await isolated_pool.fetchval("SELECT current_schema()")

    async def write(instance: EventStore) -> None:
        for _ in range(saves_per_writer):
            await instance.save(
                *[new_counter(random.randint(0, 3)) for _ in range(random.randint(1, 2))]
            )

    reader = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.support.tail_reader", url, schema,
        stdin=PIPE, stdout=PIPE, env={**os.environ, "TAIL_CIPHER_KEY": key}, cwd=ROOT,
    )  # fmt: skip
    assert reader.stdin and reader.stdout and await reader.stdout.readline() == b"ready\n"
    mapper = build_mapper(key)
    async with separate_stores(url, schema, mapper, 6, a_slow_read_model) as instances:
        await asyncio.gather(*(write(instance) for instance in instances for _ in range(3)))
    out, _ = await reader.communicate(b"")
    seen = json.loads(out)

    stored = [
        r[0]
        for r in await isolated_pool.fetch(
            "SELECT notification_id FROM stored_events ORDER BY notification_id"
        )
    ]
    assert len(stored) >= 6 * 3 * saves_per_writer
    assert seen == stored
    assert len(set(seen)) == len(seen)


async def a_slow_read_model(conn: asyncpg.Connection, aggregates: Sequence[object]) -> None:
    await conn.execute("SELECT pg_sleep(0.01)")


async def test_concurrent_consumers_of_one_partition_apply_a_position_once(store: EventStore):
    position = Position("policy", "intake.events", 2, 7)

    async def apply() -> int | None:
        async with store.pool.acquire() as conn, conn.transaction():
            previous = await advance(conn, position)
            await asyncio.sleep(0.05)  # the effect, while the other waits
            return previous

    results = await asyncio.gather(*(apply() for _ in range(5)))

    assert sorted(results, key=str) == [-1, None, None, None, None]
