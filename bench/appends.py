"""Appends per second of three ways to store a new aggregate's first event, on one database:
Rapport's async event store, the eventsourcing library's own PostgreSQL Application (the
peer), and plain asyncpg single-row inserts of the same payloads (what the database allows)."""

import asyncio
import os
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from urllib.parse import urlparse

import asyncpg
from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event

from shared.eventstore import EventStore
from shared.mapping import build_mapper
from shared.schema import ensure_schema


class Referral(Aggregate):
    @event("Received")
    def __init__(self, *, source: str, meta: dict):
        self.source = source


def new_referral() -> Referral:
    return Referral(source="gp", meta={"actor": {"id": "bench", "role": "admin"}})


@asynccontextmanager
async def bench_schema(url: str, writers: int):
    """A throw-away schema, so every measurement starts from empty tables."""
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(url)
    await admin.execute(f"CREATE SCHEMA {schema}")
    pool = await asyncpg.create_pool(
        url, min_size=writers, max_size=writers, server_settings={"search_path": schema}
    )
    try:
        yield schema, pool
    finally:
        await pool.close()
        await admin.execute(f"DROP SCHEMA {schema} CASCADE")
        await admin.close()


async def run_writers(writers: int, total: int, save_one) -> float:
    """Appends per second of `writers` tasks sharing `total` saves."""
    remaining = iter(range(total))

    async def writer() -> None:
        for _ in remaining:
            await save_one()

    started = time.perf_counter()
    await asyncio.gather(*(writer() for _ in range(writers)))
    return total / (time.perf_counter() - started)


async def rapport_store(url: str, writers: int, total: int) -> float:
    async with bench_schema(url, writers) as (_, pool):
        async with pool.acquire() as conn:
            await ensure_schema(conn)
        store = EventStore(pool, build_mapper(None))
        return await run_writers(writers, total, lambda: store.save(new_referral()))


async def plain_inserts(url: str, writers: int, total: int) -> float:
    mapper = build_mapper(None)
    async with bench_schema(url, writers) as (_, pool):
        await pool.execute(
            "CREATE TABLE rows (originator_id uuid, originator_version bigint, topic text,"
            " state bytea, PRIMARY KEY (originator_id, originator_version))"
        )

        async def insert() -> None:
            stored = mapper.to_stored_event(new_referral().collect_events()[0])
            await pool.execute(
                "INSERT INTO rows VALUES ($1, $2, $3, $4)",
                stored.originator_id,
                stored.originator_version,
                stored.topic,
                stored.state,
            )

        return await run_writers(writers, total, insert)


async def library_application(url: str, writers: int, total: int) -> float:
    async with bench_schema(url, writers) as (schema, _):
        parts = urlparse(url)
        app = Application(
            env={
                "PERSISTENCE_MODULE": "eventsourcing.postgres",
                "POSTGRES_DBNAME": parts.path.lstrip("/"),
                "POSTGRES_HOST": parts.hostname,
                "POSTGRES_PORT": str(parts.port or 5432),
                "POSTGRES_USER": parts.username,
                "POSTGRES_PASSWORD": parts.password,
                "POSTGRES_SCHEMA": schema,
                "POSTGRES_POOL_SIZE": str(writers),
                "CREATE_TABLE": "y",
            }
        )
        try:
            return await asyncio.to_thread(_threaded_saves, app, writers, total)
        finally:
            app.close()


def _threaded_saves(app: Application, writers: int, total: int) -> float:
    started = time.perf_counter()
    with ThreadPoolExecutor(writers) as pool:
        list(pool.map(lambda _: app.save(new_referral()), range(total)))
    return total / (time.perf_counter() - started)


async def measure(total: int) -> dict[str, dict[int, float]]:
    url = os.environ["INTAKE_DATABASE_URL"]
    results: dict[str, dict[int, float]] = {}
    for name, way in [
        ("rapport store", rapport_store),
        ("library Application", library_application),
        ("plain asyncpg inserts", plain_inserts),
    ]:
        results[name] = {w: await way(url, w, total) for w in (1, 16)}
    return results
