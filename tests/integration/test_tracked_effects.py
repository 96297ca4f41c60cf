"""The one way a consumer records its position (issue 7, fault 7): advance_position in its
own transaction, then its effect saved with `conn=`; against the real PostgreSQL."""

import pytest

from shared.eventstore import AggregateNotFound, ConcurrencyConflict, EventStore
from shared.tracking import Position, advance
from tests.support.aggregates import meta_for, new_counter


async def test_a_consumer_saves_its_effect_in_the_transaction_that_records_its_position(
    store: EventStore,
):
    position = Position("policy", "intake.events", 0, 41)
    effects = [new_counter(), new_counter()]
    for effect in effects:  # the same message delivered twice
        async with store.pool.acquire() as conn, conn.transaction():
            if await advance(conn, position) is not None:
                await store.save(effect, conn=conn)

    assert (await store.get(effects[0].id)).count == 0
    with pytest.raises(AggregateNotFound):
        await store.get(effects[1].id)


async def test_an_effect_that_fails_leaves_the_position_where_it_was(store: EventStore):
    position = Position("policy", "intake.events", 1, 5)
    saved = new_counter()
    await store.save(saved)
    stale, newer = await store.get(saved.id), await store.get(saved.id)
    stale.increment(by=1, meta=meta_for(saved.id))
    newer.increment(by=2, meta=meta_for(saved.id))
    await store.save(newer)

    with pytest.raises(ConcurrencyConflict):
        async with store.pool.acquire() as conn, conn.transaction():
            await advance(conn, position)
            await store.save(stale, conn=conn)

    async with store.pool.acquire() as conn, conn.transaction():
        assert await advance(conn, position) == -1
