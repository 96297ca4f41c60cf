"""What a save says when the database is busy or its connection breaks, against the real
PostgreSQL (issue 7, faults 8 and 11): nothing saved and said so, and a broken connection is
never handed out again."""

import asyncio

import asyncpg
import pytest
from structlog.testing import capture_logs

from shared import db
from shared.db import DatabaseUnavailable
from shared.eventstore import AggregateNotFound, EventStore
from tests.support.aggregates import new_counter


async def nothing(conn: asyncpg.Connection, aggregates: object) -> None:
    """A projection: it makes each save a transaction, as for intake's case index."""


@pytest.fixture
async def one_connection_store(isolated_pool: asyncpg.Pool, store: EventStore) -> EventStore:
    schema = isolated_pool._connect_kwargs["server_settings"]  # the test's own schema
    pool = await asyncpg.create_pool(
        isolated_pool._connect_args[0], min_size=1, max_size=1, server_settings=schema
    )
    yield EventStore(pool, store.mapper, projection=nothing)
    await pool.close()


async def test_a_save_that_gets_no_connection_in_time_is_refused_as_not_saved(
    one_connection_store: EventStore, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(db, "ACQUIRE_TIMEOUT", 0.2)
    counter = new_counter()
    async with one_connection_store.pool.acquire():  # the only connection, held
        with pytest.raises(DatabaseUnavailable):
            await one_connection_store.save(counter)

    with pytest.raises(AggregateNotFound):
        await one_connection_store.get(counter.id)


async def test_a_connection_cut_mid_save_is_not_saved_and_never_handed_out_again(
    one_connection_store: EventStore, isolated_pool: asyncpg.Pool
):
    pool = one_connection_store.pool
    first = new_counter()
    async with isolated_pool.acquire() as blocker, blocker.transaction():
        await blocker.execute("LOCK TABLE stored_events IN EXCLUSIVE MODE")
        saving = asyncio.create_task(one_connection_store.save(first))
        await asyncio.sleep(0.3)  # the save waits for the lock, mid-transaction
        await blocker.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
            " AND query LIKE '%append_events%'"
        )
        with pytest.raises(DatabaseUnavailable):
            await saving

    second = new_counter()
    await one_connection_store.save(second)  # on a fresh connection, not the broken one
    assert (await one_connection_store.get(second.id)).count == 0
    with pytest.raises(AggregateNotFound):
        await one_connection_store.get(first.id)
    assert pool.get_size() == 1


async def test_a_busy_database_fails_the_group_as_it_is_without_retrying_each_save(
    isolated_pool: asyncpg.Pool, store: EventStore
):
    settings = {**isolated_pool._connect_kwargs["server_settings"], "statement_timeout": "300ms"}
    pool = await asyncpg.create_pool(isolated_pool._connect_args[0], server_settings=settings)
    impatient = EventStore(pool, store.mapper, projection=nothing)
    try:
        async with isolated_pool.acquire() as blocker, blocker.transaction():
            await blocker.execute("LOCK TABLE stored_events IN EXCLUSIVE MODE")
            with capture_logs() as logs:
                results = await asyncio.gather(
                    *(impatient.save(new_counter()) for _ in range(16)), return_exceptions=True
                )
    finally:
        await pool.close()

    assert all(isinstance(r, asyncpg.QueryCanceledError) for r in results), results
    assert [line for line in logs if line["event"] == "group_commit.split_after_failure"] == []
