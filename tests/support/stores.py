"""Several event stores over one database schema, each on its own connection pool, as two
instances of a service would have: their transactions really overlap, unlike the saves of one
store, which its group commit runs one transaction at a time."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
from eventsourcing.persistence import Mapper

from shared.appends import Projection
from shared.eventstore import EventStore


async def schema_of(store: EventStore) -> str:
    return await store.pool.fetchval("SELECT current_schema()")


@asynccontextmanager
async def separate_stores(
    url: str, schema: str, mapper: Mapper, count: int, projection: Projection | None = None
) -> AsyncIterator[list[EventStore]]:
    """`count` stores on `url` and `schema`, each with a pool of its own."""
    settings = {"search_path": schema}
    pools = [
        await asyncpg.create_pool(url, min_size=1, max_size=4, server_settings=settings)
        for _ in range(count)
    ]
    try:
        yield [EventStore(pool, mapper, projection) for pool in pools]
    finally:
        for pool in pools:
            await pool.close()
